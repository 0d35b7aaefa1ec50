//! ChatGPT data export `conversations.json`: an array of conversations, each a `mapping` tree
//! of message nodes. Only the current branch is read — from `current_node` up the `parent`
//! links, then reversed — so edited-away branches are not remembered. User and assistant text
//! parts become `User: …` / `Assistant: …` paragraphs under a heading with the conversation
//! title, dated by its `create_time`.

use serde_json::Value;

use super::{Block, Document, Importer};
use crate::memory::{ImportErrorKind, SourceKind};

pub struct ChatgptImporter;

fn malformed(d: impl Into<String>) -> ImportErrorKind {
    ImportErrorKind::Malformed { format: "ChatGPT export", detail: d.into() }
}

/// Text of a message node's content parts (strings only; images etc. skipped).
fn parts_text(msg: &Value) -> String {
    let content = &msg["content"];
    let mut out = Vec::new();
    if let Some(parts) = content["parts"].as_array() {
        for p in parts {
            if let Some(s) = p.as_str() {
                out.push(s.to_string());
            } else if let Some(s) = p["text"].as_str() {
                out.push(s.to_string());
            }
        }
    } else if let Some(s) = content["text"].as_str() {
        out.push(s.to_string());
    }
    out.join("\n").trim().to_string()
}

/// The current branch of one conversation, root first: `(role, text)`.
pub fn current_branch(conv: &Value) -> Result<Vec<(String, String)>, ImportErrorKind> {
    let mapping = conv["mapping"].as_object().ok_or_else(|| malformed("a conversation has no `mapping` object"))?;
    let mut node = conv["current_node"].as_str().map(str::to_string).or_else(|| {
        // No current_node: take the deepest leaf by following first children from a root.
        mapping.values().find(|n| n["children"].as_array().map_or(true, |c| c.is_empty())).and_then(|n| n["id"].as_str().map(str::to_string))
    });
    let mut out = Vec::new();
    let mut steps = 0;
    while let Some(id) = node {
        steps += 1;
        if steps > mapping.len() + 1 {
            return Err(malformed("the `parent` links form a cycle"));
        }
        let n = mapping.get(&id).ok_or_else(|| malformed(format!("node `{id}` is referenced but missing")))?;
        if let Some(msg) = n.get("message").filter(|m| !m.is_null()) {
            let role = msg["author"]["role"].as_str().unwrap_or("");
            let hidden = msg["metadata"]["is_visually_hidden_from_conversation"].as_bool().unwrap_or(false);
            if matches!(role, "user" | "assistant") && !hidden {
                let text = parts_text(msg);
                if !text.is_empty() {
                    out.push((role.to_string(), text));
                }
            }
        }
        node = n["parent"].as_str().map(str::to_string);
    }
    out.reverse();
    Ok(out)
}

/// Conversations → document: one dated level-1 heading per conversation.
pub fn conversations_document(convs: &[(String, Option<i64>, Vec<(String, String)>)]) -> Document {
    let mut blocks = Vec::new();
    for (title, created, msgs) in convs {
        if msgs.is_empty() {
            continue;
        }
        blocks.push(Block::Heading { level: 1, text: title.clone(), dated: Some(created.unwrap_or(0)).filter(|t| *t > 0) });
        for (role, text) in msgs {
            let who = if role == "user" || role == "human" { "User" } else { "Assistant" };
            // One paragraph per message, whitespace collapsed so every line starts with the speaker.
            let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
            blocks.push(Block::Para(format!("{who}: {flat}")));
        }
    }
    Document { title: None, dated: None, blocks }
}

impl Importer for ChatgptImporter {
    fn kind(&self) -> SourceKind {
        SourceKind::ChatgptExport
    }
    fn accepts(&self, ext: &str, text: &str) -> bool {
        ext == "json" && text.contains("\"mapping\"")
    }
    fn parse(&self, _name: &str, text: &str) -> Result<Document, ImportErrorKind> {
        let v: Value = serde_json::from_str(text).map_err(|e| malformed(format!("invalid JSON: {e}")))?;
        let list = match &v {
            Value::Array(a) => a.clone(),
            Value::Object(_) if v.get("mapping").is_some() => vec![v.clone()],
            _ => return Err(malformed("expected an array of conversations")),
        };
        let mut convs = Vec::new();
        for c in &list {
            let title = c["title"].as_str().unwrap_or("Untitled conversation").to_string();
            let created = c["create_time"].as_f64().map(|t| t as i64);
            convs.push((title, created, current_branch(c)?));
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

    fn node(id: &str, parent: Option<&str>, role: Option<&str>, text: &str, children: &[&str]) -> (String, Value) {
        let message = role.map(|r| serde_json::json!({"id": id, "author": {"role": r}, "content": {"content_type": "text", "parts": [text]}}));
        (id.to_string(), serde_json::json!({"id": id, "parent": parent, "children": children, "message": message}))
    }

    #[test]
    fn follows_current_branch_only() {
        let mapping: serde_json::Map<String, Value> = [
            node("root", None, None, "", &["u1"]),
            node("u1", Some("root"), Some("user"), "I am vegan.", &["a_old", "a_new"]),
            node("a_old", Some("u1"), Some("assistant"), "OLD BRANCH", &[]),
            node("a_new", Some("u1"), Some("assistant"), "Noted!", &["u2"]),
            node("u2", Some("a_new"), Some("user"), "Thanks", &[]),
        ]
        .into_iter()
        .collect();
        let conv = serde_json::json!([{"title": "Food", "create_time": 1700000000.5, "current_node": "u2", "mapping": mapping}]);
        let d = ChatgptImporter.parse("conversations.json", &conv.to_string()).unwrap();
        assert_eq!(d.blocks[0], Block::Heading { level: 1, text: "Food".into(), dated: Some(1_700_000_000) });
        assert_eq!(d.blocks[1..], [Block::Para("User: I am vegan.".into()), Block::Para("Assistant: Noted!".into()), Block::Para("User: Thanks".into())]);
    }

    #[test]
    fn malformed_exports_are_refused() {
        assert!(matches!(ChatgptImporter.parse("c.json", "[{\"mapping\": "), Err(ImportErrorKind::Malformed { .. })));
        assert!(matches!(ChatgptImporter.parse("c.json", "{\"x\": \"mapping\"}"), Err(ImportErrorKind::Malformed { .. })));
        let dangling = r#"[{"title":"t","current_node":"a","mapping":{"a":{"id":"a","parent":"zz","message":null}}}]"#;
        let e = ChatgptImporter.parse("c.json", dangling).unwrap_err();
        assert!(e.to_string().contains("missing"), "{e}");
        let cycle = r#"[{"title":"t","current_node":"a","mapping":{"a":{"id":"a","parent":"b"},"b":{"id":"b","parent":"a"}}}]"#;
        assert!(ChatgptImporter.parse("c.json", cycle).unwrap_err().to_string().contains("cycle"));
    }
}
