use super::*;
use phonenumber::metadata::{DATABASE, Descriptor, Format, Metadata};

/// The reading outcry had before issue 12: phonenumber's full database throughout. The fast
/// path must give the same result, error text included, for every number.
fn reference(raw: &str, country: Option<&str>) -> Result<Phone, String> {
    let normalised = normalise(raw);
    let region = country.and_then(|c| Id::from_str(c).ok());
    let number = phonenumber::parse(region, &normalised)
        .map_err(|e| format!("invalid phone number {raw:?}: {e}"))?;
    if !phonenumber::is_valid(&number) {
        return Err(format!(
            "invalid phone number {raw:?}: not a valid number for its country (write it in international form, e.g. +7 727 271 5802)"
        ));
    }
    let international = match number.country().id() {
        Some(Id::KZ) => KAZAKHSTAN.as_ref().map(|db| {
            phonenumber::format_with(db, &number)
                .mode(phonenumber::Mode::International)
                .to_string()
        }),
        _ => None,
    };
    // phonenumber's `Id` has no "001" (the calling codes of no country).
    let region = number.country().id().map(|id| id.as_ref().to_string());
    Ok(Phone {
        kind: number.number_type(&DATABASE),
        region,
        e164: number.format().mode(phonenumber::Mode::E164).to_string(),
        international: international.unwrap_or_else(|| {
            number
                .format()
                .mode(phonenumber::Mode::International)
                .to_string()
        }),
    })
}

/// Whether `raw` is read against the small database (not the full one).
fn fast(raw: &str, country: Option<&str>) -> bool {
    let normalised = normalise(raw);
    let region = country.and_then(|c| Id::from_str(c).ok());
    subset(region, &normalised)
        .is_some_and(|db| phonenumber::parse_with(&db, region, &normalised).is_ok())
}

/// `raw` reads exactly as phonenumber's full database reads it, and a number the database
/// accepts is read against the small one.
fn reads_as_before_on_the_fast_path(raw: &str, country: Option<&str>) {
    let expected = reference(raw, country);
    assert_eq!(
        Phone::parse(raw, country),
        expected,
        "{raw:?} in {country:?}"
    );
    if expected.is_ok() {
        assert!(
            fast(raw, country),
            "{raw:?} in {country:?} took the slow path"
        );
    }
}

/// Every number in the shipped address book and in the appeals the tests start from.
const SHIPPED: [(&str, &str); 16] = [
    ("+7 (7172) 72 04 70", "KZ"),
    ("+7 (7172) 72 05 16", "KZ"),
    ("++7 (7172) 74 55 24", "KZ"),
    ("++7727 2715802", "KZ"),
    ("++7727 2715807", "KZ"),
    ("++7727 2715807/", "KZ"),
    ("+43 1 514 36 6180", "AT"),
    ("+43 1 514 36 6105", "AT"),
    ("020 7925 1757", "GB"),
    ("020 7930 8990", "GB"),
    ("+1 202 232 5488", "US"),
    ("+32 2 373 38 90", "BE"),
    ("+39 06 36 30 84 76", "IT"),
    ("+39 06 36 29 26 12", "IT"),
    ("++7727 2715802", "GB"),
    ("++7 (7172) 74 55 24", "DE"),
];

#[test]
fn shipped_numbers_take_the_fast_path_and_read_as_before() {
    for (raw, country) in SHIPPED {
        for country in [Some(country), None] {
            reads_as_before_on_the_fast_path(raw, country);
        }
    }
}

/// Numbers as people write them in several countries, valid and not: the fast path must
/// accept, refuse and group each exactly as phonenumber's full database does.
#[test]
fn issue_12_fast_path_agrees_with_the_full_database() {
    let cases: &[(&str, Option<&str>)] = &[
        // Germany: national, international, with the trunk 0 in brackets, 00, ++.
        ("030 1234567", Some("DE")),
        ("030 12345678", Some("DE")),
        ("+49 30 12345678", None),
        ("+49 (0)30 12345678", None),
        ("0049 30 12345678", Some("DE")),
        ("++49 30 12345678", None),
        ("+49 1512 3456789", None),
        ("0151 23456789", Some("DE")),
        ("+49 30 123", None),
        // United Kingdom.
        ("+44 20 7935 1925", None),
        ("+44 (0)20 7935 1925", None),
        ("020 7935 1925", Some("GB")),
        ("020 7935 1925", None),
        ("07700 900123", Some("GB")),
        ("+44 7700 900123", Some("KZ")),
        ("+44 20 7935", None),
        ("+44 20 7935 1925 ext. 123", None),
        ("+44 20 7935 1925 x123", Some("GB")),
        // Kazakhstan and Russia share +7.
        ("+7 701 234 5678", None),
        ("8 701 234 5678", Some("KZ")),
        ("8 (727) 271 58 02", Some("KZ")),
        ("810 44 20 7935 1925", Some("KZ")),
        ("+7 495 606 3602", None),
        ("8 495 606-36-02", Some("RU")),
        ("+7 (495) 606-36-02", Some("RU")),
        ("+7 12", None),
        ("+7 999 999 99 99 99", None),
        // United States and Canada share +1.
        ("+1 (202) 232-5488", None),
        ("(202) 232-5488", Some("US")),
        ("202-232-5488", Some("CA")),
        ("+1 416 555 0123", None),
        ("+1 800 253 0000", None),
        ("+1 202 232 5488 x12", None),
        ("011 44 20 7935 1925", Some("US")),
        ("+1 202 232 5488 999", None),
        // France.
        ("+33 1 42 68 53 00", None),
        ("01 42 68 53 00", Some("FR")),
        ("0033 6 12 34 56 78", None),
        ("++33 6 12 34 56 78", Some("FR")),
        ("+33 (0)1 42 68 53 00", None),
        // Elsewhere: a leading zero kept (Italy), other plans.
        ("+39 06 3630 8476", None),
        ("06 3630 8476", Some("IT")),
        ("+81 3-1234-5678", None),
        ("+86 10 1234 5678", None),
        ("+91 98765 43210", None),
        ("+55 11 91234-5678", None),
        ("+61 2 9876 5432", None),
        ("+380 44 123 4567", None),
        ("+998 71 123 45 67", None),
        // Not numbers, or not any country's.
        ("not a number", None),
        ("2715802", None),
        ("", None),
        ("+", None),
        ("++", None),
        ("00", Some("GB")),
        ("+999 123 4567", None),
        ("+0 123 456 789", None),
        ("++7727 2715802,", None),
        ("tel:+44-20-7935-1925", None),
        ("+\u{FF17} 727 271 5802", None),
        ("+44 20 7935 1925", Some("XX")),
        ("123", Some("GB")),
    ];
    for &(raw, country) in cases {
        assert_eq!(
            Phone::parse(raw, country),
            reference(raw, country),
            "{raw:?} in {country:?}"
        );
    }
}

/// libphonenumber's example numbers of a territory, one of each kind of line it has.
fn examples(meta: &Metadata) -> impl Iterator<Item = &str> {
    let d = meta.descriptors();
    [
        d.fixed_line(),
        d.mobile(),
        d.toll_free(),
        d.premium_rate(),
        d.shared_cost(),
        d.personal_number(),
        d.voip(),
        d.pager(),
        d.uan(),
        d.voicemail(),
    ]
    .into_iter()
    .flatten()
    .filter_map(Descriptor::example)
}

/// libphonenumber's example numbers of the countries appeals and senders are most often in,
/// written nationally and internationally.
#[test]
fn issue_12_example_numbers_read_as_before() {
    for region in [
        "GB", "DE", "KZ", "RU", "US", "FR", "AT", "BE", "IT", "CA", "NL", "ES", "CH", "UA", "BY",
        "KG", "UZ", "TR", "IN", "AU",
    ] {
        let meta = DATABASE.by_id(region).unwrap();
        for example in examples(meta) {
            let national = format!("{}{example}", meta.national_prefix().unwrap_or(""));
            let international = format!("+{} {example}", meta.country_code());
            for (raw, country) in [
                (national.as_str(), Some(region)),
                (example, Some(region)),
                (international.as_str(), None),
            ] {
                reads_as_before_on_the_fast_path(raw, country);
            }
        }
    }
}

/// Issue 12: a number read with `+` and a calling code shared by several territories is
/// read against only those it can be in (its leading digits). Every territory's example
/// numbers, of every calling code shared by more than one, read as with the full database,
/// written internationally (with and without the contact's country) and nationally.
#[test]
fn issue_12_shared_calling_codes_read_as_before() {
    let mut shared: Vec<u16> = TERRITORIES.iter().map(|t| t.code).collect();
    shared.sort_unstable();
    let shared: Vec<u16> = shared
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0])
        .collect();
    let mut read = 0;
    for meta in DATABASE
        .iter()
        .filter(|m| shared.contains(&m.country_code()))
    {
        let region = meta.id();
        for example in examples(meta) {
            let national = format!("{}{example}", meta.national_prefix().unwrap_or(""));
            let international = format!("+{} {example}", meta.country_code());
            for (raw, country) in [
                (international.as_str(), None),
                (international.as_str(), Some(region)),
                (national.as_str(), Some(region)),
            ] {
                reads_as_before_on_the_fast_path(raw, country);
                read += 1;
            }
        }
    }
    assert!(read > 300, "{read}");
    // Washington is read against the United States and Canada only.
    let normalised = normalise("+1 202 232 5488");
    let db = subset(None, &normalised).unwrap();
    assert_eq!(db.by_code(&1).unwrap().len(), 2);
}

/// The vendored metadata is the one phonenumber compiled in, territory by territory, patterns
/// [`prepared`]. If this fails after phonenumber was updated, copy its
/// `assets/PhoneNumberMetadata.xml` over `src/phone/PhoneNumberMetadata.xml`.
#[test]
fn vendored_metadata_is_phonenumbers_own() {
    let mut codes: Vec<u16> = TERRITORIES.iter().map(|t| t.code).collect();
    codes.sort_unstable();
    codes.dedup();
    let mut compared = 0;
    for &code in &codes {
        let all: Vec<usize> = (0..TERRITORIES.len())
            .filter(|&i| TERRITORIES[i].code == code)
            .collect();
        let db = load(&all).expect("the territories load");
        let ours: Vec<String> = db
            .by_code(&code)
            .unwrap()
            .into_iter()
            .map(|m| describe(m, false))
            .collect();
        let theirs: Vec<String> = DATABASE
            .by_code(&code)
            .unwrap_or_default()
            .into_iter()
            .map(|m| describe(m, true))
            .collect();
        assert_eq!(ours, theirs, "calling code {code}");
        compared += ours.len();
    }
    // Every territory phonenumber knows is vendored, and read.
    assert_eq!(compared, TERRITORIES.len());
    for meta in DATABASE.iter() {
        assert!(
            codes.contains(&meta.country_code()),
            "{} missing",
            meta.id()
        );
    }
    // No calling code begins another, so the first one found after `+` is phonenumber's.
    let codes: Vec<String> = codes.iter().map(ToString::to_string).collect();
    for a in &codes {
        assert!(
            !codes.iter().any(|b| b != a && b.starts_with(a.as_str())),
            "{a} begins another code"
        );
    }
}

/// Everything phonenumber keeps of a territory, patterns as written (or as the small database
/// writes them, [`pattern`], if `ascii`).
fn describe(m: &Metadata, ascii: bool) -> String {
    let re = |r: &str| if ascii { pattern(r) } else { r.to_string() };
    let d = m.descriptors();
    let descriptors = [
        Some(d.general()),
        d.fixed_line(),
        d.mobile(),
        d.toll_free(),
        d.premium_rate(),
        d.shared_cost(),
        d.personal_number(),
        d.voip(),
        d.pager(),
        d.uan(),
        d.emergency(),
        d.voicemail(),
        d.short_code(),
        d.standard_rate(),
        d.carrier(),
        d.no_international(),
    ]
    .map(|d| {
        d.map(|d| {
            format!(
                "{} {:?} {:?} {:?}",
                re(d.national_number().as_str()),
                d.possible_length(),
                d.possible_local_length(),
                d.example()
            )
        })
    });
    let formats = |fs: &[Format]| -> Vec<String> {
        fs.iter()
            .map(|f| {
                let leading: Vec<String> =
                    f.leading_digits().iter().map(|l| re(l.as_str())).collect();
                format!(
                    "{} {} {leading:?} {:?} {} {:?}",
                    re(f.pattern().as_str()),
                    f.format(),
                    f.national_prefix(),
                    f.is_national_prefix_optional(),
                    f.domestic_carrier()
                )
            })
            .collect()
    };
    format!(
        "{} {} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {} {:?} {} {descriptors:?}",
        m.id(),
        m.country_code(),
        m.international_prefix().map(|r| re(r.as_str())),
        m.preferred_international_prefix(),
        m.national_prefix(),
        m.preferred_extension_prefix(),
        m.national_prefix_for_parsing().map(|r| re(r.as_str())),
        m.national_prefix_transform_rule(),
        formats(m.formats()),
        formats(m.international_formats()),
        m.is_main_country_for_code(),
        m.leading_digits().map(|r| re(r.as_str())),
        m.is_mobile_number_portable(),
    )
}

#[test]
fn appeal_style_numbers_normalise() {
    let fax = Phone::parse("++7727 2715802", None).unwrap();
    assert_eq!(fax.e164, "+77272715802");
    let tel = Phone::parse("++7 (7172) 74 55 24", None).unwrap();
    assert_eq!(tel.e164, "+77172745524");
    let slash = Phone::parse("++7727 2715807/", None).unwrap();
    assert_eq!(slash.e164, "+77272715807");
    let national = Phone::parse("020 7935 1925", Some("GB")).unwrap();
    assert_eq!(national.e164, "+442079351925");
}

/// Issue 11: numbers grouped as their country writes them; E.164 stays for machines.
#[test]
fn issue_11_numbers_grouped_as_their_country_writes_them() {
    let grouped = |raw: &str| Phone::parse(raw, None).unwrap().international;
    assert_eq!(grouped("++7727 2715802"), "+7 727 271 5802");
    assert_eq!(grouped("++7 (7172) 74 55 24"), "+7 7172 74 55 24");
    assert_eq!(grouped("+7 701 234 5678"), "+7 701 234 5678");
    assert_eq!(grouped("+7 495 606 3602"), "+7 495 606-36-02");
    assert_eq!(grouped("+44 20 7935 1925"), "+44 20 7935 1925");
    assert_eq!(
        Phone::parse("++7727 2715802", None).unwrap().e164,
        "+77272715802"
    );
}

#[test]
fn bad_numbers_are_rejected() {
    assert!(Phone::parse("not a number", None).is_err());
    assert!(Phone::parse("+7 12", None).is_err());
    assert!(Phone::parse("2715802", None).is_err());
}

/// Issue 13: the kind of line and the number's own country come from the small database
/// (the tests above hold them to the full one's), for `check`'s fax warning and the fax
/// gateway's hours.
#[test]
fn issue_13_kind_and_region() {
    let read = |raw: &str| Phone::parse(raw, None).unwrap();
    let court = read("++7727 2715802");
    assert_eq!(
        (court.kind, court.region.as_deref()),
        (Type::FixedLine, Some("KZ"))
    );
    assert_eq!(court.not_a_fax(), None);
    let mobile = read("+7 701 234 5678");
    assert_eq!(
        (mobile.kind, mobile.region.as_deref()),
        (Type::Mobile, Some("KZ"))
    );
    assert_eq!(
        mobile.not_a_fax().map(|(kind, _)| kind),
        Some("a mobile number")
    );
    assert_eq!(read("+7 495 606 3602").region.as_deref(), Some("RU"));
    let us = read("+1 202 232 5488");
    assert_eq!(
        (us.kind, us.region.as_deref()),
        (Type::FixedLineOrMobile, Some("US"))
    );
    assert_eq!(us.not_a_fax(), None);
    assert_eq!(read("+1 416 555 0123").region.as_deref(), Some("CA"));
    assert_eq!(read("+44 20 7935 1925").region.as_deref(), Some("GB"));
    // A national number takes the contact's country, not the number's calling code's first.
    assert_eq!(
        Phone::parse("020 7930 8990", Some("GB"))
            .unwrap()
            .region
            .as_deref(),
        Some("GB")
    );
    // International freephone (+800) belongs to no country.
    let freephone = Phone::parse("+800 1234 5678", None).unwrap();
    assert_eq!((freephone.kind, freephone.region), (Type::TollFree, None));
}
