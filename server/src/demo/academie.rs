//! A generated académie, for load tests: schools, each with its open year, classes of 25 pupils
//! imported as an ONDE extraction would be, a teacher per class, and trimestres. Written through
//! the same services as the pages; running it again adds only the schools that are missing.

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
use app::services::{classes, periods};
use sea_orm::DatabaseConnection;

/// Every generated teacher's password.
pub const TEACHER_PASSWORD: &str = "charge-enseignant";

/// Pupils per class.
const PER_CLASS: usize = 25;

const LEVELS: [&str; 5] = [
    "Cours préparatoire",
    "Cours élémentaire première année",
    "Cours élémentaire deuxième année",
    "Cours moyen première année",
    "Cours moyen deuxième année",
];

const HEADER: &str = "Nom élève;Nom d'usage élève;Prénom élève;Date naissance;Sexe;INE;Adresse;\
    Code postal;Commune;Pays;Cycle;Date inscription;Date admission;Statut;Regroupement;Niveau;\
    Libellé classe;Identifiant classe";

/// What was made.
#[derive(Debug, Default)]
pub struct Academie {
    pub schools: usize,
    pub classes: usize,
    pub pupils: usize,
    pub teachers: usize,
}

/// The UAI of the generated school number `index`.
pub fn uai(index: usize) -> String {
    format!("07{index:05}A")
}

/// The login of the teacher of class `class` of school `school`: `e007.c03`.
pub fn teacher_login(school: usize, class: usize) -> String {
    format!("e{school:03}.c{class:02}")
}

/// Creates `schools` schools sharing `pupils` pupils (at least one class each).
pub async fn seed(
    db: &DatabaseConnection,
    schools: usize,
    pupils: usize,
) -> anyhow::Result<Academie> {
    let per_school = pupils.div_ceil(schools.max(1)).max(1);
    let mut made = Academie::default();
    for index in 0..schools {
        let uai = Uai::parse(&uai(index)).map_err(anyhow::Error::msg)?;
        if establishments::find_by_uai(db, &uai).await?.is_some() {
            continue;
        }
        let school = establishments::create(
            db,
            &Actor::System,
            NewEstablishment {
                uai,
                name: format!("École {index:03} de l'académie"),
                city: Some("Besançon".to_owned()),
            },
        )
        .await?;
        let year =
            NewSchoolYear::proposed(SchoolYear::new(super::MILLESIME).map_err(anyhow::Error::msg)?);
        school_years::open(db, &Actor::System, school.id, year, None).await?;
        let rows = onde_file::parse(&extraction(index, per_school))
            .map_err(anyhow::Error::msg)
            .context("the generated extraction")?;
        let start = year.starts_on;
        pupil_import::import_pupils(db, &Actor::System, school.id, &rows, Mode::Apply, start)
            .await?;
        let school_classes = classes::list(db, &Actor::System, school.id, start).await?;
        for (number, class) in school_classes.iter().enumerate() {
            let new = NewAccount {
                login: Login::parse(&teacher_login(index, number)).map_err(anyhow::Error::msg)?,
                civility: Some(Civility::Madame),
                last_name: PersonName::parse(&format!("Enseignante {number}"))
                    .map_err(anyhow::Error::msg)?,
                first_name: Some(PersonName::parse("Claire").map_err(anyhow::Error::msg)?),
                password: Some(Password::parse(TEACHER_PASSWORD).map_err(anyhow::Error::msg)?),
            };
            let (teacher, _) =
                accounts::grant_account(db, &Actor::System, new, Role::Enseignant, Some(school.id))
                    .await?;
            classes::assign_teacher(db, &Actor::System, class.id, teacher.id).await?;
        }
        let class_ids: Vec<i32> = school_classes.iter().map(|class| class.id).collect();
        periods::follow_periods(
            db,
            &Actor::System,
            school.id,
            Periodicity::Trimestre,
            PeriodPlan::default_dates(Periodicity::Trimestre, year.year),
            &class_ids,
            start,
        )
        .await?;
        made.schools += 1;
        made.classes += school_classes.len();
        made.teachers += school_classes.len();
        made.pupils += rows.len();
    }
    Ok(made)
}

/// School `index`'s pupils as an ONDE extraction (UTF-8, CRLF), in classes of 25.
fn extraction(index: usize, pupils: usize) -> Vec<u8> {
    let mut text = format!("{HEADER}\r\n");
    for pupil in 0..pupils {
        let class = pupil / PER_CLASS;
        let level = LEVELS[class % LEVELS.len()];
        let ine = index * 100_000 + pupil;
        text.push_str(&format!(
            "NOM{pupil:04};;Prénom{pupil};{:02}/{:02}/2017;{};{ine:010}A;1 rue de l'École;25000;\
             BESANÇON;FRANCE;2;02/09/2025;02/09/2025;Admis définitif;;{level};Classe {class:02};{}\r\n",
            1 + pupil % 28,
            1 + pupil % 12,
            if pupil % 2 == 0 { "F" } else { "M" },
            index * 1_000 + class + 1,
        ));
    }
    text.into_bytes()
}
