//! The request side of the static check: method, URL, headers, auth, body, and the files a
//! body or a multipart part sends.

use crate::diagnostic::Diagnostic;
use crate::template::has_markup;
use crate::workflow::model::{Auth, Body, Located, MultipartPart, Request};

use super::Checker;

impl Checker<'_> {
    pub(super) fn request(&mut self, req: &Request) {
        self.text(&req.method);
        self.text(&req.url);
        self.url(&req.url);
        for (_, v) in &req.query {
            self.value(v);
        }
        for (name, v) in &req.headers {
            self.header_name(name, v);
            self.text(v);
            if !has_markup(&v.value)
                && let Err(message) = crate::http::header_value(name, &v.value)
            {
                self.errors
                    .push(Diagnostic::at(message, &v.source, v.span.clone()));
            }
        }
        match &req.auth {
            Auth::None => {}
            Auth::Bearer(t) => self.text(t),
            Auth::Basic { username, password } => {
                self.text(username);
                self.text(password);
            }
        }
        match &req.body {
            Body::Empty => {}
            Body::Json(v) => self.value(v),
            Body::Form(fields) => fields.iter().for_each(|(_, v)| self.value(v)),
            Body::Raw(t) => self.text(t),
            Body::File(path) => {
                self.text(path);
                self.upload(path, "`body.file`");
            }
            Body::Multipart(parts) => {
                for (_, part) in parts {
                    match part {
                        MultipartPart::Field(t) => self.text(t),
                        MultipartPart::File { path, content_type } => {
                            self.text(path);
                            self.upload(path, "a file part");
                            if let Some(ct) = content_type {
                                self.text(ct);
                            }
                        }
                    }
                }
            }
        }
        if let Some(ct) = &req.content_type {
            self.text(ct);
        }
    }

    /// A header name as written (the key of `headers` or `expect.headers`): a template, or a
    /// valid HTTP name. `at` is the entry's value, which is on the same line.
    pub(super) fn header_name<T>(&mut self, name: &str, at: &Located<T>) {
        if has_markup(name) {
            self.template(name, &at.source, &at.span, false);
        } else if let Err(message) = crate::http::header_name(name) {
            self.errors
                .push(Diagnostic::at(message, &at.source, at.span.clone()));
        }
    }

    /// A URL written without templates must parse, and every URL must be http or https as
    /// far as it is written out.
    fn url(&mut self, url: &Located<String>) {
        let text = url.value.trim();
        let error = if has_markup(text) {
            // Only the scheme can be known before rendering.
            match text.split_once("://") {
                Some((scheme, _)) if !has_markup(scheme) => unsupported_scheme(scheme),
                _ => None,
            }
        } else if self.last_url.as_deref() == Some(text) {
            None
        } else {
            match url::Url::parse(text) {
                Ok(parsed) => {
                    let problem = unsupported_scheme(parsed.scheme());
                    if problem.is_none() {
                        self.last_url = Some(text.to_owned());
                    }
                    problem
                }
                Err(e) => Some(format!("invalid URL `{text}`: {e}")),
            }
        };
        if let Some(message) = error {
            self.errors
                .push(Diagnostic::at(message, &url.source, url.span.clone()));
        }
    }

    /// A file to send (`what`), written without templates, must be a file that can be read
    /// (relative to its workflow).
    fn upload(&mut self, path: &Located<String>, what: &str) {
        if has_markup(&path.value) {
            return;
        }
        let message = if path.value.trim().is_empty() {
            format!("{what} needs the path of a file; this one is empty")
        } else {
            let full = path.source.sibling(&path.value);
            match std::fs::File::open(&full) {
                Ok(_) if full.is_file() => return,
                Ok(_) => format!("cannot read {}: not a file", full.display()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    format!("cannot read {}: no such file", full.display())
                }
                Err(e) => format!(
                    "cannot read {}: {}",
                    full.display(),
                    crate::io_reason::Reason(&e)
                ),
            }
        };
        self.errors
            .push(Diagnostic::at(message, &path.source, path.span.clone()));
    }
}

/// Why a URL's scheme cannot be sent, if it cannot.
fn unsupported_scheme(scheme: &str) -> Option<String> {
    let ok = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
    (!ok).then(|| format!("URL scheme `{scheme}` is not supported: use http or https"))
}
