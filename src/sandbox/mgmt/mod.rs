//! The management API (`/v1`): PingOne's resources as HAL JSON, behind bearer tokens the
//! auth host issued. Most collections are a `Spec` served by the generic handlers in
//! `crud`; richer behaviour (passwords, devices, secrets, ...) has its own module.

pub mod access;
pub mod activities;
pub mod agreements;
pub mod app_children;
pub mod app_permissions;
pub mod applications;
pub mod body;
pub mod catalog;
pub mod codes;
pub mod crud;
pub mod default_population;
pub mod device_policies;
pub mod devices;
pub mod directory;
pub mod env_defaults;
pub mod environments;
pub mod error;
pub mod filter;
pub mod groups;
pub mod hal;
pub mod identity_providers;
pub mod image_format;
pub mod images;
pub mod inactive_by_default;
pub mod integrations;
pub mod keys;
pub mod list;
pub mod multipart;
pub mod organizations;
pub mod outbox;
pub mod password_policy;
pub mod passwords;
pub mod policy_limits;
pub mod populations;
pub mod propagation;
pub mod resources;
pub mod risk;
pub mod role_assignments;
pub mod roles;
pub mod secrets;
pub mod sessions;
pub mod settings;
pub mod sign_on_policies;
pub mod single_default;
pub mod spec;
pub mod store_config;
pub mod templates;
pub mod themes;
pub mod totp;
pub mod user_actions;
pub mod user_password;
pub mod users;
pub mod validate;
pub mod workday;

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
pub fn router(state: &Arc<SandboxState>) -> Router<Arc<SandboxState>> {
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
