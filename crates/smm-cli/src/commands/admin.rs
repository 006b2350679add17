//! `smm admin`: what only the server's administrator does, straight on the store: the first
//! owner (`create-user`), designating certification bodies (`designate-body`,
//! `undesignate-body`: never self-service, so not in the API), and writing the issuers document
//! for offline verification (`issuers`), backups that restore (`backup`, `restore`: see
//! the `backup` and `restore` modules), and the prepared forms a new release reads
//! (`prepare-forms`).

use std::io::IsTerminal;
use std::path::Path;

use schemars::JsonSchema;
use serde::Serialize;
use smm_store::{Role, Store, StoreError};

use crate::cli::{AdminAction, RoleArg};
use crate::commands::audit::DEFAULT_DATABASE_URL;
use crate::commands::backup::redact;
use crate::failure::{Failure, Problem};
use crate::input::read_source;
use crate::output::{self, styled, MET};

/// The actor the audit log names for what `smm admin` does.
const ACTOR: &str = "admin-cli";

/// `smm admin create-user --json`: the user made, and where.
#[derive(Serialize, JsonSchema)]
pub struct NewUserJson {
    /// The user's login name.
    pub name: String,
    /// The user's id in the store.
    pub user_id: i64,
    /// The user's role in the organization: `owner`, `assessor`, `editor`, `viewer` or
    /// `auditor`.
    pub role: String,
    /// The organization's name.
    pub organization: String,
    /// The organization's id in the store.
    pub organization_id: i64,
    /// Whether the organization was created for this user (it did not exist yet).
    pub organization_created: bool,
    /// The store, its password left out.
    pub database: String,
}

/// `smm admin disable-user|enable-user --json`: whether the account may sign in now.
#[derive(Serialize, JsonSchema)]
pub struct UserAccessJson {
    /// The user's login name.
    pub name: String,
    /// Whether the account is now disabled: no sign-in, its sessions ended, its tokens stopped.
    /// `false` after `enable-user`: it may sign in again (its old sessions stay ended).
    pub disabled: bool,
    /// The store, its password left out.
    pub database: String,
}

/// `smm admin link-identity --json`: the account and the identity now linked.
#[derive(Serialize, JsonSchema)]
pub struct IdentityLinkJson {
    /// The user's login name.
    pub name: String,
    /// The provider's issuer.
    pub issuer: String,
    /// The person's subject there.
    pub subject: String,
    /// The store, its password left out.
    pub database: String,
}

/// `smm admin designate-body|undesignate-body --json`: the organization's standing now.
#[derive(Serialize, JsonSchema)]
pub struct DesignationJson {
    /// The organization's name.
    pub organization: String,
    /// Whether it is now a certification body (may issue certificates with its own keys).
    pub certification_body: bool,
    /// Whether this run changed it (`false`: it already stood so, and nothing changed).
    pub changed: bool,
    /// The store, its password left out.
    pub database: String,
}

/// `smm admin issuers --json`: the issuers document written.
#[derive(Serialize, JsonSchema)]
pub struct IssuersExportJson {
    /// The file written.
    pub output: String,
    /// Issuers (organizations) in it.
    pub issuers: usize,
    /// Public keys in it, all issuers together.
    pub keys: usize,
    /// The store read, its password left out.
    pub database: String,
}

/// `smm admin prepare-forms --json`: what the pass found and did.
#[derive(Serialize, JsonSchema)]
pub struct PreparedFormsJson {
    /// Whether this was a dry run (`--dry-run`): then nothing was written, and the counts say
    /// what would have been.
    pub dry_run: bool,
    /// Target profile and assessment versions found without a prepared form this release reads.
    pub found: u64,
    /// Target profile versions given a form.
    pub targets: u64,
    /// Assessment versions given a form.
    pub assessments: u64,
    /// Versions another pass, running at the same time, gave a form first (left as it wrote
    /// them).
    pub raced: u64,
    /// Versions whose text this release does not parse: they keep no form, and reading them
    /// fails as before. The command then exits 1.
    pub unparsed_count: u64,
    /// The first 100 of them, newest first.
    pub unparsed: Vec<UnparsedJson>,
    /// Versions stored without their form's key in their row (before this release, or by a
    /// server of the previous one) that were given it from their form.
    pub keys_copied: u64,
    /// Whether the versions' indexes were rebuilt afterwards, without blocking the servers
    /// (PostgreSQL, when a tenth of the versions or more were rewritten).
    pub reindexed: bool,
    /// The store, its password left out.
    pub database: String,
}

/// A stored version whose text does not parse with this release.
#[derive(Serialize, JsonSchema)]
pub struct UnparsedJson {
    /// The document's id.
    pub document: i64,
    /// The version.
    pub version: i64,
    /// The first problem found, with its line and field.
    pub problem: String,
}

/// Runs the command.
pub fn run(action: &AdminAction) -> Result<(), Failure> {
    match action {
        AdminAction::CreateUser {
            name,
            organization,
            role,
            database_url,
            password_file,
            json,
        } => create_user(
            name,
            organization,
            *role,
            database_url.as_deref(),
            password_file.as_deref(),
            *json,
        ),
        AdminAction::DesignateBody {
            organization,
            database_url,
            json,
        } => designate(organization, database_url.as_deref(), true, *json),
        AdminAction::UndesignateBody {
            organization,
            database_url,
            json,
        } => designate(organization, database_url.as_deref(), false, *json),
        AdminAction::Issuers {
            output,
            database_url,
            json,
        } => issuers(output, database_url.as_deref(), *json),
        AdminAction::DisableUser {
            name,
            database_url,
            json,
        } => disable(name, database_url.as_deref(), true, *json),
        AdminAction::LinkIdentity {
            name,
            issuer,
            subject,
            database_url,
            json,
        } => link_identity(name, issuer, subject, database_url.as_deref(), *json),
        AdminAction::EnableUser {
            name,
            database_url,
            json,
        } => disable(name, database_url.as_deref(), false, *json),
        AdminAction::PrepareForms {
            database_url,
            dry_run,
            jobs,
            json,
        } => prepare_forms(database_url.as_deref(), *dry_run, *jobs, *json),
        AdminAction::Backup {
            output,
            data_dir,
            database_url,
            keys_secret,
            include_keys_secret,
            force,
            json,
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
                json: *json,
            })
        }
        AdminAction::Restore {
            archive,
            data_dir,
            database_url,
            keys_secret,
            json,
        } => crate::commands::restore::run(&crate::commands::restore::Args {
            archive,
            data_dir: data_dir.as_deref(),
            database_url: database_url.as_deref(),
            keys_secret: keys_secret.as_deref(),
            json: *json,
        }),
    }
}

/// Disables (or enables again) an account by name.
fn disable(name: &str, url: Option<&str>, disabled: bool, json: bool) -> Result<(), Failure> {
    let url = url.unwrap_or(DEFAULT_DATABASE_URL);
    on_store(url, async |store| {
        let user = store
            .user_by_name(name)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("user `{name}`")))?;
        store.set_user_disabled(ACTOR, user, disabled).await
    })?;
    if json {
        output::print_tagged_json(
            "UserAccess",
            &UserAccessJson {
                name: name.to_string(),
                disabled,
                database: redact(url),
            },
        );
        return Ok(());
    }
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

fn link_identity(
    name: &str,
    issuer: &str,
    subject: &str,
    url: Option<&str>,
    json: bool,
) -> Result<(), Failure> {
    let url = url.unwrap_or(DEFAULT_DATABASE_URL);
    on_store(url, async |store| {
        store.link_identity(ACTOR, name, issuer, subject).await
    })?;
    if json {
        output::print_tagged_json(
            "IdentityLink",
            &IdentityLinkJson {
                name: name.trim().to_string(),
                issuer: issuer.to_string(),
                subject: subject.to_string(),
                database: redact(url),
            },
        );
        return Ok(());
    }
    output::print(&format!(
        "{} `{name}` now signs in as {subject} at {issuer} too, in {url}\n",
        styled(MET, "ok")
    ));
    Ok(())
}

/// Gives every version without a prepared form this release reads a new one (see
/// `smm_server::app::forms`), with a progress line on a terminal.
fn prepare_forms(
    url: Option<&str>,
    dry_run: bool,
    jobs: Option<std::num::NonZeroUsize>,
    json: bool,
) -> Result<(), Failure> {
    let url = url.unwrap_or(DEFAULT_DATABASE_URL);
    let threads = jobs.or_else(|| std::thread::available_parallelism().ok());
    let progress = crate::progress::Progress::spinner("looking for versions without a form");
    let report = on_store(url, async |store| {
        smm_server::app::forms::prepare_forms(store, dry_run, threads, |seen| {
            progress.say(&format!("{seen} versions found without a form"));
        })
        .await
    })?;
    drop(progress);
    let failed = report.unparsed_count > 0;
    if json {
        output::print_tagged_json(
            "PreparedForms",
            &PreparedFormsJson {
                dry_run,
                found: report.found,
                targets: report.targets,
                assessments: report.assessments,
                raced: report.raced,
                unparsed_count: report.unparsed_count,
                unparsed: report
                    .unparsed
                    .iter()
                    .map(|u| UnparsedJson {
                        document: u.document.0,
                        version: u.version,
                        problem: u.problem.clone(),
                    })
                    .collect(),
                keys_copied: report.keys_copied,
                reindexed: report.reindexed,
                database: redact(url),
            },
        );
    } else {
        output::print(&forms_text(&report, dry_run, &redact(url)));
    }
    if failed {
        Err(Failure::CheckFailed)
    } else {
        Ok(())
    }
}

/// The text report of a pass.
fn forms_text(report: &smm_server::app::forms::FormsReport, dry_run: bool, url: &str) -> String {
    let count = |n: u64, word: &str| output::plural(usize::try_from(n).unwrap_or(usize::MAX), word);
    let prepared = report.targets + report.assessments;
    let mut text = if report.found == 0 {
        format!(
            "{} every target profile and assessment version in {url} has a form this release reads\n",
            styled(MET, "ok")
        )
    } else if prepared == 0 {
        String::new()
    } else {
        format!(
            "{} {} {} a prepared form in {url}: {}, {}\n",
            styled(MET, "ok"),
            if dry_run { "would give" } else { "gave" },
            count(prepared, "version"),
            count(report.targets, "target profile"),
            count(report.assessments, "assessment"),
        )
    };
    if report.keys_copied > 0 {
        text.push_str(&format!(
            "  copied the keys of {} into their versions' rows\n",
            count(report.keys_copied, "form")
        ));
    }
    if report.reindexed {
        text.push_str(
            "  rebuilt the versions' indexes, which the rewritten rows had left larger\n",
        );
    }
    if report.raced > 0 {
        text.push_str(&format!(
            "  {} of them had been given one by another pass in the meantime\n",
            report.raced
        ));
    }
    if report.unparsed_count > 0 {
        text.push_str(&format!(
            "{} {} this release does not parse: they keep no form, and reading them fails as before\n",
            styled(crate::output::ERROR, "error"),
            count(report.unparsed_count, "version")
        ));
        for u in &report.unparsed {
            text.push_str(&format!(
                "  document {} version {}: {}\n",
                u.document.0, u.version, u.problem
            ));
        }
        let unnamed = report.unparsed_count - report.unparsed.len() as u64;
        if unnamed > 0 {
            text.push_str(&format!("  and {unnamed} more\n"));
        }
    }
    text
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

fn designate(
    organization: &str,
    url: Option<&str>,
    designated: bool,
    json: bool,
) -> Result<(), Failure> {
    let url = url.unwrap_or(DEFAULT_DATABASE_URL);
    let changed = on_store(url, async |store| {
        let org = store
            .organization_by_name(organization)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("organization `{organization}`")))?;
        store.set_certification_body(ACTOR, org, designated).await
    })?;
    if json {
        output::print_tagged_json(
            "Designation",
            &DesignationJson {
                organization: organization.to_string(),
                certification_body: designated,
                changed,
                database: redact(url),
            },
        );
        return Ok(());
    }
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

fn issuers(output_file: &Path, url: Option<&str>, json: bool) -> Result<(), Failure> {
    let url = url.unwrap_or(DEFAULT_DATABASE_URL);
    let document = on_store(url, async |store| {
        smm_server::app::keys::read_issuers(store).await
    })?;
    crate::write::write_atomically(output_file, &format!("{}\n", document.to_json()))?;
    let keys: usize = document.issuers.iter().map(|i| i.keys.len()).sum();
    if json {
        output::print_tagged_json(
            "IssuersExport",
            &IssuersExportJson {
                output: output_file.display().to_string(),
                issuers: document.issuers.len(),
                keys,
                database: redact(url),
            },
        );
        return Ok(());
    }
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
    json: bool,
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
        let (org, org_created) = match store.organization_by_name(organization).await? {
            Some(org) => (org, false),
            None => (store.create_organization(ACTOR, organization).await?, true),
        };
        let user = store.create_user(ACTOR, name, &password).await?;
        store.set_membership(ACTOR, user, org, role).await?;
        Ok((org, user, org_created))
    })?;
    if json {
        output::print_tagged_json(
            "NewUser",
            &NewUserJson {
                name: name.to_string(),
                user_id: created.1 .0,
                role: role.as_str().to_string(),
                organization: organization.to_string(),
                organization_id: created.0 .0,
                organization_created: created.2,
                database: redact(url),
            },
        );
        return Ok(());
    }
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
