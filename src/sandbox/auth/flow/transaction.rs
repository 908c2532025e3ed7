//! Transaction approval: when the authorize request's object carried `pi.template`
//! (`{name, variant, variables}`), the MFA passcode goes out in that notification template's
//! content for the device's delivery method, as PingOne sends it: the content of the named
//! variant (else the default one), in English (else any locale), with its `${variables}` filled
//! from the request and `${OTP}` (or `${otp}`) with the passcode.

use serde_json::Value;

use crate::sandbox::store::Store;

/// The delivery method a device's messages use (`deliveryMethod` of template contents).
fn delivery_method(channel: &str) -> &'static str {
    match channel {
        "SMS" => "SMS",
        "VOICE" => "Voice",
        _ => "Email",
    }
}

/// The message text for `otp` under `template`, or `None` when the template has no content
/// for the channel (the usual passcode message is sent then).
pub fn message(
    store: &Store,
    env: &str,
    template: &Value,
    channel: &str,
    otp: &str,
) -> Option<String> {
    let name = template.get("name").and_then(Value::as_str)?;
    let variant = template.get("variant").and_then(Value::as_str);
    let method = delivery_method(channel);
    let scope = format!("{env}/{name}");
    let candidates: Vec<&Value> = store
        .list(&scope, "contents")
        .filter(|c| c.get("deliveryMethod").and_then(Value::as_str) == Some(method))
        .collect();
    let named: Vec<&Value> = match variant {
        Some(v) => candidates
            .iter()
            .copied()
            .filter(|c| c.get("variant").and_then(Value::as_str) == Some(v))
            .collect(),
        None => Vec::new(),
    };
    let chosen = english_first(&named).or_else(|| english_first(&candidates))?;
    let field = if method == "Email" { "body" } else { "content" };
    let text = chosen.get(field).and_then(Value::as_str)?;
    Some(fill(text, template.get("variables"), otp))
}

/// The English content of `list`, else its first.
fn english_first<'a>(list: &[&'a Value]) -> Option<&'a Value> {
    list.iter()
        .find(|c| c.get("locale").and_then(Value::as_str) == Some("en"))
        .or_else(|| list.first())
        .copied()
}

/// Replaces `${name}` with the request's variables and `${OTP}`/`${otp}` with the passcode;
/// unknown variables stay as they are.
fn fill(text: &str, variables: Option<&Value>, otp: &str) -> String {
    let mut out = text.replace("${OTP}", otp).replace("${otp}", otp);
    if let Some(vars) = variables.and_then(Value::as_object) {
        for (name, value) in vars {
            let shown = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            out = out.replace(&format!("${{{name}}}"), &shown);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fills_variables_and_the_passcode() {
        let vars = json!({"sum": "1,000,000", "currency": "USD", "recipient": "Charlie Parker"});
        let text = fill(
            "Approve this transfer of ${sum} ${currency} to ${recipient}, by entering this OTP: ${OTP}",
            Some(&vars),
            "123456",
        );
        assert_eq!(
            text,
            "Approve this transfer of 1,000,000 USD to Charlie Parker, by entering this OTP: 123456"
        );
        assert_eq!(fill("${unknown} ${otp}", None, "9"), "${unknown} 9");
    }
}
