use super::{Periodicity, SchoolYear};
use crate::time::format_date;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The first and last day of one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodDates {
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// The periods of one periodicity for a school year: in order, each starting before it ends,
/// none overlapping the next, all within the year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodPlan {
    periodicity: Periodicity,
    periods: Vec<PeriodDates>,
}

/// What is wrong with one period of a plan (1-based), in French.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodError {
    pub position: usize,
    pub message: String,
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("fixed calendar dates exist")
}

impl PeriodPlan {
    /// The usual dates: trimestres end on 30 November and at the end of February; semestres
    /// at the end of January. Personalised periods have no default.
    pub fn default_dates(periodicity: Periodicity, year: SchoolYear) -> Vec<PeriodDates> {
        let (start, end) = (year.rentree(), year.fin_des_cours());
        let next = year.millesime() + 1;
        let end_of_february = date(next, 3, 1)
            .pred_opt()
            .expect("1 March has a day before");
        let bounds: Vec<(NaiveDate, NaiveDate)> = match periodicity {
            Periodicity::Trimestre => vec![
                (start, date(year.millesime(), 11, 30)),
                (date(year.millesime(), 12, 1), end_of_february),
                (date(next, 3, 1), end),
            ],
            Periodicity::Semestre => vec![(start, date(next, 1, 31)), (date(next, 2, 1), end)],
            Periodicity::Personnalisee => Vec::new(),
        };
        bounds
            .into_iter()
            .map(|(starts_on, ends_on)| PeriodDates { starts_on, ends_on })
            .collect()
    }

    pub fn parse(
        periodicity: Periodicity,
        year_starts_on: NaiveDate,
        year_ends_on: NaiveDate,
        periods: Vec<PeriodDates>,
    ) -> Result<Self, PeriodError> {
        let expected = periodicity.fixed_count().map(usize::from);
        if periods.is_empty() || expected.is_some_and(|count| count != periods.len()) {
            return Err(PeriodError {
                position: 0,
                message: match expected {
                    Some(count) => format!("{count} périodes sont attendues"),
                    None => "ajoutez au moins une période".to_owned(),
                },
            });
        }
        for (index, period) in periods.iter().enumerate() {
            let at = |message: String| PeriodError {
                position: index + 1,
                message,
            };
            if period.starts_on >= period.ends_on {
                return Err(at("la date de début doit précéder la date de fin".into()));
            }
            if period.starts_on < year_starts_on || period.ends_on > year_ends_on {
                return Err(at(format!(
                    "la période doit être comprise dans l'année scolaire (du {} au {})",
                    format_date(year_starts_on),
                    format_date(year_ends_on)
                )));
            }
            if let Some(previous) = index.checked_sub(1).map(|i| periods[i])
                && period.starts_on <= previous.ends_on
            {
                return Err(at(format!(
                    "la période doit commencer après la fin de la précédente ({})",
                    format_date(previous.ends_on)
                )));
            }
        }
        Ok(Self {
            periodicity,
            periods,
        })
    }

    pub fn periodicity(&self) -> Periodicity {
        self.periodicity
    }

    pub fn periods(&self) -> &[PeriodDates] {
        &self.periods
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn year() -> SchoolYear {
        SchoolYear::new(2026).unwrap()
    }

    fn plan(
        periodicity: Periodicity,
        periods: Vec<PeriodDates>,
    ) -> Result<PeriodPlan, PeriodError> {
        PeriodPlan::parse(
            periodicity,
            year().rentree(),
            year().fin_des_cours(),
            periods,
        )
    }

    #[test]
    fn default_dates_make_valid_plans() {
        for periodicity in [Periodicity::Trimestre, Periodicity::Semestre] {
            let dates = PeriodPlan::default_dates(periodicity, year());
            assert_eq!(dates.len(), usize::from(periodicity.fixed_count().unwrap()));
            assert!(plan(periodicity, dates).is_ok());
        }
        let trimestres = PeriodPlan::default_dates(Periodicity::Trimestre, year());
        assert_eq!(trimestres[1].ends_on, date(2027, 2, 28));
        assert!(PeriodPlan::default_dates(Periodicity::Personnalisee, year()).is_empty());
    }

    #[test]
    fn broken_plans_are_refused_at_the_period_at_fault() {
        let mut dates = PeriodPlan::default_dates(Periodicity::Trimestre, year());
        dates[1].starts_on = date(2026, 11, 15);
        let error = plan(Periodicity::Trimestre, dates).unwrap_err();
        assert_eq!(error.position, 2);
        assert!(
            error
                .message
                .contains("après la fin de la précédente (30/11/2026)")
        );

        let mut dates = PeriodPlan::default_dates(Periodicity::Semestre, year());
        dates[0].ends_on = dates[0].starts_on;
        assert_eq!(plan(Periodicity::Semestre, dates).unwrap_err().position, 1);

        let mut dates = PeriodPlan::default_dates(Periodicity::Semestre, year());
        dates[1].ends_on = date(2027, 8, 15);
        let error = plan(Periodicity::Semestre, dates).unwrap_err();
        assert!(
            error
                .message
                .contains("comprise dans l'année scolaire (du 01/09/2026 au 03/07/2027)")
        );

        let two = PeriodPlan::default_dates(Periodicity::Semestre, year());
        assert_eq!(
            plan(Periodicity::Trimestre, two).unwrap_err().message,
            "3 périodes sont attendues"
        );
        assert!(plan(Periodicity::Personnalisee, Vec::new()).is_err());
    }
}
