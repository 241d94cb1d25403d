//! Placeholder until the locale module lands (issue 14).

/// A language's name in English, for messages.
pub fn language_name(tag: &str) -> Option<String> {
    match tag {
        "en" => Some("English".into()),
        "ru" => Some("Russian".into()),
        "kk" => Some("Kazakh".into()),
        "de" => Some("German".into()),
        _ => None,
    }
}
