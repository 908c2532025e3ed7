//! Variables: layering, references, secrets, environment entries.

use serde_json::json;

use super::decl::VarDecl;
use super::layers::*;
use super::*;
use crate::template::Templates;
use crate::workflow::source::Source;

fn decl(name: &str, value: Option<Value>, env: Option<&str>, secret: Option<bool>) -> VarDecl {
    VarDecl {
        name: name.to_owned(),
        value: value.map(|v| Var::declared(name, v, secret)),
        env: env.map(str::to_owned),
        secret,
        source: Arc::new(Source::new("vars.toml", "")),
        span: 0..0,
    }
}

fn lit(name: &str, value: Value) -> VarDecl {
    decl(name, Some(value), None, None)
}

fn no_env(_: &str) -> Option<String> {
    None
}

fn run(layers: &Layers, extracted: &VarStore) -> Result<VarStore, VarError> {
    resolve_with_env(layers, extracted, &Templates::new("cafe0123"), &no_env)
}

fn value<'a>(store: &'a VarStore, name: &str) -> &'a Value {
    store
        .get(name)
        .unwrap_or_else(|| panic!("{name} is not set"))
        .expose()
}

/// `NAME=VALUE` pairs as `--var` and `STEPRUN_VAR_*` give them.
fn given(pairs: &[(&str, &str)]) -> Vec<(String, Var)> {
    pairs
        .iter()
        .map(|&(name, text)| (name.to_owned(), Var::declared(name, json!(text), None)))
        .collect()
}

#[test]
fn precedence_from_workflow_to_extracted() {
    let layers = Layers {
        workflow: vec![
            lit("a", json!("wf")),
            lit("b", json!("wf")),
            lit("c", json!("wf")),
            lit("d", json!("wf")),
            lit("e", json!("wf")),
            lit("f", json!(1)),
        ],
        files: files(vec![
            vec![
                lit("b", json!("file1")),
                lit("c", json!("file1")),
                lit("d", json!("file1")),
                lit("e", json!("file1")),
            ],
            vec![
                lit("c", json!("file2")),
                lit("d", json!("file2")),
                lit("e", json!("file2")),
            ],
        ]),
        env: given(&[("d", "env"), ("e", "env")]),
        cli: given(&[("e", "cli")]),
    };
    let mut extracted = VarStore::new();
    extracted.set("f", json!({"id": 7}), false);
    let store = run(&layers, &extracted).unwrap();
    let got: Vec<_> = ["a", "b", "c", "d", "e", "f"]
        .iter()
        .map(|n| value(&store, n).clone())
        .collect();
    assert_eq!(
        got,
        [
            json!("wf"),
            json!("file1"),
            json!("file2"),
            json!("env"),
            json!("cli"),
            json!({"id": 7})
        ]
    );
}

#[test]
fn env_entries_read_the_environment_or_fall_back() {
    let env = |name: &str| (name == "SET").then(|| "from-env <<not a template>>".to_owned());
    let layers = Layers {
        workflow: vec![
            decl("read", Some(json!("fallback")), Some("SET"), None),
            decl(
                "fallback",
                Some(json!("fb-<<run_id>>")),
                Some("UNSET"),
                None,
            ),
        ],
        ..Layers::default()
    };
    let store =
        resolve_with_env(&layers, &VarStore::new(), &Templates::new("cafe0123"), &env).unwrap();
    assert_eq!(value(&store, "read"), &json!("from-env <<not a template>>"));
    assert_eq!(value(&store, "fallback"), &json!("fb-cafe0123"));
}

#[test]
fn missing_env_is_an_error_unless_a_higher_layer_sets_it() {
    let layers = Layers {
        files: files(vec![vec![decl(
            "adminAppSecret",
            None,
            Some("P1_SECRET"),
            None,
        )]]),
        ..Layers::default()
    };
    let err = run(&layers, &VarStore::new()).unwrap_err();
    assert!(
        matches!(&err, VarError::MissingEnv { name, env } if name == "adminAppSecret" && env == "P1_SECRET")
    );
    assert_eq!(
        err.to_string(),
        "environment variable `P1_SECRET` for `adminAppSecret` is not set"
    );
    let layers = Layers {
        cli: given(&[("adminAppSecret", "s3cr3t")]),
        ..layers
    };
    assert_eq!(
        value(&run(&layers, &VarStore::new()).unwrap(), "adminAppSecret"),
        &json!("s3cr3t")
    );
}

#[test]
fn secrecy_follows_names_and_declarations() {
    let layers = Layers {
        workflow: vec![
            decl("tokenEndpoint", Some(json!("https://x")), None, Some(false)),
            lit("plain", json!("p")),
        ],
        files: files(vec![vec![
            decl("adminAppKey", None, Some("UNSET"), Some(true)),
            lit("userPassword", json!("pw")),
        ]]),
        cli: given(&[("adminAppKey", "k"), ("accessToken", "t")]),
        ..Layers::default()
    };
    let mut extracted = VarStore::new();
    extracted.set("plain", json!("x"), false);
    let store = run(&layers, &extracted).unwrap();
    let secret = |name: &str| store.get(name).is_some_and(Var::is_secret);
    assert!(
        !secret("tokenEndpoint"),
        "secret = false wins over the name"
    );
    assert!(
        secret("adminAppKey"),
        "the declaration sticks when --var overrides the value"
    );
    assert!(
        secret("userPassword") && secret("accessToken"),
        "names decide by default"
    );
    assert!(!secret("plain"));
    assert_eq!(format!("{:?}", store.get("userPassword")), "Some(«secret»)");
}

#[test]
fn declared_secret_sticks_to_extracted_values() {
    let layers = Layers {
        workflow: vec![decl("sessionId", None, None, Some(true))],
        ..Layers::default()
    };
    let mut extracted = VarStore::new();
    extracted.set("sessionId", json!("abcd"), false);
    let store = run(&layers, &extracted).unwrap();
    assert!(store.get("sessionId").is_some_and(Var::is_secret));
}

#[test]
fn set_with_policy() {
    let mut store = VarStore::new();
    store.set_with_policy("otpCode", json!(1), Some(false));
    store.set_with_policy("otherOtp", json!(1), None);
    store.set_with_policy("plain", json!(1), Some(true));
    store.set("token", json!(1), false);
    let secret: Vec<bool> = ["otpCode", "otherOtp", "plain", "token"]
        .iter()
        .map(|n| store.get(n).is_some_and(Var::is_secret))
        .collect();
    assert_eq!(secret, [false, true, true, true]);
}

#[test]
fn references_resolve_across_layers_in_dependency_order() {
    let layers = Layers {
        workflow: vec![
            lit("apiPath", json!("https://api.pingone.<<tld>>/v1")),
            lit("envUrl", json!("<<apiPath>>/environments/<<envID>>")),
            lit("username", json!("user-<<run_id>>")),
            lit(
                "nested",
                json!({"urls": ["<<envUrl>>", "<<count>>"], "<<tld>>": true}),
            ),
        ],
        files: files(vec![vec![lit("tld", json!("eu")), lit("count", json!(3))]]),
        cli: given(&[("envID", "e-1")]),
        ..Layers::default()
    };
    let store = run(&layers, &VarStore::new()).unwrap();
    assert_eq!(
        value(&store, "apiPath"),
        &json!("https://api.pingone.eu/v1")
    );
    assert_eq!(
        value(&store, "envUrl"),
        &json!("https://api.pingone.eu/v1/environments/e-1")
    );
    assert_eq!(value(&store, "username"), &json!("user-cafe0123"));
    assert_eq!(
        value(&store, "nested"),
        &json!({"urls": ["https://api.pingone.eu/v1/environments/e-1", 3], "eu": true})
    );
}

#[test]
fn extracted_values_are_not_rendered_but_can_be_referenced() {
    let layers = Layers {
        workflow: vec![lit("greeting", json!("hi <<userID>>"))],
        ..Layers::default()
    };
    let mut extracted = VarStore::new();
    extracted.set("userID", json!("<<raw>>"), false);
    let store = run(&layers, &extracted).unwrap();
    assert_eq!(value(&store, "userID"), &json!("<<raw>>"));
    assert_eq!(value(&store, "greeting"), &json!("hi <<raw>>"));
}

#[test]
fn cycles_are_named() {
    let layers = Layers {
        workflow: vec![
            lit("a", json!("<<b>>")),
            lit("b", json!(["x", "<<c>>"])),
            lit("c", json!("<<a>>/")),
        ],
        ..Layers::default()
    };
    let err = run(&layers, &VarStore::new()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "variables reference each other in a cycle: a -> b -> c -> a"
    );
    let layers = Layers {
        workflow: vec![lit("me", json!("<<me>>"))],
        ..Layers::default()
    };
    assert!(matches!(run(&layers, &VarStore::new()), Err(VarError::Cycle(c)) if c == "me -> me"));
}

#[test]
fn undefined_references_name_the_variable() {
    let layers = Layers {
        workflow: vec![lit("apiPath", json!("https://api.pingone.<<tld>>/v1"))],
        ..Layers::default()
    };
    let err = run(&layers, &VarStore::new()).unwrap_err();
    let VarError::Template { name, source } = &err else {
        panic!("unexpected {err:?}");
    };
    assert_eq!(
        (name.as_str(), source.undefined.as_deref()),
        ("apiPath", Some("tld"))
    );
    assert_eq!(
        err.to_string(),
        "variable `apiPath`: undefined variable `tld`"
    );
}

#[test]
fn template_syntax_errors_name_the_variable() {
    let layers = Layers {
        cli: given(&[("bad", "<< oops")]),
        ..Layers::default()
    };
    let err = run(&layers, &VarStore::new()).unwrap_err();
    assert!(
        matches!(&err, VarError::Template { name, .. } if name == "bad"),
        "{err:?}"
    );
}

#[test]
fn a_value_signed_with_jwt_sign_is_secret_even_when_declared_not() {
    let layers = Layers {
        workflow: vec![
            lit("key", json!("plain-key-not-secret")),
            decl(
                "assertion",
                Some(json!("<<jwt_sign({'sub': 'a'}, key=key)>>")),
                None,
                Some(false),
            ),
            lit("label", json!("for <<key>>")),
        ],
        ..Layers::default()
    };
    let store = run(&layers, &VarStore::new()).unwrap();
    let assertion = store.get("assertion").unwrap();
    assert!(assertion.is_secret());
    assert!(assertion.expose().as_str().unwrap().starts_with("eyJ"));
    assert!(!store.get("label").unwrap().is_secret());
}

#[test]
fn secret_values_are_held_as_secrets_from_every_layer() {
    // A default, a vars-file entry declared secret, an environment entry, `--var` and a
    // value extracted into a secret name: none shows in `Debug`, each reads with `expose`.
    let env = |name: &str| (name == "P1_SECRET").then(|| "from-env-0".to_owned());
    let layers = Layers {
        workflow: vec![lit("userPassword", json!("default-0"))],
        files: files(vec![vec![
            decl("apiKey", Some(json!("file-0")), None, Some(true)),
            decl("adminAppSecret", None, Some("P1_SECRET"), None),
        ]]),
        cli: given(&[("accessToken", "cli-0")]),
        ..Layers::default()
    };
    let mut extracted = VarStore::new();
    extracted.set_with_policy("sessionToken", json!("extracted-0"), None);
    let shown = format!("{layers:?}");
    for value in ["default-0", "file-0", "cli-0"] {
        assert!(!shown.contains(value), "{value} in {shown}");
    }
    let store = resolve_with_env(&layers, &extracted, &Templates::new("cafe0123"), &env).unwrap();
    let shown = format!("{store:?}");
    let names = [
        ("userPassword", "default-0"),
        ("apiKey", "file-0"),
        ("adminAppSecret", "from-env-0"),
        ("accessToken", "cli-0"),
        ("sessionToken", "extracted-0"),
    ];
    for (name, value) in names {
        assert!(!shown.contains(value), "{value} in {shown}");
        let var = store.get(name).unwrap();
        assert_eq!(
            var.secret().map(Secret::expose),
            Some(&json!(value)),
            "{name}"
        );
        assert_eq!(var.plain(), None, "{name}");
    }
    assert_eq!(store.secrets().count(), names.len());
}

/// Vars files' layers from their declarations.
fn files(files: Vec<Vec<VarDecl>>) -> Vec<Arc<[VarDecl]>> {
    files.into_iter().map(Into::into).collect()
}
