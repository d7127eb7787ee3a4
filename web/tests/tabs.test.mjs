// Many tabs of one browser share one session: at expiry they refresh about once, not once each,
// nobody is logged out by the others' refreshes, and a logout in one tab reaches them all.
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
  registerByApi,
  registerInUi,
  sleep,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

/** Refreshes grouped by expiry: requests less than half a lifetime apart belong together. */
function byExpiry(refreshes) {
  const groups = [];
  for (const refresh of refreshes) {
    const last = groups.at(-1);
    if (last && refresh.at - last.at < (LIFETIME_S * 1000) / 2) last.items.push(refresh);
    else groups.push({ at: refresh.at, items: [refresh] });
  }
  return groups.map((g) => g.items);
}

test('five tabs at expiry cause at most two refreshes per expiry, and none is logged out', async (t) => {
  const context = await newContext(browser);
  const traffic = recordTraffic(context);
  const first = await newPage(context);
  await registerInUi(first, newUser('mia'));
  const loggedIn = Date.now();
  const tabs = [first];
  for (let i = 1; i < 5; i += 1) {
    const tab = await newPage(context);
    await expectLoggedIn(tab); // each new tab restores the session: one refresh on load
    tabs.push(tab);
  }
  const loads = traffic.refreshes().filter((r) => r.at >= loggedIn).length;

  // From here on nothing but the clock moves: every refresh is one at expiry.
  const from = Date.now();
  const expiries = 5;
  await sleep(expiries * LIFETIME_S * 1000);
  const refreshes = traffic.refreshes().filter((r) => r.at >= from);
  const groups = byExpiry(refreshes);
  const counts = groups.map((g) => g.length);
  const senders = groups.map((g) => g.map((r) => `tab ${r.page + 1}`).join('+'));
  t.diagnostic(`page loads of tabs 2-5: ${loads} refreshes; over ${expiries} lifetimes of ${LIFETIME_S} s: refreshes per expiry ${JSON.stringify(counts)}, sent by ${senders.join(', ')}`);
  assert.ok(groups.length >= expiries - 1, `the token was renewed at every expiry (${counts})`);
  for (const count of counts) assert.ok(count <= 2, `at most two refreshes per expiry: ${counts}`);

  const refused = traffic.failures().filter((r) => r.at >= from).map((r) => `${r.method} ${r.url} ${r.status}`);
  assert.deepEqual(refused, [], 'no refresh and no request was refused');
  // Every tab is still logged in and can act.
  for (const tab of tabs) {
    await expectLoggedIn(tab, 1000);
    await tab.getByRole('button', { name: 'Mine' }).click();
    await tab.getByText('You have not shared a photo yet.').waitFor({ timeout: 3000 });
    assert.equal(await tab.getByRole('alert').count(), 0);
  }
  assertNoPageErrors(...tabs);
  await context.close();
});

test('logout in one tab sends the others to the login view; a login in one logs them all in', async () => {
  const user = newUser('ned');
  await registerByApi(user);
  const context = await newContext(browser);
  const tabs = [await newPage(context), await newPage(context), await newPage(context)];
  await logInInUi(tabs[0], user.username);
  // The other tabs follow the login without a reload.
  for (const tab of tabs) await expectLoggedIn(tab, 2000);

  const clicked = Date.now();
  await tabs[0].getByRole('button', { name: 'Log out', exact: true }).click();
  for (const tab of tabs) await expectLoginView(tab, 2000);
  const waited = Date.now() - clicked;
  assert.ok(waited < 2000, `every tab showed the login view within ${waited} ms`);
  assert.equal(await tabs[2].getByText('You have been logged out.').count(), 1);

  // The cookie is gone too: a reload stays logged out.
  await tabs[1].reload();
  await expectLoginView(tabs[1]);
  assertNoPageErrors(...tabs);
  await context.close();
});
