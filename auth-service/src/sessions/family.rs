//! A session's refresh-token family, in the database: its first token at login, and rotation
//! with reuse detection (docs/TOKENS.md, Rotation and Reuse detection) in one transaction that
//! locks the session row.

use super::attempts::Reservation;
use super::SessionError;
use crate::db::audit::{self, AuditEvent, AuditKind};
use crate::db::models::{NewRefreshToken, NewSession, UserRow};
use crate::db::{refresh_tokens, sessions, users};
use crate::domain::ClientInfo;
use crate::issuer::{token_hash, Issuer};
use chrono::{DateTime, TimeDelta, Utc};
use diesel::{Connection, PgConnection};
use shared_tokens::RefreshClaims;
use uuid::Uuid;

/// A session's new or current refresh token, with everything a token response needs.
pub struct Granted {
    pub user: UserRow,
    pub session_id: Uuid,
    pub refresh_token: String,
    pub refresh_expires_at: i64,
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

fn seconds(d: std::time::Duration) -> TimeDelta {
    TimeDelta::seconds(d.as_secs() as i64)
}

/// Whole-second timestamps, so a token's `iat`/`exp` and its row agree exactly.
fn at(unix: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(unix, 0).unwrap_or(DateTime::UNIX_EPOCH)
}

/// Mints the refresh token of generation `generation` and stores its hash.
fn mint(
    conn: &mut PgConnection,
    issuer: &Issuer,
    user_id: Uuid,
    session_id: Uuid,
    generation: i32,
    now: i64,
    exp: i64,
) -> Result<String, SessionError> {
    let claims = issuer.refresh_claims(user_id, session_id, Uuid::new_v4(), now, exp);
    let (token, kid) = issuer.sign_refresh(&claims)?;
    refresh_tokens::insert(
        conn,
        &NewRefreshToken {
            jti: claims.jti,
            session_id,
            token_hash: &token_hash(&token),
            generation,
            issued_at: at(claims.iat),
            expires_at: at(claims.exp),
            kid: &kid,
        },
    )?;
    Ok(token)
}

/// Creates a session for `user` with its first refresh token, in one transaction that also
/// records the login and takes back the password attempt reserved under the throttle, if any.
pub fn start(
    conn: &mut PgConnection,
    issuer: &Issuer,
    user: UserRow,
    client: &ClientInfo,
    attempt: Option<&Reservation>,
) -> Result<Granted, SessionError> {
    conn.transaction(|conn| {
        let now = Utc::now().timestamp();
        let absolute = now + issuer.session_max_lifetime.as_secs() as i64;
        let exp = (now + issuer.refresh_expiry.as_secs() as i64).min(absolute);
        let session_id = Uuid::new_v4();
        sessions::insert(
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
        )?;
        let refresh_token = mint(conn, issuer, user.id, session_id, 0, now, exp)?;
        if let Some(attempt) = attempt {
            attempt.succeeded(conn)?;
        }
        audit::record(
            conn,
            &AuditEvent::by(AuditKind::LoginSucceeded, client)
                .user(user.id)
                .session(session_id),
        )?;
        Ok(Granted {
            user,
            session_id,
            refresh_token,
            refresh_expires_at: exp,
        })
    })
}

/// Presents refresh token `presented` (already signature-checked into `claims`).
pub fn rotate(
    conn: &mut PgConnection,
    issuer: &Issuer,
    presented: &str,
    claims: &RefreshClaims,
    client: &ClientInfo,
) -> Result<Rotation, SessionError> {
    conn.transaction(|conn| {
        let now_dt = Utc::now();
        let now = now_dt.timestamp();
        let Some(session) = sessions::lock(conn, claims.sid)? else {
            return Err(SessionError::InvalidRefreshToken("unknown_session"));
        };
        if session.user_id != claims.sub {
            return Err(SessionError::InvalidRefreshToken("session_of_another_user"));
        }
        if !session.is_live(now_dt) {
            return Err(SessionError::InvalidRefreshToken("session_ended"));
        }
        let Some(token) = refresh_tokens::find_by_hash(conn, session.id, &token_hash(presented))?
        else {
            return Err(SessionError::InvalidRefreshToken("unknown_refresh_token"));
        };

        if token.generation == session.generation && token.used_at.is_none() {
            refresh_tokens::mark_used(conn, token.jti, now_dt)?;
            let generation = session.generation + 1;
            let absolute = session.absolute_expires_at.timestamp();
            let exp = (now + issuer.refresh_expiry.as_secs() as i64).min(absolute);
            let refresh_token = mint(
                conn,
                issuer,
                session.user_id,
                session.id,
                generation,
                now,
                exp,
            )?;
            sessions::advance(conn, session.id, generation, at(now), at(exp))?;
            let user = users::find(conn, session.user_id)?;
            return Ok(Rotation::Rotated(Granted {
                user,
                session_id: session.id,
                refresh_token,
                refresh_expires_at: exp,
            }));
        }

        let within_grace = !issuer.reuse_grace.is_zero()
            && token.generation == session.generation - 1
            && token
                .used_at
                .is_some_and(|used| now_dt - used < seconds(issuer.reuse_grace));
        if within_grace {
            if let Some(current) =
                refresh_tokens::find_generation(conn, session.id, session.generation)?
            {
                // The successor is signed again with the key it was minted under, so two tabs
                // racing across a refresh-key rotation both end up with the same token.
                let claims = issuer.refresh_claims(
                    session.user_id,
                    session.id,
                    current.jti,
                    current.issued_at.timestamp(),
                    current.expires_at.timestamp(),
                );
                let again = issuer.resign_refresh(current.kid.as_deref(), &claims)?;
                match again {
                    Some(again) if token_hash(&again) == current.token_hash => {
                        let user = users::find(conn, session.user_id)?;
                        return Ok(Rotation::Reissued(Granted {
                            user,
                            session_id: session.id,
                            refresh_token: again,
                            refresh_expires_at: current.expires_at.timestamp(),
                        }));
                    }
                    // The key is gone from the ring (or an old row without its kid was signed
                    // under another key): we cannot give the same token back, but an honest
                    // client within the grace period is no thief. Refused, family kept.
                    _ => {
                        return Err(SessionError::InvalidRefreshToken(
                            "grace_successor_unavailable",
                        ))
                    }
                }
            }
        }

        sessions::revoke(conn, session.id, "refresh_token_reused", now_dt)?;
        audit::record(
            conn,
            &AuditEvent::by(AuditKind::RefreshReuseDetected, client)
                .user(session.user_id)
                .session(session.id)
                .detail(serde_json::json!({
                    "presented_generation": token.generation,
                    "current_generation": session.generation,
                })),
        )?;
        Ok(Rotation::ReuseDetected {
            session_id: session.id,
            user_id: session.user_id,
        })
    })
}
