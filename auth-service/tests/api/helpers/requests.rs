//! What a test does with its app: requests, users, logins, and reads of its database.

use super::*;

impl TestApp {
    /// A second `Application` with the same settings against the SAME database; returns its
    /// address. It stops when the test's runtime ends.
    pub async fn spawn_second_instance(&self) -> String {
        start(settings_from(&self.vars)).await
    }

    /// Another `Application` against the SAME database with this app's variables changed by
    /// `configure` (a rotated secret, say); returns its address.
    pub async fn spawn_instance_with(
        &self,
        configure: impl FnOnce(&mut HashMap<String, String>),
    ) -> String {
        let mut vars = self.vars.clone();
        configure(&mut vars);
        start(settings_from(&vars)).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.url(path))
    }

    pub fn with_bearer(builder: RequestBuilder, bearer: Option<&str>) -> RequestBuilder {
        match bearer {
            Some(token) => builder.bearer_auth(token),
            None => builder,
        }
    }

    pub async fn get(&self, path: &str, bearer: Option<&str>) -> Response {
        Self::with_bearer(self.request(Method::GET, path), bearer)
            .send()
            .await
            .unwrap()
    }

    pub async fn send_json(
        &self,
        method: Method,
        path: &str,
        body: &Value,
        bearer: Option<&str>,
    ) -> Response {
        Self::with_bearer(self.request(method, path), bearer)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_json(&self, path: &str, body: &Value, bearer: Option<&str>) -> Response {
        self.send_json(Method::POST, path, body, bearer).await
    }

    pub async fn post_empty(&self, path: &str, bearer: Option<&str>) -> Response {
        Self::with_bearer(self.request(Method::POST, path), bearer)
            .send()
            .await
            .unwrap()
    }

    pub async fn register(
        &self,
        username: &str,
        email: &str,
        full_name: &str,
        password: &str,
    ) -> Response {
        self.post_json(
            "/auth/register",
            &json!({
                "username": username,
                "email": email,
                "full_name": full_name,
                "password": password,
            }),
            None,
        )
        .await
    }

    /// Registers `<name>` / `<name>@example.com` with a fixed password, asserting 201.
    pub async fn register_user(&self, name: &str) -> TestUser {
        self.register_user_with_password(name, "correct horse battery staple")
            .await
    }

    pub async fn register_user_with_password(&self, name: &str, password: &str) -> TestUser {
        let email = format!("{name}@example.com");
        let response = self
            .register(name, &email, &format!("{name} Example"), password)
            .await;
        assert_eq!(response.status(), StatusCode::CREATED, "registering {name}");
        let body: Value = response.json().await.unwrap();
        TestUser {
            id: body["id"].as_str().unwrap().parse().unwrap(),
            username: name.to_owned(),
            email,
            password: password.to_owned(),
        }
    }

    pub async fn login(&self, body: &Value) -> Response {
        self.post_json("/auth/login", body, None).await
    }

    /// Logs `user` in by username, asserting 200.
    pub async fn login_as(&self, user: &TestUser) -> Tokens {
        self.login_with_password(&user.username, &user.password)
            .await
    }

    pub async fn login_with_password(&self, username: &str, password: &str) -> Tokens {
        let response = self
            .login(&json!({"username": username, "password": password}))
            .await;
        assert_eq!(response.status(), StatusCode::OK, "login as {username}");
        Tokens::from_body(response.json().await.unwrap())
    }

    /// `POST /auth/refresh` with `{refresh_token}` in the body.
    pub async fn refresh(&self, refresh_token: &str) -> Response {
        refresh_at(&self.client, &self.address, refresh_token).await
    }

    /// Refreshes, asserting 200.
    pub async fn refreshed(&self, refresh_token: &str) -> Tokens {
        let response = self.refresh(refresh_token).await;
        assert_eq!(response.status(), StatusCode::OK, "refresh");
        Tokens::from_body(response.json().await.unwrap())
    }

    /// A direct connection for inspecting rows.
    pub fn session(&self, id: Uuid) -> SessionState {
        diesel::sql_query(
            "SELECT s.generation, s.revoked_at, s.revoked_reason, \
             (SELECT count(*)::int FROM refresh_tokens t WHERE t.session_id = s.id) AS token_rows \
             FROM sessions s WHERE s.id = $1",
        )
        .bind::<SqlUuid, _>(id)
        .get_result(&mut self.db.connect())
        .expect("the session row exists")
    }

    pub fn count(&self, sql: &str, id: Uuid) -> i32 {
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = Integer)]
            n: i32,
        }
        diesel::sql_query(sql)
            .bind::<SqlUuid, _>(id)
            .get_result::<Count>(&mut self.db.connect())
            .unwrap()
            .n
    }
}
