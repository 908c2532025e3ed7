//! The response side of the static check: expectations, extractions, and the syntax of the
//! JSONPath expressions and regexes they hold.

use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::workflow::model::{Expect, ExtractSource, Extraction, Located, Matcher, Predicate};

use super::Checker;

impl Checker<'_> {
    pub(super) fn expect(&mut self, expect: &Expect) {
        for s in &expect.status {
            self.value(s);
        }
        for (path, matcher) in &expect.json {
            self.text(path);
            self.jsonpath(path);
            self.matcher(matcher);
        }
        for (name, matcher) in &expect.headers {
            if let Some(at) = matcher_location(matcher) {
                self.header_name(name, at);
            }
            self.matcher(matcher);
        }
        if let Some(m) = &expect.body {
            self.matcher(m);
        }
        for (path, matcher) in &expect.saml {
            self.text(path);
            self.jsonpath(path);
            self.matcher(matcher);
        }
    }

    pub(super) fn matcher(&mut self, matcher: &Matcher) {
        match matcher {
            Matcher::Equals(v) => self.value(v),
            Matcher::Predicates(preds) => {
                for (pred, arg) in preds {
                    self.value(arg);
                    if *pred == Predicate::Matches
                        && let Value::String(re) = &arg.value
                    {
                        self.regex(re, arg);
                    }
                }
            }
        }
    }

    pub(super) fn extraction(&mut self, ex: &Extraction) {
        match &ex.source {
            ExtractSource::JsonPath(p) => {
                self.text(p);
                self.jsonpath(p);
            }
            ExtractSource::Header(t) | ExtractSource::Cookie(t) => self.text(t),
            ExtractSource::Status | ExtractSource::Body | ExtractSource::Url => {}
        }
        for t in [&ex.query, &ex.fragment, &ex.saml, &ex.jwt]
            .into_iter()
            .flatten()
        {
            self.text(t);
        }
        if let Some(p) = &ex.saml {
            self.jsonpath(p);
        }
        if let Some(re) = &ex.regex {
            self.text(re);
            self.regex(&re.value.clone(), re);
        }
        if let Some(p) = &ex.jwt {
            self.jsonpath(p);
        }
    }

    fn jsonpath(&mut self, path: &Located<String>) {
        // The last path found good first: it holds no template, and comparing is cheaper
        // than searching.
        if self.last_jsonpath.as_deref() == Some(path.value.as_str()) || path.value.contains("<<") {
            return;
        }
        // `$.id` and the like, valid by their form: no parse (the parser's first call also
        // measures the thread's stack, from /proc on the main thread).
        if crate::jsonpath::is_member_chain(&path.value) {
            return;
        }
        let compiled = crate::jsonpath::compile(&path.value);
        if compiled.is_ok() {
            self.last_jsonpath = Some(path.value.clone());
        }
        if let Err(e) = compiled {
            let mut d = Diagnostic::at(
                format!(
                    "invalid JSONPath `{}`: {}",
                    path.value,
                    jsonpath_message(&e.to_string())
                ),
                &path.source,
                path.source.narrow(&path.span, &path.value),
            );
            if path.value.contains('-') {
                d = d.with_help("JSONPath names with `-` need brackets: $.headers['content-type']");
            }
            self.errors.push(d);
        }
    }

    fn regex<T>(&mut self, re: &str, at: &Located<T>) {
        if re.contains("<<") {
            return;
        }
        if let Err(e) = regex::Regex::new(re) {
            self.errors.push(Diagnostic::at(
                format!("invalid regex `{re}`: {}", one_line(&e.to_string())),
                &at.source,
                at.span.clone(),
            ));
        }
    }
}

/// pest's multi-line report as one fragment: "at column 12: expected …".
fn jsonpath_message(s: &str) -> String {
    let column = s
        .split_once("-->")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .and_then(|pos| pos.split_once(':'))
        .map(|(_, col)| col.to_owned());
    let expected = s.split_once("= ").map(|(_, e)| one_line(e));
    match (column, expected) {
        (Some(col), Some(exp)) => format!("at column {col}: {exp}"),
        _ => one_line(s),
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where a matcher's first value was written (for errors about its key).
fn matcher_location(matcher: &Matcher) -> Option<&Located<Value>> {
    match matcher {
        Matcher::Equals(v) => Some(v),
        Matcher::Predicates(preds) => preds.first().map(|(_, v)| v),
    }
}
