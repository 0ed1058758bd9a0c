//! Packet headers and the value types rules match on: protocol and port range.
//!
//! These are preconditions pushed into types: a `PortRange` is never empty and never
//! exceeds 65535, a `Protocol` is one of IANA's numbers. They serialize as the short
//! strings users type (`"tcp"`, `"443"`, `"1024-65535"`), which keeps topology files
//! and share links small and readable.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

/// An IP protocol as security group and network ACL rules name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    /// Every protocol (`-1` in the AWS API, "All traffic" in the console).
    All,
    Tcp,
    Udp,
    Icmp,
    Icmpv6,
    /// Any other IANA protocol number.
    Number(u8),
}

impl Protocol {
    /// The IANA protocol number; `None` for [`Protocol::All`].
    pub fn number(self) -> Option<u8> {
        match self {
            Protocol::All => None,
            Protocol::Tcp => Some(6),
            Protocol::Udp => Some(17),
            Protocol::Icmp => Some(1),
            Protocol::Icmpv6 => Some(58),
            Protocol::Number(n) => Some(n),
        }
    }

    /// Whether the protocol carries ports (TCP and UDP), so rules constrain them.
    pub fn has_ports(self) -> bool {
        matches!(self, Protocol::Tcp | Protocol::Udp)
    }

    /// Whether packets carry an ICMP type and code (ICMP for IPv4, ICMPv6 for IPv6).
    pub fn is_icmp(self) -> bool {
        matches!(self, Protocol::Icmp | Protocol::Icmpv6)
    }

    /// Whether a rule written for `self` matches a packet of protocol `packet`.
    pub fn matches(self, packet: Protocol) -> bool {
        self == Protocol::All || self.number() == packet.number()
    }

    fn canonical(n: u8) -> Protocol {
        match n {
            6 => Protocol::Tcp,
            17 => Protocol::Udp,
            1 => Protocol::Icmp,
            58 => Protocol::Icmpv6,
            n => Protocol::Number(n),
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Protocol::All => f.write_str("all"),
            Protocol::Tcp => f.write_str("tcp"),
            Protocol::Udp => f.write_str("udp"),
            Protocol::Icmp => f.write_str("icmp"),
            Protocol::Icmpv6 => f.write_str("icmpv6"),
            Protocol::Number(n) => write!(f, "{n}"),
        }
    }
}

/// Why a protocol string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown protocol {0:?}: expected tcp, udp, icmp, icmpv6, all or a number 0-255")]
pub struct ProtocolError(pub String);

impl FromStr for Protocol {
    type Err = ProtocolError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "all" | "-1" | "any" => Ok(Protocol::All),
            "tcp" => Ok(Protocol::Tcp),
            "udp" => Ok(Protocol::Udp),
            "icmp" => Ok(Protocol::Icmp),
            "icmpv6" | "ipv6-icmp" => Ok(Protocol::Icmpv6),
            other => other.parse::<u8>().map(Protocol::canonical).map_err(|_| ProtocolError(s.to_string())),
        }
    }
}

impl Serialize for Protocol {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Protocol {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// An inclusive, non-empty range of ports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PortRange {
    first: u16,
    last: u16,
}

impl PortRange {
    /// Every port, 0-65535.
    pub const ALL: PortRange = PortRange { first: 0, last: 65535 };

    /// The range `first..=last`; `None` when `first > last`.
    ///
    /// # Examples
    /// ```
    /// use vpclab_core::PortRange;
    /// assert!(PortRange::new(1024, 65535).is_some());
    /// assert!(PortRange::new(443, 80).is_none());
    /// ```
    pub const fn new(first: u16, last: u16) -> Option<PortRange> {
        if first <= last {
            Some(PortRange { first, last })
        } else {
            None
        }
    }

    /// A single port.
    pub fn single(port: u16) -> PortRange {
        PortRange { first: port, last: port }
    }

    pub fn first(self) -> u16 {
        self.first
    }

    pub fn last(self) -> u16 {
        self.last
    }

    pub fn contains(self, port: u16) -> bool {
        self.first <= port && port <= self.last
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == PortRange::ALL {
            f.write_str("all")
        } else if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}-{}", self.first, self.last)
        }
    }
}

/// Why a port range string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid port range {0:?}: expected a port (443), a range (1024-65535) or all")]
pub struct PortRangeError(pub String);

impl FromStr for PortRange {
    type Err = PortRangeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || PortRangeError(s.to_string());
        let t = s.trim();
        if t.eq_ignore_ascii_case("all") || t == "-1" {
            return Ok(PortRange::ALL);
        }
        match t.split_once('-') {
            Some((a, b)) => {
                let a = a.trim().parse().map_err(|_| err())?;
                let b = b.trim().parse().map_err(|_| err())?;
                PortRange::new(a, b).ok_or_else(err)
            }
            None => t.parse().map(PortRange::single).map_err(|_| err()),
        }
    }
}

impl Serialize for PortRange {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PortRange {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        /// Accept `443` as well as `"443"`, since people write both.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(u16),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Number(n) => Ok(PortRange::single(n)),
            Raw::Text(s) => s.parse().map_err(serde::de::Error::custom),
        }
    }
}

/// One packet header: the 5-tuple the engine routes and filters on.
///
/// Ports are meaningful for TCP and UDP only; other protocols carry 0. ICMP packets carry
/// their message type and code instead, which security group and network ACL rules can
/// filter on (vpc/latest/userguide/security-group-rules.html, nacl-rules.html).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Packet {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub protocol: Protocol,
    pub src_port: u16,
    pub dst_port: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icmp: Option<Icmp>,
}

impl Packet {
    /// The reply to this packet: addresses and ports swapped; an echo request is answered
    /// by an echo reply (RFC 792, RFC 4443).
    pub fn reply(self) -> Packet {
        Packet {
            src: self.dst,
            dst: self.src,
            protocol: self.protocol,
            src_port: self.dst_port,
            dst_port: self.src_port,
            icmp: self.icmp.map(Icmp::reply),
        }
    }
}

impl fmt::Display for Packet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.protocol.has_ports() {
            // SocketAddr brackets IPv6 addresses ([2001:db8::10]:443), so the port reads as one.
            let (src, dst) =
                (SocketAddr::new(self.src, self.src_port), SocketAddr::new(self.dst, self.dst_port));
            write!(f, "{} {src} → {dst}", self.protocol)
        } else if let Some(icmp) = self.icmp {
            write!(f, "{} {} {} → {}", self.protocol, icmp, self.src, self.dst)
        } else {
            write!(f, "{} {} → {}", self.protocol, self.src, self.dst)
        }
    }
}

/// An ICMP message's type and code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Icmp {
    pub r#type: u8,
    pub code: u8,
}

impl Icmp {
    /// What `ping` sends: echo request, type 8 in ICMP and 128 in ICMPv6.
    pub fn echo_request(protocol: Protocol) -> Icmp {
        let r#type = if protocol == Protocol::Icmpv6 { 128 } else { 8 };
        Icmp { r#type, code: 0 }
    }

    /// The message that answers this one: echo reply for an echo request (8 → 0; 128 → 129
    /// in ICMPv6), timestamp reply for a timestamp request (13 → 14). Other messages have
    /// no reply in the protocol; vpclab walks their return with the same type and code, so
    /// the rules a reply would need are still shown.
    pub fn reply(self) -> Icmp {
        let r#type = match self.r#type {
            8 => 0,
            13 => 14,
            128 => 129,
            t => t,
        };
        Icmp { r#type, code: self.code }
    }
}

impl fmt::Display for Icmp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.r#type, self.code) {
            (8 | 128, 0) => f.write_str("echo-request"),
            (0 | 129, 0) => f.write_str("echo-reply"),
            (t, c) => write!(f, "type {t} code {c}"),
        }
    }
}

/// Which ICMP messages a rule admits: a type and a code, `None` meaning all (AWS's -1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IcmpMatch {
    pub r#type: Option<u8>,
    pub code: Option<u8>,
}

impl IcmpMatch {
    /// Every ICMP message.
    pub const ALL: IcmpMatch = IcmpMatch { r#type: None, code: None };

    pub fn matches(self, icmp: Option<Icmp>) -> bool {
        let Some(icmp) = icmp else { return true };
        self.r#type.is_none_or(|t| t == icmp.r#type) && self.code.is_none_or(|c| c == icmp.code)
    }
}

impl fmt::Display for IcmpMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.r#type, self.code) {
            (None, _) => f.write_str("all"),
            (Some(t), None) => write!(f, "type {t}"),
            (Some(t), Some(c)) => write!(f, "type {t} code {c}"),
        }
    }
}

/// The source port a client picks when none is given: 49152, the first port of the
/// IANA dynamic range. It lies inside every ephemeral range AWS documents (Linux
/// 32768-60999, Windows 49152-65535, NAT gateway and ELB 1024-65535), so a network
/// ACL that admits replies for any of those clients admits this one
/// (vpc/latest/userguide/custom-network-acl.html#nacl-ephemeral-ports).
pub const DEFAULT_EPHEMERAL_PORT: u16 = 49152;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocols_parse_from_names_and_numbers() {
        assert_eq!("TCP".parse(), Ok(Protocol::Tcp));
        assert_eq!("-1".parse(), Ok(Protocol::All));
        assert_eq!("6".parse(), Ok(Protocol::Tcp));
        assert_eq!("47".parse(), Ok(Protocol::Number(47)));
        assert!("tcpp".parse::<Protocol>().is_err());
        assert!(Protocol::All.matches(Protocol::Udp));
        assert!(!Protocol::Tcp.matches(Protocol::Udp));
    }

    #[test]
    fn port_ranges_parse_and_refuse_reversed_ranges() {
        assert_eq!("443".parse(), Ok(PortRange::single(443)));
        assert_eq!(
            "1024-65535".parse(),
            PortRange::new(1024, 65535).ok_or(()).map_err(|_| PortRangeError(String::new()))
        );
        assert!("443-80".parse::<PortRange>().is_err());
        assert!("70000".parse::<PortRange>().is_err());
        assert_eq!(PortRange::ALL.to_string(), "all");
    }
}
