//! The workflow file exactly as written: serde structs that reject unknown keys, with spans.
//!
//! Values whose shape depends on their content (`auth`, `status`, extraction entries, var
//! entries, expectation values) stay `toml::Value` here and are interpreted in `convert`, so
//! their errors can say what was expected instead of serde's "data did not match any variant".

use serde::Deserialize;
use toml::Spanned;

use crate::workflow::requires::RawRequires;
use crate::workflow::toml_json::TomlJson;

pub type Table = toml::Table;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWorkflow {
    pub name: Spanned<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Variables (an array), or a table of `vars`, admin `roles` and `products`.
    #[serde(default)]
    pub requires: RawRequires,
    #[serde(default)]
    pub fragment: bool,
    pub vars: Option<Spanned<Table>>,
    pub defaults: Option<RawDefaults>,
    #[serde(default)]
    pub steps: Vec<Spanned<RawStep>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawDefaults {
    pub headers: Option<Spanned<Table>>,
    pub auth: Option<Spanned<toml::Value>>,
    pub timeout: Option<Spanned<String>>,
    pub follow_redirects: Option<bool>,
    pub expect: Option<RawDefaultExpect>,
}

/// `[defaults.expect]`: only what can sensibly hold for every step of a file.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawDefaultExpect {
    pub duration: Option<Spanned<toml::Value>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    pub name: Option<Spanned<String>>,
    pub doc: Option<String>,
    #[serde(rename = "use")]
    pub use_: Option<Spanned<String>>,
    pub when: Option<Spanned<String>>,
    pub method: Option<Spanned<String>>,
    pub url: Option<Spanned<String>>,
    pub query: Option<Box<Spanned<Table>>>,
    pub headers: Option<Box<Spanned<Table>>>,
    pub auth: Option<Box<Spanned<toml::Value>>>,
    pub json: Option<Spanned<TomlJson>>,
    pub form: Option<Box<Spanned<Table>>>,
    /// A string (sent as text) or `{ file = "path" }` (the file's bytes as they are).
    pub body: Option<Box<Spanned<toml::Value>>>,
    pub multipart: Option<Box<Spanned<Table>>>,
    pub content_type: Option<Spanned<String>>,
    pub follow_redirects: Option<bool>,
    pub max_redirects: Option<u32>,
    pub timeout: Option<Spanned<String>>,
    pub delay: Option<Spanned<String>>,
    pub retry: Option<Box<Spanned<RawRetry>>>,
    pub insecure: Option<bool>,
    pub expect: Option<RawExpect>,
    pub extract: Option<Spanned<Entries>>,
    pub prompt: Option<Box<Spanned<Table>>>,
    /// Boxed: a cleanup is as big as the rest of a step, and a step is moved a few times as
    /// it is read.
    pub cleanup: Option<Box<Spanned<RawCleanup>>>,
}

/// A table's entries in the order written, for a table that is only read front to back
/// (`extract`): no index is built for it. Both readers refuse a key given twice, as TOML does,
/// before serde sees it, so the entries are distinct.
#[derive(Debug, Default)]
pub struct Entries(pub Vec<(String, toml::Value)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Entries;

            // As `toml::Table` says it, so a wrong type reads as it did.
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map")
            }

            fn visit_unit<E>(self) -> Result<Entries, E> {
                Ok(Entries::default())
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Entries, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(1));
                while let Some(key) = map.next_key::<String>()? {
                    entries.push((key, map.next_value()?));
                }
                Ok(Entries(entries))
            }
        }

        deserializer.deserialize_map(Visitor)
    }
}

/// A cleanup: a step's keys minus `extract`, `cleanup` and `use`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCleanup {
    pub name: Option<Spanned<String>>,
    /// Accepted for the reader of the file; a cleanup's run shows no documentation.
    #[serde(rename = "doc")]
    pub _doc: Option<String>,
    pub when: Option<Spanned<String>>,
    pub method: Option<Spanned<String>>,
    pub url: Option<Spanned<String>>,
    pub query: Option<Box<Spanned<Table>>>,
    pub headers: Option<Box<Spanned<Table>>>,
    pub auth: Option<Box<Spanned<toml::Value>>>,
    pub json: Option<Spanned<TomlJson>>,
    pub form: Option<Box<Spanned<Table>>>,
    /// A string (sent as text) or `{ file = "path" }` (the file's bytes as they are).
    pub body: Option<Box<Spanned<toml::Value>>>,
    pub multipart: Option<Box<Spanned<Table>>>,
    pub content_type: Option<Spanned<String>>,
    pub follow_redirects: Option<bool>,
    pub max_redirects: Option<u32>,
    pub timeout: Option<Spanned<String>>,
    pub delay: Option<Spanned<String>>,
    pub retry: Option<Box<Spanned<RawRetry>>>,
    pub insecure: Option<bool>,
    pub expect: Option<RawExpect>,
    pub prompt: Option<Box<Spanned<Table>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRetry {
    pub attempts: u32,
    pub interval: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawExpect {
    pub status: Option<Spanned<toml::Value>>,
    pub json: Option<Box<Spanned<Table>>>,
    pub headers: Option<Box<Spanned<Table>>>,
    pub body: Option<Box<Spanned<toml::Value>>>,
    pub saml: Option<Box<Spanned<Table>>>,
    pub vars: Option<Box<Spanned<Table>>>,
    /// `{ lt = "800ms" }`: predicates on the response time, each a duration.
    pub duration: Option<Box<Spanned<toml::Value>>>,
}

/// The request-shaped keys shared by steps and cleanups, for conversion. The strings and the
/// body that the request keeps are taken out of the raw step, not copied.
pub struct RequestKeys<'a> {
    pub method: Option<Spanned<String>>,
    pub url: Option<Spanned<String>>,
    pub query: Option<&'a Spanned<Table>>,
    pub headers: Option<&'a Spanned<Table>>,
    pub auth: Option<&'a Spanned<toml::Value>>,
    pub json: Option<Spanned<TomlJson>>,
    pub form: Option<&'a Spanned<Table>>,
    pub body: Option<&'a Spanned<toml::Value>>,
    pub multipart: Option<&'a Spanned<Table>>,
    pub content_type: Option<&'a Spanned<String>>,
    pub follow_redirects: Option<bool>,
    pub max_redirects: Option<u32>,
    pub timeout: Option<&'a Spanned<String>>,
    pub insecure: Option<bool>,
}

/// [`RequestKeys`] of a step or a cleanup, which have the same request keys.
macro_rules! request_keys {
    ($raw:expr) => {
        RequestKeys {
            method: $raw.method.take(),
            url: $raw.url.take(),
            query: $raw.query.as_deref(),
            headers: $raw.headers.as_deref(),
            auth: $raw.auth.as_deref(),
            json: $raw.json.take(),
            form: $raw.form.as_deref(),
            body: $raw.body.as_deref(),
            multipart: $raw.multipart.as_deref(),
            content_type: $raw.content_type.as_ref(),
            follow_redirects: $raw.follow_redirects,
            max_redirects: $raw.max_redirects,
            timeout: $raw.timeout.as_ref(),
            insecure: $raw.insecure,
        }
    };
}

impl RawStep {
    pub fn request_keys(&mut self) -> RequestKeys<'_> {
        request_keys!(self)
    }

    /// Keys other than `name`, `doc` and `when` that are set (a `use` step allows none).
    pub fn request_key_names(&self) -> Vec<&'static str> {
        let set = [
            ("method", self.method.is_some()),
            ("url", self.url.is_some()),
            ("query", self.query.is_some()),
            ("headers", self.headers.is_some()),
            ("auth", self.auth.is_some()),
            ("json", self.json.is_some()),
            ("form", self.form.is_some()),
            ("body", self.body.is_some()),
            ("multipart", self.multipart.is_some()),
            ("content_type", self.content_type.is_some()),
            ("follow_redirects", self.follow_redirects.is_some()),
            ("max_redirects", self.max_redirects.is_some()),
            ("timeout", self.timeout.is_some()),
            ("delay", self.delay.is_some()),
            ("retry", self.retry.is_some()),
            ("insecure", self.insecure.is_some()),
            ("expect", self.expect.is_some()),
            ("extract", self.extract.is_some()),
            ("prompt", self.prompt.is_some()),
            ("cleanup", self.cleanup.is_some()),
        ];
        set.iter().filter(|(_, on)| *on).map(|(k, _)| *k).collect()
    }
}

impl RawCleanup {
    pub fn request_keys(&mut self) -> RequestKeys<'_> {
        request_keys!(self)
    }
}
