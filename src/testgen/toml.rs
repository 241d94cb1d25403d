//! TOML: strings and values of any type, `key = value` lines, and whole `contacts.toml` and
//! `campaign.toml` files, mostly clean, sometimes wild.

use std::fmt::Write as _;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

use super::text::{field, or_bad, text, words};

/// `s` as a TOML basic string, every control character escaped (so it parses and the
/// checks behind the parser see it).
pub fn toml_escaped(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `s` as a TOML string: escaped, or in a wild file now and then literal, multi-line, or
/// written raw between quotes (which may not parse).
pub fn toml_string(
    s: impl Strategy<Value = String> + 'static,
    wild: bool,
) -> BoxedStrategy<String> {
    if !wild {
        return s.prop_map(|s| toml_escaped(&s)).boxed();
    }
    (s, 0u8..10)
        .prop_map(|(s, how)| match how {
            0 => format!("'{s}'"),
            1 => format!("\"\"\"\n{s}\"\"\""),
            2 => format!("\"{s}\""),
            _ => toml_escaped(&s),
        })
        .boxed()
}

/// A TOML value of any type: strings, numbers too large for anything, dates valid and
/// not, arrays (some nested very deep) and inline tables.
pub fn toml_value() -> BoxedStrategy<String> {
    let scalar = prop_oneof![
        4 => toml_string(text(), true),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        2 => select(&[
            "99999999999999999999999999", "-9223372036854775808", "0x7fffffffffffffff", "1e400",
            "-0.0", "inf", "-inf", "nan", "true", "false", "2011-05-02", "0000-01-01",
            "9999-12-31", "2011-02-30", "2011-13-01", "2011-05-02T10:00:00Z", "07:32:00",
            "1979-05-27T00:32:00.999999-07:00", "2011-05-02 10:00", "\"2011-05-02\"",
            "\"-0001-01-01\"", "\"99999-01-01\"", "[]", "{}", "", "=", "\"", "[[", "{a = }",
        ][..]).prop_map(str::to_string),
    ];
    let deep = (1usize..600).prop_map(|d| format!("{}{}", "[".repeat(d), "]".repeat(d)));
    let deep_tables =
        (1usize..300).prop_map(|d| format!("{}{}", "{ a = ".repeat(d), " 1 }".repeat(d)));
    let nested = scalar.clone().prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            vec(("[a-z-]{1,6}", inner), 0..3).prop_map(|v| {
                let kv: Vec<String> = v.into_iter().map(|(k, v)| format!("{k} = {v}")).collect();
                format!("{{ {} }}", kv.join(", "))
            }),
        ]
    });
    prop_oneof![8 => nested, 1 => deep, 1 => deep_tables].boxed()
}

/// A key of a table: usually one that is expected, sometimes a typo or anything.
fn key(expected: Vec<&'static str>) -> BoxedStrategy<String> {
    prop_oneof![
        8 => select(expected).prop_map(str::to_string),
        1 => "[a-z-]{1,10}",
        1 => text().prop_map(|t| toml_escaped(&t)),
    ]
    .boxed()
}

/// `key = value` lines with the expected keys and their values; in a wild file now and then
/// one left out, a wrong value, an unknown key, a repeated key or a line of garbage.
fn lines(good: Vec<(&'static str, BoxedStrategy<String>)>, wild: bool) -> BoxedStrategy<String> {
    let keys: Vec<&'static str> = good.iter().map(|(k, _)| *k).collect();
    let each: Vec<BoxedStrategy<Option<String>>> = good
        .into_iter()
        .map(|(k, v)| {
            let line = v.prop_map(move |v| Some(format!("{k} = {v}")));
            if !wild {
                return line.boxed();
            }
            prop_oneof![
                12 => line,
                1 => Just(None),
                1 => toml_value().prop_map(move |v| Some(format!("{k} = {v}"))),
            ]
            .boxed()
        })
        .collect();
    let extra = vec(
        prop_oneof![
            (key(keys), toml_value()).prop_map(|(k, v)| format!("{k} = {v}")),
            text(),
            Just("[table]".to_string()),
        ],
        0..if wild { 2 } else { 1 },
    );
    (each, extra, any::<proptest::sample::Index>())
        .prop_map(|(lines, extra, at)| {
            let mut lines: Vec<String> = lines.into_iter().flatten().collect();
            for e in extra {
                lines.insert(at.index(lines.len() + 1), e);
            }
            lines.join("\n") + "\n"
        })
        .boxed()
}

/// The contact ids a generated address book may define and a campaign may name (a clean
/// address book defines them all).
pub const IDS: &[&str] = &["ministry", "court", "coord", "a-1", "b_2"];

/// An id: one of [`IDS`], or in a wild file anything.
fn id(wild: bool) -> BoxedStrategy<String> {
    let good = select(IDS).prop_map(str::to_string).boxed();
    or_bad(wild, good, prop_oneof!["[a-z0-9_-]{1,8}", text()].boxed())
}

fn country(wild: bool) -> BoxedStrategy<String> {
    let good = select(&["KZ", "GB", "DE", "FR", "US", "RU"][..])
        .prop_map(str::to_string)
        .boxed();
    or_bad(wild, good, prop_oneof!["[A-Za-z]{0,3}", text()].boxed())
}

fn quoted(s: impl Strategy<Value = String> + 'static) -> BoxedStrategy<String> {
    s.prop_map(|s| toml_escaped(&s)).boxed()
}

fn phone(wild: bool) -> BoxedStrategy<String> {
    let good = select(
        &[
            "+7 727 271 5802",
            "++7727 2715802",
            "+44 20 7935 1925",
            "0044 20 7935 1925",
        ][..],
    )
    .prop_map(str::to_string)
    .boxed();
    let bad = prop_oneof![
        Just("020 7935 1925".to_string()),
        "[+0-9 ()/.,;x-]{0,30}",
        "\\+[0-9]{1,40}",
        text(),
    ];
    or_bad(wild, good, bad.boxed())
}

fn email(wild: bool) -> BoxedStrategy<String> {
    let good = "[a-z]{1,8}@example\\.org".boxed();
    or_bad(
        wild,
        good,
        prop_oneof!["[a-z.@\"\\\\ -]{0,20}", text()].boxed(),
    )
}

fn web(wild: bool) -> BoxedStrategy<String> {
    let good = Just("https://example.org/appeal".to_string()).boxed();
    let bad = prop_oneof![
        "(https?|ftp|javascript)://[a-z.:@%\\[\\]/?#0-9]{0,20}",
        text()
    ];
    or_bad(wild, good, bad.boxed())
}

/// One contact's table body.
fn contact(wild: bool) -> BoxedStrategy<String> {
    let opt = |s: BoxedStrategy<String>| prop_oneof![1 => Just(None), 1 => s.prop_map(Some)];
    (
        lines(
            vec![
                ("name", quoted(field(wild))),
                ("country", quoted(country(wild))),
            ],
            wild,
        ),
        opt(quoted(email(wild))),
        opt(quoted(phone(wild))),
        opt(quoted(phone(wild))),
        opt(toml_string(or_bad(wild, words(), text()), wild)),
        opt(quoted(web(wild))),
        opt(quoted(field(wild))),
    )
        .prop_map(|(base, email, fax, tel, post, web, salutation)| {
            let mut s = base;
            for (k, v) in [
                ("email", email),
                ("fax", fax),
                ("phone", tel),
                ("post", post),
                ("web", web),
                ("salutation", salutation),
            ] {
                if let Some(v) = v {
                    let _ = writeln!(s, "{k} = {v}");
                }
            }
            s
        })
        .boxed()
}

/// A whole `contacts.toml`: mostly every id of [`IDS`] with good fields (the coordinator
/// with an e-mail address), else contacts and embassies with any ids and fields, or garbage.
pub fn contacts_toml() -> BoxedStrategy<String> {
    let clean = vec(contact(false), IDS.len()..=IDS.len()).prop_map(|bodies| {
        let mut out = String::new();
        for (id, body) in IDS.iter().zip(bodies) {
            let email = if *id == "coord" && !body.contains("email = ") {
                "email = \"coord@example.org\"\n"
            } else {
                ""
            };
            let _ = write!(out, "[contacts.{id}]\n{email}{body}\n");
        }
        out
    });
    let contact_table = (id(true), contact(true)).prop_map(|(id, body)| {
        let header = if id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            id
        } else {
            toml_escaped(&id)
        };
        format!("[contacts.{header}]\n{body}\n")
    });
    let embassy = (country(true), country(true), contact(true)).prop_map(|(s, h, body)| {
        format!(
            "[embassies.{}.{}]\n{body}\n",
            toml_escaped(&s),
            toml_escaped(&h)
        )
    });
    let wild =
        (vec(contact_table, 0..5), vec(embassy, 0..2)).prop_map(|(c, e)| c.concat() + &e.concat());
    prop_oneof![
        8 => clean,
        6 => wild,
        1 => toml_value().prop_map(|v| format!("contacts = {v}\n")),
        1 => text(),
    ]
    .boxed()
}

/// A target of a campaign: a contact, an embassy, or anything.
fn target() -> BoxedStrategy<String> {
    prop_oneof![
        6 => select(IDS).prop_map(str::to_string),
        1 => country(true).prop_map(|c| format!("embassy:{c}")),
        1 => text(),
    ]
    .boxed()
}

fn array(item: BoxedStrategy<String>, len: std::ops::Range<usize>) -> BoxedStrategy<String> {
    vec(item, len)
        .prop_map(|v| format!("[{}]", v.join(", ")))
        .boxed()
}

fn date() -> BoxedStrategy<String> {
    prop_oneof![
        4 => Just("2011-05-02".to_string()),
        1 => (0u32..10000, 0u32..14, 0u32..33).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        1 => Just("\"2011-05-02\"".to_string()),
        1 => quoted(text()),
    ]
    .boxed()
}

/// A whole `campaign.toml`; `subject` is the subject template. Mostly a clean one (every key,
/// good values, targets the clean address book has), else anything.
pub fn campaign_toml(subject: BoxedStrategy<String>) -> BoxedStrategy<String> {
    let one_of = |v: &'static [&'static str]| select(v).prop_map(str::to_string).boxed();
    let clean = lines(
        vec![
            ("title", quoted(words())),
            (
                "subject",
                subject
                    .clone()
                    .prop_map(|s| toml_escaped(&format!("Protest {}", s.replace('\n', " "))))
                    .boxed(),
            ),
            ("issued", Just("2011-05-02".to_string()).boxed()),
            ("demands", array(quoted(words()), 1..4)),
            (
                "to",
                proptest::sample::subsequence(IDS, 1..4)
                    .prop_map(|v| {
                        format!(
                            "[{}]",
                            v.iter()
                                .map(|i| format!("\"{i}\""))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    })
                    .boxed(),
            ),
            ("cc", one_of(&["[\"coord\"]", "[]"])),
            ("copies", one_of(&["\"cc\"", "\"bcc\"", "\"separate\""])),
            ("addressing", one_of(&["\"each\"", "\"joint\""])),
            ("signatories", array(quoted(words()), 0..3)),
        ],
        false,
    );
    let wild = lines(
        vec![
            ("title", quoted(field(true))),
            ("subject", toml_string(subject, true)),
            ("issued", date()),
            ("deadline", date()),
            ("summary", toml_string(field(true), true)),
            ("demands", array(toml_string(field(true), true), 0..4)),
            ("to", array(quoted(target()), 0..4)),
            ("cc", array(quoted(id(true)), 0..2)),
            (
                "copies",
                quoted(or_bad(true, one_of(&["cc", "bcc", "separate"]), text())),
            ),
            (
                "addressing",
                quoted(or_bad(true, one_of(&["each", "joint"]), text())),
            ),
            ("signatories", array(quoted(field(true)), 0..3)),
        ],
        true,
    );
    prop_oneof![2 => clean, 1 => wild].boxed()
}
