// The view the link in an email-change notice opens (`#/cancel-email-change?token=...`): it is
// mailed to the address being replaced, and takes the change back without a session. The
// router has already taken the token out of the address bar; `ctx.route` keeps the outcome, so
// rendering the view again never sends the used token a second time.
import { describeError } from '../../client/index.js';
import { h } from '../dom.js';
import { hero } from './login.js';
import { spendLinkToken } from './shared.js';

const DONE = {
  cancelled: ['Change cancelled', 'The change of your email address was cancelled; the account keeps this address.'],
  reverted: ['Address restored', 'The change was undone: your account uses this email address again.'],
  nothing_pending: ['Nothing to cancel', 'No change of your email address was waiting; the account keeps this address.'],
};

export function cancelEmailChangeView(ctx) {
  const { client, route } = ctx;
  const card = h('div', { class: 'card auth-card', 'aria-live': 'polite' });

  function show() {
    if (route.outcome) {
      const [title, text] = DONE[route.outcome] ?? DONE.nothing_pending;
      card.replaceChildren(
        h('h1', null, title),
        h('p', { class: 'notice ok', role: 'status' }, text),
        h(
          'p',
          { class: 'detail' },
          'Every device logged in to the account was logged out. If you did not ask for the change, someone knows your password: choose a new one now.',
        ),
        h('p', { class: 'switch' }, h('a', { class: 'button primary wide', href: '#/forgot-password' }, 'Choose a new password')),
      );
    } else if (route.failure) {
      const error = route.failure;
      const text =
        error.code === 'conflict'
          ? 'Another account uses your old address now, so it cannot be restored. Contact support.'
          : error.code === 'invalid_token' || error.code === 'missing'
            ? 'This link is invalid, was already used or has expired.'
            : describeError(error);
      const retry = h('button', { type: 'button', class: 'primary wide' }, 'Try again');
      retry.addEventListener('click', () => {
        route.failure = null;
        cancel();
      });
      const again = error.code === 'invalid_token' || error.code === 'missing' || error.code === 'conflict';
      card.replaceChildren(
        h('h1', null, 'Not cancelled'),
        h('p', { class: 'notice' }, text),
        again ? h('p', { class: 'switch' }, h('a', { href: '#/login' }, 'Log in')) : retry,
      );
    } else {
      card.replaceChildren(h('h1', null, 'Cancelling the change…'), h('p', { class: 'lead' }, 'One moment.'));
    }
  }

  const cancel = () => spendLinkToken(ctx, 'outcome', (token) => client.cancelEmailChange(token), show);

  if (!route.outcome && !route.failure) {
    if (route.token) cancel();
    else route.failure = { code: 'missing' };
  }
  show();
  return { element: h('section', { class: 'auth-page' }, hero(), card) };
}
