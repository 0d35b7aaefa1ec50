//! What a `<select>`'s options say about it: a country list, a month list, years, days,
//! honorifics, genders, phone country codes, card brands or a US/CA/AU state list.
//!
//! Called by [`super::classify`] for every select; also used by [`super::fill`] to match a
//! profile value (`"Germany"`, `"DE"`, `"Deutschland"`) to the option that means it.

use super::descriptor::SelectOption;
use super::text::fold;

/// What kind of list a select holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    Country,
    State,
    Month,
    /// Years that lie ahead (card expiry).
    FutureYear,
    /// Years that lie behind (birth).
    PastYear,
    Day,
    Honorific,
    Sex,
    PhoneCode,
    CardType,
}

impl OptionKind {
    /// A stable name (features of the learned layer hash it).
    pub fn name(self) -> &'static str {
        match self {
            OptionKind::Country => "Country",
            OptionKind::State => "State",
            OptionKind::Month => "Month",
            OptionKind::FutureYear => "FutureYear",
            OptionKind::PastYear => "PastYear",
            OptionKind::Day => "Day",
            OptionKind::Honorific => "Honorific",
            OptionKind::Sex => "Sex",
            OptionKind::PhoneCode => "PhoneCode",
            OptionKind::CardType => "CardType",
        }
    }
}

/// ISO 3166-1 alpha-2 codes.
const ISO2: &str = "ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bl bm bn bo bq br bs bt bv bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg eh er es et fi fj fk fm fo fr ga gb gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mf mg mh mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sj sk sl sm sn so sr ss st sv sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug um us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw uk";

/// Country names (folded) in the languages we cover, with the ISO code each means. Not every
/// country: enough that a real country list is recognised and common profile countries map.
pub const COUNTRY_NAMES: &[(&str, &str)] = &[
    ("afghanistan", "af"), ("albania", "al"), ("algeria", "dz"), ("andorra", "ad"), ("angola", "ao"),
    ("argentina", "ar"), ("armenia", "am"), ("australia", "au"), ("austria", "at"), ("osterreich", "at"),
    ("autriche", "at"), ("azerbaijan", "az"), ("bahamas", "bs"), ("bahrain", "bh"), ("bangladesh", "bd"),
    ("barbados", "bb"), ("belarus", "by"), ("belgium", "be"), ("belgien", "be"), ("belgique", "be"),
    ("belgie", "be"), ("belgica", "be"), ("belize", "bz"), ("benin", "bj"), ("bhutan", "bt"), ("bolivia", "bo"),
    ("bosnia", "ba"), ("botswana", "bw"), ("brazil", "br"), ("brasil", "br"), ("bresil", "br"), ("brasilien", "br"),
    ("brunei", "bn"), ("bulgaria", "bg"), ("bulgarien", "bg"), ("bulgarie", "bg"), ("cambodia", "kh"),
    ("cameroon", "cm"), ("canada", "ca"), ("kanada", "ca"), ("chile", "cl"), ("china", "cn"), ("chine", "cn"),
    ("colombia", "co"), ("costa rica", "cr"), ("croatia", "hr"), ("kroatien", "hr"), ("croatie", "hr"),
    ("cuba", "cu"), ("cyprus", "cy"), ("zypern", "cy"), ("chypre", "cy"), ("czech", "cz"), ("tschechien", "cz"),
    ("czechia", "cz"), ("republique tcheque", "cz"), ("denmark", "dk"), ("danemark", "dk"), ("danmark", "dk"),
    ("dinamarca", "dk"), ("dominican republic", "do"), ("ecuador", "ec"), ("egypt", "eg"), ("agypten", "eg"),
    ("el salvador", "sv"), ("estonia", "ee"), ("estland", "ee"), ("estonie", "ee"), ("ethiopia", "et"),
    ("fiji", "fj"), ("finland", "fi"), ("finnland", "fi"), ("finlande", "fi"), ("finlandia", "fi"),
    ("france", "fr"), ("frankreich", "fr"), ("francia", "fr"), ("frankrijk", "fr"), ("franca", "fr"),
    ("francja", "fr"), ("frankrike", "fr"), ("georgia", "ge"), ("germany", "de"), ("deutschland", "de"),
    ("allemagne", "de"), ("alemania", "de"), ("germania", "de"), ("duitsland", "de"), ("alemanha", "de"),
    ("niemcy", "de"), ("tyskland", "de"), ("ghana", "gh"), ("greece", "gr"), ("griechenland", "gr"),
    ("grece", "gr"), ("grecia", "gr"), ("guatemala", "gt"), ("honduras", "hn"), ("hong kong", "hk"),
    ("hungary", "hu"), ("ungarn", "hu"), ("hongrie", "hu"), ("hungria", "hu"), ("magyarorszag", "hu"),
    ("iceland", "is"), ("island", "is"), ("india", "in"), ("indien", "in"), ("inde", "in"), ("indonesia", "id"),
    ("iran", "ir"), ("iraq", "iq"), ("ireland", "ie"), ("irland", "ie"), ("irlande", "ie"), ("irlanda", "ie"),
    ("israel", "il"), ("italy", "it"), ("italien", "it"), ("italie", "it"), ("italia", "it"), ("italie", "it"),
    ("wlochy", "it"), ("jamaica", "jm"), ("japan", "jp"), ("japon", "jp"), ("giappone", "jp"), ("jordan", "jo"),
    ("kazakhstan", "kz"), ("kenya", "ke"), ("korea", "kr"), ("kuwait", "kw"), ("latvia", "lv"), ("lettland", "lv"),
    ("lebanon", "lb"), ("liechtenstein", "li"), ("lithuania", "lt"), ("litauen", "lt"), ("luxembourg", "lu"),
    ("luxemburg", "lu"), ("lussemburgo", "lu"), ("luxemburgo", "lu"), ("malaysia", "my"), ("malta", "mt"),
    ("mexico", "mx"), ("mexiko", "mx"), ("mexique", "mx"), ("messico", "mx"), ("moldova", "md"), ("monaco", "mc"),
    ("mongolia", "mn"), ("montenegro", "me"), ("morocco", "ma"), ("marokko", "ma"), ("maroc", "ma"),
    ("marruecos", "ma"), ("nepal", "np"), ("netherlands", "nl"), ("niederlande", "nl"), ("pays bas", "nl"),
    ("paises bajos", "nl"), ("paesi bassi", "nl"), ("nederland", "nl"), ("holanda", "nl"), ("holland", "nl"),
    ("new zealand", "nz"), ("neuseeland", "nz"), ("nouvelle zelande", "nz"), ("nicaragua", "ni"),
    ("nigeria", "ng"), ("norway", "no"), ("norwegen", "no"), ("norvege", "no"), ("noruega", "no"),
    ("norge", "no"), ("oman", "om"), ("pakistan", "pk"), ("panama", "pa"), ("paraguay", "py"), ("peru", "pe"),
    ("philippines", "ph"), ("poland", "pl"), ("polen", "pl"), ("pologne", "pl"), ("polonia", "pl"),
    ("polska", "pl"), ("portugal", "pt"), ("puerto rico", "pr"), ("qatar", "qa"), ("romania", "ro"),
    ("rumanien", "ro"), ("roumanie", "ro"), ("russia", "ru"), ("russland", "ru"), ("russie", "ru"),
    ("rusia", "ru"), ("russian federation", "ru"), ("saudi arabia", "sa"), ("senegal", "sn"), ("serbia", "rs"),
    ("serbien", "rs"), ("singapore", "sg"), ("singapur", "sg"), ("slovakia", "sk"), ("slowakei", "sk"),
    ("slovaquie", "sk"), ("slovenia", "si"), ("slowenien", "si"), ("slovenie", "si"), ("south africa", "za"),
    ("sudafrika", "za"), ("afrique du sud", "za"), ("spain", "es"), ("spanien", "es"), ("espagne", "es"),
    ("espana", "es"), ("spagna", "es"), ("spanje", "es"), ("hiszpania", "es"), ("spanien", "es"),
    ("sri lanka", "lk"), ("sweden", "se"), ("schweden", "se"), ("suede", "se"), ("suecia", "se"),
    ("svezia", "se"), ("zweden", "se"), ("sverige", "se"), ("switzerland", "ch"), ("schweiz", "ch"),
    ("suisse", "ch"), ("suiza", "ch"), ("svizzera", "ch"), ("zwitserland", "ch"), ("taiwan", "tw"),
    ("thailand", "th"), ("tunisia", "tn"), ("turkey", "tr"), ("turkei", "tr"), ("turquie", "tr"),
    ("turkiye", "tr"), ("ukraine", "ua"), ("ucrania", "ua"), ("united arab emirates", "ae"),
    ("united kingdom", "gb"), ("great britain", "gb"), ("grossbritannien", "gb"), ("vereinigtes konigreich", "gb"),
    ("royaume uni", "gb"), ("reino unido", "gb"), ("regno unito", "gb"), ("verenigd koninkrijk", "gb"),
    ("england", "gb"), ("united states", "us"), ("usa", "us"), ("united states of america", "us"),
    ("vereinigte staaten", "us"), ("etats unis", "us"), ("estados unidos", "us"), ("stati uniti", "us"),
    ("verenigde staten", "us"), ("uruguay", "uy"), ("venezuela", "ve"), ("vietnam", "vn"), ("viet nam", "vn"),
    ("zimbabwe", "zw"), ("日本", "jp"), ("中国", "cn"), ("ドイツ", "de"), ("アメリカ", "us"), ("美国", "us"),
    ("德国", "de"), ("英国", "gb"), ("イギリス", "gb"), ("フランス", "fr"), ("法国", "fr"),
];

const MONTHS: &[&str] = &[
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "januar", "februar", "marz", "mai", "juni", "juli", "oktober", "dezember", "janvier", "fevrier", "mars",
    "avril", "juin", "juillet", "aout", "septembre", "octobre", "novembre", "decembre", "enero", "febrero",
    "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
    "gennaio", "febbraio", "aprile", "maggio", "giugno", "luglio", "settembre", "ottobre", "dicembre",
    "januari", "februari", "maart", "mei", "augustus", "janeiro", "fevereiro", "marco", "maio", "junho",
    "julho", "setembro", "outubro", "dezembro", "styczen", "luty", "marzec", "kwiecien", "maj", "czerwiec",
    "lipiec", "sierpien", "wrzesien", "pazdziernik", "listopad", "grudzien", "1月", "2月", "3月", "12月",
];

const HONORIFICS: &[&str] = &[
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "herr", "frau", "m", "mme", "mlle", "monsieur", "madame",
    "sr", "sra", "srta", "senor", "senora", "sig", "sigra", "signor", "signora", "dhr", "mevr", "heer",
    "mevrouw", "pan", "pani", "hr", "fru", "mister", "mistress", "divers",
];

const SEXES: &[&str] = &[
    "male", "female", "man", "woman", "men", "women", "mannlich", "weiblich", "homme", "femme", "hombre",
    "mujer", "masculino", "femenino", "maschio", "femmina", "uomo", "donna", "vrouw", "man", "mezczyzna",
    "kobieta", "kvinna", "masculin", "feminin", "other", "divers", "男性", "女性", "男", "女",
];

const US_STATES: &str = "al ak az ar ca co ct de dc fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv nh nj nm ny nc nd oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy pr on qc bc ab mb sk ns nb nl pe nsw vic qld tas act";
const STATE_NAMES: &[&str] = &[
    "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut", "delaware", "florida",
    "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas", "kentucky", "louisiana", "maine", "maryland",
    "massachusetts", "michigan", "minnesota", "mississippi", "missouri", "montana", "nebraska", "nevada",
    "new hampshire", "new jersey", "new mexico", "new york", "north carolina", "north dakota", "ohio",
    "oklahoma", "oregon", "pennsylvania", "rhode island", "south carolina", "south dakota", "tennessee", "texas",
    "utah", "vermont", "virginia", "washington", "west virginia", "wisconsin", "wyoming", "ontario", "quebec",
    "british columbia", "alberta", "manitoba", "saskatchewan", "nova scotia", "new south wales", "victoria",
    "queensland", "tasmania", "bayern", "berlin", "hamburg", "hessen", "sachsen", "niedersachsen", "brandenburg",
    "thuringen", "bremen", "saarland", "madrid", "barcelona", "valencia", "sevilla", "milano", "roma", "torino",
    "napoli", "alicante", "malaga", "tokyo", "osaka", "hokkaido", "kyoto", "北海道", "東京都", "大阪府", "神奈川県",
];

/// Folded, trimmed option text with punctuation reduced to single spaces.
fn key(s: &str) -> String {
    let f = fold(s);
    let mut out = String::new();
    for c in f.chars() {
        if c.is_alphanumeric() || c == '+' {
            out.push(c);
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out.trim().to_string()
}

/// The tables above as hash lookups, built once (a 300-option select is checked against them
/// option by option).
struct Lookup {
    names: std::collections::HashMap<&'static str, &'static str>,
    iso: std::collections::HashSet<&'static str>,
    us_states: std::collections::HashSet<&'static str>,
    state_names: std::collections::HashSet<&'static str>,
}

fn lookup() -> &'static Lookup {
    static LOOKUP: std::sync::OnceLock<Lookup> = std::sync::OnceLock::new();
    LOOKUP.get_or_init(|| {
        let mut names = std::collections::HashMap::new();
        for (n, c) in COUNTRY_NAMES {
            names.entry(*n).or_insert(*c); // the first entry of a name wins, as a linear scan's would
        }
        Lookup {
            names,
            iso: ISO2.split(' ').collect(),
            us_states: US_STATES.split(' ').collect(),
            state_names: STATE_NAMES.iter().copied().collect(),
        }
    })
}

/// The ISO code a folded country name or code stands for.
pub fn country_code(s: &str) -> Option<&'static str> {
    let k = key(s);
    if k.len() == 2 {
        return lookup().iso.get(k.as_str()).map(|c| if *c == "uk" { "gb" } else { *c });
    }
    lookup().names.get(k.as_str()).copied()
}

/// Is `t` (a [`key`]) a country name, or a country name followed by more words (`france metropolitaine`)?
fn starts_with_country_name(t: &str) -> bool {
    let names = &lookup().names;
    names.contains_key(t) || t.match_indices(' ').any(|(i, _)| names.contains_key(&t[..i]))
}

fn is_placeholder(o: &SelectOption) -> bool {
    let v = o.value.trim();
    v.is_empty() || v == "-1" || v == "0" && !o.text.trim().chars().any(|c| c.is_ascii_digit())
}

/// Classifies a select's options; `None` when they are nothing we know.
pub fn classify_options(options: &[SelectOption]) -> Option<OptionKind> {
    let real: Vec<&SelectOption> = options.iter().filter(|o| !is_placeholder(o) || !o.text.trim().is_empty()).collect();
    // "+1", "CA +1": a phone code list even with one or two entries.
    let plus = |s: &str| s.trim().split(' ').any(|w| w.starts_with('+') && w.len() > 1 && w[1..].chars().all(|c| c.is_ascii_digit() || c == '-'));
    if !real.is_empty() && real.iter().all(|o| plus(&o.text) || plus(&o.value)) {
        return Some(OptionKind::PhoneCode);
    }
    if real.len() < 2 {
        return None;
    }
    let n = real.len() as f32;
    let share = |f: &dyn Fn(&SelectOption) -> bool| real.iter().filter(|o| f(o)).count() as f32 / n;

    let texts: Vec<String> = real.iter().map(|o| key(&o.text)).collect();
    let values: Vec<String> = real.iter().map(|o| key(&o.value)).collect();
    let count = |f: &dyn Fn(&str, &str) -> bool| texts.iter().zip(&values).filter(|(t, v)| f(t, v)).count();
    let frac = |c: usize| c as f32 / n;

    let phone = count(&|t, v| {
        let has = |s: &str| s.contains('+') && s.chars().any(|c| c.is_ascii_digit());
        has(t) || has(v)
    });
    if frac(phone) >= 0.4 && real.len() >= 3 {
        return Some(OptionKind::PhoneCode);
    }
    if real.len() >= 8 {
        let countries = count(&|t, v| {
            starts_with_country_name(t)
                || (v.len() == 2 && country_code(v).is_some() && !t.chars().all(|c| c.is_ascii_digit()))
                || (t.len() == 2 && country_code(t).is_some())
        });
        let states = count(&|t, v| {
            lookup().state_names.contains(t)
                || (v.len() == 2 && lookup().us_states.contains(v) && t.len() > 2)
                || (t.len() <= 3 && lookup().us_states.contains(t))
        });
        if states as f32 >= 0.5 * n && states >= 8 && states >= countries / 2 {
            return Some(OptionKind::State);
        }
        if countries >= 5 && frac(countries) >= 0.3 {
            return Some(OptionKind::Country);
        }
    }
    let month = count(&|t, _| {
        let first = t.split(' ').find(|w| w.parse::<u32>().is_err()).unwrap_or("");
        MONTHS.contains(&t) || MONTHS.contains(&first) || t.ends_with('月')
    });
    let numbers: Vec<u32> = texts.iter().filter_map(|t| t.split(' ').next().and_then(|w| w.parse::<u32>().ok())).collect();
    if month >= 6 {
        return Some(OptionKind::Month);
    }
    if numbers.len() as f32 >= 0.7 * n {
        let (min, max) = (*numbers.iter().min().unwrap_or(&0), *numbers.iter().max().unwrap_or(&0));
        if min >= 1900 && max <= 2100 {
            return Some(if min >= 2015 && max > 2024 { OptionKind::FutureYear } else { OptionKind::PastYear });
        }
        if (20..=60).contains(&min) && max <= 60 && numbers.len() >= 5 && max - min < 30 && min >= 20 && numbers.len() < 28 {
            return Some(OptionKind::FutureYear); // two-digit expiry years 24..40
        }
        if min <= 1 && (12..=13).contains(&max) && numbers.len() <= 13 {
            return Some(OptionKind::Month);
        }
        if min <= 1 && (28..=31).contains(&max) {
            return Some(OptionKind::Day);
        }
    }
    let cards = ["visa", "mastercard", "master card", "american express", "amex", "discover", "diners", "jcb", "maestro", "carte bleue", "cb"];
    if share(&|o| cards.iter().any(|c| key(&o.text).contains(c) || key(&o.value).contains(c))) >= 0.5 {
        return Some(OptionKind::CardType);
    }
    let hon = count(&|t, v| HONORIFICS.contains(&t) || HONORIFICS.contains(&v) && t.split(' ').count() <= 2);
    if hon >= 2 && frac(hon) >= 0.5 {
        return Some(OptionKind::Honorific);
    }
    let sex = count(&|t, _| SEXES.contains(&t));
    if sex >= 2 && frac(sex) >= 0.5 {
        return Some(OptionKind::Sex);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(list: &[(&str, &str)]) -> Vec<SelectOption> {
        list.iter().map(|(v, t)| SelectOption { value: v.to_string(), text: t.to_string() }).collect()
    }

    #[test]
    fn recognises_lists() {
        let countries = opts(&[("", "Bitte wählen"), ("DE", "Deutschland"), ("AT", "Österreich"), ("CH", "Schweiz"),
            ("FR", "Frankreich"), ("IT", "Italien"), ("NL", "Niederlande"), ("BE", "Belgien"), ("PL", "Polen")]);
        assert_eq!(classify_options(&countries), Some(OptionKind::Country));
        let months: Vec<(String, String)> = (1..=12).map(|m| (format!("{m:02}"), format!("{m:02}"))).collect();
        let months: Vec<SelectOption> = months.iter().map(|(v, t)| SelectOption { value: v.clone(), text: t.clone() }).collect();
        assert_eq!(classify_options(&months), Some(OptionKind::Month));
        let years: Vec<SelectOption> = (2026..2040).map(|y| SelectOption { value: y.to_string(), text: y.to_string() }).collect();
        assert_eq!(classify_options(&years), Some(OptionKind::FutureYear));
        let born: Vec<SelectOption> = (1930..2010).map(|y| SelectOption { value: y.to_string(), text: y.to_string() }).collect();
        assert_eq!(classify_options(&born), Some(OptionKind::PastYear));
        assert_eq!(classify_options(&opts(&[("", "Anrede"), ("herr", "Herr"), ("frau", "Frau")])), Some(OptionKind::Honorific));
        assert_eq!(classify_options(&opts(&[("+49", "+49"), ("+43", "+43"), ("+41", "+41")])), Some(OptionKind::PhoneCode));
        let states = opts(&[("AL", "Alabama"), ("AK", "Alaska"), ("AZ", "Arizona"), ("CA", "California"), ("CO", "Colorado"),
            ("NY", "New York"), ("TX", "Texas"), ("WA", "Washington"), ("OR", "Oregon")]);
        assert_eq!(classify_options(&states), Some(OptionKind::State));
        assert_eq!(classify_options(&opts(&[("s", "Small"), ("m", "Medium"), ("l", "Large")])), None);
    }

    #[test]
    fn country_codes() {
        assert_eq!(country_code("Deutschland"), Some("de"));
        assert_eq!(country_code("UK"), Some("gb"));
        assert_eq!(country_code("Narnia"), None);
    }
}
