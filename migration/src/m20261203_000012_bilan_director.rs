use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The school's director when the bilan was locked (whoever locked it, a teacher
        // included): the LSU wants the director the bilan was locked under.
        manager
            .alter_table(
                Table::alter()
                    .table("bilan")
                    .add_column(integer_null("director_id"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("bilan")
                    .drop_column("director_id")
                    .to_owned(),
            )
            .await
    }
}
