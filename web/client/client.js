// createClient(): logs a person in against auth-service and calls the resource API for them,
// keeping them logged in the way docs/COOKIES.md ("Cookie-only delivery") and docs/TOKENS.md
// describe:
//
// - the access token lives in this object's memory only: never localStorage, sessionStorage or a
//   cookie a script can read. The refresh token never reaches script at all: login and refresh
//   ask for `X-Token-Delivery: cookie`, so it travels only in the HttpOnly cookie;
// - a page load restores the session with one refresh call (`restore()`);
// - refresh is proactive (a quarter of the token's lifetime before it expires, at most a minute
//   before) and reactive (a 401 refreshes and retries the request once);
// - one refresh at a time: inside a tab every caller awaits the one in flight; across the tabs
//   of a browser a Web Lock serialises them and a BroadcastChannel hands the new token to every
//   tab, so N tabs at expiry refresh about once (tab-sync.js);
// - logout, or a session that ends (revoked elsewhere, reuse detected), is told to every tab,
//   and nothing retries in a loop: a refused refresh ends the session, and so does a 401
//   `session_revoked` (the API refusing a token whose session has ended), without a refresh.
//
// The auth endpoints are expected on `authUrl` (by default this page's own origin, where the
// SameSite=Strict refresh cookie is first-party); the resource API on `apiUrl`, which gets only
// the bearer token, never cookies.

import { NetworkError, SessionEndedError, readError } from './errors.js';
import { createTabSync } from './tab-sync.js';

const MIN_MARGIN_MS = 1_000;
const MAX_MARGIN_MS = 60_000;
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

const trimSlash = (url) => url.replace(/\/+$/, '');

async function send(url, init) {
  try {
    return await fetch(url, init);
  } catch (error) {
    if (error?.name === 'AbortError') throw error;
    throw new NetworkError(error);
  }
}

function withBearer(init, token) {
  const headers = new Headers(init.headers);
  headers.set('Authorization', `Bearer ${token}`);
  // Never cookies with a bearer token: the access cookie could name an older token than this
  // tab's (docs/COOKIES.md: two different tokens are a 400), and the API needs none.
  return { ...init, headers, credentials: 'omit' };
}

/** A sender like `send`, by XMLHttpRequest, which (unlike fetch) reports upload progress. */
function sendWithProgress(onProgress, signal) {
  return (url, init) =>
    new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(init.method || 'POST', url);
      xhr.responseType = 'blob';
      for (const [name, value] of init.headers) xhr.setRequestHeader(name, value);
      if (onProgress) {
        xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : null);
      }
      xhr.onload = () => {
        const headers = new Headers();
        for (const line of xhr.getAllResponseHeaders().trim().split(/[\r\n]+/)) {
          const at = line.indexOf(':');
          if (at > 0) headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
        }
        const body = NULL_BODY_STATUSES.has(xhr.status) ? null : xhr.response;
        resolve(new Response(body, { status: xhr.status, statusText: xhr.statusText, headers }));
      };
      xhr.onerror = () => reject(new NetworkError());
      xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
      signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(init.body);
    });
}

/**
 * @param {{ authUrl?: string, apiUrl: string, channel?: string }} options
 */
export function createClient({ authUrl = '', apiUrl, channel = 'photo-auth' } = {}) {
  if (!apiUrl) throw new TypeError('createClient: `apiUrl` is required');
  const authBase = trimSlash(authUrl ? new URL(authUrl, location.href).href : location.origin);
  const apiBase = trimSlash(new URL(apiUrl, location.href).href);

  /** @type {null | { accessToken: string, expiresAt: number, lifetimeMs: number, user: any, sessionId: string }} */
  let session = null;
  let refreshing = null;
  let timer = null;
  let retryMs = FIRST_RETRY_MS;
  const listeners = new Set();
  const sync = createTabSync(channel, receive);

  function notify(reason) {
    const user = session?.user ?? null;
    for (const listener of [...listeners]) {
      try {
        listener(user, reason);
      } catch (error) {
        setTimeout(() => {
          throw error;
        });
      }
    }
  }

  const marginOf = (s) => Math.min(MAX_MARGIN_MS, Math.max(MIN_MARGIN_MS, s.lifetimeMs / 4));
  const fresh = (s) => s !== null && s.expiresAt - Date.now() > marginOf(s);

  function fromBody(body) {
    const lifetimeMs = body.expires_in * 1000;
    return {
      accessToken: body.access_token,
      expiresAt: Date.now() + lifetimeMs,
      lifetimeMs,
      user: body.user,
      sessionId: body.session_id,
    };
  }

  function adopt(next) {
    session = next;
    retryMs = FIRST_RETRY_MS;
    schedule();
  }

  function schedule(delay) {
    clearTimeout(timer);
    if (!session) return;
    timer = setTimeout(proactive, delay ?? Math.max(0, session.expiresAt - marginOf(session) - Date.now()));
  }

  async function proactive() {
    if (!session) return;
    try {
      await refresh(session.accessToken);
    } catch (error) {
      // Offline, rate-limited or the server briefly down: try again later, more slowly each time.
      // The next request refreshes on its own if the token has expired by then.
      if (session && !(error instanceof SessionEndedError)) {
        schedule(Math.max(retryMs, (error.retryAfter ?? 0) * 1000));
        retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
      }
    }
  }

  /** This tab has no session any more; `scope` is the session id the other tabs should drop
   * too (`null`: whatever session they hold, as after a logout, which clears the shared cookie). */
  function forget(reason, scope) {
    if (!session) return;
    session = null;
    clearTimeout(timer);
    sync.post({ type: 'ended', sessionId: scope, reason });
    notify(reason);
  }

  function receive(message) {
    if (message?.type === 'session') {
      const next = message.session;
      if (session && session.sessionId === next.sessionId && session.expiresAt >= next.expiresAt) {
        return;
      }
      const newcomer = !session || session.user.id !== next.user.id;
      adopt(next);
      if (newcomer) notify('other-tab');
    } else if (message?.type === 'ended') {
      if (session && (message.sessionId === null || message.sessionId === session.sessionId)) {
        session = null;
        clearTimeout(timer);
        notify(message.reason);
      }
    }
  }

  /**
   * One refresh for every caller that saw `stale` as the current token. Skipped when another tab
   * refreshed while this one waited for the lock.
   */
  function refresh(stale) {
    refreshing ??= sync
      .exclusive(async () => {
        if (session && session.accessToken !== stale && fresh(session)) return;
        const response = await send(`${authBase}/auth/refresh`, {
          method: 'POST',
          credentials: 'include',
          headers: { 'X-Token-Delivery': 'cookie' },
          cache: 'no-store',
        });
        if (response.ok) {
          adopt(fromBody(await response.json()));
          sync.post({ type: 'session', session });
          await sync.settle();
          return;
        }
        const error = await readError(response);
        if (response.status === 401) {
          const reason = error.code === 'refresh_token_reused' ? 'reused' : 'ended';
          forget(reason, session?.sessionId ?? null);
          throw new SessionEndedError(reason);
        }
        throw error;
      })
      .finally(() => {
        refreshing = null;
      });
    return refreshing;
  }

  async function currentToken() {
    if (refreshing) await refreshing.catch(() => {});
    if (!session) throw new SessionEndedError('none');
    if (session.expiresAt - Date.now() < MIN_MARGIN_MS / 2) await refresh(session.accessToken);
    if (!session) throw new SessionEndedError('none');
    return session.accessToken;
  }

  /** `sender(url, init)` with the bearer token; on a 401, one refresh and one retry. A 401
   * `session_revoked` says the token's session has ended before the token ran out: nothing to
   * renew, so the session ends here and in every tab at once, as after a refused refresh. */
  async function authorized(url, init = {}, sender = send) {
    const token = await currentToken();
    const sentFor = session?.sessionId ?? null;
    const response = await sender(url, withBearer(init, token));
    if (response.status !== 401) return response;
    if ((await readError(response)).code === 'session_revoked') {
      // Unless this tab holds another session by now (a login meanwhile): that one is not over.
      if (session && session.sessionId === sentFor) forget('revoked', sentFor);
      throw new SessionEndedError('revoked');
    }
    await refresh(token);
    if (!session) throw new SessionEndedError('ended');
    return sender(url, withBearer(init, session.accessToken));
  }

  async function json(response) {
    if (!response.ok) throw await readError(response);
    return response.status === 204 ? null : response.json();
  }

  const apiUrlOf = (input) => {
    const text = String(input);
    return /^[a-z][a-z0-9+.-]*:/i.test(text) ? text : `${apiBase}${text.startsWith('/') ? '' : '/'}${text}`;
  };
  const isApi = (url) => url === apiBase || url.startsWith(`${apiBase}/`);

  return {
    get user() {
      return session?.user ?? null;
    },
    get sessionId() {
      return session?.sessionId ?? null;
    },

    onAuthChange(callback) {
      listeners.add(callback);
      return () => listeners.delete(callback);
    },

    async restore() {
      if (!session) {
        try {
          await refresh(null);
        } catch (error) {
          if (error instanceof SessionEndedError) return null;
          throw error;
        }
        if (session) notify('restored');
      }
      return session?.user ?? null;
    },

    async register({ username, email, fullName, password }) {
      const response = await send(`${authBase}/auth/register`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username, email, full_name: fullName, password }),
      });
      return json(response);
    },

    async login({ identifier, username, email, password }) {
      if (identifier !== undefined) {
        const given = String(identifier).trim();
        if (given.includes('@')) email = given;
        else username = given;
      }
      const response = await send(`${authBase}/auth/login`, {
        method: 'POST',
        credentials: 'include',
        headers: { 'Content-Type': 'application/json', 'X-Token-Delivery': 'cookie' },
        body: JSON.stringify({ username, email, password }),
      });
      if (!response.ok) throw await readError(response);
      adopt(fromBody(await response.json()));
      sync.post({ type: 'session', session });
      notify('login');
      return session.user;
    },

    async logout() {
      try {
        await send(`${authBase}/auth/logout`, { method: 'POST', credentials: 'include' });
      } finally {
        forget('logout', null);
      }
    },

    async logoutAll() {
      const response = await authorized(`${authBase}/auth/logout-all`, { method: 'POST' });
      if (!response.ok && response.status !== 401) throw await readError(response);
      // The bearer call sent no cookies, so its cookie clearing did not apply: a plain logout of
      // the (already revoked) session clears them.
      await send(`${authBase}/auth/logout`, { method: 'POST', credentials: 'include' }).catch(() => {});
      forget('logout', null);
    },

    async me() {
      const user = await json(await authorized(`${authBase}/auth/me`));
      if (session) session.user = user;
      return user;
    },

    /** Changes fields of the user (those given). A new `email` is not the account's yet: it
     * becomes `pending_email` until the link mailed to it is used (`verifyEmail`). */
    async updateMe({ username, email, fullName, currentPassword }) {
      const user = await json(
        await authorized(`${authBase}/auth/me`, {
          method: 'PATCH',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ username, email, full_name: fullName, current_password: currentPassword }),
        }),
      );
      if (session) session.user = user;
      return user;
    },

    /** Proves the password again in this session (docs/TOKENS.md, Recent login), after an action
     * was refused with `reauth_required`: the session's login becomes recent, this tab and the
     * others take the new access token, and the action can be retried. The refresh cookie stays
     * as it is. A wrong password is an `ApiError` `forbidden`. */
    async reauthenticate(password) {
      const response = await authorized(`${authBase}/auth/reauthenticate`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ password }),
      });
      if (!response.ok) throw await readError(response);
      adopt(fromBody(await response.json()));
      sync.post({ type: 'session', session });
      return session.user;
    },

    /** Asks for a password-reset mail; the answer is the same whether or not an account uses
     * the address. */
    async forgotPassword(email) {
      await json(
        await send(`${authBase}/auth/password/forgot`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ email }),
        }),
      );
    },

    /** Sets a new password with the token of a reset mail. Every session of that account ends,
     * this one too if it is that account's: the caller logs in again. No refresh or retry: a
     * refused token is a 400 `invalid_token`, whatever this client's session. */
    async resetPassword(token, newPassword) {
      await json(
        await send(`${authBase}/auth/password/reset`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ token, new_password: newPassword }),
        }),
      );
    },

    /** Uses the token of a verification mail; works logged in or not. When the verified account
     * is this session's, the user here is updated and a new access token is fetched, so that its
     * `email_verified` claim says so too. */
    async verifyEmail(token) {
      const user = await json(
        await send(`${authBase}/auth/email/verify`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ token }),
        }),
      );
      if (session && session.user.id === user.id) {
        session.user = user;
        await refresh(session.accessToken).catch(() => {});
      }
      return user;
    },

    /** Uses the token of the link in an email-change notice: cancels the change, or undoes it if
     * it was made; needs no session. Every session of that account ends, this one too when it is
     * that account's. Resolves to `cancelled`, `reverted` or `nothing_pending`. */
    async cancelEmailChange(token) {
      const answer = await json(
        await send(`${authBase}/auth/email/change/cancel`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ token }),
        }),
      );
      return answer.outcome;
    },

    /** Mails a new verification link for the address waiting to be verified. */
    async resendVerification() {
      await json(await authorized(`${authBase}/auth/email/verify/resend`, { method: 'POST' }));
    },

    async sessions() {
      return (await json(await authorized(`${authBase}/auth/sessions`))).sessions;
    },

    async revokeSession(id) {
      await json(await authorized(`${authBase}/auth/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' }));
      if (id === session?.sessionId) {
        await send(`${authBase}/auth/logout`, { method: 'POST', credentials: 'include' }).catch(() => {});
        forget('logout', null);
      }
    },

    /** `fetch` for the resource API: paths are relative to `apiUrl`; the token is added and
     * renewed. Any other URL is fetched as it is, without the token. */
    fetch(input, init = {}) {
      const url = apiUrlOf(input);
      return isApi(url) ? authorized(url, init) : fetch(url, init);
    },

    /** POST `body` (a FormData) to the resource API, reporting `onProgress(loaded, total)`. */
    async upload(input, body, { method = 'POST', onProgress, signal } = {}) {
      const url = apiUrlOf(input);
      if (!isApi(url)) throw new TypeError('upload: only to the resource API');
      return authorized(url, { method, body }, sendWithProgress(onProgress, signal));
    },

    close() {
      clearTimeout(timer);
      sync.close();
    },
  };
}
