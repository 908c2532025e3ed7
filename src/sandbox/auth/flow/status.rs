//! Flow statuses and, for each, the actions a client may take next (the flow's `_links`).

/// Where a sign-on flow stands (PingOne's `status` values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    UsernamePasswordRequired,
    SignOnRequired,
    IdentifierRequired,
    ExternalAuthenticationRequired,
    PasswordRequired,
    MustChangePassword,
    RecoveryCodeRequired,
    VerificationCodeRequired,
    DeviceSelectionRequired,
    OtpRequired,
    AgreementConsentRequired,
    ProfileDataRequired,
    DagUserCodeRequired,
    DagConsentRequired,
    AccountLinkingRequired,
    /// Device authorization with extra verification: a silent push went to the paired phone,
    /// whose SDK has not acknowledged it yet.
    PushConfirmationRequired,
    Completed,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UsernamePasswordRequired => "USERNAME_PASSWORD_REQUIRED",
            Self::SignOnRequired => "SIGN_ON_REQUIRED",
            Self::IdentifierRequired => "IDENTIFIER_REQUIRED",
            Self::ExternalAuthenticationRequired => "EXTERNAL_AUTHENTICATION_REQUIRED",
            Self::PasswordRequired => "PASSWORD_REQUIRED",
            Self::MustChangePassword => "MUST_CHANGE_PASSWORD",
            Self::RecoveryCodeRequired => "RECOVERY_CODE_REQUIRED",
            Self::VerificationCodeRequired => "VERIFICATION_CODE_REQUIRED",
            Self::DeviceSelectionRequired => "DEVICE_SELECTION_REQUIRED",
            Self::OtpRequired => "OTP_REQUIRED",
            Self::AgreementConsentRequired => "AGREEMENT_CONSENT_REQUIRED",
            Self::ProfileDataRequired => "PROFILE_DATA_REQUIRED",
            Self::DagUserCodeRequired => "DAG_USER_CODE_REQUIRED",
            Self::DagConsentRequired => "DAG_CONSENT_REQUIRED",
            Self::AccountLinkingRequired => "ACCOUNT_LINKING_REQUIRED",
            Self::PushConfirmationRequired => "PUSH_CONFIRMATION_REQUIRED",
            Self::Completed => "COMPLETED",
            Self::Failed => "FAILED",
        }
    }

    /// The actions this status always offers; optional ones (registration, recovery, device
    /// switching) are added by the flow from its policy.
    pub fn actions(self) -> &'static [&'static str] {
        match self {
            Self::UsernamePasswordRequired
            | Self::PasswordRequired
            | Self::AccountLinkingRequired => &["usernamePassword.check"],
            Self::SignOnRequired | Self::IdentifierRequired => &["user.lookup"],
            Self::MustChangePassword => &["password.reset"],
            Self::RecoveryCodeRequired => &["password.recover", "password.sendRecoveryCode"],
            Self::VerificationCodeRequired => &["user.verify", "user.sendVerificationCode"],
            Self::DeviceSelectionRequired => &["device.select"],
            Self::OtpRequired => &["otp.check"],
            Self::AgreementConsentRequired => &["user.consent"],
            Self::ProfileDataRequired => &["user.update"],
            Self::DagUserCodeRequired => &["deviceAuthGrant.userCode.verify"],
            Self::DagConsentRequired => &["deviceAuthGrant.consent"],
            // The browser goes to the provider (`_embedded.identityProvider`), not to a flow action.
            // The phone answers a silent push itself; the client only reads the flow again.
            Self::ExternalAuthenticationRequired
            | Self::PushConfirmationRequired
            | Self::Completed
            | Self::Failed => &[],
        }
    }

    pub fn is_done(self) -> bool {
        matches!(self, Self::Completed | Self::Failed)
    }
}

/// Other names clients use for the same action (media type `application/vnd.pingidentity.
/// <name>+json`), mapped to the name the flow offers.
pub fn canonical_action(name: &str) -> Option<&'static str> {
    const ALL: &[&str] = &[
        "usernamePassword.check",
        "user.lookup",
        "password.reset",
        "password.forgot",
        "password.recover",
        "password.sendRecoveryCode",
        "user.register",
        "user.verify",
        "user.sendVerificationCode",
        "device.select",
        "otp.check",
        "user.consent",
        "user.update",
        "deviceAuthGrant.userCode.verify",
        "deviceAuthGrant.consent",
    ];
    let alias = match name {
        "agreement.consent" => "user.consent",
        "deviceAuthorization.userCode.verify" => "deviceAuthGrant.userCode.verify",
        "deviceAuthorization.consent" => "deviceAuthGrant.consent",
        other => other,
    };
    ALL.iter().find(|a| a.eq_ignore_ascii_case(alias)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_map_to_offered_names() {
        assert_eq!(canonical_action("agreement.consent"), Some("user.consent"));
        assert_eq!(
            canonical_action("deviceAuthorization.userCode.verify"),
            Some("deviceAuthGrant.userCode.verify")
        );
        assert_eq!(
            canonical_action("usernamepassword.check"),
            Some("usernamePassword.check")
        );
        // Progressive profiling is answered with `user.update` only, as PingOne documents it.
        assert_eq!(canonical_action("user.update"), Some("user.update"));
        assert_eq!(canonical_action("user.profile.update"), None);
        assert_eq!(canonical_action("bogus"), None);
    }

    #[test]
    fn done_statuses_offer_nothing() {
        assert!(Status::Completed.actions().is_empty());
        assert_eq!(Status::OtpRequired.actions(), &["otp.check"]);
        assert_eq!(Status::OtpRequired.as_str(), "OTP_REQUIRED");
    }
}
