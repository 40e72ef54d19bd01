use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One row of a bilan's recto: its positionnement (1 to 4) or « non évalué », the pupil's
        // own programme elements when they were edited for that pupil (else the class's list
        // applies), and the comment. Written only through the bilan's guard (lock, version).
        manager
            .create_table(
                Table::create()
                    .table("bilan_line")
                    .col(pk_auto("id"))
                    .col(integer("bilan_id"))
                    .col(string_len("domain_code", 7))
                    .col(small_integer_null("positionnement"))
                    .col(boolean("not_evaluated").default(false))
                    .col(json_null("elements"))
                    .col(text_null("comment"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("bilan_line", "bilan_id")
                            .to("bilan", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("bilan_line_bilan_domain_unique")
                    .table("bilan_line")
                    .col("bilan_id")
                    .col("domain_code")
                    .unique()
                    .to_owned(),
            )
            .await?;
        // « Parcours éducatifs » entered for a whole class and period: one text per parcours.
        manager
            .create_table(
                Table::create()
                    .table("class_parcours")
                    .col(pk_auto("id"))
                    .col(integer("class_id"))
                    .col(integer("period_id"))
                    .col(string_len("code", 7))
                    .col(text("text"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("class_parcours", "class_id")
                            .to("school_class", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("class_parcours", "period_id")
                            .to("period", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("class_parcours_unique")
                    .table("class_parcours")
                    .col("class_id")
                    .col("period_id")
                    .col("code")
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The language a class learns, named on its bilans' « Langue vivante » row.
        manager
            .alter_table(
                Table::alter()
                    .table("school_class")
                    .add_column(string_null("language"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("school_class")
                    .drop_column("language")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table("class_parcours").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("bilan_line").to_owned())
            .await
    }
}
