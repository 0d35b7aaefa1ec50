//! What a GPU adapter is, as far as the choice of device goes: the browser engine runs the model
//! on WebGPU only when the adapter is real hardware. A software adapter (SwiftShader in Chrome
//! without a usable GPU, llvmpipe/lavapipe under Mesa, Microsoft's Basic Render Driver) emulates
//! the GPU on the CPU one dispatch at a time, and is much slower than running the model on the
//! CPU directly (measured in headless Chromium: ~0.1 tok/s on SwiftShader against the wasm CPU
//! path's tokens per second), so the engine takes the CPU there and says why.

/// The fields of a WebGPU `GPUAdapterInfo` (or wgpu's `AdapterInfo`) that tell software from
/// hardware.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdapterInfo {
    pub vendor: String,
    pub architecture: String,
    pub device: String,
    pub description: String,
    /// `GPUAdapterInfo.isFallbackAdapter`: the browser's own "this is not a real GPU".
    pub is_fallback: bool,
}

/// Renderer names that emulate a GPU on the CPU.
const SOFTWARE_RENDERERS: &[&str] = &["swiftshader", "llvmpipe", "lavapipe", "softpipe", "basic render", "warp"];

impl AdapterInfo {
    /// A short name for the UI: the description, else the device, else `vendor (architecture)`.
    pub fn label(&self) -> String {
        if !self.description.is_empty() {
            self.description.clone()
        } else if !self.device.is_empty() {
            self.device.clone()
        } else if !self.vendor.is_empty() {
            format!("{} ({})", self.vendor, self.architecture)
        } else {
            "WebGPU adapter".into()
        }
    }

    /// The software renderer this adapter is, if it is one (`None` for real hardware).
    pub fn software_renderer(&self) -> Option<String> {
        if self.is_fallback {
            return Some(self.label());
        }
        let words = [&self.vendor, &self.architecture, &self.device, &self.description];
        for name in SOFTWARE_RENDERERS {
            for w in words {
                let lower = w.to_lowercase();
                // "warp" only as a whole word (Microsoft WARP), not inside a product name.
                let hit = if *name == "warp" {
                    lower.split(|c: char| !c.is_alphanumeric()).any(|t| t == "warp")
                } else {
                    lower.contains(name)
                };
                if hit {
                    return Some(self.label());
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(vendor: &str, architecture: &str, description: &str) -> AdapterInfo {
        AdapterInfo { vendor: vendor.into(), architecture: architecture.into(), description: description.into(), ..Default::default() }
    }

    #[test]
    fn software_renderers_are_recognised() {
        assert_eq!(info("google", "swiftshader", "").software_renderer().as_deref(), Some("google (swiftshader)"));
        assert!(info("mesa", "", "llvmpipe (LLVM 15.0.7, 256 bits)").software_renderer().is_some());
        assert!(info("", "", "Microsoft Basic Render Driver").software_renderer().is_some());
        assert!(info("microsoft", "", "WARP").software_renderer().is_some());
        let fallback = AdapterInfo { is_fallback: true, ..info("acme", "x", "") };
        assert!(fallback.software_renderer().is_some());
    }

    #[test]
    fn hardware_is_not_software() {
        for i in [info("nvidia", "hopper", "NVIDIA H100 80GB HBM3"), info("apple", "metal-3", ""), info("intel", "gen-12lp", "Intel(R) Iris(R) Xe Graphics"), info("amd", "rdna-3", "Radeon Warpath 7900")] {
            assert_eq!(i.software_renderer(), None, "{i:?}");
        }
        assert_eq!(AdapterInfo::default().label(), "WebGPU adapter");
    }
}
