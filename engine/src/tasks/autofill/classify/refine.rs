//! Pass 2 of the classifier: a field's own shape refines its token (month, year and day lists
//! and short inputs turn `bday`/`cc-exp` into their parts; kana fields, finer phone parts).

use super::*;

/// Words that make a name box the name's phonetic reading (Japanese kana).
pub(super) const PHONETIC_WORDS: &[&str] = &[" kana", " furigana", " phonetic", "カナ", "かな", "フリガナ", "ふりがな", "セイ", "メイ", " yomi"];

/// Parts of a phone number that are finer than `tel`.
pub(super) const FINER_TEL: &[Token] = &["tel-national", "tel-country-code", "tel-area-code", "tel-local", "tel-extension"];

/// Prose that names a phone's country code or prefix ("Country code", "Landcode", "Vorwahl").
pub(super) const CODE_PROSE: &[&str] = &[
    " country code", " landcode", " landekode", " landskod", " code pays", " code du pays", " codigo de pais", " codigo pais",
    " prefix", " prefixe", " vorwahl", " indicatif", " prefisso", " prefijo", " kierunkowy", " dial code", " calling code",
];

/// A single field for street *and* house number.
pub(super) const COMBINED_STREET: &[&str] = &[
    " street and number", " street name and number", " street name number", " rue et n",
    " strasse und hausnummer", " strasse und nr", " strasse nr", " strasse hausnummer", " strasse hausnr", " straat en huisnummer",
    " straat huisnummer", " calle y numero", " calle numero", " via e numero", " via numero", " via e n ", " ulica i numer", " ulica nr",
    " rua e numero", " rua numero", " gatuadress", " adresse et numero", " street house", " street and house",
    " house number and street", " house number street", " house no and street", " strasse und haus", " strasse hausnr",
    " ulice a c", " ulice c p", " ulica i nr", " utca hazszam", " adres en huisnummer",
    " no et rue", " numero et rue", " numero y calle", " street address and number",
];
/// A search box that looks an address up (it fills nothing itself).
pub(super) const LOOKUP_WORDS: &[&str] = &[
    " search", " find", " lookup", " look up", " suche", " suchen", " finden", " rechercher", " trouver", " buscar", " busca ",
    " cerca ", " cercare", " zoek", " zoeken", " szukaj", " wyszukaj", " hledat", " keres",
];
pub(super) const PHONE_WORDS: &[&str] = &[
    " phone", " tel", " mobil", " cell", " handy", " fon", " movil", " gsm", " dial", " calling", " prefix", " prefisso", " prefijo",
    " indicatif", "電話", "电话",
];
pub(super) const CC_WORDS: &[&str] = &[" card", " cc ", " exp", " carte", " tarjeta", " karte", " credit", " kredit", " kart ", " kaart", " cartao", " carta "];
pub(super) const BDAY_WORDS: &[&str] = &[" birth", " geburt", " naissance", " nacimiento", " nascita", " dob ", " geboorte", " nascimento", " urodzenia", " dogum", " fodelse", " fodsel"];
pub(super) const DAY_WORDS: &[&str] = &[" day", " dd ", " tag ", " jour", " dia ", " giorno", " dag ", " dzien", "日"];
pub(super) const MONTH_WORDS: &[&str] = &[" month", " mm ", " monat", " mois", " mes ", " mese", " maand", " miesiac", " manad", "月", " mon "];
pub(super) const YEAR_WORDS: &[&str] = &[" year", " yy", " jahr", " annee", " ano ", " anno", " jaar", " rok ", " ar ", "年", " jj", " aa "];

/// Turns date-ish tokens into their parts from the field's own shape.
pub(super) fn refine(f: &mut Field) {
    if f.token == NONE && f.score > 0.0 {
        return; // something said "not a profile field" (a size, a sort order, a search)
    }
    // The field's own words, then its section's ("Date of birth" over three bare MM/DD/YYYY boxes).
    let section = words(&f.d.section);
    let own_cc = has(&f.text, CC_WORDS);
    let own_bday = has(&f.text, BDAY_WORDS);
    let is_cc = f.token.starts_with("cc-") || own_cc || !own_bday && has(&section, CC_WORDS);
    let is_bday = f.token.starts_with("bday") || own_bday || !own_cc && has(&section, BDAY_WORDS);
    // A list of months, days or years is a date part, whatever its identifier says (`usernamereg-month`).
    let date_list = matches!(f.opts, Some(OptionKind::Month | OptionKind::FutureYear | OptionKind::PastYear | OptionKind::Day));
    if date_list && !(f.token.starts_with("bday") || f.token.starts_with("cc-exp")) && f.auto.is_none() {
        f.token = NONE;
    }
    let part = match f.opts {
        Some(OptionKind::Month) => Some('m'),
        Some(OptionKind::FutureYear) => Some('y'),
        Some(OptionKind::PastYear) => Some('Y'),
        Some(OptionKind::Day) => Some('d'),
        _ => None,
    }
    .or_else(|| {
        let short = f.d.max_length.map(|m| m <= 4).unwrap_or(false) || f.d.is_select();
        if !(short || f.token == "cc-exp" || f.token == "bday") {
            return None;
        }
        // "日期" is a whole date ("出生日期", date of birth), not its day.
        let d = has(&f.text, DAY_WORDS) && !has(&f.text, &["日期"]);
        let (m, y) = (has(&f.text, MONTH_WORDS), has(&f.text, YEAR_WORDS));
        match (d, m, y) {
            (true, false, false) => Some('d'),
            (false, true, false) => Some('m'),
            (false, false, true) => Some(if is_cc { 'y' } else { 'Y' }),
            _ => None,
        }
    });
    let Some(part) = part else { return };
    let new: Option<Token> = if is_cc && !is_bday || part == 'y' && !is_bday {
        match part {
            'm' => Some("cc-exp-month"),
            'y' | 'Y' => Some("cc-exp-year"),
            _ => None,
        }
    } else if is_bday || part == 'Y' || part == 'd' {
        match part {
            'm' => Some("bday-month"),
            'y' | 'Y' => Some("bday-year"),
            'd' => Some("bday-day"),
            _ => None,
        }
    } else {
        None // a month list with no context yet: the form pass decides
    };
    if let Some(t) = new {
        f.token = t;
        f.score = f.score.max(1.0);
    } else if part == 'm' && matches!(f.token, NONE) {
        f.token = "bday-month"; // provisional, fixed by context
        f.score = 0.01;
    }
}

pub(super) fn is_street(t: &str) -> bool {
    matches!(t, "street-address" | "address-line1" | "address-line2" | "address-line3")
}
