//! A letter's language: its date line as the language writes it (CLDR's long date, through
//! ICU4X and the data compiled into it), the language's name for messages, and outcry's own
//! fixed words in letters ([`Phrases`]). English never touches ICU4X, so a run that writes
//! only English letters loads no locale data.

mod phrases;

use std::cell::RefCell;

use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_datetime::fieldsets::YMD;
use icu_datetime::input::Date as IcuDate;
use icu_locale_core::Locale;
use jiff::civil::Date;

pub use phrases::{Phrases, phrases};

/// The letter's date line in the language `lang` (a BCP 47 tag: `ru`, `de`, `kk-KZ`): CLDR's
/// long date in the Gregorian calendar, such as "2 мая 2011 г." or "2. Mai 2011". English is
/// "2 May 2011", as outcry has always written it. Spaces are plain spaces. A malformed tag, or a language CLDR has no
/// dates for, is written in English.
pub fn long_date(date: Date, lang: &str) -> String {
    let Some(locale) = non_english(lang) else {
        return english_date(date);
    };
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some((_, _, text)) = cache.iter().find(|(l, d, _)| *l == locale && *d == date) {
            return text.clone();
        }
        let text = cldr_date(date, &locale).unwrap_or_else(|| english_date(date));
        // A run writes one date in a few languages; the cache stays that small.
        if cache.len() >= CACHE_SIZE {
            cache.remove(0);
        }
        cache.push((locale, date, text.clone()));
        text
    })
}

/// How many (language, date) lines [`long_date`] keeps on each thread: making a formatter
/// costs far more than formatting with it.
const CACHE_SIZE: usize = 16;

thread_local! {
    static CACHE: RefCell<Vec<(Locale, Date, String)>> = const { RefCell::new(Vec::new()) };
}

/// `lang` as a locale, unless it is English or malformed.
fn non_english(lang: &str) -> Option<Locale> {
    let locale = Locale::try_from_str(lang.trim()).ok()?;
    (locale.id.language.as_str() != "en" && !locale.id.language.is_unknown()).then_some(locale)
}

/// `2 May 2011`.
fn english_date(date: Date) -> String {
    date.strftime("%-d %B %Y").to_string()
}

/// CLDR's long date for `locale`, or `None` when CLDR knows no more of the language than its
/// root locale (whose long date reads "2011 M05 2"), or the date is outside ICU4X's range.
fn cldr_date(date: Date, locale: &Locale) -> Option<String> {
    let format = |locale: Locale| -> Option<String> {
        let icu = IcuDate::try_new_gregorian(
            i32::from(date.year()),
            u8::try_from(date.month()).ok()?,
            u8::try_from(date.day()).ok()?,
        )
        .ok()?;
        let formatter = FixedCalendarDateTimeFormatter::try_new(locale.into(), YMD::long()).ok()?;
        // CLDR keeps "2011 г." together with a narrow no-break space (U+202F), which not
        // every font or mail reader shows: a date line stands alone, a plain space will do.
        let text = formatter.format(&icu).to_string();
        Some(text.replace(['\u{202f}', '\u{a0}'], " "))
    };
    let text = format(locale.clone())?;
    (text != format(Locale::UNKNOWN)?).then_some(text)
}

/// The language's name in English ("Russian"), for messages: `None` for a malformed tag; the
/// tag itself (its language part, lowercase) for a language outcry has no name for.
pub fn language_name(lang: &str) -> Option<String> {
    let locale = Locale::try_from_str(lang.trim()).ok()?;
    let code = locale.id.language;
    if code.is_unknown() {
        return None;
    }
    Some(NAMES.iter().find(|(c, _)| *c == code.as_str()).map_or_else(
        || code.as_str().to_string(),
        |(_, name)| (*name).to_string(),
    ))
}

/// English names of the languages campaigns most often write to authorities in (ISO 639-1,
/// and 639-3 where there is no two-letter code); ICU4X's display names are still experimental
/// and far larger than this table.
const NAMES: &[(&str, &str)] = &[
    ("ar", "Arabic"),
    ("az", "Azerbaijani"),
    ("be", "Belarusian"),
    ("bg", "Bulgarian"),
    ("cs", "Czech"),
    ("cy", "Welsh"),
    ("da", "Danish"),
    ("de", "German"),
    ("el", "Greek"),
    ("en", "English"),
    ("es", "Spanish"),
    ("fa", "Persian"),
    ("fi", "Finnish"),
    ("fr", "French"),
    ("he", "Hebrew"),
    ("hi", "Hindi"),
    ("hu", "Hungarian"),
    ("hy", "Armenian"),
    ("id", "Indonesian"),
    ("it", "Italian"),
    ("ja", "Japanese"),
    ("ka", "Georgian"),
    ("kk", "Kazakh"),
    ("ko", "Korean"),
    ("ky", "Kyrgyz"),
    ("nl", "Dutch"),
    ("no", "Norwegian"),
    ("pl", "Polish"),
    ("pt", "Portuguese"),
    ("ro", "Romanian"),
    ("ru", "Russian"),
    ("sr", "Serbian"),
    ("sv", "Swedish"),
    ("tg", "Tajik"),
    ("th", "Thai"),
    ("tk", "Turkmen"),
    ("tr", "Turkish"),
    ("uk", "Ukrainian"),
    ("ur", "Urdu"),
    ("uz", "Uzbek"),
    ("vi", "Vietnamese"),
    ("zh", "Chinese"),
];

#[cfg(test)]
mod tests;
