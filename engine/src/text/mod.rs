//! The one text toolkit: words ([`words`]), sentences ([`sentences()`]), dates and times
//! ([`dates`]) and which language a text is written in ([`lang`]), for every language the product reads (English, German, French, Spanish, Italian,
//! Dutch, Portuguese, Polish, Swedish, Japanese, Chinese). Word lists come from
//! [`crate::lexicon`].

pub mod address;
pub mod dates;
pub mod lang;
pub mod relative;
pub mod sentences;

pub use sentences::sentences;

/// Lower case with the common Latin diacritics removed (`Straße` stays `straße`; `é` → `e`),
/// for matching words written with or without accents.
pub fn fold(s: &str) -> String {
    s.chars()
        .flat_map(|c| c.to_lowercase())
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ą' => 'a',
            'ç' | 'ć' | 'č' => 'c',
            'è' | 'é' | 'ê' | 'ë' | 'ę' | 'ě' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' | 'ń' | 'ň' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
            'ù' | 'ú' | 'û' | 'ü' | 'ů' => 'u',
            'ý' | 'ÿ' => 'y',
            'ł' => 'l',
            'ś' | 'š' => 's',
            'ź' | 'ż' | 'ž' => 'z',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn folds_accents_and_case() {
        assert_eq!(super::fold("Août Miércoles Łódź"), "aout miercoles lodz");
    }
}

/// The words of a text, lower case: runs of letters and digits (an apostrophe inside a word
/// stays: `don't`, `l'école`), in order. The engine's one word splitter.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_matches('\'').to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}
