//! Agreements with their languages and revisions, languages, notification templates and
//! contents, identity providers, gateways, keys and certificates, notification settings,
//! and the MFA side: device authentication policies, MFA settings and user devices.

use reqwest::Method;
use serde_json::{Value, json};

use super::checker::Conformance;

fn id(doc: &Value) -> String {
    doc["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn agreements_languages_and_notification_templates() {
    let api = Conformance::start().await;
    let e = format!("/environments/{}", api.env());
    let languages = api
        .get(&format!("{e}/languages?filter=locale%20eq%20%22en%22"))
        .await;
    let en = id(&languages["_embedded"]["languages"][0]);
    api.get(&format!("{e}/languages/{en}")).await;
    api.get(&format!("{e}/languages")).await;

    let agreements = format!("{e}/agreements");
    let agreement = api
        .create(&agreements, &json!({"name": "Terms", "enabled": false}))
        .await;
    let a = format!("{agreements}/{}", id(&agreement));
    api.get(&agreements).await;
    api.get(&a).await;
    let langs = format!("{a}/languages");
    let language = api
        .create(
            &langs,
            &json!({"locale": "en", "displayName": "English", "enabled": false}),
        )
        .await;
    let l = format!("{langs}/{}", id(&language));
    api.get(&langs).await;
    let revisions = format!("{l}/revisions");
    let revision = api
        .create(
            &revisions,
            &json!({"effectiveAt": "2020-01-01T00:00:00Z", "requireReconsent": true,
                "contentType": "text/html", "text": "<b>These Terms</b>"}),
        )
        .await;
    api.get(&revisions).await;
    api.get(&format!("{revisions}/{}", id(&revision))).await;
    api.put(
        &l,
        &json!({"locale": "en", "displayName": "English", "enabled": true}),
    )
    .await;
    api.get(&l).await;
    api.put(&a, &json!({"name": "Terms", "enabled": true}))
        .await;

    let templates = format!("{e}/templates");
    api.get(&templates).await;
    api.get(&format!("{templates}/transaction")).await;
    let contents = format!("{templates}/transaction/contents");
    let sms = api
        .create(
            &contents,
            &json!({"locale": "en", "deliveryMethod": "SMS", "content": "OTP ${OTP}", "variant": "variant_C"}),
        )
        .await;
    let email = json!({"locale": "fr", "deliveryMethod": "Email", "subject": "Code",
        "body": "Code ${OTP}", "from": {"name": "Ping", "address": "noreply@pingidentity.com"}});
    api.create(&contents, &email).await;
    api.get(&contents).await;
    let s = format!("{contents}/{}", id(&sms));
    api.get(&s).await;
    api.put(
        &s,
        &json!({"locale": "en", "deliveryMethod": "SMS", "content": "New ${OTP}", "variant": "variant_C"}),
    )
    .await;
    api.delete(&s).await;
    api.finish(18).await;
}

#[tokio::test]
async fn identity_providers_gateways_keys_and_certificates() {
    let api = Conformance::start().await;
    let e = format!("/environments/{}", api.env());
    let idps = format!("{e}/identityProviders");
    let fb = api
        .create(
            &idps,
            &json!({"name": "Facebook", "type": "FACEBOOK", "enabled": true, "appId": "1", "appSecret": "s"}),
        )
        .await;
    let oidc = json!({"name": "Upstream", "type": "OPENID_CONNECT", "enabled": true,
        "clientId": "c", "clientSecret": "s", "issuer": "https://idp.example.com",
        "authorizationEndpoint": "https://idp.example.com/authorize",
        "tokenEndpoint": "https://idp.example.com/token", "jwksEndpoint": "https://idp.example.com/jwks",
        "scopes": ["openid"], "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC"});
    api.create(&idps, &oidc).await;
    let keys = api.get(&format!("{e}/keys")).await;
    let pem = api
        .export(
            &format!("{e}/keys/{}", id(&keys["_embedded"]["keys"][0])),
            "application/x-x509-ca-cert",
        )
        .await;
    let form = reqwest::multipart::Form::new()
        .text("usageType", "SIGNING")
        .part(
            "file",
            reqwest::multipart::Part::text(pem).file_name("partner.pem"),
        );
    let partner_cert = api.upload(202, &format!("{e}/certificates"), form).await;
    let saml = json!({"name": "Partner", "type": "SAML", "enabled": true,
        "idpEntityId": "urn:partner", "spEntityId": "urn:sandbox", "ssoBinding": "HTTP_POST",
        "ssoEndpoint": "https://partner.example.com/sso",
        "idpVerification": {"certificates": [{"id": id(&partner_cert)}]}});
    let saml = api.create(&idps, &saml).await;
    api.get(&idps).await;
    api.delete(&format!("{idps}/{}", id(&saml))).await;
    let idp = format!("{idps}/{}", id(&fb));
    api.get(&idp).await;
    api.put(
        &idp,
        &json!({"name": "Facebook 2", "type": "FACEBOOK", "enabled": true, "appId": "1", "appSecret": "s"}),
    )
    .await;
    let attrs = format!("{idp}/attributes");
    api.get(&attrs).await;
    let attr = api
        .create(
            &attrs,
            &json!({"name": "email", "value": "${providerAttributes.email}", "update": "EMPTY_ONLY"}),
        )
        .await;
    api.get(&format!("{attrs}/{}", id(&attr))).await;

    let gateways = format!("{e}/gateways");
    let ldap = api
        .create(
            &gateways,
            &json!({"name": "LDAP", "type": "LDAP", "enabled": true, "bindDN": "cn=admin",
                "bindPassword": "pw", "vendor": "PingDirectory",
                "serversHostAndPort": ["ldap.example.com:636"], "connectionSecurity": "TLS"}),
        )
        .await;
    api.create(
        &gateways,
        &json!({"name": "PF", "type": "PING_FEDERATE", "enabled": true}),
    )
    .await;
    api.get(&gateways).await;
    api.create(
        &gateways,
        &json!({"name": "RADIUS", "type": "RADIUS", "enabled": true,
            "radiusClients": [{"ip": "127.0.0.1", "sharedSecret": "s"}],
            "davinci": {"policy": {"id": "p"}}}),
    )
    .await;
    let gw = format!("{gateways}/{}", id(&ldap));
    api.get(&gw).await;
    api.put(
        &gw,
        &json!({"name": "LDAP 2", "type": "LDAP", "enabled": false, "bindDN": "cn=admin",
            "bindPassword": "pw", "vendor": "PingDirectory", "serversHostAndPort": ["ldap.example.com:636"]}),
    )
    .await;
    let credentials = format!("{gw}/credentials");
    let credential = api.create(&credentials, &json!({})).await;
    api.get(&credentials).await;
    api.delete(&format!("{credentials}/{}", id(&credential)))
        .await;

    let keys = format!("{e}/keys");
    let listed = api.get(&keys).await;
    let first = id(&listed["_embedded"]["keys"][0]);
    api.get(&format!("{keys}/{first}")).await;
    let key = api
        .create(
            &keys,
            &json!({"name": "signing", "algorithm": "RSA", "keyLength": 2048,
                "signatureAlgorithm": "SHA256withRSA", "subjectDN": "CN=signing, O=Example",
                "usageType": "SIGNING", "validityPeriod": 365}),
        )
        .await;
    let key_url = format!("{keys}/{}", id(&key));
    api.get(&key_url).await;
    let pem = api.export(&key_url, "application/x-x509-ca-cert").await;
    api.export(&key_url, "application/x-pkcs7-certificates")
        .await;
    let form = reqwest::multipart::Form::new()
        .text("usageType", "SIGNING")
        .part(
            "file",
            reqwest::multipart::Part::text(pem).file_name("signing.pem"),
        );
    let cert = api.upload(202, &format!("{e}/certificates"), form).await;
    api.get(&format!("{e}/certificates")).await;
    let cert_url = format!("{e}/certificates/{}", id(&cert));
    api.get(&cert_url).await;
    api.delete(&cert_url).await;
    api.delete(&key_url).await;
    api.get(&format!("{e}/notificationsSettings")).await;
    api.finish(20).await;
}

#[tokio::test]
async fn mfa_policies_settings_and_devices() {
    let api = Conformance::start().await;
    let e = format!("/environments/{}", api.env());
    let policies = api.get(&format!("{e}/deviceAuthenticationPolicies")).await;
    let mut policy = policies["_embedded"]["deviceAuthenticationPolicies"][0].clone();
    let p = policy["_links"]["self"]["href"]
        .as_str()
        .unwrap()
        .to_owned();
    api.get(&p).await;
    policy["totp"]["enabled"] = json!(true);
    api.put(&p, &policy).await;
    api.get(&format!("{e}/mfaSettings")).await;
    api.put(
        &format!("{e}/mfaSettings"),
        &json!({"lockout": {"failureCount": 3, "durationSeconds": 600}}),
    )
    .await;

    let user = api
        .create(
            &format!("{e}/users"),
            &json!({"username": "mfa", "email": "mfa@example.com"}),
        )
        .await;
    let devices = format!("{e}/users/{}/devices", id(&user));
    api.create(
        &devices,
        &json!({"type": "EMAIL", "email": "mfa@example.com"}),
    )
    .await;
    let sms = api
        .create(
            &devices,
            &json!({"type": "SMS", "phone": "+15125551234", "status": "ACTIVATION_REQUIRED", "testMode": true}),
        )
        .await;
    let d = format!("{devices}/{}", id(&sms));
    let otp = sms["test"]["otp"].clone();
    api.post_as(
        &d,
        "application/vnd.pingidentity.device.activate+json",
        &json!({"otp": otp}),
    )
    .await;
    api.create(&devices, &json!({"type": "TOTP"})).await;
    api.get(&devices).await;
    api.get(&d).await;
    api.put(&format!("{d}/nickname"), &json!({"nickname": "Phone"}))
        .await;
    api.expect(204, Method::DELETE, &d, None, None).await;
    api.finish(6).await;
}
