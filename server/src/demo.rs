//! The demo school, seeded once through the project's services (`livret serve --demo`).

/// A generated académie for load tests (`livret demo academie`).
pub mod academie;
/// The CM2's filled bilans of the first trimestre.
mod bilans;
/// The CE2's bilans de fin de cycle 2.
mod cycle_bilans;

use anyhow::Context;
use app::domain::{
    Civility, Login, Password, PeriodPlan, Periodicity, PersonName, Role, SchoolYear, Uai,
};
use app::services::access::Actor;
use app::services::accounts::{self, NewAccount};
use app::services::establishments::{self, NewEstablishment};
use app::services::onde_file;
use app::services::pupil_import::{self, Mode};
use app::services::school_years::{self, NewSchoolYear};
use app::services::second_factor::{self, SecretKey};
use app::services::{classes, periods};
use sea_orm::DatabaseConnection;

pub const UAI: &str = "0259999X";
pub const NAME: &str = "École élémentaire Victor Hugo";
pub const CITY: &str = "Besançon";
pub const MILLESIME: i32 = 2026;
/// The demo school's pupils, as ONDE exports them (fictional, Windows-1252).
pub const PUPILS: &[u8] = include_bytes!("../demo/onde-extraction-eleves.csv");

/// The CM2 pupils whose bilan of the first trimestre is locked.
pub const LOCKED_BILANS: [&str; 2] = ["ANDRIES Hénoler", "BAZIN Violetta"];

/// The demo director's second factor, public (README): anyone may add it to an
/// authenticator app, or ask `livret demo-code` for the code of the moment.
pub const DIRECTOR_TOTP_SECRET: &str = "JRUXM4TFORCGK3LPIRUXEZLDORUW63RB";

/// The demo family: the pupil, and the login of their responsable (the locked bilans of the
/// first trimestre are published).
pub const FAMILY: (&str, &str) = ("BAZIN Violetta", "parent");

/// A demo account: login, password, role, civility, last and first name.
pub struct DemoAccount {
    pub login: &'static str,
    pub password: &'static str,
    pub role: Role,
    pub civility: Civility,
    pub last_name: &'static str,
    pub first_name: &'static str,
}

/// The class of the demo's CE2 pupils, and of its teacher `enseignante`.
pub const CE2: &str = "Mme Perrin CE2";

pub const ACCOUNTS: [DemoAccount; 4] = [
    DemoAccount {
        login: "direction",
        password: "demo-direction",
        role: Role::Directeur,
        civility: Civility::Madame,
        last_name: "Lefèvre",
        first_name: "Hélène",
    },
    DemoAccount {
        login: "enseignant",
        password: "demo-enseignant",
        role: Role::Enseignant,
        civility: Civility::Monsieur,
        last_name: "Durand",
        first_name: "Marc",
    },
    DemoAccount {
        login: "enseignante",
        password: "demo-enseignante",
        role: Role::Enseignant,
        civility: Civility::Madame,
        last_name: "Perrin",
        first_name: "Camille",
    },
    DemoAccount {
        login: "parent",
        password: "demo-parent",
        role: Role::Responsable,
        civility: Civility::Madame,
        last_name: "Bazin",
        first_name: "Sophie",
    },
];

/// Creates the demo school with the CM2's bilans of the first trimestre filled in (two of them
/// locked), its director's second factor enrolled with `DIRECTOR_TOTP_SECRET` (sealed with
/// `key`), unless the school already exists. Returns whether anything was created.
pub async fn seed(db: &DatabaseConnection, key: &SecretKey) -> anyhow::Result<bool> {
    if !seed_school(db).await? {
        return Ok(false);
    }
    let director =
        accounts::find_by_login(db, &Login::parse("direction").map_err(anyhow::Error::msg)?)
            .await?
            .context("the demo director was just created")?;
    second_factor::enrol_with_secret(
        db,
        key,
        director.id,
        DIRECTOR_TOTP_SECRET,
        chrono::Utc::now(),
    )
    .await?;
    let school = establishments::find_by_uai(db, &Uai::parse(UAI).map_err(anyhow::Error::msg)?)
        .await?
        .context("the demo school was just created")?;
    let as_user = async |login: &str| -> anyhow::Result<Actor> {
        let login = Login::parse(login).map_err(anyhow::Error::msg)?;
        let account = accounts::find_by_login(db, &login)
            .await?
            .context("the demo accounts were just created")?;
        Ok(Actor::User(
            accounts::acting_user(db, account.id, Some(school.id)).await?,
        ))
    };
    let start = SchoolYear::new(MILLESIME)
        .map_err(anyhow::Error::msg)?
        .rentree();
    bilans::seed(
        db,
        &as_user("enseignant").await?,
        &as_user("direction").await?,
        school.id,
        "CM2 M. Durand",
        start,
        &LOCKED_BILANS,
    )
    .await?;
    let ce2 = classes::list(db, &Actor::System, school.id, start)
        .await?
        .into_iter()
        .find(|class| class.label == CE2)
        .context("the ONDE sample has the CE2")?;
    cycle_bilans::seed(
        db,
        &as_user("enseignante").await?,
        &as_user("direction").await?,
        ce2.id,
    )
    .await?;
    Ok(true)
}

/// Creates the demo school, its year, its classes and pupils (through the ONDE import), its
/// accounts and periods, without any bilan, unless the school already exists. Returns whether
/// anything was created.
pub async fn seed_school(db: &DatabaseConnection) -> anyhow::Result<bool> {
    let uai = Uai::parse(UAI).map_err(anyhow::Error::msg)?;
    if establishments::find_by_uai(db, &uai).await?.is_some() {
        return Ok(false);
    }
    let actor = Actor::System;
    let school = establishments::create(
        db,
        &actor,
        NewEstablishment {
            uai,
            name: NAME.to_owned(),
            city: Some(CITY.to_owned()),
        },
    )
    .await?;
    let year = NewSchoolYear::proposed(SchoolYear::new(MILLESIME).map_err(anyhow::Error::msg)?);
    school_years::open(db, &actor, school.id, year, None).await?;
    let rows = onde_file::parse(PUPILS).map_err(anyhow::Error::msg)?;
    let start = year.starts_on;
    pupil_import::import_pupils(db, &actor, school.id, &rows, Mode::Apply, start).await?;
    let mut teachers = Vec::new();
    for account in &ACCOUNTS {
        let new = NewAccount {
            login: Login::parse(account.login).map_err(anyhow::Error::msg)?,
            civility: Some(account.civility),
            last_name: PersonName::parse(account.last_name).map_err(anyhow::Error::msg)?,
            first_name: Some(PersonName::parse(account.first_name).map_err(anyhow::Error::msg)?),
            password: Some(Password::parse(account.password).map_err(anyhow::Error::msg)?),
        };
        let (person, _) =
            accounts::grant_account(db, &actor, new, account.role, Some(school.id)).await?;
        if account.role == Role::Enseignant {
            teachers.push((account.login, person.id));
        }
    }
    // The `enseignant` account teaches the CM2, `enseignante` the CE2.
    let school_classes = classes::list(db, &actor, school.id, start).await?;
    for (login, label) in [("enseignant", "CM2 M. Durand"), ("enseignante", CE2)] {
        let class = school_classes
            .iter()
            .find(|class| class.label == label)
            .with_context(|| format!("the ONDE sample has the class {label}"))?;
        let (_, teacher_id) = teachers
            .iter()
            .find(|(each, _)| *each == login)
            .with_context(|| format!("the demo accounts include {login}"))?;
        classes::assign_teacher(db, &actor, class.id, *teacher_id).await?;
    }
    // Every class follows trimestres, with the usual dates.
    let class_ids: Vec<i32> = classes::list(db, &actor, school.id, start)
        .await?
        .iter()
        .map(|class| class.id)
        .collect();
    periods::follow_periods(
        db,
        &actor,
        school.id,
        Periodicity::Trimestre,
        PeriodPlan::default_dates(Periodicity::Trimestre, year.year),
        &class_ids,
        start,
    )
    .await?;
    Ok(true)
}

/// What `livret serve --demo` prints so that a newcomer can log in at once.
pub fn banner(address: &str) -> String {
    let mut text =
        format!("Démo « {NAME} » (UAI {UAI}) sur http://{address}\nComptes de démonstration :\n");
    for account in &ACCOUNTS {
        text.push_str(&format!(
            "  {:<11} / {:<16} ({})\n",
            account.login,
            account.password,
            account.role.code()
        ));
    }
    text.push_str(&format!(
        "La direction a la double authentification : clé {DIRECTOR_TOTP_SECRET} dans une \
         application d'authentification, ou le code du moment avec « livret demo-code ».\n"
    ));
    text
}
