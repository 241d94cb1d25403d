//! Templates from strangers: recursion through partials, runaway expansion and deep nesting are
//! refused with `file:line` before anything renders (issue: template recursion and cost).

use crate::Case;

const CHECK_FOOTER: &str = "1 error(s): fix them and run outcry check again\n";

/// Runs `outcry check` and `outcry compose c` on the case's files; both must exit 2 with
/// exactly `expected` (plus the footer `check` adds) on stderr.
#[track_caller]
fn refused(files: &[(&str, &str)], expected: &str) {
    for args in [&["check"][..], &["compose", "c", "--out", "drafts"][..]] {
        let mut case = Case::minimal().sender();
        for (rel, text) in files {
            case = case.file(rel, text);
        }
        let want = if args[0] == "check" {
            format!("{expected}{CHECK_FOOTER}")
        } else {
            expected.to_string()
        };
        case.args(args).run().code(2).stdout_is("").stderr_is(&want);
    }
}

#[test]
fn an_inline_partial_that_calls_itself_is_refused_however_it_is_spaced() {
    let expected =
        "letters/c/letter.hbs:3: partial `a` includes itself (a → a): it would never finish\n";
    for letter in [
        "Dear all,\n{{#*inline    \"a\"}}\nA {{> a}}\n{{/inline}}\n{{> a}}\n",
        "Dear all,\n{{~#*inline 'a' ~}}\n{{~> a x=1 ~}}\n{{/inline}}\n{{> a}}\n",
        "Dear all,\n{{#*inline \"a\"}}\n{{#if campaign.title}}{{>a campaign}}{{/if}}\n{{/inline}}\n{{> a}}\n",
        "Dear all,\n{{#*inline \"a\"}}\n{{#> a}}fallback{{/a}}\n{{/inline}}\n{{> a}}\n",
    ] {
        refused(&[("letters/c/letter.hbs", letter)], expected);
    }
}

#[test]
fn an_inline_partial_and_a_shared_partial_that_call_each_other_are_refused() {
    refused(
        &[
            (
                "letters/c/letter.hbs",
                "Dear all,\n{{#*inline \"a\"}}A {{> b}}{{/inline}}\n{{> a}}\n",
            ),
            ("letters/_partials/b.hbs", "B\n{{> a}}\n"),
        ],
        "letters/_partials/b.hbs:2: partial `a` includes itself (a → b → a): it would never finish\n",
    );
}

#[test]
fn forty_partials_that_each_use_the_next_twice_are_refused() {
    let mut files: Vec<(String, String)> = (0..40)
        .map(|i| {
            (
                format!("letters/_partials/p{i:02}.hbs"),
                format!("{{{{> p{:02}}}}} and\n{{{{> p{:02}}}}}\n", i + 1, i + 1),
            )
        })
        .collect();
    files.push(("letters/_partials/p40.hbs".into(), "x\n".into()));
    files.push((
        "letters/c/letter.hbs".into(),
        "Dear all,\n{{> p00}}\n".into(),
    ));
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    refused(
        &files,
        "letters/_partials/p25.hbs:2: partial `p25` expands to more than 100000 template elements through partials and {{#each}} loops: it would take too long to render\n",
    );
}

#[test]
fn blocks_nested_too_deep_are_refused() {
    let deep = format!(
        "Dear all,\n{}x\n{}",
        "{{#if campaign.title}}\n".repeat(65),
        "{{/if}}\n".repeat(65)
    );
    refused(
        &[("letters/c/letter.hbs", &deep)],
        "letters/c/letter.hbs:66: blocks are nested more than 64 deep\n",
    );
    // Found by this issue: sub-expressions were not counted, and overflowed the stack.
    let sub = format!(
        "Dear all,\n{{{{lookup {}demands 0{}}}}}\n",
        "(lookup ".repeat(5000),
        " 0)".repeat(5000)
    );
    refused(
        &[("letters/c/letter.hbs", &sub)],
        "letters/c/letter.hbs:2: sub-expressions (...) are nested more than 64 deep\n",
    );
}

#[test]
fn loops_within_loops_that_would_never_finish_are_refused() {
    let each = format!(
        "Dear all,\n{}{{{{text}}}}\n{}",
        "{{#each @root.demands}}\n".repeat(30),
        "{{/each}}\n".repeat(30)
    );
    refused(
        &[("letters/c/letter.hbs", &each)],
        "letters/c/letter.hbs:2: the template expands to more than 100000 template elements through partials and {{#each}} loops: it would take too long to render\n",
    );
}

#[test]
fn partial_blocks_that_double_at_each_level_are_refused() {
    let letter = format!(
        "Dear all,\n{}x\n{}",
        "{{#> twice}}\n".repeat(40),
        "{{/twice}}\n".repeat(40)
    );
    refused(
        &[
            (
                "letters/_partials/twice.hbs",
                "{{> @partial-block}}{{> @partial-block}}\n",
            ),
            ("letters/c/letter.hbs", &letter),
        ],
        "letters/c/letter.hbs:2: the template expands to more than 100000 template elements through partials and {{#each}} loops: it would take too long to render\n",
    );
}
