//! Invalid input: exit 2, `file:line:col` with the line, and nothing sent.

use crate::engine_run::{at, case_at, run_at};
use crate::harness::Case;
use crate::server::TestServer;

fn invalid(workflow: &str, needles: &[&str]) {
    let s = TestServer::start();
    let run = Case::new()
        .file("w.toml", &at(&s, workflow))
        .file(
            "ok.toml",
            &at(
                &s,
                "name = \"ok\"\n[[steps]]\nname = \"a\"\nurl = \"BASE/echo\"\n",
            ),
        )
        .args(["run", "ok.toml", "w.toml"])
        .run()
        .code(2);
    for n in needles {
        assert!(
            run.stderr.contains(n),
            "stderr lacks {n:?}:\n{}",
            run.stderr
        );
    }
    assert_eq!(s.hits(), 0, "nothing may be sent on invalid input");
}

#[test]
fn toml_syntax_error() {
    invalid(
        "name = \"x\"\n[[steps]\nname = \"a\"\nurl = \"BASE/echo\"\n",
        &["unclosed array table", "w.toml:2:9", "[[steps]"],
    );
}

#[test]
fn unknown_step_key_names_allowed_keys() {
    invalid(
        "name = \"x\"\n[[steps]]\nname = \"a\"\nurl = \"BASE/echo\"\nmethd = \"POST\"\n",
        &["w.toml:5:1", "methd", "unknown field"],
    );
}

#[test]
fn unknown_top_level_key() {
    invalid("name = \"x\"\nstesp = []\n", &["w.toml:2:1", "stesp"]);
}

#[test]
fn undefined_variable_points_at_it() {
    invalid(
        "name = \"x\"\n[[steps]]\nname = \"a\"\nurl = \"BASE/echo/<<appId>>\"\n",
        &[
            "undefined variable `appId`",
            "w.toml:4:",
            "<<appId>>",
            "^^^^^",
        ],
    );
}

#[test]
fn variable_extracted_later_is_not_yet_defined() {
    invalid(
        "name = \"x\"\n[[steps]]\nname = \"a\"\nurl = \"BASE/echo/<<later>>\"\n[[steps]]\nname = \"b\"\nurl = \"BASE/echo\"\nextract = { later = \"$.path\" }\n",
        &["undefined variable `later`", "w.toml:4:"],
    );
}

#[test]
fn bad_template_syntax() {
    invalid(
        "name = \"x\"\n[[steps]]\nname = \"a\"\nurl = \"BASE/echo/<< 1 + >>\"\n",
        &["invalid template", "w.toml:4:"],
    );
}

#[test]
fn bad_jsonpath() {
    invalid(
        "name = \"x\"\n[[steps]]\nname = \"a\"\nurl = \"BASE/echo\"\nextract = { v = \"$.[\" }\n",
        &["invalid JSONPath", "w.toml:5:"],
    );
}

#[test]
fn bad_regex() {
    invalid(
        "name = \"x\"\n[[steps]]\nname = \"a\"\nurl = \"BASE/echo\"\nexpect.body = { matches = \"(\" }\n",
        &["invalid regex", "w.toml:5:"],
    );
}

#[test]
fn requires_must_be_defined() {
    invalid(
        "name = \"x\"\nrequires = [\"envID\"]\n[[steps]]\nname = \"a\"\nurl = \"BASE/echo\"\n",
        &["`envID` is required", "w.toml:2:"],
    );
}

#[test]
fn two_bodies_and_bad_duration_and_missing_url() {
    invalid(
        "name = \"x\"\n[[steps]]\nname = \"a\"\nurl = \"BASE/echo\"\njson = {}\nbody = \"x\"\n",
        &["at most one body"],
    );
    invalid(
        "name = \"x\"\n[[steps]]\nname = \"a\"\nurl = \"BASE/echo\"\ntimeout = \"soon\"\n",
        &["invalid duration", "w.toml:5:"],
    );
    invalid(
        "name = \"x\"\n[[steps]]\nname = \"a\"\n",
        &["no `url`", "w.toml:2:"],
    );
}

#[test]
fn use_cycles_are_errors() {
    let run = Case::new()
        .file("a.toml", "name = \"a\"\n[[steps]]\nuse = \"b.toml\"\n")
        .file("b.toml", "name = \"b\"\n[[steps]]\nuse = \"a.toml\"\n")
        .args(["run", "a.toml"])
        .run()
        .code(2);
    assert!(run.stderr.contains("cycle"), "{}", run.stderr);
}

#[test]
fn use_step_takes_no_request_keys() {
    invalid(
        "name = \"x\"\n[[steps]]\nuse = \"ok.toml\"\nurl = \"BASE/echo\"\n",
        &["a `use` step cannot have `url`", "w.toml:2:"],
    );
}

#[test]
fn unknown_predicate_and_bad_var_flag() {
    invalid(
        "name = \"x\"\n[[steps]]\nname = \"a\"\nurl = \"BASE/echo\"\nexpect.headers.Location = { eq = 1, sorta = 2 }\n",
        &["unknown predicate `sorta`"],
    );
    let run = Case::new()
        .file(
            "w.toml",
            "name = \"x\"\n[[steps]]\nname = \"a\"\nurl = \"http://127.0.0.1:1/\"\n",
        )
        .args(["run", "w.toml", "--var", "bad-name=1"])
        .run()
        .code(2);
    assert!(run.stderr.contains("bad-name"), "{}", run.stderr);
}

#[test]
fn unknown_flag_is_usage_error() {
    Case::new().args(["run", "--no-such-flag"]).run().code(2);
}

#[test]
fn check_validates_without_sending() {
    let s = TestServer::start();
    Case::new()
        .file(
            "w.toml",
            &at(
                &s,
                "name = \"x\"\n[[steps]]\nname = \"a\"\nurl = \"BASE/echo/<<id>>\"\n",
            ),
        )
        .args(["check", "w.toml", "--var", "id=1"])
        .run()
        .code(0)
        .stdout_has("ok: 1 workflow, 1 step\n");
    Case::new()
        .file(
            "w.toml",
            &at(
                &s,
                "name = \"x\"\n[[steps]]\nname = \"a\"\nurl = \"BASE/echo/<<id>>\"\n",
            ),
        )
        .args(["check", "w.toml"])
        .run()
        .code(2)
        .stderr_has("undefined variable `id`");
    assert_eq!(s.hits(), 0);
}

#[test]
fn list_shows_name_steps_tags_description() {
    Case::new()
        .file("w/a.toml", "name = \"Alpha\"\ntags = [\"sso\"]\ndescription = \"\"\"\nFirst line.\nSecond.\n\"\"\"\n[[steps]]\nname = \"a\"\nurl = \"http://x.test/\"\n")
        .file("w/frag.toml", "name = \"Frag\"\nfragment = true\n[[steps]]\nname = \"a\"\nurl = \"http://x.test/\"\n")
        .args(["list", "w"])
        .run()
        .code(0)
        .stdout_has("Alpha")
        .stdout_has("(1 step)")
        .stdout_has("sso")
        .stdout_has("First line.")
        .nowhere("Frag");
}

#[test]
fn the_sandbox_listens_on_loopback_unless_told_otherwise_and_then_says_so() {
    Case::new()
        .args(["sandbox", "--listen", "0.0.0.0:0"])
        .run()
        .code(2)
        .stderr_has("the sandbox serves on loopback only")
        .stderr_has("add --allow-remote");
    // Told otherwise, it serves on every interface, and warns before it prints anything else.
    let case = Case::new();
    let vars = case.path("sandbox.toml");
    let running = case
        .args([
            "sandbox",
            "--listen",
            "0.0.0.0:0",
            "--allow-remote",
            "--write-vars",
        ])
        .args([vars.to_str().expect("utf-8 path")])
        .spawn();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !vars.exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "the sandbox never wrote its vars"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let text = std::fs::read_to_string(&vars).expect("vars file");
    assert!(text.contains("http://0.0.0.0:"), "{text}");
    running.interrupt();
    running
        .wait()
        .code(0)
        .stderr_has("--allow-remote: the sandbox is reachable from other machines")
        .stdout_has("PingOne sandbox listening on http://0.0.0.0:");
}

#[test]
fn a_used_files_requires_are_checked_where_its_steps_start() {
    let s = TestServer::start();
    let fragment = "name = \"f\"\nfragment = true\nrequires = [\"needX\"]\n[[steps]]\nname = \"s\"\nurl = \"BASE/echo\"\n";
    let using = "name = \"u\"\n[[steps]]\nuse = \"frag.toml\"\n";
    for command in ["check", "run"] {
        Case::new()
            .file("frag.toml", &at(&s, fragment))
            .file("w.toml", using)
            .args([command, "w.toml"])
            .run()
            .code(2)
            .stderr_has("`needX` is required by this workflow but not defined")
            .stderr_has("frag.toml:3:13");
    }
    assert_eq!(s.hits(), 0);
    // Defined by an earlier step's extraction, or on the command line, it is satisfied.
    let earlier = "name = \"u\"\n[[steps]]\nname = \"first\"\nurl = \"BASE/echo\"\nextract = { needX = \"$.path\" }\n[[steps]]\nuse = \"frag.toml\"\n";
    Case::new()
        .file("frag.toml", &at(&s, fragment))
        .file("w.toml", &at(&s, earlier))
        .args(["run", "w.toml"])
        .run()
        .code(0);
    Case::new()
        .file("frag.toml", &at(&s, fragment))
        .file("w.toml", using)
        .args(["run", "w.toml", "--var", "needX=1"])
        .run()
        .code(0);
    assert_eq!(s.hits(), 3);
}

/// A step after one that would be sent: the whole run is refused before either.
fn second_step(lines: &str) -> String {
    format!(
        "name = \"x\"\n[[steps]]\nname = \"first\"\nurl = \"BASE/echo\"\n[[steps]]\nname = \"b\"\n{lines}"
    )
}

#[test]
fn literal_request_parts_that_cannot_be_sent_are_invalid_input() {
    invalid(
        &second_step("url = \"BASE/echo\"\nheaders = { \"Bad Header\" = \"1\" }\n"),
        &["invalid header name `Bad Header`", "w.toml:8:"],
    );
    invalid(
        &second_step("url = \"BASE/echo\"\nheaders = { X-Ok = \"line\\nbreak\" }\n"),
        &[
            "header `X-Ok` has a value that is not valid in HTTP",
            "w.toml:8:",
        ],
    );
    invalid(
        &second_step("url = \"not a url\"\n"),
        &[
            "invalid URL `not a url`: relative URL without a base",
            "w.toml:7:",
        ],
    );
    // The first URL of a run too: an empty one is no URL "found good" before.
    invalid(
        "name = \"x\"\n[[steps]]\nname = \"a\"\nurl = \"\"\n",
        &["invalid URL ``: relative URL without a base", "w.toml:4:"],
    );
    invalid(
        &second_step("url = \"ftp://127.0.0.1/x\"\n"),
        &["URL scheme `ftp` is not supported", "w.toml:7:"],
    );
    invalid(
        &second_step("url = \"ftp://<<host>>/x\"\n[vars]\n"),
        &["URL scheme `ftp` is not supported"],
    );
    invalid(
        &second_step(
            "url = \"BASE/echo\"\nmethod = \"POST\"\nmultipart = { f = { file = \"missing.bin\" } }\n",
        ),
        &["missing.bin: no such file", "w.toml:9:"],
    );
    invalid(
        &second_step(
            "url = \"BASE/echo\"\nmethod = \"POST\"\nmultipart = { f = { file = \"\" } }\n",
        ),
        &[
            "a file part needs the path of a file; this one is empty",
            "w.toml:9:",
        ],
    );
    invalid(
        &second_step("url = \"BASE/echo?e=<<env('STEPRUN_TEST_SURELY_UNSET')>>\"\n"),
        &[
            "environment variable `STEPRUN_TEST_SURELY_UNSET` is not set",
            "w.toml:7:",
        ],
    );
    invalid(
        &second_step("url = \"BASE/echo\"\n[steps.expect.headers]\n\"Bad Name\" = \"x\"\n"),
        &["invalid header name `Bad Name`", "w.toml:9:"],
    );
}

#[test]
fn header_names_are_templated_in_requests_and_expectations() {
    let s = TestServer::start();
    let workflow = r#"
name = "x"
[vars]
field = "Trace"
[[steps]]
name = "a"
url = "BASE/echo"
headers = { "X-<<field>>" = "abc" }
expect.json."$.headers['x-trace']" = "abc"
[steps.expect.headers]
"<<'content' ~ '-type'>>" = { contains = "json" }
"#;
    run_at(&s, workflow, &[]).code(0);
    assert_eq!(s.hits(), 1);
}

#[test]
fn a_file_that_is_not_utf8_is_located_at_its_first_bad_byte() {
    let case = Case::new().args(["check", "w.toml"]);
    std::fs::write(
        case.path("w.toml"),
        b"name = \"caf\xe9\"\n[[steps]]\nname = \"a\"\nurl = \"http://x/\"\n",
    )
    .expect("write");
    case.run()
        .code(2)
        .stderr_has("this file is not UTF-8 text")
        .stderr_has("w.toml:1:12");
}

#[test]
fn an_error_in_a_shared_file_is_said_once_under_its_own_path() {
    let fragment = "name = \"f\"\nfragment = true\n[[steps]]\nname = \"s\"\nurl = \"http://127.0.0.1:9/<<nowhere>>\"\n";
    let using = "name = \"u\"\n[[steps]]\nuse = \"../common/frag.toml\"\n";
    let run = Case::new()
        .file("common/frag.toml", fragment)
        .file("a/one.toml", using)
        .file("a/two.toml", using)
        .args(["check", "a"])
        .run()
        .code(2)
        .stderr_has("common/frag.toml:5:");
    assert!(!run.stderr.contains(".."), "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("undefined variable `nowhere`").count(),
        1,
        "{}",
        run.stderr
    );
}

#[test]
fn an_undefined_variable_is_pointed_at_where_it_stands_as_a_name() {
    invalid(
        "name = \"x\"\n[vars]\nlist = 1\n[[steps]]\nname = \"a\"\nurl = \"BASE/echo\"\njson = { list = \"<<list>>\", s = \"<<s>>\" }\n",
        &["undefined variable `s`", "w.toml:7:36"],
    );
}

#[test]
fn running_or_checking_nothing_is_invalid_input() {
    let fragment =
        "name = \"f\"\nfragment = true\n[[steps]]\nname = \"s\"\nurl = \"http://127.0.0.1:9/\"\n";
    for command in ["run", "check"] {
        Case::new()
            .file("dir/only-a-fragment.toml", fragment)
            .args([command, "dir"])
            .run()
            .code(2)
            .stderr_has("no workflow files in dir");
    }
    Case::new()
        .file("dir/w.toml", "name = \"w\"\ntags = [\"smoke\"]\n[[steps]]\nname = \"s\"\nurl = \"http://127.0.0.1:9/\"\n")
        .args(["run", "dir", "--tag", "nightly"])
        .run()
        .code(2)
        .stderr_has("no workflow in dir has the tag nightly");
    // Listing nothing is fine.
    Case::new()
        .file("dir/only-a-fragment.toml", fragment)
        .args(["list", "dir"])
        .run()
        .code(0);
}

#[test]
fn inputs_that_would_exhaust_memory_are_refused() {
    use std::fmt::Write as _;
    // A device that never ends is not read.
    Case::new()
        .args(["check", "/dev/zero"])
        .run()
        .code(2)
        .stderr_has("/dev/zero: not a regular file or a pipe");
    // Files that each `use` the next twice double at every level.
    let mut case = Case::new();
    for i in 0..18 {
        let text = format!(
            "name = \"f{i}\"\nfragment = true\n[[steps]]\nuse = \"fan{n}.toml\"\n[[steps]]\nuse = \"fan{n}.toml\"\n",
            n = i + 1
        );
        case = case.file(&format!("fan{i}.toml"), &text);
    }
    case.file(
        "fan18.toml",
        "name = \"f\"\nfragment = true\n[[steps]]\nname = \"s\"\nurl = \"http://127.0.0.1:9/\"\n",
    )
    .args(["check", "fan0.toml"])
    .run()
    .code(2)
    .stderr_has("`use` makes this workflow longer than 20000 steps");
    // Variables that each repeat the next twice: refused before anything is sent, from a
    // vars file (invalid input) or a workflow's [vars] (its first step fails).
    let s = TestServer::start();
    let mut vars = String::new();
    for i in 0..24 {
        let _ = writeln!(vars, "v{i} = \"<<v{n}>><<v{n}>>\"", n = i + 1);
    }
    vars.push_str("v24 = \"x\"\n");
    let workflow = "name = \"x\"\n[[steps]]\nname = \"a\"\nurl = \"BASE/echo/<<v0>>\"\n";
    case_at(&s, workflow)
        .file("v.toml", &vars)
        .args(["run", "w.toml", "--vars", "v.toml"])
        .run()
        .code(2)
        .stderr_has("variable `v3` grows past 1 MiB");
    let inline = format!(
        "name = \"x\"\n[vars]\n{vars}[[steps]]\nname = \"a\"\nurl = \"BASE/echo/<<v0>>\"\n"
    );
    run_at(&s, &inline, &[])
        .code(1)
        .stdout_has("variable `v3` grows past 1 MiB");
    assert_eq!(s.hits(), 0);
}

#[test]
fn a_symbolic_link_up_the_tree_is_entered_once() {
    let case = Case::new()
        .file(
            "d/w.toml",
            "name = \"w\"\n[[steps]]\nname = \"s\"\nurl = \"http://127.0.0.1:9/\"\n",
        )
        .args(["list", "d"]);
    std::os::unix::fs::symlink("..", case.path("d/loop")).expect("symlink");
    let run = case.run().code(0).stdout_has("1 workflow\n");
    assert_eq!(run.stdout.matches("w.toml").count(), 1, "{}", run.stdout);
}

/// A vars file may come through a pipe (`--vars <(pass show tenant)` in a shell); here the
/// pipe is the run's own standard input.
#[test]
fn a_vars_file_can_be_a_pipe() {
    let s = crate::server::TestServer::start();
    crate::engine_run::case_at(
        &s,
        r#"
name = "Piped vars"
requires = ["who"]
[[steps]]
name = "Echo"
url = "BASE/echo/<<who>>"
expect.json."$.path" = "/echo/piped"
"#,
    )
    .stdin("who = \"piped\"\n")
    .args(["run", "w.toml", "--vars", "/dev/stdin"])
    .run()
    .code(0);
}

/// A fragment with an error, found in the directory and through another file's `use`, is one
/// error, said once; a predicate's bad argument is named in the message.
#[test]
fn an_error_reached_twice_is_said_once_and_bad_arguments_are_named() {
    let run = Case::new()
        .file(
            "frag.toml",
            "name = \"frag\"\nfragment = true\n[[steps]]\nname = \"f\"\nurll = \"http://x/\"\n",
        )
        .file(
            "a.toml",
            "name = \"a\"\n[[steps]]\nuse = \"frag.toml\"\n[[steps]]\nuse = \"./frag.toml\"\n",
        )
        .args(["check", "."])
        .run()
        .code(2)
        .stderr_has("1 error found; nothing was sent");
    assert_eq!(
        run.stderr.matches("unknown field `urll`").count(),
        1,
        "{}",
        run.stderr
    );
    Case::new()
        .file(
            "t.toml",
            "name = \"t\"\n[[steps]]\nname = \"s\"\nurl = \"http://x/\"\nexpect.json.\"$.a\" = { type = \"boolean\" }\n",
        )
        .args(["check", "t.toml"])
        .run()
        .code(2)
        .stderr_has("predicate `type` does not take the string \"boolean\"");
}

/// Errors are coloured as the rest of the console is: `--color always` colours them, a pipe
/// gets plain text; the words, the location and the masking are the same either way.
#[test]
fn errors_are_coloured_only_when_the_console_is() {
    let vars = "x = 1\nclientSecret = \"s3cr3t-v@lue\" oops\n";
    let workflow = "name = \"x\"\n[[steps]]\nname = \"a\"\nurl = \"http://127.0.0.1:1/\"\n";
    let case = |extra: &[&str]| {
        let mut args = vec!["run", "w.toml", "--vars", "v.toml"];
        args.extend_from_slice(extra);
        Case::new()
            .file("w.toml", workflow)
            .file("v.toml", vars)
            .args(args)
            .run()
            .code(2)
            .nowhere("s3cr3t")
    };
    let plain = case(&[]);
    assert!(!plain.stderr.contains('\u{1b}'), "{}", plain.stderr);
    // The file's column, though the masked line is shorter before it.
    assert!(
        plain.stderr.contains("--> v.toml:2:31\n"),
        "{}",
        plain.stderr
    );
    assert!(
        plain
            .stderr
            .contains("2 | clientSecret = \"«clientSecret»\" oops\n"),
        "{}",
        plain.stderr
    );
    let colored = case(&["--color", "always"]);
    assert!(colored.stderr.contains("\u{1b}["), "{}", colored.stderr);
    assert_eq!(strip_ansi(&colored.stderr), plain.stderr);
}

/// `text` without its ANSI colour codes (`ESC [ … m`).
fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            chars.by_ref().find(|c| *c == 'm');
        } else {
            out.push(c);
        }
    }
    out
}
