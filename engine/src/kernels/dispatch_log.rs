//! Counting GPU dispatches natively. CubeCL can log every kernel it runs (a line
//! `Executing <kernel>`) when its profiling log level is `minimal`; the setting is global and must
//! be made before any device starts, so `secondself bench model` measures dispatches per decoded
//! token in a child process that calls [`log_dispatches_to_stdout`] first and prints marks
//! around the decode steps it counts.

use cubecl::config::profiling::ProfilingLogLevel;
use cubecl::config::{CubeClRuntimeConfig, RuntimeConfig};

/// The start of the line CubeCL logs for each kernel it runs.
pub const EXECUTING: &str = "Executing ";

/// Makes CubeCL print one line per kernel run to stdout. False when the configuration was
/// already fixed (a device started before this call), in which case nothing is logged.
pub fn log_dispatches_to_stdout() -> bool {
    let mut config = CubeClRuntimeConfig::default();
    config.profiling.logger.level = ProfilingLogLevel::Minimal;
    config.profiling.logger.stdout = true;
    CubeClRuntimeConfig::try_set(config)
}

/// Kernel runs per step between the lines `start` and `end` of a child's output.
pub fn count_between(output: &str, start: &str, end: &str, steps: usize) -> Option<f64> {
    let from = output.find(start)? + start.len();
    let to = from + output[from..].find(end)?;
    let runs = output[from..to].lines().filter(|l| l.contains(EXECUTING)).count();
    (steps > 0).then(|| runs as f64 / steps as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_only_between_the_marks() {
        let out = "Executing a\n@start\nExecuting b\nnoise\nExecuting c\nExecuting d\nExecuting e\n@end\nExecuting f\n";
        assert_eq!(count_between(out, "@start", "@end", 2), Some(2.0));
        assert_eq!(count_between(out, "@start", "@missing", 2), None);
        assert_eq!(count_between(out, "@start", "@end", 0), None);
    }
}
