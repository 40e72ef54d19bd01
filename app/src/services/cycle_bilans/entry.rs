//! Entering bilans de fin de cycle: the collective grid of one component (a row per pupil) and
//! one pupil's page (the eight components and the synthèse).

use super::{Components, CycleContext};
use crate::domain::bilan::Merge;
use crate::domain::socle::{COMPONENTS, Maitrise, Synthese};
use crate::entities::{cycle_bilan, student};
use crate::error::{AppError, Result};
use crate::services::access::Actor;
use crate::services::audit::{self, BilanChange};
use crate::services::{bilan_content, bilans};
use crate::wire::cycle_bilans::{
    ComponentEntry, CycleBilanChanges, CycleBilanSaved, CycleBilanView, CycleGridKey,
    CycleGridView, MaitriseChange, MaitriseOutcome, MaitriseSaved,
};
use crate::wire::saisie::GridRow;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait};
use std::collections::HashMap;

/// The grid of a component: every pupil of the class with a bilan de fin de cycle to write,
/// their value and the status of their bilan.
#[tracing::instrument(skip_all, fields(key = ?key, user = ?actor.user_id()))]
pub async fn grid(
    db: &impl ConnectionTrait,
    actor: &Actor,
    key: &CycleGridKey,
) -> Result<CycleGridView> {
    let context = super::context(db, actor, key.class_id).await?;
    let component = super::component(&key.code)?;
    let pupils = super::pupils(db, &context).await?;
    let found = super::bilans_of(db, &context, &pupils).await?;
    let components = super::components_of(db, found.values().map(|b| b.id)).await?;
    Ok(CycleGridView {
        code: component.code.to_owned(),
        label: component.label.to_owned(),
        rows: pupils
            .iter()
            .map(|pupil| {
                let bilan = found.get(&pupil.id);
                GridRow {
                    student_id: pupil.id,
                    name: bilans::pupil_name(pupil),
                    level: bilans::pupil_level(pupil),
                    value: bilan.and_then(|b| value_of(&components, b.id, component.code)),
                    status: super::status(bilan, &components),
                }
            })
            .collect(),
    })
}

/// Saves the changed cells of a component's grid in one transaction: each written only from
/// the value its page saw (else a conflict with the stored value), never on a locked bilan. A
/// pupil without a bilan gets one.
#[tracing::instrument(skip_all, fields(key = ?key, user = ?actor.user_id()))]
pub async fn save_grid(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    key: &CycleGridKey,
    changes: &[MaitriseChange],
) -> Result<Vec<MaitriseSaved>> {
    let mut seen = std::collections::HashSet::new();
    if let Some(twice) = changes.iter().find(|c| !seen.insert(c.student_id)) {
        return Err(AppError::invalid(
            "eleve",
            format!("l'élève n° {} figure deux fois", twice.student_id),
        ));
    }
    let (turn, txn) = crate::services::begin_write(db).await?;
    let context = super::context(&txn, actor, key.class_id).await?;
    context.require_open()?;
    let component = super::component(&key.code)?;
    let pupils = super::pupils(&txn, &context).await?;
    let mut found = super::bilans_of(&txn, &context, &pupils).await?;
    let mut components = super::components_of(&txn, found.values().map(|b| b.id)).await?;
    let mut writer = Writer::new(&context);
    let mut saved = Vec::with_capacity(changes.len());
    for change in changes {
        let Some(pupil) = pupils.iter().find(|p| p.id == change.student_id) else {
            saved.push((change.student_id, MaitriseOutcome::NotInGrid));
            continue;
        };
        let outcome = writer
            .write(
                &txn,
                pupil,
                &mut found,
                &mut components,
                component.code,
                change,
            )
            .await?;
        saved.push((change.student_id, outcome));
    }
    writer.record(&txn, actor, &context).await?;
    crate::services::commit(txn, turn).await?;
    Ok(saved
        .into_iter()
        .map(|(student_id, outcome)| MaitriseSaved {
            student_id,
            status: super::status(found.get(&student_id), &components),
            outcome,
        })
        .collect())
}

/// One pupil's bilan de fin de cycle, for the class's teachers and the director.
#[tracing::instrument(skip_all, fields(student_id = student_id, user = ?actor.user_id()))]
pub async fn page(
    db: &impl ConnectionTrait,
    actor: &Actor,
    student_id: i32,
) -> Result<CycleBilanView> {
    let (context, pupil) = pupil_context(db, actor, student_id).await?;
    let found = super::bilans_of(db, &context, std::slice::from_ref(&pupil)).await?;
    let bilan = found.get(&pupil.id);
    let components = super::components_of(db, bilan.map(|b| b.id)).await?;
    let (lock, trail) = match bilan {
        Some(bilan) => (
            super::list::lock_view(db, bilan).await?,
            super::list::trail(db, bilan.id).await?,
        ),
        None => (None, Vec::new()),
    };
    Ok(CycleBilanView {
        student_id: pupil.id,
        class_id: context.class.id,
        class_label: context.class.label.clone(),
        year: context.year_label(),
        name: bilan.map_or_else(|| bilans::pupil_name(&pupil), name_shown),
        birth_date: crate::time::format_date(bilan.map_or(pupil.birth_date, |b| b.birth_date)),
        teachers: match bilan {
            Some(bilan) => bilan_content::json_strings(&bilan.teachers),
            None => bilans::class_teachers(db, context.class.id).await?,
        },
        components: COMPONENTS
            .iter()
            .map(|component| ComponentEntry {
                code: component.code.to_owned(),
                label: component.label.to_owned(),
                value: bilan.and_then(|b| value_of(&components, b.id, component.code)),
            })
            .collect(),
        synthese: bilan.and_then(|b| b.synthese.clone()).unwrap_or_default(),
        status: super::status(bilan, &components),
        lock,
        published: bilan
            .filter(|b| b.locked_at.is_some())
            .and_then(|b| b.published_at)
            .map(|at| crate::time::format_date(at.date_naive())),
        may_unlock: actor.require_director_of(context.establishment_id).is_ok(),
        trail,
    })
}

/// Saves a pupil's page: its changed components and synthèse, each from the value the page
/// saw, in one transaction.
#[tracing::instrument(skip_all, fields(student_id = changes.student_id, user = ?actor.user_id()))]
pub async fn save_page(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    changes: &CycleBilanChanges,
) -> Result<CycleBilanSaved> {
    for (code, _, _) in &changes.components {
        super::component(code)?;
    }
    // The synthèse as it is stored: blank clears it; any other text follows the rules of the
    // bilans' texts (length, printable characters, line breaks), or nothing is saved.
    let synthese_now = match &changes.synthese {
        Some(change) if !change.now.trim().is_empty() => {
            Some(Synthese::parse(&change.now).map_err(|message| {
                AppError::invalid("synthese", format!("synthèse : {message}"))
            })?)
        }
        _ => None,
    };
    let (turn, txn) = crate::services::begin_write(db).await?;
    let (context, pupil) = pupil_context(&txn, actor, changes.student_id).await?;
    context.require_open()?;
    let mut found = super::bilans_of(&txn, &context, std::slice::from_ref(&pupil)).await?;
    let mut components = super::components_of(&txn, found.values().map(|b| b.id)).await?;
    let mut writer = Writer::new(&context);
    let mut outcomes = Vec::with_capacity(changes.components.len());
    for (code, was, now) in &changes.components {
        let change = MaitriseChange {
            student_id: pupil.id,
            was: *was,
            now: *now,
        };
        let outcome = writer
            .write(&txn, &pupil, &mut found, &mut components, code, &change)
            .await?;
        outcomes.push((code.clone(), outcome));
    }
    let synthese = match &changes.synthese {
        Some(change) => Some(
            writer
                .write_synthese(
                    &txn,
                    &pupil,
                    &mut found,
                    change.was.trim(),
                    synthese_now.as_ref().map_or("", Synthese::as_str),
                )
                .await?,
        ),
        None => None,
    };
    writer.record(&txn, actor, &context).await?;
    crate::services::commit(txn, turn).await?;
    Ok(CycleBilanSaved {
        components: outcomes,
        synthese,
        status: super::status(found.get(&pupil.id), &components),
    })
}

/// The pupil with the class their bilan de fin de cycle belongs to (this year's, else their
/// class), once the actor is known to teach it or run its school.
pub(super) async fn pupil_context(
    db: &impl ConnectionTrait,
    actor: &Actor,
    student_id: i32,
) -> Result<(CycleContext, student::Model)> {
    let pupil = student::Entity::find_by_id(student_id)
        .one(db)
        .await?
        .ok_or(AppError::Forbidden)?;
    let existing = cycle_bilan::Entity::find()
        .filter(cycle_bilan::Column::StudentId.eq(pupil.id))
        .all(db)
        .await?
        .into_iter()
        .max_by_key(|bilan| bilan.school_year_id);
    let class_id = match (&existing, pupil.class_id) {
        (Some(bilan), _) => bilan.class_id,
        (None, Some(class_id)) => class_id,
        (None, None) => return Err(AppError::Forbidden),
    };
    let context = super::context(db, actor, class_id).await?;
    let in_class = super::pupils(db, &context).await?;
    if !in_class.iter().any(|p| p.id == pupil.id) {
        return Err(AppError::invalid(
            "eleve",
            "cet élève n'a pas de bilan de fin de cycle à écrire cette année (il n'est pas en CE2)",
        ));
    }
    Ok((context, pupil))
}

/// The writes of one save: creates bilans as needed, guards each written bilan once, and keeps
/// what changed for the bilans' histories.
struct Writer<'a> {
    context: &'a CycleContext,
    teachers: Option<Vec<String>>,
    /// Bilans found unlocked and marked as written in this save.
    touched: HashMap<i32, bool>,
    history: Vec<BilanChange>,
}

impl<'a> Writer<'a> {
    fn new(context: &'a CycleContext) -> Self {
        Writer {
            context,
            teachers: None,
            touched: HashMap::new(),
            history: Vec::new(),
        }
    }

    /// The pupil's bilan, created if it has none yet.
    async fn bilan<'b>(
        &mut self,
        db: &impl ConnectionTrait,
        pupil: &student::Model,
        found: &'b mut HashMap<i32, cycle_bilan::Model>,
    ) -> Result<&'b cycle_bilan::Model> {
        if let std::collections::hash_map::Entry::Vacant(missing) = found.entry(pupil.id) {
            let teachers = match &self.teachers {
                Some(teachers) => teachers,
                None => self
                    .teachers
                    .insert(bilans::class_teachers(db, self.context.class.id).await?),
            };
            missing.insert(super::create(db, self.context, pupil, teachers).await?);
        }
        Ok(&found[&pupil.id])
    }

    /// Whether the bilan may be written: unlocked when read and still unlocked now.
    async fn unlocked(
        &mut self,
        db: &impl ConnectionTrait,
        bilan: &cycle_bilan::Model,
    ) -> Result<bool> {
        if bilan.locked_at.is_some() {
            return Ok(false);
        }
        if let Some(unlocked) = self.touched.get(&bilan.id) {
            return Ok(*unlocked);
        }
        let unlocked = super::touch_unlocked(db, bilan.id).await?;
        self.touched.insert(bilan.id, unlocked);
        Ok(unlocked)
    }

    async fn write(
        &mut self,
        db: &impl ConnectionTrait,
        pupil: &student::Model,
        found: &mut HashMap<i32, cycle_bilan::Model>,
        components: &mut Components,
        code: &str,
        change: &MaitriseChange,
    ) -> Result<MaitriseOutcome> {
        if found.get(&pupil.id).is_some_and(|b| b.locked_at.is_some()) {
            return Ok(MaitriseOutcome::Locked);
        }
        let current = found
            .get(&pupil.id)
            .and_then(|b| value_of(components, b.id, code));
        match Merge::of(current, &change.was, &change.now) {
            Merge::AlreadySaved => return Ok(MaitriseOutcome::Saved),
            Merge::Conflict { current } => return Ok(MaitriseOutcome::Conflict { current }),
            Merge::Write => {}
        }
        let bilan = self.bilan(db, pupil, found).await?.clone();
        if !self.unlocked(db, &bilan).await? {
            return Ok(MaitriseOutcome::Locked);
        }
        if !super::write_component(db, bilan.id, code, current, change.now).await? {
            // Another write came between the read and this one: theirs stays.
            let stored = super::stored_component(db, bilan.id, code).await?;
            set_value(components, bilan.id, code, stored);
            return Ok(match stored == change.now {
                true => MaitriseOutcome::Saved,
                false => MaitriseOutcome::Conflict { current: stored },
            });
        }
        set_value(components, bilan.id, code, change.now);
        let label = super::component(code)?.label;
        self.history.push(BilanChange {
            subject: audit::cycle_bilan_subject(bilan.id),
            field: label.to_owned(),
            value: change.now.map_or("(effacé)", Maitrise::label).to_owned(),
        });
        Ok(MaitriseOutcome::Saved)
    }

    /// Writes the synthèse from the text the page saw: the stored text and whether it is
    /// someone else's (a conflict, left as it is).
    async fn write_synthese(
        &mut self,
        db: &impl ConnectionTrait,
        pupil: &student::Model,
        found: &mut HashMap<i32, cycle_bilan::Model>,
        was: &str,
        now: &str,
    ) -> Result<(String, bool)> {
        let current = found
            .get(&pupil.id)
            .and_then(|b| b.synthese.clone())
            .unwrap_or_default();
        if found.get(&pupil.id).is_some_and(|b| b.locked_at.is_some()) {
            return Ok((current, true));
        }
        match Merge::of(current.as_str(), &was, &now) {
            Merge::AlreadySaved => return Ok((current, false)),
            Merge::Conflict { .. } => return Ok((current, true)),
            Merge::Write => {}
        }
        let bilan = self.bilan(db, pupil, found).await?.clone();
        if !self.unlocked(db, &bilan).await? {
            return Ok((current, true));
        }
        let stored_as = |text: &str| (!text.is_empty()).then(|| text.to_owned());
        let from_current = match stored_as(&current) {
            Some(text) => cycle_bilan::Column::Synthese.eq(text),
            None => cycle_bilan::Column::Synthese.is_null(),
        };
        let written = cycle_bilan::Entity::update_many()
            .col_expr(cycle_bilan::Column::Synthese, Expr::value(stored_as(now)))
            .filter(cycle_bilan::Column::Id.eq(bilan.id))
            .filter(cycle_bilan::Column::LockedAt.is_null())
            .filter(from_current)
            .exec(db)
            .await?;
        if written.rows_affected != 1 {
            let stored = cycle_bilan::Entity::find_by_id(bilan.id)
                .one(db)
                .await?
                .and_then(|b| b.synthese)
                .unwrap_or_default();
            let conflict = stored != now;
            return Ok((stored, conflict));
        }
        if let Some(bilan) = found.get_mut(&pupil.id) {
            bilan.synthese = stored_as(now);
        }
        self.history.push(BilanChange {
            subject: audit::cycle_bilan_subject(bilan.id),
            field: "Synthèse".to_owned(),
            value: audit::shortened(now),
        });
        Ok((now.to_owned(), false))
    }

    /// Records what this save changed, one event per bilan and field.
    async fn record(
        self,
        db: &impl ConnectionTrait,
        actor: &Actor,
        context: &CycleContext,
    ) -> Result<()> {
        audit::record_bilan_changes(
            db,
            actor,
            context.establishment_id,
            "bilan de fin de cycle",
            self.history,
        )
        .await
    }
}

fn value_of(components: &Components, bilan_id: i32, code: &str) -> Option<Maitrise> {
    components.get(&bilan_id)?.get(code).copied()
}

fn set_value(components: &mut Components, bilan_id: i32, code: &str, value: Option<Maitrise>) {
    let cells = components.entry(bilan_id).or_default();
    match value {
        Some(value) => cells.insert(code.to_owned(), value),
        None => cells.remove(code),
    };
}

/// « NOM Prénoms » as the bilan shows them (its own copy of the identity).
pub fn name_shown(bilan: &cycle_bilan::Model) -> String {
    format!("{} {}", bilan.last_name.to_uppercase(), bilan.first_names)
}
