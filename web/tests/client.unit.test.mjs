// The browser client's session rules in node, without a browser or the services: client.js
// against a stubbed `fetch`, two clients on one BroadcastChannel standing for two tabs. Runs by
// itself: `node --test tests/client.unit.test.mjs` (in web/).
//
// A 401 `session_revoked` from the resource API (an access token whose session ended before the
// token ran out: docs/WEB.md) ends the session as a refused refresh does: no refresh, no retry,
// the state cleared here and in every tab.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { createClient } from '../client/client.js';
import { ApiError, SessionEndedError, describeError } from '../client/errors.js';

const PAGE = 'http://app.test';
const API = 'http://api.test';
// The page the client runs on: auth-service is on its origin (docs/WEB.md, Where it runs).
globalThis.location ??= new URL(`${PAGE}/#/photos`);

const REVOKED = {
  error: 'session_revoked',
  message: 'The session of this access token has ended; log in again.',
};
const INVALID = { error: 'invalid_token', message: 'The access token is invalid or has expired.' };
const USER = {
  id: '00000000-0000-0000-0000-000000000001',
  username: 'dora',
  email: 'dora@example.com',
  full_name: 'Dora',
  roles: ['user'],
  created_at: '2024-01-01T00:00:00Z',
  email_verified: true,
  pending_email: null,
};

const json = (status, body, headers = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
const refused = (body) => json(401, body, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });

/** A token answer of auth-service (cookie delivery: no refresh token in the body). */
const tokens = (accessToken) =>
  json(200, {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: 900,
    session_id: '00000000-0000-0000-0000-0000000000aa',
    user: USER,
  });

const realFetch = globalThis.fetch;
const open = [];
afterEach(() => {
  globalThis.fetch = realFetch;
  for (const client of open.splice(0)) client.close();
});

/** Stands in for both services: logs in with `access-1`, refreshes to `access-2`, and answers
 * the API with `api(bearerToken)`. Returns the requests, as `METHOD url`. */
function stubServers(api) {
  const requests = [];
  globalThis.fetch = async (url, init = {}) => {
    requests.push(`${init.method ?? 'GET'} ${url}`);
    if (url === `${PAGE}/auth/login`) return tokens('access-1');
    if (url === `${PAGE}/auth/refresh`) return tokens('access-2');
    if (url === `${PAGE}/auth/logout`) return new Response(null, { status: 204 });
    if (url.startsWith(`${API}/`)) {
      const bearer = new Headers(init.headers).get('Authorization')?.replace(/^Bearer /, '');
      return api(bearer);
    }
    return json(404, { error: 'not_found', message: 'Not found.' });
  };
  return requests;
}

/** Two tabs of one browser, each recording the reasons its auth listener hears. */
function twoTabs() {
  const channel = `photo-auth-test-${Math.random().toString(36).slice(2)}`;
  const tabs = [0, 1].map(() => {
    const client = createClient({ apiUrl: API, channel });
    const reasons = [];
    client.onAuthChange((user, reason) => reasons.push(reason));
    open.push(client);
    return { client, reasons };
  });
  return tabs;
}

async function until(condition, what) {
  const deadline = Date.now() + 2000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('a 401 session_revoked from the API ends the session in every tab, without a refresh or a retry', async () => {
  const requests = stubServers(() => refused(REVOKED));
  const [tab, other] = twoTabs();
  await tab.client.login({ identifier: 'dora', password: 'correct horse battery' });
  await until(() => other.client.user !== null, 'the other tab to take the session');

  await assert.rejects(tab.client.fetch('/photos?limit=20'), (error) => {
    assert.ok(error instanceof SessionEndedError, `${error}`);
    assert.equal(error.reason, 'revoked');
    return true;
  });
  assert.deepEqual(requests, [`POST ${PAGE}/auth/login`, `GET ${API}/photos?limit=20`], 'no refresh, no retry');
  assert.equal(tab.client.user, null);
  assert.equal(tab.client.sessionId, null);
  assert.deepEqual(tab.reasons, ['login', 'revoked']);

  // The other tab drops it too, with the same reason for its login view.
  await until(() => other.client.user === null, 'the other tab to drop the session');
  assert.deepEqual(other.reasons, ['other-tab', 'revoked']);

  // Nothing is sent any more: the next calls fail at once.
  for (const { client } of [tab, other]) {
    await assert.rejects(client.fetch('/profile'), (error) => error instanceof SessionEndedError && error.reason === 'none');
  }
  assert.equal(requests.length, 2, requests.join('\n'));
});

test('the login view says the session was ended elsewhere', () => {
  const said = 'Your session was ended elsewhere. Please log in again.';
  assert.equal(describeError(new SessionEndedError('revoked')), said);
  assert.equal(describeError(new ApiError(401, REVOKED)), said);
  assert.equal(describeError(new SessionEndedError('ended')), 'Your session has ended. Please log in again.');
});

test('a 401 invalid_token from the API is still refreshed once and retried once', async () => {
  const requests = stubServers((bearer) =>
    bearer === 'access-2' ? json(200, { photos: [], next_cursor: null }) : refused(INVALID),
  );
  const [tab, other] = twoTabs();
  await tab.client.login({ identifier: 'dora', password: 'correct horse battery' });

  const response = await tab.client.fetch('/photos');
  assert.equal(response.status, 200);
  assert.deepEqual(requests, [
    `POST ${PAGE}/auth/login`,
    `GET ${API}/photos`,
    `POST ${PAGE}/auth/refresh`,
    `GET ${API}/photos`,
  ]);
  assert.equal(tab.client.user?.username, 'dora');
  assert.deepEqual(tab.reasons, ['login']);
  await until(() => other.client.user !== null, 'the other tab to take the session');
  assert.deepEqual(other.reasons, ['other-tab']);
});
