//! The address guard: a name that resolves to loopback, or loopback written in the URL, is
//! refused (and retried, in case DNS is fixed) unless `WEBHOOK_ALLOW_PRIVATE=true`.

use super::{deliveries, wait_for_deliveries, webhooks_to, Receiver};
use crate::helpers::{spawn_app_on, spawn_app_with, TestApp};
use std::time::Duration;

#[actix_web::test]
async fn loopback_by_name_or_address_is_refused_unless_private_addresses_are_allowed() {
    let receiver = Receiver::start("ok");
    let port = receiver.port;
    let urls = [
        format!("http://localhost:{port}/hook"),
        format!("http://127.0.0.1:{port}/hook"),
    ];
    let labels = [format!("localhost:{port}"), format!("127.0.0.1:{port}")];
    let guarded = |vars: &mut _| {
        webhooks_to(vars, &urls);
        vars.insert("WEBHOOK_ALLOW_PRIVATE".into(), "false".into());
    };
    let app = spawn_app_with(guarded).await;
    app.register_user("lola").await;

    for label in &labels {
        // Refused, then refused again after the backoff: the event is kept, not skipped.
        wait_for_deliveries(&app, label, "refused", 2.0, Duration::from_secs(5)).await;
        assert_eq!(deliveries(&app, label, "delivered").await, 0.0);
        assert_eq!(deliveries(&app, label, "failed").await, 0.0);
    }
    assert!(receiver.requests().is_empty(), "{:?}", receiver.requests());

    // Allowed, the next instance delivers the same event to both.
    app.handle.stop(true).await;
    let TestApp { db, .. } = app;
    let app = spawn_app_on(db, |vars| webhooks_to(vars, &urls)).await;
    let taken = receiver.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(taken[0], taken[1]);
    assert_eq!(taken[0].1, "user.created");
    receiver.assert_all_verified();
    for label in &labels {
        wait_for_deliveries(&app, label, "delivered", 1.0, Duration::from_secs(2)).await;
        assert_eq!(deliveries(&app, label, "refused").await, 0.0);
    }
}
