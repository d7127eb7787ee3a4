-- Back to the rotation of the account-recovery migration, whose definition this is, and no
-- session remembers its last password proof.
DROP FUNCTION rotate_refresh_token;
ALTER TABLE sessions DROP COLUMN authenticated_at;
CREATE FUNCTION rotate_refresh_token(
    p_session_id    uuid,
    p_user_id       uuid,
    p_presented     bytea,
    p_now           timestamptz,
    p_grace_seconds bigint,
    p_next_jti      uuid,
    p_next_hash     bytea,
    p_next_iat      timestamptz,
    p_next_exp      timestamptz,
    p_next_kid      text,
    p_ip            text,
    p_user_agent    text
) RETURNS TABLE (
    outcome             text,
    absolute_limit      timestamptz,
    current_jti         uuid,
    current_hash        bytea,
    current_issued_at   timestamptz,
    current_expires_at  timestamptz,
    current_kid         text,
    user_id             uuid,
    user_username       text,
    user_email          text,
    user_full_name      text,
    user_password_hash  text,
    user_roles          text[],
    user_created_at     timestamptz,
    user_updated_at     timestamptz,
    user_email_verified boolean,
    user_pending_email  text
)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
    s sessions%ROWTYPE;
    t refresh_tokens%ROWTYPE;
    c refresh_tokens%ROWTYPE;
    u users%ROWTYPE;
BEGIN
    -- Concurrent rotations of this session, on any instance, take turns here.
    SELECT * INTO s FROM sessions WHERE id = p_session_id FOR UPDATE;
    IF NOT FOUND THEN
        outcome := 'unknown_session';
        RETURN NEXT;
        RETURN;
    END IF;
    IF s.user_id <> p_user_id THEN
        outcome := 'session_of_another_user';
        RETURN NEXT;
        RETURN;
    END IF;
    IF s.revoked_at IS NOT NULL OR p_now >= s.idle_expires_at
       OR p_now >= s.absolute_expires_at THEN
        outcome := 'session_ended';
        RETURN NEXT;
        RETURN;
    END IF;
    SELECT * INTO t FROM refresh_tokens WHERE token_hash = p_presented AND session_id = s.id;
    IF NOT FOUND THEN
        outcome := 'unknown_refresh_token';
        RETURN NEXT;
        RETURN;
    END IF;

    IF t.generation = s.generation AND t.used_at IS NULL THEN
        IF p_next_exp > s.absolute_expires_at THEN
            outcome := 'cap';
            absolute_limit := s.absolute_expires_at;
            RETURN NEXT;
            RETURN;
        END IF;
        UPDATE refresh_tokens SET used_at = p_now WHERE jti = t.jti;
        INSERT INTO refresh_tokens (jti, session_id, token_hash, generation, issued_at,
                                    expires_at, kid)
        VALUES (p_next_jti, s.id, p_next_hash, s.generation + 1, p_next_iat, p_next_exp,
                p_next_kid);
        UPDATE sessions SET generation = s.generation + 1, last_used_at = p_next_iat,
                            idle_expires_at = p_next_exp
         WHERE id = s.id;
        outcome := 'rotated';
    ELSIF p_grace_seconds > 0 AND t.generation = s.generation - 1 AND t.used_at IS NOT NULL
          AND p_now - t.used_at < make_interval(secs => p_grace_seconds) THEN
        SELECT * INTO c FROM refresh_tokens
         WHERE session_id = s.id AND generation = s.generation;
        IF FOUND THEN
            outcome := 'grace';
            current_jti := c.jti;
            current_hash := c.token_hash;
            current_issued_at := c.issued_at;
            current_expires_at := c.expires_at;
            current_kid := c.kid;
        END IF;
    END IF;

    IF outcome IS NULL THEN
        -- The kind is auth-service's AuditKind::RefreshReuseDetected.
        UPDATE sessions SET revoked_at = p_now, revoked_reason = 'refresh_token_reused'
         WHERE id = s.id AND revoked_at IS NULL;
        INSERT INTO audit_events (kind, user_id, session_id, ip, user_agent, detail)
        VALUES ('refresh_reuse_detected', s.user_id, s.id, p_ip, p_user_agent,
                jsonb_build_object('presented_generation', t.generation,
                                   'current_generation', s.generation));
        outcome := 'reused';
        user_id := s.user_id;
        RETURN NEXT;
        RETURN;
    END IF;

    SELECT * INTO u FROM users WHERE id = s.user_id;
    user_id := u.id;
    user_username := u.username;
    user_email := u.email;
    user_full_name := u.full_name;
    user_password_hash := u.password_hash;
    user_roles := u.roles;
    user_created_at := u.created_at;
    user_updated_at := u.updated_at;
    user_email_verified := u.email_verified;
    user_pending_email := u.pending_email;
    RETURN NEXT;
END;
$$;
