//! Handlebars templates: text, variables defined and not, blocks, inline and shared partials,
//! whitespace control and broken tags; and sets of shared partials, with or without cycles.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

use super::text::text;

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

/// What `{{#each}}` may go through in a clean template: lists every context has.
const LISTS: &[&str] = &[
    "@root.demands",
    "@root.recipients",
    "@root.signatories",
    "@root.campaign",
];

/// What `{{#each}}` may go through: lists, an object, and what is none.
const ANY_LISTS: &[&str] = &[
    "demands",
    "recipients",
    "signatories",
    "campaign",
    "nope",
    "@index",
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
    let lists = if clean { LISTS } else { ANY_LISTS };
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
