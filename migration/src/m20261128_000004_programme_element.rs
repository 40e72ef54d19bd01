use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // « Éléments du programme travaillés durant la période », entered for a whole class:
        // one ordered list per class, level, period and domain row (LSU code).
        manager
            .create_table(
                Table::create()
                    .table("programme_element")
                    .col(pk_auto("id"))
                    .col(integer("class_id"))
                    .col(string_len("level", 3))
                    .col(integer("period_id"))
                    .col(string_len("domain_code", 7))
                    .col(small_integer("position"))
                    .col(text("text"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("programme_element", "class_id")
                            .to("school_class", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("programme_element", "period_id")
                            .to("period", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("programme_element_list")
                    .table("programme_element")
                    .col("class_id")
                    .col("period_id")
                    .col("level")
                    .col("domain_code")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("programme_element").to_owned())
            .await
    }
}
