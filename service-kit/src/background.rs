//! Background tasks that stop cleanly: each gets a [`StopSignal`], and [`Background::stop`] raises
//! it and waits (bounded) for every task to finish its current step and return.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Tells a background task that the service is stopping.
#[derive(Clone)]
pub struct StopSignal(watch::Receiver<bool>);

impl StopSignal {
    pub fn is_raised(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves once the signal is raised (or its sender is gone, which means the same).
    pub async fn raised(&mut self) {
        let _ = self.0.wait_for(|raised| *raised).await;
    }

    /// Sleeps for `duration` unless the signal comes first. True when the full sleep happened,
    /// false when the task should stop: `while stop.sleep(interval).await { work }`.
    pub async fn sleep(&mut self, duration: Duration) -> bool {
        let mut raised = self.clone();
        tokio::select! {
            _ = tokio::time::sleep(duration) => !self.is_raised(),
            _ = raised.raised() => false,
        }
    }
}

/// The background tasks of one application.
pub struct Background {
    stop: watch::Sender<bool>,
    /// Raised as soon as the service begins to stop, before in-flight requests finish: a
    /// request held open on purpose (the event feed's long poll) answers then.
    stopping: Arc<watch::Sender<bool>>,
    tasks: Vec<(&'static str, JoinHandle<()>)>,
}

impl Default for Background {
    fn default() -> Self {
        Self::new()
    }
}

impl Background {
    pub fn new() -> Self {
        Self {
            stop: watch::Sender::new(false),
            stopping: Arc::new(watch::Sender::new(false)),
            tasks: Vec::new(),
        }
    }

    /// A signal raised when the service begins to stop, for requests that wait on purpose.
    pub fn stopping(&self) -> StopSignal {
        StopSignal(self.stopping.subscribe())
    }

    /// What raises [`Self::stopping`]: the server's stop handle holds it.
    pub(crate) fn stopping_trigger(&self) -> Arc<watch::Sender<bool>> {
        self.stopping.clone()
    }

    /// Starts `task` on the current (actix) runtime with a signal that says when to stop.
    pub fn spawn<F>(&mut self, name: &'static str, task: impl FnOnce(StopSignal) -> F)
    where
        F: Future<Output = ()> + 'static,
    {
        let signal = StopSignal(self.stop.subscribe());
        self.tasks.push((name, actix_web::rt::spawn(task(signal))));
    }

    /// Like [`Background::spawn`], for a task that may move between threads: it runs on
    /// whichever tokio runtime is current (an actix worker's, or a test's multi-threaded one).
    pub fn spawn_send<F>(&mut self, name: &'static str, task: impl FnOnce(StopSignal) -> F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let signal = StopSignal(self.stop.subscribe());
        self.tasks.push((name, tokio::spawn(task(signal))));
    }

    /// Raises the stop signal and waits up to `patience` for every task; a task still running
    /// then is aborted (with a warning) rather than holding the process.
    pub async fn stop(self, patience: Duration) {
        self.stopping.send_replace(true);
        self.stop.send_replace(true);
        let deadline = tokio::time::Instant::now() + patience;
        for (name, mut handle) in self.tasks {
            match tokio::time::timeout_at(deadline, &mut handle).await {
                Ok(Ok(())) => log::info!("background task {name} stopped"),
                Ok(Err(error)) => log::warn!("background task {name} ended abnormally: {error}"),
                Err(_) => {
                    handle.abort();
                    log::warn!("background task {name} did not stop within {patience:?}; aborted");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::rc::Rc;

    #[actix_web::test]
    async fn a_task_sleeping_in_its_loop_stops_at_once() {
        let rounds = Rc::new(Cell::new(0));
        let counted = rounds.clone();
        let mut background = Background::new();
        background.spawn("loop", |mut stop| async move {
            while stop.sleep(Duration::from_secs(3600)).await {
                counted.set(counted.get() + 1);
            }
        });
        let started = std::time::Instant::now();
        background.stop(Duration::from_secs(5)).await;
        assert!(started.elapsed() < Duration::from_secs(1));
        assert_eq!(rounds.get(), 0);
    }

    #[actix_web::test]
    async fn a_task_that_ignores_the_signal_is_aborted_after_the_patience() {
        let mut background = Background::new();
        background.spawn("stubborn", |_| async {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        });
        let started = std::time::Instant::now();
        background.stop(Duration::from_millis(100)).await;
        assert!(started.elapsed() < Duration::from_secs(1));
    }
}
