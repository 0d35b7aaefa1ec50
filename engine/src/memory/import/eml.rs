//! Email messages (`.eml`, RFC 5322): the From/To/Date/Subject headers become the first
//! paragraph (distillation reads them: who the user is, when it was said), the text body the
//! rest. `mail-parser` handles multipart, quoted-printable, base64 and charsets; an HTML-only
//! body is converted to text by it.

use super::{txt::parse_text, Block, Document, Importer};
use crate::memory::{date, ImportErrorKind, SourceKind};

pub struct EmlImporter;

fn addresses(a: Option<&mail_parser::Address>) -> String {
    let Some(a) = a else { return String::new() };
    a.iter()
        .map(|x| match (x.name(), x.address()) {
            (Some(n), Some(e)) => format!("{n} <{e}>"),
            (None, Some(e)) => e.to_string(),
            (Some(n), None) => n.to_string(),
            (None, None) => String::new(),
        })
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Importer for EmlImporter {
    fn kind(&self) -> SourceKind {
        SourceKind::Email
    }
    fn accepts(&self, ext: &str, _text: &str) -> bool {
        ext == "eml"
    }
    fn parse(&self, _name: &str, text: &str) -> Result<Document, ImportErrorKind> {
        let malformed = |d: &str| ImportErrorKind::Malformed { format: "email", detail: d.to_string() };
        let msg = mail_parser::MessageParser::default().parse(text.as_bytes()).ok_or_else(|| malformed("not an RFC 5322 message"))?;
        let from = addresses(msg.from());
        let to = addresses(msg.to());
        let subject = msg.subject().map(str::to_string);
        if from.is_empty() && to.is_empty() && subject.is_none() {
            return Err(malformed("no From, To or Subject header"));
        }
        let dated = msg.date().map(|d| d.to_timestamp());
        let mut head = Vec::new();
        if !from.is_empty() {
            head.push(format!("From: {from}"));
        }
        if !to.is_empty() {
            head.push(format!("To: {to}"));
        }
        if let Some(d) = dated {
            head.push(format!("Date: {}", date::iso_date(d)));
        }
        if let Some(s) = &subject {
            head.push(format!("Subject: {s}"));
        }
        let mut blocks = vec![Block::Para(head.join("\n"))];
        let body = msg.body_text(0).map(|b| b.into_owned()).unwrap_or_default();
        blocks.extend(parse_text(&body.replace("\r\n", "\n")).blocks);
        Ok(Document { title: subject, dated, blocks })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_of(d: &Document) -> String {
        d.blocks.iter().skip(1).map(|b| match b { Block::Para(p) => p.clone(), Block::Heading { text, .. } => text.clone(), Block::Page(_) => String::new() }).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn plain_message_headers_and_body() {
        let m = "From: Ann Lee <ann@x.example>\r\nTo: Bo <bo@y.example>\r\nSubject: Hi\r\nDate: Tue, 22 Apr 2025 10:02:11 +0100\r\n\r\nHello Bo.\r\n\r\nSee you.\r\n";
        let d = EmlImporter.parse("a.eml", m).unwrap();
        assert_eq!(d.title.as_deref(), Some("Hi"));
        assert_eq!(d.dated.map(date::iso_date).as_deref(), Some("2025-04-22"));
        assert_eq!(d.blocks[0], Block::Para("From: Ann Lee <ann@x.example>\nTo: Bo <bo@y.example>\nDate: 2025-04-22\nSubject: Hi".into()));
        assert_eq!(body_of(&d), "Hello Bo.\nSee you.");
    }

    #[test]
    fn multipart_quoted_printable_and_base64() {
        let m = "From: a@x.example\r\nTo: b@y.example\r\nSubject: =?UTF-8?Q?Caf=C3=A9?=\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"XX\"\r\n\r\n--XX\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nMy new number is 07700 =\r\n900123 caf=C3=A9.\r\n--XX\r\nContent-Type: text/html\r\n\r\n<p>ignored html twin</p>\r\n--XX--\r\n";
        let d = EmlImporter.parse("a.eml", m).unwrap();
        assert_eq!(d.title.as_deref(), Some("Café"));
        assert_eq!(body_of(&d), "My new number is 07700 900123 café.");
        let b64 = "From: a@x.example\r\nSubject: b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nSSBhbSBhbGxlcmdpYyB0byBwZWFudXRzLg==\r\n";
        let d = EmlImporter.parse("b.eml", b64).unwrap();
        assert_eq!(body_of(&d), "I am allergic to peanuts.");
    }

    #[test]
    fn malformed_message_is_refused() {
        let e = EmlImporter.parse("a.eml", "just some words\nno headers at all").unwrap_err();
        assert!(matches!(e, ImportErrorKind::Malformed { format: "email", .. }), "{e:?}");
    }
}
