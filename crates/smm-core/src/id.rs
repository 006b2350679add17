//! Stable ids of the catalog's domains, subdomains and practices.
//!
//! Ids are what documents, JSON output and certificates refer to; names may change between model
//! editions, ids may not. Separate types keep a subdomain id from being used where a practice id
//! is meant.

use std::borrow::{Borrow, Cow};
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps an id; the catalog checks its syntax when it is loaded.
            pub fn new(id: impl Into<String>) -> Self {
                $name(id.into())
            }

            /// The id as written.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl JsonSchema for $name {
            fn inline_schema() -> bool {
                true
            }
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(generator: &mut SchemaGenerator) -> Schema {
                String::json_schema(generator)
            }
        }
    };
}

id_type!(
    /// The id of a domain, such as `governance`.
    DomainId
);
id_type!(
    /// The id of a subdomain, such as `threats`.
    SubdomainId
);
id_type!(
    /// The id of a practice, such as `threat-modeling`.
    PracticeId
);

/// Whether `id` is a well-formed id: lowercase letters, digits and inner hyphens.
pub fn is_well_formed(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}
