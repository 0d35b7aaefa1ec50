//! Which model file and compute device the native model commands (`generate`, `bench model`)
//! use: the provisioned SmolLM2 (or `--model PATH`) on the CPU (`flex`) or wgpu (Vulkan natively;
//! lavapipe on machines without a GPU).

use std::path::PathBuf;

use anyhow::{Context, Result};
use burn::tensor::{Device, DeviceKind};
use clap::ValueEnum;
use secondself::provision;

/// A compute backend for the native model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BackendChoice {
    /// burn's `flex` CPU backend with the engine's fused 4-bit kernels.
    Cpu,
    /// burn's wgpu backend (Vulkan) with the engine's CubeCL 4-bit kernels.
    Wgpu,
}

impl BackendChoice {
    /// The burn device for this backend.
    pub fn device(self) -> Device {
        match self {
            BackendChoice::Cpu => Device::flex(),
            BackendChoice::Wgpu => Device::wgpu(DeviceKind::DefaultDevice),
        }
    }

    /// The name printed in tables.
    pub fn label(self) -> &'static str {
        match self {
            BackendChoice::Cpu => "cpu (flex)",
            BackendChoice::Wgpu => "wgpu (vulkan)",
        }
    }
}

/// `--model PATH`, else the default model (fetched once and cached).
pub fn model_file(explicit: Option<PathBuf>) -> Result<PathBuf> {
    match explicit {
        Some(p) => Ok(p),
        None => provision::model_path(&mut |line| eprintln!("{line}")).context("the default model is not available"),
    }
}

/// Sets the CPU kernels' worker threads (`--threads N`) before the model runs.
pub fn set_threads(threads: Option<usize>) {
    if let Some(n) = threads {
        secondself_engine::kernels::set_worker_threads(n);
    }
}
