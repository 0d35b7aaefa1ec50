//! Text normalisation for matching: fold case and Latin diacritics, split identifiers into words.
//!
//! `"billingAddress[street_1]"` → `" billing address street 1 "`, `"Straße"` → `" strasse "`.
//! The result is padded with spaces so rule patterns can mark word starts/ends with a space.

/// Lower-cases and removes common Latin diacritics (`é`→`e`, `ß`→`ss`, `ł`→`l`).
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        fold_into(c, &mut out);
    }
    out
}

/// Appends `c` folded to `out` (ASCII without a table lookup: most of what forms say is ASCII).
fn fold_into(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    for l in c.to_lowercase() {
        match l {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ą' | 'ă' => out.push('a'),
            'æ' => out.push_str("ae"),
            'ç' | 'ć' | 'č' => out.push('c'),
            'ğ' => out.push('g'),
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ı' => out.push('i'),
            'ñ' | 'ń' | 'ň' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => out.push('o'),
            'œ' => out.push_str("oe"),
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => out.push('u'),
            'ý' | 'ÿ' => out.push('y'),
            'ß' => out.push_str("ss"),
            'ł' => out.push('l'),
            'ś' | 'š' | 'ş' => out.push('s'),
            'ź' | 'ż' | 'ž' => out.push('z'),
            'ř' => out.push('r'),
            'ď' => out.push('d'),
            'ť' | 'ţ' => out.push('t'),
            _ => out.push(l),
        }
    }
}

/// Splits on non-alphanumerics, camelCase humps and letter/digit changes; folds; pads with spaces.
pub fn words(s: &str) -> String {
    let mut out = String::from(" ");
    let mut prev: Option<char> = None;
    for c in s.chars() {
        let boundary = match prev {
            None => false,
            Some(p) => {
                (p.is_lowercase() && c.is_uppercase())
                    || (p.is_ascii_digit() != c.is_ascii_digit() && p.is_alphanumeric() && c.is_alphanumeric())
            }
        };
        if !c.is_alphanumeric() {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            if boundary && !out.ends_with(' ') {
                out.push(' ');
            }
            fold_into(c, &mut out);
        }
        prev = Some(c);
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_split_into_words() {
        assert_eq!(words("billingAddress[street_1]"), " billing address street 1 ");
        assert_eq!(words("address1"), " address 1 ");
        assert_eq!(words("Straße*"), " strasse ");
        assert_eq!(words("Código postal"), " codigo postal ");
        assert_eq!(words("郵便番号"), " 郵便番号 ");
        assert_eq!(words(""), " ");
    }
}
