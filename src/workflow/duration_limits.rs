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
    let (&(low, from), &(high, to)) = (lower?, upper?);
    // Both ends may be met only when they are the same time and both include it.
    let empty = from > to || (from == to && (low == Predicate::Gt || high == Predicate::Lt));
    empty.then(|| {
        format!(
            "no response time is both {} {} and {} {}: these limits can never pass",
            low.name(),
            shown(from),
            high.name(),
            shown(to)
        )
    })
}

/// A limit as it is usually written: whole seconds as `2s`, the rest in milliseconds.
fn shown(d: Duration) -> String {
    if d.subsec_nanos() == 0 && d.as_secs() > 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
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
        for fine in [
            vec![(Lt, ms(800))],
            vec![(Gt, ms(10)), (Lt, ms(2000))],
            vec![(Gte, ms(500)), (Lte, ms(500))],
            vec![(Gt, ms(10)), (Gte, ms(20)), (Lt, ms(30)), (Lte, ms(40))],
        ] {
            assert_eq!(said(&fine), None, "{fine:?}");
        }
    }
}
