use super::*;

fn outline(text: &str) -> Outline {
    match analyse("t", text) {
        Ok(a) => a.outline,
        Err(p) => panic!("{p:?}"),
    }
}

fn problems(text: &str) -> Vec<(usize, String)> {
    match analyse("t", text) {
        Ok(_) => Vec::new(),
        Err(p) => p.into_iter().map(|p| (p.line, p.message)).collect(),
    }
}

fn kinds(o: &Outline) -> Vec<(usize, usize, String)> {
    o.tags
        .iter()
        .map(|t| {
            let kind = match &t.kind {
                TagKind::Print(v) => format!("print {}", v.raw),
                TagKind::Helper { name, args } => format!("helper {name} {}", raws(args)),
                TagKind::Block { name, args } => format!("block {name} {}", raws(args)),
                TagKind::Partial { name, block, args } => {
                    format!("partial {name:?} block={block} {}", raws(args))
                }
                TagKind::Inline { node } => format!("inline {node}"),
                TagKind::Decorator { name } => format!("decorator {name}"),
            };
            (t.line, t.node, kind)
        })
        .collect()
}

fn raws(vars: &[Var]) -> String {
    vars.iter()
        .map(|v| v.raw.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn tags_are_read_from_the_parse_with_their_lines() {
    let o = outline(
        "Dear {{recipient.name}},\n{{!-- {{> not_a_call}} --}}\n{{#each demands}}\n{{number}}. {{{text}}}\n{{/each}}\n{{lookup demands 0}}\n",
    );
    assert_eq!(
        kinds(&o),
        [
            (1, 0, "print recipient.name".to_string()),
            (3, 0, "block each demands".to_string()),
            (4, 0, "print number".to_string()),
            (4, 0, "print text".to_string()),
            (6, 0, "helper lookup demands".to_string()),
        ]
    );
    // `{{number}}` is printed inside `{{#each demands}}`.
    assert_eq!(
        o.tags[2].within,
        [Within {
            block: 1,
            inverse: false
        }]
    );
    assert!(o.tags[0].within.is_empty());
    // What a check of "is `demands` printed outside a loop?" reads.
    let printed: Vec<(usize, &str, Vec<&str>)> = o
        .printed()
        .map(|(t, v)| {
            let blocks = t
                .within
                .iter()
                .filter_map(|w| o.block(*w).map(|(name, _)| name))
                .collect();
            (t.line, v.raw.as_str(), blocks)
        })
        .collect();
    assert_eq!(
        printed,
        [
            (1, "recipient.name", vec![]),
            (4, "number", vec!["each"]),
            (4, "text", vec!["each"]),
        ]
    );
}

#[test]
fn inline_partials_are_nodes_however_they_are_spaced() {
    for text in [
        "{{#*inline    \"a\"}}\n{{> a}}\n{{/inline}}",
        "{{~#*inline 'a' ~}}\n{{~> a x=1 ~}}\n{{/inline}}",
    ] {
        let o = outline(text);
        assert_eq!(o.nodes.len(), 2, "{text}");
        assert_eq!(o.nodes[1].inline.as_deref(), Some("a"));
        assert_eq!(o.nodes[1].line, 1);
        let call = o
            .tags
            .iter()
            .find(|t| matches!(t.kind, TagKind::Partial { .. }));
        let call = call.expect("a call");
        assert_eq!((call.line, call.node), (2, 1), "{text}");
        assert_eq!(
            o.nodes[1].body.parts,
            [Part::Call {
                line: 2,
                name: PartialName::Named("a".into()),
                block: None
            }]
        );
    }
}

#[test]
fn partial_calls_keep_their_arguments_and_blocks() {
    let o = outline(
        "{{> footer sender who=recipient.name}}\n{{#> frame}}in {{> @partial-block}}{{/frame}}",
    );
    assert_eq!(
        kinds(&o),
        [
            (
                1,
                0,
                "partial Named(\"footer\") block=false sender,recipient.name".to_string()
            ),
            (2, 0, "partial Named(\"frame\") block=true ".to_string()),
            (2, 0, "partial PartialBlock block=false ".to_string()),
        ]
    );
}

#[test]
fn variables_are_found_wherever_they_are_used() {
    assert!(outline("{{personal}}").uses_variable("personal"));
    assert!(outline("{{#if personal}}\n{{personal}}\n{{/if}}").uses_variable("personal"));
    assert!(outline("{{lookup (lookup @root.personal 0) 1}}").uses_variable("personal"));
    assert!(!outline("{{! personal }}{{personally}} personal").uses_variable("personal"));
    assert!(!outline("{{sender.personal}}").uses_variable("personal"));
}

#[test]
fn problems_are_located() {
    assert_eq!(
        problems("a\n{{> (concat 'x' 'y')}}\n"),
        [(
            2,
            "dynamic partials are not supported: name the partial, e.g. {{> signature}}".into()
        )]
    );
    assert_eq!(
        problems("a\n\n{{#*inline name}}x{{/inline}}"),
        [(
            3,
            "an inline partial needs its name in quotes, e.g. {{#*inline \"footer\"}}".into()
        )]
    );
    assert_eq!(
        problems("Dear all,\n\n{{#each demands}}\n{{text}}\n"),
        [(5, "invalid handlebars syntax: a {{...}} tag is malformed, or a block such as {{#each}} or {{#if}} is not closed".into())]
    );
    let deep = format!("\n{}x{}", "{{#if a}}".repeat(65), "{{/if}}".repeat(65));
    assert_eq!(
        problems(&deep),
        [(2, "blocks are nested more than 64 deep".into())]
    );
    assert!(
        problems(&format!(
            "{}x{}",
            "{{#if a}}".repeat(64),
            "{{/if}}".repeat(64)
        ))
        .is_empty()
    );
    let sub = format!("{{{{x {}a{}}}}}", "(x ".repeat(65), ")".repeat(65));
    assert_eq!(
        problems(&sub),
        [(
            1,
            "sub-expressions (...) are nested more than 64 deep".into()
        )]
    );
    assert_eq!(
        problems(&"{{a}}".repeat(501)),
        [(
            1,
            "the template has 501 tags: a template may have at most 500 (split it into partials)"
                .into()
        )]
    );
    assert_eq!(
        problems(&"x".repeat(MAX_BYTES + 1)),
        [(
            1,
            "the template is 65 KiB: a template may be at most 64 KiB".into()
        )]
    );
}

#[test]
fn sub_expressions_nested_as_deep_as_the_size_allows_are_refused_not_a_crash() {
    // About 16,000 levels: handlebars' own parser recurses once per level.
    let n = (MAX_BYTES - 10) / 4;
    let sub = format!("{{{{x {}a{}}}}}", "(x ".repeat(n), ")".repeat(n));
    assert_eq!(
        problems(&sub),
        [(
            1,
            "sub-expressions (...) are nested more than 64 deep".into()
        )]
    );
}

#[test]
fn each_bodies_and_partial_blocks_are_sized() {
    let o = outline("ab{{#each demands}}xyz{{> p}}{{/each}}");
    assert_eq!(
        o.nodes[0].body,
        Expansion {
            elements: 2,
            bytes: 2,
            parts: vec![Part::Repeat {
                line: 1,
                body: Expansion {
                    elements: 2,
                    bytes: 3,
                    parts: vec![Part::Call {
                        line: 1,
                        name: PartialName::Named("p".into()),
                        block: None
                    }]
                }
            }]
        }
    );
}

mod graph {
    use super::super::graph::{Finding, Source, check};
    use super::*;

    /// (registered name, is a shared partial, text) → the first finding, as `name:line: message`.
    fn found(templates: &[(&str, bool, &str)]) -> Option<String> {
        let outlines: Vec<Outline> = templates.iter().map(|(_, _, t)| outline(t)).collect();
        let sources: Vec<Source<'_>> = templates
            .iter()
            .zip(&outlines)
            .map(|((name, partial, _), outline)| Source {
                name,
                partial: *partial,
                outline,
            })
            .collect();
        check(&sources, 16).map(
            |Finding {
                 source,
                 line,
                 message,
             }| { format!("{}:{line}: {message}", templates[source].0) },
        )
    }

    #[test]
    fn a_partial_that_reaches_itself_is_a_cycle() {
        assert_eq!(
            found(&[("letter", false, "{{> a}}"), ("a", true, "x\n{{> a}}")]).as_deref(),
            Some("a:2: partial `a` includes itself (a → a): it would never finish")
        );
        assert_eq!(
            found(&[
                ("letter", false, "{{> a}}"),
                ("a", true, "{{> b}}"),
                ("b", true, "{{#if x}}{{> c}}{{/if}}"),
                ("c", true, "{{#each y}}{{#> a}}{{/a}}{{/each}}"),
            ])
            .as_deref(),
            Some("c:1: partial `a` includes itself (a → b → c → a): it would never finish")
        );
    }

    #[test]
    fn an_inline_partial_is_reached_from_a_shared_one() {
        assert_eq!(
            found(&[
                (
                    "letter",
                    false,
                    "{{#*inline \"a\"}}{{> b}}{{/inline}}{{> a}}"
                ),
                ("b", true, "\n{{> a}}"),
            ])
            .as_deref(),
            Some("b:2: partial `a` includes itself (a → b → a): it would never finish")
        );
    }

    #[test]
    fn sharing_is_not_a_cycle_and_unknown_partials_are_left_to_rendering() {
        assert_eq!(
            found(&[
                (
                    "letter",
                    false,
                    "{{> a}}{{> b}}{{> nowhere}}{{#> gone}}fallback{{/gone}}"
                ),
                ("a", true, "{{> c}}"),
                ("b", true, "{{> c}}{{> c}}"),
                ("c", true, "c"),
            ]),
            None
        );
    }

    #[test]
    fn doubling_is_refused_where_it_goes_over_and_quickly() {
        let texts: Vec<(String, String)> = (0..200)
            .map(|i| {
                (
                    format!("p{i}"),
                    format!("{{{{> p{}}}}}{{{{> p{}}}}}", i + 1, i + 1),
                )
            })
            .chain([("p200".to_string(), "x".to_string())])
            .collect();
        let mut templates = vec![("letter", false, "{{> p0}}")];
        templates.extend(texts.iter().map(|(n, t)| (n.as_str(), true, t.as_str())));
        let started = std::time::Instant::now();
        assert_eq!(
            found(&templates).as_deref(),
            Some(
                "p184:1: partial `p184` expands to more than 100000 template elements through partials and {{#each}} loops: it would take too long to render"
            )
        );
        assert!(started.elapsed().as_secs() < 5);
    }

    #[test]
    fn partial_blocks_and_loops_multiply() {
        let twice = "{{> @partial-block}}{{> @partial-block}}";
        let letter = format!("{}x{}", "{{#> twice}}".repeat(20), "{{/twice}}".repeat(20));
        assert_eq!(
            found(&[("letter", false, &letter), ("twice", true, twice)]).as_deref(),
            Some(
                "letter:1: the template expands to more than 100000 template elements through partials and {{#each}} loops: it would take too long to render"
            )
        );
        let loops = format!("{}x{}", "{{#each a}}".repeat(5), "{{/each}}".repeat(5));
        assert_eq!(
            found(&[("letter", false, &loops)]).as_deref(),
            Some(
                "letter:1: the template expands to more than 100000 template elements through partials and {{#each}} loops: it would take too long to render"
            )
        );
        let fine = format!("{}x{}", "{{#each a}}".repeat(3), "{{/each}}".repeat(3));
        assert_eq!(found(&[("letter", false, &fine)]), None);
    }

    #[test]
    fn text_is_counted_too() {
        let big = "x".repeat(60_000);
        let letter = "{{> big}}".repeat(20);
        assert_eq!(
            found(&[("letter", false, &letter), ("big", true, &big)]).as_deref(),
            Some(
                "letter:1: the template expands to more than 1 MiB of template text through partials and {{#each}} loops: it would take too long to render"
            )
        );
    }
}
