//! Agreements with their languages and revisions
//! (`/agreements/{agreementID}/languages/{languageID}/revisions`). A language's
//! `currentRevision` is its latest revision already in effect; a language can be enabled
//! only once it has one, and an agreement only once one of its languages is enabled.
//! Users' consents (`/users/{userID}/agreementConsents`, store scope = user id, id =
//! agreement id) are recorded by the auth host's `user.consent` flow action.

use serde_json::{Map, Value, json};

use super::error::{ApiError, ApiResult};
use super::hal;
use super::spec::{Ctx, Hooks, Kind, Ops, Plain, Scope, Spec};
use super::validate::text;
use crate::sandbox::store::Store;

/// The revision of an agreement language in effect now (latest `effectiveAt` not in the future).
pub fn current_revision<'a>(store: &'a Store, language_id: &str) -> Option<&'a Value> {
    let now = hal::now();
    store
        .list(language_id, "revisions")
        .filter(|r| r["effectiveAt"].as_str().is_some_and(|e| e <= now.as_str()))
        .max_by(|a, b| {
            let key = |r: &Value| r["effectiveAt"].as_str().unwrap_or_default().to_owned();
            key(a).cmp(&key(b))
        })
}

/// The enabled language of an agreement for `locale` (or its first enabled language).
pub fn language_for<'a>(store: &'a Store, agreement_id: &str, locale: &str) -> Option<&'a Value> {
    let enabled = || {
        store
            .list(agreement_id, "languages")
            .filter(|l| l["enabled"] == true)
    };
    enabled()
        .find(|l| {
            l["locale"]
                .as_str()
                .is_some_and(|x| x.eq_ignore_ascii_case(locale))
        })
        .or_else(|| enabled().next())
}

/// Records that a user accepted an agreement revision (what the auth host's `user.consent`
/// action stores): `{id: agreementId, agreement, language {id, locale}, revision, user,
/// environment, status: "ACCEPTED", consentedAt}` in `agreementConsents` (scope = user id).
pub fn record_consent(
    store: &mut Store,
    env_id: &str,
    user_id: &str,
    agreement_id: &str,
    language: &Value,
    revision_id: &str,
) {
    store.put(
        user_id,
        "agreementConsents",
        json!({
            "id": agreement_id,
            "environment": hal::id_ref(env_id),
            "user": hal::id_ref(user_id),
            "agreement": hal::id_ref(agreement_id),
            "language": { "id": language["id"], "locale": language["locale"] },
            "revision": hal::id_ref(revision_id),
            "status": "ACCEPTED",
            "consentedAt": hal::now(),
        }),
    );
}

/// Whether the user accepted the agreement's revision currently in effect for `locale`.
pub fn has_current_consent(store: &Store, user_id: &str, agreement_id: &str, locale: &str) -> bool {
    let Some(language) = language_for(store, agreement_id, locale) else {
        return false;
    };
    let Some(current) = current_revision(store, language["id"].as_str().unwrap_or_default()) else {
        return false;
    };
    store
        .get(user_id, "agreementConsents", agreement_id)
        .is_some_and(|c| {
            c["revision"]["id"] == current["id"] || current["requireReconsent"] == false
        })
}

struct AgreementHooks;

impl Hooks for AgreementHooks {
    fn prepare(
        &self,
        _ctx: &Ctx,
        _store: &Store,
        doc: &mut Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        doc.entry("enabled").or_insert(json!(false));
        Ok(())
    }
    fn validate(
        &self,
        _ctx: &Ctx,
        store: &Store,
        doc: &Map<String, Value>,
        existing: Option<&Value>,
    ) -> ApiResult<()> {
        let enabling = doc.get("enabled") == Some(&json!(true));
        let id = existing.and_then(|e| e["id"].as_str()).unwrap_or_default();
        let ready = store.list(id, "languages").any(|l| {
            l["enabled"] == true
                && current_revision(store, l["id"].as_str().unwrap_or_default()).is_some()
        });
        if enabling && !ready {
            return Err(ApiError::invalid_value(
                "INVALID_VALUE",
                "enabled",
                "An agreement can be enabled only when one of its languages is enabled and has an effective revision",
            ));
        }
        Ok(())
    }
    fn present(&self, ctx: &Ctx, store: &Store, doc: &mut Value) {
        let id = doc["id"].clone();
        let consents = store
            .list(ctx.env(), "users")
            .filter(|u| {
                let user = u["id"].as_str().unwrap_or_default();
                store
                    .list(user, "agreementConsents")
                    .any(|c| c["agreement"]["id"] == id)
            })
            .count();
        doc["totalConsents"] = json!(consents);
        doc["totalExpiredConsents"] = json!(0);
    }
    fn links(&self, ctx: &Ctx, doc: &Value) -> Vec<(&'static str, String)> {
        let me = ctx.item_href(doc["id"].as_str().unwrap_or_default());
        vec![("languages", format!("{me}/languages"))]
    }
}

struct LanguageHooks;

impl Hooks for LanguageHooks {
    fn prepare(
        &self,
        _ctx: &Ctx,
        _store: &Store,
        doc: &mut Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        doc.entry("enabled").or_insert(json!(false));
        let locale = text(doc, "locale").unwrap_or_default().to_owned();
        doc.entry("displayName").or_insert(json!(locale));
        Ok(())
    }
    fn validate(
        &self,
        _ctx: &Ctx,
        store: &Store,
        doc: &Map<String, Value>,
        existing: Option<&Value>,
    ) -> ApiResult<()> {
        let id = existing.and_then(|e| e["id"].as_str()).unwrap_or_default();
        if doc.get("enabled") == Some(&json!(true)) && current_revision(store, id).is_none() {
            return Err(ApiError::invalid_value(
                "INVALID_VALUE",
                "enabled",
                "An agreement language can be enabled only once it has an effective revision",
            ));
        }
        Ok(())
    }
    fn present(&self, _ctx: &Ctx, store: &Store, doc: &mut Value) {
        let id = doc["id"].as_str().unwrap_or_default();
        if let Some(rev) = current_revision(store, id) {
            doc["currentRevision"] = json!({ "id": rev["id"] });
        }
    }
    fn links(&self, ctx: &Ctx, doc: &Value) -> Vec<(&'static str, String)> {
        let me = ctx.item_href(doc["id"].as_str().unwrap_or_default());
        vec![("revisions", format!("{me}/revisions"))]
    }
}

struct RevisionHooks;

impl Hooks for RevisionHooks {
    fn prepare(
        &self,
        ctx: &Ctx,
        _store: &Store,
        doc: &mut Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        doc.insert("agreement".into(), hal::id_ref(ctx.param("agreementID")));
        let normalized = text(doc, "effectiveAt")
            .and_then(|at| at.parse::<jiff::Timestamp>().ok())
            .map(|ts| ts.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string());
        if let Some(at) = normalized {
            doc.insert("effectiveAt".into(), json!(at));
        }
        Ok(())
    }
    fn validate(
        &self,
        _ctx: &Ctx,
        _store: &Store,
        doc: &Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        let at = text(doc, "effectiveAt").unwrap_or_default();
        if at.parse::<jiff::Timestamp>().is_err() {
            return Err(ApiError::invalid_value(
                "INVALID_VALUE",
                "effectiveAt",
                "effectiveAt must be an ISO-8601 timestamp",
            ));
        }
        Ok(())
    }
    fn deleting(&self, ctx: &Ctx, store: &mut Store, doc: &Value) -> ApiResult<()> {
        let current = current_revision(store, &ctx.scope).map(|r| r["id"].clone());
        if current.as_ref() == Some(&doc["id"]) {
            return Err(ApiError::request_failed(
                "The effective revision cannot be deleted",
            ));
        }
        Ok(())
    }
    fn present(&self, ctx: &Ctx, store: &Store, doc: &mut Value) {
        let at = doc["effectiveAt"].as_str().unwrap_or_default().to_owned();
        let next = store
            .list(&ctx.scope, "revisions")
            .filter_map(|r| r["effectiveAt"].as_str())
            .filter(|e| *e > at.as_str())
            .min()
            .map(str::to_owned);
        if let Some(next) = next {
            doc["notValidAfter"] = json!(next);
        }
    }
}

pub static AGREEMENTS: Spec = Spec {
    name: "agreements",
    path: "/environments/{envID}/agreements",
    id_param: "agreementID",
    scope: Scope::Env,
    required: &["name"],
    enums: &[],
    kinds: &[
        ("name", Kind::Str),
        ("enabled", Kind::Bool),
        ("reconsentPeriodDays", Kind::Int),
    ],
    unique: &["name"],
    read_only: &[
        "totalConsents",
        "totalExpiredConsents",
        "consentsAggregatedAt",
    ],
    owner: None,
    env_ref: true,
    timestamps: true,
    ops: Ops::ALL,
    hooks: &AgreementHooks,
};

pub static AGREEMENT_LANGUAGES: Spec = Spec {
    name: "languages",
    path: "/environments/{envID}/agreements/{agreementID}/languages",
    id_param: "languageID",
    scope: Scope::Parents(&[("agreementID", "agreements")]),
    required: &["locale"],
    kinds: &[
        ("locale", Kind::Str),
        ("displayName", Kind::Str),
        ("enabled", Kind::Bool),
        ("userExperience", Kind::Object),
    ],
    unique: &["locale"],
    read_only: &["currentRevision"],
    owner: Some("agreement"),
    timestamps: false,
    hooks: &LanguageHooks,
    ..AGREEMENTS
};

pub static REVISIONS: Spec = Spec {
    name: "revisions",
    path: "/environments/{envID}/agreements/{agreementID}/languages/{languageID}/revisions",
    id_param: "revisionID",
    scope: Scope::Parents(&[("agreementID", "agreements"), ("languageID", "languages")]),
    required: &["contentType", "effectiveAt", "requireReconsent", "text"],
    enums: &[("contentType", &["text/html", "text/plain"])],
    kinds: &[
        ("text", Kind::Str),
        ("requireReconsent", Kind::Bool),
        ("effectiveAt", Kind::Str),
    ],
    unique: &[],
    read_only: &["notValidAfter", "agreement"],
    owner: Some("language"),
    timestamps: false,
    ops: Ops::NO_UPDATE,
    hooks: &RevisionHooks,
    ..AGREEMENTS
};

pub static CONSENTS: Spec = Spec {
    name: "agreementConsents",
    path: "/environments/{envID}/users/{userID}/agreementConsents",
    id_param: "agreementID",
    scope: Scope::Parents(&[("userID", "users")]),
    required: &[],
    enums: &[],
    kinds: &[],
    unique: &[],
    read_only: &[],
    owner: Some("user"),
    timestamps: false,
    ops: Ops::READ_ONLY,
    hooks: &Plain,
    ..AGREEMENTS
};
