//! The forms a secret value takes on the wire, beyond the plain encodings: as the `url` crate
//! writes it in each part of a URL, and escaped inside a JSON string.

use std::fmt::Write as _;

use serde_json::Value;

/// How `value` appears in a URL after `Url::parse`, which percent-encodes only some characters,
/// a different set in each part: as the user name, password, path segment, query and
/// fragment. Derived with the `url` crate itself, so they match what the request URL shows.
pub fn url_forms(value: &str) -> Vec<String> {
    let Ok(base) = url::Url::parse("http://h/") else {
        return Vec::new();
    };
    let mut forms = Vec::new();
    let mut url = base.clone();
    if url.set_username(value).is_ok() {
        forms.push(url.username().to_owned());
    }
    let mut url = base.clone();
    if url.set_password(Some(value)).is_ok()
        && let Some(password) = url.password()
    {
        forms.push(password.to_owned());
    }
    let mut url = base.clone();
    url.set_path(&format!("/{value}"));
    if let Some(path) = url.path().strip_prefix('/') {
        forms.push(path.to_owned());
    }
    let mut url = base.clone();
    url.set_query(Some(value));
    forms.extend(url.query().map(str::to_owned));
    let mut url = base;
    url.set_fragment(Some(value));
    forms.extend(url.fragment().map(str::to_owned));
    forms
}

/// `form` with the hex digits of its percent escapes in lower case (`%2f` for `%2F`), as some
/// servers write them; `None` when it has none with a letter.
pub fn lower_hex(form: &str) -> Option<String> {
    let bytes = form.as_bytes();
    let mut out = String::with_capacity(form.len());
    let mut changed = false;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = form.get(i + 1..i + 3)
            && hex.bytes().all(|b| b.is_ascii_hexdigit())
        {
            let lower = hex.to_ascii_lowercase();
            changed |= lower != hex;
            out.push('%');
            out.push_str(&lower);
            i += 3;
            continue;
        }
        let c = form[i..].chars().next().unwrap_or_default();
        out.push(c);
        i += c.len_utf8().max(1);
    }
    changed.then_some(out)
}

/// How `value` appears inside a JSON string: as `serde_json` writes it, and as encoders that
/// also escape `/` (PHP) or non-ASCII characters (Python's default) write it.
pub fn json_escaped_forms(value: &str) -> Vec<String> {
    let plain = json_escaped(value);
    let mut ascii = String::with_capacity(plain.len());
    for c in plain.chars() {
        if c.is_ascii() {
            ascii.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(ascii, "\\u{unit:04x}");
            }
        }
    }
    let slashed = plain.replace('/', "\\/");
    let both = ascii.replace('/', "\\/");
    vec![plain, ascii, slashed, both]
}

/// `value` inside a JSON string, as `serde_json` writes it (without the quotes).
pub fn json_escaped(value: &str) -> String {
    let quoted = Value::String(value.to_owned()).to_string();
    match quoted.strip_prefix('"').and_then(|q| q.strip_suffix('"')) {
        Some(inner) => inner.to_owned(),
        None => quoted,
    }
}
