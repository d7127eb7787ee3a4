// One person's way through the app, and where the tokens are (and are not) afterwards.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AUTH,
  accessTokenByApi,
  assertNoPageErrors,
  drawPhoto,
  expectLoggedIn,
  expectLoginView,
  launch,
  logInInUi,
  newContext,
  newPage,
  newUser,
  photoItem,
  recordTraffic,
  registerByApi,
  screenshot,
  uploadByApi,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

/** The refresh-token values the browser was given, from every Set-Cookie the pages saw. */
async function refreshTokensSeen(traffic) {
  const values = new Set();
  for (const { response } of traffic.responses) {
    for (const { name, value } of await response.headersArray()) {
      const cookie = name.toLowerCase() === 'set-cookie' && /^(?:__Host-)?refresh_token=([^;]+)/.exec(value);
      if (cookie) values.add(cookie[1]);
    }
  }
  return values;
}

test('register, log in, upload, like, reload: still logged in', async () => {
  const context = await newContext(browser);
  const page = await newPage(context);
  const user = newUser('alice', 'Alice Liddell');
  // Someone shared photos before: the grid shows everyone's.
  const friend = newUser('lena', 'Lena Söderberg');
  await registerByApi(friend);
  for (const [scene, caption] of [[1, 'Blue hour at the lake'], [2, 'Forest ridge'], [3, 'Desert dawn']]) {
    // A token per upload: they live four seconds here, and a busy machine may take that long.
    const bytes = await drawPhoto(page, { scene });
    await uploadByApi(await accessTokenByApi(friend), bytes, caption);
  }

  await expectLoginView(page);
  await screenshot(page, 'login');
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.getByLabel('Full name', { exact: true }).waitFor();
  await page.getByLabel('Username', { exact: true }).fill(user.username);
  await page.getByLabel('Email', { exact: true }).fill(user.email);
  await page.getByLabel('Full name', { exact: true }).fill(user.fullName);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await screenshot(page, 'register');
  await page.getByRole('button', { name: 'Create account', exact: true }).click();
  await expectLoggedIn(page);

  // Out, and in again by email in capitals (login matches the normalised form).
  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  await expectLoginView(page);
  await logInInUi(page, user.email.toUpperCase());
  await expectLoggedIn(page);

  const caption = 'Sunset over the hills';
  await page.getByLabel('Photo', { exact: true }).setInputFiles({ name: 'sunset.png', mimeType: 'image/png', buffer: await drawPhoto(page, { scene: 0 }) });
  await page.getByLabel('Caption', { exact: true }).fill(caption);
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  const item = photoItem(page, caption).first();
  await item.waitFor();
  // The image really arrived, fetched with the bearer token (an <img> alone could not): the
  // thumbnail, 320 pixels wide for this 800x600 photo, not the original.
  await page.waitForFunction((alt) => [...document.images].some((i) => i.alt === alt && i.complete && i.naturalWidth === 320), caption);
  await item.getByRole('button', { name: 'Like', exact: true }).click();
  await item.getByRole('button', { name: 'Unlike', exact: true }).waitFor();
  assert.equal(await item.locator('.likes').textContent(), '1 like');
  await page.getByRole('status').waitFor({ state: 'hidden' }); // the "Photo uploaded." toast
  await page.waitForFunction(() => [...document.images].every((i) => i.complete && i.naturalWidth > 0));
  await screenshot(page, 'photos');

  await page.reload();
  await expectLoggedIn(page);
  await photoItem(page, caption).first().getByRole('button', { name: 'Unlike', exact: true }).waitFor();
  assertNoPageErrors(page);
  await context.close();
});

test('no token in storage or document.cookie, and no refresh token in any response body', async () => {
  const context = await newContext(browser);
  const traffic = recordTraffic(context);
  const page = await newPage(context);
  const user = newUser('bob', 'Bob Dylan');
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.getByLabel('Username', { exact: true }).fill(user.username);
  await page.getByLabel('Email', { exact: true }).fill(user.email);
  await page.getByLabel('Full name', { exact: true }).fill(user.fullName);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Create account', exact: true }).click();
  await expectLoggedIn(page);
  await page.reload(); // restores the session: one refresh with the cookie
  await expectLoggedIn(page);
  await page.getByRole('link', { name: 'Sessions' }).click();
  await page.getByRole('list', { name: 'Sessions' }).getByRole('listitem').first().waitFor();

  const readable = await page.evaluate(() => ({
    localStorage: localStorage.length,
    sessionStorage: sessionStorage.length,
    cookie: document.cookie,
  }));
  assert.deepEqual(readable, { localStorage: 0, sessionStorage: 0, cookie: '' });

  // The cookies are there, but only for the browser: HttpOnly and SameSite=Strict.
  const cookies = await context.cookies();
  const refreshCookie = cookies.find((c) => /refresh_token$/.test(c.name));
  assert.ok(refreshCookie, `a refresh cookie: ${cookies.map((c) => c.name)}`);
  for (const cookie of cookies) {
    assert.equal(cookie.httpOnly, true, `${cookie.name} is HttpOnly`);
    assert.equal(cookie.sameSite, 'Strict', `${cookie.name} is SameSite=Strict`);
  }

  const refreshTokens = await refreshTokensSeen(traffic);
  const tokenAnswers = traffic.responses.filter((r) => /\/auth\/(login|refresh)$/.test(new URL(r.url).pathname) && r.status === 200);
  assert.ok(tokenAnswers.length >= 2, 'a login and at least one refresh were answered');
  assert.ok(refreshTokens.size >= 2, 'every token answer set a new refresh cookie');
  let bodies = 0;
  for (const answer of traffic.responses) {
    const body = await answer.body;
    if (!body) continue;
    bodies += 1;
    assert.ok(!/"refresh_token"/.test(body), `${answer.method} ${answer.url} has a refresh_token field`);
    for (const token of refreshTokens) assert.ok(!body.includes(token), `${answer.url} carries a refresh token`);
  }
  assert.ok(bodies >= tokenAnswers.length, `JSON bodies were read (${bodies})`);

  // Without the header, a non-browser client still gets the refresh token in the body.
  const direct = await fetch(`${AUTH}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: user.username, password: user.password }),
  });
  assert.equal(typeof (await direct.json()).refresh_token, 'string');
  assertNoPageErrors(page);
  await context.close();
});
