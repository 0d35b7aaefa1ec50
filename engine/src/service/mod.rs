//! The one orchestration: a request in, a reply out, over a memory store, the language model and
//! the embedding model that the platform provides ([`Host`]).
//!
//! The extension's engine (`web/`) and the native CLI (`memory ask`, `eval persona`) both run
//! this code, so what is measured natively is what ships. The service holds what requests share:
//! the page-permission check (pages get task answers, never memory), the cache of the facts
//! pages may use (dropped before and after every request that may write memory, see
//! [`Snapshot`]), and the task steps (retrieve → prepare → the model → finish). Requests about the
//! platform itself (loading the model, training, benchmarks) are handed back as
//! [`Served::Elsewhere`] for the host to run.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use crate::error::EngineError;
use crate::generate::stream::GenerationParams;
use crate::memory::import::{import_note, import_one, Outcome};
use crate::memory::snapshot::Snapshot;
use crate::memory::store::Store;
use crate::memory::{l1, manage, Fact, MemoryError, Timestamp};
use crate::protocol::{Event, ImportOutcome, Reply, Request};
use crate::tasks::autofill::draft;
use crate::tasks::context::FactView;
use crate::tasks::{critic, enhance, memory_qa};
use crate::tokenizer::ChatMessage;

/// One operation on the memory store, run by [`Host::with_memory`].
pub type MemoryOp<'a, T> = Pin<Box<dyn Future<Output = Result<T, MemoryError>> + 'a>>;

/// What the model wrote, how many tokens and how long it took.
#[derive(Debug, Clone, Default)]
pub struct Written {
    pub text: String,
    pub tokens: usize,
    pub ms: f64,
}

/// What the platform gives the service.
#[allow(async_fn_in_trait)]
pub trait Host {
    type Store: Store;
    /// Runs `op` on the memory store, one operation at a time.
    async fn with_memory<T>(&self, op: impl for<'a> FnOnce(&'a mut Self::Store) -> MemoryOp<'a, T>) -> Result<T, EngineError>;
    /// The embedding a text is searched with, when the embedding model is there and reads it.
    async fn meaning(&self, text: &str) -> Result<Option<Vec<f32>>, EngineError>;
    /// Runs the language model on `messages`.
    async fn complete(&self, messages: &[ChatMessage], params: &GenerationParams, on_event: &dyn Fn(&Event)) -> Result<Written, EngineError>;
    /// Whether there is a model to run (`false`: answers are the extracted ones).
    fn has_model(&self) -> bool {
        true
    }
    /// Now, in seconds since the epoch.
    fn now(&self) -> Timestamp;
    /// A source (`Some`) or all of memory (`None`) was deleted: what was learnt from it goes too.
    async fn forgot(&self, _source: Option<&str>) -> Result<(), EngineError> {
        Ok(())
    }
    /// Something the user should not be bothered with but a developer may want to see.
    fn warn(&self, _message: &str) {}
}

/// What [`Service::serve`] did with a request.
pub enum Served {
    /// It answered.
    Reply(Result<Reply, EngineError>),
    /// A request about the platform (model, training, benchmarks): the host runs it.
    Elsewhere(Request),
}

/// A memory answer with how it came about.
#[derive(Debug, Clone)]
pub struct Answered {
    pub answer: memory_qa::Answer,
    /// Whether the model's words, the extracted answer or a rule stand.
    pub said: memory_qa::Said,
    /// What the model wrote (`None` when the answer did not need it).
    pub model_text: Option<String>,
    pub tokens: usize,
    pub ms: f64,
}

/// The orchestration over one host.
pub struct Service<H: Host> {
    pub host: H,
    /// The current facts for pages, kept between requests that do not change memory (autofill
    /// asks on every form).
    facts: Snapshot<Rc<Vec<Fact>>>,
}

/// A request's `kind`, as the protocol spells it.
pub fn kind_of(r: &Request) -> String {
    serde_json::to_value(r).ok().and_then(|v| v["kind"].as_str().map(String::from)).unwrap_or_default()
}

impl<H: Host> Service<H> {
    pub fn new(host: H) -> Self {
        Service { host, facts: Snapshot::default() }
    }

    /// Serves one request; `from_page` is true when a web page's content script sent it.
    pub async fn serve(&self, request: Request, from_page: bool, on_event: &dyn Fn(&Event)) -> Served {
        if from_page && !request.allowed_from_page() {
            return Served::Reply(Err(EngineError::Forbidden(kind_of(&request))));
        }
        if !request.may_write_memory() {
            return self.serve_one(request, on_event).await;
        }
        // A read in flight must not keep the facts it read across this write (see `Snapshot`).
        self.facts.invalidate();
        let served = self.serve_one(request, on_event).await;
        self.facts.invalidate();
        served
    }

    async fn serve_one(&self, request: Request, on_event: &dyn Fn(&Event)) -> Served {
        let now = self.host.now();
        let reply = match request {
            Request::AutofillClassify { fields, focus, scope, pick } => self.facts_for_pages().await.map(|facts| {
                let profile = l1::profile(&facts).into_iter().collect();
                let ask = crate::tasks::autofill::FillAsk { focus, scope, pick };
                crate::tasks::autofill::plan_for(&fields, &profile, &ask)
            }),
            Request::MemoryImport { name, data } => self.import(name, &data, on_event).await,
            Request::MemoryRemember { text, url, title } => self
                .host
                .with_memory(|s| {
                    Box::pin(async move {
                        let page = url.as_deref().map(|u| (u, title.as_deref().unwrap_or(u)));
                        let outcome = import_note(s, &text, page, now).await;
                        if outcome.is_ok() {
                            l1::distil(s, now).await?;
                        }
                        Ok(outcome)
                    })
                })
                .await
                .map(|outcome| Reply::MemoryImported { outcome: outcome_of(outcome) }),
            Request::MemoryDistil => self.then_overview(self.host.with_memory(|s| Box::pin(async move { l1::distil(s, now).await.map(|_| ()) })).await).await,
            Request::MemoryOverview => self.overview().await,
            Request::MemoryPin { key, value } => {
                self.then_overview(self.host.with_memory(|s| Box::pin(async move { l1::pin(s, &key, &value, now).await.map(|_| ()) })).await).await
            }
            Request::MemoryForget { fact_id } => {
                self.then_overview(self.host.with_memory(|s| Box::pin(async move { manage::forget_fact(s, &fact_id, now).await.map(|_| ()) })).await).await
            }
            Request::MemoryDeleteSource { source_id } => {
                let id = source_id.clone();
                let deleted = self.host.with_memory(|s| Box::pin(async move { manage::delete_source(s, &id, now).await.map(|_| ()) })).await;
                // Deletion reaches the model: an adapter that learnt from the source goes too.
                let forgot = match deleted {
                    Ok(()) => self.host.forgot(Some(&source_id)).await,
                    Err(e) => Err(e),
                };
                self.then_overview(forgot).await
            }
            Request::MemorySearch { query, k } => match self.host.meaning(&query).await {
                Ok(meaning) => self
                    .host
                    .with_memory(|s| Box::pin(async move { crate::retrieval::hits::search(s, &query, meaning.as_deref(), now, k.clamp(1, 50)).await }))
                    .await
                    .map(|hits| Reply::MemoryResults { hits }),
                Err(e) => Err(e),
            },
            Request::MemoryExport => self.host.with_memory(|s| Box::pin(async move { manage::export_backup(s, now).await })).await.map(|backup| Reply::MemoryBackup { backup }),
            Request::MemoryRestore { backup } => {
                self.then_overview(self.host.with_memory(|s| Box::pin(async move { manage::restore_backup(s, &backup).await.map(|_| ()) })).await).await
            }
            Request::MemoryClear => {
                let cleared = self.host.with_memory(|s| Box::pin(async move { manage::delete_all(s).await })).await;
                // Deletion reaches the model: adapters, checkpoints and training data go too.
                let forgot = match cleared {
                    Ok(()) => self.host.forgot(None).await,
                    Err(e) => Err(e),
                };
                self.then_overview(forgot).await
            }
            Request::Enhance { site: _, prompt } => self.enhance(&prompt).await.map(|out| Reply::Enhanced { prompt: out.prompt, enhanced: out.enhanced, added: out.added }),
            Request::ChatAsk { question, asker } => self.ask(&question, &asker, on_event).await.map(|a| Reply::ChatAnswered { answer: a.answer, tokens: a.tokens, ms: a.ms }),
            Request::AutofillDraft { field } => match draft::DraftAsk::of(&field) {
                Some(ask) => self.draft(&ask).await.map(|d| Reply::AutofillDrafted { text: d.text, used: d.used, from_model: d.from_model }),
                None => Err(EngineError::BadRequest("this field does not ask for free text".into())),
            },
            Request::Critique { request, reply } => self.critique(&request, &reply).await.map(|out| Reply::Critiqued { fits: out.fits, problems: out.problems }),
            other => return Served::Elsewhere(other),
        };
        Served::Reply(reply)
    }

    /// Answers a question from memory: retrieve → prepare → the model (when the evidence needs
    /// its words) → finish.
    pub async fn ask(&self, question: &str, asker: &memory_qa::Asker, on_event: &dyn Fn(&Event)) -> Result<Answered, EngineError> {
        let now = self.host.now();
        let meaning = self.host.meaning(question).await?;
        let q = question.to_string();
        let (facts, passages) = self.host.with_memory(|s| Box::pin(async move { memory_qa::retrieve(s, &q, meaning.as_deref(), now).await })).await?;
        let prepared = memory_qa::prepare(question, asker, &facts, &passages);
        let written = if prepared.needs_model() && self.host.has_model() { Some(self.host.complete(&prepared.messages, &memory_qa::generation_params(), on_event).await?) } else { None };
        let text = written.as_ref().map(|w| w.text.as_str()).unwrap_or("");
        let (answer, said) = memory_qa::finish_traced(&prepared, text);
        let (tokens, ms) = written.as_ref().map(|w| (w.tokens, w.ms)).unwrap_or((0, 0.0));
        Ok(Answered { answer, said, model_text: written.map(|w| w.text), tokens, ms })
    }

    /// A prompt for a chat site with the user's relevant, non-sensitive context added.
    pub async fn enhance(&self, prompt: &str) -> Result<enhance::Enhanced, EngineError> {
        let now = self.host.now();
        let meaning = self.host.meaning(prompt).await?;
        let p = prompt.to_string();
        let (facts, passages, diet) = self.host.with_memory(|s| Box::pin(async move { enhance::retrieve(s, &p, meaning.as_deref(), now).await })).await?;
        Ok(enhance::enhance_with(prompt, &facts, &passages, &diet))
    }

    /// An agent's reply judged against what memory knows of the user.
    pub async fn critique(&self, request: &str, reply: &str) -> Result<critic::Critique, EngineError> {
        let now = self.host.now();
        let facts: Vec<FactView> = self.facts_for_pages().await?.iter().map(FactView::from).collect();
        let query = format!("{request} {reply}");
        let meaning = self.host.meaning(&query).await?;
        // A reply that names food is also read against what the notes say the user eats.
        let food = critic::names_food(request, reply);
        let passages = self
            .host
            .with_memory(|s| {
                Box::pin(async move {
                    let mut passages = crate::tasks::evidence::passages(s, &query, meaning.as_deref(), now, critic::PASSAGES).await?;
                    if food {
                        for p in enhance::diet_passages(s, now).await? {
                            if !passages.iter().any(|q| q.chunk_id == p.chunk_id) {
                                passages.push(p);
                            }
                        }
                    }
                    Ok(passages)
                })
            })
            .await?;
        Ok(critic::critique_with(request, reply, &facts, &passages))
    }

    /// A draft for a free-text form field. Without the model (it failed to load) the memories
    /// themselves are the draft.
    pub async fn draft(&self, ask: &draft::DraftAsk) -> Result<draft::Draft, EngineError> {
        let now = self.host.now();
        let meaning = self.host.meaning(&ask.query()).await?;
        let a = ask.clone();
        let (facts, passages) = self.host.with_memory(|s| Box::pin(async move { draft::retrieve(s, &a, meaning.as_deref(), now).await })).await?;
        let prepared = draft::prepare(ask, &facts, &passages);
        let text = if prepared.needs_model() && self.host.has_model() {
            match self.host.complete(&prepared.messages, &draft::generation_params(), &|_| {}).await {
                Ok(w) => w.text,
                Err(e) => {
                    self.host.warn(&format!("SecondSelf: drafting without the model ({e})"));
                    String::new()
                }
            }
        } else {
            String::new()
        };
        Ok(draft::finish(&prepared, &text, &facts))
    }

    /// The current facts that may be filled into forms and given to pages
    /// ([`manage::facts_for_pages`]), cached until memory changes.
    pub async fn facts_for_pages(&self) -> Result<Rc<Vec<Fact>>, EngineError> {
        if let Some(f) = self.facts.get() {
            return Ok(f);
        }
        let ticket = self.facts.ticket();
        let facts = Rc::new(self.host.with_memory(|s| Box::pin(async move { manage::facts_for_pages(s).await })).await?);
        self.facts.keep(ticket, Rc::clone(&facts));
        Ok(facts)
    }

    async fn import(&self, name: String, data: &str, on_event: &dyn Fn(&Event)) -> Result<Reply, EngineError> {
        use base64::Engine as _;
        // Refuse an oversized file before decoding it (base64 is 4 bytes for every 3).
        let size = (data.len() as u64 / 4) * 3;
        if size > crate::memory::import::MAX_FILE_BYTES {
            let e = crate::memory::ImportErrorKind::TooLarge { size, limit: crate::memory::import::MAX_FILE_BYTES };
            return Ok(Reply::MemoryImported { outcome: ImportOutcome::Failed { message: format!("{name}: {e}"), reason: Some(e.code().into()) } });
        }
        let bytes = base64::engine::general_purpose::STANDARD.decode(data.as_bytes()).map_err(|e| EngineError::BadRequest(format!("memory.import data is not base64: {e}")))?;
        on_event(&Event::Progress { stage: format!("import {name}"), done: 0, total: bytes.len() as u64 });
        let now = self.host.now();
        let outcome = self.host.with_memory(|s| Box::pin(async move { Ok(import_one(s, &name, bytes.len() as u64, &bytes, now).await) })).await?;
        Ok(Reply::MemoryImported { outcome: outcome_of(outcome) })
    }

    async fn then_overview(&self, done: Result<(), EngineError>) -> Result<Reply, EngineError> {
        done?;
        self.overview().await
    }

    /// What the memory manager shows: the current facts, the bio, the top topics, the sources.
    pub async fn overview(&self) -> Result<Reply, EngineError> {
        self.host
            .with_memory(|s| {
                Box::pin(async move {
                    crate::memory::store::take_unreadable();
                    let facts = manage::current_facts(s).await?;
                    let bio = s.bio().await?.map(|b| b.text).unwrap_or_default();
                    let mut topics = s.topics().await?;
                    topics.sort_by(|a, b| b.weight.total_cmp(&a.weight));
                    let mut sources = s.sources().await?;
                    sources.sort_by(|a, b| b.imported_at.cmp(&a.imported_at).then(a.name.cmp(&b.name)));
                    let unreadable = crate::memory::store::take_unreadable();
                    Ok(Reply::MemoryProfile { facts, bio, topics: topics.into_iter().take(12).map(|t| t.id).collect(), sources, unreadable })
                })
            })
            .await
    }
}

fn outcome_of(o: Result<Outcome, MemoryError>) -> ImportOutcome {
    match o {
        Ok(Outcome::Imported { source_id, chunks }) => ImportOutcome::Imported { source_id, chunks },
        Ok(Outcome::Duplicate { source_id }) => ImportOutcome::Duplicate { source_id },
        Ok(Outcome::Failed(e)) | Err(e) => {
            let reason = match &e {
                MemoryError::Import { kind, .. } => Some(kind.code().to_string()),
                _ => None,
            };
            ImportOutcome::Failed { message: e.to_string(), reason }
        }
    }
}

#[cfg(not(target_family = "wasm"))]
mod native;
#[cfg(not(target_family = "wasm"))]
pub use native::NativeHost;

#[cfg(test)]
mod tests;
