//! The client's address, as the login throttle counts it: the peer's, or — only when the peer
//! is a reverse proxy named in `LIVRET_TRUSTED_PROXIES` — the one the proxy saw, from
//! `X-Forwarded-For`. Anyone else could write that header to pass for someone else.

use app::auth::ClientAddress;
use axum::extract::{ConnectInfo, Request};
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

/// The reverse proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Reads `LIVRET_TRUSTED_PROXIES`: addresses or networks separated by commas
    /// (`127.0.0.1, 10.0.0.0/8, ::1`).
    pub fn parse(text: &str) -> Result<Self, String> {
        text.split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(|part| {
                part.parse::<IpNet>()
                    .or_else(|_| part.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        format!("LIVRET_TRUSTED_PROXIES : adresse ou réseau invalide « {part} »")
                    })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&address))
    }

    /// The client behind `peer`: the peer itself, unless it is a trusted proxy; then the
    /// nearest address of `X-Forwarded-For` (read from the right) that is not a trusted proxy.
    pub fn client(&self, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let mut client = peer;
        for hop in forwarded_for.unwrap_or("").rsplit(',') {
            match hop.trim().parse::<IpAddr>() {
                Ok(address) => {
                    client = address;
                    if !self.trusts(address) {
                        break;
                    }
                }
                // A hop that is not an address: stop at the last one believed.
                Err(_) => break,
            }
        }
        client
    }
}

/// Puts the client's address in the request, for the server functions (`ClientAddress`).
pub async fn resolve(trusted: TrustedProxies, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip());
    if let Some(peer) = peer {
        let forwarded = request
            .headers()
            .get("x-forwarded-for")
            .and_then(|value| value.to_str().ok());
        let client = trusted.client(peer, forwarded);
        request.extensions_mut().insert(ClientAddress(client));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
        let trusted = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8").unwrap();
        let header = Some("203.0.113.7, 10.1.2.3");
        // Behind the proxy: the client the proxy saw (its own hops skipped).
        assert_eq!(trusted.client(ip("127.0.0.1"), header), ip("203.0.113.7"));
        // A client that writes the header itself is still itself.
        assert_eq!(
            trusted.client(ip("198.51.100.9"), header),
            ip("198.51.100.9")
        );
        // A forged address on the left of a real one is not taken.
        let forged = Some("1.2.3.4, 203.0.113.7");
        assert_eq!(trusted.client(ip("127.0.0.1"), forged), ip("203.0.113.7"));
        // No header, or nothing trusted: the peer.
        assert_eq!(trusted.client(ip("127.0.0.1"), None), ip("127.0.0.1"));
        let nobody = TrustedProxies::default();
        assert_eq!(nobody.client(ip("127.0.0.1"), header), ip("127.0.0.1"));
    }

    #[test]
    fn a_bad_setting_is_named() {
        assert_eq!(
            TrustedProxies::parse("").unwrap(),
            TrustedProxies::default()
        );
        assert!(TrustedProxies::parse("::1, 192.168.0.0/16").is_ok());
        let error = TrustedProxies::parse("127.0.0.1, proxy.local").unwrap_err();
        assert!(error.contains("« proxy.local »"), "{error}");
    }
}
