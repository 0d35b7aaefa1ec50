//! Sensitive rules: identity numbers (passport, National Insurance / SSN), reference numbers
//! (policy, certificate, booking, entry, membership), bank accounts and cards ("account ending
//! 1234"), money amounts in sentences about pay or savings, health conditions, medicines and
//! test results. All of it is classed sensitive and never volunteered.

use std::sync::OnceLock;

use regex::Regex;

use super::{re, Author, Candidate, View};

const CONDITIONS: &str = "asthma|diabetes|type [12] diabetes|epilepsy|depression|anxiety|anaemia|anemia|eczema|migraines?|adhd|autism|arthritis|coeliac disease|celiac disease|ibs|hypertension|high blood pressure|hypothyroidism|pcos|endometriosis|psoriasis|copd|long covid|insomnia|sleep apnoea|sleep apnea|hay fever";
const TESTS: &str = "ferritin|cholesterol|hba1c|vitamin d|b12|haemoglobin|hemoglobin|tsh|blood pressure|blood sugar|iron|peak flow";
const DRUG_SUFFIX: &str = r"[a-z]+(?:olol|pril|sartan|statin|azole|cillin|mycin|prazole|tidine|oxetine|aline|azepam|olam|amol|asone|olone|tropium|umab|afil|formin|thyroxine|ine)";

pub fn rules(v: &View, out: &mut Vec<Candidate>) {
    if v.author == Author::World {
        return;
    }
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

    #[test]
    fn plain_words_are_not_references() {
        let c = run_rule("Please quote your policy number. The entry form is online.", rules);
        assert!(c.is_empty(), "{c:?}");
    }
}
