//! Who is on the other end of a request: the client's address, believing `X-Forwarded-For`
//! only as far as it was written by proxies the deployment trusts (`PORTAL_TRUSTED_PROXIES`).

use std::net::IpAddr;

use http::HeaderMap;
use ipnet::IpNet;

/// The client's address. Starting from the peer that connected, each hop that is a trusted
/// proxy is replaced by the address it says it received the request from (the right-most
/// entry of `X-Forwarded-For` not yet used); the first hop that is not trusted is the client.
/// Anything a client writes into the header itself sits to the left of what our proxies
/// appended, so it is never reached unless every hop after it is trusted.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    let mut client = peer;
    while is_trusted(&client) {
        let Some(hop) = forwarded.pop() else { break };
        match hop.parse::<IpAddr>() {
            Ok(ip) => client = ip,
            // A malformed entry: stop at the last address we could read.
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(forwarded: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert("x-forwarded-for", forwarded.parse().unwrap());
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().unwrap()).collect()
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let got = client_address(ip("203.0.113.9"), &headers("198.51.100.1"), &[]);
        assert_eq!(got, ip("203.0.113.9"));
    }

    #[test]
    fn a_trusted_load_balancer_names_the_client() {
        let trusted = nets(&["10.0.0.0/8"]);
        let got = client_address(ip("10.1.2.3"), &headers("198.51.100.7"), &trusted);
        assert_eq!(got, ip("198.51.100.7"));
    }

    #[test]
    fn what_a_client_writes_into_the_header_is_not_believed() {
        let trusted = nets(&["10.0.0.0/8"]);
        // The client sent "X-Forwarded-For: 1.2.3.4"; the load balancer appended its peer.
        let got = client_address(ip("10.1.2.3"), &headers("1.2.3.4, 198.51.100.7"), &trusted);
        assert_eq!(got, ip("198.51.100.7"));
    }

    #[test]
    fn chains_of_trusted_proxies_are_walked_from_the_right() {
        let trusted = nets(&["10.0.0.0/8", "192.168.0.0/16"]);
        let got = client_address(
            ip("10.0.0.1"),
            &headers("1.2.3.4, 198.51.100.7, 192.168.5.5"),
            &trusted,
        );
        assert_eq!(got, ip("198.51.100.7"));
    }

    #[test]
    fn a_missing_or_broken_header_leaves_the_proxy_as_the_client() {
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(
            client_address(ip("10.0.0.1"), &HeaderMap::new(), &trusted),
            ip("10.0.0.1")
        );
        assert_eq!(
            client_address(ip("10.0.0.1"), &headers("not-an-address"), &trusted),
            ip("10.0.0.1")
        );
    }
}
