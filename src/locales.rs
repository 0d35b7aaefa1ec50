//! The extension's words in every language it ships (`_locales/<lang>/messages.json`): the check
//! `secondself pack` and the tests run on a build, so no user-visible string of the side panel goes
//! out untranslated.
//!
//! It refuses a build where a shipped language lacks a message English has (or has one English
//! lacks), a message is empty, keeps English words (a sentence of three words or more equal to
//! the English one), or drops or adds a `{n}` value; where a page of the side panel writes text,
//! a placeholder, a title or an accessible name without naming its message (`data-i18n`,
//! `data-i18n-<attribute>`); or where a side-panel script names a message that does not exist or
//! writes a user-visible string itself instead of calling `t(…)` (the side panel's scripts and
//! the content scripts' autofill menu, draft card and chat-site buttons alike).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use anyhow::{bail, Context, Result};

/// The languages every store listing and the side panel ship in.
pub const LANGUAGES: &[&str] = &["en", "de", "fr", "es", "pt"];

/// Folders whose pages and scripts are the user's (not the engine host's).
const UI_DIRS: &[&str] = &["sidepanel", "content", "onboarding"];

/// Attributes people read or hear (a screen reader reads `aria-label`).
const ATTRIBUTES: &[&str] = &["placeholder", "title", "aria-label", "alt", "value"];

/// The messages of one language: name → text.
pub fn messages(dir: &Path, lang: &str) -> Result<BTreeMap<String, String>> {
    let path = dir.join("_locales").join(lang).join("messages.json");
    let text = fs::read_to_string(&path).with_context(|| format!("_locales/{lang}/messages.json is missing"))?;
    let json: serde_json::Value = serde_json::from_str(&text).with_context(|| format!("_locales/{lang}/messages.json is not valid JSON"))?;
    let Some(object) = json.as_object() else { bail!("_locales/{lang}/messages.json is not an object") };
    let mut out = BTreeMap::new();
    for (name, m) in object {
        let Some(message) = m["message"].as_str() else { bail!("_locales/{lang}: `{name}` has no message") };
        out.insert(name.clone(), message.to_string());
    }
    Ok(out)
}

/// The `{n}` values a message takes.
fn values(message: &str) -> BTreeSet<String> {
    let b = message.as_bytes();
    (0..b.len().saturating_sub(2)).filter(|&i| b[i] == b'{' && b[i + 1].is_ascii_digit() && b[i + 2] == b'}').map(|i| message[i..i + 3].to_string()).collect()
}

/// Words of letters in a text.
fn words(text: &str) -> usize {
    text.split(|c: char| !c.is_alphabetic()).filter(|w| w.chars().count() > 1).count()
}

/// Checks the translations and the side panel's use of them in the built extension `dir`.
pub fn check(dir: &Path) -> Result<()> {
    let en = messages(dir, "en")?;
    for lang in LANGUAGES.iter().filter(|l| **l != "en") {
        let other = messages(dir, lang)?;
        let missing: Vec<&String> = en.keys().filter(|k| !other.contains_key(*k)).collect();
        if !missing.is_empty() {
            bail!("_locales/{lang} lacks {} message(s) English has: {missing:?}", missing.len());
        }
        let extra: Vec<&String> = other.keys().filter(|k| !en.contains_key(*k)).collect();
        if !extra.is_empty() {
            bail!("_locales/{lang} has message(s) English lacks: {extra:?}");
        }
        for (name, text) in &other {
            let english = &en[name];
            if text.trim().is_empty() {
                bail!("_locales/{lang}: `{name}` is empty");
            }
            if text == english && words(english) >= 3 {
                bail!("_locales/{lang}: `{name}` is still the English text ({english:?}); translate it");
            }
            if values(text) != values(english) {
                bail!("_locales/{lang}: `{name}` takes {:?}, English takes {:?}", values(text), values(english));
            }
        }
    }
    for sub in UI_DIRS {
        for entry in fs::read_dir(dir.join(sub)).with_context(|| format!("{} has no {sub}/", dir.display()))?.flatten() {
            let path = entry.path();
            let name = format!("{sub}/{}", entry.file_name().to_string_lossy());
            let text = fs::read_to_string(&path).unwrap_or_default();
            match path.extension().and_then(|e| e.to_str()) {
                Some("html") => check_page(&name, &text, &en)?,
                Some("js") => check_script(&name, &text, &en)?,
                _ => {}
            }
        }
    }
    Ok(())
}

/// Elements whose text is not prose for the user: code samples, the tab title, scripts.
const VERBATIM: &[&str] = &["code", "title", "script", "style"];
/// Elements that never hold text.
const VOID: &[&str] = &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "polyline", "path"];

/// One HTML page: each text and each read attribute names its message.
pub fn check_page(name: &str, html: &str, en: &BTreeMap<String, String>) -> Result<()> {
    // (tag, names its text's message or is verbatim)
    let mut open: Vec<(String, bool)> = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        let (text, after) = match rest.find('<') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let t = text.trim();
        if words(t) > 0 && t != "SecondSelf" && !open.iter().any(|(_, ok)| *ok) {
            let inside = open.last().map(|(tag, _)| tag.as_str()).unwrap_or("document");
            bail!("{name}: the text {t:?} in <{inside}> names no message (add data-i18n)");
        }
        if after.is_empty() {
            break;
        }
        if after.starts_with("<!--") {
            rest = after.find("-->").map(|e| &after[e + 3..]).unwrap_or("");
            continue;
        }
        let end = after.find('>').with_context(|| format!("{name}: a tag is not closed"))?;
        let tag = &after[1..end];
        rest = &after[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        if let Some(closing) = tag.strip_prefix('/') {
            let closing = closing.trim().to_lowercase();
            if let Some(at) = open.iter().rposition(|(t, _)| *t == closing) {
                open.truncate(at);
            }
            continue;
        }
        let tag_name = tag.split(|c: char| c.is_whitespace() || c == '/').next().unwrap_or("").to_lowercase();
        let attrs = attributes(tag);
        for (attr, value) in &attrs {
            // An option's or a button's value is data; an input's is text the user sees.
            let read = ATTRIBUTES.contains(&attr.as_str()) && (attr != "value" || tag_name == "input");
            if read && words(value) > 0 && value != "SecondSelf" && !attrs.iter().any(|(a, _)| *a == format!("data-i18n-{attr}")) {
                bail!("{name}: <{tag_name} {attr}={value:?}> names no message (add data-i18n-{attr})");
            }
            if attr.starts_with("data-i18n") {
                if !en.contains_key(value) {
                    bail!("{name}: <{tag_name}> names the message `{value}`, which _locales/en does not have");
                }
            }
        }
        let names = attrs.iter().any(|(a, _)| a == "data-i18n") || VERBATIM.contains(&tag_name.as_str());
        if !VOID.contains(&tag_name.as_str()) && !tag.ends_with('/') {
            open.push((tag_name, names));
        }
    }
    Ok(())
}

/// `name="value"` pairs of a tag.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = tag.split_once(char::is_whitespace).map(|(_, r)| r).unwrap_or("");
    while let Some(eq) = rest.find('=') {
        let name = rest[..eq].trim().rsplit(char::is_whitespace).next().unwrap_or("").to_lowercase();
        let after = rest[eq + 1..].trim_start();
        let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else { break };
        let Some(close) = after[1..].find(quote) else { break };
        out.push((name, after[1..1 + close].to_string()));
        rest = &after[close + 2..];
    }
    out
}

/// Where a script writes what the user reads.
const WRITES: &[&str] = &[
    "textContent =", "title =", "placeholder =", "status(", "showError(", "confirm(", "alert(", "new Error(",
    // Elements built from attribute objects and children (`el("p", { text: … }, "…")`), menu entries.
    "text: ", "title: ", "label: ", "detail: ", "}, ", "setAttribute(\"aria-label\",", "setAttribute(\"title\",",
];

/// One side-panel script: the messages it names exist, and it writes no user-visible string itself.
pub fn check_script(name: &str, js: &str, en: &BTreeMap<String, String>) -> Result<()> {
    for (call, plural) in [("t(\"", false), ("tn(\"", true)] {
        for (i, _) in js.match_indices(call) {
            // `t("` inside a longer name (`set("`) is not the translator.
            if js[..i].chars().last().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                continue;
            }
            let start = i + call.len();
            let Some(len) = js[start..].find('"') else { continue };
            let message = &js[start..start + len];
            let wanted: Vec<String> = if plural { vec![format!("{message}_one"), format!("{message}_other")] } else { vec![message.to_string()] };
            for w in wanted {
                if !en.contains_key(&w) {
                    bail!("{name}: names the message `{w}`, which _locales/en does not have");
                }
            }
        }
    }
    for (n, line) in js.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("//") || code.starts_with('*') || code.starts_with("/*") {
            continue;
        }
        for w in WRITES {
            for (at, _) in line.match_indices(w) {
                let after = line[at + w.len()..].trim_start();
                if let Some(literal) = string_literal(after) {
                    if words(&literal) > 0 && literal.trim() != "SecondSelf" {
                        bail!("{name}:{}: writes the text {literal:?} itself; give it a message in _locales and call t(…)", n + 1);
                    }
                }
            }
        }
    }
    Ok(())
}

/// The words of a string literal at the start of `code` (outside its `${…}` parts), if it is one.
fn string_literal(code: &str) -> Option<String> {
    let quote = code.chars().next().filter(|c| matches!(c, '"' | '\'' | '`'))?;
    let mut text = String::new();
    let mut depth = 0usize;
    let mut chars = code[1..].chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '$' if quote == '`' && depth == 0 && chars.peek() == Some(&'{') => {
                chars.next();
                depth = 1;
                text.push(' ');
            }
            '{' if depth > 0 => depth += 1,
            '}' if depth > 0 => depth -= 1,
            c if depth > 0 => {
                let _ = c;
            }
            c if c == quote => return Some(text),
            c => text.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en() -> BTreeMap<String, String> {
        [("hello", "Hello there, friend"), ("save", "Save")].into_iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn pages_name_their_messages() {
        assert!(check_page("p.html", r#"<p data-i18n="hello">Hello there, friend</p><code>{"a": 1}</code><h1>SecondSelf</h1>"#, &en()).is_ok());
        assert!(check_page("p.html", "<p>Hello there</p>", &en()).unwrap_err().to_string().contains("names no message"));
        assert!(check_page("p.html", r#"<input placeholder="Type here">"#, &en()).unwrap_err().to_string().contains("data-i18n-placeholder"));
        assert!(check_page("p.html", r#"<input placeholder="Type here" data-i18n-placeholder="save">"#, &en()).is_ok());
        assert!(check_page("p.html", r#"<select><option value="third-party" data-i18n="save">Save</option></select>"#, &en()).is_ok());
        assert!(check_page("p.html", r#"<b data-i18n="nope">x</b>"#, &en()).unwrap_err().to_string().contains("`nope`"));
        // Text beside a translated child is still the parent's own.
        assert!(check_page("p.html", r#"<h2>Sources <span data-i18n="save">Save</span></h2>"#, &en()).is_err());
    }

    #[test]
    fn scripts_call_t_for_what_the_user_reads() {
        assert!(check_script("a.js", r#"box.textContent = t("hello"); x.title = `${a} · ${b}`;"#, &en()).is_ok());
        assert!(check_script("a.js", r#"box.textContent = "Nothing here";"#, &en()).unwrap_err().to_string().contains("Nothing here"));
        assert!(check_script("a.js", r#"status(`Saved ${n} files`);"#, &en()).is_err());
        // A template inside a template's value is the value's, not text.
        assert!(check_script("a.js", r#"link.textContent = `↳ ${cite.source}${cite.date ? ` · ${cite.date}` : ""}`;"#, &en()).is_ok());
        assert!(check_script("a.js", r#"box.textContent = t("missing");"#, &en()).unwrap_err().to_string().contains("`missing`"));
        assert!(check_script("a.js", r#"x = tn("save", 2);"#, &en()).unwrap_err().to_string().contains("save_one"));
    }

    #[test]
    fn values_and_words() {
        assert_eq!(values("Step {1} of {2}"), ["{1}", "{2}"].into_iter().map(String::from).collect());
        assert_eq!(words("CPU ({1} thread)"), 2);
    }
}
