//! Systems and products, and the grants that open one to another organization (an assessor
//! lab, a client). A grant is offered by the owning organization's owners only, never through a
//! grant, and gives nothing until an owner of the receiving organization accepts it; offering
//! answers the same whether or not the name is an organization's. Someone who reaches a system
//! through a grant sees only their own organizations' grants.

use smm_store::{
    DocumentInfo, DocumentKind, Grant, GrantOffer, OrganizationId, Page, Role, SystemInfo,
    SystemKind,
};

use crate::access::{self, in_organization};
use crate::app::documents;
use crate::app::organizations::field_error;
use crate::auth::Caller;
use crate::authz::Action;
use crate::problem::Problem;
use crate::state::AppState;

/// The systems and products an organization owns or was granted, a page at a time: of one
/// kind, and whose names contain `name_contains`, when asked.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    org: i64,
    kind: Option<SystemKind>,
    name_contains: Option<&str>,
    page: Page,
) -> Result<Vec<SystemInfo>, Problem> {
    in_organization(caller, org, Action::Read)?;
    Ok(state
        .store
        .systems(OrganizationId(org), kind, name_contains, page)
        .await?)
}

/// A system the caller may read, with the strongest role they have on it.
pub async fn get(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<(SystemInfo, Role), Problem> {
    access::system(state, caller, id, Action::Read).await
}

/// A system's documents of one kind, a page at a time.
pub async fn documents(
    state: &AppState,
    caller: &Caller,
    id: i64,
    kind: DocumentKind,
    page: Page,
) -> Result<Vec<DocumentInfo>, Problem> {
    let (info, _) = access::system(state, caller, id, Action::Read).await?;
    Ok(state.store.documents(info.id, kind, page).await?)
}

/// A new system or product.
pub struct NewSystem<'a> {
    /// Its name, unique in the organization.
    pub name: &'a str,
    /// System or product.
    pub kind: SystemKind,
    /// The product line (products only; ignored for systems).
    pub line: Option<&'a str>,
}

/// Creates a system or product in an organization; the caller's role there comes back with it.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    org: i64,
    new: NewSystem<'_>,
) -> Result<(SystemInfo, Role), Problem> {
    let role = in_organization(caller, org, Action::CreateSystem)?;
    let line = new
        .line
        .map(str::trim)
        .filter(|l| !l.is_empty() && new.kind == SystemKind::Product);
    let id = state
        .store
        .create_system_of_kind(
            &caller.actor(),
            OrganizationId(org),
            new.name,
            new.kind,
            line,
        )
        .await
        .map_err(|e| field_error(e, "name"))?;
    Ok((state.store.system(id).await?, role))
}

/// The grants of a system that the caller may see.
pub async fn grants(state: &AppState, caller: &Caller, id: i64) -> Result<Vec<Grant>, Problem> {
    let (info, _) = access::system(state, caller, id, Action::Read).await?;
    let grants = state.store.grants(info.id).await?;
    let member = caller.role_in(info.organization).is_some();
    let mine: Vec<_> = caller.organizations().into_iter().map(|(o, _)| o).collect();
    Ok(grants
        .into_iter()
        .filter(|g| member || mine.contains(&g.organization))
        .collect())
}

/// The offers of a system still waiting for an answer, for members of its owner (empty for
/// anyone who reaches it through a grant).
pub async fn offers(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<Vec<GrantOffer>, Problem> {
    let (info, _) = access::system(state, caller, id, Action::Read).await?;
    if caller.role_in(info.organization).is_none() {
        return Ok(Vec::new());
    }
    Ok(state.store.offers_of_system(info.id).await?)
}

/// The system, if the caller may manage its grants.
async fn owned_system(state: &AppState, caller: &Caller, id: i64) -> Result<SystemInfo, Problem> {
    let (info, _) = access::system(state, caller, id, Action::Read).await?;
    let role = caller.role_in(info.organization).unwrap_or(Role::Viewer);
    access::require_of(caller, role, Action::ManageGrants)?;
    Ok(info)
}

/// Offers another organization (by name) access to a system as `assessor` or `viewer`: a
/// pending grant, in force once that organization's owner accepts it. The answer is the same
/// whether or not an organization has the name.
pub async fn grant(
    state: &AppState,
    caller: &Caller,
    id: i64,
    organization: &str,
    role: Role,
) -> Result<i64, Problem> {
    let info = owned_system(state, caller, id).await?;
    if !matches!(role, Role::Assessor | Role::Viewer) {
        return Err(Problem::bad_field(
            "role",
            format!(
                "a grant gives `assessor` or `viewer`, not `{}`",
                role.as_str()
            ),
        ));
    }
    state
        .store
        .offer_grant(&caller.actor(), info.id, organization.trim(), role)
        .await
        .map_err(|e| field_error(e, "organization"))
}

/// Withdraws what the system's owner gave an organization (by name): the offer, the grant, or
/// both.
pub async fn revoke_grant(
    state: &AppState,
    caller: &Caller,
    id: i64,
    organization: &str,
) -> Result<(), Problem> {
    let info = owned_system(state, caller, id).await?;
    Ok(state
        .store
        .withdraw_grant(&caller.actor(), info.id, organization)
        .await?)
}

/// The grants offered to an organization and waiting for its answer.
pub async fn offered_to(
    state: &AppState,
    caller: &Caller,
    org: i64,
) -> Result<Vec<GrantOffer>, Problem> {
    in_organization(caller, org, Action::ManageGrants)?;
    Ok(state.store.offers_to(OrganizationId(org)).await?)
}

/// Accepts (the system joins the organization's list, its members get access) or declines a
/// grant offered to the organization. Offers to other organizations are "not found".
pub async fn answer_offer(
    state: &AppState,
    caller: &Caller,
    org: i64,
    offer: i64,
    accept: bool,
) -> Result<GrantOffer, Problem> {
    in_organization(caller, org, Action::ManageGrants)?;
    Ok(state
        .store
        .answer_offer(&caller.actor(), OrganizationId(org), offer, accept)
        .await?)
}

/// A document of a system with the name people know it by.
pub struct NamedDocument {
    /// As the store lists it.
    pub info: DocumentInfo,
    /// A target's name and version; an assessment's product version, date and assessors.
    pub title: String,
}

/// A system's documents of one kind, newest last, each with its title (read from its latest
/// version; one that no longer parses is named by its kind and number). The caller has already
/// been checked against the system.
pub async fn named_documents(
    state: &AppState,
    system: &SystemInfo,
    kind: DocumentKind,
) -> Result<Vec<NamedDocument>, Problem> {
    let listed = state
        .store
        .documents(system.id, kind, Page::new(0, Page::MAX_LIMIT))
        .await?;
    let mut named = Vec::with_capacity(listed.len());
    for info in listed {
        let stored = state
            .store
            .document(system.organization, info.id, None)
            .await?;
        let title = match kind {
            DocumentKind::TargetProfile => {
                documents::parsed_target(&stored).map(|t| t.title()).ok()
            }
            DocumentKind::Assessment => documents::parsed_assessment(&stored)
                .map(|a| a.title())
                .ok(),
            DocumentKind::RiskScenarios => {
                smm_core::risk::parse_risk_scenarios_unchecked(&stored.body)
                    .map(|r| {
                        let n = r.scenarios.len();
                        let s = if n == 1 { "" } else { "s" };
                        format!("{}: {n} loss scenario{s} in {}", r.system, r.currency.value)
                    })
                    .ok()
            }
        };
        let fallback = match kind {
            DocumentKind::TargetProfile => format!("Target profile {}", info.id.0),
            DocumentKind::Assessment => format!("Assessment {}", info.id.0),
            DocumentKind::RiskScenarios => format!("Loss scenarios {}", info.id.0),
        };
        named.push(NamedDocument {
            title: title.unwrap_or(fallback),
            info,
        });
    }
    Ok(named)
}
