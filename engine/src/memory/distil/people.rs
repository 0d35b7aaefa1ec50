//! People rules: the partner ("Sam Lee (partner)", "my partner Sam", "my husband, Alex"),
//! family and friends ("my sister Chioma", "Dad (Emeka)"), and their birthdays from birthday
//! tables (`| who | birthday |`) and "X's birthday is 9 May". Builds entities and relations;
//! emits `partner`, `family`, `friends` facts ("Chioma (sister), birthday 9 November").

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;

use super::{re, Candidate, Owner, View};
use crate::memory::{date, Entity, Relation, Timestamp};

const FAMILY: &[&str] = &[
    "sister", "brother", "mum", "mom", "mother", "dad", "father", "nephew", "niece", "cousin", "grandma", "grandmother",
    "grandad", "grandpa", "grandfather", "aunt", "auntie", "uncle", "son", "daughter", "brother-in-law", "sister-in-law",
    "stepmum", "stepdad", "gran", "nan",
];
const PARTNER: &[&str] = &["partner", "husband", "wife", "boyfriend", "girlfriend", "fiancé", "fiance", "fiancée", "fiancee", "spouse"];

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
        static ROW: OnceLock<Regex> = OnceLock::new();
        static REL_NAME: OnceLock<Regex> = OnceLock::new();
        let rels = [PARTNER, FAMILY, &["friend", "best friend"]].concat().join("|");
        let name_rel = re(&NAME_REL, &format!(r"\b([A-Z][a-z]+(?:\s+[A-Z][a-z]+){{0,2}})\s*\((?:my\s+|your\s+)?((?i:{rels}))\)"));
        let my_rel = re(&MY_REL, &format!(r"\b[Mm]y (?:little |big |older |younger |best )?((?i:{rels}))(?:'s)?,?\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)"));
        let rel_name = re(&REL_NAME, &format!(r"^\|?\s*((?i:{rels}))\s*\(([A-Z][a-z]+)\)"));
        let row = re(&ROW, r"^\|\s*([^|]+?)\s*\|\s*(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\b");
        let mine = v.first_person() || v.author == super::Author::Other;
        if mine {
            for c in name_rel.captures_iter(&v.flat) {
                let (name, rel) = (&c[1], c[2].to_lowercase());
                if owner.name.as_deref() == Some(name) {
                    continue;
                }
                if PARTNER.contains(&rel.as_str()) {
                    v.emit(out, "partner", name, 0.85);
                }
                self.note(v, name, Some(&rel), None);
            }
        }
        if v.first_person() {
            for c in my_rel.captures_iter(&v.flat) {
                let (rel, name) = (c[1].to_lowercase(), c[2].to_string());
                if PARTNER.contains(&rel.as_str()) {
                    v.emit(out, "partner", &name, 0.7);
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
                Some(r) if FAMILY.contains(&r) => "family",
                Some(r) if PARTNER.contains(&r) => continue,
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
        let v = view_of("Emergency contact: Sam Lee (partner)\nI asked my sister Chioma.\n\n| who | birthday |\n| Dad (Emeka) | 5 Jan |\n| Chioma | 9 November |\n| Priya | 17 July |", SourceKind::Markdown);
        p.rules(&v, &o, &mut out);
        let (ents, rels) = p.finish(&mut out);
        let vals: Vec<(String, String)> = out.iter().map(|c| (c.key.clone(), c.value.clone())).collect();
        assert!(vals.contains(&("partner".into(), "Sam Lee".into())), "{vals:?}");
        assert!(vals.contains(&("family".into(), "Chioma (sister), birthday 9 November".into())), "{vals:?}");
        assert!(vals.contains(&("family".into(), "Emeka (dad), birthday 5 January".into())), "{vals:?}");
        assert!(vals.contains(&("friends".into(), "Priya, birthday 17 July".into())), "{vals:?}");
        assert!(ents.iter().any(|e| e.name == "Chioma"));
        assert!(rels.iter().any(|r| r.relation == "partner"));
    }
}
