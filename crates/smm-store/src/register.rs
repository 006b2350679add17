//! The public register: every attestation's searchable facts (vendor, issuer, product line,
//! products and versions, dates, revocation), copied out of its signed statement once, when it
//! is stored, into `register_entries` and `register_products`. A search reads only those
//! columns, through indexes; it never opens an envelope.
//!
//! Names are matched case-insensitively by prefix: both sides are folded to lower case here (in
//! Rust, Unicode-aware, so SQLite and PostgreSQL agree) and a prefix becomes a range
//! `[prefix, successor)` of the folded column. `%` and `_` are therefore ordinary characters.
//!
//! Where an attestation stands ([`RegisterStatus`]) is decided by one rule, [`STATUS_RULES`],
//! from which both the status shown and the status filter are built.

use serde::Serialize;
use sqlx::Row;

use crate::{OrganizationId, Store, StoreError};

/// The searchable facts of an attestation, as its signed statement gives them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisterFields {
    /// The issuing organization's name (the certification body, or the vendor for a
    /// declaration).
    pub issuer: String,
    /// The product line, when the attestation covers one.
    pub product_line: Option<String>,
    /// Every product covered: name and version.
    pub products: Vec<(String, String)>,
    /// The day of issue, `YYYY-MM-DD`.
    pub issued: String,
    /// The last day of validity, `YYYY-MM-DD`.
    pub valid_until: String,
}

impl RegisterFields {
    /// The facts of a signed statement.
    pub fn of(statement: &smm_cert::Attestation) -> RegisterFields {
        RegisterFields {
            issuer: statement.issuer.name.clone(),
            product_line: statement.covers.product_line.clone(),
            products: statement
                .covers
                .products
                .iter()
                .map(|p| (p.name.clone(), p.version.clone()))
                .collect(),
            issued: statement.issued.clone(),
            valid_until: statement.valid_until.clone(),
        }
    }

    /// What a newer attestation with the same key supersedes: the same kind, by the same
    /// issuing organization, for the same product line (or, without a line, the same product).
    /// Public so that rows inserted in bulk (the register's benchmark) carry the same key.
    pub fn subject_key(&self, kind: &str, issuer: OrganizationId, serial: &str) -> String {
        match (&self.product_line, self.products.first()) {
            (Some(line), _) => format!("{kind}|{}|line:{}", issuer.0, fold(line)),
            (None, Some((name, _))) => format!("{kind}|{}|product:{}", issuer.0, fold(name)),
            // Nothing named: nothing can supersede it.
            (None, None) => format!("{kind}|{}|serial:{serial}", issuer.0),
        }
    }
}

/// Where an attestation stands in the register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RegisterStatus {
    /// Within its validity, not revoked, and nothing newer replaces it.
    Valid,
    /// Issued with a later day than today.
    NotYetValid,
    /// Past its last day.
    Expired,
    /// Revoked by its issuer.
    Revoked,
    /// A newer attestation of the same kind by the same issuer, for the same product line or
    /// product, was issued and is not revoked.
    Superseded,
}

impl RegisterStatus {
    /// Every status, as the API spells them.
    pub const ALL: [RegisterStatus; 5] = [
        RegisterStatus::Valid,
        RegisterStatus::NotYetValid,
        RegisterStatus::Expired,
        RegisterStatus::Revoked,
        RegisterStatus::Superseded,
    ];

    /// The word used in the API and stored queries.
    pub fn as_str(self) -> &'static str {
        match self {
            RegisterStatus::Valid => "valid",
            RegisterStatus::NotYetValid => "not-yet-valid",
            RegisterStatus::Expired => "expired",
            RegisterStatus::Revoked => "revoked",
            RegisterStatus::Superseded => "superseded",
        }
    }

    /// The status a word names.
    pub fn parse(word: &str) -> Option<RegisterStatus> {
        RegisterStatus::ALL.into_iter().find(|s| s.as_str() == word)
    }
}

/// The rule, in order of precedence: the first condition that holds decides; none holding means
/// [`RegisterStatus::Valid`]. A revocation outranks everything; an attestation past its last
/// day is expired whether or not something replaced it; "superseded" is reserved for one still
/// within its dates. `$T` stands for today (`YYYY-MM-DD`); `e` is the attestation's row.
pub const STATUS_RULES: [(RegisterStatus, &str); 4] = [
    (RegisterStatus::Revoked, "e.revoked_at IS NOT NULL"),
    (RegisterStatus::Expired, "e.valid_until < $T"),
    (RegisterStatus::NotYetValid, "e.issued > $T"),
    (
        RegisterStatus::Superseded,
        "EXISTS (SELECT 1 FROM register_entries n WHERE n.subject_key = e.subject_key \
         AND n.certificate_id > e.certificate_id AND n.revoked_at IS NULL)",
    ),
];

/// The newest attestation that supersedes `e` (its serial), if any.
const SUPERSEDED_BY: &str = "(SELECT n.serial FROM register_entries n \
     WHERE n.subject_key = e.subject_key AND n.certificate_id > e.certificate_id \
     AND n.revoked_at IS NULL ORDER BY n.certificate_id DESC LIMIT 1)";

/// The SQL condition that holds exactly for attestations of `status` under [`STATUS_RULES`].
fn status_condition(status: RegisterStatus) -> String {
    let mut parts = Vec::new();
    for (rule_status, condition) in STATUS_RULES {
        if rule_status == status {
            parts.push(format!("({condition})"));
            return parts.join(" AND ");
        }
        parts.push(format!("NOT ({condition})"));
    }
    parts.join(" AND ")
}

/// The status of the row `e`, as an SQL expression.
fn status_expression() -> String {
    let mut sql = String::from("CASE");
    for (status, condition) in STATUS_RULES {
        sql.push_str(&format!(" WHEN {condition} THEN '{}'", status.as_str()));
    }
    sql.push_str(" ELSE 'valid' END");
    sql
}

/// A name as compared: trimmed and in lower case.
pub fn fold(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The least string greater than every string that starts with `prefix` (`None` when there is
/// none, for a prefix of nothing but the last code point): with it, "starts with" is a range
/// an index answers.
fn prefix_end(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = match u32::from(last) + 1 {
            0xD800 => Some('\u{E000}'),
            n => char::from_u32(n),
        };
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// How many of the newest attestations a search by name walks in id order before it looks the
/// older matches up by name.
pub const RECENT_WINDOW: i64 = 2_000;

/// How one step of a search reads the register.
enum Walk {
    /// From the newest entry down, for as long as it takes.
    Newest,
    /// From the newest entry down to the id `from`, no further.
    Recent { from: i64 },
    /// The matches of the name filters, found by their index and sorted.
    ByName,
    /// For each of a few names (`column` equal to each of `keys`, all those its prefix
    /// matches), that name's entries from the newest down, merged.
    ByKeys {
        column: &'static str,
        keys: Vec<String>,
    },
}

/// At most this many names a prefix may match for a search to walk each name's entries from
/// its newest (see [`Walk::ByKeys`]); beyond, the matches are found and sorted.
pub const MAX_KEYS: usize = 16;

/// What to search for; every filter is optional and they combine (all must match).
#[derive(Clone, Debug, Default)]
pub struct RegisterQuery {
    /// The vendor's name starts with this (case-insensitive).
    pub vendor: Option<String>,
    /// A covered product's name starts with this.
    pub product: Option<String>,
    /// The product line's name starts with this.
    pub line: Option<String>,
    /// The issuer's name starts with this.
    pub issuer: Option<String>,
    /// `certificate` or `declaration`.
    pub kind: Option<String>,
    /// Only attestations that stand so today.
    pub status: Option<RegisterStatus>,
    /// Only attestations older than this one (the store's id of the last one seen).
    pub before: Option<i64>,
    /// At most this many.
    pub limit: i64,
}

impl RegisterQuery {
    /// The same query, at most `limit` results.
    pub fn with_limit(self, limit: i64) -> RegisterQuery {
        RegisterQuery { limit, ..self }
    }
}

/// One attestation as the register shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RegisterEntry {
    /// The store's id (for the next page; not shown).
    #[serde(skip)]
    pub id: i64,
    /// The statement's serial.
    pub serial: String,
    /// `certificate` or `declaration`.
    pub kind: String,
    /// The organization that owns the attested products.
    pub vendor: String,
    /// The organization that signed it.
    pub issuer: String,
    /// The product line, if it covers one.
    pub product_line: Option<String>,
    /// Every product and version covered.
    pub products: Vec<(String, String)>,
    /// Day of issue.
    pub issued: String,
    /// Last day of validity.
    pub valid_until: String,
    /// When the server stored it (RFC 3339).
    pub stored_at: String,
    /// When it was revoked, if it was (RFC 3339).
    pub revoked_at: Option<String>,
    /// Where it stands today.
    pub status: RegisterStatus,
    /// The serial of the newest attestation that supersedes it, if one does.
    pub superseded_by: Option<String>,
}

/// A value for a placeholder.
enum Value {
    Text(String),
    Number(i64),
}

/// Placeholders numbered as they are added, with their values.
#[derive(Default)]
struct Binds {
    values: Vec<Value>,
}

impl Binds {
    fn push(&mut self, value: String) -> String {
        self.values.push(Value::Text(value));
        format!("${}", self.values.len())
    }

    fn number(&mut self, value: i64) -> String {
        self.values.push(Value::Number(value));
        format!("${}", self.values.len())
    }

    async fn fetch(&self, store: &Store, sql: &str) -> Result<Vec<RegisterEntry>, StoreError> {
        // Not prepared for reuse: PostgreSQL then plans each search with its own names. A
        // reused statement gets a generic plan that takes any prefix for a rare one, and
        // walked 10,000 entries of a common vendor one by one (docs/performance.md).
        let mut q = sqlx::query(sql).persistent(false);
        for value in &self.values {
            q = match value {
                Value::Text(text) => q.bind(text.as_str()),
                Value::Number(n) => q.bind(*n),
            };
        }
        let rows = q.fetch_all(&store.pool).await?;
        rows.iter().map(entry_from).collect()
    }
}

/// The columns [`entry_from`] reads, in order; `$T` is today.
fn entry_columns() -> String {
    format!(
        "e.certificate_id, e.serial, e.kind, e.vendor, e.issuer, e.product_line, e.products, \
         e.issued, e.valid_until, e.created_at, e.revoked_at, {}, {SUPERSEDED_BY}",
        status_expression()
    )
}

fn entry_from(row: &sqlx::any::AnyRow) -> Result<RegisterEntry, StoreError> {
    let products: String = row.try_get(6)?;
    let products: Vec<(String, String)> = serde_json::from_str(&products)
        .map_err(|e| StoreError::Corrupt(format!("register products: {e}")))?;
    let status: String = row.try_get(11)?;
    let superseded_by: Option<String> = row.try_get(12)?;
    let status = RegisterStatus::parse(&status)
        .ok_or_else(|| StoreError::Corrupt(format!("register status `{status}`")))?;
    Ok(RegisterEntry {
        id: row.try_get(0)?,
        serial: row.try_get(1)?,
        kind: row.try_get(2)?,
        vendor: row.try_get(3)?,
        issuer: row.try_get(4)?,
        product_line: row.try_get(5)?,
        products,
        issued: row.try_get(7)?,
        valid_until: row.try_get(8)?,
        stored_at: row.try_get(9)?,
        revoked_at: row.try_get(10)?,
        superseded_by: superseded_by.filter(|_| status == RegisterStatus::Superseded),
        status,
    })
}

/// An attestation to add to the register.
pub(crate) struct Registered<'a> {
    pub id: i64,
    pub serial: &'a str,
    pub kind: &'a str,
    pub vendor: OrganizationId,
    pub issuer: OrganizationId,
    pub created_at: &'a str,
    pub revoked_at: Option<&'a str>,
    pub fields: &'a RegisterFields,
}

/// Adds an attestation's register rows, in the caller's transaction.
pub(crate) async fn insert(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    new: &Registered<'_>,
) -> Result<(), StoreError> {
    let vendor: String = sqlx::query("SELECT name FROM organizations WHERE id = $1")
        .bind(new.vendor.0)
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)?;
    let f = new.fields;
    let products = serde_json::to_string(&f.products)
        .map_err(|e| StoreError::Invalid(format!("products: {e}")))?;
    sqlx::query(
        "INSERT INTO register_entries (certificate_id, serial, kind, vendor, vendor_key, issuer, \
         issuer_key, product_line, line_key, products, subject_key, issued, valid_until, \
         created_at, revoked_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(new.id)
    .bind(new.serial)
    .bind(new.kind)
    .bind(&vendor)
    .bind(fold(&vendor))
    .bind(&f.issuer)
    .bind(fold(&f.issuer))
    .bind(f.product_line.as_deref())
    .bind(f.product_line.as_deref().map(fold))
    .bind(&products)
    .bind(f.subject_key(new.kind, new.issuer, new.serial))
    .bind(&f.issued)
    .bind(&f.valid_until)
    .bind(new.created_at)
    .bind(new.revoked_at)
    .execute(&mut **tx)
    .await?;
    for (position, (name, _)) in f.products.iter().enumerate() {
        sqlx::query(
            "INSERT INTO register_products (certificate_id, position, name_key) VALUES ($1, $2, $3)",
        )
        .bind(new.id)
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .bind(fold(name))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Marks an attestation revoked in the register, in the revocation's transaction.
pub(crate) async fn revoke(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: i64,
    at: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE register_entries SET revoked_at = $1 WHERE certificate_id = $2")
        .bind(at)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The condition "`column` starts with `prefix`" (folded), as a range.
fn starts_with(binds: &mut Binds, column: &str, prefix: &str) -> String {
    let folded = fold(prefix);
    let low = binds.push(folded.clone());
    match prefix_end(&folded) {
        Some(end) => {
            let high = binds.push(end);
            format!("{column} >= {low} AND {column} < {high}")
        }
        None => format!("{column} >= {low}"),
    }
}

/// The filters of `query` other than the page, as SQL conditions on `e`.
fn filters(binds: &mut Binds, query: &RegisterQuery, today: &str) -> Vec<String> {
    let mut conditions = Vec::new();
    if let Some(vendor) = &query.vendor {
        conditions.push(starts_with(binds, "e.vendor_key", vendor));
    }
    if let Some(issuer) = &query.issuer {
        conditions.push(starts_with(binds, "e.issuer_key", issuer));
    }
    if let Some(line) = &query.line {
        conditions.push(starts_with(binds, "e.line_key", line));
    }
    if let Some(product) = &query.product {
        let range = starts_with(binds, "p.name_key", product);
        conditions.push(format!(
            "e.certificate_id IN (SELECT p.certificate_id FROM register_products p WHERE {range})"
        ));
    }
    if let Some(kind) = &query.kind {
        let kind = binds.push(kind.clone());
        conditions.push(format!("e.kind = {kind}"));
    }
    if let Some(status) = query.status {
        let today = binds.push(today.to_string());
        conditions.push(status_condition(status).replace("$T", &today));
    }
    conditions
}

impl Store {
    /// Attestations matching `query`, newest first, as they stand on `today` (`YYYY-MM-DD`).
    ///
    /// A search by name reads in two steps, because no single order suits every name: walking
    /// the register from its newest entry finds a common name at once but reads nearly all of
    /// it for a name whose attestations are all old, and starting from the name's index is the
    /// reverse. So the newest [`RECENT_WINDOW`] ids (below the page's start) are walked first,
    /// and only when they do not fill the page are the older matches looked up by name and
    /// sorted (docs/performance.md, "A million assessments on PostgreSQL").
    pub async fn register_search(
        &self,
        query: &RegisterQuery,
        today: &str,
    ) -> Result<Vec<RegisterEntry>, StoreError> {
        self.register_search_walking(query, today, RECENT_WINDOW, MAX_KEYS)
            .await
    }

    /// [`Store::register_search`] with another window than [`RECENT_WINDOW`] and another
    /// bound than [`MAX_KEYS`]: the answer must not depend on them, which tests check with a
    /// few entries, windows of every size, and every way of reading.
    pub async fn register_search_walking(
        &self,
        query: &RegisterQuery,
        today: &str,
        window: i64,
        max_keys: usize,
    ) -> Result<Vec<RegisterEntry>, StoreError> {
        let by_name = query.vendor.is_some()
            || query.issuer.is_some()
            || query.line.is_some()
            || query.product.is_some();
        if !by_name {
            return self.register_page(query, today, Walk::Newest).await;
        }
        let top = match query.before {
            Some(before) => before,
            None => {
                let newest: Option<i64> =
                    sqlx::query("SELECT MAX(certificate_id) FROM register_entries")
                        .fetch_one(&self.pool)
                        .await?
                        .try_get(0)?;
                newest.unwrap_or(0) + 1
            }
        };
        let floor = top.saturating_sub(window.max(1));
        let mut found = self
            .register_page(query, today, Walk::Recent { from: floor })
            .await?;
        let missing = query.limit - i64::try_from(found.len()).unwrap_or(i64::MAX);
        if missing > 0 && floor > 0 {
            let older = RegisterQuery {
                before: Some(floor),
                limit: missing,
                ..query.clone()
            };
            let walk = match self.fewest_keys(query, max_keys).await? {
                Some((column, keys)) => Walk::ByKeys { column, keys },
                None => Walk::ByName,
            };
            found.extend(self.register_page(&older, today, walk).await?);
        }
        Ok(found)
    }

    /// Of the name filters on the register's own columns (vendor, product line, issuer), the
    /// one whose prefix matches the fewest names, with those names, if it matches at most
    /// [`MAX_KEYS`]: each name's entries are then walked from its newest by the name's index,
    /// which holds them in id order. (A product name cannot lead: one attestation may cover
    /// several products of the same name.)
    async fn fewest_keys(
        &self,
        query: &RegisterQuery,
        max_keys: usize,
    ) -> Result<Option<(&'static str, Vec<String>)>, StoreError> {
        let mut best: Option<(&'static str, Vec<String>)> = None;
        for (column, prefix) in [
            ("vendor_key", &query.vendor),
            ("line_key", &query.line),
            ("issuer_key", &query.issuer),
        ] {
            let Some(prefix) = prefix else { continue };
            let keys = self.keys_with_prefix(column, prefix).await?;
            if keys.len() <= max_keys && best.as_ref().is_none_or(|(_, b)| keys.len() < b.len()) {
                best = Some((column, keys));
            }
        }
        Ok(best)
    }

    /// The distinct values of `column` (one of the register's name keys, never user input)
    /// that start with `prefix`, up to one more than [`MAX_KEYS`]: each found from the one
    /// before by the column's index, without reading the entries between.
    async fn keys_with_prefix(
        &self,
        column: &'static str,
        prefix: &str,
    ) -> Result<Vec<String>, StoreError> {
        let low = fold(prefix);
        let high = prefix_end(&low);
        let below = if high.is_some() {
            format!(" AND {column} < $2")
        } else {
            String::new()
        };
        let sql = format!(
            "WITH RECURSIVE k(key, n) AS ( \
               SELECT MIN({column}), 1 FROM register_entries WHERE {column} >= $1{below} \
               UNION ALL \
               SELECT (SELECT MIN({column}) FROM register_entries \
                   WHERE {column} > k.key{below}), k.n + 1 \
               FROM k WHERE k.key IS NOT NULL AND k.n <= {MAX_KEYS}) \
             SELECT key FROM k WHERE key IS NOT NULL"
        );
        let mut q = sqlx::query(&sql).bind(low);
        if let Some(high) = high {
            q = q.bind(high);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| Ok(r.try_get::<String, _>(0)?))
            .collect()
    }

    /// One step of a search: the page's ids first, then their columns. SQLite computes a row's
    /// columns (the status subqueries among them) before it sorts, so a filter matching
    /// thousands would pay for each of them. CROSS JOIN keeps SQLite from scanning the whole
    /// register in order and looking each row up in the page; PostgreSQL plans it as any join.
    async fn register_page(
        &self,
        query: &RegisterQuery,
        today: &str,
        walk: Walk,
    ) -> Result<Vec<RegisterEntry>, StoreError> {
        let mut binds = Binds::default();
        let today_bind = binds.push(today.to_string());
        let mut conditions = filters(&mut binds, query, today);
        if let Some(before) = query.before {
            let before = binds.number(before);
            conditions.push(format!("e.certificate_id < {before}"));
        }
        if let Walk::Recent { from } = walk {
            let from = binds.number(from);
            conditions.push(format!("e.certificate_id >= {from}"));
        }
        let limit = binds.number(query.limit);
        let page = match &walk {
            Walk::ByKeys { column, keys } => {
                if keys.is_empty() {
                    return Ok(Vec::new());
                }
                let mut branches = Vec::new();
                for (n, key) in keys.iter().enumerate() {
                    let mut each = conditions.clone();
                    each.push(format!("e.{column} = {}", binds.push(key.clone())));
                    branches.push(format!(
                        "SELECT id FROM (SELECT e.certificate_id AS id FROM register_entries e \
                         {} ORDER BY e.certificate_id DESC LIMIT {limit}) b{n}",
                        where_clause(&each)
                    ));
                }
                format!(
                    "SELECT id FROM ({}) u ORDER BY id DESC LIMIT {limit}",
                    branches.join(" UNION ALL ")
                )
            }
            // `+ 0` hides the id's order from the planner, so it starts from the name's index
            // (both PostgreSQL and SQLite honour this) and sorts the matches.
            Walk::ByName => in_order(&conditions, "e.certificate_id + 0", &limit),
            Walk::Newest | Walk::Recent { .. } => in_order(&conditions, "e.certificate_id", &limit),
        };
        let sql = format!(
            "SELECT {} FROM ({page}) page \
             CROSS JOIN register_entries e WHERE e.certificate_id = page.id \
             ORDER BY e.certificate_id DESC",
            entry_columns().replace("$T", &today_bind),
        );
        binds.fetch(self, &sql).await
    }

    /// The newest revocations of attestations matching `query` (its status and page ignored),
    /// newest first: what a feed reports besides new attestations.
    pub async fn register_revocations(
        &self,
        query: &RegisterQuery,
        today: &str,
    ) -> Result<Vec<RegisterEntry>, StoreError> {
        let mut binds = Binds::default();
        let today_bind = binds.push(today.to_string());
        let unfiltered = RegisterQuery {
            status: None,
            before: None,
            ..query.clone()
        };
        let mut conditions = filters(&mut binds, &unfiltered, today);
        conditions.push("e.revoked_at IS NOT NULL".to_string());
        let limit = binds.number(query.limit);
        let sql = format!(
            "SELECT {} FROM register_entries e {} ORDER BY e.revoked_at DESC, e.certificate_id DESC \
             LIMIT {limit}",
            entry_columns().replace("$T", &today_bind),
            where_clause(&conditions),
        );
        binds.fetch(self, &sql).await
    }

    /// One attestation's register entry, by serial, as it stands on `today`: what the public
    /// page shows as its status, by the same rule as the register.
    pub async fn register_entry(
        &self,
        serial: &str,
        today: &str,
    ) -> Result<Option<RegisterEntry>, StoreError> {
        let sql = format!(
            "SELECT {} FROM register_entries e WHERE e.serial = $2",
            entry_columns().replace("$T", "$1")
        );
        let row = sqlx::query(&sql)
            .bind(today)
            .bind(serial)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(entry_from).transpose()
    }

    /// Adds to the register every stored attestation that is not in it (those stored before
    /// the register existed), reading each one's statement from its envelope once. An envelope
    /// that cannot be read is left out (and counted): the register only lists what it can
    /// describe. Returns how many were added and how many were left out.
    pub async fn fill_register(&self) -> Result<(usize, usize), StoreError> {
        const MISSING: &str =
            "FROM certificates c LEFT JOIN revocations r ON r.certificate_id = c.id \
             WHERE NOT EXISTS (SELECT 1 FROM register_entries e WHERE e.certificate_id = c.id)";
        // Done once (migration 0017): then a store of any size opens without comparing every
        // certificate with the register, and without the write lock.
        const DONE: &str = "SELECT 1 FROM store_upkeep WHERE task = 'register'";
        if sqlx::query(DONE)
            .fetch_optional(&self.pool)
            .await?
            .is_some()
        {
            return Ok((0, 0));
        }
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        // Read again under the write lock: another server opening the same database at the
        // same moment may have done it already.
        if sqlx::query(DONE).fetch_optional(&mut *tx).await?.is_some() {
            return Ok((0, 0));
        }
        let rows = sqlx::query(&format!(
            "SELECT c.id, c.serial, c.kind, c.organization_id, \
             COALESCE(c.issuer_organization_id, c.organization_id), c.created_at, c.envelope, \
             r.created_at {MISSING} ORDER BY c.id"
        ))
        .fetch_all(&mut *tx)
        .await?;
        let (mut added, mut left_out) = (0, 0);
        for row in &rows {
            let envelope: String = row.try_get(6)?;
            let statement = serde_json::from_str::<smm_cert::Envelope>(&envelope)
                .ok()
                .and_then(|e| smm_cert::Statement::from_own_envelope(&e).ok());
            let Some(statement) = statement else {
                left_out += 1;
                continue;
            };
            let (serial, kind, created_at): (String, String, String) =
                (row.try_get(1)?, row.try_get(2)?, row.try_get(5)?);
            let revoked_at: Option<String> = row.try_get(7)?;
            insert(
                &mut tx,
                &Registered {
                    id: row.try_get(0)?,
                    serial: &serial,
                    kind: &kind,
                    vendor: OrganizationId(row.try_get(3)?),
                    issuer: OrganizationId(row.try_get(4)?),
                    created_at: &created_at,
                    revoked_at: revoked_at.as_deref(),
                    fields: &RegisterFields::of(&statement.predicate),
                },
            )
            .await?;
            added += 1;
        }
        sqlx::query("INSERT INTO store_upkeep (task, done_at) VALUES ('register', $1)")
            .bind(crate::store::now())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok((added, left_out))
    }

    /// The store's id of the attestation with this serial, if the register holds it: where a
    /// page that ended with it continues.
    pub async fn register_position(&self, serial: &str) -> Result<Option<i64>, StoreError> {
        let row = sqlx::query("SELECT certificate_id FROM register_entries WHERE serial = $1")
            .bind(serial)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }
}

/// The ids of the entries that meet `conditions`, the first `limit` by `order` descending.
fn in_order(conditions: &[String], order: &str, limit: &str) -> String {
    format!(
        "SELECT e.certificate_id AS id FROM register_entries e {} \
         ORDER BY {order} DESC LIMIT {limit}",
        where_clause(conditions)
    )
}

fn where_clause(conditions: &[String]) -> String {
    if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_range_holds_exactly_the_names_that_start_with_it() {
        let end = prefix_end("acme").expect("an end");
        assert_eq!(end, "acmf");
        for name in ["acme", "acme corp", "acme\u{10FFFF}x"] {
            assert!(name >= "acme" && name < end.as_str(), "{name}");
        }
        for name in ["acmd", "acmf", "acn", "b"] {
            assert!(!(name >= "acme" && name < end.as_str()), "{name}");
        }
        // The last code point has no successor: the one before it is raised instead.
        assert_eq!(prefix_end("a\u{10FFFF}").as_deref(), Some("b"));
        assert_eq!(prefix_end("\u{10FFFF}"), None);
        // Surrogates are no characters: the successor of U+D7FF is U+E000.
        assert_eq!(prefix_end("\u{D7FF}").as_deref(), Some("\u{E000}"));
    }

    #[test]
    fn each_status_condition_excludes_the_rules_before_it() {
        let superseded = status_condition(RegisterStatus::Superseded);
        assert!(superseded.starts_with("NOT (e.revoked_at IS NOT NULL) AND NOT (e.valid_until"));
        assert!(superseded.ends_with("AND n.revoked_at IS NULL))"));
        assert_eq!(
            status_condition(RegisterStatus::Revoked),
            "(e.revoked_at IS NOT NULL)"
        );
        let valid = status_condition(RegisterStatus::Valid);
        assert_eq!(valid.matches("NOT (").count(), STATUS_RULES.len());
    }

    #[test]
    fn names_are_folded_without_regard_to_case() {
        assert_eq!(fold("  ÄCME Sensors "), "äcme sensors");
        for status in RegisterStatus::ALL {
            assert_eq!(RegisterStatus::parse(status.as_str()), Some(status));
        }
    }
}
