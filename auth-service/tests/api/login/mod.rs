//! `POST /auth/login` (docs/API.md): the token response and the tokens in it (`response`), which
//! spellings of the username, email and password log in (`matching`), and how a failed login
//! answers, alike for every cause down to its timing (`failures`).

mod failures;
mod matching;
mod response;
