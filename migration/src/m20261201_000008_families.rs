use crate::cascade_to;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A responsable légal of a pupil: their account (role `responsable` in the school)
        // sees that pupil's published bilans. One or two per pupil, several children per
        // account.
        manager
            .create_table(
                Table::create()
                    .table("guardian")
                    .col(integer("student_id"))
                    .col(integer("user_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .primary_key(Index::create().col("student_id").col("user_id"))
                    .foreign_key(&mut cascade_to("guardian", "student_id", "student"))
                    .foreign_key(&mut cascade_to("guardian", "user_id", "app_user"))
                    .to_owned(),
            )
            .await?;
        // The postal address of a responsable, as ONDE gives it (one line).
        manager
            .alter_table(
                Table::alter()
                    .table("app_user")
                    .add_column(text_null("address"))
                    .to_owned(),
            )
            .await?;
        // A bilan published to its family: only a locked one, set and cleared by the director
        // (each change is also in the audit trail). `published_by` has no foreign key: SQLite
        // cannot add one to an existing table, and the audit trail names the person anyway.
        for column in [
            timestamp_with_time_zone_null("published_at"),
            integer_null("published_by"),
        ] {
            manager
                .alter_table(Table::alter().table("bilan").add_column(column).to_owned())
                .await?;
        }
        // « J'ai pris connaissance du bilan »: who, and when, once per responsable and bilan.
        manager
            .create_table(
                Table::create()
                    .table("bilan_visa")
                    .col(integer("bilan_id"))
                    .col(integer("user_id"))
                    .col(timestamp_with_time_zone("acknowledged_at"))
                    .primary_key(Index::create().col("bilan_id").col("user_id"))
                    .foreign_key(&mut cascade_to("bilan_visa", "bilan_id", "bilan"))
                    .foreign_key(&mut cascade_to("bilan_visa", "user_id", "app_user"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("bilan_visa").to_owned())
            .await?;
        for column in ["published_by", "published_at"] {
            manager
                .alter_table(Table::alter().table("bilan").drop_column(column).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("app_user")
                    .drop_column("address")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table("guardian").to_owned())
            .await
    }
}
