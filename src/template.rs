//! The minijinja environment: `<< >>`, `<% %>`, `<# #>` delimiters, strict undefined, built-ins.
//!
//! Custom delimiters keep JSON bodies with `{{ }}` or `{% %}` intact; strict undefined turns
//! a misspelt variable into an error instead of an empty string in a request.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD, URL_SAFE_NO_PAD_INDIFFERENT};
use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Object, Serde, StringInput, ValueKind};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, State, UndefinedBehavior};
use serde_json::Value;
use sha2::Sha256;

use crate::vars::{Var, VarStore};

/// A template that failed to parse or render.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct TemplateError {
    pub message: String,
    /// Byte offset of the problem within the template text, when known.
    pub offset: Option<usize>,
    /// The undefined variable, when that is the problem.
    pub undefined: Option<String>,
}

/// The template engine of a run: one environment, built once, shared by every step.
pub struct Templates {
    env: Environment<'static>,
    run_id: String,
    /// Globals and functions, which are not variables a user has to define.
    builtins: BTreeSet<String>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("run_id", &self.run_id)
            .finish_non_exhaustive()
    }
}

/// Prefix of the template that re-evaluates a failed condition to get a located error.
const CONDITION_PREFIX: &str = "<% if ";

impl Templates {
    pub fn new(run_id: &str) -> Templates {
        let mut env = Environment::new();
        // Every delimiter pair must be set, or `{% %}` in a JSON body stays active.
        let syntax = SyntaxConfig::builder()
            .variable_delimiters("<<", ">>")
            .block_delimiters("<%", "%>")
            .comment_delimiters("<#", "#>")
            .keep_trailing_newline(true)
            .build();
        match syntax {
            Ok(syntax) => env.set_syntax(syntax),
            // The delimiters are constants that minijinja accepts; tested below.
            Err(err) => unreachable!("invalid template delimiters: {err}"),
        }
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_debug(true);
        env.set_auto_escape_callback(|_| AutoEscape::None);
        env.add_global("run_id", run_id);
        builtins::register(&mut env);
        let builtins = env.globals().map(|(name, _)| name.to_owned()).collect();
        Templates {
            env,
            run_id: run_id.to_owned(),
            builtins,
        }
    }

    /// The run id given to [`Templates::new`], visible to templates as `run_id`.
    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// Whether `name` is a built-in global or function rather than a user variable.
    pub fn is_builtin(&self, name: &str) -> bool {
        self.builtins.contains(name)
    }

    pub fn render_string(&self, src: &str, vars: &VarStore) -> Result<String, TemplateError> {
        if !has_markup(src) {
            return Ok(src.to_owned());
        }
        let template = self
            .env
            .template_from_str(src)
            .map_err(|err| self.convert(&err, src, None, 0))?;
        template
            .render(context(vars))
            .map_err(|err| self.convert(&err, src, Some(vars), 0))
    }

    /// Renders `src`; if it is exactly one `<< expr >>`, returns the value with its JSON type.
    pub fn render_typed(&self, src: &str, vars: &VarStore) -> Result<Value, TemplateError> {
        if !has_markup(src) {
            return Ok(Value::String(src.to_owned()));
        }
        if let Some(expr) = single_expression(src) {
            let name = expr.trim();
            if let Some(var) = vars.get(name) {
                return Ok(var.value.clone());
            }
            if let Ok(compiled) = self.env.compile_expression(expr)
                && let Ok(value) = compiled.eval(context(vars))
                && !value.is_undefined()
            {
                return to_json(&value);
            }
            // Anything else falls through to text rendering, which reports the error
            // with its position in `src`.
        }
        self.render_string(src, vars).map(Value::String)
    }

    /// Renders every string in `value` with [`render_typed`](Self::render_typed); object keys as text.
    pub fn render_value(&self, value: &Value, vars: &VarStore) -> Result<Value, TemplateError> {
        Ok(match value {
            Value::String(src) => self.render_typed(src, vars)?,
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|item| self.render_value(item, vars))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => {
                let mut out = serde_json::Map::with_capacity(map.len());
                for (key, item) in map {
                    out.insert(
                        self.render_string(key, vars)?,
                        self.render_value(item, vars)?,
                    );
                }
                Value::Object(out)
            }
            other => other.clone(),
        })
    }

    /// Evaluates a bare expression (`target == 'sandbox'`) and returns its truthiness.
    pub fn eval_condition(&self, expr: &str, vars: &VarStore) -> Result<bool, TemplateError> {
        let compiled = self
            .env
            .compile_expression(expr)
            .map_err(|err| self.convert(&err, expr, None, 0))?;
        let first_error = match compiled.eval(context(vars)) {
            Ok(value) if !value.is_undefined() => return Ok(value.is_true()),
            Ok(_) => None,
            Err(err) => Some(err),
        };
        // Expressions report undefined values without a position (or not at all), but an
        // `if` block in strict mode points at them: evaluate again that way to explain.
        let wrapped = format!("{CONDITION_PREFIX}{expr} %>1<% endif %>");
        let shift = CONDITION_PREFIX.len();
        let err = match self.env.render_str(&wrapped, context(vars)) {
            Err(err) => err,
            Ok(_) => first_error.unwrap_or_else(|| Error::from(ErrorKind::UndefinedError)),
        };
        Err(self.convert(&err, expr, Some(vars), shift))
    }

    /// Syntax-checks `src` and returns the variables it reads without defining them.
    pub fn variables_used(&self, src: &str) -> Result<BTreeSet<String>, TemplateError> {
        if !has_markup(src) {
            return Ok(BTreeSet::new());
        }
        let template = self
            .env
            .template_from_str(src)
            .map_err(|err| self.convert(&err, src, None, 0))?;
        Ok(self.user_variables(template.undeclared_variables(false)))
    }

    /// Syntax-checks a bare expression and returns the variables it reads.
    pub fn expression_variables(&self, expr: &str) -> Result<BTreeSet<String>, TemplateError> {
        let compiled = self
            .env
            .compile_expression(expr)
            .map_err(|err| self.convert(&err, expr, None, 0))?;
        Ok(self.user_variables(compiled.undeclared_variables(false)))
    }

    fn user_variables(&self, names: impl IntoIterator<Item = String>) -> BTreeSet<String> {
        names
            .into_iter()
            .filter(|name| !self.is_builtin(name))
            .collect()
    }

    /// Turns a minijinja error into ours. `shift` is how many bytes of wrapper precede
    /// `src` in the text minijinja saw.
    fn convert(
        &self,
        err: &Error,
        src: &str,
        vars: Option<&VarStore>,
        shift: usize,
    ) -> TemplateError {
        let offset = match err.range() {
            Some(range) => Some(range.start.saturating_sub(shift).min(src.len())),
            None => err.line().map(|line| line_start(src, line)),
        };
        let path = err.detail().and_then(undefined_path).or_else(|| {
            let range = err.range()?;
            let text = src.get(range.start.checked_sub(shift)?..range.end.checked_sub(shift)?)?;
            (err.kind() == ErrorKind::UndefinedError && is_identifier(text)).then_some(text)
        });
        if let Some(path) = path {
            // minijinja points at the enclosing expression; point at the name itself.
            let narrow = |needle: &str| find_name(src, offset.unwrap_or(0), needle).or(offset);
            let root = root_name(path);
            let known = self.is_builtin(root) || vars.is_some_and(|v| v.contains(root));
            if !known && !root.is_empty() {
                return TemplateError {
                    message: format!("undefined variable `{root}`"),
                    offset: narrow(root),
                    undefined: Some(root.to_owned()),
                };
            }
            return TemplateError {
                message: format!("undefined value `{path}`"),
                offset: narrow(path),
                undefined: None,
            };
        }
        let message = match (err.kind(), err.detail()) {
            // Our built-ins and minijinja's operators say enough on their own.
            (ErrorKind::InvalidOperation, Some(detail)) => detail.to_owned(),
            (kind, Some(detail)) => format!("{kind}: {detail}"),
            (kind, None) => kind.to_string(),
        };
        TemplateError {
            message,
            offset,
            undefined: None,
        }
    }
}

/// Whether `text` holds template markup at all; text without it is used as is.
pub fn has_markup(text: &str) -> bool {
    text.contains("<<") || text.contains("<%") || text.contains("<#")
}

/// A fresh run id: 8 random hex characters.
pub fn generate_run_id() -> String {
    format!("{:08x}", rand::random::<u32>())
}

/// Percent-encodes everything but the RFC 3986 unreserved characters, so the result is
/// safe in a query string, a path segment or a form body.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0F)]));
        }
    }
    out
}

/// The expression of a template that is exactly one `<< expr >>`, whitespace control
/// (`<<-`, `->>`) removed; `None` for anything else.
fn single_expression(src: &str) -> Option<&str> {
    let inner = src.strip_prefix("<<")?.strip_suffix(">>")?;
    let delimiters = ["<<", ">>", "<%", "%>", "<#", "#>"];
    if delimiters.iter().any(|d| inner.contains(d)) {
        return None;
    }
    let inner = inner.strip_prefix('-').unwrap_or(inner);
    Some(inner.strip_suffix('-').unwrap_or(inner))
}

/// The template context: a view of the store that converts only the variables looked up.
#[derive(Clone)]
struct StoreContext(Arc<BTreeMap<String, Var>>);

impl std::fmt::Debug for StoreContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Names only: values may be secret.
        f.debug_list().entries(self.0.keys()).finish()
    }
}

impl Object for StoreContext {
    fn get_value(self: &Arc<Self>, key: &minijinja::Value) -> Option<minijinja::Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<minijinja::Value> {
        let var = self.0.get(key)?;
        Some(minijinja::Value::from(Serde(&var.value)))
    }
}

fn context(vars: &VarStore) -> minijinja::Value {
    minijinja::Value::from_object(StoreContext(vars.shared()))
}

fn to_json(value: &minijinja::Value) -> Result<Value, TemplateError> {
    if value.kind() == ValueKind::Plain {
        return Err(TemplateError {
            message: "expression does not give a value that can be sent".to_owned(),
            offset: None,
            undefined: None,
        });
    }
    serde_json::to_value(value).map_err(|err| TemplateError {
        message: format!("cannot convert the result to json: {err}"),
        offset: None,
        undefined: None,
    })
}

/// The `x` or `x.y` in minijinja's "`x.y` is undefined".
fn undefined_path(detail: &str) -> Option<&str> {
    let mut rest = detail;
    while let Some(start) = rest.find('`') {
        let after = &rest[start + 1..];
        let end = after.find('`')?;
        if after[end + 1..].starts_with(" is undefined") {
            return Some(&after[..end]);
        }
        rest = &after[end + 1..];
    }
    None
}

/// `a` for `a.b.c` or `a[0]`.
fn root_name(path: &str) -> &str {
    let end = path
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(path.len());
    &path[..end]
}

fn is_identifier(text: &str) -> bool {
    !text.is_empty() && root_name(text) == text && !text.starts_with(|c: char| c.is_ascii_digit())
}

/// Where `name` occurs in `src` as a whole name (not as an attribute), preferring the
/// first occurrence at or after `from`.
fn find_name(src: &str, from: usize, name: &str) -> Option<usize> {
    let bytes = src.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    src.match_indices(name)
        .map(|(i, _)| i)
        .filter(|&i| {
            let end = i + name.len();
            let clear_before = i == 0 || !(word(bytes[i - 1]) || bytes[i - 1] == b'.');
            clear_before && (end == bytes.len() || !word(bytes[end]))
        })
        .min_by_key(|&i| (i < from, i))
}

/// Byte offset where 1-based `line` starts in `src`.
fn line_start(src: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    src.match_indices('\n')
        .nth(line - 2)
        .map_or(src.len(), |(i, _)| i + 1)
}

/// The built-in functions and filters of SPEC §3.
mod builtins {
    use base64::Engine as _;
    use minijinja::Value;
    use minijinja::value::ValueKind;
    use sha2::Digest as _;

    use super::{
        Environment, Error, ErrorKind, STANDARD, Serde, Sha256, State, StringInput,
        URL_SAFE_NO_PAD, URL_SAFE_NO_PAD_INDIFFERENT, percent_encode,
    };

    const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    /// RFC 7636 §4.1 `unreserved` characters.
    const UNRESERVED: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    /// A verifier may be 43 to 128 characters; 64 gives 384 bits of entropy.
    const PKCE_VERIFIER_LEN: usize = 64;
    /// Keeps a typo like `random_string(1000000000)` from exhausting memory.
    const MAX_RANDOM_STRING: usize = 4096;

    pub(super) fn register(env: &mut Environment<'static>) {
        env.add_function("uuid", || uuid::Uuid::new_v4().to_string());
        env.add_function("now", || format!("{:.0}", jiff::Timestamp::now()));
        env.add_function("timestamp", || jiff::Timestamp::now().as_second());
        env.add_function("random_int", random_int);
        env.add_function("random_string", random_string);
        env.add_function("pkce_verifier", || {
            random_from(UNRESERVED, PKCE_VERIFIER_LEN)
        });
        env.add_function("env", read_env);
        env.add_filter("pkce_s256", |v: StringInput| pkce_s256(v.as_str()));
        env.add_filter("base64", |v: StringInput| STANDARD.encode(v.as_str()));
        env.add_filter("base64url", |v: StringInput| {
            URL_SAFE_NO_PAD.encode(v.as_str())
        });
        env.add_filter("urlencode", urlencode);
        env.add_filter("jwt_payload", |v: StringInput| jwt_payload(v.as_str()));
        env.add_filter("tojson", tojson);
    }

    fn invalid(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::InvalidOperation, message.into())
    }

    fn random_from(charset: &[u8], len: usize) -> String {
        (0..len)
            .map(|_| char::from(charset[rand::random_range(0..charset.len())]))
            .collect()
    }

    fn random_int(lo: i64, hi: i64) -> Result<i64, Error> {
        if lo > hi {
            return Err(invalid(format!(
                "random_int({lo}, {hi}): lower bound exceeds upper bound"
            )));
        }
        Ok(rand::random_range(lo..=hi))
    }

    fn random_string(len: usize) -> Result<String, Error> {
        if len > MAX_RANDOM_STRING {
            return Err(invalid(format!(
                "random_string: length is limited to {MAX_RANDOM_STRING}"
            )));
        }
        Ok(random_from(ALPHANUMERIC, len))
    }

    fn read_env(name: &str) -> Result<String, Error> {
        std::env::var(name).map_err(|err| match err {
            std::env::VarError::NotPresent => {
                invalid(format!("environment variable `{name}` is not set"))
            }
            std::env::VarError::NotUnicode(_) => invalid(format!(
                "environment variable `{name}` is not valid unicode"
            )),
        })
    }

    pub(super) fn pkce_s256(verifier: &str) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
    }

    /// Strings are percent-encoded; a map becomes `k=v&…` with keys and values encoded.
    fn urlencode(state: &State, value: &Value) -> Result<String, Error> {
        if value.kind() == ValueKind::Map {
            let mut out = Vec::new();
            for key in value.try_iter()? {
                let item = value.get_item(&key)?;
                let key = StringInput::new(state, &key)?;
                let item = StringInput::new(state, &item)?;
                out.push(format!(
                    "{}={}",
                    percent_encode(key.as_str()),
                    percent_encode(item.as_str())
                ));
            }
            return Ok(out.join("&"));
        }
        Ok(percent_encode(StringInput::new(state, value)?.as_str()))
    }

    /// Decodes the payload of a JWT without verifying its signature.
    pub(super) fn jwt_payload(token: &str) -> Result<Value, Error> {
        let mut parts = token.trim().split('.');
        let (Some(_), Some(payload), Some(_), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid(
                "jwt_payload: not a JWT (expected three dot-separated parts)",
            ));
        };
        let bytes = URL_SAFE_NO_PAD_INDIFFERENT
            .decode(payload)
            .map_err(|_| invalid("jwt_payload: the payload is not base64url"))?;
        let json: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|_| invalid("jwt_payload: the payload is not json"))?;
        Ok(Value::from(Serde(&json)))
    }

    /// Compact JSON (minijinja's own `tojson` HTML-escapes `<`, `>`, `&` and `'`).
    fn tojson(state: &State, value: &Value, indent: Option<usize>) -> Result<String, Error> {
        if value.is_undefined() {
            // Raises the strict-mode error that names the variable.
            StringInput::new(state, value)?;
        }
        let text = match indent {
            Some(width) => {
                let indent = " ".repeat(width);
                let formatter = serde_json::ser::PrettyFormatter::with_indent(indent.as_bytes());
                let mut out = Vec::new();
                let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
                serde::Serialize::serialize(value, &mut ser)
                    .map(|()| String::from_utf8_lossy(&out).into_owned())
            }
            None => serde_json::to_string(value),
        };
        text.map_err(|err| invalid(format!("tojson: {err}")))
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use serde_json::json;

    use super::*;

    fn store(pairs: &[(&str, Value)]) -> VarStore {
        let mut vars = VarStore::new();
        for (name, value) in pairs {
            vars.set(*name, value.clone(), false);
        }
        vars
    }

    fn templates() -> Templates {
        Templates::new("0a1b2c3d")
    }

    #[test]
    fn templates_are_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Templates>();
    }

    #[test]
    fn renders_variables_and_keeps_json_braces() {
        let t = templates();
        let vars = store(&[("appId", json!("abc")), ("n", json!(2))]);
        let out = t.render_string(
            r#"{"a": "{{ x }}", "b": "{% y %}", "c": "<<appId>>-<< n + 1 >>"}"#,
            &vars,
        );
        assert_eq!(
            out.unwrap(),
            r#"{"a": "{{ x }}", "b": "{% y %}", "c": "abc-3"}"#
        );
        let blocks = t.render_string("<% if n > 1 %>big<% endif %><# note #>\n", &vars);
        assert_eq!(blocks.unwrap(), "big\n");
    }

    #[test]
    fn run_id_is_a_variable() {
        let t = templates();
        let out = t
            .render_string("user-<<run_id>>", &VarStore::new())
            .unwrap();
        assert_eq!(out, "user-0a1b2c3d");
        assert_eq!(t.run_id(), "0a1b2c3d");
        let id = generate_run_id();
        assert!(
            id.len() == 8 && id.chars().all(|c| c.is_ascii_hexdigit()),
            "{id}"
        );
    }

    #[test]
    fn single_expression_keeps_its_type() {
        let t = templates();
        let vars = store(&[("count", json!(2)), ("obj", json!({"z": 1, "a": [true]}))]);
        assert_eq!(t.render_typed("<<count>>", &vars).unwrap(), json!(2));
        assert_eq!(t.render_typed("<< count + 1 >>", &vars).unwrap(), json!(3));
        assert_eq!(
            t.render_typed("<< obj >>", &vars).unwrap(),
            json!({"z": 1, "a": [true]})
        );
        assert_eq!(t.render_typed("<< obj.a >>", &vars).unwrap(), json!([true]));
        assert_eq!(t.render_typed("<<- count ->>", &vars).unwrap(), json!(2));
        assert_eq!(t.render_typed("<< none >>", &vars).unwrap(), Value::Null);
        // Anything around the expression makes it text.
        assert_eq!(t.render_typed(" <<count>>", &vars).unwrap(), json!(" 2"));
        assert_eq!(
            t.render_typed("<<count>><<count>>", &vars).unwrap(),
            json!("22")
        );
        assert_eq!(t.render_typed("plain", &vars).unwrap(), json!("plain"));
    }

    #[test]
    fn render_value_walks_arrays_and_objects() {
        let t = templates();
        let vars = store(&[("k", json!("key")), ("n", json!(5)), ("s", json!("x"))]);
        let value = json!({"<<k>>": ["<<n>>", "id-<<s>>", 1.5, null], "flag": true});
        let out = t.render_value(&value, &vars).unwrap();
        assert_eq!(out, json!({"key": [5, "id-x", 1.5, null], "flag": true}));
    }

    #[test]
    fn undefined_variable_is_named_with_its_offset() {
        let t = templates();
        let err = t
            .render_string("x <<appId>>", &VarStore::new())
            .unwrap_err();
        assert_eq!(err.message, "undefined variable `appId`");
        assert_eq!(err.undefined.as_deref(), Some("appId"));
        assert_eq!(err.offset, Some(4));
        let err = t
            .render_typed("<< user.name >>", &VarStore::new())
            .unwrap_err();
        assert_eq!(err.undefined.as_deref(), Some("user"));
        let err = t
            .render_typed("a\nb << n + 1 >>", &VarStore::new())
            .unwrap_err();
        assert_eq!(err.undefined.as_deref(), Some("n"));
        let err = t
            .render_string("<< x | base64 >>", &VarStore::new())
            .unwrap_err();
        assert_eq!(err.undefined.as_deref(), Some("x"));
        let err = t
            .render_string("<< 'x.' ~ tenant | upper >>", &VarStore::new())
            .unwrap_err();
        assert_eq!(
            (err.undefined.as_deref(), err.offset),
            (Some("tenant"), Some(10))
        );
    }

    #[test]
    fn missing_attribute_is_not_an_undefined_variable() {
        let t = templates();
        let vars = store(&[("user", json!({"id": 1}))]);
        let err = t.render_typed("<< user.name >>", &vars).unwrap_err();
        assert_eq!(err.undefined, None);
        assert_eq!(err.message, "undefined value `user.name`");
    }

    #[test]
    fn syntax_errors_have_a_message_and_offset() {
        let t = templates();
        let err = t.render_string("ab << a", &VarStore::new()).unwrap_err();
        assert!(
            err.message
                .starts_with("syntax error: unexpected end of input"),
            "{}",
            err.message
        );
        assert_eq!(err.offset, Some(6));
        let err = t.variables_used("line1\n<% if %>").unwrap_err();
        assert!(err.message.starts_with("syntax error"), "{}", err.message);
        assert!(err.offset.is_some_and(|o| o >= 6), "{:?}", err.offset);
    }

    #[test]
    fn conditions() {
        let t = templates();
        let vars = store(&[("target", json!("sandbox")), ("n", json!(0))]);
        assert!(t.eval_condition("target == 'sandbox'", &vars).unwrap());
        assert!(!t.eval_condition("n", &vars).unwrap());
        assert!(t.eval_condition("missing is undefined", &vars).unwrap());
        assert!(!t.eval_condition("missing is defined", &vars).unwrap());
        let err = t
            .eval_condition("n > 1 or tenant == 'x'", &vars)
            .unwrap_err();
        assert_eq!(err.undefined.as_deref(), Some("tenant"));
        assert_eq!(err.offset, Some(9));
        let err = t.eval_condition("missing", &vars).unwrap_err();
        assert_eq!(err.undefined.as_deref(), Some("missing"));
        let err = t.eval_condition("target ==", &vars).unwrap_err();
        assert!(err.message.starts_with("syntax error"), "{}", err.message);
    }

    #[test]
    fn variables_used_skips_builtins_and_locals() {
        let t = templates();
        let used = t
            .variables_used("<<apiPath>>/<< uuid() >>/<<run_id>>/<< user.id >><% set k = 1 %><<k>><% for i in items %><<i>><% endfor %>")
            .unwrap();
        let expected: BTreeSet<String> = ["apiPath", "items", "user"].map(String::from).into();
        assert_eq!(used, expected);
        let used = t
            .expression_variables("target == 'sandbox' and env('X') and a.b")
            .unwrap();
        assert_eq!(used, ["a", "target"].map(String::from).into());
        assert!(t.variables_used("{{ no }} markup").unwrap().is_empty());
    }

    #[test]
    fn pkce_matches_rfc_7636_appendix_b() {
        let t = templates();
        let vars = store(&[("v", json!("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))]);
        let out = t.render_string("<< v | pkce_s256 >>", &vars).unwrap();
        assert_eq!(out, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        let verifier = t.render_string("<< pkce_verifier() >>", &vars).unwrap();
        assert_eq!(verifier.len(), 64);
        assert!(
            verifier
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
        );
    }

    #[test]
    fn random_and_time_functions() {
        let t = templates();
        let vars = VarStore::new();
        let n = t.render_typed("<< random_int(3, 5) >>", &vars).unwrap();
        assert!(n.as_i64().is_some_and(|n| (3..=5).contains(&n)), "{n}");
        assert_eq!(
            t.render_typed("<< random_int(7, 7) >>", &vars).unwrap(),
            json!(7)
        );
        assert!(t.render_typed("<< random_int(5, 3) >>", &vars).is_err());
        let s = t.render_string("<< random_string(12) >>", &vars).unwrap();
        assert!(
            s.len() == 12 && s.bytes().all(|b| b.is_ascii_alphanumeric()),
            "{s}"
        );
        let id = t.render_string("<< uuid() >>", &vars).unwrap();
        assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
        let now = t.render_string("<< now() >>", &vars).unwrap();
        assert!(
            now.parse::<jiff::Timestamp>().is_ok() && now.ends_with('Z'),
            "{now}"
        );
        let ts = t.render_typed("<< timestamp() >>", &vars).unwrap();
        assert!(ts.as_i64().is_some_and(|s| s > 1_700_000_000), "{ts}");
    }

    #[test]
    fn env_function_reads_the_environment() {
        let t = templates();
        let vars = VarStore::new();
        let path = std::env::var("PATH").unwrap_or_default();
        assert_eq!(t.render_string("<< env('PATH') >>", &vars).unwrap(), path);
        let err = t
            .render_string("<< env('STEPRUN_SURELY_UNSET_9F2C') >>", &vars)
            .unwrap_err();
        assert_eq!(
            err.message,
            "environment variable `STEPRUN_SURELY_UNSET_9F2C` is not set"
        );
        assert_eq!(err.undefined, None);
    }

    #[test]
    fn encoding_filters() {
        let t = templates();
        let vars = store(&[("s", json!("a b&c=d/é~")), ("q", json!({"x y": "1+1"}))]);
        let render = |src: &str| t.render_string(src, &vars).unwrap();
        assert_eq!(render("<< s | urlencode >>"), "a%20b%26c%3Dd%2F%C3%A9~");
        assert_eq!(render("<< q | urlencode >>"), "x%20y=1%2B1");
        assert_eq!(render("<< 'user:pa>ss?' | base64 >>"), "dXNlcjpwYT5zcz8=");
        assert_eq!(render("<< 'user:pa>ss?' | base64url >>"), "dXNlcjpwYT5zcz8");
        assert_eq!(render("<< q | tojson >>"), r#"{"x y":"1+1"}"#);
        assert_eq!(render("<< '<a>' | tojson >>"), r#""<a>""#);
        assert_eq!(
            t.render_typed("<< q | tojson >>", &vars).unwrap(),
            json!(r#"{"x y":"1+1"}"#)
        );
    }

    #[test]
    fn jwt_payload_decodes_without_verifying() {
        let t = templates();
        let payload = URL_SAFE_NO_PAD.encode(r#"{"sub":"user-1","n":3}"#);
        let vars = store(&[
            ("jwt", json!(format!("eyJhbGciOiJub25lIn0.{payload}.sig"))),
            ("bad", json!("a.b")),
        ]);
        assert_eq!(
            t.render_typed("<< (jwt | jwt_payload).sub >>", &vars)
                .unwrap(),
            json!("user-1")
        );
        assert_eq!(
            t.render_typed("<< jwt | jwt_payload >>", &vars).unwrap(),
            json!({"sub": "user-1", "n": 3})
        );
        let err = t
            .render_typed("<< bad | jwt_payload >>", &vars)
            .unwrap_err();
        assert!(err.message.contains("not a JWT"), "{}", err.message);
        let err = t
            .render_typed("<< 'a.!!!.c' | jwt_payload >>", &vars)
            .unwrap_err();
        assert!(err.message.contains("base64url"), "{}", err.message);
    }

    #[test]
    fn fast_path_and_store_snapshot() {
        let t = templates();
        let mut vars = store(&[("a", json!(1))]);
        assert_eq!(
            t.render_typed("no markup {{x}}", &vars).unwrap(),
            json!("no markup {{x}}")
        );
        assert_eq!(t.render_typed("<<a>>", &vars).unwrap(), json!(1));
        vars.set("a", json!(2), false);
        assert_eq!(t.render_typed("<<a>>-", &vars).unwrap(), json!("2-"));
    }
}
