//! One module per command; each returns data to the output module or a [`Failure`].

pub mod admin;
pub mod audit;
pub mod catalog;
pub mod cert;
pub mod cert_render;
pub mod compare;
pub mod diff;
pub mod digest;
pub mod explain;
pub mod gap;
pub mod lineage;
pub mod log;
pub mod log_fetch;
pub mod log_report;
pub mod map;
pub mod oscal;
pub mod report;
pub mod risk;
pub mod roadmap;
pub mod schema;
pub mod serve;
pub mod show;
pub mod target;
pub mod template;
pub mod trend;
pub mod validate;
