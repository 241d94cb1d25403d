//! Print-ready PDFs of fax and postal letters (`<id>.fax.pdf`, `<id>.post.pdf`), beside their
//! `.txt`: A4, Noto Sans (shipped in `fonts/`, OFL) embedded and subset, the text
//! extractable. The text is the letter as rendered (its layout, `fax.hbs` or `post.hbs`), set
//! in lines here: the glyphs, their advances (skrifa) and the line breaking; [`write`] makes
//! the PDF (subsetter, pdf-writer).
//!
//! - A fax has a header block on page 1 (to, fax number, from, date, subject, pages) and a page
//!   number "1/2" on every page; nothing under 10 pt, margins of 20 mm.
//! - A postal letter is laid out for a DIN 5008 form B window envelope: the address field
//!   85 × 45 mm at 20 mm from the left and 45 mm from the top, its top zone holding the
//!   return-address line, the writer's address in the information block on the right, then the
//!   date and the letter; page numbers from page 2.
//!
//! The letter's text is set as its `.txt` has it, with three liberties: the lines of a
//! paragraph that the template wrapped by hand are joined again ([`reflow`]) and wrapped to the
//! page; a wrapped line that starts with a list marker ("1. ", "- ") or an indent continues
//! under the text after it (a hanging indent); and a paragraph breaks across pages leaving at
//! least two of its lines on each side (no orphans or widows) where the page allows.
//!
//! The same letter and date give the same bytes: no random identifiers, no clock (the document
//! date is the run's, which `SOURCE_DATE_EPOCH` sets). A character the font does not have is
//! set as `?` (the `.txt` keeps it), never a panic, and [`Pdf::missing`] names it so that the
//! writer can be warned.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use anyhow::{Result, anyhow};
use jiff::Timestamp;
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider as _};

use crate::letter::{Channel, Letter};
use flow::{Flow, reflow};

mod flow;
mod write;

static REGULAR: &[u8] = include_bytes!("../../fonts/NotoSans-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../../fonts/NotoSans-Bold.ttf");

/// A4, in points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;

/// Millimetres in points.
fn mm(v: f32) -> f32 {
    v * 72.0 / 25.4
}

/// The body text size and its line height, in points.
const BODY: f32 = 11.0;
const LEADING: f32 = 1.35;

/// A letter's PDF, and the characters of its text that the font has no glyph for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pdf {
    pub bytes: Vec<u8>,
    /// Each once, in code point order; set as `?` in the PDF.
    pub missing: Vec<char>,
}

impl Pdf {
    /// What to tell the writer about [`Pdf::missing`], if anything: `2 characters the font has
    /// no glyph for are set as "?": 𝔘 ☭ (the .txt keeps them)`.
    pub fn missing_note(&self) -> Option<String> {
        const SHOWN: usize = 20;
        let n = self.missing.len();
        if n == 0 {
            return None;
        }
        let mut list = self.missing.iter().take(SHOWN).map(char::to_string);
        let mut list = list.by_ref().collect::<Vec<_>>().join(" ");
        if n > SHOWN {
            list = format!("{list} and {} more", n - SHOWN);
        }
        Some(format!(
            "{} the font has no glyph for {} set as \"?\": {list} (the .txt keeps {})",
            crate::output::count(n, "character", "characters"),
            if n == 1 { "is" } else { "are" },
            if n == 1 { "it" } else { "them" },
        ))
    }
}

/// The fax PDF or postal PDF of a letter; `None` for the other channels.
///
/// The last PDF made on this thread is kept: the coordinators' copy of a fax or postal
/// letter, which carries its PDF, comes right after the letter, and gets the same PDF
/// without making it twice.
pub fn make(letter: &Letter, date: Timestamp) -> Result<Option<Pdf>> {
    use std::cell::RefCell;
    thread_local! {
        static LAST: RefCell<Option<(Letter, Timestamp, Pdf)>> = const { RefCell::new(None) };
    }
    if !matches!(letter.channel, Channel::Fax | Channel::Post) {
        return Ok(None);
    }
    let hit = LAST.with_borrow(|last| {
        last.as_ref()
            .filter(|(l, d, _)| l == letter && *d == date)
            .map(|(_, _, pdf)| pdf.clone())
    });
    if hit.is_some() {
        return Ok(hit);
    }
    let pdf = make_anew(letter, date)?;
    LAST.set(pdf.clone().map(|pdf| (letter.clone(), date, pdf)));
    Ok(pdf)
}

fn make_anew(letter: &Letter, date: Timestamp) -> Result<Option<Pdf>> {
    let laid = match letter.channel {
        Channel::Fax => fax(letter, date)?,
        Channel::Post => post(letter)?,
        _ => return Ok(None),
    };
    Ok(Some(Pdf {
        bytes: write(letter, date, &laid.pages)?,
        missing: laid.missing.into_iter().collect(),
    }))
}

/// The bytes of [`make`]'s PDF.
pub fn render(letter: &Letter, date: Timestamp) -> Result<Option<Vec<u8>>> {
    Ok(make(letter, date)?.map(|p| p.bytes))
}

/// Laid-out pages, and the characters set as `?`.
struct Laid {
    pages: Vec<Vec<Run>>,
    missing: BTreeSet<char>,
}

/// One run of text on a page: where its baseline starts, its face and size.
#[derive(Debug, Clone, PartialEq)]
struct Run {
    x: f32,
    y: f32,
    bold: bool,
    size: f32,
    text: String,
}

/// The two faces, loaded once, with their metrics for measuring.
struct Faces {
    regular_ref: FontRef<'static>,
    bold_ref: FontRef<'static>,
    /// For each face (regular, bold), the characters below [`TABLED`] by their number: the
    /// whether the face has a glyph for it, the glyph set for it (`?` where it has none) and
    /// that glyph's advance in ems.
    table: [Vec<(bool, u32, f32)>; 2],
}

/// The characters up to Cyrillic's end, looked up by their number; the rest by hash.
const TABLED: u32 = 0x530;

/// The font file of a face, for subsetting.
fn font_data(bold: bool) -> &'static [u8] {
    if bold { BOLD } else { REGULAR }
}

fn faces() -> Result<&'static Faces> {
    static FACES: OnceLock<Option<Faces>> = OnceLock::new();
    FACES
        .get_or_init(|| {
            let regular_ref = FontRef::new(REGULAR).ok()?;
            let bold_ref = FontRef::new(BOLD).ok()?;
            let table = [&regular_ref, &bold_ref].map(|f| {
                (0..TABLED)
                    .map(|c| {
                        let c = char::from_u32(c).unwrap_or('?');
                        let (g, advance) = read_glyph(f, c);
                        (f.charmap().map(c).is_some(), g, advance)
                    })
                    .collect()
            });
            Some(Faces {
                regular_ref,
                bold_ref,
                table,
            })
        })
        .as_ref()
        .ok_or_else(|| anyhow!("the shipped font (fonts/NotoSans-*.ttf) cannot be read"))
}

impl Faces {
    fn font_ref(&self, bold: bool) -> &FontRef<'static> {
        if bold {
            &self.bold_ref
        } else {
            &self.regular_ref
        }
    }

    /// The width of `text` at `size` points (advance widths, no kerning: a little wider than
    /// set, never narrower, as kerning only tightens Noto Sans).
    fn width(&self, text: &str, bold: bool, size: f32) -> f32 {
        text.chars().map(|c| self.advance(c, bold, size)).sum()
    }

    /// The advance of `c` at `size` points, as skrifa gives it (or 0.6 em without a glyph).
    /// Each thread keeps those it looked up: line breaking measures every word many times, and
    /// a bulk mailing sets the same characters in every member's fax.
    fn advance(&self, c: char, bold: bool, size: f32) -> f32 {
        type Tables = Vec<((bool, u32), Vec<f32>)>;
        type Kept = std::collections::HashMap<(bool, u32, char), f32>;
        thread_local! {
            static TABLES: std::cell::RefCell<Tables> = std::cell::RefCell::default();
            static KEPT: std::cell::RefCell<Kept> = std::cell::RefCell::default();
        }
        let face = (bold, size.to_bits());
        let at = usize::try_from(u32::from(c)).unwrap_or(usize::MAX);
        if at < TABLED as usize {
            let known = TABLES.with_borrow(|tables| {
                tables
                    .iter()
                    .find(|(k, _)| *k == face)
                    .map(|(_, t)| t[at])
                    .filter(|a| !a.is_nan())
            });
            if let Some(a) = known {
                return a;
            }
            let a = self.advance_read(c, bold, size);
            TABLES.with_borrow_mut(|tables| {
                let i = tables
                    .iter()
                    .position(|(k, _)| *k == face)
                    .unwrap_or_else(|| {
                        tables.push((face, vec![f32::NAN; TABLED as usize]));
                        tables.len() - 1
                    });
                tables[i].1[at] = a;
            });
            return a;
        }
        let key = (bold, size.to_bits(), c);
        if let Some(a) = KEPT.with_borrow(|kept| kept.get(&key).copied()) {
            return a;
        }
        let advance = self.advance_read(c, bold, size);
        KEPT.with_borrow_mut(|kept| {
            // A text of every character there is would not fill memory.
            if kept.len() > 65_536 {
                kept.clear();
            }
            kept.insert(key, advance);
        });
        advance
    }

    /// The advance of `c` at `size` points, read from the font.
    fn advance_read(&self, c: char, bold: bool, size: f32) -> f32 {
        let f = self.font_ref(bold);
        f.charmap()
            .map(c)
            .and_then(|g| {
                f.glyph_metrics(Size::new(size), LocationRef::default())
                    .advance_width(g)
            })
            .unwrap_or(size * 0.6)
    }

    /// The glyph of `c` (of `?` where the font has none) and its advance in ems.
    fn glyph(&self, c: char, bold: bool) -> (u32, f32) {
        type Kept = std::collections::HashMap<(bool, char), (u32, f32)>;
        thread_local! {
            static KEPT: std::cell::RefCell<Kept> = std::cell::RefCell::default();
        }
        if let Some(&(_, g, advance)) = self.table[usize::from(bold)].get(c as usize) {
            return (g, advance);
        }
        if let Some(g) = KEPT.with_borrow(|kept| kept.get(&(bold, c)).copied()) {
            return g;
        }
        let g = read_glyph(self.font_ref(bold), c);
        KEPT.with_borrow_mut(|kept| {
            if kept.len() > 65_536 {
                kept.clear();
            }
            kept.insert((bold, c), g);
        });
        g
    }

    /// Whether the regular face has a glyph for `c`.
    fn has(&self, c: char) -> bool {
        match self.table[0].get(c as usize) {
            Some(&(has, _, _)) => has,
            None => self.regular_ref.charmap().map(c).is_some(),
        }
    }

    /// `text` with what the font cannot show replaced: tabs as spaces, control characters
    /// dropped, a character without a glyph as `?` (and added to `missing`).
    fn settable(&self, text: &str, missing: &mut BTreeSet<char>) -> String {
        text.chars()
            .filter_map(|c| match c {
                '\t' => Some(' '),
                c if c.is_control() => None,
                c if self.has(c) => Some(c),
                c => {
                    missing.insert(c);
                    Some('?')
                }
            })
            .collect()
    }
}

/// The glyph of `c` in a face (of `?` where it has none) and its advance in ems.
fn read_glyph(f: &FontRef<'_>, c: char) -> (u32, f32) {
    let charmap = f.charmap();
    let g = charmap
        .map(c)
        .or_else(|| charmap.map('?'))
        .unwrap_or_default();
    let advance = f
        .glyph_metrics(Size::new(1.0), LocationRef::default())
        .advance_width(g)
        .unwrap_or(0.6);
    (g.to_u32(), advance)
}

/// The lines of a fax layout's header (`Label: value`, before a rule of dashes), and the text
/// after the rule; no header when the layout has no rule in its first lines.
fn split_fax(body: &str) -> (Vec<(String, String)>, &str) {
    let mut offset = 0;
    for (i, line) in body.split_inclusive('\n').enumerate() {
        if i > 30 {
            break;
        }
        let t = line.trim();
        if t.len() >= 10 && t.chars().all(|c| c == '-') {
            let fields = body[..offset]
                .lines()
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| (format!("{}:", k.trim()), v.trim().to_string()))
                .collect();
            return (fields, body[offset + line.len()..].trim_start_matches('\n'));
        }
        offset += line.len();
    }
    (Vec::new(), body)
}

/// The date in UTC, in the letter's language: `2 May 2011`, `2 мая 2011 г.`.
fn long_date(date: Timestamp, language: &str) -> String {
    crate::locale::long_date(date.to_zoned(jiff::tz::TimeZone::UTC).date(), language)
}

/// A fax: the header block, then the letter; "n/N" on every page.
fn fax(letter: &Letter, date: Timestamp) -> Result<Laid> {
    let faces = faces()?;
    let words = crate::locale::phrases(&letter.language);
    let (mut fields, text) = split_fax(&letter.body);
    if fields.is_empty() {
        let to = letter.to.first();
        fields = vec![
            (
                words.to.into(),
                to.map(|a| a.name.clone()).unwrap_or_default(),
            ),
            (
                words.fax.into(),
                to.map(|a| a.address.clone()).unwrap_or_default(),
            ),
            (words.from.into(), letter.from.name.clone()),
            (words.date.into(), long_date(date, &letter.language)),
            (words.subject.into(), letter.subject.clone()),
        ];
    }
    let lay = |pages_shown: usize| {
        let (left, right, top, bottom) = (mm(20.0), mm(20.0), mm(20.0), PAGE_H - mm(25.0));
        let mut flow = Flow::new(faces, left, PAGE_W - left - right, top, top, bottom);
        flow.text(words.fax_title, true, 18.0);
        flow.skip(BODY * 0.5);
        for (k, v) in &fields {
            flow.field(k, v, mm(28.0));
        }
        // The page count's run: the label's, then the value's, on the current page.
        let count = (
            flow.pages.len() - 1,
            flow.pages.last().map_or(0, Vec::len) + 1,
        );
        flow.field(words.pages, &pages_shown.to_string(), mm(28.0));
        flow.skip(BODY);
        flow.text(&reflow(text.trim_end()), false, BODY);
        (flow, count)
    };
    // The header says how many pages there are: laid out with "1", then the count put in its
    // place. A number takes one line whatever its value, so nothing else moves; where the
    // count's run is not where it was expected, the fax is laid out again with the count.
    let (mut flow, (page, run)) = lay(1);
    let n = flow.pages.len();
    if n != 1 {
        match flow.pages.get_mut(page).and_then(|p| p.get_mut(run)) {
            Some(r) if r.text == "1" && !r.bold => r.text = n.to_string(),
            _ => flow = lay(n).0,
        }
    }
    number(faces, &mut flow.pages, 1, words);
    Ok(Laid {
        pages: flow.pages,
        missing: flow.missing,
    })
}

/// "n/N" centred at the foot of each page from page `from` on (1-based), at 10 pt, 15 mm up.
fn number(faces: &Faces, pages: &mut [Vec<Run>], from: usize, words: &crate::locale::Phrases) {
    let n = pages.len();
    for (i, page) in pages.iter_mut().enumerate().skip(from - 1) {
        let text = words.page_number(i + 1, n);
        let w = faces.width(&text, false, 10.0);
        page.push(Run {
            x: (PAGE_W - w) / 2.0,
            y: PAGE_H - mm(15.0),
            bold: false,
            size: 10.0,
            text,
        });
    }
}

/// How the postal layout's text divides: the writer's block, the address, the rest.
fn split_post(letter: &Letter) -> (String, String, String) {
    let address = letter
        .to
        .first()
        .map(|a| {
            let post = a.address.trim();
            if post.starts_with(a.name.as_str()) {
                post.to_string()
            } else if post.is_empty() {
                a.name.clone()
            } else {
                format!("{}\n{post}", a.name)
            }
        })
        .unwrap_or_default();
    match letter.body.find(&address).filter(|_| !address.is_empty()) {
        Some(at) => (
            letter.body[..at].trim().to_string(),
            address.clone(),
            letter.body[at + address.len()..]
                .trim_start_matches('\n')
                .to_string(),
        ),
        None => (letter.from.name.clone(), address, letter.body.clone()),
    }
}

/// A postal letter for a DIN 5008 form B window envelope.
fn post(letter: &Letter) -> Result<Laid> {
    let faces = faces()?;
    let (writer, address, text) = split_post(letter);
    let (left, right) = (mm(25.0), mm(20.0));
    let width = PAGE_W - left - right;
    // The address field: 85 × 45 mm at 20 mm from the left, 45 mm from the top; its top
    // 17.7 mm (5 lines) hold the return-address line, the 27.3 mm below (6 lines) the address.
    let field_x = mm(20.0) + mm(5.0);
    let field_w = mm(85.0) - mm(10.0);
    let mut runs = Vec::new();
    // The return-address line: the writer's block without its e-mail address.
    let return_line = faces.settable(
        &writer
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.contains('@'))
            .collect::<Vec<_>>()
            .join(" · "),
        &mut BTreeSet::new(),
    );
    let mut return_line = return_line;
    while faces.width(&return_line, false, 8.0) > field_w && return_line.pop().is_some() {}
    runs.push(Run {
        x: field_x,
        y: mm(45.0) + mm(17.7) - mm(2.0),
        bold: false,
        size: 8.0,
        text: return_line,
    });
    let mut field = Flow::new(faces, field_x, field_w, mm(45.0) + mm(17.7), 0.0, PAGE_H);
    field.text(&address, false, 10.0);
    runs.extend(field.pages.drain(..).flatten());
    // The information block: the writer, at 125 mm from the left, 50 mm from the top.
    let mut info = Flow::new(
        faces,
        mm(125.0),
        PAGE_W - mm(125.0) - right,
        mm(45.0),
        0.0,
        PAGE_H,
    );
    info.text(&writer, false, 10.0);
    runs.extend(info.pages.drain(..).flatten());
    // The letter, from below the field (98.5 mm) on.
    let mut flow = Flow::new(faces, left, width, mm(103.0), mm(20.0), PAGE_H - mm(25.0));
    flow.text(&reflow(text.trim_end()), false, BODY);
    let mut pages = flow.pages;
    if let Some(first) = pages.first_mut() {
        first.splice(0..0, runs);
    }
    number(
        faces,
        &mut pages,
        2,
        crate::locale::phrases(&letter.language),
    );
    let mut missing = flow.missing;
    missing.extend(field.missing);
    missing.extend(info.missing);
    Ok(Laid { pages, missing })
}

/// The PDF of laid-out pages.
fn write(letter: &Letter, date: Timestamp, pages: &[Vec<Run>]) -> Result<Vec<u8>> {
    let meta = write::Meta {
        title: &letter.subject,
        author: &letter.from.name,
        letter: &letter.id,
        date,
    };
    write::write(faces()?, &meta, pages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::letter::{Addressee, From, Kind};

    fn letter(channel: Channel, body: &str) -> Letter {
        Letter {
            id: "court".into(),
            kind: Kind::Letter,
            channel,
            from: From {
                name: "Жанна Иванова".into(),
                email: "zhanna@example.org".into(),
            },
            to: vec![Addressee {
                id: "court".into(),
                name: "Әкімшілік басшысы".into(),
                address: "Қонаев көшесі 14\nШымкент".into(),
                place: None,
            }],
            cc: Vec::new(),
            bcc: Vec::new(),
            subject: "Protest".into(),
            body: body.into(),
            message_id: None,
            alternatives: Vec::new(),
            carries: None,
            language: "en".into(),
        }
    }

    fn date() -> Timestamp {
        Timestamp::from_second(1_304_337_600).unwrap()
    }

    #[test]
    fn the_same_letter_gives_the_same_bytes() {
        let l = letter(
            Channel::Fax,
            "FAX\n\nTo: Court\n----------\n\nDear judge,\n",
        );
        let a = render(&l, date()).unwrap().unwrap();
        assert!(a.starts_with(b"%PDF-"));
        assert_eq!(a, render(&l, date()).unwrap().unwrap());
        let later = Timestamp::from_second(1_304_424_000).unwrap();
        assert_ne!(a, render(&l, later).unwrap().unwrap());
    }

    #[test]
    fn only_fax_and_post_have_a_pdf() {
        assert!(
            render(&letter(Channel::Phone, "x\n"), date())
                .unwrap()
                .is_none()
        );
        assert_eq!(
            letter(Channel::Fax, "").pdf_name().as_deref(),
            Some("court.fax.pdf")
        );
        assert_eq!(
            letter(Channel::Post, "").pdf_name().as_deref(),
            Some("court.post.pdf")
        );
        assert_eq!(letter(Channel::Email, "").pdf_name(), None);
    }

    /// Characters the font lacks, control characters, a word wider than the page and an empty
    /// body: set as `?` or broken, never a panic.
    #[test]
    fn unsupported_text_does_not_panic() {
        let long = "x".repeat(500);
        let body = format!("漢字 😀 \u{7}\u{202e}\t{long}\n\n\n");
        for ch in [Channel::Fax, Channel::Post] {
            assert!(render(&letter(ch, &body), date()).unwrap().is_some());
            assert!(render(&letter(ch, ""), date()).unwrap().is_some());
        }
        let faces = faces().unwrap();
        let mut missing = BTreeSet::new();
        assert_eq!(faces.settable("a\tб漢", &mut missing), "a б?");
        assert_eq!(missing.into_iter().collect::<String>(), "漢");
    }

    #[test]
    fn a_long_fax_says_how_many_pages_it_has() {
        let body = format!(
            "FAX\nTo: Court\n----------\n{}",
            "A line of the letter.\n".repeat(120)
        );
        let pages = fax(&letter(Channel::Fax, &body), date()).unwrap().pages;
        assert_eq!(pages.len(), 3);
        let texts = |p: &Vec<Run>| p.iter().map(|r| r.text.clone()).collect::<Vec<_>>();
        assert!(texts(&pages[0]).contains(&"3".to_string()));
        assert!(texts(&pages[0]).contains(&"1/3".to_string()));
        assert!(texts(&pages[2]).contains(&"3/3".to_string()));
        assert!(pages.iter().flatten().all(|r| r.size >= 10.0));
    }

    #[test]
    fn a_postal_letter_numbers_pages_from_the_second() {
        let body = format!(
            "Жанна Иванова\n12 Mill Road\nzhanna@example.org\n\n\nӘкімшілік басшысы\nҚонаев көшесі 14\nШымкент\n\n\n2 May 2011\n\n{}",
            "A line.\n".repeat(60)
        );
        let pages = post(&letter(Channel::Post, &body)).unwrap().pages;
        assert_eq!(pages.len(), 2);
        assert!(!pages[0].iter().any(|r| r.text == "1/2"));
        assert!(pages[1].iter().any(|r| r.text == "2/2"));
        let ret = pages[0].iter().find(|r| r.size < 10.0).unwrap();
        assert_eq!(ret.text, "Жанна Иванова · 12 Mill Road");
        let name = pages[0]
            .iter()
            .find(|r| r.text == "Әкімшілік басшысы")
            .unwrap();
        assert!(name.x >= mm(20.0) && name.y > mm(45.0) + mm(17.7) && name.y < mm(90.0));
    }

    /// Issue 13: a character the font lacks is named, once, for the warning; control
    /// characters and tabs are not (they are dropped or made spaces, not "?").
    #[test]
    fn issue_13_the_characters_set_as_a_question_mark_are_named() {
        let l = letter(
            Channel::Fax,
            "FAX\nTo: Court\n----------\nUnited 𝔘 ☭ 𝔘\t\u{7}\n",
        );
        let pdf = make(&l, date()).unwrap().unwrap();
        assert_eq!(pdf.missing, ['☭', '𝔘']);
        assert_eq!(
            pdf.missing_note().unwrap(),
            "2 characters the font has no glyph for are set as \"?\": ☭ 𝔘 (the .txt keeps them)"
        );
        let one = Pdf {
            bytes: Vec::new(),
            missing: vec!['漢'],
        };
        assert_eq!(
            one.missing_note().unwrap(),
            "1 character the font has no glyph for is set as \"?\": 漢 (the .txt keeps it)"
        );
        let many = Pdf {
            bytes: Vec::new(),
            missing: ('一'..='丝').collect(),
        };
        assert!(many.missing_note().unwrap().contains("专 and 10 more"));
        // The postal letter's address and writer's block count too.
        let mut l = letter(Channel::Post, "A line.\n");
        l.to[0].address = "☭ Street 1".into();
        assert_eq!(make(&l, date()).unwrap().unwrap().missing, ['☭']);
        let plain = letter(Channel::Fax, "FAX\nTo: Court\n----------\nҚонаев\n");
        assert_eq!(make(&plain, date()).unwrap().unwrap().missing_note(), None);
    }

    /// The `ToUnicode` maps of a PDF (written uncompressed): the characters it embeds glyphs for.
    fn embedded_chars(pdf: &[u8]) -> BTreeSet<char> {
        let text = String::from_utf8_lossy(pdf);
        let mut chars = BTreeSet::new();
        for map in text.split("beginbfchar").skip(1) {
            let map = map.split("endbfchar").next().unwrap();
            for pair in map.lines().filter(|l| l.starts_with('<')) {
                let hex = pair.rsplit('<').next().unwrap().trim_end_matches('>');
                let code = u32::from_str_radix(hex, 16).unwrap();
                chars.insert(char::from_u32(code).unwrap());
            }
        }
        chars
    }

    /// Issue 12: a face's embedded objects are kept for the next PDF that sets the same
    /// glyphs. Whether kept or made, a PDF's bytes are the same, and it embeds the glyphs of
    /// its own text only, never those of a PDF made before it.
    #[test]
    fn kept_fonts_give_the_same_bytes_and_only_the_pdfs_own_glyphs() {
        // Twelve faxes that each set a letter no other sets, more than are kept.
        let letters: Vec<Letter> = ('A'..='L')
            .map(|c| {
                letter(
                    Channel::Fax,
                    &format!("FAX\nTo: Court\n----------\n{c}{c} Řůžička\n"),
                )
            })
            .collect();
        let first: Vec<Pdf> = letters
            .iter()
            .map(|l| make_anew(l, date()).unwrap().unwrap())
            .collect();
        let again: Vec<Pdf> = letters
            .iter()
            .rev()
            .map(|l| make_anew(l, date()).unwrap().unwrap())
            .collect();
        for (a, b) in first.iter().zip(again.iter().rev()) {
            assert_eq!(a, b);
        }
        for (l, pdf) in ('A'..='L').zip(&first) {
            let chars = embedded_chars(&pdf.bytes);
            assert!(chars.contains(&l) && chars.contains(&'Ř'), "{chars:?}");
            let others: Vec<char> = ('A'..='L')
                .filter(|&c| c != l && chars.contains(&c))
                .collect();
            // "FAX", "Court", "To:" and the header's words set some capitals of their own.
            let header: BTreeSet<char> = "FAXCTSPDE".chars().collect();
            assert!(others.iter().all(|c| header.contains(c)), "{l}: {others:?}");
        }
    }
}
