//! People rules: the partner ("Sam Lee (partner)", "my partner Sam", "my husband, Alex"),
//! family and friends ("my sister Chioma", "Dad (Emeka)"), and their birthdays from birthday
//! tables (`| who | birthday |`) and "X's birthday is 9 May". Builds entities and relations;
//! emits `partner`, `family`, `friends` facts ("Chioma (sister), birthday 9 November").

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;

use super::{re, Candidate, Owner, View};
use crate::lexicon;
use crate::memory::{date, Entity, Relation, Timestamp};

/// The kind of relation a word names (`Lebensgefährte` → `partner`, `hermana` → `sister`), in
/// any language of [`lexicon::relations`].
pub fn relation_kind(word: &str) -> Option<&'static str> {
    static I: OnceLock<std::collections::HashMap<String, (usize, bool)>> = OnceLock::new();
    let w = word.trim().to_lowercase();
    I.get_or_init(|| lexicon::relations().index()).get(&w).and_then(|(i, _)| lexicon::RELATIONS.get(*i).copied())
}

/// Whether the clause that `before` ends in is about someone other than the writer: a name and
/// a third-person "is"/"eats" (`Noor är …`, `Jonas ist …`, not `Sedan i fjol är jag …`), or "my" and a
/// relation word (`min dotter …`, `my partner is …`). The writer's own clause (`I am …`,
/// `Numera tål jag …`) is not. A heading that runs into the text (`Food Noor is …`) is passed by.
pub fn someone_else_leads(before: &str) -> bool {
    let clause = before.rsplit(|c| matches!(c, '.' | '!' | '?' | ';' | '\n' | ':' | '•' | '(')).next().unwrap_or("");
    let ws: Vec<&str> = clause.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-')).filter(|w| !w.is_empty()).collect();
    let lower: Vec<String> = ws.iter().map(|w| w.to_lowercase()).collect();
    let is_self = |w: &str| lexicon::self_words().phrases().iter().any(|p| *p == w);
    for i in 0..ws.len() {
        if i + 1 < ws.len() && lexicon::possessives().phrases().iter().any(|p| *p == lower[i]) && relation_kind(ws[i + 1]).is_some() {
            return true;
        }
        let w = ws[i];
        let name = w.chars().next().is_some_and(char::is_uppercase) && w.chars().count() >= 2 && !lexicon::is_function_word(&lower[i]) && !is_self(&lower[i]);
        if !name || i + 1 >= ws.len() {
            continue;
        }
        let rest = lower[i + 1..].join(" ");
        if let Some(p) = lexicon::third_person_is().phrases().iter().find(|p| rest == **p || rest.starts_with(&format!("{p} "))) {
            let after = lower.get(i + 1 + p.split_whitespace().count());
            if !after.is_some_and(|a| is_self(a)) {
                return true;
            }
        }
    }
    false
}

fn is_partner(word: &str) -> bool {
    relation_kind(word) == Some("partner")
}

fn is_family(word: &str) -> bool {
    relation_kind(word).is_some_and(|k| !matches!(k, "partner" | "friend" | "best friend"))
}

/// Regex alternation of a lexicon's phrases, longest first, spaces matching any whitespace.
pub fn alternation(lex: &lexicon::Lexicon) -> String {
    let mut all = lex.phrases();
    all.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    all.dedup();
    // `…` in a phrase stands for up to six words in between.
    all.iter()
        // A colon may follow a space (`Tél. :`, French typography).
        .map(|w| w.split(" … ").map(|part| regex::escape(part).replace(' ', r"\s+").replace(':', r"\s*:")).collect::<Vec<_>>().join(r"\s+(?:\S+\s+){0,6}?"))
        .collect::<Vec<_>>()
        .join("|")
}

/// A capitalised name of one to four words, in any Latin script (`Tobias`, `Lucía Romero Vidal`).
pub const NAME: &str = r"\p{Lu}[\p{Ll}'’-]+(?:[ -]\p{Lu}[\p{Ll}'’-]+){0,3}";

#[derive(Default)]
struct Person {
    name: String,
    relation: Option<String>,
    birthday: Option<String>,
    chunk: Option<String>,
    date: Timestamp,
}

/// Accumulates people across chunks.
#[derive(Default)]
pub struct People {
    people: BTreeMap<String, Person>,
}

fn month_name(m: u32) -> &'static str {
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        .get(m as usize - 1)
        .copied()
        .unwrap_or("")
}

impl People {
    fn note(&mut self, v: &View, name: &str, relation: Option<&str>, birthday: Option<String>) {
        let key = name.to_lowercase();
        let p = self.people.entry(key).or_insert_with(|| Person { name: name.to_string(), ..Default::default() });
        if let Some(r) = relation {
            p.relation.get_or_insert_with(|| r.to_lowercase());
        }
        if birthday.is_some() {
            p.birthday = birthday;
        }
        if v.date >= p.date {
            p.date = v.date;
            p.chunk = Some(v.chunk.id.clone());
        }
    }

    pub fn rules(&mut self, v: &View, owner: &Owner, out: &mut Vec<Candidate>) {
        static NAME_REL: OnceLock<Regex> = OnceLock::new();
        static MY_REL: OnceLock<Regex> = OnceLock::new();
        static NAME_MY_REL: OnceLock<Regex> = OnceLock::new();
        static ROW: OnceLock<Regex> = OnceLock::new();
        static REL_NAME: OnceLock<Regex> = OnceLock::new();
        let rels = alternation(lexicon::relations());
        let poss = alternation(lexicon::possessives());
        // "Sam Lee (partner)", "Sam (my partner)", "Marc (mi pareja)".
        let name_rel = re(&NAME_REL, &format!(r"\b({NAME})\s*\((?:(?i:{poss}|your)\s+)?((?i:{rels}))\)"));
        // "my partner Sam", "mein Lebensgefährte Tobias", "ma sœur, Claire", and with the verb
        // that names or equates in each language: "my partner is Sam", "meine Schwester heißt Jana".
        let my_rel = re(&MY_REL, &format!(r"(?:^|[^\p{{L}}])(?i:{poss})\s+(?i:(?:little|big|older|younger|kleine|große|großer|petite|grande|petit|grand|hermano mayor)\s+)?((?i:{rels}))(?:'s)?,?\s+(?:(?i:is|ist|heißt|heisst|est|s'appelle|es|se llama|è|si chiama|heet|é|chama-se|är|heter|jest|ma na imię)\s+)?({NAME})"));
        // "Jojo (Johannes Lindner), mein Lebensgefährte", "Marc, my husband".
        // Name and relation on one line: a heading's last word is not named by the next line's
        // `My brother …`.
        let name_my_rel = re(&NAME_MY_REL, &format!(r"\b({NAME})(?:[^\S\n]*\(({NAME})\))?,?[^\S\n]+(?:[-–—][^\S\n]*)?(?i:{poss})\s+((?i:{rels}))\b"));
        let rel_name = re(&REL_NAME, &format!(r"^\|?\s*((?i:{rels}))\s*\(({NAME})\)"));
        let row = re(&ROW, r"^\|\s*([^|]+?)\s*\|\s*(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\b");
        let mine = v.first_person() || v.author == super::Author::Other;
        if mine {
            for c in name_rel.captures_iter(&v.text) {
                let (name, rel) = (&c[1], c[2].to_lowercase());
                if owner.name.as_deref() == Some(name) {
                    continue;
                }
                if is_partner(&rel) {
                    v.emit(out, "partner", name, 0.85);
                }
                self.note(v, name, Some(&rel), None);
            }
        }
        // "Tenants: Lea Varga and Bo Ek": the other adult on the user's lease shares their home
        // (a partner more often than not; said less surely than "my partner").
        static HOUSEHOLD: OnceLock<Regex> = OnceLock::new();
        let household = HOUSEHOLD.get_or_init(|| {
            Regex::new(&format!(r"(?im)^\s*(?:{})\s*:\s*(.+?)\s+(?:and|und|et|y|e|en|i|och|oraz|&)\s+(.+?)\s*$", alternation(lexicon::household_labels()))).expect("household labels")
        });
        let given = owner.given.as_deref().map(str::to_lowercase);
        for c in household.captures_iter(&v.text) {
            let bare = |s: &str| -> Vec<String> {
                s.split_whitespace().filter(|w| !lexicon::honorifics().phrases().iter().any(|h| h.trim_end_matches('.') == w.trim_end_matches('.').to_lowercase())).map(str::to_string).collect()
            };
            let (a, b) = (bare(&c[1]), bare(&c[2]));
            if a.is_empty() || b.is_empty() || a.len() > 4 || b.len() > 4 || !a.iter().chain(&b).all(|w| w.starts_with(char::is_uppercase)) {
                continue;
            }
            let is_owner = |n: &[String]| given.as_deref().is_some_and(|g| n.first().is_some_and(|f| f.to_lowercase() == g));
            let mut other = match (is_owner(&a), is_owner(&b)) {
                (true, false) => b.clone(),
                (false, true) => a.clone(),
                _ => continue,
            };
            // `Lise et Paul Morel`: one family name for both.
            if other.len() == 1 {
                if let Some(family) = b.last().filter(|_| b.len() > 1 && other != b) {
                    other.push(family.clone());
                }
            }
            let name = other.join(" ");
            v.emit(out, "partner", &name, 0.6);
            self.note(v, &name, Some("partner"), None);
        }
        if v.first_person() {
            for c in my_rel.captures_iter(&v.flat) {
                let (rel, name) = (c[1].to_lowercase(), c[2].to_string());
                if is_partner(&rel) {
                    v.emit(out, "partner", &name, 0.7);
                }
                self.note(v, &name, Some(&rel), None);
            }
            for c in name_my_rel.captures_iter(&v.text) {
                // At the start of a sentence (or of a chat turn), `X, my son …` is an apposition
                // only when it closes (`Marc, my husband, cooks`, `This is Anna, my sister.`):
                // `Thankfully, my son's ok` and `Marrying my partner was …` open with a word that
                // is capitalised by its place, not a name.
                let whole = c.get(0).expect("match");
                let before = v.text[..whole.start()].trim_end_matches([' ', '\t']);
                let opens = before.is_empty() || before.ends_with(['.', '!', '?', '\n', ':', '…']);
                let after = v.text[whole.end()..].trim_start_matches([' ', '\t']);
                let closes = after.is_empty() || after.starts_with([',', '.', ';', ')', '!', '\n', '–', '—']);
                if opens && !closes {
                    continue;
                }
                let name = c.get(2).unwrap_or_else(|| c.get(1).expect("group 1")).as_str().to_string();
                let rel = c[3].to_lowercase();
                if owner.name.as_deref() == Some(name.as_str()) {
                    continue;
                }
                if is_partner(&rel) {
                    v.emit(out, "partner", &name, 0.85);
                }
                self.note(v, &name, Some(&rel), None);
            }
            // Birthday tables: a header row with "birthday", then rows "| who | 9 November | …".
            let has_table = v.text.lines().any(|l| l.starts_with('|') && l.to_lowercase().contains("birthday"));
            if has_table {
                for line in v.text.lines() {
                    let Some(c) = row.captures(line) else { continue };
                    let Some(m) = date::month_number(&c[3]) else { continue };
                    let bday = format!("{} {}", c[2].trim_start_matches('0'), month_name(m));
                    let who = c[1].trim();
                    let (name, rel) = match rel_name.captures(who) {
                        Some(rc) => (rc[2].to_string(), Some(rc[1].to_string())),
                        None => (who.split_whitespace().next().unwrap_or(who).to_string(), None),
                    };
                    if owner.given.as_deref() == Some(name.as_str()) {
                        continue;
                    }
                    self.note(v, &name, rel.as_deref(), Some(bday));
                }
            }
        }
    }

    /// Entities, relations and the `family`/`friends` facts.
    pub fn finish(self, out: &mut Vec<Candidate>) -> (Vec<Entity>, Vec<Relation>) {
        let mut entities = Vec::new();
        let mut relations = Vec::new();
        for (key, p) in self.people {
            let id = format!("ent-{}", key.replace(' ', "-"));
            let mut attributes = Vec::new();
            if let Some(b) = &p.birthday {
                attributes.push(("birthday".to_string(), b.clone()));
            }
            entities.push(Entity { id: id.clone(), name: p.name.clone(), kind: "person".into(), attributes });
            if let Some(r) = &p.relation {
                relations.push(Relation { id: format!("rel-self-{r}-{key}"), from: "self".into(), relation: r.clone(), to: id.clone(), source_chunk: p.chunk.clone() });
            }
            let group = match p.relation.as_deref() {
                Some(r) if is_family(r) => "family",
                Some(r) if is_partner(r) => continue,
                Some(_) => "friends",
                None if p.birthday.is_some() => "friends",
                None => continue,
            };
            let mut value = p.name.clone();
            if let Some(r) = &p.relation {
                value.push_str(&format!(" ({r})"));
            }
            if let Some(b) = &p.birthday {
                value.push_str(&format!(", birthday {b}"));
            }
            out.push(Candidate { key: group.into(), value, confidence: 0.7, chunk_id: p.chunk.clone(), observed_at: p.date });
        }
        (entities, relations)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{owner, view_of};
    use super::*;
    use crate::memory::SourceKind;

    #[test]
    fn partner_family_birthdays() {
        let o = owner();
        let mut p = People::default();
        let mut out = Vec::new();
        let v = view_of("Emergency contact: Rune Lestrade (partner)\nI asked my sister Odalys.\n\n| who | birthday |\n| Dad (Tadeo) | 5 Jan |\n| Odalys | 9 November |\n| Ludmila | 17 July |", SourceKind::Markdown);
        p.rules(&v, &o, &mut out);
        let (ents, rels) = p.finish(&mut out);
        let vals: Vec<(String, String)> = out.iter().map(|c| (c.key.clone(), c.value.clone())).collect();
        assert!(vals.contains(&("partner".into(), "Rune Lestrade".into())), "{vals:?}");
        assert!(vals.contains(&("family".into(), "Odalys (sister), birthday 9 November".into())), "{vals:?}");
        assert!(vals.contains(&("family".into(), "Tadeo (dad), birthday 5 January".into())), "{vals:?}");
        assert!(vals.contains(&("friends".into(), "Ludmila, birthday 17 July".into())), "{vals:?}");
        assert!(ents.iter().any(|e| e.name == "Odalys"));
        assert!(rels.iter().any(|r| r.relation == "partner"));
    }

    /// A word capitalised by its place at the start of a sentence is no relative's name:
    /// `Luckily, my brother was home`, `Heiraten mit meinem Partner …`; a closed apposition is.
    #[test]
    fn a_sentences_first_word_before_my_relative_is_not_their_name() {
        let o = owner();
        let mut p = People::default();
        let mut out = Vec::new();
        let v = view_of("Luckily, my brother was home when the pipe burst.
Glücklicherweise, meine Schwester hatte Zeit.
Sailing my boat was the best part.
Borrowed the van from Teodor, my cousin, on Sunday.
This is Ilse, my aunt.
Marisol, my sister, lent me the tent.", SourceKind::Markdown);
        p.rules(&v, &o, &mut out);
        let _ = p.finish(&mut out);
        let vals: Vec<String> = out.iter().map(|c| c.value.clone()).collect();
        assert!(!vals.iter().any(|v| v.starts_with("Luckily") || v.starts_with("Glücklicherweise") || v.starts_with("Sailing")), "{vals:?}");
        for name in ["Teodor (cousin)", "Ilse (aunt)", "Marisol (sister)"] {
            assert!(vals.iter().any(|v| v.starts_with(name)), "{name}: {vals:?}");
        }
    }

    /// "My partner is …", "meine Schwester heißt …": the verb that names someone, in several
    /// languages (invented names).
    #[test]
    fn a_relative_named_with_a_verb() {
        let o = owner();
        for (text, key, value) in [
            ("My partner is Ines Caldeira, we met in Lisbon.", "partner", "Ines Caldeira"),
            ("Meine Schwester heißt Jana und wohnt in Bremen.", "family", "Jana (schwester)"),
            ("Mi pareja se llama Tomás Ferrer.", "partner", "Tomás Ferrer"),
        ] {
            let v = view_of(text, SourceKind::Markdown);
            let mut out = Vec::new();
            let mut p = People::default();
            p.rules(&v, &o, &mut out);
            p.finish(&mut out);
            assert!(out.iter().any(|c| c.key == key && c.value == value), "{text}: {:?}", out.iter().map(|c| (&c.key, &c.value)).collect::<Vec<_>>());
        }
    }

    /// A title line that ends with a name is not part of the next line's `My brother …`.
    #[test]
    fn a_heading_ending_in_a_name_is_not_the_relatives_name() {
        let o = owner();
        let v = view_of("Party Plan Marek\nMy brother Marek turns forty in June.", SourceKind::Markdown);
        let mut out = Vec::new();
        let mut p = People::default();
        p.rules(&v, &o, &mut out);
        p.finish(&mut out);
        let family: Vec<&str> = out.iter().filter(|c| c.key == "family").map(|c| c.value.as_str()).collect();
        assert_eq!(family, vec!["Marek (brother)"], "{out:?}");
    }

    /// A list under a heading: the heading's word is not part of the first name of the list.
    #[test]
    fn a_list_under_a_heading_starts_with_a_name() {
        let o = owner();
        let v = view_of("# Geburtstage\nNils (mein Mann) – 4. Mai\nOma Ruth – 2. Juli", SourceKind::Markdown);
        let mut out = Vec::new();
        People::default().rules(&v, &o, &mut out);
        let partner: Vec<&str> = out.iter().filter(|c| c.key == "partner").map(|c| c.value.as_str()).collect();
        assert_eq!(partner, vec!["Nils"], "{out:?}");
    }

    /// Partners and family as people write them in other languages (invented examples).
    #[test]
    fn the_other_tenant_shares_the_home() {
        let o = owner();
        for (text, want) in [("Tenants: Jo Bloggs and Ann Smith", "Ann Smith"), ("Locataires : Jo et Paul Bloggs", "Paul Bloggs"), ("Hyresgäster: Ms Ann Smith och Jo Bloggs", "Ann Smith")] {
            let v = view_of(text, SourceKind::Text);
            let mut out = Vec::new();
            People::default().rules(&v, &o, &mut out);
            assert!(out.iter().any(|c| c.key == "partner" && c.value == want), "{text}: {out:?}");
        }
        let v = view_of("Tenants: Ann Smith and Bo Ek", SourceKind::Text);
        let mut out = Vec::new();
        People::default().rules(&v, &o, &mut out);
        assert!(out.is_empty(), "the user is not on this lease: {out:?}");
    }

    #[test]
    fn partner_in_other_languages() {
        let o = owner();
        for (text, want) in [
            ("- Jonas (Jonas Albers), mein Lebensgefährte: Geburtstag im Juni", "Jonas Albers"),
            ("Ce week-end avec mon compagnon Hugo Lefèvre à la mer.", "Hugo Lefèvre"),
            ("Cena con Álvaro (mi pareja) y sus padres.", "Álvaro"),
            ("Middag hos min sambo Erik Lund och hans föräldrar.", "Erik Lund"),
            ("Oggi pranzo con mio marito Paolo.", "Paolo"),
        ] {
            let mut p = People::default();
            let mut out = Vec::new();
            p.rules(&view_of(text, SourceKind::Markdown), &o, &mut out);
            let partners: Vec<&str> = out.iter().filter(|c| c.key == "partner").map(|c| c.value.as_str()).collect();
            assert_eq!(partners, [want], "{text}");
        }
        let mut p = People::default();
        let mut out = Vec::new();
        p.rules(&view_of("Hoy he llamado a mi hermana Inés.", SourceKind::Markdown), &o, &mut out);
        assert!(out.iter().all(|c| c.key != "partner"));
        let (ents, _) = p.finish(&mut out);
        assert!(ents.iter().any(|e| e.name == "Inés"), "{ents:?}");
    }
}
