//! Quantized matrix × activations, with weights kept 4- or 8-bit on every device.
//!
//! burn has no affine 4-bit type and no GGUF blocks, so the model's linear layers use
//! [`QMatrix`]: built from GGUF bytes ([`QMatrix::from_ggml`]), repacked (not expanded) by
//! [`q4::block`] / [`q8::block`], then placed on a device ([`QMatrix::to_device`]):
//! - on the `flex` CPU backend the blocks stay in host memory and [`q4::cpu`] / [`q8::cpu`] run
//!   a fused dequantize-dot (AVX2 natively when available);
//! - on a CubeCL device (wgpu: Vulkan natively, WebGPU in the browser) they are uploaded once
//!   and [`q4::kernel`] / [`q8::kernel`] dequantize on the fly.
//!
//! Every fast path is tested against the scalar references in the `block` modules.
//! Called by `model/` (attention, MLP, output head). [`dispatch_log`] (native) counts kernel runs
//! for `secondself bench model`.

#[cfg(not(target_arch = "wasm32"))]
pub mod dispatch_log;
pub mod q4;
pub mod q8;
pub mod self_check;

use burn::backend::{BackendTensor, DispatchTensor, DispatchTensorKind};
use burn::tensor::{DType, Device, Tensor, TensorData};
use burn_cubecl::tensor::CubeTensor;
use thiserror::Error;

use q4::block::Q4Host;
use q4::launch::Q4Device;
use q8::block::Q8Host;
use q8::launch::Q8Device;

/// Units per cube in the matmul kernels.
pub(crate) const GROUP: usize = 64;

/// A kernel could not run: bad shapes, an unsupported weight type or device.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum KernelError {
    /// Weight bytes or activations do not match the declared shape.
    #[error("shape mismatch: {0}")]
    Shape(String),
    /// The weight type has no quantized kernel.
    #[error("no quantized kernel for weight type {0}")]
    UnsupportedType(String),
    /// The tensor lives on a backend these kernels do not serve.
    #[error("quantized matmul is not available on {0}; use Device::flex() or a wgpu device")]
    UnsupportedDevice(String),
    /// Reading activations back from the device failed.
    #[error("reading activations failed: {0}")]
    Read(String),
}

/// The block formats a [`QMatrix`] can be built from (GGUF type names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantFormat {
    /// `d * (q - 8)`, repacked as Q4_1.
    Q4_0,
    /// `d * q + m`, 4-bit.
    Q4_1,
    /// `d * q`, 8-bit.
    Q8_0,
}

/// Where a matrix's blocks live.
#[derive(Debug, Clone)]
enum Storage {
    Q4Host(Q4Host),
    Q8Host(Q8Host),
    Q4Device(Q4Device),
    Q8Device(Q8Device),
}

/// A quantized `rows × cols` weight matrix (`rows` = output features), applied as `x · Wᵀ`.
#[derive(Debug, Clone)]
pub struct QMatrix {
    rows: usize,
    cols: usize,
    storage: Storage,
}

impl QMatrix {
    /// Repacks GGUF blocks of a matrix whose GGUF dims are `[cols, rows]`.
    pub fn from_ggml(
        format: QuantFormat,
        bytes: &[u8],
        rows: usize,
        cols: usize,
    ) -> Result<Self, KernelError> {
        let storage = match format {
            QuantFormat::Q4_0 => Storage::Q4Host(Q4Host::from_q4_0(bytes, rows, cols)?),
            QuantFormat::Q4_1 => Storage::Q4Host(Q4Host::from_q4_1(bytes, rows, cols)?),
            QuantFormat::Q8_0 => Storage::Q8Host(Q8Host::from_q8_0(bytes, rows, cols)?),
        };
        Ok(Self {
            rows,
            cols,
            storage,
        })
    }

    /// Wraps already repacked Q4_1 blocks.
    pub fn from_q4(host: Q4Host) -> Self {
        Self {
            rows: host.rows,
            cols: host.cols,
            storage: Storage::Q4Host(host),
        }
    }

    /// Wraps already repacked Q8_0 blocks.
    pub fn from_q8(host: Q8Host) -> Self {
        Self {
            rows: host.rows,
            cols: host.cols,
            storage: Storage::Q8Host(host),
        }
    }

    /// Whether the blocks are in host memory (the flex path) rather than on a CubeCL device.
    pub fn is_host(&self) -> bool {
        matches!(self.storage, Storage::Q4Host(_) | Storage::Q8Host(_))
    }

    /// Output features.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Input features.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Places the matrix for `device`: uploads it (still quantized) to a CubeCL device, keeps it
    /// in host memory for `flex`.
    pub fn to_device(self, device: &Device) -> Result<Self, KernelError> {
        let Some(client) = cube_client(device)? else {
            return Ok(self);
        };
        let storage = match self.storage {
            Storage::Q4Host(h) => Storage::Q4Device(Q4Device::upload(&h, &client)),
            Storage::Q8Host(h) => Storage::Q8Device(Q8Device::upload(&h, &client)),
            other => other,
        };
        Ok(Self { storage, ..self })
    }

    /// `x · Wᵀ` for `x` of shape `[n, cols]`; returns `[n, rows]` on `x`'s device.
    pub async fn matmul(&self, x: Tensor<2>) -> Result<Tensor<2>, KernelError> {
        let [n, cols] = x.dims();
        if cols != self.cols {
            return Err(KernelError::Shape(format!(
                "activations have {cols} features, the weight expects {}",
                self.cols
            )));
        }
        match &self.storage {
            Storage::Q4Device(w) => cube_apply(x, |t| w.matmul(t)),
            Storage::Q8Device(w) => cube_apply(x, |t| w.matmul(t)),
            Storage::Q4Host(_) | Storage::Q8Host(_) => {
                let device = x.device();
                let data = x
                    .into_data_async()
                    .await
                    .map_err(|e| KernelError::Read(format!("{e:?}")))?;
                let xs = data
                    .as_slice::<f32>()
                    .map_err(|e| KernelError::Read(format!("{e:?}")))?;
                let y = self.matmul_host(xs, n)?;
                Ok(Tensor::from_data(
                    TensorData::new(y, [n, self.rows]),
                    &device,
                ))
            }
        }
    }

    /// Host path on plain slices: `x` is `n × cols`, returns `n × rows`.
    pub fn matmul_host(&self, x: &[f32], n: usize) -> Result<Vec<f32>, KernelError> {
        if x.len() != n * self.cols {
            return Err(KernelError::Shape(format!(
                "{} activations for {n}×{}",
                x.len(),
                self.cols
            )));
        }
        match &self.storage {
            Storage::Q4Host(w) => Ok(q4::cpu::matmul(w, x, n)),
            Storage::Q8Host(w) => Ok(q8::cpu::matmul(w, x, n)),
            _ => Err(KernelError::UnsupportedDevice(
                "host slices for a device-resident matrix".into(),
            )),
        }
    }

    /// Dequantizes row `r` (an embedding lookup). Only for host-resident matrices.
    pub fn dequantize_row(&self, r: usize, out: &mut [f32]) -> Result<(), KernelError> {
        if r >= self.rows || out.len() != self.cols {
            return Err(KernelError::Shape(format!(
                "row {r} of {}×{}",
                self.rows, self.cols
            )));
        }
        match &self.storage {
            Storage::Q4Host(w) => w.dequantize_row(r, out),
            Storage::Q8Host(w) => w.dequantize_row(r, out),
            _ => {
                return Err(KernelError::UnsupportedDevice(
                    "row lookup on a device-resident matrix".into(),
                ))
            }
        }
        Ok(())
    }

    /// Whole matrix as f32 (tests and references only).
    pub fn dequantize(&self) -> Option<Vec<f32>> {
        match &self.storage {
            Storage::Q4Host(w) => Some(w.dequantize()),
            Storage::Q8Host(w) => Some(w.dequantize()),
            _ => None,
        }
    }
}

/// The CubeCL client behind `device`, or `None` for the flex CPU backend.
fn cube_client(device: &Device) -> Result<Option<cubecl::client::Client>, KernelError> {
    match burn_dispatch_kind(Tensor::<1>::zeros([1], device)) {
        DispatchTensorKind::Cube(BackendTensor::Float(t)) => Ok(Some(t.client)),
        DispatchTensorKind::Flex(_) => Ok(None),
        #[allow(unreachable_patterns)]
        other => Err(KernelError::UnsupportedDevice(
            format!("{other:?}").chars().take(60).collect(),
        )),
    }
}

fn burn_dispatch_kind(t: Tensor<1>) -> DispatchTensorKind {
    t.into_dispatch().kind
}

/// Runs `op` on the CubeCL tensor behind `x` and wraps the result back into a [`Tensor`].
fn cube_apply(
    x: Tensor<2>,
    op: impl FnOnce(CubeTensor) -> Result<CubeTensor, KernelError>,
) -> Result<Tensor<2>, KernelError> {
    let dispatch = x.into_dispatch();
    let autodiff = dispatch.autodiff;
    match dispatch.kind {
        DispatchTensorKind::Cube(BackendTensor::Float(t)) => {
            let t = burn_cubecl::kernel::into_contiguous(t);
            let out = op(t)?;
            Ok(Tensor::from_dispatch(DispatchTensor {
                kind: DispatchTensorKind::Cube(BackendTensor::Float(out)),
                autodiff,
            }))
        }
        _ => Err(KernelError::UnsupportedDevice(
            "a device-resident matrix applied to a tensor on another backend".into(),
        )),
    }
}

/// Checks a kernel input: contiguous f32 `[n, cols]`; returns `n`.
pub(crate) fn check_activation(x: &CubeTensor, cols: usize) -> Result<usize, KernelError> {
    let shape = x.meta.shape();
    if x.dtype != DType::F32 || shape.num_dims() != 2 || shape[1] != cols || !x.is_contiguous() {
        return Err(KernelError::Shape(format!(
            "kernel input must be contiguous f32 [n, {cols}], got {:?} {:?}",
            x.dtype, shape
        )));
    }
    Ok(shape[0])
}

/// A fresh contiguous f32 `[n, rows]` output on `x`'s device.
pub(crate) fn cube_output(x: &CubeTensor, n: usize, rows: usize) -> CubeTensor {
    burn_cubecl::ops::numeric::empty_device_contiguous_dtype(
        x.client.clone(),
        x.device.clone(),
        [n, rows].into(),
        DType::F32,
    )
}

/// IEEE half → f32.
pub fn f16_to_f32(bits: u16) -> f32 {
    half::f16::from_bits(bits).to_f32()
}

/// f32 → IEEE half (round to nearest even).
pub fn f32_to_f16(x: f32) -> u16 {
    half::f16::from_f32(x).to_bits()
}

/// Whether AVX2 and FMA are available (cached by std).
#[cfg(target_arch = "x86_64")]
#[inline]
pub(crate) fn has_avx2() -> bool {
    std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
}

/// Horizontal sum of eight lanes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
pub(crate) unsafe fn hsum256(v: core::arch::x86_64::__m256) -> f32 {
    use core::arch::x86_64::*;
    let hi = _mm256_extractf128_ps(v, 1);
    let lo = _mm256_castps256_ps128(v);
    let s = _mm_add_ps(hi, lo);
    let s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    let s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    _mm_cvtss_f32(s)
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub(crate) fn hsum128(v: core::arch::wasm32::v128) -> f32 {
    use core::arch::wasm32::*;
    f32x4_extract_lane::<0>(v) + f32x4_extract_lane::<1>(v) + f32x4_extract_lane::<2>(v) + f32x4_extract_lane::<3>(v)
}

/// Splits the rows of a `rows × cols` matmul into chunks and runs `f(r0, r1, out_chunk)` for
/// each, natively on scoped threads when the matrix is large; `y` is `n × rows`, token-major,
/// and each chunk's output (`n × (r1 - r0)`) is scattered back into it.
pub(crate) fn for_row_chunks<F>(rows: usize, cols: usize, y: &mut [f32], n: usize, f: F)
where
    F: Fn(usize, usize, &mut [f32]) + Sync,
{
    let threads = worker_threads(rows * cols * n);
    if threads <= 1 {
        // One chunk spanning all rows has exactly `y`'s layout.
        f(0, rows, y);
        return;
    }
    let chunk = rows.div_ceil(threads);
    let parts: Vec<(usize, usize, Vec<f32>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let (r0, r1) = (i * chunk, ((i + 1) * chunk).min(rows));
                let f = &f;
                s.spawn(move || {
                    let mut out = vec![0.0; n * (r1 - r0)];
                    if r1 > r0 {
                        f(r0, r1, &mut out);
                    }
                    (r0, r1, out)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("matmul worker panicked"))
            .collect()
    });
    for (r0, r1, out) in parts {
        let w = r1 - r0;
        for t in 0..n {
            y[t * rows + r0..t * rows + r1].copy_from_slice(&out[t * w..(t + 1) * w]);
        }
    }
}

/// Worker threads chosen by [`set_worker_threads`]; 0 = not set.
#[cfg(not(target_family = "wasm"))]
static THREADS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Sets the CPU kernels' worker threads (1..=8; natively only, wasm runs on one thread).
pub fn set_worker_threads(threads: usize) {
    #[cfg(not(target_family = "wasm"))]
    THREADS.store(threads.clamp(1, 8), std::sync::atomic::Ordering::Relaxed);
    #[cfg(target_family = "wasm")]
    let _ = threads;
}

/// Threads for a matmul of `work` multiply-adds: 1 on wasm and for small work, else
/// [`set_worker_threads`], `SECONDSELF_THREADS`, or the machine's parallelism (capped at 8).
fn worker_threads(work: usize) -> usize {
    #[cfg(target_family = "wasm")]
    {
        let _ = work;
        1
    }
    #[cfg(not(target_family = "wasm"))]
    {
        use std::sync::atomic::Ordering;
        if work < 1 << 18 {
            return 1;
        }
        match THREADS.load(Ordering::Relaxed) {
            0 => {
                let n = std::env::var("SECONDSELF_THREADS")
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1))
                    .clamp(1, 8);
                THREADS.store(n, Ordering::Relaxed);
                n
            }
            n => n,
        }
    }
}

#[cfg(test)]
pub(crate) mod test_util {
    /// Deterministic values in [-1, 1).
    pub fn pseudo_random(n: usize, seed: u64) -> Vec<f32> {
        let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(1);
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                ((s >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
            })
            .collect()
    }

    /// `|a - b| <= abs + rel·|b|` elementwise, with the worst index in the message.
    #[track_caller]
    pub fn assert_close(got: &[f32], want: &[f32], abs: f32, rel: f32) {
        assert_eq!(got.len(), want.len(), "length");
        for (i, (&a, &b)) in got.iter().zip(want).enumerate() {
            assert!(
                (a - b).abs() <= abs + rel * b.abs(),
                "index {i}: got {a}, want {b} (|diff| {})",
                (a - b).abs()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_util::{assert_close, pseudo_random};
    use super::*;
    use crate::model::llama::tests::block_on;

    fn check_device(device: &Device) {
        for &(rows, cols, n) in &[(1, 32, 1), (67, 96, 1), (130, 160, 3)] {
            let vals = pseudo_random(rows * cols, rows as u64);
            let x = pseudo_random(n * cols, 99);
            let q4 = Q4Host::quantize(&vals, rows, cols).unwrap();
            let q8 = Q8Host::quantize(&vals, rows, cols).unwrap();
            let want4 = q4.matmul_reference(&x, n);
            let want8 = q8.matmul_reference(&x, n);
            for (m, want) in [(QMatrix::from_q4(q4), want4), (QMatrix::from_q8(q8), want8)] {
                let m = m.to_device(device).unwrap();
                let xt = Tensor::<2>::from_data(TensorData::new(x.clone(), [n, cols]), device);
                let y = block_on(m.matmul(xt)).unwrap();
                assert_eq!(y.dims(), [n, rows]);
                let got = block_on(y.into_data_async())
                    .unwrap()
                    .try_to_vec::<f32>()
                    .unwrap();
                assert_close(&got, &want, 1e-4, 1e-4);
            }
        }
    }

    #[test]
    fn qmatrix_matches_reference_on_cpu() {
        check_device(&Device::flex());
    }

    /// The CubeCL kernels, natively on wgpu (lavapipe here).
    #[test]
    fn qmatrix_matches_reference_on_wgpu() {
        let device = Device::wgpu(burn::tensor::DeviceKind::DefaultDevice);
        check_device(&device);
        // A non-contiguous input (a transposed tensor) is made contiguous first.
        let (rows, cols) = (5, 64);
        let q = Q4Host::quantize(&pseudo_random(rows * cols, 1), rows, cols).unwrap();
        let x = pseudo_random(cols * 2, 2);
        let want = q.matmul_reference(&x, 2);
        let m = QMatrix::from_q4(q).to_device(&device).unwrap();
        let xt = Tensor::<2>::from_data(TensorData::new(x, [2, cols]), &device);
        let xt = xt.transpose().transpose();
        let got = block_on(block_on(m.matmul(xt)).unwrap().into_data_async()).unwrap();
        assert_close(&got.try_to_vec::<f32>().unwrap(), &want, 1e-4, 1e-4);
    }

    #[test]
    fn wrong_width_is_an_error() {
        let q = Q8Host::quantize(&pseudo_random(64, 1), 2, 32).unwrap();
        let x = Tensor::<2>::zeros([1, 64], &Device::flex());
        assert!(matches!(
            block_on(QMatrix::from_q8(q).matmul(x)),
            Err(KernelError::Shape(_))
        ));
    }
}
