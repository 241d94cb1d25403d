//! The renderer's tests: tidying, dates, and any template set rendered without a panic.

use super::*;

#[test]
fn tidy_normalises_line_ends() {
    assert_eq!(
        tidy("\n\nDear A,  \r\nline\rnext\n\n\n".into()),
        "Dear A,\nline\nnext\n"
    );
    assert_eq!(tidy(String::new()), "\n");
}

/// A text [`tidy`] leaves as it is comes out as the line-by-line tidying makes it.
#[test]
fn tidy_keeps_only_what_is_tidy() {
    let by_lines = |text: &str| {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let mut out = String::new();
        for line in text.trim_start_matches('\n').lines() {
            out.push_str(line.trim_end());
            out.push('\n');
        }
        while out.ends_with("\n\n") {
            out.pop();
        }
        if out.is_empty() {
            out.push('\n');
        }
        out
    };
    for text in [
        "Dear A,\n\nline\n",
        "a\n",
        "a",
        "\n",
        "a \n",
        "a\t\nb\n",
        "a\u{b}\n",
        "a\u{a0}\n",
        "a\u{3000}\nb\n",
        "caf\u{e9}\n",
        "a\n\n",
        "a\r\n",
        "  a\n",
        "\u{85}\n",
        "\n\na\n\n\n",
        "\n\n",
        "a\nb",
        "a\nb ",
        "a\n\u{a0}",
        "\n\n a\n",
        "Письмо\nдалее\n",
        "Письмо\u{2003}\nдалее",
        "ж\u{1680}",
        "«Ы»\n\u{a0}\n",
    ] {
        assert_eq!(tidy(text.into()), by_lines(text), "{text:?}");
    }
}

#[test]
fn dates_read_like_letters() {
    assert_eq!(long_date(jiff::civil::date(2011, 5, 2)), "2 May 2011");
}

mod props {
    use std::path::{Path, PathBuf};

    use proptest::prelude::*;

    use super::*;
    use crate::contacts::AddressBook;
    use crate::plan::{Selection, plan};
    use crate::source::Source;
    use crate::testgen;

    /// One contact for each channel, and a coordinator.
    const CONTACTS: &str = "[contacts.ministry]\nname = \"Ministry\"\ncountry = \"KZ\"\nemail = \"ministry@example.org\"\n\
        [contacts.court]\nname = \"Court & Co\"\ncountry = \"KZ\"\nfax = \"+7 727 271 5802\"\n\
        [contacts.coord]\nname = \"Coord\"\ncountry = \"GB\"\nemail = \"coord@example.org\"\n\
        [contacts.a-1]\nname = \"Post\"\ncountry = \"GB\"\npost = \"1 Road\\nTown\"\n\
        [contacts.b_2]\nname = \"Call\"\ncountry = \"KZ\"\nphone = \"+7 727 271 5802\"\nsalutation = \"Hi\"\n";

    /// A campaign to every kind of contact, whose subject, letter, layouts and partials
    /// are generated; the sender complete or not; the letters each or joint, copies any way.
    #[derive(Debug)]
    struct Input {
        toml: String,
        templates: Vec<(String, String)>,
        partials: Vec<(String, String)>,
        full_sender: bool,
    }

    fn input() -> impl Strategy<Value = Input> {
        let layouts = proptest::collection::vec(
            (
                proptest::sample::select(&["fax", "post", "web", "call", "copy"][..]),
                testgen::template(testgen::PARTIALS),
            ),
            0..3,
        );
        (
            // A subject is one line: mostly so, to reach the letters.
            prop_oneof![
                6 => testgen::template(&[]).prop_map(|t| testgen::toml_escaped(&t.replace('\n', " "))),
                1 => testgen::toml_string(testgen::template(&[]), true),
            ],
            testgen::template(testgen::PARTIALS),
            layouts,
            testgen::partials(),
            proptest::collection::vec(testgen::words(), 1..3),
            proptest::sample::select(&["cc", "bcc", "separate"][..]),
            proptest::sample::select(&["each", "joint"][..]),
            any::<bool>(),
        )
            .prop_map(|(subject, letter, layouts, partials, demands, copies, addressing, full_sender)| {
                let demands: Vec<String> = demands.iter().map(|d| testgen::toml_escaped(d)).collect();
                let toml = format!(
                    "title = \"T\"\nsubject = {subject}\nissued = 2011-05-02\ndemands = [{}]\n\
                     to = [\"ministry\", \"court\", \"a-1\", \"b_2\"]\ncc = [\"coord\"]\n\
                     copies = \"{copies}\"\naddressing = \"{addressing}\"\nsignatories = [\"Ann\"]\n",
                    demands.join(", ")
                );
                let mut templates = vec![("letter.hbs".to_string(), letter)];
                templates.extend(layouts.into_iter().map(|(n, t)| (format!("{n}.hbs"), t)));
                Input { toml, templates, partials, full_sender }
            })
    }

    proptest! {
        #![proptest_config(testgen::config(800))]

        /// Whatever the templates hold (no partial that includes itself: see
        /// `testgen::recursive_partials`), compiling and rendering every planned letter
        /// never panics, and every problem names a template and its line.
        #[test]
        fn props_render(input in input()) {
            let dir = PathBuf::from("letters/x");
            let mut d = Diagnostics::default();
            let book = AddressBook::parse(&Source::new("contacts.toml", CONTACTS.into()), &mut d);
            prop_assert!(!d.has_errors(), "{:?}", d);
            let src = Source::new(dir.join("campaign.toml"), input.toml.clone());
            // As the workspace reads them: a file's own control characters are refused there.
            let read = |name: &str| -> Result<Option<Source>, Diagnostic> {
                input.templates.iter().rev().find(|(n, _)| n == name)
                    .map(|(n, t)| Source::from_bytes(&dir.join(n), t.as_bytes()))
                    .transpose()
            };
            let Some(campaign) = Campaign::parse("x", dir.clone(), &src, &read, &[], &mut d) else {
                return Ok(()); // a control character in the subject: see campaign's props
            };
            let mut partials: Vec<Partial> = Vec::new();
            for (n, t) in &input.partials {
                let path = PathBuf::from(format!("letters/_partials/{n}.hbs"));
                match Source::from_bytes(&path, t.as_bytes()) {
                    Ok(source) => partials.push(Partial { name: n.clone(), source, language: None }),
                    Err(e) => d.error(e.origin, e.message),
                }
            }
            let sender = if input.full_sender {
                Sender {
                    name: Some("Ann".into()),
                    email: "ann@example.org".parse().ok(),
                    organisation: Some("Branch".into()),
                    city: Some("Leeds".into()),
                    country: "GB".parse().ok(),
                    address: Some("1 Road\nLeeds".into()),
                }
            } else {
                Sender::default()
            };
            let renderer = Renderer::new(&campaign, &partials, &mut d);
            let planned = plan(&campaign, &book, &sender, &Selection::default(), &mut d)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let mut rendered = 0;
            if let Some(r) = &renderer {
                for p in &planned.letters {
                    let signing = Signing { personal: "Mine.", signatories: &campaign.signatories, ..Default::default() };
                    match r.render(&campaign, p, &sender, &signing, jiff::civil::date(2011, 5, 2)) {
                        Ok(letter) => {
                            rendered += 1;
                            // One line, no control character (a copy's "Copy: " may take it past MAX_LINE).
                            let hidden = fields::find_hidden_control(&letter.subject);
                            prop_assert!(hidden.is_none() && !letter.subject.contains('\n'), "{:?}", letter.subject);
                        }
                        Err(e) => d.error(e.origin, e.message),
                    }
                }
            }
            let mut files: Vec<(PathBuf, Option<String>)> = input.templates.iter().rev()
                .map(|(n, t)| (dir.join(n), Some(t.clone())))
                .collect();
            files.extend(input.partials.iter().map(|(n, t)| (PathBuf::from(format!("letters/_partials/{n}.hbs")), Some(t.clone()))));
            files.push((src.path.clone(), Some(src.text.clone())));
            let files: Vec<(&Path, Option<&str>)> = files.iter().map(|(p, t)| (p.as_path(), t.as_deref())).collect();
            for e in d.iter() {
                e.located(&files).map_err(TestCaseError::fail)?;
            }
            prop_assert!(renderer.is_none() || rendered > 0 || d.has_errors(), "{:?}", d);
        }
    }

    /// A member of a signers file: a name, a city or none (or an empty one), a note or none,
    /// an extra column or none.
    fn signer() -> impl Strategy<Value = crate::signers::Signer> {
        (
            testgen::words(),
            prop_oneof![
                Just(None),
                Just(Some(String::new())),
                testgen::words().prop_map(Some)
            ],
            prop_oneof![
                Just(String::new()),
                testgen::words(),
                Just("Two\n\nparagraphs  \n".to_string())
            ],
            prop_oneof![Just(None), testgen::words().prop_map(Some)],
        )
            .prop_map(|(name, city, note, branch)| crate::signers::Signer {
                line: 2,
                name: if name.trim().is_empty() {
                    "A".into()
                } else {
                    name
                },
                email: None,
                city,
                country: None,
                note,
                extra: branch
                    .into_iter()
                    .map(|b| ("branch".to_string(), b))
                    .collect(),
                key: "s".into(),
            })
    }

    proptest! {
        #![proptest_config(testgen::config(400))]

        /// A bulk mailing's sheet keeps what it rendered for each shape of signer (see
        /// `render::memo`): every letter it gives, for every signer in turn, is the letter
        /// handlebars renders for that signer alone, or the same error.
        #[test]
        fn props_memo_is_handlebars(input in input(), signers in proptest::collection::vec(signer(), 1..6)) {
            memo_matches(&input, &signers)?;
        }
    }

    /// Renders every planned letter of `input` for each of `signers` in turn (twice) on one
    /// memoized sheet, and fails unless each is what handlebars renders for that signer alone.
    fn memo_matches(
        input: &Input,
        signers: &[crate::signers::Signer],
    ) -> Result<(), TestCaseError> {
        let dir = PathBuf::from("letters/x");
        let mut d = Diagnostics::default();
        let book = AddressBook::parse(&Source::new("contacts.toml", CONTACTS.into()), &mut d);
        let src = Source::new(dir.join("campaign.toml"), input.toml.clone());
        let read = |name: &str| -> Result<Option<Source>, Diagnostic> {
            input
                .templates
                .iter()
                .rev()
                .find(|(n, _)| n == name)
                .map(|(n, t)| Source::from_bytes(&dir.join(n), t.as_bytes()))
                .transpose()
        };
        let Some(campaign) = Campaign::parse("x", dir.clone(), &src, &read, &[], &mut d) else {
            return Ok(());
        };
        let partials: Vec<Partial> = input
            .partials
            .iter()
            .filter_map(|(n, t)| {
                let path = PathBuf::from(format!("letters/_partials/{n}.hbs"));
                Source::from_bytes(&path, t.as_bytes())
                    .ok()
                    .map(|source| Partial {
                        name: n.clone(),
                        source,
                        language: None,
                    })
            })
            .collect();
        let sender = Sender {
            name: Some("Branch".into()),
            email: "branch@example.org".parse().ok(),
            organisation: input.full_sender.then(|| "Leeds Branch".into()),
            ..Sender::default()
        };
        let Some(r) = Renderer::new(&campaign, &partials, &mut d) else {
            return Ok(());
        };
        let Ok(planned) = plan(&campaign, &book, &sender, &Selection::default(), &mut d) else {
            return Ok(());
        };
        let date = jiff::civil::date(2011, 5, 2);
        let mut sheet =
            Sheet::new(&campaign, &planned.letters, &campaign.signatories, date).memoized();
        // Each signer twice: the second time from what the first kept.
        for s in signers.iter().chain(signers) {
            let signing = Signing {
                signer: Some(s),
                personal: "",
                signatories: &campaign.signatories,
            };
            sheet.sign(&sender, &signing);
            for (i, p) in planned.letters.iter().enumerate() {
                let kept = r.render_on(&mut sheet, i, &campaign, p, &sender, &signing, None);
                let alone = r.render(&campaign, p, &sender, &signing, date);
                match (kept, alone) {
                    (Ok(a), Ok(b)) => {
                        prop_assert_eq!(&a.subject, &b.subject);
                        prop_assert_eq!(&a.body, &b.body);
                    }
                    (Err(a), Err(b)) => prop_assert_eq!(a.message, b.message),
                    (a, b) => prop_assert!(
                        false,
                        "kept {:?}\nalone {:?}",
                        a.map(|l| l.body),
                        b.map(|l| l.body)
                    ),
                }
            }
        }

        Ok(())
    }

    /// Templates that look into a signer's values (a helper's argument, `#each`/`#with` over
    /// them, a path into them where a block changed the context) are rendered by handlebars
    /// for each signer; those that only print or test them come from what was kept.
    #[test]
    fn what_looks_into_a_signers_values_is_rendered_for_each() {
        let toml = "title = \"T\"\nsubject = \"S {{sender.name}}\"\nissued = 2011-05-02\ndemands = [\"D\"]\n\
            to = [\"ministry\", \"court\", \"a-1\", \"b_2\"]\ncc = [\"coord\"]\nsignatories = [\"Ann\"]\n";
        let letters = [
            "{{#if (eq sender.city \"Leeds\")}}L{{else}}X{{/if}} {{len personal}}",
            "{{#each signer}}{{@key}}={{this}};{{/each}}",
            "{{#with sender}}{{name}} {{city}}{{/with}}",
            "{{lookup sender \"city\"}} {{#each demands}}{{../sender.name}}{{/each}}",
            "{{#if personal}}{{personal}}{{else}}none{{/if}} {{> p0}}",
            "{{#unless sender.city}}nowhere{{/unless}}{{sender.city}}",
            "{{#each signatories}}{{this}} {{../personal}} {{@root.sender.city}}{{/each}}",
            "{{#each demands}}{{#each ../signer}}{{this}}{{/each}}{{/each}} {{lookup this \"personal\"}}",
        ];
        let signers: Vec<crate::signers::Signer> = ["Leeds", "York", ""]
            .iter()
            .zip(["A note", "", "Another"])
            .map(|(city, note)| crate::signers::Signer {
                line: 2,
                name: format!("Ann of {city}"),
                email: None,
                city: Some((*city).to_string()),
                country: None,
                note: note.to_string(),
                extra: std::iter::once(("branch".to_string(), (*city).to_string())).collect(),
                key: "s".into(),
            })
            .collect();
        for letter in letters {
            let input = Input {
                toml: toml.into(),
                templates: vec![
                    ("letter.hbs".into(), letter.into()),
                    ("fax.hbs".into(), "{{body}} / {{sender.city}}".into()),
                ],
                partials: vec![(
                    "p0".into(),
                    "{{#if sender.city}}{{sender.city}}{{/if}}".into(),
                )],
                full_sender: true,
            };
            memo_matches(&input, &signers).unwrap_or_else(|e| panic!("{letter}: {e}"));
        }
    }
}

/// The shipped appeals' templates (each letter, subject and layout, in each language) are
/// rendered once per shape of signer in a bulk mailing: none looks into a signer's values.
#[test]
fn the_shipped_templates_render_once_per_shape() {
    let ws = crate::workspace::Workspace::find(std::path::Path::new(env!("CARGO_MANIFEST_DIR")))
        .expect("the example workspace");
    let mut d = Diagnostics::default();
    let partials = ws.partials(&mut d);
    for id in ws.campaigns() {
        let campaign = ws.load_campaign(&id, &mut d).expect("loads");
        let languages = campaign.translations.iter().map(|t| t.language.clone());
        for language in std::iter::once(campaign.language.clone()).chain(languages) {
            let c = campaign.in_language(&language);
            let partials = crate::workspace::partials_in(&partials, &language);
            let r = Renderer::new(&c, &partials, &mut d).expect("compiles");
            assert_eq!(
                r.memoizable.len(),
                2 + r.layouts.len(),
                "{id} {language}: {:?}",
                r.memoizable
            );
        }
    }
    assert!(!d.has_errors(), "{d:?}");
}

/// A marker is the nonce's: a U+E000 that a campaign's own text holds is kept as it is.
#[test]
fn markers_are_filled_and_other_private_use_text_is_kept() {
    let memo = super::memo::Memo::new();
    let value = serde_json::json!({"name": "Ann", "city": ""});
    let (shape, strings) = super::memo::shape(&[("sender", &value)]);
    assert_eq!(strings, ["Ann"]);
    let other = serde_json::json!({"name": "Bob", "city": ""});
    assert_eq!(
        super::memo::shape(&[("sender", &other)]).0,
        shape,
        "the same shape"
    );
    let with_markers = memo.mark(&value, &mut 0);
    assert_eq!(
        with_markers["city"], "",
        "an empty string stays: `#if` sees it"
    );
    let marker = with_markers["name"].as_str().expect("a marker").to_string();
    let text = format!("\u{E000}1\u{E001} {marker}, \u{E000}");
    assert_eq!(
        memo.fill(&text, &strings).as_deref(),
        Some("\u{E000}1\u{E001} Ann, \u{E000}")
    );
    assert_eq!(
        memo.fill(&format!("{marker}x"), &[] as &[&str]),
        None,
        "a marker naming no string"
    );
}
