//! The chat format: ChatML turns and the default system message read from the GGUF's
//! `tokenizer.chat_template`.
//!
//! Why: SmolLM2 was tuned on `<|im_start|>role\ncontent<|im_end|>\n` turns, and its template adds
//! "You are a helpful AI assistant named SmolLM, trained by Hugging Face" as the system message
//! when a conversation has none. The template is Jinja; rather than embed a Jinja engine, this
//! module recognises ChatML templates and extracts their default system message, so a model
//! with a different default still gets its own.
//!
//! Who calls it: [`super::Tokenizer::chat_prompt`] and [`super::Tokenizer::encode_chat`].

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChatMessage {
    /// `system`, `user` or `assistant`.
    pub role: String,
    /// The message text (plain text, never parsed for control tokens).
    pub content: String,
}

impl ChatMessage {
    /// A message with the given role.
    pub fn new(role: impl Into<String>, content: impl Into<String>) -> Self {
        ChatMessage {
            role: role.into(),
            content: content.into(),
        }
    }

    /// A `system` message.
    pub fn system(content: impl Into<String>) -> Self {
        Self::new("system", content)
    }

    /// A `user` message.
    pub fn user(content: impl Into<String>) -> Self {
        Self::new("user", content)
    }

    /// An `assistant` message.
    pub fn assistant(content: impl Into<String>) -> Self {
        Self::new("assistant", content)
    }
}

/// A ChatML chat template with an optional default system message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatTemplate {
    default_system: Option<String>,
}

const SYSTEM_OPEN: &str = "<|im_start|>system\n";
const END: &str = "<|im_end|>";

impl ChatTemplate {
    /// ChatML with the given default system message.
    pub fn chatml(default_system: Option<String>) -> Self {
        ChatTemplate { default_system }
    }

    /// Reads a Jinja template: the default system message is the literal
    /// `<|im_start|>system\n…<|im_end|>` that SmolLM2-style templates emit when the first
    /// message is not a system message. Any other template is treated as plain ChatML.
    pub fn from_jinja(template: &str) -> Self {
        let default_system =
            if template.contains("!= 'system'") || template.contains("!= \"system\"") {
                template.find(SYSTEM_OPEN).and_then(|at| {
                    let rest = &template[at + SYSTEM_OPEN.len()..];
                    rest.find(END).map(|end| rest[..end].to_string())
                })
            } else {
                None
            };
        ChatTemplate { default_system }
    }

    /// The default system message, if the template has one.
    pub fn default_system(&self) -> Option<&str> {
        self.default_system.as_deref()
    }

    /// The messages as the model sees them: the default system message first if the
    /// conversation does not start with a system message.
    pub fn with_default_system<'m>(
        &self,
        messages: &'m [ChatMessage],
    ) -> std::borrow::Cow<'m, [ChatMessage]> {
        match (&self.default_system, messages.first()) {
            (Some(sys), Some(first)) if first.role != "system" => {
                let mut all = Vec::with_capacity(messages.len() + 1);
                all.push(ChatMessage::system(sys.clone()));
                all.extend_from_slice(messages);
                std::borrow::Cow::Owned(all)
            }
            _ => std::borrow::Cow::Borrowed(messages),
        }
    }

    /// Renders the conversation as text.
    pub fn render(&self, messages: &[ChatMessage], add_generation_prompt: bool) -> String {
        let mut out = String::new();
        for m in self.with_default_system(messages).iter() {
            out.push_str("<|im_start|>");
            out.push_str(&m.role);
            out.push('\n');
            out.push_str(&m.content);
            out.push_str(END);
            out.push('\n');
        }
        if add_generation_prompt {
            out.push_str("<|im_start|>assistant\n");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMOLLM2: &str = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    #[test]
    fn smollm2_template_default_system() {
        let t = ChatTemplate::from_jinja(SMOLLM2);
        assert_eq!(
            t.default_system(),
            Some("You are a helpful AI assistant named SmolLM, trained by Hugging Face")
        );
        let text = t.render(&[ChatMessage::user("Hi")], true);
        assert_eq!(
            text,
            "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
        );
    }

    #[test]
    fn explicit_system_replaces_default_and_no_generation_prompt() {
        let t = ChatTemplate::from_jinja(SMOLLM2);
        let msgs = [
            ChatMessage::system("Be brief."),
            ChatMessage::user("Q"),
            ChatMessage::assistant("A"),
        ];
        assert_eq!(
            t.render(&msgs, false),
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\nA<|im_end|>\n"
        );
        assert_eq!(t.render(&[], true), "<|im_start|>assistant\n");
    }

    #[test]
    fn plain_chatml_template_has_no_default() {
        let t = ChatTemplate::from_jinja("{% for m in messages %}{{'<|im_start|>' + m['role'] + '\n' + m['content'] + '<|im_end|>\n'}}{% endfor %}");
        assert_eq!(t.default_system(), None);
        assert_eq!(
            t.render(&[ChatMessage::user("x")], false),
            "<|im_start|>user\nx<|im_end|>\n"
        );
    }
}
