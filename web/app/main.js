// The app: restores the session on load, routes by the URL hash, and sends the person to the
// login view whenever the client says the session is gone (logout here or in another tab,
// revoked elsewhere, reuse detected).
import { createClient, describeError, SessionEndedError } from '../client/index.js';
import { loginView } from './views/login.js';
import { registerView } from './views/register.js';
import { photosView } from './views/photos.js';
import { profileView } from './views/profile.js';
import { sessionsView } from './views/sessions.js';

const VIEWS = {
  login: loginView,
  register: registerView,
  photos: photosView,
  profile: profileView,
  sessions: sessionsView,
};
const TITLES = { login: 'Log in', register: 'Create account', photos: 'Photos', profile: 'Profile', sessions: 'Sessions' };
const PUBLIC = new Set(['login', 'register']);

const $ = (id) => document.getElementById(id);
const main = $('view');
const alertBox = $('alert');
const statusBox = $('status');

const config = await (await fetch('config.json', { cache: 'no-store' })).json();
const client = createClient({ apiUrl: config.apiUrl });

let current = null;
let statusTimer = null;

const ctx = {
  client,
  config,
  /** Shown once by the login view: why the person is there. */
  notice: null,
  go(name) {
    if (location.hash === `#/${name}`) render();
    else location.hash = `#/${name}`;
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

function routeName() {
  const name = location.hash.replace(/^#\/?/, '');
  return Object.hasOwn(VIEWS, name) ? name : '';
}

function render() {
  const user = client.user;
  let name = routeName();
  if (!user && !PUBLIC.has(name)) name = 'login';
  if (user && (!name || PUBLIC.has(name))) name = 'photos';
  if (location.hash !== `#/${name}`) history.replaceState(null, '', `#/${name}`);

  current?.dispose?.();
  $('topbar').hidden = !user;
  $('who').textContent = user ? `@${user.username}` : '';
  for (const link of document.querySelectorAll('nav a')) {
    if (link.getAttribute('href') === `#/${name}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${TITLES[name]} · Lumen`;
  document.body.dataset.view = name;
  current = VIEWS[name](ctx);
  main.replaceChildren(current.element);
}

function noticeFor(reason) {
  if (reason === 'logout') return 'You have been logged out.';
  if (reason === 'ended' || reason === 'reused') return describeError(new SessionEndedError(reason));
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
  ctx.notice = user ? null : noticeFor(reason);
  render();
});
window.addEventListener('hashchange', () => {
  ctx.clearError();
  render();
});
render();
