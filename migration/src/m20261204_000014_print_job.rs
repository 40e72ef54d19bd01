use crate::cascade_to;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A class's bilans printed in the background. The job, its progress and its file live
        // here rather than in one process's memory, so that a print started through one app
        // process is followed and downloaded through another. The process printing it beats
        // `heartbeat_at`; a job whose heartbeat stopped (its process died) is failed.
        manager
            .create_table(
                Table::create()
                    .table("print_job")
                    // Random, not sequential: the id is in the download's address.
                    .col(big_integer("id").primary_key())
                    .col(integer("owner_id"))
                    .col(string("label"))
                    .col(string("file_name"))
                    .col(boolean("each"))
                    .col(integer("total"))
                    .col(integer("printed").default(0))
                    // « NOM Prénom : why » for each pupil whose bilan is not in the file.
                    .col(json("left_out"))
                    .col(binary_null("file"))
                    .col(text_null("failure"))
                    .col(timestamp_with_time_zone("started_at"))
                    .col(timestamp_with_time_zone("heartbeat_at"))
                    .col(timestamp_with_time_zone_null("finished_at"))
                    .foreign_key(&mut cascade_to("print_job", "owner_id", "app_user"))
                    .to_owned(),
            )
            .await?;
        // One class print under way per person, whichever process they reach: the second
        // insert is refused by the database itself.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX print_job_one_running_per_owner \
                 ON print_job (owner_id) WHERE finished_at IS NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("print_job").to_owned())
            .await
    }
}
