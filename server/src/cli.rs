//! The `livret` command line: serve the app, add schools and accounts, import pupils, print
//! bilans.

use crate::config::Config;
use crate::router::{self, AppState};
use crate::{db, demo, sessions::DatabaseSessionStore};
use anyhow::{Context, bail};
use app::domain::{Civility, Login, Password, PersonName, Role, SchoolYear, Uai};
use app::services::access::Actor;
use app::services::accounts::{self, AccountOutcome, NewAccount};
use app::services::establishments::{self, NewEstablishment};
use app::services::print_jobs::PrintJobs;
use app::services::pupil_import::{self, Mode};
use app::services::school_years::{self, NewSchoolYear};
use app::services::second_factor;
use app::services::{classes, printed_bilan, saisie};
use app::services::{login_throttle, onde_file};
use app::time::{format_date, parse_typed_date, today_in_paris};
use app::wire::pupil_import::{ImportedFile, MAX_FILE_BYTES};
use clap::{Parser, Subcommand};
use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use tower_sessions::ExpiredDeletion;

/// Livret : le livret scolaire unique, auto-hébergé.
///
/// La configuration vient de l'environnement : DATABASE_URL (par défaut
/// sqlite://livret.db?mode=rwc), LEPTOS_SITE_ADDR (par défaut 127.0.0.1:3000), LEPTOS_SITE_ROOT
/// (par défaut target/site), LIVRET_PUBLIC_URL (une adresse https rend le cookie de session
/// Secure), LIVRET_TRUSTED_PROXIES (les mandataires inverses dont l'en-tête X-Forwarded-For
/// désigne le client, séparés par des virgules), LIVRET_SECRET_KEY (la clé des secrets de double
/// authentification, 64 chiffres hexadécimaux ; sans elle, le fichier LIVRET_SECRET_KEY_FILE, par
/// défaut livret.key, créé au premier lancement). Sans commande, livret lance le serveur
/// (livret serve).
#[derive(Debug, Parser)]
#[command(name = "livret", version)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Lance l'application web (après avoir mis la base de données à jour).
    Serve {
        /// Crée aussi, une seule fois, l'école de démonstration « École élémentaire Victor Hugo »
        /// et ses comptes.
        #[arg(long, env = "LIVRET_DEMO", value_parser = clap::builder::BoolishValueParser::new())]
        demo: bool,
    },
    /// Sauvegarde la base SQLite, même pendant que le serveur tourne, dans un nouveau fichier
    /// (vérifié). Pour PostgreSQL : pg_dump (voir le README).
    Backup {
        /// Le fichier à écrire (il ne doit pas exister).
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Remet une sauvegarde à la place de la base SQLite. Arrêtez le serveur avant.
    Restore {
        /// La sauvegarde faite par « livret backup ».
        #[arg(long)]
        from: std::path::PathBuf,
    },
    /// Affiche le code de connexion du moment de la direction de démonstration (sa clé de
    /// double authentification est publique).
    DemoCode,
    /// Données de démonstration.
    Demo {
        #[command(subcommand)]
        command: DemoCommand,
    },
    /// Exporte les bilans verrouillés.
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// Gère les établissements.
    School {
        #[command(subcommand)]
        command: SchoolCommand,
    },
    /// Gère les années scolaires.
    Year {
        #[command(subcommand)]
        command: YearCommand,
    },
    /// Gère les comptes.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Importe des données du registre.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Édite en PDF les bilans d'une classe pour une période : un fichier par élève dont le
    /// bilan peut être édité (complet ou verrouillé) ; les autres sont nommés, avec la raison.
    Pdf {
        /// UAI de l'établissement.
        #[arg(long)]
        uai: String,
        /// Libellé de la classe, par exemple « CM2 M. Durand ».
        #[arg(long)]
        classe: String,
        /// Numéro de la période (1 pour le premier trimestre).
        #[arg(long)]
        periode: usize,
        /// Dossier où écrire les PDF (créé s'il manque).
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum ExportCommand {
    /// Écrit le fichier d'import du LSU (bilans verrouillés des périodes choisies, schéma
    /// lsun-bilans 1.0), ou liste ce qui l'empêche et sort en erreur.
    Lsu {
        /// UAI de l'établissement.
        #[arg(long)]
        uai: String,
        /// Numéro d'une période de l'année ouverte (1 pour le premier trimestre) ; à répéter.
        #[arg(long = "periode", required_unless_present = "bilans_cycle")]
        periodes: Vec<i16>,
        /// Transmet aussi les bilans de fin de cycle 2 verrouillés de l'année ouverte.
        #[arg(long)]
        bilans_cycle: bool,
        /// Le fichier à écrire (LSU_<UAI>_<AAAAMMJJ>.xml est le nom attendu).
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum DemoCommand {
    /// Crée une académie fictive pour les essais de charge : des écoles (UAI 0700000A,
    /// 0700001A…), chacune avec son année ouverte, ses classes de 25 élèves, une enseignante par
    /// classe (identifiant e000.c00…, mot de passe « charge-enseignant ») et des trimestres. Les
    /// écoles déjà là sont laissées telles quelles.
    Academie {
        /// Nombre d'écoles.
        #[arg(long, default_value_t = 50)]
        ecoles: usize,
        /// Nombre d'élèves en tout, répartis entre les écoles.
        #[arg(long, default_value_t = 10_000)]
        eleves: usize,
    },
}

#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// Met les classes et les élèves de l'établissement en accord avec une extraction ONDE
    /// (CSV) : ajoute, met à jour, marque comme partis les élèves absents du fichier. Un fichier
    /// incorrect est refusé en entier, sans rien modifier.
    Onde {
        /// Le fichier CSV téléchargé depuis ONDE (« Extraction des élèves »).
        file: std::path::PathBuf,
        /// UAI de l'établissement.
        #[arg(long)]
        uai: String,
        /// Montre ce que l'import changerait, sans rien modifier.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
enum SchoolCommand {
    /// Ajoute un établissement.
    Add {
        /// Son code UAI (sept chiffres et une lettre), par exemple 0251234A.
        #[arg(long)]
        uai: String,
        /// Son nom, par exemple « École élémentaire Jules Ferry ».
        #[arg(long)]
        nom: String,
        /// Sa commune, par exemple « Besançon ».
        #[arg(long)]
        commune: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum YearCommand {
    /// Ouvre une année scolaire. Si une année est déjà ouverte, c'est le passage à l'année
    /// suivante : l'année en cours devient l'historique, et ses bilans périodiques non
    /// verrouillés ne sont pas conservés (il faut alors confirmer leur nombre).
    Open {
        /// UAI de l'établissement.
        #[arg(long)]
        uai: String,
        /// L'année, par son millésime (2026 pour 2026/2027) ou écrite 2026/2027.
        #[arg(long)]
        annee: String,
        /// Premier jour, JJ/MM/AAAA (par défaut la rentrée du calendrier national).
        #[arg(long)]
        debut: Option<String>,
        /// Dernier jour, JJ/MM/AAAA (par défaut la fin des cours du calendrier national).
        #[arg(long)]
        fin: Option<String>,
        /// Le nombre de bilans non verrouillés de l'année en cours dont vous confirmez la
        /// suppression (la commande l'indique quand il faut le donner).
        #[arg(long)]
        supprimer_non_verrouilles: Option<u64>,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Réinitialise la double authentification d'un compte (téléphone et codes de secours
    /// perdus) : la personne la réactive à sa prochaine connexion.
    Reset2fa {
        /// Identifiant du compte.
        #[arg(long)]
        login: String,
    },
    /// Donne un rôle à une personne, en créant son compte si l'identifiant est nouveau. Le mot
    /// de passe d'un nouveau compte est lu sur l'entrée standard (demandé si c'est un terminal),
    /// jamais sur la ligne de commande.
    Add {
        /// Identifiant, par exemple m.durand.
        #[arg(long)]
        login: String,
        /// directeur, enseignant, responsable ou administrateur.
        #[arg(long)]
        role: String,
        /// UAI de l'établissement (pour tout rôle sauf administrateur).
        #[arg(long)]
        uai: Option<String>,
        /// Nom (par défaut l'identifiant).
        #[arg(long)]
        nom: Option<String>,
        /// Prénom.
        #[arg(long)]
        prenom: Option<String>,
        /// M ou Mme.
        #[arg(long)]
        civilite: Option<String>,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    match cli.command {
        Command::Serve { demo } => serve(config, demo).await,
        Command::Backup { out } => {
            let bytes = crate::backup::backup(&config.database_url, &out).await?;
            println!(
                "Sauvegarde écrite dans {} ({} Ko), vérifiée. Gardez avec elle la clé secrète \
                 (LIVRET_SECRET_KEY ou livret.key).",
                out.display(),
                bytes.div_ceil(1024)
            );
            Ok(())
        }
        Command::Restore { from } => {
            crate::backup::restore(&config.database_url, &from).await?;
            println!(
                "Sauvegarde {} remise en place. Relancez le serveur : il met le schéma à jour.",
                from.display()
            );
            Ok(())
        }
        Command::Demo {
            command: DemoCommand::Academie { ecoles, eleves },
        } => {
            let db = db::connect(&config.database_url).await?;
            let made = demo::academie::seed(&db, ecoles, eleves).await?;
            println!(
                "Académie de démonstration : {} école(s), {} classe(s), {} élève(s), {} enseignante(s) ajoutées (mot de passe « {} »).",
                made.schools,
                made.classes,
                made.pupils,
                made.teachers,
                demo::academie::TEACHER_PASSWORD
            );
            Ok(())
        }
        Command::DemoCode => {
            println!(
                "{}",
                second_factor::code_for(demo::DIRECTOR_TOTP_SECRET, chrono::Utc::now())?
            );
            Ok(())
        }
        Command::User {
            command: UserCommand::Reset2fa { login },
        } => {
            let login = Login::parse(&login).map_err(anyhow::Error::msg)?;
            let db = db::connect(&config.database_url).await?;
            let account = accounts::find_by_login(&db, &login)
                .await?
                .with_context(|| format!("aucun compte n'a l'identifiant {login}"))?;
            second_factor::reset(&db, &Actor::System, account.id).await?;
            println!("Double authentification de {login} réinitialisée.");
            Ok(())
        }
        Command::School {
            command: SchoolCommand::Add { uai, nom, commune },
        } => {
            let uai = Uai::parse(&uai).map_err(anyhow::Error::msg)?;
            let db = db::connect(&config.database_url).await?;
            let school = establishments::create(
                &db,
                &Actor::System,
                NewEstablishment {
                    uai,
                    name: nom,
                    city: commune,
                },
            )
            .await?;
            println!("Établissement créé : {} ({})", school.name, school.uai);
            Ok(())
        }
        Command::Year {
            command:
                YearCommand::Open {
                    uai,
                    annee,
                    debut,
                    fin,
                    supprimer_non_verrouilles,
                },
        } => {
            let uai = Uai::parse(&uai).map_err(anyhow::Error::msg)?;
            let year = SchoolYear::parse(&annee).map_err(anyhow::Error::msg)?;
            let date = |text: Option<String>, proposed: chrono::NaiveDate| match text {
                None => Ok(proposed),
                Some(text) => parse_typed_date(&text)
                    .with_context(|| format!("date invalide « {text} » : écrivez-la JJ/MM/AAAA")),
            };
            let proposed = NewSchoolYear::proposed(year);
            let new = NewSchoolYear {
                year,
                starts_on: date(debut, proposed.starts_on)?,
                ends_on: date(fin, proposed.ends_on)?,
            };
            let db = db::connect(&config.database_url).await?;
            let school = school_with_uai(&db, &uai).await?;
            school_years::open(
                &db,
                &Actor::System,
                school.id,
                new,
                supprimer_non_verrouilles,
            )
            .await?;
            println!(
                "Année scolaire {year} ouverte dans {} : du {} au {}.",
                school.name,
                format_date(new.starts_on),
                format_date(new.ends_on)
            );
            Ok(())
        }
        Command::Import {
            command: ImportCommand::Onde { file, uai, dry_run },
        } => import_onde(&config, &file, &uai, dry_run).await,
        Command::Pdf {
            uai,
            classe,
            periode,
            out,
        } => print_class(&config, &uai, &classe, periode, &out).await,
        Command::Export {
            command:
                ExportCommand::Lsu {
                    uai,
                    periodes,
                    bilans_cycle,
                    out,
                },
        } => export_lsu(&config, &uai, &periodes, bilans_cycle, &out).await,
        Command::User {
            command:
                UserCommand::Add {
                    login,
                    role,
                    uai,
                    nom,
                    prenom,
                    civilite,
                },
        } => {
            let login = Login::parse(&login).map_err(anyhow::Error::msg)?;
            let role = Role::parse(&role).map_err(anyhow::Error::msg)?;
            let civility = civilite
                .map(|c| Civility::parse(&c))
                .transpose()
                .map_err(anyhow::Error::msg)?;
            let last_name = PersonName::parse(nom.as_deref().unwrap_or(login.as_str()))
                .map_err(anyhow::Error::msg)?;
            let first_name = prenom
                .map(|p| PersonName::parse(&p))
                .transpose()
                .map_err(anyhow::Error::msg)?;
            let uai = uai
                .map(|u| Uai::parse(&u))
                .transpose()
                .map_err(anyhow::Error::msg)?;
            let db = db::connect(&config.database_url).await?;
            let establishment_id = match &uai {
                Some(uai) => Some(school_with_uai(&db, uai).await?.id),
                None => None,
            };
            let password = if accounts::find_by_login(&db, &login).await?.is_some() {
                None
            } else {
                Some(read_password()?)
            };
            let new = NewAccount {
                login,
                civility,
                last_name,
                first_name,
                password,
            };
            let (account, outcome) =
                accounts::grant_account(&db, &Actor::System, new, role, establishment_id).await?;
            let place = uai.map(|u| format!(" dans {u}")).unwrap_or_default();
            match outcome {
                AccountOutcome::Created => println!(
                    "Compte « {} » créé, rôle {}{place}.",
                    account.login,
                    role.code()
                ),
                AccountOutcome::RoleAdded => println!(
                    "Le compte « {} » existait : rôle {}{place} ajouté, mot de passe inchangé.",
                    account.login,
                    role.code()
                ),
                AccountOutcome::AlreadyHadRole => println!(
                    "Le compte « {} » a déjà le rôle {}{place} : rien à faire.",
                    account.login,
                    role.code()
                ),
            }
            Ok(())
        }
    }
}

/// The establishment of this UAI, or a French message naming it.
async fn school_with_uai(
    db: &sea_orm::DatabaseConnection,
    uai: &Uai,
) -> anyhow::Result<app::entities::establishment::Model> {
    establishments::find_by_uai(db, uai)
        .await?
        .with_context(|| format!("aucun établissement n'a l'UAI {uai}"))
}

async fn export_lsu(
    config: &Config,
    uai: &str,
    positions: &[i16],
    cycle_bilans: bool,
    out: &std::path::Path,
) -> anyhow::Result<()> {
    use app::services::lsu_export;
    use app::wire::lsu_export::ExportRequest;
    let uai = Uai::parse(uai).map_err(anyhow::Error::msg)?;
    let db = db::connect(&config.database_url).await?;
    let school = school_with_uai(&db, &uai).await?;
    let period_ids = lsu_export::open_year_periods(&db, school.id, positions).await?;
    if !positions.is_empty() && period_ids.is_empty() {
        bail!(
            "aucune de ces périodes dans l'année ouverte de {}",
            school.name
        );
    }
    let export = lsu_export::export(
        &db,
        &Actor::System,
        school.id,
        &ExportRequest {
            period_ids,
            cycle_bilans,
        },
        today_in_paris(),
    )
    .await?;
    for left in &export.precheck.left_out {
        eprintln!(
            "laissé de côté : {} bilan(s) non verrouillé(s) en {}",
            left.count, left.class
        );
    }
    let Some(xml) = export.xml else {
        for problem in &export.precheck.problems {
            eprintln!("{} (à corriger : {})", problem.message, problem.link);
        }
        bail!(
            "{} problème(s) : le fichier n'est pas écrit",
            export.precheck.problems.len()
        );
    };
    std::fs::write(out, xml).with_context(|| format!("écriture de {}", out.display()))?;
    println!(
        "{} bilan(s) verrouillé(s) écrit(s) dans {}",
        export.precheck.bilans,
        out.display()
    );
    Ok(())
}

async fn print_class(
    config: &Config,
    uai: &str,
    class_label: &str,
    position: usize,
    out: &std::path::Path,
) -> anyhow::Result<()> {
    let uai = Uai::parse(uai).map_err(anyhow::Error::msg)?;
    let db = db::connect(&config.database_url).await?;
    let school = school_with_uai(&db, &uai).await?;
    let classes = classes::list(&db, &Actor::System, school.id, today_in_paris()).await?;
    let Some(class) = classes.iter().find(|class| class.label == class_label) else {
        let known: Vec<&str> = classes.iter().map(|class| class.label.as_str()).collect();
        bail!(
            "aucune classe « {class_label} » cette année dans {} (classes : {})",
            school.name,
            known.join(", ")
        );
    };
    let periods = saisie::periods_of(&db, class.id).await?;
    let period = position
        .checked_sub(1)
        .and_then(|index| periods.get(index))
        .with_context(|| {
            format!(
                "la classe {} suit {} période(s) : pas de période {position}",
                class.label,
                periods.len()
            )
        })?;
    let period_label = saisie::period_label(period);
    let (documents, mut skipped) =
        printed_bilan::class_documents(&db, &Actor::System, class.id, period.id).await?;
    std::fs::create_dir_all(out).with_context(|| format!("création de {}", out.display()))?;
    let bar = indicatif::ProgressBar::new(documents.len() as u64).with_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} bilans — {msg}")
            .expect("a fixed progress template is valid"),
    );
    bar.set_message(format!("{} — {period_label}", class.label));
    let pdfs = tokio::task::spawn_blocking({
        let documents = documents.clone();
        let bar = bar.clone();
        move || crate::pdf::render_each(&documents, |_| bar.inc(1))
    })
    .await??;
    bar.finish();
    let mut written = 0;
    for (document, pdf) in documents.iter().zip(pdfs) {
        match pdf {
            Ok(bytes) => {
                let path = out.join(&document.file_name);
                std::fs::write(&path, bytes)
                    .with_context(|| format!("écriture de {}", path.display()))?;
                written += 1;
            }
            Err(error) => skipped.push((
                document.pupil.name.clone(),
                format!("l'impression a échoué : {error:#}"),
            )),
        }
    }
    println!("{written} bilan(s) édité(s) dans {}.", out.display());
    for (name, reason) in &skipped {
        println!("Non édité : {name} — {reason}");
    }
    Ok(())
}

async fn import_onde(
    config: &Config,
    file: &std::path::Path,
    uai: &str,
    dry_run: bool,
) -> anyhow::Result<()> {
    let uai = Uai::parse(uai).map_err(anyhow::Error::msg)?;
    let size = std::fs::metadata(file)
        .with_context(|| format!("lecture de {}", file.display()))?
        .len();
    if size > MAX_FILE_BYTES as u64 {
        bail!("{} : {}", file.display(), ImportedFile::Eleves.too_big());
    }
    let bytes = std::fs::read(file).with_context(|| format!("lecture de {}", file.display()))?;
    let rows = onde_file::parse(&bytes).map_err(|e| anyhow::anyhow!("{} : {e}", file.display()))?;
    let db = db::connect(&config.database_url).await?;
    let school = school_with_uai(&db, &uai).await?;
    let mode = if dry_run { Mode::Preview } else { Mode::Apply };
    let summary = pupil_import::import_pupils(
        &db,
        &Actor::System,
        school.id,
        &rows,
        mode,
        today_in_paris(),
    )
    .await?;
    if dry_run {
        println!(
            "Aperçu de l'import de {} élève(s) (rien n'a été modifié) :",
            rows.len()
        );
    } else {
        println!("Import de {} élève(s) dans {} :", rows.len(), school.name);
    }
    print!("{summary}");
    Ok(())
}

/// Reads a new password: asked twice on a terminal, else the first line of standard input.
fn read_password() -> anyhow::Result<Password> {
    let text = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Mot de passe : ")?;
        let again = rpassword::prompt_password("Mot de passe (encore) : ")?;
        if first != again {
            bail!("les deux mots de passe diffèrent");
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("lecture du mot de passe sur l'entrée standard")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    Password::parse(&text).map_err(anyhow::Error::msg)
}

async fn serve(config: Config, with_demo: bool) -> anyhow::Result<()> {
    let db = db::connect(&config.database_url).await?;
    let address: SocketAddr = config.leptos.site_addr;
    if with_demo {
        if demo::seed(&db, &config.secret_key()?).await? {
            println!("École de démonstration créée.");
        }
        print!("{}", demo::banner(&address.to_string()));
    }
    let store = DatabaseSessionStore::new(db.clone());
    let purge_db = db.clone();
    tokio::spawn(async move {
        let mut hourly = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            hourly.tick().await;
            if let Err(error) = store.delete_expired().await {
                tracing::warn!("deleting expired sessions: {error}");
            }
            if let Err(error) = login_throttle::purge(&purge_db, chrono::Utc::now()).await {
                tracing::warn!("purging the login throttle: {error}");
            }
        }
    });

    let app = router::build(AppState {
        print_jobs: PrintJobs::new(db.clone(), crate::downloads::TypstPrinter),
        db,
        leptos: config.leptos.clone(),
        secure_cookies: config.secure_cookies,
        trusted_proxies: config.trusted_proxies.clone(),
        secret_key: config.secret_key()?,
    });
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| format!("écoute sur {address}"))?;
    tracing::info!("Livret écoute sur http://{address}");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        // Ctrl-C stops accepting requests and lets the running ones finish.
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .context("serveur HTTP")
}
