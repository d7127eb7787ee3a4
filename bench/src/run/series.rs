//! What every part prints and keeps of its rounds: a progress line on stderr, and the series
//! of rates and latencies its rows are made of.

use crate::load::Round;

pub(crate) fn progress(part: &str, round: usize, rounds: usize, what: &str, r: &Round) {
    eprintln!(
        "bench: {part} round {}/{rounds} {what}: {:.0}/s p50 {:.2} ms p99 {:.2} ms errors {}",
        round + 1,
        r.per_second(),
        r.quantile_ms(0.5),
        r.quantile_ms(0.99),
        r.errors
    );
}

/// Rates, p50s, p99s, p99.9s and error counts of a series of rounds.
#[derive(Default)]
pub(crate) struct Series {
    pub rate: Vec<f64>,
    pub p50: Vec<f64>,
    pub p99: Vec<f64>,
    pub p999: Vec<f64>,
    pub errors: Vec<f64>,
}

impl Series {
    pub fn push(&mut self, r: &Round) {
        self.rate.push(r.per_second());
        self.p50.push(r.quantile_ms(0.5));
        self.p99.push(r.quantile_ms(0.99));
        self.p999.push(r.quantile_ms(0.999));
        self.errors.push(r.errors as f64);
    }
}
