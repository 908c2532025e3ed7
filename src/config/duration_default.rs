//! `run --expect-duration lt=2s`: a run-wide response-time limit (README, Expectations), for
//! every step and cleanup whose own file sets none, `use`d fragments' steps included. A
//! step's `expect.duration` and its file's `[defaults.expect]` are nearer, so they win.

use std::sync::Arc;
use std::time::Duration;

use crate::workflow::convert::parse_duration;
use crate::workflow::model::{Located, Predicate};
use crate::workflow::source::Source;

/// The flag's name, which a failed limit names as where it is written.
const FLAG: &str = "--expect-duration";
const PREDICATES: [&str; 4] = ["lt", "lte", "gt", "gte"];

/// `lt=2s` or `gt=10ms,lt=2s`: each predicate with its limit, located in the flag's text so a
/// failed one says `--expect-duration:1:1`.
pub fn parse(text: &str) -> Result<Vec<(Predicate, Located<Duration>)>, String> {
    let source = Arc::new(Source::new(FLAG, text));
    let mut limits = Vec::new();
    let mut offset = 0;
    for part in text.split(',') {
        let start = offset + (part.len() - part.trim_start().len());
        offset += part.len() + 1;
        let part = part.trim();
        let Some((name, limit)) = part.split_once('=') else {
            return Err(format!(
                "{FLAG} `{text}`: expected PREDICATE=DURATION, like lt=2s (predicates: lt, lte, gt, gte)"
            ));
        };
        let name = name.trim();
        let predicate = Predicate::from_name(name)
            .filter(|_| PREDICATES.contains(&name))
            .ok_or_else(|| {
                format!("{FLAG} `{text}`: unknown predicate `{name}`; expected lt, lte, gt or gte")
            })?;
        let value = parse_duration(limit).ok_or_else(|| {
            format!(
                "{FLAG} `{text}`: invalid duration `{}`: expected a number with a unit, like 500ms or 2s",
                limit.trim()
            )
        })?;
        limits.push((
            predicate,
            Located {
                value,
                source: Arc::clone(&source),
                span: start..start + part.len(),
            },
        ));
    }
    let values: Vec<_> = limits.iter().map(|(p, l)| (*p, l.value)).collect();
    if let Some(why) = crate::workflow::duration_limits::contradiction(&values) {
        return Err(format!("{FLAG} `{text}`: {why}"));
    }
    Ok(limits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_predicate_and_where_it_is() {
        let limits = parse("gt=1ms, lt=2s").expect("valid");
        assert_eq!(limits.len(), 2);
        assert_eq!(limits[0].0, Predicate::Gt);
        assert_eq!(limits[0].1.value, Duration::from_millis(1));
        assert_eq!(limits[1].0, Predicate::Lt);
        assert_eq!(limits[1].1.value, Duration::from_secs(2));
        assert_eq!(limits[1].1.position(), "--expect-duration:1:9");
    }

    #[test]
    fn refuses_what_is_not_a_limit() {
        for bad in [
            "",
            "2s",
            "under=2s",
            "eq=2s",
            "lt=fast",
            "lt=2",
            "lt=2s,",
            "lt=2s,lt=3s",
            "gt=2s,lt=1s",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
