use reqwest::{Client, RequestBuilder, Response, StatusCode};
use serde_json::Value;
use shared_tokens::{now_unix, AccessClaims, AccessPolicy, Signer, ACCESS_TYP};
pub use test_support::access_keys::{is_access_key_var, verifier_vars, Key};
use test_support::TestDatabase;

pub use crate::stored_objects::TestPhotoStore;
use uuid::Uuid;

pub use test_harness::ALLOWED_ORIGIN;
/// Small, so the size cap is cheap to cross.
pub const MAX_PHOTO_BYTES: usize = 64 * 1024;

/// A real 1x1 PNG.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
    0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0x00,
    0x00, 0x03, 0x01, 0x01, 0x00, 0xc9, 0xfe, 0x92, 0xef, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
];

/// Real 1x1 images of the other accepted formats (uploads must decode completely).
pub fn jpeg() -> Vec<u8> {
    let mut jpeg = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::jpeg::JpegEncoder::new(&mut jpeg),
        &[200, 100, 50],
        1,
        1,
        image::ExtendedColorType::Rgb8,
    )
    .unwrap();
    jpeg
}
pub const GIF: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
pub const WEBP: &[u8] = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00";

#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: Uuid,
    pub username: String,
    pub roles: Vec<String>,
    /// The token's `email_verified` claim.
    pub email_verified: bool,
}

impl TestUser {
    pub fn new(username: &str) -> Self {
        Self {
            id: Uuid::new_v4(),
            username: username.to_owned(),
            roles: vec!["user".to_owned()],
            email_verified: true,
        }
    }

    /// A user whose access token says the email is not verified.
    pub fn unverified(username: &str) -> Self {
        Self {
            email_verified: false,
            ..Self::new(username)
        }
    }

    pub fn admin(username: &str) -> Self {
        Self {
            roles: vec!["user".to_owned(), "admin".to_owned()],
            ..Self::new(username)
        }
    }
}

pub struct TestApp {
    pub address: String,
    /// `http://127.0.0.1:<metrics port>`: the separate `/metrics` listener.
    pub metrics_address: String,
    pub client: Client,
    /// Kept alive for the test; dropped (and the database with it) at the end.
    pub db: TestDatabase,
    /// The same access policy the app was configured with.
    pub policy: AccessPolicy,
    /// Signs tokens the app accepts: the secret, or the private key whose public half the app
    /// holds (`test_support::access_keys`).
    pub signer: Signer,
    /// Where this app keeps photo bytes (`PHOTO_STORE`), removed at the end of the test.
    pub photo_store: TestPhotoStore,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// Starts the app with the test defaults, overridden or extended by `extra`.
pub async fn spawn_app_with(extra: &[(&str, &str)]) -> TestApp {
    spawn_app_on(TestDatabase::create(), extra).await
}

/// Starts the app on `db`, which may already hold data (and part of the schema), from the base
/// variables of `test_harness::resource` with `extra` on top. A test that sets access-token keys
/// of its own gets none of the defaults beside them.
pub async fn spawn_app_on(db: TestDatabase, extra: &[(&str, &str)]) -> TestApp {
    let photo_store = TestPhotoStore::new();
    let resource = test_harness::start_resource_on(db, |vars| {
        if extra.iter().any(|(k, _)| is_access_key_var(k)) {
            vars.retain(|k, _| !is_access_key_var(k));
        }
        vars.insert("MAX_PHOTO_BYTES".into(), MAX_PHOTO_BYTES.to_string());
        vars.insert("PHOTO_STORE".into(), photo_store.url.clone());
        for (k, v) in extra {
            vars.insert((*k).to_owned(), (*v).to_owned());
        }
    })
    .await;
    TestApp {
        address: resource.address.clone(),
        metrics_address: resource.metrics_address.clone().unwrap_or_default(),
        client: Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        policy: AccessPolicy::from_config(&resource.settings.access),
        db: resource.db,
        signer: Key::Current.signer(),
        photo_store,
    }
}

impl TestApp {
    /// What `GET /metrics` on the metrics listener answers now.
    pub async fn metrics_text(&self) -> String {
        let url = format!("{}/metrics", self.metrics_address);
        let response = self.client.get(url).send().await.unwrap();
        response.text().await.unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Valid claims for `user`, good for the configured lifetime.
    pub fn claims(&self, user: &TestUser) -> AccessClaims {
        claims_for(&self.policy, user)
    }

    /// A token the app accepts for `user`, signed through `shared-tokens`.
    pub fn mint_token(&self, user: &TestUser) -> String {
        self.sign(&self.claims(user))
    }

    pub fn sign(&self, claims: &AccessClaims) -> String {
        self.signer.sign(ACCESS_TYP, claims).unwrap()
    }

    pub fn request(&self, method: reqwest::Method, path: &str, token: &str) -> RequestBuilder {
        self.client
            .request(method, self.url(path))
            .bearer_auth(token)
    }

    pub fn get(&self, path: &str, token: &str) -> RequestBuilder {
        self.request(reqwest::Method::GET, path, token)
    }

    pub async fn get_json(&self, path: &str, token: &str) -> Value {
        let response = self.get(path, token).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.json().await.unwrap()
    }

    pub async fn upload(
        &self,
        token: &str,
        bytes: &[u8],
        filename: &str,
        caption: Option<&str>,
    ) -> Response {
        let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(filename.to_owned());
        let mut form = reqwest::multipart::Form::new().part("file", part);
        if let Some(caption) = caption {
            form = form.text("caption", caption.to_owned());
        }
        self.request(reqwest::Method::POST, "/photos", token)
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    /// Uploads the test PNG and returns the created `Photo`.
    pub async fn upload_png(&self, token: &str) -> Value {
        let response = self.upload(token, PNG, "photo.png", None).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.unwrap()
    }

    pub async fn patch_profile(&self, token: &str, body: &Value) -> Response {
        self.request(reqwest::Method::PATCH, "/profile", token)
            .json(body)
            .send()
            .await
            .unwrap()
    }
}

/// Asserts an error body (docs/API.md) with `code` and returns it.
pub async fn assert_error(response: Response, status: StatusCode, code: &str) -> Value {
    let url = response.url().clone();
    assert_eq!(
        response.status(),
        status,
        "expected {status} {code} from {url}"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    body
}

pub fn id_of(photo: &Value) -> String {
    photo["id"].as_str().unwrap().to_owned()
}

/// Valid claims for `user` under `policy`, good for 15 minutes.
pub fn claims_for(policy: &AccessPolicy, user: &TestUser) -> AccessClaims {
    let now = now_unix();
    AccessClaims {
        iss: policy.verifier.issuer().to_owned(),
        aud: policy.verifier.audience().to_owned(),
        sub: user.id,
        sid: Uuid::new_v4(),
        jti: Uuid::new_v4(),
        iat: now,
        exp: now + 900,
        username: user.username.clone(),
        email: format!("{}@example.com", user.username),
        name: format!("{} Example", user.username),
        roles: user.roles.clone(),
        email_verified: user.email_verified,
        auth_time: Some(now),
    }
}
