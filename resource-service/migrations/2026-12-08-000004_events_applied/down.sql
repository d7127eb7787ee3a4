DROP TABLE deleted_users;
DROP TABLE event_position;
