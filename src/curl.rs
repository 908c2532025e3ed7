//! A request as a `curl` command line, for a person to run it by hand (`teach`'s `c`).
//!
//! Every piece of text goes through the run's redactor first; each secret it hides becomes a
//! shell variable of the same name (`"$adminAppSecret"`), named on a first comment line, so
//! the command runs once those are set and never holds a secret itself (README, Teaching).
//! Basic credentials are given as `-u`, a form body as one `--data-urlencode` per field (curl
//! encodes the values, so a variable holds the plain secret). The command is quoted for POSIX
//! shells, one option per line.

use std::fmt::Write as _;

use base64::Engine as _;

use crate::http::{Part, PartData, Prepared, PreparedBody, SendOptions};

mod words;

pub use words::quote;
use words::{Piece, Words};

/// `prepared` as curl would send it: method, URL, its headers and the jar's `cookies`, body
/// or multipart parts, and the step's redirect, TLS and timeout settings. `basic_user`: the
/// variable the step's `auth.basic.username` is made of, when it is just one (`<<adminAppID>>`),
/// so `-u` names it beside the secret.
pub fn command(
    prepared: &Prepared,
    cookies: Option<&str>,
    opts: &SendOptions,
    redact: &dyn Fn(&str) -> String,
    basic_user: Option<&str>,
) -> String {
    let mut w = Words::default();
    let mut args: Vec<String> = Vec::new();
    let has_body = !matches!(prepared.body, PreparedBody::Empty);
    // curl picks GET, or POST for a body; anything else is said.
    let implied = if has_body { "POST" } else { "GET" };
    if prepared.method.as_str() != implied {
        args.push(format!("-X {}", prepared.method));
    }
    let form = header_args(&mut w, &mut args, prepared, redact, basic_user);
    if let Some(cookies) = cookies {
        let cookies = redact(&format!("cookie: {cookies}"));
        args.push(format!("-H {}", w.text(&cookies)));
    }
    body_args(&mut w, &mut args, &prepared.body, form, redact);
    if opts.follow_redirects {
        args.push(format!("-L --max-redirs {}", opts.max_redirects));
    }
    if opts.insecure {
        args.push("-k".to_owned());
    }
    args.push(format!("--max-time {}", seconds(opts.timeout)));
    let url = w.text(&redact(prepared.url.as_str()));
    let mut out = String::new();
    if !w.vars().is_empty() {
        let _ = writeln!(out, "# set these first: {}", w.vars().join(" "));
    }
    let _ = write!(out, "curl {url}");
    for arg in args {
        out.push_str(" \\\n  ");
        out.push_str(&arg);
    }
    out
}

/// The request's headers as `-H` (Basic credentials as `-u`) into `args`; `true` when they
/// say the body is a form.
fn header_args(
    w: &mut Words,
    args: &mut Vec<String>,
    prepared: &Prepared,
    redact: &dyn Fn(&str) -> String,
    basic_user: Option<&str>,
) -> bool {
    let mut form = false;
    for (name, value) in &prepared.headers {
        // curl computes these for the body it sends (and the boundary of a multipart body).
        if name == reqwest::header::CONTENT_LENGTH
            || (matches!(prepared.body, PreparedBody::Multipart(_))
                && name == reqwest::header::CONTENT_TYPE)
        {
            continue;
        }
        let value = String::from_utf8_lossy(value.as_bytes());
        if name == reqwest::header::CONTENT_TYPE {
            form |= value.starts_with("application/x-www-form-urlencoded");
        }
        if name == reqwest::header::AUTHORIZATION
            && let Some((user, password)) = basic_credentials(&value)
        {
            args.push(basic_arg(w, (&user, &password), redact, basic_user));
            continue;
        }
        let header = redact(&format!("{name}: {value}"));
        args.push(format!("-H {}", w.text(&header)));
    }
    form
}

/// Basic credentials as `-u user:password`; a secret password with a user made of one
/// variable names that variable for the user.
fn basic_arg(
    w: &mut Words,
    (user, password): (&str, &str),
    redact: &dyn Fn(&str) -> String,
    basic_user: Option<&str>,
) -> String {
    let mut pieces = Words::pieces(&redact(password));
    let secret = pieces.iter().any(|p| matches!(p, Piece::Var(_)));
    let mut word = match basic_user {
        Some(var) if secret => vec![Piece::Var(var.to_owned())],
        _ => Words::pieces(&redact(user)),
    };
    word.push(Piece::Lit(":".to_owned()));
    word.append(&mut pieces);
    format!("-u {}", w.word(word))
}

/// The body as curl's options into `args`: a form one field by field (`form`), other text
/// as it is, a file by its path, multipart parts as `-F`.
fn body_args(
    w: &mut Words,
    args: &mut Vec<String>,
    body: &PreparedBody,
    form: bool,
    redact: &dyn Fn(&str) -> String,
) {
    match body {
        PreparedBody::Empty => {}
        PreparedBody::Bytes(bytes) => match std::str::from_utf8(bytes) {
            Ok(text) => match form.then(|| form_fields(text)).flatten() {
                Some(fields) => {
                    for (name, value) in fields {
                        let mut word = vec![Piece::Lit(format!("{name}="))];
                        word.extend(Words::pieces(&redact(&value)));
                        args.push(format!("--data-urlencode {}", w.word(word)));
                    }
                }
                None => args.push(format!("--data-binary {}", w.text(&redact(text)))),
            },
            Err(_) => args.push(format!(
                "--data-binary @body.bin  # a binary body of {} bytes, not shown",
                bytes.len()
            )),
        },
        PreparedBody::File { path, .. } => {
            args.push(format!("--data-binary {}", quote(&format!("@{path}"))));
        }
        PreparedBody::Multipart(parts) => {
            for part in parts {
                args.push(format!("-F {}", multipart_field(w, part, redact)));
            }
        }
    }
}

/// One multipart part as `-F`'s value: `name=text`, or `name=@file;type=...`.
fn multipart_field(w: &mut Words, part: &Part, redact: &dyn Fn(&str) -> String) -> String {
    match &part.data {
        PartData::Text(text) => w.text(&redact(&format!("{}={text}", part.name))),
        PartData::File {
            file_name,
            content_type,
            ..
        } => {
            let mut field = format!("{}=@{file_name}", part.name);
            if let Some(ct) = content_type {
                let _ = write!(field, ";type={ct}");
            }
            quote(&field).into_owned()
        }
    }
}

/// The variable `auth.basic.username` is made of, when it is just one (`<<adminAppID>>`):
/// `-u` names it beside a secret password.
pub fn basic_user_variable(auth: &crate::workflow::model::Auth) -> Option<&str> {
    match auth {
        crate::workflow::model::Auth::Basic { username, .. } => single_variable(&username.value),
        _ => None,
    }
}

/// The variable a template is made of when it is only that one (`<<adminAppID>>`).
fn single_variable(template: &str) -> Option<&str> {
    let name = template
        .trim()
        .strip_prefix("<<")?
        .strip_suffix(">>")?
        .trim();
    let identifier = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    identifier.then_some(name)
}

/// `user` and `password` of a `Basic` authorization value, when it decodes to them.
fn basic_credentials(value: &str) -> Option<(String, String)> {
    let (scheme, token) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(token.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

/// The fields of a form body, names as sent and values decoded; `None` when one has no name
/// (`--data-urlencode` could not say it).
fn form_fields(body: &str) -> Option<Vec<(String, String)>> {
    body.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let spaced = value.replace('+', " ");
            let value = percent_encoding::percent_decode_str(&spaced)
                .decode_utf8()
                .ok()?
                .into_owned();
            (!name.is_empty()).then(|| (name.to_owned(), value))
        })
        .collect()
}

/// A duration as curl's `--max-time` takes it: whole seconds, or a decimal.
fn seconds(d: std::time::Duration) -> String {
    if d.subsec_millis() == 0 {
        d.as_secs().to_string()
    } else {
        format!("{:.3}", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests;
