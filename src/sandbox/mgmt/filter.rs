//! The SCIM filter subset PingOne's list endpoints accept (`filter=name sw "x" and ...`),
//! parsed once and evaluated against stored JSON documents.
//!
//! Operators: `eq ne co sw ew gt ge lt le pr`, `and`, `or`, `not`, parentheses, and
//! value paths such as `memberOfGroups[id eq "..."]`. String comparisons ignore case, as
//! PingOne does for `status eq "active"` on a license whose status is `ACTIVE`.

use serde_json::Value;

use super::error::ApiError;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

/// A parsed filter expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    Compare(Vec<String>, Op, Value),
    Present(Vec<String>),
    ValuePath(Vec<String>, Box<Filter>),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Str(String),
    Open,
    Close,
    BracketOpen,
    BracketClose,
}

fn error(message: impl Into<String>) -> ApiError {
    ApiError::invalid_value("INVALID_FILTER", "filter", message)
}

fn tokenize(text: &str) -> Result<Vec<Token>, ApiError> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' | '[' | ']' => {
                chars.next();
                tokens.push(match c {
                    '(' => Token::Open,
                    ')' => Token::Close,
                    '[' => Token::BracketOpen,
                    _ => Token::BracketClose,
                });
            }
            '"' => {
                chars.next();
                let mut s = String::new();
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => s.extend(chars.next()),
                        Some(ch) => s.push(ch),
                        None => return Err(error("Unterminated string in filter")),
                    }
                }
                tokens.push(Token::Str(s));
            }
            _ => {
                let mut word = String::new();
                while let Some(&ch) = chars.peek() {
                    if ch.is_whitespace() || "()[]\"".contains(ch) {
                        break;
                    }
                    word.push(ch);
                    chars.next();
                }
                tokens.push(Token::Word(word));
            }
        }
    }
    Ok(tokens)
}

/// How many `(`, `[` and `not` a filter may hold.
const MAX_NESTING: usize = 64;

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek_word(&self, word: &str) -> bool {
        matches!(self.tokens.get(self.pos), Some(Token::Word(w)) if w.eq_ignore_ascii_case(word))
    }
    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    fn expr(&mut self) -> Result<Filter, ApiError> {
        let mut left = self.term()?;
        while self.peek_word("or") {
            self.pos += 1;
            left = Filter::Or(Box::new(left), Box::new(self.term()?));
        }
        Ok(left)
    }
    fn term(&mut self) -> Result<Filter, ApiError> {
        let mut left = self.factor()?;
        while self.peek_word("and") {
            self.pos += 1;
            left = Filter::And(Box::new(left), Box::new(self.factor()?));
        }
        Ok(left)
    }
    fn factor(&mut self) -> Result<Filter, ApiError> {
        if self.peek_word("not") {
            self.pos += 1;
            return Ok(Filter::Not(Box::new(self.factor()?)));
        }
        match self.next() {
            Some(Token::Open) => {
                let inner = self.expr()?;
                match self.next() {
                    Some(Token::Close) => Ok(inner),
                    _ => Err(error("Expected ')' in filter")),
                }
            }
            Some(Token::Word(attr)) => self.attribute(&attr),
            _ => Err(error("Expected an attribute name in filter")),
        }
    }
    fn attribute(&mut self, attr: &str) -> Result<Filter, ApiError> {
        let path: Vec<String> = attr.split('.').map(str::to_owned).collect();
        if path.iter().any(String::is_empty) {
            return Err(error(format!("Invalid attribute name '{attr}' in filter")));
        }
        if self.tokens.get(self.pos) == Some(&Token::BracketOpen) {
            self.pos += 1;
            let inner = self.expr()?;
            return match self.next() {
                Some(Token::BracketClose) => Ok(Filter::ValuePath(path, Box::new(inner))),
                _ => Err(error("Expected ']' in filter")),
            };
        }
        let Some(Token::Word(op)) = self.next() else {
            return Err(error(format!("Expected an operator after '{attr}'")));
        };
        let op = match op.to_ascii_lowercase().as_str() {
            "pr" => return Ok(Filter::Present(path)),
            "eq" => Op::Eq,
            "ne" => Op::Ne,
            "co" => Op::Co,
            "sw" => Op::Sw,
            "ew" => Op::Ew,
            "gt" => Op::Gt,
            "ge" => Op::Ge,
            "lt" => Op::Lt,
            "le" => Op::Le,
            other => return Err(error(format!("Unsupported filter operator '{other}'"))),
        };
        let value = match self.next() {
            Some(Token::Str(s)) => Value::String(s),
            Some(Token::Word(w)) => literal(&w)?,
            _ => return Err(error(format!("Expected a value after '{attr}'"))),
        };
        Ok(Filter::Compare(path, op, value))
    }
}

fn literal(word: &str) -> Result<Value, ApiError> {
    match word {
        "true" => Ok(Value::Bool(true)),
        "false" => Ok(Value::Bool(false)),
        "null" => Ok(Value::Null),
        _ => serde_json::from_str::<serde_json::Number>(word)
            .map(Value::Number)
            .map_err(|_| {
                error(format!(
                    "Invalid filter value '{word}'; strings need quotes"
                ))
            }),
    }
}

impl Filter {
    pub fn parse(text: &str) -> Result<Self, ApiError> {
        let tokens = tokenize(text)?;
        // Each `(`, `[` or `not` is one level of the parser's recursion: bound them, so a
        // filter cannot exhaust the stack.
        let nesting = tokens
            .iter()
            .filter(|t| match t {
                Token::Open | Token::BracketOpen => true,
                Token::Word(w) => w.eq_ignore_ascii_case("not"),
                _ => false,
            })
            .count();
        if nesting > MAX_NESTING {
            return Err(error(format!(
                "The filter nests more than {MAX_NESTING} parentheses, brackets and `not`s"
            )));
        }
        let mut parser = Parser { tokens, pos: 0 };
        let filter = parser.expr()?;
        if parser.pos != parser.tokens.len() {
            return Err(error("Unexpected text at the end of the filter"));
        }
        Ok(filter)
    }

    pub fn matches(&self, doc: &Value) -> bool {
        match self {
            Self::And(a, b) => a.matches(doc) && b.matches(doc),
            Self::Or(a, b) => a.matches(doc) || b.matches(doc),
            Self::Not(f) => !f.matches(doc),
            Self::Present(path) => resolve(doc, path).iter().any(|v| !v.is_null()),
            Self::ValuePath(path, inner) => resolve(doc, path).iter().any(|v| inner.matches(v)),
            Self::Compare(path, op, expected) => {
                let found = resolve(doc, path);
                if *op == Op::Ne {
                    return !found.iter().any(|v| compare(v, Op::Eq, expected));
                }
                found.iter().any(|v| compare(v, *op, expected))
            }
        }
    }
}

/// Values at `path`, flattening arrays along the way (SCIM multi-valued attributes).
fn resolve<'a>(doc: &'a Value, path: &[String]) -> Vec<&'a Value> {
    let mut current = vec![doc];
    for key in path {
        let mut next = Vec::new();
        for v in current {
            for item in flatten(v) {
                if let Some(found) = field(item, key) {
                    next.push(found);
                }
            }
        }
        current = next;
    }
    current.into_iter().flat_map(flatten).collect()
}

fn flatten(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

fn field<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    let map = v.as_object()?;
    map.get(key).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

fn compare(actual: &Value, op: Op, expected: &Value) -> bool {
    use std::cmp::Ordering;
    match (actual, expected) {
        (Value::String(a), Value::String(e)) => {
            let (a, e) = (a.to_lowercase(), e.to_lowercase());
            match op {
                Op::Eq => a == e,
                Op::Ne => a != e,
                Op::Co => a.contains(&e),
                Op::Sw => a.starts_with(&e),
                Op::Ew => a.ends_with(&e),
                Op::Gt => a > e,
                Op::Ge => a >= e,
                Op::Lt => a < e,
                Op::Le => a <= e,
            }
        }
        (Value::Number(a), Value::Number(e)) => {
            let ord = a
                .as_f64()
                .partial_cmp(&e.as_f64())
                .unwrap_or(Ordering::Equal);
            match op {
                Op::Eq => ord == Ordering::Equal,
                Op::Ne => ord != Ordering::Equal,
                Op::Gt => ord == Ordering::Greater,
                Op::Ge => ord != Ordering::Less,
                Op::Lt => ord == Ordering::Less,
                Op::Le => ord != Ordering::Greater,
                Op::Co | Op::Sw | Op::Ew => false,
            }
        }
        (a, e) => match op {
            Op::Eq => a == e,
            Op::Ne => a != e,
            _ => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn user() -> Value {
        json!({
            "username": "Alice.Smith",
            "email": "alice@example.com",
            "enabled": true,
            "population": {"id": "pop-1"},
            "name": {"given": "Alice"},
            "memberOfGroups": [{"id": "g1"}, {"id": "g2"}],
            "count": 3
        })
    }

    fn check(filter: &str) -> bool {
        Filter::parse(filter).unwrap().matches(&user())
    }

    #[test]
    fn compares_strings_without_case() {
        assert!(check(r#"username eq "alice.smith""#));
        assert!(check(r#"username sw "ALICE""#));
        assert!(check(r#"email co "example""#));
        assert!(check(r#"email ew ".com""#));
        assert!(!check(r#"username eq "bob""#));
        assert!(check(r#"username ne "bob""#));
    }

    #[test]
    fn handles_paths_values_and_logic() {
        assert!(check(r#"population.id eq "pop-1" and enabled eq true"#));
        assert!(check(r#"name.given eq "bob" or count gt 2"#));
        assert!(check(r#"not (username eq "bob")"#));
        assert!(check(r#"memberOfGroups[id eq "g2"]"#));
        assert!(!check(r#"memberOfGroups[id eq "g3"]"#));
        assert!(check("email pr"));
        assert!(!check("nickname pr"));
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let deep = format!("{}name eq \"x\"{}", "(".repeat(5000), ")".repeat(5000));
        assert!(Filter::parse(&deep).is_err());
        assert!(Filter::parse(&"not ".repeat(8000)).is_err());
        assert!(Filter::parse(&"a[".repeat(1500)).is_err());
        let fine = format!("{}name eq \"x\"{}", "(".repeat(10), ")".repeat(10));
        assert!(Filter::parse(&fine).is_ok());
    }

    #[test]
    fn rejects_bad_filters_with_invalid_filter() {
        for bad in [
            "username eq",
            r#"username zz "x""#,
            r#"(a eq "b""#,
            "a eq b",
            r#"a eq "b" c"#,
        ] {
            let err = Filter::parse(bad).unwrap_err();
            assert_eq!(err.details[0].code, "INVALID_FILTER", "{bad}");
        }
    }
}
