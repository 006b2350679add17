//! One statement, two ways to run it: through sqlx (PostgreSQL, and SQLite's other paths), or
//! directly on an SQLite connection on the caller's own thread ([`crate::direct`]).
//!
//! The store's hottest statements (the access check of every request, the writes of a group
//! commit) are written once, against [`Exec`], with their parameters as [`Param`]s and their rows
//! read through [`Cols`]. Both ways bind `$N` placeholders by their number, as sqlx does, so the
//! same SQL text means the same thing on either.

use std::future::Future;

use sqlx::Row;

use crate::StoreError;

/// A statement's parameter.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Param<'a> {
    /// An integer.
    Int(i64),
    /// A text.
    Text(&'a str),
    /// An integer or NULL.
    OptInt(Option<i64>),
    /// A text or NULL.
    OptText(Option<&'a str>),
    /// Bytes or NULL.
    OptBlob(Option<&'a [u8]>),
}

/// The columns of a result row, by position.
pub(crate) trait Cols {
    /// An integer column.
    fn int(&self, i: usize) -> Result<i64, StoreError>;
    /// A text column.
    fn text(&self, i: usize) -> Result<String, StoreError>;
    /// A text column that may be NULL.
    fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError>;
    /// A column of bytes that may be NULL.
    fn opt_blob(&self, i: usize) -> Result<Option<Vec<u8>>, StoreError>;
}

/// Something statements run on: a connection, in or out of a transaction.
pub(crate) trait Exec: Send {
    /// The first row the statement returns, read by `map`, or `None`.
    fn one<T: Send>(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        map: impl FnOnce(&dyn Cols) -> Result<T, StoreError> + Send,
    ) -> impl Future<Output = Result<Option<T>, StoreError>> + Send;

    /// Every row the statement returns, each read by `map`.
    fn all<T: Send>(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        map: impl FnMut(&dyn Cols) -> Result<T, StoreError> + Send,
    ) -> impl Future<Output = Result<Vec<T>, StoreError>> + Send;

    /// Runs a statement that returns no rows; how many rows it changed.
    fn run(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

// ---- sqlx ----------------------------------------------------------------------------------

fn bound<'q>(
    sql: &'q str,
    params: &[Param<'q>],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    let mut query = sqlx::query(sql);
    for param in params {
        query = match *param {
            Param::Int(v) => query.bind(v),
            Param::Text(v) => query.bind(v),
            Param::OptInt(v) => query.bind(v),
            Param::OptText(v) => query.bind(v),
            Param::OptBlob(v) => query.bind(v),
        };
    }
    query
}

impl Cols for sqlx::any::AnyRow {
    fn int(&self, i: usize) -> Result<i64, StoreError> {
        Ok(self.try_get(i)?)
    }
    fn text(&self, i: usize) -> Result<String, StoreError> {
        Ok(self.try_get(i)?)
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError> {
        Ok(self.try_get(i)?)
    }
    fn opt_blob(&self, i: usize) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.try_get(i)?)
    }
}

impl Exec for sqlx::AnyConnection {
    async fn one<T: Send>(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        map: impl FnOnce(&dyn Cols) -> Result<T, StoreError> + Send,
    ) -> Result<Option<T>, StoreError> {
        let row = bound(sql, params).fetch_optional(&mut *self).await?;
        row.map(|r| map(&r)).transpose()
    }

    async fn all<T: Send>(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        mut map: impl FnMut(&dyn Cols) -> Result<T, StoreError> + Send,
    ) -> Result<Vec<T>, StoreError> {
        let rows = bound(sql, params).fetch_all(&mut *self).await?;
        rows.iter().map(|r| map(r)).collect()
    }

    async fn run(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, StoreError> {
        Ok(bound(sql, params)
            .execute(&mut *self)
            .await?
            .rows_affected())
    }
}

// ---- SQLite, directly ----------------------------------------------------------------------

/// Prepares `sql` (from the connection's cache) and binds `params` to its `$N` placeholders by
/// number, like sqlx's SQLite driver.
fn prepared<'c>(
    conn: &'c rusqlite::Connection,
    sql: &str,
    params: &[Param<'_>],
) -> Result<rusqlite::CachedStatement<'c>, StoreError> {
    let mut statement = conn.prepare_cached(sql)?;
    for index in 1..=statement.parameter_count() {
        let number = match statement.parameter_name(index) {
            Some(name) => name
                .strip_prefix(['$', '?'])
                .and_then(|n| n.parse::<usize>().ok())
                .ok_or_else(|| StoreError::Invalid(format!("parameter `{name}` is not $N")))?,
            None => index,
        };
        let param = number
            .checked_sub(1)
            .and_then(|n| params.get(n))
            .ok_or_else(|| StoreError::Invalid(format!("no value for parameter {number}")))?;
        match *param {
            Param::Int(v) => statement.raw_bind_parameter(index, v)?,
            Param::Text(v) => statement.raw_bind_parameter(index, v)?,
            Param::OptInt(v) => statement.raw_bind_parameter(index, v)?,
            Param::OptText(v) => statement.raw_bind_parameter(index, v)?,
            Param::OptBlob(v) => statement.raw_bind_parameter(index, v)?,
        }
    }
    Ok(statement)
}

impl Cols for rusqlite::Row<'_> {
    fn int(&self, i: usize) -> Result<i64, StoreError> {
        Ok(self.get(i)?)
    }
    fn text(&self, i: usize) -> Result<String, StoreError> {
        Ok(self.get(i)?)
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError> {
        Ok(self.get(i)?)
    }
    fn opt_blob(&self, i: usize) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.get(i)?)
    }
}

/// [`Exec::one`] on an SQLite connection, at once.
pub(crate) fn sqlite_one<T>(
    conn: &rusqlite::Connection,
    sql: &str,
    params: &[Param<'_>],
    map: impl FnOnce(&dyn Cols) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    let mut statement = prepared(conn, sql, params)?;
    let mut rows = statement.raw_query();
    let row = rows.next()?;
    row.map(|r| map(r)).transpose()
}

/// [`Exec::all`] on an SQLite connection, at once.
pub(crate) fn sqlite_all<T>(
    conn: &rusqlite::Connection,
    sql: &str,
    params: &[Param<'_>],
    mut map: impl FnMut(&dyn Cols) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let mut statement = prepared(conn, sql, params)?;
    let mut rows = statement.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(map(row)?);
    }
    Ok(out)
}

/// [`Exec::run`] on an SQLite connection, at once.
pub(crate) fn sqlite_run(
    conn: &rusqlite::Connection,
    sql: &str,
    params: &[Param<'_>],
) -> Result<u64, StoreError> {
    let mut statement = prepared(conn, sql, params)?;
    Ok(statement.raw_execute()? as u64)
}

impl Exec for rusqlite::Connection {
    async fn one<T: Send>(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        map: impl FnOnce(&dyn Cols) -> Result<T, StoreError> + Send,
    ) -> Result<Option<T>, StoreError> {
        sqlite_one(self, sql, params, map)
    }

    async fn all<T: Send>(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        map: impl FnMut(&dyn Cols) -> Result<T, StoreError> + Send,
    ) -> Result<Vec<T>, StoreError> {
        sqlite_all(self, sql, params, map)
    }

    async fn run(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, StoreError> {
        sqlite_run(self, sql, params)
    }
}

/// An SQLite failure, in the shape of a sqlx database error: one mapping of database errors to
/// [`StoreError`] (a unique violation is "exists", busy is "unavailable", …) serves both ways.
#[derive(Debug)]
pub(crate) struct SqliteFailure {
    /// SQLite's extended result code.
    code: i32,
    message: String,
}

impl std::fmt::Display for SqliteFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SqliteFailure {}

impl sqlx::error::DatabaseError for SqliteFailure {
    fn message(&self) -> &str {
        &self.message
    }
    fn code(&self) -> Option<std::borrow::Cow<'_, str>> {
        Some(self.code.to_string().into())
    }
    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }
    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }
    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }
    fn kind(&self) -> sqlx::error::ErrorKind {
        use rusqlite::ffi;
        match self.code {
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                sqlx::error::ErrorKind::UniqueViolation
            }
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => sqlx::error::ErrorKind::ForeignKeyViolation,
            ffi::SQLITE_CONSTRAINT_NOTNULL => sqlx::error::ErrorKind::NotNullViolation,
            ffi::SQLITE_CONSTRAINT_CHECK => sqlx::error::ErrorKind::CheckViolation,
            _ => sqlx::error::ErrorKind::Other,
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        match e {
            rusqlite::Error::SqliteFailure(failure, message) => {
                StoreError::from(sqlx::Error::Database(Box::new(SqliteFailure {
                    code: failure.extended_code,
                    message: message.unwrap_or_else(|| failure.to_string()),
                })))
            }
            other => StoreError::Database(sqlx::Error::Decode(Box::new(other))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn() -> rusqlite::Connection {
        let conn = rusqlite::Connection::open_in_memory().expect("in memory");
        conn.execute_batch(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, note TEXT, \
             n INTEGER CHECK (n >= 0));",
        )
        .expect("table");
        conn
    }

    #[test]
    fn placeholders_bind_by_number_whatever_their_order() {
        let conn = conn();
        let changed = sqlite_run(
            &conn,
            "INSERT INTO t (note, name, n) VALUES ($2, $1, $3)",
            &[Param::Text("a"), Param::OptText(None), Param::Int(4)],
        )
        .expect("statement");
        assert_eq!(changed, 1);
        let row = sqlite_one(
            &conn,
            "SELECT name, note, n FROM t WHERE n = $1 AND name = $2 AND n = $1",
            &[Param::Int(4), Param::Text("a")],
            |r| Ok((r.text(0)?, r.opt_text(1)?, r.int(2)?)),
        )
        .expect("statement");
        assert_eq!(row, Some(("a".to_string(), None, 4)));
        let none = sqlite_one(
            &conn,
            "SELECT id FROM t WHERE name = $1",
            &[Param::Text("b")],
            |r| r.int(0),
        )
        .expect("statement");
        assert_eq!(none, None);
    }

    #[test]
    fn a_missing_value_is_an_error_not_a_null() {
        let conn = conn();
        let e = sqlite_run(
            &conn,
            "INSERT INTO t (name, n) VALUES ($1, $2)",
            &[Param::Text("a")],
        )
        .expect_err("refused");
        assert!(e.to_string().contains("no value for parameter 2"), "{e}");
    }

    #[test]
    fn sqlite_failures_map_as_sqlx_errors_do() {
        let conn = conn();
        let insert = "INSERT INTO t (name, n) VALUES ($1, $2)";
        sqlite_run(&conn, insert, &[Param::Text("a"), Param::Int(1)]).expect("statement");
        let taken =
            sqlite_run(&conn, insert, &[Param::Text("a"), Param::Int(1)]).expect_err("refused");
        assert!(matches!(taken, StoreError::Exists(_)), "{taken:?}");
        let negative =
            sqlite_run(&conn, insert, &[Param::Text("b"), Param::Int(-1)]).expect_err("refused");
        assert!(matches!(negative, StoreError::Invalid(_)), "{negative:?}");
        let bad = sqlite_run(&conn, "INSERT INTO nowhere VALUES (1)", &[]).expect_err("refused");
        assert!(matches!(bad, StoreError::Database(_)), "{bad:?}");
    }

    #[test]
    fn all_rows_come_back_in_order() {
        let conn = conn();
        for (i, name) in ["x", "y", "z"].iter().enumerate() {
            sqlite_run(
                &conn,
                "INSERT INTO t (name, n) VALUES ($1, $2)",
                &[Param::Text(name), Param::Int(i as i64)],
            )
            .expect("statement");
        }
        let names = sqlite_all(
            &conn,
            "SELECT name FROM t WHERE n >= $1 ORDER BY n DESC",
            &[Param::Int(1)],
            |r| r.text(0),
        )
        .expect("statement");
        assert_eq!(names, ["z", "y"]);
    }
}
