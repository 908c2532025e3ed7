//! Reading `requires` and `[tenant]` from a file: each name checked against PingOne's lists
//! at its `file:line:col`, and the warnings a tenant's lacks give. The lists and the plain
//! `Needs` and `Tenant` data are the parent's; the model holds those without this reader.

use std::sync::Arc;

use toml::Spanned;

use super::{Kind, Needs, RawTenant, Tenant, suggestion, union};
use crate::diagnostic::Diagnostic;
use crate::workflow::convert::Cx;
use crate::workflow::model::Workflow;

impl Needs {
    /// Checks names as written.
    pub fn from_raw(
        cx: &Cx,
        roles: &[Spanned<String>],
        products: &[Spanned<String>],
    ) -> Result<Needs, Diagnostic> {
        let mut needs = Needs::default();
        let roles = names(cx, roles, Kind::Role)?;
        let products = names(cx, products, Kind::Product)?;
        union(&mut needs.roles, &roles, Kind::Role);
        union(&mut needs.products, &products, Kind::Product);
        Ok(needs)
    }
}

/// Each name checked against its closed list, in the order written.
pub fn names(cx: &Cx, written: &[Spanned<String>], kind: Kind) -> Result<Vec<String>, Diagnostic> {
    written
        .iter()
        .map(|name| {
            let value = name.get_ref();
            if kind.index(value).is_some() {
                return Ok(value.clone());
            }
            let error = cx.error(format!("unknown {kind} `{value}`"), cx.span(name));
            Err(match suggestion(value, kind) {
                Some(close) => error.with_help(format!("did you mean `{close}`?")),
                None => error.with_help(format!("PingOne's {kind}s: {}", kind.names().join(", "))),
            })
        })
        .collect()
}

impl Tenant {
    pub fn from_raw(cx: &Cx, raw: &RawTenant) -> Result<Tenant, Diagnostic> {
        Ok(Tenant {
            file: cx.source.path().display().to_string(),
            roles: raw
                .roles
                .as_deref()
                .map(|r| names(cx, r, Kind::Role))
                .transpose()?,
            products: (raw.products.as_deref())
                .map(|p| names(cx, p, Kind::Product))
                .transpose()?,
        })
    }
}

/// One warning per workflow and thing it needs that `tenant` lacks, in run order.
pub fn tenant_warnings(workflows: &[Arc<Workflow>], tenant: &Tenant) -> Vec<String> {
    workflows
        .iter()
        .flat_map(|w| tenant.warnings(&w.source.path().display().to_string(), &w.needs))
        .collect()
}
