//! [`Client`]: the auth calls, and every authorized call through one path that renews the access
//! token once for all the tasks that share the client. A session's tokens go only to the servers
//! it was obtained from.

use crate::error::{ApiCode, ClientError};
use crate::server::Servers;
use crate::store::{MemoryStore, StoredTokens, TokenStore};
use photo_auth_types::{SessionList, SessionView, TokenResponse, User};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::Mutex;
use uuid::Uuid;

/// How long before its expiry an access token is renewed, so it never runs out in flight: 10 s,
/// or a quarter of a shorter lifetime.
fn renew_margin(lifetime: i64) -> i64 {
    (lifetime / 4).min(10)
}

/// A client of both services. Cheap to clone: clones share the session, its store and the lock
/// that makes refreshes single-flight.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    servers: Servers,
    store: Box<dyn TokenStore>,
    /// The session's tokens and how many times they were renewed. Held across a refresh, so a
    /// task that finds the token renewed meanwhile uses the new one instead of refreshing again.
    session: Mutex<Session>,
}

#[derive(Default)]
struct Session {
    tokens: Option<StoredTokens>,
    generation: u64,
}

impl Session {
    /// The tokens, if they may be sent to `servers`: those they were obtained from.
    fn tokens_for(&self, servers: &Servers) -> Result<&StoredTokens, ClientError> {
        let tokens = self.tokens.as_ref().ok_or(ClientError::NotLoggedIn)?;
        match &tokens.servers {
            Some(kept) if kept == servers => Ok(tokens),
            Some(kept) => Err(ClientError::OtherServers {
                kept: kept.clone(),
                given: servers.clone(),
            }),
            None => Err(ClientError::UnknownServers),
        }
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

impl Client {
    /// A client keeping its tokens in memory.
    pub fn new(auth_url: &str, api_url: &str) -> Result<Self, ClientError> {
        Self::with_store(auth_url, api_url, Box::new(MemoryStore::default()))
    }

    /// A client keeping its tokens in `store`, starting from the session stored there if any.
    /// A stored session obtained from other servers than `auth_url` and `api_url` (compared as
    /// [`BaseUrl`](crate::BaseUrl)s) is kept but never sent: the calls that need it fail with
    /// [`ClientError::OtherServers`] until a login replaces it.
    pub fn with_store(
        auth_url: &str,
        api_url: &str,
        store: Box<dyn TokenStore>,
    ) -> Result<Self, ClientError> {
        let servers = Servers::parse(auth_url, api_url)?;
        let tokens = store.load()?;
        // No redirect is followed: a 307 would send a body with the refresh token to wherever
        // it points, and the API answers none (docs/CLIENT.md, Where the tokens go).
        let http = reqwest::Client::builder()
            .user_agent(concat!("photo-auth-client/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                servers,
                store,
                session: Mutex::new(Session {
                    tokens,
                    generation: 0,
                }),
            }),
        })
    }

    pub(crate) fn auth(&self, method: Method, path: &str) -> RequestBuilder {
        let url = format!("{}{path}", self.inner.servers.auth);
        self.inner.http.request(method, url)
    }

    pub(crate) fn api(&self, method: Method, path: &str) -> RequestBuilder {
        let url = format!("{}{path}", self.inner.servers.api);
        self.inner.http.request(method, url)
    }

    /// The servers this client talks to.
    pub fn servers(&self) -> &Servers {
        &self.inner.servers
    }

    /// Whether a session is held (it may still have ended on the server, or belong to other
    /// servers).
    pub async fn is_logged_in(&self) -> bool {
        self.inner.session.lock().await.tokens.is_some()
    }

    pub async fn register(
        &self,
        username: &str,
        email: &str,
        full_name: &str,
        password: &str,
    ) -> Result<User, ClientError> {
        let body = json!({"username": username, "email": email,
                          "full_name": full_name, "password": password});
        let response = self.auth(Method::POST, "/auth/register").json(&body).send();
        parse(response.await?).await
    }

    /// Logs in with a username or an email address and keeps the session, with this client's
    /// servers, in place of any session held before.
    pub async fn login(&self, identifier: &str, password: &str) -> Result<User, ClientError> {
        let field = if identifier.contains('@') {
            "email"
        } else {
            "username"
        };
        let body = json!({ field: identifier, "password": password });
        let response = self.auth(Method::POST, "/auth/login").json(&body).send();
        let tokens: TokenResponse = parse(response.await?).await?;
        let user = tokens.user.clone();
        let mut session = self.inner.session.lock().await;
        self.keep(&mut session, tokens)?;
        Ok(user)
    }

    /// Ends this session on the server and forgets it here, whatever the server answered.
    pub async fn logout(&self) -> Result<(), ClientError> {
        let mut session = self.inner.session.lock().await;
        match session.tokens_for(&self.inner.servers) {
            Err(ClientError::NotLoggedIn) => return Ok(()),
            Err(elsewhere) => return Err(elsewhere),
            Ok(_) => {}
        }
        let Some(tokens) = session.tokens.take() else {
            return Ok(());
        };
        self.inner.store.clear()?;
        let body = json!({"refresh_token": tokens.refresh_token.expose_secret()});
        let response = self.auth(Method::POST, "/auth/logout").json(&body).send();
        expect_no_content(response.await?).await
    }

    /// Ends every session of the user, this one too.
    pub async fn logout_all(&self) -> Result<(), ClientError> {
        let response = self
            .authorized(|c, token| c.auth(Method::POST, "/auth/logout-all").bearer_auth(token))
            .await?;
        expect_no_content(response).await?;
        let mut session = self.inner.session.lock().await;
        session.tokens = None;
        self.inner.store.clear()?;
        Ok(())
    }

    pub async fn me(&self) -> Result<User, ClientError> {
        let response = self
            .authorized(|c, token| c.auth(Method::GET, "/auth/me").bearer_auth(token))
            .await?;
        parse(response).await
    }

    pub async fn sessions(&self) -> Result<Vec<SessionView>, ClientError> {
        let response = self
            .authorized(|c, token| c.auth(Method::GET, "/auth/sessions").bearer_auth(token))
            .await?;
        Ok(parse::<SessionList>(response).await?.sessions)
    }

    pub async fn revoke_session(&self, id: Uuid) -> Result<(), ClientError> {
        let path = format!("/auth/sessions/{id}");
        let response = self
            .authorized(|c, token| c.auth(Method::DELETE, &path).bearer_auth(token))
            .await?;
        expect_no_content(response).await
    }

    /// `GET {api_url}{path}` with the access token, as JSON.
    pub async fn api_get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let response = self
            .authorized(|c, token| c.api(Method::GET, path).bearer_auth(token))
            .await?;
        parse(response).await
    }

    /// Sends the request `build` makes with a fresh access token; after a 401, renews the token
    /// once and sends it once more. A refresh the server refuses ends the session here too, and
    /// so does a 401 `session_revoked`, without a refresh or a second try.
    pub(crate) async fn authorized<F>(&self, build: F) -> Result<Response, ClientError>
    where
        F: Fn(&Self, &str) -> RequestBuilder,
    {
        let (token, generation) = self.access_token().await?;
        let response = build(self, &token).send().await?;
        if response.status() != StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        let refused = api_error(response).await;
        if refused.code() == Some(&ApiCode::SessionRevoked) {
            self.forget_ended(generation, &refused).await?;
            return Err(refused);
        }
        let (token, _) = self.refresh(generation).await?;
        Ok(build(self, &token).send().await?)
    }

    /// Sends the one request `build` makes, with a fresh access token; a 401 renews the tokens
    /// for the next call and comes back as the error (for bodies that cannot be sent twice). A
    /// 401 `session_revoked` ends the session instead.
    pub(crate) async fn authorized_once<F>(&self, build: F) -> Result<Response, ClientError>
    where
        F: FnOnce(&Self, &str) -> RequestBuilder,
    {
        let (token, generation) = self.access_token().await?;
        let response = build(self, &token).send().await?;
        if response.status() == StatusCode::UNAUTHORIZED {
            let error = api_error(response).await;
            if error.code() == Some(&ApiCode::SessionRevoked) {
                self.forget_ended(generation, &error).await?;
            } else {
                self.refresh(generation).await?;
            }
            return Err(error);
        }
        Ok(response)
    }

    /// Forgets the session, in memory and in the store, after a server said it has ended (a 401
    /// `session_revoked`): there is nothing left to renew (docs/CLIENT.md, The token rules).
    /// Tokens that changed since `seen` (a login while the request was under way) are left to
    /// their own next call.
    async fn forget_ended(&self, seen: u64, why: &ClientError) -> Result<(), ClientError> {
        let mut session = self.inner.session.lock().await;
        if session.generation != seen || session.tokens.is_none() {
            return Ok(());
        }
        log::info!("the session ended: {why}");
        session.tokens = None;
        self.inner.store.clear()?;
        Ok(())
    }

    /// The access token to send, renewed first when it is about to run out.
    async fn access_token(&self) -> Result<(String, u64), ClientError> {
        let generation = {
            let session = self.inner.session.lock().await;
            let tokens = session.tokens_for(&self.inner.servers)?;
            if tokens.renew_at > now() {
                let token = tokens.access_token.expose_secret().to_owned();
                return Ok((token, session.generation));
            }
            session.generation
        };
        self.refresh(generation).await
    }

    /// Renews the session's tokens now, if a session of these servers is held, so the access
    /// token carries what changed on the account since it was issued. A session that turns out
    /// to have ended is forgotten, as on any refused refresh; one of other servers is left alone.
    pub(crate) async fn renew_if_logged_in(&self) -> Result<(), ClientError> {
        let generation = {
            let session = self.inner.session.lock().await;
            if let Err(e) = session.tokens_for(&self.inner.servers) {
                log::debug!("no session to renew here: {e}");
                return Ok(());
            }
            session.generation
        };
        self.refresh(generation).await.map(|_| ())
    }

    /// Renews the tokens unless they changed since `seen` (another task renewed them while this
    /// one waited for the lock): one refresh for any number of tasks.
    async fn refresh(&self, seen: u64) -> Result<(String, u64), ClientError> {
        let mut session = self.inner.session.lock().await;
        let tokens = session.tokens_for(&self.inner.servers)?;
        if session.generation != seen {
            let token = tokens.access_token.expose_secret().to_owned();
            return Ok((token, session.generation));
        }
        let body = json!({"refresh_token": tokens.refresh_token.expose_secret()});
        let response = self.auth(Method::POST, "/auth/refresh").json(&body).send();
        match parse::<TokenResponse>(response.await?).await {
            Ok(renewed) => {
                let token = renewed.access_token.clone();
                self.keep(&mut session, renewed)?;
                Ok((token, session.generation))
            }
            Err(e) => {
                if matches!(e, ClientError::Api { status: 401, .. }) {
                    log::info!("the session ended: {e}");
                    session.tokens = None;
                    self.inner.store.clear()?;
                }
                Err(e)
            }
        }
    }

    /// Takes the access token of `tokens` (an answer of `POST /auth/reauthenticate`, which has no
    /// refresh token) into the session held, keeping its refresh token.
    pub(crate) async fn keep_access(&self, tokens: TokenResponse) -> Result<(), ClientError> {
        let mut session = self.inner.session.lock().await;
        let held = session.tokens_for(&self.inner.servers)?;
        if held.session_id != tokens.session_id {
            return Err(ClientError::Unexpected(
                "a reauthentication answered for another session".into(),
            ));
        }
        let stored = StoredTokens {
            access_token: tokens.access_token.into(),
            renew_at: now() + tokens.expires_in - renew_margin(tokens.expires_in),
            ..held.clone()
        };
        self.inner.store.save(&stored)?;
        session.tokens = Some(stored);
        session.generation += 1;
        Ok(())
    }

    fn keep(&self, session: &mut Session, tokens: TokenResponse) -> Result<(), ClientError> {
        let refresh_token = tokens.refresh_token.ok_or_else(|| {
            ClientError::Unexpected("a token answer without a refresh token".into())
        })?;
        let stored = StoredTokens {
            access_token: tokens.access_token.into(),
            refresh_token: refresh_token.into(),
            renew_at: now() + tokens.expires_in - renew_margin(tokens.expires_in),
            session_id: tokens.session_id,
            servers: Some(self.inner.servers.clone()),
        };
        self.inner.store.save(&stored)?;
        session.tokens = Some(stored);
        session.generation += 1;
        Ok(())
    }
}

/// The body of a success as `T`, or the API's error.
pub(crate) async fn parse<T: DeserializeOwned>(response: Response) -> Result<T, ClientError> {
    if !response.status().is_success() {
        return Err(api_error(response).await);
    }
    let bytes = response.bytes().await?;
    serde_json::from_slice(&bytes).map_err(|e| ClientError::Unexpected(e.to_string()))
}

pub(crate) async fn expect_no_content(response: Response) -> Result<(), ClientError> {
    if response.status().is_success() {
        Ok(())
    } else {
        Err(api_error(response).await)
    }
}

pub(crate) async fn api_error(response: Response) -> ClientError {
    #[derive(serde::Deserialize)]
    struct Body {
        error: String,
        #[serde(default)]
        message: String,
        // Field name to reason; read leniently, so an odd `fields` never hides the error.
        #[serde(default)]
        fields: Option<BTreeMap<String, serde_json::Value>>,
    }
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    match response.json::<Body>().await {
        Ok(body) => ClientError::Api {
            status,
            code: ApiCode::of_answer(status, &body.error),
            message: body.message,
            fields: body
                .fields
                .unwrap_or_default()
                .into_iter()
                .map(|(field, why)| match why {
                    serde_json::Value::String(why) => (field, why),
                    other => (field, other.to_string()),
                })
                .collect(),
            retry_after,
        },
        Err(_) => ClientError::Unexpected(format!("{status} without the JSON error body")),
    }
}
