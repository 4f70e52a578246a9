//! Timings of many people at once, and the figures the bench prints with their goals.

use std::{
    future::Future,
    sync::Arc,
    time::{Duration, Instant},
};

/// What one row of the bench measured.
#[derive(Default)]
pub struct Stats {
    pub latencies: Vec<Duration>,
    pub errors: usize,
    pub seconds: f64,
}

impl Stats {
    pub fn rate(&self) -> f64 {
        self.latencies.len() as f64 / self.seconds.max(f64::EPSILON)
    }

    /// The `q` quantile of the latencies, in milliseconds (NaN when nothing succeeded).
    pub fn quantile_ms(&mut self, q: f64) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        self.latencies.sort_unstable();
        let i =
            ((self.latencies.len() as f64 * q).ceil() as usize).clamp(1, self.latencies.len()) - 1;
        self.latencies[i].as_secs_f64() * 1000.0
    }

    pub fn print(&mut self, backend: &str, what: &str) {
        println!(
            "{backend:<9} {what:<34} {:>8.1} {:>8.2} {:>8.2} {:>8.1} {:>6}",
            self.rate(),
            self.quantile_ms(0.50),
            self.quantile_ms(0.99),
            self.quantile_ms(1.0),
            self.errors
        );
    }
}

pub fn print_header() {
    println!(
        "{:<9} {:<34} {:>8} {:>8} {:>8} {:>8} {:>6}",
        "backend", "what", "per s", "p50 ms", "p99 ms", "max ms", "errors"
    );
}

/// `people` loops for `seconds`, one connection each and no pause between requests, each
/// calling `act(person, state)` again and again; `act` returns the state for its next call (a
/// draft's version, say), or `None` for an error. Each person's state starts as `start(person)`.
pub async fn load<F, Fut>(
    people: usize,
    seconds: f64,
    start: impl Fn(usize) -> i64,
    act: F,
) -> Stats
where
    F: Fn(usize, i64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Option<i64>> + Send,
{
    let act = Arc::new(act);
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(seconds);
    let mut tasks = Vec::new();
    for person in 0..people {
        let (act, mut state) = (act.clone(), start(person));
        tasks.push(tokio::spawn(async move {
            let mut stats = Stats::default();
            while Instant::now() < deadline {
                let t = Instant::now();
                match act(person, state).await {
                    Some(next) => {
                        stats.latencies.push(t.elapsed());
                        state = next;
                    }
                    None => stats.errors += 1,
                }
            }
            stats
        }));
    }
    let mut all = Stats::default();
    for task in tasks {
        match task.await {
            Ok(stats) => {
                all.latencies.extend(stats.latencies);
                all.errors += stats.errors;
            }
            Err(_) => all.errors += 1,
        }
    }
    all.seconds = started.elapsed().as_secs_f64();
    all
}

/// Which way a figure must go.
#[derive(Clone, Copy)]
pub enum Want {
    AtLeast,
    AtMost,
}

/// A figure beside its goal.
pub struct Goal {
    pub what: String,
    pub measured: f64,
    pub goal: f64,
    pub want: Want,
    pub unit: &'static str,
}

impl Goal {
    pub fn at_least(what: impl Into<String>, measured: f64, goal: f64, unit: &'static str) -> Goal {
        Goal {
            what: what.into(),
            measured,
            goal,
            want: Want::AtLeast,
            unit,
        }
    }

    pub fn at_most(what: impl Into<String>, measured: f64, goal: f64, unit: &'static str) -> Goal {
        Goal {
            what: what.into(),
            measured,
            goal,
            want: Want::AtMost,
            unit,
        }
    }

    pub fn met(&self) -> bool {
        match self.want {
            Want::AtLeast => self.measured >= self.goal,
            Want::AtMost => self.measured <= self.goal,
        }
    }

    pub fn print(&self, backend: &str) {
        let sign = match self.want {
            Want::AtLeast => "≥",
            Want::AtMost => "≤",
        };
        let digits = if self.unit == "ratio" { 2 } else { 1 };
        println!(
            "{backend:<9} {:<46} {:>9.digits$} {:<9} goal {sign} {:<8} ×{:<5.2} {}",
            self.what,
            self.measured,
            self.unit,
            self.goal,
            self.measured / self.goal,
            if self.met() { "met" } else { "NOT met" }
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_pick_from_the_sorted_latencies() {
        let mut stats = Stats {
            latencies: (1..=100).rev().map(Duration::from_millis).collect(),
            errors: 0,
            seconds: 2.0,
        };
        assert_eq!(stats.quantile_ms(0.5), 50.0);
        assert_eq!(stats.quantile_ms(0.99), 99.0);
        assert_eq!(stats.quantile_ms(1.0), 100.0);
        assert_eq!(stats.rate(), 50.0);
    }

    #[test]
    fn goals_are_met_in_their_direction() {
        assert!(Goal::at_least("rate", 10.0, 5.0, "/s").met());
        assert!(!Goal::at_least("rate", 4.0, 5.0, "/s").met());
        assert!(Goal::at_most("p99", 40.0, 50.0, "ms").met());
        assert!(!Goal::at_most("p99", 60.0, 50.0, "ms").met());
    }
}
