//! « Saisie individuelle »: one pupil's bilan for a period, recto and verso, as the editor
//! shows it (`view`) and saved field by field without overwriting anyone (`save`). Who may
//! have the bilan is `bilan_access`'s to decide; what it shows, `bilan_content`'s.

mod save;
mod view;

pub use save::{save, value_label};
pub use view::open;

use crate::domain::BilanStatus;
use crate::domain::bilan::{RowFacts, Standing};
use crate::error::Result;
use crate::services::bilan_access::Located;
use crate::services::bilans;
use crate::wire::bilan_editor::BilanSummary;
use sea_orm::ConnectionTrait;

/// The bilan's status, each row's completeness and what is missing to print it.
async fn summary(db: &impl ConnectionTrait, found: &Located) -> Result<BilanSummary> {
    let context = &found.context;
    let class_lists = bilans::class_lists(db, [(context.class.id, context.period.id)]).await?;
    let facts = bilans::row_facts(
        (context.class.id, context.period.id),
        found.level,
        &context.levels,
        &found.lines,
        &class_lists,
    );
    let only_facts: Vec<RowFacts> = facts.iter().map(|(_, facts)| *facts).collect();
    let bilan = found.bilan.as_ref();
    let standing = Standing::of(
        bilan.is_some_and(|bilan| bilan.locked_at.is_some()),
        &only_facts,
        bilan.is_some_and(bilans::has_appreciation),
    );
    Ok(BilanSummary {
        status: match bilan {
            Some(_) => standing.status,
            None => BilanStatus::NonCree,
        },
        rows: facts
            .iter()
            .map(|(row, facts)| (row.code.to_owned(), facts.is_complete()))
            .collect(),
        missing: standing.missing,
    })
}
