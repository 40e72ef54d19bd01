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
    /// A responsable's postal address, in the parts ONDE gives (the LSU wants them apart):
    /// number and street,
    pub address_line: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    /// and the country, only when not France.
    pub country: Option<String>,
    /// Argon2id PHC string; `None` until the person has chosen a password.
    pub password_hash: Option<String>,
    /// Set while the password is a one-time one: nothing else is allowed until it is changed.
    pub must_change_password: bool,
    /// Until when the one-time password (or activation code) opens the account.
    pub one_time_expires_at: Option<DateTimeUtc>,
    /// The second factor's TOTP secret, encrypted with the server's key (`SecretKey`).
    pub totp_secret: Option<String>,
    /// When a code confirmed the secret: from then on a login asks for a code.
    pub totp_enrolled_at: Option<DateTimeUtc>,
    /// The last TOTP time step that opened a login: a code is good once.
    pub totp_last_step: Option<i64>,
    pub created_at: DateTimeUtc,
    pub disabled_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
