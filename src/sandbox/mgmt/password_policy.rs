//! Password policies (`/environments/{envID}/passwordPolicies`) and the check a new
//! password must pass: length, character classes, repeats, unique characters, commonly
//! used passwords, profile data and history, as the population's (or the default) policy says.

use serde_json::{Map, Value, json};

use super::error::{ApiError, ApiResult, Detail};
use super::policy_limits;
use super::spec::{Ctx, Hooks, Kind, Ops, Scope, Spec};
use crate::sandbox::store::Store;

const COMMON: &[&str] = &[
    "password",
    "password1",
    "password123",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword1",
    "123456",
    "12345678",
    "123456789",
    "1234567890",
    "qwerty",
    "qwerty123",
    "letmein",
    "welcome",
    "welcome1",
    "admin",
    "admin123",
    "iloveyou",
    "monkey",
    "abc123",
    "football",
    "dragon",
    "changeme",
    "secret",
    "trustno1",
    "sunshine",
    "princess",
    "11111111",
    "00000000",
];

/// The policy that applies to a user: their population's, else the environment default.
pub fn policy_for<'a>(store: &'a Store, env_id: &str, user: &Value) -> Option<&'a Value> {
    let population = user["population"]["id"].as_str().unwrap_or_default();
    let from_population = store
        .get(env_id, "populations", population)
        .and_then(|p| p["passwordPolicy"]["id"].as_str())
        .and_then(|id| store.get(env_id, "passwordPolicies", id));
    from_population.or_else(|| {
        store
            .list(env_id, "passwordPolicies")
            .find(|p| p["default"] == true)
    })
}

/// Every rule of `policy` that `password` breaks (empty when it passes).
pub fn violations(policy: &Value, password: &str, user: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let len = password.chars().count();
    let min = policy["length"]["min"].as_u64().unwrap_or(0);
    let max = policy["length"]["max"].as_u64().unwrap_or(255);
    if (len as u64) < min || (len as u64) > max {
        out.push(format!(
            "The password must be between {min} and {max} characters long"
        ));
    }
    if let Some(classes) = policy["minCharacters"].as_object() {
        for (set, need) in classes {
            let need = need.as_u64().unwrap_or(0);
            let have = password.chars().filter(|c| set.contains(*c)).count() as u64;
            if have < need {
                out.push(format!(
                    "The password must contain at least {need} of '{set}'"
                ));
            }
        }
    }
    if let Some(max_repeat) = policy["maxRepeatedCharacters"].as_u64()
        && longest_run(password) as u64 > max_repeat
    {
        out.push(format!(
            "No character may repeat more than {max_repeat} times in a row"
        ));
    }
    if let Some(unique) = policy["minUniqueCharacters"].as_u64() {
        let mut chars: Vec<char> = password.chars().collect();
        chars.sort_unstable();
        chars.dedup();
        if (chars.len() as u64) < unique {
            out.push(format!(
                "The password must contain at least {unique} unique characters"
            ));
        }
    }
    if policy["excludesCommonlyUsed"] == true && COMMON.contains(&password.to_lowercase().as_str())
    {
        out.push("The password is too commonly used".to_owned());
    }
    if policy["excludesProfileData"] == true && contains_profile_data(password, user) {
        out.push("The password must not contain profile data".to_owned());
    }
    out
}

fn longest_run(text: &str) -> usize {
    let mut best = 0;
    let mut run = 0;
    let mut last = None;
    for c in text.chars() {
        run = if Some(c) == last { run + 1 } else { 1 };
        last = Some(c);
        best = best.max(run);
    }
    best
}

fn contains_profile_data(password: &str, user: &Value) -> bool {
    let lower = password.to_lowercase();
    let email_local = user["email"].as_str().and_then(|e| e.split('@').next());
    [
        user["username"].as_str(),
        email_local,
        user["name"]["given"].as_str(),
        user["name"]["family"].as_str(),
    ]
    .into_iter()
    .flatten()
    .filter(|v| v.chars().count() >= 4)
    .any(|v| lower.contains(&v.to_lowercase()))
}

/// The 400 PingOne returns for a password its policy refuses.
pub fn policy_error(errors: &[String]) -> ApiError {
    ApiError::invalid(vec![
        Detail::new(
            "INVALID_VALUE",
            "password",
            "User password did not satisfy password policy requirements",
        )
        .with_inner(json!({ "errors": errors })),
    ])
}

struct PolicyHooks;

impl Hooks for PolicyHooks {
    fn prepare(
        &self,
        _ctx: &Ctx,
        _store: &Store,
        doc: &mut Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        policy_limits::keep_known(doc);
        doc.entry("default").or_insert(json!(false));
        policy_limits::check(policy_limits::set_counts(doc))
    }
    fn validate(
        &self,
        _ctx: &Ctx,
        _store: &Store,
        doc: &Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        policy_limits::check(policy_limits::ranges(doc))
    }
    fn stored(&self, ctx: &Ctx, store: &mut Store, doc: &Value, _created: bool) {
        if doc["default"] != true {
            return;
        }
        let others: Vec<String> = store
            .list(ctx.env(), "passwordPolicies")
            .filter(|p| p["id"] != doc["id"] && p["default"] == true)
            .filter_map(|p| p["id"].as_str().map(str::to_owned))
            .collect();
        for id in others {
            if let Some(p) = store.get_mut(ctx.env(), "passwordPolicies", &id) {
                p["default"] = json!(false);
            }
        }
    }
    fn deleting(&self, ctx: &Ctx, store: &mut Store, doc: &Value) -> ApiResult<()> {
        if doc["default"] == true {
            return Err(ApiError::request_failed(
                "The default password policy cannot be deleted",
            ));
        }
        let used = store
            .list(ctx.env(), "populations")
            .any(|p| p["passwordPolicy"]["id"] == doc["id"]);
        if used {
            return Err(ApiError::request_failed(
                "The password policy is assigned to a population and cannot be deleted",
            ));
        }
        Ok(())
    }
    fn present(&self, ctx: &Ctx, store: &Store, doc: &mut Value) {
        let count = store
            .list(ctx.env(), "populations")
            .filter(|p| p["passwordPolicy"]["id"] == doc["id"])
            .count();
        doc["populationCount"] = json!(count);
    }
}

static HOOKS: PolicyHooks = PolicyHooks;

pub static PASSWORD_POLICIES: Spec = Spec {
    name: "passwordPolicies",
    path: "/environments/{envID}/passwordPolicies",
    id_param: "passwordPolicyID",
    scope: Scope::Env,
    required: &[
        "name",
        "excludesCommonlyUsed",
        "excludesProfileData",
        "notSimilarToCurrent",
    ],
    enums: &[],
    kinds: &[
        ("name", Kind::Str),
        ("default", Kind::Bool),
        ("excludesCommonlyUsed", Kind::Bool),
        ("excludesProfileData", Kind::Bool),
        ("notSimilarToCurrent", Kind::Bool),
        ("length", Kind::Object),
        ("history", Kind::Object),
        ("lockout", Kind::Object),
        ("minCharacters", Kind::Object),
        ("maxAgeDays", Kind::Int),
        ("minAgeDays", Kind::Int),
        ("maxRepeatedCharacters", Kind::Int),
        ("minUniqueCharacters", Kind::Int),
        ("minComplexity", Kind::Int),
    ],
    unique: &["name"],
    read_only: &["populationCount"],
    owner: None,
    env_ref: true,
    timestamps: true,
    ops: Ops::ALL,
    hooks: &HOOKS,
};

#[cfg(test)]
mod tests {
    use super::*;

    fn standard() -> Value {
        json!({
            "length": {"min": 8, "max": 255}, "maxRepeatedCharacters": 2, "minUniqueCharacters": 5,
            "excludesCommonlyUsed": true, "excludesProfileData": true,
            "minCharacters": {"ABCDEFGHIJKLMNOPQRSTUVWXYZ": 1, "abcdefghijklmnopqrstuvwxyz": 1,
                "0123456789": 1, "~!@#$%^&*()-_=+[]{}|;:,.<>/?": 1},
        })
    }

    #[test]
    fn standard_policy_accepts_tutorial_passwords() {
        let user = json!({"username": "sharedTestUser", "email": "someone@example.com"});
        assert!(violations(&standard(), "2FederateM0re!", &user).is_empty());
    }

    #[test]
    fn standard_policy_lists_each_failure() {
        let user = json!({"username": "alice"});
        assert_eq!(violations(&standard(), "short", &user).len(), 4);
        assert!(
            !violations(&standard(), "Aaaa1!bcd", &user).is_empty(),
            "repeats"
        );
        assert!(
            !violations(&standard(), "Xalice1!z", &user).is_empty(),
            "profile data"
        );
        let basic = json!({"length": {"min": 8}, "excludesCommonlyUsed": true});
        assert!(!violations(&basic, "password", &user).is_empty(), "common");
        assert!(violations(&basic, "longenough", &user).is_empty());
    }
}
