//! The schema's migrations on each back end, built into the binary (`build.rs` lists them).
//!
//! Each becomes an sqlx `Migration` as sqlx's own `migrate!` would make it, checksum included,
//! so a database migrated by an earlier build that used the macro opens unchanged; a test
//! compares the two against the files.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

use sqlx::error::BoxDynError;
use sqlx::migrate::{MigrateError, Migration, MigrationSource, MigrationType, Migrator};

use crate::Backend;

mod list {
    include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
}

/// The list of a back end: version, description, text.
fn list(backend: Backend) -> &'static [(i64, &'static str, &'static str)] {
    match backend {
        Backend::Sqlite => list::SQLITE,
        Backend::Postgres => list::POSTGRES,
    }
}

/// The migrations built into the binary, as a source sqlx's migrator resolves.
#[derive(Debug)]
struct BuiltIn(Backend);

impl<'s> MigrationSource<'s> for BuiltIn {
    fn resolve(
        self,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, BoxDynError>> + Send + 's>> {
        let migrations = list(self.0)
            .iter()
            .map(|&(version, description, sql)| {
                Migration::new(
                    version,
                    Cow::Borrowed(description),
                    MigrationType::Simple,
                    Cow::Borrowed(sql),
                    // sqlx's rule: a file that starts so runs outside a transaction.
                    sql.starts_with("-- no-transaction"),
                )
            })
            .collect();
        Box::pin(std::future::ready(Ok(migrations)))
    }
}

/// The migrator of a back end.
pub(crate) async fn migrator(backend: Backend) -> Result<Migrator, MigrateError> {
    Migrator::new(BuiltIn(backend)).await
}

/// The latest migration this build knows for a back end.
pub(crate) fn latest(backend: Backend) -> i64 {
    list(backend).iter().map(|m| m.0).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// What sqlx's `migrate!` embedded is what sqlx resolves from the files at run time: the
    /// built-in list must give the same versions, descriptions, texts and checksums.
    #[tokio::test]
    async fn the_built_in_migrations_are_those_sqlx_reads_from_the_files() {
        for (backend, dir) in [(Backend::Sqlite, "sqlite"), (Backend::Postgres, "postgres")] {
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("migrations")
                .join(dir);
            let from_files = Migrator::new(path.as_path())
                .await
                .expect("the files resolve");
            let built_in = migrator(backend).await.expect("the built-in list resolves");
            // The checksum is sqlx's SHA-384 of the text: equal checksums, equal texts.
            let key = |m: &Migration| {
                let checksum: String = m.checksum.iter().map(|b| format!("{b:02x}")).collect();
                let kind = format!("{:?}", m.migration_type);
                (
                    m.version,
                    m.description.to_string(),
                    kind,
                    checksum,
                    m.no_tx,
                )
            };
            let a: Vec<_> = from_files.iter().map(key).collect();
            let b: Vec<_> = built_in.iter().map(key).collect();
            assert!(
                a.len() >= 19,
                "{dir}: {} migrations read from the files",
                a.len()
            );
            assert_eq!(a, b, "{dir}: the built-in migrations differ from the files");
            assert_eq!(latest(backend), a.last().expect("one at least").0);
        }
    }
}
