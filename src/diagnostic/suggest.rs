//! "Did you mean …?": the known name closest to a misspelt one (`expext` → `expect`,
//! `apiPth` → `apiPath`), if any is close enough to be the one meant.

/// The candidate nearest to `word` by edit distance (transpositions count as one edit,
/// case is ignored), if it is within a third of the word's length; the first one wins a tie.
pub fn closest<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let lower = word.to_lowercase();
    let allowed = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .map(|c| (strsim::damerau_levenshtein(&lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= allowed && *d < c.chars().count())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// `did you mean `name`?` for a help line, when a candidate is close.
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    closest(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_names_are_suggested() {
        let keys = ["name", "doc", "expect", "extract", "url"];
        assert_eq!(closest("expext", keys), Some("expect"));
        assert_eq!(closest("extarct", keys), Some("extract"));
        assert_eq!(closest("URL", keys), Some("url"));
        assert_eq!(closest("apiPth", ["authPath", "apiPath"]), Some("apiPath"));
        assert_eq!(closest("envId", ["envID", "adminEnvID"]), Some("envID"));
    }

    #[test]
    fn far_names_are_not() {
        let keys = ["name", "doc", "expect", "extract", "url"];
        assert_eq!(closest("headers", keys), None);
        assert_eq!(closest("x", ["y"]), None);
        assert_eq!(closest("token", ["userID"]), None);
    }
}
