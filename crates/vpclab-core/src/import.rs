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
//!   model yet (NAT gateways, peering, transit gateways, IPv6, …); it is skipped too.
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
    AclAction, AclEntry, Attachment, EipAssociation, ElasticIp, Instance, InternetGateway, NetworkAcl,
    NetworkInterface, Route, RouteTable, SecurityGroup, SgRule, Subnet, Topology, Vpc,
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
    skipped("EgressOnlyInternetGateways", "EgressOnlyInternetGatewayId", "egress-only internet gateways"),
    skipped("NatGateways", "NatGatewayId", "NAT gateways"),
    skipped("VpcPeeringConnections", "VpcPeeringConnectionId", "VPC peering connections"),
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
    /// Interfaces skipped because a managed component owns them: id to that component.
    managed: BTreeMap<String, &'static str>,
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
    t.route_tables = s.items("RouteTables").filter_map(|x| route_table(x, is)).collect();
    t.internet_gateways = s.items("InternetGateways").filter_map(|x| internet_gateway(x, is)).collect();
    infer_internet_gateways(&mut t, s, is);
    t.instances = s.instances.values().filter_map(|x| instance(x, is)).collect();
    k.instances = t.instances.iter().map(|x| x.id.clone()).collect();
    t.network_interfaces = interfaces(s, &mut k, is);
    keep_connected_instances(&mut t, s, &mut k, is);
    t.elastic_ips = s.items("Addresses").filter_map(|x| elastic_ip(x, &k, is)).collect();
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
    Some(Vpc { id: x.id.clone(), name: cx.name_tag(x.v), cidr_blocks: blocks })
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
        map_public_ip_on_launch: map_public,
    })
}

/// `Main: true` makes the main table; `SubnetId` is an explicit association. Gateway
/// (edge) associations are not in the format.
fn route_table(x: &Item<'_>, is: &mut Issues) -> Option<RouteTable> {
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
        cx.list(x.v, "", "Routes").iter().enumerate().filter_map(|(i, r)| route(&mut cx, i, r)).collect();
    Some(RouteTable {
        id: x.id.clone(),
        name: cx.name_tag(x.v),
        vpc: vpc.to_string(),
        main,
        associations: associations.into_iter().collect(),
        routes,
    })
}

/// Route target fields of `describe-route-tables` other than `GatewayId`, with the
/// component each names. None of them is in the format yet.
const UNMODELLED_TARGETS: &[(&str, &str)] = &[
    ("NatGatewayId", "NAT gateway"),
    ("InstanceId", "instance"),
    ("NetworkInterfaceId", "network interface"),
    ("VpcPeeringConnectionId", "VPC peering connection"),
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
/// internet gateway are kept; every other target or destination kind is warned about.
fn route(cx: &mut Cx<'_, '_>, i: usize, r: &Value) -> Option<Route> {
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
    let unmodelled = match gateway {
        Some(g) if g.starts_with("igw-") => None,
        Some(g) => Some(("GatewayId", gateway_kind(g), g)),
        None => {
            let found = UNMODELLED_TARGETS
                .iter()
                .find_map(|(k, kind)| cx.opt_str(r, &path, k).map(|id| (*k, *kind, id)));
            if found.is_none() {
                cx.warn(path, format!("route to {shown} has no target vpclab knows; skipped"));
                return None;
            }
            found
        }
    };
    if let Some((key, kind, id)) = unmodelled {
        cx.warn(
            join(&path, key),
            format!("route to {shown} via {kind} {id} skipped: {kind}s are not modelled yet"),
        );
        return None;
    }
    let target = gateway?;
    match (dest_v4, dest_v6, dest_pl) {
        (Some(d), ..) => {
            let destination = cx.cidr(join(&path, "DestinationCidrBlock"), d, "route")?;
            // AWS keeps a route whose target was deleted, in state blackhole.
            let blackhole = cx.opt_str(r, &path, "State") == Some("blackhole");
            Some(Route { destination, target: target.to_string(), blackhole })
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
        "nat_gateway" => "a NAT gateway",
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
    if let Some(kind) = cx.opt_str(v, path, "InterfaceType").filter(|t| *t != "interface") {
        let owner = interface_owner(kind);
        k.managed.insert(id.to_string(), owner);
        let msg = format!("the interface (type {kind}) is part of {owner}, not modelled yet; skipped");
        cx.warn(join(path, "InterfaceType"), msg);
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

/// An Elastic IP and the private address it maps to. One associated with an interface
/// that was not imported (a NAT gateway's, say) is skipped with it.
fn elastic_ip(x: &Item<'_>, k: &Known, is: &mut Issues) -> Option<ElasticIp> {
    let mut cx = x.cx(is);
    let public = cx.req_str(x.v, "", "PublicIp", "Elastic IP")?;
    let public_ip = cx.ipv4("PublicIp".into(), public, "Elastic IP")?;
    let association = match cx.opt_str(x.v, "", "NetworkInterfaceId") {
        None => None,
        Some(eni) if k.interfaces.contains(eni) => {
            let private_ip = match cx.opt_str(x.v, "", "PrivateIpAddress") {
                Some(p) => Some(cx.ipv4("PrivateIpAddress".into(), p, "Elastic IP")?),
                None => None,
            };
            Some(EipAssociation { network_interface: eni.to_string(), private_ip })
        }
        Some(eni) => {
            let msg = match k.managed.get(eni) {
                Some(owner) => format!(
                    "associated with interface {eni}, which is part of {owner}, not modelled yet; skipped"
                ),
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
                Some(v) if v == vpc => out.push(rule(id.to_string(), description)),
                Some(v) => {
                    let msg = format!("rule referencing security group {id} of VPC {v} skipped: references across VPCs need VPC peering, which is not modelled yet");
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
                json!({"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1"}),
                "NatGatewayId",
                "NAT gateway",
            ),
            (
                json!({"DestinationCidrBlock": "0.0.0.0/0", "NetworkInterfaceId": "eni-1"}),
                "NetworkInterfaceId",
                "network interface",
            ),
            (
                json!({"DestinationCidrBlock": "0.0.0.0/0", "InstanceId": "i-1", "NetworkInterfaceId": "eni-1"}),
                "InstanceId",
                "instance",
            ),
            (
                json!({"DestinationCidrBlock": "10.9.0.0/16", "VpcPeeringConnectionId": "pcx-1"}),
                "VpcPeeringConnectionId",
                "VPC peering connection",
            ),
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
        assert!(i.message.contains("is part of a NAT gateway, not modelled yet"), "{}", i.message);
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
            "NatGateways": [{"NatGatewayId": "nat-1"}, {"NatGatewayId": "nat-2"}],
            "VpcPeeringConnections": [{"VpcPeeringConnectionId": "pcx-1"}],
            "TransitGateways": [{"TransitGatewayId": "tgw-1"}],
            "LoadBalancers": [{"LoadBalancerArn": "arn:lb"}],
            "AvailabilityZones": [{"ZoneName": "us-east-1a"}],
            "DBInstances": [{"DBInstanceIdentifier": "db"}]}));
        assert_eq!(t.vpcs.len(), 1);
        let objects: Vec<&str> = issues.iter().map(|i| i.object.as_str()).collect();
        assert_eq!(objects, vec!["nat-1", "nat-2", "pcx-1", "tgw-1", "arn:lb"]);
        let i = issue(&issues, "nat-1", "NatGateways");
        assert_eq!(i.message, "NAT gateways are not modelled yet; skipped");
        assert!(issues.iter().all(|i| i.severity == Severity::Warning));
    }

    #[test]
    fn objects_seen_in_several_files_are_merged_by_id_first_wins() {
        let mut renamed = vpc_json();
        renamed["Tags"] = tags("second");
        let a = json!({"Vpcs": [vpc_json()], "VpcPeeringConnections": [{"VpcPeeringConnectionId": "pcx-1"}]});
        let b = json!({"Vpcs": [renamed, {"VpcId": "vpc-0", "CidrBlock": "10.9.0.0/16"}],
                       "VpcPeeringConnections": [{"VpcPeeringConnectionId": "pcx-1"}]});
        let (t, issues) = run_files(&[
            file("accounts/1/us-east-1/Vpcs.json", &a),
            file("accounts/2/us-east-1/Vpcs.json", &b),
        ]);
        let ids: Vec<&str> = t.vpcs.iter().map(|v| v.id.as_str()).collect();
        assert_eq!(ids, vec!["vpc-0", "vpc-1"], "sorted by id, no duplicate");
        assert_eq!(t.vpcs[1].name.as_deref(), Some("main"), "the first file wins");
        assert_eq!(issues.len(), 1, "one warning for the peering connection seen twice: {issues:#?}");
        assert_eq!(issues[0].file, "accounts/1/us-east-1/Vpcs.json");
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
