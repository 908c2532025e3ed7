//! Why a value could not be read from a response: a type of its own, below both the reader
//! (`received`) and the JSONPath selection (`expect`), so that neither imports the other for it.

/// Why a value could not be read from a response. Each keeps its cause (`source`), and
/// displays as the step's failure always has.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The body is not JSON; the text says how (empty, truncated at byte N, invalid at line L
    /// column C) with the bytes around the spot.
    #[error("{0}")]
    NotJson(String),
    #[error("invalid JSONPath `{path}`: {source}")]
    JsonPath {
        path: String,
        #[source]
        source: jsonpath_rust::parser::errors::JsonPathError,
    },
    #[error("invalid regex `{pattern}`: {source}")]
    Regex {
        pattern: String,
        #[source]
        source: regex::Error,
    },
    /// The SAML reader (outside the engine) words its own errors.
    #[error("{0}")]
    Saml(String),
    #[error("the value is not a JWT (no payload part)")]
    NotJwt,
    #[error("the JWT payload is not base64url")]
    JwtBase64(#[source] base64::DecodeError),
    #[error("the JWT payload is not JSON")]
    JwtJson(#[source] serde_json::Error),
}
