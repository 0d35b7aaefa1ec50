//! The `secondself` host CLI: parses arguments and dispatches to `src/cli/<command>.rs`.

mod cli;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "secondself", version, about = "SecondSelf host CLI")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    // --- memory (issue 4): memory import|facts|search, eval profile, bench retrieval ---
    /// Your memory: import files, list profile facts, search.
    Memory(cli::memory::Args),
    /// Evaluations against the persona data.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Benchmarks.
    #[command(subcommand)]
    Bench(BenchCommand),
    // --- end memory ---
}

#[derive(Debug, Subcommand)]
enum EvalCommand {
    /// Import a persona's sources into a fresh store and score the distilled profile.
    Profile(cli::eval_profile::Args),
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// Top-10 query latency over 50k generated chunks.
    Retrieval(cli::bench_retrieval::Args),
}

fn main() {
    let result = match Cli::parse().command {
        Command::Memory(a) => cli::memory::run(a),
        Command::Eval(EvalCommand::Profile(a)) => cli::eval_profile::run(a),
        Command::Bench(BenchCommand::Retrieval(a)) => cli::bench_retrieval::run(a),
    };
    if let Err(e) = result {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}
