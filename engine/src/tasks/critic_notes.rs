//! The critic's checks against the user's notes (L0 sentences) and the facts that need more
//! than a keyword: busy dates, the same event on another day, ages, things the notes say no to,
//! places to stay that are already booked or loud, an outdated job title, form answers that
//! contradict the profile, and old contact details.
//!
//! Each check is a general rule over dates, numbers and negations; every problem quotes the
//! note sentence (or names the fact) it rests on, so the user can see why. Sensitive sentences
//! are never quoted, and sensitive facts are only compared, never repeated. Called by
//! [`super::critic::critique_with`].

use super::context::{is_sensitive, words, FactView};
use super::critic::{mentioned, times, Problem};
use super::critic_when::{date_ranges, is_weekday, month_of, not_before, slots};
use super::evidence::{sentences_of, shareable, Passage};
use crate::retrieval::index::stem;

/// Whether a note sentence makes its date a commitment the user cannot move (time off, a trip,
/// a wedding): a word of `lexicon/busy_words.txt` in English or the sentence's own language.
fn is_busy(note: &str) -> bool {
    let lex = crate::lexicon::busy_words();
    let langs = ["en"].into_iter().chain(crate::text::lang::detect(note));
    let ws = words(note);
    langs.filter_map(|l| lex.lang(l)).flat_map(|l| l.items.iter().flatten()).any(|b| ws.iter().any(|w| w == b))
}

/// Words of time (`night`, `june`, `friday`) that say when, not what.
fn is_time_word(w: &str) -> bool {
    month_of(w).is_some() || is_weekday(w) || matches!(w, "night" | "nights" | "evening" | "morning" | "afternoon" | "today" | "tonight" | "weekend" | "week" | "month")
}

/// Content words of a text (stems, length ≥ 4, no time words), for "is this the same thing".
fn content(text: &str) -> Vec<String> {
    words(text).into_iter().filter(|w| w.len() >= 4 && !super::context::is_stop_word(w) && !is_time_word(w)).map(|w| stem(w.trim_end_matches("'s"))).collect()
}

fn quote(s: &str) -> String {
    let s = s.trim().trim_end_matches(['.', ';', ',']);
    format!("my notes say \u{201c}{s}\u{201d}")
}

/// The note sentences worth checking against: not sensitive, with their source.
fn note_sentences(passages: &[Passage], facts: &[FactView]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, p) in passages.iter().enumerate() {
        if let Some(h) = p.heading.split(" > ").last().filter(|h| !h.trim().is_empty()) {
            out.push((h.trim_start_matches('#').trim().to_string(), p.source.clone()));
        }
        for s in shareable(sentences_of(p, i), facts) {
            out.push((s.text, p.source.clone()));
        }
    }
    out
}

fn reply_sentences(reply: &str) -> Vec<String> {
    reply.split(['\n']).flat_map(|l| crate::text::sentences(l).into_iter().map(|s| s.trim().to_string()).collect::<Vec<_>>()).filter(|s| !s.is_empty()).collect()
}

/// A reply date (or, when the reply gives none, the request's) that falls on a day the notes
/// mark as taken (away, a gig, a wedding, "don't book"); the word that takes the day may be in
/// the sentence before the date (`We're getting married! Saturday 4 May.`).
fn busy_dates(request: &str, reply: &[String], notes: &[(String, String)], lang: &str, out: &mut Vec<Problem>) {
    let asked = date_ranges(request);
    for rs in reply {
        let dates = if reply.iter().all(|r| date_ranges(r).is_empty()) { asked.clone() } else { date_ranges(rs) };
        if dates.is_empty() {
            continue;
        }
        let reply_words = content(rs);
        for (i, (note, source)) in notes.iter().enumerate() {
            let before = i.checked_sub(1).and_then(|j| notes.get(j)).filter(|(_, s)| s == source);
            if !is_busy(note) && !before.is_some_and(|(b, _)| is_busy(b)) {
                continue;
            }
            // The sentence of the note that holds the taken date.
            let Some(dated) = crate::text::sentences(note).into_iter().find(|s| date_ranges(s).into_iter().any(|(a, b)| dates.iter().any(|(x, _)| a <= *x && *x <= b))) else {
                continue;
            };
            let (said, event) = match before.filter(|_| !is_busy(note)) {
                Some((b, _)) => (format!("{} {}", b.trim(), note.trim()), format!("{} {dated}", b.trim())),
                None => (note.trim().to_string(), dated.to_string()),
            };
            // The reply is about that very commitment: no conflict.
            let same_event = content(&event).iter().any(|w| reply_words.contains(w));
            if !same_event && !out.iter().any(|p| p.memory.contains(note.as_str())) {
                out.push(Problem { text: super::critic::phrase(6, lang, "", said.trim_end_matches(['.', ';', ','])), memory: format!("{source}: {said}") });
            }
        }
        if reply.iter().all(|r| date_ranges(r).is_empty()) {
            break;
        }
    }
}

/// The same event (same clock time) put on another date than the notes give.
fn moved_events(reply: &[String], notes: &[(String, String)], out: &mut Vec<Problem>) {
    for rs in reply {
        let (dates, ts) = (date_ranges(rs), times(rs));
        if dates.is_empty() || ts.is_empty() {
            continue;
        }
        for (note, source) in notes {
            let (nd, nt) = (date_ranges(note), times(note));
            if nd.is_empty() || !nt.iter().any(|t| ts.contains(t)) {
                continue;
            }
            if !nd.iter().any(|n| dates.contains(n)) && !out.iter().any(|p| p.memory.contains(note.as_str())) {
                out.push(Problem { text: format!("It has the wrong day: {}.", quote(note)), memory: format!("{source}: {note}") });
            }
        }
    }
}

/// Ordinal ages (`60th`) of someone the request names, against the notes' ordinal for them.
fn ages(request: &str, reply: &str, notes: &[(String, String)], out: &mut Vec<Problem>) {
    let ordinals = |t: &str| -> Vec<u32> {
        t.split(|c: char| !c.is_alphanumeric())
            .filter_map(|w| ["th", "st", "nd", "rd"].iter().find_map(|s| w.strip_suffix(s)).and_then(|n| n.parse::<u32>().ok()))
            .filter(|n| (10..=120).contains(n))
            .collect()
    };
    let said = ordinals(reply);
    if said.is_empty() {
        return;
    }
    let people: Vec<String> = words(request).into_iter().filter(|w| super::evidence::RELATION_WORDS.contains(&w.as_str()) || w.len() >= 4).collect();
    for (note, source) in notes {
        let nw = words(note);
        if !people.iter().any(|p| nw.iter().any(|w| w == p || w.trim_end_matches("'s") == p)) {
            continue;
        }
        let known = ordinals(note);
        if let Some(n) = known.first().filter(|n| !said.contains(n)) {
            out.push(Problem { text: format!("It says {}th, but {} ({n}th).", said[0], quote(note)), memory: format!("{source}: {note}") });
            return;
        }
    }
}

/// Words that negate what follows in a note (`NOT caffeine`, `don't even drive`).
const NEGATORS: &[&str] = &["not", "no", "never", "don't", "dont", "can't", "cannot", "won't", "avoid", "hate", "without"];
/// Filler between a negator and what it negates.
const FILLER: &[&str] = &["even", "a", "an", "the", "any", "really", "more", "too", "much", "at", "all", "to"];
/// What a reply word is a kind of (`novel` is a book).
const KIND_OF: &[(&str, &str)] = &[("novel", "book"), ("hardback", "book"), ("paperback", "book"), ("rental", "car"), ("hire", "car")];

/// `drive`/`driving` → `driv`: a stem with a final `e` dropped.
fn root(w: &str) -> String {
    let s = stem(&w.to_lowercase());
    s.strip_suffix('e').map(str::to_string).unwrap_or(s)
}

/// What a note says no to: the word after a negator, and `X: none`.
fn refused(note: &str) -> Vec<String> {
    let ws = words(note);
    let mut out = Vec::new();
    for (i, w) in ws.iter().enumerate() {
        if NEGATORS.contains(&w.as_str()) {
            if let Some(next) = ws[i + 1..].iter().find(|x| !FILLER.contains(&x.as_str())) {
                // Things, not manners (`no stirring`).
                if next.len() >= 4 && !NEGATORS.contains(&next.as_str()) && !next.ends_with("ing") {
                    out.push(root(next));
                }
            }
        }
    }
    let lower = note.to_lowercase();
    if let Some(pos) = lower.find(": none") {
        out.extend(words(&lower[..pos]).iter().rev().take(2).filter(|w| w.len() >= 4).map(|w| root(w)));
    }
    out
}

/// A reply that suggests what a related note says no to.
fn refusals(reply: &str, notes: &[(String, String)], out: &mut Vec<Problem>) {
    let reply_words = words(reply);
    let reply_roots: Vec<(String, String)> = reply_words
        .iter()
        .flat_map(|w| {
            let mut v = vec![(root(w), w.clone())];
            v.extend(KIND_OF.iter().filter(|(k, _)| root(k) == root(w)).map(|(_, kind)| (root(kind), w.clone())));
            v
        })
        .collect();
    let reply_content = content(reply);
    for (note, source) in notes {
        for r in refused(note) {
            let Some((_, used)) = reply_roots.iter().find(|(x, _)| *x == r) else { continue };
            // Negated in the reply too (`no caffeine`): no conflict.
            if mentioned(reply, &[used.as_str()], &[]).is_empty() {
                continue;
            }
            // The note must be about the same thing as the reply: another shared word.
            let shared = content(note).iter().filter(|w| root(w) != r && reply_content.contains(w)).count();
            if shared == 0 || out.iter().any(|p| p.memory.contains(note.as_str())) {
                continue;
            }
            out.push(Problem { text: format!("It suggests {used}, but {}.", quote(note)), memory: format!("{source}: {note}") });
        }
    }
}

const STAY_WORDS: &[&str] = &["hotel", "hostel", "guesthouse", "accommodation", "airbnb", "apartment", "stay", "room", "b&b"];
const LOUD_WORDS: &[&str] = &["nightlife", "party", "lively", "loud", "noisy", "club", "clubs", "dj", "djs", "bar", "bars", "rooftop"];
const BOOK_VERBS: &[&str] = &["find", "book", "reserve", "get", "recommend", "suggest", "choose"];

/// Places to stay: the request asks for one the notes already have, or the reply's is loud
/// while the user does not like noise.
fn stays(request: &str, reply: &str, facts: &[FactView], notes: &[(String, String)], out: &mut Vec<Problem>) {
    let rq = words(request);
    let asks_stay = rq.iter().any(|w| STAY_WORDS.contains(&w.as_str())) && rq.iter().any(|w| BOOK_VERBS.contains(&w.as_str()));
    if !asks_stay {
        return;
    }
    let request_content = content(request);
    for (note, source) in notes {
        let nw = words(note);
        let about_stay = nw.iter().any(|w| STAY_WORDS.contains(&w.as_str()) && *w != "room");
        let nights = nw.iter().any(|w| w == "nights" || w == "booked");
        if about_stay && nights && !out.iter().any(|p| p.memory.contains(note.as_str())) {
            let _ = &request_content;
            out.push(Problem { text: format!("A place to stay is already booked: {}.", quote(note)), memory: format!("{source}: {note}") });
        }
    }
    let loud: Vec<String> = words(reply).into_iter().filter(|w| LOUD_WORDS.contains(&w.as_str())).collect();
    if loud.is_empty() {
        return;
    }
    let noise = |t: &str| words(t).iter().any(|w| matches!(w.as_str(), "noise" | "noisy" | "loud" | "quiet"));
    if let Some(f) = facts.iter().find(|f| f.key == "dislikes" && !is_sensitive(f) && noise(&f.value)) {
        out.push(Problem { text: format!("It is a place with noise ({}), but I don't like {}.", loud.join(", "), f.value.trim()), memory: f.cite() });
    } else if let Some((note, source)) = notes.iter().find(|(n, _)| noise(n)) {
        out.push(Problem { text: format!("It is a place with noise ({}), but {}.", loud.join(", "), quote(note)), memory: format!("{source}: {note}") });
    }
}

/// The job title without its current seniority (`Data Engineer` for `Senior Data Engineer`).
fn outdated_title(reply: &str, facts: &[FactView], out: &mut Vec<Problem>) {
    let Some(title) = facts.iter().find(|f| f.key == "organization-title") else { return };
    let t = title.value.trim().to_lowercase();
    let r = reply.to_lowercase();
    let tw: Vec<&str> = t.split_whitespace().collect();
    if tw.len() < 3 || r.contains(&t) {
        return;
    }
    let tail = tw[1..].join(" ");
    if r.contains(&tail) {
        let org = facts.iter().find(|f| f.key == "organization").map(|f| format!(" at {}", f.value.trim())).unwrap_or_default();
        out.push(Problem { text: format!("It gives an old job title ({tail}); I'm now {}{org}.", title.value.trim()), memory: title.cite() });
    }
}

/// Form-style answers (`Label: value`) that contradict the profile.
fn form_answers(reply: &str, facts: &[FactView], out: &mut Vec<Problem>) {
    for line in reply.lines() {
        let Some((label, value)) = line.split_once(':') else { continue };
        let (lw, value) = (words(label), value.trim());
        if lw.is_empty() || lw.len() > 4 || value.is_empty() {
            continue;
        }
        let v = value.to_lowercase();
        let empty = matches!(v.trim_end_matches('.'), "none" | "n/a" | "na" | "no" | "nothing" | "-");
        if lw.iter().any(|w| w.starts_with("diet") || w.starts_with("allerg")) && empty {
            let need: Vec<&FactView> = facts.iter().filter(|f| matches!(f.key.as_str(), "diet" | "allergies") && !is_sensitive(f)).collect();
            if let Some(first) = need.first() {
                let said: Vec<String> = need.iter().map(|f| f.value.trim().to_string()).collect();
                out.push(Problem { text: format!("{} says \u{201c}{value}\u{201d}, but I'm {}.", label.trim(), said.join("; ")), memory: first.cite() });
            }
            continue;
        }
        for f in facts.iter().filter(|f| !is_sensitive(f) && f.key.contains('-') && f.key.split('-').all(|k| lw.iter().any(|w| w == k))) {
            let fv = f.value.trim().to_lowercase();
            if !v.contains(&fv) && !fv.contains(v.trim_end_matches('.')) {
                out.push(Problem { text: format!("{} says \u{201c}{value}\u{201d}, but mine is {}.", label.trim(), f.value.trim()), memory: f.cite() });
            }
        }
    }
}

/// UK-style postcodes (`M3 6BX`) in text, upper case without spaces.
fn postcodes(text: &str) -> Vec<String> {
    let toks: Vec<&str> = text.split(|c: char| c.is_whitespace() || c == ',').filter(|t| !t.is_empty()).collect();
    let outward = |t: &str| t.len() >= 2 && t.len() <= 4 && t.starts_with(|c: char| c.is_ascii_uppercase()) && t.chars().any(|c| c.is_ascii_digit()) && t.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    let inward = |t: &str| t.len() == 3 && t.starts_with(|c: char| c.is_ascii_digit()) && t[1..].chars().all(|c| c.is_ascii_uppercase());
    toks.windows(2).filter(|w| outward(w[0]) && inward(w[1])).map(|w| format!("{}{}", w[0], w[1])).collect()
}

/// Digit runs that read as phone numbers (10+ digits, spaces allowed).
fn phones(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars().chain(std::iter::once('|')) {
        if c.is_ascii_digit() {
            cur.push(c);
        } else if c == ' ' || c == '+' || (c == '-' && !cur.is_empty()) {
            continue;
        } else {
            if cur.len() >= 10 && cur.len() <= 13 {
                out.push(cur.clone());
            }
            cur.clear();
        }
    }
    out
}

/// An address or phone number in the reply that is not the current one (compared, never quoted).
fn old_contact(reply: &str, facts: &[FactView], out: &mut Vec<Problem>) {
    let current_post: Vec<String> = facts.iter().filter(|f| f.key == "postal-code").map(|f| f.value.replace(' ', "").to_uppercase()).collect();
    if !current_post.is_empty() && postcodes(reply).iter().any(|p| !current_post.contains(p)) {
        out.push(Problem { text: "It uses an old address: I've moved, so the address line needs my current one.".into(), memory: "postal-code: (current, not shown)".into() });
    }
    let digits = |v: &str| v.chars().filter(char::is_ascii_digit).collect::<String>();
    let current_tel: Vec<String> = facts.iter().filter(|f| f.key.starts_with("tel")).map(|f| digits(&f.value)).collect();
    let tail = |d: &str| d[d.len().saturating_sub(9)..].to_string();
    if !current_tel.is_empty() && phones(reply).iter().any(|p| !current_tel.iter().any(|c| tail(c) == tail(p))) {
        out.push(Problem { text: "It uses an old phone number: that is not my current number.".into(), memory: "tel: (current, not shown)".into() });
    }
}

/// A reply that fills a weekday slot (`Monday evening`) the notes keep for something else
/// (`climbing stays Mon + Thu evening`, `Chor donnerstags 19:30`). A web page's clock times are
/// its opening hours, not the user's week: only the user's own notes count by clock time.
fn weekly_slots(reply: &[String], notes: &[(String, String)], pages: &[&str], lang: &str, out: &mut Vec<Problem>) {
    for (note, source) in notes {
        let (nd, np) = slots(note, !pages.contains(&source.as_str()));
        if nd.is_empty() || np.is_empty() {
            continue;
        }
        let note_words = content(note);
        for rs in reply {
            let (rd, rp) = slots(rs, true);
            let clash = rd.iter().any(|d| nd.contains(d)) && rp.iter().any(|p| np.contains(p));
            let same = content(rs).iter().any(|w| note_words.contains(w));
            if clash && !same && !out.iter().any(|p| p.memory.contains(note.as_str())) {
                out.push(Problem { text: super::critic::phrase(7, lang, "", note.trim().trim_end_matches(['.', ';', ','])), memory: format!("{source}: {note}") });
            }
        }
    }
}

/// A reply that puts something (a meeting) earlier than a note allows: the note and the
/// request or reply must be about the same thing (a shared word: `meeting`).
fn too_early(request: &str, reply: &str, notes: &[(String, String)], lang: &str, out: &mut Vec<Problem>) {
    let starts = times(reply);
    // Stemmed twice, so that `meetings` and `meeting` meet.
    let roots = |text: &str| content(text).into_iter().map(|w| stem(&w)).collect::<Vec<_>>();
    let about = roots(&format!("{request} {reply}"));
    for (note, source) in notes {
        let Some(limit) = not_before(note) else { continue };
        let Some(early) = starts.iter().find(|t| **t < limit) else { continue };
        if !roots(note).iter().any(|w| about.contains(w)) || out.iter().any(|p| p.memory.contains(note.as_str())) {
            continue;
        }
        let at = format!("{}:{:02}", early / 60, early % 60);
        out.push(Problem { text: super::critic::phrase(9, lang, &at, note.trim().trim_end_matches(['.', ';', ','])), memory: format!("{source}: {note}") });
    }
}

/// Every check against the notes and the structured facts.
pub fn check(request: &str, reply: &str, facts: &[FactView], passages: &[Passage]) -> Vec<Problem> {
    let notes = note_sentences(passages, facts);
    let rs = reply_sentences(reply);
    let lang = super::critic::user_lang(request, reply);
    let mut out = Vec::new();
    busy_dates(request, &rs, &notes, lang, &mut out);
    too_early(request, reply, &notes, lang, &mut out);
    moved_events(&rs, &notes, &mut out);
    ages(request, reply, &notes, &mut out);
    refusals(reply, &notes, &mut out);
    let pages: Vec<&str> = passages.iter().filter(|p| super::enhance::is_page(p)).map(|p| p.source.as_str()).collect();
    weekly_slots(&rs, &notes, &pages, lang, &mut out);
    stays(request, reply, facts, &notes, &mut out);
    outdated_title(reply, facts, &mut out);
    form_answers(reply, facts, &mut out);
    old_contact(reply, facts, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(text: &str, heading: &str) -> Passage {
        Passage { chunk_id: "c".into(), source_id: "s".into(), source: "notes.md".into(), url: None, heading: heading.into(), text: text.into(), dated: 0, score: 1.0, page: None, times: Vec::new() }
    }

    #[test]
    fn a_date_inside_time_off_is_raised_but_the_same_event_is_not() {
        let notes = [note("note to self: I'm off 10-14 March (Lisbon). Put it in the calendar.", "standup")];
        let p = check("Plan a review", "Let's hold the review on Wednesday 12 March at 11:00.", &[], &notes);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].text.contains("off 10-14 March"), "{p:?}");
        let ok = check("Plan my Lisbon trip", "On Wednesday 12 March take the Lisbon tram, as you're off that week.", &[], &notes);
        assert!(ok.is_empty(), "{ok:?}");
    }

    #[test]
    fn a_taken_date_or_weekly_habit_in_another_language_is_raised_in_the_users() {
        // The word that takes the day is in the sentence before its date; the date is the
        // request's when the reply gives none.
        let notes = [note("Wir sind verreist! Von Freitag, 6. bis 9. Juni an der Ostsee.", "")];
        let p = check("Organise un dîner le 7 juin.", "Un dîner à 20 h chez vous, avec six amis.", &[], &notes);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].text.contains("mes notes disent") && p[0].text.contains("verreist"), "{p:?}");
        assert!(check("Organise un dîner le 12 juin.", "Un dîner à 20 h chez vous.", &[], &notes).is_empty());
        // A weekly habit by a clock time; a one-off dated appointment is not weekly.
        let notes = [note("Chorprobe mittwochs 19:30 im Gemeindehaus.", ""), note("Zahnarzt am Montag, 3. März um 19:00.", "")];
        let p = check("Plan my week.", "Wednesday 19:00: a cooking class, then Monday 19:00 a film.", &[], &notes);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].text.contains("Chorprobe") && p[0].text.starts_with("It takes a time"), "{p:?}");
        assert!(check("Plan my week.", "Wednesday 8:00: a run before work.", &[], &notes).is_empty());
    }

    #[test]
    fn a_time_earlier_than_a_notes_not_before_is_raised_in_any_language() {
        let notes = [note("Termine bitte nicht vor 10:00, vorher ist Sprechstunde.", "")];
        let p = check("Leg zwei Termine mit dem Lieferanten fest.", "Gebucht: Dienstag um 8:30 mit dem Lieferanten.", &[], &notes);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].text.contains("8:30") && p[0].text.contains("nicht vor 10:00") && p[0].text.starts_with("Es legt"), "{p:?}");
        assert!(check("Leg zwei Termine mit dem Lieferanten fest.", "Gebucht: Dienstag um 11:00 mit dem Lieferanten.", &[], &notes).is_empty());
        // A note about something else does not rule the reply.
        assert!(check("Plan a run.", "Run at 7:00 along the river.", &[], &notes).is_empty());
        assert_eq!(not_before("on ne livre pas avant 9 h le samedi"), Some(9 * 60));
        assert_eq!(not_before("no deliveries before 7am"), Some(7 * 60));
        assert_eq!(not_before("I arrived before 9:00"), None);
    }

    #[test]
    fn a_refused_thing_in_a_related_note_is_raised() {
        let notes = [note("kit: trail shoes, bars (plain ones, NOT caffeine)", "race plan")];
        let p = check("Plan my long run", "Take caffeine bars for the last hour.", &[], &notes);
        assert_eq!(p.len(), 1, "{p:?}");
        let ok = check("Plan my long run", "Take plain bars and water.", &[], &notes);
        assert!(ok.is_empty(), "{ok:?}");
    }

    #[test]
    fn outdated_title_and_form_answers() {
        let facts = vec![FactView::new("organization-title", "Lead Product Designer", false), FactView::new("t-shirt-size", "M", false), FactView::new("diet", "vegan", false)];
        let p = check("bio", "Lena is a Product Designer at Acme.", &facts, &[]);
        assert!(p.iter().any(|p| p.text.contains("Lead Product Designer")), "{p:?}");
        let p = check("form", "Dietary requirements: None\nT-shirt size: XL", &facts, &[]);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(check("form", "Dietary requirements: vegan\nT-shirt size: M", &facts, &[]).is_empty());
    }
}
