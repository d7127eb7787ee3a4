// The errors the client throws, and the one place that turns any of them into words for a person.
// Clients branch on the status and `error` code (docs/API.md, "Error body"); the server's
// `message` is only a fallback.

/** An answer of either service that is not a success: status, `error` code, `fields`. */
export class ApiError extends Error {
  constructor(status, body = {}, retryAfter = null) {
    super(body.message || `The server answered ${status}.`);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.error || null;
    this.fields = body.fields || {};
    /** Seconds from `Retry-After`, when the answer had one. */
    this.retryAfter = retryAfter;
  }
}

/** No answer at all: the network is down or the server is unreachable. */
export class NetworkError extends Error {
  constructor(cause) {
    super('The server could not be reached.', { cause });
    this.name = 'NetworkError';
  }
}

/** There is no session (never logged in, logged out, or it ended: revoked, reused, expired).
 * `reason`: `none`, `ended` (a refused refresh), `reused` (a reused refresh token), `revoked` (the
 * API refused the access token as `session_revoked`). */
export class SessionEndedError extends Error {
  constructor(reason = 'ended') {
    super('There is no session; log in again.');
    this.name = 'SessionEndedError';
    this.reason = reason;
  }
}

/** An `ApiError` from a response that is not ok. */
export async function readError(response) {
  let body = {};
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's error page, say): the status still says enough.
  }
  const header = response.headers.get('Retry-After');
  const seconds = header !== null && /^\d+$/.test(header.trim()) ? Number(header) : null;
  return new ApiError(response.status, body, seconds);
}

function plural(n, unit) {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** "45 seconds", "2 minutes", "1 hour". */
export function formatWait(seconds) {
  if (seconds < 90) return plural(Math.max(1, Math.round(seconds)), 'second');
  if (seconds < 90 * 60) return plural(Math.round(seconds / 60), 'minute');
  return plural(Math.round(seconds / 3600), 'hour');
}

/** "5 MB", "800 KB", in powers of 1024 as the server counts them. */
export function formatBytes(bytes) {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return plural(bytes, 'byte');
}

/** A session ended elsewhere: logged out everywhere, revoked from another device, the password
 * reset, the account deleted. */
const SESSION_REVOKED = 'Your session was ended elsewhere. Please log in again.';

const FIELD_NAMES = {
  username: 'Username',
  email: 'Email',
  full_name: 'Full name',
  password: 'Password',
  new_password: 'New password',
  caption: 'Caption',
  bio: 'Bio',
  avatar_photo_id: 'Avatar',
  file: 'Photo',
};

/**
 * One sentence for a person. `maxPhotoBytes` names the upload limit in a "too large" message.
 * @param {unknown} error
 * @param {{ maxPhotoBytes?: number }} [options]
 */
export function describeError(error, { maxPhotoBytes } = {}) {
  if (error instanceof NetworkError) {
    return 'Cannot reach the server. Check your connection and try again.';
  }
  if (error instanceof SessionEndedError) {
    if (error.reason === 'reused') {
      return 'Your session was ended because your login was used from somewhere else. Please log in again.';
    }
    return error.reason === 'revoked' ? SESSION_REVOKED : 'Your session has ended. Please log in again.';
  }
  if (!(error instanceof ApiError)) {
    return 'Something went wrong. Please try again.';
  }
  const wait = error.retryAfter !== null ? formatWait(error.retryAfter) : null;
  switch (error.code) {
    case 'too_many_requests':
      return `Too many attempts. Please wait ${wait || 'a moment'} and try again.`;
    case 'invalid_credentials':
      return wait
        ? `Wrong username, email or password. Too many failed attempts: please wait ${wait} before trying again.`
        : 'Wrong username, email or password.';
    case 'conflict': {
      const taken = Object.keys(error.fields);
      if (taken.includes('username') && taken.includes('email')) {
        return 'That username and that email address are already taken.';
      }
      if (taken.includes('email')) return 'That email address is already registered.';
      if (taken.includes('username')) return 'That username is already taken.';
      return error.message;
    }
    case 'invalid_token':
      // A 401 `invalid_token` is an access token the client renews by itself; a 400 is the
      // token of a mailed link (password reset, email verification) that is used or expired.
      return error.status === 400
        ? 'This link is invalid or has expired; ask for a new one.'
        : error.message;
    case 'session_revoked':
      // The client ends the session itself (SessionEndedError `revoked`); this is for an answer
      // read with `readError` from a call made around the client.
      return SESSION_REVOKED;
    case 'email_not_verified':
      return 'Verify your email address first: open the link we mailed you, or use Resend at the top of the page for a new one.';
    case 'payload_too_large': {
      // The limit the server states wins over the one the app was configured with.
      const stated = /(\d+) bytes/.exec(error.message);
      const max = stated ? Number(stated[1]) : maxPhotoBytes;
      return max ? `That photo is too large (max ${formatBytes(max)}).` : 'That photo is too large.';
    }
    case 'quota_exceeded':
      return 'You keep as many photos as an account may. Delete some to upload more.';
    case 'unsupported_media_type':
      return 'That file is not an image. Choose a JPEG, PNG, GIF or WebP picture.';
    case 'forbidden':
      return wait
        ? `That password is not right. Please wait ${wait} before trying again.`
        : 'You are not allowed to do that.';
    case 'reauth_required':
      return 'For your safety, this needs your password again. Enter it and try once more.';
    case 'csrf_rejected':
      return 'The request was refused because it did not come from this site.';
    case 'not_found':
      return 'That no longer exists.';
    case 'unavailable':
      return 'The service is briefly unavailable. Please try again in a moment.';
    case 'invalid_request': {
      const parts = Object.entries(error.fields).map(
        ([field, reason]) => `${FIELD_NAMES[field] || field} ${reason}`,
      );
      return parts.length ? `Please check: ${parts.join('; ')}.` : error.message;
    }
    case 'internal':
      return 'Something went wrong on our side. Please try again.';
    default:
      if (error.status === 429) return `Too many requests. Please wait ${wait || 'a moment'}.`;
      if (error.status === 413) return 'That is too large.';
      return error.message;
  }
}
