// What every browser test shares: Debian's Chromium through playwright-core, the addresses of
// the running system (scripts/browser-tests.sh starts it through scripts/dev.sh), users, pictures
// drawn on a canvas, screenshots, and a record of the requests the pages send.
import { mkdir, readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const WEB = process.env.DEV_WEB_URL ?? 'http://localhost:3000';
export const AUTH = process.env.DEV_AUTH_URL ?? 'http://localhost:8080';
export const API = process.env.DEV_RESOURCE_URL ?? 'http://localhost:8081';
/** ACCESS_TOKEN_EXPIRY of the running services, in seconds. */
export const LIFETIME_S = Number(process.env.BROWSER_TEST_TOKEN_SECONDS ?? 4);
export const SHOTS = process.env.BROWSER_SCREENSHOTS ?? new URL('../../target/browser-screenshots/', import.meta.url).pathname;
export const PASSWORD = 'correct horse battery';
/** Where auth-service writes its mails as .eml files (no SMTP server in development). */
export const MAIL_DIR = process.env.MAIL_DIR ?? (process.env.DEV_DIR ? join(process.env.DEV_DIR, 'mail') : null);

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** A fresh browser profile (its own cookies): one "browser" of a person. */
export async function newContext(browser) {
  return browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US', timezoneId: 'UTC' });
}

/** A page whose script errors fail the test at the end (see `assertNoPageErrors`). */
export async function newPage(context, path = '/') {
  const page = await context.newPage();
  page.pageErrors = [];
  page.on('pageerror', (error) => page.pageErrors.push(error.message));
  if (path !== null) await page.goto(WEB + path);
  return page;
}

export function assertNoPageErrors(...pages) {
  const errors = pages.flatMap((p) => p.pageErrors);
  if (errors.length) throw new Error(`script errors in the page: ${errors.join('; ')}`);
}

let counter = 0;
/** A username valid under docs/API.md's rule, different on every run. */
export function uniqueName(prefix) {
  counter += 1;
  return `${prefix}_${Date.now().toString(36)}${counter}${Math.floor(Math.random() * 1e4)}`.slice(0, 32);
}

export function newUser(prefix, fullName = 'Ada Lovelace') {
  const username = uniqueName(prefix);
  return { username, email: `${username}@example.com`, fullName, password: PASSWORD };
}

/** Registers through the API (no browser), for users a test only needs to exist. */
export async function registerByApi(user) {
  const response = await fetch(`${AUTH}/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: user.username, email: user.email, full_name: user.fullName, password: user.password }),
  });
  if (response.status !== 201) throw new Error(`register ${user.username}: ${response.status} ${await response.text()}`);
}

/** An access token for `user` from the API directly (test setup only: bulk uploads). */
export async function accessTokenByApi(user) {
  const response = await fetch(`${AUTH}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: user.username, password: user.password }),
  });
  if (!response.ok) throw new Error(`login ${user.username}: ${response.status}`);
  return (await response.json()).access_token;
}

export async function uploadByApi(token, bytes, caption) {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: 'image/png' }), 'photo.png');
  if (caption) form.append('caption', caption);
  const response = await fetch(`${API}/photos`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
  if (response.status !== 201) throw new Error(`upload: ${response.status} ${await response.text()}`);
  return response.json();
}

export async function registerInUi(page, user) {
  await page.goto(`${WEB}/#/register`);
  await page.getByLabel('Username', { exact: true }).fill(user.username);
  await page.getByLabel('Email', { exact: true }).fill(user.email);
  await page.getByLabel('Full name', { exact: true }).fill(user.fullName);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Create account', exact: true }).click();
  await expectLoggedIn(page);
}

export async function logInInUi(page, identifier, password = PASSWORD) {
  await page.getByLabel('Username or email', { exact: true }).fill(identifier);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
}

/** The photos view with its upload form: what a logged-in person sees. */
export async function expectLoggedIn(page, timeout = 10_000) {
  await page.getByRole('button', { name: 'Log out', exact: true }).waitFor({ timeout });
}

/** The login view: what a logged-out person sees. */
export async function expectLoginView(page, timeout = 10_000) {
  await page.getByRole('button', { name: 'Log in', exact: true }).waitFor({ timeout });
}

/** A photo's list item in the grid, found by its image's alt text. */
export function photoItem(page, caption) {
  return page
    .getByRole('list', { name: 'Photos', exact: true })
    .getByRole('listitem')
    .filter({ has: page.getByRole('img', { name: caption, exact: true }) });
}

/**
 * PNG bytes of a small landscape drawn on a canvas in `page`: `scene` picks the palette.
 * `noise` fills it with random pixels instead, which PNG cannot compress (large files).
 */
export async function drawPhoto(page, { scene = 0, width = 800, height = 600, noise = false } = {}) {
  const bytes = await page.evaluate(
    async ({ scene, width, height, noise }) => {
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const g = canvas.getContext('2d');
      if (noise) {
        const data = g.createImageData(width, height);
        for (let i = 0; i < data.data.length; i += 65536) crypto.getRandomValues(data.data.subarray(i, i + 65536));
        for (let i = 3; i < data.data.length; i += 4) data.data[i] = 255;
        g.putImageData(data, 0, 0);
      } else {
        const palettes = [
          ['#ffb36b', '#e2589a', '#6d5dfc', '#2b2350', '#3d3270', '#fff3d6'],
          ['#8fd3ff', '#4a90e2', '#1d4e89', '#0f2f57', '#1a426f', '#ffffff'],
          ['#d9f99d', '#65a30d', '#166534', '#14351f', '#1f4d2c', '#fefce8'],
          ['#fde68a', '#f59e0b', '#b45309', '#451a03', '#78350f', '#fffbeb'],
        ];
        const [a, b, c, d, e, sun] = palettes[scene % palettes.length];
        const sky = g.createLinearGradient(0, 0, width * 0.4, height);
        sky.addColorStop(0, a);
        sky.addColorStop(0.55, b);
        sky.addColorStop(1, c);
        g.fillStyle = sky;
        g.fillRect(0, 0, width, height);
        g.fillStyle = sun;
        g.globalAlpha = 0.9;
        g.beginPath();
        g.arc(width * (0.6 + 0.05 * scene), height * 0.32, height * 0.13, 0, Math.PI * 2);
        g.fill();
        g.globalAlpha = 1;
        const ridge = (color, base, peaks) => {
          g.fillStyle = color;
          g.beginPath();
          g.moveTo(0, height);
          for (const [x, y] of peaks) g.lineTo(x * width, base - y * height);
          g.lineTo(width, height);
          g.fill();
        };
        ridge(e, height * 0.85, [[0, 0.1], [0.2, 0.38], [0.38, 0.15], [0.6, 0.42], [0.8, 0.2], [1, 0.3]]);
        ridge(d, height, [[0, 0.25], [0.25, 0.12], [0.45, 0.3], [0.7, 0.1], [0.9, 0.22], [1, 0.15]]);
      }
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
      return Array.from(new Uint8Array(await blob.arrayBuffer()));
    },
    { scene, width, height, noise },
  );
  return Buffer.from(bytes);
}

export async function uploadInUi(page, bytes, caption, name = 'photo.png') {
  await page.getByLabel('Photo', { exact: true }).setInputFiles({ name, mimeType: 'image/png', buffer: bytes });
  await page.getByLabel('Caption', { exact: true }).fill(caption);
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
}

export async function screenshot(page, name) {
  await mkdir(SHOTS, { recursive: true });
  const path = `${SHOTS}${SHOTS.endsWith('/') ? '' : '/'}${name}.png`;
  await page.screenshot({ path });
  return path;
}

/**
 * Every request the pages of `context` send and every answer they get, with the page that sent
 * it and when, for counting refreshes and failures.
 */
export function recordTraffic(context) {
  const requests = [];
  const responses = [];
  const pages = [];
  const pageIndex = (page) => {
    let i = pages.indexOf(page);
    if (i < 0) i = pages.push(page) - 1;
    return i;
  };
  context.on('request', (request) => {
    requests.push({ at: Date.now(), url: request.url(), method: request.method(), page: pageIndex(request.frame().page()) });
  });
  context.on('response', (response) => {
    const request = response.request();
    const entry = { at: Date.now(), url: request.url(), method: request.method(), status: response.status(), response };
    // JSON bodies are read at once: a page that reloads takes its old bodies with it.
    if ((response.headers()['content-type'] ?? '').includes('json')) {
      entry.body = response.text().catch(() => null);
    }
    responses.push(entry);
  });
  return {
    requests,
    responses,
    refreshes: () => requests.filter((r) => r.method === 'POST' && new URL(r.url).pathname === '/auth/refresh'),
    failures: () => responses.filter((r) => r.status >= 400),
  };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- mails ----------------------------------------------------------------------------------

/** Header fields of a message or a MIME part, names in lower case, folded lines joined. */
function parseHeaders(text) {
  const headers = {};
  for (const line of text.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0) headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  return headers;
}

/** Quoted-printable to text: soft line breaks (`=` at a line's end) go, `=XX` become bytes. */
export function decodeQuotedPrintable(text) {
  const bytes = Buffer.from(text.replace(/=\r?\n/g, ''), 'latin1');
  const out = [];
  for (let i = 0; i < bytes.length; i += 1) {
    const hex = bytes[i] === 0x3d && bytes.toString('latin1', i + 1, i + 3);
    if (hex && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      out.push(parseInt(hex, 16));
      i += 2;
    } else {
      out.push(bytes[i]);
    }
  }
  return Buffer.from(out).toString('utf8');
}

/** `encoded-word`s of a header (`=?UTF-8?Q?...?=`, `=?UTF-8?B?...?=`) as text. */
function decodeWords(value) {
  return value.replace(/=\?[^?]+\?([QqBb])\?([^?]*)\?=\s*/g, (_, kind, data) =>
    kind.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64').toString('utf8')
      : decodeQuotedPrintable(data.replace(/_/g, ' ')),
  );
}

/** The text leaves of a MIME message, `{ type, text }`, decoded, in order. */
function textParts(raw) {
  const split = /\r?\n\r?\n/.exec(raw);
  const headers = parseHeaders(split ? raw.slice(0, split.index) : raw);
  const body = split ? raw.slice(split.index + split[0].length) : '';
  const type = headers['content-type'] ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    const sections = body.split(new RegExp(`^--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \\t]*\\r?$`, 'm'));
    // What comes before the first boundary and after the last is no part.
    return sections.slice(1, -1).flatMap((section) => textParts(section.replace(/^\r?\n/, '')));
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const text =
    encoding === 'quoted-printable'
      ? decodeQuotedPrintable(body)
      : encoding === 'base64'
        ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
        : body;
  return [{ type: type.split(';')[0].trim().toLowerCase(), text }];
}

/** A parsed .eml: its headers (`to`, `subject` decoded) and its text parts. */
export function parseMail(raw) {
  const split = /\r?\n\r?\n/.exec(raw);
  const headers = parseHeaders(split ? raw.slice(0, split.index) : raw);
  return { to: decodeWords(headers.to ?? ''), subject: decodeWords(headers.subject ?? ''), parts: textParts(raw) };
}

const LINK = /https?:\/\/[^\s"'<>]*#\/(?:reset-password|verify-email|cancel-email-change)\?token=[A-Za-z0-9_-]+/;
/** Mails already handed to a test: each is returned once. */
const takenMails = new Set();

/**
 * Waits (up to `timeout` ms) for a mail in MAIL_DIR not returned before, addressed to `to` and
 * with `subject` in its subject, the oldest such; returns it with the first reset or
 * verification link of its text (the plain part first), or `link: null` when it has none.
 */
export async function waitForMail(to, subject, { timeout = 10_000 } = {}) {
  if (!MAIL_DIR) throw new Error('MAIL_DIR is not set: where does auth-service write its mails?');
  const address = to.toLowerCase();
  const deadline = Date.now() + timeout;
  for (;;) {
    const names = await readdir(MAIL_DIR).catch((error) => (error.code === 'ENOENT' ? [] : Promise.reject(error)));
    const files = names.filter((n) => n.endsWith('.eml')).map((n) => join(MAIL_DIR, n)).filter((f) => !takenMails.has(f));
    // Oldest first (the names say nothing of the order): a second call finds the next mail.
    const written = new Map(await Promise.all(files.map(async (f) => [f, (await stat(f)).mtimeMs])));
    files.sort((a, b) => written.get(a) - written.get(b) || a.localeCompare(b));
    for (const file of files) {
      const mail = parseMail(await readFile(file, 'latin1'));
      const recipients = mail.to.toLowerCase().match(/[^\s<>,;"]+@[^\s<>,;"]+/g) ?? [];
      if (!recipients.includes(address) || !mail.subject.includes(subject)) continue;
      takenMails.add(file);
      const texts = [...mail.parts.filter((p) => p.type === 'text/plain'), ...mail.parts.filter((p) => p.type !== 'text/plain')];
      const link = texts.map((p) => LINK.exec(p.text)?.[0]).find(Boolean) ?? null;
      return { ...mail, file, link };
    }
    if (Date.now() > deadline) throw new Error(`no mail to ${to} about "${subject}" in ${MAIL_DIR} within ${timeout} ms`);
    await sleep(200);
  }
}

/** The reset or verification link of the next mail to `to` about `subject`. */
export async function waitForMailLink(to, subject, options) {
  const mail = await waitForMail(to, subject, options);
  if (!mail.link) throw new Error(`the mail "${mail.subject}" to ${to} (${mail.file}) has no link`);
  return mail.link;
}
