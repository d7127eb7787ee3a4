// Log in by username or email.
import { field, h } from '../dom.js';

export function loginView(ctx) {
  const identifier = h('input', { name: 'identifier', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', required: true });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'primary wide' }, 'Log in');
  const notice = ctx.notice;
  ctx.notice = null;

  const form = h(
    'form',
    {
      class: 'card auth-card',
      onsubmit: async (event) => {
        event.preventDefault();
        submit.disabled = true;
        // On success the auth listener shows the photos.
        await ctx.act(() => ctx.client.login({ identifier: identifier.value, password: password.value }));
        submit.disabled = false;
      },
    },
    h('h1', null, 'Welcome back'),
    h('p', { class: 'lead' }, 'Log in to see and share photos.'),
    notice && h('p', { class: notice.ok ? 'notice ok' : 'notice' }, notice.text ?? notice),
    field('Username or email', identifier),
    field('Password', password),
    h('p', { class: 'forgot' }, h('a', { href: '#/forgot-password' }, 'Forgot password?')),
    submit,
    h('p', { class: 'switch' }, 'New here? ', h('a', { href: '#/register' }, 'Create an account')),
  );
  queueMicrotask(() => identifier.focus());
  return { element: h('section', { class: 'auth-page' }, hero(), form) };
}

/** The welcome panel beside the forms of a person not logged in. */
export function hero() {
  return h(
    'div',
    { class: 'hero', 'aria-hidden': 'true' },
    h('div', { class: 'hero-mark' }),
    h('p', { class: 'hero-title' }, 'Lumen'),
    h('p', { class: 'hero-text' }, 'Your photos, your people. Share the light you see.'),
    h('div', { class: 'hero-tiles' }, h('span'), h('span'), h('span'), h('span')),
  );
}
