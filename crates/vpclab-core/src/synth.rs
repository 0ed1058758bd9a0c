//! Synthetic topologies of any size, for benchmarks and property tests.
//!
//! Each VPC `k` is `10.k.0.0/16` with an internet gateway, a NAT gateway and an Elastic IP;
//! subnet `j` is `10.k.j.0/24` across three Availability Zones (subnet 0 public, the rest
//! private behind a custom network ACL); every instance has one interface; a web and an app
//! security group (the app group references the web group), padded with extra rules to reach
//! the requested rule count; neighbouring VPCs are peered with routes both ways.

use std::net::Ipv4Addr;

use crate::packet::{PortRange, Protocol};
use crate::topology::{
    AclAction, AclEntry, Attachment, ElasticIp, Instance, InternetGateway, NatGateway, NetworkAcl,
    NetworkInterface, Route, RouteTable, SecurityGroup, SgRule, Subnet, Topology, Vpc, VpcPeeringConnection,
};

/// How big to make it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    pub vpcs: u8,
    pub subnets_per_vpc: u8,
    pub instances_per_subnet: u8,
    /// Extra inbound rules per security group (each a distinct port range).
    pub extra_rules_per_group: u16,
}

impl Scale {
    /// Number of interfaces the topology will have.
    pub fn interfaces(&self) -> usize {
        usize::from(self.vpcs) * usize::from(self.subnets_per_vpc) * usize::from(self.instances_per_subnet)
    }
}

fn net(s: &str) -> ipnet::IpNet {
    s.parse().unwrap_or_else(|_| ipnet::IpNet::V4(ipnet::Ipv4Net::default()))
}

fn rule(protocol: Protocol, ports: Option<PortRange>, peer: &str) -> SgRule {
    SgRule {
        protocol,
        ports,
        icmp_type: None,
        icmp_code: None,
        peer: peer.to_string(),
        description: String::new(),
    }
}

/// A topology of the given scale. Subnets are capped at 250 per VPC and instances at 240 per
/// subnet (the address space of a /24).
pub fn topology(scale: Scale) -> Topology {
    let mut t = Topology::new();
    t.title = format!("synthetic: {} interfaces", scale.interfaces());
    let subnets = scale.subnets_per_vpc.min(250);
    let instances = scale.instances_per_subnet.min(240);
    for k in 0..scale.vpcs {
        let vpc = format!("vpc-{k}");
        t.vpcs.push(Vpc {
            ipv6_cidr_block: None,
            id: vpc.clone(),
            name: Some(format!("vpc{k}")),
            cidr_blocks: vec![net(&format!("10.{k}.0.0/16"))],
        });
        t.internet_gateways.push(InternetGateway {
            id: format!("igw-{k}"),
            name: None,
            vpc: Some(vpc.clone()),
        });
        let eip = format!("eipalloc-{k}");
        t.elastic_ips.push(ElasticIp {
            id: eip.clone(),
            name: None,
            public_ip: Ipv4Addr::new(54, k, 0, 1),
            association: None,
        });
        t.nat_gateways.push(NatGateway {
            id: format!("nat-{k}"),
            name: None,
            subnet: format!("subnet-{k}-0"),
            connectivity: Default::default(),
            private_ip: Some(Ipv4Addr::new(10, k, 0, 250)),
            elastic_ip: Some(eip),
        });
        let (web, app) = (format!("sg-{k}-web"), format!("sg-{k}-app"));
        let mut web_in = vec![rule(Protocol::Tcp, Some(PortRange::single(443)), "0.0.0.0/0")];
        let mut app_in = vec![rule(Protocol::Tcp, Some(PortRange::single(8080)), &web)];
        for r in 0..scale.extra_rules_per_group {
            let port = 10_000 + r;
            web_in.push(rule(
                Protocol::Tcp,
                Some(PortRange::single(port)),
                &format!("10.{k}.{}.0/24", r % 250),
            ));
            app_in.push(rule(Protocol::Udp, Some(PortRange::single(port)), "10.0.0.0/8"));
        }
        let all_out = vec![rule(Protocol::All, None, "0.0.0.0/0")];
        t.security_groups.push(SecurityGroup {
            id: web.clone(),
            name: Some("web".into()),
            vpc: vpc.clone(),
            description: String::new(),
            inbound: web_in,
            outbound: all_out.clone(),
        });
        t.security_groups.push(SecurityGroup {
            id: app.clone(),
            name: Some("app".into()),
            vpc: vpc.clone(),
            description: String::new(),
            inbound: app_in,
            outbound: all_out,
        });
        let entry = |rule: u32, protocol, ports, cidr: &str, action| AclEntry {
            rule,
            protocol,
            ports,
            icmp_type: None,
            icmp_code: None,
            cidr: net(cidr),
            action,
        };
        t.network_acls.push(NetworkAcl {
            id: format!("acl-{k}"),
            name: Some("private".into()),
            vpc: vpc.clone(),
            default: false,
            associations: (1..subnets).map(|j| format!("subnet-{k}-{j}")).collect(),
            inbound: vec![
                entry(100, Protocol::Tcp, Some(PortRange::single(8080)), "10.0.0.0/8", AclAction::Allow),
                entry(110, Protocol::Tcp, PortRange::new(1024, 65535), "0.0.0.0/0", AclAction::Allow),
                entry(120, Protocol::Udp, PortRange::new(10_000, 20_000), "10.0.0.0/8", AclAction::Allow),
            ],
            outbound: vec![entry(100, Protocol::All, None, "0.0.0.0/0", AclAction::Allow)],
        });
        let mut public_routes = vec![Route {
            destination: net("0.0.0.0/0").into(),
            target: format!("igw-{k}"),
            blackhole: false,
        }];
        let mut private_routes = vec![Route {
            destination: net("0.0.0.0/0").into(),
            target: format!("nat-{k}"),
            blackhole: false,
        }];
        for other in [k.checked_sub(1), k.checked_add(1).filter(|o| *o < scale.vpcs)].into_iter().flatten() {
            let (a, b) = (k.min(other), k.max(other));
            let pcx = format!("pcx-{a}-{b}");
            for routes in [&mut public_routes, &mut private_routes] {
                routes.push(Route {
                    destination: net(&format!("10.{other}.0.0/16")).into(),
                    target: pcx.clone(),
                    blackhole: false,
                });
            }
        }
        t.route_tables.push(RouteTable {
            id: format!("rtb-{k}-public"),
            name: Some("public".into()),
            vpc: vpc.clone(),
            main: false,
            associations: vec![format!("subnet-{k}-0")],
            routes: public_routes,
            propagating_gateways: Vec::new(),
        });
        t.route_tables.push(RouteTable {
            id: format!("rtb-{k}-private"),
            name: Some("private".into()),
            vpc: vpc.clone(),
            main: true,
            associations: Vec::new(),
            routes: private_routes,
            propagating_gateways: Vec::new(),
        });
        if k > 0 {
            t.vpc_peering_connections.push(VpcPeeringConnection {
                id: format!("pcx-{}-{k}", k - 1),
                name: None,
                requester_vpc: format!("vpc-{}", k - 1),
                accepter_vpc: vpc.clone(),
                status: "active".into(),
            });
        }
        for j in 0..subnets {
            let subnet = format!("subnet-{k}-{j}");
            let az = ["us-east-1a", "us-east-1b", "us-east-1c"][usize::from(j % 3)];
            t.subnets.push(Subnet {
                ipv6_cidr_block: None,
                id: subnet.clone(),
                name: None,
                vpc: vpc.clone(),
                availability_zone: az.into(),
                cidr_block: net(&format!("10.{k}.{j}.0/24")),
                map_public_ip_on_launch: j == 0,
                planned_hosts: None,
            });
            for i in 0..instances {
                let id = format!("{k}-{j}-{i}");
                t.instances.push(Instance {
                    id: format!("i-{id}"),
                    name: None,
                    instance_type: "t3.micro".into(),
                    availability_zone: None,
                    source_nat: false,
                });
                t.network_interfaces.push(NetworkInterface {
                    id: format!("eni-{id}"),
                    name: None,
                    subnet: subnet.clone(),
                    private_ip: Ipv4Addr::new(10, k, j, 10 + i),
                    secondary_private_ips: Vec::new(),
                    ipv6_addresses: Vec::new(),
                    mac_address: None,
                    interface_type: None,
                    public_ip: (j == 0).then(|| Ipv4Addr::new(52, k, j, 10 + i)),
                    security_groups: vec![if j == 0 { web.clone() } else { app.clone() }],
                    source_dest_check: true,
                    attachment: Some(Attachment { instance: format!("i-{id}"), device_index: 0 }),
                });
            }
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_topologies_are_valid_at_every_scale() {
        for scale in [
            Scale { vpcs: 1, subnets_per_vpc: 2, instances_per_subnet: 2, extra_rules_per_group: 0 },
            Scale { vpcs: 3, subnets_per_vpc: 4, instances_per_subnet: 5, extra_rules_per_group: 10 },
        ] {
            let (m, d) = crate::model::build(&topology(scale));
            assert!(d.is_empty(), "{d:#?}");
            assert_eq!(m.interfaces.len(), scale.interfaces());
            assert_eq!(m.peerings.len(), usize::from(scale.vpcs) - 1);
        }
    }
}
