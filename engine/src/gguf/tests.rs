//! Tests of the GGUF reader on generated files (valid, truncated, corrupt) and on the real model.

use super::dequant::{dequantize_to_vec, quantize};
use super::writer::GgufWriter;
use super::*;

fn sample() -> GgufWriter {
    let mut w = GgufWriter::new();
    w.meta("general.architecture", MetaValue::Str("llama".into()))
        .meta("a.u8", MetaValue::U8(200))
        .meta("a.i8", MetaValue::I8(-5))
        .meta("a.u16", MetaValue::U16(60000))
        .meta("a.i16", MetaValue::I16(-30000))
        .meta("a.u32", MetaValue::U32(30))
        .meta("a.i32", MetaValue::I32(-7))
        .meta("a.u64", MetaValue::U64(1 << 40))
        .meta("a.i64", MetaValue::I64(-(1 << 40)))
        .meta("a.f32", MetaValue::F32(1e-5))
        .meta("a.f64", MetaValue::F64(0.125))
        .meta("a.bool", MetaValue::Bool(true))
        .meta(
            "a.strs",
            MetaValue::Array(vec![
                MetaValue::Str("x".into()),
                MetaValue::Str("héllo 🙂".into()),
            ]),
        )
        .meta(
            "a.ints",
            MetaValue::Array(vec![MetaValue::I32(1), MetaValue::I32(-3)]),
        )
        .meta(
            "a.nested",
            MetaValue::Array(vec![
                MetaValue::Array(vec![MetaValue::U16(1), MetaValue::U16(2)]),
                MetaValue::Array(vec![MetaValue::U16(3)]),
            ]),
        )
        .meta("a.empty", MetaValue::Array(vec![]));
    let vals: Vec<f32> = (0..64).map(|i| i as f32 / 8.0 - 4.0).collect();
    w.tensor_f32("norm", &[3], &[1.0, 2.0, 3.0])
        .tensor(
            "w4",
            &[32, 2],
            GgmlType::Q4_1,
            quantize(GgmlType::Q4_1, &vals).unwrap(),
        )
        .tensor(
            "w8",
            &[64],
            GgmlType::Q8_0,
            quantize(GgmlType::Q8_0, &vals).unwrap(),
        )
        .tensor(
            "w40",
            &[32, 1, 2, 1],
            GgmlType::Q4_0,
            quantize(GgmlType::Q4_0, &vals).unwrap(),
        )
        .tensor(
            "h",
            &[2, 2],
            GgmlType::F16,
            quantize(GgmlType::F16, &[0.5, -1.0, 2.0, 4.0]).unwrap(),
        );
    w
}

#[test]
fn parses_every_value_kind_and_tensor() {
    let bytes = sample().to_bytes();
    let f = GgufFile::parse(&bytes).unwrap();
    assert_eq!(f.version, 3);
    assert_eq!(f.metadata.len(), 16);
    assert_eq!(f.str("general.architecture").unwrap(), "llama");
    assert_eq!(f.get("a.u8"), Some(&MetaValue::U8(200)));
    assert_eq!(f.get("a.i8"), Some(&MetaValue::I8(-5)));
    assert_eq!(f.get("a.u16"), Some(&MetaValue::U16(60000)));
    assert_eq!(f.get("a.i16"), Some(&MetaValue::I16(-30000)));
    assert_eq!(f.get("a.i64"), Some(&MetaValue::I64(-(1 << 40))));
    assert_eq!(f.get("a.f64"), Some(&MetaValue::F64(0.125)));
    assert_eq!(f.u32("a.u32").unwrap(), 30);
    assert_eq!(f.u32("a.u8").unwrap(), 200);
    assert_eq!(f.u32("a.u16").unwrap(), 60000);
    assert_eq!(f.u64("a.u64").unwrap(), 1 << 40);
    assert_eq!(f.f32("a.f32").unwrap(), 1e-5);
    assert_eq!(f.f32("a.f64").unwrap(), 0.125);
    assert!(f.bool("a.bool").unwrap());
    assert_eq!(f.str_array("a.strs").unwrap(), vec!["x", "héllo 🙂"]);
    assert_eq!(f.int_array("a.ints").unwrap(), vec![1, -3]);
    let nested = f.array("a.nested").unwrap();
    assert_eq!(
        nested[0],
        MetaValue::Array(vec![MetaValue::U16(1), MetaValue::U16(2)])
    );
    assert_eq!(nested[1], MetaValue::Array(vec![MetaValue::U16(3)]));
    assert_eq!(f.array("a.empty").unwrap().len(), 0);

    assert_eq!(f.tensors.len(), 5);
    assert_eq!(f.alignment(), 32);
    assert_eq!(f.data_offset() % 32, 0);
    let norm = f.tensor("norm").unwrap();
    assert_eq!(norm.dims, vec![3]);
    assert_eq!(
        dequantize_to_vec(GgmlType::F32, f.tensor_data(norm), 3).unwrap(),
        vec![1.0, 2.0, 3.0]
    );
    let w4 = f.tensor("w4").unwrap();
    assert_eq!(
        (w4.ggml_type, w4.n_elements(), w4.byte_len()),
        (GgmlType::Q4_1, 64, 40)
    );
    assert_eq!(w4.offset % 32, 0);
    let w4v = dequantize_to_vec(GgmlType::Q4_1, f.tensor_data(w4), 64).unwrap();
    assert!(
        (w4v[0] + 4.0).abs() < 0.01 && (w4v[63] - 3.875).abs() < 0.3,
        "{w4v:?}"
    );
    let w40 = f.tensor("w40").unwrap();
    assert_eq!(w40.dims, vec![32, 1, 2, 1]);
    assert_eq!(f.tensor_data(w40).len(), 36);
    let h = f.tensor("h").unwrap();
    assert_eq!(
        dequantize_to_vec(GgmlType::F16, f.tensor_data(h), 4).unwrap(),
        vec![0.5, -1.0, 2.0, 4.0]
    );
    assert_eq!(f.tensor_f32("h").unwrap(), vec![0.5, -1.0, 2.0, 4.0]);
    assert_eq!(f.tensor_f32("w8").unwrap().len(), 64);
    assert!(matches!(f.tensor_f32("nope").unwrap_err().kind, GgufErrorKind::MissingTensor(_)));
    assert!(f.tensor("nope").is_none());
    assert!(matches!(
        f.require_tensor("nope").unwrap_err().kind,
        GgufErrorKind::MissingTensor(_)
    ));
}

#[test]
fn accessors_report_missing_and_mistyped_keys() {
    let bytes = sample().to_bytes();
    let f = GgufFile::parse(&bytes).unwrap();
    let e = f.u32("llama.block_count").unwrap_err();
    assert_eq!(
        e.kind,
        GgufErrorKind::MissingKey("llama.block_count".into())
    );
    assert!(
        e.to_string()
            .contains("missing metadata key `llama.block_count`"),
        "{e}"
    );
    let e = f.u32("a.i32").unwrap_err(); // -7 does not fit
    assert!(
        matches!(&e.kind, GgufErrorKind::WrongType { found, .. } if found == "i32 -7"),
        "{e}"
    );
    assert!(e.offset > 0);
    assert!(f.u32("a.u64").is_err()); // 2^40 does not fit
    assert!(f.str("a.u32").is_err());
    assert!(f.str_array("a.ints").is_err());
    assert!(f.bool("a.u8").is_err());
}

#[test]
fn custom_alignment_is_honoured() {
    let mut w = GgufWriter::new();
    w.alignment(64)
        .tensor_f32("a", &[1], &[1.0])
        .tensor_f32("b", &[2], &[2.0, 3.0]);
    let bytes = w.to_bytes();
    let f = GgufFile::parse(&bytes).unwrap();
    assert_eq!(f.alignment(), 64);
    assert_eq!(f.data_offset() % 64, 0);
    assert_eq!(f.tensor("b").unwrap().offset, 64);
    assert_eq!(
        f.tensor_data(f.tensor("b").unwrap()),
        &[0, 0, 0, 64, 0, 0, 64, 64]
    );

    let mut w = GgufWriter::new();
    w.alignment(48);
    assert!(matches!(
        GgufFile::parse(&w.to_bytes()).unwrap_err().kind,
        GgufErrorKind::BadAlignment(48)
    ));
    let mut w = GgufWriter::new();
    w.alignment(0);
    assert!(matches!(
        GgufFile::parse(&w.to_bytes()).unwrap_err().kind,
        GgufErrorKind::BadAlignment(0)
    ));
}

#[test]
fn every_truncation_is_an_error_never_a_panic() {
    let bytes = sample().to_bytes();
    for len in 0..bytes.len() {
        let err = GgufFile::parse(&bytes[..len]).expect_err(&format!("prefix {len} parsed"));
        assert!(
            err.offset <= len as u64,
            "prefix {len}: offset {} past the end",
            err.offset
        );
        assert!(
            matches!(
                err.kind,
                GgufErrorKind::Truncated { .. } | GgufErrorKind::TensorOutOfBounds { .. }
            ),
            "prefix {len}: {err}"
        );
    }
}

#[test]
fn every_single_byte_corruption_is_handled() {
    // Flip each header byte: parse must return (Ok or Err), never panic or allocate wildly.
    let bytes = sample().to_bytes();
    let f = GgufFile::parse(&bytes).unwrap();
    let header_len = f.data_offset() as usize;
    for i in 0..header_len {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut b = bytes.clone();
            b[i] ^= flip;
            if let Ok(g) = GgufFile::parse(&b) {
                for t in &g.tensors {
                    assert_eq!(g.tensor_data(t).len() as u64, t.byte_len());
                }
            }
        }
    }
}

/// Offset of the first tensor info (right after the metadata) in a file with the given writer.
fn patch_u64_after(bytes: &mut [u8], needle: &[u8], skip: usize, value: u64) {
    let at = bytes
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap()
        + needle.len()
        + skip;
    bytes[at..at + 8].copy_from_slice(&value.to_le_bytes());
}

#[test]
fn corrupt_headers_give_specific_errors() {
    let good = sample().to_bytes();

    let mut b = good.clone();
    b[0] = b'X';
    assert!(matches!(
        GgufFile::parse(&b).unwrap_err().kind,
        GgufErrorKind::BadMagic(_)
    ));

    let mut b = good.clone();
    b[4] = 1;
    let e = GgufFile::parse(&b).unwrap_err();
    assert_eq!(
        (e.offset, e.kind),
        (4, GgufErrorKind::UnsupportedVersion(1))
    );

    let mut b = good.clone();
    b[8..16].copy_from_slice(&u64::MAX.to_le_bytes());
    assert!(matches!(
        GgufFile::parse(&b).unwrap_err().kind,
        GgufErrorKind::TooManyTensors { .. }
    ));

    let mut b = good.clone();
    b[16..24].copy_from_slice(&(1u64 << 40).to_le_bytes());
    assert!(matches!(
        GgufFile::parse(&b).unwrap_err().kind,
        GgufErrorKind::TooManyKeys { .. }
    ));

    // A huge string length: refused by the cap without allocating.
    let mut b = good.clone();
    b[24..32].copy_from_slice(&(1u64 << 60).to_le_bytes());
    let e = GgufFile::parse(&b).unwrap_err();
    assert_eq!(e.offset, 24);
    assert!(matches!(e.kind, GgufErrorKind::StringTooLong { .. }));
    // A plausible but too long string length: truncated.
    b[24..32].copy_from_slice(&1000u64.to_le_bytes());
    assert!(matches!(
        GgufFile::parse(&b).unwrap_err().kind,
        GgufErrorKind::Truncated { .. }
    ));

    // A huge array length (the `a.strs` array: after key, u32 type 9, u32 elem type 8).
    let mut b = good.clone();
    patch_u64_after(&mut b, b"a.strs", 8, u64::MAX);
    assert!(matches!(
        GgufFile::parse(&b).unwrap_err().kind,
        GgufErrorKind::ArrayTooLong { .. }
    ));
    // Just under the cap: the following bytes are misread as strings until something fails;
    // the allocation is bounded by the input.
    let mut b = good.clone();
    patch_u64_after(&mut b, b"a.strs", 8, MAX_ARRAY_LEN);
    let e = GgufFile::parse(&b).unwrap_err();
    assert!(e.offset < b.len() as u64, "{e}");

    // Invalid UTF-8 in a key.
    let mut b = good.clone();
    let at = b.windows(6).position(|w| w == b"a.strs").unwrap();
    b[at] = 0xff;
    assert_eq!(
        GgufFile::parse(&b).unwrap_err().kind,
        GgufErrorKind::InvalidUtf8
    );

    // Unknown value type and invalid bool.
    let mut b = good.clone();
    let at = b.windows(6).position(|w| w == b"a.bool").unwrap() + 6;
    b[at..at + 4].copy_from_slice(&13u32.to_le_bytes());
    assert_eq!(
        GgufFile::parse(&b).unwrap_err().kind,
        GgufErrorKind::UnknownValueType(13)
    );
    let mut b = good.clone();
    b[at + 4] = 2;
    assert_eq!(
        GgufFile::parse(&b).unwrap_err().kind,
        GgufErrorKind::InvalidBool(2)
    );
}

#[test]
fn bad_tensor_infos_are_refused() {
    let parse_err = |w: &GgufWriter| GgufFile::parse(&w.to_bytes()).unwrap_err();

    let mut w = GgufWriter::new();
    w.tensor_raw("k", &[256], 12, vec![0; 144]);
    let e = parse_err(&w);
    assert_eq!(
        e.to_string().split(": ").nth(1).unwrap(),
        "unsupported tensor type Q4_K in tensor k (supported"
    );

    let mut w = GgufWriter::new();
    w.tensor_f32("t", &[1, 1, 1, 1, 1], &[1.0]);
    assert!(matches!(
        parse_err(&w).kind,
        GgufErrorKind::BadDimCount { n_dims: 5, .. }
    ));

    let mut w = GgufWriter::new();
    w.tensor_f32("t", &[1, 0], &[]);
    assert!(matches!(parse_err(&w).kind, GgufErrorKind::BadDims { .. }));

    let mut w = GgufWriter::new();
    w.tensor_raw("t", &[1 << 32, 1 << 32, 1 << 32], 0, vec![]);
    assert!(matches!(parse_err(&w).kind, GgufErrorKind::BadDims { .. }));

    let mut w = GgufWriter::new();
    w.tensor("q", &[16, 2], GgmlType::Q4_1, vec![0; 20]);
    assert!(matches!(
        parse_err(&w).kind,
        GgufErrorKind::NotBlockAligned {
            ne0: 16,
            block: 32,
            ..
        }
    ));

    let mut w = GgufWriter::new();
    w.tensor_f32("a", &[1], &[1.0])
        .tensor_f32("a", &[1], &[1.0]);
    assert_eq!(
        parse_err(&w).kind,
        GgufErrorKind::DuplicateTensor("a".into())
    );

    let mut w = GgufWriter::new();
    w.meta("k", MetaValue::U8(1)).meta("k", MetaValue::U8(2));
    assert_eq!(parse_err(&w).kind, GgufErrorKind::DuplicateKey("k".into()));

    // Tensor claiming more bytes than the file has.
    let mut w = GgufWriter::new();
    w.tensor_raw("big", &[1000], 0, vec![0; 16]);
    let e = parse_err(&w);
    assert!(
        matches!(e.kind, GgufErrorKind::TensorOutOfBounds { end: 4000, .. }),
        "{e}"
    );

    // Misaligned and overflowing offsets (patched after writing).
    let mut w = GgufWriter::new();
    w.tensor_f32("t", &[1], &[1.0]);
    let mut b = w.to_bytes();
    patch_u64_after(&mut b, b"t", 4 + 8 + 4, 4);
    assert!(matches!(
        GgufFile::parse(&b).unwrap_err().kind,
        GgufErrorKind::MisalignedTensor { .. }
    ));
    patch_u64_after(&mut b, b"t", 4 + 8 + 4, u64::MAX - 31);
    assert!(matches!(
        GgufFile::parse(&b).unwrap_err().kind,
        GgufErrorKind::TensorOutOfBounds { .. }
    ));
}

#[test]
fn nesting_and_value_budget_are_capped() {
    let mut v = MetaValue::U8(1);
    for _ in 0..=MAX_NESTING {
        v = MetaValue::Array(vec![v]);
    }
    let mut w = GgufWriter::new();
    w.meta("deep", v);
    assert!(matches!(
        GgufFile::parse(&w.to_bytes()).unwrap_err().kind,
        GgufErrorKind::NestingTooDeep { .. }
    ));
}

#[test]
fn foreign_tensor_info_gives_empty_slice() {
    let bytes = sample().to_bytes();
    let f = GgufFile::parse(&bytes).unwrap();
    let fake = TensorInfo {
        name: "x".into(),
        dims: vec![1 << 40],
        ggml_type: GgmlType::F32,
        offset: 0,
    };
    assert!(f.tensor_data(&fake).is_empty());
}

#[test]
fn real_model_file() {
    let Some(path) = dev_model_path() else { return };
    let owned = OwnedGguf::open(&path).unwrap();
    let f = owned.parse().unwrap();
    assert_eq!(f.version, 3);
    assert_eq!(f.str("general.architecture").unwrap(), "llama");
    assert_eq!(f.u32("llama.block_count").unwrap(), 30);
    assert_eq!(f.u32("llama.embedding_length").unwrap(), 576);
    assert_eq!(f.u32("llama.attention.head_count_kv").unwrap(), 3);
    assert!((f.f32("llama.attention.layer_norm_rms_epsilon").unwrap() - 1e-5).abs() < 1e-9);
    assert_eq!(f.str_array("tokenizer.ggml.tokens").unwrap().len(), 49152);
    // 30 blocks × 9 tensors + token_embd + output_norm; output is tied to token_embd.
    assert_eq!(f.tensors.len(), 272);
    assert!(f.tensor("output.weight").is_none());
    let emb = f.tensor("token_embd.weight").unwrap();
    assert_eq!(
        (emb.dims.as_slice(), emb.ggml_type),
        (&[576u64, 49152][..], GgmlType::Q8_0)
    );
    let q = f.tensor("blk.29.attn_q.weight").unwrap();
    assert_eq!(
        (q.dims.as_slice(), q.ggml_type),
        (&[576u64, 576][..], GgmlType::Q4_1)
    );
    let mut end = 0;
    for t in &f.tensors {
        let d = f.tensor_data(t);
        assert_eq!(d.len() as u64, t.byte_len(), "{}", t.name);
        end = end.max(f.data_offset() + t.offset + t.byte_len());
    }
    assert!(end <= owned.bytes().len() as u64);
    // Norm weights are finite and of plausible size.
    let norm = f.tensor("output_norm.weight").unwrap();
    let v = dequantize_to_vec(norm.ggml_type, f.tensor_data(norm), 576).unwrap();
    assert!(v.iter().all(|x| x.is_finite() && x.abs() < 100.0));
    // Q4_1 dequantizes to finite, non-constant values.
    let v = dequantize_to_vec(q.ggml_type, f.tensor_data(q), 576 * 576).unwrap();
    let mean = v.iter().sum::<f32>() / v.len() as f32;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f32>() / v.len() as f32;
    assert!(v.iter().all(|x| x.is_finite()) && var > 1e-6, "var {var}");
}

#[test]
fn reads_a_file_written_by_the_python_gguf_package() {
    // engine/fuzz/seeds/gguf_parse/tiny.bin: written by gguf-py's GGUFWriter, tensors quantized
    // by gguf.quants.quantize from linspace(-1, 1, 64) (see tests/reference/requirements.txt).
    let bytes = include_bytes!("../../fuzz/seeds/gguf_parse/tiny.bin");
    let f = GgufFile::parse(bytes).unwrap();
    assert_eq!(f.str("general.architecture").unwrap(), "llama");
    assert_eq!(f.u32("llama.block_count").unwrap(), 1);
    assert_eq!(f.str_array("tokenizer.ggml.tokens").unwrap(), vec!["a", "b", "<|im_end|>"]);
    assert!(f.bool("flag").unwrap());
    let norm = f.tensor("norm").unwrap();
    let v = dequantize_to_vec(norm.ggml_type, f.tensor_data(norm), 8).unwrap();
    assert_eq!(v, (0..8).map(|i| i as f32).collect::<Vec<_>>());
    let expected: Vec<f32> = (0..64).map(|i| -1.0 + 2.0 * i as f32 / 63.0).collect();
    for (name, ty, tol) in [
        ("q8", GgmlType::Q8_0, 0.005),
        ("q41", GgmlType::Q4_1, 0.035),
        ("q40", GgmlType::Q4_0, 0.13),
    ] {
        let t = f.tensor(name).unwrap();
        assert_eq!((t.ggml_type, t.dims.as_slice()), (ty, &[32u64, 2][..]));
        let v = dequantize_to_vec(ty, f.tensor_data(t), 64).unwrap();
        for (i, (a, b)) in v.iter().zip(&expected).enumerate() {
            assert!((a - b).abs() <= tol, "{name}[{i}]: {a} vs {b}");
        }
        // Our quantizer reproduces gguf-py's bytes exactly for Q8_0 and Q4_1.
        if ty != GgmlType::Q4_0 {
            assert_eq!(quantize(ty, &expected).unwrap(), f.tensor_data(t), "{name}");
        }
    }
    let h = f.tensor("h").unwrap();
    assert_eq!(dequantize_to_vec(GgmlType::F16, f.tensor_data(h), 4).unwrap(), vec![1.0; 4]);
}
