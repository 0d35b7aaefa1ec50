use super::*;
use crate::tasks::context::FactView;

const NONE: &[FactView] = &[];

#[test]
fn key_classes() {
    assert_eq!(sensitivity_of("passport-number"), Sensitivity::Sensitive);
    assert_eq!(sensitivity_of("medication"), Sensitivity::Sensitive);
    assert_eq!(sensitivity_of("home-address"), Sensitivity::Sensitive);
    assert_eq!(sensitivity_of("email"), Sensitivity::Personal);
    assert_eq!(sensitivity_of("organization"), Sensitivity::Public);
    // Contact details are personal, and still never volunteered to a page.
    assert!(is_sensitive_fact("email", "a@b.example", false));
    assert!(is_sensitive_fact("diet", "vegan", true));
    assert!(is_sensitive_fact("library-card", "x", false));
    assert!(!is_sensitive_fact("diet", "vegan", false));
    assert!(
        is_sensitive_token("cc-number")
            && is_sensitive_token("id-number")
            && !is_sensitive_token("email")
    );
}

#[test]
fn health_is_private_in_every_language() {
    for s in [
        "I picked up my new prescription today.",
        "Neues Rezept für die Tabletten abgeholt.",
        "Rendez-vous chez le kiné jeudi, puis prise de sang.",
        "Mañana tengo análisis de sangre a las 8.",
        "Il medico mi ha cambiato il dosaggio.",
        "Morgen moet ik naar het ziekenhuis.",
        "Fui ao hospital com a minha mãe.",
        "Jutro badanie krwi o 7:30.",
        "Hämtade ut min medicin på apoteket.",
        "Jag har astma sedan barndomen.",
    ] {
        assert!(says_health(s) && is_sensitive_text(s, NONE), "{s}");
    }
    for s in [
        "Kaffe med Olle på fredag.",
        "We booked the table for eight.",
        "Nouveau recette de gâteau au chocolat.",
    ] {
        assert!(!says_health(s), "{s}");
    }
}

#[test]
fn money_is_private_with_the_currency_before_or_after() {
    for s in [
        "My salary goes up to £48,000 in April.",
        "Min lön blir 42 500 kr i månaden.",
        "Gehalt: 61.000 € brutto.",
        "Ho risparmiato 3.000 euro quest'anno.",
        "We have $12k in savings.",
    ] {
        assert!(says_finances(s) && is_sensitive_text(s, NONE), "{s}");
    }
    // An amount alone is a price, not the user's finances.
    for s in [
        "Tickets were 45 kr each.",
        "The cinema costs €9 on Tuesdays.",
        "My salary review is in May.",
    ] {
        assert!(!says_finances(s), "{s}");
    }
    assert_eq!(amounts("Kaution 1.500 € und 30 EUR Gebühr").count(), 2);
}

#[test]
fn sensitive_values_are_redacted_and_health_withheld_whole() {
    let facts = vec![
        FactView::new("passport-number", "X7781234", false),
        FactView::new("medication", "salbutamol", true),
        FactView::new("organization", "Ostpark Klinikum", false),
    ];
    assert_eq!(
        redacted("Passport X7781234 renewed", &facts).as_deref(),
        Some("Passport [private] renewed")
    );
    assert_eq!(redacted("Took salbutamol before the run", &facts), None);
    // Where the user works is no health disclosure.
    assert!(!is_sensitive_reply(
        "She works at Ostpark Klinikum.",
        &facts
    ));
    assert!(is_sensitive_reply(
        "She was at the Klinik for tests.",
        &facts
    ));
    assert!(is_code("QTR-5510-8826") && !is_code("Room 12"));
}
