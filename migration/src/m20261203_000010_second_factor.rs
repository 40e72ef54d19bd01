use sea_orm_migration::{prelude::*, schema::*};

use crate::cascade_to;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The second factor (TOTP) of an account: its secret, encrypted with the server's key
        // (`LIVRET_SECRET_KEY`); enrolled once a code confirmed it; the last time step used,
        // so that a code opens one login only.
        for column in [
            text_null("totp_secret"),
            timestamp_with_time_zone_null("totp_enrolled_at"),
            big_integer_null("totp_last_step"),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table("app_user")
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        // The one-time recovery codes given at enrolment, hashed; a used code is kept, dated.
        manager
            .create_table(
                Table::create()
                    .table("recovery_code")
                    .col(pk_auto("id"))
                    .col(integer("user_id"))
                    .col(string("code_hash"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .foreign_key(&mut cascade_to("recovery_code", "user_id", "app_user"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("recovery_code_user")
                    .table("recovery_code")
                    .col("user_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("recovery_code").to_owned())
            .await?;
        for column in ["totp_last_step", "totp_enrolled_at", "totp_secret"] {
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
