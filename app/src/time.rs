//! Dates as the school lives them: in Europe/Paris, written dd/mm/yyyy.

use chrono::{Datelike, NaiveDate};

/// Today's date in Paris (a school day starts at midnight in France, not in UTC).
#[cfg(feature = "ssr")]
pub fn today_in_paris() -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Paris)
        .date_naive()
}

/// `28/11/2026`. Written by hand rather than with chrono's `format`: its strftime machinery
/// would weigh on the browser bundle.
pub fn format_date(date: NaiveDate) -> String {
    format!("{:02}/{:02}/{}", date.day(), date.month(), date.year())
}

/// `2026-11-28`, the value of an `<input type="date">`.
pub fn input_date(date: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

/// Reads the value of an `<input type="date">` (`2026-11-28`); `None` when empty or invalid.
pub fn parse_input_date(value: &str) -> Option<NaiveDate> {
    let mut parts = value.trim().splitn(3, '-').map(str::parse::<u32>);
    let (Some(Ok(year)), Some(Ok(month)), Some(Ok(day))) =
        (parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

#[cfg(test)]
mod tests {
    use super::{format_date, input_date, parse_input_date};
    use chrono::NaiveDate;

    #[test]
    fn dates_are_written_day_month_year() {
        let date = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
        assert_eq!(format_date(date), "01/09/2026");
    }

    #[test]
    fn date_inputs_round_trip_and_refuse_what_is_not_a_date() {
        let date = NaiveDate::from_ymd_opt(2027, 2, 28).unwrap();
        assert_eq!(input_date(date), "2027-02-28");
        assert_eq!(parse_input_date("2027-02-28"), Some(date));
        for bad in ["", "2027-02-31", "2027-02", "28/02/2027", "2027-xx-01"] {
            assert_eq!(parse_input_date(bad), None, "{bad}");
        }
    }
}
