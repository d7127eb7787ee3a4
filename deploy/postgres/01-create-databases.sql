-- Runs once, on the first start of an empty PostgreSQL volume: one database per service.
-- Each service creates its own tables (embedded migrations) when it starts.
CREATE DATABASE auth;
CREATE DATABASE resource;
