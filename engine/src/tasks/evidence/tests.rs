//! Evidence's tests, on invented notes.

use super::*;

#[test]
fn file_names_read_as_titles() {
    assert_eq!(title_words("notes/2023-06-02-semester-i-skåne.md"), "semester i skåne");
    assert_eq!(title_words("Sommerurlaub.txt"), "Sommerurlaub");
    assert_eq!(title_words("emails/2024-01-09.eml"), "");
}

#[test]
fn a_short_name_matches_the_name_written_in_full() {
    assert!(names_in_full("ros", "Rosalind: we went to the lake."));
    assert!(!names_in_full("ros", "The roses were out."));
    assert!(!names_in_full("al", "Alexandra: hi"));
    assert!(!names_in_full("sam", "Samuelsonberg Street"));
}

fn passage(text: &str, heading: &str, dated: Timestamp) -> Passage {
    Passage { chunk_id: "c".into(), source_id: "s".into(), source: "note.md".into(), url: None, heading: heading.into(), text: text.into(), dated, score: 1.0, page: None, times: Vec::new() }
}

#[test]
fn forms_of_one_word_in_other_languages() {
    assert!(same_word("heiratet", "heiraten"));
    assert!(same_word("handynummer", "nummer"));
    assert!(same_word("zahnarztpraxis", "praxis"));
    assert!(!same_word("tenancy", "tenant"));
    assert!(!same_word("weekend", "end"));
    // A long compound's first part, and a participle with its verb.
    assert!(same_word("bostadsrätt", "bostad"));
    assert!(same_word("schreibtischlampe", "schreibtisch"));
    assert!(!same_word("passenger", "passen"));
    assert!(same_word("gekauft", "kaufen"));
    assert!(same_word("repariert", "gerepariert") || same_word("reparieren", "gerepariert"));
    assert!(!same_word("general", "neral"));
    // A plural that replaces the last vowel, a compound's inflected head, a verb's past.
    assert!(same_word("flickor", "flicka"));
    assert!(same_word("vinterjackor", "jacka"));
    assert!(same_word("paddlade", "paddla"));
    assert!(!same_word("untermieter", "miete"));
    assert!(same_word("repeint", "peint"));
}

/// A word the memory lacks is widened to the memory's longer forms of it: a compound it ends,
/// not one it only starts; a word the memory holds is left alone (invented words).
#[test]
fn a_missing_word_is_widened_to_the_compounds_it_heads() {
    let vocabulary: Vec<String> = ["parkeringsavgift", "avgiftsfritt", "kvitto"].iter().map(|w| w.to_string()).collect();
    let groups = vec![vec!["avgift".to_string()]];
    let widened = widen_by_vocabulary(&groups, vocabulary.iter(), |_| false);
    assert_eq!(widened[0], ["avgift", "parkeringsavgift"]);
    let kept = widen_by_vocabulary(&groups, vocabulary.iter(), |w| w == "avgift");
    assert_eq!(kept[0], ["avgift"]);
}

#[test]
fn sentences_drop_markup_and_keep_lines() {
    let p = passage("| who | when |\n|---|---|\n| Ruth | 3 May |\n- **booked** the train. Then lunch.", "plans", 0);
    let s: Vec<String> = sentences_of(&p, 0).into_iter().map(|s| s.text).collect();
    assert_eq!(s, ["who | when", "Ruth | 3 May", "booked the train. Then lunch."]);
    let p = passage("Commute is the bus or the bike down the\nriver path.\n\npacking\n- kit\n- boots and socks\n\nAssistant: ignore me.\nUser: I said so.", "trip", 0);
    let s = sentences_of(&p, 0);
    let texts: Vec<&str> = s.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(texts, ["Commute is the bus or the bike down the river path.", "kit", "boots and socks", "I said so."]);
    assert_eq!((s[2].heading.as_str(), s[2].label.as_deref()), ("trip", Some("packing")));
}

#[test]
fn every_sentence_of_a_long_turn_keeps_its_speaker() {
    let chat = "Ana: I finally booked the ferry for the weekend. It leaves from the old harbour at seven, so we will be on the island by noon and have the afternoon for the lighthouse walk.\n\nTomas: Great, see you at the harbour!\n\nAna: Bring a warm jacket.";
    let s = sentences_of(&passage(chat, "", 0), 0);
    let harbour = s.iter().find(|s| s.text.starts_with("It leaves")).unwrap();
    assert_eq!(harbour.label.as_deref(), Some("Ana"), "{s:?}");
    // One `Key: value` line is a field, not a turn: it gets no speaker.
    let form = sentences_of(&passage("Parking: space 14 behind the library, paid each month by bank transfer, which the club confirmed in writing a day later. The barrier opens with the blue card.", "", 0), 0);
    assert!(form.iter().all(|s| s.label.is_none()), "{form:?}");
}

#[test]
fn relation_words_expand_to_names_and_names_are_required() {
    let facts = vec![FactView::new("family", "Ruth (sister), birthday 3 May", false)];
    let q = query_terms("When is my sister's birthday?", &facts);
    let sister = q.iter().find(|t| t.stem == "sister").unwrap();
    assert!(sister.alternatives.contains(&"ruth".to_string()), "{q:?}");
    let q = query_terms("What is Ben's surname?", &facts);
    assert!(q.iter().any(|t| t.stem == "ben" && t.proper), "{q:?}");
}

#[test]
fn scoring_prefers_coverage_then_newer() {
    let q = query_terms("What is my phone number?", &[]);
    let s = vec![
        Sentence { text: "my old mobile was 07700 900111".into(), heading: String::new(), label: None, passage: Some(0), fact_key: None, dated: 1 },
        Sentence { text: "my new mobile is 07700 900222".into(), heading: String::new(), label: None, passage: Some(1), fact_key: None, dated: 2 },
        Sentence { text: "bought apples".into(), heading: String::new(), label: None, passage: Some(2), fact_key: None, dated: 3 },
    ];
    let r = score(&q, s);
    assert!(r[0].sentence.text.contains("900222"), "{r:?}");
    assert_eq!(r[2].coverage, 0.0);
}

#[test]
fn sensitive_sentences_are_caught() {
    let facts = vec![FactView::new("passport-number", "123456789", true), FactView::new("health-condition", "migraine", true)];
    assert!(is_sensitive_text("passport no. 123456789, expires 2030", &facts));
    assert!(is_sensitive_text("policy HLC-1234-5678 renewed", &facts));
    assert!(is_sensitive_text("booking ref QX7K2M", &facts));
    assert!(is_sensitive_text("my migraine came back", &facts));
    assert!(is_sensitive_text("took the inhaler before the run", &facts));
    assert!(is_sensitive_text("salary now £52,000", &facts));
    assert!(!is_sensitive_text("seats 14A and 14B, window for me", &facts));
    assert!(!is_sensitive_text("the train costs £28 each", &facts));
    assert!(!is_sensitive_text("flight lands at 09:40 on 24 May 2025", &facts));
    assert_eq!(redacted("Emergency contact: Ann Lee, 07700 900123", &facts).as_deref(), Some("Emergency contact: Ann Lee, 07700 [private]"));
    assert_eq!(redacted("passport 123456789 renewed", &facts).as_deref(), Some("passport [private] renewed"));
    assert_eq!(redacted("my migraine came back", &facts), None);
}

#[test]
fn days_are_not_names_and_terms_do_not_count_twice() {
    let q = query_terms("Can I book Wiebke for a call next Tuesday?", &[]);
    assert!(q.iter().any(|t| t.stem == "wiebke" && t.proper), "{q:?}");
    assert!(q.iter().any(|t| t.stem == "tuesday" && !t.proper), "{q:?}");
    let q = query_terms("What is her job title?", &[]);
    let job = q.iter().find(|t| t.stem == "job").unwrap();
    assert!(!job.alternatives.contains(&"title".to_string()), "{q:?}");
    let q = query_terms("Which languages does Wiebke speak?", &[]);
    assert!(q.iter().filter(|t| !t.proper).all(|t| matches_term(t, &stems("Languages: English, Welsh"))), "{q:?}");
}

/// In a "how much" question the verb of paying asks; this, that and `on` are function words.
#[test]
fn paying_asks_for_the_amount() {
    for (q, want) in [("Combien je paie pour la cantine ?", vec!["cantine"]), ("How much do I pay for the allotment?", vec!["allotment"]), ("Où on va ski cet hiver ?", vec!["ski", "hiver"])] {
        let terms: Vec<String> = query_terms(q, &[]).into_iter().map(|t| t.stem).collect();
        assert_eq!(terms, want, "{q}");
    }
}

/// A question's auxiliary (in its own language) is not a term, and a capitalised everyday noun
/// (German writes every noun with a capital) is not a name that must be matched.
#[test]
fn auxiliaries_and_capitalised_nouns_are_not_terms_or_names() {
    let t = query_terms("Wann war der Umzug?", &[]);
    assert_eq!(t.iter().map(|t| t.stem.as_str()).collect::<Vec<_>>(), vec!["umzug"], "{t:?}");
    assert!(!t[0].proper, "{t:?}");
    // In English `war` is a word of its own.
    assert!(query_terms("When did the war end?", &[]).iter().any(|t| t.stem == "war"));
    assert!(query_terms("Wann kommt Ingrid?", &[]).iter().any(|t| t.proper));
}

#[test]
fn an_employer_that_is_a_hospital_is_shared_but_a_diagnosis_is_not() {
    let sentence = |text: &str, key: Option<&str>| Sentence { text: text.into(), heading: String::new(), label: None, passage: None, fact_key: key.map(str::to_string), dated: 0 };
    let kept = shareable(vec![sentence("my organization: Westpark Hospital", Some("organization")), sentence("The doctor confirmed my asthma diagnosis.", None)], &[]);
    assert!(kept.iter().any(|s| s.text.contains("Westpark Hospital")), "{:?}", kept.iter().map(|s| &s.text).collect::<Vec<_>>());
    assert!(!kept.iter().any(|s| s.text.contains("asthma")));
}

#[test]
fn a_reply_naming_the_users_hospital_employer_is_not_a_health_disclosure() {
    let facts = [FactView::new("organization", "Westpark Hospital", false)];
    assert!(!is_sensitive_reply("Westpark Hospital", &facts));
    assert!(is_sensitive_reply("She was in hospital last week", &facts));
    assert!(is_sensitive_text("Westpark Hospital", &facts));
}

/// A field's key may hold a slash (`Owner / agent: …`).
#[test]
fn a_key_with_a_slash_is_a_field() {
    assert!(sentences::is_field("Owner / agent: Hollis Lettings"));
    assert!(sentences::is_field("Syndic / gestion : Agence Marlowe"));
    assert!(!sentences::is_field("see https://example.org/a"));
}

/// A short first part of a compound before an everyday word matches (`shirt` in
/// `shirtstorlek`); a letter joined to a word (`T-shirt`) is no name (invented).
#[test]
fn a_short_first_part_before_an_everyday_word_and_a_lettered_word() {
    assert!(query::same_word("shirt", "shirtstorlek"));
    assert!(!query::same_word("woche", "wochenende"));
    assert!(!query::same_word("bank", "bankettsaal"));
    let terms = query_terms("Which T-shirt size does Wiebke wear?", &[]);
    assert!(terms.iter().any(|t| t.stem == "shirt" && !t.proper), "{terms:?}");
    assert!(terms.iter().any(|t| t.stem == "wiebke" && t.proper), "{terms:?}");
}
