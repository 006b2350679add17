//! Organizations' private signing keys at rest: sealed with XChaCha20-Poly1305 under the server's
//! secret (`keys.secret`, 32 random bytes, mode 0600, created on first start), the key id as
//! associated data. The database alone never holds a usable private key, and a sealed key moved
//! to another key's row does not open.
//!
//! Servers sharing a database must share the secret: a server whose secret opens none of the
//! stored keys refuses to start ([`Keyring::check`]) rather than fail at the first signature.
//! Every opened key and the secret itself are wiped from memory when dropped.

use std::io::Write;
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand_core::{OsRng, RngCore};
use zeroize::Zeroizing;

use smm_cert::SigningKey;
use smm_store::SealedKey;

/// The secret's length in bytes.
pub const SECRET_BYTES: usize = 32;
/// The first byte of a sealed key: the format (XChaCha20-Poly1305, 24-byte nonce first).
const FORMAT: u8 = 1;
const NONCE_BYTES: usize = 24;

/// What can go wrong with the secret or a sealed key.
#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    /// The secret file cannot be read or made, or is not 32 bytes.
    #[error("{path}: {message}")]
    Secret {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A stored key does not open with this secret (another server's secret, or a damaged row).
    #[error("signing key {keyid} does not open with this keys secret")]
    Sealed {
        /// The key's id.
        keyid: String,
    },
    /// Sealing failed (never with a valid key and nonce).
    #[error("cannot seal a signing key")]
    Seal,
}

/// The server's secret, held only to seal and open signing keys.
pub struct Keyring {
    secret: Zeroizing<[u8; SECRET_BYTES]>,
    path: PathBuf,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Keyring {
    /// Reads the secret, or creates it (32 random bytes, mode 0600, never overwriting) when the
    /// file is absent. Two servers starting at once end up with the same secret.
    pub fn load_or_create(path: &Path) -> Result<Keyring, KeyringError> {
        let problem = |message: String| KeyringError::Secret {
            path: path.to_path_buf(),
            message,
        };
        match std::fs::read(path) {
            Ok(bytes) => Keyring::from_bytes(path, Zeroizing::new(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut secret = Zeroizing::new([0u8; SECRET_BYTES]);
                OsRng.fill_bytes(secret.as_mut());
                let dir = path
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .unwrap_or_else(|| Path::new("."));
                smm_store::create_private_dir(dir).map_err(|e| problem(e.to_string()))?;
                // Written whole to a temporary file (0600), then linked into place, which fails
                // if the secret exists: servers starting together never overwrite each other's
                // secret, and the loser reads the winner's.
                let temp = dir.join(format!(
                    ".keys-secret-{}.tmp",
                    smm_store::session::random_hex().get(..12).unwrap_or("0")
                ));
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::OpenOptionsExt;
                    options.mode(0o600);
                }
                let written = options.open(&temp).and_then(|mut file| {
                    file.write_all(secret.as_ref())?;
                    file.sync_all()
                });
                let linked = written.and_then(|()| std::fs::hard_link(&temp, path));
                let _ = std::fs::remove_file(&temp);
                match linked {
                    Ok(()) => Ok(Keyring {
                        secret,
                        path: path.to_path_buf(),
                    }),
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        let bytes = std::fs::read(path).map_err(|e| problem(e.to_string()))?;
                        Keyring::from_bytes(path, Zeroizing::new(bytes))
                    }
                    Err(e) => Err(problem(e.to_string())),
                }
            }
            Err(e) => Err(problem(e.to_string())),
        }
    }

    fn from_bytes(path: &Path, bytes: Zeroizing<Vec<u8>>) -> Result<Keyring, KeyringError> {
        let mut secret = Zeroizing::new([0u8; SECRET_BYTES]);
        if bytes.len() != SECRET_BYTES {
            return Err(KeyringError::Secret {
                path: path.to_path_buf(),
                message: format!(
                    "a keys secret is {SECRET_BYTES} bytes; this file has {} (give the file the \
                     other servers use, or remove it only if the database holds no signing key)",
                    bytes.len()
                ),
            });
        }
        secret.copy_from_slice(&bytes);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            if let Ok(meta) = std::fs::metadata(path) {
                if meta.permissions().mode() & 0o077 != 0 {
                    tracing::warn!(
                        path = %path.display(),
                        "the keys secret can be read by others than its owner: chmod 600 it"
                    );
                }
            }
        }
        Ok(Keyring {
            secret,
            path: path.to_path_buf(),
        })
    }

    /// Where the secret was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(self.secret.as_slice()))
    }

    /// The private key sealed for keeping, bound to its key id.
    pub fn seal(&self, key: &SigningKey, keyid: &str) -> Result<Vec<u8>, KeyringError> {
        let mut nonce = [0u8; NONCE_BYTES];
        OsRng.fill_bytes(&mut nonce);
        let plain = Zeroizing::new(key.to_bytes());
        let sealed = self
            .cipher()
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain.as_ref(),
                    aad: keyid.as_bytes(),
                },
            )
            .map_err(|_| KeyringError::Seal)?;
        let mut out = Vec::with_capacity(1 + NONCE_BYTES + sealed.len());
        out.push(FORMAT);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// Opens a sealed key and checks that it is the key its id names.
    pub fn open(&self, sealed: &[u8], keyid: &str) -> Result<SigningKey, KeyringError> {
        let refused = || KeyringError::Sealed {
            keyid: keyid.to_string(),
        };
        let (format, rest) = sealed.split_first().ok_or_else(refused)?;
        if *format != FORMAT || rest.len() < NONCE_BYTES {
            return Err(refused());
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_BYTES);
        let plain = Zeroizing::new(
            self.cipher()
                .decrypt(
                    XNonce::from_slice(nonce),
                    Payload {
                        msg: ciphertext,
                        aad: keyid.as_bytes(),
                    },
                )
                .map_err(|_| refused())?,
        );
        let bytes: &[u8; 32] = plain.as_slice().try_into().map_err(|_| refused())?;
        let key = SigningKey::from_bytes(bytes);
        match smm_cert::keys::key_id(&key.verifying_key()) {
            Ok(id) if id == keyid => Ok(key),
            _ => Err(refused()),
        }
    }

    /// Opens a stored key.
    pub fn open_stored(&self, stored: &SealedKey) -> Result<SigningKey, KeyringError> {
        self.open(&stored.sealed_private, &stored.record.keyid)
    }

    /// Fails unless every stored key opens with this secret: run at start, so a server given
    /// the wrong secret says so at once instead of failing at its first signature.
    pub fn check(&self, stored: &[SealedKey]) -> Result<(), KeyringError> {
        for key in stored {
            self.open_stored(key)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_key_opens_only_with_its_secret_and_its_id() {
        let dir = tempfile::tempdir().expect("dir");
        let ring = Keyring::load_or_create(&dir.path().join("keys.secret")).expect("ring");
        let other = Keyring::load_or_create(&dir.path().join("other.secret")).expect("other");
        let key = smm_cert::keys::generate();
        let keyid = smm_cert::keys::key_id(&key.verifying_key()).expect("id");
        let sealed = ring.seal(&key, &keyid).expect("sealed");
        assert!(!sealed.windows(32).any(|w| w == key.to_bytes().as_slice()));
        assert_eq!(
            ring.open(&sealed, &keyid).expect("opens").to_bytes(),
            key.to_bytes()
        );
        assert!(other.open(&sealed, &keyid).is_err(), "another secret");
        let second = smm_cert::keys::generate();
        let second_id = smm_cert::keys::key_id(&second.verifying_key()).expect("id");
        assert!(ring.open(&sealed, &second_id).is_err(), "another key's id");
        let mut damaged = sealed.clone();
        let last = damaged.len() - 1;
        damaged[last] ^= 1;
        assert!(ring.open(&damaged, &keyid).is_err(), "a changed byte");
        assert!(ring.open(&[], &keyid).is_err());
        assert!(ring.open(&[FORMAT, 0, 0], &keyid).is_err());
    }

    #[test]
    fn servers_starting_together_end_up_with_one_secret_of_mode_0600() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("data").join("keys.secret");
        let key = smm_cert::keys::generate();
        let keyid = smm_cert::keys::key_id(&key.verifying_key()).expect("id");
        let sealed: Vec<Vec<u8>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| s.spawn(|| Keyring::load_or_create(&path).expect("ring")))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("thread").seal(&key, &keyid).expect("seal"))
                .collect()
        });
        // What any of them sealed, the secret on disk opens: they all hold the one secret.
        let ring = Keyring::load_or_create(&path).expect("ring");
        for s in &sealed {
            assert_eq!(
                ring.open(s, &keyid).expect("opens").to_bytes(),
                key.to_bytes()
            );
        }
        assert_eq!(std::fs::read(&path).expect("read").len(), SECRET_BYTES);
        let leftovers = std::fs::read_dir(path.parent().expect("dir"))
            .expect("list")
            .count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn a_secret_of_the_wrong_length_is_refused() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("keys.secret");
        std::fs::write(&path, b"short").expect("write");
        let err = Keyring::load_or_create(&path).expect_err("refused");
        assert!(err.to_string().contains("32 bytes"), "{err}");
    }
}
