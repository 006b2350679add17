//! The certification schemes this server issues under: the built-in one and any a certification
//! body gave at start (`smm serve --scheme FILE`). An attestation names one by id; the default is
//! the first one given, or the built-in one when none was. Schemes are public: a buyer reads the
//! rules an attestation was issued under.

use smm_core::scheme::Scheme;

use crate::problem::Problem;

/// The schemes, in the order they were given, the default first.
#[derive(Debug)]
pub struct Schemes {
    schemes: Vec<Scheme>,
}

/// Two schemes given with one id: which one an attestation names would be ambiguous.
#[derive(Debug, thiserror::Error)]
#[error(
    "two schemes have the id {0}: give each scheme its own id (or leave out the one not meant)"
)]
pub struct DuplicateScheme(pub String);

impl Schemes {
    /// The schemes given at start, then the built-in one unless one of them has its id (a body
    /// may ship its own version of `smm-baseline`).
    pub fn new(given: Vec<Scheme>) -> Result<Schemes, DuplicateScheme> {
        let mut schemes: Vec<Scheme> = Vec::with_capacity(given.len() + 1);
        for scheme in given {
            if schemes.iter().any(|s| s.id.value == scheme.id.value) {
                return Err(DuplicateScheme(scheme.id.value));
            }
            schemes.push(scheme);
        }
        let builtin = Scheme::builtin();
        if !schemes.iter().any(|s| s.id.value == builtin.id.value) {
            schemes.push(builtin);
        }
        Ok(Schemes { schemes })
    }

    /// The scheme used when a request names none.
    pub fn default_scheme(&self) -> &Scheme {
        // `new` always keeps at least the built-in scheme.
        &self.schemes[0]
    }

    /// Every scheme, the default first.
    pub fn all(&self) -> &[Scheme] {
        &self.schemes
    }

    /// The scheme a request names (by id), or the default; an unknown id is refused with the
    /// ids there are.
    pub fn named(&self, id: Option<&str>) -> Result<&Scheme, Problem> {
        let Some(id) = id.map(str::trim).filter(|i| !i.is_empty()) else {
            return Ok(self.default_scheme());
        };
        self.schemes
            .iter()
            .find(|s| s.id.value == id)
            .ok_or_else(|| {
                let known: Vec<&str> = self.schemes.iter().map(|s| s.id.value.as_str()).collect();
                Problem::bad_field(
                    "scheme",
                    format!(
                        "this server issues under no scheme named {id:?}; it knows {}",
                        known.join(", ")
                    ),
                )
            })
    }
}
