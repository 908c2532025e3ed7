//! How a `oneOf`'s branches are told apart. With `oneOf` read as `anyOf`, a branch that
//! constrains little (`SignOnPolicyActionPingID` is just the common action fields,
//! `ApplicationPingOneAdminConsole` checks two enums) would let any body through, so each
//! branch is tied to the `type`/`protocol`/`deliveryMethod` values that select it: from the document's own
//! `discriminator` where it has one, else from the table below.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

const SCHEMAS: &str = "#/components/schemas/";

/// A property and the values of it that select one branch.
type Selector = (&'static str, &'static [&'static str]);

/// Branches the documents leave without a `discriminator`, with the values PingOne uses to
/// tell them apart (`EnumApplicationType`, `EnumApplicationProtocol`, `EnumGatewayType`,
/// `EnumIdentityProviderExt`, `EnumTemplateContentDeliveryMethod`, `EnumSignOnPolicyType`).
const IMPLICIT: &[(&str, &[Selector])] = &[
    (
        "ApplicationOIDC",
        &[
            ("protocol", &["OPENID_CONNECT"]),
            (
                "type",
                &[
                    "WEB_APP",
                    "NATIVE_APP",
                    "SINGLE_PAGE_APP",
                    "WORKER",
                    "SERVICE",
                    "CUSTOM_APP",
                ],
            ),
        ],
    ),
    ("ApplicationSAML", &[("protocol", &["SAML"])]),
    ("ApplicationWSFED", &[("protocol", &["WS_FED"])]),
    (
        "ApplicationExternalLink",
        &[("protocol", &["EXTERNAL_LINK"])],
    ),
    (
        "ApplicationPingOnePortal",
        &[("type", &["PING_ONE_PORTAL"])],
    ),
    (
        "ApplicationPingOneSelfService",
        &[("type", &["PING_ONE_SELF_SERVICE"])],
    ),
    (
        "ApplicationPingOneAdminConsole",
        &[("type", &["PING_ONE_ADMIN_CONSOLE"])],
    ),
    (
        "Gateway",
        &[(
            "type",
            &[
                "PING_FEDERATE",
                "PING_INTELLIGENCE",
                "API_GATEWAY_INTEGRATION",
            ],
        )],
    ),
    ("GatewayTypeLDAP", &[("type", &["LDAP"])]),
    ("GatewayTypeRADIUS", &[("type", &["RADIUS"])]),
    ("IdentityProviderFacebook", &[("type", &["FACEBOOK"])]),
    (
        "IdentityProviderClientIDClientSecret",
        &[(
            "type",
            &[
                "GOOGLE",
                "LINKEDIN",
                "LINKEDIN_OIDC",
                "TWITTER",
                "AMAZON",
                "YAHOO",
                "GITHUB",
            ],
        )],
    ),
    ("IdentityProviderOIDC", &[("type", &["OPENID_CONNECT"])]),
    ("IdentityProviderApple", &[("type", &["APPLE"])]),
    ("IdentityProviderPaypal", &[("type", &["PAYPAL"])]),
    ("IdentityProviderMicrosoft", &[("type", &["MICROSOFT"])]),
    ("IdentityProviderSAML", &[("type", &["SAML"])]),
    ("TemplateContentEmail", &[("deliveryMethod", &["Email"])]),
    ("TemplateContentSMS", &[("deliveryMethod", &["SMS"])]),
    ("TemplateContentPush", &[("deliveryMethod", &["Push"])]),
    ("TemplateContentVoice", &[("deliveryMethod", &["Voice"])]),
    ("SignOnPolicyActionLogin", &[("type", &["LOGIN"])]),
    (
        "SignOnPolicyActionMFA",
        &[("type", &["MULTI_FACTOR_AUTHENTICATION"])],
    ),
    (
        "SignOnPolicyActionIDFirst",
        &[("type", &["IDENTIFIER_FIRST"])],
    ),
    ("SignOnPolicyActionIDP", &[("type", &["IDENTITY_PROVIDER"])]),
    ("SignOnPolicyActionAgreement", &[("type", &["AGREEMENT"])]),
    (
        "SignOnPolicyActionProgressiveProfiling",
        &[("type", &["PROGRESSIVE_PROFILING"])],
    ),
    (
        "SignOnPolicyActionPingID",
        &[("type", &["PINGID_AUTHENTICATION"])],
    ),
    (
        "SignOnPolicyActionPingIDWinLoginPasswordless",
        &[("type", &["PINGID_WINLOGIN_PASSWORDLESS_AUTHENTICATION"])],
    ),
];

/// The properties that select a branch; an error on one of them means "other branch".
pub const SELECTORS: &[&str] = &["type", "protocol", "deliveryMethod"];

/// Ties each `$ref` branch of `schema["oneOf"]` (or of an `anyOf` listing the same kinds of
/// body, as the gateway list does) to its selecting values, in place.
pub fn tie_branches(schema: &mut Map<String, Value>) {
    let explicit = explicit_mapping(schema);
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(branches)) = schema.get_mut(key) {
            tie(branches, &explicit);
        }
    }
}

fn tie(branches: &mut [Value], explicit: &HashMap<String, (String, Vec<String>)>) {
    for branch in branches {
        let Some(target) = branch.get("$ref").and_then(Value::as_str) else {
            continue;
        };
        let constraints: Vec<(String, Vec<String>)> = match explicit.get(target) {
            Some((property, values)) => vec![(property.clone(), values.clone())],
            None => implicit(target),
        };
        if constraints.is_empty() {
            continue;
        }
        let mut properties = Map::new();
        for (property, values) in &constraints {
            properties.insert(property.clone(), json!({ "enum": values }));
        }
        let required: Vec<&String> = constraints.iter().map(|(p, _)| p).collect();
        let selector = json!({"properties": properties, "required": required});
        *branch = json!({ "allOf": [branch.take(), selector] });
    }
}

/// `$ref` -> (property, values) from a `discriminator` with a `mapping`.
fn explicit_mapping(schema: &Map<String, Value>) -> HashMap<String, (String, Vec<String>)> {
    let mut out = HashMap::new();
    let Some(discriminator) = schema.get("discriminator") else {
        return out;
    };
    let property = discriminator["propertyName"].as_str().unwrap_or("type");
    if let Some(mapping) = discriminator["mapping"].as_object() {
        for (value, target) in mapping {
            let Some(target) = target.as_str() else {
                continue;
            };
            out.entry(target.to_owned())
                .or_insert_with(|| (property.to_owned(), Vec::new()))
                .1
                .push(value.clone());
        }
    }
    out
}

fn implicit(target: &str) -> Vec<(String, Vec<String>)> {
    let Some(name) = target.strip_prefix(SCHEMAS) else {
        return Vec::new();
    };
    IMPLICIT
        .iter()
        .find(|(schema, _)| *schema == name)
        .map(|(_, constraints)| {
            constraints
                .iter()
                .map(|(p, values)| {
                    (
                        (*p).to_owned(),
                        values.iter().map(|v| (*v).to_owned()).collect(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}
