//! Unit tests of how a diagnostic masks a secret entry's line.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::workflow::source::Source;

fn shown(text: &str, at: &str, width: usize) -> String {
    let src = Arc::new(Source::new("v.toml", text));
    let start = text.find(at).expect("marker");
    Diagnostic::at("problem", &src, start..start + width).to_string()
}

/// The caret line puts `width` carets right under `marker` in the shown source line.
#[track_caller]
fn assert_caret_under(text: &str, marker: &str, width: usize) {
    let lines: Vec<&str> = text.lines().collect();
    let i = lines.iter().position(|l| l.contains(marker)).expect("line");
    let (_, shown) = lines[i].split_once(" | ").expect("gutter");
    let column = shown[..shown.find(marker).unwrap()].chars().count();
    let (_, carets) = lines[i + 1].split_once(" | ").expect("caret line");
    assert_eq!(
        carets,
        format!("{}{}", " ".repeat(column), "^".repeat(width)),
        "{text}"
    );
}

#[test]
fn strings_of_a_secret_entry_are_masked() {
    let text = shown(
        "clientSecret = { value = \"s3cr3t-v@lue-xyz\", foo = 1 }\n",
        "foo",
        3,
    );
    assert!(!text.contains("s3cr3t"), "{text}");
    assert!(
        text.contains("1 | clientSecret = { value = \"«clientSecret»\", foo = «clientSecret» }"),
        "{text}"
    );
    // The caret still under `foo`.
    assert_caret_under(&text, "foo", 3);
    let text = shown("x = 1\nclientSecret = \"s3cr3t-v@lue\" oops\n", "oops", 1);
    assert!(
        text.contains("2 | clientSecret = \"«clientSecret»\" oops"),
        "{text}"
    );
    assert_caret_under(&text, "oops", 1);
    // Left open by a syntax error: masked to the end of the line.
    let text = shown("apiToken = \"s3cr3t-v@lue\n", "apiToken", 8);
    assert!(text.contains("1 | apiToken = \"«apiToken»\n"), "{text}");
    // A secret number, under its key or a misspelt one.
    let text = shown("pinSecret = { valeu = 98765432, bogus = 1 }\n", "bogus", 5);
    assert!(!text.contains("98765432"), "{text}");
    assert!(
        text.contains("1 | pinSecret = { valeu = «pinSecret», bogus = «pinSecret» }"),
        "{text}"
    );
    assert_caret_under(&text, "bogus", 5);
    let text = shown("otp2 = -1234_5678 oops\n", "oops", 4);
    assert!(text.contains("1 | otp2 = «otp2» oops"), "{text}");
    let text = shown("otps = [1234, 5678] oops\n", "oops", 4);
    assert!(text.contains("1 | otps = [«otps», «otps»] oops"), "{text}");
}

#[test]
fn an_environment_variable_name_is_shown_as_written() {
    let text = shown(
        "adminAppSecret = { env = \"P1_SECRET\", value = \"s3cr3t-v@lue\" }\n",
        "adminAppSecret",
        14,
    );
    assert!(
        text.contains("adminAppSecret = { env = \"P1_SECRET\", value = \"«adminAppSecret»\" }"),
        "{text}"
    );
    let text = shown("[apiToken]\nenv = \"API_TOKEN\"\n", "env", 3);
    assert!(text.contains("2 | env = \"API_TOKEN\""), "{text}");
    assert_caret_under(&text, "env", 3);
}

#[test]
fn secret_by_flag_table_or_continued_array() {
    for (source, at) in [
        (
            "other = { value = 'abc-s3cr3t', secret = true, foo = 1 }\n",
            "foo",
        ),
        (
            "[vars.apiKey]\nvalue = \"abc-s3cr3t\"\nsecret = true\n",
            "value",
        ),
        ("[userPasswords]\nfirst = \"abc-s3cr3t\"\n", "first"),
        ("apiTokens = [\n  \"abc-s3cr3t\",\n]\n", "\"abc"),
        ("[vars]\nmyOtp = \"\"\"abc-s3cr3t\"\"\"\n", "myOtp"),
    ] {
        let text = shown(source, at, 1);
        assert!(!text.contains("abc-s3cr3t"), "{source}\n{text}");
    }
}

#[test]
fn other_lines_are_shown_as_they_are() {
    for (source, at) in [
        ("name = \"Get token\"\n", "name"),
        (
            "[[steps]]\nextract = { a = { jsonpath = \"$.x\", secret = true } }\n",
            "a =",
        ),
        (
            "[vars]\nclientId = \"app-id\"\n[clientSecret]\n",
            "clientId",
        ),
    ] {
        let text = shown(source, at, 1);
        let line = source.lines().find(|l| l.contains(at)).unwrap();
        assert!(text.contains(line), "{source}\n{text}");
    }
}
