//! Dates as the school lives them: in Europe/Paris, written dd/mm/yyyy.

use chrono::{Datelike, NaiveDate};

/// Today's date in Paris (a school day starts at midnight in France, not in UTC).
#[cfg(feature = "ssr")]
pub fn today_in_paris() -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Paris)
        .date_naive()
}

/// A moment as read in France: `28/11/2026 à 14 h 05` (Europe/Paris).
#[cfg(feature = "ssr")]
pub fn format_moment(moment: chrono::DateTime<chrono::Utc>) -> String {
    use chrono::Timelike;
    let local = moment.with_timezone(&chrono_tz::Europe::Paris);
    format!(
        "{} à {} h {:02}",
        format_date(local.date_naive()),
        local.hour(),
        local.minute()
    )
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

/// A date as people type it (`28/11/2026`) or as a date input sends it (`2026-11-28`);
/// impossible dates (31/02) are refused.
#[cfg(feature = "ssr")]
pub fn parse_typed_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(text, "%Y-%m-%d"))
        .ok()
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

/// Reads a date as chrono writes it in JSON (`2026-11-28`), for `#[serde(deserialize_with)]`:
/// chrono's own reader goes through its strftime parser, which would weigh on the browser's
/// main bundle for the two dates of the session.
pub fn deserialize_date<'de, D>(deserializer: D) -> Result<NaiveDate, D::Error>
where
    D: serde::Deserializer<'de>,
{
    use serde::{Deserialize, de::Error};
    let text = String::deserialize(deserializer)?;
    parse_input_date(&text).ok_or_else(|| D::Error::custom(format!("date invalide « {text} »")))
}

#[cfg(test)]
mod tests {
    use super::{format_date, input_date, parse_input_date};
    use chrono::NaiveDate;

    #[cfg(feature = "ssr")]
    #[test]
    fn moments_are_written_in_paris_time() {
        use chrono::TimeZone;
        let winter = chrono::Utc
            .with_ymd_and_hms(2026, 11, 28, 13, 5, 0)
            .unwrap();
        assert_eq!(super::format_moment(winter), "28/11/2026 à 14 h 05");
        let summer = chrono::Utc
            .with_ymd_and_hms(2027, 6, 30, 22, 30, 0)
            .unwrap();
        assert_eq!(super::format_moment(summer), "01/07/2027 à 0 h 30");
    }

    #[test]
    fn dates_are_written_day_month_year() {
        let date = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
        assert_eq!(format_date(date), "01/09/2026");
    }

    #[test]
    fn dates_read_from_json_are_those_chrono_writes() {
        #[derive(serde::Deserialize)]
        struct Dated(#[serde(deserialize_with = "super::deserialize_date")] NaiveDate);
        let date = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
        let json = leptos::serde_json::to_string(&date).unwrap();
        assert_eq!(json, "\"2026-09-01\"");
        let Dated(read) = leptos::serde_json::from_str(&json).unwrap();
        assert_eq!(read, date);
        assert!(leptos::serde_json::from_str::<Dated>("\"2026-02-30\"").is_err());
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
