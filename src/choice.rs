//! Named choices a request makes (a sort order, a match mode, a histogram period):
//! each enum derives clap's `ValueEnum`, so its names are spelled once, by its
//! variants, for the command line, the server and every message listing them.

use clap::ValueEnum;

/// The name users give `value` (`newest`, `month`).
pub fn name<T: ValueEnum>(value: T) -> String {
    value
        .to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_default()
}

/// The choice named `name`, if there is one.
pub fn parse<T: ValueEnum>(name: &str) -> Option<T> {
    T::from_str(name, false).ok()
}

/// Every name of the choice, for a message: `relevance, newest or oldest`.
pub fn names<T: ValueEnum>() -> String {
    let names: Vec<String> = T::value_variants().iter().cloned().map(name).collect();
    match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{MatchMode, SortOrder};
    use crate::Period;

    #[test]
    fn names_are_those_of_the_variants() {
        assert_eq!(names::<SortOrder>(), "relevance, newest or oldest");
        assert_eq!(names::<MatchMode>(), "best, all or any");
        assert_eq!(names::<Period>(), "year, month or day");
        assert_eq!(parse::<Period>("month"), Some(Period::Month));
        assert_eq!(parse::<Period>("week"), None);
        assert_eq!(name(SortOrder::Newest), "newest");
    }
}
