//! Phone and fax numbers: parsed, validated and grouped by the `phonenumber` crate, with the
//! metadata of only the calling codes a number needs.
//!
//! phonenumber's own database checks the syntax of all ~4,800 patterns of its ~250 regions on
//! first use, and compiles each pattern with Unicode `\d`: about 100 ms, which every `outcry
//! check` paid (issue 12). Here a number is read against a database of the territories of its
//! calling code (and of the contact's country), loaded from the same metadata file, each
//! pattern written to match alike at less cost ([`pattern`]). phonenumber's parser, validator
//! and data decide as before, so the outcome is the same: a number whose code was guessed
//! wrong, or that does not parse, is read again against the full database, which words the
//! error. The tests compare both paths.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, LazyLock, Mutex, OnceLock, PoisonError};

use phonenumber::country::Id;
use phonenumber::metadata::Database;
use phonenumber::{PhoneNumber, Type};

/// A phone or fax number, normalised to international form.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Phone {
    /// E.164, e.g. `+77272715802`: what a fax machine or phone dials.
    pub e164: String,
    /// Grouped for reading as the number's country writes it, e.g. `+7 727 271 5802`.
    pub international: String,
    /// What kind of line libphonenumber's data says the number is (fixed line, mobile, …).
    #[serde(skip)]
    pub kind: Type,
    /// The country or territory the number belongs to, its ISO 3166 code (`KZ` for
    /// `+7 727 …`, `RU` for `+7 495 …`); None for the calling codes of no country (`+800`).
    #[serde(skip)]
    pub region: Option<String>,
}

impl Phone {
    /// Parses a number as appeals write them: `++7727 2715802`, `00 44 20 …`, `+7 (7172) 74 55 24`.
    /// A number without a country prefix is read in `country`'s national format.
    ///
    /// The same number is read again and again (a bulk mailing's review shows each fax and
    /// phone number of every member's letters), and libphonenumber's reading costs tens of
    /// microseconds: each thread keeps the last few hundred numbers it read.
    pub fn parse(raw: &str, country: Option<&str>) -> Result<Phone, String> {
        type Read = HashMap<(String, Option<String>), Result<Phone, String>>;
        const KEPT: usize = 512;
        thread_local! {
            static READ: RefCell<Read> = RefCell::new(HashMap::new());
        }
        let key = (raw.to_string(), country.map(str::to_string));
        if let Some(known) = READ.with_borrow(|read| read.get(&key).cloned()) {
            return known;
        }
        let read = Phone::read(raw, country);
        READ.with_borrow_mut(|kept| {
            if kept.len() >= KEPT {
                kept.clear();
            }
            kept.insert(key, read.clone());
        });
        read
    }

    /// [`Phone::parse`], reading every time.
    fn read(raw: &str, country: Option<&str>) -> Result<Phone, String> {
        let normalised = normalise(raw);
        let region = country.and_then(|c| Id::from_str(c).ok());
        if let Some(db) = subset(region, &normalised)
            && let Ok(number) = phonenumber::parse_with(&db, region, &normalised)
        {
            return Phone::check(&db, &number, raw);
        }
        let db = &phonenumber::metadata::DATABASE;
        let number = phonenumber::parse_with(db, region, &normalised)
            .map_err(|e| format!("invalid phone number {raw:?}: {e}"))?;
        Phone::check(db, &number, raw)
    }

    /// A parsed number, if valid, in both forms; `db` holds the territories of its calling code.
    fn check(db: &Database, number: &PhoneNumber, raw: &str) -> Result<Phone, String> {
        if !phonenumber::is_valid_with(db, number) {
            return Err(format!(
                "invalid phone number {raw:?}: not a valid number for its country (write it in international form, e.g. +7 727 271 5802)"
            ));
        }
        let region = number.metadata(db).map(|m| m.id().to_string());
        let kazakh = region.as_deref() == Some("KZ");
        let grouping = KAZAKHSTAN.as_ref().filter(|_| kazakh).unwrap_or(db);
        Ok(Phone {
            e164: format!("+{}{}", number.code().value(), number.national()),
            international: international(grouping, number),
            kind: number.number_type(db),
            // Non-geographic calling codes (`+800`, `+882`) are territory "001".
            region: region.filter(|r| r.len() == 2 && r.bytes().all(|b| b.is_ascii_uppercase())),
        })
    }

    /// Why a fax to this number would go astray, if it would: the kind of line it is, when
    /// no fax machine answers that kind, and what a fax to it does instead.
    pub fn not_a_fax(&self) -> Option<(&'static str, &'static str)> {
        match self.kind {
            // Offices' lines. Where a number does not tell fixed from mobile (the US, Canada),
            // it is as likely a fax as any published number.
            Type::FixedLine
            | Type::FixedLineOrMobile
            // Fax services and office telephone systems hand out VoIP numbers; company and
            // toll-free numbers route to an office's lines, fax ones included (US agencies
            // publish toll-free faxes); shared-cost numbers (UK 084x, French 08) are offices'
            // numbers at a charge to the caller.
            | Type::Voip
            | Type::Uan
            | Type::TollFree
            | Type::SharedCost
            // Data that does not say (phonenumber gives the last four for no valid number): no
            // warning that could be wrong.
            | Type::Unknown
            | Type::StandardRate
            | Type::NoInternational
            | Type::ShortCode
            | Type::Carrier => None,
            // A mobile or a pager is in someone's pocket; a personal number (UK 070) follows a
            // person to whatever phone they carry.
            Type::Mobile => Some(("a mobile number", "a fax to a mobile rings someone's phone")),
            Type::Pager => Some(("a pager number", "a pager takes no fax")),
            Type::PersonalNumber => Some((
                "a personal number",
                "it rings whatever phone its owner carries",
            )),
            // A premium line charges the sender by the minute, and a fax of pages takes minutes.
            Type::PremiumRate => Some((
                "a premium-rate number",
                "it charges the sender by the minute",
            )),
            Type::Voicemail => Some(("a voicemail access number", "no fax machine answers it")),
            Type::Emergency => Some(("an emergency number", "a fax to it ties up the line")),
        }
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.international)
    }
}

/// `raw` without the blanks and trailing separators around it, with an international prefix
/// written `++` or `00` turned into `+`.
fn normalise(raw: &str) -> String {
    let trimmed = raw.trim().trim_end_matches(['/', ',', ';']).trim();
    if let Some(rest) = trimmed.strip_prefix("++") {
        format!("+{rest}")
    } else if let Some(rest) = trimmed.strip_prefix("00") {
        format!("+{rest}")
    } else {
        trimmed.to_string()
    }
}

/// phonenumber's international form (its `Mode::International`), which it only writes after
/// loading its full database, whichever database it is given: the first format of the calling
/// code's main region whose leading digits and pattern fit, then the extension.
fn international(db: &Database, number: &PhoneNumber) -> String {
    let code = number.code().value();
    let national = number.national().to_string();
    let Some(meta) = db.by_code(&code).and_then(|m| m.into_iter().next()) else {
        return format!("+{code} {national}");
    };
    let formats = if meta.international_formats().is_empty() {
        meta.formats()
    } else {
        meta.international_formats()
    };
    let format = formats.iter().find(|f| {
        let leading = f.leading_digits();
        leading.is_empty()
            || leading
                .last()
                .and_then(|l| l.find(&national))
                .is_some_and(|m| m.start() == 0)
                && f.pattern()
                    .find(&national)
                    .is_some_and(|m| m.start() == 0 && m.end() == national.len())
    });
    let mut out = format!("+{code} ");
    match format {
        Some(f) => out.push_str(&f.pattern().replace(&national, f.format())),
        None => out.push_str(&national),
    }
    if let Some(ext) = number.extension() {
        out.push_str(meta.preferred_extension_prefix().unwrap_or(" ext. "));
        out.push_str(ext);
    }
    out
}

/// libphonenumber's metadata as phonenumber 0.3.10+9.0.33 ships it (its
/// `assets/PhoneNumberMetadata.xml`, unchanged); a test checks that both agree region by region.
const METADATA: &str = include_str!("phone/PhoneNumberMetadata.xml");

/// The territories of [`METADATA`] in the file's order, each with its calling code.
static TERRITORIES: LazyLock<Vec<Territory>> = LazyLock::new(|| {
    let mut all = Vec::new();
    let mut rest = METADATA;
    while let Some(start) = rest.find("<territory ") {
        let from = &rest[start..];
        let Some(end) = from.find("</territory>").map(|e| e + "</territory>".len()) else {
            break;
        };
        let head = &from[..from.find('>').unwrap_or(0)];
        if let (Some(id), Some(code)) = (attribute(head, "id"), attribute(head, "countryCode"))
            && let Ok(code) = code.parse()
        {
            all.push(Territory {
                id,
                code,
                leading: attribute(head, "leadingDigits"),
                main: attribute(head, "mainCountryForCode") == Some("true"),
                leading_re: OnceLock::new(),
                xml: &from[..end],
            });
        }
        rest = &from[end..];
    }
    all
});

struct Territory {
    id: &'static str,
    code: u16,
    /// The leading digits that tell its numbers from the rest of its calling code's (most
    /// territories sharing `+1` have one: Antigua's `268`).
    leading: Option<&'static str>,
    /// The calling code's main country (`US` for `+1`).
    main: bool,
    /// `leading`, compiled when first needed.
    leading_re: OnceLock<Option<regex::Regex>>,
    xml: &'static str,
}

impl Territory {
    /// Whether a number of `+code digits` can be this territory's, as phonenumber decides
    /// which of a calling code's territories a number is in: a territory with leading digits
    /// only when they begin the number, every other always. The digits are tried from each
    /// of their first three places, for a national prefix or zeros phonenumber may strip
    /// first; a territory that might match is kept, so the small database can only hold more
    /// than phonenumber looks at, never less.
    fn may_hold(&self, digits: &str) -> bool {
        let Some(leading) = self.leading else {
            return true;
        };
        let compiled = self
            .leading_re
            .get_or_init(|| regex::Regex::new(&pattern(leading)).ok());
        let Some(re) = compiled else {
            return true;
        };
        (0..=2.min(digits.len())).any(|k| re.is_match(&digits[k..]))
    }
}

/// The value of `name="…"` in an element's opening tag.
fn attribute<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    let at = head.find(&format!(" {name}=\""))? + name.len() + 3;
    head[at..].split('"').next()
}

/// The small databases loaded so far, by their territories (indexes into [`TERRITORIES`]).
type Loaded = HashMap<Vec<usize>, Option<Arc<Database>>>;

/// The database for reading `normalised` in `region`: the territories of the region's calling
/// code and of the code after a leading `+`, loaded once per process.
fn subset(region: Option<Id>, normalised: &str) -> Option<Arc<Database>> {
    static LOADED: LazyLock<Mutex<Loaded>> = LazyLock::new(Mutex::default);
    let of_region = region.and_then(|r| {
        TERRITORIES
            .iter()
            .find(|t| t.id == r.as_ref())
            .map(|t| t.code)
    });
    let code = calling_code(normalised);
    let mut codes: Vec<u16> = of_region.into_iter().chain(code).collect();
    codes.sort_unstable();
    codes.dedup();
    if codes.is_empty() {
        return None;
    }
    // The digits after a `+` and its calling code: the territories of that code they cannot
    // be in are left out (`+1` has 25: a number of Washington needs the United States' and
    // Canada's patterns, not Antigua's).
    let digits: Option<String> = code.map(|code| {
        normalised
            .chars()
            .filter(char::is_ascii_digit)
            .skip(code.to_string().len())
            .collect()
    });
    let of_codes = || {
        TERRITORIES
            .iter()
            .enumerate()
            .filter(|(_, t)| codes.contains(&t.code))
    };
    let mut wanted: Vec<usize> = of_codes()
        .filter(|(_, t)| {
            Some(t.code) != code
                || t.main
                || region.is_some_and(|r| r.as_ref() == t.id)
                || digits.as_deref().is_none_or(|d| t.may_hold(d))
        })
        .map(|(i, _)| i)
        .collect();
    // phonenumber takes a calling code's only territory without asking whether the number is
    // in it, and asks when the code has several: a shared code keeps at least two.
    let shared = |n: usize| n > 1;
    let of_code = |v: &[usize]| {
        v.iter()
            .filter(|&&i| Some(TERRITORIES[i].code) == code)
            .count()
    };
    let all: Vec<usize> = of_codes().map(|(i, _)| i).collect();
    if shared(of_code(&all)) && !shared(of_code(&wanted)) {
        wanted = all;
    }
    let mut loaded = LOADED.lock().unwrap_or_else(PoisonError::into_inner);
    loaded
        .entry(wanted)
        .or_insert_with_key(|wanted| load(wanted))
        .clone()
}

/// A database of these territories (indexes into [`TERRITORIES`]), their patterns
/// [`prepared`].
fn load(wanted: &[usize]) -> Option<Arc<Database>> {
    let mut xml = String::from("<phoneNumberMetadata><territories>\n");
    for t in wanted.iter().filter_map(|&i| TERRITORIES.get(i)) {
        xml.push_str(&prepared(t.xml));
        xml.push('\n');
    }
    xml.push_str("</territories></phoneNumberMetadata>");
    Database::parse(&xml).ok().map(Arc::new)
}

/// A territory's patterns as the small database holds them ([`pattern`]).
fn prepared(territory: &str) -> String {
    let mut xml = territory.to_string();
    for element in ["nationalNumberPattern", "leadingDigits"] {
        xml = map_between(&xml, &format!("<{element}>"), &format!("</{element}>"));
    }
    for attribute in [
        "pattern",
        "internationalPrefix",
        "nationalPrefixForParsing",
        "leadingDigits",
    ] {
        xml = map_between(&xml, &format!(" {attribute}=\""), "\"");
    }
    xml
}

/// `xml` with the text between each `open` and the next `close` written as a [`pattern`].
fn map_between(xml: &str, open: &str, close: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(at) = rest.find(open) {
        let (head, value) = rest.split_at(at + open.len());
        let end = value.find(close).unwrap_or(value.len());
        out.push_str(head);
        out.push_str(&pattern(&value[..end]));
        rest = &value[end..];
    }
    out.push_str(rest);
    out
}

/// A pattern as the small database holds it, matching as phonenumber's does but cheaper to
/// check and compile: without its layout (phonenumber compiles patterns ignoring whitespace,
/// but checks their syntax with every blank a literal), `\d` written `[0-9]` (the numbers
/// the patterns see are ASCII digits by then), and anchored, `^(?:…)`. phonenumber only uses a
/// match that starts at the first digit (it checks `start() == 0` before it takes a match, its
/// captures or a replacement), and the leftmost match is the one at the start when there is
/// one, so anchoring changes no outcome; it spares the compiler the literal prefilters it
/// builds for searching.
fn pattern(written: &str) -> String {
    let compact: String = written.split_ascii_whitespace().collect();
    format!("^(?:{})", compact.replace(r"\d", "[0-9]"))
}

/// The calling code after a leading `+`: the first one to three digits that are one (no code
/// begins another, so this is the one phonenumber finds, if the number parses at all).
fn calling_code(normalised: &str) -> Option<u16> {
    let digits: String = normalised
        .strip_prefix('+')?
        .chars()
        .filter(char::is_ascii_digit)
        .take(3)
        .collect();
    (1..=digits.len()).find_map(|n| {
        let code = digits[..n].parse().ok()?;
        TERRITORIES.iter().any(|t| t.code == code).then_some(code)
    })
}

/// How Kazakhstan groups its numbers, in libphonenumber's own metadata format. Kazakhstan
/// shares +7 with Russia, and libphonenumber formats every +7 number the Russian way (Almaty's
/// `+7 7272 71 58 02`); Kazakh authorities write `+7 727 271 5802` (Almaty's area code, then
/// the subscriber) and `+7 7172 74 55 24` (a four-digit area code such as Astana's).
const KAZAKHSTAN_FORMATS: &str = r"<phoneNumberMetadata><territories>
<territory id='KZ' countryCode='7' internationalPrefix='810' nationalPrefix='8'>
  <availableFormats>
    <numberFormat pattern='(\d{4})(\d{2})(\d{2})(\d{2})'>
      <leadingDigits>7(?:1|2[0-689])</leadingDigits>
      <format>$1 $2 $3 $4</format>
    </numberFormat>
    <numberFormat pattern='(\d{3})(\d{3})(\d{4})'>
      <format>$1 $2 $3</format>
    </numberFormat>
  </availableFormats>
  <generalDesc><nationalNumberPattern>\d{10}</nationalNumberPattern></generalDesc>
</territory>
</territories></phoneNumberMetadata>";

static KAZAKHSTAN: LazyLock<Option<Database>> =
    LazyLock::new(|| Database::parse(KAZAKHSTAN_FORMATS.replace(r"\d", "[0-9]")).ok());

#[cfg(test)]
mod tests;
