//! Faxes that go: through an e-mail-to-fax gateway (`InterFAX`, Sinch/Phaxio, mFax,
//! `Fax.Plus`, `HylaFAX`'s faxmail), which takes a fax as an e-mail to `<number>@<gateway>` with the document
//! attached, and only in the hours a fax may ring where it lands.
//!
//! The gateway is the writer's own setting (`[fax] gateway` in the personal config): it routes
//! letters, so a workspace may not set it. The hours are 08:00 to 21:00 at the fax machine (a
//! typo in a number must not ring someone at night): in the contact's `timezone` if it has one,
//! else in every time zone of the number's country (the window must hold in all of them; a
//! country whose zones share no such hours needs the contact's `timezone`).

use jiff::Timestamp;
use jiff::civil::Time;
use jiff::tz::TimeZone;

/// The hours a fax may ring, in the recipient's time: from 08:00 to 21:00.
pub const OPENS: Time = Time::constant(8, 0, 0, 0);
pub const CLOSES: Time = Time::constant(21, 0, 0, 0);

/// An e-mail-to-fax gateway: an address template holding the number as `{digits}` (E.164
/// without `+`) or `{e164}` (with it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gateway {
    template: String,
}

const DIGITS: &str = "{digits}";
const E164: &str = "{e164}";

impl Gateway {
    /// Reads a template such as `{digits}@fax.example.net`: one placeholder, in the local part,
    /// and an address that is an e-mail address once it is filled in.
    pub fn parse(template: &str) -> Result<Gateway, String> {
        let template = template.trim();
        let placeholders = template.matches(DIGITS).count() + template.matches(E164).count();
        let bare = template.replace(DIGITS, "").replace(E164, "");
        let wanted = "write it as \"{digits}@fax.example.net\" ({digits}: the number in E.164 without +; {e164}: with +)";
        if placeholders != 1 || bare.contains(['{', '}']) {
            return Err(format!(
                "fax gateway {template:?} must hold the number once, as {{digits}} or {{e164}}: {wanted}"
            ));
        }
        let gateway = Gateway {
            template: template.to_string(),
        };
        let sample = gateway.address("+15555550100");
        let Some((local, domain)) = sample.rsplit_once('@') else {
            return Err(format!(
                "fax gateway {template:?} is not an e-mail address: {wanted}"
            ));
        };
        if !local.contains("15555550100") {
            return Err(format!(
                "fax gateway {template:?}: the number belongs before the @: {wanted}"
            ));
        }
        if sample.parse::<lettre::Address>().is_err() || !domain.contains('.') {
            return Err(format!(
                "fax gateway {template:?} is not an e-mail address: {wanted}"
            ));
        }
        Ok(gateway)
    }

    /// The address a fax to `e164` (`+77272715802`) goes to.
    pub fn address(&self, e164: &str) -> String {
        let digits = e164.trim_start_matches('+');
        self.template
            .replace(DIGITS, digits)
            .replace(E164, &format!("+{digits}"))
    }

    /// The gateway's domain, as the plan names it: `fax.example.net`.
    pub fn host(&self) -> &str {
        self.template
            .rsplit_once('@')
            .map_or(self.template.as_str(), |(_, d)| d)
    }
}

/// An IANA time zone by name (`Asia/Almaty`), or why there is none.
pub fn zone(name: &str) -> Result<TimeZone, String> {
    let name = name.trim();
    TimeZone::get(name).map_err(|_| {
        format!("unknown time zone {name:?}: write an IANA name such as \"Asia/Almaty\" or \"Europe/Berlin\"")
    })
}

/// The time zones of a country (ISO 3166 code), from the tz database's `zone.tab` (public
/// domain, shipped in `src/fax/zone.tab`): Kazakhstan has seven, Russia eleven.
pub fn country_zones(country: &str) -> Vec<&'static str> {
    static TABLE: &str = include_str!("fax/zone.tab");
    TABLE
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut f = l.split('\t');
            let code = f.next()?;
            let _coordinates = f.next()?;
            let name = f.next()?;
            code.eq_ignore_ascii_case(country).then_some(name)
        })
        .collect()
}

/// Where a fax lands, for its hours: the contact's own zone, or its number's country's zones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The zones to check, by name: all must be within the hours.
    pub zones: Vec<String>,
    /// How the place was found, for the message: `Asia/Almaty`, `KZ`.
    pub shown: String,
}

impl Place {
    /// The contact's `timezone` if it has one, else the zones of `country` (the fax number's).
    pub fn of(timezone: Option<&str>, country: &str) -> Place {
        match timezone {
            Some(tz) => Place {
                zones: vec![tz.to_string()],
                shown: tz.to_string(),
            },
            None => Place {
                zones: country_zones(country)
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                shown: country.to_string(),
            },
        }
    }
}

/// Whether a fax may ring at `place` at `now`: `Ok` within the hours, else why not and when it
/// may, in words for the plan.
pub fn ring_now(place: &Place, now: Timestamp) -> Result<(), String> {
    let zones: Vec<TimeZone> = place.zones.iter().filter_map(|z| zone(z).ok()).collect();
    if zones.is_empty() {
        return Err(format!(
            "no time zone known for {}: set timezone for the contact in contacts.toml, or send with --any-hour",
            place.shown
        ));
    }
    if open(&zones, now) {
        return Ok(());
    }
    let local = local_times(&zones, now);
    let at = if place.zones.len() == 1 {
        format!("it is {local} there ({})", place.shown)
    } else {
        format!(
            "it is {local} in {} ({} time zones)",
            place.shown,
            place.zones.len()
        )
    };
    // The hours open everywhere when they open in the last zone to open: at some zone's
    // 08:00, within two days.
    let mut opens: Vec<Timestamp> = zones
        .iter()
        .flat_map(|z| {
            let today = now.to_zoned(z.clone()).date();
            (0..3).filter_map(move |d| {
                let day = today.checked_add(jiff::Span::new().days(d)).ok()?;
                day.to_datetime(OPENS)
                    .to_zoned(z.clone())
                    .ok()
                    .map(|t| t.timestamp())
            })
        })
        .filter(|t| *t > now)
        .collect();
    opens.sort();
    let next = opens.into_iter().find(|t| open(&zones, *t));
    Err(match next {
        Some(t) => format!(
            "{at}: faxes ring only from {} to {} where they land; it may go in {} (or send with --any-hour)",
            OPENS.strftime("%H:%M"),
            CLOSES.strftime("%H:%M"),
            wait(t.duration_since(now))
        ),
        None => format!(
            "{at}: its time zones share no hours from {} to {}: set timezone for the contact in contacts.toml, or send with --any-hour",
            OPENS.strftime("%H:%M"),
            CLOSES.strftime("%H:%M"),
        ),
    })
}

fn open(zones: &[TimeZone], t: Timestamp) -> bool {
    zones.iter().all(|z| {
        let time = t.to_zoned(z.clone()).time();
        time >= OPENS && time < CLOSES
    })
}

/// The local time in the zones, `23:10` or `22:10 to 04:10`.
fn local_times(zones: &[TimeZone], t: Timestamp) -> String {
    let mut times: Vec<(i32, String)> = zones
        .iter()
        .map(|z| {
            let there = t.to_zoned(z.clone());
            (
                there.offset().seconds(),
                there.time().strftime("%H:%M").to_string(),
            )
        })
        .collect();
    times.sort();
    times.dedup();
    match (times.first(), times.last()) {
        (Some(a), Some(b)) if a.1 != b.1 => format!("{} to {}", a.1, b.1),
        (Some(a), _) => a.1.clone(),
        _ => String::new(),
    }
}

/// A wait in words: `8 h 50 min`, `15 min`.
fn wait(d: jiff::SignedDuration) -> String {
    let mins = d.as_secs().max(0) / 60;
    match (mins / 60, mins % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_gateway_fills_in_the_number() {
        let g = Gateway::parse("{digits}@fax.example.net").unwrap();
        assert_eq!(g.address("+77272715802"), "77272715802@fax.example.net");
        assert_eq!(g.host(), "fax.example.net");
        let g = Gateway::parse(" {e164}@send.example.com ").unwrap();
        assert_eq!(g.address("+77272715802"), "+77272715802@send.example.com");
    }

    #[test]
    fn a_gateway_without_one_number_in_its_local_part_is_refused() {
        for bad in [
            "fax.example.net",
            "fax@example.net",
            "{digits}{digits}@fax.example.net",
            "{digits}@{e164}.example.net",
            "{number}@fax.example.net",
            "fax@{digits}.example.net",
            "{digits}@localhost",
            "{digits}",
            "{digits} @fax.example.net",
        ] {
            let e = Gateway::parse(bad).unwrap_err();
            assert!(
                e.starts_with(&format!("fax gateway {:?}", bad.trim())),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn time_zones_are_checked_by_name() {
        assert!(zone("Asia/Almaty").is_ok());
        assert_eq!(
            zone("Asia/Almatyy").unwrap_err(),
            "unknown time zone \"Asia/Almatyy\": write an IANA name such as \"Asia/Almaty\" or \"Europe/Berlin\""
        );
    }

    #[test]
    fn a_fax_rings_only_in_office_hours_where_it_lands() {
        let almaty = Place::of(Some("Asia/Almaty"), "KZ");
        // Almaty is UTC+5 (since March 2024): 10:00 UTC is 15:00 there.
        assert_eq!(ring_now(&almaty, at("2026-12-01T10:00:00Z")), Ok(()));
        assert_eq!(
            ring_now(&almaty, at("2026-12-01T18:10:00Z")),
            Err("it is 23:10 there (Asia/Almaty): faxes ring only from 08:00 to 21:00 where they land; it may go in 8 h 50 min (or send with --any-hour)".into())
        );
        // 21:00 is closed, 08:00 open.
        assert!(ring_now(&almaty, at("2026-12-01T16:00:00Z")).is_err());
        assert_eq!(ring_now(&almaty, at("2026-12-01T03:00:00Z")), Ok(()));
    }

    #[test]
    fn without_a_zone_every_zone_of_the_country_must_be_within_the_hours() {
        let russia = Place::of(None, "RU");
        assert_eq!(russia.zones.len(), country_zones("RU").len());
        assert!(russia.zones.len() > 10);
        // 07:00 UTC: 09:00 in Kaliningrad, 19:00 in Kamchatka (UTC+12): open everywhere.
        assert_eq!(ring_now(&russia, at("2026-12-01T07:00:00Z")), Ok(()));
        // 12:00 UTC: 15:00 in Moscow, but midnight in Kamchatka.
        let e = ring_now(&russia, at("2026-12-01T12:00:00Z")).unwrap_err();
        assert!(e.starts_with("it is 14:00 to 00:00 in RU ("), "{e}");
        assert!(
            e.ends_with("it may go in 18 h (or send with --any-hour)"),
            "{e}"
        );
        // The United States span Hawaii to New York: 18:00 to 01:00 UTC fits all.
        let us = Place::of(None, "US");
        assert_eq!(ring_now(&us, at("2026-12-01T19:00:00Z")), Ok(()));
    }

    #[test]
    fn a_country_without_known_zones_needs_the_contacts_timezone() {
        let e = ring_now(&Place::of(None, "XX"), at("2026-12-01T10:00:00Z")).unwrap_err();
        assert_eq!(
            e,
            "no time zone known for XX: set timezone for the contact in contacts.toml, or send with --any-hour"
        );
    }
}
