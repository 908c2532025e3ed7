//! Users (`/environments/{envID}/users`): PingOne's user document with its defaults,
//! unique usernames, an optional inline password, the import media type, `include=memberOfGroupNames`, and
//! `filter=memberOfGroups[id eq "..."]`.

use serde_json::{Map, Value, json};

use super::activities;
use super::codes::{self, Purpose};
use super::default_population::default_population;
use super::error::{ApiError, ApiResult};
use super::outbox::{self, Code, Message};
use super::passwords::{self, PASSWORDS};
use super::spec::{Ctx, Hooks, Kind, Ops, Scope, Spec};
use super::validate::text;
use crate::sandbox::store::Store;

/// Fields a `PUT` keeps from the stored user when the body leaves them out.
const KEPT_ON_REPLACE: &[&str] = &[
    "enabled",
    "mfaEnabled",
    "account",
    "identityProvider",
    "lifecycle",
    "population",
    "verifyStatus",
];

/// Removes a user and everything that belongs to them (password, codes, devices, ...).
pub fn remove_user(store: &mut Store, env_id: &str, user_id: &str) {
    store.remove(env_id, "users", user_id);
    store.remove(env_id, PASSWORDS, user_id);
    store.drop_tree(user_id);
}

/// Creates a user exactly as `POST /users` would (defaults, validation, inline password,
/// verification code when `lifecycle.status` is `VERIFICATION_REQUIRED`) and returns its
/// view. For the auth host's `user.register` flow action.
pub fn create_user(
    state: &std::sync::Arc<crate::sandbox::state::SandboxState>,
    env_id: &str,
    body: Map<String, Value>,
) -> ApiResult<Value> {
    let params = std::collections::HashMap::from([("envID".to_owned(), env_id.to_owned())]);
    let ctx = Ctx::resolve(
        std::sync::Arc::clone(state),
        &USERS,
        params,
        super::list::ListQuery::default(),
        None,
    )?;
    super::crud::create(&ctx, body)
}

/// Ids of the groups a user belongs to directly.
pub fn group_ids(store: &Store, user_id: &str) -> Vec<String> {
    store
        .list(user_id, "memberOfGroups")
        .filter_map(|m| m["id"].as_str().map(str::to_owned))
        .collect()
}

fn defaults(doc: &mut Map<String, Value>) {
    doc.entry("enabled").or_insert(json!(true));
    doc.entry("mfaEnabled").or_insert(json!(false));
    doc.entry("account")
        .or_insert(json!({ "canAuthenticate": true, "status": "OK" }));
    doc.insert("identityProvider".into(), json!({ "type": "PING_ONE" }));
    doc.entry("lifecycle")
        .or_insert(json!({ "status": "ACCOUNT_OK" }));
    doc.entry("verifyStatus").or_insert(json!("NOT_INITIATED"));
}

/// Records a management change to a user as an audit activity, with the calling
/// application as its actor.
fn audit(ctx: &Ctx, store: &mut Store, user_id: &str, action: &str, description: &str) {
    let base = ctx.state.base_url.clone();
    let resource = activities::user_ref(store, &base, ctx.env(), user_id);
    let client = ctx
        .caller
        .as_ref()
        .map(|c| (c.token.env_id.clone(), c.token.client_id.clone()));
    activities::record(
        store,
        &base,
        activities::Event {
            env_id: ctx.env(),
            action,
            description,
            user: None,
            client: client.as_ref().map(|(e, c)| (e.as_str(), c.as_str())),
            resources: vec![resource],
            success: true,
            result: description,
        },
    );
}

struct UserHooks;

impl Hooks for UserHooks {
    fn prepare(
        &self,
        ctx: &Ctx,
        store: &Store,
        doc: &mut Map<String, Value>,
        existing: Option<&Value>,
    ) -> ApiResult<()> {
        if let Some(old) = existing {
            doc.remove("password");
            for key in KEPT_ON_REPLACE {
                if !doc.contains_key(*key)
                    && let Some(v) = old.get(*key)
                {
                    doc.insert((*key).to_owned(), v.clone());
                }
            }
            return Ok(());
        }
        if text(doc, "population.id").is_none() {
            let population = default_population(store, ctx.env())
                .ok_or_else(|| ApiError::required("population.id"))?;
            doc.insert("population".into(), json!({ "id": population }));
        }
        defaults(doc);
        Ok(())
    }
    fn validate(
        &self,
        ctx: &Ctx,
        store: &Store,
        doc: &Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        let population = text(doc, "population.id").unwrap_or_default();
        if store.get(ctx.env(), "populations", population).is_none() {
            return Err(ApiError::invalid_value(
                "INVALID_VALUE",
                "population.id",
                "The population does not exist",
            ));
        }
        if text(doc, "email")
            .is_some_and(|e| !e.contains('@') || e.starts_with('@') || e.ends_with('@'))
        {
            return Err(ApiError::invalid_value(
                "INVALID_VALUE",
                "email",
                "email must be a well-formed email address",
            ));
        }
        if let Some(password) = doc.get("password") {
            let value = password
                .get("value")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let probe = Value::Object(doc.clone());
            passwords::check_new_password(store, ctx.env(), &probe, value)?;
        }
        Ok(())
    }
    fn stored(&self, ctx: &Ctx, store: &mut Store, doc: &Value, created: bool) {
        let id = doc["id"].as_str().unwrap_or_default().to_owned();
        if let Some(password) = doc.get("password") {
            let value = password["value"].as_str().unwrap_or_default().to_owned();
            let force = password["forceChange"] == true;
            if let Some(stored) = store.get_mut(ctx.env(), "users", &id)
                && let Some(map) = stored.as_object_mut()
            {
                map.remove("password");
            }
            // Checked in `validate`; a failure here cannot happen and would only leave no password.
            let _ = passwords::set_password(store, ctx.env(), &id, &value, force);
        }
        if created && doc["lifecycle"]["status"] == "VERIFICATION_REQUIRED" {
            send_verification_code(ctx, store, doc);
        }
        if created {
            audit(ctx, store, &id, "USER.CREATED", "User Created");
        }
    }
    fn deleting(&self, ctx: &Ctx, store: &mut Store, doc: &Value) -> ApiResult<()> {
        let id = doc["id"].as_str().unwrap_or_default();
        audit(ctx, store, id, "USER.DELETED", "User Deleted");
        store.remove(ctx.env(), PASSWORDS, id);
        Ok(())
    }
    fn present(&self, ctx: &Ctx, store: &Store, doc: &mut Value) {
        if let Some(map) = doc.as_object_mut() {
            map.remove("password");
        }
        let wants_names = ctx.query.includes("memberOfGroupNames");
        if wants_names || ctx.query.includes("memberOfGroupIDs") {
            let user = doc["id"].as_str().unwrap_or_default();
            let ids = group_ids(store, user);
            let names: Vec<Value> = ids
                .iter()
                .filter_map(|g| store.get(ctx.env(), "groups", g))
                .map(|g| g["name"].clone())
                .collect();
            doc["memberOfGroupIDs"] = json!(ids);
            if wants_names {
                doc["memberOfGroupNames"] = json!(names);
            }
        }
    }
    fn filter_view(&self, _ctx: &Ctx, store: &Store, doc: &mut Value) {
        let user = doc["id"].as_str().unwrap_or_default();
        let groups: Vec<Value> = group_ids(store, user)
            .iter()
            .map(|g| json!({ "id": g }))
            .collect();
        doc["memberOfGroups"] = Value::Array(groups);
    }
    fn links(&self, ctx: &Ctx, doc: &Value) -> Vec<(&'static str, String)> {
        let me = ctx.item_href(doc["id"].as_str().unwrap_or_default());
        let population = doc["population"]["id"].as_str().unwrap_or_default();
        let password = format!("{me}/password");
        vec![
            (
                "population",
                format!("{}/populations/{population}", ctx.env_href()),
            ),
            ("devices", format!("{me}/devices")),
            ("roleAssignments", format!("{me}/roleAssignments")),
            ("password", password.clone()),
            ("password.reset", password.clone()),
            ("password.set", password.clone()),
            ("password.check", password.clone()),
            ("password.recover", password),
            ("linkedAccounts", format!("{me}/linkedAccounts")),
            ("account.sendVerificationCode", me.clone()),
            ("memberOfGroups", format!("{me}/memberOfGroups")),
        ]
    }
    /// PingOne's *Create User (Import)* posts the same document typed
    /// `application/vnd.pingidentity.user.import+json`.
    fn create_actions(&self) -> &'static [&'static str] {
        &["user.import"]
    }
}

/// Issues a verification code and puts it in the outbox, addressed to the user's email.
pub fn send_verification_code(ctx: &Ctx, store: &mut Store, user: &Value) {
    let id = user["id"].as_str().unwrap_or_default();
    let code = codes::issue(store, ctx.env(), id, Purpose::Verification);
    let to = user["email"].as_str().unwrap_or_default();
    let text = format!("Your verification code is {code}");
    outbox::push(
        &ctx.state,
        &Message {
            env_id: ctx.env(),
            user_id: Some(id),
            device_id: None,
            to,
            channel: "EMAIL",
            purpose: "verification",
            subject: "Verify your email address",
            text: &text,
            code: Code::Code(&code),
        },
    );
}

static HOOKS: UserHooks = UserHooks;

pub static USERS: Spec = Spec {
    name: "users",
    path: "/environments/{envID}/users",
    id_param: "userID",
    scope: Scope::Env,
    required: &["username", "email"],
    enums: &[
        ("lifecycle.status", &["ACCOUNT_OK", "VERIFICATION_REQUIRED"]),
        ("account.status", &["LOCKED", "OK"]),
        // ID verification's status (PingOne Verify), not the email's: see `emailVerified`.
        ("verifyStatus", &["NOT_INITIATED", "ENABLED", "DISABLED"]),
    ],
    kinds: &[
        ("username", Kind::Str),
        ("email", Kind::Str),
        ("enabled", Kind::Bool),
        ("mfaEnabled", Kind::Bool),
        ("population", Kind::Object),
        ("name", Kind::Object),
        ("address", Kind::Object),
        ("password", Kind::Object),
        ("account", Kind::Object),
        ("lifecycle", Kind::Object),
    ],
    unique: &["username"],
    read_only: &[
        "lastSignOn",
        "memberOfGroupIDs",
        "memberOfGroupNames",
        "emailVerified",
        "identityProvider",
    ],
    owner: None,
    env_ref: true,
    timestamps: true,
    ops: Ops::ALL,
    hooks: &HOOKS,
};
