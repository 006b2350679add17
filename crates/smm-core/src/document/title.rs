//! How people name a document in a list: a target by its name and version, an assessment by
//! the product version it assessed, when and by whom. Numbers are for machines.

use super::{Assessment, TargetProfile};

impl TargetProfile {
    /// `Bottling line target, version 1.0` (without a version when it has none).
    pub fn title(&self) -> String {
        match self
            .version
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            Some(version) => format!("{}, version {version}", self.name.value),
            None => self.name.value.clone(),
        }
    }
}

impl Assessment {
    /// `Filler 4.2, assessed 2026-11-03 by Dana Ortiz and Lee Park` (assessors by name, their
    /// addresses left out).
    pub fn title(&self) -> String {
        let names: Vec<&str> = self.assessors.iter().map(|a| person(a)).collect();
        let by = match names.as_slice() {
            [] => String::new(),
            [one] => format!(" by {one}"),
            [first @ .., last] => format!(" by {} and {last}", first.join(", ")),
        };
        format!(
            "{} {}, assessed {}{by}",
            self.product.name, self.product.version, self.date
        )
    }
}

/// `Dana Ortiz <dana@example.com>` as `Dana Ortiz`; anything else as written.
fn person(written: &str) -> &str {
    match written.split_once('<') {
        Some((name, _)) if !name.trim().is_empty() => name.trim(),
        _ => written.trim(),
    }
}

#[cfg(test)]
mod tests {
    use crate::document::{parse_assessment, parse_target};

    #[test]
    fn documents_are_named_as_people_name_them() {
        let target = parse_target(include_str!(
            "../../../../examples/bottling-line/target.yaml"
        ))
        .expect("target");
        let title = target.title();
        assert!(title.starts_with(&target.name.value), "{title}");
        if let Some(v) = &target.version {
            assert!(title.ends_with(&format!("version {v}")), "{title}");
        }
        let mut assessment = parse_assessment(include_str!(
            "../../../../examples/bottling-line/assessment.yaml"
        ))
        .expect("assessment");
        assessment.assessors = vec!["Ann <ann@example.com>".into(), "Bo".into(), "Cy".into()];
        let title = assessment.title();
        assert!(title.contains(&assessment.product.version), "{title}");
        assert!(title.contains(&assessment.date.to_string()), "{title}");
        assert!(title.ends_with("by Ann, Bo and Cy"), "{title}");
        assessment.assessors.clear();
        assert!(!assessment.title().contains(" by "));
    }
}
