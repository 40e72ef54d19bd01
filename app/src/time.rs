//! Dates as the school lives them: in Europe/Paris, written dd/mm/yyyy.

use chrono::NaiveDate;

/// Today's date in Paris (a school day starts at midnight in France, not in UTC).
#[cfg(feature = "ssr")]
pub fn today_in_paris() -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Paris)
        .date_naive()
}

/// `28/11/2026`
pub fn format_date(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::format_date;
    use chrono::NaiveDate;

    #[test]
    fn dates_are_written_day_month_year() {
        let date = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
        assert_eq!(format_date(date), "01/09/2026");
    }
}
