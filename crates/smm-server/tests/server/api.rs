//! The API end to end, in-process: documents with versions and If-Match, problem details,
//! pagination, evidence, the pipeline over stored documents, certificates, sessions and CSRF.
//! Every test runs on SQLite and on PostgreSQL.

use axum::http::{Method, StatusCode};
use serde_json::json;
use smm_store::Role;

use crate::common::{example, App};

/// An owner's token, a system, and the bottling line's target and assessment stored in it:
/// (token, system id, target id, assessment id).
async fn bottling_line(app: &App) -> (String, i64, i64, i64) {
    let owner = app.token("acme", Role::Owner).await;
    let org = app.organization("acme").await.0;
    let system = app
        .post_json(
            &format!("/api/organizations/{org}/systems"),
            &owner,
            json!({"name": "Bottling line"}),
        )
        .await;
    assert_eq!(system.status, StatusCode::CREATED, "{}", system.text());
    let system = system.json()["id"].as_i64().expect("id");
    let target = app
        .post_yaml(
            &format!("/api/systems/{system}/targets"),
            &owner,
            &example("bottling-line/target.yaml"),
        )
        .await;
    assert_eq!(target.status, StatusCode::CREATED, "{}", target.text());
    let assessment = app
        .post_yaml(
            &format!("/api/systems/{system}/assessments"),
            &owner,
            &example("bottling-line/assessment.yaml"),
        )
        .await;
    assert_eq!(
        assessment.status,
        StatusCode::CREATED,
        "{}",
        assessment.text()
    );
    (
        owner,
        system,
        target.json()["id"].as_i64().expect("id"),
        assessment.json()["id"].as_i64().expect("id"),
    )
}

async fn documents_round_trip_with_versions_and_if_match(app: App) {
    let (owner, _, target, _) = bottling_line(&app).await;
    let text = example("bottling-line/target.yaml");
    // Byte for byte, as the CLI reads it.
    let raw = app
        .send(
            Method::GET,
            &format!("/api/documents/{target}"),
            Some(&owner),
            None,
            &[("accept", "application/yaml")],
        )
        .await;
    assert_eq!(raw.status, StatusCode::OK);
    assert_eq!(raw.text(), text);
    assert_eq!(raw.header("etag").as_deref(), Some("\"1\""));
    // Not modified.
    let same = app
        .send(
            Method::GET,
            &format!("/api/documents/{target}"),
            Some(&owner),
            None,
            &[("if-none-match", "\"1\"")],
        )
        .await;
    assert_eq!(same.status, StatusCode::NOT_MODIFIED);
    // An update without If-Match is refused with 428, naming the header.
    let changed = text.replace("version: \"1.0\"", "version: \"1.1\"");
    let put = |if_match: Option<&'static str>, body: String| {
        let app = &app;
        let owner = owner.clone();
        async move {
            let extra: Vec<(&str, &str)> = if_match.map(|v| ("if-match", v)).into_iter().collect();
            app.send(
                Method::PUT,
                &format!("/api/documents/{target}"),
                Some(&owner),
                Some(("application/yaml", body.into_bytes())),
                &extra,
            )
            .await
        }
    };
    let missing = put(None, changed.clone()).await;
    assert_eq!(missing.status, StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(missing.json()["field"], "If-Match");
    assert_eq!(
        missing.header("content-type").as_deref(),
        Some("application/problem+json")
    );
    // Two editors read version 1; the first wins, the second gets 412 and nothing is lost.
    let first = put(Some("\"1\""), changed.clone()).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    assert_eq!(first.header("etag").as_deref(), Some("\"2\""));
    let second = put(
        Some("\"1\""),
        text.replace("version: \"1.0\"", "version: \"9\""),
    )
    .await;
    assert_eq!(second.status, StatusCode::PRECONDITION_FAILED);
    assert!(second.json()["detail"]
        .as_str()
        .unwrap_or("")
        .contains("version 2"));
    let versions = app
        .get(&format!("/api/documents/{target}/versions"), &owner)
        .await
        .json();
    assert_eq!(versions.as_array().map(Vec::len), Some(2));
    let v1 = app
        .get(&format!("/api/documents/{target}?version=1"), &owner)
        .await
        .json();
    assert_eq!(v1["body"], text.as_str());
}

/// An approved target version is never edited: a new version over it is refused with 409 unless
/// it records `supersedes` with the approved version's digest, the rule `smm validate` applies
/// to files.
async fn approved_targets_are_superseded_never_edited(app: App) {
    let (owner, _, target, _) = bottling_line(&app).await;
    let put = |if_match: &'static str, body: String| {
        let app = &app;
        let owner = owner.clone();
        async move {
            app.send(
                Method::PUT,
                &format!("/api/documents/{target}"),
                Some(&owner),
                Some(("application/yaml", body.into_bytes())),
                &[("if-match", if_match)],
            )
            .await
        }
    };
    // Approving is a new version like any other.
    let approved = example("bottling-line/target.yaml")
        + "approval:\n  by: Mara Lindqvist, for the bottling plant\n  date: 2026-03-01\n  statement: Agreed as the target of the 2026 line upgrade.\n";
    let answer = put("\"1\"", approved.clone()).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    // Editing the approved version in place is refused, and says why and what to do.
    let edited = approved.replace("version: \"1.0\"", "version: \"1.1\"");
    let refused = put("\"2\"", edited.clone()).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text());
    let problem = refused.json();
    assert_eq!(problem["field"], "supersedes");
    let detail = problem["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("approved by Mara Lindqvist"), "{detail}");
    assert!(detail.contains("stored version 2"), "{detail}");
    // So is taking the approval away.
    let unapproved = put("\"2\"", example("bottling-line/target.yaml")).await;
    assert_eq!(unapproved.status, StatusCode::CONFLICT);
    let versions = app
        .get(&format!("/api/documents/{target}/versions"), &owner)
        .await
        .json();
    assert_eq!(
        versions.as_array().map(Vec::len),
        Some(2),
        "nothing was stored"
    );
    // A new version that names the approved one's digest supersedes it.
    let digest = smm_core::content_digest(&smm_core::parse_target(&approved).expect("parses"));
    let successor = example("bottling-line/target.yaml")
        .replace("version: \"1.0\"", "version: \"1.1\"")
        + &format!("supersedes:\n  version: \"1.0\"\n  sha256: {digest}\n  reason: The line gets a second filler.\n");
    let accepted = put("\"2\"", successor).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());
    assert_eq!(accepted.header("etag").as_deref(), Some("\"3\""));
}

async fn malformed_documents_get_problem_details_naming_the_field(app: App) {
    let (owner, system, _, _) = bottling_line(&app).await;
    let bad = example("bottling-line/target.yaml")
        .replace("comprehensiveness: 3", "comprehensiveness: 7");
    let answer = app
        .post_yaml(&format!("/api/systems/{system}/targets"), &owner, &bad)
        .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.text()
    );
    let problem = answer.json();
    assert_eq!(problem["status"], 422);
    // The place (line:column of the value) and what was expected.
    assert_eq!(problem["field"], "120:24", "{problem}");
    assert!(problem["detail"]
        .as_str()
        .unwrap_or("")
        .contains("comprehensiveness 7 is out of range"));
    assert!(problem["errors"][0]["pointer"]
        .as_str()
        .unwrap_or("")
        .contains(':'));
    // An assessment posted where a target is expected.
    let wrong = app
        .post_yaml(
            &format!("/api/systems/{system}/targets"),
            &owner,
            &example("bottling-line/assessment.yaml"),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.json()["field"], "kind");
    // Malformed JSON, unknown fields, unknown ids, bad query values.
    let org = app.organization("acme").await.0;
    for (answer, field) in [
        (
            app.send(
                Method::POST,
                &format!("/api/organizations/{org}/systems"),
                Some(&owner),
                Some(("application/json", b"{\"name\": ".to_vec())),
                &[],
            )
            .await,
            "body",
        ),
        (
            app.post_json(
                &format!("/api/organizations/{org}/systems"),
                &owner,
                json!({"name": "x", "colour": "red"}),
            )
            .await,
            "colour",
        ),
        (app.get("/api/systems/abc", &owner).await, "path"),
        (
            app.get(
                &format!("/api/organizations/{org}/systems?limit=many"),
                &owner,
            )
            .await,
            "limit",
        ),
    ] {
        assert!(answer.status.is_client_error(), "{}", answer.text());
        assert_eq!(answer.json()["field"], field, "{}", answer.text());
    }
    assert_eq!(
        app.get("/api/systems/999999", &owner).await.status,
        StatusCode::NOT_FOUND
    );
}

async fn lists_come_a_page_at_a_time_and_filter(app: App) {
    let owner = app.token("acme", Role::Owner).await;
    let org = app.organization("acme").await.0;
    for i in 0..7 {
        let kind = if i % 2 == 0 { "product" } else { "system" };
        let made = app
            .post_json(
                &format!("/api/organizations/{org}/systems"),
                &owner,
                json!({"name": format!("Unit {i}"), "kind": kind}),
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED);
    }
    let mut seen = Vec::new();
    let mut after = 0;
    loop {
        let page = app
            .get(
                &format!("/api/organizations/{org}/systems?limit=3&after={after}"),
                &owner,
            )
            .await
            .json();
        for item in page["items"].as_array().expect("items") {
            seen.push(item["name"].as_str().expect("name").to_string());
        }
        match page["next_after"].as_i64() {
            Some(next) => after = next,
            None => break,
        }
    }
    assert_eq!(seen.len(), 7);
    let products = app
        .get(
            &format!("/api/organizations/{org}/systems?kind=product&q=UNIT"),
            &owner,
        )
        .await
        .json();
    assert_eq!(products["items"].as_array().map(Vec::len), Some(4));
}

async fn the_pipeline_runs_on_stored_documents(app: App) {
    let (owner, system, target, assessment) = bottling_line(&app).await;
    let gap = app
        .get(&format!("/api/documents/{assessment}/gap"), &owner)
        .await;
    assert_eq!(gap.status, StatusCode::OK, "{}", gap.text());
    let gap = gap.json();
    assert_eq!(gap["practices"].as_array().map(Vec::len), Some(18));
    // Same answer from the cache.
    let again = app
        .get(&format!("/api/documents/{assessment}/gap"), &owner)
        .await
        .json();
    assert_eq!(gap, again);
    let roadmap = app
        .get(
            &format!("/api/documents/{assessment}/roadmap?budget=20000&period=quarter"),
            &owner,
        )
        .await;
    assert_eq!(roadmap.status, StatusCode::OK, "{}", roadmap.text());
    assert!(roadmap.json()["actions"]
        .as_array()
        .is_some_and(|a| !a.is_empty()));
    // The budget is an int64 in the API document: one past its largest value is refused, by
    // the roadmap and by the POA&M alike, and the largest value itself is accepted.
    for path in [
        format!("/api/documents/{assessment}/roadmap?budget=9223372036854775808"),
        format!("/api/documents/{assessment}/oscal?model=poam&budget=9223372036854775808"),
    ] {
        let refused = app.get(&path, &owner).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(refused.text().contains("budget"), "{}", refused.text());
    }
    let largest = app
        .get(
            &format!("/api/documents/{assessment}/roadmap?budget=9223372036854775807"),
            &owner,
        )
        .await;
    assert_eq!(largest.status, StatusCode::OK, "{}", largest.text());
    let compare = app
        .get(
            &format!("/api/compare?left={target}&right={assessment}"),
            &owner,
        )
        .await;
    assert_eq!(compare.status, StatusCode::OK, "{}", compare.text());
    let pdf = app
        .get(
            &format!("/api/documents/{assessment}/report?format=pdf"),
            &owner,
        )
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.body.starts_with(b"%PDF-"));
    assert!(pdf
        .header("content-disposition")
        .unwrap_or_default()
        .starts_with("attachment"));
    let html = app
        .get(&format!("/api/documents/{target}/report"), &owner)
        .await;
    assert!(html.text().contains("<html"));
    // The sheet opens with the target's digest and today's date as its report date.
    let written = smm_core::parse_target(&example("bottling-line/target.yaml")).expect("target");
    let sheet = html.text();
    let head = &sheet[..sheet.find("<section").expect("a section")];
    assert!(head.contains(&smm_core::content_digest(&written)), "{head}");
    assert!(head.contains(&smm_server::state::today()), "{head}");
    let report = app
        .get(&format!("/api/documents/{assessment}/report"), &owner)
        .await
        .text();
    assert!(report.contains("Claire Martin") && report.contains("Assessors"));
    let org = app.organization("acme").await.0;
    let portfolio = app
        .get(&format!("/api/organizations/{org}/portfolio"), &owner)
        .await
        .json();
    assert_eq!(portfolio["systems"], 1);
    assert_eq!(portfolio["items"][0]["id"], system);
    let under = portfolio["items"][0]["under"].as_u64().unwrap_or(0);
    let gap_under = gap["practices"]
        .as_array()
        .expect("practices")
        .iter()
        .filter(|p| p["status"] == "under")
        .count() as u64;
    assert_eq!(under, gap_under, "portfolio summary and gap agree");
}

async fn evidence_is_stored_and_served_safely(app: App) {
    let (owner, system, _, _) = bottling_line(&app).await;
    let pdf = b"%PDF-1.7\n% a scanned policy\n".to_vec();
    let up = app
        .send(
            Method::POST,
            &format!("/api/systems/{system}/evidence"),
            Some(&owner),
            Some(("application/pdf", pdf.clone())),
            &[],
        )
        .await;
    assert_eq!(up.status, StatusCode::CREATED, "{}", up.text());
    let href = up.json()["href"].as_str().expect("href").to_string();
    let down = app.get(&href, &owner).await;
    assert_eq!(down.body, pdf);
    assert_eq!(
        down.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
    assert!(down
        .header("content-disposition")
        .unwrap_or_default()
        .starts_with("attachment"));
    // A "PDF" that is not one, and a type we refuse.
    for (content_type, bytes) in [
        ("application/pdf", b"MZ\x90\x00".to_vec()),
        ("application/x-msdownload", b"MZ".to_vec()),
    ] {
        let refused = app
            .send(
                Method::POST,
                &format!("/api/systems/{system}/evidence"),
                Some(&owner),
                Some((content_type, bytes)),
                &[],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.json()["field"], "Content-Type");
    }
    // Too large: refused before it is read whole.
    let huge = vec![b'a'; smm_store::MAX_EVIDENCE_BYTES + 4096];
    let too_big = app
        .send(
            Method::POST,
            &format!("/api/systems/{system}/evidence"),
            Some(&owner),
            Some(("text/plain", huge)),
            &[],
        )
        .await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(too_big.json()["field"], "body");
}

/// The gap cache is keyed by the latest version's digest: a new version's gap is its own at once,
/// and a version whose text equals an earlier one's gets that one's gap again.
async fn cached_gaps_follow_new_versions(app: App) {
    let (owner, _, _, assessment) = bottling_line(&app).await;
    let text = example("bottling-line/assessment.yaml");
    let first = gap_of(&app, &owner, assessment).await;
    assert_eq!(gap_of(&app, &owner, assessment).await, first, "cached");
    assert_eq!(program_management(&first), 2);
    let raised = text.replacen("comprehensiveness: 2", "comprehensiveness: 3", 1);
    new_version(&app, &owner, assessment, "\"1\"", raised).await;
    let second = gap_of(&app, &owner, assessment).await;
    assert_eq!(
        program_management(&second),
        3,
        "the new version's gap, not the cached one"
    );
    new_version(&app, &owner, assessment, "\"2\"", text).await;
    assert_eq!(
        gap_of(&app, &owner, assessment).await,
        first,
        "the first text's gap again"
    );
}

/// Stored documents are read from their prepared forms, and a version whose form is missing
/// (stored before forms were kept) or damaged is read from its text with the same answers.
async fn prepared_forms_are_read_and_their_text_stands_in_for_them(app: App) {
    let (owner, _, target, assessment) = bottling_line(&app).await;
    // None comes from the gap cache: the gap names its target. The last roadmap reads the
    // assessment with the target it names in one statement, which leaves out a text whose form
    // stands in for it.
    let reads = [
        format!("/api/documents/{assessment}/gap?target={target}"),
        format!("/api/documents/{assessment}/roadmap?target={target}&budget=20000&period=quarter"),
        format!("/api/documents/{assessment}/roadmap?budget=20000&period=quarter"),
    ];
    async fn answers(app: &App, owner: &str, reads: &[String]) -> Vec<serde_json::Value> {
        let mut all = Vec::new();
        for read in reads {
            let answer = app.get(read, owner).await;
            assert_eq!(answer.status, StatusCode::OK, "{read}: {}", answer.text());
            all.push(answer.json());
        }
        all
    }
    let with_forms = answers(&app, &owner, &reads).await;
    let set_forms = |form: Option<Vec<u8>>| {
        let pool = app.store().pool().clone();
        async move {
            sqlx::query("UPDATE document_versions SET prepared = $1")
                .bind(form)
                .execute(&pool)
                .await
                .expect("set the forms");
        }
    };
    // The form is what is read: one that says otherwise (the assessment a level higher, written
    // into the assessment's version only) changes the gap.
    let text = example("bottling-line/assessment.yaml");
    let raised = smm_core::parse_assessment(&text.replacen(
        "comprehensiveness: 2",
        "comprehensiveness: 3",
        1,
    ))
    .expect("parses");
    sqlx::query("UPDATE document_versions SET prepared = $1 WHERE document_id = $2")
        .bind(smm_core::document::prepared::prepare(&raised))
        .bind(assessment)
        .execute(app.store().pool())
        .await
        .expect("set the form");
    let from_form = answers(&app, &owner, &reads).await;
    assert_eq!(program_management(&from_form[0]), 3);
    assert_ne!(
        from_form[2], with_forms[2],
        "the one read takes the form too"
    );
    assert_eq!(from_form[1], from_form[2]);
    assert_eq!(program_management(&with_forms[0]), 2);
    // Without forms, and with forms cut short, the text is read: the first answers again.
    set_forms(None).await;
    assert_eq!(
        answers(&app, &owner, &reads).await,
        with_forms,
        "without prepared forms"
    );
    let damaged =
        smm_core::document::prepared::prepare(&smm_core::parse_assessment(&text).expect("parses"))
            [..64]
            .to_vec();
    set_forms(Some(damaged)).await;
    assert_eq!(
        answers(&app, &owner, &reads).await,
        with_forms,
        "with damaged forms"
    );
    // A whole form of another release (its key's schema digest differs) is not read either.
    let mut other_release =
        smm_core::document::prepared::prepare(&smm_core::parse_assessment(&text).expect("parses"));
    other_release[smm_core::document::prepared::key().len() - 1] ^= 0xff;
    set_forms(Some(other_release)).await;
    assert_eq!(
        answers(&app, &owner, &reads).await,
        with_forms,
        "with forms of another release"
    );
}

async fn gap_of(app: &App, token: &str, assessment: i64) -> serde_json::Value {
    let answer = app
        .get(&format!("/api/documents/{assessment}/gap"), token)
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    answer.json()
}

/// The current comprehensiveness of the first practice in a gap.
fn program_management(gap: &serde_json::Value) -> serde_json::Value {
    gap["practices"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["id"] == "program-management"))
        .map(|p| p["current"]["comprehensiveness"].clone())
        .unwrap_or_else(|| panic!("program-management in {gap}"))
}

async fn new_version(app: &App, token: &str, id: i64, if_match: &str, text: String) {
    let answer = app
        .send(
            Method::PUT,
            &format!("/api/documents/{id}"),
            Some(token),
            Some(("application/yaml", text.into_bytes())),
            &[("if-match", if_match)],
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
}

/// The gap cache must not answer for an assessment whose system has no matching target: the
/// same bytes stored in a second system get the same 422 as if nothing had been cached.
async fn cached_gaps_belong_to_their_system(app: App) {
    let (owner, _, _, assessment) = bottling_line(&app).await;
    let first = app
        .get(&format!("/api/documents/{assessment}/gap"), &owner)
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    let org = app.organization("acme").await.0;
    let other = app
        .post_json(
            &format!("/api/organizations/{org}/systems"),
            &owner,
            json!({"name": "Second line, no target yet"}),
        )
        .await
        .json()["id"]
        .as_i64()
        .expect("id");
    let copy = app
        .post_yaml(
            &format!("/api/systems/{other}/assessments"),
            &owner,
            &example("bottling-line/assessment.yaml"),
        )
        .await;
    assert_eq!(copy.status, StatusCode::CREATED, "{}", copy.text());
    let copy = copy.json()["id"].as_i64().expect("id");
    let refused = app.get(&format!("/api/documents/{copy}/gap"), &owner).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text()
    );
    assert_eq!(refused.json()["field"], "target.sha256");
}

/// Evidence is reached through the system it was uploaded to: another system of the same
/// organization (which a grantee may be able to read) does not serve it, even by its hash.
async fn evidence_belongs_to_the_system_it_was_uploaded_to(app: App) {
    let (owner, system, _, _) = bottling_line(&app).await;
    let org = app.organization("acme").await.0;
    let other = app
        .post_json(
            &format!("/api/organizations/{org}/systems"),
            &owner,
            json!({"name": "Filler"}),
        )
        .await
        .json()["id"]
        .as_i64()
        .expect("id");
    let text = b"firewall rule review, signed off\n".to_vec();
    let up = app
        .send(
            Method::POST,
            &format!("/api/systems/{system}/evidence"),
            Some(&owner),
            Some(("text/plain", text.clone())),
            &[],
        )
        .await;
    assert_eq!(up.status, StatusCode::CREATED, "{}", up.text());
    let sha = up.json()["sha256"].as_str().expect("sha256").to_string();
    let elsewhere = app
        .get(&format!("/api/systems/{other}/evidence/{sha}"), &owner)
        .await;
    assert_eq!(
        elsewhere.status,
        StatusCode::NOT_FOUND,
        "{}",
        elsewhere.text()
    );
    // Uploading the same bytes to the other system links them there too (stored once).
    let again = app
        .send(
            Method::POST,
            &format!("/api/systems/{other}/evidence"),
            Some(&owner),
            Some(("text/plain", text.clone())),
            &[],
        )
        .await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.text());
    assert_eq!(again.json()["sha256"], sha.as_str());
    let there = app
        .get(&format!("/api/systems/{other}/evidence/{sha}"), &owner)
        .await;
    assert_eq!(there.status, StatusCode::OK);
    assert_eq!(there.body, text);
}

/// What the store holds: every audit entry's action, and the versions of every document of a
/// system.
async fn stored(app: &App, system: i64) -> (Vec<String>, i64) {
    let actions = app
        .store()
        .audit_entries()
        .await
        .expect("audit log")
        .into_iter()
        .map(|e| e.action)
        .collect();
    // Versions are numbered from 1, so the latest one's number counts them.
    let mut versions = 0;
    for kind in [
        smm_store::DocumentKind::TargetProfile,
        smm_store::DocumentKind::Assessment,
    ] {
        for doc in app
            .store()
            .documents(
                smm_store::SystemId(system),
                kind,
                smm_store::Page::new(0, smm_store::Page::MAX_LIMIT),
            )
            .await
            .expect("documents")
        {
            versions += doc.version;
        }
    }
    (actions, versions)
}

async fn refused_documents_never_reach_the_store(app: App) {
    let (owner, system, target, assessment) = bottling_line(&app).await;
    let before = stored(&app, system).await;
    let target_text = example("bottling-line/target.yaml");
    let assessment_text = example("bottling-line/assessment.yaml");
    // Parses, but the catalog has no such practice.
    let unresolved = assessment_text.replacen(
        "practices:\n",
        "practices:\n  no-such-practice: {comprehensiveness: 1, scope: general}\n",
        1,
    );
    let put = |id: i64, text: String| {
        let app = &app;
        let owner = &owner;
        async move {
            app.send(
                Method::PUT,
                &format!("/api/documents/{id}"),
                Some(owner),
                Some(("application/yaml", text.into_bytes())),
                &[("if-match", "\"1\"")],
            )
            .await
        }
    };
    for (what, answer, field) in [
        (
            "an assessment posted as a target",
            app.post_yaml(
                &format!("/api/systems/{system}/targets"),
                &owner,
                &assessment_text,
            )
            .await,
            Some("kind"),
        ),
        (
            "a target posted as an assessment",
            app.post_yaml(
                &format!("/api/systems/{system}/assessments"),
                &owner,
                &target_text,
            )
            .await,
            Some("kind"),
        ),
        (
            "a target's new version that is an assessment",
            put(target, assessment_text.clone()).await,
            Some("kind"),
        ),
        (
            "an assessment naming an unknown practice",
            app.post_yaml(
                &format!("/api/systems/{system}/assessments"),
                &owner,
                &unresolved,
            )
            .await,
            None,
        ),
        (
            "a new version naming an unknown practice",
            put(assessment, unresolved.clone()).await,
            None,
        ),
    ] {
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{what}: {}",
            answer.text()
        );
        let problem = answer.json();
        match field {
            Some(field) => assert_eq!(problem["field"], field, "{what}: {problem}"),
            None => {
                assert!(
                    problem["detail"]
                        .as_str()
                        .unwrap_or("")
                        .contains("no-such-practice"),
                    "{what}: {problem}"
                );
                assert!(problem["field"].is_string(), "{what}: {problem}");
            }
        }
    }
    assert_eq!(stored(&app, system).await, before, "nothing was written");
}

/// The server checks documents against its own catalog, not one the store would pick: a server
/// whose catalog is another edition refuses a target written for IoT SMM 1.2, and stores
/// nothing.
#[tokio::test]
async fn documents_are_checked_against_the_servers_catalog() {
    let Some(App {
        mut state,
        dir,
        config,
        ..
    }) = App::start(crate::common::Backend::Sqlite).await
    else {
        panic!("SQLite is always available");
    };
    let edition = std::fs::read_to_string(crate::common::repo().join("catalog/iot-smm-1.2.yaml"))
        .expect("catalog")
        .replacen("version: \"1.2\"", "version: \"1.3\"", 1);
    state.catalog = std::sync::Arc::new(smm_core::parse_catalog(&edition).expect("catalog"));
    let app = App {
        router: smm_server::router(state.clone()),
        state,
        dir,
        config,
    };
    let owner = app.token("acme", Role::Owner).await;
    let org = app.organization("acme").await;
    let system = app
        .store()
        .create_system("test", org, "Line")
        .await
        .expect("system");
    let before = stored(&app, system.0).await;
    let answer = app
        .post_yaml(
            &format!("/api/systems/{}/targets", system.0),
            &owner,
            &example("bottling-line/target.yaml"),
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.text()
    );
    assert!(
        answer.json()["detail"]
            .as_str()
            .unwrap_or("")
            .contains("1.3"),
        "{}",
        answer.text()
    );
    // The application layer refuses it the same way when called directly (the pages do).
    let direct = smm_server::app::documents::create(
        &app.state,
        "test",
        org,
        system,
        smm_store::DocumentKind::TargetProfile,
        example("bottling-line/target.yaml"),
    )
    .await;
    assert_eq!(
        direct.map(|d| d.id).map_err(|p| p.status),
        Err(422),
        "refused"
    );
    assert_eq!(stored(&app, system.0).await, before, "nothing was written");
}

/// An assessment measured against a target it was not made against is refused, naming both
/// documents and the digest the assessment names: the target's digest is the one its version
/// was stored with.
async fn a_target_of_another_digest_is_refused(app: App) {
    let (owner, system, target, assessment) = bottling_line(&app).await;
    let text = example("bottling-line/target.yaml");
    let other = app
        .post_yaml(
            &format!("/api/systems/{system}/targets"),
            &owner,
            &text.replacen("name: ", "name: Another ", 1),
        )
        .await;
    assert_eq!(other.status, StatusCode::CREATED, "{}", other.text());
    let (other, other_digest) = (
        other.json()["id"].as_i64().expect("id"),
        other.json()["sha256"].as_str().expect("digest").to_string(),
    );
    for read in ["gap", "roadmap"] {
        let paired = app
            .get(
                &format!("/api/documents/{assessment}/{read}?target={target}"),
                &owner,
            )
            .await;
        assert_eq!(paired.status, StatusCode::OK, "{}", paired.text());
        let refused = app
            .get(
                &format!("/api/documents/{assessment}/{read}?target={other}"),
                &owner,
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{read}");
        let problem = refused.json();
        assert_eq!(problem["field"], "target.sha256", "{problem}");
        let detail = problem["detail"].as_str().unwrap_or_default();
        assert!(
            detail.contains(&format!(
                "assessment {assessment} was made against another target than document {other}"
            )) && detail.contains(&other_digest),
            "{detail}"
        );
    }
}

on_both! {
    refused_documents => refused_documents_never_reach_the_store;
    other_target => a_target_of_another_digest_is_refused;
    documents_round_trip => documents_round_trip_with_versions_and_if_match;
    approved_targets => approved_targets_are_superseded_never_edited;
    malformed_input => malformed_documents_get_problem_details_naming_the_field;
    pagination => lists_come_a_page_at_a_time_and_filter;
    pipeline => the_pipeline_runs_on_stored_documents;
    evidence => evidence_is_stored_and_served_safely;
    gap_cache_per_system => cached_gaps_belong_to_their_system;
    gap_cache_follows_versions => cached_gaps_follow_new_versions;
    prepared_forms => prepared_forms_are_read_and_their_text_stands_in_for_them;
    evidence_per_system => evidence_belongs_to_the_system_it_was_uploaded_to;
}

/// A document with tens of thousands of mistakes gets the first of them and a count, not an
/// answer many times its own size.
#[tokio::test]
async fn a_document_full_of_mistakes_gets_a_short_answer() {
    let app = App::start(crate::common::Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    let (owner, system, _, _) = bottling_line(&app).await;
    let head = example("bottling-line/target.yaml");
    let head = head.split("\npractices:").next().expect("a target");
    let mut text = format!("{head}\npractices:\n");
    for i in 0..30_000 {
        text.push_str(&format!("  threat-modelin-{i}: {{rationale: x}}\n"));
    }
    assert!(text.len() > 1_000_000, "{}", text.len());
    let answer = app
        .post_yaml(&format!("/api/systems/{system}/targets"), &owner, &text)
        .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.text()
    );
    let body = answer.text();
    assert!(body.len() < 64 * 1024, "{} bytes", body.len());
    let problem = answer.json();
    let errors = problem["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), smm_server::problem::MAX_LISTED_PROBLEMS);
    let detail = problem["detail"].as_str().expect("detail");
    assert!(detail.contains("threat-modelin-0"), "{detail}");
    assert!(
        detail.contains(&format!(
            "and {} more problems",
            30_000 - smm_server::problem::MAX_LISTED_PROBLEMS
        )),
        "{}",
        &detail[detail.len().saturating_sub(300)..]
    );
}
