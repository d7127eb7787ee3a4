// Account recovery and email verification by the links of the mails auth-service writes to
// MAIL_DIR: verify the address given at registration, forget the password and choose a new one,
// change the address and confirm it; and what a used link says.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  API,
  AUTH,
  accessTokenByApi,
  PASSWORD,
  WEB,
  assertNoPageErrors,
  drawPhoto,
  expectLoggedIn,
  expectLoginView,
  launch,
  logInInUi,
  newContext,
  newPage,
  newUser,
  recordTraffic,
  registerByApi,
  registerInUi,
  screenshot,
  uploadInUi,
  waitForMail,
  waitForMailLink,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

const NEW_PASSWORD = 'a brand new passphrase';
const LINK_SHAPE = /^https?:\/\/[^#]+\/#\/(reset-password|verify-email|cancel-email-change)\?token=[A-Za-z0-9_-]{16,}$/;

/** A mailed link, opened on the app under test (its address may name another port). */
function onWeb(link) {
  assert.match(link, LINK_SHAPE);
  return `${WEB}/${new URL(link).hash}`;
}

const banner = (page) => page.getByRole('region', { name: 'Email verification' });

async function alertText(page) {
  const alert = page.getByRole('alert');
  await alert.waitFor();
  return (await alert.textContent()).trim();
}

/** The mailed token is read, then gone from the address bar. */
function assertNoToken(page) {
  assert.ok(!page.url().includes('token'), `the address still shows the token: ${page.url()}`);
}

test('verify the address, forget the password, set a new one by the mailed link; a used link says so', async () => {
  const context = await newContext(browser);
  const page = await newPage(context);
  const user = newUser('rosa', 'Rosalind Franklin');
  await registerInUi(page, user);

  // Registering mails a verification link; until it is used, a banner asks for it.
  await banner(page).waitFor();
  assert.equal((await banner(page).locator('p').textContent()).trim(), `Check your inbox to verify ${user.email}.`);
  await screenshot(page, 'verify-banner');
  const verifyLink = await waitForMailLink(user.email, 'Verify your email address');
  await page.goto(onWeb(verifyLink));
  await page.getByRole('heading', { name: 'Email verified' }).waitFor();
  assertNoToken(page);
  assert.ok((await page.locator('.auth-card').textContent()).includes(`${user.email} is verified`));
  await screenshot(page, 'verify-email');
  await page.getByRole('link', { name: 'Continue to your photos' }).click();
  await expectLoggedIn(page);
  assert.equal(await banner(page).isVisible(), false, 'no banner once verified');
  // auth-service says so too: a page load restores a verified user.
  await page.reload();
  await expectLoggedIn(page);
  await page.getByRole('link', { name: 'Profile' }).click();
  await page.locator('.email-line .badge', { hasText: 'Verified' }).waitFor();
  assert.equal(await banner(page).isVisible(), false, 'no banner after a reload');

  // Logged out, the password forgotten.
  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  await expectLoginView(page);
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
  await page.getByLabel('Email', { exact: true }).fill(user.email);
  await screenshot(page, 'forgot-password');
  await page.getByRole('button', { name: 'Send reset link', exact: true }).click();
  await page.getByText('If an account uses this address, a link to reset its password is on its way.').waitFor();
  await screenshot(page, 'forgot-password-sent');

  const resetLink = await waitForMailLink(user.email, 'Reset your password');
  await page.goto(onWeb(resetLink));
  await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
  assertNoToken(page);
  // Two different passwords are caught before anything is sent.
  await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('Repeat new password', { exact: true }).fill(`${NEW_PASSWORD}!`);
  await page.getByRole('button', { name: 'Set new password', exact: true }).click();
  assert.equal(await alertText(page), 'The two passwords are not the same.');
  await page.getByLabel('Repeat new password', { exact: true }).fill(NEW_PASSWORD);
  await page.getByRole('alert').waitFor({ state: 'hidden' });
  await screenshot(page, 'reset-password');
  await page.getByRole('button', { name: 'Set new password', exact: true }).click();
  await expectLoginView(page);
  await page.getByText('Password changed; log in with the new one.').waitFor();
  await screenshot(page, 'password-changed');
  const notice = await waitForMail(user.email, 'Your password was changed');
  assert.equal(notice.link, null, 'the notice of a changed password carries no reset link');

  // The old password no longer works; the new one does.
  await logInInUi(page, user.username, PASSWORD);
  assert.equal(await alertText(page), 'Wrong username, email or password.');
  await logInInUi(page, user.email, NEW_PASSWORD);
  await expectLoggedIn(page);

  // The same link again while logged in: a 400 shown as a spent link, sent once (a 400 is
  // never retried the way a 401 is), and the session goes on.
  const traffic = recordTraffic(context);
  await page.goto(onWeb(resetLink));
  await page.getByLabel('New password', { exact: true }).fill('yet another passphrase');
  await page.getByLabel('Repeat new password', { exact: true }).fill('yet another passphrase');
  await page.getByRole('button', { name: 'Set new password', exact: true }).click();
  await page.getByText('This link is invalid or has expired; ask for a new one.').waitFor();
  const resets = traffic.responses.filter((r) => new URL(r.url).pathname === '/auth/password/reset');
  assert.deepEqual(resets.map((r) => r.status), [400]);
  await page.getByRole('link', { name: 'Photos' }).click();
  await expectLoggedIn(page);

  // And in another browser, not logged in: spent too.
  const other = await newContext(browser);
  const again = await newPage(other, null);
  await again.goto(onWeb(resetLink));
  await again.getByRole('heading', { name: 'Choose a new password' }).waitFor();
  await again.getByLabel('New password', { exact: true }).fill('yet another passphrase');
  await again.getByLabel('Repeat new password', { exact: true }).fill('yet another passphrase');
  await again.getByRole('button', { name: 'Set new password', exact: true }).click();
  await again.getByText('This link is invalid or has expired; ask for a new one.').waitFor();
  await screenshot(again, 'reset-password-invalid');
  await again.getByRole('link', { name: 'Ask for a new link' }).click();
  await again.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
  // The new password still holds: the refused link changed nothing.
  await again.getByRole('link', { name: 'Log in' }).click();
  await logInInUi(again, user.username, NEW_PASSWORD);
  await expectLoggedIn(again);

  assertNoPageErrors(page, again);
  await other.close();
  await context.close();
});

test('an address nobody uses gets the same answer, and no mail', async () => {
  const context = await newContext(browser);
  const page = await newPage(context, '/#/forgot-password');
  const nobody = `${newUser('nobody').username}@example.com`;
  await page.getByLabel('Email', { exact: true }).fill(nobody);
  await page.getByRole('button', { name: 'Send reset link', exact: true }).click();
  await page.getByText('If an account uses this address, a link to reset its password is on its way.').waitFor();
  await assert.rejects(waitForMail(nobody, 'Reset your password', { timeout: 1500 }), /no mail/);
  // A link without its token, or with one never issued: the same words as a used one.
  await page.goto(`${WEB}/#/reset-password`);
  await page.getByText('This link is invalid or has expired; ask for a new one.').waitFor();
  await page.goto(`${WEB}/#/verify-email?token=${'A'.repeat(43)}`);
  await page.getByText('This link is invalid or has expired; ask for a new one.').waitFor();
  assertNoToken(page);
  assertNoPageErrors(page);
  await context.close();
});

test('a new address waits for its link: the profile says so, the banner resends it, another device confirms it', async () => {
  const user = newUser('mae', 'Mae Jemison');
  await registerByApi(user);
  const context = await newContext(browser);
  const page = await newPage(context);
  await logInInUi(page, user.username);
  await expectLoggedIn(page);
  await page.getByRole('link', { name: 'Profile' }).click();
  await page.locator('.email-line .badge', { hasText: 'Not verified' }).waitFor();

  const next = `${newUser('mae2').username}@example.org`;
  await page.getByLabel('New email address', { exact: true }).fill(next);
  await page.getByLabel('Current password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Change email', exact: true }).click();
  const pending = page.locator('.email-line.pending');
  await pending.getByText('Waiting for verification').waitFor();
  assert.ok((await pending.textContent()).startsWith(`Changing to ${next}`));
  assert.equal((await banner(page).locator('p').textContent()).trim(), `Check your inbox to verify ${next}.`);
  await page.getByRole('status').waitFor({ state: 'hidden' });
  await screenshot(page, 'profile-pending-email');

  // The banner mails the link again.
  await waitForMail(next, 'Verify your email address');
  await banner(page).getByRole('button', { name: 'Resend', exact: true }).click();
  await page.getByRole('status').getByText(`A new link is on its way to ${next}.`).waitFor();
  const link = await waitForMailLink(next, 'Verify your email address');

  // Opened on another device, without a session there.
  const phone = await newContext(browser);
  const phonePage = await newPage(phone, null);
  await phonePage.goto(onWeb(link));
  await phonePage.getByRole('heading', { name: 'Email verified' }).waitFor();
  assertNoToken(phonePage);
  assert.ok((await phonePage.locator('.auth-card').textContent()).includes(`${next} is verified`));
  await phonePage.getByRole('link', { name: 'Log in' }).waitFor();
  await screenshot(phonePage, 'verify-email-logged-out');

  // The first browser learns it at its next look at the profile; the new address logs in.
  await page.getByRole('link', { name: 'Photos' }).click();
  await page.getByRole('link', { name: 'Profile' }).click();
  await page.locator('.email-line', { hasText: next }).locator('.badge', { hasText: 'Verified' }).waitFor();
  await banner(page).waitFor({ state: 'hidden' });
  assert.equal(await pending.count(), 0, 'nothing waits any more');
  assert.ok((await page.locator('.profile-head .meta').textContent()).startsWith(`${next} · `), 'the head names the new address');
  await page.getByRole('status').waitFor({ state: 'hidden' });
  await screenshot(page, 'profile-verified');
  await phonePage.getByRole('link', { name: 'Log in' }).click();
  await logInInUi(phonePage, next);
  await expectLoggedIn(phonePage);

  assertNoPageErrors(page, phonePage);
  await phone.close();
  await context.close();
});

test('403 email_not_verified: an upload refused until the address is verified says what to do', async () => {
  // resource-service refuses so with REQUIRE_VERIFIED_EMAIL=true, which this run does not set:
  // the answer is stubbed.
  const user = newUser('ida', 'Ida Noddack');
  await registerByApi(user);
  const context = await newContext(browser);
  const page = await newPage(context);
  await logInInUi(page, user.username);
  await expectLoggedIn(page);
  await page.route(`${API}/photos`, (route) =>
    route.request().method() === 'POST'
      ? route.fulfill({
          status: 403,
          headers: { 'Access-Control-Allow-Origin': WEB, 'Content-Type': 'application/json' },
          body: JSON.stringify({ error: 'email_not_verified', message: 'Verify your email address before uploading photos.' }),
        })
      : route.fallback(),
  );
  await uploadInUi(page, await drawPhoto(page, { scene: 2, width: 200, height: 150 }), 'Not yet');
  assert.equal(
    await alertText(page),
    'Verify your email address first: open the link we mailed you, or use Resend at the top of the page for a new one.',
  );
  await banner(page).getByRole('button', { name: 'Resend', exact: true }).waitFor();
  assertNoPageErrors(page);
  await context.close();
});

test('a change of address asked by someone else is taken back by the link mailed to the old address', async () => {
  const owner = newUser('olga', 'Olga Owner');
  await registerByApi(owner);
  // Someone with the password asks to move the account to their own address.
  const thiefsToken = await accessTokenByApi(owner);
  const thiefsAddress = `${owner.username}.thief@evil.example`;
  const asked = await fetch(`${AUTH}/auth/me`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${thiefsToken}` },
    body: JSON.stringify({ email: thiefsAddress, current_password: owner.password }),
  });
  assert.equal(asked.status, 200, await asked.text());

  const cancelLink = await waitForMailLink(owner.email, 'is about to change');
  const context = await newContext(browser);
  const page = await newPage(context);
  await page.goto(onWeb(cancelLink));
  await page.getByRole('heading', { name: 'Change cancelled' }).waitFor();
  assertNoToken(page);
  assert.ok((await page.locator('.auth-card').textContent()).includes('logged out'));
  await screenshot(page, 'cancel-email-change');
  await page.getByRole('link', { name: 'Choose a new password' }).click();
  await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();

  // The owner still logs in with the old address; the thief's session is over.
  const me = await fetch(`${AUTH}/auth/me`, { headers: { Authorization: `Bearer ${thiefsToken}` } });
  assert.equal(me.status, 401);
  assertNoPageErrors(page);
  await context.close();
});
