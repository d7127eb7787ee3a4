//! Micro-benchmark of the access-token hot path: `sign` (auth-service, per login and refresh) and
//! `verify` (every request to resource-service), with HS256 and with EdDSA. The goal
//! (docs/BENCHMARKS.md): HS256 verify ≤ 4 µs.
//!
//! `cargo bench -p shared-tokens --bench tokens`; scripts/bench.sh runs it and reads the medians
//! back from `target/criterion/access_token{,_eddsa}/{sign,verify}/new/estimates.json`.

// Set-up failures here are bugs in the benchmark itself, and a benchmark has no caller to hand
// an error to: stopping with a message is the right answer.
#![allow(clippy::expect_used)]

use criterion::{criterion_group, criterion_main, Criterion};
use shared_tokens::ed25519::PrivateKey;
use shared_tokens::token::{TokenProfile, TokenVerifier};
use shared_tokens::{AccessClaims, KeyRing, Secret, Signer, ACCESS_TYP};
use std::hint::black_box;
use std::time::Duration;
use uuid::Uuid;

fn profile() -> TokenProfile {
    let secret =
        Secret::parse("benchmark-secret-benchmark-secret-benchmark").expect("a valid secret");
    TokenProfile::new(
        ACCESS_TYP,
        KeyRing::new(&secret, &[]),
        "auth-service",
        "resource-service",
        Duration::from_secs(15 * 60),
        Duration::from_secs(30),
    )
}

/// Claims the size of a real login's: ids, a username, an email, a full name, one role.
fn claims() -> AccessClaims {
    let now = shared_tokens::now_unix();
    AccessClaims {
        iss: "auth-service".into(),
        aud: "resource-service".into(),
        sub: Uuid::new_v4(),
        sid: Uuid::new_v4(),
        jti: Uuid::new_v4(),
        iat: now,
        exp: now + 15 * 60,
        username: "ada_lovelace".into(),
        email: "ada.lovelace@example.com".into(),
        name: "Ada Lovelace".into(),
        roles: vec!["user".into()],
        email_verified: true,
        auth_time: Some(now),
    }
}

fn access_token(c: &mut Criterion) {
    let profile = profile();
    let claims = claims();
    let token = profile.sign(&claims).expect("the claims sign");
    profile
        .verify::<AccessClaims>(&token)
        .expect("the token verifies");

    let mut group = c.benchmark_group("access_token");
    group.bench_function("sign", |b| b.iter(|| profile.sign(black_box(&claims))));
    group.bench_function("verify", |b| {
        b.iter(|| profile.verify::<AccessClaims>(black_box(&token)))
    });
    group.finish();
}

/// The same with Ed25519 (`ACCESS_TOKEN_ALG=EdDSA`): the verifier holds only the public key.
fn access_token_eddsa(c: &mut Criterion) {
    let key = PrivateKey::generate().expect("an Ed25519 key");
    let profile = TokenProfile::with_signer(
        ACCESS_TYP,
        Signer::Ed25519(key),
        &[],
        "auth-service",
        "resource-service",
        Duration::from_secs(15 * 60),
        Duration::from_secs(30),
    );
    let verifier = TokenVerifier::new(
        ACCESS_TYP,
        profile.verifier().keys().as_ref().clone(),
        "auth-service",
        "resource-service",
        Duration::from_secs(15 * 60),
        Duration::from_secs(30),
    );
    let claims = claims();
    let token = profile.sign(&claims).expect("the claims sign");
    verifier
        .verify::<AccessClaims>(&token)
        .expect("the token verifies");

    let mut group = c.benchmark_group("access_token_eddsa");
    group.bench_function("sign", |b| b.iter(|| profile.sign(black_box(&claims))));
    group.bench_function("verify", |b| {
        b.iter(|| verifier.verify::<AccessClaims>(black_box(&token)))
    });
    group.finish();
}

criterion_group!(benches, access_token, access_token_eddsa);
criterion_main!(benches);
