// Upload with a progress bar, and the grid of photos (everyone's or one's own), newest first,
// loaded page by page over the keyset cursor as the end of the list scrolls into view. The
// images are fetched with the bearer token (an <img> cannot send one) and shown as blob: URLs.
import { formatBytes, readError } from '../../client/index.js';
import { field, h } from '../dom.js';
import { imageLoader, timeAgo } from './shared.js';

const PAGE_SIZE = 12;

export function photosView(ctx) {
  const { client, config } = ctx;
  const aborter = new AbortController();
  const images = imageLoader(client, aborter.signal);
  const me = client.user;
  let filter = 'all';
  let cursor = null;
  let done = false;
  let loading = false;
  let generation = 0;

  // ---- upload ----
  const file = h('input', { type: 'file', name: 'file', accept: 'image/jpeg,image/png,image/gif,image/webp' });
  const caption = h('input', { name: 'caption', maxLength: 300, placeholder: 'Say something about it', autocomplete: 'off' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Upload');
  const progress = h('progress', { max: 100, value: 0, 'aria-label': 'Upload progress' });
  const progressText = h('span', { class: 'progress-text' });
  const progressRow = h('div', { class: 'progress-row', hidden: true }, progress, progressText);

  async function upload(event) {
    event.preventDefault();
    const chosen = file.files[0];
    if (!chosen) return ctx.showError('Choose a photo to upload first.');
    if (chosen.size > config.maxPhotoBytes) {
      return ctx.showError(`That photo is too large (max ${formatBytes(config.maxPhotoBytes)}).`);
    }
    const body = new FormData();
    body.append('file', chosen);
    if (caption.value.trim()) body.append('caption', caption.value);
    submit.disabled = true;
    progress.value = 0;
    progressText.textContent = 'Starting…';
    progressRow.hidden = false;
    const photo = await ctx.act(async () => {
      const response = await client.upload('/photos', body, {
        signal: aborter.signal,
        onProgress(loaded, total) {
          const percent = total ? Math.round((loaded / total) * 100) : 0;
          progress.value = percent;
          progressText.textContent = `${percent}% of ${formatBytes(total || chosen.size)}`;
        },
      });
      if (!response.ok) throw await readError(response);
      return response.json();
    });
    submit.disabled = false;
    progressRow.hidden = true;
    if (photo) {
      form.reset();
      ctx.showStatus('Photo uploaded.');
      list.prepend(card(photo));
      updateEmpty();
    }
  }

  const form = h(
    'form',
    { class: 'card upload', onsubmit: upload },
    h('h2', null, 'Share a photo'),
    h('div', { class: 'upload-fields' }, field('Photo', file), field('Caption', caption), submit),
    progressRow,
    h('p', { class: 'hint' }, `JPEG, PNG, GIF or WebP, up to ${formatBytes(config.maxPhotoBytes)}.`),
  );

  // ---- grid ----
  const list = h('ul', { class: 'grid', role: 'list', 'aria-label': 'Photos' });
  const empty = h('p', { class: 'empty', hidden: true });
  const footer = h('p', { class: 'list-end', 'aria-live': 'polite' });
  const sentinel = h('div', { class: 'sentinel', 'aria-hidden': 'true' });

  function likesText(n) {
    return n === 1 ? '1 like' : `${n} likes`;
  }

  function card(photo) {
    const img = h('img', { alt: photo.caption || `Photo by ${photo.owner_username}`, class: 'photo' });
    // The grid shows thumbnails (at most 320 px); the original only where none exists yet.
    images.load(img, photo.thumbnail_url || photo.content_url);
    const likes = h('span', { class: 'likes' }, likesText(photo.like_count));
    // The heart is decoration: the button's name stays exactly "Like" or "Unlike".
    const likeLabel = h('span', null, photo.liked_by_me ? 'Unlike' : 'Like');
    const like = h(
      'button',
      { type: 'button', class: photo.liked_by_me ? 'like liked' : 'like' },
      h('span', { class: 'heart', 'aria-hidden': 'true' }),
      likeLabel,
    );
    like.addEventListener('click', async () => {
      like.disabled = true;
      await ctx.act(async () => {
        const liked = photo.liked_by_me;
        const response = await client.fetch(`/photos/${photo.id}/like`, { method: liked ? 'DELETE' : 'PUT' });
        if (!response.ok) throw await readError(response);
        photo.liked_by_me = !liked;
        photo.like_count += liked ? -1 : 1;
        likeLabel.textContent = photo.liked_by_me ? 'Unlike' : 'Like';
        like.classList.toggle('liked', photo.liked_by_me);
        likes.textContent = likesText(photo.like_count);
      });
      like.disabled = false;
    });
    const own = photo.owner_id === me.id;
    const item = h(
      'li',
      { class: 'photo-card', dataset: { id: photo.id } },
      h('div', { class: 'frame' }, img),
      h(
        'div',
        { class: 'photo-body' },
        photo.caption && h('p', { class: 'caption' }, photo.caption),
        h('p', { class: 'meta' }, own ? 'You' : `@${photo.owner_username}`, ' · ', timeAgo(photo.created_at)),
        h(
          'div',
          { class: 'actions' },
          like,
          likes,
          own &&
            h(
              'button',
              {
                type: 'button',
                class: 'ghost danger',
                onclick: () =>
                  ctx.act(async () => {
                    const response = await client.fetch(`/photos/${photo.id}`, { method: 'DELETE' });
                    if (!response.ok) throw await readError(response);
                    images.forget(img);
                    item.remove();
                    updateEmpty();
                    ctx.showStatus('Photo deleted.');
                  }),
              },
              'Delete',
            ),
        ),
      ),
    );
    return item;
  }

  function updateEmpty() {
    const none = done && list.children.length === 0;
    empty.hidden = !none;
    empty.textContent = filter === 'mine' ? 'You have not shared a photo yet.' : 'No photos yet. Be the first to share one!';
    footer.textContent = done && !none ? 'You have seen them all.' : '';
  }

  function sentinelVisible() {
    const box = sentinel.getBoundingClientRect();
    return box.top < innerHeight + 400;
  }

  async function loadMore() {
    if (loading || done) return;
    loading = true;
    const mine = generation;
    footer.textContent = 'Loading photos…';
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (filter === 'mine') query.set('owner', 'me');
    if (cursor) query.set('cursor', cursor);
    const page = await ctx.act(async () => {
      const response = await client.fetch(`/photos?${query}`, { signal: aborter.signal });
      if (!response.ok) throw await readError(response);
      return response.json();
    });
    if (mine !== generation) return; // the filter changed meanwhile; that load started afresh
    loading = false;
    if (!page) {
      footer.textContent = '';
      return;
    }
    for (const photo of page.photos) list.append(card(photo));
    cursor = page.next_cursor;
    done = cursor === null;
    updateEmpty();
    // A short page may leave the end of the list in view, which the observer does not report
    // again: keep loading until it is out of view or everything is here.
    if (!done && sentinelVisible()) requestAnimationFrame(loadMore);
  }

  const observer = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) loadMore();
  }, { rootMargin: '400px' });
  observer.observe(sentinel);

  const filters = ['all', 'mine'].map((value) =>
    h(
      'button',
      {
        type: 'button',
        class: 'segment',
        'aria-pressed': String(value === filter),
        onclick: () => {
          if (filter === value) return;
          filter = value;
          for (const b of filters) b.setAttribute('aria-pressed', String(b === filters[value === 'all' ? 0 : 1]));
          generation += 1;
          loading = false;
          cursor = null;
          done = false;
          images.forgetAll();
          list.replaceChildren();
          loadMore();
        },
      },
      value === 'all' ? 'Everyone' : 'Mine',
    ),
  );

  const element = h(
    'section',
    { class: 'photos-page' },
    h('div', { class: 'page-head' }, h('h1', null, 'Photos'), h('div', { class: 'segments', role: 'group', 'aria-label': 'Show' }, filters)),
    form,
    list,
    empty,
    footer,
    sentinel,
  );
  queueMicrotask(loadMore);

  return {
    element,
    dispose() {
      aborter.abort();
      observer.disconnect();
      images.forgetAll();
    },
  };
}
