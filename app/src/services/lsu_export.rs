//! « Export vers le LSU »: a school's locked bilans as the national application imports them
//! (`lsun-bilans`, schema `lsun-import-1d-1.0b.xsd`), after a precheck that names every problem
//! the national application would refuse, each with the page that fixes it.
//!
//! Only locked bilans go, with what they were locked with: their copy of the pupil's identity,
//! of the teachers, of the class's programme elements and parcours, and the director they were
//! locked under. Unlocked bilans are left out and counted per class.

use crate::domain::catalogue::{DomainRow, PPRE};
use crate::domain::socle::{COMPONENTS, SYNTHESE_MAX};
use crate::domain::{Civility, Positionnement};
use crate::entities::{
    bilan_line, establishment, guardian, period, period_class, role_grant, school_class,
    school_year, student, user,
};
use crate::error::{AppError, Result};
use crate::services::access::Actor;
use crate::services::bilan_content::{self, ClassEntries};
use crate::services::cycle_bilans::{self, CycleContext};
use crate::services::{accounts, bilans, saisie, school_years};
use crate::time::format_date;
use crate::wire::lsu_export::{
    ExportChoices, ExportPrecheck, ExportProblem, ExportRequest, LeftOutClass, PeriodToSend,
};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Paris as PARIS;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{BTreeMap, HashMap};

/// The schema's namespace.
const NAMESPACE: &str = "urn:fr:edu:scolarite:lsun:bilans:import";

/// A school's export, checked: the file when nothing stands in the way.
pub struct Export {
    pub precheck: ExportPrecheck,
    /// The XML, when the precheck found no problem.
    pub xml: Option<Vec<u8>>,
}

/// A person as the file names them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Person {
    civility: &'static str,
    last_name: String,
    first_name: String,
}

struct Acquis {
    code: String,
    positionnement: Option<Positionnement>,
    elements: Vec<usize>,
    appreciation: String,
    sub_domains: Vec<Acquis>,
}

struct PeriodicBilan {
    pupil: i32,
    period: i32,
    teachers: Vec<i32>,
    director: i32,
    created_on: NaiveDate,
    schooled_since: NaiveDate,
    locked_at: DateTime<Utc>,
    acquis: Vec<Acquis>,
    own_parcours: Vec<(&'static str, String)>,
    modalites: Vec<String>,
    ppre: String,
    appreciation: String,
    responsables: Vec<Responsable>,
}

struct CycleBilan {
    pupil: i32,
    millesime: i32,
    teachers: Vec<i32>,
    director: i32,
    created_on: NaiveDate,
    locked_at: DateTime<Utc>,
    /// (component code, level 0 to 4), in the national order.
    components: Vec<(&'static str, i16)>,
    synthese: String,
    responsables: Vec<Responsable>,
}

struct Responsable {
    who: Person,
    /// Street, postcode, town, and the country when not France: only when the first three are
    /// known (the schema requires them together).
    address: Option<[Option<String>; 4]>,
}

#[derive(Default)]
struct Document {
    uai: String,
    directors: BTreeMap<i32, Person>,
    /// Class id → (ONDE id, label).
    classes: BTreeMap<i32, (i64, String)>,
    /// Pupil id → (INE, class id, last name, first names).
    pupils: BTreeMap<i32, (String, i32, String, String)>,
    periods: BTreeMap<i32, period::Model>,
    millesime: i32,
    teachers: BTreeMap<i32, Person>,
    /// Programme elements, each once, by label.
    elements: Vec<String>,
    /// (period, class) → the class's parcours (code, text).
    common_parcours: BTreeMap<(i32, i32), Vec<(&'static str, String)>>,
    bilans: Vec<PeriodicBilan>,
    cycle_bilans: Vec<CycleBilan>,
}

impl Document {
    fn element(&mut self, label: &str) -> usize {
        match self.elements.iter().position(|known| known == label) {
            Some(index) => index,
            None => {
                self.elements.push(label.to_owned());
                self.elements.len() - 1
            }
        }
    }
}

/// What the precheck found, as it goes.
struct Findings {
    problems: Vec<ExportProblem>,
}

impl Findings {
    fn add(&mut self, message: String, link: String) {
        let problem = ExportProblem { message, link };
        if !self.problems.contains(&problem) {
            self.problems.push(problem);
        }
    }

    /// A text the schema limits to `max` characters, not blank, in characters XML can carry.
    fn text(&mut self, text: &str, max: usize, what: impl Fn() -> String, link: &str) {
        let length = text.chars().count();
        if length > max {
            self.add(
                format!("{} : {length} caractères, le LSU en accepte {max}", what()),
                link.to_owned(),
            );
        }
        if let Some(c) = text.chars().find(|&c| !allowed_in_xml(c)) {
            self.add(
                format!(
                    "{} : le caractère U+{:04X} ne peut pas être transmis",
                    what(),
                    u32::from(c)
                ),
                link.to_owned(),
            );
        }
    }
}

/// The characters XML 1.0 carries (no control character but tab and line breaks).
fn allowed_in_xml(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
}

const ACCOUNTS_PAGE: &str = "/parametrage/comptes";

/// Reads, checks and (when nothing stands in the way) writes the export of the locked bilans
/// of the periods asked for, and of the open year's locked bilans de fin de cycle when asked
/// (directeur of the school only).
#[tracing::instrument(skip_all, fields(establishment_id = establishment_id, user = ?actor.user_id()))]
pub async fn export(
    db: &impl ConnectionTrait,
    actor: &Actor,
    establishment_id: i32,
    request: &ExportRequest,
    today: NaiveDate,
) -> Result<Export> {
    let period_ids = &request.period_ids;
    actor.require_director_of(establishment_id)?;
    let school = establishment::Entity::find_by_id(establishment_id)
        .one(db)
        .await?
        .ok_or(AppError::Forbidden)?;
    let mut findings = Findings {
        problems: Vec::new(),
    };
    let mut left_out: BTreeMap<(i32, i32), LeftOutClass> = BTreeMap::new();
    let mut document = Document {
        uai: school.uai.clone(),
        ..Default::default()
    };
    let people = People::read(db, establishment_id).await?;

    let periods = period::Entity::find()
        .filter(period::Column::Id.is_in(period_ids.iter().copied()))
        .order_by_asc(period::Column::StartsOn)
        .all(db)
        .await?;
    if periods.len() != period_ids.len() {
        return Err(AppError::Forbidden);
    }
    for period in &periods {
        let year = school_year::Entity::find_by_id(period.school_year_id)
            .one(db)
            .await?
            .filter(|year| year.establishment_id == establishment_id)
            .ok_or(AppError::Forbidden)?;
        document.millesime = year.millesime;
        let class_ids: Vec<i32> = period_class::Entity::find()
            .filter(period_class::Column::PeriodId.eq(period.id))
            .all(db)
            .await?
            .into_iter()
            .map(|row| row.class_id)
            .collect();
        for class_id in class_ids {
            let context = saisie::class_period(db, actor, class_id, period.id).await?;
            collect_class(
                db,
                &context,
                &people,
                &mut document,
                &mut findings,
                &mut left_out,
            )
            .await?;
        }
        document.periods.insert(period.id, period.clone());
    }
    if request.cycle_bilans
        && let Some(year) = school_years::current(db, establishment_id).await?
    {
        document.millesime = year.millesime;
        let classes = school_class::Entity::find()
            .filter(school_class::Column::SchoolYearId.eq(year.id))
            .order_by_asc(school_class::Column::Label)
            .all(db)
            .await?;
        for class in classes {
            let context = cycle_bilans::context(db, actor, class.id).await?;
            collect_cycle_class(
                db,
                &context,
                &people,
                &mut document,
                &mut findings,
                &mut left_out,
            )
            .await?;
        }
    }
    if document.bilans.is_empty()
        && document.cycle_bilans.is_empty()
        && findings.problems.is_empty()
    {
        findings.add(
            "Aucun bilan verrouillé dans ce qui est choisi : il n'y a rien à transmettre."
                .to_owned(),
            "/bilans".to_owned(),
        );
    }
    let bilans = document.bilans.len() + document.cycle_bilans.len();
    let xml = match findings.problems.is_empty() {
        true => Some(write(&document)?),
        false => None,
    };
    Ok(Export {
        precheck: ExportPrecheck {
            problems: findings.problems,
            left_out: left_out.into_values().collect(),
            bilans,
            file_name: file_name(&school.uai, today),
        },
        xml,
    })
}

/// The periods of the school's open year, to choose from (directeur only).
pub async fn choices(
    db: &impl ConnectionTrait,
    actor: &Actor,
    establishment_id: i32,
) -> Result<ExportChoices> {
    actor.require_director_of(establishment_id)?;
    let Some(year) = school_years::current(db, establishment_id).await? else {
        return Ok(ExportChoices {
            periods: Vec::new(),
        });
    };
    let periods = period::Entity::find()
        .filter(period::Column::SchoolYearId.eq(year.id))
        .order_by_asc(period::Column::Periodicity)
        .order_by_asc(period::Column::Position)
        .all(db)
        .await?;
    Ok(ExportChoices {
        periods: periods
            .into_iter()
            .map(|period| PeriodToSend {
                id: period.id,
                label: format!(
                    "{} (du {} au {})",
                    saisie::period_label(&period),
                    format_date(period.starts_on),
                    format_date(period.ends_on)
                ),
            })
            .collect(),
    })
}

/// The periods of the school's open year at these positions (1 for the first trimestre or
/// semestre), for the command line.
pub async fn open_year_periods(
    db: &impl ConnectionTrait,
    establishment_id: i32,
    positions: &[i16],
) -> Result<Vec<i32>> {
    let Some(year) = school_years::current(db, establishment_id).await? else {
        return Ok(Vec::new());
    };
    Ok(period::Entity::find()
        .filter(period::Column::SchoolYearId.eq(year.id))
        .filter(period::Column::Position.is_in(positions.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|period| period.id)
        .collect())
}

/// `LSU_0259999X_20261203.xml`.
pub fn file_name(uai: &str, today: NaiveDate) -> String {
    format!("LSU_{uai}_{}.xml", today.format("%Y%m%d"))
}

/// The school's accounts that a bilan may name: its teachers by the name the bilan froze, whoever
/// locked it by id.
struct People {
    by_name: HashMap<String, user::Model>,
    by_id: HashMap<i32, user::Model>,
    /// The school's directors now, oldest first: the director of a bilan locked before its
    /// director was kept at locking.
    directors: Vec<i32>,
}

impl People {
    async fn read(db: &impl ConnectionTrait, establishment_id: i32) -> Result<People> {
        let here: Vec<i32> = role_grant::Entity::find()
            .filter(role_grant::Column::EstablishmentId.eq(establishment_id))
            .all(db)
            .await?
            .into_iter()
            .map(|grant| grant.user_id)
            .collect();
        let accounts = user::Entity::find()
            .filter(user::Column::Id.is_in(here))
            .all(db)
            .await?;
        Ok(People {
            by_name: accounts
                .iter()
                .map(|account| (accounts::display_name(account), account.clone()))
                .collect(),
            by_id: accounts.into_iter().map(|a| (a.id, a)).collect(),
            directors: bilans::school_directors(db, establishment_id).await?,
        })
    }
}

/// The responsables of these pupils, by pupil.
async fn responsables_of(
    db: &impl ConnectionTrait,
    pupil_ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, Vec<user::Model>>> {
    let links = guardian::Entity::find()
        .filter(guardian::Column::StudentId.is_in(pupil_ids))
        .all(db)
        .await?;
    let accounts: HashMap<i32, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(links.iter().map(|link| link.user_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|account| (account.id, account))
        .collect();
    let mut by_pupil: HashMap<i32, Vec<user::Model>> = HashMap::new();
    for link in links {
        if let Some(account) = accounts.get(&link.user_id) {
            by_pupil
                .entry(link.student_id)
                .or_default()
                .push(account.clone());
        }
    }
    Ok(by_pupil)
}

fn person(account: &user::Model) -> Option<Person> {
    let civility = match Civility::parse(account.civility.as_deref()?).ok()? {
        Civility::Monsieur => "M",
        Civility::Madame => "MME",
    };
    Some(Person {
        civility,
        last_name: account.last_name.clone(),
        first_name: account.first_name.clone(),
    })
}

async fn collect_class(
    db: &impl ConnectionTrait,
    context: &saisie::ClassPeriod,
    people: &People,
    document: &mut Document,
    findings: &mut Findings,
    left_out: &mut BTreeMap<(i32, i32), LeftOutClass>,
) -> Result<()> {
    let class = &context.class;
    let period_label = saisie::period_label(&context.period);
    let list_link = format!("/bilans?classe={}&periode={}", class.id, context.period.id);
    let pupils = bilans::class_pupils(db, context).await?;
    let found = bilans::bilans_of(db, context, &pupils).await?;
    let entries = ClassEntries::read(db, context).await?;
    let guardians = responsables_of(db, pupils.iter().map(|pupil| pupil.id)).await?;
    let mut lines: HashMap<i32, Vec<bilan_line::Model>> = HashMap::new();
    for line in bilan_line::Entity::find()
        .filter(bilan_line::Column::BilanId.is_in(found.values().map(|b| b.id)))
        .all(db)
        .await?
    {
        lines.entry(line.bilan_id).or_default().push(line);
    }
    for pupil in &pupils {
        let Some(bilan) = found.get(&pupil.id).filter(|b| b.class_id == class.id) else {
            continue;
        };
        let Some(locked_at) = bilan.locked_at else {
            left_out
                .entry((class.id, context.period.id))
                .or_insert_with(|| LeftOutClass {
                    class: format!("{} — {period_label}", class.label),
                    count: 0,
                    link: list_link.clone(),
                })
                .count += 1;
            continue;
        };
        let name = bilan_content::pupil_name(bilan);
        let bilan_link = format!(
            "/bilans/bilan?eleve={}&periode={}",
            pupil.id, context.period.id
        );
        let of_bilan = |what: &str| format!("Bilan de {name} ({period_label}), {what}");

        let (teachers, director_id) = identify(
            document,
            findings,
            people,
            class,
            pupil,
            &Frozen {
                last_name: &bilan.last_name,
                first_names: &bilan.first_names,
                teachers: &bilan.teachers,
                director_id: bilan.director_id,
                locked_by: bilan.locked_by,
            },
            &of_bilan,
        );

        // The recto: one acquis per domain, its sub-domains inside.
        let level = bilans::pupil_level(pupil);
        let levels = bilans::pupil_levels(level.as_ref(), &context.levels);
        let rows = bilans::pupil_rows(level, &context.levels);
        let own_lines = lines.get(&bilan.id).map_or(&[][..], Vec::as_slice);
        let shown = bilan_content::recto(&entries, &rows, levels, Some(bilan), own_lines);
        let mut acquis: Vec<Acquis> = Vec::new();
        for row in &shown {
            findings.text(
                &row.comment,
                600,
                || of_bilan(&format!("commentaire de « {} »", row.row.domain)),
                &bilan_link,
            );
            let elements: Vec<usize> = row
                .elements()
                .iter()
                .map(|label| {
                    findings.text(label, 300, || of_bilan("élément du programme"), &bilan_link);
                    document.element(label)
                })
                .collect();
            let entry = Acquis {
                code: row.row.code.to_owned(),
                positionnement: row.positionnement,
                elements,
                appreciation: row.comment.clone(),
                sub_domains: Vec::new(),
            };
            if row.row.is_whole_domain() {
                acquis.push(entry);
            } else {
                let code = domain_code(row.row);
                match acquis.iter_mut().find(|a| a.code == code) {
                    Some(domain) => domain.sub_domains.push(entry),
                    None => acquis.push(Acquis {
                        code,
                        positionnement: None,
                        elements: Vec::new(),
                        appreciation: row.comment.clone(),
                        sub_domains: vec![entry],
                    }),
                }
            }
        }
        // The verso: the class's parcours as the bilan froze them (once per class and period),
        // the pupil's own, modalités, appréciation.
        let mut own_parcours = Vec::new();
        let mut common = Vec::new();
        for entry in bilan_content::parcours(&entries, Some(bilan)) {
            for (text, list) in [
                (&entry.class_text, &mut common),
                (&entry.own_text, &mut own_parcours),
            ] {
                if !text.trim().is_empty() {
                    findings.text(
                        text,
                        600,
                        || of_bilan(&format!("parcours « {} »", entry.label)),
                        &bilan_link,
                    );
                    list.push((entry.code, text.clone()));
                }
            }
        }
        if !common.is_empty() {
            document
                .common_parcours
                .entry((context.period.id, class.id))
                .or_insert(common);
        }
        let appreciation = bilan.appreciation.clone().unwrap_or_default();
        if appreciation.trim().is_empty() {
            findings.add(
                of_bilan("l'appréciation générale manque"),
                bilan_link.clone(),
            );
        }
        findings.text(
            &appreciation,
            1500,
            || of_bilan("appréciation générale"),
            &bilan_link,
        );
        let ppre = bilan.ppre_complement.clone().unwrap_or_default();
        findings.text(&ppre, 600, || of_bilan("complément du PPRE"), &bilan_link);
        let responsables = responsables(findings, guardians.get(&pupil.id), &name);
        document.bilans.push(PeriodicBilan {
            pupil: pupil.id,
            period: context.period.id,
            teachers,
            director: director_id,
            created_on: bilan.created_at.with_timezone(&PARIS).date_naive(),
            schooled_since: pupil.entered_on.unwrap_or(context.year.starts_on),
            locked_at,
            acquis,
            own_parcours,
            modalites: bilan
                .modalites
                .as_ref()
                .map(bilan_content::json_strings)
                .unwrap_or_default(),
            ppre,
            appreciation,
            responsables,
        });
    }
    Ok(())
}

/// The locked bilans de fin de cycle of a class into the document; unlocked ones are counted as
/// left out.
async fn collect_cycle_class(
    db: &impl ConnectionTrait,
    context: &CycleContext,
    people: &People,
    document: &mut Document,
    findings: &mut Findings,
    left_out: &mut BTreeMap<(i32, i32), LeftOutClass>,
) -> Result<()> {
    let class = &context.class;
    let pupils = cycle_bilans::pupils(db, context).await?;
    let found = cycle_bilans::bilans_of(db, context, &pupils).await?;
    let components = cycle_bilans::components_of(db, found.values().map(|b| b.id)).await?;
    let guardians = responsables_of(db, pupils.iter().map(|pupil| pupil.id)).await?;
    for pupil in &pupils {
        let Some(bilan) = found.get(&pupil.id).filter(|b| b.class_id == class.id) else {
            continue;
        };
        let Some(locked_at) = bilan.locked_at else {
            // After every period of the class, whatever their ids.
            left_out
                .entry((class.id, i32::MAX))
                .or_insert_with(|| LeftOutClass {
                    class: format!("{} — bilans de fin de cycle 2", class.label),
                    count: 0,
                    link: format!("/bilans/fin-de-cycle?classe={}", class.id),
                })
                .count += 1;
            continue;
        };
        let name = cycle_bilans::entry::name_shown(bilan);
        let bilan_link = format!("/bilans/fin-de-cycle/eleve?eleve={}", pupil.id);
        let of_bilan = |what: &str| format!("Bilan de fin de cycle de {name}, {what}");
        let (teachers, director) = identify(
            document,
            findings,
            people,
            class,
            pupil,
            &Frozen {
                last_name: &bilan.last_name,
                first_names: &bilan.first_names,
                teachers: &bilan.teachers,
                director_id: bilan.director_id,
                locked_by: bilan.locked_by,
            },
            &of_bilan,
        );
        let positioned = components.get(&bilan.id);
        let mut levels = Vec::with_capacity(COMPONENTS.len());
        for component in &COMPONENTS {
            match positioned.and_then(|cells| cells.get(component.code)) {
                Some(value) => levels.push((component.code, value.level())),
                None => findings.add(
                    of_bilan(&format!("« {} » n'est pas positionnée", component.label)),
                    bilan_link.clone(),
                ),
            }
        }
        let synthese = bilan.synthese.clone().unwrap_or_default();
        if synthese.trim().is_empty() {
            findings.add(of_bilan("la synthèse manque"), bilan_link.clone());
        }
        findings.text(
            &synthese,
            SYNTHESE_MAX,
            || of_bilan("synthèse"),
            &bilan_link,
        );
        let responsables = responsables(findings, guardians.get(&pupil.id), &name);
        document.cycle_bilans.push(CycleBilan {
            pupil: pupil.id,
            millesime: context.year.millesime,
            teachers,
            director,
            created_on: bilan.created_at.with_timezone(&PARIS).date_naive(),
            locked_at,
            components: levels,
            synthese,
            responsables,
        });
    }
    Ok(())
}

/// What a locked bilan froze of the people it names.
struct Frozen<'a> {
    last_name: &'a str,
    first_names: &'a str,
    teachers: &'a serde_json::Value,
    director_id: Option<i32>,
    locked_by: Option<i32>,
}

/// Puts in the document the class, the pupil, the teachers and the director a locked bilan
/// names, each missing piece a finding; answers the teachers' and the director's ids.
fn identify(
    document: &mut Document,
    findings: &mut Findings,
    people: &People,
    class: &school_class::Model,
    pupil: &student::Model,
    bilan: &Frozen,
    of_bilan: &dyn Fn(&str) -> String,
) -> (Vec<i32>, i32) {
    let name = format!("{} {}", bilan.last_name.to_uppercase(), bilan.first_names);
    // The class, as ONDE knows it.
    match class.onde_id.filter(|id| *id > 0) {
            Some(onde_id) => {
                findings.text(
                    &class.label,
                    50,
                    || format!("Libellé de la classe « {} »", class.label),
                    "/parametrage/classes",
                );
                document
                    .classes
                    .insert(class.id, (onde_id, class.label.clone()));
            }
            None => findings.add(
                format!(
                    "La classe « {} » n'a pas d'identifiant ONDE : importez l'extraction ONDE des élèves",
                    class.label
                ),
                "/parametrage/import".to_owned(),
            ),
        }
    // The pupil, by INE.
    match pupil.ine.as_deref().filter(|ine| ine.chars().count() == 11) {
        Some(ine) => {
            document.pupils.insert(
                pupil.id,
                (
                    ine.to_owned(),
                    class.id,
                    bilan.last_name.to_owned(),
                    bilan.first_names.to_owned(),
                ),
            );
        }
        None => findings.add(
            format!("{name} n'a pas d'INE : importez l'extraction ONDE des élèves, qui le donne"),
            "/parametrage/import".to_owned(),
        ),
    }
    // The teachers the bilan froze, and the director who locked it.
    let mut teachers = Vec::new();
    for teacher in bilan_content::json_strings(bilan.teachers) {
        match people.by_name.get(&teacher).and_then(|a| Some((a.id, person(a)?))) {
                Some((id, who)) => {
                    document.teachers.insert(id, who);
                    teachers.push(id);
                }
                None => findings.add(
                    format!(
                        "{teacher} (enseignant du bilan de {name}) : compte introuvable ou sans civilité"
                    ),
                    ACCOUNTS_PAGE.to_owned(),
                ),
            }
    }
    if bilan_content::json_strings(bilan.teachers).is_empty() {
        findings.add(
            of_bilan("aucun enseignant : synchronisez les bilans de la classe"),
            "/parametrage/synchronisation".to_owned(),
        );
    }
    let director_id = bilan
        .director_id
        .or(bilan.locked_by.filter(|id| people.directors.contains(id)))
        .or(people.directors.first().copied());
    let director = director_id.and_then(|id| people.by_id.get(&id));
    match director.and_then(|a| Some((a.id, person(a)?))) {
            Some((id, who)) => {
                document.directors.insert(id, who);
            }
            None => findings.add(
                format!(
                    "{} (direction au verrouillage du bilan de {name}) : compte introuvable ou sans civilité",
                    director.map_or("La direction".to_owned(), accounts::display_name)
                ),
                ACCOUNTS_PAGE.to_owned(),
            ),
        }

    (teachers, director_id.unwrap_or_default())
}

/// The responsables of a pupil as the file names them; one without civilité is a finding.
fn responsables(
    findings: &mut Findings,
    accounts_of_pupil: Option<&Vec<user::Model>>,
    name: &str,
) -> Vec<Responsable> {
    let mut responsables = Vec::new();
    for account in accounts_of_pupil.into_iter().flatten() {
        let whose = || {
            format!(
                "Adresse de {} (responsable de {name})",
                accounts::display_name(account)
            )
        };
        let responsables_page = "/parametrage/responsables";
        for (part, max) in [
            (&account.address_line, 50),
            (&account.postal_code, 10),
            (&account.city, 100),
            (&account.country, 50),
        ] {
            findings.text(
                part.as_deref().unwrap_or_default(),
                max,
                whose,
                responsables_page,
            );
        }
        let address = match (&account.address_line, &account.postal_code, &account.city) {
            (Some(_), Some(_), Some(_)) => Some([
                account.address_line.clone(),
                account.postal_code.clone(),
                account.city.clone(),
                account.country.clone(),
            ]),
            _ => None,
        };
        match person(account) {
            Some(who) => responsables.push(Responsable { who, address }),
            None => findings.add(
                format!(
                    "{} (responsable de {name}) n'a pas de civilité",
                    accounts::display_name(account)
                ),
                "/parametrage/responsables".to_owned(),
            ),
        }
    }
    responsables
}

/// `FRA-RAC`: the code of a domain whose rows are sub-domains, from their common prefix.
fn domain_code(row: &DomainRow) -> String {
    let prefix = row.code.split('-').next().unwrap_or(row.code);
    format!("{prefix}-RAC")
}

fn id(prefix: &str, number: impl std::fmt::Display) -> String {
    format!("{prefix}_{number}")
}

fn refs(prefix: &str, numbers: impl IntoIterator<Item = impl std::fmt::Display>) -> String {
    numbers
        .into_iter()
        .map(|n| id(prefix, n))
        .collect::<Vec<_>>()
        .join(" ")
}

type XmlWriter = Writer<Vec<u8>>;

fn xml_error(error: impl std::fmt::Display) -> AppError {
    AppError::internal("LSU export", error)
}

fn start(out: &mut XmlWriter, name: &str, attributes: &[(&str, &str)]) -> Result<()> {
    let mut element = BytesStart::new(name);
    for (key, value) in attributes {
        element.push_attribute((*key, *value));
    }
    out.write_event(Event::Start(element)).map_err(xml_error)
}

fn empty(out: &mut XmlWriter, name: &str, attributes: &[(&str, &str)]) -> Result<()> {
    let mut element = BytesStart::new(name);
    for (key, value) in attributes {
        element.push_attribute((*key, *value));
    }
    out.write_event(Event::Empty(element)).map_err(xml_error)
}

fn end(out: &mut XmlWriter, name: &str) -> Result<()> {
    out.write_event(Event::End(BytesEnd::new(name)))
        .map_err(xml_error)
}

fn text_element(
    out: &mut XmlWriter,
    name: &str,
    attributes: &[(&str, &str)],
    text: &str,
) -> Result<()> {
    start(out, name, attributes)?;
    out.write_event(Event::Text(BytesText::new(text)))
        .map_err(xml_error)?;
    end(out, name)
}

fn person_attributes<'a>(id: &'a str, who: &'a Person) -> [(&'a str, &'a str); 4] {
    [
        ("id", id),
        ("civilite", who.civility),
        ("nom", &who.last_name),
        ("prenom", &who.first_name),
    ]
}

fn write(document: &Document) -> Result<Vec<u8>> {
    let mut out = Writer::new_with_indent(Vec::new(), b' ', 2);
    out.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .map_err(xml_error)?;
    start(
        &mut out,
        "lsun-bilans",
        &[("xmlns", NAMESPACE), ("schemaVersion", "1.0")],
    )?;
    start(&mut out, "entete", &[])?;
    text_element(&mut out, "editeur", &[], "Livret")?;
    text_element(&mut out, "application", &[], "Livret")?;
    text_element(&mut out, "etablissement", &[], &document.uai)?;
    end(&mut out, "entete")?;
    start(&mut out, "donnees", &[])?;

    start(&mut out, "directeurs", &[])?;
    for (account, who) in &document.directors {
        let key = id("DIR", account);
        empty(&mut out, "directeur", &person_attributes(&key, who))?;
    }
    end(&mut out, "directeurs")?;
    start(&mut out, "classes", &[])?;
    for (class, (onde_id, label)) in &document.classes {
        let (key, onde_id) = (id("CLA", class), onde_id.to_string());
        empty(
            &mut out,
            "classe",
            &[("id", &key), ("id-be", &onde_id), ("libelle", label)],
        )?;
    }
    end(&mut out, "classes")?;
    start(&mut out, "eleves", &[])?;
    for (pupil, (ine, class, last_name, first_names)) in &document.pupils {
        let (key, class_ref) = (id("ELE", pupil), id("CLA", class));
        empty(
            &mut out,
            "eleve",
            &[
                ("id", &key),
                ("ine", ine),
                ("classe-ref", &class_ref),
                ("nom", last_name),
                ("prenom", first_names),
            ],
        )?;
    }
    end(&mut out, "eleves")?;
    let millesime = document.millesime.to_string();
    if !document.periods.is_empty() {
        start(&mut out, "periodes", &[])?;
    }
    for (period_id, period) in &document.periods {
        let key = id("PER", period_id);
        let (position, count) = (period.position.to_string(), period.count.to_string());
        let (starts, ends) = (period.starts_on.to_string(), period.ends_on.to_string());
        empty(
            &mut out,
            "periode",
            &[
                ("id", &key),
                ("millesime", &millesime),
                ("indice", &position),
                ("nb-periodes", &count),
                ("date-debut", &starts),
                ("date-fin", &ends),
            ],
        )?;
    }
    if !document.periods.is_empty() {
        end(&mut out, "periodes")?;
    }
    start(&mut out, "enseignants", &[])?;
    for (account, who) in &document.teachers {
        let key = id("ENS", account);
        empty(&mut out, "enseignant", &person_attributes(&key, who))?;
    }
    end(&mut out, "enseignants")?;
    if !document.elements.is_empty() {
        start(&mut out, "elements-programme", &[])?;
        for (index, label) in document.elements.iter().enumerate() {
            let key = id("EP", index + 1);
            empty(
                &mut out,
                "element-programme",
                &[("id", &key), ("libelle", label)],
            )?;
        }
        end(&mut out, "elements-programme")?;
    }
    if !document.common_parcours.is_empty() {
        start(&mut out, "parcours-communs", &[])?;
        for ((period, class), texts) in &document.common_parcours {
            let (period_ref, class_ref) = (id("PER", period), id("CLA", class));
            start(
                &mut out,
                "parcours-commun",
                &[("periode-ref", &period_ref), ("classe-ref", &class_ref)],
            )?;
            for (code, text) in texts {
                text_element(&mut out, "parcours", &[("code", code)], text)?;
            }
            end(&mut out, "parcours-commun")?;
        }
        end(&mut out, "parcours-communs")?;
    }
    if !document.bilans.is_empty() {
        start(&mut out, "bilans-periodiques", &[])?;
        for bilan in &document.bilans {
            write_bilan(&mut out, bilan)?;
        }
        end(&mut out, "bilans-periodiques")?;
    }
    if !document.cycle_bilans.is_empty() {
        start(&mut out, "bilans-cycle", &[])?;
        for bilan in &document.cycle_bilans {
            write_cycle_bilan(&mut out, bilan)?;
        }
        end(&mut out, "bilans-cycle")?;
    }
    end(&mut out, "donnees")?;
    end(&mut out, "lsun-bilans")?;
    let mut bytes = out.into_inner();
    bytes.push(b'\n');
    Ok(bytes)
}

fn write_acquis(out: &mut XmlWriter, name: &str, acquis: &Acquis) -> Result<()> {
    let element_refs =
        (!acquis.elements.is_empty()).then(|| refs("EP", acquis.elements.iter().map(|i| i + 1)));
    // 1 to 4 as stored; « Non évalué » has no level of its own.
    let (level, not_evaluated) = Positionnement::to_stored(acquis.positionnement);
    let level = level.map(|level| level.to_string());
    let mut attributes: Vec<(&str, &str)> = vec![("code-domaine", &acquis.code)];
    if let Some(element_refs) = &element_refs {
        attributes.push(("element-programme-refs", element_refs));
    }
    if let Some(level) = &level {
        attributes.push(("positionnement", level));
    }
    if not_evaluated {
        attributes.push(("non-evalue", "true"));
    }
    let has_content = !acquis.appreciation.trim().is_empty() || !acquis.sub_domains.is_empty();
    if name == "sous-domaine" || !has_content {
        return empty(out, name, &attributes);
    }
    start(out, name, &attributes)?;
    if !acquis.appreciation.trim().is_empty() {
        text_element(out, "appreciation", &[], &acquis.appreciation)?;
    }
    if !acquis.sub_domains.is_empty() {
        start(out, "sous-domaines", &[])?;
        for sub_domain in &acquis.sub_domains {
            write_acquis(out, "sous-domaine", sub_domain)?;
        }
        end(out, "sous-domaines")?;
    }
    end(out, name)
}

fn write_bilan(out: &mut XmlWriter, bilan: &PeriodicBilan) -> Result<()> {
    let pupil = id("ELE", bilan.pupil);
    let period = id("PER", bilan.period);
    let teachers = refs("ENS", &bilan.teachers);
    let created = bilan.created_on.to_string();
    let schooled = bilan.schooled_since.to_string();
    let locked = date_time(bilan.locked_at);
    let director = id("DIR", bilan.director);
    start(
        out,
        "bilan-periodique",
        &[
            ("eleve-ref", &pupil),
            ("periode-ref", &period),
            ("enseignant-refs", &teachers),
            ("date-creation", &created),
            ("date-scolarite", &schooled),
            ("date-verrou", &locked),
            ("directeur-ref", &director),
        ],
    )?;
    start(out, "liste-acquis", &[])?;
    for acquis in &bilan.acquis {
        write_acquis(out, "acquis", acquis)?;
    }
    end(out, "liste-acquis")?;
    if !bilan.own_parcours.is_empty() {
        start(out, "liste-parcours", &[])?;
        for (code, text) in &bilan.own_parcours {
            text_element(out, "parcours", &[("code", code)], text)?;
        }
        end(out, "liste-parcours")?;
    }
    if !bilan.modalites.is_empty() {
        start(out, "modalites-accompagnement", &[])?;
        for code in &bilan.modalites {
            if code == PPRE && !bilan.ppre.trim().is_empty() {
                start(out, "modalite-accompagnement", &[("code", code)])?;
                text_element(out, "complement-ppre", &[], &bilan.ppre)?;
                end(out, "modalite-accompagnement")?;
            } else {
                empty(out, "modalite-accompagnement", &[("code", code)])?;
            }
        }
        end(out, "modalites-accompagnement")?;
    }
    text_element(out, "appreciation-generale", &[], &bilan.appreciation)?;
    write_responsables(out, &bilan.responsables)?;
    end(out, "bilan-periodique")
}

fn write_responsables(out: &mut XmlWriter, responsables: &[Responsable]) -> Result<()> {
    if !responsables.is_empty() {
        start(out, "responsables", &[])?;
        for Responsable { who, address } in responsables {
            let attributes = [
                ("civilite", who.civility),
                ("nom", who.last_name.as_str()),
                ("prenom", who.first_name.as_str()),
            ];
            let Some([Some(street), Some(postal_code), Some(city), country]) = address else {
                empty(out, "responsable", &attributes)?;
                continue;
            };
            start(out, "responsable", &attributes)?;
            let mut parts = vec![("ligne1", street.as_str())];
            if let Some(country) = country {
                parts.push(("ligne2", country.as_str()));
            }
            parts.extend([
                ("code-postal", postal_code.as_str()),
                ("commune", city.as_str()),
            ]);
            empty(out, "adresse", &parts)?;
            end(out, "responsable")?;
        }
        end(out, "responsables")?;
    }
    Ok(())
}

fn write_cycle_bilan(out: &mut XmlWriter, bilan: &CycleBilan) -> Result<()> {
    let pupil = id("ELE", bilan.pupil);
    let millesime = bilan.millesime.to_string();
    let teachers = refs("ENS", &bilan.teachers);
    let created = bilan.created_on.to_string();
    let locked = date_time(bilan.locked_at);
    let director = id("DIR", bilan.director);
    start(
        out,
        "bilan-cycle",
        &[
            ("eleve-ref", &pupil),
            ("cycle", "2"),
            ("millesime", &millesime),
            ("enseignant-refs", &teachers),
            ("date-creation", &created),
            ("date-verrou", &locked),
            ("directeur-ref", &director),
        ],
    )?;
    start(out, "socle", &[])?;
    for (code, level) in &bilan.components {
        let level = level.to_string();
        empty(
            out,
            "domaine",
            &[("code", code), ("positionnement", &level)],
        )?;
    }
    end(out, "socle")?;
    text_element(out, "synthese", &[], &bilan.synthese)?;
    write_responsables(out, &bilan.responsables)?;
    end(out, "bilan-cycle")
}

/// A moment as the schema's `xs:dateTime`, in Paris time with its offset.
fn date_time(moment: DateTime<Utc>) -> String {
    moment
        .with_timezone(&PARIS)
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_domain_of_sub_domains_is_sent_as_its_prefix_and_rac() {
        let lecture = DomainRow::by_code("FRA-LEC").unwrap();
        assert_eq!(domain_code(lecture), "FRA-RAC");
        let plastiques = DomainRow::by_code("ART-PLA").unwrap();
        assert_eq!(domain_code(plastiques), "ART-RAC");
        assert_eq!(
            file_name("0259999X", NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()),
            "LSU_0259999X_20261203.xml"
        );
    }

    #[test]
    fn control_characters_cannot_travel_in_xml() {
        assert!(allowed_in_xml('é') && allowed_in_xml('\n') && allowed_in_xml('😀'));
        assert!(!allowed_in_xml('\u{1}') && !allowed_in_xml('\u{FFFF}'));
    }
}
