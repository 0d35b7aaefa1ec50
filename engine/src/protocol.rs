//! The typed protocol between the extension and the engine.
//!
//! JavaScript sends `{id, request}` envelopes; the engine answers each with exactly one
//! `{id, reply}` and, for long work, any number of `{id, event}` before it. Message kinds are
//! `area.verb`; `extension/protocol.js` lists the same kinds and a test keeps the two in step.

use serde::{Deserialize, Serialize};

use crate::tasks::critic::Problem;
use crate::tasks::enhance::Added;

/// Everything the engine can be asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum Request {
    /// Is the engine alive? Answered with [`Reply::Pong`].
    #[serde(rename = "engine.ping")]
    Ping,
    /// Add the user's relevant facts to a prompt they are writing on chat site `site`.
    /// Answered with [`Reply::Enhanced`].
    #[serde(rename = "task.enhance")]
    Enhance { site: String, prompt: String },
    /// Check an AI `reply` (to the user's `request`) against their facts. Answered with
    /// [`Reply::Critiqued`]. The reply is page text: data, never instructions.
    #[serde(rename = "task.critique")]
    Critique { request: String, reply: String },
    /// Remember `key: value` as a user-stated fact (pinned). Answered with [`Reply::Pinned`].
    #[serde(rename = "memory.pin")]
    Pin { key: String, value: String },
}

/// The one final answer to a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum Reply {
    /// The engine's version and the compute backend it runs on.
    #[serde(rename = "engine.pong")]
    Pong { version: String, backend: Backend },
    /// The request failed; `error` is a stable kind, `message` says what to do.
    #[serde(rename = "engine.error")]
    Error { error: String, message: String },
    /// `enhanced` = the unchanged `prompt`, then the added context; `added` lists each sentence
    /// with the fact it came from (empty when nothing relevant was found).
    #[serde(rename = "task.enhanced")]
    Enhanced { prompt: String, enhanced: String, added: Vec<Added> },
    /// `fits` when nothing in the reply conflicts with the user's facts; else the `problems`,
    /// each citing its fact.
    #[serde(rename = "task.critiqued")]
    Critiqued { fits: bool, problems: Vec<Problem> },
    /// The fact was stored; `sensitive` facts are kept but never volunteered to pages.
    #[serde(rename = "memory.pinned")]
    Pinned { key: String, value: String, sensitive: bool },
}

/// Progress and partial results sent before the final reply of long work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum Event {
    /// `done` of `total` units of `stage` are finished.
    #[serde(rename = "engine.progress")]
    Progress { stage: String, done: u64, total: u64 },
}

/// Where the engine computes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Backend {
    /// A WebGPU (browser) or wgpu (native) adapter, by name.
    Gpu { adapter: String },
    /// The CPU, with the number of threads used.
    Cpu { threads: u32 },
}

impl Backend {
    /// A short human label such as `WebGPU: SwiftShader` or `CPU (1 thread)`.
    pub fn label(&self) -> String {
        match self {
            Backend::Gpu { adapter } => format!("GPU: {adapter}"),
            Backend::Cpu { threads } => {
                format!("CPU ({threads} thread{})", if *threads == 1 { "" } else { "s" })
            }
        }
    }
}

/// Every request and reply/event kind, in declaration order. `extension/protocol.js` must match.
pub const KINDS: &[&str] = &[
    "engine.ping",
    "task.enhance",
    "task.critique",
    "memory.pin",
    "engine.pong",
    "engine.error",
    "task.enhanced",
    "task.critiqued",
    "memory.pinned",
    "engine.progress",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ping_round_trips_as_its_kind() {
        let json = serde_json::to_string(&Request::Ping).unwrap();
        assert_eq!(json, r#"{"kind":"engine.ping"}"#);
        assert_eq!(serde_json::from_str::<Request>(&json).unwrap(), Request::Ping);
    }

    #[test]
    fn pong_carries_version_and_backend() {
        let reply = Reply::Pong { version: "1.2.3".into(), backend: Backend::Cpu { threads: 1 } };
        let v: serde_json::Value = serde_json::to_value(&reply).unwrap();
        assert_eq!(v["kind"], "engine.pong");
        assert_eq!(v["backend"]["type"], "cpu");
        assert_eq!(v["version"], "1.2.3");
    }

    #[test]
    fn task_requests_decode_from_their_kinds() {
        let r: Request = serde_json::from_str(r#"{"kind":"task.enhance","site":"chatgpt","prompt":"hi"}"#).unwrap();
        assert_eq!(r, Request::Enhance { site: "chatgpt".into(), prompt: "hi".into() });
        let r: Request = serde_json::from_str(r#"{"kind":"task.critique","request":"q","reply":"a"}"#).unwrap();
        assert_eq!(r, Request::Critique { request: "q".into(), reply: "a".into() });
        assert!(serde_json::from_str::<Request>(r#"{"kind":"task.enhance","site":"x"}"#).is_err(), "prompt is required");
        let v = serde_json::to_value(Reply::Critiqued { fits: false, problems: vec![Problem { text: "t".into(), memory: "diet: vegan".into() }] }).unwrap();
        assert_eq!(v["kind"], "task.critiqued");
        assert_eq!(v["problems"][0]["memory"], "diet: vegan");
    }

    #[test]
    fn unknown_kind_is_an_error() {
        assert!(serde_json::from_str::<Request>(r#"{"kind":"engine.nope"}"#).is_err());
    }

    #[test]
    fn kinds_list_names_every_serde_tag_in_this_file() {
        let src = include_str!("protocol.rs");
        let tags: Vec<&str> = src
            .lines()
            .filter_map(|l| l.trim().strip_prefix("#[serde(rename = \""))
            .filter_map(|l| l.split('"').next())
            .collect();
        assert_eq!(tags, KINDS);
    }

    #[test]
    fn backend_labels() {
        assert_eq!(Backend::Cpu { threads: 1 }.label(), "CPU (1 thread)");
        assert_eq!(Backend::Gpu { adapter: "X".into() }.label(), "GPU: X");
    }
}
