// The profile: who one is (from the token), one's email address and its verification, a bio and
// an avatar chosen from one's own photos.
import { readError } from '../../client/index.js';
import { field, h } from '../dom.js';
import { formatDate, formatDay, imageLoader, initials } from './shared.js';

/**
 * Runs `action`; when it is refused because the login is too old (`reauth_required`,
 * docs/TOKENS.md, Recent login), proves `password` again and runs it once more. The form already
 * asked for the password, so the person is not asked twice.
 */
async function withRecentLogin(client, password, action) {
  try {
    return await action();
  } catch (error) {
    if (error?.code !== 'reauth_required') throw plainRefusal(error);
    await client.reauthenticate(password).catch((refused) => {
      throw plainRefusal(refused);
    });
    return action().catch((refused) => {
      throw plainRefusal(refused);
    });
  }
}

/** On a form that sends the password, a bare `forbidden` is that password refused: said so,
 * rather than as a missing permission (with `Retry-After`, describeError already says it). */
function plainRefusal(error) {
  return error?.code === 'forbidden' && error.retryAfter === null ? 'That password is not right.' : error;
}

export function profileView(ctx) {
  const { client } = ctx;
  const aborter = new AbortController();
  const images = imageLoader(client, aborter.signal);
  const user = client.user;

  const avatarBox = h('div', { class: 'avatar large' }, initials(user.full_name));
  const count = h('span');
  const bio = h('textarea', { name: 'bio', rows: 4, maxLength: 500, placeholder: 'A line or two about you' });
  const counter = h('small', { class: 'hint counter' });
  const avatar = h('select', { name: 'avatar' }, h('option', { value: '' }, 'No avatar'));
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Save profile');
  const updateCounter = () => {
    counter.textContent = `${bio.value.length} / 500`;
  };
  bio.addEventListener('input', updateCounter);

  function showAvatar(photoId) {
    images.forgetAll();
    if (!photoId) {
      avatarBox.replaceChildren(initials(user.full_name));
      return;
    }
    const img = h('img', { alt: `Avatar of ${user.username}` });
    avatarBox.replaceChildren(img);
    images.load(img, `/photos/${photoId}/content`);
  }
  avatar.addEventListener('change', () => showAvatar(avatar.value));

  function show(profile) {
    bio.value = profile.bio ?? '';
    avatar.value = profile.avatar_photo_id ?? '';
    count.textContent = profile.photo_count === 1 ? '1 photo' : `${profile.photo_count} photos`;
    showAvatar(profile.avatar_photo_id);
    updateCounter();
  }

  const headEmail = h('span', null, user.email);
  const emailState = h('div', { class: 'email-state' });
  const newEmail = h('input', { type: 'email', name: 'new_email', autocomplete: 'email', autocapitalize: 'none', spellcheck: 'false', required: true });
  const emailPassword = h('input', { type: 'password', name: 'current_password', autocomplete: 'current-password', required: true });
  const changeEmail = h('button', { type: 'submit' }, 'Change email');

  /** The address, whether it is verified, and a new one waiting for its link. */
  function showEmail(current) {
    const verified = current.email_verified;
    headEmail.textContent = current.email;
    const lines = [
      h(
        'p',
        { class: 'email-line' },
        h('strong', null, current.email),
        verified === true && h('span', { class: 'badge' }, 'Verified'),
        verified === false && h('span', { class: 'badge warn' }, 'Not verified'),
      ),
      current.pending_email &&
        h(
          'p',
          { class: 'email-line pending' },
          'Changing to ',
          h('strong', null, current.pending_email),
          h('span', { class: 'badge warn' }, 'Waiting for verification'),
        ),
      (current.pending_email || verified === false) &&
        h('p', { class: 'hint' }, current.pending_email
          ? 'Open the link mailed to the new address; until then the address above stays the one of the account.'
          : 'Open the link mailed to this address to verify it.'),
    ];
    emailState.replaceChildren(...lines.filter(Boolean));
  }
  showEmail(user);

  const emailForm = h(
    'form',
    {
      class: 'card profile-form',
      onsubmit: async (event) => {
        event.preventDefault();
        changeEmail.disabled = true;
        await ctx.act(async () => {
          const updated = await withRecentLogin(client, emailPassword.value, () =>
            client.updateMe({ email: newEmail.value.trim(), currentPassword: emailPassword.value }),
          );
          newEmail.value = '';
          emailPassword.value = '';
          showEmail(updated);
          ctx.refreshChrome();
          ctx.showStatus(
            updated.pending_email ? `Check your inbox at ${updated.pending_email} to confirm the change.` : 'Email address saved.',
          );
        });
        changeEmail.disabled = false;
      },
    },
    h('h2', null, 'Email address'),
    emailState,
    field('New email address', newEmail, 'We mail a link to it; the address changes once it is opened.'),
    field('Current password', emailPassword, 'So that only you can move the account to another address.'),
    changeEmail,
  );

  async function load() {
    // The user as auth-service has it now (a link may have been opened on another device).
    ctx.act(async () => {
      showEmail(await client.me());
      ctx.refreshChrome();
    });
    const loaded = await ctx.act(async () => {
      const [profileResponse, photosResponse] = await Promise.all([
        client.fetch('/profile', { signal: aborter.signal }),
        client.fetch('/photos?owner=me&limit=100', { signal: aborter.signal }),
      ]);
      if (!profileResponse.ok) throw await readError(profileResponse);
      if (!photosResponse.ok) throw await readError(photosResponse);
      const { photos } = await photosResponse.json();
      for (const photo of photos) {
        avatar.append(h('option', { value: photo.id }, photo.caption || `Photo of ${formatDate(photo.created_at)}`));
      }
      show(await profileResponse.json());
      return true;
    });
    // Editable only once it shows what is saved: nothing typed early is overwritten.
    fields.disabled = !loaded;
  }

  const fields = h(
    'fieldset',
    { class: 'profile-fields', disabled: true },
    field('Bio', bio),
    counter,
    field('Avatar', avatar, 'Pick one of your photos.'),
    submit,
  );
  const form = h(
    'form',
    {
      class: 'card profile-form',
      onsubmit: async (event) => {
        event.preventDefault();
        submit.disabled = true;
        await ctx.act(async () => {
          const response = await client.fetch('/profile', {
            method: 'PATCH',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ bio: bio.value.trim() || null, avatar_photo_id: avatar.value || null }),
          });
          if (!response.ok) throw await readError(response);
          show(await response.json());
          ctx.showStatus('Profile saved.');
        });
        submit.disabled = false;
      },
    },
    h('h2', null, 'About you'),
    fields,
  );

  const element = h(
    'section',
    { class: 'profile-page' },
    h('h1', null, 'Profile'),
    h(
      'div',
      { class: 'card profile-head' },
      avatarBox,
      h(
        'div',
        null,
        h('p', { class: 'name' }, user.full_name),
        h('p', { class: 'handle' }, `@${user.username}`),
        h('p', { class: 'meta' }, headEmail, ' · ', count, ' · joined ', formatDay(user.created_at)),
      ),
    ),
    form,
    emailForm,
  );
  load();
  return {
    element,
    dispose() {
      aborter.abort();
      images.forgetAll();
    },
  };
}
