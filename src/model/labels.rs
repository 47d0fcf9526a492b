//! [`StringMap`]: an object's labels or annotations.

use compact_str::CompactString;

/// A `map[string]string` as objects hold them (labels, annotations): pairs sorted by key,
/// each key once, in one allocation. Every object has two or three of them, mostly with a
/// handful of short pairs: a `BTreeMap<String, String>` spent a tree node (over 500 bytes)
/// and two string allocations per pair on them, a tenth of a large run's memory; here a
/// key or value of up to 24 bytes is stored inline.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct StringMap(Box<[(CompactString, CompactString)]>);

impl StringMap {
    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.position(key).ok().map(|i| self.0[i].1.as_str())
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_ok()
    }

    /// The pairs, by key.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    /// How many pairs there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sets `key` to `value`; returns the value it replaces.
    pub fn insert(&mut self, key: impl Into<CompactString>, value: impl Into<CompactString>) -> Option<CompactString> {
        let key = key.into();
        match self.position(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value.into())),
            Err(i) => {
                let mut pairs = std::mem::take(&mut self.0).into_vec();
                pairs.insert(i, (key, value.into()));
                self.0 = pairs.into_boxed_slice();
                None
            }
        }
    }

    /// Removes `key`; returns its value.
    pub fn remove(&mut self, key: &str) -> Option<CompactString> {
        let i = self.position(key).ok()?;
        let mut pairs = std::mem::take(&mut self.0).into_vec();
        let (_, value) = pairs.remove(i);
        self.0 = pairs.into_boxed_slice();
        Some(value)
    }

    fn position(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }
}

/// Pairs in any order; of repeated keys the last wins (as a YAML decoder's map keeps it).
impl<K: Into<CompactString>, V: Into<CompactString>> FromIterator<(K, V)> for StringMap {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        let mut pairs: Vec<(CompactString, CompactString)> =
            pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        // Stable: among equal keys the last one given stays last, and is the one kept.
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        let mut kept: Vec<(CompactString, CompactString)> = Vec::with_capacity(pairs.len());
        for pair in pairs {
            match kept.last_mut() {
                Some(last) if last.0 == pair.0 => *last = pair,
                _ => kept.push(pair),
            }
        }
        StringMap(kept.into_boxed_slice())
    }
}

impl<K: Into<CompactString>, V: Into<CompactString>, const N: usize> From<[(K, V); N]> for StringMap {
    fn from(pairs: [(K, V); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl<'a> IntoIterator for &'a StringMap {
    type Item = (&'a str, &'a str);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (CompactString, CompactString)>,
        fn(&'a (CompactString, CompactString)) -> (&'a str, &'a str),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_unique_keys_last_wins_and_lookups() {
        let mut m: StringMap = [("b", "2"), ("a", "1"), ("b", "3")].into();
        assert_eq!(m.iter().collect::<Vec<_>>(), vec![("a", "1"), ("b", "3")]);
        assert_eq!(m.get("b"), Some("3"));
        assert_eq!(m.get("c"), None);
        assert!(m.contains_key("a") && !m.contains_key(""));
        assert_eq!(m.insert("c", "4"), None);
        assert_eq!(m.insert("a", "0").as_deref(), Some("1"));
        assert_eq!(m.keys().collect::<Vec<_>>(), vec!["a", "b", "c"]);
        assert_eq!(m.remove("b").as_deref(), Some("3"));
        assert_eq!(m.remove("b"), None);
        assert_eq!((&m).into_iter().count(), 2);
        assert_eq!(m.len(), 2);
        assert!(StringMap::default().is_empty());
    }
}
