//! Launch glue for the Q8_0 CubeCL kernel: uploads the repacked blocks once, checks shapes,
//! allocates the output and picks the grid.
//!
//! Grid: `CubeDim = (64, 1, 1)`, `CubeCount = (ceil(rows / 64), n, 1)`: one unit per output
//! element. Called by [`crate::kernels::QMatrix`] for tensors on a CubeCL device (wgpu).

use burn_cubecl::tensor::CubeTensor;
use cubecl::prelude::*;
use cubecl::server::Handle;

use super::block::Q8Host;
use super::kernel::q8_0_matmul_kernel;
use crate::kernels::q4::launch::f32_bytes;
use crate::kernels::{cube_output, KernelError, GROUP};

/// A Q8_0 matrix resident on a CubeCL device, still 8-bit.
#[derive(Clone)]
pub struct Q8Device {
    rows: usize,
    cols: usize,
    qs: Handle,
    d: Handle,
}

impl core::fmt::Debug for Q8Device {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Q8Device({}×{})", self.rows, self.cols)
    }
}

impl Q8Device {
    /// Uploads the repacked matrix through `client`.
    pub fn upload(host: &Q8Host, client: &Client) -> Self {
        let words: Vec<u8> = host.qs.iter().map(|&q| q as u8).collect();
        Self {
            rows: host.rows,
            cols: host.cols,
            qs: client.create_from_slice(&words),
            d: client.create_from_slice(&f32_bytes(&host.d)),
        }
    }

    /// `x · Wᵀ` for a contiguous f32 `x` of shape `[n, cols]`; returns `[n, rows]`.
    pub fn matmul(&self, x: CubeTensor) -> Result<CubeTensor, KernelError> {
        let n = crate::kernels::check_activation(&x, self.cols)?;
        let out = cube_output(&x, n, self.rows);
        let blocks = self.rows * self.cols / 32;
        let client = x.client.clone();
        let count = CubeCount::Static(self.rows.div_ceil(GROUP) as u32, n as u32, 1);
        // SAFETY: every buffer length is the exact element count of its handle.
        unsafe {
            q8_0_matmul_kernel::launch(
                &client,
                count,
                CubeDim::new_1d(GROUP as u32),
                BufferArg::from_raw_parts(self.qs.clone(), blocks * 8),
                BufferArg::from_raw_parts(self.d.clone(), blocks),
                x.into_buffer_arg(),
                out.clone().into_buffer_arg(),
                self.rows,
                self.cols,
            );
        }
        Ok(out)
    }
}
