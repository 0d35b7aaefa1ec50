//! Training data: JSONL files read with line-numbered errors, tokenized as the model reads chats
//! (ChatML), with the tokens the loss scores marked (the assistant's replies and their end mark,
//! never the prompt), and packed into sequences.
//!
//! - SFT lines: `{"messages":[{"role":"system"|"user"|"assistant","content":"…"},…]}`.
//! - DPO lines: `{"prompt":"…" | [messages…], "chosen":"…", "rejected":"…"}`.
//!
//! Called by [`super::trainer`] and the CLI.

use std::ops::Range;

use serde_json::Value;

use crate::tokenizer::{ChatMessage, Tokenizer};

/// Why a dataset cannot be used, with the line it is on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DataError {
    #[error("line {line}: {why}")]
    Line { line: usize, why: String },
    #[error("the dataset has no usable example")]
    Empty,
}

/// One SFT example, tokenized: the ranges of `tokens` the loss scores.
#[derive(Debug, Clone, PartialEq)]
pub struct SftExample {
    pub tokens: Vec<u32>,
    pub scored: Vec<Range<usize>>,
}

/// One DPO pair, tokenized: prompt + chosen and prompt + rejected, each scoring its reply.
#[derive(Debug, Clone, PartialEq)]
pub struct DpoExample {
    pub chosen: SftExample,
    pub rejected: SftExample,
}

/// A conversation from an SFT line.
pub type Conversation = Vec<ChatMessage>;

/// A preference from a DPO line.
#[derive(Debug, Clone, PartialEq)]
pub struct Preference {
    pub prompt: Conversation,
    pub chosen: String,
    pub rejected: String,
}

fn message(v: &Value, line: usize) -> Result<ChatMessage, DataError> {
    let err = |why: String| DataError::Line { line, why };
    let role = v.get("role").and_then(Value::as_str).ok_or_else(|| err("a message without a \"role\" string".into()))?;
    if !matches!(role, "system" | "user" | "assistant") {
        return Err(err(format!("role \"{role}\" is not system, user or assistant")));
    }
    let content = v
        .get("content")
        .and_then(Value::as_str)
        .ok_or_else(|| err(format!("a {role} message without a \"content\" string")))?;
    Ok(ChatMessage::new(role, content))
}

fn lines(text: &str) -> impl Iterator<Item = (usize, Result<Value, DataError>)> + '_ {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let line = i + 1;
            (line, serde_json::from_str::<Value>(l).map_err(|e| DataError::Line { line, why: format!("not JSON: {e}") }))
        })
}

/// Reads SFT conversations; every one must hold an assistant message.
pub fn parse_sft(text: &str) -> Result<Vec<Conversation>, DataError> {
    let mut out = Vec::new();
    for (line, value) in lines(text) {
        let value = value?;
        let msgs = value
            .get("messages")
            .and_then(Value::as_array)
            .ok_or_else(|| DataError::Line { line, why: "no \"messages\" array".into() })?;
        let conv = msgs.iter().map(|m| message(m, line)).collect::<Result<Vec<_>, _>>()?;
        if !conv.iter().any(|m| m.role == "assistant") {
            return Err(DataError::Line { line, why: "no assistant message to learn from".into() });
        }
        out.push(conv);
    }
    if out.is_empty() {
        return Err(DataError::Empty);
    }
    Ok(out)
}

/// Reads DPO preferences.
pub fn parse_dpo(text: &str) -> Result<Vec<Preference>, DataError> {
    let mut out = Vec::new();
    for (line, value) in lines(text) {
        let value = value?;
        let err = |why: &str| DataError::Line { line, why: why.into() };
        let prompt = match value.get("prompt") {
            Some(Value::String(s)) => vec![ChatMessage::user(s.as_str())],
            Some(Value::Array(msgs)) => msgs.iter().map(|m| message(m, line)).collect::<Result<Vec<_>, _>>()?,
            _ => return Err(err("no \"prompt\" (a string or a messages array)")),
        };
        let text_of = |key: &str| -> Result<String, DataError> {
            match value.get(key) {
                Some(Value::String(s)) => Ok(s.clone()),
                Some(Value::Object(m)) => m
                    .get("content")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .ok_or_else(|| err(&format!("\"{key}\" has no content"))),
                _ => Err(err(&format!("no \"{key}\" reply"))),
            }
        };
        let (chosen, rejected) = (text_of("chosen")?, text_of("rejected")?);
        if chosen == rejected {
            return Err(err("\"chosen\" and \"rejected\" are the same reply"));
        }
        out.push(Preference { prompt, chosen, rejected });
    }
    if out.is_empty() {
        return Err(DataError::Empty);
    }
    Ok(out)
}

/// Tokenizes a conversation, scoring each assistant message's tokens through its end mark.
pub fn tokenize(tok: &Tokenizer, conv: &[ChatMessage]) -> SftExample {
    let tokens = tok.encode_chat(conv, false);
    let mut scored = Vec::new();
    for (i, m) in conv.iter().enumerate() {
        if m.role != "assistant" {
            continue;
        }
        let prompt = tok.encode_chat(&conv[..i], true);
        let upto = tok.encode_chat(&conv[..=i], false);
        // Contents are encoded apart from the template's control tokens, so each prefix's ids
        // are a prefix of the whole; check rather than assume.
        if !tokens.starts_with(&upto) || !upto.starts_with(&prompt) {
            continue;
        }
        let Some(end) = upto.iter().rposition(|&t| t == tok.im_end_id()) else {
            continue;
        };
        if end >= prompt.len() {
            scored.push(prompt.len()..end + 1);
        }
    }
    SftExample { tokens, scored }
}

/// Tokenizes a preference pair.
pub fn tokenize_pair(tok: &Tokenizer, p: &Preference) -> DpoExample {
    let with = |reply: &str| {
        let mut conv = p.prompt.clone();
        conv.push(ChatMessage::assistant(reply));
        let mut ex = tokenize(tok, &conv);
        // Only the final reply is compared.
        ex.scored = ex.scored.last().cloned().into_iter().collect();
        ex
    };
    DpoExample { chosen: with(&p.chosen), rejected: with(&p.rejected) }
}

impl SftExample {
    /// Scored tokens.
    pub fn scored_len(&self) -> usize {
        self.scored.iter().map(|r| r.len()).sum()
    }

    /// Keeps at most `max` tokens, cutting from the start (the replies are at the end); the
    /// scored ranges move with the cut. `None` when nothing scored is left.
    pub fn fit(mut self, max: usize) -> Option<Self> {
        if self.tokens.len() > max {
            let cut = self.tokens.len() - max;
            self.tokens.drain(..cut);
            self.scored = self
                .scored
                .into_iter()
                .filter_map(|r| {
                    let (s, e) = (r.start.max(cut + 1) - cut, r.end.saturating_sub(cut));
                    (s < e).then_some(s..e)
                })
                .collect();
        }
        (self.scored_len() > 0).then_some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sft_lines_are_checked_with_their_line_number() {
        let ok = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"}]}\n\n";
        assert_eq!(parse_sft(ok).unwrap().len(), 1);
        let no_reply = format!("{ok}{{\"messages\":[{{\"role\":\"user\",\"content\":\"hi\"}}]}}\n");
        assert_eq!(
            parse_sft(&no_reply).unwrap_err(),
            DataError::Line { line: 3, why: "no assistant message to learn from".into() }
        );
        let bad_role = "{\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}";
        assert!(parse_sft(bad_role).unwrap_err().to_string().contains("line 1: role \"tool\""));
        assert!(parse_sft("not json").unwrap_err().to_string().starts_with("line 1: not JSON"));
        assert_eq!(parse_sft("\n \n").unwrap_err(), DataError::Empty);
    }

    #[test]
    fn dpo_lines_take_a_string_or_messages_as_prompt() {
        let text = "{\"prompt\":\"Which tea?\",\"chosen\":\"Green.\",\"rejected\":\"Coffee.\"}\n\
                    {\"prompt\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi\"}],\"chosen\":{\"content\":\"Hi!\"},\"rejected\":\"Good day to you, friend.\"}";
        let p = parse_dpo(text).unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].prompt, vec![ChatMessage::user("Which tea?")]);
        assert_eq!(p[1].prompt.len(), 2);
        assert_eq!(p[1].chosen, "Hi!");
        let same = "{\"prompt\":\"x\",\"chosen\":\"a\",\"rejected\":\"a\"}";
        assert!(parse_dpo(same).unwrap_err().to_string().contains("the same reply"));
    }

    #[test]
    fn fitting_cuts_from_the_start_and_keeps_the_reply() {
        let ex = SftExample { tokens: (0..10).collect(), scored: vec![2..4, 7..10] };
        let fit = ex.clone().fit(5).unwrap();
        assert_eq!(fit.tokens, vec![5, 6, 7, 8, 9]);
        assert_eq!(fit.scored, vec![2..5]);
        // The first kept token has no context to be predicted from: it is not scored.
        let fit = ex.clone().fit(3).unwrap();
        assert_eq!(fit.scored, vec![1..3]);
        assert!(SftExample { tokens: (0..10).collect(), scored: vec![1..3] }.fit(4).is_none());
    }
}
