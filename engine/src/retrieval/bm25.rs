//! Okapi BM25, pure: `score = Σ idf(t) · tf·(K1+1) / (tf + K1·(1 − B + B·dl/avgdl))` with
//! `idf(t) = ln(1 + (N − df + 0.5)/(df + 0.5))` (always positive). [`explain`] spells it out.

/// Term-frequency saturation.
pub const K1: f32 = 1.2;
/// Length normalisation.
pub const B: f32 = 0.75;

/// Inverse document frequency of a term in `df` of `n` documents.
pub fn idf(n: u32, df: u32) -> f32 {
    let (n, df) = (n as f32, df as f32);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// The BM25 weight of one term in one document.
pub fn term_score(idf: f32, tf: f32, doc_len: f32, avg_len: f32) -> f32 {
    let norm = K1 * (1.0 - B + B * doc_len / avg_len.max(1e-6));
    idf * tf * (K1 + 1.0) / (tf + norm)
}

/// Human-readable account of one term's score.
pub fn explain(term: &str, n: u32, df: u32, tf: f32, doc_len: f32, avg_len: f32) -> String {
    let i = idf(n, df);
    format!(
        "{term}: idf = ln(1 + ({n} - {df} + 0.5)/({df} + 0.5)) = {i:.4}; tf part = {tf}·({K1}+1)/({tf} + {K1}·(1 - {B} + {B}·{doc_len}/{avg_len})) → score {:.4}",
        term_score(i, tf, doc_len, avg_len)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idf_by_hand() {
        // N=10, df=1: ln(1 + 9.5/1.5) = ln(7.3333) = 1.99243
        assert!((idf(10, 1) - 1.992_430_4).abs() < 1e-5);
        // A term in every document still scores a little: ln(1 + 0.5/10.5) = 0.04652
        assert!((idf(10, 10) - 0.046_520_0).abs() < 1e-5);
        assert!(idf(10, 1) > idf(10, 2));
    }

    #[test]
    fn term_score_by_hand() {
        // idf 2, tf 1, average length: 2·1·2.2/(1 + 1.2) = 2.0
        assert!((term_score(2.0, 1.0, 10.0, 10.0) - 2.0).abs() < 1e-6);
        // tf 3, doc twice as long: norm = 1.2·(0.25 + 1.5) = 2.1 → 2·3·2.2/5.1 = 2.588235
        assert!((term_score(2.0, 3.0, 20.0, 10.0) - 2.588_235).abs() < 1e-5);
        // Saturation: more occurrences help less and less.
        let s = |tf| term_score(1.0, tf, 10.0, 10.0);
        assert!(s(2.0) - s(1.0) > s(3.0) - s(2.0));
        assert!(explain("x", 10, 1, 1.0, 10.0, 10.0).contains("1.9924"));
    }
}
