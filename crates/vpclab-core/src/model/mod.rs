//! The model: a topology validated and resolved, ready for analysis.
//!
//! [`build`] never fails. It returns the model and the diagnostics (each naming an entity
//! and a field); entities too broken to analyse (a subnet of a missing VPC, say) are left
//! out of the model, everything else stays in, so analysis works on half-built networks.
//!
//! Resolution makes AWS's implicit things explicit, as AWS itself creates them with a VPC:
//! the `local` routes of every route table, a main route table, a default network ACL
//! (allow all) and a default security group for any VPC whose topology lacks them
//! (vpc/latest/userguide/default-network-acl.html, default-security-group.html,
//! subnet-route-tables.html). Such entities are marked `implicit`.
//!
//! Invariants after `build`: every index in the model points at an existing entity; every
//! subnet has exactly one route table and one network ACL; ACL entries are sorted by rule
//! number; an interface's addresses are inside its subnet.

use ipnet::IpNet;
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};

use crate::diagnostic::{label, Kind};
use crate::packet::{IcmpMatch, PortRange, Protocol};

macro_rules! index_types {
    ($($name:ident),*) => {$(
        /// An index into the model's list of that kind.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub usize);
    )*};
}
index_types!(
    VpcIx, SubnetIx, RtIx, IgwIx, InstIx, EniIx, SgIx, AclIx, NatIx, PcxIx, TgwIx, TgwAttIx, TgwRtIx, VpceIx,
    EigwIx, VgwIx, VpnIx, LbIx, TgIx
);

/// Any entity of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Entity {
    Vpc(VpcIx),
    Subnet(SubnetIx),
    RouteTable(RtIx),
    InternetGateway(IgwIx),
    Instance(InstIx),
    NetworkInterface(EniIx),
    SecurityGroup(SgIx),
    NetworkAcl(AclIx),
    NatGateway(NatIx),
    Peering(PcxIx),
    TransitGateway(TgwIx),
    TgwAttachment(TgwAttIx),
    TgwRouteTable(TgwRtIx),
    GatewayEndpoint(VpceIx),
    EgressOnlyGateway(EigwIx),
    VpnGateway(VgwIx),
    VpnConnection(VpnIx),
    LoadBalancer(LbIx),
    TargetGroup(TgIx),
}

/// The validated network.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub region: String,
    /// Where the user placed boxes (top-left corners), by id; the layout honours them.
    pub positions: BTreeMap<String, (f64, f64)>,
    pub vpcs: Vec<Vpc>,
    pub subnets: Vec<Subnet>,
    pub route_tables: Vec<RouteTable>,
    pub internet_gateways: Vec<InternetGateway>,
    pub egress_only_gateways: Vec<EgressOnlyGateway>,
    pub instances: Vec<Instance>,
    pub interfaces: Vec<Interface>,
    pub security_groups: Vec<SecurityGroup>,
    pub network_acls: Vec<NetworkAcl>,
    pub elastic_ips: Vec<ElasticIp>,
    pub nat_gateways: Vec<NatGateway>,
    pub peerings: Vec<Peering>,
    pub transit_gateways: Vec<TransitGateway>,
    pub tgw_attachments: Vec<TgwAttachment>,
    pub tgw_route_tables: Vec<TgwRouteTable>,
    pub gateway_endpoints: Vec<GatewayEndpoint>,
    /// The public address ranges of S3 and DynamoDB, reachable through a gateway endpoint
    /// or, like any public address, through an internet gateway or NAT device.
    pub services: Vec<ServiceRanges>,
    pub vpn_gateways: Vec<VpnGateway>,
    pub vpn_connections: Vec<VpnConnection>,
    pub load_balancers: Vec<LoadBalancer>,
    pub target_groups: Vec<TargetGroup>,
    /// Address indexes (see [`Model::reindex_addresses`]): private address per VPC, public
    /// address, and every interface holding a private address in any VPC.
    private: BTreeMap<(VpcIx, IpAddr), Holder>,
    public: BTreeMap<IpAddr, (Holder, IpAddr)>,
    members: BTreeMap<IpAddr, Vec<EniIx>>,
    by_id: BTreeMap<String, Entity>,
    by_name: BTreeMap<String, Vec<Entity>>,
}

#[derive(Debug, Clone)]
pub struct Vpc {
    pub id: String,
    pub name: Option<String>,
    pub cidrs: Vec<IpNet>,
    /// The IPv6 block, if the VPC has one.
    pub ipv6: Option<IpNet>,
    /// Its Region: the topology's unless the VPC says otherwise.
    pub region: String,
    pub subnets: Vec<SubnetIx>,
    pub main_route_table: RtIx,
    pub default_acl: AclIx,
    pub default_sg: SgIx,
    pub internet_gateway: Option<IgwIx>,
    pub egress_only_gateway: Option<EigwIx>,
}

impl Vpc {
    /// Every block of the VPC: the IPv4 ones and the IPv6 one.
    pub fn blocks(&self) -> impl Iterator<Item = IpNet> + '_ {
        self.cidrs.iter().copied().chain(self.ipv6)
    }
}

#[derive(Debug, Clone)]
pub struct Subnet {
    pub id: String,
    pub name: Option<String>,
    pub vpc: VpcIx,
    pub az: String,
    pub cidr: IpNet,
    pub ipv6: Option<IpNet>,
    pub map_public_ip_on_launch: bool,
    pub planned_hosts: Option<u32>,
    pub route_table: RtIx,
    pub acl: AclIx,
    pub interfaces: Vec<EniIx>,
}

#[derive(Debug, Clone)]
pub struct RouteTable {
    pub id: String,
    pub name: Option<String>,
    pub vpc: VpcIx,
    pub main: bool,
    pub implicit: bool,
    pub routes: Vec<Route>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub destination: IpNet,
    pub target: Target,
    /// Where the route came from, for traces: `local` routes are implicit.
    pub implicit: bool,
    /// Propagated from a virtual private gateway: a static route of the same prefix wins.
    pub propagated: bool,
    /// The user's prefix-list route this entry expands (`pl-…`); a static CIDR route of the
    /// same prefix wins over it, and it wins over a propagated one.
    pub prefix_list: Option<String>,
}

impl Route {
    /// The destination as the route table shows it: `pl-… (10.1.0.0/16)` for an entry of a
    /// prefix-list route.
    pub fn shown_destination(&self) -> String {
        match &self.prefix_list {
            Some(pl) => format!("{pl} ({})", self.destination),
            None => self.destination.to_string(),
        }
    }
}

/// Where a route sends traffic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Local,
    InternetGateway(IgwIx),
    EgressOnlyGateway(EigwIx),
    NatGateway(NatIx),
    /// A network interface (given as `eni-…`, or as a single-interface instance `i-…`):
    /// an appliance, a NAT instance, a firewall.
    Interface(EniIx),
    Peering(PcxIx),
    TransitGateway(TgwIx),
    GatewayEndpoint(VpceIx),
    VpnGateway(VgwIx),
    /// The target does not exist (any more): AWS marks such routes `blackhole`.
    Blackhole(String),
}

/// A NAT gateway: an address in one subnet that rewrites the source of what it forwards.
#[derive(Debug, Clone)]
pub struct NatGateway {
    pub id: String,
    pub name: Option<String>,
    pub subnet: SubnetIx,
    pub vpc: VpcIx,
    pub public: bool,
    pub private_ip: Ipv4Addr,
    /// The Elastic IP (allocation id, address) of a public NAT gateway.
    pub elastic_ip: Option<(String, Ipv4Addr)>,
}

/// A VPC peering connection.
#[derive(Debug, Clone)]
pub struct Peering {
    pub id: String,
    pub name: Option<String>,
    pub requester: VpcIx,
    pub accepter: VpcIx,
    /// `active`, `pending-acceptance`, …; only `active` carries traffic.
    pub status: String,
}

impl Peering {
    /// The VPC on the other side from `vpc`, if `vpc` is one side.
    pub fn other(&self, vpc: VpcIx) -> Option<VpcIx> {
        if vpc == self.requester {
            Some(self.accepter)
        } else if vpc == self.accepter {
            Some(self.requester)
        } else {
            None
        }
    }
}

/// A gateway VPC endpoint and the service address ranges it leads to.
#[derive(Debug, Clone)]
pub struct GatewayEndpoint {
    pub id: String,
    pub name: Option<String>,
    pub vpc: VpcIx,
    /// The short service name: `s3` or `dynamodb`.
    pub service: String,
    /// The service's prefix list: id and CIDR blocks.
    pub prefix_list: (String, Vec<IpNet>),
}

/// The public address ranges of an AWS service that gateway endpoints serve (S3,
/// DynamoDB): the topology's AWS-managed prefix list for it, else vpclab's illustrative
/// ranges. Without a gateway endpoint these addresses are still reachable through an
/// internet gateway or a NAT device (vpc/latest/privatelink/gateway-endpoints.html).
#[derive(Debug, Clone)]
pub struct ServiceRanges {
    /// The short service name: `s3` or `dynamodb`.
    pub service: String,
    /// The prefix list: id and CIDR blocks.
    pub prefix_list: (String, Vec<IpNet>),
    /// Whether these are vpclab's illustrative ranges rather than the topology's list.
    pub illustrative: bool,
}

/// An Application or Network Load Balancer: a node (an interface) in each of its subnets.
#[derive(Debug, Clone)]
pub struct LoadBalancer {
    pub id: String,
    pub name: Option<String>,
    /// Application (HTTP/HTTPS, security groups, always a new connection) or network.
    pub application: bool,
    pub internet_facing: bool,
    pub vpc: VpcIx,
    pub nodes: Vec<EniIx>,
    pub listeners: Vec<LbListener>,
    pub cross_zone: bool,
}

/// A listener, resolved.
#[derive(Debug, Clone)]
pub struct LbListener {
    /// As written: HTTP, HTTPS, TCP, UDP, TLS, TCP_UDP.
    pub protocol: String,
    pub port: u16,
    pub group: TgIx,
}

impl LbListener {
    /// Whether this listener accepts a packet of protocol `p` to port `port`.
    pub fn accepts(&self, p: Protocol, port: u16) -> bool {
        let tcp = matches!(self.protocol.as_str(), "HTTP" | "HTTPS" | "TCP" | "TLS" | "TCP_UDP");
        let udp = matches!(self.protocol.as_str(), "UDP" | "TCP_UDP");
        port == self.port && ((p == Protocol::Tcp && tcp) || (p == Protocol::Udp && udp))
    }
}

/// A target group and its registered targets.
#[derive(Debug, Clone)]
pub struct TargetGroup {
    pub id: String,
    pub name: Option<String>,
    pub port: u16,
    pub targets: Vec<LbTarget>,
    pub preserve_client_ip: bool,
}

/// A registered target: the interface and address that receive, on which port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LbTarget {
    pub eni: EniIx,
    pub ip: IpAddr,
    pub port: u16,
    pub healthy: bool,
}

/// A virtual private gateway.
#[derive(Debug, Clone)]
pub struct VpnGateway {
    pub id: String,
    pub name: Option<String>,
    pub vpc: Option<VpcIx>,
}

/// A site-to-site VPN connection and the on-premises networks behind it.
#[derive(Debug, Clone)]
pub struct VpnConnection {
    pub id: String,
    pub name: Option<String>,
    pub vgw: VgwIx,
    /// The customer gateway: id and public address.
    pub customer_gateway: (String, Ipv4Addr),
    /// Static routes.
    pub routes: Vec<IpNet>,
    /// Prefixes the customer gateway advertises over BGP.
    pub bgp_routes: Vec<IpNet>,
}

impl VpnConnection {
    /// Every on-premises network behind the connection with how the gateway learned it:
    /// static routes first, then BGP ones.
    pub fn networks(&self) -> impl Iterator<Item = (IpNet, VpnOrigin)> + '_ {
        let stat = self.routes.iter().map(|r| (*r, VpnOrigin::Static));
        stat.chain(self.bgp_routes.iter().map(|r| (*r, VpnOrigin::Bgp)))
    }
}

/// How a virtual private gateway knows an on-premises network. Ordered by preference at
/// equal prefix length: a VPN static route beats a BGP one
/// (vpc/latest/userguide/route-tables-priority.html, vpn/latest/s2svpn/vpn-route-priority.html).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum VpnOrigin {
    /// A static route of the connection.
    Static,
    /// A prefix the customer gateway advertises over BGP.
    Bgp,
}

impl VpnOrigin {
    /// For traces: `static` or `BGP`.
    pub fn word(self) -> &'static str {
        match self {
            VpnOrigin::Static => "static",
            VpnOrigin::Bgp => "BGP",
        }
    }
}

/// One VPN route that holds an address: the connection, its prefix and how it is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VpnRoute {
    pub connection: VpnIx,
    pub prefix: IpNet,
    pub origin: VpnOrigin,
}

/// A transit gateway.
#[derive(Debug, Clone)]
pub struct TransitGateway {
    pub id: String,
    pub name: Option<String>,
    pub security_group_referencing: bool,
}

/// A VPC attachment of a transit gateway.
#[derive(Debug, Clone)]
pub struct TgwAttachment {
    pub id: String,
    pub name: Option<String>,
    pub tgw: TgwIx,
    pub vpc: VpcIx,
    /// One subnet per Availability Zone.
    pub subnets: Vec<SubnetIx>,
    /// The route table it is associated with (where traffic it brings in is routed).
    pub route_table: Option<TgwRtIx>,
}

/// A transit gateway route table with its static and propagated routes.
#[derive(Debug, Clone)]
pub struct TgwRouteTable {
    pub id: String,
    pub name: Option<String>,
    pub tgw: TgwIx,
    pub routes: Vec<TgwRoute>,
}

/// A transit gateway route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TgwRoute {
    pub destination: IpNet,
    /// `None`: a blackhole.
    pub attachment: Option<TgwAttIx>,
    /// Propagated from an attachment's VPC CIDRs (static routes win ties).
    pub propagated: bool,
}

/// What holds a private address in a VPC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    Interface(EniIx),
    NatGateway(NatIx),
}

/// An egress-only internet gateway (IPv6 only, outbound-initiated only).
#[derive(Debug, Clone)]
pub struct EgressOnlyGateway {
    pub id: String,
    pub name: Option<String>,
    pub vpc: VpcIx,
}

#[derive(Debug, Clone)]
pub struct InternetGateway {
    pub id: String,
    pub name: Option<String>,
    pub vpc: Option<VpcIx>,
}

#[derive(Debug, Clone)]
pub struct Instance {
    pub id: String,
    pub name: Option<String>,
    pub instance_type: String,
    /// The Availability Zone of its primary interface.
    pub az: Option<String>,
    /// Attached interfaces, ordered by device index.
    pub interfaces: Vec<EniIx>,
    /// A NAT instance: rewrites the source of what it forwards to its own address.
    pub source_nat: bool,
    /// Stopped: its interfaces neither send nor receive, and it has no auto-assigned public
    /// IPv4 address (AWS released it).
    pub stopped: bool,
}

#[derive(Debug, Clone)]
pub struct Interface {
    pub id: String,
    pub name: Option<String>,
    pub subnet: SubnetIx,
    pub vpc: VpcIx,
    pub primary_ip: Ipv4Addr,
    pub secondary_ips: Vec<Ipv4Addr>,
    pub ipv6_ips: Vec<std::net::Ipv6Addr>,
    /// Public IPv4 per private IPv4 (auto-assigned or Elastic), used by the IGW's 1:1 NAT.
    pub public_ips: BTreeMap<Ipv4Addr, PublicIp>,
    pub security_groups: Vec<SgIx>,
    pub source_dest_check: bool,
    pub attachment: Option<(InstIx, u32)>,
    /// The interface endpoint (`vpce-…`) that owns it: a requester-managed interface that
    /// accepts connections and never starts any.
    pub endpoint: Option<String>,
    /// The load balancer whose node this is.
    pub load_balancer: Option<LbIx>,
    /// Its MAC address, when known: it moves with the interface.
    pub mac_address: Option<String>,
}

/// A public address mapped to one private address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicIp {
    pub address: Ipv4Addr,
    /// The Elastic IP allocation id, or `None` for an auto-assigned address.
    pub elastic: Option<String>,
}

impl Interface {
    /// Every private address, primary first.
    pub fn private_ips(&self) -> impl Iterator<Item = Ipv4Addr> + '_ {
        std::iter::once(self.primary_ip).chain(self.secondary_ips.iter().copied())
    }

    pub fn holds_private(&self, ip: IpAddr) -> bool {
        matches!(ip, IpAddr::V4(a) if self.private_ips().any(|p| p == a))
    }

    /// Whether `ip` is one of its own addresses: a private IPv4 or an IPv6 address.
    pub fn holds(&self, ip: IpAddr) -> bool {
        match ip {
            IpAddr::V4(_) => self.holds_private(ip),
            IpAddr::V6(a) => self.ipv6_ips.contains(&a),
        }
    }

    /// Its addresses inside the VPC: private IPv4s and IPv6s (not public IPv4s).
    pub fn own_addresses(&self) -> impl Iterator<Item = IpAddr> + '_ {
        self.private_ips().map(IpAddr::V4).chain(self.ipv6_ips.iter().copied().map(IpAddr::V6))
    }
}

/// An Elastic IP allocation, associated with one private address or idle (and charged).
#[derive(Debug, Clone)]
pub struct ElasticIp {
    pub id: String,
    pub name: Option<String>,
    pub public_ip: Ipv4Addr,
    pub association: Option<(EniIx, Ipv4Addr)>,
    /// The NAT gateway using it, if any.
    pub nat_gateway: Option<NatIx>,
}

#[derive(Debug, Clone)]
pub struct SecurityGroup {
    pub id: String,
    pub name: Option<String>,
    pub vpc: VpcIx,
    pub implicit: bool,
    pub inbound: Vec<SgRule>,
    pub outbound: Vec<SgRule>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SgRule {
    pub protocol: Protocol,
    pub ports: PortRange,
    /// For ICMP rules: which messages.
    pub icmp: IcmpMatch,
    pub peer: SgPeer,
}

/// The source (inbound) or destination (outbound) of a security group rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SgPeer {
    Cidr(IpNet),
    /// Matches the private addresses of the interfaces in that group.
    Group(SgIx),
    /// A prefix list (`pl-…`): any of its CIDR blocks.
    PrefixList(String, Vec<IpNet>),
}

#[derive(Debug, Clone)]
pub struct NetworkAcl {
    pub id: String,
    pub name: Option<String>,
    pub vpc: VpcIx,
    pub default: bool,
    pub implicit: bool,
    /// Sorted by rule number.
    pub inbound: Vec<AclRule>,
    pub outbound: Vec<AclRule>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AclRule {
    pub number: u32,
    pub protocol: Protocol,
    pub ports: PortRange,
    /// For ICMP rules: which messages.
    pub icmp: IcmpMatch,
    pub cidr: IpNet,
    pub allow: bool,
}

impl Model {
    /// Look an entity up by resource id.
    pub fn entity(&self, id: &str) -> Option<Entity> {
        self.by_id.get(id).copied()
    }

    /// Entities whose Name is `name` (names need not be unique).
    pub fn named(&self, name: &str) -> &[Entity] {
        self.by_name.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The `(id, name, kind)` of an entity, for traces and messages.
    pub fn describe(&self, e: Entity) -> (&str, Option<&str>, Kind) {
        match e {
            Entity::Vpc(i) => (&self.vpcs[i.0].id, self.vpcs[i.0].name.as_deref(), Kind::Vpc),
            Entity::Subnet(i) => (&self.subnets[i.0].id, self.subnets[i.0].name.as_deref(), Kind::Subnet),
            Entity::RouteTable(i) => {
                (&self.route_tables[i.0].id, self.route_tables[i.0].name.as_deref(), Kind::RouteTable)
            }
            Entity::InternetGateway(i) => (
                &self.internet_gateways[i.0].id,
                self.internet_gateways[i.0].name.as_deref(),
                Kind::InternetGateway,
            ),
            Entity::Instance(i) => {
                (&self.instances[i.0].id, self.instances[i.0].name.as_deref(), Kind::Instance)
            }
            Entity::NetworkInterface(i) => {
                (&self.interfaces[i.0].id, self.interfaces[i.0].name.as_deref(), Kind::NetworkInterface)
            }
            Entity::SecurityGroup(i) => (
                &self.security_groups[i.0].id,
                self.security_groups[i.0].name.as_deref(),
                Kind::SecurityGroup,
            ),
            Entity::NetworkAcl(i) => {
                (&self.network_acls[i.0].id, self.network_acls[i.0].name.as_deref(), Kind::NetworkAcl)
            }
            Entity::NatGateway(i) => {
                (&self.nat_gateways[i.0].id, self.nat_gateways[i.0].name.as_deref(), Kind::NatGateway)
            }
            Entity::Peering(i) => {
                (&self.peerings[i.0].id, self.peerings[i.0].name.as_deref(), Kind::VpcPeeringConnection)
            }
            Entity::TransitGateway(i) => (
                &self.transit_gateways[i.0].id,
                self.transit_gateways[i.0].name.as_deref(),
                Kind::TransitGateway,
            ),
            Entity::TgwAttachment(i) => (
                &self.tgw_attachments[i.0].id,
                self.tgw_attachments[i.0].name.as_deref(),
                Kind::TransitGatewayAttachment,
            ),
            Entity::EgressOnlyGateway(i) => (
                &self.egress_only_gateways[i.0].id,
                self.egress_only_gateways[i.0].name.as_deref(),
                Kind::EgressOnlyInternetGateway,
            ),
            Entity::LoadBalancer(i) => {
                (&self.load_balancers[i.0].id, self.load_balancers[i.0].name.as_deref(), Kind::LoadBalancer)
            }
            Entity::TargetGroup(i) => {
                (&self.target_groups[i.0].id, self.target_groups[i.0].name.as_deref(), Kind::TargetGroup)
            }
            Entity::VpnGateway(i) => {
                (&self.vpn_gateways[i.0].id, self.vpn_gateways[i.0].name.as_deref(), Kind::VpnGateway)
            }
            Entity::VpnConnection(i) => (
                &self.vpn_connections[i.0].id,
                self.vpn_connections[i.0].name.as_deref(),
                Kind::VpnConnection,
            ),
            Entity::GatewayEndpoint(i) => (
                &self.gateway_endpoints[i.0].id,
                self.gateway_endpoints[i.0].name.as_deref(),
                Kind::VpcEndpoint,
            ),
            Entity::TgwRouteTable(i) => (
                &self.tgw_route_tables[i.0].id,
                self.tgw_route_tables[i.0].name.as_deref(),
                Kind::TransitGatewayRouteTable,
            ),
        }
    }

    /// Name if set, else id.
    pub fn label(&self, e: Entity) -> String {
        let (id, name, _) = self.describe(e);
        label(id, name)
    }

    /// The interface holding private address `ip`, if any (in any VPC).
    pub fn interface_with_private_ip(&self, ip: IpAddr) -> Option<EniIx> {
        self.members.get(&ip).and_then(|v| v.first().copied())
    }

    /// The interface and private address that public address `ip` maps to, if any.
    pub fn interface_with_public_ip(&self, ip: IpAddr) -> Option<(EniIx, IpAddr)> {
        match self.public_holder(ip) {
            Some((Holder::Interface(e), private)) => Some((e, private)),
            _ => None,
        }
    }

    /// What holds private address `ip` in VPC `vpc`: an interface or a NAT gateway.
    pub fn holder(&self, vpc: VpcIx, ip: IpAddr) -> Option<Holder> {
        self.private.get(&(vpc, ip)).copied()
    }

    /// What public address `ip` belongs to (an interface's or a NAT gateway's Elastic IP),
    /// with the private address it maps to.
    pub fn public_holder(&self, ip: IpAddr) -> Option<(Holder, IpAddr)> {
        self.public.get(&ip).copied()
    }

    /// Rebuild the address indexes from the interfaces and NAT gateways. Called by the
    /// builder whenever it adds addresses, so lookups stay logarithmic in analyses.
    fn reindex_addresses(&mut self) {
        self.private.clear();
        self.public.clear();
        self.members.clear();
        for (i, e) in self.interfaces.iter().enumerate() {
            for a in e.own_addresses() {
                self.private.entry((e.vpc, a)).or_insert(Holder::Interface(EniIx(i)));
                self.members.entry(a).or_default().push(EniIx(i));
            }
            for (private, p) in &e.public_ips {
                let entry = (Holder::Interface(EniIx(i)), IpAddr::V4(*private));
                self.public.entry(IpAddr::V4(p.address)).or_insert(entry);
            }
            // IPv6 addresses are globally routable: each is its own public address.
            for a in &e.ipv6_ips {
                self.public.entry(IpAddr::V6(*a)).or_insert((Holder::Interface(EniIx(i)), IpAddr::V6(*a)));
            }
        }
        for (i, n) in self.nat_gateways.iter().enumerate() {
            self.private.entry((n.vpc, IpAddr::V4(n.private_ip))).or_insert(Holder::NatGateway(NatIx(i)));
            if let Some((_, eip)) = &n.elastic_ip {
                let entry = (Holder::NatGateway(NatIx(i)), IpAddr::V4(n.private_ip));
                self.public.entry(IpAddr::V4(*eip)).or_insert(entry);
            }
        }
    }

    /// Whether two VPCs are attached to one transit gateway that has security group
    /// referencing on (inbound rules only; vpc/latest/tgw/tgw-transit-gateways.html).
    pub fn tgw_referencing_between(&self, a: VpcIx, b: VpcIx) -> bool {
        self.transit_gateways.iter().enumerate().any(|(g, t)| {
            t.security_group_referencing
                && [a, b].iter().all(|v| self.tgw_attachments.iter().any(|x| x.tgw.0 == g && x.vpc == *v))
        })
    }

    /// The VPN connection whose on-premises networks hold `ip`, if any: the one a virtual
    /// private gateway would send it over (see [`Model::vpn_routes`]).
    pub fn on_premises(&self, ip: IpAddr) -> Option<VpnIx> {
        self.vpn_routes(None, ip).first().map(|r| r.connection)
    }

    /// Every route of the VPN connections of gateway `g` (of every gateway with `None`) that
    /// holds `ip`, best first: longest prefix, then a static route over a BGP one
    /// (vpn/latest/s2svpn/vpn-route-priority.html), then the connection listed first. AWS
    /// breaks a tie between BGP routes by AS path and MED and documents none between static
    /// ones; vpclab does not model AS paths, and the model warns about such ties.
    pub fn vpn_routes(&self, g: Option<VgwIx>, ip: IpAddr) -> Vec<VpnRoute> {
        let mut out: Vec<VpnRoute> = self
            .vpn_connections
            .iter()
            .enumerate()
            .filter(|(_, c)| g.is_none_or(|g| c.vgw == g))
            .flat_map(|(i, c)| {
                c.networks().filter(|(r, _)| r.contains(&ip)).map(move |(prefix, origin)| VpnRoute {
                    connection: VpnIx(i),
                    prefix,
                    origin,
                })
            })
            .collect();
        // Stable: at equal prefix and origin the connection listed first stays first.
        out.sort_by_key(|r| (std::cmp::Reverse(r.prefix.prefix_len()), r.origin));
        out
    }

    /// The active peering connection between two VPCs, if any.
    pub fn peering_between(&self, a: VpcIx, b: VpcIx) -> Option<PcxIx> {
        self.peerings.iter().position(|p| p.status == "active" && p.other(a) == Some(b)).map(PcxIx)
    }

    /// Whether a rule of a group in VPC `a` may reference a group of peered VPC `b`: only
    /// within one Region (vpc/latest/peering/vpc-peering-security-groups.html).
    pub fn same_region(&self, a: VpcIx, b: VpcIx) -> bool {
        self.vpcs[a.0].region == self.vpcs[b.0].region
    }

    /// The VPC whose CIDRs contain `ip`, if any.
    pub fn vpc_containing(&self, ip: IpAddr) -> Option<VpcIx> {
        self.vpcs.iter().position(|v| v.blocks().any(|c| c.contains(&ip))).map(VpcIx)
    }

    /// The stopped instance interface `e` is attached to, if it is attached to one: such an
    /// interface neither sends nor receives.
    pub fn stopped_instance(&self, e: &Interface) -> Option<InstIx> {
        e.attachment.map(|(i, _)| i).filter(|i| self.instances.get(i.0).is_some_and(|x| x.stopped))
    }

    /// Whether `ip` is a private address of an interface in security group `sg`.
    pub fn is_member_address(&self, sg: SgIx, ip: IpAddr) -> bool {
        self.members
            .get(&ip)
            .is_some_and(|v| v.iter().any(|e| self.interfaces[e.0].security_groups.contains(&sg)))
    }
}

mod build;
pub use build::build;
