//! When to try a request again, and how long to wait first.

use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Retries after the first try.
    pub max_retries: u32,
    /// First backoff; it doubles with each retry, plus jitter.
    pub backoff: Duration,
    /// The longest wait honoured, from `Retry-After` or backoff; a longer
    /// one gives up.
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(30),
        }
    }
}

/// Why a try failed, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// No answer: the connection failed or was reset.
    Network,
    /// No answer in time: waiting again would only double the wait.
    Timeout,
    /// An HTTP answer; only 429 and 5xx are worth another try.
    Status(u16),
}

impl RetryPolicy {
    /// The wait before retry number `retry` (1 for the first retry), or
    /// `None` to stop. `jitter` in `[0, 1)` adds up to half the backoff.
    pub fn wait(
        &self,
        failure: Failure,
        retry: u32,
        retry_after: Option<Duration>,
        jitter: f64,
    ) -> Option<Duration> {
        let retryable = match failure {
            Failure::Network => true,
            Failure::Timeout => false,
            Failure::Status(status) => status == 429 || (500..600).contains(&status),
        };
        if !retryable || retry == 0 || retry > self.max_retries {
            return None;
        }
        let exponential = self.backoff.saturating_mul(1 << retry.min(10));
        let wait = retry_after
            .unwrap_or_else(|| exponential + exponential.mul_f64(jitter.clamp(0.0, 1.0) / 2.0));
        (wait <= self.max_wait).then_some(wait)
    }
}

/// A fraction in `[0, 1)` from the clock: enough to spread retries.
pub fn jitter() -> f64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    f64::from(nanos % 1000) / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;
    const MS: fn(u64) -> Duration = Duration::from_millis;

    #[test]
    fn backoff_doubles_with_jitter_and_stops_after_the_last_retry() {
        let p = RetryPolicy::default();
        assert_eq!(p.wait(Failure::Status(503), 1, None, 0.0), Some(MS(1000)));
        assert_eq!(p.wait(Failure::Status(503), 2, None, 0.0), Some(MS(2000)));
        assert_eq!(p.wait(Failure::Status(503), 2, None, 0.5), Some(MS(2500)));
        assert_eq!(p.wait(Failure::Network, 3, None, 0.0), Some(MS(4000)));
        assert_eq!(p.wait(Failure::Network, 4, None, 0.0), None);
    }

    #[test]
    fn only_rate_limits_server_errors_and_network_failures_are_retried() {
        let p = RetryPolicy::default();
        for status in [400, 401, 403, 404, 200] {
            assert_eq!(
                p.wait(Failure::Status(status), 1, None, 0.0),
                None,
                "{status}"
            );
        }
        assert!(p.wait(Failure::Status(429), 1, None, 0.0).is_some());
        assert!(p.wait(Failure::Status(502), 1, None, 0.0).is_some());
        assert_eq!(p.wait(Failure::Timeout, 1, None, 0.0), None);
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        let p = RetryPolicy::default();
        assert_eq!(p.wait(Failure::Status(429), 1, Some(S(7)), 0.9), Some(S(7)));
        assert_eq!(p.wait(Failure::Status(429), 1, Some(S(31)), 0.0), None);
        let none = RetryPolicy {
            max_retries: 0,
            ..p
        };
        assert_eq!(none.wait(Failure::Status(429), 1, Some(S(1)), 0.0), None);
    }
}
