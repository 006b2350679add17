//! `smm completions SHELL` and `smm man [--dir DIR]`: shell completion scripts and manual pages,
//! generated from the command definitions themselves, so they can never drift from what `smm`
//! accepts.

use std::path::Path;

use clap::{CommandFactory, ValueEnum};
use clap_mangen::Man;

use crate::cli::Cli;
use crate::failure::{Failure, Problem};
use crate::output;
use crate::write::write_atomically;

/// The shells `smm completions` writes a script for.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Shell {
    /// Bash.
    Bash,
    /// Zsh.
    Zsh,
    /// Fish.
    Fish,
    /// PowerShell.
    Powershell,
    /// Elvish.
    Elvish,
}

impl Shell {
    fn generator(self) -> clap_complete::Shell {
        match self {
            Shell::Bash => clap_complete::Shell::Bash,
            Shell::Zsh => clap_complete::Shell::Zsh,
            Shell::Fish => clap_complete::Shell::Fish,
            Shell::Powershell => clap_complete::Shell::PowerShell,
            Shell::Elvish => clap_complete::Shell::Elvish,
        }
    }
}

/// `smm completions SHELL`: the script on standard output, to be sourced or saved where the shell
/// looks for completions.
pub fn completions(shell: Shell) -> Result<(), Failure> {
    output::print(&completion_script(shell));
    Ok(())
}

/// The completion script for `shell`. The catalog ids it offers after `smm explain` and
/// `smm catalog` are the built-in catalog's (see `crate::catalog_ids`).
pub fn completion_script(shell: Shell) -> String {
    let mut cmd = Cli::command();
    let name = cmd.get_name().to_string();
    let mut script = Vec::new();
    // This also builds `cmd`, which the additions below read.
    clap_complete::generate(shell.generator(), &mut cmd, name.as_str(), &mut script);
    let script = String::from_utf8_lossy(&script).into_owned();
    match shell {
        Shell::Fish => with_fish_values(script, &name, &positional_values(&cmd)),
        Shell::Powershell => with_powershell_values(script, &name, &positional_values(&cmd)),
        Shell::Bash | Shell::Zsh | Shell::Elvish => script,
    }
}

/// The values a subcommand's first positional argument can take, for the shells whose generator
/// leaves them out: clap_complete's fish and PowerShell scripts complete options and subcommands
/// only, so without this `smm explain <TAB>` would offer no practice there.
struct PositionalValues {
    /// The subcommand's path below `smm`, e.g. `["explain"]`.
    path: Vec<String>,
    /// The values, each with its description (a practice's name, for instance).
    values: Vec<(String, String)>,
    /// Whether it is the subcommand's only positional argument: then nothing but these values
    /// can follow it, and fish need not offer file names as well.
    only: bool,
}

/// Every subcommand's first positional argument that has possible values, at any depth.
fn positional_values(cmd: &clap::Command) -> Vec<PositionalValues> {
    fn walk(cmd: &clap::Command, path: &mut Vec<String>, found: &mut Vec<PositionalValues>) {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            path.push(sub.get_name().to_string());
            let mut positionals = sub.get_positionals();
            if let Some(first) = positionals.next() {
                let values: Vec<(String, String)> = first
                    .get_possible_values()
                    .iter()
                    .filter(|v| !v.is_hide_set())
                    .map(|v| {
                        let help = v.get_help().map(|h| h.to_string()).unwrap_or_default();
                        (v.get_name().to_string(), help.replace('\n', " "))
                    })
                    .collect();
                if !values.is_empty() {
                    found.push(PositionalValues {
                        path: path.clone(),
                        values,
                        only: positionals.next().is_none(),
                    });
                }
            }
            walk(sub, path, found);
            path.pop();
        }
    }
    let mut found = Vec::new();
    walk(cmd, &mut Vec::new(), &mut found);
    found
}

/// Whether a value can stand in a completion script as it is: fish evaluates the text of
/// `complete -a` again, so only plain words are added (every id and enum value of smm is one).
fn plain_word(value: &str) -> bool {
    !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The fish script with a `complete` line per positional value, under the same conditions the
/// generator writes for the subcommand's options (it, too, stops at two levels of subcommands).
fn with_fish_values(mut script: String, bin_name: &str, found: &[PositionalValues]) -> String {
    let using = format!("__fish_{}_using_subcommand", bin_name.replace('-', "_"));
    let quote = |text: &str| text.replace('\\', "\\\\").replace('\'', "\\'");
    for positional in found {
        let condition = match positional.path.as_slice() {
            [command] => format!("{using} {command}"),
            [command, sub] => format!("{using} {command}; and __fish_seen_subcommand_from {sub}"),
            _ => continue,
        };
        let no_files = if positional.only { " -f" } else { "" };
        for (value, help) in positional.values.iter().filter(|(v, _)| plain_word(v)) {
            script.push_str(&format!(
                "complete -c {bin_name} -n \"{condition}\"{no_files} -a '{value}' -d '{}'\n",
                quote(help)
            ));
        }
    }
    script
}

/// The PowerShell script with each positional value added to its subcommand's case. PowerShell
/// reaches that case while the word being completed directly follows the subcommand (later
/// words make another case, where nothing matches and it completes file names), so it offers
/// the values exactly where the first positional argument goes.
fn with_powershell_values(
    mut script: String,
    bin_name: &str,
    found: &[PositionalValues],
) -> String {
    let quote = |text: &str| text.replace('\'', "''").replace('\u{2019}', "'\u{2019}");
    for positional in found {
        let case = format!(
            "\n        '{}' {{",
            std::iter::once(bin_name)
                .chain(positional.path.iter().map(String::as_str))
                .collect::<Vec<_>>()
                .join(";")
        );
        let Some(at) = script.find(&case) else {
            continue;
        };
        let mut lines = String::new();
        for (value, help) in &positional.values {
            // A completion's tooltip may not be empty.
            let tooltip = if help.is_empty() { value } else { help };
            lines.push_str(&format!(
                "\n            [CompletionResult]::new('{0}', '{0}', [CompletionResultType]::ParameterValue, '{1}')",
                quote(value),
                quote(tooltip)
            ));
        }
        script.insert_str(at + case.len(), &lines);
    }
    script
}

/// `smm man`: the main page on standard output; `smm man --dir DIR`: that page and one per
/// subcommand, at any depth, written into DIR (which must exist).
pub fn man(dir: Option<&Path>) -> Result<(), Failure> {
    let pages = man_pages();
    let Some(dir) = dir else {
        // The first page is always the main one.
        if let Some((_, text)) = pages.first() {
            output::print(text);
        }
        return Ok(());
    };
    if !dir.is_dir() {
        return Err(Problem::file(
            dir,
            "is not an existing folder: create it first (smm man writes the pages into it)",
        )
        .into());
    }
    // Each page is written whole or not at all, so a reader (man, mandb) never sees half a page.
    for (file_name, text) in &pages {
        write_atomically(&dir.join(file_name), text)?;
    }
    Ok(())
}

/// Every page, as (file name, roff text): `smm.1` first, then `smm-SUB.1`, `smm-SUB-SUBSUB.1` ...
/// for every subcommand that is not hidden, parents before their children.
pub fn man_pages() -> Vec<(String, String)> {
    // `smm help` merely repeats `--help`: no page of its own, and no entry among the subcommands.
    let mut cmd = Cli::command().disable_help_subcommand(true);
    // Building sets each subcommand's display name (`smm-cert-verify`), which names its page.
    cmd.build();
    let mut pages = Vec::new();
    collect_pages(&cmd, &mut pages);
    pages
}

fn collect_pages(cmd: &clap::Command, pages: &mut Vec<(String, String)>) {
    let man = Man::new(cmd.clone());
    let mut roff = Vec::new();
    // Rendering into memory cannot fail.
    let _ = man.render(&mut roff);
    pages.push((
        man.get_filename(),
        String::from_utf8_lossy(&roff).into_owned(),
    ));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect_pages(sub, pages);
    }
}
