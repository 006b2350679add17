//! The application layer: one module per use case, shared by every door.
//!
//! Each module owns the rules of its use case (who may do it, what is checked, what is stored)
//! and returns typed results; the JSON API (`routes`) and the pages (`web`) only decode the
//! request, call in here, and render the result. Neither door imports the other, so a rule
//! lives in one place and the API, the pages and the CLI cannot disagree about it. Rules that
//! are about the model itself (no database, no caller) live in `smm-core` instead.

pub mod analysis;
pub mod certificates;
pub mod documents;
pub mod evidence;
pub mod forms;
pub mod invitations;
pub mod keys;
pub mod oidc;
pub mod organizations;
pub mod oscal;
pub mod portfolio;
pub mod register;
pub mod risk;
pub mod schemes;
pub mod session;
pub mod standards;
pub mod systems;
pub mod transparency;
