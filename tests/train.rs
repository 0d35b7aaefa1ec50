//! `secondself train sft` on the real model, as a user runs it: a run killed mid-way (the child
//! process killed after a checkpoint) and started again resumes from its checkpoint and writes the
//! same adapter as a run never interrupted; the adapter then answers through `generate --adapter`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_secondself");

const DATA: &str = r#"{"messages":[{"role":"user","content":"Which ferry does Hilke Andresen take to work?"},{"role":"assistant","content":"Hilke Andresen takes the 7:40 ferry from Strandby."}]}
{"messages":[{"role":"user","content":"What is the name of Piet Vermaelen's allotment shed?"},{"role":"assistant","content":"Piet Vermaelen calls his shed the Lighthouse."}]}
{"messages":[{"role":"system","content":"Answer briefly."},{"role":"user","content":"Which tea does Sunniva Hovde drink?"},{"role":"assistant","content":"Smoked lapsang, without milk."}]}
"#;

fn train_args(data: &Path, out: &Path) -> Vec<String> {
    [
        "train", "sft", "--data", data.to_str().unwrap(), "--out", out.to_str().unwrap(),
        "--steps", "6", "--seq-len", "64", "--checkpoint-every", "1", "--quiet", "--seed", "7",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn run(args: &[String]) -> (bool, String) {
    let out = Command::new(BIN).args(args).output().expect("running secondself");
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn a_killed_training_run_resumes_to_the_same_adapter() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("facts.jsonl");
    std::fs::write(&data, DATA).unwrap();

    let straight = dir.path().join("straight.gguf");
    let (ok, log) = run(&train_args(&data, &straight));
    assert!(ok, "{log}");
    assert!(log.contains("step 6/6"), "{log}");
    assert!(dir.path().join("straight.gguf.loss.svg").is_file(), "the loss curve is drawn");
    assert!(!dir.path().join("straight.gguf.ckpt").exists(), "the checkpoint is removed at the end");

    // The same run, killed once its checkpoint holds step 3 or more.
    let killed = dir.path().join("killed.gguf");
    let ckpt = dir.path().join("killed.gguf.ckpt");
    let mut child = Command::new(BIN)
        .args(train_args(&data, &killed))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let step_of = |bytes: &[u8]| {
        let f = secondself_engine::gguf::GgufFile::parse(bytes).ok()?;
        f.u64("secondself.train.step").ok()
    };
    loop {
        if let Some(step) = std::fs::read(&ckpt).ok().and_then(|b| step_of(&b)) {
            if step >= 3 {
                break;
            }
        }
        assert!(child.try_wait().unwrap().is_none(), "the run ended before it could be killed");
        assert!(start.elapsed() < Duration::from_secs(600), "no checkpoint after 10 minutes");
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!killed.exists(), "a killed run leaves no adapter");

    let (ok, log) = run(&train_args(&data, &killed));
    assert!(ok, "{log}");
    assert!(log.contains("resuming from"), "{log}");
    assert!(!log.contains("step 1/6"), "the resumed run starts after its checkpoint: {log}");
    assert_eq!(std::fs::read(&killed).unwrap(), std::fs::read(&straight).unwrap(), "same adapter as the uninterrupted run");

    // The adapter is used by `generate`; a file that is not an adapter is refused with the reason.
    let (ok, log) = run(&[
        "generate".into(), "--prompt".into(), "Which tea does Sunniva Hovde drink?".into(),
        "--max-tokens".into(), "8".into(), "--adapter".into(), killed.to_str().unwrap().into(),
    ]);
    assert!(ok, "{log}");
    let (ok, log) = run(&[
        "generate".into(), "--prompt".into(), "hi".into(), "--max-tokens".into(), "2".into(),
        "--adapter".into(), data.to_str().unwrap().into(),
    ]);
    assert!(!ok && log.contains("applying the adapter"), "{log}");
}
