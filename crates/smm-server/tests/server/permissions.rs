//! The permission matrix of docs/permissions.md, cell by cell: every role of four kinds of
//! organization against every endpoint, with the exact status each call must get.
//!
//! The objects belong to "client": a system with a target profile, an assessment, an evidence
//! file and certificates. "lab" holds an `assessor` grant on the system, "insurer" a `viewer`
//! grant, "stranger" nothing. The expected answers come from the tables below, written out by
//! hand and never asked of the server's `authz`, so a wrong matrix in the code fails here. Other
//! tests hold the tables to docs/permissions.md and to the OpenAPI document, so an endpoint
//! without a row fails too. Every test runs on SQLite and on PostgreSQL.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};
use smm_store::{DocumentId, OrganizationId, Role, SystemId};

use crate::common::{example, Answer, App};

/// The rows of the matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    Read,
    CreateSystem,
    WriteTarget,
    WriteAssessment,
    UploadEvidence,
    IssueCertificate,
    IssueDeclaration,
    RevokeCertificate,
    RevokeDeclaration,
    ReadAudit,
    ManageMembers,
    ManageTokens,
    ManageGrants,
    ManageKeys,
}

/// The columns of the matrix: the five roles in the owning organization, then what a grantee's
/// members act with, then whether an API token may at all (when its role allows it).
const COLUMNS: [&str; 8] = [
    "owner",
    "assessor",
    "editor",
    "viewer",
    "auditor",
    "assessor grant",
    "viewer grant",
    "API token",
];
const ASSESSOR_GRANT: usize = 5;
const VIEWER_GRANT: usize = 6;
const TOKEN: usize = 7;

const Y: bool = true;
const N: bool = false;

/// The matrix of docs/permissions.md: each action, its name there, and who may.
#[rustfmt::skip]
const MATRIX: [(Action, &str, [bool; 8]); 14] = [
    //                                                    own  ass  edi  vie  aud  a-gr v-gr tok
    (Action::Read,              "read",                     [Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y]),
    (Action::CreateSystem,      "create system or product", [Y,   N,   Y,   N,   N,   N,   N,   Y]),
    (Action::WriteTarget,       "write target profile",     [Y,   N,   Y,   N,   N,   N,   N,   Y]),
    (Action::WriteAssessment,   "write assessment",         [Y,   Y,   Y,   N,   N,   Y,   N,   Y]),
    (Action::UploadEvidence,    "upload evidence",          [Y,   Y,   Y,   N,   N,   Y,   N,   Y]),
    (Action::IssueCertificate,  "issue certificate",        [N,   N,   N,   N,   N,   Y,   N,   Y]),
    (Action::IssueDeclaration,  "sign declaration",         [Y,   Y,   N,   N,   N,   N,   N,   Y]),
    (Action::RevokeCertificate, "revoke certificate",       [N,   N,   N,   N,   N,   Y,   N,   Y]),
    (Action::RevokeDeclaration, "revoke declaration",       [Y,   Y,   N,   N,   N,   N,   N,   Y]),
    (Action::ReadAudit,         "read audit log",           [Y,   N,   N,   N,   Y,   N,   N,   Y]),
    (Action::ManageMembers,     "manage members",           [Y,   N,   N,   N,   N,   N,   N,   N]),
    (Action::ManageTokens,      "manage API tokens",        [Y,   N,   N,   N,   N,   N,   N,   N]),
    (Action::ManageGrants,      "manage grants",            [Y,   N,   N,   N,   N,   N,   N,   N]),
    (Action::ManageKeys,        "manage signing keys",      [Y,   N,   N,   N,   N,   N,   N,   Y]),
];

fn row(action: Action) -> &'static (Action, &'static str, [bool; 8]) {
    MATRIX
        .iter()
        .find(|(a, _, _)| *a == action)
        .expect("every action has a row")
}

fn column_of(role: Role) -> usize {
    match role {
        Role::Owner => 0,
        Role::Assessor => 1,
        Role::Editor => 2,
        Role::Viewer => 3,
        Role::Auditor => 4,
    }
}

/// What an endpoint needs of its caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Need {
    /// Nothing: credentials are ignored.
    Public,
    /// Any session or token.
    AnyCaller,
    /// A session: API tokens are refused.
    Person,
    /// The action in the organization of the path; everyone else gets 404.
    InOrganization(Action),
    /// The action on the system the path leads to, by membership of its owner or a grant.
    OnSystem(Action),
}

impl Need {
    /// The "needs" and "on" cells of the endpoint table.
    fn cells(self) -> (&'static str, &'static str) {
        match self {
            Need::Public => ("public", "—"),
            Need::AnyCaller => ("any caller", "—"),
            Need::Person => ("a signed-in person", "—"),
            Need::InOrganization(a) => (row(a).1, "organization"),
            Need::OnSystem(a) => (row(a).1, "system"),
        }
    }
}

/// One call: an endpoint (as the OpenAPI document names it), what it needs, and its answer when
/// allowed. `PUT /api/documents/{id}` has two, one per kind of document.
struct Case {
    method: &'static str,
    path: &'static str,
    need: Need,
    ok: StatusCode,
}

const fn case(method: &'static str, path: &'static str, need: Need, ok: StatusCode) -> Case {
    Case {
        method,
        path,
        need,
        ok,
    }
}

const OK: StatusCode = StatusCode::OK;
const CREATED: StatusCode = StatusCode::CREATED;
const GONE: StatusCode = StatusCode::NO_CONTENT;
const ACCEPTED: StatusCode = StatusCode::ACCEPTED;

/// The endpoint table of docs/permissions.md.
#[rustfmt::skip]
const CASES: &[Case] = {
    use Action::*;
    use Need::{AnyCaller, InOrganization as InOrg, OnSystem, Person, Public};
    &[
        case("GET",    "/api/health",                             Public,                      OK),
        case("GET",    "/api/ready",                              Public,                      OK),
        case("GET",    "/api/openapi.json",                       Public,                      OK),
        case("POST",   "/api/session",                            Public,                      OK),
        case("GET",    "/api/session",                            AnyCaller,                   OK),
        case("DELETE", "/api/session",                            AnyCaller,                   GONE),
        case("PUT",    "/api/session/password",                   Person,                      GONE),
        case("GET",    "/api/organizations",                      AnyCaller,                   OK),
        case("POST",   "/api/organizations",                      Person,                      CREATED),
        case("GET",    "/api/organizations/{org}",                InOrg(Read),                 OK),
        case("GET",    "/api/organizations/{org}/members",        InOrg(Read),                 OK),
        case("PUT",    "/api/organizations/{org}/members/{name}", InOrg(ManageMembers),        OK),
        case("DELETE", "/api/organizations/{org}/members/{name}", InOrg(ManageMembers),        GONE),
        case("DELETE", "/api/organizations/{org}/members/{name}/sessions", InOrg(ManageMembers), GONE),
        case("GET",    "/api/organizations/{org}/invitations",    InOrg(ManageMembers),        OK),
        case("POST",   "/api/organizations/{org}/invitations",    InOrg(ManageMembers),        CREATED),
        case("DELETE", "/api/organizations/{org}/invitations/{invitation}", InOrg(ManageMembers), GONE),
        case("GET",    "/api/invitations",                        Person,                      OK),
        case("POST",   "/api/invitations/{invitation}/accept",    Person,                      OK),
        case("POST",   "/api/invitations/{invitation}/decline",   Person,                      GONE),
        case("GET",    "/api/organizations/{org}/offers",         InOrg(ManageGrants),         OK),
        case("POST",   "/api/organizations/{org}/offers/{offer}/accept", InOrg(ManageGrants),  OK),
        case("POST",   "/api/organizations/{org}/offers/{offer}/decline", InOrg(ManageGrants), GONE),
        case("GET",    "/api/organizations/{org}/tokens",         InOrg(ManageTokens),         OK),
        case("POST",   "/api/organizations/{org}/tokens",         InOrg(ManageTokens),         CREATED),
        case("DELETE", "/api/organizations/{org}/tokens/{token}", InOrg(ManageTokens),         GONE),
        case("GET",    "/api/organizations/{org}/portfolio",      InOrg(Read),                 OK),
        case("GET",    "/api/organizations/{org}/audit",          InOrg(ReadAudit),            OK),
        case("GET",    "/api/organizations/{org}/systems",        InOrg(Read),                 OK),
        case("POST",   "/api/organizations/{org}/systems",        InOrg(CreateSystem),         CREATED),
        case("GET",    "/api/organizations/{org}/keys",           InOrg(Read),                 OK),
        case("POST",   "/api/organizations/{org}/keys",           InOrg(ManageKeys),           CREATED),
        case("POST",   "/api/organizations/{org}/keys/{keyid}/retire", InOrg(ManageKeys),      OK),
        case("POST",   "/api/organizations/{org}/keys/{keyid}/revoke", InOrg(ManageKeys),      OK),
        case("GET",    "/api/issuers",                            Public,                      OK),
        case("GET",    "/api/schemes",                            Public,                      OK),
        case("GET",    "/api/log",                                Public,                      OK),
        case("GET",    "/api/log/checkpoint",                     Public,                      OK),
        case("GET",    "/api/log/audit-checkpoint",               Public,                      OK),
        case("GET",    "/api/log/entries",                        Public,                      OK),
        case("GET",    "/api/log/proofs/inclusion",               Public,                      OK),
        case("GET",    "/api/log/proofs/consistency",             Public,                      OK),
        case("GET",    "/api/log/attestations/{serial}",          Public,                      OK),
        case("GET",    "/api/log/attestations/{serial}/proof",    Public,                      OK),
        case("GET",    "/api/register",                           Public,                      OK),
        case("GET",    "/api/standards",                          Public,                      OK),
        case("GET",    "/api/standards/{standard}",               Public,                      OK),
        case("GET",    "/api/oscal/catalog",                      Public,                      OK),
        case("GET",    "/api/systems/{id}",                       OnSystem(Read),              OK),
        case("GET",    "/api/systems/{id}/grants",                OnSystem(Read),              OK),
        case("PUT",    "/api/systems/{id}/grants/{organization}", OnSystem(ManageGrants),      ACCEPTED),
        case("DELETE", "/api/systems/{id}/grants/{organization}", OnSystem(ManageGrants),      GONE),
        case("GET",    "/api/systems/{id}/targets",               OnSystem(Read),              OK),
        case("POST",   "/api/systems/{id}/targets",               OnSystem(WriteTarget),       CREATED),
        case("GET",    "/api/systems/{id}/assessments",           OnSystem(Read),              OK),
        case("POST",   "/api/systems/{id}/assessments",           OnSystem(WriteAssessment),   CREATED),
        case("GET",    "/api/systems/{id}/risk-scenarios",        OnSystem(Read),              OK),
        case("POST",   "/api/systems/{id}/risk-scenarios",        OnSystem(WriteTarget),       CREATED),
        case("POST",   "/api/systems/{id}/evidence",              OnSystem(UploadEvidence),    CREATED),
        case("GET",    "/api/systems/{id}/evidence/{sha256}",     OnSystem(Read),              OK),
        case("GET",    "/api/systems/{id}/certificates",          OnSystem(Read),              OK),
        case("POST",   "/api/systems/{id}/certificates",          OnSystem(IssueCertificate),  CREATED),
        case("POST",   "/api/systems/{id}/certificates",          OnSystem(IssueDeclaration),  CREATED),
        case("GET",    "/api/documents/{id}",                     OnSystem(Read),              OK),
        case("PUT",    "/api/documents/{id}",                     OnSystem(WriteTarget),       OK),
        case("PUT",    "/api/documents/{id}",                     OnSystem(WriteAssessment),   OK),
        case("GET",    "/api/documents/{id}/versions",            OnSystem(Read),              OK),
        case("GET",    "/api/documents/{id}/gap",                 OnSystem(Read),              OK),
        case("GET",    "/api/documents/{id}/roadmap",             OnSystem(Read),              OK),
        case("GET",    "/api/documents/{id}/report",              OnSystem(Read),              OK),
        case("GET",    "/api/documents/{id}/coverage/{standard}", OnSystem(Read),              OK),
        case("GET",    "/api/documents/{id}/oscal",               OnSystem(Read),              OK),
        case("GET",    "/api/documents/{id}/risk",                OnSystem(Read),              OK),
        case("GET",    "/api/compare",                            OnSystem(Read),              OK),
        case("GET",    "/api/issuers/{issuer}/revocations",       Public,                      OK),
        case("POST",   "/api/certificates/verify",                Public,                      OK),
        case("GET",    "/api/certificates/{id}",                  OnSystem(Read),              OK),
        case("POST",   "/api/certificates/{id}/revoke",           OnSystem(RevokeCertificate), OK),
        case("POST",   "/api/certificates/{id}/revoke",           OnSystem(RevokeDeclaration), OK),
    ]
};

impl Case {
    fn changes_state(&self) -> bool {
        self.method != "GET"
    }
    fn describe(&self) -> String {
        match self.path {
            "/api/documents/{id}" if self.method == "PUT" => {
                format!("PUT {} ({})", self.path, self.need.cells().0)
            }
            "/api/systems/{id}/certificates" | "/api/certificates/{id}/revoke"
                if self.method == "POST" =>
            {
                format!("POST {} ({})", self.path, self.need.cells().0)
            }
            _ => format!("{} {}", self.method, self.path),
        }
    }
}

/// How the caller's organization stands to the client's objects.
#[derive(Clone, Copy, Debug)]
enum Relation {
    Own,
    Stranger,
    AssessorGrant,
    ViewerGrant,
}

impl Relation {
    const ALL: [Relation; 4] = [
        Relation::Own,
        Relation::Stranger,
        Relation::AssessorGrant,
        Relation::ViewerGrant,
    ];

    fn organization(self) -> &'static str {
        match self {
            Relation::Own => "client",
            Relation::Stranger => "stranger",
            Relation::AssessorGrant => "lab",
            Relation::ViewerGrant => "insurer",
        }
    }

    /// The matrix column a member with this role acts with on the client's system, if it
    /// reaches the system at all.
    fn column(self, role: Role) -> Option<usize> {
        match (self, role) {
            (Relation::Own, role) => Some(column_of(role)),
            (Relation::Stranger, _) => None,
            (Relation::AssessorGrant, Role::Owner | Role::Assessor) => Some(ASSESSOR_GRANT),
            (Relation::AssessorGrant | Relation::ViewerGrant, _) => Some(VIEWER_GRANT),
        }
    }
}

/// The answer a caller with this role (a token, or a person's session), in an organization
/// standing so to the client, must get.
fn expected(case: &Case, relation: Relation, role: Role, token: bool) -> StatusCode {
    let decide = |column: usize, action: Action| {
        if row(action).2[column] && (!token || row(action).2[TOKEN]) {
            case.ok
        } else {
            StatusCode::FORBIDDEN
        }
    };
    match case.need {
        Need::Public | Need::AnyCaller => case.ok,
        Need::Person => StatusCode::FORBIDDEN,
        Need::InOrganization(action) => match relation {
            Relation::Own => decide(column_of(role), action),
            _ => StatusCode::NOT_FOUND,
        },
        Need::OnSystem(action) => match relation.column(role) {
            Some(column) => decide(column, action),
            None => StatusCode::NOT_FOUND,
        },
    }
}

/// Keeps a new active signing key for an organization, sealed as the server seals them: its id.
async fn fresh_key(app: &App, org: OrganizationId) -> String {
    let key = smm_cert::keys::generate();
    let keyid = smm_cert::keys::key_id(&key.verifying_key()).expect("key id");
    let public_key = smm_cert::keys::public_pem(&key.verifying_key()).expect("public key");
    let sealed = app.state.keyring.seal(&key, &keyid).expect("sealed");
    app.store()
        .add_signing_key(
            "test",
            org,
            &smm_store::NewSigningKey {
                keyid: &keyid,
                public_key: &public_key,
                sealed_private: &sealed,
                origin: smm_store::KeyOrigin::Created,
                valid_from: &smm_server::state::today(),
            },
        )
        .await
        .expect("key kept");
    keyid
}

/// The client's objects, and what the calls that use something up need.
struct World {
    client: OrganizationId,
    system: i64,
    target: i64,
    assessment: i64,
    target_text: String,
    assessment_text: String,
    risk_text: String,
    evidence: Vec<u8>,
    evidence_sha256: String,
    certificate: i64,
    declaration: i64,
    lab: OrganizationId,
    envelope: Value,
    person: (String, String),
    /// A system of `spare`'s, offered to the client afresh by each call that answers an offer.
    offered: SystemId,
    next: AtomicU64,
}

fn now() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs(),
    )
    .expect("time")
}

fn created(answer: Answer, what: &str) -> Value {
    assert_eq!(
        answer.status,
        StatusCode::CREATED,
        "{what}: {}",
        answer.text()
    );
    answer.json()
}

fn id(value: &Value) -> i64 {
    value["id"].as_i64().expect("an id")
}

/// A request, before credentials.
struct Request {
    path: String,
    body: Option<(&'static str, Vec<u8>)>,
    headers: Vec<(&'static str, String)>,
}

impl Request {
    fn to(path: String) -> Request {
        Request {
            path,
            body: None,
            headers: Vec::new(),
        }
    }
    fn json(mut self, value: Value) -> Request {
        self.body = Some(("application/json", value.to_string().into_bytes()));
        self
    }
    fn yaml(mut self, text: &str) -> Request {
        self.body = Some(("application/yaml", text.as_bytes().to_vec()));
        self
    }
}

impl World {
    /// The client's system with the OTA gateway's target and final assessment (which meets the
    /// target, so certificates can be issued), one evidence file, a certificate and a revoked
    /// one; the system granted to the lab and the insurer.
    async fn seed(app: &App) -> World {
        let owner = app.token("client", Role::Owner).await;
        let client = app.organization("client").await;
        for org in ["lab", "insurer", "stranger", "spare"] {
            app.organization(org).await;
        }
        let system = id(&created(
            app.post_json(
                &format!("/api/organizations/{}/systems", client.0),
                &owner,
                json!({"name": "GW-7 central gateway"}),
            )
            .await,
            "system",
        ));
        let target_text = example("ota-gateway/target.yaml");
        let assessment_text = example("ota-gateway/certification/assessment-final.yaml");
        let target = id(&created(
            app.post_yaml(
                &format!("/api/systems/{system}/targets"),
                &owner,
                &target_text,
            )
            .await,
            "target",
        ));
        let assessment = id(&created(
            app.post_yaml(
                &format!("/api/systems/{system}/assessments"),
                &owner,
                &assessment_text,
            )
            .await,
            "assessment",
        ));
        // Loss scenarios, so the system's risk can be read.
        let risk_text = example("bottling-line/risk.yaml");
        created(
            app.post_yaml(
                &format!("/api/systems/{system}/risk-scenarios"),
                &owner,
                &risk_text,
            )
            .await,
            "loss scenarios",
        );
        let evidence =
            example("ota-gateway/certification/evidence/image-check-4.2.1-rerun.txt").into_bytes();
        let evidence_sha256 = created(
            app.send(
                Method::POST,
                &format!("/api/systems/{system}/evidence"),
                Some(&owner),
                Some(("text/plain", evidence.clone())),
                &[],
            )
            .await,
            "evidence",
        )["sha256"]
            .as_str()
            .expect("sha256")
            .to_string();
        // Grants are offered and accepted by people (tests/consent.rs walks that); here they
        // are set straight on the store.
        for (grantee, role) in [("lab", Role::Assessor), ("insurer", Role::Viewer)] {
            let grantee = app.organization(grantee).await;
            app.store()
                .grant("test", SystemId(system), grantee, role)
                .await
                .expect("grant");
        }
        let spare = app.organization("spare").await;
        let offered = app
            .store()
            .create_system_of_kind(
                "test",
                spare,
                "spare system",
                smm_store::SystemKind::System,
                None,
            )
            .await
            .expect("spare system");
        // The lab is a designated certification body: it issues the certificates, the client
        // signs its own declarations.
        let lab = app.organization("lab").await;
        app.store()
            .set_certification_body("admin", lab, true)
            .await
            .expect("designate");
        let assessor = app.token("lab", Role::Assessor).await;
        let path = format!("/api/systems/{system}/certificates");
        let issue = json!({"assessments": [assessment], "target": target});
        let certificate = created(
            app.post_json(&path, &assessor, issue.clone()).await,
            "certificate",
        );
        let declaration = id(&created(
            app.post_json(
                &path,
                &owner,
                json!({"kind": "declaration", "assessments": [assessment], "target": target}),
            )
            .await,
            "declaration",
        ));
        // One revoked certificate, so the lab's revocation list names one.
        let revoked = id(&created(
            app.post_json(&path, &assessor, issue).await,
            "certificate",
        ));
        let revocation = app
            .post_json(
                &format!("/api/certificates/{revoked}/revoke"),
                &assessor,
                json!({"reason": "superseded"}),
            )
            .await;
        assert_eq!(revocation.status, StatusCode::OK, "{}", revocation.text());
        let password = app.user("person", "client", Role::Viewer).await;
        app.user("newcomer", "spare", Role::Viewer).await;
        World {
            client,
            system,
            target,
            assessment,
            target_text,
            assessment_text,
            risk_text,
            evidence,
            evidence_sha256,
            certificate: id(&certificate),
            declaration,
            lab,
            envelope: certificate["envelope"].clone(),
            person: ("person".to_string(), password),
            offered,
            next: AtomicU64::new(1),
        }
    }

    /// The request a case makes on the client's objects. Calls that use something up (revoking
    /// a token, a grant or a certificate, updating a document) get a fresh one first, and calls
    /// that create something use a fresh name, so no answer depends on the calls before it.
    async fn request(&self, app: &App, case: &Case) -> Request {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let (system, target, assessment) = (self.system, self.target, self.assessment);
        let document = match (case.method, case.path, case.need) {
            ("PUT", _, Need::OnSystem(Action::WriteTarget)) => target,
            (_, "/api/documents/{id}/versions", _) => target,
            _ => assessment,
        };
        let id = match case.path {
            p if p.starts_with("/api/systems/") => system,
            p if p.starts_with("/api/documents/") => document,
            _ => self.certificate,
        };
        let mut request = Request::to(
            case.path
                .replace("{org}", &self.client.0.to_string())
                .replace("{id}", &id.to_string())
                .replace("{name}", &format!("member-{n}"))
                .replace("{organization}", "spare")
                .replace("{sha256}", &self.evidence_sha256)
                .replace("{standard}", "etsi-en-303-645"),
        );
        match (case.method, case.path) {
            ("POST", "/api/session") => {
                request = request.json(json!({"name": self.person.0, "password": self.person.1}));
            }
            ("PUT", "/api/session/password") => {
                // The CSRF walk signs in as `olivia` (App::user's passwords are `NAME-password-long`);
                // the password stays the same so her session and the walk go on.
                request = request.json(json!({
                    "current": "olivia-password-long",
                    "new": "olivia-password-long",
                }));
            }
            ("POST", "/api/organizations") => {
                request = request.json(json!({"name": format!("new-{n}")}));
            }
            ("PUT", "/api/systems/{id}/grants/{organization}") => {
                request = request.json(json!({"role": "viewer"}));
            }
            ("PUT", "/api/organizations/{org}/members/{name}") => {
                app.user(&format!("member-{n}"), "client", Role::Viewer)
                    .await;
                request = request.json(json!({"role": "viewer"}));
            }
            ("DELETE", "/api/organizations/{org}/members/{name}")
            | ("DELETE", "/api/organizations/{org}/members/{name}/sessions") => {
                app.user(&format!("member-{n}"), "client", Role::Viewer)
                    .await;
            }
            ("POST", "/api/organizations/{org}/invitations") => {
                request = request.json(json!({"name": format!("invitee-{n}"), "role": "viewer"}));
            }
            ("DELETE", "/api/organizations/{org}/invitations/{invitation}") => {
                let invitation = app
                    .store()
                    .invite(
                        "test",
                        self.client,
                        &format!("invitee-{n}"),
                        Role::Viewer,
                        now(),
                    )
                    .await
                    .expect("invitation");
                request.path = request
                    .path
                    .replace("{invitation}", &invitation.id.to_string());
            }
            ("POST", "/api/invitations/{invitation}/accept")
            | ("POST", "/api/invitations/{invitation}/decline") => {
                // The CSRF walk's owner, invited again as owner: accepting changes nothing.
                let invitation = app
                    .store()
                    .invite("test", self.client, "olivia", Role::Owner, now())
                    .await
                    .expect("invitation");
                request.path = request
                    .path
                    .replace("{invitation}", &invitation.id.to_string());
            }
            ("POST", "/api/organizations/{org}/offers/{offer}/accept")
            | ("POST", "/api/organizations/{org}/offers/{offer}/decline") => {
                let offer = app
                    .store()
                    .offer_grant("test", self.offered, "client", Role::Viewer)
                    .await
                    .expect("offer");
                request.path = request.path.replace("{offer}", &offer.to_string());
            }
            ("POST", "/api/organizations/{org}/tokens") => {
                request =
                    request.json(json!({"name": "ci", "role": "viewer", "expires_in_days": 30}));
            }
            ("DELETE", "/api/organizations/{org}/tokens/{token}") => {
                let (doomed, _) = app
                    .store()
                    .create_api_token("test", self.client, Role::Viewer, "doomed", i64::MAX, None)
                    .await
                    .expect("token");
                request.path = request.path.replace("{token}", &doomed.id.to_string());
            }
            ("POST", "/api/organizations/{org}/systems") => {
                request = request.json(json!({"name": format!("system {n}")}));
            }
            ("POST", "/api/organizations/{org}/keys") => request = request.json(json!({})),
            ("POST", "/api/organizations/{org}/keys/{keyid}/retire")
            | ("POST", "/api/organizations/{org}/keys/{keyid}/revoke") => {
                // A fresh active key of the client's, sealed as the server seals its own.
                let keyid = fresh_key(app, self.client).await;
                request.path = request.path.replace("{keyid}", &keyid);
                if case.path.ends_with("/revoke") {
                    request = request.json(json!({
                        "from": smm_server::state::today(),
                        "reason": "compromised",
                    }));
                }
            }
            ("DELETE", "/api/systems/{id}/grants/{organization}") => {
                let spare = app.organization("spare").await;
                app.store()
                    .grant("test", SystemId(system), spare, Role::Viewer)
                    .await
                    .expect("grant");
            }
            ("POST", "/api/systems/{id}/targets") => request = request.yaml(&self.target_text),
            ("POST", "/api/systems/{id}/risk-scenarios") => {
                request = request.yaml(&self.risk_text);
            }
            // Few simulated years: the figures are kept after the first call anyway.
            ("GET", "/api/documents/{id}/risk") => request.path.push_str("?iterations=1000"),
            ("POST", "/api/systems/{id}/assessments") => {
                request = request.yaml(&self.assessment_text);
            }
            ("POST", "/api/systems/{id}/evidence") => {
                request.body = Some(("text/plain", self.evidence.clone()));
            }
            ("POST", "/api/systems/{id}/certificates") => {
                let kind = if case.need == Need::OnSystem(Action::IssueDeclaration) {
                    "declaration"
                } else {
                    "certificate"
                };
                request = request
                    .json(json!({"kind": kind, "assessments": [assessment], "target": target}));
            }
            ("GET", "/api/issuers/{issuer}/revocations") => {
                request.path = format!("/api/issuers/org-{}/revocations", self.lab.0);
            }
            ("GET", "/api/log/proofs/inclusion") => {
                request.path = "/api/log/proofs/inclusion?index=0".to_string();
            }
            ("GET", "/api/register") => {
                request.path = "/api/register?vendor=client&kind=certificate&limit=5".to_string();
            }
            ("GET", "/api/log/proofs/consistency") => {
                request.path = "/api/log/proofs/consistency?old=0&new=1".to_string();
            }
            ("GET", "/api/log/attestations/{serial}" | "/api/log/attestations/{serial}/proof") => {
                let (record, _) = app
                    .store()
                    .certificate(self.certificate)
                    .await
                    .expect("certificate");
                request.path = case.path.replace("{serial}", &record.serial);
            }
            ("PUT", "/api/documents/{id}") => {
                let latest = app
                    .store()
                    .document(self.client, DocumentId(document), None)
                    .await
                    .expect("document")
                    .version;
                let text = if document == target {
                    &self.target_text
                } else {
                    &self.assessment_text
                };
                request = request.yaml(text);
                request.headers.push(("if-match", format!("\"{latest}\"")));
            }
            ("GET", "/api/compare") => {
                request.path = format!("/api/compare?left={target}&right={assessment}");
            }
            ("POST", "/api/certificates/verify") => {
                request = request.json(json!({"certificate": self.envelope}));
            }
            ("POST", "/api/certificates/{id}/revoke") => {
                let model = if case.need == Need::OnSystem(Action::RevokeDeclaration) {
                    self.declaration
                } else {
                    self.certificate
                };
                let (record, envelope) = app.store().certificate(model).await.expect("certificate");
                let fresh = app
                    .store()
                    .store_certificate(
                        "test",
                        &smm_store::NewAttestation {
                            organization: self.client,
                            system: SystemId(system),
                            kind: &record.kind,
                            issuer: record.issuer.expect("an issuer"),
                            keyid: record.keyid.as_deref().unwrap_or_default(),
                            serial: &format!("PERM-{n}"),
                            envelope: &envelope,
                            profile: "{}",
                            log_entry: "{}",
                            register: &smm_store::RegisterFields {
                                issuer: "Lab".to_string(),
                                product_line: None,
                                products: vec![("GW".to_string(), "1".to_string())],
                                issued: "2026-01-01".to_string(),
                                valid_until: "2099-12-31".to_string(),
                            },
                        },
                    )
                    .await
                    .expect("certificate");
                request.path = format!("/api/certificates/{}/revoke", fresh.id);
                request = request.json(json!({"reason": "superseded"}));
            }
            _ => {}
        }
        assert!(
            !request.path.contains('{'),
            "{}: a path parameter without a value; give it one in World::request",
            case.describe()
        );
        request
    }

    /// Makes a case's call with a token (or none) and extra headers.
    async fn send(
        &self,
        app: &App,
        case: &Case,
        token: Option<&str>,
        extra: &[(&str, &str)],
    ) -> Answer {
        let request = self.request(app, case).await;
        let mut headers: Vec<(&str, &str)> = request
            .headers
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        headers.extend_from_slice(extra);
        let method = Method::from_bytes(case.method.as_bytes()).expect("method");
        app.send(method, &request.path, token, request.body, &headers)
            .await
    }
}

async fn every_role_of_every_organization_gets_exactly_its_answer(app: App) {
    let world = World::seed(&app).await;
    let mut wrong = Vec::new();
    let mut calls = 0;
    for relation in Relation::ALL {
        for role in Role::ALL {
            let token = app.token(relation.organization(), role).await;
            for case in CASES {
                let want = expected(case, relation, role, true);
                let answer = world.send(&app, case, Some(&token), &[]).await;
                calls += 1;
                if answer.status != want {
                    wrong.push(format!(
                        "{} as {} of {}: {} instead of {want}: {}",
                        case.describe(),
                        role.as_str(),
                        relation.organization(),
                        answer.status,
                        answer.text().chars().take(200).collect::<String>()
                    ));
                }
            }
        }
    }
    assert_eq!(calls, 4 * 5 * CASES.len());
    assert!(
        wrong.is_empty(),
        "{} of {calls} calls differ from docs/permissions.md:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

async fn without_valid_credentials_only_public_endpoints_answer(app: App) {
    let world = World::seed(&app).await;
    let unknown = format!("smm_{}", "0".repeat(64));
    for token in [None, Some(unknown.as_str())] {
        for case in CASES {
            let answer = world.send(&app, case, token, &[]).await;
            let want = match case.need {
                Need::Public => case.ok,
                _ => StatusCode::UNAUTHORIZED,
            };
            assert_eq!(
                answer.status,
                want,
                "{} with token {token:?}: {}",
                case.describe(),
                answer.text()
            );
        }
    }
}

/// Signs a person in: the cookie to send and the session's CSRF token.
async fn sign_in(app: &App, name: &str, password: &str) -> (String, String) {
    let login = app
        .send(
            Method::POST,
            "/api/session",
            None,
            Some((
                "application/json",
                json!({"name": name, "password": password})
                    .to_string()
                    .into_bytes(),
            )),
            &[],
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.text());
    let cookie = login
        .header("set-cookie")
        .and_then(|c| c.split(';').next().map(str::to_string))
        .expect("a session cookie");
    assert!(cookie.starts_with("smm_session="), "{cookie}");
    let csrf = login.json()["csrf_token"]
        .as_str()
        .expect("csrf_token")
        .to_string();
    (cookie, csrf)
}

async fn a_session_changes_nothing_without_its_csrf_token(app: App) {
    let world = World::seed(&app).await;
    let password = app.user("olivia", "client", Role::Owner).await;
    let (cookie, csrf) = sign_in(&app, "olivia", &password).await;
    let wrong = "0".repeat(csrf.len());
    let without = [("cookie", cookie.as_str())];
    let mistaken = [
        ("cookie", cookie.as_str()),
        ("x-csrf-token", wrong.as_str()),
    ];
    let with = [("cookie", cookie.as_str()), ("x-csrf-token", csrf.as_str())];
    let logout = |case: &&Case| case.method == "DELETE" && case.path == "/api/session";
    for case in CASES
        .iter()
        .filter(|c| c.need != Need::Public && !logout(c))
    {
        if case.changes_state() {
            for headers in [&without[..], &mistaken[..]] {
                let refused = world.send(&app, case, None, headers).await;
                assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", case.describe());
                assert_eq!(
                    refused.json()["field"],
                    "X-CSRF-Token",
                    "{}",
                    case.describe()
                );
            }
        }
        // With the token (and for reading, without), the owner's session may do everything
        // the matrix gives the owner (all but a body's certificates, which no owner issues or
        // revokes for its own system).
        let headers = if case.changes_state() {
            &with[..]
        } else {
            &without[..]
        };
        let answer = world.send(&app, case, None, headers).await;
        let want = match case.need {
            Need::OnSystem(_) | Need::InOrganization(_) => {
                expected(case, Relation::Own, Role::Owner, false)
            }
            _ => case.ok,
        };
        assert_eq!(
            answer.status,
            want,
            "{}: {}",
            case.describe(),
            answer.text()
        );
    }
    // Signing out is a change too; afterwards the cookie is worth nothing.
    let logout = CASES.iter().find(logout).expect("logout");
    let refused = world.send(&app, logout, None, &without).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let out = world.send(&app, logout, None, &with).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    let after = app
        .send(Method::GET, "/api/session", None, None, &without)
        .await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
}

async fn a_person_in_two_organizations_may_do_what_either_allows(app: App) {
    let world = World::seed(&app).await;
    // An editor at the client who is also an owner at the lab, which holds an assessor grant:
    // a target profile as the client's editor; no certificate, since she is a member of the
    // owner and a certificate must be independent; revoking the lab's certificate as the lab's
    // owner; and neither lets her manage the system's grants.
    let password = app.user("dana", "client", Role::Editor).await;
    app.user("dana", "lab", Role::Owner).await;
    let (cookie, csrf) = sign_in(&app, "dana", &password).await;
    let headers = [("cookie", cookie.as_str()), ("x-csrf-token", csrf.as_str())];
    for (method, path, want) in [
        ("POST", "/api/systems/{id}/targets", StatusCode::CREATED),
        (
            "POST",
            "/api/systems/{id}/certificates",
            StatusCode::FORBIDDEN,
        ),
        ("POST", "/api/certificates/{id}/revoke", StatusCode::OK),
        (
            "PUT",
            "/api/systems/{id}/grants/{organization}",
            StatusCode::FORBIDDEN,
        ),
    ] {
        let case = CASES
            .iter()
            .find(|c| c.method == method && c.path == path)
            .expect("a case");
        let answer = world.send(&app, case, None, &headers).await;
        assert_eq!(
            answer.status,
            want,
            "{}: {}",
            case.describe(),
            answer.text()
        );
    }
}

on_both! {
    matrix => every_role_of_every_organization_gets_exactly_its_answer;
    unauthenticated => without_valid_credentials_only_public_endpoints_answer;
    csrf => a_session_changes_nothing_without_its_csrf_token;
    two_organizations => a_person_in_two_organizations_may_do_what_either_allows;
}

#[test]
fn every_endpoint_of_the_openapi_document_has_a_row() {
    let document: Value =
        serde_json::from_str(&smm_server::openapi::document()).expect("OpenAPI JSON");
    let methods = ["get", "put", "post", "delete", "patch", "head", "options"];
    let documented: BTreeSet<(String, String)> = document["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("path item")
                .keys()
                .filter(|k| methods.contains(&k.as_str()))
                .map(|m| (m.to_uppercase(), path.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    // The document does not list the endpoint that serves it.
    let itself = ("GET".to_string(), "/api/openapi.json".to_string());
    let tabled: BTreeSet<(String, String)> = CASES
        .iter()
        .map(|c| (c.method.to_string(), c.path.to_string()))
        .filter(|endpoint| *endpoint != itself)
        .collect();
    assert_eq!(
        documented.difference(&tabled).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "endpoints without a permission row"
    );
    assert_eq!(
        tabled.difference(&documented).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "rows for endpoints the OpenAPI document does not have"
    );
}

/// The rows of the Markdown table whose header starts so, as trimmed cells without backquotes.
fn table(text: &str, header: &str) -> BTreeSet<Vec<String>> {
    text.lines()
        .skip_while(|l| !l.starts_with(header))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().trim_matches('`').to_string())
                .collect()
        })
        .collect()
}

#[test]
fn the_tables_here_are_the_tables_of_docs_permissions_md() {
    let text = std::fs::read_to_string(crate::common::repo().join("docs/permissions.md"))
        .expect("docs/permissions.md");
    let header = format!("| action | {} |", COLUMNS.join(" | "));
    let matrix: BTreeSet<Vec<String>> = MATRIX
        .iter()
        .map(|(_, label, may)| {
            std::iter::once(label.to_string())
                .chain(may.iter().map(|m| if *m { "✓" } else { "—" }.to_string()))
                .collect()
        })
        .collect();
    assert!(text.contains(&header), "the matrix's header: {header}");
    assert_eq!(table(&text, &header), matrix, "the matrix");
    let mut endpoints: Vec<Vec<String>> = Vec::new();
    for case in CASES {
        let (needs, on) = case.need.cells();
        match endpoints
            .iter_mut()
            .find(|e| e[0] == case.method && e[1] == case.path)
        {
            Some(row) => row[2] = format!("{} / {needs}", row[2]),
            None => endpoints.push(vec![
                case.method.to_string(),
                case.path.to_string(),
                needs.to_string(),
                on.to_string(),
            ]),
        }
    }
    assert_eq!(
        table(&text, "| method | path | needs | on |"),
        endpoints.into_iter().collect(),
        "the endpoints"
    );
}
