//! Edits to a topology, as the page's editor makes them: add a component with sensible
//! defaults, change one field, add or remove a table row, delete with an account of what
//! else goes, move an interface.
//!
//! Each edit works on the topology's JSON and decodes the result with
//! [`Topology::from_json`], so an edit that does not fit the format is refused with the
//! same message a file would get (naming the entity and field), and the user's topology is
//! untouched. Edits AWS itself refuses (attaching an interface to an instance in another
//! Availability Zone) are refused here too, with AWS's reason.
//!
//! [`SCHEMA`] describes every component's fields for forms: what a field holds, whether it
//! is required, which components it refers to. The view builds its forms from it and the
//! deletion cascade follows its references.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};

use ipnet::{IpNet, Ipv4Net};
use serde_json::{json, Map, Value};

use crate::cidr;
use crate::topology::Topology;

/// What a field holds, for a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// Free text (names, descriptions, instance types).
    Text,
    /// A CIDR block.
    Cidr,
    /// An IP address.
    Ip,
    /// A whole number.
    Number,
    /// A port or a port range (`443`, `1024-65535`).
    Ports,
    /// On or off.
    Bool,
    /// One of a few values.
    Choice(&'static [&'static str]),
    /// The id of a component in one of these collections.
    Ref(&'static [&'static str]),
    /// Ids of components in these collections.
    RefList(&'static [&'static str]),
    /// Several values of free text, CIDRs or addresses, written comma-separated.
    List,
    /// Rows of sub-fields (routes, rules, entries, listeners, targets).
    Table(&'static [Field]),
    /// An optional group of sub-fields (an attachment, an association).
    Group(&'static [Field]),
}

/// One field of a component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The JSON key.
    pub key: &'static str,
    /// For people.
    pub label: &'static str,
    pub ty: Ty,
    /// The component is meaningless without it: deleting what it refers to deletes it too.
    pub required: bool,
}

/// One kind of component: its collection in the topology and its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Collection {
    /// The topology's key (`subnets`).
    pub key: &'static str,
    /// Singular, for people (`subnet`).
    pub noun: &'static str,
    /// AWS's id prefix (`subnet-`).
    pub prefix: &'static str,
    pub fields: &'static [Field],
}

const fn f(key: &'static str, label: &'static str, ty: Ty) -> Field {
    Field { key, label, ty, required: false }
}

const fn req(key: &'static str, label: &'static str, ty: Ty) -> Field {
    Field { key, label, ty, required: true }
}

const NAME: Field = f("name", "Name", Ty::Text);
const VPC: Field = req("vpc", "VPC", Ty::Ref(&["vpcs"]));
const SUBNET: Field = req("subnet", "Subnet", Ty::Ref(&["subnets"]));
const SGS: Field = f("security_groups", "Security groups", Ty::RefList(&["security_groups"]));
const PROTOCOLS: &[&str] = &["tcp", "udp", "icmp", "icmpv6", "all"];
/// Everything a route can point at.
const ROUTE_TARGETS: &[&str] = &[
    "internet_gateways",
    "egress_only_internet_gateways",
    "nat_gateways",
    "network_interfaces",
    "instances",
    "vpc_peering_connections",
    "transit_gateways",
    "vpn_gateways",
    "vpc_endpoints",
];

const SG_RULE: &[Field] = &[
    req("protocol", "Protocol", Ty::Choice(PROTOCOLS)),
    f("ports", "Ports", Ty::Ports),
    f("icmp_type", "ICMP type", Ty::Number),
    f("icmp_code", "ICMP code", Ty::Number),
    req("peer", "Source / destination (CIDR, sg-…, pl-…)", Ty::Text),
    f("description", "Description", Ty::Text),
];

const ACL_ENTRY: &[Field] = &[
    req("rule", "Rule #", Ty::Number),
    req("protocol", "Protocol", Ty::Choice(PROTOCOLS)),
    f("ports", "Ports", Ty::Ports),
    f("icmp_type", "ICMP type", Ty::Number),
    f("icmp_code", "ICMP code", Ty::Number),
    req("cidr", "CIDR", Ty::Cidr),
    req("action", "Action", Ty::Choice(&["allow", "deny"])),
];

/// Every component the editor knows, in palette order.
pub const SCHEMA: &[Collection] = &[
    Collection {
        key: "vpcs",
        noun: "VPC",
        prefix: "vpc-",
        fields: &[
            NAME,
            req("cidr_blocks", "IPv4 CIDR blocks (up to 5)", Ty::List),
            f("ipv6_cidr_block", "IPv6 CIDR block (/56)", Ty::Cidr),
            f("region", "Region (when not the topology's)", Ty::Text),
        ],
    },
    Collection {
        key: "subnets",
        noun: "subnet",
        prefix: "subnet-",
        fields: &[
            NAME,
            VPC,
            req("availability_zone", "Availability Zone", Ty::Text),
            req("cidr_block", "IPv4 CIDR block", Ty::Cidr),
            f("ipv6_cidr_block", "IPv6 CIDR block (/64)", Ty::Cidr),
            f("map_public_ip_on_launch", "Auto-assign public IPv4", Ty::Bool),
            f("planned_hosts", "Planned hosts", Ty::Number),
        ],
    },
    Collection {
        key: "route_tables",
        noun: "route table",
        prefix: "rtb-",
        fields: &[
            NAME,
            VPC,
            f("main", "Main route table", Ty::Bool),
            f("associations", "Associated subnets", Ty::RefList(&["subnets"])),
            f(
                "routes",
                "Routes",
                Ty::Table(&[
                    req("destination", "Destination (CIDR or pl-…)", Ty::Text),
                    req("target", "Target", Ty::Ref(ROUTE_TARGETS)),
                    f("blackhole", "Blackhole", Ty::Bool),
                ]),
            ),
            f("propagating_gateways", "Route propagation from", Ty::RefList(&["vpn_gateways"])),
        ],
    },
    Collection {
        key: "internet_gateways",
        noun: "internet gateway",
        prefix: "igw-",
        fields: &[NAME, f("vpc", "Attached to VPC", Ty::Ref(&["vpcs"]))],
    },
    Collection {
        key: "egress_only_internet_gateways",
        noun: "egress-only internet gateway",
        prefix: "eigw-",
        fields: &[NAME, VPC],
    },
    Collection {
        key: "nat_gateways",
        noun: "NAT gateway",
        prefix: "nat-",
        fields: &[
            NAME,
            SUBNET,
            f("connectivity", "Connectivity", Ty::Choice(&["public", "private"])),
            f("private_ip", "Private IPv4", Ty::Ip),
            f("elastic_ip", "Elastic IP", Ty::Ref(&["elastic_ips"])),
        ],
    },
    Collection {
        key: "instances",
        noun: "instance",
        prefix: "i-",
        fields: &[
            NAME,
            req("instance_type", "Instance type", Ty::Text),
            f("availability_zone", "Availability Zone (when it has no interface)", Ty::Text),
            f("state", "State", Ty::Choice(&["running", "stopped"])),
            f("source_nat", "Acts as a NAT instance", Ty::Bool),
            f("ami", "AMI", Ty::Text),
            f("user_data", "User data (first-boot script)", Ty::Text),
        ],
    },
    Collection {
        key: "network_interfaces",
        noun: "network interface",
        prefix: "eni-",
        fields: &[
            NAME,
            SUBNET,
            req("private_ip", "Primary private IPv4", Ty::Ip),
            f("secondary_private_ips", "Secondary private IPv4s", Ty::List),
            f("ipv6_addresses", "IPv6 addresses", Ty::List),
            f("public_ip", "Public IPv4", Ty::Ip),
            SGS,
            f("source_dest_check", "Source/destination check", Ty::Bool),
            f(
                "attachment",
                "Attached to",
                Ty::Group(&[
                    req("instance", "Instance", Ty::Ref(&["instances"])),
                    req("device_index", "Device index", Ty::Number),
                ]),
            ),
            f("mac_address", "MAC address", Ty::Text),
            f("interface_type", "Interface type", Ty::Text),
        ],
    },
    Collection {
        key: "elastic_ips",
        noun: "Elastic IP",
        prefix: "eipalloc-",
        fields: &[
            NAME,
            req("public_ip", "Public IPv4", Ty::Ip),
            f(
                "association",
                "Associated with",
                Ty::Group(&[
                    req("network_interface", "Network interface", Ty::Ref(&["network_interfaces"])),
                    f("private_ip", "Private IPv4", Ty::Ip),
                ]),
            ),
        ],
    },
    Collection {
        key: "security_groups",
        noun: "security group",
        prefix: "sg-",
        fields: &[
            NAME,
            VPC,
            f("description", "Description", Ty::Text),
            f("inbound", "Inbound rules", Ty::Table(SG_RULE)),
            f("outbound", "Outbound rules", Ty::Table(SG_RULE)),
        ],
    },
    Collection {
        key: "network_acls",
        noun: "network ACL",
        prefix: "acl-",
        fields: &[
            NAME,
            VPC,
            f("default", "Default ACL", Ty::Bool),
            f("associations", "Associated subnets", Ty::RefList(&["subnets"])),
            f("inbound", "Inbound entries", Ty::Table(ACL_ENTRY)),
            f("outbound", "Outbound entries", Ty::Table(ACL_ENTRY)),
        ],
    },
    Collection {
        key: "vpc_peering_connections",
        noun: "VPC peering connection",
        prefix: "pcx-",
        fields: &[
            NAME,
            req("requester_vpc", "Requester VPC", Ty::Ref(&["vpcs"])),
            req("accepter_vpc", "Accepter VPC", Ty::Ref(&["vpcs"])),
            f("status", "Status", Ty::Choice(&["active", "pending-acceptance", "rejected", "deleted"])),
        ],
    },
    Collection {
        key: "vpc_endpoints",
        noun: "VPC endpoint",
        prefix: "vpce-",
        fields: &[
            NAME,
            VPC,
            req("service", "Service (s3, dynamodb, …)", Ty::Text),
            f("type", "Type", Ty::Choice(&["gateway", "interface"])),
            f("route_tables", "Route tables (gateway)", Ty::RefList(&["route_tables"])),
            f("subnets", "Subnets (interface)", Ty::RefList(&["subnets"])),
            SGS,
        ],
    },
    Collection {
        key: "prefix_lists",
        noun: "prefix list",
        prefix: "pl-",
        fields: &[req("name", "Name", Ty::Text), req("cidrs", "CIDR blocks", Ty::List)],
    },
    Collection {
        key: "vpn_gateways",
        noun: "virtual private gateway",
        prefix: "vgw-",
        fields: &[NAME, f("vpc", "Attached to VPC", Ty::Ref(&["vpcs"]))],
    },
    Collection {
        key: "customer_gateways",
        noun: "customer gateway",
        prefix: "cgw-",
        fields: &[NAME, req("ip_address", "Public IPv4 of the on-premises device", Ty::Ip)],
    },
    Collection {
        key: "vpn_connections",
        noun: "VPN connection",
        prefix: "vpn-",
        fields: &[
            NAME,
            req("vpn_gateway", "Virtual private gateway", Ty::Ref(&["vpn_gateways"])),
            req("customer_gateway", "Customer gateway", Ty::Ref(&["customer_gateways"])),
            f("routes", "On-premises CIDRs (static routes)", Ty::List),
            f("bgp_routes", "On-premises CIDRs advertised over BGP (dynamic routing)", Ty::List),
        ],
    },
    Collection {
        key: "load_balancers",
        noun: "load balancer",
        prefix: "lb-",
        fields: &[
            NAME,
            req("type", "Type", Ty::Choice(&["application", "network"])),
            f("scheme", "Scheme", Ty::Choice(&["internet-facing", "internal"])),
            VPC,
            req("subnets", "Subnets (one per AZ)", Ty::RefList(&["subnets"])),
            SGS,
            req(
                "listeners",
                "Listeners",
                Ty::Table(&[
                    req(
                        "protocol",
                        "Protocol",
                        Ty::Choice(&["HTTP", "HTTPS", "TCP", "UDP", "TLS", "TCP_UDP"]),
                    ),
                    req("port", "Port", Ty::Number),
                    req("target_group", "Target group", Ty::Ref(&["target_groups"])),
                ]),
            ),
            f("cross_zone", "Cross-zone load balancing", Ty::Bool),
        ],
    },
    Collection {
        key: "target_groups",
        noun: "target group",
        prefix: "tg-",
        fields: &[
            NAME,
            req("protocol", "Protocol", Ty::Choice(&["HTTP", "HTTPS", "TCP", "UDP", "TLS", "TCP_UDP"])),
            req("port", "Port", Ty::Number),
            f("target_type", "Target type", Ty::Choice(&["instance", "ip"])),
            f(
                "targets",
                "Targets",
                Ty::Table(&[
                    req("id", "Instance id or IP", Ty::Text),
                    f("port", "Port", Ty::Number),
                    f("healthy", "Healthy", Ty::Bool),
                ]),
            ),
            f("preserve_client_ip", "Preserve client IP", Ty::Bool),
        ],
    },
    Collection {
        key: "auto_scaling_groups",
        noun: "Auto Scaling group",
        prefix: "asg-",
        fields: &[
            NAME,
            req("subnets", "Subnets (its Availability Zones)", Ty::RefList(&["subnets"])),
            req("min_size", "Minimum", Ty::Number),
            req("desired_capacity", "Desired capacity", Ty::Number),
            req("max_size", "Maximum", Ty::Number),
            req("instance_type", "Instance type", Ty::Text),
            SGS,
            f("target_groups", "Target groups", Ty::RefList(&["target_groups"])),
            f("ami", "AMI", Ty::Text),
        ],
    },
    Collection {
        key: "transit_gateways",
        noun: "transit gateway",
        prefix: "tgw-",
        fields: &[
            NAME,
            f("default_route_table_association", "Default route table association", Ty::Bool),
            f("default_route_table_propagation", "Default route table propagation", Ty::Bool),
            f("security_group_referencing", "Security group referencing", Ty::Bool),
        ],
    },
    Collection {
        key: "transit_gateway_attachments",
        noun: "transit gateway attachment",
        prefix: "tgw-attach-",
        fields: &[
            NAME,
            req("transit_gateway", "Transit gateway", Ty::Ref(&["transit_gateways"])),
            VPC,
            req("subnets", "Subnets (one per AZ)", Ty::RefList(&["subnets"])),
            f("route_table", "Associated TGW route table", Ty::Ref(&["transit_gateway_route_tables"])),
            f(
                "propagations",
                "Propagates to TGW route tables",
                Ty::RefList(&["transit_gateway_route_tables"]),
            ),
        ],
    },
    Collection {
        key: "transit_gateway_route_tables",
        noun: "transit gateway route table",
        prefix: "tgw-rtb-",
        fields: &[
            NAME,
            req("transit_gateway", "Transit gateway", Ty::Ref(&["transit_gateways"])),
            f("default", "Default route table", Ty::Bool),
            f(
                "routes",
                "Routes",
                Ty::Table(&[
                    req("destination", "Destination CIDR", Ty::Cidr),
                    f("attachment", "Attachment", Ty::Ref(&["transit_gateway_attachments"])),
                    f("blackhole", "Blackhole", Ty::Bool),
                ]),
            ),
        ],
    },
];

/// The collection with this key.
pub fn collection(key: &str) -> Option<&'static Collection> {
    SCHEMA.iter().find(|c| c.key == key)
}

/// Where an entity lives: its collection and index.
pub fn find(t: &Topology, id: &str) -> Option<(&'static Collection, usize, Value)> {
    let v = t.to_value();
    SCHEMA.iter().find_map(|c| {
        let list = v.get(c.key)?.as_array()?;
        let i = list.iter().position(|e| e.get("id").and_then(Value::as_str) == Some(id))?;
        Some((c, i, list.get(i)?.clone()))
    })
}

/// Every entity of the topology as (collection, id, label), in schema order: the tree view.
pub fn entities(t: &Topology) -> Vec<(&'static Collection, String, String)> {
    let v = t.to_value();
    let mut out = Vec::new();
    for c in SCHEMA {
        for e in v.get(c.key).and_then(Value::as_array).into_iter().flatten() {
            let id = e.get("id").and_then(Value::as_str).unwrap_or_default().to_string();
            let mut label = match e.get("name").and_then(Value::as_str) {
                Some(n) if !n.is_empty() && n != id => format!("{n} ({id})"),
                _ => id.clone(),
            };
            // The VPC's main route table and default ACL say so, as the console's columns do.
            let flag = |k: &str| e.get(k).and_then(Value::as_bool) == Some(true);
            match c.key {
                "route_tables" if flag("main") => label.push_str(" (main)"),
                "network_acls" if flag("default") => label.push_str(" (default)"),
                _ => {}
            }
            out.push((c, id, label));
        }
    }
    out
}

/// What a network with nothing to ask about needs next, for people building it from an
/// empty canvas; `None` once it has an instance.
pub fn what_to_add_next(t: &Topology) -> Option<&'static str> {
    match (t.vpcs.is_empty(), t.subnets.is_empty(), t.instances.is_empty()) {
        (_, _, false) => None,
        (true, _, _) => {
            Some("Nothing to ask about yet: add a VPC (New component), then a subnet and an instance.")
        }
        (false, true, _) => {
            Some("Nothing to ask about yet: the VPC needs a subnet next, then an instance in it.")
        }
        (false, false, true) => Some(
            "Nothing to ask about yet: add an instance to a subnet, then pick it as source or destination.",
        ),
    }
}

/// Whether a rule's or ACL entry's field means anything for the row's protocol, so a form
/// can leave it out as AWS's console does: ports for TCP and UDP, ICMP type and code for
/// ICMP and ICMPv6. A field that holds a value is always shown (the engine flags it if it
/// should not be there), and so is every field while the protocol is unreadable.
pub fn applies(row: &Value, key: &str) -> bool {
    row.get(key).is_some_and(|v| !v.is_null()) || used_by(protocol_of(row), key)
}

fn protocol_of(row: &Value) -> Option<crate::Protocol> {
    row.get("protocol").and_then(Value::as_str).and_then(|p| p.parse().ok())
}

/// Whether field `key` of a rule means anything for `protocol` (every field does while the
/// protocol is unknown).
fn used_by(protocol: Option<crate::Protocol>, key: &str) -> bool {
    match key {
        "ports" => protocol.is_none_or(crate::Protocol::has_ports),
        "icmp_type" | "icmp_code" => protocol.is_none_or(crate::Protocol::is_icmp),
        _ => true,
    }
}

/// The network interfaces attached to an instance, by device index (eth0 first), each as
/// (device index, id, its addresses): what the instance's form lists.
pub fn interfaces_of(t: &Topology, instance: &str) -> Vec<(u32, String, String)> {
    let mut out: Vec<(u32, String, String)> = t
        .network_interfaces
        .iter()
        .filter_map(|e| {
            let a = e.attachment.as_ref().filter(|a| a.instance == instance)?;
            let mut addresses: Vec<String> = std::iter::once(e.private_ip.to_string())
                .chain(e.secondary_private_ips.iter().map(ToString::to_string))
                .chain(e.ipv6_addresses.iter().map(ToString::to_string))
                .collect();
            addresses.extend(e.public_ip.map(|p| format!("public {p}")));
            Some((a.device_index, e.id.clone(), addresses.join(", ")))
        })
        .collect();
    out.sort();
    out
}

/// One step into a JSON document: a key or a row index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Row(usize),
}

impl From<&str> for Step {
    fn from(k: &str) -> Step {
        Step::Key(k.to_string())
    }
}

impl From<usize> for Step {
    fn from(i: usize) -> Step {
        Step::Row(i)
    }
}

/// Turn what a person typed into the field's JSON value; `None` clears an optional field.
pub fn parse_input(ty: Ty, text: &str) -> Result<Option<Value>, String> {
    let s = text.trim();
    if s.is_empty() {
        return Ok(match ty {
            Ty::List | Ty::RefList(_) | Ty::Table(_) => Some(json!([])),
            _ => None,
        });
    }
    Ok(Some(match ty {
        Ty::Text | Ty::Choice(_) | Ty::Ref(_) => json!(s),
        Ty::Ports => {
            s.parse::<crate::packet::PortRange>().map_err(|e| e.to_string())?;
            json!(s)
        }
        Ty::Cidr => {
            let net: IpNet =
                s.parse().map_err(|_| format!("{s:?} is not a CIDR block (like 10.0.1.0/24)"))?;
            if net.trunc() != net {
                return Err(format!("{s} has host bits set: did you mean {}?", net.trunc()));
            }
            json!(net.to_string())
        }
        Ty::Ip => {
            let ip: IpAddr = s.parse().map_err(|_| format!("{s:?} is not an IP address"))?;
            json!(ip.to_string())
        }
        Ty::Number => json!(s.parse::<u32>().map_err(|_| format!("{s:?} is not a whole number"))?),
        Ty::Bool => json!(matches!(s, "true" | "on" | "yes" | "1")),
        Ty::List | Ty::RefList(_) => {
            Value::Array(s.split(',').map(str::trim).filter(|x| !x.is_empty()).map(|x| json!(x)).collect())
        }
        Ty::Table(_) | Ty::Group(_) => return Err("this field is edited row by row".into()),
    }))
}

/// The topology with the field at `path` (inside entity `id`) set to `value`, or removed
/// when `None`. Refused with a message when the result is not a valid document or AWS
/// would refuse the change.
pub fn set(t: &Topology, id: &str, path: &[Step], value: Option<Value>) -> Result<Topology, String> {
    let mut doc = t.to_value();
    let entity = entity_mut(&mut doc, id).ok_or_else(|| format!("there is no {id}"))?;
    let (last, parents) = path.split_last().ok_or("no field")?;
    let mut at = entity;
    for step in parents {
        at = match step {
            Step::Key(k) => {
                let o = at.as_object_mut().ok_or("not an object")?;
                o.entry(k.clone()).or_insert_with(|| json!({}))
            }
            Step::Row(i) => at.get_mut(*i).ok_or("no such row")?,
        };
    }
    match (last, value) {
        (Step::Key(k), Some(v)) => {
            let row = at.as_object_mut().ok_or("not an object")?;
            row.insert(k.clone(), v);
            // A rule's protocol decides which of its fields mean anything; those that no
            // longer do go, as the console resets the port range when the type changes.
            if k == "protocol" {
                let protocol = protocol_of(&Value::Object(row.clone()));
                row.retain(|key, _| used_by(protocol, key));
            }
        }
        (Step::Key(k), None) => {
            at.as_object_mut().ok_or("not an object")?.remove(k);
        }
        (Step::Row(i), Some(v)) => *at.get_mut(*i).ok_or("no such row")? = v,
        (Step::Row(i), None) => {
            let rows = at.as_array_mut().ok_or("not a table")?;
            if *i >= rows.len() {
                return Err("no such row".into());
            }
            rows.remove(*i);
        }
    }
    let next = decode(&doc)?;
    refuse_what_aws_refuses(t, &next)?;
    Ok(ipv6_defaults(t, reassociate(t, next, id)))
}

/// A VPC given an IPv6 block: AWS adds rule 101 (all IPv6) to each direction of its default
/// network ACL whose rules are still the defaults (default-network-acl.html: not when they
/// were changed), and an outbound rule to ::/0 to its default security group
/// (default-security-group.html), as the model's implicit ones have.
fn ipv6_defaults(before: &Topology, mut t: Topology) -> Topology {
    use crate::topology::{AclAction, AclEntry, SgRule};
    let gained: Vec<String> = t
        .vpcs
        .iter()
        .filter(|v| v.ipv6_cidr_block.is_some())
        .filter(|v| before.vpcs.iter().any(|b| b.id == v.id && b.ipv6_cidr_block.is_none()))
        .map(|v| v.id.clone())
        .collect();
    let any6: IpNet = IpNet::V6(ipnet::Ipv6Net::default());
    let entry = |rule: u32, cidr: IpNet| AclEntry {
        rule,
        protocol: crate::Protocol::All,
        ports: None,
        icmp_type: None,
        icmp_code: None,
        cidr,
        action: AclAction::Allow,
    };
    let untouched = [entry(100, IpNet::V4(Ipv4Net::default()))];
    for vpc in &gained {
        if let Some(acl) = t.network_acls.iter_mut().find(|a| a.vpc == *vpc && a.default) {
            for rules in [&mut acl.inbound, &mut acl.outbound] {
                if rules.as_slice() == untouched {
                    rules.push(entry(101, any6));
                }
            }
        }
        let sg = t.security_groups.iter_mut().find(|g| g.vpc == *vpc && g.name.as_deref() == Some("default"));
        if let Some(sg) = sg.filter(|g| !g.outbound.iter().any(|r| r.peer == "::/0")) {
            sg.outbound.push(SgRule {
                protocol: crate::Protocol::All,
                ports: None,
                icmp_type: None,
                icmp_code: None,
                peer: "::/0".into(),
                description: String::new(),
            });
        }
    }
    t
}

/// A subnet has one route table and one network ACL: associating it with `id` moves it
/// there from the table it had, as AWS's ReplaceRouteTableAssociation and
/// ReplaceNetworkAclAssociation do (vpc/latest/userguide/WorkWithRouteTables.html,
/// vpc/latest/userguide/network-acls.html).
fn reassociate(before: &Topology, mut t: Topology, id: &str) -> Topology {
    let old =
        |lists: Vec<(&str, &Vec<String>)>| lists.into_iter().find(|(x, _)| *x == id).map(|(_, l)| l.clone());
    let rts = old(before.route_tables.iter().map(|r| (r.id.as_str(), &r.associations)).collect());
    take_over(id, rts, t.route_tables.iter_mut().map(|r| (r.id.as_str(), &mut r.associations)).collect());
    let acls = old(before.network_acls.iter().map(|a| (a.id.as_str(), &a.associations)).collect());
    take_over(id, acls, t.network_acls.iter_mut().map(|a| (a.id.as_str(), &mut a.associations)).collect());
    t
}

/// Subnets newly in `id`'s associations (it had `old`) leave every other list.
fn take_over(id: &str, old: Option<Vec<String>>, mut lists: Vec<(&str, &mut Vec<String>)>) {
    let Some(new) = lists.iter().find(|(x, _)| *x == id).map(|(_, l)| (**l).clone()) else { return };
    let old = old.unwrap_or_default();
    let moved: Vec<String> = new.into_iter().filter(|s| !old.contains(s)).collect();
    for (_, list) in lists.iter_mut().filter(|(x, _)| *x != id) {
        list.retain(|s| !moved.contains(s));
    }
}

/// The topology with a new row at the end of the table `table` of entity `id`.
pub fn add_row(t: &Topology, id: &str, table: &str) -> Result<Topology, String> {
    let (c, _, entity) = find(t, id).ok_or_else(|| format!("there is no {id}"))?;
    let Some(Field { ty: Ty::Table(fields), .. }) = c.fields.iter().find(|f| f.key == table) else {
        return Err(format!("{} has no table {table}", c.noun));
    };
    let mut rows = entity.get(table).and_then(Value::as_array).cloned().unwrap_or_default();
    rows.push(new_row(fields, &rows, table));
    set(t, id, &[Step::Key(table.to_string())], Some(Value::Array(rows)))
}

/// A sensible new row: AWS's usual first choices, numbered after the last ACL entry.
fn new_row(fields: &[Field], rows: &[Value], table: &str) -> Value {
    let mut row = Map::new();
    for fld in fields.iter().filter(|f| f.required) {
        let v = match (fld.key, fld.ty) {
            ("rule", _) => {
                let last =
                    rows.iter().filter_map(|r| r.get("rule").and_then(Value::as_u64)).max().unwrap_or(0);
                json!((last / 100 + 1) * 100)
            }
            ("protocol", Ty::Choice(c)) => json!(c.first().copied().unwrap_or("tcp")),
            ("peer", _) | ("cidr", _) => json!("0.0.0.0/0"),
            ("action", _) => json!("allow"),
            ("destination", _) => json!("0.0.0.0/0"),
            ("port", _) => json!(80),
            (_, Ty::Number) => json!(0),
            _ => json!(""),
        };
        row.insert(fld.key.to_string(), v);
    }
    if matches!(table, "inbound" | "outbound") && row.contains_key("protocol") {
        row.insert("ports".into(), json!("443"));
    }
    Value::Object(row)
}

/// What [`remove`] took away besides the entity itself, one sentence each.
pub type Account = Vec<String>;

/// Delete entity `id` and everything that cannot exist without it (subnets of a VPC,
/// interfaces of a subnet, an instance's primary interface); references from what stays are
/// dropped, and routes to a deleted target stay as blackholes, as AWS keeps them.
pub fn remove(t: &Topology, id: &str) -> Result<(Topology, Account), String> {
    let mut doc = t.to_value();
    entity_mut(&mut doc, id).ok_or_else(|| format!("there is no {id}"))?;
    refuse_deleting_a_default(t, id)?;
    let mut gone: BTreeSet<String> = BTreeSet::from([id.to_string()]);
    let mut account = Vec::new();
    // Grow the set of deleted ids until nothing else depends on them.
    loop {
        let mut more = Vec::new();
        for c in SCHEMA {
            for e in doc.get(c.key).and_then(Value::as_array).into_iter().flatten() {
                let Some(eid) = e.get("id").and_then(Value::as_str) else { continue };
                if gone.contains(eid) {
                    continue;
                }
                if let Some(why) = depends_on(c, e, &gone) {
                    more.push((eid.to_string(), format!("{} {} is deleted too ({why})", c.noun, label(e))));
                }
            }
        }
        if more.is_empty() {
            break;
        }
        for (eid, line) in more {
            gone.insert(eid);
            account.push(line);
        }
    }
    for c in SCHEMA {
        if let Some(list) = doc.get_mut(c.key).and_then(Value::as_array_mut) {
            list.retain(|e| !e.get("id").and_then(Value::as_str).is_some_and(|i| gone.contains(i)));
            for e in list.iter_mut() {
                drop_references(c, e, &gone, &mut account);
            }
        }
    }
    if let Some(layout) = doc.get_mut("layout").and_then(Value::as_object_mut) {
        layout.retain(|k, _| !gone.contains(k));
    }
    Ok((decode(&doc)?, account))
}

/// Why entity `e` cannot stay once `gone` is deleted, if it cannot.
fn depends_on(c: &Collection, e: &Value, gone: &BTreeSet<String>) -> Option<String> {
    for fld in c.fields.iter().filter(|f| f.required) {
        match fld.ty {
            Ty::Ref(_) => {
                if let Some(r) = e.get(fld.key).and_then(Value::as_str).filter(|r| gone.contains(*r)) {
                    return Some(format!("its {} was {r}", fld.label.to_ascii_lowercase()));
                }
            }
            Ty::RefList(_) => {
                let list = e.get(fld.key).and_then(Value::as_array);
                let all_gone = list.is_some_and(|l| {
                    !l.is_empty() && l.iter().all(|x| x.as_str().is_some_and(|x| gone.contains(x)))
                });
                if all_gone {
                    return Some(format!("all its {} were deleted", fld.label.to_ascii_lowercase()));
                }
            }
            _ => {}
        }
    }
    // An instance's primary interface (device 0) is deleted with it (DeleteOnTermination).
    if c.key == "network_interfaces" {
        let att = e.get("attachment")?;
        let inst = att.get("instance").and_then(Value::as_str)?;
        if gone.contains(inst) && att.get("device_index").and_then(Value::as_u64) == Some(0) {
            return Some(format!("it was the primary interface of {inst}"));
        }
    }
    None
}

/// Remove references to `gone` from an entity that stays.
fn drop_references(c: &Collection, e: &mut Value, gone: &BTreeSet<String>, account: &mut Account) {
    let me = label(e);
    let Some(o) = e.as_object_mut() else { return };
    for fld in c.fields {
        match fld.ty {
            Ty::Ref(_) if o.get(fld.key).and_then(Value::as_str).is_some_and(|r| gone.contains(r)) => {
                o.remove(fld.key);
                account.push(format!("{} {me} loses its {}", c.noun, fld.label.to_ascii_lowercase()));
            }
            Ty::RefList(_) => {
                if let Some(list) = o.get_mut(fld.key).and_then(Value::as_array_mut) {
                    let before = list.len();
                    list.retain(|x| !x.as_str().is_some_and(|x| gone.contains(x)));
                    if list.len() != before {
                        account.push(format!(
                            "{} {me}: {} no longer lists it",
                            c.noun,
                            fld.label.to_ascii_lowercase()
                        ));
                    }
                }
            }
            Ty::Group(sub) => {
                let hit = o.get(fld.key).is_some_and(|g| {
                    sub.iter().any(|s| g.get(s.key).and_then(Value::as_str).is_some_and(|r| gone.contains(r)))
                });
                if hit {
                    o.remove(fld.key);
                    account.push(format!("{} {me} is detached ({})", c.noun, fld.label.to_ascii_lowercase()));
                }
            }
            Ty::Table(sub) => {
                let Some(rows) = o.get_mut(fld.key).and_then(Value::as_array_mut) else { continue };
                for row in rows.iter_mut() {
                    for s in sub {
                        if !matches!(s.ty, Ty::Ref(_)) {
                            continue;
                        }
                        let Some(r) = row.get(s.key).and_then(Value::as_str).filter(|r| gone.contains(*r))
                        else {
                            continue;
                        };
                        let r = r.to_string();
                        let dest = row.get("destination").and_then(Value::as_str).unwrap_or("?").to_string();
                        if let Some(ro) = row.as_object_mut() {
                            // AWS keeps a route whose target is deleted, as a blackhole.
                            ro.insert("blackhole".into(), json!(true));
                        }
                        account.push(format!(
                            "{} {me}: the route to {dest} via {r} becomes a blackhole",
                            c.noun
                        ));
                    }
                }
            }
            _ => {}
        }
    }
}

fn label(e: &Value) -> String {
    let id = e.get("id").and_then(Value::as_str).unwrap_or("?");
    match e.get("name").and_then(Value::as_str) {
        Some(n) if n != id => format!("{n} ({id})"),
        _ => id.to_string(),
    }
}

fn entity_mut<'a>(doc: &'a mut Value, id: &str) -> Option<&'a mut Value> {
    doc.as_object_mut()?
        .iter_mut()
        .filter(|(k, _)| collection(k).is_some())
        .filter_map(|(_, v)| v.as_array_mut())
        .flat_map(|l| l.iter_mut())
        .find(|e| e.get("id").and_then(Value::as_str) == Some(id))
}

fn decode(doc: &Value) -> Result<Topology, String> {
    Topology::from_json(&doc.to_string()).map_err(|e| e.to_string())
}

/// A VPC's default security group, default network ACL and main route table go only with
/// their VPC: AWS refuses to delete them on their own
/// (vpc/latest/userguide/default-security-group.html, default-network-acl.html,
/// RouteTables.html#MainRouteTable). One whose VPC is gone can go.
fn refuse_deleting_a_default(t: &Topology, id: &str) -> Result<(), String> {
    let of_a_vpc = |vpc: &str| t.vpcs.iter().any(|v| v.id == vpc);
    let what = if t
        .security_groups
        .iter()
        .any(|g| g.id == id && g.name.as_deref() == Some("default") && of_a_vpc(&g.vpc))
    {
        "default security group"
    } else if t.network_acls.iter().any(|a| a.id == id && a.default && of_a_vpc(&a.vpc)) {
        "default network ACL"
    } else if t.route_tables.iter().any(|r| r.id == id && r.main && of_a_vpc(&r.vpc)) {
        return Err(format!(
            "{id} is its VPC's main route table: AWS deletes it only with the VPC (make another table the main one first)"
        ));
    } else {
        return Ok(());
    };
    Err(format!("{id} is its VPC's {what}: AWS deletes it only with the VPC"))
}

/// Changes AWS refuses outright, whatever the format allows.
fn refuse_what_aws_refuses(before: &Topology, after: &Topology) -> Result<(), String> {
    // A VPC's default security group is the one named `default` (its AWS group name, which
    // never changes; the model finds it by that name), and a VPC has one.
    // (vpc/latest/userguide/default-security-group.html)
    for g in &after.security_groups {
        let was = before.security_groups.iter().find(|b| b.id == g.id);
        let was_default = was.is_some_and(|b| b.name.as_deref() == Some("default"));
        if was_default && g.name.as_deref() != Some("default") && after.vpcs.iter().any(|v| v.id == g.vpc) {
            return Err(format!(
                "security group {} is its VPC's default group: its name stays \"default\" (AWS cannot rename it)",
                g.id
            ));
        }
        let now_default = !was_default && g.name.as_deref() == Some("default");
        let taken = after
            .security_groups
            .iter()
            .any(|o| o.id != g.id && o.vpc == g.vpc && o.name.as_deref() == Some("default"));
        if now_default && taken {
            return Err(format!(
                "security group {}: VPC {} already has its default group; \"default\" is that group's name alone",
                g.id, g.vpc
            ));
        }
    }
    // The primary interface (device index 0) stays with its instance for the instance's life.
    // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-eni.html ("You cannot detach
    // the primary network interface").
    for eni in &before.network_interfaces {
        let Some(was) = eni.attachment.as_ref().filter(|a| a.device_index == 0) else { continue };
        let Some(now) = after.network_interfaces.iter().find(|e| e.id == eni.id) else { continue };
        let instance_remains = after.instances.iter().any(|i| i.id == was.instance);
        if instance_remains && now.attachment.as_ref() != Some(was) {
            return Err(format!(
                "network interface {} is the primary interface (device index 0) of instance {}: AWS cannot detach it; move a secondary interface instead",
                eni.id, was.instance
            ));
        }
    }
    // An ENI attaches only to an instance in its own Availability Zone.
    // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-eni.html#attach_eni
    for eni in &after.network_interfaces {
        let Some(att) = &eni.attachment else { continue };
        let was =
            before.network_interfaces.iter().find(|e| e.id == eni.id).and_then(|e| e.attachment.as_ref());
        if was.is_some_and(|w| w.instance == att.instance) {
            continue;
        }
        let Some(eni_az) = after.subnets.iter().find(|s| s.id == eni.subnet).map(|s| &s.availability_zone)
        else {
            continue;
        };
        if let Some(inst_az) = instance_az(after, &att.instance, &eni.id) {
            if inst_az != *eni_az {
                return Err(format!(
                    "network interface {} is in {eni_az} and instance {} is in {inst_az}: an interface can only be attached to an instance in its own Availability Zone",
                    eni.id, att.instance
                ));
            }
        }
        let taken = after.network_interfaces.iter().any(|o| {
            o.id != eni.id
                && o.attachment
                    .as_ref()
                    .is_some_and(|a| a.instance == att.instance && a.device_index == att.device_index)
        });
        if taken {
            return Err(format!(
                "instance {} already has an interface at device index {}: pick a free index",
                att.instance, att.device_index
            ));
        }
    }
    Ok(())
}

/// An instance's AZ: from its other interfaces, else its own field.
fn instance_az(t: &Topology, instance: &str, except_eni: &str) -> Option<String> {
    let from_eni = t
        .network_interfaces
        .iter()
        .filter(|e| e.id != except_eni && e.attachment.as_ref().is_some_and(|a| a.instance == instance))
        .find_map(|e| t.subnets.iter().find(|s| s.id == e.subnet).map(|s| s.availability_zone.clone()));
    from_eni
        .or_else(|| t.instances.iter().find(|i| i.id == instance).and_then(|i| i.availability_zone.clone()))
}

/// Move interface `eni` to `instance` at the next free device index: AWS's detach and
/// attach, refused across Availability Zones. The interface keeps its addresses, MAC and
/// security groups.
pub fn move_interface(t: &Topology, eni: &str, instance: &str) -> Result<Topology, String> {
    if !t.instances.iter().any(|i| i.id == instance) {
        return Err(format!("there is no instance {instance}"));
    }
    let index = (1..)
        .find(|i| {
            !t.network_interfaces.iter().any(|e| {
                e.id != eni
                    && e.attachment.as_ref().is_some_and(|a| a.instance == instance && a.device_index == *i)
            })
        })
        .unwrap_or(1);
    set(
        t,
        eni,
        &[Step::Key("attachment".into())],
        Some(json!({ "instance": instance, "device_index": index })),
    )
}

/// A new entity of collection `key` with AWS-like defaults, placed in `near`'s VPC or subnet
/// when given: the new topology and the new id. An instance comes with its primary
/// interface; a public NAT gateway with its Elastic IP.
pub fn add(t: &Topology, key: &str, near: Option<&str>) -> Result<(Topology, String), String> {
    let c = collection(key).ok_or_else(|| format!("unknown component kind {key}"))?;
    let mut doc = t.to_value();
    let ctx = Context::new(t, near);
    let id = fresh_id(&doc, c.prefix);
    let mut extra: Vec<(&str, Value)> = Vec::new();
    let vpc = ctx.vpc.clone().unwrap_or_default();
    let subnet = ctx.subnet.clone().unwrap_or_default();
    let need_vpc = |what: &str| {
        if vpc.is_empty() {
            Err(format!("add a VPC first: a {what} lives in a VPC"))
        } else {
            Ok(())
        }
    };
    let need_subnet = |what: &str| {
        if subnet.is_empty() {
            Err(format!("add a subnet first: a {what} lives in a subnet"))
        } else {
            Ok(())
        }
    };
    let v = match key {
        "vpcs" => {
            // AWS creates a VPC with its default security group, default network ACL and
            // main route table; they are real, editable entities here too.
            let sg = fresh_id(&doc, "sg-");
            let acl = fresh_id(&doc, "acl-");
            let rtb = fresh_id(&doc, "rtb-");
            extra.push(("security_groups", default_security_group(&sg, &id, false)));
            extra.push(("network_acls", default_network_acl(&acl, &id, false)));
            extra.push(("route_tables", json!({ "id": rtb, "vpc": id, "main": true })));
            json!({ "id": id, "cidr_blocks": [free_vpc_cidr(t)] })
        }
        "subnets" => {
            need_vpc("subnet")?;
            let cidr =
                free_subnet_cidr(t, &vpc).ok_or("the VPC has no free /24 left: add a CIDR block to it")?;
            let az_letter = ["a", "b", "c"][t.subnets.iter().filter(|s| s.vpc == vpc).count() % 3];
            json!({ "id": id, "vpc": vpc, "availability_zone": format!("{}{az_letter}", t.region), "cidr_block": cidr })
        }
        "route_tables" | "security_groups" | "network_acls" | "egress_only_internet_gateways" => {
            need_vpc(c.noun)?;
            let mut v = json!({ "id": id, "vpc": vpc });
            if key == "security_groups" {
                // A new security group has no inbound rules and allows all outbound IPv4.
                // https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html
                v["inbound"] = json!([]);
                v["outbound"] = json!([{ "protocol": "all", "peer": "0.0.0.0/0" }]);
            }
            if key == "network_acls" {
                // A new custom network ACL denies everything until rules are added.
                // https://docs.aws.amazon.com/vpc/latest/userguide/custom-network-acl.html
                v["inbound"] = json!([]);
                v["outbound"] = json!([]);
            }
            v
        }
        "internet_gateways" | "vpn_gateways" => {
            // A VPC has at most one of each; a second one starts detached.
            let taken = |v: &str| match key {
                "internet_gateways" => t.internet_gateways.iter().any(|g| g.vpc.as_deref() == Some(v)),
                _ => t.vpn_gateways.iter().any(|g| g.vpc.as_deref() == Some(v)),
            };
            match ctx.vpc.as_deref().filter(|v| !taken(v)) {
                Some(vpc) => json!({ "id": id, "vpc": vpc }),
                None => json!({ "id": id }),
            }
        }
        "nat_gateways" => {
            need_subnet("NAT gateway")?;
            let eip = fresh_id(&doc, "eipalloc-");
            extra.push(("elastic_ips", json!({ "id": eip, "public_ip": free_public_ip(t).to_string() })));
            json!({ "id": id, "subnet": subnet, "elastic_ip": eip })
        }
        "instances" => {
            need_subnet("instance")?;
            let eni = fresh_id(&doc, "eni-");
            let ip = free_private_ip(t, &subnet).ok_or("the subnet is full")?;
            let mut primary = json!({ "id": eni, "subnet": subnet, "private_ip": ip.to_string(),
                                      "security_groups": default_security_group_of(t, &vpc).into_iter().collect::<Vec<_>>(),
                                      "attachment": { "instance": id, "device_index": 0 } });
            // A subnet that auto-assigns public IPv4 gives one to the primary interface of
            // an instance launched into it (vpc/latest/userguide/vpc-ip-addressing.html,
            // "public IPv4 addressing attribute for your subnet").
            if t.subnets.iter().any(|s| s.id == subnet && s.map_public_ip_on_launch) {
                primary["public_ip"] = json!(free_public_ip(t).to_string());
            }
            extra.push(("network_interfaces", primary));
            json!({ "id": id, "instance_type": "t3.micro" })
        }
        "network_interfaces" => {
            need_subnet("network interface")?;
            let ip = free_private_ip(t, &subnet).ok_or("the subnet is full")?;
            // A new interface is in the VPC's default security group unless told otherwise
            // (vpc/latest/userguide/default-security-group.html); a standalone interface gets
            // no auto-assigned public IPv4, whatever its subnet says (only an instance's
            // primary interface at launch does).
            let sgs: Vec<&str> = default_security_group_of(t, &vpc).into_iter().collect();
            json!({ "id": id, "subnet": subnet, "private_ip": ip.to_string(), "security_groups": sgs })
        }
        "elastic_ips" => json!({ "id": id, "public_ip": free_public_ip(t).to_string() }),
        "vpc_peering_connections" => {
            let other = t
                .vpcs
                .iter()
                .map(|v| v.id.as_str())
                .find(|v| *v != vpc)
                .ok_or("add a second VPC first: peering joins two VPCs")?;
            // A new peering connection waits for the accepter to accept it.
            json!({ "id": id, "requester_vpc": vpc, "accepter_vpc": other, "status": "pending-acceptance" })
        }
        "vpc_endpoints" => {
            need_vpc("VPC endpoint")?;
            json!({ "id": id, "vpc": vpc, "service": "s3" })
        }
        "prefix_lists" => json!({ "id": id, "name": id, "cidrs": [] }),
        "customer_gateways" => json!({ "id": id, "ip_address": free_public_ip(t).to_string() }),
        "vpn_connections" => {
            let vgw =
                t.vpn_gateways.first().map(|g| g.id.as_str()).ok_or("add a virtual private gateway first")?;
            let cgw =
                t.customer_gateways.first().map(|g| g.id.as_str()).ok_or("add a customer gateway first")?;
            json!({ "id": id, "vpn_gateway": vgw, "customer_gateway": cgw, "routes": [] })
        }
        "load_balancers" => {
            need_vpc("load balancer")?;
            // One subnet per Availability Zone.
            let mut zones = BTreeSet::new();
            let subnets: Vec<&str> = t
                .subnets
                .iter()
                .filter(|s| s.vpc == vpc && zones.insert(s.availability_zone.as_str()))
                .map(|s| s.id.as_str())
                .collect();
            json!({ "id": id, "type": "application", "vpc": vpc, "subnets": subnets, "listeners": [] })
        }
        "target_groups" => json!({ "id": id, "protocol": "HTTP", "port": 80 }),
        "auto_scaling_groups" => {
            need_vpc("Auto Scaling group")?;
            // One subnet per Availability Zone of the VPC, like the console's default.
            let mut zones = BTreeSet::new();
            let subnets: Vec<&str> = t
                .subnets
                .iter()
                .filter(|s| s.vpc == vpc && zones.insert(s.availability_zone.as_str()))
                .map(|s| s.id.as_str())
                .collect();
            let sgs: Vec<&str> =
                t.security_groups.iter().filter(|g| g.vpc == vpc).map(|g| g.id.as_str()).take(1).collect();
            let tgs: Vec<&str> = t.target_groups.iter().map(|g| g.id.as_str()).take(1).collect();
            json!({ "id": id, "subnets": subnets, "min_size": 1, "desired_capacity": 2, "max_size": 4,
                    "instance_type": "t3.micro", "security_groups": sgs, "target_groups": tgs })
        }
        "transit_gateways" => json!({ "id": id }),
        "transit_gateway_attachments" => {
            need_vpc("transit gateway attachment")?;
            let tgw =
                t.transit_gateways.first().map(|g| g.id.as_str()).ok_or("add a transit gateway first")?;
            let subnets: Vec<&str> = if subnet.is_empty() { Vec::new() } else { vec![subnet.as_str()] };
            json!({ "id": id, "transit_gateway": tgw, "vpc": vpc, "subnets": subnets })
        }
        "transit_gateway_route_tables" => {
            let tgw =
                t.transit_gateways.first().map(|g| g.id.as_str()).ok_or("add a transit gateway first")?;
            json!({ "id": id, "transit_gateway": tgw })
        }
        other => return Err(format!("unknown component kind {other}")),
    };
    let o = doc.as_object_mut().ok_or("not a topology")?;
    for (k, v) in std::iter::once((key, v)).chain(extra) {
        if let Some(list) = o.entry(k.to_string()).or_insert_with(|| json!([])).as_array_mut() {
            list.push(v);
        }
    }
    Ok((decode(&doc)?, id))
}

/// The default security group AWS creates with a VPC: named `default`, inbound all from its
/// own members, outbound all to 0.0.0.0/0 (and ::/0 when the VPC has IPv6)
/// (vpc/latest/userguide/default-security-group.html). The model takes the group named
/// `default` of a VPC as its default group.
fn default_security_group(id: &str, vpc: &str, ipv6: bool) -> Value {
    let mut outbound = vec![json!({ "protocol": "all", "peer": "0.0.0.0/0" })];
    if ipv6 {
        outbound.push(json!({ "protocol": "all", "peer": "::/0" }));
    }
    json!({ "id": id, "name": "default", "vpc": vpc, "description": "default VPC security group",
            "inbound": [{ "protocol": "all", "peer": id }], "outbound": outbound })
}

/// The default network ACL AWS creates with a VPC: rule 100 allows all IPv4 both ways, and
/// rule 101 all IPv6 when the VPC has an IPv6 block, as the model's implicit one
/// (vpc/latest/userguide/default-network-acl.html).
fn default_network_acl(id: &str, vpc: &str, ipv6: bool) -> Value {
    let mut rules = vec![json!({ "rule": 100, "protocol": "all", "cidr": "0.0.0.0/0", "action": "allow" })];
    if ipv6 {
        rules.push(json!({ "rule": 101, "protocol": "all", "cidr": "::/0", "action": "allow" }));
    }
    json!({ "id": id, "vpc": vpc, "default": true, "inbound": rules, "outbound": rules })
}

/// The VPC's default security group in the topology: its group named `default`, as the
/// model reads it. `None` when the topology leaves it to the model (implicit).
pub fn default_security_group_of<'a>(t: &'a Topology, vpc: &str) -> Option<&'a str> {
    t.security_groups
        .iter()
        .find(|g| g.vpc == vpc && g.name.as_deref() == Some("default"))
        .map(|g| g.id.as_str())
}

/// The route table or network ACL a subnet uses, as the model resolves it: the one
/// explicitly associated with the subnet, else the VPC's main route table or default ACL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InUse {
    /// The table's or ACL's id (for an implicit one, the id the model gives it).
    pub id: String,
    /// It is the VPC's main route table or default network ACL.
    pub main: bool,
    /// The subnet is explicitly associated with it (else it falls back to the main one).
    pub associated: bool,
    /// The topology has no such entity: the model's implicit one, which cannot be opened.
    pub implicit: bool,
}

/// The route table subnet `subnet` uses: its explicit association (the first table of its
/// VPC that lists it), else the VPC's main route table
/// (vpc/latest/userguide/RouteTables.html#MainRouteTable). `None` for an unknown subnet.
pub fn route_table_of(t: &Topology, subnet: &str) -> Option<InUse> {
    let vpc = &t.subnets.iter().find(|s| s.id == subnet)?.vpc;
    let tables: Vec<(&str, bool, &[String])> = t
        .route_tables
        .iter()
        .filter(|r| r.vpc == *vpc)
        .map(|r| (r.id.as_str(), r.main, r.associations.as_slice()))
        .collect();
    Some(in_use(&tables, subnet, format!("{vpc}-main-rtb")))
}

/// The network ACL subnet `subnet` uses: its explicit association, else the VPC's default
/// network ACL (vpc/latest/userguide/default-network-acl.html). `None` for an unknown subnet.
pub fn network_acl_of(t: &Topology, subnet: &str) -> Option<InUse> {
    let vpc = &t.subnets.iter().find(|s| s.id == subnet)?.vpc;
    let acls: Vec<(&str, bool, &[String])> = t
        .network_acls
        .iter()
        .filter(|a| a.vpc == *vpc)
        .map(|a| (a.id.as_str(), a.default, a.associations.as_slice()))
        .collect();
    Some(in_use(&acls, subnet, format!("{vpc}-default-acl")))
}

/// The subnets that use main route table or default network ACL `id` without being
/// associated with it (every subnet of its VPC associated with no other), which its form
/// shows beside the explicit associations.
pub fn implicit_users(t: &Topology, id: &str) -> Vec<String> {
    t.subnets
        .iter()
        .filter(|s| {
            [route_table_of(t, &s.id), network_acl_of(t, &s.id)]
                .into_iter()
                .flatten()
                .any(|u| u.id == id && !u.associated && !u.implicit)
        })
        .map(|s| s.id.clone())
        .collect()
}

/// Of a VPC's (id, main, associations), the one `subnet` uses; `implicit` names the model's
/// own main one when none is marked.
fn in_use(list: &[(&str, bool, &[String])], subnet: &str, implicit: String) -> InUse {
    let main = list.iter().find(|(_, m, _)| *m).map(|(id, _, _)| *id);
    if let Some((id, _, _)) = list.iter().find(|(_, _, a)| a.iter().any(|s| s == subnet)) {
        return InUse { id: (*id).to_string(), main: main == Some(*id), associated: true, implicit: false };
    }
    match main {
        Some(id) => InUse { id: id.to_string(), main: true, associated: false, implicit: false },
        None => InUse { id: implicit, main: true, associated: false, implicit: true },
    }
}

/// A copy of entity `id` with a fresh id, "copy" in its name, and fresh values where AWS
/// needs unique ones: a free CIDR for a VPC or subnet, a free address for an interface
/// (detached, without public addresses), no associations for a route table or ACL (a subnet
/// has one of each), no VPC for an internet gateway (one per VPC). An instance comes with a
/// primary interface in its original's subnet; a VPC with its own default security group,
/// default ACL and main route table.
pub fn duplicate(t: &Topology, id: &str) -> Result<(Topology, String), String> {
    let (c, _, mut v) = find(t, id).ok_or_else(|| format!("there is no {id}"))?;
    let mut doc = t.to_value();
    let new_id = fresh_id(&doc, c.prefix);
    let o = v.as_object_mut().ok_or("not an object")?;
    o.insert("id".into(), json!(new_id));
    let name =
        o.get("name").and_then(Value::as_str).map_or_else(|| format!("{id} copy"), |n| format!("{n} copy"));
    if c.key != "prefix_lists" {
        o.insert("name".into(), json!(name));
    }
    let mut extra: Vec<(&str, Value)> = Vec::new();
    match c.key {
        "vpcs" => {
            o.insert("cidr_blocks".into(), json!([free_vpc_cidr(t)]));
            o.remove("ipv6_cidr_block");
            // A new VPC, so AWS creates its default group, default ACL and main route table.
            extra.push(("security_groups", default_security_group(&fresh_id(&doc, "sg-"), &new_id, false)));
            extra.push(("network_acls", default_network_acl(&fresh_id(&doc, "acl-"), &new_id, false)));
            extra
                .push(("route_tables", json!({ "id": fresh_id(&doc, "rtb-"), "vpc": new_id, "main": true })));
        }
        "subnets" => {
            let vpc = o.get("vpc").and_then(Value::as_str).unwrap_or_default().to_string();
            let cidr = free_subnet_cidr(t, &vpc).ok_or("the VPC has no free /24 for a copy")?;
            o.insert("cidr_block".into(), json!(cidr));
            o.remove("ipv6_cidr_block");
        }
        "network_interfaces" => {
            let subnet = o.get("subnet").and_then(Value::as_str).unwrap_or_default().to_string();
            let ip = free_private_ip(t, &subnet).ok_or("the subnet is full")?;
            o.insert("private_ip".into(), json!(ip.to_string()));
            for k in ["attachment", "public_ip", "secondary_private_ips", "ipv6_addresses", "mac_address"] {
                o.remove(k);
            }
        }
        "route_tables" | "network_acls" => {
            o.remove("associations");
            o.remove("main");
            o.remove("default");
        }
        "internet_gateways" | "vpn_gateways" => {
            o.remove("vpc");
        }
        "elastic_ips" => {
            o.insert("public_ip".into(), json!(free_public_ip(t).to_string()));
            o.remove("association");
        }
        "instances" => {
            let primary = t
                .network_interfaces
                .iter()
                .find(|e| e.attachment.as_ref().is_some_and(|a| a.instance == id && a.device_index == 0));
            if let Some(p) = primary {
                let ip = free_private_ip(t, &p.subnet).ok_or("the subnet is full")?;
                let mut eni = json!({ "id": fresh_id(&doc, "eni-"), "subnet": p.subnet, "private_ip": ip.to_string(),
                                      "security_groups": p.security_groups, "attachment": { "instance": new_id, "device_index": 0 } });
                // Launched into a subnet that auto-assigns public IPv4, as `add` does.
                if t.subnets.iter().any(|s| s.id == p.subnet && s.map_public_ip_on_launch) {
                    eni["public_ip"] = json!(free_public_ip(t).to_string());
                }
                extra.push(("network_interfaces", eni));
            }
        }
        _ => {}
    }
    let root = doc.as_object_mut().ok_or("not a topology")?;
    root.entry(c.key.to_string()).or_insert_with(|| json!([])).as_array_mut().ok_or("not a list")?.push(v);
    for (key, e) in extra {
        root.entry(key.to_string()).or_insert_with(|| json!([])).as_array_mut().ok_or("not a list")?.push(e);
    }
    Ok((decode(&doc)?, new_id))
}

/// The grid positions snap to, in diagram units.
pub const GRID: f64 = 10.0;

/// Place box `key` (a VPC, or `internet`) with its top-left corner at (x, y), snapped to
/// the grid; the layout keeps it there.
pub fn place(t: &Topology, key: &str, x: f64, y: f64) -> Result<Topology, String> {
    if !(x.is_finite() && y.is_finite()) {
        return Err("not a position".into());
    }
    if key != "internet" && !t.vpcs.iter().any(|v| v.id == key) {
        return Err(format!("{key} cannot be moved: drag a VPC or the internet"));
    }
    let snap = |v: f64| ((v / GRID).round() * GRID).max(0.0);
    let mut next = t.clone();
    next.layout.insert(key.to_string(), crate::topology::Position { x: snap(x), y: snap(y) });
    Ok(next)
}

/// Forget every placed position: back to the automatic layout.
pub fn auto_layout(t: &Topology) -> Topology {
    Topology { layout: Default::default(), ..t.clone() }
}

/// Add a subnet plan (from [`crate::planner::plan`]) to VPC `vpc`: one subnet per entry,
/// named as planned.
pub fn add_subnets(t: &Topology, vpc: &str, plan: &[crate::planner::Planned]) -> Result<Topology, String> {
    if !t.vpcs.iter().any(|v| v.id == vpc) {
        return Err(format!("there is no VPC {vpc}"));
    }
    let mut doc = t.to_value();
    for p in plan {
        let id = fresh_id(&doc, "subnet-");
        let mut v = json!({ "id": id, "name": p.name, "vpc": vpc, "availability_zone": p.availability_zone,
                            "cidr_block": p.cidr_block.to_string(), "planned_hosts": p.hosts });
        if let Some(v6) = p.ipv6_cidr_block {
            v["ipv6_cidr_block"] = json!(v6.to_string());
        }
        let list = doc.as_object_mut().ok_or("not a topology")?.entry("subnets").or_insert_with(|| json!([]));
        list.as_array_mut().ok_or("subnets is not a list")?.push(v);
    }
    decode(&doc)
}

/// The VPC and subnet a new component goes into: those of `near`, else the first ones.
struct Context {
    vpc: Option<String>,
    subnet: Option<String>,
}

impl Context {
    fn new(t: &Topology, near: Option<&str>) -> Context {
        let near_subnet = near.and_then(|n| {
            t.subnets.iter().find(|s| s.id == n).map(|s| s.id.clone()).or_else(|| {
                let eni = t.network_interfaces.iter().find(|e| {
                    e.id == n || e.attachment.as_ref().is_some_and(|a| a.instance == n && a.device_index == 0)
                })?;
                Some(eni.subnet.clone())
            })
        });
        let near_vpc = near_subnet
            .as_ref()
            .and_then(|s| t.subnets.iter().find(|x| x.id == *s).map(|x| x.vpc.clone()))
            .or_else(|| near.and_then(|n| t.vpcs.iter().find(|v| v.id == n).map(|v| v.id.clone())))
            .or_else(|| {
                let (_, _, e) = find(t, near?)?;
                e.get("vpc").and_then(Value::as_str).map(str::to_string)
            });
        let vpc = near_vpc.or_else(|| t.vpcs.first().map(|v| v.id.clone()));
        let subnet = near_subnet.or_else(|| {
            let vpc = vpc.as_deref()?;
            t.subnets.iter().find(|s| s.vpc == vpc).map(|s| s.id.clone())
        });
        Context { vpc, subnet }
    }
}

/// `prefix` followed by the first number no entity uses.
fn fresh_id(doc: &Value, prefix: &str) -> String {
    let used: BTreeSet<&str> = doc
        .as_object()
        .into_iter()
        .flat_map(|o| o.values())
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(|e| e.get("id").and_then(Value::as_str))
        .collect();
    (1..)
        .map(|n| format!("{prefix}{n}"))
        .find(|id| !used.contains(id.as_str()))
        .unwrap_or_else(|| prefix.to_string())
}

/// The first 10.N.0.0/16 that overlaps no VPC.
fn free_vpc_cidr(t: &Topology) -> String {
    (0..=255u8)
        .map(|n| IpNet::V4(Ipv4Net::new(Ipv4Addr::new(10, n, 0, 0), 16).unwrap_or_default()))
        .find(|c| !t.vpcs.iter().flat_map(|v| &v.cidr_blocks).any(|b| cidr::overlaps(*b, *c)))
        .map_or_else(|| "172.16.0.0/16".to_string(), |c| c.to_string())
}

/// The first /24 of the VPC's first block that overlaps no subnet.
fn free_subnet_cidr(t: &Topology, vpc: &str) -> Option<String> {
    let block =
        t.vpcs.iter().find(|v| v.id == vpc)?.cidr_blocks.iter().find(|b| matches!(b, IpNet::V4(_)))?;
    let IpNet::V4(b) = block else { return None };
    let size = if b.prefix_len() <= 24 { 24 } else { b.prefix_len() };
    let subs = b.subnets(size).ok()?;
    subs.map(IpNet::V4)
        .find(|c| !t.subnets.iter().any(|s| cidr::overlaps(s.cidr_block, *c)))
        .map(|c| c.to_string())
}

/// The lowest address of the subnet AWS would hand out: not reserved, not held.
pub(crate) fn free_private_ip(t: &Topology, subnet: &str) -> Option<Ipv4Addr> {
    let IpNet::V4(net) = t.subnets.iter().find(|s| s.id == subnet)?.cidr_block else { return None };
    let held: BTreeSet<Ipv4Addr> = t
        .network_interfaces
        .iter()
        .flat_map(|e| std::iter::once(e.private_ip).chain(e.secondary_private_ips.iter().copied()))
        .chain(t.nat_gateways.iter().filter_map(|n| n.private_ip))
        .collect();
    net.hosts().find(|ip| !cidr::is_reserved(IpNet::V4(net), IpAddr::V4(*ip)) && !held.contains(ip))
}

/// An unused address of 203.0.113.0/24 (TEST-NET-3, documentation space) for a new public IP.
fn free_public_ip(t: &Topology) -> Ipv4Addr {
    let held: BTreeSet<Ipv4Addr> = t
        .elastic_ips
        .iter()
        .map(|e| e.public_ip)
        .chain(t.network_interfaces.iter().filter_map(|e| e.public_ip))
        .chain(t.customer_gateways.iter().map(|c| c.ip_address))
        .collect();
    (10..=254u8)
        .map(|n| Ipv4Addr::new(203, 0, 113, n))
        .find(|ip| !held.contains(ip))
        .unwrap_or(Ipv4Addr::new(203, 0, 113, 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::examples;
    use crate::model;

    #[test]
    fn every_schema_field_is_a_real_field() {
        // Adding each kind to an example must decode; so must setting every optional field
        // to empty (removed), which exercises every key of the schema against the format.
        let mut t = examples::three_tier();
        t.transit_gateways
            .push(serde_json::from_value(json!({ "id": "tgw-x" })).unwrap_or_else(|e| unreachable!("{e}")));
        for c in SCHEMA {
            let (next, id) = add(&t, c.key, None).unwrap_or_else(|e| unreachable!("{}: {e}", c.key));
            let (_, _, v) = find(&next, &id).unwrap_or_else(|| unreachable!("{id}"));
            for fld in c.fields {
                assert!(
                    v.get(fld.key).is_some() || !fld.required,
                    "{}: new {id} lacks required {}",
                    c.key,
                    fld.key
                );
            }
            t = next;
        }
        let (_, diagnostics) = model::build(&t);
        let errors: Vec<String> = diagnostics
            .iter()
            .filter(|d| d.severity == crate::Severity::Error)
            .map(ToString::to_string)
            .collect();
        // New components may leave the network incomplete (an ALB without listeners is
        // only advice), but never an invalid configuration except where AWS itself needs a
        // second step (a VPN connection's routes are empty, a peering is pending).
        assert!(errors.is_empty(), "{errors:#?}");
    }

    /// A new VPC on an empty canvas, a subnet and an instance in it, as a newcomer builds.
    fn vpc_subnet_instance() -> (Topology, String) {
        let ok = |r: Result<(Topology, String), String>| r.unwrap_or_else(|e| unreachable!("{e}"));
        let (t, _) = ok(add(&Topology::new(), "vpcs", None));
        let (t, _) = ok(add(&t, "subnets", None));
        ok(add(&t, "instances", None))
    }

    #[test]
    fn a_new_vpc_comes_with_its_default_group_default_acl_and_main_route_table() {
        let (t, vpc) = add(&Topology::new(), "vpcs", None).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(vpc, "vpc-1");
        let v = t.to_value();
        // AWS's defaults (default-security-group.html, default-network-acl.html,
        // RouteTables.html#MainRouteTable), with the editor's ids.
        assert_eq!(
            v["security_groups"],
            json!([{ "id": "sg-1", "name": "default", "vpc": "vpc-1", "description": "default VPC security group",
                     "inbound": [{ "protocol": "all", "peer": "sg-1" }],
                     "outbound": [{ "protocol": "all", "peer": "0.0.0.0/0" }] }])
        );
        let all = json!([{ "rule": 100, "protocol": "all", "cidr": "0.0.0.0/0", "action": "allow" }]);
        assert_eq!(
            v["network_acls"],
            json!([{ "id": "acl-1", "vpc": "vpc-1", "default": true, "inbound": all, "outbound": all }])
        );
        assert_eq!(v["route_tables"], json!([{ "id": "rtb-1", "vpc": "vpc-1", "main": true }]));
        // They are what the model uses: nothing implicit is added for this VPC.
        let (m, diagnostics) = model::build(&t);
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        let mv = &m.vpcs[0];
        let (sg, acl, rt) = (
            &m.security_groups[mv.default_sg.0],
            &m.network_acls[mv.default_acl.0],
            &m.route_tables[mv.main_route_table.0],
        );
        assert_eq!((sg.id.as_str(), sg.implicit), ("sg-1", false));
        assert_eq!((acl.id.as_str(), acl.implicit), ("acl-1", false));
        assert_eq!((rt.id.as_str(), rt.implicit), ("rtb-1", false));
        assert_eq!((m.security_groups.len(), m.network_acls.len(), m.route_tables.len()), (1, 1, 1));
        // They show in the components list, the table and ACL marked as the console marks them.
        let labels: Vec<String> =
            entities(&t).into_iter().map(|(c, _, l)| format!("{} {l}", c.noun)).collect();
        assert_eq!(
            labels,
            [
                "VPC vpc-1",
                "route table rtb-1 (main)",
                "security group default (sg-1)",
                "network ACL acl-1 (default)"
            ]
        );
    }

    #[test]
    fn the_explicit_defaults_filter_as_the_implicit_ones_did() {
        // The same VPC with the defaults left to the model, and made explicit by `add`: every
        // rule of the default group and ACL matches the model's implicit ones exactly.
        let (explicit, _) = add(&Topology::new(), "vpcs", None).unwrap_or_else(|e| unreachable!("{e}"));
        let mut implicit = explicit.clone();
        implicit.security_groups.clear();
        implicit.network_acls.clear();
        implicit.route_tables.clear();
        let (a, _) = model::build(&explicit);
        let (b, _) = model::build(&implicit);
        let strip = |m: &model::Model| {
            let acl = &m.network_acls[m.vpcs[0].default_acl.0];
            let rt = &m.route_tables[m.vpcs[0].main_route_table.0];
            (acl.inbound.clone(), acl.outbound.clone(), rt.routes.clone())
        };
        assert_eq!(strip(&a), strip(&b));
        let (ga, gb) =
            (&a.security_groups[a.vpcs[0].default_sg.0], &b.security_groups[b.vpcs[0].default_sg.0]);
        assert_eq!((&ga.inbound, &ga.outbound), (&gb.inbound, &gb.outbound));
        // With IPv6, the builders add rule 101 and ::/0 outbound, as the model does.
        let mut v6 = implicit.clone();
        v6.vpcs[0].ipv6_cidr_block = "2600:1f18:aaaa:bb00::/56".parse().ok();
        let mut doc = v6.to_value();
        doc["security_groups"] = json!([default_security_group("sg-1", "vpc-1", true)]);
        doc["network_acls"] = json!([default_network_acl("acl-1", "vpc-1", true)]);
        let v6_explicit = decode(&doc).unwrap_or_else(|e| unreachable!("{e}"));
        let (a, _) = model::build(&v6_explicit);
        let (b, _) = model::build(&v6);
        assert_eq!(strip(&a), strip(&b));
        let (ga, gb) =
            (&a.security_groups[a.vpcs[0].default_sg.0], &b.security_groups[b.vpcs[0].default_sg.0]);
        assert_eq!((&ga.inbound, &ga.outbound), (&gb.inbound, &gb.outbound));
    }

    #[test]
    fn an_ipv6_block_given_to_the_vpc_opens_its_default_acl_and_group_to_ipv6() {
        let (t, _) = add(&Topology::new(), "vpcs", None).unwrap_or_else(|e| unreachable!("{e}"));
        // The default ACL's outbound rules were changed: AWS adds rule 101 inbound only.
        let t = set(&t, "acl-1", &["outbound".into(), 0.into(), "action".into()], Some(json!("deny")))
            .unwrap_or_else(|e| unreachable!("{e}"));
        let block = Some(json!("2600:1f18:aaaa:bb00::/56"));
        let t = set(&t, "vpc-1", &["ipv6_cidr_block".into()], block).unwrap_or_else(|e| unreachable!("{e}"));
        let v = t.to_value();
        let rules = |dir: &str| -> Vec<Value> {
            v["network_acls"][0][dir].as_array().into_iter().flatten().map(|r| r["rule"].clone()).collect()
        };
        assert_eq!((rules("inbound"), rules("outbound")), (vec![json!(100), json!(101)], vec![json!(100)]));
        assert_eq!(v["network_acls"][0]["inbound"][1]["cidr"], "::/0");
        assert_eq!(v["security_groups"][0]["outbound"][1], json!({ "protocol": "all", "peer": "::/0" }));
        // Setting it again (or anything else) adds nothing more.
        let again =
            set(&t, "vpc-1", &["name".into()], Some(json!("prod"))).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(again.security_groups, t.security_groups);
        assert_eq!(again.network_acls, t.network_acls);
    }

    #[test]
    fn deleting_a_vpc_deletes_its_defaults_with_it() {
        let (t, _) = vpc_subnet_instance();
        let (next, account) = remove(&t, "vpc-1").unwrap_or_else(|e| unreachable!("{e}"));
        assert!(
            next.security_groups.is_empty() && next.network_acls.is_empty() && next.route_tables.is_empty()
        );
        for gone in ["security group default (sg-1)", "network ACL acl-1", "route table rtb-1"] {
            assert!(
                account.iter().any(|l| l.starts_with(gone) && l.contains("deleted too")),
                "{gone}: {account:#?}"
            );
        }
    }

    #[test]
    fn a_vpcs_defaults_are_not_deleted_on_their_own() {
        let (t, _) = vpc_subnet_instance();
        for (id, what) in [
            ("sg-1", "default security group"),
            ("acl-1", "default network ACL"),
            ("rtb-1", "main route table"),
        ] {
            let e = remove(&t, id).err().unwrap_or_default();
            assert!(
                e.starts_with(&format!("{id} is its VPC's {what}: AWS deletes it only with the VPC")),
                "{e}"
            );
        }
        // Another group of the same VPC goes as usual.
        let (t2, extra) = add(&t, "security_groups", Some("vpc-1")).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(remove(&t2, &extra).is_ok());
    }

    #[test]
    fn the_default_group_keeps_its_name_and_no_other_takes_it() {
        let (t, _) = vpc_subnet_instance();
        let e = set(&t, "sg-1", &[Step::from("name")], Some(json!("web"))).err().unwrap_or_default();
        assert!(e.contains("default group: its name stays \"default\""), "{e}");
        let (t2, other) = add(&t, "security_groups", Some("vpc-1")).unwrap_or_else(|e| unreachable!("{e}"));
        let e = set(&t2, &other, &[Step::from("name")], Some(json!("default"))).err().unwrap_or_default();
        assert!(e.contains("already has its default group"), "{e}");
        assert!(set(&t2, &other, &[Step::from("name")], Some(json!("web"))).is_ok());
    }

    #[test]
    fn new_interfaces_are_in_the_vpcs_default_group_and_the_fix_names_it() {
        let (t, instance) = vpc_subnet_instance();
        let primary = &t.network_interfaces[0];
        assert_eq!(primary.attachment.as_ref().map(|a| a.instance.as_str()), Some(instance.as_str()));
        assert_eq!(primary.security_groups, ["sg-1"]);
        let (t, eni) =
            add(&t, "network_interfaces", Some("subnet-1")).unwrap_or_else(|e| unreachable!("{e}"));
        let standalone = t.network_interfaces.iter().find(|e| e.id == eni).unwrap_or_else(|| unreachable!());
        assert_eq!(standalone.security_groups, ["sg-1"]);
        // Without an explicit default group the list stays empty: the model's implicit one.
        let mut bare = t.clone();
        bare.security_groups.clear();
        bare.network_interfaces.clear();
        let (bare, eni) =
            add(&bare, "network_interfaces", Some("subnet-1")).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(bare.network_interfaces.iter().all(|e| e.id != eni || e.security_groups.is_empty()));
        // A public web server in the main route table's subnet: the internet is refused by
        // the default group, and the fix names that group, which the user can open and edit.
        let (mut t, _) = add(&t, "internet_gateways", Some("vpc-1")).unwrap_or_else(|e| unreachable!("{e}"));
        t.network_interfaces[0].public_ip = Some(Ipv4Addr::new(203, 0, 113, 10));
        let route = json!([{ "destination": "0.0.0.0/0", "target": "igw-1" }]);
        let t = set(&t, "rtb-1", &["routes".into()], Some(route)).unwrap_or_else(|e| unreachable!("{e}"));
        let (m, _) = model::build(&t);
        let q = crate::trace::Query::new("internet", instance, crate::Protocol::Tcp, Some(443));
        let trace = crate::trace::reach(&m, &q).unwrap_or_else(|e| unreachable!("{e}"));
        let text = crate::trace::render(&trace);
        assert!(!trace.reachable, "{text}");
        assert!(
            trace
                .explanations
                .iter()
                .any(|x| x.fix.as_deref().is_some_and(|f| f.starts_with("add an inbound rule to sg-1 "))),
            "{text}"
        );
        assert!(!text.contains("default-sg"), "{text}");
    }

    #[test]
    fn an_instance_launched_into_an_auto_assign_subnet_gets_a_public_ipv4_on_its_primary_interface() {
        let (t, _) = vpc_subnet_instance();
        assert_eq!(t.network_interfaces[0].public_ip, None, "the subnet does not auto-assign");
        let t = set(&t, "subnet-1", &["map_public_ip_on_launch".into()], Some(json!(true)))
            .unwrap_or_else(|e| unreachable!("{e}"));
        // Launched now: its primary interface gets the first unused documentation address.
        let (t, i2) = add(&t, "instances", Some("subnet-1")).unwrap_or_else(|e| unreachable!("{e}"));
        let primary_of = |t: &Topology, i: &str| {
            t.network_interfaces
                .iter()
                .find(|e| e.attachment.as_ref().is_some_and(|a| a.instance == i && a.device_index == 0))
                .and_then(|e| e.public_ip)
        };
        assert_eq!(primary_of(&t, &i2), Some(Ipv4Addr::new(203, 0, 113, 10)));
        // Another one gets the next address; a copy launched there too.
        let (t, i3) = add(&t, "instances", Some("subnet-1")).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(primary_of(&t, &i3), Some(Ipv4Addr::new(203, 0, 113, 11)));
        let (t, i4) = duplicate(&t, &i3).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(primary_of(&t, &i4), Some(Ipv4Addr::new(203, 0, 113, 12)));
        // A standalone interface added later gets none: only a launch auto-assigns.
        let (t, eni) =
            add(&t, "network_interfaces", Some("subnet-1")).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(t.network_interfaces.iter().find(|e| e.id == eni).and_then(|e| e.public_ip), None);
        assert!(model::build(&t).1.iter().all(|d| d.severity != crate::Severity::Error));
    }

    #[test]
    fn a_subnet_uses_its_associated_table_and_acl_else_the_main_and_default_ones() {
        let (t, _) = vpc_subnet_instance();
        let uses = |t: &Topology| (route_table_of(t, "subnet-1"), network_acl_of(t, "subnet-1"));
        let main = |id: &str| Some(InUse { id: id.into(), main: true, associated: false, implicit: false });
        assert_eq!(uses(&t), (main("rtb-1"), main("acl-1")));
        // Explicitly associated with a new table and ACL: those, not the main ones.
        let (t, rtb) = add(&t, "route_tables", Some("vpc-1")).unwrap_or_else(|e| unreachable!("{e}"));
        let t = set(&t, &rtb, &["associations".into()], Some(json!(["subnet-1"])))
            .unwrap_or_else(|e| unreachable!("{e}"));
        let (t, acl) = add(&t, "network_acls", Some("vpc-1")).unwrap_or_else(|e| unreachable!("{e}"));
        let t = set(&t, &acl, &["associations".into()], Some(json!(["subnet-1"])))
            .unwrap_or_else(|e| unreachable!("{e}"));
        let custom = |id: &str| Some(InUse { id: id.into(), main: false, associated: true, implicit: false });
        assert_eq!(uses(&t), (custom("rtb-2"), custom("acl-2")));
        // The model agrees.
        let (m, _) = model::build(&t);
        let s = &m.subnets[0];
        assert_eq!(
            (m.route_tables[s.route_table.0].id.as_str(), m.network_acls[s.acl.0].id.as_str()),
            ("rtb-2", "acl-2")
        );
        // Without explicit main ones, the model's implicit ones, by the ids it gives them.
        let mut bare = t.clone();
        bare.route_tables.clear();
        bare.network_acls.clear();
        let implicit =
            |id: &str| Some(InUse { id: id.into(), main: true, associated: false, implicit: true });
        assert_eq!(uses(&bare), (implicit("vpc-1-main-rtb"), implicit("vpc-1-default-acl")));
        let (m, _) = model::build(&bare);
        let s = &m.subnets[0];
        assert_eq!(m.route_tables[s.route_table.0].id, "vpc-1-main-rtb");
        assert_eq!(m.network_acls[s.acl.0].id, "vpc-1-default-acl");
        assert_eq!(route_table_of(&t, "subnet-x"), None);
    }

    #[test]
    fn new_security_group_allows_all_outbound_and_nothing_inbound() {
        let (t, id) = add(&examples::three_tier(), "security_groups", Some("vpc-prod"))
            .unwrap_or_else(|e| unreachable!("{e}"));
        let sg = t.security_groups.iter().find(|g| g.id == id).unwrap_or_else(|| unreachable!());
        assert!(sg.inbound.is_empty());
        assert_eq!(sg.outbound.len(), 1);
        assert_eq!(sg.outbound[0].peer, "0.0.0.0/0");
    }

    #[test]
    fn new_instance_gets_a_primary_interface_at_the_lowest_free_address() {
        let t = examples::three_tier();
        let (next, id) = add(&t, "instances", Some("subnet-db-b")).unwrap_or_else(|e| unreachable!("{e}"));
        let eni = next
            .network_interfaces
            .iter()
            .find(|e| e.attachment.as_ref().is_some_and(|a| a.instance == id && a.device_index == 0))
            .unwrap_or_else(|| unreachable!("no primary interface"));
        assert_eq!(eni.subnet, "subnet-db-b");
        // 10.0.12.0-3 are reserved by AWS; .4 is the first address it hands out.
        assert_eq!(eni.private_ip, Ipv4Addr::new(10, 0, 12, 4));
    }

    #[test]
    fn bgp_routes_of_a_vpn_connection_are_edited_like_its_static_routes() {
        let t = examples::three_tier();
        let (t, _) = add(&t, "vpn_gateways", None).unwrap_or_else(|e| unreachable!("{e}"));
        let (t, _) = add(&t, "customer_gateways", None).unwrap_or_else(|e| unreachable!("{e}"));
        let (t, id) = add(&t, "vpn_connections", None).unwrap_or_else(|e| unreachable!("{e}"));
        let field = SCHEMA
            .iter()
            .find(|c| c.key == "vpn_connections")
            .and_then(|c| c.fields.iter().find(|f| f.key == "bgp_routes"))
            .unwrap_or_else(|| unreachable!("no bgp_routes in the schema"));
        assert!(!field.required);
        let v = parse_input(field.ty, "172.16.0.0/16, 10.50.0.0/16").unwrap_or_else(|e| unreachable!("{e}"));
        let next = set(&t, &id, &["bgp_routes".into()], v).unwrap_or_else(|e| unreachable!("{e}"));
        let c = next.vpn_connections.iter().find(|c| c.id == id).unwrap_or_else(|| unreachable!());
        let shown: Vec<String> = c.bgp_routes.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["172.16.0.0/16", "10.50.0.0/16"]);
        let bad =
            set(&t, &id, &["bgp_routes".into()], Some(json!(["172.16.0.0/33"]))).err().unwrap_or_default();
        assert!(bad.contains("vpn_connections[0]") && bad.contains("bgp_routes[0]"), "{bad}");
        let v = parse_input(field.ty, "").unwrap_or_else(|e| unreachable!("{e}"));
        let cleared = set(&next, &id, &["bgp_routes".into()], v).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(cleared, t, "an empty list is the same as none");
    }

    #[test]
    fn set_refuses_what_does_not_fit_and_names_the_field() {
        let t = examples::three_tier();
        let e = set(&t, "sg-web", &["inbound".into(), 0.into(), "ports".into()], Some(json!("70000")))
            .err()
            .unwrap_or_default();
        assert!(e.contains("security_groups[0] \"sg-web\": inbound[0].ports"), "{e}");
        let ok = set(&t, "sg-web", &["inbound".into(), 0.into(), "ports".into()], Some(json!("8443")))
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(ok.security_groups[0].inbound[0].ports.map(|p| p.first()), Some(8443));
        assert_eq!(
            parse_input(Ty::Cidr, "10.0.1.7/24"),
            Err("10.0.1.7/24 has host bits set: did you mean 10.0.1.0/24?".into())
        );
    }

    #[test]
    fn deleting_a_subnet_takes_its_interfaces_and_blackholes_routes() {
        let t = examples::three_tier();
        let (next, account) = remove(&t, "subnet-web-a").unwrap_or_else(|e| unreachable!("{e}"));
        assert!(next.subnets.iter().all(|s| s.id != "subnet-web-a"));
        assert!(next.network_interfaces.iter().all(|e| e.subnet != "subnet-web-a"));
        assert!(
            account.iter().any(|l| l.contains("network interface") && l.contains("deleted too")),
            "{account:#?}"
        );
        assert!(account.iter().any(|l| l.contains("associated subnets no longer lists it")), "{account:#?}");
        let (next, account) = remove(&t, "igw-prod").unwrap_or_else(|e| unreachable!("{e}"));
        let route =
            &next.route_tables.iter().find(|r| r.id == "rtb-public").unwrap_or_else(|| unreachable!()).routes
                [0];
        assert!(route.blackhole, "AWS keeps the route as a blackhole");
        assert!(account.iter().any(|l| l.contains("becomes a blackhole")), "{account:#?}");
        assert!(model::build(&next).1.iter().all(|d| d.severity != crate::Severity::Error));
    }

    #[test]
    fn terminating_an_instance_deletes_its_primary_interface_and_detaches_the_others() {
        let t = examples::three_tier();
        let (next, _) = remove(&t, "i-app").unwrap_or_else(|e| unreachable!("{e}"));
        let before: Vec<&str> = t
            .network_interfaces
            .iter()
            .filter(|e| e.attachment.as_ref().is_some_and(|a| a.instance == "i-app"))
            .map(|e| e.id.as_str())
            .collect();
        assert!(before.len() >= 2, "the example's app server is multi-homed");
        for id in before {
            let kept = next.network_interfaces.iter().find(|e| e.id == id);
            let primary = t
                .network_interfaces
                .iter()
                .any(|e| e.id == id && e.attachment.as_ref().is_some_and(|a| a.device_index == 0));
            match kept {
                None => assert!(primary, "{id} is secondary and should stay, detached"),
                Some(e) => assert!(!primary && e.attachment.is_none(), "{id}"),
            }
        }
    }

    #[test]
    fn associating_a_subnet_moves_it_from_its_old_route_table_and_acl() {
        let t = examples::three_tier();
        let rt = add(&t, "route_tables", Some("vpc-prod")).unwrap_or_else(|e| unreachable!("{e}"));
        let (t2, new_rt) = rt;
        let t3 = set(&t2, &new_rt, &["associations".into()], Some(json!(["subnet-web-a"])))
            .unwrap_or_else(|e| unreachable!("{e}"));
        let public = t3
            .route_tables
            .iter()
            .find(|r| r.id == "rtb-public")
            .map(|r| r.associations.clone())
            .unwrap_or_default();
        assert_eq!(public, ["subnet-web-b"], "web-a left its old table");
        assert!(
            model::build(&t3).1.iter().all(|d| d.severity != crate::Severity::Error),
            "{:?}",
            model::build(&t3).1
        );
        let (t4, acl) = add(&t3, "network_acls", Some("vpc-prod")).unwrap_or_else(|e| unreachable!("{e}"));
        let t5 = set(&t4, &acl, &["associations".into()], Some(json!(["subnet-db-a"])))
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert!(
            t5.network_acls.iter().filter(|a| a.associations.contains(&"subnet-db-a".to_string())).count()
                == 1
        );
    }

    #[test]
    fn a_subnet_plan_applies_without_diagnostics() {
        let t = examples::three_tier();
        let tiers = [crate::planner::Tier { name: "cache".into(), hosts: 29 }];
        let azs = ["us-east-1a".to_string(), "us-east-1b".to_string()];
        let plan = crate::planner::plan(&t, t.vpcs[0].cidr_blocks[0], None, &azs, &tiers).unwrap_or_default();
        let next = add_subnets(&t, "vpc-prod", &plan).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(next.subnets.len(), t.subnets.len() + 2);
        assert!(model::build(&next).1.is_empty(), "{:?}", model::build(&next).1);
    }

    #[test]
    fn duplicates_get_fresh_unique_values_and_stay_valid() {
        let t = examples::three_tier();
        let mut next = t.clone();
        for id in
            ["vpc-prod", "subnet-web-a", "i-web1", "eni-db", "rtb-public", "sg-web", "igw-prod", "acl-db"]
        {
            let (n, new_id) = duplicate(&next, id).unwrap_or_else(|e| unreachable!("{id}: {e}"));
            assert!(find(&n, &new_id).is_some(), "{id} → {new_id}");
            next = n;
        }
        let errors: Vec<String> = model::build(&next)
            .1
            .iter()
            .filter(|d| d.severity == crate::Severity::Error)
            .map(ToString::to_string)
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        // The copy of the VPC is a new VPC: AWS gives it its own defaults.
        let copy = next.vpcs.last().map(|v| v.id.clone()).unwrap_or_default();
        assert_eq!(default_security_group_of(&next, &copy).map(|g| g.starts_with("sg-")), Some(true));
        assert!(next.network_acls.iter().any(|a| a.vpc == copy && a.default));
        assert!(next.route_tables.iter().any(|r| r.vpc == copy && r.main));
        assert_eq!(next.instances.len(), t.instances.len() + 1);
        assert_eq!(
            next.network_interfaces.len(),
            t.network_interfaces.len() + 2,
            "the copy of i-web1 has its own interface"
        );
    }

    #[test]
    fn moving_an_interface_across_azs_is_refused() {
        let t = examples::three_tier();
        // The app server's second interface (device index 1) is in us-east-1a; web-2 lives
        // in us-east-1b, db in us-east-1a.
        let e = move_interface(&t, "eni-app1", "i-web2").err().unwrap_or_default();
        assert!(e.contains("own Availability Zone"), "{e}");
        let moved = move_interface(&t, "eni-app1", "i-db").unwrap_or_else(|e| unreachable!("{e}"));
        let a =
            moved.network_interfaces.iter().find(|e| e.id == "eni-app1").and_then(|e| e.attachment.clone());
        assert_eq!(a.map(|a| (a.instance, a.device_index)), Some(("i-db".to_string(), 1)));
    }

    #[test]
    fn a_primary_interface_stays_with_its_instance() {
        let t = examples::three_tier();
        let e = move_interface(&t, "eni-web1", "i-app").err().unwrap_or_default();
        assert!(e.contains("primary interface (device index 0)"), "{e}");
        let e = set(&t, "eni-web1", &["attachment".into()], None).err().unwrap_or_default();
        assert!(e.contains("cannot detach"), "{e}");
        // Deleting the instance takes its primary interface with it: no refusal.
        assert!(remove(&t, "i-web1").is_ok());
    }

    #[test]
    fn a_main_table_knows_the_subnets_that_fall_back_to_it() {
        let (t, _) = vpc_subnet_instance();
        assert_eq!(implicit_users(&t, "rtb-1"), ["subnet-1"]);
        assert_eq!(implicit_users(&t, "acl-1"), ["subnet-1"]);
        // Once associated with another table, it is that table's.
        let (t2, rtb) = add(&t, "route_tables", Some("vpc-1")).unwrap_or_else(|e| unreachable!("{e}"));
        let t3 = set(&t2, &rtb, &[Step::from("associations")], Some(json!(["subnet-1"])))
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert!(implicit_users(&t3, "rtb-1").is_empty());
        assert!(implicit_users(&t3, &rtb).is_empty(), "explicit, not implicit");
    }

    #[test]
    fn an_empty_canvas_is_told_what_comes_next() {
        let empty = Topology::default();
        let (vpc, _) = add(&empty, "vpcs", None).unwrap_or_else(|e| unreachable!("{e}"));
        let (subnet, _) = add(&vpc, "subnets", None).unwrap_or_else(|e| unreachable!("{e}"));
        let (done, _) = add(&subnet, "instances", None).unwrap_or_else(|e| unreachable!("{e}"));
        let steps: Vec<Option<&str>> =
            [&empty, &vpc, &subnet, &done].iter().map(|t| what_to_add_next(t)).collect();
        assert!(steps[0].is_some_and(|s| s.contains("add a VPC")));
        assert!(steps[1].is_some_and(|s| s.contains("needs a subnet")));
        assert!(steps[2].is_some_and(|s| s.contains("add an instance")));
        assert_eq!(steps[3], None);
    }

    #[test]
    fn rule_fields_follow_the_protocol_as_the_console_does() {
        let tcp = json!({ "protocol": "tcp", "ports": "443", "peer": "0.0.0.0/0" });
        assert!(applies(&tcp, "ports") && applies(&tcp, "peer"));
        assert!(!applies(&tcp, "icmp_type") && !applies(&tcp, "icmp_code"));
        let ping = json!({ "protocol": "icmpv6", "peer": "::/0" });
        assert!(applies(&ping, "icmp_type") && !applies(&ping, "ports"));
        let all = json!({ "protocol": "all", "peer": "10.0.0.0/8" });
        assert!(!applies(&all, "ports") && !applies(&all, "icmp_type"));
        // A value where none belongs stays visible, so it can be seen and cleared.
        assert!(applies(&json!({ "protocol": "icmp", "ports": "22" }), "ports"));
        assert!(applies(&json!({ "protocol": "nonsense" }), "ports"));
    }

    #[test]
    fn changing_a_rules_protocol_drops_the_fields_it_no_longer_uses() {
        let t = crate::examples::three_tier();
        let path = |k: &str| vec![Step::from("inbound"), Step::from(0), Step::from(k)];
        let rule = |t: &Topology| find(t, "sg-web").and_then(|(_, _, v)| v.get("inbound")?.get(0).cloned());
        assert!(rule(&t).is_some_and(|r| r.get("ports").is_some()), "the first web rule has ports");
        let ping =
            set(&t, "sg-web", &path("protocol"), Some(json!("icmp"))).unwrap_or_else(|e| unreachable!("{e}"));
        let r = rule(&ping).unwrap_or_default();
        assert_eq!(r.get("protocol"), Some(&json!("icmp")));
        assert!(r.get("ports").is_none(), "{r}");
        assert!(r.get("peer").is_some(), "the rest stays: {r}");
        let typed =
            set(&ping, "sg-web", &path("icmp_type"), Some(json!(8))).unwrap_or_else(|e| unreachable!("{e}"));
        let back = set(&typed, "sg-web", &path("protocol"), Some(json!("tcp")))
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert!(rule(&back).is_some_and(|r| r.get("icmp_type").is_none()));
    }

    #[test]
    fn an_instance_lists_its_interfaces_by_device_index() {
        let t = crate::examples::three_tier();
        let app = interfaces_of(&t, "i-app");
        let order: Vec<(u32, &str)> = app.iter().map(|(d, id, _)| (*d, id.as_str())).collect();
        assert_eq!(order.first().map(|o| o.0), Some(0));
        assert!(order.len() >= 2, "the app server is multi-homed: {order:?}");
        assert!(order.windows(2).all(|w| w[0].0 < w[1].0));
        let eni = t.network_interfaces.iter().find(|e| e.id == order[0].1).map(|e| e.private_ip.to_string());
        assert!(eni.is_some_and(|ip| app[0].2.starts_with(&ip)));
        assert!(interfaces_of(&t, "i-nothing").is_empty());
    }
}
