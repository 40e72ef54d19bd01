use crate::cascade_to;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A pupil's bilan de fin de cycle: one per pupil, cycle and school year (a pupil who
        // repeats the CE2 has one each year). Like a periodic bilan it keeps its own copy of
        // the identity and teachers it shows, its lock, the director it was locked under, its
        // publication, and a version that grows with every write.
        manager
            .create_table(
                Table::create()
                    .table("cycle_bilan")
                    .col(pk_auto("id"))
                    .col(integer("student_id"))
                    .col(integer("school_year_id"))
                    .col(integer("class_id"))
                    .col(small_integer("cycle"))
                    .col(string("last_name"))
                    .col(string("first_names"))
                    .col(date("birth_date"))
                    .col(string_len_null("sex", 1))
                    .col(json("teachers"))
                    .col(text_null("synthese"))
                    .col(timestamp_with_time_zone_null("locked_at"))
                    .col(integer_null("locked_by"))
                    .col(integer_null("director_id"))
                    .col(timestamp_with_time_zone_null("published_at"))
                    .col(integer_null("published_by"))
                    .col(integer("version").default(1))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("cycle_bilan", "student_id")
                            .to("student", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("cycle_bilan", "school_year_id")
                            .to("school_year", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("cycle_bilan", "class_id")
                            .to("school_class", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("cycle_bilan", "locked_by")
                            .to("app_user", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("cycle_bilan", "director_id")
                            .to("app_user", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("cycle_bilan", "published_by")
                            .to("app_user", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("cycle_bilan_student_year_cycle_unique")
                    .table("cycle_bilan")
                    .col("student_id")
                    .col("school_year_id")
                    .col("cycle")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("cycle_bilan_class")
                    .table("cycle_bilan")
                    .col("class_id")
                    .to_owned(),
            )
            .await?;
        // One component of the socle commun as positioned: 1 to 4, 0 for « dispensé »; a
        // component not positioned has no row. A row is written only from the value its
        // writer saw, so that writes to different components never collide.
        manager
            .create_table(
                Table::create()
                    .table("cycle_bilan_component")
                    .col(integer("cycle_bilan_id"))
                    .col(string_len("code", 7))
                    .col(small_integer("level"))
                    .primary_key(Index::create().col("cycle_bilan_id").col("code"))
                    .foreign_key(&mut cascade_to(
                        "cycle_bilan_component",
                        "cycle_bilan_id",
                        "cycle_bilan",
                    ))
                    .to_owned(),
            )
            .await?;
        // « J'ai pris connaissance du bilan »: once per responsable and bilan de fin de cycle.
        manager
            .create_table(
                Table::create()
                    .table("cycle_bilan_visa")
                    .col(integer("cycle_bilan_id"))
                    .col(integer("user_id"))
                    .col(timestamp_with_time_zone("acknowledged_at"))
                    .primary_key(Index::create().col("cycle_bilan_id").col("user_id"))
                    .foreign_key(&mut cascade_to(
                        "cycle_bilan_visa",
                        "cycle_bilan_id",
                        "cycle_bilan",
                    ))
                    .foreign_key(&mut cascade_to("cycle_bilan_visa", "user_id", "app_user"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["cycle_bilan_visa", "cycle_bilan_component", "cycle_bilan"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
