//! Integration tests: the real binary against real local servers (the sandbox, small axum servers).

mod harness;
mod net_servers;
mod server;

mod body_file;
mod conformance;
mod console_output;
mod curl_reading;
mod engine_http;
mod engine_run;
mod errors;
mod expect_vars;
mod failure_output;
mod flags;
mod html_report;
mod import;
mod import_pingone;
mod input_errors;
mod jwt_sign;
mod library;
mod long_workflows;
mod report_merge;
mod reports;
mod saml;
mod sandbox_auth;
mod sandbox_mgmt;
mod schema;
mod secrets;
mod static_check;
mod teach;
mod teach_curl;
mod teach_layout;
mod tenant_requires;
mod terminal;
