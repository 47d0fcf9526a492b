//! "Did you mean": the closest of a set of names to a misspelled one.

/// Edit distance, for "did you mean".
pub fn strsim(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The candidate closest to `name` (case-insensitively), if it is close enough to be a
/// likely misspelling: at most a third of its length away, and at least one edit.
#[cfg_attr(not(test), allow(dead_code))]
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let limit = (name.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (strsim(&lower, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// ` (did you mean `x`?)` when one of `candidates` is close to `name`, else nothing: the
/// tail of an "unknown name" message.
pub fn hint<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    did_you_mean(name, candidates)
        .map(|c| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_and_suggestions() {
        assert_eq!(strsim("kitten", "sitting"), 3);
        assert_eq!(
            did_you_mean("latest-tags", ["latest-tag", "host-pid"]),
            Some("latest-tag")
        );
        assert_eq!(did_you_mean("zzz", ["latest-tag"]), None);
    }
}
