//! Laid-out pages as PDF bytes, with pdf-writer: each face used is embedded as a CID-keyed
//! TrueType font (Identity-H), subset to the glyphs the document sets (subsetter), with a
//! `ToUnicode` map so that the text can be extracted and searched.
//!
//! A bulk mailing makes one fax for each of thousands of members, and they differ in a name
//! and a city: the glyphs they set are mostly the same. So a face's embedded objects (its
//! subset, compressed, its widths and Unicode map) are made once for each set of glyphs and
//! kept ([`embedded`]): a PDF still carries exactly the glyphs it sets, no other member's, and
//! its bytes are the same whether the objects were kept or made.
//!
//! The objects have fixed numbers, so that kept ones can be copied in as they are: 1 to 5 for
//! the regular face, 6 to 10 for the bold one, then the catalog, the page tree and the
//! document information, then each page and its content.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::{Result, anyhow};
use jiff::Timestamp;
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::writers::WMode;
use pdf_writer::{Chunk, Date, Filter, Finish as _, Name, Pdf, Rect, Ref, Str, TextStr};
use sha2::Digest as _;
use skrifa::MetadataProvider as _;
use skrifa::instance::{LocationRef, Size};
use subsetter::GlyphRemapper;

use super::{Faces, PAGE_H, PAGE_W, Run};

/// What the document information says.
pub(super) struct Meta<'a> {
    pub title: &'a str,
    pub author: &'a str,
    /// The letter's id, for errors and the file identifier.
    pub letter: &'a str,
    pub date: Timestamp,
}

const SYSTEM_INFO: SystemInfo = SystemInfo {
    registry: Str(b"Adobe"),
    ordering: Str(b"Identity"),
    supplement: 0,
};

/// The first object number of a face's objects: the Type 0 font, its CID font, the font
/// descriptor, the `ToUnicode` map, the font program.
fn first_ref(bold: bool) -> i32 {
    if bold { 6 } else { 1 }
}

const CATALOG: Ref = Ref::new(11);
const PAGES: Ref = Ref::new(12);
const INFO: Ref = Ref::new(13);
/// Page `i` is object `FIRST_PAGE + 2i`, its content the next.
const FIRST_PAGE: i32 = 14;

/// The characters looked up in tables rather than sets (Latin and Cyrillic), and the words of
/// a bit set of them.
const LOW: usize = super::TABLED as usize;
const LOW_WORDS: usize = LOW.div_ceil(64);

/// The name of a face in a page's resources.
fn resource(bold: bool) -> Name<'static> {
    Name(if bold { b"F1" } else { b"F0" })
}

/// The PDF of `pages` (runs of text, `y` from the top of the page).
pub(super) fn write(faces: &Faces, meta: &Meta<'_>, pages: &[Vec<Run>]) -> Result<Vec<u8>> {
    // The characters each face sets: those below TABLED as bits, the rest in a set.
    let mut low = [[0u64; LOW_WORDS]; 2];
    let mut high: [BTreeSet<char>; 2] = [BTreeSet::new(), BTreeSet::new()];
    for r in pages.iter().flatten() {
        let face = usize::from(r.bold);
        for c in r.text.chars() {
            match usize::try_from(u32::from(c)).ok().filter(|&i| i < LOW) {
                Some(i) => low[face][i / 64] |= 1 << (i % 64),
                None => {
                    high[face].insert(c);
                }
            }
        }
    }
    let mut fonts = Vec::with_capacity(2);
    for bold in [false, true] {
        let face = usize::from(bold);
        let chars = (0..LOW)
            .filter(|i| low[face][i / 64] & (1 << (i % 64)) != 0)
            .filter_map(|i| u32::try_from(i).ok().and_then(char::from_u32))
            .chain(high[face].iter().copied());
        // Each glyph with the character it stands for: the lowest, where several share it.
        let mut used: BTreeMap<u16, char> = BTreeMap::new();
        for c in chars {
            used.entry(glyph16(faces.glyph(c, bold).0)).or_insert(c);
        }
        if used.is_empty() {
            continue;
        }
        let key = used.into_iter().collect();
        let e = embedded(faces, bold, key)
            .map_err(|e| anyhow!("cannot make the PDF of {}: {e}", meta.letter))?;
        fonts.push((bold, e));
    }

    let mut pdf = Pdf::with_capacity(
        fonts.iter().map(|(_, e)| e.chunk.len()).sum::<usize>() + 4096 * (pages.len() + 1),
    );
    for (_, e) in &fonts {
        pdf.extend(&e.chunk);
    }
    pdf.catalog(CATALOG).pages(PAGES);
    let page_refs = (0..pages.len()).map(|i| Ref::new(FIRST_PAGE + 2 * index(i)));
    pdf.pages(PAGES).kids(page_refs).count(index(pages.len()));
    let date = pdf_date(meta.date);
    pdf.document_info(INFO)
        .title(TextStr(meta.title))
        .author(TextStr(meta.author))
        .creator(TextStr("outcry"))
        .creation_date(date)
        .modified_date(date);
    for (i, runs) in pages.iter().enumerate() {
        let page = Ref::new(FIRST_PAGE + 2 * index(i));
        let contents = Ref::new(FIRST_PAGE + 2 * index(i) + 1);
        let mut p = pdf.page(page);
        p.parent(PAGES)
            .media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H))
            .contents(contents);
        let mut resources = p.resources();
        let mut names = resources.fonts();
        for (bold, _) in &fonts {
            names.pair(resource(*bold), Ref::new(first_ref(*bold)));
        }
        names.finish();
        resources.finish();
        p.finish();
        let content = deflate(&page_content(faces, &fonts, runs), FAST);
        pdf.stream(contents, &content).filter(Filter::FlateDecode);
    }
    // The same letter on the same subject: the same identifier.
    let id = sha2::Sha256::digest(format!("outcry {} {}", meta.letter, meta.title))[..16].to_vec();
    pdf.set_file_id((id.clone(), id));
    Ok(pdf.finish())
}

/// The drawing of one page: each run as its glyphs' CIDs (two bytes each, in a literal string
/// escaped only where PDF needs it: a hex string, or pdf-writer's octal escapes, would double
/// the stream and the time spent compressing it), at its place.
fn page_content(faces: &Faces, fonts: &[(bool, Arc<Embedded>)], runs: &[Run]) -> Vec<u8> {
    // Coordinates as PDF reads numbers: no exponent, which Rust's shortest form never uses.
    let num = |v: f32| if v.is_finite() { v } else { 0.0 };
    let mut out =
        Vec::with_capacity(64 + runs.iter().map(|r| 48 + 3 * r.text.len()).sum::<usize>());
    out.extend_from_slice(b"BT\n");
    let mut set: Option<(bool, u32)> = None;
    for r in runs {
        let Some((_, font)) = fonts.iter().find(|(bold, _)| *bold == r.bold) else {
            continue;
        };
        if set != Some((r.bold, r.size.to_bits())) {
            let name = if r.bold { "F1" } else { "F0" };
            let _ = writeln!(out, "/{name} {} Tf", num(r.size));
            set = Some((r.bold, r.size.to_bits()));
        }
        let _ = write!(out, "1 0 0 1 {} {} Tm\n(", num(r.x), num(PAGE_H - r.y));
        for c in r.text.chars() {
            let cid = match font.cids.get(c as usize) {
                Some(&cid) => cid,
                None => font
                    .remapper
                    .get(glyph16(faces.glyph(c, r.bold).0))
                    .unwrap_or(0),
            };
            for b in cid.to_be_bytes() {
                match b {
                    b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
                    // A line end inside a literal string would be read as a line feed.
                    b'\r' => out.extend_from_slice(b"\\r"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b => out.push(b),
                }
            }
        }
        out.extend_from_slice(b") Tj\n");
    }
    out.extend_from_slice(b"ET\n");
    out
}

/// A face's objects for one set of glyphs: copied into every PDF that sets those glyphs.
struct Embedded {
    /// The glyphs and their characters, in glyph order: what these objects were made for.
    key: Vec<(u16, char)>,
    /// The glyphs' numbers in the subset (their CIDs).
    remapper: GlyphRemapper,
    /// The CID of each character below [`LOW`] (0 for those not in the subset).
    cids: Vec<u16>,
    chunk: Chunk,
}

/// The objects of face `bold` for the glyphs of `key`, made or kept. Up to eight sets of
/// glyphs are kept (the most recently used): a bulk mailing's faxes use a few, and nothing
/// grows with the number of members.
fn embedded(faces: &Faces, bold: bool, key: Vec<(u16, char)>) -> Result<Arc<Embedded>> {
    const KEPT: usize = 8;
    static CACHE: Mutex<Vec<(bool, Arc<Embedded>)>> = Mutex::new(Vec::new());
    let found = {
        let mut cache = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
        cache
            .iter()
            .position(|(b, e)| *b == bold && e.key == key)
            .map(|i| {
                let hit = cache.remove(i);
                let e = Arc::clone(&hit.1);
                cache.push(hit);
                e
            })
    };
    if let Some(e) = found {
        return Ok(e);
    }
    let made = Arc::new(embed(faces, bold, key)?);
    let mut cache = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
    if cache.len() >= KEPT {
        cache.remove(0);
    }
    cache.push((bold, Arc::clone(&made)));
    Ok(made)
}

/// Embed the glyphs of `key` of a face: a Type 0 font over a CID TrueType font whose CIDs are
/// the glyphs' numbers in the subset.
fn embed(faces: &Faces, bold: bool, key: Vec<(u16, char)>) -> Result<Embedded> {
    let font = faces.font_ref(bold);
    let data = super::font_data(bold);
    let mut remapper = GlyphRemapper::new();
    for &(g, _) in &key {
        remapper.remap(g);
    }
    let subset = subsetter::subset(data, 0, &remapper)
        .map_err(|e| anyhow!("the shipped font cannot be subset: {e}"))?;
    let first = first_ref(bold);
    let (type0, cid, descriptor, cmap, file) = (
        Ref::new(first),
        Ref::new(first + 1),
        Ref::new(first + 2),
        Ref::new(first + 3),
        Ref::new(first + 4),
    );
    // PDF measures glyphs in thousandths of an em.
    let metrics = font.metrics(Size::new(1000.0), LocationRef::default());
    let widths = font.glyph_metrics(Size::new(1000.0), LocationRef::default());
    let postscript = font
        .localized_strings(skrifa::string::StringId::POSTSCRIPT_NAME)
        .english_or_first()
        .map(|s| {
            s.chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect::<String>()
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "NotoSans".into());
    let base = format!("{}+{postscript}", subset_tag(&key, bold));

    let mut chunk = Chunk::new();
    chunk
        .type0_font(type0)
        .base_font(Name(base.as_bytes()))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(cmap);

    let mut c = chunk.cid_font(cid);
    c.subtype(CidFontType::Type2)
        .base_font(Name(base.as_bytes()))
        .system_info(SYSTEM_INFO)
        .font_descriptor(descriptor)
        .default_width(0.0)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    let mut w = c.widths();
    for g in remapper.remapped_gids() {
        let cid = remapper.get(g).unwrap_or(0);
        let advance = widths
            .advance_width(skrifa::GlyphId::new(u32::from(g)))
            .unwrap_or(0.0);
        w.same(cid, cid, advance);
    }
    w.finish();
    c.finish();

    let bbox = metrics.bounds.map_or(
        Rect::new(0.0, metrics.descent, 1000.0, metrics.ascent),
        |b| Rect::new(b.x_min, b.y_min, b.x_max, b.y_max),
    );
    let weight = font.attributes().weight.value();
    chunk
        .font_descriptor(descriptor)
        .name(Name(base.as_bytes()))
        .flags(FontFlags::SYMBOLIC)
        .bbox(bbox)
        .italic_angle(metrics.italic_angle)
        .ascent(metrics.ascent)
        .descent(metrics.descent)
        .cap_height(metrics.cap_height.unwrap_or(metrics.ascent))
        .stem_v(10.0 + 0.244 * (weight - 50.0))
        .font_file2(file);

    let mut unicode = UnicodeCmap::new(Name(b"Custom"), SYSTEM_INFO);
    for &(g, ch) in &key {
        let cid = remapper.get(g).unwrap_or(0);
        if cid != 0 {
            unicode.pair(cid, ch);
        }
    }
    let unicode = unicode.finish();
    chunk.cmap(cmap, &unicode).writing_mode(WMode::Horizontal);

    let program = deflate(&subset, BEST);
    chunk
        .stream(file, &program)
        .filter(Filter::FlateDecode)
        .pair(
            Name(b"Length1"),
            i32::try_from(subset.len()).unwrap_or(i32::MAX),
        );
    let cids = cid_table(faces, bold, &remapper);
    Ok(Embedded {
        key,
        remapper,
        cids,
        chunk,
    })
}

/// The CID of each character below [`LOW`] in a subset (0 where its glyph is not in it).
fn cid_table(faces: &Faces, bold: bool, remapper: &GlyphRemapper) -> Vec<u16> {
    (0..LOW)
        .map(|i| {
            u32::try_from(i)
                .ok()
                .and_then(char::from_u32)
                .and_then(|c| remapper.get(glyph16(faces.glyph(c, bold).0)))
                .unwrap_or(0)
        })
        .collect()
}

/// Six capital letters naming a subset (PDF 32000-1, 9.6.4): the same for the same glyphs.
fn subset_tag(key: &[(u16, char)], bold: bool) -> String {
    let mut hash = sha2::Sha256::new();
    hash.update([u8::from(bold)]);
    for (g, c) in key {
        hash.update(g.to_be_bytes());
        hash.update(u32::from(*c).to_be_bytes());
    }
    hash.finalize()
        .iter()
        .take(6)
        .map(|b| char::from(b'A' + b % 26))
        .collect()
}

/// The compression of a page's content, made for every PDF: zlib's fastest level, which
/// leaves a page of text about a tenth larger than its default (6) in a third of the time.
const FAST: u32 = 1;

/// The compression of a font program, made once for a set of glyphs and kept.
const BEST: u32 = 9;

/// zlib at `level`.
fn deflate(data: &[u8], level: u32) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(data.len() / 2 + 64),
        flate2::Compression::new(level),
    );
    // Writing to a Vec cannot fail.
    let _ = z.write_all(data);
    z.finish().unwrap_or_default()
}

fn glyph16(g: u32) -> u16 {
    u16::try_from(g).unwrap_or(0)
}

fn index(i: usize) -> i32 {
    i32::try_from(i).unwrap_or(i32::MAX / 4)
}

/// The run's date, in UTC.
fn pdf_date(date: Timestamp) -> Date {
    let utc = date.to_zoned(jiff::tz::TimeZone::UTC);
    let byte = |v: i8| u8::try_from(v).unwrap_or(0);
    Date::new(u16::try_from(utc.year()).unwrap_or(1970))
        .month(byte(utc.month()))
        .day(byte(utc.day()))
        .hour(byte(utc.hour()))
        .minute(byte(utc.minute()))
        .second(byte(utc.second()))
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}
