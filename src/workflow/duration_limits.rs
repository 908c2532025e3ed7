//! Response-time limits that no answer can meet (`{ gt = "2s", lt = "1s" }`) or that say one
//! bound twice (`--expect-duration lt=2s,lt=3s`): refused where they are written, since a
//! step checked against them would fail whatever the server did.

use std::time::Duration;

use crate::workflow::model::Predicate;

/// Why `limits` can never all hold, or say a predicate twice; `None` when they can.
pub fn contradiction(limits: &[(Predicate, Duration)]) -> Option<String> {
    for (i, (predicate, _)) in limits.iter().enumerate() {
        if limits[..i].iter().any(|(p, _)| p == predicate) {
            return Some(format!(
                "`{}` is given twice: one limit a predicate",
                predicate.name()
            ));
        }
    }
    let lower = limits
        .iter()
        .filter(|(p, _)| matches!(p, Predicate::Gt | Predicate::Gte))
        .max_by_key(|&&(p, d)| (d, p == Predicate::Gt));
    let upper = limits
        .iter()
        .filter(|(p, _)| matches!(p, Predicate::Lt | Predicate::Lte))
        .min_by_key(|&&(p, d)| (d, p == Predicate::Lte));
    let &(high, to) = upper?;
    // No time is under zero: `lt = "0s"` alone can never pass either.
    let (low, from) = lower.copied().unwrap_or((Predicate::Gte, Duration::ZERO));
    // Both ends may be met only when they are the same time and both include it.
    let empty = from > to || (from == to && (low == Predicate::Gt || high == Predicate::Lt));
    empty.then(|| {
        if lower.is_none() {
            return format!(
                "no response time is {} {}: this limit can never pass",
                high.name(),
                shown(to)
            );
        }
        format!(
            "no response time is both {} {} and {} {}: these limits can never pass",
            low.name(),
            shown(from),
            high.name(),
            shown(to)
        )
    })
}

/// A limit as it is usually written: whole seconds as `2s`, whole milliseconds as `800ms`,
/// anything finer as exactly as it is (`1.5ms`, `500µs`), so two limits never read alike.
fn shown(d: Duration) -> String {
    if d.subsec_nanos() == 0 && d.as_secs() > 0 {
        format!("{}s", d.as_secs())
    } else if d.subsec_nanos().is_multiple_of(1_000_000) {
        format!("{}ms", d.as_millis())
    } else {
        format!("{d:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn limits_no_answer_can_meet_are_said_and_others_pass() {
        use Predicate::{Gt, Gte, Lt, Lte};
        let said = |limits: &[(Predicate, Duration)]| contradiction(limits);
        assert_eq!(
            said(&[(Lt, ms(1000)), (Gt, ms(2000))]).as_deref(),
            Some("no response time is both gt 2s and lt 1s: these limits can never pass")
        );
        assert_eq!(
            said(&[(Gte, ms(500)), (Lt, ms(500))]).as_deref(),
            Some("no response time is both gte 500ms and lt 500ms: these limits can never pass")
        );
        assert_eq!(
            said(&[(Lt, ms(2000)), (Lt, ms(3000))]).as_deref(),
            Some("`lt` is given twice: one limit a predicate")
        );
        assert_eq!(
            said(&[(Lt, ms(0))]).as_deref(),
            Some("no response time is lt 0ms: this limit can never pass")
        );
        assert_eq!(
            said(&[
                (Gt, Duration::from_micros(1500)),
                (Lt, Duration::from_micros(1200))
            ])
            .as_deref(),
            Some("no response time is both gt 1.5ms and lt 1.2ms: these limits can never pass")
        );
        for fine in [
            vec![(Lte, ms(0))],
            vec![(Lt, ms(800))],
            vec![(Gt, ms(10)), (Lt, ms(2000))],
            vec![(Gte, ms(500)), (Lte, ms(500))],
            vec![(Gt, ms(10)), (Gte, ms(20)), (Lt, ms(30)), (Lte, ms(40))],
        ] {
            assert_eq!(said(&fine), None, "{fine:?}");
        }
    }
}
