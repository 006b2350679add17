//! The transparency log's public endpoints: no sign-in, as anyone (a customer, a monitor, a
//! witness) must be able to check what the log holds. See docs/transparency.md.

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use smm_cert::tlog::merkle::{leaf_hash, Hash};
use smm_store::StoredLogEntry;

use crate::app::transparency as log;
use crate::extract::{ApiPath, ApiQuery};
use crate::problem::Problem;
use crate::state::AppState;

/// A count or index from the query: never negative.
fn natural(value: i64, field: &str) -> Result<u64, Problem> {
    u64::try_from(value).map_err(|_| {
        Problem::new(
            axum::http::StatusCode::BAD_REQUEST,
            format!("{field} must be 0 or more"),
        )
        .with_field(field)
    })
}

fn b64(hashes: &[Hash]) -> Vec<String> {
    hashes.iter().map(|h| STANDARD.encode(h)).collect()
}

/// What a monitor needs to follow the log.
#[derive(Serialize, ToSchema)]
pub struct LogView {
    /// The log's name, the first line of every checkpoint.
    pub origin: String,
    /// The key its checkpoints are signed with, as a C2SP signed-note verifier key
    /// (`<origin>+<key id>+<base64 key>`).
    pub verifier_key: String,
    /// The latest checkpoint's size.
    pub size: u64,
    /// The latest checkpoint's root hash (base64).
    pub root: String,
    /// The latest checkpoint, a signed note.
    pub checkpoint: String,
    /// The key the audit log's checkpoints are signed with (`GET /api/log/audit-checkpoint`):
    /// the same key under the name `<origin>/audit`, as a verifier key.
    pub audit_verifier_key: String,
}

/// The log: its name, its key and its latest checkpoint.
#[utoipa::path(get, path = "/api/log", tag = "transparency",
    responses((status = 200, body = LogView)))]
pub async fn info(State(state): State<AppState>) -> Result<Json<LogView>, Problem> {
    let checkpoint = log::checkpoint(&state).await?;
    Ok(Json(LogView {
        origin: state.log.origin.clone(),
        verifier_key: state.log.verifier.encode(),
        size: checkpoint.size,
        root: STANDARD.encode(checkpoint.root),
        checkpoint: checkpoint.note.to_string(),
        audit_verifier_key: state.log.audit_verifier.encode(),
    }))
}

/// The latest signed checkpoint of the server's audit log (C2SP tlog-checkpoint, origin
/// `<origin>/audit`): its size and the Merkle root of its entries' hashes. Asking checks the
/// log (at most once a minute) and signs a new checkpoint when it grew and holds. Keep copies:
/// `smm audit verify --checkpoint` finds any entry changed or removed before one was signed.
#[utoipa::path(get, path = "/api/log/audit-checkpoint", tag = "transparency",
    responses((status = 200, description = "The signed checkpoint", content_type = "text/plain", body = String),
        (status = 404, description = "No checkpoint was signed: the audit log does not hold", body = Problem)))]
pub async fn audit_checkpoint(State(state): State<AppState>) -> Result<Response, Problem> {
    state.audit.status(&state.store, &state.log, false).await;
    let note = state
        .store
        .latest_audit_checkpoint()
        .await?
        .ok_or_else(|| {
            Problem::new(
                axum::http::StatusCode::NOT_FOUND,
                "no checkpoint of the audit log was signed: the log does not hold".to_string(),
            )
        })?;
    let mut response = note.note.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    Ok(response)
}

/// The latest checkpoint as a signed note (C2SP tlog-checkpoint), for tools that read one.
#[utoipa::path(get, path = "/api/log/checkpoint", tag = "transparency",
    responses((status = 200, description = "The signed checkpoint", content_type = "text/plain", body = String)))]
pub async fn checkpoint(State(state): State<AppState>) -> Result<Response, Problem> {
    let checkpoint = log::checkpoint(&state).await?;
    let mut response = checkpoint.note.to_string().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    Ok(response)
}

/// Which entries.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EntriesQuery {
    /// The first entry's index (0 if not given).
    #[param(minimum = 0)]
    pub start: Option<i64>,
    /// At most this many (1 to 1000; 100 if not given).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
}

/// One entry of the log.
#[derive(Serialize, ToSchema)]
pub struct EntryView {
    /// Its index, from 0.
    pub index: u64,
    /// `attestation` or `revocation`.
    pub kind: String,
    /// The attestation's serial.
    pub serial: String,
    /// The entry's bytes (canonical JSON of the attestation's envelope, or of the revocation).
    pub data: String,
    /// Its leaf hash, SHA-256 of a zero byte and the data (base64).
    pub leaf_hash: String,
    /// When it was appended.
    pub appended_at: String,
}

impl From<StoredLogEntry> for EntryView {
    fn from(e: StoredLogEntry) -> EntryView {
        EntryView {
            leaf_hash: STANDARD.encode(leaf_hash(e.data.as_bytes())),
            index: e.index,
            kind: e.kind,
            serial: e.serial,
            data: e.data,
            appended_at: e.created_at,
        }
    }
}

/// Entries in order, from `start`.
#[utoipa::path(get, path = "/api/log/entries", tag = "transparency",
    params(EntriesQuery),
    responses((status = 200, body = Vec<EntryView>), (status = 400, body = Problem)))]
pub async fn entries(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<EntriesQuery>,
) -> Result<Json<Vec<EntryView>>, Problem> {
    let start = natural(query.start.unwrap_or(0), "start")?;
    let limit = natural(query.limit.unwrap_or(100), "limit")?;
    let found = log::entries(&state, start, limit).await?;
    Ok(Json(found.into_iter().map(EntryView::from).collect()))
}

/// Which inclusion proof.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InclusionQuery {
    /// The entry's index.
    #[param(minimum = 0)]
    pub index: i64,
    /// The log's size to prove against (the current size if not given).
    #[param(minimum = 0)]
    pub size: Option<i64>,
}

/// An inclusion proof (RFC 9162, 2.1.3).
#[derive(Serialize, ToSchema)]
pub struct InclusionView {
    /// The entry's index.
    pub index: u64,
    /// The log's size it is proved against.
    pub size: u64,
    /// The audit path, nearest the leaf first (base64 hashes).
    pub proof: Vec<String>,
}

/// The proof that an entry is in the log at a size.
#[utoipa::path(get, path = "/api/log/proofs/inclusion", tag = "transparency",
    params(InclusionQuery),
    responses((status = 200, body = InclusionView), (status = 400, body = Problem)))]
pub async fn inclusion(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<InclusionQuery>,
) -> Result<Json<InclusionView>, Problem> {
    let index = natural(query.index, "index")?;
    let size = query.size.map(|s| natural(s, "size")).transpose()?;
    let (size, proof) = log::inclusion(&state, index, size).await?;
    Ok(Json(InclusionView {
        index,
        size,
        proof: b64(&proof),
    }))
}

/// Which consistency proof.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ConsistencyQuery {
    /// The older size.
    #[param(minimum = 0)]
    pub old: i64,
    /// The newer size.
    #[param(minimum = 0)]
    pub new: i64,
}

/// A consistency proof (RFC 9162, 2.1.4).
#[derive(Serialize, ToSchema)]
pub struct ConsistencyView {
    /// The older size.
    pub old: u64,
    /// The newer size.
    pub new: u64,
    /// The proof (base64 hashes); empty when a size is 0 or both are equal.
    pub proof: Vec<String>,
}

/// The proof that the log at `old` entries is a prefix of the log at `new`.
#[utoipa::path(get, path = "/api/log/proofs/consistency", tag = "transparency",
    params(ConsistencyQuery),
    responses((status = 200, body = ConsistencyView), (status = 400, body = Problem)))]
pub async fn consistency(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ConsistencyQuery>,
) -> Result<Json<ConsistencyView>, Problem> {
    let (old, new) = (natural(query.old, "old")?, natural(query.new, "new")?);
    let proof = log::consistency(&state, old, new).await?;
    Ok(Json(ConsistencyView {
        old,
        new,
        proof: b64(&proof),
    }))
}

/// An attestation's place in the log.
#[derive(Serialize, ToSchema)]
pub struct LoggedAttestationView {
    /// Its entries: its issue, then any revocation.
    pub entries: Vec<EntryView>,
    /// The proof of its issue against `checkpoint`.
    pub inclusion: InclusionView,
    /// The checkpoint the proof leads to, a signed note.
    pub checkpoint: String,
}

/// Where an attestation is in the log, with the proof of its issue against the latest
/// checkpoint: what a holder keeps beside the attestation to show it was not issued in secret.
#[utoipa::path(get, path = "/api/log/attestations/{serial}", tag = "transparency",
    params(("serial" = String, Path, description = "The attestation's serial")),
    responses((status = 200, body = LoggedAttestationView), (status = 404, body = Problem)))]
pub async fn attestation(
    State(state): State<AppState>,
    ApiPath(serial): ApiPath<String>,
) -> Result<Json<LoggedAttestationView>, Problem> {
    let logged = log::attestation(&state, &serial).await?;
    Ok(Json(LoggedAttestationView {
        entries: logged.entries.into_iter().map(EntryView::from).collect(),
        inclusion: InclusionView {
            index: logged.index,
            size: logged.checkpoint.size,
            proof: b64(&logged.proof),
        },
        checkpoint: logged.checkpoint.note.to_string(),
    }))
}

/// The log proof of an attestation: the file a holder keeps beside it (`_type`
/// `urn:smm:log-proof:v1`, see docs/formats.md) for `smm cert verify --log-proof`, proved against
/// the latest checkpoint. Not found for an attestation issued before the server kept a log.
#[utoipa::path(get, path = "/api/log/attestations/{serial}/proof", tag = "transparency",
    params(("serial" = String, Path, description = "The attestation's serial")),
    responses((status = 200, description = "The log proof (JSON)", content_type = "application/json", body = Object),
        (status = 404, body = Problem)))]
pub async fn attestation_proof(
    State(state): State<AppState>,
    ApiPath(serial): ApiPath<String>,
) -> Result<Response, Problem> {
    let proof = log::log_proof(&state, &serial).await?.ok_or_else(|| {
        Problem::new(
            axum::http::StatusCode::NOT_FOUND,
            format!(
                "attestation {serial} has no log proof: the log does not hold it (it was issued \
                 before this server kept a transparency log, or the serial is unknown)"
            ),
        )
    })?;
    let mut response = (proof.to_json() + "\n").into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(response)
}

/// The transparency log's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(info))
        .routes(routes!(checkpoint))
        .routes(routes!(audit_checkpoint))
        .routes(routes!(entries))
        .routes(routes!(inclusion))
        .routes(routes!(consistency))
        .routes(routes!(attestation))
        .routes(routes!(attestation_proof))
}
