//! RFC 6238 time-based one-time passwords for `TOTP` (authenticator app) devices: the
//! secret PingOne hands out at pairing, its `otpauth://` URI, and code verification.

use rand::RngExt;
use ring::hmac;

const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const STEP: i64 = 30;

/// A new random secret, Base32 (RFC 4648, no padding), 160 bits.
pub(crate) fn new_secret() -> String {
    let mut rng = rand::rng();
    let bytes: Vec<u8> = (0..20).map(|_| rng.random::<u8>()).collect();
    encode(&bytes)
}

fn encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

fn decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.trim_end_matches('=').bytes() {
        let v = BASE32.iter().position(|x| *x == c.to_ascii_uppercase())?;
        buffer = (buffer << 5) | u32::try_from(v).ok()?;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xff).ok()?);
        }
    }
    Some(out)
}

/// The 6-digit code of `secret` for the 30-second step containing `unix_secs`.
pub fn code_at(secret: &str, unix_secs: i64) -> Option<String> {
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, &decode(secret)?);
    let counter = unix_secs.div_euclid(STEP).to_be_bytes();
    let tag = hmac::sign(&key, &counter);
    let mac = tag.as_ref();
    let offset = usize::from(mac[mac.len() - 1] & 0x0f);
    let word = u32::from_be_bytes([
        mac[offset] & 0x7f,
        mac[offset + 1],
        mac[offset + 2],
        mac[offset + 3],
    ]);
    Some(format!("{:06}", word % 1_000_000))
}

/// Whether `code` matches `secret` at `unix_secs`, allowing one step of clock drift.
pub(crate) fn verify(secret: &str, code: &str, unix_secs: i64) -> bool {
    [-STEP, 0, STEP]
        .iter()
        .any(|d| code_at(secret, unix_secs + d).as_deref() == Some(code.trim()))
}

/// The `otpauth://` URI an authenticator app scans.
pub(crate) fn key_uri(secret: &str, account: &str) -> String {
    let label: String = url::form_urlencoded::byte_serialize(account.as_bytes()).collect();
    format!(
        "otpauth://totp/PingOne:{label}?secret={secret}&issuer=PingOne&algorithm=SHA1&digits=6&period=30"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_rfc_6238_vectors() {
        // RFC 6238 appendix B, SHA-1 key "12345678901234567890" (8-digit codes end in these 6).
        let secret = encode(b"12345678901234567890");
        assert_eq!(code_at(&secret, 59).unwrap(), "287082");
        assert_eq!(code_at(&secret, 1_111_111_109).unwrap(), "081804");
        assert_eq!(decode(&secret).unwrap(), b"12345678901234567890");
        assert!(verify(&secret, "287082", 59 + 30));
        assert!(!verify(&secret, "287082", 59 + 90));
    }
}
