//! The command line, converted once: clap's [`Cli`] becomes the typed options each command
//! needs (a [`Selection`] of targets, [`send::Options`], an output [`Format`], the settings
//! given as flags). Nothing below the command layer sees [`Cli`].

use std::path::PathBuf;
use std::sync::LazyLock;

use anyhow::Result;
use clap::{ArgMatches, CommandFactory as _};
use jiff::Timestamp;

use crate::cli::{self, Cli, Command, ComposeArgs, NewArgs, ReportArgs, SendArgs};
use crate::config::{self, Override, Overrides};
use crate::diag::Error;
use crate::drafts::Destinations;
use crate::output::Format;
use crate::pipeline::Request;
use crate::plan::Selection;
use crate::{bulk, guide, scaffold, send};

/// One run of outcry, as the command line asks for it.
pub(super) struct Invocation {
    pub(super) directory: Option<PathBuf>,
    pub(super) no_input: bool,
    pub(super) quiet: bool,
    /// `--config FILE` and the settings given as flags or variables.
    pub(super) given: config::Given,
    /// The moment letters are dated.
    pub(super) now: Timestamp,
    pub(super) job: Job,
}

/// What to do.
pub(super) enum Job {
    Guide(guide::Request),
    Init(Option<PathBuf>),
    New(scaffold::Given),
    Campaigns,
    Check(Option<String>),
    Compose(Compose),
    Send(Send),
    Status(Option<String>),
    Call(super::call::Request),
    Report(Report),
    SmtpTest,
    Completions(clap_complete::Shell),
    Man,
}

/// `outcry compose CAMPAIGN`.
pub(super) struct Compose {
    pub(super) request: Request,
    pub(super) bulk: Option<bulk::Options>,
    pub(super) format: Format,
    pub(super) drafts: Destinations,
}

/// `outcry send CAMPAIGN...` or `--all`.
pub(super) struct Send {
    pub(super) campaigns: Campaigns,
    /// The targets, the writer's paragraph and co-signatories, the same for every campaign.
    pub(super) request: Request,
    pub(super) bulk: Option<bulk::Options>,
    pub(super) options: send::Options,
    /// `--force`: send past the deadline.
    pub(super) force: bool,
}

/// `outcry report CAMPAIGN`.
pub(super) struct Report {
    pub(super) campaign: String,
    /// `--send`: the report e-mailed to the coordinators, with these options.
    pub(super) send: Option<send::Options>,
    pub(super) format: Format,
    /// `--signers FILE`: a bulk run's members.
    pub(super) signers: Option<PathBuf>,
}

/// Which campaigns `send` sends.
pub(super) enum Campaigns {
    /// One, by name.
    One(String),
    /// Several by name, or every one (`--all`): one plan and one question for them all.
    Named(Vec<String>),
    All,
}

impl Send {
    /// The request for one campaign.
    pub(super) fn request(&self, campaign: &str) -> Request {
        Request {
            campaign: campaign.to_string(),
            ..self.request.clone()
        }
    }
}

impl Invocation {
    /// Converts the parsed command line.
    pub(super) fn new(cli: &Cli, matches: &ArgMatches) -> Result<Invocation> {
        let given = config::Given {
            file: cli.config.clone(),
            overrides: overrides(cli),
        };
        let job = job(cli, matches)?;
        Ok(Invocation {
            directory: cli.directory.clone(),
            no_input: cli.no_input,
            quiet: cli.quiet,
            given,
            now: now()?,
            job,
        })
    }
}

fn job(cli: &Cli, matches: &ArgMatches) -> Result<Job> {
    let signatories = match &cli.command {
        Some(Command::Compose(a)) => a.bulk.signatories.clone(),
        Some(Command::Send(a)) => a.bulk.signatories.clone(),
        _ => None,
    };
    let guide = |intent, send: Option<&SendArgs>| {
        Job::Guide(guide::Request {
            intent,
            signatories: signatories.clone(),
            send: send.map(send_options).unwrap_or_default(),
            force: send.is_some_and(|a| a.force),
            needs_campaign: needs_campaign(matches),
        })
    };
    let Some(command) = &cli.command else {
        return Ok(guide(guide::Intent::Any, None));
    };
    Ok(match command {
        Command::Init { dir } => Job::Init(dir.clone()),
        Command::New(args) => Job::New(new_campaign(args)),
        Command::Campaigns => Job::Campaigns,
        Command::Check { campaign } => Job::Check(campaign.clone()),
        Command::Compose(args) if args.campaign.is_none() => guide(guide::Intent::Compose, None),
        Command::Compose(args) => Job::Compose(compose(args)),
        Command::Send(args) if args.campaigns.is_empty() && !args.all => {
            guide(guide::Intent::Send, Some(args))
        }
        Command::Send(args) => Job::Send(send(args)),
        Command::Status { campaign } => Job::Status(campaign.clone()),
        Command::Call(args) => Job::Call(call(args)?),
        Command::Report(args) => Job::Report(report(args)),
        Command::Smtp(cli::SmtpCommand::Test) => Job::SmtpTest,
        Command::Completions { shell } => Job::Completions(*shell),
        Command::Man => Job::Man,
    })
}

fn selection(t: &cli::TargetArgs) -> Selection {
    Selection {
        only: t.to.clone(),
        skip: t.skip.clone(),
        language: t.lang.clone(),
        languages: Vec::new(),
        calls: false,
    }
}

fn format(f: &cli::FormatArgs) -> Format {
    match f.format {
        cli::Format::Text => Format::Text,
        cli::Format::Json => Format::Json,
    }
}

fn request(
    campaign: &str,
    t: &cli::TargetArgs,
    p: &cli::PersonalArgs,
    b: &cli::BulkArgs,
) -> Request {
    Request {
        campaign: campaign.to_string(),
        selection: selection(t),
        personal: p.personal.clone(),
        signatories: b.signatories.clone(),
    }
}

fn bulk_options(b: &cli::BulkArgs, t: &cli::TargetArgs) -> Option<bulk::Options> {
    b.signers.as_ref().map(|signers| bulk::Options {
        signers: signers.clone(),
        strict: b.strict,
        selection: selection(t),
    })
}

fn compose(a: &ComposeArgs) -> Compose {
    Compose {
        request: request(
            a.campaign.as_deref().unwrap_or_default(),
            &a.targets,
            &a.personal,
            &a.bulk,
        ),
        bulk: bulk_options(&a.bulk, &a.targets),
        format: format(&a.format),
        drafts: destinations(&a.drafts),
    }
}

/// Where drafts go, in the order the flags are listed: each flag is one kind of destination.
fn destinations(d: &cli::DraftArgs) -> Destinations {
    Destinations::from_flags(d.out.as_deref(), d.maildir.as_deref(), d.mbox.as_deref())
}

fn send_options(a: &SendArgs) -> send::Options {
    send::Options {
        yes: a.yes,
        dry_run: a.dry_run,
        limit: a.limit,
        retry_unknown: a.retry_unknown,
        retry_failed: a.retry_failed,
        any_hour: a.any_hour,
        format: format(&a.format),
        gateway: None,
    }
}

fn send(a: &SendArgs) -> Send {
    let campaigns = match a.campaigns.as_slice() {
        _ if a.all => Campaigns::All,
        [one] => Campaigns::One(one.clone()),
        several => Campaigns::Named(several.to_vec()),
    };
    Send {
        campaigns,
        request: request("", &a.targets, &a.personal, &a.bulk),
        bulk: bulk_options(&a.bulk, &a.targets),
        options: send_options(a),
        force: a.force,
    }
}

fn report(a: &ReportArgs) -> Report {
    Report {
        campaign: a.campaign.clone(),
        send: a.send.then(|| send::Options {
            yes: a.yes,
            dry_run: a.dry_run,
            format: format(&a.format),
            retry_failed: a.retry_failed,
            retry_unknown: a.retry_unknown,
            ..send::Options::default()
        }),
        format: format(&a.format),
        signers: a.signers.clone(),
    }
}

fn new_campaign(a: &NewArgs) -> scaffold::Given {
    scaffold::Given {
        id: a.id.clone(),
        title: a.title.clone(),
        subject: a.subject.clone(),
        demands: a.demand.clone(),
        to: a.to.clone(),
        cc: a.cc.clone(),
        copies: a.copies.map(|c| match c {
            cli::Copies::Cc => crate::campaign::Copies::Cc,
            cli::Copies::Bcc => crate::campaign::Copies::Bcc,
            cli::Copies::Separate => crate::campaign::Copies::Separate,
        }),
        deadline: a.deadline,
    }
}

/// The flags of `compose` or `send` typed without a CAMPAIGN that the guided path cannot
/// honour, as `--name`: it asks for what they would say. It honours the flags about sending
/// itself and `--signatories`. Variables (`OUTCRY_FORMAT`, set for scripts) do not count.
fn needs_campaign(matches: &ArgMatches) -> Vec<String> {
    const HONOURED: [&str; 8] = [
        "yes",
        "any_hour",
        "dry_run",
        "force",
        "limit",
        "retry_unknown",
        "retry_failed",
        "signatories",
    ];
    let Some((name, sub)) = matches.subcommand() else {
        return Vec::new();
    };
    let cmd = &*COMMAND;
    let Some(sub_cmd) = cmd.find_subcommand(name) else {
        return Vec::new();
    };
    sub_cmd
        .get_arguments()
        .filter(|a| !a.is_global_set() && !HONOURED.contains(&a.get_id().as_str()))
        .filter(|a| {
            sub.value_source(a.get_id().as_str()) == Some(clap::parser::ValueSource::CommandLine)
        })
        .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
        .collect()
}

/// The command line's own description, for flag and variable names.
static COMMAND: LazyLock<clap::Command> = LazyLock::new(|| {
    let mut cmd = Cli::command();
    cmd.build();
    cmd
});

/// Where a setting given as a flag came from, in the writer's words: `--smtp-port (or
/// OUTCRY_SMTP_PORT)`, the names as the command line declares them.
fn origin(id: &str) -> String {
    let Some(arg) = COMMAND.get_arguments().find(|a| a.get_id() == id) else {
        return id.to_string();
    };
    let long = arg.get_long().unwrap_or(id);
    match arg.get_env() {
        Some(env) => format!("--{long} (or {})", env.to_string_lossy()),
        None => format!("--{long}"),
    }
}

/// The settings given as flags or variables: the top layer of the settings.
fn overrides(cli: &Cli) -> Overrides {
    fn o<T: Clone>(v: Option<&T>, id: &str) -> Option<Override<T>> {
        v.map(|value| Override {
            value: value.clone(),
            origin: origin(id),
        })
    }
    let (s, m) = (&cli.sender, &cli.smtp);
    Overrides {
        name: o(s.sender_name.as_ref(), "sender_name"),
        email: o(s.sender_email.as_ref(), "sender_email"),
        organisation: o(s.sender_organisation.as_ref(), "sender_organisation"),
        city: o(s.sender_city.as_ref(), "sender_city"),
        country: o(s.sender_country.as_ref(), "sender_country"),
        address: o(s.sender_address.as_ref(), "sender_address"),
        transport: o(m.transport.as_ref().map(arg_name).as_ref(), "transport"),
        host: o(m.smtp_host.as_ref(), "smtp_host"),
        port: o(m.smtp_port.map(|p| p.to_string()).as_ref(), "smtp_port"),
        security: o(
            m.smtp_security.as_ref().map(arg_name).as_ref(),
            "smtp_security",
        ),
        username: o(m.smtp_username.as_ref(), "smtp_username"),
        ca_file: o(m.smtp_ca_file.as_ref(), "smtp_ca_file"),
        rate: o(m.rate.map(|r| r.to_string()).as_ref(), "rate"),
        timeout: o(
            m.smtp_timeout.map(|t| t.to_string()).as_ref(),
            "smtp_timeout",
        ),
        sendmail: o(m.sendmail.as_ref(), "sendmail"),
    }
}

/// A choice's name as the command line and the config file spell it (`starttls`).
fn arg_name(v: &impl clap::ValueEnum) -> String {
    v.to_possible_value()
        .map(|p| p.get_name().to_string())
        .unwrap_or_default()
}

/// `outcry call CAMPAIGN [TARGET] [--outcome OUTCOME [--note TEXT]]`.
fn call(a: &cli::CallArgs) -> Result<super::call::Request> {
    use crate::send::journal::Outcome;
    let outcome = a
        .outcome
        .as_deref()
        .map(|name| {
            Outcome::parse(name).ok_or_else(|| {
                let allowed: Vec<&str> = Outcome::ALL.iter().map(|o| o.label()).collect();
                Error::Usage(format!(
                    "--outcome {:?} is not an outcome: use one of {}",
                    crate::fields::shown(name),
                    allowed.join(", ")
                ))
            })
        })
        .transpose()?;
    let note = a
        .note
        .as_deref()
        .map(|n| {
            let n = crate::fields::trim(n);
            crate::fields::check_text("--note", n)
                .map(|()| n.to_string())
                .map_err(Error::Usage)
        })
        .transpose()?;
    Ok(super::call::Request {
        campaign: a.campaign.clone(),
        target: a.target.clone(),
        outcome,
        note,
    })
}

/// The moment letters are dated: `SOURCE_DATE_EPOCH` if set (reproducible output), else now.
fn now() -> Result<Timestamp> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => v
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|s| (0..=253_402_300_799).contains(s))
            .and_then(|s| Timestamp::from_second(s).ok())
            .ok_or_else(|| {
                Error::Usage(format!(
                    "SOURCE_DATE_EPOCH={v:?} must be a number of seconds since 1970, from 0 to 253402300799"
                ))
                .into()
            }),
        Err(_) => Ok(Timestamp::now()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::FromArgMatches as _;

    fn parse(args: &[&str]) -> (Cli, ArgMatches) {
        let matches = Cli::command()
            .try_get_matches_from(args)
            .expect("valid command line");
        (Cli::from_arg_matches(&matches).expect("matches"), matches)
    }

    #[test]
    fn every_setting_flag_names_itself_and_its_variable() {
        let (cli, _) = parse(&[
            "outcry",
            "--sender-name=a",
            "--sender-email=b",
            "--sender-organisation=c",
            "--sender-city=d",
            "--sender-country=nl",
            "--sender-address=f",
            "--transport=sendmail",
            "--smtp-host=h",
            "--smtp-port=2525",
            "--smtp-security=TLS",
            "--smtp-username=k",
            "--smtp-ca-file=l",
            "--rate=12.5",
            "--smtp-timeout=30",
            "--sendmail=o",
            "check",
        ]);
        let o = overrides(&cli);
        // A country in any case goes on in the config's spelling (issue 11).
        assert_eq!(o.country.as_ref().map(|v| v.value.as_str()), Some("NL"));
        let values: Vec<Option<&str>> = [&o.transport, &o.port, &o.security, &o.rate, &o.timeout]
            .map(|v| v.as_ref().map(|v| v.value.as_str()))
            .to_vec();
        assert_eq!(
            values,
            [
                Some("sendmail"),
                Some("2525"),
                Some("tls"),
                Some("12.5"),
                Some("30")
            ]
        );
        let origins: Vec<String> = [
            o.name,
            o.email,
            o.organisation,
            o.city,
            o.country,
            o.address,
            o.transport,
            o.host,
            o.port,
            o.security,
            o.username,
            o.rate,
            o.timeout,
        ]
        .into_iter()
        .map(|v| v.expect("set").origin)
        .chain(
            [o.ca_file, o.sendmail]
                .into_iter()
                .map(|v| v.expect("set").origin),
        )
        .collect();
        assert_eq!(
            origins,
            [
                "--sender-name (or OUTCRY_SENDER_NAME)",
                "--sender-email (or OUTCRY_SENDER_EMAIL)",
                "--sender-organisation (or OUTCRY_SENDER_ORGANISATION)",
                "--sender-city (or OUTCRY_SENDER_CITY)",
                "--sender-country (or OUTCRY_SENDER_COUNTRY)",
                "--sender-address (or OUTCRY_SENDER_ADDRESS)",
                "--transport (or OUTCRY_TRANSPORT)",
                "--smtp-host (or OUTCRY_SMTP_HOST)",
                "--smtp-port (or OUTCRY_SMTP_PORT)",
                "--smtp-security (or OUTCRY_SMTP_SECURITY)",
                "--smtp-username (or OUTCRY_SMTP_USERNAME)",
                "--rate (or OUTCRY_RATE)",
                "--smtp-timeout (or OUTCRY_SMTP_TIMEOUT)",
                "--smtp-ca-file (or OUTCRY_SMTP_CA_FILE)",
                "--sendmail (or OUTCRY_SENDMAIL)",
            ]
        );
    }

    #[test]
    fn the_guided_path_names_the_flags_that_need_a_campaign() {
        let (_, m) = parse(&["outcry", "compose", "--to", "x", "--out", "d", "--strict"]);
        assert_eq!(needs_campaign(&m), ["--to", "--strict", "--out"]);
        let (_, m) = parse(&["outcry", "send", "--dry-run", "--yes", "--skip", "y"]);
        assert_eq!(needs_campaign(&m), ["--skip"]);
        let (_, m) = parse(&["outcry", "-q", "send", "--limit", "3", "--force"]);
        assert!(needs_campaign(&m).is_empty());
    }
}
