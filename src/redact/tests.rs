//! Unit tests of the redactor and the forms it hides.

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
    let url = url::Url::parse("http://127.0.0.1:1/echo/My Pa$$word!?p=My Pa$$word!#My Pa$$word!")
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
fn forms_escaped_inside_json() {
    let secret = "q\"uo\\te€é";
    let r = redactor(&[("apiSecret", secret)]);
    let body = json!({"s": secret}).to_string();
    let echoed = json!({"body": body, "rawquery": "x=q%22uo\\te%E2%82%AC%C3%A9"});
    // As Python's `json.dumps` writes it: non-ASCII characters as `\u` escapes.
    let python = r#"{"body": "{\"s\":\"q\\\"uo\\\\te\u20ac\u00e9\"}"}"#;
    assert_eq!(r.redact(python), r#"{"body": "{\"s\":\"«apiSecret»\"}"}"#);
    // Escaped by Python first, then by `serde_json`.
    let twice = json!({"body": r#"{"s": "q\"uo\\te\u20ac\u00e9"}"#}).to_string();
    assert_eq!(r.redact(&twice), r#"{"body":"{\"s\": \"«apiSecret»\"}"}"#);
    assert_eq!(
        r.redact(&echoed.to_string()),
        r#"{"body":"{\"s\":\"«apiSecret»\"}","rawquery":"x=«apiSecret»"}"#
    );
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

#[test]
fn a_secret_seen_again_keeps_the_redactor() {
    let mut r = redactor(&[("accessToken", "eyJhbGciOi.payload.sig")]);
    let before = Arc::clone(&r.inner);
    r.add("accessToken", "eyJhbGciOi.payload.sig");
    r.add_value("accessToken", &json!(["eyJhbGciOi.payload.sig"]));
    assert!(Arc::ptr_eq(&before, &r.inner), "nothing new: not copied");
    r.add("refreshToken", "another-long-value");
    assert!(!Arc::ptr_eq(&before, &r.inner));
    assert_eq!(
        r.redact("eyJhbGciOi.payload.sig another-long-value"),
        "«accessToken» «refreshToken»"
    );
}

#[test]
fn a_cut_never_leaves_part_of_a_secret() {
    let secret = "eyJhbGciOiJSUzI1NiJ9.payload-part-of-a-long-token.signature";
    let r = redactor(&[("accessToken", secret)]);
    let text = format!("{}{secret} and after", "x".repeat(30));
    // The cut falls inside the secret: the secret is replaced whole, nothing of it is kept.
    for max in [0, 29, 30, 31, 45, 89, 90, 91, 200] {
        let (shown, cut) = r.redact_cut(&text, max);
        assert!(
            !shown.contains("eyJ") && !shown.contains("signature"),
            "{max}: {shown}"
        );
        assert_eq!(cut, max < text.len(), "{max}");
        if max > 30 {
            assert!(shown.ends_with("«accessToken»") || shown.contains("«accessToken» "));
        }
    }
    let (whole, cut) = r.redact_cut(&text, 1000);
    assert_eq!(whole, r.redact(&text));
    assert!(!cut);
    // Past the secret, the cut is where it was asked for.
    let (shown, _) = r.redact_cut(&text, text.len() - 3);
    assert_eq!(shown, format!("{}«accessToken» and af", "x".repeat(30)));
}

#[test]
fn a_cut_without_secrets_or_inside_a_character() {
    let r = Redactor::default();
    assert_eq!(r.redact_cut("héllo", 2), ("h".to_owned(), true));
    assert_eq!(r.redact_cut("héllo", 3), ("hé".to_owned(), true));
    assert_eq!(r.redact_cut("abc", 3), ("abc".to_owned(), false));
    let r = redactor(&[("password", "pässwörd")]);
    let (shown, cut) = r.redact_cut("é pässwörd é", 5);
    assert_eq!((shown.as_str(), cut), ("é «password»", true));
}

#[test]
fn percent_escapes_in_lower_case() {
    let r = redactor(&[("clientSecret", "a b/c+d&é")]);
    for text in ["x=a%20b%2fc%2bd%26%c3%a9", "x=a+b%2fc%2bd%26%c3%a9"] {
        assert_eq!(r.redact(text), "x=«clientSecret»", "{text}");
    }
    assert_eq!(
        crate::secret::forms::lower_hex("%2F%zz%é"),
        Some("%2f%zz%é".to_owned())
    );
    assert_eq!(crate::secret::forms::lower_hex("%20"), None);
}

/// Secrets added one at a time (a run extracting tokens step after step), many sharing their
/// first bytes: every one stays hidden, also where two overlap.
#[test]
fn secrets_added_one_by_one_stay_hidden() {
    let mut r = Redactor::default();
    let values: Vec<String> = (0..200).map(|i| format!("token-{i:04}-value")).collect();
    for (i, value) in values.iter().enumerate() {
        r.add(&format!("t{i}"), value);
        assert_eq!(r.inner.heads.len(), r.inner.needles.len());
    }
    for (i, value) in values.iter().enumerate() {
        assert_eq!(r.redact(&format!("<{value}>")), format!("<«t{i}»>"));
    }
    r.add("wide", "token-0000-value token-0199");
    assert_eq!(
        r.redact("a token-0000-value token-0199-value b"),
        "a «wide»«t199» b"
    );
}

#[test]
fn secrets_sharing_their_first_bytes_are_told_apart_by_the_rest() {
    // Each needle's first HEAD bytes are compared; the rest decides.
    let head = "0123456789abcdefghij";
    assert!(head.len() > HEAD);
    let (one, two) = (format!("{head}-one-secret"), format!("{head}-two-secret"));
    let r = redactor(&[("one", &one), ("two", &two)]);
    assert_eq!(r.redact(&format!("a {two} b {one} c")), "a «two» b «one» c");
    // The shared start alone, or a secret cut short, is no secret.
    let partial = format!("{head}-one-secre");
    assert!(matches!(r.redact(&partial), Cow::Borrowed(_)));
    assert_eq!(r.redact_cut(&format!("{one}{one}"), 10).0, "«one»");
    // A secret that ends where the text does is still found.
    assert_eq!(r.redact(&one), "«one»");
}

/// Every place each needle occurs is found, as a naive search finds it, whether the text
/// holds it at its start, its end, twice overlapping, or beside a needle sharing its key.
#[test]
fn every_occurrence_is_found_as_a_plain_search_finds_it() {
    let r = redactor(&[
        ("a", "abab-abab"),
        ("b", "abab-xyz"),
        ("c", "1234"),
        ("d", "éé-é"),
    ]);
    let texts = [
        "abab-abab-abab",
        "xabab-xyzabab-abab",
        "1234123412",
        "éé-éé-é",
        "abab-ab",
        "123",
        "",
    ];
    for text in texts {
        let mut found: Vec<(usize, usize)> = r
            .matches(text)
            .map(|(start, end, _)| (start, end))
            .collect();
        found.sort_unstable();
        let mut expected = Vec::new();
        for needle in ["abab-abab", "abab-xyz", "1234", "éé-é"] {
            for (start, _) in text.char_indices() {
                if text[start..].starts_with(needle) {
                    expected.push((start, start + needle.len()));
                }
            }
        }
        expected.sort_unstable();
        assert_eq!(found, expected, "{text}");
    }
}
