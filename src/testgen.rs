//! Generators for the property tests: text, TOML, handlebars templates and CSV files as a
//! stranger's workspace might hold them. Mostly valid-looking, so that the checks behind the
//! parsers are reached too, with the odd control character, wrong type, huge number or broken
//! quote. The unit tests use it as `crate::testgen`, the integration tests through `#[path]`:
//! so it uses nothing but `proptest` and `std`.

use std::fmt::Write as _;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

/// Characters that make trouble: controls, quotes, braces, line ends, bidirectional overrides,
/// zero-width characters, a byte-order mark, combining accents, wide and astral characters.
const NASTY: &[char] = &[
    '\0',
    '\t',
    '\n',
    '\r',
    '\u{7}',
    '\u{8}',
    '\u{b}',
    '\u{c}',
    '\u{1b}',
    '\u{7f}',
    '\u{85}',
    '\u{a0}',
    '\u{200b}',
    '\u{200e}',
    '\u{2028}',
    '\u{2029}',
    '\u{202e}',
    '\u{2066}',
    '\u{2069}',
    '\u{feff}',
    '"',
    '\'',
    '\\',
    '{',
    '}',
    '#',
    '/',
    '>',
    '~',
    '!',
    '=',
    '[',
    ']',
    ',',
    ';',
    '.',
    '@',
    '+',
    '-',
    '_',
    ':',
    '*',
    '(',
    ')',
    '&',
    '<',
    'é',
    'ß',
    'а',
    'й',
    'Ω',
    '中',
    '😀',
    '\u{301}',
    '\u{fffd}',
    '\u{10ffff}',
];

/// One character, mostly plain letters.
pub fn char_any() -> impl Strategy<Value = char> {
    prop_oneof![
        6 => proptest::char::range('a', 'z'),
        1 => proptest::char::range('A', 'Z'),
        1 => proptest::char::range('0', '9'),
        2 => Just(' '),
        3 => select(NASTY),
        1 => any::<char>(),
    ]
}

/// A string of [`char_any`], now and then longer than a line may be.
pub fn text() -> BoxedStrategy<String> {
    prop_oneof![
        10 => vec(char_any(), 0..24).prop_map(|v| v.into_iter().collect::<String>()),
        1 => (char_any(), 290usize..320).prop_map(|(c, n)| std::iter::repeat_n(c, n).collect::<String>()),
    ]
    .boxed()
}

/// Plain words: what a valid field usually holds.
pub fn words() -> BoxedStrategy<String> {
    "[A-Z][a-z]{1,8}( [A-Za-z]{1,8}){0,3}".boxed()
}

/// `good`; in a wild file, now and then `bad`.
fn or_bad(
    wild: bool,
    good: BoxedStrategy<String>,
    bad: BoxedStrategy<String>,
) -> BoxedStrategy<String> {
    if wild {
        prop_oneof![4 => good, 1 => bad].boxed()
    } else {
        good
    }
}

/// Plain words; in a wild file, sometimes anything.
pub fn field(wild: bool) -> BoxedStrategy<String> {
    or_bad(wild, words(), text())
}

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

/// Names of the shared partials (`letters/_partials/<name>.hbs`) a template set may use.
pub const PARTIALS: &[&str] = &["p0", "p1", "p2"];
/// Names of inline partials (`{{#*inline "i0"}}`).
const INLINE: &[&str] = &["i0", "i1"];

/// Paths a template may print: defined ones, and some that are not.
const VARS: &[&str] = &[
    "campaign.title",
    "campaign.id",
    "campaign.deadline",
    "recipient.name",
    "recipient.salutation",
    "recipient.country_name",
    "sender.name",
    "sender.city",
    "date",
    "personal",
    "this",
    "@index",
    "@first",
    "number",
    "text",
    "name",
    "../campaign.title",
    "demands.[0].text",
    "signer.note",
    "signatories",
    "subject",
    "body",
    "addressee.name",
    "copy_to",
    "nope",
    "sender.nope.x",
    "demands.length",
    "[odd key]",
    "lookup",
    "@root.date",
];

/// Paths that every context has: a clean template renders.
const DEFINED: &[&str] = &[
    "@root.campaign.title",
    "@root.campaign.id",
    "@root.recipient.name",
    "@root.sender.name",
    "@root.recipient.salutation",
    "@root.date",
    "@root.personal",
    "this",
];

/// What may stand where a block's contents go. A clean one uses only [`DEFINED`] paths
/// and well-formed tags.
fn leaf(partials: &'static [&'static str], clean: bool) -> BoxedStrategy<String> {
    let var = move || select(if clean { DEFINED } else { VARS });
    let mut options: Vec<(u32, BoxedStrategy<String>)> = vec![
        (8, "[A-Za-z ,.\n]{0,12}".boxed()),
        (6, var().prop_map(|v| format!("{{{{{v}}}}}")).boxed()),
        (1, var().prop_map(|v| format!("{{{{{{{v}}}}}}}")).boxed()),
        (1, var().prop_map(|v| format!("{{{{~{v}~}}}}")).boxed()),
    ];
    if !clean {
        options.push((2, text()));
        options.push((
            2,
            select(
                &[
                    "{{!-- note --}}",
                    "{{! note }}",
                    "\\{{escaped}}",
                    "{{",
                    "}}",
                    "{{{",
                    "{{#if}}",
                    "{{/if}}",
                    "{{/each}}",
                    "{{else}}",
                    "{{> }}",
                    "{{> (lookup . \"x\")}}",
                    "{{lookup demands 0}}",
                    "{{lookup @root \"date\"}}",
                    "{{log \"x\"}}",
                    "{{len demands}}",
                    "{{#each}}{{/each}}",
                    "{{#if demands}}",
                    "{{/inline}}",
                    "{{#*inline \"i0\"}}",
                    "{{else if campaign.id}}",
                    "{{#if (eq 1 1)}}x{{/if}}",
                    "{{#each demands as |d i|}}{{d.text}}{{i}}{{/each}}",
                    "{{~}}",
                    "{{ }}",
                    "{{this.[0]}}",
                    "{{../../../x}}",
                    "{{#raw}}{{/raw}}",
                    "{{{{raw}}}}{{x}}{{{{/raw}}}}",
                ][..],
            )
            .prop_map(str::to_string)
            .boxed(),
        ));
    }
    if !partials.is_empty() {
        options.push((
            1,
            (select(partials), 0u8..3)
                .prop_map(|(p, how)| match how {
                    0 => format!("{{{{> {p}}}}}"),
                    1 => format!("{{{{~> {p} name=\"x\"~}}}}"),
                    _ => format!("{{{{> {p} sender}}}}"),
                })
                .boxed(),
        ));
    }
    proptest::strategy::Union::new_weighted(options).boxed()
}

/// A handlebars template that may use the shared partials `partials`: text, variables, blocks
/// (`if`, `unless`, `each`, `with`, partial blocks, inline partials), whitespace control and
/// broken tags. Inline partials are used only where they are defined and never include
/// themselves, so that the template never includes itself.
pub fn template(partials: &'static [&'static str]) -> BoxedStrategy<String> {
    prop_oneof![
        6 => vec(block(partials, 2, true), 0..6).prop_map(|v| v.concat()),
        1 => vec(block(partials, 2, false), 0..6).prop_map(|v| v.concat()),
    ]
    .boxed()
}

fn block(partials: &'static [&'static str], depth: u32, clean: bool) -> BoxedStrategy<String> {
    if depth == 0 {
        return leaf(partials, clean);
    }
    let body = || vec(block(partials, depth - 1, clean), 0..4).prop_map(|v| v.concat());
    let tilde = || select(&["", "~"][..]);
    let var = select(if clean { DEFINED } else { VARS });
    let lists: &[&str] = if clean {
        &[
            "@root.demands",
            "@root.recipients",
            "@root.signatories",
            "@root.campaign",
        ]
    } else {
        &[
            "demands",
            "recipients",
            "signatories",
            "campaign",
            "nope",
            "@index",
        ]
    };
    let mut options: Vec<(u32, BoxedStrategy<String>)> = vec![
        (6, leaf(partials, clean)),
        (
            2,
            (
                select(&["if", "unless", "with"][..]),
                var,
                body(),
                prop::option::of(body()),
                tilde(),
                tilde(),
            )
                .prop_map(|(h, v, a, b, t1, t2)| match b {
                    Some(b) => format!(
                        "{{{{{t1}#{h} {v}{t2}}}}}{a}{{{{{t2}else{t1}}}}}{b}{{{{{t1}/{h}{t2}}}}}"
                    ),
                    None => format!("{{{{{t1}#{h} {v}{t2}}}}}{a}{{{{{t1}/{h}{t2}}}}}"),
                })
                .boxed(),
        ),
        (
            2,
            (select(lists), body(), tilde())
                .prop_map(|(v, a, t)| format!("{{{{#each {v}{t}}}}}{a}{{{{{t}/each}}}}"))
                .boxed(),
        ),
        (
            1,
            (select(INLINE), body(), select(INLINE))
                .prop_map(|(name, a, _)| {
                    // Defined, then used: an inline partial's body never names an inline partial.
                    let a = INLINE
                        .iter()
                        .fold(a, |a, i| a.replace(&format!("{{{{> {i}}}}}"), ""));
                    format!("{{{{#*inline \"{name}\"}}}}{a}{{{{/inline}}}}{{{{> {name}}}}}")
                })
                .boxed(),
        ),
    ];
    if !partials.is_empty() {
        options.push((
            1,
            (select(partials), body())
                .prop_map(|(p, a)| format!("{{{{#> {p}}}}}{a}{{{{/{p}}}}}"))
                .boxed(),
        ));
    }
    proptest::strategy::Union::new_weighted(options).boxed()
}

/// Shared partials `p0`, `p1`, `p2` (some left out), each including only those after it: no
/// cycle, and little expansion. Partials that recurse or expand exponentially are
/// [`cyclic_partials`] and
/// [`expanding_partials`].
pub fn partials() -> BoxedStrategy<Vec<(String, String)>> {
    let one = |i: usize| {
        (any::<bool>(), template(&PARTIALS[i + 1..]))
            .prop_map(move |(present, t)| present.then(|| (PARTIALS[i].to_string(), t)))
    };
    (one(0), one(1), one(2))
        .prop_map(|(a, b, c)| [a, b, c].into_iter().flatten().collect())
        .boxed()
}

/// WAITS ON THE TEMPLATE-ANALYSIS REWRITE in `render.rs`, and is not in the default
/// generators: shared and inline partials that may include themselves or each other in any
/// order, directly, inline or through a partial block.
#[allow(dead_code)] // used by tests/cli/props.rs alone
pub fn cyclic_partials() -> BoxedStrategy<Vec<(String, String)>> {
    let any_order = vec(template(PARTIALS), 3..=3).prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, t)| (PARTIALS[i].to_string(), t))
            .collect::<Vec<_>>()
    });
    let inline_self = Just(vec![(
        "p0".to_string(),
        "{{#*inline \"i0\"}}x{{> i0}}{{/inline}}{{> i0}}".to_string(),
    )]);
    // A partial block whose body includes the partial that renders it.
    let block_self = Just(vec![(
        "p0".to_string(),
        "a{{> @partial-block}}{{#> p0}}{{> p0}}{{/p0}}".to_string(),
    )]);
    prop_oneof![8 => any_order, 1 => inline_self, 1 => block_self].boxed()
}

/// WAITS ON THE TEMPLATE-ANALYSIS REWRITE in `render.rs`, and is not in the default
/// generators: a chain of partials `q0`, `q1`, ... each including the next two or three
/// times (`p0` includes `q0`): no cycle, but exponential expansion.
#[allow(dead_code)] // used by tests/cli/props.rs alone
pub fn expanding_partials() -> BoxedStrategy<Vec<(String, String)>> {
    (5usize..40, 2usize..4)
        .prop_map(|(n, fan)| {
            (0..n)
                .map(|i| {
                    let body = if i + 1 < n {
                        format!("{{{{> q{}}}}}", i + 1).repeat(fan)
                    } else {
                        "x".to_string()
                    };
                    (format!("q{i}"), body)
                })
                .chain(std::iter::once(("p0".to_string(), "{{> q0}}".to_string())))
                .collect::<Vec<_>>()
        })
        .boxed()
}

/// The columns a signers file may have besides `name`.
const COLUMNS: &[&str] = &["email", "city", "country", "note", "id", "member"];
/// Header names that are wrong, or right in another case.
const ODD_COLUMNS: &[&str] = &["Name", "EMAIL", " name ", "", "name", "\"na\nme\"", "city"];

/// One CSV field, quoted as a spreadsheet would (or not, or badly).
fn csv_field(value: BoxedStrategy<String>) -> BoxedStrategy<String> {
    (value, 0u8..8)
        .prop_map(|(v, how)| match how {
            0 => format!("\"{}\"", v.replace('"', "\"\"")),
            1 => format!("\"{v}"),
            2 => format!("{v}\""),
            _ => v,
        })
        .boxed()
}

/// A signers CSV file: a header naming some of [`COLUMNS`], rows of good and bad values,
/// `,` or `;`, LF, CR LF or a lone CR, a byte-order mark or not, quotes with line breaks.
pub fn signers_csv() -> BoxedStrategy<Vec<u8>> {
    let value = || {
        prop_oneof![
            4 => words(),
            2 => "[a-z]{1,6}@example\\.org",
            1 => select(&["GB", "gb", "KZ", "XX", "", "17", "Ann", "ann"][..]).prop_map(str::to_string),
            2 => text(),
        ]
        .boxed()
    };
    // `name` and other columns in any order; now and then without `name`, or an odd one.
    let header = (
        proptest::sample::subsequence(COLUMNS, 0..5),
        prop_oneof![6 => Just(Some("name")), 1 => Just(None)],
        prop::option::weighted(0.15, select(ODD_COLUMNS)),
    )
        .prop_flat_map(|(mut cols, name, odd)| {
            cols.extend(name);
            cols.extend(odd);
            if cols.is_empty() {
                cols.push("name");
            }
            Just(cols).prop_shuffle()
        });
    // Rows mostly as long as the header.
    let rows = header.prop_flat_map(move |h| {
        let n = h.len();
        let len = prop_oneof![8 => Just(n..n + 1), 1 => Just(0..7)];
        let row = len.prop_flat_map(move |len| vec(csv_field(value()), len));
        (Just(h), vec(row, 0..8))
    });
    (
        rows,
        prop_oneof![8 => Just(","), 4 => Just(";"), 1 => Just(", "), 1 => Just("\t")],
        prop_oneof![6 => Just("\n"), 4 => Just("\r\n"), 1 => Just("\r")],
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|((header, rows), sep, end, bom, mixed_ends)| {
            let mut out = String::new();
            if bom {
                out.push('\u{feff}');
            }
            out.push_str(&header.join(sep));
            out.push_str(end);
            for (i, r) in rows.iter().enumerate() {
                out.push_str(&r.join(sep));
                out.push_str(if mixed_ends && i % 2 == 1 { "\n" } else { end });
            }
            out.into_bytes()
        })
        .boxed()
}

/// Raw bytes, mostly ASCII so that they get past the UTF-8 check now and then.
pub fn bytes() -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        vec(any::<u8>(), 0..200),
        vec(
            select(&b"ab \n\r\t\",;={}[]#\\'\x00\xff\xc3\xa9"[..]),
            0..200
        ),
        text().prop_map(String::into_bytes),
    ]
    .boxed()
}

/// The settings of an in-process property: `cases` cases whatever `PROPTEST_CASES` says,
/// failures kept in `proptest-regressions/` to be replayed first.
pub fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        max_shrink_time: 30_000,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::SourceParallel("proptest-regressions"),
        )),
        ..ProptestConfig::default()
    }
}

/// Mostly what `s` makes, as bytes; now and then [`bytes`].
pub fn or_bytes(s: BoxedStrategy<String>) -> BoxedStrategy<Vec<u8>> {
    prop_oneof![8 => s.prop_map(String::into_bytes), 1 => bytes()].boxed()
}
