//! Sensitive rules: identity numbers (passport, National Insurance / SSN), reference numbers
//! (policy, certificate, booking, entry, membership), bank accounts and cards ("account ending
//! 1234"), money amounts in sentences about pay or savings, health conditions, medicines and
//! test results. All of it is classed sensitive and never volunteered.

use std::sync::OnceLock;

use regex::Regex;

use super::people::alternation;
use super::{re, Author, Candidate, View};
use crate::lexicon;

/// Whether an IBAN's check digits are right (ISO 13616, mod 97).
pub fn iban_valid(iban: &str) -> bool {
    let c: String = iban.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    if c.len() < 15 || c.len() > 34 || !c.chars().all(|ch| ch.is_ascii_alphanumeric()) || !c[..2].chars().all(|ch| ch.is_ascii_alphabetic()) {
        return false;
    }
    let moved = format!("{}{}", &c[4..], &c[..4]);
    let mut rem: u32 = 0;
    for ch in moved.chars() {
        let v = ch.to_digit(36).unwrap_or(0);
        for d in if v >= 10 { vec![v / 10, v % 10] } else { vec![v] } {
            rem = (rem * 10 + d) % 97;
        }
    }
    rem == 1
}

/// Private numbers and amounts in any language: IBANs (checked), numbers after an identity or
/// reference label (`Steuer-ID:`, `DNI`, `Localizador:`, `bokningsnummer`), money near a word
/// about pay, savings or deposits (`72.000 € brutto`, `45 000 kr i lön`), and medicines written
/// with a dose or a diagnosis after its cue.
fn any_language(v: &View, out: &mut Vec<Candidate>) {
    let flat = &v.flat;
    static IBAN: OnceLock<Regex> = OnceLock::new();
    let iban = re(&IBAN, r"\b([A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,3})?)\b");
    for c in iban.captures_iter(flat) {
        if iban_valid(&c[1]) {
            v.emit(out, "bank-account", &c[1], 0.9);
        }
    }
    // An account number after the word "account" in any language (`konto: Banken 7312-4, 551 208
    // 334-9`, `compte n° 0012 3456 789`): the digits from the first group to the last long one.
    static ACCOUNT: OnceLock<Regex> = OnceLock::new();
    let account = ACCOUNT.get_or_init(|| {
        let words: Vec<String> = lexicon::concepts()
            .iter()
            .find(|c| c.words.iter().any(|(l, w)| *l == "en" && w.first().is_some_and(|x| x == "account")))
            .map(|c| c.words.iter().flat_map(|(_, w)| w.iter().map(|x| regex::escape(x))).collect())
            .unwrap_or_default();
        Regex::new(&format!(r"(?i)(?:^|[^\p{{L}}])(?:{})(?:nummer|number|nr|no)?\.?\s*[:#]?[^\n.;:\d]{{0,30}}?(\d[\d -]*\d(?:,\s*\d[\d -]*\d)?)", words.join("|"))).expect("account regex")
    });
    for c in account.captures_iter(&v.text) {
        let val = c[1].trim();
        let longest = val.split(',').map(|g| g.chars().filter(char::is_ascii_digit).count()).max().unwrap_or(0);
        if longest >= 7 && !out.iter().any(|o| o.value.contains(val)) {
            v.emit(out, "bank-account", val, 0.85);
        }
    }
    static ID: OnceLock<Regex> = OnceLock::new();
    static REF: OnceLock<Regex> = OnceLock::new();
    const VALUE: &str = r"(?-i:([A-Z0-9][A-Z0-9.-]*(?:\s\d[A-Z0-9.-]*)*))";
    const NO: &str = r"(?:\s*(?:n[º°o]\.?|nr\.?|no\.?|number|nummer|número|numéro|numero))?\s*[:#]?\s*";
    let id = ID.get_or_init(|| super::cue_regex(lexicon::id_labels(), &format!("{NO}{VALUE}")));
    let reference = REF.get_or_init(|| super::cue_regex(lexicon::ref_labels(), &format!("{NO}{VALUE}")));
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).count();
    // `Personnummer till blanketten: 910914-3287`: a few words may stand between the label and
    // its colon.
    static ID_LATER: OnceLock<Regex> = OnceLock::new();
    let id_later = ID_LATER.get_or_init(|| super::cue_regex(lexicon::id_labels(), &format!(r"(?:[ \t]+[^\s:]+){{1,3}}[ \t]*:[ \t]*{VALUE}")));
    for c in id.captures_iter(flat).chain(id_later.captures_iter(flat)) {
        let val = c[1].trim_end_matches(['.', '-']);
        if digits(val) >= 5 && !out.iter().any(|c| c.value == val) {
            v.emit(out, "national-id", val, 0.85);
        }
    }
    for c in reference.captures_iter(flat) {
        let val = c[1].trim_end_matches(['.', '-']);
        // A booking code is short and mixes letters and digits (`7QH4XZ`), or is a long number.
        let known = out.iter().any(|c| c.value == val);
        if !known && ((val.len() >= 5 && digits(val) >= 1 && val.chars().any(|ch| ch.is_ascii_alphabetic())) || digits(val) >= 6) {
            v.emit(out, "booking-reference", val, 0.8);
        }
    }
    // Money: a currency sign or code before or after the amount, in a clause about pay or savings.
    static FIN: OnceLock<Regex> = OnceLock::new();
    let fin = FIN.get_or_init(|| Regex::new(&format!(r"(?i)(?:^|[^\p{{L}}])({})(?:[^\p{{L}}]|$)", alternation(lexicon::money_words()))).expect("money words"));
    // Clauses end at `.`, `!`, `?`, `;` — but not at a `.` inside a number (`72.000 €`).
    let mut clauses: Vec<String> = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = flat.chars().collect();
    for (i, ch) in chars.iter().enumerate() {
        let inside_number = *ch == '.' && i > 0 && chars[i - 1].is_ascii_digit() && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit());
        if matches!(ch, '.' | '!' | '?' | ';') && !inside_number {
            clauses.push(std::mem::take(&mut cur));
        } else {
            cur.push(*ch);
        }
    }
    clauses.push(cur);
    for clause in &clauses {
        let Some(f) = fin.captures(clause) else { continue };
        let label = f[1].to_lowercase();
        for m in crate::privacy::amounts(clause) {
            let amount = m.as_str().trim();
            // Already read by the English rule (`£52,000`).
            if out.iter().any(|c| c.key == "finances" && c.value.starts_with(amount)) {
                continue;
            }
            v.emit(out, "finances", &format!("{amount} ({label})"), 0.7);
        }
    }
    if v.author != Author::Owner {
        return;
    }
    // A long-term condition named in any language (`astman`, `mon asthme`, `Migräne`): the
    // word or its inflected form (at most three letters more).
    let lower = flat.to_lowercase();
    for (_, _, name) in lexicon::conditions().spellings() {
        let mut from = 0;
        while let Some(i) = lower[from..].find(name).map(|i| i + from) {
            from = i + name.len();
            let starts = lower[..i].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
            let tail = lower[from..].chars().take_while(|c| c.is_alphanumeric()).count();
            if starts && tail <= 3 && !out.iter().any(|c| c.key == "health-condition" && c.value == name) {
                v.emit(out, "health-condition", name, 0.7);
            }
        }
    }
    // The same condition under its medical name in another language: these share their Greek or
    // Latin root (`hypothyroidism`, `Hypothyreose`, `hipotiroidismo`): the first eight letters,
    // spelled alike (`th` as `t`, `ph` as `f`, `y` as `i`), of a one-word condition.
    // Not a longer word that starts with one (`diabetesforskning`): at most three letters more.
    static ROOTS: OnceLock<Vec<(String, usize)>> = OnceLock::new();
    let roots = ROOTS.get_or_init(|| {
        lexicon::conditions().spellings().map(|(_, _, n)| n).filter(|n| !n.contains(' ')).map(medical_root).filter(|r| r.chars().count() >= 8).map(|r| (r.chars().take(8).collect(), r.chars().count())).collect()
    });
    for w in flat.split(|c: char| !c.is_alphabetic()).filter(|w| w.chars().count() >= 8) {
        let lw = w.to_lowercase();
        let root = medical_root(&lw);
        let (r, n): (String, usize) = (root.chars().take(8).collect(), root.chars().count());
        let known = roots.iter().any(|(x, len)| *x == r && n <= len + 3);
        if known && !out.iter().any(|c| c.key == "health-condition" && (c.value == lw || lw.starts_with(c.value.as_str()))) {
            v.emit(out, "health-condition", &lw, 0.7);
        }
    }
    // A disease named after a person (`maladie de Crohn`, `Morbus Bechterew`, `Hashimoto's
    // disease`, `Parkinsons sjukdom`): the word for a disease or syndrome and a capitalised name.
    static EPONYM: OnceLock<Regex> = OnceLock::new();
    let eponym = re(&EPONYM, r"\b(?i:maladie|syndrome|disease|morbus|syndrom|enfermedad|síndrome|malattia|morbo|sindrome|ziekte|syndroom|doença|choroba|zespół|sjukdom)\s+(?i:de\s+|d'|d’|of\s+|von\s+|del\s+|di\s+|van\s+|da\s+)?\p{Lu}[\p{L}-]+|\b\p{Lu}[\p{L}-]+(?:'s|’s|s)?\s+(?i:disease|syndrome|sjukdom|syndrom|krankheit)\b");
    for m in eponym.find_iter(flat) {
        let value = m.as_str().to_lowercase();
        if !out.iter().any(|c| c.key == "health-condition" && c.value == value) {
            v.emit(out, "health-condition", &value, 0.7);
        }
    }
    // A medicine written with its dose (`Levodex 50 µg`, `Ibuprofeno 600 mg`).
    static DOSE: OnceLock<Regex> = OnceLock::new();
    let dose = re(&DOSE, r"\b(\p{Lu}[\p{L}-]{3,}(?:\s\p{Lu}[\p{L}-]+)?)\s+\d+(?:[.,]\d+)?\s?(mg|µg|mcg|ug|ml|IE|IU|UI|i\.e\.)(?:[^\p{L}]|$)");
    for c in dose.captures_iter(flat) {
        // A syrup is measured in millilitres, and so is a recipe: a capitalised word that starts
        // its sentence before millilitres is a recipe's verb (`Ajouter 200 ml …`).
        let at = c.get(1).map_or(0, |m| m.start());
        let starts_sentence = flat[..at].trim_end().chars().next_back().is_none_or(|ch| matches!(ch, '.' | '!' | '?' | ':'));
        if &c[2] == "ml" && starts_sentence {
            continue;
        }
        v.emit(out, "medication", &c[1], 0.7);
    }
    // A generic name is written in lower case (`l'amlodipine 5 mg`, `metformin 500 mg`): by
    // weight only (a recipe measures in millilitres).
    static GENERIC: OnceLock<Regex> = OnceLock::new();
    let generic = re(&GENERIC, r"(?:^|[^\p{L}'’]|\b[lLdD]['’])(\p{Ll}[\p{L}-]{4,})\s+\d+(?:[.,]\d+)?\s?(?:mg|µg|mcg)(?:[^\p{L}]|$)");
    for c in generic.captures_iter(flat) {
        if !lexicon::is_function_word(&c[1]) && !out.iter().any(|o| o.key == "medication" && o.value.eq_ignore_ascii_case(&c[1])) {
            v.emit(out, "medication", &c[1], 0.7);
        }
    }
    // A diagnosis after its cue: the next one to three words.
    static DIAG: OnceLock<Regex> = OnceLock::new();
    let diag = DIAG.get_or_init(|| Regex::new(&format!(r"(?i)(?:^|[^\p{{L}}])(?:{})\s*:?\s+(?:(?:de|of|di|da|with|mit|com|av|an|einer|einem|une|un|una|a|an)\s+)?(\p{{L}}[\p{{L}}'-]+(?:\s+(?:type\s+\d|tipo\s+\d|typ\s+\d))?)", alternation(lexicon::health_cues()))).expect("health cues"));
    for c in diag.captures_iter(flat) {
        let word = c[1].to_string();
        // "I have" and "ich habe" need a condition-like word after them: the general cue words
        // alone say nothing.
        let cue = c.get(0).map_or("", |m| m.as_str()).to_lowercase();
        if (cue.contains("i have") || cue.contains("ich habe") || cue.contains("j'ai une")) && !word.chars().next().is_some_and(char::is_uppercase) {
            continue;
        }
        if word.chars().count() >= 5 {
            v.emit(out, "health-condition", &word.to_lowercase(), 0.7);
        }
    }
}

/// A word spelled as its sounds go across languages: no accents, `th` as `t`, `ph` as `f`, `y`
/// as `i`.
fn medical_root(word: &str) -> String {
    crate::text::fold(&word.to_lowercase()).replace("th", "t").replace("ph", "f").replace('y', "i")
}

const CONDITIONS: &str = "asthma|diabetes|type [12] diabetes|epilepsy|depression|anxiety|anaemia|anemia|eczema|migraines?|adhd|autism|arthritis|coeliac disease|celiac disease|ibs|hypertension|high blood pressure|hypothyroidism|pcos|endometriosis|psoriasis|copd|long covid|insomnia|sleep apnoea|sleep apnea|hay fever";
const TESTS: &str = "ferritin|cholesterol|hba1c|vitamin d|b12|haemoglobin|hemoglobin|tsh|blood pressure|blood sugar|iron|peak flow";
const DRUG_SUFFIX: &str = r"[a-z]+(?:olol|pril|sartan|statin|azole|cillin|mycin|prazole|tidine|oxetine|aline|azepam|olam|amol|asone|olone|tropium|umab|afil|formin|thyroxine|ine)";

pub fn rules(v: &View, out: &mut Vec<Candidate>) {
    if v.author == Author::World {
        return;
    }
    let start = out.len();
    english(v, out);
    any_language(v, out);
    super::dedup_since(out, start);
}

fn english(v: &View, out: &mut Vec<Candidate>) {
    let flat = &v.flat;
    static PASSPORT: OnceLock<Regex> = OnceLock::new();
    static NINO: OnceLock<Regex> = OnceLock::new();
    static SSN: OnceLock<Regex> = OnceLock::new();
    static REF: OnceLock<Regex> = OnceLock::new();
    static ENDING: OnceLock<Regex> = OnceLock::new();
    let passport = re(&PASSPORT, r"(?i)\bpassport\b[^0-9\n]{0,30}?\b(\d{9}|[A-Z]{1,2}\d{7,8})\b");
    let nino = re(&NINO, r"\b([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D])\b|\b(QQ\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D])\b");
    let ssn = re(&SSN, r"(?i)\b(?:SSN|social security(?: number)?)\b\D{0,10}(\d{3}-\d{2}-\d{4})\b");
    let reference = re(&REF, r"\b((?i:policy|certificate|booking|entry|membership|member|customer|reference|ref))\b(?:\s+(?i:number|no\.?|ref(?:erence)?))?[\s:#.]*([A-Z0-9][A-Z0-9-]{4,})\b");
    let ending = re(&ENDING, r"(?i)\b(account|card)\s+ending(?:\s+in)?\s+(\d{4})\b");
    for c in passport.captures_iter(flat) {
        v.emit(out, "passport-number", &c[1], 0.9);
    }
    for c in nino.captures_iter(flat) {
        let n = c.get(1).or(c.get(2)).map(|m| m.as_str()).unwrap_or("");
        v.emit(out, "national-insurance-number", n, 0.85);
    }
    for c in ssn.captures_iter(flat) {
        v.emit(out, "ssn", &c[1], 0.9);
    }
    for c in reference.captures_iter(flat) {
        let token = &c[2];
        if !token.chars().any(|ch| ch.is_ascii_digit()) || token.chars().all(|ch| ch.is_ascii_digit()) && token.len() < 6 {
            continue;
        }
        let key = match c[1].to_lowercase().as_str() {
            "policy" => "policy-number",
            "certificate" => "certificate-number",
            "booking" | "ref" | "reference" => "booking-reference",
            "entry" => "entry-number",
            "membership" | "member" => "membership-number",
            _ => "customer-number",
        };
        v.emit(out, key, token, 0.8);
    }
    for c in ending.captures_iter(flat) {
        let key = if c[1].eq_ignore_ascii_case("card") { "card" } else { "bank-account" };
        v.emit(out, key, &format!("{} ending {}", c[1].to_lowercase(), &c[2]), 0.85);
    }
    // Money in sentences about pay, savings, debt.
    static MONEY: OnceLock<Regex> = OnceLock::new();
    static FIN: OnceLock<Regex> = OnceLock::new();
    let money = re(&MONEY, r"[£$€]\s?\d[\d,]*(?:\.\d+)?k?\b");
    let fin = re(&FIN, r"(?i)\b(salary|payslip|pay rise|pay|raise|earn(?:ing)?s?|income|saved|savings|pot|deposit|mortgage|loan|debt|balance|bonus|net worth|invest(?:ed|ments?)?|pension)\b");
    static SENT: OnceLock<Regex> = OnceLock::new();
    let sentence_end = re(&SENT, r"[.!?](?:\s|$)| - ");
    for sentence in sentence_end.split(flat) {
        let Some(f) = fin.captures(sentence) else { continue };
        let label = f[1].to_lowercase();
        for m in money.find_iter(sentence) {
            v.emit(out, "finances", &format!("{} ({label})", m.as_str()), 0.7);
        }
    }
    if v.author != Author::Owner && v.author != Author::Other {
        return;
    }
    // Health.
    static COND: OnceLock<Regex> = OnceLock::new();
    static MED: OnceLock<Regex> = OnceLock::new();
    static MED2: OnceLock<Regex> = OnceLock::new();
    static TEST: OnceLock<Regex> = OnceLock::new();
    let cond = re(&COND, &format!(r"(?i)\b({CONDITIONS})\b"));
    let med = re(&MED, r"(?i)\b(?:preventer|reliever|inhaler|tablets?|medication|medicine|prescribed|prescription|pills?)\s*\(([A-Za-z][A-Za-z -]{2,30})\)");
    let med2 = re(&MED2, &format!(r"(?i)\b(?:take|taking|prescribed|started on|switched to|on)\s+([a-z]+ (?:fumarate|sulphate|sulfate|citrate|gluconate|hydrochloride|sodium)|{DRUG_SUFFIX})\b"));
    let test = re(&TEST, &format!(r"(?i)\b({TESTS})\b\s+(?:was |is |were |levels? (?:was |is |are )?)?(low|high|normal|raised|borderline)\b"));
    if v.author == Author::Owner {
        for c in cond.captures_iter(flat) {
            v.emit(out, "health-condition", &c[1].to_lowercase(), 0.75);
        }
        for c in med.captures_iter(flat) {
            v.emit(out, "medication", c[1].trim(), 0.75);
        }
        for c in med2.captures_iter(flat) {
            let m = c[1].to_lowercase();
            if !["the", "time", "line", "online", "fine", "wine", "routine", "machine", "magazine", "engine", "pipeline", "deadline", "ambulance"].contains(&m.as_str()) && m.len() > 5 {
                v.emit(out, "medication", &m, 0.6);
            }
        }
        for c in test.captures_iter(flat) {
            v.emit(out, "health-test", &format!("{} {}", c[1].to_lowercase(), c[2].to_lowercase()), 0.7);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::run_rule;
    use super::*;

    fn get(c: &[(String, String)], k: &str) -> Vec<String> {
        c.iter().filter(|(a, _)| a == k).map(|(_, b)| b.clone()).collect()
    }

    #[test]
    fn ids_money_health() {
        let c = run_rule(
            "passport (UK): 123456789 - NI no.: AB 12 34 56 C. Policy number: HLX-1234-99. BOOKING REFERENCE: Q7ZX2M. \
             Paid from account ending 4321. New salary £52,000 (from £48,000). Pay went to £60.5k. \
             Brown preventer (Beclo) daily. Told to take ferrous sulphate. Ferritin low (9). Mild asthma.",
            rules,
        );
        assert_eq!(get(&c, "passport-number"), ["123456789"]);
        assert_eq!(get(&c, "national-insurance-number"), ["AB 12 34 56 C"]);
        assert_eq!(get(&c, "policy-number"), ["HLX-1234-99"]);
        assert_eq!(get(&c, "booking-reference"), ["Q7ZX2M"]);
        assert_eq!(get(&c, "bank-account"), ["account ending 4321"]);
        assert_eq!(get(&c, "finances"), ["£52,000 (salary)", "£48,000 (salary)", "£60.5k (pay)"]);
        assert_eq!(get(&c, "medication"), ["Beclo", "ferrous sulphate"]);
        assert_eq!(get(&c, "health-test"), ["ferritin low"]);
        assert_eq!(get(&c, "health-condition"), ["asthma"]);
    }

    /// The same kinds of private values as people write them in other languages (invented).
    #[test]
    fn private_values_in_other_languages() {
        let c = run_rule(
            "Steuer-ID: 12 345 678 901\nGehaltskonto: DE62 3704 0044 0532 0137 77\nNeues Gehalt 58.000 € brutto.\nBuchungsnummer: 4KD9QX\n\
             DNI: 12345678Z. Localizador: ZX81QP. Sueldo: 28.500 € brutos. Ibuprofeno 600 mg cada ocho horas. Diagnóstico de fibromialgia.\n\
             Personnummer: 850709-9805. Lön 42 000 kr i månaden.",
            rules,
        );
        assert_eq!(get(&c, "national-id"), ["12 345 678 901", "12345678Z", "850709-9805"], "{c:?}");
        assert_eq!(get(&c, "bank-account"), ["DE62 3704 0044 0532 0137 77"], "{c:?}");
        assert!(get(&c, "booking-reference").contains(&"4KD9QX".to_string()), "{c:?}");
        assert!(get(&c, "booking-reference").contains(&"ZX81QP".to_string()), "{c:?}");
        let fin = get(&c, "finances");
        for amount in ["58.000 €", "28.500 €", "42 000 kr"] {
            assert!(fin.iter().any(|f| f.starts_with(amount)), "{amount}: {fin:?}");
        }
        assert_eq!(get(&c, "medication"), ["Ibuprofeno"], "{c:?}");
        assert_eq!(get(&c, "health-condition"), ["fibromialgia"], "{c:?}");
        assert!(!iban_valid("DE62 3704 0044 0532 0137 78"));
    }

    #[test]
    fn labels_a_few_words_before_their_colon_conditions_and_compound_pay_words() {
        let c = run_rule("Personnummer till formuläret: 870203-4471.\nMånadslön: 38 500 kr.\nKontroll för astman, allt ser bra ut. J'ai de l'eczéma depuis l'enfance.", rules);
        assert_eq!(get(&c, "national-id"), ["870203-4471"], "{c:?}");
        assert!(get(&c, "finances").iter().any(|f| f.starts_with("38 500 kr")), "{c:?}");
        let h = get(&c, "health-condition");
        assert!(h.contains(&"astma".to_string()) && h.contains(&"eczéma".to_string()), "{h:?}");
        // Inside another word a condition's name is no condition (`Pasta` is not `asma`).
        let c = run_rule("Pasta med svamp, sedan diabetesforskning på jobbet.", rules);
        assert!(get(&c, "health-condition").is_empty(), "{c:?}");
    }

    /// A generic medicine in lower case with its dose, a Swiss social security number by its
    /// label; a recipe's millilitres are no medicine (invented examples).
    #[test]
    fn lower_case_medicines_and_swiss_numbers() {
        let c = run_rule("Neu: morgens l'atorvastatine 20 mg. AHV-Nr.: 756.1111.2222.33", rules);
        assert_eq!(get(&c, "medication"), ["atorvastatine"], "{c:?}");
        assert!(c.iter().any(|x| x.1.contains("756.1111.2222.33")), "{c:?}");
        let c = run_rule("Ajouter 200 ml de crème et laisser réduire.", rules);
        assert!(get(&c, "medication").is_empty(), "{c:?}");
    }

    /// An account number after "account" in any language, with a bank and a clearing number
    /// before it; a health condition's medical name and a dose written out (invented examples).
    #[test]
    fn account_numbers_and_written_out_doses() {
        let c = run_rule("Lönen betalas ut till konto 7312-4, 551 208 334-9.\nKontoret har öppet till 17.", rules);
        assert_eq!(get(&c, "bank-account"), ["7312-4, 551 208 334-9"], "{c:?}");
        let c = run_rule("Paid into account 4410 2231 987 on Friday. Account opened in 2019.", rules);
        assert_eq!(get(&c, "bank-account"), ["4410 2231 987"], "{c:?}");
        // A disease named after a person, in any language.
        let c = run_rule("Morbus Bechterew seit 2019. I was told it's Addison's disease.", rules);
        assert_eq!(get(&c, "health-condition"), ["morbus bechterew", "addison's disease"], "{c:?}");
        // A condition under its medical name in another language than the lexicon's.
        let c = run_rule("Hypothyreose seit Jahren. Thyrolin 50 µg jeden Tag. Hypertext ist kein Leiden.", rules);
        assert_eq!(get(&c, "health-condition"), ["hypothyreose"], "{c:?}");
        assert_eq!(get(&c, "medication"), ["Thyrolin"], "{c:?}");
    }

    #[test]
    fn plain_words_are_not_references() {
        let c = run_rule("Please quote your policy number. The entry form is online.", rules);
        assert!(c.is_empty(), "{c:?}");
    }
}
