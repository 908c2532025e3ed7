//! External identity providers (`/identityProviders`) and their attribute mappings
//! (`/identityProviders/{providerID}/attributes`, store scope = provider id). Each type
//! has the required fields PingOne lists; a `username` core mapping is added on create.

use serde_json::{Map, Value, json};

use super::error::{ApiError, ApiResult, Detail};
use super::hal;
use super::spec::{Ctx, Hooks, Kind, Ops, Scope, Spec};
use super::validate::{lookup, text};
use crate::sandbox::store::Store;

const TYPES: &[&str] = &[
    "FACEBOOK",
    "GOOGLE",
    "LINKEDIN",
    "LINKEDIN_OIDC",
    "APPLE",
    "TWITTER",
    "AMAZON",
    "YAHOO",
    "MICROSOFT",
    "PAYPAL",
    "GITHUB",
    "OPENID_CONNECT",
    "SAML",
];

fn required_for(kind: &str) -> &'static [&'static str] {
    match kind {
        "OPENID_CONNECT" => &[
            "authorizationEndpoint",
            "clientId",
            "clientSecret",
            "issuer",
            "jwksEndpoint",
            "scopes",
            "tokenEndpoint",
            "tokenEndpointAuthMethod",
        ],
        "FACEBOOK" => &["appId", "appSecret"],
        "APPLE" => &["clientId", "clientSecretSigningKey", "keyId", "teamId"],
        "PAYPAL" => &["clientId", "clientSecret", "clientEnvironment"],
        "SAML" => &[
            "idpEntityId",
            "idpVerification",
            "ssoBinding",
            "ssoEndpoint",
        ],
        _ => &["clientId", "clientSecret"],
    }
}

struct ProviderHooks;

impl Hooks for ProviderHooks {
    fn prepare(
        &self,
        _ctx: &Ctx,
        _store: &Store,
        doc: &mut Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        doc.entry("enabled").or_insert(json!(false));
        Ok(())
    }
    fn validate(
        &self,
        ctx: &Ctx,
        store: &Store,
        doc: &Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        let kind = text(doc, "type").unwrap_or_default();
        let mut details: Vec<Detail> = required_for(kind)
            .iter()
            .filter(|f| lookup(doc, f).is_none_or(Value::is_null))
            .map(|f| {
                Detail::new(
                    "REQUIRED_VALUE",
                    f,
                    format!("{f} is required for {kind} providers"),
                )
            })
            .collect();
        if let Some(pop) = text(doc, "registration.population.id")
            && store.get(ctx.env(), "populations", pop).is_none()
        {
            details.push(Detail::new(
                "INVALID_VALUE",
                "registration.population.id",
                "The population does not exist",
            ));
        }
        // A SAML provider's assertions are verified with certificates of this environment.
        let missing_certificate = doc
            .get("idpVerification")
            .and_then(|v| v.get("certificates"))
            .and_then(Value::as_array)
            .is_some_and(|certs| {
                certs.iter().any(|c| {
                    c.get("id")
                        .and_then(Value::as_str)
                        .is_none_or(|id| store.get(ctx.env(), "certificates", id).is_none())
                })
            });
        if missing_certificate {
            details.push(Detail::new(
                "INVALID_VALUE",
                "idpVerification.certificates",
                "The verification certificate does not exist in the environment",
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
        let value = if doc["type"] == "SAML" {
            "${samlAssertion.subject}"
        } else {
            "${providerAttributes.email}"
        };
        let ts = hal::now();
        store.put(
            &id,
            "attributes",
            json!({
                "id": hal::new_id(), "environment": hal::id_ref(ctx.env()),
                "identityProvider": hal::id_ref(&id), "name": "username", "value": value,
                "update": "EMPTY_ONLY", "mappingType": "CORE", "createdAt": ts, "updatedAt": ts,
            }),
        );
    }
    fn links(&self, ctx: &Ctx, doc: &Value) -> Vec<(&'static str, String)> {
        let me = ctx.item_href(doc["id"].as_str().unwrap_or_default());
        vec![("attributes", format!("{me}/attributes"))]
    }
}

struct AttributeHooks;

impl Hooks for AttributeHooks {
    fn prepare(
        &self,
        _ctx: &Ctx,
        _store: &Store,
        doc: &mut Map<String, Value>,
        existing: Option<&Value>,
    ) -> ApiResult<()> {
        let kind = existing.map_or(json!("CUSTOM"), |e| e["mappingType"].clone());
        doc.insert("mappingType".into(), kind);
        Ok(())
    }
    fn deleting(&self, _ctx: &Ctx, _store: &mut Store, doc: &Value) -> ApiResult<()> {
        if doc["mappingType"] == "CORE" {
            return Err(ApiError::request_failed(
                "Core attribute mappings cannot be deleted",
            ));
        }
        Ok(())
    }
}

pub static IDENTITY_PROVIDERS: Spec = Spec {
    name: "identityProviders",
    path: "/environments/{envID}/identityProviders",
    id_param: "providerID",
    scope: Scope::Env,
    required: &["name", "type"],
    enums: &[
        ("type", TYPES),
        (
            "tokenEndpointAuthMethod",
            &["CLIENT_SECRET_BASIC", "CLIENT_SECRET_POST", "NONE"],
        ),
        ("ssoBinding", &["HTTP_POST", "HTTP_REDIRECT"]),
        ("pkceMethod", &["NONE", "S256"]),
    ],
    kinds: &[
        ("name", Kind::Str),
        ("enabled", Kind::Bool),
        ("scopes", Kind::Array),
        ("registration", Kind::Object),
    ],
    unique: &["name"],
    read_only: &[],
    owner: None,
    env_ref: true,
    timestamps: true,
    ops: Ops::ALL,
    hooks: &ProviderHooks,
};

pub static PROVIDER_ATTRIBUTES: Spec = Spec {
    name: "attributes",
    path: "/environments/{envID}/identityProviders/{providerID}/attributes",
    id_param: "attributeID",
    scope: Scope::Parents(&[("providerID", "identityProviders")]),
    required: &["name", "value", "update"],
    enums: &[
        ("update", &["EMPTY_ONLY", "ALWAYS"]),
        ("mappingType", &["CORE", "CUSTOM"]),
    ],
    kinds: &[("name", Kind::Str), ("value", Kind::Str)],
    unique: &["name"],
    read_only: &["mappingType"],
    owner: Some("identityProvider"),
    hooks: &AttributeHooks,
    ..IDENTITY_PROVIDERS
};
