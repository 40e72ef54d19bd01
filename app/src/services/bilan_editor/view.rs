//! The bilan as the editor shows it.

use super::summary;
use crate::domain::catalogue::MODALITES;
use crate::error::Result;
use crate::services::access::Actor;
use crate::services::bilan_access::{self, Purpose, Reader};
use crate::services::bilan_content::{self, ClassEntries};
use crate::services::{bilans, saisie};
use crate::time::format_date;
use crate::wire::bilan_editor::{BilanEditorView, BilanKey, Neighbour, RectoRow, VersoParcours};
use sea_orm::ConnectionTrait;

/// The bilan as the editor shows it: to who fills in its class, and, read only, to a teacher of
/// the pupil now (a bilan of the pupil's history).
#[tracing::instrument(skip_all, fields(key = ?key, user = ?actor.user_id()))]
pub async fn open(
    db: &impl ConnectionTrait,
    actor: &Actor,
    key: BilanKey,
) -> Result<BilanEditorView> {
    let found = bilan_access::locate(db, actor, key, Purpose::Read).await?;
    let read_only = found.reader != Reader::Class;
    let context = &found.context;
    let bilan = found.bilan.as_ref();
    let entries = ClassEntries::read(db, context).await?;
    let recto = bilan_content::recto(&entries, &found.rows(), found.levels(), bilan, &found.lines)
        .into_iter()
        .map(|shown| RectoRow {
            code: shown.row.code.to_owned(),
            label: shown.label,
            domain: shown.row.domain.to_owned(),
            comment_span: shown.comment_span,
            comment: shown.comment,
            class_elements: shown.class_elements,
            own_elements: shown.own_elements,
            positionnement: shown.positionnement,
        })
        .collect();
    let pupils = bilans::class_pupils(db, context).await?;
    // A bilan read from the pupil's history has no place among that class's pupils, and leads
    // to none of them.
    let index = pupils
        .iter()
        .position(|pupil| pupil.id == found.pupil.id)
        .filter(|_| !read_only);
    let neighbour = |at: Option<usize>| {
        at.and_then(|at| pupils.get(at)).map(|pupil| Neighbour {
            student_id: pupil.id,
            name: bilans::pupil_name(pupil),
        })
    };
    let lockers = bilan_content::lockers(db, bilan).await?;
    Ok(BilanEditorView {
        key,
        class_id: context.class.id,
        class_label: context.class.label.clone(),
        period_label: saisie::period_label(&context.period),
        period_dates: format!(
            "du {} au {}",
            format_date(context.period.starts_on),
            format_date(context.period.ends_on)
        ),
        pupil_name: match bilan {
            Some(bilan) => bilan_content::pupil_name(bilan),
            None => bilans::pupil_name(&found.pupil),
        },
        birth_date: format_date(bilan.map_or(found.pupil.birth_date, |b| b.birth_date)),
        level: found.level,
        teachers: match bilan {
            Some(bilan) => bilan_content::json_strings(&bilan.teachers),
            None => bilans::class_teachers(db, context.class.id).await?,
        },
        scale: context.scale,
        created: bilan.is_some(),
        lock: bilan.and_then(|bilan| bilan_content::lock_view(bilan, &lockers)),
        summary: summary(db, &found).await?,
        rows: recto,
        parcours: bilan_content::parcours(&entries, bilan)
            .into_iter()
            .map(|entry| VersoParcours {
                code: entry.code.to_owned(),
                label: entry.label.to_owned(),
                class_text: entry.class_text,
                own_text: entry.own_text,
            })
            .collect(),
        modalites_offered: MODALITES
            .iter()
            .map(|(code, label)| ((*code).to_owned(), (*label).to_owned()))
            .collect(),
        modalites: bilan
            .and_then(|b| b.modalites.as_ref())
            .map(bilan_content::json_strings)
            .unwrap_or_default(),
        ppre_complement: bilan_content::text_of(bilan.and_then(|b| b.ppre_complement.as_deref())),
        appreciation: bilan_content::text_of(bilan.and_then(|b| b.appreciation.as_deref())),
        position: index.map_or(0, |at| at + 1),
        count: match read_only {
            true => 0,
            false => pupils.len(),
        },
        previous: neighbour(index.and_then(|at| at.checked_sub(1))),
        next: neighbour(index.map(|at| at + 1)),
        may_edit: !read_only,
        may_unlock: actor.require_director_of(context.establishment_id).is_ok(),
    })
}
