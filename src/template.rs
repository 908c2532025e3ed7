//! The minijinja environment: `<< >>`, `<% %>`, `<# #>` delimiters, strict undefined, built-ins.
//!
//! Custom delimiters keep JSON bodies with `{{ }}` or `{% %}` intact; strict undefined turns
//! a misspelt variable into an error instead of an empty string in a request.

use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD, URL_SAFE_NO_PAD_INDIFFERENT};
use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Serde, StringInput};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, State, UndefinedBehavior};
use serde_json::Value;
use sha2::Sha256;

use crate::vars::VarStore;
use context::{template_value, to_json};
pub use error::TemplateError;
use markup::single_expression;
pub use markup::{has_code, has_markup, value_has_markup};
pub use percent::percent_encode;

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
}

/// The built-in functions and filters of the README's Templates.
mod builtins;
mod context;
mod error;
pub mod jwt;
mod lookups;
mod markup;
mod percent;
mod scope;
pub use lookups::env_names;
pub use scope::{scope, scope_of_file};

#[cfg(test)]
mod tests;
