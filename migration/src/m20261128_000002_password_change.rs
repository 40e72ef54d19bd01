use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // An account created with a one-time password (by the director, for a teacher) must
        // choose its own password before doing anything else.
        manager
            .alter_table(
                Table::alter()
                    .table("app_user")
                    .add_column(boolean("must_change_password").default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("app_user")
                    .drop_column("must_change_password")
                    .to_owned(),
            )
            .await
    }
}
