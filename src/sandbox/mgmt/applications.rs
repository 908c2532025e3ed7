//! Applications (`/environments/{envID}/applications`) of every type and protocol. OIDC
//! apps get PingOne's defaults, `clientId` = `id`, a generated secret (kept in
//! `applicationSecrets`, see `secrets`) and a `sub` attribute mapping; SAML apps need an
//! entity id, ACS URLs and an assertion duration.

use serde_json::{Map, Value, json};

use super::error::{ApiError, ApiResult, Detail};
use super::hal;
use super::role_assignments;
use super::secrets::{self, APPLICATION_SECRETS};
use super::spec::{Ctx, Hooks, Kind, Ops, Scope, Spec};
use super::validate::text;
use crate::sandbox::store::Store;

pub const TYPES: &[&str] = &[
    "WEB_APP",
    "NATIVE_APP",
    "SINGLE_PAGE_APP",
    "WORKER",
    "SERVICE",
    "CUSTOM_APP",
    "PING_ONE_SELF_SERVICE",
    "PING_ONE_ADMIN_CONSOLE",
    "PING_ONE_PORTAL",
    "TEMPLATE_APP",
    "PORTAL_LINK_APP",
];
pub const GRANT_TYPES: &[&str] = &[
    "AUTHORIZATION_CODE",
    "IMPLICIT",
    "REFRESH_TOKEN",
    "CLIENT_CREDENTIALS",
    "DEVICE_CODE",
    "TOKEN_EXCHANGE",
    "CIBA",
];
const AUTH_METHODS: &[&str] = &[
    "NONE",
    "CLIENT_SECRET_BASIC",
    "CLIENT_SECRET_POST",
    "PRIVATE_KEY_JWT",
    "CLIENT_SECRET_JWT",
];

fn strings(doc: &Map<String, Value>, key: &str) -> Vec<String> {
    doc.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn oidc_defaults(doc: &mut Map<String, Value>) {
    let kind = text(doc, "type").unwrap_or_default().to_owned();
    let (grants, responses) = if kind == "WORKER" || kind == "SERVICE" {
        (json!(["CLIENT_CREDENTIALS"]), json!([]))
    } else {
        (json!(["AUTHORIZATION_CODE"]), json!(["CODE"]))
    };
    doc.entry("grantTypes").or_insert(grants);
    doc.entry("responseTypes").or_insert(responses);
    doc.entry("tokenEndpointAuthMethod")
        .or_insert(json!("CLIENT_SECRET_BASIC"));
    for (key, value) in [
        ("pkceEnforcement", json!("OPTIONAL")),
        ("parRequirement", json!("OPTIONAL")),
        ("parTimeout", json!(60)),
        ("devicePollingInterval", json!(5)),
        ("deviceTimeout", json!(600)),
        ("idpSignoff", json!(false)),
        ("assignActorRoles", json!(false)),
        ("additionalRefreshTokenReplayProtectionEnabled", json!(true)),
    ] {
        doc.entry(key).or_insert(value);
    }
    if strings(doc, "grantTypes")
        .iter()
        .any(|g| g == "REFRESH_TOKEN")
    {
        doc.entry("refreshTokenDuration")
            .or_insert(json!(2_592_000));
        doc.entry("refreshTokenRollingDuration")
            .or_insert(json!(15_552_000));
    }
}

fn saml_defaults(doc: &mut Map<String, Value>) {
    doc.entry("assertionSigned").or_insert(json!(true));
    doc.entry("responseSigned").or_insert(json!(false));
}

fn check_oidc(doc: &Map<String, Value>) -> Vec<Detail> {
    let mut details = Vec::new();
    let grants = strings(doc, "grantTypes");
    let responses = strings(doc, "responseTypes");
    let has = |g: &str| grants.iter().any(|x| x == g);
    let needs_redirect = has("AUTHORIZATION_CODE") || has("IMPLICIT");
    if needs_redirect && strings(doc, "redirectUris").is_empty() {
        details.push(Detail::new(
            "REQUIRED_VALUE",
            "redirectUris",
            "redirectUris is required for the AUTHORIZATION_CODE and IMPLICIT grant types",
        ));
    }
    if has("AUTHORIZATION_CODE") && !responses.iter().any(|r| r == "CODE") {
        details.push(Detail::new(
            "INVALID_VALUE",
            "responseTypes",
            "The AUTHORIZATION_CODE grant type requires the CODE response type",
        ));
    }
    if has("IMPLICIT") && !responses.iter().any(|r| r == "TOKEN" || r == "ID_TOKEN") {
        details.push(Detail::new(
            "INVALID_VALUE",
            "responseTypes",
            "The IMPLICIT grant type requires the TOKEN or ID_TOKEN response type",
        ));
    }
    let grace = doc
        .get("refreshTokenRollingGracePeriodDuration")
        .and_then(Value::as_i64);
    if grace.is_some_and(|g| !(0..=86_400).contains(&g)) {
        details.push(Detail::new(
            "INVALID_VALUE",
            "refreshTokenRollingGracePeriodDuration",
            "refreshTokenRollingGracePeriodDuration must be between 0 and 86400 seconds",
        ));
    }
    if has("REFRESH_TOKEN") && !(has("AUTHORIZATION_CODE") || has("DEVICE_CODE") || has("CIBA")) {
        details.push(Detail::new(
            "INVALID_VALUE",
            "grantTypes",
            "REFRESH_TOKEN requires AUTHORIZATION_CODE, DEVICE_CODE or CIBA",
        ));
    }
    details
}

fn check_saml(doc: &Map<String, Value>) -> Vec<Detail> {
    let mut details = Vec::new();
    for field in ["spEntityId", "acsUrls", "assertionDuration"] {
        let missing = match doc.get(field) {
            None | Some(Value::Null) => true,
            Some(Value::String(s)) => s.trim().is_empty(),
            Some(Value::Array(a)) => a.is_empty(),
            Some(_) => false,
        };
        if missing {
            details.push(Detail::new(
                "REQUIRED_VALUE",
                field,
                format!("{field} is required"),
            ));
        }
    }
    details
}

struct ApplicationHooks;

impl Hooks for ApplicationHooks {
    fn prepare(
        &self,
        _ctx: &Ctx,
        _store: &Store,
        doc: &mut Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        doc.remove("clientId");
        doc.remove("clientSecret");
        doc.entry("enabled").or_insert(json!(false));
        doc.entry("hiddenFromAppPortal").or_insert(json!(false));
        match text(doc, "protocol") {
            Some("OPENID_CONNECT") => oidc_defaults(doc),
            Some("SAML") => saml_defaults(doc),
            _ => {}
        }
        Ok(())
    }
    fn validate(
        &self,
        _ctx: &Ctx,
        _store: &Store,
        doc: &Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        let protocol = text(doc, "protocol").unwrap_or_default();
        let kind = text(doc, "type").unwrap_or_default();
        let mut details = match protocol {
            "OPENID_CONNECT" => check_oidc(doc),
            "SAML" => check_saml(doc),
            _ => Vec::new(),
        };
        if kind == "WORKER" && protocol != "OPENID_CONNECT" {
            details.push(Detail::new(
                "INVALID_VALUE",
                "protocol",
                "WORKER applications support only OPENID_CONNECT",
            ));
        }
        if details.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid(details))
        }
    }
    fn stored(&self, ctx: &Ctx, store: &mut Store, doc: &Value, created: bool) {
        if !created {
            return;
        }
        let id = doc["id"].as_str().unwrap_or_default().to_owned();
        let env = ctx.env().to_owned();
        let (name, value) = match doc["protocol"].as_str() {
            Some("OPENID_CONNECT") => {
                secrets::put_application_secret(store, &env, &id, &secrets::generate());
                ("sub", "${user.id}")
            }
            Some("SAML") => ("saml_subject", "${user.id}"),
            _ => return,
        };
        let ts = hal::now();
        store.put(&id, "attributes", json!({
            "id": hal::new_id(), "environment": hal::id_ref(&env), "application": hal::id_ref(&id),
            "name": name, "value": value, "required": true, "mappingType": "CORE",
            "createdAt": ts, "updatedAt": ts,
        }));
        if doc["type"] == "WORKER" && doc["assignActorRoles"] == true {
            inherit_roles(ctx, store, &id);
        }
    }
    fn deleting(&self, ctx: &Ctx, store: &mut Store, doc: &Value) -> ApiResult<()> {
        let id = doc["id"].as_str().unwrap_or_default();
        if ctx.env() == ctx.state.admin_env_id && id == ctx.state.admin_app_id {
            return Err(ApiError::request_failed(
                "The sandbox's admin worker application cannot be deleted",
            ));
        }
        store.remove(ctx.env(), APPLICATION_SECRETS, id);
        Ok(())
    }
    fn present(&self, _ctx: &Ctx, _store: &Store, doc: &mut Value) {
        if doc["protocol"] == "OPENID_CONNECT" {
            doc["clientId"] = doc["id"].clone();
        }
    }
    fn links(&self, ctx: &Ctx, doc: &Value) -> Vec<(&'static str, String)> {
        let me = ctx.item_href(doc["id"].as_str().unwrap_or_default());
        let mut links = vec![("attributes", format!("{me}/attributes"))];
        if doc["protocol"] == "OPENID_CONNECT" {
            links.push(("secret", format!("{me}/secret")));
            links.push(("grants", format!("{me}/grants")));
        }
        links.push((
            "signOnPolicyAssignments",
            format!("{me}/signOnPolicyAssignments"),
        ));
        links.push((
            "flowPolicyAssignments",
            format!("{me}/flowPolicyAssignments"),
        ));
        if doc["type"] == "WORKER" {
            links.push(("roleAssignments", format!("{me}/roleAssignments")));
        }
        if doc["type"] == "NATIVE_APP" {
            links.push(("pushCredentials", format!("{me}/pushCredentials")));
        }
        links
    }
}

/// A worker created with `assignActorRoles: true` gets the creating worker's roles.
fn inherit_roles(ctx: &Ctx, store: &mut Store, app_id: &str) {
    let Some(caller) = &ctx.caller else { return };
    let actor = caller.token.client_id.clone();
    let inherited: Vec<(String, String, String)> = store
        .list(&actor, "roleAssignments")
        .map(|a| {
            let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
            (
                s(&a["role"]["id"]),
                s(&a["scope"]["type"]),
                s(&a["scope"]["id"]),
            )
        })
        .collect();
    for (role, scope_type, scope_id) in inherited {
        role_assignments::grant(store, app_id, ctx.env(), &role, &scope_type, &scope_id);
    }
}

static HOOKS: ApplicationHooks = ApplicationHooks;

pub static APPLICATIONS: Spec = Spec {
    name: "applications",
    path: "/environments/{envID}/applications",
    id_param: "appID",
    scope: Scope::Env,
    required: &["name", "type", "protocol"],
    enums: &[
        ("type", TYPES),
        (
            "protocol",
            &["OPENID_CONNECT", "SAML", "WS_FED", "EXTERNAL_LINK"],
        ),
        ("grantTypes", GRANT_TYPES),
        ("responseTypes", &["TOKEN", "ID_TOKEN", "CODE"]),
        ("tokenEndpointAuthMethod", AUTH_METHODS),
        (
            "pkceEnforcement",
            &["OPTIONAL", "REQUIRED", "S256_REQUIRED"],
        ),
        ("parRequirement", &["REQUIRED", "OPTIONAL"]),
        ("refreshTokenType", &["JSON_WEB_TOKEN", "OPAQUE_TOKEN"]),
        ("sloBinding", &["HTTP_REDIRECT", "HTTP_POST"]),
        ("tags", &["PING_FED_CONNECTION_INTEGRATION"]),
    ],
    kinds: &[
        ("name", Kind::Str),
        ("enabled", Kind::Bool),
        ("grantTypes", Kind::Array),
        ("tags", Kind::Array),
        ("responseTypes", Kind::Array),
        ("redirectUris", Kind::Array),
        ("postLogoutRedirectUris", Kind::Array),
        ("acsUrls", Kind::Array),
        ("assertionDuration", Kind::Int),
        ("refreshTokenDuration", Kind::Int),
        ("refreshTokenRollingDuration", Kind::Int),
        ("refreshTokenRollingGracePeriodDuration", Kind::Int),
        ("deviceTimeout", Kind::Int),
        ("devicePollingInterval", Kind::Int),
        ("parTimeout", Kind::Int),
        ("mobile", Kind::Object),
        ("accessControl", Kind::Object),
        ("hiddenFromAppPortal", Kind::Bool),
        ("assignActorRoles", Kind::Bool),
    ],
    unique: &["name", "spEntityId"],
    read_only: &[],
    owner: None,
    env_ref: true,
    timestamps: true,
    ops: Ops::ALL,
    hooks: &HOOKS,
};
