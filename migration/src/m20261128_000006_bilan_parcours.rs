use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // What a locked bilan keeps of its class (copied at locking, dropped at unlocking, so
        // that an unlocked bilan follows its class again): the parcours texts (a JSON object
        // from code to text) and the language of the « Langue vivante » row; and, per row,
        // whether its elements are such a copy rather than the pupil's own.
        manager
            .alter_table(
                Table::alter()
                    .table("bilan")
                    .add_column(json_null("parcours"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("bilan")
                    .add_column(string_null("language"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("bilan_line")
                    .add_column(boolean("elements_frozen").default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("bilan_line")
                    .drop_column("elements_frozen")
                    .to_owned(),
            )
            .await?;
        for column in ["language", "parcours"] {
            manager
                .alter_table(Table::alter().table("bilan").drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
