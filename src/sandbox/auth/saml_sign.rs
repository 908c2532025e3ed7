//! XML signatures (enveloped, RSA-SHA256, exclusive canonicalization) on the SAML messages
//! the sandbox issues, made with the environment's signing key as PingOne makes them.
//!
//! The sandbox writes its SAML elements already in their exclusive-canonical form (namespace
//! declarations on the element that uses them first, attributes in canonical order, no
//! self-closing tags, canonical escaping), so the canonical octets of an element are its text
//! and the digest needs no XML library.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use crate::sandbox::state::SandboxState;

const DS: &str = "http://www.w3.org/2000/09/xmldsig#";

/// Signs `element` (canonical text whose root has `ID="{id}"`): inserts a `ds:Signature`
/// right after the root's first child element ending with `after` (its `Issuer`), as SAML
/// requires.
pub fn sign(state: &SandboxState, element: &str, id: &str, after: &str, cert_b64: &str) -> String {
    let digest = STANDARD.encode(Sha256::digest(element.as_bytes()));
    let signed_info = signed_info(id, &digest);
    let canonical = signed_info.replacen(
        "<ds:SignedInfo>",
        &format!("<ds:SignedInfo xmlns:ds=\"{DS}\">"),
        1,
    );
    let value = STANDARD.encode(state.auth.key.sign_rsa_sha256(canonical.as_bytes()));
    let signature = format!(
        concat!(
            r#"<ds:Signature xmlns:ds="{ds}">{si}<ds:SignatureValue>{value}</ds:SignatureValue>"#,
            r#"<ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate>"#,
            r#"</ds:X509Data></ds:KeyInfo></ds:Signature>"#
        ),
        ds = DS,
        si = signed_info,
        value = value,
        cert = cert_b64,
    );
    match element.find(after) {
        Some(at) => {
            let cut = at + after.len();
            format!("{}{signature}{}", &element[..cut], &element[cut..])
        }
        None => element.to_owned(),
    }
}

fn signed_info(id: &str, digest: &str) -> String {
    format!(
        concat!(
            r#"<ds:SignedInfo>"#,
            r#"<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"></ds:CanonicalizationMethod>"#,
            r#"<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"></ds:SignatureMethod>"#,
            r##"<ds:Reference URI="#{id}"><ds:Transforms>"##,
            r#"<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"></ds:Transform>"#,
            r#"<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"></ds:Transform>"#,
            r#"</ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"></ds:DigestMethod>"#,
            r#"<ds:DigestValue>{digest}</ds:DigestValue></ds:Reference></ds:SignedInfo>"#
        ),
        id = id,
        digest = digest,
    )
}

/// Canonical escaping of character data (C14N: `&`, `<`, `>`, CR).
pub fn text(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\r', "&#xD;")
}

/// Canonical escaping of an attribute value (C14N: `&`, `<`, `"`, TAB, LF, CR).
pub fn attr(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
        .replace('\t', "&#x9;")
        .replace('\n', "&#xA;")
        .replace('\r', "&#xD;")
}

/// Whether `element` (as received) carries a valid enveloped signature by the key whose
/// certificate is `cert_der`: the digest of the element without its signature, and the
/// signature of the canonical `SignedInfo`. Only messages in the canonical form this module
/// writes verify (the sandbox's own, from another of its environments).
pub fn verify(element: &str, cert_der: &[u8]) -> bool {
    let Some(start) = element.find("<ds:Signature") else {
        return false;
    };
    let Some(end) = element[start..]
        .find("</ds:Signature>")
        .map(|e| start + e + "</ds:Signature>".len())
    else {
        return false;
    };
    let signature = &element[start..end];
    let unsigned = format!("{}{}", &element[..start], &element[end..]);
    let between = |open: &str, close: &str| -> Option<&str> {
        let a = signature.find(open)? + open.len();
        let b = signature[a..].find(close)? + a;
        Some(&signature[a..b])
    };
    let (Some(digest), Some(value)) = (
        between("<ds:DigestValue>", "</ds:DigestValue>"),
        between("<ds:SignatureValue>", "</ds:SignatureValue>"),
    ) else {
        return false;
    };
    if STANDARD.encode(Sha256::digest(unsigned.as_bytes())) != digest {
        return false;
    }
    let Some(si_start) = signature.find("<ds:SignedInfo>") else {
        return false;
    };
    let Some(si_end) = signature[si_start..]
        .find("</ds:SignedInfo>")
        .map(|e| si_start + e + "</ds:SignedInfo>".len())
    else {
        return false;
    };
    let canonical = signature[si_start..si_end].replacen(
        "<ds:SignedInfo>",
        &format!("<ds:SignedInfo xmlns:ds=\"{DS}\">"),
        1,
    );
    let Ok(sig) = STANDARD.decode(value.split_whitespace().collect::<String>()) else {
        return false;
    };
    let Some(public) = spki_rsa_key(cert_der) else {
        return false;
    };
    ring::signature::UnparsedPublicKey::new(&ring::signature::RSA_PKCS1_2048_8192_SHA256, public)
        .verify(canonical.as_bytes(), &sig)
        .is_ok()
}

/// The `RSAPublicKey` inside a certificate's `subjectPublicKeyInfo`.
fn spki_rsa_key(cert: &[u8]) -> Option<&[u8]> {
    let (_, cert_body) = der_tlv(cert)?;
    let (_, tbs) = der_tlv(cert_body)?;
    let mut rest = tbs;
    // version [0] (optional), serial, signature, issuer, validity, subject, spki
    let mut fields = Vec::new();
    while !rest.is_empty() && fields.len() < 7 {
        let (tag, value, next) = der_next(rest)?;
        fields.push((tag, value));
        rest = next;
    }
    let offset = usize::from(fields.first()?.0 == 0xa0);
    let (_, spki) = *fields.get(5 + offset)?;
    let (_, _alg, after_alg) = der_next(spki)?;
    let (tag, bits, _) = der_next(after_alg)?;
    (tag == 0x03).then(|| bits.get(1..)).flatten()
}

fn der_tlv(data: &[u8]) -> Option<(u8, &[u8])> {
    der_next(data).map(|(t, v, _)| (t, v))
}

fn der_next(data: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *data.first()?;
    let first = *data.get(1)?;
    let (len, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        let mut len = 0usize;
        for b in data.get(2..2 + n)? {
            len = len.checked_mul(256)? + usize::from(*b);
        }
        (len, 2 + n)
    };
    let value = data.get(header..header + len)?;
    Some((tag, value, &data[header + len..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_signatures_do_not_verify() {
        for xml in [
            "<a></a>",
            "<a><ds:Signature></a>",
            "<a><ds:Signature></ds:SignedInfo><ds:SignedInfo></ds:Signature></a>",
            "<a><ds:Signature><ds:DigestValue>x</ds:DigestValue></ds:Signature></a>",
        ] {
            assert!(!verify(xml, &[0x30, 0x00]), "{xml}");
        }
        assert_eq!(attr("a\"<&\n"), "a&quot;&lt;&amp;&#xA;");
        assert_eq!(text("<a&b>"), "&lt;a&amp;b&gt;");
    }
}
