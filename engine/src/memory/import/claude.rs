//! Claude data export (`conversations.json` with `chat_messages`): an array of conversations
//! `{name, created_at, chat_messages: [{sender: "human"|"assistant", text, content?}]}`.
//! Each conversation becomes a dated heading with `User:`/`Assistant:` paragraphs.

use serde_json::Value;

use super::chatgpt::conversations_document;
use super::{Document, Importer};
use crate::memory::{date, ImportErrorKind, SourceKind};

pub struct ClaudeImporter;

fn malformed(d: impl Into<String>) -> ImportErrorKind {
    ImportErrorKind::Malformed { format: "Claude export", detail: d.into() }
}

fn message_text(m: &Value) -> String {
    if let Some(t) = m["text"].as_str().filter(|t| !t.trim().is_empty()) {
        return t.trim().to_string();
    }
    m["content"]
        .as_array()
        .map(|parts| parts.iter().filter_map(|p| p["text"].as_str()).collect::<Vec<_>>().join("\n"))
        .unwrap_or_default()
        .trim()
        .to_string()
}

impl Importer for ClaudeImporter {
    fn kind(&self) -> SourceKind {
        SourceKind::ClaudeExport
    }
    fn accepts(&self, ext: &str, text: &str) -> bool {
        ext == "json" && text.contains("\"chat_messages\"")
    }
    fn parse(&self, _name: &str, text: &str) -> Result<Document, ImportErrorKind> {
        let v: Value = serde_json::from_str(text).map_err(|e| malformed(format!("invalid JSON: {e}")))?;
        let list = v.as_array().ok_or_else(|| malformed("expected an array of conversations"))?;
        let mut convs = Vec::new();
        for c in list {
            let msgs = c["chat_messages"].as_array().ok_or_else(|| malformed("a conversation has no `chat_messages` array"))?;
            let title = c["name"].as_str().filter(|s| !s.is_empty()).unwrap_or("Untitled conversation").to_string();
            let created = c["created_at"].as_str().and_then(date::from_iso);
            let mut out = Vec::new();
            for m in msgs {
                let sender = m["sender"].as_str().ok_or_else(|| malformed("a message has no `sender`"))?;
                let text = message_text(m);
                if !text.is_empty() {
                    out.push((if sender == "human" { "user".to_string() } else { "assistant".to_string() }, text));
                }
            }
            convs.push((title, created, out));
        }
        let doc = conversations_document(&convs);
        if doc.blocks.is_empty() {
            return Err(ImportErrorKind::Empty);
        }
        Ok(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::import::Block;

    #[test]
    fn reads_conversations() {
        let j = r#"[{"uuid":"1","name":"Trip","created_at":"2025-01-02T10:00:00Z","chat_messages":[
            {"sender":"human","text":"My partner is Alex."},{"sender":"assistant","text":"","content":[{"type":"text","text":"Nice."}]}]}]"#;
        let d = ClaudeImporter.parse("conversations.json", j).unwrap();
        assert_eq!(d.blocks[0], Block::Heading { level: 1, text: "Trip".into(), dated: date::from_iso("2025-01-02T10:00") });
        assert_eq!(d.blocks[1], Block::Para("User: My partner is Alex.".into()));
        assert_eq!(d.blocks[2], Block::Para("Assistant: Nice.".into()));
    }

    #[test]
    fn malformed_exports_are_refused() {
        assert!(matches!(ClaudeImporter.parse("c.json", r#"{"chat_messages": 1}"#), Err(ImportErrorKind::Malformed { .. })));
        assert!(matches!(ClaudeImporter.parse("c.json", r#"[{"chat_messages": [{"text": "x"}]}]"#), Err(ImportErrorKind::Malformed { .. })));
        assert!(matches!(ClaudeImporter.parse("c.json", r#"[{"chat_messages": "#), Err(ImportErrorKind::Malformed { .. })));
        assert_eq!(ClaudeImporter.parse("c.json", r#"[{"chat_messages": []}]"#), Err(ImportErrorKind::Empty));
    }
}
