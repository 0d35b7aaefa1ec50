//! The 8-bit weight file the extension ships for the embedding model: the reference f32
//! safetensors with every matrix stored as `I8` rows and a per-row `F32` scale beside it
//! (`<name>.scale`), vectors kept at f32. It is still a safetensors file (any reader opens it);
//! all-MiniLM-L6-v2 goes from 90.9 MB to about 23 MB, cosine to the f32 model ≥ 0.99.
//!
//! This file depends only on `std` and `serde_json`: `build.rs` includes it to quantize the model
//! it copies into `dist/extension/`, and the engine reads both layouts with [`Tensors::parse`].

use std::collections::BTreeMap;

/// One tensor of a safetensors file, as f32 values (I8 rows already scaled back).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub shape: Vec<usize>,
    pub values: Vec<f32>,
}

/// The named tensors of a safetensors file.
#[derive(Debug, Default)]
pub struct Tensors {
    pub map: BTreeMap<String, Loaded>,
}

struct Entry {
    name: String,
    dtype: String,
    shape: Vec<usize>,
    start: usize,
    end: usize,
}

fn header(bytes: &[u8]) -> Result<(Vec<Entry>, &[u8]), String> {
    if bytes.len() < 8 {
        return Err("shorter than a safetensors header".into());
    }
    let n = u64::from_le_bytes(bytes[..8].try_into().map_err(|_| "bad header length")?) as usize;
    let json = bytes.get(8..8usize.saturating_add(n)).ok_or("the header runs past the end of the file")?;
    let data = &bytes[8 + n..];
    let v: serde_json::Value = serde_json::from_slice(json).map_err(|e| format!("header is not JSON: {e}"))?;
    let obj = v.as_object().ok_or("header is not a JSON object")?;
    let mut out = Vec::new();
    for (name, t) in obj {
        if name == "__metadata__" {
            continue;
        }
        let dtype = t.get("dtype").and_then(|d| d.as_str()).ok_or_else(|| format!("{name}: no dtype"))?.to_string();
        let shape: Vec<usize> = t
            .get("shape")
            .and_then(|s| s.as_array())
            .ok_or_else(|| format!("{name}: no shape"))?
            .iter()
            .map(|d| d.as_u64().map(|d| d as usize).ok_or_else(|| format!("{name}: bad shape")))
            .collect::<Result<_, _>>()?;
        let offs = t.get("data_offsets").and_then(|o| o.as_array()).ok_or_else(|| format!("{name}: no data_offsets"))?;
        let (start, end) = match (offs.first().and_then(|x| x.as_u64()), offs.get(1).and_then(|x| x.as_u64())) {
            (Some(s), Some(e)) if s <= e && (e as usize) <= data.len() => (s as usize, e as usize),
            _ => return Err(format!("{name}: data offsets outside the file")),
        };
        out.push(Entry { name: name.clone(), dtype, shape, start, end });
    }
    Ok((out, data))
}

impl Tensors {
    /// Reads a safetensors file of `F32` tensors and/or `I8` rows with `<name>.scale` beside
    /// them. Other dtypes (the `I64` position ids of a BERT export) are skipped.
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let (entries, data) = header(bytes)?;
        let f32s = |e: &Entry| -> Result<Vec<f32>, String> {
            let raw = &data[e.start..e.end];
            let count: usize = e.shape.iter().product();
            if raw.len() != count * 4 {
                return Err(format!("{}: {} bytes for {count} f32 values", e.name, raw.len()));
            }
            Ok(raw.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect())
        };
        let mut scales = BTreeMap::new();
        for e in entries.iter().filter(|e| e.name.ends_with(".scale") && e.dtype == "F32") {
            scales.insert(e.name.trim_end_matches(".scale").to_string(), f32s(e)?);
        }
        let mut map = BTreeMap::new();
        for e in &entries {
            let values = match e.dtype.as_str() {
                "F32" if e.name.ends_with(".scale") && scales.contains_key(e.name.trim_end_matches(".scale")) => continue,
                "F32" => f32s(e)?,
                "I8" => {
                    let scale = scales.get(&e.name).ok_or_else(|| format!("{}: I8 tensor without {}.scale", e.name, e.name))?;
                    let cols = *e.shape.last().unwrap_or(&0);
                    let raw = &data[e.start..e.end];
                    if cols == 0 || raw.len() != e.shape.iter().product::<usize>() || scale.len() * cols != raw.len() {
                        return Err(format!("{}: I8 data does not match its shape and scales", e.name));
                    }
                    raw.iter().enumerate().map(|(i, &q)| q as i8 as f32 * scale[i / cols]).collect()
                }
                _ => continue,
            };
            map.insert(e.name.clone(), Loaded { shape: e.shape.clone(), values });
        }
        Ok(Tensors { map })
    }
}

/// Rewrites an f32 safetensors file with every 2-D tensor as I8 rows (symmetric, one scale per
/// row) plus `<name>.scale`; 1-D tensors stay f32, other dtypes are dropped.
pub fn quantize(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let (entries, data) = header(bytes)?;
    let mut parts: Vec<(String, &'static str, Vec<usize>, Vec<u8>)> = Vec::new();
    for e in entries.iter().filter(|e| e.dtype == "F32") {
        let raw = &data[e.start..e.end];
        let values: Vec<f32> = raw.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
        if e.shape.len() == 2 && e.shape[1] > 0 {
            let cols = e.shape[1];
            let mut q = Vec::with_capacity(values.len());
            let mut scales = Vec::with_capacity(e.shape[0] * 4);
            for row in values.chunks(cols) {
                let max = row.iter().fold(0f32, |m, x| m.max(x.abs()));
                let s = if max > 0.0 { max / 127.0 } else { 1.0 };
                q.extend(row.iter().map(|x| ((x / s).round().clamp(-127.0, 127.0) as i8) as u8));
                scales.extend_from_slice(&s.to_le_bytes());
            }
            parts.push((e.name.clone(), "I8", e.shape.clone(), q));
            parts.push((format!("{}.scale", e.name), "F32", vec![e.shape[0]], scales));
        } else {
            parts.push((e.name.clone(), "F32", e.shape.clone(), raw.to_vec()));
        }
    }
    let mut head = serde_json::Map::new();
    let mut offset = 0usize;
    for (name, dtype, shape, body) in &parts {
        head.insert(
            name.clone(),
            serde_json::json!({"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + body.len()]}),
        );
        offset += body.len();
    }
    head.insert("__metadata__".into(), serde_json::json!({"format": "secondself-q8"}));
    let mut json = serde_json::to_vec(&serde_json::Value::Object(head)).map_err(|e| e.to_string())?;
    while (json.len() + 8) % 8 != 0 {
        json.push(b' ');
    }
    let mut out = Vec::with_capacity(8 + json.len() + offset);
    out.extend_from_slice(&(json.len() as u64).to_le_bytes());
    out.extend_from_slice(&json);
    for (_, _, _, body) in parts {
        out.extend_from_slice(&body);
    }
    Ok(out)
}
