//! Work rules: job title (`organization-title`) and employer (`organization`) from "promoted
//! to <title>", "I'm a <title> at <org>", "I work at/for <org>", "<Name>, <title>, <org>" and
//! "<Name> is a <title> at <org>" (speaker lines, bios), a CV header (name line then a title
//! line) and CV experience lines ending in "present".

use std::sync::OnceLock;

use regex::Regex;

use super::{re, Author, Candidate, Owner, View};
use crate::memory::SourceKind;
use crate::lexicon;

/// Words that end a job title written in a sentence: prepositions that bring in the employer,
/// a date or a place, and separable verb particles (`fange … als X an`).
const TITLE_STOP: &[&str] = &[
    "at", "for", "with", "in", "from", "since", "on", "and", "bei", "für", "an", "ab", "seit", "mit", "zum", "zur", "und", "im", "chez", "à", "au",
    "dans", "pour", "depuis", "et", "en", "desde", "para", "con", "y", "presso", "da", "per", "dal", "e", "bij", "voor", "sinds", "en", "na", "no",
    "em", "w", "dla", "od", "i", "på", "hos", "för", "sedan", "och", "till",
];
/// Articles that may stand before a title or an employer's name.
const ARTICLES: &[&str] = &["a", "an", "the", "ein", "eine", "einer", "der", "die", "das", "un", "une", "le", "la", "l'", "el", "una", "uno", "il", "lo", "en", "ett", "de", "het", "o", "um", "uma"];

/// A job title at the start of `text` (after a cue): up to six words, cut at the first stop
/// word or punctuation; `None` when it does not look like a title.
pub fn title_after(text: &str) -> Option<String> {
    let mut words: Vec<&str> = Vec::new();
    for (i, w) in text.split_whitespace().enumerate() {
        let bare = w.trim_end_matches([',', '.', ';', ':', '!', '?', ')']);
        let lw = bare.to_lowercase();
        if i == 0 && ARTICLES.contains(&lw.as_str()) {
            continue;
        }
        if w.starts_with('(') || bare.chars().any(|c| c.is_ascii_digit()) || TITLE_STOP.contains(&lw.as_str()) || bare.is_empty() {
            break;
        }
        words.push(bare);
        if bare.len() != w.len() || words.len() == 6 {
            break;
        }
    }
    // A trailing linking word (`Ingeniera de`) is not part of the title.
    while words.last().is_some_and(|w| matches!(w.to_lowercase().as_str(), "de" | "del" | "di" | "of" | "van" | "der")) {
        words.pop();
    }
    if words.is_empty() || words.len() > 6 {
        return None;
    }
    let t = words.join(" ");
    let mut c = t.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str())
}

/// An employer's name at the start of `text` (after a cue): capitalised words with the linking
/// words company names use, and a legal form if written.
pub fn org_after(text: &str) -> Option<String> {
    static ORG_RE: OnceLock<Regex> = OnceLock::new();
    let r = ORG_RE.get_or_init(|| {
        Regex::new(r"^(?:(?:the|der|die|das|la|le|el|il|het|o|a|l')\s+)?(\p{Lu}[\p{L}\d&'’.-]*(?:\s+(?:(?:de|del|la|di|van|der|&|and|und|et|y|of)\s+)?(?:\p{Lu}[\p{L}\d&'’.-]*|&))*)").expect("org regex")
    });
    // The name ends with its sentence (a full stop after a legal form like `S.L.` is part of it).
    let text = text.trim_start();
    let mut end = text.len();
    for (i, ch) in text.char_indices() {
        if matches!(ch, '!' | '?' | '\n') {
            end = i;
            break;
        }
        if ch == '.' && text[i + 1..].starts_with(char::is_whitespace) {
            let word = text[..=i].rsplit(char::is_whitespace).next().unwrap_or("");
            end = if lexicon::names_company(word) { i + 1 } else { i };
            break;
        }
    }
    // An institution is often written with its noun in lower case (`au lycée Jules-Ferry`).
    let first = text.split_whitespace().next().unwrap_or("");
    if first.starts_with(char::is_lowercase) && !ARTICLES.contains(&first) && first.len() < end {
        let rest = &text[first.len()..end];
        let named = format!("{}{rest}", title_case(first));
        if let Some(c) = r.captures(&named).filter(|c| c[1].contains(' ') && lexicon::names_institution(&c[1])) {
            return clean_org(&c[1]);
        }
    }
    let c = r.captures(&text[..end])?;
    // A name whose institution noun follows in lower case (`Malmö stad`, `Lunds universitet`,
    // `Norra gymnasiet`) keeps it.
    let name = c.get(1).expect("group");
    let next = text[name.end()..end].split_whitespace().next().unwrap_or("");
    let bare = next.trim_end_matches([',', '.', ';', ':', '!', '?', ')']);
    if next.starts_with(char::is_lowercase) && lexicon::institution_noun(bare) {
        return clean_org(&format!("{} {bare}", name.as_str()));
    }
    clean_org(name.as_str())
}

/// Job-title pattern: optional seniority, up to three words, a role noun.
pub const TITLE: &str = r"((?:(?:Senior|Junior|Lead|Principal|Staff|Chief|Head|Associate|Assistant|Deputy|Trainee|Graduate)\s+)?(?:[A-Za-z][A-Za-z&/-]+\s+){0,3}?(?:Engineer|Developer|Analyst|Scientist|Manager|Designer|Consultant|Director|Officer|Architect|Administrator|Teacher|Nurse|Doctor|Accountant|Lawyer|Solicitor|Researcher|Editor|Writer|Technician|Specialist|Coordinator|Executive|Advisor|Adviser|Producer|Librarian|Pharmacist|Therapist|Lecturer|Professor|Tech Lead|Team Lead|Programmer|Marketer|Planner|Recruiter))";
/// Organisation pattern: capitalised words (with &, of, and), optionally a legal suffix.
pub const ORG: &str = r"([A-Z][\w&'.-]*(?:\s+(?:[A-Z][\w&'.-]*|&|of|and))*)";

/// Title case for titles written in lower case ("data engineer").
/// The last CV section heading in `before` (a line that is only a heading word of
/// [`lexicon::cv_sections`], maybe with a colon): 0 for work experience, 1 for education.
fn cv_section(before: &str) -> Option<usize> {
    let sections = lexicon::cv_sections();
    before.lines().rev().find_map(|l| {
        let h = l.trim().trim_start_matches('#').trim().trim_end_matches(':').trim().to_lowercase();
        sections.lines.iter().find_map(|line| line.items.iter().position(|item| item.iter().any(|w| *w == h)))
    })
}

/// A title field of a form or contract (`Tätigkeit: …`, `Poste : …`): the title is its value.
fn work_label() -> &'static Regex {
    static LABEL: OnceLock<Regex> = OnceLock::new();
    LABEL.get_or_init(|| {
        let titles: Vec<String> = lexicon::work_labels().lines.iter().flat_map(|l| l.items[0].iter().cloned()).collect();
        Regex::new(&format!(r"(?im)(?:^|[\s§\d.])(?:{})\s*:\s*([^\n.;]+)", titles.iter().map(|t| regex::escape(t)).collect::<Vec<_>>().join("|"))).expect("labels")
    })
}

/// The title a field's value holds: the words before a comma, a bracket or a figure (`Kock i
/// matematik, 100 %`), six at most, the first capitalised.
fn label_title(value: &str) -> Option<String> {
    // A wide gap ends the field too (`Fonction : Comptable      Date d'entrée : …` in columns).
    let value = value.split("  ").next().unwrap_or(value);
    let head = value.split([',', '(', ';', '–', '—', '|']).next().unwrap_or("");
    let words: Vec<&str> = head.split_whitespace().take_while(|w| !w.chars().any(|c| c.is_ascii_digit() || c == '%')).collect();
    if words.is_empty() || words.len() > 6 {
        return None;
    }
    title_after(&words.join(" ")).map(|_| {
        let t = words.join(" ");
        let mut c = t.chars();
        c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
    })
}

/// Whether a text has a start-date field (`Start date: …`, `Eintritt: …`, `Date de début : …`): a
/// word of the "start" concept before a colon at the start of a line.
fn starts_field(text: &str) -> bool {
    // Fields side by side in columns (`Poste : …      Date d'entrée : …`) are read one by one.
    text.lines().flat_map(|l| l.split("  ")).any(|l| {
        let Some((label, _)) = l.split_once(':') else { return false };
        // `Date d'entrée en fonction :`: an elided article is a word of its own.
        let words: Vec<String> = label.split(|c: char| c.is_whitespace() || c == '\'' || c == '’').filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
        !words.is_empty() && words.len() <= 5 && words.iter().any(|w| crate::tasks::evidence::bound_of(w) == Some(crate::tasks::evidence::Bound::Start))
    })
}

pub fn title_case(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            if w.chars().any(|c| c.is_uppercase()) {
                w.to_string()
            } else {
                let mut c = w.chars();
                c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn clean_org(o: &str) -> Option<String> {
    let o = o.trim().trim_end_matches([',', '!', '?', ';', ':']);
    // A full stop ends the name unless it belongs to a legal form (`S.L.`, `Inc.`).
    let o = if o.ends_with('.') && !lexicon::names_company(o) { o.trim_end_matches('.') } else { o };
    let stop = ["I", "The", "A", "My", "We", "In", "At", "On"];
    if o.is_empty() || stop.contains(&o) || o.split_whitespace().count() > 6 {
        return None;
    }
    Some(o.to_string())
}

/// The job title after a word that joins it to the employer just named (`as a lab technician`,
/// `als Mechatronikerin`, `comme infirmière`), if the text goes on with one.
fn title_after_linker(text: &str) -> Option<String> {
    let t = text.trim_start_matches([',', ' ']);
    lexicon::title_linkers().spellings().find_map(|(_, _, linker)| {
        let head = t.get(..linker.len())?;
        let after = &t[linker.len()..];
        let title = (head.to_lowercase() == linker && after.starts_with(char::is_whitespace)).then(|| title_after(after)).flatten()?;
        // `as well as`, `as soon as`: an idiom, not a title (the linker comes again, or a
        // function word stands where the title should).
        let words: Vec<String> = crate::text::words(&title);
        let idiom = words.iter().any(|w| lexicon::title_linkers().spellings().any(|(_, _, l)| l == w) || lexicon::is_function_word(w));
        (!idiom).then_some(title)
    })
}

pub fn rules(v: &View, owner: &Owner, out: &mut Vec<Candidate>) {
    let start = out.len();
    rules_inner(v, owner, out);
    super::dedup_since(out, start);
}

fn rules_inner(v: &View, owner: &Owner, out: &mut Vec<Candidate>) {
    static PROMOTED: OnceLock<Regex> = OnceLock::new();
    static IM_A: OnceLock<Regex> = OnceLock::new();
    static WORK_AT: OnceLock<Regex> = OnceLock::new();
    static PRESENT: OnceLock<Regex> = OnceLock::new();
    let promoted = re(&PROMOTED, &format!(r"(?i)\b(?:promoted to|promotion to|new (?:job|role) as|started as|now working as|I work as)\s+(?:an?\s+|the\s+)?{TITLE}"));
    let im_a = re(&IM_A, &format!(r"\b(?:I'm|I am|I work as)\s+(?:an?\s+|the\s+)(?i:{TITLE})(?:\s+(?:at|for|with)\s+{ORG})?"));
    let work_at = re(&WORK_AT, &format!(r"\bI (?:work|am working) (?:at|for)\s+{ORG}"));
    // A CV's experience line: "Acme Ltd, Harrowfield      Sept 2023 - present", "Beispiel AG,
    // Kassel    03/2019 – heute", "Exemple SA, Lyon    2015 – 2019": employer, town, a date range.
    let present = re(&PRESENT, r"(?m)^[ \t]*(\p{Lu}[^,\n|]{1,60}),[ \t]*[\p{L} .'-]{2,40}?[ \t]{2,}(.*?\d{4})[ \t]*(?:–|—|-|to|bis|au|à|a|al|till|tot|do)[ \t]*([^\n]+?)[ \t]*$");
    // The other CV layout: the dates first, then the role and the employer ("2019 – heute
    // Lehrerin, Gymnasium Nord, Bochum", "2012 – 2019   Nurse, City Hospital, Truro").
    static DATES_FIRST: OnceLock<Regex> = OnceLock::new();
    // (`2009 –      Electrician, …`: a range left open is held now.)
    let dates_first = re(&DATES_FIRST, r"(?m)^[ \t]*(?:\d{1,2}[./])?\d{4}[ \t]*(?:–|—|-|to|bis|au|à|a|al|till|tot|do)[ \t]*((?:\d{1,2}[./])?\d{4}|\p{L}[\p{L}' ]{1,20}?)?[ \t]{2,}([^\n]+?)[ \t]*$");
    let flat = &v.flat;
    if v.first_person() {
        for c in dates_first.captures_iter(&v.text) {
            // A school under the CV's education heading is not an employer.
            let section = cv_section(&v.text[..c.get(0).map(|m| m.start()).unwrap_or(0)]);
            if section == Some(1) {
                continue;
            }
            let end = c.get(1).map(|m| m.as_str().trim().to_lowercase()).unwrap_or_default();
            let now = end.is_empty() || lexicon::until_now().phrases().iter().any(|w| *w == end);
            let parts: Vec<&str> = c[2].split(',').map(str::trim).collect();
            // Under the experience heading, a line of just `role, employer` names the employer
            // even without a legal form (`Bus driver, Metrobus (Carlisle)`); with more parts the
            // second may be a department or a town.
            let at = parts.iter().position(|p| lexicon::names_employer(p)).or_else(|| (section == Some(0) && parts.len() == 2 && !parts[1].is_empty()).then_some(1));
            let Some(at) = at else { continue };
            let Some(org) = clean_org(parts[at].split(" (").next().unwrap_or(parts[at])) else { continue };
            if !now {
                if end.chars().filter(char::is_ascii_digit).count() >= 4 {
                    v.emit(out, "former-organization", &org, 0.75);
                }
                continue;
            }
            v.emit(out, "organization", &org, 0.8);
            if at == 1 && parts[0].split_whitespace().count() <= 5 {
                v.emit(out, "organization-title", parts[0], 0.75);
            }
        }
        static TCUE: OnceLock<Regex> = OnceLock::new();
        static ECUE: OnceLock<Regex> = OnceLock::new();
        let tcue = TCUE.get_or_init(|| super::cue_regex(lexicon::title_cues(), r"\s+"));
        let ecue = ECUE.get_or_init(|| super::cue_regex(lexicon::employer_cues(), r"\s+"));
        for m in tcue.find_iter(flat) {
            if let Some(t) = title_after(&flat[m.end()..]) {
                v.emit(out, "organization-title", &t, 0.8);
            }
        }
        // An employer's name ends with its line (a heading runs into the text in `flat`).
        for line in v.text.lines() {
            for m in ecue.find_iter(line) {
                let rest = &line[m.end()..];
                if let Some(o) = org_after(rest) {
                    v.emit(out, "organization", &o, 0.75);
                    // "… at Acme as an engineer", "… bei Acme als Ingenieurin": the title held there.
                    if let Some(t) = rest.find(o.as_str()).and_then(|at| title_after_linker(&rest[at + o.len()..])) {
                        v.emit(out, "organization-title", &t, 0.75);
                    }
                }
            }
        }
        // "I left Acme", "mein letzter Tag bei Acme": that employer is past (`derive` retires it
        // unless the user names it as theirs again later).
        static LEFT: OnceLock<Regex> = OnceLock::new();
        let left = LEFT.get_or_init(|| super::cue_regex(lexicon::leave_cues(), r"\s+"));
        for line in v.text.lines() {
            for m in left.find_iter(line) {
                if let Some(o) = org_after(&line[m.end()..]) {
                    v.emit(out, "organization-left", &o, 0.8);
                }
            }
        }
        // Form and contract fields: "Tätigkeit: …", "Puesto: …", "(Arbeitgeberin)".
        // Only in a text about work or about the user (a contract, a payslip, a form with their
        // name): `Position: setter` in a note about a team sport is no job.
        let label = work_label();
        let employer_field = lexicon::work_labels().lines.iter().flat_map(|x| x.items[1].iter()).any(|w| v.text.to_lowercase().contains(&format!("{w}:")) || v.text.to_lowercase().contains(&format!("{w} :")));
        let about_work = starts_field(&v.text) || employer_field || v.text.contains('§') || owner.named_in(&v.text);
        for c in label.captures_iter(&v.text).filter(|_| about_work) {
            if let Some(t) = label_title(&c[1]) {
                v.emit(out, "organization-title", &t, 0.8);
            }
        }
        for line in v.text.lines() {
            let l = line.to_lowercase();
            let employer = lexicon::work_labels().lines.iter().flat_map(|x| x.items[1].iter()).find(|w| l.contains(&format!("({w})")));
            if employer.is_some() {
                let first = line.split(['(', ',']).next().unwrap_or("");
                let first = first.trim().trim_start_matches(|c: char| c.is_lowercase() || c.is_whitespace());
                let first = first.split_whitespace().skip_while(|w| ARTICLES.contains(&w.to_lowercase().as_str())).collect::<Vec<_>>().join(" ");
                if let Some(o) = org_after(&first).filter(|o| lexicon::names_company(o)) {
                    v.emit(out, "organization", &o, 0.8);
                }
            }
        }
        signature(v, owner, out);
        for c in promoted.captures_iter(flat) {
            v.emit(out, "organization-title", &title_case(&c[1]), 0.9);
        }
        for c in im_a.captures_iter(flat) {
            v.emit(out, "organization-title", &title_case(&c[1]), 0.8);
            if let Some(o) = c.get(2).and_then(|m| clean_org(m.as_str())) {
                v.emit(out, "organization", &o, 0.75);
            }
        }
        for c in work_at.captures_iter(flat) {
            if let Some(o) = clean_org(&c[1]) {
                v.emit(out, "organization", &o, 0.8);
            }
        }
        // CV experience: "Acme Ltd, Harrowfield      Sept 2023 - present" then the title line.
        let lines: Vec<&str> = v.text.lines().collect();
        for c in present.captures_iter(&v.text) {
            let end = c[3].trim().trim_end_matches('.').to_lowercase();
            let now = lexicon::until_now().phrases().iter().any(|w| *w == end);
            let before = !now && end.chars().filter(char::is_ascii_digit).count() >= 4;
            if before {
                // A role that ended: its employer is a former one (the critic reads it).
                if let Some(o) = clean_org(&c[1]).filter(|o| lexicon::names_company(o)) {
                    v.emit(out, "former-organization", &o, 0.75);
                }
                continue;
            }
            if !now {
                continue;
            }
            if let Some(o) = clean_org(&c[1]) {
                v.emit(out, "organization", &o, 0.8);
            }
            let at = c.get(0).map_or(0, |m| m.end());
            let line_no = v.text[..at].lines().count();
            if let Some(next) = lines.get(line_no) {
                static T: OnceLock<Regex> = OnceLock::new();
                if let Some(t) = re(&T, &format!(r"^\s*{TITLE}\b")).captures(next) {
                    v.emit(out, "organization-title", &title_case(&t[1]), 0.75);
                }
            }
        }
    }
    // A letter of employment sent to the user (a title field and a start-date field: `Position:
    // …`, `Start date: …`) gives the title they are hired for.
    if v.author == Author::Other && v.source.kind == SourceKind::Email && starts_field(&v.text) {
        for c in work_label().captures_iter(&v.text) {
            if let Some(t) = label_title(&c[1]) {
                v.emit(out, "organization-title", &t, 0.8);
            }
        }
    }
    // "<Name>, <Title>, <Org>" / "<Name> is a <Title> at <Org>" about the user.
    if let (Some(g), Some(f)) = (&owner.given, &owner.family) {
        let name = format!(r"(?i:{}(?:\s+[A-Z]\.?)?\s+{})", regex::escape(g), regex::escape(f));
        let pattern = format!(r"{name}(?:,\s*|\s+is\s+(?:an?\s+|the\s+)?){TITLE}(?:,\s*|\s+at\s+){ORG}");
        if let Some(r) = super::owner_regex(&pattern) {
            for c in r.captures_iter(flat) {
                v.emit(out, "organization-title", &title_case(&c[1]), 0.85);
                if let Some(o) = clean_org(&c[2]) {
                    v.emit(out, "organization", &o, 0.8);
                }
            }
        }
        // CV header: the name alone on a line, then a title alone on the next.
        let lines: Vec<&str> = v.text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        static ALONE: OnceLock<Regex> = OnceLock::new();
        let alone = re(&ALONE, &format!(r"^{TITLE}$"));
        for w in lines.windows(2) {
            if owner.named_in(w[0]) && w[0].split_whitespace().count() <= 4 && v.first_person() {
                if let Some(c) = alone.captures(w[1]) {
                    v.emit(out, "organization-title", &title_case(&c[1]), 0.7);
                }
            }
        }
    }
}

/// A signature or CV header: the user's name alone on a line, then their title, then (or on the
/// same line) the company.
pub(super) fn signature(v: &View, owner: &Owner, out: &mut Vec<Candidate>) {
    let lines: Vec<&str> = v.text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    for (i, l) in lines.iter().enumerate() {
        if !owner.named_in(l) || l.split_whitespace().count() > 6 || l.contains('@') || l.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        let Some(next) = lines.get(i + 1) else { continue };
        // A field (`Poste : …`) under the name is a form's, not a signature's title line.
        if next.contains('@') || next.chars().any(|c| c.is_ascii_digit()) || next.split_whitespace().count() > 10 || next.contains(':') {
            continue;
        }
        let segments: Vec<&str> = next.split([',', '|', '·']).flat_map(|s| s.split(" – ")).flat_map(|s| s.split(" - ")).map(str::trim).filter(|s| !s.is_empty()).collect();
        let Some(first) = segments.first() else { continue };
        if lexicon::names_company(first) {
            if let Some(o) = clean_org(first) {
                v.emit(out, "organization", &o, 0.75);
            }
            continue;
        }
        if first.split_whitespace().count() <= 6 && first.chars().next().is_some_and(char::is_alphabetic) {
            let mut c = first.chars();
            let t = c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default();
            v.emit(out, "organization-title", &t, 0.8);
        }
        let company = segments[1..].iter().chain(lines.get(i + 2).map(|l| l.split(['|', ',']).flat_map(|s| s.split(" – ")).flat_map(|s| s.split(" - ")).map(str::trim).collect::<Vec<_>>()).unwrap_or_default().iter()).find(|s| lexicon::names_employer(s)).copied();
        if let Some(o) = company.and_then(clean_org) {
            v.emit(out, "organization", &o, 0.8);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{owner, run_rule, run_rule_as};
    use super::*;

    fn get(c: &[(String, String)], k: &str) -> Vec<String> {
        c.iter().filter(|(a, _)| a == k).map(|(_, b)| b.clone()).collect()
    }

    #[test]
    fn titles_and_orgs() {
        let o = owner();
        let c = run_rule("I got promoted to Senior Data Engineer in January.", |v, out| rules(v, &o, out));
        assert_eq!(get(&c, "organization-title"), ["Senior Data Engineer"]);
        let c = run_rule("Speaker: Jo Bloggs, Staff Engineer, Acme Widgets (Harrowfield, UK)", |v, out| rules(v, &o, out));
        assert_eq!(get(&c, "organization-title"), ["Staff Engineer"]);
        assert_eq!(get(&c, "organization"), ["Acme Widgets"]);
        let c = run_rule("JO B. BLOGGS\nData Engineer\n\nAcme Ltd, Harrowfield            Sept 2023 - present\nData Engineer, Platform team", |v, out| rules(v, &o, out));
        assert_eq!(get(&c, "organization"), ["Acme Ltd"]);
        assert_eq!(get(&c, "organization-title"), ["Data Engineer"]);
        // Any language's "until now"; a role that ended names a former employer.
        let cv = "ERFAHRUNG\nBeispiel Werke AG, Kassel        04/2021 – heute\nPrüferin\n\nMuster Bau GmbH, Fulda        2016 - 2021\nZeichnerin";
        let c = run_rule(cv, |v, out| rules(v, &o, out));
        assert_eq!(get(&c, "organization"), ["Beispiel Werke AG"]);
        assert_eq!(get(&c, "former-organization"), ["Muster Bau GmbH"]);
        let c = run_rule("Exemple Conseil SA, Lyon     2015 à aujourd'hui", |v, out| rules(v, &o, out));
        assert_eq!(get(&c, "organization"), ["Exemple Conseil SA"]);
        // Dates first, then the role and the employer.
        let cv = "BERUFSERFAHRUNG\n2019 – heute      Lehrerin für Mathematik, Gymnasium am Kaiserpark, Bochum\n2011 – 2019      Referendarin, Realschule Nord, Witten";
        let c = run_rule(cv, |v, out| rules(v, &o, out));
        assert_eq!(get(&c, "organization"), ["Gymnasium am Kaiserpark"]);
        assert_eq!(get(&c, "organization-title"), ["Lehrerin für Mathematik"]);
        assert_eq!(get(&c, "former-organization"), ["Realschule Nord"]);
        let c = run_rule("I'm a data engineer at a payments company. I work at Globex.", |v, out| rules(v, &o, out));
        assert_eq!(get(&c, "organization-title"), ["Data Engineer"]);
        assert_eq!(get(&c, "organization"), ["Globex"]);
    }

    /// Titles and employers as people write them in other languages (invented examples).
    /// A range left open is the job held now; a school under the education heading is no
    /// employer (invented CV).
    #[test]
    fn an_open_range_is_now_and_schools_are_not_employers() {
        let o = owner();
        let cv = "WORK EXPERIENCE\n2014 –            Joiner, Hartley Joinery Ltd, Settle\n2010 – 2014       Apprentice joiner, Oakden & Sons Ltd, Skipton\n2008 – 2010       Porter, Kettlewell Inn (Wharfedale)\n2007 – 2008       Porter, night shift, Grassholme\n\nEDUCATION\n2008 – 2010       Carpentry diploma, Fellside College, Skipton";
        let c = run_rule(cv, |v, out| rules(v, &o, out));
        assert_eq!(get(&c, "organization"), ["Hartley Joinery Ltd"], "{c:?}");
        assert_eq!(get(&c, "former-organization"), ["Oakden & Sons Ltd", "Kettlewell Inn"], "{c:?}");
    }

    /// A letter of employment sent to the user names the title they are hired for; another
    /// mail's title field (an advert) does not (invented examples).
    #[test]
    fn a_letter_of_employment_gives_the_title() {
        let o = owner();
        let letter = "From: Personalkontoret <hr@ekbacka.example>\nTo: jo@bloggs.example\nSubject: Avtal\n\nBefattning: Kock i skolköket, 75 %\nTillträde: 2026-01-12\n";
        let c = run_rule_as(letter, SourceKind::Email, |v, out| rules(v, &o, out));
        assert_eq!(get(&c, "organization-title"), ["Kock i skolköket"], "{c:?}");
        let advert = "From: Jobbtips <tips@ekbacka.example>\nTo: jo@bloggs.example\nSubject: Lediga jobb\n\nBefattning: Kock i skolköket\nSista ansökningsdag: 2026-01-12\n";
        let c = run_rule_as(advert, SourceKind::Email, |v, out| rules(v, &o, out));
        assert!(get(&c, "organization-title").is_empty(), "{c:?}");
    }

    /// A title field counts in a text about work or about the user, not in a note about a team
    /// (invented examples).
    #[test]
    fn a_position_in_a_team_is_no_job() {
        let o = owner();
        let c = run_rule("# Basket\nPoste : ailière\nMatchs le samedi à 15 h.", |v, out| rules(v, &o, out));
        assert!(get(&c, "organization-title").is_empty(), "{c:?}");
        let c = run_rule("Bulletin de paie – Jo Bloggs\nPoste : Comptable        Date d'entrée : 02/05/2024", |v, out| rules(v, &o, out));
        assert_eq!(get(&c, "organization-title"), ["Comptable"], "{c:?}");
    }

    #[test]
    fn titles_and_orgs_in_other_languages() {
        let o = owner();
        for (text, title, org) in [
            ("Ab Montag arbeite ich bei der Nordlicht Solar GmbH. Ich fange am 3. Juni als Teamleiterin Vertrieb an.", "Teamleiterin Vertrieb", "Nordlicht Solar GmbH"),
            ("Je travaille chez Atelier Brume depuis mai, comme cheffe de projet.", "", "Atelier Brume"),
            ("Desde enero trabajo como ingeniera de datos en Fábrica Textil S.L.", "Ingeniera de datos", ""),
            ("Jag jobbar som sjuksköterska på Norrlands sjukhus.", "Sjuksköterska", ""),
            // The institution noun after the name, in lower case, is part of it.
            ("Jag jobbar på Ekerö kommun sedan augusti.", "", "Ekerö kommun"),
            ("Jo Bloggs\nTeamleiterin Vertrieb\nNordlicht Solar GmbH | Hafenweg 3 | 20457 Hamburg", "Teamleiterin Vertrieb", "Nordlicht Solar GmbH"),
            ("§2 Tätigkeit: Sachbearbeiterin Einkauf.", "Sachbearbeiterin Einkauf", ""),
            ("# Eerste dag bij Polderzicht\n\nHet team is groot.", "", "Polderzicht"),
            ("zwischen der Nordlicht Solar GmbH, Hafenweg 3 (Arbeitgeberin) und Jo Bloggs", "", "Nordlicht Solar GmbH"),
            // Institutions employ people too, with no legal form (and a noun in lower case).
            ("Premier jour au lycée Jules-Ferry, salle 12.", "", "Lycée Jules-Ferry"),
            // A sentence that ends inside the first word after the cue is no employer (and no panic).
            ("I joined in. We had fun.", "", ""),
            ("Jo Bloggs\nLehrerin für Mathematik\nMax-Weber-Gymnasium, Kassel", "Lehrerin für Mathematik", "Max-Weber-Gymnasium"),
            // A department before the company on the line under the title.
            ("Jo Bloggs\nAnalyste financier\nContrôle de gestion – Vallée Verte SA", "Analyste financier", "Vallée Verte SA"),
        ] {
            let c = run_rule(text, |v, out| rules(v, &o, out));
            if !title.is_empty() {
                assert!(get(&c, "organization-title").contains(&title.to_string()), "{text}: {c:?}");
            }
            if !org.is_empty() {
                assert!(get(&c, "organization").contains(&org.to_string()), "{text}: {c:?}");
            }
        }
    }

    #[test]
    fn titles_held_at_a_named_employer_in_several_languages() {
        let o = owner();
        for (text, title, org) in [
            ("I work at Quernhill Optics as a lens grinder.", "Lens grinder", "Quernhill Optics"),
            ("Ich arbeite bei der Fahrradwerk Lindner GmbH als Zweiradmechanikerin.", "Zweiradmechanikerin", "Fahrradwerk Lindner GmbH"),
            ("Je travaille chez Maison Ferrat comme boulangère.", "Boulangère", "Maison Ferrat"),
        ] {
            let c = run_rule(text, |v, out| rules(v, &o, out));
            assert!(get(&c, "organization-title").contains(&title.to_string()), "{text}: {c:?}");
            assert!(get(&c, "organization").contains(&org.to_string()), "{text}: {c:?}");
        }
        // "as" that starts no title.
        let c = run_rule("I work at Quernhill Optics as well as at home.", |v, out| rules(v, &o, out));
        assert!(get(&c, "organization-title").iter().all(|t| !t.to_lowercase().starts_with("well")), "{c:?}");
    }

    #[test]
    fn an_employer_the_writer_has_left() {
        let o = owner();
        for (text, org) in [
            ("Today was my last day at Harwick Ceramics. Strange feeling.", "Harwick Ceramics"),
            ("Ich arbeite nicht mehr bei Ostwind Verlag, seit Mai.", "Ostwind Verlag"),
            ("J'ai quitté Maison Ferrat en juin.", "Maison Ferrat"),
            ("Jag slutade på Tjärnbo Trä i våras.", "Tjärnbo Trä"),
        ] {
            let c = run_rule(text, |v, out| rules(v, &o, out));
            assert!(get(&c, "organization-left").contains(&org.to_string()), "{text}: {c:?}");
        }
    }
}
