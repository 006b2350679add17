//! The web wizard and the terminal interview are two doors onto one engine, so the same answers
//! must give the same target through either. The web side is driven through its real pages: each
//! step's form is read as a browser would submit it (the preselected choices), changed only where
//! the answers say so, and posted. The terminal side is `smm target new --answers FILE [--from
//! TEMPLATE]`: the core's `build_profile` on the same answers (what that command calls), and the
//! real binary too when `SMM_BIN` names it. The saved profiles' content digests must be equal.

use axum::http::{Method, StatusCode};
use smm_core::document::{builtin_templates, Template};
use smm_core::interview::{
    build_profile, parse_answers, Answers, Decision, Remaining, StandardClauses, Take,
};
use smm_core::{content_digest, parse_target, Catalog, TargetProfile};
use smm_store::Role;

use crate::common::{form_body as encode, hidden, Answer, App, Backend};

// ---------------------------------------------------------------------------------------------
// A browser, just enough of one: cookies, CSRF, and forms read from the page.

/// The text askama escaped, as the browser reads it: named and numeric character references.
fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').filter(|e| *e <= 8);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => match name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok().and_then(char::from_u32),
                    None => name
                        .strip_prefix('#')
                        .and_then(|d| d.parse().ok())
                        .and_then(char::from_u32),
                },
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    Some(unescape(tag[start..].split('"').next()?))
}

fn has_flag(tag: &str, flag: &str) -> bool {
    let tag = tag.trim_end_matches('>');
    tag.ends_with(&format!(" {flag}")) || tag.contains(&format!(" {flag} "))
}

/// The fields a browser submits for the form posting to `action`, untouched: hidden and text
/// inputs, checked radios, each select's selected option (else its first), text areas.
fn form_fields(page: &str, action: &str) -> Vec<(String, String)> {
    let start = page
        .find(&format!("action=\"{action}\""))
        .unwrap_or_else(|| panic!("no form posting to {action}"));
    let end = start + page[start..].find("</form>").expect("form end");
    let form = &page[start..end];
    let mut fields = Vec::new();
    let mut at = 0;
    while let Some(offset) = form[at..].find('<') {
        let open = at + offset;
        let rest = &form[open..];
        let tag_end = open + rest.find('>').expect("tag end") + 1;
        let tag = &form[open..tag_end];
        at = tag_end;
        if tag.starts_with("<input ") {
            let Some(name) = attribute(tag, "name") else {
                continue;
            };
            let value = attribute(tag, "value").unwrap_or_default();
            match attribute(tag, "type").as_deref() {
                Some("radio") | Some("checkbox") if !has_flag(tag, "checked") => {}
                _ => fields.push((name, value)),
            }
        } else if tag.starts_with("<textarea ") {
            let close = at + form[at..].find("</textarea>").expect("textarea end");
            let name = attribute(tag, "name").expect("textarea name");
            fields.push((name, unescape(&form[at..close])));
            at = close;
        } else if tag.starts_with("<select ") {
            let close = at + form[at..].find("</select>").expect("select end");
            let options: Vec<&str> = form[at..close]
                .split("<option")
                .skip(1)
                .map(|o| &o[..o.find('>').expect("option tag") + 1])
                .collect();
            let chosen = options
                .iter()
                .find(|o| has_flag(o, "selected"))
                .or(options.first())
                .and_then(|o| attribute(o, "value"))
                .unwrap_or_default();
            fields.push((attribute(tag, "name").expect("select name"), chosen));
            at = close;
        }
    }
    fields
}

/// Sets a field as a person would: changes it if the form has it, else adds it.
fn set(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    match fields.iter_mut().find(|(k, _)| k == name) {
        Some((_, v)) => *v = value.to_string(),
        None => fields.push((name.to_string(), value.to_string())),
    }
}

/// A signed-in person with a system to set targets for.
struct Person {
    app: App,
    cookie: String,
    csrf: String,
    system: i64,
    owner: String,
}

impl Person {
    async fn new() -> Person {
        let app = App::start(Backend::Sqlite).await.expect("app");
        let password = app.user("claire", "acme", Role::Owner).await;
        let owner = app.token("acme", Role::Owner).await;
        let org = app.organization("acme").await.0;
        let system = app.system(&owner, org, "The system").await;
        let (cookie, signed_in) = app.sign_in("claire", &password, "/").await;
        assert_eq!(signed_in.status, StatusCode::SEE_OTHER, "signed in");
        let page = app
            .page(&cookie, &format!("/systems/{system}"))
            .await
            .text();
        let csrf = hidden(&page, "csrf");
        Person {
            app,
            cookie,
            csrf,
            system,
            owner,
        }
    }

    async fn get(&self, path: &str) -> String {
        let page = self
            .app
            .send(Method::GET, path, None, None, &[("cookie", &self.cookie)])
            .await;
        assert_eq!(page.status, StatusCode::OK, "GET {path}: {}", page.text());
        page.text()
    }

    async fn post(&self, path: &str, fields: &[(String, String)]) -> Answer {
        let mut all = fields.to_vec();
        set(&mut all, "csrf", &self.csrf);
        self.app
            .send(
                Method::POST,
                path,
                None,
                Some(("application/x-www-form-urlencoded", encode(&all))),
                &[("cookie", &self.cookie)],
            )
            .await
    }

    /// Starts a draft; its id.
    async fn start(&self, template: Option<&str>) -> i64 {
        let started = self
            .post(
                &format!("/systems/{}/drafts", self.system),
                &[("template".to_string(), template.unwrap_or("").to_string())],
            )
            .await;
        assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.text());
        started
            .header("location")
            .expect("location")
            .trim_start_matches("/drafts/")
            .split('/')
            .next()
            .and_then(|d| d.parse().ok())
            .expect("draft id")
    }

    /// A step's form as the page shows it.
    async fn form(&self, draft: i64, step: &str) -> Vec<(String, String)> {
        let action = format!("/drafts/{draft}/{step}");
        form_fields(&self.get(&action).await, &action)
    }

    /// Posts a step's form with `go`; the step must be taken (a redirect), or `what` fails.
    async fn submit(
        &self,
        draft: i64,
        step: &str,
        mut fields: Vec<(String, String)>,
        go: &str,
        what: &str,
    ) {
        set(&mut fields, "go", go);
        let answer = self.post(&format!("/drafts/{draft}/{step}"), &fields).await;
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "{what}: the {step} step was refused: {}",
            answer.text()
        );
    }

    /// Saves the target and returns it as stored.
    async fn finish(&self, draft: i64, what: &str) -> TargetProfile {
        let finished = self.post(&format!("/drafts/{draft}/finish"), &[]).await;
        assert_eq!(
            finished.status,
            StatusCode::SEE_OTHER,
            "{what}: the target was not saved: {}",
            finished.text()
        );
        let location = finished.header("location").unwrap_or_default();
        assert!(
            location.starts_with(&format!("/systems/{}?done=target-saved", self.system)),
            "{what}: the redirect confirms the save: {location}"
        );
        // The newest target of the system is the one just saved.
        let id = self
            .app
            .get(
                &format!("/api/systems/{}/targets", self.system),
                &self.owner,
            )
            .await
            .json()["items"]
            .as_array()
            .and_then(|items| items.iter().filter_map(|d| d["id"].as_i64()).max())
            .unwrap_or_else(|| panic!("{what}: no target stored"));
        let body = self
            .app
            .get(&format!("/api/documents/{id}"), &self.owner)
            .await
            .json()["body"]
            .as_str()
            .expect("body")
            .to_string();
        parse_target(&body).unwrap_or_else(|e| panic!("{what}: the saved target: {e}"))
    }
}

// ---------------------------------------------------------------------------------------------
// The terminal's side.

/// What `smm target new --answers FILE [--from TEMPLATE] -o OUT` writes, read back: the core's
/// `build_profile` that the command calls, written and parsed as the command does; and when
/// `SMM_BIN` names the binary, the binary's own output, which must be the same.
fn terminal(answers: &Answers, template: Option<&Template>, what: &str) -> TargetProfile {
    let catalog = Catalog::builtin();
    let built = build_profile(&catalog, template, answers)
        .unwrap_or_else(|e| panic!("{what}: the answers do not build: {e}"));
    let text = serde_saphyr::to_string(&built.profile).expect("yaml");
    let profile = parse_target(&text).expect("the profile parses");
    if let Ok(bin) = std::env::var("SMM_BIN") {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("answers.yaml");
        std::fs::write(&file, serde_saphyr::to_string(answers).expect("yaml")).expect("write");
        let out = dir.path().join("target.yaml");
        let mut command = std::process::Command::new(&bin);
        command.arg("target").arg("new").arg("--answers").arg(&file);
        command.arg("-o").arg(&out);
        let status = command.output().expect("smm runs");
        assert!(
            status.status.success(),
            "{what}: smm target new failed: {}",
            String::from_utf8_lossy(&status.stderr)
        );
        let written = parse_target(&std::fs::read_to_string(&out).expect("output"))
            .expect("the binary's profile parses");
        assert_eq!(
            content_digest(&written),
            content_digest(&profile),
            "{what}: the binary and build_profile disagree"
        );
    }
    profile
}

/// Names the step where two profiles part, for the failure message.
fn first_difference(web: &TargetProfile, cli: &TargetProfile) -> String {
    let web = serde_json::to_value(web).expect("json");
    let cli = serde_json::to_value(cli).expect("json");
    let steps = [
        ("stakeholders", "step 4 (stakeholders)"),
        ("factors", "step 2 (factors)"),
        ("goals", "step 3 (goals)"),
        ("subdomains", "step 4 (subdomains)"),
        ("practices", "step 5 (practices)"),
        ("accepted-rules", "the review (accepted rules)"),
    ];
    for (key, step) in steps {
        if web.get(key) != cli.get(key) {
            return format!(
                "{step} differs:\n  web: {}\n  cli: {}",
                web.get(key).unwrap_or(&serde_json::Value::Null),
                cli.get(key).unwrap_or(&serde_json::Value::Null)
            );
        }
    }
    format!("step 1 (background) differs:\n  web: {web}\n  cli: {cli}")
}

fn assert_same(web: &TargetProfile, cli: &TargetProfile, what: &str) {
    assert!(
        content_digest(web) == content_digest(cli),
        "{what}: the web wizard and `smm target new --answers` disagree: {}",
        first_difference(web, cli)
    );
}

// ---------------------------------------------------------------------------------------------

/// Step 1 as both doors get it: every field given, so the comparison is about what the steps
/// suggest.
fn step_one(fields: &mut Vec<(String, String)>, answers: &Answers) {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    set(fields, "name", &text(&answers.name));
    set(fields, "version", &text(&answers.version));
    set(fields, "system", &text(&answers.system));
    set(fields, "authors", &answers.authors.join("\n"));
    set(
        fields,
        "date",
        &answers.date.map(|d| d.to_string()).unwrap_or_default(),
    );
    set(fields, "background", &text(&answers.background));
    if let Some(role) = answers.role {
        set(fields, "role", &token(&role));
    }
}

fn token<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_template_accepted_as_preselected_gives_the_terminals_target() {
    let templates = builtin_templates();
    assert!(templates.len() >= 6, "the built-in templates are all here");
    let person = Person::new().await;
    for template in &templates {
        let name = template.id.value.as_str();
        let what = format!("template {name}");
        let step_one_answers = Answers {
            name: Some(format!("{name} target")),
            system: Some("The system".to_string()),
            authors: vec!["claire".to_string()],
            date: smm_core::document::Date::parse("2026-03-02"),
            ..Answers::default()
        };
        let draft = person.start(Some(name)).await;
        let mut fields = person.form(draft, "background").await;
        step_one(&mut fields, &step_one_answers);
        person
            .submit(draft, "background", fields, "next", &what)
            .await;
        for step in ["factors", "goals", "subdomains", "practices"] {
            let fields = person.form(draft, step).await;
            person.submit(draft, step, fields, "next", &what).await;
        }
        let web = person.finish(draft, &what).await;
        // The terminal's "accept the remaining defaults" from the start: nothing but step 1.
        let answers = Answers {
            template: Some(name.to_string()),
            remaining: Remaining::Accept,
            ..step_one_answers
        };
        let cli = terminal(&answers, Some(template), &what);
        assert_same(&web, &cli, &what);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standards_chosen_in_step_one_raise_the_same_practices_through_both_doors() {
    let person = Person::new().await;
    let what = "consumer-iot with EN 303 645 and NIST IR 8259A";
    let chosen = ["etsi-en-303-645", "nist-ir-8259a"];
    for clauses in [StandardClauses::All, StandardClauses::Mandatory] {
        let step_one_answers = Answers {
            name: Some("Cameras".to_string()),
            system: Some("Home cameras and their cloud".to_string()),
            authors: vec!["claire".to_string()],
            date: smm_core::document::Date::parse("2026-03-02"),
            ..Answers::default()
        };
        let draft = person.start(Some("consumer-iot")).await;
        let mut fields = person.form(draft, "background").await;
        step_one(&mut fields, &step_one_answers);
        // The boxes a person ticks, and the choice of clauses.
        for id in chosen {
            fields.push(("standard".to_string(), id.to_string()));
        }
        set(&mut fields, "standard-clauses", &token(&clauses));
        person
            .submit(draft, "background", fields, "next", what)
            .await;
        // The page keeps the boxes ticked.
        let again = person.form(draft, "background").await;
        let ticked: Vec<&str> = again
            .iter()
            .filter(|(k, _)| k == "standard")
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(ticked, chosen);
        for step in ["factors", "goals", "subdomains", "practices"] {
            let fields = person.form(draft, step).await;
            person.submit(draft, step, fields, "next", what).await;
        }
        let web = person.finish(draft, what).await;
        let answers = Answers {
            template: Some("consumer-iot".to_string()),
            remaining: Remaining::Accept,
            standards: chosen
                .iter()
                .map(|s| smm_core::located::Located::new(s.to_string()))
                .collect(),
            standard_clauses: clauses,
            ..step_one_answers.clone()
        };
        let template = builtin_templates()
            .into_iter()
            .find(|t| t.id.value == "consumer-iot");
        let cli = terminal(&answers, template.as_ref(), what);
        assert_same(&web, &cli, what);
        // The standards did raise something, said so in the rationale.
        let plain = terminal(
            &Answers {
                template: Some("consumer-iot".to_string()),
                remaining: Remaining::Accept,
                ..step_one_answers
            },
            template.as_ref(),
            what,
        );
        assert_ne!(content_digest(&plain), content_digest(&web), "{clauses:?}");
        let text = serde_saphyr::to_string(&web).expect("yaml");
        assert!(text.contains("to address ETSI EN 303 645"), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_examples_answers_entered_in_pages_give_the_terminals_target() {
    let catalog = Catalog::builtin();
    let mut examples: Vec<_> = std::fs::read_dir(crate::common::repo().join("examples"))
        .expect("examples")
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("answers.yaml"))
        .filter(|p| p.exists())
        .collect();
    examples.sort();
    assert!(examples.len() >= 4, "the examples' answers are all here");
    let mut inputs: Vec<(String, String)> = examples
        .iter()
        .map(|p| {
            (
                format!("{}", p.display()),
                std::fs::read_to_string(p).expect("answers"),
            )
        })
        .collect();
    // Goal options with a scope chosen beside them: 4 / Industry for a regulated sector, and
    // an option's depth at General scope.
    inputs.push((
        "goal options with their own scope".to_string(),
        "smm: 1\nkind: Answers\nname: Regulated line\nsystem: s\nrole: operator\ndate: 2026-05-01\n\
         goals:\n  hardening: {option: measured-response, scope: industry}\n  \
         governance: {option: sector-norms, scope: general}\n  enablement: {option: known-use-cases}\n"
            .to_string(),
    ));
    // Step 4's optional question: more stakeholders than the page has empty rows, and parties
    // named on a domain, a subdomain and a practice, one of them only the cost bearer.
    inputs.push((
        "who is responsible and who pays".to_string(),
        "smm: 1\nkind: Answers\nname: Line\nsystem: s\nrole: integrator\ndate: 2026-05-01\n\
         stakeholders:\n  us: {role: integrator, name: Line Builders}\n  \
         owner: {role: operator, name: Fresh Drinks}\n  soc: {role: service-provider}\n  \
         plc: {role: component-vendor, name: PLC Works}\n  \
         cert: {role: certification-body, name: Test House}\n\
         responsibility:\n  hardening: {responsible: us, cost-bearer: owner}\n  \
         situational-awareness: {responsible: soc}\n  patch-management: {responsible: plc}\n  \
         governance: {cost-bearer: owner}\n"
            .to_string(),
    ));
    let person = Person::new().await;
    for (what, text) in inputs {
        let answers = parse_answers(&text).unwrap_or_else(|e| panic!("{what}: {e}"));
        let template = answers.template.as_deref().map(|t| {
            builtin_templates()
                .into_iter()
                .find(|b| b.id.value == t)
                .expect("a built-in template")
        });
        let draft = person.start(answers.template.as_deref()).await;

        // Step 1.
        let mut fields = person.form(draft, "background").await;
        step_one(&mut fields, &answers);
        person
            .submit(draft, "background", fields, "next", &what)
            .await;

        // Step 2: one factor at a time, in the answers' order, as a person fills them in.
        for factor in &answers.factors {
            let kind = token(&factor.kind);
            let mut fields = person.form(draft, "factors").await;
            assert!(
                fields
                    .iter()
                    .any(|(k, _)| *k == format!("factor.{kind}.description")),
                "{what}: step 2 has no factor {kind}"
            );
            set(
                &mut fields,
                &format!("factor.{kind}.impact"),
                &factor.impact.as_ref().map(token).unwrap_or_default(),
            );
            set(
                &mut fields,
                &format!("factor.{kind}.description"),
                &factor.description,
            );
            person.submit(draft, "factors", fields, "save", &what).await;
        }
        let fields = person.form(draft, "factors").await;
        person.submit(draft, "factors", fields, "next", &what).await;

        // Step 3.
        let mut fields = person.form(draft, "goals").await;
        for domain in &catalog.domains {
            let id = domain.id.as_str();
            let Some((_, goal)) = answers.goals.iter().find(|(k, _)| k.value == id) else {
                set(&mut fields, &format!("goal.{id}.option"), "suggested");
                continue;
            };
            match (&goal.option, &goal.comprehensiveness, &goal.scope) {
                (Some(option), None, scope) if goal.statement.is_none() => {
                    set(&mut fields, &format!("goal.{id}.option"), &option.value);
                    set(
                        &mut fields,
                        &format!("goal.{id}.option-scope"),
                        scope.as_ref().map(|s| s.value.token()).unwrap_or_default(),
                    );
                }
                (None, Some(c), Some(s)) => {
                    set(&mut fields, &format!("goal.{id}.option"), "custom");
                    set(
                        &mut fields,
                        &format!("goal.{id}.statement"),
                        goal.statement.as_deref().unwrap_or_default(),
                    );
                    set(
                        &mut fields,
                        &format!("goal.{id}.comprehensiveness"),
                        &c.value.value().to_string(),
                    );
                    set(&mut fields, &format!("goal.{id}.scope"), s.value.token());
                }
                _ => panic!("{what}: goal {id} is answered in a way this test does not enter"),
            }
        }
        person.submit(draft, "goals", fields, "next", &what).await;

        // Step 4's stakeholders, a few rows at a time as the page offers empty ones; they are
        // saved before the parties can be chosen among them.
        let mut pending: Vec<_> = answers.stakeholders.iter().collect();
        while !pending.is_empty() {
            let mut fields = person.form(draft, "subdomains").await;
            let blank: Vec<String> = fields
                .iter()
                .filter_map(|(k, v)| {
                    let index = k.strip_prefix("stakeholder.")?.strip_suffix(".id")?;
                    v.is_empty().then(|| index.to_string())
                })
                .collect();
            assert!(
                !blank.is_empty(),
                "{what}: step 4 offers no row to add a stakeholder"
            );
            let now: Vec<_> = pending.drain(..blank.len().min(pending.len())).collect();
            for (index, (id, stakeholder)) in blank.iter().zip(now) {
                set(&mut fields, &format!("stakeholder.{index}.id"), &id.value);
                set(
                    &mut fields,
                    &format!("stakeholder.{index}.role"),
                    stakeholder.role.value.as_str(),
                );
                set(
                    &mut fields,
                    &format!("stakeholder.{index}.name"),
                    stakeholder.name.as_deref().unwrap_or_default(),
                );
            }
            person
                .submit(draft, "subdomains", fields, "save", &what)
                .await;
        }

        // Steps 4 and 5.
        for (step, entries) in [
            ("subdomains", &answers.subdomains),
            ("practices", &answers.practices),
        ] {
            let mut fields = person.form(draft, step).await;
            let ids: Vec<String> = fields
                .iter()
                .filter_map(|(k, _)| {
                    k.strip_prefix("item.")
                        .and_then(|k| k.strip_suffix(".take"))
                        .map(str::to_string)
                })
                .collect();
            for id in ids {
                let decision = entries.iter().find(|(k, _)| k.value == id).map(|(_, d)| d);
                let take = match decision {
                    None if answers.remaining == Remaining::Inherit => "inherit",
                    None => "accept",
                    Some(Decision {
                        take: Some(Take::Inherit),
                        ..
                    }) => "inherit",
                    Some(Decision {
                        take: Some(Take::Accept),
                        ..
                    }) => "accept",
                    Some(d) => {
                        let c = d
                            .comprehensiveness
                            .as_ref()
                            .map(|c| c.value.value().to_string())
                            .unwrap_or_default();
                        let s = d
                            .scope
                            .as_ref()
                            .map(|s| s.value.token().to_string())
                            .unwrap_or_default();
                        set(&mut fields, &format!("item.{id}.comprehensiveness"), &c);
                        set(&mut fields, &format!("item.{id}.scope"), &s);
                        set(
                            &mut fields,
                            &format!("item.{id}.rationale"),
                            d.rationale
                                .as_ref()
                                .map(|r| r.value.as_str())
                                .unwrap_or_default(),
                        );
                        "override"
                    }
                };
                set(&mut fields, &format!("item.{id}.take"), take);
            }
            if step == "subdomains" {
                for (part, assignment) in answers.responsibility.iter() {
                    for (name, value) in [
                        ("responsible", &assignment.responsible),
                        ("cost-bearer", &assignment.cost_bearer),
                    ] {
                        let field = format!("party.{}.{name}", part.value);
                        assert!(
                            fields.iter().any(|(k, _)| *k == field),
                            "{what}: step 4 does not ask for {field}"
                        );
                        let value = value.as_ref().map(|v| v.value.as_str());
                        set(&mut fields, &field, value.unwrap_or_default());
                    }
                }
            }
            person.submit(draft, step, fields, "next", &what).await;
        }

        // The review: each accepted warning with its reason, in the answers' order.
        for (rule, acceptance) in answers.accepted_rules.iter() {
            let mut fields = person.form(draft, "review").await;
            let name = format!("rule.{}.reason", rule.value);
            assert!(
                fields.iter().any(|(k, _)| *k == name),
                "{what}: the review does not offer to accept {}",
                rule.value
            );
            set(
                &mut fields,
                &format!("rule.{}.reason", rule.value),
                &acceptance.reason.value,
            );
            person.submit(draft, "review", fields, "save", &what).await;
        }

        let web = person.finish(draft, &what).await;
        let cli = terminal(&answers, template.as_ref(), &what);
        assert_same(&web, &cli, &what);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_accepted_rule_that_no_longer_fires_is_shown_among_the_warnings() {
    let person = Person::new().await;
    let draft = person.start(None).await;
    // The catalog's default goals keep data controls with the data policy: nothing to accept.
    let text = "smm: 1\nkind: Answers\nname: n\nsystem: s\nrole: operator\ndate: 2026-05-01\n\
                accepted-rules:\n  controls-follow-policy: {reason: the owner sets the policy}\n";
    person
        .app
        .store()
        .save_draft(draft, text, None)
        .await
        .expect("draft saved");
    let page = unescape(&person.get(&format!("/drafts/{draft}/goals")).await);
    let side = &page[page.find("As it stands").expect("the effects panel")..];
    assert!(
        side.contains("rule `controls-follow-policy` is accepted but no longer fires"),
        "{side}"
    );
    assert!(side.contains("the acceptance can be removed"), "{side}");
}
