//! outcry's own fixed words in letters, in each language it ships: the fax header's labels,
//! the postal letter's subject and copy lines, the page numbers, and the line above the
//! original under a translated letter.
//!
//! The English texts are outcry's own; the Russian, Kazakh and German ones are translations
//! still to be checked by a native speaker. A language not here is written in English.

/// outcry's fixed words in one language. Labels keep their colon: "Fax:".
#[derive(Debug, PartialEq, Eq)]
pub struct Phrases {
    /// The language (its BCP 47 primary tag).
    pub lang: &'static str,
    /// The fax's title, above its header ("FAX").
    pub fax_title: &'static str,
    /// The fax header's labels, in the order the header shows them.
    pub to: &'static str,
    pub fax: &'static str,
    pub from: &'static str,
    pub email: &'static str,
    pub date: &'static str,
    pub subject: &'static str,
    pub pages: &'static str,
    pub copy_to: &'static str,
    /// The postal letter's subject line ("Re:") and its list of copies ("cc:").
    pub re: &'static str,
    pub cc: &'static str,
    /// "<language> original below", by the original's language (BCP 47 primary tag), and for
    /// an original in a language not listed.
    original_below: &'static [(&'static str, &'static str)],
    original_below_other: &'static str,
}

impl Phrases {
    /// The number at the foot of page `page` of `pages` (1-based): "1/2".
    pub fn page_number(&self, page: usize, pages: usize) -> String {
        format!("{page}/{pages}")
    }

    /// The line above the original under a translated letter: "English original below",
    /// "Оригинал на английском языке ниже", for an original in the language `original`
    /// (a BCP 47 tag; its primary language is what counts).
    pub fn original_below(&self, original: &str) -> &'static str {
        let primary = primary(original);
        self.original_below
            .iter()
            .find(|(l, _)| l.eq_ignore_ascii_case(primary))
            .map_or(self.original_below_other, |(_, text)| text)
    }
}

/// outcry's fixed words in the language `lang` (a BCP 47 tag; its primary language counts),
/// or in English for a language outcry has no words in.
pub fn phrases(lang: &str) -> &'static Phrases {
    let primary = primary(lang);
    ALL.iter()
        .copied()
        .find(|p| p.lang.eq_ignore_ascii_case(primary))
        .unwrap_or(&EN)
}

/// The primary language subtag of a tag: `ru` of `ru-KZ` (or of `ru_KZ`).
fn primary(tag: &str) -> &str {
    tag.trim().split(['-', '_']).next().unwrap_or_default()
}

static ALL: [&Phrases; 4] = [&EN, &RU, &KK, &DE];

static EN: Phrases = Phrases {
    lang: "en",
    fax_title: "FAX",
    to: "To:",
    fax: "Fax:",
    from: "From:",
    email: "E-mail:",
    date: "Date:",
    subject: "Subject:",
    pages: "Pages:",
    copy_to: "Copy to:",
    re: "Re:",
    cc: "cc:",
    original_below: &[
        ("en", "English original below"),
        ("ru", "Russian original below"),
        ("kk", "Kazakh original below"),
        ("de", "German original below"),
    ],
    original_below_other: "Original below",
};

// Russian: a translation, to be checked by a native speaker.
static RU: Phrases = Phrases {
    lang: "ru",
    fax_title: "ФАКС",
    to: "Кому:",
    fax: "Факс:",
    from: "От:",
    email: "E-mail:",
    date: "Дата:",
    subject: "Тема:",
    pages: "Страниц:",
    copy_to: "Копия:",
    re: "Тема:",
    cc: "Копия:",
    original_below: &[
        ("en", "Оригинал на английском языке ниже"),
        ("ru", "Оригинал на русском языке ниже"),
        ("kk", "Оригинал на казахском языке ниже"),
        ("de", "Оригинал на немецком языке ниже"),
    ],
    original_below_other: "Оригинал ниже",
};

// Kazakh: a translation, to be checked by a native speaker.
static KK: Phrases = Phrases {
    lang: "kk",
    fax_title: "ФАКС",
    to: "Кімге:",
    fax: "Факс:",
    from: "Кімнен:",
    email: "Эл. пошта:",
    date: "Күні:",
    subject: "Тақырыбы:",
    pages: "Беттер саны:",
    copy_to: "Көшірме:",
    re: "Тақырыбы:",
    cc: "Көшірме:",
    original_below: &[
        ("en", "Ағылшын тіліндегі түпнұсқасы төменде"),
        ("ru", "Орыс тіліндегі түпнұсқасы төменде"),
        ("kk", "Қазақ тіліндегі түпнұсқасы төменде"),
        ("de", "Неміс тіліндегі түпнұсқасы төменде"),
    ],
    original_below_other: "Түпнұсқасы төменде",
};

// German: a translation, to be checked by a native speaker.
static DE: Phrases = Phrases {
    lang: "de",
    fax_title: "FAX",
    to: "An:",
    fax: "Fax:",
    from: "Von:",
    email: "E-Mail:",
    date: "Datum:",
    subject: "Betreff:",
    pages: "Seiten:",
    copy_to: "Kopie an:",
    re: "Betreff:",
    cc: "Kopie an:",
    original_below: &[
        ("en", "Englisches Original unten"),
        ("ru", "Russisches Original unten"),
        ("kk", "Kasachisches Original unten"),
        ("de", "Deutsches Original unten"),
    ],
    original_below_other: "Original unten",
};
