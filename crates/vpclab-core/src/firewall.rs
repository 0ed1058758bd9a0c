//! Security group and network ACL evaluation for one packet.
//!
//! Security groups: allow rules only, the union of every rule of every group on the
//! interface, stateful (replies are not evaluated here; the trace records them as session
//! matches). A rule that references a group matches the private addresses of that group's
//! members (vpc/latest/userguide/security-group-rules.html).
//!
//! Network ACLs: rules in number order, the first match decides, the final `*` rule denies;
//! stateless, so replies are evaluated like any packet (vpc/latest/userguide/nacl-rules.html).
//! Port ranges in both filter the packet's destination port.

use serde::Serialize;
use std::net::IpAddr;

use crate::model::{AclRule, EniIx, Model, NetworkAcl, SgIx, SgPeer, SgRule};
use crate::packet::{IcmpMatch, Packet, PortRange, Protocol};

/// Which way a packet crosses a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Ingress,
    Egress,
}

/// The security group rule that allowed a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SgMatch {
    pub group: SgIx,
    /// Index into the group's inbound or outbound rules.
    pub rule: usize,
}

/// Find a rule of the interface's groups that allows `p` in direction `dir`.
/// `None` means no rule allows it: the packet is dropped. `references(g)` says whether a
/// rule that references group `g` may match at all on this packet's path: not after a
/// middlebox (RA: SG_REFERENCES_NOT_PRESERVED), across a transit gateway only when it has
/// security group referencing on and only inbound (SG_REFERENCING_SUPPORT); the trace
/// decides, since it knows the path.
pub fn security_groups(
    m: &Model,
    eni: EniIx,
    dir: Direction,
    p: &Packet,
    references: &dyn Fn(SgIx) -> bool,
) -> Option<SgMatch> {
    let peer = match dir {
        Direction::Ingress => p.src,
        Direction::Egress => p.dst,
    };
    m.interfaces[eni.0].security_groups.iter().find_map(|&g| {
        let sg = &m.security_groups[g.0];
        let rules = match dir {
            Direction::Ingress => &sg.inbound,
            Direction::Egress => &sg.outbound,
        };
        rules
            .iter()
            .position(|r| {
                let usable = match r.peer {
                    SgPeer::Group(target) => references(target),
                    _ => true,
                };
                usable && sg_rule_matches(m, r, peer, p)
            })
            .map(|rule| SgMatch { group: g, rule })
    })
}

fn sg_rule_matches(m: &Model, r: &SgRule, peer: IpAddr, p: &Packet) -> bool {
    let peer_ok = match &r.peer {
        SgPeer::Cidr(c) => c.contains(&peer),
        SgPeer::Group(g) => m.is_member_address(*g, peer),
        SgPeer::PrefixList(_, cidrs) => cidrs.iter().any(|c| c.contains(&peer)),
    };
    peer_ok && fields_match(r.protocol, r.ports, r.icmp, p)
}

/// Protocol, then the destination port (TCP, UDP) or the ICMP type and code.
fn fields_match(protocol: Protocol, ports: PortRange, icmp: IcmpMatch, p: &Packet) -> bool {
    protocol.matches(p.protocol)
        && (!protocol.has_ports() || ports.contains(p.dst_port))
        && (!protocol.is_icmp() || icmp.matches(p.icmp))
}

/// The decision of a network ACL for one packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AclMatch {
    /// The deciding rule number; `None` for the final `*` rule.
    pub rule: Option<u32>,
    pub allow: bool,
}

/// Evaluate `acl` for `p` crossing the subnet boundary in direction `dir`.
pub fn network_acl(acl: &NetworkAcl, dir: Direction, p: &Packet) -> AclMatch {
    let (rules, peer) = match dir {
        Direction::Ingress => (&acl.inbound, p.src),
        Direction::Egress => (&acl.outbound, p.dst),
    };
    rules
        .iter()
        .find(|r| acl_rule_matches(r, peer, p))
        .map(|r| AclMatch { rule: Some(r.number), allow: r.allow })
        .unwrap_or(AclMatch { rule: None, allow: false })
}

/// The decisions of `acl` for `p` sent to each destination port of `ports` rather than to
/// `p.dst_port` alone: the range split into intervals on which the same rule (or the final
/// `*`) decides, in port order, adjacent intervals with the same decision merged. For a
/// reply to a port that a NAT gateway chose within 1024-65535 (RA: REMAP_EPHEMERAL_PORT).
///
/// # Examples
/// A rule for 32768-65535 leaves the lower part of the ephemeral range to the final `*`.
/// ```
/// # use vpclab_core::{firewall, topology, model, PortRange};
/// let t = topology::Topology::from_json(r#"{"format": 1, "vpcs": [{"id": "vpc-a", "cidr_blocks": ["10.0.0.0/16"]}],
///   "network_acls": [{"id": "acl-a", "vpc": "vpc-a", "inbound": [
///     {"rule": 100, "protocol": "tcp", "ports": "32768-65535", "cidr": "0.0.0.0/0", "action": "allow"}]}]}"#).unwrap();
/// let (m, _) = model::build(&t);
/// let acl = m.network_acls.iter().find(|a| a.id == "acl-a").unwrap();
/// let p = vpclab_core::Packet { src: "198.51.100.10".parse().unwrap(), dst: "10.0.1.100".parse().unwrap(),
///     protocol: vpclab_core::Protocol::Tcp, src_port: 443, dst_port: 49152, icmp: None };
/// let split = firewall::network_acl_ports(acl, firewall::Direction::Ingress, &p, PortRange::new(1024, 65535).unwrap());
/// assert_eq!(split.len(), 2);
/// assert_eq!((split[0].0.to_string(), split[0].1.allow), ("1024-32767".to_string(), false));
/// assert_eq!((split[1].0.to_string(), split[1].1.rule), ("32768-65535".to_string(), Some(100)));
/// ```
pub fn network_acl_ports(
    acl: &NetworkAcl,
    dir: Direction,
    p: &Packet,
    ports: PortRange,
) -> Vec<(PortRange, AclMatch)> {
    let rules = match dir {
        Direction::Ingress => &acl.inbound,
        Direction::Egress => &acl.outbound,
    };
    let (first, last) = (u32::from(ports.first()), u32::from(ports.last()));
    let mut cuts: std::collections::BTreeSet<u32> = std::collections::BTreeSet::from([first]);
    for r in rules {
        for c in [u32::from(r.ports.first()), u32::from(r.ports.last()) + 1] {
            if first < c && c <= last {
                cuts.insert(c);
            }
        }
    }
    let cuts: Vec<u32> = cuts.into_iter().collect();
    let mut out: Vec<(PortRange, AclMatch)> = Vec::new();
    for (i, &c) in cuts.iter().enumerate() {
        let end = cuts.get(i + 1).map(|n| n - 1).unwrap_or(last);
        let (Ok(a), Ok(b)) = (u16::try_from(c), u16::try_from(end)) else { continue };
        let decision = network_acl(acl, dir, &Packet { dst_port: a, ..*p });
        match out.last_mut() {
            Some((range, prev)) if *prev == decision => {
                *range = PortRange::new(range.first(), b).unwrap_or(*range);
            }
            _ => out.extend(PortRange::new(a, b).map(|r| (r, decision))),
        }
    }
    out
}

fn acl_rule_matches(r: &AclRule, peer: IpAddr, p: &Packet) -> bool {
    r.cidr.contains(&peer) && fields_match(r.protocol, r.ports, r.icmp, p)
}

/// A security group rule as the console would show it: `tcp 443 from 0.0.0.0/0`.
pub fn describe_sg_rule(m: &Model, r: &SgRule, dir: Direction) -> String {
    let peer = match &r.peer {
        SgPeer::Cidr(c) => c.to_string(),
        SgPeer::Group(g) => m.security_groups[g.0].id.clone(),
        SgPeer::PrefixList(id, _) => id.clone(),
    };
    let word = match dir {
        Direction::Ingress => "from",
        Direction::Egress => "to",
    };
    format!("allow {} {word} {peer}", proto_ports(r.protocol, r.ports, r.icmp))
}

/// A network ACL rule as the console would show it: `rule 100 allow tcp 443 from 0.0.0.0/0`.
pub fn describe_acl_rule(r: &AclRule, dir: Direction) -> String {
    let word = match dir {
        Direction::Ingress => "from",
        Direction::Egress => "to",
    };
    let action = if r.allow { "allow" } else { "deny" };
    format!("rule {} {action} {} {word} {}", r.number, proto_ports(r.protocol, r.ports, r.icmp), r.cidr)
}

fn proto_ports(protocol: Protocol, ports: PortRange, icmp: IcmpMatch) -> String {
    if protocol.has_ports() {
        format!("{protocol} {ports}")
    } else if protocol.is_icmp() && icmp != IcmpMatch::ALL {
        format!("{protocol} {icmp}")
    } else if protocol == Protocol::All {
        "all traffic".to_string()
    } else {
        protocol.to_string()
    }
}
