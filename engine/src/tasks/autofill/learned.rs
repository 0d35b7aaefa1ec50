//! The learned layer of the field classifier: a sparse multinomial logistic regression over
//! hashed features of each field *and* of the rule classifier's answers around it.
//!
//! The keyword rules ([`super::classify::classify_rules`]) know what words mean in many languages;
//! what they cannot know is how real forms label their fields by convention (a text box for the
//! country is `country-name` on some sites, a lone street box `address-line1` beside a line 2,
//! `street-address` elsewhere). This layer learns that from labelled pages: its features are the
//! field's own words, type, autocomplete and shape, the rule tokens matched in each text source,
//! and the rule answers of the fields before and after it in the same form.
//!
//! Weights are trained by `secondself train autofill` (see [`super::train`]) and shipped in
//! `assets/autofill/field-classifier.bin`, embedded in the engine at compile time. The file
//! format is little-endian: magic `SSFC`, version u16, min_prob f32, classes (u16 count, then u8 length +
//! UTF-8 each), per-class f32 bias, then features (u32 count, then per feature: u32 hash, u8
//! count, count × (u8 class, f16 weight)).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use super::classify::{asks_for_prose, Prediction};
use super::descriptor::FieldDescriptor;
use super::options::OptionKind;
use super::rules;
use super::text::words;
use super::token::{self, Token, NONE};

/// The shipped weights (empty until a model is trained; then the rules answer alone).
static SHIPPED: &[u8] = include_bytes!("../../../../assets/autofill/field-classifier.bin");

const MAGIC: &[u8; 4] = b"SSFC";
const VERSION: u16 = 1;

/// A trained model: classes and sparse per-feature weights.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldModel {
    /// Output classes: tokens from [`token::TOKENS`] and [`NONE`].
    pub classes: Vec<Token>,
    pub bias: Vec<f32>,
    /// Below this probability the rules' answer stands.
    pub min_prob: f32,
    /// Feature hash → (class index, weight).
    pub weights: Weights,
}

/// Feature hashes are already hashes: the map uses them as they are.
pub type Weights = HashMap<u32, Vec<(u8, f32)>, BuildHasherDefault<Prehashed>>;

/// A [`Hasher`] for keys that are hashes already.
#[derive(Default)]
pub struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | b as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// Why a weights file could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    #[error("not a SecondSelf field-classifier file")]
    BadMagic,
    #[error("field-classifier version {0} is not supported")]
    Version(u16),
    #[error("field-classifier file is truncated")]
    Truncated,
    #[error("field-classifier class {0:?} is not an autofill token")]
    UnknownClass(String),
}

impl FieldModel {
    /// Class scores (logits) for one field's features.
    pub fn logits(&self, feats: &[u32]) -> Vec<f32> {
        let mut out = self.bias.clone();
        for f in feats {
            if let Some(row) = self.weights.get(f) {
                for &(c, w) in row {
                    out[c as usize] += w;
                }
            }
        }
        out
    }

    /// The best class and its softmax probability.
    pub fn predict(&self, feats: &[u32]) -> (Token, f32) {
        let z = self.logits(feats);
        let (best, max) = z.iter().enumerate().fold((0, f32::MIN), |a, (i, &v)| if v > a.1 { (i, v) } else { a });
        let sum: f32 = z.iter().map(|v| (v - max).exp()).sum();
        (self.classes[best], 1.0 / sum)
    }

    /// Serialises to the shipped format; weights are stored as f16, features in hash order.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&self.min_prob.to_le_bytes());
        out.extend_from_slice(&(self.classes.len() as u16).to_le_bytes());
        for c in &self.classes {
            out.push(c.len() as u8);
            out.extend_from_slice(c.as_bytes());
        }
        for b in &self.bias {
            out.extend_from_slice(&b.to_le_bytes());
        }
        let mut keys: Vec<&u32> = self.weights.keys().collect();
        keys.sort();
        out.extend_from_slice(&(keys.len() as u32).to_le_bytes());
        for k in keys {
            let row = &self.weights[k];
            out.extend_from_slice(&k.to_le_bytes());
            out.push(row.len() as u8);
            for &(c, w) in row {
                out.push(c);
                out.extend_from_slice(&half::f16::from_f32(w).to_le_bytes());
            }
        }
        out
    }

    /// Parses the shipped format; every class must be a known token.
    pub fn from_bytes(bytes: &[u8]) -> Result<FieldModel, ModelError> {
        let mut r = Reader { b: bytes, at: 0 };
        if r.take(4)? != MAGIC {
            return Err(ModelError::BadMagic);
        }
        let v = r.u16()?;
        if v != VERSION {
            return Err(ModelError::Version(v));
        }
        let min_prob = r.f32()?;
        let n = r.u16()? as usize;
        let mut classes = Vec::with_capacity(n);
        for _ in 0..n {
            let len = r.u8()? as usize;
            let s = String::from_utf8_lossy(r.take(len)?).into_owned();
            let t = if s == NONE { NONE } else { token::intern(&s).ok_or(ModelError::UnknownClass(s))? };
            classes.push(t);
        }
        let bias = (0..n).map(|_| r.f32()).collect::<Result<Vec<_>, _>>()?;
        let count = r.u32()? as usize;
        let mut weights = Weights::with_capacity_and_hasher(count.min(1 << 20), Default::default());
        for _ in 0..count {
            let k = r.u32()?;
            let m = r.u8()? as usize;
            let mut row = Vec::with_capacity(m);
            for _ in 0..m {
                let c = r.u8()?;
                if c as usize >= n {
                    return Err(ModelError::Truncated);
                }
                let w = half::f16::from_le_bytes([r.u8()?, r.u8()?]).to_f32();
                row.push((c, w));
            }
            weights.insert(k, row);
        }
        Ok(FieldModel { classes, bias, min_prob, weights })
    }
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let s = self.b.get(self.at..self.at + n).ok_or(ModelError::Truncated)?;
        self.at += n;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, ModelError> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, ModelError> {
        Ok(u16::from_le_bytes(self.take(2)?.try_into().unwrap_or_default()))
    }
    fn u32(&mut self) -> Result<u32, ModelError> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().unwrap_or_default()))
    }
    fn f32(&mut self) -> Result<f32, ModelError> {
        Ok(f32::from_le_bytes(self.take(4)?.try_into().unwrap_or_default()))
    }
}

/// The shipped model, parsed once; `None` when none is shipped (or it does not parse).
pub fn shipped() -> Option<&'static FieldModel> {
    static MODEL: OnceLock<Option<FieldModel>> = OnceLock::new();
    MODEL.get_or_init(|| if SHIPPED.is_empty() { None } else { FieldModel::from_bytes(SHIPPED).ok() }).as_ref()
}

/// Applies `model` over the rule answers (`opts`: what each select's options are, from the
/// rules). Each field gets the model's class, except where the rules' answer stands: the rules
/// said "none" (the layer never makes a field fillable), a password box, a prose question
/// without an `autocomplete` token, or the model's probability is below `min_prob`.
pub fn apply(model: &FieldModel, fields: &[FieldDescriptor], rule: &[Prediction], opts: &[Option<OptionKind>]) -> Vec<Prediction> {
    let feats = page_features(fields, rule, opts);
    fields
        .iter()
        .zip(rule)
        .zip(feats)
        .map(|((d, r), f)| {
            let keep = r.token == NONE
                || matches!(r.token.as_str(), "password" | "new-password")
                || d.kind == "password"
                || (token::from_autocomplete(&d.autocomplete).is_none() && asks_for_prose(d));
            if keep {
                return r.clone();
            }
            let (t, p) = model.predict(&f);
            if p < model.min_prob {
                return r.clone();
            }
            Prediction { index: r.index, token: t.to_string(), score: p }
        })
        .collect()
}

/// FNV-1a over a feature's kind and value.
fn hash(kind: &str, value: &str) -> u32 {
    hash_parts(kind, &[value])
}

/// FNV-1a over a feature's kind and several values, without building a string.
fn hash_parts(kind: &str, parts: &[&str]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    let mut eat = |b: u8| {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    };
    kind.bytes().for_each(&mut eat);
    for (i, p) in parts.iter().enumerate() {
        eat(if i == 0 { 0x1f } else { b'|' });
        p.bytes().for_each(&mut eat);
    }
    h
}

/// Small numbers as text, for bucketed features.
const DIGITS: [&str; 16] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15"];

fn bucket(n: usize, edges: &[usize]) -> &'static str {
    DIGITS[edges.iter().position(|&e| n <= e).unwrap_or(edges.len()).min(DIGITS.len() - 1)]
}

/// Hashed features of every field of a page, given the rule answers (same order as `fields`).
pub fn page_features(fields: &[FieldDescriptor], rule: &[Prediction], opts: &[Option<OptionKind>]) -> Vec<Vec<u32>> {
    // Fields of each form, in document order.
    let mut forms: HashMap<i64, Vec<usize>> = HashMap::new();
    for (i, d) in fields.iter().enumerate() {
        forms.entry(d.form_index).or_default().push(i);
    }
    let mut out = vec![Vec::new(); fields.len()];
    for idx in forms.values() {
        let present: Vec<&str> = {
            let mut v: Vec<&str> = idx.iter().map(|&i| rule[i].token.as_str()).filter(|t| *t != NONE).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        for (k, &i) in idx.iter().enumerate() {
            let mut f = own_features(&fields[i], &rule[i], opts[i]);
            let r = rule[i].token.as_str();
            let at = |j: isize| -> &str {
                let j = k as isize + j;
                if j < 0 || j as usize >= idx.len() { "^" } else { rule[idx[j as usize]].token.as_str() }
            };
            for (name, off) in [("p1", -1), ("p2", -2), ("n1", 1), ("n2", 2)] {
                let t = at(off);
                f.push(hash(name, t));
                f.push(hash_parts(name, &[r, t]));
            }
            f.push(hash_parts("p1n1", &[r, at(-1), at(1)]));
            for t in &present {
                if *t != r {
                    f.push(hash("form", t));
                    f.push(hash_parts("rform", &[r, t]));
                }
            }
            f.push(hash("nform", bucket(idx.len(), &[1, 2, 4, 8, 16])));
            f.push(hash("pos", bucket(k, &[0, 1, 3, 7])));
            f.sort_unstable();
            f.dedup();
            out[i] = f;
        }
    }
    out
}

/// Features of one field on its own: type, autocomplete, words per source, rule matches per
/// source, select options, max length, section, and the rule answer.
fn own_features(d: &FieldDescriptor, rule: &Prediction, opts: Option<OptionKind>) -> Vec<u32> {
    let mut f = Vec::with_capacity(96);
    let r = rule.token.as_str();
    f.push(hash("r", r));
    f.push(hash_parts("rtype", &[r, &d.kind]));
    f.push(hash_parts("rscore", &[r, bucket((rule.score * 4.0) as usize, &[0, 1, 2, 4, 8])]));
    f.push(hash("type", &d.kind));
    f.push(hash("tag", &d.tag));
    for part in d.autocomplete.split_ascii_whitespace() {
        f.push(hash("ac", part));
    }
    if let Some(t) = token::from_autocomplete(&d.autocomplete) {
        f.push(hash("act", t));
        f.push(hash_parts("actr", &[t, r]));
    }
    // Kind of source, then the kinds of its word pairs, last word, rule matches and top match.
    const LAB: [&str; 5] = ["lab", "lab2", "lab$", "labm", "labtop"];
    const PH: [&str; 5] = ["ph", "ph2", "ph$", "phm", "phtop"];
    const TI: [&str; 5] = ["ti", "ti2", "ti$", "tim", "titop"];
    const ID: [&str; 5] = ["id", "id2", "id$", "idm", "idtop"];
    const NB: [&str; 5] = ["nb", "nb2", "nb$", "nbm", "nbtop"];
    let sources: [(&[&str; 5], &str); 7] = [
        (&LAB, &d.label),
        (&LAB, &d.aria_label),
        (&PH, &d.placeholder),
        (&TI, &d.title),
        (&ID, &d.name),
        (&ID, &d.id),
        (&NB, &d.nearby),
    ];
    let mut prose_empty = true;
    for (k, (kinds, text)) in sources.iter().enumerate() {
        if text.is_empty() {
            continue;
        }
        let kind = &kinds[0];
        let w = words(text);
        let list: Vec<&str> = w.split(' ').filter(|x| !x.is_empty()).collect();
        // Nearby text: only its last words are about this field.
        let list: &[&str] = if *kind == "nb" { &list[list.len().saturating_sub(4)..] } else { &list };
        if k < 3 && !list.is_empty() {
            prose_empty = false;
        }
        for x in list {
            f.push(hash(kind, x));
        }
        for p in list.windows(2) {
            f.push(hash_parts(kinds[1], &[p[0], p[1]]));
        }
        if let Some(last) = list.last() {
            f.push(hash(kinds[2], last));
        }
        let m = rules::matches(&w);
        for x in &m {
            f.push(hash(kinds[3], x.token));
        }
        if let Some(top) = m.iter().max_by_key(|x| if *kind == "id" { (x.end, x.len) } else { (x.len, x.end) }) {
            f.push(hash(kinds[4], top.token));
        }
    }
    if prose_empty {
        f.push(hash("noprose", ""));
    }
    for x in words(&d.section).split(' ').filter(|x| !x.is_empty()).take(6) {
        f.push(hash("sec", x));
    }
    if d.is_select() {
        f.push(hash("nopt", bucket(d.options.len(), &[0, 2, 4, 8, 13, 32, 100])));
        if let Some(k) = opts {
            f.push(hash("opt", k.name()));
        }
        if let Some(o) = d.options.first() {
            for x in words(&o.text).split(' ').filter(|x| !x.is_empty()).take(4) {
                f.push(hash("opt0", x));
            }
        }
    }
    let ml = d.max_length.map(|m| bucket(m as usize, &[1, 2, 3, 4, 5, 6, 8, 10, 16, 32, 64, 256])).unwrap_or("-");
    f.push(hash("ml", ml));
    f.push(hash_parts("rml", &[r, ml]));
    if d.pattern.is_some() {
        f.push(hash("pattern", ""));
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> FieldModel {
        let mut weights = Weights::default();
        weights.insert(hash("type", "email"), vec![(1u8, 2.0f32)]);
        weights.insert(hash("lab", "zip"), vec![(2u8, 3.0f32), (0u8, -1.0f32)]);
        FieldModel { classes: vec![NONE, "email", "postal-code"], bias: vec![0.5, 0.0, 0.0], min_prob: 0.0, weights }
    }

    #[test]
    fn round_trips_and_predicts() {
        let m = toy();
        let back = FieldModel::from_bytes(&m.to_bytes()).unwrap();
        assert_eq!(back.classes, m.classes);
        assert_eq!(back.predict(&[hash("type", "email")]).0, "email");
        assert_eq!(back.predict(&[hash("lab", "zip")]).0, "postal-code");
        assert_eq!(back.predict(&[]).0, NONE);
    }

    #[test]
    fn bad_files_are_clear_errors() {
        let bytes = toy().to_bytes();
        assert_eq!(FieldModel::from_bytes(b"nope"), Err(ModelError::BadMagic));
        assert_eq!(FieldModel::from_bytes(&bytes[..bytes.len() - 1]), Err(ModelError::Truncated));
        let mut v = bytes.clone();
        v[4] = 9;
        assert_eq!(FieldModel::from_bytes(&v), Err(ModelError::Version(9)));
        let mut odd = toy();
        odd.classes[1] = "email";
        let mut raw = odd.to_bytes();
        // Rename "email" to "emaix": not a token.
        let at = raw.windows(5).position(|w| w == b"email").unwrap();
        raw[at + 4] = b'x';
        assert!(matches!(FieldModel::from_bytes(&raw), Err(ModelError::UnknownClass(_))));
    }

    #[test]
    fn the_shipped_model_parses() {
        let m = shipped().expect("assets/autofill/field-classifier.bin is shipped and parses");
        assert!(m.classes.contains(&"postal-code") && m.classes.contains(&NONE));
        assert!(m.weights.len() > 1000);
        assert!((0.0..1.0).contains(&m.min_prob));
    }

    #[test]
    fn features_see_neighbours_rule_answers() {
        let d = |name: &str| FieldDescriptor { tag: "input".into(), kind: "text".into(), name: name.into(), ..Default::default() };
        let fields = vec![d("street"), d("zip")];
        let rule = vec![
            Prediction { index: 0, token: "street-address".into(), score: 1.0 },
            Prediction { index: 1, token: "postal-code".into(), score: 1.0 },
        ];
        let f = page_features(&fields, &rule, &[None, None]);
        assert!(f[0].contains(&hash("n1", "postal-code")));
        assert!(f[1].contains(&hash("p1", "street-address")));
        assert!(f[1].contains(&hash("id", "zip")));
    }
}
