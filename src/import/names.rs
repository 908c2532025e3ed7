//! Postman variables as steprun names: `{{name}}` becomes `<<name>>`, names that are not
//! identifiers are renamed the same way everywhere, and Postman's dynamic variables become
//! steprun built-ins.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use regex::Regex;

static POSTMAN_VAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{\{([^{}]*)\}\}").expect("valid regex"));

/// Postman dynamic variables with a steprun equivalent.
const DYNAMIC: &[(&str, &str)] = &[
    ("$guid", "uuid()"),
    ("$randomUUID", "uuid()"),
    ("$timestamp", "timestamp()"),
    ("$isoTimestamp", "now()"),
    ("$randomInt", "random_int(0, 1000)"),
    ("$randomAlphaNumeric", "random_string(1)"),
];

/// The renames of one collection, kept so a name maps the same way in every file.
#[derive(Debug, Default)]
pub struct Names {
    renames: BTreeMap<String, String>,
    /// Identifiers in use (original names that need no rename, and renames given out).
    taken: BTreeSet<String>,
    /// Dynamic variables without an equivalent, left as written.
    unknown_dynamic: BTreeSet<String>,
    /// Variables Postman marks `"type": "secret"` (steprun names), secret whatever their name.
    secrets: BTreeSet<String>,
}

/// Whether `name` is a steprun variable name (`[A-Za-z_][A-Za-z0-9_]*`).
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Names {
    /// `text` is the whole collection: every `{{name}}` in it that is already an identifier
    /// is reserved, so a rename never collides with a name the collection uses.
    pub fn new<'a>(text: &'a str, declared: impl IntoIterator<Item = &'a str>) -> Names {
        let mut names = Names::default();
        let seen = POSTMAN_VAR
            .captures_iter(text)
            .filter_map(|c| c.get(1).map(|m| m.as_str().trim()));
        for name in seen.chain(declared) {
            if is_identifier(name) {
                names.taken.insert(name.to_owned());
            }
        }
        names
    }

    /// Marks a (steprun) variable name as secret: Postman's `"type": "secret"`.
    pub fn mark_secret(&mut self, name: &str) {
        self.secrets.insert(name.to_owned());
    }

    /// Whether a (steprun) variable name is secret: by its name, or Postman's type.
    pub fn is_secret(&self, name: &str) -> bool {
        crate::secret::named_or_typed(name, &self.secrets)
    }

    /// The secret-typed names (`is_secret` beyond `name_is_secret`).
    pub fn secrets(&self) -> &BTreeSet<String> {
        &self.secrets
    }

    /// The steprun name of a Postman variable.
    pub fn name(&mut self, original: &str) -> String {
        let original = original.trim();
        if is_identifier(original) {
            return original.to_owned();
        }
        if let Some(renamed) = self.renames.get(original) {
            return renamed.clone();
        }
        let mut base: String = original
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        if !base.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            base.insert(0, '_');
        }
        let mut candidate = base.clone();
        let mut n = 2;
        while self.taken.contains(&candidate) {
            candidate = format!("{base}_{n}");
            n += 1;
        }
        self.taken.insert(candidate.clone());
        self.renames.insert(original.to_owned(), candidate.clone());
        candidate
    }

    /// Converts Postman's `{{name}}` references in `text` to steprun templates.
    pub fn template(&mut self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for c in POSTMAN_VAR.captures_iter(text) {
            let whole = c.get(0).map_or(0..0, |m| m.range());
            out.push_str(&escape(&text[last..whole.start]));
            out.push_str(&self.reference(&text[whole.clone()], c[1].trim()));
            last = whole.end;
        }
        out.push_str(&escape(&text[last..]));
        out
    }

    /// One `{{…}}` reference as a steprun template (unknown dynamic ones left as written).
    fn reference(&mut self, whole: &str, inner: &str) -> String {
        if inner.is_empty() {
            return escape(whole);
        }
        if inner.starts_with('$') {
            if let Some((_, f)) = DYNAMIC.iter().find(|(k, _)| *k == inner) {
                return format!("<<{f}>>");
            }
            self.unknown_dynamic.insert(inner.to_owned());
            return whole.to_owned();
        }
        format!("<<{}>>", self.name(inner))
    }

    /// Original name → steprun name, for every rename given out.
    pub fn renames(&self) -> &BTreeMap<String, String> {
        &self.renames
    }

    /// Dynamic variables (`$randomEmail`, …) left as written, for a TODO note.
    pub fn unknown_dynamic(&self) -> &BTreeSet<String> {
        &self.unknown_dynamic
    }
}

/// Literal text with steprun's template openers (`<<`, `<%`, `<#`) written as template
/// strings, so they are sent as they were in Postman.
fn escape(text: &str) -> String {
    if !(text.contains("<<") || text.contains("<%") || text.contains("<#")) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let opener = &rest[i..(i + 2).min(rest.len())];
        if matches!(opener, "<<" | "<%" | "<#") {
            out.push_str("<<'");
            out.push_str(opener);
            out.push_str("'>>");
            rest = &rest[i + 2..];
        } else {
            out.push('<');
            rest = &rest[i + 1..];
        }
    }
    out.push_str(rest);
    out
}

/// The unknown dynamic variables (`{{$name}}`) that `text` still contains.
pub fn dynamic_left(text: &str) -> Vec<String> {
    POSTMAN_VAR
        .captures_iter(text)
        .filter_map(|c| {
            let inner = c[1].trim();
            inner.starts_with('$').then(|| inner.to_owned())
        })
        .collect()
}

/// A file-name-safe slug: lowercase ASCII letters and digits joined by `-`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let short: String = out.chars().take(60).collect();
    let short = short.trim_end_matches('-');
    if short.is_empty() {
        "workflow".to_owned()
    } else {
        short.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_kept_and_others_renamed_consistently() {
        let mut names = Names::new("{{apiPath}} {{set-cookieID}}", []);
        assert_eq!(names.template("{{apiPath}}/x"), "<<apiPath>>/x");
        assert_eq!(names.template("a={{set-cookieID}}"), "a=<<set_cookieID>>");
        assert_eq!(names.name("set-cookieID"), "set_cookieID");
        assert_eq!(names.template("{{ base url }}"), "<<base_url>>");
        assert_eq!(names.name("1st"), "_1st");
        assert_eq!(names.renames().len(), 3);
    }

    #[test]
    fn a_rename_never_takes_a_name_the_collection_uses() {
        let mut names = Names::new("{{set_cookieID}} {{set-cookieID}}", []);
        assert_eq!(names.name("set-cookieID"), "set_cookieID_2");
        assert_eq!(names.name("set_cookieID"), "set_cookieID");
    }

    #[test]
    fn dynamic_variables_map_to_builtins_or_stay_marked() {
        let mut names = Names::new("", []);
        assert_eq!(names.template("{{$guid}}"), "<<uuid()>>");
        assert_eq!(names.template("{{$randomUUID}}"), "<<uuid()>>");
        assert_eq!(names.template("{{$timestamp}}"), "<<timestamp()>>");
        assert_eq!(names.template("{{$isoTimestamp}}"), "<<now()>>");
        assert_eq!(names.template("{{$randomInt}}"), "<<random_int(0, 1000)>>");
        assert_eq!(names.template("x{{$randomEmail}}"), "x{{$randomEmail}}");
        assert!(names.unknown_dynamic().contains("$randomEmail"));
        assert_eq!(dynamic_left("x{{$randomEmail}}"), ["$randomEmail"]);
    }

    #[test]
    fn template_openers_in_literal_text_are_sent_as_written() {
        let mut names = Names::new("", []);
        let text = names.template("a <<b>> <% c %> <# d #> <x {{e}}");
        assert_eq!(text, "a <<'<<'>>b>> <<'<%'>> c %> <<'<#'>> d #> <x <<e>>");
        let templates = crate::template::Templates::new("00000000");
        let mut vars = crate::vars::VarStore::new();
        vars.set("e", serde_json::json!("E"), false);
        assert_eq!(
            templates.render_string(&text, &vars).expect("renders"),
            "a <<b>> <% c %> <# d #> <x E"
        );
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Step 1: Get a Token!"), "step-1-get-a-token");
        assert_eq!(slug("   "), "workflow");
    }
}
