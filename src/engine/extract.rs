//! Takes a response's values for a step's `extract` (README, Extraction), with every
//! template in it rendered against the current variables.

use std::fmt::Write as _;

use serde_json::Value;

use crate::engine::received::{Modifiers, ReadError, Received, Source};
use crate::engine::render::{RenderError, Renderer};
use crate::engine::{Engine, WorkflowRun};
use crate::workflow::model::{ExtractSource, Extraction, Located};

/// Why an extraction failed.
#[derive(Debug, thiserror::Error)]
pub(super) enum ExtractError {
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error("cannot extract `{name}`: {source}")]
    Read {
        name: String,
        #[source]
        source: ReadError,
    },
    #[error("cannot extract `{name}`: {from} found nothing")]
    NotFound { name: String, from: String },
}

/// One extraction's value, before it is stored.
pub(super) struct Extracted {
    pub name: String,
    pub value: Value,
    /// `secret = true/false` as written; `None` follows the name (README, Variables).
    pub secret: Option<bool>,
    /// Where it came from, e.g. ``JSONPath `$.id` ``: described only when asked for (a
    /// reporter shows it).
    pub from: Option<String>,
}

impl Engine {
    /// The values the step's extractions found, in order, and the first error among them.
    /// Every extraction is tried even after one fails: a secret among the values must be
    /// hidden, since the failure shows the response they came from. Each value's source is
    /// described when `described`.
    pub(super) fn extract(
        &self,
        wf: &WorkflowRun,
        extractions: &[Extraction],
        received: &Received<'_>,
        described: bool,
    ) -> (Vec<Extracted>, Option<ExtractError>) {
        let renderer = Renderer {
            templates: &self.templates,
            vars: &wf.vars,
            urls: &wf.urls,
        };
        let mut out = Vec::new();
        let mut error = None;
        for ex in extractions {
            match extract_one(&renderer, ex, received, described) {
                Ok(Some(found)) => out.push(found),
                Ok(None) => {}
                Err(e) => {
                    error.get_or_insert(e);
                }
            }
        }
        (out, error)
    }
}

/// One extraction: its value, `None` for an optional one that found nothing, or why it failed.
fn extract_one(
    renderer: &Renderer<'_>,
    ex: &Extraction,
    received: &Received<'_>,
    described: bool,
) -> Result<Option<Extracted>, ExtractError> {
    let text = |t: &Option<Located<String>>| -> Result<Option<String>, RenderError> {
        t.as_ref().map(|t| renderer.text("extract", t)).transpose()
    };
    let source = match &ex.source {
        ExtractSource::JsonPath(p) => Source::JsonPath(renderer.text_cow("extract", p)?),
        ExtractSource::Header(h) => Source::Header(renderer.text_cow("extract", h)?),
        ExtractSource::Cookie(c) => Source::Cookie(renderer.text_cow("extract", c)?),
        ExtractSource::Status => Source::Status,
        ExtractSource::Body => Source::Body,
        ExtractSource::Url => Source::Url,
    };
    let modifiers = Modifiers {
        query: text(&ex.query)?,
        fragment: text(&ex.fragment)?,
        regex: text(&ex.regex)?,
        saml: text(&ex.saml)?,
        jwt: text(&ex.jwt)?,
    };
    let found = match received.extract(&source, &modifiers) {
        Ok(found) => found,
        // A body that is not JSON has no value at any path: for an optional extraction that
        // is "missing", not a failure.
        Err(_) if ex.optional && matches!(source, Source::JsonPath(_)) && !received.is_json() => {
            None
        }
        Err(source) => {
            return Err(ExtractError::Read {
                name: ex.name.clone(),
                source,
            });
        }
    };
    match found {
        Some(value) => Ok(Some(Extracted {
            name: ex.name.clone(),
            value,
            secret: ex.secret,
            from: described.then(|| describe(&source, &modifiers)),
        })),
        None if ex.optional => Ok(None),
        None => Err(ExtractError::NotFound {
            name: ex.name.clone(),
            from: describe(&source, &modifiers),
        }),
    }
}

/// ``JSONPath `$.id` ``, ``header `Location` with query `code` ``: joined by hand, as every
/// extraction of every step is described.
fn describe(source: &Source<'_>, m: &Modifiers) -> String {
    let quoted = |what: &str, value: &str| {
        let mut s = String::with_capacity(what.len() + value.len() + 3);
        s.push_str(what);
        s.push_str(" `");
        s.push_str(value);
        s.push('`');
        s
    };
    let mut s = match source {
        Source::JsonPath(p) => quoted("JSONPath", p),
        Source::Header(h) => quoted("header", h),
        Source::Cookie(c) => quoted("cookie", c),
        Source::Status => "status".to_owned(),
        Source::Body => "body".to_owned(),
        Source::Url => "url".to_owned(),
    };
    for (what, v) in [
        ("query", &m.query),
        ("fragment", &m.fragment),
        ("regex", &m.regex),
        ("saml", &m.saml),
        ("jwt", &m.jwt),
    ] {
        if let Some(v) = v {
            let _ = write!(s, " with {what} `{v}`");
        }
    }
    s
}
