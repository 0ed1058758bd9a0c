//! Exhaustive questions, answered on sets of packets rather than one at a time: which
//! ports of which protocols can reach B from A, the all-pairs matrix, internet exposure.
//!
//! The trick is the one behind atomic predicates (Yang and Lam, 2013): every rule that
//! looks at a destination port compares it with a range, so the ports split into a few
//! intervals on which every rule of the network answers the same way. One trace per
//! interval then decides the whole interval exactly. The boundaries are collected from every
//! security group and network ACL rule of the model, so the answer never depends on which
//! rules a particular path happens to meet.

use serde::Serialize;
use std::collections::BTreeSet;
use std::net::IpAddr;

use crate::endpoint::{self, Candidate};
use crate::model::Model;
use crate::packet::{PortRange, Protocol};
use crate::trace::{reach, Query, QueryError, Trace};

/// The ports of one protocol that reach the destination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProtocolAnswer {
    pub protocol: Protocol,
    /// Reachable destination port ranges (empty for port-less protocols: see `reachable`).
    pub ports: Vec<PortRange>,
    /// Whether anything of this protocol reaches (for ICMP: whether it does at all).
    pub reachable: bool,
}

/// What can reach `to` from `from`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortsAnswer {
    pub from: String,
    pub to: String,
    pub protocols: Vec<ProtocolAnswer>,
}

impl PortsAnswer {
    /// Whether a packet of `protocol` to `port` is in the answer.
    pub fn allows(&self, protocol: Protocol, port: u16) -> bool {
        self.protocols.iter().any(|a| {
            a.protocol == protocol
                && if protocol.has_ports() { a.ports.iter().any(|r| r.contains(port)) } else { a.reachable }
        })
    }
}

/// The destination-port intervals on which every rule of the model answers alike: the
/// first port of each.
pub fn port_classes(m: &Model) -> Vec<u16> {
    let mut cuts: BTreeSet<u32> = BTreeSet::from([0]);
    let mut add = |r: PortRange| {
        cuts.insert(u32::from(r.first()));
        cuts.insert(u32::from(r.last()) + 1);
    };
    for g in &m.security_groups {
        g.inbound.iter().chain(&g.outbound).for_each(|r| add(r.ports));
    }
    for a in &m.network_acls {
        a.inbound.iter().chain(&a.outbound).for_each(|r| add(r.ports));
    }
    cuts.into_iter().filter_map(|c| u16::try_from(c).ok()).collect()
}

/// The port classes of just the filters a flow between two endpoints meets. Routing never
/// looks at ports and a denied filter does not end a trace, so one trace of each protocol
/// finds every security group and ACL any port of it can meet.
fn path_port_classes(m: &Model, traces: &[Trace]) -> Vec<u16> {
    let mut cuts: BTreeSet<u32> = BTreeSet::from([0]);
    let mut add = |r: PortRange| {
        cuts.insert(u32::from(r.first()));
        cuts.insert(u32::from(r.last()) + 1);
    };
    for h in traces.iter().flat_map(|t| t.forward.iter().chain(&t.back)) {
        match h.kind {
            crate::Kind::SecurityGroup => {
                if let Some(crate::model::Entity::NetworkInterface(e)) = m.entity(&h.location) {
                    for g in &m.interfaces[e.0].security_groups {
                        let g = &m.security_groups[g.0];
                        g.inbound.iter().chain(&g.outbound).for_each(|r| add(r.ports));
                    }
                }
            }
            crate::Kind::NetworkAcl => {
                if let Some(crate::model::Entity::NetworkAcl(a)) = m.entity(&h.component) {
                    let a = &m.network_acls[a.0];
                    a.inbound.iter().chain(&a.outbound).for_each(|r| add(r.ports));
                }
            }
            _ => {}
        }
    }
    cuts.into_iter().filter_map(|c| u16::try_from(c).ok()).collect()
}

/// Which protocols and ports reach `to` from `from` (TCP, UDP and ICMP).
///
/// Errors only when the endpoints cannot be resolved.
pub fn ports(m: &Model, from: &str, to: &str) -> Result<PortsAnswer, QueryError> {
    let probe = |protocol| Query::new(from, to, protocol, Some(0));
    let probes = [reach(m, &probe(Protocol::Tcp))?, reach(m, &probe(Protocol::Udp))?];
    let classes = path_port_classes(m, &probes);
    let mut protocols = Vec::new();
    for protocol in [Protocol::Tcp, Protocol::Udp, Protocol::Icmp] {
        let ask = |port: Option<u16>| reach(m, &Query::new(from, to, protocol, port));
        if !protocol.has_ports() {
            // ICMP to an IPv6 destination is asked as ICMPv6 (see `trace::reach`): say so.
            let t = ask(None)?;
            protocols.push(ProtocolAnswer {
                protocol: t.packet.protocol,
                ports: Vec::new(),
                reachable: t.reachable,
            });
            continue;
        }
        let mut ranges: Vec<PortRange> = Vec::new();
        for (i, &first) in classes.iter().enumerate() {
            let last = classes.get(i + 1).map(|n| n - 1).unwrap_or(u16::MAX);
            if !ask(Some(first))?.reachable {
                continue;
            }
            match ranges.last_mut() {
                Some(prev) if u32::from(prev.last()) + 1 == u32::from(first) => {
                    *prev = PortRange::new(prev.first(), last).unwrap_or(*prev);
                }
                _ => ranges.extend(PortRange::new(first, last)),
            }
        }
        protocols.push(ProtocolAnswer { protocol, reachable: !ranges.is_empty(), ports: ranges });
    }
    Ok(PortsAnswer { from: from.into(), to: to.into(), protocols })
}

/// A distinct answer in the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    pub reachable: bool,
    /// What blocks first, by code and component (`reachable` when nothing does).
    pub summary: String,
}

/// The all-pairs matrix for one protocol and port.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Matrix {
    pub protocol: Protocol,
    pub port: Option<u16>,
    /// The rows and columns, in order: every instance.
    pub endpoints: Vec<Candidate>,
    /// The distinct answers; cells point into this list.
    pub answers: Vec<Answer>,
    /// Row-major: `cells[i * n + j]` is the index in `answers` for `endpoints[i]` to
    /// `endpoints[j]`; the diagonal is `None`.
    pub cells: Vec<Option<u32>>,
}

impl Matrix {
    /// The answer from endpoint `i` to endpoint `j`.
    pub fn get(&self, i: usize, j: usize) -> Option<&Answer> {
        let n = self.endpoints.len();
        self.cells.get(i * n + j).copied().flatten().and_then(|k| self.answers.get(k as usize))
    }
}

/// Every instance to every other, for one protocol and port.
///
/// Endpoints that the network cannot tell apart share their answers: same subnet, same
/// security groups, same kind of addresses, and the same membership in every CIDR block any
/// rule or route of the model names. One trace per pair of such classes decides every pair
/// of their members (tested against the one-trace-per-pair answer).
pub fn matrix(m: &Model, protocol: Protocol, port: Option<u16>) -> Result<Matrix, QueryError> {
    let endpoints = matrix_endpoints(m);
    let classes = classes(m, &endpoints);
    let n = endpoints.len();
    let mut by_classes: std::collections::BTreeMap<(usize, usize), u32> = std::collections::BTreeMap::new();
    let mut answers: Vec<Answer> = Vec::new();
    let mut cells = Vec::with_capacity(n * n);
    for (i, a) in endpoints.iter().enumerate() {
        for (j, b) in endpoints.iter().enumerate() {
            if i == j {
                cells.push(None);
                continue;
            }
            let key = (classes[i], classes[j]);
            let k = match by_classes.get(&key) {
                Some(k) => *k,
                None => {
                    let (reachable, summary) = cell(m, &a.id, &b.id, protocol, port)?;
                    let answer = Answer { reachable, summary };
                    let k = match answers.iter().position(|x| *x == answer) {
                        Some(k) => k,
                        None => {
                            answers.push(answer);
                            answers.len() - 1
                        }
                    };
                    let k = u32::try_from(k).unwrap_or(u32::MAX);
                    by_classes.insert(key, k);
                    k
                }
            };
            cells.push(Some(k));
        }
    }
    Ok(Matrix { protocol, port, endpoints, answers, cells })
}

fn matrix_endpoints(m: &Model) -> Vec<Candidate> {
    endpoint::candidates(m)
        .into_iter()
        // Instances: an interface attached to nothing neither sends nor receives.
        .filter(|c| m.instances.iter().any(|x| x.id == c.id))
        .collect()
}

/// One matrix cell's verdict and a summary that names components, not addresses, so it
/// holds for every member of the classes.
fn cell(
    m: &Model,
    from: &str,
    to: &str,
    protocol: Protocol,
    port: Option<u16>,
) -> Result<(bool, String), QueryError> {
    let q = Query::new(from, to, protocol, port);
    match reach(m, &q) {
        Ok(t) => {
            let summary = match t.explanations.first() {
                None if t.reachable => "reachable".to_string(),
                None => "not reachable".to_string(),
                Some(e) => format!("{} at {} {}", e.code, e.kind, e.label),
            };
            Ok((t.reachable, summary))
        }
        Err(QueryError::SameInterface) => Ok((true, "same interface".into())),
        Err(e) => Err(e),
    }
}

/// The equivalence class of each endpoint (see [`matrix`]); endpoints the signature cannot
/// vouch for (instances with several interfaces, interfaces with several addresses) get a
/// class of their own.
fn classes(m: &Model, endpoints: &[Candidate]) -> Vec<usize> {
    let cidrs = rule_cidrs(m);
    let mut seen: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    endpoints
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let eni = match m.entity(&c.id) {
                Some(crate::model::Entity::Instance(x)) => match m.instances[x.0].interfaces.as_slice() {
                    [e] => Some(*e),
                    _ => None,
                },
                Some(crate::model::Entity::NetworkInterface(e)) => Some(e),
                _ => None,
            };
            let signature = match eni.map(|e| &m.interfaces[e.0]) {
                Some(e) if e.secondary_ips.is_empty() && e.public_ips.len() <= 1 => {
                    let ip = std::net::IpAddr::V4(e.primary_ip);
                    let inside: Vec<usize> =
                        cidrs.iter().enumerate().filter(|(_, c)| c.contains(&ip)).map(|(k, _)| k).collect();
                    format!(
                        "{}|{:?}|{}|{}|{}|{}|{inside:?}",
                        e.subnet.0,
                        e.security_groups,
                        e.public_ips.len(),
                        e.source_dest_check,
                        e.attachment.is_some(),
                        m.stopped_instance(e).is_some()
                    )
                }
                _ => format!("unique:{i}"),
            };
            let next = seen.len();
            *seen.entry(signature).or_insert(next)
        })
        .collect()
}

/// One address of an interface that the internet can reach.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Exposed {
    pub interface: String,
    pub label: String,
    /// The address the internet reaches it at: a public IPv4 address or Elastic IP, or one
    /// of its IPv6 addresses (every IPv6 address is globally routable, so it is its own
    /// public address). The name is kept for the JSON contract.
    pub public_ip: String,
    pub ports: PortsAnswer,
    /// The trace of the first exposed port (or ICMP), to show the path.
    pub example: Option<Trace>,
}

impl Exposed {
    /// What is open, as people read it: `tcp 22,443; icmp`.
    pub fn open_ports(&self) -> String {
        let open: Vec<String> = self
            .ports
            .protocols
            .iter()
            .filter(|p| p.reachable)
            .map(|p| {
                if p.protocol.has_ports() {
                    let ranges: Vec<String> = p.ports.iter().map(ToString::to_string).collect();
                    format!("{} {}", p.protocol, ranges.join(","))
                } else {
                    p.protocol.to_string()
                }
            })
            .collect();
        open.join("; ")
    }
}

/// Every address of every interface the internet can reach, on which ports, and through
/// which path: each public IPv4 address (the internet gateway translates it to its private
/// address) and each IPv6 address (the gateway passes it untranslated, so a subnet whose
/// route table sends ::/0 to an internet gateway is open over IPv6 even when it has no
/// public IPv4; an egress-only internet gateway lets nothing in:
/// vpc/latest/userguide/VPC_Internet_Gateway.html, egress-only-internet-gateway.html).
pub fn exposure(m: &Model) -> Vec<Exposed> {
    // Interfaces the network cannot tell apart get the same answer (see `classes`): compute
    // the ports once per class, and one example trace per address.
    let cidrs = rule_cidrs(m);
    let mut by_class: std::collections::BTreeMap<String, PortsAnswer> = std::collections::BTreeMap::new();
    let mut out = Vec::new();
    for e in &m.interfaces {
        for (to, inside) in internet_addresses(e) {
            let to = to.to_string();
            let key = exposure_class(m, e, inside, &cidrs);
            let answer = match by_class.get(&key) {
                Some(a) => PortsAnswer { to: to.clone(), ..a.clone() },
                None => {
                    let Ok(a) = ports(m, "internet", &to) else { continue };
                    by_class.insert(key, a.clone());
                    a
                }
            };
            if !answer.protocols.iter().any(|p| p.reachable) {
                continue;
            }
            let example = example_trace(m, &to, &answer);
            out.push(Exposed {
                interface: e.id.clone(),
                label: crate::diagnostic::label(&e.id, e.name.as_deref()),
                public_ip: to,
                ports: answer,
                example,
            });
        }
    }
    out
}

/// The addresses the internet could address an interface at, each with the address the
/// packet has inside the VPC: public IPv4 → its private address; IPv6 → itself.
fn internet_addresses(e: &crate::model::Interface) -> Vec<(IpAddr, IpAddr)> {
    let v4 = e.public_ips.iter().map(|(private, public)| (IpAddr::V4(public.address), IpAddr::V4(*private)));
    let v6 = e.ipv6_ips.iter().map(|a| (IpAddr::V6(*a), IpAddr::V6(*a)));
    v4.chain(v6).collect()
}

/// What decides the internet's answer for one address of `e`: its subnet, groups, flags,
/// and which rule or route CIDRs hold the address inside the VPC. The IP version is part of
/// it, since IPv4 and IPv6 meet different routes and rules.
fn exposure_class(m: &Model, e: &crate::model::Interface, inside: IpAddr, cidrs: &[ipnet::IpNet]) -> String {
    let within: Vec<usize> =
        cidrs.iter().enumerate().filter(|(_, c)| c.contains(&inside)).map(|(k, _)| k).collect();
    format!(
        "{}|{}|{:?}|{}|{:?}|{}|{}|{within:?}",
        if inside.is_ipv6() { "v6" } else { "v4" },
        e.subnet.0,
        e.security_groups,
        e.source_dest_check,
        e.load_balancer,
        e.attachment.is_some(),
        m.stopped_instance(e).is_some()
    )
}

/// The trace of the first open protocol and port, to show the path.
fn example_trace(m: &Model, to: &str, answer: &PortsAnswer) -> Option<Trace> {
    let open = answer.protocols.iter().find(|p| p.reachable)?;
    let q = Query::new("internet", to, open.protocol, open.ports.first().map(|r| r.first()));
    reach(m, &q).ok()
}

/// Every CIDR block any security group rule, ACL rule or route of the model names.
fn rule_cidrs(m: &Model) -> Vec<ipnet::IpNet> {
    let mut cidrs: BTreeSet<ipnet::IpNet> = BTreeSet::new();
    for g in &m.security_groups {
        for r in g.inbound.iter().chain(&g.outbound) {
            match &r.peer {
                crate::model::SgPeer::Cidr(c) => {
                    cidrs.insert(*c);
                }
                crate::model::SgPeer::PrefixList(_, list) => cidrs.extend(list.iter().copied()),
                crate::model::SgPeer::Group(_) => {}
            }
        }
    }
    for a in &m.network_acls {
        cidrs.extend(a.inbound.iter().chain(&a.outbound).map(|r| r.cidr));
    }
    for t in &m.route_tables {
        cidrs.extend(t.routes.iter().map(|r| r.destination));
    }
    cidrs.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{examples, model};
    use proptest::prelude::*;

    fn three_tier() -> Model {
        model::build(&examples::three_tier()).0
    }

    #[test]
    fn web_is_exposed_on_443_only_and_nothing_else_is() {
        let m = three_tier();
        let x = exposure(&m);
        assert_eq!(x.iter().map(|e| e.interface.as_str()).collect::<Vec<_>>(), ["eni-web1", "eni-web2"]);
        let tcp = &x[0].ports.protocols[0];
        assert_eq!(tcp.ports, vec![PortRange::single(443)]);
        assert!(!x[0].ports.allows(Protocol::Udp, 443));
        assert!(!x[0].ports.allows(Protocol::Icmp, 0));
        assert!(x[0].example.as_ref().is_some_and(|t| t.reachable));
    }

    #[test]
    fn a_dual_stack_interface_is_exposed_at_its_public_ipv4_and_its_ipv6_address() {
        let t = examples::get("dual-stack-egress-only").map(examples::load).unwrap_or_default();
        let m = model::build(&t).0;
        let x: Vec<(String, String, String)> =
            exposure(&m).iter().map(|e| (e.interface.clone(), e.public_ip.clone(), e.open_ports())).collect();
        let want = |a: &str| ("eni-web".to_string(), a.to_string(), "tcp 443".to_string());
        // app's IPv6 address is left out: its subnet sends ::/0 to the egress-only gateway.
        assert_eq!(x, [want("203.0.113.10"), want("2001:db8:1234:1a00::10")]);
    }

    #[test]
    fn a_load_balancer_skips_targets_on_stopped_instances() {
        let t = examples::get("alb-private-targets").map(examples::load).unwrap_or_default();
        let stop = |t: &mut crate::Topology, ids: &[&str]| {
            for x in t.instances.iter_mut().filter(|x| ids.contains(&x.id.as_str())) {
                x.state = crate::topology::InstanceState::Stopped;
            }
        };
        let ask = |t: &crate::Topology| {
            let (m, diags) = model::build(t);
            let q = Query::new("internet", "alb-web", Protocol::Tcp, Some(443));
            (reach(&m, &q).ok(), diags)
        };
        let mut one = t.clone();
        stop(&mut one, &["i-app-a"]);
        let (trace, diags) = ask(&one);
        assert!(trace.as_ref().is_some_and(|t| t.reachable), "{trace:#?}");
        let target = |t: &Option<Trace>, eni: &str| {
            t.as_ref().is_some_and(|t| {
                t.forward.iter().any(|h| h.component == eni && h.action == crate::trace::Action::Accept)
            })
        };
        assert!(target(&trace, "eni-app-b"), "the running target serves: {trace:#?}");
        assert!(diags.iter().any(|d| d.entity == "tg-app" && d.field == "targets[0]"), "{diags:#?}");
        let mut both = t;
        stop(&mut both, &["i-app-a", "i-app-b"]);
        let (trace, _) = ask(&both);
        let codes: Vec<&str> =
            trace.as_ref().map(|t| t.explanations.iter().map(|e| e.code).collect()).unwrap_or_default();
        assert_eq!(
            codes,
            ["ELBV2_TARGET_GROUP_NO_HEALTHY_TARGETS"],
            "stopped targets are unused, not failed open"
        );
    }

    /// IPv6 has no ICMP: asking for it to an IPv6 address asks ICMPv6, and says so.
    #[test]
    fn icmp_to_an_ipv6_address_is_icmpv6() {
        let t = examples::get("dual-stack-egress-only").map(examples::load).unwrap_or_default();
        let (m, _) = model::build(&t);
        let answer = ports(&m, "i-app", "2001:db8::10").ok();
        let icmp: Vec<Protocol> =
            answer.iter().flat_map(|a| &a.protocols).map(|p| p.protocol).filter(|p| p.is_icmp()).collect();
        assert_eq!(icmp, [Protocol::Icmpv6]);
        let v4 = reach(&m, &Query::new("i-app", "198.51.100.7", Protocol::Icmpv6, None)).ok();
        assert_eq!(v4.map(|t| t.packet.protocol), Some(Protocol::Icmp), "and ICMPv6 to IPv4 is ICMP");
    }

    #[test]
    fn app_to_db_is_exactly_5432() {
        let m = three_tier();
        let a = ports(&m, "app", "db");
        let Ok(a) = a else { unreachable!("{a:?}") };
        assert_eq!(a.protocols[0].ports, vec![PortRange::single(5432)]);
        assert!(!a.protocols[1].reachable && !a.protocols[2].reachable);
    }

    #[test]
    fn matrix_of_three_tier() {
        let m = three_tier();
        let x = matrix(&m, Protocol::Tcp, Some(8080));
        let Ok(x) = x else { unreachable!("{x:?}") };
        let n = x.endpoints.len();
        assert_eq!(n, 4);
        let mut reachable: Vec<(String, String)> = Vec::new();
        for i in 0..n {
            for j in 0..n {
                if x.get(i, j).is_some_and(|a| a.reachable) {
                    reachable.push((x.endpoints[i].id.clone(), x.endpoints[j].id.clone()));
                }
            }
        }
        assert_eq!(
            reachable,
            [("i-web1".to_string(), "i-app".to_string()), ("i-web2".into(), "i-app".into())]
        );
    }

    /// The one-trace-per-pair answer the class-based matrix must equal.
    /// The class-grouped matrix equals one trace per pair, cell by cell.
    fn matrix_matches_naive(m: &Model, protocol: Protocol, port: Option<u16>) {
        let fast = matrix(m, protocol, port);
        let Ok(fast) = fast else { unreachable!("{fast:?}") };
        let n = fast.endpoints.len();
        let fast: Vec<Option<(bool, String)>> =
            (0..n * n).map(|k| fast.get(k / n, k % n).map(|a| (a.reachable, a.summary.clone()))).collect();
        assert_eq!(fast, naive(m, protocol, port), "{protocol} {port:?}");
    }

    fn naive(m: &Model, protocol: Protocol, port: Option<u16>) -> Vec<Option<(bool, String)>> {
        let e = matrix_endpoints(m);
        let mut out = Vec::new();
        for a in &e {
            for b in &e {
                out.push(if a.id == b.id { None } else { cell(m, &a.id, &b.id, protocol, port).ok() });
            }
        }
        out
    }

    #[test]
    fn class_matrix_equals_the_naive_one() {
        let synthetic = crate::synth::topology(crate::synth::Scale {
            vpcs: 3,
            subnets_per_vpc: 3,
            instances_per_subnet: 3,
            extra_rules_per_group: 4,
        });
        for t in [crate::examples::three_tier(), synthetic] {
            let m = model::build(&t).0;
            for (protocol, port) in [
                (Protocol::Tcp, Some(443)),
                (Protocol::Tcp, Some(8080)),
                (Protocol::Udp, Some(10_002)),
                (Protocol::Icmp, None),
            ] {
                matrix_matches_naive(&m, protocol, port);
            }
        }
    }

    #[test]
    fn class_exposure_equals_the_per_interface_one() {
        let t = crate::synth::topology(crate::synth::Scale {
            vpcs: 2,
            subnets_per_vpc: 2,
            instances_per_subnet: 4,
            extra_rules_per_group: 3,
        });
        let m = model::build(&t).0;
        let x = exposure(&m);
        assert!(!x.is_empty());
        for e in &x {
            let direct = ports(&m, "internet", &e.public_ip);
            assert_eq!(direct.as_ref().ok(), Some(&e.ports), "{}", e.interface);
            assert!(e.example.as_ref().is_some_and(|t| t.reachable));
        }
    }

    /// Exhaustive answers agree with `reach` on a synthetic multi-VPC topology too.
    #[test]
    fn ports_agree_with_reach_on_a_synthetic_topology() {
        let t = crate::synth::topology(crate::synth::Scale {
            vpcs: 2,
            subnets_per_vpc: 2,
            instances_per_subnet: 2,
            extra_rules_per_group: 4,
        });
        let m = model::build(&t).0;
        let c: Vec<String> = m.instances.iter().map(|i| i.id.clone()).collect();
        for a in c.iter().take(4) {
            for b in c.iter().rev().take(4) {
                let Ok(ans) = ports(&m, a, b) else { continue };
                for port in [0u16, 22, 443, 1023, 8080, 10_000, 10_002, 20_000, 49_152, 65_535] {
                    for protocol in [Protocol::Tcp, Protocol::Udp] {
                        let q = Query::new(a.clone(), b.clone(), protocol, Some(port));
                        let r = reach(&m, &q).map(|t| t.reachable).unwrap_or(false);
                        assert_eq!(r, ans.allows(protocol, port), "{a} → {b} {protocol} {port}");
                    }
                }
            }
        }
    }

    /// Through NAT gateways whose replies meet ACLs admitting only part of 1024-65535
    /// (REMAP_EPHEMERAL_PORT), the set answers still agree with `reach`: the remap check
    /// does not depend on the destination port.
    #[test]
    fn ports_and_matrix_agree_with_reach_through_remapping_nat_gateways() {
        let scenario: serde_json::Value = serde_json::from_str(include_str!(
            "../../../tests/scenarios/nat-gateway-remap-ephemeral-port.json"
        ))
        .unwrap_or_default();
        let t = crate::Topology::from_json(&scenario["topology"].to_string());
        let Ok(t) = t else { unreachable!("{t:?}") };
        let m = model::build(&t).0;
        let pairs = [
            ("app-full", "internet"),
            ("app-linux", "internet"),
            ("app-band", "internet"),
            ("app-full", "db"),
        ];
        let mut blocked_by_remap = 0;
        for (a, b) in pairs {
            let ans = ports(&m, a, b);
            let Ok(ans) = ans else { unreachable!("{ans:?}") };
            for port in [0u16, 53, 443, 1023, 1024, 2000, 2001, 5432, 32767, 32768, 49152, 65535] {
                for protocol in [Protocol::Tcp, Protocol::Udp] {
                    let t = reach(&m, &Query::new(a, b, protocol, Some(port)));
                    let Ok(t) = t else { unreachable!("{t:?}") };
                    assert_eq!(t.reachable, ans.allows(protocol, port), "{a} → {b} {protocol} {port}");
                    blocked_by_remap +=
                        usize::from(t.explanations.iter().any(|e| e.code == "REMAP_EPHEMERAL_PORT"));
                }
            }
        }
        assert!(blocked_by_remap > 0, "the topology exercises the remap check");
        for (protocol, port) in
            [(Protocol::Tcp, Some(5432)), (Protocol::Tcp, Some(443)), (Protocol::Udp, Some(53))]
        {
            matrix_matches_naive(&m, protocol, port);
        }
    }

    /// NAT64 flows (IPv6 in, IPv4 out) get the same set answers as `reach` gives.
    #[test]
    fn ports_agree_with_reach_through_nat64() {
        let scenario: serde_json::Value =
            serde_json::from_str(include_str!("../../../tests/scenarios/nat-gateway-nat64.json"))
                .unwrap_or_default();
        let t = crate::Topology::from_json(&scenario["topology"].to_string());
        let Ok(t) = t else { unreachable!("{t:?}") };
        let m = model::build(&t).0;
        for (a, b) in
            [("app", "64:ff9b::198.51.100.10"), ("app", "64:ff9b::10.0.4.10"), ("wrong", "2001:db8::10")]
        {
            let ans = ports(&m, a, b);
            let Ok(ans) = ans else { unreachable!("{ans:?}") };
            for port in [0u16, 443, 5432, 5433, 49152, 65535] {
                for protocol in [Protocol::Tcp, Protocol::Udp] {
                    let t = reach(&m, &Query::new(a, b, protocol, Some(port)));
                    let Ok(t) = t else { unreachable!("{t:?}") };
                    assert_eq!(t.reachable, ans.allows(protocol, port), "{a} → {b} {protocol} {port}");
                }
            }
        }
        let db = ports(&m, "app", "64:ff9b::10.0.4.10");
        assert_eq!(db.map(|a| a.protocols[0].ports.clone()).ok(), Some(vec![PortRange::single(5432)]));
    }

    proptest! {
        /// The set answer agrees with `reach`, packet by packet.
        #[test]
        fn ports_agree_with_reach(port in any::<u16>(), pair in 0usize..20) {
            let m = three_tier();
            let c = endpoint::candidates(&m);
            let (a, b) = (&c[pair % c.len()], &c[(pair / c.len() + pair + 1) % c.len()]);
            if let Ok(ans) = ports(&m, &a.id, &b.id) {
                for protocol in [Protocol::Tcp, Protocol::Udp] {
                    let q = Query::new(a.id.clone(), b.id.clone(), protocol, Some(port));
                    let t = reach(&m, &q);
                    prop_assert!(t.is_ok());
                    prop_assert_eq!(t.map(|t| t.reachable).unwrap_or(false), ans.allows(protocol, port), "{:?} {}", protocol, port);
                }
            }
        }
    }
}
