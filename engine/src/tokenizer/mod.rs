//! SmolLM2's tokenizer built from the GGUF: byte-level BPE with the `smollm` pre-tokenizer, its
//! control tokens and its ChatML chat template.
//!
//! Why: the model file carries its own vocabulary (`tokenizer.ggml.tokens`, `.merges`,
//! `.token_type`), so no `tokenizer.json` has to be shipped or fetched. The BPE itself is the
//! `tokenizers` crate (wasm-compatible build); the pre-tokenizer is what llama.cpp calls
//! `smollm`: split every digit off on its own, then the GPT-2 regex, bytes mapped to printable
//! characters (no prefix space).
//!
//! Control tokens (`<|im_start|>`, `<|im_end|>`, `<|endoftext|>`, …) are only produced where the
//! caller asks for them: [`Tokenizer::encode`] with `add_special = true` recognises them in
//! trusted text (a template), [`Tokenizer::encode_chat`] inserts them structurally and encodes
//! message contents as plain text, so page text that contains `<|im_end|>` cannot end a turn.
//!
//! Who calls it: the model loop and [`crate::generate`] (decoding), tasks building prompts.

mod chat;

use std::collections::HashMap;

use thiserror::Error;
use tokenizers::decoders::byte_level::ByteLevel as ByteLevelDecoder;
use tokenizers::models::bpe::BPE;
use tokenizers::pre_tokenizers::byte_level::ByteLevel;
use tokenizers::pre_tokenizers::sequence::Sequence;
use tokenizers::pre_tokenizers::split::{Split, SplitPattern};
use tokenizers::{PreTokenizerWrapper, SplitDelimiterBehavior};

use crate::gguf::{GgufError, GgufFile};

pub use chat::{ChatMessage, ChatTemplate};

/// The tokenizer could not be built from the GGUF metadata.
#[derive(Debug, Error)]
pub enum TokenizerError {
    /// A tokenizer metadata key is missing or has the wrong type.
    #[error("tokenizer metadata: {0}")]
    Metadata(#[from] GgufError),
    /// The GGUF declares a tokenizer this engine does not implement.
    #[error("unsupported tokenizer {model}/{pre} (supported: gpt2 byte-level BPE with pre-tokenizer smollm)")]
    Unsupported { model: String, pre: String },
    /// The vocabulary, merges or token types are inconsistent.
    #[error("invalid tokenizer data: {0}")]
    Invalid(String),
    /// The `tokenizers` crate refused the vocabulary.
    #[error("cannot build the BPE model: {0}")]
    Build(String),
}

/// GGUF token type of control (special) tokens.
const TOKEN_TYPE_CONTROL: i64 = 3;

/// SmolLM2's tokenizer. Cheap to share behind an `Arc`; `Clone` copies the vocabulary.
#[derive(Clone)]
pub struct Tokenizer {
    /// BPE + pre-tokenizer + byte-level decoder; knows no special tokens (plain text only).
    bpe: tokenizers::Tokenizer,
    /// Decoded bytes of every token (control tokens: their literal text).
    token_bytes: Vec<Vec<u8>>,
    /// Whether each token is a control token.
    is_control: Vec<bool>,
    /// Control tokens by their text, longest first (for recognising them in trusted text).
    controls: Vec<(String, u32)>,
    /// Byte token id for each byte value, if the vocabulary has one (fallback path of
    /// [`Self::encode`]).
    byte_ids: [Option<u32>; 256],
    bos: Option<u32>,
    eos: u32,
    im_start: u32,
    im_end: u32,
    add_bos: bool,
    template: ChatTemplate,
}

impl std::fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokenizer")
            .field("vocab_size", &self.token_bytes.len())
            .field("bos", &self.bos)
            .field("eos", &self.eos)
            .field("im_end", &self.im_end)
            .finish_non_exhaustive()
    }
}

impl Tokenizer {
    /// Builds the tokenizer from a GGUF's `tokenizer.*` metadata.
    pub fn from_gguf(gguf: &GgufFile<'_>) -> Result<Self, TokenizerError> {
        let model = gguf.str("tokenizer.ggml.model")?;
        let pre = gguf.str("tokenizer.ggml.pre").unwrap_or("default");
        if model != "gpt2" || pre != "smollm" {
            return Err(TokenizerError::Unsupported {
                model: model.into(),
                pre: pre.into(),
            });
        }
        let tokens = gguf.str_array("tokenizer.ggml.tokens")?;
        let merges = gguf.str_array("tokenizer.ggml.merges")?;
        let types = match gguf.get("tokenizer.ggml.token_type") {
            Some(_) => gguf.int_array("tokenizer.ggml.token_type")?,
            None => vec![1; tokens.len()],
        };
        if types.len() != tokens.len() {
            return Err(TokenizerError::Invalid(format!(
                "{} token types for {} tokens",
                types.len(),
                tokens.len()
            )));
        }
        let n = tokens.len();
        if n == 0 || n > u32::MAX as usize {
            return Err(TokenizerError::Invalid(format!("vocabulary of {n} tokens")));
        }
        let id_of = |key: &str| -> Result<Option<u32>, TokenizerError> {
            match gguf.get(key) {
                None => Ok(None),
                Some(_) => {
                    let id = gguf.u32(key)?;
                    if id as usize >= n {
                        return Err(TokenizerError::Invalid(format!(
                            "{key} = {id} is outside the vocabulary of {n}"
                        )));
                    }
                    Ok(Some(id))
                }
            }
        };
        let bos = id_of("tokenizer.ggml.bos_token_id")?;
        let eos = id_of("tokenizer.ggml.eos_token_id")?.ok_or_else(|| {
            TokenizerError::Invalid("tokenizer.ggml.eos_token_id is missing".into())
        })?;
        let add_bos = match gguf.get("tokenizer.ggml.add_bos_token") {
            Some(_) => gguf.bool("tokenizer.ggml.add_bos_token")?,
            None => false,
        };

        let unicode_to_byte = byte_level_decoder_table();
        let mut vocab: HashMap<String, u32> = HashMap::with_capacity(n);
        let mut token_bytes = Vec::with_capacity(n);
        let mut is_control = Vec::with_capacity(n);
        let mut controls = Vec::new();
        for (i, (tok, ty)) in tokens.iter().zip(&types).enumerate() {
            if vocab.insert((*tok).to_string(), i as u32).is_some() {
                return Err(TokenizerError::Invalid(format!(
                    "token {tok:?} appears twice"
                )));
            }
            let control = *ty == TOKEN_TYPE_CONTROL;
            is_control.push(control);
            if control {
                controls.push(((*tok).to_string(), i as u32));
                token_bytes.push(tok.as_bytes().to_vec());
            } else {
                let bytes: Option<Vec<u8>> = tok
                    .chars()
                    .map(|c| unicode_to_byte.get(&c).copied())
                    .collect();
                token_bytes.push(bytes.ok_or_else(|| {
                    TokenizerError::Invalid(format!("token {i} {tok:?} is not byte-level encoded"))
                })?);
            }
        }
        controls.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.1.cmp(&b.1)));
        let special = |text: &str| -> Result<u32, TokenizerError> {
            vocab
                .get(text)
                .copied()
                .ok_or_else(|| TokenizerError::Invalid(format!("no {text} token")))
        };
        let im_start = special("<|im_start|>")?;
        let im_end = special("<|im_end|>")?;

        // SmolLM2 lacks tokens for a few bytes (0x04 0x06 0x13 0x14 0x16 0x1d and bytes that
        // never occur in UTF-8); like llama.cpp and HF `tokenizers`, encoding drops them.
        let mut byte_ids = [None; 256];
        for (b, c) in byte_level_encoder_table().iter().enumerate() {
            byte_ids[b] = vocab.get(&c.to_string()).copied();
        }
        if byte_ids.iter().filter(|id| id.is_some()).count() < 128 {
            return Err(TokenizerError::Invalid(
                "fewer than 128 of the 256 byte tokens: not a byte-level vocabulary".into(),
            ));
        }

        let merges: Vec<(String, String)> = merges
            .iter()
            .enumerate()
            .map(|(i, m)| {
                m.split_once(' ')
                    .map(|(a, b)| (a.to_string(), b.to_string()))
                    .ok_or_else(|| TokenizerError::Invalid(format!("merge {i} {m:?} has no space")))
            })
            .collect::<Result<_, _>>()?;
        let model = BPE::builder()
            .vocab_and_merges(
                vocab
                    .into_iter()
                    .collect::<tokenizers::models::bpe::Vocab>(),
                merges,
            )
            .build()
            .map_err(|e| TokenizerError::Build(e.to_string()))?;
        let digits = Split::new(
            SplitPattern::Regex(r"\p{N}".into()),
            SplitDelimiterBehavior::Isolated,
            false,
        )
        .map_err(|e| TokenizerError::Build(e.to_string()))?;
        let pre_tokenizer = Sequence::new(vec![
            PreTokenizerWrapper::Split(digits),
            PreTokenizerWrapper::ByteLevel(ByteLevel::new(false, false, true)),
        ]);
        let mut bpe = tokenizers::Tokenizer::new(model);
        bpe.with_pre_tokenizer(Some(pre_tokenizer));
        bpe.with_decoder(Some(ByteLevelDecoder::default()));

        let template = match gguf.get("tokenizer.chat_template") {
            Some(_) => ChatTemplate::from_jinja(gguf.str("tokenizer.chat_template")?),
            None => ChatTemplate::chatml(None),
        };
        Ok(Tokenizer {
            bpe,
            token_bytes,
            is_control,
            controls,
            byte_ids,
            bos,
            eos,
            im_start,
            im_end,
            add_bos,
            template,
        })
    }

    /// Number of tokens in the vocabulary.
    pub fn vocab_size(&self) -> usize {
        self.token_bytes.len()
    }

    /// Beginning-of-sequence token id, if the model has one.
    pub fn bos_id(&self) -> Option<u32> {
        self.bos
    }

    /// End-of-sequence token id (`<|endoftext|>` for SmolLM2... as declared by the GGUF).
    pub fn eos_id(&self) -> u32 {
        self.eos
    }

    /// `<|im_start|>`.
    pub fn im_start_id(&self) -> u32 {
        self.im_start
    }

    /// `<|im_end|>`: the end of a chat turn.
    pub fn im_end_id(&self) -> u32 {
        self.im_end
    }

    /// The chat template read from the GGUF.
    pub fn chat_template(&self) -> &ChatTemplate {
        &self.template
    }

    /// Whether `id` is a control token (never shown to the user).
    pub fn is_control(&self, id: u32) -> bool {
        self.is_control.get(id as usize).copied().unwrap_or(false)
    }

    /// The bytes a token stands for (control tokens: their literal text); `None` for ids
    /// outside the vocabulary. A token may hold part of a UTF-8 character.
    pub fn token_bytes(&self, id: u32) -> Option<&[u8]> {
        self.token_bytes.get(id as usize).map(Vec::as_slice)
    }

    /// Encodes `text`.
    ///
    /// With `add_special`, `text` is trusted (e.g. a rendered chat template): control-token
    /// strings in it become control tokens, and BOS is prepended if the GGUF asks for it
    /// (`tokenizer.ggml.add_bos_token`, false for SmolLM2). Without, all of `text` is plain
    /// text. Characters whose bytes have no token (SmolLM2: the control characters U+0004,
    /// U+0006, U+0013, U+0014, U+0016, U+001D) are dropped, as llama.cpp and HF do. Never
    /// fails: should the BPE refuse, the text is encoded byte by byte.
    pub fn encode(&self, text: &str, add_special: bool) -> Vec<u32> {
        let mut out = Vec::new();
        if !add_special {
            self.encode_plain_into(text, &mut out);
            return out;
        }
        if self.add_bos {
            out.extend(self.bos);
        }
        let mut rest = text;
        while !rest.is_empty() {
            // The earliest control token in `rest` (longest one on ties).
            let next = self
                .controls
                .iter()
                .filter_map(|(s, id)| rest.find(s.as_str()).map(|at| (at, s.len(), *id)))
                .min_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
            match next {
                Some((at, len, id)) => {
                    self.encode_plain_into(&rest[..at], &mut out);
                    out.push(id);
                    rest = &rest[at + len..];
                }
                None => {
                    self.encode_plain_into(rest, &mut out);
                    break;
                }
            }
        }
        out
    }

    fn encode_plain_into(&self, text: &str, out: &mut Vec<u32>) {
        if text.is_empty() {
            return;
        }
        match self.bpe.encode_fast(text, false) {
            Ok(enc) => out.extend_from_slice(enc.get_ids()),
            Err(_) => out.extend(text.bytes().filter_map(|b| self.byte_ids[b as usize])),
        }
    }

    /// Decodes ids to text; control tokens appear as their literal text, ids outside the
    /// vocabulary are skipped, and bytes that are not valid UTF-8 become U+FFFD.
    pub fn decode(&self, ids: &[u32]) -> String {
        let bytes: Vec<u8> = ids
            .iter()
            .filter_map(|&id| self.token_bytes(id))
            .flatten()
            .copied()
            .collect();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// Renders `messages` with the model's chat template (ChatML):
    /// `<|im_start|>role\ncontent<|im_end|>\n` per message, SmolLM2's default system message
    /// first when the conversation has none, and `<|im_start|>assistant\n` when
    /// `add_generation_prompt`. The result is for display and logs; to feed the model use
    /// [`Self::encode_chat`], which keeps message contents plain.
    pub fn chat_prompt(&self, messages: &[ChatMessage], add_generation_prompt: bool) -> String {
        self.template.render(messages, add_generation_prompt)
    }

    /// Token ids of a chat: the same as `encode(&chat_prompt(..), true)` for contents without
    /// control-token strings, but control tokens only come from the template itself; roles and
    /// contents are encoded as plain text.
    pub fn encode_chat(&self, messages: &[ChatMessage], add_generation_prompt: bool) -> Vec<u32> {
        let mut out = Vec::new();
        if self.add_bos {
            out.extend(self.bos);
        }
        for m in self.template.with_default_system(messages).iter() {
            out.push(self.im_start);
            self.encode_plain_into(&format!("{}\n{}", m.role, m.content), &mut out);
            out.push(self.im_end);
            self.encode_plain_into("\n", &mut out);
        }
        if add_generation_prompt {
            out.push(self.im_start);
            self.encode_plain_into("assistant\n", &mut out);
        }
        out
    }

    /// The `tokenizers` decoder's view of `ids` (for cross-checking [`Self::decode`]).
    #[cfg(test)]
    fn decode_with_crate(&self, ids: &[u32]) -> String {
        self.bpe.decode(ids, false).unwrap_or_default()
    }
}

/// GPT-2's byte → printable character table: printable Latin-1 bytes map to themselves, the
/// others to U+0100 and up, in byte order.
fn byte_level_encoder_table() -> [char; 256] {
    let mut table = ['\0'; 256];
    let mut next = 256u32;
    for b in 0..=255u8 {
        let printable = matches!(b, b'!'..=b'~' | 0xA1..=0xAC | 0xAE..=0xFF);
        table[b as usize] = if printable {
            b as char
        } else {
            let c = char::from_u32(next).unwrap_or('\u{FFFD}');
            next += 1;
            c
        };
    }
    table
}

fn byte_level_decoder_table() -> HashMap<char, u8> {
    byte_level_encoder_table()
        .iter()
        .enumerate()
        .map(|(b, &c)| (c, b as u8))
        .collect()
}

#[cfg(test)]
pub(crate) mod tests;
