//! Small PDFs written from scratch for the import tests: pages of text lines set at given
//! positions in Helvetica (WinAnsi, so Latin letters with accents work), a page that holds only an
//! image (what a scan is), and a password-protected file. The PDFs are valid (cross-reference
//! table, trailer), so what fails to import does so because of what the file is, not because the
//! writer is sloppy.

use std::fmt::Write as _;

/// One line of text: left edge and baseline in points from the page's top-left, font size, text.
#[derive(Debug, Clone)]
pub struct Line {
    pub x: f64,
    pub y: f64,
    pub size: f64,
    pub text: String,
}

/// A line at (`x`, `y`) in `size` points.
pub fn line(x: f64, y: f64, size: f64, text: &str) -> Line {
    Line { x, y, size, text: text.to_string() }
}

/// What a page holds.
#[derive(Debug, Clone)]
pub enum Page {
    Text(Vec<Line>),
    /// A full-page grey image and no text, as a scanner writes.
    ImageOnly,
}

/// Document-level options.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub title: Option<String>,
    /// `D:YYYYMMDD…` creation date.
    pub created: Option<String>,
    /// Protect with a user password (the file cannot be opened without it).
    pub password_protected: bool,
}

const WIDTH: f64 = 595.0;
const HEIGHT: f64 = 842.0;

/// A PDF literal string in WinAnsi: parentheses and backslashes escaped, non-ASCII as octal.
fn literal(text: &str) -> String {
    let mut out = String::from("(");
    for c in text.chars() {
        match c {
            '(' | ')' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            // Latin-1 letters are the same code in WinAnsi.
            c if (c as u32) >= 0xa0 && (c as u32) <= 0xff => {
                let _ = write!(out, "\\{:03o}", c as u32);
            }
            '€' => out.push_str("\\200"),
            '–' => out.push_str("\\226"),
            '—' => out.push_str("\\227"),
            _ => out.push('?'),
        }
    }
    out.push(')');
    out
}

fn content(page: &Page) -> String {
    match page {
        Page::Text(lines) => {
            let mut s = String::new();
            for l in lines {
                let _ = writeln!(s, "BT /F1 {} Tf 1 0 0 1 {:.2} {:.2} Tm {} Tj ET", l.size, l.x, HEIGHT - l.y, literal(&l.text));
            }
            s
        }
        Page::ImageOnly => format!("q {WIDTH} 0 0 {HEIGHT} 0 0 cm /Im1 Do Q\n"),
    }
}

/// Writes the PDF.
pub fn write(pages: &[Page], options: &Options) -> Vec<u8> {
    // Objects: 1 catalog, 2 page tree, 3 font, 4 image, 5 info, 6 encryption; then per page: page, contents.
    let mut objects: Vec<String> = Vec::new();
    let first_page = 7;
    let kids: Vec<String> = (0..pages.len()).map(|i| format!("{} 0 R", first_page + 2 * i)).collect();
    objects.push("<< /Type /Catalog /Pages 2 0 R >>".into());
    objects.push(format!("<< /Type /Pages /Kids [{}] /Count {} /MediaBox [0 0 {WIDTH} {HEIGHT}] >>", kids.join(" "), pages.len()));
    objects.push("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".into());
    let pixels = "80".repeat(16);
    objects.push(format!("<< /Type /XObject /Subtype /Image /Width 4 /Height 4 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /ASCIIHexDecode /Length {} >>\nstream\n{pixels}>\nendstream", pixels.len() + 1));
    let mut info = String::from("<< /Producer (SecondSelf test writer)");
    if let Some(t) = &options.title {
        let _ = write!(info, " /Title {}", literal(t));
    }
    if let Some(d) = &options.created {
        let _ = write!(info, " /CreationDate ({d})");
    }
    info.push_str(" >>");
    objects.push(info);
    // The standard security handler, revision 2, with a user password: the /U entry does not
    // match the empty password, so nothing opens it without the password.
    objects.push(format!("<< /Filter /Standard /V 1 /R 2 /Length 40 /P -3904 /O <{}> /U <{}> >>", "4f".repeat(32), "55".repeat(32)));
    for page in pages {
        let n = objects.len() + 2;
        objects.push(format!("<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 3 0 R >> /XObject << /Im1 4 0 R >> >> /Contents {n} 0 R >>"));
        let body = content(page);
        objects.push(format!("<< /Length {} >>\nstream\n{body}endstream", body.len()));
    }
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for off in offsets {
        let _ = write!(table, "{off:010} 00000 n \n");
    }
    let encrypt = if options.password_protected { " /Encrypt 6 0 R" } else { "" };
    let _ = write!(
        table,
        "trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R{encrypt} /ID [<{id}> <{id}>] >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1,
        id = "0123456789abcdef0123456789abcdef"
    );
    out.extend_from_slice(table.as_bytes());
    out
}
