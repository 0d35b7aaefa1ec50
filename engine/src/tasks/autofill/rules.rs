//! Keyword rules: which words in a field's name, id, label, placeholder or nearby text point to
//! which autofill token, in many languages.
//!
//! Written for SecondSelf after reading the public heuristics of Firefox (`HeuristicsRegExp`) and
//! Chromium (`autofill_regex_constants`) for which words real forms use; no code was copied.
//! Patterns are matched against [`super::text::words`] output (folded, split, space-padded):
//! a leading space anchors a pattern at a word start, a trailing space at a word end.
//! When several rules match one text, the longest pattern wins (`"last name"` beats `" name"`).

use super::token::{Token, NONE};

/// One rule: a token, its strength, and the patterns that evidence it.
pub struct Rule {
    pub token: Token,
    pub strength: f32,
    pub patterns: &'static [&'static str],
}

const fn r(token: Token, strength: f32, patterns: &'static [&'static str]) -> Rule {
    Rule { token, strength, patterns }
}

/// The rule table. Languages: en, de, fr, es, it, nl, pt, pl, sv, da/no, tr, hu, ru, ja, zh.
pub static RULES: &[Rule] = &[
    // ---- things that are NOT profile fields (they compete, and win on search/coupon boxes) ----
    r(NONE, 1.0, &[
        " search", " suche", " suchbegriff", " recherche", " rechercher", " buscar", " busqueda", " cerca ",
        " ricerca", " zoeken", " zoek ", " pesquisa", " szukaj", " sok ", " query", " keyword", " coupon",
        " promo", " voucher", " gutschein", " rabatt", " discount", " code promo", " bon de reduction",
        " cupon", " codice sconto", " kortingscode", " kod rabatowy", " captcha", " comment", " message",
        " nachricht", " kommentar", " mensaje", " messaggio", " bericht", " wiadomosc", " quantity", " qty",
        " menge", " anzahl", " cantidad", " quantita", " aantal", " ilosc", " otp", " one time",
        " verification code", " verify code", " sms code", " confirmation code", " pin ", " gift card",
        " giftcard", " gift message", " subject", " betreff", " sujet", " asunto", " oggetto", " onderwerp",
        " order number", " ordernumber", " order id", " tracking", " bestellnummer", " membership", " member number",
        " loyalty", " kundennummer", " customer number", " account number", " iban", " bic ", " swift",
        " routing", " sort code", " amount", " betrag", " montant", " importe", " price", " preis", " budget",
        " newsletter", " remember", " accept", " agree", " terms", " consent", " birth place", " place of birth",
        " geburtsort", " lieu de naissance", " delivery instructions", " delivery note", " instructions",
        " note ", " notes", " anmerkung", " bemerkung", " remarks", " referral", " how did you hear",
        " question", " answer", " frage", " antwort", " zoekterm", " vat exempt", " reference number",
        " invoice number", " file", " upload", " date from", " date to", " check in", " check out", " arrival",
        " departure", " guests", " adults", " children", " persons", " size", " color", " colour", " flight",
        " hotel", " destination", " from city", " to city", " origin", " q ", " sort", " sorted", " order by",
        " filter", " display", " show ", " currency", " wahrung", " devise", " moneda", " valuta", " language",
        " sprache", " langue", " idioma", " lingua", " taal ", " jezyk", " per page", " results", " category",
        " kategorie", " categorie", " categoria", " school district", " honeypot", " hp ", "検索", "搜索",
    ]),
    // ---- name ----
    r("name", 0.9, &[
        " vor und zuname", " vor und nachname", " attention", " attn ", " ф и о",
        " nama ", " nama lengkap", " nama penerima", " jmeno a prijmeni", " cele jmeno", " име и фамилия", " имя ", " фио", " ονοματεπώνυμο", " الاسم", " الاسم الكامل", " nimi ", " nume complet", " ime i prezime", " teljes nev", 
        " name ", " full name", " fullname", " your name", " contact name", " customer name", " recipient",
        " receiver", " addressee", " ship to name", " billing name", " shipping name", " nombre completo",
        " nom complet", " nome completo", " volledige naam", " vollstandiger name", " imie i nazwisko",
        " namn ", " fullstandigt namn", " navn ", " isim ", " ad soyad", " adsoyad", " nev ", " fio ",
        " fullnavn", "氏名", "お名前", "名前", "姓名", "收货人", "收件人", " naam ", " nome ", " nombre ",
        " nom ", " name surname", " first and last name", " first last", " destinatario", " destinataire",
        " empfanger", " ontvanger", " odbiorca",
    ]),
    r("given-name", 1.0, &[
        " ім я", " imya",
        " jmeno", " krestni", " etunimi", " prenume", " име ", " имя", " όνομα", " ονομα", " الاسم الأول", " nama depan", " ime ", 
        " first name", " firstname", " first ", " fname", " f name", " given name", " givenname", " forename",
        " vorname", " prenom", " primer nombre", " nombres", " voornaam", " imie ", " fornamn", " fornavn",
        " primeiro nome", " nome proprio", " keresztnev", " utonev", " ad ", " adi ", " given", " name first",
        " first nm", " fn ", " imya", "名 ", "めい", "名（", "名(", "下の名前", "名字",
    ]),
    r("additional-name", 1.0, &[
        " по батькові", " отчество", " voorletters", " initials",
        " middle name", " middlename", " middle initial", " middle ", " mname", " mi ", " zweiter vorname",
        " segundo nombre", " second prenom", " secondo nome", " tussenvoegsel", " drugie imie",
        " additional name", " otchestvo", " patronymic",
    ]),
    r("family-name", 1.0, &[
        " zuname", " прізвище",
        " prijmeni", " sukunimi", " nume ", " фамилия", " επώνυμο", " επωνυμο", " اسم العائلة", " nama belakang", " prezime", " vezeteknev", 
        " last name", " lastname", " last ", " lname", " l name", " surname", " family name", " familyname",
        " nachname", " familienname", " nom de famille", " apellido", " apellidos", " cognome", " achternaam",
        " nazwisko", " efternamn", " etternavn", " efternavn", " sobrenome", " ultimo nome", " vezeteknev",
        " soyad", " soyadi", " familiya", " name last", " last nm", " ln ", "姓 ", "せい", "姓（", "姓(",
        " second surname", " segundo apellido", " apelido", " apelidos", "姓氏",
    ]),
    r("honorific-prefix", 1.0, &[
        " title ", " salutation", " anrede", " civilite", " civility", " prefix", " tratamiento", " titolo ",
        " aanhef", " zwrot", " tilltal", " honorific", " appellation", " forme de politesse", " titel ",
        " saludo", " mr mrs", " mr ms",
    ]),
    r("honorific-suffix", 0.8, &[" suffix", " namenszusatz"]),
    r("nickname", 0.7, &[" nickname", " nick ", " display name", " spitzname", " pseudo "]),
    // ---- organisation ----
    r("organization", 1.0, &[
        " society", " company nm",
        " razao social",
        " perusahaan", " yritys", " компания", " фирма", " εταιρεία", " εταιρία", " الشركة", " ceg ", 
        " company", " company name", " organization name", " organisation name", " business name", " firm name",
        " nazev firmy", " nom de l entreprise", " nom de la societe", " nombre de la empresa", " nome azienda",
        " nome da empresa", " naam bedrijf", " company nm", " companyname", " organization", " organisation", " firma", " firmenname", " unternehmen", " societe",
        " entreprise", " raison sociale", " empresa", " razon social", " azienda", " societa", " ragione sociale",
        " bedrijf", " bedrijfsnaam", " organisatie", " organizacja", " nazwa firmy", " foretag", " foretagsnamn",
        " firmanavn", " business name", " business", " org ", " employer", " arbeitgeber", " institution",
        " school", " university", " sirket", " ceg ", "会社", "公司", "单位", "企業", "法人",
    ]),
    r("organization-title", 1.0, &[
        " job title", " jobtitle", " position", " job ", " berufsbezeichnung", " fonction", " cargo ",
        " functie", " stanowisko", " titel in", " occupation", " beruf", " profession", " role ", " 役職",
        " 职位",
    ]),
    // ---- address ----
    r("street-address", 1.0, &[
        " alamat", " ulice", " osoite", " adresa", " адрес", " улица", " διεύθυνση", " διευθυνση", " οδός", " العنوان", " عنوان", " الشارع", " sokak", " cadde", " katuosoite", 
        " address", " street", " addr", " adres", " anschrift", " strasse", " str ", " adresse", " direccion",
        " domicilio", " calle ", " indirizzo", " via ", " straat", " endereco", " logradouro", " rua ", " ulica",
        " gatuadress", " gatuadresse", " adress", " morada", " cim ", " utca", " adresa", " ulitsa", "住所", "番地", "地址",
        "丁目", "address line", " line 1", " street address", " streetaddress", " mailing address",
        " postal address", " postanschrift", " lieferadresse", " rechnungsadresse", " calle y numero",
        " strasse und hausnummer", " strasse nr", " strasse hausnummer", " address 1", " addr 1", " street 1",
        " adresse 1", " direccion 1", " indirizzo 1", " adres 1", " line1", " address1", " rue ",
    ]),
    r("address-line2", 1.2, &[
        " address 2", " addr 2", " line 2", " address line 2", " street 2", " adresse 2", " direccion 2",
        " indirizzo 2", " adres 2", " endereco 2", " address2", " line2", " c o ", " care of", " additional address", " address additional",
        " address supplement", " adressezusatz", " piso puerta", " lagenhet", " co adress",
        " address details", " appartement etage", " batiment", " interior", " ext line",
    ]),
    r("address-extra", 1.3, &[
        " adresszusatz", " zusatz", " complement", " complemento", " complement d adresse", " address addition",
        " additional info", " additional information", " lisatieto", " osoitteen lisatieto",
        " informazioni aggiuntive", " informacion adicional", " info supplementaire", " dodatkowe informacje",
    ]),
    r("address-line3", 1.3, &[" address 3", " addr 3", " line 3", " street 3", " adresse 3", " address3", " line3"]),
    r("apartment", 1.3, &[
        " no interior", " numero interior", " num interior", " nro interior", " inner number", " innernumber", " room no", " room number", " numero de departamento",
        " boite ", " boite aux lettres",
        " apartment", " apt", " suite", " unit ", " unit number", " wohnung", " zimmer", " apt ", " flat ", " wohnung", " appartement", " departamento", " apto", " dpto",
        " appartamento", " interno ", " numer lokalu", " nr lokalu", " mieszkanie", " lokal ",
        " apartment number", " apt no", " door ", " tur ", " puerta", " porta ", " unit number",
        " квартира", " кв ", " stan ", " lakas", " byt ", " apartamento",
    ]),
    r("floor", 1.0, &[" floor", " etage", " stockwerk", " piso ", " planta", " piano ", " pietro", " verdieping", " andar", " pietro "]),
    r("building", 1.0, &[" building", " gebaude", " batiment", " edificio", " bldg", " gebouw"]),
    r("block", 1.1, &[" block ", " block number", " block no", " bloque", " blok ", " blokk", " номер на блок", " блок "]),
    r("stair", 1.2, &[" stair", " stairs", " staircase", " stiege", " escalier", " escalera", " scala ", " lepcsohaz", " trappenhuis", " вход "]),
    r("address-extra-housesuffix", 1.4, &[
        " house number addition", " housenumber addition", " house number suffix", " housenumber suffix", " huisnummer toevoeging",
        " huisnummertoevoeging", " toevoeging", " toev ", " hausnummerzusatz", " house number add", " number addition",
    ]),
    r("address-housenumber", 1.1, &[
        " numero de calle", " number of the street", " streetno", " streetnr", " street nr", " numero de la calle",
        " huisnummer en toevoeging", " huisnummer toev", " house number and addition",
        " house number", " housenumber", " house no", " house nr", " hausnummer", " hausnr", " haus nr", " nr ",
        " no ", " numero ", " huisnummer", " huisnr", " nummer", " numer domu", " nr domu",
        " street number", " streetnumber", " street no", " numero civico", " civico", " num ", " n ",
        " numero exterior", " num exterior", " husnummer", " hazszam", " house ", " building number",
        " numero de rue", " no de rue", " numarul", " numar ", " cislo domu", " cislo popisne", " numer budynku",
        " hazszam", " numero civico", " no exterior", " num ext", " nro ",
        " nº exterior", " nº ext", " n exterior", " numero ext", " broj ", " kucni broj", " дом ", " номер дома",
    ]),
    r("address-streetname", 1.0, &[
        " street name", " streetname", " straatnaam", " nome via", " nombre de calle", " nom de rue",
        " nazwa ulicy", " gatunamn", " utcanev", " nombre de la calle", " nom de la rue", " gatenavn", " rua ", " strassenname",
    ]),
    r("address-level2", 1.0, &[
        " commune", " municipio o delegacion", " alcaldia",
        " місто", " населений пункт",
        " kota", " mesto", " kaupunki", " postitoimipaikka", " oras", " город", " град", " населено място", " πόλη", " πολη", " المدينة", " grad ", 
        " city", " town", " ort ", " stadt", " wohnort", " ville", " ciudad", " localidad", " citta", " comune",
        " localita", " plaats", " woonplaats", " cidade", " municipio", " miasto", " miejscowosc", " stad ",
        " postort", "=by", " poststed", " sehir", " il ", " varos", " telepules", " gorod", " suburb",
        " municipality", " poblacion", " locality", "市区町村", "市町村", "城市", "市 ", " city town",
        " town city", " city suburb", " kommune", " localite", " gemeinde", " gemeente",
    ]),
    r("address-level1", 1.0, &[
        " provinsi", " kraj ", " judet", " область", " област", " регион", " νομός", " περιοχή", " المحافظة", " الولاية", " zupanija", 
        " state", " province", " region", " county", " provincia", " estado", " bundesland", " provinz",
        " regione", " prefecture", " voivodeship", " wojewodztwo", " provincie", " territory", " emirate", " governorate", " gouvernorat",
        " state province", " departement", " departamento", " comunidad", " kanton", " canton", " lan ",
        " megye", " oblast", " ilce", "都道府県", "省", "州", "所在地区", "省市区", " uf ", " prov ", " state region", " region state",
    ]),
    r("address-level3", 1.0, &[
        " comuna ",
        " kecamatan", " kelurahan", " район", " квартал", " الحي", " المنطقة", 
        " district", " neighborhood", " neighbourhood", " barrio", " bairro", " colonia", " quartier",
        " dzielnica", " ortsteil", " stadtteil", " wijk", " mahalle", " kerulet", " rayon", " sub district",
        " subdistrict",
    ]),
    r("reference-point", 1.1, &[
        " landmark", " nearest landmark", " reference point", " point of reference", " ponto de referencia", " punto de referencia",
        " punto di riferimento", " point de repere", " directions to reach", " how to reach", " directions", " referencia", " معالم",
        " علامة مميزة",
    ]),
    r("postal-code", 1.1, &[
        " kode pos", " psc ", " postinumero", " cod postal", " индекс", " почтовый индекс", " пощенски код", " ταχυδρομικός κώδικας", " τ κ ", " الرمز البريدي", " postanski broj", 
        " zip", " postal", " postcode", " post code", " plz", " postleitzahl", " code postal", " cp ",
        " codigo postal", " cod postal", " cap ", " codice postale", " kod pocztowy", " postnummer", " postnr",
        " cep ", " pin code", " pincode", " eircode", " zipcode", " irsz", " iranyitoszam", " posta kodu",
        " indeks", " postal index", "郵便番号", "邮编", "邮政编码", "〒", " post nr", " npa ",
    ]),
    r("country", 1.0, &[
        " negara", " stat ", " maa ", " tara ", " страна", " държава", " χώρα", " الدولة", " البلد", " drzava", 
        " country", " land ", " pays", " pais", " paese", " nazione", " kraj", " lander", " staat ",
        " ulke", " orszag", " strana", " nation", " country region", " country name", "国", "国家", "国・地域",
    ]),
    // ---- phone ----
    r("tel", 1.0, &[
        " nomor telepon", " no hp", " nomor hp", " telefonni", " puhelin", " телефон", " τηλέφωνο", " τηλεφωνο", " κινητό", " هاتف", " الهاتف", " الجوال", " جوال", " رقم الهاتف", " رقم الجوال", " mobilni", " telefonszam", 
        " phone", " telephone", " tel ", " telefon", " telefono", " telefone", " telefoon", " mobile", " mobil",
        " cell", " handy", " portable", " movil", " cellulare", " gsm", " numer telefonu", " tlf", " fon ",
        " tel no", " telnr", " telno", " celular", " mobiel", " mobilnummer", " telefonnummer",
        " contact number", " phone number", " mobile number", " contact no", " mobile no", " cell number", " mob ", " tele", "電話", "携帯", "手机", "电话", " whatsapp",
        " puhelin", " tfn", " phone no", " ph ",
    ]),
    r("tel-country-code", 1.3, &[
        " country code", " dial code", " dialing code", " calling code", " phone code", " phone prefix",
        " landesvorwahl", " landervorwahl", " indicatif", " prefijo", " prefisso", " landcode",
        " kierunkowy", " country calling code", " phone country", " tel country", " isd",
        " telephone code", " phone number country", " phone prefix", " country prefix", " phonepre", " country phone", " phone country code",
        " mobile prefix", " tel prefix", " prefix tel", " telefonvorwahl", " prefixe", " prefijo telefono", " dial",
    ]),
    r("tel-national", 1.2, &[" national phone", " national number", " nationale nummer", " numero national"]),
    r("tel-area-code", 1.3, &[" area code", " areacode", " vorwahl", " ddd ", " prefijo de area", " indicativo", " ortsvorwahl", " netnummer"]),
    r("tel-extension", 1.2, &[" ext ", " extension", " durchwahl", " poste ", " anexo", " interno tel"]),
    // ---- dates, identity ----
    r("bday", 1.0, &[
        " dogum tarihi", " дата народження", " дата рождения",
        " birth", " birthday", " birthdate", " date of birth", " dob ", " geburtsdatum", " geburtstag",
        " date de naissance", " naissance", " fecha de nacimiento", " nacimiento", " data di nascita",
        " nascita", " geboortedatum", " geboren", " data urodzenia", " fodelsedatum", " fodselsdato",
        " data de nascimento", " nascimento", " dogum", " szuletesi", " bday", " born", "生年月日", "出生日期",
        "生日", "誕生日",
    ]),
    r("sex", 1.0, &[" gender", " sex ", " geschlecht", " sexe", " genero", " sesso", " geslacht", " plec", " kon ", " kjonn", " cinsiyet", " sexo", "性別", "性别"]),
    r("url", 0.9, &[" website", " url ", " homepage", " home page", " web site", " webseite", " site web", " sitio web", " sito web", " www ", " strona internetowa", " strona www", " webbplats", " hemsida", " sito internet", " pagina web", "网址", "网站"]),
    r("email", 1.2, &[
        " почта", " электронная почта", " имейл", " ηλεκτρονικό ταχυδρομείο", " البريد الإلكتروني", " البريد", " sahkoposti", " e posta adresi", 
        " email", " email address", " e mail address", " mail address", " correo electronico", " endereco de email",
        " endereco de e mail", " adresse e mail", " adresse email", " adresse mail", " e mail adresse", " email adresse",
        " indirizzo email", " indirizzo e mail", " emailadres", " e mailadres", " adres e mail", " adres email",
        " direccion de correo", " direccion de email", " direccion email", " email id", " mail id", " e mail", " mail ", " mailadres", " courriel", " correo", " posta elettronica", " epost",
        " e post", " eposta", " e posta", " sahkoposti", " emailadres", " mail address", " mailaddress",
        "メール", "邮箱", "电子邮件", "電子郵件", "邮件",
    ]),
    r("username", 1.0, &[
        " username", " user name", " login", " userid", " user id", " benutzername", " benutzer",
        " nom d utilisateur", " identifiant", " usuario", " nome utente", " gebruikersnaam", " nazwa uzytkownika",
        " login name", " screen name", " account name", " anvandarnamn", " kullanici adi", "用户名", "ユーザー名", "ユーザーid", "账号", "帳號",
    ]),
    r("password", 1.0, &[" password", " passwort", " mot de passe", " contrasena", " senha", " wachtwoord", " haslo", " losenord", " passwd", " pwd", "パスワード", "密码"]),
    r("id-number", 0.9, &[
        " national id", " id number", " cpf ", " dni ", " nie ", " ssn", " social security", " personnummer",
        " pesel", " codice fiscale", " rut ", " cedula", " passport", " id card", " identity", " documento",
        " tc kimlik", " tckn", " kimlik", " aadhaar", " curp", " cnpj", " nif ", " id no", " identification",
        " dni", " nik ", " paspor", " pasaporte", " passeport", " reisepass", " personalausweis", " social security number",
        " tin ", " numero de dni", " documento de identidad", " carte d identite",
    ]),
    r("vat-number", 1.0, &[
        " adoszam",
        " vat", " ust id", " ustid", " ust idnr", " tva", " partita iva", " piva", " p iva", " btw ", " nip ",
        " tax number", " tax id", " taxid", " steuernummer", " umsatzsteuer", " iva ", " numero iva",
        " vergi", " ico ", " dic ", " company number", " kvk",
        " uid", " uid nr", " cvr", " cvr nr", " ic ", " cui ", " cif ", " cui cif", " tax no", " taxno", " vat no",
        " vat reg", " vatreg", " ust nr", " num tax", " tax ident", " partita", " nipc", " kvk nummer",
    ]),
    // ---- payment ----
    r("cc-name", 1.3, &[
        " card holder", " cardholder", " name on card", " name on the card", " nameoncard", " card name",
        " karteninhaber", " titulaire", " titular", " titolare", " kaarthouder", " posiadacz karty",
        " kortinnehavare", " cc name", " ccname", " holder name", " name of card", " card owner", "名義",
        " card holder name", " holder name", " titular de la tarjeta", " titular do cartao", " nombre en la tarjeta",
        " nome no cartao", " intestatario", " wlasciciel karty", " nom sur la carte", " name auf der karte",
        " naam op de kaart", " namn pa kortet", "持卡人",
    ]),
    r("cc-number", 1.3, &[
        " credit number", " kart numarasi",
        " card number", " cardnumber", " credit card", " cc number", " ccnumber", " card no", " kartennummer",
        " numero de carte", " numero de tarjeta", " numero carta", " numero della carta", " kaartnummer",
        " numer karty", " kortnummer", " numero do cartao", " cartao", "カード番号", "卡号", " cc num", " ccnum",
        " card num", " cardnum", " debit card", " creditcard", " kreditkarte", " kartenummer", " pan ",
        " card ", " carte ", " tarjeta", " carta ",
    ]),
    r("cc-exp", 1.3, &[
        " son kullanma",
        " expiry", " expiration", " exp date", " expdate", " valid thru", " valid until", " ablauf",
        " gultig bis", " date d expiration", " vencimiento", " caducidad", " scadenza", " vervaldatum",
        " data waznosci", " giltig till", " validade", "有効期限", "有效期", " mm yy", " mm aa", " mm jj",
        " exp ", " ccexp", " cc exp", " expires", " valable", " validity", " exp mm",
    ]),
    r("cc-exp-month", 1.4, &[
        "expmonth", "exp month", "expiry month", "expiration month", "ccmonth", "cc month", "card month",
        "exp mm", "month exp", "expiration mm", "monthexp", "exp mon", "expiremonth", "expire month",
    ]),
    r("cc-exp-year", 1.4, &[
        "expyear", "exp year", "expiry year", "expiration year", "ccyear", "cc year", "card year", "exp yy",
        "year exp", "expiration yy", "yearexp", "expireyear", "expire year", "exp yr",
    ]),
    r("cc-csc", 1.4, &[
        " cvv", " cvc", " csc", " cvn", " security code", " card verification", " cid ", " sicherheitscode",
        " prufnummer", " prufziffer", " kartenprufnummer", " cryptogramme", " codigo de seguridad",
        " codice di sicurezza", " beveiligingscode", " kod cvv", " cv2", " cvv2", " ccv", " card code",
        " security number", "セキュリティコード", "安全码", " verification number", " code de securite", " sakerhetskod", " kontrollsiffror",
    ]),
    r("cc-type", 1.2, &[" card type", " cardtype", " cc type", " cctype", " kartentyp", " type de carte", " tipo de tarjeta", " tipo carta", " card brand"]),
];

/// The best-matching rules in `text` (already [`super::text::words`]-normalised): for every token
/// that matched, its rule strength, the length of its longest matching pattern, and where the
/// rightmost match ends (identifiers name the field by their last words: `address_city`).
///
/// Fast path: one pass over `text` looking every 3-byte window up in [`index`], instead of one
/// substring search per pattern; [`matches_reference`] is the plain version, and a test keeps
/// the two equal.
pub fn matches(text: &str) -> Vec<Match> {
    if text.trim().is_empty() {
        return Vec::new();
    }
    let index = index();
    let mut best: Vec<Option<Match>> = vec![None; RULES.len()];
    let bytes = text.as_bytes();
    for pos in 0..bytes.len().saturating_sub(2) {
        let Some(list) = index.by_prefix.get(&[bytes[pos], bytes[pos + 1], bytes[pos + 2]]) else { continue };
        for &(r, p) in list {
            if bytes[pos..].starts_with(p.as_bytes()) {
                merge(&mut best[r], found(&RULES[r], p, pos));
            }
        }
    }
    for &(r, exact) in &index.exact {
        if text.trim() == exact {
            merge(&mut best[r], found(&RULES[r], exact, text.len() - text.trim_start().len() - 1));
        }
    }
    best.into_iter().flatten().collect()
}

/// The plain matcher: every pattern searched on its own. Same answer as [`matches`].
pub fn matches_reference(text: &str) -> Vec<Match> {
    let mut out = Vec::new();
    if text.trim().is_empty() {
        return out;
    }
    for rule in RULES {
        let mut best: Option<Match> = None;
        for p in rule.patterns {
            let found_at = match p.strip_prefix('=') {
                // `=word`: the whole text is that word.
                Some(exact) => (text.trim() == exact).then(|| text.len() - text.trim_start().len() - 1),
                None => text.rfind(*p),
            };
            if let Some(pos) = found_at {
                merge(&mut best, found(rule, p.trim_start_matches('='), pos));
            }
        }
        out.extend(best);
    }
    out
}

fn found(rule: &Rule, p: &str, pos: usize) -> Match {
    Match { token: rule.token, strength: rule.strength, len: p.trim().chars().count(), end: pos + p.trim_end().len() }
}

/// Keeps, per rule, the longest matching pattern's length and the rightmost match's end.
fn merge(best: &mut Option<Match>, m: Match) {
    *best = Some(match *best {
        Some(b) => Match { len: b.len.max(m.len), end: b.end.max(m.end), ..b },
        None => m,
    });
}

/// Patterns by their first three bytes (every pattern has at least three), and the `=word` ones.
struct Index {
    by_prefix: std::collections::HashMap<[u8; 3], Vec<(usize, &'static str)>, std::hash::BuildHasherDefault<super::learned::Prehashed>>,
    exact: Vec<(usize, &'static str)>,
}

fn index() -> &'static Index {
    static INDEX: std::sync::OnceLock<Index> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let mut ix = Index { by_prefix: Default::default(), exact: Vec::new() };
        for (r, rule) in RULES.iter().enumerate() {
            for p in rule.patterns {
                match p.strip_prefix('=') {
                    Some(exact) => ix.exact.push((r, exact)),
                    None => {
                        let b = p.as_bytes();
                        ix.by_prefix.entry([b[0], b[1], b[2]]).or_default().push((r, p));
                    }
                }
            }
        }
        ix
    })
}

/// One rule that matched a text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Match {
    pub token: Token,
    pub strength: f32,
    /// Characters of the longest matching pattern.
    pub len: usize,
    /// Byte offset where the rightmost matching pattern ends.
    pub end: usize,
}

#[cfg(test)]
mod tests {
    use super::super::text::words;
    use super::*;

    fn best(s: &str) -> Token {
        let m = matches(&words(s));
        m.iter().max_by_key(|m| m.len).map(|m| m.token).unwrap_or("?")
    }

    #[test]
    fn longest_pattern_wins() {
        assert_eq!(best("Last name"), "family-name");
        assert_eq!(best("Company name"), "organization");
        assert_eq!(best("Name on card"), "cc-name");
        assert_eq!(best("Address line 2"), "address-line2");
        assert_eq!(best("Postleitzahl"), "postal-code");
        assert_eq!(best("Numéro de carte"), "cc-number");
        assert_eq!(best("郵便番号"), "postal-code");
    }

    #[test]
    fn fast_matcher_equals_the_reference() {
        let mut texts: Vec<String> = RULES.iter().flat_map(|r| r.patterns.iter().map(|p| format!(" x{p} y {p}"))).collect();
        texts.extend(["by", "Straße und Hausnummer", "billingAddress[street_1]", "E-Mail-Adresse", "郵便番号 〒", "Name on card", "no nr n"].iter().map(|s| words(s)));
        texts.push(" by ".into());
        for t in &texts {
            assert_eq!(matches(t), matches_reference(t), "{t:?}");
        }
    }

    #[test]
    fn every_pattern_is_normalised() {
        for rule in RULES {
            for p in rule.patterns {
                assert_eq!(super::super::text::fold(p), *p, "{p}");
                assert!(!p.trim().trim_start_matches('=').is_empty());
                assert!(p.len() >= 3, "{p:?}: the fast matcher indexes three-byte prefixes");
            }
        }
    }
}
