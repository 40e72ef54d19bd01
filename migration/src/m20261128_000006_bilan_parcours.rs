use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The parcours éducatifs a bilan shows, as a JSON object from code to text, once the
        // bilan has its own (copied from the class when it is locked); until then the class's
        // texts apply.
        manager
            .alter_table(
                Table::alter()
                    .table("bilan")
                    .add_column(json_null("parcours"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("bilan")
                    .drop_column("parcours")
                    .to_owned(),
            )
            .await
    }
}
