//! The invitations page: what the signed-in person was invited to, to accept or decline. Owners
//! send and withdraw invitations on the members page (`manage`).

use askama::Template;
use axum::extract::{Form, State};
use axum::response::{IntoResponse, Redirect};

use super::manage::day_of;
use super::{field, render, Confirmation, Done, Nav, PageResult, PageUser};
use crate::app::invitations;
use crate::extract::ApiPath;
use crate::problem::Problem;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "invitations.html")]
struct InvitationsPage {
    nav: Option<Nav>,
    csrf: String,
    invitations: Vec<(i64, String, String, String, String)>,
    confirmation: Option<String>,
}

/// The invitations waiting for the signed-in person, to accept or decline.
pub async fn invitations(
    State(state): State<AppState>,
    user: PageUser,
    Confirmation(confirmation): Confirmation,
) -> PageResult {
    let waiting = invitations::mine(&state, &user.caller).await?;
    let first = user
        .caller
        .organizations()
        .first()
        .map_or(0, |(org, _)| org.0);
    Ok(render(&InvitationsPage {
        nav: Some(user.nav(&state, first).await),
        csrf: user.csrf.clone(),
        invitations: waiting
            .into_iter()
            .map(|i| {
                (
                    i.id,
                    i.organization_name,
                    i.role.as_str().to_string(),
                    i.invited_by,
                    day_of(i.expires_at),
                )
            })
            .collect(),
        confirmation,
    }))
}

/// Accepts or declines an invitation (`answer` is `accept` or `decline`).
pub async fn answer(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_csrf(&field(&fields, "csrf"))?;
    let accept = match field(&fields, "answer").as_str() {
        "accept" => true,
        "decline" => false,
        _ => return Err(Problem::bad_field("answer", "accept or decline").into()),
    };
    let (org, _) = invitations::answer(&state, &user.caller, id, accept).await?;
    let to = if accept {
        Done::InvitationAccepted.on(&format!("/orgs/{}", org.0))
    } else {
        Done::InvitationDeclined.on("/invitations")
    };
    Ok(Redirect::to(&to).into_response())
}
