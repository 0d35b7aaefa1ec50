//! How memory QA reads a question and an evidence sentence: what a third party may never ask,
//! the replies without an answer in the asker's language, whose relation a question names,
//! which part of a sentence answers, what the question focuses on.

use super::*;

/// What a third party never gets, by the words of the question (general categories: ids,
/// health, finances, exact address, credentials).
pub(super) const NEVER_ASKED: &[&str] = &[
    "salary", "salaries", "earn", "earns", "earning", "earnings", "income", "paid", "pay", "wage", "wages", "savings",
    "saved", "save", "money", "bank", "account", "debt", "loan", "mortgage", "credit", "passport", "insurance",
    "licence", "license", "ssn", "password", "pin", "health", "medical", "medication", "medications", "condition",
    "conditions", "illness", "illnesses", "diagnosis", "disability", "address", "postcode", "zip",
];

/// Question words that mark the asker wanting an exact id (`number`, `code`) of something.
pub(super) const ID_WORDS: &[&str] = &["number", "code", "reference", "pin"];

/// A reply without an answer (item `i` of `lexicon/replies.txt`) in the question's language.
pub(super) fn reply_text(question: &str, i: usize) -> String {
    let l = crate::lexicon::replies();
    let line = crate::text::lang::of_question(question).and_then(|lang| l.lang(lang)).or_else(|| l.lang("en")).expect("replies has English");
    line.items[i][0].clone()
}

/// The decline a third party gets.
pub(super) fn decline_text(question: &str, subject: Option<&str>) -> String {
    match subject {
        Some(name) => reply_text(question, 2).replace("{name}", name),
        None => reply_text(question, 3),
    }
}


/// True when the question asks a third party's forbidden thing.
pub(super) fn asks_never_shared(question: &str) -> bool {
    let ws = crate::tasks::context::words(question);
    // In any language: a question for a kind of fact that is never shared (a phone number, an
    // e-mail address, a postcode, a birthday).
    let never_kind = crate::lexicon::fact_kind_asked(question).is_some_and(|(kind, _)| matches!(kind, "phone" | "email" | "work email" | "postcode" | "birthday"));
    // In any language: a word of health care, a condition, an identity document or private
    // money (`sjukdomar`, `Gehalt`, `personnummer`).
    let lower = format!(" {} ", ws.join(" "));
    let private_word = [crate::lexicon::health_words(), crate::lexicon::conditions(), crate::lexicon::id_labels(), crate::lexicon::money_words()]
        .iter()
        .any(|l| l.phrases().iter().any(|p| p.chars().count() >= 3 && lower.contains(&format!(" {p} "))));
    never_kind
        || private_word
        || ws.iter().any(|w| NEVER_ASKED.contains(&w.as_str()))
        || (ws.iter().any(|w| ID_WORDS.contains(&w.as_str())) && ws.iter().any(|w| matches!(w.as_str(), "national" | "account" | "card" | "policy" | "passport" | "licence" | "license" | "tax")))
}

/// The turn after `s` in its passage when `s` asks a question (ends with `?`), scored as `s`.
/// For a third party, only a turn that may be shared.
pub(super) fn reply_to(s: &Scored, passages: &[Passage], facts: &[FactView], third: bool) -> Option<Scored> {
    if !s.sentence.text.trim_end().ends_with('?') {
        return None;
    }
    let i = s.sentence.passage?;
    let units = evidence::sentences_of(passages.get(i)?, i);
    let j = units.iter().position(|u| u.text == s.sentence.text)?;
    let next = units.get(j + 1)?.clone();
    if next.text.trim_end().ends_with('?') || (third && is_sensitive_text(&next.text, facts)) {
        return None;
    }
    Some(Scored { sentence: next, ..s.clone() })
}

/// The sentence right after `s` on the same line of its passage (`Lena and I are getting
/// married! Saturday 13 September, in …`): where the answer to a `when` or `where` often is
/// when the matching sentence has none.
pub(super) fn following(s: &Scored, passages: &[Passage]) -> Option<String> {
    let p = passages.get(s.sentence.passage?)?;
    let at = p.text.find(s.sentence.text.trim())? + s.sentence.text.trim().len();
    let rest = p.text[at..].split('\n').next()?.trim();
    let next = crate::text::sentences::sentences(rest).into_iter().next()?.trim();
    (!next.is_empty() && !next.ends_with('?')).then(|| next.to_string())
}

/// True when `a` and `b` are different sentences of one line of the same passage (one chat
/// turn, one paragraph).
pub(super) fn same_line(a: &Scored, b: &Scored, passages: &[Passage]) -> bool {
    let (Some(i), Some(j)) = (a.sentence.passage, b.sentence.passage) else { return false };
    let Some(p) = passages.get(i).filter(|_| i == j) else { return false };
    let (x, y) = (a.sentence.text.trim(), b.sentence.text.trim());
    x != y && p.text.lines().any(|l| l.contains(x) && l.contains(y))
}

/// Openings of greetings and sign-offs (`Dear Lena and Jo,`, `Best wishes, Ann`, `Have a great
/// trip!`): courtesy, never an answer.
pub(super) const COURTESY: &[&str] = &[
    "dear ", "hi ", "hello ", "hey ", "best wishes", "best,", "kind regards", "regards,", "warm regards", "many thanks",
    "thanks,", "thank you,", "cheers", "love you", "love,", "lots of love", "all the best", "yours sincerely",
    "yours faithfully", "have a great", "have a lovely", "have a good", "see you",
];

/// True for a short greeting or sign-off line.
pub(super) fn is_courtesy(text: &str) -> bool {
    let l = text.to_lowercase();
    text.len() <= 80 && COURTESY.iter().any(|c| l.starts_with(c))
}

/// Parenthesised asides that give the value something used to have (`(from £41,000)`, `(was
/// Dr Lindqvist)`): an answer about now does not repeat the old value.
pub(super) fn without_old_values(text: &str) -> String {
    // The text before `rest` is settled; asides are looked for in `rest`.
    let mut out = String::new();
    let mut rest = text.to_string();
    while let Some(open) = rest.find(['(', '[']) {
        let Some(len) = rest[open..].find([')', ']']) else { break };
        let inner = rest[open + 1..open + len].trim().to_lowercase();
        let old = if inner.starts_with("from ") {
            inner.chars().any(|c| c.is_ascii_digit())
        } else {
            ["was ", "previously", "formerly", "used to be", "old "].iter().any(|p| inner.starts_with(p))
        };
        if old {
            rest = format!("{}{}", rest[..open].trim_end(), &rest[open + len + 1..]);
        } else {
            // Keep it; look for the next aside after this one.
            out.push_str(&rest[..open + len + 1]);
            rest = rest[open + len + 1..].to_string();
        }
    }
    out.push_str(&rest);
    // `from £41k to £44.5k`, `von 3.100 auf 3.400 €`, `de 900 à 950 €`: the old amount goes.
    static CHANGE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let change = CHANGE.get_or_init(|| {
        regex::Regex::new(r"(?i)\b(?:from|von|de|van|da|z|från|fra)\s+[^\s\d]{0,3}\d[\d.,' ]*[^\s\d]{0,3}\s+(to|auf|zu|à|a|naar|till|til|na|do)\s+(\S*\d)").expect("change pattern")
    });
    change.replace_all(&out, "$1 $2").into_owned()
}

/// `(owner, relation)` when the question asks about the relative of someone who is not the user
/// (`What's Sam's mum called?` → `("sam", "mum")`).
pub(super) fn others_relation(question: &str, subject: Option<&str>) -> Option<(String, String)> {
    let raw: Vec<&str> = question.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’')).filter(|w| !w.is_empty()).collect();
    raw.windows(2).find_map(|p| {
        let owner = p[0].strip_suffix("'s").or_else(|| p[0].strip_suffix("’s"))?;
        let relation = p[1].to_lowercase();
        let is_name = owner.starts_with(char::is_uppercase) && subject.is_none_or(|s| !s.eq_ignore_ascii_case(owner));
        (is_name && evidence::RELATION_WORDS.contains(&relation.as_str())).then(|| (owner.to_lowercase(), relation))
    })
}

/// The name whose thing the question asks about (`What is Ana's phone number?` → `Ana`), when
/// it is not the user's own name.
pub(super) fn possessor(question: &str, subject: Option<&str>) -> Option<String> {
    question.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’')).find_map(|w| {
        let owner = w.strip_suffix("'s").or_else(|| w.strip_suffix("’s"))?;
        // (`What's`, `It's`: a question or function word contracted, not a name.)
        let l = owner.to_lowercase();
        let word = crate::lexicon::is_function_word(&l) || crate::lexicon::question_kind(&format!("{l} x")).is_some() || crate::lexicon::is_everyday_word(&l);
        (owner.starts_with(char::is_uppercase) && !word && subject.is_none_or(|s| !s.eq_ignore_ascii_case(owner))).then(|| owner.to_string())
    })
}

/// True when `text` opens with "my" and the thing asked (`head`) in any language (`My new
/// mobile: …`, `Mon portable : …` for a phone): it is about the writer's own one. (`My brother
/// Ben is getting married` is about Ben's wedding.)
pub(super) fn opens_with_my(text: &str, head: &Term) -> bool {
    let l = text.trim_start().to_lowercase();
    crate::lexicon::possessives().phrases().iter().any(|p| {
        l.strip_prefix(p.as_str()).filter(|rest| rest.starts_with(' ')).is_some_and(|rest| rest.split_whitespace().take(3).any(|w| matches_term(head, &stems(w))))
    })
}

/// True when `text` names `owner`'s `relation` (`Sam's mum`, `the mum of Sam`, `Sam … his mum`).
/// `speaker`: who says the sentence (a chat turn's name), whose "my sister" is theirs.
pub(super) fn says_whose(text: &str, speaker: Option<&str>, owner: &str, relation: &str) -> bool {
    let l = text.to_lowercase().replace('’', "'");
    let ws = crate::tasks::context::words(&l);
    // `Ana: … a gift from my grandma`: Ana's grandma.
    let my = crate::lexicon::possessives().phrases();
    if speaker.is_some_and(|who| crate::tasks::context::words(who).iter().any(|w| w == owner)) && ws.windows(2).any(|p| my.contains(&p[0]) && evidence::same_relation(&p[1], relation)) {
        return true;
    }
    let has_owner = ws.iter().any(|w| w == owner || *w == format!("{owner}'s"));
    let near = ws.windows(2).any(|p| p[0] == format!("{owner}'s") && evidence::same_relation(&p[1], relation))
        || l.contains(&format!("{relation} of {owner}"))
        || (has_owner && ws.windows(2).any(|p| matches!(p[0].as_str(), "his" | "her" | "their") && evidence::same_relation(&p[1], relation)));
    near
}

/// The sentences of a unit that match a term of the question (all of it when none does: the
/// match was in its heading).
pub(super) fn answering_part(text: &str, terms: &[Term]) -> String {
    let parts = crate::text::sentences(text);
    if parts.len() < 2 {
        return text.to_string();
    }
    let matching: Vec<&str> = parts.into_iter().filter(|p| { let st = stems(p); terms.iter().any(|t| matches_term(t, &st)) }).collect();
    if matching.is_empty() { text.to_string() } else { matching.join(" ") }
}

/// The language a field's label is written in: its document's (a French lease's `Dépôt de
/// garantie` names a deposit head first, whatever language the question is in), else the
/// question's.
pub(super) fn label_lang(s: &Scored, passages: &[Passage], question: &str) -> Option<&'static str> {
    s.sentence.passage.and_then(|i| passages.get(i)).and_then(|p| crate::text::lang::detect(&p.text)).or_else(|| crate::text::lang::of_question(question))
}

/// True when `text` is a `Key: value` field whose key words are all terms of the question.
pub(super) fn key_is_asked(text: &str, terms: &[Term], lang: Option<&str>) -> bool {
    let Some((key, value)) = text.split_once(':') else { return false };
    let n = key.split_whitespace().count();
    if !(1..=3).contains(&n) || !key.starts_with(char::is_uppercase) || value.trim().is_empty() || !key.chars().all(|c| c.is_alphanumeric() || " '’-/&".contains(c)) {
        return false;
    }
    // `Landlord / agent:` names two things: either may be the one asked.
    key.split('/').map(str::trim).filter(|k| !k.is_empty()).any(|k| label_is_asked(k, terms, lang))
}

/// True when the label `key` names the question's head.
fn label_is_asked(key: &str, terms: &[Term], lang: Option<&str>) -> bool {
    // The key names the question's head (`deposit`, not the `title` of `job title`), and every
    // word of it is asked. A name is who the line is about, not what it gives (`Ada: 3 May`
    // does not answer `Is Ada allergic to anything?`).
    // (`de`, `of`: function words link the label's words, they qualify nothing.)
    let key_stems: Vec<String> = stems(key).into_iter().filter(|w| !crate::lexicon::is_function_word(w)).collect();
    let asked = |k: &String| terms.iter().any(|t| matches_term(t, std::slice::from_ref(k)));
    let Some(head) = terms.iter().find(|t| !t.proper) else { return false };
    if !matches_term(head, &key_stems) || key_stems.iter().all(|k| head.people.contains(k)) {
        return false;
    }
    if key_stems.iter().all(asked) {
        return true;
    }
    // Or the label's own head is asked and one word qualifies it (`Loyer net`, `Référence de
    // dossier`, `Monthly rent`): the head comes first in the Romance languages, last in the
    // others (`Garantie de loyer` is a deposit, `Tenancy start` a start).
    let head_first = lang.is_some_and(|l| matches!(l, "fr" | "es" | "it" | "pt"));
    let head = if head_first { key_stems.first() } else { key_stems.last() };
    head.is_some_and(asked) && key_stems.iter().filter(|k| !asked(k)).count() <= 1
}

/// The sentences of `question` that ask (end with `?`), or all of it.
pub(super) fn question_focus(question: &str) -> String {
    let asking: Vec<&str> = crate::text::sentences(question).into_iter().filter(|s| s.trim_end().ends_with('?')).collect();
    let focus = if asking.is_empty() { question.to_string() } else { asking.join(" ") };
    // `…, for the programme?`, `…, pour la réunion ?`: a trailing purpose says why, not what
    // ([`crate::lexicon::aside_cues`], every language).
    let lower = focus.to_lowercase();
    let cut = crate::lexicon::aside_cues().phrases().iter().filter_map(|w| lower.rfind(&format!(", {w} "))).max();
    match cut {
        Some(cut) if cut > 0 && focus.is_char_boundary(cut) && lower.len() == focus.len() => focus[..cut].to_string(),
        _ => focus,
    }
}

/// `Mon + Thu` → `Monday + Thursday`: notes abbreviate, answers should not.
pub(super) fn expand_weekdays(text: &str) -> String {
    const DAYS: &[(&str, &str)] = &[("Mon", "Monday"), ("Tue", "Tuesday"), ("Tues", "Tuesday"), ("Wed", "Wednesday"), ("Thu", "Thursday"), ("Thur", "Thursday"), ("Thurs", "Thursday"), ("Fri", "Friday"), ("Sat", "Saturday"), ("Sun", "Sunday")];
    // Only as part of a date or a time (`Mon 18 Nov`, `Sat, 9:30`, `Wed 14th`) or of a list of
    // days (`Mon + Thu`): `Mon bureau` is French for "my office".
    let words: Vec<&str> = text.split(' ').collect();
    let is_day = |w: &str| DAYS.iter().any(|(a, _)| *a == w.trim_end_matches([',', '.', ':', ';', ')']));
    let schedule = words.iter().filter(|w| is_day(w)).count() >= 2;
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let core = w.trim_end_matches([',', '.', ':', ';', ')']);
            let dated = words.get(i + 1).is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit())) || (i > 0 && words[i - 1].trim_end_matches([',', '.']).chars().any(|c| c.is_ascii_digit()));
            match DAYS.iter().find(|(a, _)| *a == core).filter(|_| dated || schedule) {
                Some((_, full)) => format!("{full}{}", &w[core.len()..]),
                None => w.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
