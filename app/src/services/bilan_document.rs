//! What a printed bilan shows (« Éditer »): everything the PDF template needs, built from the
//! bilan as the editor reads it, once the bilan can be printed.

use crate::domain::catalogue::DomainRow;
use crate::domain::printable;
use crate::domain::typography::french_spacing;
use crate::domain::{BilanStatus, Positionnement, Role};
use crate::entities::{establishment, period, role_grant, school_class, school_year, user};
use crate::error::{AppError, Result};
use crate::services::access::Actor;
use crate::services::{accounts, bilan_editor, bilan_list, families};
use crate::wire::bilan_document::{
    BilanDocument, DocumentDate, PeriodHeader, PrintedParcours, PrintedRow, PupilHeader,
    SchoolHeader,
};
use crate::wire::bilan_editor::{BilanEditorView, BilanKey};
use chrono::Datelike;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// The pupil's bilan as it prints, or why it cannot be printed yet.
pub async fn document(
    db: &impl ConnectionTrait,
    actor: &Actor,
    key: BilanKey,
) -> Result<BilanDocument> {
    // A family reads its child's published bilan as the school printed it.
    let reader = match families::family_bilan(db, actor, key).await? {
        Some(_) => &Actor::System,
        None => actor,
    };
    let view = bilan_editor::open(db, reader, key).await?;
    if !view.summary.status.is_printable() {
        return Err(not_printable(&view));
    }
    let class = school_class::Entity::find_by_id(view.class_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("bilan document", "the bilan's class is missing"))?;
    let year = school_year::Entity::find_by_id(class.school_year_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("bilan document", "the class's year is missing"))?;
    let school = establishment::Entity::find_by_id(year.establishment_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("bilan document", "the class's school is missing"))?;
    let period = period::Entity::find_by_id(key.period_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("bilan document", "the bilan's period is missing"))?;
    let year = format!("{}/{}", year.millesime, year.millesime + 1);
    let document = build(
        view,
        &school,
        &period,
        year,
        directors(db, school.id).await?,
    );
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

/// Why a class prints nothing for a period.
pub fn nothing_printable() -> AppError {
    AppError::invalid(
        "bilans",
        "Aucun bilan de cette classe ne peut encore être édité pour cette période : il faut des bilans complets.",
    )
}

/// `Bilans_CM2_M._Durand_Trimestre_1`: a class's printed file, before its extension.
pub fn class_file_stem(first: &BilanDocument) -> String {
    format!("Bilans_{}_{}", first.class, first.period.label).replace(' ', "_")
}

/// The printable bilans of a class for a period, in the list's order, and each pupil left out
/// with why.
pub async fn class_documents(
    db: &impl ConnectionTrait,
    actor: &Actor,
    class_id: i32,
    period_id: i32,
) -> Result<(Vec<BilanDocument>, Vec<(String, String)>)> {
    let list = bilan_list::list(db, actor, class_id, period_id).await?;
    let mut documents = Vec::new();
    let mut skipped = Vec::new();
    for row in list.rows {
        let name = format!("{} {}", row.last_name, row.first_names);
        if row.status == BilanStatus::NonCree {
            skipped.push((name, "son bilan n'est pas créé".to_owned()));
            continue;
        }
        let key = BilanKey {
            student_id: row.student_id,
            period_id,
        };
        match document(db, actor, key).await {
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
    Ok((documents, skipped))
}

fn not_printable(view: &BilanEditorView) -> AppError {
    let reason = match view.summary.status {
        BilanStatus::NonCree => "le bilan n'est pas créé".to_owned(),
        _ => format!("il manque {}", view.summary.missing.join(" ; ")),
    };
    AppError::invalid(
        "bilan",
        format!(
            "Le bilan de {} ne peut pas encore être édité : {reason}.",
            view.pupil_name
        ),
    )
}

fn build(
    view: BilanEditorView,
    school: &establishment::Model,
    period: &period::Model,
    year: String,
    director: String,
) -> BilanDocument {
    let scale = view.scale;
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
    let rows = view
        .rows
        .iter()
        .map(|row| (row, Positionnement::to_stored(row.positionnement)))
        .map(|(row, (level, not_evaluated))| PrintedRow {
            domain: row.domain.clone(),
            label: row.label.clone(),
            sub_domain: !DomainRow::by_code(&row.code).is_some_and(DomainRow::is_whole_domain),
            elements: row
                .own_elements
                .as_ref()
                .unwrap_or(&row.class_elements)
                .iter()
                .map(|item| french_spacing(item))
                .collect(),
            comment: french_spacing(&row.comment),
            comment_span: row.comment_span,
            level,
            not_evaluated,
        })
        .collect();
    let parcours = view
        .parcours
        .iter()
        .filter_map(|entry| {
            let texts: Vec<&str> = [entry.class_text.as_str(), entry.own_text.as_str()]
                .into_iter()
                .filter(|text| !text.is_empty())
                .collect();
            (!texts.is_empty()).then(|| PrintedParcours {
                label: entry.label.clone(),
                text: french_spacing(&texts.join("\n")),
            })
        })
        .collect();
    let modalites = view
        .modalites_offered
        .iter()
        .filter(|(code, _)| view.modalites.contains(code))
        .map(|(_, label)| label.clone())
        .collect();
    let footer = match &view.lock {
        Some(lock) => format!(
            "Bilan verrouillé le {} par {}. Édité avec Livret.",
            lock.at, lock.by
        ),
        None => "Édité avec Livret.".to_owned(),
    };
    let file_name = format!(
        "{}_{}.pdf",
        view.pupil_name.replace(' ', "_"),
        view.period_label.replace(' ', "-")
    );
    BilanDocument {
        school: SchoolHeader {
            name: school.name.clone(),
            uai: school.uai.clone(),
            address,
        },
        year,
        period: PeriodHeader {
            label: view.period_label.clone(),
            dates: view.period_dates.clone(),
        },
        class: view.class_label.clone(),
        pupil: PupilHeader {
            name: view.pupil_name.clone(),
            birth_date: view.birth_date.clone(),
        },
        teachers: view.teachers.join(", "),
        director,
        scale: Positionnement::ALL
            .iter()
            .filter(|value| value.level().is_some())
            .map(|value| value.label(scale).to_owned())
            .collect(),
        legend: "X : niveau atteint par l'élève dans le domaine.".to_owned(),
        rows,
        parcours,
        modalites,
        ppre: french_spacing(&view.ppre_complement),
        appreciation: french_spacing(&view.appreciation),
        footer,
        date: DocumentDate {
            year: period.ends_on.year(),
            month: period.ends_on.month(),
            day: period.ends_on.day(),
        },
        file_name,
    }
}

/// The school's directors, by name, joined.
async fn directors(db: &impl ConnectionTrait, establishment_id: i32) -> Result<String> {
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
