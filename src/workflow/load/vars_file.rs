//! Reads a vars file: its variable declarations, and its reserved `[tenant]` table.

use std::path::Path;
use std::sync::Arc;

use toml::Spanned;

use crate::diagnostic::Diagnostic;
use crate::vars::decl::VarDecl;
use crate::workflow::convert::Cx;
use crate::workflow::requires::{RawTenant, Tenant};
use crate::workflow::source::Source;

use super::input::{read_input, utf8};
use super::parse::parse_toml;

/// Reads a vars file: its variable entries, and what its reserved `[tenant]` table says the
/// tenant has (README, Running against a real tenant).
pub fn load_vars_and_tenant(path: &Path) -> Result<(Vec<VarDecl>, Option<Tenant>), Diagnostic> {
    vars_from_text(path, read_vars_text(path)?)
}

/// A vars file's text, read whole (see [`vars_from_text`] for what it declares).
pub fn read_vars_text(path: &Path) -> Result<String, Diagnostic> {
    let bytes = read_input(path).map_err(|e| {
        Diagnostic::new(format!(
            "cannot read vars file {}: {}",
            path.display(),
            crate::io_reason::Reason(&e)
        ))
    })?;
    utf8(path, bytes)
}

/// A vars file's entries and `[tenant]` from its text (see `load_vars_and_tenant`).
pub fn vars_from_text(
    path: &Path,
    text: String,
) -> Result<(Vec<VarDecl>, Option<Tenant>), Diagnostic> {
    /// The `[tenant]` table alone, read with the spans of its names.
    #[derive(serde::Deserialize)]
    struct TenantOnly {
        tenant: Option<RawTenant>,
    }
    let source = Arc::new(Source::new(path, text));
    let mut table: Spanned<toml::Table> = parse_toml(&source)?;
    let cx = Cx::new(Arc::clone(&source));
    let tenant = match table.get_mut().remove(TENANT) {
        Some(toml::Value::Table(_)) => match parse_toml::<TenantOnly>(&source)?.tenant {
            Some(raw) => Some(Tenant::from_raw(&cx, &raw)?),
            None => None,
        },
        Some(_) => {
            let at = cx.key_span(cx.span(&table), TENANT);
            return Err(cx
                .error(
                    "`tenant` in a vars file is the `[tenant]` table, not a variable",
                    at,
                )
                .with_help(
                    "it lists the tenant's `roles` and `products`; give the variable another name",
                ));
        }
        None => None,
    };
    Ok((cx.var_decls(&table)?, tenant))
}

/// The vars-file key that describes the tenant instead of declaring a variable.
pub const TENANT: &str = "tenant";
