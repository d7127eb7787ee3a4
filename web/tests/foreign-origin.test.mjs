// A page on another site, open in the same browser as a logged-in person, tries to ride on the
// cookies: upload a photo, refresh the session, log it out. SameSite=Strict keeps the cookies
// home (docs/COOKIES.md); the origin check would refuse them even if they came.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import {
  API,
  WEB,
  assertNoPageErrors,
  expectLoggedIn,
  launch,
  newContext,
  newPage,
  newUser,
  recordTraffic,
  registerInUi,
} from './helpers.mjs';

let browser;
let foreign;
let foreignOrigin;

// 127.0.0.1 is another site than localhost, where the app and its cookies live.
const ATTACK = `<!doctype html><title>Free prizes</title><script type="module">
const web = ${JSON.stringify(WEB)}, api = ${JSON.stringify(API)};
const png = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC'), (c) => c.charCodeAt(0));
const tries = {
  upload: () => { const f = new FormData(); f.append('file', new Blob([png], { type: 'image/png' }), 'x.png'); f.append('caption', 'planted');
                  return fetch(api + '/photos', { method: 'POST', body: f, credentials: 'include', mode: 'no-cors' }); },
  refresh: () => fetch(web + '/auth/refresh', { method: 'POST', credentials: 'include', mode: 'no-cors' }),
  refreshReadable: () => fetch(web + '/auth/refresh', { method: 'POST', credentials: 'include', headers: { 'X-Token-Delivery': 'cookie' } }),
  logout: () => fetch(web + '/auth/logout', { method: 'POST', credentials: 'include', mode: 'no-cors' }),
  logoutAll: () => fetch(web + '/auth/logout-all', { method: 'POST', credentials: 'include', mode: 'no-cors' }),
};
const results = {};
for (const [name, attempt] of Object.entries(tries)) {
  try { const r = await attempt(); results[name] = r.type === 'opaque' ? 'opaque' : r.status; }
  catch (e) { results[name] = 'blocked: ' + e.name; }
}
window.results = results;
</script>`;

before(async () => {
  browser = await launch();
  foreign = createServer((req, res) => {
    if (req.url === '/form') {
      // A top-level cross-site form post: the one kind of request that carries Lax cookies.
      res.writeHead(200, { 'Content-Type': 'text/html' });
      return res.end(`<form method="post" action="${WEB}/auth/logout"></form><script>document.forms[0].submit()</script>`);
    }
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(ATTACK);
  });
  await new Promise((resolve) => foreign.listen(0, '127.0.0.1', resolve));
  foreignOrigin = `http://127.0.0.1:${foreign.address().port}`;
});
after(async () => {
  await browser?.close();
  foreign?.close();
});

test('a page on a foreign origin cannot use the cookies to upload, refresh or log out', async (t) => {
  const context = await newContext(browser);
  const app = await newPage(context);
  await registerInUi(app, newUser('quinn'));
  const sessionsBefore = (await context.cookies()).filter((c) => /refresh_token$/.test(c.name)).map((c) => c.value);
  const traffic = recordTraffic(context);

  const evil = await newPage(context, null);
  await evil.goto(`${foreignOrigin}/`);
  await evil.waitForFunction(() => window.results);
  const results = await evil.evaluate(() => window.results);
  assert.equal(results.refreshReadable, 'blocked: TypeError', 'CORS keeps the answer from the foreign script');

  const form = await newPage(context, null);
  await form.goto(`${foreignOrigin}/form`);
  await form.waitForURL(`${WEB}/auth/logout`);

  // What reached the services from the foreign pages: no cookie, and every one refused.
  const attempts = traffic.responses.filter((r) => {
    const url = new URL(r.url);
    return r.method === 'POST' && (url.pathname === '/photos' || url.pathname.startsWith('/auth/'));
  });
  t.diagnostic(`foreign attempts: ${attempts.map((a) => `${new URL(a.url).pathname} ${a.status}`).join(', ')}`);
  assert.ok(attempts.length >= 5, `the attempts were sent (${attempts.length})`);
  for (const attempt of attempts) {
    const headers = await attempt.response.request().allHeaders();
    assert.equal(headers.cookie, undefined, `${attempt.url} went without cookies`);
    assert.ok([401, 403].includes(attempt.status), `${attempt.url} was refused: ${attempt.status}`);
  }

  // The person's session is untouched: same refresh cookie, still logged in, nothing uploaded.
  const sessionsAfter = (await context.cookies()).filter((c) => /refresh_token$/.test(c.name)).map((c) => c.value);
  assert.deepEqual(sessionsAfter, sessionsBefore, 'the refresh cookie was neither used nor cleared');
  const reloaded = traffic.responses.length;
  await app.reload();
  await expectLoggedIn(app);
  // The same browser's own page does send the cookie: the check above could have seen it.
  const own = traffic.responses.slice(reloaded).find((r) => r.url === `${WEB}/auth/refresh`);
  assert.match((await own.response.request().allHeaders()).cookie ?? '', /refresh_token=/);
  await app.getByRole('button', { name: 'Mine' }).click();
  await app.getByText('You have not shared a photo yet.').waitFor();
  assertNoPageErrors(app);
  await context.close();
});
