//! An assessment's risk in money: the page form of `GET /api/documents/{id}/risk` and of
//! `smm risk`: the annual loss today and with the target reached, as ranges, per scenario, and
//! the loss exceedance curves.

use askama::Template;
use axum::extract::State;
use serde::Deserialize;

use smm_core::risk::LossDistribution;

use super::{render, Nav, PageResult, PageUser};
use crate::app::risk::{self, ProfileFigures, Risk, RiskRequest, MAX_ITERATIONS};
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;

/// Which scenarios, and how long to simulate (the API's parameters).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskQuery {
    scenarios: Option<i64>,
    iterations: Option<u32>,
    seed: Option<u64>,
}

/// One profile's figures, as words.
struct ProfileRow {
    name: String,
    mean: String,
    median: String,
    one_in_10: String,
    one_in_20: String,
    one_in_100: String,
    years_with_loss: String,
}

/// One scenario: its title and, per profile, its mean annual loss and share of years.
struct ScenarioRow {
    title: String,
    cells: Vec<String>,
}

/// What the page shows once there are figures.
struct Shown {
    scenarios_id: i64,
    scenarios_version: i64,
    scenarios_title: String,
    target_id: i64,
    target_name: String,
    currency: String,
    iterations: u32,
    seed: u64,
    capped: Option<u32>,
    sources: String,
    profiles: Vec<String>,
    rows: Vec<ProfileRow>,
    buys: Option<String>,
    scenario_rows: Vec<ScenarioRow>,
    chart: String,
}

#[derive(Template)]
#[template(path = "risk.html")]
struct RiskPage {
    nav: Option<Nav>,
    system_id: i64,
    system_name: String,
    document_id: i64,
    product: String,
    shown: Option<Shown>,
}

fn money(amount: f64, currency: &str) -> String {
    smm_report::chart::short_money(amount, currency)
}

fn share(p: f64) -> String {
    format!("{:.0} %", p * 100.0)
}

fn row(p: &ProfileFigures) -> ProfileRow {
    let (d, c): (&LossDistribution, &str) = (&p.annual_loss, &p.currency);
    ProfileRow {
        name: profile_name(&p.profile),
        mean: format!(
            "{} ± {}",
            money(d.mean, c),
            money(2.0 * d.standard_error, c)
        ),
        median: money(d.p50, c),
        one_in_10: money(d.p90, c),
        one_in_20: money(d.p95, c),
        one_in_100: money(d.p99, c),
        years_with_loss: share(p.probability_of_loss),
    }
}

/// "today" → "Today".
fn profile_name(profile: &str) -> String {
    let mut chars = profile.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// What reaching the target buys, in one sentence (the CLI says the same).
fn buys(profiles: &[ProfileFigures], reduction: Option<f64>) -> Option<String> {
    let (today, reached, reduction) = (profiles.first()?, profiles.get(1)?, reduction?);
    let c = &today.currency;
    let verb = if reduction >= 0.0 { "lowers" } else { "raises" };
    Some(format!(
        "Reaching the target {verb} the mean annual loss by {} ({} to {}), and the 1-in-20-years \
         loss from {} to {}; the share of years with any loss goes from {} to {}.",
        money(reduction.abs(), c),
        money(today.annual_loss.mean, c),
        money(reached.annual_loss.mean, c),
        money(today.annual_loss.p95, c),
        money(reached.annual_loss.p95, c),
        share(today.probability_of_loss),
        share(reached.probability_of_loss),
    ))
}

/// `/documents/{id}/risk`: the figures, or how to store scenarios when the system has none.
pub async fn show(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<RiskQuery>,
) -> PageResult {
    let request = RiskRequest {
        scenarios: query.scenarios,
        iterations: query.iterations,
        seed: query.seed,
    };
    let found = match risk::risk(&state, &user.caller, id, request).await? {
        Risk::NoScenarios(system) => {
            let page = RiskPage {
                nav: Some(user.nav(&state, system.organization.0).await),
                system_id: system.id.0,
                system_name: system.name,
                document_id: id,
                product: String::new(),
                shown: None,
            };
            return Ok(render(&page));
        }
        Risk::Computed(found) => found,
    };
    let figures = &found.figures;
    let first = figures.profiles.first();
    let currency = first.map_or_else(String::new, |p| p.currency.clone());
    let scenario_rows = first
        .map(|today| {
            today
                .scenarios
                .iter()
                .enumerate()
                .map(|(i, s)| ScenarioRow {
                    title: s.title.clone(),
                    cells: figures
                        .profiles
                        .iter()
                        .filter_map(|p| p.scenarios.get(i))
                        .map(|sc| {
                            format!(
                                "{} ({} of years)",
                                money(sc.mean, &currency),
                                share(sc.probability_of_loss)
                            )
                        })
                        .collect(),
                })
                .collect()
        })
        .unwrap_or_default();
    let n = found.scenarios.scenarios.len();
    let shown = Shown {
        scenarios_id: found.stored.id.0,
        scenarios_version: found.stored.version,
        scenarios_title: format!(
            "{}: {n} loss scenario{}",
            found.scenarios.system,
            if n == 1 { "" } else { "s" }
        ),
        target_id: found.target.stored.id.0,
        target_name: found.target.resolved.name.clone(),
        iterations: first.map_or(0, |p| p.iterations),
        seed: first.map_or(0, |p| p.seed),
        capped: (found.asked_iterations > MAX_ITERATIONS).then_some(found.asked_iterations),
        sources: found.scenarios.sources.clone().unwrap_or_default(),
        profiles: figures
            .profiles
            .iter()
            .map(|p| profile_name(&p.profile))
            .collect(),
        rows: figures.profiles.iter().map(row).collect(),
        buys: buys(&figures.profiles, figures.mean_reduction),
        scenario_rows,
        chart: figures.chart.clone(),
        currency,
    };
    let page = RiskPage {
        nav: Some(user.nav(&state, found.system.organization.0).await),
        system_id: found.system.id.0,
        system_name: found.system.name.clone(),
        document_id: id,
        product: format!(
            "{} {}",
            found.current.current.product, found.current.current.version
        ),
        shown: Some(shown),
    };
    Ok(render(&page))
}
