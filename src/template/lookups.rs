//! Filters and tests a template names that do not exist. minijinja looks them up only when it
//! renders, so without this an unknown filter would pass the static check and fail the step.

use minijinja::ErrorKind;

use super::Templates;

impl Templates {
    /// The unknown filters (`x | nofilter`) and tests (`x is notatest`) in `src`, a template,
    /// or a bare expression when `expr`: each once, as (`"filter"` or `"test"`, name).
    pub fn unknown_lookups(&self, src: &str, expr: bool) -> Vec<(&'static str, String)> {
        let mut unknown = Vec::new();
        for (kind, name) in lookups(src, expr) {
            let probe = match kind {
                Lookup::Filter => format!("none | {name}"),
                Lookup::Test => format!("none is {name}"),
            };
            let missing = match self.env().compile_expression(&probe) {
                Ok(compiled) => compiled.eval(()).is_err_and(|e| {
                    matches!(e.kind(), ErrorKind::UnknownFilter | ErrorKind::UnknownTest)
                }),
                Err(_) => false,
            };
            let found = (kind.word(), name);
            if missing && !unknown.contains(&found) {
                unknown.push(found);
            }
        }
        unknown
    }
}

/// The environment variables `src` reads by a literal name, `env("NAME")`: a template, or a
/// bare expression when `expr`. Names built at run time are not seen.
pub fn env_names(src: &str, expr: bool) -> Vec<String> {
    let code = if expr { vec![src] } else { blocks(src) };
    let mut names = Vec::new();
    for part in code {
        let raw: Vec<char> = part.chars().collect();
        // Same length as `raw`: string contents blanked, so `env(` inside a string is no call.
        let blank: Vec<char> = without_strings(part).chars().collect();
        let word_char = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
        let mut i = 0;
        while i + 3 <= blank.len() {
            let is_call =
                blank[i..i + 3] == ['e', 'n', 'v'] && (i == 0 || !word_char(blank[i - 1]));
            i += 1;
            if !is_call {
                continue;
            }
            let mut j = i + 2;
            let skip = |j: &mut usize| {
                while *j < blank.len() && blank[*j].is_whitespace() {
                    *j += 1;
                }
            };
            skip(&mut j);
            if blank.get(j) != Some(&'(') {
                continue;
            }
            j += 1;
            skip(&mut j);
            let Some(&quote) = raw.get(j).filter(|q| **q == '"' || **q == '\'') else {
                continue;
            };
            let start = j + 1;
            let Some(len) = raw[start..].iter().position(|c| *c == quote) else {
                continue;
            };
            let name: String = raw[start..start + len].iter().collect();
            let mut k = start + len + 1;
            skip(&mut k);
            if blank.get(k) == Some(&')') && !name.contains('\\') && !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lookup {
    Filter,
    Test,
}

impl Lookup {
    fn word(self) -> &'static str {
        match self {
            Lookup::Filter => "filter",
            Lookup::Test => "test",
        }
    }
}

/// The filter and test names used in the expression parts of `src`: after `|`, and after
/// `is` / `is not`, outside string literals.
fn lookups(src: &str, expr: bool) -> Vec<(Lookup, String)> {
    let code = if expr { vec![src] } else { blocks(src) };
    let mut found = Vec::new();
    for part in code {
        let words = tokens(&without_strings(part));
        for (i, word) in words.iter().enumerate() {
            let next = |k: usize| words.get(i + k).map(String::as_str);
            match word.as_str() {
                "|" => {
                    if let Some(name) = next(1).filter(|n| is_name(n)) {
                        found.push((Lookup::Filter, name.to_owned()));
                    }
                }
                "is" => {
                    let name = match next(1) {
                        Some("not") => next(2),
                        other => other,
                    };
                    if let Some(name) = name.filter(|n| is_name(n)) {
                        found.push((Lookup::Test, name.to_owned()));
                    }
                }
                _ => {}
            }
        }
    }
    found
}

/// The insides of `<< … >>` and `<% … %>` blocks.
fn blocks(src: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = src;
    while let Some(open) = rest.find(['<']) {
        let after = &rest[open..];
        let close = if after.starts_with("<<") {
            ">>"
        } else if after.starts_with("<%") {
            "%>"
        } else {
            rest = &rest[open + 1..];
            continue;
        };
        let inner = &after[2..];
        let Some(end) = inner.find(close) else { break };
        out.push(&inner[..end]);
        rest = &inner[end + 2..];
    }
    out
}

/// `code` with the contents of string literals blanked, so a `|` inside one is not a filter.
fn without_strings(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut quote = None;
    let mut escaped = false;
    for c in code.chars() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
                out.push(c);
            }
            if quote.is_some() {
                out.push(' ');
            }
        } else {
            if c == '"' || c == '\'' {
                quote = Some(c);
            }
            out.push(c);
        }
    }
    out
}

/// Names and single `|` marks, in order.
fn tokens(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in code.chars() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        if c == '|' {
            out.push("|".to_owned());
        } else if !c.is_whitespace() {
            out.push(c.to_string());
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

fn is_name(text: &str) -> bool {
    text.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_filters_and_tests_in_blocks_only() {
        let found = lookups(
            "a | b << x | upper | nofilter(1) >> <% if y is not defined and z is nope %>",
            false,
        );
        assert_eq!(
            found,
            [
                (Lookup::Filter, "upper".to_owned()),
                (Lookup::Filter, "nofilter".to_owned()),
                (Lookup::Test, "defined".to_owned()),
                (Lookup::Test, "nope".to_owned()),
            ]
        );
    }

    #[test]
    fn a_bar_inside_a_string_is_text() {
        assert!(lookups("<< 'a | b' ~ \"c|d\" >>", false).is_empty());
        assert_eq!(
            lookups("x | trim", true),
            [(Lookup::Filter, "trim".to_owned())]
        );
    }

    #[test]
    fn only_unknown_ones_are_reported() {
        let t = Templates::new("00000000");
        assert_eq!(
            t.unknown_lookups(
                "<< x | nofilter >><< x | upper | base64 >><< x is nope >>",
                false
            ),
            [
                ("filter", "nofilter".to_owned()),
                ("test", "nope".to_owned())
            ]
        );
        assert!(
            t.unknown_lookups("<< x | replace('a', 'b') | urlencode >>", false)
                .is_empty()
        );
    }
}
