use handlebars::Handlebars;
use jiff::civil::date;
use serde_json::{Value, json};

use super::*;
use crate::template::{self, TagKind};

#[test]
fn the_date_line_is_written_as_the_language_writes_it() {
    let d = date(2011, 5, 2);
    assert_eq!(long_date(d, "en"), "2 May 2011");
    assert_eq!(long_date(d, "ru"), "2 мая 2011 г.");
    assert_eq!(long_date(d, "kk"), "2011 ж. 2 мамыр");
    assert_eq!(long_date(d, "de"), "2. Mai 2011");
    // Any language CLDR knows, and a region's own form.
    assert_eq!(long_date(d, "fr"), "2 mai 2011");
    assert_eq!(long_date(d, "uk"), "2 травня 2011 р.");
    assert_eq!(long_date(d, "es"), "2 de mayo de 2011");
    assert_eq!(long_date(date(2011, 12, 31), "ru-KZ"), "31 декабря 2011 г.");
    // Gregorian dates, even where the language's own calendar is another (Thai says "AD").
    assert_eq!(long_date(d, "th"), "2 พฤษภาคม ค.ศ. 2011");
}

#[test]
fn english_is_written_as_outcry_always_has() {
    for d in [date(2011, 5, 2), date(2026, 12, 31), date(1999, 1, 1)] {
        let today = d.strftime("%-d %B %Y").to_string();
        for lang in ["en", "EN", "en-US", "en-GB", " en "] {
            assert_eq!(long_date(d, lang), today, "{lang}");
        }
    }
}

#[test]
fn an_unknown_or_malformed_tag_falls_back_to_english() {
    let d = date(2011, 5, 2);
    for lang in [
        "",
        "und",
        "zz",
        "qaa",
        "x",
        "ru!",
        "русский",
        "en_",
        "-",
        "ru--KZ",
    ] {
        assert_eq!(long_date(d, lang), "2 May 2011", "{lang:?}");
    }
}

#[test]
fn the_date_line_is_kept_per_language_and_date() {
    assert_eq!(long_date(date(2011, 5, 2), "ru"), "2 мая 2011 г.");
    assert_eq!(long_date(date(2011, 5, 3), "ru"), "3 мая 2011 г.");
    assert_eq!(long_date(date(2011, 5, 2), "de"), "2. Mai 2011");
    // More languages than the cache holds: each still reads right.
    for day in 1..=28 {
        assert_eq!(
            long_date(date(2011, 2, day), "de"),
            format!("{day}. Februar 2011")
        );
    }
    assert_eq!(long_date(date(2011, 5, 2), "ru"), "2 мая 2011 г.");
}

#[test]
fn a_language_is_named_in_english() {
    assert_eq!(language_name("ru").as_deref(), Some("Russian"));
    assert_eq!(language_name("kk").as_deref(), Some("Kazakh"));
    assert_eq!(language_name("de").as_deref(), Some("German"));
    assert_eq!(language_name("en").as_deref(), Some("English"));
    assert_eq!(language_name("ru-KZ").as_deref(), Some("Russian"));
    assert_eq!(language_name("RU").as_deref(), Some("Russian"));
    // A language outcry has no name for is its tag; a malformed one has none.
    assert_eq!(language_name("qaa").as_deref(), Some("qaa"));
    assert_eq!(language_name("ZZ").as_deref(), Some("zz"));
    assert_eq!(language_name(""), None);
    assert_eq!(language_name("und"), None);
    assert_eq!(language_name("ru!"), None);
}

#[test]
fn the_fixed_phrases_are_in_the_letters_language() {
    let en = phrases("en");
    assert_eq!(
        [
            en.fax_title,
            en.to,
            en.fax,
            en.from,
            en.email,
            en.date,
            en.subject,
            en.pages,
            en.copy_to,
            en.re,
            en.cc
        ],
        [
            "FAX", "To:", "Fax:", "From:", "E-mail:", "Date:", "Subject:", "Pages:", "Copy to:",
            "Re:", "cc:"
        ]
    );
    assert_eq!(en.page_number(1, 2), "1/2");
    let ru = phrases("ru");
    assert_eq!(
        [
            ru.fax_title,
            ru.to,
            ru.date,
            ru.subject,
            ru.pages,
            ru.copy_to
        ],
        ["ФАКС", "Кому:", "Дата:", "Тема:", "Страниц:", "Копия:"]
    );
    assert_eq!(ru.page_number(3, 10), "3/10");
    let kk = phrases("kk");
    assert_eq!([kk.to, kk.from, kk.date], ["Кімге:", "Кімнен:", "Күні:"]);
    let de = phrases("de");
    assert_eq!(
        [de.to, de.from, de.email, de.date, de.subject, de.re],
        ["An:", "Von:", "E-Mail:", "Datum:", "Betreff:", "Betreff:"]
    );
    // A region's language, any case; a language outcry has no words in is English.
    assert_eq!(phrases("ru-KZ").lang, "ru");
    assert_eq!(phrases("DE").lang, "de");
    assert_eq!(phrases("kk_KZ").lang, "kk");
    for lang in ["fr", "", "ru!", "x"] {
        assert_eq!(phrases(lang), phrases("en"), "{lang:?}");
    }
}

#[test]
fn a_translation_names_its_original_in_its_own_language() {
    assert_eq!(phrases("en").original_below("en"), "English original below");
    assert_eq!(phrases("en").original_below("ru"), "Russian original below");
    assert_eq!(
        phrases("ru").original_below("en"),
        "Оригинал на английском языке ниже"
    );
    assert_eq!(
        phrases("ru").original_below("en-GB"),
        "Оригинал на английском языке ниже"
    );
    assert_eq!(
        phrases("kk").original_below("ru"),
        "Орыс тіліндегі түпнұсқасы төменде"
    );
    assert_eq!(
        phrases("de").original_below("en"),
        "Englisches Original unten"
    );
    assert_eq!(phrases("ru").original_below("fr"), "Оригинал ниже");
    assert_eq!(phrases("fr").original_below("fr"), "Original below");
}

#[test]
fn every_language_has_every_phrase() {
    for lang in ["en", "ru", "kk", "de"] {
        let p = phrases(lang);
        assert_eq!(p.lang, lang);
        let labels = [
            p.to, p.fax, p.from, p.email, p.date, p.subject, p.pages, p.copy_to, p.re, p.cc,
        ];
        assert!(
            labels.iter().all(|l| l.ends_with(':')),
            "{lang}: {labels:?}"
        );
        assert!(!p.fax_title.is_empty());
        for original in ["en", "ru", "kk", "de"] {
            assert_ne!(p.original_below(original), p.original_below("qaa"));
        }
    }
}

/// A layout's translations: (language, text).
type Translations = [(&'static str, &'static str); 3];

/// outcry's layouts and their translations, by name: (name, English, translations).
const LAYOUTS: [(&str, &str, Translations); 4] = [
    (
        "fax",
        include_str!("../layouts/fax.hbs"),
        [
            ("ru", include_str!("../layouts/fax.ru.hbs")),
            ("kk", include_str!("../layouts/fax.kk.hbs")),
            ("de", include_str!("../layouts/fax.de.hbs")),
        ],
    ),
    (
        "post",
        include_str!("../layouts/post.hbs"),
        [
            ("ru", include_str!("../layouts/post.ru.hbs")),
            ("kk", include_str!("../layouts/post.kk.hbs")),
            ("de", include_str!("../layouts/post.de.hbs")),
        ],
    ),
    (
        "call",
        include_str!("../layouts/call.hbs"),
        [
            ("ru", include_str!("../layouts/call.ru.hbs")),
            ("kk", include_str!("../layouts/call.kk.hbs")),
            ("de", include_str!("../layouts/call.de.hbs")),
        ],
    ),
    (
        "web",
        include_str!("../layouts/web.hbs"),
        [
            ("ru", include_str!("../layouts/web.ru.hbs")),
            ("kk", include_str!("../layouts/web.kk.hbs")),
            ("de", include_str!("../layouts/web.de.hbs")),
        ],
    ),
];

/// A template's tags in order, text left out: what it prints and in which blocks.
fn tags(name: &str, text: &str) -> Vec<(String, usize)> {
    let analysis = template::analyse(name, text).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    analysis
        .outline
        .tags
        .iter()
        .map(|t| {
            let kind = match &t.kind {
                TagKind::Print(v) => format!("print {}", v.raw),
                TagKind::Block { name, args } | TagKind::Helper { name, args } => format!(
                    "{name} {}",
                    args.iter()
                        .map(|a| a.raw.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
                other => format!("{other:?}"),
            };
            (kind, t.within.len())
        })
        .collect()
}

/// A layout's context, every variable a layout may print set.
fn context(with_optional: bool) -> Value {
    let person = |name: &str| {
        json!({
            "name": name, "email": "x@example.org", "fax": "+7 727 000 00 00",
            "phone": "+7 727 000 00 01", "web": "https://example.org/contact",
        })
    };
    let maybe = |s: &str| if with_optional { json!(s) } else { json!("") };
    json!({
        "campaign": {"title": "Заголовок", "subject": "Тема", "summary": maybe("Кратко.")},
        "demands": [{"number": 1, "text": "Первое"}, {"number": 2, "text": "Второе"}],
        "addressee": person("КНБ"),
        "sender": {
            "name": "Ann Smith", "email": "ann@example.org",
            "organisation": maybe("Amnesty"), "city": maybe("London"),
        },
        "date": "2 мая 2011 г.",
        "subject": "Тема",
        "body": "Текст письма.",
        "copy_to": if with_optional { json!([person("Copy")]) } else { json!([]) },
        "return_address": maybe("1 Street"),
        "delivery_address": "ул. Абая, 1",
    })
}

#[test]
fn each_translated_layout_uses_exactly_what_its_original_uses() {
    for (name, english, translations) in LAYOUTS {
        let original = tags(name, english);
        assert!(!original.is_empty());
        for (lang, text) in translations {
            let file = format!("{name}.{lang}.hbs");
            assert_eq!(tags(&file, text), original, "{file}");
            assert!(text.ends_with('\n'), "{file}");
        }
    }
}

#[test]
fn each_translated_layout_renders_in_strict_mode() {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    hb.register_escape_fn(handlebars::no_escape);
    for (name, english, translations) in LAYOUTS {
        for (lang, text) in [("en", english)].into_iter().chain(translations) {
            let file = format!("{name}.{lang}.hbs");
            hb.register_template_string(&file, text)
                .unwrap_or_else(|e| panic!("{file}: {e}"));
            for full in [true, false] {
                let out = hb
                    .render(&file, &context(full))
                    .unwrap_or_else(|e| panic!("{file}: {e}"));
                assert!(!out.trim().is_empty(), "{file}");
            }
        }
    }
}

#[test]
fn the_fax_header_labels_are_the_phrases() {
    for (_, _, translations) in LAYOUTS.iter().filter(|(n, _, _)| *n == "fax") {
        for (lang, text) in [("en", LAYOUTS[0].1)].iter().chain(translations) {
            let p = phrases(lang);
            let header: Vec<&str> = text
                .lines()
                .take_while(|l| !l.starts_with("---"))
                .filter_map(|l| l.split_once(':').map(|(k, _)| k))
                .collect();
            let labels = [p.to, p.fax, p.from, p.email, p.date, p.subject, p.copy_to];
            let labels: Vec<&str> = labels.iter().map(|l| l.trim_end_matches(':')).collect();
            assert_eq!(header, labels, "{lang}");
            assert_eq!(text.lines().next(), Some(p.fax_title), "{lang}");
        }
    }
}

#[test]
fn the_postal_letters_subject_and_copy_labels_are_the_phrases() {
    let (_, english, translations) = LAYOUTS[1];
    for (lang, text) in [("en", english)].iter().chain(&translations) {
        let p = phrases(lang);
        let starts = |label: &str| text.lines().filter(|l| l.starts_with(label)).count();
        assert_eq!(starts(&format!("{} {{{{subject}}}}", p.re)), 1, "{lang}");
        assert_eq!(
            starts(&format!("{} {{{{#each copy_to}}}}", p.cc)),
            1,
            "{lang}"
        );
    }
}
