// @generated automatically by Diesel CLI.

diesel::table! {
    audit_events (id) {
        id -> Int8,
        at -> Timestamptz,
        kind -> Text,
        user_id -> Nullable<Uuid>,
        session_id -> Nullable<Uuid>,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        detail -> Nullable<Jsonb>,
    }
}

diesel::table! {
    email_tokens (token_hash) {
        token_hash -> Bytea,
        purpose -> Text,
        user_id -> Uuid,
        email -> Text,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    events (seq) {
        seq -> Int8,
        id -> Uuid,
        kind -> Text,
        user_id -> Uuid,
        occurred_at -> Timestamptz,
        data -> Jsonb,
    }
}

diesel::table! {
    login_failures (subject, ip) {
        subject -> Text,
        ip -> Text,
        failures -> Int4,
        last_failed_at -> Timestamptz,
        in_flight -> Int4,
        in_flight_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    mail_outbox (id) {
        id -> Int8,
        kind -> Text,
        recipient -> Text,
        subject -> Text,
        text_body -> Text,
        html_body -> Text,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        last_error -> Nullable<Text>,
        user_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    refresh_tokens (jti) {
        jti -> Uuid,
        session_id -> Uuid,
        token_hash -> Bytea,
        generation -> Int4,
        issued_at -> Timestamptz,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
        kid -> Nullable<Text>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Uuid,
        user_id -> Uuid,
        created_at -> Timestamptz,
        last_used_at -> Timestamptz,
        idle_expires_at -> Timestamptz,
        absolute_expires_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
        revoked_reason -> Nullable<Text>,
        generation -> Int4,
        user_agent -> Nullable<Text>,
        ip -> Nullable<Text>,
        authenticated_at -> Timestamptz,
    }
}

diesel::table! {
    users (id) {
        id -> Uuid,
        username -> Text,
        email -> Text,
        full_name -> Text,
        password_hash -> Text,
        roles -> Array<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        email_verified -> Bool,
        pending_email -> Nullable<Text>,
    }
}

diesel::table! {
    webhook_cursors (endpoint) {
        endpoint -> Text,
        seq -> Int8,
        lease_owner -> Nullable<Uuid>,
        lease_until -> Nullable<Timestamptz>,
    }
}

diesel::joinable!(email_tokens -> users (user_id));
diesel::joinable!(mail_outbox -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(sessions -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    audit_events,
    email_tokens,
    events,
    login_failures,
    mail_outbox,
    refresh_tokens,
    sessions,
    users,
    webhook_cursors,
);
