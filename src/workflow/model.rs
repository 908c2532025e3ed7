//! The workflow data model: what a TOML workflow file means once loaded and its `use` steps inlined.
//!
//! Every templated string stays a template here; the engine renders it at run time. Source
//! positions (`Span`) travel with the pieces a diagnostic may need to point at.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::vars::decl::VarDecl;
use crate::workflow::load::reread::Reread;
use crate::workflow::requires::Needs;
use crate::workflow::source::{Source, Span};

/// Where a deferred step is written (it is the rereader's record of the file).
pub use crate::workflow::load::reread::Deferred;

/// A loaded workflow, with `use` steps already expanded.
#[derive(Debug, Clone)]
pub struct Workflow {
    pub source: Arc<Source>,
    pub name: String,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub requires: Vec<Located<String>>,
    /// Admin roles and products a real tenant must have: this file's `[requires]` and those
    /// of the files it `use`s.
    pub needs: Needs,
    pub fragment: bool,
    /// Defaults from `[vars]`, this file's entries over those of the files it `use`s.
    pub vars: Vec<VarDecl>,
    pub steps: Steps,
}

/// A value together with where it was written.
#[derive(Debug, Clone)]
pub struct Located<T> {
    pub value: T,
    pub source: Arc<Source>,
    pub span: Span,
}

impl<T> Located<T> {
    /// `file:line:col` where the value is written.
    pub fn position(&self) -> String {
        self.source.position(self.span.start)
    }
}

/// A step after `use` expansion and `[defaults]` merging.
#[derive(Debug, Clone)]
pub struct Step {
    pub name: String,
    pub doc: Option<String>,
    /// The file this step was written in (differs from the workflow's for inlined steps).
    pub source: Arc<Source>,
    pub span: Span,
    /// Conditions from enclosing `use` steps and this step, all of which must hold.
    pub when: Vec<Located<String>>,
    pub request: Request,
    pub delay: Option<Duration>,
    pub retry: Option<Retry>,
    pub prompt: Vec<(String, String)>,
    pub expect: Expect,
    pub extract: Vec<Extraction>,
    pub cleanup: Option<Box<Cleanup>>,
    /// The `requires` of `use`d files whose steps start here: checked at this point, where
    /// earlier steps' extractions count as defined.
    pub requires: Vec<Located<String>>,
}

/// A cleanup request registered when its step passes.
#[derive(Debug, Clone)]
pub struct Cleanup {
    pub name: String,
    pub when: Vec<Located<String>>,
    pub request: Request,
    pub delay: Option<Duration>,
    pub retry: Option<Retry>,
    pub expect: Expect,
}

/// The HTTP side of a step: everything needed to build the request, still templated.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Located<String>,
    pub url: Located<String>,
    pub query: Vec<(String, Located<Value>)>,
    pub headers: Vec<(String, Located<String>)>,
    pub auth: Auth,
    pub body: Body,
    pub content_type: Option<Located<String>>,
    pub follow_redirects: bool,
    pub max_redirects: u32,
    pub timeout: Duration,
    pub insecure: bool,
}

#[derive(Debug, Clone, Default)]
pub enum Auth {
    #[default]
    None,
    Bearer(Located<String>),
    Basic {
        username: Located<String>,
        password: Located<String>,
    },
}

#[derive(Debug, Clone, Default)]
pub enum Body {
    #[default]
    Empty,
    /// Any TOML value, rendered string by string and sent as JSON.
    Json(Located<Value>),
    Form(Vec<(String, Located<Value>)>),
    Raw(Located<String>),
    /// `body = { file = "…" }`: the file's bytes as they are, the path relative to the file
    /// the step was written in.
    File(Located<String>),
    Multipart(Vec<(String, MultipartPart)>),
}

#[derive(Debug, Clone)]
pub enum MultipartPart {
    Field(Located<String>),
    File {
        /// Relative to the file the step was written in.
        path: Located<String>,
        content_type: Option<Located<String>>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    pub attempts: u32,
    pub interval: Duration,
}

/// What a response must satisfy (README, Expectations).
#[derive(Debug, Clone, Default)]
pub struct Expect {
    /// Empty: any 2xx passes.
    pub status: Vec<Located<Value>>,
    pub json: Vec<(Located<String>, Matcher)>,
    pub headers: Vec<(String, Matcher)>,
    pub body: Option<Matcher>,
    /// JSONPath into the SAML Response the response carries (README, Reading SAML).
    pub saml: Vec<(Located<String>, Matcher)>,
    /// Variable name → expected value, checked after the step's extractions.
    pub vars: Vec<(Located<String>, Matcher)>,
    /// `lt`, `lte`, `gt`, `gte` on the response time; empty: any time passes.
    pub duration: Vec<(Predicate, Located<Duration>)>,
}

/// An expected value: equality with a (templated) value, or a set of predicates that must all hold.
#[derive(Debug, Clone)]
pub enum Matcher {
    Equals(Located<Value>),
    Predicates(Vec<(Predicate, Located<Value>)>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Predicate {
    Eq,
    Ne,
    Exists,
    Contains,
    Matches,
    Gt,
    Gte,
    Lt,
    Lte,
    Len,
    Type,
    In,
}

impl Predicate {
    pub const ALL: [(&'static str, Predicate); 12] = [
        ("eq", Predicate::Eq),
        ("ne", Predicate::Ne),
        ("exists", Predicate::Exists),
        ("contains", Predicate::Contains),
        ("matches", Predicate::Matches),
        ("gt", Predicate::Gt),
        ("gte", Predicate::Gte),
        ("lt", Predicate::Lt),
        ("lte", Predicate::Lte),
        ("len", Predicate::Len),
        ("type", Predicate::Type),
        ("in", Predicate::In),
    ];

    pub fn from_name(name: &str) -> Option<Predicate> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, p)| *p)
    }

    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, p)| *p == self)
            .map_or("?", |(n, _)| n)
    }
}

/// One `[steps.extract]` entry (README, Extraction).
#[derive(Debug, Clone)]
pub struct Extraction {
    pub name: String,
    pub source: ExtractSource,
    /// Applied in this order: `query`/`fragment`, `regex`, `saml`, `jwt`.
    pub query: Option<Located<String>>,
    pub fragment: Option<Located<String>>,
    pub regex: Option<Located<String>>,
    pub saml: Option<Located<String>>,
    pub jwt: Option<Located<String>>,
    /// As written; `None` lets the name decide (README, Variables).
    pub secret: Option<bool>,
    pub optional: bool,
}

#[derive(Debug, Clone)]
pub enum ExtractSource {
    JsonPath(Located<String>),
    Header(Located<String>),
    Cookie(Located<String>),
    Status,
    Body,
    Url,
}

/// `[defaults]` of one file, converted (`request` converts them).
#[derive(Debug, Clone, Default)]
pub struct Defaults {
    pub headers: Vec<(String, Located<String>)>,
    pub auth: Option<Auth>,
    pub timeout: Option<Duration>,
    pub follow_redirects: Option<bool>,
    /// `[defaults.expect] duration`: for every step without an `expect.duration` of its own.
    pub duration: Vec<(Predicate, Located<Duration>)>,
}

// A workflow's steps, in order. A long workflow keeps its first steps converted and reads the
// others again when they are needed, so memory does not grow with the number of steps: the
// static check and the run each read a deferred step once, one at a time. A file that can be
// opened again keeps only the text up to its last converted step: later steps are read from
// the file (see `load::reread`). The list is plain data; reading a deferred step is the
// loader's (`load::read_steps`).

/// Steps of one file kept converted; the rest are read again when needed.
pub const KEPT: usize = 1024;

#[derive(Debug, Clone, Default)]
pub struct Steps {
    items: Vec<Item>,
}

#[derive(Debug, Clone)]
pub enum Item {
    Loaded(Box<Step>),
    /// A `[[steps]]` entry of `reader`'s file.
    Deferred(Arc<Reader>, Deferred),
}

/// What reading a deferred step needs: its file (`source`, whose text then stops before the
/// deferred steps, and the open file to read them from) and the file's converted `[defaults]`.
#[derive(Debug)]
pub struct Reader {
    pub source: Arc<Source>,
    pub defaults: Defaults,
    pub file: Option<Reread>,
}

impl Steps {
    pub fn push(&mut self, step: Step) {
        self.push_boxed(Box::new(step));
    }

    pub fn push_boxed(&mut self, step: Box<Step>) {
        self.items.push(Item::Loaded(step));
    }

    pub fn reserve(&mut self, additional: usize) {
        self.items.reserve(additional);
    }

    pub fn defer(&mut self, reader: &Arc<Reader>, at: Deferred) {
        self.items.push(Item::Deferred(Arc::clone(reader), at));
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The steps in order, deferred ones as where to read them (`load::read_steps` reads them).
    pub fn items(&self) -> &[Item] {
        &self.items
    }
}

impl FromIterator<Step> for Steps {
    fn from_iter<I: IntoIterator<Item = Step>>(iter: I) -> Steps {
        Steps {
            items: iter
                .into_iter()
                .map(|s| Item::Loaded(Box::new(s)))
                .collect(),
        }
    }
}
