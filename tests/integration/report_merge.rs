//! `steprun report merge`: two shards run for real against the sandbox, their JSON reports
//! merged into JSON, `JUnit` and HTML; inputs that are not shards of one run are refused with
//! exit 2, an output that cannot be written is exit 3.

use std::path::PathBuf;

use serde_json::Value;

use crate::harness::{Case, Run};

fn token_workflow() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("workflows/common/worker-token.toml")
        .display()
        .to_string()
}

/// A workflow that fails on the sandbox: the management API wants a token.
const FAILS: &str = r#"
name = "Read environments without a token"
[[steps]]
name = "List environments"
url = "<<apiPath>>/environments"
expect = { status = 200 }
[[steps]]
name = "Never sent"
url = "<<apiPath>>/environments"
"#;

/// Three tenants, a failing workflow, and two shards run: a1 and a2 in one, b1 in the other.
fn two_shards() -> Case {
    let case = Case::new()
        .file("fails.toml", FAILS)
        .file("tenants/a1.toml", "run_id = \"mga1\"\n")
        .file("tenants/a2.toml", "run_id = \"mga2\"\n")
        .file("tenants/b1.toml", "run_id = \"mgb1\"\n");
    for (glob, report) in [
        ("tenants/a*.toml", "json=s1.json"),
        ("tenants/b*.toml", "json=s2.json"),
    ] {
        let token = token_workflow();
        let args = ["run", &token, "fails.toml", "--sandbox", "--jobs", "2"];
        let args: Vec<&str> = args
            .into_iter()
            .chain(["--matrix", glob, "--report", report])
            .collect();
        case.run_with(&args).code(1);
    }
    case
}

fn merge(case: &Case, args: &[&str]) -> Run {
    let mut all = vec!["report", "merge"];
    all.extend_from_slice(args);
    case.run_with(&all)
}

fn json(case: &Case, name: &str) -> Value {
    serde_json::from_str(&case.read(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn shards_merge_into_one_report_in_every_format() {
    let case = two_shards();
    let run = merge(
        &case,
        &[
            "s2.json",
            "s1.json",
            "--report",
            "json=out/m.json",
            "--report",
            "junit=out/m.xml",
            "--report",
            "html=out/m.html",
        ],
    );
    // The merged run has failures, so merging says so as a run would.
    let run = run
        .code(1)
        .stderr_has("merged 2 reports over 3 tenants: 6 workflows, 3 failed");
    assert!(run.stdout.is_empty(), "{}", run.stdout);

    let (s1, s2, merged) = (
        json(&case, "s1.json"),
        json(&case, "s2.json"),
        json(&case, "out/m.json"),
    );
    let summary = &merged["summary"];
    for field in [
        "workflows",
        "workflows_failed",
        "steps_passed",
        "steps_failed",
        "steps_skipped",
        "cleanups_failed",
    ] {
        let sum = s1["summary"][field].as_u64().unwrap() + s2["summary"][field].as_u64().unwrap();
        assert_eq!(summary[field], sum, "{field}");
    }
    assert_eq!(summary["workflows"], 6);
    assert_eq!(summary["workflows_failed"], 3);
    assert_eq!(summary["steps_passed"], 3, "a token per tenant");
    assert_eq!(summary["steps_failed"], 3);
    assert_eq!(summary["steps_skipped"], 3);
    assert_eq!(summary["interrupted"], false);
    // One group per tenant, in label order, each with its workflows in the run's order.
    let tenants = summary["tenants"].as_array().expect("tenants");
    let labels: Vec<&str> = tenants
        .iter()
        .map(|t| t["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["a1", "a2", "b1"]);
    for tenant in tenants {
        assert_eq!(tenant["workflows"], 2);
        assert_eq!(tenant["workflows_failed"], 1);
        assert_eq!(tenant["steps_passed"], 1);
    }
    let workflows = merged["workflows"].as_array().expect("workflows");
    let order: Vec<(&str, &str)> = workflows
        .iter()
        .map(|w| (w["label"].as_str().unwrap(), w["name"].as_str().unwrap()))
        .collect();
    let (token, fails) = (
        "Get a PingOne admin access token",
        "Read environments without a token",
    );
    assert_eq!(
        order,
        [
            ("a1", token),
            ("a1", fails),
            ("a2", token),
            ("a2", fails),
            ("b1", token),
            ("b1", fails)
        ]
    );
    // Steps keep what the shards wrote of them.
    let failed = &workflows[1]["steps"][0];
    assert_eq!(failed["outcome"], "failed");
    assert_eq!(failed["response"]["status"], 401);
    assert_eq!(failed["expectations"][0]["actual"], "401");
    assert_eq!(
        workflows[1]["steps"][1]["message"],
        "an earlier step failed"
    );

    let report = quick_junit::Report::deserialize_from_str(&case.read("out/m.xml"))
        .expect("valid JUnit XML");
    assert_eq!(report.test_suites.len(), 6);
    assert_eq!(report.tests, 9);
    assert_eq!(report.failures, 3);
    assert!(
        (report.test_suites.iter()).any(|s| s.name.as_str() == format!("{fails} [b1]")),
        "a suite per tenant's workflow"
    );

    let html = case.read("out/m.html");
    assert_html_parses(&html);
    assert_eq!(html.matches("<section class=\"workflow\"").count(), 6);
    assert!(html.contains("[a2]"), "tenant labels are shown");
    // A row per tenant in the summary: its workflows and steps.
    let tenants = html
        .split("<table class=\"index tenants\">")
        .nth(1)
        .and_then(|rest| rest.split("</table>").next())
        .expect("a tenants table");
    assert_eq!(
        tenants.matches("<tr class=\"failed\">").count(),
        3,
        "{tenants}"
    );
    assert!(
        tenants.contains("<td>b1</td><td class=\"steps\">2 · 1 failed</td><td class=\"steps\">1 passed · 1 failed · 1 skipped</td>"),
        "{tenants}"
    );
}

/// The page tokenizes without an error and its blocks are closed.
fn assert_html_parses(html: &str) {
    let mut opened = std::collections::BTreeMap::<String, i64>::new();
    for token in html5gum::Tokenizer::new(html) {
        match token.expect("infallible") {
            html5gum::Token::Error(e) => panic!("HTML error: {e:?}"),
            html5gum::Token::StartTag(tag) if !tag.self_closing => {
                *opened
                    .entry(String::from_utf8_lossy(&tag.name).into_owned())
                    .or_default() += 1;
            }
            html5gum::Token::EndTag(tag) => {
                *opened
                    .entry(String::from_utf8_lossy(&tag.name).into_owned())
                    .or_default() -= 1;
            }
            _ => {}
        }
    }
    for tag in [
        "html", "body", "main", "section", "details", "table", "tr", "ul", "div",
    ] {
        assert_eq!(
            opened.get(tag).copied().unwrap_or(0),
            0,
            "<{tag}> left open"
        );
    }
}

#[test]
fn inputs_that_are_not_shards_of_one_run_are_refused_by_name() {
    let case = two_shards()
        .file("notes.txt", "not json")
        .file("other.json", r#"{"tool": "hurl", "workflows": []}"#);
    std::fs::copy(case.path("s1.json"), case.path("copy.json")).expect("copy");
    let s1 = case.read("s1.json");
    let future = s1.replacen("\"format\": 1", "\"format\": 99", 1);
    let old = s1.replacen("\n  \"format\": 1,", "", 1);
    let cut = &s1[..s1.len() / 2];
    let case = case
        .file("future.json", &future)
        .file("old.json", &old)
        .file("cut.json", cut);
    let refused = [
        (vec!["s1.json", "notes.txt"], "notes.txt: not JSON"),
        (vec!["other.json"], "other.json: not a steprun report"),
        (
            vec!["future.json"],
            "future.json: report format 99 is not one this steprun reads",
        ),
        (vec!["old.json"], "old.json: report format (none"),
        (vec!["cut.json"], "cut.json: a damaged steprun report"),
        (
            vec!["s1.json", "./s1.json"],
            "s1.json and ./s1.json are the same file",
        ),
        (
            vec!["s1.json", "copy.json"],
            "s1.json and copy.json both hold",
        ),
        (vec!["s1.json", "missing.json"], "cannot read missing.json"),
    ];
    for (inputs, message) in refused {
        let mut args = inputs.clone();
        args.extend(["--report", "json=merged.json"]);
        merge(&case, &args).code(2).stderr_has(message);
        assert!(
            !case.path("merged.json").exists(),
            "{inputs:?}: nothing is written"
        );
    }
}

#[test]
fn an_output_that_cannot_be_written_is_a_tool_failure() {
    let case = two_shards().file("blocker", "");
    merge(
        &case,
        &["s1.json", "s2.json", "--report", "junit=blocker/m.xml"],
    )
    .code(3)
    .stderr_has("cannot create report file blocker/m.xml");
    // Two reports to one place is a usage error, found before any input is read.
    merge(
        &case,
        &[
            "s1.json",
            "--report",
            "json=m.out",
            "--report",
            "html=./m.out",
        ],
    )
    .code(2)
    .stderr_has("error: --report: the json and html reports both go to one file");
    // Said once, as every error is: `error: ` opens the line once.
    let run = merge(
        &case,
        &["s1.json", "--report", "json=m", "--report", "html=m"],
    );
    assert!(!run.stderr.contains("error: error:"), "{}", run.stderr);
}

/// Each shard's report says which shard it is, so `merge` refuses shards of different
/// partitions (another scheme or N, or a run without `--partition`: their units would be
/// counted twice or not at all without overlapping by name) and the same shard twice, and
/// names a shard no report was given for.
#[test]
fn shards_of_different_partitions_are_refused_and_a_missing_shard_is_named() {
    let token = token_workflow();
    let case = Case::new().file("fails.toml", FAILS);
    for (partition, report) in [
        (Some("count:1/2"), "json=c1.json"),
        (Some("count:2/2"), "json=c2.json"),
        (Some("count:2/3"), "json=c23.json"),
        (Some("hash:2/2"), "json=h2.json"),
        (None, "json=whole.json"),
    ] {
        let mut args = vec!["run", &token, "fails.toml", "--sandbox", "--report", report];
        if let Some(p) = partition {
            args.extend(["--partition", p]);
        }
        case.run_with(&args);
    }
    assert_eq!(json(&case, "c1.json")["summary"]["partition"], "count:1/2");
    assert!(
        json(&case, "whole.json")["summary"]
            .get("partition")
            .is_none()
    );
    merge(&case, &["c1.json", "c2.json", "--report", "json=m.json"]).code(1);
    assert!(json(&case, "m.json")["summary"].get("partition").is_none());
    for (other, says) in [
        (
            "c23.json",
            "c1.json is shard count:1/2 and c23.json is shard count:2/3",
        ),
        (
            "h2.json",
            "c1.json is shard count:1/2 and h2.json is shard hash:2/2",
        ),
        (
            "whole.json",
            "c1.json is shard count:1/2 and whole.json is a run without --partition",
        ),
    ] {
        merge(&case, &["c1.json", other, "--report", "json=x.json"])
            .code(2)
            .stderr_has(says)
            .stderr_has("not shards of one partition");
    }
    assert!(!case.path("x.json").exists());
    let again = case.read("c2.json");
    let case = case.file("again.json", &again);
    merge(&case, &["c2.json", "again.json", "--report", "json=x.json"])
        .code(2)
        .stderr_has("c2.json and again.json are both shard count:2/2: the same shard twice");
    merge(&case, &["c2.json", "--report", "json=x.json"])
        .stderr_has("warning: no report of shard count:1/2");
    // A partition that is not one (a hand-edited or damaged file) is refused, not taken for
    // a run without --partition.
    for bad in ["count:3/2", "garbage"] {
        let damaged = again.replacen(
            "\"partition\": \"count:2/2\"",
            &format!("\"partition\": \"{bad}\""),
            1,
        );
        assert_ne!(damaged, again, "the report says its partition");
        std::fs::write(case.path("bad.json"), &damaged).expect("write bad.json");
        merge(&case, &["bad.json", "--report", "json=x.json"])
            .code(2)
            .stderr_has(&format!(
                "bad.json: a damaged steprun report: its partition \"{bad}\""
            ));
    }
}

/// A shard of a partition into many says so, and the merge names the first shards without a
/// report and counts the rest, however many there are (N is any 64-bit number): it neither
/// lists nor walks them all.
#[test]
fn shards_of_a_partition_into_many_are_counted_not_listed() {
    let token = token_workflow();
    let case = Case::new();
    for n in ["1000", "18446744073709551615"] {
        let partition = format!("hash:1/{n}");
        case.run_with(&[
            "run",
            &token,
            "--sandbox",
            "--partition",
            &partition,
            "--report",
            "json=one.json",
        ]);
        let more = n.parse::<u64>().expect("a number") - 11;
        merge(&case, &["one.json", "--report", "json=m.json"])
            .code(0)
            .stderr_has(&format!(
                "warning: no report of shard hash:2/{n}, hash:3/{n}, hash:4/{n}, hash:5/{n}, \
                 hash:6/{n}, hash:7/{n}, hash:8/{n}, hash:9/{n}, hash:10/{n}, hash:11/{n} and \
                 {more} more: its units are not in the merged report"
            ));
    }
}

/// Shards say how many units their partition shared out, so shards of runs over different
/// tenants are refused even when they hold no unit in common: shard 1 of four tenants (t1,
/// t3) and shard 2 of three (t2) would otherwise merge into a run that silently lacks t4.
#[test]
fn shards_of_runs_over_different_units_are_refused() {
    let token = token_workflow();
    let mut case = Case::new();
    for t in 1..=4 {
        case = case.file(
            &format!("four/t{t}.toml"),
            &format!("run_id = \"pu4{t}\"\n"),
        );
    }
    for t in 1..=3 {
        case = case.file(
            &format!("three/t{t}.toml"),
            &format!("run_id = \"pu3{t}\"\n"),
        );
    }
    // Four tenants again, but t5 for t4: as many units, not the same ones.
    for t in [1, 2, 3, 5] {
        case = case.file(
            &format!("other/t{t}.toml"),
            &format!("run_id = \"pu5{t}\"\n"),
        );
    }
    for (glob, partition, report) in [
        ("four/*.toml", "count:1/2", "json=four1.json"),
        ("four/*.toml", "count:2/2", "json=four2.json"),
        ("three/*.toml", "count:2/2", "json=three2.json"),
        ("other/*.toml", "count:2/2", "json=other2.json"),
    ] {
        case.run_with(&[
            "run",
            &token,
            "--sandbox",
            "--matrix",
            glob,
            "--partition",
            partition,
            "--report",
            report,
        ])
        .code(0);
    }
    let four1 = json(&case, "four1.json");
    assert_eq!(four1["summary"]["partition"], "count:1/2");
    assert_eq!(four1["summary"]["partition_units"], 4);
    assert_eq!(json(&case, "three2.json")["summary"]["partition_units"], 3);
    let labels = |v: &Value| -> Vec<String> {
        v["workflows"]
            .as_array()
            .map(|w| w.iter().map(|w| w["label"].to_string()).collect())
            .unwrap_or_default()
    };
    assert_eq!(labels(&four1), ["\"t1\"", "\"t3\""]);
    assert_eq!(labels(&json(&case, "three2.json")), ["\"t2\""]);
    merge(
        &case,
        &["four1.json", "three2.json", "--report", "json=x.json"],
    )
    .code(2)
    .stderr_has("four1.json is a shard of 4 units and three2.json of 3: not shards of one run");
    // Shard 2 of the other four holds t2 and t5: nothing in common with four1's t1 and t3.
    assert_eq!(labels(&json(&case, "other2.json")), ["\"t2\"", "\"t5\""]);
    merge(
        &case,
        &["four1.json", "other2.json", "--report", "json=x.json"],
    )
    .code(2)
    .stderr_has("four1.json and other2.json are shards of runs over different units");
    assert!(!case.path("x.json").exists());
    merge(
        &case,
        &["four1.json", "four2.json", "--report", "json=m.json"],
    )
    .code(0);
    let merged = json(&case, "m.json");
    assert_eq!(merged["summary"]["workflows"], 4);
    assert!(merged["summary"].get("partition_units").is_none());
    assert!(merged["summary"].get("partition_digest").is_none());
    assert_eq!(
        four1["summary"]["partition_digest"],
        json(&case, "four2.json")["summary"]["partition_digest"]
    );
}
