//! Reachability of one flow: the forward path, the return path, and every blocker on both.
//!
//! A trace is data ([`Trace`]): a list of hops per direction, each naming the component,
//! what it did and the rule or route that decided, with the packet header before and after
//! any translation. The view renders traces; it never recomputes them.
//!
//! The walk follows the packet as AWS forwards it. The order of checks is fixed:
//!
//! 1. the sending interface (source/destination check), its security groups (egress);
//! 2. same subnet: straight to the receiving interface (no route table, no ACL:
//!    vpc/latest/userguide/vpc-network-acls.html);
//!    otherwise the subnet's network ACL (egress), then its route table (longest prefix);
//! 3. `local`: the destination subnet's network ACL (ingress), the receiving interface's
//!    security groups (ingress), the receiving interface;
//!    an internet gateway: one-to-one NAT of the source, then the internet;
//! 4. from the internet, the gateway translates the public destination to the private one.
//!
//! Filters that deny do not end the walk: it goes on as if they had allowed, so one trace
//! names every blocker on the path (the "blocked path" of Bayless et al., CAV 2021). Only a
//! missing route or address ends a path, since there is nowhere left to go. The return path
//! is walked whenever the forward path reached the destination, with security groups
//! stateful (a reply is never checked against rules) and network ACLs stateless (it is).

use serde::Serialize;
use std::net::{IpAddr, Ipv4Addr};

use crate::diagnostic::{label, Kind};
use crate::endpoint::{self, Endpoint, EndpointError, DEFAULT_INTERNET_HOST, DEFAULT_INTERNET_HOST_V6};
use crate::firewall::Direction;
use crate::flowlog;
use crate::model::{EigwIx, EniIx, Entity, IgwIx, InstIx, LbIx, Model, TgwAttIx, VpceIx, VpnIx};
use crate::packet::{Icmp, Packet, Protocol, DEFAULT_EPHEMERAL_PORT};

/// A reachability question, as the CLI and the page ask it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Query {
    pub from: String,
    pub to: String,
    pub protocol: Protocol,
    /// Destination port; required for TCP and UDP.
    #[serde(default)]
    pub port: Option<u16>,
    /// Source address, for an interface with several.
    #[serde(default)]
    pub from_ip: Option<IpAddr>,
    /// Source port; defaults to [`DEFAULT_EPHEMERAL_PORT`].
    #[serde(default)]
    pub src_port: Option<u16>,
    /// ICMP message type for ICMP queries; defaults to echo request, what `ping` sends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icmp_type: Option<u8>,
    /// ICMP code, with `icmp_type`; defaults to 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icmp_code: Option<u8>,
}

impl Query {
    /// A question with the defaults for everything else: the source's primary address, an
    /// ephemeral source port, an echo request for ICMP.
    pub fn new(
        from: impl Into<String>,
        to: impl Into<String>,
        protocol: Protocol,
        port: Option<u16>,
    ) -> Query {
        Query {
            from: from.into(),
            to: to.into(),
            protocol,
            port,
            from_ip: None,
            src_port: None,
            icmp_type: None,
            icmp_code: None,
        }
    }
}

/// Why a query could not be answered (as opposed to "not reachable", which is an answer).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
    #[error("port: a destination port is required for {0}")]
    PortRequired(Protocol),
    #[error("protocol: {0} is not a protocol a flow can use; pick tcp, udp, icmp or a number")]
    AllProtocols(Protocol),
    #[error("from_ip: {ip} is not an address of {endpoint}")]
    FromIpNotOnSource { ip: IpAddr, endpoint: String },
    #[error("from_ip: {0} is a private address; an internet host needs a public one")]
    PrivateInternetSource(IpAddr),
    #[error("from/to: both ends are on the internet; vpclab answers for paths that enter or leave a VPC")]
    BothOnInternet,
    #[error("from/to: source and destination are the same interface")]
    SameInterface,
    #[error("from: {0} is an address no interface holds; a source must be an interface or an internet host")]
    UnassignedSource(IpAddr),
    #[error("from: NAT gateway {0:?} never initiates connections; it only translates them")]
    NatSource(String),
    /// `field` is the side of the query (`from` or `to`) that names the interface.
    #[error(
        "{field}: {id:?} has no IPv6 address; ask an IPv4 question, or name an IPv6 address (from_ip / --from-ip for the source)"
    )]
    NoIpv6 { field: &'static str, id: String },
    #[error("from/to: {src} and {dst} are not the same IP version")]
    FamilyMismatch { src: IpAddr, dst: IpAddr },
    #[error("from/to: both ends are on-premises; vpclab answers for paths that enter or leave a VPC")]
    BothOnPremises,
    #[error(
        "from/to: traffic from attachment {attachment:?} enters VPC {vpc:?}; ask for a destination in it"
    )]
    NotBehindAttachment { attachment: String, vpc: String },
    #[error("from: no address is known behind transit gateway attachment {0:?}; give one with from_ip / --from-ip")]
    NoTgwSource(String),
    #[error("to: no address is known behind transit gateway attachment {0:?} (no other VPC is attached to its gateway); name an address instead")]
    NoTgwDestination(String),
    #[error("from: load balancer {0:?} only forwards connections made to it; ask from a client")]
    LoadBalancerSource(String),
    #[error("from: network interface {0:?} is not attached to an instance, so it sends nothing")]
    Detached(String),
    #[error("from: interface endpoint {0:?} never initiates connections; it only accepts them")]
    EndpointSource(String),
    /// `field` is the side of the query (`from` or `to`) that names the instance. An
    /// interface with errors is left out of the model, which can leave its instance bare.
    #[error("{field}: instance {id:?} has no network interface in the model (an interface with errors is left out: see the diagnostics)")]
    NoInterface { field: &'static str, id: String },
    #[error(
        "to: load balancer {0:?} has no node: none of its subnets is in the model (see the diagnostics)"
    )]
    NoLoadBalancerNode(String),
}

/// The answer to a query.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trace {
    pub reachable: bool,
    /// One line for people: "reachable", or what blocks first.
    pub summary: String,
    /// The first packet as the source sends it.
    pub packet: Packet,
    pub forward: Vec<Hop>,
    #[serde(rename = "return")]
    pub back: Vec<Hop>,
    pub explanations: Vec<Explanation>,
    /// The VPC Flow Logs records the interfaces on both paths would write.
    pub flow_logs: Vec<flowlog::Record>,
}

impl Trace {
    /// Whether hop `i` of the forward path (or, `back`, of the return path) is only what would
    /// follow were the blocks before it lifted: the tracer walks on past a block to find every
    /// blocker. A return path after a blocked forward path is all "what if".
    pub fn hypothetical(&self, back: bool, i: usize) -> bool {
        let stops = |h: &Hop| matches!(h.action, Action::Deny | Action::Drop);
        let (hops, blocked_before) =
            if back { (&self.back, self.forward.iter().any(stops)) } else { (&self.forward, false) };
        let cut = if blocked_before { Some(0) } else { hops.iter().position(stops).map(|b| b + 1) };
        cut.is_some_and(|c| i >= c) && hops.get(i).is_some_and(|h| !stops(h))
    }

    /// Why hop `hop` of the forward path (or, `back`, of the return path) stopped the
    /// packet, when it did: the explanation naming the same component on the same side.
    pub fn why_stopped(&self, hop: &Hop, back: bool) -> Option<&Explanation> {
        let side = if back { PathSide::Return } else { PathSide::Forward };
        matches!(hop.action, Action::Deny | Action::Drop)
            .then(|| self.explanations.iter().find(|e| e.path == side && e.component == hop.component))
            .flatten()
    }
}

/// One component on a path and what it did to the packet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hop {
    /// Resource id (`"internet"` for the internet).
    pub component: String,
    pub kind: Kind,
    /// Name if set, else id.
    pub label: String,
    /// Where on the diagram this happens: the interface a security group filters, the
    /// subnet whose ACL or route table acts, else the component itself.
    pub location: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    pub action: Action,
    /// What decided, in words: the matching rule, route or translation.
    pub detail: String,
    /// The header as it arrives at this hop.
    pub packet: Packet,
    /// The header as it leaves, when this hop translated it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translated: Option<Packet>,
}

/// What a hop did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// The packet starts here.
    Send,
    /// A filter let it through.
    Allow,
    /// A filter stopped it.
    Deny,
    /// A route table chose the next hop.
    Route,
    /// An address translation rewrote the header.
    Translate,
    /// The packet reached its destination.
    Accept,
    /// Nowhere to go: no route, blackhole, no such host.
    Drop,
}

/// Which path an explanation is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PathSide {
    Forward,
    Return,
}

/// Why (part of) a path is blocked, with Reachability Analyzer's code where one fits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub code: &'static str,
    pub component: String,
    pub kind: Kind,
    pub label: String,
    /// Where on the diagram, as for [`Hop::location`].
    pub location: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    pub path: PathSide,
    pub message: String,
    /// A one-line change that would unblock this step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

/// Answer `q` on model `m`.
pub fn reach(m: &Model, q: &Query) -> Result<Trace, QueryError> {
    if q.protocol == Protocol::All {
        return Err(QueryError::AllProtocols(q.protocol));
    }
    let dst_port = match (q.protocol.has_ports(), q.port) {
        (true, Some(p)) => p,
        (true, None) => return Err(QueryError::PortRequired(q.protocol)),
        (false, _) => 0,
    };
    let src_port = if q.protocol.has_ports() { q.src_port.unwrap_or(DEFAULT_EPHEMERAL_PORT) } else { 0 };
    let from = endpoint::resolve(m, "from", &q.from)?;
    let to = endpoint::resolve(m, "to", &q.to)?;

    let source = source(m, from, to, q.from_ip)?;
    let (dst, goal) = destination(m, &source, to)?;
    if let Source::TgwAttachment(a, _) = source {
        // Traffic from an attachment enters that attachment's VPC.
        let vpc = &m.vpcs[m.tgw_attachments[a.0].vpc.0];
        if !vpc.blocks().any(|b| b.contains(&dst)) {
            return Err(QueryError::NotBehindAttachment {
                attachment: m.tgw_attachments[a.0].id.clone(),
                vpc: vpc.id.clone(),
            });
        }
    }
    if let (Source::Interface(a, _), Goal::Interface(b)) = (&source, &goal) {
        if a == b {
            return Err(QueryError::SameInterface);
        }
    }
    // "ping" means ICMP to an IPv4 address and ICMPv6 to an IPv6 one: IPv6 carries no ICMP
    // (protocol 1), and a rule for one does not admit the other.
    let protocol = match (q.protocol, dst.is_ipv6()) {
        (Protocol::Icmp, true) => Protocol::Icmpv6,
        (Protocol::Icmpv6, false) => Protocol::Icmp,
        (p, _) => p,
    };
    let icmp = protocol.is_icmp().then(|| match q.icmp_type {
        Some(r#type) => Icmp { r#type, code: q.icmp_code.unwrap_or(0) },
        None => Icmp::echo_request(protocol),
    });
    let packet = Packet { src: source.address(), dst, protocol, src_port, dst_port, icmp };

    let mut w = Walk {
        m,
        hops: Vec::new(),
        explanations: Vec::new(),
        side: PathSide::Forward,
        here: None,
        sessions: Vec::new(),
        refs: Refs::Preserved,
        via_tgw: false,
        from_internet: matches!(source, Source::Internet(..)),
        tgw_goal: match goal {
            Goal::TgwAttachment(a) => Some(a),
            _ => None,
        },
        arrived_at_tgw: false,
        via_lb: None,
        lb_sessions: Vec::new(),
    };
    let end = match source {
        Source::Interface(eni, _) => w.send(eni, packet, false),
        Source::Internet(_, via) => w.internet(via, packet, false, true),
        Source::OnPremises(c, _) => w.vgw_in(c, packet, false, true),
        Source::TgwAttachment(a, _) => {
            let az = match to {
                Endpoint::Instance(i) => m.instances[i.0].az.as_deref(),
                Endpoint::Interface { eni, .. } => Some(m.subnets[m.interfaces[eni.0].subnet.0].az.as_str()),
                _ => None,
            };
            w.out_of_tgw(a, az, packet, false)
        }
    };
    let forward = std::mem::take(&mut w.hops);
    let arrived = goal.met_by(&end);
    if !arrived {
        if let Some(e) = goal.miss(m, &end) {
            w.explanations.push(e);
        }
    }

    let mut back = Vec::new();
    if arrived {
        w.side = PathSide::Return;
        w.refs = Refs::Preserved;
        w.via_tgw = false;
        // The reply of a flow that came from a transit gateway ends when it goes back in.
        w.tgw_goal = match source {
            Source::TgwAttachment(a, _) => Some(a),
            _ => None,
        };
        w.arrived_at_tgw = false;
        let reply = end.packet.reply();
        let preserved = w.lb_sessions.last().copied().filter(|s| s.preserved && end.lb.is_some());
        let home = match end.at {
            At::Interface(eni) if preserved.is_some_and(|s| s.target == eni) => match preserved {
                Some(s) => w.lb_reply_preserved(s, reply),
                None => end,
            },
            At::Interface(eni) => w.send(eni, reply, true),
            At::Internet(via) => w.internet(via, reply, true, true),
            At::Service(v) => w.gateway_endpoint_in(v, reply, true),
            At::EgressOnly(g) => w.eigw_in(g, reply, true),
            At::OnPremises(c) => w.vgw_in(c, reply, true, true),
            At::TgwAttachment(a) => {
                let az = match source {
                    Source::Interface(e, _) => Some(m.subnets[m.interfaces[e.0].subnet.0].az.as_str()),
                    _ => None,
                };
                w.out_of_tgw(a, az, reply, true)
            }
            At::Nowhere => end,
        };
        back = std::mem::take(&mut w.hops);
        let origin = match source {
            Source::Interface(eni, _) => Goal::Interface(eni),
            Source::Internet(..) => Goal::Internet(None),
            Source::OnPremises(c, _) => Goal::OnPremises(c),
            Source::TgwAttachment(a, _) => Goal::TgwAttachment(a),
        };
        if !origin.met_by(&home) {
            if let Some(e) = origin.miss(m, &home) {
                w.explanations.push(e);
            }
        }
    }

    let reachable = arrived && !back.is_empty() && w.explanations.is_empty();
    let summary = match w.explanations.first() {
        None if reachable => "reachable".to_string(),
        None => "not reachable".to_string(),
        Some(e) => format!(
            "not reachable: {} ({}{})",
            e.message,
            e.code,
            if w.explanations.len() > 1 {
                format!(", and {} more", w.explanations.len() - 1)
            } else {
                String::new()
            }
        ),
    };
    // A rejected request gets no reply: the return path is then hypothetical and logs nothing.
    let mut flow_logs = flowlog::records(&forward, PathSide::Forward);
    if !w.explanations.iter().any(|e| e.path == PathSide::Forward) {
        flow_logs.extend(flowlog::records(&back, PathSide::Return));
    }
    Ok(Trace { reachable, summary, packet, forward, back, explanations: w.explanations, flow_logs })
}

/// Where a flow starts.
#[derive(Debug, Clone, Copy)]
enum Source {
    Interface(EniIx, IpAddr),
    Internet(IpAddr, Option<IgwIx>),
    OnPremises(VpnIx, IpAddr),
    /// A host behind a transit gateway, entering the VPC through this attachment.
    TgwAttachment(TgwAttIx, IpAddr),
}

impl Source {
    fn address(&self) -> IpAddr {
        match *self {
            Source::Interface(_, ip) => ip,
            Source::Internet(ip, _) | Source::OnPremises(_, ip) | Source::TgwAttachment(_, ip) => ip,
        }
    }
}

fn source(m: &Model, from: Endpoint, to: Endpoint, from_ip: Option<IpAddr>) -> Result<Source, QueryError> {
    let v6 = from_ip.map(|a| a.is_ipv6()).unwrap_or_else(|| wants_ipv6(m, from, to));
    match from {
        Endpoint::Instance(i) => {
            let inst = &m.instances[i.0];
            if let Some(ip) = from_ip {
                return inst
                    .interfaces
                    .iter()
                    .find(|e| m.interfaces[e.0].holds(ip))
                    .map(|&e| Source::Interface(e, ip))
                    .ok_or_else(|| QueryError::FromIpNotOnSource {
                        ip,
                        endpoint: label(&inst.id, inst.name.as_deref()),
                    });
            }
            let eni = egress_interface(m, i, to)
                .ok_or_else(|| QueryError::NoInterface { field: "from", id: inst.id.clone() })?;
            interface_address(m, "from", eni, v6).map(|a| Source::Interface(eni, a))
        }
        Endpoint::Interface { eni, ip } => {
            let e = &m.interfaces[eni.0];
            if let Some(vpce) = &e.endpoint {
                return Err(QueryError::EndpointSource(vpce.clone()));
            }
            if let Some(l) = e.load_balancer {
                return Err(QueryError::LoadBalancerSource(m.load_balancers[l.0].id.clone()));
            }
            if e.attachment.is_none() {
                return Err(QueryError::Detached(e.id.clone()));
            }
            match from_ip.or(ip) {
                None => interface_address(m, "from", eni, v6).map(|a| Source::Interface(eni, a)),
                Some(ip) if e.holds(ip) => Ok(Source::Interface(eni, ip)),
                Some(ip) => {
                    // A public address names the interface; the packet leaves from the
                    // private address it maps to.
                    let private =
                        e.public_ips.iter().find(|(_, p)| IpAddr::V4(p.address) == ip).map(|(k, _)| *k);
                    private
                        .map(|a| Source::Interface(eni, IpAddr::V4(a)))
                        .ok_or(QueryError::FromIpNotOnSource { ip, endpoint: e.id.clone() })
                }
            }
        }
        Endpoint::Internet { ip, via } => {
            let default = if v6 { DEFAULT_INTERNET_HOST_V6 } else { DEFAULT_INTERNET_HOST };
            let ip = from_ip.or(ip).unwrap_or(default);
            if matches!(to, Endpoint::Internet { .. }) {
                return Err(QueryError::BothOnInternet);
            }
            if m.vpc_containing(ip).is_some() {
                return Err(QueryError::UnassignedSource(ip));
            }
            Ok(Source::Internet(ip, via))
        }
        Endpoint::Unassigned(ip) => Err(QueryError::UnassignedSource(ip)),
        Endpoint::NatGateway(n) => Err(QueryError::NatSource(m.nat_gateways[n.0].id.clone())),
        Endpoint::LoadBalancer(l) => Err(QueryError::LoadBalancerSource(m.load_balancers[l.0].id.clone())),
        Endpoint::TgwAttachment(a) => {
            let ip = from_ip
                .or_else(|| behind_tgw(m, a))
                .ok_or_else(|| QueryError::NoTgwSource(m.tgw_attachments[a.0].id.clone()))?;
            Ok(Source::TgwAttachment(a, ip))
        }
        Endpoint::OnPremises(c, ip) => {
            if matches!(to, Endpoint::OnPremises(..)) {
                return Err(QueryError::BothOnPremises);
            }
            Ok(Source::OnPremises(c, from_ip.unwrap_or(ip)))
        }
    }
}

/// A host behind a transit gateway attachment, for queries that name the attachment: the
/// tenth address of the first block of another VPC attached to the same gateway.
fn behind_tgw(m: &Model, a: TgwAttIx) -> Option<IpAddr> {
    let att = &m.tgw_attachments[a.0];
    m.tgw_attachments
        .iter()
        .filter(|x| x.tgw == att.tgw && x.vpc != att.vpc)
        .find_map(|x| m.vpcs[x.vpc.0].cidrs.first())
        .map(|c| match c.network() {
            IpAddr::V4(n) => IpAddr::V4(std::net::Ipv4Addr::from(u32::from(n).wrapping_add(10))),
            other => other,
        })
}

/// Whether a flow whose source address is not given is IPv6.
///
/// A destination named by an IPv6 address makes an IPv6 flow. So does an internet host
/// asking for an instance or interface, named by id or name, that the internet can reach
/// only over IPv6: one with an IPv6 address and no public IPv4 address. Its private IPv4
/// address is unreachable from the internet by definition, while its IPv6 address is
/// globally routable (vpc/latest/userguide/VPC_Internet_Gateway.html), so that is the
/// question worth answering. A dual-stack destination with a public IPv4 address is still
/// asked over IPv4; name its IPv6 address for the IPv6 answer (`exposure` lists both).
fn wants_ipv6(m: &Model, from: Endpoint, to: Endpoint) -> bool {
    match to {
        Endpoint::Interface { ip: Some(ip), .. }
        | Endpoint::Internet { ip: Some(ip), .. }
        | Endpoint::Unassigned(ip) => ip.is_ipv6(),
        _ if matches!(from, Endpoint::Internet { ip: None, .. }) => ipv6_only_from_internet(m, to),
        _ => false,
    }
}

/// Whether `to` (an instance or a whole interface) has IPv6 addresses but no public IPv4.
fn ipv6_only_from_internet(m: &Model, to: Endpoint) -> bool {
    let enis: &[EniIx] = match &to {
        Endpoint::Instance(i) => &m.instances[i.0].interfaces,
        Endpoint::Interface { eni, ip: None } => std::slice::from_ref(eni),
        _ => &[],
    };
    let ifaces = || enis.iter().map(|e| &m.interfaces[e.0]);
    ifaces().any(|e| !e.ipv6_ips.is_empty()) && ifaces().all(|e| e.public_ips.is_empty())
}

/// The interface's primary private IPv4, or its first IPv6 address for an IPv6 flow.
/// `field` names the side of the query the interface is on, for the error.
fn interface_address(m: &Model, field: &'static str, eni: EniIx, v6: bool) -> Result<IpAddr, QueryError> {
    let e = &m.interfaces[eni.0];
    if v6 {
        e.ipv6_ips
            .first()
            .map(|a| IpAddr::V6(*a))
            .ok_or_else(|| QueryError::NoIpv6 { field, id: e.id.clone() })
    } else {
        Ok(IpAddr::V4(e.primary_ip))
    }
}

fn v4(ip: IpAddr) -> Option<Ipv4Addr> {
    match ip {
        IpAddr::V4(a) => Some(a),
        IpAddr::V6(_) => None,
    }
}

/// The interface an instance sends from, as its operating system would choose: the one
/// whose subnet holds the destination (a connected route), else the primary (device 0,
/// which carries the default route).
fn egress_interface(m: &Model, inst: InstIx, to: Endpoint) -> Option<EniIx> {
    let ifaces = &m.instances[inst.0].interfaces;
    let dst = match to {
        Endpoint::Interface { eni, ip } => ip.or(Some(IpAddr::V4(m.interfaces[eni.0].primary_ip))),
        Endpoint::Instance(i) => {
            m.instances[i.0].interfaces.first().map(|e| IpAddr::V4(m.interfaces[e.0].primary_ip))
        }
        Endpoint::Unassigned(ip) | Endpoint::OnPremises(_, ip) => Some(ip),
        Endpoint::TgwAttachment(a) => behind_tgw(m, a),
        Endpoint::LoadBalancer(l) => {
            m.load_balancers[l.0].nodes.first().map(|n| IpAddr::V4(m.interfaces[n.0].primary_ip))
        }
        Endpoint::NatGateway(n) => Some(IpAddr::V4(m.nat_gateways[n.0].private_ip)),
        Endpoint::Internet { .. } => None,
    };
    dst.and_then(|d| ifaces.iter().copied().find(|e| m.subnets[m.interfaces[e.0].subnet.0].cidr.contains(&d)))
        .or_else(|| ifaces.first().copied())
}

/// What counts as arriving.
#[derive(Debug, Clone, Copy)]
enum Goal {
    Interface(EniIx),
    Internet(Option<IgwIx>),
    OnPremises(VpnIx),
    /// Through this load balancer to one of its targets.
    LoadBalancer(LbIx),
    /// Into the transit gateway through this attachment.
    TgwAttachment(TgwAttIx),
    Unassigned,
}

fn destination(m: &Model, source: &Source, to: Endpoint) -> Result<(IpAddr, Goal), QueryError> {
    let from_internet = matches!(source, Source::Internet(..));
    let v6 = source.address().is_ipv6();
    // From the internet an IPv4 flow is addressed to the public address; IPv6 addresses
    // are public already.
    let pick = |eni: EniIx| -> Result<IpAddr, QueryError> {
        let e = &m.interfaces[eni.0];
        if v6 {
            return interface_address(m, "to", eni, true);
        }
        Ok(match (from_internet, e.public_ips.get(&e.primary_ip).or_else(|| e.public_ips.values().next())) {
            (true, Some(p)) => IpAddr::V4(p.address),
            _ => IpAddr::V4(e.primary_ip),
        })
    };
    let (ip, goal) = match to {
        Endpoint::Instance(i) => {
            let ifaces = &m.instances[i.0].interfaces;
            // From the internet, an instance is reached at a public address if it has one.
            let eni = if from_internet && !v6 {
                ifaces.iter().copied().find(|e| !m.interfaces[e.0].public_ips.is_empty())
            } else if v6 {
                ifaces.iter().copied().find(|e| !m.interfaces[e.0].ipv6_ips.is_empty())
            } else {
                None
            }
            .or_else(|| ifaces.first().copied());
            match eni {
                Some(e) => (pick(e)?, Goal::Interface(e)),
                None => return Err(QueryError::NoInterface { field: "to", id: m.instances[i.0].id.clone() }),
            }
        }
        Endpoint::Interface { eni, ip } => {
            let goal = match m.interfaces[eni.0].load_balancer {
                Some(l) => Goal::LoadBalancer(l),
                None => Goal::Interface(eni),
            };
            (ip.map(Ok).unwrap_or_else(|| pick(eni))?, goal)
        }
        Endpoint::Internet { ip, via } => {
            let default = if v6 { DEFAULT_INTERNET_HOST_V6 } else { DEFAULT_INTERNET_HOST };
            let ip = ip.unwrap_or(default);
            // A NAT64 address of an interface's IPv4 address (64:ff9b::10.0.2.10): a NAT
            // gateway delivers it to that interface (nat-gateway-nat64-dns64.html).
            let inside = match ip {
                IpAddr::V6(a) => walk::nat64_embedded(a).and_then(|v4| {
                    let v4 = IpAddr::V4(v4);
                    match m.vpc_containing(v4).and_then(|vpc| m.holder(vpc, v4)) {
                        Some(crate::model::Holder::Interface(e)) => Some(e),
                        _ => None,
                    }
                }),
                IpAddr::V4(_) => None,
            };
            match inside {
                Some(e) => (ip, Goal::Interface(e)),
                None => (ip, Goal::Internet(via)),
            }
        }
        Endpoint::Unassigned(ip) => (ip, Goal::Unassigned),
        Endpoint::OnPremises(c, ip) => (ip, Goal::OnPremises(c)),
        Endpoint::TgwAttachment(a) => {
            let ip = behind_tgw(m, a)
                .ok_or_else(|| QueryError::NoTgwDestination(m.tgw_attachments[a.0].id.clone()))?;
            (ip, Goal::TgwAttachment(a))
        }
        Endpoint::LoadBalancer(l) => {
            let lb = &m.load_balancers[l.0];
            // A client resolves the load balancer's name to a node; one in its own zone when
            // it is inside the VPC.
            let az = match source {
                Source::Interface(e, _) => Some(&m.subnets[m.interfaces[e.0].subnet.0].az),
                _ => None,
            };
            // Without cross-zone load balancing, DNS leaves out nodes whose zone has no
            // healthy target (network/target-group-health-checks.html).
            let node_az = |n: &EniIx| &m.subnets[m.interfaces[n.0].subnet.0].az;
            let serves = |n: &EniIx| {
                lb.cross_zone
                    || lb.listeners.iter().any(|x| {
                        m.target_groups[x.group.0]
                            .targets
                            .iter()
                            .any(|t| t.healthy && &m.subnets[m.interfaces[t.eni.0].subnet.0].az == node_az(n))
                    })
            };
            let live: Vec<EniIx> = lb.nodes.iter().copied().filter(serves).collect();
            let live = if live.is_empty() { lb.nodes.clone() } else { live };
            let node =
                live.iter().copied().find(|n| Some(node_az(n)) == az).or_else(|| live.first().copied());
            // An internet-facing load balancer's name resolves to public addresses, from
            // anywhere; an internal one's to private addresses.
            let address = |n: EniIx| -> IpAddr {
                let e = &m.interfaces[n.0];
                match e.public_ips.values().next() {
                    Some(p) if lb.internet_facing && !v6 => IpAddr::V4(p.address),
                    _ => IpAddr::V4(e.primary_ip),
                }
            };
            match node {
                Some(n) => (address(n), Goal::LoadBalancer(l)),
                None => return Err(QueryError::NoLoadBalancerNode(lb.id.clone())),
            }
        }
        Endpoint::NatGateway(n) => {
            let nat = &m.nat_gateways[n.0];
            let ip = match (&nat.elastic_ip, from_internet) {
                (Some((_, eip)), true) => IpAddr::V4(*eip),
                _ => IpAddr::V4(nat.private_ip),
            };
            (ip, Goal::Unassigned)
        }
    };
    if ip.is_ipv6() != v6 {
        return Err(QueryError::FamilyMismatch { src: source.address(), dst: ip });
    }
    Ok((ip, goal))
}

impl Goal {
    fn met_by(&self, end: &End) -> bool {
        match (*self, end.at) {
            (Goal::Interface(a), At::Interface(b)) => a == b,
            (Goal::Internet(None), At::Internet(_) | At::Service(_) | At::EgressOnly(_)) => true,
            (Goal::OnPremises(a), At::OnPremises(b)) => a == b,
            (Goal::LoadBalancer(l), At::Interface(_)) => end.lb == Some(l),
            (Goal::TgwAttachment(a), At::TgwAttachment(b)) => a == b,
            (Goal::Internet(Some(g)), At::Internet(via)) => via == Some(g),
            _ => false,
        }
    }

    /// An explanation for arriving somewhere else, when the walk did not already give one.
    fn miss(&self, m: &Model, end: &End) -> Option<Explanation> {
        if end.explained {
            return None;
        }
        let (component, kind, lbl) = match *self {
            Goal::Interface(e) => {
                let (id, name, kind) = m.describe(Entity::NetworkInterface(e));
                (id.to_string(), kind, label(id, name))
            }
            Goal::Internet(Some(g)) => {
                let (id, name, kind) = m.describe(Entity::InternetGateway(g));
                (id.to_string(), kind, label(id, name))
            }
            Goal::OnPremises(c) => {
                let (id, name, kind) = m.describe(Entity::VpnConnection(c));
                (id.to_string(), kind, label(id, name))
            }
            Goal::LoadBalancer(l) => {
                let (id, name, kind) = m.describe(Entity::LoadBalancer(l));
                (id.to_string(), kind, label(id, name))
            }
            Goal::TgwAttachment(a) => {
                let (id, name, kind) = m.describe(Entity::TgwAttachment(a));
                (id.to_string(), kind, label(id, name))
            }
            Goal::Internet(None) | Goal::Unassigned => ("internet".into(), Kind::Internet, "internet".into()),
        };
        let message = match (*self, end.at) {
            // Another connection of the gateway holds the address too, and wins.
            (Goal::OnPremises(_), At::OnPremises(other)) => format!(
                "the virtual private gateway sends traffic for {} over VPN connection {} instead (longest prefix first, then a static route over a BGP one)",
                end.packet.dst, m.vpn_connections[other.0].id
            ),
            _ => "the path does not lead to the destination".into(),
        };
        Some(Explanation {
            code: "CANNOT_ROUTE",
            location: component.clone(),
            component,
            kind,
            label: lbl,
            direction: None,
            path: end.side,
            message,
            fix: None,
        })
    }
}

/// Where a walk ended, with the packet as it arrived there.
#[derive(Debug, Clone, Copy)]
struct End {
    at: At,
    packet: Packet,
    side: PathSide,
    /// The load balancer the packet came through, if any.
    lb: Option<LbIx>,
    /// Whether the walk already explained why it stopped.
    explained: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    Interface(EniIx),
    Internet(Option<IgwIx>),
    /// An AWS service (S3, DynamoDB) reached through a gateway endpoint.
    Service(VpceIx),
    /// The internet, reached over IPv6 through an egress-only internet gateway.
    EgressOnly(EigwIx),
    /// Into a transit gateway through this attachment.
    TgwAttachment(TgwAttIx),
    /// An on-premises network behind a VPN connection.
    OnPremises(VpnIx),
    Nowhere,
}

pub mod codes;
mod walk;
use walk::{Refs, Walk};

/// The trace as plain text, one hop a line: what the CLI prints and golden files compare.
pub fn render(t: &Trace) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(s, "{}", t.summary);
    for (title, hops) in [("forward", &t.forward), ("return", &t.back)] {
        if hops.is_empty() {
            continue;
        }
        let _ = writeln!(s, "{title}:");
        for h in hops {
            let dir = match h.direction {
                Some(Direction::Ingress) => " in",
                Some(Direction::Egress) => " out",
                None => "",
            };
            let act = match h.action {
                Action::Send => "send",
                Action::Allow => "allow",
                Action::Deny => "DENY",
                Action::Route => "route",
                Action::Translate => "nat",
                Action::Accept => "accept",
                Action::Drop => "DROP",
            };
            let _ = writeln!(s, "  {:<8} {} {}{dir}: {}", act, h.kind, h.label, h.detail);
        }
    }
    if !t.flow_logs.is_empty() {
        let _ = writeln!(s, "flow logs:");
        for r in &t.flow_logs {
            let _ = writeln!(s, "  {r}");
        }
    }
    for e in &t.explanations {
        let path = match e.path {
            PathSide::Forward => "forward",
            PathSide::Return => "return",
        };
        let _ = writeln!(s, "blocked ({path}) {} at {} {}: {}", e.code, e.kind, e.label, e.message);
        if let Some(f) = &e.fix {
            let _ = writeln!(s, "  fix: {f}");
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stopping_hop_knows_why_and_a_passing_one_does_not() {
        let (m, _) = crate::model::build(&crate::examples::three_tier());
        let t = reach(&m, &Query::new("i-web1", "i-db", Protocol::Tcp, Some(5432)))
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert!(!t.reachable);
        let stop = t.forward.iter().find(|h| matches!(h.action, Action::Deny | Action::Drop));
        let Some(stop) = stop else { unreachable!("no stopping hop: {:#?}", t.forward) };
        let why = t.why_stopped(stop, false);
        assert!(why.is_some_and(|e| e.component == stop.component && e.fix.is_some()), "{why:?}");
        assert!(t
            .forward
            .iter()
            .filter(|h| h.action == Action::Allow)
            .all(|h| t.why_stopped(h, false).is_none()));
        // The same hop read as a return hop is a different question.
        assert!(t.why_stopped(stop, true).is_none());
        // Up to the block, real; after it, "what if"; the whole return path too.
        let at = t.forward.iter().position(|h| h == stop).unwrap_or_default();
        assert!((0..=at).all(|i| !t.hypothetical(false, i)));
        let after: Vec<bool> = (at + 1..t.forward.len()).map(|i| t.hypothetical(false, i)).collect();
        assert!(!after.is_empty() && after.iter().all(|x| *x), "{after:?}");
        assert!((0..t.back.len()).all(|i| t.hypothetical(true, i)));
        let ok = reach(&m, &Query::new("internet", "i-web1", Protocol::Tcp, Some(443)))
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert!(ok.reachable && (0..ok.forward.len()).all(|i| !ok.hypothetical(false, i)));
    }
}
