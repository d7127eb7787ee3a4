//! The revocation list every request is checked against, in memory (docs/TOKENS.md,
//! Revocation): the sessions and accounts that ended before their tokens expire, each kept only
//! as long as a token issued before it could still be valid.

use crate::config::StaleTokens;
use shared_tokens::{AccessClaims, AuthError, RevocationCheck};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::RwLock;
use uuid::Uuid;

/// Session and account ids, each with the Unix second after which it can be forgotten.
#[derive(Default)]
struct Entries {
    sessions: HashMap<Uuid, i64>,
    users: HashMap<Uuid, i64>,
}

/// Where the list stands against the feed, for `/readyz` and the metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// The feed has been read to its end at least once since the start.
    pub caught_up: bool,
    /// The last request to the feed was answered.
    pub reachable: bool,
    /// Unix seconds: every revocation made before this is in the list.
    pub complete_as_of: i64,
    pub sessions: usize,
    pub users: usize,
}

pub struct RevocationList {
    entries: RwLock<Entries>,
    /// How long after a revocation a token it covers may still be valid: the longest lifetime
    /// the verifier accepts, plus its leeway.
    keep_for: i64,
    stale_tokens: StaleTokens,
    caught_up: AtomicBool,
    reachable: AtomicBool,
    complete_as_of: AtomicI64,
}

impl RevocationList {
    pub fn new(keep_for: i64, stale_tokens: StaleTokens) -> Self {
        Self {
            entries: RwLock::default(),
            keep_for,
            stale_tokens,
            caught_up: AtomicBool::new(false),
            reachable: AtomicBool::new(false),
            complete_as_of: AtomicI64::new(0),
        }
    }

    /// How far back a new follower must read: a revocation older than this covers no valid token.
    pub fn keep_for(&self) -> i64 {
        self.keep_for
    }

    /// Session `id` ended at `at` (Unix seconds).
    pub fn revoke_session(&self, id: Uuid, at: i64) {
        self.insert(|e| &mut e.sessions, id, at);
    }

    /// Every session of account `id` ended at `at`: it was deleted.
    pub fn revoke_user(&self, id: Uuid, at: i64) {
        self.insert(|e| &mut e.users, id, at);
    }

    fn insert(&self, map: impl FnOnce(&mut Entries) -> &mut HashMap<Uuid, i64>, id: Uuid, at: i64) {
        let forget_after = at.saturating_add(self.keep_for);
        if forget_after < shared_tokens::now_unix() {
            return;
        }
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        let slot = map(&mut entries).entry(id).or_insert(forget_after);
        *slot = (*slot).max(forget_after);
    }

    /// Drops the entries no valid token can be covered by any more.
    pub fn prune(&self, now: i64) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        entries.sessions.retain(|_, until| *until >= now);
        entries.users.retain(|_, until| *until >= now);
    }

    /// The feed was read to its end at `now`: everything revoked before then is held.
    pub fn caught_up_at(&self, now: i64) {
        self.complete_as_of.store(now, Ordering::Relaxed);
        self.reachable.store(true, Ordering::Relaxed);
        self.caught_up.store(true, Ordering::Relaxed);
    }

    /// A page came back: the feed is reachable (maybe not yet read to its end).
    pub fn reached(&self) {
        self.reachable.store(true, Ordering::Relaxed);
    }

    /// A request to the feed failed: the list is kept as it is.
    pub fn unreachable(&self) {
        self.reachable.store(false, Ordering::Relaxed);
    }

    pub fn standing(&self) -> Standing {
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        Standing {
            caught_up: self.caught_up.load(Ordering::Relaxed),
            reachable: self.reachable.load(Ordering::Relaxed),
            complete_as_of: self.complete_as_of.load(Ordering::Relaxed),
            sessions: entries.sessions.len(),
            users: entries.users.len(),
        }
    }

    /// Whether what the list knows may be out of date: not yet read to the end, or the feed is
    /// down now.
    fn stale(&self) -> bool {
        !self.caught_up.load(Ordering::Relaxed) || !self.reachable.load(Ordering::Relaxed)
    }
}

impl RevocationCheck for RevocationList {
    fn check(&self, claims: &AccessClaims) -> Result<(), AuthError> {
        {
            let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
            if entries.sessions.contains_key(&claims.sid) || entries.users.contains_key(&claims.sub)
            {
                return Err(AuthError::SessionRevoked);
            }
        }
        // A token issued after the list was last complete comes from a session the list may be
        // behind on (docs/TOKENS.md, Revocation, When the feed is down).
        if self.stale_tokens == StaleTokens::Refuse
            && self.stale()
            && claims.iat > self.complete_as_of.load(Ordering::Relaxed)
        {
            return Err(AuthError::RevocationsUnknown);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(sub: Uuid, sid: Uuid, iat: i64) -> AccessClaims {
        AccessClaims {
            iss: "auth-service".into(),
            aud: "resource-service".into(),
            sub,
            sid,
            jti: Uuid::new_v4(),
            iat,
            exp: iat + 900,
            username: "someone".into(),
            email: "someone@example.com".into(),
            name: "Someone".into(),
            roles: vec!["user".into()],
            email_verified: true,
            auth_time: Some(iat),
        }
    }

    #[test]
    fn a_revoked_session_or_account_is_refused_and_others_are_not() {
        let list = RevocationList::new(930, StaleTokens::Accept);
        let now = shared_tokens::now_unix();
        let (user, session, other) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        list.revoke_session(session, now);
        assert_eq!(
            list.check(&claims(user, session, now)),
            Err(AuthError::SessionRevoked)
        );
        assert_eq!(list.check(&claims(user, other, now)), Ok(()));
        list.revoke_user(user, now);
        assert_eq!(
            list.check(&claims(user, other, now)),
            Err(AuthError::SessionRevoked)
        );
        assert_eq!(list.check(&claims(Uuid::new_v4(), other, now)), Ok(()));
    }

    #[test]
    fn entries_are_forgotten_once_no_token_they_cover_can_be_valid() {
        let list = RevocationList::new(930, StaleTokens::Accept);
        let now = shared_tokens::now_unix();
        let (old, recent) = (Uuid::new_v4(), Uuid::new_v4());
        // Too old to cover anything: never even stored.
        list.revoke_session(old, now - 931);
        list.revoke_session(recent, now - 100);
        assert_eq!(list.standing().sessions, 1);
        list.prune(now + 829);
        assert_eq!(list.standing().sessions, 1);
        list.prune(now + 831);
        assert_eq!(list.standing().sessions, 0);
    }

    #[test]
    fn while_the_feed_is_down_refuse_mode_refuses_only_tokens_newer_than_the_list() {
        let list = RevocationList::new(930, StaleTokens::Refuse);
        let now = shared_tokens::now_unix();
        let (user, session) = (Uuid::new_v4(), Uuid::new_v4());
        // Never caught up: nothing newer than "never" is vouched for.
        assert_eq!(
            list.check(&claims(user, session, now)),
            Err(AuthError::RevocationsUnknown)
        );
        list.caught_up_at(now - 10);
        assert_eq!(list.check(&claims(user, session, now)), Ok(()));
        list.unreachable();
        assert_eq!(list.check(&claims(user, session, now - 20)), Ok(()));
        assert_eq!(
            list.check(&claims(user, session, now)),
            Err(AuthError::RevocationsUnknown)
        );

        let lenient = RevocationList::new(930, StaleTokens::Accept);
        lenient.unreachable();
        assert_eq!(lenient.check(&claims(user, session, now)), Ok(()));
    }
}
