//! `secondself`: the host CLI. With no subcommand it runs the demo: serves the demo site on
//! 127.0.0.1 and opens Chromium with the extension loaded on it (`cargo run --release`).
//! Parses arguments and dispatches to `src/cli/<command>.rs`.
//!
//! Subcommands are interfaces others rely on: keep their names and output stable.

mod cli;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "secondself", version, about = "SecondSelf: your memory on your device, a small model on your side.")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the demo site and open Chromium with the extension loaded (the default).
    Run(cli::run::Args),
    /// Write the store-ready zip of the extension.
    Pack(cli::pack::Args),
    /// Your memory: import files, list profile facts, search.
    Memory(cli::memory::Args),
    /// Ask the model natively and stream its answer (chat-formatted; `--raw` for plain text).
    Generate(cli::generate::Args),
    /// Evaluations against the shared data.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Benchmarks.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Train the learned parts of the engine.
    #[command(subcommand)]
    Train(TrainCommand),
}

#[derive(Debug, Subcommand)]
enum TrainCommand {
    /// Train the autofill classifier's learned layer on labelled pages (cross-validated by site).
    Autofill(cli::train_autofill::Args),
    /// LoRA supervised fine-tuning of the model on chats (JSONL of {"messages": [...]}).
    Sft(cli::train_lora::SftArgs),
    /// LoRA DPO from a reference adapter on preferences (JSONL of {"prompt","chosen","rejected"}).
    Dpo(cli::train_lora::DpoArgs),
    /// The personal pipeline on a persona: synthesise from its memory, filter, SFT, evaluate.
    Persona(cli::train_persona::Args),
}

#[derive(Debug, Subcommand)]
enum EvalCommand {
    /// Import a persona's sources into a fresh store and score the distilled profile.
    Profile(cli::eval_profile::Args),
    /// Score the L1 rules source by source against a labelled extraction set (precision and
    /// recall per fact kind).
    Extraction(cli::eval_extraction::Args),
    /// Score autofill on labelled pages in headless Chromium with the extension.
    Autofill(cli::eval_autofill::Args),
    /// Run a persona's cases (memory QA, enhance, critic, autofill) natively and print the table.
    Persona(cli::eval_persona::Args),
    /// Run LoCoMo conversations' memory questions and print token F1 per category.
    Locomo(cli::eval_locomo::Args),
    /// Session recall of memory search on LoCoMo conversations: keywords, meaning, hybrid.
    Retrieval(cli::eval_retrieval::Args),
    /// LoRA on the real model: SFT on 16 invented facts (recall, paraphrases, no collapse),
    /// then DPO (margin on held-out pairs).
    Train(cli::eval_train::Args),
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// Top-10 query latency over 50k generated chunks.
    Retrieval(cli::bench_retrieval::Args),
    /// Model load time, prefill and decode tok/s, peak memory, with llama.cpp in the same run.
    Model(cli::bench_model::Args),
    /// LoRA training tokens/s and peak memory, with PyTorch + PEFT in the same run.
    Train(cli::bench_train::Args),
    /// Reading a PDF's text: the engine's importer against pdf.js.
    Pdf(cli::bench_pdf::Args),
}

fn main() {
    let result = match Cli::parse().command.unwrap_or(Command::Run(cli::run::Args::default())) {
        Command::Run(a) => cli::run::run(a),
        Command::Pack(a) => cli::pack::run(a),
        Command::Memory(a) => cli::memory::run(a),
        Command::Generate(a) => cli::generate::run(a),
        Command::Eval(EvalCommand::Profile(a)) => cli::eval_profile::run(a),
        Command::Eval(EvalCommand::Extraction(a)) => cli::eval_extraction::run(a),
        Command::Eval(EvalCommand::Autofill(a)) => cli::eval_autofill::run(a),
        Command::Eval(EvalCommand::Persona(a)) => cli::eval_persona::run(a),
        Command::Eval(EvalCommand::Locomo(a)) => cli::eval_locomo::run(a),
        Command::Eval(EvalCommand::Retrieval(a)) => cli::eval_retrieval::run(a),
        Command::Eval(EvalCommand::Train(a)) => cli::eval_train::run(a),
        Command::Bench(BenchCommand::Retrieval(a)) => cli::bench_retrieval::run(a),
        Command::Bench(BenchCommand::Model(a)) => cli::bench_model::run(a),
        Command::Bench(BenchCommand::Train(a)) => cli::bench_train::run(a),
        Command::Bench(BenchCommand::Pdf(a)) => cli::bench_pdf::run(a),
        Command::Train(TrainCommand::Autofill(a)) => cli::train_autofill::run(a),
        Command::Train(TrainCommand::Sft(a)) => cli::train_lora::run_sft(a),
        Command::Train(TrainCommand::Dpo(a)) => cli::train_lora::run_dpo(a),
        Command::Train(TrainCommand::Persona(a)) => cli::train_persona::run(a),
    };
    if let Err(e) = result {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}
