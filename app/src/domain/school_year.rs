use chrono::NaiveDate;
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
        use chrono::Datelike;
        let millesime = if date.month() >= 8 {
            date.year()
        } else {
            date.year() - 1
        };
        Self { millesime }
    }

    /// Default first day: 1 September of the millésime.
    pub fn default_start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.millesime, 9, 1).expect("1 September always exists")
    }

    /// Default last day: 4 July of the following year (summer holidays start then).
    pub fn default_end(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.millesime + 1, 7, 4).expect("4 July always exists")
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
    fn default_dates_frame_the_year() {
        let year = SchoolYear::new(2026).unwrap();
        assert!(year.default_start() < year.default_end());
        assert_eq!(year.default_end().to_string(), "2027-07-04");
    }
}
