use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A school year is closed when the next one is opened (« Passer à l'année suivante »):
        // from then on its bilans are history, read and printed but never written.
        manager
            .alter_table(
                Table::alter()
                    .table("school_year")
                    .add_column(timestamp_with_time_zone_null("closed_at"))
                    .to_owned(),
            )
            .await?;
        // The last failed login of a counter: growing delays are counted from it.
        manager
            .alter_table(
                Table::alter()
                    .table("login_throttle")
                    .add_column(timestamp_with_time_zone_null("last_failure_at"))
                    .to_owned(),
            )
            .await?;
        // A one-time password or activation code opens its account until then (30 days).
        manager
            .alter_table(
                Table::alter()
                    .table("app_user")
                    .add_column(timestamp_with_time_zone_null("one_time_expires_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("app_user")
                    .drop_column("one_time_expires_at")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("login_throttle")
                    .drop_column("last_failure_at")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("school_year")
                    .drop_column("closed_at")
                    .to_owned(),
            )
            .await
    }
}
