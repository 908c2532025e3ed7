//! What a password policy document may hold: PingOne's properties only, and its integer
//! settings within PingOne's bounds. A schema fuzzer had the sandbox store unknown keys,
//! `history.count: 0`, `maxAgeDays: 0` and a count of 4e26 characters.

use serde_json::{Map, Value, json};

use super::error::{ApiError, ApiResult, Detail};
use super::validate::lookup;

/// Integer settings and their bounds (inclusive; `None`: unbounded). `length.min` is 8 to 32
/// (PingOne: "the minimum number of characters ... can be from 8 to 32 (inclusive)"); the
/// others are PingOne's OpenAPI `PasswordPolicy` minimums and maximums. A schema fuzzer had
/// the sandbox store a policy with `history.count: 0` and `maxAgeDays: 0`.
const RANGES: &[(&str, i64, Option<i64>)] = &[
    ("length.min", 8, Some(32)),
    ("length.max", 1, None),
    ("history.count", 1, None),
    ("history.retentionDays", 1, None),
    ("lockout.durationSeconds", 1, None),
    ("lockout.failureCount", 1, None),
    ("maxAgeDays", 1, None),
    ("minAgeDays", 1, None),
    ("maxRepeatedCharacters", 0, None),
    ("minUniqueCharacters", 0, None),
    ("minComplexity", 0, None),
    ("alphabetSequenceRule.maxLength", 2, Some(3)),
    ("numberSequenceRule.maxLength", 2, Some(3)),
    ("shiftedNumberRowSequenceRule.maxLength", 3, Some(3)),
    ("qwertySequenceRule.maxLength", 3, Some(3)),
];

/// PingOne's `OUT_OF_RANGE` detail when the setting at `path` is given but is not an integer
/// within `min..=max`.
fn out_of_range(
    doc: &Map<String, Value>,
    path: &str,
    min: i64,
    max: Option<i64>,
) -> Option<Detail> {
    let value = lookup(doc, path).filter(|v| !v.is_null())?;
    let fits = value
        .as_i64()
        .is_some_and(|n| n >= min && max.is_none_or(|m| n <= m));
    if fits {
        return None;
    }
    let (message, inner) = match max {
        Some(max) => (
            format!("{path} must be an integer between {min} and {max}"),
            json!({"rangeMinimumValue": min, "rangeMaximumValue": max}),
        ),
        None => (
            format!("{path} must be an integer of at least {min}"),
            json!({"rangeMinimumValue": min}),
        ),
    };
    Some(Detail::new("OUT_OF_RANGE", path, message).with_inner(inner))
}

/// The properties of PingOne's password policy (its OpenAPI `PasswordPolicy`).
const PROPERTIES: &[&str] = &[
    "name",
    "description",
    "default",
    "excludesCommonlyUsed",
    "excludesProfileData",
    "notSimilarToCurrent",
    "history",
    "length",
    "lockout",
    "maxAgeDays",
    "minAgeDays",
    "maxRepeatedCharacters",
    "minCharacters",
    "minComplexity",
    "minUniqueCharacters",
    "alphabetSequenceRule",
    "numberSequenceRule",
    "shiftedNumberRowSequenceRule",
    "qwertySequenceRule",
    "populationCount",
    "createdAt",
    "updatedAt",
];

/// The keys each object-valued property takes.
const NESTED: &[(&str, &[&str])] = &[
    ("history", &["count", "retentionDays"]),
    ("length", &["min", "max"]),
    ("lockout", &["durationSeconds", "failureCount"]),
    (
        "minCharacters",
        &[
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            "abcdefghijklmnopqrstuvwxyz",
            "0123456789",
            "~!@#$%^&*()-_=+[]{}|;:,.<>/?",
        ],
    ),
    ("alphabetSequenceRule", &["maxLength"]),
    ("numberSequenceRule", &["maxLength"]),
    ("shiftedNumberRowSequenceRule", &["maxLength"]),
    ("qwertySequenceRule", &["maxLength"]),
];

/// A password needs at most this many characters of one set (a password is at most 255 long).
const MAX_SET_COUNT: i64 = 255;

/// Drops every key PingOne's password policy does not have, at the top and inside its objects.
pub fn keep_known(doc: &mut Map<String, Value>) {
    doc.retain(|key, _| PROPERTIES.contains(&key.as_str()));
    for (rule, keep) in NESTED {
        if let Some(Value::Object(map)) = doc.get_mut(*rule) {
            map.retain(|key, _| keep.contains(&key.as_str()));
        }
    }
}

/// A `minCharacters` count that is not an integer from 0 to `MAX_SET_COUNT`, per set.
pub fn set_counts(doc: &Map<String, Value>) -> Vec<Detail> {
    let Some(Value::Object(counts)) = doc.get("minCharacters") else {
        return Vec::new();
    };
    counts
        .iter()
        .filter(|(_, count)| {
            !count
                .as_i64()
                .is_some_and(|n| (0..=MAX_SET_COUNT).contains(&n))
        })
        .map(|(set, _)| {
            let target = format!("minCharacters.{set}");
            Detail::new(
                "OUT_OF_RANGE",
                &target,
                format!("{target} must be an integer between 0 and {MAX_SET_COUNT}"),
            )
        })
        .collect()
}

/// Every integer setting outside its range.
pub fn ranges(doc: &Map<String, Value>) -> Vec<Detail> {
    RANGES
        .iter()
        .filter_map(|&(path, min, max)| out_of_range(doc, path, min, max))
        .collect()
}

/// `Ok` without details, else PingOne's 400 listing them.
pub fn check(details: Vec<Detail>) -> ApiResult<()> {
    if details.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(details))
    }
}
