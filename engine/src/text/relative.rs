//! Relative time: `yesterday`, `last Saturday`, `two weeks ago`, `next month`, `vor drei Tagen`,
//! `la semaine dernière`, `hace dos semanas`, `i lördags`, resolved against the day a text was
//! written ([`relative_in`]) and written back as an answer in the language asked ([`render`]).
//!
//! A day is resolved to the day (`yesterday` → 7 May 2023); a week or a weekend stays a span
//! counted from the day of writing (`last week` → the week before 9 June 2023), a month a month
//! and a year a year: an answer never claims more precision than the text has. A weekday with
//! no `last`/`next`/`this` (`on Saturday`) is left alone: it may be either side of the day.
//!
//! The words are data ([`crate::lexicon`]: `relative_time`, `time_units`, `number_words`,
//! `weekdays`, and `date_phrases` for writing); the patterns are built per language, so a word
//! of one language never pairs with a word of another.

use std::sync::OnceLock;

use regex::Regex;

use crate::lexicon::{self, Lexicon};
use crate::memory::date::{civil_from_timestamp, timestamp};
use crate::memory::Timestamp;

const DAY: i64 = 86_400;

/// A span of days counted from a day (the week before it, a few days after it…).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Span {
    Week,
    Weekend,
    FewDays,
    FewWeeks,
    FewMonths,
    FewYears,
    /// `n` weeks (n ≥ 2).
    Weeks(u32),
}

/// What a relative expression means, resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum When {
    /// One day (UTC midnight).
    Day(Timestamp),
    Month { year: i64, month: u32 },
    Year(i64),
    /// A span before (`dir` < 0), after (> 0) or around (0) the day `from`.
    Span { span: Span, dir: i8, from: Timestamp },
}

impl When {
    /// The day it is nearest to (a span's middle, a month's first day), for ordering and for
    /// telling which of two things came first.
    pub fn approx_day(&self) -> Timestamp {
        match *self {
            When::Day(t) => t,
            When::Month { year, month } => timestamp(year, month, 1).unwrap_or(0),
            When::Year(y) => timestamp(y, 1, 1).unwrap_or(0),
            When::Span { span, dir, from } => {
                let days = match span {
                    Span::Week | Span::Weekend => 7,
                    Span::FewDays => 3,
                    Span::FewWeeks => 21,
                    Span::FewMonths => 90,
                    Span::FewYears => 3 * 365,
                    Span::Weeks(n) => 7 * n as i64,
                };
                from + dir.signum() as i64 * days * DAY
            }
        }
    }
}

/// A relative expression found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Relative {
    /// Byte range in the text.
    pub start: usize,
    pub end: usize,
    pub when: When,
}

/// What a pattern means before the matched words are read.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// A fixed number of days from the day of writing (`yesterday` = -1).
    Days(i64),
    /// `last`/`next`/`this` (-1, 1, 0) with a weekday or a unit in capture group 1.
    Modified(i8),
    /// `… ago` (-1) or `in …` (1): a number in group 1, a unit in group 2.
    Count(i8),
}

struct Language {
    lang: &'static str,
    /// Words without which none of the language's patterns can match (day words, units,
    /// weekdays, the fixed words of `… ago` patterns): a text without any is not scanned, and
    /// the patterns are compiled only when a text first has one.
    triggers: std::collections::HashSet<String>,
    patterns: OnceLock<Vec<(Regex, Rule)>>,
}

impl Language {
    fn triggered_by(&self, words: &[String]) -> bool {
        words.iter().any(|w| self.triggers.contains(w) || w.strip_suffix('s').is_some_and(|b| self.triggers.contains(b)))
    }

    fn patterns(&self) -> &[(Regex, Rule)] {
        self.patterns.get_or_init(|| {
            let line = lexicon::relative_time().lang(self.lang).expect("a language of relative_time");
            build(self.lang, &line.items)
        })
    }
}

/// The words of a text, lower case, for [`Language::triggered_by`].
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() >= 3).map(str::to_lowercase).collect()
}

fn alternation(spellings: impl IntoIterator<Item = String>) -> String {
    let mut v: Vec<String> = spellings.into_iter().collect();
    // Longest first, so `the day before yesterday` wins over `yesterday`.
    v.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
    v.dedup();
    v.iter().map(|s| regex::escape(s).replace("\\ ", " ").replace(' ', r"\s+")).collect::<Vec<_>>().join("|")
}

fn items(lex: &Lexicon, lang: &str) -> Vec<Vec<String>> {
    lex.lang(lang).map(|l| l.items.clone()).unwrap_or_default()
}

fn compile(pattern: &str) -> Option<Regex> {
    // Words end at a non-letter; `\b` would also cut inside `aujourd'hui`.
    Regex::new(&format!(r"(?i)(?:^|[^\p{{L}}\p{{N}}])(?:{pattern})(?:$|[^\p{{L}}\p{{N}}])")).ok()
}

fn languages() -> &'static [Language] {
    static L: OnceLock<Vec<Language>> = OnceLock::new();
    L.get_or_init(|| {
        lexicon::relative_time()
            .lines
            .iter()
            .map(|line| {
                let lang = line.lang;
                let mut triggers = std::collections::HashSet::new();
                let fixed = line.items.iter().enumerate().filter(|(i, _)| *i <= 4 || *i >= 8).flat_map(|(_, item)| item.iter());
                let units = items(lexicon::time_units(), lang).into_iter().flatten();
                // Full weekday names only: abbreviations (`mar`, `sam`) are words or names elsewhere.
                let days = items(lexicon::weekdays(), lang).into_iter().filter_map(|i| i.into_iter().next());
                for phrase in fixed.cloned().chain(units).chain(days) {
                    triggers.extend(words(&phrase).into_iter().filter(|w| !w.contains('{') && w.chars().all(char::is_alphanumeric)));
                }
                Language { lang, triggers, patterns: OnceLock::new() }
            })
            .collect()
    })
}

/// Compiles one language's patterns from its `relative_time` items.
fn build(lang: &str, line_items: &[Vec<String>]) -> Vec<(Regex, Rule)> {
    let units = alternation(items(lexicon::time_units(), lang).into_iter().flatten());
    let days = alternation(items(lexicon::weekdays(), lang).into_iter().flatten().filter(|w| w.chars().count() > 3));
    // Abbreviations (`last Fri`, `letzten Sa`) only as written with a capital: `last
    // sat` is a verb, `last Sat` a day.
    let short: Vec<String> = items(lexicon::weekdays(), lang).into_iter().flat_map(|i| i.into_iter().skip(1)).filter(|w| w.chars().count() <= 3 && w.chars().count() >= 2).map(|w| capitalised(&w)).collect();
    let days = if short.is_empty() { days } else { format!("{days}|(?-i:{})", alternation(short)) };
    let numbers = alternation(items(lexicon::number_words(), lang).into_iter().flatten());
    let target = format!("({days}|{units})");
    let n = format!(r"(\d{{1,3}}|{numbers})");
    let mut patterns = Vec::new();
    for (i, item) in line_items.iter().enumerate() {
        match i {
            0..=4 => {
                if let Some(r) = compile(&format!("({})", alternation(item.iter().cloned()))) {
                    patterns.push((r, Rule::Days(i as i64 - 2)));
                }
            }
            5..=7 => {
                let dir = [-1, 1, 0][i - 5];
                let (templates, words): (Vec<&String>, Vec<&String>) = item.iter().partition(|s| s.contains("{x}"));
                let words = alternation(words.into_iter().cloned());
                if !words.is_empty() {
                    for p in [format!(r"(?:{words})\s+{target}"), format!(r"{target}\s+(?:{words})")] {
                        if let Some(r) = compile(&p) {
                            patterns.push((r, Rule::Modified(dir)));
                        }
                    }
                }
                for t in templates {
                    let p = regex::escape(t).replace(' ', r"\s+").replace(r"\{x\}", &target);
                    if let Some(r) = compile(&p) {
                        patterns.push((r, Rule::Modified(dir)));
                    }
                }
            }
            8 | 9 => {
                for t in item {
                    let p = regex::escape(t).replace(' ', r"\s+").replace(r"\{n\}", &n).replace(r"\{u\}", &format!("({units})"));
                    if let Some(r) = compile(&p) {
                        patterns.push((r, Rule::Count(if i == 8 { -1 } else { 1 })));
                    }
                }
            }
            _ => {}
        }
    }
    patterns
}

/// Unit index in `time_units` (0 day, 1 week, 2 month, 3 year, 4 weekend).
fn unit(lang: &str, word: &str) -> Option<usize> {
    let w = word.to_lowercase();
    let w = w.split_whitespace().collect::<Vec<_>>().join(" ");
    items(lexicon::time_units(), lang).iter().position(|spellings| spellings.contains(&w))
}

/// Whether `question` asks for a year (`What year …?`, `In welchem Jahr …?`, `Vilket år …?`):
/// its when-words hold a year.
pub fn asks_year(question: &str) -> bool {
    asked_unit(question) == Some(3)
}

/// Whether `question` asks for a month (`Which month …?`, `En quel mois …?`).
pub fn asks_month(question: &str) -> bool {
    asked_unit(question) == Some(2)
}

/// The unit of time (index in `time_units`) that the when-words opening `question` name.
fn asked_unit(question: &str) -> Option<usize> {
    let q = question.trim_start_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
    let when = lexicon::question_words().lines.iter().filter_map(|l| l.items.first()).flatten();
    let phrase = when.filter(|w| q.starts_with(w.as_str()) && q[w.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric())).max_by_key(|w| w.len())?;
    lexicon::time_units().lines.iter().find_map(|l| l.items.iter().position(|spellings| phrase.split_whitespace().any(|x| spellings.iter().any(|y| y == x))))
}

/// An answer said as precisely as the question asks: the year of a day for `What year …?`, its
/// month for `Which month …?` (`7 May 2023` → `2023`, `May 2023`).
pub fn as_asked(answer: String, question: &str, lang: &str) -> String {
    let unit = asked_unit(question);
    if !matches!(unit, Some(2 | 3)) {
        return answer;
    }
    let day = crate::text::dates::dates_in(&answer).into_iter().next().and_then(|d| d.year.map(|y| (y, d.month)));
    match (unit, day) {
        (Some(2), Some((year, month))) => render(&When::Month { year, month }, lang),
        (Some(3), Some((year, _))) => year.to_string(),
        (Some(3), None) => crate::tasks::answer_span::year_of(&answer).unwrap_or(answer),
        _ => answer,
    }
}

/// A number written in digits or as a word; `None` for "a few".
fn count(lang: &str, word: &str) -> Option<Option<u32>> {
    if let Ok(n) = word.parse::<u32>() {
        return Some(Some(n));
    }
    let w = word.to_lowercase();
    let w = w.split_whitespace().collect::<Vec<_>>().join(" ");
    let i = items(lexicon::number_words(), lang).iter().position(|spellings| spellings.contains(&w))?;
    Some(if i < 10 { Some(i as u32 + 1) } else { None })
}

/// Weekday number of an abbreviation (`Fri`, `Thurs`, `Sa`) in any language.
fn abbreviated_weekday(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    lexicon::weekdays().lines.iter().find_map(|l| l.items.iter().position(|i| i.iter().any(|s| *s == w))).map(|i| i as u32 + 1)
}

/// ISO weekday (1 = Monday) of a day.
fn weekday(day: Timestamp) -> i64 {
    (day.div_euclid(DAY) + 3).rem_euclid(7) + 1
}

fn add_months(day: Timestamp, months: i64) -> When {
    let (y, m, _) = civil_from_timestamp(day);
    let total = y * 12 + (m as i64 - 1) + months;
    When::Month { year: total.div_euclid(12), month: (total.rem_euclid(12) + 1) as u32 }
}

fn resolve(lang: &str, rule: Rule, caps: &regex::Captures, day: Timestamp) -> Option<When> {
    let (year, _, _) = civil_from_timestamp(day);
    match rule {
        Rule::Days(k) => Some(When::Day(day + k * DAY)),
        Rule::Modified(dir) => {
            let x = caps.get(1)?.as_str();
            if let Some(wd) = crate::text::dates::weekday_number(x).or_else(|| abbreviated_weekday(x)) {
                let (a, w) = (weekday(day), wd as i64);
                let d = match dir {
                    // The last such day before the day of writing, the next one after it, or
                    // (`this`) the one of the coming days.
                    -1 => -match (a - w).rem_euclid(7) { 0 => 7, b => b },
                    1 => match (w - a).rem_euclid(7) { 0 => 7, f => f },
                    _ => (w - a).rem_euclid(7),
                };
                return Some(When::Day(day + d * DAY));
            }
            Some(match unit(lang, x)? {
                // `the last day`, `next day` count from something else than the day of writing.
                0 => return None,
                1 => When::Span { span: Span::Week, dir, from: day },
                2 => add_months(day, dir as i64),
                3 => When::Year(year + dir as i64),
                _ => When::Span { span: Span::Weekend, dir, from: day },
            })
        }
        Rule::Count(dir) => {
            let n = count(lang, caps.get(1)?.as_str())?;
            let u = unit(lang, caps.get(2)?.as_str())?;
            let sign = dir as i64;
            Some(match (n, u) {
                (Some(n), 0) => When::Day(day + sign * n as i64 * DAY),
                (Some(1), 1 | 4) => When::Span { span: if u == 1 { Span::Week } else { Span::Weekend }, dir, from: day },
                (Some(n), 1 | 4) => When::Span { span: Span::Weeks(n), dir, from: day },
                (Some(n), 2) => add_months(day, sign * n as i64),
                (Some(n), _) => When::Year(year + sign * n as i64),
                (None, 0) => When::Span { span: Span::FewDays, dir, from: day },
                (None, 1 | 4) => When::Span { span: Span::FewWeeks, dir, from: day },
                (None, 2) => When::Span { span: Span::FewMonths, dir, from: day },
                (None, _) => When::Span { span: Span::FewYears, dir, from: day },
            })
        }
    }
}

/// Every relative expression in `text`, resolved against `written` (when the text was
/// written), in order and not overlapping; the longest wins where two overlap.
pub fn relative_in(text: &str, written: Timestamp) -> Vec<Relative> {
    let day = written.div_euclid(DAY) * DAY;
    let mut found: Vec<Relative> = Vec::new();
    let text_words = words(text);
    for l in languages().iter().filter(|l| l.triggered_by(&text_words)) {
        for (re, rule) in l.patterns() {
            for caps in re.captures_iter(text) {
                let whole = caps.get(0).expect("match");
                // The match includes the delimiters around the words.
                let inner = &text[whole.start()..whole.end()];
                let lead = inner.len() - inner.trim_start_matches(|c: char| !c.is_alphanumeric()).len();
                let trail = inner.len() - inner.trim_end_matches(|c: char| !c.is_alphanumeric()).len();
                let (start, end) = (whole.start() + lead, whole.end() - trail);
                if start >= end {
                    continue;
                }
                if let Some(when) = resolve(l.lang, *rule, &caps, day) {
                    found.push(Relative { start, end, when });
                }
            }
        }
    }
    found.sort_by_key(|r| (std::cmp::Reverse(r.end - r.start), r.start));
    let mut out: Vec<Relative> = Vec::new();
    for r in found {
        if !out.iter().any(|o| r.start < o.end && o.start < r.end) {
            out.push(r);
        }
    }
    out.sort_by_key(|r| r.start);
    out
}

fn phrases(lang: &str) -> Vec<String> {
    let l = lexicon::date_phrases();
    let line = l.lang(lang).or_else(|| l.lang("en")).expect("date_phrases has English");
    line.items.iter().map(|i| i[0].clone()).collect()
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

fn month_words(lang: &str, month: u32) -> (String, String) {
    let line = lexicon::months().lang(lang).or_else(|| lexicon::months().lang("en")).expect("months has English");
    let spellings = &line.items[month as usize - 1];
    (spellings[0].clone(), spellings.get(1).unwrap_or(&spellings[0]).clone())
}

fn fill_month(template: &str, lang: &str, year: i64, month: u32) -> String {
    let (m, m2) = month_words(lang, month);
    template.replace("{M}", &capitalised(&m)).replace("{m2}", &m2).replace("{m}", &m).replace("{mm}", &format!("{month:02}")).replace("{y}", &year.to_string())
}

/// A day as the language writes it (`7 May 2023`, `7. Mai 2023`, `7 de mayo de 2023`).
pub fn render_day(day: Timestamp, lang: &str) -> String {
    let (y, m, d) = civil_from_timestamp(day);
    fill_month(&phrases(lang)[0], lang, y, m).replace("{d}", &d.to_string())
}

/// A day named by its weekday (`last Saturday`) as the language writes it, the weekday kept
/// (`Saturday, 20 May 2023`, `Samstag, 20. Mai 2023`, `samedi 20 mai 2023`): the user said
/// which day of the week it was, and it is how they will remember it.
pub fn render_weekday_day(day: Timestamp, lang: &str) -> String {
    let names = lexicon::weekdays().lang(lang).filter(|_| lexicon::date_phrases().lang(lang).is_some()).or_else(|| lexicon::weekdays().lang("en")).expect("weekdays has English");
    let lang = if lexicon::date_phrases().lang(lang).is_some() { lang } else { "en" };
    let Some(w) = names.items.get(weekday(day) as usize - 1).and_then(|i| i.first()) else { return render_day(day, lang) };
    phrases(lang)[12].replace("{W}", &capitalised(w)).replace("{w}", w).replace("{d}", &render_day(day, lang))
}

/// Whether a relative expression names a day of the week (`last Saturday`, `letzten Freitag`).
pub fn names_weekday(phrase: &str) -> bool {
    phrase.split(|c: char| !c.is_alphanumeric()).any(|w| crate::text::dates::weekday_number(w).is_some() || (w.chars().count() >= 3 && abbreviated_weekday(w).is_some()))
}

/// A relative expression as an answer: [`render`], with the weekday when the phrase named one.
pub fn render_said(phrase: &str, when: &When, lang: &str) -> String {
    match *when {
        When::Day(t) if names_weekday(phrase) => render_weekday_day(t, lang),
        _ => render(when, lang),
    }
}

/// A resolved expression as an answer in `lang` (`7 May 2023`, `the week before 9 June 2023`,
/// `May 2023`, `2022`); English when the language has no phrases.
pub fn render(when: &When, lang: &str) -> String {
    let p = phrases(lang);
    match *when {
        When::Day(t) => render_day(t, lang),
        When::Month { year, month } => fill_month(&p[1], lang, year, month),
        When::Year(y) => y.to_string(),
        When::Span { span, dir, from } => {
            let s = match span {
                Span::Week => p[5].clone(),
                Span::Weekend => p[6].clone(),
                Span::FewDays => p[7].clone(),
                Span::FewWeeks => p[8].clone(),
                Span::FewMonths => p[9].clone(),
                Span::FewYears => p[10].clone(),
                Span::Weeks(n) => p[11].replace("{n}", &n.to_string()),
            };
            let template = match dir {
                d if d < 0 => &p[2],
                d if d > 0 => &p[3],
                _ => &p[4],
            };
            template.replace("{s}", &s).replace("{d}", &render_day(from, lang))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i64, m: u32, d: u32) -> Timestamp {
        timestamp(y, m, d).unwrap()
    }

    /// Each expression in `text` written on `written`, rendered in English.
    fn read(text: &str, written: Timestamp) -> Vec<String> {
        relative_in(text, written).iter().map(|r| render(&r.when, "en")).collect()
    }

    #[test]
    fn days_resolve_to_the_day() {
        // Wednesday 14 February 2029.
        let w = day(2029, 2, 14) + 15 * 3600;
        assert_eq!(read("We argued about it yesterday.", w), ["13 February 2029"]);
        assert_eq!(read("The day before yesterday the boiler broke; tomorrow the plumber comes.", w), ["12 February 2029", "15 February 2029"]);
        assert_eq!(read("Vorgestern war ich beim Zahnarzt.", w), ["12 February 2029"]);
        assert_eq!(read("Hier soir, on a dîné chez Inès.", w), ["13 February 2029"]);
        assert_eq!(read("Ayer fuimos al mercado; pasado mañana, al cine.", w), ["13 February 2029", "16 February 2029"]);
        assert_eq!(read("Vi åt middag i går kväll.", w), ["13 February 2029"]);
        assert_eq!(read("three days ago", w), ["11 February 2029"]);
        assert_eq!(read("vor drei Tagen", w), ["11 February 2029"]);
        assert_eq!(read("il y a 10 jours", w), ["4 February 2029"]);
    }

    #[test]
    fn weekdays_with_last_next_and_this() {
        // Wednesday 14 February 2029.
        let w = day(2029, 2, 14);
        assert_eq!(read("Last Saturday we hiked.", w), ["10 February 2029"]);
        assert_eq!(read("last Wednesday", w), ["7 February 2029"]);
        assert_eq!(read("next Monday", w), ["19 February 2029"]);
        assert_eq!(read("next Wednesday", w), ["21 February 2029"]);
        assert_eq!(read("this Friday", w), ["16 February 2029"]);
        assert_eq!(read("letzten Samstag", w), ["10 February 2029"]);
        assert_eq!(read("samedi dernier", w), ["10 February 2029"]);
        assert_eq!(read("el sábado pasado", w), ["10 February 2029"]);
        // Said with the weekday the user named, in the asker's language.
        assert_eq!(render_weekday_day(day(2029, 2, 10), "en"), "Saturday, 10 February 2029");
        assert_eq!(render_weekday_day(day(2029, 2, 10), "de"), "Samstag, 10. Februar 2029");
        assert_eq!(render_weekday_day(day(2029, 2, 10), "fr"), "samedi 10 février 2029");
        assert_eq!(render_weekday_day(day(2029, 2, 10), "sv"), "lördag 10 februari 2029");
        assert_eq!(render_weekday_day(day(2029, 2, 10), "ja"), "Saturday, 10 February 2029");
        assert!(asks_year("What year did you plant the orchard?") && asks_year("In welchem Jahr bist du umgezogen?") && asks_year("Vilket år köpte du båten?"));
        assert!(!asks_year("When did you plant the orchard?") && !asks_year("Which yearbook is hers?"));
        assert!(asks_month("Which month did the roof leak?") && asks_month("En quel mois as-tu déménagé ?") && !asks_month("What year did the roof leak?"));
        assert_eq!(as_asked("7 May 2023".into(), "Which month was the fair?", "en"), "May 2023");
        assert_eq!(as_asked("7. Mai 2023".into(), "In welchem Monat war die Messe?", "de"), "Mai 2023");
        assert_eq!(as_asked("the week before 7 May 2023".into(), "What year was the fair?", "en"), "2023");
        assert_eq!(as_asked("7 May 2023".into(), "When was the fair?", "en"), "7 May 2023");
        assert!(names_weekday("letzten Samstag") && names_weekday("last Fri") && !names_weekday("last week"));
        assert_eq!(render_said("last Fri", &When::Day(day(2029, 2, 9)), "en"), "Friday, 9 February 2029");
        assert_eq!(render_said("yesterday", &When::Day(day(2029, 2, 9)), "en"), "9 February 2029");
        assert_eq!(read("I lördags var vi i stugan.", w), ["10 February 2029"]);
        // Abbreviated days, written with a capital.
        assert_eq!(read("Last Fri we went bowling; last Thurs. too.", w), ["9 February 2029", "8 February 2029"]);
        assert!(read("Who last sat on this bench?", w).is_empty());
        // A weekday alone may be either side of the day: left alone.
        assert!(read("On Saturday we hiked.", w).is_empty());
    }

    #[test]
    fn weeks_months_and_years_keep_their_precision() {
        let w = day(2029, 2, 14);
        assert_eq!(read("I started the course last week.", w), ["the week before 14 February 2029"]);
        assert_eq!(read("two weeks ago", w), ["2 weeks before 14 February 2029"]);
        assert_eq!(read("a few days ago", w), ["a few days before 14 February 2029"]);
        assert_eq!(read("last weekend", w), ["the weekend before 14 February 2029"]);
        assert_eq!(read("next month", w), ["March 2029"]);
        assert_eq!(read("last month", w), ["January 2029"]);
        assert_eq!(read("three months ago", w), ["November 2028"]);
        assert_eq!(read("last year", w), ["2028"]);
        assert_eq!(read("two years ago", w), ["2027"]);
        assert_eq!(read("la semaine dernière", w), ["the week before 14 February 2029"]);
        assert_eq!(read("hace dos semanas", w), ["2 weeks before 14 February 2029"]);
        assert_eq!(read("letztes Jahr", w), ["2028"]);
        assert_eq!(read("förra veckan", w), ["the week before 14 February 2029"]);
        assert_eq!(read("w zeszłym tygodniu", w), ["the week before 14 February 2029"]);
        assert_eq!(read("l'anno scorso", w), ["2028"]);
        assert_eq!(read("vorige maand", w), ["January 2029"]);
        assert_eq!(read("há três anos", w), ["2026"]);
    }

    #[test]
    fn answers_in_the_language_asked() {
        let w = day(2029, 2, 14);
        let last_week = relative_in("last week", w)[0].when;
        assert_eq!(render(&last_week, "de"), "die Woche vor dem 14. Februar 2029");
        assert_eq!(render(&last_week, "fr"), "la semaine avant le 14 février 2029");
        assert_eq!(render(&last_week, "es"), "la semana antes del 14 de febrero de 2029");
        assert_eq!(render_day(w, "pl"), "14 lutego 2029");
        assert_eq!(render_day(w, "sv"), "14 februari 2029");
        assert_eq!(render(&When::Month { year: 2029, month: 5 }, "es"), "mayo de 2029");
        // A language without phrases gets English.
        assert_eq!(render_day(w, "xx"), "14 February 2029");
    }

    #[test]
    fn word_lists_have_their_items_in_every_language() {
        for (lex, n) in [(lexicon::relative_time(), 10), (lexicon::time_units(), 5), (lexicon::number_words(), 11), (lexicon::date_phrases(), 13)] {
            for line in &lex.lines {
                assert_eq!(line.items.len(), n, "{}", line.lang);
            }
        }
        // Every language that reads relative time can write an answer.
        for line in &lexicon::relative_time().lines {
            assert!(lexicon::date_phrases().lang(line.lang).is_some(), "{}", line.lang);
        }
    }

    #[test]
    fn words_inside_other_words_are_not_times() {
        let w = day(2029, 2, 14);
        assert!(read("The Todayville parish hall; a yesterdays-news podcast.", w).is_empty(), "{:?}", read("The Todayville parish hall", w));
        assert!(read("She had the lasting weekendish mood.", w).is_empty());
    }
}
