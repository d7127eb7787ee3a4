// The app: restores the session on load, routes by the URL hash, and sends the person to the
// login view whenever the client says the session is gone (logout here or in another tab,
// revoked elsewhere, whether a refresh or the API found out, reuse detected).
import { createClient, describeError, SessionEndedError } from '../client/index.js';
import { loginView } from './views/login.js';
import { registerView } from './views/register.js';
import { photosView } from './views/photos.js';
import { profileView } from './views/profile.js';
import { sessionsView } from './views/sessions.js';
import { forgotPasswordView, resetPasswordView, verifyEmailView } from './views/recovery.js';
import { cancelEmailChangeView } from './views/email_change.js';
import { h } from './dom.js';

const VIEWS = {
  login: loginView,
  register: registerView,
  'forgot-password': forgotPasswordView,
  'reset-password': resetPasswordView,
  'verify-email': verifyEmailView,
  'cancel-email-change': cancelEmailChangeView,
  photos: photosView,
  profile: profileView,
  sessions: sessionsView,
};
const TITLES = {
  login: 'Log in',
  register: 'Create account',
  'forgot-password': 'Forgot password',
  'reset-password': 'New password',
  'verify-email': 'Verify email',
  'cancel-email-change': 'Cancel email change',
  photos: 'Photos',
  profile: 'Profile',
  sessions: 'Sessions',
};
/** Only without a session: a logged-in person is sent to the photos. */
const PUBLIC = new Set(['login', 'register', 'forgot-password']);
/** With or without a session: the views that mailed links open. */
const OPEN = new Set(['reset-password', 'verify-email', 'cancel-email-change']);

const $ = (id) => document.getElementById(id);
const main = $('view');
const alertBox = $('alert');
const statusBox = $('status');
const banner = $('banner');

const config = await (await fetch('config.json', { cache: 'no-store' })).json();
const client = createClient({ apiUrl: config.apiUrl });

let current = null;
let statusTimer = null;
/** What the current route carries: its name, the token of a mailed link, and whatever its view
 * keeps there to show the same thing when it is rendered again (the token is used once). */
let route = { name: null };

const ctx = {
  client,
  config,
  /** Shown once by the login view: why the person is there (text, or `{ text, ok: true }`
   * for good news). */
  notice: null,
  go(name) {
    if (location.hash === `#/${name}`) render();
    else location.hash = `#/${name}`;
  },
  /** Renders the view the address names now (after a `history.replaceState`). */
  render() {
    render();
  },
  showError(error) {
    alertBox.textContent =
      typeof error === 'string' ? error : describeError(error, { maxPhotoBytes: config.maxPhotoBytes });
    alertBox.hidden = false;
  },
  clearError() {
    alertBox.hidden = true;
    alertBox.textContent = '';
  },
  /** The current route's state: `token` for the views of mailed links. */
  get route() {
    return route;
  },
  /** Shows again what depends on the user (the top bar, the verification banner). */
  refreshChrome() {
    chrome(client.user);
  },
  showStatus(message) {
    statusBox.textContent = message;
    statusBox.hidden = false;
    clearTimeout(statusTimer);
    statusTimer = setTimeout(() => {
      statusBox.hidden = true;
    }, 3000);
  },
  /** Runs a user action: its error becomes a message; a session that ended is left to the
   * auth listener, which shows the login view. Returns the action's result, or undefined. */
  async act(action) {
    ctx.clearError();
    try {
      return await action();
    } catch (error) {
      if (error?.name === 'AbortError') return undefined;
      if (error instanceof SessionEndedError && !client.user) return undefined;
      ctx.showError(error);
      return undefined;
    }
  },
};

/** `#/reset-password?token=...`: the view's name and the query after it. */
function parseHash() {
  const [path, query = ''] = location.hash.replace(/^#\/?/, '').split('?', 2);
  return { name: Object.hasOwn(VIEWS, path) ? path : '', params: new URLSearchParams(query) };
}

function render() {
  const user = client.user;
  let { name, params } = parseHash();
  if (!user && !PUBLIC.has(name) && !OPEN.has(name)) name = 'login';
  if (user && (!name || PUBLIC.has(name))) name = 'photos';
  if (route.name !== name) route = { name };
  if (OPEN.has(name) && params.has('token')) route = { name, token: params.get('token') };
  // Replacing the entry, not adding one: a mailed token read here leaves neither the address
  // bar nor the history.
  if (location.hash !== `#/${name}`) history.replaceState(null, '', `#/${name}`);

  current?.dispose?.();
  document.body.dataset.view = name;
  chrome(user);
  for (const link of document.querySelectorAll('nav a')) {
    if (link.getAttribute('href') === `#/${name}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${TITLES[name]} · Lumen`;
  current = VIEWS[name](ctx);
  main.replaceChildren(current.element);
}

/** The top bar, and the banner that asks to verify an address while one waits for its link. */
function chrome(user) {
  $('topbar').hidden = !user;
  $('who').textContent = user ? `@${user.username}` : '';
  const address = user && (user.pending_email || (user.email_verified === false ? user.email : null));
  banner.hidden = !address || document.body.dataset.view === 'verify-email';
  if (banner.hidden) {
    banner.replaceChildren();
    return;
  }
  const resend = h('button', { type: 'button', class: 'small' }, 'Resend');
  resend.addEventListener('click', async () => {
    resend.disabled = true;
    const sent = await ctx.act(async () => {
      try {
        await client.resendVerification();
        return true;
      } catch (error) {
        // 409: nothing waits for verification any more (verified from another device).
        if (error?.code !== 'conflict') throw error;
        await client.me();
        chrome(client.user);
        return false;
      }
    });
    if (sent) ctx.showStatus(`A new link is on its way to ${address}.`);
    resend.disabled = false;
  });
  banner.replaceChildren(
    h('p', null, 'Check your inbox to verify ', h('strong', null, address), '.'),
    resend,
  );
}

function noticeFor(reason) {
  if (reason === 'logout') return 'You have been logged out.';
  if (reason === 'ended' || reason === 'reused' || reason === 'revoked') {
    return describeError(new SessionEndedError(reason));
  }
  return null;
}

$('logout').addEventListener('click', () => ctx.act(() => client.logout()));

try {
  await client.restore();
} catch (error) {
  ctx.showError(error);
}
client.onAuthChange((user, reason) => {
  ctx.clearError();
  // A notice a view left just before (a changed password) wins over the generic one.
  ctx.notice = user ? null : (ctx.notice ?? noticeFor(reason));
  render();
});
window.addEventListener('hashchange', () => {
  ctx.clearError();
  render();
});
render();
