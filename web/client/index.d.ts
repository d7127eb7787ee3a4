// Types of the browser client (index.js). Bodies as docs/API.md describes them.

export interface User {
  id: string;
  username: string;
  email: string;
  full_name: string;
  roles: string[];
  created_at: string;
  /** Whether `email` was confirmed by the link mailed to it. */
  email_verified: boolean;
  /** A new address asked for by `updateMe`, waiting for its link; `email` stays until then. */
  pending_email: string | null;
}

export interface Session {
  id: string;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  user_agent: string | null;
  ip: string | null;
  /** The session of this browser. */
  current: boolean;
}

/**
 * Why the auth state changed:
 * - `login`: this tab logged in; `restored`: a page load found the session (one refresh call);
 * - `other-tab`: another tab of this browser logged in, and this tab follows;
 * - `logout`: logged out (here or in another tab), or this session was revoked from its list;
 * - `ended`: a refresh was refused: the session was revoked elsewhere or expired; `reused`:
 *   auth-service detected a reused refresh token and revoked the session; `revoked`: the API
 *   refused the access token as `session_revoked` (its session ended elsewhere before the token
 *   ran out: logged out everywhere, revoked, a password reset, the account deleted), and no
 *   refresh was tried.
 */
export type AuthChangeReason = 'login' | 'restored' | 'other-tab' | 'logout' | 'ended' | 'reused' | 'revoked';

export interface ClientOptions {
  /** Where `/auth/...` is served; by default this page's origin (the refresh cookie is
   * SameSite=Strict and host-only, so it must be the page's own origin or same-site). */
  authUrl?: string;
  /** The resource API's base URL, e.g. `https://api.example.com`. Gets the bearer token only. */
  apiUrl: string;
  /** The BroadcastChannel and Web Lock name shared by the tabs; default `photo-auth`. */
  channel?: string;
}

export interface UploadOptions {
  method?: string;
  /** Bytes sent so far, and the total when known. */
  onProgress?: (loaded: number, total: number | null) => void;
  signal?: AbortSignal;
}

export interface Client {
  /** The logged-in user, or `null`. */
  readonly user: User | null;
  readonly sessionId: string | null;

  /** Called on every change of who is logged in; returns a function that unsubscribes. */
  onAuthChange(callback: (user: User | null, reason: AuthChangeReason) => void): () => void;

  /** On page load: one refresh call with the cookie. The user, or `null` when not logged in. */
  restore(): Promise<User | null>;
  /** Creates the account; does not log in. */
  register(input: { username: string; email: string; fullName: string; password: string }): Promise<User>;
  /** By `identifier` (an email when it contains `@`, else a username), or `username` / `email`. */
  login(input: { identifier?: string; username?: string; email?: string; password: string }): Promise<User>;
  /** Ends this browser's session, here and in every tab. */
  logout(): Promise<void>;
  /** Ends every session of the user, everywhere. */
  logoutAll(): Promise<void>;
  me(): Promise<User>;
  sessions(): Promise<Session[]>;
  /** Revokes one session; revoking this browser's own logs it out. */
  revokeSession(id: string): Promise<void>;
  /** Changes the fields given. A new `email` becomes `pending_email` and gets a verification
   * mail; `email` changes only once its link is used. */
  /** A new `email` needs `currentPassword` (403 `forbidden` when it is wrong). */
  updateMe(input: { username?: string; email?: string; fullName?: string; currentPassword?: string }): Promise<User>;

  // Account recovery and email verification: the links of the mails auth-service sends open the
  // app at `#/reset-password?token=...` and `#/verify-email?token=...`.

  /** Asks for a password-reset mail. Resolves the same whether or not an account uses `email`;
   * rejects with `invalid_request` for a malformed address, `too_many_requests` when limited. */
  forgotPassword(email: string): Promise<void>;
  /** Sets a new password with a reset mail's token; needs no session. Every session of that
   * account ends (this one at its next refresh, if it is that account's): log in again. Rejects
   * with a 400 `invalid_token` (used, expired or unknown: never retried or refreshed) or
   * `invalid_request` with `fields.new_password`. */
  resetPassword(token: string, newPassword: string): Promise<void>;
  /** Confirms an address with a verification mail's token; logged in or not. The verified
   * user, which also becomes `user` when it is this session's (with a new access token). Rejects
   * with a 400 `invalid_token`, or 409 `conflict` when the address was taken meanwhile. */
  verifyEmail(token: string): Promise<User>;
  /** Uses the token of the link in an email-change notice (`#/cancel-email-change?token=...`,
   * mailed to the address being replaced): cancels the change, or undoes it once made, and ends
   * every session of the account; needs no session. Rejects with a 400 `invalid_token`, or 409
   * `conflict` when the old address was taken meanwhile. */
  cancelEmailChange(token: string): Promise<'cancelled' | 'reverted' | 'nothing_pending'>;
  /** Mails the verification link again (needs the session); 409 `conflict` when nothing waits
   * for verification. */
  resendVerification(): Promise<void>;
  /** Proves the password again after a `reauth_required` refusal; the retried action then passes. */
  reauthenticate(password: string): Promise<User>;

  /**
   * `fetch` for the resource API: a path (`/photos`) is taken relative to `apiUrl`, the bearer
   * token is added, renewed before it expires, and on a 401 refreshed and the request retried
   * once; a 401 `session_revoked` ends the session instead (no refresh, no retry) and rejects
   * with `SessionEndedError` `revoked`. Any URL outside `apiUrl` is fetched without the token.
   * Rejects with `SessionEndedError` when there is no session, `NetworkError` when the server
   * cannot be reached. Bodies must be
   * re-sendable (string, Blob, FormData, URLSearchParams), not streams.
   */
  fetch(input: string | URL, init?: RequestInit): Promise<Response>;
  /** Like `fetch` with a POST (by default) of `body`, reporting upload progress. */
  upload(input: string | URL, body: FormData | Blob, options?: UploadOptions): Promise<Response>;

  /** Stops the timers and leaves the tab channel. */
  close(): void;
}

export function createClient(options: ClientOptions): Client;

/** A non-success answer of either service (docs/API.md, Error body). */
export class ApiError extends Error {
  readonly status: number;
  /** `invalid_request`, `conflict`, `too_many_requests`, `invalid_token`, `session_revoked`,
   * `email_not_verified`, ... */
  readonly code: string | null;
  readonly fields: Record<string, string>;
  /** Seconds from `Retry-After`, if the answer had one. */
  readonly retryAfter: number | null;
}

/** The server could not be reached. */
export class NetworkError extends Error {}

/** There is no session: never logged in, logged out, or it ended (`reason`: as in
 * `AuthChangeReason`). */
export class SessionEndedError extends Error {
  readonly reason: 'none' | 'ended' | 'reused' | 'revoked';
}

/** One sentence for a person about any error the client throws. */
export function describeError(error: unknown, options?: { maxPhotoBytes?: number }): string;
/** The `ApiError` of a response that is not ok (for calls made with `client.fetch`). */
export function readError(response: Response): Promise<ApiError>;
/** "45 seconds", "2 minutes". */
export function formatWait(seconds: number): string;
/** "5 MB", "800 KB". */
export function formatBytes(bytes: number): string;
