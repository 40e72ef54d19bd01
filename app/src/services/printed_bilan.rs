//! The printed bilan (« Éditer »): everything the PDF template needs, read for one pupil or
//! for a whole class in a few queries, once the bilan can be printed. Families read their
//! child's published bilan through it too.

use crate::domain::bilan::Standing;
use crate::domain::catalogue::MODALITES;
use crate::domain::printable;
use crate::domain::typography::french_spacing;
use crate::domain::{Level, Positionnement, Role};
use crate::entities::{bilan, bilan_line, establishment, role_grant, school_year, user};
use crate::error::{AppError, Result};
use crate::services::access::Actor;
use crate::services::bilan_access::{self, Purpose};
use crate::services::bilan_content::{self, ClassEntries};
use crate::services::print_jobs::PrintRequest;
use crate::services::saisie::{self, ClassPeriod};
use crate::services::{accounts, bilans};
use crate::time::format_date;
use crate::wire::bilan_document::{
    BilanDocument, DocumentDate, PeriodHeader, PrintedParcours, PrintedRow, PupilHeader,
    SchoolHeader,
};
use crate::wire::bilan_editor::BilanKey;
use chrono::Datelike;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;

/// The pupil's bilan as it prints, or why it cannot be printed yet: for who fills in its
/// class, a teacher of the pupil now (history) and, once published, its family.
#[tracing::instrument(skip_all, fields(key = ?key, user = ?actor.user_id()))]
pub async fn document(
    db: &impl ConnectionTrait,
    actor: &Actor,
    key: BilanKey,
) -> Result<BilanDocument> {
    let found = bilan_access::locate(db, actor, key, Purpose::Print).await?;
    let Some(bilan) = &found.bilan else {
        return Err(not_printable(
            &bilans::pupil_name(&found.pupil),
            "le bilan n'est pas créé",
        ));
    };
    let sheet = ClassSheet::read(db, &found.context).await?;
    let lockers = bilan_content::lockers(db, [bilan]).await?;
    sheet.document(bilan, found.level, &found.lines, &lockers)
}

/// What every bilan of a class and period prints alike, read once.
struct ClassSheet<'a> {
    context: &'a ClassPeriod,
    entries: ClassEntries,
    class_lists: bilans::ClassLists,
    school: establishment::Model,
    /// « 2026/2027 ».
    year: String,
    director: String,
}

impl<'a> ClassSheet<'a> {
    async fn read(db: &impl ConnectionTrait, context: &'a ClassPeriod) -> Result<ClassSheet<'a>> {
        let year = school_year::Entity::find_by_id(context.class.school_year_id)
            .one(db)
            .await?
            .ok_or_else(|| AppError::internal("printed bilan", "the class's year is missing"))?;
        let school = establishment::Entity::find_by_id(context.establishment_id)
            .one(db)
            .await?
            .ok_or_else(|| AppError::internal("printed bilan", "the class's school is missing"))?;
        Ok(ClassSheet {
            entries: ClassEntries::read(db, context).await?,
            class_lists: bilans::class_lists(db, [(context.class.id, context.period.id)]).await?,
            director: directors(db, school.id).await?,
            year: format!("{}/{}", year.millesime, year.millesime + 1),
            school,
            context,
        })
    }

    /// The bilan as it prints, if it can be printed.
    fn document(
        &self,
        bilan: &bilan::Model,
        level: Option<Level>,
        lines: &[bilan_line::Model],
        lockers: &HashMap<i32, String>,
    ) -> Result<BilanDocument> {
        let context = self.context;
        let pupil_name = bilan_content::pupil_name(bilan);
        let facts = bilans::row_facts(
            (context.class.id, context.period.id),
            level,
            &context.levels,
            lines,
            &self.class_lists,
        );
        let facts: Vec<_> = facts.into_iter().map(|(_, facts)| facts).collect();
        let standing = Standing::of(
            bilan.locked_at.is_some(),
            &facts,
            bilans::has_appreciation(bilan),
        );
        if !standing.status.is_printable() {
            let reason = format!("il manque {}", standing.missing.join(" ; "));
            return Err(not_printable(&pupil_name, &reason));
        }
        let document = self.build(bilan, level, lines, lockers, pupil_name);
        match unprintable(&document) {
            None => Ok(document),
            Some((field, character)) => Err(AppError::invalid(
                "bilan",
                format!(
                    "Le bilan de {} ne peut pas être édité : dans « {field} », {character}. Corrigez ce texte, puis éditez le bilan à nouveau.",
                    document.pupil.name
                ),
            )),
        }
    }

    fn build(
        &self,
        bilan: &bilan::Model,
        level: Option<Level>,
        lines: &[bilan_line::Model],
        lockers: &HashMap<i32, String>,
        pupil_name: String,
    ) -> BilanDocument {
        let context = self.context;
        let school = &self.school;

        let levels = bilans::pupil_levels(level.as_ref(), &context.levels);
        let rows = bilans::pupil_rows(level, &context.levels);
        let rows = bilan_content::recto(&self.entries, &rows, levels, Some(bilan), lines)
            .iter()
            .map(|shown| {
                let (level, not_evaluated) = Positionnement::to_stored(shown.positionnement);
                PrintedRow {
                    domain: shown.row.domain.to_owned(),
                    label: shown.label.clone(),
                    sub_domain: !shown.row.is_whole_domain(),
                    elements: shown
                        .elements()
                        .iter()
                        .map(|item| french_spacing(item))
                        .collect(),
                    comment: french_spacing(&shown.comment),
                    comment_span: shown.comment_span,
                    level,
                    not_evaluated,
                }
            })
            .collect();
        let parcours = bilan_content::parcours(&self.entries, Some(bilan))
            .into_iter()
            .filter_map(|entry| {
                let texts: Vec<&str> = [entry.class_text.as_str(), entry.own_text.as_str()]
                    .into_iter()
                    .filter(|text| !text.is_empty())
                    .collect();
                (!texts.is_empty()).then(|| PrintedParcours {
                    label: entry.label.to_owned(),
                    text: french_spacing(&texts.join("\n")),
                })
            })
            .collect();
        let chosen = bilan
            .modalites
            .as_ref()
            .map(bilan_content::json_strings)
            .unwrap_or_default();
        let modalites = MODALITES
            .iter()
            .filter(|(code, _)| chosen.iter().any(|chosen| chosen == code))
            .map(|(_, label)| (*label).to_owned())
            .collect();
        let footer = match bilan_content::lock_view(bilan, lockers) {
            Some(lock) => format!(
                "Bilan verrouillé le {} par {}. Édité avec Livret.",
                lock.at, lock.by
            ),
            None => "Édité avec Livret.".to_owned(),
        };
        let period_label = saisie::period_label(&context.period);
        let file_name = pdf_file_name(&pupil_name, &period_label);
        let ends_on = context.period.ends_on;
        BilanDocument {
            school: school_header(school),
            year: self.year.clone(),
            period: PeriodHeader {
                label: period_label,
                dates: format!(
                    "du {} au {}",
                    format_date(context.period.starts_on),
                    format_date(ends_on)
                ),
            },
            class: context.class.label.clone(),
            pupil: PupilHeader {
                name: pupil_name,
                birth_date: format_date(bilan.birth_date),
            },
            teachers: bilan_content::json_strings(&bilan.teachers).join(", "),
            director: self.director.clone(),
            scale: Positionnement::ALL
                .iter()
                .filter(|value| value.level().is_some())
                .map(|value| value.label(context.scale).to_owned())
                .collect(),
            legend: "X : niveau atteint par l'élève dans le domaine.".to_owned(),
            rows,
            parcours,
            modalites,
            ppre: french_spacing(&bilan_content::text_of(bilan.ppre_complement.as_deref())),
            appreciation: french_spacing(&bilan_content::text_of(bilan.appreciation.as_deref())),
            footer,
            date: DocumentDate {
                year: ends_on.year(),
                month: ends_on.month(),
                day: ends_on.day(),
            },
            file_name,
        }
    }
}

/// The first text of the document holding a character no embedded font has, with the name of
/// its field. The fields refuse such characters; this finds those stored before they did, or
/// written around them (directly in the database), so that the bilan is named rather than the
/// whole print failing.
fn unprintable(document: &BilanDocument) -> Option<(String, printable::Unprintable)> {
    let mut texts: Vec<(String, &str)> = vec![
        ("Établissement".to_owned(), document.school.name.as_str()),
        (
            "Adresse de l'établissement".to_owned(),
            &document.school.address,
        ),
        ("Classe".to_owned(), &document.class),
        ("Nom de l'élève".to_owned(), &document.pupil.name),
        ("Enseignant(s)".to_owned(), &document.teachers),
        ("Direction".to_owned(), &document.director),
    ];
    for row in &document.rows {
        texts.extend(row.elements.iter().map(|item| {
            (
                format!("Éléments du programme — {}", row.label),
                item.as_str(),
            )
        }));
        texts.push((
            format!(
                "Acquisitions, progrès et difficultés éventuelles — {}",
                row.domain
            ),
            &row.comment,
        ));
    }
    for parcours in &document.parcours {
        texts.push((parcours.label.clone(), &parcours.text));
    }
    texts.push(("Complément du PPRE".to_owned(), &document.ppre));
    texts.push((
        "Appréciation générale sur la progression de l'élève".to_owned(),
        &document.appreciation,
    ));
    texts
        .into_iter()
        .find_map(|(field, text)| printable::check(text).err().map(|bad| (field, bad)))
}

/// The print of a class's printable bilans for a period (`class_documents`) for `owner`: one
/// PDF named `Bilans_CM2_M._Durand_Trimestre_1.pdf`, or (`each`) a ZIP of one PDF per pupil;
/// refused when no bilan is printable yet.
pub fn class_print(
    owner: i32,
    (documents, left_out): (Vec<BilanDocument>, LeftOut),
    each: bool,
) -> Result<PrintRequest> {
    let first = documents.first().ok_or_else(|| {
        AppError::invalid(
            "bilans",
            "Aucun bilan de cette classe ne peut encore être édité pour cette période : il faut \
             des bilans complets.",
        )
    })?;
    let label = format!("{} — {}", first.class, first.period.label);
    let stem = format!("Bilans_{}_{}", first.class, first.period.label).replace(' ', "_");
    let file_name = format!("{stem}.{}", if each { "zip" } else { "pdf" });
    Ok(PrintRequest {
        owner,
        label,
        file_name,
        each,
        documents,
        left_out,
    })
}

/// The pupils a class print leaves out: (name, why).
pub type LeftOut = Vec<(String, String)>;

/// The printable bilans of a class for a period, in the list's order, and each pupil left out
/// with why; read in a few queries whatever the size of the class.
#[tracing::instrument(skip_all, fields(class_id = class_id, period_id = period_id, user = ?actor.user_id()))]
pub async fn class_documents(
    db: &impl ConnectionTrait,
    actor: &Actor,
    class_id: i32,
    period_id: i32,
) -> Result<(Vec<BilanDocument>, LeftOut)> {
    let context = saisie::class_period(db, actor, class_id, period_id).await?;
    let pupils = bilans::class_pupils(db, &context).await?;
    let found = bilans::bilans_of(db, &context, &pupils).await?;
    let mut lines: HashMap<i32, Vec<bilan_line::Model>> = HashMap::new();
    for line in bilan_line::Entity::find()
        .filter(bilan_line::Column::BilanId.is_in(found.values().map(|bilan| bilan.id)))
        .all(db)
        .await?
    {
        lines.entry(line.bilan_id).or_default().push(line);
    }
    let sheet = ClassSheet::read(db, &context).await?;
    let lockers = bilan_content::lockers(db, found.values()).await?;
    let mut documents = Vec::new();
    let mut skipped = Vec::new();
    for pupil in &pupils {
        let name = bilans::pupil_name(pupil);
        let bilan = match found.get(&pupil.id) {
            None => {
                skipped.push((name, "son bilan n'est pas créé".to_owned()));
                continue;
            }
            Some(bilan) if bilan.class_id != class_id => {
                skipped.push((
                    name,
                    "son bilan de cette période est celui d'une autre classe".to_owned(),
                ));
                continue;
            }
            Some(bilan) => bilan,
        };
        let own_lines = lines.get(&bilan.id).map_or(&[][..], Vec::as_slice);
        match sheet.document(bilan, bilans::pupil_level(pupil), own_lines, &lockers) {
            Ok(document) => documents.push(document),
            Err(AppError::Invalid(errors)) => skipped.push((
                name,
                errors
                    .iter()
                    .map(|e| e.message.as_str())
                    .collect::<Vec<_>>()
                    .join(" ; "),
            )),
            Err(other) => return Err(other),
        }
    }
    // Two pupils may share a name: in a ZIP or a folder, each file keeps its own.
    let mut taken = std::collections::HashSet::new();
    for document in &mut documents {
        let stem = document.file_name.trim_end_matches(".pdf").to_owned();
        let mut number = 1;
        while !taken.insert(document.file_name.to_lowercase()) {
            number += 1;
            document.file_name = format!("{stem}-{number}.pdf");
        }
    }
    Ok((documents, skipped))
}

/// The school as a printed bilan's header shows it.
pub fn school_header(school: &establishment::Model) -> SchoolHeader {
    let address = [
        school.address_line.clone().unwrap_or_default(),
        [
            school.postal_code.clone().unwrap_or_default(),
            school.city.clone().unwrap_or_default(),
        ]
        .join(" ")
        .trim()
        .to_owned(),
    ]
    .into_iter()
    .filter(|part| !part.is_empty())
    .collect::<Vec<_>>()
    .join(", ");
    SchoolHeader {
        name: school.name.clone(),
        uai: school.uai.clone(),
        address,
    }
}

/// `NOM_Prénom_Trimestre-1.pdf`: letters (accents kept), digits and `-` only, so that no name
/// can make a path (`/`, `\`, `..`) in a ZIP or a folder, nor a header break.
pub fn pdf_file_name(pupil_name: &str, period_label: &str) -> String {
    let plain = |text: &str, space: char| -> String {
        text.chars()
            .map(|c| match c {
                ' ' => space,
                c if c.is_alphanumeric() || c == '-' => c,
                _ => '_',
            })
            .collect()
    };
    format!(
        "{}_{}.pdf",
        plain(pupil_name, '_'),
        plain(period_label, '-')
    )
}

fn not_printable(pupil_name: &str, reason: &str) -> AppError {
    AppError::invalid(
        "bilan",
        format!("Le bilan de {pupil_name} ne peut pas encore être édité : {reason}."),
    )
}

/// The school's directors, by name, joined.
pub async fn directors(db: &impl ConnectionTrait, establishment_id: i32) -> Result<String> {
    let ids: Vec<i32> = role_grant::Entity::find()
        .filter(role_grant::Column::EstablishmentId.eq(establishment_id))
        .filter(role_grant::Column::Role.eq(Role::Directeur.code()))
        .all(db)
        .await?
        .iter()
        .map(|grant| grant.user_id)
        .collect();
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .iter()
        .map(accounts::display_name)
        .collect::<Vec<_>>()
        .join(", "))
}

#[cfg(test)]
mod tests {
    use super::pdf_file_name;

    #[test]
    fn file_names_make_no_path() {
        assert_eq!(
            pdf_file_name("BAZIN Violetta", "Trimestre 1"),
            "BAZIN_Violetta_Trimestre-1.pdf"
        );
        assert_eq!(
            pdf_file_name("../../etc/passwd Zoé", "Trimestre 1"),
            "______etc_passwd_Zoé_Trimestre-1.pdf"
        );
        assert_eq!(
            pdf_file_name("A\\B C/D", "Semestre 2"),
            "A_B_C_D_Semestre-2.pdf"
        );
    }
}
