//! Diagnostics: what is wrong with a topology, located at an entity and a field.
//!
//! Building a model never fails; it returns the model and these (rust-analyzer's
//! "parsing never fails" idea), so a half-built topology in the editor still analyses
//! as far as it can, and every message can be clicked through to the thing it names.

use serde::Serialize;
use std::fmt;

/// How bad a diagnostic is. `vpclab check` exits 1 when any is an [`Severity::Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// AWS would refuse this configuration.
    Error,
    /// AWS accepts it, but it is probably not what was meant.
    Warning,
}

/// The kind of entity a diagnostic, hop or explanation names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Topology,
    Vpc,
    Subnet,
    RouteTable,
    InternetGateway,
    EgressOnlyInternetGateway,
    Instance,
    NetworkInterface,
    ElasticIp,
    SecurityGroup,
    NetworkAcl,
    NatGateway,
    VpcPeeringConnection,
    VpcEndpoint,
    VpnGateway,
    VpnConnection,
    LoadBalancer,
    TargetGroup,
    TransitGateway,
    TransitGatewayAttachment,
    TransitGatewayRouteTable,
    AutoScalingGroup,
    /// A host on the internet (an endpoint, not a resource).
    Internet,
}

impl Kind {
    /// The noun AWS's console uses, for messages.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Topology => "topology",
            Kind::Vpc => "VPC",
            Kind::Subnet => "subnet",
            Kind::RouteTable => "route table",
            Kind::InternetGateway => "internet gateway",
            Kind::EgressOnlyInternetGateway => "egress-only internet gateway",
            Kind::Instance => "instance",
            Kind::NetworkInterface => "network interface",
            Kind::ElasticIp => "Elastic IP",
            Kind::SecurityGroup => "security group",
            Kind::NetworkAcl => "network ACL",
            Kind::NatGateway => "NAT gateway",
            Kind::VpcPeeringConnection => "peering connection",
            Kind::VpcEndpoint => "VPC endpoint",
            Kind::VpnGateway => "virtual private gateway",
            Kind::LoadBalancer => "load balancer",
            Kind::AutoScalingGroup => "Auto Scaling group",
            Kind::TargetGroup => "target group",
            Kind::VpnConnection => "VPN connection",
            Kind::TransitGateway => "transit gateway",
            Kind::TransitGatewayAttachment => "transit gateway attachment",
            Kind::TransitGatewayRouteTable => "transit gateway route table",
            Kind::Internet => "internet",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.noun())
    }
}

/// One problem, at one entity and field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub kind: Kind,
    /// The resource id of the entity (what the editor selects).
    pub entity: String,
    /// How people know the entity: its Name when it has one, else its id.
    pub label: String,
    /// The topology field at fault, e.g. `cidr_block` or `routes[2].target`.
    pub field: String,
    /// Lowercase, no trailing period, self-contained.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}: {} \"{}\" ({}): {}", self.kind, self.label, self.field, self.message)
    }
}

/// Collects diagnostics while a model is built.
#[derive(Debug, Default)]
pub(crate) struct Diagnostics(pub(crate) Vec<Diagnostic>);

impl Diagnostics {
    pub(crate) fn push(
        &mut self,
        severity: Severity,
        kind: Kind,
        id: &str,
        name: Option<&str>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.0.push(Diagnostic {
            severity,
            kind,
            entity: id.to_string(),
            label: label(id, name),
            field: field.into(),
            message: message.into(),
        });
    }
}

/// How a resource is shown to people: its Name tag if set, else its id.
pub fn label(id: &str, name: Option<&str>) -> String {
    match name {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => id.to_string(),
    }
}
