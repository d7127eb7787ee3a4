//! A session's refresh-token family, in the database: its first token at login, and rotation
//! with reuse detection (docs/TOKENS.md, Rotation and Reuse detection), decided by the database
//! in one call that locks the session row.

use super::SessionError;
use crate::db::audit::AuditKind;
use crate::db::login_failures::ThrottleRow;
use crate::db::models::{NewRefreshToken, NewSession, UserRow};
use crate::db::rotation::{self, Outcome, RotationRow};
use crate::db::sessions;
use crate::domain::ClientInfo;
use crate::issuer::{token_hash, Issuer};
use chrono::{DateTime, Utc};
use diesel::PgConnection;
use service_kit::DbError;
use shared_tokens::RefreshClaims;
use uuid::Uuid;

/// A session's new or current refresh token, with everything a token response needs.
pub struct Granted {
    pub user: UserRow,
    pub session_id: Uuid,
    pub refresh_token: String,
    pub refresh_expires_at: i64,
    /// When the owner last proved their password in this session: the access token's
    /// `auth_time` (docs/TOKENS.md, Recent login).
    pub authenticated_at: i64,
}

/// What presenting a refresh token led to. A token refused outright is a [`SessionError`]; reuse
/// is an outcome, not an error, because its revocation must commit.
pub enum Rotation {
    /// The current token: it is now used and a successor is current.
    Rotated(Granted),
    /// The immediate predecessor within the grace period: the same current successor again.
    Reissued(Granted),
    /// An older token: the whole family was revoked, and that is committed.
    ReuseDetected { session_id: Uuid, user_id: Uuid },
}

/// Whole-second timestamps, so a token's `iat`/`exp` and its row agree exactly.
fn at(unix: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(unix, 0).unwrap_or(DateTime::UNIX_EPOCH)
}

/// Creates a session for `user` with its first refresh token, records the login and takes back
/// the password attempt reserved under the throttle, if any: all in one statement.
pub fn start(
    conn: &mut PgConnection,
    issuer: &Issuer,
    user: UserRow,
    client: &ClientInfo,
    attempt: Option<&ThrottleRow>,
) -> Result<Granted, SessionError> {
    let now = Utc::now().timestamp();
    let absolute = now + issuer.session_max_lifetime.as_secs() as i64;
    let exp = (now + issuer.refresh_expiry.as_secs() as i64).min(absolute);
    let session_id = Uuid::new_v4();
    let claims = issuer.refresh_claims(user.id, session_id, Uuid::new_v4(), now, exp);
    let (refresh_token, kid) = issuer.sign_refresh(&claims)?;
    sessions::start(
        conn,
        &NewSession {
            id: session_id,
            user_id: user.id,
            created_at: at(now),
            last_used_at: at(now),
            idle_expires_at: at(exp),
            absolute_expires_at: at(absolute),
            generation: 0,
            user_agent: client.user_agent.as_deref(),
            ip: client.ip.as_deref(),
        },
        &NewRefreshToken {
            jti: claims.jti,
            session_id,
            token_hash: &token_hash(&refresh_token),
            generation: 0,
            issued_at: at(now),
            expires_at: at(exp),
            kid: &kid,
        },
        attempt,
        AuditKind::LoginSucceeded.as_str(),
    )?;
    Ok(Granted {
        user,
        session_id,
        refresh_token,
        refresh_expires_at: exp,
        authenticated_at: now,
    })
}

/// Presents refresh token `presented` (already signature-checked into `claims`). The database
/// decides and records the outcome in one call (`db::rotation`); the successor is signed before
/// it, so the call has all it needs.
pub fn rotate(
    conn: &mut PgConnection,
    issuer: &Issuer,
    presented: &str,
    claims: &RefreshClaims,
    client: &ClientInfo,
) -> Result<Rotation, SessionError> {
    let now_dt = Utc::now();
    let now = now_dt.timestamp();
    let presented_hash = token_hash(presented);
    let call = rotation::Presented {
        session_id: claims.sid,
        user_id: claims.sub,
        token_hash: &presented_hash,
        now: now_dt,
        grace_seconds: issuer.reuse_grace.as_secs() as i64,
        ip: client.ip.as_deref(),
        user_agent: client.user_agent.as_deref(),
    };
    let mut exp = now + issuer.refresh_expiry.as_secs() as i64;
    // At most twice: a second call only when the session's absolute limit comes before `exp`,
    // and then with the limit itself as `exp`.
    for _ in 0..2 {
        let successor = issuer.refresh_claims(claims.sub, claims.sid, Uuid::new_v4(), now, exp);
        let (refresh_token, kid) = issuer.sign_refresh(&successor)?;
        let hash = token_hash(&refresh_token);
        let row = rotation::rotate(
            conn,
            &call,
            &rotation::Successor {
                jti: successor.jti,
                token_hash: &hash,
                issued_at: at(now),
                expires_at: at(exp),
                kid: &kid,
            },
        )?;
        let outcome = Outcome::parse(&row.outcome).ok_or_else(|| malformed(&row.outcome))?;
        match outcome {
            Outcome::Cap => match row.absolute_limit {
                Some(limit) if limit.timestamp() < exp => exp = limit.timestamp(),
                _ => return Err(malformed("cap")),
            },
            Outcome::Rotated => {
                let authenticated_at = authenticated_at(&row, "rotated")?;
                return Ok(Rotation::Rotated(Granted {
                    user: row.user().ok_or_else(|| malformed("rotated"))?,
                    session_id: claims.sid,
                    refresh_token,
                    refresh_expires_at: exp,
                    authenticated_at,
                }));
            }
            Outcome::Grace => return grace_reissue(issuer, claims, row),
            Outcome::Reused => {
                return Ok(Rotation::ReuseDetected {
                    session_id: claims.sid,
                    user_id: claims.sub,
                })
            }
            Outcome::Refused(reason) => return Err(SessionError::InvalidRefreshToken(reason)),
        }
    }
    Err(malformed("cap"))
}

/// The successor handed back within the grace period: signed again with the key it was minted
/// under, so two tabs racing across a refresh-key rotation both end up with the same token.
fn grace_reissue(
    issuer: &Issuer,
    claims: &RefreshClaims,
    mut row: RotationRow,
) -> Result<Rotation, SessionError> {
    let (Some(jti), Some(hash), Some(issued_at), Some(expires_at)) = (
        row.current_jti,
        row.current_hash.take(),
        row.current_issued_at,
        row.current_expires_at,
    ) else {
        return Err(malformed("grace"));
    };
    let kid = row.current_kid.take();
    let authenticated_at = authenticated_at(&row, "grace")?;
    let current = issuer.refresh_claims(
        claims.sub,
        claims.sid,
        jti,
        issued_at.timestamp(),
        expires_at.timestamp(),
    );
    match issuer.resign_refresh(kid.as_deref(), &current)? {
        Some(again) if token_hash(&again) == hash => Ok(Rotation::Reissued(Granted {
            user: row.user().ok_or_else(|| malformed("grace"))?,
            session_id: claims.sid,
            refresh_token: again,
            refresh_expires_at: expires_at.timestamp(),
            authenticated_at,
        })),
        // The key is gone from the ring (or an old row without its kid was signed under another
        // key): we cannot give the same token back, but an honest client within the grace
        // period is no thief. Refused, family kept.
        _ => Err(SessionError::InvalidRefreshToken(
            "grace_successor_unavailable",
        )),
    }
}

/// The session's last password proof, which `rotated` and `grace` carry: a refreshed access
/// token keeps its login's `auth_time`, never the time of the refresh.
fn authenticated_at(row: &RotationRow, outcome: &str) -> Result<i64, SessionError> {
    row.session_authenticated_at
        .map(|at| at.timestamp())
        .ok_or_else(|| malformed(outcome))
}

/// An answer of the function that the code does not expect: a schema out of step with it.
fn malformed(outcome: &str) -> SessionError {
    SessionError::Database(DbError::Internal(format!(
        "rotate_refresh_token answered {outcome:?} without what goes with it"
    )))
}
