// What the tabs of one browser share: one refresh at a time (Web Locks), and the news of a new
// access token or of a logout (BroadcastChannel). Both stay inside the browser and the origin;
// nothing is written to storage.
//
// Where either API is missing (an old browser; Web Locks also need a secure context, which
// http://localhost is), each tab still refreshes one at a time by itself, and the server's reuse
// grace (docs/TOKENS.md, Rotation) keeps tabs that refresh at the same moment from logging each
// other out.

/** How long the refreshing tab keeps the lock after announcing its token, so that the tabs
 * queued behind it have received the news before they get the lock and would refresh again. */
const SETTLE_MS = 50;

/**
 * @param {string} name channel and lock name
 * @param {(message: any) => void} onMessage
 */
export function createTabSync(name, onMessage) {
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(name) : null;
  channel?.addEventListener('message', (event) => onMessage(event.data));
  const locks = globalThis.navigator?.locks;

  return {
    /** Tells every other tab (never this one). */
    post(message) {
      channel?.postMessage(message);
    },
    /** Runs `task` while no other tab runs one under the same lock. */
    exclusive(task) {
      return locks ? locks.request(`${name}:refresh`, task) : task();
    },
    /** Waits until a message just posted has very probably reached the other tabs. */
    settle() {
      return channel ? new Promise((resolve) => setTimeout(resolve, SETTLE_MS)) : Promise.resolve();
    },
    close() {
      channel?.close();
    },
  };
}
