//! Building a [`Model`] from a [`Topology`]: validation, resolution of ids, and AWS's
//! implicit resources, one resource kind per method, in dependency order (see [`build`]).

use ipnet::IpNet;
use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr};

use super::*;
use crate::cidr;
use crate::diagnostic::{label, Diagnostic, Diagnostics, Kind, Severity};
use crate::instance_types;
use crate::packet::{IcmpMatch, PortRange, Protocol};
use crate::topology::{self as topo, AclAction, Topology};

/// Validate and resolve a topology.
pub fn build(t: &Topology) -> (Model, Vec<Diagnostic>) {
    // Auto Scaling groups become the instances they run; everything else sees only those.
    let (expanded, scaling) = crate::scaling::expand(t);
    let t: &Topology = &expanded;
    let mut b = Builder {
        t,
        m: Model {
            region: t.region.clone(),
            positions: t.layout.iter().map(|(k, p)| (k.clone(), (p.x, p.y))).collect(),
            ..Model::default()
        },
        d: Diagnostics::default(),
        seen_ids: BTreeSet::new(),
    };
    b.ids();
    b.vpcs();
    b.subnets();
    b.gateways();
    b.egress_only_gateways();
    b.vpn();
    b.peerings();
    b.transit_gateways();
    b.security_groups();
    b.network_acls();
    b.instances();
    b.interfaces();
    b.elastic_ips();
    b.nat_gateways();
    b.services();
    b.gateway_endpoints();
    b.load_balancers();
    b.route_tables();
    b.instance_limits();
    b.index();
    let Builder { m, d, .. } = b;
    let mut diags = d.0;
    diags.extend(scaling);
    explain_left_out(&mut diags);
    diags.sort_by_key(|d| d.severity);
    (m, diags)
}

/// An entity left out of the model for an error of its own makes everything that names it
/// report that it "does not exist": true of the model, but the user sees it right there in
/// the topology, and one typo reads as a cascade of errors. Say instead that it is left
/// out, as a warning pointing at the one error to fix.
fn explain_left_out(diags: &mut [Diagnostic]) {
    let broken: BTreeSet<String> =
        diags.iter().filter(|d| d.severity == Severity::Error).map(|d| d.entity.clone()).collect();
    for d in diags.iter_mut() {
        let Some(named) = d.message.strip_suffix(" does not exist") else { continue };
        // `subnet "subnet-1"`: the id is the last quoted part.
        let Some(id) = named.rsplit('"').nth(1) else { continue };
        if id != d.entity && broken.contains(id) {
            d.message =
                format!("{named} is left out of the analysis because of an error of its own: fix that first");
            d.severity = Severity::Warning;
        }
    }
}

struct Builder<'t> {
    t: &'t Topology,
    m: Model,
    d: Diagnostics,
    seen_ids: BTreeSet<&'t str>,
}

/// The route table or network ACL whose associations are being checked.
struct Owner<'a> {
    kind: Kind,
    id: &'a str,
    name: Option<&'a str>,
    vpc: VpcIx,
    /// Its index in the model's list.
    ix: usize,
}

/// Prefix `ix` with the list name so fields read like `routes[2].target`.
fn at(list: &str, ix: usize, field: &str) -> String {
    format!("{list}[{ix}].{field}")
}

impl<'t> Builder<'t> {
    fn err(
        &mut self,
        kind: Kind,
        id: &str,
        name: Option<&str>,
        field: impl Into<String>,
        msg: impl Into<String>,
    ) {
        self.d.push(Severity::Error, kind, id, name, field, msg);
    }

    fn warn(
        &mut self,
        kind: Kind,
        id: &str,
        name: Option<&str>,
        field: impl Into<String>,
        msg: impl Into<String>,
    ) {
        self.d.push(Severity::Warning, kind, id, name, field, msg);
    }

    /// Ids must be unique across the topology: they are how everything refers to everything.
    fn ids(&mut self) {
        let t = self.t;
        let all = t
            .vpcs
            .iter()
            .map(|x| (Kind::Vpc, &x.id, &x.name))
            .chain(t.subnets.iter().map(|x| (Kind::Subnet, &x.id, &x.name)))
            .chain(t.route_tables.iter().map(|x| (Kind::RouteTable, &x.id, &x.name)))
            .chain(t.internet_gateways.iter().map(|x| (Kind::InternetGateway, &x.id, &x.name)))
            .chain(t.instances.iter().map(|x| (Kind::Instance, &x.id, &x.name)))
            .chain(t.network_interfaces.iter().map(|x| (Kind::NetworkInterface, &x.id, &x.name)))
            .chain(t.elastic_ips.iter().map(|x| (Kind::ElasticIp, &x.id, &x.name)))
            .chain(t.security_groups.iter().map(|x| (Kind::SecurityGroup, &x.id, &x.name)))
            .chain(t.network_acls.iter().map(|x| (Kind::NetworkAcl, &x.id, &x.name)))
            .chain(t.nat_gateways.iter().map(|x| (Kind::NatGateway, &x.id, &x.name)))
            .chain(t.vpc_peering_connections.iter().map(|x| (Kind::VpcPeeringConnection, &x.id, &x.name)))
            .chain(
                t.egress_only_internet_gateways
                    .iter()
                    .map(|x| (Kind::EgressOnlyInternetGateway, &x.id, &x.name)),
            )
            .chain(t.vpc_endpoints.iter().map(|x| (Kind::VpcEndpoint, &x.id, &x.name)))
            .chain(t.vpn_gateways.iter().map(|x| (Kind::VpnGateway, &x.id, &x.name)))
            .chain(t.load_balancers.iter().map(|x| (Kind::LoadBalancer, &x.id, &x.name)))
            .chain(t.target_groups.iter().map(|x| (Kind::TargetGroup, &x.id, &x.name)))
            .chain(t.vpn_connections.iter().map(|x| (Kind::VpnConnection, &x.id, &x.name)))
            .chain(t.transit_gateways.iter().map(|x| (Kind::TransitGateway, &x.id, &x.name)))
            .chain(
                t.transit_gateway_attachments
                    .iter()
                    .map(|x| (Kind::TransitGatewayAttachment, &x.id, &x.name)),
            )
            .chain(
                t.transit_gateway_route_tables
                    .iter()
                    .map(|x| (Kind::TransitGatewayRouteTable, &x.id, &x.name)),
            );
        for (kind, id, name) in all {
            if id.trim().is_empty() {
                self.err(kind, id, name.as_deref(), "id", format!("a {kind} has an empty id"));
            } else if !self.seen_ids.insert(id.as_str()) {
                self.err(
                    kind,
                    id,
                    name.as_deref(),
                    "id",
                    format!("id {id:?} is used by more than one resource"),
                );
            }
        }
    }

    fn vpc_ix(&self, id: &str) -> Option<VpcIx> {
        self.m.vpcs.iter().position(|v| v.id == id).map(VpcIx)
    }

    fn subnet_ix(&self, id: &str) -> Option<SubnetIx> {
        self.m.subnets.iter().position(|s| s.id == id).map(SubnetIx)
    }

    fn sg_ix(&self, id: &str) -> Option<SgIx> {
        self.m.security_groups.iter().position(|s| s.id == id).map(SgIx)
    }

    fn vpcs(&mut self) {
        for v in &self.t.vpcs {
            let name = v.name.as_deref();
            let mut cidrs: Vec<IpNet> = Vec::new();
            if v.cidr_blocks.is_empty() {
                self.err(Kind::Vpc, &v.id, name, "cidr_blocks", "a VPC needs at least one IPv4 CIDR block");
            }
            if v.cidr_blocks.len() > 5 {
                self.warn(
                    Kind::Vpc,
                    &v.id,
                    name,
                    "cidr_blocks",
                    format!("{} CIDR blocks exceed the default quota of 5 per VPC", v.cidr_blocks.len()),
                );
            }
            for (i, c) in v.cidr_blocks.iter().enumerate() {
                let field = format!("cidr_blocks[{i}]");
                let IpNet::V4(c4) = c else {
                    self.err(
                        Kind::Vpc,
                        &v.id,
                        name,
                        field,
                        format!("{c} is IPv6: IPv6 VPC blocks are not supported by this format yet"),
                    );
                    continue;
                };
                if c.trunc() != *c {
                    self.err(
                        Kind::Vpc,
                        &v.id,
                        name,
                        field,
                        format!("{c} has host bits set; did you mean {}?", c.trunc()),
                    );
                    continue;
                }
                if !(16..=28).contains(&c.prefix_len()) {
                    self.err(
                        Kind::Vpc,
                        &v.id,
                        name,
                        field,
                        format!("{c}: a VPC CIDR block must be between /16 and /28"),
                    );
                    continue;
                }
                if let Some(bad) =
                    cidr::FORBIDDEN_VPC_RANGES.iter().find(|r| cidr::overlaps(IpNet::V4(**r), IpNet::V4(*c4)))
                {
                    self.err(
                        Kind::Vpc,
                        &v.id,
                        name,
                        field,
                        format!("{c} overlaps {bad}, which AWS does not allow in a VPC"),
                    );
                    continue;
                }
                if let Some(o) = cidrs.iter().find(|o| cidr::overlaps(**o, *c)) {
                    self.err(
                        Kind::Vpc,
                        &v.id,
                        name,
                        field,
                        format!("{c} overlaps the VPC's other block {o}"),
                    );
                    continue;
                }
                cidrs.push(*c);
            }
            let ipv6 = match v.ipv6_cidr_block {
                None => None,
                Some(IpNet::V4(c)) => {
                    self.err(Kind::Vpc, &v.id, name, "ipv6_cidr_block", format!("{c} is not an IPv6 block"));
                    None
                }
                Some(c) if c.trunc() != c => {
                    let msg = format!("{c} has host bits set; did you mean {}?", c.trunc());
                    self.err(Kind::Vpc, &v.id, name, "ipv6_cidr_block", msg);
                    None
                }
                Some(c) if !(44..=60).contains(&c.prefix_len()) || c.prefix_len() % 4 != 0 => {
                    let msg = format!(
                        "{c}: a VPC's IPv6 block is /44 to /60 in steps of 4 (Amazon provides a /56)"
                    );
                    self.err(Kind::Vpc, &v.id, name, "ipv6_cidr_block", msg);
                    None
                }
                Some(c) => Some(c),
            };
            // Defaults are filled in once tables and groups are known.
            self.m.vpcs.push(Vpc {
                id: v.id.clone(),
                name: v.name.clone(),
                cidrs,
                ipv6,
                region: v.region.clone().unwrap_or_else(|| self.t.region.clone()),
                subnets: Vec::new(),
                main_route_table: RtIx(usize::MAX),
                default_acl: AclIx(usize::MAX),
                default_sg: SgIx(usize::MAX),
                internet_gateway: None,
                egress_only_gateway: None,
            });
        }
    }

    fn subnets(&mut self) {
        for s in &self.t.subnets {
            let name = s.name.as_deref();
            let Some(vpc) = self.vpc_ix(&s.vpc) else {
                self.err(Kind::Subnet, &s.id, name, "vpc", format!("VPC {:?} does not exist", s.vpc));
                continue;
            };
            let c = s.cidr_block;
            if !matches!(c, IpNet::V4(_)) {
                self.err(
                    Kind::Subnet,
                    &s.id,
                    name,
                    "cidr_block",
                    format!("{c} is IPv6: IPv6 subnets are not supported by this format yet"),
                );
                continue;
            }
            if c.trunc() != c {
                self.err(
                    Kind::Subnet,
                    &s.id,
                    name,
                    "cidr_block",
                    format!("{c} has host bits set; did you mean {}?", c.trunc()),
                );
                continue;
            }
            if !cidr::valid_subnet_prefix(c) {
                self.err(
                    Kind::Subnet,
                    &s.id,
                    name,
                    "cidr_block",
                    format!("{c}: a subnet CIDR block must be between /16 and /28"),
                );
                continue;
            }
            let v = &self.m.vpcs[vpc.0];
            if !v.cidrs.iter().any(|vc| vc.contains(&c)) {
                let msg = format!(
                    "{c} is outside VPC {:?} ({})",
                    label(&v.id, v.name.as_deref()),
                    v.cidrs.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
                );
                self.err(Kind::Subnet, &s.id, name, "cidr_block", msg);
                continue;
            }
            if let Some(o) =
                v.subnets.iter().map(|i| &self.m.subnets[i.0]).find(|o| cidr::overlaps(o.cidr, c))
            {
                let msg = format!("{c} overlaps subnet {:?} ({})", label(&o.id, o.name.as_deref()), o.cidr);
                self.err(Kind::Subnet, &s.id, name, "cidr_block", msg);
                continue;
            }
            if s.availability_zone.trim().is_empty() {
                self.err(
                    Kind::Subnet,
                    &s.id,
                    name,
                    "availability_zone",
                    "a subnet needs an Availability Zone",
                );
                continue;
            }
            let region = &self.m.vpcs[vpc.0].region;
            if !s.availability_zone.starts_with(region.as_str()) {
                let msg = format!("Availability Zone {:?} is not in region {region:?}", s.availability_zone);
                self.warn(Kind::Subnet, &s.id, name, "availability_zone", msg);
            }
            let ipv6 = match s.ipv6_cidr_block {
                None => None,
                Some(v6) => {
                    let vb = self.m.vpcs[vpc.0].ipv6;
                    let sibling = self.m.vpcs[vpc.0]
                        .subnets
                        .iter()
                        .filter_map(|i| self.m.subnets[i.0].ipv6.map(|x| (i, x)))
                        .find(|(_, x)| cidr::overlaps(*x, v6))
                        .map(|(i, x)| {
                            (label(&self.m.subnets[i.0].id, self.m.subnets[i.0].name.as_deref()), x)
                        });
                    let problem = match vb {
                        _ if !matches!(v6, IpNet::V6(_)) => Some(format!("{v6} is not an IPv6 block")),
                        None => Some("the VPC has no IPv6 block".to_string()),
                        Some(b) if !b.contains(&v6) => {
                            Some(format!("{v6} is outside the VPC's IPv6 block {b}"))
                        }
                        _ if v6.trunc() != v6 => Some(format!("{v6} has host bits set")),
                        _ if !cidr::valid_subnet_prefix(v6) => {
                            Some(format!("{v6}: an IPv6 subnet is /44 to /64 in steps of 4 (usually /64)"))
                        }
                        _ => sibling.map(|(o, x)| format!("{v6} overlaps subnet {o:?} ({x})")),
                    };
                    match problem {
                        Some(msg) => {
                            self.err(Kind::Subnet, &s.id, name, "ipv6_cidr_block", msg);
                            None
                        }
                        None => Some(v6),
                    }
                }
            };
            let ix = SubnetIx(self.m.subnets.len());
            self.m.vpcs[vpc.0].subnets.push(ix);
            self.m.subnets.push(Subnet {
                id: s.id.clone(),
                name: s.name.clone(),
                vpc,
                az: s.availability_zone.clone(),
                cidr: c,
                ipv6,
                map_public_ip_on_launch: s.map_public_ip_on_launch,
                planned_hosts: s.planned_hosts,
                route_table: RtIx(usize::MAX),
                acl: AclIx(usize::MAX),
                interfaces: Vec::new(),
            });
        }
    }

    fn gateways(&mut self) {
        for g in &self.t.internet_gateways {
            let name = g.name.as_deref();
            let vpc = match &g.vpc {
                None => None,
                Some(v) => match self.vpc_ix(v) {
                    None => {
                        self.err(
                            Kind::InternetGateway,
                            &g.id,
                            name,
                            "vpc",
                            format!("VPC {v:?} does not exist"),
                        );
                        None
                    }
                    Some(vx) => {
                        if let Some(other) = self.m.vpcs[vx.0].internet_gateway {
                            let msg = format!(
                                "VPC {v:?} already has internet gateway {:?}; a VPC can have only one",
                                self.m.internet_gateways[other.0].id
                            );
                            self.err(Kind::InternetGateway, &g.id, name, "vpc", msg);
                            None
                        } else {
                            self.m.vpcs[vx.0].internet_gateway = Some(IgwIx(self.m.internet_gateways.len()));
                            Some(vx)
                        }
                    }
                },
            };
            self.m.internet_gateways.push(InternetGateway { id: g.id.clone(), name: g.name.clone(), vpc });
        }
    }

    /// Virtual private gateways, customer gateways and VPN connections.
    fn vpn(&mut self) {
        let t = self.t;
        for g in &t.vpn_gateways {
            let vpc = match &g.vpc {
                None => None,
                Some(v) => match self.vpc_ix(v) {
                    Some(x) => Some(x),
                    None => {
                        self.err(
                            Kind::VpnGateway,
                            &g.id,
                            g.name.as_deref(),
                            "vpc",
                            format!("VPC {v:?} does not exist"),
                        );
                        None
                    }
                },
            };
            self.m.vpn_gateways.push(VpnGateway { id: g.id.clone(), name: g.name.clone(), vpc });
        }
        for c in &t.vpn_connections {
            let (name, kind) = (c.name.as_deref(), Kind::VpnConnection);
            let Some(vgw) = self.m.vpn_gateways.iter().position(|g| g.id == c.vpn_gateway).map(VgwIx) else {
                let msg = format!("virtual private gateway {:?} does not exist", c.vpn_gateway);
                self.err(kind, &c.id, name, "vpn_gateway", msg);
                continue;
            };
            let Some(cgw) = t.customer_gateways.iter().find(|g| g.id == c.customer_gateway) else {
                let msg = format!("customer gateway {:?} does not exist", c.customer_gateway);
                self.err(kind, &c.id, name, "customer_gateway", msg);
                continue;
            };
            let routes = self.vpn_networks(c, "routes", &c.routes);
            let bgp_routes = self.vpn_networks(c, "bgp_routes", &c.bgp_routes);
            if !c.routes.is_empty() && !c.bgp_routes.is_empty() {
                // The docs let static routes be edited only on a connection configured for
                // static routing (vpn/latest/s2svpn/vpn-edit-static-routes.html).
                let msg = "AWS configures a VPN connection for static routing (routes) or dynamic routing (BGP), not both; vpclab uses both lists, a static route winning over a BGP one of the same prefix";
                self.warn(kind, &c.id, name, "bgp_routes", msg);
            }
            self.m.vpn_connections.push(VpnConnection {
                id: c.id.clone(),
                name: c.name.clone(),
                vgw,
                customer_gateway: (cgw.id.clone(), cgw.ip_address),
                routes,
                bgp_routes,
            });
        }
        self.vpn_ties();
    }

    /// The valid on-premises networks of list `key` (`routes` or `bgp_routes`) of connection
    /// `c`: host bits set is an error; a network overlapping a VPC is left out with a warning.
    fn vpn_networks(&mut self, c: &topo::VpnConnection, key: &str, list: &[IpNet]) -> Vec<IpNet> {
        let (name, kind) = (c.name.as_deref(), Kind::VpnConnection);
        let mut out = Vec::new();
        for (i, r) in list.iter().enumerate() {
            let field = format!("{key}[{i}]");
            let clash =
                self.m.vpcs.iter().find(|v| v.blocks().any(|b| cidr::overlaps(b, *r))).map(|v| v.id.clone());
            if r.trunc() != *r {
                self.err(
                    kind,
                    &c.id,
                    name,
                    field,
                    format!("{r} has host bits set; did you mean {}?", r.trunc()),
                );
            } else if let Some(v) = clash {
                // AWS accepts it; the VPC's local route wins, so the VPN never carries it
                // (vpn/latest/s2svpn/VPNRoutingTypes.html#vpn-route-priority).
                let msg = format!("on-premises network {r} overlaps VPC {v:?}: the VPC's local route wins, so these addresses are never reached over this VPN");
                self.warn(kind, &c.id, name, field, msg);
            } else if !out.contains(r) {
                out.push(*r);
            }
        }
        out
    }

    /// Two connections of one virtual private gateway with the same prefix, both static or
    /// both BGP: AWS compares BGP AS paths, then MEDs, and documents no order between static
    /// routes (vpn/latest/s2svpn/vpn-route-priority.html). vpclab takes the connection listed
    /// first and warns on the later one.
    fn vpn_ties(&mut self) {
        let mut found = Vec::new();
        let conns = &self.m.vpn_connections;
        for (j, c) in conns.iter().enumerate() {
            // The field names the entry in the topology's list, which may hold invalid ones.
            let Some(tc) = self.t.vpn_connections.iter().find(|x| x.id == c.id) else { continue };
            for (net, origin) in c.networks() {
                let first = conns[..j]
                    .iter()
                    .find(|x| x.vgw == c.vgw && x.networks().any(|(n, o)| n == net && o == origin));
                let Some(first) = first else { continue };
                let (key, list, msg) = match origin {
                    VpnOrigin::Static => (
                        "routes",
                        &tc.routes,
                        format!("VPN connection {:?} of the same virtual private gateway also has a static route to {net}; AWS does not document which one carries the traffic: vpclab uses {:?}, listed first", first.id, first.id),
                    ),
                    VpnOrigin::Bgp => (
                        "bgp_routes",
                        &tc.bgp_routes,
                        format!("VPN connection {:?} of the same virtual private gateway also learns {net} over BGP; AWS prefers the shorter AS path, then the lower MED, which vpclab does not model: it uses {:?}, listed first", first.id, first.id),
                    ),
                };
                let i = list.iter().position(|x| *x == net).unwrap_or_default();
                found.push((c.id.clone(), c.name.clone(), format!("{key}[{i}]"), msg));
            }
        }
        for (id, name, field, msg) in found {
            self.warn(Kind::VpnConnection, &id, name.as_deref(), field, msg);
        }
    }

    fn egress_only_gateways(&mut self) {
        for g in &self.t.egress_only_internet_gateways {
            let (name, kind) = (g.name.as_deref(), Kind::EgressOnlyInternetGateway);
            let Some(vpc) = self.vpc_ix(&g.vpc) else {
                self.err(kind, &g.id, name, "vpc", format!("VPC {:?} does not exist", g.vpc));
                continue;
            };
            if let Some(other) = self.m.vpcs[vpc.0].egress_only_gateway {
                let msg = format!(
                    "VPC {:?} already has egress-only internet gateway {:?}",
                    g.vpc, self.m.egress_only_gateways[other.0].id
                );
                self.err(kind, &g.id, name, "vpc", msg);
                continue;
            }
            self.m.vpcs[vpc.0].egress_only_gateway = Some(EigwIx(self.m.egress_only_gateways.len()));
            self.m.egress_only_gateways.push(EgressOnlyGateway {
                id: g.id.clone(),
                name: g.name.clone(),
                vpc,
            });
        }
    }

    fn security_groups(&mut self) {
        // First pass: the groups exist, so rules can reference any of them.
        let mut kept = Vec::new();
        for g in &self.t.security_groups {
            let Some(vpc) = self.vpc_ix(&g.vpc) else {
                self.err(
                    Kind::SecurityGroup,
                    &g.id,
                    g.name.as_deref(),
                    "vpc",
                    format!("VPC {:?} does not exist", g.vpc),
                );
                continue;
            };
            kept.push(g);
            self.m.security_groups.push(SecurityGroup {
                id: g.id.clone(),
                name: g.name.clone(),
                vpc,
                implicit: false,
                inbound: Vec::new(),
                outbound: Vec::new(),
            });
        }
        for (ix, g) in kept.into_iter().enumerate() {
            let vpc = self.m.security_groups[ix].vpc;
            let inbound = self.sg_rules(g, "inbound", &g.inbound, vpc);
            let outbound = self.sg_rules(g, "outbound", &g.outbound, vpc);
            self.m.security_groups[ix].inbound = inbound;
            self.m.security_groups[ix].outbound = outbound;
        }
        // Every VPC has a default group: inbound from its own members, outbound to all.
        for v in 0..self.m.vpcs.len() {
            let existing = self
                .m
                .security_groups
                .iter()
                .position(|g| g.vpc == VpcIx(v) && g.name.as_deref() == Some("default"));
            let ix = match existing {
                Some(i) => SgIx(i),
                None => {
                    let ix = SgIx(self.m.security_groups.len());
                    self.m.security_groups.push(SecurityGroup {
                        id: format!("{}-default-sg", self.m.vpcs[v].id),
                        name: Some("default".into()),
                        vpc: VpcIx(v),
                        implicit: true,
                        inbound: vec![SgRule {
                            protocol: Protocol::All,
                            ports: PortRange::ALL,
                            icmp: IcmpMatch::ALL,
                            peer: SgPeer::Group(ix),
                        }],
                        outbound: std::iter::once(IpNet::V4(ipnet::Ipv4Net::default()))
                            .chain(self.m.vpcs[v].ipv6.map(|_| IpNet::V6(ipnet::Ipv6Net::default())))
                            .map(|c| SgRule {
                                protocol: Protocol::All,
                                ports: PortRange::ALL,
                                icmp: IcmpMatch::ALL,
                                peer: SgPeer::Cidr(c),
                            })
                            .collect(),
                    });
                    ix
                }
            };
            self.m.vpcs[v].default_sg = ix;
        }
    }

    fn sg_rules(
        &mut self,
        g: &topo::SecurityGroup,
        dir: &str,
        rules: &[topo::SgRule],
        vpc: VpcIx,
    ) -> Vec<SgRule> {
        let name = g.name.as_deref();
        if rules.len() > 60 {
            self.warn(
                Kind::SecurityGroup,
                &g.id,
                name,
                dir,
                format!("{} {dir} rules exceed the default quota of 60", rules.len()),
            );
        }
        let mut out = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            let peer = if let Ok(c) = r.peer.parse::<IpNet>() {
                if c.trunc() != c {
                    self.err(
                        Kind::SecurityGroup,
                        &g.id,
                        name,
                        at(dir, i, "peer"),
                        format!("{c} has host bits set; did you mean {}?", c.trunc()),
                    );
                    continue;
                }
                SgPeer::Cidr(c)
            } else if let Some(pl) = self.t.prefix_lists.iter().find(|x| x.id == r.peer) {
                SgPeer::PrefixList(pl.id.clone(), pl.cidrs.clone())
            } else if let Some(s) = self.sg_ix(&r.peer) {
                let other = self.m.security_groups[s.0].vpc;
                let peered = self.m.peering_between(vpc, other).is_some();
                let reachable = peered || (dir == "inbound" && self.m.tgw_referencing_between(vpc, other));
                if other != vpc && !reachable {
                    let msg = format!("security group {:?} is in another VPC; references work only within a VPC, across peering, or in inbound rules across a transit gateway with security group referencing on", r.peer);
                    self.err(Kind::SecurityGroup, &g.id, name, at(dir, i, "peer"), msg);
                    continue;
                }
                if other != vpc && peered && !self.m.same_region(vpc, other) {
                    // AWS refuses the rule. It stays in the model, never matching, so traces
                    // can say why the traffic it was meant for is denied.
                    let o = &self.m.vpcs[other.0];
                    let msg = format!(
                        "security group {:?} is in peer VPC {:?} in Region {:?}: a rule can reference a peer VPC's group only in the same Region ({:?}); use the peer VPC's CIDR block",
                        r.peer,
                        label(&o.id, o.name.as_deref()),
                        o.region,
                        self.m.vpcs[vpc.0].region
                    );
                    self.err(Kind::SecurityGroup, &g.id, name, at(dir, i, "peer"), msg);
                }
                SgPeer::Group(s)
            } else {
                let msg = format!(
                    "{:?} is neither a CIDR block, a prefix list nor an existing security group",
                    r.peer
                );
                self.err(Kind::SecurityGroup, &g.id, name, at(dir, i, "peer"), msg);
                continue;
            };
            let ports = match (r.protocol.has_ports(), r.ports) {
                (true, Some(p)) => p,
                (true, None) => PortRange::ALL,
                (false, p) => {
                    if p.is_some_and(|p| p != PortRange::ALL) && r.protocol == Protocol::All {
                        self.warn(
                            Kind::SecurityGroup,
                            &g.id,
                            name,
                            at(dir, i, "ports"),
                            "ports are ignored when the protocol is all: the rule allows every port",
                        );
                    }
                    PortRange::ALL
                }
            };
            let Some(icmp) = self.icmp_match(
                Kind::SecurityGroup,
                &g.id,
                name,
                (dir, i),
                r.protocol,
                (r.icmp_type, r.icmp_code),
            ) else {
                continue;
            };
            out.push(SgRule { protocol: r.protocol, ports, icmp, peer });
        }
        out
    }

    fn network_acls(&mut self) {
        let mut assoc: BTreeMap<SubnetIx, usize> = BTreeMap::new();
        for a in &self.t.network_acls {
            let name = a.name.as_deref();
            let Some(vpc) = self.vpc_ix(&a.vpc) else {
                self.err(Kind::NetworkAcl, &a.id, name, "vpc", format!("VPC {:?} does not exist", a.vpc));
                continue;
            };
            let ix = AclIx(self.m.network_acls.len());
            let inbound = self.acl_rules(a, "inbound", &a.inbound);
            let outbound = self.acl_rules(a, "outbound", &a.outbound);
            if a.default {
                let v = &self.m.vpcs[vpc.0];
                if v.default_acl.0 != usize::MAX {
                    let msg = format!(
                        "VPC {:?} already has default network ACL {:?}",
                        v.id, self.m.network_acls[v.default_acl.0].id
                    );
                    self.err(Kind::NetworkAcl, &a.id, name, "default", msg);
                } else {
                    self.m.vpcs[vpc.0].default_acl = ix;
                }
            }
            let taken: Vec<String> = self.m.network_acls.iter().map(|x| x.id.clone()).collect();
            let owner = Owner { kind: Kind::NetworkAcl, id: &a.id, name, vpc, ix: ix.0 };
            self.associate(&owner, &a.associations, &mut assoc, &taken);
            self.m.network_acls.push(NetworkAcl {
                id: a.id.clone(),
                name: a.name.clone(),
                vpc,
                default: a.default,
                implicit: false,
                inbound,
                outbound,
            });
        }
        for v in 0..self.m.vpcs.len() {
            if self.m.vpcs[v].default_acl.0 == usize::MAX {
                // AWS creates the default ACL with the VPC: rule 100 allows all, both ways,
                // and rule 101 allows all IPv6 when the VPC has an IPv6 block.
                let mut allow_all = vec![AclRule {
                    number: 100,
                    protocol: Protocol::All,
                    ports: PortRange::ALL,
                    icmp: IcmpMatch::ALL,
                    cidr: IpNet::V4(ipnet::Ipv4Net::default()),
                    allow: true,
                }];
                if self.m.vpcs[v].ipv6.is_some() {
                    allow_all.push(AclRule {
                        number: 101,
                        protocol: Protocol::All,
                        ports: PortRange::ALL,
                        icmp: IcmpMatch::ALL,
                        cidr: IpNet::V6(ipnet::Ipv6Net::default()),
                        allow: true,
                    });
                }
                self.m.vpcs[v].default_acl = AclIx(self.m.network_acls.len());
                self.m.network_acls.push(NetworkAcl {
                    id: format!("{}-default-acl", self.m.vpcs[v].id),
                    name: Some("default".into()),
                    vpc: VpcIx(v),
                    default: true,
                    implicit: true,
                    inbound: allow_all.clone(),
                    outbound: allow_all,
                });
            }
        }
        for s in 0..self.m.subnets.len() {
            let acl = assoc
                .get(&SubnetIx(s))
                .map(|x| AclIx(*x))
                .unwrap_or(self.m.vpcs[self.m.subnets[s].vpc.0].default_acl);
            self.m.subnets[s].acl = acl;
        }
    }

    fn acl_rules(&mut self, a: &topo::NetworkAcl, dir: &str, rules: &[topo::AclEntry]) -> Vec<AclRule> {
        let name = a.name.as_deref();
        let mut out: Vec<AclRule> = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            if !(1..=32766).contains(&r.rule) {
                self.err(
                    Kind::NetworkAcl,
                    &a.id,
                    name,
                    at(dir, i, "rule"),
                    format!("rule number {} is outside 1-32766", r.rule),
                );
                continue;
            }
            if out.iter().any(|o| o.number == r.rule) {
                self.err(
                    Kind::NetworkAcl,
                    &a.id,
                    name,
                    at(dir, i, "rule"),
                    format!("rule number {} is used twice in the {dir} rules", r.rule),
                );
                continue;
            }
            if r.cidr.trunc() != r.cidr {
                self.err(
                    Kind::NetworkAcl,
                    &a.id,
                    name,
                    at(dir, i, "cidr"),
                    format!("{} has host bits set; did you mean {}?", r.cidr, r.cidr.trunc()),
                );
                continue;
            }
            let ports =
                if r.protocol.has_ports() { r.ports.unwrap_or(PortRange::ALL) } else { PortRange::ALL };
            let Some(icmp) = self.icmp_match(
                Kind::NetworkAcl,
                &a.id,
                name,
                (dir, i),
                r.protocol,
                (r.icmp_type, r.icmp_code),
            ) else {
                continue;
            };
            out.push(AclRule {
                number: r.rule,
                protocol: r.protocol,
                ports,
                icmp,
                cidr: r.cidr,
                allow: r.action == AclAction::Allow,
            });
        }
        out.sort_by_key(|r| r.number);
        out
    }

    /// The ICMP messages a rule admits. AWS requires a type whenever a code is given
    /// (security-group-rules.html: "-1 for all types … you must specify all codes"); the
    /// fields mean nothing for other protocols, so they are ignored there with a warning.
    /// `None` when the rule cannot be built.
    fn icmp_match(
        &mut self,
        kind: Kind,
        id: &str,
        name: Option<&str>,
        (dir, i): (&str, usize),
        protocol: Protocol,
        (r#type, code): (Option<u8>, Option<u8>),
    ) -> Option<IcmpMatch> {
        if r#type.is_none() && code.is_none() {
            return Some(IcmpMatch::ALL);
        }
        if !protocol.is_icmp() {
            let field = if r#type.is_some() { "icmp_type" } else { "icmp_code" };
            let msg = format!("an ICMP type or code means nothing for protocol {protocol}: it is ignored");
            self.warn(kind, id, name, at(dir, i, field), msg);
            return Some(IcmpMatch::ALL);
        }
        if r#type.is_none() {
            let msg =
                "an ICMP code needs an ICMP type: give icmp_type, or leave both out for all ICMP messages";
            self.err(kind, id, name, at(dir, i, "icmp_code"), msg);
            return None;
        }
        Some(IcmpMatch { r#type, code })
    }

    /// Explicit subnet associations of a route table or network ACL (`owner`), checked as AWS
    /// does: the subnet exists, is in the owner's VPC, and has no other table (or ACL).
    /// `assoc` maps subnets to owner indexes; `taken` names the owners built so far.
    fn associate(
        &mut self,
        owner: &Owner<'_>,
        subnets: &[String],
        assoc: &mut BTreeMap<SubnetIx, usize>,
        taken: &[String],
    ) {
        let what = owner.kind.noun();
        for (i, s) in subnets.iter().enumerate() {
            let field = format!("associations[{i}]");
            let msg = match self.subnet_ix(s) {
                None => format!("subnet {s:?} does not exist"),
                Some(sx) if self.m.subnets[sx.0].vpc != owner.vpc => {
                    format!("subnet {s:?} is in another VPC")
                }
                Some(sx) => match assoc.insert(sx, owner.ix) {
                    None => continue,
                    Some(prev) => {
                        assoc.insert(sx, prev);
                        if prev == owner.ix {
                            format!("subnet {s:?} is listed twice")
                        } else {
                            let other = taken.get(prev).map_or(owner.id, String::as_str);
                            format!("subnet {s:?} is already associated with {what} {other:?}; a subnet has exactly one")
                        }
                    }
                },
            };
            self.err(owner.kind, owner.id, owner.name, field, msg);
        }
    }

    fn route_tables(&mut self) {
        let mut assoc: BTreeMap<SubnetIx, usize> = BTreeMap::new();
        for r in &self.t.route_tables {
            let name = r.name.as_deref();
            let Some(vpc) = self.vpc_ix(&r.vpc) else {
                self.err(Kind::RouteTable, &r.id, name, "vpc", format!("VPC {:?} does not exist", r.vpc));
                continue;
            };
            let ix = RtIx(self.m.route_tables.len());
            if r.main {
                let v = &self.m.vpcs[vpc.0];
                if v.main_route_table.0 != usize::MAX {
                    let msg = format!(
                        "VPC {:?} already has main route table {:?}",
                        v.id, self.m.route_tables[v.main_route_table.0].id
                    );
                    self.err(Kind::RouteTable, &r.id, name, "main", msg);
                } else {
                    self.m.vpcs[vpc.0].main_route_table = ix;
                }
            }
            let taken: Vec<String> = self.m.route_tables.iter().map(|x| x.id.clone()).collect();
            let owner = Owner { kind: Kind::RouteTable, id: &r.id, name, vpc, ix: ix.0 };
            self.associate(&owner, &r.associations, &mut assoc, &taken);
            let mut routes = self.routes(r, vpc);
            // Each gateway endpoint associated with this table adds its prefix list's routes.
            for (v, e) in self.m.gateway_endpoints.iter().enumerate() {
                let associated =
                    self.t.vpc_endpoints.iter().any(|x| x.id == e.id && x.route_tables.contains(&r.id));
                if !associated {
                    continue;
                }
                for c in &e.prefix_list.1 {
                    if !routes.iter().any(|x| x.destination == *c) {
                        routes.push(Route {
                            destination: *c,
                            target: Target::GatewayEndpoint(VpceIx(v)),
                            implicit: true,
                            propagated: false,
                            prefix_list: None,
                        });
                    }
                }
            }
            // Route propagation: each VPN connection's static routes and the prefixes its
            // customer gateway advertises over BGP, from each propagating virtual private
            // gateway attached to this VPC. A static route of the table wins a tie with them
            // (route-tables-priority.html); the gateway then picks the connection.
            for (i, g) in r.propagating_gateways.iter().enumerate() {
                let field = format!("propagating_gateways[{i}]");
                let Some(gx) = self.m.vpn_gateways.iter().position(|x| x.id == *g) else {
                    let msg = format!("virtual private gateway {g:?} does not exist");
                    self.err(Kind::RouteTable, &r.id, r.name.as_deref(), field, msg);
                    continue;
                };
                if self.m.vpn_gateways[gx].vpc != Some(vpc) {
                    let msg = format!("virtual private gateway {g:?} is not attached to this VPC");
                    self.err(Kind::RouteTable, &r.id, r.name.as_deref(), field, msg);
                    continue;
                }
                let cidrs: Vec<IpNet> = self
                    .m
                    .vpn_connections
                    .iter()
                    .filter(|c| c.vgw.0 == gx)
                    .flat_map(|c| c.networks().map(|(n, _)| n))
                    .collect();
                for c in cidrs {
                    if !routes.iter().any(|x| x.destination == c) {
                        let target = Target::VpnGateway(VgwIx(gx));
                        routes.push(Route {
                            destination: c,
                            target,
                            implicit: true,
                            propagated: true,
                            prefix_list: None,
                        });
                    }
                }
            }
            self.m.route_tables.push(RouteTable {
                id: r.id.clone(),
                name: r.name.clone(),
                vpc,
                main: r.main,
                implicit: false,
                routes,
            });
        }
        for v in 0..self.m.vpcs.len() {
            if self.m.vpcs[v].main_route_table.0 == usize::MAX {
                let routes = self.local_routes(VpcIx(v));
                self.m.vpcs[v].main_route_table = RtIx(self.m.route_tables.len());
                self.m.route_tables.push(RouteTable {
                    id: format!("{}-main-rtb", self.m.vpcs[v].id),
                    name: Some("main".into()),
                    vpc: VpcIx(v),
                    main: true,
                    implicit: true,
                    routes,
                });
            }
        }
        for s in 0..self.m.subnets.len() {
            let rt = assoc
                .get(&SubnetIx(s))
                .map(|x| RtIx(*x))
                .unwrap_or(self.m.vpcs[self.m.subnets[s].vpc.0].main_route_table);
            self.m.subnets[s].route_table = rt;
        }
    }

    fn local_routes(&self, vpc: VpcIx) -> Vec<Route> {
        self.m.vpcs[vpc.0]
            .blocks()
            .map(|c| Route {
                destination: c,
                target: Target::Local,
                implicit: true,
                propagated: false,
                prefix_list: None,
            })
            .collect()
    }

    /// The table's routes: implicit `local` ones first, then the user's, checked as AWS
    /// checks them on CreateRoute (vpc/latest/userguide/route-table-options.html).
    fn routes(&mut self, r: &topo::RouteTable, vpc: VpcIx) -> Vec<Route> {
        let name = r.name.as_deref();
        let mut out = self.local_routes(vpc);
        for (i, route) in r.routes.iter().enumerate() {
            let topo::RouteDestination::Cidr(d) = route.destination else { continue };
            let field = at("routes", i, "destination");
            if d.trunc() != d {
                self.err(
                    Kind::RouteTable,
                    &r.id,
                    name,
                    field,
                    format!("{d} has host bits set; did you mean {}?", d.trunc()),
                );
                continue;
            }
            if route.target == "local" {
                if !self.m.vpcs[vpc.0].blocks().any(|c| c == d) {
                    let msg = format!(
                        "a local route must have one of the VPC's CIDR blocks as destination, not {d}"
                    );
                    self.err(Kind::RouteTable, &r.id, name, field, msg);
                }
                continue; // the implicit local route is already there
            }
            let Some(target) = self.route_target_or_blackhole(r, i, vpc, route) else { continue };
            if let Some(k) = out.iter().position(|o| o.destination == d) {
                // The local route's target may be replaced by a network interface or a NAT
                // gateway, to inspect all traffic between subnets
                // (vpc/latest/userguide/route-table-options.html).
                let local = out[k].target == Target::Local;
                if local && matches!(target, Target::NatGateway(_) | Target::Interface(_)) {
                    out[k] = Route {
                        destination: d,
                        target,
                        implicit: false,
                        propagated: false,
                        prefix_list: None,
                    };
                    continue;
                }
                let msg = if local {
                    format!("{d} is the VPC's local range: only a network interface or a NAT gateway can replace the local route's target")
                } else {
                    format!("{d} appears twice in the table")
                };
                self.err(Kind::RouteTable, &r.id, name, field, msg);
                continue;
            }
            if self.m.vpcs[vpc.0].blocks().any(|c| c.contains(&d)) {
                // Middlebox routing: a subnet's exact range to an appliance or NAT gateway
                // (vpc/latest/userguide/route-table-options.html#route-tables-middlebox).
                let whole_subnet = self.m.vpcs[vpc.0]
                    .subnets
                    .iter()
                    .any(|s| self.m.subnets[s.0].cidr == d || self.m.subnets[s.0].ipv6 == Some(d));
                let middlebox = matches!(target, Target::NatGateway(_) | Target::Interface(_));
                if !(whole_subnet && middlebox) {
                    let msg = format!("{d} is inside the VPC's local range: only a subnet's exact range may be routed, and only to a NAT gateway or a network interface");
                    self.err(Kind::RouteTable, &r.id, name, field, msg);
                    continue;
                }
            }
            out.push(Route { destination: d, target, implicit: false, propagated: false, prefix_list: None });
        }
        self.prefix_list_routes(r, vpc, &mut out);
        out
    }

    /// The table's prefix-list routes, after its CIDR routes: one route per entry of the
    /// list, unless a CIDR route has that exact destination, which wins
    /// (vpc/latest/userguide/route-tables-priority.html#route-priority-managed-prefix-list).
    fn prefix_list_routes(&mut self, r: &topo::RouteTable, vpc: VpcIx, out: &mut Vec<Route>) {
        let name = r.name.as_deref();
        let mut seen: Vec<&str> = Vec::new();
        for (i, route) in r.routes.iter().enumerate() {
            let topo::RouteDestination::PrefixList(id) = &route.destination else { continue };
            let field = at("routes", i, "destination");
            let Some(list) = self.t.prefix_lists.iter().find(|p| &p.id == id) else {
                let msg = format!("prefix list {id:?} is not among the topology's prefix_lists");
                self.err(Kind::RouteTable, &r.id, name, field, msg);
                continue;
            };
            if seen.contains(&id.as_str()) {
                self.err(Kind::RouteTable, &r.id, name, field, format!("{id} appears twice in the table"));
                continue;
            }
            seen.push(id);
            let Some(target) = self.route_target_or_blackhole(r, i, vpc, route) else { continue };
            for &c in &list.cidrs {
                if self.m.vpcs[vpc.0].blocks().any(|b| b.contains(&c) || c.contains(&b.network())) {
                    let msg =
                        format!("entry {c} of {id} overlaps the VPC's local range; AWS refuses such a route");
                    self.err(Kind::RouteTable, &r.id, name, field.clone(), msg);
                    continue;
                }
                if out.iter().any(|o| o.destination == c) {
                    continue; // a CIDR route of the same prefix wins
                }
                let prefix_list = Some(id.clone());
                out.push(Route {
                    destination: c,
                    target: target.clone(),
                    implicit: false,
                    propagated: false,
                    prefix_list,
                });
            }
        }
    }

    /// A route's target: a blackhole route stays as AWS shows it, in state blackhole, dropping
    /// traffic; otherwise the target is resolved, and `None` means AWS would refuse the route.
    fn route_target_or_blackhole(
        &mut self,
        r: &topo::RouteTable,
        i: usize,
        vpc: VpcIx,
        route: &topo::Route,
    ) -> Option<Target> {
        if route.blackhole {
            Some(Target::Blackhole(route.target.clone()))
        } else {
            self.route_target(r, i, vpc, &route.target)
        }
    }

    /// Resolve a route target by id, as AWS's CreateRoute would accept it for this table.
    /// `None` when AWS would refuse the route (the target exists but cannot serve this
    /// table); a target that does not exist is a blackhole, as AWS shows a deleted one.
    fn route_target(&mut self, r: &topo::RouteTable, i: usize, vpc: VpcIx, target: &str) -> Option<Target> {
        let name = r.name.as_deref();
        let field = at("routes", i, "target");
        let m = &self.m;
        let vpc_id = m.vpcs[vpc.0].id.clone();
        let (resolved, problem) = if let Some(g) = m.internet_gateways.iter().position(|g| g.id == target) {
            if m.internet_gateways[g].vpc == Some(vpc) {
                (Some(Target::InternetGateway(IgwIx(g))), None)
            } else {
                (None, Some(format!("internet gateway {target:?} is not attached to VPC {vpc_id:?}")))
            }
        } else if let Some(n) = m.nat_gateways.iter().position(|n| n.id == target) {
            if m.nat_gateways[n].vpc == vpc {
                (Some(Target::NatGateway(NatIx(n))), None)
            } else {
                (None, Some(format!("NAT gateway {target:?} is in another VPC")))
            }
        } else if let Some(e) = m.interfaces.iter().position(|e| e.id == target) {
            if m.interfaces[e].vpc == vpc {
                (Some(Target::Interface(EniIx(e))), None)
            } else {
                (None, Some(format!("network interface {target:?} is in another VPC")))
            }
        } else if let Some(x) = m.instances.iter().position(|x| x.id == target) {
            match m.instances[x].interfaces.as_slice() {
                [e] if m.interfaces[e.0].vpc == vpc => (Some(Target::Interface(*e)), None),
                [_] => (None, Some(format!("instance {target:?} is in another VPC"))),
                _ => (None, Some(format!("instance {target:?} has several network interfaces: a route must name one of them (eni-…)"))),
            }
        } else if let Some(g) = m.vpn_gateways.iter().position(|g| g.id == target) {
            if m.vpn_gateways[g].vpc == Some(vpc) {
                (Some(Target::VpnGateway(VgwIx(g))), None)
            } else {
                (None, Some(format!("virtual private gateway {target:?} is not attached to VPC {vpc_id:?}")))
            }
        } else if let Some(g) = m.egress_only_gateways.iter().position(|g| g.id == target) {
            if m.egress_only_gateways[g].vpc == vpc {
                (Some(Target::EgressOnlyGateway(EigwIx(g))), None)
            } else {
                (None, Some(format!("egress-only internet gateway {target:?} is in another VPC")))
            }
        } else if let Some(t) = m.transit_gateways.iter().position(|t| t.id == target) {
            if m.tgw_attachments.iter().any(|a| a.tgw == TgwIx(t) && a.vpc == vpc) {
                (Some(Target::TransitGateway(TgwIx(t))), None)
            } else {
                (None, Some(format!("VPC {vpc_id:?} has no attachment to transit gateway {target:?}")))
            }
        } else if let Some(p) = m.peerings.iter().position(|p| p.id == target) {
            if m.peerings[p].other(vpc).is_some() {
                (Some(Target::Peering(PcxIx(p))), None)
            } else {
                (None, Some(format!("peering connection {target:?} does not connect VPC {vpc_id:?}")))
            }
        } else if target.is_empty() {
            (
                None,
                Some(
                    "choose where this route sends traffic (its target); until then it drops it".to_string(),
                ),
            )
        } else {
            (None, Some(format!("target {target:?} does not exist; AWS shows such a route as blackhole and drops its traffic")))
        };
        // Ids of every resource in the topology: a target not among them was deleted.
        let missing = !self.seen_ids.contains(target);
        if let Some(msg) = problem {
            self.err(Kind::RouteTable, &r.id, name, field, msg);
        }
        match resolved {
            Some(t) => Some(t),
            None if missing => Some(Target::Blackhole(target.to_string())),
            None => None,
        }
    }

    /// Transit gateways, their route tables and VPC attachments; then each table's routes:
    /// static ones, and the propagated CIDRs of the attachments that propagate to it.
    fn transit_gateways(&mut self) {
        let t = self.t;
        for g in &t.transit_gateways {
            self.m.transit_gateways.push(TransitGateway {
                id: g.id.clone(),
                name: g.name.clone(),
                security_group_referencing: g.security_group_referencing,
            });
        }
        let tgw_ix = |m: &Model, id: &str| m.transit_gateways.iter().position(|g| g.id == id).map(TgwIx);
        let mut defaults: BTreeMap<TgwIx, TgwRtIx> = BTreeMap::new();
        for r in &t.transit_gateway_route_tables {
            let Some(g) = tgw_ix(&self.m, &r.transit_gateway) else {
                let msg = format!("transit gateway {:?} does not exist", r.transit_gateway);
                self.err(Kind::TransitGatewayRouteTable, &r.id, r.name.as_deref(), "transit_gateway", msg);
                continue;
            };
            let ix = TgwRtIx(self.m.tgw_route_tables.len());
            if r.default && *defaults.entry(g).or_insert(ix) != ix {
                let msg = "the transit gateway already has a default route table";
                self.err(Kind::TransitGatewayRouteTable, &r.id, r.name.as_deref(), "default", msg);
            }
            self.m.tgw_route_tables.push(TgwRouteTable {
                id: r.id.clone(),
                name: r.name.clone(),
                tgw: g,
                routes: Vec::new(),
            });
        }
        let rt_ix = |m: &Model, g: TgwIx, id: &str| {
            m.tgw_route_tables.iter().position(|r| r.id == id && r.tgw == g).map(TgwRtIx)
        };
        let mut propagations: Vec<(TgwAttIx, Vec<TgwRtIx>)> = Vec::new();
        for a in &t.transit_gateway_attachments {
            let name = a.name.as_deref();
            let kind = Kind::TransitGatewayAttachment;
            let Some(g) = tgw_ix(&self.m, &a.transit_gateway) else {
                self.err(
                    kind,
                    &a.id,
                    name,
                    "transit_gateway",
                    format!("transit gateway {:?} does not exist", a.transit_gateway),
                );
                continue;
            };
            let Some(vpc) = self.vpc_ix(&a.vpc) else {
                self.err(kind, &a.id, name, "vpc", format!("VPC {:?} does not exist", a.vpc));
                continue;
            };
            if self.m.tgw_attachments.iter().any(|x| x.tgw == g && x.vpc == vpc) {
                let msg = format!("VPC {:?} is already attached to this transit gateway", a.vpc);
                self.err(kind, &a.id, name, "vpc", msg);
                continue;
            }
            // A transit gateway is regional: it lives in the topology's Region and attaches
            // only VPCs there (another Region needs a transit gateway peering, not modelled).
            if self.m.vpcs[vpc.0].region != self.t.region {
                let msg = format!(
                    "VPC {:?} is in Region {:?} and the transit gateway in {:?}: a transit gateway attaches only VPCs of its own Region",
                    a.vpc, self.m.vpcs[vpc.0].region, self.t.region
                );
                self.err(kind, &a.id, name, "vpc", msg);
                continue;
            }
            let mut subnets: Vec<SubnetIx> = Vec::new();
            for (i, s) in a.subnets.iter().enumerate() {
                let field = format!("subnets[{i}]");
                match self.subnet_ix(s) {
                    None => self.err(kind, &a.id, name, field, format!("subnet {s:?} does not exist")),
                    Some(sx) if self.m.subnets[sx.0].vpc != vpc => {
                        self.err(kind, &a.id, name, field, format!("subnet {s:?} is not in VPC {:?}", a.vpc))
                    }
                    Some(sx) if subnets.iter().any(|o| self.m.subnets[o.0].az == self.m.subnets[sx.0].az) => {
                        let msg = format!("a VPC attachment has one subnet per Availability Zone; {s:?} is a second one in {}", self.m.subnets[sx.0].az);
                        self.err(kind, &a.id, name, field, msg);
                    }
                    Some(sx) => subnets.push(sx),
                }
            }
            if subnets.is_empty() {
                self.err(
                    kind,
                    &a.id,
                    name,
                    "subnets",
                    "a VPC attachment needs a subnet in at least one Availability Zone",
                );
            }
            let gw = &t.transit_gateways.iter().find(|x| x.id == a.transit_gateway);
            let route_table = match &a.route_table {
                Some(r) => match rt_ix(&self.m, g, r) {
                    Some(x) => Some(x),
                    None => {
                        let msg = format!(
                            "route table {r:?} is not a route table of transit gateway {:?}",
                            a.transit_gateway
                        );
                        self.err(kind, &a.id, name, "route_table", msg);
                        None
                    }
                },
                None if gw.is_some_and(|x| x.default_route_table_association) => defaults.get(&g).copied(),
                None => None,
            };
            let props = match &a.propagations {
                Some(list) => {
                    let mut out = Vec::new();
                    for (i, r) in list.iter().enumerate() {
                        match rt_ix(&self.m, g, r) {
                            Some(x) => out.push(x),
                            None => {
                                let msg = format!(
                                    "route table {r:?} is not a route table of transit gateway {:?}",
                                    a.transit_gateway
                                );
                                self.err(kind, &a.id, name, format!("propagations[{i}]"), msg);
                            }
                        }
                    }
                    out
                }
                None if gw.is_some_and(|x| x.default_route_table_propagation) => {
                    defaults.get(&g).copied().into_iter().collect()
                }
                None => Vec::new(),
            };
            let ix = TgwAttIx(self.m.tgw_attachments.len());
            propagations.push((ix, props));
            self.m.tgw_attachments.push(TgwAttachment {
                id: a.id.clone(),
                name: a.name.clone(),
                tgw: g,
                vpc,
                subnets,
                route_table,
            });
        }
        // Static routes, then propagated ones (a static route wins a tie, so it is kept).
        for (ri, r) in t.transit_gateway_route_tables.iter().enumerate() {
            let Some(rx) = self.m.tgw_route_tables.iter().position(|x| x.id == r.id).map(TgwRtIx) else {
                continue;
            };
            let _ = ri;
            let g = self.m.tgw_route_tables[rx.0].tgw;
            let mut routes = Vec::new();
            for (i, route) in r.routes.iter().enumerate() {
                let field = format!("routes[{i}]");
                let attachment = match (&route.attachment, route.blackhole) {
                    (_, true) => None,
                    (None, false) => {
                        let msg = "a static route needs an attachment, or blackhole: true";
                        self.err(Kind::TransitGatewayRouteTable, &r.id, r.name.as_deref(), field, msg);
                        continue;
                    }
                    (Some(a), false) => {
                        match self.m.tgw_attachments.iter().position(|x| x.id == *a && x.tgw == g) {
                            Some(x) => Some(TgwAttIx(x)),
                            None => {
                                let msg =
                                    format!("attachment {a:?} is not an attachment of this transit gateway");
                                self.err(
                                    Kind::TransitGatewayRouteTable,
                                    &r.id,
                                    r.name.as_deref(),
                                    format!("{field}.attachment"),
                                    msg,
                                );
                                continue;
                            }
                        }
                    }
                };
                if routes.iter().any(|x: &TgwRoute| x.destination == route.destination) {
                    let msg = format!("{} appears twice", route.destination);
                    self.err(Kind::TransitGatewayRouteTable, &r.id, r.name.as_deref(), field, msg);
                    continue;
                }
                routes.push(TgwRoute { destination: route.destination, attachment, propagated: false });
            }
            self.m.tgw_route_tables[rx.0].routes = routes;
        }
        for (a, tables) in propagations {
            let cidrs: Vec<IpNet> = self.m.vpcs[self.m.tgw_attachments[a.0].vpc.0].blocks().collect();
            for rt in tables {
                for c in &cidrs {
                    let routes = &mut self.m.tgw_route_tables[rt.0].routes;
                    if !routes.iter().any(|x| x.destination == *c) {
                        routes.push(TgwRoute { destination: *c, attachment: Some(a), propagated: true });
                    }
                }
            }
        }
    }

    /// The address ranges of the services gateway endpoints serve, whether or not an
    /// endpoint exists: `s3` and `dynamodb` name them in queries either way.
    fn services(&mut self) {
        for service in ["s3", "dynamodb"] {
            let (prefix_list, illustrative) = match service_prefix_list(self.t, service) {
                Some(list) => (list, false),
                None => (illustrative_prefix_list(service), true),
            };
            self.m.services.push(ServiceRanges { service: service.to_string(), prefix_list, illustrative });
        }
    }

    /// Gateway endpoints (S3, DynamoDB) and the prefix lists they route to. Interface
    /// endpoints are not modelled yet.
    fn gateway_endpoints(&mut self) {
        let t = self.t;
        for e in &t.vpc_endpoints {
            let (name, kind) = (e.name.as_deref(), Kind::VpcEndpoint);
            if e.endpoint_type == "interface" {
                self.interface_endpoint(e);
                continue;
            }
            if e.endpoint_type != "gateway" {
                let msg = format!("endpoint type {:?}: expected gateway or interface", e.endpoint_type);
                self.err(kind, &e.id, name, "type", msg);
                continue;
            }
            let Some(vpc) = self.vpc_ix(&e.vpc) else {
                self.err(kind, &e.id, name, "vpc", format!("VPC {:?} does not exist", e.vpc));
                continue;
            };
            let service = e.service.rsplit('.').next().unwrap_or_default().to_ascii_lowercase();
            if service != "s3" && service != "dynamodb" {
                let msg = format!("gateway endpoints exist for s3 and dynamodb only, not {:?}", e.service);
                self.err(kind, &e.id, name, "service", msg);
                continue;
            }
            let full = format!("com.amazonaws.{}.{service}", t.region);
            let prefix_list = match service_prefix_list(t, &service) {
                Some(list) => list,
                None => {
                    let (id, cidrs) = illustrative_prefix_list(&service);
                    let shown = cidrs.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
                    let msg = format!("no prefix list named {full:?} in the topology: using vpclab's illustrative ranges for {service} ({shown}); the real ones come from `aws ec2 describe-prefix-lists`");
                    self.warn(kind, &e.id, name, "service", msg);
                    (id, cidrs)
                }
            };
            for (i, r) in e.route_tables.iter().enumerate() {
                match t.route_tables.iter().find(|x| x.id == *r) {
                    None => self.err(
                        kind,
                        &e.id,
                        name,
                        format!("route_tables[{i}]"),
                        format!("route table {r:?} does not exist"),
                    ),
                    Some(x) if x.vpc != e.vpc => self.err(
                        kind,
                        &e.id,
                        name,
                        format!("route_tables[{i}]"),
                        format!("route table {r:?} is in another VPC"),
                    ),
                    Some(_) => {}
                }
            }
            self.m.gateway_endpoints.push(GatewayEndpoint {
                id: e.id.clone(),
                name: e.name.clone(),
                vpc,
                service,
                prefix_list,
            });
        }
    }

    /// An interface endpoint: a network interface in each of its subnets, at the first free
    /// address, with its security groups.
    fn interface_endpoint(&mut self, e: &topo::VpcEndpoint) {
        let (name, kind) = (e.name.as_deref(), Kind::VpcEndpoint);
        let Some(vpc) = self.vpc_ix(&e.vpc) else {
            self.err(kind, &e.id, name, "vpc", format!("VPC {:?} does not exist", e.vpc));
            return;
        };
        let mut groups = Vec::new();
        for (i, g) in e.security_groups.iter().enumerate() {
            match self.sg_ix(g) {
                Some(gx) if self.m.security_groups[gx.0].vpc == vpc => groups.push(gx),
                _ => {
                    let msg = format!("security group {g:?} does not exist in the endpoint's VPC");
                    self.err(kind, &e.id, name, format!("security_groups[{i}]"), msg);
                }
            }
        }
        if e.security_groups.is_empty() {
            groups.push(self.m.vpcs[vpc.0].default_sg);
        }
        let service = e.service.rsplit('.').next().unwrap_or_default().to_string();
        let mut azs: BTreeSet<String> = BTreeSet::new();
        for (i, s) in e.subnets.iter().enumerate() {
            let field = format!("subnets[{i}]");
            let Some(sx) = self.subnet_ix(s).filter(|x| self.m.subnets[x.0].vpc == vpc) else {
                self.err(
                    kind,
                    &e.id,
                    name,
                    field,
                    format!("subnet {s:?} does not exist in the endpoint's VPC"),
                );
                continue;
            };
            let (az, cidr) = (self.m.subnets[sx.0].az.clone(), self.m.subnets[sx.0].cidr);
            if !azs.insert(az.clone()) {
                let msg = format!("an interface endpoint has one subnet per Availability Zone; {s:?} is a second one in {az}");
                self.err(kind, &e.id, name, field, msg);
                continue;
            }
            let Some(ip) = first_free(&self.m, vpc, cidr) else {
                self.err(kind, &e.id, name, field, format!("subnet {s:?} has no free address"));
                continue;
            };
            let eix = EniIx(self.m.interfaces.len());
            self.m.subnets[sx.0].interfaces.push(eix);
            self.m.interfaces.push(Interface {
                id: format!("{}-{az}", e.id),
                name: Some(format!("{service} endpoint ({az})")),
                subnet: sx,
                vpc,
                primary_ip: ip,
                secondary_ips: Vec::new(),
                ipv6_ips: Vec::new(),
                public_ips: BTreeMap::new(),
                security_groups: groups.clone(),
                source_dest_check: true,
                attachment: None,
                endpoint: Some(e.id.clone()),
                load_balancer: None,
                mac_address: None,
            });
            self.m.reindex_addresses();
        }
        if e.subnets.is_empty() {
            self.err(
                kind,
                &e.id,
                name,
                "subnets",
                "an interface endpoint needs a subnet in at least one Availability Zone",
            );
        }
    }

    /// Target groups (targets resolved to interfaces), then load balancers with a node
    /// interface in each subnet and their listeners.
    fn load_balancers(&mut self) {
        let t = self.t;
        for g in &t.target_groups {
            let (name, kind) = (g.name.as_deref(), Kind::TargetGroup);
            let mut targets = Vec::new();
            for (i, x) in g.targets.iter().enumerate() {
                let field = format!("targets[{i}]");
                let port = x.port.unwrap_or(g.port);
                let resolved = if g.target_type == "ip" {
                    x.id.parse::<IpAddr>()
                        .ok()
                        .and_then(|ip| self.m.interface_with_private_ip(ip).map(|e| (e, ip)))
                } else {
                    self.m
                        .instances
                        .iter()
                        .find(|n| n.id == x.id)
                        .and_then(|n| n.interfaces.first().copied())
                        .map(|e| (e, IpAddr::V4(self.m.interfaces[e.0].primary_ip)))
                };
                match resolved {
                    // A target on a stopped instance is not used (its health is `unused`,
                    // Target.InvalidState), not even when the group fails open
                    // (elasticloadbalancing/latest/application/target-group-health-checks.html).
                    Some((eni, _)) if self.m.stopped_instance(&self.m.interfaces[eni.0]).is_some() => {
                        let msg = format!(
                            "target {:?} is on a stopped instance: the load balancer does not use it",
                            x.id
                        );
                        self.warn(kind, &g.id, name, field, msg);
                    }
                    Some((eni, ip)) => targets.push(LbTarget { eni, ip, port, healthy: x.healthy }),
                    None => {
                        let what = if g.target_type == "ip" {
                            "an address of a network interface"
                        } else {
                            "an instance with a network interface"
                        };
                        self.err(kind, &g.id, name, field, format!("target {:?} is not {what}", x.id));
                    }
                }
            }
            let preserve = g.preserve_client_ip.unwrap_or(g.target_type != "ip");
            self.m.target_groups.push(TargetGroup {
                id: g.id.clone(),
                name: g.name.clone(),
                port: g.port,
                targets,
                preserve_client_ip: preserve,
            });
        }
        let mut public_next: u8 = 10;
        for lb in &t.load_balancers {
            let (name, kind) = (lb.name.as_deref(), Kind::LoadBalancer);
            let application = match lb.lb_type.as_str() {
                "application" => true,
                "network" => false,
                other => {
                    self.err(
                        kind,
                        &lb.id,
                        name,
                        "type",
                        format!("load balancer type {other:?}: expected application or network"),
                    );
                    continue;
                }
            };
            let Some(vpc) = self.vpc_ix(&lb.vpc) else {
                self.err(kind, &lb.id, name, "vpc", format!("VPC {:?} does not exist", lb.vpc));
                continue;
            };
            let internet_facing = lb.scheme != "internal";
            let mut groups: Vec<SgIx> = Vec::new();
            for (i, g) in lb.security_groups.iter().enumerate() {
                match self.sg_ix(g).filter(|x| self.m.security_groups[x.0].vpc == vpc) {
                    Some(x) => groups.push(x),
                    None => self.err(
                        kind,
                        &lb.id,
                        name,
                        format!("security_groups[{i}]"),
                        format!("security group {g:?} does not exist in the VPC"),
                    ),
                }
            }
            if application && lb.security_groups.is_empty() {
                groups.push(self.m.vpcs[vpc.0].default_sg);
            }
            let mut listeners = Vec::new();
            for (i, l) in lb.listeners.iter().enumerate() {
                let ok = if application {
                    matches!(l.protocol.as_str(), "HTTP" | "HTTPS")
                } else {
                    matches!(l.protocol.as_str(), "TCP" | "UDP" | "TLS" | "TCP_UDP")
                };
                if !ok {
                    let msg = format!(
                        "{:?} is not a {} listener protocol",
                        l.protocol,
                        if application { "ALB (HTTP, HTTPS)" } else { "NLB (TCP, UDP, TLS, TCP_UDP)" }
                    );
                    self.err(kind, &lb.id, name, format!("listeners[{i}].protocol"), msg);
                    continue;
                }
                match self.m.target_groups.iter().position(|g| g.id == l.target_group) {
                    Some(g) => listeners.push(LbListener {
                        protocol: l.protocol.clone(),
                        port: l.port,
                        group: TgIx(g),
                    }),
                    None => {
                        let msg = format!("target group {:?} does not exist", l.target_group);
                        self.err(kind, &lb.id, name, format!("listeners[{i}].target_group"), msg);
                    }
                }
            }
            let lx = LbIx(self.m.load_balancers.len());
            let label_ = label(&lb.id, lb.name.as_deref());
            let mut nodes = Vec::new();
            let mut azs: BTreeSet<String> = BTreeSet::new();
            for (i, s) in lb.subnets.iter().enumerate() {
                let field = format!("subnets[{i}]");
                let Some(sx) = self.subnet_ix(s).filter(|x| self.m.subnets[x.0].vpc == vpc) else {
                    self.err(kind, &lb.id, name, field, format!("subnet {s:?} does not exist in the VPC"));
                    continue;
                };
                let (az, cidr) = (self.m.subnets[sx.0].az.clone(), self.m.subnets[sx.0].cidr);
                if !azs.insert(az.clone()) {
                    self.err(kind, &lb.id, name, field, format!("a load balancer has one subnet per Availability Zone; {s:?} is a second one in {az}"));
                    continue;
                }
                let given = lb.nodes.iter().find(|n| n.subnet == *s);
                let Some(ip) = given.and_then(|n| n.private_ip).or_else(|| first_free(&self.m, vpc, cidr))
                else {
                    self.err(kind, &lb.id, name, field, format!("subnet {s:?} has no free address"));
                    continue;
                };
                let mut public_ips = BTreeMap::new();
                if internet_facing {
                    // AWS assigns the nodes' public addresses; vpclab shows documentation
                    // addresses (192.0.2.0/24) unless the topology gives them.
                    let public = given.and_then(|n| n.public_ip).unwrap_or_else(|| {
                        public_next = public_next.saturating_add(1);
                        Ipv4Addr::new(192, 0, 2, public_next)
                    });
                    public_ips.insert(ip, PublicIp { address: public, elastic: None });
                }
                let eix = EniIx(self.m.interfaces.len());
                self.m.subnets[sx.0].interfaces.push(eix);
                self.m.interfaces.push(Interface {
                    id: format!("{}-node-{az}", lb.id),
                    name: Some(format!("{label_} node ({az})")),
                    subnet: sx,
                    vpc,
                    primary_ip: ip,
                    secondary_ips: Vec::new(),
                    ipv6_ips: Vec::new(),
                    public_ips,
                    security_groups: groups.clone(),
                    source_dest_check: true,
                    attachment: None,
                    endpoint: None,
                    load_balancer: Some(lx),
                    mac_address: None,
                });
                nodes.push(eix);
                self.m.reindex_addresses();
            }
            if application && azs.len() < 2 {
                self.err(
                    kind,
                    &lb.id,
                    name,
                    "subnets",
                    "an Application Load Balancer needs subnets in at least two Availability Zones",
                );
            }
            let cross_zone = lb.cross_zone.unwrap_or(application);
            self.m.load_balancers.push(LoadBalancer {
                id: lb.id.clone(),
                name: lb.name.clone(),
                application,
                internet_facing,
                vpc,
                nodes,
                listeners,
                cross_zone,
            });
        }
    }

    fn peerings(&mut self) {
        let mut pairs: BTreeSet<(VpcIx, VpcIx)> = BTreeSet::new();
        for p in &self.t.vpc_peering_connections {
            let name = p.name.as_deref();
            let (Some(a), Some(b)) = (self.vpc_ix(&p.requester_vpc), self.vpc_ix(&p.accepter_vpc)) else {
                let (field, v) = if self.vpc_ix(&p.requester_vpc).is_none() {
                    ("requester_vpc", &p.requester_vpc)
                } else {
                    ("accepter_vpc", &p.accepter_vpc)
                };
                self.err(Kind::VpcPeeringConnection, &p.id, name, field, format!("VPC {v:?} does not exist"));
                continue;
            };
            if a == b {
                self.err(
                    Kind::VpcPeeringConnection,
                    &p.id,
                    name,
                    "accepter_vpc",
                    "a VPC cannot peer with itself",
                );
                continue;
            }
            let overlap = self.m.vpcs[a.0].cidrs.iter().find_map(|x| {
                self.m.vpcs[b.0].cidrs.iter().find(|y| cidr::overlaps(*x, **y)).map(|y| (*x, *y))
            });
            if let Some((x, y)) = overlap {
                let msg = format!("the VPCs' CIDR blocks overlap ({x} and {y}): AWS refuses such a peering");
                self.err(Kind::VpcPeeringConnection, &p.id, name, "accepter_vpc", msg);
                continue;
            }
            if !pairs.insert((a.min(b), a.max(b))) {
                let msg = "these two VPCs are already peered: one peering connection per pair of VPCs";
                self.err(Kind::VpcPeeringConnection, &p.id, name, "accepter_vpc", msg);
                continue;
            }
            self.m.peerings.push(Peering {
                id: p.id.clone(),
                name: p.name.clone(),
                requester: a,
                accepter: b,
                status: p.status.clone(),
            });
        }
    }

    fn nat_gateways(&mut self) {
        for n in &self.t.nat_gateways {
            let name = n.name.as_deref();
            let Some(sx) = self.subnet_ix(&n.subnet) else {
                self.err(
                    Kind::NatGateway,
                    &n.id,
                    name,
                    "subnet",
                    format!("subnet {:?} does not exist", n.subnet),
                );
                continue;
            };
            let (vpc, snet) = (self.m.subnets[sx.0].vpc, self.m.subnets[sx.0].cidr);
            let taken = |m: &Model, a: Ipv4Addr| m.holder(vpc, IpAddr::V4(a)).is_some();
            let private_ip = match n.private_ip {
                Some(a) if !snet.contains(&IpAddr::V4(a)) => {
                    self.err(
                        Kind::NatGateway,
                        &n.id,
                        name,
                        "private_ip",
                        format!("{a} is outside its subnet ({snet})"),
                    );
                    continue;
                }
                Some(a) if cidr::is_reserved(snet, IpAddr::V4(a)) => {
                    let msg = format!("{a} is one of the 5 addresses AWS reserves in {snet}");
                    self.err(Kind::NatGateway, &n.id, name, "private_ip", msg);
                    continue;
                }
                Some(a) if taken(&self.m, a) => {
                    self.err(Kind::NatGateway, &n.id, name, "private_ip", format!("{a} is already in use"));
                    continue;
                }
                Some(a) => a,
                None => match first_free(&self.m, vpc, snet) {
                    Some(a) => a,
                    None => {
                        self.err(
                            Kind::NatGateway,
                            &n.id,
                            name,
                            "subnet",
                            format!("subnet {snet} has no free address"),
                        );
                        continue;
                    }
                },
            };
            let public = n.connectivity == topo::Connectivity::Public;
            let nix = NatIx(self.m.nat_gateways.len());
            let elastic_ip = match (&n.elastic_ip, public) {
                (None, true) => {
                    let msg = "a public NAT gateway needs an Elastic IP (elastic_ip: eipalloc-…)";
                    self.err(Kind::NatGateway, &n.id, name, "elastic_ip", msg);
                    None
                }
                (Some(_), false) => {
                    let msg = "a private NAT gateway has no Elastic IP";
                    self.err(Kind::NatGateway, &n.id, name, "elastic_ip", msg);
                    None
                }
                (None, false) => None,
                (Some(alloc), true) => match self.m.elastic_ips.iter().position(|e| e.id == *alloc) {
                    None => {
                        let msg = format!("Elastic IP {alloc:?} does not exist");
                        self.err(Kind::NatGateway, &n.id, name, "elastic_ip", msg);
                        None
                    }
                    Some(e)
                        if self.m.elastic_ips[e].association.is_some()
                            || self.m.elastic_ips[e].nat_gateway.is_some() =>
                    {
                        let msg = format!("Elastic IP {alloc:?} is already associated elsewhere");
                        self.err(Kind::NatGateway, &n.id, name, "elastic_ip", msg);
                        None
                    }
                    Some(e) => {
                        self.m.elastic_ips[e].nat_gateway = Some(nix);
                        Some((alloc.clone(), self.m.elastic_ips[e].public_ip))
                    }
                },
            };
            self.m.nat_gateways.push(NatGateway {
                id: n.id.clone(),
                name: n.name.clone(),
                subnet: sx,
                vpc,
                public,
                private_ip,
                elastic_ip,
            });
            let n = &self.m.nat_gateways[nix.0];
            self.m.private.entry((n.vpc, IpAddr::V4(n.private_ip))).or_insert(Holder::NatGateway(nix));
            if let Some((_, eip)) = &n.elastic_ip {
                let entry = (Holder::NatGateway(nix), IpAddr::V4(n.private_ip));
                self.m.public.entry(IpAddr::V4(*eip)).or_insert(entry);
            }
        }
    }

    fn instances(&mut self) {
        for x in &self.t.instances {
            if instance_types::limits(&x.instance_type).is_none() {
                let msg = format!("instance type {:?} is not in vpclab's table; its interface and address limits are not checked", x.instance_type);
                self.warn(Kind::Instance, &x.id, x.name.as_deref(), "instance_type", msg);
            }
            self.m.instances.push(Instance {
                id: x.id.clone(),
                name: x.name.clone(),
                instance_type: x.instance_type.clone(),
                az: x.availability_zone.clone(),
                interfaces: Vec::new(),
                source_nat: x.source_nat,
                stopped: x.state == topo::InstanceState::Stopped,
            });
        }
    }

    fn interfaces(&mut self) {
        let mut used: BTreeMap<(VpcIx, Ipv4Addr), &str> = BTreeMap::new();
        let mut public: BTreeMap<Ipv4Addr, &str> = BTreeMap::new();
        let mut attached: Vec<(InstIx, u32, EniIx)> = Vec::new();
        for e in &self.t.network_interfaces {
            let name = e.name.as_deref();
            let Some(sx) = self.subnet_ix(&e.subnet) else {
                self.err(
                    Kind::NetworkInterface,
                    &e.id,
                    name,
                    "subnet",
                    format!("subnet {:?} does not exist", e.subnet),
                );
                continue;
            };
            let subnet = &self.m.subnets[sx.0];
            let (vpc, snet, slabel) = (subnet.vpc, subnet.cidr, label(&subnet.id, subnet.name.as_deref()));
            let mut ok = true;
            let addrs = std::iter::once(("private_ip".to_string(), e.private_ip)).chain(
                e.secondary_private_ips
                    .iter()
                    .enumerate()
                    .map(|(i, a)| (format!("secondary_private_ips[{i}]"), *a)),
            );
            for (field, a) in addrs {
                let ip = IpAddr::V4(a);
                if !snet.contains(&ip) {
                    self.err(
                        Kind::NetworkInterface,
                        &e.id,
                        name,
                        field,
                        format!("{a} is outside subnet {slabel:?} ({snet})"),
                    );
                    ok = false;
                } else if cidr::is_reserved(snet, ip) {
                    let msg = format!("{a} is one of the 5 addresses AWS reserves in subnet {slabel:?} ({snet}); the first usable is {}", first_usable(snet));
                    self.err(Kind::NetworkInterface, &e.id, name, field, msg);
                    ok = false;
                } else if let Some(other) = used.insert((vpc, a), &e.id) {
                    self.err(
                        Kind::NetworkInterface,
                        &e.id,
                        name,
                        field,
                        format!("{a} is already used by {other:?}"),
                    );
                    ok = false;
                }
            }
            if !ok {
                continue;
            }
            let mut ipv6_ips = Vec::new();
            for (i, a) in e.ipv6_addresses.iter().enumerate() {
                let field = format!("ipv6_addresses[{i}]");
                let ip = IpAddr::V6(*a);
                match self.m.subnets[sx.0].ipv6 {
                    None => {
                        let msg = format!("{a}: subnet {slabel:?} has no IPv6 block");
                        self.err(Kind::NetworkInterface, &e.id, name, field, msg);
                    }
                    Some(b) if !b.contains(&ip) => {
                        self.err(Kind::NetworkInterface, &e.id, name, field, format!("{a} is outside {b}"));
                    }
                    Some(b) if cidr::is_reserved(b, ip) => {
                        let msg = format!("{a} is one of the 5 addresses AWS reserves in {b}");
                        self.err(Kind::NetworkInterface, &e.id, name, field, msg);
                    }
                    Some(_) => ipv6_ips.push(*a),
                }
            }
            let mut security_groups = Vec::new();
            for (i, g) in e.security_groups.iter().enumerate() {
                let field = format!("security_groups[{i}]");
                match self.sg_ix(g) {
                    None => self.err(
                        Kind::NetworkInterface,
                        &e.id,
                        name,
                        field,
                        format!("security group {g:?} does not exist"),
                    ),
                    Some(gx) if self.m.security_groups[gx.0].vpc != vpc => self.err(
                        Kind::NetworkInterface,
                        &e.id,
                        name,
                        field,
                        format!("security group {g:?} belongs to another VPC"),
                    ),
                    Some(gx) => security_groups.push(gx),
                }
            }
            // 5 per interface by default, raisable to 16 at most (amazon-vpc-limits.html).
            if e.security_groups.len() > 16 {
                let msg = format!(
                    "{} security groups: an interface can have at most 16, even with a raised quota",
                    e.security_groups.len()
                );
                self.err(Kind::NetworkInterface, &e.id, name, "security_groups", msg);
            } else if e.security_groups.len() > 5 {
                let msg = format!(
                    "{} security groups exceed the default quota of 5 per interface (raisable to 16)",
                    e.security_groups.len()
                );
                self.warn(Kind::NetworkInterface, &e.id, name, "security_groups", msg);
            }
            if e.security_groups.is_empty() {
                security_groups.push(self.m.vpcs[vpc.0].default_sg);
            }
            let mut public_ips = BTreeMap::new();
            if let Some(p) = e.public_ip {
                if cidr::is_private_or_shared(IpAddr::V4(p)) {
                    self.err(
                        Kind::NetworkInterface,
                        &e.id,
                        name,
                        "public_ip",
                        format!("{p} is a private address, not a public one"),
                    );
                } else if let Some(other) = public.insert(p, &e.id) {
                    self.err(
                        Kind::NetworkInterface,
                        &e.id,
                        name,
                        "public_ip",
                        format!("{p} is already used by {other:?}"),
                    );
                } else {
                    public_ips.insert(e.private_ip, PublicIp { address: p, elastic: None });
                }
            }
            let eix = EniIx(self.m.interfaces.len());
            let attachment = match &e.attachment {
                None => None,
                Some(a) => match self.m.instances.iter().position(|x| x.id == a.instance) {
                    None => {
                        self.err(
                            Kind::NetworkInterface,
                            &e.id,
                            name,
                            "attachment.instance",
                            format!("instance {:?} does not exist", a.instance),
                        );
                        None
                    }
                    Some(ix) => {
                        attached.push((InstIx(ix), a.device_index, eix));
                        Some((InstIx(ix), a.device_index))
                    }
                },
            };
            self.m.subnets[sx.0].interfaces.push(eix);
            self.m.interfaces.push(Interface {
                id: e.id.clone(),
                name: e.name.clone(),
                subnet: sx,
                vpc,
                primary_ip: e.private_ip,
                secondary_ips: e.secondary_private_ips.clone(),
                ipv6_ips,
                public_ips,
                security_groups,
                source_dest_check: e.source_dest_check,
                attachment,
                endpoint: None,
                load_balancer: None,
                mac_address: e.mac_address.clone(),
            });
        }
        // A MAC address belongs to one interface.
        let mut macs: BTreeMap<String, String> = BTreeMap::new();
        for e in &self.t.network_interfaces {
            let Some(mac) = &e.mac_address else { continue };
            if let Some(other) = macs.insert(mac.to_ascii_lowercase(), e.id.clone()) {
                let msg = format!("MAC address {mac} is already the address of {other:?}");
                self.err(Kind::NetworkInterface, &e.id, e.name.as_deref(), "mac_address", msg);
            }
        }
        attached.sort();
        for (ix, dev, eix) in attached {
            let (iid, iname) = (self.m.instances[ix.0].id.clone(), self.m.instances[ix.0].name.clone());
            let e = &self.m.interfaces[eix.0];
            let (eid, az) = (e.id.clone(), self.m.subnets[e.subnet.0].az.clone());
            let taken = self.m.instances[ix.0]
                .interfaces
                .iter()
                .any(|o| self.m.interfaces[o.0].attachment.map(|a| a.1) == Some(dev));
            if taken {
                let msg = format!(
                    "device index {dev} of instance {:?} is taken by another interface",
                    label(&iid, iname.as_deref())
                );
                self.err(
                    Kind::NetworkInterface,
                    &eid,
                    e.name.clone().as_deref(),
                    "attachment.device_index",
                    msg,
                );
                self.m.interfaces[eix.0].attachment = None;
                continue;
            }
            match &self.m.instances[ix.0].az {
                Some(inst_az) if *inst_az != az => {
                    let msg = format!(
                        "interface is in {az} but instance {:?} is in {inst_az}: an interface attaches only to an instance in its own Availability Zone",
                        label(&iid, iname.as_deref())
                    );
                    let ename = self.m.interfaces[eix.0].name.clone();
                    self.err(Kind::NetworkInterface, &eid, ename.as_deref(), "attachment.instance", msg);
                    self.m.interfaces[eix.0].attachment = None;
                    continue;
                }
                Some(_) => {}
                None => self.m.instances[ix.0].az = Some(az),
            }
            self.m.instances[ix.0].interfaces.push(eix);
        }
        self.release_public_ips();
        for i in 0..self.m.instances.len() {
            let x = &self.m.instances[i];
            let has_primary =
                x.interfaces.iter().any(|e| self.m.interfaces[e.0].attachment.map(|a| a.1) == Some(0));
            if !has_primary {
                let (id, name) = (x.id.clone(), x.name.clone());
                // Written in the topology but left out for an error of its own: say that, once
                // (the interface's diagnostic is the one to fix).
                let written =
                    self.t.network_interfaces.iter().find(|e| {
                        e.attachment.as_ref().is_some_and(|a| a.instance == id && a.device_index == 0)
                    });
                match written {
                    Some(e) => self.warn(
                        Kind::Instance,
                        &id,
                        name.as_deref(),
                        "network_interfaces",
                        format!(
                            "its primary network interface {:?} is left out of the analysis because of an error of its own: fix that first",
                            e.id
                        ),
                    ),
                    None => self.err(
                        Kind::Instance,
                        &id,
                        name.as_deref(),
                        "network_interfaces",
                        "the instance has no primary network interface (device index 0)",
                    ),
                }
            }
        }
        self.m.reindex_addresses();
    }

    /// AWS releases an instance's auto-assigned public IPv4 address when it stops (and gives it
    /// a new one when it starts); Elastic IPs stay associated
    /// (AWSEC2/latest/UserGuide/using-instance-addressing.html#concepts-public-addresses). An
    /// address still written on a stopped instance's interface is left out of the model, with
    /// a warning: nothing reaches the instance at it.
    fn release_public_ips(&mut self) {
        for i in 0..self.m.instances.len() {
            if !self.m.instances[i].stopped {
                continue;
            }
            let inst = label(&self.m.instances[i].id, self.m.instances[i].name.as_deref());
            for eix in self.m.instances[i].interfaces.clone() {
                let e = &mut self.m.interfaces[eix.0];
                let released: Vec<Ipv4Addr> = e
                    .public_ips
                    .iter()
                    .filter(|(_, p)| p.elastic.is_none())
                    .map(|(_, p)| p.address)
                    .collect();
                e.public_ips.retain(|_, p| p.elastic.is_some());
                let (id, name) = (e.id.clone(), e.name.clone());
                for a in released {
                    let msg = format!("{a} is released while instance {inst:?} is stopped: AWS gives the instance a new public IPv4 address when it starts (use an Elastic IP to keep one)");
                    self.warn(Kind::NetworkInterface, &id, name.as_deref(), "public_ip", msg);
                }
            }
        }
    }

    fn elastic_ips(&mut self) {
        let mut taken: BTreeMap<(EniIx, Ipv4Addr), &str> = BTreeMap::new();
        let mut seen_public: BTreeSet<Ipv4Addr> =
            self.m.interfaces.iter().flat_map(|e| e.public_ips.values().map(|p| p.address)).collect();
        for x in &self.t.elastic_ips {
            let name = x.name.as_deref();
            if cidr::is_private_or_shared(IpAddr::V4(x.public_ip)) {
                self.err(
                    Kind::ElasticIp,
                    &x.id,
                    name,
                    "public_ip",
                    format!("{} is a private address, not a public one", x.public_ip),
                );
                continue;
            }
            if !seen_public.insert(x.public_ip) {
                self.err(
                    Kind::ElasticIp,
                    &x.id,
                    name,
                    "public_ip",
                    format!("{} is used more than once", x.public_ip),
                );
                continue;
            }
            let mut eip = ElasticIp {
                id: x.id.clone(),
                name: x.name.clone(),
                public_ip: x.public_ip,
                association: None,
                nat_gateway: None,
            };
            let Some(a) = &x.association else {
                self.m.elastic_ips.push(eip);
                continue;
            };
            let Some(eix) = self.m.interfaces.iter().position(|e| e.id == a.network_interface).map(EniIx)
            else {
                let msg = format!("network interface {:?} does not exist", a.network_interface);
                self.err(Kind::ElasticIp, &x.id, name, "association.network_interface", msg);
                continue;
            };
            let e = &self.m.interfaces[eix.0];
            let private = a.private_ip.unwrap_or(e.primary_ip);
            if !e.holds_private(IpAddr::V4(private)) {
                let msg = format!("{private} is not a private address of {:?}", e.id);
                self.err(Kind::ElasticIp, &x.id, name, "association.private_ip", msg);
                continue;
            }
            if let Some(other) = taken.insert((eix, private), &x.id) {
                let msg =
                    format!("{private} already has Elastic IP {other:?}; one Elastic IP per private address");
                self.err(Kind::ElasticIp, &x.id, name, "association.private_ip", msg);
                continue;
            }
            // An Elastic IP on the primary address replaces its auto-assigned public IP,
            // as AWS does on association (AWSEC2/latest/UserGuide/elastic-ip-addresses-eip.html).
            self.m.interfaces[eix.0]
                .public_ips
                .insert(private, PublicIp { address: x.public_ip, elastic: Some(x.id.clone()) });
            eip.association = Some((eix, private));
            self.m.elastic_ips.push(eip);
        }
        self.m.reindex_addresses();
    }

    fn instance_limits(&mut self) {
        for i in 0..self.m.instances.len() {
            let x = &self.m.instances[i];
            let Some(l) = instance_types::limits(&x.instance_type) else {
                continue;
            };
            let (id, name, ty) = (x.id.clone(), x.name.clone(), x.instance_type.clone());
            let ifaces: Vec<EniIx> = x.interfaces.clone();
            let n = u32::try_from(ifaces.len()).unwrap_or(u32::MAX);
            if n > l.interfaces {
                let msg = format!("{n} network interfaces attached but {ty} allows {}", l.interfaces);
                self.err(Kind::Instance, &id, name.as_deref(), "network_interfaces", msg);
            }
            for e in ifaces {
                let iface = &self.m.interfaces[e.0];
                let addrs = 1 + u32::try_from(iface.secondary_ips.len()).unwrap_or(u32::MAX);
                if addrs > l.ipv4_per_interface {
                    let (eid, ename) = (iface.id.clone(), iface.name.clone());
                    let msg = format!(
                        "{addrs} private IPv4 addresses but {ty} allows {} per interface",
                        l.ipv4_per_interface
                    );
                    self.err(Kind::NetworkInterface, &eid, ename.as_deref(), "secondary_private_ips", msg);
                }
            }
        }
    }

    fn index(&mut self) {
        let m = &mut self.m;
        let mut all: Vec<Entity> = Vec::new();
        all.extend((0..m.vpcs.len()).map(|i| Entity::Vpc(VpcIx(i))));
        all.extend((0..m.subnets.len()).map(|i| Entity::Subnet(SubnetIx(i))));
        all.extend((0..m.route_tables.len()).map(|i| Entity::RouteTable(RtIx(i))));
        all.extend((0..m.internet_gateways.len()).map(|i| Entity::InternetGateway(IgwIx(i))));
        all.extend((0..m.instances.len()).map(|i| Entity::Instance(InstIx(i))));
        all.extend((0..m.interfaces.len()).map(|i| Entity::NetworkInterface(EniIx(i))));
        all.extend((0..m.security_groups.len()).map(|i| Entity::SecurityGroup(SgIx(i))));
        all.extend((0..m.network_acls.len()).map(|i| Entity::NetworkAcl(AclIx(i))));
        all.extend((0..m.nat_gateways.len()).map(|i| Entity::NatGateway(NatIx(i))));
        all.extend((0..m.peerings.len()).map(|i| Entity::Peering(PcxIx(i))));
        all.extend((0..m.transit_gateways.len()).map(|i| Entity::TransitGateway(TgwIx(i))));
        all.extend((0..m.tgw_attachments.len()).map(|i| Entity::TgwAttachment(TgwAttIx(i))));
        all.extend((0..m.tgw_route_tables.len()).map(|i| Entity::TgwRouteTable(TgwRtIx(i))));
        all.extend((0..m.gateway_endpoints.len()).map(|i| Entity::GatewayEndpoint(VpceIx(i))));
        all.extend((0..m.egress_only_gateways.len()).map(|i| Entity::EgressOnlyGateway(EigwIx(i))));
        all.extend((0..m.vpn_gateways.len()).map(|i| Entity::VpnGateway(VgwIx(i))));
        all.extend((0..m.load_balancers.len()).map(|i| Entity::LoadBalancer(LbIx(i))));
        all.extend((0..m.target_groups.len()).map(|i| Entity::TargetGroup(TgIx(i))));
        all.extend((0..m.vpn_connections.len()).map(|i| Entity::VpnConnection(VpnIx(i))));
        for e in all {
            let (id, name, _) = m.describe(e);
            let (id, name) = (id.to_string(), name.map(str::to_string));
            m.by_id.entry(id).or_insert(e);
            if let Some(n) = name {
                m.by_name.entry(n).or_default().push(e);
            }
        }
    }
}

/// The topology's prefix list for `service` (`s3`, `dynamodb`): named
/// `com.amazonaws.<region>.<service>` as AWS names its managed lists, or just the service.
fn service_prefix_list(t: &Topology, service: &str) -> Option<(String, Vec<IpNet>)> {
    let full = format!("com.amazonaws.{}.{service}", t.region);
    t.prefix_lists
        .iter()
        .find(|p| p.name == full || p.name == service)
        .map(|p| (p.id.clone(), p.cidrs.clone()))
}

/// Illustrative service ranges (us-east-1, as AWS published them) for hand-built topologies
/// that do not carry the prefix list; the model warns whenever it uses them.
fn illustrative_prefix_list(service: &str) -> (String, Vec<IpNet>) {
    let cidrs: &[&str] = match service {
        "s3" => &["52.216.0.0/15", "54.231.0.0/16", "3.5.0.0/19"],
        _ => &["52.94.0.0/22", "52.119.224.0/20"],
    };
    (format!("pl-{service}"), cidrs.iter().filter_map(|c| c.parse().ok()).collect())
}

/// The first usable address of `net` that nothing in `vpc` holds.
fn first_free(m: &Model, vpc: VpcIx, net: IpNet) -> Option<Ipv4Addr> {
    let IpNet::V4(n) = net else { return None };
    n.hosts()
        .filter(|a| !cidr::is_reserved(net, IpAddr::V4(*a)))
        .find(|a| m.holder(vpc, IpAddr::V4(*a)).is_none())
}

fn first_usable(net: IpNet) -> IpAddr {
    match net.network() {
        IpAddr::V4(a) => IpAddr::V4(Ipv4Addr::from(u32::from(a).wrapping_add(4))),
        IpAddr::V6(a) => IpAddr::V6(std::net::Ipv6Addr::from(u128::from(a).wrapping_add(4))),
    }
}
