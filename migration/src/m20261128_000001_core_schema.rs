use crate::cascade_to;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Établissement: UAI, name and postal address as printed on the bilans.
        manager
            .create_table(
                Table::create()
                    .table("establishment")
                    .col(pk_auto("id"))
                    .col(string_len_uniq("uai", 8))
                    .col(string("name"))
                    .col(string_null("address_line"))
                    .col(string_null("postal_code"))
                    .col(string_null("city"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;

        // Accounts. `password_hash` is empty until the person has chosen a password
        // (accounts created for parents are activated later). Civility, last and first names
        // are what the LSU export needs for directeurs and enseignants.
        manager
            .create_table(
                Table::create()
                    .table("app_user")
                    .col(pk_auto("id"))
                    .col(string_uniq("login"))
                    .col(string_len_null("civility", 3))
                    .col(string("last_name"))
                    .col(string("first_name"))
                    .col(string_null("email"))
                    .col(string_null("password_hash"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("disabled_at"))
                    .to_owned(),
            )
            .await?;

        // Role grants: a role in one establishment, or `administrateur` with no establishment.
        manager
            .create_table(
                Table::create()
                    .table("role_grant")
                    .col(pk_auto("id"))
                    .col(integer("user_id"))
                    .col(integer_null("establishment_id"))
                    .col(string_len("role", 20))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut cascade_to("role_grant", "user_id", "app_user"))
                    .foreign_key(&mut cascade_to(
                        "role_grant",
                        "establishment_id",
                        "establishment",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("role_grant_unique")
                    .table("role_grant")
                    .col("user_id")
                    .col("establishment_id")
                    .col("role")
                    .unique()
                    .to_owned(),
            )
            .await?;

        // School years (millésime = the year it starts).
        manager
            .create_table(
                Table::create()
                    .table("school_year")
                    .col(pk_auto("id"))
                    .col(integer("establishment_id"))
                    .col(integer("millesime"))
                    .col(date("starts_on"))
                    .col(date("ends_on"))
                    .foreign_key(&mut cascade_to(
                        "school_year",
                        "establishment_id",
                        "establishment",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("school_year_unique")
                    .table("school_year")
                    .col("establishment_id")
                    .col("millesime")
                    .unique()
                    .to_owned(),
            )
            .await?;

        // Classes of a school year, with their ONDE id and positionnement type.
        manager
            .create_table(
                Table::create()
                    .table("school_class")
                    .col(pk_auto("id"))
                    .col(integer("school_year_id"))
                    .col(big_integer_null("onde_id"))
                    .col(string("label"))
                    .col(string_len("positionnement_type", 20))
                    .foreign_key(&mut cascade_to(
                        "school_class",
                        "school_year_id",
                        "school_year",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("school_class_onde_unique")
                    .table("school_class")
                    .col("school_year_id")
                    .col("onde_id")
                    .unique()
                    .to_owned(),
            )
            .await?;

        // The levels of a class (a multi-level class has several).
        manager
            .create_table(
                Table::create()
                    .table("class_level")
                    .col(integer("class_id"))
                    .col(string_len("level", 3))
                    .primary_key(Index::create().col("class_id").col("level"))
                    .foreign_key(&mut cascade_to("class_level", "class_id", "school_class"))
                    .to_owned(),
            )
            .await?;

        // Teachers assigned to a class.
        manager
            .create_table(
                Table::create()
                    .table("teacher_assignment")
                    .col(integer("class_id"))
                    .col(integer("user_id"))
                    .primary_key(Index::create().col("class_id").col("user_id"))
                    .foreign_key(&mut cascade_to(
                        "teacher_assignment",
                        "class_id",
                        "school_class",
                    ))
                    .foreign_key(&mut cascade_to("teacher_assignment", "user_id", "app_user"))
                    .to_owned(),
            )
            .await?;

        // Pupils of an establishment. Identity as in the registry; `left_on` marks a pupil who
        // left (radiation): they keep their data.
        manager
            .create_table(
                Table::create()
                    .table("student")
                    .col(pk_auto("id"))
                    .col(integer("establishment_id"))
                    .col(string_len_null("ine", 11))
                    .col(string("last_name"))
                    .col(string_null("usage_name"))
                    .col(string("first_names"))
                    .col(date("birth_date"))
                    .col(string_len_null("sex", 1))
                    .col(string_len_null("level", 3))
                    .col(integer_null("class_id"))
                    .col(date_null("entered_on"))
                    .col(date_null("left_on"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut cascade_to(
                        "student",
                        "establishment_id",
                        "establishment",
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from("student", "class_id")
                            .to("school_class", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("student_ine_unique")
                    .table("student")
                    .col("establishment_id")
                    .col("ine")
                    .unique()
                    .to_owned(),
            )
            .await?;

        // Periods of a school year: LSU `indice` (position) and `nb-periodes` (count).
        manager
            .create_table(
                Table::create()
                    .table("period")
                    .col(pk_auto("id"))
                    .col(integer("school_year_id"))
                    .col(string_len("periodicity", 20))
                    .col(small_integer("position"))
                    .col(small_integer("count"))
                    .col(date("starts_on"))
                    .col(date("ends_on"))
                    .foreign_key(&mut cascade_to("period", "school_year_id", "school_year"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("period_unique")
                    .table("period")
                    .col("school_year_id")
                    .col("periodicity")
                    .col("position")
                    .unique()
                    .to_owned(),
            )
            .await?;

        // Which classes follow which periods.
        manager
            .create_table(
                Table::create()
                    .table("period_class")
                    .col(integer("period_id"))
                    .col(integer("class_id"))
                    .primary_key(Index::create().col("period_id").col("class_id"))
                    .foreign_key(&mut cascade_to("period_class", "period_id", "period"))
                    .foreign_key(&mut cascade_to("period_class", "class_id", "school_class"))
                    .to_owned(),
            )
            .await?;

        // Server-side sessions, shared by every app process on the same database.
        manager
            .create_table(
                Table::create()
                    .table("session")
                    .col(string_len("id", 64).primary_key())
                    .col(integer_null("user_id"))
                    .col(text("data"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .foreign_key(&mut cascade_to("session", "user_id", "app_user"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("session_expires_at")
                    .table("session")
                    .col("expires_at")
                    .to_owned(),
            )
            .await?;

        // Failed login counters, per account and per address, shared by every app process.
        manager
            .create_table(
                Table::create()
                    .table("login_throttle")
                    .col(string("key").primary_key())
                    .col(integer("failures"))
                    .col(timestamp_with_time_zone("window_started_at"))
                    .to_owned(),
            )
            .await?;

        // Who did what, when: every write to pupil data and every account change.
        manager
            .create_table(
                Table::create()
                    .table("audit_event")
                    .col(big_pk_auto("id"))
                    .col(timestamp_with_time_zone("occurred_at"))
                    .col(integer_null("user_id"))
                    .col(integer_null("establishment_id"))
                    .col(string("action"))
                    .col(string("subject"))
                    .col(text("details"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "audit_event",
            "login_throttle",
            "session",
            "period_class",
            "period",
            "student",
            "teacher_assignment",
            "class_level",
            "school_class",
            "school_year",
            "role_grant",
            "app_user",
            "establishment",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
