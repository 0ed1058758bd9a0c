//! The topology: what users edit, save and share.
//!
//! These are the only serializable types of the engine. They mirror AWS's nouns and
//! fields (as `aws ec2 describe-*` shows them) so that a learner recognises them, and they
//! hold references as resource ids (`"subnet-web-a"`), exactly as AWS does. Nothing here is
//! validated: a topology may be half-built while someone edits it. [`crate::model::build`]
//! turns it into a checked model plus diagnostics.
//!
//! Versioning: every file carries `"format"`. Changing the meaning of a field means a new
//! format number and a migration in [`Topology::from_json`]; adding an optional field with
//! a default does not.

use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use crate::json_path::{self, Segment};
use crate::packet::{PortRange, Protocol};

/// The topology format this build writes. It reads this one and every older one.
pub const FORMAT_VERSION: u32 = 1;

/// A whole network: the unit that is saved, shared and analysed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Topology {
    /// Format version; see the module documentation.
    pub format: u32,
    /// A title for people (shown in the page header).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(default = "default_region")]
    pub region: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vpcs: Vec<Vpc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subnets: Vec<Subnet>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub route_tables: Vec<RouteTable>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub internet_gateways: Vec<InternetGateway>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub egress_only_internet_gateways: Vec<EgressOnlyInternetGateway>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instances: Vec<Instance>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub network_interfaces: Vec<NetworkInterface>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub elastic_ips: Vec<ElasticIp>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_groups: Vec<SecurityGroup>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub network_acls: Vec<NetworkAcl>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nat_gateways: Vec<NatGateway>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vpc_peering_connections: Vec<VpcPeeringConnection>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vpc_endpoints: Vec<VpcEndpoint>,
    /// AWS-managed prefix lists (`aws ec2 describe-prefix-lists`): the address ranges of
    /// services such as S3 and DynamoDB.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefix_lists: Vec<PrefixList>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vpn_gateways: Vec<VpnGateway>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub customer_gateways: Vec<CustomerGateway>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vpn_connections: Vec<VpnConnection>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub load_balancers: Vec<LoadBalancer>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub target_groups: Vec<TargetGroup>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transit_gateways: Vec<TransitGateway>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transit_gateway_attachments: Vec<TransitGatewayAttachment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transit_gateway_route_tables: Vec<TransitGatewayRouteTable>,
    /// Auto Scaling groups: the instances they run are added when the model is built.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub auto_scaling_groups: Vec<AutoScalingGroup>,
    /// Where the editor drew each resource, by id. Not part of the network.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub layout: BTreeMap<String, Position>,
}

fn default_region() -> String {
    "us-east-1".to_string()
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A point on the editor's canvas.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Position {
    pub x: f64,
    pub y: f64,
}

/// A virtual private cloud.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vpc {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// IPv4 CIDR blocks; the first is the primary one.
    pub cidr_blocks: Vec<IpNet>,
    /// The IPv6 block (an Amazon-provided /56 in the common case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_cidr_block: Option<IpNet>,
    /// The Region it is in when not the topology's `region` (the other side of an
    /// inter-Region peering). Its subnets' Availability Zones must be in it; a security group
    /// rule can reference a peer VPC's group only within one Region
    /// (vpc/latest/peering/vpc-peering-security-groups.html), and a transit gateway (in the
    /// topology's Region) attaches only VPCs of its own Region. Nothing else looks at it:
    /// gateway endpoints use the topology Region's service ranges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// A subnet: one CIDR block in one Availability Zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subnet {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub vpc: String,
    pub availability_zone: String,
    pub cidr_block: IpNet,
    /// The subnet's IPv6 block (a /64 of the VPC's block in the common case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_cidr_block: Option<IpNet>,
    /// Whether new interfaces get a public IPv4 address (the subnet setting
    /// `MapPublicIpOnLaunch`). Informational: the addresses themselves are on the interfaces.
    #[serde(default, skip_serializing_if = "is_false")]
    pub map_public_ip_on_launch: bool,
    /// How many addresses the design needs here (a planning note, not an AWS setting): lint
    /// checks the block has room once AWS has reserved its five.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned_hosts: Option<u32>,
}

/// A route table. Every table implicitly holds a `local` route for each VPC CIDR.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteTable {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub vpc: String,
    /// The VPC's main route table, used by every subnet without an explicit association.
    #[serde(default, skip_serializing_if = "is_false")]
    pub main: bool,
    /// Subnets explicitly associated with this table.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub associations: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<Route>,
    /// Virtual private gateways whose VPN routes propagate into this table.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub propagating_gateways: Vec<String>,
}

/// A route: destination CIDR or prefix list to a target, named by id (`igw-…`, `nat-…`,
/// `eni-…`, `i-…`, `pcx-…`) or `local`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub destination: RouteDestination,
    pub target: String,
    /// AWS's `blackhole` state: the target was deleted, and matching traffic is dropped.
    #[serde(default, skip_serializing_if = "is_false")]
    pub blackhole: bool,
}

/// Where a route leads: a CIDR block, or a prefix list (`pl-…`, one of the topology's
/// `prefix_lists`) standing for all of its entries, as the console's Destination column
/// shows either (vpc/latest/userguide/managed-prefix-lists.html).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteDestination {
    Cidr(IpNet),
    PrefixList(String),
}

impl From<IpNet> for RouteDestination {
    fn from(c: IpNet) -> Self {
        RouteDestination::Cidr(c)
    }
}

impl std::fmt::Display for RouteDestination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RouteDestination::Cidr(c) => c.fmt(f),
            RouteDestination::PrefixList(id) => f.write_str(id),
        }
    }
}

impl Serialize for RouteDestination {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for RouteDestination {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s.starts_with("pl-") {
            return Ok(RouteDestination::PrefixList(s));
        }
        s.parse().map(RouteDestination::Cidr).map_err(|_| {
            serde::de::Error::custom(format!(
                "invalid destination {s:?}: expected a CIDR block (10.1.0.0/16) or a prefix list id (pl-…)"
            ))
        })
    }
}

/// An internet gateway, attached to at most one VPC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InternetGateway {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The attached VPC; `None` when detached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<String>,
}

/// An egress-only internet gateway: IPv6 out, and replies back in; nothing initiated from the
/// internet (vpc/latest/userguide/egress-only-internet-gateway.html).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EgressOnlyInternetGateway {
    /// `eigw-…`.
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub vpc: String,
}

/// An EC2 Auto Scaling group: `desired_capacity` instances launched evenly across the
/// Availability Zones of its subnets and registered in its target groups
/// (autoscaling/ec2/userguide/auto-scaling-benefits.html#arch-AutoScalingMultipleAZs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoScalingGroup {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The subnets it launches into (AWS's VPCZoneIdentifier).
    pub subnets: Vec<String>,
    pub min_size: u32,
    pub desired_capacity: u32,
    pub max_size: u32,
    /// From its launch template.
    pub instance_type: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_groups: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub target_groups: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ami: Option<String>,
}

/// An EC2 instance. Its network interfaces point at it (see [`Attachment`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// E.g. `t3.micro`: it bounds the number of interfaces and addresses per interface.
    pub instance_type: String,
    /// The Availability Zone it runs in; checked against its interfaces' subnets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
    /// A NAT instance: its operating system rewrites the source of traffic it forwards to its
    /// own address (iptables MASQUERADE). Not an AWS setting, so vpclab asks for it; it still
    /// needs source/destination check off (vpc/latest/userguide/work-with-nat-instances.html).
    #[serde(default, skip_serializing_if = "is_false")]
    pub source_nat: bool,
    /// The AMI it was launched from: with the user data, what the provisioning timeline
    /// compares (bootstrapping vs baking). Recorded only; it does not change reachability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ami: Option<String>,
    /// The user data script run at first boot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_data: Option<String>,
    /// `running` (default) or `stopped`. A stopped instance's interfaces neither send nor
    /// receive, and its auto-assigned public IPv4 address is released (it gets a new one when
    /// started); an Elastic IP stays associated
    /// (AWSEC2/latest/UserGuide/using-instance-addressing.html#concepts-public-addresses).
    #[serde(default, skip_serializing_if = "InstanceState::is_running")]
    pub state: InstanceState,
}

/// Whether an instance runs (describe-instances `State.Name`; `pending` counts as running,
/// `stopping` as stopped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InstanceState {
    #[default]
    Running,
    Stopped,
}

impl InstanceState {
    fn is_running(&self) -> bool {
        *self == InstanceState::Running
    }
}

/// An elastic network interface.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkInterface {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub subnet: String,
    /// The primary private IPv4 address.
    pub private_ip: Ipv4Addr,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secondary_private_ips: Vec<Ipv4Addr>,
    /// IPv6 addresses (globally routable: there is no IPv6 NAT).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipv6_addresses: Vec<std::net::Ipv6Addr>,
    /// An auto-assigned public IPv4 address, mapped to the primary private address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<Ipv4Addr>,
    /// Security group ids. Empty means the VPC's default group, as in AWS.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_groups: Vec<String>,
    /// Drop traffic not addressed to / from this interface (AWS default: on).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub source_dest_check: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<Attachment>,
    /// Its MAC address: it stays with the interface when the interface moves to another
    /// instance (what MAC-bound licences rely on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac_address: Option<String>,
    /// `interface` (default), `efa`, `trunk`, …: informational.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interface_type: Option<String>,
}

/// Where an interface is attached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    pub instance: String,
    /// 0 is the primary interface (eth0), which cannot be detached.
    pub device_index: u32,
}

/// An Elastic IP address, associated with one private address of an interface or idle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElasticIp {
    /// The allocation id (`eipalloc-…`).
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub public_ip: Ipv4Addr,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub association: Option<EipAssociation>,
}

/// The private address an Elastic IP maps to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EipAssociation {
    pub network_interface: String,
    /// Defaults to the interface's primary private address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_ip: Option<Ipv4Addr>,
}

/// A security group: allow rules only, stateful.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityGroup {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub vpc: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default)]
    pub inbound: Vec<SgRule>,
    #[serde(default)]
    pub outbound: Vec<SgRule>,
}

/// One security group rule. `peer` is the source of an inbound rule and the destination
/// of an outbound one: a CIDR block or a security group id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SgRule {
    pub protocol: Protocol,
    /// Port range for TCP/UDP; ignored for other protocols. Omitted means all ports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ports: Option<PortRange>,
    /// ICMP message type for ICMP and ICMPv6 rules (8 echo request, 0 echo reply...);
    /// omitted means all types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icmp_type: Option<u8>,
    /// ICMP code, with `icmp_type`; omitted means all codes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icmp_code: Option<u8>,
    #[serde(alias = "source", alias = "destination")]
    pub peer: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// A network ACL: numbered rules, lowest first, first match decides, stateless.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkAcl {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub vpc: String,
    /// The VPC's default ACL, used by every subnet without an explicit association.
    #[serde(default, skip_serializing_if = "is_false")]
    pub default: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub associations: Vec<String>,
    #[serde(default)]
    pub inbound: Vec<AclEntry>,
    #[serde(default)]
    pub outbound: Vec<AclEntry>,
}

/// One network ACL entry. The final implicit `*` entry denies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AclEntry {
    /// Rule number, 1-32766.
    pub rule: u32,
    pub protocol: Protocol,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ports: Option<PortRange>,
    /// ICMP message type for ICMP and ICMPv6 rules; omitted means all types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icmp_type: Option<u8>,
    /// ICMP code, with `icmp_type`; omitted means all codes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icmp_code: Option<u8>,
    pub cidr: IpNet,
    pub action: AclAction,
}

/// What a matching network ACL entry does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AclAction {
    Allow,
    Deny,
}

/// A NAT gateway: source NAT for the subnets that route to it
/// (vpc/latest/userguide/vpc-nat-gateway.html).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NatGateway {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The subnet it lives in (one subnet, one Availability Zone).
    pub subnet: String,
    /// `public` (default: reaches the internet through the VPC's internet gateway with its
    /// Elastic IP) or `private` (other VPCs or on-premises only).
    #[serde(default, skip_serializing_if = "is_public")]
    pub connectivity: Connectivity,
    /// Its private address in the subnet; the first free usable one when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_ip: Option<Ipv4Addr>,
    /// The Elastic IP allocation (`eipalloc-…`) of a public NAT gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elastic_ip: Option<String>,
}

/// Whether a NAT gateway reaches the internet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Connectivity {
    #[default]
    Public,
    Private,
}

fn is_public(c: &Connectivity) -> bool {
    *c == Connectivity::Public
}

/// A VPC peering connection between two VPCs (vpc/latest/peering/).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VpcPeeringConnection {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub requester_vpc: String,
    pub accepter_vpc: String,
    /// `active` (default), `pending-acceptance`, `rejected`, `deleted`, …: only an active
    /// connection carries traffic.
    #[serde(default = "active", skip_serializing_if = "is_active")]
    pub status: String,
}

fn active() -> String {
    "active".to_string()
}

fn is_active(s: &String) -> bool {
    s == "active"
}

/// A VPC endpoint. Gateway endpoints (S3, DynamoDB) add a route from the service's prefix
/// list to themselves in each associated route table
/// (vpc/latest/privatelink/gateway-endpoints.html).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VpcEndpoint {
    /// `vpce-…`.
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub vpc: String,
    /// `s3`, `dynamodb`, or the full name (`com.amazonaws.us-east-1.s3`).
    pub service: String,
    /// `gateway` (default) or `interface`.
    #[serde(default = "gateway", skip_serializing_if = "is_gateway", rename = "type")]
    pub endpoint_type: String,
    /// Route tables the gateway endpoint's routes are added to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub route_tables: Vec<String>,
    /// Interface endpoints: one subnet per Availability Zone, where AWS creates its network
    /// interfaces (vpc/latest/privatelink/create-interface-endpoint.html).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subnets: Vec<String>,
    /// Interface endpoints: the security groups of its network interfaces (the VPC's default
    /// group when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_groups: Vec<String>,
}

fn gateway() -> String {
    "gateway".to_string()
}

fn is_gateway(s: &String) -> bool {
    s == "gateway"
}

/// A prefix list: a named set of CIDR blocks (`pl-…`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrefixList {
    pub id: String,
    /// The service name for AWS-managed lists, e.g. `com.amazonaws.us-east-1.s3`.
    pub name: String,
    pub cidrs: Vec<IpNet>,
}

/// A virtual private gateway: the VPC's end of site-to-site VPN connections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VpnGateway {
    /// `vgw-…`.
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The attached VPC; `None` when detached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<String>,
}

/// A customer gateway: the on-premises device, at a public address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerGateway {
    /// `cgw-…`.
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub ip_address: Ipv4Addr,
}

/// A site-to-site VPN connection between a virtual private gateway and a customer gateway,
/// with the on-premises networks it reaches: its static routes, the prefixes the customer
/// gateway advertises over BGP, or both.
///
/// AWS configures a connection for static routing (`routes`, StaticRoutesOnly) or dynamic
/// routing (BGP, `bgp_routes`) (vpn/latest/s2svpn/VPNRoutingTypes.html); vpclab accepts both
/// on one connection, with a warning. An address inside either list is an on-premises host
/// behind the connection. When several routes of a gateway's connections hold an address, the
/// gateway takes the longest prefix, then a static route over a BGP one
/// (vpn/latest/s2svpn/vpn-route-priority.html), then the connection listed first (AWS compares
/// BGP AS paths and MEDs there, which vpclab does not model; the model warns).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VpnConnection {
    /// `vpn-…`.
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub vpn_gateway: String,
    pub customer_gateway: String,
    /// The on-premises CIDR blocks (the connection's static routes).
    #[serde(default)]
    pub routes: Vec<IpNet>,
    /// The on-premises CIDR blocks the customer gateway advertises over BGP (dynamic
    /// routing). Not in `describe-vpn-connections`: the importer leaves it empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bgp_routes: Vec<IpNet>,
}

/// An Application or Network Load Balancer (elasticloadbalancing/latest/).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancer {
    /// The load balancer's name (or ARN), as it is referred to.
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `application` or `network`.
    #[serde(rename = "type")]
    pub lb_type: String,
    /// `internet-facing` (default) or `internal`.
    #[serde(default = "internet_facing", skip_serializing_if = "is_internet_facing")]
    pub scheme: String,
    pub vpc: String,
    /// One subnet per Availability Zone: a load balancer node in each.
    pub subnets: Vec<String>,
    /// Required for an ALB; optional for an NLB (none: no filtering).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_groups: Vec<String>,
    pub listeners: Vec<Listener>,
    /// Cross-zone load balancing; AWS default: on for ALB, off for NLB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_zone: Option<bool>,
    /// The nodes' addresses by subnet, when known (AWS assigns them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nodes: Vec<LoadBalancerNode>,
}

fn internet_facing() -> String {
    "internet-facing".to_string()
}

fn is_internet_facing(s: &String) -> bool {
    s == "internet-facing"
}

/// A listener: a protocol and port the load balancer accepts, forwarded to a target group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Listener {
    /// HTTP, HTTPS (ALB); TCP, UDP, TLS, TCP_UDP (NLB).
    pub protocol: String,
    pub port: u16,
    pub target_group: String,
}

/// A load balancer node's addresses in one subnet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancerNode {
    pub subnet: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_ip: Option<Ipv4Addr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<Ipv4Addr>,
}

/// A target group: where a listener sends connections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetGroup {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub protocol: String,
    /// The port targets listen on, unless a target says otherwise.
    pub port: u16,
    /// `instance` (default) or `ip`.
    #[serde(default = "instance_targets", skip_serializing_if = "is_instance_targets")]
    pub target_type: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<TargetSpec>,
    /// NLB: targets see the client's address (AWS default: on for instance targets, off for
    /// IP targets). ALB targets always see the load balancer's address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preserve_client_ip: Option<bool>,
}

fn instance_targets() -> String {
    "instance".to_string()
}

fn is_instance_targets(s: &String) -> bool {
    s == "instance"
}

/// One registered target: an instance id or an IP address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetSpec {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// Whether health checks pass (unhealthy targets get no traffic).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub healthy: bool,
}

/// A transit gateway: a regional router between attached VPCs
/// (vpc/latest/tgw/how-transit-gateways-work.html).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitGateway {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New attachments are associated with the default route table (AWS default: on).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub default_route_table_association: bool,
    /// New attachments propagate to the default route table (AWS default: on).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub default_route_table_propagation: bool,
    /// Security group rules may reference groups across this gateway (AWS default: off).
    #[serde(default, skip_serializing_if = "is_false")]
    pub security_group_referencing: bool,
}

/// A VPC attachment: one subnet per Availability Zone where the gateway has an interface.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitGatewayAttachment {
    /// `tgw-attach-…`.
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub transit_gateway: String,
    pub vpc: String,
    pub subnets: Vec<String>,
    /// The associated transit gateway route table; omitted: the gateway's default one, if
    /// default association is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_table: Option<String>,
    /// The route tables this attachment propagates its VPC's CIDRs to; omitted: the default
    /// one, if default propagation is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub propagations: Option<Vec<String>>,
}

/// A transit gateway route table: static routes here, propagated ones from attachments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitGatewayRouteTable {
    /// `tgw-rtb-…`.
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub transit_gateway: String,
    /// The gateway's default association and propagation table.
    #[serde(default, skip_serializing_if = "is_false")]
    pub default: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<TransitGatewayRoute>,
}

/// A static transit gateway route: to an attachment, or a blackhole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitGatewayRoute {
    pub destination: IpNet,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub blackhole: bool,
}

/// Why a topology document could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("not a vpclab topology: {0}")]
    Json(#[from] serde_json::Error),
    /// Valid JSON whose field does not fit: `at` names the entity and field.
    #[error("{at}: {message}")]
    Field { at: String, message: String },
    #[error("topology format {found} is newer than this vpclab understands (up to {FORMAT_VERSION}); update vpclab")]
    TooNew { found: u32 },
    #[error("topology has no \"format\" field: is this a vpclab topology file?")]
    NoFormat,
}

/// Where a decoding error is, for people: `security_groups[1] "sg-web": inbound[0].icmp_type`.
fn locate(value: &serde_json::Value, path: &[Segment]) -> String {
    if let [Segment::Key(key), Segment::Index(index), rest @ ..] = path {
        let id =
            value.get(key).and_then(|l| l.get(*index)).and_then(|e| e.get("id")).and_then(|i| i.as_str());
        let entity = match id {
            Some(id) => format!("{key}[{index}] {id:?}"),
            None => format!("{key}[{index}]"),
        };
        return if rest.is_empty() { entity } else { format!("{entity}: {}", json_path::render(rest)) };
    }
    json_path::render(path)
}

impl Default for Topology {
    fn default() -> Self {
        Topology::new()
    }
}

impl Topology {
    /// An empty topology of the current format.
    pub fn new() -> Topology {
        Topology {
            format: FORMAT_VERSION,
            title: String::new(),
            region: default_region(),
            vpcs: Vec::new(),
            subnets: Vec::new(),
            route_tables: Vec::new(),
            internet_gateways: Vec::new(),
            egress_only_internet_gateways: Vec::new(),
            instances: Vec::new(),
            network_interfaces: Vec::new(),
            elastic_ips: Vec::new(),
            security_groups: Vec::new(),
            network_acls: Vec::new(),
            nat_gateways: Vec::new(),
            vpc_peering_connections: Vec::new(),
            vpc_endpoints: Vec::new(),
            prefix_lists: Vec::new(),
            vpn_gateways: Vec::new(),
            customer_gateways: Vec::new(),
            vpn_connections: Vec::new(),
            load_balancers: Vec::new(),
            target_groups: Vec::new(),
            transit_gateways: Vec::new(),
            transit_gateway_attachments: Vec::new(),
            transit_gateway_route_tables: Vec::new(),
            auto_scaling_groups: Vec::new(),
            layout: BTreeMap::new(),
        }
    }

    /// Read a topology from JSON, migrating older formats.
    ///
    /// Fails only when the text is not a topology at all; an inconsistent topology reads
    /// fine and gets diagnostics from [`crate::model::build`].
    pub fn from_json(text: &str) -> Result<Topology, LoadError> {
        let value: serde_json::Value = serde_json::from_str(text)?;
        match value.get("format").and_then(serde_json::Value::as_u64) {
            None => Err(LoadError::NoFormat),
            Some(v) if v > u64::from(FORMAT_VERSION) => {
                Err(LoadError::TooNew { found: u32::try_from(v).unwrap_or(u32::MAX) })
            }
            // Parse the text again rather than the value: errors then carry line and column,
            // whose path `locate` turns into the entity's id and field.
            Some(_) => serde_json::from_str(text).map_err(|e| LoadError::Field {
                at: locate(&value, &json_path::of_error(text, &e)),
                message: e.to_string(),
            }),
        }
    }

    /// Pretty JSON, as saved to files.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The topology as a JSON tree, for edits that work field by field. It goes through
    /// [`Topology::to_json_pretty`] on purpose: one serializer for the whole format keeps
    /// the page's WebAssembly small (each serializer type copies every struct's code).
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::from_str(&self.to_json_pretty()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_that_does_not_fit_is_named_with_its_entity() {
        let text = r#"{"format": 1, "security_groups": [
            {"id": "sg-web", "vpc": "vpc-1", "inbound": [{"protocol": "icmp", "icmp_type": 300, "peer": "10.0.0.0/8"}]}]}"#;
        let msg = Topology::from_json(text).err().map(|e| e.to_string());
        let expected = r#"security_groups[0] "sg-web": inbound[0].icmp_type: invalid value: integer `300`"#;
        assert!(msg.as_deref().is_some_and(|m| m.starts_with(expected)), "{msg:?}");
    }

    #[test]
    fn a_bad_top_level_field_is_named_too() {
        let msg = Topology::from_json(r#"{"format": 1, "vpcs": 3}"#).err().map(|e| e.to_string());
        assert!(msg.as_deref().is_some_and(|m| m.starts_with("vpcs: invalid type")), "{msg:?}");
    }
}
