//! The command line, declared with clap. The doc comments are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Compose protest letters for urgent solidarity appeals.
///
/// outcry merges a campaign's demands into letter templates, addresses one letter to each
/// authority by e-mail, fax, post, web form or phone, copies the coordinators, and shows
/// the result for review or writes it as drafts.
///
/// Run without a command on a terminal for the guided path: pick a campaign and targets,
/// check your profile, add a paragraph of your own, preview, then send or save drafts.
///
/// Your settings live in your personal config, `~/.config/outcry/config.toml` (or
/// `$XDG_CONFIG_HOME/outcry/config.toml`): your name, e-mail, city and country under
/// [sender], your mail account under [smtp]. A workspace's outcry.toml gives defaults; --config FILE,
/// OUTCRY_* variables and the Sender and Delivery flags below override both.
///
/// Example: outcry compose mayday-2011 --out drafts/
#[derive(Debug, Parser)]
#[command(name = "outcry", version, max_term_width = 100)]
pub struct Cli {
    /// Run as if outcry was started in DIR.
    #[arg(short = 'C', value_name = "DIR", global = true)]
    pub directory: Option<PathBuf>,

    /// Read settings ([sender], [smtp]) from FILE, over the personal and workspace config.
    #[arg(long, value_name = "FILE", env = "OUTCRY_CONFIG", global = true)]
    pub config: Option<PathBuf>,

    /// Never ask anything: fail instead, naming the flag or setting that is missing.
    /// Without a terminal outcry never asks anyway.
    #[arg(
        long,
        env = "OUTCRY_NO_INPUT",
        global = true,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub no_input: bool,

    /// Print nothing on stderr but errors (and the questions, on a terminal).
    #[arg(
        long,
        short = 'q',
        env = "OUTCRY_QUIET",
        global = true,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub quiet: bool,

    #[command(flatten)]
    pub sender: SenderArgs,

    #[command(flatten)]
    pub smtp: SmtpArgs,

    /// Without a command: the guided path (on a terminal).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Sender profile overrides; each beats every config file.
#[derive(Debug, Default, Args)]
#[command(next_help_heading = "Sender")]
pub struct SenderArgs {
    /// Your name, as it signs the letters.
    #[arg(long, value_name = "NAME", env = "OUTCRY_SENDER_NAME", global = true)]
    pub sender_name: Option<String>,
    /// Your e-mail address (the From of every e-mail letter).
    #[arg(
        long,
        value_name = "ADDRESS",
        env = "OUTCRY_SENDER_EMAIL",
        global = true
    )]
    pub sender_email: Option<String>,
    /// The organisation or branch you write for.
    #[arg(
        long,
        value_name = "NAME",
        env = "OUTCRY_SENDER_ORGANISATION",
        global = true
    )]
    pub sender_organisation: Option<String>,
    /// Your city.
    #[arg(long, value_name = "CITY", env = "OUTCRY_SENDER_CITY", global = true)]
    pub sender_city: Option<String>,
    /// Your country (ISO code such as GB); picks the embassy for `embassy:XX` targets.
    #[arg(
        long,
        value_name = "CC",
        env = "OUTCRY_SENDER_COUNTRY",
        global = true,
        value_parser = country_code
    )]
    pub sender_country: Option<String>,
    /// Your postal address (for letters sent by post).
    #[arg(
        long,
        value_name = "ADDRESS",
        env = "OUTCRY_SENDER_ADDRESS",
        global = true
    )]
    pub sender_address: Option<String>,
}

/// A country code in any case, checked as it is typed and passed on as the config spells it.
fn country_code(s: &str) -> Result<String, String> {
    s.parse::<crate::fields::Country>()
        .map(|c| c.code().to_string())
}

/// Delivery overrides; each beats every config file. The password is never a flag: use
/// `password-cmd` in the config, `OUTCRY_SMTP_PASSWORD`, or the prompt.
#[derive(Debug, Default, Args)]
#[command(next_help_heading = "Delivery")]
pub struct SmtpArgs {
    /// How letters go (smtp by default).
    #[arg(
        long,
        value_name = "NAME",
        value_enum,
        ignore_case = true,
        env = "OUTCRY_TRANSPORT",
        global = true
    )]
    pub transport: Option<TransportArg>,
    /// SMTP server host name.
    #[arg(long, value_name = "HOST", env = "OUTCRY_SMTP_HOST", global = true)]
    pub smtp_host: Option<String>,
    /// SMTP server port (default 587 for starttls, 465 for tls).
    #[arg(
        long,
        value_name = "PORT",
        value_parser = clap::value_parser!(u16).range(1..),
        env = "OUTCRY_SMTP_PORT",
        global = true
    )]
    pub smtp_port: Option<u16>,
    /// How the connection is secured (starttls by default).
    #[arg(
        long,
        value_name = "MODE",
        value_enum,
        ignore_case = true,
        env = "OUTCRY_SMTP_SECURITY",
        global = true
    )]
    pub smtp_security: Option<SecurityArg>,
    /// SMTP login name.
    #[arg(long, value_name = "NAME", env = "OUTCRY_SMTP_USERNAME", global = true)]
    pub smtp_username: Option<String>,
    /// Also trust the CA certificates in FILE (PEM), e.g. for a self-hosted server.
    #[arg(long, value_name = "FILE", env = "OUTCRY_SMTP_CA_FILE", global = true)]
    pub smtp_ca_file: Option<PathBuf>,
    /// Seconds before a silent server is given up on.
    #[arg(
        long,
        value_name = "SECONDS",
        value_parser = clap::value_parser!(u64).range(1..=3600),
        env = "OUTCRY_SMTP_TIMEOUT",
        global = true
    )]
    pub smtp_timeout: Option<u64>,
    /// Letters per minute at most (default 20).
    #[arg(long, value_name = "N", env = "OUTCRY_RATE", global = true)]
    pub rate: Option<f64>,
    /// The sendmail program, by absolute path (transport sendmail).
    #[arg(long, value_name = "PATH", env = "OUTCRY_SENDMAIL", global = true)]
    pub sendmail: Option<PathBuf>,
}

/// `--transport`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TransportArg {
    /// Through an SMTP server ([smtp] host, port, security, username).
    Smtp,
    /// Through this machine's sendmail program (--sendmail).
    Sendmail,
}

/// `--smtp-security`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SecurityArg {
    /// TLS from the first byte (port 465).
    Tls,
    /// A plain connection made secure before anything is said (port 587).
    Starttls,
    /// No encryption: for a server on this machine only.
    None,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a workspace for a branch: an address book, settings and two appeals to start from.
    ///
    /// Writes contacts.toml (the authorities of the two appeals outcry ships, with sources),
    /// outcry.toml, .gitignore (which keeps the journal, .outcry/, out of version control) and
    /// letters/mayday-2011/ and letters/free-ainur-kurmanov/. Overwrites nothing. On a
    /// terminal it then asks for your profile and mail account and offers a connection test.
    ///
    /// Example: outcry init my-branch
    Init {
        /// The folder (created if needed); the current folder by default.
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
    },

    /// Start a new campaign: letters/CAMPAIGN/campaign.toml and a first letter.hbs.
    ///
    /// On a terminal, asks for what the flags do not give: title, subject, the demands (one
    /// per line), the targets (picked from contacts.toml) and who gets copies. Then runs the
    /// same checks as `outcry check`. Without a terminal, --title, --demand and --to are
    /// required.
    ///
    /// Example: outcry new free-them --title "Free them" --demand "Release them." --to mfa-kz
    New(NewArgs),

    /// List the campaigns in letters/.
    ///
    /// One line per campaign: id, number of demands and targets, deadline, title.
    Campaigns,

    /// Validate the workspace: files, contacts, numbers, templates.
    ///
    /// Prints every problem as `file:line: message` and exits 2 if any is an error.
    /// Warnings (an embassy missing for your country, a past deadline) do not fail the check.
    ///
    /// Example: outcry check mayday-2011
    Check {
        /// Check only this campaign (and the address book and config).
        #[arg(value_name = "CAMPAIGN")]
        campaign: Option<String>,
    },

    /// Render a campaign's letters for review, or write them as drafts.
    ///
    /// Without --out, --maildir or --mbox, prints a review of every letter (channel, From,
    /// To, Cc, Subject and body) and a plan summary on stdout. With them, writes e-mail
    /// letters as drafts and fax letters, postal letters, web-form texts and call scripts as
    /// text files.
    ///
    /// Example: outcry compose mayday-2011 --skip embassy:KZ --out drafts/
    Compose(ComposeArgs),

    /// Send a campaign's e-mail letters over SMTP (or a local sendmail).
    ///
    /// Shows the plan and asks before the first letter goes (--yes skips the question; without
    /// a terminal, --yes is required). Every letter's state is journaled in .outcry/, so a run
    /// that is interrupted resumes where it stopped: accepted letters are never sent twice.
    /// Exit code 0 when every letter was accepted, 1 when some were not, 2 for bad input.
    ///
    /// Example: outcry send mayday-2011 --dry-run
    Send(SendArgs),

    /// Check the mail account: connect, secure and log in, without sending anything.
    ///
    /// Example: outcry smtp test
    #[command(subcommand)]
    Smtp(SmtpCommand),

    /// Print a shell completion script for SHELL (bash, zsh, fish, elvish, powershell).
    ///
    /// Example: outcry completions bash > ~/.local/share/bash-completion/completions/outcry
    Completions {
        #[arg(value_name = "SHELL")]
        shell: clap_complete::Shell,
    },

    /// Print the manual page (roff), made from this command line's own help.
    ///
    /// Example: outcry man > ~/.local/share/man/man1/outcry.1
    Man,

    /// Record a phone call to one of a campaign's targets in the campaign's journal.
    ///
    /// The number dialled is the target's phone in contacts.toml. Outcomes: reached,
    /// voicemail, no-answer, busy, refused, wrong-number. A second call to a target is
    /// another record; `outcry status CAMPAIGN` shows them under the target. Without
    /// --outcome, on a terminal: a guided session through each target with a phone (or
    /// TARGET alone), asking what came of each call.
    ///
    /// Example: outcry call mayday-2011 presidential-administration --outcome voicemail --note "left my name"
    Call(CallArgs),

    /// Show what the journal says about each letter of a campaign, or sum up every campaign.
    ///
    /// Without a campaign: one line a campaign, its letters counted by state (accepted,
    /// failed, unknown, deferred, planned).
    ///
    /// Example: outcry status mayday-2011
    Status {
        /// The campaign: a folder name under letters/. Without it: every campaign in one line.
        #[arg(value_name = "CAMPAIGN")]
        campaign: Option<String>,
    },

    /// Report what you did for a campaign: every letter with its channel and fate, and totals.
    ///
    /// Composes the campaign as `send` does and reads its journal: each letter accepted (with
    /// the server's reply and the time), deferred, failed, unknown, not sent, or to deliver by
    /// hand (a fax without a gateway, a postal letter, a web form). With --send, e-mails the
    /// report to the campaign's coordinators (its `cc`) through your account, after the same
    /// question as `send`; a second --send sends it again only when something has changed.
    ///
    /// Example: outcry report mayday-2011 --send
    Report(ReportArgs),
}

/// `outcry report CAMPAIGN`.
#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)] // each is a flag of the command line
pub struct ReportArgs {
    /// The campaign: a folder name under letters/.
    #[arg(value_name = "CAMPAIGN")]
    pub campaign: String,

    /// E-mail the report (as text) to the campaign's coordinators.
    #[arg(long)]
    pub send: bool,

    /// With --send: send without asking.
    #[arg(long, short = 'y', requires = "send")]
    pub yes: bool,

    /// With --send: do everything but connect, and print the envelope and message.
    #[arg(long, requires = "send")]
    pub dry_run: bool,

    /// With --send: send again this very report, which the server refused for good (a 5xx)
    /// in an earlier run.
    #[arg(long, requires = "send")]
    pub retry_failed: bool,

    /// With --send: send again this very report, whose fate is unknown (the connection died
    /// after its body went), with the same Message-ID.
    #[arg(long, requires = "send")]
    pub retry_unknown: bool,

    /// A bulk run's report: the letters of each member in FILE (the CSV `send --signers`
    /// sent from), counted.
    #[arg(long, value_name = "FILE")]
    pub signers: Option<PathBuf>,

    #[command(flatten)]
    pub format: FormatArgs,
}

#[derive(Debug, Args)]
pub struct CallArgs {
    /// The campaign: a folder name under letters/.
    #[arg(value_name = "CAMPAIGN")]
    pub campaign: String,

    /// The target called, as the campaign names it (`presidential-administration`).
    /// Needed with --outcome.
    #[arg(value_name = "TARGET")]
    pub target: Option<String>,

    /// What came of the call: reached, voicemail, no-answer, busy, refused, wrong-number.
    #[arg(long, value_name = "OUTCOME")]
    pub outcome: Option<String>,

    /// A note on the call (what was said): a line or a few.
    #[arg(long, value_name = "TEXT", requires = "outcome")]
    pub note: Option<String>,
}

// Each bool is a separate flag a user types; an enum would not read better.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Args)]
pub struct SendArgs {
    /// The campaigns: folder names under letters/ (one plan and one question for them all).
    /// Without any, on a terminal: the guided path.
    #[arg(value_name = "CAMPAIGN")]
    pub campaigns: Vec<String>,

    /// Send every campaign in letters/.
    #[arg(long, conflicts_with = "campaigns")]
    pub all: bool,

    #[command(flatten)]
    pub targets: TargetArgs,

    #[command(flatten)]
    pub personal: PersonalArgs,

    #[command(flatten)]
    pub bulk: BulkArgs,

    /// Send without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Do everything but connect: print each envelope and message.
    #[arg(long)]
    pub dry_run: bool,

    /// Send even though the campaign's deadline has passed.
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub format: FormatArgs,

    /// Send at most N letters in this run.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,

    /// Resend letters whose fate is unknown (the connection died after their body went), with
    /// the same Message-ID.
    #[arg(long)]
    pub retry_unknown: bool,

    /// Send again letters the server refused for good (a 5xx) in an earlier run.
    #[arg(long)]
    pub retry_failed: bool,

    /// Send faxes (through your [fax] gateway) whatever the hour where they land; without it,
    /// a fax goes only between 08:00 and 21:00 there.
    #[arg(long)]
    pub any_hour: bool,
}

#[derive(Debug, Subcommand)]
pub enum SmtpCommand {
    /// Connect to the configured server, negotiate TLS and log in; send nothing.
    ///
    /// Explains a failure in plain words: wrong port for the security mode, certificate not
    /// trusted, login refused, no answer.
    Test,
}

#[derive(Debug, Args)]
pub struct ComposeArgs {
    /// The campaign: a folder name under letters/. Without it, on a terminal: the guided path.
    #[arg(value_name = "CAMPAIGN")]
    pub campaign: Option<String>,

    #[command(flatten)]
    pub targets: TargetArgs,

    #[command(flatten)]
    pub personal: PersonalArgs,

    #[command(flatten)]
    pub bulk: BulkArgs,

    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub drafts: DraftArgs,
}

/// Which of a campaign's targets get a letter (on `compose` and `send`).
#[derive(Debug, Default, Args)]
pub struct TargetArgs {
    /// Write only to these targets (contact ids or embassy:XX as in campaign.toml).
    #[arg(long, value_name = "ID", num_args = 1.., action = clap::ArgAction::Append)]
    pub to: Vec<String>,

    /// Leave out these targets.
    #[arg(long, value_name = "ID", num_args = 1.., action = clap::ArgAction::Append)]
    pub skip: Vec<String>,

    /// Write every letter in LANG (the campaign's own language or one it is translated
    /// into), whatever language its addressee reads.
    #[arg(long, value_name = "LANG", value_parser = language)]
    pub lang: Option<String>,
}

/// A language tag as typed (`ru`, `RU`, `ru-KZ`), passed on as its primary subtag.
fn language(s: &str) -> Result<String, String> {
    crate::campaign::language_tag(s).ok_or_else(|| crate::campaign::not_a_tag(s))
}

/// The writer's own paragraph (on `compose` and `send`).
#[derive(Debug, Default, Args)]
pub struct PersonalArgs {
    /// A paragraph in your own words from FILE (`-` for stdin), put where the letter has
    /// {{personal}}.
    #[arg(long, value_name = "FILE")]
    pub personal: Option<PathBuf>,
}

/// What goes on stdout (on `compose` and `send`).
#[derive(Debug, Args)]
pub struct FormatArgs {
    /// Output on stdout: text, or JSON Lines for scripts (schema outcry.jsonl/1, one object a
    /// line; docs/format.md).
    #[arg(long, value_enum, default_value_t = Format::Text, env = "OUTCRY_FORMAT")]
    pub format: Format,
}

/// Where `compose` writes drafts instead of printing the review.
#[derive(Debug, Default, Args)]
pub struct DraftArgs {
    /// Write drafts into DIR: one .eml per e-mail letter, .txt for the rest.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Deliver the e-mail drafts into the Maildir DIR (cur/, flagged as drafts).
    #[arg(long, value_name = "DIR")]
    pub maildir: Option<PathBuf>,

    /// Append the e-mail drafts to the mbox FILE.
    #[arg(long, value_name = "FILE")]
    pub mbox: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people.
    Text,
    /// For scripts: JSON Lines, one object a line (schema outcry.jsonl/1).
    Json,
}

/// How coordinators get their copy, as `outcry new --copies` takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Copies {
    /// In the Cc of every e-mail letter.
    Cc,
    /// In the Bcc of every e-mail letter.
    Bcc,
    /// In a copy of its own, so the authorities never see their addresses.
    Separate,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The campaign's id: its folder name under letters/ (lower case, digits and dashes).
    #[arg(value_name = "CAMPAIGN")]
    pub id: String,

    /// The campaign's title, as the review and the campaign list show it.
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,

    /// The e-mail subject ("Protest: " and the title by default).
    #[arg(long, value_name = "TEXT")]
    pub subject: Option<String>,

    /// A demand; repeat for each, in order.
    #[arg(long, value_name = "TEXT", action = clap::ArgAction::Append)]
    pub demand: Vec<String>,

    /// A target: a contact id from contacts.toml, or embassy:XX for the embassy of state XX
    /// in the sender's country.
    #[arg(long, value_name = "ID", num_args = 1.., action = clap::ArgAction::Append)]
    pub to: Vec<String>,

    /// A coordinator (contact id) who gets a copy of every letter.
    #[arg(long, value_name = "ID", num_args = 1.., action = clap::ArgAction::Append)]
    pub cc: Vec<String>,

    /// How coordinators get their copy (cc by default).
    #[arg(long, value_name = "HOW", value_enum)]
    pub copies: Option<Copies>,

    /// The last day to write (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = crate::fields::parse_date)]
    pub deadline: Option<jiff::civil::Date>,
}

/// Bulk mailings and co-signatories, on `compose` and `send`.
#[derive(Debug, Default, Args)]
pub struct BulkArgs {
    /// One letter per signer and target, from the CSV FILE (columns name, id, email, city,
    /// country, note and any of your own, as signer.<column> in templates). The account
    /// sends, as "SIGNER via ACCOUNT" in From, and a signer's e-mail gets a copy (Cc). A
    /// signer is their id (a membership number) when the file has that column, else their
    /// name: fixing their e-mail or city does not make them write again.
    #[arg(long, value_name = "FILE.csv")]
    pub signers: Option<PathBuf>,

    /// Stop at the first bad row of the signers file (by default it is reported and left out).
    #[arg(long)]
    pub strict: bool,

    /// The co-signatories of a joint letter, one per line in FILE (over the campaign's own
    /// `signatories`).
    #[arg(long, value_name = "FILE")]
    pub signatories: Option<PathBuf>,
}
