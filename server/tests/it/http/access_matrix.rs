//! The access matrix: every server function the router serves and every download route, called
//! by each kind of person, with ids of the demo school's CM2 and its pupils, and the answer each
//! must get, from one table. A server function or download missing from the table fails the
//! test.
//!
//! « Allowed » means the access check let the call through: a success, or the service's own
//! answer to these arguments (404, 409, 422: they are chosen so that nothing changes that later
//! calls depend on). « 401 »: no session; « 403 »: a session without the right.

use super::*;
use app::domain::{Role, Uai};
use app::entities::student;
use app::services::access::Actor;
use app::services::{classes, establishments, second_factor};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// The people who call, in the order of each row's expectations.
const PERSONS: [&str; 7] = [
    "nobody",
    "a parent (of Violetta, CM2)",
    "a teacher of another class (CP-CE1)",
    "the CM2's teacher",
    "the director of another school",
    "the director",
    "an administrateur",
];

/// The answer a person must get: `U` 401 (or, for a download, the way to the login page), `F`
/// 403, `A` allowed.
type Expected = &'static str;

/// The ids the calls are about: all of the demo school.
struct Ids {
    school: i32,
    cm2: i32,
    trimestre: i32,
    /// Violetta, whose responsable is the demo parent (her bilan is locked and published).
    violetta: i32,
    /// Hénoler, in the same class, another family's child.
    henoler: i32,
    /// The CE2, taught by none of the table's teachers, and Élise, one of its pupils (her bilan
    /// de fin de cycle is locked and published).
    ce2: i32,
    elise: i32,
}

enum Body {
    Form(Vec<(&'static str, String)>),
    Json(Value),
    /// An empty multipart form: the file upload endpoints.
    Multipart,
}

struct Row {
    endpoint: &'static str,
    body: fn(&Ids) -> Body,
    expected: Expected,
}

fn form(fields: &[(&'static str, &str)]) -> Body {
    Body::Form(fields.iter().map(|(k, v)| (*k, (*v).to_owned())).collect())
}

fn key(student_id: i32, ids: &Ids) -> Value {
    json!({ "key": { "student_id": student_id, "period_id": ids.trimestre } })
}

fn page_query(ids: &Ids) -> Body {
    Body::Json(json!({ "query": { "classe": ids.cm2, "periode": ids.trimestre } }))
}

/// Server functions. Order matters only for `logout`, last.
#[rustfmt::skip]
fn server_functions() -> Vec<Row> {
    vec![
        // Public: the login. A login that cannot exist, a code without a password first.
        Row { endpoint: "login", body: |_| form(&[("login", "??"), ("password", "x"), ("next", "")]), expected: "UUUUUUU" },
        Row { endpoint: "verify-code", body: |_| form(&[("code", "000000")]), expected: "UUUUUUU" },
        // Anyone logged in: their own session, password, second factor.
        Row { endpoint: "session", body: |_| form(&[]), expected: "UAAAAAA" },
        Row { endpoint: "switch-establishment", body: |ids| form(&[("establishment_id", &ids.school.to_string())]), expected: "UAAAFAF" },
        Row { endpoint: "change-password", body: |_| form(&[("current", "faux"), ("new_password", "court"), ("confirmation", "autre")]), expected: "UAAAAAA" },
        Row { endpoint: "second-factor", body: |_| form(&[]), expected: "UAAAAAA" },
        Row { endpoint: "begin-enrolment", body: |_| form(&[]), expected: "UAAAAAA" },
        Row { endpoint: "confirm-enrolment", body: |_| form(&[("code", "000000")]), expected: "UAAAAAA" },
        Row { endpoint: "forget-recovery-codes", body: |_| form(&[]), expected: "UAAAAAA" },
        Row { endpoint: "disable-second-factor", body: |_| form(&[("code", "000000")]), expected: "UAAAFFF" },
        // The académie: administrateurs only.
        Row { endpoint: "academie-establishments", body: |_| form(&[]), expected: "UFFFFFA" },
        Row { endpoint: "establishment-directors", body: |ids| form(&[("establishment_id", &ids.school.to_string())]), expected: "UFFFFFA" },
        Row { endpoint: "create-establishment", body: |_| form(&[("ecole[uai]", "faux"), ("ecole[name]", ""), ("ecole[city]", ""), ("ecole[civility]", ""), ("ecole[last_name]", ""), ("ecole[first_name]", ""), ("ecole[login]", "")]), expected: "UFFFFFA" },
        Row { endpoint: "add-director", body: |ids| Body::Form(vec![("directeur[establishment_id]", ids.school.to_string()), ("directeur[civility]", String::new()), ("directeur[last_name]", String::new()), ("directeur[first_name]", String::new()), ("directeur[login]", String::new())]), expected: "UFFFFFA" },
        Row { endpoint: "grant-director", body: |ids| Body::Form(vec![("establishment_id", ids.school.to_string()), ("login", "personne.inconnue".to_owned())]), expected: "UFFFFFA" },
        Row { endpoint: "revoke-director", body: |ids| Body::Form(vec![("establishment_id", ids.school.to_string()), ("user_id", "999999".to_owned())]), expected: "UFFFFFA" },
        Row { endpoint: "assist-establishment", body: |_| form(&[("establishment_id", "999999")]), expected: "UFFFFFA" },
        Row { endpoint: "leave-assistance", body: |_| form(&[]), expected: "UFFFFFA" },
        Row { endpoint: "reset-second-factor", body: |_| form(&[("user_id", "999999")]), expected: "UFFFFFA" },
        // Paramétrage: the director of the school (another school's director works on hers).
        Row { endpoint: "establishment-accounts", body: |_| form(&[]), expected: "UFFFAAF" },
        Row { endpoint: "reissue-password", body: |_| form(&[("login", "remplacant")]), expected: "UFFFFAF" },
        Row { endpoint: "school-classes", body: |_| form(&[]), expected: "UFFFAAF" },
        Row { endpoint: "set-positionnement", body: |ids| Body::Form(vec![("class_id", ids.cm2.to_string()), ("positionnement", "inconnu".to_owned())]), expected: "UFFFFAF" },
        Row { endpoint: "assign-teacher", body: |ids| Body::Form(vec![("class_id", ids.cm2.to_string()), ("teacher_id", "999999".to_owned())]), expected: "UFFFFAF" },
        Row { endpoint: "unassign-teacher", body: |ids| Body::Form(vec![("class_id", ids.cm2.to_string()), ("teacher_id", "999999".to_owned())]), expected: "UFFFFAF" },
        Row { endpoint: "create-teacher", body: |_| form(&[("teacher[civility]", ""), ("teacher[last_name]", ""), ("teacher[first_name]", ""), ("teacher[login]", ""), ("teacher[class_id]", "")]), expected: "UFFFAAF" },
        Row { endpoint: "school-year-setup", body: |_| form(&[]), expected: "UFFFAAF" },
        Row { endpoint: "open-school-year", body: |_| form(&[("annee[millesime]", "abc"), ("annee[debut]", ""), ("annee[fin]", "")]), expected: "UFFFAAF" },
        Row { endpoint: "set-school-year-dates", body: |_| form(&[("dates[debut]", ""), ("dates[fin]", "")]), expected: "UFFFAAF" },
        Row { endpoint: "period-settings", body: |_| form(&[]), expected: "UFFFAAF" },
        Row { endpoint: "save-periods", body: |_| Body::Json(json!({ "periodicity": "inconnue", "periods": [], "class_ids": [] })), expected: "UFFFAAF" },
        Row { endpoint: "import-onde", body: |_| Body::Multipart, expected: "UFFFAAF" },
        Row { endpoint: "import-teachers", body: |_| Body::Multipart, expected: "UFFFAAF" },
        Row { endpoint: "import-responsables", body: |_| Body::Multipart, expected: "UFFFAAF" },
        Row { endpoint: "school-responsables", body: |_| Body::Json(json!({})), expected: "UFFFAAF" },
        Row { endpoint: "attach-responsable", body: |ids| Body::Form(vec![("responsable[student_id]", ids.violetta.to_string()), ("responsable[civility]", String::new()), ("responsable[last_name]", String::new()), ("responsable[first_name]", String::new()), ("responsable[email]", String::new())]), expected: "UFFFFAF" },
        Row { endpoint: "synchronise-bilans", body: |ids| Body::Json(json!({ "class_ids": [ids.cm2] })), expected: "UFFFFAF" },
        Row { endpoint: "lsu-export-choices", body: |_| Body::Json(json!({})), expected: "UFFFAAF" },
        Row { endpoint: "lsu-precheck", body: |ids| Body::Json(json!({ "choice": { "period_ids": [ids.trimestre], "cycle_bilans": true } })), expected: "UFFFFAF" },
        Row { endpoint: "publish-bilans", body: |ids| Body::Json(json!({ "class_id": ids.cm2, "period_id": ids.trimestre, "publish": true })), expected: "UFFFFAF" },
        // Collective entry and bilans: the class's teachers and the director. A page asked for
        // another's class opens on one of the person's own (checked below).
        Row { endpoint: "acquis-page", body: page_query, expected: "UFAAAAF" },
        Row { endpoint: "programme-page", body: page_query, expected: "UFAAAAF" },
        Row { endpoint: "parcours-page", body: page_query, expected: "UFAAAAF" },
        Row { endpoint: "bilans-page", body: page_query, expected: "UFAAAAF" },
        Row { endpoint: "save-acquis", body: |ids| Body::Json(json!({ "key": { "class_id": ids.cm2, "period_id": ids.trimestre, "domain_code": "FRA-LO" }, "changes": [] })), expected: "UFFAFAF" },
        Row { endpoint: "save-programme-list", body: |ids| Body::Json(json!({ "key": { "class_id": ids.cm2, "level": "Cm2", "period_id": ids.trimestre, "domain_code": "FRA-LO" }, "was": ["inconnu"], "items": [] })), expected: "UFFAFAF" },
        Row { endpoint: "save-class-parcours", body: |ids| Body::Form(vec![("class[class_id]", ids.cm2.to_string()), ("class[period_id]", ids.trimestre.to_string()), ("now[par_cit]", "x".to_owned()), ("was[par_cit]", "pas ce texte".to_owned()), ("now[par_art]", String::new()), ("was[par_art]", String::new()), ("now[par_san]", String::new()), ("was[par_san]", String::new())]), expected: "UFFAFAF" },
        Row { endpoint: "set-class-language", body: |ids| Body::Form(vec![("class_id", ids.cm2.to_string()), ("language", "xx".to_owned())]), expected: "UFFAFAF" },
        Row { endpoint: "bilans-action", body: |ids| Body::Json(json!({ "request": { "class_id": ids.cm2, "period_id": ids.trimestre, "action": "Create", "student_ids": [] } })), expected: "UFFAFAF" },
        Row { endpoint: "bilan-editor", body: |ids| Body::Json(key(ids.violetta, ids)), expected: "UFFAFAF" },
        Row { endpoint: "save-bilan", body: |ids| { let mut body = key(ids.violetta, ids); body["changes"] = json!([]); Body::Json(body) }, expected: "UFFAFAF" },
        Row { endpoint: "bilan-history", body: |ids| Body::Json(json!({ "student_id": ids.violetta })), expected: "UFFAFAF" },
        Row { endpoint: "start-class-print", body: |ids| Body::Json(json!({ "class_id": ids.cm2, "period_id": 999999, "each": false })), expected: "UFFAFAF" },
        Row { endpoint: "print-jobs", body: |_| Body::Json(json!({})), expected: "UAAAAAA" },
        // Bilans de fin de cycle of the CE2: its teacher (none of the table's) and the director.
        Row { endpoint: "cycle-list-page", body: |ids| Body::Json(json!({ "query": { "classe": ids.ce2 } })), expected: "UFAAAAF" },
        Row { endpoint: "cycle-grid-page", body: |ids| Body::Json(json!({ "query": { "classe": ids.ce2, "composante": "CPD_FRA" } })), expected: "UFAAAAF" },
        Row { endpoint: "save-cycle-grid", body: |ids| Body::Json(json!({ "key": { "class_id": ids.ce2, "code": "CPD_FRA" }, "changes": [] })), expected: "UFFFFAF" },
        Row { endpoint: "cycle-bilan-page", body: |ids| Body::Json(json!({ "key": { "eleve": ids.elise } })), expected: "UFFFFAF" },
        Row { endpoint: "save-cycle-bilan", body: |ids| Body::Json(json!({ "changes": { "student_id": ids.elise, "components": [], "synthese": null } })), expected: "UFFFFAF" },
        Row { endpoint: "cycle-action", body: |ids| Body::Json(json!({ "request": { "class_id": ids.ce2, "action": "Lock", "student_ids": [] } })), expected: "UFFFFAF" },
        // Families: a responsable, for their own children only (anyone else has none).
        Row { endpoint: "family-space", body: |_| Body::Json(json!({})), expected: "UAAAAAA" },
        Row { endpoint: "family-bilan", body: |ids| Body::Json(key(ids.violetta, ids)), expected: "UAFFFFF" },
        Row { endpoint: "acknowledge-bilan", body: |ids| Body::Json(key(ids.violetta, ids)), expected: "UAFFFFF" },
        // Élise's family is none of the table's.
        Row { endpoint: "acknowledge-cycle-bilan", body: |ids| Body::Json(json!({ "student_id": ids.elise })), expected: "UFFFFFF" },
        // Last: it ends the session.
        Row { endpoint: "logout", body: |_| form(&[]), expected: "AAAAAAA" },
    ]
}

/// Calls with another pupil's ids than the person's own: another family's child.
#[rustfmt::skip]
fn other_pupil_calls() -> Vec<Row> {
    vec![
        Row { endpoint: "family-bilan", body: |ids| Body::Json(key(ids.henoler, ids)), expected: "UFFFFFF" },
        Row { endpoint: "acknowledge-bilan", body: |ids| Body::Json(key(ids.henoler, ids)), expected: "UFFFFFF" },
    ]
}

/// Download routes, by path: the query they get and who may have the file.
#[rustfmt::skip]
fn downloads(ids: &Ids) -> Vec<(&'static str, String, Expected)> {
    vec![
        ("/bilans/pdf", format!("eleve={}&periode={}", ids.violetta, ids.trimestre), "UAFAFAF"),
        ("/bilans/pdf", format!("eleve={}&periode={}", ids.henoler, ids.trimestre), "UFFAFAF"),
        ("/bilans/pdf/classe", format!("classe={}&periode={}", ids.cm2, ids.trimestre), "UFFAFAF"),
        ("/export/lsu", format!("periodes={}", ids.trimestre), "UFFFFAF"),
        // Another school's director asks for their own school's: nothing to send (422).
        ("/export/lsu", "cycle=1".to_owned(), "UFFFAAF"),
        ("/bilans/fin-de-cycle/pdf", format!("eleve={}", ids.elise), "UFFFFAF"),
        // Someone else's print, or none: never anyone's but its owner's.
        ("/bilans/impression", "travail=12345".to_owned(), "UAAAAAA"),
    ]
}

async fn student_named(app: &TestApp, first_names: &str) -> i32 {
    student::Entity::find()
        .filter(student::Column::FirstNames.eq(first_names))
        .one(&app.database.db)
        .await
        .unwrap()
        .expect("a demo pupil")
        .id
}

/// An account given a role (in `establishment`), with a second factor when its role needs one
/// (answers its secret).
async fn person(
    app: &TestApp,
    login: &str,
    role: Role,
    establishment: Option<i32>,
) -> (i32, Option<&'static str>) {
    const SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    let id = account_with(app, login, role, establishment).await;
    if !role.requires_second_factor() {
        return (id, None);
    }
    second_factor::enrol_with_secret(
        &app.database.db,
        &app.state.secret_key,
        id,
        SECRET,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    (id, Some(SECRET))
}

/// A logged-in client: the password, then the code when the account has a second factor.
async fn logged_in(
    app: &TestApp,
    login: &str,
    password: &str,
    secret: Option<&str>,
) -> reqwest::Client {
    let client = app.client();
    let response = post_form(
        app,
        &client,
        "/api/login",
        &[("login", login), ("password", password), ("next", "")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK, "{login} logs in");
    if let Some(secret) = secret {
        assert_eq!(
            give_code(app, &client, secret).await.status(),
            StatusCode::OK
        );
    }
    client
}

async fn call(app: &TestApp, client: &reqwest::Client, endpoint: &str, body: Body) -> StatusCode {
    call_json(app, client, endpoint, body).await.status()
}

async fn call_json(
    app: &TestApp,
    client: &reqwest::Client,
    endpoint: &str,
    body: Body,
) -> reqwest::Response {
    let request = client.post(app.url(&format!("/api/{endpoint}")));
    let request = match body {
        Body::Form(fields) => request.form(&fields),
        Body::Json(value) => request.json(&value),
        Body::Multipart => request.multipart(reqwest::multipart::Form::new()),
    };
    request.send().await.expect("the server answers")
}

fn verdict(status: StatusCode, download: bool) -> char {
    match status.as_u16() {
        401 => 'U',
        303 if download => 'U',
        403 => 'F',
        // A server error or an unreadable call is never « allowed »: the table would hide it.
        400 | 500.. => '!',
        _ => 'A',
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_server_function_and_download_answers_each_person_as_the_table_says() {
    let app = TestApp::spawn().await;
    let db = &app.database.db;
    let school = crate::support::demo_school(db).await;
    let cm2 = crate::support::demo_class(db, "CM2").await.id;
    let cp = crate::support::demo_class(db, "CP").await.id;
    let ids = Ids {
        school,
        cm2,
        trimestre: crate::support::trimestres(db).await[0],
        violetta: student_named(&app, "Violetta").await,
        henoler: student_named(&app, "Hénoler").await,
        ce2: crate::support::demo_class(db, server::demo::CE2).await.id,
        elise: student_named(&app, "Élise").await,
    };

    // The people of the table who are not in the demo.
    let (other_teacher, _) = person(&app, "autre.enseignant", Role::Enseignant, Some(school)).await;
    // Whose password the director may reissue without touching anyone of the table.
    person(&app, "remplacant", Role::Enseignant, Some(school)).await;
    let director = crate::support::actor(db, "direction").await;
    classes::assign_teacher(db, &director, cp, other_teacher)
        .await
        .unwrap();
    let elsewhere = establishments::create(
        db,
        &Actor::System,
        establishments::NewEstablishment {
            uai: Uai::parse("0251234A").unwrap(),
            name: "École Jules Ferry".to_owned(),
            city: Some("Pontarlier".to_owned()),
        },
    )
    .await
    .unwrap();
    let (_, other_secret) =
        person(&app, "autre.direction", Role::Directeur, Some(elsewhere.id)).await;
    let (_, admin_secret) = person(&app, "rectorat", Role::Administrateur, None).await;

    let clients = [
        app.client(),
        logged_in(&app, "parent", "demo-parent", None).await,
        logged_in(&app, "autre.enseignant", "mot-de-passe-sur", None).await,
        logged_in(&app, "enseignant", "demo-enseignant", None).await,
        logged_in(&app, "autre.direction", "mot-de-passe-sur", other_secret).await,
        logged_in(
            &app,
            "direction",
            "demo-direction",
            Some(server::demo::DIRECTOR_TOTP_SECRET),
        )
        .await,
        logged_in(&app, "rectorat", "mot-de-passe-sur", admin_secret).await,
    ];

    // The table covers every server function the router serves, and nothing else.
    let table = server_functions();
    let served: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .filter(|path| path.starts_with("/api/"))
        .collect();
    let listed: BTreeSet<String> = table
        .iter()
        .map(|row| format!("/api/{}", row.endpoint))
        .collect();
    assert_eq!(
        served.difference(&listed).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "server functions missing from the access table"
    );
    assert_eq!(
        listed.difference(&served).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "rows of the access table that the router does not serve"
    );
    let download_table = downloads(&ids);
    for (path, _) in server::router::download_routes(&app.state) {
        assert!(
            download_table.iter().any(|(listed, _, _)| *listed == path),
            "download {path} missing from the access table"
        );
    }

    // A collective entry page asked for the CM2 by someone who does not teach it opens on their
    // own class, never on the CM2; a family space is someone's own children.
    for who in [2, 4] {
        let response = call_json(&app, &clients[who], "acquis-page", page_query(&ids)).await;
        let page: app::wire::saisie::SaisiePage<Value> = response.json().await.unwrap();
        assert!(
            page.classes.iter().all(|class| class.id != ids.cm2),
            "{}",
            PERSONS[who]
        );
        assert!(
            page.selection.is_none_or(|s| s.class.id != ids.cm2),
            "{}",
            PERSONS[who]
        );
    }
    for who in [2, 3, 5] {
        let response = call_json(&app, &clients[who], "family-space", Body::Json(json!({}))).await;
        let space: app::wire::families::FamilySpaceView = response.json().await.unwrap();
        assert!(space.children.is_empty(), "{}", PERSONS[who]);
    }

    let mut wrong = Vec::new();
    // Downloads first, then the server functions (`logout`, last, ends the sessions).
    for (path, query, expected) in &download_table {
        for (who, client) in clients.iter().enumerate() {
            let status = client
                .get(app.url(&format!("{path}?{query}")))
                .send()
                .await
                .unwrap()
                .status();
            let got = verdict(status, true);
            let want = expected.chars().nth(who).unwrap();
            if got != want {
                wrong.push(format!(
                    "{path}?{query} as {}: {status}, expected {want}",
                    PERSONS[who]
                ));
            }
        }
    }
    for row in other_pupil_calls().iter().chain(&table) {
        for (who, client) in clients.iter().enumerate() {
            let status = call(&app, client, row.endpoint, (row.body)(&ids)).await;
            let got = verdict(status, false);
            let want = row.expected.chars().nth(who).unwrap();
            if got != want {
                wrong.push(format!(
                    "{} as {}: {status}, expected {want}",
                    row.endpoint, PERSONS[who]
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} answers differ from the table:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
