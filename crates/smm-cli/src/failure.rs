//! How a command fails, and which exit code each failure means.
//!
//! Exit codes are decided here and only here: 0 ok, 1 a check failed, 2 bad input.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use smm_core::{Diagnostic, Diagnostics};

/// A problem in one input, with what is needed to show it in context.
#[derive(Debug, Clone)]
pub struct Problem {
    /// The file, when the problem is about one.
    pub path: Option<PathBuf>,
    /// The file's text, to quote the offending line.
    pub text: Option<Arc<str>>,
    /// What is wrong.
    pub diagnostic: Diagnostic,
}

impl Problem {
    /// A problem about a file as a whole (it cannot be read, for instance).
    pub fn file(path: &Path, message: impl Into<String>) -> Self {
        Problem {
            path: Some(path.to_path_buf()),
            ..Problem::general(message)
        }
    }

    /// A problem about no file in particular (a missing part of the installation, for instance).
    pub fn general(message: impl Into<String>) -> Self {
        Problem {
            path: None,
            text: None,
            diagnostic: Diagnostic::new(Default::default(), "", message),
        }
    }

    /// Every diagnostic of one file, with the file's text for context.
    pub fn from_diagnostics(
        path: &Path,
        text: &Arc<str>,
        diagnostics: Diagnostics,
    ) -> Vec<Problem> {
        diagnostics
            .0
            .into_iter()
            .map(|diagnostic| Problem {
                path: Some(path.to_path_buf()),
                text: Some(text.clone()),
                diagnostic,
            })
            .collect()
    }
}

/// Why a command did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// The input is wrong: exit 2.
    BadInput(Vec<Problem>),
    /// The input is fine but a check did not pass (its report is already printed): exit 1.
    CheckFailed,
    /// The input is wrong and the command has already said how, in its JSON: exit 2.
    BadInputShown,
}

impl From<Problem> for Failure {
    fn from(problem: Problem) -> Self {
        Failure::BadInput(vec![problem])
    }
}

impl From<Vec<Problem>> for Failure {
    fn from(problems: Vec<Problem>) -> Self {
        Failure::BadInput(problems)
    }
}

/// The exit code for a command's outcome.
pub fn exit_code(outcome: &Result<(), Failure>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::from(0),
        Err(Failure::CheckFailed) => ExitCode::from(1),
        Err(Failure::BadInput(_) | Failure::BadInputShown) => ExitCode::from(2),
    }
}
