use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // What the verso of a bilan holds for this pupil alone: their own parcours texts (a
        // JSON object from code to text, beside the class's), the modalités spécifiques
        // d'accompagnement (a JSON array of codes) and the complement of a PPRE.
        for column in [
            json_null("own_parcours"),
            json_null("modalites"),
            text_null("ppre_complement"),
        ] {
            manager
                .alter_table(Table::alter().table("bilan").add_column(column).to_owned())
                .await?;
        }
        // A bilan's history is read from the audit trail by its subject (`bilan:ID`).
        manager
            .create_index(
                Index::create()
                    .name("audit_event_subject")
                    .table("audit_event")
                    .col("subject")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("audit_event_subject")
                    .table("audit_event")
                    .to_owned(),
            )
            .await?;
        for column in ["ppre_complement", "modalites", "own_parcours"] {
            manager
                .alter_table(Table::alter().table("bilan").drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
