//! CIDR arithmetic as AWS applies it: ranges, sizes, the five reserved addresses of
//! every subnet, containment and overlap.
//!
//! Built on `ipnet`; this module adds what AWS layers on top (vpc/latest/userguide/subnet-sizing.html).

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use serde::Serialize;
use std::net::{IpAddr, Ipv4Addr};

/// Addresses AWS reserves in every IPv4 subnet and IPv6 subnet: the first four and the last.
pub const AWS_RESERVED_PER_SUBNET: u128 = 5;

/// One reserved address and what AWS keeps it for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reserved {
    pub address: IpAddr,
    pub purpose: &'static str,
}

/// Everything the CIDR workbench and `vpclab cidr` say about a block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CidrInfo {
    /// The canonical block (host bits cleared).
    pub cidr: IpNet,
    /// True when the input had host bits set, e.g. `10.0.1.7/24`.
    pub had_host_bits: bool,
    pub first: IpAddr,
    pub last: IpAddr,
    pub netmask: IpAddr,
    pub prefix_len: u8,
    /// Number of addresses in the block, as a decimal string (IPv6 sizes exceed u64).
    pub size: String,
    /// Addresses a subnet of this size can give to interfaces: size minus 5, or 0.
    pub aws_usable: String,
    /// The five addresses AWS reserves when this block is a subnet.
    pub reserved: Vec<Reserved>,
    /// Whether the block lies inside RFC 1918 private space (or is IPv6 unique-local).
    pub private: bool,
    /// Whether AWS accepts this prefix length for a subnet (/16-/28 for IPv4, /44-/64 for IPv6).
    pub valid_subnet_size: bool,
}

/// Describe a CIDR block.
///
/// # Examples
/// ```
/// let info = vpclab_core::cidr::describe("10.0.1.0/24".parse().unwrap());
/// assert_eq!(info.size, "256");
/// assert_eq!(info.aws_usable, "251");
/// assert_eq!(info.reserved[1].address.to_string(), "10.0.1.1");
/// ```
pub fn describe(input: IpNet) -> CidrInfo {
    let cidr = input.trunc();
    let size = block_size(cidr);
    CidrInfo {
        cidr,
        had_host_bits: cidr != input,
        first: cidr.network(),
        last: cidr.broadcast(),
        netmask: cidr.netmask(),
        prefix_len: cidr.prefix_len(),
        size: size.to_string(),
        aws_usable: aws_usable(cidr).to_string(),
        reserved: reserved(cidr),
        private: is_private(cidr),
        valid_subnet_size: valid_subnet_prefix(cidr),
    }
}

/// Number of addresses in the block (saturating at `u128::MAX` for `::/0`).
pub fn block_size(net: IpNet) -> u128 {
    let bits = u32::from(net.max_prefix_len() - net.prefix_len());
    1u128.checked_shl(bits).unwrap_or(u128::MAX)
}

/// Addresses left for interfaces when the block is a subnet: size minus the 5 AWS reserves.
pub fn aws_usable(net: IpNet) -> u128 {
    block_size(net).saturating_sub(AWS_RESERVED_PER_SUBNET)
}

/// The five addresses AWS reserves in a subnet: network, VPC router, DNS, future use,
/// and the last address (IPv4 "broadcast"; AWS does not support broadcast).
/// Blocks smaller than five addresses have no such layout and give an empty list.
pub fn reserved(net: IpNet) -> Vec<Reserved> {
    if block_size(net) < AWS_RESERVED_PER_SUBNET {
        return Vec::new();
    }
    let first = net.network();
    let purposes =
        ["network address", "VPC router", "Amazon DNS server (VPC base + 2)", "reserved for future use"];
    let mut out: Vec<Reserved> = purposes
        .iter()
        .enumerate()
        .map(|(i, purpose)| Reserved { address: add(first, i as u128), purpose })
        .collect();
    out.push(Reserved {
        address: net.broadcast(),
        purpose: if net.addr().is_ipv4() {
            "network broadcast address (AWS does not support broadcast)"
        } else {
            "last address of the subnet"
        },
    });
    out
}

/// Whether `addr` is one of the five addresses AWS reserves in subnet `net`.
pub fn is_reserved(net: IpNet, addr: IpAddr) -> bool {
    reserved(net).iter().any(|r| r.address == addr)
}

/// Whether two blocks share at least one address.
pub fn overlaps(a: IpNet, b: IpNet) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

/// Whether `outer` contains every address of `inner`.
pub fn contains(outer: IpNet, inner: IpNet) -> bool {
    outer.contains(&inner)
}

/// RFC 1918 for IPv4; unique-local fc00::/7 for IPv6.
pub fn is_private(net: IpNet) -> bool {
    match net {
        IpNet::V4(n) => RFC1918.iter().any(|p| p.contains(&n.network()) && p.contains(&n.broadcast())),
        IpNet::V6(n) => Ipv6Net::new(std::net::Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7)
            .map(|ula| ula.contains(&n))
            .unwrap_or(false),
    }
}

/// Whether an address is private (RFC 1918) or shared (RFC 6598, 100.64.0.0/10):
/// the ranges an internet gateway neither forwards out nor accepts in
/// (vpc/latest/userguide/VPC_Internet_Gateway.html).
pub fn is_private_or_shared(addr: IpAddr) -> bool {
    match addr {
        IpAddr::V4(a) => RFC1918.iter().chain([&RFC6598]).any(|p| p.contains(&a)),
        IpAddr::V6(a) => (a.segments()[0] & 0xfe00) == 0xfc00,
    }
}

/// Which non-internet range an address is in, if any: the internet gateway treats the two
/// differently in Reachability Analyzer's codes (…_NOT_IN_RFC1918_… and …_NOT_IN_RFC6598_…).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonPublic {
    /// RFC 1918 private space (IPv6: unique-local fc00::/7).
    Private,
    /// RFC 6598 shared address space, 100.64.0.0/10 (carrier-grade NAT).
    Shared,
}

/// Classify `addr` as private, shared, or neither (`None`: routable on the internet).
pub fn non_public(addr: IpAddr) -> Option<NonPublic> {
    match addr {
        IpAddr::V4(a) if RFC1918.iter().any(|p| p.contains(&a)) => Some(NonPublic::Private),
        IpAddr::V4(a) if RFC6598.contains(&a) => Some(NonPublic::Shared),
        IpAddr::V6(a) if (a.segments()[0] & 0xfe00) == 0xfc00 => Some(NonPublic::Private),
        _ => None,
    }
}

const fn v4(a: u8, b: u8, c: u8, d: u8, len: u8) -> Ipv4Net {
    match Ipv4Net::new(Ipv4Addr::new(a, b, c, d), len) {
        Ok(n) => n,
        Err(_) => Ipv4Net::new_assert(Ipv4Addr::UNSPECIFIED, 0),
    }
}

const RFC1918: [Ipv4Net; 3] = [v4(10, 0, 0, 0, 8), v4(172, 16, 0, 0, 12), v4(192, 168, 0, 0, 16)];
const RFC6598: Ipv4Net = v4(100, 64, 0, 0, 10);

/// Ranges AWS refuses as VPC CIDR blocks (vpc/latest/userguide/vpc-cidr-blocks.html).
pub const FORBIDDEN_VPC_RANGES: [Ipv4Net; 4] =
    [v4(0, 0, 0, 0, 8), v4(127, 0, 0, 0, 8), v4(169, 254, 0, 0, 16), v4(224, 0, 0, 0, 4)];

/// AWS's bounds on subnet prefix lengths: IPv4 /16-/28, IPv6 /44-/64.
pub fn valid_subnet_prefix(net: IpNet) -> bool {
    match net {
        IpNet::V4(n) => (16..=28).contains(&n.prefix_len()),
        IpNet::V6(n) => (44..=64).contains(&n.prefix_len()) && n.prefix_len() % 4 == 0,
    }
}

fn add(base: IpAddr, offset: u128) -> IpAddr {
    match base {
        IpAddr::V4(a) => {
            IpAddr::V4(Ipv4Addr::from(u32::from(a).wrapping_add(u32::try_from(offset).unwrap_or(0))))
        }
        IpAddr::V6(a) => IpAddr::V6(std::net::Ipv6Addr::from(u128::from(a).wrapping_add(offset))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn net(s: &str) -> IpNet {
        s.parse().unwrap_or_else(|e| unreachable!("{s}: {e}"))
    }

    /// vpc/latest/userguide/subnet-sizing.html: "a /24 has 251 usable, a /28 has 11".
    #[test]
    fn aws_reserves_five_addresses_per_subnet() {
        assert_eq!(aws_usable(net("10.0.0.0/24")), 251);
        assert_eq!(aws_usable(net("10.0.0.0/28")), 11);
        let r: Vec<String> = reserved(net("10.0.0.0/24")).iter().map(|r| r.address.to_string()).collect();
        assert_eq!(r, ["10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.255"]);
        assert!(is_reserved(
            net("10.0.0.0/24"),
            "10.0.0.3".parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
        ));
    }

    #[test]
    fn describe_reports_host_bits_and_privacy() {
        let i = describe(net("10.0.1.7/24"));
        assert!(i.had_host_bits);
        assert_eq!(i.cidr, net("10.0.1.0/24"));
        assert!(i.private);
        assert!(!describe(net("54.0.0.0/24")).private);
        assert_eq!(describe(net("2600:1f18::/56")).size, (1u128 << 72).to_string());
    }

    fn arb_v4net() -> impl Strategy<Value = IpNet> {
        (any::<u32>(), 0u8..=32)
            .prop_map(|(a, l)| IpNet::V4(Ipv4Net::new(Ipv4Addr::from(a), l).unwrap_or_default()))
    }

    proptest! {
        /// Canonical blocks have no host bits, and truncation is idempotent.
        #[test]
        fn trunc_clears_host_bits_idempotently(n in arb_v4net()) {
            let t = n.trunc();
            prop_assert_eq!(t.trunc(), t);
            prop_assert!(t.contains(&n.addr()));
            prop_assert_eq!(u128::from(match t.network() { IpAddr::V4(a) => u32::from(a), IpAddr::V6(_) => 0 }) % block_size(t).max(1) , 0);
        }

        /// Overlap is symmetric, reflexive, and implied by containment.
        #[test]
        fn overlap_laws(a in arb_v4net(), b in arb_v4net()) {
            prop_assert_eq!(overlaps(a, b), overlaps(b, a));
            prop_assert!(overlaps(a, a));
            if contains(a, b) { prop_assert!(overlaps(a, b)); }
            // Two blocks overlap exactly when one contains the other.
            prop_assert_eq!(overlaps(a.trunc(), b.trunc()), contains(a.trunc(), b.trunc()) || contains(b.trunc(), a.trunc()));
        }

        /// The default route contains every IPv4 block and no IPv6 one.
        #[test]
        fn default_contains_all_of_its_family(a in arb_v4net()) {
            prop_assert!(contains(net("0.0.0.0/0"), a));
            prop_assert!(!contains(net("::/0"), a));
        }

        /// Usable + reserved = size for every subnet-sized block.
        #[test]
        fn usable_plus_reserved_is_size(a in arb_v4net()) {
            let t = a.trunc();
            if block_size(t) >= 5 {
                prop_assert_eq!(aws_usable(t) + reserved(t).len() as u128, block_size(t));
                for r in reserved(t) { prop_assert!(t.contains(&r.address)); }
            }
        }
    }
}
