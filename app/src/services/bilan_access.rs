//! Who may read or write a pupil's bilan of a period, decided in one place for the editor,
//! printing and the families: the bilan is found with the class and period it belongs to, and
//! the reason the person may have it.

use crate::domain::Level;
use crate::domain::catalogue::DomainRow;
use crate::entities::{bilan, bilan_line, student};
use crate::error::{AppError, Result};
use crate::services::access::Actor;
use crate::services::saisie::{self, ClassPeriod};
use crate::services::{bilans, classes, families};
use crate::wire::bilan_editor::BilanKey;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// What the person wants to do with the bilan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Write it: only who fills in its class.
    Write,
    /// Read it in the editor: also a teacher of the pupil's class now, for a bilan of the
    /// pupil's history.
    Read,
    /// Print or read it as printed: also the pupil's responsables, once it is published.
    Print,
}

/// Why the person may have the bilan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// Fills in the bilan's class: its teacher, or the school's director.
    Class,
    /// Teaches the pupil's class now, another class than the bilan's (a bilan of the pupil's
    /// history): reads only.
    History,
    /// A responsable of the pupil, reading the published bilan.
    Family,
}

/// A pupil's bilan for a period (none yet: the first save creates it), with the class and
/// period it belongs to, and why the person may have it.
pub struct Located {
    pub reader: Reader,
    pub pupil: student::Model,
    pub level: Option<Level>,
    pub context: ClassPeriod,
    pub bilan: Option<bilan::Model>,
    pub lines: Vec<bilan_line::Model>,
}

impl Located {
    /// The rows of the pupil's recto, in order.
    pub fn rows(&self) -> Vec<&'static DomainRow> {
        bilans::pupil_rows(self.level, &self.context.levels)
    }

    /// The levels whose class lists the pupil takes (`bilans::pupil_levels`).
    pub fn levels(&self) -> &[Level] {
        bilans::pupil_levels(self.level.as_ref(), &self.context.levels)
    }

    pub fn line(&self, code: &str) -> Option<&bilan_line::Model> {
        self.lines.iter().find(|line| line.domain_code == code)
    }

    pub fn row(&self, code: &str) -> Option<&'static DomainRow> {
        self.rows().into_iter().find(|row| row.code == code)
    }
}

/// The pupil's bilan of the period, if the actor may have it for `purpose`.
#[tracing::instrument(skip_all, fields(key = ?key, user = ?actor.user_id()))]
pub async fn locate(
    db: &impl ConnectionTrait,
    actor: &Actor,
    key: BilanKey,
    purpose: Purpose,
) -> Result<Located> {
    let pupil = student::Entity::find_by_id(key.student_id)
        .one(db)
        .await?
        // A pupil who does not exist is refused like someone else's pupil: which ids exist
        // is nobody's business.
        .ok_or(AppError::Forbidden)?;
    let bilan = bilan::Entity::find()
        .filter(bilan::Column::StudentId.eq(pupil.id))
        .filter(bilan::Column::PeriodId.eq(key.period_id))
        .one(db)
        .await?;
    // A bilan belongs to the class it was made in, whatever the pupil's class now.
    let class_id = match (&bilan, pupil.class_id) {
        (Some(bilan), _) => bilan.class_id,
        (None, Some(class_id)) => class_id,
        (None, None) => {
            return Err(AppError::invalid(
                "eleve",
                "l'élève n'est dans aucune classe : son bilan ne peut pas être créé",
            ));
        }
    };
    let (class, establishment_id, reader) = match classes::class_taught_by(db, actor, class_id)
        .await
    {
        Ok((class, establishment_id)) => (class, establishment_id, Reader::Class),
        Err(AppError::Forbidden) if purpose != Purpose::Write => {
            let reader = if purpose == Purpose::Print
                && families::family_bilan(db, actor, key).await?.is_some()
            {
                Reader::Family
            } else if bilan.is_some() && teaches_now(db, actor, &pupil, class_id).await? {
                Reader::History
            } else {
                return Err(AppError::Forbidden);
            };
            let (class, establishment_id) = classes::class_in_establishment(db, class_id).await?;
            (class, establishment_id, reader)
        }
        Err(error) => return Err(error),
    };
    let context = saisie::with_period(db, class, establishment_id, key.period_id).await?;
    if bilan.is_none()
        && !bilans::class_pupils(db, &context)
            .await?
            .iter()
            .any(|other| other.id == pupil.id)
    {
        return Err(AppError::invalid(
            "eleve",
            "l'élève n'est pas dans cette classe pour cette période",
        ));
    }
    let lines = match &bilan {
        Some(bilan) => {
            bilan_line::Entity::find()
                .filter(bilan_line::Column::BilanId.eq(bilan.id))
                .all(db)
                .await?
        }
        None => Vec::new(),
    };
    Ok(Located {
        reader,
        level: bilans::pupil_level(&pupil),
        pupil,
        context,
        bilan,
        lines,
    })
}

/// The actor teaches the pupil's class now, another class than `class_id`.
async fn teaches_now(
    db: &impl ConnectionTrait,
    actor: &Actor,
    pupil: &student::Model,
    class_id: i32,
) -> Result<bool> {
    match pupil.class_id {
        Some(now) if now != class_id => match classes::class_taught_by(db, actor, now).await {
            Ok(_) => Ok(true),
            Err(AppError::Forbidden) => Ok(false),
            Err(error) => Err(error),
        },
        _ => Ok(false),
    }
}
