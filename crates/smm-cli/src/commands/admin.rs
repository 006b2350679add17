//! `smm admin`: what only the server's administrator does, straight on the store: the first
//! owner (`create-user`), designating certification bodies (`designate-body`,
//! `undesignate-body`: never self-service, so not in the API), and writing the issuers document
//! for offline verification (`issuers`), and backups that restore (`backup`, `restore`: see
//! the `backup` and `restore` modules).

use std::io::IsTerminal;
use std::path::Path;

use smm_store::{Role, Store, StoreError};

use crate::cli::{AdminAction, RoleArg};
use crate::commands::audit::DEFAULT_DATABASE_URL;
use crate::failure::{Failure, Problem};
use crate::input::read_source;
use crate::output::{self, styled, MET};

/// The actor the audit log names for what `smm admin` does.
const ACTOR: &str = "admin-cli";

/// Runs the command.
pub fn run(action: &AdminAction) -> Result<(), Failure> {
    match action {
        AdminAction::CreateUser {
            name,
            organization,
            role,
            database_url,
            password_file,
        } => create_user(
            name,
            organization,
            *role,
            database_url.as_deref(),
            password_file.as_deref(),
        ),
        AdminAction::DesignateBody {
            organization,
            database_url,
        } => designate(organization, database_url.as_deref(), true),
        AdminAction::UndesignateBody {
            organization,
            database_url,
        } => designate(organization, database_url.as_deref(), false),
        AdminAction::Issuers {
            output,
            database_url,
        } => issuers(output, database_url.as_deref()),
        AdminAction::DisableUser { name, database_url } => {
            disable(name, database_url.as_deref(), true)
        }
        AdminAction::EnableUser { name, database_url } => {
            disable(name, database_url.as_deref(), false)
        }
        AdminAction::Backup {
            output,
            data_dir,
            database_url,
            keys_secret,
            include_keys_secret,
            force,
        } => {
            let sqlite = format!("sqlite://{}", data_dir.join("smm.db").display());
            let secret = keys_secret
                .clone()
                .unwrap_or_else(|| data_dir.join("keys.secret"));
            crate::commands::backup::run(&crate::commands::backup::Args {
                database_url: database_url.as_deref().unwrap_or(&sqlite),
                keys_secret: &secret,
                output,
                force: *force,
                include_keys_secret: *include_keys_secret,
            })
        }
        AdminAction::Restore {
            archive,
            data_dir,
            database_url,
            keys_secret,
        } => crate::commands::restore::run(&crate::commands::restore::Args {
            archive,
            data_dir: data_dir.as_deref(),
            database_url: database_url.as_deref(),
            keys_secret: keys_secret.as_deref(),
        }),
    }
}

/// Disables (or enables again) an account by name.
fn disable(name: &str, url: Option<&str>, disabled: bool) -> Result<(), Failure> {
    let url = url.unwrap_or(DEFAULT_DATABASE_URL);
    on_store(url, async |store| {
        let user = store
            .user_by_name(name)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("user `{name}`")))?;
        store.set_user_disabled(ACTOR, user, disabled).await
    })?;
    let ok = styled(MET, "ok");
    output::print(&if disabled {
        format!(
            "{ok} `{name}` is disabled in {url}: no sign-in, its sessions ended, its tokens stopped\n"
        )
    } else {
        format!("{ok} `{name}` may sign in again in {url}\n")
    });
    Ok(())
}

/// Runs `work` on the store at `url` (the default SQLite file when none is given).
fn on_store<T>(
    url: &str,
    work: impl AsyncFnOnce(&Store) -> Result<T, StoreError>,
) -> Result<T, Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Problem::file(Path::new(url), format!("cannot start: {e}")))?;
    runtime
        .block_on(async {
            let store = Store::open(url).await?;
            let out = work(&store).await;
            store.close().await;
            out
        })
        .map_err(|e| Problem::file(Path::new(url), e.to_string()).into())
}

fn designate(organization: &str, url: Option<&str>, designated: bool) -> Result<(), Failure> {
    let url = url.unwrap_or(DEFAULT_DATABASE_URL);
    let changed = on_store(url, async |store| {
        let org = store
            .organization_by_name(organization)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("organization `{organization}`")))?;
        store.set_certification_body(ACTOR, org, designated).await
    })?;
    let ok = styled(MET, "ok");
    let line = match (designated, changed) {
        (true, true) => format!(
            "{ok} `{organization}` is now a certification body in {url}: it may issue certificates\n"
        ),
        (false, true) => format!(
            "{ok} `{organization}` is no longer a certification body in {url}: what it issued stays as it was\n"
        ),
        (true, false) => {
            format!("{ok} `{organization}` was already a certification body: nothing changed\n")
        }
        (false, false) => {
            format!("{ok} `{organization}` was not a certification body: nothing changed\n")
        }
    };
    output::print(&line);
    Ok(())
}

fn issuers(output_file: &Path, url: Option<&str>) -> Result<(), Failure> {
    let url = url.unwrap_or(DEFAULT_DATABASE_URL);
    let document = on_store(url, async |store| {
        smm_server::app::keys::read_issuers(store).await
    })?;
    crate::write::write_atomically(output_file, &format!("{}\n", document.to_json()))?;
    let keys: usize = document.issuers.iter().map(|i| i.keys.len()).sum();
    output::print(&format!(
        "{} wrote the issuers document to {}: {} issuers, {keys} keys\n",
        styled(MET, "ok"),
        output_file.display(),
        document.issuers.len()
    ));
    Ok(())
}

fn create_user(
    name: &str,
    organization: &str,
    role: RoleArg,
    database_url: Option<&str>,
    password_file: Option<&Path>,
) -> Result<(), Failure> {
    let url = database_url.unwrap_or(DEFAULT_DATABASE_URL);
    if let Some(file) = url.strip_prefix("sqlite://") {
        // The embedded default: create its folder on first use.
        let file = file.split('?').next().unwrap_or(file);
        if let Some(dir) = Path::new(file)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            smm_store::create_private_dir(dir).map_err(|e| {
                Problem::file(dir, format!("cannot create the data directory: {e}"))
            })?;
        }
    }
    let password = password(password_file)?;
    let role = match role {
        RoleArg::Owner => Role::Owner,
        RoleArg::Assessor => Role::Assessor,
        RoleArg::Editor => Role::Editor,
        RoleArg::Viewer => Role::Viewer,
        RoleArg::Auditor => Role::Auditor,
    };
    let created = on_store(url, async |store| {
        let org = match store.organization_by_name(organization).await? {
            Some(org) => org,
            None => store.create_organization(ACTOR, organization).await?,
        };
        let user = store.create_user(ACTOR, name, &password).await?;
        store.set_membership(ACTOR, user, org, role).await?;
        Ok((org, user))
    })?;
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
    inquire::Password::new("Password (at least 12 characters, hard to guess):")
        .prompt()
        .map_err(|e| {
            Problem::file(
                Path::new("smm admin create-user"),
                format!("no password: {e}"),
            )
            .into()
        })
}
