//! What a database call can fail with, classified once for both services (the photo store has
//! an error of its own): each service's error type maps these four cases to the same answers
//! (docs/API.md, Error body): 404, 409, 503 with `Retry-After`, and a bare 500 whose cause goes
//! only to the log.

use crate::ErrorBody;
use actix_web::error::BlockingError;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// What a 503 asks the client to wait, in seconds: long enough for a database restart or a
/// failover to finish, short enough that a user does not give up.
pub const RETRY_AFTER_SECONDS: u32 = 5;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The row asked for is not there.
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write; the constraint's name says which value was taken.
    #[error("unique constraint {constraint:?} violated")]
    Conflict { constraint: String },
    /// The database cannot be reached right now: no connection within the checkout timeout, or
    /// one that died under the query. Worth retrying shortly.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Anything else: a bug or a broken schema, not the client's fault.
    #[error("database error: {0}")]
    Internal(String),
}

impl DbError {
    /// Whether the refused value was the one a constraint whose name contains `column` guards.
    pub fn is_conflict_on(&self, column: &str) -> bool {
        matches!(self, Self::Conflict { constraint } if constraint.contains(column))
    }
}

impl ResponseError for DbError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        match self {
            Self::NotFound => {
                ErrorBody::new("not_found", "Nothing was found here.").respond(status)
            }
            Self::Conflict { .. } => {
                ErrorBody::new("conflict", "That value is already taken.").respond(status)
            }
            Self::Unavailable(cause) => {
                log::warn!("database unavailable: {cause}");
                let mut response = ErrorBody::new(
                    "unavailable",
                    "The service is temporarily unavailable; try again shortly.",
                )
                .respond(status);
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
                response
            }
            Self::Internal(cause) => {
                log::error!("internal error: {cause}");
                ErrorBody::new("internal", "An internal error occurred.").respond(status)
            }
        }
    }
}

impl From<DieselError> for DbError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::NotFound => Self::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                Self::Conflict {
                    constraint: info.constraint_name().unwrap_or_default().to_owned(),
                }
            }
            DieselError::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                info,
            ) => Self::Unavailable(info.message().to_owned()),
            DieselError::DatabaseError(DatabaseErrorKind::Unknown, ref info)
                if is_connection_loss(info.message()) =>
            {
                Self::Unavailable(info.message().to_owned())
            }
            DieselError::BrokenTransactionManager => Self::Unavailable(error.to_string()),
            other => Self::Internal(other.to_string()),
        }
    }
}

/// PostgreSQL's words for a server that went away under a running query (SQLSTATE 57P01 and
/// friends); Diesel reports them without a kind of their own.
fn is_connection_loss(message: &str) -> bool {
    message.contains("terminating connection")
        || message.contains("server closed the connection")
        || message.contains("no connection to the server")
}

impl From<r2d2::Error> for DbError {
    fn from(error: r2d2::Error) -> Self {
        Self::Unavailable(error.to_string())
    }
}

impl From<BlockingError> for DbError {
    fn from(error: BlockingError) -> Self {
        Self::Internal(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Info(&'static str);
    impl diesel::result::DatabaseErrorInformation for Info {
        fn message(&self) -> &str {
            self.0
        }
        fn details(&self) -> Option<&str> {
            None
        }
        fn hint(&self) -> Option<&str> {
            None
        }
        fn table_name(&self) -> Option<&str> {
            None
        }
        fn column_name(&self) -> Option<&str> {
            None
        }
        fn constraint_name(&self) -> Option<&str> {
            Some("users_email_key")
        }
        fn statement_position(&self) -> Option<i32> {
            None
        }
    }

    fn database(kind: DatabaseErrorKind, message: &'static str) -> DbError {
        DieselError::DatabaseError(kind, Box::new(Info(message))).into()
    }

    #[test]
    fn a_connection_that_died_under_the_query_is_unavailable() {
        for (kind, message) in [
            (DatabaseErrorKind::ClosedConnection, "closed"),
            (DatabaseErrorKind::UnableToSendCommand, "cannot send"),
            (
                DatabaseErrorKind::Unknown,
                "terminating connection due to administrator command",
            ),
            (
                DatabaseErrorKind::Unknown,
                "server closed the connection unexpectedly",
            ),
        ] {
            assert!(
                matches!(database(kind, message), DbError::Unavailable(_)),
                "{message}"
            );
        }
    }

    #[test]
    fn an_outage_is_a_503_asking_to_retry_and_an_internal_error_hides_its_cause() {
        let response = DbError::Unavailable("down".into()).error_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            response.headers().get(header::RETRY_AFTER),
            Some(&HeaderValue::from(RETRY_AFTER_SECONDS))
        );
        let response = DbError::Internal("relation \"users\" does not exist".into());
        let body =
            actix_web::body::MessageBody::try_into_bytes(response.error_response().into_body());
        let body = body
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        assert!(body.contains("\"internal\""), "{body}");
        assert!(!body.contains("users"), "{body}");
    }

    #[test]
    fn a_unique_violation_names_its_constraint_and_the_rest_is_internal() {
        let conflict = database(DatabaseErrorKind::UniqueViolation, "duplicate key");
        assert!(conflict.is_conflict_on("email"));
        assert!(!conflict.is_conflict_on("username"));
        assert!(matches!(
            database(DatabaseErrorKind::CheckViolation, "check"),
            DbError::Internal(_)
        ));
        assert!(matches!(
            DbError::from(DieselError::NotFound),
            DbError::NotFound
        ));
    }
}
