//! Lint: advice on a network that AWS accepts as it is.
//!
//! Validation ([`crate::model::build`]) says what AWS would refuse or what cannot work as
//! written. Lint goes further on a built [`Model`] and points at configurations that are
//! valid but risky, wasteful or pointless: SSH open to the internet, an Elastic IP that is
//! paid for and reaches nothing, a network ACL rule that can never match, replies that a
//! stateless ACL drops. Every [`Finding`] names its rule (a kebab-case id), the entity and
//! field at fault, a fix, and the AWS documentation page the advice follows.
//!
//! Lint is pure and total: it never fails, never panics on a half-built model, and returns
//! its findings in a deterministic order (rule by rule, each in model order).
//!
//! Field names follow the diagnostics' conventions. Security group rules are `inbound[i]` /
//! `outbound[i]`, indexes into the group's rules as built (equal to the topology's when the
//! group has no errors); network ACL entries are named by rule number (`inbound rule 100`),
//! routes by destination (`route 0.0.0.0/0`), since the model sorts the former and adds
//! implicit `local` routes to the latter.

use ipnet::IpNet;
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt;
use std::net::IpAddr;

use crate::diagnostic::{label, Kind, Severity};
use crate::firewall::{describe_acl_rule, describe_sg_rule, Direction};
use crate::model::{AclRule, Model, NetworkAcl, SgIx, SgPeer, SgRule, SubnetIx, Target};
use crate::packet::{PortRange, Protocol};

/// One piece of advice about one entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// The rule that produced it, kebab-case (`ssh-open-to-world`).
    pub rule: &'static str,
    pub kind: Kind,
    /// The resource id of the entity.
    pub entity: String,
    /// Its Name when it has one, else its id.
    pub label: String,
    /// Where in the entity, e.g. `inbound[0]` or `outbound rule 100`.
    pub field: String,
    /// Lowercase, no trailing period, self-contained.
    pub message: String,
    /// What to change, in the same style.
    pub fix: String,
    /// The AWS documentation page the advice follows.
    pub doc: &'static str,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{sev}: {} \"{}\" ({}): {} — fix: {}",
            self.kind, self.label, self.field, self.message, self.fix
        )
    }
}

const DOC_SG_RULES: &str = "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html";
const DOC_SGS: &str = "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html";
const DOC_EIP: &str = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/elastic-ip-addresses-eip.html";
const DOC_INTERNET: &str = "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-igw-internet-access.html";
const DOC_EPHEMERAL: &str = "https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html";
const DOC_NACL_RULES: &str = "https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html";
const DOC_ROUTE_STATE: &str = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Route.html";
const DOC_PEERING_OVERLAP: &str =
    "https://docs.aws.amazon.com/vpc/latest/peering/peering-configurations-partial-access.html";
const DOC_AZ: &str =
    "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-regions-availability-zones.html";

/// Every rule, in the order findings are reported.
const RULES: &[fn(&Model) -> Vec<Finding>] = &[
    ssh_open_to_world,
    rdp_open_to_world,
    idle_elastic_ip,
    elastic_ip_on_unattached_interface,
    public_ip_without_igw_route,
    igw_route_without_public_ips,
    acl_blocks_replies,
    blackhole_route,
    redundant_sg_rule,
    shadowed_acl_rule,
    unused_security_group,
    single_az_vpc,
    nat_in_another_az,
    subnet_too_small,
    targets_in_one_az,
    peers_overlap,
    elastic_ip_on_stopped_instance,
    nat_without_igw_route,
];

/// The names findings carry in `rule`, one per entry of `RULES` and in its order (for
/// pickers, such as a challenge author's "no advice of kind …" goal).
pub const RULE_NAMES: &[&str] = &[
    "ssh-open-to-world",
    "rdp-open-to-world",
    "idle-elastic-ip",
    "elastic-ip-on-unattached-interface",
    "public-ip-without-igw-route",
    "igw-route-without-public-ips",
    "acl-blocks-replies",
    "blackhole-route",
    "redundant-sg-rule",
    "shadowed-acl-rule",
    "unused-security-group",
    "single-az-vpc",
    "nat-in-another-az",
    "subnet-too-small",
    "targets-in-one-az",
    "peers-overlap",
    "elastic-ip-on-stopped-instance",
    "nat-without-igw-route",
];

/// A rule as people say it ("a blackhole route"), for goals and pickers; the rule's name
/// itself for a name vpclab does not know.
pub fn title(rule: &str) -> &str {
    match rule {
        "ssh-open-to-world" => "SSH open to the whole internet",
        "rdp-open-to-world" => "RDP open to the whole internet",
        "idle-elastic-ip" => "an idle Elastic IP",
        "elastic-ip-on-unattached-interface" => "an Elastic IP on a detached interface",
        "public-ip-without-igw-route" => "a public address without a route to the internet gateway",
        "igw-route-without-public-ips" => "a route to the internet gateway with no public address to use it",
        "acl-blocks-replies" => "a network ACL blocking the replies of an allowed service",
        "blackhole-route" => "a blackhole route",
        "redundant-sg-rule" => "a redundant security group rule",
        "shadowed-acl-rule" => "a network ACL rule that never decides",
        "unused-security-group" => "an unused security group",
        "single-az-vpc" => "everything in one Availability Zone",
        "nat-in-another-az" => "a NAT gateway serving another Availability Zone",
        "subnet-too-small" => "a subnet too small for its hosts",
        "targets-in-one-az" => "load balancer targets in one Availability Zone",
        "peers-overlap" => "peered VPCs with overlapping ranges",
        "elastic-ip-on-stopped-instance" => "an Elastic IP on a stopped instance",
        "nat-without-igw-route" => "a public NAT gateway in a subnet without a route to the internet",
        other => other,
    }
}

/// Every finding of every rule on `m`, rule by rule.
pub fn lint(m: &Model) -> Vec<Finding> {
    RULES.iter().flat_map(|rule| rule(m)).collect()
}

/// A finding with the common fields filled in; all lint findings are warnings (AWS accepts
/// the configuration).
#[allow(clippy::too_many_arguments)]
fn finding(
    rule: &'static str,
    kind: Kind,
    id: &str,
    name: Option<&str>,
    field: impl Into<String>,
    message: String,
    fix: String,
    doc: &'static str,
) -> Finding {
    Finding {
        severity: Severity::Warning,
        rule,
        kind,
        entity: id.to_string(),
        label: label(id, name),
        field: field.into(),
        message,
        fix,
        doc,
    }
}

// ---------------------------------------------------------------------------------------
// Security groups

fn ssh_open_to_world(m: &Model) -> Vec<Finding> {
    admin_port_open_to_world(m, "ssh-open-to-world", "ssh", 22)
}

fn rdp_open_to_world(m: &Model) -> Vec<Finding> {
    admin_port_open_to_world(m, "rdp-open-to-world", "rdp", 3389)
}

/// Inbound rules that open tcp `port` to every address, judged group by group.
///
/// A rule whose peer (a CIDR, or the entries of a prefix list) covers all of IPv4 or all of
/// IPv6 is flagged on its own field. Rules that cover a whole family only together (say
/// 0.0.0.0/1 and 128.0.0.0/1) are flagged once, on the group's `inbound` field, naming them:
/// a group allows the union of its rules (security-group-rules.html), so they open the port
/// to the internet just the same. Groups are not combined with the other groups of an
/// interface, so each finding's fix stays within one group.
fn admin_port_open_to_world(m: &Model, rule: &'static str, service: &str, port: u16) -> Vec<Finding> {
    let mut out = Vec::new();
    for g in &m.security_groups {
        let admitting: Vec<(usize, Vec<IpNet>)> = g
            .inbound
            .iter()
            .enumerate()
            .filter(|(_, r)| admits_tcp_port(r, port))
            .map(|(i, r)| (i, peer_cidrs(r)))
            .collect();
        let mut alone = Families::default();
        for (i, cidrs) in &admitting {
            let covered = Families::covered_by(cidrs);
            if covered.any() {
                alone = alone.or(covered);
                out.push(open_rule_finding(m, g, *i, rule, service, port));
            }
        }
        if let Some(f) = open_together_finding(m, g, &admitting, alone, rule, service, port) {
            out.push(f);
        }
    }
    out
}

/// Whether an inbound rule admits tcp `port`.
fn admits_tcp_port(r: &SgRule, port: u16) -> bool {
    r.protocol.matches(Protocol::Tcp) && (!r.protocol.has_ports() || r.ports.contains(port))
}

/// The addresses a rule's peer stands for; none for a group reference (members' private
/// addresses, never the internet's).
fn peer_cidrs(r: &SgRule) -> Vec<IpNet> {
    match &r.peer {
        SgPeer::Cidr(c) => vec![*c],
        SgPeer::PrefixList(_, list) => list.clone(),
        SgPeer::Group(_) => Vec::new(),
    }
}

/// Which address families a set of CIDR blocks covers entirely.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Families {
    v4: bool,
    v6: bool,
}

impl Families {
    /// The families whose whole space the union of `cidrs` is: merging adjacent blocks
    /// leaves a /0 exactly then.
    fn covered_by(cidrs: &[IpNet]) -> Families {
        let merged = IpNet::aggregate(&cidrs.to_vec());
        let whole = |v6: bool| merged.iter().any(|c| c.prefix_len() == 0 && c.network().is_ipv6() == v6);
        Families { v4: whole(false), v6: whole(true) }
    }

    fn any(self) -> bool {
        self.v4 || self.v6
    }

    fn or(self, o: Families) -> Families {
        Families { v4: self.v4 || o.v4, v6: self.v6 || o.v6 }
    }

    /// The families covered here and not in `o`.
    fn minus(self, o: Families) -> Families {
        Families { v4: self.v4 && !o.v4, v6: self.v6 && !o.v6 }
    }

    fn holds(self, c: &IpNet) -> bool {
        if c.network().is_ipv6() {
            self.v6
        } else {
            self.v4
        }
    }
}

/// The finding for one rule that opens the port to every address by itself.
fn open_rule_finding(
    m: &Model,
    g: &crate::model::SecurityGroup,
    i: usize,
    rule: &'static str,
    service: &str,
    port: u16,
) -> Finding {
    let r = &g.inbound[i];
    let peer = match &r.peer {
        SgPeer::Cidr(c) => c.to_string(),
        SgPeer::PrefixList(id, _) => id.clone(),
        SgPeer::Group(_) => String::new(),
    };
    finding(
        rule,
        Kind::SecurityGroup,
        &g.id,
        g.name.as_deref(),
        format!("inbound[{i}]"),
        format!(
            "{service} (tcp {port}) is open to the whole internet: {}",
            describe_sg_rule(m, r, Direction::Ingress)
        ),
        format!(
            "allow tcp {port} only from the addresses you administer from (your network's range or a /32) or from a bastion's security group, not {peer}"
        ),
        DOC_SG_RULES,
    )
}

/// The finding for rules that open the port to a whole family only together, for the
/// families no single rule already opens (those have their own findings).
fn open_together_finding(
    m: &Model,
    g: &crate::model::SecurityGroup,
    admitting: &[(usize, Vec<IpNet>)],
    alone: Families,
    rule: &'static str,
    service: &str,
    port: u16,
) -> Option<Finding> {
    let all: Vec<IpNet> = admitting.iter().flat_map(|(_, c)| c.iter().copied()).collect();
    let new = Families::covered_by(&all).minus(alone);
    if !new.any() {
        return None;
    }
    let parts: Vec<usize> =
        admitting.iter().filter(|(_, c)| c.iter().any(|c| new.holds(c))).map(|(i, _)| *i).collect();
    let rules: Vec<String> = parts
        .iter()
        .map(|&i| format!("inbound[{i}] ({})", describe_sg_rule(m, &g.inbound[i], Direction::Ingress)))
        .collect();
    let (family, world) = match (new.v4, new.v6) {
        (true, true) => ("every IPv4 and IPv6 address", "0.0.0.0/0 and ::/0"),
        (true, false) => ("every IPv4 address", "0.0.0.0/0"),
        _ => ("every IPv6 address", "::/0"),
    };
    Some(finding(
        rule,
        Kind::SecurityGroup,
        &g.id,
        g.name.as_deref(),
        "inbound",
        format!("{service} (tcp {port}) is open to the whole internet: together, {} cover {family}", rules.join(", ")),
        format!(
            "allow tcp {port} only from the addresses you administer from (your network's range or a /32) or from a bastion's security group; split ranges that add up to the whole internet are no narrower than {world}"
        ),
        DOC_SG_RULES,
    ))
}

/// Whether every packet `inner` allows is allowed by `outer` (same direction): protocol,
/// port range and peer contained; group references only when they name the same group.
fn sg_covers(outer: &SgRule, inner: &SgRule) -> bool {
    let protocol = outer.protocol == Protocol::All
        || (inner.protocol != Protocol::All && outer.protocol.number() == inner.protocol.number());
    let ports = !outer.protocol.has_ports()
        || (outer.ports.first() <= inner.ports.first() && inner.ports.last() <= outer.ports.last());
    let peer = match (&outer.peer, &inner.peer) {
        (SgPeer::Cidr(a), SgPeer::Cidr(b)) => a.contains(b),
        (SgPeer::Group(a), SgPeer::Group(b)) => a == b,
        _ => false,
    };
    protocol && ports && peer
}

fn redundant_sg_rule(m: &Model) -> Vec<Finding> {
    let mut out = Vec::new();
    for g in &m.security_groups {
        for (dir, name, rules) in
            [(Direction::Ingress, "inbound", &g.inbound), (Direction::Egress, "outbound", &g.outbound)]
        {
            for (i, r) in rules.iter().enumerate() {
                // Of two identical rules, the later one is the redundant one.
                let cover = rules
                    .iter()
                    .enumerate()
                    .find(|&(j, o)| j != i && sg_covers(o, r) && (j < i || !sg_covers(r, o)));
                let Some((j, o)) = cover else { continue };
                out.push(finding(
                    "redundant-sg-rule",
                    Kind::SecurityGroup,
                    &g.id,
                    g.name.as_deref(),
                    format!("{name}[{i}]"),
                    format!(
                        "{} adds nothing: {name}[{j}] ({}) already allows all of it",
                        describe_sg_rule(m, r, dir),
                        describe_sg_rule(m, o, dir)
                    ),
                    format!("delete {name}[{i}], or narrow {name}[{j}] if it is broader than intended"),
                    DOC_SG_RULES,
                ));
            }
        }
    }
    out
}

fn unused_security_group(m: &Model) -> Vec<Finding> {
    let mut out = Vec::new();
    for (gx, g) in m.security_groups.iter().enumerate() {
        let gx = SgIx(gx);
        // AWS creates the default group with the VPC and does not let it be deleted.
        let is_default = m.vpcs.get(g.vpc.0).is_some_and(|v| v.default_sg == gx);
        if g.implicit || is_default || m.interfaces.iter().any(|e| e.security_groups.contains(&gx)) {
            continue;
        }
        let referrers: Vec<String> = m
            .security_groups
            .iter()
            .filter(|o| o.inbound.iter().chain(&o.outbound).any(|r| r.peer == SgPeer::Group(gx)))
            .map(|o| format!("{:?}", label(&o.id, o.name.as_deref())))
            .collect();
        let mut message = "no network interface uses this group".to_string();
        if !referrers.is_empty() {
            message.push_str(&format!(
                "; the rules of {} that reference it match no address",
                referrers.join(", ")
            ));
        }
        out.push(finding(
            "unused-security-group",
            Kind::SecurityGroup,
            &g.id,
            g.name.as_deref(),
            "network_interfaces",
            message,
            "attach it to the interfaces it was made for, or delete it".to_string(),
            DOC_SGS,
        ));
    }
    out
}

// ---------------------------------------------------------------------------------------
// Addresses and routes

fn idle_elastic_ip(m: &Model) -> Vec<Finding> {
    m.elastic_ips
        .iter()
        // A NAT gateway's Elastic IP has no interface association but is in use.
        .filter(|x| x.association.is_none() && x.nat_gateway.is_none())
        .map(|x| {
            finding(
                "idle-elastic-ip",
                Kind::ElasticIp,
                &x.id,
                x.name.as_deref(),
                "association",
                format!(
                    "{} is allocated but associated with nothing: it is charged and serves no one",
                    x.public_ip
                ),
                "associate it with the interface that needs a public address, or release it".to_string(),
                DOC_EIP,
            )
        })
        .collect()
}

fn elastic_ip_on_unattached_interface(m: &Model) -> Vec<Finding> {
    let mut out = Vec::new();
    for x in &m.elastic_ips {
        let Some((eix, _)) = x.association else { continue };
        let Some(e) = m.interfaces.get(eix.0) else { continue };
        if e.attachment.is_some() {
            continue;
        }
        out.push(finding(
            "elastic-ip-on-unattached-interface",
            Kind::ElasticIp,
            &x.id,
            x.name.as_deref(),
            "association.network_interface",
            format!(
                "{} is associated with network interface {:?}, which is attached to no instance: the address is charged and reaches nothing",
                x.public_ip,
                label(&e.id, e.name.as_deref())
            ),
            "attach the interface to an instance, or disassociate and release the address".to_string(),
            DOC_EIP,
        ));
    }
    out
}

/// AWS charges for an Elastic IP while it is not associated with a running instance's
/// interface (vpc/latest/userguide/vpc-eips.html, "Elastic IP address pricing").
fn elastic_ip_on_stopped_instance(m: &Model) -> Vec<Finding> {
    let mut out = Vec::new();
    for x in &m.elastic_ips {
        let Some((eix, _)) = x.association else { continue };
        let Some(e) = m.interfaces.get(eix.0) else { continue };
        let Some(inst) = m.stopped_instance(e).and_then(|i| m.instances.get(i.0)) else { continue };
        out.push(finding(
            "elastic-ip-on-stopped-instance",
            Kind::ElasticIp,
            &x.id,
            x.name.as_deref(),
            "association.network_interface",
            format!(
                "{} is on network interface {}, whose instance {:?} is stopped: the address is charged while it reaches nothing",
                x.public_ip,
                e.id,
                label(&inst.id, inst.name.as_deref())
            ),
            format!("start instance {}, or disassociate and release the address", inst.id),
            DOC_EIP,
        ));
    }
    out
}

/// Whether the route table of subnet `s` has any route to an internet gateway.
fn routes_to_igw(m: &Model, s: SubnetIx) -> bool {
    m.subnets
        .get(s.0)
        .and_then(|s| m.route_tables.get(s.route_table.0))
        .is_some_and(|rt| rt.routes.iter().any(|r| matches!(r.target, Target::InternetGateway(_))))
}

fn public_ip_without_igw_route(m: &Model) -> Vec<Finding> {
    let mut out = Vec::new();
    for e in &m.interfaces {
        if e.public_ips.is_empty() || routes_to_igw(m, e.subnet) {
            continue;
        }
        let Some(s) = m.subnets.get(e.subnet.0) else { continue };
        let rt = m.route_tables.get(s.route_table.0);
        let rt_label = rt.map(|r| label(&r.id, r.name.as_deref())).unwrap_or_default();
        let where_ = format!(
            "subnet {:?}, whose route table {rt_label:?} has no route to an internet gateway",
            label(&s.id, s.name.as_deref())
        );
        let fix = format!(
            "add a route 0.0.0.0/0 to the VPC's internet gateway in {rt_label:?} if the subnet should be public, otherwise remove the public address"
        );
        for (private, p) in &e.public_ips {
            let eip = p.elastic.as_deref().and_then(|id| m.elastic_ips.iter().find(|x| x.id == id));
            let f = match eip {
                Some(x) => finding(
                    "public-ip-without-igw-route",
                    Kind::ElasticIp,
                    &x.id,
                    x.name.as_deref(),
                    "association",
                    format!(
                        "{} maps to {private} of {:?} in {where_}: the address can carry no traffic",
                        p.address,
                        label(&e.id, e.name.as_deref())
                    ),
                    fix.clone(),
                    DOC_INTERNET,
                ),
                None => finding(
                    "public-ip-without-igw-route",
                    Kind::NetworkInterface,
                    &e.id,
                    e.name.as_deref(),
                    "public_ip",
                    format!(
                        "public address {} (for {private}) is in {where_}: it can carry no traffic",
                        p.address
                    ),
                    fix.clone(),
                    DOC_INTERNET,
                ),
            };
            out.push(f);
        }
    }
    out
}

fn igw_route_without_public_ips(m: &Model) -> Vec<Finding> {
    let mut out = Vec::new();
    for (sx, s) in m.subnets.iter().enumerate() {
        let Some(rt) = m.route_tables.get(s.route_table.0) else { continue };
        let default_to_igw = rt.routes.iter().any(|r| {
            r.destination.prefix_len() == 0
                && r.destination.addr().is_ipv4()
                && matches!(r.target, Target::InternetGateway(_))
        });
        let ifaces: Vec<_> = s.interfaces.iter().filter_map(|e| m.interfaces.get(e.0)).collect();
        let public_nat =
            m.nat_gateways.iter().any(|n| n.subnet.0 == sx && n.public && n.elastic_ip.is_some());
        // An empty subnet is unused rather than unreachable; a public NAT gateway uses the route.
        if !default_to_igw
            || ifaces.is_empty()
            || public_nat
            || ifaces.iter().any(|e| !e.public_ips.is_empty())
        {
            continue;
        }
        let rt_label = label(&rt.id, rt.name.as_deref());
        out.push(finding(
            "igw-route-without-public-ips",
            Kind::Subnet,
            &s.id,
            s.name.as_deref(),
            "route_table",
            format!(
                "route table {rt_label:?} sends 0.0.0.0/0 to an internet gateway, but none of the subnet's {} network interface(s) has a public IPv4 address: the subnet is public in name only",
                ifaces.len()
            ),
            "give the interfaces that must be reachable a public or Elastic IP address, or route the subnet through a private route table".to_string(),
            DOC_INTERNET,
        ));
    }
    out
}

fn blackhole_route(m: &Model) -> Vec<Finding> {
    let mut out = Vec::new();
    for rt in &m.route_tables {
        for r in &rt.routes {
            let Target::Blackhole(target) = &r.target else { continue };
            out.push(finding(
                "blackhole-route",
                Kind::RouteTable,
                &rt.id,
                rt.name.as_deref(),
                format!("route {}", r.destination),
                format!(
                    "traffic to {} is dropped: target {target:?} is unavailable, so the route is a blackhole",
                    r.destination
                ),
                "point the route at an existing target, or delete it".to_string(),
                DOC_ROUTE_STATE,
            ));
        }
    }
    out
}

/// A VPC peered with two VPCs whose ranges overlap: AWS accepts both peerings (it refuses
/// only a peering between overlapping VPCs), but a route table sends each overlapping
/// address to one peer only, so part of the other is out of reach from a given subnet.
fn peers_overlap(m: &Model) -> Vec<Finding> {
    let mut out = Vec::new();
    for (vx, v) in m.vpcs.iter().enumerate() {
        let peers: Vec<(&str, usize)> = m
            .peerings
            .iter()
            .filter(|p| p.status == "active")
            .filter_map(|p| p.other(crate::model::VpcIx(vx)).map(|o| (p.id.as_str(), o.0)))
            .collect();
        for (i, &(pa, a)) in peers.iter().enumerate() {
            for &(pb, b) in &peers[i + 1..] {
                let (va, vb) = (&m.vpcs[a], &m.vpcs[b]);
                let overlap = va.blocks().find_map(|x| {
                    vb.blocks().find(|y| x.contains(y) || y.contains(&x)).map(|y| {
                        if x.prefix_len() >= y.prefix_len() {
                            x
                        } else {
                            y
                        }
                    })
                });
                let Some(range) = overlap else { continue };
                out.push(finding(
                    "peers-overlap",
                    Kind::Vpc,
                    &v.id,
                    v.name.as_deref(),
                    "peerings",
                    format!(
                        "peers {} (through {pa}) and {} (through {pb}) overlap on {range}: a route table can send those addresses to only one of them",
                        va.id, vb.id
                    ),
                    "route only the subnets you need in each peer (specific routes), or renumber one of the peers".to_string(),
                    DOC_PEERING_OVERLAP,
                ));
            }
        }
    }
    out
}

fn single_az_vpc(m: &Model) -> Vec<Finding> {
    let mut out = Vec::new();
    for (vx, v) in m.vpcs.iter().enumerate() {
        let mut azs: BTreeSet<&str> = BTreeSet::new();
        let mut instances: BTreeSet<usize> = BTreeSet::new();
        for e in m.interfaces.iter().filter(|e| e.vpc.0 == vx) {
            let (Some((ix, _)), Some(s)) = (e.attachment, m.subnets.get(e.subnet.0)) else { continue };
            azs.insert(s.az.as_str());
            instances.insert(ix.0);
        }
        let azs: Vec<&str> = azs.into_iter().collect();
        // One instance is not a fleet: the advice is about spreading redundant ones.
        let [az] = azs.as_slice() else { continue };
        if instances.len() < 2 {
            continue;
        }
        out.push(finding(
            "single-az-vpc",
            Kind::Vpc,
            &v.id,
            v.name.as_deref(),
            "subnets",
            format!(
                "all {} instance(s) run in subnets of one Availability Zone, {az}: an outage of that zone takes everything down",
                instances.len()
            ),
            "run redundant instances in a subnet of a second Availability Zone".to_string(),
            DOC_AZ,
        ));
    }
    out
}

const DOC_SIZING: &str = "https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html";
const DOC_ELB_AZ: &str =
    "https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/how-elastic-load-balancing-works.html";

/// A subnet whose planned host count does not fit once AWS has reserved its five addresses,
/// with the prefix that would ("29 hosts needs a /26").
fn subnet_too_small(m: &Model) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in &m.subnets {
        let Some(want) = s.planned_hosts else { continue };
        let usable = crate::cidr::aws_usable(s.cidr);
        if u128::from(want) <= usable {
            continue;
        }
        let needed = (16..=28u8).rev().find(|len| (1u128 << (32 - len)) - 5 >= u128::from(want));
        let fix = match needed {
            Some(len) => format!(
                "{want} hosts need a /{len} ({} usable); resize the subnet",
                (1u128 << (32 - len)) - 5
            ),
            None => format!("{want} hosts do not fit in one subnet (a /16 has 65531 usable): split them"),
        };
        out.push(finding(
            "subnet-too-small",
            Kind::Subnet,
            &s.id,
            s.name.as_deref(),
            "planned_hosts",
            format!("{} has {usable} usable addresses (AWS reserves 5) but {want} are planned", s.cidr),
            fix,
            DOC_SIZING,
        ));
    }
    out
}

/// A load balancer whose healthy targets all sit in one Availability Zone: that zone's
/// outage takes the service down, whatever the load balancer's own zones.
fn targets_in_one_az(m: &Model) -> Vec<Finding> {
    let mut out = Vec::new();
    for lb in &m.load_balancers {
        for l in &lb.listeners {
            let g = &m.target_groups[l.group.0];
            let azs: BTreeSet<&str> =
                g.targets.iter().map(|t| m.subnets[m.interfaces[t.eni.0].subnet.0].az.as_str()).collect();
            let [az] = azs.into_iter().collect::<Vec<_>>()[..] else { continue };
            if g.targets.len() < 2 && lb.nodes.len() < 2 {
                continue;
            }
            out.push(finding(
                "targets-in-one-az",
                Kind::LoadBalancer,
                &lb.id,
                lb.name.as_deref(),
                format!("listener {} {}", l.protocol, l.port),
                format!("every target of {} is in {az}: an outage of that zone stops the service", g.id),
                "register targets in a second Availability Zone".to_string(),
                DOC_ELB_AZ,
            ));
        }
    }
    out
}

const DOC_NAT_AZ: &str = "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html";

/// A public NAT gateway sends what it translates out through its own subnet's route table,
/// so it must sit in a public subnet: one whose table routes 0.0.0.0/0 to an internet
/// gateway (nat-gateway-basics.html, "create the NAT gateway in a public subnet"). AWS
/// accepts it anywhere; in a private subnet it translates traffic that then goes nowhere.
fn nat_without_igw_route(m: &Model) -> Vec<Finding> {
    let mut out = Vec::new();
    for n in m.nat_gateways.iter().filter(|n| n.public) {
        let Some(s) = m.subnets.get(n.subnet.0) else { continue };
        let Some(rt) = m.route_tables.get(s.route_table.0) else { continue };
        // Where an internet host's address leads from its subnet: anywhere but nowhere (another
        // NAT gateway, a transit gateway to central egress) may still get out.
        let leads = crate::route::lookup(rt, crate::endpoint::DEFAULT_INTERNET_HOST)
            .is_some_and(|r| !matches!(r.target, Target::Blackhole(_)));
        if leads {
            continue;
        }
        let table = label(&rt.id, rt.name.as_deref());
        out.push(finding(
            "nat-without-igw-route",
            Kind::NatGateway,
            &n.id,
            n.name.as_deref(),
            "subnet",
            format!(
                "public NAT gateway {} is in subnet {:?}, whose route table {table:?} has no route for internet traffic: what it translates goes nowhere",
                n.id,
                label(&s.id, s.name.as_deref())
            ),
            format!(
                "put the NAT gateway in a public subnet, or add a route 0.0.0.0/0 to the VPC's internet gateway in {table:?}"
            ),
            DOC_NAT_AZ,
        ));
    }
    out
}

/// A subnet whose route table sends its internet traffic to a NAT gateway in another
/// Availability Zone: if that zone fails, the subnet loses internet access (AWS advises a NAT
/// gateway per zone).
fn nat_in_another_az(m: &Model) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in &m.subnets {
        let table = &m.route_tables[s.route_table.0];
        for r in &table.routes {
            let crate::model::Target::NatGateway(n) = r.target else { continue };
            let nat = &m.nat_gateways[n.0];
            let nat_az = &m.subnets[nat.subnet.0].az;
            if *nat_az == s.az {
                continue;
            }
            out.push(finding(
                "nat-in-another-az",
                Kind::Subnet,
                &s.id,
                s.name.as_deref(),
                format!("route {}", r.destination),
                format!(
                    "subnet in {} sends {} to NAT gateway {} in {nat_az}: an outage of {nat_az} cuts this subnet off too",
                    s.az,
                    r.destination,
                    label(&nat.id, nat.name.as_deref())
                ),
                match m.nat_gateways.iter().find(|x| x.vpc == s.vpc && m.subnets[x.subnet.0].az == s.az) {
                    Some(local) => format!(
                        "route this subnet's table to {}, the NAT gateway already in {}",
                        label(&local.id, local.name.as_deref()),
                        s.az
                    ),
                    None => format!("create a NAT gateway in a public subnet of {} and route this subnet's table to it", s.az),
                },
                DOC_NAT_AZ,
            ));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Network ACLs

/// A set of ports: sorted, disjoint, non-adjacent inclusive ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Ports(Vec<(u16, u16)>);

impl Ports {
    fn range(r: PortRange) -> Ports {
        Ports(vec![(r.first(), r.last())])
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Remove the ports of `r` from `self` and return them.
    fn take(&mut self, r: PortRange) -> Ports {
        let (mut taken, mut kept) = (Vec::new(), Vec::new());
        for &(a, b) in &self.0 {
            let (lo, hi) = (a.max(r.first()), b.min(r.last()));
            if lo > hi {
                kept.push((a, b));
                continue;
            }
            taken.push((lo, hi));
            if a < lo {
                kept.push((a, lo - 1));
            }
            if hi < b {
                kept.push((hi + 1, b));
            }
        }
        self.0 = kept;
        Ports(taken)
    }

    fn add(&mut self, other: &Ports) {
        let mut all: Vec<(u16, u16)> = self.0.iter().chain(&other.0).copied().collect();
        all.sort_unstable();
        let mut merged: Vec<(u16, u16)> = Vec::new();
        for (a, b) in all {
            match merged.last_mut() {
                Some(last) if u32::from(a) <= u32::from(last.1) + 1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        self.0 = merged;
    }
}

impl fmt::Display for Ports {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> =
            self.0.iter().map(|&(a, b)| if a == b { a.to_string() } else { format!("{a}-{b}") }).collect();
        f.write_str(&parts.join(", "))
    }
}

/// The token port set for protocols without ports (every rule that matches them, matches).
const NO_PORTS: PortRange = PortRange::ALL;

fn protocol_matches(rule: Protocol, number: u8) -> bool {
    rule == Protocol::All || rule.number() == Some(number)
}

/// How `rules`, first match first, decide packets of protocol `proto` to/from `addr` whose
/// destination port is in `want`: which rule decided which ports, and what stays undecided
/// (left to the final `*` deny).
struct Decision<'a> {
    decided: Vec<(&'a AclRule, Ports)>,
    undecided: Ports,
}

fn decide<'a>(rules: &'a [AclRule], addr: IpAddr, proto: u8, want: Ports) -> Decision<'a> {
    let mut undecided = want;
    let mut decided = Vec::new();
    for r in rules {
        if undecided.is_empty() {
            break;
        }
        if !r.cidr.contains(&addr) || !protocol_matches(r.protocol, proto) {
            continue;
        }
        let hit =
            if r.protocol.has_ports() { undecided.take(r.ports) } else { std::mem::take(&mut undecided) };
        if !hit.is_empty() {
            decided.push((r, hit));
        }
    }
    Decision { decided, undecided }
}

/// One address from every part of `block` that the CIDRs `cuts` treat alike: within each
/// part, every cut either contains all addresses or none (CIDR blocks nest or are disjoint,
/// so halving until no cut lies strictly inside is exact).
fn representatives(block: IpNet, cuts: &[IpNet], out: &mut Vec<IpAddr>) {
    let split = cuts.iter().any(|c| c.prefix_len() > block.prefix_len() && block.contains(c));
    if !split {
        out.push(block.network());
        return;
    }
    match block.subnets(block.prefix_len() + 1) {
        Ok(halves) => halves.for_each(|h| representatives(h, cuts, out)),
        Err(_) => out.push(block.network()),
    }
}

/// The protocol numbers a rule matches.
fn protocols(p: Protocol) -> Vec<u8> {
    match p.number() {
        Some(n) => vec![n],
        None => (0..=u8::MAX).collect(),
    }
}

fn has_ports(proto: u8) -> bool {
    proto == 6 || proto == 17
}

/// The lower-numbered rules that together decide every packet `rules[k]` matches, or `None`
/// when some packet reaches it.
fn shadowing(rules: &[AclRule], k: usize) -> Option<Vec<u32>> {
    let (earlier, r) = (rules.get(..k)?, rules.get(k)?);
    let cuts: Vec<IpNet> = earlier.iter().map(|e| e.cidr).collect();
    let mut points = Vec::new();
    representatives(r.cidr, &cuts, &mut points);
    let mut by: BTreeSet<u32> = BTreeSet::new();
    for proto in protocols(r.protocol) {
        let want = Ports::range(if has_ports(proto) && r.protocol.has_ports() { r.ports } else { NO_PORTS });
        for &a in &points {
            let d = decide(earlier, a, proto, want.clone());
            if !d.undecided.is_empty() {
                return None;
            }
            by.extend(d.decided.iter().map(|(e, _)| e.number));
        }
    }
    Some(by.into_iter().collect())
}

/// `rule 100 allows` or `rules 100, 110 allow`.
fn rules_verb(numbers: &[String], singular: &str, plural: &str) -> String {
    match numbers {
        [one] => format!("rule {one} {singular}"),
        _ => format!("rules {} {plural}", numbers.join(", ")),
    }
}

fn shadowed_acl_rule(m: &Model) -> Vec<Finding> {
    let mut out = Vec::new();
    for acl in &m.network_acls {
        for (dir, name, rules) in
            [(Direction::Ingress, "inbound", &acl.inbound), (Direction::Egress, "outbound", &acl.outbound)]
        {
            for (k, r) in rules.iter().enumerate() {
                let Some(by) = shadowing(rules, k) else { continue };
                let Some(&lowest) = by.first() else { continue };
                let by_text: Vec<String> = by.iter().map(u32::to_string).collect();
                out.push(finding(
                    "shadowed-acl-rule",
                    Kind::NetworkAcl,
                    &acl.id,
                    acl.name.as_deref(),
                    format!("{name} rule {}", r.number),
                    format!(
                        "{} can never match: lower-numbered {} every packet it covers first",
                        describe_acl_rule(r, dir),
                        rules_verb(&by_text, "decides", "decide")
                    ),
                    format!("renumber it below {lowest} if it should apply, or delete it"),
                    DOC_NACL_RULES,
                ));
            }
        }
    }
    out
}

/// The ephemeral range AWS advises allowing for replies (nacl-ephemeral-ports.html).
const EPHEMERAL: (u16, u16) = (1024, 65535);

/// A service an ACL lets in: the inbound rules allowing `proto` from `source`.
struct Service<'a> {
    proto: u8,
    source: IpNet,
    rules: Vec<&'a AclRule>,
}

fn acl_blocks_replies(m: &Model) -> Vec<Finding> {
    let mut out = Vec::new();
    for (ax, acl) in m.network_acls.iter().enumerate() {
        if !m.subnets.iter().any(|s| s.acl.0 == ax) {
            continue;
        }
        for svc in inbound_services(acl) {
            if let Some(f) = blocked_replies(acl, &svc) {
                out.push(f);
            }
        }
    }
    out
}

/// The tcp and udp services the inbound rules allow, grouped by protocol and source, in rule
/// order; rules that can never match are left out.
fn inbound_services(acl: &NetworkAcl) -> Vec<Service<'_>> {
    let mut services: Vec<Service<'_>> = Vec::new();
    for (k, r) in acl.inbound.iter().enumerate() {
        if !r.allow || shadowing(&acl.inbound, k).is_some() {
            continue;
        }
        for proto in [6u8, 17] {
            if !protocol_matches(r.protocol, proto) {
                continue;
            }
            match services.iter_mut().find(|s| s.proto == proto && s.source == r.cidr) {
                Some(s) => s.rules.push(r),
                None => services.push(Service { proto, source: r.cidr, rules: vec![r] }),
            }
        }
    }
    services
}

/// The finding for `svc` when the outbound rules deny some of its replies (to ephemeral
/// ports 1024-65535 of some source address).
fn blocked_replies(acl: &NetworkAcl, svc: &Service<'_>) -> Option<Finding> {
    let cuts: Vec<IpNet> = acl.outbound.iter().map(|r| r.cidr).collect();
    let mut points = Vec::new();
    representatives(svc.source, &cuts, &mut points);
    let ephemeral = PortRange::new(EPHEMERAL.0, EPHEMERAL.1)?;
    // What the outbound rules deny towards each part of the source, and which rules do.
    let mut per_point: Vec<(IpAddr, Ports, usize)> = Vec::new();
    let (mut deciders, mut star): (BTreeSet<u32>, bool) = (BTreeSet::new(), false);
    for &a in &points {
        let d = decide(&acl.outbound, a, svc.proto, Ports::range(ephemeral));
        let mut here = Ports::default();
        for (r, ports) in d.decided.iter().filter(|(r, _)| !r.allow) {
            here.add(ports);
            deciders.insert(r.number);
        }
        if !d.undecided.is_empty() {
            here.add(&d.undecided);
            star = true;
        }
        let count = here.0.iter().map(|&(a, b)| usize::from(b - a) + 1).sum();
        per_point.push((a, here, count));
    }
    let mut denied = Ports::default();
    per_point.iter().for_each(|(_, p, _)| denied.add(p));
    if denied.is_empty() {
        return None;
    }
    let uniform = per_point.iter().all(|(_, p, _)| *p == denied);
    let towards = if uniform {
        svc.source.to_string()
    } else {
        // The part that loses the most replies, first in address order on ties.
        let (addr, ports, _) = per_point.iter().reduce(|best, p| if p.2 > best.2 { p } else { best })?;
        format!("parts of {} (e.g. ports {ports} towards {addr})", svc.source)
    };
    let proto = if svc.proto == 6 { "tcp" } else { "udp" };
    let numbers: Vec<String> = svc.rules.iter().map(|r| r.number.to_string()).collect();
    let ports: Vec<String> = svc
        .rules
        .iter()
        .map(|r| if r.protocol.has_ports() { r.ports.to_string() } else { "all ports".to_string() })
        .collect();
    let mut decider_text: Vec<String> = deciders.iter().map(u32::to_string).collect();
    if star {
        decider_text.push("*".to_string());
    }
    let below = deciders.first().map(|n| format!(", numbered below {n}")).unwrap_or_default();
    let first = svc.rules.first()?;
    Some(finding(
        "acl-blocks-replies",
        Kind::NetworkAcl,
        &acl.id,
        acl.name.as_deref(),
        format!("inbound rule {}", first.number),
        format!(
            "inbound {} {proto} {} from {}, but outbound {} the replies to {proto} ports {denied} towards {towards}: clients using those ephemeral ports get no answer",
            rules_verb(&numbers, "allows", "allow"),
            ports.join(", "),
            svc.source,
            rules_verb(&decider_text, "denies", "deny"),
        ),
        format!("add an outbound rule allowing {proto} 1024-65535 to {}{below}", svc.source),
        DOC_EPHEMERAL,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{model, Topology};
    use serde_json::{json, Value};

    /// A clean network: a public subnet in one AZ (a web server with a public address) and
    /// a private one in another (a database), the default ACL. It has no findings.
    fn base() -> Value {
        json!({
            "format": 1,
            "vpcs": [{ "id": "vpc-1", "name": "prod", "cidr_blocks": ["10.0.0.0/16"] }],
            "subnets": [
                { "id": "subnet-pub", "name": "pub", "vpc": "vpc-1", "availability_zone": "us-east-1a", "cidr_block": "10.0.1.0/24" },
                { "id": "subnet-priv", "name": "priv", "vpc": "vpc-1", "availability_zone": "us-east-1b", "cidr_block": "10.0.2.0/24" }
            ],
            "internet_gateways": [{ "id": "igw-1", "vpc": "vpc-1" }],
            "route_tables": [
                { "id": "rtb-pub", "name": "public", "vpc": "vpc-1", "associations": ["subnet-pub"],
                  "routes": [{ "destination": "0.0.0.0/0", "target": "igw-1" }] }
            ],
            "instances": [
                { "id": "i-web", "name": "web", "instance_type": "t3.micro" },
                { "id": "i-db", "name": "db", "instance_type": "t3.micro" }
            ],
            "network_interfaces": [
                { "id": "eni-web", "subnet": "subnet-pub", "private_ip": "10.0.1.10", "public_ip": "203.0.113.10",
                  "security_groups": ["sg-web"], "attachment": { "instance": "i-web", "device_index": 0 } },
                { "id": "eni-db", "subnet": "subnet-priv", "private_ip": "10.0.2.10",
                  "security_groups": ["sg-db"], "attachment": { "instance": "i-db", "device_index": 0 } }
            ],
            "security_groups": [
                { "id": "sg-web", "name": "web", "vpc": "vpc-1",
                  "inbound": [{ "protocol": "tcp", "ports": "443", "peer": "0.0.0.0/0" }],
                  "outbound": [{ "protocol": "all", "peer": "0.0.0.0/0" }] },
                { "id": "sg-db", "name": "db", "vpc": "vpc-1",
                  "inbound": [{ "protocol": "tcp", "ports": "5432", "peer": "sg-web" }],
                  "outbound": [] }
            ]
        })
    }

    fn run(t: &Value) -> Vec<Finding> {
        let t = Topology::from_json(&t.to_string()).unwrap_or_else(|e| unreachable!("bad topology: {e}"));
        let (m, _) = model::build(&t);
        lint(&m)
    }

    /// The (rule, entity, field) of every finding of `rule`.
    fn hits(t: &Value, rule: &str) -> Vec<(String, String)> {
        run(t).into_iter().filter(|f| f.rule == rule).map(|f| (f.entity, f.field)).collect()
    }

    fn one(t: &Value, rule: &str) -> Finding {
        let all: Vec<Finding> = run(t).into_iter().filter(|f| f.rule == rule).collect();
        assert_eq!(all.len(), 1, "{all:#?}");
        all.into_iter().next().unwrap_or_else(|| unreachable!())
    }

    fn nothing() -> Vec<(String, String)> {
        Vec::new()
    }

    fn pair(entity: &str, field: &str) -> (String, String) {
        (entity.to_string(), field.to_string())
    }

    /// Set the field at `pointer`, creating it when its object exists.
    fn set(t: &mut Value, pointer: &str, v: Value) {
        let (parent, key) = pointer.rsplit_once('/').unwrap_or_else(|| unreachable!("bad pointer {pointer}"));
        match t.pointer_mut(parent) {
            Some(Value::Object(o)) => {
                o.insert(key.to_string(), v);
            }
            Some(Value::Array(a)) => match key.parse::<usize>().ok().and_then(|i| a.get_mut(i)) {
                Some(slot) => *slot = v,
                None => unreachable!("no {pointer} in the test topology"),
            },
            _ => unreachable!("no {parent} in the test topology"),
        }
    }

    fn push(t: &mut Value, pointer: &str, v: Value) {
        match t.pointer_mut(pointer).and_then(Value::as_array_mut) {
            Some(a) => a.push(v),
            None => match t.as_object_mut() {
                Some(o) => {
                    o.insert(pointer.trim_start_matches('/').to_string(), json!([v]));
                }
                None => unreachable!(),
            },
        }
    }

    #[test]
    fn the_base_network_is_clean() {
        assert_eq!(run(&base()), Vec::new());
    }

    #[test]
    fn ssh_open_to_the_world_is_found_through_ranges_and_all_traffic() {
        let mut t = base();
        push(
            &mut t,
            "/security_groups/0/inbound",
            json!({ "protocol": "tcp", "ports": "22", "peer": "0.0.0.0/0" }),
        );
        let f = one(&t, "ssh-open-to-world");
        assert_eq!((f.entity.as_str(), f.field.as_str()), ("sg-web", "inbound[1]"));
        assert_eq!(
            f.to_string(),
            "warning: security group \"web\" (inbound[1]): ssh (tcp 22) is open to the whole internet: allow tcp 22 from 0.0.0.0/0 — fix: allow tcp 22 only from the addresses you administer from (your network's range or a /32) or from a bastion's security group, not 0.0.0.0/0"
        );
        assert!(f.doc.starts_with("https://docs.aws.amazon.com/"));

        let mut t = base();
        set(&mut t, "/security_groups/0/inbound/0", json!({ "protocol": "all", "peer": "0.0.0.0/0" }));
        assert_eq!(hits(&t, "ssh-open-to-world"), [pair("sg-web", "inbound[0]")]);
        assert_eq!(hits(&t, "rdp-open-to-world"), [pair("sg-web", "inbound[0]")]);

        let mut t = base();
        set(
            &mut t,
            "/security_groups/0/inbound/0",
            json!({ "protocol": "tcp", "ports": "3000-4000", "peer": "::/0" }),
        );
        assert_eq!(hits(&t, "rdp-open-to-world"), [pair("sg-web", "inbound[0]")]);
        assert_eq!(hits(&t, "ssh-open-to-world"), nothing());
    }

    #[test]
    fn ranges_that_only_together_cover_a_family_are_flagged_once_on_the_group() {
        let halves = ["0.0.0.0/1", "128.0.0.0/1"].map(|c| c.parse::<IpNet>().ok());
        let halves: Vec<IpNet> = halves.into_iter().flatten().collect();
        assert_eq!(Families::covered_by(&halves), Families { v4: true, v6: false });
        assert_eq!(Families::covered_by(&halves[..1]), Families::default());

        let mut t = base();
        for peer in ["0.0.0.0/1", "128.0.0.0/1"] {
            push(
                &mut t,
                "/security_groups/0/inbound",
                json!({ "protocol": "tcp", "ports": "22", "peer": peer }),
            );
        }
        assert_eq!(hits(&t, "ssh-open-to-world"), [pair("sg-web", "inbound")]);
        // With a /0 rule as well, that rule is the finding: IPv4 is not reported twice.
        push(
            &mut t,
            "/security_groups/0/inbound",
            json!({ "protocol": "tcp", "ports": "22", "peer": "0.0.0.0/0" }),
        );
        assert_eq!(hits(&t, "ssh-open-to-world"), [pair("sg-web", "inbound[3]")]);
    }

    #[test]
    fn ssh_from_a_known_range_or_udp_22_is_not_flagged() {
        let mut t = base();
        push(
            &mut t,
            "/security_groups/0/inbound",
            json!({ "protocol": "tcp", "ports": "22", "peer": "198.51.100.0/24" }),
        );
        push(
            &mut t,
            "/security_groups/0/inbound",
            json!({ "protocol": "udp", "ports": "22", "peer": "0.0.0.0/0" }),
        );
        push(
            &mut t,
            "/security_groups/0/outbound",
            json!({ "protocol": "tcp", "ports": "22", "peer": "0.0.0.0/0" }),
        );
        assert_eq!(hits(&t, "ssh-open-to-world"), nothing());
        assert_eq!(hits(&t, "rdp-open-to-world"), nothing());
    }

    #[test]
    fn an_unassociated_elastic_ip_is_idle() {
        let mut t = base();
        push(&mut t, "/elastic_ips", json!({ "id": "eipalloc-1", "public_ip": "198.51.100.7" }));
        let f = one(&t, "idle-elastic-ip");
        assert_eq!(
            (f.kind, f.entity.as_str(), f.field.as_str()),
            (Kind::ElasticIp, "eipalloc-1", "association")
        );
        assert!(f.message.contains("198.51.100.7"));

        let mut t = base();
        push(
            &mut t,
            "/elastic_ips",
            json!({ "id": "eipalloc-1", "public_ip": "198.51.100.7", "association": { "network_interface": "eni-web" } }),
        );
        assert_eq!(hits(&t, "idle-elastic-ip"), nothing());
        assert_eq!(hits(&t, "elastic-ip-on-unattached-interface"), nothing());
    }

    #[test]
    fn every_rule_has_a_title_and_every_rule_function_a_name() {
        assert_eq!(RULES.len(), RULE_NAMES.len());
        for r in RULE_NAMES {
            assert_ne!(title(r), *r, "{r} has no title");
        }
    }

    #[test]
    fn an_elastic_ip_on_a_stopped_instance_is_charged() {
        let mut t = base();
        push(
            &mut t,
            "/elastic_ips",
            json!({ "id": "eipalloc-1", "public_ip": "198.51.100.7", "association": { "network_interface": "eni-db" } }),
        );
        assert_eq!(hits(&t, "elastic-ip-on-stopped-instance"), nothing(), "running: in use");
        set(&mut t, "/instances/1/state", json!("stopped"));
        let f = one(&t, "elastic-ip-on-stopped-instance");
        assert_eq!((f.entity.as_str(), f.field.as_str()), ("eipalloc-1", "association.network_interface"));
        assert!(f.message.contains("\"db\"") && f.fix.contains("start instance i-db"), "{f:?}");
        assert_eq!(hits(&t, "idle-elastic-ip"), nothing(), "associated, so not idle");
    }

    #[test]
    fn a_nat_gateway_uses_its_elastic_ip_and_the_igw_route() {
        let mut t = base();
        set(&mut t, "/network_interfaces/0/public_ip", Value::Null);
        push(&mut t, "/elastic_ips", json!({ "id": "eipalloc-nat", "public_ip": "198.51.100.9" }));
        push(
            &mut t,
            "/nat_gateways",
            json!({ "id": "nat-1", "subnet": "subnet-pub", "private_ip": "10.0.1.100", "elastic_ip": "eipalloc-nat" }),
        );
        assert_eq!(hits(&t, "idle-elastic-ip"), nothing());
        assert_eq!(hits(&t, "igw-route-without-public-ips"), nothing());
    }

    #[test]
    fn an_elastic_ip_on_a_detached_interface_is_flagged() {
        let mut t = base();
        push(
            &mut t,
            "/network_interfaces",
            json!({ "id": "eni-spare", "name": "spare", "subnet": "subnet-pub", "private_ip": "10.0.1.50", "security_groups": ["sg-web"] }),
        );
        push(
            &mut t,
            "/elastic_ips",
            json!({ "id": "eipalloc-1", "public_ip": "198.51.100.7", "association": { "network_interface": "eni-spare" } }),
        );
        let f = one(&t, "elastic-ip-on-unattached-interface");
        assert_eq!((f.entity.as_str(), f.field.as_str()), ("eipalloc-1", "association.network_interface"));
        assert!(f.message.contains("\"spare\""), "{}", f.message);
        assert_eq!(hits(&t, "idle-elastic-ip"), nothing());
    }

    #[test]
    fn a_public_address_in_a_subnet_without_igw_route_is_useless() {
        let mut t = base();
        set(&mut t, "/network_interfaces/1/public_ip", json!("203.0.113.20"));
        push(
            &mut t,
            "/elastic_ips",
            json!({ "id": "eipalloc-db", "public_ip": "198.51.100.8", "association": { "network_interface": "eni-db" } }),
        );
        // The Elastic IP replaces the auto-assigned address on the primary private address.
        let f = one(&t, "public-ip-without-igw-route");
        assert_eq!(
            (f.kind, f.entity.as_str(), f.field.as_str()),
            (Kind::ElasticIp, "eipalloc-db", "association")
        );
        assert!(f.message.contains("has no route to an internet gateway"), "{}", f.message);

        let mut t = base();
        set(&mut t, "/network_interfaces/1/public_ip", json!("203.0.113.20"));
        assert_eq!(hits(&t, "public-ip-without-igw-route"), [pair("eni-db", "public_ip")]);
        // Routing the subnet to the gateway makes the address useful.
        push(&mut t, "/route_tables/0/associations", json!("subnet-priv"));
        assert_eq!(hits(&t, "public-ip-without-igw-route"), nothing());
    }

    #[test]
    fn a_routed_subnet_without_public_addresses_is_public_in_name_only() {
        let mut t = base();
        set(&mut t, "/network_interfaces/0/public_ip", Value::Null);
        assert_eq!(hits(&t, "igw-route-without-public-ips"), [pair("subnet-pub", "route_table")]);
        // An empty public subnet is not flagged.
        let mut t = base();
        push(
            &mut t,
            "/subnets",
            json!({ "id": "subnet-spare", "vpc": "vpc-1", "availability_zone": "us-east-1a", "cidr_block": "10.0.3.0/24" }),
        );
        push(&mut t, "/route_tables/0/associations", json!("subnet-spare"));
        assert_eq!(hits(&t, "igw-route-without-public-ips"), nothing());
    }

    fn with_acl(t: &mut Value, inbound: Value, outbound: Value) {
        push(
            t,
            "/network_acls",
            json!({ "id": "acl-web", "name": "web", "vpc": "vpc-1", "associations": ["subnet-pub"],
                    "inbound": inbound, "outbound": outbound }),
        );
    }

    #[test]
    fn outbound_rules_that_deny_part_of_the_ephemeral_range_block_replies() {
        let mut t = base();
        with_acl(
            &mut t,
            json!([{ "rule": 100, "protocol": "tcp", "ports": "443", "cidr": "0.0.0.0/0", "action": "allow" }]),
            json!([{ "rule": 100, "protocol": "tcp", "ports": "32768-65535", "cidr": "0.0.0.0/0", "action": "allow" }]),
        );
        let f = one(&t, "acl-blocks-replies");
        assert_eq!((f.entity.as_str(), f.field.as_str()), ("acl-web", "inbound rule 100"));
        assert_eq!(
            f.message,
            "inbound rule 100 allows tcp 443 from 0.0.0.0/0, but outbound rule * denies the replies to tcp ports 1024-32767 towards 0.0.0.0/0: clients using those ephemeral ports get no answer"
        );
        assert_eq!(f.fix, "add an outbound rule allowing tcp 1024-65535 to 0.0.0.0/0");

        // Replies allowed only towards the VPC: internet clients get nothing.
        let mut t = base();
        with_acl(
            &mut t,
            json!([{ "rule": 100, "protocol": "tcp", "ports": "443", "cidr": "0.0.0.0/0", "action": "allow" }]),
            json!([
                { "rule": 90, "protocol": "tcp", "ports": "1024-2000", "cidr": "0.0.0.0/0", "action": "deny" },
                { "rule": 100, "protocol": "tcp", "ports": "1024-65535", "cidr": "10.0.0.0/16", "action": "allow" }
            ]),
        );
        let f = one(&t, "acl-blocks-replies");
        assert!(f.message.contains("outbound rules 90, * deny the replies to tcp ports 1024-65535 towards parts of 0.0.0.0/0 (e.g. ports 1024-65535 towards 0.0.0.0)"), "{}", f.message);
        assert!(f.fix.ends_with(", numbered below 90"), "{}", f.fix);
    }

    #[test]
    fn replies_allowed_on_the_whole_ephemeral_range_are_fine() {
        let mut t = base();
        with_acl(
            &mut t,
            json!([
                { "rule": 100, "protocol": "tcp", "ports": "443", "cidr": "0.0.0.0/0", "action": "allow" },
                { "rule": 110, "protocol": "icmp", "cidr": "0.0.0.0/0", "action": "allow" }
            ]),
            json!([
                { "rule": 100, "protocol": "tcp", "ports": "1024-65535", "cidr": "0.0.0.0/1", "action": "allow" },
                { "rule": 110, "protocol": "all", "cidr": "128.0.0.0/1", "action": "allow" }
            ]),
        );
        assert_eq!(hits(&t, "acl-blocks-replies"), nothing());
        // An ACL no subnet uses is not checked.
        let mut t = base();
        with_acl(
            &mut t,
            json!([{ "rule": 100, "protocol": "udp", "ports": "53", "cidr": "0.0.0.0/0", "action": "allow" }]),
            json!([]),
        );
        assert_eq!(hits(&t, "acl-blocks-replies"), [pair("acl-web", "inbound rule 100")]);
        set(&mut t, "/network_acls/0/associations", json!([]));
        assert_eq!(hits(&t, "acl-blocks-replies"), nothing());
    }

    #[test]
    fn a_route_to_a_missing_target_is_a_blackhole() {
        let mut t = base();
        push(
            &mut t,
            "/route_tables/0/routes",
            json!({ "destination": "192.0.2.0/24", "target": "nat-gone" }),
        );
        let f = one(&t, "blackhole-route");
        assert_eq!((f.entity.as_str(), f.field.as_str()), ("rtb-pub", "route 192.0.2.0/24"));
        assert!(f.message.contains("\"nat-gone\""));
        assert_eq!(hits(&base(), "blackhole-route"), nothing());
    }

    #[test]
    fn a_rule_inside_another_of_the_same_group_is_redundant() {
        let mut t = base();
        push(
            &mut t,
            "/security_groups/0/inbound",
            json!({ "protocol": "tcp", "ports": "0-1024", "peer": "0.0.0.0/0" }),
        );
        push(
            &mut t,
            "/security_groups/0/outbound",
            json!({ "protocol": "udp", "ports": "53", "peer": "10.0.0.0/16" }),
        );
        let found = hits(&t, "redundant-sg-rule");
        assert_eq!(found, [pair("sg-web", "inbound[0]"), pair("sg-web", "outbound[1]")]);
        let f = one(
            &{
                let mut t = base();
                push(
                    &mut t,
                    "/security_groups/0/inbound",
                    json!({ "protocol": "tcp", "ports": "443", "peer": "0.0.0.0/0" }),
                );
                t
            },
            "redundant-sg-rule",
        );
        // Of two identical rules the later is reported, naming the earlier.
        assert_eq!(f.field, "inbound[1]");
        assert!(f.message.contains("inbound[0] (allow tcp 443 from 0.0.0.0/0)"), "{}", f.message);
    }

    #[test]
    fn overlapping_but_not_covered_rules_and_other_groups_are_not_redundant() {
        let mut t = base();
        push(
            &mut t,
            "/security_groups/0/inbound",
            json!({ "protocol": "tcp", "ports": "400-500", "peer": "10.0.0.0/8" }),
        );
        push(
            &mut t,
            "/security_groups/0/inbound",
            json!({ "protocol": "udp", "ports": "443", "peer": "0.0.0.0/0" }),
        );
        // A CIDR never covers a group reference, nor one group another.
        push(
            &mut t,
            "/security_groups/1/inbound",
            json!({ "protocol": "tcp", "ports": "5432", "peer": "0.0.0.0/0" }),
        );
        assert_eq!(hits(&t, "redundant-sg-rule"), nothing());
    }

    #[test]
    fn acl_rules_covered_by_lower_numbers_are_shadowed() {
        let mut t = base();
        with_acl(
            &mut t,
            json!([
                { "rule": 100, "protocol": "all", "cidr": "0.0.0.0/0", "action": "allow" },
                { "rule": 200, "protocol": "tcp", "ports": "22", "cidr": "203.0.113.0/24", "action": "deny" }
            ]),
            json!([
                { "rule": 100, "protocol": "tcp", "ports": "0-1023", "cidr": "0.0.0.0/1", "action": "allow" },
                { "rule": 110, "protocol": "tcp", "ports": "1024-65535", "cidr": "0.0.0.0/0", "action": "allow" },
                { "rule": 120, "protocol": "tcp", "cidr": "128.0.0.0/1", "action": "deny" },
                { "rule": 130, "protocol": "tcp", "ports": "80-2000", "cidr": "10.0.0.0/8", "action": "deny" }
            ]),
        );
        let found = hits(&t, "shadowed-acl-rule");
        assert_eq!(found, [pair("acl-web", "inbound rule 200"), pair("acl-web", "outbound rule 130")]);
        let f =
            run(&t).into_iter().find(|f| f.field == "outbound rule 130").unwrap_or_else(|| unreachable!());
        assert!(f.message.contains("lower-numbered rules 100, 110 decide"), "{}", f.message);
        assert_eq!(f.fix, "renumber it below 100 if it should apply, or delete it");
    }

    #[test]
    fn partly_reachable_acl_rules_are_not_shadowed() {
        let mut t = base();
        with_acl(
            &mut t,
            json!([
                { "rule": 100, "protocol": "tcp", "ports": "443", "cidr": "0.0.0.0/0", "action": "allow" },
                { "rule": 110, "protocol": "all", "cidr": "0.0.0.0/0", "action": "deny" }
            ]),
            json!([
                { "rule": 100, "protocol": "tcp", "ports": "1024-65535", "cidr": "0.0.0.0/1", "action": "allow" },
                { "rule": 110, "protocol": "tcp", "ports": "1024-65535", "cidr": "0.0.0.0/0", "action": "allow" }
            ]),
        );
        assert_eq!(hits(&t, "shadowed-acl-rule"), nothing());
    }

    #[test]
    fn a_group_no_interface_uses_is_unused() {
        let mut t = base();
        push(
            &mut t,
            "/security_groups",
            json!({ "id": "sg-old", "name": "old", "vpc": "vpc-1", "inbound": [], "outbound": [] }),
        );
        push(
            &mut t,
            "/security_groups/1/inbound",
            json!({ "protocol": "tcp", "ports": "5432", "peer": "sg-old" }),
        );
        let f = one(&t, "unused-security-group");
        assert_eq!((f.entity.as_str(), f.field.as_str()), ("sg-old", "network_interfaces"));
        assert!(
            f.message.contains("the rules of \"db\" that reference it match no address"),
            "{}",
            f.message
        );
        // A user-defined default group is AWS's default group: it cannot be deleted.
        let mut t = base();
        push(&mut t, "/security_groups", json!({ "id": "sg-default", "name": "default", "vpc": "vpc-1" }));
        assert_eq!(hits(&t, "unused-security-group"), nothing());
    }

    #[test]
    fn instances_in_one_availability_zone_are_flagged() {
        let mut t = base();
        set(&mut t, "/subnets/1/availability_zone", json!("us-east-1a"));
        let f = one(&t, "single-az-vpc");
        assert_eq!((f.kind, f.entity.as_str(), f.field.as_str()), (Kind::Vpc, "vpc-1", "subnets"));
        assert!(f.message.contains("all 2 instance(s)") && f.message.contains("us-east-1a"), "{}", f.message);
        // Interfaces attached to no instance do not count, and one instance is no fleet.
        let mut t = base();
        set(&mut t, "/network_interfaces/1/attachment", Value::Null);
        set(&mut t, "/instances", json!([{ "id": "i-web", "name": "web", "instance_type": "t3.micro" }]));
        assert!(hits(&t, "single-az-vpc").is_empty());
    }

    #[test]
    fn a_subnet_using_another_zones_nat_gateway_is_flagged() {
        let t = crate::examples::get("nat-per-az").map(crate::examples::load).unwrap_or_default();
        let found = hits(&serde_json::to_value(&t).unwrap_or_default(), "nat-in-another-az");
        assert_eq!(found.len(), 1, "{found:?}");
        let t = serde_json::to_value(crate::examples::three_tier()).unwrap_or_default();
        assert!(hits(&t, "nat-in-another-az").is_empty());
    }

    #[test]
    fn a_subnet_too_small_for_its_planned_hosts_is_flagged_with_the_prefix_that_fits() {
        let mut t = base();
        set(&mut t, "/subnets/0/planned_hosts", json!(251));
        assert!(hits(&t, "subnet-too-small").is_empty(), "a /24 has exactly 251 usable");
        set(&mut t, "/subnets/0/planned_hosts", json!(300));
        let f = one(&t, "subnet-too-small");
        assert!(f.message.contains("251 usable") && f.fix.contains("need a /23 (507 usable)"), "{f}");
    }

    #[test]
    fn load_balancer_targets_in_one_zone_are_flagged() {
        let ex = crate::examples::get("alb-private-targets").map(|e| e.json).unwrap_or_default();
        let mut t: Value = serde_json::from_str(ex).unwrap_or_default();
        assert!(hits(&t, "targets-in-one-az").is_empty());
        set(&mut t, "/target_groups/0/targets", json!([{ "id": "i-app-a" }]));
        assert_eq!(hits(&t, "targets-in-one-az"), [pair("alb-web", "listener HTTPS 443")]);
    }

    #[test]
    fn findings_serialize_with_their_rule_and_doc() {
        let mut t = base();
        push(&mut t, "/elastic_ips", json!({ "id": "eipalloc-1", "public_ip": "198.51.100.7" }));
        let v = serde_json::to_value(run(&t)).unwrap_or_default();
        assert_eq!(v[0]["rule"], "idle-elastic-ip");
        assert_eq!(v[0]["severity"], "warning");
        assert_eq!(v[0]["kind"], "elastic-ip");
        assert_eq!(v[0]["doc"], DOC_EIP);
    }

    #[test]
    fn port_sets_take_and_merge() {
        let mut p = Ports::range(PortRange::ALL);
        let taken = p.take(PortRange::new(1000, 2000).unwrap_or(PortRange::ALL));
        assert_eq!(taken.to_string(), "1000-2000");
        assert_eq!(p.to_string(), "0-999, 2001-65535");
        p.add(&taken);
        assert_eq!(p, Ports::range(PortRange::ALL));
    }
}
