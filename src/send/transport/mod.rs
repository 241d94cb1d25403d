//! Transports: how a letter reaches the world, one file each behind [`Transport`]: SMTP
//! ([`smtp`], lettre's connection driven stage by stage, with [`wire`] for what it writes
//! beyond lettre's single commands) and a local sendmail ([`sendmail`]).
//! [`open`] is where a configured transport is chosen: a new one is a file and a line there.

mod sendmail;
mod smtp;
mod wire;

use lettre::Address;

use crate::config::{Delivery, Transport as Configured};

/// What became of one letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The server took it. `refused` lists recipients it turned away while taking the rest.
    Accepted {
        reply: String,
        refused: Vec<Refusal>,
    },
    /// The server refused every recipient (at RCPT TO): nothing went.
    Refused(Vec<Refusal>),
    /// A temporary refusal (4xx). `account`: the server refused the sender, not this letter
    /// (at MAIL FROM, or a quota), so the next letters will fare no better.
    Deferred { reply: String, account: bool },
    /// A permanent refusal (5xx) of this letter. A permanent refusal of the sender (a spent
    /// quota) is `Deferred` with `account`: it passes, and the letter must go later.
    Failed { reply: String },
    /// The connection was lost after the body went: the server may have it.
    Unknown(String),
    /// Nothing reached the server (no connection, or it closed before the body): retry.
    NotSent(String),
}

/// A recipient the server refused while it took the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub recipient: Address,
    pub reply: String,
    pub transient: bool,
}

/// One message on its way: the envelope (sender, recipients) and the message itself.
#[derive(Debug, Clone, Copy)]
pub struct Mail<'a> {
    pub from: &'a Address,
    pub recipients: &'a [Address],
    pub message: &'a [u8],
}

/// Runs just before the body goes (that is when the letter is journaled as `sending`); if it
/// fails, the body is not sent.
pub type OnBody<'a> = &'a mut dyn FnMut() -> Result<(), String>;

pub trait Transport {
    /// Delivers one message (see [`OnBody`]).
    fn deliver(&mut self, mail: Mail<'_>, on_body: OnBody<'_>) -> Outcome;
    /// Checks that letters can go (for `outcry smtp test`) and says how, in words: "connected
    /// to smtp.example.org:587 over STARTTLS and logged in as me".
    fn check(&mut self) -> anyhow::Result<String>;
    /// Says goodbye, if connected.
    fn close(&mut self);
}

/// The configured transport, ready to deliver: an SMTP server is connected to (and logged in
/// to) at once, so that a wrong setting is reported before any letter is journaled.
pub fn open(delivery: &Delivery) -> anyhow::Result<Box<dyn Transport>> {
    Ok(match &delivery.transport {
        Configured::Smtp(s) => Box::new(smtp::Smtp::open(s)?),
        Configured::Sendmail(path) => Box::new(sendmail::Sendmail { path: path.clone() }),
    })
}
