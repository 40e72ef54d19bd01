use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One pupil's bilan for one period. It keeps its own copy of the identity and the
        // teachers it shows (updated only by the synchronisation, never once locked). Its status
        // (en cours, complet, verrouillé) is computed from the data, never stored. `version`
        // grows with every write, so that a stale write is detected rather than applied.
        // Pupils, periods and classes with bilans cannot be deleted (no cascade).
        manager
            .create_table(
                Table::create()
                    .table("bilan")
                    .col(pk_auto("id"))
                    .col(integer("student_id"))
                    .col(integer("period_id"))
                    .col(integer("class_id"))
                    .col(string("last_name"))
                    .col(string("first_names"))
                    .col(date("birth_date"))
                    .col(string_len_null("sex", 1))
                    .col(json("teachers"))
                    .col(text_null("appreciation"))
                    .col(timestamp_with_time_zone_null("locked_at"))
                    .col(integer_null("locked_by"))
                    .col(integer("version").default(1))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("bilan", "student_id")
                            .to("student", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("bilan", "period_id")
                            .to("period", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("bilan", "class_id")
                            .to("school_class", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("bilan", "locked_by")
                            .to("app_user", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("bilan_student_period_unique")
                    .table("bilan")
                    .col("student_id")
                    .col("period_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("bilan_class_period")
                    .table("bilan")
                    .col("class_id")
                    .col("period_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("bilan").to_owned())
            .await
    }
}
