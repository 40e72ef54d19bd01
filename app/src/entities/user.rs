use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "app_user")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub login: String,
    pub civility: Option<String>,
    pub last_name: String,
    pub first_name: String,
    pub email: Option<String>,
    /// A responsable's postal address, on one line.
    pub address: Option<String>,
    /// Argon2id PHC string; `None` until the person has chosen a password.
    pub password_hash: Option<String>,
    /// Set while the password is a one-time one: nothing else is allowed until it is changed.
    pub must_change_password: bool,
    /// Until when the one-time password (or activation code) opens the account.
    pub one_time_expires_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub disabled_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
