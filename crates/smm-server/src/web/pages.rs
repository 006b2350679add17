//! Signing in and out, the portfolio, a system's page and the gap view.

use askama::Template;
use axum::extract::{Form, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use smm_core::Status;
use smm_report::model::{chart_data, Granularity};
use smm_store::{DocumentKind, Page, Role, SystemId};

use super::{page_error, render, secure, Confirmation, Nav, PageResult, PageUser};
use crate::access;
use crate::app::analysis::{self, GapOf};
use crate::app::portfolio::{self, Filter, SystemStatus};
use crate::app::session::{sign_in, sign_out, SESSION_SECONDS};
use crate::app::systems::{named_documents, NamedDocument};
use crate::auth::{constant_time_eq, cookie_header, cookie_value, SESSION_COOKIE};
use crate::authz::Action;
use crate::client::{is_tls, remote};
use crate::extract::{ApiPath, ApiQuery, RemoteAddr};
use crate::state::{unix_now, AppState};

/// The cookie that ties the sign-in form to the browser that loaded it (there is no session to
/// hold a CSRF token yet).
const LOGIN_COOKIE: &str = "smm_login";

/// `/`: the portfolio of one's first organization, or the sign-in page.
pub async fn home(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(secret) = cookie_value(&headers, SESSION_COOKIE) else {
        return Redirect::to("/login").into_response();
    };
    let now = unix_now();
    let Ok(Some(session)) = state.store.session(secret, now).await else {
        return Redirect::to("/login").into_response();
    };
    // Invitations waiting for an answer come first: the person decides before working.
    let waiting = state.store.invitations_for(&session.name, now).await;
    match (waiting, state.store.session_memberships(&session).await) {
        (Ok(w), Ok(m)) if w.is_empty() && !m.is_empty() => {
            Redirect::to(&format!("/orgs/{}", m[0].0 .0)).into_response()
        }
        (Ok(_), Ok(_)) => Redirect::to("/invitations").into_response(),
        (Err(e), _) | (_, Err(e)) => page_error(e.into()),
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    nav: Option<Nav>,
    csrf: String,
    next: String,
    name: String,
    error: Option<String>,
    /// The sign-in provider's name, when one is configured.
    provider: Option<String>,
    /// Whether the password form is offered.
    passwords: bool,
}

/// Where to go after signing in.
#[derive(Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

/// Where to go after signing in: `next` if it is a safe path on this site, else home.
pub(super) fn safe_next(next: Option<&str>) -> String {
    next.and_then(super::same_site_path)
        .unwrap_or("/")
        .to_string()
}

fn login_page(
    state: &AppState,
    headers: &HeaderMap,
    next: String,
    name: String,
    error: Option<String>,
) -> Response {
    let token = smm_store::session::random_hex();
    let oidc = state.oidc.as_deref().map(|o| &o.config);
    let mut response = render(&LoginPage {
        nav: None,
        csrf: token.clone(),
        next,
        name,
        error,
        provider: oidc.map(|c| c.name.clone()),
        passwords: oidc.is_none_or(|c| c.local_passwords),
    });
    let cookie = cookie_header(LOGIN_COOKIE, &token, 3600, is_tls(headers, state));
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// The sign-in form.
pub async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<NextQuery>,
) -> Response {
    login_page(
        &state,
        &headers,
        safe_next(query.next.as_deref()),
        String::new(),
        None,
    )
}

/// The sign-in form's fields.
#[derive(Deserialize)]
pub struct LoginForm {
    csrf: String,
    next: Option<String>,
    name: String,
    password: String,
}

/// Signs in from the form: on success to where the visitor was going, else the form again with
/// the name kept and the reason.
pub async fn login(
    State(state): State<AppState>,
    connect: RemoteAddr,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    let expected = cookie_value(&headers, LOGIN_COOKIE).unwrap_or("");
    if expected.is_empty() || !constant_time_eq(&form.csrf, expected) {
        return login_page(
            &state,
            &headers,
            next,
            form.name,
            Some("The form had expired: please sign in again.".to_string()),
        );
    }
    match sign_in(&state, &form.name, &form.password, &remote(&connect)).await {
        Ok((secret, _)) => {
            let mut response = Redirect::to(&next).into_response();
            let tls = is_tls(&headers, &state);
            for cookie in [
                cookie_header(SESSION_COOKIE, &secret, SESSION_SECONDS, tls),
                cookie_header(LOGIN_COOKIE, "", 0, tls),
            ] {
                if let Ok(v) = HeaderValue::from_str(&cookie) {
                    response.headers_mut().append(header::SET_COOKIE, v);
                }
            }
            response
        }
        Err(problem) => {
            let mut response = login_page(
                &state,
                &headers,
                next,
                form.name,
                Some(problem.detail.clone()),
            );
            *response.status_mut() = problem.status_code();
            response
        }
    }
}

/// A form with only its CSRF token.
#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

/// Signs out.
pub async fn logout(
    State(state): State<AppState>,
    user: PageUser,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    sign_out(&state, cookie_value(&headers, SESSION_COOKIE)).await?;
    let mut response = Redirect::to("/login").into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie_header(
        SESSION_COOKIE,
        "",
        0,
        is_tls(&headers, &state),
    )) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(response)
}

/// The organization switch.
#[derive(Deserialize)]
pub struct SwitchQuery {
    org: i64,
}

/// Goes to another organization's portfolio.
pub async fn switch(user: PageUser, ApiQuery(query): ApiQuery<SwitchQuery>) -> PageResult {
    access::in_organization(&user.caller, query.org, Action::Read)?;
    Ok(Redirect::to(&format!("/orgs/{}", query.org)).into_response())
}

/// A portfolio row as shown.
struct Row {
    id: i64,
    name: String,
    kind: String,
    line: Option<String>,
    status_text: &'static str,
    status_class: &'static str,
    under: usize,
    met: usize,
    over: usize,
    assessment: Option<i64>,
    /// For a system granted by another organization: its name and the role granted.
    granted: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "portfolio.html")]
struct PortfolioPage {
    nav: Option<Nav>,
    org_id: i64,
    org_name: String,
    certification_body: bool,
    portfolio: PortfolioView,
    q: String,
    status: String,
    can_create: bool,
    csrf: String,
    confirmation: Option<String>,
}

struct PortfolioView {
    systems: usize,
    met: usize,
    under: usize,
    no_target: usize,
    not_assessed: usize,
    granted: usize,
    domains: Vec<crate::app::portfolio::DomainRollup>,
    items: Vec<Row>,
}

/// The portfolio's filters.
#[derive(Deserialize)]
pub struct PortfolioQuery {
    q: Option<String>,
    status: Option<String>,
}

fn status_words(status: SystemStatus) -> (&'static str, &'static str) {
    match status {
        SystemStatus::Met => ("meets target", "met"),
        SystemStatus::Under => ("under target", "under"),
        SystemStatus::NoTarget => ("no target", ""),
        SystemStatus::NotAssessed => ("not assessed", ""),
    }
}

/// An organization's portfolio.
pub async fn portfolio(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(org): ApiPath<i64>,
    ApiQuery(query): ApiQuery<PortfolioQuery>,
    Confirmation(confirmation): Confirmation,
) -> PageResult {
    let filter = Filter {
        status: SystemStatus::parse_filter(query.status.as_deref())?,
        name_contains: query.q.clone(),
        limit: 1000,
    };
    let seen = portfolio::portfolio(&state, &user.caller, org, filter).await?;
    let organization = state
        .store
        .organization(smm_store::OrganizationId(org))
        .await?;
    let p = seen.portfolio;
    let items = p
        .items
        .into_iter()
        .map(|s| {
            let (status_text, status_class) = status_words(s.status);
            Row {
                id: s.id,
                name: s.name,
                kind: s.kind,
                line: s.line,
                status_text,
                status_class,
                under: s.under,
                met: s.met,
                over: s.over,
                assessment: s.assessment,
                granted: s.granted.map(|g| (g.organization_name, g.role)),
            }
        })
        .collect();
    let page = PortfolioPage {
        nav: Some(user.nav(&state, org).await),
        org_id: org,
        org_name: organization.name,
        certification_body: organization.certification_body,
        portfolio: PortfolioView {
            systems: p.systems,
            met: p.met,
            under: p.under,
            no_target: p.no_target,
            not_assessed: p.not_assessed,
            granted: p.granted,
            domains: p.domains,
            items,
        },
        q: query.q.unwrap_or_default(),
        status: query.status.unwrap_or_default(),
        can_create: crate::authz::allowed(seen.role, Action::CreateSystem),
        csrf: user.csrf.clone(),
        confirmation,
    };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "system.html")]
struct SystemPage {
    nav: Option<Nav>,
    system: smm_store::SystemInfo,
    owner_name: String,
    kind: &'static str,
    role: &'static str,
    targets: Vec<NamedDocument>,
    assessments: Vec<NamedDocument>,
    risk_scenarios: Vec<NamedDocument>,
    certificates: Vec<AttestationRow>,
    can_write_target: bool,
    can_write_assessment: bool,
    attest: crate::app::certificates::MayAttest,
    /// The schemes one may attest under (id, title and version), the default first.
    schemes: Vec<(String, String)>,
    csrf: String,
    templates: Vec<(String, String)>,
    drafts: Vec<smm_store::Draft>,
    /// Organizations given access: name, role, who granted it.
    grants: Vec<(String, String, String, bool)>,
    /// Whether the caller may give and take access.
    can_grant: bool,
    confirmation: Option<String>,
}

/// An attestation as the system page lists it.
struct AttestationRow {
    id: i64,
    serial: String,
    certificate: bool,
    issuer: String,
    created_at: String,
    revoked: Option<(String, String)>,
    can_revoke: bool,
}

/// A system's page: its targets, assessments and certificates.
pub async fn system(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
    Confirmation(confirmation): Confirmation,
) -> PageResult {
    let (info, roles) = access::system_roles(&state, &user.caller, id).await?;
    let can = |action| access::any_allows(&roles, action);
    let role = roles
        .iter()
        .copied()
        .reduce(crate::authz::stronger)
        .unwrap_or(Role::Viewer);
    let all = Page::new(0, Page::MAX_LIMIT);
    let targets = named_documents(&state, &info, DocumentKind::TargetProfile).await?;
    let assessments = named_documents(&state, &info, DocumentKind::Assessment).await?;
    let risk_scenarios = named_documents(&state, &info, DocumentKind::RiskScenarios).await?;
    let mut certificates = Vec::new();
    let mut names: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
    for c in state.store.certificates(SystemId(id), all).await? {
        let signer = c.issuer.unwrap_or(c.organization);
        let issuer = match names.get(&signer.0) {
            Some(name) => name.clone(),
            None => {
                let name = state.store.organization_name(signer).await?;
                names.insert(signer.0, name.clone());
                name
            }
        };
        certificates.push(AttestationRow {
            can_revoke: crate::app::certificates::may_revoke(&user.caller, &c),
            id: c.id,
            serial: c.serial,
            certificate: c.kind == "certificate",
            issuer,
            created_at: c.created_at,
            revoked: c.revoked,
        });
    }
    let owner_name = state.store.organization_name(info.organization).await?;
    let nav_org = user
        .caller
        .role_in(info.organization)
        .map(|_| info.organization.0)
        .or_else(|| user.caller.organizations().first().map(|(o, _)| o.0))
        .unwrap_or(info.organization.0);
    let can_write_target = can(Action::WriteTarget);
    let drafts = if can_write_target {
        state.store.drafts(SystemId(id)).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    let offers = crate::app::systems::offers(&state, &user.caller, id).await?;
    let grants = crate::app::systems::grants(&state, &user.caller, id)
        .await?
        .into_iter()
        .map(|g| {
            (
                g.organization_name,
                g.role.as_str().to_string(),
                g.granted_by,
                false,
            )
        })
        .chain(offers.into_iter().map(|o| {
            (
                o.organization_name,
                o.role.as_str().to_string(),
                o.offered_by,
                true,
            )
        }))
        .collect();
    let can_grant = user.caller.role_in(info.organization).is_some_and(|r| {
        crate::authz::permitted(user.caller.credential(), r, Action::ManageGrants)
    });
    let templates = std::iter::once((String::new(), "the catalog's defaults".to_string()))
        .chain(
            smm_core::document::builtin_templates()
                .into_iter()
                .map(|t| (t.id.value, t.title)),
        )
        .collect();
    let page = SystemPage {
        can_write_target,
        can_write_assessment: can(Action::WriteAssessment),
        attest: crate::app::certificates::may_attest(&state, &user.caller, &info).await?,
        schemes: state
            .schemes
            .all()
            .iter()
            .map(|s| (s.id.value.clone(), format!("{} ({})", s.title, s.version)))
            .collect(),
        csrf: user.csrf.clone(),
        templates,
        drafts,
        grants,
        can_grant,
        confirmation,
        nav: Some(user.nav(&state, nav_org).await),
        kind: info.kind.as_str(),
        role: role_word(role),
        system: info,
        owner_name,
        targets,
        assessments,
        risk_scenarios,
        certificates,
    };
    Ok(render(&page))
}

fn role_word(role: Role) -> &'static str {
    role.as_str()
}

struct GapRow {
    name: String,
    domain: String,
    target: String,
    current: String,
    status: &'static str,
    status_text: &'static str,
}

#[derive(Template)]
#[template(path = "gap.html")]
struct GapPage {
    nav: Option<Nav>,
    system_id: i64,
    system_name: String,
    assessment_id: i64,
    target_id: i64,
    target_name: String,
    product: String,
    version: String,
    under: usize,
    met: usize,
    over: usize,
    rows: Vec<GapRow>,
    confirmation: Option<String>,
}

fn words(level: smm_core::Level) -> String {
    format!(
        "{} / {}",
        level.comprehensiveness.value(),
        level.scope.token()
    )
}

/// The gap of an assessment: counts, charts and the table.
pub async fn gap(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
    Confirmation(confirmation): Confirmation,
) -> PageResult {
    let GapOf {
        system: info,
        current,
        target,
        gap,
    } = analysis::gap(&state, &user.caller, id, None).await?;
    let rows: Vec<GapRow> = gap
        .practices
        .iter()
        .map(|p| {
            let (status, status_text) = match p.status {
                Status::Under => ("under", "▼ under"),
                Status::Met => ("met", "● met"),
                Status::Over => ("over", "▲ over"),
            };
            GapRow {
                name: p.name.clone(),
                domain: state
                    .catalog
                    .domain(p.domain.as_str())
                    .map(|d| d.name.clone())
                    .unwrap_or_default(),
                target: words(p.target),
                current: words(p.current),
                status,
                status_text,
            }
        })
        .collect();
    let count = |s: &str| rows.iter().filter(|r| r.status == s).count();
    let page = GapPage {
        nav: Some(user.nav(&state, info.organization.0).await),
        system_id: info.id.0,
        system_name: info.name.clone(),
        assessment_id: id,
        target_id: target.stored.id.0,
        target_name: target.resolved.name.clone(),
        product: current.current.product.clone(),
        version: current.current.version.clone(),
        under: count("under"),
        met: count("met"),
        over: count("over"),
        rows,
        confirmation,
    };
    Ok(render(&page))
}

/// Which chart.
#[derive(Deserialize)]
pub struct ChartQuery {
    kind: Option<String>,
    level: Option<String>,
}

/// A gap chart as SVG: the same charts the reports use.
pub async fn chart(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<ChartQuery>,
) -> PageResult {
    let GapOf { target, gap, .. } = analysis::gap(&state, &user.caller, id, None).await?;
    let granularity = match query.level.as_deref() {
        Some("practice") => Granularity::Practice,
        Some("domain") => Granularity::Domain,
        _ => Granularity::Subdomain,
    };
    let data = chart_data(&state.catalog, &target.resolved, Some(&gap), granularity);
    let svg = match query.kind.as_deref() {
        Some("radar") => smm_report::chart::radar(&data),
        Some("heatmap") => smm_report::chart::heatmap(&data),
        _ => smm_report::chart::bar(&data),
    };
    let mut response = svg.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    secure(&mut response);
    Ok(response)
}
