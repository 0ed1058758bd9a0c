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
//!   model yet (Direct Connect, Gateway Load Balancers, VPN on a transit gateway, …); it is
//!   skipped too.
//!
//! [`ImportError`] is only for "nothing usable at all": no file is JSON, or none holds a key
//! of the layout. The result is deterministic: every list is sorted by id.

use ipnet::IpNet;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::diagnostic::Severity;
use crate::packet::{PortRange, Protocol};
use crate::topology::{
    AclAction, AclEntry, Attachment, Connectivity, CustomerGateway, EgressOnlyInternetGateway,
    EipAssociation, ElasticIp, Instance, InstanceState, InternetGateway, Listener, LoadBalancer,
    LoadBalancerNode, NatGateway, NetworkAcl, NetworkInterface, PrefixList, Route, RouteDestination,
    RouteTable, SecurityGroup, SgRule, Subnet, TargetGroup, TargetSpec, Topology, TransitGateway,
    TransitGatewayAttachment, TransitGatewayRoute, TransitGatewayRouteTable, Vpc, VpcEndpoint,
    VpcPeeringConnection, VpnConnection, VpnGateway,
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
    /// Not usable on its own: one warning per object. The text is the whole message.
    Unusable(&'static str),
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

const fn unusable(key: &'static str, id: &'static str, message: &'static str) -> KeySpec {
    KeySpec { key, id, fate: Fate::Unusable(message) }
}

/// The layout's keys (README of the snapshots; Batfish's `aws` representation), plus the
/// Direct Connect keys Batfish snapshots carry and `TargetGroupAttributes`, a wrapper of
/// `aws elbv2 describe-target-group-attributes` shaped like `LoadBalancerAttributes`
/// (`{"TargetGroupArn": …, "Attributes": […]}`).
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
    modelled("EgressOnlyInternetGateways", "EgressOnlyInternetGatewayId"),
    modelled("TransitGateways", "TransitGatewayId"),
    modelled("TransitGatewayAttachments", "TransitGatewayAttachmentId"),
    modelled("TransitGatewayVpcAttachments", "TransitGatewayAttachmentId"),
    modelled("TransitGatewayRouteTables", "TransitGatewayRouteTableId"),
    modelled("TransitGatewayPropagations", "TransitGatewayRouteTableId"),
    modelled("TransitGatewayStaticRoutes", "TransitGatewayRouteTableId"),
    modelled("VpcEndpoints", "VpcEndpointId"),
    modelled("PrefixLists", "PrefixListId"),
    modelled("VpnGateways", "VpnGatewayId"),
    modelled("CustomerGateways", "CustomerGatewayId"),
    modelled("VpnConnections", "VpnConnectionId"),
    modelled("LoadBalancers", "LoadBalancerArn"),
    modelled("TargetGroups", "TargetGroupArn"),
    modelled("LoadBalancerListeners", "LoadBalancerArn"),
    modelled("LoadBalancerTargetHealth", "TargetGroupArn"),
    modelled("LoadBalancerAttributes", "LoadBalancerArn"),
    modelled("TargetGroupAttributes", "TargetGroupArn"),
    modelled("Listeners", "ListenerArn"),
    unusable(
        "TargetHealthDescriptions",
        "Target.Id",
        "target health without its target group (only usable inside the LoadBalancerTargetHealth wrapper); skipped",
    ),
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

    /// An `enable` / `disable` option (a transit gateway's `Options`); `None` when absent or
    /// unreadable, and the caller then uses AWS's default.
    fn opt_enable(&mut self, v: &Value, path: &str, key: &str) -> Option<bool> {
        match self.opt_str(v, path, key)? {
            "enable" => Some(true),
            "disable" => Some(false),
            other => {
                let msg = format!("{other:?} is neither enable nor disable; AWS's default is used");
                self.error(join(path, key), msg);
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

    fn ipv6(&mut self, field: String, s: &str, what: &str) -> Option<Ipv6Addr> {
        match s.trim().parse::<Ipv6Addr>() {
            Ok(a) => Some(a),
            Err(_) => {
                self.error(field, format!("{s:?} is not an IPv6 address; {what} skipped"));
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

    /// A port, 1-65535; `Ok(None)` when absent, an error naming `what` (skipped) when not a port.
    fn port(&mut self, v: &Value, path: &str, key: &str, what: &str) -> Result<Option<u16>, ()> {
        match v.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(n) => match n.as_u64().and_then(|p| u16::try_from(p).ok()).filter(|p| *p > 0) {
                Some(p) => Ok(Some(p)),
                None => {
                    self.error(join(path, key), format!("{n} is not a port; {what} skipped"));
                    Err(())
                }
            },
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
        (_, Fate::Skipped(_) | Fate::Unusable(_)) => Some(at.to_string()),
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
    /// The IPv6 block of each subnet imported, if it has one.
    subnet_ipv6: BTreeMap<String, Option<IpNet>>,
    /// Egress-only internet gateways imported: id to VPC id.
    eigws: BTreeMap<String, String>,
    /// Transit gateways imported.
    transit_gateways: BTreeSet<String>,
    /// Transit gateway attachments imported.
    tgw_attachments: BTreeSet<String>,
    /// (transit gateway, VPC) of each attachment imported: a VPC routes to a transit gateway
    /// it is attached to.
    tgw_attached: BTreeSet<(String, String)>,
    /// Pairs of VPCs (in order) attached to one transit gateway with security group
    /// referencing on: inbound rules may reference each other's groups.
    tgw_referencing: BTreeSet<(String, String)>,
    /// Prefix lists imported.
    prefix_lists: BTreeSet<String>,
    /// VPC endpoints imported.
    endpoints: BTreeSet<String>,
    /// Interfaces that an imported component places itself (a load balancer's nodes, an
    /// interface endpoint's interfaces): id to why, as in [`Known::managed`].
    placed: BTreeMap<String, String>,
    /// Virtual private gateways imported, with the VPC each is attached to.
    vgws: BTreeMap<String, Option<String>>,
    /// The on-premises blocks of the VPN connections imported, by virtual private gateway.
    vpn_routes: BTreeMap<String, BTreeSet<IpNet>>,
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
    t.subnets = s.items("Subnets").filter_map(|x| subnet(x, &t.vpcs, is)).collect();
    k.subnet_ipv6 = t.subnets.iter().map(|x| (x.id.clone(), x.ipv6_cidr_block)).collect();
    t.internet_gateways = s.items("InternetGateways").filter_map(|x| internet_gateway(x, is)).collect();
    infer_internet_gateways(&mut t, s, is);
    t.egress_only_internet_gateways = egress_only_gateways(s, &t, is);
    k.eigws = t.egress_only_internet_gateways.iter().map(|g| (g.id.clone(), g.vpc.clone())).collect();
    t.vpc_peering_connections = peerings(s, &t, is);
    k.peerings = t.vpc_peering_connections.iter().map(|p| p.id.clone()).collect();
    k.peered = t
        .vpc_peering_connections
        .iter()
        .filter(|p| p.status == "active")
        .map(|p| pair(&p.requester_vpc, &p.accepter_vpc))
        .collect();
    transit_gateways(s, &mut t, &mut k, is);
    t.prefix_lists = s.items("PrefixLists").filter_map(|x| prefix_list(x, is)).collect();
    k.prefix_lists = t.prefix_lists.iter().map(|p| p.id.clone()).collect();
    t.vpc_endpoints = s.items("VpcEndpoints").filter_map(|x| vpc_endpoint(x, s, &t, &mut k, is)).collect();
    k.endpoints = t.vpc_endpoints.iter().map(|e| e.id.clone()).collect();
    vpn(s, &mut t, &mut k, is);
    let elb_ids = elb_ids(s);
    t.load_balancers =
        s.items("LoadBalancers").filter_map(|x| load_balancer(x, s, &t, &elb_ids, &mut k, is)).collect();
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
    t.target_groups =
        s.items("TargetGroups").filter_map(|x| target_group(x, s, &t, &elb_ids, &k, is)).collect();
    listeners(s, &mut t, &elb_ids, is);
    elb_orphans(s, is);
    t.load_balancers.sort_by(|a, b| a.id.cmp(&b.id));
    t.target_groups.sort_by(|a, b| a.id.cmp(&b.id));
    t.elastic_ips = s.items("Addresses").filter_map(|x| elastic_ip(x, &k, is)).collect();
    nat_elastic_ips(&mut t, s, &nat_publics, is);
    k.nat_gateways = t.nat_gateways.iter().map(|n| n.id.clone()).collect();
    t.route_tables = s.items("RouteTables").filter_map(|x| route_table(x, &k, is)).collect();
    t.security_groups = s.items("SecurityGroups").filter_map(|x| security_group(x, &k, is)).collect();
    t.network_acls = s.items("NetworkAcls").filter_map(|x| network_acl(x, is)).collect();
    for spec in KEYS {
        let message = match spec.fate {
            Fate::Modelled => continue,
            Fate::Skipped(noun) => format!("{noun} are not modelled yet; skipped"),
            Fate::Unusable(message) => message.to_string(),
        };
        for x in s.items(spec.key) {
            let at = x.at.split('[').next().unwrap_or_default();
            is.push(Severity::Warning, x.file, &x.id, at.to_string(), message.clone());
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
/// the primary `CidrBlock` first, as the topology expects. Then the IPv6 block, if any.
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
    let ipv6_cidr_block = ipv6_block(&mut cx, x.v, "VPC");
    // describe-vpcs does not say the Region: the snapshot's is the topology's.
    Some(Vpc { id: x.id.clone(), name: cx.name_tag(x.v), cidr_blocks: blocks, ipv6_cidr_block, region: None })
}

/// The associated IPv6 block of a VPC or subnet (`Ipv6CidrBlockAssociationSet`). The format
/// holds one per VPC (AWS allows several): further ones are warned about.
fn ipv6_block(cx: &mut Cx<'_, '_>, v: &Value, what: &str) -> Option<IpNet> {
    const KEY: &str = "Ipv6CidrBlockAssociationSet";
    let mut found: Option<IpNet> = None;
    for (i, a) in cx.list(v, "", KEY).iter().enumerate() {
        let path = format!("{KEY}[{i}]");
        let state = a.get("Ipv6CidrBlockState").and_then(|s| s.get("State")).and_then(Value::as_str);
        if state.is_some_and(|s| s != "associated") {
            continue;
        }
        let Some(c) = cx.req_str(a, &path, "Ipv6CidrBlock", "IPv6 block") else { continue };
        let field = join(&path, "Ipv6CidrBlock");
        let Some(c) = cx.cidr(field.clone(), c, "IPv6 block") else { continue };
        if !matches!(c, IpNet::V6(_)) {
            cx.error(field, format!("{c} is not an IPv6 block; skipped"));
            continue;
        }
        match found {
            None => found = Some(c),
            Some(first) => {
                let msg = format!("a {what} has one IPv6 block in vpclab: {first} is kept, {c} skipped");
                cx.warn(field, msg);
            }
        }
    }
    found
}

/// A subnet, with its IPv6 block when its VPC's was imported.
fn subnet(x: &Item<'_>, vpcs: &[Vpc], is: &mut Issues) -> Option<Subnet> {
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
    let mut ipv6_cidr_block = ipv6_block(&mut cx, x.v, "subnet");
    if let Some(c) = ipv6_cidr_block {
        let vpc_block = vpcs.iter().find(|v| v.id == vpc).map(|v| v.ipv6_cidr_block);
        if vpc_block.is_some_and(|b| !b.is_some_and(|b| b.contains(&c))) {
            let msg = format!(
                "{c} is not inside the IPv6 block imported for VPC {vpc}; the subnet is imported without it"
            );
            cx.warn("Ipv6CidrBlockAssociationSet", msg);
            ipv6_cidr_block = None;
        }
    }
    Some(Subnet {
        id: x.id.clone(),
        name: cx.name_tag(x.v),
        vpc: vpc.to_string(),
        availability_zone: az.to_string(),
        cidr_block: cidr,
        ipv6_cidr_block,
        map_public_ip_on_launch: map_public,
        planned_hosts: None,
    })
}

/// `Main: true` makes the main table; `SubnetId` is an explicit association. Gateway
/// (edge) associations are not in the format. `PropagatingVgws` are the virtual private
/// gateways that propagate their VPN connections' routes here.
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
    let mut propagating = BTreeSet::new();
    for (i, p) in cx.list(x.v, "", "PropagatingVgws").iter().enumerate() {
        let path = format!("PropagatingVgws[{i}]");
        let Some(g) = cx.req_str(p, &path, "GatewayId", "propagation") else { continue };
        let why = match k.vgws.get(g) {
            None => "the virtual private gateway was not imported".to_string(),
            Some(Some(v)) if v == vpc => {
                propagating.insert(g.to_string());
                continue;
            }
            Some(Some(v)) => format!("the virtual private gateway is attached to {v}"),
            Some(None) => "the virtual private gateway is not attached to a VPC".to_string(),
        };
        cx.warn(join(&path, "GatewayId"), format!("route propagation from {g} skipped: {why}"));
    }
    let routes = cx
        .list(x.v, "", "Routes")
        .iter()
        .enumerate()
        .filter_map(|(i, r)| route(&mut cx, i, r, vpc, &propagating, k))
        .collect();
    Some(RouteTable {
        id: x.id.clone(),
        name: cx.name_tag(x.v),
        vpc: vpc.to_string(),
        main,
        associations: associations.into_iter().collect(),
        routes,
        propagating_gateways: propagating.into_iter().collect(),
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
    ("TransitGatewayId", "transit gateway"),
    ("EgressOnlyInternetGatewayId", "egress-only internet gateway"),
];

/// Route target fields that are not in the format yet, with the component each names.
const UNMODELLED_TARGETS: &[(&str, &str)] = &[
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

/// One route, IPv4 or IPv6. The implicit `local` routes are dropped (the model adds them), and
/// so are a gateway endpoint's prefix-list routes (the model adds them from the endpoint) and
/// the routes a virtual private gateway propagates from the static routes of its VPN
/// connections (the model adds them from the connections); routes to an internet gateway, an
/// egress-only one, a virtual private gateway, a NAT gateway, an interface, an instance, a
/// peering connection or a transit gateway are kept; every other target or destination kind is
/// warned about. A propagated route the connections do not explain (learned over BGP or Direct
/// Connect) is kept as a static route, with a warning.
fn route(
    cx: &mut Cx<'_, '_>,
    i: usize,
    r: &Value,
    vpc: &str,
    propagating: &BTreeSet<String>,
    k: &Known,
) -> Option<Route> {
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
        Some(g) if g.starts_with("vpce-") && dest_pl.is_some() && k.endpoints.contains(g) => return None,
        Some(g) if g.starts_with("vpce-") && dest_pl.is_some() => {
            let msg = format!("route to {shown} via gateway VPC endpoint {g} skipped: the endpoint was not imported, and the model derives these routes from it");
            cx.warn(join(&path, "GatewayId"), msg);
            return None;
        }
        Some(g) if g.starts_with("igw-") => ("GatewayId", "internet gateway", g),
        Some(g) if g.starts_with("vgw-") => ("GatewayId", "virtual private gateway", g),
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
    let (dest_key, d) = match (dest_v4, dest_v6, dest_pl) {
        (Some(d), ..) => ("DestinationCidrBlock", d),
        (None, Some(d), _) => ("DestinationIpv6CidrBlock", d),
        (None, None, Some(pl)) if k.prefix_lists.contains(pl) => ("DestinationPrefixListId", pl),
        (None, None, Some(pl)) => {
            let msg = format!("route to prefix list {pl} via {target} skipped: the list is not in the snapshot's PrefixLists (customer-managed prefix lists need `aws ec2 get-managed-prefix-list-entries`)");
            cx.warn(join(&path, "DestinationPrefixListId"), msg);
            return None;
        }
        (None, None, None) => {
            cx.error(path, "the route has no destination; skipped");
            return None;
        }
    };
    let destination = if dest_key == "DestinationPrefixListId" {
        RouteDestination::PrefixList(d.to_string())
    } else {
        RouteDestination::Cidr(cx.cidr(join(&path, dest_key), d, "route")?)
    };
    if cx.opt_str(r, &path, "Origin") == Some("EnableVgwRoutePropagation") {
        let explained = propagating.contains(target)
            && matches!(&destination, RouteDestination::Cidr(c) if k.vpn_routes.get(target).is_some_and(|routes| routes.contains(c)));
        if explained {
            return None;
        }
        if k.vgws.get(target).is_some_and(|v| v.as_deref() == Some(vpc)) {
            let msg = format!("route to {d} propagated by {target} is not among the static routes of its VPN connections imported (learned over BGP or Direct Connect?); imported as a static route");
            cx.warn(join(&path, "Origin"), msg);
        }
    }
    // AWS keeps a route whose target was deleted, in state blackhole.
    let mut blackhole = cx.opt_str(r, &path, "State") == Some("blackhole");
    let (target, missing) = route_target(cx, &join(&path, key), key, target, vpc, k);
    if let Some(why) = missing.filter(|_| !blackhole) {
        let msg = format!("route to {d} via {kind} {target} imported as blackhole: {why}");
        cx.warn(join(&path, key), msg);
        blackhole = true;
    }
    Some(Route { destination, target, blackhole })
}

/// A route target as the topology names it, and why it is not in the imported topology, if
/// it is not: the route then drops traffic, as a dangling reference would.
fn route_target(
    cx: &mut Cx<'_, '_>,
    field: &str,
    key: &str,
    id: &str,
    vpc: &str,
    k: &Known,
) -> (String, Option<String>) {
    let missing = match key {
        "TransitGatewayId" if !k.transit_gateways.contains(id) => {
            Some("the transit gateway was not imported".to_string())
        }
        "TransitGatewayId" if !k.tgw_attached.contains(&(id.to_string(), vpc.to_string())) => {
            Some(format!("VPC {vpc} has no attachment to it that was imported"))
        }
        "EgressOnlyInternetGatewayId" => match k.eigws.get(id) {
            None => Some("the egress-only internet gateway was not imported".to_string()),
            Some(v) if v != vpc => Some(format!("the egress-only internet gateway is attached to {v}")),
            Some(_) => None,
        },
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
        "GatewayId" if id.starts_with("vgw-") => match k.vgws.get(id) {
            None => Some("the virtual private gateway was not imported".to_string()),
            Some(Some(v)) if v == vpc => None,
            Some(Some(v)) => Some(format!("the virtual private gateway is attached to {v}")),
            Some(None) => Some("the virtual private gateway is not attached to a VPC".to_string()),
        },
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
            if r.get("DestinationCidrBlock").is_none() && r.get("DestinationIpv6CidrBlock").is_none() {
                continue; // not imported: prefix-list routes
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

/// Egress-only internet gateways attached to a VPC of the snapshot. The format needs the VPC,
/// so a detached one is skipped; AWS allows one per VPC, and so does the model.
fn egress_only_gateways(s: &Snapshot<'_>, t: &Topology, is: &mut Issues) -> Vec<EgressOnlyInternetGateway> {
    let mut by_vpc: BTreeMap<String, String> = BTreeMap::new();
    let mut out = Vec::new();
    for x in s.items("EgressOnlyInternetGateways") {
        let mut cx = x.cx(is);
        let vpc = cx.list(x.v, "", "Attachments").first().and_then(|a| {
            let state = cx.opt_str(a, "Attachments[0]", "State");
            let vpc = cx.opt_str(a, "Attachments[0]", "VpcId");
            vpc.filter(|_| matches!(state, None | Some("attached" | "available"))).map(str::to_string)
        });
        let Some(vpc) = vpc else {
            cx.warn("Attachments", "the egress-only internet gateway is not attached to a VPC; skipped");
            continue;
        };
        if !t.vpcs.iter().any(|v| v.id == vpc) {
            let msg = format!("VPC {vpc} was not imported; egress-only internet gateway skipped");
            cx.warn("Attachments[0].VpcId", msg);
            continue;
        }
        if let Some(other) = by_vpc.get(&vpc) {
            let msg = format!("VPC {vpc} already has egress-only internet gateway {other}; skipped");
            cx.warn("Attachments[0].VpcId", msg);
            continue;
        }
        by_vpc.insert(vpc.clone(), x.id.clone());
        out.push(EgressOnlyInternetGateway { id: x.id.clone(), name: cx.name_tag(x.v), vpc });
    }
    out
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

/// Whether a VPN component is gone or going (`deleting`, `deleted`); `pending` and
/// `available` ones are imported.
fn vpn_gone(state: Option<&str>) -> bool {
    matches!(state, Some("deleting" | "deleted"))
}

/// Virtual private gateways (attached to a VPC of the snapshot, or detached), customer gateways
/// with a public IPv4 address, and the VPN connections between the two with their static routes
/// in state `available`: the on-premises networks. A connection to a transit gateway is not
/// modelled yet. The format has no tunnel state: a connection whose tunnels are all `DOWN` is
/// imported as configured, with a warning. One with dynamic routing (BGP, `StaticRoutesOnly`
/// false) has no static routes, and the prefixes it learns are not in the snapshot: it is
/// imported with empty `bgp_routes`, with a warning on `Options.StaticRoutesOnly`. A static
/// route that overlaps a VPC is skipped: the model could not tell the two apart (AWS would
/// prefer the VPC's local route).
fn vpn(s: &Snapshot<'_>, t: &mut Topology, k: &mut Known, is: &mut Issues) {
    for x in s.items("VpnGateways") {
        let mut cx = x.cx(is);
        if let Some(state) = cx.opt_str(x.v, "", "State").filter(|s| vpn_gone(Some(s))) {
            cx.warn("State", format!("the virtual private gateway is {state}; skipped"));
            continue;
        }
        let mut vpc = None;
        for (i, a) in cx.list(x.v, "", "VpcAttachments").iter().enumerate() {
            let path = format!("VpcAttachments[{i}]");
            if !matches!(cx.opt_str(a, &path, "State"), None | Some("attached")) {
                continue; // attaching, detaching, detached
            }
            let Some(v) = cx.req_str(a, &path, "VpcId", "attachment") else { continue };
            if t.vpcs.iter().any(|x| x.id == v) {
                vpc = Some(v.to_string());
            } else {
                let msg =
                    format!("VPC {v} was not imported; the virtual private gateway is imported detached");
                cx.warn(join(&path, "VpcId"), msg);
            }
            break; // a gateway is attached to one VPC at a time
        }
        t.vpn_gateways.push(VpnGateway { id: x.id.clone(), name: cx.name_tag(x.v), vpc });
    }
    k.vgws = t.vpn_gateways.iter().map(|g| (g.id.clone(), g.vpc.clone())).collect();
    for x in s.items("CustomerGateways") {
        let mut cx = x.cx(is);
        if let Some(state) = cx.opt_str(x.v, "", "State").filter(|s| vpn_gone(Some(s))) {
            cx.warn("State", format!("the customer gateway is {state}; skipped"));
            continue;
        }
        let Some(ip) = cx.opt_str(x.v, "", "IpAddress") else {
            let msg = "the customer gateway has no IP address (a certificate-based one?), which vpclab needs; skipped";
            cx.warn("IpAddress", msg);
            continue;
        };
        if ip.trim().parse::<Ipv6Addr>().is_ok() {
            cx.warn("IpAddress", "customer gateways with an IPv6 address are not modelled yet; skipped");
            continue;
        }
        let Some(ip_address) = cx.ipv4("IpAddress".into(), ip, "customer gateway") else { continue };
        t.customer_gateways.push(CustomerGateway { id: x.id.clone(), name: cx.name_tag(x.v), ip_address });
    }
    for x in s.items("VpnConnections") {
        if let Some(c) = vpn_connection(x, t, k, is) {
            k.vpn_routes.entry(c.vpn_gateway.clone()).or_default().extend(c.routes.iter().copied());
            t.vpn_connections.push(c);
        }
    }
}

/// One VPN connection to a virtual private gateway; see [`vpn`].
fn vpn_connection(x: &Item<'_>, t: &Topology, k: &Known, is: &mut Issues) -> Option<VpnConnection> {
    let mut cx = x.cx(is);
    if let Some(state) = cx.opt_str(x.v, "", "State").filter(|s| vpn_gone(Some(s))) {
        cx.warn("State", format!("the VPN connection is {state}; skipped"));
        return None;
    }
    if let Some(tgw) = cx.opt_str(x.v, "", "TransitGatewayId") {
        let msg = format!("VPN connections to a transit gateway ({tgw}) are not modelled yet; skipped");
        cx.warn("TransitGatewayId", msg);
        return None;
    }
    let Some(vgw) = cx.opt_str(x.v, "", "VpnGatewayId") else {
        let msg = match x.v.get("CoreNetworkArn") {
            Some(_) => "VPN connections to a Cloud WAN core network are not modelled yet; skipped",
            None => "the VPN connection names no virtual private gateway; skipped",
        };
        cx.warn("VpnGatewayId", msg);
        return None;
    };
    if !k.vgws.contains_key(vgw) {
        let msg = format!("virtual private gateway {vgw} was not imported; VPN connection skipped");
        cx.warn("VpnGatewayId", msg);
        return None;
    }
    let cgw = cx.req_str(x.v, "", "CustomerGatewayId", "VPN connection")?;
    if !t.customer_gateways.iter().any(|g| g.id == cgw) {
        let msg = format!("customer gateway {cgw} was not imported; VPN connection skipped");
        cx.warn("CustomerGatewayId", msg);
        return None;
    }
    let mut routes: Vec<IpNet> = Vec::new();
    for (i, r) in cx.list(x.v, "", "Routes").iter().enumerate() {
        let path = format!("Routes[{i}]");
        if cx.opt_str(r, &path, "State").is_some_and(|s| s != "available") {
            continue; // pending, deleting, deleted
        }
        let Some(d) = cx.req_str(r, &path, "DestinationCidrBlock", "route") else { continue };
        let field = join(&path, "DestinationCidrBlock");
        let Some(c) = cx.cidr(field.clone(), d, "route") else { continue };
        if c.trunc() != c {
            cx.warn(field, format!("{c} has host bits set, which AWS refuses; route skipped"));
            continue;
        }
        let clash = t
            .vpcs
            .iter()
            .find(|v| v.cidr_blocks.iter().chain(&v.ipv6_cidr_block).any(|b| crate::cidr::overlaps(*b, c)));
        if let Some(v) = clash {
            let msg = format!(
                "on-premises network {c} overlaps VPC {}: vpclab cannot tell the two apart; route skipped",
                v.id
            );
            cx.warn(field, msg);
            continue;
        }
        if !routes.contains(&c) {
            routes.push(c);
        }
    }
    let options = x.v.get("Options").filter(|o| !o.is_null());
    if options.and_then(|o| cx.opt_bool(o, "Options", "StaticRoutesOnly")) == Some(false) {
        let msg = "dynamic routing (BGP): the prefixes the customer gateway advertises are not in describe-vpn-connections, so the connection is imported with its static routes only and empty bgp_routes (add the advertised prefixes there to model them)";
        cx.warn("Options.StaticRoutesOnly", msg);
    }
    let tunnels = cx.list(x.v, "", "VgwTelemetry");
    if !tunnels.is_empty() && tunnels.iter().all(|u| u.get("Status").and_then(Value::as_str) == Some("DOWN"))
    {
        let msg = "every tunnel is DOWN: AWS carries no traffic over the connection now; it is imported as configured";
        cx.warn("VgwTelemetry", msg);
    }
    Some(VpnConnection {
        id: x.id.clone(),
        name: cx.name_tag(x.v),
        vpn_gateway: vgw.to_string(),
        customer_gateway: cgw.to_string(),
        routes,
        bgp_routes: Vec::new(),
    })
}

/// An AWS-managed prefix list (`describe-prefix-lists`): a service's address ranges.
fn prefix_list(x: &Item<'_>, is: &mut Issues) -> Option<PrefixList> {
    let mut cx = x.cx(is);
    let name = cx.req_str(x.v, "", "PrefixListName", "prefix list")?;
    let mut cidrs = Vec::new();
    for (i, c) in cx.list(x.v, "", "Cidrs").iter().enumerate() {
        let field = format!("Cidrs[{i}]");
        let Some(c) = c.as_str() else {
            cx.wrong_type(field, "a string", c);
            continue;
        };
        if let Some(c) = cx.cidr(field, c, "block") {
            if !cidrs.contains(&c) {
                cidrs.push(c);
            }
        }
    }
    Some(PrefixList { id: x.id.clone(), name: name.to_string(), cidrs })
}

/// A gateway endpoint (S3, DynamoDB) of a VPC of the snapshot and the route tables of that VPC
/// it adds its prefix list's routes to, or an interface endpoint (see [`interface_endpoint`]).
/// Gateway Load Balancer endpoints are not modelled yet.
fn vpc_endpoint(
    x: &Item<'_>,
    s: &Snapshot<'_>,
    t: &Topology,
    k: &mut Known,
    is: &mut Issues,
) -> Option<VpcEndpoint> {
    let mut cx = x.cx(is);
    let interface = match cx.opt_str(x.v, "", "VpcEndpointType") {
        None | Some("Gateway") => false,
        Some("Interface") => true,
        Some(other) => {
            let kind = match other {
                "GatewayLoadBalancer" => "Gateway Load Balancer".to_string(),
                _ => other.to_ascii_lowercase(),
            };
            let msg = format!("{kind} VPC endpoints are not modelled yet; skipped");
            cx.warn("VpcEndpointType", msg);
            return None;
        }
    };
    let state = cx.opt_str(x.v, "", "State");
    if let Some(state) = state.filter(|s| !matches!(s.to_ascii_lowercase().as_str(), "available" | "pending"))
    {
        cx.warn("State", format!("the endpoint is {state}; skipped"));
        return None;
    }
    let vpc = cx.req_str(x.v, "", "VpcId", "endpoint")?;
    let service = cx.req_str(x.v, "", "ServiceName", "endpoint")?;
    if !t.vpcs.iter().any(|v| v.id == vpc) {
        cx.warn("VpcId", format!("VPC {vpc} was not imported; endpoint skipped"));
        return None;
    }
    if interface {
        return interface_endpoint(x, &mut cx, vpc, service, t, k);
    }
    let short = service.rsplit('.').next().unwrap_or_default().to_ascii_lowercase();
    if short != "s3" && short != "dynamodb" {
        let msg = format!("gateway endpoints exist for S3 and DynamoDB only, not {service}; skipped");
        cx.warn("ServiceName", msg);
        return None;
    }
    let mut route_tables = BTreeSet::new();
    for (i, r) in cx.list(x.v, "", "RouteTableIds").iter().enumerate() {
        let field = format!("RouteTableIds[{i}]");
        let Some(r) = r.as_str() else {
            cx.wrong_type(field, "a string", r);
            continue;
        };
        // A route table is imported exactly when it names its VPC.
        match s.get("RouteTables", r).and_then(|x| x.v.get("VpcId")).and_then(Value::as_str) {
            Some(v) if v == vpc => {
                route_tables.insert(r.to_string());
            }
            Some(v) => cx.warn(field, format!("route table {r} is in VPC {v}, not the endpoint's; skipped")),
            None => cx.warn(field, format!("route table {r} was not imported; skipped")),
        }
    }
    Some(VpcEndpoint {
        id: x.id.clone(),
        name: cx.name_tag(x.v),
        vpc: vpc.to_string(),
        service: service.to_string(),
        endpoint_type: "gateway".to_string(),
        route_tables: route_tables.into_iter().collect(),
        subnets: Vec::new(),
        security_groups: Vec::new(),
    })
}

/// An interface endpoint: its subnets (one per Availability Zone) and security groups. Its
/// network interfaces are the model's: it places one in each subnet, at the first free address
/// (not necessarily the one AWS chose), so the snapshot's are skipped as part of the endpoint.
fn interface_endpoint(
    x: &Item<'_>,
    cx: &mut Cx<'_, '_>,
    vpc: &str,
    service: &str,
    t: &Topology,
    k: &mut Known,
) -> Option<VpcEndpoint> {
    let subnets = zone_subnets(cx, x.v, "SubnetIds", vpc, t, "endpoint");
    if subnets.is_empty() {
        cx.warn("SubnetIds", "no subnet of the interface endpoint was imported; endpoint skipped");
        return None;
    }
    let mut security_groups = BTreeSet::new();
    for (i, g) in cx.list(x.v, "", "Groups").iter().enumerate() {
        let path = format!("Groups[{i}]");
        let Some(g) = cx.req_str(g, &path, "GroupId", "security group") else { continue };
        if k.sg_vpc.get(g).is_some_and(|v| v == vpc) {
            security_groups.insert(g.to_string());
        } else {
            let msg =
                format!("security group {g} is not in the snapshot's VPC {vpc}; left out of the endpoint");
            cx.warn(join(&path, "GroupId"), msg);
        }
    }
    let why = format!("part of interface endpoint {}, which the model places itself", x.id);
    for e in cx.list(x.v, "", "NetworkInterfaceIds").iter().filter_map(Value::as_str) {
        k.placed.insert(e.to_string(), why.clone());
    }
    Some(VpcEndpoint {
        id: x.id.clone(),
        name: cx.name_tag(x.v),
        vpc: vpc.to_string(),
        service: service.to_string(),
        endpoint_type: "interface".to_string(),
        route_tables: Vec::new(),
        subnets,
        security_groups: security_groups.into_iter().collect(),
    })
}

/// The subnets listed under `key` (strings, or objects with a `SubnetId`), keeping those
/// imported in `vpc`, one per Availability Zone, as a load balancer or an interface endpoint
/// has them; the others are left out of the `what` with a warning.
fn zone_subnets(
    cx: &mut Cx<'_, '_>,
    v: &Value,
    key: &str,
    vpc: &str,
    t: &Topology,
    what: &str,
) -> Vec<String> {
    let mut kept: Vec<&Subnet> = Vec::new();
    for (i, x) in cx.list(v, "", key).iter().enumerate() {
        let (field, sid) = match x {
            Value::String(sid) => (format!("{key}[{i}]"), Some(sid.as_str())),
            _ => {
                let path = format!("{key}[{i}]");
                let sid = cx.req_str(x, &path, "SubnetId", "subnet");
                (join(&path, "SubnetId"), sid)
            }
        };
        let Some(sid) = sid else { continue };
        match t.subnets.iter().find(|x| x.id == sid) {
            None => cx.warn(field, format!("subnet {sid} was not imported; left out of the {what}")),
            Some(x) if x.vpc != vpc => {
                cx.warn(field, format!("subnet {sid} is not in VPC {vpc}; left out of the {what}"))
            }
            Some(x) if kept.iter().any(|o| o.availability_zone == x.availability_zone) => {
                let msg = format!(
                    "one subnet per Availability Zone; {sid} is a second one in {}, left out",
                    x.availability_zone
                );
                cx.warn(field, msg);
            }
            Some(x) => kept.push(x),
        }
    }
    kept.iter().map(|x| x.id.clone()).collect()
}

/// Whether a transit gateway or one of its route tables is gone or going (`deleting`,
/// `deleted`); the other states (`pending`, `available`, `modifying`) still route.
fn tgw_gone(state: Option<&str>) -> bool {
    matches!(state, Some("deleting" | "deleted"))
}

/// Transit gateways, their route tables, their VPC attachments with association and
/// propagations, and the route tables' static routes. An attachment of anything but a VPC of
/// the snapshot (VPN, peering, Connect, Direct Connect, another account's VPC) is skipped,
/// and so is what refers to it. Every imported attachment names its association and
/// propagations as the snapshot shows them, so the format's defaults do not apply to it.
fn transit_gateways(s: &Snapshot<'_>, t: &mut Topology, k: &mut Known, is: &mut Issues) {
    // The default route table of each gateway, from its options.
    let mut defaults: BTreeMap<String, String> = BTreeMap::new();
    for x in s.items("TransitGateways") {
        let mut cx = x.cx(is);
        let state = cx.opt_str(x.v, "", "State");
        if let Some(state) = state.filter(|s| tgw_gone(Some(s))) {
            cx.warn("State", format!("the transit gateway is {state}; skipped"));
            continue;
        }
        let o = x.v.get("Options").unwrap_or(&Value::Null);
        let association = cx.opt_enable(o, "Options", "DefaultRouteTableAssociation");
        let propagation = cx.opt_enable(o, "Options", "DefaultRouteTablePropagation");
        let referencing = cx.opt_enable(o, "Options", "SecurityGroupReferencingSupport");
        let default = cx
            .opt_str(o, "Options", "AssociationDefaultRouteTableId")
            .or_else(|| cx.opt_str(o, "Options", "PropagationDefaultRouteTableId"));
        if let Some(d) = default {
            defaults.insert(x.id.clone(), d.to_string());
        }
        t.transit_gateways.push(TransitGateway {
            id: x.id.clone(),
            name: cx.name_tag(x.v),
            default_route_table_association: association.unwrap_or(true),
            default_route_table_propagation: propagation.unwrap_or(true),
            security_group_referencing: referencing.unwrap_or(false),
        });
    }
    k.transit_gateways = t.transit_gateways.iter().map(|g| g.id.clone()).collect();
    for x in s.items("TransitGatewayRouteTables") {
        let mut cx = x.cx(is);
        let state = cx.opt_str(x.v, "", "State");
        if let Some(state) = state.filter(|s| tgw_gone(Some(s))) {
            cx.warn("State", format!("the transit gateway route table is {state}; skipped"));
            continue;
        }
        let Some(g) = cx.req_str(x.v, "", "TransitGatewayId", "route table") else { continue };
        if !k.transit_gateways.contains(g) {
            let msg = format!("transit gateway {g} was not imported; route table skipped");
            cx.warn("TransitGatewayId", msg);
            continue;
        }
        t.transit_gateway_route_tables.push(TransitGatewayRouteTable {
            id: x.id.clone(),
            name: cx.name_tag(x.v),
            transit_gateway: g.to_string(),
            default: defaults.get(g) == Some(&x.id),
            routes: Vec::new(),
        });
    }
    let tables: BTreeMap<String, String> =
        t.transit_gateway_route_tables.iter().map(|r| (r.id.clone(), r.transit_gateway.clone())).collect();
    // Attachments, from either listing: `describe-transit-gateway-vpc-attachments` has the
    // subnets, `describe-transit-gateway-attachments` the association and the other kinds.
    let ids: BTreeSet<&String> = s
        .by_key
        .get("TransitGatewayVpcAttachments")
        .into_iter()
        .chain(s.by_key.get("TransitGatewayAttachments"))
        .flat_map(BTreeMap::keys)
        .collect();
    let mut skipped: BTreeMap<String, String> = BTreeMap::new();
    let mut unassociated: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for id in ids {
        match tgw_attachment(id, s, t, &tables, is) {
            Err(why) => {
                skipped.insert(id.clone(), why);
            }
            Ok((a, known_unassociated)) => {
                if known_unassociated {
                    unassociated.entry(a.transit_gateway.clone()).or_default().push(a.id.clone());
                }
                t.transit_gateway_attachments.push(a);
            }
        }
    }
    tgw_propagations(s, t, &tables, &skipped, is);
    tgw_static_routes(s, t, &skipped, is);
    // The format associates an attachment without a route table with the default one when
    // default association is on: turn it off for a gateway with an unassociated attachment.
    for g in &mut t.transit_gateways {
        let Some(list) = unassociated.get(&g.id) else { continue };
        if !g.default_route_table_association || !defaults.get(&g.id).is_some_and(|d| tables.contains_key(d))
        {
            continue;
        }
        g.default_route_table_association = false;
        if let Some(x) = s.get("TransitGateways", &g.id) {
            let msg = format!(
                "imported with default association off, so that the format leaves {} without a route table, as in the snapshot",
                list.join(", ")
            );
            x.cx(is).warn("Options.DefaultRouteTableAssociation", msg);
        }
    }
    k.tgw_attachments = t.transit_gateway_attachments.iter().map(|a| a.id.clone()).collect();
    k.tgw_attached =
        t.transit_gateway_attachments.iter().map(|a| (a.transit_gateway.clone(), a.vpc.clone())).collect();
    for g in t.transit_gateways.iter().filter(|g| g.security_group_referencing) {
        let vpcs: Vec<&str> = t
            .transit_gateway_attachments
            .iter()
            .filter(|a| a.transit_gateway == g.id)
            .map(|a| a.vpc.as_str())
            .collect();
        for a in &vpcs {
            for b in &vpcs {
                k.tgw_referencing.insert(pair(a, b));
            }
        }
    }
}

/// The component a transit gateway attachment's `ResourceType` names.
fn attachment_kind(kind: &str) -> &str {
    match kind {
        "vpn" => "VPN",
        "direct-connect-gateway" => "Direct Connect gateway",
        "connect" => "Connect",
        "peering" | "tgw-peering" => "peering",
        "network-function" => "network function",
        other => other,
    }
}

/// One VPC attachment (the first return is `Err(why)` when it is skipped, after a warning),
/// and whether the snapshot shows it without an association.
fn tgw_attachment(
    id: &str,
    s: &Snapshot<'_>,
    t: &Topology,
    tables: &BTreeMap<String, String>,
    is: &mut Issues,
) -> Result<(TransitGatewayAttachment, bool), String> {
    let va = s.get("TransitGatewayVpcAttachments", id);
    let ga = s.get("TransitGatewayAttachments", id);
    let Some(x) = va.or(ga) else { return Err("is not in the snapshot".to_string()) };
    let mut cx = x.cx(is);
    let state = cx.opt_str(x.v, "", "State");
    if let Some(state) = state.filter(|s| !matches!(*s, "available" | "modifying")) {
        cx.warn("State", format!("the attachment is {state}; skipped"));
        return Err(format!("is {state}"));
    }
    if let Some(g) = ga {
        let mut cx = g.cx(cx.is);
        let kind = cx.opt_str(g.v, "", "ResourceType").unwrap_or("vpc");
        if kind != "vpc" {
            let kind = attachment_kind(kind);
            cx.warn(
                "ResourceType",
                format!("transit gateway {kind} attachments are not modelled yet; skipped"),
            );
            return Err(format!("is a {kind} attachment, not modelled yet"));
        }
    }
    let Some(va) = va else {
        let msg =
            "the VPC attachment is not in TransitGatewayVpcAttachments, which holds its subnets; skipped";
        cx.warn("", msg);
        return Err("has no subnets in the snapshot".to_string());
    };
    let mut cx = va.cx(cx.is);
    let tgw = cx.req_str(va.v, "", "TransitGatewayId", "attachment");
    let vpc = cx.req_str(va.v, "", "VpcId", "attachment");
    let (Some(tgw), Some(vpc)) = (tgw, vpc) else { return Err("is malformed".to_string()) };
    if !t.transit_gateways.iter().any(|g| g.id == tgw) {
        cx.warn("TransitGatewayId", format!("transit gateway {tgw} was not imported; attachment skipped"));
        return Err(format!("belongs to transit gateway {tgw}, which was not imported"));
    }
    if !t.vpcs.iter().any(|v| v.id == vpc) {
        let msg = format!("VPC {vpc} is not in the snapshot (another account or region); attachment skipped");
        cx.warn("VpcId", msg);
        return Err(format!("attaches VPC {vpc}, which is not in the snapshot"));
    }
    if let Some(other) =
        t.transit_gateway_attachments.iter().find(|a| a.transit_gateway == tgw && a.vpc == vpc)
    {
        let msg = format!("VPC {vpc} is already attached to transit gateway {tgw} by {}; skipped", other.id);
        cx.warn("VpcId", msg);
        return Err(format!("duplicates attachment {}", other.id));
    }
    let mut subnets: Vec<&Subnet> = Vec::new();
    for (i, sid) in cx.list(va.v, "", "SubnetIds").iter().enumerate() {
        let field = format!("SubnetIds[{i}]");
        let Some(sid) = sid.as_str() else {
            cx.wrong_type(field, "a string", sid);
            continue;
        };
        match t.subnets.iter().find(|x| x.id == sid) {
            None => cx.warn(field, format!("subnet {sid} was not imported; left out of the attachment")),
            Some(x) if x.vpc != vpc => {
                cx.warn(field, format!("subnet {sid} is not in VPC {vpc}; left out of the attachment"))
            }
            Some(x) if subnets.iter().any(|o| o.availability_zone == x.availability_zone) => {
                let msg = format!(
                    "an attachment has one subnet per Availability Zone; {sid} is a second one in {}, left out",
                    x.availability_zone
                );
                cx.warn(field, msg);
            }
            Some(x) => subnets.push(x),
        }
    }
    if subnets.is_empty() {
        cx.warn("SubnetIds", "no subnet of the attachment was imported; attachment skipped");
        return Err("has no subnet that was imported".to_string());
    }
    let name = cx.name_tag(va.v).or_else(|| ga.and_then(|g| g.cx(cx.is).name_tag(g.v)));
    // The association: only `describe-transit-gateway-attachments` shows it.
    let (route_table, unassociated) = match ga {
        None => (None, false),
        Some(g) => {
            let mut cx = g.cx(cx.is);
            let assoc = g.v.get("Association").filter(|a| !a.is_null());
            let at = "Association";
            let associated = assoc.is_some_and(|a| {
                matches!(cx.opt_str(a, at, "State"), None | Some("associated" | "associating"))
            });
            match assoc.filter(|_| associated).and_then(|a| cx.opt_str(a, at, "TransitGatewayRouteTableId")) {
                None => (None, true),
                Some(r) if tables.get(r).map(String::as_str) == Some(tgw) => (Some(r.to_string()), false),
                Some(r) => {
                    let msg = format!("route table {r} was not imported for transit gateway {tgw}; the attachment is imported without an association");
                    cx.warn("Association.TransitGatewayRouteTableId", msg);
                    (None, true)
                }
            }
        }
    };
    let a = TransitGatewayAttachment {
        id: id.to_string(),
        name,
        transit_gateway: tgw.to_string(),
        vpc: vpc.to_string(),
        subnets: subnets.iter().map(|x| x.id.clone()).collect(),
        route_table,
        propagations: Some(Vec::new()),
    };
    Ok((a, unassociated))
}

/// The `TransitGatewayPropagations` wrapper: each route table's enabled propagations become
/// the attachments' `propagations`.
fn tgw_propagations(
    s: &Snapshot<'_>,
    t: &mut Topology,
    tables: &BTreeMap<String, String>,
    skipped: &BTreeMap<String, String>,
    is: &mut Issues,
) {
    for x in s.items("TransitGatewayPropagations") {
        let mut cx = x.cx(is);
        let Some(g) = tables.get(&x.id) else {
            let msg = format!("route table {} was not imported; its propagations are skipped", x.id);
            cx.warn("TransitGatewayRouteTableId", msg);
            continue;
        };
        for (i, p) in cx.list(x.v, "", "TransitGatewayRouteTablePropagations").iter().enumerate() {
            let path = format!("TransitGatewayRouteTablePropagations[{i}]");
            let Some(a) = cx.req_str(p, &path, "TransitGatewayAttachmentId", "propagation") else { continue };
            if cx.opt_str(p, &path, "State").is_some_and(|s| s != "enabled") || skipped.contains_key(a) {
                continue; // disabled, or from an attachment already warned about
            }
            let field = join(&path, "TransitGatewayAttachmentId");
            match t.transit_gateway_attachments.iter_mut().find(|x| x.id == a) {
                None => cx.warn(field, format!("attachment {a} is not in the snapshot; propagation skipped")),
                Some(att) if att.transit_gateway != *g => {
                    let msg = format!(
                        "attachment {a} belongs to transit gateway {}, not {g}; propagation skipped",
                        att.transit_gateway
                    );
                    cx.warn(field, msg);
                }
                Some(att) => {
                    let list = att.propagations.get_or_insert_with(Vec::new);
                    if !list.contains(&x.id) {
                        list.push(x.id.clone());
                        list.sort();
                    }
                }
            }
        }
    }
}

/// The `TransitGatewayStaticRoutes` wrapper: each route table's static routes, to an attachment
/// or a blackhole. Propagated routes, should the wrapper hold them, are left to the model.
fn tgw_static_routes(
    s: &Snapshot<'_>,
    t: &mut Topology,
    skipped: &BTreeMap<String, String>,
    is: &mut Issues,
) {
    for x in s.items("TransitGatewayStaticRoutes") {
        let mut cx = x.cx(is);
        let Some(ix) = t.transit_gateway_route_tables.iter().position(|r| r.id == x.id) else {
            let msg = format!("route table {} was not imported; its static routes are skipped", x.id);
            cx.warn("TransitGatewayRouteTableId", msg);
            continue;
        };
        let g = t.transit_gateway_route_tables[ix].transit_gateway.clone();
        let mut routes: Vec<TransitGatewayRoute> = Vec::new();
        for (i, r) in cx.list(x.v, "", "Routes").iter().enumerate() {
            let path = format!("Routes[{i}]");
            if cx.opt_str(r, &path, "Type") == Some("propagated") {
                continue;
            }
            let Some(d) = cx.opt_str(r, &path, "DestinationCidrBlock") else {
                match cx.opt_str(r, &path, "PrefixListId") {
                    Some(pl) => {
                        let msg = format!("static route to prefix list {pl} skipped: prefix-list destinations are not modelled yet");
                        cx.warn(join(&path, "PrefixListId"), msg);
                    }
                    None => {
                        cx.error(join(&path, "DestinationCidrBlock"), "the route has no destination; skipped")
                    }
                }
                continue;
            };
            let Some(destination) = cx.cidr(join(&path, "DestinationCidrBlock"), d, "route") else {
                continue;
            };
            let route = match cx.opt_str(r, &path, "State") {
                Some("blackhole") => TransitGatewayRoute { destination, attachment: None, blackhole: true },
                None | Some("active") => {
                    let at = format!("{path}.TransitGatewayAttachments[0]");
                    let first = cx.list(r, &path, "TransitGatewayAttachments").first();
                    let Some(first) = first else {
                        let msg = "an active static route without an attachment; skipped";
                        cx.error(join(&path, "TransitGatewayAttachments"), msg);
                        continue;
                    };
                    let Some(a) = cx.req_str(first, &at, "TransitGatewayAttachmentId", "route") else {
                        continue;
                    };
                    let field = join(&at, "TransitGatewayAttachmentId");
                    let why = match (skipped.get(a), t.transit_gateway_attachments.iter().find(|x| x.id == a))
                    {
                        (Some(why), _) => Some(format!("the attachment {why}")),
                        (None, None) => Some("the attachment is not in the snapshot".to_string()),
                        (None, Some(x)) if x.transit_gateway != g => {
                            Some(format!("the attachment belongs to transit gateway {}", x.transit_gateway))
                        }
                        (None, Some(_)) => None,
                    };
                    if let Some(why) = why {
                        cx.warn(field, format!("static route to {d} via {a} skipped: {why}"));
                        continue;
                    }
                    TransitGatewayRoute { destination, attachment: Some(a.to_string()), blackhole: false }
                }
                Some(other) => {
                    cx.warn(join(&path, "State"), format!("static route to {d} is {other}; skipped"));
                    continue;
                }
            };
            if routes.iter().any(|x| x.destination == destination) {
                cx.warn(
                    join(&path, "DestinationCidrBlock"),
                    format!("{d} appears twice; the first route is kept"),
                );
                continue;
            }
            routes.push(route);
        }
        t.transit_gateway_route_tables[ix].routes = routes;
    }
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

/// A terminated instance is still listed for an hour but has no network presence. A
/// `stopping` or `stopped` one is imported stopped, and so is one `shutting-down` (being
/// terminated), with a warning; `pending` and `running` are running.
fn instance(x: &Item<'_>, is: &mut Issues) -> Option<Instance> {
    let mut cx = x.cx(is);
    let state = x.v.get("State").and_then(|s| s.get("Name")).and_then(Value::as_str);
    let state = match state {
        Some("terminated") => {
            cx.warn("State.Name", "the instance is terminated; skipped");
            return None;
        }
        Some("stopping" | "stopped") => InstanceState::Stopped,
        Some("shutting-down") => {
            cx.warn("State.Name", "the instance is shutting down (being terminated); imported stopped");
            InstanceState::Stopped
        }
        None | Some("pending" | "running") => InstanceState::Running,
        Some(other) => {
            cx.warn("State.Name", format!("instance state {other:?} is not known; imported running"));
            InstanceState::Running
        }
    };
    let instance_type = cx.req_str(x.v, "", "InstanceType", "instance")?;
    Some(Instance {
        id: x.id.clone(),
        name: cx.name_tag(x.v),
        instance_type: instance_type.to_string(),
        availability_zone: x
            .v
            .get("Placement")
            .and_then(|p| p.get("AvailabilityZone"))
            .and_then(|z| z.as_str())
            .map(str::to_string),
        source_nat: false,
        // describe-instances lists the AMI; user data needs describe-instance-attribute.
        ami: x.v.get("ImageId").and_then(Value::as_str).map(str::to_string),
        user_data: None,
        state,
    })
}

/// The managed component an `InterfaceType` other than `interface` belongs to.
fn interface_owner(kind: &str) -> &'static str {
    match kind {
        "network_load_balancer" => "a network load balancer",
        "gateway_load_balancer" => "a gateway load balancer",
        "gateway_load_balancer_endpoint" => "a gateway load balancer endpoint",
        "vpc_endpoint" => "an interface VPC endpoint",
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
    let description = v.get("Description").and_then(Value::as_str).unwrap_or_default();
    // "VPC Endpoint Interface vpce-…", should the endpoint not list its interfaces.
    let endpoint = description
        .strip_prefix("VPC Endpoint Interface ")
        .filter(|e| k.endpoints.contains(*e))
        .map(|e| format!("part of interface endpoint {e}, which the model places itself"));
    if let Some(why) = k.placed.get(id).cloned().or(endpoint) {
        // A load balancer node or an interface endpoint's interface: the model places it.
        k.managed.insert(id.to_string(), why);
        return None;
    }
    if let Some(lb) = description.strip_prefix("ELB ").filter(|lb| !lb.is_empty()) {
        // "ELB app/<name>/<id>", "ELB net/…", "ELB gwy/…", or "ELB <name>" (Classic).
        let why = format!("a node of load balancer {lb}, which was not imported");
        cx.warn(join(path, "Description"), format!("the interface is {why}; skipped"));
        k.managed.insert(id.to_string(), why);
        return None;
    }
    if v.get("InterfaceType").and_then(Value::as_str) == Some("transit_gateway") {
        // "Network Interface for Transit Gateway Attachment tgw-attach-…"
        if let Some(a) = description.rsplit(' ').next().filter(|a| k.tgw_attachments.contains(*a)) {
            // The model places the attachment in its subnets itself: nothing is lost.
            let why = format!("part of transit gateway attachment {a}, which the model places itself");
            k.managed.insert(id.to_string(), why);
            return None;
        }
    }
    if let Some(kind) = cx.opt_str(v, path, "InterfaceType").filter(|t| *t != "interface") {
        let why = match kind {
            "nat_gateway" => "part of a NAT gateway that was not imported".to_string(),
            "transit_gateway" => "part of a transit gateway attachment that was not imported".to_string(),
            "network_load_balancer" | "vpc_endpoint" => {
                format!("part of {} that was not imported", interface_owner(kind))
            }
            _ => format!("part of {}, not modelled yet", interface_owner(kind)),
        };
        cx.warn(join(path, "InterfaceType"), format!("the interface (type {kind}) is {why}; skipped"));
        k.managed.insert(id.to_string(), why);
        return None;
    }
    let subnet = cx.req_str(v, path, "SubnetId", "interface");
    let (primary, secondary) = private_addresses(cx, v, path)?;
    let subnet = subnet?;
    let ipv6_addresses = ipv6_addresses(cx, v, path, subnet, k);
    let public_ip = public_address(cx, v, path, k);
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
        ipv6_addresses,
        public_ip,
        security_groups: groups.into_iter().collect(),
        source_dest_check: cx.opt_bool(v, path, "SourceDestCheck").unwrap_or(true),
        attachment: attachment(cx, v, path, parent, k),
        mac_address: cx.opt_str(v, path, "MacAddress").map(str::to_string),
        interface_type: cx
            .opt_str(v, path, "InterfaceType")
            .filter(|t| *t != "interface")
            .map(str::to_string),
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

/// The interface's IPv6 addresses (`Ipv6Addresses[].Ipv6Address`); one outside the IPv6 block
/// imported for its subnet is skipped.
fn ipv6_addresses(cx: &mut Cx<'_, '_>, v: &Value, path: &str, subnet: &str, k: &Known) -> Vec<Ipv6Addr> {
    let mut out = Vec::new();
    let list_path = join(path, "Ipv6Addresses");
    for (i, a) in cx.list(v, path, "Ipv6Addresses").iter().enumerate() {
        let at = format!("{list_path}[{i}]");
        let Some(s) = cx.req_str(a, &at, "Ipv6Address", "address") else { continue };
        let field = join(&at, "Ipv6Address");
        let Some(ip) = cx.ipv6(field.clone(), s, "address") else { continue };
        // A subnet not imported at all is reported by the model, with the interface.
        if let Some(block) = k.subnet_ipv6.get(subnet) {
            if !block.is_some_and(|b| b.contains(&std::net::IpAddr::V6(ip))) {
                let msg = format!(
                    "{ip} is not inside the IPv6 block imported for subnet {subnet}; address skipped"
                );
                cx.warn(field, msg);
                continue;
            }
        }
        if !out.contains(&ip) {
            out.push(ip);
        }
    }
    out
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

/// The part of a load balancer's ARN after `loadbalancer/` (`app/web/50dc6c495c0c9188`): its
/// nodes' network interfaces have `ELB ` and this as their `Description`.
fn elb_suffix(arn: &str) -> Option<&str> {
    arn.split_once(":loadbalancer/").map(|(_, s)| s)
}

/// Short ids for the load balancers and target groups, by ARN: their names, which are unique
/// per account and region. Should two share one (two accounts, or a load balancer and a target
/// group of one name), the later one (load balancers first, then by ARN) has the part of its ARN
/// after `loadbalancer/` or `targetgroup/` instead, e.g. `app/web/50dc6c495c0c9188`.
fn elb_ids(s: &Snapshot<'_>) -> BTreeMap<String, String> {
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut out = BTreeMap::new();
    let kinds = [
        ("LoadBalancers", "LoadBalancerName", ":loadbalancer/"),
        ("TargetGroups", "TargetGroupName", ":targetgroup/"),
    ];
    for (key, name_key, marker) in kinds {
        for x in s.items(key) {
            let tail = x.id.split_once(marker).map_or(x.id.as_str(), |(_, t)| t);
            let name = x.v.get(name_key).and_then(Value::as_str).map(str::trim).filter(|n| !n.is_empty());
            let id = match name {
                Some(n) if !taken.contains(n) => n.to_string(),
                _ => tail.to_string(),
            };
            taken.insert(id.clone());
            out.insert(x.id.clone(), id);
        }
    }
    out
}

/// A boolean attribute (`"true"` or `"false"`) from an attributes wrapper
/// (`LoadBalancerAttributes`, `TargetGroupAttributes`) of the object with this ARN; `None` when
/// absent, and the format's default (AWS's) then applies.
fn attribute(s: &Snapshot<'_>, key: &str, arn: &str, name: &str, is: &mut Issues) -> Option<bool> {
    let w = s.get(key, arn)?;
    let mut cx = w.cx(is);
    for (i, a) in cx.list(w.v, "", "Attributes").iter().enumerate() {
        let path = format!("Attributes[{i}]");
        if a.get("Key").and_then(Value::as_str) != Some(name) {
            continue;
        }
        return match cx.opt_str(a, &path, "Value") {
            Some("true") => Some(true),
            Some("false") => Some(false),
            Some(other) => {
                let msg = format!("{other:?} is neither true nor false; AWS's default is used");
                cx.error(join(&path, "Value"), msg);
                None
            }
            None => None,
        };
    }
    None
}

/// The primary private address of a raw network interface and its public one, read quietly:
/// the interface belongs to a load balancer, which vouches for it.
fn eni_addresses(v: &Value) -> (Option<Ipv4Addr>, Option<Ipv4Addr>) {
    let ip = |v: Option<&Value>| v.and_then(Value::as_str).and_then(|s| s.trim().parse::<Ipv4Addr>().ok());
    let private = ip(v.get("PrivateIpAddress"));
    let primary = v
        .get("PrivateIpAddresses")
        .and_then(Value::as_array)
        .and_then(|l| l.iter().find(|p| p.get("Primary").and_then(Value::as_bool) == Some(true)));
    let public = ip(v.get("Association").and_then(|a| a.get("PublicIp")))
        .or_else(|| ip(primary.and_then(|p| p.get("Association")).and_then(|a| a.get("PublicIp"))));
    (private.or_else(|| ip(primary.and_then(|p| p.get("PrivateIpAddress")))), public)
}

/// An Application or Network Load Balancer of a VPC of the snapshot (Gateway Load Balancers
/// are not modelled yet, and `describe-load-balancers` of elbv2 lists no Classic ones), with its
/// subnets, one per Availability Zone, its security groups and each node's addresses: from
/// `LoadBalancerAddresses` (an NLB's chosen private address or Elastic IP), else from the node's
/// network interface, the one whose `Description` is `ELB ` and the end of the ARN. Those
/// interfaces are the model's nodes, so they are not imported as interfaces. Cross-zone load
/// balancing comes from the `LoadBalancerAttributes` wrapper; the listeners are added once the
/// target groups are imported ([`listeners`]). An ALB left with fewer than two Availability
/// Zones (its other subnets were not imported) is skipped: the model refuses it, as AWS does.
fn load_balancer(
    x: &Item<'_>,
    s: &Snapshot<'_>,
    t: &Topology,
    ids: &BTreeMap<String, String>,
    k: &mut Known,
    is: &mut Issues,
) -> Option<LoadBalancer> {
    let mut cx = x.cx(is);
    let application = match cx.opt_str(x.v, "", "Type") {
        Some("application") => true,
        Some("network") => false,
        Some("gateway") => {
            cx.warn("Type", "Gateway Load Balancers are not modelled yet; skipped");
            return None;
        }
        Some(other) => {
            cx.warn("Type", format!("load balancer type {other:?} is not modelled; skipped"));
            return None;
        }
        None => {
            let msg = "a load balancer without a Type is neither an Application nor a Network Load Balancer; skipped";
            cx.warn("Type", msg);
            return None;
        }
    };
    let state = x.v.get("State").filter(|v| !v.is_null()).and_then(|v| cx.opt_str(v, "State", "Code"));
    if state == Some("failed") {
        cx.warn("State.Code", "the load balancer is failed; skipped");
        return None;
    }
    let vpc = cx.req_str(x.v, "", "VpcId", "load balancer")?;
    if !t.vpcs.iter().any(|v| v.id == vpc) {
        cx.warn("VpcId", format!("VPC {vpc} was not imported; load balancer skipped"));
        return None;
    }
    let scheme = match cx.opt_str(x.v, "", "Scheme") {
        None | Some("internet-facing") => "internet-facing",
        Some("internal") => "internal",
        Some(other) => {
            let msg = format!("{other:?} is neither internet-facing nor internal; load balancer skipped");
            cx.error("Scheme", msg);
            return None;
        }
    };
    let subnets = zone_subnets(&mut cx, x.v, "AvailabilityZones", vpc, t, "load balancer");
    if subnets.is_empty() {
        cx.warn("AvailabilityZones", "no subnet of the load balancer was imported; skipped");
        return None;
    }
    if application && subnets.len() < 2 {
        let msg = "an Application Load Balancer needs subnets in two Availability Zones, and only one of its subnets was imported; skipped";
        cx.warn("AvailabilityZones", msg);
        return None;
    }
    let id = ids.get(&x.id).cloned().unwrap_or_else(|| x.id.clone());
    // The nodes' interfaces: the first in each subnet, by id (an ALB adds nodes as it scales).
    let mut enis: BTreeMap<&str, &Value> = BTreeMap::new();
    if let Some(suffix) = elb_suffix(&x.id) {
        let why = format!("a node of load balancer {id}, imported with it");
        for e in s.items("NetworkInterfaces") {
            let d = e.v.get("Description").and_then(Value::as_str).and_then(|d| d.strip_prefix("ELB "));
            if d != Some(suffix) {
                continue;
            }
            k.placed.insert(e.id.clone(), why.clone());
            if let Some(subnet) = e.v.get("SubnetId").and_then(Value::as_str) {
                enis.entry(subnet).or_insert(e.v);
            }
        }
    }
    let mut nodes = Vec::new();
    for (i, z) in cx.list(x.v, "", "AvailabilityZones").iter().enumerate() {
        let Some(subnet) = z.get("SubnetId").and_then(Value::as_str) else { continue };
        let Some(block) =
            t.subnets.iter().find(|x| x.id == subnet && subnets.contains(&x.id)).map(|x| x.cidr_block)
        else {
            continue;
        };
        let inside = |ip: Ipv4Addr| block.contains(&IpAddr::V4(ip));
        let (mut private, mut public) = (None, None);
        let path = format!("AvailabilityZones[{i}]");
        for (j, a) in cx.list(z, &path, "LoadBalancerAddresses").iter().enumerate() {
            let at = format!("{path}.LoadBalancerAddresses[{j}]");
            if let Some(p) = cx.opt_str(a, &at, "PrivateIPv4Address") {
                private = private.or_else(|| cx.ipv4(join(&at, "PrivateIPv4Address"), p, "address"));
            }
            // An internet-facing NLB's Elastic IP, or an internal one's private address.
            if let Some(ip) =
                cx.opt_str(a, &at, "IpAddress").and_then(|p| cx.ipv4(join(&at, "IpAddress"), p, "address"))
            {
                if inside(ip) {
                    private = private.or(Some(ip));
                } else {
                    public = public.or(Some(ip));
                }
            }
        }
        if let Some(e) = enis.get(subnet) {
            let (p, q) = eni_addresses(e);
            private = private.or(p);
            public = public.or(q);
        }
        if let Some(p) = private.filter(|p| !inside(*p)) {
            let msg = format!("node address {p} is not in subnet {subnet} ({block}); the model picks one");
            cx.warn(join(&path, "SubnetId"), msg);
            private = None;
        }
        if scheme == "internal" {
            public = None;
        }
        if private.is_some() || public.is_some() {
            nodes.push(LoadBalancerNode {
                subnet: subnet.to_string(),
                private_ip: private,
                public_ip: public,
            });
        }
    }
    let mut security_groups = BTreeSet::new();
    for (i, g) in cx.list(x.v, "", "SecurityGroups").iter().enumerate() {
        let field = format!("SecurityGroups[{i}]");
        let Some(g) = g.as_str() else {
            cx.wrong_type(field, "a string", g);
            continue;
        };
        if k.sg_vpc.get(g).is_some_and(|v| v == vpc) {
            security_groups.insert(g.to_string());
        } else {
            let msg = format!(
                "security group {g} is not in the snapshot's VPC {vpc}; left out of the load balancer"
            );
            cx.warn(field, msg);
        }
    }
    let name = cx.opt_str(x.v, "", "LoadBalancerName").map(str::to_string).or_else(|| Some(id.clone()));
    let cross_zone =
        attribute(s, "LoadBalancerAttributes", &x.id, "load_balancing.cross_zone.enabled", cx.is);
    Some(LoadBalancer {
        id,
        name,
        lb_type: if application { "application" } else { "network" }.to_string(),
        scheme: scheme.to_string(),
        vpc: vpc.to_string(),
        subnets,
        security_groups: security_groups.into_iter().collect(),
        listeners: Vec::new(),
        cross_zone,
        nodes,
    })
}

/// An instance or IP target group of a VPC of the snapshot (Lambda and ALB targets are not
/// modelled yet), with `preserve_client_ip.enabled` from the `TargetGroupAttributes` wrapper
/// when the snapshot has it, and its targets from the `LoadBalancerTargetHealth` wrapper, each
/// healthy or not as [`target_healthy`] reads it. A target that is neither an imported instance
/// nor an address of an imported network interface (an IP address in a peered VPC or on
/// premises) is skipped.
fn target_group(
    x: &Item<'_>,
    s: &Snapshot<'_>,
    t: &Topology,
    ids: &BTreeMap<String, String>,
    k: &Known,
    is: &mut Issues,
) -> Option<TargetGroup> {
    let mut cx = x.cx(is);
    let target_type = match cx.opt_str(x.v, "", "TargetType") {
        None | Some("instance") => "instance",
        Some("ip") => "ip",
        Some(other) => {
            let what = match other {
                "lambda" => "Lambda function",
                "alb" => "Application Load Balancer",
                _ => other,
            };
            cx.warn("TargetType", format!("{what} targets are not modelled yet; target group skipped"));
            return None;
        }
    };
    let vpc = cx.req_str(x.v, "", "VpcId", "target group")?;
    if !t.vpcs.iter().any(|v| v.id == vpc) {
        cx.warn("VpcId", format!("VPC {vpc} was not imported; target group skipped"));
        return None;
    }
    let protocol = cx.req_str(x.v, "", "Protocol", "target group")?;
    let Some(port) = cx.port(x.v, "", "Port", "target group").ok()? else {
        cx.error("Port", "required field is missing; target group skipped");
        return None;
    };
    let preserve_client_ip =
        attribute(s, "TargetGroupAttributes", &x.id, "preserve_client_ip.enabled", cx.is);
    let mut targets: Vec<TargetSpec> = Vec::new();
    if let Some(h) = s.get("LoadBalancerTargetHealth", &x.id) {
        let mut cx = h.cx(cx.is);
        for (i, d) in cx.list(h.v, "", "TargetHealthDescriptions").iter().enumerate() {
            let path = format!("TargetHealthDescriptions[{i}].Target");
            let target = d.get("Target").unwrap_or(&Value::Null);
            let Some(id) = cx.req_str(target, &path, "Id", "target") else { continue };
            let Ok(own_port) = cx.port(target, &path, "Port", "target") else { continue };
            let field = join(&path, "Id");
            let why = if target_type == "instance" {
                let found = k.instance_interfaces.get(id).is_some_and(|v| !v.is_empty());
                (!found).then(|| format!("instance {id} was not imported"))
            } else {
                let Ok(ip) = id.trim().parse::<IpAddr>() else {
                    cx.error(field, format!("{id:?} is not an IP address; target skipped"));
                    continue;
                };
                let held = t.network_interfaces.iter().any(|e| match ip {
                    IpAddr::V4(a) => e.private_ip == a || e.secondary_private_ips.contains(&a),
                    IpAddr::V6(a) => e.ipv6_addresses.contains(&a),
                });
                (!held).then(|| format!("{ip} is not an address of a network interface imported (targets in a peered VPC or on premises are not modelled yet)"))
            };
            if let Some(why) = why {
                cx.warn(field, format!("target skipped: {why}"));
                continue;
            }
            let own_port = own_port.filter(|p| *p != port);
            let healthy = target_healthy(&mut cx, d, &format!("TargetHealthDescriptions[{i}]"));
            if !targets.iter().any(|x| x.id == id && x.port == own_port) {
                targets.push(TargetSpec { id: id.to_string(), port: own_port, healthy });
            }
        }
    }
    let name = cx.opt_str(x.v, "", "TargetGroupName").map(str::to_string);
    let id = ids.get(&x.id).cloned().unwrap_or_else(|| x.id.clone());
    Some(TargetGroup {
        name: name.or_else(|| Some(id.clone())),
        id,
        protocol: protocol.to_string(),
        port,
        target_type: target_type.to_string(),
        targets,
        preserve_client_ip,
    })
}

/// Whether a target gets new connections, from its `TargetHealth.State`:
/// - `healthy`: yes;
/// - `unhealthy`, `unhealthy.draining` (failing health checks) and `draining` (being
///   deregistered): no;
/// - `unused`: the target group serves no load balancer, or none in the target's Availability
///   Zone, which says nothing about the target itself: yes, so that it serves once the group is
///   used; except with reason `Target.InvalidState` (a stopped instance): no;
/// - `unavailable` (health checks are off, and the load balancer sends traffic anyway): yes;
/// - `initial` (registered, first health checks not passed yet): yes, the state it is on its
///   way to, with a warning;
/// - absent: yes; anything else: yes, with a warning.
fn target_healthy(cx: &mut Cx<'_, '_>, d: &Value, path: &str) -> bool {
    let Some(h) = d.get("TargetHealth").filter(|h| !h.is_null()) else { return true };
    let at = join(path, "TargetHealth");
    let state = cx.opt_str(h, &at, "State");
    match state {
        None | Some("healthy" | "unavailable") => true,
        Some("unhealthy" | "unhealthy.draining" | "draining") => false,
        Some("unused") => cx.opt_str(h, &at, "Reason") != Some("Target.InvalidState"),
        Some("initial") => {
            let msg = "the target's first health checks have not passed yet; imported as healthy";
            cx.warn(join(&at, "State"), msg);
            true
        }
        Some(other) => {
            cx.warn(join(&at, "State"), format!("unknown health state {other:?}; imported as healthy"));
            true
        }
    }
}

/// Each imported load balancer's listeners, from the `LoadBalancerListeners` wrapper and the
/// raw `Listeners` (a listener in both counts once), by port. A listener forwards to the target
/// group of its last default action (by `Order`): `authenticate-*` actions come before it and
/// are not modelled (the listener is imported as if the client had signed in), `redirect` and
/// `fixed-response` are not modelled yet (the listener is skipped), and a weighted forward to
/// several target groups keeps the first. Listener rules (`describe-rules`) are not in the
/// layout: every request goes to the default action.
fn listeners(s: &Snapshot<'_>, t: &mut Topology, ids: &BTreeMap<String, String>, is: &mut Issues) {
    let groups: BTreeSet<String> = t.target_groups.iter().map(|g| g.id.clone()).collect();
    let mut raw: BTreeMap<&str, Vec<&Item<'_>>> = BTreeMap::new();
    for l in s.items("Listeners") {
        match l.cx(is).req_str(l.v, "", "LoadBalancerArn", "listener") {
            Some(arn) => raw.entry(arn).or_default().push(l),
            None => continue,
        }
    }
    for x in s.items("LoadBalancers") {
        let Some(lb) = ids.get(&x.id).and_then(|id| t.load_balancers.iter_mut().find(|b| b.id == *id)) else {
            continue;
        };
        let application = lb.lb_type == "application";
        let mut found: Vec<(&Item<'_>, String, &Value)> = Vec::new();
        if let Some(w) = s.get("LoadBalancerListeners", &x.id) {
            let mut cx = w.cx(is);
            for (i, l) in cx.list(w.v, "", "Listeners").iter().enumerate() {
                found.push((w, format!("Listeners[{i}]"), l));
            }
        }
        for l in raw.get(x.id.as_str()).into_iter().flatten() {
            found.push((l, String::new(), l.v));
        }
        let mut seen = BTreeSet::new();
        for (item, path, l) in found {
            if let Some(arn) = l.get("ListenerArn").and_then(Value::as_str) {
                if !seen.insert(arn) {
                    continue;
                }
            }
            let mut cx = item.cx(is);
            if let Some(listener) = listener(&mut cx, l, &path, application, ids, &groups) {
                lb.listeners.push(listener);
            }
        }
        lb.listeners.sort_by(|a, b| (a.port, &a.protocol).cmp(&(b.port, &b.protocol)));
    }
}

/// One listener; see [`listeners`].
fn listener(
    cx: &mut Cx<'_, '_>,
    l: &Value,
    path: &str,
    application: bool,
    ids: &BTreeMap<String, String>,
    groups: &BTreeSet<String>,
) -> Option<Listener> {
    let protocol = cx.req_str(l, path, "Protocol", "listener")?;
    let Some(port) = cx.port(l, path, "Port", "listener").ok()? else {
        cx.error(join(path, "Port"), "required field is missing; listener skipped");
        return None;
    };
    let (ok, kind) = if application {
        (matches!(protocol, "HTTP" | "HTTPS"), "an Application Load Balancer (HTTP, HTTPS)")
    } else {
        (
            matches!(protocol, "TCP" | "UDP" | "TLS" | "TCP_UDP"),
            "a Network Load Balancer (TCP, UDP, TLS, TCP_UDP)",
        )
    };
    if !ok {
        let msg = format!("{protocol:?} is not a listener protocol of {kind}; listener skipped");
        cx.warn(join(path, "Protocol"), msg);
        return None;
    }
    let actions_path = join(path, "DefaultActions");
    let actions = cx.list(l, path, "DefaultActions");
    let last = actions.iter().enumerate().max_by_key(|(i, a)| (a.get("Order").and_then(Value::as_i64), *i));
    let Some((n, action)) = last else {
        cx.error(actions_path, "the listener has no default action; skipped");
        return None;
    };
    let at = format!("{actions_path}[{n}]");
    let kind = cx.req_str(action, &at, "Type", "listener")?;
    if kind != "forward" {
        cx.warn(join(&at, "Type"), format!("{kind} actions are not modelled yet; listener skipped"));
        return None;
    }
    if let Some((j, _)) = actions.iter().enumerate().find(|(j, a)| {
        *j != n && a.get("Type").and_then(Value::as_str).is_some_and(|t| t.starts_with("authenticate-"))
    }) {
        let msg =
            "authentication is not modelled yet: the listener is imported as if every client had signed in";
        cx.warn(format!("{actions_path}[{j}].Type"), msg);
    }
    let (field, arn) = match cx.opt_str(action, &at, "TargetGroupArn") {
        Some(arn) => (join(&at, "TargetGroupArn"), arn),
        None => {
            let fc = join(&at, "ForwardConfig");
            let list = match action.get("ForwardConfig").filter(|f| !f.is_null()) {
                Some(f) => cx.list(f, &fc, "TargetGroups"),
                None => &[],
            };
            let Some(first) = list.first() else {
                cx.error(
                    join(&at, "TargetGroupArn"),
                    "a forward action without a target group; listener skipped",
                );
                return None;
            };
            if list.len() > 1 {
                let msg = format!(
                    "weighted forwarding to {} target groups is not modelled yet: only the first is imported",
                    list.len()
                );
                cx.warn(join(&fc, "TargetGroups"), msg);
            }
            let p = format!("{fc}.TargetGroups[0]");
            (join(&p, "TargetGroupArn"), cx.req_str(first, &p, "TargetGroupArn", "listener")?)
        }
    };
    let Some(group) = ids.get(arn).filter(|id| groups.contains(*id)) else {
        cx.warn(field, format!("target group {arn} was not imported; listener skipped"));
        return None;
    };
    Some(Listener { protocol: protocol.to_string(), port, target_group: group.clone() })
}

/// Load balancer wrappers and raw listeners whose load balancer or target group is not in the
/// snapshot at all (one that is but was skipped has been warned about already).
fn elb_orphans(s: &Snapshot<'_>, is: &mut Issues) {
    let cases = [
        ("LoadBalancerListeners", "LoadBalancers", "LoadBalancerArn", "load balancer", "its listeners are"),
        ("LoadBalancerAttributes", "LoadBalancers", "LoadBalancerArn", "load balancer", "its attributes are"),
        ("Listeners", "LoadBalancers", "LoadBalancerArn", "load balancer", "the listener is"),
        ("LoadBalancerTargetHealth", "TargetGroups", "TargetGroupArn", "target group", "its targets are"),
        ("TargetGroupAttributes", "TargetGroups", "TargetGroupArn", "target group", "its attributes are"),
    ];
    for (key, parents, field, parent, what) in cases {
        for x in s.items(key) {
            let Some(arn) = x.v.get(field).and_then(Value::as_str) else { continue };
            if s.get(parents, arn).is_none() {
                x.cx(is).warn(field, format!("{parent} {arn} is not in the snapshot; {what} skipped"));
            }
        }
    }
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

/// One vpclab rule per IPv4 or IPv6 range, per group reference and per prefix list of each
/// permission.
fn sg_rules(cx: &mut Cx<'_, '_>, v: &Value, key: &str, vpc: &str, k: &Known) -> Vec<SgRule> {
    let inbound = key == "IpPermissions";
    let mut out = Vec::new();
    for (i, p) in cx.list(v, "", key).iter().enumerate() {
        let path = format!("{key}[{i}]");
        let Some(protocol) = cx.protocol(p, &path, "IpProtocol", "rule") else { continue };
        let (from, to) = (cx.opt_int(p, &path, "FromPort"), cx.opt_int(p, &path, "ToPort"));
        let ports = if protocol.has_ports() {
            let Ok(ports) = cx.ports(join(&path, "FromPort"), from, to, "rule") else { continue };
            ports
        } else {
            None
        };
        let fields = (join(&path, "FromPort"), join(&path, "ToPort"));
        let Some((icmp_type, icmp_code)) = icmp_type_code(cx, protocol, (from, to), fields) else { continue };
        let rule = |peer: String, description: Option<&str>| SgRule {
            protocol,
            ports,
            icmp_type,
            icmp_code,
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
                Some(v)
                    if v == vpc
                        || k.peered.contains(&pair(v, vpc))
                        || (inbound && k.tgw_referencing.contains(&pair(v, vpc))) =>
                {
                    out.push(rule(id.to_string(), description))
                }
                Some(v) => {
                    let msg = format!("rule referencing security group {id} of VPC {v} skipped: references across VPCs need an active VPC peering connection between them, or (inbound) a transit gateway with security group referencing");
                    cx.warn(join(&at, "GroupId"), msg);
                }
                None => {
                    let msg = format!("rule referencing security group {id} skipped: the group is not in the snapshot (another account or a peered VPC)");
                    cx.warn(join(&at, "GroupId"), msg);
                }
            }
        }
        for (j, r) in cx.list(p, &path, "Ipv6Ranges").iter().enumerate() {
            let at = format!("{path}.Ipv6Ranges[{j}]");
            let Some(c) = cx.req_str(r, &at, "CidrIpv6", "rule") else { continue };
            let Some(c) = cx.cidr(join(&at, "CidrIpv6"), c, "rule") else { continue };
            let description = cx.opt_str(r, &at, "Description");
            out.push(rule(c.to_string(), description));
        }
        for (j, r) in cx.list(p, &path, "PrefixListIds").iter().enumerate() {
            let at = format!("{path}.PrefixListIds[{j}]");
            let Some(pl) = cx.req_str(r, &at, "PrefixListId", "rule") else { continue };
            let description = cx.opt_str(r, &at, "Description");
            if k.prefix_lists.contains(pl) {
                out.push(rule(pl.to_string(), description));
            } else {
                let msg = format!("rule for prefix list {pl} skipped: the list is not in the snapshot's PrefixLists (customer-managed prefix lists are not modelled yet)");
                cx.warn(join(&at, "PrefixListId"), msg);
            }
        }
    }
    out
}

/// An ICMP rule's type and code (SG rules write them in `FromPort` and `ToPort`, ACL entries
/// in `IcmpTypeCode`), -1 or absent meaning all; `(None, None)` for other protocols. `None`
/// (the rule is skipped, with an error) when a value is not an ICMP type or code.
fn icmp_type_code(
    cx: &mut Cx<'_, '_>,
    protocol: Protocol,
    (r#type, code): (Option<i64>, Option<i64>),
    (type_field, code_field): (String, String),
) -> Option<(Option<u8>, Option<u8>)> {
    if !protocol.is_icmp() {
        return Some((None, None));
    }
    let mut one = |v: Option<i64>, field: String, what: &str| match v.filter(|v| *v != -1) {
        None => Some(None),
        Some(v) => match u8::try_from(v) {
            Ok(v) => Some(Some(v)),
            Err(_) => {
                cx.error(field, format!("ICMP {what} {v} is outside 0-255 (-1 for all); rule skipped"));
                None
            }
        },
    };
    let r#type = one(r#type, type_field, "type")?;
    let code = one(code, code_field, "code")?;
    // All types means all codes (security-group-rules.html).
    Some((r#type, r#type.and(code)))
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

/// One ACL entry, IPv4 or IPv6, and whether it is outbound. Rules 32767 (IPv4) and 32768
/// (IPv6) are the implicit final denies, which the model adds itself.
fn acl_entry(cx: &mut Cx<'_, '_>, i: usize, e: &Value) -> Option<(bool, AclEntry)> {
    let path = format!("Entries[{i}]");
    let number = match cx.opt_int(e, &path, "RuleNumber") {
        Some(32767 | 32768) => return None,
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
        (None, Some(c)) => cx.cidr(join(&path, "Ipv6CidrBlock"), c, "entry")?,
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
        None
    };
    let icmp = e.get("IcmpTypeCode").filter(|r| !r.is_null());
    let at = join(&path, "IcmpTypeCode");
    let ty = icmp.and_then(|r| cx.opt_int(r, &at, "Type"));
    let code = icmp.and_then(|r| cx.opt_int(r, &at, "Code"));
    let fields = (join(&at, "Type"), join(&at, "Code"));
    let (icmp_type, icmp_code) = icmp_type_code(cx, protocol, (ty, code), fields)?;
    Some((egress, AclEntry { rule: number, protocol, ports, icmp_type, icmp_code, cidr, action }))
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
            vec![Route { destination: net("0.0.0.0/0").into(), target: "igw-1".into(), blackhole: false }]
        );
    }

    #[test]
    fn routes_to_unmodelled_targets_are_skipped_with_a_warning_naming_the_component() {
        let cases = [
            (
                json!({"DestinationCidrBlock": "10.9.0.0/16", "LocalGatewayId": "lgw-1"}),
                "LocalGatewayId",
                "local gateway",
            ),
            (
                json!({"DestinationIpv6CidrBlock": "::/0", "CarrierGatewayId": "cagw-1"}),
                "CarrierGatewayId",
                "carrier gateway",
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
    fn prefix_list_routes_are_imported_when_the_list_is_in_the_snapshot() {
        let (t, issues) = run(json!({
            "PrefixLists": [{"PrefixListId": "pl-partners", "PrefixListName": "partners", "Cidrs": ["10.1.0.0/16"]}],
            "InternetGateways": [{"InternetGatewayId": "igw-1", "Attachments": [{"State": "available", "VpcId": "vpc-1"}]}],
            "RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Routes": [
                {"DestinationPrefixListId": "pl-partners", "GatewayId": "igw-1"},
                {"DestinationPrefixListId": "pl-other", "GatewayId": "igw-1"}]}]}));
        let routes = &t.route_tables[0].routes;
        assert_eq!(routes.len(), 1, "{routes:#?}");
        assert_eq!(routes[0].destination, RouteDestination::PrefixList("pl-partners".into()));
        assert!(!routes[0].blackhole);
        assert_eq!(issues.len(), 1, "{issues:#?}");
        let i = issue(&issues, "rtb-1", "Routes[1].DestinationPrefixListId");
        assert_eq!(i.severity, Severity::Warning);
        assert!(i.message.contains("pl-other") && i.message.contains("not in the snapshot"), "{}", i.message);
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
    fn stopped_and_stopping_instances_are_imported_stopped() {
        let all = [
            ("i-run", "running"),
            ("i-pend", "pending"),
            ("i-stop", "stopped"),
            ("i-stopping", "stopping"),
            ("i-down", "shutting-down"),
        ];
        let instances: Vec<Value> = all
            .iter()
            .map(
                |(id, state)| json!({"InstanceId": id, "InstanceType": "t3.micro", "State": {"Name": state}}),
            )
            .collect();
        let enis: Vec<Value> = all
            .iter()
            .enumerate()
            .map(|(k, (id, _))| interface_json(&format!("eni-{k}"), id, &format!("10.0.1.{}", 10 + k)))
            .collect();
        let (t, issues) = run(json!({"Reservations": [{"ReservationId": "r-1", "Instances": instances}],
                                     "NetworkInterfaces": enis}));
        let states: Vec<(&str, InstanceState)> =
            t.instances.iter().map(|x| (x.id.as_str(), x.state)).collect();
        assert_eq!(
            states,
            [
                ("i-down", InstanceState::Stopped),
                ("i-pend", InstanceState::Running),
                ("i-run", InstanceState::Running),
                ("i-stop", InstanceState::Stopped),
                ("i-stopping", InstanceState::Stopped),
            ]
        );
        assert_eq!(issue(&issues, "i-down", "State.Name").severity, Severity::Warning);
        assert!(issues.iter().all(|i| i.object == "i-down"), "{issues:#?}");
    }

    #[test]
    fn instances_come_from_reservations_and_terminated_ones_are_skipped() {
        let (t, issues) = run(json!({
            "Reservations": [
                {"ReservationId": "r-1", "Instances": [
                    {"InstanceId": "i-1", "InstanceType": "t3.micro", "ImageId": "ami-0abc", "Tags": tags("web-1")},
                    {"InstanceId": "i-0", "InstanceType": "t3.nano", "State": {"Name": "terminated"},
                     "NetworkInterfaces": []}]}],
            "NetworkInterfaces": [interface_json("eni-1", "i-1", "10.0.1.10")]}));
        assert_eq!(
            t.instances,
            vec![Instance {
                id: "i-1".into(),
                name: Some("web-1".into()),
                instance_type: "t3.micro".into(),
                availability_zone: None,
                source_nat: false,
                ami: Some("ami-0abc".into()),
                user_data: None,
                state: InstanceState::Running,
            }]
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
    fn security_group_rules_per_range_group_and_prefix_list_with_protocols_and_ports() {
        let (t, issues) = run(json!({
            "PrefixLists": [{"PrefixListId": "pl-s3", "PrefixListName": "com.amazonaws.eu-west-3.s3",
                             "Cidrs": ["52.95.154.0/23", "3.5.224.0/22"]}],
            "SecurityGroups": [
            {"GroupId": "sg-default", "GroupName": "default", "VpcId": "vpc-1", "Tags": tags("not-default"),
             "IpPermissions": [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-default"}]}],
             "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]},
            {"GroupId": "sg-web", "GroupName": "web-sg", "VpcId": "vpc-1", "Description": "web tier",
             "IpPermissions": [
                 {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                  "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "https"}, {"CidrIp": "10.0.0.0/8"}],
                  "UserIdGroupPairs": [{"GroupId": "sg-default", "UserId": "1"}],
                  "Ipv6Ranges": [{"CidrIpv6": "::/0", "Description": "v6"}],
                  "PrefixListIds": [{"PrefixListId": "pl-1"}, {"PrefixListId": "pl-s3", "Description": "s3"}]},
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
                icmp_type: None,
                icmp_code: None,
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
                (Protocol::Tcp, Some(PortRange::single(443)), "::/0", "v6"),
                (Protocol::Tcp, Some(PortRange::single(443)), "pl-s3", "s3"),
                (Protocol::Udp, None, "10.0.0.0/8", ""),
                (Protocol::Udp, None, "10.1.0.0/16", ""),
                (Protocol::Icmp, None, "10.0.0.0/8", ""),
                (Protocol::Number(50), None, "10.0.0.0/8", ""),
            ]
        );
        assert_eq!(issues.len(), 1, "{issues:#?}");
        let i = issue(&issues, "sg-web", "IpPermissions[0].PrefixListIds[0].PrefixListId");
        assert_eq!(i.severity, Severity::Warning);
        assert!(i.message.contains("pl-1") && i.message.contains("not in the snapshot"), "{}", i.message);
        assert_eq!(t.prefix_lists.len(), 1, "the referenced list is imported");
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
    fn icmp_types_and_codes_come_from_from_port_to_port_and_icmp_type_code() {
        // security-group-rules.html: for ICMP, FromPort is the type and ToPort the code,
        // -1 meaning all; nacl-rules.html: IcmpTypeCode.
        let (t, issues) = run(json!({
            "SecurityGroups": [{"GroupId": "sg-1", "GroupName": "ping", "VpcId": "vpc-1",
             "IpPermissions": [
                 {"IpProtocol": "icmp", "FromPort": 8, "ToPort": -1, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
                 {"IpProtocol": "icmp", "FromPort": 3, "ToPort": 4, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
                 {"IpProtocol": "icmp", "FromPort": -1, "ToPort": 4, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
                 {"IpProtocol": "icmpv6", "FromPort": 300, "ToPort": -1, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}],
             "IpPermissionsEgress": []}],
            "NetworkAcls": [{"NetworkAclId": "acl-1", "VpcId": "vpc-1", "IsDefault": false,
             "Entries": [{"RuleNumber": 100, "Egress": true, "Protocol": "1", "RuleAction": "allow",
                          "CidrBlock": "0.0.0.0/0", "IcmpTypeCode": {"Type": 0, "Code": 0}}]}]}));
        let got: Vec<(Option<u8>, Option<u8>)> =
            t.security_groups[0].inbound.iter().map(|r| (r.icmp_type, r.icmp_code)).collect();
        assert_eq!(got, vec![(Some(8), None), (Some(3), Some(4)), (None, None)]);
        let e = &t.network_acls[0].outbound[0];
        assert_eq!((e.icmp_type, e.icmp_code), (Some(0), Some(0)));
        assert_eq!(issues.len(), 1, "{issues:#?}");
        let i = issue(&issues, "sg-1", "IpPermissions[3].FromPort");
        assert_eq!(i.severity, Severity::Error);
        assert!(i.message.contains("ICMP type 300 is outside 0-255"), "{}", i.message);
    }

    #[test]
    fn network_acl_entries_directions_protocols_ports_ipv6_and_the_implicit_denies() {
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
                 {"RuleNumber": 130, "Egress": true, "Protocol": "58", "RuleAction": "allow", "Ipv6CidrBlock": "2600:1f18::/56",
                  "IcmpTypeCode": {"Type": -1, "Code": -1}},
                 {"RuleNumber": 32767, "Egress": true, "Protocol": "-1", "RuleAction": "deny", "CidrBlock": "0.0.0.0/0"},
                 {"RuleNumber": 32768, "Egress": true, "Protocol": "-1", "RuleAction": "deny", "Ipv6CidrBlock": "::/0"}]}]}));
        let a = &t.network_acls[0];
        assert!(a.default);
        assert_eq!(a.name.as_deref(), Some("app"));
        assert_eq!(a.associations, vec!["subnet-a".to_string(), "subnet-b".to_string()]);
        let entry = |rule, protocol, ports, cidr: &str, action| AclEntry {
            rule,
            protocol,
            ports,
            icmp_type: None,
            icmp_code: None,
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
                entry(101, Protocol::All, None, "::/0", AclAction::Allow),
                entry(110, Protocol::Icmp, None, "0.0.0.0/0", AclAction::Allow),
                entry(120, Protocol::Number(47), None, "0.0.0.0/0", AclAction::Allow),
                entry(130, Protocol::Icmpv6, None, "2600:1f18::/56", AclAction::Allow),
            ]
        );
        assert!(issues.is_empty(), "{issues:#?}");
    }

    #[test]
    fn unmodelled_resources_get_one_warning_each_and_unknown_keys_are_ignored() {
        let (t, issues) = run(json!({
            "Vpcs": [vpc_json()],
            "DirectConnectGateways": [{"DirectConnectGatewayId": "dx-1"}, {"DirectConnectGatewayId": "dx-2"}],
            "VirtualInterfaces": [{"VirtualInterfaceId": "dxvif-1"}],
            "TargetHealthDescriptions": [{"Target": {"Id": "i-1"}}],
            "AvailabilityZones": [{"ZoneName": "us-east-1a"}],
            "DBInstances": [{"DBInstanceIdentifier": "db"}]}));
        assert_eq!(t.vpcs.len(), 1);
        let objects: Vec<&str> = issues.iter().map(|i| i.object.as_str()).collect();
        assert_eq!(objects, vec!["i-1", "dx-1", "dx-2", "dxvif-1"]);
        let i = issue(&issues, "dx-1", "DirectConnectGateways");
        assert_eq!(i.message, "Direct Connect gateways are not modelled yet; skipped");
        assert!(issue(&issues, "i-1", "TargetHealthDescriptions")
            .message
            .contains("without its target group"));
        assert!(issues.iter().all(|i| i.severity == Severity::Warning));
    }

    #[test]
    fn objects_seen_in_several_files_are_merged_by_id_first_wins() {
        let mut renamed = vpc_json();
        renamed["Tags"] = tags("second");
        let a = json!({"Vpcs": [vpc_json()], "DirectConnectGateways": [{"DirectConnectGatewayId": "dx-1"}],
                       "VpcPeeringConnections": [peering_json("pcx-1", "vpc-1", "vpc-0", "active")]});
        let b = json!({"Vpcs": [renamed, {"VpcId": "vpc-0", "CidrBlock": "10.9.0.0/16"}],
                       "DirectConnectGateways": [{"DirectConnectGatewayId": "dx-1"}],
                       "VpcPeeringConnections": [peering_json("pcx-1", "vpc-1", "vpc-0", "deleted")]});
        let (t, issues) = run_files(&[
            file("accounts/1/us-east-1/Vpcs.json", &a),
            file("accounts/2/us-east-1/Vpcs.json", &b),
        ]);
        let ids: Vec<&str> = t.vpcs.iter().map(|v| v.id.as_str()).collect();
        assert_eq!(ids, vec!["vpc-0", "vpc-1"], "sorted by id, no duplicate");
        assert_eq!(t.vpcs[1].name.as_deref(), Some("main"), "the first file wins");
        assert_eq!(issues.len(), 1, "one warning for the Direct Connect gateway seen twice: {issues:#?}");
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

    fn ipv6_set(block: &str, state: &str) -> Value {
        json!({"Ipv6CidrBlock": block, "Ipv6CidrBlockState": {"State": state}})
    }

    fn ip6(s: &str) -> Ipv6Addr {
        s.parse().unwrap_or_else(|e| unreachable!("{s}: {e}"))
    }

    #[test]
    fn ipv6_blocks_of_vpcs_and_subnets_and_addresses_of_interfaces_are_imported() {
        let mut v = vpc_json();
        v["Ipv6CidrBlockAssociationSet"] = json!([
            ipv6_set("2600:1f18:1::/56", "disassociated"),
            ipv6_set("2600:1f18:2::/56", "associated"),
            ipv6_set("2600:1f18:3::/56", "associated")
        ]);
        let mut a = subnet_json("subnet-a", "10.0.1.0/24");
        a["Ipv6CidrBlockAssociationSet"] = json!([ipv6_set("2600:1f18:2:1::/64", "associated")]);
        let mut b = subnet_json("subnet-b", "10.0.2.0/24");
        b["Ipv6CidrBlockAssociationSet"] = json!([ipv6_set("2600:1f18:3:1::/64", "associated")]);
        let mut eni = interface_json("eni-1", "i-1", "10.0.1.10");
        eni["Ipv6Addresses"] =
            json!([{"Ipv6Address": "2600:1f18:2:1::10"}, {"Ipv6Address": "2600:1f18:9::1"}]);
        let (t, issues) = run(json!({
            "Vpcs": [v], "Subnets": [a, b],
            "Reservations": [reservation_json("i-1", "t3.micro")], "NetworkInterfaces": [eni]}));
        assert_eq!(t.vpcs[0].ipv6_cidr_block, Some(net("2600:1f18:2::/56")));
        assert_eq!(t.subnets[0].ipv6_cidr_block, Some(net("2600:1f18:2:1::/64")));
        assert_eq!(t.subnets[1].ipv6_cidr_block, None, "outside the VPC block that was kept");
        assert_eq!(t.network_interfaces[0].ipv6_addresses, vec![ip6("2600:1f18:2:1::10")]);
        assert_eq!(issues.len(), 3, "{issues:#?}");
        let i = issue(&issues, "vpc-1", "Ipv6CidrBlockAssociationSet[2].Ipv6CidrBlock");
        assert!(i.message.contains("2600:1f18:3::/56 skipped"), "{}", i.message);
        assert!(issue(&issues, "subnet-b", "Ipv6CidrBlockAssociationSet").message.contains("without it"));
        assert!(issue(&issues, "eni-1", "Ipv6Addresses[1].Ipv6Address").message.contains("2600:1f18:9::1"));
        assert!(issues.iter().all(|i| i.severity == Severity::Warning));
    }

    #[test]
    fn egress_only_gateways_need_an_attached_vpc_of_the_snapshot_one_per_vpc() {
        let eigw = |id: &str, vpc: &str, state: &str| json!({"EgressOnlyInternetGatewayId": id, "Attachments": [{"State": state, "VpcId": vpc}]});
        let mut named = eigw("eigw-1", "vpc-1", "attached");
        named["Tags"] = tags("v6-out");
        let (t, issues) = run(json!({
            "Vpcs": [vpc_json()],
            "EgressOnlyInternetGateways": [named, eigw("eigw-2", "vpc-1", "attached"),
                                           eigw("eigw-3", "vpc-9", "attached"), eigw("eigw-4", "vpc-1", "detached"),
                                           {"EgressOnlyInternetGatewayId": "eigw-5"}]}));
        assert_eq!(
            t.egress_only_internet_gateways,
            vec![EgressOnlyInternetGateway {
                id: "eigw-1".into(),
                name: Some("v6-out".into()),
                vpc: "vpc-1".into()
            }]
        );
        assert!(issue(&issues, "eigw-2", "Attachments[0].VpcId").message.contains("already has"));
        assert!(issue(&issues, "eigw-3", "Attachments[0].VpcId").message.contains("vpc-9"));
        assert!(issue(&issues, "eigw-4", "Attachments").message.contains("not attached"));
        assert!(issue(&issues, "eigw-5", "Attachments").message.contains("not attached"));
        assert_eq!(issues.len(), 4, "{issues:#?}");
    }

    #[test]
    fn ipv6_routes_to_internet_egress_only_gateways_and_nat64_are_imported() {
        let (t, issues) = run(json!({
            "Vpcs": [vpc_json(), {"VpcId": "vpc-2", "CidrBlock": "10.1.0.0/16"}],
            "InternetGateways": [{"InternetGatewayId": "igw-1", "Attachments": [{"State": "available", "VpcId": "vpc-1"}]}],
            "EgressOnlyInternetGateways": [{"EgressOnlyInternetGatewayId": "eigw-1",
                                            "Attachments": [{"State": "attached", "VpcId": "vpc-1"}]},
                                           {"EgressOnlyInternetGatewayId": "eigw-2",
                                            "Attachments": [{"State": "attached", "VpcId": "vpc-2"}]}],
            "RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Routes": [
                {"DestinationIpv6CidrBlock": "2600:1f18:2::/56", "GatewayId": "local"},
                {"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": "eigw-1", "State": "active"},
                {"DestinationIpv6CidrBlock": "2001:db8::/32", "GatewayId": "igw-1", "State": "active"},
                {"DestinationIpv6CidrBlock": "2001:db9::/32", "EgressOnlyInternetGatewayId": "eigw-2"},
                {"DestinationIpv6CidrBlock": "2001:dba::/32", "EgressOnlyInternetGatewayId": "eigw-gone"},
                {"DestinationIpv6CidrBlock": "2001:dbb::/32", "GatewayId": "igw-inferred", "State": "active"}]}]}));
        let routes: Vec<(String, &str, bool)> = t.route_tables[0]
            .routes
            .iter()
            .map(|r| (r.destination.to_string(), r.target.as_str(), r.blackhole))
            .collect();
        let expected = [
            ("::/0", "eigw-1", false),
            ("2001:db8::/32", "igw-1", false),
            ("2001:db9::/32", "eigw-2", true),
            ("2001:dba::/32", "eigw-gone", true),
            ("2001:dbb::/32", "igw-inferred", false),
        ];
        assert_eq!(routes, expected.map(|(d, t, b)| (d.to_string(), t, b)));
        assert!(issue(&issues, "rtb-1", "Routes[3].EgressOnlyInternetGatewayId").message.contains("vpc-2"));
        assert!(issue(&issues, "rtb-1", "Routes[4].EgressOnlyInternetGatewayId")
            .message
            .contains("imported as blackhole"));
        assert!(issue(&issues, "rtb-1", "Routes[5].GatewayId").message.contains("inferred"));
        assert_eq!(issues.len(), 3, "{issues:#?}");
    }

    /// A dual-stack VPC with an egress-only gateway, IPv6 rules and entries builds cleanly.
    #[test]
    fn a_dual_stack_snapshot_builds_a_clean_model() {
        let mut v = vpc_json();
        v["Ipv6CidrBlockAssociationSet"] = json!([ipv6_set("2600:1f18:2::/56", "associated")]);
        let mut a = subnet_json("subnet-a", "10.0.1.0/24");
        a["Ipv6CidrBlockAssociationSet"] = json!([ipv6_set("2600:1f18:2:1::/64", "associated")]);
        let mut eni = interface_json("eni-1", "i-1", "10.0.1.10");
        eni["Ipv6Addresses"] = json!([{"Ipv6Address": "2600:1f18:2:1::10"}]);
        let mut web = group_json("sg-web", "web");
        web["IpPermissions"] = json!([{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                                        "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]);
        web["IpPermissionsEgress"] = json!([{"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]);
        let (t, issues) = run(json!({
            "Vpcs": [v], "Subnets": [a],
            "EgressOnlyInternetGateways": [{"EgressOnlyInternetGatewayId": "eigw-1",
                                            "Attachments": [{"State": "attached", "VpcId": "vpc-1"}]}],
            "RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Associations": [{"Main": true}],
                             "Routes": [{"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": "eigw-1"}]}],
            "SecurityGroups": [web],
            "Reservations": [reservation_json("i-1", "t3.micro")],
            "NetworkInterfaces": [eni],
            "NetworkAcls": [{"NetworkAclId": "acl-1", "VpcId": "vpc-1", "IsDefault": true,
                             "Associations": [{"SubnetId": "subnet-a"}],
                             "Entries": [{"RuleNumber": 101, "Egress": true, "Protocol": "-1",
                                          "RuleAction": "allow", "Ipv6CidrBlock": "::/0"},
                                         {"RuleNumber": 32768, "Egress": true, "Protocol": "-1",
                                          "RuleAction": "deny", "Ipv6CidrBlock": "::/0"}]}]}));
        assert!(issues.is_empty(), "{issues:#?}");
        let (m, diags) = crate::model::build(&t);
        assert!(diags.iter().all(|d| d.severity != Severity::Error), "{diags:#?}");
        assert_eq!(m.egress_only_gateways.len(), 1);
        assert!(matches!(
            m.route_tables[0].routes.last().map(|r| &r.target),
            Some(crate::model::Target::EgressOnlyGateway(_))
        ));
    }

    fn endpoint_json(id: &str, ty: &str, service: &str, tables: &[&str]) -> Value {
        json!({"VpcEndpointId": id, "VpcEndpointType": ty, "VpcId": "vpc-1", "State": "available",
               "ServiceName": service, "RouteTableIds": tables})
    }

    fn prefix_lists_json() -> Value {
        json!([{"PrefixListId": "pl-s3", "PrefixListName": "com.amazonaws.eu-west-3.s3",
                "Cidrs": ["52.95.154.0/23", "3.5.224.0/22"]},
               {"PrefixListId": "pl-ddb", "PrefixListName": "com.amazonaws.eu-west-3.dynamodb",
                "Cidrs": ["35.181.128.0/24"]}])
    }

    #[test]
    fn gateway_endpoints_and_prefix_lists_are_imported_and_their_routes_left_to_the_model() {
        let mut s3 = endpoint_json(
            "vpce-s3",
            "Gateway",
            "com.amazonaws.eu-west-3.s3",
            &["rtb-1", "rtb-other-vpc", "rtb-gone"],
        );
        s3["Tags"] = tags("s3");
        let mut deleted = endpoint_json("vpce-old", "Gateway", "com.amazonaws.eu-west-3.dynamodb", &[]);
        deleted["State"] = json!("deleted");
        let (t, issues) = run(json!({
            "Vpcs": [vpc_json()],
            "PrefixLists": prefix_lists_json(),
            "VpcEndpoints": [s3, deleted,
                             endpoint_json("vpce-gwlb", "GatewayLoadBalancer", "com.amazonaws.vpce.eu-west-3.vpce-svc-1", &[]),
                             endpoint_json("vpce-x", "Gateway", "com.amazonaws.eu-west-3.sqs", &[])],
            "RouteTables": [
                {"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Routes": [
                    {"DestinationPrefixListId": "pl-s3", "GatewayId": "vpce-s3", "State": "active"},
                    {"DestinationPrefixListId": "pl-ddb", "GatewayId": "vpce-old", "State": "active"}]},
                {"RouteTableId": "rtb-other-vpc", "VpcId": "vpc-2"}]}));
        assert_eq!(
            t.vpc_endpoints,
            vec![VpcEndpoint {
                id: "vpce-s3".into(),
                name: Some("s3".into()),
                vpc: "vpc-1".into(),
                service: "com.amazonaws.eu-west-3.s3".into(),
                endpoint_type: "gateway".into(),
                route_tables: vec!["rtb-1".into()],
                subnets: Vec::new(),
                security_groups: Vec::new(),
            }]
        );
        assert_eq!(
            t.prefix_lists[1],
            PrefixList {
                id: "pl-s3".into(),
                name: "com.amazonaws.eu-west-3.s3".into(),
                cidrs: vec![net("52.95.154.0/23"), net("3.5.224.0/22")],
            }
        );
        assert!(t.route_tables[0].routes.is_empty(), "prefix-list routes are the model's");
        assert!(issue(&issues, "vpce-s3", "RouteTableIds[1]").message.contains("vpc-2"));
        assert!(issue(&issues, "vpce-s3", "RouteTableIds[2]").message.contains("not imported"));
        assert!(issue(&issues, "vpce-old", "State").message.contains("deleted"));
        let i = issue(&issues, "vpce-gwlb", "VpcEndpointType");
        assert_eq!(i.message, "Gateway Load Balancer VPC endpoints are not modelled yet; skipped");
        assert!(issue(&issues, "vpce-x", "ServiceName").message.contains("sqs"));
        assert!(issue(&issues, "rtb-1", "Routes[1].GatewayId").message.contains("not imported"));
        assert_eq!(issues.len(), 6, "{issues:#?}");
        assert!(issues.iter().all(|i| i.severity == Severity::Warning));
    }

    #[test]
    fn a_gateway_endpoint_snapshot_builds_a_clean_model_with_the_prefix_list_routes() {
        let (t, issues) = run(json!({
            "Vpcs": [vpc_json()],
            "Subnets": [subnet_json("subnet-a", "10.0.1.0/24")],
            "PrefixLists": prefix_lists_json(),
            "VpcEndpoints": [endpoint_json("vpce-s3", "Gateway", "com.amazonaws.eu-west-3.s3", &["rtb-1"])],
            "RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Associations": [{"Main": true}],
                             "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local"},
                                        {"DestinationPrefixListId": "pl-s3", "GatewayId": "vpce-s3"}]}]}));
        assert!(issues.is_empty(), "{issues:#?}");
        let (m, diags) = crate::model::build(&t);
        assert!(diags.iter().all(|d| d.severity != Severity::Error), "{diags:#?}");
        assert!(diags.is_empty(), "the snapshot's prefix list is used, not illustrative ranges: {diags:#?}");
        let endpoint_routes: Vec<String> = m.route_tables[0]
            .routes
            .iter()
            .filter(|r| matches!(r.target, crate::model::Target::GatewayEndpoint(_)))
            .map(|r| r.destination.to_string())
            .collect();
        assert_eq!(endpoint_routes, vec!["52.95.154.0/23", "3.5.224.0/22"]);
    }

    /// Two VPCs (and a third in another account) on one transit gateway with two route tables.
    fn tgw_snapshot() -> Value {
        let subnet = |id: &str, vpc: &str, az: &str, cidr: &str| json!({"SubnetId": id, "VpcId": vpc, "AvailabilityZone": az, "CidrBlock": cidr});
        let vpc_attachment = |id: &str, vpc: &str, subnets: &[&str]| {
            json!({"TransitGatewayAttachmentId": id, "TransitGatewayId": "tgw-1", "VpcId": vpc,
                   "State": "available", "SubnetIds": subnets})
        };
        let attachment = |id: &str, kind: &str, resource: &str, table: Option<&str>| {
            let mut a = json!({"TransitGatewayAttachmentId": id, "TransitGatewayId": "tgw-1",
                               "ResourceType": kind, "ResourceId": resource, "State": "available"});
            if let Some(t) = table {
                a["Association"] = json!({"TransitGatewayRouteTableId": t, "State": "associated"});
            }
            a
        };
        let propagation = |a: &str, state: &str| json!({"TransitGatewayAttachmentId": a, "State": state});
        let mut named =
            vpc_attachment("tgw-attach-1", "vpc-1", &["subnet-a", "subnet-a2", "subnet-b", "subnet-x"]);
        named["Tags"] = tags("app");
        json!({
            "Vpcs": [vpc_json(), {"VpcId": "vpc-2", "CidrBlock": "10.1.0.0/16"}],
            "Subnets": [subnet("subnet-a", "vpc-1", "eu-west-3a", "10.0.1.0/24"),
                        subnet("subnet-a2", "vpc-1", "eu-west-3a", "10.0.2.0/24"),
                        subnet("subnet-b", "vpc-1", "eu-west-3b", "10.0.3.0/24"),
                        subnet("subnet-c", "vpc-2", "eu-west-3a", "10.1.1.0/24")],
            "TransitGateways": [{"TransitGatewayId": "tgw-1", "State": "available", "Tags": tags("core"),
                                 "Options": {"DefaultRouteTableAssociation": "enable",
                                             "DefaultRouteTablePropagation": "disable",
                                             "SecurityGroupReferencingSupport": "enable",
                                             "AssociationDefaultRouteTableId": "tgw-rtb-1",
                                             "PropagationDefaultRouteTableId": "tgw-rtb-1"}},
                                {"TransitGatewayId": "tgw-old", "State": "deleted"}],
            "TransitGatewayRouteTables": [
                {"TransitGatewayRouteTableId": "tgw-rtb-1", "TransitGatewayId": "tgw-1", "State": "available",
                 "Tags": tags("main")},
                {"TransitGatewayRouteTableId": "tgw-rtb-2", "TransitGatewayId": "tgw-1", "State": "available"},
                {"TransitGatewayRouteTableId": "tgw-rtb-old", "TransitGatewayId": "tgw-old", "State": "available"}],
            "TransitGatewayVpcAttachments": [named, vpc_attachment("tgw-attach-2", "vpc-2", &["subnet-c"]),
                                             vpc_attachment("tgw-attach-3", "vpc-other-account", &["subnet-z"])],
            "TransitGatewayAttachments": [attachment("tgw-attach-1", "vpc", "vpc-1", Some("tgw-rtb-1")),
                                          attachment("tgw-attach-2", "vpc", "vpc-2", Some("tgw-rtb-2")),
                                          attachment("tgw-attach-3", "vpc", "vpc-other-account", Some("tgw-rtb-1")),
                                          attachment("tgw-attach-vpn", "vpn", "vpn-1", Some("tgw-rtb-1"))],
            "TransitGatewayPropagations": [
                {"TransitGatewayRouteTableId": "tgw-rtb-1", "TransitGatewayRouteTablePropagations": [
                    propagation("tgw-attach-2", "enabled"), propagation("tgw-attach-vpn", "enabled"),
                    propagation("tgw-attach-1", "disabled")]},
                {"TransitGatewayRouteTableId": "tgw-rtb-2", "TransitGatewayRouteTablePropagations": [
                    propagation("tgw-attach-1", "enabled")]}],
            "TransitGatewayStaticRoutes": [
                {"TransitGatewayRouteTableId": "tgw-rtb-1", "Routes": [
                    {"DestinationCidrBlock": "10.99.0.0/16", "Type": "static", "State": "blackhole"},
                    {"DestinationCidrBlock": "0.0.0.0/0", "Type": "static", "State": "active",
                     "TransitGatewayAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-2",
                                                    "ResourceType": "vpc"}]},
                    {"DestinationCidrBlock": "192.168.0.0/16", "Type": "static", "State": "active",
                     "TransitGatewayAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-vpn",
                                                    "ResourceType": "vpn"}]},
                    {"DestinationCidrBlock": "10.1.0.0/16", "Type": "propagated", "State": "active",
                     "TransitGatewayAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-2"}]}]}],
            "RouteTables": [
                {"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Associations": [{"Main": true}],
                 "Routes": [{"DestinationCidrBlock": "10.1.0.0/16", "TransitGatewayId": "tgw-1", "State": "active"}]},
                {"RouteTableId": "rtb-2", "VpcId": "vpc-2", "Associations": [{"Main": true}],
                 "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "TransitGatewayId": "tgw-1", "State": "active"},
                            {"DestinationCidrBlock": "10.50.0.0/16", "TransitGatewayId": "tgw-old", "State": "active"}]}],
            "NetworkInterfaces": [
                {"NetworkInterfaceId": "eni-tgw", "SubnetId": "subnet-a", "InterfaceType": "transit_gateway",
                 "PrivateIpAddress": "10.0.1.99",
                 "Description": "Network Interface for Transit Gateway Attachment tgw-attach-1"}]})
    }

    #[test]
    fn transit_gateways_route_tables_attachments_propagations_and_static_routes_are_imported() {
        let (t, issues) = run(tgw_snapshot());
        assert_eq!(
            t.transit_gateways,
            vec![TransitGateway {
                id: "tgw-1".into(),
                name: Some("core".into()),
                default_route_table_association: true,
                default_route_table_propagation: false,
                security_group_referencing: true,
            }]
        );
        let tables: Vec<(&str, bool)> =
            t.transit_gateway_route_tables.iter().map(|r| (r.id.as_str(), r.default)).collect();
        assert_eq!(tables, vec![("tgw-rtb-1", true), ("tgw-rtb-2", false)]);
        assert_eq!(t.transit_gateway_route_tables[0].name.as_deref(), Some("main"));
        assert_eq!(
            t.transit_gateway_route_tables[0].routes,
            vec![
                TransitGatewayRoute { destination: net("10.99.0.0/16"), attachment: None, blackhole: true },
                TransitGatewayRoute {
                    destination: net("0.0.0.0/0"),
                    attachment: Some("tgw-attach-2".into()),
                    blackhole: false
                },
            ]
        );
        assert_eq!(
            t.transit_gateway_attachments,
            vec![
                TransitGatewayAttachment {
                    id: "tgw-attach-1".into(),
                    name: Some("app".into()),
                    transit_gateway: "tgw-1".into(),
                    vpc: "vpc-1".into(),
                    subnets: vec!["subnet-a".into(), "subnet-b".into()],
                    route_table: Some("tgw-rtb-1".into()),
                    propagations: Some(vec!["tgw-rtb-2".into()]),
                },
                TransitGatewayAttachment {
                    id: "tgw-attach-2".into(),
                    name: None,
                    transit_gateway: "tgw-1".into(),
                    vpc: "vpc-2".into(),
                    subnets: vec!["subnet-c".into()],
                    route_table: Some("tgw-rtb-2".into()),
                    propagations: Some(vec!["tgw-rtb-1".into()]),
                },
            ]
        );
        let routes = |i: usize| -> Vec<(&str, bool)> {
            t.route_tables[i].routes.iter().map(|r| (r.target.as_str(), r.blackhole)).collect()
        };
        assert_eq!(routes(0), vec![("tgw-1", false)]);
        assert_eq!(routes(1), vec![("tgw-1", false), ("tgw-old", true)]);
        assert!(t.network_interfaces.is_empty(), "the attachment's interface is the model's");
        for (object, field, text) in [
            ("tgw-old", "State", "deleted"),
            ("tgw-rtb-old", "TransitGatewayId", "tgw-old"),
            ("tgw-attach-1", "SubnetIds[1]", "second one in eu-west-3a"),
            ("tgw-attach-1", "SubnetIds[3]", "subnet-x"),
            ("tgw-attach-3", "VpcId", "vpc-other-account"),
            ("tgw-attach-vpn", "ResourceType", "VPN attachments are not modelled yet"),
            (
                "tgw-rtb-1",
                "Routes[2].TransitGatewayAttachments[0].TransitGatewayAttachmentId",
                "VPN attachment",
            ),
            ("rtb-2", "Routes[1].TransitGatewayId", "imported as blackhole"),
        ] {
            let i = issue(&issues, object, field);
            assert_eq!(i.severity, Severity::Warning, "{i}");
            assert!(i.message.contains(text), "{i}");
        }
        assert_eq!(issues.len(), 8, "{issues:#?}");
    }

    #[test]
    fn a_transit_gateway_snapshot_builds_a_clean_model_that_routes_between_the_vpcs() {
        let (t, _) = run(tgw_snapshot());
        let (m, diags) = crate::model::build(&t);
        assert!(diags.iter().all(|d| d.severity != Severity::Error), "{diags:#?}");
        assert_eq!(m.tgw_attachments.len(), 2);
        let propagated: Vec<(String, bool)> =
            m.tgw_route_tables[1].routes.iter().map(|r| (r.destination.to_string(), r.propagated)).collect();
        assert_eq!(propagated, vec![("10.0.0.0/16".to_string(), true)], "only attachment 1 propagates here");
        assert!(m.tgw_referencing_between(crate::model::VpcIx(0), crate::model::VpcIx(1)));
    }

    #[test]
    fn an_attachment_without_association_stays_without_one() {
        let mut v = tgw_snapshot();
        v["TransitGatewayAttachments"][1]["Association"] = Value::Null;
        let (t, issues) = run(v);
        assert_eq!(t.transit_gateway_attachments[1].route_table, None);
        assert!(!t.transit_gateways[0].default_route_table_association);
        let i = issue(&issues, "tgw-1", "Options.DefaultRouteTableAssociation");
        assert!(i.message.contains("tgw-attach-2"), "{}", i.message);
        let (m, diags) = crate::model::build(&t);
        assert!(diags.iter().all(|d| d.severity != Severity::Error), "{diags:#?}");
        assert_eq!(m.tgw_attachments[1].route_table, None, "the default table is not applied again");
    }

    #[test]
    fn inbound_group_references_across_a_referencing_transit_gateway_are_imported() {
        let mut v = tgw_snapshot();
        let mut a = group_json("sg-a", "a");
        a["IpPermissions"] = json!([{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                                      "UserIdGroupPairs": [{"GroupId": "sg-b"}]}]);
        a["IpPermissionsEgress"] = json!([{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                                            "UserIdGroupPairs": [{"GroupId": "sg-b"}]}]);
        let mut b = group_json("sg-b", "b");
        b["VpcId"] = json!("vpc-2");
        v["SecurityGroups"] = json!([a, b]);
        let (t, issues) = run(v);
        assert_eq!(t.security_groups[0].inbound.len(), 1);
        assert!(
            t.security_groups[0].outbound.is_empty(),
            "outbound references do not cross a transit gateway"
        );
        assert!(issue(&issues, "sg-a", "IpPermissionsEgress[0].UserIdGroupPairs[0].GroupId")
            .message
            .contains("transit gateway"));
    }

    const ALB: &str = "arn:aws:elasticloadbalancing:eu-west-3:111:loadbalancer/app/web/abc";
    const NLB: &str = "arn:aws:elasticloadbalancing:eu-west-3:111:loadbalancer/net/edge/def";

    fn tg_arn(name: &str) -> String {
        format!("arn:aws:elasticloadbalancing:eu-west-3:111:targetgroup/{name}/0123")
    }

    fn zone_subnet_json(id: &str, az: &str, cidr: &str) -> Value {
        json!({"SubnetId": id, "VpcId": "vpc-1", "AvailabilityZone": az, "CidrBlock": cidr})
    }

    /// A VPC over two zones, with an app instance in each and a group for each tier.
    fn elb_base() -> Value {
        let mut app_b = interface_json("eni-app-b", "i-b", "10.0.11.10");
        app_b["SubnetId"] = json!("subnet-app-b");
        let mut app_a = interface_json("eni-app-a", "i-a", "10.0.10.10");
        app_a["SubnetId"] = json!("subnet-app-a");
        json!({
            "Vpcs": [vpc_json()],
            "Subnets": [zone_subnet_json("subnet-a", "eu-west-3a", "10.0.0.0/24"),
                        zone_subnet_json("subnet-b", "eu-west-3b", "10.0.1.0/24"),
                        zone_subnet_json("subnet-a2", "eu-west-3a", "10.0.2.0/24"),
                        zone_subnet_json("subnet-app-a", "eu-west-3a", "10.0.10.0/24"),
                        zone_subnet_json("subnet-app-b", "eu-west-3b", "10.0.11.0/24")],
            "SecurityGroups": [group_json("sg-lb", "lb"), group_json("sg-web", "web")],
            "Reservations": [reservation_json("i-a", "t3.micro"), reservation_json("i-b", "t3.micro")],
            "NetworkInterfaces": [app_a, app_b]})
    }

    /// A load balancer node's interface, as AWS lists it.
    fn node_json(id: &str, arn: &str, subnet: &str, address: &str, public: Option<&str>) -> Value {
        let mut e = json!({"NetworkInterfaceId": id, "SubnetId": subnet, "InterfaceType": "interface",
                           "Description": format!("ELB {}", elb_suffix(arn).unwrap_or_default()),
                           "PrivateIpAddress": address, "RequesterManaged": true,
                           "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": address}],
                           "Groups": [{"GroupId": "sg-lb"}], "Attachment": {"DeviceIndex": 1}});
        if let Some(p) = public {
            e["Association"] = json!({"PublicIp": p, "IpOwnerId": "amazon"});
            e["PrivateIpAddresses"][0]["Association"] = json!({"PublicIp": p, "IpOwnerId": "amazon"});
        }
        e
    }

    fn target_group_json(name: &str, protocol: &str, port: u16, kind: &str) -> Value {
        json!({"TargetGroupArn": tg_arn(name), "TargetGroupName": name, "Protocol": protocol, "Port": port,
               "TargetType": kind, "VpcId": "vpc-1"})
    }

    fn health_json(id: &str, port: u16, state: &str) -> Value {
        json!({"Target": {"Id": id, "Port": port}, "TargetHealth": {"State": state}})
    }

    fn push(v: &mut Value, key: &str, item: Value) {
        match v.get_mut(key).and_then(Value::as_array_mut) {
            Some(list) => list.push(item),
            None => v[key] = json!([item]),
        }
    }

    fn alb_snapshot() -> Value {
        let mut v = elb_base();
        push(
            &mut v,
            "NetworkInterfaces",
            node_json("eni-node-a", ALB, "subnet-a", "10.0.0.57", Some("3.3.3.1")),
        );
        push(
            &mut v,
            "NetworkInterfaces",
            node_json("eni-node-b", ALB, "subnet-b", "10.0.1.88", Some("3.3.3.2")),
        );
        v["LoadBalancers"] = json!([{
            "LoadBalancerArn": ALB, "LoadBalancerName": "web", "Type": "application", "Scheme": "internet-facing",
            "VpcId": "vpc-1", "State": {"Code": "active"}, "SecurityGroups": ["sg-lb", "sg-elsewhere"],
            "AvailabilityZones": [{"ZoneName": "eu-west-3a", "SubnetId": "subnet-a", "LoadBalancerAddresses": []},
                                  {"ZoneName": "eu-west-3b", "SubnetId": "subnet-b", "LoadBalancerAddresses": []}]}]);
        v["LoadBalancerAttributes"] = json!([{"LoadBalancerArn": ALB, "Attributes": [
            {"Key": "deletion_protection.enabled", "Value": "false"},
            {"Key": "load_balancing.cross_zone.enabled", "Value": "false"}]}]);
        v["LoadBalancerListeners"] = json!([{"LoadBalancerArn": ALB, "Listeners": [
            {"ListenerArn": "arn:listener/443", "LoadBalancerArn": ALB, "Protocol": "HTTPS", "Port": 443,
             "DefaultActions": [{"Type": "authenticate-oidc", "Order": 1},
                                {"Type": "forward", "Order": 2, "TargetGroupArn": tg_arn("app")}]},
            {"ListenerArn": "arn:listener/80", "LoadBalancerArn": ALB, "Protocol": "HTTP", "Port": 80,
             "DefaultActions": [{"Type": "redirect", "Order": 1}]}]}]);
        v["Listeners"] = json!([
            {"ListenerArn": "arn:listener/443", "LoadBalancerArn": ALB, "Protocol": "HTTPS", "Port": 443,
             "DefaultActions": [{"Type": "forward", "TargetGroupArn": tg_arn("app")}]},
            {"ListenerArn": "arn:listener/8080", "LoadBalancerArn": ALB, "Protocol": "HTTP", "Port": 8080,
             "DefaultActions": [{"Type": "forward", "ForwardConfig": {"TargetGroups": [
                 {"TargetGroupArn": tg_arn("app"), "Weight": 90}, {"TargetGroupArn": tg_arn("canary"), "Weight": 10}]}}]}]);
        v["TargetGroups"] = json!([target_group_json("app", "HTTP", 80, "instance")]);
        v["LoadBalancerTargetHealth"] = json!([{"TargetGroupArn": tg_arn("app"), "TargetHealthDescriptions": [
            health_json("i-a", 80, "healthy"), health_json("i-b", 8080, "unhealthy")]}]);
        v
    }

    #[test]
    fn a_load_balancer_takes_subnets_nodes_groups_listeners_and_cross_zone_and_its_interfaces_are_nodes() {
        let (t, issues) = run(alb_snapshot());
        assert_eq!(
            t.load_balancers,
            vec![LoadBalancer {
                id: "web".into(),
                name: Some("web".into()),
                lb_type: "application".into(),
                scheme: "internet-facing".into(),
                vpc: "vpc-1".into(),
                subnets: vec!["subnet-a".into(), "subnet-b".into()],
                security_groups: vec!["sg-lb".into()],
                listeners: vec![
                    Listener { protocol: "HTTPS".into(), port: 443, target_group: "app".into() },
                    Listener { protocol: "HTTP".into(), port: 8080, target_group: "app".into() },
                ],
                cross_zone: Some(false),
                nodes: vec![
                    LoadBalancerNode {
                        subnet: "subnet-a".into(),
                        private_ip: Some(ip("10.0.0.57")),
                        public_ip: Some(ip("3.3.3.1"))
                    },
                    LoadBalancerNode {
                        subnet: "subnet-b".into(),
                        private_ip: Some(ip("10.0.1.88")),
                        public_ip: Some(ip("3.3.3.2"))
                    },
                ],
            }]
        );
        let enis: Vec<&str> = t.network_interfaces.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(enis, vec!["eni-app-a", "eni-app-b"], "the nodes' interfaces are the model's");
        let lb = ALB;
        for (object, field, text) in [
            (lb, "SecurityGroups[1]", "sg-elsewhere"),
            (lb, "Listeners[0].DefaultActions[0].Type", "authentication is not modelled yet"),
            (lb, "Listeners[1].DefaultActions[0].Type", "redirect actions are not modelled yet"),
            ("arn:listener/8080", "DefaultActions[0].ForwardConfig.TargetGroups", "only the first"),
        ] {
            let i = issue(&issues, object, field);
            assert_eq!(i.severity, Severity::Warning, "{i}");
            assert!(i.message.contains(text), "{i}");
        }
        assert_eq!(issues.len(), 4, "the listener in both lists counts once: {issues:#?}");
        let (m, diags) = crate::model::build(&t);
        assert!(diags.iter().all(|d| d.severity != Severity::Error), "{diags:#?}");
        assert_eq!(m.load_balancers[0].nodes.len(), 2);
    }

    #[test]
    fn target_groups_take_targets_with_their_health_and_skip_what_is_not_modelled() {
        let mut v = alb_snapshot();
        v["TargetGroups"] = json!([
            target_group_json("app", "HTTP", 80, "instance"),
            target_group_json("ips", "TCP", 443, "ip"),
            target_group_json("fn", "HTTP", 80, "lambda"),
            {"TargetGroupArn": tg_arn("elsewhere"), "TargetGroupName": "elsewhere", "Protocol": "TCP",
             "Port": 80, "TargetType": "instance", "VpcId": "vpc-2"},
            target_group_json("web", "TCP", 80, "instance")]);
        v["TargetGroupAttributes"] = json!([{"TargetGroupArn": tg_arn("ips"), "Attributes": [
            {"Key": "preserve_client_ip.enabled", "Value": "true"}]}]);
        let unused = |id: &str, reason: &str| json!({"Target": {"Id": id, "Port": 80}, "TargetHealth": {"State": "unused", "Reason": reason}});
        v["LoadBalancerTargetHealth"] = json!([
            {"TargetGroupArn": tg_arn("app"), "TargetHealthDescriptions": [
                health_json("i-a", 80, "healthy"), health_json("i-b", 80, "draining"),
                health_json("i-gone", 80, "healthy"), health_json("i-a", 80, "healthy")]},
            {"TargetGroupArn": tg_arn("ips"), "TargetHealthDescriptions": [
                health_json("10.0.10.10", 443, "initial"), health_json("10.0.11.10", 8443, "unhealthy.draining"),
                health_json("192.168.1.5", 443, "healthy"), health_json("not-an-ip", 443, "healthy")]},
            {"TargetGroupArn": tg_arn("web"), "TargetHealthDescriptions": [
                unused("i-a", "Target.NotInUse"), unused("i-b", "Target.InvalidState")]},
            {"TargetGroupArn": tg_arn("gone"), "TargetHealthDescriptions": []}]);
        let (t, issues) = run(v);
        let target = |id: &str, port: Option<u16>, healthy: bool| TargetSpec { id: id.into(), port, healthy };
        let groups: Vec<(&str, &str, Vec<TargetSpec>, Option<bool>)> = t
            .target_groups
            .iter()
            .map(|g| (g.id.as_str(), g.target_type.as_str(), g.targets.clone(), g.preserve_client_ip))
            .collect();
        assert_eq!(
            groups,
            vec![
                ("app", "instance", vec![target("i-a", None, true), target("i-b", None, false)], None),
                (
                    "ips",
                    "ip",
                    vec![target("10.0.10.10", None, true), target("10.0.11.10", Some(8443), false)],
                    Some(true)
                ),
                ("web/0123", "instance", vec![target("i-a", None, true), target("i-b", None, false)], None),
            ],
            "a target group named like a load balancer keeps the end of its ARN as id"
        );
        assert_eq!(t.target_groups[2].name.as_deref(), Some("web"));
        let health = "TargetHealthDescriptions";
        for (object, field, text) in [
            (tg_arn("fn"), "TargetType", "Lambda function targets are not modelled yet"),
            (tg_arn("elsewhere"), "VpcId", "vpc-2 was not imported"),
            (tg_arn("app"), &format!("{health}[2].Target.Id") as &str, "instance i-gone was not imported"),
            (tg_arn("ips"), &format!("{health}[0].TargetHealth.State"), "imported as healthy"),
            (tg_arn("ips"), &format!("{health}[2].Target.Id"), "peered VPC or on premises"),
            (tg_arn("gone"), "TargetGroupArn", "not in the snapshot"),
        ] {
            let i = issue(&issues, &object, field);
            assert_eq!(i.severity, Severity::Warning, "{i}");
            assert!(i.message.contains(text), "{i}");
        }
        let i = issue(&issues, &tg_arn("ips"), &format!("{health}[3].Target.Id"));
        assert_eq!(i.severity, Severity::Error);
        let (_, diags) = crate::model::build(&t);
        assert!(diags.iter().all(|d| d.severity != Severity::Error), "{diags:#?}");
    }

    #[test]
    fn an_nlb_takes_its_addresses_from_load_balancer_addresses_and_its_elastic_ips_stay_with_the_nodes() {
        let mut v = elb_base();
        push(
            &mut v,
            "NetworkInterfaces",
            node_json("eni-nlb-a", NLB, "subnet-a", "10.0.0.99", Some("15.0.0.1")),
        );
        v["NetworkInterfaces"][2]["InterfaceType"] = json!("network_load_balancer");
        v["Addresses"] = json!([{"AllocationId": "eipalloc-nlb", "PublicIp": "15.0.0.1",
                                  "NetworkInterfaceId": "eni-nlb-a", "PrivateIpAddress": "10.0.0.99"}]);
        v["LoadBalancers"] = json!([{
            "LoadBalancerArn": NLB, "LoadBalancerName": "edge", "Type": "network", "VpcId": "vpc-1",
            "AvailabilityZones": [
                {"SubnetId": "subnet-a", "LoadBalancerAddresses": [{"IpAddress": "15.0.0.1", "AllocationId": "eipalloc-nlb"}]},
                {"SubnetId": "subnet-a2", "LoadBalancerAddresses": []},
                {"SubnetId": "subnet-b", "LoadBalancerAddresses": [{"PrivateIPv4Address": "10.0.1.20"}]},
                {"SubnetId": "subnet-gone"}]}]);
        v["TargetGroups"] = json!([target_group_json("tcp", "TCP", 80, "instance")]);
        v["Listeners"] = json!([{"ListenerArn": "arn:listener/1", "LoadBalancerArn": NLB, "Protocol": "TCP",
                                 "Port": 80, "DefaultActions": [{"Type": "forward", "TargetGroupArn": tg_arn("tcp")}]},
                                {"ListenerArn": "arn:listener/2", "LoadBalancerArn": NLB, "Protocol": "HTTP",
                                 "Port": 81, "DefaultActions": [{"Type": "forward", "TargetGroupArn": tg_arn("tcp")}]},
                                {"ListenerArn": "arn:listener/3", "LoadBalancerArn": "arn:other", "Protocol": "TCP",
                                 "Port": 82, "DefaultActions": []}]);
        let (t, issues) = run(v);
        let lb = &t.load_balancers[0];
        assert_eq!((lb.scheme.as_str(), lb.cross_zone), ("internet-facing", None));
        assert_eq!(lb.subnets, vec!["subnet-a".to_string(), "subnet-b".to_string()]);
        assert_eq!(
            lb.nodes,
            vec![
                LoadBalancerNode {
                    subnet: "subnet-a".into(),
                    private_ip: Some(ip("10.0.0.99")),
                    public_ip: Some(ip("15.0.0.1"))
                },
                LoadBalancerNode {
                    subnet: "subnet-b".into(),
                    private_ip: Some(ip("10.0.1.20")),
                    public_ip: None
                },
            ]
        );
        assert_eq!(
            lb.listeners,
            vec![Listener { protocol: "TCP".into(), port: 80, target_group: "tcp".into() }]
        );
        assert!(t.elastic_ips.is_empty(), "the node holds the address");
        assert!(issue(&issues, "eipalloc-nlb", "NetworkInterfaceId")
            .message
            .contains("node of load balancer edge"));
        assert!(issue(&issues, NLB, "AvailabilityZones[1].SubnetId")
            .message
            .contains("second one in eu-west-3a"));
        assert!(issue(&issues, NLB, "AvailabilityZones[3].SubnetId").message.contains("subnet-gone"));
        assert!(issue(&issues, "arn:listener/2", "Protocol").message.contains("Network Load Balancer"));
        assert!(issue(&issues, "arn:listener/3", "LoadBalancerArn").message.contains("not in the snapshot"));
        assert_eq!(issues.len(), 5, "{issues:#?}");
        let (_, diags) = crate::model::build(&t);
        assert!(diags.iter().all(|d| d.severity != Severity::Error), "{diags:#?}");
    }

    #[test]
    fn load_balancers_that_cannot_be_modelled_are_skipped_and_their_interfaces_too() {
        let mut v = elb_base();
        let lb = |arn: &str, ty: &str, vpc: &str, subnets: &[&str]| {
            let zones: Vec<Value> = subnets.iter().map(|s| json!({"SubnetId": s})).collect();
            json!({"LoadBalancerArn": arn, "LoadBalancerName": arn.rsplit('/').nth(1), "Type": ty,
                   "VpcId": vpc, "AvailabilityZones": zones})
        };
        let arn = |kind: &str, name: &str| {
            format!("arn:aws:elasticloadbalancing:eu-west-3:111:loadbalancer/{kind}/{name}/1")
        };
        let mut failed = lb(&arn("net", "failed"), "network", "vpc-1", &["subnet-a"]);
        failed["State"] = json!({"Code": "failed"});
        v["LoadBalancers"] = json!([
            lb(&arn("gwy", "inspect"), "gateway", "vpc-1", &["subnet-a"]),
            lb(&arn("app", "lonely"), "application", "vpc-1", &["subnet-a", "subnet-a2"]),
            lb(&arn("app", "away"), "application", "vpc-2", &["subnet-x", "subnet-y"]),
            failed
        ]);
        push(
            &mut v,
            "NetworkInterfaces",
            node_json("eni-lonely", &arn("app", "lonely"), "subnet-a", "10.0.0.5", None),
        );
        push(
            &mut v,
            "NetworkInterfaces",
            node_json("eni-classic", "ELB classic", "subnet-a", "10.0.0.6", None),
        );
        v["NetworkInterfaces"][3]["Description"] = json!("ELB classic");
        v["LoadBalancerAttributes"] = json!([{"LoadBalancerArn": "arn:gone", "Attributes": []}]);
        let (t, issues) = run(v);
        assert!(t.load_balancers.is_empty());
        assert_eq!(t.network_interfaces.len(), 2, "nodes are never plain interfaces");
        for (object, field, text) in [
            (arn("gwy", "inspect"), "Type", "Gateway Load Balancers are not modelled yet"),
            (arn("app", "lonely"), "AvailabilityZones[1].SubnetId", "second one"),
            (arn("app", "lonely"), "AvailabilityZones", "two Availability Zones"),
            (arn("app", "away"), "VpcId", "vpc-2 was not imported"),
            (arn("net", "failed"), "State.Code", "failed"),
            (
                "eni-lonely".into(),
                "Description",
                "node of load balancer app/lonely/1, which was not imported",
            ),
            ("eni-classic".into(), "Description", "node of load balancer classic"),
            ("arn:gone".into(), "LoadBalancerArn", "its attributes are skipped"),
        ] {
            let i = issue(&issues, &object, field);
            assert_eq!(i.severity, Severity::Warning, "{i}");
            assert!(i.message.contains(text), "{i}");
        }
        assert_eq!(issues.len(), 8, "{issues:#?}");
    }

    fn vpn_snapshot() -> Value {
        json!({
            "Vpcs": [vpc_json(), {"VpcId": "vpc-2", "CidrBlock": "10.1.0.0/16"}],
            "VpnGateways": [
                {"VpnGatewayId": "vgw-1", "State": "available", "Tags": tags("onprem"),
                 "VpcAttachments": [{"State": "detached", "VpcId": "vpc-2"}, {"State": "attached", "VpcId": "vpc-1"}]},
                {"VpnGatewayId": "vgw-spare", "State": "available", "VpcAttachments": []},
                {"VpnGatewayId": "vgw-away", "VpcAttachments": [{"State": "attached", "VpcId": "vpc-9"}]},
                {"VpnGatewayId": "vgw-old", "State": "deleted"}],
            "CustomerGateways": [
                {"CustomerGatewayId": "cgw-1", "IpAddress": "203.0.113.1", "State": "available"},
                {"CustomerGatewayId": "cgw-v6", "IpAddress": "2001:db8::1"},
                {"CustomerGatewayId": "cgw-cert", "State": "available"}],
            "VpnConnections": [
                {"VpnConnectionId": "vpn-1", "State": "available", "VpnGatewayId": "vgw-1", "CustomerGatewayId": "cgw-1",
                 "Options": {"StaticRoutesOnly": true}, "Tags": tags("dc"),
                 "Routes": [{"DestinationCidrBlock": "192.168.0.0/16", "State": "available"},
                            {"DestinationCidrBlock": "172.16.0.0/12", "State": "deleted"},
                            {"DestinationCidrBlock": "10.0.0.0/8", "State": "available"},
                            {"DestinationCidrBlock": "192.168.0.0/16"},
                            {"DestinationCidrBlock": "172.31.0.1/16", "State": "available"}],
                 "VgwTelemetry": [{"Status": "UP"}, {"Status": "DOWN"}]},
                {"VpnConnectionId": "vpn-bgp", "State": "available", "VpnGatewayId": "vgw-spare",
                 "CustomerGatewayId": "cgw-1", "Options": {"StaticRoutesOnly": false}, "Routes": [],
                 "VgwTelemetry": [{"Status": "DOWN"}, {"Status": "DOWN"}]},
                {"VpnConnectionId": "vpn-tgw", "State": "available", "TransitGatewayId": "tgw-1", "CustomerGatewayId": "cgw-1"},
                {"VpnConnectionId": "vpn-v6", "State": "available", "VpnGatewayId": "vgw-1", "CustomerGatewayId": "cgw-v6"},
                {"VpnConnectionId": "vpn-old", "State": "deleted", "VpnGatewayId": "vgw-old", "CustomerGatewayId": "cgw-1"}],
            "RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Associations": [{"Main": true}],
                "PropagatingVgws": [{"GatewayId": "vgw-1"}, {"GatewayId": "vgw-spare"}],
                "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable"},
                           {"DestinationCidrBlock": "192.168.0.0/16", "GatewayId": "vgw-1", "State": "active",
                            "Origin": "EnableVgwRoutePropagation"},
                           {"DestinationCidrBlock": "172.20.0.0/16", "GatewayId": "vgw-1", "State": "active",
                            "Origin": "EnableVgwRoutePropagation"},
                           {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "vgw-1", "State": "active"},
                           {"DestinationCidrBlock": "100.64.0.0/16", "GatewayId": "vgw-away", "State": "active"}]}]})
    }

    #[test]
    fn vpn_gateways_customer_gateways_connections_and_propagation_are_imported() {
        let (t, issues) = run(vpn_snapshot());
        assert_eq!(
            t.vpn_gateways,
            vec![
                VpnGateway { id: "vgw-1".into(), name: Some("onprem".into()), vpc: Some("vpc-1".into()) },
                VpnGateway { id: "vgw-away".into(), name: None, vpc: None },
                VpnGateway { id: "vgw-spare".into(), name: None, vpc: None },
            ]
        );
        assert_eq!(
            t.customer_gateways,
            vec![CustomerGateway { id: "cgw-1".into(), name: None, ip_address: ip("203.0.113.1") }]
        );
        assert_eq!(
            t.vpn_connections,
            vec![
                VpnConnection {
                    id: "vpn-1".into(),
                    name: Some("dc".into()),
                    vpn_gateway: "vgw-1".into(),
                    customer_gateway: "cgw-1".into(),
                    routes: vec![net("192.168.0.0/16")],
                    bgp_routes: Vec::new(),
                },
                VpnConnection {
                    id: "vpn-bgp".into(),
                    name: None,
                    vpn_gateway: "vgw-spare".into(),
                    customer_gateway: "cgw-1".into(),
                    routes: Vec::new(),
                    bgp_routes: Vec::new(),
                },
            ]
        );
        let r = &t.route_tables[0];
        assert_eq!(r.propagating_gateways, vec!["vgw-1".to_string()]);
        let routes: Vec<(String, &str, bool)> =
            r.routes.iter().map(|x| (x.destination.to_string(), x.target.as_str(), x.blackhole)).collect();
        assert_eq!(
            routes,
            vec![
                ("172.20.0.0/16".to_string(), "vgw-1", false),
                ("0.0.0.0/0".to_string(), "vgw-1", false),
                ("100.64.0.0/16".to_string(), "vgw-away", true),
            ],
            "the propagated route of vpn-1 is the model's"
        );
        for (object, field, text) in [
            ("vgw-away", "VpcAttachments[0].VpcId", "imported detached"),
            ("vgw-old", "State", "deleted"),
            ("cgw-v6", "IpAddress", "IPv6"),
            ("cgw-cert", "IpAddress", "no IP address"),
            ("vpn-1", "Routes[2].DestinationCidrBlock", "overlaps VPC vpc-1"),
            ("vpn-1", "Routes[4].DestinationCidrBlock", "host bits"),
            ("vpn-bgp", "Options.StaticRoutesOnly", "empty bgp_routes"),
            ("vpn-bgp", "VgwTelemetry", "every tunnel is DOWN"),
            ("vpn-tgw", "TransitGatewayId", "transit gateway"),
            ("vpn-v6", "CustomerGatewayId", "cgw-v6 was not imported"),
            ("vpn-old", "State", "deleted"),
            ("rtb-1", "PropagatingVgws[1].GatewayId", "not attached to a VPC"),
            ("rtb-1", "Routes[2].Origin", "imported as a static route"),
            ("rtb-1", "Routes[4].GatewayId", "imported as blackhole"),
        ] {
            let i = issue(&issues, object, field);
            assert_eq!(i.severity, Severity::Warning, "{i}");
            assert!(i.message.contains(text), "{i}");
        }
        assert_eq!(issues.len(), 14, "{issues:#?}");
        let (m, diags) = crate::model::build(&t);
        assert!(diags.iter().all(|d| d.severity != Severity::Error), "{diags:#?}");
        let propagated: Vec<String> = m.route_tables[0]
            .routes
            .iter()
            .filter(|r| r.propagated)
            .map(|r| r.destination.to_string())
            .collect();
        assert_eq!(propagated, vec!["192.168.0.0/16"]);
    }

    #[test]
    fn an_interface_endpoint_takes_subnets_and_groups_and_its_interfaces_are_the_model_s() {
        let mut v = elb_base();
        let mut endpoint = endpoint_json("vpce-if", "Interface", "com.amazonaws.eu-west-3.ssm", &[]);
        endpoint["SubnetIds"] = json!(["subnet-a", "subnet-a2", "subnet-b", "subnet-gone"]);
        endpoint["Groups"] = json!([{"GroupId": "sg-web", "GroupName": "web"}, {"GroupId": "sg-other"}]);
        endpoint["NetworkInterfaceIds"] = json!(["eni-vpce-a"]);
        let mut empty = endpoint_json("vpce-empty", "Interface", "com.amazonaws.eu-west-3.ssm", &[]);
        empty["SubnetIds"] = json!(["subnet-gone"]);
        v["VpcEndpoints"] = json!([endpoint, empty]);
        let mut a = interface_json("eni-vpce-a", "i-none", "10.0.0.40");
        a["InterfaceType"] = json!("vpc_endpoint");
        a["Attachment"] = Value::Null;
        let mut b = a.clone();
        b["NetworkInterfaceId"] = json!("eni-vpce-b");
        b["SubnetId"] = json!("subnet-b");
        b["Description"] = json!("VPC Endpoint Interface vpce-if");
        let mut c = a.clone();
        c["NetworkInterfaceId"] = json!("eni-vpce-c");
        c["Description"] = json!("VPC Endpoint Interface vpce-empty");
        push(&mut v, "NetworkInterfaces", a);
        push(&mut v, "NetworkInterfaces", b);
        push(&mut v, "NetworkInterfaces", c);
        let (t, issues) = run(v);
        assert_eq!(
            t.vpc_endpoints,
            vec![VpcEndpoint {
                id: "vpce-if".into(),
                name: None,
                vpc: "vpc-1".into(),
                service: "com.amazonaws.eu-west-3.ssm".into(),
                endpoint_type: "interface".into(),
                route_tables: Vec::new(),
                subnets: vec!["subnet-a".into(), "subnet-b".into()],
                security_groups: vec!["sg-web".into()],
            }]
        );
        assert_eq!(t.network_interfaces.len(), 2, "the endpoints' interfaces are not imported");
        for (object, field, text) in [
            ("vpce-if", "SubnetIds[1]", "second one in eu-west-3a"),
            ("vpce-if", "SubnetIds[3]", "subnet-gone was not imported"),
            ("vpce-if", "Groups[1].GroupId", "sg-other"),
            ("vpce-empty", "SubnetIds[0]", "subnet-gone"),
            ("vpce-empty", "SubnetIds", "endpoint skipped"),
            ("eni-vpce-c", "InterfaceType", "interface VPC endpoint that was not imported"),
        ] {
            let i = issue(&issues, object, field);
            assert_eq!(i.severity, Severity::Warning, "{i}");
            assert!(i.message.contains(text), "{i}");
        }
        assert_eq!(issues.len(), 6, "{issues:#?}");
        let (m, diags) = crate::model::build(&t);
        assert!(diags.iter().all(|d| d.severity != Severity::Error), "{diags:#?}");
        assert_eq!(m.interfaces.iter().filter(|e| e.endpoint.is_some()).count(), 2);
    }
}
