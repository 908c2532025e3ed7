//! `body = { file = "…" }` sends a file's bytes as they are (README, Step keys): byte for byte
//! on the wire, summarised as `<binary: N bytes, type>` in output and reports, exported to
//! curl as `--data-binary @path`, and refused before anything is sent when the file is missing.

use crate::engine_run::at;
use crate::harness::Case;
use crate::server::{TestServer, sha256_hex};

/// Bytes no text decoder would keep: a JPEG header, a NUL, invalid UTF-8 and a CR LF.
fn image() -> Vec<u8> {
    let mut bytes = vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00,
    ];
    bytes.extend((0..=255u8).rev());
    bytes.extend(b"\r\n\xC3\x28 end");
    bytes
}

fn upload(s: &TestServer) -> String {
    at(
        s,
        r#"
name = "Upload"
[[steps]]
name = "Send the photo"
method = "PUT"
url = "BASE/digest"
body = { file = "images/user.jpg" }
content_type = "image/jpeg"
[steps.expect.json]
"$.length" = LENGTH
"$.sha256" = "SHA"
"$.contentType" = "image/jpeg"
[[steps]]
name = "Text still works"
method = "POST"
url = "BASE/digest"
body = "plain <<run_id>>"
expect.json."$.contentType" = { contains = "text/plain" }
"#,
    )
    .replace("LENGTH", &image().len().to_string())
    .replace("SHA", &sha256_hex(&image()))
}

#[test]
fn a_file_body_is_sent_byte_for_byte_and_reported_as_binary() {
    let s = TestServer::start();
    let case = Case::new()
        .file_bytes("flows/images/user.jpg", &image())
        .file("flows/w.toml", &upload(&s))
        .args([
            "run",
            "flows/w.toml",
            "-vv",
            "--report",
            "json=r.json",
            "--report",
            "html=r.html",
        ]);
    let size = image().len();
    let shown = format!("<binary: {size} bytes, image/jpeg>");
    let run = case
        .run()
        .code(0)
        .stdout_has(&format!("> content-length: {size}"))
        .stdout_has(&shown);
    // The JFIF marker would show if the bytes were written out as (lossy) text.
    for text in [&run.stdout, &case.read("r.json"), &case.read("r.html")] {
        assert!(!text.contains("JFIF"), "{text}");
    }
    assert_eq!(s.hits(), 2);
}

#[test]
fn curl_export_reads_the_file() {
    let s = TestServer::start();
    let case = Case::new()
        .file_bytes("images/user.jpg", &image())
        .file("w.toml", &upload(&s));
    // The path as the workflow's own was given, so the command works from the same folder.
    case.args(["teach", "w.toml"])
        .stdin("c\n\n\n")
        .run()
        .code(0)
        .stdout_has("--data-binary @images/user.jpg \\\n")
        .stdout_has("-H 'content-type: image/jpeg'");
}

#[test]
fn a_missing_or_unreadable_file_is_refused_before_anything_is_sent() {
    let s = TestServer::start();
    Case::new()
        .file("w.toml", &upload(&s))
        .args(["run", "w.toml"])
        .run()
        .code(2)
        .stderr_has("images/user.jpg: no such file")
        .stderr_has("w.toml:7:");
    Case::new()
        .file_bytes("images/user.jpg/inside", b"a folder, not a file")
        .file("w.toml", &upload(&s))
        .args(["check", "w.toml"])
        .run()
        .code(2)
        .stderr_has("images/user.jpg: not a file");
    Case::new()
        .file(
            "w.toml",
            &at(
                &s,
                "name = \"x\"\n[[steps]]\nname = \"a\"\nurl = \"BASE/digest\"\nbody = { path = \"a.bin\" }\n",
            ),
        )
        .args(["run", "w.toml"])
        .run()
        .code(2)
        .stderr_has("unknown key `path` in `body`")
        .stderr_has("w.toml:5:");
    assert_eq!(s.hits(), 0, "nothing may be sent on invalid input");
}
