// The access token lives a few seconds here (scripts/browser-tests.sh): the app must renew it
// without the person noticing, before it expires and, failing that, after a 401.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  API,
  LIFETIME_S,
  assertNoPageErrors,
  drawPhoto,
  launch,
  newContext,
  newPage,
  newUser,
  photoItem,
  recordTraffic,
  registerInUi,
  sleep,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

test('the app keeps working for several access-token lifetimes with zero failed user actions', async (t) => {
  const context = await newContext(browser);
  const page = await newPage(context);
  await registerInUi(page, newUser('kim'));
  await page.getByLabel('Photo', { exact: true }).setInputFiles({ name: 'p.png', mimeType: 'image/png', buffer: await drawPhoto(page, { scene: 1 }) });
  await page.getByLabel('Caption', { exact: true }).fill('Harbour lights');
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  await photoItem(page, 'Harbour lights').waitFor();
  const traffic = recordTraffic(context);
  const started = Date.now();

  // A person clicking about, for four token lifetimes: like, unlike, switch lists, visit pages.
  let actions = 0;
  while (Date.now() - started < 4 * LIFETIME_S * 1000) {
    const item = photoItem(page, 'Harbour lights');
    const step = actions % 4;
    if (step === 0) {
      await item.getByRole('button', { name: 'Like', exact: true }).click();
      await item.getByRole('button', { name: 'Unlike', exact: true }).waitFor({ timeout: 3000 });
    } else if (step === 1) {
      await item.getByRole('button', { name: 'Unlike', exact: true }).click();
      await item.getByRole('button', { name: 'Like', exact: true }).waitFor({ timeout: 3000 });
    } else if (step === 2) {
      await page.getByRole('link', { name: 'Profile' }).click();
      const saved = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith('/profile'), { timeout: 3000 });
      await page.getByRole('button', { name: 'Save profile', exact: true }).click();
      assert.equal((await saved).status(), 200);
    } else {
      await page.getByRole('link', { name: 'Photos' }).click();
      await item.waitFor({ timeout: 3000 });
    }
    assert.equal(await page.getByRole('alert').count(), 0, `no error after action ${actions}`);
    actions += 1;
    await sleep(400);
  }

  const failures = traffic.failures().map((r) => `${r.method} ${r.url} ${r.status}`);
  assert.deepEqual(failures, [], 'no request failed');
  const refreshes = traffic.refreshes().length;
  const elapsed = (Date.now() - started) / 1000;
  t.diagnostic(`${actions} actions over ${elapsed.toFixed(1)} s (${(elapsed / LIFETIME_S).toFixed(1)} token lifetimes), ${refreshes} refreshes`);
  assert.ok(refreshes >= 3, `the token was renewed before it expired (${refreshes} refreshes)`);
  assert.ok(refreshes <= Math.ceil(elapsed / (LIFETIME_S * 0.75)) + 1, `no more refreshes than needed (${refreshes})`);
  assertNoPageErrors(page);
  await context.close();
});

test('a 401 from the API refreshes once and retries the request once', async () => {
  const context = await newContext(browser);
  const page = await newPage(context);
  await registerInUi(page, newUser('lou'));
  const traffic = recordTraffic(context);

  // The next photo list is refused as if the token had expired (a tab that slept, say).
  let refused = 0;
  await page.route(`${API}/photos?*`, async (route) => {
    if (refused === 0) {
      refused += 1;
      return route.fulfill({
        status: 401,
        headers: { 'Content-Type': 'application/json', 'WWW-Authenticate': 'Bearer error="invalid_token"' },
        body: JSON.stringify({ error: 'invalid_token', message: 'The access token is invalid or has expired.' }),
      });
    }
    return route.continue();
  });
  await page.getByRole('button', { name: 'Mine' }).click();
  await page.getByText('You have not shared a photo yet.').waitFor();

  const lists = traffic.requests.filter((r) => r.url.startsWith(`${API}/photos?`));
  assert.equal(refused, 1);
  assert.equal(lists.length, 2, 'the list was asked for twice: refused, then retried');
  const refreshes = traffic.refreshes().filter((r) => r.at >= lists[0].at && r.at <= lists[1].at);
  assert.equal(refreshes.length, 1, 'one refresh between the refusal and the retry');
  assert.equal(await page.getByRole('alert').count(), 0);
  assertNoPageErrors(page);
  await context.close();
});
