//! The assessment editor in pages: a new assessment starts with every practice not assessed and
//! is refused until each one is; what it stores is the assessment the CLI would read; evidence
//! files survive a refused form; the page after a save confirms it; two people editing the same
//! version never overwrite each other.

use axum::http::{Method, StatusCode};
use smm_core::catalog::Catalog;
use smm_core::document::Assessment;
use smm_store::Role;

use crate::common::{example, Answer, App, Backend};

/// A signed-in owner of a system that has a target, with the editor to hand.
struct Editor {
    app: App,
    owner: String,
    system: i64,
    target: i64,
    cookie: String,
}

impl Editor {
    async fn start() -> Editor {
        let app = App::start(Backend::Sqlite).await.expect("app");
        app.user("nadia", "acme", Role::Owner).await;
        let owner = app.token("acme", Role::Owner).await;
        let org = app.organization("acme").await.0;
        let system = app.system(&owner, org, "Bottling line").await;
        let target = app
            .document(
                &owner,
                system,
                "targets",
                &example("bottling-line/target.yaml"),
            )
            .await;
        // Signing in through the form is web.rs's subject; here a session is simply opened.
        let cookie = app.session_of("nadia").await;
        Editor {
            app,
            owner,
            system,
            target,
            cookie,
        }
    }

    async fn get(&self, path: &str) -> Answer {
        self.app
            .send(Method::GET, path, None, None, &[("cookie", &self.cookie)])
            .await
    }

    async fn submit(
        &self,
        path: &str,
        fields: &[(String, String)],
        files: &[(&str, &str, &str, &[u8])],
    ) -> Answer {
        let borrowed: Vec<(&str, String)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        let (content_type, body) = multipart_with_files(&borrowed, files);
        self.app
            .send(
                Method::POST,
                path,
                None,
                Some((&content_type, body)),
                &[("cookie", &self.cookie)],
            )
            .await
    }

    /// Where the new-assessment form posts.
    fn new_path(&self) -> String {
        format!(
            "/systems/{}/assessments/new?target={}",
            self.system, self.target
        )
    }

    /// The fields of a fresh new-assessment form, as a browser would send them untouched.
    async fn new_form(&self) -> Vec<(String, String)> {
        let page = self
            .get(&format!("/systems/{}/assessments/new", self.system))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        form_values(&page.text())
    }

    /// The assessment stored as document `id`, as the API returns it.
    async fn stored(&self, id: i64) -> (serde_json::Value, Assessment) {
        let stored = self
            .app
            .get(&format!("/api/documents/{id}"), &self.owner)
            .await
            .json();
        let assessment = smm_core::parse_assessment(stored["body"].as_str().expect("body"))
            .expect("a valid assessment");
        (stored, assessment)
    }

    async fn assessments(&self) -> usize {
        let list = self
            .app
            .get(
                &format!("/api/systems/{}/assessments", self.system),
                &self.owner,
            )
            .await
            .json();
        list["items"].as_array().map_or(0, Vec::len)
    }
}

/// The document id in a redirect to `/documents/{id}/gap?…`.
fn document_id(location: &str) -> i64 {
    location
        .trim_start_matches("/documents/")
        .split('/')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no document id in {location}"))
}

/// The level these tests give the i-th practice of the catalog: every value of both measures
/// is used somewhere.
fn level(i: usize) -> (String, &'static str) {
    (
        (i % 5).to_string(),
        ["general", "industry", "system"][i % 3],
    )
}

/// Assesses every practice of the form at `level(i)`.
fn assess_every_practice(fields: &mut [(String, String)]) {
    for (i, id) in Catalog::builtin().practice_ids().enumerate() {
        let (c, s) = level(i);
        set(fields, &format!("p.{id}.c"), &c);
        set(fields, &format!("p.{id}.s"), s);
    }
}

fn value<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no field {name}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untouched_new_assessment_is_refused_naming_each_practice_not_assessed() {
    let ed = Editor::start().await;
    let catalog = Catalog::builtin();
    let mut fields = ed.new_form().await;
    for id in catalog.practice_ids() {
        assert_eq!(
            value(&fields, &format!("p.{id}.c")),
            "",
            "{id} starts not assessed"
        );
        assert_eq!(
            value(&fields, &format!("p.{id}.s")),
            "",
            "{id} starts not assessed"
        );
    }
    set(&mut fields, "product_version", "2026.1");
    set(&mut fields, "p.patch-management.c", "0");
    set(
        &mut fields,
        "p.threat-modeling.notes",
        "Workshop planned for May.",
    );
    let refused = ed.submit(&ed.new_path(), &fields, &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text();
    let total = catalog.practice_ids().count();
    assert!(
        html.contains(&format!("{} of {total} practices are not assessed", total)),
        "{html}"
    );
    for item in catalog.practices() {
        let id = item.practice.id.as_str();
        let named = format!(
            "<a href=\"#practice-{id}\">{}: not assessed",
            item.practice.name
        );
        assert!(html.contains(&named), "{id} is named: {html}");
    }
    // 0 None is an answer, but without a scope the practice is still open, and says what is missing.
    assert!(html.contains("Patch Management: not assessed: choose its scope too"));
    // What was typed comes back.
    let kept = form_values(&html);
    assert_eq!(value(&kept, "product_version"), "2026.1");
    assert_eq!(value(&kept, "p.patch-management.c"), "0");
    assert_eq!(
        value(&kept, "p.threat-modeling.notes"),
        "Workshop planned for May."
    );
    assert_eq!(ed.assessments().await, 0, "nothing was stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_complete_assessment_is_stored_as_the_cli_would_read_it_and_the_gap_confirms_it() {
    let ed = Editor::start().await;
    let catalog = Catalog::builtin();
    let mut fields = ed.new_form().await;
    set(&mut fields, "product_version", "2026.1");
    set(&mut fields, "assessors", "Nadia Haddad\r\nOmar Farouk");
    set(&mut fields, "date", "2026-03-02");
    assess_every_practice(&mut fields);
    set(
        &mut fields,
        "p.patch-management.notes",
        "Patches go in at planned stops.\r\nChecked monthly.",
    );
    set(&mut fields, "f.0.id", "NC-1");
    set(&mut fields, "f.0.title", "No inventory of PLC firmware");
    set(&mut fields, "f.0.severity", "high");
    set(&mut fields, "f.0.practice", "asset-change-config");
    let saved = ed.submit(&ed.new_path(), &fields, &[]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let location = saved.header("location").expect("to the gap");
    let id = document_id(&location);
    assert_eq!(
        location,
        format!("/documents/{id}/gap?done=assessment-saved&version=1")
    );

    // The same assessment, written by hand as a YAML file for `smm validate`.
    let target = smm_core::parse_target(&example("bottling-line/target.yaml")).expect("target");
    let mut yaml = format!(
        "smm: 1\nkind: Assessment\ntarget:\n  path: target-{}.yaml\n  sha256: {}\n\
         product: {{name: Bottling line, version: '2026.1'}}\n\
         assessors: [Nadia Haddad, Omar Farouk]\ndate: 2026-03-02\npractices:\n",
        ed.target,
        smm_core::content_digest(&target)
    );
    for (i, id) in catalog.practice_ids().enumerate() {
        let (c, s) = level(i);
        yaml.push_str(&format!(
            "  {id}:\n    comprehensiveness: {c}\n    scope: {s}\n"
        ));
        if id == "patch-management" {
            yaml.push_str(
                "    notes: |-\n      Patches go in at planned stops.\n      Checked monthly.\n",
            );
        }
    }
    yaml.push_str(
        "findings:\n  - id: NC-1\n    kind: nonconformity\n    severity: high\n    \
         practice: asset-change-config\n    title: No inventory of PLC firmware\n",
    );
    let cli = smm_core::parse_assessment(&yaml).expect("the hand-written file");
    smm_core::current_profile(&catalog, &cli).expect("the CLI accepts it");
    let (stored, web) = ed.stored(id).await;
    assert_eq!(
        smm_core::content_digest(&web),
        smm_core::content_digest(&cli)
    );
    assert_eq!(
        stored["sha256"].as_str(),
        Some(smm_core::content_digest(&cli).as_str())
    );

    // The page the save lands on says so; the same page reached otherwise does not.
    let gap = ed.get(&location).await;
    assert_eq!(gap.status, StatusCode::OK);
    assert!(gap.text().contains(
        "<p class=\"ok\" role=\"status\" id=\"confirmation\">Assessment saved as version 1.</p>"
    ));
    for other in [
        format!("/documents/{id}/gap"),
        format!("/documents/{id}/gap?done=assessment-saved&version=zero"),
        format!("/documents/{id}/gap?done=%3Cb%3Ehacked&version=1"),
    ] {
        let page = ed.get(&other).await;
        assert_eq!(page.status, StatusCode::OK, "{other}");
        assert!(!page.text().contains("id=\"confirmation\""), "{other}");
        assert!(!page.text().contains("hacked"), "{other}");
    }

    // Editing shows the stored levels, and a new version is confirmed with its number.
    let mut edit = form_values(&ed.get(&format!("/documents/{id}/edit")).await.text());
    for (i, practice) in catalog.practice_ids().enumerate() {
        let (c, s) = level(i);
        assert_eq!(value(&edit, &format!("p.{practice}.c")), c, "{practice}");
        assert_eq!(value(&edit, &format!("p.{practice}.s")), s, "{practice}");
    }
    assert_eq!(value(&edit, "f.0.severity"), "high");
    set(&mut edit, "p.patch-management.c", "4");
    let again = ed
        .submit(&format!("/documents/{id}/edit"), &edit, &[])
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.text());
    let location = again.header("location").expect("to the gap");
    assert_eq!(
        location,
        format!("/documents/{id}/gap?done=assessment-saved&version=2")
    );
    assert!(ed
        .get(&location)
        .await
        .text()
        .contains("Assessment saved as version 2."));
    let (_, second) = ed.stored(id).await;
    assert_eq!(second.findings, web.findings, "findings kept as they were");
    assert_ne!(
        smm_core::content_digest(&second),
        smm_core::content_digest(&web)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_form_keeps_its_evidence_file_and_the_corrected_form_links_it() {
    let ed = Editor::start().await;
    let mut fields = ed.new_form().await;
    set(&mut fields, "product_version", "2026.1");
    set(
        &mut fields,
        "p.patch-management.new.description",
        "Patch procedure",
    );
    let bytes: &[u8] = b"%PDF-1.7 procedure";
    let sha = smm_core::digest::sha256_hex(bytes);
    let refused = ed
        .submit(
            &ed.new_path(),
            &fields,
            &[(
                "p.patch-management.new.file",
                "C:\\Users\\nadia\\patching.pdf",
                "application/pdf",
                bytes,
            )],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Stored already, and attached to the form by its digest.
    let file = ed
        .app
        .get(
            &format!("/api/systems/{}/evidence/{sha}", ed.system),
            &ed.owner,
        )
        .await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.body, bytes);
    let mut kept = form_values(&refused.text());
    assert_eq!(value(&kept, "p.patch-management.e.0.sha256"), sha);
    assert_eq!(value(&kept, "p.patch-management.e.0.file"), "patching.pdf");
    assert_eq!(
        value(&kept, "p.patch-management.e.0.description"),
        "Patch procedure"
    );
    assert_eq!(value(&kept, "p.patch-management.new.description"), "");
    // Corrected and sent again, once without the file and once with it picked again: either
    // way it is cited once.
    assess_every_practice(&mut kept);
    set(
        &mut kept,
        "p.patch-management.new.description",
        "Patch procedure",
    );
    let picked_again = ed
        .submit(
            &ed.new_path(),
            &kept,
            &[(
                "p.patch-management.new.file",
                "patching.pdf",
                "application/pdf",
                bytes,
            )],
        )
        .await;
    assert_eq!(
        picked_again.status,
        StatusCode::SEE_OTHER,
        "{}",
        picked_again.text()
    );
    let (_, with_file) = ed
        .stored(document_id(&picked_again.header("location").expect("gap")))
        .await;
    set(&mut kept, "p.patch-management.new.description", "");
    let saved = ed.submit(&ed.new_path(), &kept, &[]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let (_, stored) = ed
        .stored(document_id(&saved.header("location").expect("gap")))
        .await;
    let patch = stored
        .practices
        .iter()
        .find(|(k, _)| k.value == "patch-management")
        .expect("practice");
    let cited: Vec<(Option<&str>, Option<&str>, &str)> = patch
        .1
        .evidence
        .iter()
        .map(|e| {
            (
                e.file.as_ref().map(|f| f.value.as_str()),
                e.sha256.as_ref().map(|s| s.value.as_str()),
                e.description.as_str(),
            )
        })
        .collect();
    assert_eq!(
        cited,
        vec![(Some("patching.pdf"), Some(sha.as_str()), "Patch procedure")]
    );
    assert_eq!(
        smm_core::content_digest(&with_file),
        smm_core::content_digest(&stored)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_the_store_refuses_is_named_and_the_rest_of_the_form_is_kept() {
    let ed = Editor::start().await;
    let mut fields = ed.new_form().await;
    set(&mut fields, "product_version", "2026.1");
    assess_every_practice(&mut fields);
    let refused = ed
        .submit(
            &ed.new_path(),
            &fields,
            &[(
                "p.patch-management.new.file",
                "tool.exe",
                "application/x-msdownload",
                b"MZ\x90\x00 not evidence",
            )],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text()
    );
    let html = refused.text();
    assert!(html.contains("tool.exe:"), "{html}");
    assert!(html.contains("the file was not attached"));
    assert_eq!(value(&form_values(&html), "product_version"), "2026.1");
    assert_eq!(ed.assessments().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_people_editing_one_version_never_overwrite_each_other() {
    let ed = Editor::start().await;
    let page = ed
        .get(&format!("/systems/{}/assessments/new", ed.system))
        .await
        .text();
    assert!(page.contains("What each level means for this practice"));
    assert!(
        page.contains("target 2 / industry"),
        "the target level beside each practice"
    );
    let mut fields = form_values(&page);
    set(&mut fields, "product_version", "2026.1");
    assess_every_practice(&mut fields);
    let saved = ed.submit(&ed.new_path(), &fields, &[]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let id = document_id(&saved.header("location").expect("to the gap"));
    let edit = format!("/documents/{id}/edit");
    // Two people open the editor on version 1; the second save is refused and keeps its form.
    let mut first = form_values(&ed.get(&edit).await.text());
    let mut second = first.clone();
    set(&mut first, "p.asset-change-config.c", "3");
    set(
        &mut second,
        "p.asset-change-config.notes",
        "Inventory started in March.",
    );
    let a = ed.submit(&edit, &first, &[]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let b = ed.submit(&edit, &second, &[]).await;
    assert_eq!(b.status, StatusCode::CONFLICT);
    assert!(b.text().contains("nothing was overwritten"));
    assert!(b.text().contains("Inventory started in March."));
    let versions = ed
        .app
        .get(&format!("/api/documents/{id}/versions"), &ed.owner)
        .await
        .json();
    assert_eq!(versions.as_array().map(Vec::len), Some(2));
}

/// A multipart body with text fields and files (name, file name, type, bytes).
fn multipart_with_files(
    fields: &[(&str, String)],
    files: &[(&str, &str, &str, &[u8])],
) -> (String, Vec<u8>) {
    let boundary = "smmboundary51c2";
    let mut body: Vec<u8> = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    for (name, file, content_type, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Every named field of a page's form with its current value (inputs, selected options,
/// textareas), as a browser would send it.
fn form_values(page: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = page;
    while let Some(i) = rest.find("<input") {
        let tag = &rest[i..rest[i..].find('>').map_or(rest.len(), |e| i + e)];
        let attr = |a: &str| {
            tag.find(&format!(" {a}=\"")).map(|s| {
                let v = &tag[s + a.len() + 3..];
                v[..v.find('"').unwrap_or(0)].to_string()
            })
        };
        if let Some(name) = attr("name") {
            let kind = attr("type").unwrap_or_default();
            if kind != "file" && kind != "checkbox" && kind != "radio" {
                out.push((name, attr("value").unwrap_or_default()));
            }
        }
        rest = &rest[i + 6..];
    }
    let mut rest = page;
    while let Some(i) = rest.find("<select") {
        let end = rest[i..].find("</select>").map_or(rest.len(), |e| i + e);
        let block = &rest[i..end];
        let name = block
            .split("name=\"")
            .nth(1)
            .and_then(|v| v.split('"').next())
            .unwrap_or("");
        let selected = block
            .split("<option")
            .find(|o| o.contains(" selected"))
            .and_then(|o| o.split("value=\"").nth(1))
            .and_then(|v| v.split('"').next())
            .unwrap_or("");
        out.push((name.to_string(), selected.to_string()));
        rest = &rest[end..];
    }
    let mut rest = page;
    while let Some(i) = rest.find("<textarea") {
        let open_end = i + rest[i..].find('>').expect("tag end");
        let close = open_end + rest[open_end..].find("</textarea>").expect("close");
        let name = rest[i..open_end]
            .split("name=\"")
            .nth(1)
            .and_then(|v| v.split('"').next())
            .unwrap_or("");
        out.push((
            name.to_string(),
            rest[open_end + 1..close].replace("&#10;", "\n"),
        ));
        rest = &rest[close..];
    }
    out
}

fn set(fields: &mut [(String, String)], name: &str, value: &str) {
    let field = fields
        .iter_mut()
        .find(|(k, _)| k == name)
        .unwrap_or_else(|| panic!("no field {name}"));
    field.1 = value.to_string();
}
