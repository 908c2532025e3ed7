//! Checks a response against a step's `expect` (README, Expectations), with every template
//! in it rendered against the current variables.

use std::borrow::Cow;

use serde_json::Value;

use crate::engine::expect::{self, Actual, Check};
use crate::engine::extract::Extracted;
use crate::engine::received::{ReadError, Received};
use crate::engine::render::{RenderError, Renderer};
use crate::engine::{Engine, WorkflowRun};
use crate::event::ExpectationResult;
use crate::workflow::model::{Expect, Located, Matcher};

/// Why a step's expectations could not be checked (not a check that failed).
#[derive(Debug, thiserror::Error)]
pub(super) enum CheckError {
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("cannot check `expect.saml`: {0}")]
    Saml(#[source] ReadError),
}

impl Engine {
    pub(super) fn check(
        &self,
        wf: &WorkflowRun,
        expect: &Expect,
        received: &Received<'_>,
    ) -> Result<Vec<ExpectationResult>, CheckError> {
        let renderer = Renderer {
            templates: &self.templates,
            vars: &wf.vars,
            urls: &wf.urls,
        };
        let status = received.response.status.as_u16();
        let mut results = Vec::new();
        results.push(Self::check_status(&renderer, expect, status)?);
        Self::check_json(&renderer, expect, received, &mut results)?;
        Self::check_headers(&renderer, expect, received, &mut results)?;
        if let Some(matcher) = &expect.body {
            let actual = Actual::One(Value::String(received.text()));
            results.extend(located(
                expect::evaluate("body", &actual, &Self::render_check(&renderer, matcher)?),
                matcher,
            ));
        }
        if !expect.saml.is_empty() {
            Self::check_saml(&renderer, expect, received, &mut results)?;
        }
        // A step's own limit, or its file's default, wins over the run's.
        let limits = if expect.duration.is_empty() {
            &self.options.default_duration
        } else {
            &expect.duration
        };
        results.extend(super::timing::check(limits, received.response.duration));
        Ok(results)
    }

    /// `expect.status`, or the implicit 2xx when the step sets none.
    fn check_status(
        renderer: &Renderer<'_>,
        expect: &Expect,
        status: u16,
    ) -> Result<ExpectationResult, CheckError> {
        if expect.status.is_empty() {
            return Ok(ExpectationResult {
                subject: Cow::Borrowed("status"),
                passed: (200..300).contains(&status),
                expected: Cow::Borrowed("2xx"),
                actual: decimal(status.into()),
                at: None,
                diff: None,
            });
        }
        let (passed, expected) = status_wanted(renderer, &expect.status, status)?;
        let mut result = ExpectationResult {
            subject: Cow::Borrowed("status"),
            passed,
            expected,
            actual: decimal(status.into()),
            at: None,
            diff: None,
        };
        if !result.passed {
            result.at = Some(expect.status[0].position());
        }
        Ok(result)
    }

    /// `expect.json`, into `results`: a body that is not JSON has no value at any path.
    fn check_json(
        renderer: &Renderer<'_>,
        expect: &Expect,
        received: &Received<'_>,
        results: &mut Vec<ExpectationResult>,
    ) -> Result<(), CheckError> {
        for (path, matcher) in &expect.json {
            let path_text = renderer.text("expect.json path", path)?;
            let actual = match received.json() {
                Some(doc) => expect::select(doc, &path_text)?,
                None => Actual::None,
            };
            results.extend(located(
                expect::evaluate(&path_text, &actual, &Self::render_check(renderer, matcher)?),
                matcher,
            ));
        }
        Ok(())
    }

    /// `expect.headers`, into `results`.
    fn check_headers(
        renderer: &Renderer<'_>,
        expect: &Expect,
        received: &Received<'_>,
        results: &mut Vec<ExpectationResult>,
    ) -> Result<(), CheckError> {
        for (name, matcher) in &expect.headers {
            let name = renderer.name(name)?;
            let actual = received
                .header(&name)
                .map_or(Actual::None, |v| Actual::One(Value::String(v)));
            results.extend(located(
                expect::evaluate(
                    &format!("header {name}"),
                    &actual,
                    &Self::render_check(renderer, matcher)?,
                ),
                matcher,
            ));
        }
        Ok(())
    }

    /// `expect.saml` (not empty), into `results`: the SAML message is read once for all.
    fn check_saml(
        renderer: &Renderer<'_>,
        expect: &Expect,
        received: &Received<'_>,
        results: &mut Vec<ExpectationResult>,
    ) -> Result<(), CheckError> {
        let read = received.saml().map_err(CheckError::Saml)?;
        for (path, matcher) in &expect.saml {
            let path_text = renderer.text("expect.saml path", path)?;
            let actual = expect::select(&read, &path_text)?;
            results.extend(located(
                expect::evaluate(
                    &format!("saml {path_text}"),
                    &actual,
                    &Self::render_check(renderer, matcher)?,
                ),
                matcher,
            ));
        }
        Ok(())
    }

    /// `expect.vars`: each variable as it is once the step's `extracted` values are stored.
    pub(super) fn check_vars(
        &self,
        wf: &WorkflowRun,
        expect: &Expect,
        extracted: &[Extracted],
    ) -> Result<Vec<ExpectationResult>, CheckError> {
        if expect.vars.is_empty() {
            return Ok(Vec::new());
        }
        let mut vars = wf.vars.clone();
        for x in extracted {
            vars.set_with_policy(x.name.clone(), x.value.clone(), Some(false));
        }
        let renderer = Renderer {
            templates: &self.templates,
            vars: &vars,
            urls: &wf.urls,
        };
        let mut results = Vec::new();
        for (name, matcher) in &expect.vars {
            let actual = vars
                .get(&name.value)
                .map_or(Actual::None, |v| Actual::One(v.expose().clone()));
            results.extend(located(
                expect::evaluate(
                    &format!("var {}", name.value),
                    &actual,
                    &Self::render_check(&renderer, matcher)?,
                ),
                matcher,
            ));
        }
        Ok(results)
    }

    fn render_check(renderer: &Renderer<'_>, matcher: &Matcher) -> Result<Check, RenderError> {
        Ok(match matcher {
            Matcher::Equals(v) => Check::Equals(renderer.value("expected value", &v.value)?),
            Matcher::Predicates(preds) => Check::Predicates(
                preds
                    .iter()
                    .map(|(p, v)| Ok((*p, renderer.value("expected value", &v.value)?)))
                    .collect::<Result<_, RenderError>>()?,
            ),
        })
    }
}

/// Whether `status` is among the written statuses (not empty), and how they read. The usual
/// single status is rendered with no list made for it, and a whole number is written as JSON
/// writes it, without the formatter.
fn status_wanted(
    renderer: &Renderer<'_>,
    written: &[Located<Value>],
    status: u16,
) -> Result<(bool, Cow<'static, str>), RenderError> {
    let is = |w: &Value| w.as_u64() == Some(u64::from(status));
    if let [only] = written {
        let wanted = renderer.value("expect.status", &only.value)?;
        let text = wanted
            .as_u64()
            .map_or_else(|| wanted.to_string().into(), decimal);
        return Ok((is(&wanted), text));
    }
    let mut wanted = Vec::with_capacity(written.len());
    for s in written {
        wanted.push(renderer.value("expect.status", &s.value)?);
    }
    Ok((
        wanted.iter().any(is),
        Value::Array(wanted).to_string().into(),
    ))
}

/// `n` in decimal, as JSON writes it: a status code (three digits) borrowed from a table,
/// with no text made for every step's status check.
fn decimal(n: u64) -> Cow<'static, str> {
    if let Some(text) = usize::try_from(n)
        .ok()
        .and_then(|n| n.checked_sub(100))
        .and_then(|i| THREE_DIGITS.get(i))
        .and_then(|digits| std::str::from_utf8(digits).ok())
    {
        return Cow::Borrowed(text);
    }
    Cow::Owned(itoa::Buffer::new().format(n).to_owned())
}

/// The decimal digits of 100 to 999, every status code HTTP allows.
static THREE_DIGITS: [[u8; 3]; 900] = {
    let mut table = [[0; 3]; 900];
    let mut i = 0;
    while i < 900 {
        let n = i + 100;
        // Each digit is under 10: the casts cannot truncate.
        #[allow(clippy::cast_possible_truncation)]
        {
            table[i] = [
                b'0' + (n / 100) as u8,
                b'0' + (n / 10 % 10) as u8,
                b'0' + (n % 10) as u8,
            ];
        }
        i += 1;
    }
    table
};

/// Results of one matcher, each failed one with where its value is written (a predicate's
/// own value, in order).
fn located(mut results: Vec<ExpectationResult>, matcher: &Matcher) -> Vec<ExpectationResult> {
    for (i, r) in results.iter_mut().enumerate().filter(|(_, r)| !r.passed) {
        let at = match matcher {
            Matcher::Equals(v) => Some(v),
            Matcher::Predicates(preds) => preds.get(i).map(|(_, v)| v),
        };
        r.at = at.map(Located::position);
    }
    results
}

#[cfg(test)]
mod tests {
    #[test]
    fn decimal_borrows_three_digits_and_writes_the_rest() {
        for n in [0, 7, 99, 100, 201, 429, 999, 1000, 65_536, u64::MAX] {
            let text = super::decimal(n);
            assert_eq!(text, n.to_string());
            let borrowed = matches!(text, std::borrow::Cow::Borrowed(_));
            assert_eq!(borrowed, (100..1000).contains(&n), "{n}");
        }
    }
}
