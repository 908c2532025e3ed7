use super::lines::lexed_lines;
use super::*;

const FILE: &str = "name = \"x\"\n[vars]\na = 1\n\n[[steps]]\nname = \"one\"\nurl = \"http://h/\"\n[steps.expect.json]\n\"$.a\" = \"\"\"\n[[steps]]\n\"\"\"\n\n[[steps]] # two\nuse = \"f.toml\"\n\n[defaults]\ntimeout = \"1s\"\n";

#[test]
fn splits_at_step_headers_and_keeps_offsets() {
    let s = split(FILE).unwrap();
    assert_eq!(s.chunks.len(), 2, "{:?}", s.chunks);
    assert_eq!(
        s.head.len(),
        FILE.len(),
        "a table after the steps: the head is blanked"
    );
    let first = &FILE[s.chunks[0].range.clone()];
    assert!(first.starts_with("[[steps]]\nname = \"one\""));
    assert!(
        first.contains("\"\"\"\n[[steps]]\n\"\"\""),
        "a header inside a string is text"
    );
    assert!(!s.chunks[0].uses);
    assert!(s.chunks[1].uses);
    assert!(FILE[s.chunks[1].range.clone()].ends_with("\n\n"));
    assert!(s.head.contains("[defaults]") && s.head.contains("[vars]"));
    assert!(!s.head.contains("steps"));
    let head: toml::Table = toml::from_str(&s.head).unwrap();
    assert_eq!(head.len(), 3);
}

#[test]
fn steps_last_leave_the_text_before_them_as_head() {
    let text = "name = \"x\"\n[vars]\na = 1\n[[steps]]\nname = \"a\"\n";
    let s = split(text).unwrap();
    assert_eq!(s.head, "name = \"x\"\n[vars]\na = 1\n");
    assert_eq!(s.chunks[0].range, s.head.len()..text.len());
}

#[test]
fn a_step_text_parses_as_the_step_table() {
    let s = split(FILE).unwrap();
    let text = step_text(FILE, s.chunks[0].range.clone()).unwrap();
    assert_eq!(text.len(), s.chunks[0].range.len());
    let found = chunk_text(FILE, &s.chunks[0].range, &s.chunks[0].blanks).unwrap();
    assert_eq!(found, text, "blanks found while splitting are the same");
    let step: toml::Table = toml::from_str(&text).unwrap();
    assert_eq!(step["name"].as_str(), Some("one"));
    assert!(
        step["expect"]["json"]["$.a"]
            .as_str()
            .unwrap()
            .contains("[[steps]]")
    );
}

#[test]
fn unsafe_shapes_are_parsed_whole() {
    assert!(split("name = \"x\"\nsteps = []\n").is_none());
    assert!(split("name = \"x\"\n[steps]\n").is_none());
    assert!(split("name = \"x\"\n[[steps]]\nname = \"a\"\n[vars]\n[steps.expect]\n").is_none());
    assert!(split("name = \"x\"\n").is_none());
    // A header missing a bracket: the parser, not the split, says so.
    assert!(split("name = \"x\"\n[[steps]\nname = \"a\"\n").is_none());
    assert!(split("name = \"x\"\n[[steps]]\nname = \"a\"\n[[steps\n").is_none());
    assert!(split("name = \"x\"\n[[steps]]\nname = \"a\"\n[steps.expect\n").is_none());
}

/// A long file whose middle `[[steps]]` line is `trap`'s: text inside a string or array.
fn long_file(trap: &str) -> String {
    let step = "[[steps]]\nname = \"s\"\nurl = \"http://h/\"\n\n";
    let half = step.repeat(HALVES_FROM / step.len() / 2 + 10);
    format!("name = \"x\"\n{half}{trap}{half}")
}

#[test]
fn long_files_split_in_halves_as_they_do_whole() {
    for trap in [
        "",
        // The cut lands inside a multi-line string: the halves are thrown away.
        "[[steps]]\nname = \"t\"\ndoc = \"\"\"\n[[steps]]\n\"\"\"\n\n",
        "[[steps]]\nname = \"t\"\njson = [\n[[steps]]\n]\n\n",
        "[[steps]]\nname = \"t\"\ndoc = \'\'\'\n[[steps]]\n\'\'\'\n\n",
    ] {
        let text = long_file(trap);
        let whole = scan(&text, 0).unwrap().chunks;
        assert_eq!(split(&text).unwrap().chunks, whole, "trap {trap:?}");
    }
    // Where the cut is a real step, both halves are used.
    let text = long_file("");
    assert!(halves(&text).is_some());
    let text = long_file("[[steps]]\nname = \"t\"\ndoc = \"\"\"\n[[steps]]\n\"\"\"\n\n");
    let mid = text.len() / 2;
    let cut = mid + text[mid..].find("\n[[steps]]").unwrap() + 1;
    assert!(
        text[..cut].ends_with("doc = \"\"\"\n"),
        "the cut is in the string"
    );
    assert!(halves(&text).is_none(), "a cut inside a string is refused");
}

#[test]
fn nested_arrays_at_line_start_are_values() {
    let text = "name = \"x\"\n[[steps]]\nname = \"a\"\njson = [\n[1, 2],\n[3]\n]\n[[steps]]\nname = \"b\"\n";
    let s = split(text).unwrap();
    assert_eq!(s.chunks.len(), 2);
}

/// What a reading of `text` found, line by line, and how it ended.
fn read(mut lines: Lines<'_>) -> (Vec<String>, usize, bool, bool) {
    let mut found = Vec::new();
    for line in lines.by_ref() {
        found.push(match line {
            Line::Header(h) => format!(
                "header {:?} array {} first {:?} {:?} keys {} closed {}",
                h.range, h.array, h.first, h.first_and_dot, h.keys, h.closed
            ),
            Line::Key(k) => format!("key {k:?}"),
        });
    }
    (found, lines.depth, lines.cut_string, lines.gave_up)
}

#[test]
fn plain_lines_read_quickly_are_read_as_the_lexer_reads_them() {
    let tricky = [
        "a = 1\n[[steps]]\nname = \"x\"\n",
        "name = \"a \\\" [[steps]]\"\n[[steps]]\nname = 'it''s'\n",
        "x = a\"[\"\n[[steps]]\n",
        "x = a'b' # c\"\n[[steps]]\nq = 'a\n[[steps]]\n",
        "body = \"\"\"\n[[steps]]\nname = \"in a string\"\n\"\"\"\n[[steps]]\nname = \"b\"\n",
        "body = '''\n[[steps]]\n'''\n[[steps]]\n",
        "json = [\n  [1, 2],\n]\n[[steps]]\nv = { a = [1, { b = \"]\" }] }\n",
        "json = { a = 1,\n b = 2 }\n[[steps]]\n",
        "a = 1 # comment \r with a lone CR\n[[steps]]\nb = 2\r\n[[steps]]\r\n",
        "a = \"unterminated\n[[steps]]\nb = 'x\n",
        "a = \"esc \\\\\" [[x]]\n[[steps]]\n",
        "a = \"\\\"\n[[steps]]\n",
        "  # indented comment\n\t\n  [[steps]]  # header comment\n  name = \"x\"\n[steps.expect]\nstatus = 200\n",
        "\u{feff}a = 1\n[[steps]]\n",
        "a = 1\n\u{feff}[[steps]]\n",
        "a = ]\n[[steps]]\nb = }}\n",
        "\"quoted key\" = 1\n'lit' = 2\n\"esc\\\"key\" = 3\n[[steps]]\n",
        "a.b.c = 1\nsteps = []\n[[steps]]\nuse = \"x.toml\"\n",
        "a = 1\n[[steps]]\nname = \"last line, no newline\"",
        "a = \"string to the end\"",
        "a = [\n\"open to the end\"",
        "= 1\n[[steps]]\n",
        "a = \"x\" \"y\"\n[[steps]]\nb = 1,2\n",
        "a\"b = 1\nkey-1_x.y = 2\nsteps\"x = [\n[[steps]]\n]\nuse\r\n[[steps]]\nuse = 1\n",
        // Headers read without the lexer, and headers left to it.
        "[[steps]]]\n[[steps]\n[steps.expect]]\n[ steps ]\n[steps . expect]\n",
        "[[steps]] # c\r\n[steps.\"q\"]\n[a.b.c]\n[[a.b]]\n[]\n[[]]\n[a.]\n[.a]\n",
        "[steps]x\n[[steps]]\t#c\n[[steps]]  \n[steps.json.a-b_1]\n[[steps]]#\r\r\n",
        "[[steps]]",
        // Line ends found in the pass that reads a line: CRs, comments, strings.
        "a = 1 # c\r\r\n[[steps]]\nb = 'x'\r\r\nc = \"y\" \r\n[[steps]]\n",
        "a = { b = \"x\n[[steps]]\n\" }\n[[steps]]\n",
        "a = 'x\n[[steps]]\n'\n[[steps]]\nb = \"\\\n[[steps]]\n",
        "a = [1, # c\n2]\n[[steps]]\nb = x#\n",
    ];
    for text in tricky {
        let scan = |l| scan_lines(l, text, 0).map(|s| (s.chunks, s.clean_end));
        if read(lines(text)).3 {
            // A byte-order mark inside the file: it is parsed whole.
            assert_eq!(scan(lines(text)), None, "{text:?}");
            continue;
        }
        assert_eq!(read(lines(text)), read(lexed_lines(text)), "{text:?}");
        assert_eq!(scan(lines(text)), scan(lexed_lines(text)), "{text:?}");
    }
    let files = crate::workflow::library_files();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        assert_eq!(read(lines(&text)), read(lexed_lines(&text)), "{path:?}");
    }
    assert!(files.len() > 20, "{} workflows read", files.len());
}
