//! A run without its variables (no `--sandbox`, no vars file) would otherwise say so once per
//! variable per file: hundreds of lines for the library. Past a few, those errors are told as
//! one line per variable, naming where it is first needed, and one hint on how to define them
//! (the help of the last one).

use super::Diagnostic;

/// How to give a run its variables, said once under the grouped errors.
const MISSING_HINT: &str = "give the run its variables: --sandbox (the built-in PingOne simulator \
     defines them), --vars FILE (a vars file; vars/pingone.example.toml is one), or --var NAME=VALUE";

/// Up to this many missing-variable errors are shown whole, each with its line and caret.
const SHOWN_WHOLE: usize = 3;

/// The errors to show whole, and one error without a location per missing variable when there
/// are more than a few, the last one with the hint. An error with a suggestion (`did you mean
/// …?`) is not marked missing, so a typo is always shown whole.
pub fn grouped(diagnostics: &[Diagnostic]) -> (Vec<&Diagnostic>, Vec<Diagnostic>) {
    let missing = diagnostics.iter().filter(|d| d.missing.is_some()).count();
    if missing <= SHOWN_WHOLE {
        return (diagnostics.iter().collect(), Vec::new());
    }
    // Each variable, in the order first met, with the distinct places that need it.
    let mut names: Vec<(&str, Vec<String>)> = Vec::new();
    let mut whole = Vec::new();
    for d in diagnostics {
        let Some(name) = d.missing.as_deref() else {
            whole.push(d);
            continue;
        };
        let place = d.position().unwrap_or_default();
        match names.iter_mut().find(|(n, _)| *n == name) {
            Some((_, places)) if places.contains(&place) => {}
            Some((_, places)) => places.push(place),
            None => names.push((name, vec![place])),
        }
    }
    let mut lines: Vec<Diagnostic> = names
        .into_iter()
        .map(|(name, places)| {
            let first = places.first().filter(|p| !p.is_empty());
            let others = places.len() - 1;
            let at = match (first, others) {
                (None, _) => String::new(),
                (Some(p), 0) => format!("; needed at {p}"),
                (Some(p), 1) => format!("; needed at {p} and 1 more place"),
                (Some(p), n) => format!("; needed at {p} and {n} more places"),
            };
            Diagnostic::new(format!("variable `{name}` is not defined{at}"))
        })
        .collect();
    if let Some(last) = lines.pop() {
        lines.push(last.with_help(MISSING_HINT));
    }
    (whole, lines)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::workflow::source::Source;

    fn missing(file: &str, name: &str) -> Diagnostic {
        let src = Arc::new(Source::new(file, format!("x = \"<<{name}>>\"\n")));
        Diagnostic::at(
            format!("undefined variable `{name}`"),
            &src,
            7..7 + name.len(),
        )
        .missing(name)
    }

    #[test]
    fn a_few_are_shown_whole() {
        let all = [missing("a.toml", "x"), missing("b.toml", "x")];
        let (whole, lines) = grouped(&all);
        assert_eq!(whole.len(), 2);
        assert!(lines.is_empty());
    }

    #[test]
    fn many_are_one_line_per_variable() {
        let all = [
            missing("a.toml", "apiPath"),
            Diagnostic::new("something else"),
            missing("b.toml", "apiPath"),
            missing("b.toml", "envID"),
            missing("c.toml", "apiPath"),
            missing("c.toml", "apiPath"),
        ];
        let (whole, lines) = grouped(&all);
        assert_eq!(whole.len(), 1, "{whole:?}");
        let lines: Vec<String> = lines.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "error: variable `apiPath` is not defined; needed at a.toml:1:8 and 2 more places\n",
                "error: variable `envID` is not defined; needed at b.toml:1:8\n \
                 |\n \
                 = help: give the run its variables: --sandbox (the built-in PingOne simulator \
                 defines them), --vars FILE (a vars file; vars/pingone.example.toml is one), or \
                 --var NAME=VALUE\n",
            ]
        );
    }
}
