//! The printed bilan de fin de cycle (« Éditer »): complete or locked, as the national « Bilan
//! de fin de cycle 2 » lays it out.

use crate::domain::printable;
use crate::domain::socle::{COMPONENTS, Maitrise};
use crate::domain::typography::french_spacing;
use crate::entities::{cycle_bilan, establishment};
use crate::error::{AppError, Result};
use crate::services::access::Actor;
use crate::services::{bilan_content, families, printed_bilan};
use crate::time::format_date;
use crate::wire::bilan_document::{
    CycleBilanDocument, DocumentDate, PrintedComponent, PupilHeader,
};
use chrono::Datelike;
use sea_orm::{ConnectionTrait, EntityTrait};

/// The pupil's bilan de fin de cycle as it prints, for the class's teachers and the director
/// (refused, with why, while it is not complete), and for the pupil's family once published.
#[tracing::instrument(skip_all, fields(student_id = student_id, user = ?actor.user_id()))]
pub async fn document(
    db: &impl ConnectionTrait,
    actor: &Actor,
    student_id: i32,
) -> Result<CycleBilanDocument> {
    let (context, bilan) = match families::family_cycle_bilan(db, actor, student_id).await? {
        Some(bilan) => (super::class_context(db, bilan.class_id).await?, bilan),
        None => {
            let (context, pupil) = super::entry::pupil_context(db, actor, student_id).await?;
            let mut found = super::bilans_of(db, &context, std::slice::from_ref(&pupil)).await?;
            let Some(bilan) = found.remove(&pupil.id) else {
                return Err(not_printable(
                    &crate::services::bilans::pupil_name(&pupil),
                    "il n'est pas commencé",
                ));
            };
            (context, bilan)
        }
    };
    let bilan = &bilan;
    let school = establishment::Entity::find_by_id(context.establishment_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("printed cycle bilan", "the school is missing"))?;
    let director = printed_bilan::directors(db, school.id).await?;
    build(db, bilan, &school, &context, director).await
}

async fn build(
    db: &impl ConnectionTrait,
    bilan: &cycle_bilan::Model,
    school: &establishment::Model,
    context: &super::CycleContext,
    director: String,
) -> Result<CycleBilanDocument> {
    let name = super::entry::name_shown(bilan);
    let components = super::components_of(db, [bilan.id]).await?;
    if !super::status(Some(bilan), &components).is_printable() {
        return Err(not_printable(
            &name,
            "il faut les huit composantes du socle et la synthèse",
        ));
    }
    let cells = components.get(&bilan.id);
    let synthese = french_spacing(&bilan_content::text_of(bilan.synthese.as_deref()));
    if let Err(character) = printable::check(&synthese) {
        return Err(AppError::invalid(
            "bilan",
            format!(
                "Le bilan de fin de cycle de {name} ne peut pas être édité : dans la synthèse, {character}. Corrigez ce texte, puis éditez le bilan à nouveau."
            ),
        ));
    }
    let footer = match super::list::lock_view(db, bilan).await? {
        Some(lock) => format!(
            "Bilan verrouillé le {} par {}. Édité avec Livret.",
            lock.at, lock.by
        ),
        None => "Édité avec Livret.".to_owned(),
    };
    let ends_on = context.year.ends_on;
    Ok(CycleBilanDocument {
        school: printed_bilan::school_header(school),
        year: context.year_label(),
        class: context.class.label.clone(),
        pupil: PupilHeader {
            name: name.clone(),
            birth_date: format_date(bilan.birth_date),
        },
        teachers: bilan_content::json_strings(&bilan.teachers).join(", "),
        director,
        scale: Maitrise::ALL
            .iter()
            .filter(|value| **value != Maitrise::Dispense)
            .map(|value| value.label().to_owned())
            .collect(),
        components: COMPONENTS
            .iter()
            .map(|component| PrintedComponent {
                label: component.label.to_owned(),
                level: cells
                    .and_then(|cells| cells.get(component.code))
                    .map_or(0, |value| value.level()),
            })
            .collect(),
        synthese,
        footer,
        date: DocumentDate {
            year: ends_on.year(),
            month: ends_on.month(),
            day: ends_on.day(),
        },
        file_name: printed_bilan::pdf_file_name(&name, "Fin de cycle 2"),
    })
}

fn not_printable(pupil_name: &str, reason: &str) -> AppError {
    AppError::invalid(
        "bilan",
        format!(
            "Le bilan de fin de cycle de {pupil_name} ne peut pas encore être édité : {reason}."
        ),
    )
}
