// @generated automatically by Diesel CLI.

diesel::table! {
    deleted_users (user_id) {
        user_id -> Uuid,
        deleted_at -> Timestamptz,
    }
}

diesel::table! {
    event_position (id) {
        id -> Bool,
        position -> Int8,
    }
}

diesel::table! {
    known_users (user_id) {
        user_id -> Uuid,
        username -> Text,
        seen_at -> Timestamptz,
    }
}

diesel::table! {
    photo_contents (photo_id) {
        photo_id -> Uuid,
        bytes -> Bytea,
    }
}

diesel::table! {
    photo_object_deletions (sha256) {
        sha256 -> Text,
        queued_at -> Timestamptz,
    }
}

diesel::table! {
    photo_likes (photo_id, user_id) {
        photo_id -> Uuid,
        user_id -> Uuid,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    photos (id) {
        id -> Uuid,
        owner_id -> Uuid,
        owner_username -> Text,
        caption -> Nullable<Text>,
        content_type -> Text,
        size_bytes -> Int8,
        sha256 -> Text,
        created_at -> Timestamptz,
        width -> Nullable<Int4>,
        height -> Nullable<Int4>,
        bytes_in_db -> Bool,
        thumbnail_type -> Nullable<Text>,
        thumbnail_size -> Nullable<Int8>,
    }
}

diesel::table! {
    profiles (user_id) {
        user_id -> Uuid,
        bio -> Nullable<Text>,
        avatar_photo_id -> Nullable<Uuid>,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(photo_contents -> photos (photo_id));
diesel::joinable!(photo_likes -> photos (photo_id));

diesel::allow_tables_to_appear_in_same_query!(
    deleted_users,
    event_position,
    known_users,
    photo_contents,
    photo_likes,
    photo_object_deletions,
    photos,
    profiles,
);
