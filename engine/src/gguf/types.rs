//! The value types of a GGUF file: metadata values ([`MetaValue`]), tensor descriptors
//! ([`TensorInfo`]) and the tensor element types this engine loads ([`GgmlType`]).
//!
//! Used by the parser in [`super`] and by everyone who reads a model: `model/config.rs`,
//! `model/weights.rs`, the tokenizer.

/// One metadata value. Arrays may nest (an array of arrays).
#[derive(Debug, Clone, PartialEq)]
pub enum MetaValue {
    U8(u8),
    I8(i8),
    U16(u16),
    I16(i16),
    U32(u32),
    I32(i32),
    U64(u64),
    I64(i64),
    F32(f32),
    F64(f64),
    Bool(bool),
    Str(String),
    Array(Vec<MetaValue>),
}

impl MetaValue {
    /// A short name of the value's kind, for error messages (`u32`, `string`, `array`, …).
    pub fn kind_name(&self) -> &'static str {
        match self {
            MetaValue::U8(_) => "u8",
            MetaValue::I8(_) => "i8",
            MetaValue::U16(_) => "u16",
            MetaValue::I16(_) => "i16",
            MetaValue::U32(_) => "u32",
            MetaValue::I32(_) => "i32",
            MetaValue::U64(_) => "u64",
            MetaValue::I64(_) => "i64",
            MetaValue::F32(_) => "f32",
            MetaValue::F64(_) => "f64",
            MetaValue::Bool(_) => "bool",
            MetaValue::Str(_) => "string",
            MetaValue::Array(_) => "array",
        }
    }

    /// The value as a signed 128-bit integer if it is any integer kind.
    pub fn as_integer(&self) -> Option<i128> {
        Some(match *self {
            MetaValue::U8(v) => v.into(),
            MetaValue::I8(v) => v.into(),
            MetaValue::U16(v) => v.into(),
            MetaValue::I16(v) => v.into(),
            MetaValue::U32(v) => v.into(),
            MetaValue::I32(v) => v.into(),
            MetaValue::U64(v) => v.into(),
            MetaValue::I64(v) => v.into(),
            _ => return None,
        })
    }

    /// The value as a string slice if it is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            MetaValue::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The elements if the value is an array.
    pub fn as_array(&self) -> Option<&[MetaValue]> {
        match self {
            MetaValue::Array(a) => Some(a),
            _ => None,
        }
    }
}

/// Element type of a tensor, as far as this engine can load it.
///
/// Block layouts (little-endian, as in ggml):
/// - `F32`: 4 bytes per element; `F16`: 2 bytes (IEEE half).
/// - `Q4_0`: 32 elements in 18 bytes: f16 `d`, 16 bytes of nibbles; `x = d * (q - 8)`.
/// - `Q4_1`: 32 elements in 20 bytes: f16 `d`, f16 `m`, 16 bytes of nibbles; `x = d * q + m`.
/// - `Q8_0`: 32 elements in 34 bytes: f16 `d`, 32 × i8; `x = d * q`.
///
/// In the nibble formats byte `j` holds element `j` in its low nibble and element `j + 16` in
/// its high nibble.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GgmlType {
    F32,
    F16,
    Q4_0,
    Q4_1,
    Q8_0,
}

impl GgmlType {
    /// The type for a ggml type id, or `Err(name)` with the id's ggml name when this engine
    /// cannot load it (`"Q4_K"`, `"BF16"`, `"type 99"`, …).
    pub fn from_id(id: u32) -> Result<GgmlType, String> {
        Ok(match id {
            0 => GgmlType::F32,
            1 => GgmlType::F16,
            2 => GgmlType::Q4_0,
            3 => GgmlType::Q4_1,
            8 => GgmlType::Q8_0,
            other => return Err(ggml_type_name(other)),
        })
    }

    /// The ggml type id (`F32` = 0, `F16` = 1, `Q4_0` = 2, `Q4_1` = 3, `Q8_0` = 8).
    pub fn id(self) -> u32 {
        match self {
            GgmlType::F32 => 0,
            GgmlType::F16 => 1,
            GgmlType::Q4_0 => 2,
            GgmlType::Q4_1 => 3,
            GgmlType::Q8_0 => 8,
        }
    }

    /// The ggml name (`"Q4_1"`, …).
    pub fn name(self) -> &'static str {
        match self {
            GgmlType::F32 => "F32",
            GgmlType::F16 => "F16",
            GgmlType::Q4_0 => "Q4_0",
            GgmlType::Q4_1 => "Q4_1",
            GgmlType::Q8_0 => "Q8_0",
        }
    }

    /// Elements per block (1 for the float types, 32 for the quantized ones).
    pub fn block_size(self) -> usize {
        match self {
            GgmlType::F32 | GgmlType::F16 => 1,
            GgmlType::Q4_0 | GgmlType::Q4_1 | GgmlType::Q8_0 => 32,
        }
    }

    /// Bytes per block.
    pub fn type_size(self) -> usize {
        match self {
            GgmlType::F32 => 4,
            GgmlType::F16 => 2,
            GgmlType::Q4_0 => 18,
            GgmlType::Q4_1 => 20,
            GgmlType::Q8_0 => 34,
        }
    }

    /// Bytes taken by `n_elements` elements: `n_elements / block_size * type_size`.
    /// `n_elements` must be a multiple of [`Self::block_size`] (the parser checks this for every
    /// tensor); a partial trailing block is not counted. Saturates instead of overflowing.
    pub fn byte_len(self, n_elements: u64) -> u64 {
        (n_elements / self.block_size() as u64).saturating_mul(self.type_size() as u64)
    }
}

impl std::fmt::Display for GgmlType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The ggml name of any type id, for error messages.
fn ggml_type_name(id: u32) -> String {
    const NAMES: [&str; 40] = [
        "F32",
        "F16",
        "Q4_0",
        "Q4_1",
        "Q4_2",
        "Q4_3",
        "Q5_0",
        "Q5_1",
        "Q8_0",
        "Q8_1",
        "Q2_K",
        "Q3_K",
        "Q4_K",
        "Q5_K",
        "Q6_K",
        "Q8_K",
        "IQ2_XXS",
        "IQ2_XS",
        "IQ3_XXS",
        "IQ1_S",
        "IQ4_NL",
        "IQ3_S",
        "IQ2_S",
        "IQ4_XS",
        "I8",
        "I16",
        "I32",
        "I64",
        "F64",
        "IQ1_M",
        "BF16",
        "Q4_0_4_4",
        "Q4_0_4_8",
        "Q4_0_8_8",
        "TQ1_0",
        "TQ2_0",
        "IQ4_NL_4_4",
        "IQ4_NL_4_8",
        "IQ4_NL_8_8",
        "MXFP4",
    ];
    NAMES
        .get(id as usize)
        .map(|s| s.to_string())
        .unwrap_or_else(|| format!("type {id}"))
}

/// Descriptor of one tensor: where its bytes lie and how to read them.
#[derive(Debug, Clone, PartialEq)]
pub struct TensorInfo {
    /// The tensor's name, e.g. `blk.0.attn_q.weight`.
    pub name: String,
    /// Dimensions in GGUF order: `dims[0]` is the contiguous (fastest-varying) one. For a
    /// weight matrix `W` used as `y = W x`, `dims = [in_features, out_features]`.
    pub dims: Vec<u64>,
    /// Element type.
    pub ggml_type: GgmlType,
    /// Byte offset of the tensor's data, relative to the start of the file's data region.
    pub offset: u64,
}

impl TensorInfo {
    /// Number of elements (product of `dims`; the parser rejects overflow).
    pub fn n_elements(&self) -> u64 {
        self.dims.iter().product()
    }

    /// Number of bytes of the tensor's data.
    pub fn byte_len(&self) -> u64 {
        self.ggml_type.byte_len(self.n_elements())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_ids_round_trip_and_unknown_types_are_named() {
        for t in [
            GgmlType::F32,
            GgmlType::F16,
            GgmlType::Q4_0,
            GgmlType::Q4_1,
            GgmlType::Q8_0,
        ] {
            assert_eq!(GgmlType::from_id(t.id()), Ok(t));
            assert_eq!(ggml_type_name(t.id()), t.name());
        }
        assert_eq!(GgmlType::from_id(12), Err("Q4_K".to_string()));
        assert_eq!(GgmlType::from_id(30), Err("BF16".to_string()));
        assert_eq!(GgmlType::from_id(1000), Err("type 1000".to_string()));
    }

    #[test]
    fn byte_lengths_match_ggml() {
        assert_eq!(GgmlType::Q4_1.byte_len(576 * 1536), 576 * 1536 / 32 * 20);
        assert_eq!(GgmlType::Q8_0.byte_len(64), 68);
        assert_eq!(GgmlType::Q4_0.byte_len(32), 18);
        assert_eq!(GgmlType::F16.byte_len(3), 6);
        assert_eq!(GgmlType::F32.byte_len(u64::MAX), u64::MAX);
    }
}
