//! The Postman collection format (v2.0 and v2.1) as serde structs: only what the importer
//! reads, lenient about everything else Postman writes.

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
pub struct Collection {
    pub info: Info,
    #[serde(default)]
    pub item: Vec<Item>,
    #[serde(default)]
    pub auth: Option<Value>,
    #[serde(default)]
    pub event: Vec<Event>,
    #[serde(default)]
    pub variable: Vec<Variable>,
}

#[derive(Debug, Deserialize)]
pub struct Info {
    pub name: String,
    #[serde(default)]
    pub description: Option<Description>,
    #[serde(default)]
    pub schema: Option<String>,
}

/// A folder (with `item`) or a request.
#[derive(Debug, Deserialize)]
pub struct Item {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<Description>,
    /// A folder's items (`item`).
    #[serde(default, rename = "item")]
    pub children: Option<Vec<Item>>,
    #[serde(default)]
    pub request: Option<Request>,
    #[serde(default)]
    pub auth: Option<Value>,
    #[serde(default)]
    pub event: Vec<Event>,
    #[serde(default, rename = "protocolProfileBehavior")]
    pub protocol_profile_behavior: Option<Value>,
}

/// A description is a string or `{ content, type }`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Description {
    Text(String),
    Object {
        #[serde(default)]
        content: Option<String>,
    },
}

impl Description {
    pub fn text(&self) -> Option<String> {
        let text = match self {
            Description::Text(t) => t.as_str(),
            Description::Object { content } => content.as_deref()?,
        };
        let text = text.trim();
        (!text.is_empty()).then(|| text.to_owned())
    }
}

/// A request is a bare URL string or an object.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Request {
    Url(String),
    Full(Box<FullRequest>),
}

#[derive(Debug, Deserialize)]
pub struct FullRequest {
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub url: Option<Url>,
    #[serde(default)]
    pub header: Option<Headers>,
    #[serde(default)]
    pub body: Option<Body>,
    #[serde(default)]
    pub auth: Option<Value>,
    #[serde(default)]
    pub description: Option<Description>,
}

/// A URL is a string or an object with `raw` and/or its parts.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Url {
    Text(String),
    Parts(UrlParts),
}

#[derive(Debug, Deserialize, Default)]
pub struct UrlParts {
    #[serde(default)]
    pub raw: Option<String>,
    #[serde(default)]
    pub protocol: Option<String>,
    #[serde(default)]
    pub host: Option<StringOrList>,
    #[serde(default)]
    pub port: Option<String>,
    #[serde(default)]
    pub path: Option<StringOrList>,
    #[serde(default)]
    pub query: Vec<KeyValue>,
    #[serde(default)]
    pub variable: Vec<KeyValue>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum StringOrList {
    One(String),
    Many(Vec<Value>),
}

impl StringOrList {
    /// The parts (path segments may be `{ value }` objects in some exports).
    pub fn parts(&self) -> Vec<String> {
        match self {
            StringOrList::One(s) => vec![s.clone()],
            StringOrList::Many(items) => items
                .iter()
                .filter_map(|v| match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Object(o) => o.get("value").and_then(Value::as_str).map(str::to_owned),
                    _ => None,
                })
                .collect(),
        }
    }
}

/// Headers are a list of entries or, in old exports, one `Key: value` text.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Headers {
    List(Vec<KeyValue>),
    Text(String),
}

/// A key/value entry of headers, query, url-encoded and form-data bodies, path variables.
#[derive(Debug, Deserialize, Default)]
pub struct KeyValue {
    #[serde(default)]
    pub key: Option<String>,
    /// v2.0 names path variables by `id`.
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub value: Option<Value>,
    #[serde(default)]
    pub disabled: bool,
    /// `text` or `file` in form-data.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub src: Option<Value>,
    #[serde(default, rename = "contentType")]
    pub content_type: Option<String>,
}

impl KeyValue {
    /// The value as text (`null` is empty; numbers and bools as written).
    pub fn text(&self) -> String {
        match &self.value {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct Body {
    #[serde(default)]
    pub mode: Option<String>,
    #[serde(default)]
    pub raw: Option<String>,
    #[serde(default)]
    pub urlencoded: Vec<KeyValue>,
    #[serde(default)]
    pub formdata: Vec<KeyValue>,
    #[serde(default)]
    pub graphql: Option<Value>,
    #[serde(default)]
    pub options: Option<Value>,
    #[serde(default)]
    pub disabled: bool,
}

impl Body {
    /// `options.raw.language` (`json`, `text`, `xml`, …).
    pub fn language(&self) -> Option<&str> {
        self.options.as_ref()?.get("raw")?.get("language")?.as_str()
    }
}

#[derive(Debug, Deserialize)]
pub struct Event {
    #[serde(default)]
    pub listen: Option<String>,
    #[serde(default)]
    pub script: Option<Script>,
    #[serde(default)]
    pub disabled: bool,
}

#[derive(Debug, Deserialize)]
pub struct Script {
    #[serde(default)]
    pub exec: Option<Exec>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Exec {
    Lines(Vec<String>),
    Text(String),
}

impl Event {
    /// The script's source lines (multi-line entries split).
    pub fn lines(&self) -> Vec<String> {
        if self.disabled {
            return Vec::new();
        }
        let exec = self.script.as_ref().and_then(|s| s.exec.as_ref());
        let joined = match exec {
            None => return Vec::new(),
            Some(Exec::Text(t)) => t.clone(),
            Some(Exec::Lines(lines)) => lines.join("\n"),
        };
        joined.lines().map(str::to_owned).collect()
    }
}

/// The lines of every enabled script listening to `listen` (`test` or `prerequest`).
pub fn script_lines(events: &[Event], listen: &str) -> Vec<String> {
    events
        .iter()
        .filter(|e| e.listen.as_deref() == Some(listen))
        .flat_map(Event::lines)
        .collect()
}

#[derive(Debug, Deserialize)]
pub struct Variable {
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub value: Option<Value>,
    #[serde(default)]
    pub disabled: bool,
    /// `string`, `secret`, `any`, …
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

/// Which format version a collection declares (`info.schema`).
pub fn version(info: &Info) -> &'static str {
    match info.schema.as_deref() {
        Some(s) if s.contains("v2.0") => "v2.0",
        _ => "v2.1",
    }
}
