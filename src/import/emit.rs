//! Writes an imported workflow as TOML in steprun's style: top-level keys, `[vars]`,
//! `[defaults]`, then each `[[steps]]` with its sub-tables. Every value goes through the
//! `toml` crate, so quoting is always right.

use std::fmt::Write as _;

use toml::{Table, Value};

/// An imported workflow, ready to write.
#[derive(Debug, Default)]
pub struct Workflow {
    pub comments: Vec<String>,
    pub name: String,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub requires: Vec<String>,
    /// Comments written under `requires` (secrets to set in a vars file).
    pub requires_comments: Vec<String>,
    pub vars: Table,
    pub defaults_auth: Option<Value>,
    pub steps: Vec<Step>,
}

/// One imported step.
#[derive(Debug, Default)]
pub struct Step {
    pub comments: Vec<String>,
    pub name: String,
    pub doc: Option<String>,
    pub method: Option<String>,
    pub url: String,
    pub auth: Option<Value>,
    pub content_type: Option<String>,
    pub follow_redirects: Option<bool>,
    pub query: Table,
    pub headers: Table,
    pub body: Option<Body>,
    pub expect_status: Option<Value>,
    pub expect_json: Table,
    pub extract: Table,
}

#[derive(Debug)]
pub enum Body {
    Json(Value),
    Form(Table),
    Raw(String),
    Multipart(Table),
}

/// A key, bare when TOML allows it.
pub fn key(k: &str) -> String {
    let bare = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        k.to_owned()
    } else {
        Value::String(k.to_owned()).to_string()
    }
}

/// A string value; multi-line text as a `"""` block.
fn string(s: &str) -> String {
    let block = s.contains('\n')
        && !s.contains("\"\"\"")
        && !s.ends_with('"')
        && !s.contains('\\')
        && !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
    if block {
        format!("\"\"\"\n{s}\"\"\"")
    } else {
        Value::String(s.to_owned()).to_string()
    }
}

fn line(out: &mut String, k: &str, v: &Value) {
    let _ = writeln!(out, "{} = {}", key(k), value(v));
}

fn value(v: &Value) -> String {
    match v {
        Value::String(s) => string(s),
        other => other.to_string(),
    }
}

fn comments(out: &mut String, lines: &[String]) {
    for l in lines {
        if l.is_empty() {
            out.push_str("#\n");
        } else {
            let _ = writeln!(out, "# {}", comment_text(l));
        }
    }
}

/// A line as a TOML comment may hold it: control characters (a script's stray NUL, a line
/// break) become `\u{…}`, so the file still parses and the comment still shows them.
fn comment_text(line: &str) -> String {
    line.chars()
        .map(|c| match c {
            '\r' | '\n' => " ".to_owned(),
            '\t' => c.to_string(),
            c if c.is_ascii_control() => c.escape_unicode().to_string(),
            c => c.to_string(),
        })
        .collect()
}

fn table(out: &mut String, header: &str, t: &Table) {
    if t.is_empty() {
        return;
    }
    let _ = writeln!(out, "[{header}]");
    for (k, v) in t {
        line(out, k, v);
    }
}

/// The workflow as TOML text.
pub fn write(w: &Workflow) -> String {
    let mut out = String::new();
    comments(&mut out, &w.comments);
    line(&mut out, "name", &Value::String(w.name.clone()));
    if let Some(d) = &w.description {
        line(&mut out, "description", &Value::String(d.clone()));
    }
    if !w.tags.is_empty() {
        let tags = w.tags.iter().cloned().map(Value::String).collect();
        line(&mut out, "tags", &Value::Array(tags));
    }
    if !w.requires.is_empty() {
        let names = w.requires.iter().cloned().map(Value::String).collect();
        line(&mut out, "requires", &Value::Array(names));
    }
    comments(&mut out, &w.requires_comments);
    if !w.vars.is_empty() {
        out.push('\n');
        table(&mut out, "vars", &w.vars);
    }
    if let Some(auth) = &w.defaults_auth {
        out.push_str("\n[defaults]\n");
        line(&mut out, "auth", auth);
    }
    for step in &w.steps {
        out.push('\n');
        write_step(&mut out, step);
    }
    out
}

fn write_step(out: &mut String, s: &Step) {
    comments(out, &s.comments);
    out.push_str("[[steps]]\n");
    line(out, "name", &Value::String(s.name.clone()));
    if let Some(doc) = &s.doc {
        line(out, "doc", &Value::String(doc.clone()));
    }
    if let Some(m) = &s.method {
        line(out, "method", &Value::String(m.clone()));
    }
    line(out, "url", &Value::String(s.url.clone()));
    if let Some(auth) = &s.auth {
        line(out, "auth", auth);
    }
    if let Some(ct) = &s.content_type {
        line(out, "content_type", &Value::String(ct.clone()));
    }
    if let Some(f) = s.follow_redirects {
        line(out, "follow_redirects", &Value::Boolean(f));
    }
    match &s.body {
        Some(Body::Raw(text)) => line(out, "body", &Value::String(text.clone())),
        Some(Body::Json(v)) if !v.is_table() => line(out, "json", v),
        _ => {}
    }
    table(out, "steps.query", &s.query);
    table(out, "steps.headers", &s.headers);
    match &s.body {
        Some(Body::Json(Value::Table(t))) => {
            // An empty object still needs its header, or no body would be sent.
            if t.is_empty() {
                out.push_str("[steps.json]\n");
            }
            table(out, "steps.json", t);
        }
        Some(Body::Form(t)) => table(out, "steps.form", t),
        Some(Body::Multipart(t)) => table(out, "steps.multipart", t),
        _ => {}
    }
    if let Some(status) = &s.expect_status {
        out.push_str("[steps.expect]\n");
        line(out, "status", status);
    }
    table(out, "steps.expect.json", &s.expect_json);
    table(out, "steps.extract", &s.extract);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_quoted_only_when_needed() {
        assert_eq!(key("grant_type"), "grant_type");
        assert_eq!(key("$.status"), "\"$.status\"");
        assert_eq!(key("a b"), "\"a b\"");
        assert_eq!(key(""), "\"\"");
    }

    /// Found by the fuzzer (`tests/fuzz`): a NUL or DEL in a Postman script, kept as a
    /// comment, made a file TOML refuses.
    #[test]
    fn comments_with_control_characters_parse_back() {
        let w = Workflow {
            name: "n".into(),
            comments: vec!["if (jsonData\0.id\u{7f}) {\u{8}\ttab\r\nnext".into()],
            ..Workflow::default()
        };
        let text = write(&w);
        assert!(
            text.contains("# if (jsonData\\u{0}.id\\u{7f}) {\\u{8}\ttab  next\n"),
            "{text}"
        );
        let parsed: Table = text.parse().expect(&text);
        assert_eq!(parsed["name"].as_str(), Some("n"));
    }

    #[test]
    fn written_workflows_parse_back() {
        let mut step = Step {
            name: "Say \"hi\"".into(),
            doc: Some("two\nlines \"quoted\"".into()),
            url: "<<apiPath>>/x".into(),
            ..Step::default()
        };
        step.expect_json
            .insert("$.status".into(), Value::String("OK".into()));
        step.body = Some(Body::Json(Value::Table(Table::new())));
        let w = Workflow {
            name: "n".into(),
            steps: vec![step],
            ..Workflow::default()
        };
        let text = write(&w);
        let parsed: Table = text.parse().expect(&text);
        let step = &parsed["steps"][0];
        assert_eq!(step["doc"].as_str(), Some("two\nlines \"quoted\""));
        assert_eq!(step["expect"]["json"]["$.status"].as_str(), Some("OK"));
        assert!(step["json"].as_table().is_some_and(Table::is_empty));
    }
}
