//! A candidate cause as the classifiers produce it.

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
