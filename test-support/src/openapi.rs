//! The committed OpenAPI documents (`docs/openapi/<service>.json`) must equal what the services
//! serve at `GET /openapi.json`. `UPDATE_OPENAPI=1 cargo test -p <service> --test api openapi`
//! rewrites the committed file from the running app instead of comparing. The file keeps the key
//! order the app serves; the comparison parses both sides, so order and layout never matter.

use serde_json::Value;
use std::path::PathBuf;

/// Where the committed document of `service` lives: `docs/openapi/<service>.json`.
pub fn committed_path(service: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("docs")
        .join("openapi")
        .join(format!("{service}.json"))
}

/// The document as it is committed: the served text pretty-printed (two-space indent, as
/// `serde_json::to_string_pretty`), keys in the order the app serves them, one trailing newline.
pub fn render(served: &str) -> String {
    let mut out = String::with_capacity(served.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = served.trim().chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                let close = if c == '{' { '}' } else { ']' };
                while chars.peek().is_some_and(|n| n.is_whitespace()) {
                    chars.next();
                }
                if chars.peek() == Some(&close) {
                    out.push(close);
                    chars.next();
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth -= 1;
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out.push('\n');
    out
}

/// Compares the served document (the body of `GET /openapi.json`) with the committed one, both
/// parsed as JSON; with `UPDATE_OPENAPI=1` writes the served document to the committed file
/// instead.
pub fn assert_matches_committed(service: &str, served_text: &str) {
    let served: Value = serde_json::from_str(served_text).expect("/openapi.json is not JSON");
    let path = committed_path(service);
    let regenerate = format!(
        "regenerate it with `UPDATE_OPENAPI=1 cargo test -p {service} --test api openapi` \
         and commit {}",
        display(service)
    );
    if std::env::var("UPDATE_OPENAPI").is_ok_and(|v| !v.is_empty() && v != "0") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, render(served_text)).unwrap();
        return;
    }
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("cannot read {} ({e}); {regenerate}", display(service));
    });
    let committed: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!("{} is not JSON ({e}); {regenerate}", display(service));
    });
    if committed != served {
        let at = first_difference(&committed, &served, String::new());
        panic!(
            "{} differs from the served /openapi.json (first difference at `{at}`); {regenerate}",
            display(service)
        );
    }
}

fn display(service: &str) -> String {
    format!("docs/openapi/{service}.json")
}

/// JSON pointer of the first place where `a` and `b` differ.
fn first_difference(a: &Value, b: &Value, at: String) -> String {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys()) {
                match (x.get(key), y.get(key)) {
                    (Some(l), Some(r)) if l == r => {}
                    (Some(l), Some(r)) => {
                        return first_difference(l, r, format!("{at}/{}", escape(key)))
                    }
                    _ => return format!("{at}/{}", escape(key)),
                }
            }
            at
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (l, r)) in x.iter().zip(y).enumerate() {
                if l != r {
                    return first_difference(l, r, format!("{at}/{i}"));
                }
            }
            at
        }
        _ => {
            if at.is_empty() {
                "/".to_string()
            } else {
                at
            }
        }
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}
