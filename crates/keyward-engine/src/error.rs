//! The engine's error type. Messages are complete sentences for the user;
//! none of them ever holds a secret.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: no such file or directory")]
    MissingPath { path: PathBuf },
    #[error("{0}")]
    Rules(String),
    #[error("{0}")]
    Config(String),
    #[error("{0}")]
    Baseline(String),
    #[error("git: {0}")]
    Git(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Error {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}
