//! Parsing and validation of `[requires]` and `[tenant]` names.

use std::sync::Arc;

use toml::Spanned;

use super::{Kind, Needs, RawRequires, RawTenant, Tenant, suggestion};
use crate::workflow::convert::Cx;
use crate::workflow::source::Source;

#[derive(serde::Deserialize)]
struct File {
    requires: Option<RawRequires>,
    tenant: Option<RawTenant>,
}

fn parse(text: &str) -> (Cx, File) {
    let source = Arc::new(Source::new("t.toml", text));
    let file: File = toml::from_str(text).expect("parses");
    (Cx::new(source), file)
}

fn needs(text: &str) -> Result<Needs, String> {
    let (cx, file) = parse(text);
    let raw = file.requires.expect("has requires");
    Needs::from_raw(&cx, &raw.roles, &raw.products).map_err(|d| {
        format!(
            "{} at {} ({})",
            d.message,
            d.position().unwrap_or_default(),
            d.help.unwrap_or_default()
        )
    })
}

#[test]
fn an_array_is_variables_and_a_table_splits_vars_roles_and_products() {
    let (_, file) = parse(r#"requires = ["apiPath", "envID"]"#);
    let raw = file.requires.expect("requires");
    let vars: Vec<&str> = raw.vars.iter().map(|v| v.get_ref().as_str()).collect();
    assert_eq!(vars, ["apiPath", "envID"]);
    assert!(raw.roles.is_empty() && raw.products.is_empty());

    let text = "[requires]\nvars = [\"envID\"]\nroles = [\"Identity Data Admin\"]\nproducts = [\"PingOne MFA\"]\n";
    let (_, file) = parse(text);
    let raw = file.requires.expect("requires");
    assert_eq!(raw.vars.len(), 1);
    assert_eq!(raw.roles[0].get_ref(), "Identity Data Admin");
    assert_eq!(raw.products[0].get_ref(), "PingOne MFA");
}

#[test]
fn an_unknown_key_in_requires_is_refused() {
    let err = toml::from_str::<File>("[requires]\nrole = [\"Environment Admin\"]\n")
        .err()
        .expect("refused");
    assert!(err.message().contains("unknown field `role`"), "{err}");
}

#[test]
fn names_are_kept_in_list_order_without_repeats() {
    let got = needs(
        "[requires]\nroles = [\"Identity Data Admin\", \"Environment Admin\", \"Identity Data Admin\"]\nproducts = [\"PingOne DaVinci\", \"PingOne MFA\"]\n",
    )
    .expect("valid");
    assert_eq!(got.roles, ["Environment Admin", "Identity Data Admin"]);
    assert_eq!(got.products, ["PingOne MFA", "PingOne DaVinci"]);
}

#[test]
fn an_unknown_name_points_at_itself_and_suggests_a_close_one() {
    let err = needs("[requires]\nroles = [\"Environment Admin\", \"Enviroment Admin\"]\n")
        .expect_err("misspelt");
    assert!(
        err.starts_with("unknown admin role `Enviroment Admin` at t.toml:2:31"),
        "{err}"
    );
    assert!(err.contains("did you mean `Environment Admin`?"), "{err}");

    let err = needs("[requires]\nproducts = [\"PingOne Risk\"]\n").expect_err("renamed");
    assert!(err.contains("did you mean `PingOne Protect`?"), "{err}");

    let err = needs("[requires]\nproducts = [\"Salesforce\"]\n").expect_err("not PingOne's");
    assert!(
        err.contains("PingOne's products: PingOne Base, PingOne MFA"),
        "{err}"
    );
}

#[test]
fn suggestions_ignore_case_and_spacing_but_not_distance() {
    assert_eq!(
        suggestion("pingone mfa", Kind::Product),
        Some("PingOne MFA")
    );
    assert_eq!(
        suggestion("Ping Federate", Kind::Product),
        Some("PingFederate")
    );
    assert_eq!(
        suggestion("Identity Data Amin", Kind::Role),
        Some("Identity Data Admin")
    );
    assert_eq!(suggestion("Billing", Kind::Role), None);
}

#[test]
fn uses_add_up() {
    let mut a = needs("[requires]\nroles = [\"Identity Data Admin\"]\n").expect("valid");
    let b = needs("[requires]\nroles = [\"Environment Admin\"]\nproducts = [\"PingOne MFA\"]\n")
        .expect("valid");
    a.add(&b);
    assert_eq!(a.roles, ["Environment Admin", "Identity Data Admin"]);
    assert_eq!(a.products, ["PingOne MFA"]);
}

fn tenant(text: &str) -> Tenant {
    let (cx, file) = parse(text);
    Tenant::from_raw(&cx, &file.tenant.expect("tenant")).expect("valid")
}

#[test]
fn a_tenant_lacks_only_what_it_lists_without() {
    let want = needs(
        "[requires]\nroles = [\"Environment Admin\", \"Identity Data Admin\"]\nproducts = [\"PingOne MFA\", \"PingOne DaVinci\"]\n",
    )
    .expect("valid");
    let t = tenant("[tenant]\nroles = [\"Environment Admin\"]\nproducts = [\"PingOne MFA\"]\n");
    assert_eq!(
        t.lacks(&want),
        [
            (Kind::Role, "Identity Data Admin".to_owned()),
            (Kind::Product, "PingOne DaVinci".to_owned())
        ]
    );
    assert_eq!(
        t.warnings("w.toml", &want),
        [
            "warning: w.toml needs the Identity Data Admin role, which t.toml's [tenant] does not list",
            "warning: w.toml needs PingOne DaVinci, which t.toml's [tenant] does not list",
        ]
    );
    // A key left out is unknown: nothing is said about products.
    let t = tenant("[tenant]\nroles = [\"Environment Admin\", \"Identity Data Admin\"]\n");
    assert!(t.lacks(&want).is_empty());
}

#[test]
fn a_tenant_with_an_unknown_key_or_name_is_refused() {
    let err = toml::from_str::<File>("[tenant]\nrole = []\n")
        .err()
        .expect("refused");
    assert!(err.message().contains("unknown field `role`"), "{err}");
    let (cx, file) = parse("[tenant]\nproducts = [\"PingOne MFA\", \"PingOne MFAA\"]\n");
    let err = Tenant::from_raw(&cx, &file.tenant.expect("tenant")).expect_err("misspelt");
    assert_eq!(err.position().as_deref(), Some("t.toml:2:28"));
    assert_eq!(err.help.as_deref(), Some("did you mean `PingOne MFA`?"));
}

#[test]
fn spans_are_of_the_names() {
    let (cx, file) = parse("[tenant]\nroles = [ \"Help Desk Admin\" ]\n");
    let raw = file.tenant.expect("tenant");
    let roles: &Vec<Spanned<String>> = raw.roles.as_ref().expect("roles");
    assert_eq!(&cx.source.text[cx.span(&roles[0])], "\"Help Desk Admin\"");
}

#[test]
fn the_roles_are_the_sandboxs_built_in_roles() {
    let mut sandbox = crate::sandbox::builtin_role_names();
    let mut listed = super::ROLES.to_vec();
    sandbox.sort_unstable();
    listed.sort_unstable();
    assert_eq!(sandbox, listed);
}
