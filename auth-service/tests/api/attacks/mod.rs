//! The attacker's spellings of requests the other tests send politely: each test here failed
//! before the defence it names existed (docs/SECURITY.md lists them).

mod password_work;
mod spellings;
mod throttle;
mod tokens;
