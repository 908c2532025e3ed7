//! An integration kit's download, as PingOne serves it: the `asset` call answers
//! `307 Temporary Redirect` to a short-lived presigned URL, and that URL (no token needed)
//! serves the zip with its file name and a SHA-256 integrity header.

use std::fmt::Write as _;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::redirect::Policy;
use sha2::{Digest, Sha256};

use super::Api;

/// The asset URL of the first version of the PingOne MFA Integration Kit.
async fn asset_url(api: &Api) -> String {
    let env = api.env();
    let integrations = api
        .get(&format!(
            "/environments/{env}/integrations?filter=name%20sw%20%22PingOne%20MFA%22"
        ))
        .await;
    let integration = integrations.body["_embedded"]["integrations"][0]["id"]
        .as_str()
        .expect("integration id")
        .to_owned();
    let versions = api
        .get(&format!(
            "/environments/{env}/integrations/{integration}/versions"
        ))
        .await;
    let version = versions.body["_embedded"]["versions"][0]["id"]
        .as_str()
        .expect("version id");
    format!("/environments/{env}/integrations/{integration}/versions/{version}/asset")
}

#[tokio::test]
async fn the_asset_redirects_to_a_presigned_download() {
    let api = Api::start().await;
    let plain = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    let redirect = plain
        .get(api.url(&asset_url(&api).await))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(redirect.status(), StatusCode::TEMPORARY_REDIRECT);
    let location = redirect.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(&format!(
            "{}/integration-assets/",
            api.sandbox.vars().sandbox_path
        )),
        "{location}"
    );

    // The presigned URL is the credential: no bearer token.
    let zip = plain.get(&location).send().await.unwrap();
    assert_eq!(zip.status(), StatusCode::OK);
    assert_eq!(zip.headers()["content-type"], "application/zip");
    let disposition = zip.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment;filename=PingOne-MFA-Integration-Kit")
            && std::path::Path::new(&disposition)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("zip")),
        "{disposition}"
    );
    let etag = zip.headers()["x-amz-meta-etag"]
        .to_str()
        .unwrap()
        .to_owned();
    let body = zip.bytes().await.unwrap();
    assert!(body.starts_with(b"PK\x03\x04"));
    let digest = Sha256::digest(&body)
        .iter()
        .fold(String::new(), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        });
    assert_eq!(etag, format!("sha256={digest}"));
}

#[tokio::test]
async fn a_presigned_url_expires_and_cannot_be_forged() {
    let api = Api::start().await;
    let plain = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    let redirect = plain
        .get(api.url(&asset_url(&api).await))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    let location = redirect.headers()["location"].to_str().unwrap().to_owned();
    let forged = format!("{location}x");
    assert_eq!(
        plain.get(&forged).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    api.sandbox
        .state()
        .auth
        .clock
        .advance(Duration::from_secs(301));
    assert_eq!(
        plain.get(&location).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn an_unknown_version_has_no_asset() {
    let api = Api::start().await;
    let env = api.env();
    let missing = api
        .get(&format!(
            "/environments/{env}/integrations/{}/versions/{}/asset",
            uuid::Uuid::new_v4(),
            uuid::Uuid::new_v4()
        ))
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.body);
    assert_eq!(missing.body["code"], "NOT_FOUND");
}
