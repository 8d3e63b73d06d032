//! The names the server answers to. A page of another site can make a browser send
//! requests to this server under that site's name (DNS rebinding); such requests carry
//! the other name in `Host`, so answering only to our own names keeps the index from
//! being read by other sites.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

/// A host name or IP address the server answers to, without a port: lower case, an
/// IPv6 address in brackets.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HostName(String);

impl HostName {
    /// The name as a `Host` header holds it (before any `:port`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn of_ip(ip: IpAddr) -> HostName {
        HostName(match ip {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => format!("[{v6}]"),
        })
    }
}

impl fmt::Display for HostName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a text is not a [`HostName`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadHostName(String);

impl fmt::Display for BadHostName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadHostName {}

impl FromStr for HostName {
    type Err = BadHostName;

    /// Reads a DNS name (`news.lan`), an IPv4 address or an IPv6 address with or
    /// without brackets; a port, a path or any other character is refused.
    fn from_str(text: &str) -> Result<HostName, BadHostName> {
        let bad = |why: &str| BadHostName(format!("`{text}` is not a host name: {why}"));
        let bare = text.strip_prefix('[').and_then(|t| t.strip_suffix(']'));
        if let Ok(ip) = bare.unwrap_or(text).parse::<IpAddr>() {
            return Ok(HostName::of_ip(ip));
        }
        if bare.is_some() {
            return Err(bad("brackets hold an IPv6 address"));
        }
        if text.is_empty() || text.len() > 253 {
            return Err(bad("a name has 1 to 253 characters"));
        }
        if text.contains(':') {
            return Err(bad("give the name without a port"));
        }
        let label = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        if !text.split('.').all(label) {
            return Err(bad("use letters, digits, `-` and `_` between single dots"));
        }
        Ok(HostName(text.to_ascii_lowercase()))
    }
}

/// The names loopback goes by.
const LOOPBACK: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];

/// The `Host` values the server answers to: the loopback names, the address it is
/// bound to (unless that is every interface) and the names given to it, each with any
/// port or none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedHosts {
    names: Vec<HostName>,
}

impl AllowedHosts {
    /// The names of a server bound to `bound`, plus `extra`.
    pub fn new(bound: SocketAddr, extra: &[HostName]) -> AllowedHosts {
        let mut names: Vec<HostName> = LOOPBACK
            .iter()
            .map(|name| HostName(name.to_string()))
            .collect();
        if !bound.ip().is_unspecified() {
            names.push(HostName::of_ip(bound.ip()));
        }
        names.extend(extra.iter().cloned());
        names.dedup();
        AllowedHosts { names }
    }

    /// Whether `host`, a `Host` header's value or a request target's authority
    /// (`name`, `name:port`, `[v6]:port`), names this server.
    pub fn allows(&self, host: &str) -> bool {
        let name = match host.rsplit_once(':') {
            // A colon inside brackets belongs to an IPv6 address, not to a port.
            Some((name, port))
                if !port.contains(']') && port.bytes().all(|b| b.is_ascii_digit()) =>
            {
                name
            }
            _ => host,
        };
        self.names
            .iter()
            .any(|allowed| allowed.as_str().eq_ignore_ascii_case(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(bound: &str, extra: &[&str]) -> AllowedHosts {
        let extra: Vec<HostName> = extra.iter().map(|n| n.parse().unwrap()).collect();
        AllowedHosts::new(bound.parse().unwrap(), &extra)
    }

    #[test]
    fn loopback_names_are_ours_with_any_port() {
        let ours = hosts("127.0.0.1:7878", &[]);
        for host in [
            "localhost",
            "LocalHost:7878",
            "127.0.0.1",
            "127.0.0.1:7878",
            "127.0.0.1:9000",
            "[::1]",
            "[::1]:7878",
        ] {
            assert!(ours.allows(host), "{host}");
        }
    }

    #[test]
    fn other_names_are_not() {
        let ours = hosts("127.0.0.1:7878", &[]);
        for host in [
            "attacker.example",
            "attacker.example:7878",
            "localhost.attacker.example",
            "127.0.0.1.nip.io:7878",
            "localhost:7878@attacker.example",
            "attacker.example#localhost",
            "",
            ":7878",
            "[::1",
            "::1",
            "192.168.1.5:7878",
        ] {
            assert!(!ours.allows(host), "{host}");
        }
    }

    #[test]
    fn the_bound_address_and_given_names_are_ours() {
        let lan = hosts("192.168.1.5:8080", &["news.lan", "::2"]);
        assert!(lan.allows("192.168.1.5:8080"));
        assert!(lan.allows("News.Lan:8080"));
        assert!(lan.allows("[::2]:8080"));
        assert!(!lan.allows("192.168.1.6:8080"));
        let everywhere = hosts("0.0.0.0:8080", &[]);
        assert!(!everywhere.allows("0.0.0.0:8080"));
        assert!(everywhere.allows("localhost:8080"));
    }

    #[test]
    fn host_names_are_checked() {
        assert_eq!("News.LAN".parse::<HostName>().unwrap().as_str(), "news.lan");
        assert_eq!("::1".parse::<HostName>().unwrap().as_str(), "[::1]");
        assert_eq!("[::1]".parse::<HostName>().unwrap().as_str(), "[::1]");
        assert_eq!("10.0.0.2".parse::<HostName>().unwrap().as_str(), "10.0.0.2");
        for bad in [
            "",
            "news.lan:8080",
            "news..lan",
            ".lan",
            "http://news.lan",
            "news lan",
            "[news.lan]",
            "*",
        ] {
            assert!(bad.parse::<HostName>().is_err(), "{bad}");
        }
        let message = "news.lan:8080".parse::<HostName>().unwrap_err().to_string();
        assert!(message.contains("without a port"), "{message}");
    }
}
