//! Work rules: job title (`organization-title`) and employer (`organization`) from "promoted
//! to <title>", "I'm a <title> at <org>", "I work at/for <org>", "<Name>, <title>, <org>" and
//! "<Name> is a <title> at <org>" (speaker lines, bios), a CV header (name line then a title
//! line) and CV experience lines ending in "present".

use std::sync::OnceLock;

use regex::Regex;

use super::{re, Candidate, Owner, View};

/// Job-title pattern: optional seniority, up to three words, a role noun.
pub const TITLE: &str = r"((?:(?:Senior|Junior|Lead|Principal|Staff|Chief|Head|Associate|Assistant|Deputy|Trainee|Graduate)\s+)?(?:[A-Za-z][A-Za-z&/-]+\s+){0,3}?(?:Engineer|Developer|Analyst|Scientist|Manager|Designer|Consultant|Director|Officer|Architect|Administrator|Teacher|Nurse|Doctor|Accountant|Lawyer|Solicitor|Researcher|Editor|Writer|Technician|Specialist|Coordinator|Executive|Advisor|Adviser|Producer|Librarian|Pharmacist|Therapist|Lecturer|Professor|Tech Lead|Team Lead|Programmer|Marketer|Planner|Recruiter))";
/// Organisation pattern: capitalised words (with &, of, and), optionally a legal suffix.
pub const ORG: &str = r"([A-Z][\w&'.-]*(?:\s+(?:[A-Z][\w&'.-]*|&|of|and))*)";

/// Title case for titles written in lower case ("data engineer").
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
    let o = o.trim().trim_end_matches(['.', ',']);
    let stop = ["I", "The", "A", "My", "We", "In", "At", "On", "Manchester", "London"];
    if o.is_empty() || stop.contains(&o) || o.split_whitespace().count() > 6 {
        return None;
    }
    Some(o.to_string())
}

pub fn rules(v: &View, owner: &Owner, out: &mut Vec<Candidate>) {
    static PROMOTED: OnceLock<Regex> = OnceLock::new();
    static IM_A: OnceLock<Regex> = OnceLock::new();
    static WORK_AT: OnceLock<Regex> = OnceLock::new();
    static PRESENT: OnceLock<Regex> = OnceLock::new();
    let promoted = re(&PROMOTED, &format!(r"(?i)\b(?:promoted to|promotion to|new (?:job|role) as|started as|now working as|I work as)\s+(?:an?\s+|the\s+)?{TITLE}"));
    let im_a = re(&IM_A, &format!(r"\b(?:I'm|I am|I work as)\s+(?:an?\s+|the\s+)(?i:{TITLE})(?:\s+(?:at|for|with)\s+{ORG})?"));
    let work_at = re(&WORK_AT, &format!(r"\bI (?:work|am working) (?:at|for)\s+{ORG}"));
    let present = re(&PRESENT, r"(?mi)^([A-Z][^,\n]{1,60}),\s*[A-Za-z .'-]{2,40}\s{2,}.*?\b(?:present|current|now|today)\s*$");
    let flat = &v.flat;
    if v.first_person() {
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
        // CV experience: "Acme Ltd, Leeds      Sept 2023 - present" then the title line.
        let lines: Vec<&str> = v.text.lines().collect();
        for c in present.captures_iter(&v.text) {
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
    // "<Name>, <Title>, <Org>" / "<Name> is a <Title> at <Org>" about the user.
    if let (Some(g), Some(f)) = (&owner.given, &owner.family) {
        let name = format!(r"(?i:{}(?:\s+[A-Z]\.?)?\s+{})", regex::escape(g), regex::escape(f));
        let pattern = format!(r"{name}(?:,\s*|\s+is\s+(?:an?\s+|the\s+)?){TITLE}(?:,\s*|\s+at\s+){ORG}");
        if let Ok(r) = Regex::new(&pattern) {
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

#[cfg(test)]
mod tests {
    use super::super::tests::{owner, run_rule};
    use super::*;

    fn get(c: &[(String, String)], k: &str) -> Vec<String> {
        c.iter().filter(|(a, _)| a == k).map(|(_, b)| b.clone()).collect()
    }

    #[test]
    fn titles_and_orgs() {
        let o = owner();
        let c = run_rule("I got promoted to Senior Data Engineer in January.", |v, out| rules(v, &o, out));
        assert_eq!(get(&c, "organization-title"), ["Senior Data Engineer"]);
        let c = run_rule("Speaker: Jo Bloggs, Staff Engineer, Acme Widgets (Leeds, UK)", |v, out| rules(v, &o, out));
        assert_eq!(get(&c, "organization-title"), ["Staff Engineer"]);
        assert_eq!(get(&c, "organization"), ["Acme Widgets"]);
        let c = run_rule("JO B. BLOGGS\nData Engineer\n\nAcme Ltd, Leeds            Sept 2023 - present\nData Engineer, Platform team", |v, out| rules(v, &o, out));
        assert_eq!(get(&c, "organization"), ["Acme Ltd"]);
        assert_eq!(get(&c, "organization-title"), ["Data Engineer", "Data Engineer"]);
        let c = run_rule("I'm a data engineer at a payments company. I work at Globex.", |v, out| rules(v, &o, out));
        assert_eq!(get(&c, "organization-title"), ["Data Engineer"]);
        assert_eq!(get(&c, "organization"), ["Globex"]);
    }
}
