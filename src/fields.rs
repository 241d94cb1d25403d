//! Validated field types shared by contacts, campaigns and the sender profile:
//! ids, header-safe text, e-mail addresses, phone and fax numbers, countries and URLs.
//!
//! Each parser returns a message fit to follow `file:line: ` on error.

use std::fmt;
use std::str::FromStr;

/// A date as people type it in a flag or an answer: YYYY-MM-DD.
pub fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    s.trim()
        .parse()
        .map_err(|_| "write the date as YYYY-MM-DD".to_string())
}

/// An id that is safe as a file name: `[a-z0-9]` then `[a-z0-9_-]`, at most 64 characters.
pub fn check_id(id: &str) -> Result<(), String> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id.as_bytes()[0].is_ascii_alphanumeric()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid id {id:?}: use lowercase letters, digits, '-' and '_' (at most 64, starting with a letter or digit)"
        ))
    }
}

/// The longest one-line field (a name, a title, a subject): mail headers must stay under
/// 998 characters a line, and a word cannot be folded.
pub const MAX_LINE: usize = 300;

/// Characters no field may hold: controls, and the invisible ones that can make text read
/// differently from what it is (line and paragraph separators, bidirectional overrides,
/// zero-width characters, a byte-order mark).
fn forbidden(c: char) -> bool {
    hidden_control(c)
        || c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'
            // Characters that show as nothing: a combining grapheme joiner, Hangul fillers, the
            // Mongolian vowel separator, the Arabic letter mark, the braille blank.
            | '\u{034F}' | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' | '\u{180E}'
            | '\u{061C}' | '\u{2800}'
        )
}

/// `text` without the blanks around it (spaces, tabs, line breaks, other Unicode spaces); the
/// control characters that `str::trim` would also take off (a form feed, U+0085 ...) stay, for
/// [`check_line`] and [`check_text`] to refuse rather than drop unseen.
pub fn trim(text: &str) -> &str {
    text.trim_matches(|c: char| {
        matches!(c, ' ' | '\t' | '\n') || (c.is_whitespace() && !c.is_control())
    })
}

/// Text that goes into a mail header or a one-line field: no control or invisible
/// characters, at most [`MAX_LINE`] characters.
pub fn check_line(what: &str, text: &str) -> Result<(), String> {
    if let Some(c) = text.chars().find(|&c| forbidden(c)) {
        return Err(format!(
            "{what} contains a control character ({}); it must be a single line of text",
            escape(c)
        ));
    }
    if text.trim().is_empty() {
        return Err(format!("{what} is empty"));
    }
    if text.chars().count() > MAX_LINE {
        return Err(format!("{what} is longer than {MAX_LINE} characters"));
    }
    Ok(())
}

/// Multi-line text (a postal address, a demand): line breaks are allowed, other controls and
/// invisible characters are not.
pub fn check_text(what: &str, text: &str) -> Result<(), String> {
    if let Some(c) = text.chars().find(|&c| forbidden(c) && c != '\n') {
        return Err(format!(
            "{what} contains a control character ({})",
            escape(c)
        ));
    }
    if text.trim().is_empty() {
        return Err(format!("{what} is empty"));
    }
    Ok(())
}

/// A character outcry refuses anywhere in a workspace's text: a control other than tab and
/// line feed (C0, DEL, C1: a terminal acts on them when the review is shown), a carriage
/// return on its own, a bidirectional override or isolate (text that reads differently from
/// what it is), or a Unicode tag character (invisible text).
pub fn hidden_control(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        // Tag characters: invisible, yet they spell out ASCII to a machine reading the text.
        || matches!(c, '\u{E0000}'..='\u{E007F}')
}

/// `text` as one line for the terminal: a line break or other [`hidden_control`] that it
/// quotes from the input (a TOML key, a file name, a CSV header, a server's reply) is shown
/// escaped (`\n`, `\u{1b}`), so that a message is never two lines, nor a line that rewrites
/// the screen.
pub fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c == '\n' || hidden_control(c);
    if !text.contains(unsafe_char) {
        return text.into();
    }
    text.chars()
        .map(|c| {
            if unsafe_char(c) {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

/// A path for a message, as [`shown`].
pub fn shown_path(path: &std::path::Path) -> String {
    shown(&path.to_string_lossy()).into_owned()
}

/// The first [`hidden_control`] in `text`: its byte offset and how to name it.
///
/// Every run reads every rendered letter through this, so it looks at bytes, 32 at a time: a
/// hidden control is an ASCII control other than tab and line feed (below 0x20, or 0x7F) or
/// starts with the byte 0xC2 (U+0080 to U+009F), 0xE2 (the bidirectional overrides) or 0xF3
/// (the tag characters). Only in a run of bytes holding one of those are the characters
/// decoded; those bytes only ever start a character.
// Bitwise, without branches, so that the compiler checks a run of bytes at once.
#[allow(clippy::needless_bitwise_bool)]
pub fn find_hidden_control(text: &str) -> Option<(usize, String)> {
    const RUN: usize = 32;
    let suspect = |b: u8| {
        (b < 0x20 && b != b'\n' && b != b'\t')
            | (b == 0x7F)
            | (b == 0xC2)
            | (b == 0xE2)
            | (b == 0xF3)
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let end = (i + RUN).min(bytes.len());
        if !bytes[i..end].iter().fold(false, |any, &b| any | suspect(b)) {
            i = end;
            continue;
        }
        // From the character the run starts in, to the last one starting in it.
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        while i < end {
            let c = text[i..].chars().next()?;
            if hidden_control(c) {
                return Some((i, escape(c)));
            }
            i += c.len_utf8();
        }
    }
    None
}

/// How a message names a character: `carriage return`, `U+001B, escape`.
pub fn escape(c: char) -> String {
    let name = match c {
        '\r' => return "carriage return".into(),
        '\n' => return "line feed".into(),
        '\t' => return "tab".into(),
        '\0' => ", NUL",
        '\u{7}' => ", bell",
        '\u{8}' => ", backspace",
        '\u{1b}' => ", escape",
        '\u{7f}' => ", delete",
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => ", a bidirectional override",
        '\u{E0000}'..='\u{E007F}' => ", an invisible tag character",
        _ => "",
    };
    format!("U+{:04X}{name}", u32::from(c))
}

/// The longest personal paragraph: a letter in one's own words, not a second letter.
pub const MAX_PERSONAL: usize = 5_000;

/// A personal paragraph: text without control characters, at most [`MAX_PERSONAL`] characters.
pub fn check_personal(text: &str) -> Result<(), String> {
    check_text("the personal paragraph", text)?;
    if text.chars().count() > MAX_PERSONAL {
        return Err(format!(
            "the personal paragraph is longer than {MAX_PERSONAL} characters"
        ));
    }
    Ok(())
}

/// An e-mail address, checked by lettre's parser (the one that will build the message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(pub lettre::Address);

impl FromStr for Email {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        // Mail to authorities goes through ordinary servers: no SMTPUTF8, no quoted local parts.
        if !s.is_ascii() {
            return Err(format!(
                "invalid e-mail address {s:?}: only ASCII addresses are supported (write an internationalised domain in its xn-- form)"
            ));
        }
        if s.contains(['"', ' ', '\\']) {
            return Err(format!(
                "invalid e-mail address {s:?}: spaces and quotes are not allowed"
            ));
        }
        lettre::Address::from_str(s)
            .map(Email)
            .map_err(|e| format!("invalid e-mail address {s:?}: {e}"))
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

pub use crate::phone::Phone;

/// An ISO 3166-1 alpha-2 country code (written in any case, kept in upper case), with its
/// English name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Country(isocountry::CountryCode);

impl Country {
    pub fn code(self) -> &'static str {
        self.0.alpha2()
    }

    /// The country's common short name, as a letter writes it ("United Kingdom"): the
    /// English names of the Unicode CLDR (`en` territories) where they differ from the ISO
    /// 3166 names isocountry gives ("United Kingdom of Great Britain and Northern Ireland").
    pub fn name(self) -> &'static str {
        let code = self.code();
        SHORT_NAMES
            .iter()
            .find(|(c, _)| *c == code)
            .map_or_else(|| self.0.name(), |(_, n)| n)
    }

    /// The countries whose English name is `name`, or starts with it (`germany`, `United
    /// Kingdom`), for a hint when a name is typed where a code belongs.
    pub fn named(name: &str) -> Vec<Country> {
        let typed = name.trim().to_lowercase();
        if typed.chars().count() < 3 {
            return Vec::new();
        }
        let all = || isocountry::CountryCode::iter().map(|c| Country(*c));
        let exact: Vec<Country> = all().filter(|c| c.name().to_lowercase() == typed).collect();
        if !exact.is_empty() {
            return exact;
        }
        all()
            .filter(|c| c.name().to_lowercase().starts_with(&typed))
            .collect()
    }
}

/// Common short names (Unicode CLDR, English) for the countries whose ISO 3166 name is long
/// or formal; every other country is called by its ISO name.
const SHORT_NAMES: [(&str, &str); 29] = [
    ("BN", "Brunei"),
    ("BO", "Bolivia"),
    ("CD", "Congo - Kinshasa"),
    ("CG", "Congo - Brazzaville"),
    ("CV", "Cape Verde"),
    ("FK", "Falkland Islands"),
    ("FM", "Micronesia"),
    ("GB", "United Kingdom"),
    ("IR", "Iran"),
    ("KP", "North Korea"),
    ("KR", "South Korea"),
    ("LA", "Laos"),
    ("MD", "Moldova"),
    ("MF", "St. Martin"),
    ("MK", "North Macedonia"),
    ("PS", "Palestinian Territories"),
    ("RU", "Russia"),
    ("SH", "St. Helena"),
    ("SX", "Sint Maarten"),
    ("SY", "Syria"),
    ("SZ", "Eswatini"),
    ("TW", "Taiwan"),
    ("TZ", "Tanzania"),
    ("US", "United States"),
    ("VA", "Vatican City"),
    ("VE", "Venezuela"),
    ("VG", "British Virgin Islands"),
    ("VI", "U.S. Virgin Islands"),
    ("VN", "Vietnam"),
];

impl FromStr for Country {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s.len() == 2
            && s.bytes().all(|b| b.is_ascii_alphabetic())
            && let Ok(code) = isocountry::CountryCode::for_alpha2(&s.to_ascii_uppercase())
        {
            return Ok(Country(code));
        }
        let found = Country::named(s);
        let hint = if (1..=3).contains(&found.len()) {
            let codes: Vec<String> = found
                .iter()
                .map(|c| format!("{} \u{2192} {}", c.name(), c.code()))
                .collect();
            format!(" ({})", codes.join(", "))
        } else {
            String::new()
        };
        Err(format!(
            "unknown country {s:?}: use an ISO 3166-1 alpha-2 code, such as KZ, GB or DE{hint}"
        ))
    }
}

/// A web address (a contact form): http or https only.
pub fn check_web(raw: &str) -> Result<String, String> {
    match url::Url::parse(raw.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(u.to_string()),
        Ok(_) => Err(format!(
            "invalid web address {raw:?}: use an http:// or https:// URL"
        )),
        Err(e) => Err(format!("invalid web address {raw:?}: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte scan finds what a scan of every character finds, at the same offset: each
    /// character in and around the hidden ones, in ASCII, Cyrillic and the rest.
    #[test]
    fn the_byte_scan_finds_each_hidden_control() {
        let naive = |t: &str| {
            t.char_indices()
                .find(|&(_, c)| hidden_control(c))
                .map(|(i, c)| (i, escape(c)))
        };
        let probes = (0u32..0x300)
            .chain(0x2000..0x2100)
            .chain(0xE000..0xE010)
            .chain(0xDFF80..0xE0100)
            .filter_map(char::from_u32);
        for c in probes {
            for text in [
                format!("{c}"),
                format!("Письмо{c}x"),
                format!("ab\t\n{c}\u{202D}"),
                format!("é{c}"),
                // Across the 32-byte runs the scan reads, at every alignment.
                format!("{}{c}{}", "Ы".repeat(15), "«Ы»".repeat(12)),
                format!("x{}{c}", "Ы".repeat(16)),
                format!("{}{c}", "xЫ".repeat(21)),
            ] {
                assert_eq!(find_hidden_control(&text), naive(&text), "{text:?}");
            }
        }
    }

    #[test]
    fn countries_go_by_their_common_short_names() {
        let name = |code: &str| code.parse::<Country>().map(Country::name);
        assert_eq!(name("GB"), Ok("United Kingdom"));
        assert_eq!(name("RU"), Ok("Russia"));
        assert_eq!(name("KZ"), Ok("Kazakhstan"));
        assert_eq!(name("DE"), Ok("Germany"));
        // The table is sorted, with no code twice and none isocountry lacks.
        assert!(SHORT_NAMES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(
            SHORT_NAMES
                .iter()
                .all(|(c, _)| c.parse::<Country>().is_ok())
        );
    }

    #[test]
    fn ids_are_file_name_safe() {
        assert!(check_id("knb-press").is_ok());
        assert!(check_id("court_2").is_ok());
        for bad in ["", "../x", "a/b", "Knb", "-x", ".hidden", "a b"] {
            assert!(check_id(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn header_text_refuses_control_characters() {
        assert!(check_line("name", "Jane Doe").is_ok());
        let e = check_line("name", "Jane\r\nBcc: x@y").unwrap_err();
        assert!(e.contains("carriage return"), "{e}");
        assert!(check_line("name", "  ").is_err());
        assert!(check_text("post", "1 Street\nCity").is_ok());
        assert!(check_text("post", "1 Street\r\nCity").is_err());
        for sneaky in ["a\u{2028}Bcc: x", "a\u{202E}b", "a\u{200B}b", "\u{FEFF}a"] {
            assert!(check_line("name", sneaky).is_err(), "{sneaky:?}");
        }
        assert!(check_line("name", &"x".repeat(MAX_LINE + 1)).is_err());
    }

    /// Issue 11: a name typed where a code belongs gets its code ("Germany → DE").
    #[test]
    fn issue_11_a_country_name_suggests_its_code() {
        let e = "Germany".parse::<Country>().unwrap_err();
        assert_eq!(
            e,
            "unknown country \"Germany\": use an ISO 3166-1 alpha-2 code, such as KZ, GB or DE (Germany \u{2192} DE)"
        );
        let e = "united kingdom".parse::<Country>().unwrap_err();
        assert_eq!(
            e,
            "unknown country \"united kingdom\": use an ISO 3166-1 alpha-2 code, such as KZ, GB or DE (United Kingdom \u{2192} GB)"
        );
        assert_eq!(
            Country::named("kazakhstan"),
            vec![Country::from_str("KZ").unwrap()]
        );
        assert!(Country::named("Atlantis").is_empty());
    }

    #[test]
    fn countries_and_addresses() {
        assert_eq!("KZ".parse::<Country>().unwrap().name(), "Kazakhstan");
        assert_eq!("kz".parse::<Country>().unwrap().code(), "KZ");
        assert_eq!("nL".parse::<Country>().unwrap().code(), "NL");
        assert!("XX".parse::<Country>().is_err());
        assert!("k".parse::<Country>().is_err());
        assert!("press@knb.kz".parse::<Email>().is_ok());
        assert!("press at knb.kz".parse::<Email>().is_err());
        assert!("jane@bücher.de".parse::<Email>().is_err());
        assert!("\"jane doe\"@example.org".parse::<Email>().is_err());
        assert!(check_web("https://www.osce.org/contacts").is_ok());
        assert!(check_web("javascript:alert(1)").is_err());
    }
}
