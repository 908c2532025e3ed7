//! How one management collection behaves: its route, scope, validation table and hooks.
//! Plain configuration objects are nothing but a `Spec`; richer resources (users,
//! applications, ...) add `Hooks` for defaults, cross-checks, side effects and links.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use serde_json::{Map, Value};

use super::access::Caller;
use super::error::{ApiError, ApiResult};
use super::list::ListQuery;
use crate::sandbox::state::SandboxState;
use crate::sandbox::store::Store;

/// Scope used for organization-wide singletons that belong to no organization (`roles`).
pub const ROOT: &str = "root";

/// Where a collection's documents live in the store.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    /// Global (`roles`, `organizations`).
    Root,
    /// The organization (`environments`, `licenses`).
    Org,
    /// `{envID}`, which must exist.
    Env,
    /// The last of a chain of parents below `{envID}`: `(path param, parent collection)`;
    /// each parent is looked up in the scope of the previous one.
    Parents(&'static [(&'static str, &'static str)]),
    /// Like `Parents`, but the scope is `"{envID}/{parent}"` because the parent's id is
    /// only unique inside its environment (notification templates are named, not numbered).
    NamedParent(&'static str, &'static str),
}

/// JSON kinds a field must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Str,
    Bool,
    Int,
    Object,
    Array,
}

/// Which HTTP methods the collection answers.
#[derive(Debug, Clone, Copy)]
pub struct Ops {
    pub create: bool,
    pub update: bool,
    pub delete: bool,
}

impl Ops {
    pub const ALL: Self = Self {
        create: true,
        update: true,
        delete: true,
    };
    pub const READ_ONLY: Self = Self {
        create: false,
        update: false,
        delete: false,
    };
    pub const NO_UPDATE: Self = Self {
        create: true,
        update: false,
        delete: true,
    };
}

/// Everything the generic handlers need to know about one collection.
pub struct Spec {
    /// Store collection name and the `_embedded` key of its lists.
    pub name: &'static str,
    /// Collection route below `/v1`, e.g. `/environments/{envID}/groups`.
    pub path: &'static str,
    /// Placeholder naming one item below the collection route, e.g. `groupID`.
    pub id_param: &'static str,
    pub scope: Scope,
    /// Required fields (dotted paths allowed: `population.id`).
    pub required: &'static [&'static str],
    /// Allowed values of string (or string-array) fields.
    pub enums: &'static [(&'static str, &'static [&'static str])],
    /// Field kinds; `"true"`/`"false"` and digit strings are coerced as PingOne does.
    pub kinds: &'static [(&'static str, Kind)],
    /// Fields unique (ignoring case) within the scope.
    pub unique: &'static [&'static str],
    /// Server-managed fields ignored on create and kept on update.
    pub read_only: &'static [&'static str],
    /// Field holding `{id}` of the parent (`resource`, `application`, ...), if any.
    pub owner: Option<&'static str>,
    /// Whether documents carry `environment: {id}`.
    pub env_ref: bool,
    /// Whether documents carry `createdAt` / `updatedAt`.
    pub timestamps: bool,
    pub ops: Ops,
    pub hooks: &'static dyn Hooks,
}

/// Customization points; every method has a do-nothing default.
pub trait Hooks: Sync {
    /// Fills defaults and normalizes a new (`existing == None`) or replacing document.
    fn prepare(
        &self,
        _ctx: &Ctx,
        _store: &Store,
        _doc: &mut Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        Ok(())
    }
    /// Cross-checks after the table-driven validation (references, states).
    fn validate(
        &self,
        _ctx: &Ctx,
        _store: &Store,
        _doc: &Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        Ok(())
    }
    /// Side effects once the document is stored.
    fn stored(&self, _ctx: &Ctx, _store: &mut Store, _doc: &Value, _created: bool) {}
    /// Refuses or prepares a delete.
    fn deleting(&self, _ctx: &Ctx, _store: &mut Store, _doc: &Value) -> ApiResult<()> {
        Ok(())
    }
    /// Relation links besides `self`, `environment` and the owner.
    fn links(&self, _ctx: &Ctx, _doc: &Value) -> Vec<(&'static str, String)> {
        Vec::new()
    }
    /// Computed fields added to a response (counts, hidden values removed, ...).
    fn present(&self, _ctx: &Ctx, _store: &Store, _doc: &mut Value) {}
    /// Extra fields a `filter` may test but responses do not show (`memberOfGroups`).
    fn filter_view(&self, _ctx: &Ctx, _store: &Store, _doc: &mut Value) {}
    /// `vnd.pingidentity` actions a `POST` on the collection also takes besides plain JSON
    /// (`user.import` on users), each creating a document like `application/json` does.
    fn create_actions(&self) -> &'static [&'static str] {
        &[]
    }
}

/// Hooks that change nothing.
pub struct Plain;
impl Hooks for Plain {}

/// Path parameters of the matched route (empty when it has none).
#[derive(Debug, Clone, Default)]
pub struct Params(pub HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let map = match RawPathParams::from_request_parts(parts, state).await {
            Ok(raw) => raw
                .iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            Err(_) => HashMap::new(),
        };
        Ok(Self(map))
    }
}

/// One request against one collection, with its scope resolved.
pub struct Ctx {
    pub state: Arc<SandboxState>,
    pub spec: &'static Spec,
    pub params: HashMap<String, String>,
    pub env_id: Option<String>,
    /// Store scope of the collection.
    pub scope: String,
    /// Id of the direct parent document, if any.
    pub parent_id: Option<String>,
    /// Absolute href of the collection.
    pub href: String,
    pub query: ListQuery,
    pub caller: Option<Caller>,
}

impl Ctx {
    /// Resolves the scope, checking that the environment and every parent exist (404).
    pub fn resolve(
        state: Arc<SandboxState>,
        spec: &'static Spec,
        params: HashMap<String, String>,
        query: ListQuery,
        caller: Option<Caller>,
    ) -> ApiResult<Self> {
        let href = format!("{}/v1{}", state.base_url, fill(spec.path, &params));
        let env_id = params.get("envID").cloned();
        let (scope, parent_id) = {
            let store = state.store();
            resolve_scope(&state, &store, spec.scope, &params)?
        };
        Ok(Self {
            state,
            spec,
            params,
            env_id,
            scope,
            parent_id,
            href,
            query,
            caller,
        })
    }
    pub fn param(&self, name: &str) -> &str {
        self.params.get(name).map_or("", String::as_str)
    }
    pub fn item_href(&self, id: &str) -> String {
        format!("{}/{id}", self.href)
    }
    /// `http://ADDR/v1`.
    pub fn api(&self) -> String {
        format!("{}/v1", self.state.base_url)
    }
    pub fn env(&self) -> &str {
        self.env_id.as_deref().unwrap_or_default()
    }
    pub fn env_href(&self) -> String {
        format!("{}/environments/{}", self.api(), self.env())
    }
    /// Href of the parent document (the collection href minus its last segment).
    pub fn parent_href(&self) -> String {
        self.href
            .rsplit_once('/')
            .map_or_else(|| self.href.clone(), |(p, _)| p.to_owned())
    }
}

/// Replaces `{name}` placeholders with parameters.
fn fill(template: &str, params: &HashMap<String, String>) -> String {
    let mut out = template.to_owned();
    for (k, v) in params {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

fn resolve_scope(
    state: &SandboxState,
    store: &Store,
    scope: Scope,
    params: &HashMap<String, String>,
) -> ApiResult<(String, Option<String>)> {
    let env = || -> ApiResult<String> {
        let env = params.get("envID").ok_or_else(ApiError::not_found)?;
        store
            .get(&state.org_id, "environments", env)
            .ok_or_else(ApiError::not_found)?;
        Ok(env.clone())
    };
    match scope {
        Scope::Root => Ok((ROOT.to_owned(), None)),
        Scope::Org => match params.get("orgID") {
            Some(org) if *org != state.org_id => Err(ApiError::not_found()),
            _ => Ok((state.org_id.clone(), None)),
        },
        Scope::Env => Ok((env()?, None)),
        Scope::Parents(chain) => {
            let mut current = env()?;
            for (param, collection) in chain {
                let id = params.get(*param).ok_or_else(ApiError::not_found)?;
                store
                    .get(&current, collection, id)
                    .ok_or_else(ApiError::not_found)?;
                current.clone_from(id);
            }
            let parent = (!chain.is_empty()).then(|| current.clone());
            Ok((current, parent))
        }
        Scope::NamedParent(param, collection) => {
            let env = env()?;
            let id = params.get(param).ok_or_else(ApiError::not_found)?;
            store
                .get(&env, collection, id)
                .ok_or_else(ApiError::not_found)?;
            Ok((format!("{env}/{id}"), Some(id.clone())))
        }
    }
}
