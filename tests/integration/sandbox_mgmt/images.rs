//! Images: the file is the request body, typed by `Content-Type` and named by
//! `Content-Disposition`, as PingOne's Create Image page sends it; the sandbox answers with
//! the format and size read from the file and serves the bytes back without a token.

use reqwest::StatusCode;
use serde_json::Value;

use super::*;

/// A 3×2 baseline JPEG header: SOI, an APP0 (JFIF) segment, then SOF0 with height 2, width 3.
fn jpeg() -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
    bytes.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    bytes.extend_from_slice(&[0xFF, 0xC0, 0, 17, 8, 0, 2, 0, 3, 3]);
    bytes.extend_from_slice(&[1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    bytes.extend_from_slice(&[0xFF, 0xD9]);
    bytes
}

async fn upload(api: &Api, content_type: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let resp = api
        .http
        .post(api.url(&format!("/environments/{}/images", api.env())))
        .bearer_auth(&api.token)
        .header("content-type", content_type)
        .header("content-disposition", "attachment; filename=userimg.jpg")
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_raw_jpeg_becomes_an_image_served_back() {
    let api = Api::start().await;
    let (status, image) = upload(&api, "image/jpeg", jpeg()).await;
    assert_eq!(status, StatusCode::CREATED, "{image}");
    let original = &image["targets"]["original"];
    assert_eq!(original["type"], "jpg");
    assert_eq!(original["width"], 3);
    assert_eq!(original["height"], 2);
    assert_eq!(image["environment"]["id"], api.env().as_str());
    let served = api
        .http
        .get(original["href"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.headers()["content-type"], "image/jpeg");
    assert_eq!(served.bytes().await.unwrap().as_ref(), jpeg().as_slice());

    let path = format!(
        "/environments/{}/images/{}",
        api.env(),
        image["id"].as_str().unwrap()
    );
    assert_eq!(
        api.get(&path).await.body["targets"]["original"]["type"],
        "jpg"
    );
    assert_eq!(api.delete(&path).await.status, StatusCode::NO_CONTENT);
    assert_eq!(api.get(&path).await.status, StatusCode::NOT_FOUND);
    api.sandbox.shutdown().await;
}

#[tokio::test]
async fn image_jpg_png_and_gif_are_accepted() {
    let api = Api::start().await;
    let (status, image) = upload(&api, "image/jpg", jpeg()).await;
    assert_eq!(status, StatusCode::CREATED, "{image}");
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png.extend_from_slice(&[0, 0, 0, 16, 0, 0, 0, 9]);
    let (status, image) = upload(&api, "image/png", png).await;
    assert_eq!(status, StatusCode::CREATED, "{image}");
    assert_eq!(image["targets"]["original"]["type"], "png");
    assert_eq!(image["targets"]["original"]["width"], 16);
    let (status, image) = upload(&api, "image/gif", b"GIF89a\x04\x00\x05\x00".to_vec()).await;
    assert_eq!(status, StatusCode::CREATED, "{image}");
    assert_eq!(image["targets"]["original"]["height"], 5);
    api.sandbox.shutdown().await;
}

#[tokio::test]
async fn other_media_types_are_refused_with_415() {
    let api = Api::start().await;
    for content_type in [
        "application/json",
        "multipart/form-data; boundary=x",
        "image/svg+xml",
        "text/plain",
    ] {
        let (status, body) = upload(&api, content_type, jpeg()).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{content_type}");
        assert_eq!(body["code"], "INVALID_REQUEST");
        assert!(
            body["message"].as_str().unwrap().contains(content_type),
            "{body}"
        );
    }
    api.sandbox.shutdown().await;
}

#[tokio::test]
async fn bytes_that_are_not_the_declared_image_are_refused() {
    let api = Api::start().await;
    let (status, body) = upload(&api, "image/jpeg", b"\x89PNG\r\n\x1a\n".to_vec()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "INVALID_DATA");
    assert_eq!(body["details"][0]["code"], "INVALID_VALUE");
    assert_eq!(body["details"][0]["target"], "file");

    let (status, body) = upload(&api, "image/jpeg", Vec::new()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["details"][0]["code"], "REQUIRED_VALUE");

    // PingOne takes files of at most 2 MB.
    let mut big = jpeg();
    big.resize(2 * 1024 * 1024 + 1, 0);
    let (status, body) = upload(&api, "image/jpeg", big).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["details"][0]["target"], "file");
    api.sandbox.shutdown().await;
}
