//! Browser flows that end in an authorization response: the code in redirect and `pi.flow`
//! modes, PKCE, and implicit tokens in the fragment.

use reqwest::StatusCode;
use serde_json::json;

use super::{Kit, PASSWORD, REDIRECT, claims, code_request, fragment, query};

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

#[tokio::test]
async fn authorization_code_in_redirect_mode() {
    let kit = Kit::start().await;
    let (app, secret) = kit.app(json!({})).await;
    let user = kit.user("ada", PASSWORD).await;
    let b = kit.browser();
    let mut params = code_request(&app).to_vec();
    params.extend([("state", "s1"), ("nonce", "n1")]);
    let (r, flow) = b.authorize(&params).await;
    assert!(r.location().as_str().starts_with(&kit.auth("/signon/")));
    let cookies = r.set_cookies().join("\n");
    assert!(cookies.contains("interactionId=") && cookies.contains("interactionToken="));
    assert!(cookies.contains("HttpOnly") && cookies.contains("Max-Age=900"));

    let f = b.flow(&flow).await;
    assert_eq!(f.status, StatusCode::OK);
    assert_eq!(f.body["status"], "USERNAME_PASSWORD_REQUIRED");
    assert_eq!(f.body["id"], flow.as_str());
    assert_eq!(f.body["environment"]["id"], kit.env.as_str());
    assert_eq!(
        f.body["resumeUrl"],
        kit.auth(&format!("/as/resume?flowId={flow}"))
    );
    assert!(f.body["_links"]["usernamePassword.check"]["href"].is_string());
    assert!(f.body["_links"]["signOnPage"]["href"].is_string());
    assert!(
        f.body["_links"].get("otp.check").is_none(),
        "only valid actions are linked"
    );

    let done = b.login(&flow, "ada", PASSWORD, "COMPLETED").await;
    let st = done.set_cookies().join("\n");
    assert!(
        st.contains("ST=") && st.contains(&format!("Path=/{}", kit.env)),
        "{st}"
    );
    assert!(
        st.contains("Max-Age=2592000; Expires=") && st.contains(" GMT; HttpOnly"),
        "PingOne's attributes: {st}"
    );
    assert_eq!(done.body["_embedded"]["user"]["id"], user.as_str());
    assert!(done.body["session"]["id"].is_string());

    let resumed = b.resume(&flow).await;
    assert_eq!(resumed.status, StatusCode::FOUND);
    let loc = resumed.location();
    assert!(loc.as_str().starts_with(REDIRECT));
    assert_eq!(query(&loc, "state").as_deref(), Some("s1"));
    let code = query(&loc, "code").expect("code");
    assert_eq!(
        b.resume(&flow).await.status,
        StatusCode::BAD_REQUEST,
        "resume is one-time"
    );

    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
    ];
    let r = kit.token(&form, Some((&app, &secret))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["scope"], "openid");
    assert!(
        r.body.get("refresh_token").is_none(),
        "no REFRESH_TOKEN grant type"
    );
    let id = claims(r.body["id_token"].as_str().expect("id token"));
    assert_eq!(
        (id["aud"].as_str(), id["nonce"].as_str()),
        (Some(app.as_str()), Some("n1"))
    );
    assert!(id["at_hash"].is_string());
    let again = kit.token(&form, Some((&app, &secret))).await;
    assert_eq!(again.body["error"], "invalid_grant", "codes are one-time");
}

#[tokio::test]
async fn pi_flow_mode_answers_with_json() {
    let kit = Kit::start().await;
    let (app, secret) = kit.app(json!({})).await;
    kit.user("grace", PASSWORD).await;
    let b = kit.browser();
    let mut params = code_request(&app).to_vec();
    params.push(("response_mode", "pi.flow"));
    let r = b.get("/as/authorize", &params).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["status"], "USERNAME_PASSWORD_REQUIRED");
    assert!(r.body["_embedded"]["application"]["name"].is_string());
    let flow = r.body["id"].as_str().expect("id").to_owned();
    assert_eq!(
        b.resume(&flow).await.status,
        StatusCode::BAD_REQUEST,
        "not completed yet"
    );
    b.login(&flow, "grace", PASSWORD, "COMPLETED").await;
    let done = b.resume(&flow).await;
    assert_eq!(done.status, StatusCode::OK);
    assert_eq!(done.body["status"], "COMPLETED");
    let code = done.body["authorizeResponse"]["code"]
        .as_str()
        .expect("code")
        .to_owned();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
    ];
    assert_eq!(
        kit.token(&form, Some((&app, &secret))).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn pkce_s256_is_enforced_and_verified() {
    let kit = Kit::start().await;
    let spa = json!({"type": "SINGLE_PAGE_APP", "tokenEndpointAuthMethod": "NONE", "pkceEnforcement": "S256_REQUIRED"});
    let (app, _) = kit.app(spa).await;
    kit.user("alan", PASSWORD).await;
    let b = kit.browser();
    let mut base = code_request(&app).to_vec();
    base.push(("state", "x"));
    let r = b.get("/as/authorize", &base).await;
    assert_eq!(
        query(&r.location(), "error").as_deref(),
        Some("invalid_request"),
        "challenge required"
    );
    assert_eq!(query(&r.location(), "state").as_deref(), Some("x"));
    let mut plain = base.clone();
    plain.extend([
        ("code_challenge", VERIFIER),
        ("code_challenge_method", "plain"),
    ]);
    let r = b.get("/as/authorize", &plain).await;
    assert_eq!(
        query(&r.location(), "error").as_deref(),
        Some("invalid_request"),
        "S256 required"
    );

    let mut s256 = base;
    s256.extend([
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ]);
    let exchange = |code: String, verifier: Option<&'static str>| {
        let (kit, app) = (&kit, app.clone());
        async move {
            let mut form = vec![
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", REDIRECT),
                ("client_id", app.as_str()),
            ];
            if let Some(v) = verifier {
                form.push(("code_verifier", v));
            }
            kit.token(&form, None).await
        }
    };
    let wrong = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXK";
    let r = exchange(b.sign_in(&s256, "alan").await, Some(wrong)).await;
    assert_eq!(r.body["error"], "invalid_grant");
    let r = exchange(b.sign_in(&s256, "alan").await, None).await;
    assert_eq!(r.body["error"], "invalid_grant");
    let r = exchange(b.sign_in(&s256, "alan").await, Some(VERIFIER)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn pkce_plain_is_the_default_method() {
    let kit = Kit::start().await;
    let (app, secret) = kit.app(json!({})).await;
    kit.user("alan", PASSWORD).await;
    let b = kit.browser();
    let mut params = code_request(&app).to_vec();
    params.push(("code_challenge", VERIFIER));
    let code = b.sign_in(&params, "alan").await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("code_verifier", VERIFIER),
    ];
    assert_eq!(
        kit.token(&form, Some((&app, &secret))).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn implicit_tokens_come_in_the_fragment() {
    let kit = Kit::start().await;
    let spa = json!({"type": "SINGLE_PAGE_APP", "grantTypes": ["IMPLICIT"],
                     "responseTypes": ["TOKEN", "ID_TOKEN"], "tokenEndpointAuthMethod": "NONE"});
    let (app, _) = kit.app(spa).await;
    let user = kit.user("linus", PASSWORD).await;
    let b = kit.browser();
    let base = [
        ("response_type", "token id_token"),
        ("client_id", app.as_str()),
        ("redirect_uri", REDIRECT),
        ("scope", "openid"),
        ("state", "st"),
    ];
    let r = b.get("/as/authorize", &base).await;
    assert_eq!(
        fragment(&r.location(), "error").as_deref(),
        Some("invalid_request"),
        "nonce required"
    );
    let mut params = base.to_vec();
    params.push(("nonce", "nn"));
    let (_, flow) = b.authorize(&params).await;
    b.login(&flow, "linus", PASSWORD, "COMPLETED").await;
    let loc = b.resume(&flow).await.location();
    assert!(loc.query().is_none(), "nothing in the query: {loc}");
    let at = fragment(&loc, "access_token").expect("access_token");
    assert_eq!(fragment(&loc, "token_type").as_deref(), Some("Bearer"));
    assert_eq!(fragment(&loc, "expires_in").as_deref(), Some("3600"));
    assert_eq!(fragment(&loc, "state").as_deref(), Some("st"));
    let id = claims(&fragment(&loc, "id_token").expect("id_token"));
    assert_eq!(
        (id["nonce"].as_str(), id["sub"].as_str()),
        (Some("nn"), Some(user.as_str()))
    );
    assert!(id["at_hash"].is_string());
    assert_eq!(claims(&at)["sub"], user.as_str());
    let r = b.get("/as/authorize", &code_request(&app)).await;
    assert_eq!(
        query(&r.location(), "error").as_deref(),
        Some("unauthorized_client")
    );
}

#[tokio::test]
async fn request_objects_carry_authorize_parameters() {
    let kit = Kit::start().await;
    let (app, secret) = kit.app(json!({})).await;
    kit.user("rita", PASSWORD).await;
    let b = kit.browser();
    let inner = json!({"response_type": "code", "redirect_uri": REDIRECT, "scope": "openid", "state": "from-jwt",
                       "pi.template": {"name": "transaction"}});
    let signed = steprun::sandbox::sign_hs256(&inner, secret.as_bytes());
    let (_, flow) = b
        .authorize(&[("client_id", app.as_str()), ("request", signed.as_str())])
        .await;
    b.login(&flow, "rita", PASSWORD, "COMPLETED").await;
    let loc = b.resume(&flow).await.location();
    assert_eq!(query(&loc, "state").as_deref(), Some("from-jwt"));
    let forged = steprun::sandbox::sign_hs256(&inner, b"not-the-secret");
    let r = b
        .get(
            "/as/authorize",
            &[("client_id", app.as_str()), ("request", forged.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["details"][0]["target"], "request");
}
