//! Integration tests: the real binary against real local servers (the sandbox, small axum servers).

#[path = "integration/harness.rs"]
mod harness;
#[path = "integration/net_servers.rs"]
mod net_servers;
#[path = "integration/server.rs"]
mod server;

#[path = "integration/body_file.rs"]
mod body_file;
#[path = "integration/conformance.rs"]
mod conformance;
#[path = "integration/console_output.rs"]
mod console_output;
#[path = "integration/curl_reading.rs"]
mod curl_reading;
#[path = "integration/engine_http.rs"]
mod engine_http;
#[path = "integration/engine_run.rs"]
mod engine_run;
#[path = "integration/errors.rs"]
mod errors;
#[path = "integration/expect_vars.rs"]
mod expect_vars;
#[path = "integration/failure_output.rs"]
mod failure_output;
#[path = "integration/flags.rs"]
mod flags;
#[path = "integration/html_report.rs"]
mod html_report;
#[path = "integration/import.rs"]
mod import;
#[path = "integration/import_pingone.rs"]
mod import_pingone;
#[path = "integration/input_errors.rs"]
mod input_errors;
#[path = "integration/jwt_sign.rs"]
mod jwt_sign;
#[path = "integration/library.rs"]
mod library;
#[path = "integration/long_workflows.rs"]
mod long_workflows;
#[path = "integration/reports.rs"]
mod reports;
#[path = "integration/saml.rs"]
mod saml;
#[path = "integration/sandbox_auth.rs"]
mod sandbox_auth;
#[path = "integration/sandbox_mgmt.rs"]
mod sandbox_mgmt;
#[path = "integration/schema.rs"]
mod schema;
#[path = "integration/secrets.rs"]
mod secrets;
#[path = "integration/static_check.rs"]
mod static_check;
#[path = "integration/teach.rs"]
mod teach;
#[path = "integration/teach_curl.rs"]
mod teach_curl;
#[path = "integration/teach_layout.rs"]
mod teach_layout;
#[path = "integration/tenant_requires.rs"]
mod tenant_requires;
#[path = "integration/terminal.rs"]
mod terminal;
