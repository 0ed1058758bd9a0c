//! How a load balancer spreads new connections over its targets, with and without
//! cross-zone load balancing, and how health checks take targets out of rotation.
//!
//! AWS (elasticloadbalancing/latest/userguide/how-elastic-load-balancing-works.html):
//! clients are spread evenly over the load balancer's nodes, one per enabled Availability
//! Zone (DNS). With cross-zone load balancing, every node spreads over every healthy
//! registered target; without it, a node spreads only over the healthy targets in its own
//! zone — the guide's example: 2 targets in one zone and 8 in another get 10 % each with
//! cross-zone, 25 % and 6.25 % without. A zone with no healthy target is left out of DNS; when
//! no target is healthy at all, the load balancer fails open and uses them all.

use serde::Serialize;

use crate::model::{LbIx, Model};

/// One target's share of new connections, in percent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    pub target: String,
    pub availability_zone: String,
    pub healthy: bool,
    pub with_cross_zone: f64,
    pub without_cross_zone: f64,
}

/// One listener's target group behind one load balancer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Distribution {
    pub load_balancer: String,
    pub target_group: String,
    /// Whether cross-zone load balancing is on (which column applies).
    pub cross_zone: bool,
    /// Zones that have a load balancer node.
    pub zones: Vec<String>,
    pub shares: Vec<Share>,
    /// What shaped the numbers (fail-open, zones left out of DNS), one sentence each.
    pub notes: Vec<String>,
}

/// The distribution of every listener's target group of every load balancer.
pub fn distributions(m: &Model) -> Vec<Distribution> {
    let mut out = Vec::new();
    for (i, lb) in m.load_balancers.iter().enumerate() {
        let mut groups: Vec<_> = lb.listeners.iter().map(|l| l.group).collect();
        groups.dedup();
        for g in groups {
            out.push(distribution(m, LbIx(i), g));
        }
    }
    out
}

fn distribution(m: &Model, lb_ix: LbIx, g: crate::model::TgIx) -> Distribution {
    let lb = &m.load_balancers[lb_ix.0];
    let group = &m.target_groups[g.0];
    let az_of = |eni: crate::model::EniIx| m.subnets[m.interfaces[eni.0].subnet.0].az.clone();
    let mut zones: Vec<String> = lb.nodes.iter().map(|n| az_of(*n)).collect();
    zones.sort();
    zones.dedup();
    let mut notes = Vec::new();
    let targets: Vec<(String, String, bool)> = group
        .targets
        .iter()
        .map(|t| {
            let e = &m.interfaces[t.eni.0];
            let who = e
                .attachment
                .map_or_else(|| e.id.clone(), |(inst, _)| m.label(crate::model::Entity::Instance(inst)));
            (format!("{who} ({}:{})", t.ip, t.port), az_of(t.eni), t.healthy)
        })
        .collect();
    let fail_open = !targets.is_empty() && targets.iter().all(|t| !t.2);
    if fail_open {
        notes.push("no target is healthy: the load balancer fails open and sends to all of them".into());
    }
    let in_rotation = |t: &(String, String, bool)| t.2 || fail_open;
    let healthy = targets.iter().filter(|t| in_rotation(t)).count();
    // Without cross-zone, a zone takes part only if its node has a healthy target.
    let active: Vec<&String> =
        zones.iter().filter(|z| targets.iter().any(|t| in_rotation(t) && t.1 == **z)).collect();
    for z in zones.iter().filter(|z| !active.contains(z)) {
        notes.push(format!(
            "{z} has no healthy target: without cross-zone load balancing its node is left out of DNS"
        ));
    }
    let shares = targets
        .iter()
        .map(|t| {
            let on = in_rotation(t);
            let with = if on && healthy > 0 { 100.0 / healthy as f64 } else { 0.0 };
            let here = targets.iter().filter(|u| in_rotation(u) && u.1 == t.1).count();
            let without = if on && active.contains(&&t.1) && here > 0 {
                100.0 / active.len() as f64 / here as f64
            } else {
                0.0
            };
            Share {
                target: t.0.clone(),
                availability_zone: t.1.clone(),
                healthy: t.2,
                with_cross_zone: with,
                without_cross_zone: without,
            }
        })
        .collect::<Vec<_>>();
    for s in shares.iter().filter(|s| s.with_cross_zone > 0.0 && !zones.contains(&s.availability_zone)) {
        notes.push(format!(
            "{} is in {}, where the load balancer has no node: it gets traffic only with cross-zone load balancing",
            s.target, s.availability_zone
        ));
    }
    Distribution {
        load_balancer: lb.name.clone().unwrap_or_else(|| lb.id.clone()),
        target_group: group.name.clone().unwrap_or_else(|| group.id.clone()),
        cross_zone: lb.cross_zone,
        zones,
        shares,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::examples;
    use crate::model;
    use serde_json::{json, Value};

    /// The ALB example with `a` targets in us-east-1a and `b` in us-east-1b.
    fn alb(a: usize, b: usize, unhealthy: &[&str]) -> Model {
        let ex = examples::get("alb-private-targets").map(examples::load).unwrap_or_default();
        let mut v = ex.to_value();
        let mut enis = Vec::new();
        let mut insts = Vec::new();
        let mut targets = Vec::new();
        for (zone, n, subnet, net) in [("a", a, "subnet-app-a", 11), ("b", b, "subnet-app-b", 12)] {
            for k in 0..n {
                let id = format!("i-{zone}{k}");
                insts.push(json!({ "id": id, "instance_type": "t3.micro" }));
                enis.push(json!({ "id": format!("eni-{zone}{k}"), "subnet": subnet, "private_ip": format!("10.0.{net}.{}", 20 + k),
                                  "attachment": { "instance": id, "device_index": 0 } }));
                let mut t = json!({ "id": id });
                if unhealthy.contains(&id.as_str()) {
                    t["healthy"] = json!(false);
                }
                targets.push(t);
            }
        }
        v["instances"] = Value::Array(insts);
        v["network_interfaces"] = Value::Array(enis);
        v["target_groups"][0]["targets"] = Value::Array(targets);
        let t = crate::Topology::from_json(&v.to_string()).unwrap_or_default();
        model::build(&t).0
    }

    fn shares(m: &Model) -> Vec<(f64, f64)> {
        distributions(m)
            .first()
            .map(|d| d.shares.iter().map(|s| (s.with_cross_zone, s.without_cross_zone)).collect())
            .unwrap_or_default()
    }

    #[test]
    fn the_guides_example_two_and_eight_targets() {
        let s = shares(&alb(2, 8, &[]));
        assert_eq!(s.len(), 10);
        assert!(s.iter().all(|x| (x.0 - 10.0).abs() < 1e-9), "{s:?}");
        assert!(s[..2].iter().all(|x| (x.1 - 25.0).abs() < 1e-9), "{s:?}");
        assert!(s[2..].iter().all(|x| (x.1 - 6.25).abs() < 1e-9), "{s:?}");
    }

    #[test]
    fn health_checks_take_targets_out_and_empty_zones_leave_dns() {
        let m = alb(2, 2, &["i-a0"]);
        let s = shares(&m);
        assert_eq!(s[0], (0.0, 0.0));
        assert!((s[1].0 - 100.0 / 3.0).abs() < 1e-9 && (s[1].1 - 50.0).abs() < 1e-9, "{s:?}");
        let m = alb(1, 2, &["i-a0"]);
        let d = &distributions(&m)[0];
        assert!(d.notes.iter().any(|n| n.contains("us-east-1a has no healthy target")), "{:?}", d.notes);
        assert!((d.shares[1].without_cross_zone - 50.0).abs() < 1e-9, "the other zone takes everything");
        let all_down = alb(1, 1, &["i-a0", "i-b0"]);
        let d = &distributions(&all_down)[0];
        assert!(d.notes.iter().any(|n| n.contains("fails open")));
        assert!(d.shares.iter().all(|s| (s.with_cross_zone - 50.0).abs() < 1e-9));
    }
}
