//! Incremental detokenizing and the step API of one generation.
//!
//! Why: the reply is streamed to the page token by token, and JS must be able to cancel between
//! tokens. A byte-level token may end in the middle of a UTF-8 character (emoji and CJK are
//! often split over two or three tokens), so [`StreamDecoder`] holds incomplete bytes back and
//! only ever emits whole characters.
//!
//! Who calls it: the model loop (`model/llama.rs` or `web/`):
//!
//! ```text
//! let mut gen = Generation::start(tokenizer, &prompt_ids, params);
//! let mut logits = model.forward(&prompt_ids)?;           // prefill
//! loop {
//!     let step = gen.next_token(&logits)?;                // sample + detokenize + stop check
//!     emit(step.text_piece);
//!     if step.done.is_some() || cancelled() { break; }
//!     logits = model.forward(&[step.token])?;              // one more position
//! }
//! ```

use std::sync::Arc;

use thiserror::Error;

use super::sampler::{SampleError, Sampler, SamplerParams};
use crate::tokenizer::Tokenizer;

/// Turns a stream of byte chunks into a stream of complete UTF-8 characters.
#[derive(Debug, Clone, Default)]
pub struct StreamDecoder {
    pending: Vec<u8>,
}

impl StreamDecoder {
    /// An empty decoder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds bytes; returns the text of every character now complete. Invalid sequences
    /// become U+FFFD; an incomplete character at the end is kept for the next call.
    pub fn push(&mut self, bytes: &[u8]) -> String {
        self.pending.extend_from_slice(bytes);
        let mut out = String::new();
        let mut start = 0;
        loop {
            match std::str::from_utf8(&self.pending[start..]) {
                Ok(s) => {
                    out.push_str(s);
                    start = self.pending.len();
                    break;
                }
                Err(e) => {
                    let valid = start + e.valid_up_to();
                    // Safe: `from_utf8` validated exactly these bytes.
                    out.push_str(
                        std::str::from_utf8(&self.pending[start..valid]).unwrap_or_default(),
                    );
                    match e.error_len() {
                        Some(bad) => {
                            out.push('\u{FFFD}');
                            start = valid + bad;
                        }
                        None => {
                            start = valid; // incomplete character at the end: wait for more
                            break;
                        }
                    }
                }
            }
        }
        self.pending.drain(..start);
        out
    }

    /// Bytes held back (0 to 3).
    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    /// Ends the stream: an incomplete character left over becomes U+FFFD.
    pub fn finish(&mut self) -> String {
        let out = if self.pending.is_empty() {
            String::new()
        } else {
            "\u{FFFD}".to_string()
        };
        self.pending.clear();
        out
    }
}

/// Why a generation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// The model produced a stop token (EOS, `<|im_end|>` or one in `stop_tokens`); its id.
    StopToken(u32),
    /// `max_tokens` tokens were generated.
    MaxTokens,
    /// The caller cancelled ([`Generation::cancel`]).
    Cancelled,
}

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerationParams {
    /// How to pick tokens.
    pub sampler: SamplerParams,
    /// Most tokens to generate (the stop token included).
    pub max_tokens: usize,
    /// Extra stop token ids besides the tokenizer's EOS and `<|im_end|>`.
    pub stop_tokens: Vec<u32>,
}

impl Default for GenerationParams {
    fn default() -> Self {
        GenerationParams {
            sampler: SamplerParams::default(),
            max_tokens: 256,
            stop_tokens: Vec::new(),
        }
    }
}

/// One generated token.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The token sampled (feed it to the model for the next step unless `done`).
    pub token: u32,
    /// Text that became complete with this token (may be empty: half a character, a control
    /// token, or the stop token).
    pub text_piece: String,
    /// Set when the generation is over; no further `next_token` calls are accepted.
    pub done: Option<StopReason>,
}

/// A step could not be taken.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum GenerateError {
    /// `next_token` was called after the generation ended.
    #[error("the generation has already ended ({0:?})")]
    Finished(StopReason),
    /// The logits have the wrong length.
    #[error("got {got} logits, the vocabulary has {expected} tokens")]
    LogitsLength { got: usize, expected: usize },
    /// The logits cannot be sampled.
    #[error(transparent)]
    Sample(#[from] SampleError),
}

/// The state of one generation: sampler, history, detokenizer and stop conditions.
#[derive(Debug, Clone)]
pub struct Generation {
    tokenizer: Arc<Tokenizer>,
    sampler: Sampler,
    /// Prompt and generated tokens (for the repetition penalty).
    history: Vec<u32>,
    prompt_len: usize,
    max_tokens: usize,
    stop_tokens: Vec<u32>,
    decoder: StreamDecoder,
    text: String,
    done: Option<StopReason>,
}

impl Generation {
    /// Starts a generation after `prompt_ids` (which the caller feeds to the model itself).
    /// With `max_tokens == 0` the generation is over at once ([`Self::done`]).
    pub fn start(tokenizer: Arc<Tokenizer>, prompt_ids: &[u32], params: GenerationParams) -> Self {
        let mut stop_tokens = params.stop_tokens;
        stop_tokens.extend([tokenizer.eos_id(), tokenizer.im_end_id()]);
        Generation {
            tokenizer,
            sampler: Sampler::new(params.sampler),
            history: prompt_ids.to_vec(),
            prompt_len: prompt_ids.len(),
            max_tokens: params.max_tokens,
            stop_tokens,
            decoder: StreamDecoder::new(),
            text: String::new(),
            done: (params.max_tokens == 0).then_some(StopReason::MaxTokens),
        }
    }

    /// Samples the next token from the logits of the last position, detokenizes it and checks
    /// the stop conditions.
    pub fn next_token(&mut self, logits: &[f32]) -> Result<Step, GenerateError> {
        if let Some(reason) = self.done {
            return Err(GenerateError::Finished(reason));
        }
        let expected = self.tokenizer.vocab_size();
        if logits.len() != expected {
            return Err(GenerateError::LogitsLength {
                got: logits.len(),
                expected,
            });
        }
        let token = self.sampler.sample(logits, &self.history)?;
        self.history.push(token);
        let mut text_piece = String::new();
        let mut done = None;
        if self.stop_tokens.contains(&token) {
            done = Some(StopReason::StopToken(token));
        } else if !self.tokenizer.is_control(token) {
            text_piece = self
                .decoder
                .push(self.tokenizer.token_bytes(token).unwrap_or_default());
        }
        if done.is_none() && self.generated().len() >= self.max_tokens {
            done = Some(StopReason::MaxTokens);
        }
        if done.is_some() {
            text_piece.push_str(&self.decoder.finish());
        }
        self.done = done;
        self.text.push_str(&text_piece);
        Ok(Step {
            token,
            text_piece,
            done,
        })
    }

    /// Ends the generation at the caller's request; returns any text held back. Further
    /// `next_token` calls fail. A finished generation stays as it was.
    pub fn cancel(&mut self) -> String {
        if self.done.is_some() {
            return String::new();
        }
        self.done = Some(StopReason::Cancelled);
        let rest = self.decoder.finish();
        self.text.push_str(&rest);
        rest
    }

    /// Why the generation ended, if it has.
    pub fn done(&self) -> Option<StopReason> {
        self.done
    }

    /// The tokens generated so far (the stop token included).
    pub fn generated(&self) -> &[u32] {
        &self.history[self.prompt_len..]
    }

    /// All text emitted so far.
    pub fn text(&self) -> &str {
        &self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenizer::tests::tiny_tokenizer;

    #[test]
    fn decoder_emits_only_whole_characters() {
        let mut d = StreamDecoder::new();
        let emoji = "🙂".as_bytes(); // 4 bytes
        assert_eq!(d.push(b"a"), "a");
        assert_eq!(d.push(&emoji[..1]), "");
        assert_eq!(d.push(&emoji[1..3]), "");
        assert_eq!(d.pending_len(), 3);
        assert_eq!(d.push(&[emoji[3], b'b', 0xc3]), "🙂b");
        assert_eq!(d.push(&[0xa9]), "é");
        assert_eq!(d.finish(), "");
    }

    #[test]
    fn decoder_replaces_invalid_bytes_and_flushes_incomplete_ones() {
        let mut d = StreamDecoder::new();
        assert_eq!(d.push(&[b'x', 0xff, b'y']), "x\u{FFFD}y");
        assert_eq!(d.push(&[0xe6, 0x97]), "");
        assert_eq!(d.push(b"z"), "\u{FFFD}z"); // the incomplete sequence was broken
        assert_eq!(d.push(&[0xf0, 0x9f]), "");
        assert_eq!(d.finish(), "\u{FFFD}");
        assert_eq!(d.pending_len(), 0);
    }

    /// Logits that make token `t` the argmax.
    fn one_hot(n: usize, t: u32) -> Vec<f32> {
        let mut l = vec![0.0; n];
        l[t as usize] = 10.0;
        l
    }

    #[test]
    fn generation_streams_split_characters_and_stops_at_im_end() {
        let tok = Arc::new(tiny_tokenizer());
        let n = tok.vocab_size();
        let bytes = "é🙂".as_bytes().to_vec();
        let mut g = Generation::start(tok.clone(), &[5, 6], GenerationParams::default());
        let mut pieces = Vec::new();
        for &b in &bytes {
            let step = g.next_token(&one_hot(n, 3 + b as u32)).unwrap();
            assert_eq!(step.done, None);
            pieces.push(step.text_piece);
        }
        assert_eq!(pieces, vec!["", "é", "", "", "", "🙂"]);
        let step = g.next_token(&one_hot(n, tok.im_end_id())).unwrap();
        assert_eq!(
            (step.token, step.text_piece.as_str(), step.done),
            (2, "", Some(StopReason::StopToken(2)))
        );
        assert_eq!(g.text(), "é🙂");
        assert_eq!(g.generated().len(), 7);
        assert_eq!(
            g.next_token(&one_hot(n, 5)),
            Err(GenerateError::Finished(StopReason::StopToken(2)))
        );
    }

    #[test]
    fn max_tokens_flushes_and_cancel_stops() {
        let tok = Arc::new(tiny_tokenizer());
        let n = tok.vocab_size();
        let params = GenerationParams {
            max_tokens: 2,
            ..Default::default()
        };
        let mut g = Generation::start(tok.clone(), &[], params.clone());
        assert_eq!(
            g.next_token(&one_hot(n, 3 + b'h' as u32))
                .unwrap()
                .text_piece,
            "h"
        );
        let last = g.next_token(&one_hot(n, 3 + 0xf0)).unwrap();
        assert_eq!(
            (last.text_piece.as_str(), last.done),
            ("\u{FFFD}", Some(StopReason::MaxTokens))
        );

        let mut g = Generation::start(tok.clone(), &[], params);
        assert_eq!(g.next_token(&one_hot(n, 3 + 0xc3)).unwrap().text_piece, "");
        assert_eq!(g.cancel(), "\u{FFFD}");
        assert_eq!(g.done(), Some(StopReason::Cancelled));
        assert!(g.next_token(&one_hot(n, 5)).is_err());
        assert_eq!(g.cancel(), "");

        let g = Generation::start(
            tok,
            &[],
            GenerationParams {
                max_tokens: 0,
                ..Default::default()
            },
        );
        assert_eq!(g.done(), Some(StopReason::MaxTokens));
    }

    #[test]
    fn extra_stop_tokens_control_tokens_and_bad_logits() {
        let tok = Arc::new(tiny_tokenizer());
        let n = tok.vocab_size();
        let params = GenerationParams {
            stop_tokens: vec![3 + b'.' as u32],
            ..Default::default()
        };
        let mut g = Generation::start(tok.clone(), &[], params);
        // <|im_start|> is a control token but not a stop token: no text.
        let s = g.next_token(&one_hot(n, tok.im_start_id())).unwrap();
        assert_eq!((s.text_piece.as_str(), s.done), ("", None));
        assert_eq!(
            g.next_token(&[0.0; 3]),
            Err(GenerateError::LogitsLength {
                got: 3,
                expected: n
            })
        );
        assert!(matches!(
            g.next_token(&vec![f32::NAN; n]),
            Err(GenerateError::Sample(_))
        ));
        let s = g.next_token(&one_hot(n, 3 + b'.' as u32)).unwrap();
        assert_eq!(s.done, Some(StopReason::StopToken(3 + b'.' as u32)));
    }

    #[test]
    fn real_vocab_streams_the_reference_continuations() {
        // Replays the Python reference's greedy tokens as one-hot logits: the streamed pieces
        // must add up to the reference text (Japanese, code and emoji split over tokens).
        let Some(path) = crate::gguf::dev_model_path() else {
            return;
        };
        let owned = crate::gguf::OwnedGguf::open(path).unwrap();
        let tok = Arc::new(Tokenizer::from_gguf(&owned.parse().unwrap()).unwrap());
        let fixture = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/model/reference.json"
        );
        let r: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(fixture).unwrap()).unwrap();
        let n = tok.vocab_size();
        for p in r["prompts"].as_array().unwrap() {
            let ids: Vec<u32> = p["greedy_ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap() as u32)
                .collect();
            let params = GenerationParams {
                max_tokens: 48,
                ..Default::default()
            };
            let mut g = Generation::start(tok.clone(), &[], params);
            let mut streamed = String::new();
            for (i, &id) in ids.iter().enumerate() {
                let step = g.next_token(&one_hot(n, id)).unwrap();
                assert_eq!(step.token, id);
                assert_eq!(
                    step.done.is_some(),
                    i + 1 == ids.len(),
                    "{} step {i}",
                    p["name"]
                );
                streamed.push_str(&step.text_piece);
            }
            let expected = p["greedy_text"]
                .as_str()
                .unwrap()
                .trim_end_matches("<|im_end|>");
            assert_eq!(streamed, expected, "{}", p["name"]);
            assert_eq!(g.text(), expected);
        }
    }

    #[test]
    fn repetition_penalty_sees_the_prompt() {
        let tok = Arc::new(tiny_tokenizer());
        let n = tok.vocab_size();
        let mut logits = vec![0.0; n];
        logits[10] = 2.0;
        logits[11] = 1.8;
        let sampler = SamplerParams {
            repetition_penalty: 1.5,
            ..Default::default()
        };
        let mut g = Generation::start(
            tok,
            &[10],
            GenerationParams {
                sampler,
                ..Default::default()
            },
        );
        assert_eq!(g.next_token(&logits).unwrap().token, 11);
    }
}
