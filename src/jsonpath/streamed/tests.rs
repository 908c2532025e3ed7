use serde_json::Value;

use super::{Selected, member_in};
use crate::jsonpath::{Member, member};

const PATHS: [&str; 9] = [
    "$.id",
    "$.a.b",
    "$.a.b.c",
    "$.a",
    "$.missing",
    "$._k9",
    "$.true",
    "$.id.id",
    "$.list",
];

/// What the whole parse answers: the member's value, or `Err` for a body that is not JSON.
fn whole(body: &[u8], path: &str) -> Result<Option<Value>, ()> {
    let doc: Value = serde_json::from_slice(body).map_err(|_| ())?;
    match member(&doc, path) {
        Some(Member(node)) => Ok(node.cloned()),
        None => unreachable!("every path here is a member chain"),
    }
}

/// The streamed read answers as the whole parse does, or leaves the body to it; whether it
/// answered for the first path.
fn same(body: &[u8]) -> bool {
    let answered = member_in(body, PATHS[0]).is_some();
    for path in PATHS {
        let expected = whole(body, path);
        match member_in(body, path) {
            Some(Selected(found)) => assert_eq!(
                Ok(found),
                expected,
                "{path} in {:?}",
                String::from_utf8_lossy(body)
            ),
            // Only a body with serde_json's own key, or one that is not JSON, is left over.
            None => assert!(
                expected.is_err() || body.windows(6).any(|w| w == b"$serde"),
                "{path} in {:?}: left to the whole parse",
                String::from_utf8_lossy(body)
            ),
        }
    }
    answered
}

#[test]
fn member_chains_read_from_bytes_answer_as_the_document_does() {
    let deep = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
    let deep_object = |n: usize| format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n));
    let bodies: Vec<String> = vec![
        r#"{"id":"id-1","name":"item-1"}"#.into(),
        r#"  {"id" : 7 , "a": {"b": {"c": [1, {"x": null}]}, "list": [1,2]}, "_k9": null} "#.into(),
        r#"{"id":"first","id":"last"}"#.into(),
        r#"{"a":{"b":1},"a":{"c":2}}"#.into(),
        r#"{"a":{"b":1},"a":3}"#.into(),
        r#"{"\u0069d":"escaped key","a":{"b":"\ud83d\ude00 \n \" \\"}}"#.into(),
        r#"[{"id":"x"}]"#.into(),
        r#""text""#.into(),
        "true".into(),
        "null".into(),
        "-1.5e3".into(),
        r#"{"id":1e400}"#.into(),
        r#"{"x":1e400,"id":2}"#.into(),
        r#"{"id":18446744073709551616,"n":-9223372036854775809}"#.into(),
        r#"{"id":0.1,"a":{"b":123456789012345678901234567890}}"#.into(),
        r#"{"true":2,"list":[],"a":{}}"#.into(),
        "{}".into(),
        "[]".into(),
        String::new(),
        "   ".into(),
        r#"{"id":"x"} trailing"#.into(),
        r#"{"id":"x"}}"#.into(),
        r#"{"id":"x",}"#.into(),
        r#"{"id":"x""#.into(),
        r#"{"id":}"#.into(),
        r#"{id:"x"}"#.into(),
        r#"{"id":"x" "a":1}"#.into(),
        r#"{"id":"bad \x escape"}"#.into(),
        r#"{"other":"bad \x escape","id":1}"#.into(),
        r#"{"other":"\ud800","id":1}"#.into(),
        r#"{"other":[1,2,,3],"id":1}"#.into(),
        r#"{"other":01,"id":1}"#.into(),
        r#"{"other":tru,"id":1}"#.into(),
        r#"{"$serde_json::private::RawValue":"{\"id\":3}"}"#.into(),
        r#"{"a":{"$serde_json::private::RawValue":"[1]"},"id":1}"#.into(),
        format!(r#"{{"other":{},"id":1}}"#, deep(126)),
        format!(r#"{{"other":{},"id":1}}"#, deep(127)),
        format!(r#"{{"other":{},"id":1}}"#, deep(200)),
        format!(r#"{{"a":{}}}"#, deep_object(126)),
        format!(r#"{{"a":{}}}"#, deep_object(127)),
        format!(r#"{{"id":{}}}"#, deep(130)),
    ];
    for body in &bodies {
        same(body.as_bytes());
    }
    // serde_json's own key makes `Value` read the string after it as the document.
    let raw = br#"{"$serde_json::private::RawValue":"{\"id\":3}"}"#;
    assert_eq!(whole(raw, "$.id"), Ok(Some(Value::from(3))));
    assert!(member_in(raw, "$.id").is_none());
    // Bytes that are not UTF-8, inside a string that is read through and in the one kept.
    same(b"{\"other\":\"\xff\",\"id\":1}");
    same(b"{\"id\":\"\xc3\x28\"}");
    same(b"{\"id\":\"caf\xc3\xa9\"}");
}

/// Mutated bodies (bytes dropped, doubled and replaced by JSON's own), compared the same way.
#[test]
fn mutated_bodies_are_read_as_the_whole_parse_reads_them() {
    let seeds: [&[u8]; 3] = [
        br#"{"id":"id-1","name":"item-1","a":{"b":[1,2.5,-3e2,true,false,null],"c":"\u00e9\n"}}"#,
        br#"[{"id":1},{"a":{"b":{}}}]"#,
        br#"{"id":{"id":"x"},"_k9":[],"true":"\"quoted\"","list":[[[]]]}"#,
    ];
    let pieces: [&[u8]; 14] = [
        b"{", b"}", b"[", b"]", b"\"", b":", b",", b"\\", b"1", b"e", b" ", b"\"id\"", b"\"a\":",
        b"\xff",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |bound: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        usize::try_from(state % bound as u64).unwrap_or(0)
    };
    let mut answered = 0;
    for _ in 0..6_000 {
        let mut body = seeds[next(seeds.len())].to_vec();
        for _ in 0..=next(3) {
            let at = next(body.len() + 1);
            match next(3) {
                0 if at < body.len() => {
                    body.remove(at);
                }
                1 => {
                    let piece = pieces[next(pieces.len())];
                    body.splice(at..at, piece.iter().copied());
                }
                _ if at < body.len() => body[at] = pieces[next(pieces.len())][0],
                _ => {}
            }
        }
        answered += usize::from(same(&body));
    }
    // Both kinds are tried: bodies still JSON and bodies broken.
    assert!((500..5_500).contains(&answered), "{answered}");
}

#[test]
fn only_plain_member_chains_are_read() {
    for path in [
        "$", "$.", "$..id", "$.a[0]", "$.9a", "$.a.", "$.a-b", "$.é", "$.a.*",
    ] {
        assert!(member_in(br#"{"a":1}"#, path).is_none(), "{path}");
    }
}
