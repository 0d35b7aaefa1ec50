//! Step 4 of memory QA: the model's text post-checked against the evidence (every number, name
//! and date supported; refusals, "I don't know" and repetition dropped; nothing sensitive for a
//! third party), the extractive answer standing in when the model's reply does not answer.

use super::*;

/// True when `text` holds the key token `k`: as a word (or its stem), or, for tokens with
/// punctuation inside (`1:58:12`, `9,750`), as a substring.
pub(super) fn holds_token(text: &str, k: &str) -> bool {
    if k.chars().any(|c| !c.is_alphanumeric()) {
        return text.to_lowercase().contains(k);
    }
    crate::tasks::context::words(text).iter().any(|w| w == k) || stems(text).iter().any(|w| w == k)
}

/// True when an extractive answer is a date alone (`7 May 2023`, `the week before 9 June 2023`).
pub(super) fn is_date_answer(ex: &str) -> bool {
    ex.split_whitespace().count() <= 8 && (!crate::text::dates::dates_in(ex).is_empty() || ex.trim().parse::<i32>().is_ok_and(|y| (1900..2200).contains(&y)))
}

/// Post-checks the model's text and builds the answer.
pub fn finish(prepared: &Prepared, model_text: &str) -> Answer {
    finish_traced(prepared, model_text).0
}

/// Whose words the final answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Said {
    /// The model's own (post-checked) words.
    Model,
    /// The extractive answer, standing in for a model reply that did not answer (or no reply).
    Fallback,
    /// A rule answered without the model: nothing in memory answers, or a third party asked for
    /// what is never shared.
    Rule,
}

/// [`finish`], also saying whose words the answer is (for the evaluation's breakdown).
pub fn finish_traced(prepared: &Prepared, model_text: &str) -> (Answer, Said) {
    let third = matches!(prepared.asker, Asker::ThirdParty { .. });
    match prepared.route {
        Route::Decline => return (Answer { text: decline_text(&prepared.question, prepared.subject.as_deref()), citations: Vec::new(), dont_know: false }, Said::Rule),
        Route::DontKnow => {
            return (Answer { text: reply_text(&prepared.question, third as usize), citations: Vec::new(), dont_know: true }, Said::Rule);
        }
        Route::Known => {
            return (Answer { text: prepared.extractive.clone().unwrap_or_default(), citations: prepared.evidence.clone(), dont_know: false }, Said::Rule);
        }
        Route::Model => {}
    }
    let mut kept: Vec<String> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for s in sentences_of(model_text).into_iter().take(3) {
        let lower = s.to_lowercase();
        // A sentence said again means the model is looping: what came before it stands.
        if seen.contains(&lower) {
            break;
        }
        seen.push(lower.clone());
        if third && (prepared.sensitive_needles.iter().any(|n| lower.contains(n.as_str())) || is_sensitive_reply(&s, &prepared.facts)) {
            continue;
        }
        // Numbers and names the evidence does not hold are the model's invention.
        if anchors(&s).iter().any(|a| a.chars().any(|c| c.is_ascii_digit()) && !prepared.supported.contains(a)) {
            continue;
        }
        // …and so are names inside a sentence that no note or the question uses.
        if key_anchors(&s).iter().any(|a| !a.chars().any(|c| c.is_ascii_digit()) && !prepared.supported.contains(a) && !prepared.supported.contains(&a.trim_end_matches("'s").to_string())) {
            continue;
        }
        // …and so are dates (`January 1st`, `3 June`) that no evidence sentence holds.
        let evidence_dates: Vec<(u32, u32)> = prepared.evidence.iter().flat_map(|c| day_months(&c.text)).collect();
        if day_months(&s).iter().any(|d| !evidence_dates.contains(d)) {
            continue;
        }
        // "I don't know" when the evidence answers, canned refusals and runaway repetition all
        // say nothing: the extractive answer stands in for them.
        if says_dont_know(&s) || is_refusal(&s) || is_repetitive(&s) {
            continue;
        }
        kept.push(s);
    }
    let text = kept.join(" ");
    let text = if is_repetitive(&text) { String::new() } else { text };
    let from_model = text.clone();
    let has_evidence = !prepared.key_tokens.is_empty() && prepared.key_tokens.iter().any(|k| holds_token(&text, k));
    let text = if has_evidence { text } else { prepared.extractive.clone().unwrap_or_default() };
    // An answer not of the kind asked (no person for `who`, no date for `when`) when the
    // evidence has one: the evidence answers instead.
    let question_words = crate::tasks::context::words(&prepared.question);
    let text = match (AnswerType::of(&prepared.question), prepared.extractive.as_ref()) {
        (Some(t), Some(ex)) if !t.found_in(&text, &question_words) && t.found_in(ex, &question_words) => ex.clone(),
        // `When…?`: the day the evidence resolves to (`yesterday` in a note of 8 May → 7 May)
        // is the answer; a reply that does not say it does not answer.
        (Some(AnswerType::Date), Some(ex)) if is_date_answer(ex) && !text.to_lowercase().contains(&ex.to_lowercase()) => ex.clone(),
        _ => text,
    };
    // The last guard: a third party's answer never holds a sensitive value, whatever its path.
    let text = if third && (prepared.sensitive_needles.iter().any(|n| text.to_lowercase().contains(n.as_str())) || is_sensitive_reply(&text, &prepared.facts)) {
        reply_text(&prepared.question, 1)
    } else {
        text
    };
    let said = if !text.is_empty() && text == from_model { Said::Model } else { Said::Fallback };
    (Answer { text, citations: prepared.evidence.clone(), dont_know: false }, said)
}
