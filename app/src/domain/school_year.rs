use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A school year, identified by its millésime: the calendar year it starts (`2026` for 2026/2027).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SchoolYear {
    millesime: i32,
}

impl SchoolYear {
    pub fn new(millesime: i32) -> Result<Self, String> {
        if (2000..=2100).contains(&millesime) {
            Ok(Self { millesime })
        } else {
            Err(format!("millésime invalide « {millesime} »"))
        }
    }

    /// Accepts `2026/2027`, `2026-2027` or the millésime alone (`2026`).
    pub fn parse(input: &str) -> Result<Self, String> {
        let text = input.trim();
        let invalid = || format!("année scolaire invalide « {text} » : écrivez-la 2026/2027");
        let (start, end) = match text.split_once(['/', '-']) {
            Some((start, end)) => (start, Some(end)),
            None => (text, None),
        };
        let millesime: i32 = start.trim().parse().map_err(|_| invalid())?;
        if let Some(end) = end {
            let end: i32 = end.trim().parse().map_err(|_| invalid())?;
            if end != millesime + 1 {
                return Err(invalid());
            }
        }
        Self::new(millesime).map_err(|_| invalid())
    }

    pub fn millesime(self) -> i32 {
        self.millesime
    }

    /// The school year a date falls in: a year starts on 1 August.
    pub fn containing(date: NaiveDate) -> Self {
        let millesime = if date.month() >= 8 {
            date.year()
        } else {
            date.year() - 1
        };
        Self { millesime }
    }

    /// The rentrée the national calendar sets for metropolitan France: 1 September, or the
    /// Monday after when it falls on a weekend (02/09/2024, 01/09/2025, 01/09/2026). A
    /// proposal: the director edits it (overseas académies start earlier).
    pub fn rentree(self) -> NaiveDate {
        let first = NaiveDate::from_ymd_opt(self.millesime, 9, 1).expect("1 September exists");
        match first.weekday() {
            Weekday::Sat => first + Days::new(2),
            Weekday::Sun => first + Days::new(1),
            _ => first,
        }
    }

    /// « Fin des cours »: the first Saturday of July of the following year, when the summer
    /// holidays start in every zone (05/07/2025, 04/07/2026, 03/07/2027). A proposal too.
    pub fn fin_des_cours(self) -> NaiveDate {
        let first = NaiveDate::from_ymd_opt(self.millesime + 1, 7, 1).expect("1 July exists");
        let to_saturday =
            (7 + Weekday::Sat.num_days_from_monday() - first.weekday().num_days_from_monday()) % 7;
        first + Days::new(u64::from(to_saturday))
    }

    /// The days a school year may span: from 1 August to 31 August of the next year (overseas
    /// rentrées are in August; a school may keep a period open into the summer).
    pub fn check_bounds(self, starts_on: NaiveDate, ends_on: NaiveDate) -> Result<(), String> {
        let earliest = NaiveDate::from_ymd_opt(self.millesime, 8, 1).expect("1 August exists");
        let latest = NaiveDate::from_ymd_opt(self.millesime + 1, 8, 31).expect("31 August exists");
        if starts_on >= ends_on {
            return Err("la date de début doit précéder la date de fin".to_owned());
        }
        if starts_on < earliest || ends_on > latest {
            return Err(format!(
                "l'année scolaire {self} doit être comprise entre le {} et le {}",
                crate::time::format_date(earliest),
                crate::time::format_date(latest)
            ));
        }
        Ok(())
    }
}

impl fmt::Display for SchoolYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.millesime, self.millesime + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::SchoolYear;
    use chrono::NaiveDate;

    #[test]
    fn label_is_start_slash_end() {
        assert_eq!(SchoolYear::new(2026).unwrap().to_string(), "2026/2027");
    }

    #[test]
    fn parses_the_usual_spellings() {
        for text in ["2026/2027", "2026-2027", " 2026 ", "2026 / 2027"] {
            assert_eq!(SchoolYear::parse(text).unwrap().millesime(), 2026, "{text}");
        }
    }

    #[test]
    fn refuses_years_that_do_not_follow() {
        assert!(SchoolYear::parse("2026/2028").is_err());
        assert!(SchoolYear::parse("deux mille").is_err());
        assert!(SchoolYear::parse("1850").is_err());
    }

    #[test]
    fn a_year_starts_in_august() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(SchoolYear::containing(day(2026, 11, 28)).millesime(), 2026);
        assert_eq!(SchoolYear::containing(day(2027, 6, 30)).millesime(), 2026);
        assert_eq!(SchoolYear::containing(day(2027, 8, 1)).millesime(), 2027);
    }

    #[test]
    fn proposed_dates_follow_the_national_calendar() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let year = |m| SchoolYear::new(m).unwrap();
        assert_eq!(year(2024).rentree(), day(2024, 9, 2));
        assert_eq!(year(2025).rentree(), day(2025, 9, 1));
        assert_eq!(year(2026).rentree(), day(2026, 9, 1));
        assert_eq!(year(2024).fin_des_cours(), day(2025, 7, 5));
        assert_eq!(year(2025).fin_des_cours(), day(2026, 7, 4));
        assert_eq!(year(2026).fin_des_cours(), day(2027, 7, 3));
        // 1 July 2028 is a Saturday.
        assert_eq!(year(2027).fin_des_cours(), day(2028, 7, 1));
    }

    #[test]
    fn bounds_stay_within_the_year() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let year = SchoolYear::new(2026).unwrap();
        assert!(year.check_bounds(day(2026, 9, 1), day(2027, 7, 8)).is_ok());
        assert!(year.check_bounds(day(2026, 8, 18), day(2027, 7, 3)).is_ok());
        let reversed = year
            .check_bounds(day(2027, 7, 3), day(2026, 9, 1))
            .unwrap_err();
        assert!(reversed.contains("précéder"), "{reversed}");
        let outside = year
            .check_bounds(day(2026, 9, 1), day(2027, 9, 15))
            .unwrap_err();
        assert_eq!(
            outside,
            "l'année scolaire 2026/2027 doit être comprise entre le 01/08/2026 et le 31/08/2027"
        );
    }
}
