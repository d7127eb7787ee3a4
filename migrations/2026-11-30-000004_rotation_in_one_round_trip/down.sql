DROP FUNCTION rotate_refresh_token;
