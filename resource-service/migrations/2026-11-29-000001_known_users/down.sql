DROP TABLE known_users;
