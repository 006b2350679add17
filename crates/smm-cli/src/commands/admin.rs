//! `smm admin create-user`: bootstraps the first owner of a server's store.

use std::io::IsTerminal;
use std::path::Path;

use smm_store::{Role, Store, StoreError};

use crate::cli::{AdminAction, RoleArg};
use crate::commands::audit::DEFAULT_DATABASE_URL;
use crate::failure::{Failure, Problem};
use crate::input::read_source;
use crate::output::{self, styled, MET};

/// Runs the command.
pub fn run(action: &AdminAction) -> Result<(), Failure> {
    let AdminAction::CreateUser {
        name,
        organization,
        role,
        database_url,
        password_file,
    } = action;
    let url = database_url.as_deref().unwrap_or(DEFAULT_DATABASE_URL);
    if let Some(file) = url.strip_prefix("sqlite://") {
        // The embedded default: create its folder on first use.
        let file = file.split('?').next().unwrap_or(file);
        if let Some(dir) = Path::new(file)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir).map_err(|e| {
                Problem::file(dir, format!("cannot create the data directory: {e}"))
            })?;
        }
    }
    let password = password(password_file.as_deref())?;
    let role = match role {
        RoleArg::Owner => Role::Owner,
        RoleArg::Assessor => Role::Assessor,
        RoleArg::Editor => Role::Editor,
        RoleArg::Viewer => Role::Viewer,
        RoleArg::Auditor => Role::Auditor,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Problem::file(Path::new(url), format!("cannot start: {e}")))?;
    let actor = "admin-cli";
    let created = runtime
        .block_on(async {
            let store = Store::open(url).await?;
            let org = match store.organization_by_name(organization).await? {
                Some(org) => org,
                None => store.create_organization(actor, organization).await?,
            };
            let user = store.create_user(actor, name, &password).await?;
            store.set_membership(actor, user, org, role).await?;
            Ok::<_, StoreError>((org, user))
        })
        .map_err(|e| Problem::file(Path::new(url), e.to_string()))?;
    output::print(&format!(
        "{} user `{name}` (id {}) is {} of `{organization}` (id {}) in {url}\n",
        styled(MET, "ok"),
        created.1 .0,
        role.as_str(),
        created.0 .0
    ));
    Ok(())
}

fn password(file: Option<&Path>) -> Result<String, Failure> {
    if let Some(file) = file {
        let source = read_source(file)?;
        return Ok(source.text.lines().next().unwrap_or("").to_string());
    }
    if let Ok(value) = std::env::var("SMM_PASSWORD") {
        return Ok(value);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Problem::file(
            Path::new("smm admin create-user"),
            "a password is needed: set SMM_PASSWORD, give --password-file, or run in a terminal",
        )
        .into());
    }
    inquire::Password::new("Password (at least 12 characters):")
        .prompt()
        .map_err(|e| {
            Problem::file(
                Path::new("smm admin create-user"),
                format!("no password: {e}"),
            )
            .into()
        })
}
