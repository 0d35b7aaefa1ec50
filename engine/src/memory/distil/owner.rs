//! Who the user is: the display name on one side of most of their mail (From: or To:) and its
//! addresses, strengthened by "My name is …" in their own text. Every other rule asks this module whether
//! a name, address or line is the user's.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::{chunk_header, re, Candidate};
use crate::memory::{Chunk, Source, SourceKind, Timestamp};

/// The user's identity as far as the sources tell.
#[derive(Debug, Clone, Default)]
pub struct Owner {
    /// Full display name (`Jo Bloggs`).
    pub name: Option<String>,
    pub given: Option<String>,
    pub family: Option<String>,
    /// Email addresses that are the user's, lower case, with how often they appear.
    pub addresses: Vec<(String, usize, Timestamp)>,
    /// Chunk and date the name was taken from.
    pub name_chunk: Option<(String, Timestamp)>,
    /// The language most of the user's own writing is in (ISO 639-1).
    pub language: Option<&'static str>,
    /// The countries the sources point to (international phone numbers, currencies), most
    /// often named first: which country's address format a postcode is read in when several
    /// share its shape (`1007 Lausanne`, `1000 Bruxelles`).
    pub countries: Vec<&'static str>,
}

/// `Name <addr>` or bare addresses in a header value.
pub fn parse_addresses(v: &str) -> Vec<(Option<String>, String)> {
    static R: OnceLock<regex::Regex> = OnceLock::new();
    let r = re(&R, r#"(?:"?([^<>",]*?)"?\s*<([^<>@\s]+@[^<>\s]+)>)|([\w.+-]+@[\w-]+(?:\.[\w-]+)+)"#);
    r.captures_iter(v)
        .map(|c| match (c.get(1), c.get(2), c.get(3)) {
            (n, Some(a), _) => (n.map(|n| n.as_str().trim().to_string()).filter(|n| !n.is_empty()), a.as_str().to_lowercase()),
            (_, _, Some(a)) => (None, a.as_str().to_lowercase()),
            _ => (None, String::new()),
        })
        .filter(|(_, a)| !a.is_empty())
        .collect()
}

fn title_case(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Works out the owner from all chunks.
pub fn detect(sources: &[Source], chunks: &[Chunk]) -> Owner {
    static MY_NAME: OnceLock<regex::Regex> = OnceLock::new();
    // "My name is …", "Jag heter …", "Je m'appelle …": a capitalised name after the phrase.
    let my_name = MY_NAME.get_or_init(|| {
        let phrases: Vec<String> = crate::lexicon::my_name().phrases().iter().map(|p| regex::escape(p).replace('\'', "['’]")).collect();
        regex::Regex::new(&format!(r"(?i:\b(?:{}))\s+(\p{{Lu}}\p{{Ll}}+(?:[ -]\p{{Lu}}\p{{Ll}}+){{0,2}})", phrases.join("|"))).expect("my-name pattern")
    });
    let kind: HashMap<&str, (SourceKind, Timestamp)> = sources.iter().map(|s| (s.id.as_str(), (s.kind, s.effective_date()))).collect();
    let mut names: HashMap<String, (f32, String, Timestamp)> = HashMap::new();
    let mut addr_names: Vec<(Option<String>, String, Timestamp)> = Vec::new();
    // How many mails each address received with no name shown.
    let mut received: HashMap<String, usize> = HashMap::new();
    let mut countries: HashMap<&'static str, usize> = HashMap::new();
    for c in chunks {
        let Some(&(k, date)) = kind.get(c.source_id.as_str()) else { continue };
        let date = c.dated.unwrap_or(date);
        for code in super::contact::countries_named(&c.text) {
            *countries.entry(code).or_default() += 1;
        }
        if k == SourceKind::Email {
            if let Some(to) = chunk_header(c, "To") {
                for (n, a) in parse_addresses(&to) {
                    if n.is_none() {
                        *received.entry(a.clone()).or_default() += 1;
                    }
                    if let Some(n) = &n {
                        let e = names.entry(title_case(n)).or_insert((0.0, c.id.clone(), date));
                        e.0 += 1.0;
                    }
                    addr_names.push((n, a, date));
                }
            }
            // Mail the user sent: they are on one side of every mail in their export, so their
            // name is the one most often in From or To. Its From address is theirs when it
            // carries their name.
            if let Some(from) = chunk_header(c, "From") {
                for (n, a) in parse_addresses(&from) {
                    // (A little less than a To: name, so that of one mail each the receiver wins,
                    // unless the sender signs it: then of one mail each the signer is the writer.)
                    if let Some(n) = &n {
                        let e = names.entry(title_case(n)).or_insert((0.0, c.id.clone(), date));
                        e.0 += if signs(&c.text, n) { 1.1 } else { 0.9 };
                    }
                    addr_names.push((n, a, date));
                }
            }
        }
        if matches!(k, SourceKind::Email | SourceKind::Html | SourceKind::Selection) {
            continue;
        }
        for p in c.text.split("\n\n").filter(|p| !p.starts_with("Assistant: ")) {
            for cap in my_name.captures_iter(p) {
                let e = names.entry(title_case(&cap[1])).or_insert((0.0, c.id.clone(), date));
                e.0 += 3.0;
            }
        }
    }
    // The address the mail is sent to is the user's even when it comes without a name (`To:
    // ana.lind@…`): a name its local part spells out is theirs, once for each such mail.
    for (name, e) in names.iter_mut() {
        let spelled: usize = received.iter().filter(|(a, _)| spells(a, name)).map(|(_, n)| *n).sum();
        e.0 += 0.8 * spelled as f32;
    }
    let mut best: Vec<(String, (f32, String, Timestamp))> = names.into_iter().collect();
    best.sort_by(|a, b| b.1 .0.total_cmp(&a.1 .0).then(a.0.cmp(&b.0)));
    // Of the forms of the user's name in mail headers (a nickname in one address, the full
    // given name in another: same family name), the one their own documents use — a form they
    // filled, a CV header, a payslip — is the name a form asks for (1.5 a document, four at most).
    if let Some(family) = best.first().and_then(|(n, _)| n.split_whitespace().last()).map(crate::text::fold) {
        let own_docs: Vec<&Chunk> = chunks
            .iter()
            .filter(|c| kind.get(c.source_id.as_str()).is_some_and(|(k, _)| matches!(k, SourceKind::Text | SourceKind::Pdf | SourceKind::Markdown | SourceKind::Note)))
            .collect();
        for (name, e) in best.iter_mut().filter(|(n, _)| n.split_whitespace().count() >= 2 && n.split_whitespace().last().map(crate::text::fold).as_deref() == Some(family.as_str())) {
            let want = crate::text::fold(name);
            let docs: std::collections::HashSet<&str> = own_docs.iter().filter(|c| whole_words_in(&crate::text::fold(&c.text), &want)).map(|c| c.source_id.as_str()).collect();
            e.0 += 1.5 * docs.len().min(4) as f32;
        }
        best.sort_by(|a, b| b.1 .0.total_cmp(&a.1 .0).then(a.0.cmp(&b.0)));
    }
    let mut owner = Owner::default();
    let mut named: Vec<(&'static str, usize)> = countries.into_iter().collect();
    named.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    owner.countries = named.into_iter().map(|(c, _)| c).collect();
    if let Some((name, (_, chunk, date))) = best.into_iter().next() {
        let parts: Vec<&str> = name.split_whitespace().collect();
        owner.given = parts.first().map(|s| s.to_string());
        owner.family = (parts.len() > 1).then(|| parts[parts.len() - 1].to_string());
        owner.name = Some(name.clone());
        owner.name_chunk = Some((chunk, date));
    }
    let header_name = owner.name.clone();
    // A second family name (`Lucía Romero Vidal`, `João Silva Santos`) that the short form in
    // mail headers leaves out: the same name with one more word after it, alone on its line or
    // before a comma, a bracket or "and", in at least two places.
    if let (Some(g), Some(f)) = (owner.given.clone(), owner.family.clone()) {
        let pattern = format!(r"(?i)(?:^|[^\p{{L}}]){}\s+{}\s+(\p{{L}}[\p{{L}}'’-]+)(?:\s*$|\s*[,(|<]|\s+(?:y|e|i|und|and|et|och|en)\s)", regex::escape(&g), regex::escape(&f));
        if let Ok(r) = regex::Regex::new(&pattern) {
            let mut seen: HashMap<String, std::collections::HashSet<&str>> = HashMap::new();
            for c in chunks {
                if kind.get(c.source_id.as_str()).is_some_and(|(k, _)| matches!(k, SourceKind::Html | SourceKind::Selection)) {
                    continue;
                }
                for line in c.text.lines() {
                    for cap in r.captures_iter(line) {
                        let word = &cap[1];
                        let upper_line = !line.chars().any(|ch| ch.is_lowercase());
                        if word.chars().next().is_some_and(char::is_uppercase) && (upper_line || word.chars().skip(1).any(char::is_lowercase)) {
                            seen.entry(title_case(word)).or_default().insert(c.source_id.as_str());
                        }
                    }
                }
            }
            if let Some((second, _)) = seen.into_iter().filter(|(_, s)| s.len() >= 2).max_by_key(|(w, s)| (s.len(), w.clone())) {
                owner.family = Some(format!("{f} {second}"));
                owner.name = Some(format!("{g} {f} {second}"));
            }
        }
    }
    // The user's addresses: sent to their name, or whose local part spells their name.
    for (n, a, date) in addr_names {
        let shown = n.as_deref().map(title_case);
        let named = shown.is_some() && (shown == owner.name || shown == header_name);
        // Another form of the user's name (same family name) whose address spells it.
        let alias = shown.as_deref().is_some_and(|s| owner.family.as_deref().is_some_and(|f| s.split_whitespace().last() == f.split_whitespace().last()) && spells(&a, s));
        if named || alias || owner.local_part_matches(&a) {
            match owner.addresses.iter_mut().find(|x| x.0 == a) {
                Some(x) => {
                    x.1 += 1;
                    x.2 = x.2.max(date);
                }
                None => owner.addresses.push((a, 1, date)),
            }
        }
    }
    owner
}

/// Whether `phrase` stands in `text` as whole words (both folded).
fn whole_words_in(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(i, _)| {
        let before = text[..i].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let after = text[i + phrase.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        before && after
    })
}

/// Whether the local part of `addr` spells every word of `name` (two words at least, accents
/// aside: `elodie.marchand@…` spells `Élodie Marchand`).
fn spells(addr: &str, name: &str) -> bool {
    let local = crate::text::fold(addr.split('@').next().unwrap_or(""));
    let words: Vec<String> = name.split_whitespace().map(crate::text::fold).filter(|w| w.chars().count() >= 2).collect();
    words.len() >= 2 && words.iter().all(|w| local.contains(w.as_str()))
}

/// Whether `name` signs the mail `text`: it stands alone on one of the body's last lines.
fn signs(text: &str, name: &str) -> bool {
    let want = crate::text::fold(name.trim());
    let given = want.split_whitespace().next().unwrap_or("").to_string();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('>'))
        .rev()
        .take(4)
        .any(|l| {
            let l = crate::text::fold(l.trim_end_matches([',', '.']));
            !want.is_empty() && (l == want || (given.chars().count() >= 2 && l == given))
        })
}

impl Owner {
    /// Whether an address's local part contains the user's given or family name.
    pub fn local_part_matches(&self, addr: &str) -> bool {
        let local = crate::text::fold(addr.split('@').next().unwrap_or(""));
        [&self.given, &self.family]
            .iter()
            .filter_map(|n| n.as_ref())
            .flat_map(|n| n.split_whitespace())
            .any(|n| n.chars().count() >= 3 && local.contains(&crate::text::fold(n)))
    }

    /// Whether a header value names the user (by address or name).
    pub fn is_owner_address_line(&self, line: &str) -> bool {
        let l = line.to_lowercase();
        self.addresses.iter().any(|(a, _, _)| l.contains(a.as_str())) || self.name.as_ref().is_some_and(|n| l.contains(&n.to_lowercase())) || self.named_in(line)
    }

    /// Whether `word` is one of the user's own names (given or family, any case).
    pub fn is_own_name(&self, word: &str) -> bool {
        [&self.given, &self.family].iter().filter_map(|n| n.as_deref()).flat_map(str::split_whitespace).any(|n| n.eq_ignore_ascii_case(word))
    }

    /// Whether a line mentions the user's name (given + family, any case, middle names allowed).
    pub fn named_in(&self, line: &str) -> bool {
        let (Some(g), Some(f)) = (&self.given, &self.family) else { return false };
        let l = line.to_lowercase();
        match (l.find(&g.to_lowercase()), l.rfind(&f.to_lowercase())) {
            (Some(a), Some(b)) => b > a && b - a < g.len() + 30,
            _ => false,
        }
    }

    /// Emits the name keys and email candidates.
    pub fn emit_identity(&self, out: &mut Vec<Candidate>, _now: Timestamp) {
        let Some((chunk, date)) = &self.name_chunk else { return };
        let mut push = |key: &str, value: &str| {
            out.push(Candidate { key: key.into(), value: value.into(), confidence: 0.9, chunk_id: Some(chunk.clone()), observed_at: *date });
        };
        if let Some(n) = &self.name {
            push("name", n);
        }
        if let Some(g) = &self.given {
            push("given-name", g);
        }
        if let Some(f) = &self.family {
            push("family-name", f);
        }
        for (a, count, date) in &self.addresses {
            for _ in 0..*count {
                out.push(Candidate { key: "email-candidate".into(), value: a.clone(), confidence: 0.8, chunk_id: Some(chunk.clone()), observed_at: *date });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_header_addresses() {
        let a = parse_addresses("Jo Bloggs <Jo.Bloggs@Mail.example>, sam@x.example, \"Lee, A\" <a@b.example>");
        assert_eq!(a[0], (Some("Jo Bloggs".into()), "jo.bloggs@mail.example".into()));
        assert_eq!(a[1], (None, "sam@x.example".into()));
        assert_eq!(a.len(), 3);
    }

    #[test]
    fn names_and_local_parts() {
        let o = Owner { name: Some("Jo Bloggs".into()), given: Some("Jo".into()), family: Some("Bloggs".into()), ..Default::default() };
        assert!(o.local_part_matches("j.bloggs@work.example"));
        assert!(!o.local_part_matches("sam@x.example"));
        assert!(o.named_in("Ms JO ANNE BLOGGS"));
        assert!(!o.named_in("Bloggs, Jo"));
    }

    /// Mostly sent mail, each to someone else: the sender is the user (invented example).
    #[test]
    fn the_name_on_one_side_of_most_mail_is_the_user() {
        use crate::memory::{Chunk, Origin, Source};
        let src = |id: &str| Source { id: id.into(), name: id.into(), kind: SourceKind::Email, origin: Origin::Note, imported_at: 0, dated: None, sha256: id.into(), chunk_ids: vec![format!("{id}-0")] };
        let chunk = |id: &str, text: &str| Chunk { id: format!("{id}-0"), source_id: id.into(), index: 0, heading_path: vec![], text: text.into(), dated: None, page: None, times: vec![] };
        let sources = vec![src("a"), src("b"), src("c")];
        let chunks = vec![
            chunk("a", "From: Lea Varga <lea@mail.example>\nTo: Mme Adam <ecole@school.example>\nSubject: absence"),
            chunk("b", "From: Lea Varga <lea@mail.example>\nTo: Bo Ek <bo@x.example>\nSubject: hi"),
            chunk("c", "From: Shop <no-reply@shop.example>\nTo: Lea Varga <lea@mail.example>\nSubject: order"),
        ];
        let o = detect(&sources, &chunks);
        assert_eq!(o.name.as_deref(), Some("Lea Varga"));
        assert!(o.addresses.iter().any(|(a, _, _)| a == "lea@mail.example"), "{:?}", o.addresses);
    }

    /// Mail sent to the user's bare address (no name shown) outweighs one sender who signs:
    /// the address spells the user's name (invented example).
    #[test]
    fn the_address_mail_is_sent_to_spells_the_users_name() {
        use crate::memory::{Chunk, Origin, Source};
        let src = |id: &str| Source { id: id.into(), name: id.into(), kind: SourceKind::Email, origin: Origin::Note, imported_at: 0, dated: None, sha256: id.into(), chunk_ids: vec![format!("{id}-0")] };
        let chunk = |id: &str, text: &str| Chunk { id: format!("{id}-0"), source_id: id.into(), index: 0, heading_path: vec![], text: text.into(), dated: None, page: None, times: vec![] };
        let sources = vec![src("a"), src("b"), src("c"), src("d")];
        let chunks = vec![
            chunk("a", "From: Greta Holm <personal@verkstad.example>\nTo: tomas.lind@post.example\nSubject: Välkommen\n\nVälkommen till oss!\n\nGreta Holm"),
            chunk("b", "From: Tågbolaget <noreply@tag.example>\nTo: tomas.lind@post.example\nSubject: Biljett"),
            chunk("c", "From: Hyresvärden <info@hus.example>\nTo: tomas.lind@post.example\nSubject: Tvättstugan"),
            chunk("d", "From: Tomas Lind <tomas.lind@verkstad.example>\nTo: Kund AB <inkop@kund.example>\nSubject: Offert"),
        ];
        let o = detect(&sources, &chunks);
        assert_eq!(o.name.as_deref(), Some("Tomas Lind"));
        assert!(o.addresses.iter().any(|(a, _, _)| a == "tomas.lind@post.example"), "{:?}", o.addresses);
    }

    /// A nickname in the user's personal address and the full given name at work: the form
    /// their own documents use is the name (invented example).
    #[test]
    fn the_name_the_users_documents_use_wins_over_a_nickname() {
        use crate::memory::{Chunk, Origin, Source};
        let src = |id: &str, kind| Source { id: id.into(), name: id.into(), kind, origin: Origin::Note, imported_at: 0, dated: None, sha256: id.into(), chunk_ids: vec![format!("{id}-0")] };
        let chunk = |id: &str, text: &str| Chunk { id: format!("{id}-0"), source_id: id.into(), index: 0, heading_path: vec![], text: text.into(), dated: None, page: None, times: vec![] };
        let e = SourceKind::Email;
        let sources = vec![src("a", e), src("b", e), src("c", e), src("d", e), src("f", SourceKind::Text), src("g", SourceKind::Text)];
        let chunks = vec![
            chunk("a", "From: Bertie Hallam <bertie.hallam@post.example>\nTo: Club <info@club.example>\nSubject: Kit\n\nCheers,\nBertie Hallam"),
            chunk("b", "From: Shop <no-reply@shop.example>\nTo: bertie.hallam@post.example\nSubject: Order"),
            chunk("c", "From: Albert Hallam <albert.hallam@mill.example>\nTo: Sales <s@x.example>\nSubject: Quote\n\nAlbert Hallam"),
            chunk("d", "From: Nan <nan@x.example>\nTo: Bertie Hallam <bertie.hallam@post.example>\nSubject: Sunday"),
            chunk("f", "ENTRY FORM\nName: Albert Hallam\nPhone: 0700 000000"),
            chunk("g", "ALBERT HALLAM\nMillwright"),
        ];
        let o = detect(&sources, &chunks);
        assert_eq!(o.name.as_deref(), Some("Albert Hallam"));
        assert!(o.addresses.iter().any(|(a, _, _)| a == "bertie.hallam@post.example"), "{:?}", o.addresses);
        assert!(o.addresses.iter().any(|(a, _, _)| a == "albert.hallam@mill.example"), "{:?}", o.addresses);
    }

    /// International numbers and one country's currency tell which countries the sources are
    /// about, most named first (invented example).
    #[test]
    fn countries_from_phone_numbers_and_currencies() {
        use crate::memory::{Chunk, Origin, Source};
        let src = Source { id: "n".into(), name: "n".into(), kind: SourceKind::Markdown, origin: Origin::Note, imported_at: 0, dated: None, sha256: "n".into(), chunk_ids: vec!["n-0".into()] };
        let chunk = |i: u32, text: &str| Chunk { id: format!("n-{i}"), source_id: "n".into(), index: i, heading_path: vec![], text: text.into(), dated: None, page: None, times: vec![] };
        let chunks = vec![chunk(0, "Ring mig på +41 78 222 33 44."), chunk(1, "Abonnemang: CHF 39.– i månaden"), chunk(2, "Hotellet i Paris: +33 1 44 55 66 77")];
        assert_eq!(detect(&[src], &chunks).countries, vec!["CH", "FR"]);
    }

    /// A second family name found in the user's own documents (invented example).
    #[test]
    fn second_family_name() {
        use crate::memory::{Chunk, Origin, Source};
        let src = |id: &str, kind| Source { id: id.into(), name: id.into(), kind, origin: Origin::Note, imported_at: 0, dated: None, sha256: id.into(), chunk_ids: vec![format!("{id}-0")] };
        let chunk = |id: &str, text: &str| Chunk { id: format!("{id}-0"), source_id: id.into(), index: 0, heading_path: vec![], text: text.into(), dated: None, page: None, times: vec![] };
        let sources = vec![src("m", SourceKind::Email), src("cv", SourceKind::Text), src("c", SourceKind::Text)];
        let chunks = vec![
            chunk("m", "From: Bank <b@x.example>\nTo: Ana Duarte <ana@mail.example>\nSubject: hi"),
            chunk("cv", "ANA DUARTE FERREIRA\nEngenheira"),
            chunk("c", "Inquilinos: Ana Duarte Ferreira e Rui Costa"),
        ];
        let o = detect(&sources, &chunks);
        assert_eq!(o.name.as_deref(), Some("Ana Duarte Ferreira"));
        assert_eq!(o.family.as_deref(), Some("Duarte Ferreira"));
        // The address sent to the short form of the name is still the user's.
        assert!(o.addresses.iter().any(|(a, _, _)| a == "ana@mail.example"), "{:?}", o.addresses);
        let accented = Owner { given: Some("Inés".into()), family: Some("Peña".into()), ..Default::default() };
        assert!(accented.local_part_matches("ines.pena@mail.example"));
    }
}
