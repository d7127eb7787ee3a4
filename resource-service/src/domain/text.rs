//! Shared rules for the free texts users write (bio, caption).

/// Refuses `input` when longer than `max_chars` characters, or when what is left once it is
/// trimmed holds control characters other than line breaks and tabs (PostgreSQL cannot store NUL
/// in text at all); else trims it. `Ok(None)` for text that is empty once trimmed.
///
/// The length counts the text as sent, surrounding whitespace included: that is what a JSON
/// Schema `maxLength` says, so the documents can state the limit exactly ([`schema`]).
pub(crate) fn user_text(input: &str, max_chars: usize) -> Result<Option<String>, String> {
    service_kit::text::check_storable(input)?;
    if input.chars().count() > max_chars {
        return Err(format!("must be at most {max_chars} characters"));
    }
    let text = input.trim();
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err("must not contain control characters".to_owned());
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

/// The rule of [`user_text`] as the documents state it: at most `max_chars` characters, and no
/// control character but tab, line feed and carriage return except in the whitespace that
/// trimming removes.
pub(crate) fn schema(max_chars: usize, description: &str) -> utoipa::openapi::ObjectBuilder {
    use service_kit::openapi::pattern::WHITESPACE;
    // Controls other than \t \n \r.
    let refused = r"\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F";
    service_kit::openapi::string_schema(
        format!("^[{WHITESPACE}]*[^{refused}]*[{WHITESPACE}]*$"),
        description,
    )
    .max_length(Some(max_chars))
}
