//! `expect.duration` (README, Expectations): the response time against `lt`, `lte`, `gt`,
//! `gte`, reported like any other expectation so a slow answer fails the step, not the run.

use std::time::Duration;

use crate::event::ExpectationResult;
use crate::workflow::model::{Located, Predicate};

/// `expect.duration`: the response time against each limit, both shown in milliseconds so
/// they compare at a glance (`duration lt`: expected `800 ms`, actual `1234 ms`).
pub(super) fn check(
    limits: &[(Predicate, Located<Duration>)],
    took: Duration,
) -> impl Iterator<Item = ExpectationResult> + '_ {
    limits.iter().map(move |(pred, limit)| {
        let passed = match pred {
            Predicate::Lt => took < limit.value,
            Predicate::Lte => took <= limit.value,
            Predicate::Gt => took > limit.value,
            Predicate::Gte => took >= limit.value,
            // The loader admits only the four above (`workflow::assertions::durations`).
            _ => false,
        };
        let expected = millis(limit.value);
        let mut actual = millis(took);
        // 800.4 ms failing `lt = "800ms"` must not read as `800 ms` against `800 ms`.
        if actual == expected && took != limit.value {
            actual = format!("{:.1} ms", took.as_secs_f64() * 1000.0);
        }
        ExpectationResult {
            subject: format!("duration {}", pred.name()).into(),
            passed,
            expected: expected.into(),
            actual: actual.into(),
            at: (!passed).then(|| limit.position()),
            diff: None,
        }
    })
}

/// `1234 ms`, `0.4 ms`: whole milliseconds once there are any, so a limit and a time read alike.
fn millis(d: Duration) -> String {
    if d >= Duration::from_millis(1) || d.is_zero() {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::workflow::source::Source;

    fn limit(pred: Predicate, ms: u64) -> (Predicate, Located<Duration>) {
        let source = Arc::new(Source::new("w.toml", "x"));
        let value = Duration::from_millis(ms);
        (
            pred,
            Located {
                value,
                source,
                span: 0..1,
            },
        )
    }

    #[test]
    fn each_bound_compares_the_time_and_shows_both_in_ms() {
        let limits = [
            limit(Predicate::Lt, 800),
            limit(Predicate::Lte, 800),
            limit(Predicate::Gt, 800),
            limit(Predicate::Gte, 800),
        ];
        let at = |ms: f64| -> Vec<bool> {
            check(&limits, Duration::from_secs_f64(ms / 1000.0))
                .map(|r| r.passed)
                .collect()
        };
        assert_eq!(at(799.0), [true, true, false, false]);
        assert_eq!(at(800.0), [false, true, false, true]);
        assert_eq!(at(801.0), [false, false, true, true]);
        let shown: Vec<_> = check(&limits[..1], Duration::from_micros(800_400)).collect();
        assert_eq!(shown[0].expected, "800 ms");
        assert_eq!(shown[0].actual, "800.4 ms");
        assert_eq!(shown[0].subject, "duration lt");
        assert_eq!(shown[0].at.as_deref(), Some("w.toml:1:1"));
    }
}
