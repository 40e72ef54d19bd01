use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A responsable's address in the parts ONDE gives, as the LSU export needs them. The
        // one-line address kept so far cannot be split reliably: it becomes the street line,
        // and the next responsables import fills the rest.
        for column in ["address_line", "postal_code", "city", "country"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("app_user")
                        .add_column(text_null(column))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .get_connection()
            .execute_unprepared("UPDATE app_user SET address_line = address")
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("app_user")
                    .drop_column("address")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("app_user")
                    .add_column(text_null("address"))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared("UPDATE app_user SET address = address_line")
            .await?;
        for column in ["country", "city", "postal_code", "address_line"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("app_user")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
