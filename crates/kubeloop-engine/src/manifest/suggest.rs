//! "did you mean ...?": the one close candidate, if there is exactly one.

/// The candidate closest to `word` by edit distance (ignoring ASCII case), when
/// it is close enough to be a likely typo and no other is as close.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_lower = word.to_ascii_lowercase();
    let limit = (word.chars().count() / 3).clamp(1, 3);
    let mut best: Option<(usize, &str)> = None;
    let mut tie = false;
    for candidate in candidates {
        let distance = edit_distance(&word_lower, &candidate.to_ascii_lowercase());
        if distance > limit {
            continue;
        }
        match best {
            Some((best_distance, _)) if distance > best_distance => {}
            Some((best_distance, _)) if distance == best_distance => tie = true,
            _ => {
                best = Some((distance, candidate));
                tie = false;
            }
        }
    }
    best.filter(|_| !tie).map(|(_, candidate)| candidate)
}

/// Optimal string alignment distance (Levenshtein plus adjacent swaps).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1).min(rows[i][j - 1] + 1).min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_only_one_close_candidate() {
        let fields = ["replicas", "selector", "template", "strategy", "minReadySeconds", "paused"];
        let cases = [
            ("replica", Some("replicas")),
            ("replcias", Some("replicas")),
            ("Replicas", Some("replicas")),
            ("minreadyseconds", Some("minReadySeconds")),
            ("selectr", Some("selector")),
            ("foo", None),
            ("image", None),
        ];
        for (word, expected) in cases {
            assert_eq!(closest(word, fields), expected, "{word}");
        }
        // Two equally close candidates: no guess.
        assert_eq!(closest("cat", ["bat", "hat"]), None);
    }
}
