//! GitHub Actions: what an event asks to scan (`event`), making sure the
//! checkout holds it (`fetch`), and the job summary and step outputs
//! (`summary`).

pub mod event;
pub mod fetch;
pub mod summary;
pub mod trust;
