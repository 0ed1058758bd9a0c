//! Import an AWS snapshot: the JSON that `aws ec2 describe-*` prints, as Batfish lays it out
//! (one file per command or one merged file; see `shared/aws-snapshots/README.md`).
//!
//! The engine does no I/O: the caller reads the files and hands over their paths and text.
//! Files are recognised by their top-level keys (`Vpcs`, `Subnets`, …), never by name. The
//! same object may appear in several files (a multi-account snapshot sees a peering
//! connection from both sides): objects are merged by id and the first one read wins.
//!
//! The JSON is walked as [`serde_json::Value`] rather than deserialized into structs: real
//! snapshots are big, AWS adds fields every year and vpclab reads only a few of them, so a
//! strict schema would refuse good snapshots for fields nobody needs.
//!
//! Importing never panics and rarely fails. Whatever cannot be mapped is reported as an
//! [`ImportIssue`] naming the file, the object and the field:
//! - an **error** when the input is malformed (bad JSON, a missing id, a field of the wrong
//!   type, an unparsable address); the object or rule is skipped;
//! - a **warning** when the input is fine but names something the topology format does not
//!   model yet (transit gateways, VPN, endpoints, IPv6, …); it is skipped too.
//!
//! [`ImportError`] is only for "nothing usable at all": no file is JSON, or none holds a key
//! of the layout. The result is deterministic: every list is sorted by id.

use ipnet::IpNet;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::Ipv4Addr;

use crate::diagnostic::Severity;
use crate::packet::{PortRange, Protocol};
use crate::topology::{
    AclAction, AclEntry, Attachment, Connectivity, EipAssociation, ElasticIp, Instance, InternetGateway,
    NatGateway, NetworkAcl, NetworkInterface, Route, RouteTable, SecurityGroup, SgRule, Subnet, Topology,
    Vpc, VpcPeeringConnection,
};

/// One file of a snapshot, already read by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotFile {
    /// How the file is named in issues (usually its path).
    pub path: String,
    pub text: String,
}

/// Something in the snapshot that was not imported as is, located at a file, an AWS object
/// and a field of that object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportIssue {
    pub severity: Severity,
    pub file: String,
    /// The AWS id (`subnet-0abc`), or `Key[index]` for an object without a usable id;
    /// empty for an issue about the whole file.
    pub object: String,
    /// The field of the object, e.g. `Routes[2].NatGatewayId`; empty for the whole object.
    pub field: String,
    /// Lowercase, no trailing period.
    pub message: String,
}

impl fmt::Display for ImportIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}: {}: ", self.file)?;
        match (self.object.is_empty(), self.field.is_empty()) {
            (true, _) => {}
            (false, true) => write!(f, "{}: ", self.object)?,
            (false, false) => write!(f, "{} ({}): ", self.object, self.field)?,
        }
        f.write_str(&self.message)
    }
}

/// Why nothing at all could be imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("no files to import")]
    NoFiles,
    #[error("not an AWS snapshot: no file is valid JSON ({})", list(.files))]
    NotJson { files: Vec<String> },
    #[error(
        "not an AWS snapshot: no file has a top-level key of `aws ec2 describe-*` output such as \"Vpcs\" or \"Subnets\" ({})",
        list(.files)
    )]
    NoAwsKeys { files: Vec<String> },
}

/// File names for an error message: the first ten, then a count.
fn list(files: &[String]) -> String {
    const SHOWN: usize = 10;
    let mut s = files.iter().take(SHOWN).map(String::as_str).collect::<Vec<_>>().join(", ");
    if files.len() > SHOWN {
        s.push_str(&format!(" and {} more", files.len() - SHOWN));
    }
    s
}

/// Whether `key` is a top-level key of the snapshot layout (modelled or not). The CLI uses
/// it to tell an AWS snapshot from a vpclab topology.
pub fn is_snapshot_key(key: &str) -> bool {
    spec(key).is_some()
}

/// What becomes of the objects under one top-level key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// Mapped to topology resources.
    Modelled,
    /// Not in the topology format yet: one warning per object. The text is the plural noun.
    Skipped(&'static str),
}

/// One top-level key of the layout and the field holding each object's id.
struct KeySpec {
    key: &'static str,
    /// A dotted path for the rare id that sits in a sub-object (`Target.Id`).
    id: &'static str,
    fate: Fate,
}

const fn modelled(key: &'static str, id: &'static str) -> KeySpec {
    KeySpec { key, id, fate: Fate::Modelled }
}

const fn skipped(key: &'static str, id: &'static str, noun: &'static str) -> KeySpec {
    KeySpec { key, id, fate: Fate::Skipped(noun) }
}

/// The layout's keys (README of the snapshots; Batfish's `aws` representation), plus the
/// Direct Connect keys Batfish snapshots carry.
const KEYS: &[KeySpec] = &[
    modelled("Vpcs", "VpcId"),
    modelled("Subnets", "SubnetId"),
    modelled("RouteTables", "RouteTableId"),
    modelled("InternetGateways", "InternetGatewayId"),
    modelled("NetworkInterfaces", "NetworkInterfaceId"),
    modelled("Reservations", "ReservationId"),
    modelled("Addresses", "AllocationId"),
    modelled("SecurityGroups", "GroupId"),
    modelled("NetworkAcls", "NetworkAclId"),
    modelled("NatGateways", "NatGatewayId"),
    modelled("VpcPeeringConnections", "VpcPeeringConnectionId"),
    skipped("EgressOnlyInternetGateways", "EgressOnlyInternetGatewayId", "egress-only internet gateways"),
    skipped("TransitGateways", "TransitGatewayId", "transit gateways"),
    skipped("TransitGatewayAttachments", "TransitGatewayAttachmentId", "transit gateway attachments"),
    skipped("TransitGatewayVpcAttachments", "TransitGatewayAttachmentId", "transit gateway VPC attachments"),
    skipped("TransitGatewayRouteTables", "TransitGatewayRouteTableId", "transit gateway route tables"),
    skipped("TransitGatewayPropagations", "TransitGatewayRouteTableId", "transit gateway route propagations"),
    skipped("TransitGatewayStaticRoutes", "TransitGatewayRouteTableId", "transit gateway static routes"),
    skipped("VpcEndpoints", "VpcEndpointId", "VPC endpoints"),
    skipped("PrefixLists", "PrefixListId", "prefix lists"),
    skipped("VpnGateways", "VpnGatewayId", "virtual private gateways"),
    skipped("CustomerGateways", "CustomerGatewayId", "customer gateways"),
    skipped("VpnConnections", "VpnConnectionId", "VPN connections"),
    skipped("LoadBalancers", "LoadBalancerArn", "load balancers"),
    skipped("TargetGroups", "TargetGroupArn", "target groups"),
    skipped("LoadBalancerListeners", "LoadBalancerArn", "load balancer listeners"),
    skipped("LoadBalancerTargetHealth", "TargetGroupArn", "load balancer target health checks"),
    skipped("LoadBalancerAttributes", "LoadBalancerArn", "load balancer attributes"),
    skipped("Listeners", "ListenerArn", "load balancer listeners"),
    skipped("TargetHealthDescriptions", "Target.Id", "load balancer target health checks"),
    skipped("DirectConnectGateways", "DirectConnectGatewayId", "Direct Connect gateways"),
    skipped("DirectConnectGatewayAssociations", "AssociationId", "Direct Connect gateway associations"),
    skipped("VirtualInterfaces", "VirtualInterfaceId", "Direct Connect virtual interfaces"),
];

fn spec(key: &str) -> Option<&'static KeySpec> {
    KEYS.iter().find(|s| s.key == key)
}

/// Import a snapshot. Issues come errors first, then warnings, each in reading order.
pub fn import(files: &[SnapshotFile]) -> Result<(Topology, Vec<ImportIssue>), ImportError> {
    if files.is_empty() {
        return Err(ImportError::NoFiles);
    }
    let mut is = Issues::default();
    let (parsed, json) = parse_files(files, &mut is);
    if json == 0 {
        return Err(ImportError::NotJson { files: files.iter().map(|f| f.path.clone()).collect() });
    }
    let snap = Snapshot::collect(&parsed, &mut is);
    if !snap.any_key {
        return Err(ImportError::NoAwsKeys { files: files.iter().map(|f| f.path.clone()).collect() });
    }
    let t = build(&snap, &parsed, &mut is);
    let mut issues = is.0;
    issues.sort_by_key(|i| i.severity);
    Ok((t, issues))
}

// ---------------------------------------------------------------------------------------
// Issues and the helpers that read JSON fields while reporting what is wrong with them.

#[derive(Debug, Default)]
struct Issues(Vec<ImportIssue>);

impl Issues {
    fn push(&mut self, severity: Severity, file: &str, object: &str, field: String, message: String) {
        self.0.push(ImportIssue {
            severity,
            file: file.to_string(),
            object: object.to_string(),
            field,
            message,
        });
    }
}

/// `path.key`, or `key` at the top of an object: fields read like `Routes[2].GatewayId`.
fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// The issue sink plus the object being read, so every helper reports against it.
struct Cx<'i, 'a> {
    is: &'i mut Issues,
    file: &'a str,
    object: &'a str,
}

impl Cx<'_, '_> {
    fn error(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.is.push(Severity::Error, self.file, self.object, field.into(), message.into());
    }

    fn warn(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.is.push(Severity::Warning, self.file, self.object, field.into(), message.into());
    }

    fn wrong_type(&mut self, field: String, expected: &str, found: &Value) {
        self.error(field, format!("expected {expected}, found {}", type_name(found)));
    }

    /// A string field; `None` when absent or null, an error when of another type.
    fn opt_str<'v>(&mut self, v: &'v Value, path: &str, key: &str) -> Option<&'v str> {
        match v.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(other) => {
                self.wrong_type(join(path, key), "a string", other);
                None
            }
        }
    }

    /// A string field the object cannot do without: `what` is what gets skipped.
    fn req_str<'v>(&mut self, v: &'v Value, path: &str, key: &str, what: &str) -> Option<&'v str> {
        match v.get(key) {
            None | Some(Value::Null) => {
                self.error(join(path, key), format!("required field is missing; {what} skipped"));
                None
            }
            Some(Value::String(s)) => Some(s),
            Some(other) => {
                self.error(
                    join(path, key),
                    format!("expected a string, found {}; {what} skipped", type_name(other)),
                );
                None
            }
        }
    }

    fn opt_bool(&mut self, v: &Value, path: &str, key: &str) -> Option<bool> {
        match v.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(other) => {
                self.wrong_type(join(path, key), "true or false", other);
                None
            }
        }
    }

    fn opt_int(&mut self, v: &Value, path: &str, key: &str) -> Option<i64> {
        match v.get(key) {
            None | Some(Value::Null) => None,
            Some(n @ Value::Number(_)) => match n.as_i64() {
                Some(i) => Some(i),
                None => {
                    self.error(join(path, key), format!("{n} is not a whole number"));
                    None
                }
            },
            Some(other) => {
                self.wrong_type(join(path, key), "a number", other);
                None
            }
        }
    }

    /// A list field; empty when absent or null, an error when of another type.
    fn list<'v>(&mut self, v: &'v Value, path: &str, key: &str) -> &'v [Value] {
        match v.get(key) {
            None | Some(Value::Null) => &[],
            Some(Value::Array(a)) => a,
            Some(other) => {
                self.wrong_type(join(path, key), "a list", other);
                &[]
            }
        }
    }

    /// An IPv4 or IPv6 CIDR block; an error naming `what` (skipped) when unparsable.
    fn cidr(&mut self, field: String, s: &str, what: &str) -> Option<IpNet> {
        match s.trim().parse::<IpNet>() {
            Ok(n) => Some(n),
            Err(_) => {
                self.error(field, format!("{s:?} is not a CIDR block; {what} skipped"));
                None
            }
        }
    }

    fn ipv4(&mut self, field: String, s: &str, what: &str) -> Option<Ipv4Addr> {
        match s.trim().parse::<Ipv4Addr>() {
            Ok(a) => Some(a),
            Err(_) => {
                self.error(field, format!("{s:?} is not an IPv4 address; {what} skipped"));
                None
            }
        }
    }

    /// The `Name` tag: AWS keeps tags under `Tags`, network interfaces under `TagSet`.
    fn name_tag(&mut self, v: &Value) -> Option<String> {
        let key = if v.get("TagSet").is_some() { "TagSet" } else { "Tags" };
        self.list(v, "", key).iter().find_map(|t| {
            (t.get("Key").and_then(Value::as_str) == Some("Name"))
                .then(|| t.get("Value").and_then(Value::as_str))
                .flatten()
                .filter(|n| !n.is_empty())
                .map(str::to_string)
        })
    }

    /// A protocol as AWS writes it: `-1`, `tcp`, `udp`, `icmp`, `icmpv6` or a number.
    fn protocol(&mut self, v: &Value, path: &str, key: &str, what: &str) -> Option<Protocol> {
        let text = match v.get(key) {
            Some(Value::String(s)) => s.clone(),
            Some(n @ Value::Number(_)) => n.to_string(),
            None | Some(Value::Null) => {
                self.error(join(path, key), format!("required field is missing; {what} skipped"));
                return None;
            }
            Some(other) => {
                self.error(
                    join(path, key),
                    format!("expected a protocol, found {}; {what} skipped", type_name(other)),
                );
                return None;
            }
        };
        match text.parse::<Protocol>() {
            Ok(p) => Some(p),
            Err(e) => {
                self.error(join(path, key), format!("{e}; {what} skipped"));
                None
            }
        }
    }

    /// A TCP/UDP port range from two AWS numbers; -1 or absent means all ports.
    fn ports(
        &mut self,
        field: String,
        from: Option<i64>,
        to: Option<i64>,
        what: &str,
    ) -> Result<Option<PortRange>, ()> {
        match (from, to) {
            (None, _) | (_, None) | (Some(-1), _) | (_, Some(-1)) => Ok(None),
            (Some(f), Some(t)) => {
                let range =
                    u16::try_from(f).ok().zip(u16::try_from(t).ok()).and_then(|(f, t)| PortRange::new(f, t));
                match range {
                    Some(PortRange::ALL) => Ok(None),
                    Some(r) => Ok(Some(r)),
                    None => {
                        self.error(field, format!("{f}-{t} is not a port range; {what} skipped"));
                        Err(())
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Reading the files and collecting objects by id.

/// One file that parsed as JSON with an object at the top.
struct Parsed<'f> {
    path: &'f str,
    value: Value,
}

/// Parse every file; a file that is not JSON is an error issue and the others still count.
/// Also returns how many files are JSON at all.
fn parse_files<'f>(files: &'f [SnapshotFile], is: &mut Issues) -> (Vec<Parsed<'f>>, usize) {
    let mut out = Vec::new();
    let mut json = 0;
    for f in files {
        // Editors on some systems write a byte-order mark, which serde_json refuses.
        let text = f.text.strip_prefix('\u{feff}').unwrap_or(&f.text);
        match serde_json::from_str::<Value>(text) {
            Err(e) => is.push(
                Severity::Error,
                &f.path,
                "",
                String::new(),
                format!("not valid JSON: {e}; file skipped"),
            ),
            Ok(value @ Value::Object(_)) => {
                json += 1;
                out.push(Parsed { path: &f.path, value });
            }
            Ok(other) => {
                json += 1;
                let msg = format!(
                    "the top level is {}, not an object of describe-* keys; file ignored",
                    type_name(&other)
                );
                is.push(Severity::Warning, &f.path, "", String::new(), msg);
            }
        }
    }
    (out, json)
}

/// One AWS object, where it was read and its id.
#[derive(Debug, Clone)]
struct Item<'a> {
    file: &'a str,
    /// `Key[index]` in its file, for issues about an object without a usable id.
    at: String,
    id: String,
    v: &'a Value,
}

impl Item<'_> {
    fn cx<'s, 'i>(&'s self, is: &'i mut Issues) -> Cx<'i, 's> {
        Cx { is, file: self.file, object: &self.id }
    }
}

/// Every object of the snapshot by key, then by id (so lists come out sorted by id).
#[derive(Debug, Default)]
struct Snapshot<'a> {
    by_key: BTreeMap<&'static str, BTreeMap<String, Item<'a>>>,
    /// Instances from every reservation, by instance id.
    instances: BTreeMap<String, Item<'a>>,
    /// Reading order of the subnets (file, index), for the region: "the first one seen".
    subnet_order: Vec<String>,
    any_key: bool,
}

impl<'a> Snapshot<'a> {
    fn collect(files: &'a [Parsed<'_>], is: &mut Issues) -> Snapshot<'a> {
        let mut s = Snapshot::default();
        for f in files {
            let Some(obj) = f.value.as_object() else { continue };
            for (key, list) in obj {
                let Some(spec) = spec(key) else { continue };
                s.any_key = true;
                let Some(list) = list.as_array() else {
                    let msg = format!("expected a list, found {}; key skipped", type_name(list));
                    is.push(Severity::Error, f.path, key, String::new(), msg);
                    continue;
                };
                for (i, v) in list.iter().enumerate() {
                    let at = format!("{key}[{i}]");
                    if spec.key == "Reservations" {
                        s.reservation(f.path, &at, v, is);
                    } else {
                        s.add(spec, f.path, at, v, is);
                    }
                }
            }
        }
        s
    }

    /// Record one object under its key unless its id was seen already (first wins).
    fn add(&mut self, spec: &'static KeySpec, file: &'a str, at: String, v: &'a Value, is: &mut Issues) {
        let Some(id) = object_id(spec, file, &at, v, is) else { return };
        if spec.key == "Subnets" {
            self.subnet_order.push(id.clone());
        }
        self.by_key.entry(spec.key).or_default().entry(id.clone()).or_insert(Item { file, at, id, v });
    }

    /// A reservation only groups instances; the instances are what vpclab imports.
    fn reservation(&mut self, file: &'a str, at: &str, v: &'a Value, is: &mut Issues) {
        if !v.is_object() {
            let msg = format!("expected an object, found {}; skipped", type_name(v));
            is.push(Severity::Error, file, at, String::new(), msg);
            return;
        }
        let Some(instances) = v.get("Instances") else { return };
        let Some(list) = instances.as_array() else {
            let msg = format!("expected a list, found {}; reservation skipped", type_name(instances));
            is.push(Severity::Error, file, at, "Instances".into(), msg);
            return;
        };
        for (j, x) in list.iter().enumerate() {
            let at = format!("{at}.Instances[{j}]");
            let spec = &KeySpec { key: "Instances", id: "InstanceId", fate: Fate::Modelled };
            let Some(id) = object_id(spec, file, &at, x, is) else { continue };
            self.instances.entry(id.clone()).or_insert(Item { file, at, id, v: x });
        }
    }

    /// The objects under `key`, sorted by id.
    fn items(&self, key: &str) -> impl Iterator<Item = &Item<'a>> {
        self.by_key.get(key).into_iter().flat_map(BTreeMap::values)
    }

    fn get(&self, key: &str, id: &str) -> Option<&Item<'a>> {
        self.by_key.get(key).and_then(|m| m.get(id))
    }
}

/// The id of one object. For a modelled kind, a missing id is an error and the object is
/// skipped; a skipped kind is warned about anyway, so it falls back to its position.
fn object_id(spec: &KeySpec, file: &str, at: &str, v: &Value, is: &mut Issues) -> Option<String> {
    if !v.is_object() {
        let msg = format!("expected an object, found {}; skipped", type_name(v));
        is.push(Severity::Error, file, at, String::new(), msg);
        return None;
    }
    let found = spec.id.split('.').try_fold(v, |v, k| v.get(k));
    match (found, spec.fate) {
        (Some(Value::String(s)), _) if !s.trim().is_empty() => Some(s.clone()),
        (_, Fate::Skipped(_)) => Some(at.to_string()),
        (None | Some(Value::Null), Fate::Modelled) => {
            is.push(Severity::Error, file, at, spec.id.into(), "the object has no id; skipped".into());
            None
        }
        (Some(Value::String(_)), Fate::Modelled) => {
            is.push(Severity::Error, file, at, spec.id.into(), "the id is empty; skipped".into());
            None
        }
        (Some(other), Fate::Modelled) => {
            let msg = format!("expected a string id, found {}; skipped", type_name(other));
            is.push(Severity::Error, file, at, spec.id.into(), msg);
            None
        }
    }
}

// ---------------------------------------------------------------------------------------
// Building the topology, one small function per resource.

/// What the resources need to know about each other while they are mapped.
#[derive(Debug, Default)]
struct Known {
    /// Security group id to its VPC id, for group references.
    sg_vpc: BTreeMap<String, String>,
    /// Public addresses that are Elastic IPs: they are imported as `elastic_ips`, so the
    /// interface must not also carry them as auto-assigned addresses.
    eip_publics: BTreeSet<String>,
    /// Instances imported.
    instances: BTreeSet<String>,
    /// Interfaces imported.
    interfaces: BTreeSet<String>,
    /// Interfaces skipped because a managed component owns them: id to why, e.g. `part of a
    /// Lambda function, not modelled yet`.
    managed: BTreeMap<String, String>,
    /// NAT gateways imported.
    nat_gateways: BTreeSet<String>,
    /// The interfaces of the NAT gateways imported: interface id to NAT gateway id.
    nat_interfaces: BTreeMap<String, String>,
    /// The Elastic IP allocations of the public NAT gateways imported.
    nat_eips: BTreeSet<String>,
    /// Peering connections imported.
    peerings: BTreeSet<String>,
    /// Pairs of VPCs (in order) joined by an active peering connection imported.
    peered: BTreeSet<(String, String)>,
    /// The interfaces imported for each instance, by device index.
    instance_interfaces: BTreeMap<String, Vec<(u32, String)>>,
}

/// Two VPC ids in order, as [`Known::peered`] holds them.
fn pair(a: &str, b: &str) -> (String, String) {
    (a.min(b).to_string(), a.max(b).to_string())
}

fn build(s: &Snapshot<'_>, files: &[Parsed<'_>], is: &mut Issues) -> Topology {
    let mut t = Topology::new();
    let mut k = Known::default();
    for g in s.items("SecurityGroups") {
        if let Some(vpc) = g.v.get("VpcId").and_then(Value::as_str) {
            k.sg_vpc.insert(g.id.clone(), vpc.to_string());
        }
    }
    k.eip_publics = s
        .items("Addresses")
        .filter_map(|a| a.v.get("PublicIp").and_then(Value::as_str).map(str::to_string))
        .collect();
    t.region = region(s, files, is);
    t.vpcs = s.items("Vpcs").filter_map(|x| vpc(x, is)).collect();
    t.subnets = s.items("Subnets").filter_map(|x| subnet(x, is)).collect();
    t.internet_gateways = s.items("InternetGateways").filter_map(|x| internet_gateway(x, is)).collect();
    infer_internet_gateways(&mut t, s, is);
    t.vpc_peering_connections = peerings(s, &t, is);
    k.peerings = t.vpc_peering_connections.iter().map(|p| p.id.clone()).collect();
    k.peered = t
        .vpc_peering_connections
        .iter()
        .filter(|p| p.status == "active")
        .map(|p| pair(&p.requester_vpc, &p.accepter_vpc))
        .collect();
    let mut nat_publics = BTreeMap::new();
    for x in s.items("NatGateways") {
        let Some((n, interfaces, public)) = nat_gateway(x, &t, is) else { continue };
        k.nat_interfaces.extend(interfaces.into_iter().map(|e| (e, n.id.clone())));
        k.nat_eips.extend(n.elastic_ip.clone());
        nat_publics.insert(n.id.clone(), public);
        t.nat_gateways.push(n);
    }
    t.instances = s.instances.values().filter_map(|x| instance(x, is)).collect();
    k.instances = t.instances.iter().map(|x| x.id.clone()).collect();
    t.network_interfaces = interfaces(s, &mut k, is);
    keep_connected_instances(&mut t, s, &mut k, is);
    for e in &t.network_interfaces {
        if let Some(a) = &e.attachment {
            k.instance_interfaces.entry(a.instance.clone()).or_default().push((a.device_index, e.id.clone()));
        }
    }
    k.instance_interfaces.values_mut().for_each(|v| v.sort());
    t.elastic_ips = s.items("Addresses").filter_map(|x| elastic_ip(x, &k, is)).collect();
    nat_elastic_ips(&mut t, s, &nat_publics, is);
    k.nat_gateways = t.nat_gateways.iter().map(|n| n.id.clone()).collect();
    t.route_tables = s.items("RouteTables").filter_map(|x| route_table(x, &k, is)).collect();
    t.security_groups = s.items("SecurityGroups").filter_map(|x| security_group(x, &k, is)).collect();
    t.network_acls = s.items("NetworkAcls").filter_map(|x| network_acl(x, is)).collect();
    for spec in KEYS {
        if let Fate::Skipped(noun) = spec.fate {
            for x in s.items(spec.key) {
                let at = x.at.split('[').next().unwrap_or_default();
                is.push(
                    Severity::Warning,
                    x.file,
                    &x.id,
                    at.to_string(),
                    format!("{noun} are not modelled yet; skipped"),
                );
            }
        }
    }
    t
}

/// The region of an Availability Zone: `us-east-1a` → `us-east-1`, `us-gov-west-1b` →
/// `us-gov-west-1`, `us-west-2-lax-1a` (a Local Zone) → `us-west-2`.
fn region_of_az(az: &str) -> Option<String> {
    let parts: Vec<&str> = az.trim().split('-').collect();
    let n = parts.iter().position(|p| p.starts_with(|c: char| c.is_ascii_digit()))?;
    let digits: String = parts.get(n)?.chars().take_while(char::is_ascii_digit).collect();
    let head = parts.get(..n)?;
    (!head.is_empty()).then(|| format!("{}-{digits}", head.join("-")))
}

/// Batfish's multi-account layout names the region in the path:
/// `aws_configs/accounts/<account>/<region>/Vpcs.json`.
fn region_of_path(path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split(['/', '\\']).collect();
    let i = parts.iter().position(|p| *p == "accounts")?;
    let r = parts.get(i + 2)?;
    let looks_like_region = r.contains('-') && r.ends_with(|c: char| c.is_ascii_digit());
    (looks_like_region && i + 3 < parts.len()).then(|| r.to_string())
}

/// The topology has one region: the one of the first subnet's Availability Zone, else the
/// one in a Batfish account path, else `us-east-1`. Other regions are warned about.
fn region(s: &Snapshot<'_>, files: &[Parsed<'_>], is: &mut Issues) -> String {
    let mut seen: Vec<(String, &str, String, &str)> = Vec::new();
    for id in &s.subnet_order {
        let Some(x) = s.get("Subnets", id) else { continue };
        if let Some(r) = x.v.get("AvailabilityZone").and_then(Value::as_str).and_then(region_of_az) {
            seen.push((r, x.file, x.id.clone(), "AvailabilityZone"));
        }
    }
    if seen.is_empty() {
        for f in files {
            if let Some(r) = region_of_path(f.path) {
                seen.push((r, f.path, String::new(), ""));
            }
        }
    }
    let Some((first, ..)) = seen.first().cloned() else { return "us-east-1".to_string() };
    let mut warned = BTreeSet::from([first.clone()]);
    for (r, file, object, field) in &seen {
        if warned.insert(r.clone()) {
            let msg = format!("region {r} differs from {first}: a topology has one region, keeping {first}");
            is.push(Severity::Warning, file, object, field.to_string(), msg);
        }
    }
    first
}

/// IPv4 blocks associated now (disassociated ones stay listed in the set for a while);
/// the primary `CidrBlock` first, as the topology expects.
fn vpc(x: &Item<'_>, is: &mut Issues) -> Option<Vpc> {
    let mut cx = x.cx(is);
    let primary = cx.opt_str(x.v, "", "CidrBlock");
    let mut blocks: Vec<IpNet> = Vec::new();
    for (i, a) in cx.list(x.v, "", "CidrBlockAssociationSet").iter().enumerate() {
        let path = format!("CidrBlockAssociationSet[{i}]");
        let state = a.get("CidrBlockState").and_then(|s| s.get("State")).and_then(Value::as_str);
        if state.is_some_and(|s| s != "associated") {
            continue;
        }
        if let Some(c) = cx.req_str(a, &path, "CidrBlock", "CIDR block") {
            if let Some(c) = cx.cidr(join(&path, "CidrBlock"), c, "CIDR block") {
                if !blocks.contains(&c) {
                    blocks.push(c);
                }
            }
        }
    }
    if let Some(p) = primary.and_then(|p| cx.cidr("CidrBlock".into(), p, "VPC")) {
        blocks.retain(|c| *c != p);
        blocks.insert(0, p);
    }
    if blocks.is_empty() {
        cx.error("CidrBlock", "no IPv4 CIDR block; VPC skipped");
        return None;
    }
    warn_ipv6_blocks(&mut cx, x.v, "Ipv6CidrBlockAssociationSet", "Ipv6CidrBlockState");
    Some(Vpc { id: x.id.clone(), name: cx.name_tag(x.v), cidr_blocks: blocks, ipv6_cidr_block: None })
}

/// One warning per associated IPv6 block: the format is IPv4 only.
fn warn_ipv6_blocks(cx: &mut Cx<'_, '_>, v: &Value, key: &str, state_key: &str) {
    for (i, a) in cx.list(v, "", key).iter().enumerate() {
        let state = a.get(state_key).and_then(|s| s.get("State")).and_then(Value::as_str);
        if state.is_none_or(|s| s == "associated") {
            let block = a.get("Ipv6CidrBlock").and_then(Value::as_str).unwrap_or("an IPv6 block");
            cx.warn(
                format!("{key}[{i}].Ipv6CidrBlock"),
                format!("IPv6 ({block}) is not modelled yet; skipped"),
            );
        }
    }
}

fn subnet(x: &Item<'_>, is: &mut Issues) -> Option<Subnet> {
    let mut cx = x.cx(is);
    let vpc = cx.req_str(x.v, "", "VpcId", "subnet");
    let az = cx.req_str(x.v, "", "AvailabilityZone", "subnet");
    let has_ipv6 = !cx.list(x.v, "", "Ipv6CidrBlockAssociationSet").is_empty();
    let cidr = match cx.opt_str(x.v, "", "CidrBlock") {
        Some(c) => cx.cidr("CidrBlock".into(), c, "subnet"),
        None if has_ipv6 => {
            cx.warn("CidrBlock", "IPv6-only subnets are not modelled yet; skipped");
            None
        }
        None => {
            cx.error("CidrBlock", "required field is missing; subnet skipped");
            None
        }
    };
    let map_public = cx.opt_bool(x.v, "", "MapPublicIpOnLaunch").unwrap_or(false);
    let (vpc, az, cidr) = (vpc?, az?, cidr?);
    warn_ipv6_blocks(&mut cx, x.v, "Ipv6CidrBlockAssociationSet", "Ipv6CidrBlockState");
    Some(Subnet {
        id: x.id.clone(),
        name: cx.name_tag(x.v),
        vpc: vpc.to_string(),
        availability_zone: az.to_string(),
        cidr_block: cidr,
        ipv6_cidr_block: None,
        map_public_ip_on_launch: map_public,
    })
}

/// `Main: true` makes the main table; `SubnetId` is an explicit association. Gateway
/// (edge) associations are not in the format.
fn route_table(x: &Item<'_>, k: &Known, is: &mut Issues) -> Option<RouteTable> {
    let mut cx = x.cx(is);
    let vpc = cx.req_str(x.v, "", "VpcId", "route table")?;
    let mut main = false;
    let mut associations = BTreeSet::new();
    for (i, a) in cx.list(x.v, "", "Associations").iter().enumerate() {
        let path = format!("Associations[{i}]");
        let state = a.get("AssociationState").and_then(|s| s.get("State")).and_then(Value::as_str);
        if state.is_some_and(|s| s != "associated") {
            continue;
        }
        if cx.opt_bool(a, &path, "Main") == Some(true) {
            main = true;
        }
        if let Some(s) = cx.opt_str(a, &path, "SubnetId") {
            associations.insert(s.to_string());
        }
        if let Some(g) = cx.opt_str(a, &path, "GatewayId") {
            let msg = format!(
                "the association with gateway {g} (a gateway route table) is not modelled yet; skipped"
            );
            cx.warn(join(&path, "GatewayId"), msg);
        }
    }
    let routes =
        cx.list(x.v, "", "Routes").iter().enumerate().filter_map(|(i, r)| route(&mut cx, i, r, k)).collect();
    Some(RouteTable {
        id: x.id.clone(),
        name: cx.name_tag(x.v),
        vpc: vpc.to_string(),
        main,
        associations: associations.into_iter().collect(),
        routes,
    })
}

/// Route target fields of `describe-route-tables` other than `GatewayId` that the format
/// models, with the component each names. AWS names both the instance and its interface for a
/// route to an instance: the interface comes first, being exact.
const MODELLED_TARGETS: &[(&str, &str)] = &[
    ("NatGatewayId", "NAT gateway"),
    ("NetworkInterfaceId", "network interface"),
    ("InstanceId", "instance"),
    ("VpcPeeringConnectionId", "VPC peering connection"),
];

/// Route target fields that are not in the format yet, with the component each names.
const UNMODELLED_TARGETS: &[(&str, &str)] = &[
    ("TransitGatewayId", "transit gateway"),
    ("EgressOnlyInternetGatewayId", "egress-only internet gateway"),
    ("LocalGatewayId", "local gateway"),
    ("CarrierGatewayId", "carrier gateway"),
    ("CoreNetworkArn", "Cloud WAN core network"),
];

/// The component a `GatewayId` names, by its id prefix.
fn gateway_kind(id: &str) -> &'static str {
    match id.split('-').next().unwrap_or_default() {
        "igw" => "internet gateway",
        "vgw" => "virtual private gateway",
        "vpce" => "gateway VPC endpoint",
        _ => "gateway",
    }
}

/// One route. The implicit `local` routes are dropped (the model adds them); routes to an
/// internet gateway, a NAT gateway, an interface, an instance or a peering connection are
/// kept; every other target or destination kind is warned about.
fn route(cx: &mut Cx<'_, '_>, i: usize, r: &Value, k: &Known) -> Option<Route> {
    let path = format!("Routes[{i}]");
    if !r.is_object() {
        cx.wrong_type(path, "an object", r);
        return None;
    }
    let dest_v4 = cx.opt_str(r, &path, "DestinationCidrBlock");
    let dest_v6 = cx.opt_str(r, &path, "DestinationIpv6CidrBlock");
    let dest_pl = cx.opt_str(r, &path, "DestinationPrefixListId");
    let shown = dest_v4.or(dest_v6).or(dest_pl).unwrap_or("?");
    let gateway = cx.opt_str(r, &path, "GatewayId");
    if gateway == Some("local") {
        return None;
    }
    // The field naming the target, the component it is and its id.
    let (key, kind, target) = match gateway {
        Some(g) if g.starts_with("igw-") => ("GatewayId", "internet gateway", g),
        Some(g) => {
            let kind = gateway_kind(g);
            let msg = format!("route to {shown} via {kind} {g} skipped: {kind}s are not modelled yet");
            cx.warn(join(&path, "GatewayId"), msg);
            return None;
        }
        None => {
            if let Some(found) = MODELLED_TARGETS
                .iter()
                .find_map(|(k, kind)| cx.opt_str(r, &path, k).map(|id| (*k, *kind, id)))
            {
                found
            } else if let Some((key, kind, id)) = UNMODELLED_TARGETS
                .iter()
                .find_map(|(k, kind)| cx.opt_str(r, &path, k).map(|id| (*k, *kind, id)))
            {
                let msg = format!("route to {shown} via {kind} {id} skipped: {kind}s are not modelled yet");
                cx.warn(join(&path, key), msg);
                return None;
            } else {
                cx.warn(path, format!("route to {shown} has no target vpclab knows; skipped"));
                return None;
            }
        }
    };
    match (dest_v4, dest_v6, dest_pl) {
        (Some(d), ..) => {
            let destination = cx.cidr(join(&path, "DestinationCidrBlock"), d, "route")?;
            // AWS keeps a route whose target was deleted, in state blackhole.
            let mut blackhole = cx.opt_str(r, &path, "State") == Some("blackhole");
            let (target, missing) = route_target(cx, &join(&path, key), key, target, k);
            if let Some(why) = missing.filter(|_| !blackhole) {
                let msg = format!("route to {d} via {kind} {target} imported as blackhole: {why}");
                cx.warn(join(&path, key), msg);
                blackhole = true;
            }
            Some(Route { destination, target, blackhole })
        }
        (None, Some(d), _) => {
            let msg = format!("route to {d} via {target} skipped: IPv6 routes are not modelled yet");
            cx.warn(join(&path, "DestinationIpv6CidrBlock"), msg);
            None
        }
        (None, None, Some(pl)) => {
            let msg = format!("route to prefix list {pl} via {target} skipped: prefix-list destinations are not modelled yet");
            cx.warn(join(&path, "DestinationPrefixListId"), msg);
            None
        }
        (None, None, None) => {
            cx.error(path, "the route has no destination; skipped");
            None
        }
    }
}

/// A route target as the topology names it, and why it is not in the imported topology, if
/// it is not: the route then drops traffic, as a dangling reference would.
fn route_target(
    cx: &mut Cx<'_, '_>,
    field: &str,
    key: &str,
    id: &str,
    k: &Known,
) -> (String, Option<String>) {
    let missing = match key {
        "NatGatewayId" if !k.nat_gateways.contains(id) => {
            Some("the NAT gateway was not imported (not in the snapshot, or not available)".to_string())
        }
        "NetworkInterfaceId" if !k.interfaces.contains(id) => Some(match k.managed.get(id) {
            Some(why) => format!("the interface is {why}"),
            None => "the interface was not imported".to_string(),
        }),
        "VpcPeeringConnectionId" if !k.peerings.contains(id) => {
            Some("the peering connection was not imported".to_string())
        }
        "InstanceId" => match k.instance_interfaces.get(id).map(Vec::as_slice).unwrap_or_default() {
            [] => Some("the instance was not imported".to_string()),
            [_] => None,
            // AWS only routes to an instance with one interface; a hand-written snapshot may not say which.
            [(_, eth0), ..] => {
                let msg = format!("instance {id} has several interfaces: the route is imported to its primary interface {eth0}");
                cx.warn(field, msg);
                return (eth0.clone(), None);
            }
        },
        _ => None,
    };
    (id.to_string(), missing)
}

/// Attached only when the first attachment is `available` (or `attached`, the state some
/// API versions print).
fn internet_gateway(x: &Item<'_>, is: &mut Issues) -> Option<InternetGateway> {
    let mut cx = x.cx(is);
    let vpc = cx.list(x.v, "", "Attachments").first().and_then(|a| {
        let state = cx.opt_str(a, "Attachments[0]", "State");
        let vpc = cx.opt_str(a, "Attachments[0]", "VpcId");
        vpc.filter(|_| matches!(state, Some("available" | "attached"))).map(str::to_string)
    });
    Some(InternetGateway { id: x.id.clone(), name: cx.name_tag(x.v), vpc })
}

/// An `active` route to an internet gateway that the snapshot does not list (multi-account
/// snapshots often lack `InternetGateways`) proves the gateway exists and is attached to the
/// table's VPC: AWS marks a route to a deleted or detached gateway `blackhole`. Add it, so the
/// route keeps working, and say so. A `blackhole` route stays dangling, as in AWS.
fn infer_internet_gateways(t: &mut Topology, s: &Snapshot<'_>, is: &mut Issues) {
    let mut known: BTreeSet<String> = t.internet_gateways.iter().map(|g| g.id.clone()).collect();
    for x in s.items("RouteTables") {
        let Some(vpc) = x.v.get("VpcId").and_then(Value::as_str) else { continue };
        let routes = x.v.get("Routes").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        for (i, r) in routes.iter().enumerate() {
            let Some(g) = r.get("GatewayId").and_then(Value::as_str).filter(|g| g.starts_with("igw-")) else {
                continue;
            };
            if r.get("DestinationCidrBlock").is_none() {
                continue; // not imported: IPv6 and prefix-list routes
            }
            let active = r.get("State").and_then(Value::as_str).is_none_or(|s| s == "active");
            if !active || known.contains(g) {
                continue;
            }
            known.insert(g.to_string());
            let msg = format!("internet gateway {g} is not in the snapshot; inferred from this active route as attached to {vpc}");
            is.push(Severity::Warning, x.file, &x.id, format!("Routes[{i}].GatewayId"), msg);
            t.internet_gateways.push(InternetGateway {
                id: g.to_string(),
                name: None,
                vpc: Some(vpc.to_string()),
            });
        }
    }
    t.internet_gateways.sort_by(|a, b| a.id.cmp(&b.id));
}

/// Peering connections between two VPCs of the snapshot, with their status. One whose other
/// side is in another account or region (not in the snapshot) is skipped: the format needs both
/// VPCs. AWS refuses overlapping blocks and allows one connection per pair of VPCs, but lists a
/// deleted or failed connection for a while next to its replacement: the active one is kept.
fn peerings(s: &Snapshot<'_>, t: &Topology, is: &mut Issues) -> Vec<VpcPeeringConnection> {
    let blocks = |id: &str| t.vpcs.iter().find(|v| v.id == id).map(|v| v.cidr_blocks.as_slice());
    let mut found: Vec<(&Item<'_>, VpcPeeringConnection)> = Vec::new();
    for x in s.items("VpcPeeringConnections") {
        let mut cx = x.cx(is);
        let side = |cx: &mut Cx<'_, '_>, key: &str| {
            let info = x.v.get(key).unwrap_or(&Value::Null);
            cx.req_str(info, key, "VpcId", "peering connection").map(str::to_string)
        };
        let (requester, accepter) = (side(&mut cx, "RequesterVpcInfo"), side(&mut cx, "AccepterVpcInfo"));
        let (Some(requester), Some(accepter)) = (requester, accepter) else { continue };
        let status = x.v.get("Status").and_then(|st| cx.opt_str(st, "Status", "Code")).unwrap_or("active");
        let absent: Vec<(&str, &str)> = [("RequesterVpcInfo", &requester), ("AccepterVpcInfo", &accepter)]
            .into_iter()
            .filter(|(_, v)| blocks(v).is_none())
            .map(|(key, v)| (key, v.as_str()))
            .collect();
        if let Some((key, _)) = absent.first() {
            let which = match absent.as_slice() {
                [(_, v)] => format!("VPC {v} is"),
                _ => format!("VPCs {requester} and {accepter} are"),
            };
            let msg = format!(
                "{which} not in the snapshot (another account or region); peering connection skipped"
            );
            cx.warn(join(key, "VpcId"), msg);
            continue;
        }
        let overlap = blocks(&requester).unwrap_or_default().iter().find_map(|a| {
            blocks(&accepter)
                .unwrap_or_default()
                .iter()
                .find(|b| crate::cidr::overlaps(*a, **b))
                .map(|b| (a, b))
        });
        if requester == accepter || overlap.is_some() {
            let why = match overlap {
                Some((a, b)) => format!("the VPCs' blocks overlap ({a} and {b}), which AWS refuses"),
                None => "a VPC cannot peer with itself".to_string(),
            };
            cx.warn("AccepterVpcInfo.VpcId", format!("{why} (status {status}); peering connection skipped"));
            continue;
        }
        let name = cx.name_tag(x.v);
        let p = VpcPeeringConnection {
            id: x.id.clone(),
            name,
            requester_vpc: requester,
            accepter_vpc: accepter,
            status: status.to_string(),
        };
        found.push((x, p));
    }
    found.sort_by_key(|(_, p)| p.status != "active");
    let mut pairs: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut kept = Vec::new();
    for (x, p) in found {
        let key = pair(&p.requester_vpc, &p.accepter_vpc);
        if let Some(other) = pairs.get(&key) {
            let msg = format!(
                "VPCs {} and {} are already joined by peering connection {other} (one per pair); this one ({}) is skipped",
                key.0, key.1, p.status
            );
            x.cx(is).warn("AccepterVpcInfo.VpcId", msg);
            continue;
        }
        pairs.insert(key, p.id.clone());
        kept.push(p);
    }
    kept.sort_by(|a, b| a.id.cmp(&b.id));
    kept
}

/// A NAT gateway that is `available` or `pending` (deleted and failed ones stay listed for a
/// while), from its first address. Also returns its interfaces, which are not imported (the
/// gateway holds its address itself), and the public address of its Elastic IP.
fn nat_gateway(
    x: &Item<'_>,
    t: &Topology,
    is: &mut Issues,
) -> Option<(NatGateway, Vec<String>, Option<Ipv4Addr>)> {
    let mut cx = x.cx(is);
    if let Some(state) = cx.opt_str(x.v, "", "State").filter(|s| !matches!(*s, "available" | "pending")) {
        cx.warn("State", format!("the NAT gateway is {state}; skipped"));
        return None;
    }
    let subnet = cx.req_str(x.v, "", "SubnetId", "NAT gateway")?;
    let connectivity = match cx.opt_str(x.v, "", "ConnectivityType") {
        None | Some("public") => Connectivity::Public,
        Some("private") => Connectivity::Private,
        Some(other) => {
            let msg = format!("{other:?} is neither public nor private; NAT gateway skipped");
            cx.error("ConnectivityType", msg);
            return None;
        }
    };
    let addresses = cx.list(x.v, "", "NatGatewayAddresses");
    let mut interfaces = Vec::new();
    for (i, a) in addresses.iter().enumerate() {
        let at = format!("NatGatewayAddresses[{i}]");
        if let Some(e) = cx.opt_str(a, &at, "NetworkInterfaceId") {
            interfaces.push(e.to_string());
        }
        if i > 0 {
            let ip = a.get("PrivateIp").and_then(Value::as_str).unwrap_or("?");
            let msg = format!("secondary address {ip} of the NAT gateway is not modelled yet; skipped");
            cx.warn(join(&at, "PrivateIp"), msg);
        }
    }
    let first = addresses.first().unwrap_or(&Value::Null);
    let at = "NatGatewayAddresses[0]";
    let private_ip = match cx.opt_str(first, at, "PrivateIp") {
        Some(p) => Some(cx.ipv4(join(at, "PrivateIp"), p, "NAT gateway")?),
        None => None,
    };
    if !t.subnets.iter().any(|s| s.id == subnet) {
        cx.warn("SubnetId", format!("subnet {subnet} was not imported; NAT gateway skipped"));
        return None;
    }
    let (elastic_ip, public_ip) = match connectivity {
        Connectivity::Private => (None, None),
        Connectivity::Public => {
            let Some(alloc) = cx.opt_str(first, at, "AllocationId") else {
                let msg = "a public NAT gateway without an Elastic IP allocation; skipped";
                cx.warn(join(at, "AllocationId"), msg);
                return None;
            };
            let public = match cx.opt_str(first, at, "PublicIp") {
                Some(p) => cx.ipv4(join(at, "PublicIp"), p, "public address"),
                None => None,
            };
            (Some(alloc.to_string()), public)
        }
    };
    let n = NatGateway {
        id: x.id.clone(),
        name: cx.name_tag(x.v),
        subnet: subnet.to_string(),
        connectivity,
        private_ip,
        elastic_ip,
    };
    Some((n, interfaces, public_ip))
}

/// The Elastic IP of a public NAT gateway must be in `elastic_ips`, idle, for the model to
/// attach it. When `Addresses` lacks it (a partial snapshot), it is made from the address the
/// NAT gateway reports; without one the NAT gateway cannot be modelled and is skipped.
fn nat_elastic_ips(
    t: &mut Topology,
    s: &Snapshot<'_>,
    publics: &BTreeMap<String, Option<Ipv4Addr>>,
    is: &mut Issues,
) {
    let mut drop = BTreeSet::new();
    for n in &t.nat_gateways {
        let Some(alloc) = &n.elastic_ip else { continue };
        if t.elastic_ips.iter().any(|e| e.id == *alloc) {
            continue;
        }
        match publics.get(&n.id).copied().flatten() {
            Some(public_ip) => {
                t.elastic_ips.push(ElasticIp { id: alloc.clone(), name: None, public_ip, association: None })
            }
            None => {
                if let Some(x) = s.get("NatGateways", &n.id) {
                    let msg = format!("Elastic IP {alloc} is neither in the snapshot nor given with its public address; NAT gateway skipped");
                    x.cx(is).warn("NatGatewayAddresses[0].AllocationId", msg);
                }
                drop.insert(n.id.clone());
            }
        }
    }
    t.nat_gateways.retain(|n| !drop.contains(&n.id));
    t.elastic_ips.sort_by(|a, b| a.id.cmp(&b.id));
}

/// A terminated instance is still listed for an hour but has no network presence.
fn instance(x: &Item<'_>, is: &mut Issues) -> Option<Instance> {
    let mut cx = x.cx(is);
    let state = x.v.get("State").and_then(|s| s.get("Name")).and_then(Value::as_str);
    if state == Some("terminated") {
        cx.warn("State.Name", "the instance is terminated; skipped");
        return None;
    }
    let instance_type = cx.req_str(x.v, "", "InstanceType", "instance")?;
    Some(Instance { id: x.id.clone(), name: cx.name_tag(x.v), instance_type: instance_type.to_string() })
}

/// The managed component an `InterfaceType` other than `interface` belongs to.
fn interface_owner(kind: &str) -> &'static str {
    match kind {
        "network_load_balancer" => "a network load balancer",
        "gateway_load_balancer" => "a gateway load balancer",
        "gateway_load_balancer_endpoint" => "a gateway load balancer endpoint",
        "vpc_endpoint" => "a VPC endpoint",
        "transit_gateway" => "a transit gateway attachment",
        "lambda" => "a Lambda function",
        "efa" | "efa-only" => "an Elastic Fabric Adapter",
        "trunk" | "branch" => "an ECS trunk interface",
        "global_accelerator_managed" => "a Global Accelerator",
        "api_gateway_managed" => "an API Gateway VPC link",
        "quicksight" => "a QuickSight VPC connection",
        "iot_rules_managed" => "an IoT rule destination",
        "aws_codestar_connections_managed" => "a CodeStar connection",
        "load_balancer" => "a load balancer",
        _ => "a managed service",
    }
}

/// Interfaces from `describe-network-interfaces`, then those only known from an
/// instance's `NetworkInterfaces` (a snapshot without that file, or another account's).
fn interfaces(s: &Snapshot<'_>, k: &mut Known, is: &mut Issues) -> Vec<NetworkInterface> {
    let mut out: BTreeMap<String, NetworkInterface> = BTreeMap::new();
    let listed: BTreeSet<&str> = s.items("NetworkInterfaces").map(|x| x.id.as_str()).collect();
    for x in s.items("NetworkInterfaces") {
        let mut cx = x.cx(is);
        if let Some(e) = interface(&mut cx, x.v, "", &x.id, None, k) {
            out.insert(e.id.clone(), e);
        }
    }
    let kept = k.instances.clone();
    for x in s.instances.values().filter(|x| kept.contains(&x.id)) {
        let mut cx = x.cx(is);
        for (j, e) in cx.list(x.v, "", "NetworkInterfaces").iter().enumerate() {
            let path = format!("NetworkInterfaces[{j}]");
            let Some(id) = cx.req_str(e, &path, "NetworkInterfaceId", "interface") else { continue };
            if listed.contains(id) || out.contains_key(id) {
                continue;
            }
            let mut cx = Cx { is: &mut *cx.is, file: x.file, object: id };
            if let Some(e) = interface(&mut cx, e, "", id, Some(&x.id), k) {
                out.insert(e.id.clone(), e);
            }
        }
    }
    k.interfaces = out.keys().cloned().collect();
    out.into_values().collect()
}

/// One interface (`path` is empty, or the position inside its instance for an embedded
/// one, whose attachment does not repeat the instance id).
fn interface(
    cx: &mut Cx<'_, '_>,
    v: &Value,
    path: &str,
    id: &str,
    parent: Option<&str>,
    k: &mut Known,
) -> Option<NetworkInterface> {
    if let Some(nat) = k.nat_interfaces.get(id) {
        // The NAT gateway holds the address itself: nothing is lost.
        let why = format!("part of NAT gateway {nat}, whose first address only is modelled");
        k.managed.insert(id.to_string(), why);
        return None;
    }
    if let Some(kind) = cx.opt_str(v, path, "InterfaceType").filter(|t| *t != "interface") {
        let why = match kind {
            "nat_gateway" => "part of a NAT gateway that was not imported".to_string(),
            _ => format!("part of {}, not modelled yet", interface_owner(kind)),
        };
        cx.warn(join(path, "InterfaceType"), format!("the interface (type {kind}) is {why}; skipped"));
        k.managed.insert(id.to_string(), why);
        return None;
    }
    let subnet = cx.req_str(v, path, "SubnetId", "interface");
    let (primary, secondary) = private_addresses(cx, v, path)?;
    let subnet = subnet?;
    let public_ip = public_address(cx, v, path, k);
    if let Some(d) = cx.opt_str(v, path, "Description").and_then(|d| d.strip_prefix("ELB ")) {
        let msg = format!("the interface is a node of load balancer {d}; load balancing is not modelled yet, so it is imported as a plain interface");
        cx.warn(join(path, "Description"), msg);
    }
    let mut groups = BTreeSet::new();
    for (i, g) in cx.list(v, path, "Groups").iter().enumerate() {
        if let Some(g) = cx.req_str(g, &format!("{}[{i}]", join(path, "Groups")), "GroupId", "security group")
        {
            groups.insert(g.to_string());
        }
    }
    Some(NetworkInterface {
        id: id.to_string(),
        name: cx.name_tag(v),
        subnet: subnet.to_string(),
        private_ip: primary,
        secondary_private_ips: secondary,
        ipv6_addresses: Vec::new(),
        public_ip,
        security_groups: groups.into_iter().collect(),
        source_dest_check: cx.opt_bool(v, path, "SourceDestCheck").unwrap_or(true),
        attachment: attachment(cx, v, path, parent, k),
    })
}

/// The primary address (`Primary: true`, else `PrivateIpAddress`) and the secondary ones.
fn private_addresses(cx: &mut Cx<'_, '_>, v: &Value, path: &str) -> Option<(Ipv4Addr, Vec<Ipv4Addr>)> {
    let top = cx.opt_str(v, path, "PrivateIpAddress");
    let mut primary = None;
    let mut secondary = Vec::new();
    let list_path = join(path, "PrivateIpAddresses");
    for (i, p) in cx.list(v, path, "PrivateIpAddresses").iter().enumerate() {
        let at = format!("{list_path}[{i}]");
        let Some(a) = cx.req_str(p, &at, "PrivateIpAddress", "address") else { continue };
        let Some(a) = cx.ipv4(join(&at, "PrivateIpAddress"), a, "address") else { continue };
        let is_primary = cx.opt_bool(p, &at, "Primary").unwrap_or(Some(a.to_string().as_str()) == top);
        if is_primary && primary.is_none() {
            primary = Some(a);
        } else if !secondary.contains(&a) {
            secondary.push(a);
        }
    }
    if primary.is_none() {
        primary = match top {
            Some(t) => cx.ipv4(join(path, "PrivateIpAddress"), t, "interface"),
            None => {
                cx.error(
                    join(path, "PrivateIpAddress"),
                    "the interface has no primary private IPv4 address; skipped",
                );
                None
            }
        };
    }
    let primary = primary?;
    secondary.retain(|a| *a != primary);
    Some((primary, secondary))
}

/// The auto-assigned public address of the primary private address. An Elastic IP is
/// imported from `Addresses` instead; a public address on a secondary private address
/// that is not an Elastic IP has no place in the format.
fn public_address(cx: &mut Cx<'_, '_>, v: &Value, path: &str, k: &Known) -> Option<Ipv4Addr> {
    let list_path = join(path, "PrivateIpAddresses");
    let mut public = None;
    for (i, p) in cx.list(v, path, "PrivateIpAddresses").iter().enumerate() {
        let at = format!("{list_path}[{i}].Association");
        let Some(ip) = p.get("Association").and_then(|a| a.get("PublicIp")).and_then(Value::as_str) else {
            continue;
        };
        if k.eip_publics.contains(ip) {
            continue;
        }
        let top = v.get("PrivateIpAddress").and_then(Value::as_str);
        let address = p.get("PrivateIpAddress").and_then(Value::as_str);
        if p.get("Primary").and_then(Value::as_bool).unwrap_or(address.is_some() && address == top) {
            public = cx.ipv4(join(&at, "PublicIp"), ip, "public address");
        } else {
            let msg =
                format!("public address {ip} on a secondary private address is not modelled yet; skipped");
            cx.warn(join(&at, "PublicIp"), msg);
        }
    }
    if public.is_none() && cx.list(v, path, "PrivateIpAddresses").is_empty() {
        let ip = v.get("Association").and_then(|a| a.get("PublicIp")).and_then(Value::as_str);
        if let Some(ip) = ip.filter(|ip| !k.eip_publics.contains(*ip)) {
            public = cx.ipv4(join(path, "Association.PublicIp"), ip, "public address");
        }
    }
    public
}

/// Attached to an instance (a load balancer's or a service's attachment has no instance
/// id: the interface is imported unattached).
fn attachment(
    cx: &mut Cx<'_, '_>,
    v: &Value,
    path: &str,
    parent: Option<&str>,
    k: &Known,
) -> Option<Attachment> {
    let a = v.get("Attachment").filter(|a| !a.is_null())?;
    let at = join(path, "Attachment");
    let instance = cx.opt_str(a, &at, "InstanceId").or(parent)?;
    let device_index = match cx.opt_int(a, &at, "DeviceIndex").map(u32::try_from) {
        Some(Ok(d)) => d,
        Some(Err(_)) => {
            cx.error(
                join(&at, "DeviceIndex"),
                "the device index is negative or too large; attachment skipped",
            );
            return None;
        }
        None => {
            cx.error(join(&at, "DeviceIndex"), "required field is missing; attachment skipped");
            return None;
        }
    };
    if !k.instances.contains(instance) {
        let msg = format!("attached to instance {instance}, which is not in the snapshot (or terminated); imported unattached");
        cx.warn(join(&at, "InstanceId"), msg);
        return None;
    }
    Some(Attachment { instance: instance.to_string(), device_index })
}

/// An instance none of whose interfaces was imported (all of them skipped, or absent from
/// a partial snapshot) has no place in the network: skip it rather than leave it dangling.
fn keep_connected_instances(t: &mut Topology, s: &Snapshot<'_>, k: &mut Known, is: &mut Issues) {
    let attached: BTreeSet<&str> = t
        .network_interfaces
        .iter()
        .filter_map(|e| e.attachment.as_ref())
        .map(|a| a.instance.as_str())
        .collect();
    let lonely: Vec<String> =
        k.instances.iter().filter(|i| !attached.contains(i.as_str())).cloned().collect();
    for id in &lonely {
        if let Some(x) = s.instances.get(id) {
            let mut cx = x.cx(is);
            cx.warn(
                "NetworkInterfaces",
                "no network interface of the instance was imported; instance skipped",
            );
        }
        k.instances.remove(id);
    }
    t.instances.retain(|x| !lonely.contains(&x.id));
}

/// An Elastic IP and the private address it maps to. A NAT gateway's is imported idle: the
/// model attaches it to the NAT gateway. One associated with another interface that was not
/// imported (a load balancer's, say) is skipped with it.
fn elastic_ip(x: &Item<'_>, k: &Known, is: &mut Issues) -> Option<ElasticIp> {
    let mut cx = x.cx(is);
    let public = cx.req_str(x.v, "", "PublicIp", "Elastic IP")?;
    let public_ip = cx.ipv4("PublicIp".into(), public, "Elastic IP")?;
    let association = match cx.opt_str(x.v, "", "NetworkInterfaceId") {
        None => None,
        Some(eni) if k.nat_eips.contains(&x.id) && k.nat_interfaces.contains_key(eni) => None,
        Some(eni) if k.interfaces.contains(eni) => {
            let private_ip = match cx.opt_str(x.v, "", "PrivateIpAddress") {
                Some(p) => Some(cx.ipv4("PrivateIpAddress".into(), p, "Elastic IP")?),
                None => None,
            };
            Some(EipAssociation { network_interface: eni.to_string(), private_ip })
        }
        Some(eni) => {
            let msg = match k.managed.get(eni) {
                Some(why) => format!("associated with interface {eni}, which is {why}; skipped"),
                None => format!("associated with interface {eni}, which was not imported; skipped"),
            };
            cx.warn("NetworkInterfaceId", msg);
            return None;
        }
    };
    Some(ElasticIp { id: x.id.clone(), name: cx.name_tag(x.v), public_ip, association })
}

/// The default group keeps the name `default` (the model finds each VPC's default group by
/// it); other groups use their Name tag, else their group name.
fn security_group(x: &Item<'_>, k: &Known, is: &mut Issues) -> Option<SecurityGroup> {
    let mut cx = x.cx(is);
    let vpc = cx.req_str(x.v, "", "VpcId", "security group")?;
    let group_name = cx.opt_str(x.v, "", "GroupName");
    let name = match group_name {
        Some("default") => Some("default".to_string()),
        _ => cx.name_tag(x.v).or_else(|| group_name.map(str::to_string)),
    };
    let inbound = sg_rules(&mut cx, x.v, "IpPermissions", vpc, k);
    let outbound = sg_rules(&mut cx, x.v, "IpPermissionsEgress", vpc, k);
    Some(SecurityGroup {
        id: x.id.clone(),
        name,
        vpc: vpc.to_string(),
        description: cx.opt_str(x.v, "", "Description").unwrap_or_default().to_string(),
        inbound,
        outbound,
    })
}

/// One vpclab rule per IPv4 range and per group reference of each permission.
fn sg_rules(cx: &mut Cx<'_, '_>, v: &Value, key: &str, vpc: &str, k: &Known) -> Vec<SgRule> {
    let mut out = Vec::new();
    for (i, p) in cx.list(v, "", key).iter().enumerate() {
        let path = format!("{key}[{i}]");
        let Some(protocol) = cx.protocol(p, &path, "IpProtocol", "rule") else { continue };
        let (from, to) = (cx.opt_int(p, &path, "FromPort"), cx.opt_int(p, &path, "ToPort"));
        let ports = if protocol.has_ports() {
            let Ok(ports) = cx.ports(join(&path, "FromPort"), from, to, "rule") else { continue };
            ports
        } else {
            warn_icmp_type(cx, protocol, from, to, join(&path, "FromPort"));
            None
        };
        let rule = |peer: String, description: Option<&str>| SgRule {
            protocol,
            ports,
            peer,
            description: description.unwrap_or_default().to_string(),
        };
        for (j, r) in cx.list(p, &path, "IpRanges").iter().enumerate() {
            let at = format!("{path}.IpRanges[{j}]");
            let Some(c) = cx.req_str(r, &at, "CidrIp", "rule") else { continue };
            let Some(c) = cx.cidr(join(&at, "CidrIp"), c, "rule") else { continue };
            let description = cx.opt_str(r, &at, "Description");
            out.push(rule(c.to_string(), description));
        }
        for (j, g) in cx.list(p, &path, "UserIdGroupPairs").iter().enumerate() {
            let at = format!("{path}.UserIdGroupPairs[{j}]");
            let Some(id) = cx.req_str(g, &at, "GroupId", "rule") else { continue };
            let description = cx.opt_str(g, &at, "Description");
            match k.sg_vpc.get(id) {
                Some(v) if v == vpc || k.peered.contains(&pair(v, vpc)) => {
                    out.push(rule(id.to_string(), description))
                }
                Some(v) => {
                    let msg = format!("rule referencing security group {id} of VPC {v} skipped: references across VPCs need an active VPC peering connection between them");
                    cx.warn(join(&at, "GroupId"), msg);
                }
                None => {
                    let msg = format!("rule referencing security group {id} skipped: the group is not in the snapshot (another account or a peered VPC)");
                    cx.warn(join(&at, "GroupId"), msg);
                }
            }
        }
        for (j, r) in cx.list(p, &path, "Ipv6Ranges").iter().enumerate() {
            let c = r.get("CidrIpv6").and_then(Value::as_str).unwrap_or("?");
            let msg = format!("IPv6 rule for {c} skipped: IPv6 is not modelled yet");
            cx.warn(format!("{path}.Ipv6Ranges[{j}].CidrIpv6"), msg);
        }
        for (j, r) in cx.list(p, &path, "PrefixListIds").iter().enumerate() {
            let pl = r.get("PrefixListId").and_then(Value::as_str).unwrap_or("?");
            let msg = format!("rule for prefix list {pl} skipped: prefix lists are not modelled yet");
            cx.warn(format!("{path}.PrefixListIds[{j}].PrefixListId"), msg);
        }
    }
    out
}

/// ICMP rules name a type and code; the format matches all of ICMP, so the imported rule
/// admits more than the AWS one: say so.
fn warn_icmp_type(
    cx: &mut Cx<'_, '_>,
    protocol: Protocol,
    icmp_type: Option<i64>,
    code: Option<i64>,
    field: String,
) {
    if !matches!(protocol, Protocol::Icmp | Protocol::Icmpv6) {
        return;
    }
    if let Some(t) = icmp_type.filter(|t| *t != -1) {
        let code = code.filter(|c| *c != -1).map(|c| format!(" code {c}")).unwrap_or_default();
        let msg =
            format!("ICMP type {t}{code} is not modelled yet: the rule is imported for all ICMP traffic");
        cx.warn(field, msg);
    }
}

fn network_acl(x: &Item<'_>, is: &mut Issues) -> Option<NetworkAcl> {
    let mut cx = x.cx(is);
    let vpc = cx.req_str(x.v, "", "VpcId", "network ACL")?;
    let mut associations = BTreeSet::new();
    for (i, a) in cx.list(x.v, "", "Associations").iter().enumerate() {
        if let Some(s) = cx.req_str(a, &format!("Associations[{i}]"), "SubnetId", "association") {
            associations.insert(s.to_string());
        }
    }
    let (mut inbound, mut outbound) = (Vec::new(), Vec::new());
    for (i, e) in cx.list(x.v, "", "Entries").iter().enumerate() {
        if let Some((egress, entry)) = acl_entry(&mut cx, i, e) {
            let list = if egress { &mut outbound } else { &mut inbound };
            list.push(entry);
        }
    }
    inbound.sort_by_key(|e: &AclEntry| e.rule);
    outbound.sort_by_key(|e: &AclEntry| e.rule);
    Some(NetworkAcl {
        id: x.id.clone(),
        name: cx.name_tag(x.v),
        vpc: vpc.to_string(),
        default: cx.opt_bool(x.v, "", "IsDefault").unwrap_or(false),
        associations: associations.into_iter().collect(),
        inbound,
        outbound,
    })
}

/// One ACL entry and whether it is outbound. Rule 32767 is the implicit final deny, which
/// the model adds itself.
fn acl_entry(cx: &mut Cx<'_, '_>, i: usize, e: &Value) -> Option<(bool, AclEntry)> {
    let path = format!("Entries[{i}]");
    let number = match cx.opt_int(e, &path, "RuleNumber") {
        Some(32767) => return None,
        Some(n) => match u32::try_from(n) {
            Ok(n) => n,
            Err(_) => {
                cx.error(
                    join(&path, "RuleNumber"),
                    format!("rule number {n} is negative or too large; entry skipped"),
                );
                return None;
            }
        },
        None => {
            cx.error(join(&path, "RuleNumber"), "required field is missing; entry skipped");
            return None;
        }
    };
    let egress = cx.opt_bool(e, &path, "Egress").unwrap_or(false);
    let protocol = cx.protocol(e, &path, "Protocol", "entry")?;
    let action = match cx.req_str(e, &path, "RuleAction", "entry")? {
        "allow" => AclAction::Allow,
        "deny" => AclAction::Deny,
        other => {
            cx.error(
                join(&path, "RuleAction"),
                format!("{other:?} is neither allow nor deny; entry skipped"),
            );
            return None;
        }
    };
    let cidr = match (cx.opt_str(e, &path, "CidrBlock"), cx.opt_str(e, &path, "Ipv6CidrBlock")) {
        (Some(c), _) => cx.cidr(join(&path, "CidrBlock"), c, "entry")?,
        (None, Some(c)) => {
            let msg = format!("IPv6 entry {number} for {c} skipped: IPv6 is not modelled yet");
            cx.warn(join(&path, "Ipv6CidrBlock"), msg);
            return None;
        }
        (None, None) => {
            cx.error(join(&path, "CidrBlock"), "required field is missing; entry skipped");
            return None;
        }
    };
    let ports = if protocol.has_ports() {
        let range = e.get("PortRange").filter(|r| !r.is_null());
        let at = join(&path, "PortRange");
        let from = range.and_then(|r| cx.opt_int(r, &at, "From"));
        let to = range.and_then(|r| cx.opt_int(r, &at, "To"));
        cx.ports(join(&at, "From"), from, to, "entry").ok()?
    } else {
        let icmp = e.get("IcmpTypeCode").filter(|r| !r.is_null());
        let at = join(&path, "IcmpTypeCode");
        let ty = icmp.and_then(|r| cx.opt_int(r, &at, "Type"));
        let code = icmp.and_then(|r| cx.opt_int(r, &at, "Code"));
        warn_icmp_type(cx, protocol, ty, code, join(&at, "Type"));
        None
    };
    Some((egress, AclEntry { rule: number, protocol, ports, cidr, action }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn file(path: &str, v: &Value) -> SnapshotFile {
        SnapshotFile { path: path.to_string(), text: v.to_string() }
    }

    fn run_files(files: &[SnapshotFile]) -> (Topology, Vec<ImportIssue>) {
        import(files).unwrap_or_else(|e| unreachable!("import failed: {e}"))
    }

    fn run(v: Value) -> (Topology, Vec<ImportIssue>) {
        run_files(&[file("snap.json", &v)])
    }

    /// The issue about `object` and `field`, which must exist.
    fn issue<'a>(issues: &'a [ImportIssue], object: &str, field: &str) -> &'a ImportIssue {
        issues
            .iter()
            .find(|i| i.object == object && i.field == field)
            .unwrap_or_else(|| unreachable!("no issue for {object} ({field}) in {issues:#?}"))
    }

    fn net(s: &str) -> IpNet {
        s.parse().unwrap_or_else(|e| unreachable!("{s}: {e}"))
    }

    fn ip(s: &str) -> Ipv4Addr {
        s.parse().unwrap_or_else(|e| unreachable!("{s}: {e}"))
    }

    fn tags(name: &str) -> Value {
        json!([{"Key": "Owner", "Value": "ops"}, {"Key": "Name", "Value": name}])
    }

    fn vpc_json() -> Value {
        json!({"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "Tags": tags("main"),
               "CidrBlockAssociationSet": [
                   {"CidrBlock": "10.0.0.0/16", "CidrBlockState": {"State": "associated"}}]})
    }

    fn subnet_json(id: &str, cidr: &str) -> Value {
        json!({"SubnetId": id, "VpcId": "vpc-1", "AvailabilityZone": "eu-west-3b", "CidrBlock": cidr})
    }

    fn interface_json(id: &str, instance: &str, address: &str) -> Value {
        json!({"NetworkInterfaceId": id, "SubnetId": "subnet-a", "InterfaceType": "interface",
               "PrivateIpAddress": address,
               "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": address}],
               "Groups": [{"GroupId": "sg-web", "GroupName": "web"}],
               "Attachment": {"InstanceId": instance, "DeviceIndex": 0}})
    }

    fn reservation_json(id: &str, ty: &str) -> Value {
        json!({"ReservationId": format!("r-{id}"),
               "Instances": [{"InstanceId": id, "InstanceType": ty, "State": {"Name": "running"}}]})
    }

    fn peering_json(id: &str, requester: &str, accepter: &str, status: &str) -> Value {
        json!({"VpcPeeringConnectionId": id, "Status": {"Code": status, "Message": status},
               "RequesterVpcInfo": {"VpcId": requester, "OwnerId": "111"},
               "AccepterVpcInfo": {"VpcId": accepter, "OwnerId": "222"}})
    }

    fn group_json(id: &str, name: &str) -> Value {
        json!({"GroupId": id, "GroupName": name, "VpcId": "vpc-1", "Description": "d",
               "IpPermissions": [], "IpPermissionsEgress": []})
    }

    #[test]
    fn vpc_takes_associated_blocks_primary_first_and_the_name_tag() {
        let (t, issues) = run(json!({"Vpcs": [
            {"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "Tags": tags("main"),
             "CidrBlockAssociationSet": [
                 {"CidrBlock": "10.1.0.0/16", "CidrBlockState": {"State": "associated"}},
                 {"CidrBlock": "10.2.0.0/16", "CidrBlockState": {"State": "disassociated"}},
                 {"CidrBlock": "10.0.0.0/16", "CidrBlockState": {"State": "associated"}}]},
            {"VpcId": "vpc-2", "CidrBlock": "172.16.0.0/16"}]}));
        assert!(issues.is_empty(), "{issues:#?}");
        assert_eq!(t.vpcs.len(), 2);
        assert_eq!(t.vpcs[0].id, "vpc-1");
        assert_eq!(t.vpcs[0].name.as_deref(), Some("main"));
        assert_eq!(t.vpcs[0].cidr_blocks, vec![net("10.0.0.0/16"), net("10.1.0.0/16")]);
        assert_eq!(t.vpcs[1].cidr_blocks, vec![net("172.16.0.0/16")]);
        assert_eq!(t.vpcs[1].name, None);
    }

    #[test]
    fn subnet_maps_zone_block_and_public_ip_setting_and_sets_the_region() {
        let (t, issues) = run(json!({"Subnets": [
            {"SubnetId": "subnet-a", "VpcId": "vpc-1", "AvailabilityZone": "eu-west-3b",
             "CidrBlock": "10.0.1.0/24", "MapPublicIpOnLaunch": true, "Tags": tags("web")}]}));
        assert!(issues.is_empty(), "{issues:#?}");
        assert_eq!(t.region, "eu-west-3");
        let s = &t.subnets[0];
        assert_eq!(
            (s.id.as_str(), s.vpc.as_str(), s.availability_zone.as_str()),
            ("subnet-a", "vpc-1", "eu-west-3b")
        );
        assert_eq!(s.cidr_block, net("10.0.1.0/24"));
        assert!(s.map_public_ip_on_launch);
        assert_eq!(s.name.as_deref(), Some("web"));
    }

    #[test]
    fn region_defaults_to_us_east_1_and_keeps_the_first_of_several() {
        let (t, issues) = run(json!({"Vpcs": [vpc_json()]}));
        assert_eq!(t.region, "us-east-1");
        assert!(issues.is_empty());
        let mut other = subnet_json("subnet-b", "10.0.2.0/24");
        other["AvailabilityZone"] = json!("ap-southeast-2a");
        let (t, issues) = run(json!({"Subnets": [subnet_json("subnet-z", "10.0.1.0/24"), other]}));
        assert_eq!(t.region, "eu-west-3");
        let i = issue(&issues, "subnet-b", "AvailabilityZone");
        assert_eq!(i.severity, Severity::Warning);
        assert!(i.message.contains("ap-southeast-2"), "{}", i.message);
        assert_eq!(region_of_az("us-gov-west-1a").as_deref(), Some("us-gov-west-1"));
        assert_eq!(region_of_az("us-west-2-lax-1a").as_deref(), Some("us-west-2"));
        assert_eq!(region_of_az("garbage"), None);
        assert_eq!(region_of_path("a/accounts/111/us-west-1/Vpcs.json").as_deref(), Some("us-west-1"));
    }

    #[test]
    fn route_table_main_associations_local_and_internet_gateway_routes() {
        let (t, issues) = run(json!({"RouteTables": [
            {"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Tags": tags("public"),
             "Associations": [
                 {"Main": true, "RouteTableId": "rtb-1", "AssociationState": {"State": "associated"}},
                 {"Main": false, "SubnetId": "subnet-b", "AssociationState": {"State": "associated"}},
                 {"Main": false, "SubnetId": "subnet-a"},
                 {"Main": false, "SubnetId": "subnet-old", "AssociationState": {"State": "disassociated"}}],
             "Routes": [
                 {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"},
                 {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "State": "active"}]}],
            "InternetGateways": [{"InternetGatewayId": "igw-1",
                                  "Attachments": [{"State": "available", "VpcId": "vpc-1"}]}]}));
        assert!(issues.is_empty(), "{issues:#?}");
        let r = &t.route_tables[0];
        assert!(r.main);
        assert_eq!(r.name.as_deref(), Some("public"));
        assert_eq!(r.associations, vec!["subnet-a".to_string(), "subnet-b".to_string()]);
        assert_eq!(
            r.routes,
            vec![Route { destination: net("0.0.0.0/0"), target: "igw-1".into(), blackhole: false }]
        );
    }

    #[test]
    fn routes_to_unmodelled_targets_are_skipped_with_a_warning_naming_the_component() {
        let cases = [
            (
                json!({"DestinationCidrBlock": "10.9.0.0/16", "TransitGatewayId": "tgw-1"}),
                "TransitGatewayId",
                "transit gateway",
            ),
            (
                json!({"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": "eigw-1"}),
                "EgressOnlyInternetGatewayId",
                "egress-only internet gateway",
            ),
            (
                json!({"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "vgw-1"}),
                "GatewayId",
                "virtual private gateway",
            ),
            (
                json!({"DestinationPrefixListId": "pl-1", "GatewayId": "vpce-1"}),
                "GatewayId",
                "gateway VPC endpoint",
            ),
            (
                json!({"DestinationPrefixListId": "pl-1", "GatewayId": "igw-1"}),
                "DestinationPrefixListId",
                "prefix-list",
            ),
            (
                json!({"DestinationIpv6CidrBlock": "::/0", "GatewayId": "igw-1"}),
                "DestinationIpv6CidrBlock",
                "IPv6",
            ),
            (
                json!({"DestinationIpv6CidrBlock": "::/0", "NatGatewayId": "nat-1"}),
                "DestinationIpv6CidrBlock",
                "IPv6",
            ),
            (
                json!({"DestinationPrefixListId": "pl-1", "VpcPeeringConnectionId": "pcx-1"}),
                "DestinationPrefixListId",
                "prefix-list",
            ),
            (
                json!({"DestinationCidrBlock": "10.9.0.0/16", "LocalGatewayId": "lgw-1"}),
                "LocalGatewayId",
                "local gateway",
            ),
        ];
        for (route, field, component) in cases {
            let (t, issues) = run(json!({"RouteTables": [
                {"RouteTableId": "rtb-1", "VpcId": "vpc-1",
                 "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local"}, route]}]}));
            assert!(t.route_tables[0].routes.is_empty(), "{field}");
            assert_eq!(issues.len(), 1, "{issues:#?}");
            let i = issue(&issues, "rtb-1", &format!("Routes[1].{field}"));
            assert_eq!(i.severity, Severity::Warning);
            assert!(i.message.contains(component) && i.message.contains("not modelled yet"), "{}", i.message);
        }
    }

    #[test]
    fn internet_gateway_is_attached_only_when_available() {
        let (t, issues) = run(json!({"InternetGateways": [
            {"InternetGatewayId": "igw-1", "Tags": tags("gw"), "Attachments": [{"State": "available", "VpcId": "vpc-1"}]},
            {"InternetGatewayId": "igw-2", "Attachments": [{"State": "attached", "VpcId": "vpc-2"}]},
            {"InternetGatewayId": "igw-3", "Attachments": [{"State": "detaching", "VpcId": "vpc-3"}]},
            {"InternetGatewayId": "igw-4", "Attachments": []}]}));
        assert!(issues.is_empty(), "{issues:#?}");
        let vpcs: Vec<Option<&str>> = t.internet_gateways.iter().map(|g| g.vpc.as_deref()).collect();
        assert_eq!(vpcs, vec![Some("vpc-1"), Some("vpc-2"), None, None]);
        assert_eq!(t.internet_gateways[0].name.as_deref(), Some("gw"));
    }

    #[test]
    fn an_active_route_to_an_unlisted_internet_gateway_infers_it_but_a_blackhole_does_not() {
        let table = |id: &str, vpc: &str, igw: &str, state: &str| {
            json!({"RouteTableId": id, "VpcId": vpc,
                   "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw, "State": state}]})
        };
        let (t, issues) = run(json!({"RouteTables": [
            table("rtb-1", "vpc-1", "igw-live", "active"), table("rtb-2", "vpc-2", "igw-gone", "blackhole")]}));
        assert_eq!(
            t.internet_gateways,
            vec![InternetGateway { id: "igw-live".into(), name: None, vpc: Some("vpc-1".into()) }]
        );
        assert_eq!(issue(&issues, "rtb-1", "Routes[0].GatewayId").severity, Severity::Warning);
        assert_eq!(t.route_tables[1].routes.len(), 1, "the blackhole route stays, as AWS shows it");
    }

    #[test]
    fn instances_come_from_reservations_and_terminated_ones_are_skipped() {
        let (t, issues) = run(json!({
            "Reservations": [
                {"ReservationId": "r-1", "Instances": [
                    {"InstanceId": "i-1", "InstanceType": "t3.micro", "Tags": tags("web-1")},
                    {"InstanceId": "i-0", "InstanceType": "t3.nano", "State": {"Name": "terminated"},
                     "NetworkInterfaces": []}]}],
            "NetworkInterfaces": [interface_json("eni-1", "i-1", "10.0.1.10")]}));
        assert_eq!(
            t.instances,
            vec![Instance { id: "i-1".into(), name: Some("web-1".into()), instance_type: "t3.micro".into() }]
        );
        assert_eq!(issue(&issues, "i-0", "State.Name").severity, Severity::Warning);
        assert_eq!(issues.len(), 1, "{issues:#?}");
    }

    #[test]
    fn interface_maps_addresses_groups_check_and_attachment() {
        let (t, issues) = run(json!({
            "Reservations": [reservation_json("i-1", "t3.large")],
            "NetworkInterfaces": [
                {"NetworkInterfaceId": "eni-1", "SubnetId": "subnet-a", "InterfaceType": "interface",
                 "PrivateIpAddress": "10.0.1.10", "SourceDestCheck": false, "TagSet": tags("eth0"),
                 "PrivateIpAddresses": [
                     {"Primary": false, "PrivateIpAddress": "10.0.1.11"},
                     {"Primary": true, "PrivateIpAddress": "10.0.1.10",
                      "Association": {"PublicIp": "54.0.0.1", "IpOwnerId": "amazon"}}],
                 "Groups": [{"GroupId": "sg-b"}, {"GroupId": "sg-a"}],
                 "Attachment": {"InstanceId": "i-1", "DeviceIndex": 0, "Status": "attached"}}]}));
        assert!(issues.is_empty(), "{issues:#?}");
        let e = &t.network_interfaces[0];
        assert_eq!(e.name.as_deref(), Some("eth0"));
        assert_eq!(e.subnet, "subnet-a");
        assert_eq!(e.private_ip, ip("10.0.1.10"));
        assert_eq!(e.secondary_private_ips, vec![ip("10.0.1.11")]);
        assert_eq!(e.public_ip, Some(ip("54.0.0.1")));
        assert_eq!(e.security_groups, vec!["sg-a".to_string(), "sg-b".to_string()]);
        assert!(!e.source_dest_check);
        assert_eq!(e.attachment, Some(Attachment { instance: "i-1".into(), device_index: 0 }));
    }

    #[test]
    fn an_elastic_ip_is_imported_from_addresses_not_as_the_interface_public_ip() {
        let mut eni = interface_json("eni-1", "i-1", "10.0.1.10");
        eni["PrivateIpAddresses"][0]["Association"] =
            json!({"PublicIp": "54.0.0.9", "AllocationId": "eipalloc-1"});
        let (t, issues) = run(json!({
            "Reservations": [reservation_json("i-1", "t3.micro")],
            "NetworkInterfaces": [eni],
            "Addresses": [
                {"AllocationId": "eipalloc-1", "PublicIp": "54.0.0.9", "Tags": tags("bastion-eip"),
                 "NetworkInterfaceId": "eni-1", "PrivateIpAddress": "10.0.1.10"},
                {"AllocationId": "eipalloc-2", "PublicIp": "54.0.0.10"}]}));
        assert!(issues.is_empty(), "{issues:#?}");
        assert_eq!(t.network_interfaces[0].public_ip, None);
        assert_eq!(
            t.elastic_ips[0],
            ElasticIp {
                id: "eipalloc-1".into(),
                name: Some("bastion-eip".into()),
                public_ip: ip("54.0.0.9"),
                association: Some(EipAssociation {
                    network_interface: "eni-1".into(),
                    private_ip: Some(ip("10.0.1.10"))
                }),
            }
        );
        assert_eq!(t.elastic_ips[1].association, None);
    }

    #[test]
    fn managed_interfaces_are_skipped_and_so_are_their_elastic_ips() {
        let mut nat = interface_json("eni-nat", "i-none", "10.0.1.5");
        nat["InterfaceType"] = json!("nat_gateway");
        nat["Attachment"] = json!({"DeviceIndex": 1});
        let mut lambda = interface_json("eni-fn", "i-none", "10.0.1.6");
        lambda["InterfaceType"] = json!("lambda");
        let (t, issues) = run(json!({
            "NetworkInterfaces": [nat, lambda],
            "Addresses": [{"AllocationId": "eipalloc-1", "PublicIp": "54.0.0.9",
                           "NetworkInterfaceId": "eni-nat", "PrivateIpAddress": "10.0.1.5"}]}));
        assert!(t.network_interfaces.is_empty() && t.elastic_ips.is_empty());
        let i = issue(&issues, "eni-nat", "InterfaceType");
        assert!(i.message.contains("is part of a NAT gateway that was not imported"), "{}", i.message);
        assert!(issue(&issues, "eni-fn", "InterfaceType").message.contains("Lambda function"));
        assert!(issue(&issues, "eipalloc-1", "NetworkInterfaceId").message.contains("NAT gateway"));
        assert!(issues.iter().all(|i| i.severity == Severity::Warning));
    }

    #[test]
    fn without_network_interfaces_the_instances_interfaces_are_used() {
        let (t, issues) = run(json!({"Reservations": [{"ReservationId": "r-1", "Instances": [
            {"InstanceId": "i-1", "InstanceType": "t3.micro",
             "NetworkInterfaces": [
                 {"NetworkInterfaceId": "eni-1", "SubnetId": "subnet-a", "PrivateIpAddress": "10.0.1.10",
                  "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "10.0.1.10",
                                          "Association": {"PublicIp": "3.3.3.3", "IpOwnerId": "amazon"}}],
                  "Groups": [{"GroupId": "sg-1"}], "SourceDestCheck": true,
                  "Attachment": {"DeviceIndex": 0, "Status": "attached"}}]}]}]}));
        assert!(issues.is_empty(), "{issues:#?}");
        let e = &t.network_interfaces[0];
        assert_eq!(e.id, "eni-1");
        assert_eq!(e.public_ip, Some(ip("3.3.3.3")));
        assert_eq!(e.attachment, Some(Attachment { instance: "i-1".into(), device_index: 0 }));
        assert_eq!(t.instances.len(), 1);
    }

    #[test]
    fn an_attachment_to_an_instance_not_in_the_snapshot_is_dropped_with_a_warning() {
        let (t, issues) =
            run(json!({"NetworkInterfaces": [interface_json("eni-1", "i-elsewhere", "10.0.1.10")]}));
        assert_eq!(t.network_interfaces[0].attachment, None);
        assert_eq!(issue(&issues, "eni-1", "Attachment.InstanceId").severity, Severity::Warning);
    }

    #[test]
    fn security_group_rules_per_range_and_group_with_protocols_and_ports() {
        let (t, issues) = run(json!({"SecurityGroups": [
            {"GroupId": "sg-default", "GroupName": "default", "VpcId": "vpc-1", "Tags": tags("not-default"),
             "IpPermissions": [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-default"}]}],
             "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]},
            {"GroupId": "sg-web", "GroupName": "web-sg", "VpcId": "vpc-1", "Description": "web tier",
             "IpPermissions": [
                 {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                  "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "https"}, {"CidrIp": "10.0.0.0/8"}],
                  "UserIdGroupPairs": [{"GroupId": "sg-default", "UserId": "1"}],
                  "Ipv6Ranges": [{"CidrIpv6": "::/0"}], "PrefixListIds": [{"PrefixListId": "pl-1"}]},
                 {"IpProtocol": "udp", "FromPort": -1, "ToPort": -1, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
                 {"IpProtocol": "udp", "IpRanges": [{"CidrIp": "10.1.0.0/16"}]},
                 {"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
                 {"IpProtocol": "50", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}],
             "IpPermissionsEgress": []}]}));
        let d = &t.security_groups[0];
        assert_eq!(d.name.as_deref(), Some("default"));
        assert_eq!(
            d.inbound,
            vec![SgRule {
                protocol: Protocol::All,
                ports: None,
                peer: "sg-default".into(),
                description: String::new()
            }]
        );
        assert_eq!(d.outbound[0].peer, "0.0.0.0/0");
        let w = &t.security_groups[1];
        assert_eq!(
            (w.name.as_deref(), w.description.as_str(), w.vpc.as_str()),
            (Some("web-sg"), "web tier", "vpc-1")
        );
        let rules: Vec<(Protocol, Option<PortRange>, &str, &str)> = w
            .inbound
            .iter()
            .map(|r| (r.protocol, r.ports, r.peer.as_str(), r.description.as_str()))
            .collect();
        assert_eq!(
            rules,
            vec![
                (Protocol::Tcp, Some(PortRange::single(443)), "0.0.0.0/0", "https"),
                (Protocol::Tcp, Some(PortRange::single(443)), "10.0.0.0/8", ""),
                (Protocol::Tcp, Some(PortRange::single(443)), "sg-default", ""),
                (Protocol::Udp, None, "10.0.0.0/8", ""),
                (Protocol::Udp, None, "10.1.0.0/16", ""),
                (Protocol::Icmp, None, "10.0.0.0/8", ""),
                (Protocol::Number(50), None, "10.0.0.0/8", ""),
            ]
        );
        assert_eq!(issues.len(), 2, "{issues:#?}");
        assert!(issue(&issues, "sg-web", "IpPermissions[0].Ipv6Ranges[0].CidrIpv6").message.contains("IPv6"));
        assert!(issue(&issues, "sg-web", "IpPermissions[0].PrefixListIds[0].PrefixListId")
            .message
            .contains("pl-1"));
        assert!(issues.iter().all(|i| i.severity == Severity::Warning));
    }

    #[test]
    fn group_references_outside_the_vpc_or_the_snapshot_are_skipped_with_a_warning() {
        let mut g = group_json("sg-a", "a");
        g["IpPermissions"] = json!([{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                                      "UserIdGroupPairs": [{"GroupId": "sg-other-vpc"}, {"GroupId": "sg-unknown"}]}]);
        let mut other = group_json("sg-other-vpc", "b");
        other["VpcId"] = json!("vpc-2");
        let (t, issues) = run(json!({"SecurityGroups": [g, other]}));
        assert!(t.security_groups[0].inbound.is_empty());
        assert!(issue(&issues, "sg-a", "IpPermissions[0].UserIdGroupPairs[0].GroupId")
            .message
            .contains("peering"));
        assert!(issue(&issues, "sg-a", "IpPermissions[0].UserIdGroupPairs[1].GroupId")
            .message
            .contains("not in the snapshot"));
    }

    #[test]
    fn network_acl_entries_directions_protocols_ports_and_the_implicit_deny() {
        let (t, issues) = run(json!({"NetworkAcls": [
            {"NetworkAclId": "acl-1", "VpcId": "vpc-1", "IsDefault": true, "Tags": tags("app"),
             "Associations": [{"SubnetId": "subnet-b"}, {"SubnetId": "subnet-a"}],
             "Entries": [
                 {"RuleNumber": 200, "Egress": false, "Protocol": "17", "RuleAction": "deny",
                  "CidrBlock": "10.0.0.0/8", "PortRange": {"From": 53, "To": 53}},
                 {"RuleNumber": 100, "Egress": false, "Protocol": "6", "RuleAction": "allow",
                  "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 1024, "To": 65535}},
                 {"RuleNumber": 32767, "Egress": false, "Protocol": "-1", "RuleAction": "deny", "CidrBlock": "0.0.0.0/0"},
                 {"RuleNumber": 100, "Egress": true, "Protocol": "-1", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"},
                 {"RuleNumber": 110, "Egress": true, "Protocol": "1", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0",
                  "IcmpTypeCode": {"Type": -1, "Code": -1}},
                 {"RuleNumber": 120, "Egress": true, "Protocol": "47", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"},
                 {"RuleNumber": 101, "Egress": true, "Protocol": "-1", "RuleAction": "allow", "Ipv6CidrBlock": "::/0"},
                 {"RuleNumber": 32767, "Egress": true, "Protocol": "-1", "RuleAction": "deny", "CidrBlock": "0.0.0.0/0"}]}]}));
        let a = &t.network_acls[0];
        assert!(a.default);
        assert_eq!(a.name.as_deref(), Some("app"));
        assert_eq!(a.associations, vec!["subnet-a".to_string(), "subnet-b".to_string()]);
        let entry = |rule, protocol, ports, cidr: &str, action| AclEntry {
            rule,
            protocol,
            ports,
            cidr: net(cidr),
            action,
        };
        assert_eq!(
            a.inbound,
            vec![
                entry(100, Protocol::Tcp, PortRange::new(1024, 65535), "0.0.0.0/0", AclAction::Allow),
                entry(200, Protocol::Udp, Some(PortRange::single(53)), "10.0.0.0/8", AclAction::Deny),
            ]
        );
        assert_eq!(
            a.outbound,
            vec![
                entry(100, Protocol::All, None, "0.0.0.0/0", AclAction::Allow),
                entry(110, Protocol::Icmp, None, "0.0.0.0/0", AclAction::Allow),
                entry(120, Protocol::Number(47), None, "0.0.0.0/0", AclAction::Allow),
            ]
        );
        assert_eq!(issues.len(), 1, "{issues:#?}");
        assert!(issue(&issues, "acl-1", "Entries[6].Ipv6CidrBlock").message.contains("IPv6"));
    }

    #[test]
    fn unmodelled_resources_get_one_warning_each_and_unknown_keys_are_ignored() {
        let (t, issues) = run(json!({
            "Vpcs": [vpc_json()],
            "EgressOnlyInternetGateways": [{"EgressOnlyInternetGatewayId": "eigw-1"},
                                           {"EgressOnlyInternetGatewayId": "eigw-2"}],
            "VpnGateways": [{"VpnGatewayId": "vgw-1"}],
            "TransitGateways": [{"TransitGatewayId": "tgw-1"}],
            "LoadBalancers": [{"LoadBalancerArn": "arn:lb"}],
            "AvailabilityZones": [{"ZoneName": "us-east-1a"}],
            "DBInstances": [{"DBInstanceIdentifier": "db"}]}));
        assert_eq!(t.vpcs.len(), 1);
        let objects: Vec<&str> = issues.iter().map(|i| i.object.as_str()).collect();
        assert_eq!(objects, vec!["eigw-1", "eigw-2", "tgw-1", "vgw-1", "arn:lb"]);
        let i = issue(&issues, "eigw-1", "EgressOnlyInternetGateways");
        assert_eq!(i.message, "egress-only internet gateways are not modelled yet; skipped");
        assert!(issues.iter().all(|i| i.severity == Severity::Warning));
    }

    #[test]
    fn objects_seen_in_several_files_are_merged_by_id_first_wins() {
        let mut renamed = vpc_json();
        renamed["Tags"] = tags("second");
        let a = json!({"Vpcs": [vpc_json()], "TransitGateways": [{"TransitGatewayId": "tgw-1"}],
                       "VpcPeeringConnections": [peering_json("pcx-1", "vpc-1", "vpc-0", "active")]});
        let b = json!({"Vpcs": [renamed, {"VpcId": "vpc-0", "CidrBlock": "10.9.0.0/16"}],
                       "TransitGateways": [{"TransitGatewayId": "tgw-1"}],
                       "VpcPeeringConnections": [peering_json("pcx-1", "vpc-1", "vpc-0", "deleted")]});
        let (t, issues) = run_files(&[
            file("accounts/1/us-east-1/Vpcs.json", &a),
            file("accounts/2/us-east-1/Vpcs.json", &b),
        ]);
        let ids: Vec<&str> = t.vpcs.iter().map(|v| v.id.as_str()).collect();
        assert_eq!(ids, vec!["vpc-0", "vpc-1"], "sorted by id, no duplicate");
        assert_eq!(t.vpcs[1].name.as_deref(), Some("main"), "the first file wins");
        assert_eq!(issues.len(), 1, "one warning for the transit gateway seen twice: {issues:#?}");
        assert_eq!(issues[0].file, "accounts/1/us-east-1/Vpcs.json");
        assert_eq!(t.vpc_peering_connections.len(), 1, "the peering connection seen from both sides");
        assert_eq!(t.vpc_peering_connections[0].status, "active", "the first file wins");
    }

    #[test]
    fn a_malformed_file_is_an_error_and_the_others_still_import() {
        let (t, issues) = run_files(&[
            SnapshotFile { path: "broken.json".into(), text: "{\"Vpcs\": [".into() },
            file("vpcs.json", &json!({"Vpcs": [vpc_json()]})),
            SnapshotFile { path: "list.json".into(), text: "[1, 2]".into() },
        ]);
        assert_eq!(t.vpcs.len(), 1);
        let i = issue(&issues, "", "");
        assert_eq!((i.severity, i.file.as_str()), (Severity::Error, "broken.json"));
        assert!(i.message.starts_with("not valid JSON"), "{}", i.message);
        assert!(issues.iter().any(|i| i.file == "list.json" && i.severity == Severity::Warning));
    }

    #[test]
    fn malformed_objects_name_file_object_and_field_and_are_skipped() {
        let (t, issues) = run(json!({
            "Vpcs": [{"CidrBlock": "10.0.0.0/16"}, {"VpcId": 7}, "vpc-3", vpc_json()],
            "Subnets": [{"SubnetId": "subnet-a", "VpcId": "vpc-1", "AvailabilityZone": "us-east-1a", "CidrBlock": "ten"},
                        {"SubnetId": "subnet-b", "VpcId": "vpc-1", "CidrBlock": "10.0.2.0/24"}],
            "RouteTables": {"oops": true},
            "SecurityGroups": [{"GroupId": "sg-1", "VpcId": "vpc-1",
                                "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 22,
                                                   "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
                                                  {"IpProtocol": "bogus"}],
                                "IpPermissionsEgress": "none"}],
            "NetworkAcls": [{"NetworkAclId": "acl-1", "VpcId": "vpc-1",
                             "Entries": [{"RuleNumber": "100", "Egress": true, "Protocol": "-1",
                                          "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"}]}]}));
        assert_eq!(t.vpcs.len(), 1);
        assert!(t.subnets.is_empty());
        assert_eq!(t.security_groups.len(), 1);
        assert!(t.security_groups[0].inbound.is_empty());
        for (object, field) in [
            ("Vpcs[0]", "VpcId"),
            ("Vpcs[1]", "VpcId"),
            ("Vpcs[2]", ""),
            ("subnet-a", "CidrBlock"),
            ("subnet-b", "AvailabilityZone"),
            ("RouteTables", ""),
            ("sg-1", "IpPermissions[0].FromPort"),
            ("sg-1", "IpPermissions[1].IpProtocol"),
            ("sg-1", "IpPermissionsEgress"),
            ("acl-1", "Entries[0].RuleNumber"),
        ] {
            let i = issue(&issues, object, field);
            assert_eq!(i.severity, Severity::Error, "{i}");
            assert_eq!(i.file, "snap.json");
        }
    }

    #[test]
    fn nothing_usable_is_an_import_error_naming_the_files() {
        assert_eq!(import(&[]), Err(ImportError::NoFiles));
        let not_json = [SnapshotFile { path: "a.txt".into(), text: "hello".into() }];
        let e = import(&not_json).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("a.txt") && e.contains("JSON"), "{e}");
        let unknown = [file("b.json", &json!({"AvailabilityZones": []})), file("c.json", &json!([1]))];
        let e = import(&unknown).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("b.json, c.json") && e.contains("Vpcs"), "{e}");
    }

    #[test]
    fn issues_display_like_diagnostics() {
        let i = ImportIssue {
            severity: Severity::Warning,
            file: "routes.json".into(),
            object: "rtb-0a1".into(),
            field: "Routes[2].NatGatewayId".into(),
            message: "route skipped".into(),
        };
        assert_eq!(i.to_string(), "warning: routes.json: rtb-0a1 (Routes[2].NatGatewayId): route skipped");
        let whole =
            ImportIssue { severity: Severity::Error, object: String::new(), field: String::new(), ..i };
        assert_eq!(whole.to_string(), "error: routes.json: route skipped");
    }

    fn nat_json(id: &str, state: &str, address: Value) -> Value {
        json!({"NatGatewayId": id, "State": state, "SubnetId": "subnet-a", "VpcId": "vpc-1",
               "ConnectivityType": "public", "NatGatewayAddresses": [address]})
    }

    fn nat_interface_json(id: &str, address: &str) -> Value {
        json!({"NetworkInterfaceId": id, "SubnetId": "subnet-a", "InterfaceType": "nat_gateway",
               "PrivateIpAddress": address, "Description": "Interface for NAT Gateway",
               "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": address,
                                       "Association": {"PublicIp": "54.0.0.9", "IpOwnerId": "amazon"}}]})
    }

    #[test]
    fn nat_gateways_take_their_first_address_and_their_elastic_ip_is_imported_idle() {
        let mut public = nat_json(
            "nat-1",
            "available",
            json!({"AllocationId": "eipalloc-1", "NetworkInterfaceId": "eni-nat", "PrivateIp": "10.0.1.5",
                   "PublicIp": "54.0.0.9", "IsPrimary": true}),
        );
        public["Tags"] = tags("nat-a");
        let mut private = nat_json("nat-2", "pending", json!({"PrivateIp": "10.0.1.6"}));
        private["ConnectivityType"] = json!("private");
        let mut unset =
            nat_json("nat-3", "available", json!({"AllocationId": "eipalloc-3", "PublicIp": "54.0.0.3"}));
        unset["ConnectivityType"] = Value::Null;
        let (t, issues) = run(json!({
            "Subnets": [subnet_json("subnet-a", "10.0.1.0/24")],
            "NatGateways": [public, private, unset,
                            nat_json("nat-4", "deleted", json!({"PrivateIp": "10.0.1.7"})),
                            nat_json("nat-5", "failed", json!({}))],
            "NetworkInterfaces": [nat_interface_json("eni-nat", "10.0.1.5")],
            "Addresses": [{"AllocationId": "eipalloc-1", "PublicIp": "54.0.0.9", "Tags": tags("nat-eip"),
                           "NetworkInterfaceId": "eni-nat", "PrivateIpAddress": "10.0.1.5"}]}));
        let nat = |id: &str, name: Option<&str>, connectivity, address: Option<&str>, eip: Option<&str>| {
            NatGateway {
                id: id.into(),
                name: name.map(str::to_string),
                subnet: "subnet-a".into(),
                connectivity,
                private_ip: address.map(ip),
                elastic_ip: eip.map(str::to_string),
            }
        };
        assert_eq!(
            t.nat_gateways,
            vec![
                nat("nat-1", Some("nat-a"), Connectivity::Public, Some("10.0.1.5"), Some("eipalloc-1")),
                nat("nat-2", None, Connectivity::Private, Some("10.0.1.6"), None),
                nat("nat-3", None, Connectivity::Public, None, Some("eipalloc-3")),
            ]
        );
        assert!(t.network_interfaces.is_empty(), "the NAT gateway holds its interface's address");
        assert_eq!(
            t.elastic_ips,
            vec![
                ElasticIp {
                    id: "eipalloc-1".into(),
                    name: Some("nat-eip".into()),
                    public_ip: ip("54.0.0.9"),
                    association: None
                },
                ElasticIp {
                    id: "eipalloc-3".into(),
                    name: None,
                    public_ip: ip("54.0.0.3"),
                    association: None
                },
            ],
            "the NAT gateway's Elastic IP is idle, and made from the NAT gateway when Addresses lacks it"
        );
        assert_eq!(issues.len(), 2, "{issues:#?}");
        assert!(issue(&issues, "nat-4", "State").message.contains("deleted"));
        assert!(issue(&issues, "nat-5", "State").message.contains("failed"));
        assert!(issues.iter().all(|i| i.severity == Severity::Warning));
    }

    #[test]
    fn nat_gateways_that_cannot_be_modelled_are_skipped_with_a_warning() {
        let mut subnetless =
            nat_json("nat-3", "available", json!({"AllocationId": "eipalloc-3", "PublicIp": "54.0.0.3"}));
        subnetless["SubnetId"] = json!("subnet-elsewhere");
        let mut secondary = nat_json("nat-4", "available", json!({"PrivateIp": "10.0.1.8"}));
        secondary["ConnectivityType"] = json!("private");
        secondary["NatGatewayAddresses"] =
            json!([{"PrivateIp": "10.0.1.8"}, {"PrivateIp": "10.0.1.9", "NetworkInterfaceId": "eni-n4"}]);
        let (t, issues) = run(json!({
            "Subnets": [subnet_json("subnet-a", "10.0.1.0/24")],
            "NatGateways": [nat_json("nat-1", "available", json!({"PrivateIp": "10.0.1.5"})),
                            nat_json("nat-2", "available", json!({"AllocationId": "eipalloc-2"})),
                            subnetless, secondary]}));
        let ids: Vec<&str> = t.nat_gateways.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, vec!["nat-4"]);
        assert!(t.elastic_ips.is_empty());
        assert!(issue(&issues, "nat-1", "NatGatewayAddresses[0].AllocationId")
            .message
            .contains("Elastic IP"));
        assert!(issue(&issues, "nat-2", "NatGatewayAddresses[0].AllocationId")
            .message
            .contains("eipalloc-2"));
        assert!(issue(&issues, "nat-3", "SubnetId").message.contains("subnet-elsewhere"));
        assert!(issue(&issues, "nat-4", "NatGatewayAddresses[1].PrivateIp").message.contains("10.0.1.9"));
        assert!(issues.iter().all(|i| i.severity == Severity::Warning));
    }

    fn two_vpcs() -> Vec<Value> {
        vec![vpc_json(), json!({"VpcId": "vpc-2", "CidrBlock": "10.1.0.0/16"})]
    }

    #[test]
    fn peering_connections_between_vpcs_of_the_snapshot_keep_their_status() {
        let mut named = peering_json("pcx-1", "vpc-1", "vpc-2", "active");
        named["Tags"] = tags("app-to-shared");
        let (t, issues) = run(json!({
            "Vpcs": [vpc_json(), {"VpcId": "vpc-2", "CidrBlock": "10.1.0.0/16"},
                     {"VpcId": "vpc-3", "CidrBlock": "10.2.0.0/16"}],
            "VpcPeeringConnections": [named, peering_json("pcx-2", "vpc-3", "vpc-1", "pending-acceptance")]}));
        assert!(issues.is_empty(), "{issues:#?}");
        assert_eq!(
            t.vpc_peering_connections,
            vec![
                VpcPeeringConnection {
                    id: "pcx-1".into(),
                    name: Some("app-to-shared".into()),
                    requester_vpc: "vpc-1".into(),
                    accepter_vpc: "vpc-2".into(),
                    status: "active".into(),
                },
                VpcPeeringConnection {
                    id: "pcx-2".into(),
                    name: None,
                    requester_vpc: "vpc-3".into(),
                    accepter_vpc: "vpc-1".into(),
                    status: "pending-acceptance".into(),
                },
            ]
        );
    }

    #[test]
    fn peering_connections_the_model_cannot_hold_are_skipped_with_a_warning() {
        let (t, issues) = run(json!({
            "Vpcs": [vpc_json(), {"VpcId": "vpc-2", "CidrBlock": "10.1.0.0/16"},
                     {"VpcId": "vpc-9", "CidrBlock": "10.0.0.0/20"}],
            "VpcPeeringConnections": [
                peering_json("pcx-0", "vpc-1", "vpc-2", "deleted"),
                peering_json("pcx-1", "vpc-2", "vpc-1", "active"),
                peering_json("pcx-2", "vpc-1", "vpc-other-account", "active"),
                peering_json("pcx-3", "vpc-gone", "vpc-elsewhere", "deleted"),
                peering_json("pcx-4", "vpc-1", "vpc-9", "failed"),
                {"VpcPeeringConnectionId": "pcx-5", "RequesterVpcInfo": {"VpcId": "vpc-1"}}]}));
        let ids: Vec<&str> = t.vpc_peering_connections.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, vec!["pcx-1"], "the active one of a pair wins");
        assert!(issue(&issues, "pcx-0", "AccepterVpcInfo.VpcId").message.contains("pcx-1"));
        let i = issue(&issues, "pcx-2", "AccepterVpcInfo.VpcId");
        assert!(i.message.contains("VPC vpc-other-account is not in the snapshot"), "{}", i.message);
        let i = issue(&issues, "pcx-3", "RequesterVpcInfo.VpcId");
        assert!(i.message.contains("VPCs vpc-gone and vpc-elsewhere are not"), "{}", i.message);
        assert!(issue(&issues, "pcx-4", "AccepterVpcInfo.VpcId").message.contains("overlap"));
        assert_eq!(issue(&issues, "pcx-5", "AccepterVpcInfo.VpcId").severity, Severity::Error);
        assert_eq!(issues.iter().filter(|i| i.severity == Severity::Warning).count(), 4, "{issues:#?}");
    }

    #[test]
    fn routes_to_nat_gateways_interfaces_instances_and_peerings_are_imported() {
        let mut two = reservation_json("i-2", "t3.large");
        two["Instances"][0]["InstanceId"] = json!("i-2");
        let mut eth1 = interface_json("eni-2b", "i-2", "10.0.1.21");
        eth1["Attachment"]["DeviceIndex"] = json!(1);
        let (t, issues) = run(json!({
            "Vpcs": two_vpcs(),
            "Subnets": [subnet_json("subnet-a", "10.0.1.0/24")],
            "NatGateways": [nat_json("nat-1", "available", json!({"AllocationId": "eipalloc-1",
                                      "PublicIp": "54.0.0.9", "PrivateIp": "10.0.1.5"}))],
            "VpcPeeringConnections": [peering_json("pcx-1", "vpc-1", "vpc-2", "active")],
            "Reservations": [reservation_json("i-1", "t3.micro"), two],
            "NetworkInterfaces": [interface_json("eni-1", "i-1", "10.0.1.10"),
                                  interface_json("eni-2a", "i-2", "10.0.1.20"), eth1],
            "RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Routes": [
                {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1", "State": "active"},
                {"DestinationCidrBlock": "10.1.0.0/16", "VpcPeeringConnectionId": "pcx-1", "State": "active"},
                {"DestinationCidrBlock": "192.168.0.0/16", "InstanceId": "i-1", "InstanceOwnerId": "1",
                 "NetworkInterfaceId": "eni-1", "State": "active"},
                {"DestinationCidrBlock": "172.16.0.0/16", "NetworkInterfaceId": "eni-2b", "State": "active"},
                {"DestinationCidrBlock": "172.17.0.0/16", "InstanceId": "i-1", "State": "active"},
                {"DestinationCidrBlock": "172.18.0.0/16", "InstanceId": "i-2", "State": "active"}]}]}));
        let routes: Vec<(String, &str, bool)> = t.route_tables[0]
            .routes
            .iter()
            .map(|r| (r.destination.to_string(), r.target.as_str(), r.blackhole))
            .collect();
        let expected = [
            ("0.0.0.0/0", "nat-1"),
            ("10.1.0.0/16", "pcx-1"),
            ("192.168.0.0/16", "eni-1"),
            ("172.16.0.0/16", "eni-2b"),
            ("172.17.0.0/16", "i-1"),
            ("172.18.0.0/16", "eni-2a"),
        ];
        assert_eq!(routes, expected.map(|(d, t)| (d.to_string(), t, false)));
        assert_eq!(issues.len(), 1, "{issues:#?}");
        let i = issue(&issues, "rtb-1", "Routes[5].InstanceId");
        assert!(i.message.contains("primary interface eni-2a"), "{}", i.message);
    }

    #[test]
    fn a_route_to_a_target_not_imported_becomes_a_blackhole_and_blackholes_stay() {
        let mut nat_eni = interface_json("eni-nat", "i-none", "10.0.1.5");
        nat_eni["InterfaceType"] = json!("gateway_load_balancer_endpoint");
        nat_eni["Attachment"] = Value::Null;
        let (t, issues) = run(json!({
            "NetworkInterfaces": [nat_eni],
            "RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Routes": [
                {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-gone", "State": "active"},
                {"DestinationCidrBlock": "10.1.0.0/16", "VpcPeeringConnectionId": "pcx-x", "State": "active"},
                {"DestinationCidrBlock": "10.2.0.0/16", "NetworkInterfaceId": "eni-nat", "State": "active"},
                {"DestinationCidrBlock": "10.3.0.0/16", "InstanceId": "i-gone", "State": "active"},
                {"DestinationCidrBlock": "10.4.0.0/16", "NatGatewayId": "nat-deleted", "State": "blackhole"},
                {"DestinationCidrBlock": "10.5.0.0/16", "GatewayId": "igw-gone", "State": "blackhole"}]}]}));
        let routes: Vec<(&str, bool)> =
            t.route_tables[0].routes.iter().map(|r| (r.target.as_str(), r.blackhole)).collect();
        assert_eq!(
            routes,
            vec![
                ("nat-gone", true),
                ("pcx-x", true),
                ("eni-nat", true),
                ("i-gone", true),
                ("nat-deleted", true),
                ("igw-gone", true)
            ]
        );
        for (field, what) in [
            ("Routes[0].NatGatewayId", "NAT gateway"),
            ("Routes[1].VpcPeeringConnectionId", "peering connection"),
            ("Routes[2].NetworkInterfaceId", "gateway load balancer endpoint"),
            ("Routes[3].InstanceId", "instance"),
        ] {
            let i = issue(&issues, "rtb-1", field);
            assert_eq!(i.severity, Severity::Warning);
            assert!(i.message.contains("imported as blackhole") && i.message.contains(what), "{}", i.message);
        }
        assert_eq!(issues.len(), 5, "no warning for routes AWS already shows as blackhole: {issues:#?}");
    }

    #[test]
    fn group_references_across_an_active_peering_are_imported() {
        let mut g = group_json("sg-a", "a");
        g["IpPermissions"] = json!([{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                                      "UserIdGroupPairs": [{"GroupId": "sg-peer", "VpcId": "vpc-2",
                                                            "VpcPeeringConnectionId": "pcx-1"},
                                                           {"GroupId": "sg-pending"}]}]);
        let mut peer = group_json("sg-peer", "peer");
        peer["VpcId"] = json!("vpc-2");
        let mut pending = group_json("sg-pending", "pending");
        pending["VpcId"] = json!("vpc-3");
        let (t, issues) = run(json!({
            "Vpcs": [vpc_json(), {"VpcId": "vpc-2", "CidrBlock": "10.1.0.0/16"},
                     {"VpcId": "vpc-3", "CidrBlock": "10.2.0.0/16"}],
            "VpcPeeringConnections": [peering_json("pcx-1", "vpc-2", "vpc-1", "active"),
                                      peering_json("pcx-2", "vpc-1", "vpc-3", "pending-acceptance")],
            "SecurityGroups": [g, peer, pending]}));
        let peers: Vec<&str> = t.security_groups[0].inbound.iter().map(|r| r.peer.as_str()).collect();
        assert_eq!(peers, vec!["sg-peer"]);
        assert_eq!(issues.len(), 1, "{issues:#?}");
        assert!(issue(&issues, "sg-a", "IpPermissions[0].UserIdGroupPairs[1].GroupId")
            .message
            .contains("active VPC peering"));
    }

    /// NAT gateways, peering and the routes and rules that use them build a clean model.
    #[test]
    fn nat_gateways_and_peering_build_a_clean_model() {
        let mut web = group_json("sg-web", "web");
        web["IpPermissions"] = json!([{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                                        "UserIdGroupPairs": [{"GroupId": "sg-shared"}]}]);
        let mut shared = group_json("sg-shared", "shared");
        shared["VpcId"] = json!("vpc-2");
        let mut b = subnet_json("subnet-b", "10.1.1.0/24");
        b["VpcId"] = json!("vpc-2");
        let mut nat_eni = nat_interface_json("eni-nat", "10.0.1.5");
        nat_eni["PrivateIpAddresses"][0]["Association"]["AllocationId"] = json!("eipalloc-1");
        let (t, issues) = run(json!({
            "Vpcs": two_vpcs(),
            "Subnets": [subnet_json("subnet-a", "10.0.1.0/24"), b],
            "InternetGateways": [{"InternetGatewayId": "igw-1", "Attachments": [{"State": "available", "VpcId": "vpc-1"}]}],
            "NatGateways": [nat_json("nat-1", "available", json!({"AllocationId": "eipalloc-1",
                                      "NetworkInterfaceId": "eni-nat", "PrivateIp": "10.0.1.5", "PublicIp": "54.0.0.9"}))],
            "VpcPeeringConnections": [peering_json("pcx-1", "vpc-1", "vpc-2", "active")],
            "RouteTables": [
                {"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Associations": [{"Main": true}],
                 "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1"},
                            {"DestinationCidrBlock": "10.1.0.0/16", "VpcPeeringConnectionId": "pcx-1"}]},
                {"RouteTableId": "rtb-2", "VpcId": "vpc-1", "Associations": [{"SubnetId": "subnet-a"}],
                 "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1"},
                            {"DestinationCidrBlock": "192.168.0.0/16", "InstanceId": "i-1",
                             "NetworkInterfaceId": "eni-1"}]},
                {"RouteTableId": "rtb-3", "VpcId": "vpc-2", "Associations": [{"Main": true}],
                 "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "VpcPeeringConnectionId": "pcx-1"}]}],
            "SecurityGroups": [web, shared],
            "Reservations": [reservation_json("i-1", "t3.micro")],
            "NetworkInterfaces": [interface_json("eni-1", "i-1", "10.0.1.10"), nat_eni],
            "Addresses": [{"AllocationId": "eipalloc-1", "PublicIp": "54.0.0.9", "NetworkInterfaceId": "eni-nat",
                           "PrivateIpAddress": "10.0.1.5", "AssociationId": "eipassoc-1"}]}));
        assert!(issues.is_empty(), "{issues:#?}");
        let (m, diags) = crate::model::build(&t);
        assert!(diags.iter().all(|d| d.severity != Severity::Error), "{diags:#?}");
        assert_eq!(m.nat_gateways[0].elastic_ip, Some(("eipalloc-1".to_string(), ip("54.0.0.9"))));
        assert_eq!(m.peerings.len(), 1);
        let web = m.security_groups.iter().find(|g| g.id == "sg-web");
        let peer = web.and_then(|g| g.inbound.first()).map(|r| &r.peer);
        assert!(matches!(peer, Some(crate::model::SgPeer::Group(_))), "{peer:?}");
    }

    /// A small but complete snapshot builds a model without error diagnostics.
    #[test]
    fn a_complete_snapshot_builds_a_clean_model() {
        let mut web = group_json("sg-web", "web");
        web["IpPermissions"] = json!([{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                                        "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]);
        let (t, issues) = run(json!({
            "Vpcs": [vpc_json()],
            "Subnets": [subnet_json("subnet-a", "10.0.1.0/24")],
            "InternetGateways": [{"InternetGatewayId": "igw-1", "Attachments": [{"State": "available", "VpcId": "vpc-1"}]}],
            "RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Associations": [{"Main": true}],
                             "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local"},
                                        {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1"}]}],
            "SecurityGroups": [group_json("sg-d", "default"), web],
            "Reservations": [reservation_json("i-1", "t3.micro")],
            "NetworkInterfaces": [interface_json("eni-1", "i-1", "10.0.1.10")],
            "Addresses": [{"AllocationId": "eipalloc-1", "PublicIp": "54.0.0.9", "NetworkInterfaceId": "eni-1"}],
            "NetworkAcls": [{"NetworkAclId": "acl-1", "VpcId": "vpc-1", "IsDefault": true,
                             "Associations": [{"SubnetId": "subnet-a"}],
                             "Entries": [{"RuleNumber": 100, "Egress": false, "Protocol": "-1",
                                          "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"}]}]}));
        assert!(issues.is_empty(), "{issues:#?}");
        let (m, diags) = crate::model::build(&t);
        assert!(diags.iter().all(|d| d.severity != Severity::Error), "{diags:#?}");
        assert_eq!(
            m.security_groups.iter().filter(|g| g.implicit).count(),
            0,
            "the imported default group is used"
        );
    }
}
