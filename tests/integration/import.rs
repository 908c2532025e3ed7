//! `steprun import postman`: collections become workflow files that check clean and run.

use crate::harness::Case;
use crate::server::TestServer;

/// A PingOne tutorial in the shape of the workflow library's collections: a worker token with
/// Basic auth, a folder with a bearer token that creates a population and starts a sign-in.
const TUTORIAL: &str = r#"{
  "info": {
    "name": "Configure a simple login",
    "description": "Create a population, then send an authorization request.",
    "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
  },
  "variable": [
    { "key": "redirectUri", "value": "https://example.com/callback" },
    { "key": "adminAppSecret", "value": "not-to-be-copied" },
    { "key": "envID", "value": "" }
  ],
  "item": [
    {
      "name": "Get a worker token",
      "event": [{ "listen": "test", "script": { "exec": [
        "var jsonData = JSON.parse(responseBody);",
        "pm.environment.set(\"accessToken\", jsonData.access_token);"
      ] } }],
      "request": {
        "auth": { "type": "basic", "basic": [
          { "key": "password", "value": "{{adminAppSecret}}" },
          { "key": "username", "value": "{{adminAppID}}" }
        ] },
        "method": "POST",
        "header": [{ "key": "Content-Type", "value": "application/x-www-form-urlencoded" }],
        "body": { "mode": "urlencoded", "urlencoded": [
          { "key": "grant_type", "value": "client_credentials" },
          { "key": "scope", "value": "ignored", "disabled": true }
        ] },
        "url": { "raw": "{{authPath}}/{{adminEnvID}}/as/token", "host": ["{{authPath}}"],
                 "path": ["{{adminEnvID}}", "as", "token"] }
      }
    },
    {
      "name": "Step 1: Population",
      "auth": { "type": "bearer", "bearer": [{ "key": "token", "value": "{{accessToken}}" }] },
      "item": [
        {
          "name": "Create a population",
          "event": [{ "listen": "test", "script": { "exec": [
            "pm.test(\"Status code is 201\", function () {",
            "    pm.response.to.have.status(201);",
            "});",
            "var jsonData = pm.response.json();",
            "pm.environment.set(\"popID\", jsonData.id);",
            "pm.expect(jsonData.name).to.include(\"Tutorial\");",
            "postman.setNextRequest(\"Send an authorization request\");"
          ] } }],
          "request": {
            "method": "POST",
            "header": [
              { "key": "Content-Type", "value": "application/json" },
              { "key": "X-Debug", "value": "1", "disabled": true }
            ],
            "body": { "mode": "raw", "raw": "{\n  \"name\": \"Tutorial {{$guid}}\",\n  \"userCount\": {{count}}\n}",
                      "options": { "raw": { "language": "json" } } },
            "url": { "raw": "{{apiPath}}/environments/{{envID}}/populations", "host": ["{{apiPath}}"],
                     "path": ["environments", "{{envID}}", "populations"] },
            "description": "A population groups users."
          }
        },
        {
          "name": "Send an authorization request",
          "protocolProfileBehavior": { "followRedirects": false },
          "event": [{ "listen": "test", "script": { "exec": [
            "var location = pm.response.headers.get(\"Location\");",
            "pm.environment.set(\"flowID\", location.split(\"flowId=\")[1]);"
          ] } }],
          "request": {
            "auth": { "type": "noauth" },
            "method": "GET",
            "url": {
              "raw": "{{authPath}}/{{envID}}/as/authorize?response_type=code&client_id={{appID}}&redirect_uri={{redirectUri}}&scope=openid%20profile",
              "host": ["{{authPath}}"],
              "path": ["{{envID}}", "as", "authorize"],
              "query": [
                { "key": "response_type", "value": "code" },
                { "key": "client_id", "value": "{{appID}}" },
                { "key": "redirect_uri", "value": "{{redirectUri}}" },
                { "key": "scope", "value": "openid%20profile" }
              ]
            }
          }
        },
        {
          "name": "Get the flow",
          "request": { "method": "GET", "url": "{{authPath}}/{{envID}}/flows/{{flowID}}?email={{$randomEmail}}" }
        }
      ]
    }
  ]
}"#;

/// Imports `collection` (written as `c.json`) into `out/`, expecting exit 0.
fn import(collection: &str) -> (Case, crate::harness::Run) {
    let case = Case::new()
        .file("c.json", collection)
        .args(["import", "postman", "c.json", "--out", "out"]);
    let run = case.run().code(0);
    (case, run)
}

fn path(case: &Case, name: &str) -> String {
    case.path(name).to_str().expect("utf-8 path").to_owned()
}

#[test]
fn a_tutorial_collection_becomes_one_file_per_folder() {
    let (case, run) = import(TUTORIAL);
    let run = run
        .stdout_has("2 workflows, 4 steps")
        .stdout_has("out/01-configure-a-simple-login.toml")
        .stdout_has("out/02-step-1-population.toml")
        .stdout_has("adminAppSecret (secret)")
        .stdout_has("script lines left as comments: 1")
        .stdout_has("TODO: dynamic variables left as written: $randomEmail");
    assert!(!run.stdout.contains("accessToken"), "{}", run.stdout);
    let token = case.read("out/01-configure-a-simple-login.toml");
    for needle in [
        "name = \"Configure a simple login\"",
        "requires = [\"adminAppID\", \"adminAppSecret\", \"adminEnvID\", \"authPath\"]",
        "auth = { basic = { username = \"<<adminAppID>>\", password = \"<<adminAppSecret>>\" } }",
        "[steps.form]\ngrant_type = \"client_credentials\"\n",
        "[steps.extract]\naccessToken = \"$.access_token\"",
    ] {
        assert!(token.contains(needle), "lacks {needle:?}:\n{token}");
    }
    assert!(
        !token.contains("not-to-be-copied") && !token.contains("scope"),
        "{token}"
    );
    let folder = case.read("out/02-step-1-population.toml");
    for needle in [
        "name = \"Configure a simple login — Step 1: Population\"",
        "[defaults]\nauth = { bearer = \"<<accessToken>>\" }",
        "[vars]\nredirectUri = \"https://example.com/callback\"",
        "# accessToken is extracted by 01-configure-a-simple-login.toml",
        "# postman test script (not converted):\n#   postman.setNextRequest(",
        "doc = \"A population groups users.\"",
        // `{{count}}` outside a string is not JSON: the body stays text.
        "content_type = \"application/json\"",
        "\"userCount\": <<count>>",
        "Tutorial <<uuid()>>",
        "[steps.expect]\nstatus = 201\n[steps.expect.json]\n\"$.name\" = { contains = \"Tutorial\" }",
        "popID = \"$.id\"",
        "auth = \"none\"",
        "[steps.query]\nresponse_type = \"code\"\nclient_id = \"<<appID>>\"\nredirect_uri = \"<<redirectUri>>\"\nscope = \"openid profile\"",
        "[steps.expect]\nstatus = 302\n[steps.extract]\nflowID = { header = \"Location\", query = \"flowId\" }",
        "url = \"<<authPath>>/<<envID>>/flows/<<flowID>>\"",
        "email = \"{{$randomEmail}}\"",
        "TODO: Postman dynamic variables with no steprun equivalent",
    ] {
        assert!(folder.contains(needle), "lacks {needle:?}:\n{folder}");
    }
    assert!(!folder.contains("X-Debug"), "{folder}");
    // What the collection expects from its environment, as the summary listed it.
    Case::new()
        .file(
            "tenant.toml",
            "authPath = \"https://auth.example\"\napiPath = \"https://api.example/v1\"\n\
             adminEnvID = \"a\"\nadminAppID = \"b\"\nadminAppSecret = \"c\"\nenvID = \"d\"\n\
             count = 1\nappID = \"e\"\n",
        )
        .args(["check", &path(&case, "out"), "--vars", "tenant.toml"])
        .run()
        .code(0)
        .stdout_has("ok: 2 workflows, 4 steps");
    // Without them, the check names what is missing.
    Case::new()
        .args(["check", &path(&case, "out")])
        .run()
        .code(2)
        .stderr_has("variable `adminAppID` is not defined; needed at ");
}

/// The tutorial's token and population steps, against the sandbox's endpoints.
const SANDBOX: &str = r#"{
  "info": {
    "name": "Populations",
    "description": "Get a worker token, create a population and read it back.",
    "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
  },
  "auth": { "type": "bearer", "bearer": [{ "key": "token", "value": "{{accessToken}}" }] },
  "variable": [
    { "key": "popName", "value": "Imported population" },
    { "key": "accessToken", "value": "" }
  ],
  "item": [
    {
      "name": "Get a worker token",
      "event": [{ "listen": "test", "script": { "exec": [
        "pm.test(\"Status code is 200\", function () {",
        "    pm.response.to.have.status(200);",
        "});",
        "var jsonData = pm.response.json();",
        "pm.environment.set(\"accessToken\", jsonData.access_token);",
        "pm.expect(jsonData.token_type).to.eql(\"Bearer\");"
      ] } }],
      "request": {
        "auth": { "type": "basic", "basic": [
          { "key": "username", "value": "{{adminAppID}}" },
          { "key": "password", "value": "{{adminAppSecret}}" }
        ] },
        "method": "POST",
        "body": { "mode": "urlencoded", "urlencoded": [{ "key": "grant_type", "value": "client_credentials" }] },
        "url": { "raw": "{{authPath}}/{{adminEnvID}}/as/token" }
      }
    },
    {
      "name": "Populations",
      "item": [
        {
          "name": "Create a population",
          "event": [{ "listen": "test", "script": { "exec": [
            "pm.response.to.have.status(201);",
            "var jsonData = JSON.parse(responseBody);",
            "pm.environment.set(\"popID\", jsonData.id);"
          ] } }],
          "request": {
            "method": "POST",
            "header": [{ "key": "Content-Type", "value": "application/json" }],
            "body": { "mode": "raw", "raw": "{ \"name\": \"{{popName}} {{$timestamp}}-{{$randomInt}}\", \"description\": \"Imported\" }" },
            "url": "{{apiPath}}/environments/{{envID}}/populations"
          }
        },
        {
          "name": "Read the population",
          "event": [{ "listen": "test", "script": { "exec": [
            "pm.test(\"ok\", () => { pm.response.to.have.status(200); });",
            "pm.expect(pm.response.json().id).to.eql(pm.environment.get(\"popID\"));",
            "pm.expect(pm.response.json().description).to.eql(\"Imported\");"
          ] } }],
          "request": { "method": "GET", "url": "{{apiPath}}/environments/{{envID}}/populations/{{popID}}" }
        },
        {
          "name": "Find the openid resource",
          "event": [{ "listen": "test", "script": { "exec": [
            "var jsonData = pm.response.json();",
            "pm.environment.set(\"openidID\", jsonData._embedded.resources.find(r => r.name === \"openid\").id);"
          ] } }],
          "request": {
            "method": "GET",
            "url": "{{apiPath}}/environments/{{envID}}/resources",
            "auth": { "type": "bearer", "bearer": [{ "key": "token", "value": "{{accessToken}}" }] }
          }
        },
        {
          "name": "Read it",
          "event": [{ "listen": "test", "script": { "exec": [
            "pm.expect(pm.response.json().name).to.eql(\"openid\");"
          ] } }],
          "request": { "method": "GET", "url": "{{apiPath}}/environments/{{envID}}/resources/{{openidID}}" }
        }
      ]
    }
  ]
}"#;

#[test]
fn an_imported_collection_runs_against_the_sandbox() {
    let (case, _) = import(SANDBOX);
    let folder = case.read("out/02-populations.toml");
    for needle in [
        "[steps.expect.json]\n\"$.id\" = \"<<popID>>\"\n\"$.description\" = \"Imported\"",
        "openidID = \"$._embedded.resources[?@.name == 'openid'].id\"",
    ] {
        assert!(folder.contains(needle), "lacks {needle:?}:\n{folder}");
    }
    // The request's own bearer auth is the collection's: `[defaults]` says it once.
    assert_eq!(folder.matches("bearer").count(), 1, "{folder}");
    Case::new()
        .args(["check", &path(&case, "out"), "--sandbox"])
        .run()
        .code(0);
    Case::new()
        .args(["run", &path(&case, "out"), "--sandbox"])
        .run()
        .code(0)
        .stdout_has("2 workflows: 2 passed")
        .stdout_has("steps: 5 passed, 0 failed");
}

/// A v2.0 export: string URLs, v2.0 auth objects, the legacy `postman.*` and `tests[]` API.
fn v2_0(base: &str) -> String {
    r#"{
  "info": { "name": "Legacy items", "schema": "https://schema.getpostman.com/json/collection/v2.0.0/collection.json" },
  "variable": [{ "key": "base-url", "value": "BASE" }],
  "item": [
    {
      "name": "Create an item",
      "event": [{ "listen": "test", "script": { "exec": [
        "var jsonData = JSON.parse(responseBody);",
        "postman.setEnvironmentVariable(\"set-cookieID\", jsonData.id);",
        "tests[\"Status code is 201\"] = responseCode.code === 201;"
      ] } }],
      "request": {
        "url": "{{base-url}}/items",
        "method": "POST",
        "header": [{ "key": "Content-Type", "value": "application/json" }],
        "body": { "mode": "raw", "raw": "{\"name\": \"thing\", \"tags\": [\"a\", 1, true]}" }
      }
    },
    {
      "name": "Follow the sign-in redirect",
      "event": [{ "listen": "test", "script": { "exec": [
        "var location = postman.getResponseHeader(\"Location\");",
        "postman.setEnvironmentVariable(\"flowID\", location.match(/flowId=([^&]*)/)[1]);"
      ] } }],
      "request": { "url": "{{base-url}}/redirect?to=https%3A%2F%2Fexample.com%2Fcb%3FflowId%3Dabc123", "method": "GET" }
    },
    {
      "name": "Echo",
      "event": [{ "listen": "test", "script": { "exec": [
        "pm.expect(pm.response.json().path).to.eql(\"/echo/item-1\");",
        "pm.expect(pm.response.json().query).to.eql(\"flow=abc123\");",
        "pm.expect(pm.response.json().headers.authorization).to.eql(\"Basic dTpw\");"
      ] } }],
      "request": {
        "url": "{{base-url}}/echo/{{set-cookieID}}?flow={{flowID}}",
        "method": "GET",
        "auth": { "type": "basic", "basic": { "username": "u", "password": "{{userPassword}}" } }
      }
    }
  ]
}"#
    .replace("BASE", base)
}

#[test]
fn a_v2_0_collection_with_renamed_variables_runs_against_a_server() {
    let server = TestServer::start();
    let (case, run) = import(&v2_0(&server.base));
    run.stdout_has("(Postman v2.0)")
        .stdout_has("renamed variable: base-url -> base_url")
        .stdout_has("renamed variable: set-cookieID -> set_cookieID")
        .stdout_has("variables to set before a run: userPassword (secret)");
    let text = case.read("out/01-legacy-items.toml");
    for needle in [
        "# Renamed variables (steprun variable names are identifiers):\n#   base-url -> base_url\n#   set-cookieID -> set_cookieID",
        "[vars]\nbase_url = ",
        "url = \"<<base_url>>/items\"",
        "[steps.json]\nname = \"thing\"\ntags = [\"a\", 1, true]",
        "set_cookieID = \"$.id\"",
        "[steps.query]\nto = \"https://example.com/cb?flowId=abc123\"",
        "flowID = { header = \"Location\", query = \"flowId\" }",
        "url = \"<<base_url>>/echo/<<set_cookieID>>\"",
        "auth = { basic = { username = \"u\", password = \"<<userPassword>>\" } }",
    ] {
        assert!(text.contains(needle), "lacks {needle:?}:\n{text}");
    }
    Case::new()
        .args(["run", &path(&case, "out"), "--var", "userPassword=p"])
        .run()
        .code(0)
        .stdout_has("steps: 3 passed, 0 failed");
}

#[test]
fn invalid_collections_are_refused_with_a_location() {
    Case::new()
        .file("c.json", "{\n  \"info\": { \"name\": \"x\" },\n  \"item\": [\n    { \"name\": \"a\", }\n  ]\n}\n")
        .args(["import", "postman", "c.json"])
        .run()
        .code(2)
        .stderr_has("error: invalid JSON")
        .stderr_has("c.json:4:");
    Case::new()
        .file("c.json", "{ \"info\": { \"name\": 3 }, \"item\": [] }")
        .args(["import", "postman", "c.json"])
        .run()
        .code(2)
        .stderr_has("not a Postman collection")
        .stderr_has("c.json:1:");
    Case::new()
        .args(["import", "postman", "missing.json"])
        .run()
        .code(2)
        .stderr_has("cannot read missing.json");
}

#[test]
fn existing_files_are_kept_unless_forced() {
    let case = Case::new()
        .file("c.json", SANDBOX)
        .file("populations/02-populations.toml", "mine")
        .args(["import", "postman", "c.json"]);
    case.run()
        .code(3)
        .stderr_has("populations/02-populations.toml already exists")
        .stderr_has("--force");
    assert_eq!(case.read("populations/02-populations.toml"), "mine");
    assert!(!case.path("populations/01-populations.toml").exists());
    let forced = Case::new()
        .file("c.json", SANDBOX)
        .file("populations/02-populations.toml", "mine")
        .args(["import", "postman", "c.json", "--force"]);
    forced
        .run()
        .code(0)
        .stdout_has("wrote populations/02-populations.toml");
    assert!(
        forced
            .read("populations/02-populations.toml")
            .contains("[[steps]]")
    );
}

#[test]
fn imported_files_validate_against_the_workflow_schema() {
    let run = Case::new().args(["schema"]).run().code(0);
    let schema: serde_json::Value = serde_json::from_str(&run.stdout).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let (case, _) = import(TUTORIAL);
    for file in [
        "out/01-configure-a-simple-login.toml",
        "out/02-step-1-population.toml",
    ] {
        let value: toml::Value = toml::from_str(&case.read(file)).expect("imported TOML parses");
        let json = serde_json::to_value(value).expect("TOML as JSON");
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{file}: {errors:?}");
    }
}

/// Requests whose Postman form steprun cannot carry as written: each is converted as Postman
/// would send it, or left out with a `# TODO`, and the file still checks clean.
const AWKWARD_REQUESTS: &str = r#"{
  "info": { "name": "Awkward", "schema": "https://schema.getpostman.com/json/collection/v2.0.0/collection.json" },
  "item": [
    {
      "name": "Upload",
      "request": {
        "method": "POST",
        "url": "https://example.com/upload",
        "body": { "mode": "formdata", "formdata": [
          { "key": "photos", "type": "file", "src": [] },
          { "key": "none", "type": "file", "src": null },
          { "key": "docs", "type": "file", "src": ["a.png", "b.png"] },
          { "key": "meta", "type": "text", "value": "{}", "contentType": "application/json" }
        ] }
      }
    },
    {
      "name": "Headers",
      "request": {
        "url": "https://example.com/h",
        "header": [
          { "key": "X-{{hdr}}", "value": "v" },
          { "key": "Bad Header", "value": "v" },
          { "key": "X-Multi", "value": "a\nb" },
          { "key": "X-Fine", "value": "{{hdr}}" }
        ]
      }
    },
    {
      "name": "v2.0 path variable",
      "request": {
        "url": { "raw": "http://api.example.com/v2/search/:mediaType/:missing",
                 "protocol": "http", "host": ["api", "example", "com"],
                 "path": ["v2", "search", ":mediaType", ":missing"],
                 "variable": [{ "id": "mediaType", "value": "photo" }] }
      }
    },
    {
      "name": "",
      "request": {
        "url": { "host": ["example", "com"], "port": "8080", "path": ["a", "{{theId}}"] }
      }
    },
    { "name": "No scheme", "request": { "url": "example.com/noscheme" } },
    { "name": "Variable first", "request": { "url": "{{base}}/x" } },
    { "name": "Request as a string", "request": "localhost:8080/s" },
    {
      "name": "Big numbers",
      "request": {
        "method": "POST",
        "url": "https://example.com/j",
        "header": [{ "key": "Content-Type", "value": "application/json" }],
        "body": { "mode": "raw", "raw": "{\"big\": 18446744073709551616, \"neg\": -9223372036854775809}" }
      }
    },
    {
      "name": "Just past i64",
      "request": {
        "method": "POST",
        "url": "https://example.com/j",
        "body": { "mode": "raw", "raw": "{\"u\": 9223372036854775808, \"ok\": 1.5}",
                  "options": { "raw": { "language": "json" } } }
      }
    }
  ]
}"#;

#[test]
fn requests_steprun_cannot_carry_as_written_are_converted_or_left_as_todos() {
    let case = Case::new()
        // Starts with a byte-order mark, as files saved by Windows tools do.
        .file("c.json", &format!("\u{feff}{AWKWARD_REQUESTS}"))
        .file("out/a.png", "png")
        .args(["import", "postman", "c.json", "--out", "out"]);
    case.run().code(0).stdout_has("1 workflow, 9 steps");
    let text = case.read("out/01-awkward.toml");
    for needle in [
        // A file field with no file chosen is left out, not `{ file = "" }`.
        "# TODO: the form-data file field `photos` has no file chosen in Postman",
        "# TODO: the form-data file field `none` has no file chosen in Postman",
        "# TODO: Postman sends 2 files in the field `docs`; only the first is converted, the others were: b.png",
        "# TODO: Postman sends the field `meta` with Content-Type `application/json`",
        "[steps.multipart]\ndocs = { file = \"a.png\" }\nmeta = \"{}\"\n",
        // Header names are templates; headers that cannot be sent are comments.
        "\"X-<<hdr>>\" = \"v\"",
        "X-Fine = \"<<hdr>>\"",
        "# TODO: header left out (not a valid HTTP header name), as written in Postman: \"Bad Header\": \"v\"",
        "# TODO: header left out (its value is not valid in HTTP), as written in Postman: \"X-Multi\": \"a\\nb\"",
        // v2.0 path variables are named by `id`; one without a value is flagged.
        "url = \"http://api.example.com/v2/search/photo/:missing\"",
        "# TODO: the path variable `:missing` has no value in the collection",
        // No scheme: Postman sends http://, unless the URL starts with a variable.
        "name = \"Request 4\"\nurl = \"http://example.com:8080/a/<<theId>>\"",
        "url = \"http://example.com/noscheme\"",
        "url = \"<<base>>/x\"",
        "url = \"http://localhost:8080/s\"",
        // Integers beyond 64 bits stay as written, in a raw body.
        "body = '{\"big\": 18446744073709551616, \"neg\": -9223372036854775809}'",
        "body = '{\"u\": 9223372036854775808, \"ok\": 1.5}'",
    ] {
        assert!(text.contains(needle), "lacks {needle:?}:\n{text}");
    }
    for absent in [
        "file = \"\"",
        "Bad Header\" =",
        "X-Multi =",
        "{{hdr}}",
        "e+19",
        "E+19",
    ] {
        assert!(!text.contains(absent), "has {absent:?}:\n{text}");
    }
    Case::new()
        .args([
            "check",
            &path(&case, "out"),
            "--var",
            "hdr=Trace",
            "--var",
            "theId=1",
            "--var",
            "base=https://example.com",
        ])
        .run()
        .code(0)
        .stdout_has("9 steps");
}

#[test]
fn secret_typed_and_object_variables_are_written_so_vars_accept_them() {
    let (case, run) = import(
        r#"{
  "info": { "name": "Vars", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json" },
  "variable": [
    { "key": "apiKey", "value": "live-abc123", "type": "secret" },
    { "key": "obj", "value": { "a": 1, "b": [1, 2] }, "type": "any" },
    { "key": "list", "value": [1, "x"], "type": "any" }
  ],
  "item": [{ "name": "x",
    "event": [{ "listen": "prerequest", "script": { "exec": [
      "pm.environment.set(\"client_secret\", \"s3cr3t-literal\");",
      "pm.environment.set(\"accessToken\", pm.environment.get(\"obj\"));"
    ] } }],
    "request": {
    "url": "https://example.com/?k={{apiKey}}&c={{client_secret}}&t={{accessToken}}",
    "header": [{ "key": "X-Obj", "value": "{{obj}}" }, { "key": "X-List", "value": "{{list}}" }]
  } }]
}"#,
    );
    run.stdout_has("variables to set before a run: apiKey (secret), client_secret (secret)")
        .nowhere("live-abc123")
        .nowhere("s3cr3t-literal");
    let text = case.read("out/01-vars.toml");
    for needle in [
        "requires = [\"apiKey\", \"client_secret\"]",
        "# a Postman script sets the secret `client_secret` to a value that is not copied here",
        "accessToken = \"<<obj>>\"",
        "# apiKey is a secret: set it in a vars file (--vars)",
        "obj = { value = { a = 1, b = [1, 2] } }",
        "list = [1, \"x\"]",
    ] {
        assert!(text.contains(needle), "lacks {needle:?}:\n{text}");
    }
    assert!(!text.contains("live-abc123"), "{text}");
    assert!(!text.contains("s3cr3t-literal"), "{text}");
    Case::new()
        .args([
            "check",
            &path(&case, "out"),
            "--var",
            "apiKey=k",
            "--var",
            "client_secret=c",
        ])
        .run()
        .code(0);
}

#[test]
fn script_lines_are_kept_whole_and_lengths_and_guards_convert() {
    let (case, run) = import(
        r#"{
  "info": { "name": "Scripts", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json" },
  "item": [{
    "name": "Token",
    "event": [{ "listen": "test", "script": { "exec": [
      "var jsonData = pm.response.json();",
      "if (jsonData.access_token) pm.environment.set(\"access_token\", jsonData.access_token);",
      "if (jsonData.id_token) {",
      "    pm.environment.set(\"id_token\", jsonData.id_token);",
      "}",
      "pm.environment.set(\"n\", jsonData._embedded.populations.length);",
      "pm.test(\"one population\", function () {",
      "    pm.expect(jsonData._embedded.populations.length).to.eql(1);",
      "});",
      "pm.environment.set(\"popID\", jsonData._embedded.populations.find(p => p.default === true).id);",
      "pm.environment.set(\"openidID\", jsonData._embedded.resources.find(r => r.name === \"openid\").id);",
      "const codeVerifier = pm.environment.get(\"code_verifier\");",
      "if (codeVerifier) {",
      "    console.log(codeVerifier);",
      "}"
    ] } }],
    "request": { "url": "https://example.com/token" }
  }, { "name": "Use n", "request": { "url": "https://example.com/{{n}}" } }]
}"#,
    );
    run.stdout_has("script lines left as comments: 6");
    let text = case.read("out/01-scripts.toml");
    for needle in [
        "[steps.expect.json]\n\"$._embedded.populations\" = { len = 1 }\n",
        "access_token = { jsonpath = \"$.access_token\", optional = true }",
        "id_token = { jsonpath = \"$.id_token\", optional = true }",
        // JS's `.find` takes the first match: a filter on a key that may repeat is flagged.
        "popID = \"$._embedded.populations[?@.default == true].id\"",
        "# TODO: `popID` reads `.find(x => x.default === …)`, which in Postman takes the first match",
        // `n` is set only by a line kept as a comment: the next step's use of it is required.
        "requires = [\"n\"]\n# n is set by a Postman script line that was not converted",
        "# postman test script (not converted):\n\
         #   var jsonData = pm.response.json();\n\
         #   pm.environment.set(\"n\", jsonData._embedded.populations.length);\n\
         #   const codeVerifier = pm.environment.get(\"code_verifier\");\n\
         #   if (codeVerifier) {\n\
         #       console.log(codeVerifier);\n\
         #   }\n",
    ] {
        assert!(text.contains(needle), "lacks {needle:?}:\n{text}");
    }
    assert!(!text.contains(".length\" ="), "{text}");
    assert!(!text.contains("`openidID` reads"), "{text}");
    assert!(
        !text.contains("= \"$._embedded.populations.length\""),
        "{text}"
    );
    Case::new()
        .args(["check", &path(&case, "out"), "--var", "n=1"])
        .run()
        .code(0);
}

/// A value a script stores under a variable Postman types as secret is extracted as a secret,
/// whatever its name: steprun would not know otherwise.
#[test]
fn an_extraction_into_a_secret_typed_variable_is_secret() {
    let (case, _run) = import(
        r#"{
  "info": { "name": "Keys", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json" },
  "variable": [{ "key": "apiKey", "value": "", "type": "secret" }],
  "item": [{ "name": "Create a key",
    "event": [{ "listen": "test", "script": { "exec": [
      "var jsonData = pm.response.json();",
      "pm.environment.set(\"apiKey\", jsonData.key);",
      "pm.environment.set(\"keyID\", jsonData.id);"
    ] } }],
    "request": { "method": "POST", "url": "https://example.com/keys" } }]
}"#,
    );
    let text = case.read("out/01-keys.toml");
    assert!(
        text.contains("apiKey = { jsonpath = \"$.key\", secret = true }"),
        "{text}"
    );
    assert!(text.contains("keyID = \"$.id\""), "{text}");
}
