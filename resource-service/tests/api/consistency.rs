//! Both services answer the same failure the same way (docs/API.md, Error body): the same bad
//! request goes to auth-service and to resource-service, and the two answers must agree with each
//! other and with the contract: status, `error` code, a JSON body, `Cache-Control: no-store`, and
//! the header that goes with the status (`Allow` for 405, `Retry-After` for 503).

use crate::helpers::{spawn_app, TestUser};
use reqwest::{Client, Method, RequestBuilder, StatusCode};
use serde_json::{json, Value};

/// What an error answer says, in the terms both services must agree on.
#[derive(Debug, PartialEq)]
struct Answer {
    status: StatusCode,
    error: Value,
    content_type: String,
    cache_control: Option<String>,
    /// The header that goes with the status, when it has one.
    header: Option<String>,
}

async fn answer(request: RequestBuilder, header: Option<&str>) -> Answer {
    let response = request.send().await.unwrap();
    let headers = response.headers().clone();
    let text = |name: &str| headers.get(name).map(|v| v.to_str().unwrap().to_owned());
    Answer {
        status: response.status(),
        content_type: text("content-type").unwrap_or_default(),
        cache_control: text("cache-control"),
        header: header.and_then(text),
        error: response.json::<Value>().await.unwrap_or(Value::Null)["error"].clone(),
    }
}

#[actix_web::test]
async fn both_services_answer_the_same_bad_requests_the_same_way() {
    let auth_service = test_harness::start_auth(|_| {}).await;
    let auth = auth_service.address.clone();
    let resource = spawn_app().await;
    let token = resource.mint_token(&TestUser::new("consistent"));
    let client = Client::new();
    let on_auth = |method: Method, path: &str| client.request(method, format!("{auth}{path}"));
    let on_resource = |method: Method, path: &str| {
        client
            .request(method, resource.url(path))
            .bearer_auth(&token)
    };
    let oversized = json!({ "password": "x".repeat(17 * 1024), "bio": "x".repeat(17 * 1024) });

    // (case, auth's request, resource's request, status, code, header that goes with it)
    let cases = [
        (
            "a method the path does not serve",
            on_auth(Method::POST, "/healthz"),
            on_resource(Method::POST, "/healthz"),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            Some("allow"),
        ),
        (
            "a JSON body sent as text",
            on_auth(Method::POST, "/auth/login")
                .header("content-type", "text/plain")
                .body(r#"{"username":"a","password":"b"}"#),
            on_resource(Method::PATCH, "/profile")
                .header("content-type", "text/plain")
                .body(r#"{"bio":"b"}"#),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            None,
        ),
        (
            "an unknown path",
            on_auth(Method::GET, "/no/such/path"),
            on_resource(Method::GET, "/no/such/path"),
            StatusCode::NOT_FOUND,
            "not_found",
            None,
        ),
        (
            "a JSON body over 16 KiB",
            on_auth(Method::POST, "/auth/login").json(&oversized),
            on_resource(Method::PATCH, "/profile").json(&oversized),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            None,
        ),
    ];
    let mut answers = Vec::new();
    for (case, to_auth, to_resource, status, code, header) in cases {
        answers.push((
            case,
            answer(to_auth, header).await,
            answer(to_resource, header).await,
            status,
            code,
        ));
    }

    auth_service.db.set_available(false);
    resource.db.set_available(false);
    answers.push((
        "the database is down",
        answer(on_auth(Method::GET, "/readyz"), Some("retry-after")).await,
        answer(on_resource(Method::GET, "/readyz"), Some("retry-after")).await,
        StatusCode::SERVICE_UNAVAILABLE,
        "unavailable",
    ));

    for (case, auth, resource, status, code) in answers {
        println!("{case}: auth-service {auth:?}; resource-service {resource:?}");
        for (service, answer) in [("auth-service", &auth), ("resource-service", &resource)] {
            assert_eq!(answer.status, status, "{case}, {service}: {answer:?}");
            assert_eq!(answer.error, code, "{case}, {service}: {answer:?}");
            assert!(
                answer.content_type.starts_with("application/json"),
                "{case}, {service}: {answer:?}"
            );
            assert_eq!(
                answer.cache_control.as_deref(),
                Some("no-store"),
                "{case}, {service}: {answer:?}"
            );
        }
        if status == StatusCode::METHOD_NOT_ALLOWED || status == StatusCode::SERVICE_UNAVAILABLE {
            assert!(auth.header.is_some(), "{case}: {auth:?}");
        }
        assert_eq!(auth, resource, "{case}: the services disagree");
    }
}
