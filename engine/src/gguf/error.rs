//! Typed errors of the GGUF reader: every failure names the byte offset where it was found and
//! what was wrong, so a corrupt or truncated model file is reported, never a panic.
//!
//! Produced by [`super::GgufFile::parse`], the metadata accessors and [`super::dequant`].

use thiserror::Error;

/// A GGUF file could not be read: `kind` says what, `offset` where (byte offset in the file;
/// for lookups of metadata keys, the offset of the key's value, or 0 if the key is absent).
#[derive(Debug, Clone, PartialEq, Error)]
#[error("GGUF error at byte {offset}: {kind}")]
pub struct GgufError {
    /// Byte offset in the file where the problem was found.
    pub offset: u64,
    /// What went wrong.
    pub kind: GgufErrorKind,
}

impl GgufError {
    pub(crate) fn new(offset: u64, kind: GgufErrorKind) -> Self {
        Self { offset, kind }
    }
}

/// What went wrong while reading a GGUF file.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum GgufErrorKind {
    /// The file does not start with `GGUF`: it is not a GGUF model file.
    #[error("not a GGUF file (magic {0:02x?}, expected \"GGUF\")")]
    BadMagic([u8; 4]),
    /// Only GGUF versions 2 and 3 (little-endian) are supported.
    #[error("unsupported GGUF version {0} (supported: 2, 3 little-endian); re-convert the model with a current llama.cpp")]
    UnsupportedVersion(u32),
    /// The file ends before a field that the header promises.
    #[error(
        "file truncated: needed {needed} more bytes, only {available} left (incomplete download?)"
    )]
    Truncated { needed: u64, available: u64 },
    /// A string is longer than the reader's cap.
    #[error("string of {len} bytes exceeds the cap of {max}")]
    StringTooLong { len: u64, max: u64 },
    /// A string is not valid UTF-8.
    #[error("string is not valid UTF-8")]
    InvalidUtf8,
    /// A metadata array is longer than the reader's cap.
    #[error("array of {len} elements exceeds the cap of {max}")]
    ArrayTooLong { len: u64, max: u64 },
    /// The file holds more metadata values in total than the reader's cap.
    #[error("more than {max} metadata values in total")]
    TooManyValues { max: u64 },
    /// Arrays nest deeper than the reader's cap.
    #[error("arrays nested deeper than {max} levels")]
    NestingTooDeep { max: u32 },
    /// A metadata value type id that GGUF does not define.
    #[error("unknown metadata value type {0}")]
    UnknownValueType(u32),
    /// A boolean byte other than 0 or 1.
    #[error("invalid boolean byte {0}")]
    InvalidBool(u8),
    /// The header announces more metadata entries than the reader's cap.
    #[error("{count} metadata entries exceed the cap of {max}")]
    TooManyKeys { count: u64, max: u64 },
    /// The header announces more tensors than the reader's cap.
    #[error("{count} tensors exceed the cap of {max}")]
    TooManyTensors { count: u64, max: u64 },
    /// The same metadata key appears twice.
    #[error("duplicate metadata key `{0}`")]
    DuplicateKey(String),
    /// The same tensor name appears twice.
    #[error("duplicate tensor `{0}`")]
    DuplicateTensor(String),
    /// `general.alignment` is not a non-zero power of two.
    #[error("general.alignment must be a non-zero power of two, got {0}")]
    BadAlignment(u64),
    /// A tensor has more than 4 dimensions (or none).
    #[error("tensor `{tensor}` has {n_dims} dimensions (1 to 4 supported)")]
    BadDimCount { tensor: String, n_dims: u32 },
    /// A tensor has a zero dimension or its element count overflows.
    #[error("tensor `{tensor}` has invalid dimensions {dims:?}")]
    BadDims { tensor: String, dims: Vec<u64> },
    /// A tensor type this engine cannot load.
    #[error("unsupported tensor type {type_name} in tensor {tensor} (supported: F32, F16, Q4_0, Q4_1, Q8_0)")]
    UnsupportedTensorType { type_name: String, tensor: String },
    /// The contiguous dimension of a quantized tensor is not a multiple of its block size.
    #[error("tensor `{tensor}`: first dimension {ne0} is not a multiple of the {type_name} block size {block}")]
    NotBlockAligned {
        tensor: String,
        ne0: u64,
        type_name: &'static str,
        block: u64,
    },
    /// A tensor's offset is not a multiple of the file's alignment.
    #[error("tensor `{tensor}` offset {offset} is not a multiple of the alignment {alignment}")]
    MisalignedTensor {
        tensor: String,
        offset: u64,
        alignment: u64,
    },
    /// A tensor's bytes lie (partly) outside the file.
    #[error("tensor `{tensor}` spans data bytes {start}..{end} but the data region has only {data_len} bytes (truncated file?)")]
    TensorOutOfBounds {
        tensor: String,
        start: u64,
        end: u64,
        data_len: u64,
    },
    /// A metadata key the caller needs is absent.
    #[error("missing metadata key `{0}`")]
    MissingKey(String),
    /// A metadata key holds a value of the wrong kind (or out of range).
    #[error("metadata key `{key}` is {found}, expected {expected}")]
    WrongType {
        key: String,
        expected: &'static str,
        found: String,
    },
    /// A tensor the caller needs is absent.
    #[error("missing tensor `{0}`")]
    MissingTensor(String),
    /// [`super::dequant::dequantize`] got buffers whose sizes do not match the type.
    #[error("dequantize {type_name}: {n_bytes} bytes cannot hold {n_elements} elements (expected {expected} bytes, element count a multiple of {block})")]
    DequantSize {
        type_name: &'static str,
        n_bytes: u64,
        n_elements: u64,
        expected: u64,
        block: u64,
    },
    /// The model file could not be read from disk.
    #[error("cannot read `{path}`: {message}")]
    Io { path: String, message: String },
}
