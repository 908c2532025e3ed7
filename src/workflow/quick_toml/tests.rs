use std::path::Path;

use super::from_str;
use crate::workflow::raw::RawStep;
use crate::workflow::split;

/// What the toml crate reads `text` as, and what the quick reader does; `Debug` shows every
/// span, key order and value.
fn both(text: &str) -> (Option<String>, Option<String>) {
    let slow = toml::from_str::<RawStep>(text).ok().map(|s| format!("{s:?}"));
    let quick = from_str::<RawStep>(text).map(|s| format!("{s:?}"));
    (slow, quick)
}

/// The quick reader either gives up or reads `text` exactly as the toml crate does; returns
/// whether it read it.
fn agrees(text: &str) -> bool {
    let (slow, quick) = both(text);
    if let Some(quick) = &quick {
        assert_eq!(
            Some(quick),
            slow.as_ref(),
            "the quick reader read what the toml crate reads otherwise, or refuses:\n{text}"
        );
    }
    quick.is_some()
}

fn workflow_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("workflows/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            workflow_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

#[test]
fn every_step_of_the_library_reads_as_the_toml_crate_reads_it() {
    let mut files = Vec::new();
    workflow_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("workflows"),
        &mut files,
    );
    let (mut steps, mut quick) = (0, 0);
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a workflow file reads");
        let Some(s) = split::split(&text) else {
            continue;
        };
        for chunk in &s.chunks {
            let step = split::step_text(&text, chunk.range.clone()).expect("step text");
            steps += 1;
            quick += usize::from(agrees(&step));
        }
    }
    assert!(steps > 500, "the library has its steps: {steps}");
    // Most steps are written in what the quick reader knows; a step it gives up on costs
    // only time, so this is a floor against it giving up on everything.
    assert!(
        quick * 10 >= steps * 9,
        "{quick} of {steps} steps read quickly"
    );
}

#[test]
fn the_common_shapes_are_read_quickly() {
    for text in [
        "          \nname = \"Create 1\"\nmethod = \"POST\"\nurl = \"<<base>>/items\"\njson = { name = \"item-1\", n = 1 }\nexpect = { status = 201 }\nextract = { itemID = \"$.id\" }\n",
        "name = 'a' # a comment\r\ndoc = \"\"\"\nTwo\nlines \\\n   joined\"\"\"\nurl = \"http://h/\\u00e9\\\"x\\\\\"\n[      json]\nnames = [\n  \"a\", # one\n  'b',\n]\nempty = []\nn = -12_000\nok = true\n[      json.nested]\ndeep = { a = { b = [1, [2, 3]] } }\n[      expect]\nstatus = [200, 201]\n[      expect.json]\n\"$.a\" = '''x\"y'''\n",
        "name = \"n\"\nurl = \"u\"\n[      expect.json]\n\"$.a\" = 1\n[      extract]\nid = \"$.id\"\n",
        "name = \"n\"\nurl = \"u\"\nretry = { attempts = 3, interval = \"1s\" }\n[      cleanup]\nmethod = \"DELETE\"\nurl = \"u\"\n[      cleanup.expect]\nstatus = 204\n",
        "doc = \"\"\"a\"\"\"\"\nname = \"\"\"\"two\"\"\"\"\"\n",
    ] {
        assert!(agrees(text), "read quickly:\n{text}");
    }
}

#[test]
fn what_it_does_not_know_or_what_is_wrong_is_left_to_the_toml_crate() {
    for text in [
        // Not TOML it reads: the toml crate does (a float, a date, a dotted key, TOML 1.1).
        "name = \"a\"\njson = { x = 1.5 }\n",
        "name = \"a\"\njson = { d = 1979-05-27 }\n",
        "name = \"a\"\nexpect.status = 200\n",
        "name = \"a\"\njson = { a = 1, }\n",
        "name = \"a\"\njson = {\n a = 1 }\n",
        "name = \"\\e\"\n",
        "name = \"a\"\njson = { n = 0x10 }\n",
        "name = \"a\"\n[      json.a]\nx = 1\n[      expect]\nstatus = 1\n[      json.b]\ny = 2\n",
        // Wrong: the toml crate says what is.
        "name = \"a\"\nname = \"b\"\n",
        "name = \"a\"\njson = { a = 1, a = 2 }\n",
        "name = \"a\" url = \"b\"\n",
        "name = \"a\nb\"\n",
        "name = \"a\"\njson = { n = 01 }\n",
        "name = \"a\"\njson = { n = 1__0 }\n",
        "name = \"a\"\njson = { n = 9223372036854775808 }\n",
        "name = \"a\"\njson = [1 2]\n",
        "name = \"a\"\njson = [1,,2]\n",
        "name = \"a\"\nexpect = { status = 200 }\n[      expect]\nstatus = 201\n",
        "name = \"a\"\n[      json]\n[      json]\n",
        "name = \"a\"\nbogus = 1\n",
        "name = \"a\x01\"\n",
        "name = \"a\" # \x7f\n",
        "name = \"\\ud800\"\n",
        "name = '''a''''''\n",
        "name = \"a\"\r",
        "name = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
    ] {
        assert!(!agrees(text), "left to the toml crate:\n{text}");
    }
}
