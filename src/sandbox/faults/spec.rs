//! The `--faults SPEC` grammar (README, The sandbox: Faults), read into rules. Kept apart from
//! the layer that applies them so that a bad SPEC is found before anything listens.
//!
//! ```text
//! SPEC   = ITEM *( ";" ITEM )
//! ITEM   = FAULT [ "@" ROUTE ]  |  "random:" PARAM *( "," PARAM )
//! FAULT  = latency=DURATION | 429 | 503 | reset-before | reset-after | truncate
//!        | invalid-json | stall-body | stall,  then [ ":" OPTION *( "," OPTION ) ]
//! OPTION = retry-after=DURATION (429 and 503) | times=N
//! ROUTE  = [ METHOD ":" ] PATH-GLOB
//! PARAM  = rate=FRACTION | seed=N | faults=FAULT-NAME *( "+" FAULT-NAME )
//! ```

use std::fmt;
use std::time::Duration;

use axum::http::Method;

/// What happens to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Answered as usual, this much later.
    Latency(Duration),
    /// 429 or 503 with PingOne's error body, without reaching the handler.
    Throttle {
        status: u16,
        retry_after: Option<Duration>,
    },
    /// The connection is reset once the request's head is read; the handler never runs.
    ResetBefore,
    /// The handler runs (its changes stay), then the connection is reset instead of answering.
    ResetAfter,
    /// The JSON body is cut in half; `Content-Length` matches what is sent.
    Truncate,
    /// The JSON body gets a trailing comma before its last bracket.
    InvalidJson,
    /// Status and headers are sent, then half the body, then nothing more (an answer without
    /// a body stalls whole).
    StallBody,
    /// The handler runs, then nothing at all is sent.
    Stall,
}

/// The default latency of `random` when it picks `latency`.
const RANDOM_LATENCY: Duration = Duration::from_millis(200);
/// `Retry-After` of a 429 or 503 when the SPEC does not say.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);

/// Every fault, by the name the SPEC uses.
pub const NAMES: [&str; 9] = [
    "latency",
    "429",
    "503",
    "reset-before",
    "reset-after",
    "truncate",
    "invalid-json",
    "stall-body",
    "stall",
];

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Latency(_) => "latency",
            Kind::Throttle { status: 429, .. } => "429",
            Kind::Throttle { .. } => "503",
            Kind::ResetBefore => "reset-before",
            Kind::ResetAfter => "reset-after",
            Kind::Truncate => "truncate",
            Kind::InvalidJson => "invalid-json",
            Kind::StallBody => "stall-body",
            Kind::Stall => "stall",
        }
    }

    /// The fault `name` with its defaults (`random` uses these).
    fn by_name(name: &str) -> Option<Kind> {
        Some(match name {
            "latency" => Kind::Latency(RANDOM_LATENCY),
            "429" | "503" => Kind::Throttle {
                status: name.parse().ok()?,
                retry_after: Some(DEFAULT_RETRY_AFTER),
            },
            "reset-before" => Kind::ResetBefore,
            "reset-after" => Kind::ResetAfter,
            "truncate" => Kind::Truncate,
            "invalid-json" => Kind::InvalidJson,
            "stall-body" => Kind::StallBody,
            "stall" => Kind::Stall,
            _ => return None,
        })
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Kind::Latency(d) => write!(f, "latency={}ms", d.as_millis()),
            Kind::Throttle {
                status,
                retry_after: Some(d),
            } => write!(f, "{status}:retry-after={}ms", d.as_millis()),
            other => f.write_str(other.name()),
        }
    }
}

/// Which requests a rule applies to: a method (any when `None`) and a glob over the path, where
/// `*` stays within one segment and `**` spans several.
#[derive(Debug, Clone)]
pub struct Route {
    pub method: Option<Method>,
    pub path: glob::Pattern,
}

impl Route {
    pub fn matches(&self, method: &Method, path: &str) -> bool {
        let options = glob::MatchOptions {
            case_sensitive: true,
            require_literal_separator: true,
            require_literal_leading_dot: false,
        };
        self.method.as_ref().is_none_or(|m| m == method) && self.path.matches_with(path, options)
    }
}

/// One `FAULT[@ROUTE]` item.
#[derive(Debug, Clone)]
pub struct Rule {
    pub kind: Kind,
    /// Every request when `None`.
    pub route: Option<Route>,
    /// Only the first N requests it matches.
    pub times: Option<u32>,
}

/// The `random:` item: each request, with probability `rate`, gets one of `kinds`.
#[derive(Debug, Clone)]
pub struct Random {
    pub rate: f64,
    pub seed: u64,
    pub kinds: Vec<Kind>,
}

/// A parsed SPEC.
#[derive(Debug, Clone)]
pub struct FaultSpec {
    pub rules: Vec<Rule>,
    pub random: Option<Random>,
}

/// Reads a SPEC; the error names the item at fault and what was expected there.
pub fn parse(spec: &str) -> Result<FaultSpec, String> {
    let mut out = FaultSpec {
        rules: Vec::new(),
        random: None,
    };
    if spec.trim().is_empty() {
        return Err("the SPEC is empty: name at least one fault, e.g. `503@GET:/v1/**`".into());
    }
    for item in spec.split(';').map(str::trim) {
        let fail = |why: String| format!("`{item}`: {why}");
        if item.is_empty() {
            return Err("an empty item (two `;` in a row, or one at the end)".into());
        }
        if let Some(params) = item.strip_prefix("random:") {
            if out.random.is_some() {
                return Err(fail("only one `random:` item is allowed".into()));
            }
            out.random = Some(random(params).map_err(fail)?);
        } else {
            out.rules.push(rule(item).map_err(fail)?);
        }
    }
    Ok(out)
}

fn rule(item: &str) -> Result<Rule, String> {
    let (fault, route) = match item.split_once('@') {
        Some((fault, route)) => (fault, Some(self::route(route)?)),
        None => (item, None),
    };
    let (head, options) = match fault.split_once(':') {
        Some((head, options)) => (head, Some(options)),
        None => (fault, None),
    };
    let (name, value) = match head.split_once('=') {
        Some((name, value)) => (name, Some(value)),
        None => (head, None),
    };
    let mut kind = kind(name, value)?;
    let times = options_into(&mut kind, name, options)?;
    Ok(Rule { kind, route, times })
}

/// The fault `name` names, with its `=` value (latency's duration; the others take none).
fn kind(name: &str, value: Option<&str>) -> Result<Kind, String> {
    Ok(match (name, value) {
        ("latency", Some(v)) => Kind::Latency(duration(v)?),
        ("latency", None) => return Err("latency needs a duration: `latency=200ms`".into()),
        (name, Some(_)) if Kind::by_name(name).is_some() => {
            return Err(format!(
                "`{name}` takes no `=` value (options go after `:`)"
            ));
        }
        (name, None) => Kind::by_name(name).ok_or_else(|| unknown(name))?,
        (name, Some(_)) => return Err(unknown(name)),
    })
}

/// Applies the `:` options of fault `name` to `kind` (`retry-after`) and gives `times=`.
fn options_into(kind: &mut Kind, name: &str, options: Option<&str>) -> Result<Option<u32>, String> {
    let mut times = None;
    for option in options.into_iter().flat_map(|o| o.split(',')) {
        let (key, value) = option
            .split_once('=')
            .ok_or_else(|| format!("option `{option}` needs a value: KEY=VALUE"))?;
        match (key, &mut *kind) {
            ("retry-after", Kind::Throttle { retry_after, .. }) => {
                *retry_after = if value == "none" {
                    None
                } else {
                    Some(duration(value)?)
                };
            }
            ("times", _) => {
                times = Some(
                    value
                        .parse::<u32>()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| format!("times=`{value}`: expected a whole number > 0"))?,
                );
            }
            ("retry-after", _) => {
                return Err(format!(
                    "retry-after applies to 429 and 503, not to `{name}`"
                ));
            }
            (key, _) => {
                return Err(format!(
                    "unknown option `{key}` (options: retry-after, times)"
                ));
            }
        }
    }
    Ok(times)
}

fn route(text: &str) -> Result<Route, String> {
    let (method, path) = match text.split_once(':') {
        Some((m, path)) if !m.starts_with('/') => (Some(m), path),
        _ => (None, text),
    };
    let method = match method {
        None | Some("*") => None,
        Some(m) if !m.is_empty() && m.bytes().all(|b| b.is_ascii_uppercase()) => {
            Some(Method::from_bytes(m.as_bytes()).map_err(|_| format!("`{m}` is not a method"))?)
        }
        Some(m) => {
            return Err(format!(
                "`{m}` is not a method: write it in capitals (GET, POST, …) or `*`"
            ));
        }
    };
    if !path.starts_with('/') {
        return Err(format!(
            "the route's path `{path}` must start with `/` (e.g. `POST:/*/as/token`)"
        ));
    }
    let path = glob::Pattern::new(path).map_err(|e| format!("the path glob `{path}`: {e}"))?;
    Ok(Route { method, path })
}

fn random(params: &str) -> Result<Random, String> {
    let mut rate = None;
    let mut seed = None;
    let mut kinds = None;
    for param in params.split(',') {
        let (key, value) = param
            .split_once('=')
            .ok_or_else(|| format!("`{param}` needs a value: rate=0.1, seed=42, faults=429+503"))?;
        match key {
            "rate" => {
                rate = Some(
                    value
                        .parse::<f64>()
                        .ok()
                        .filter(|r| (0.0..=1.0).contains(r))
                        .ok_or_else(|| format!("rate=`{value}`: expected a number from 0 to 1"))?,
                );
            }
            "seed" => {
                seed = Some(
                    value
                        .parse::<u64>()
                        .map_err(|_| format!("seed=`{value}`: expected a whole number"))?,
                );
            }
            "faults" => {
                kinds = Some(
                    value
                        .split('+')
                        .map(|n| Kind::by_name(n).ok_or_else(|| unknown(n)))
                        .collect::<Result<Vec<_>, _>>()?,
                );
            }
            other => {
                return Err(format!(
                    "unknown parameter `{other}` (parameters: rate, seed, faults)"
                ));
            }
        }
    }
    Ok(Random {
        rate: rate.ok_or("random needs a rate: `random:rate=0.1,seed=42`")?,
        seed: seed.ok_or("random needs a seed, so a run can be repeated: `seed=42`")?,
        kinds: kinds.unwrap_or_else(|| NAMES.iter().filter_map(|n| Kind::by_name(n)).collect()),
    })
}

fn unknown(name: &str) -> String {
    format!("unknown fault `{name}` (faults: {})", NAMES.join(", "))
}

/// `200ms`, `1s`, `2m`: a whole number and a unit.
fn duration(text: &str) -> Result<Duration, String> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}`: expected a duration such as 200ms, 1s or 2m"))?;
    match unit {
        "ms" => Ok(Duration::from_millis(n)),
        "s" => Ok(Duration::from_secs(n)),
        "m" => Ok(Duration::from_secs(n * 60)),
        _ => Err(format!(
            "`{text}`: expected a duration such as 200ms, 1s or 2m"
        )),
    }
}

#[cfg(test)]
mod tests;
