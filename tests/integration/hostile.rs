//! Hostile servers and files: a body without end, a body that claims to be huge, JSON nested
//! 10,000 deep, a template that expands to gigabytes, TOML nested past the limit, workflow and
//! vars files past the size limit. Each is a clear step failure or load error (README,
//! Limits), never memory growth, a stack overflow or a hang.

use std::convert::Infallible;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::Response;
use axum::routing::get;

use crate::harness::Case;

/// A server with the hostile answers; its base URL.
fn hostile_server() -> String {
    let app = Router::new()
        .route(
            "/endless",
            get(|| async {
                let chunk = Bytes::from(vec![b'a'; 1 << 20]);
                let stream =
                    futures_util::stream::repeat_with(move || Ok::<_, Infallible>(chunk.clone()));
                Response::new(Body::from_stream(stream))
            }),
        )
        .route(
            "/deep",
            get(|| async {
                let body = format!("{{\"a\":{}{}}}", "[".repeat(10_000), "]".repeat(10_000));
                ([(header::CONTENT_TYPE, "application/json")], body)
            }),
        );
    format!("http://{}", crate::server::serve(app))
}

/// Runs `w.toml` holding one GET of `base` + `path` with `extra` keys.
fn one_step(base: &str, path: &str, extra: &str) -> crate::harness::Run {
    Case::new()
        .file(
            "w.toml",
            &format!(
                "name = \"Hostile\"\n[[steps]]\nname = \"Hostile answer\"\nurl = \"{base}{path}\"\n{extra}\n"
            ),
        )
        .args(["run", "w.toml"])
        .run()
}

#[test]
fn a_body_without_end_fails_the_step_at_the_size_limit() {
    let base = hostile_server();
    // Without the limit the body would grow in memory until the step's timeout.
    one_step(&base, "/endless", "timeout = \"300s\"")
        .code(1)
        .stdout_has(
            "the response body is larger than 64 MiB (status 200): steprun stops reading there",
        );
}

/// A server of one connection that answers with a `Content-Length` of a terabyte, sends two
/// bytes and waits for the client to hang up (an HTTP server library refuses to lie so).
fn claims_a_terabyte() -> String {
    use std::io::{Read as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("accept");
        let mut request = Vec::new();
        let mut buf = [0u8; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => request.extend_from_slice(&buf[..n]),
            }
        }
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1099511627776\r\n\r\n{}");
        // Until the client closes the connection.
        while matches!(stream.read(&mut buf), Ok(n) if n > 0) {}
    });
    format!("http://{addr}")
}

#[test]
fn a_body_claiming_a_terabyte_fails_before_it_is_read() {
    let base = claims_a_terabyte();
    one_step(&base, "/", "timeout = \"300s\"")
        .code(1)
        .stdout_has("the response body is larger than 64 MiB (status 200)");
}

#[test]
fn json_nested_ten_thousand_deep_is_a_step_failure_naming_the_depth() {
    let base = hostile_server();
    one_step(&base, "/deep", "extract = { a = \"$.a\" }")
        .code(1)
        .stdout_has("the response body is JSON nested deeper than 128 levels (at byte 131) (Content-Type application/json), which steprun does not read");
}

#[test]
fn a_template_that_expands_to_gigabytes_fails_the_step() {
    let base = hostile_server();
    let bomb = "<% for i in range(100000) %><% for j in range(100000) %>xxxxxxxxxxxxxxxx<% endfor %><% endfor %>";
    one_step(
        &base,
        "/deep",
        &format!("headers = {{ X-Bomb = \"{bomb}\" }}"),
    )
    .code(1)
    .stdout_has("the template does too much work: a render may make about 64 MiB of text and data");
    one_step(&base, "/deep", "body = \"<< 'x' * 10000000000 >>\"")
        .code(1)
        .stdout_has("the template does too much work");
}

#[test]
fn toml_nested_past_the_limit_is_a_located_load_error() {
    let deep = format!(
        "name = \"Deep\"\nx = {}{}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    Case::new()
        .file("w.toml", &deep)
        .file(
            "vars.toml",
            &format!("v = {}1{}\n", "{ a = ".repeat(200), " }".repeat(200)),
        )
        .args(["run", "w.toml"])
        .run()
        .code(2)
        .stderr_has(
            "nested too deep: arrays, inline tables and dotted keys may nest at most 80 levels",
        )
        .stderr_has("w.toml:2:");
    let dotted = format!("{} = 1\n", vec!["a"; 500].join("."));
    Case::new()
        .file(
            "w.toml",
            "name = \"W\"\n[[steps]]\nname = \"S\"\nurl = \"http://127.0.0.1:9/\"\n",
        )
        .file("vars.toml", &dotted)
        .args(["run", "w.toml", "--vars", "vars.toml"])
        .run()
        .code(2)
        .stderr_has("vars.toml:1:1")
        .stderr_has("nested too deep");
    // A header of too many keys in a step: the step's line that holds it.
    let header = format!(
        "name = \"W\"\n[[steps]]\nname = \"S\"\nurl = \"http://127.0.0.1:9/\"\n[steps.json.{}]\nx = 1\n",
        vec!["a"; 100].join(".")
    );
    Case::new()
        .file("w.toml", &header)
        .args(["check", "w.toml"])
        .run()
        .code(2)
        .stderr_has("w.toml:5:1")
        .stderr_has("nested too deep");
}

#[test]
fn workflow_and_vars_files_past_the_size_limit_are_refused_by_name() {
    // 64 MiB of comment and a little more: the limit, named with the file.
    let mut big = b"name = \"Big\"\n".to_vec();
    big.resize(64 * 1024 * 1024 + 16, b'#');
    Case::new()
        .file_bytes("big.toml", &big)
        .args(["run", "big.toml"])
        .run()
        .code(2)
        .stderr_has("cannot read big.toml: larger than 64 MiB");
    Case::new()
        .file_bytes("big.toml", &big)
        .file(
            "w.toml",
            "name = \"W\"\n[[steps]]\nname = \"S\"\nurl = \"http://127.0.0.1:9/\"\n",
        )
        .args(["run", "w.toml", "--vars", "big.toml"])
        .run()
        .code(2)
        .stderr_has("cannot read vars file big.toml: larger than 64 MiB");
}
