// A session ended from another browser ends in this one at its next refresh, or sooner at its
// next request to the photo API, which refuses the revoked session's token (docs/TOKENS.md,
// Revocation): the login view with a clear message, and no loop of failing requests.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  LIFETIME_S,
  assertNoPageErrors,
  expectLoggedIn,
  expectLoginView,
  launch,
  logInInUi,
  newContext,
  newPage,
  newUser,
  recordTraffic,
  accessTokenByApi,
  registerByApi,
  screenshot,
  sleep,
  AUTH,
  API,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

/** Two browsers logged in as one person. */
async function twoBrowsers(user) {
  const laptop = await newContext(browser);
  const phone = await newContext(browser);
  const laptopPage = await newPage(laptop);
  const phonePage = await newPage(phone);
  await logInInUi(laptopPage, user.username);
  await expectLoggedIn(laptopPage);
  await logInInUi(phonePage, user.username);
  await expectLoggedIn(phonePage);
  return { laptop, phone, laptopPage, phonePage };
}

/** The laptop's page lands on the login view with the message, after one refused refresh. */
async function assertEndedQuietly(page, traffic, since) {
  await expectLoginView(page, (LIFETIME_S + 3) * 1000);
  await page.getByText('Your session has ended. Please log in again.').waitFor({ timeout: 1000 });
  const landed = Date.now();
  // Then quiet: nothing retries in a loop.
  await sleep(2 * LIFETIME_S * 1000);
  const refreshes = traffic.refreshes().filter((r) => r.at >= since);
  assert.equal(refreshes.length, 1, `one refresh found the session over (${refreshes.length})`);
  const after = traffic.requests.filter((r) => r.at > landed + 500 && !r.url.includes('/photos/'));
  assert.deepEqual(after.map((r) => `${r.method} ${r.url}`), [], 'no request after the login view');
  const refused = traffic.responses.filter((r) => r.at >= since && r.status >= 400);
  assert.ok(refused.length <= 2, `at most the refused refresh (and the request that found out): ${refused.map((r) => `${r.url} ${r.status}`)}`);
}

test('revoking a session from another browser ends it there at its next refresh', async () => {
  const user = newUser('olga');
  await registerByApi(user);
  const { laptop, phone, laptopPage, phonePage } = await twoBrowsers(user);
  const traffic = recordTraffic(laptop);

  await phonePage.getByRole('link', { name: 'Sessions' }).click();
  const other = phonePage.getByRole('list', { name: 'Sessions' }).getByRole('listitem').filter({ hasNotText: 'This device' });
  await other.getByRole('button', { name: 'Revoke', exact: true }).click();
  await other.waitFor({ state: 'detached' });
  const revoked = Date.now();

  await assertEndedQuietly(laptopPage, traffic, revoked);
  await expectLoggedIn(phonePage, 1000); // the phone's own session is untouched
  assertNoPageErrors(laptopPage, phonePage);
  await laptop.close();
  await phone.close();
});

test('log out everywhere ends the other browser too, and this one at once', async () => {
  const user = newUser('pia');
  await registerByApi(user);
  const { laptop, phone, laptopPage, phonePage } = await twoBrowsers(user);
  const traffic = recordTraffic(laptop);

  await phonePage.getByRole('link', { name: 'Sessions' }).click();
  await phonePage.getByRole('button', { name: 'Log out everywhere', exact: true }).click();
  await expectLoginView(phonePage, 2000);
  const ended = Date.now();
  await phonePage.reload();
  await expectLoginView(phonePage); // its cookies were cleared: no way back without a login

  await assertEndedQuietly(laptopPage, traffic, ended);
  assertNoPageErrors(laptopPage, phonePage);
  await laptop.close();
  await phone.close();
});

test('a session revoked elsewhere ends at the next photo request, before any refresh', async () => {
  const user = newUser('rhea');
  await registerByApi(user);
  const laptop = await newContext(browser);
  const laptopPage = await newPage(laptop);
  const traffic = recordTraffic(laptop);
  await logInInUi(laptopPage, user.username);
  await expectLoggedIn(laptopPage);
  // On the profile, so that the click below opens the photo list: a request to resource-service
  // alone.
  await laptopPage.getByRole('link', { name: 'Profile' }).click();
  await laptopPage.getByRole('heading', { name: 'Profile' }).waitFor();

  // Log out everywhere from a program of the same person's: the laptop's token is still far from
  // its refresh.
  const token = await accessTokenByApi(user);
  const answer = await fetch(`${AUTH}/auth/logout-all`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
  assert.equal(answer.status, 204);
  const revoked = Date.now();
  await sleep(300); // the revocation reaches resource-service well within this

  await laptopPage.getByRole('link', { name: 'Photos' }).click();
  await expectLoginView(laptopPage, 3000);
  await laptopPage.getByText('Your session was ended elsewhere. Please log in again.').waitFor({ timeout: 1000 });
  await screenshot(laptopPage, 'session-revoked-elsewhere');
  const refused = traffic.responses.filter((r) => r.at >= revoked && r.url.startsWith(API) && r.status === 401);
  assert.ok(refused.length >= 1, 'the photo API refused the revoked session');
  assert.match(await refused[0].body, /"session_revoked"/);
  assert.equal(traffic.refreshes().filter((r) => r.at >= revoked).length, 0, 'no refresh was tried');
  await sleep(1500);
  const after = traffic.requests.filter((r) => r.at > Date.now() - 1000 && !r.url.includes('/photos/'));
  assert.deepEqual(after.map((r) => `${r.method} ${r.url}`), [], 'quiet afterwards');
  assertNoPageErrors(laptopPage);
  await laptop.close();
});
