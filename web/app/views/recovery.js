// The views that mailed links lead to, and the one that asks for such a mail: forgot password
// (asks for a reset link), reset password (`#/reset-password?token=...`) and verify email
// (`#/verify-email?token=...`). The router hands over the token and has already taken it out of
// the address bar; it keeps it in `ctx.route` with what the view found, so that rendering the
// view again never sends a used token a second time.
import { describeError } from '../../client/index.js';
import { field, h } from '../dom.js';
import { hero } from './login.js';
import { spendLinkToken } from './shared.js';

const INVALID_LINK = 'This link is invalid or has expired; ask for a new one.';

function page(card) {
  return h('section', { class: 'auth-page' }, hero(), card);
}

export function forgotPasswordView(ctx) {
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'email', autocapitalize: 'none', spellcheck: 'false', required: true });
  const submit = h('button', { type: 'submit', class: 'primary wide' }, 'Send reset link');
  const card = h('div', { class: 'card auth-card' });

  function askForm() {
    card.replaceChildren(
      h('h1', null, 'Forgot your password?'),
      h('p', { class: 'lead' }, 'Enter the email address of your account and we will mail you a link to choose a new password.'),
      form,
    );
    queueMicrotask(() => email.focus());
  }

  function sent(address) {
    const again = h('button', { type: 'button', class: 'link' }, 'use another address');
    again.addEventListener('click', askForm);
    card.replaceChildren(
      h('h1', null, 'Check your inbox'),
      // The same words whether or not an account uses the address: nobody learns which do.
      h('p', { class: 'notice ok', role: 'status' }, 'If an account uses this address, a link to reset its password is on its way.'),
      h('p', { class: 'detail' }, 'Sent to ', h('strong', null, address), '. The link works once and for a limited time. Nothing there after a few minutes? Look in the spam folder, or ', again, '.'),
      h('p', { class: 'switch' }, h('a', { href: '#/login' }, 'Back to log in')),
    );
  }

  const form = h(
    'form',
    {
      class: 'form-stack',
      onsubmit: async (event) => {
        event.preventDefault();
        submit.disabled = true;
        const address = email.value.trim();
        const done = await ctx.act(async () => {
          await ctx.client.forgotPassword(address);
          return true;
        });
        submit.disabled = false;
        if (done) sent(address);
      },
    },
    field('Email', email),
    submit,
    h('p', { class: 'switch' }, 'Remembered it? ', h('a', { href: '#/login' }, 'Log in')),
  );
  askForm();
  return { element: page(card) };
}

/** The card for a link that does not work: used, expired, unknown or cut short. */
function invalidLink(action) {
  return [h('h1', null, 'This link no longer works'), h('p', { class: 'notice' }, INVALID_LINK), action];
}

export function resetPasswordView(ctx) {
  const { client, route } = ctx;
  const card = h('div', { class: 'card auth-card' });
  const askAgain = () => h('a', { href: '#/forgot-password', class: 'button primary wide' }, 'Ask for a new link');

  if (!route.token) {
    card.replaceChildren(...invalidLink(askAgain()));
    return { element: page(card) };
  }

  const password = h('input', { type: 'password', name: 'new_password', autocomplete: 'new-password', required: true, minLength: 8, maxLength: 128 });
  const repeat = h('input', { type: 'password', name: 'repeat_password', autocomplete: 'new-password', required: true, minLength: 8, maxLength: 128 });
  const submit = h('button', { type: 'submit', class: 'primary wide' }, 'Set new password');
  let mismatch = false;
  const edited = () => {
    if (mismatch) ctx.clearError();
    mismatch = false;
  };
  password.addEventListener('input', edited);
  repeat.addEventListener('input', edited);
  const form = h(
    'form',
    {
      class: 'form-stack',
      onsubmit: async (event) => {
        event.preventDefault();
        if (password.value !== repeat.value) {
          ctx.showError('The two passwords are not the same.');
          mismatch = true;
          repeat.focus();
          return;
        }
        submit.disabled = true;
        await ctx.act(async () => {
          try {
            await client.resetPassword(route.token, password.value);
          } catch (error) {
            if (error?.code !== 'invalid_token') throw error;
            route.token = null;
            card.replaceChildren(...invalidLink(askAgain()));
            return;
          }
          route.token = null;
          // Every session of the account has ended: to the login view, with this notice. The
          // history entry is replaced, so Back does not return to a spent link.
          ctx.notice = { text: 'Password changed; log in with the new one.', ok: true };
          history.replaceState(null, '', '#/login');
          if (client.user) await client.logout(); // its auth listener shows the login view
          else ctx.render();
        });
        submit.disabled = false;
      },
    },
    field('New password', password, 'At least 8 characters; a few words make a good one.'),
    field('Repeat new password', repeat),
    submit,
  );
  card.replaceChildren(
    h('h1', null, 'Choose a new password'),
    h('p', { class: 'lead' }, 'Then log in with it. Every device logged in to the account is logged out.'),
    form,
  );
  queueMicrotask(() => password.focus());
  return { element: page(card) };
}

export function verifyEmailView(ctx) {
  const { client, route } = ctx;
  const card = h('div', { class: 'card auth-card', 'aria-live': 'polite' });
  const onward = () =>
    h(
      'p',
      { class: 'switch' },
      client.user ? h('a', { href: '#/photos' }, 'Continue to your photos') : h('a', { href: '#/login' }, 'Log in'),
    );

  function show() {
    if (route.verified) {
      const user = route.verified;
      card.replaceChildren(
        h('h1', null, 'Email verified'),
        h('p', { class: 'notice ok' }, 'Your email address ', h('strong', null, user.email), ' is verified.'),
        onward(),
      );
    } else if (route.failure) {
      const error = route.failure;
      if (error.code === 'conflict') {
        card.replaceChildren(
          h('h1', null, 'That address is taken'),
          h('p', { class: 'notice' }, 'Another account started using this email address meanwhile. Choose another one in your profile.'),
          onward(),
        );
      } else if (error.code === 'invalid_token' || error.code === 'missing') {
        card.replaceChildren(...invalidLink(resendAction()));
      } else {
        // Offline, rate-limited, the server briefly down: the token is still good.
        const retry = h('button', { type: 'button', class: 'primary wide' }, 'Try again');
        retry.addEventListener('click', () => {
          route.failure = null;
          verify();
        });
        card.replaceChildren(h('h1', null, 'Not verified yet'), h('p', { class: 'notice' }, describeError(error)), retry);
      }
    } else {
      card.replaceChildren(h('h1', null, 'Verifying your email address…'), h('p', { class: 'lead' }, 'One moment.'));
    }
  }

  /** Logged in and still waiting for a link: a button that mails a new one. */
  function resendAction() {
    const user = client.user;
    if (!user || !(user.pending_email || user.email_verified === false)) return onward();
    const resend = h('button', { type: 'button', class: 'primary wide' }, 'Send a new link');
    resend.addEventListener('click', async () => {
      resend.disabled = true;
      const sent = await ctx.act(async () => {
        await client.resendVerification();
        return true;
      });
      if (sent) ctx.showStatus(`A new link is on its way to ${user.pending_email || user.email}.`);
      resend.disabled = false;
    });
    return resend;
  }

  const verify = () => spendLinkToken(ctx, 'verified', (token) => client.verifyEmail(token), show);
  if (!route.verified && !route.failure) {
    if (route.token) verify();
    else route.failure = { code: 'missing' };
  }
  show();
  return { element: page(card) };
}
