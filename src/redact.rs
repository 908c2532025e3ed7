//! The one place that hides secrets (SPEC §5): every string bound for output passes here.
//!
//! Each secret value is searched for as is and in the forms it takes on the wire (URL- and
//! form-encoded, JSON-escaped, Base64), and replaced by `«name»`. One Aho-Corasick automaton
//! holds every needle, so a response body is scanned once however many secrets there are.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;

use aho_corasick::AhoCorasick;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use serde_json::Value;

use crate::template::percent_encode;
use crate::vars::VarStore;

mod forms;

use forms::{json_escaped_forms, url_forms};

/// Values shorter than this many characters are not redacted: hiding every `1`, `ok` or
/// `abc` would shred the output while protecting nothing an attacker could not guess.
pub const MIN_SECRET_CHARS: usize = 4;

/// Replaces secret values in text. Cheap to clone (shared state behind an `Arc`).
#[derive(Clone, Default)]
pub struct Redactor {
    inner: Arc<Inner>,
}

#[derive(Clone, Default)]
struct Inner {
    disabled: bool,
    /// Text to find, and the `«name»` shown instead, by pattern id.
    needles: Vec<String>,
    labels: Vec<String>,
    /// Needles already registered: the first name given for a text keeps it.
    seen: HashSet<String>,
    /// Built from `needles`; `None` when there is nothing to hide.
    matcher: Option<AhoCorasick>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the needles themselves: they are the secrets.
        f.debug_struct("Redactor")
            .field("enabled", &!self.inner.disabled)
            .field("needles", &self.inner.needles.len())
            .finish()
    }
}

impl Redactor {
    /// A redactor that hides nothing (`--show-secrets`); `add` is ignored too.
    pub fn disabled() -> Redactor {
        Redactor {
            inner: Arc::new(Inner {
                disabled: true,
                ..Inner::default()
            }),
        }
    }

    /// Hides every secret variable of `vars` (strings, and numbers as their text; in arrays
    /// and objects, each such leaf). Booleans and `null` are never hidden: a secret `true`
    /// would blank out every `true` in every JSON body.
    pub fn from_store(vars: &VarStore) -> Redactor {
        let mut inner = Inner::default();
        let mut leaves = Vec::new();
        for (name, var) in vars.iter().filter(|(_, var)| var.secret) {
            leaves.clear();
            leaf_texts(&var.value, &mut leaves);
            for leaf in &leaves {
                inner.add_forms(name, leaf);
            }
        }
        inner.build();
        Redactor {
            inner: Arc::new(inner),
        }
    }

    /// Hides one more secret `value`, with its derived forms, as `«name»`.
    pub fn add(&mut self, name: &str, value: &str) {
        if self.inner.disabled {
            return;
        }
        let inner = Arc::make_mut(&mut self.inner);
        inner.add_forms(name, value);
        inner.build();
    }

    /// Hides a secret JSON value as `«name»`: a string or number as [`add`](Self::add)
    /// does, every such leaf of an array or object, never booleans or `null`.
    pub fn add_value(&mut self, name: &str, value: &Value) {
        if self.inner.disabled {
            return;
        }
        let mut leaves = Vec::new();
        leaf_texts(value, &mut leaves);
        let inner = Arc::make_mut(&mut self.inner);
        for leaf in leaves {
            inner.add_forms(name, &leaf);
        }
        inner.build();
    }

    /// Hides an exact text computed from a secret (e.g. the Base64 of `user:secret` in a
    /// Basic `Authorization` header) as `«name»`.
    pub fn add_derived(&mut self, name: &str, derived: &str) {
        if self.inner.disabled {
            return;
        }
        if self.inner.seen.contains(derived) {
            return; // a request sent again: known already, no new automaton
        }
        let inner = Arc::make_mut(&mut self.inner);
        inner.push(name, derived.to_owned());
        inner.build();
    }

    /// Whether this redactor hides anything at all (false for `--show-secrets`).
    pub fn is_enabled(&self) -> bool {
        !self.inner.disabled
    }

    /// `text` with every secret replaced; borrowed (no copy) when nothing matches.
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let Some(matcher) = &self.inner.matcher else {
            return Cow::Borrowed(text);
        };
        if !matcher.is_match(text) {
            return Cow::Borrowed(text);
        }
        // All matches, overlapping ones included, so two secrets that overlap (or a value
        // inside another secret) are hidden entirely instead of leaving a fragment.
        let mut found: Vec<(usize, usize, usize)> = matcher
            .find_overlapping_iter(text)
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect();
        found.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut out = String::with_capacity(text.len());
        let mut done = 0;
        let mut i = 0;
        while let Some(&(start, mut end, pattern)) = found.get(i) {
            out.push_str(&text[done..start]);
            out.push_str(&self.inner.labels[pattern]);
            i += 1;
            // Every match starting inside this span joins it; one reaching further adds
            // its own label.
            while let Some(&(next_start, next_end, next)) = found.get(i) {
                if next_start >= end {
                    break;
                }
                if next_end > end {
                    out.push_str(&self.inner.labels[next]);
                    end = next_end;
                }
                i += 1;
            }
            done = end;
        }
        out.push_str(&text[done..]);
        Cow::Owned(out)
    }

    /// Redacts every string (and object key) of a JSON value; a number that is a secret
    /// becomes its placeholder string.
    pub fn redact_json(&self, value: &Value) -> Value {
        match value {
            Value::String(text) => Value::String(self.redact(text).into_owned()),
            Value::Number(n) => match self.redact(&n.to_string()) {
                Cow::Owned(hidden) => Value::String(hidden),
                Cow::Borrowed(_) => value.clone(),
            },
            Value::Array(items) => {
                Value::Array(items.iter().map(|v| self.redact_json(v)).collect())
            }
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (self.redact(k).into_owned(), self.redact_json(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

impl Inner {
    /// The value and the forms it takes when sent: percent-encoded (RFC 3986,
    /// `application/x-www-form-urlencoded`, and as the `url` crate writes it in each part of a
    /// URL), JSON-escaped, and Base64 (standard and URL-safe).
    fn add_forms(&mut self, name: &str, value: &str) {
        if value.chars().count() < MIN_SECRET_CHARS {
            return;
        }
        let form: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
        let mut forms = vec![value.to_owned(), percent_encode(value), form];
        forms.extend(url_forms(value));
        forms.extend(json_escaped_forms(value));
        for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
            forms.push(engine.encode(value));
        }
        for form in forms {
            self.push(name, form);
        }
    }

    fn push(&mut self, name: &str, needle: String) {
        if needle.chars().count() < MIN_SECRET_CHARS || self.seen.contains(&needle) {
            return;
        }
        self.seen.insert(needle.clone());
        self.needles.push(needle);
        self.labels.push(format!("«{name}»"));
    }

    fn build(&mut self) {
        // Building only fails past size limits far beyond any set of secrets; hiding
        // nothing is not an option then, so keep the previous automaton in that case.
        if self.needles.is_empty() {
            self.matcher = None;
        } else if let Ok(matcher) = AhoCorasick::new(&self.needles) {
            self.matcher = Some(matcher);
        }
    }
}

/// Texts of a secret value worth hiding: strings and numbers, at any depth.
fn leaf_texts(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(text) => out.push(text.clone()),
        Value::Number(n) => out.push(n.to_string()),
        Value::Array(items) => items.iter().for_each(|v| leaf_texts(v, out)),
        Value::Object(map) => map.values().for_each(|v| leaf_texts(v, out)),
        Value::Bool(_) | Value::Null => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn redactor(secrets: &[(&str, &str)]) -> Redactor {
        let mut r = Redactor::default();
        for (name, value) in secrets {
            r.add(name, value);
        }
        r
    }

    #[test]
    fn value_inside_a_longer_string() {
        let r = redactor(&[("accessToken", "eyJhbGciOi.payload.sig")]);
        let out =
            r.redact("Authorization: Bearer eyJhbGciOi.payload.sig; again eyJhbGciOi.payload.sig!");
        assert_eq!(
            out,
            "Authorization: Bearer «accessToken»; again «accessToken»!"
        );
    }

    #[test]
    fn nothing_to_hide_borrows() {
        let r = redactor(&[("password", "hunter22")]);
        assert!(matches!(r.redact("no secrets here"), Cow::Borrowed(_)));
        assert!(matches!(Redactor::default().redact("x"), Cow::Borrowed(_)));
    }

    #[test]
    fn url_encoded_forms() {
        let r = redactor(&[("clientSecret", "a b/c+d&é")]);
        assert_eq!(
            r.redact("?secret=a%20b%2Fc%2Bd%26%C3%A9&x=1"),
            "?secret=«clientSecret»&x=1"
        );
        assert_eq!(
            r.redact("client_secret=a+b%2Fc%2Bd%26%C3%A9"),
            "client_secret=«clientSecret»"
        );
    }

    #[test]
    fn forms_the_url_crate_writes() {
        let r = redactor(&[("adminPassword", "My Pa$$word!")]);
        let url =
            url::Url::parse("http://127.0.0.1:1/echo/My Pa$$word!?p=My Pa$$word!#My Pa$$word!")
                .unwrap();
        assert_eq!(
            r.redact(url.as_str()),
            "http://127.0.0.1:1/echo/«adminPassword»?p=«adminPassword»#«adminPassword»"
        );
        let r = redactor(&[("clientSecret", "a'b\"c<d>e`f{g}h|i")]);
        for text in [
            "http://h/a'b\"c<d>e`f{g}h|i?a'b\"c<d>e`f{g}h|i#a'b\"c<d>e`f{g}h|i",
            "http://app:a'b\"c<d>e`f{g}h|i@h/",
        ] {
            let url = url::Url::parse(text).unwrap();
            let shown = r.redact(url.as_str());
            assert!(!shown.contains("c%3Cd"), "{shown}");
            assert_eq!(
                shown.matches("«clientSecret»").count(),
                text.matches("'b").count(),
                "{shown}"
            );
        }
    }

    #[test]
    fn basic_auth_through_add_derived() {
        let mut r = redactor(&[("adminAppSecret", "s3cr3t-value")]);
        let header = format!("Basic {}", STANDARD.encode("app-id:s3cr3t-value"));
        r.add_derived("adminAppSecret", &STANDARD.encode("app-id:s3cr3t-value"));
        assert_eq!(
            r.redact(&format!("Authorization: {header}")),
            "Authorization: Basic «adminAppSecret»"
        );
    }

    #[test]
    fn base64_of_the_value() {
        let r = redactor(&[("otp", "123456")]);
        let text = format!(
            "{} {}",
            STANDARD.encode("123456"),
            URL_SAFE_NO_PAD.encode("123456")
        );
        assert_eq!(r.redact(&text), "«otp» «otp»");
    }

    #[test]
    fn json_escaped_forms() {
        let secret = "pa\"ss\\wörd/1";
        let r = redactor(&[("password", secret)]);
        let body = json!({"password": secret}).to_string();
        assert_eq!(r.redact(&body), r#"{"password":"«password»"}"#);
        assert_eq!(r.redact(r#""pa\"ss\\w\u00f6rd\/1""#), r#""«password»""#);
    }

    #[test]
    fn overlapping_secrets_leave_no_fragment() {
        let r = redactor(&[("first", "abcdef"), ("second", "defghi")]);
        assert_eq!(r.redact("xx abcdefghi yy"), "xx «first»«second» yy");
        let r = redactor(&[("inner", "1234"), ("outer", "ab1234cd")]);
        assert_eq!(r.redact("ab1234cd 1234"), "«outer» «inner»");
    }

    #[test]
    fn short_values_and_booleans_are_not_hidden() {
        let mut vars = VarStore::new();
        vars.set("pin", json!("123"), true);
        vars.set("flagSecret", json!(true), false);
        vars.set("apiSecret", json!(987_654), false);
        vars.set("nestedToken", json!({"a": ["deep-secret"]}), false);
        vars.set("visible", json!("not-hidden"), false);
        let r = Redactor::from_store(&vars);
        let out = r.redact("123 true 987654 deep-secret not-hidden");
        assert_eq!(out, "123 true «apiSecret» «nestedToken» not-hidden");
    }

    #[test]
    fn add_value_hides_each_leaf() {
        let mut r = Redactor::default();
        r.add_value(
            "tokens",
            &json!({"access": "acc-1234", "expires": 3600, "ok": true}),
        );
        assert_eq!(r.redact("acc-1234 3600 true"), "«tokens» «tokens» true");
    }

    #[test]
    fn disabled_hides_nothing() {
        let mut r = Redactor::disabled();
        r.add("password", "hunter22");
        r.add_derived("password", "aHVudGVyMjI=");
        assert_eq!(r.redact("hunter22 aHVudGVyMjI="), "hunter22 aHVudGVyMjI=");
        assert!(!r.is_enabled());
    }

    #[test]
    fn redact_json_values() {
        let r = redactor(&[("token", "tok-1234"), ("pin", "424242")]);
        let value = json!({"tok-1234": ["Bearer tok-1234", 424_242, 7, true]});
        assert_eq!(
            r.redact_json(&value),
            json!({"«token»": ["Bearer «token»", "«pin»", 7, true]})
        );
    }

    #[test]
    fn clones_share_and_diverge_on_add() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Redactor>();
        let base = redactor(&[("a", "aaaa-secret")]);
        let mut more = base.clone();
        more.add("b", "bbbb-secret");
        assert_eq!(base.redact("aaaa-secret bbbb-secret"), "«a» bbbb-secret");
        assert_eq!(more.redact("aaaa-secret bbbb-secret"), "«a» «b»");
        assert!(!format!("{base:?}").contains("aaaa"));
    }
}
