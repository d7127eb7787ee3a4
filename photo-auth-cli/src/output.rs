//! What the commands print: lines for people, or with `--json` the API's own bodies for scripts.

use photo_auth_client::types::{PhotoView, ProfileView, SessionView, User};
use serde::Serialize;

pub struct Output {
    pub json: bool,
}

impl Output {
    fn json<T: Serialize + ?Sized>(&self, value: &T) {
        match serde_json::to_string_pretty(value) {
            Ok(text) => println!("{text}"),
            Err(e) => eprintln!("photo-auth: cannot print JSON: {e}"),
        }
    }

    pub fn done(&self, message: &str) {
        if self.json {
            self.json(&serde_json::json!({ "ok": true, "message": message }));
        } else {
            println!("{message}");
        }
    }

    pub fn logged_in(&self, user: &User) {
        if self.json {
            self.json(user);
        } else {
            println!("logged in as {}", user.username);
        }
    }

    pub fn user(&self, user: &User) {
        if self.json {
            return self.json(user);
        }
        println!("{} <{}>", user.username, user.email);
        println!("name:   {}", user.full_name);
        println!("roles:  {}", user.roles.join(", "));
        println!("id:     {}", user.id);
    }

    pub fn photos(&self, photos: &[PhotoView]) {
        if self.json {
            return self.json(photos);
        }
        for p in photos {
            let caption = p.caption.as_deref().unwrap_or("");
            println!(
                "{}  {:<16} {:>8} B  {:>3} likes  {caption}",
                p.id, p.owner_username, p.size_bytes, p.like_count
            );
        }
        if photos.is_empty() {
            println!("no photos");
        }
    }

    pub fn sessions(&self, sessions: &[SessionView]) {
        if self.json {
            return self.json(sessions);
        }
        for s in sessions {
            let mark = if s.current { "*" } else { " " };
            let agent = s.user_agent.as_deref().unwrap_or("-");
            println!(
                "{mark} {}  last used {}  {agent}",
                s.id,
                s.last_used_at.format("%F %T UTC")
            );
        }
    }

    pub fn profile(&self, profile: &ProfileView) {
        if self.json {
            return self.json(profile);
        }
        println!("{} <{}>", profile.username, profile.email);
        println!("bio:     {}", profile.bio.as_deref().unwrap_or("-"));
        println!("photos:  {}", profile.photo_count);
    }
}
