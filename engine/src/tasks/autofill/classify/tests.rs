//! The classifier's tests, on invented forms.

use super::*;
use crate::tasks::autofill::descriptor::SelectOption;

fn field(label: &str, name: &str) -> FieldDescriptor {
    FieldDescriptor { tag: "input".into(), kind: "text".into(), label: label.into(), name: name.into(), ..Default::default() }
}

/// The rule passes alone (the learned layer is tested in `learned.rs`).
fn run(mut fields: Vec<FieldDescriptor>) -> Vec<String> {
    for (i, f) in fields.iter_mut().enumerate() {
        f.index = i;
        f.position = i;
    }
    classify_rules(&fields).into_iter().map(|p| p.token).collect()
}

/// The full classifier: rules plus the shipped learned layer.
fn run_full(mut fields: Vec<FieldDescriptor>) -> Vec<String> {
    for (i, f) in fields.iter_mut().enumerate() {
        f.index = i;
        f.position = i;
    }
    classify(&fields).into_iter().map(|p| p.token).collect()
}

/// Small checkout forms in several languages keep their obvious tokens once the learned
/// layer has had its say, and a password box stays a password.
#[test]
fn the_full_classifier_keeps_obvious_forms_right() {
    let forms: [(&[(&str, &str)], &[&str]); 4] = [
        (
            &[("First name", "fname"), ("Last name", "lname"), ("Email", "email"), ("ZIP code", "zip"), ("City", "city")],
            &["given-name", "family-name", "email", "postal-code", "address-level2"],
        ),
        (
            &[("Vorname", "vorname"), ("Nachname", "nachname"), ("E-Mail-Adresse", "mail"), ("Postleitzahl", "plz"), ("Ort", "ort")],
            &["given-name", "family-name", "email", "postal-code", "address-level2"],
        ),
        (
            &[("Prénom", "prenom"), ("Nom", "nom"), ("Adresse e-mail", "courriel"), ("Code postal", "cp"), ("Ville", "ville")],
            &["given-name", "family-name", "email", "postal-code", "address-level2"],
        ),
        (
            &[("Nombre", "nombre"), ("Apellidos", "apellidos"), ("Correo electrónico", "correo"), ("Código postal", "cp"), ("Ciudad", "ciudad")],
            &["given-name", "family-name", "email", "postal-code", "address-level2"],
        ),
    ];
    for (fields, want) in forms {
        let got = run_full(fields.iter().map(|(l, n)| field(l, n)).collect());
        assert_eq!(got, want.to_vec(), "{fields:?}");
    }
    let pw = FieldDescriptor { kind: "password".into(), ..field("Password", "pw") };
    assert_eq!(run_full(vec![field("Email", "email"), pw]), ["email", "password"]);
}

/// Address forms whose ids say nothing: the labels alone, in Dutch, Portuguese, Polish,
/// Swedish, Italian, Chinese and Japanese.
#[test]
fn address_forms_in_seven_more_languages_by_their_labels() {
    let forms: [(&[&str], &[&str]); 7] = [
        (&["Voornaam", "Achternaam", "Straatnaam", "Huisnummer", "Postcode", "Woonplaats", "Telefoonnummer"],
         &["given-name", "family-name", "address-streetname", "address-housenumber", "postal-code", "address-level2", "tel"]),
        (&["Nome", "Apelido", "Morada", "Código postal", "Localidade", "Telemóvel", "E-mail"],
         &["given-name", "family-name", "street-address", "postal-code", "address-level2", "tel", "email"]),
        (&["Imię", "Nazwisko", "Ulica", "Numer domu", "Kod pocztowy", "Miejscowość", "Numer telefonu"],
         &["given-name", "family-name", "address-streetname", "address-housenumber", "postal-code", "address-level2", "tel"]),
        (&["Förnamn", "Efternamn", "Gatuadress", "Postnummer", "Ort", "Mobilnummer", "E-postadress"],
         &["given-name", "family-name", "street-address", "postal-code", "address-level2", "tel", "email"]),
        (&["Nome", "Cognome", "Indirizzo", "CAP", "Città", "Provincia", "Cellulare"],
         &["given-name", "family-name", "street-address", "postal-code", "address-level2", "address-level1", "tel"]),
        (&["收货人", "手机号码", "省份", "城市", "详细地址", "邮政编码"],
         &["name", "tel", "address-level1", "address-level2", "street-address", "postal-code"]),
        (&["姓", "名", "郵便番号", "都道府県", "市区町村", "番地", "電話番号"],
         &["family-name", "given-name", "postal-code", "address-level1", "address-level2", "street-address", "tel"]),
    ];
    for (labels, want) in forms {
        // Names without digits: a trailing number reads as an address line.
        let got = run_full(labels.iter().zip('a'..).map(|(l, c)| field(l, &c.to_string())).collect());
        assert_eq!(got, want.to_vec(), "{labels:?}");
    }
}

/// One field, its label alone, in the languages the classifier is built for (en, de, fr, es,
/// it, nl, pt, pl, sv, ja, zh): the rules and the full classifier both name it.
#[test]
fn single_labels_in_eleven_languages() {
    let cases: &[(&str, &str)] = &[
        ("Bundesland", "address-level1"), ("Kanton", "address-level1"), ("Provincia", "address-level1"),
        ("Comunidad autónoma", "address-level1"), ("Estado", "address-level1"), ("UF", "address-level1"), ("Bairro", "address-level3"),
        ("Województwo", "address-level1"), ("Län", "address-level1"), ("Provincie", "address-level1"),
        ("Région", "address-level1"), ("Département", "address-level1"), ("Regione", "address-level1"),
        ("省", "address-level1"), ("市", "address-level2"), ("都道府県", "address-level1"), ("CEP", "postal-code"),
        ("Postleitzahl", "postal-code"), ("NPA", "postal-code"), ("Kod pocztowy", "postal-code"),
        ("Postnummer", "postal-code"), ("Codice postale", "postal-code"), ("Cidade", "address-level2"),
        ("Miasto", "address-level2"), ("Stad", "address-level2"), ("Plaats", "address-level2"),
        ("Postort", "address-level2"), ("Gemeinde", "address-level2"), ("Comune", "address-level2"),
        ("Localité", "address-level2"), ("城市", "address-level2"), ("Land", "country"), ("País", "country"),
        ("Pays", "country"), ("Paese", "country"), ("国家", "country"), ("国", "country"), ("Telefon", "tel"),
        ("Téléphone", "tel"), ("Telefone", "tel"), ("Telefono", "tel"), ("Telefoon", "tel"),
        ("Handynummer", "tel"), ("Celular", "tel"), ("Numer telefonu", "tel"), ("Telefonnummer", "tel"),
        ("电话", "tel"), ("手机", "tel"), ("電話番号", "tel"), ("携帯電話", "tel"), ("E-Mail", "email"),
        ("Courriel", "email"), ("Correo", "email"), ("E-mailadres", "email"), ("Adres e-mail", "email"),
        ("E-post", "email"), ("邮箱", "email"), ("电子邮件", "email"), ("メールアドレス", "email"), ("Firma", "organization"),
        ("Empresa", "organization"), ("Société", "organization"), ("Bedrijfsnaam", "organization"),
        ("Nazwa firmy", "organization"), ("Företag", "organization"), ("公司名称", "organization"),
        ("会社名", "organization"), ("Hausnummer", "address-housenumber"), ("Hausnr.", "address-housenumber"),
        ("Número", "address-housenumber"), ("Numéro", "address-housenumber"),
        ("Numero civico", "address-housenumber"), ("Nr domu", "address-housenumber"),
        ("Huisnummer", "address-housenumber"), ("Wohnung", "apartment"), ("Appartement", "apartment"),
        ("Departamento", "apartment"), ("Nr lokalu", "apartment"), ("Apartamento", "apartment"),
        ("Geburtsdatum", "bday"), ("Date de naissance", "bday"), ("Fecha de nacimiento", "bday"),
        ("Data di nascita", "bday"), ("Geboortedatum", "bday"), ("Data urodzenia", "bday"),
        ("Födelsedatum", "bday"), ("生年月日", "bday"), ("出生日期", "bday"), ("Data de nascimento", "bday"), ("Geschlecht", "sex"),
        ("Sexe", "sex"), ("Sexo", "sex"), ("Płeć", "sex"), ("Kön", "sex"), ("性别", "sex"), ("性別", "sex"),
        ("Geslacht", "sex"), ("Kartennummer", "cc-number"), ("Numéro de carte", "cc-number"),
        ("Número de tarjeta", "cc-number"), ("Numero carta", "cc-number"), ("Kaartnummer", "cc-number"),
        ("Numer karty", "cc-number"), ("Kortnummer", "cc-number"), ("卡号", "cc-number"), ("カード番号", "cc-number"),
        ("Número do cartão", "cc-number"), ("Karteninhaber", "cc-name"), ("Titulaire de la carte", "cc-name"),
        ("Titular de la tarjeta", "cc-name"), ("Intestatario della carta", "cc-name"),
        ("Kaarthouder", "cc-name"), ("Właściciel karty", "cc-name"), ("Kortinnehavare", "cc-name"),
        ("Nome no cartão", "cc-name"), ("Prüfnummer", "cc-csc"), ("Cryptogramme", "cc-csc"),
        ("Código de seguridad", "cc-csc"), ("Codice di sicurezza", "cc-csc"), ("Kod CVC", "cc-csc"),
        ("Säkerhetskod", "cc-csc"), ("安全码", "cc-csc"), ("セキュリティコード", "cc-csc"), ("Gültig bis", "cc-exp"),
        ("Date d'expiration", "cc-exp"), ("Fecha de caducidad", "cc-exp"), ("Data di scadenza", "cc-exp"),
        ("Vervaldatum", "cc-exp"), ("Data ważności", "cc-exp"), ("Giltig till", "cc-exp"), ("有效期", "cc-exp"),
        ("有効期限", "cc-exp"), ("Validade", "cc-exp"), ("Website", "url"), ("Site web", "url"),
        ("Sitio web", "url"), ("Strona internetowa", "url"), ("Webbplats", "url"), ("网址", "url"),
        ("Vorname", "given-name"), ("Prénom", "given-name"), ("Primeiro nome", "given-name"),
        ("Imię", "given-name"), ("Förnamn", "given-name"), ("Voornaam", "given-name"), ("名字", "given-name"),
        ("Nachname", "family-name"), ("Nom de famille", "family-name"), ("Apellidos", "family-name"),
        ("Sobrenome", "family-name"), ("Nazwisko", "family-name"), ("Efternamn", "family-name"),
        ("Achternaam", "family-name"), ("姓氏", "family-name"), ("Vollständiger Name", "name"),
        ("Nom complet", "name"), ("Nombre completo", "name"), ("Nome completo", "name"),
        ("Imię i nazwisko", "name"), ("Fullständigt namn", "name"), ("Volledige naam", "name"), ("姓名", "name"),
        ("氏名", "name"), ("Straße", "street-address"), ("Rue", "street-address"), ("Calle", "street-address"),
        ("Via", "street-address"), ("Straat", "street-address"), ("Ulica", "street-address"),
        ("Rua", "street-address"), ("Endereço", "street-address"), ("Adres", "street-address"),
        ("Adress", "street-address"), ("地址", "street-address"), ("住所", "street-address"),
        ("详细地址", "street-address"),
    ];
    let misses: Vec<String> = cases
        .iter()
        .filter_map(|(label, want)| {
            let f = vec![field(label, "x")];
            let (rules, full) = (run(f.clone()), run_full(f));
            (rules[0] != *want || full[0] != *want).then(|| format!("{label:?}: want {want}, rules {}, full {}", rules[0], full[0]))
        })
        .collect();
    assert!(misses.is_empty(), "{} of {} labels missed:\n{}", misses.len(), cases.len(), misses.join("\n"));
}

/// Whole checkout forms as sites in ten languages write them (labels only, ids that say
/// nothing): house-number layouts, kana readings, Brazilian and Spanish ids, Chinese regions.
#[test]
fn checkout_forms_as_sites_in_ten_languages_write_them() {
    let forms: &[&[(&str, &str)]] = &[
        &[("Imię", "given-name"), ("Nazwisko", "family-name"), ("Ulica i numer", "street-address"), ("Kod pocztowy", "postal-code"), ("Miasto", "address-level2"), ("Telefon", "tel"), ("E-mail", "email")],
        &[("Förnamn", "given-name"), ("Efternamn", "family-name"), ("Adress", "address-line1"), ("C/O", "address-line2"), ("Postnummer", "postal-code"), ("Ort", "address-level2"), ("Mobilnummer", "tel")],
        &[("Voornaam", "given-name"), ("Tussenvoegsel", "additional-name"), ("Achternaam", "family-name"), ("Postcode", "postal-code"), ("Huisnummer", "address-housenumber"), ("Toevoeging", "address-extra-housesuffix"), ("Straat", "address-streetname"), ("Plaats", "address-level2")],
        &[("Nome completo", "name"), ("CPF", "id-number"), ("CEP", "postal-code"), ("Endereço", "address-streetname"), ("Número", "address-housenumber"), ("Complemento", "address-extra"), ("Bairro", "address-level3"), ("Cidade", "address-level2"), ("Estado", "address-level1"), ("Celular", "tel")],
        &[("姓", "family-name"), ("名", "given-name"), ("セイ", "phonetic-family-name"), ("メイ", "phonetic-given-name"), ("郵便番号", "postal-code"), ("都道府県", "address-level1"), ("市区町村", "address-level2"), ("番地", "street-address"), ("電話番号", "tel")],
        &[("收货人", "name"), ("手机号码", "tel"), ("所在地区", "address-level1"), ("详细地址", "street-address"), ("邮政编码", "postal-code")],
        &[("Nome", "given-name"), ("Cognome", "family-name"), ("Indirizzo", "address-streetname"), ("Numero civico", "address-housenumber"), ("CAP", "postal-code"), ("Città", "address-level2"), ("Provincia", "address-level1"), ("Telefono", "tel"), ("Codice fiscale", "id-number")],
        &[("Nombre", "given-name"), ("Apellidos", "family-name"), ("DNI/NIE", "id-number"), ("Dirección", "address-line1"), ("Piso, puerta...", "address-line2"), ("Código postal", "postal-code"), ("Población", "address-level2"), ("Provincia", "address-level1"), ("Teléfono", "tel")],
        &[("Civilité", "honorific-prefix"), ("Prénom", "given-name"), ("Nom", "family-name"), ("Adresse", "address-line1"), ("Complément d'adresse", "address-extra"), ("Code postal", "postal-code"), ("Ville", "address-level2"), ("Pays", "country"), ("Téléphone portable", "tel")],
        &[("Anrede", "honorific-prefix"), ("Vorname", "given-name"), ("Nachname", "family-name"), ("Firma", "organization"), ("Straße", "address-streetname"), ("Hausnr.", "address-housenumber"), ("Adresszusatz", "address-extra"), ("PLZ", "postal-code"), ("Ort", "address-level2"), ("Land", "country"), ("Telefon", "tel"), ("Geburtsdatum", "bday")],
        &[("Full name", "name"), ("Company (optional)", "organization"), ("Street address", "address-line1"), ("Apartment, suite, etc.", "apartment"), ("City", "address-level2"), ("State", "address-level1"), ("ZIP code", "postal-code"), ("Phone", "tel")],
    ];
    for form in forms {
        let got = run_full(form.iter().zip('a'..).map(|((l, _), c)| field(l, &c.to_string())).collect());
        let want: Vec<&str> = form.iter().map(|(_, t)| *t).collect();
        assert_eq!(got, want, "{form:?}");
    }
}

/// Forms with no labels at all, only the field names common shop platforms give them
/// (WooCommerce, Magento's zero-based `street[n]`, Shopify), card and birthday parts.
#[test]
fn forms_named_only_by_their_identifiers() {
    let forms: &[&[(&str, &str)]] = &[
        &[("billing_first_name", "given-name"), ("billing_last_name", "family-name"), ("billing_company", "organization"), ("billing_country", "country"), ("billing_address_1", "address-line1"), ("billing_address_2", "address-line2"), ("billing_city", "address-level2"), ("billing_state", "address-level1"), ("billing_postcode", "postal-code"), ("billing_phone", "tel"), ("billing_email", "email")],
        &[("firstname", "given-name"), ("lastname", "family-name"), ("street[0]", "address-line1"), ("street[1]", "address-line2"), ("city", "address-level2"), ("region_id", "address-level1"), ("postcode", "postal-code"), ("country_id", "country"), ("telephone", "tel")],
        &[("checkout[shipping_address][first_name]", "given-name"), ("checkout[shipping_address][last_name]", "family-name"), ("checkout[shipping_address][address1]", "address-line1"), ("checkout[shipping_address][address2]", "address-line2"), ("checkout[shipping_address][city]", "address-level2"), ("checkout[shipping_address][zip]", "postal-code"), ("checkout[shipping_address][phone]", "tel")],
        &[("cardnumber", "cc-number"), ("exp-date", "cc-exp"), ("cvc", "cc-csc"), ("name_on_card", "cc-name")],
        &[("dob_day", "bday-day"), ("dob_month", "bday-month"), ("dob_year", "bday-year")],
        &[("user_email", "email"), ("user_phone", "tel"), ("user_website", "url")],
    ];
    for form in forms {
        let fields = form
            .iter()
            .map(|(n, _)| FieldDescriptor { max_length: n.starts_with("dob").then_some(4), ..field("", n) })
            .collect();
        let want: Vec<&str> = form.iter().map(|(_, t)| *t).collect();
        assert_eq!(run_full(fields), want, "{form:?}");
    }
}

/// Everyday forms: placeholders only, a US number in three boxes, a country-code list before
/// the number, a state list, bare email/tel types, and newsletter, login and contact forms
/// whose other boxes are nobody's profile.
#[test]
fn everyday_forms_by_placeholder_type_and_shape() {
    fn ph(p: &str, name: &str) -> FieldDescriptor {
        FieldDescriptor { placeholder: p.into(), ..field("", name) }
    }
    fn show(label: &str, fields: Vec<FieldDescriptor>, want: &[&str]) {
        assert_eq!(run_full(fields), want.to_vec(), "{label}");
    }
    show("placeholders en", vec![ph("First name", "a"), ph("Last name", "b"), ph("Email address", "c"), ph("Phone number", "d"), ph("Address", "e"), ph("City", "f"), ph("Postcode", "g")], &["given-name", "family-name", "email", "tel", "street-address", "address-level2", "postal-code"]);
    show("placeholders de", vec![ph("Vorname", "a"), ph("Nachname", "b"), ph("Straße und Hausnummer", "c"), ph("PLZ", "d"), ph("Stadt", "e")], &["given-name", "family-name", "street-address", "postal-code", "address-level2"]);
    show("us phone 3 boxes", vec![FieldDescriptor { max_length: Some(3), ..ph("", "phone_area") }, FieldDescriptor { max_length: Some(3), ..ph("", "phone_prefix") }, FieldDescriptor { max_length: Some(4), ..ph("", "phone_suffix") }], &["tel-area-code", "tel-local-prefix", "tel-local-suffix"]);
    show("tel with country code select", vec![FieldDescriptor { tag: "select".into(), kind: "select-one".into(), label: "Country code".into(), options: vec![SelectOption { value: "+1".into(), text: "+1 United States".into() }, SelectOption { value: "+44".into(), text: "+44 United Kingdom".into() }], ..Default::default() }, FieldDescriptor { kind: "tel".into(), ..ph("Phone number", "phone") }], &["tel-country-code", "tel-national"]);
    show("state select", vec![FieldDescriptor { tag: "select".into(), kind: "select-one".into(), label: "State".into(), options: vec![SelectOption { value: "AL".into(), text: "Alabama".into() }, SelectOption { value: "AK".into(), text: "Alaska".into() }], ..Default::default() }], &["address-level1"]);
    show("email type only", vec![FieldDescriptor { kind: "email".into(), ..ph("", "x") }], &["email"]);
    show("tel type only", vec![FieldDescriptor { kind: "tel".into(), ..ph("", "x") }], &["tel"]);
    show("newsletter", vec![FieldDescriptor { kind: "email".into(), ..ph("Your email", "EMAIL") }, ph("Search products", "q")], &["email", "none"]);
    show("login", vec![ph("Email or username", "login"), FieldDescriptor { kind: "password".into(), ..ph("Password", "pw") }], &["email", "password"]);
    show("contact", vec![ph("Your name", "your-name"), FieldDescriptor { kind: "email".into(), ..ph("Your email", "your-email") }, ph("Subject", "your-subject"), FieldDescriptor { tag: "textarea".into(), kind: "textarea".into(), ..ph("Your message", "your-message") }], &["name", "email", "none", "none"]);
    show("fr placeholders", vec![ph("Prénom", "a"), ph("Nom", "b"), ph("Adresse", "c"), ph("Code postal", "d"), ph("Ville", "e"), ph("Téléphone", "f")], &["given-name", "family-name", "street-address", "postal-code", "address-level2", "tel"]);
}

#[test]
fn english_checkout() {
    let t = run(vec![
        field("First name", "fname"),
        field("Last name", "lname"),
        field("Address", "address1"),
        field("Address line 2", "address2"),
        field("Apt, suite, etc. (optional)", "apt"),
        field("City", "city"),
        field("ZIP code", "zip"),
        FieldDescriptor { kind: "email".into(), ..field("Email", "email") },
        FieldDescriptor { kind: "tel".into(), ..field("Phone", "phone") },
    ]);
    assert_eq!(t, ["given-name", "family-name", "address-line1", "address-line2", "apartment", "address-level2", "postal-code", "email", "tel"]);
}

#[test]
fn german_form_with_house_number() {
    let t = run(vec![
        field("Vorname", "vorname"),
        field("Nachname", "nachname"),
        field("Straße", "strasse"),
        field("Hausnummer", "hausnr"),
        field("PLZ", "plz"),
        field("Ort", "ort"),
    ]);
    assert_eq!(t, ["given-name", "family-name", "address-streetname", "address-housenumber", "postal-code", "address-level2"]);
}

#[test]
fn french_and_spanish_and_japanese() {
    assert_eq!(run(vec![field("Prénom", "x1"), field("Nom", "x2"), field("Code postal", "x3"), field("Ville", "x4")]),
        ["given-name", "family-name", "postal-code", "address-level2"]);
    assert_eq!(run(vec![field("Nombre", "a"), field("Apellidos", "b"), field("Teléfono", "c")]),
        ["given-name", "family-name", "tel"]);
    assert_eq!(run(vec![field("郵便番号", "zip"), field("メールアドレス", "m")]), ["postal-code", "email"]);
    assert_eq!(run(vec![field("Cognome", "a"), field("Indirizzo", "b"), field("Città", "c"), field("CAP", "d")]),
        ["family-name", "street-address", "address-level2", "postal-code"]);
}

#[test]
fn payment_with_expiry_selects() {
    let months: Vec<SelectOption> = (1..=12).map(|m| SelectOption { value: m.to_string(), text: format!("{m:02}") }).collect();
    let years: Vec<SelectOption> = (2026..2036).map(|y| SelectOption { value: y.to_string(), text: y.to_string() }).collect();
    let t = run(vec![
        field("Name on card", "ccname"),
        field("Card number", "ccnum"),
        FieldDescriptor { tag: "select".into(), kind: "select-one".into(), options: months, ..field("Expiration", "exp_m") },
        FieldDescriptor { tag: "select".into(), kind: "select-one".into(), options: years, ..field("", "exp_y") },
        FieldDescriptor { max_length: Some(4), ..field("CVV", "cvv") },
    ]);
    assert_eq!(t, ["cc-name", "cc-number", "cc-exp-month", "cc-exp-year", "cc-csc"]);
}

#[test]
fn autocomplete_attribute_wins_and_junk_is_none() {
    let t = run(vec![
        FieldDescriptor { autocomplete: "shipping postal-code".into(), ..field("Code", "x") },
        field("Search products", "q"),
        field("Coupon code", "coupon"),
        field("", "field_17"),
    ]);
    assert_eq!(t, ["postal-code", "none", "none", "none"]);
}

#[test]
fn a_line_two_labelled_house_number_is_the_house_number() {
    // Dutch: `address1`/`address2` identifiers, but the labels ask for street and number.
    let t = run(vec![
        FieldDescriptor { autocomplete: "address-line1".into(), ..field("Straat", "address1") },
        FieldDescriptor { autocomplete: "address-line2".into(), ..field("Huisnummer", "address2") },
        field("Postcode", "zip"),
    ]);
    assert_eq!(t, ["address-streetname", "address-housenumber", "postal-code"]);
    // Romanian and Spanish house numbers.
    assert_eq!(run(vec![field("Strada", "street-0"), field("Numărul casei", "street-1")]), ["address-streetname", "address-housenumber"]);
    assert_eq!(run(vec![field("Calle", "calle"), field("Nº. Exterior", "ext")]), ["address-streetname", "address-housenumber"]);
}

#[test]
fn combined_street_and_number_is_one_street_field() {
    for label in ["Street and house number", "Straße und Hausnummer", "Rue et numéro", "Ulica i kućni broj", "House Number and Street Name"] {
        assert_eq!(run(vec![field(label, "address1"), field("City", "city")]), ["street-address", "address-level2"], "{label}");
    }
    // …but "Street number" alone is the house number.
    assert_eq!(run(vec![field("Street name", "line1"), field("Street number", "line2")]), ["address-streetname", "address-housenumber"]);
}

#[test]
fn line_one_only_with_a_second_line_or_a_label_saying_so() {
    assert_eq!(run(vec![field("Address", "address1"), field("City", "city")]), ["street-address", "address-level2"]);
    assert_eq!(run(vec![field("Address", "address1"), field("Apt, suite", "apt"), field("City", "city")]), ["address-line1", "apartment", "address-level2"]);
    assert_eq!(run(vec![field("Dirección: Line 1", "street[0]"), field("Ciudad", "city")]), ["address-line1", "address-level2"]);
}

#[test]
fn ids_and_tax_numbers_are_not_house_numbers() {
    let t = run(vec![field("UID-Nr.", "vat"), field("DIČ", "numTax"), field("Número de DNI", "dni"), field("CUI/CIF", "vatRegNo")]);
    assert_eq!(t, ["vat-number", "vat-number", "id-number", "vat-number"]);
}

#[test]
fn landmarks_and_cut_identifiers() {
    assert_eq!(run(vec![field("Ponto de Referência (opcional)", "reference")]), ["reference-point"]);
    assert_eq!(run(vec![field("Nearest landmark", "landmark")]), ["reference-point"]);
    // An 80-character identifier was cut by the collector: its visible label decides.
    let long = format!("app_bundle_checkout_addresses_type[billing_address][{}", "address".repeat(5));
    let long: String = long.chars().take(80).collect();
    assert_eq!(run(vec![field("Société", &long)]), ["organization"]);
}

#[test]
fn card_holder_names_and_flat_numbers() {
    let t = run(vec![field("First name", "cardHolderFirstName"), field("Nom", "cardHolderLastName"), field("Card number", "ccnum")]);
    assert_eq!(t, ["cc-given-name", "cc-family-name", "cc-number"]);
    assert_eq!(run(vec![field("Street", "street"), field("Flat/Building Number", "line2")])[1], "apartment");
    assert_eq!(run(vec![field("Via", "street"), field("Numero interno", "int")])[1], "apartment");
}

#[test]
fn one_field_for_both_names_is_the_full_name_and_login_or_email_is_the_email() {
    assert_eq!(run(vec![field("First Name and Last Name", "fullname")]), ["name"]);
    assert_eq!(run(vec![field("Nome e cognome", "fullname")]), ["name"]);
    assert_eq!(run(vec![field("Navn & Efternavn", "customer_name")]), ["name"]);
    assert_eq!(run(vec![field("Vorname", "fn"), field("Nachname", "ln")]), ["given-name", "family-name"]);
    assert_eq!(run(vec![field("Username or Email", "login")]), ["email"]);
}

#[test]
fn phone_prefix_fields() {
    let t = run(vec![field("Country prefix", "prefix"), FieldDescriptor { kind: "tel".into(), ..field("Telefono", "phone") }]);
    assert_eq!(t, ["tel-country-code", "tel-national"]);
    // Indonesian form: an unlabelled `phone_prefix` box before "Nomor handphone".
    let t = run(vec![field("", "phone_DELIVERY_prefix"), FieldDescriptor { kind: "tel".into(), ..field("Nomor handphone", "phone_DELIVERY") }]);
    assert_eq!(t, ["tel-country-code", "tel-national"]);
}

#[test]
fn country_select_by_options() {
    let opts = ["Deutschland", "Österreich", "Schweiz", "Frankreich", "Italien", "Polen", "Spanien", "Belgien"]
        .iter().map(|c| SelectOption { value: c.to_string(), text: c.to_string() }).collect();
    let t = run(vec![FieldDescriptor { tag: "select".into(), kind: "select-one".into(), options: opts, ..field("", "sel1") }]);
    // Recognised from the names alone; it submits the names, so it takes the country's name.
    assert_eq!(t, ["country-name"]);
}

fn select(label: &str, id: &str, options: &[(&str, &str)]) -> FieldDescriptor {
    let options = options.iter().map(|(v, t)| SelectOption { value: v.to_string(), text: t.to_string() }).collect();
    FieldDescriptor { tag: "select".into(), kind: "select-one".into(), label: label.into(), id: id.into(), options, ..Default::default() }
}

#[test]
fn an_id_alone_is_enough_evidence() {
    let only_id = |id: &str| FieldDescriptor { tag: "input".into(), kind: "text".into(), id: id.into(), ..Default::default() };
    assert_eq!(run(vec![only_id("firstname"), only_id("country")]), ["given-name", "country"]);
    assert_eq!(run(vec![only_id("data-de-nascimento")]), ["bday"]);
    assert_eq!(run(vec![only_id("field_17")]), ["none"]);
}

#[test]
fn more_words_in_more_languages() {
    assert_eq!(run(vec![field("Vor- und Zuname:", "x")]), ["name"]);
    assert_eq!(run(vec![field("Razão Social", "x")]), ["organization"]);
    assert_eq!(run(vec![field("Doğum Tarihi", "x")]), ["bday"]);
    assert_eq!(run(vec![field("Adószám", "x")]), ["vat-number"]);
    assert_eq!(run(vec![field("Son Kullanma Tarihi", "x")]), ["cc-exp"]);
    assert_eq!(run(vec![field("Ім'я одержувача", "a"), field("Прізвище одержувача", "b"), field("По батькові", "c")]),
        ["given-name", "family-name", "additional-name"]);
    assert_eq!(run(vec![field("Voorletters", "initials")]), ["additional-name"]);
    assert_eq!(run(vec![field("Attention", "attn")]), ["name"]);
    assert_eq!(run(vec![field("Boîte", "box")]), ["apartment"]);
}

#[test]
fn a_month_list_is_a_date_part_whatever_its_id_says() {
    let months: Vec<(String, String)> = (1..=12).map(|m| (m.to_string(), format!("Month {m}"))).collect();
    let months: Vec<(&str, &str)> = std::iter::once(("", "Birth Month")).chain(months.iter().map(|(a, b)| (a.as_str(), b.as_str()))).collect();
    let t = run(vec![select("", "usernamereg-month", &months)]);
    assert_eq!(t, ["bday-month"]);
}

#[test]
fn bare_month_and_year_in_a_card_section_are_the_expiry() {
    let part = |label: &str, section: &str| FieldDescriptor { kind: "number".into(), section: section.into(), max_length: Some(4), ..field(label, "") };
    assert_eq!(run(vec![part("Month", "credit-card-verification"), part("Year", "credit-card-verification")]), ["cc-exp-month", "cc-exp-year"]);
    assert_eq!(run(vec![part("Monat", "Kreditkarte"), part("Jahr", "Kreditkarte")]), ["cc-exp-month", "cc-exp-year"]);
}

#[test]
fn phone_country_codes_before_a_number() {
    // "Country code" prose, a one-entry "+1" list, a select naming the phone's country.
    let tel = |label: &str| FieldDescriptor { kind: "tel".into(), ..field(label, "phone") };
    assert_eq!(run(vec![field("Country Code", "areaCode"), tel("Phone")]), ["tel-country-code", "tel-national"]);
    assert_eq!(run(vec![field("Landcode", "x"), tel("Telefoonnummer")]), ["tel-country-code", "tel-national"]);
    assert_eq!(run(vec![select("", "codes", &[("+1", "+1")]), tel("Phone")]), ["tel-country-code", "tel-national"]);
    assert_eq!(run(vec![select("Phone number country", "pc", &[("CA", "Canada"), ("AF", "Afghanistan")]), tel("Phone")])[0], "tel-country-code");
    // …but a country with no phone after it stays the country.
    assert_eq!(run(vec![field("Country Code", "cc"), field("City", "city")])[0], "country");
}

#[test]
fn a_finer_phone_part_in_the_label_beats_a_generic_tel_attribute() {
    let t = run(vec![FieldDescriptor { autocomplete: "tel".into(), ..field("National phone number", "phoneNumber") }]);
    assert_eq!(t, ["tel-national"]);
    let t = run(vec![FieldDescriptor { autocomplete: "tel".into(), ..field("Phone", "phone") }]);
    assert_eq!(t, ["tel"]);
}

#[test]
fn one_box_for_postcode_and_town_and_postcode_searches() {
    assert_eq!(run(vec![field("Postleitzahl oder Stadt", "q")]), ["postal-code-and-city"]);
    assert_eq!(run(vec![field("PLZ/Ort", "zip")]), ["postal-code-and-city"]);
    assert_eq!(run(vec![field("Code postal / Ville", "cp")]), ["postal-code-and-city"]);
    assert_eq!(run(vec![field("Suburb/Postcode", "loc")]), ["postal-code-or-suburb"]);
    assert_eq!(run(vec![field("Search postcode", "pc")]), ["postal-code-lookup"]);
    assert_eq!(run(vec![FieldDescriptor { kind: "search".into(), ..field("Postcode or Suburb", "pc") }]), ["postal-code-lookup"]);
    // Separate boxes stay what they are, and an explicit attribute wins.
    assert_eq!(run(vec![field("PLZ", "zip"), field("Ort", "city")]), ["postal-code", "address-level2"]);
    assert_eq!(run(vec![FieldDescriptor { placeholder: "Zip".into(), ..field("City", "uxZIP") }])[0], "postal-code");
    assert_eq!(run(vec![FieldDescriptor { autocomplete: "postal-code".into(), ..field("Suburb / Postcode", "pc") }]), ["postal-code"]);
}

#[test]
fn kana_readings_of_the_name() {
    let t = run(vec![field("姓", "lname"), field("名", "fname"), field("セイ", "lname_kana"), field("メイ", "fname_kana")]);
    assert_eq!(t, ["family-name", "given-name", "phonetic-family-name", "phonetic-given-name"]);
    assert_eq!(run(vec![field("Furigana (First Name)", "FuriganaName")]), ["phonetic-given-name"]);
}

#[test]
fn login_names_stairs_blocks_and_house_number_suffixes() {
    assert_eq!(run(vec![field("Username", "user")]), ["loginname"]);
    assert_eq!(run(vec![FieldDescriptor { autocomplete: "username".into(), ..field("Username", "user") }]), ["username"]);
    assert_eq!(run(vec![FieldDescriptor { autocomplete: "username".into(), ..field("Username or email", "username") }]), ["username"]);
    assert_eq!(run(vec![field("Escalier", "staircase")]), ["stair"]);
    assert_eq!(run(vec![field("Stiege", "x")]), ["stair"]);
    assert_eq!(run(vec![field("Block number", "BlockNo")]), ["block"]);
    assert_eq!(run(vec![field("Straat", "s"), field("Huisnummer", "n"), field("Toevoeging", "t")]),
        ["address-streetname", "address-housenumber", "address-extra-housesuffix"]);
    assert_eq!(run(vec![field("Straat", "s"), field("Huisnummer en toevoeging", "n")]), ["address-streetname", "address-housenumber"]);
}

#[test]
fn interior_numbers_are_flats_and_street_numbers_are_house_numbers() {
    assert_eq!(run(vec![field("Calle", "street"), field("Número exterior", "ext"), field("No. Interior", "innerNumber")]),
        ["address-streetname", "address-housenumber", "apartment"]);
    assert_eq!(run(vec![field("Calle", "calle"), field("Número de calle", "houseNumber")]), ["address-streetname", "address-housenumber"]);
    assert_eq!(run(vec![field("Street", "street"), field("", "streetno")]), ["address-streetname", "address-housenumber"]);
    assert_eq!(run(vec![field("Login", "login"), FieldDescriptor { nearby: "E-mail*".into(), ..field("", "user_login") }]), ["loginname", "email"]);
}

#[test]
fn a_country_list_choosing_a_currency_is_not_the_country() {
    let opts = [("USD", "Australien (USD $)"), ("EUR", "Belgien (EUR €)"), ("EUR", "Deutschland (EUR €)"), ("EUR", "Frankreich (EUR €)"),
        ("EUR", "Italien (EUR €)"), ("PLN", "Polen (PLN zł)"), ("EUR", "Spanien (EUR €)"), ("CHF", "Schweiz (CHF)")];
    assert_eq!(run(vec![select("", "currency_code", &opts)]), ["none"]);
    assert_eq!(run(vec![select("Land", "country", &opts)]), ["country"]);
    assert_eq!(run(vec![select("Choose country", "language-selection", &opts)]), ["country"]);
    assert_eq!(run(vec![field("Commune", "localisation")]), ["address-level2"]);
    // A company box whose identifiers end in another word ("…[address_society]").
    assert_eq!(run(vec![field("Company", "checkout[billing_address][address_society]")]), ["organization"]);
}

#[test]
fn a_country_list_submitting_names_is_the_country_name() {
    let names = ["Albania", "Andorra", "Austria", "Belgium", "France", "Germany", "Italy", "Spain", "Sweden"];
    let by_name: Vec<(&str, &str)> = names.iter().map(|n| (*n, *n)).collect();
    assert_eq!(run(vec![select("Country", "country", &by_name)]), ["country-name"]);
    let codes = ["AL", "AD", "AT", "BE", "FR", "DE", "IT", "ES", "SE"];
    let by_code: Vec<(&str, &str)> = codes.iter().zip(names.iter()).map(|(c, n)| (*c, *n)).collect();
    assert_eq!(run(vec![select("Land", "country", &by_code)]), ["country"]);
}
