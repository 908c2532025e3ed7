//! Random steps written in the TOML the quick reader knows, with its edges mixed in (runs of
//! quotes, escapes, line ends, comments, signs, quoted and repeated keys, sub-tables in any
//! order): each must be read as the toml crate reads it, or left to it. Mutating the library's
//! steps mostly breaks them; these stay close enough to valid to reach every answer.

use std::fmt::Write as _;

use super::tests::agrees;

/// xorshift64*: the same documents on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const PIECES: &[&str] = &[
    "a", "é", " ", "\t", "\"", "'", "\"\"", "''", "\\", "\n", "\r\n", "\r", "#", "$.id", "\u{7f}",
];
const ESCAPES: &[&str] = &[
    "\\n",
    "\\t",
    "\\\\",
    "\\\"",
    "\\u00e9",
    "\\U0001F600",
    "\\e",
    "\\x41",
    "\\ud800",
    "\\/",
    "\\\n  ",
    "\\ \t\n\n ",
    "\\u00",
    "\\r",
];
const INTEGERS: &[&str] = &[
    "0",
    "-0",
    "+0",
    "1",
    "+17",
    "-1_000",
    "01",
    "1__0",
    "1_",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "4294967296",
    "0x10",
    "1.5",
    "1e3",
    "nan",
];
const KEYS: &[&str] = &[
    "a",
    "b",
    "\"a\"",
    "'b'",
    "\"\"",
    "\"\\u0061\"",
    "c-d",
    "1",
    "a.b",
];
const BLANKS: &[&str] = &["", " ", "\t", "\n", " # c\n", "\r\n", "  "];

fn string(rng: &mut Rng) -> String {
    let quote = rng.pick(&["\"", "'", "\"\"\"", "'''", "\"\"\"\n", "'''\n"]);
    let mut body = String::new();
    for _ in 0..rng.below(6) {
        if quote.starts_with('"') && rng.below(3) == 0 {
            body.push_str(rng.pick(ESCAPES));
        } else {
            body.push_str(rng.pick(PIECES));
        }
    }
    let close = quote.trim_end_matches('\n');
    let extra = if close.len() == 3 {
        rng.pick(&["", "", "\"", "\"\"", "'", "''"])
    } else {
        ""
    };
    format!("{quote}{body}{extra}{close}")
}

fn value(rng: &mut Rng, depth: usize) -> String {
    match rng.below(if depth > 3 { 3 } else { 5 }) {
        0 => string(rng),
        1 => rng.pick(INTEGERS).to_owned(),
        2 => rng.pick(&["true", "false", "truex"]).to_owned(),
        3 => {
            let items: Vec<String> = (0..rng.below(4)).map(|_| value(rng, depth + 1)).collect();
            let (a, b) = (rng.pick(BLANKS), rng.pick(BLANKS));
            let comma = rng.pick(&["", "", ","]);
            format!(
                "[{a}{}{comma}{b}]",
                items.join(&format!(",{}", rng.pick(BLANKS)))
            )
        }
        _ => {
            let items: Vec<String> = (0..rng.below(4))
                .map(|_| format!("{} = {}", rng.pick(KEYS), value(rng, depth + 1)))
                .collect();
            let comma = rng.pick(&["", "", "", ","]);
            format!("{{ {}{comma} }}", items.join(rng.pick(&[", ", ",", ",\n"])))
        }
    }
}

fn step(rng: &mut Rng) -> String {
    let mut text = String::from("         \n");
    for _ in 0..rng.below(4) {
        let key = rng.pick(&[
            "name",
            "doc",
            "url",
            "json",
            "auth",
            "max_redirects",
            "headers",
        ]);
        let eq = rng.pick(&["=", " = ", "\t=  "]);
        let end = rng.pick(&["\n", "\n", " # c\n", "\r\n", "\t\n"]);
        let _ = write!(text, "{key}{eq}{}{end}", value(rng, 0));
    }
    for _ in 0..rng.below(4) {
        let root = rng.pick(&[
            "json", "json", "headers", "cleanup", "expect", "auth", "\"json\"",
        ]);
        let mut path = String::new();
        for _ in 0..rng.below(3) {
            path.push('.');
            path.push_str(rng.pick(KEYS));
        }
        let space = rng.pick(&["", "", " "]);
        let comment = rng.pick(&["", " # c"]);
        let _ = writeln!(text, "[      {root}{space}{path}]{comment}");
        for _ in 0..rng.below(3) {
            let key = rng.pick(KEYS);
            let _ = writeln!(text, "{key} = {}", value(rng, 0));
        }
    }
    text
}

#[test]
fn random_steps_are_read_as_the_toml_crate_reads_them() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut quick, mut valid) = (0, 0);
    for _ in 0..20_000 {
        let text = step(&mut rng);
        valid += usize::from(toml::from_str::<crate::workflow::raw::RawStep>(&text).is_ok());
        quick += usize::from(agrees(&text));
    }
    // The documents reach the quick reader's answers, not only its refusals.
    assert!(
        quick > 1_000,
        "{quick} of {valid} valid documents read quickly"
    );
}
