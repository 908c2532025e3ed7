//! `steprun schema`: the JSON Schema of the workflow format (README, Workflow format), for editors and TOML
//! language servers. These types only describe the format; the loader (`raw`, `convert`)
//! stays the authority, and a test keeps every file in `workflows/` valid against the schema.

#![expect(
    dead_code,
    reason = "the types below are never built: they exist for their derived schema only"
)]

use std::collections::BTreeMap;

use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::{JsonSchema, Schema};
use serde_json::Value;

use shapes::{
    Duration, Literal, Matcher, Method, Status, TextMatcher, True, at_most_one_body, without_null,
};

mod shapes;
#[cfg(test)]
mod tests;

/// Variable names: identifiers (README, Templates).
const IDENTIFIER: &str = "^[A-Za-z_][A-Za-z0-9_]*$";

/// The schema as a JSON value (draft 2020-12).
pub fn workflow_schema() -> Schema {
    SchemaSettings::draft2020_12()
        .with_transform(RecursiveTransform(without_null))
        .into_generator()
        .into_root_schema_for::<Workflow>()
}

/// A steprun workflow: ordered HTTP steps that share a variable store and a cookie jar.
#[derive(JsonSchema)]
#[schemars(title = "steprun workflow", deny_unknown_fields)]
struct Workflow {
    /// Title shown in reports.
    name: String,
    /// Markdown; shown by `teach`, `list` and the HTML report.
    description: Option<String>,
    /// For `--tag` selection.
    tags: Option<Vec<String>>,
    /// Variables that must be defined before the first request (an array of names), or a
    /// table of those `vars` and the admin `roles` and `products` a real tenant needs.
    requires: Option<Requires>,
    /// `true`: only meant to be `use`d; `run DIR` skips it.
    fragment: Option<bool>,
    /// Workflow defaults for variables, the lowest precedence. Each entry is a literal or a
    /// table `{ value = …, env = "NAME", secret = true }`.
    #[schemars(extend("propertyNames" = { "pattern": IDENTIFIER }))]
    vars: Option<BTreeMap<String, VarEntry>>,
    /// `headers`, `auth`, `timeout`, `follow_redirects` and `expect.duration` applied to every
    /// step of this file unless the step overrides them.
    defaults: Option<Defaults>,
    /// The steps, in order.
    steps: Option<Vec<Step>>,
}

/// `requires = ["apiPath"]`, or `[requires]` with `vars`, `roles` and `products`.
#[derive(JsonSchema)]
#[schemars(untagged)]
enum Requires {
    Vars(RequiredVars),
    Table(RequiresTable),
}

/// Variables that must be defined before the first request; checked statically.
#[derive(JsonSchema)]
#[schemars(extend("items" = { "type": "string", "pattern": IDENTIFIER }))]
struct RequiredVars(Vec<String>);

/// What the workflow needs: variables, and of a real tenant, admin roles and products.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct RequiresTable {
    /// Variables that must be defined before the first request; checked statically.
    vars: Option<RequiredVars>,
    /// PingOne admin roles the worker app needs (`steprun check` warns when a vars file's
    /// `[tenant]` does not list one).
    #[schemars(extend("items" = { "enum": crate::workflow::requires::ROLES }))]
    roles: Option<Vec<String>>,
    /// Products the environment needs (its bill of materials).
    #[schemars(extend("items" = { "enum": product_names() }))]
    products: Option<Vec<String>>,
}

fn product_names() -> Vec<&'static str> {
    crate::workflow::requires::PRODUCTS
        .iter()
        .map(|(name, _)| *name)
        .collect()
}

/// Applied to every step of this file unless the step overrides them.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Defaults {
    /// Headers sent with every step.
    headers: Option<BTreeMap<String, String>>,
    /// Authentication for every step (a step's `auth = "none"` cancels it).
    auth: Option<Auth>,
    /// Request timeout, e.g. "30s".
    timeout: Option<Duration>,
    /// Follow redirects (default `false`: a 3xx is the step's response).
    follow_redirects: Option<bool>,
    /// Expectations for every step and cleanup of this file without their own: `duration`.
    expect: Option<DefaultExpect>,
}

/// `[defaults.expect]`: only `duration`, which a step's own `expect.duration` replaces.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct DefaultExpect {
    /// The response time every step must keep to, e.g. `{ lt = "2s" }`.
    duration: Option<DurationExpect>,
}

/// Predicates on the response time (from sending the request to the last byte of the
/// response, redirects and throttled re-sends included), each a duration. A slow answer
/// fails the step like any other expectation.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, extend("minProperties" = 1))]
struct DurationExpect {
    /// Faster than this, e.g. "800ms".
    lt: Option<Duration>,
    /// At most this.
    lte: Option<Duration>,
    /// Slower than this.
    gt: Option<Duration>,
    /// At least this.
    gte: Option<Duration>,
}

/// One HTTP request and what to check and learn from its response; or a `use` step that
/// inlines another file's steps.
#[derive(JsonSchema)]
#[schemars(
    deny_unknown_fields,
    extend(
        "if" = { "required": ["use"] },
        "then" = { "propertyNames": { "enum": ["use", "name", "doc", "when"] } },
        "else" = { "required": ["name", "url"] },
        "not" = at_most_one_body(),
    )
)]
struct Step {
    /// Shown in every report; required except on `use` steps.
    name: Option<String>,
    /// Markdown explanation; shown by `teach`, `-v` and the HTML report.
    doc: Option<String>,
    /// Path of another workflow file, relative to this file; its steps are inlined here and
    /// its `[vars]` become defaults below this file's. A `use` step has no other keys but
    /// `name`, `doc` and `when`.
    #[schemars(rename = "use")]
    use_: Option<String>,
    /// An expression; the step runs only if it is true, otherwise it is reported as skipped.
    when: Option<String>,
    #[schemars(flatten)]
    request: RequestKeys,
    /// Variables to set from the response.
    #[schemars(extend("propertyNames" = { "pattern": IDENTIFIER }))]
    extract: Option<BTreeMap<String, Extraction>>,
    /// `name = "question"`: before the step, ask for each variable that is not yet defined
    /// (terminal only).
    #[schemars(extend("propertyNames" = { "pattern": IDENTIFIER }))]
    prompt: Option<BTreeMap<String, String>>,
    /// A request (a step's keys minus `extract`, `cleanup`, `use` and `prompt`) registered
    /// when this step passes.
    cleanup: Option<Cleanup>,
}

/// A request registered when its step passes; a workflow's cleanups run after its last
/// step, in reverse order, whether the run passed or failed, unless `--keep`.
#[derive(JsonSchema)]
#[schemars(
    deny_unknown_fields,
    extend("required" = ["url"], "not" = at_most_one_body())
)]
struct Cleanup {
    /// Shown in reports (default: "cleanup of STEP").
    name: Option<String>,
    doc: Option<String>,
    /// An expression; the cleanup runs only if it is true.
    when: Option<String>,
    #[schemars(flatten)]
    request: RequestKeys,
}

/// The keys that make a request, shared by steps and cleanups.
#[derive(JsonSchema)]
struct RequestKeys {
    /// HTTP method, default `GET`.
    method: Option<Method>,
    /// The request URL, templated; required except on `use` steps.
    url: Option<String>,
    /// Query parameters appended to `url` (values templated, URL-encoded).
    query: Option<BTreeMap<String, Value>>,
    /// Request headers (values templated).
    headers: Option<BTreeMap<String, String>>,
    /// `{ bearer = "…" }`, `{ basic = { username = "…", password = "…" } }`, or `"none"`.
    auth: Option<Auth>,
    /// Body: any TOML value, sent as JSON.
    json: Option<Value>,
    /// Body: a table sent `application/x-www-form-urlencoded`.
    form: Option<BTreeMap<String, Value>>,
    /// Body: a raw string, or `{ file = "path" }` to send a file's bytes as they are (path
    /// relative to the workflow file; set `content_type`).
    body: Option<RawBody>,
    /// Body: string values are fields, `{ file = "path", content_type = "…" }` are file parts.
    multipart: Option<BTreeMap<String, MultipartPart>>,
    /// Overrides the body's Content-Type.
    content_type: Option<String>,
    /// Default `false`: a 3xx is the step's response. `true` follows up to `max_redirects`.
    follow_redirects: Option<bool>,
    /// Most redirects followed (default 10).
    max_redirects: Option<u32>,
    /// Request timeout (default "30s").
    timeout: Option<Duration>,
    /// Wait before sending.
    delay: Option<Duration>,
    /// `{ attempts = N, interval = "1s" }`: re-send until expectations and extractions pass.
    retry: Option<Retry>,
    /// `true` skips TLS verification for this request only, with a warning.
    insecure: Option<bool>,
    /// What the response must satisfy: `status`, `json`, `headers`, `body`, `saml`, `vars`.
    /// Without `status`, any 2xx passes.
    expect: Option<Expect>,
}

/// `{ bearer = "…" }`, `{ basic = { username = "…", password = "…" } }`, or `"none"` to
/// cancel `[defaults].auth`.
#[derive(JsonSchema)]
#[schemars(untagged, deny_unknown_fields)]
enum Auth {
    None(NoAuth),
    Bearer {
        /// The token sent as `Authorization: Bearer …`.
        bearer: String,
    },
    Basic {
        basic: BasicAuth,
    },
}

#[derive(JsonSchema)]
enum NoAuth {
    #[schemars(rename = "none")]
    None,
}

/// HTTP Basic credentials.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct BasicAuth {
    username: String,
    password: String,
}

/// A raw body: text, or a file sent as it is.
#[derive(JsonSchema)]
#[schemars(untagged)]
enum RawBody {
    Text(String),
    File(BodyFile),
}

/// A file whose bytes are the body, read from `file` (relative to the workflow file).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct BodyFile {
    file: String,
}

/// A multipart part: a string is a field, a table a file.
#[derive(JsonSchema)]
#[schemars(untagged)]
enum MultipartPart {
    Field(String),
    File(FilePart),
}

/// A file part, read from `file` (relative to the workflow file).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct FilePart {
    file: String,
    content_type: Option<String>,
}

/// Re-send the step until its expectations and extractions pass, at most `attempts` times
/// in total (polling).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Retry {
    #[schemars(range(min = 1))]
    attempts: u32,
    /// Wait between attempts (default "1s").
    interval: Option<Duration>,
}

/// What the response must satisfy. Without `status`, any 2xx passes.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[allow(clippy::zero_sized_map_values)] // `Matcher` is only a schema, never a value
struct Expect {
    /// A status code (100–599) or a list of them.
    status: Option<Status>,
    /// JSONPath → expected value or predicate.
    json: Option<BTreeMap<String, Matcher>>,
    /// Header name → expected value or predicate.
    headers: Option<BTreeMap<String, TextMatcher>>,
    /// The body as text: an expected value or a predicate, e.g. `{ contains = "…" }`.
    body: Option<TextMatcher>,
    /// JSONPath into the SAML Response the response carries (its HTML form, or the
    /// `SAMLResponse` query parameter of `Location`) → expected value or predicate.
    saml: Option<BTreeMap<String, Matcher>>,
    /// Variable name → expected value or predicate, checked after the step's extractions.
    vars: Option<BTreeMap<String, Matcher>>,
    /// The response time: `{ lt = "800ms" }` (`lt`, `lte`, `gt`, `gte`); replaces
    /// `[defaults.expect] duration`.
    duration: Option<DurationExpect>,
}

/// A variable set from the response: a JSONPath string, or a table with exactly one source.
#[derive(JsonSchema)]
#[schemars(untagged)]
enum Extraction {
    JsonPath(String),
    Table(ExtractionTable),
}

/// Sources (exactly one): `jsonpath`, `header`, `cookie`, `status`, `body`, `url`. Modifiers,
/// applied in this order: `query` or `fragment`, `regex`, `saml`, `jwt`.
#[derive(JsonSchema)]
#[schemars(
    deny_unknown_fields,
    extend(
        "oneOf" = [
            { "required": ["jsonpath"] }, { "required": ["header"] }, { "required": ["cookie"] },
            { "required": ["status"] }, { "required": ["body"] }, { "required": ["url"] },
        ],
        "not" = { "required": ["query", "fragment"] },
    )
)]
struct ExtractionTable {
    /// A JSONPath (RFC 9535) on the JSON body.
    jsonpath: Option<String>,
    /// A response header.
    header: Option<String>,
    /// A cookie set by the response.
    cookie: Option<String>,
    /// The status code.
    status: Option<True>,
    /// The body as text.
    body: Option<True>,
    /// The final URL.
    url: Option<True>,
    /// Read the value as a URL and take this query parameter.
    query: Option<String>,
    /// Read the value as a URL and take this fragment parameter.
    fragment: Option<String>,
    /// A regular expression; its first capture group is the value.
    regex: Option<String>,
    /// A JSONPath into the SAML Response the value holds (an HTML form, Base64, deflated
    /// Base64 or XML), read as `{ issuer, nameId, audience, signed, attributes, … }`.
    saml: Option<String>,
    /// A JSONPath into the payload of the JWT the value holds.
    jwt: Option<String>,
    /// Redact the value everywhere.
    secret: Option<bool>,
    /// A missing value leaves the variable unset instead of failing the step.
    optional: Option<bool>,
}

/// A `[vars]` entry: a literal, or a table `{ value, env, secret }`.
#[derive(JsonSchema)]
#[schemars(untagged)]
enum VarEntry {
    Literal(Literal),
    Table(VarTable),
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, extend("anyOf" = [{ "required": ["value"] }, { "required": ["env"] }]))]
struct VarTable {
    /// The value, or the fallback when `env` is not set.
    value: Option<Value>,
    /// Read this environment variable.
    env: Option<String>,
    /// Redact the value everywhere (names containing secret, password, token or otp are
    /// secret unless this is `false`).
    secret: Option<bool>,
}
