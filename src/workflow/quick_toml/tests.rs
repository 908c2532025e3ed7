use std::fmt::Write as _;

use super::{from_str, step};
use crate::workflow::raw::RawStep;
use crate::workflow::split;

/// What the toml crate reads `text` as, and what the quick reader does; `Debug` shows every
/// span, key order and value. Where the hand-written step reader answers, its answer must be
/// the serde one's.
fn both(text: &str) -> (Option<String>, Option<String>) {
    let slow = toml::from_str::<RawStep>(text)
        .ok()
        .map(|s| format!("{s:?}"));
    let quick = from_str::<RawStep>(text).map(|s| format!("{s:?}"));
    if let Some(by_hand) = step(text).map(|s| format!("{s:?}")) {
        assert_eq!(
            Some(&by_hand),
            quick.as_ref(),
            "the step reader read what the serde path reads otherwise, or refuses:\n{text}"
        );
    }
    (slow, quick)
}

/// The quick reader either gives up or reads `text` exactly as the toml crate does; returns
/// whether it read it.
pub(super) fn agrees(text: &str) -> bool {
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

#[test]
fn every_step_of_the_library_reads_as_the_toml_crate_reads_it() {
    let files = crate::workflow::library_files();
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
        assert!(step(text).is_some(), "read by the step reader:\n{text}");
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

/// The edges of what the quick reader reads: each is read, and read as the toml crate reads it
/// (values, key order, spans).
#[test]
fn the_edges_of_what_it_reads_are_read_as_the_toml_crate_reads_them() {
    for text in [
        // Multi-line strings: runs of quotes before the closing ones, the line end after the
        // opening ones, a line-ending backslash (with blanks after it, or right before the end).
        "name = \"\"\"\"\"\"\"\n",
        "name = '''''''\n",
        "name = \"\"\"\n\"\"\"\"\n",
        "name = \"\"\"\"\"a\"\"\"\n",
        "name = \"\"\"a\"\"b\"\"\"\"\"\n",
        "name = '''a''b'''''\n",
        "name = \"\"\"a\\\"\"\"\"\n",
        "name = \"\"\"\\\\\"\"\"\n",
        "name = \"\"\"\\\n  \"\"\"\n",
        "name = \"\"\"a\\ \t\n\t \n  b\"\"\"\n",
        "name = \"\"\"a\\\n\"\"\"\n",
        "name = \"\"\"\n\n\"\"\"\n",
        "name = '''\n\n'''\n",
        "name = \"\"\"é\\né\t\"\"\"\n",
        // Escapes and what a string may hold as it is.
        "name = \"\\u00E9\\U0001F600\\t\\\\\\\"\"\n",
        "name = 'a\"b\\t'\n",
        "name = \"a\tb\"\n",
        // Comments: tabs, non-ASCII, CRLF line ends, at the end of the text.
        "name = \"a\" # é ünï\t\n",
        "name = \"a\"\r\n# c\r\n[      json]\r\na = [\r\n1,\r\n2 # x\r\n]\r\n",
        "name = \"a\"\n# end",
        "name = \"a\"",
        "",
        // Integers: signs, zero, groups, the bounds of i64 and u32.
        "json = [+1, -0, +0, -9223372036854775808, 9223372036854775807, 1_2_3]\n",
        "max_redirects = +4_294_967_295\n",
        // Keys: empty, quoted, bare keys that look like values.
        "json = { \"\" = 1, 1 = 1, true = 2, -a = 3, _ = 4 }\n",
        "[      json]\n\"a.b\" = 1\n'' = 2\n",
        "name = \"a\"\n[      json.\"\"]\nx = 1\n",
        // Arrays and inline tables: blanks, comments, trailing commas, values over lines.
        "json = [\n1\n,\n2 # two\n,\n]\n",
        "json = [[], [[]], {}, { a = [] }, { }]\n",
        "json = {a=1,b={c=[{d=true}]}}\n",
        "json = { a = [1, # c\n 2], b = \"\"\"x\ny\"\"\" }\n",
        "name   =   \"x\"   \nurl\t=\t'y'\t# c\n",
        // Sub-tables: implicit ones (their span is their key's), quoted and spaced headers,
        // a table after its sub-tables' siblings, spanned structs as tables.
        "name = \"a\"\n[      cleanup.expect]\nstatus = 1\n",
        "name = \"a\"\n[      \"cleanup\".expect]\nstatus = 1\n",
        "name = \"a\"\n[ cleanup . expect ]\nstatus = 1\n",
        "name = \"a\"\n[      json.a.b]\nx=1\n[      json.c]\ny=2\n",
        "name = \"a\"\n[      json.a]\n[      json.a.b]\n[      json.a.c]\n[      json.d]\n",
        "name = \"a\"\n[      headers]\nx = 1\n[      headers.y]\nz = 2\n",
        "  [      'json']  # c\n  a = 1  \n",
        "[      retry]\nattempts = 3\ninterval = \"1s\"\n",
        // Every field kind of a step, as a value and as a table.
        "name = 'n'\nuse = \"x\"\nwhen = \"<<a>>\"\nmethod = 'GET'\nurl = \"u\"\ntimeout = '1s'\n\
         delay = '1s'\ncontent_type = 'x'\nquery = { a = 'b' }\nform = { a = 'b' }\n\
         multipart = { a = 'b' }\nextract = { a = '$.a' }\nprompt = { a = 'b' }\nbody = 'x'\n\
         auth = { type = 'basic' }\nretry = { attempts = 1, interval = '1s' }\n\
         follow_redirects = true\nmax_redirects = 3\ninsecure = false\ndoc = 'd'\n\
         expect = { status = [200, 201], body = 'x', duration = { lt = '1s' } }\n\
         cleanup = { url = 'u', retry = { attempts = 2 }, expect = { json = { a = 1 } } }\n",
        "[      query]\na = 'b'\n[      form]\na = 'b'\n[      multipart]\na = 'b'\n\
         [      extract]\na = '$.a'\n[      prompt]\na = 'b'\n[      body]\nfile = 'f'\n\
         [      auth]\ntype = 'basic'\n[      retry]\nattempts = 1\n[      cleanup]\nurl = 'u'\n\
         [      cleanup.retry]\nattempts = 2\n[      cleanup.json.a]\nb = 1\n[      expect]\n\
         status = 200\n[      expect.json]\n'$.a' = 1\n[      expect.headers]\na = 'b'\n\
         [      expect.saml]\na = 'b'\n[      expect.vars]\na = 'b'\n[      expect.duration]\n\
         lt = '1s'\n[      expect.body]\ncontains = 'x'\n",
        // The toml crate's private datetime key is a datetime both ways.
        "[      auth]\n\"$__toml_private_datetime\" = \"1979-05-27\"\n",
        "[      expect.body]\n\"$__toml_private_datetime\" = \"07:32:00\"",
    ] {
        assert!(agrees(text), "read quickly:\n{text}");
    }
}

/// A header of a key more than the toml crate's limit was read where the toml crate refuses
/// it; a header of thousands of keys overflowed the stack.
#[test]
fn a_deep_header_is_left_to_the_toml_crate() {
    let header = |keys: usize| format!("name = \"a\"\n[      json{}]\nx = 1\n", ".a".repeat(keys));
    assert!(agrees(&header(39)), "40 keys are read quickly");
    for keys in [40, 80, 81, 100_000] {
        assert!(!agrees(&header(keys)), "{} keys are not", keys + 1);
    }
    assert!(toml::from_str::<RawStep>(&header(80)).is_err());
    // The deepest it reads, a header of 40 keys holding 40 nested arrays and inline tables,
    // fits a thread's stack.
    let nested = format!("{}1{}", "[{a=".repeat(20), "}]".repeat(20));
    let deepest = format!("[      json{}]\nx = {nested}\n", ".a".repeat(39));
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || assert!(agrees(&deepest), "read quickly"))
        .expect("a thread starts")
        .join()
        .expect("no stack overflow");
}

/// Keys are checked for duplicates in a table of any size, in linear time (a list of keys
/// searched for each key took 20 s on a table of 40,000 keys).
#[test]
fn a_table_of_many_keys_is_read_and_checked_for_duplicates() {
    let keys: Vec<String> = (0..5_000).map(|i| format!("k{i} = {i}")).collect();
    let table = keys.join(", ");
    assert!(agrees(&format!("json = {{ {table} }}\n")));
    assert!(!agrees(&format!("json = {{ {table}, k17 = 1 }}\n")));
    assert!(!agrees(&format!("json = {{ {table}, \"k4999\" = 1 }}\n")));
    let lines = keys.join("\n");
    assert!(agrees(&format!("[      headers]\n{lines}\n")));
    assert!(!agrees(&format!("[      headers]\n{lines}\nk20 = 0\n")));
    let mut tables = String::new();
    for i in 0..2_000 {
        let _ = write!(tables, "[      json.t{i}]\nx = {i}\n");
    }
    assert!(agrees(&tables));
    assert!(!agrees(&format!("{tables}[      json.t3]\n")));
}

/// TOML the quick reader does not read, valid or not, read by the toml crate instead.
#[test]
fn the_rest_is_left_to_the_toml_crate() {
    for text in [
        // Valid: a BOM, TOML 1.1's escapes, a table after its sub-table, the private datetime
        // key in an inline table.
        "\u{feff}name = \"a\"\n",
        "name = \"\\x41\\e\"\n",
        "name = \"a\"\n[      expect.json]\n\"$.a\" = 1\n[      expect]\nstatus = 200\n",
        "auth = { \"$__toml_private_datetime\" = \"1979-05-27\" }\n",
        "name = \"\"\"a\r\nb\"\"\"\n",
        "name = \"\"\"\r\nb\"\"\"\n",
        // Wrong: six quotes at the end, an unknown escape, a short \u, a CR alone, values
        // out of range, duplicate keys however written, a table extending a value.
        "name = \"\"\"a\"\"\"\"\"\"\n",
        "name = \"a\\/b\"\n",
        "name = \"\\u00e\"\n",
        "name = \"\"\"a\\ b\"\"\"\n",
        "name = \"\"\"a\\\r\"\"\"\n",
        "name = \"a\" # c\rd\n",
        "max_redirects = 4294967296\n",
        "max_redirects = 9223372036854775808\n",
        "json = -9223372036854775809\n",
        "retry = { attempts = -1 }\n",
        "json = { \"\" = 1, '' = 2 }\n",
        "json = { 'a' = 1, \"\\u0061\" = 2 }\n",
        "doc = \"x\"\nname = \"y\"\ndoc = \"z\"\n",
        "json = { a = 1 }\n[      json.b]\n",
        "json = 1\n[      json.b]\n",
        "name = \"a\"\n[      json]\n[      \"json\"]\n",
    ] {
        assert!(!agrees(text), "left to the toml crate:\n{text}");
    }
}
