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

/// Which protocols and ports reach `to` from `from` (TCP, UDP and ICMP).
///
/// Errors only when the endpoints cannot be resolved.
pub fn ports(m: &Model, from: &str, to: &str) -> Result<PortsAnswer, QueryError> {
    let classes = port_classes(m);
    let mut protocols = Vec::new();
    for protocol in [Protocol::Tcp, Protocol::Udp, Protocol::Icmp] {
        let ask = |port: Option<u16>| {
            reach(
                m,
                &Query { from: from.into(), to: to.into(), protocol, port, from_ip: None, src_port: None },
            )
        };
        if !protocol.has_ports() {
            protocols.push(ProtocolAnswer { protocol, ports: Vec::new(), reachable: ask(None)?.reachable });
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

/// One cell of the matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    pub from: String,
    pub to: String,
    pub reachable: bool,
    /// The trace's one-line summary (what blocks first, when blocked).
    pub summary: String,
}

/// The all-pairs matrix for one protocol and port.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Matrix {
    pub protocol: Protocol,
    pub port: Option<u16>,
    /// The rows and columns, in order: every instance, then every unattached interface.
    pub endpoints: Vec<Candidate>,
    /// Row-major: `cells[i * n + j]` is from `endpoints[i]` to `endpoints[j]`; the diagonal
    /// is omitted (`None`).
    pub cells: Vec<Option<Cell>>,
}

/// Every instance (and unattached interface) to every other, for one protocol and port.
pub fn matrix(m: &Model, protocol: Protocol, port: Option<u16>) -> Result<Matrix, QueryError> {
    let endpoints: Vec<Candidate> = endpoint::candidates(m)
        .into_iter()
        .filter(|c| {
            m.instances.iter().any(|x| x.id == c.id)
                || m.interfaces.iter().any(|e| e.id == c.id && e.attachment.is_none())
        })
        .collect();
    let mut cells = Vec::with_capacity(endpoints.len() * endpoints.len());
    for a in &endpoints {
        for b in &endpoints {
            if a.id == b.id {
                cells.push(None);
                continue;
            }
            let q =
                Query { from: a.id.clone(), to: b.id.clone(), protocol, port, from_ip: None, src_port: None };
            let cell = match reach(m, &q) {
                Ok(t) => {
                    Cell { from: a.id.clone(), to: b.id.clone(), reachable: t.reachable, summary: t.summary }
                }
                Err(QueryError::SameInterface) => Cell {
                    from: a.id.clone(),
                    to: b.id.clone(),
                    reachable: true,
                    summary: "same interface".into(),
                },
                Err(e) => return Err(e),
            };
            cells.push(Some(cell));
        }
    }
    Ok(Matrix { protocol, port, endpoints, cells })
}

/// One interface reachable from the internet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Exposed {
    pub interface: String,
    pub label: String,
    /// The public address it is reached at.
    pub public_ip: String,
    pub ports: PortsAnswer,
    /// The trace of the first exposed port (or ICMP), to show the path.
    pub example: Option<Trace>,
}

/// Every interface the internet can reach, on which ports, and through which path.
pub fn exposure(m: &Model) -> Vec<Exposed> {
    let mut out = Vec::new();
    for e in &m.interfaces {
        for (private, public) in &e.public_ips {
            let to = public.address.to_string();
            let Ok(answer) = ports(m, "internet", &to) else { continue };
            if !answer.protocols.iter().any(|p| p.reachable) {
                continue;
            }
            let example = answer.protocols.iter().find(|p| p.reachable).and_then(|p| {
                let q = Query {
                    from: "internet".into(),
                    to: to.clone(),
                    protocol: p.protocol,
                    port: p.ports.first().map(|r| r.first()),
                    from_ip: None,
                    src_port: None,
                };
                reach(m, &q).ok()
            });
            let _ = private;
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
        let reachable: Vec<(String, String)> = x
            .cells
            .iter()
            .flatten()
            .filter(|c| c.reachable)
            .map(|c| (c.from.clone(), c.to.clone()))
            .collect();
        assert_eq!(
            reachable,
            [("i-web1".to_string(), "i-app".to_string()), ("i-web2".into(), "i-app".into())]
        );
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
                    let q = Query { from: a.id.clone(), to: b.id.clone(), protocol, port: Some(port), from_ip: None, src_port: None };
                    let t = reach(&m, &q);
                    prop_assert!(t.is_ok());
                    prop_assert_eq!(t.map(|t| t.reachable).unwrap_or(false), ans.allows(protocol, port), "{:?} {}", protocol, port);
                }
            }
        }
    }
}
