//! Templates: delimiters, strict undefined, typed single expressions, built-ins, located errors.

use base64::Engine as _;
use serde_json::json;

use super::*;

fn store(pairs: &[(&str, Value)]) -> VarStore {
    let mut vars = VarStore::new();
    for (name, value) in pairs {
        vars.set(*name, value.clone(), false);
    }
    vars
}

fn templates() -> Templates {
    Templates::new("0a1b2c3d")
}

#[test]
fn templates_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Templates>();
}

#[test]
fn renders_variables_and_keeps_json_braces() {
    let t = templates();
    let vars = store(&[("appId", json!("abc")), ("n", json!(2))]);
    let out = t.render_string(
        r#"{"a": "{{ x }}", "b": "{% y %}", "c": "<<appId>>-<< n + 1 >>"}"#,
        &vars,
    );
    assert_eq!(
        out.unwrap(),
        r#"{"a": "{{ x }}", "b": "{% y %}", "c": "abc-3"}"#
    );
    let blocks = t.render_string("<% if n > 1 %>big<% endif %><# note #>\n", &vars);
    assert_eq!(blocks.unwrap(), "big\n");
}

#[test]
fn run_id_is_a_variable() {
    let t = templates();
    let out = t
        .render_string("user-<<run_id>>", &VarStore::new())
        .unwrap();
    assert_eq!(out, "user-0a1b2c3d");
}

#[test]
fn single_expression_keeps_its_type() {
    let t = templates();
    let vars = store(&[("count", json!(2)), ("obj", json!({"z": 1, "a": [true]}))]);
    assert_eq!(t.render_typed("<<count>>", &vars).unwrap(), json!(2));
    assert_eq!(t.render_typed("<< count + 1 >>", &vars).unwrap(), json!(3));
    assert_eq!(
        t.render_typed("<< obj >>", &vars).unwrap(),
        json!({"z": 1, "a": [true]})
    );
    assert_eq!(t.render_typed("<< obj.a >>", &vars).unwrap(), json!([true]));
    assert_eq!(t.render_typed("<<- count ->>", &vars).unwrap(), json!(2));
    assert_eq!(t.render_typed("<< none >>", &vars).unwrap(), Value::Null);
    // Anything around the expression makes it text.
    assert_eq!(t.render_typed(" <<count>>", &vars).unwrap(), json!(" 2"));
    assert_eq!(
        t.render_typed("<<count>><<count>>", &vars).unwrap(),
        json!("22")
    );
    assert_eq!(t.render_typed("plain", &vars).unwrap(), json!("plain"));
}

#[test]
fn render_value_walks_arrays_and_objects() {
    let t = templates();
    let vars = store(&[("k", json!("key")), ("n", json!(5)), ("s", json!("x"))]);
    let value = json!({"<<k>>": ["<<n>>", "id-<<s>>", 1.5, null], "flag": true});
    let out = t.render_value(&value, &vars).unwrap();
    assert_eq!(out, json!({"key": [5, "id-x", 1.5, null], "flag": true}));
}

#[test]
fn undefined_variable_is_named_with_its_offset() {
    let t = templates();
    let err = t
        .render_string("x <<appId>>", &VarStore::new())
        .unwrap_err();
    assert_eq!(err.message, "undefined variable `appId`");
    assert_eq!(err.undefined.as_deref(), Some("appId"));
    assert_eq!(err.offset, Some(4));
    let err = t
        .render_typed("<< user.name >>", &VarStore::new())
        .unwrap_err();
    assert_eq!(err.undefined.as_deref(), Some("user"));
    let err = t
        .render_typed("a\nb << n + 1 >>", &VarStore::new())
        .unwrap_err();
    assert_eq!(err.undefined.as_deref(), Some("n"));
    let err = t
        .render_string("<< x | base64 >>", &VarStore::new())
        .unwrap_err();
    assert_eq!(err.undefined.as_deref(), Some("x"));
    let err = t
        .render_string("<< 'x.' ~ tenant | upper >>", &VarStore::new())
        .unwrap_err();
    assert_eq!(
        (err.undefined.as_deref(), err.offset),
        (Some("tenant"), Some(10))
    );
}

#[test]
fn missing_attribute_is_not_an_undefined_variable() {
    let t = templates();
    let vars = store(&[("user", json!({"id": 1}))]);
    let err = t.render_typed("<< user.name >>", &vars).unwrap_err();
    assert_eq!(err.undefined, None);
    assert_eq!(err.message, "undefined value `user.name`");
}

#[test]
fn syntax_errors_have_a_message_and_offset() {
    let t = templates();
    let err = t.render_string("ab << a", &VarStore::new()).unwrap_err();
    assert!(
        err.message
            .starts_with("syntax error: unexpected end of input"),
        "{}",
        err.message
    );
    assert_eq!(err.offset, Some(6));
    let err = t.variables_used("line1\n<% if %>").unwrap_err();
    assert!(err.message.starts_with("syntax error"), "{}", err.message);
    assert!(err.offset.is_some_and(|o| o >= 6), "{:?}", err.offset);
}

#[test]
fn conditions() {
    let t = templates();
    let vars = store(&[("target", json!("sandbox")), ("n", json!(0))]);
    assert!(t.eval_condition("target == 'sandbox'", &vars).unwrap());
    assert!(!t.eval_condition("n", &vars).unwrap());
    assert!(t.eval_condition("missing is undefined", &vars).unwrap());
    assert!(!t.eval_condition("missing is defined", &vars).unwrap());
    let err = t
        .eval_condition("n > 1 or tenant == 'x'", &vars)
        .unwrap_err();
    assert_eq!(err.undefined.as_deref(), Some("tenant"));
    assert_eq!(err.offset, Some(9));
    let err = t.eval_condition("missing", &vars).unwrap_err();
    assert_eq!(err.undefined.as_deref(), Some("missing"));
    let err = t.eval_condition("target ==", &vars).unwrap_err();
    assert!(err.message.starts_with("syntax error"), "{}", err.message);
}

#[test]
fn variables_used_skips_builtins_and_locals() {
    let t = templates();
    let used = t
        .variables_used("<<apiPath>>/<< uuid() >>/<<run_id>>/<< user.id >><% set k = 1 %><<k>><% for i in items %><<i>><% endfor %>")
        .unwrap();
    let expected: BTreeSet<String> = ["apiPath", "items", "user"].map(String::from).into();
    assert_eq!(used, expected);
    let used = t
        .expression_variables("target == 'sandbox' and env('X') and a.b")
        .unwrap();
    assert_eq!(used, ["a", "target"].map(String::from).into());
    assert!(t.variables_used("{{ no }} markup").unwrap().is_empty());
}

#[test]
fn pkce_matches_rfc_7636_appendix_b() {
    let t = templates();
    let vars = store(&[("v", json!("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))]);
    let out = t.render_string("<< v | pkce_s256 >>", &vars).unwrap();
    assert_eq!(out, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    let verifier = t.render_string("<< pkce_verifier() >>", &vars).unwrap();
    assert_eq!(verifier.len(), 64);
    assert!(
        verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
    );
}

#[test]
fn random_and_time_functions() {
    let t = templates();
    let vars = VarStore::new();
    let n = t.render_typed("<< random_int(3, 5) >>", &vars).unwrap();
    assert!(n.as_i64().is_some_and(|n| (3..=5).contains(&n)), "{n}");
    assert_eq!(
        t.render_typed("<< random_int(7, 7) >>", &vars).unwrap(),
        json!(7)
    );
    assert!(t.render_typed("<< random_int(5, 3) >>", &vars).is_err());
    let s = t.render_string("<< random_string(12) >>", &vars).unwrap();
    assert!(
        s.len() == 12 && s.bytes().all(|b| b.is_ascii_alphanumeric()),
        "{s}"
    );
    let id = t.render_string("<< uuid() >>", &vars).unwrap();
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
    let now = t.render_string("<< now() >>", &vars).unwrap();
    assert!(
        now.parse::<jiff::Timestamp>().is_ok() && now.ends_with('Z'),
        "{now}"
    );
    let ts = t.render_typed("<< timestamp() >>", &vars).unwrap();
    assert!(ts.as_i64().is_some_and(|s| s > 1_700_000_000), "{ts}");
}

#[test]
fn env_function_reads_the_environment() {
    let t = templates();
    let vars = VarStore::new();
    let path = std::env::var("PATH").unwrap_or_default();
    assert_eq!(t.render_string("<< env('PATH') >>", &vars).unwrap(), path);
    let err = t
        .render_string("<< env('STEPRUN_SURELY_UNSET_9F2C') >>", &vars)
        .unwrap_err();
    assert_eq!(
        err.message,
        "environment variable `STEPRUN_SURELY_UNSET_9F2C` is not set"
    );
    assert_eq!(err.undefined, None);
}

#[test]
fn encoding_filters() {
    let t = templates();
    let vars = store(&[("s", json!("a b&c=d/é~")), ("q", json!({"x y": "1+1"}))]);
    let render = |src: &str| t.render_string(src, &vars).unwrap();
    assert_eq!(render("<< s | urlencode >>"), "a%20b%26c%3Dd%2F%C3%A9~");
    assert_eq!(render("<< q | urlencode >>"), "x%20y=1%2B1");
    assert_eq!(render("<< 'user:pa>ss?' | base64 >>"), "dXNlcjpwYT5zcz8=");
    assert_eq!(render("<< 'user:pa>ss?' | base64url >>"), "dXNlcjpwYT5zcz8");
    assert_eq!(render("<< q | tojson >>"), r#"{"x y":"1+1"}"#);
    assert_eq!(render("<< '<a>' | tojson >>"), r#""<a>""#);
    assert_eq!(
        t.render_typed("<< q | tojson >>", &vars).unwrap(),
        json!(r#"{"x y":"1+1"}"#)
    );
}

#[test]
fn jwt_payload_decodes_without_verifying() {
    let t = templates();
    let payload = URL_SAFE_NO_PAD.encode(r#"{"sub":"user-1","n":3}"#);
    let vars = store(&[
        ("jwt", json!(format!("eyJhbGciOiJub25lIn0.{payload}.sig"))),
        ("bad", json!("a.b")),
    ]);
    assert_eq!(
        t.render_typed("<< (jwt | jwt_payload).sub >>", &vars)
            .unwrap(),
        json!("user-1")
    );
    assert_eq!(
        t.render_typed("<< jwt | jwt_payload >>", &vars).unwrap(),
        json!({"sub": "user-1", "n": 3})
    );
    let err = t
        .render_typed("<< bad | jwt_payload >>", &vars)
        .unwrap_err();
    assert!(err.message.contains("not a JWT"), "{}", err.message);
    let err = t
        .render_typed("<< 'a.!!!.c' | jwt_payload >>", &vars)
        .unwrap_err();
    assert!(err.message.contains("base64url"), "{}", err.message);
}

#[test]
fn fast_path_and_store_snapshot() {
    let t = templates();
    let mut vars = store(&[("a", json!(1))]);
    assert_eq!(
        t.render_typed("no markup {{x}}", &vars).unwrap(),
        json!("no markup {{x}}")
    );
    assert_eq!(t.render_typed("<<a>>", &vars).unwrap(), json!(1));
    vars.set("a", json!(2), false);
    assert_eq!(t.render_typed("<<a>>-", &vars).unwrap(), json!("2-"));
}

#[test]
fn indents_are_bounded_so_a_typo_cannot_exhaust_memory() {
    let t = templates();
    let vars = store(&[("lst", json!([1, 2])), ("s", json!("a\nb"))]);
    assert_eq!(
        t.render_string("<< lst | tojson(2) >>", &vars).unwrap(),
        "[\n  1,\n  2\n]"
    );
    assert_eq!(
        t.render_string("<< s | indent(2) >>", &vars).unwrap(),
        "a\n  b"
    );
    assert_eq!(
        t.render_string("<< s | indent(width=2) >>", &vars).unwrap(),
        "a\n  b"
    );
    for huge in [
        "<< lst | tojson(99999999999) >>",
        "<< s | indent(99999999999) >>",
        "<< s | indent(width=99999999999) >>",
    ] {
        let err = t.render_string(huge, &vars).unwrap_err();
        assert!(err.to_string().contains("limited to 64"), "{huge}: {err}");
    }
}

/// Found by the fuzzer (`tests/fuzz`): `tojson` applied to its own output doubles the text each
/// time; without fuel a chain of fifty never finished. Now it stops at the fuel with its reason,
/// and an ordinary render still fits.
#[test]
fn a_render_that_grows_without_bound_runs_out_of_fuel() {
    let t = templates();
    let chain = format!("<< run_id{} >>", "| tojson".repeat(50));
    let err = t.render_string(&chain, &VarStore::new()).unwrap_err();
    assert_eq!(err.message, OUT_OF_FUEL);
    let err = t
        .render_string("<< 'x' * 10000000000 >>", &VarStore::new())
        .unwrap_err();
    assert_eq!(err.message, OUT_OF_FUEL);
    let big = store(&[("big", json!("y".repeat(1 << 20)))]);
    assert_eq!(t.render_string("<< big >>", &big).unwrap().len(), 1 << 20);
}

#[test]
fn markup_is_any_of_the_three_openings() {
    for text in ["<< x >>", "a<%x%>", "<#c#>", "<<", "x <# y", "é<<"] {
        assert!(has_markup(text), "{text}");
    }
    for text in ["", "<", "a < b", "<>", "< <", "<!-- -->", "«x»", "x<"] {
        assert!(!has_markup(text), "{text}");
    }
    assert!(value_has_markup(&json!({"a": [1, "<< b >>"]})));
    assert!(value_has_markup(&json!({"<< k >>": 1})));
    assert!(!value_has_markup(&json!({"name": "item-1", "n": 1})));
}
