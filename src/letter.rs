//! The rendered letter: what goes to one authority (or to all, for a joint letter) by one channel.

use std::sync::Arc;

use serde::Serialize;

/// How a letter reaches its addressee. The order is the order of preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Email,
    Fax,
    Web,
    Post,
    Phone,
}

impl Channel {
    /// The word people read in the review.
    pub fn label(self) -> &'static str {
        match self {
            Channel::Email => "e-mail",
            Channel::Fax => "fax",
            Channel::Web => "web form",
            Channel::Post => "post",
            Channel::Phone => "call",
        }
    }
}

/// A protest letter, or the coordinators' copy of one (`copies = "separate"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Letter,
    Copy,
}

/// Somebody a letter is addressed to, with the address the channel uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Addressee {
    /// The contact id (`knb-press`, `embassy-kz-gb`).
    pub id: String,
    pub name: String,
    /// E-mail address, fax or phone number (E.164), web-form URL, or postal address.
    pub address: String,
    /// For a fax: where it lands, for the hours it may ring (see [`crate::fax`]).
    #[serde(skip)]
    pub place: Option<crate::fax::Place>,
}

/// The sender as the letter shows it (placeholders when no profile is set).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct From {
    pub name: String,
    pub email: String,
}

/// A finished letter, ready for review, drafts or delivery.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Letter {
    /// Unique in the campaign and safe as a file name: the contact id, `joint`, or `<id>.copy`.
    pub id: String,
    pub kind: Kind,
    pub channel: Channel,
    pub from: From,
    pub to: Vec<Addressee>,
    pub cc: Vec<Addressee>,
    pub bcc: Vec<Addressee>,
    pub subject: String,
    /// Plain text with `\n` line ends, ending in one `\n`.
    pub body: String,
    /// For e-mail letters: stable across runs for the same campaign, letter and sender.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// Other ways to reach the addressee (`phone +7 …`), for the review.
    pub alternatives: Vec<String>,
    /// The language it is written in (BCP 47 primary tag).
    pub language: String,
    /// The fax or postal letter whose PDF this e-mail carries: the one a coordinators' copy
    /// copies, or the fax a gateway e-mail delivers.
    #[serde(skip)]
    pub carries: Option<Arc<Letter>>,
}

impl Letter {
    pub fn is_email(&self) -> bool {
        self.channel == Channel::Email
    }

    /// The draft file name: `<id>.eml` for e-mail, `<id>.<channel>.txt` for the rest.
    pub fn file_name(&self) -> String {
        match self.channel {
            Channel::Email => format!("{}.eml", self.id),
            Channel::Fax => format!("{}.fax.txt", self.id),
            Channel::Web => format!("{}.web.txt", self.id),
            Channel::Post => format!("{}.post.txt", self.id),
            Channel::Phone => format!("{}.call.txt", self.id),
        }
    }

    /// The print-ready PDF's file name, for fax and postal letters: `<id>.fax.pdf`,
    /// `<id>.post.pdf` (see [`crate::pdf`]).
    pub fn pdf_name(&self) -> Option<String> {
        match self.channel {
            Channel::Fax => Some(format!("{}.fax.pdf", self.id)),
            Channel::Post => Some(format!("{}.post.pdf", self.id)),
            _ => None,
        }
    }

    /// The name of the PDF this e-mail carries, if it carries one.
    pub fn attachment_name(&self) -> Option<String> {
        self.carries.as_ref().and_then(|l| l.pdf_name())
    }
}
