//! The data that the server functions of `api::accounts` and the pages exchange: accounts of an
//! establishment (Paramétrage).

use crate::domain::Role;
use serde::{Deserialize, Serialize};

/// One account of the establishment, as the director sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRow {
    pub login: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    /// Whether the person can log in (has a password and is not disabled).
    pub active: bool,
    /// The password is still the one-time one given at creation.
    pub one_time_password: bool,
    /// That one-time password is too old to open the account: give a new one.
    pub one_time_expired: bool,
    /// The director may give the account a new one-time password
    /// (`domain::role::may_reissue_password`).
    pub may_reissue_password: bool,
}

/// A one-time password just given to an account: it is in this answer only (the server keeps a
/// hash), to be handed to the account's owner, who must replace it at first login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedPassword {
    pub name: String,
    pub login: String,
    pub one_time_password: String,
}
