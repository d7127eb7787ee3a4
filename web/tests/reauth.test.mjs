// Recent login (docs/TOKENS.md, Recent login): an email change after the login has aged past
// REAUTH_WINDOW is refused `reauth_required`; the profile proves the password the form already
// holds (POST /auth/reauthenticate) and sends the change once more. scripts/browser-tests.sh runs
// the services with a window of BROWSER_TEST_REAUTH_SECONDS.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  assertNoPageErrors,
  expectLoggedIn,
  launch,
  logInInUi,
  newContext,
  newPage,
  newUser,
  recordTraffic,
  registerByApi,
  screenshot,
  sleep,
} from './helpers.mjs';

/** REAUTH_WINDOW of the running services, in seconds. */
const WINDOW_S = Number(process.env.BROWSER_TEST_REAUTH_SECONDS ?? 6);

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const path = (entry) => new URL(entry.url).pathname;

async function profileAfterTheWindow(context, user) {
  const page = await newPage(context);
  await logInInUi(page, user.username);
  await expectLoggedIn(page);
  await page.getByRole('link', { name: 'Profile' }).click();
  await page.getByLabel('New email address', { exact: true }).waitFor();
  // Refreshes happen meanwhile (tokens live a few seconds); none makes the login recent.
  await sleep((WINDOW_S + 2) * 1000);
  return page;
}

async function changeEmail(page, address, password) {
  await page.getByLabel('New email address', { exact: true }).fill(address);
  await page.getByLabel('Current password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Change email', exact: true }).click();
}

test('an email change after the login has aged proves the password again and goes through', async () => {
  const user = newUser('rita', 'Rita Levi-Montalcini');
  await registerByApi(user);
  const context = await newContext(browser);
  const traffic = recordTraffic(context);
  const page = await profileAfterTheWindow(context, user);

  const next = `${newUser('rita2').username}@example.org`;
  await changeEmail(page, next, user.password);
  await page.locator('.email-line.pending').getByText('Waiting for verification').waitFor();
  await screenshot(page, 'profile-email-after-reauthentication');

  const patches = traffic.responses.filter((r) => r.method === 'PATCH' && path(r) === '/auth/me');
  assert.deepEqual(patches.map((r) => r.status), [403, 200], 'refused once, then passed');
  assert.equal(JSON.parse(await patches[0].body).error, 'reauth_required');
  const proofs = traffic.responses.filter((r) => path(r) === '/auth/reauthenticate');
  assert.deepEqual(proofs.map((r) => r.status), [200]);
  assert.equal(JSON.parse(await proofs[0].body).refresh_token, undefined, 'no refresh token reaches the page');
  assertNoPageErrors(page);
  await context.close();
});

test('a wrong password after the login has aged changes nothing and says so', async () => {
  const user = newUser('lise', 'Lise Meitner');
  await registerByApi(user);
  const context = await newContext(browser);
  const traffic = recordTraffic(context);
  const page = await profileAfterTheWindow(context, user);

  await changeEmail(page, `${newUser('lise2').username}@example.org`, 'not the password');
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').textContent(), /That password is not right/);
  await screenshot(page, 'profile-email-reauthentication-refused');
  assert.equal(await page.locator('.email-line.pending').count(), 0, 'nothing waits for verification');
  const patches = traffic.responses.filter((r) => r.method === 'PATCH' && path(r) === '/auth/me');
  assert.deepEqual(patches.map((r) => r.status), [403], 'not retried after a refused proof');
  const proofs = traffic.responses.filter((r) => path(r) === '/auth/reauthenticate');
  assert.deepEqual(proofs.map((r) => r.status), [403]);
  // The session goes on.
  await expectLoggedIn(page);
  assertNoPageErrors(page);
  await context.close();
});
