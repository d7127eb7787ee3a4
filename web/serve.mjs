// Development server for the web app, no dependencies: serves the app's static files and
// forwards /auth/* to auth-service, so the page and auth-service share one origin and the
// SameSite=Strict refresh cookie is first-party (docs/COOKIES.md, "Cookie-only delivery").
// resource-service is called cross-origin with the bearer token only.
//
//   PORT=3000 AUTH_URL=http://127.0.0.1:8080 API_URL=http://localhost:8081 node web/serve.mjs
//
// API_URL (and MAX_PHOTO_BYTES) override config.json, which the app reads at start. Each
// forwarded request is logged on stdout as "METHOD /path STATUS MSms".
import { createServer, request as forward } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const port = Number(process.env.PORT || 3000);
const host = process.env.HOST || '127.0.0.1';
const auth = new URL(process.env.AUTH_URL || 'http://127.0.0.1:8080');
const config = JSON.parse(await readFile(join(root, 'config.json'), 'utf8'));
if (process.env.API_URL) config.apiUrl = process.env.API_URL;
if (process.env.MAX_PHOTO_BYTES) config.maxPhotoBytes = Number(process.env.MAX_PHOTO_BYTES);
// Only the app's own files; never serve.mjs, the tests, package files or node_modules.
const PUBLIC = /^\/(index\.html|styles\.css|favicon\.svg|(app|client)\/[\w./-]+\.(js|d\.ts))$/;
const TYPES = { '.html': 'text/html', '.css': 'text/css', '.js': 'text/javascript', '.ts': 'text/plain', '.svg': 'image/svg+xml', '.json': 'application/json' };
const HEADERS = {
  'Cache-Control': 'no-cache',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': `default-src 'self'; img-src 'self' blob:; connect-src 'self' ${new URL(config.apiUrl).origin}; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
};

function proxy(req, res) {
  const started = Date.now();
  const upstream = forward(
    { host: auth.hostname, port: auth.port, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      console.log(`${req.method} ${req.url.split('?')[0]} ${answer.statusCode} ${Date.now() - started}ms`);
      res.writeHead(answer.statusCode, answer.rawHeaders);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    console.log(`${req.method} ${req.url.split('?')[0]} 502 ${Date.now() - started}ms`);
    res.writeHead(502, { 'Content-Type': 'application/json' });
    res.end('{"error":"unavailable","message":"auth-service does not answer."}');
  });
  req.pipe(upstream);
}

async function serveFile(req, res) {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
  if (path === '/config.json') {
    res.writeHead(200, { ...HEADERS, 'Content-Type': 'application/json' });
    return res.end(JSON.stringify(config));
  }
  const file = path === '/' ? '/index.html' : path;
  if (!['GET', 'HEAD'].includes(req.method) || !PUBLIC.test(file) || file.includes('..')) {
    res.writeHead(404, { ...HEADERS, 'Content-Type': 'text/plain' });
    return res.end('Not found');
  }
  try {
    const body = await readFile(join(root, file));
    res.writeHead(200, { ...HEADERS, 'Content-Type': `${TYPES[extname(file)]}; charset=utf-8` });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch {
    res.writeHead(404, { ...HEADERS, 'Content-Type': 'text/plain' });
    res.end('Not found');
  }
}

createServer((req, res) => {
  if (req.url === '/auth' || req.url.startsWith('/auth/')) return proxy(req, res);
  serveFile(req, res).catch(() => {
    res.writeHead(400).end();
  });
}).listen(port, host, () => console.log(`web app on http://localhost:${port} (auth: ${auth.origin})`));
