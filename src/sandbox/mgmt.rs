//! The management API (`/v1`): PingOne's resources as HAL JSON, behind bearer tokens the
//! auth host issued. Most collections are a `Spec` served by the generic handlers in
//! `crud`; richer behaviour (passwords, devices, secrets, ...) has its own module.

// Public for tests that set up users, passwords, secrets and TOTP codes directly: `directory`,
// `passwords`, `secrets`, `totp` (only the item each test uses); the rest is the sandbox's own.
pub(crate) mod access;
pub(crate) mod activities;
pub(crate) mod agreements;
pub(crate) mod app_children;
pub(crate) mod app_permissions;
pub(crate) mod applications;
pub(crate) mod body;
pub(crate) mod catalog;
pub(crate) mod codes;
pub(crate) mod crud;
pub(crate) mod default_population;
pub(crate) mod device_policies;
pub(crate) mod devices;
pub mod directory;
pub(crate) mod env_defaults;
pub(crate) mod environments;
pub(crate) mod error;
pub(crate) mod filter;
pub(crate) mod groups;
pub(crate) mod hal;
pub(crate) mod identity_providers;
pub(crate) mod image_format;
pub(crate) mod images;
pub(crate) mod inactive_by_default;
pub(crate) mod integrations;
pub(crate) mod keys;
pub(crate) mod list;
pub(crate) mod multipart;
pub(crate) mod organizations;
pub(crate) mod outbox;
pub(crate) mod password_policy;
pub mod passwords;
pub(crate) mod policy_limits;
pub(crate) mod populations;
pub(crate) mod propagation;
pub(crate) mod resources;
pub(crate) mod risk;
pub(crate) mod role_assignments;
pub(crate) mod roles;
pub mod secrets;
pub(crate) mod sessions;
pub(crate) mod settings;
pub(crate) mod sign_on_policies;
pub(crate) mod single_default;
pub(crate) mod spec;
pub(crate) mod store_config;
pub(crate) mod templates;
pub(crate) mod themes;
pub mod totp;
pub(crate) mod user_actions;
pub(crate) mod user_password;
pub(crate) mod users;
pub(crate) mod validate;
pub(crate) mod workday;

use std::sync::Arc;

use axum::Router;
use axum::middleware::from_fn_with_state;

use self::error::ApiError;
use self::spec::Spec;
use crate::sandbox::state::SandboxState;

/// Every collection served by the generic handlers alone.
fn specs() -> Vec<&'static Spec> {
    vec![
        &organizations::ORGANIZATIONS,
        &organizations::LICENSES,
        &environments::ENVIRONMENTS,
        &roles::BUILTIN_ROLES,
        &roles::CUSTOM_ROLES,
        &role_assignments::USER_ROLE_ASSIGNMENTS,
        &role_assignments::APP_ROLE_ASSIGNMENTS,
        &role_assignments::GROUP_ROLE_ASSIGNMENTS,
        &role_assignments::GATEWAY_ROLE_ASSIGNMENTS,
        &populations::POPULATIONS,
        &themes::THEMES,
        &password_policy::PASSWORD_POLICIES,
        &users::USERS,
        &applications::APPLICATIONS,
        &app_children::GRANTS,
        &app_children::SIGN_ON_POLICY_ASSIGNMENTS,
        &app_children::ATTRIBUTES,
        &app_children::PUSH_CREDENTIALS,
        &app_children::FLOW_POLICY_ASSIGNMENTS,
        &resources::RESOURCES,
        &resources::SCOPES,
        &resources::RESOURCE_ATTRIBUTES,
        &sign_on_policies::SIGN_ON_POLICIES,
        &sign_on_policies::ACTIONS,
        &groups::GROUPS,
        &sessions::SESSIONS,
        &devices::DEVICES,
        &catalog::DEVICE_AUTHENTICATION_POLICIES,
        &catalog::LANGUAGES,
        &catalog::GATEWAYS,
        &catalog::GATEWAY_CREDENTIALS,
        &propagation::PROPAGATION_PLANS,
        &propagation::PROPAGATION_STORES,
        &propagation::PROPAGATION_RULES,
        &propagation::PROPAGATION_MAPPINGS,
        &catalog::RISK_POLICY_SETS,
        &catalog::FLOW_POLICIES,
        &risk::RISK_EVALUATIONS,
        &agreements::AGREEMENTS,
        &agreements::AGREEMENT_LANGUAGES,
        &agreements::REVISIONS,
        &agreements::CONSENTS,
        &templates::TEMPLATES,
        &templates::CONTENTS,
        &identity_providers::IDENTITY_PROVIDERS,
        &identity_providers::PROVIDER_ATTRIBUTES,
        &integrations::INTEGRATIONS,
        &integrations::VERSIONS,
    ]
}

/// The `/v1` router (paths below `/v1`; the caller nests it).
pub(crate) fn router(state: &Arc<SandboxState>) -> Router<Arc<SandboxState>> {
    let mut router = Router::new();
    for spec in specs() {
        router = router.merge(crud::routes(spec));
    }
    router
        .merge(secrets::routes())
        .merge(user_password::routes())
        .merge(user_actions::routes())
        .merge(groups::membership_routes())
        .merge(devices::routes())
        .merge(keys::routes())
        .merge(images::routes())
        .merge(integrations::routes())
        .merge(settings::routes())
        .merge(propagation::routes())
        .merge(risk::routes())
        .merge(app_permissions::routes())
        .merge(environments::routes())
        .merge(activities::routes())
        .fallback(|| async { ApiError::not_found() })
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
        .layer(from_fn_with_state(Arc::clone(state), access::require_token))
}
