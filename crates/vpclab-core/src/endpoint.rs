//! Endpoints: what `--from` and `--to` may name, resolved against a model.
//!
//! A resource id (`i-…`, `eni-…`, `igw-…`), a Name, `internet`, `s3` or `dynamodb` (an
//! address of the service: these two words win over any Name), or an IP address. An
//! address outside every VPC is a host on the internet, unless a VPN connection's static
//! routes or BGP prefixes hold it: then it is an on-premises host behind the connection a
//! virtual private gateway would send it over ([`Model::on_premises`]); an address inside a
//! VPC that no interface holds is still a valid endpoint (the trace then says "no such host").

use std::net::{IpAddr, Ipv4Addr};

use crate::model::{EniIx, Entity, Holder, IgwIx, InstIx, LbIx, Model, NatIx, VpnIx};

/// A resolved endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// An instance: the trace picks the interface, as the instance's OS would.
    Instance(InstIx),
    /// One interface, optionally one of its addresses (private or public).
    Interface { eni: EniIx, ip: Option<IpAddr> },
    /// A host on the internet, optionally at a given address, optionally through one gateway.
    Internet { ip: Option<IpAddr>, via: Option<IgwIx> },
    /// An address inside a VPC that no interface holds.
    Unassigned(IpAddr),
    /// A NAT gateway (by id, name, or one of its addresses): a destination that accepts
    /// nothing, so a trace shows why.
    NatGateway(NatIx),
    /// A host in an on-premises network behind a VPN connection.
    OnPremises(VpnIx, IpAddr),
    /// A load balancer (by name or id): reached at one of its nodes.
    LoadBalancer(LbIx),
    /// A transit gateway attachment (`tgw-attach-…`): traffic entering the VPC from the
    /// gateway through it, or leaving the VPC into the gateway through it.
    TgwAttachment(crate::model::TgwAttIx),
}

/// The address an unnamed internet host uses: 198.51.100.10, from TEST-NET-2, the range
/// RFC 5737 reserves for documentation, so it is clearly nobody's real host.
pub const DEFAULT_INTERNET_HOST: IpAddr = IpAddr::V4(Ipv4Addr::new(198, 51, 100, 10));

/// The IPv6 counterpart: 2001:db8::10, from the documentation prefix of RFC 3849.
pub const DEFAULT_INTERNET_HOST_V6: IpAddr =
    IpAddr::V6(std::net::Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x10));

/// Why an endpoint could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    #[error("{field}: no instance, network interface, internet gateway or address called {name:?}")]
    NotFound { field: &'static str, name: String },
    #[error("{field}: the name {name:?} is ambiguous: it names {ids}; use an id")]
    Ambiguous { field: &'static str, name: String, ids: String },
    #[error("{field}: {name:?} is a {kind}; an endpoint is an instance, a network interface, an internet gateway, `internet` or an IP address")]
    WrongKind { field: &'static str, name: String, kind: &'static str },
}

/// Resolve `text` (from the query field `field`, for messages).
pub fn resolve(m: &Model, field: &'static str, text: &str) -> Result<Endpoint, EndpointError> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("internet") {
        return Ok(Endpoint::Internet { ip: None, via: None });
    }
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Ok(by_address(m, ip));
    }
    if let Some(ip) = service_address(m, text) {
        return Ok(Endpoint::Internet { ip: Some(ip), via: None });
    }
    // A load balancer's ARN names it: …:loadbalancer/app/<name>/<id> or …/net/<name>/<id>.
    let text = match text.strip_prefix("arn:") {
        Some(arn) if arn.contains(":loadbalancer/") => arn.rsplit('/').nth(1).unwrap_or(text),
        _ => text,
    };
    let entity = match m.entity(text) {
        Some(e) => e,
        None => {
            // An interface endpoint stands for its network interfaces (the first one; name
            // an interface id to pick another).
            if let Some(eni) = m.interfaces.iter().position(|e| e.endpoint.as_deref() == Some(text)) {
                return Ok(Endpoint::Interface { eni: crate::model::EniIx(eni), ip: None });
            }
            by_name(m, field, text)?
        }
    };
    match entity {
        Entity::Instance(i) => Ok(Endpoint::Instance(i)),
        Entity::NetworkInterface(e) => Ok(Endpoint::Interface { eni: e, ip: None }),
        Entity::InternetGateway(g) => Ok(Endpoint::Internet { ip: None, via: Some(g) }),
        Entity::NatGateway(n) => Ok(Endpoint::NatGateway(n)),
        Entity::LoadBalancer(l) => Ok(Endpoint::LoadBalancer(l)),
        Entity::TgwAttachment(a) => Ok(Endpoint::TgwAttachment(a)),
        // A VPN connection or its gateway stands for a host on the other side.
        Entity::VpnConnection(c) => on_premises_host(m, c).ok_or(EndpointError::WrongKind {
            field,
            name: text.to_string(),
            kind: "VPN connection without on-premises networks (static or BGP routes)",
        }),
        Entity::VpnGateway(g) => m
            .vpn_connections
            .iter()
            .position(|c| c.vgw == g)
            .and_then(|c| on_premises_host(m, VpnIx(c)))
            .ok_or(EndpointError::WrongKind {
                field,
                name: text.to_string(),
                kind: "virtual private gateway without VPN connection",
            }),
        other => {
            Err(EndpointError::WrongKind { field, name: text.to_string(), kind: m.describe(other).2.noun() })
        }
    }
}

/// `s3` and `dynamodb`: an address of the service (the tenth of its first range), from a
/// gateway endpoint's prefix list, else from the service's ranges in the model (the
/// topology's prefix list, or vpclab's illustrative ranges). The service's public addresses
/// answer with or without an endpoint: without one, the path goes through an internet
/// gateway or a NAT device like any public address (vpc/latest/privatelink/gateway-endpoints.html),
/// so the trace gives a path verdict rather than a refusal.
fn service_address(m: &Model, text: &str) -> Option<IpAddr> {
    let service = text.to_ascii_lowercase();
    if service != "s3" && service != "dynamodb" {
        return None;
    }
    let endpoint = m.gateway_endpoints.iter().find(|e| e.service == service).map(|e| &e.prefix_list);
    let ranges = m.services.iter().find(|s| s.service == service).map(|s| &s.prefix_list);
    endpoint.or(ranges).and_then(|(_, cidrs)| cidrs.first()).map(|c| host(*c))
}

/// Names need not be unique, and a security group may share a name with an instance:
/// only endpoint kinds count, and an instance wins over its own interfaces.
fn by_name(m: &Model, field: &'static str, text: &str) -> Result<Entity, EndpointError> {
    let all = m.named(text);
    let endpoints: Vec<Entity> = all
        .iter()
        .copied()
        .filter(|e| {
            matches!(
                e,
                Entity::Instance(_)
                    | Entity::NetworkInterface(_)
                    | Entity::InternetGateway(_)
                    | Entity::NatGateway(_)
                    | Entity::LoadBalancer(_)
                    | Entity::VpnConnection(_)
                    | Entity::VpnGateway(_)
            )
        })
        .collect();
    let instances: Vec<Entity> =
        endpoints.iter().copied().filter(|e| matches!(e, Entity::Instance(_))).collect();
    match (endpoints.as_slice(), instances.as_slice(), all.first()) {
        ([one], _, _) | (_, [one], _) => Ok(*one),
        ([], _, Some(other)) => Ok(*other), // reported as the wrong kind by the caller
        ([], _, None) => Err(EndpointError::NotFound { field, name: text.to_string() }),
        (many, _, _) => {
            let ids = many.iter().map(|e| m.describe(*e).0.to_string()).collect::<Vec<_>>().join(", ");
            Err(EndpointError::Ambiguous { field, name: text.to_string(), ids })
        }
    }
}

/// A host (the tenth address) of the first on-premises network behind connection `c`: its
/// first static route, else the first prefix its customer gateway advertises over BGP.
fn on_premises_host(m: &Model, c: VpnIx) -> Option<Endpoint> {
    m.vpn_connections[c.0].networks().next().map(|(r, _)| Endpoint::OnPremises(c, host(r)))
}

/// The tenth address of a block: a plausible host in it.
fn host(c: ipnet::IpNet) -> IpAddr {
    match c.network() {
        IpAddr::V4(a) => IpAddr::V4(Ipv4Addr::from(u32::from(a).wrapping_add(10))),
        IpAddr::V6(a) => IpAddr::V6(std::net::Ipv6Addr::from(u128::from(a).wrapping_add(10))),
    }
}

/// A connection's on-premises networks for people: `192.168.0.0/16, 10.1.0.0/16 (BGP)`.
pub fn vpn_networks(c: &crate::model::VpnConnection) -> String {
    c.networks()
        .map(|(r, o)| match o {
            crate::model::VpnOrigin::Static => r.to_string(),
            crate::model::VpnOrigin::Bgp => format!("{r} (BGP)"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn by_address(m: &Model, ip: IpAddr) -> Endpoint {
    if let Some(eni) = m.interface_with_private_ip(ip) {
        return Endpoint::Interface { eni, ip: Some(ip) };
    }
    match m.public_holder(ip) {
        Some((Holder::Interface(eni), _)) => return Endpoint::Interface { eni, ip: Some(ip) },
        Some((Holder::NatGateway(n), _)) => return Endpoint::NatGateway(n),
        None => {}
    }
    if let Some(n) = m.nat_gateways.iter().position(|n| IpAddr::V4(n.private_ip) == ip) {
        return Endpoint::NatGateway(NatIx(n));
    }
    if m.vpc_containing(ip).is_some() {
        return Endpoint::Unassigned(ip);
    }
    if let Some(c) = m.on_premises(ip) {
        return Endpoint::OnPremises(c, ip);
    }
    Endpoint::Internet { ip: Some(ip), via: None }
}

/// An endpoint a picker can offer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Candidate {
    /// What to put in `from` / `to`.
    pub id: String,
    /// How a person recognises it: name, id and addresses.
    pub label: String,
}

/// Every endpoint worth offering in a picker: the internet, each instance, each interface.
pub fn candidates(m: &Model) -> Vec<Candidate> {
    let mut out = vec![Candidate { id: "internet".into(), label: "the internet".into() }];
    for x in &m.instances {
        let addrs = x
            .interfaces
            .iter()
            .map(|e| m.interfaces[e.0].primary_ip.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let name = crate::diagnostic::label(&x.id, x.name.as_deref());
        let label = if name == x.id {
            format!("instance {name} ({addrs})")
        } else {
            format!("instance {name} · {} ({addrs})", x.id)
        };
        out.push(Candidate { id: x.id.clone(), label });
    }
    for lb in &m.load_balancers {
        let name = crate::diagnostic::label(&lb.id, lb.name.as_deref());
        let kind = if lb.application { "Application" } else { "Network" };
        out.push(Candidate { id: lb.id.clone(), label: format!("{kind} Load Balancer {name}") });
    }
    for c in &m.vpn_connections {
        let nets = vpn_networks(c);
        let name = crate::diagnostic::label(&c.id, c.name.as_deref());
        out.push(Candidate { id: c.id.clone(), label: format!("on-premises via {name} ({nets})") });
    }
    let mut services: Vec<&str> = m.gateway_endpoints.iter().map(|e| e.service.as_str()).collect();
    services.dedup();
    for s in services {
        out.push(Candidate {
            id: s.to_string(),
            label: format!("{} (through a gateway endpoint)", s.to_ascii_uppercase()),
        });
    }
    for e in &m.interfaces {
        let name = crate::diagnostic::label(&e.id, e.name.as_deref());
        let addrs = e.private_ips().map(|a| a.to_string()).collect::<Vec<_>>().join(", ");
        let label = if name == e.id {
            format!("interface {name} ({addrs})")
        } else {
            format!("interface {name} · {} ({addrs})", e.id)
        };
        out.push(Candidate { id: e.id.clone(), label });
    }
    out
}
