//! The CIDR workbench's topology-aware half: what a block overlaps in a topology, and a
//! subnet plan that splits a VPC's block across Availability Zones and tiers by host count,
//! respecting AWS's five reserved addresses per subnet ("29 hosts needs a /26") and the
//! subnets that already exist.
//!
//! AWS: subnet sizes are /16 to /28 for IPv4 and /64 for IPv6 subnets in a /56 VPC block
//! (vpc/latest/userguide/subnet-sizing.html).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use serde::Serialize;

use crate::cidr;
use crate::topology::Topology;

/// What `net` overlaps in `t`, one sentence each: VPC blocks it is outside of are not
/// conflicts; overlapping subnets and other VPCs' blocks are.
pub fn conflicts(t: &Topology, net: IpNet) -> Vec<String> {
    let mut out = Vec::new();
    for v in &t.vpcs {
        let blocks = v.cidr_blocks.iter().chain(v.ipv6_cidr_block.iter());
        for b in blocks.filter(|b| cidr::overlaps(**b, net) && !cidr::contains(**b, net)) {
            out.push(format!("overlaps VPC {} ({b})", v.name.as_deref().unwrap_or(&v.id)));
        }
    }
    for s in &t.subnets {
        let blocks = std::iter::once(&s.cidr_block).chain(s.ipv6_cidr_block.iter());
        for b in blocks.filter(|b| cidr::overlaps(**b, net)) {
            out.push(format!("overlaps subnet {} ({b})", s.name.as_deref().unwrap_or(&s.id)));
        }
    }
    out
}

/// The smallest IPv4 subnet prefix that holds `hosts` interfaces after AWS's 5 reserved
/// addresses, or `None` when even a /16 is too small. Never smaller than /28, AWS's minimum.
pub fn prefix_for_hosts(hosts: u32) -> Option<u8> {
    (16..=28u8).rev().find(|p| (1u128 << (32 - p)) - cidr::AWS_RESERVED_PER_SUBNET >= u128::from(hosts))
}

/// One tier of a plan: a name and how many hosts each of its subnets must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier {
    pub name: String,
    pub hosts: u32,
}

/// One planned subnet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Planned {
    pub name: String,
    pub availability_zone: String,
    pub cidr_block: IpNet,
    /// The /64 for dual-stack VPCs.
    pub ipv6_cidr_block: Option<IpNet>,
    pub hosts: u32,
    /// Usable addresses: the block's size minus AWS's 5.
    pub usable: u128,
}

/// Split `block` (a VPC's IPv4 block) into one subnet per tier per AZ, biggest first so
/// every block stays aligned, skipping addresses `t`'s subnets already use. `ipv6` (the
/// VPC's /56) gives each subnet the next free /64.
pub fn plan(
    t: &Topology,
    block: IpNet,
    ipv6: Option<IpNet>,
    azs: &[String],
    tiers: &[Tier],
) -> Result<Vec<Planned>, String> {
    let IpNet::V4(block) = block else { return Err("plan IPv4 blocks; IPv6 /64s follow them".into()) };
    if azs.is_empty() || tiers.is_empty() {
        return Err("name at least one Availability Zone and one tier".into());
    }
    let mut wanted: Vec<(&Tier, &String, u8)> = Vec::new();
    for tier in tiers {
        let p = prefix_for_hosts(tier.hosts).ok_or_else(|| {
            format!("tier {}: {} hosts do not fit in any subnet (a /16 holds 65,531)", tier.name, tier.hosts)
        })?;
        if p < block.prefix_len() {
            return Err(format!(
                "tier {}: {} hosts need a /{p}, larger than the VPC block {block}",
                tier.name, tier.hosts
            ));
        }
        wanted.extend(azs.iter().map(|az| (tier, az, p)));
    }
    // Largest first (stable: tiers then AZs keep their order within a size).
    wanted.sort_by_key(|(_, _, p)| *p);
    let mut taken: Vec<IpNet> = t.subnets.iter().map(|s| s.cidr_block).collect();
    let mut taken6: Vec<IpNet> = t.subnets.iter().filter_map(|s| s.ipv6_cidr_block).collect();
    let mut out = Vec::new();
    for (tier, az, p) in wanted {
        let net = free_block(block, p, &taken).ok_or_else(|| {
            format!(
                "{block} has no free /{p} left for {}-{}: use a larger VPC block or fewer hosts",
                tier.name,
                az_suffix(az)
            )
        })?;
        taken.push(IpNet::V4(net));
        let v6 = match ipv6 {
            Some(IpNet::V6(b)) => {
                let n = free_block6(b, &taken6);
                if let Some(n) = n {
                    taken6.push(IpNet::V6(n));
                }
                n.map(IpNet::V6)
            }
            _ => None,
        };
        out.push(Planned {
            name: format!("{}-{}", tier.name, az_suffix(az)),
            availability_zone: az.clone(),
            cidr_block: IpNet::V4(net),
            ipv6_cidr_block: v6,
            hosts: tier.hosts,
            usable: cidr::aws_usable(IpNet::V4(net)),
        });
    }
    Ok(out)
}

/// `us-east-1a` → `a`.
fn az_suffix(az: &str) -> &str {
    az.rfind(|c: char| c.is_ascii_digit())
        .and_then(|i| az.get(i + 1..))
        .filter(|s| !s.is_empty())
        .unwrap_or(az)
}

fn free_block(block: Ipv4Net, prefix: u8, taken: &[IpNet]) -> Option<Ipv4Net> {
    block.subnets(prefix).ok()?.find(|c| !taken.iter().any(|t| cidr::overlaps(*t, IpNet::V4(*c))))
}

/// The first /64 of a VPC's /56 that no subnet uses.
fn free_block6(block: Ipv6Net, taken: &[IpNet]) -> Option<Ipv6Net> {
    block.subnets(64).ok()?.take(256).find(|c| !taken.iter().any(|t| cidr::overlaps(*t, IpNet::V6(*c))))
}

/// The address's bits, octets (IPv4) or hextets (IPv6) separated by dots, for the bit view;
/// the first `prefix_len` bits are the network part.
pub fn bits(addr: IpAddr) -> String {
    match addr {
        IpAddr::V4(a) => a.octets().iter().map(|o| format!("{o:08b}")).collect::<Vec<_>>().join("."),
        IpAddr::V6(a) => a.segments().iter().map(|s| format!("{s:016b}")).collect::<Vec<_>>().join("."),
    }
}

/// Parse a block a person typed: IPv4 or IPv6, host bits allowed (reported by `describe`).
pub fn parse(text: &str) -> Result<IpNet, String> {
    let s = text.trim();
    s.parse::<IpNet>()
        .or_else(|_| {
            // A bare address is its /32 or /128.
            s.parse::<IpAddr>().map(|a| match a {
                IpAddr::V4(v) => {
                    IpNet::V4(Ipv4Net::new(v, 32).unwrap_or_else(|_| Ipv4Net::from(Ipv4Addr::UNSPECIFIED)))
                }
                IpAddr::V6(v) => {
                    IpNet::V6(Ipv6Net::new(v, 128).unwrap_or_else(|_| Ipv6Net::from(Ipv6Addr::UNSPECIFIED)))
                }
            })
        })
        .map_err(|_| format!("{s:?} is not a CIDR block (10.0.0.0/16, 2600:1f18::/56) or an address"))
}

/// "web 29" per line → tiers; a line that does not read gets a message naming it.
pub fn parse_tiers(text: &str) -> Result<Vec<Tier>, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (name, hosts) = l
                .rsplit_once(char::is_whitespace)
                .ok_or_else(|| format!("{l:?}: write a name and a host count, like \"web 29\""))?;
            let hosts = hosts.trim().parse().map_err(|_| format!("{l:?}: {hosts:?} is not a host count"))?;
            Ok(Tier { name: name.trim().to_string(), hosts })
        })
        .collect()
}

/// Where new subnets of VPC `vpc` send their traffic, for people: a subnet with no explicit
/// association uses its VPC's main route table (vpc/latest/userguide/RouteTables.html), so
/// planned "public" tiers are public only once a table routing to an internet gateway is
/// theirs. `None` when `m` has no such VPC.
pub fn routing_note(m: &crate::model::Model, vpc: &str) -> Option<String> {
    let v = m.vpcs.iter().find(|v| v.id == vpc)?;
    let main = m.route_tables.get(v.main_route_table.0)?;
    let igw = main.routes.iter().find_map(|r| match r.target {
        crate::model::Target::InternetGateway(g) => Some(m.internet_gateways[g.0].id.as_str()),
        _ => None,
    });
    Some(match igw {
        Some(g) => format!(
            "They use {vpc}'s main route table {}, which routes to internet gateway {g}: they are \
             public. Associate private tiers with a route table without that route.",
            main.id
        ),
        None => format!(
            "They use {vpc}'s main route table {}, which has no route to an internet gateway: \
             they are private. To make a tier public, associate its subnets with a route table \
             that sends 0.0.0.0/0 to an internet gateway.",
            main.id
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::examples;

    fn net(s: &str) -> IpNet {
        s.parse().unwrap_or_else(|e| unreachable!("{s}: {e}"))
    }

    #[test]
    fn hosts_to_prefix_respects_the_five_reserved_addresses() {
        // The seeds' example: 29 hosts need a /26, since a /27 leaves 32 - 5 = 27.
        assert_eq!(prefix_for_hosts(29), Some(26));
        assert_eq!(prefix_for_hosts(27), Some(27));
        assert_eq!(prefix_for_hosts(1), Some(28), "AWS's smallest subnet is a /28");
        assert_eq!(prefix_for_hosts(65_531), Some(16));
        assert_eq!(prefix_for_hosts(65_532), None);
    }

    #[test]
    fn a_plan_is_aligned_disjoint_and_avoids_existing_subnets() {
        let t = examples::three_tier();
        let azs = vec!["us-east-1a".to_string(), "us-east-1b".to_string()];
        let tiers = vec![Tier { name: "web".into(), hosts: 29 }, Tier { name: "app".into(), hosts: 200 }];
        let p = plan(&t, net("10.0.0.0/16"), Some(net("2600:1f18:abcd:ee00::/56")), &azs, &tiers)
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(p.len(), 4);
        for (i, a) in p.iter().enumerate() {
            assert!(a.usable >= u128::from(a.hosts), "{a:?}");
            assert_eq!(a.cidr_block, a.cidr_block.trunc(), "aligned");
            assert!(conflicts(&t, a.cidr_block).is_empty(), "{a:?} overlaps an existing subnet");
            for b in &p[i + 1..] {
                assert!(!cidr::overlaps(a.cidr_block, b.cidr_block), "{a:?} {b:?}");
                assert_ne!(a.ipv6_cidr_block, b.ipv6_cidr_block);
            }
        }
        assert_eq!(p[0].name, "app-a");
        assert_eq!(p[0].cidr_block.prefix_len(), 24);
        assert_eq!(p.iter().find(|x| x.name == "web-b").map(|x| x.cidr_block.prefix_len()), Some(26));
        let e = plan(&t, net("10.0.0.0/28"), None, &azs, &tiers).err().unwrap_or_default();
        assert!(e.contains("larger than the VPC block"), "{e}");
    }

    #[test]
    fn conflicts_name_what_overlaps() {
        let t = examples::three_tier();
        assert_eq!(conflicts(&t, net("10.0.1.128/25")), ["overlaps subnet web-a (10.0.1.0/24)"]);
        assert!(conflicts(&t, net("10.0.200.0/24")).is_empty());
        assert_eq!(conflicts(&t, net("10.0.0.0/8")).len(), 5, "the VPC block and its 4 subnets");
        assert_eq!(bits(net("10.0.1.0/24").network()), "00001010.00000000.00000001.00000000");
        assert!(parse("10.0.1.7").is_ok() && parse("nope").is_err());
    }

    #[test]
    fn new_subnets_are_told_which_table_routes_them() {
        let t = crate::examples::three_tier();
        let (m, _) = crate::model::build(&t);
        let note = routing_note(&m, "vpc-prod").unwrap_or_default();
        let main = &m.route_tables[m.vpcs[0].main_route_table.0];
        assert!(note.contains(&main.id), "{note}");
        let public = main.routes.iter().any(|r| matches!(r.target, crate::model::Target::InternetGateway(_)));
        assert_eq!(note.contains("they are public"), public, "{note}");
        assert_eq!(note.contains("they are private"), !public, "{note}");
        assert_eq!(routing_note(&m, "vpc-nothing"), None);
        // The other way round: the main table is the one routing to the internet gateway.
        let mut flipped = t.clone();
        for r in &mut flipped.route_tables {
            r.main = r.routes.iter().any(|x| x.target.starts_with("igw-"));
        }
        let (m2, _) = crate::model::build(&flipped);
        let note2 = routing_note(&m2, "vpc-prod").unwrap_or_default();
        assert_ne!(note2.contains("they are public"), note.contains("they are public"), "{note2}");
    }

    #[test]
    fn tiers_parse_and_bad_lines_are_named() {
        let t = parse_tiers("web 29\n\n  app tier 100 ").unwrap_or_default();
        assert_eq!(
            t,
            vec![Tier { name: "web".into(), hosts: 29 }, Tier { name: "app tier".into(), hosts: 100 }]
        );
        assert!(parse_tiers("web").err().unwrap_or_default().contains("\"web\""));
        assert!(parse_tiers("web lots").err().unwrap_or_default().contains("not a host count"));
    }
}
