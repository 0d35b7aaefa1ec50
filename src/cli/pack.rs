//! `secondself pack`: writes the store-ready zips of the built extension (see `secondself::pack`):
//! Chrome's from `dist/extension`, Firefox's from `dist/firefox`.

use std::path::PathBuf;

use anyhow::Result;

use secondself::{extension_dir, firefox_dir, pack, repo_dir};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Browser {
    Chrome,
    Firefox,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which browser's zip to write (default: both).
    #[arg(long, value_enum)]
    pub browser: Option<Browser>,
    /// Where to write the zip (default: target/secondself-VERSION.zip for Chrome,
    /// target/secondself-VERSION-firefox.zip for Firefox); with both browsers, the folder.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<()> {
    let version = env!("CARGO_PKG_VERSION");
    let browsers = match args.browser {
        Some(b) => vec![b],
        None => vec![Browser::Chrome, Browser::Firefox],
    };
    for browser in &browsers {
        let (dir, name) = match browser {
            Browser::Chrome => (extension_dir(), format!("secondself-{version}.zip")),
            Browser::Firefox => (firefox_dir(), format!("secondself-{version}-firefox.zip")),
        };
        let out = match (&args.out, browsers.len()) {
            (Some(p), 1) => p.clone(),
            (Some(dir), _) => dir.join(&name),
            (None, _) => repo_dir().join("target").join(&name),
        };
        let n = pack::pack(&dir, &out)?;
        let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
        println!("packed {n} files into {} ({:.1} MB)", out.display(), size as f64 / 1e6);
    }
    Ok(())
}
