//! What a workflow needs of a real tenant (`[requires]` roles and products) and what a vars
//! file says the tenant has (`[tenant]`): PingOne's closed lists of admin role and product
//! names, checked where they are written, so a misspelt name is an error and not a warning
//! that never fires.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use toml::Spanned;

/// PingOne's built-in administrator roles, as `GET /v1/roles` names them. Roles are not
/// hierarchical (PingOne has no super admin): Organization Admin does not include
/// Environment Admin, so each is listed on its own.
pub const ROLES: &[&str] = &[
    "Organization Admin",
    "Environment Admin",
    "Identity Data Admin",
    "Identity Data Read Only",
    "Client Application Developer",
    "Configuration Read Only",
    "Help Desk Admin",
    "Application Owner",
    "Custom Roles Admin",
    "DaVinci Admin",
    "DaVinci Admin Read Only",
];

/// Products an environment's bill of materials can hold: (display name, BOM `type`).
pub const PRODUCTS: &[(&str, &str)] = &[
    ("PingOne Base", "PING_ONE_BASE"),
    ("PingOne MFA", "PING_ONE_MFA"),
    ("PingOne Protect", "PING_ONE_RISK"),
    ("PingOne Verify", "PING_ONE_VERIFY"),
    ("PingOne Credentials", "PING_ONE_CREDENTIALS"),
    ("PingOne Authorize", "PING_ONE_AUTHORIZE"),
    ("PingOne DaVinci", "PING_ONE_DAVINCI"),
    ("PingOne Provisioning", "PING_ONE_PROVISIONING"),
    ("PingOne Fraud", "PING_ONE_FRAUD"),
    ("PingFederate", "PING_FEDERATE"),
    ("PingAccess", "PING_ACCESS"),
    ("PingDirectory", "PING_DIRECTORY"),
    ("PingAuthorize", "PING_AUTHORIZE"),
    ("PingID", "PING_ID"),
    ("PingIntelligence", "PING_INTELLIGENCE"),
    ("PingCentral", "PING_CENTRAL"),
];

/// Older names still met in PingOne's pages, and the name to write instead.
const RENAMED: &[(&str, &str)] = &[
    ("PingOne Risk", "PingOne Protect"),
    ("PingOne SSO", "PingOne Base"),
    ("Identity Data Read-Only Admin", "Identity Data Read Only"),
    ("Configuration Read-Only Admin", "Configuration Read Only"),
    ("DaVinci Read-Only Admin", "DaVinci Admin Read Only"),
    ("Custom Role Admin", "Custom Roles Admin"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Role,
    Product,
}

impl Kind {
    fn names(self) -> Vec<&'static str> {
        match self {
            Kind::Role => ROLES.to_vec(),
            Kind::Product => PRODUCTS.iter().map(|(name, _)| *name).collect(),
        }
    }

    /// A name's place in its list (lists are shown in this order), if it is one.
    fn index(self, name: &str) -> Option<usize> {
        match self {
            Kind::Role => ROLES.iter().position(|n| *n == name),
            Kind::Product => PRODUCTS.iter().position(|(n, _)| *n == name),
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Role => "admin role",
            Kind::Product => "product",
        })
    }
}

/// Admin roles and products, each list in the order of [`ROLES`] and [`PRODUCTS`], without
/// repeats.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Needs {
    pub roles: Vec<String>,
    pub products: Vec<String>,
}

impl Needs {
    /// Adds what `other` needs (a `use`d file's needs add up with the file's own).
    pub fn add(&mut self, other: &Needs) {
        union(&mut self.roles, &other.roles, Kind::Role);
        union(&mut self.products, &other.products, Kind::Product);
    }
}

fn union(into: &mut Vec<String>, more: &[String], kind: Kind) {
    for name in more {
        if !into.contains(name) {
            into.push(name.clone());
        }
    }
    into.sort_by_key(|n| kind.index(n));
}

/// The listed name meant by `written`: a renamed one, one that differs only in case or
/// spacing, or the closest by Jaro-Winkler similarity when it is close enough.
fn suggestion(written: &str, kind: Kind) -> Option<&'static str> {
    let listed = kind.names();
    let squash = |s: &str| s.to_lowercase().replace([' ', '-', '_'], "");
    if let Some((_, new)) = RENAMED
        .iter()
        .find(|(old, _)| squash(old) == squash(written))
    {
        return listed.iter().copied().find(|n| n == new);
    }
    if let Some(same) = listed.iter().find(|n| squash(n) == squash(written)) {
        return Some(same);
    }
    listed
        .iter()
        .map(|n| (strsim::jaro_winkler(&squash(n), &squash(written)), *n))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| n)
}

/// A workflow's `requires`: an array of variable names, or a table of `vars`, `roles` and
/// `products` (README, Top-level keys). Read by hand so each name keeps its span.
#[derive(Debug, Default)]
pub struct RawRequires {
    pub vars: Vec<Spanned<String>>,
    pub roles: Vec<Spanned<String>>,
    pub products: Vec<Spanned<String>>,
}

impl<'de> Deserialize<'de> for RawRequires {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RequiresVisitor)
    }
}

struct RequiresVisitor;

const REQUIRES_KEYS: &[&str] = &["vars", "roles", "products"];

impl<'de> Visitor<'de> for RequiresVisitor {
    type Value = RawRequires;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of variable names, or a table of `vars`, `roles` and `products`")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawRequires, A::Error> {
        let mut vars = Vec::new();
        while let Some(name) = seq.next_element()? {
            vars.push(name);
        }
        Ok(RawRequires {
            vars,
            ..RawRequires::default()
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawRequires, A::Error> {
        let mut out = RawRequires::default();
        while let Some(key) = map.next_key::<String>()? {
            let slot = match key.as_str() {
                "vars" => &mut out.vars,
                "roles" => &mut out.roles,
                "products" => &mut out.products,
                other => return Err(de::Error::unknown_field(other, REQUIRES_KEYS)),
            };
            *slot = map.next_value()?;
        }
        Ok(out)
    }
}

/// A vars file's `[tenant]`: what the tenant's worker app has been given. A key left out is
/// unknown, and nothing is said about it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTenant {
    pub roles: Option<Vec<Spanned<String>>>,
    pub products: Option<Vec<Spanned<String>>>,
}

/// What a vars file says the tenant has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    /// The vars file, as given on the command line.
    pub file: String,
    pub roles: Option<Vec<String>>,
    pub products: Option<Vec<String>>,
}

impl Tenant {
    /// What `needs` asks for that this tenant is known to lack: roles, then products.
    pub fn lacks(&self, needs: &Needs) -> Vec<(Kind, String)> {
        let missing = |have: &Option<Vec<String>>, want: &[String], kind: Kind| {
            let Some(have) = have else {
                return Vec::new();
            };
            want.iter()
                .filter(|n| !have.contains(n))
                .map(|n| (kind, n.clone()))
                .collect()
        };
        let mut out = missing(&self.roles, &needs.roles, Kind::Role);
        out.extend(missing(&self.products, &needs.products, Kind::Product));
        out
    }

    /// One warning per missing thing, for the workflow written in `file`.
    pub fn warnings(&self, file: &str, needs: &Needs) -> Vec<String> {
        self.lacks(needs)
            .into_iter()
            .map(|(kind, name)| {
                let thing = match kind {
                    Kind::Role => format!("the {name} role"),
                    Kind::Product => name,
                };
                format!(
                    "warning: {file} needs {thing}, which {}'s [tenant] does not list",
                    self.file
                )
            })
            .collect()
    }
}

pub mod read;

#[cfg(test)]
mod tests;
