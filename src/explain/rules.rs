//! The classifiers' vocabulary: a candidate cause ([`Hit`]) and the table row ([`Rule`]) that
//! turns a fixed phrase of Go's, git's or the OS's into one, so that adding a phrase is one
//! line of a table and only context-dependent arms stay code. Tables keep one rule per line
//! (`#[rustfmt::skip]`), so that a diff shows whole rules and the order reads as the priority.

use crate::vocab::CauseId;

/// A candidate cause of one record, with its reason in both languages.
pub(super) struct Hit {
    pub(super) id: CauseId,
    pub(super) confidence: f64,
    pub(super) en: String,
    pub(super) zh: String,
}

pub(super) fn hit(
    id: CauseId,
    confidence: f64,
    en: impl Into<String>,
    zh: impl Into<String>,
) -> Hit {
    Hit {
        id,
        confidence,
        en: en.into(),
        zh: zh.into(),
    }
}

/// One condition of a rule, on the text of a record.
#[derive(Clone, Copy)]
pub(super) enum When {
    /// The text contains this.
    Has(&'static str),
    /// The text contains every one of these.
    All(&'static [&'static str]),
    /// A condition that phrases alone cannot state.
    Test(fn(&str) -> bool),
}

impl When {
    fn holds(self, s: &str) -> bool {
        match self {
            When::Has(w) => s.contains(w),
            When::All(ws) => ws.iter().all(|w| s.contains(w)),
            When::Test(f) => f(s),
        }
    }
}

/// The cause a rule names, with its reason in both languages.
#[derive(Clone, Copy)]
pub(super) struct Reading {
    id: CauseId,
    confidence: f64,
    en: &'static str,
    zh: &'static str,
}

impl Reading {
    fn hit(self) -> Hit {
        hit(self.id, self.confidence, self.en, self.zh)
    }
}

/// A table row: when any of `when` holds, the record is `first` (and, less likely, `second`).
pub(super) struct Rule {
    when: &'static [When],
    first: Reading,
    second: Option<Reading>,
}

impl Rule {
    pub(super) const fn new(
        when: &'static [When],
        id: CauseId,
        confidence: f64,
        en: &'static str,
        zh: &'static str,
    ) -> Rule {
        Rule {
            when,
            first: Reading {
                id,
                confidence,
                en,
                zh,
            },
            second: None,
        }
    }

    /// A second, less likely reading of the same text.
    pub(super) const fn or(
        self,
        id: CauseId,
        confidence: f64,
        en: &'static str,
        zh: &'static str,
    ) -> Rule {
        Rule {
            second: Some(Reading {
                id,
                confidence,
                en,
                zh,
            }),
            ..self
        }
    }
}

/// Every fixed phrase of `table`'s rules: one of them is in any text a row matches, unless the
/// row has a `Test` condition (whose phrases its module lists beside the table).
pub(super) fn phrases(table: &[Rule], out: &mut Vec<&'static str>) {
    for rule in table {
        for w in rule.when {
            match *w {
                When::Has(p) => out.push(p),
                When::All(ps) => out.extend_from_slice(ps),
                When::Test(_) => {}
            }
        }
    }
}

/// The hits of the first rule of `table` that matches `s` (table order is priority order).
pub(super) fn first_match(table: &[Rule], s: &str) -> Option<Vec<Hit>> {
    let rule = table.iter().find(|r| r.when.iter().any(|w| w.holds(s)))?;
    Some(
        std::iter::once(rule.first)
            .chain(rule.second)
            .map(Reading::hit)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use When::{All, Has, Test};

    const TABLE: &[Rule] = &[
        Rule::new(
            &[Has("alpha"), All(&["beta", "gamma"])],
            CauseId::TcpReset,
            0.5,
            "a",
            "甲",
        ),
        Rule::new(
            &[Test(|s| s.len() == 4)],
            CauseId::TcpTimeout,
            0.4,
            "b",
            "乙",
        )
        .or(CauseId::TcpRefused, 0.2, "c", "丙"),
        Rule::new(&[Has("alpha")], CauseId::TcpRefused, 0.9, "never", "从不"),
    ];

    fn ids(s: &str) -> Vec<CauseId> {
        first_match(TABLE, s).map_or(Vec::new(), |h| h.iter().map(|h| h.id).collect())
    }

    #[test]
    fn the_first_matching_row_wins_and_all_needs_every_phrase() {
        assert_eq!(ids("x alpha y"), vec![CauseId::TcpReset]);
        assert_eq!(ids("gamma beta"), vec![CauseId::TcpReset]);
        assert_eq!(ids("beta only"), Vec::<CauseId>::new());
        assert_eq!(ids("four"), vec![CauseId::TcpTimeout, CauseId::TcpRefused]);
        let h = first_match(TABLE, "four").unwrap();
        assert_eq!(
            (h[1].confidence, h[1].en.as_str(), h[1].zh.as_str()),
            (0.2, "c", "丙")
        );
    }
}
