//! Generators for the property tests: text, TOML, handlebars templates and CSV files as a
//! stranger's workspace might hold them. Mostly valid-looking, so that the checks behind the
//! parsers are reached too, with the odd control character, wrong type, huge number or broken
//! quote. The unit tests use it as `crate::testgen`, the integration tests through `#[path]`:
//! so it uses nothing but `proptest` and `std`.
//!
//! The generators live in `testgen/` by kind; each file is named by a `#[path]` relative to
//! this one, so that the module resolves the same when the integration tests include it.

#[path = "testgen/csv.rs"]
mod csv;
#[path = "testgen/templates.rs"]
mod templates;
#[path = "testgen/text.rs"]
mod text;
#[path = "testgen/toml.rs"]
mod toml;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

// The unit tests and the integration tests each use some of these, none all of them.
#[allow(unused_imports)]
pub use csv::signers_csv;
#[allow(unused_imports)]
pub use templates::{PARTIALS, cyclic_partials, expanding_partials, partials, template};
#[allow(unused_imports)]
pub use text::{text, words};
#[allow(unused_imports)]
pub use toml::{campaign_toml, contacts_toml, toml_escaped, toml_string, toml_value};

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
