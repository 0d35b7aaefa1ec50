//! Dense retrieval: chunks ranked by the cosine of their embedding to the question's
//! ([`crate::embed`]). Vectors are stored in 8 bits with one scale each ([`Vector`]), as the
//! extension keeps them in IndexedDB; the index holds them the same way and scores a query with
//! one pass over a contiguous array (50k chunks × 384 bytes ≈ 19 MB).

use base64::Engine as _;

use super::index::InvertedIndex;
use crate::memory::store::Store;
use crate::memory::{MemoryError, Vector};

/// The stored vectors of the index's chunks, by document number.
pub async fn of_store(store: &impl Store, ix: &InvertedIndex) -> Result<DenseIndex, MemoryError> {
    let vectors = store.vectors().await?;
    let by_id: std::collections::HashMap<&str, u32> = ix.docs.iter().enumerate().map(|(d, m)| (m.id.as_str(), d as u32)).collect();
    let mut dense = DenseIndex::new(crate::embed::DIM);
    for v in vectors.iter().filter(|v| v.model == crate::memory::vectors::MODEL) {
        if let Some(&d) = by_id.get(v.id.as_str()) {
            dense.add(d, v);
        }
    }
    Ok(dense)
}

/// The stored form of a unit vector: symmetric 8-bit values and their scale.
pub fn encode(chunk_id: &str, model: &str, v: &[f32]) -> Vector {
    let max = v.iter().fold(0f32, |m, x| m.max(x.abs()));
    let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
    let q: Vec<u8> = v.iter().map(|x| ((x / scale).round().clamp(-127.0, 127.0) as i8) as u8).collect();
    Vector { id: chunk_id.to_string(), model: model.to_string(), scale, q: base64::engine::general_purpose::STANDARD.encode(q) }
}

/// The values of a stored vector (`None` when its data is damaged).
pub fn decode(v: &Vector) -> Option<Vec<f32>> {
    let raw = base64::engine::general_purpose::STANDARD.decode(v.q.as_bytes()).ok()?;
    Some(raw.into_iter().map(|b| b as i8 as f32 * v.scale).collect())
}

/// Vectors of one model, by document number.
#[derive(Debug, Default, Clone)]
pub struct DenseIndex {
    dim: usize,
    /// Document number of each row.
    docs: Vec<u32>,
    values: Vec<i8>,
    scales: Vec<f32>,
}

impl DenseIndex {
    /// An index of `dim`-wide vectors.
    pub fn new(dim: usize) -> Self {
        DenseIndex { dim, ..Default::default() }
    }

    /// Adds document `doc`'s stored vector; a damaged or wrong-width one is skipped (the chunk is
    /// then found by keywords only) and `false` returned.
    pub fn add(&mut self, doc: u32, v: &Vector) -> bool {
        let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(v.q.as_bytes()) else { return false };
        if raw.len() != self.dim || !v.scale.is_finite() {
            return false;
        }
        self.docs.push(doc);
        self.values.extend(raw.into_iter().map(|b| b as i8));
        self.scales.push(v.scale);
        true
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The `k` documents most similar to `query` (a unit vector), best first, with their cosine.
    pub fn search(&self, query: &[f32], k: usize) -> Vec<(u32, f32)> {
        if query.len() != self.dim || k == 0 {
            return vec![];
        }
        // The query in 8 bits too: integer dot products vectorise (SIMD natively and in wasm) where
        // an f32 sum in order does not; the ranking is that of the f32 cosines to within 1e-3.
        let max = query.iter().fold(0f32, |m, x| m.max(x.abs()));
        let qs = if max > 0.0 { max / 127.0 } else { 1.0 };
        let q: Vec<i8> = query.iter().map(|x| (x / qs).round().clamp(-127.0, 127.0) as i8).collect();
        let mut all: Vec<(u32, f32)> = self
            .values
            .chunks_exact(self.dim)
            .zip(&self.scales)
            .zip(&self.docs)
            .map(|((row, s), &d)| (d, dot_i8(row, &q) as f32 * s * qs))
            .collect();
        let k = k.min(all.len());
        if k < all.len() {
            all.select_nth_unstable_by(k, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            all.truncate(k);
        }
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        all
    }
}

/// Integer dot product of two equal-length 8-bit vectors.
fn dot_i8(a: &[i8], b: &[i8]) -> i32 {
    // Lanes of 16 with i32 accumulators: the compiler turns this into SIMD multiply-adds.
    let mut acc = [0i32; 16];
    let (ac, bc) = (a.chunks_exact(16), b.chunks_exact(16));
    let tail: i32 = ac.remainder().iter().zip(bc.remainder()).map(|(&x, &y)| x as i32 * y as i32).sum();
    for (x, y) in ac.zip(bc) {
        for i in 0..16 {
            acc[i] += x[i] as i32 * y[i] as i32;
        }
    }
    acc.iter().sum::<i32>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(v: &[f32]) -> Vec<f32> {
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter().map(|x| x / n).collect()
    }

    #[test]
    fn stored_vectors_keep_their_direction() {
        let v = unit(&[0.3, -0.9, 0.05, 0.2]);
        let back = decode(&encode("c", "m", &v)).unwrap();
        let cos: f32 = v.iter().zip(&back).map(|(a, b)| a * b).sum::<f32>() / back.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!(cos > 0.9995, "{cos}");
    }

    #[test]
    fn integer_dot_matches_the_plain_sum() {
        for n in [1, 15, 16, 17, 384, 385] {
            let a: Vec<i8> = (0..n).map(|i| ((i * 37 % 255) as i32 - 127) as i8).collect();
            let b: Vec<i8> = (0..n).map(|i| ((i * 91 % 255) as i32 - 127) as i8).collect();
            let plain: i32 = a.iter().zip(&b).map(|(&x, &y)| x as i32 * y as i32).sum();
            assert_eq!(dot_i8(&a, &b), plain, "n={n}");
        }
    }

    #[test]
    fn nearest_first_and_damaged_rows_skipped() {
        let mut ix = DenseIndex::new(3);
        assert!(ix.add(0, &encode("a", "m", &unit(&[1.0, 0.0, 0.0]))));
        assert!(ix.add(1, &encode("b", "m", &unit(&[0.6, 0.8, 0.0]))));
        assert!(ix.add(2, &encode("c", "m", &unit(&[0.0, 0.0, 1.0]))));
        assert!(!ix.add(3, &Vector { id: "d".into(), model: "m".into(), scale: 1.0, q: "not base64!".into() }));
        assert!(!ix.add(4, &encode("e", "m", &[1.0, 0.0])), "wrong width");
        let hits = ix.search(&unit(&[0.7, 0.7, 0.0]), 2);
        assert_eq!(hits.iter().map(|h| h.0).collect::<Vec<_>>(), [1, 0]);
        assert!(hits[0].1 > hits[1].1);
        assert_eq!(ix.search(&unit(&[0.0, 0.1, 1.0]), 10).len(), 3);
    }
}
