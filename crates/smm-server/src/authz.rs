//! Who may do what: the permission matrix of docs/permissions.md, as code.
//!
//! A caller acts in an organization with a role (a membership, or an API token's role). On a
//! system of another organization it acts only through a grant: members who assess (owners and
//! assessors of the grantee) get the grant's role there; everyone else of the grantee reads.
//!
//! Who may change who acts for an organization is a person's decision: an API token, whatever
//! its role, never manages members, invitations, tokens or grants ([`permitted`]), so a leaked
//! token cannot make itself permanent or let anyone else in.

use serde::Serialize;
use smm_store::Role;
use utoipa::ToSchema;

/// Everything the API lets someone do, grouped by what it needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Read systems, documents, evidence, analyses, reports and certificates.
    Read,
    /// Create systems and products.
    CreateSystem,
    /// Create or change target profiles.
    WriteTarget,
    /// Create or change assessments.
    WriteAssessment,
    /// Upload evidence.
    UploadEvidence,
    /// Issue certificates (a certification body's owners and assessors, through a grant).
    IssueCertificate,
    /// Sign supplier's declarations (the owning organization's owners and assessors).
    IssueDeclaration,
    /// Revoke certificates.
    RevokeCertificate,
    /// Read the organization's audit log.
    ReadAudit,
    /// Invite, remove and change members, end their sessions.
    ManageMembers,
    /// Create, list and revoke API tokens.
    ManageTokens,
    /// Offer other organizations access to a system, withdraw it, and accept or decline what
    /// is offered to this organization.
    ManageGrants,
    /// Create, import, retire and revoke the organization's signing keys.
    ManageKeys,
}

impl Action {
    /// Every action, in the order of the matrix.
    pub const ALL: [Action; 13] = [
        Action::Read,
        Action::CreateSystem,
        Action::WriteTarget,
        Action::WriteAssessment,
        Action::UploadEvidence,
        Action::IssueCertificate,
        Action::IssueDeclaration,
        Action::RevokeCertificate,
        Action::ReadAudit,
        Action::ManageMembers,
        Action::ManageTokens,
        Action::ManageGrants,
        Action::ManageKeys,
    ];
}

impl Action {
    /// Whether only a signed-in person may do it: what decides who acts for the organization.
    pub fn people_only(self) -> bool {
        matches!(
            self,
            Action::ManageMembers | Action::ManageTokens | Action::ManageGrants
        )
    }
}

/// How a caller proved who it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credential {
    /// A signed-in person's session.
    Session,
    /// An API token.
    Token,
}

/// The permission rule: whether a caller holding this credential may do the action with this
/// role. Everything else asks this.
pub fn permitted(credential: Credential, role: Role, action: Action) -> bool {
    allowed(role, action) && !(credential == Credential::Token && action.people_only())
}

/// Whether a role may do an action in its own organization (before asking how the caller
/// signed in: see [`permitted`]).
pub fn allowed(role: Role, action: Action) -> bool {
    use Action::*;
    match role {
        Role::Owner => true,
        Role::Assessor => matches!(
            action,
            Read | WriteAssessment
                | UploadEvidence
                | IssueCertificate
                | IssueDeclaration
                | RevokeCertificate
        ),
        Role::Editor => matches!(
            action,
            Read | CreateSystem | WriteTarget | WriteAssessment | UploadEvidence
        ),
        Role::Viewer => action == Read,
        Role::Auditor => matches!(action, Read | ReadAudit),
    }
}

/// The role a member of a grantee organization has on the granted system.
pub fn through_grant(member: Role, grant: Role) -> Role {
    match (member, grant) {
        (Role::Owner | Role::Assessor, Role::Assessor) => Role::Assessor,
        _ => Role::Viewer,
    }
}

/// The role that allows more, of two (for a user who reaches a system in two ways).
pub fn stronger(a: Role, b: Role) -> Role {
    let power = |r: Role| Action::ALL.iter().filter(|x| allowed(r, **x)).count();
    if power(b) > power(a) {
        b
    } else {
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_owners_manage_and_only_owners_and_auditors_read_the_log() {
        for role in Role::ALL {
            for action in [
                Action::ManageMembers,
                Action::ManageTokens,
                Action::ManageGrants,
                Action::ManageKeys,
            ] {
                assert_eq!(
                    allowed(role, action),
                    role == Role::Owner,
                    "{role:?} {action:?}"
                );
            }
            assert_eq!(
                allowed(role, Action::ReadAudit),
                matches!(role, Role::Owner | Role::Auditor)
            );
            assert!(allowed(role, Action::Read));
        }
    }

    #[test]
    fn a_token_never_manages_who_acts_whatever_its_role() {
        for role in Role::ALL {
            for action in Action::ALL {
                assert_eq!(
                    permitted(Credential::Token, role, action),
                    allowed(role, action) && !action.people_only(),
                    "{role:?} {action:?}"
                );
                assert_eq!(
                    permitted(Credential::Session, role, action),
                    allowed(role, action)
                );
            }
        }
        assert!(!permitted(
            Credential::Token,
            Role::Owner,
            Action::ManageTokens
        ));
        assert!(permitted(
            Credential::Token,
            Role::Owner,
            Action::ManageKeys
        ));
    }

    #[test]
    fn a_grant_never_gives_more_than_assessing() {
        for member in Role::ALL {
            for grant in [Role::Assessor, Role::Viewer] {
                let r = through_grant(member, grant);
                assert!(matches!(r, Role::Assessor | Role::Viewer));
                assert!(!allowed(r, Action::WriteTarget));
                assert!(!allowed(r, Action::ManageGrants));
                assert!(!allowed(r, Action::ManageKeys));
            }
        }
        assert_eq!(through_grant(Role::Viewer, Role::Assessor), Role::Viewer);
        assert_eq!(through_grant(Role::Owner, Role::Assessor), Role::Assessor);
        assert_eq!(stronger(Role::Viewer, Role::Assessor), Role::Assessor);
    }
}
