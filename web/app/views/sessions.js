// Where one is logged in: every live session with its device and times; revoke one, or all.
import { h } from '../dom.js';
import { deviceName, formatDate, timeAgo } from './shared.js';

export function sessionsView(ctx) {
  const { client } = ctx;
  const list = h('ul', { class: 'sessions', role: 'list', 'aria-label': 'Sessions' });

  function row(session) {
    const revoke = h('button', { type: 'button', class: 'ghost danger' }, 'Revoke');
    const item = h(
      'li',
      { class: session.current ? 'session current' : 'session', dataset: { id: session.id } },
      h('div', { class: 'device-icon', 'aria-hidden': 'true' }),
      h(
        'div',
        { class: 'session-body' },
        h('p', { class: 'device' }, deviceName(session.user_agent), session.current && h('span', { class: 'badge' }, 'This device')),
        h(
          'p',
          { class: 'meta' },
          session.ip ? `${session.ip} · ` : '',
          `signed in ${formatDate(session.created_at)} · last active ${timeAgo(session.last_used_at)}`,
        ),
      ),
      revoke,
    );
    revoke.addEventListener('click', async () => {
      revoke.disabled = true;
      await ctx.act(async () => {
        await client.revokeSession(session.id);
        item.remove();
        ctx.showStatus('Session revoked.');
      });
      revoke.disabled = false;
    });
    return item;
  }

  async function load() {
    await ctx.act(async () => {
      const sessions = await client.sessions();
      sessions.sort((a, b) => Number(b.current) - Number(a.current) || b.last_used_at.localeCompare(a.last_used_at));
      list.replaceChildren(...sessions.map(row));
    });
  }

  const element = h(
    'section',
    { class: 'sessions-page' },
    h(
      'div',
      { class: 'page-head' },
      h('div', null, h('h1', null, 'Sessions'), h('p', { class: 'lead' }, 'Every browser and device where you are logged in.')),
      h('button', { type: 'button', class: 'danger', onclick: () => ctx.act(() => client.logoutAll()) }, 'Log out everywhere'),
    ),
    h('div', { class: 'card' }, list),
  );
  load();
  return { element };
}
