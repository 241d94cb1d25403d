//! Planning, case by case: which letters a campaign makes for a selection, by which channel,
//! to whom and with which copies; and which targets no letter reaches, and why.

use super::*;
use crate::source::Source;

/// A contact for each channel, all but the hotline with the next one in order of preference
/// too; one with none; two coordinators and one without e-mail; the embassy of Kazakhstan in
/// Britain.
const BOOK: &str = include_str!("testdata/contacts.toml");

/// `letters/x/campaign.toml`: its title, subject, date and demand, then `lines` from line 5.
fn campaign(lines: &str) -> Campaign {
    let (c, problems) = crate::campaign::tests::parse(&format!(
        "title = \"T\"\nsubject = \"S\"\nissued = 2011-05-02\ndemands = [\"Free them\"]\n{lines}"
    ));
    assert!(problems.is_empty(), "{problems:?}");
    c.expect("the campaign loads")
}

/// What a plan comes to, each part comparable as a whole.
#[derive(Debug)]
struct Outcome {
    /// A line per letter: `id kind by channel to [..] cc [..] bcc [..] noted [..] of [..]
    /// for [..]`, targets by key (`key=contact` when they differ), the rest by contact id.
    letters: Vec<String>,
    unresolved: Vec<(String, String)>,
    coordinators: Vec<String>,
    /// The warnings and errors, as printed.
    problems: Vec<String>,
}

/// Plans `campaign` for a sender in `country` (none when `""`), with `--to only` and
/// `--skip skip`.
fn plan_for(
    campaign: &Campaign,
    country: &str,
    only: &[&str],
    skip: &[&str],
) -> Result<Outcome, Error> {
    let mut d = Diagnostics::default();
    let book = AddressBook::parse(&Source::new("contacts.toml", BOOK.into()), &mut d);
    assert!(d.iter().next().is_none(), "{d:?}");
    let sender = Sender {
        country: (!country.is_empty()).then(|| country.parse().expect("a country")),
        ..Sender::default()
    };
    let selection = Selection {
        only: only.iter().map(ToString::to_string).collect(),
        skip: skip.iter().map(ToString::to_string).collect(),
        ..Selection::default()
    };
    let p = plan(campaign, &book, &sender, &selection, &mut d)?;
    Ok(Outcome {
        letters: p.letters.iter().map(describe).collect(),
        unresolved: p
            .unresolved
            .into_iter()
            .map(|u| (u.target, u.reason))
            .collect(),
        coordinators: p.coordinators.into_iter().map(|c| c.id).collect(),
        problems: d.sorted().iter().map(ToString::to_string).collect(),
    })
}

fn describe(p: &Planned) -> String {
    let targets = |ts: &[Target]| {
        let keys: Vec<String> = ts
            .iter()
            .map(|t| {
                if t.key == t.contact.id {
                    t.key.clone()
                } else {
                    format!("{}={}", t.key, t.contact.id)
                }
            })
            .collect();
        keys.join(" ")
    };
    let ids = |cs: &[Contact]| {
        cs.iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    format!(
        "{} {:?} by {:?} to [{}] cc [{}] bcc [{}] noted [{}] of [{}] for [{}]",
        p.id,
        p.kind,
        p.channel,
        targets(&p.to),
        ids(&p.cc),
        ids(&p.bcc),
        ids(&p.noted_copies),
        targets(&p.copy_of),
        ids(&p.recipients)
    )
}

fn plan_all(campaign: &Campaign, country: &str) -> Outcome {
    plan_for(campaign, country, &[], &[]).expect("plans")
}

#[test]
fn each_target_by_its_first_channel_with_the_coordinators_in_cc() {
    // Issue 11: a fax, postal or web-form letter has no Cc: the coordinators get a copy by
    // e-mail of their own; a call is not copied.
    let c = campaign(
        "to = [\"ministry\", \"court\", \"prison\", \"appeals\", \"hotline\"]\ncc = [\"coord\"]\n",
    );
    let p = plan_all(&c, "GB");
    assert_eq!(
        p.letters,
        [
            "ministry Letter by Email to [ministry] cc [coord] bcc [] noted [] of [] for [ministry]",
            "court Letter by Fax to [court] cc [] bcc [] noted [coord] of [] for [court]",
            "court.copy Copy by Email to [coord] cc [] bcc [] noted [] of [court] for [court]",
            "prison Letter by Post to [prison] cc [] bcc [] noted [coord] of [] for [prison]",
            "prison.copy Copy by Email to [coord] cc [] bcc [] noted [] of [prison] for [prison]",
            "appeals Letter by Web to [appeals] cc [] bcc [] noted [] of [] for [appeals]",
            "appeals.copy Copy by Email to [coord] cc [] bcc [] noted [] of [appeals] for [appeals]",
            "hotline Letter by Phone to [hotline] cc [] bcc [] noted [] of [] for [hotline]",
        ]
    );
    assert_eq!(p.coordinators, ["coord"]);
    assert!(p.unresolved.is_empty() && p.problems.is_empty(), "{p:?}");
}

#[test]
fn copies_in_bcc_or_separate() {
    let to = "to = [\"ministry\", \"court\"]\ncc = [\"coord\", \"coord2\"]\n";
    let p = plan_all(&campaign(&format!("{to}copies = \"bcc\"\n")), "GB");
    assert_eq!(
        p.letters,
        [
            "ministry Letter by Email to [ministry] cc [] bcc [coord coord2] noted [] of [] for [ministry]",
            "court Letter by Fax to [court] cc [] bcc [] noted [] of [] for [court]",
            "court.copy Copy by Email to [coord coord2] cc [] bcc [] noted [] of [court] for [court]",
        ]
    );
    let p = plan_all(&campaign(&format!("{to}copies = \"separate\"\n")), "GB");
    assert_eq!(
        p.letters,
        [
            "ministry Letter by Email to [ministry] cc [] bcc [] noted [] of [] for [ministry]",
            "ministry.copy Copy by Email to [coord coord2] cc [] bcc [] noted [] of [ministry] for [ministry]",
            "court Letter by Fax to [court] cc [] bcc [] noted [] of [] for [court]",
            "court.copy Copy by Email to [coord coord2] cc [] bcc [] noted [] of [court] for [court]",
        ]
    );
    // No coordinators, no copy.
    let p = plan_all(
        &campaign("to = [\"ministry\"]\ncopies = \"separate\"\n"),
        "GB",
    );
    assert_eq!(
        p.letters,
        ["ministry Letter by Email to [ministry] cc [] bcc [] noted [] of [] for [ministry]"]
    );
    let p = plan_all(&campaign("to = [\"court\", \"prison\"]\n"), "GB");
    assert_eq!(
        p.letters,
        [
            "court Letter by Fax to [court] cc [] bcc [] noted [] of [] for [court]",
            "prison Letter by Post to [prison] cc [] bcc [] noted [] of [] for [prison]",
        ]
    );
}

#[test]
fn a_joint_letter_goes_by_e_mail_to_all_it_can_and_names_every_target() {
    let c = campaign(
        "to = [\"ministry\", \"embassy:KZ\", \"court\", \"nowhere\"]\ncc = [\"coord\"]\ncopies = \"separate\"\naddressing = \"joint\"\n",
    );
    let p = plan_all(&c, "GB");
    let all = "for [ministry embassy-kz-gb court nowhere]";
    assert_eq!(
        p.letters,
        [
            format!(
                "joint Letter by Email to [ministry embassy:KZ=embassy-kz-gb] cc [] bcc [] noted [] of [] {all}"
            ),
            format!(
                "joint.copy Copy by Email to [coord] cc [] bcc [] noted [] of [ministry embassy:KZ=embassy-kz-gb] {all}"
            ),
            format!("court Letter by Fax to [court] cc [] bcc [] noted [] of [] {all}"),
            format!("court.copy Copy by Email to [coord] cc [] bcc [] noted [] of [court] {all}"),
        ]
    );
    let reason =
        "nowhere: Nowhere has no e-mail, fax, web form, postal address or phone in contacts.toml";
    assert_eq!(p.unresolved, [("nowhere".to_string(), reason.to_string())]);
    assert_eq!(
        p.problems,
        [format!("letters/x/campaign.toml:5: warning: {reason}")]
    );
}

#[test]
fn an_embassy_is_the_one_in_the_senders_country() {
    let c = campaign("to = [\"embassy:KZ\"]\n");
    let p = plan_all(&c, "GB");
    assert_eq!(
        p.letters,
        [
            "embassy-kz-gb Letter by Email to [embassy:KZ=embassy-kz-gb] cc [] bcc [] noted [] of [] for [embassy-kz-gb]"
        ]
    );
    assert!(p.unresolved.is_empty() && p.problems.is_empty(), "{p:?}");

    for (country, reason) in [
        (
            "DE",
            "embassy:KZ: no embassy of Kazakhstan in Germany in contacts.toml: add [embassies.KZ.DE]",
        ),
        (
            "",
            "embassy:KZ: no sender country to pick the embassy by: set country in [sender] or --sender-country",
        ),
    ] {
        let p = plan_all(&c, country);
        assert!(p.letters.is_empty(), "{p:?}");
        assert_eq!(
            p.unresolved,
            [("embassy:KZ".to_string(), reason.to_string())]
        );
        assert_eq!(
            p.problems,
            [format!("letters/x/campaign.toml:5: warning: {reason}")]
        );
    }
}

#[test]
fn to_and_skip_pick_targets_by_key_or_contact_id() {
    let c = campaign("to = [\"ministry\", \"court\", \"embassy:KZ\", \"nowhere\"]\n");
    let letter_ids = |o: &Outcome| -> Vec<String> {
        o.letters
            .iter()
            .map(|l| l.split(' ').next().unwrap_or_default().to_string())
            .collect()
    };
    let unresolved =
        |o: &Outcome| -> Vec<String> { o.unresolved.iter().map(|(t, _)| t.clone()).collect() };
    // A target left out is not unresolved either; an embassy missing is still a warning.
    let p = plan_for(&c, "DE", &["ministry"], &[]).expect("plans");
    assert_eq!(letter_ids(&p), ["ministry"]);
    assert!(p.unresolved.is_empty(), "{p:?}");
    assert_eq!(p.problems.len(), 1, "{p:?}");
    let p = plan_for(&c, "DE", &[], &["court", "embassy:KZ"]).expect("plans");
    assert_eq!(letter_ids(&p), ["ministry"]);
    assert_eq!(unresolved(&p), ["nowhere"]);
    let p = plan_for(&c, "DE", &["embassy:KZ", "nowhere"], &["nowhere"]).expect("plans");
    assert!(p.letters.is_empty(), "{p:?}");
    assert_eq!(unresolved(&p), ["embassy:KZ"]);
    // An embassy by its contact id.
    let p = plan_for(&c, "GB", &["embassy-kz-gb", "court"], &[]).expect("plans");
    assert_eq!(letter_ids(&p), ["court", "embassy-kz-gb"]);
    let p = plan_for(&c, "GB", &[], &["embassy-kz-gb"]).expect("plans");
    assert_eq!(letter_ids(&p), ["ministry", "court"]);

    let Err(Error::Usage(m)) = plan_for(&c, "GB", &["ministry"], &["knb"]) else {
        panic!("a name that is no target is a usage error");
    };
    assert_eq!(
        m,
        "\"knb\" is not a target of campaign x: its targets are ministry, court, embassy:KZ, nowhere"
    );
}

#[test]
fn coordinators_get_one_copy_by_e_mail_and_unknown_ids_are_errors() {
    let c = campaign(
        "to = [\"ministry\", \"ghost\"]\ncc = [\"coord\", \"coord\", \"ministry\", \"nomail\", \"phantom\"]\n",
    );
    let p = plan_all(&c, "GB");
    assert_eq!(
        p.letters,
        ["ministry Letter by Email to [ministry] cc [coord] bcc [] noted [] of [] for [ministry]"]
    );
    assert_eq!(p.coordinators, ["coord"]);
    assert_eq!(
        p.problems,
        [
            "letters/x/campaign.toml:5: target \"ghost\" is not in contacts.toml",
            "letters/x/campaign.toml:6: warning: coordinator \"coord\" is listed twice; they get one copy",
            "letters/x/campaign.toml:6: warning: coordinator \"ministry\" is also a target; they get the letter, not a copy",
            "letters/x/campaign.toml:6: coordinator \"nomail\" (No Mail) has no e-mail address for the copies",
            "letters/x/campaign.toml:6: coordinator \"phantom\" is not in contacts.toml",
        ]
    );
}
