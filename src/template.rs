//! The minijinja environment: `<< >>`, `<% %>`, `<# #>` delimiters, strict undefined, built-ins.
//!
//! Custom delimiters keep JSON bodies with `{{ }}` or `{% %}` intact; strict undefined turns
//! a misspelt variable into an error instead of an empty string in a request.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};

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

/// The template engine of a run: one environment, built once, shared by every step and by
/// every matrix entry ([`with_run_id`](Self::with_run_id)).
pub struct Templates {
    env: Arc<Env>,
    /// What `<<run_id>>` gives where no variable of that name is set: the render context
    /// carries it, ahead of the environment's global, so entries share one environment.
    run_id: Arc<str>,
}

/// The environment, built when a run first meets a template: minijinja's set-up (its
/// filters and tests) is most of a small run's template work, and a run of plain text
/// needs none of it.
struct Env {
    /// The `run_id` global it is built with.
    run_id: String,
    /// The environment, and its globals and functions (names that are not variables a user
    /// has to define).
    built: OnceLock<(Environment<'static>, BTreeSet<String>)>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("run_id", &self.run_id)
            .finish_non_exhaustive()
    }
}

/// The work one render may do (minijinja's fuel): about one unit an instruction and one per
/// 64 bytes of text or data made, so this bounds a render to about a million instructions
/// and 64 MiB. A template that expands to gigabytes fails with [`OUT_OF_FUEL`] instead.
pub const FUEL: u64 = 1_000_000;

/// What a render that ran out of fuel says.
pub const OUT_OF_FUEL: &str = "the template does too much work: a render may make about 64 MiB of text and data and run about a million instructions";

/// Prefix of the template that re-evaluates a failed condition to get a located error.
const CONDITION_PREFIX: &str = "<% if ";

impl Templates {
    pub fn new(run_id: &str) -> Templates {
        Templates {
            env: Arc::new(Env {
                run_id: run_id.to_owned(),
                built: OnceLock::new(),
            }),
            run_id: Arc::from(run_id),
        }
    }

    /// The environment, built on first use.
    fn env(&self) -> &Environment<'static> {
        &self.built().0
    }

    fn built(&self) -> &(Environment<'static>, BTreeSet<String>) {
        self.env.built.get_or_init(|| Self::build(&self.env.run_id))
    }

    /// The environment: our delimiters, strict undefined, fuel, the built-ins.
    fn build(run_id: &str) -> (Environment<'static>, BTreeSet<String>) {
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
        env.set_fuel(Some(FUEL));
        env.set_debug(true);
        env.set_auto_escape_callback(|_| AutoEscape::None);
        env.add_global("run_id", run_id);
        builtins::register(&mut env);
        let builtins = env.globals().map(|(name, _)| name.to_owned()).collect();
        (env, builtins)
    }

    /// These templates with another `run_id` (a matrix entry's), sharing the environment.
    pub fn with_run_id(&self, run_id: &str) -> Templates {
        Templates {
            env: Arc::clone(&self.env),
            run_id: Arc::from(run_id),
        }
    }

    fn context(&self, vars: &VarStore) -> minijinja::Value {
        minijinja::Value::from_object(StoreContext {
            vars: vars.shared(),
            run_id: Arc::clone(&self.run_id),
        })
    }

    /// Whether `name` is a built-in global or function rather than a user variable.
    pub fn is_builtin(&self, name: &str) -> bool {
        self.built().1.contains(name)
    }

    pub fn render_string(&self, src: &str, vars: &VarStore) -> Result<String, TemplateError> {
        if !has_markup(src) {
            return Ok(src.to_owned());
        }
        let template = self
            .env()
            .template_from_str(src)
            .map_err(|err| self.convert(&err, src, None, 0))?;
        template
            .render(self.context(vars))
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
                return Ok(template_value(var).clone());
            }
            if let Ok(compiled) = self.env().compile_expression(expr)
                && let Ok(value) = compiled.eval(self.context(vars))
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
            .env()
            .compile_expression(expr)
            .map_err(|err| self.convert(&err, expr, None, 0))?;
        let first_error = match compiled.eval(self.context(vars)) {
            Ok(value) if !value.is_undefined() => return Ok(value.is_true()),
            Ok(_) => None,
            Err(err) => Some(err),
        };
        // Expressions report undefined values without a position (or not at all), but an
        // `if` block in strict mode points at them: evaluate again that way to explain.
        let wrapped = format!("{CONDITION_PREFIX}{expr} %>1<% endif %>");
        let shift = CONDITION_PREFIX.len();
        let err = match self.env().render_str(&wrapped, self.context(vars)) {
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
            .env()
            .template_from_str(src)
            .map_err(|err| self.convert(&err, src, None, 0))?;
        Ok(self.user_variables(template.undeclared_variables(false)))
    }

    /// Syntax-checks a bare expression and returns the variables it reads.
    pub fn expression_variables(&self, expr: &str) -> Result<BTreeSet<String>, TemplateError> {
        let compiled = self
            .env()
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
            (ErrorKind::OutOfFuel, _) => OUT_OF_FUEL.to_owned(),
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
    opens_with(text, b"<%#")
}

/// Whether `text` holds an expression (`<<`) or a statement (`<%`), the markup that can use a
/// variable (a comment, `<#`, cannot).
pub fn has_code(text: &str) -> bool {
    opens_with(text, b"<%")
}

/// Whether a `<` in `text` is followed by one of `next`. Every step's strings are asked, most
/// of them short and without a `<`: one plain scan for it (the standard library's, with no
/// set-up, which `memchr`'s vector search costs more than it saves on a short string), where
/// substring searches (each setting up its own searcher) cost more than the rest of a plain
/// string's render.
fn opens_with(text: &str, next: &[u8]) -> bool {
    let bytes = text.as_bytes();
    bytes.contains(&b'<')
        && bytes
            .windows(2)
            .any(|w| w[0] == b'<' && next.contains(&w[1]))
}

/// Whether any string or key in `value` holds template markup.
pub fn value_has_markup(value: &Value) -> bool {
    match value {
        Value::String(s) => has_markup(s),
        Value::Array(items) => items.iter().any(value_has_markup),
        Value::Object(map) => map
            .iter()
            .any(|(k, v)| has_markup(k) || value_has_markup(v)),
        _ => false,
    }
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

/// The template context: a view of the store that converts only the variables looked up,
/// and the entry's `run_id` when the store has no variable of that name.
#[derive(Clone)]
struct StoreContext {
    vars: Arc<BTreeMap<String, Var>>,
    run_id: Arc<str>,
}

impl std::fmt::Debug for StoreContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Names only: values may be secret.
        f.debug_list().entries(self.vars.keys()).finish()
    }
}

impl Object for StoreContext {
    fn get_value(self: &Arc<Self>, key: &minijinja::Value) -> Option<minijinja::Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<minijinja::Value> {
        match self.vars.get(key) {
            Some(var) => Some(minijinja::Value::from(Serde(template_value(var)))),
            None if key == "run_id" => Some(minijinja::Value::from(&*self.run_id)),
            None => None,
        }
    }
}

/// A variable's value as templates read it: the one place a render reads a variable, a
/// secret one too, since a request must carry it. What a render makes is redacted wherever
/// it is shown.
fn template_value(var: &Var) -> &Value {
    var.expose()
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

/// The built-in functions and filters of the README's Templates.
mod builtins;
pub mod jwt;
mod lookups;
mod scope;
pub use lookups::env_names;
pub use scope::{scope, scope_of_file};

#[cfg(test)]
mod tests;
