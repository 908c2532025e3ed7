//! X.509 certificates for the environments' signing keys: a key document (`/keys`) is
//! exported as a real self-signed certificate of the sandbox's RSA key, with the document's
//! subject, serial number and validity, so a service provider can verify the SAML assertions
//! the sandbox signs with it (and upload it elsewhere as PingOne's tutorials do).
//!
//! The DER is written here: a v3 certificate without extensions is six small structures, and
//! ring (already the sandbox's signer) cannot build certificates; a certificate crate would
//! bring its own ASN.1 and date stacks for these few lines.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use crate::sandbox::state::SandboxState;

const SHA256_WITH_RSA: &[u8] = &[
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00,
];
const RSA_ENCRYPTION: &[u8] = &[
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
];

/// The DER certificate for the key document `doc`.
pub fn der(state: &SandboxState, doc: &Value) -> Vec<u8> {
    let text = |k: &str| doc.get(k).and_then(Value::as_str).unwrap_or_default();
    let name = name(if text("subjectDN").is_empty() {
        "CN=Sandbox"
    } else {
        text("subjectDN")
    });
    let issuer = if text("issuerDN").is_empty() {
        name.clone()
    } else {
        self::name(text("issuerDN"))
    };
    let serial = doc.get("serialNumber").and_then(Value::as_u64).unwrap_or(1);
    let validity = tlv(
        0x30,
        &[time(text("startsAt")), time(text("expiresAt"))].concat(),
    );
    let spki = tlv(
        0x30,
        &[
            RSA_ENCRYPTION.to_vec(),
            bit_string(state.auth.key.public_der()),
        ]
        .concat(),
    );
    let tbs = tlv(
        0x30,
        &[
            vec![0xa0, 0x03, 0x02, 0x01, 0x02],
            integer(serial),
            SHA256_WITH_RSA.to_vec(),
            issuer,
            validity,
            name,
            spki,
        ]
        .concat(),
    );
    let signature = state.auth.key.sign_rsa_sha256(&tbs);
    tlv(
        0x30,
        &[tbs, SHA256_WITH_RSA.to_vec(), bit_string(&signature)].concat(),
    )
}

/// The certificate as PEM text.
pub fn pem(state: &SandboxState, doc: &Value) -> String {
    let body = base64(state, doc);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .filter_map(|c| std::str::from_utf8(c).ok())
        .collect();
    format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        lines.join("\n")
    )
}

/// The certificate's DER in Base64 on one line, as `ds:X509Certificate` and SAML metadata
/// carry it.
pub fn base64(state: &SandboxState, doc: &Value) -> String {
    STANDARD.encode(der(state, doc))
}

fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = value.len();
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap_or_default());
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | u8::try_from(bytes.len()).unwrap_or_default());
        out.extend(bytes);
    }
    out.extend_from_slice(value);
    out
}

fn integer(n: u64) -> Vec<u8> {
    let mut bytes: Vec<u8> = n
        .to_be_bytes()
        .into_iter()
        .skip_while(|b| *b == 0)
        .collect();
    if bytes.first().is_none_or(|b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    tlv(0x02, &bytes)
}

fn bit_string(bytes: &[u8]) -> Vec<u8> {
    tlv(0x03, &[&[0u8][..], bytes].concat())
}

/// `CN=..., O=..., C=US` as an X.501 name; unknown attribute types are dropped.
fn name(text: &str) -> Vec<u8> {
    let mut rdns = Vec::new();
    for part in text.split(',') {
        let Some((kind, value)) = part.split_once('=') else {
            continue;
        };
        let (oid, string_tag) = match kind.trim().to_ascii_uppercase().as_str() {
            "CN" => (3, 0x0c),
            "C" => (6, 0x13),
            "L" => (7, 0x0c),
            "ST" => (8, 0x0c),
            "O" => (10, 0x0c),
            "OU" => (11, 0x0c),
            _ => continue,
        };
        let attribute = tlv(
            0x30,
            &[
                tlv(0x06, &[0x55, 0x04, oid]),
                tlv(string_tag, value.trim().as_bytes()),
            ]
            .concat(),
        );
        rdns.extend(tlv(0x31, &attribute));
    }
    tlv(0x30, &rdns)
}

/// An ISO timestamp as `UTCTime` (before 2050) or `GeneralizedTime`; midnight today's
/// epoch if the field is missing.
fn time(iso: &str) -> Vec<u8> {
    let digits: String = iso.chars().filter(char::is_ascii_digit).take(14).collect();
    let digits = if digits.len() == 14 {
        digits
    } else {
        "20260101000000".to_owned()
    };
    let year: u32 = digits[..4].parse().unwrap_or(2026);
    if year < 2050 {
        tlv(0x17, format!("{}Z", &digits[2..]).as_bytes())
    } else {
        tlv(0x18, format!("{digits}Z").as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_lengths_and_integers() {
        assert_eq!(tlv(0x04, &[1, 2]), vec![0x04, 2, 1, 2]);
        let long = tlv(0x04, &[0; 300]);
        assert_eq!(&long[..4], &[0x04, 0x82, 0x01, 0x2c]);
        assert_eq!(integer(1), vec![0x02, 1, 1]);
        assert_eq!(integer(128), vec![0x02, 2, 0, 128]);
        assert_eq!(
            time("2026-01-02T03:04:05.000Z"),
            tlv(0x17, b"260102030405Z")
        );
        assert_eq!(time("2051-01-02T03:04:05Z"), tlv(0x18, b"20510102030405Z"));
    }
}
