//! Auto Scaling groups, expanded into the instances they run before the model is built, so
//! every analysis sees them as ordinary instances.
//!
//! AWS launches a group's instances evenly across the Availability Zones of its subnets
//! (autoscaling/ec2/userguide/auto-scaling-benefits.html#arch-AutoScalingMultipleAZs) and
//! registers them with the group's target groups
//! (autoscaling/ec2/userguide/attach-load-balancer-asg.html). The desired capacity must lie
//! between the minimum and the maximum.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, Diagnostics, Kind};
use crate::topology::{Attachment, Instance, NetworkInterface, TargetSpec, Topology};
use crate::Severity;

/// The topology with every group's instances in it, and what is wrong with the groups.
/// Borrowed unchanged when there is no group.
pub fn expand(t: &Topology) -> (Cow<'_, Topology>, Vec<Diagnostic>) {
    if t.auto_scaling_groups.is_empty() {
        return (Cow::Borrowed(t), Vec::new());
    }
    let mut out = t.clone();
    let mut d = Diagnostics::default();
    for g in &t.auto_scaling_groups {
        let problem = |d: &mut Diagnostics, field: &str, message: String| {
            d.push(Severity::Error, Kind::AutoScalingGroup, &g.id, g.name.as_deref(), field, message);
        };
        if !(g.min_size <= g.desired_capacity && g.desired_capacity <= g.max_size) {
            problem(
                &mut d,
                "desired_capacity",
                format!(
                    "desired capacity {} must lie between the minimum {} and the maximum {}",
                    g.desired_capacity, g.min_size, g.max_size
                ),
            );
            continue;
        }
        // Subnets by Availability Zone, in the order given.
        let mut zones: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (i, s) in g.subnets.iter().enumerate() {
            match t.subnets.iter().find(|x| x.id == *s) {
                Some(x) => zones.entry(x.availability_zone.as_str()).or_default().push(x.id.as_str()),
                None => problem(&mut d, &format!("subnets[{i}]"), format!("subnet \"{s}\" does not exist")),
            }
        }
        if zones.is_empty() {
            problem(&mut d, "subnets", "the group has no subnet to launch into".into());
            continue;
        }
        for (i, tg) in g.target_groups.iter().enumerate() {
            if !t.target_groups.iter().any(|x| x.id == *tg) {
                problem(
                    &mut d,
                    &format!("target_groups[{i}]"),
                    format!("target group \"{tg}\" does not exist"),
                );
            }
        }
        let zones: Vec<Vec<&str>> = zones.into_values().collect();
        let base = g.id.strip_prefix("asg-").unwrap_or(&g.id).to_string();
        for k in 0..g.desired_capacity as usize {
            // Round robin over the zones, then over the subnets within a zone.
            let zone = &zones[k % zones.len()];
            let subnet = zone[(k / zones.len()) % zone.len()];
            let Some(ip) = crate::edit::free_private_ip(&out, subnet) else {
                problem(
                    &mut d,
                    "subnets",
                    format!("subnet \"{subnet}\" has no free address for instance {}", k + 1),
                );
                break;
            };
            let id = format!("i-{base}-{}", k + 1);
            out.instances.push(Instance {
                id: id.clone(),
                name: Some(format!("{}-{}", g.name.as_deref().unwrap_or(&base), k + 1)),
                instance_type: g.instance_type.clone(),
                availability_zone: None,
                source_nat: false,
                ami: g.ami.clone(),
                user_data: None,
                state: Default::default(),
            });
            out.network_interfaces.push(NetworkInterface {
                id: format!("eni-{base}-{}", k + 1),
                name: None,
                subnet: subnet.to_string(),
                private_ip: ip,
                secondary_private_ips: Vec::new(),
                ipv6_addresses: Vec::new(),
                public_ip: None,
                security_groups: g.security_groups.clone(),
                source_dest_check: true,
                attachment: Some(Attachment { instance: id.clone(), device_index: 0 }),
                mac_address: None,
                interface_type: None,
            });
            for tg in out.target_groups.iter_mut().filter(|x| g.target_groups.contains(&x.id)) {
                tg.targets.push(TargetSpec { id: id.clone(), port: None, healthy: true });
            }
        }
    }
    (Cow::Owned(out), d.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{examples, model};

    fn with_group(desired: u32, subnets: &[&str]) -> Topology {
        let mut t = examples::get("alb-private-targets").map(examples::load).unwrap_or_default();
        t.auto_scaling_groups.push(crate::topology::AutoScalingGroup {
            id: "asg-web".into(),
            name: Some("web".into()),
            subnets: subnets.iter().map(|s| s.to_string()).collect(),
            min_size: 1,
            desired_capacity: desired,
            max_size: 6,
            instance_type: "t3.micro".into(),
            security_groups: t.network_interfaces[0].security_groups.clone(),
            target_groups: vec!["tg-app".into()],
            ami: Some("ami-1".into()),
        });
        t
    }

    #[test]
    fn instances_are_spread_evenly_across_zones_and_registered() {
        let t = with_group(5, &["subnet-app-a", "subnet-app-b"]);
        let (m, d) = model::build(&t);
        assert!(d.is_empty(), "{d:#?}");
        let azs: Vec<Option<String>> = (1..=5)
            .map(|k| m.instances.iter().find(|i| i.id == format!("i-web-{k}")).and_then(|i| i.az.clone()))
            .collect();
        let a = azs.iter().filter(|z| z.as_deref() == Some("us-east-1a")).count();
        let b = azs.iter().filter(|z| z.as_deref() == Some("us-east-1b")).count();
        assert_eq!((a, b), (3, 2));
        assert_eq!(m.target_groups[0].targets.len(), 2 + 5);
        // And the load balancer reaches one of them.
        let q = crate::trace::Query::new("internet", "web-alb", crate::Protocol::Tcp, Some(443));
        assert!(crate::trace::reach(&m, &q).is_ok());
    }

    #[test]
    fn capacity_outside_min_max_and_missing_subnets_are_named() {
        let mut t = with_group(7, &["subnet-app-a"]);
        let (_, d) = model::build(&t);
        assert!(d.iter().any(|x| x.entity == "asg-web" && x.field == "desired_capacity"), "{d:#?}");
        t.auto_scaling_groups[0].desired_capacity = 2;
        t.auto_scaling_groups[0].subnets.push("subnet-nope".into());
        let (m, d) = model::build(&t);
        assert!(d.iter().any(|x| x.field == "subnets[1]" && x.message.contains("subnet-nope")), "{d:#?}");
        assert_eq!(m.instances.iter().filter(|i| i.id.starts_with("i-web-")).count(), 2);
    }
}
