//! Reads a SAML 2.0 Response as a workflow sees one (README, Reading SAML): an HTML page with a
//! `SAMLResponse` form field (HTTP-POST binding), the Base64 value itself, a deflated Base64
//! value (HTTP-Redirect binding), or the XML, decoded into one flat JSON object that
//! `saml = "$.path"` extractions and `[steps.expect.saml]` read with JSONPath.
//!
//! Nothing is verified: `signed` and `assertionSigned` say whether a `ds:Signature` is there,
//! not whether it is valid. Elements are matched by namespace, whatever their prefix.

use base64::Engine as _;
use roxmltree::{Document, Node};
use serde_json::{Map, Value, json};

const PROTOCOL: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
const ASSERTION: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
const DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";

/// The most XML an inflated value may grow to: a deflate bomb stops here.
const MAX_XML: usize = 4 << 20;

/// `text` decoded and read: the flat object of the README, or why it is not a SAML Response.
pub fn read(text: &str) -> Result<Value, String> {
    let xml = decode(text)?;
    parse(&xml)
}

/// The XML of the Response `text` carries, in any of the forms above.
pub fn decode(text: &str) -> Result<String, String> {
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if trimmed.is_empty() {
        return Err("the value is empty, not a SAML response".to_owned());
    }
    if trimmed.starts_with('<') {
        if is_response_xml(trimmed) {
            return Ok(trimmed.to_owned());
        }
        return match form_field(trimmed) {
            Some(value) => from_base64(&value),
            None => Err(
                "the page has no `SAMLResponse` form field and is not a SAML Response".to_owned(),
            ),
        };
    }
    from_base64(trimmed)
}

/// Whether `text` is XML whose root element is a SAML Response (or a bare Assertion).
fn is_response_xml(text: &str) -> bool {
    Document::parse(text).is_ok_and(|doc| {
        let root = doc.root_element();
        is(root, PROTOCOL, "Response") || is(root, ASSERTION, "Assertion")
    })
}

/// The value of the first `<input name="SAMLResponse">` of an HTML page, its character
/// references decoded by an HTML tokenizer (a page escapes `+` or `=` as it likes).
fn form_field(html: &str) -> Option<String> {
    for token in html5gum::Tokenizer::new(html) {
        let Ok(html5gum::Token::StartTag(tag)) = token else {
            continue;
        };
        if !tag.name.0.eq_ignore_ascii_case(b"input") {
            continue;
        }
        let attr = |name: &[u8]| {
            tag.attributes
                .iter()
                .find(|(k, _)| k.0.eq_ignore_ascii_case(name))
                .map(|(_, v)| String::from_utf8_lossy(&v.value.0).into_owned())
        };
        if attr(b"name").as_deref() == Some("SAMLResponse") {
            return Some(attr(b"value").unwrap_or_default());
        }
    }
    None
}

/// A Base64 value (percent-encoded as in a query string, or wrapped on lines): XML, or XML
/// deflated as the HTTP-Redirect binding sends it.
fn from_base64(value: &str) -> Result<String, String> {
    let unescaped = if value.contains('%') {
        percent_encoding::percent_decode_str(value)
            .decode_utf8_lossy()
            .into_owned()
    } else {
        value.to_owned()
    };
    let compact: String = unescaped.chars().filter(|c| !c.is_whitespace()).collect();
    // Padding is optional in practice; the URL-safe alphabet shows up in hand-made values.
    let unpadded = compact.trim_end_matches('=');
    let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(unpadded)
        .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(unpadded))
        .map_err(|_| {
            "the value is not Base64, an HTML form or XML: not a SAML response".to_owned()
        })?;
    if bytes.trim_ascii_start().starts_with(b"<") {
        return String::from_utf8(bytes)
            .map_err(|_| "the decoded SAML response is not UTF-8 text".to_owned());
    }
    let inflated =
        miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, MAX_XML).map_err(|_| {
            "the Base64 value holds neither XML nor deflated XML: not a SAML response".to_owned()
        })?;
    String::from_utf8(inflated)
        .map_err(|_| "the inflated SAML response is not UTF-8 text".to_owned())
}

/// The flat object of one Response's XML.
pub fn parse(xml: &str) -> Result<Value, String> {
    let doc = Document::parse(xml).map_err(|e| format!("the SAML response is not XML: {e}"))?;
    let root = doc.root_element();
    let (response, assertion) = response_and_assertion(root)?;
    let issuer = response
        .and_then(|r| child(r, ASSERTION, "Issuer"))
        .or_else(|| assertion.and_then(|a| child(a, ASSERTION, "Issuer")));
    let status = response
        .and_then(|r| child(r, PROTOCOL, "Status"))
        .and_then(|s| child(s, PROTOCOL, "StatusCode"))
        .and_then(|c| c.attribute("Value"));
    let at = |path: &[&'static str]| assertion.and_then(|a| descend(a, path));
    let name_id = at(&["Subject", "NameID"]);
    let confirmation = at(&["Subject", "SubjectConfirmation", "SubjectConfirmationData"]);
    let conditions = at(&["Conditions"]);
    let authn = at(&["AuthnStatement"]);
    let audiences = audiences(conditions);
    let attributes = attributes(assertion);
    let attr = |node: Option<Node<'_, '_>>, name: &str| {
        node.and_then(|n| n.attribute(name))
            .map_or(Value::Null, |v| Value::String(v.to_owned()))
    };
    Ok(json!({
        "issuer": issuer.map_or(Value::Null, |i| Value::String(text(i))),
        "destination": attr(response, "Destination"),
        "inResponseTo": attr(response, "InResponseTo"),
        "status": status.map_or(Value::Null, |s| Value::String(s.to_owned())),
        "signed": response.is_some_and(|r| child(r, DSIG, "Signature").is_some()),
        "assertionSigned": assertion.is_some_and(|a| child(a, DSIG, "Signature").is_some()),
        "nameId": name_id.map_or(Value::Null, |n| Value::String(text(n))),
        "nameIdFormat": attr(name_id, "Format"),
        "audience": audiences.first().cloned().unwrap_or(Value::Null),
        "audiences": audiences,
        "recipient": attr(confirmation, "Recipient"),
        "notBefore": attr(conditions, "NotBefore"),
        "notOnOrAfter": attr(conditions, "NotOnOrAfter"),
        "sessionIndex": attr(authn, "SessionIndex"),
        "authnContext": authn
            .and_then(|a| descend(a, &["AuthnContext", "AuthnContextClassRef"]))
            .map_or(Value::Null, |c| Value::String(text(c))),
        "attributes": attributes,
    }))
}

/// The Response and its first Assertion, or the bare Assertion that is the document's root.
fn response_and_assertion<'a, 'i>(
    root: Node<'a, 'i>,
) -> Result<(Option<Node<'a, 'i>>, Option<Node<'a, 'i>>), String> {
    if is(root, PROTOCOL, "Response") {
        Ok((Some(root), child(root, ASSERTION, "Assertion")))
    } else if is(root, ASSERTION, "Assertion") {
        Ok((None, Some(root)))
    } else {
        Err(format!(
            "the XML is not a SAML Response: its root element is `{}`",
            root.tag_name().name()
        ))
    }
}

/// Every `Audience` of the conditions' audience restrictions, in document order.
fn audiences(conditions: Option<Node<'_, '_>>) -> Vec<Value> {
    conditions
        .into_iter()
        .flat_map(|c| children(c, ASSERTION, "AudienceRestriction"))
        .flat_map(|r| children(r, ASSERTION, "Audience"))
        .map(|a| Value::String(text(a)))
        .collect()
}

/// The assertion's attributes by name, each a list of its values; an attribute named twice
/// (in two statements) gathers the values of both.
fn attributes(assertion: Option<Node<'_, '_>>) -> Map<String, Value> {
    let mut attributes = Map::new();
    for statement in assertion
        .into_iter()
        .flat_map(|a| children(a, ASSERTION, "AttributeStatement"))
    {
        for attribute in children(statement, ASSERTION, "Attribute") {
            let name = attribute.attribute("Name").unwrap_or_default().to_owned();
            let values =
                children(attribute, ASSERTION, "AttributeValue").map(|v| Value::String(text(v)));
            if let Value::Array(list) = attributes
                .entry(name)
                .or_insert_with(|| Value::Array(Vec::new()))
            {
                list.extend(values);
            }
        }
    }
    attributes
}

fn is(node: Node<'_, '_>, namespace: &str, name: &str) -> bool {
    node.is_element()
        && node.tag_name().name() == name
        && node.tag_name().namespace() == Some(namespace)
}

fn children<'a, 'i>(
    node: Node<'a, 'i>,
    namespace: &'static str,
    name: &'static str,
) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(move |c| is(*c, namespace, name))
}

fn child<'a, 'i>(
    node: Node<'a, 'i>,
    namespace: &'static str,
    name: &'static str,
) -> Option<Node<'a, 'i>> {
    children(node, namespace, name).next()
}

/// The first element down `path` (assertion namespace), child by child.
fn descend<'a, 'i>(node: Node<'a, 'i>, path: &[&'static str]) -> Option<Node<'a, 'i>> {
    path.iter()
        .try_fold(node, |n, name| child(n, ASSERTION, name))
}

/// An element's text, its descendants' included, trimmed.
fn text(node: Node<'_, '_>) -> String {
    node.descendants()
        .filter(Node::is_text)
        .filter_map(|n| n.text())
        .collect::<String>()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests;
