// Photos, profile and sessions as a person uses them: upload progress, infinite scroll over the
// keyset cursor, delete, bio and avatar, the list of sessions with a revoke.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  accessTokenByApi,
  assertNoPageErrors,
  drawPhoto,
  expectLoggedIn,
  launch,
  logInInUi,
  newContext,
  newPage,
  newUser,
  photoItem,
  registerByApi,
  registerInUi,
  screenshot,
  uploadByApi,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

test('an upload shows its progress, then the photo; the owner can delete it', async () => {
  const context = await newContext(browser);
  const page = await newPage(context);
  await registerInUi(page, newUser('carol', 'Carol Danvers'));
  const bytes = await drawPhoto(page, { noise: true, width: 700, height: 500 });

  // A slow uplink (1.2 MB at 300 KB/s) so that the bar is seen moving.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 300 * 1024 });
  await page.getByLabel('Photo', { exact: true }).setInputFiles({ name: 'static.png', mimeType: 'image/png', buffer: bytes });
  await page.getByLabel('Caption', { exact: true }).fill('Static on an old television');
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  const bar = page.getByRole('progressbar', { name: 'Upload progress' });
  await page.waitForFunction(() => {
    const bar = document.querySelector('progress');
    return bar && bar.value >= 30 && bar.value <= 80;
  });
  await screenshot(page, 'upload-progress');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

  const item = photoItem(page, 'Static on an old television');
  await item.waitFor();
  assert.equal(await bar.count(), 0, 'the bar is gone once the upload finished');
  await item.getByRole('button', { name: 'Delete', exact: true }).click();
  await item.waitFor({ state: 'detached' });
  await page.reload();
  await expectLoggedIn(page);
  await page.getByRole('button', { name: 'Mine' }).click();
  await page.getByText('You have not shared a photo yet.').waitFor();
  assertNoPageErrors(page);
  await context.close();
});

test('the grid loads page after page as it scrolls (keyset cursor), and others see no Delete', async () => {
  const owner = newUser('dave', 'Dave Grohl');
  await registerByApi(owner);
  const context = await newContext(browser);
  const page = await newPage(context);
  const bytes = await drawPhoto(page, { scene: 1, width: 320, height: 240 });
  const total = 27; // more than two pages of 12
  let token;
  for (let i = 1; i <= total; i += 1) {
    // A fresh token every few uploads: they live four seconds here.
    if (i % 5 === 1) token = await accessTokenByApi(owner);
    await uploadByApi(token, bytes, `Wave ${i}`);
  }

  await logInInUi(page, owner.username);
  await expectLoggedIn(page);
  await page.getByRole('button', { name: 'Mine' }).click();
  const items = page.getByRole('list', { name: 'Photos' }).getByRole('listitem');
  await photoItem(page, `Wave ${total}`).waitFor(); // newest first
  const firstPage = await items.count();
  assert.ok(firstPage < total, `not everything at once (${firstPage})`);
  for (let i = 0; i < 10 && (await items.count()) < total; i += 1) {
    await page.mouse.wheel(0, 4000);
    await page.waitForTimeout(300);
  }
  assert.equal(await items.count(), total);
  await page.getByText('You have seen them all.').waitFor();
  const captions = await items.getByRole('img').evaluateAll((imgs) => imgs.map((i) => i.alt));
  assert.deepEqual(captions, Array.from({ length: total }, (_, i) => `Wave ${total - i}`), 'each photo once, newest first');

  // Another person sees the photos with Like but without Delete.
  const other = await newContext(browser);
  const visitor = await newPage(other);
  await registerInUi(visitor, newUser('erin'));
  const wave = photoItem(visitor, `Wave ${total}`);
  await wave.waitFor();
  await wave.getByRole('button', { name: 'Like', exact: true }).waitFor();
  assert.equal(await wave.getByRole('button', { name: 'Delete' }).count(), 0);
  assertNoPageErrors(page, visitor);
  await context.close();
  await other.close();
});

test('profile: bio and avatar are saved; sessions list every login and one can be revoked', async () => {
  const user = newUser('frank', 'Frances Ha');
  const context = await newContext(browser);
  const page = await newPage(context);
  await registerInUi(page, user);
  await page.getByLabel('Photo', { exact: true }).setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: await drawPhoto(page, { scene: 3 }) });
  await page.getByLabel('Caption', { exact: true }).fill('Golden hour');
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  await photoItem(page, 'Golden hour').waitFor();

  await page.getByRole('link', { name: 'Profile' }).click();
  await page.getByLabel('Bio', { exact: true }).fill('Chasing light at dawn and dusk.');
  await page.getByLabel('Avatar', { exact: true }).selectOption({ label: 'Golden hour' });
  await page.getByRole('button', { name: 'Save profile', exact: true }).click();
  await page.getByText('Profile saved.').waitFor();
  await page.reload();
  await expectLoggedIn(page);
  await page.getByRole('img', { name: `Avatar of ${user.username}` }).waitFor();
  await page.waitForFunction(() => document.querySelector('.avatar img')?.naturalWidth > 0);
  assert.equal(await page.getByLabel('Bio', { exact: true }).inputValue(), 'Chasing light at dawn and dusk.');
  await screenshot(page, 'profile');

  // A second browser (a phone, say) logs in too: two sessions, this one marked.
  const phone = await browser.newContext({
    userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  });
  const phonePage = await newPage(phone);
  await logInInUi(phonePage, user.username);
  await expectLoggedIn(phonePage);

  await page.getByRole('link', { name: 'Sessions' }).click();
  const sessions = page.getByRole('list', { name: 'Sessions' }).getByRole('listitem');
  await sessions.nth(1).waitFor();
  assert.equal(await sessions.count(), 2);
  const mine = sessions.filter({ hasText: 'This device' });
  assert.match(await mine.textContent(), /Chrome on Linux/);
  const theirs = sessions.filter({ hasText: 'Safari on iOS' });
  await screenshot(page, 'sessions');

  await theirs.getByRole('button', { name: 'Revoke', exact: true }).click();
  await theirs.waitFor({ state: 'detached' });
  await page.reload();
  await sessions.first().waitFor();
  assert.equal(await sessions.count(), 1, 'the revoked session is gone from the list');
  assertNoPageErrors(page, phonePage);
  await phone.close();
  await context.close();
});
