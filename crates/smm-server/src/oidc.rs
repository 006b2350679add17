//! Sign-in delegated to an OpenID Connect provider: its configuration (`kind: OidcProvider`),
//! and the provider as discovered.
//!
//! Nothing the provider says is believed unchecked: discovery must name exactly the configured
//! issuer, an ID token must be signed with one of the provider's published keys in an algorithm
//! smm chooses (never the provider's list, which could let a token MACed with the client secret
//! pass), for this client, unexpired, issued recently and with the nonce of the sign-in it
//! answers. The HTTP client follows no redirects, so a provider cannot point smm at another host.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreErrorResponseType, CoreGenderClaim, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm, CoreProviderMetadata,
    CoreRevocableToken, CoreRevocationErrorResponse, CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, Client, ClientId, ClientSecret, EmptyExtraTokenFields, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, IdTokenFields, IssuerUrl, RedirectUrl, StandardErrorResponse,
    StandardTokenResponse,
};
use serde::{Deserialize, Serialize};
use smm_store::Role;
use tokio::sync::RwLock;

/// Every claim of an ID token beyond the standard ones, by name: the groups, roles or other
/// claims the configuration maps people by.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct OtherClaims(pub HashMap<String, serde_json::Value>);
impl AdditionalClaims for OtherClaims {}

type Fields = IdTokenFields<
    OtherClaims,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

/// The provider's client as smm uses it: authorization and token endpoints from discovery.
pub type OidcClient = Client<
    OtherClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    StandardTokenResponse<Fields, CoreTokenType>,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// The signature algorithms an ID token may use, whatever the provider advertises.
pub const ALLOWED_ALGORITHMS: [CoreJwsSigningAlgorithm; 5] = [
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
    CoreJwsSigningAlgorithm::RsaSsaPssSha256,
    CoreJwsSigningAlgorithm::EcdsaP256Sha256,
    CoreJwsSigningAlgorithm::EcdsaP384Sha384,
    CoreJwsSigningAlgorithm::EdDsa,
];

/// How long the discovered metadata and keys are used before they are fetched again (keys
/// rotate); a token signed with a key not seen yet also fetches them again, at most this often.
const REDISCOVER_AFTER: Duration = Duration::from_secs(3600);
const REDISCOVER_AT_MOST_EVERY: Duration = Duration::from_secs(60);

/// The configuration file of `smm serve --oidc FILE`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcConfig {
    /// Format version: 1.
    pub smm: u32,
    /// Always `OidcProvider`.
    pub kind: String,
    /// What the sign-in button says: "Sign in with NAME".
    pub name: String,
    /// The issuer, exactly as the provider's discovery document states it.
    pub issuer: String,
    /// This server's client id at the provider.
    pub client_id: String,
    /// A file holding the client secret (else `SMM_OIDC_CLIENT_SECRET`); never in this file.
    #[serde(default)]
    pub client_secret_file: Option<PathBuf>,
    /// Where the provider sends people back: `https://HOST/auth/oidc/callback`, registered at
    /// the provider exactly so.
    pub redirect_url: String,
    /// Scopes besides `openid`, e.g. `email`, `profile`, `groups`.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// The claim whose value becomes a new user's name.
    #[serde(default = "default_username_claim")]
    pub username_claim: String,
    /// The claim listing a person's groups (or roles): a dotted path such as
    /// `realm_access.roles` reaches into objects.
    #[serde(default = "default_groups_claim")]
    pub groups_claim: String,
    /// Whether people may still sign in with a password (API tokens and `smm admin` always
    /// work).
    #[serde(default = "yes")]
    pub local_passwords: bool,
    /// Which group gives which role in which organization; for each organization the first
    /// rule that matches decides.
    pub mappings: Vec<GroupMapping>,
    /// The client secret, read from `client_secret_file` or the environment.
    #[serde(skip)]
    pub client_secret: String,
}

/// A group's role in an organization.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupMapping {
    /// The group's value in the groups claim.
    pub group: String,
    /// The organization, by name; it must exist (the provider never makes organizations).
    pub organization: String,
    /// The role members of the group get there.
    pub role: Role,
}

fn default_username_claim() -> String {
    "preferred_username".to_string()
}

fn default_groups_claim() -> String {
    "groups".to_string()
}

fn yes() -> bool {
    true
}

impl OidcConfig {
    /// Reads and checks a configuration file; the message names what is wrong.
    pub fn load(path: &Path) -> Result<OidcConfig, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
        let mut config: OidcConfig =
            serde_saphyr::from_str(&text).map_err(|e| format!("not a valid OidcProvider: {e}"))?;
        if config.smm != 1 || config.kind != "OidcProvider" {
            return Err("expected `smm: 1` and `kind: OidcProvider`".to_string());
        }
        config.client_secret = match &config.client_secret_file {
            Some(file) => std::fs::read_to_string(file)
                .map_err(|e| format!("client_secret_file {}: {e}", file.display()))?
                .trim()
                .to_string(),
            None => std::env::var("SMM_OIDC_CLIENT_SECRET").map_err(|_| {
                "no client secret: give client_secret_file, or set SMM_OIDC_CLIENT_SECRET"
                    .to_string()
            })?,
        };
        if config.client_secret.is_empty() {
            return Err("the client secret is empty".to_string());
        }
        for (what, url) in [
            ("issuer", &config.issuer),
            ("redirect_url", &config.redirect_url),
        ] {
            let parsed = reqwest::Url::parse(url).map_err(|e| format!("{what}: {e}"))?;
            let loopback = matches!(
                parsed.host_str(),
                Some("localhost" | "127.0.0.1" | "[::1]" | "::1")
            );
            if parsed.scheme() != "https" && !(parsed.scheme() == "http" && loopback) {
                return Err(format!(
                    "{what} must be an https URL (plain http only on this machine's loopback)"
                ));
            }
        }
        if config.mappings.is_empty() {
            return Err(
                "mappings is empty: nobody would get a role in any organization".to_string(),
            );
        }
        Ok(config)
    }

    /// The organizations the provider decides membership in: every one a mapping names.
    pub fn managed_organizations(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .mappings
            .iter()
            .map(|m| m.organization.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The role in each managed organization that `groups` give, by the first matching rule.
    pub fn roles_for(&self, groups: &[String]) -> Vec<(String, Role)> {
        let mut roles: Vec<(String, Role)> = Vec::new();
        for m in &self.mappings {
            if groups.iter().any(|g| g == &m.group)
                && !roles.iter().any(|(org, _)| org == &m.organization)
            {
                roles.push((m.organization.clone(), m.role));
            }
        }
        roles
    }
}

/// The configured provider, discovered lazily and again when its keys may have changed.
pub struct Oidc {
    /// The configuration.
    pub config: OidcConfig,
    http: reqwest::Client,
    discovered: RwLock<Option<(Arc<OidcClient>, Instant)>>,
}

impl Oidc {
    /// The provider of `config`; nothing is fetched yet.
    pub fn new(config: OidcConfig) -> Result<Oidc, String> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| format!("cannot make an HTTP client: {e}"))?;
        Ok(Oidc {
            config,
            http,
            discovered: RwLock::new(None),
        })
    }

    /// The HTTP client for the provider's endpoints.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The client, from discovery made within the last hour, else discovered now.
    pub async fn client(&self) -> Result<Arc<OidcClient>, String> {
        if let Some((client, at)) = self.discovered.read().await.as_ref() {
            if at.elapsed() < REDISCOVER_AFTER {
                return Ok(Arc::clone(client));
            }
        }
        self.discover().await
    }

    /// Discovery again, for a token signed with a key not seen yet (the provider rotated its
    /// keys); at most once a minute, so tokens with made-up key ids cannot make smm hammer the
    /// provider.
    pub async fn rediscover(&self) -> Result<Arc<OidcClient>, String> {
        if let Some((client, at)) = self.discovered.read().await.as_ref() {
            if at.elapsed() < REDISCOVER_AT_MOST_EVERY {
                return Ok(Arc::clone(client));
            }
        }
        self.discover().await
    }

    async fn discover(&self) -> Result<Arc<OidcClient>, String> {
        let issuer = IssuerUrl::new(self.config.issuer.clone()).map_err(|e| e.to_string())?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| format!("discovery at {} failed: {e}", self.config.issuer))?;
        let redirect =
            RedirectUrl::new(self.config.redirect_url.clone()).map_err(|e| e.to_string())?;
        let client = Arc::new(
            OidcClient::from_provider_metadata(
                metadata,
                ClientId::new(self.config.client_id.clone()),
                Some(ClientSecret::new(self.config.client_secret.clone())),
            )
            .set_redirect_uri(redirect),
        );
        *self.discovered.write().await = Some((Arc::clone(&client), Instant::now()));
        Ok(client)
    }
}

/// The strings at a dotted claim path (`groups`, `realm_access.roles`): a string or an array of
/// strings; absent is none; anything else is refused.
pub fn claim_strings(claims: &OtherClaims, path: &str) -> Result<Vec<String>, String> {
    let mut parts = path.split('.');
    let first = parts.next().unwrap_or_default();
    let mut value = match claims.0.get(first) {
        Some(v) => v,
        None => return Ok(Vec::new()),
    };
    for part in parts {
        value = match value.get(part) {
            Some(v) => v,
            None => return Ok(Vec::new()),
        };
    }
    match value {
        serde_json::Value::String(s) => Ok(vec![s.clone()]),
        serde_json::Value::Array(items) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("the claim `{path}` holds something not a string"))
            })
            .collect(),
        _ => Err(format!(
            "the claim `{path}` is not a string or a list of strings"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(json: serde_json::Value) -> OtherClaims {
        serde_json::from_value(json).expect("claims")
    }

    #[test]
    fn groups_are_read_from_a_string_a_list_or_a_dotted_path() {
        let c = claims(serde_json::json!({
            "groups": ["a", "b"], "team": "c", "realm_access": {"roles": ["d"]}, "odd": 3
        }));
        assert_eq!(
            claim_strings(&c, "groups"),
            Ok(vec!["a".into(), "b".into()])
        );
        assert_eq!(claim_strings(&c, "team"), Ok(vec!["c".into()]));
        assert_eq!(
            claim_strings(&c, "realm_access.roles"),
            Ok(vec!["d".into()])
        );
        assert_eq!(claim_strings(&c, "absent"), Ok(vec![]));
        assert!(claim_strings(&c, "odd").is_err());
    }

    #[test]
    fn the_first_rule_for_an_organization_decides() {
        let config = OidcConfig {
            smm: 1,
            kind: "OidcProvider".into(),
            name: "SSO".into(),
            issuer: "https://idp.example".into(),
            client_id: "smm".into(),
            client_secret_file: None,
            redirect_url: "https://smm.example/auth/oidc/callback".into(),
            scopes: vec![],
            username_claim: default_username_claim(),
            groups_claim: default_groups_claim(),
            local_passwords: true,
            mappings: vec![
                GroupMapping {
                    group: "owners".into(),
                    organization: "Lab".into(),
                    role: Role::Owner,
                },
                GroupMapping {
                    group: "staff".into(),
                    organization: "Lab".into(),
                    role: Role::Viewer,
                },
                GroupMapping {
                    group: "staff".into(),
                    organization: "Plant".into(),
                    role: Role::Editor,
                },
            ],
            client_secret: "s".into(),
        };
        assert_eq!(
            config.roles_for(&["staff".into(), "owners".into()]),
            vec![("Lab".into(), Role::Owner), ("Plant".into(), Role::Editor)]
        );
        assert_eq!(
            config.roles_for(&["staff".into()]),
            vec![("Lab".into(), Role::Viewer), ("Plant".into(), Role::Editor)]
        );
        assert!(config.roles_for(&["nobody".into()]).is_empty());
        assert_eq!(config.managed_organizations(), vec!["Lab", "Plant"]);
    }
}
