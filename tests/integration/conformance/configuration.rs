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
    // The workflow library's gateway: a user type whose new users go into a population.
    let pop = api
        .create(&format!("{e}/populations"), &json!({"name": "LDAP users"}))
        .await;
    api.create(
        &gateways,
        &json!({"name": "LDAP Gateway", "type": "LDAP", "enabled": true, "vendor": "PingDirectory",
            "serversHostAndPort": ["host1:389"], "bindDN": "cn=svc-account", "bindPassword": "pw",
            "searchBaseDN": "o=example", "userCorrelationFilterPattern": "(|(uid=$username$)(mail=$username$))",
            "userTypes": [{"id": "0b2e5bd5-5d1a-4bd4-9b8c-9f1e6a2c7d10", "name": "typeName",
                "passwordAuthority": "LDAP", "searchBaseDn": "dc=example,dc=com",
                "orderedCorrelationAttributes": ["externalid", "uid", "username"],
                "allowPasswordChanges": false, "newUserLookup": {
                    "ldapFilterPattern": "(|(uid=${identifier})(mail=${identifier}))",
                    "population": {"id": id(&pop)},
                    "attributeMappings": [{"name": "username", "value": "${ldapAttributes.uid}"}]}}]}),
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
    // A new policy spells out every method with its passcode settings, as PingOne's
    // tutorial body does; one that leaves a method's `otp` out is refused.
    let failure = json!({"count": 3, "coolDown": {"duration": 0, "timeUnit": "MINUTES"}});
    let sent = json!({"failure": failure, "lifeTime": {"duration": 30, "timeUnit": "MINUTES"}});
    let mut new_policy = json!({
        "name": "Tutorial MFA policy", "default": false,
        "sms": {"enabled": true, "otp": sent}, "email": {"enabled": true, "otp": sent},
        "voice": {"enabled": false, "otp": sent},
        "mobile": {"enabled": false, "otp": {"failure": failure}},
        "totp": {"enabled": false, "otp": {"failure": failure}},
    });
    let policies_path = format!("{e}/deviceAuthenticationPolicies");
    let created = api.create(&policies_path, &new_policy).await;
    api.delete(&format!("{policies_path}/{}", id(&created)))
        .await;
    new_policy["sms"] = json!({"enabled": false});
    api.expect(
        400,
        Method::POST,
        &policies_path,
        Some("application/json"),
        Some(&new_policy),
    )
    .await;
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

    // The MFA tutorials' own policy: every method with its passcode settings, the
    // authenticator app listing an application.
    let app = api
        .create(
            &format!("{e}/applications"),
            &json!({"name": "mfa app", "enabled": true, "type": "WEB_APP",
                "protocol": "OPENID_CONNECT", "grantTypes": ["AUTHORIZATION_CODE"],
                "responseTypes": ["CODE"], "redirectUris": ["https://example.com"],
                "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC"}),
        )
        .await;
    let otp = json!({"failure": {"count": 3, "coolDown": {"duration": 0, "timeUnit": "MINUTES"}},
        "lifeTime": {"duration": 30, "timeUnit": "MINUTES"}});
    let created = api
        .create(
            &format!("{e}/deviceAuthenticationPolicies"),
            &json!({"name": "tutorial policy", "default": false, "forSignOnPolicy": false,
                "sms": {"enabled": true, "otp": otp}, "email": {"enabled": true, "otp": otp},
                "voice": {"enabled": false, "otp": otp},
                "mobile": {"enabled": true,
                    "otp": {"failure": {"count": 3, "coolDown": {"duration": 2, "timeUnit": "MINUTES"}},
                        "window": {"stepSize": {"duration": 30, "timeUnit": "SECONDS"}}},
                    "applications": [{"id": app["id"], "push": {"enabled": false}}]},
                "totp": {"enabled": true, "otp": {"failure": {"count": 3,
                    "coolDown": {"duration": 2, "timeUnit": "MINUTES"}}}}}),
        )
        .await;
    let refused = api
        .expect(
            400,
            Method::POST,
            &format!("{e}/deviceAuthenticationPolicies"),
            Some("application/json"),
            Some(&json!({"name": "bad", "sms": {"enabled": true,
                "otp": {"lifeTime": {"duration": 30, "timeUnit": "HOURS"}}}})),
        )
        .await;
    assert_eq!(refused["code"], "INVALID_DATA", "{refused}");
    let created = format!("{e}/deviceAuthenticationPolicies/{}", id(&created));
    api.get(&created).await;
    api.delete(&created).await;
    api.finish(9).await;
}
