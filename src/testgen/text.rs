//! Text: characters that make trouble, strings of them, and the plain words a valid field
//! usually holds.

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
pub(super) fn or_bad(
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
