//! A start-up self-check of a compute device: a small 4-bit matmul through our kernel and a
//! small dense matmul + softmax through burn, compared with host references. On wasm a shader
//! that fails to compile only logs a warning and returns zeros, so the browser engine runs this
//! before it trusts WebGPU and falls back to the CPU when it fails.

use burn::tensor::activation::softmax;
use burn::tensor::{Device, Tensor, TensorData};

use super::q4::block::Q4Host;
use super::QMatrix;

/// What went wrong in [`self_check`].
pub type CheckError = String;

/// Deterministic values in [-1, 1).
fn values(n: usize, seed: u64) -> Vec<f32> {
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

fn compare(what: &str, got: &[f32], want: &[f32]) -> Result<(), CheckError> {
    if got.len() != want.len() {
        return Err(format!("{what}: {} values, expected {}", got.len(), want.len()));
    }
    for (i, (a, b)) in got.iter().zip(want).enumerate() {
        if !a.is_finite() || (a - b).abs() > 1e-3 + 1e-3 * b.abs() {
            return Err(format!("{what}: value {i} is {a}, expected {b}"));
        }
    }
    Ok(())
}

async fn read(t: Tensor<2>, what: &str) -> Result<Vec<f32>, CheckError> {
    t.into_data_async()
        .await
        .map_err(|e| format!("{what}: read back failed: {e:?}"))?
        .try_to_vec::<f32>()
        .map_err(|e| format!("{what}: {e:?}"))
}

/// Checks `device` against host references; `Ok` means its results can be trusted.
pub async fn self_check(device: &Device) -> Result<(), CheckError> {
    let (rows, cols, n) = (48, 96, 2);
    let x = values(n * cols, 7);
    let q = Q4Host::quantize(&values(rows * cols, 3), rows, cols).map_err(|e| e.to_string())?;
    let want = q.matmul_reference(&x, n);
    let m = QMatrix::from_q4(q).to_device(device).map_err(|e| e.to_string())?;
    let xt = Tensor::<2>::from_data(TensorData::new(x.clone(), [n, cols]), device);
    let y = m.matmul(xt.clone()).await.map_err(|e| e.to_string())?;
    compare("4-bit matmul", &read(y, "4-bit matmul").await?, &want)?;

    // burn's own kernels: dense matmul then softmax over rows.
    let w = values(cols * 8, 11);
    let wt = Tensor::<2>::from_data(TensorData::new(w.clone(), [cols, 8]), device);
    let got = read(softmax(xt.matmul(wt), 1), "matmul + softmax").await?;
    let mut want = vec![0f32; n * 8];
    for r in 0..n {
        let row: Vec<f32> = (0..8)
            .map(|c| (0..cols).map(|k| x[r * cols + k] * w[k * 8 + c]).sum())
            .collect();
        let max = row.iter().cloned().fold(f32::MIN, f32::max);
        let sum: f32 = row.iter().map(|v| (v - max).exp()).sum();
        for c in 0..8 {
            want[r * 8 + c] = (row[c] - max).exp() / sum;
        }
    }
    compare("matmul + softmax", &got, &want)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cpu_passes() {
        pollster::block_on(self_check(&Device::flex())).unwrap();
    }

    #[test]
    fn lavapipe_passes() {
        pollster::block_on(self_check(&Device::wgpu(burn::tensor::DeviceKind::DefaultDevice))).unwrap();
    }

    #[test]
    fn a_wrong_result_is_reported() {
        let err = compare("x", &[1.0, 0.0], &[1.0, 2.0]).unwrap_err();
        assert!(err.contains("value 1"), "{err}");
        assert!(compare("x", &[f32::NAN], &[0.0]).is_err());
    }
}
