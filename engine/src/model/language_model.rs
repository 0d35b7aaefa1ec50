//! [`LanguageModel`]: a loaded [`Llama`] with its tokenizer — what the rest of the engine calls
//! to turn chat messages into streamed text.
//!
//! One completion = reset the cache, prefill the ChatML prompt, then one step per token through
//! [`Generation`] (sampling, stop tokens, UTF-8-safe pieces). Greedy decoding reads back only the
//! argmax id per step; sampling reads back the logits row. `cancelled` is polled between steps,
//! so JS (or Ctrl-C) can stop a generation within one token. The prompt is trimmed from the
//! front (oldest messages first, the system message kept) when it would not fit the context.
//! Called by `web/` (side-panel chat), the CLI (`generate`, `bench model`, `eval persona`).

use std::sync::Arc;

use burn::tensor::Device;

use super::{Llama, ModelError};
use crate::generate::{GenerationParams, Generation, StopReason};
use crate::gguf::GgufFile;
use crate::tokenizer::{ChatMessage, Tokenizer};

/// Tokens kept free for the answer when the prompt must be trimmed to fit the context.
const MIN_ANSWER_ROOM: usize = 64;

/// The result of one completion.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    /// The generated text (without stop tokens).
    pub text: String,
    /// How many tokens were generated.
    pub tokens: usize,
    /// Prompt length in tokens (after trimming).
    pub prompt_tokens: usize,
    /// Why generation stopped.
    pub stop: StopReason,
}

/// A model ready to complete chats.
#[derive(Debug, Clone)]
pub struct LanguageModel {
    llama: Llama,
    tokenizer: Arc<Tokenizer>,
    name: String,
}

impl LanguageModel {
    /// Loads model and tokenizer from a parsed GGUF file onto `device`.
    pub fn load(gguf: &GgufFile<'_>, device: &Device) -> Result<Self, ModelError> {
        let tokenizer = Tokenizer::from_gguf(gguf).map_err(|e| ModelError::Gguf(e.to_string()))?;
        let llama = Llama::load(gguf, device)?;
        if tokenizer.vocab_size() > llama.config().vocab_size {
            return Err(ModelError::BadConfig(format!(
                "tokenizer has {} tokens, the model's vocabulary {}",
                tokenizer.vocab_size(),
                llama.config().vocab_size
            )));
        }
        let name = gguf
            .str("general.name")
            .map(str::to_string)
            .unwrap_or_else(|_| "llama".to_string());
        Ok(Self {
            llama,
            tokenizer: Arc::new(tokenizer),
            name,
        })
    }

    /// Reads and loads a GGUF file (native).
    #[cfg(not(target_family = "wasm"))]
    pub fn load_file(path: &std::path::Path, device: &Device) -> Result<Self, ModelError> {
        let owned =
            crate::gguf::OwnedGguf::open(path).map_err(|e| ModelError::Gguf(e.to_string()))?;
        let gguf = owned.parse().map_err(|e| ModelError::Gguf(e.to_string()))?;
        Self::load(&gguf, device)
    }

    /// Applies a LoRA adapter (or, with `None`, goes back to the base model) for every
    /// completion from now on.
    pub fn set_adapter(&mut self, adapter: Option<&super::lora::Adapter>) -> Result<(), ModelError> {
        self.llama.set_adapter(adapter)
    }

    /// Reads a GGUF LoRA adapter, checks it against this model and applies it (native).
    #[cfg(not(target_family = "wasm"))]
    pub fn load_adapter_file(&mut self, path: &std::path::Path) -> Result<(), ModelError> {
        let bytes = std::fs::read(path).map_err(|e| ModelError::Gguf(format!("{}: {e}", path.display())))?;
        let adapter = super::lora::Adapter::from_bytes(&bytes, self.llama.config())?;
        self.set_adapter(Some(&adapter))
    }

    /// The model's name from its metadata (`general.name`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The tokenizer.
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// The underlying forward pass (tests, benchmarks).
    pub fn llama_mut(&mut self) -> &mut Llama {
        &mut self.llama
    }

    /// Token ids of `messages` as a ChatML prompt ending with the assistant turn, trimmed to
    /// leave at least `answer_room` positions (oldest non-system messages dropped first; a
    /// single message too long for the context is cut from its start).
    pub fn chat_tokens(&self, messages: &[ChatMessage], answer_room: usize) -> Vec<u32> {
        let limit = self
            .llama
            .config()
            .context_length
            .saturating_sub(answer_room.max(MIN_ANSWER_ROOM))
            .max(1);
        let mut kept: Vec<ChatMessage> = messages.to_vec();
        loop {
            let ids = self.tokenizer.encode_chat(&kept, true);
            if ids.len() <= limit {
                return ids;
            }
            let first_other = kept.iter().position(|m| m.role != "system");
            match first_other {
                Some(i) if kept.len() - i > 1 => {
                    kept.remove(i);
                }
                _ => return ids[ids.len() - limit..].to_vec(),
            }
        }
    }

    /// Generates the assistant's reply to `messages`, calling `on_piece` with each decoded text
    /// piece as it is produced and stopping early when `cancelled()` becomes true.
    pub async fn complete(
        &mut self,
        messages: &[ChatMessage],
        params: &GenerationParams,
        on_piece: &mut dyn FnMut(&str),
        cancelled: &dyn Fn() -> bool,
    ) -> Result<Completion, ModelError> {
        let prompt = self.chat_tokens(messages, params.max_tokens);
        self.complete_tokens(&prompt, params, on_piece, cancelled)
            .await
    }

    /// Like [`complete`](Self::complete) for an already tokenized prompt (raw text prompts).
    pub async fn complete_tokens(
        &mut self,
        prompt: &[u32],
        params: &GenerationParams,
        on_piece: &mut dyn FnMut(&str),
        cancelled: &dyn Fn() -> bool,
    ) -> Result<Completion, ModelError> {
        let mut active = self.begin(prompt, params)?;
        while !active.is_done() {
            if cancelled() {
                active.cancel(on_piece);
                break;
            }
            self.step(&mut active, on_piece).await?;
        }
        Ok(active.finish())
    }

    /// Starts a completion of `prompt` (cache reset); drive it with [`step`](Self::step).
    /// Hosts that must stay responsive (the browser) yield between steps.
    pub fn begin(&mut self, prompt: &[u32], params: &GenerationParams) -> Result<ActiveCompletion, ModelError> {
        if prompt.is_empty() {
            return Err(ModelError::EmptyInput);
        }
        let context = self.llama.config().context_length;
        let params = GenerationParams {
            max_tokens: params.max_tokens.min(context.saturating_sub(prompt.len())),
            ..params.clone()
        };
        self.llama.reset();
        Ok(ActiveCompletion {
            greedy: params.sampler.is_greedy(),
            generation: Generation::start(self.tokenizer.clone(), prompt, params),
            input: prompt.to_vec(),
            prompt_tokens: prompt.len(),
        })
    }

    /// Runs the model once (the whole prompt on the first call, then the last token) and
    /// samples the next token; its text piece goes to `on_piece`.
    pub async fn step(&mut self, active: &mut ActiveCompletion, on_piece: &mut dyn FnMut(&str)) -> Result<(), ModelError> {
        if active.is_done() {
            return Ok(());
        }
        let vocab = self.tokenizer.vocab_size();
        let step = if active.greedy {
            let id = self.llama.forward_argmax(&active.input).await?;
            active.generation.next_token(&one_hot(id, vocab))
        } else {
            let logits = self.llama.forward(&active.input).await?;
            active.generation.next_token(&logits[..vocab.min(logits.len())])
        }
        .map_err(|e| ModelError::Read(e.to_string()))?;
        if !step.text_piece.is_empty() {
            on_piece(&step.text_piece);
        }
        active.input.clear();
        active.input.push(step.token);
        Ok(())
    }
}

/// A completion in progress (see [`LanguageModel::begin`]).
#[derive(Debug, Clone)]
pub struct ActiveCompletion {
    generation: Generation,
    input: Vec<u32>,
    greedy: bool,
    prompt_tokens: usize,
}

impl ActiveCompletion {
    /// Whether a stop condition was reached (or it was cancelled).
    pub fn is_done(&self) -> bool {
        self.generation.done().is_some()
    }

    /// Tokens generated so far.
    pub fn tokens(&self) -> usize {
        self.generation.generated().len()
    }

    /// Stops it; any held-back partial character is flushed to `on_piece`.
    pub fn cancel(&mut self, on_piece: &mut dyn FnMut(&str)) {
        let rest = self.generation.cancel();
        if !rest.is_empty() {
            on_piece(&rest);
        }
    }

    /// The result so far.
    pub fn finish(self) -> Completion {
        Completion {
            text: self.generation.text().to_string(),
            tokens: self.generation.generated().len(),
            prompt_tokens: self.prompt_tokens,
            stop: self.generation.done().unwrap_or(StopReason::Cancelled),
        }
    }
}

/// Logits that make the sampler pick `id` (greedy decoding read only the argmax back).
fn one_hot(id: u32, vocab: usize) -> Vec<f32> {
    let mut v = vec![0.0; vocab];
    if let Some(x) = v.get_mut(id as usize) {
        *x = 1.0;
    }
    v
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use burn::tensor::Device;

    use super::*;
    use crate::generate::SamplerParams;

    fn smollm2() -> LanguageModel {
        let path = crate::gguf::dev_model_path().expect("model");
        LanguageModel::load_file(&path, &Device::flex()).expect("load SmolLM2")
    }

    fn greedy(max_tokens: usize) -> GenerationParams {
        GenerationParams { sampler: SamplerParams::greedy(), max_tokens, stop_tokens: vec![] }
    }

    #[test]
    fn answers_a_chat_question_streaming_the_same_text() {
        let mut model = smollm2();
        let mut streamed = String::new();
        let done = pollster::block_on(model.complete(
            &[ChatMessage::user("What is the capital of France?")],
            &greedy(24),
            &mut |p| streamed.push_str(p),
            &|| false,
        ))
        .unwrap();
        assert_eq!(streamed, done.text);
        assert!(done.text.contains("Paris"), "answer: {:?}", done.text);
        assert!(done.tokens > 0 && done.tokens <= 24);
        assert!(!done.text.contains("<|im_end|>"));
    }

    #[test]
    fn cancellation_stops_between_tokens() {
        let mut model = smollm2();
        let pieces = Cell::new(0);
        let done = pollster::block_on(model.complete(
            &[ChatMessage::user("Count from one to fifty in words.")],
            &greedy(64),
            &mut |_| pieces.set(pieces.get() + 1),
            &|| pieces.get() >= 3,
        ))
        .unwrap();
        assert_eq!(done.stop, StopReason::Cancelled);
        assert!(done.tokens >= 3 && done.tokens < 8, "{} tokens", done.tokens);
    }

    #[test]
    fn long_conversations_are_trimmed_oldest_first_keeping_the_system_message() {
        let model = smollm2();
        let context = model.llama.config().context_length;
        let filler = "word ".repeat(context / 3);
        let mut messages = vec![ChatMessage::system("You are SYSTEM-MARKER.")];
        for i in 0..6 {
            messages.push(ChatMessage::user(format!("old {i} {filler}")));
            messages.push(ChatMessage::assistant("ok"));
        }
        messages.push(ChatMessage::user("LAST-QUESTION?"));
        let ids = model.chat_tokens(&messages, 128);
        assert!(ids.len() <= context - 128);
        let text = model.tokenizer().decode(&ids);
        assert!(text.contains("SYSTEM-MARKER"));
        assert!(text.contains("LAST-QUESTION?"));
        assert!(!text.contains("old 0 "), "the oldest turn must go first");
    }
}
