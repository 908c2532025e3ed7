//! A request ready to send and the response that counts for a step, as plain data: the
//! renderer makes the one, the engine and the reports read the other, and neither needs to
//! know how they travel.

use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode, Url};

/// A request ready to send; kept as data so it can be re-sent.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub method: Method,
    pub url: Url,
    pub headers: HeaderMap,
    pub body: PreparedBody,
}

#[derive(Debug, Clone, Default)]
pub enum PreparedBody {
    #[default]
    Empty,
    /// Shared, so re-sends and redirect hops do not copy it.
    Bytes(bytes::Bytes),
    /// A file's bytes as they are (`body = { file = "…" }`); `path` is where they were read,
    /// for the curl export (`--data-binary @path`).
    File {
        path: String,
        bytes: bytes::Bytes,
    },
    Multipart(Vec<Part>),
}

#[derive(Debug, Clone)]
pub struct Part {
    pub name: String,
    pub data: PartData,
}

#[derive(Debug, Clone)]
pub enum PartData {
    Text(String),
    File {
        file_name: String,
        bytes: Vec<u8>,
        content_type: Option<String>,
    },
}

#[derive(Debug, Clone, Copy)]
pub struct SendOptions {
    pub timeout: Duration,
    pub follow_redirects: bool,
    pub max_redirects: u32,
    pub insecure: bool,
}

/// The response that counts for the step: the last hop, after redirects and throttling retries.
#[derive(Debug)]
pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: bytes::Bytes,
    /// The final URL (after any redirects followed).
    pub url: Url,
    /// `Set-Cookie` values of every hop, in order.
    pub set_cookies: Vec<String>,
    /// Times the request was sent: 1, plus 429/503 re-sends (redirect hops not counted).
    pub sends: u32,
    pub duration: Duration,
}
