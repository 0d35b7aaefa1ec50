//! Pass 3 of the classifier: the form around a field (consecutive street fields become address
//! lines, a street beside a house number becomes the street name, split names, phones and dates
//! get their parts; a free-text question is prose, not an address).

use super::*;

/// Form-level fixes over the fields `idx` of one form, in document order.
pub(super) fn context(work: &mut [Field], idx: &[usize]) {
    let tok = |work: &[Field], i: usize| work[idx[i]].token;
    let n = idx.len();

    // Unresolved month lists: card if a card field is near, else birth date.
    for i in 0..n {
        if work[idx[i]].score < 0.05 && tok(work, i) == "bday-month" {
            let near_cc = (i.saturating_sub(3)..(i + 4).min(n)).any(|j| j != i && tok(work, j).starts_with("cc-"));
            let near_bday = (i.saturating_sub(3)..(i + 4).min(n)).any(|j| j != i && tok(work, j).starts_with("bday"));
            work[idx[i]].token = if near_cc { "cc-exp-month" } else if near_bday { "bday-month" } else { NONE };
        }
    }

    // Names: a plain "name" beside a given/family name is the other part.
    let has_given = (0..n).any(|i| tok(work, i) == "given-name");
    let has_family = (0..n).any(|i| tok(work, i) == "family-name");
    for i in 0..n {
        if tok(work, i) != "name" {
            continue;
        }
        let prev = if i > 0 { tok(work, i - 1) } else { NONE };
        let next = if i + 1 < n { tok(work, i + 1) } else { NONE };
        if prev == "given-name" || (has_given && !has_family && next != "family-name") {
            work[idx[i]].token = "family-name";
        } else if next == "family-name" || (has_family && !has_given) {
            work[idx[i]].token = "given-name";
        } else if next == "name" && work[idx[i]].d.kind != "textarea" {
            work[idx[i]].token = "given-name";
            work[idx[i + 1]].token = "family-name";
        }
    }

    // What the user reads beats identifiers: a "line 2" whose label asks for the house number is
    // the house number (`address2` labelled "Huisnummer", `street-1` labelled "Numărul casei").
    for &k in idx {
        if is_street(work[k].token) && prose_names_only_a_house_number(work[k].d) {
            work[k].token = "address-housenumber";
        }
    }

    // Streets: consecutive street fields are lines 1..3; a lone street is the street name beside a
    // house number, line 1 beside an apartment/line-2 field, else the whole street address.
    let mut runs: Vec<Vec<usize>> = Vec::new();
    let mut i = 0;
    while i < n {
        if !is_street(tok(work, i)) || tok(work, i) == "address-line2" && work[idx[i]].d.tag != "textarea" && i > 0 {
            i += 1;
            continue;
        }
        let mut run = vec![i];
        let mut j = i + 1;
        // `street[0]`, `street[1]`: lines numbered from zero.
        let zero = words(&format!("{} {}", work[idx[i]].d.name, work[idx[i]].d.id)).contains(" 0 ");
        while j < n && run.len() < 3 {
            let t = tok(work, j);
            let numbered = line_number(&work[idx[j]]);
            if is_street(t) && (t != "street-address" || numbered == Some(run.len() + 1) || zero && numbered == Some(run.len()))
                || (run.len() == 1 && matches!(t, "address-level3" | NONE) && looks_like_line(&work[idx[j]])) {
                run.push(j);
                j += 1;
            } else {
                break;
            }
        }
        runs.push(run);
        i = j;
    }
    // A second-line field (apartment, line 2, address supplement) just after the street.
    let line2_after = |work: &[Field], i: usize| (i + 1..(i + 4).min(n)).any(|j| matches!(tok(work, j), "apartment" | "address-line2" | "address-extra"));
    let has_number = (0..n).any(|i| tok(work, i) == "address-housenumber");
    // A house number field right beside the street (before or after it).
    let number_near = |work: &[Field], i: usize| (i.saturating_sub(2)..(i + 3).min(n)).any(|j| j != i && tok(work, j) == "address-housenumber");
    for run in runs {
        if run.len() >= 2 {
            for (k, &r) in run.iter().enumerate() {
                work[idx[r]].token = ["address-line1", "address-line2", "address-line3"][k];
            }
            continue;
        }
        let lone = &work[idx[run[0]]];
        let token = if has(&lone.text, LOOKUP_WORDS) && lone.auto.is_none() {
            "address-lookup"
        } else if has(&lone.text, COMBINED_STREET) {
            "street-address"
        } else if number_near(work, run[0]) || has_number && names_a_street(lone.d) {
            "address-streetname"
        } else if prose_line_number(lone.d) == Some(1) {
            "address-line1"
        } else if line_number(lone) == Some(2) && run[0] > 0 {
            "address-line2"
        } else if line2_after(work, run[0]) {
            "address-line1"
        } else {
            "street-address"
        };
        work[idx[run[0]]].token = token;
    }

    // The page's own autocomplete attribute names the line (or the country's form); trust it
    // over the layout guess.
    for &k in idx {
        match work[k].auto {
            Some(a) if a != "street-address" && is_street(a) && is_street(work[k].token) => work[k].token = a,
            Some("country-name") if work[k].token == "country" => work[k].token = "country-name",
            // A country list whose values are the names themselves submits the name, not a code.
            None if work[k].token == "country" && submits_names(work[k].d) => work[k].token = "country-name",
            _ => {}
        }
    }

    // Names on a card: given/family name fields that name the card holder.
    for &k in idx {
        let f = &work[k];
        let on_card = has(&words(&format!("{} {} {} {}", f.d.label, f.d.name, f.d.id, f.d.placeholder)), CARD_WORDS);
        if on_card {
            match f.token {
                "given-name" => work[k].token = "cc-given-name",
                "family-name" => work[k].token = "cc-family-name",
                _ => {}
            }
        }
    }

    // Phones: the field just before a phone number that names a phone code or prefix (or offers
    // "+NN" beside it) is its country code: `phone_prefix`, a "Country" select named `phone[0]`.
    for i in 0..n.saturating_sub(1) {
        let (f, next) = (&work[idx[i]], tok(work, i + 1));
        if next != "tel" || matches!(f.token, "tel" | "tel-country-code" | "email") || f.auto.is_some() {
            continue;
        }
        let ids = words(&format!("{} {}", f.d.name, f.d.id));
        let phone_ids = has(&ids, PHONE_WORDS) && has(&ids, &[" code", " prefix", " cc ", " country", " dial", " vorwahl", " indicatif", " prefijo", " prefisso"]);
        let plus_code = f.d.max_length.is_some_and(|m| m <= 6) && (f.d.placeholder.starts_with('+') || f.d.placeholder.starts_with("00"));
        let prose = words(&format!("{} {} {}", f.d.label, f.d.aria_label, f.d.placeholder));
        let code_prose = matches!(f.token, "country" | NONE) && has(&prose, CODE_PROSE);
        if phone_ids || plus_code || code_prose || f.opts == Some(OptionKind::PhoneCode) {
            work[idx[i]].token = "tel-country-code";
        }
    }

    // A number in three boxes of 3, 3 and 4 digits whose identifiers all say phone (`phone_area`,
    // `phone_prefix`, `phone_suffix`): area code, exchange, line, whatever else their words match.
    for i in 0..n.saturating_sub(2) {
        let three = [idx[i], idx[i + 1], idx[i + 2]];
        let lengths = three.map(|k| work[k].d.max_length.unwrap_or(0));
        let phone = |k: usize| work[k].auto.is_none() && has(&words(&format!("{} {}", work[k].d.name, work[k].d.id)), PHONE_WORDS);
        if lengths == [3, 3, 4] && three.iter().all(|&k| phone(k)) {
            for (k, t) in three.into_iter().zip(["tel-area-code", "tel-local-prefix", "tel-local-suffix"]) {
                work[k].token = t;
            }
        }
    }

    // Phones: a country-code select followed by a number; split numbers by length.
    for i in 0..n {
        let t = tok(work, i);
        if t == "tel-country-code" && i + 1 < n && tok(work, i + 1) == "tel" {
            work[idx[i + 1]].token = "tel-national";
        }
        if t == "tel" {
            let ml = work[idx[i]].d.max_length.unwrap_or(0);
            if i + 1 < n && tok(work, i + 1) == "tel" && (1..=5).contains(&ml) {
                let ml2 = work[idx[i + 1]].d.max_length.unwrap_or(0);
                if i + 2 < n && tok(work, i + 2) == "tel" && (1..=4).contains(&ml2) {
                    work[idx[i]].token = "tel-area-code";
                    work[idx[i + 1]].token = "tel-local-prefix";
                    work[idx[i + 2]].token = "tel-local-suffix";
                } else {
                    work[idx[i]].token = "tel-area-code";
                    work[idx[i + 1]].token = "tel-local";
                }
            }
        }
    }
}

/// Does a select submit country names (`value` = visible name, not an ISO code)?
/// Words a free-text question starts with (en, de, fr, es, it, nl, pt).
pub(super) const PROSE_QUESTION_STARTS: &[&str] = &[
    "why", "how", "tell", "describe", "explain", "anything", "share", "warum", "wieso", "weshalb", "beschreiben", "erzahlen",
    "erzählen", "pourquoi", "décrivez", "decrivez", "parlez", "expliquez", "cuéntanos", "cuentanos", "describe", "explica",
    "perché", "perche", "descrivi", "raccontaci", "waarom", "vertel", "beschrijf", "porquê", "conte", "descreva",
];

/// Does the control ask a question to answer in prose (a textarea, or a box labelled with a
/// long question)?
pub(crate) fn asks_for_prose(d: &FieldDescriptor) -> bool {
    let label = if d.label.trim().is_empty() { d.aria_label.trim() } else { d.label.trim() };
    let lower = label.to_lowercase();
    let first = lower.split(|c: char| !c.is_alphanumeric()).find(|w| !w.is_empty()).unwrap_or("");
    let starts = PROSE_QUESTION_STARTS.contains(&first) || lower.starts_with("what makes") || lower.starts_with("what would");
    let long = label.split_whitespace().count() >= 4;
    match d.tag.as_str() {
        "textarea" | "contenteditable" => starts && long,
        "input" => starts && long && label.ends_with('?'),
        _ => false,
    }
}

pub(super) fn submits_names(d: &FieldDescriptor) -> bool {
    let real: Vec<_> = d.options.iter().filter(|o| !o.value.trim().is_empty()).collect();
    real.len() >= 5
        && real.iter().filter(|o| o.value.trim().chars().count() > 3 && o.value.trim().eq_ignore_ascii_case(o.text.trim())).count() * 10 >= real.len() * 8
}

/// Words that put a name field on a payment card.
pub(super) const CARD_WORDS: &[&str] = &[
    " cardholder", " card holder", " holder", " on card", " cc ", " titular", " titulaire", " karteninhaber", " kaarthouder", " titolare",
];

/// Words for "street" (the street itself, not a whole address), by language.
pub(super) const STREET_WORDS: &[&str] = &[
    " street", " strasse", " str ", " calle", " straat", " rua ", " via ", " strada", " ulica", " ulice", " gata", " gade",
    " gate ", " utca", " rue ", " sokak", " cadde", " odos", " улица", " οδός", " οδος", "通り",
];
pub(super) const ADDRESS_WORDS: &[&str] = &[
    " address", " adres", " adresse", " direccion", " indirizzo", " endereco", " anschrift", " osoite", " adresa", " cim ", " адрес",
    " διευθυνση", "住所", "地址",
];

/// Does the field's prose name a street rather than a whole address ("Straat", "Calle", "Street name")?
pub(super) fn names_a_street(d: &FieldDescriptor) -> bool {
    let prose = words(&format!("{} {} {}", d.label, d.aria_label, d.placeholder));
    has(&prose, STREET_WORDS) && !has(&prose, ADDRESS_WORDS)
}

/// Does the field's visible prose (label, aria-label, placeholder) ask for a house number and for
/// no street or flat (not "Street and house number", not "Número de piso/puerta")?
pub(super) fn prose_names_only_a_house_number(d: &FieldDescriptor) -> bool {
    let found: Vec<rules::Match> =
        [&d.label, &d.aria_label, &d.placeholder].iter().filter(|s| !s.is_empty()).flat_map(|s| rules::matches(&words(s))).collect();
    found.iter().any(|m| m.token == "address-housenumber")
        && !found.iter().any(|m| matches!(m.token, "street-address" | "address-line1" | "address-streetname" | "street" | "apartment" | "floor"))
}

/// The line number an identifier or label gives a street field (`address1`, `line_two`, `Address 2`).
pub(super) fn line_number(f: &Field) -> Option<usize> {
    let ids = format!("{}{}{}", words(&f.d.name), words(&f.d.id), words(&f.d.label));
    for (n, pats) in [(1, [" 1 ", " one ", " first "]), (2, [" 2 ", " two ", " second "]), (3, [" 3 ", " three ", " third "])] {
        if pats.iter().any(|p| ids.contains(p)) {
            return Some(n);
        }
    }
    None
}

/// The line number the visible prose gives ("Address: Line 1"), ignoring identifiers
/// (`address1` is often the only street field).
pub(super) fn prose_line_number(d: &FieldDescriptor) -> Option<usize> {
    let prose = words(&format!("{} {} {}", d.label, d.aria_label, d.placeholder));
    [(1, " line 1 "), (2, " line 2 "), (3, " line 3 ")].iter().find(|(_, p)| prose.contains(p)).map(|(n, _)| *n)
}

/// Could this unlabelled-looking text input be a street's second line?
pub(super) fn looks_like_line(f: &Field) -> bool {
    f.d.is_text_like() && has(&f.text, &[" address", " addr", " street", " line", " adresse", " direccion", " indirizzo", " adres", " strasse", " 2 "])
}
