// What several views use: images fetched with the bearer token, dates in words, devices.

/**
 * Loads `/photos/{id}/content` into <img> elements through `client.fetch` (which adds the token)
 * and keeps the blob: URLs so that they can be released.
 */
export function imageLoader(client, signal) {
  const urls = new Map();
  return {
    async load(img, path) {
      img.classList.add('pending');
      try {
        const response = await client.fetch(path, { signal });
        if (!response.ok) throw new Error(`image answered ${response.status}`);
        const url = URL.createObjectURL(await response.blob());
        if (signal.aborted) return URL.revokeObjectURL(url);
        urls.set(img, url);
        img.src = url;
      } catch {
        // A broken tile, not an alert for each image; the next user action reports the cause.
        img.classList.add('broken');
      } finally {
        img.classList.remove('pending');
      }
    },
    forget(img) {
      const url = urls.get(img);
      if (url) URL.revokeObjectURL(url);
      urls.delete(img);
    },
    forgetAll() {
      for (const url of urls.values()) URL.revokeObjectURL(url);
      urls.clear();
    },
  };
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "just now", "5 minutes ago", "yesterday", or a date when older than a week. */
export function timeAgo(iso) {
  const seconds = (Date.now() - new Date(iso).getTime()) / 1000;
  if (seconds < 45) return 'just now';
  if (seconds < 3600) return relative.format(-Math.round(seconds / 60), 'minute');
  if (seconds < 86400) return relative.format(-Math.round(seconds / 3600), 'hour');
  if (seconds < 7 * 86400) return relative.format(-Math.round(seconds / 86400), 'day');
  return absolute.format(new Date(iso));
}

export const formatDate = (iso) => absolute.format(new Date(iso));
const day = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
export const formatDay = (iso) => day.format(new Date(iso));

/** "Chrome on Linux" from a User-Agent; never the whole string. */
export function deviceName(userAgent) {
  if (!userAgent) return 'Unknown device';
  const browsers = [
    [/Edg\//, 'Edge'],
    [/OPR\//, 'Opera'],
    [/Firefox\//, 'Firefox'],
    [/(Headless)?Chrom(e|ium)\//, 'Chrome'],
    [/Safari\//, 'Safari'],
    [/curl\//, 'curl'],
  ];
  const systems = [
    [/Windows/, 'Windows'],
    [/Android/, 'Android'],
    [/iPhone|iPad/, 'iOS'],
    [/Mac OS X/, 'macOS'],
    [/CrOS/, 'ChromeOS'],
    [/Linux/, 'Linux'],
  ];
  const browser = browsers.find(([re]) => re.test(userAgent))?.[1] ?? 'A browser';
  const system = systems.find(([re]) => re.test(userAgent))?.[1];
  return system ? `${browser} on ${system}` : browser;
}

/** Two letters for an avatar without a photo. */
export function initials(name) {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? parts.at(-1)[0] : '')).toUpperCase() || '?';
}

/**
 * Spends the token of a mailed link that `ctx.route` holds, once: `spend(token)` resolves to
 * what the view shows, kept as `route[key]`; a failure is kept as `route.failure`, and one that
 * says the token is no good forgets the token. A render while the call is under way joins it
 * rather than sending the token again. `show` renders the route's state before and after.
 */
export async function spendLinkToken(ctx, key, spend, show) {
  const { route } = ctx;
  route.pending ??= spend(route.token)
    .then((value) => {
      route[key] = value;
      route.token = null;
    })
    .catch((error) => {
      route.failure = error;
      if (error?.code === 'invalid_token') route.token = null;
    })
    .finally(() => {
      route.pending = null;
    });
  show();
  await route.pending;
  show();
  ctx.refreshChrome();
}
