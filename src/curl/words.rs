//! Shell words for the curl export: redacted text, where each `«name»` the redactor left
//! becomes a reference to the shell variable `name`, quoted so the shell expands that and
//! nothing else.

use std::borrow::Cow;

/// A run of literal text, or a variable's place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Lit(String),
    Var(String),
}

/// Quotes words, and remembers which variables they use.
#[derive(Debug, Default)]
pub struct Words {
    vars: Vec<String>,
}

impl Words {
    /// The variables used so far, in order of first use.
    pub fn vars(&self) -> &[String] {
        &self.vars
    }

    /// Redacted `text` as one shell word.
    pub fn text(&mut self, text: &str) -> String {
        self.word(Self::pieces(text))
    }

    /// `pieces` as one shell word: single-quoted as before when there is no variable;
    /// double-quoted around the variables when the literal text allows it
    /// (`"$adminAppID:$adminAppSecret"`); else single-quoted text and double-quoted
    /// variables side by side (`'{"secret":"'"$appSecret"'"}'`).
    pub fn word(&mut self, pieces: Vec<Piece>) -> String {
        let mut pieces = merge(pieces);
        for piece in &mut pieces {
            if let Piece::Var(name) = piece {
                *name = shell_name(name);
                if !self.vars.contains(name) {
                    self.vars.push(name.clone());
                }
            }
        }
        match pieces.as_slice() {
            [] => "''".to_owned(),
            [Piece::Lit(text)] => quote(text).into_owned(),
            _ => {
                let plain = pieces.iter().all(|p| match p {
                    Piece::Lit(text) => !text.contains(['"', '\\', '$', '`', '!']),
                    Piece::Var(_) => true,
                });
                if plain {
                    double_quoted(&pieces)
                } else {
                    side_by_side(&pieces)
                }
            }
        }
    }

    /// Redacted text split at each `«name»` placeholder.
    pub fn pieces(text: &str) -> Vec<Piece> {
        let mut pieces = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('«') {
            let after = &rest[open + '«'.len_utf8()..];
            let Some(close) = after.find('»') else { break };
            let name = &after[..close];
            if name.is_empty() || name.contains(|c: char| c.is_whitespace() || c == '«') {
                pieces.push(Piece::Lit(rest[..open + '«'.len_utf8()].to_owned()));
                rest = after;
                continue;
            }
            pieces.push(Piece::Lit(rest[..open].to_owned()));
            pieces.push(Piece::Var(name.to_owned()));
            rest = &after[close + '»'.len_utf8()..];
        }
        pieces.push(Piece::Lit(rest.to_owned()));
        merge(pieces)
    }
}

/// Adjacent literals joined, empty ones dropped.
fn merge(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    for piece in pieces {
        match (out.last_mut(), piece) {
            (_, Piece::Lit(text)) if text.is_empty() => {}
            (Some(Piece::Lit(last)), Piece::Lit(text)) => last.push_str(&text),
            (_, piece) => out.push(piece),
        }
    }
    out
}

/// A variable name the shell accepts: other characters become `_`.
fn shell_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// `$name`, or `${name}` when the text after it would read as part of the name.
fn reference(name: &str, next: Option<&Piece>) -> String {
    let joins = match next {
        Some(Piece::Lit(text)) => text.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'),
        _ => false,
    };
    if joins {
        format!("${{{name}}}")
    } else {
        format!("${name}")
    }
}

fn double_quoted(pieces: &[Piece]) -> String {
    let mut out = String::from('"');
    for (i, piece) in pieces.iter().enumerate() {
        match piece {
            Piece::Lit(text) => out.push_str(text),
            Piece::Var(name) => out.push_str(&reference(name, pieces.get(i + 1))),
        }
    }
    out.push('"');
    out
}

fn side_by_side(pieces: &[Piece]) -> String {
    pieces
        .iter()
        .map(|piece| match piece {
            Piece::Lit(text) => quote(text).into_owned(),
            Piece::Var(name) => format!("\"${name}\""),
        })
        .collect()
}

/// `text` as one POSIX shell word: single-quoted unless it is plainly safe.
pub fn quote(text: &str) -> Cow<'_, str> {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c);
    if !text.is_empty() && text.chars().all(safe) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(format!("'{}'", text.replace('\'', r"'\''")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_variables() {
        let mut w = Words::default();
        assert_eq!(
            w.text("authorization: Bearer «accessToken»"),
            "\"authorization: Bearer $accessToken\""
        );
        assert_eq!(
            w.word(vec![
                Piece::Var("adminAppID".into()),
                Piece::Lit(":".into()),
                Piece::Var("adminAppSecret".into()),
            ]),
            "\"$adminAppID:$adminAppSecret\""
        );
        assert_eq!(
            w.text(r#"{"secret":"«app.secret»","n":1}"#),
            r#"'{"secret":"'"$app_secret"'","n":1}'"#
        );
        assert_eq!(w.text("x«tokenA»y"), "\"x${tokenA}y\"");
        assert_eq!(
            w.vars(),
            [
                "accessToken",
                "adminAppID",
                "adminAppSecret",
                "app_secret",
                "tokenA"
            ]
        );
    }

    #[test]
    fn text_without_placeholders_is_quoted_as_before() {
        let mut w = Words::default();
        assert_eq!(w.text("it's"), r"'it'\''s'");
        assert_eq!(w.text("a « b » c"), "'a « b » c'");
        assert_eq!(w.text(""), "''");
        assert!(w.vars().is_empty());
    }

    #[test]
    fn quoting() {
        assert_eq!(quote("https://h/p/a-1"), "https://h/p/a-1");
        assert_eq!(quote("https://h/p?a=1&b"), "'https://h/p?a=1&b'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote("$HOME"), "'$HOME'");
    }
}
