//! One virtual user of the open-loop pool: it sends each request the dispatcher hands it, on its
//! own keep-alive connection, and puts itself back on the free list.

use crate::http::Conn;
use crate::load::{histogram, VirtualUser};
use crate::Error;
use hdrhistogram::Histogram;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex as StdMutex};
use std::time::Instant;
use tokio::sync::mpsc;

/// One virtual user of the pool: sends each request it is handed, then says it is free.
pub(super) struct Worker {
    pub id: usize,
    pub addr: SocketAddr,
    pub due: mpsc::UnboundedReceiver<Instant>,
    pub idle: Arc<StdMutex<Vec<usize>>>,
}

pub(super) struct WorkerOutcome<V> {
    pub user: V,
    pub ok: u64,
    pub errors: u64,
    pub latency: Histogram<u64>,
    pub last_answer: Option<Instant>,
}

impl Worker {
    pub async fn serve<V: VirtualUser>(
        mut self,
        mut user: V,
        conn: Conn,
    ) -> Result<WorkerOutcome<V>, Error> {
        let mut conn = Some(conn);
        let (mut ok, mut errors) = (0, 0);
        let mut latency = histogram()?;
        let mut last_answer = None;
        while let Some(due) = self.due.recv().await {
            let mut outcome = self.send(&mut conn, &mut user).await;
            if outcome.is_none() {
                // No answer at all: most often a keep-alive connection the server closed while
                // it sat idle (actix closes them after 5 s, and at a low rate many users wait
                // that long). HTTP clients send such a request again on a new connection, and
                // so does this one, once; its latency still runs from the due time.
                outcome = self.send(&mut conn, &mut user).await;
            }
            match outcome {
                Some((answered, true)) => {
                    ok += 1;
                    last_answer = Some(answered);
                    let waited = answered.saturating_duration_since(due);
                    latency.saturating_record(waited.as_micros() as u64);
                }
                Some((answered, false)) => {
                    errors += 1;
                    last_answer = Some(answered);
                }
                None => errors += 1,
            }
            self.idle
                .lock()
                .map_err(|_| "open loop: the dispatcher panicked")?
                .push(self.id);
        }
        Ok(WorkerOutcome {
            user,
            ok,
            errors,
            latency,
            last_answer,
        })
    }

    /// Sends the user's next request: when the answer came and whether it is a success, or
    /// `None` when there was no answer (the connection is then dropped, and reopened next time).
    async fn send<V: VirtualUser>(
        &self,
        conn: &mut Option<Conn>,
        user: &mut V,
    ) -> Option<(Instant, bool)> {
        let current = match conn {
            Some(c) => c,
            None => conn.insert(Conn::open(self.addr).await.ok()?),
        };
        match current.send(user.next_request()).await {
            Ok((status, body)) => {
                let answered = Instant::now();
                Some((answered, user.on_response(status, &body)))
            }
            Err(_) => {
                *conn = None;
                None
            }
        }
    }
}
