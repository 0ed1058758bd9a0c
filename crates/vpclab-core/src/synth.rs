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
            region: None,
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
                    ami: None,
                    user_data: None,
                    state: Default::default(),
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

/// `t` as an AWS snapshot (one JSON object merging `aws ec2 describe-*` outputs), to time the
/// importer at scale. It writes only the kinds [`topology`] generates: VPCs, subnets, internet
/// and NAT gateways, security groups, network ACLs, route tables, peering connections,
/// instances and their interfaces.
pub fn aws_snapshot(t: &Topology) -> serde_json::Value {
    use serde_json::{json, Value};
    let tags = |name: &Option<String>| -> Value {
        name.as_ref().map(|n| json!([{"Key": "Name", "Value": n}])).unwrap_or_else(|| json!([]))
    };
    let ports = |p: Option<PortRange>| -> (i64, i64) {
        p.map(|p| (i64::from(p.first()), i64::from(p.last()))).unwrap_or((-1, -1))
    };
    let sg_protocol = |p: Protocol| match p {
        Protocol::All => "-1".to_string(),
        p => p.to_string(),
    };
    let sg_rules = |rules: &[SgRule]| -> Vec<Value> {
        rules
            .iter()
            .map(|r| {
                let (from, to) = ports(r.ports);
                let mut perm = json!({"IpProtocol": sg_protocol(r.protocol), "FromPort": from, "ToPort": to,
                                      "IpRanges": [], "UserIdGroupPairs": []});
                if r.peer.starts_with("sg-") {
                    perm["UserIdGroupPairs"] = json!([{"GroupId": r.peer}]);
                } else {
                    perm["IpRanges"] = json!([{"CidrIp": r.peer}]);
                }
                perm
            })
            .collect()
    };
    let vpcs: Vec<Value> = t
        .vpcs
        .iter()
        .map(|v| {
            let blocks: Vec<Value> = v
                .cidr_blocks
                .iter()
                .map(|c| json!({"CidrBlock": c.to_string(), "CidrBlockState": {"State": "associated"}}))
                .collect();
            json!({"VpcId": v.id, "State": "available", "CidrBlock": v.cidr_blocks.first().map(|c| c.to_string()),
                   "CidrBlockAssociationSet": blocks, "Tags": tags(&v.name)})
        })
        .collect();
    let subnets: Vec<Value> = t
        .subnets
        .iter()
        .map(|s| {
            json!({"SubnetId": s.id, "VpcId": s.vpc, "CidrBlock": s.cidr_block.to_string(),
                   "AvailabilityZone": s.availability_zone, "MapPublicIpOnLaunch": s.map_public_ip_on_launch,
                   "Tags": tags(&s.name)})
        })
        .collect();
    let igws: Vec<Value> = t
        .internet_gateways
        .iter()
        .map(|g| {
            let attachments: Vec<Value> =
                g.vpc.iter().map(|v| json!({"State": "available", "VpcId": v})).collect();
            json!({"InternetGatewayId": g.id, "Attachments": attachments, "Tags": tags(&g.name)})
        })
        .collect();
    let nats: Vec<Value> = t
        .nat_gateways
        .iter()
        .map(|n| {
            let vpc = t.subnets.iter().find(|s| s.id == n.subnet).map(|s| s.vpc.clone());
            let eip = t.elastic_ips.iter().find(|e| Some(&e.id) == n.elastic_ip.as_ref());
            json!({"NatGatewayId": n.id, "VpcId": vpc, "SubnetId": n.subnet, "State": "available",
                   "ConnectivityType": "public",
                   "NatGatewayAddresses": [{"AllocationId": n.elastic_ip, "PublicIp": eip.map(|e| e.public_ip.to_string()),
                                            "PrivateIp": n.private_ip.map(|ip| ip.to_string()),
                                            "NetworkInterfaceId": format!("eni-{}", n.id)}]})
        })
        .collect();
    let groups: Vec<Value> = t
        .security_groups
        .iter()
        .map(|g| {
            json!({"GroupId": g.id, "GroupName": g.name.clone().unwrap_or_else(|| g.id.clone()), "VpcId": g.vpc,
                   "Description": g.description, "IpPermissions": sg_rules(&g.inbound),
                   "IpPermissionsEgress": sg_rules(&g.outbound)})
        })
        .collect();
    let acls: Vec<Value> = t
        .network_acls
        .iter()
        .map(|a| {
            let entries: Vec<Value> = [(false, &a.inbound), (true, &a.outbound)]
                .into_iter()
                .flat_map(|(egress, entries)| entries.iter().map(move |e| (egress, e)))
                .map(|(egress, e)| {
                    let protocol = e.protocol.number().map(|n| n.to_string()).unwrap_or_else(|| "-1".into());
                    let mut v = json!({"RuleNumber": e.rule, "Egress": egress, "Protocol": protocol,
                                       "RuleAction": if e.action == AclAction::Allow { "allow" } else { "deny" },
                                       "CidrBlock": e.cidr.to_string()});
                    if let Some(p) = e.ports {
                        v["PortRange"] = json!({"From": p.first(), "To": p.last()});
                    }
                    v
                })
                .collect();
            let assoc: Vec<Value> = a.associations.iter().map(|s| json!({"SubnetId": s})).collect();
            json!({"NetworkAclId": a.id, "VpcId": a.vpc, "IsDefault": a.default, "Associations": assoc,
                   "Entries": entries, "Tags": tags(&a.name)})
        })
        .collect();
    let tables: Vec<Value> = t
        .route_tables
        .iter()
        .map(|r| {
            let mut assoc: Vec<Value> = r.associations.iter().map(|s| json!({"SubnetId": s})).collect();
            if r.main {
                assoc.push(json!({"Main": true}));
            }
            let local = t.vpcs.iter().filter(|v| v.id == r.vpc).flat_map(|v| &v.cidr_blocks);
            let mut routes: Vec<Value> =
                local.map(|c| json!({"DestinationCidrBlock": c.to_string(), "GatewayId": "local"})).collect();
            for route in &r.routes {
                let key = match route.target.split('-').next() {
                    Some("nat") => "NatGatewayId",
                    Some("pcx") => "VpcPeeringConnectionId",
                    _ => "GatewayId",
                };
                routes.push(json!({"DestinationCidrBlock": route.destination.to_string(), key: route.target,
                                   "State": "active"}));
            }
            json!({"RouteTableId": r.id, "VpcId": r.vpc, "Associations": assoc, "Routes": routes,
                   "Tags": tags(&r.name)})
        })
        .collect();
    let peerings: Vec<Value> = t
        .vpc_peering_connections
        .iter()
        .map(|p| {
            json!({"VpcPeeringConnectionId": p.id, "RequesterVpcInfo": {"VpcId": p.requester_vpc},
                   "AccepterVpcInfo": {"VpcId": p.accepter_vpc}, "Status": {"Code": p.status}})
        })
        .collect();
    let instances: Vec<Value> = t
        .instances
        .iter()
        .map(|i| {
            let az = t
                .network_interfaces
                .iter()
                .find(|e| e.attachment.as_ref().is_some_and(|a| a.instance == i.id))
                .and_then(|e| t.subnets.iter().find(|s| s.id == e.subnet))
                .map(|s| s.availability_zone.clone());
            json!({"InstanceId": i.id, "InstanceType": i.instance_type, "State": {"Name": "running"},
                   "Placement": {"AvailabilityZone": az}, "Tags": tags(&i.name)})
        })
        .collect();
    let interfaces: Vec<Value> = t
        .network_interfaces
        .iter()
        .map(|e| {
            let vpc = t.subnets.iter().find(|s| s.id == e.subnet).map(|s| s.vpc.clone());
            let groups: Vec<Value> = e.security_groups.iter().map(|g| json!({"GroupId": g})).collect();
            let mut v = json!({"NetworkInterfaceId": e.id, "SubnetId": e.subnet, "VpcId": vpc,
                               "InterfaceType": "interface", "Status": "in-use",
                               "PrivateIpAddress": e.private_ip.to_string(),
                               "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": e.private_ip.to_string()}],
                               "Groups": groups, "SourceDestCheck": e.source_dest_check});
            if let Some(ip) = e.public_ip {
                v["Association"] = json!({"PublicIp": ip.to_string()});
                v["PrivateIpAddresses"][0]["Association"] = json!({"PublicIp": ip.to_string()});
            }
            if let Some(a) = &e.attachment {
                v["Attachment"] =
                    json!({"InstanceId": a.instance, "DeviceIndex": a.device_index, "Status": "attached"});
            }
            v
        })
        .collect();
    json!({"Vpcs": vpcs, "Subnets": subnets, "InternetGateways": igws, "NatGateways": nats,
           "SecurityGroups": groups, "NetworkAcls": acls, "RouteTables": tables,
           "VpcPeeringConnections": peerings, "Reservations": [{"Instances": instances}],
           "NetworkInterfaces": interfaces})
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

    /// The importer reads the synthetic snapshot back into the same network: no issue, and
    /// the same verdict for every pair of instances.
    #[test]
    fn the_aws_snapshot_imports_back_to_the_same_network() -> Result<(), String> {
        let scale = Scale { vpcs: 3, subnets_per_vpc: 3, instances_per_subnet: 2, extra_rules_per_group: 3 };
        let t = topology(scale);
        let file =
            crate::import::SnapshotFile { path: "synth.json".into(), text: aws_snapshot(&t).to_string() };
        let (back, issues) = crate::import::import(&[file]).map_err(|e| e.to_string())?;
        assert!(issues.is_empty(), "{issues:#?}");
        let (m, d) = crate::model::build(&t);
        let (m2, d2) = crate::model::build(&back);
        assert!(d.is_empty() && d2.is_empty(), "{d2:#?}");
        assert_eq!(
            (m2.interfaces.len(), m2.peerings.len(), m2.security_groups.len()),
            (m.interfaces.len(), m.peerings.len(), m.security_groups.len())
        );
        let ids: Vec<&str> = t.instances.iter().map(|i| i.id.as_str()).chain(["internet"]).collect();
        let mut seen = std::collections::BTreeSet::new();
        for from in &ids {
            for to in &ids {
                let q = crate::trace::Query::new(from.to_string(), to.to_string(), Protocol::Tcp, Some(8080));
                let a = crate::trace::reach(&m, &q).map(|tr| tr.reachable).ok();
                let b = crate::trace::reach(&m2, &q).map(|tr| tr.reachable).ok();
                assert_eq!(a, b, "{from} → {to}");
                seen.insert(a);
            }
        }
        assert!(seen.contains(&Some(true)) && seen.contains(&Some(false)), "{seen:?}");
        Ok(())
    }
}
