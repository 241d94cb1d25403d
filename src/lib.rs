//! outcry: compose, review and send protest letters for urgent solidarity appeals.
//!
//! Data flows one way: [`workspace`] loads the files, [`contacts`], [`campaign`] and
//! [`config`] validate them, [`plan`] decides the letters, [`render`] fills the templates,
//! and [`review`] or [`drafts`] write the result. [`pipeline`] composes those steps beneath the commands ([`cmd`]).

pub mod bulk;
pub mod call;
pub mod campaign;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod contacts;
pub mod diag;
pub mod drafts;
pub mod fax;
pub mod fields;
pub mod files;
pub mod guide;
pub mod init;
pub mod letter;
pub mod locale;
pub mod mime;
pub mod output;
pub mod pdf;
pub mod phone;
pub mod pipeline;
pub mod plan;
pub mod prompt;
pub mod render;
pub mod report;
pub mod review;
pub mod scaffold;
pub mod send;
pub mod signers;
pub mod source;
pub mod template;
#[cfg(test)]
mod testgen;
pub mod workspace;

pub use diag::{EXIT_FAILED, EXIT_INVALID, Error};
