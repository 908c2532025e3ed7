//! Identifier first (`IDENTIFIER_FIRST` sign-on policy action): the identifier the user
//! typed names a user, or else the action's `discoveryRules` route it to an external identity
//! provider. PingOne evaluates the rules in order "when no user is associated with the user
//! identifier"; an identifier no rule matches goes on to the password prompt.

use serde_json::Value;

use crate::sandbox::auth::directory::user;
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::flow::Flow;

/// The placeholder a rule's `condition.value` uses for what the user typed.
const IDENTIFIER: &str = "${identifier}";

/// Records who `identifier` is: the user it names, or the identity provider of the first
/// discovery rule it matches. The flow engine then decides what to ask next.
pub fn identify(state: &SandboxState, flow: &mut Flow, identifier: &str) {
    let found = {
        let store = state.store();
        user::find_by_name(&store, &flow.env_id, identifier).cloned()
    };
    flow.identity_provider = None;
    if let Some(found) = found {
        super::subject::name_user(flow, &found);
        return;
    }
    flow.user_id = None;
    flow.amr.clear();
    flow.session_id = None;
    flow.username = Some(identifier.to_owned());
    let rules = flow
        .current_action()
        .and_then(|a| a.get("discoveryRules"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    flow.identity_provider = rules
        .iter()
        .find(|rule| matches(rule, identifier))
        .and_then(|rule| rule.pointer("/identityProvider/id"))
        .and_then(Value::as_str)
        .map(str::to_owned);
}

/// Whether `rule`'s condition (`{"value": "${identifier}", "contains": "..."}`) holds for
/// `identifier`. Only the identifier is known before a user is found, so a condition on any
/// other value does not match.
fn matches(rule: &Value, identifier: &str) -> bool {
    let condition = rule.get("condition");
    let value = condition
        .and_then(|c| c.get("value"))
        .and_then(Value::as_str);
    let contains = condition
        .and_then(|c| c.get("contains"))
        .and_then(Value::as_str);
    match (value, contains) {
        (Some(v), Some(needle)) if !needle.is_empty() => {
            v.replace(IDENTIFIER, identifier).contains(needle) && v.contains(IDENTIFIER)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rules_match_the_identifier_by_substring() {
        let rule = json!({"condition": {"value": "${identifier}", "contains": "@partner.example"},
            "identityProvider": {"id": "idp"}});
        assert!(matches(&rule, "ada@partner.example"));
        assert!(!matches(&rule, "ada@home.example"));
        let other =
            json!({"condition": {"value": "${user.email}", "contains": "@partner.example"}});
        assert!(
            !matches(&other, "ada@partner.example"),
            "only the identifier is known"
        );
        let empty = json!({"condition": {"value": "${identifier}", "contains": ""}});
        assert!(!matches(&empty, "anyone"));
    }
}
