//! `secondself pack`: writes the store-ready zip of the built extension (see `secondself::pack`).

use std::path::PathBuf;

use anyhow::Result;

use secondself::{extension_dir, pack, repo_dir};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the zip (default: target/secondself-VERSION.zip).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<()> {
    let out = args.out.unwrap_or_else(|| repo_dir().join("target").join(format!("secondself-{}.zip", env!("CARGO_PKG_VERSION"))));
    let n = pack::pack(&extension_dir(), &out)?;
    let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
    println!("packed {n} files into {} ({:.1} MB)", out.display(), size as f64 / 1e6);
    Ok(())
}
