//! The `smm` command line: a thin door onto smm-core for files, terminals and CI.
//!
//! Two binaries share it. `smm` is the everyday one: it carries neither the server nor the PDF
//! engine, so that a command such as `smm gap` starts as fast as a process can (a smaller binary
//! has fewer relocations to apply before `main`; see docs/performance.md). `smm-full` is the same
//! command line with everything built in, and `smm` hands it the commands that need it
//! ([`full`]).
#![deny(missing_docs)]

mod catalog_ids;
mod cli;
mod clock;
mod commands;
mod failure;
mod full;
mod input;
mod interview;
mod output;
mod progress;
mod write;

use std::mem::ManuallyDrop;
use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command, OscalAction, TargetAction, TemplateAction};
use failure::{exit_code, Failure};

/// Runs the everyday binary, `smm`: a command that needs the server, the store or the PDF
/// engine is handed to `smm-full`, installed beside it.
pub fn everyday() -> ExitCode {
    main_with(None)
}

/// Runs `smm-full`: every command in this process. Only this function names the engines, which
/// is what keeps them out of `smm`: `main_with` must not name them itself.
pub fn whole() -> ExitCode {
    main_with(Some(&full::ENGINES))
}

fn main_with(engines: Option<&'static full::Engines>) -> ExitCode {
    let cli = Cli::parse();
    let outcome = match engines {
        Some(engines) => {
            full::install(engines);
            run(cli)
        }
        None if full::needs_full(&cli.command) => full::hand_over(),
        None => run(cli),
    };
    if let Err(Failure::BadInput(problems)) = &outcome {
        output::print_problems(problems);
    }
    exit_code(&outcome)
}

fn run(cli: Cli) -> Result<(), Failure> {
    // `schema` needs no catalog; every other command does.
    if let Command::Schema { kind } = cli.command {
        commands::schema::run(kind);
        return Ok(());
    }
    if let Command::Digest { file, json } = &cli.command {
        return commands::digest::run(file, *json);
    }
    if let Command::Serve {
        listen,
        data_dir,
        database_url,
        keys_secret,
        secure_cookies,
        trusted_proxies,
        schemes,
        mappings,
        log_origin,
        audit_checkpoint_every,
        oidc,
        log_json,
        connections,
    } = &cli.command
    {
        return (full::engines()?.serve)(&commands::serve::Args {
            listen: *listen,
            data_dir,
            database_url: database_url.as_deref(),
            keys_secret: keys_secret.as_deref(),
            secure_cookies: *secure_cookies,
            trusted_proxies,
            schemes,
            mappings,
            log_origin: log_origin.as_deref(),
            audit_checkpoint_every: *audit_checkpoint_every,
            oidc: oidc.as_deref(),
            log_json: *log_json,
            connections: connections.limits(),
        });
    }
    if let Command::Admin { action } = &cli.command {
        return (full::engines()?.admin)(action);
    }
    if let Command::Audit { action } = &cli.command {
        return (full::engines()?.audit)(action);
    }
    if let Command::Log { action } = &cli.command {
        return commands::log::run(action);
    }
    if let Command::Key { action } = &cli.command {
        return commands::cert::key(action);
    }
    // Completions and manual pages describe the command line, not a catalog: `--catalog` does not
    // change them (the ids offered are the built-in catalog's).
    if let Command::Completions { shell } = &cli.command {
        return commands::completions::completions(*shell);
    }
    if let Command::Man { dir } = &cli.command {
        return commands::completions::man(dir.as_deref());
    }
    // Never freed: the process ends soon after, and freeing the catalog one allocation at a
    // time just before the system takes the memory back was 2% of a whole `smm gap`'s
    // instructions (docs/performance.md, "Less work at the end of a command"). Not done for
    // clap's command tree: the memory it frees is reused by what comes after, and keeping it
    // cost more page faults than its freeing costs instructions.
    let catalog = ManuallyDrop::new(input::load_catalog(cli.catalog.as_deref())?);
    match cli.command {
        Command::Catalog { id, json } => commands::catalog::run(&catalog, id.as_deref(), json),
        Command::Validate {
            files,
            deny_warnings,
            json,
        } => commands::validate::run(&catalog, &files, deny_warnings, json),
        Command::Show { target, json } => commands::show::run(&catalog, &target, json),
        Command::Gap {
            target,
            assessment,
            json,
        } => commands::gap::run_gap(&catalog, &target, &assessment, json),
        Command::Check {
            target,
            assessment,
            json,
            junit,
            sarif,
        } => commands::check::run(
            &catalog,
            &target,
            &assessment,
            &commands::check::GateOutputs { json, junit, sarif },
        ),
        Command::Compare { a, b, json, output } => {
            commands::compare::run(&catalog, &a, &b, json, output.as_deref())
        }
        Command::Map {
            standard,
            profiles,
            list,
            json,
            output,
            check,
            mandatory,
        } => match standard {
            Some(standard) if !list => commands::map::run(
                &catalog,
                &commands::map::MapRequest {
                    standard: &standard,
                    profiles: &profiles,
                    json,
                    outputs: &output,
                    check,
                    mandatory,
                },
            ),
            _ => commands::map::run_list(&catalog, json),
        },
        Command::Risk {
            scenarios,
            assessment,
            target,
            iterations,
            seed,
            json,
            output,
        } => commands::risk::run(
            &catalog,
            &commands::risk::RiskRequest {
                scenarios: &scenarios,
                assessment: &assessment,
                target: target.as_deref(),
                iterations,
                seed,
                json,
                output: output.as_ref(),
            },
        ),
        Command::Trend {
            assessments,
            target,
            json,
            output,
        } => commands::trend::run(
            &catalog,
            &assessments,
            target.as_deref(),
            json,
            output.as_deref(),
        ),
        Command::Target {
            action:
                TargetAction::New {
                    output,
                    answers,
                    from,
                    resume,
                    standard,
                    mandatory,
                },
        } => commands::target::run_new(
            &catalog,
            commands::target::NewOptions {
                output,
                answers,
                from,
                resume,
                standards: standard,
                mandatory,
            },
        ),
        Command::Target {
            action: TargetAction::Lower(args),
        } => commands::lineage::run_lower(&catalog, &args),
        Command::Diff { old, new, json } => commands::diff::run(&catalog, &old, &new, json),
        Command::Chart {
            kind,
            target,
            assessment,
            level,
            output,
        } => commands::report::run_chart(
            &catalog,
            kind,
            &target,
            assessment.as_deref(),
            level,
            &output,
        ),
        Command::Report {
            target,
            assessment,
            date,
            standard,
            risk,
            output,
        } => commands::report::run_report(
            &catalog,
            &target,
            assessment.as_deref(),
            date,
            &standard,
            risk.as_deref(),
            &output,
        ),
        Command::Export {
            target,
            assessment,
            format,
            output,
        } => {
            commands::report::run_export(&catalog, &target, assessment.as_deref(), format, &output)
        }
        Command::Roadmap {
            target,
            assessment,
            budget,
            period,
            start,
            deadline,
            costs,
            actions,
            json,
            output,
            rank,
            scenarios,
            horizon,
            iterations,
            seed,
        } => commands::roadmap::run(
            &catalog,
            &commands::roadmap::Args {
                target: &target,
                assessment: &assessment,
                budget,
                period,
                start,
                deadline,
                costs: costs.as_deref(),
                actions: actions.as_deref(),
                json,
                output: output.as_deref(),
                risk: match (rank, scenarios.as_deref()) {
                    (cli::RankArg::Risk, Some(scenarios)) => Some(commands::roadmap::RiskRank {
                        scenarios,
                        horizon,
                        iterations,
                        seed,
                    }),
                    _ => None,
                },
            },
        ),
        Command::Cert { action } => commands::cert::run(&catalog, &action),
        Command::Oscal {
            action: OscalAction::Export { what },
        } => commands::oscal::export(&catalog, &what),
        Command::Oscal {
            action:
                OscalAction::Import {
                    results,
                    output,
                    strict,
                },
        } => commands::oscal::import(&catalog, &results, output.as_deref(), strict),
        Command::Key { .. }
        | Command::Audit { .. }
        | Command::Log { .. }
        | Command::Admin { .. }
        | Command::Serve { .. } => Ok(()),
        Command::Explain { id, level, json } => commands::explain::run(&catalog, &id, level, json),
        Command::Template {
            action: TemplateAction::List { json },
        } => {
            commands::template::list(json);
            Ok(())
        }
        Command::Template {
            action: TemplateAction::Show { name, json },
        } => commands::template::show(&catalog, &name, json),
        Command::Schema { .. } | Command::Digest { .. } => Ok(()),
        Command::Completions { .. } | Command::Man { .. } => Ok(()),
    }
}
