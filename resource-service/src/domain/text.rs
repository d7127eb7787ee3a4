//! Shared rules for the free texts users write (bio, caption).

/// Trims `input`, and refuses it when longer than `max_chars` characters or when it holds control
/// characters other than line breaks and tabs (PostgreSQL cannot store NUL in text at all).
/// `Ok(None)` for text that is empty once trimmed.
pub(crate) fn user_text(input: &str, max_chars: usize) -> Result<Option<String>, String> {
    let text = input.trim();
    if text.chars().count() > max_chars {
        return Err(format!("must be at most {max_chars} characters"));
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err("must not contain control characters".to_owned());
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}
