//! What finds the demo school's pieces, once a test or a bench has seeded it: its id, a class,
//! its trimestres, an account's acting user. The benches include this file by path.

use app::domain::{Login, Uai};
use app::entities::period;
use app::services::access::Actor;
use app::services::{accounts, classes, establishments};
use app::wire::classes::ClassRow;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

/// The demo school's id.
pub async fn demo_school(db: &DatabaseConnection) -> i32 {
    establishments::find_by_uai(db, &Uai::parse(server::demo::UAI).unwrap())
        .await
        .unwrap()
        .expect("the demo school is seeded")
        .id
}

/// The demo school's class whose label starts so (« CM2 », « CP »), as on 28/11/2026.
pub async fn demo_class(db: &DatabaseConnection, label_start: &str) -> ClassRow {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    classes::list(db, &Actor::System, demo_school(db).await, today)
        .await
        .unwrap()
        .into_iter()
        .find(|class| class.label.starts_with(label_start))
        .expect("the demo has that class")
}

/// The ids of the demo's trimestres, in order.
pub async fn trimestres(db: &DatabaseConnection) -> Vec<i32> {
    period::Entity::find()
        .filter(period::Column::Periodicity.eq("trimestre"))
        .order_by_asc(period::Column::Position)
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|p| p.id)
        .collect()
}

/// What an account, by login, acts as.
pub async fn actor(db: &DatabaseConnection, login: &str) -> Actor {
    let id = accounts::find_by_login(db, &Login::parse(login).unwrap())
        .await
        .unwrap()
        .expect("the account exists")
        .id;
    Actor::User(accounts::acting_user(db, id, None).await.unwrap())
}
