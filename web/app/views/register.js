// Create an account, then log in with it (registering alone does not log in: docs/API.md).
import { field, h } from '../dom.js';
import { hero } from './login.js';

export function registerView(ctx) {
  const username = h('input', { name: 'username', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', required: true, minLength: 3, maxLength: 32 });
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'email', required: true });
  const fullName = h('input', { name: 'full_name', autocomplete: 'name', required: true, maxLength: 100 });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'new-password', required: true, minLength: 8, maxLength: 128 });
  const submit = h('button', { type: 'submit', class: 'primary wide' }, 'Create account');

  const form = h(
    'form',
    {
      class: 'card auth-card',
      onsubmit: async (event) => {
        event.preventDefault();
        submit.disabled = true;
        await ctx.act(async () => {
          await ctx.client.register({
            username: username.value,
            email: email.value,
            fullName: fullName.value,
            password: password.value,
          });
          await ctx.client.login({ username: username.value, password: password.value });
        });
        submit.disabled = false;
      },
    },
    h('h1', null, 'Create your account'),
    h('p', { class: 'lead' }, 'It takes a minute. Then share your first photo.'),
    field('Username', username, '3 to 32 characters: letters, digits, _ . -'),
    field('Email', email),
    field('Full name', fullName),
    field('Password', password, 'At least 8 characters; a few words make a good one.'),
    submit,
    h('p', { class: 'switch' }, 'Already have an account? ', h('a', { href: '#/login' }, 'Log in')),
  );
  queueMicrotask(() => username.focus());
  return { element: h('section', { class: 'auth-page' }, hero(), form) };
}
