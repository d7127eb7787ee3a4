//! The rule for actions that need a recent login (docs/TOKENS.md, Recent login), written once for
//! both services: the token's `auth_time` must be at most `REAUTH_WINDOW` old. A token without
//! `auth_time` was minted before the claim existed and counts as too old.

use crate::claims::AccessClaims;
use crate::error::AuthError;
use std::time::Duration;

/// `REAUTH_WINDOW`: how long after the owner last proved their password a session may still
/// delete the account, erase its data, or change the password or the email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReauthWindow(Duration);

/// Proof that the request's login is recent enough. Only [`ReauthWindow::check`] makes one, so a
/// function that takes it cannot be reached without the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecentLogin(());

impl ReauthWindow {
    pub const DEFAULT: &'static str = "10m";

    pub fn new(window: Duration) -> Self {
        Self(window)
    }

    pub fn duration(&self) -> Duration {
        self.0
    }

    /// Whether `claims` come from a login recent enough now.
    pub fn check(&self, claims: &AccessClaims) -> Result<RecentLogin, AuthError> {
        self.check_at(claims, crate::now_unix())
    }

    /// [`Self::check`] as if the time were `now` (seconds since the epoch). An `auth_time` in
    /// the future (clocks of two hosts apart) is as recent as one now.
    pub fn check_at(&self, claims: &AccessClaims, now: i64) -> Result<RecentLogin, AuthError> {
        let window = i64::try_from(self.0.as_secs()).unwrap_or(i64::MAX);
        match claims.auth_time {
            Some(auth_time) if now.saturating_sub(auth_time) <= window => Ok(RecentLogin(())),
            _ => Err(AuthError::ReauthRequired),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn claims(auth_time: Option<i64>) -> AccessClaims {
        AccessClaims {
            iss: "auth-service".into(),
            aud: "resource-service".into(),
            sub: Uuid::nil(),
            sid: Uuid::nil(),
            jti: Uuid::nil(),
            iat: 1_000,
            exp: 1_900,
            username: "alice".into(),
            email: "alice@example.com".into(),
            name: "Alice".into(),
            roles: vec![],
            email_verified: true,
            auth_time,
        }
    }

    const TEN_MINUTES: ReauthWindow = ReauthWindow(Duration::from_secs(600));

    #[test]
    fn a_login_within_the_window_is_recent() {
        for age in [0, 1, 599, 600] {
            assert!(
                TEN_MINUTES
                    .check_at(&claims(Some(1_000)), 1_000 + age)
                    .is_ok(),
                "{age}s"
            );
        }
    }

    #[test]
    fn a_login_older_than_the_window_needs_reauthentication() {
        for age in [601, 86_400] {
            assert_eq!(
                TEN_MINUTES.check_at(&claims(Some(1_000)), 1_000 + age),
                Err(AuthError::ReauthRequired),
                "{age}s"
            );
        }
    }

    #[test]
    fn a_token_without_auth_time_needs_reauthentication() {
        assert_eq!(
            TEN_MINUTES.check_at(&claims(None), 1_000),
            Err(AuthError::ReauthRequired)
        );
    }

    #[test]
    fn an_auth_time_ahead_of_the_clock_counts_as_now() {
        assert!(TEN_MINUTES.check_at(&claims(Some(2_000)), 1_000).is_ok());
        assert!(TEN_MINUTES
            .check_at(&claims(Some(i64::MIN)), i64::MAX)
            .is_err());
    }

    #[test]
    fn a_zero_window_lets_only_this_second_pass() {
        let zero = ReauthWindow::new(Duration::ZERO);
        assert!(zero.check_at(&claims(Some(1_000)), 1_000).is_ok());
        assert!(zero.check_at(&claims(Some(1_000)), 1_001).is_err());
    }
}
