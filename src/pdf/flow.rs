//! Text set in lines down pages: wrapping with hanging indents, hand-wrapped paragraphs
//! joined again, paragraphs broken across pages without orphans or widows.

use std::collections::BTreeSet;

use super::{BODY, Faces, LEADING, Run};

/// The length in bytes of the list marker `text` starts with and the spaces after it ("1. ",
/// "12) ", "- ", "* ", "• ", "– "); 0 when there is none.
fn marker(text: &str) -> usize {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let after = &text[digits..];
    let len = if (1..=3).contains(&digits) && (after.starts_with(". ") || after.starts_with(") ")) {
        digits + 1
    } else if digits == 0 {
        ['-', '*', '•', '–']
            .into_iter()
            .find(|&m| after.starts_with(m) && after[m.len_utf8()..].starts_with(' '))
            .map_or(0, char::len_utf8)
    } else {
        0
    };
    if len == 0 {
        return 0;
    }
    len + text[len..].len() - text[len..].trim_start_matches(' ').len()
}

/// One line as set: its text, and how far right of the margin it starts.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    indent: f32,
    text: String,
}

/// `line` broken into lines no wider than `width` points, the ones after the first no wider
/// than `rest`: at spaces, and a word wider than a line where it must. Leading spaces (an
/// indent) stay on the first line.
fn wrap(faces: &Faces, line: &str, bold: bool, size: f32, width: f32, rest: f32) -> Vec<String> {
    let line = line.trim_end();
    if line.is_empty() {
        return vec![String::new()];
    }
    // Widths are summed a character at a time, left to right, as [`Faces::width`] sums them:
    // a candidate line's width is the width so far plus its next word's characters.
    let add = |w: f32, s: &str| s.chars().fold(w, |w, c| w + faces.advance(c, bold, size));
    let limit = |out: &Vec<String>| if out.is_empty() { width } else { rest };
    let mut out = Vec::new();
    let mut cur = String::new();
    let indent_len = line.len() - line.trim_start().len();
    cur.push_str(&line[..indent_len]);
    let mut cur_w = add(0.0, &cur);
    for word in line.trim_start().split(' ') {
        let blank = cur.trim().is_empty();
        let candidate_w = add(if blank { cur_w } else { add(cur_w, " ") }, word);
        if candidate_w <= limit(&out) {
            if !blank {
                cur.push(' ');
            }
            cur.push_str(word);
            cur_w = candidate_w;
            continue;
        }
        if !blank {
            out.push(std::mem::take(&mut cur));
        }
        // The word alone, broken where it must be.
        let mut piece = String::new();
        let mut piece_w = 0.0;
        for c in word.chars() {
            let w = piece_w + faces.advance(c, bold, size);
            if w > limit(&out) && !piece.is_empty() {
                out.push(std::mem::take(&mut piece));
                piece_w = faces.advance(c, bold, size);
            } else {
                piece_w = w;
            }
            piece.push(c);
        }
        cur = piece;
        cur_w = piece_w;
    }
    out.push(cur);
    out
}

/// One line of text set in lines of `width` points: wrapped, its continuation lines indented
/// under the text after its leading spaces and list marker (a hanging indent), when that
/// leaves them at least half the width.
fn set(faces: &Faces, line: &str, bold: bool, size: f32, width: f32) -> Vec<Line> {
    let body = line.trim_start_matches(' ');
    let lead = line.len() - body.len() + marker(body);
    let hang = Some(faces.width(&line[..lead], bold, size)).filter(|&h| h <= width / 2.0);
    let hang = hang.unwrap_or(0.0);
    wrap(faces, line, bold, size, width, width - hang)
        .into_iter()
        .enumerate()
        .map(|(i, text)| Line {
            indent: if i == 0 { 0.0 } else { hang },
            text,
        })
        .collect()
}

/// `text` with the lines of each paragraph that were wrapped by hand (a template wrapped at 72
/// columns) joined, so that the page wraps them. A line break is taken for such a wrap when
/// the next line's first word would not have fitted on the line within the text's column (the
/// longest line that another line of its paragraph follows, 60 characters or more; none, no
/// joining), give or take a quarter (people wrap by hand, and not greedily), and the next line
/// is no list item and starts where the text of its paragraph's first line (after the indent
/// and list marker) starts. Short lines (addresses, signatures, a salutation) stay as they
/// are.
pub(super) fn reflow(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let chars = |s: &str| s.trim_end().chars().count();
    let indent = |s: &str| s.len() - s.trim_start_matches(' ').len();
    let follows = |b: &str| !b.trim().is_empty() && marker(b.trim_start_matches(' ')) == 0;
    let column = lines
        .windows(2)
        .filter(|w| !w[0].trim().is_empty() && follows(w[1]))
        .map(|w| chars(w[0]))
        .max()
        .filter(|&c| c >= 60);
    let Some(column) = column else {
        return text.to_string();
    };
    let mut out = String::with_capacity(text.len());
    // Where the text of the current paragraph's first line starts, in characters.
    let mut start = 0;
    for (i, line) in lines.iter().enumerate() {
        let prev = if i == 0 { "" } else { lines[i - 1] };
        let word = line.split_whitespace().next().unwrap_or("");
        let joins = !prev.trim().is_empty()
            && follows(line)
            && indent(line) == start
            && chars(prev) + 1 + word.chars().count() > column * 3 / 4;
        if joins {
            out.push(' ');
            out.push_str(line.trim_start_matches(' '));
            continue;
        }
        if i > 0 {
            out.push('\n');
        }
        out.push_str(line);
        let body = line.trim_start_matches(' ');
        start = line[..line.len() - body.len() + marker(body)]
            .chars()
            .count();
    }
    out
}

/// How many of a paragraph's `n` lines to set on this page, where `room` lines fit, before
/// going on to the next: all if they fit, else at least two on each page (no first line alone
/// at the foot, no last line alone at the head), or none.
fn lines_here(n: usize, room: usize) -> usize {
    if room >= n {
        return n;
    }
    let k = if n - room < 2 {
        n.saturating_sub(2)
    } else {
        room
    };
    if k < 2 { 0 } else { k }
}

/// Sets lines of text down a page and on to new ones.
pub(super) struct Flow<'f> {
    faces: &'f Faces,
    pub(super) pages: Vec<Vec<Run>>,
    x: f32,
    width: f32,
    y: f32,
    /// Where text starts on the pages after the first, and where it must stop.
    top: f32,
    bottom: f32,
    /// The characters set as `?`.
    pub(super) missing: BTreeSet<char>,
}

impl<'f> Flow<'f> {
    pub(super) fn new(faces: &'f Faces, x: f32, width: f32, y: f32, top: f32, bottom: f32) -> Self {
        Flow {
            faces,
            pages: vec![Vec::new()],
            x,
            width,
            y,
            top,
            bottom,
            missing: BTreeSet::new(),
        }
    }

    fn page(&mut self) -> &mut Vec<Run> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// `text` as the font can set it, noting what it cannot.
    fn settable(&mut self, text: &str) -> String {
        self.faces.settable(text, &mut self.missing)
    }

    /// How many lines `step` apart still fit on this page.
    fn room(&self, step: f32) -> usize {
        self.lines_from(self.y, step)
    }

    /// How many lines `step` apart fit on a new page.
    fn room_on_new_page(&self, step: f32) -> usize {
        self.lines_from(self.top, step)
    }

    /// How many lines `step` apart fit below `y`, counted as [`Flow::line`] sets them.
    fn lines_from(&self, mut y: f32, step: f32) -> usize {
        let mut n = 0;
        while step > 0.0 && y + step <= self.bottom {
            y += step;
            n += 1;
        }
        n
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = self.top;
    }

    /// Sets `text` (lines separated by `\n`, paragraphs by empty lines) from the current
    /// position, wrapped; a paragraph breaks across pages as [`lines_here`] says, and an
    /// empty line at the head of a page is left out.
    pub(super) fn text(&mut self, text: &str, bold: bool, size: f32) {
        let mut lines = Vec::new();
        for line in text.split('\n') {
            let line = self.settable(line);
            lines.extend(set(self.faces, &line, bold, size, self.width));
        }
        let step = size * LEADING;
        let mut rest = &lines[..];
        while let Some(first) = rest.first() {
            if first.text.is_empty() {
                // Left out at the foot of a page and at its head.
                let at_head = self.pages.len() > 1 && self.page().is_empty();
                if self.room(step) > 0 && !at_head {
                    self.line(first, bold, size);
                }
                rest = &rest[1..];
                continue;
            }
            let n = rest.iter().take_while(|l| !l.text.is_empty()).count();
            let room = self.room(step);
            let mut k = lines_here(n, room);
            // A line that leads into the next paragraph ("Yours faithfully,", "the following
            // demands:") goes with that paragraph's first lines.
            if n == 1 && first.text.trim_end().ends_with([',', ':']) {
                let blank = rest[1..].iter().take_while(|l| l.text.is_empty()).count();
                let next = rest[1 + blank..].iter().take_while(|l| !l.text.is_empty());
                let needed = 1 + blank + next.count().min(2);
                if needed > room && needed <= self.room_on_new_page(step) {
                    k = 0;
                }
            }
            if k == 0 && self.page().is_empty() {
                k = room.max(1);
            }
            for l in &rest[..k] {
                self.line(l, bold, size);
            }
            if k < n {
                self.new_page();
            }
            rest = &rest[k..];
        }
    }

    fn line(&mut self, line: &Line, bold: bool, size: f32) {
        let step = size * LEADING;
        if self.y + step > self.bottom {
            self.new_page();
        }
        self.y += step;
        let (x, y) = (self.x + line.indent, self.y);
        if !line.text.is_empty() {
            self.page().push(Run {
                x,
                y,
                bold,
                size,
                text: line.text.clone(),
            });
        }
    }

    /// A blank line of `size` points.
    pub(super) fn skip(&mut self, size: f32) {
        self.line(
            &Line {
                indent: 0.0,
                text: String::new(),
            },
            false,
            size,
        );
    }

    /// A labelled line: the label in bold, the value wrapped beside it from `tab` points.
    pub(super) fn field(&mut self, label: &str, value: &str, tab: f32) {
        let width = self.width - tab;
        let mut first = true;
        for line in value.split('\n') {
            let line = self.settable(line);
            for l in wrap(self.faces, &line, false, BODY, width, width) {
                self.skip(BODY);
                let y = self.y;
                if first {
                    let (x, text) = (self.x, self.settable(label));
                    self.page().push(Run {
                        x,
                        y,
                        bold: true,
                        size: BODY,
                        text,
                    });
                    first = false;
                }
                let x = self.x + tab;
                self.page().push(Run {
                    x,
                    y,
                    bold: false,
                    size: BODY,
                    text: l,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::faces;

    #[test]
    fn lines_fit_the_width_and_keep_every_word() {
        let faces = faces().unwrap();
        let text = "Қуғын-сүргінді тоқтату and an end to police harassment of activists, now";
        let lines = wrap(faces, text, false, BODY, 120.0, 120.0);
        assert!(lines.len() > 2, "{lines:?}");
        assert!(lines.iter().all(|l| faces.width(l, false, BODY) <= 120.0));
        assert_eq!(lines.join(" "), text);
        assert_eq!(
            wrap(faces, "  1. indented", false, BODY, 500.0, 500.0),
            ["  1. indented"]
        );
    }

    /// Issue 13: a wrapped list item ("8. ...", "- ...") continues under the text after its
    /// marker; a wrapped indented line under its indent; a plain one at the margin.
    #[test]
    fn issue_13_wrapped_list_items_hang() {
        let faces = faces().unwrap();
        let item = "  8. Full support for \"Kazakhstan 2012\" - for a mass workers' party with a socialist programme.";
        let lines = set(faces, item, false, BODY, 250.0);
        assert!(lines.len() >= 3, "{lines:?}");
        let hang = faces.width("  8. ", false, BODY);
        let near = |a: f32, b: f32| (a - b).abs() < 0.01;
        assert!(near(lines[0].indent, 0.0));
        assert!(lines[0].text.starts_with("  8. Full"));
        assert!(
            lines[1..]
                .iter()
                .all(|l| near(l.indent, hang) && !l.text.starts_with(' '))
        );
        assert!(
            lines
                .iter()
                .all(|l| l.indent + faces.width(&l.text, false, BODY) <= 250.0)
        );
        for (text, marker) in [
            ("- a point made at some length here", "- "),
            ("12) twelve words or so of text to wrap", "12) "),
            ("   quoted words that go on and on", "   "),
        ] {
            let lines = set(faces, text, false, BODY, 90.0);
            assert!(lines.len() > 1, "{lines:?}");
            assert!(
                near(lines[1].indent, faces.width(marker, false, BODY)),
                "{text}"
            );
        }
        let plain = set(
            faces,
            "1.5 million people marched on the first of May that year",
            false,
            BODY,
            90.0,
        );
        assert!(plain.iter().all(|l| near(l.indent, 0.0)), "{plain:?}");
        assert_eq!(marker("1. x"), 3);
        assert_eq!(marker("•  x"), "•  ".len());
        assert_eq!(marker("2011. x"), 0);
        assert_eq!(marker("-x"), 0);
    }

    /// Issue 13: a paragraph breaks across pages with two lines or more on each side, or goes
    /// whole to the next page.
    #[test]
    fn issue_13_no_orphans_or_widows() {
        assert_eq!(lines_here(3, 5), 3);
        assert_eq!(lines_here(4, 1), 0);
        assert_eq!(lines_here(4, 3), 2);
        assert_eq!(lines_here(5, 3), 3);
        assert_eq!(lines_here(2, 1), 0);
        assert_eq!(lines_here(3, 2), 0);
        assert_eq!(lines_here(10, 0), 0);
        let faces = faces().unwrap();
        let step = BODY * LEADING;
        // Five lines to a page.
        let flow = |text: &str| {
            let mut f = Flow::new(faces, 0.0, 400.0, 0.0, 0.0, step * 5.0 + 0.1);
            f.text(text, false, BODY);
            f.pages
                .iter()
                .map(|p| {
                    p.iter()
                        .map(|r| r.text.as_str())
                        .collect::<Vec<_>>()
                        .join("|")
                })
                .collect::<Vec<_>>()
        };
        // The first line of a paragraph alone at the foot: the paragraph goes on.
        assert_eq!(flow("a\nb\nc\n\nd1\nd2\nd3"), ["a|b|c", "d1|d2|d3"]);
        // Its last line alone at the head: one more line goes with it.
        assert_eq!(flow("a\n\nd1\nd2\nd3\nd4"), ["a|d1|d2", "d3|d4"]);
        // A closing line goes with the signature; the empty line at the head is left out.
        assert_eq!(
            flow("a\nb\n\nYours,\n\nName\nCity"),
            ["a|b", "Yours,|Name|City"]
        );
        let mut f = Flow::new(faces, 0.0, 400.0, 0.0, 0.0, step * 5.0 + 0.1);
        f.text("a\nb\nc\nd\ne\n\nf", false, BODY);
        assert!((f.pages[1][0].y - step).abs() < 0.01);
        // A paragraph longer than a page breaks where it must.
        assert_eq!(flow("1\n2\n3\n4\n5\n6\n7"), ["1|2|3|4|5", "6|7"]);
    }

    /// Issue 13: the lines of a hand-wrapped paragraph are joined for the page; addresses,
    /// signatures, salutations and list items keep their lines.
    #[test]
    fn issue_13_hand_wrapped_paragraphs_are_joined() {
        let text = "Your Honour,\n\n\
            I am writing to protest in the strongest terms against the violence used against\n\
            peaceful activists at the official May Day demonstration in Almaty on 1 May 2011.\n\
            Activists of the \"Kazakhstan 2012\" movement and Socialist Resistance Kazakhstan took part\n\
            in an event organised by the authorities themselves.\n\n\
            I call on you to act on the following demands:\n\n\
            \x20 1. An end to police harassment and violence against opposition activists, and\n\
            \x20    an enquiry.\n\
            \x20 2. Charges against Dmitry Tikhonov to be dropped.\n\
            - a point\n\n\
            Yours faithfully,\n\n\
            Жанна Иванова\n\
            12 Mill Road\n\
            Leeds, United Kingdom";
        let want = "Your Honour,\n\n\
            I am writing to protest in the strongest terms against the violence used against \
            peaceful activists at the official May Day demonstration in Almaty on 1 May 2011. \
            Activists of the \"Kazakhstan 2012\" movement and Socialist Resistance Kazakhstan took part \
            in an event organised by the authorities themselves.\n\n\
            I call on you to act on the following demands:\n\n\
            \x20 1. An end to police harassment and violence against opposition activists, and \
            an enquiry.\n\
            \x20 2. Charges against Dmitry Tikhonov to be dropped.\n\
            - a point\n\n\
            Yours faithfully,\n\n\
            Жанна Иванова\n\
            12 Mill Road\n\
            Leeds, United Kingdom";
        assert_eq!(reflow(text), want);
        // No line long enough to have been wrapped: nothing joined.
        let short = "Dear Sir,\n\nFree them now.\nAll of them.\n\nJ. Smith\n1 Road\nTown";
        assert_eq!(reflow(short), short);
        assert_eq!(reflow(""), "");
    }
}
