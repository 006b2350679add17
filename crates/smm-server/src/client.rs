//! The address a request comes from. Behind a reverse proxy every connection comes from the
//! proxy, so the login throttle would count all clients as one, and one person guessing
//! passwords would lock everyone out. A proxy named with `--trusted-proxy` is believed about the
//! address it forwards for; anyone else's `X-Forwarded-For` is ignored.

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;
use ipnet::IpNet;

use crate::extract::RemoteAddr;
use crate::state::AppState;

/// Reads a `--trusted-proxy` value: an address (`10.0.0.5`) or a network (`10.0.0.0/8`).
pub fn parse_trusted_proxy(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("`{text}` is neither an IP address nor a network such as 10.0.0.0/8"))
}

/// The client's address: the peer's, or, when the peer is a trusted proxy, the nearest address
/// in `X-Forwarded-For` that is not a trusted proxy itself. The header is read from the right,
/// because each proxy appends the address it saw: entries left of the first untrusted one were
/// written by the client and prove nothing.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |a: &IpAddr| trusted.iter().any(|n| n.contains(a));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Some(address) = hop
            .parse::<IpAddr>()
            .ok()
            .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
        else {
            // Garbage from a hop we cannot place: keep the last address we can vouch for.
            break;
        };
        client = address;
        if !is_trusted(&address) {
            break;
        }
    }
    client
}

/// The client's address as the login throttle counts it.
pub fn remote(connect: &RemoteAddr) -> String {
    connect
        .0
        .map_or_else(|| "local".to_string(), |a| a.to_string())
}

/// Whether a proxy's forwarding headers from `peer` may be believed: only from a proxy named
/// with `--trusted-proxy`. A request with no peer address is the router called in-process (the
/// tests); the server itself always knows the peer.
pub fn believes_forwarding(peer: Option<IpAddr>, trusted: &[IpNet]) -> bool {
    peer.is_none_or(|peer| trusted.iter().any(|n| n.contains(&peer)))
}

/// Removes `X-Forwarded-Proto` at the door unless a trusted proxy sent it, so no cookie, HSTS
/// or link decision further in reads a client's own claim to be on HTTPS.
pub async fn drop_untrusted_forwarded_proto(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut request: axum::extract::Request,
) -> axum::extract::Request {
    let peer = request
        .extensions()
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if !believes_forwarding(peer, &state.trusted_proxies) {
        request.headers_mut().remove("x-forwarded-proto");
    }
    request
}

/// Whether the client reached the server over TLS (or the server says it always does). The
/// header is only there when a trusted proxy sent it ([`drop_untrusted_forwarded_proto`]).
pub fn is_tls(headers: &HeaderMap, state: &AppState) -> bool {
    state.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("address")
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(v).expect("header"));
        }
        headers
    }

    #[test]
    fn forwarding_is_believed_only_from_a_trusted_proxy() {
        let trusted = [parse_trusted_proxy("10.0.0.0/8").expect("net")];
        assert!(believes_forwarding(Some(ip("10.1.2.3")), &trusted));
        assert!(!believes_forwarding(Some(ip("203.0.113.7")), &trusted));
        assert!(!believes_forwarding(Some(ip("10.1.2.3")), &[]));
        assert!(believes_forwarding(None, &[]));
    }

    #[test]
    fn proxies_are_addresses_or_networks() {
        assert_eq!(
            parse_trusted_proxy("10.0.0.5")
                .expect("address")
                .to_string(),
            "10.0.0.5/32"
        );
        assert_eq!(
            parse_trusted_proxy(" fd00::/8 ")
                .expect("network")
                .to_string(),
            "fd00::/8"
        );
        let refused = parse_trusted_proxy("proxy.local").expect_err("a name");
        assert!(refused.contains("`proxy.local`"), "{refused}");
    }

    #[test]
    fn only_a_trusted_peer_is_believed() {
        let trusted = [parse_trusted_proxy("10.0.0.0/8").expect("net")];
        let headers = forwarded(&["203.0.113.7"]);
        assert_eq!(
            client_address(ip("198.51.100.1"), &headers, &trusted),
            ip("198.51.100.1"),
            "a client that is not a proxy cannot claim another address"
        );
        assert_eq!(
            client_address(ip("10.0.0.5"), &headers, &trusted),
            ip("203.0.113.7")
        );
        assert_eq!(
            client_address(ip("10.0.0.5"), &headers, &[]),
            ip("10.0.0.5"),
            "no proxy is trusted unless named"
        );
    }

    #[test]
    fn the_nearest_untrusted_hop_is_the_client() {
        let trusted = [parse_trusted_proxy("10.0.0.0/8").expect("net")];
        // The client wrote a fake first entry; two proxies of ours appended what they saw.
        let headers = forwarded(&["1.2.3.4, 203.0.113.7", "10.1.1.1"]);
        assert_eq!(
            client_address(ip("10.0.0.5"), &headers, &trusted),
            ip("203.0.113.7")
        );
        // Ports and IPv6 are read too.
        let headers = forwarded(&["[2001:db8::7]:4711"]);
        assert_eq!(
            client_address(ip("10.0.0.5"), &headers, &trusted),
            ip("2001:db8::7")
        );
        // A trusted proxy with no header, or only proxies in it: the last one known.
        assert_eq!(
            client_address(ip("10.0.0.5"), &HeaderMap::new(), &trusted),
            ip("10.0.0.5")
        );
        let headers = forwarded(&["10.2.2.2"]);
        assert_eq!(
            client_address(ip("10.0.0.5"), &headers, &trusted),
            ip("10.2.2.2")
        );
        // Garbage stops the walk at the last address that can be vouched for.
        let headers = forwarded(&["203.0.113.7, unknown"]);
        assert_eq!(
            client_address(ip("10.0.0.5"), &headers, &trusted),
            ip("10.0.0.5")
        );
    }
}
