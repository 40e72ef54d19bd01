//! The `livret` command line, run as a user would: exit codes and French messages.

use std::io::Write;
use std::process::{Command, Output, Stdio};

struct Cli {
    dir: tempfile::TempDir,
}

impl Cli {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    fn database_url(&self) -> String {
        format!(
            "sqlite://{}?mode=rwc",
            self.dir.path().join("livret.db").display()
        )
    }

    fn run(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_livret"))
            .args(args)
            .env("DATABASE_URL", self.database_url())
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("livret starts");
        child
            .stdin
            .take()
            .expect("piped stdin")
            .write_all(stdin.as_bytes())
            .expect("stdin accepts the password");
        child.wait_with_output().expect("livret finishes")
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn help_documents_every_command() {
    let cli = Cli::new();
    let help = cli.run(&["--help"], "");
    assert!(help.status.success());
    for command in ["serve", "school", "user"] {
        assert!(stdout(&help).contains(command), "{}", stdout(&help));
    }
    let serve = cli.run(&["serve", "--help"], "");
    assert!(stdout(&serve).contains("--demo"));
    let user = cli.run(&["user", "add", "--help"], "");
    assert!(stdout(&user).contains("entrée standard"));
}

#[test]
fn schools_and_accounts_are_added_and_can_log_in() {
    let cli = Cli::new();
    let school = cli.run(
        &[
            "school",
            "add",
            "--uai",
            "0251234a",
            "--nom",
            "École Jules Ferry",
        ],
        "",
    );
    assert!(school.status.success(), "{}", stderr(&school));
    assert_eq!(
        stdout(&school),
        "Établissement créé : École Jules Ferry (0251234A)\n"
    );

    let args = [
        "user",
        "add",
        "--login",
        "c.martin",
        "--role",
        "directeur",
        "--uai",
        "0251234A",
        "--nom",
        "Martin",
        "--prenom",
        "Claire",
        "--civilite",
        "Mme",
    ];
    let user = cli.run(&args, "un-mot-de-passe\n");
    assert!(user.status.success(), "{}", stderr(&user));
    assert_eq!(
        stdout(&user),
        "Compte « c.martin » créé, rôle directeur dans 0251234A.\n"
    );
    let teacher_too = cli.run(
        &[
            "user",
            "add",
            "--login",
            "c.martin",
            "--role",
            "enseignant",
            "--uai",
            "0251234A",
        ],
        "",
    );
    assert!(teacher_too.status.success(), "{}", stderr(&teacher_too));
    assert!(
        stdout(&teacher_too)
            .contains("rôle enseignant dans 0251234A ajouté, mot de passe inchangé")
    );

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let db = server::db::connect(&cli.database_url()).await.unwrap();
        let id = app::services::accounts::authenticate(
            &db,
            "c.martin",
            "un-mot-de-passe",
            "127.0.0.1",
            chrono::Utc::now(),
        )
        .await
        .expect("the password read from stdin works");
        let person = app::services::accounts::acting_user(&db, id, None)
            .await
            .unwrap();
        assert_eq!(person.display_name, "Mme Claire Martin");
        assert_eq!(person.grants.len(), 2);
    });
}

#[test]
fn bad_input_gets_a_french_message_and_a_failure_exit() {
    let cli = Cli::new();
    assert!(
        cli.run(
            &["school", "add", "--uai", "0251234A", "--nom", "Jules Ferry"],
            ""
        )
        .status
        .success()
    );
    let cases: [(&[&str], &str, &str); 7] = [
        (
            &["school", "add", "--uai", "12", "--nom", "X"],
            "",
            "code UAI invalide « 12 »",
        ),
        (
            &["school", "add", "--uai", "0251234A", "--nom", "Y"],
            "",
            "l'établissement 0251234A existe déjà",
        ),
        (
            &[
                "user", "add", "--login", "a.b", "--role", "chef", "--uai", "0251234A",
            ],
            "x\n",
            "rôle inconnu « chef »",
        ),
        (
            &[
                "user",
                "add",
                "--login",
                "a.b",
                "--role",
                "enseignant",
                "--uai",
                "0251234A",
            ],
            "court\n",
            "au moins 8 caractères",
        ),
        (
            &["user", "add", "--login", "a.b", "--role", "enseignant"],
            "un-mot-de-passe\n",
            "précisez son UAI",
        ),
        (
            &[
                "user",
                "add",
                "--login",
                "a.b",
                "--role",
                "enseignant",
                "--uai",
                "0259998B",
            ],
            "un-mot-de-passe\n",
            "aucun établissement n'a l'UAI 0259998B",
        ),
        (
            &[
                "user",
                "add",
                "--login",
                "é",
                "--role",
                "enseignant",
                "--uai",
                "0251234A",
            ],
            "un-mot-de-passe\n",
            "l'identifiant doit compter de 3 à 64 caractères",
        ),
    ];
    for (args, stdin, message) in cases {
        let output = cli.run(args, stdin);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&output).contains(message),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn a_password_is_never_taken_from_the_command_line() {
    let cli = Cli::new();
    let output = cli.run(
        &[
            "user",
            "add",
            "--login",
            "a.b",
            "--role",
            "administrateur",
            "--password",
            "secret123",
        ],
        "",
    );
    assert_eq!(
        output.status.code(),
        Some(2),
        "clap refuses unknown arguments"
    );
    let missing = cli.run(&["school", "add", "--uai", "0251234A"], "");
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("--nom"));
}

#[test]
fn the_onde_extraction_is_previewed_then_imported_once() {
    let cli = Cli::new();
    assert!(
        cli.run(
            &["school", "add", "--uai", "0251234A", "--nom", "Jules Ferry"],
            ""
        )
        .status
        .success()
    );
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/demo/onde-extraction-eleves.csv"
    );
    let import = |extra: &[&str]| {
        let mut args = vec!["import", "onde", sample, "--uai", "0251234A"];
        args.extend_from_slice(extra);
        cli.run(&args, "")
    };
    // No school year yet: refused, nothing written.
    let no_year = import(&[]);
    assert_eq!(no_year.status.code(), Some(1));
    assert!(stderr(&no_year).contains("aucune année scolaire"));

    // The year, opened from the command line with the dates a school really uses.
    let millesime = app::domain::SchoolYear::containing(app::time::today_in_paris());
    let (debut, fin) = (
        format!("25/08/{}", millesime.millesime()),
        format!("08/07/{}", millesime.millesime() + 1),
    );
    let opened = cli.run(
        &[
            "year",
            "open",
            "--uai",
            "0251234A",
            "--annee",
            &millesime.to_string(),
            "--debut",
            &debut,
            "--fin",
            &fin,
        ],
        "",
    );
    assert!(opened.status.success(), "{}", stderr(&opened));
    assert!(
        stdout(&opened).contains(&format!("du {debut} au {fin}")),
        "{}",
        stdout(&opened)
    );
    let twice = cli.run(
        &[
            "year",
            "open",
            "--uai",
            "0251234A",
            "--annee",
            &millesime.to_string(),
        ],
        "",
    );
    assert_eq!(twice.status.code(), Some(1));
    assert!(
        stderr(&twice).contains("est déjà ouverte"),
        "{}",
        stderr(&twice)
    );
    let typo = cli.run(
        &[
            "year",
            "open",
            "--uai",
            "0251234A",
            "--annee",
            "2030",
            "--fin",
            "31/02/2031",
        ],
        "",
    );
    assert_eq!(typo.status.code(), Some(1));
    assert!(
        stderr(&typo).contains("date invalide « 31/02/2031 »"),
        "{}",
        stderr(&typo)
    );

    let preview = import(&["--dry-run"]);
    assert!(preview.status.success(), "{}", stderr(&preview));
    assert!(stdout(&preview).contains("rien n'a été modifié"));
    assert!(stdout(&preview).contains("Élèves ajoutés (16)"));
    let applied = import(&[]);
    assert!(applied.status.success(), "{}", stderr(&applied));
    assert!(
        stdout(&applied)
            .contains("Classes ajoutées (3) : CP-CE1 Mme Martin, CM2 M. Durand, Mme Perrin CE2")
    );
    let again = import(&[]);
    assert!(
        stdout(&again).contains("Aucun changement"),
        "{}",
        stdout(&again)
    );
}

#[test]
fn a_bad_extraction_is_refused_with_its_line() {
    let cli = Cli::new();
    cli.run(
        &["school", "add", "--uai", "0251234A", "--nom", "Jules Ferry"],
        "",
    );
    let bad = cli.dir.path().join("eleves.csv");
    std::fs::write(
        &bad,
        "Nom élève;Prénom élève;Date naissance;Niveau;Libellé classe;Identifiant classe\n\
         A;B;01/02/2016;CP;CP;1\nC;D;31/02/2016;CP;CP;1\n",
    )
    .unwrap();
    let output = cli.run(
        &["import", "onde", bad.to_str().unwrap(), "--uai", "0251234A"],
        "",
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output)
            .contains("ligne 3, colonne « Date naissance » : date invalide « 31/02/2016 »"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_class_is_printed_one_pdf_per_pupil_and_the_others_are_named() {
    let cli = Cli::new();
    tokio::runtime::Runtime::new()
        .expect("a runtime")
        .block_on(async {
            let db = server::db::connect(&cli.database_url()).await.unwrap();
            server::demo::seed(&db, &app::services::second_factor::SecretKey::generate().0)
                .await
                .unwrap();
        });
    let out = cli.dir.path().join("bilans");
    let out_arg = out.to_str().unwrap();
    let class = ["--uai", "0259999X", "--classe", "CM2 M. Durand"];
    let printed = cli.run(
        &[&["pdf"][..], &class, &["--periode", "1", "--out", out_arg]].concat(),
        "",
    );
    assert!(printed.status.success(), "{}", stderr(&printed));
    assert!(
        stdout(&printed).contains("6 bilan(s) édité(s)"),
        "{}",
        stdout(&printed)
    );
    let mut files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(files.len(), 6);
    assert!(
        files.contains(&"BAZIN_Violetta_Trimestre-1.pdf".to_owned()),
        "{files:?}"
    );
    let bytes = std::fs::read(out.join("BAZIN_Violetta_Trimestre-1.pdf")).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));

    // The second trimestre has no bilan yet: each pupil is named, with why.
    let none = cli.run(
        &[&["pdf"][..], &class, &["--periode", "2", "--out", out_arg]].concat(),
        "",
    );
    assert!(none.status.success());
    assert!(stdout(&none).contains("0 bilan(s) édité(s)"));
    assert!(
        stdout(&none).contains("Non édité : BAZIN Violetta — son bilan n'est pas créé"),
        "{}",
        stdout(&none)
    );
    let unknown = cli.run(
        &[
            "pdf",
            "--uai",
            "0259999X",
            "--classe",
            "CM3",
            "--periode",
            "1",
            "--out",
            out_arg,
        ],
        "",
    );
    assert!(!unknown.status.success());
    assert!(
        stderr(&unknown).contains("aucune classe « CM3 »"),
        "{}",
        stderr(&unknown)
    );
    let no_period = cli.run(
        &[&["pdf"][..], &class, &["--periode", "4", "--out", out_arg]].concat(),
        "",
    );
    assert!(
        stderr(&no_period).contains("pas de période 4"),
        "{}",
        stderr(&no_period)
    );
}

/// A backup taken while the database is being written is whole and consistent, and restoring
/// it brings that state back.
#[test]
fn a_backup_taken_during_writes_restores() {
    use app::entities::audit_event;
    use app::services::{access::Actor, audit};
    use sea_orm::{EntityTrait, PaginatorTrait};
    let cli = Cli::new();
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let db = runtime.block_on(async {
        let db = server::db::connect(&cli.database_url()).await.unwrap();
        server::demo::seed(&db, &app::services::second_factor::SecretKey::generate().0)
            .await
            .unwrap();
        db
    });
    let count = |db: &sea_orm::DatabaseConnection| {
        runtime
            .block_on(audit_event::Entity::find().count(db))
            .unwrap()
    };
    let before = count(&db);
    // Writes go on while the backup is taken, from another thread.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (db, stop) = (db.clone(), stop.clone());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Runtime::new().expect("a runtime");
            let mut written = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) || written < 20 {
                runtime
                    .block_on(audit::record(
                        &db,
                        &Actor::System,
                        None,
                        "essai",
                        "sauvegarde",
                        serde_json::json!({ "n": written }),
                    ))
                    .unwrap();
                written += 1;
            }
            written
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(50));
    let saved = cli.dir.path().join("sauvegarde.db");
    let saved_arg = saved.to_str().unwrap();
    let backup = cli.run(&["backup", "--out", saved_arg], "");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = writer.join().unwrap();
    assert!(backup.status.success(), "{}", stderr(&backup));
    assert!(stdout(&backup).contains("vérifiée"), "{}", stdout(&backup));
    let after = count(&db);
    assert_eq!(after, before + written);

    // The copy: whole, with the demo and some of the writes, as they stood at one moment.
    let copy = runtime.block_on(async {
        sea_orm::Database::connect(format!("sqlite://{saved_arg}?mode=ro"))
            .await
            .unwrap()
    });
    let in_copy = count(&copy);
    assert!(
        (before..=after).contains(&in_copy),
        "{before} ≤ {in_copy} ≤ {after}"
    );

    // A second backup never overwrites the first.
    let again = cli.run(&["backup", "--out", saved_arg], "");
    assert!(!again.status.success());
    assert!(stderr(&again).contains("existe déjà"), "{}", stderr(&again));

    // Restored (the server stopped): the database is the copy again.
    drop(db);
    let restored = cli.run(&["restore", "--from", saved_arg], "");
    assert!(restored.status.success(), "{}", stderr(&restored));
    let db = runtime
        .block_on(server::db::connect(&cli.database_url()))
        .unwrap();
    assert_eq!(count(&db), in_copy);
    let integrity: String = runtime
        .block_on(sea_orm::ConnectionTrait::query_one_raw(
            &db,
            sea_orm::Statement::from_string(db.get_database_backend(), "PRAGMA integrity_check"),
        ))
        .unwrap()
        .unwrap()
        .try_get_by_index(0)
        .unwrap();
    assert_eq!(integrity, "ok");

    // Something else than a Livret backup is refused, and the database is left alone.
    let stranger = cli.dir.path().join("autre.txt");
    std::fs::write(&stranger, "pas une base").unwrap();
    let refused = cli.run(&["restore", "--from", stranger.to_str().unwrap()], "");
    assert!(!refused.status.success());
    assert_eq!(count(&db), in_copy);
}

#[test]
fn the_lsu_export_writes_the_cycle_bilans_or_lists_what_blocks_them() {
    let cli = Cli::new();
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let db = server::db::connect(&cli.database_url()).await.unwrap();
        server::demo::seed(&db, &app::services::second_factor::SecretKey::generate().0)
            .await
            .unwrap();
    });
    let out = cli.dir.path().join("LSU.xml");
    let out_arg = out.display().to_string();
    let export = |extra: &[&str]| {
        let mut args = vec![
            "export",
            "lsu",
            "--uai",
            server::demo::UAI,
            "--out",
            &out_arg,
        ];
        args.extend_from_slice(extra);
        cli.run(&args, "")
    };
    let written = export(&["--bilans-cycle"]);
    assert!(written.status.success(), "{}", stderr(&written));
    assert!(
        stdout(&written).contains("2 bilan(s) verrouillé(s) écrit(s)"),
        "{}",
        stdout(&written)
    );
    assert!(
        stderr(&written)
            .contains("2 bilan(s) non verrouillé(s) en Mme Perrin CE2 — bilans de fin de cycle 2"),
        "{}",
        stderr(&written)
    );
    let xml = std::fs::read_to_string(&out).unwrap();
    assert_eq!(xml.matches("<bilan-cycle ").count(), 2);
    // Neither a period nor the cycle bilans: nothing to choose from.
    let nothing = export(&[]);
    assert_eq!(nothing.status.code(), Some(2), "{}", stderr(&nothing));
}
