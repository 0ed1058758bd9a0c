//! Built-in example topologies, compiled into the engine so the page, the CLI and the
//! tests share them. Each is a plain topology file under `data/examples/`.

use crate::topology::Topology;

/// One example: an id for links and menus, a title, and the topology's JSON.
#[derive(Debug, Clone, Copy)]
pub struct Example {
    pub id: &'static str,
    pub title: &'static str,
    /// What to try, for people.
    pub blurb: &'static str,
    pub json: &'static str,
    /// Questions worth asking of it, offered as one-click queries.
    pub queries: &'static [Suggested],
}

/// A query offered with an example: `(from, to, protocol, port)`, plus what it shows.
#[derive(Debug, Clone, Copy)]
pub struct Suggested {
    pub from: &'static str,
    pub to: &'static str,
    pub protocol: &'static str,
    pub port: Option<u16>,
    pub shows: &'static str,
}

/// Every built-in example; the first is the page's default.
pub const ALL: &[Example] = &[
    Example {
        id: "three-tier",
        title: "Three-tier app with a multi-homed app server",
        blurb: "The web tier is public; the app server has one interface in the web subnet and one in \
                the database subnet, each with its own security group; the database subnet is private. \
                Try internet → web-1 on tcp/443, web-1 → db on tcp/5432, and db → internet.",
        json: include_str!("../data/examples/three-tier.json"),
        queries: &[
            Suggested {
                from: "internet",
                to: "i-web1",
                protocol: "tcp",
                port: Some(443),
                shows: "a public web server: IGW NAT, security group, stateful reply",
            },
            Suggested {
                from: "i-web1",
                to: "i-app",
                protocol: "tcp",
                port: Some(8080),
                shows: "a security group that references another group",
            },
            Suggested {
                from: "i-app",
                to: "i-db",
                protocol: "tcp",
                port: Some(5432),
                shows: "the app server's second interface, in the database subnet",
            },
            Suggested {
                from: "i-web1",
                to: "i-db",
                protocol: "tcp",
                port: Some(5432),
                shows: "blocked: the database only trusts the app's back interface",
            },
            Suggested {
                from: "i-db",
                to: "internet",
                protocol: "tcp",
                port: Some(443),
                shows: "blocked three times over: a private subnet names every blocker",
            },
            Suggested {
                from: "internet",
                to: "i-app",
                protocol: "tcp",
                port: Some(8080),
                shows: "blocked: no public address, no way in",
            },
        ],
    },
    Example {
        id: "bastion",
        title: "Bastion host in front of private instances",
        blurb: "A bastion host in the public subnet accepts SSH only from the admins' office range \
                198.51.100.0/24; the app servers in the private subnets accept SSH only from members of \
                the bastion's security group. Try internet → bastion and bastion → app-1 on tcp/22, then \
                SSH from an address outside the office range, or from one app server to another.",
        json: include_str!("../data/examples/bastion.json"),
        queries: &[
            Suggested {
                from: "internet",
                to: "i-bastion",
                protocol: "tcp",
                port: Some(22),
                shows: "SSH from the office range to the bastion's public address",
            },
            Suggested {
                from: "i-bastion",
                to: "i-app1",
                protocol: "tcp",
                port: Some(22),
                shows: "a private instance that trusts the bastion's security group",
            },
            Suggested {
                from: "192.0.2.50",
                to: "i-bastion",
                protocol: "tcp",
                port: Some(22),
                shows: "blocked: SSH from outside the office range",
            },
            Suggested {
                from: "internet",
                to: "i-app1",
                protocol: "tcp",
                port: Some(22),
                shows: "blocked: a private instance has no public address to SSH to",
            },
            Suggested {
                from: "i-app1",
                to: "i-app2",
                protocol: "tcp",
                port: Some(22),
                shows: "blocked: the app servers trust the bastion's group, not each other",
            },
        ],
    },
    Example {
        id: "nat-per-az",
        title: "One NAT gateway per Availability Zone",
        blurb: "Each Availability Zone has a public NAT gateway with its own Elastic IP, and each private \
                subnet routes 0.0.0.0/0 to the NAT gateway in its own zone, so an outage of one zone cannot \
                cut the other zone off the internet. The legacy-a subnet in us-east-1a routes to AZ b's NAT \
                gateway instead: it works, but depends on us-east-1b (and pays for cross-zone traffic). \
                Compare the Elastic IPs that app-a, app-b and legacy-a leave from.",
        json: include_str!("../data/examples/nat-per-az.json"),
        queries: &[
            Suggested {
                from: "i-app-a",
                to: "internet",
                protocol: "tcp",
                port: Some(443),
                shows: "out through AZ a's own NAT gateway and its Elastic IP",
            },
            Suggested {
                from: "i-app-b",
                to: "internet",
                protocol: "tcp",
                port: Some(443),
                shows: "AZ b leaves through its own NAT gateway, another Elastic IP",
            },
            Suggested {
                from: "i-legacy-a",
                to: "internet",
                protocol: "tcp",
                port: Some(443),
                shows: "works, but crosses to AZ b's NAT gateway: an outage of us-east-1b cuts it off",
            },
            Suggested {
                from: "internet",
                to: "i-app-a",
                protocol: "tcp",
                port: Some(443),
                shows: "blocked: a NAT gateway is no way in to the instances behind it",
            },
            Suggested {
                from: "internet",
                to: "203.0.113.20",
                protocol: "tcp",
                port: Some(443),
                shows: "blocked: a NAT gateway's Elastic IP accepts no inbound connection",
            },
        ],
    },
    Example {
        id: "eni-failover",
        title: "ENI failover between two instances",
        blurb: "The licence service answers at 10.0.1.50 on a secondary network interface of primary. \
                To fail over, select eni-license and attach it to standby-a: the address, the MAC and \
                the interface's own security group move with it, so clients and DNS change nothing. \
                Attaching it to standby-b is refused: an interface stays in its Availability Zone.",
        json: include_str!("../data/examples/eni-failover.json"),
        queries: &[
            Suggested {
                from: "i-app",
                to: "10.0.1.50",
                protocol: "tcp",
                port: Some(443),
                shows: "the service address, wherever its interface is attached",
            },
            Suggested {
                from: "i-app",
                to: "10.0.1.50",
                protocol: "tcp",
                port: Some(22),
                shows: "blocked: the interface's security group, not the instance's other one",
            },
        ],
    },
    Example {
        id: "mac-licensing",
        title: "MAC-address licensing: the licence follows the interface",
        blurb: "Licensed software is bound to the MAC address 0a:1b:2c:3d:4e:5f of the interface \
                license, not to an instance. Move the interface to standby-a (inspector → Attached \
                to): the MAC address, shown in the inspector, stays the same, so the licence stays \
                valid on the new instance.",
        json: include_str!("../data/examples/mac-licensing.json"),
        queries: &[Suggested {
            from: "i-app",
            to: "10.0.1.50",
            protocol: "tcp",
            port: Some(443),
            shows: "the licensed service, reached at the interface's address",
        }],
    },
    Example {
        id: "security-appliance",
        title: "Two-armed security appliance between an outside and an inside subnet",
        blurb: "A firewall instance has one interface in the outside subnet and one in the inside subnet, \
                both with source/destination check off; each subnet's route table sends the other \
                subnet's exact CIDR to the appliance's interface on its side (middlebox routing). Follow \
                web → app on tcp/8080 through the appliance and back, then see what the appliance's own \
                security group does to tcp/22 and what a group-referencing rule does to tcp/8443.",
        json: include_str!("../data/examples/security-appliance.json"),
        queries: &[
            Suggested {
                from: "i-web",
                to: "i-app",
                protocol: "tcp",
                port: Some(8080),
                shows: "through the appliance both ways, source/destination check off",
            },
            Suggested {
                from: "i-app",
                to: "i-web",
                protocol: "tcp",
                port: Some(443),
                shows: "the inside starts connections outward through the same appliance",
            },
            Suggested {
                from: "i-web",
                to: "i-app",
                protocol: "tcp",
                port: Some(22),
                shows: "blocked at the appliance's own security group, though app's allows SSH",
            },
            Suggested {
                from: "i-web",
                to: "i-app",
                protocol: "tcp",
                port: Some(8443),
                shows: "blocked: a rule naming web's group no longer matches after a middlebox",
            },
        ],
    },
    Example {
        id: "peering-non-transitive",
        title: "VPC peering is not transitive",
        blurb: "VPC A is peered with B, and B with C, with routes on both sides of each connection. A even \
                routes C's range to the A–B connection, yet A cannot reach C: a peering connection carries \
                only traffic addressed to the peer VPC itself, so A and C need their own. Try host-a → \
                host-b and host-b → host-c, then host-a → host-c.",
        json: include_str!("../data/examples/peering-non-transitive.json"),
        queries: &[
            Suggested {
                from: "i-a",
                to: "i-b",
                protocol: "tcp",
                port: Some(22),
                shows: "a peering connection with routes on both sides",
            },
            Suggested {
                from: "i-b",
                to: "i-c",
                protocol: "tcp",
                port: Some(22),
                shows: "B's second peering connection, to C",
            },
            Suggested {
                from: "i-a",
                to: "i-c",
                protocol: "tcp",
                port: Some(22),
                shows: "blocked: peering is not transitive, whatever A's route table says",
            },
            Suggested {
                from: "i-c",
                to: "i-a",
                protocol: "tcp",
                port: Some(22),
                shows: "blocked: C has no route to A, and no connection that could carry one",
            },
        ],
    },
    Example {
        id: "hub-and-spoke-tgw",
        title: "Transit gateway hub and spoke with a shared-services VPC",
        blurb: "Two spoke VPCs and a shared-services VPC attach to one transit gateway. The spokes' \
                attachments are associated with a route table holding only the shared VPC's propagated \
                route, while the shared attachment's table holds every spoke's: the spokes reach shared \
                services (here DNS) but not each other. Try app-a → dns on udp/53, then app-a → app-b.",
        json: include_str!("../data/examples/hub-and-spoke-tgw.json"),
        queries: &[
            Suggested {
                from: "i-app-a",
                to: "i-dns",
                protocol: "udp",
                port: Some(53),
                shows: "a spoke reaches shared services through the spokes' route table",
            },
            Suggested {
                from: "i-dns",
                to: "i-app-b",
                protocol: "tcp",
                port: Some(22),
                shows: "shared services reach every spoke: their table has all the spokes' routes",
            },
            Suggested {
                from: "i-app-a",
                to: "i-app-b",
                protocol: "tcp",
                port: Some(22),
                shows: "blocked: the spokes' route table has no route to the other spoke",
            },
            Suggested {
                from: "i-app-b",
                to: "i-app-a",
                protocol: "tcp",
                port: Some(22),
                shows: "blocked the other way too: the isolation is symmetric",
            },
        ],
    },
    Example {
        id: "dual-stack-egress-only",
        title: "Dual-stack VPC: NAT gateway for IPv4, egress-only internet gateway for IPv6",
        blurb: "The private subnet sends IPv4 (0.0.0.0/0) to a NAT gateway and IPv6 (::/0) to an \
                egress-only internet gateway, which lets connections out untranslated and only their \
                replies back in. IPv6 addresses are globally unique, so app's security group also admits \
                only the VPC's own ranges. Try app → 2001:db8::10 and app → internet on tcp/443, then \
                the internet → app's IPv6 address.",
        json: include_str!("../data/examples/dual-stack-egress-only.json"),
        queries: &[
            Suggested {
                from: "i-app",
                to: "2001:db8::10",
                protocol: "tcp",
                port: Some(443),
                shows: "IPv6 out through the egress-only internet gateway, no translation",
            },
            Suggested {
                from: "i-app",
                to: "internet",
                protocol: "tcp",
                port: Some(443),
                shows: "IPv4 out through the NAT gateway and its Elastic IP",
            },
            Suggested {
                from: "internet",
                to: "2001:db8:1234:1a00::10",
                protocol: "tcp",
                port: Some(443),
                shows: "IPv6 straight in to web through the internet gateway, no NAT",
            },
            Suggested {
                from: "internet",
                to: "2001:db8:1234:1a01::10",
                protocol: "tcp",
                port: Some(443),
                shows: "blocked twice: app's security group, and the egress-only gateway drops the reply",
            },
            Suggested {
                from: "internet",
                to: "i-app",
                protocol: "tcp",
                port: Some(443),
                shows: "blocked: over IPv4, app has no public address",
            },
        ],
    },
    Example {
        id: "s3-gateway-endpoint",
        title: "Private subnet reaching S3 through a gateway endpoint",
        blurb: "The VPC has no internet gateway and no NAT gateway. A gateway endpoint adds a route from \
                S3's prefix list (com.amazonaws.us-east-1.s3) to the app subnet's route table, and the \
                security group allows HTTPS out to that prefix list only. Try app → s3 on tcp/443, then \
                app → internet, and batch → s3 from a subnet whose route table lacks the endpoint.",
        json: include_str!("../data/examples/s3-gateway-endpoint.json"),
        queries: &[
            Suggested {
                from: "i-app",
                to: "s3",
                protocol: "tcp",
                port: Some(443),
                shows: "to S3 privately through the endpoint's prefix-list route",
            },
            Suggested {
                from: "i-app",
                to: "internet",
                protocol: "tcp",
                port: Some(443),
                shows: "blocked twice: no route to the internet, and the group allows only S3",
            },
            Suggested {
                from: "i-app",
                to: "s3",
                protocol: "tcp",
                port: Some(80),
                shows: "blocked: the group allows only HTTPS to the S3 prefix list",
            },
            Suggested {
                from: "i-batch",
                to: "s3",
                protocol: "tcp",
                port: Some(443),
                shows: "blocked: the endpoint adds its route only to its associated route tables",
            },
        ],
    },
    Example {
        id: "site-to-site-vpn",
        title: "Site-to-site VPN to an office network",
        blurb: "A virtual private gateway connects the VPC to the office network 192.168.0.0/16 over a VPN \
                connection. The private subnet's route table learns the office route by propagation; the \
                public subnet's table does not, so replies from there go to the internet gateway, which \
                drops private destinations. Try office → app on tcp/22, then office → web.",
        json: include_str!("../data/examples/site-to-site-vpn.json"),
        queries: &[
            Suggested {
                from: "vpn-1",
                to: "i-app",
                protocol: "tcp",
                port: Some(22),
                shows: "in over the VPN, reply by the propagated route",
            },
            Suggested {
                from: "vpn-1",
                to: "i-web",
                protocol: "tcp",
                port: Some(22),
                shows: "blocked: the reply takes the public table's default route to the internet gateway",
            },
            Suggested {
                from: "i-app",
                to: "vpn-1",
                protocol: "tcp",
                port: Some(443),
                shows: "out to the office through the virtual private gateway",
            },
            Suggested {
                from: "internet",
                to: "i-web",
                protocol: "tcp",
                port: Some(22),
                shows: "blocked: SSH is allowed from the office network only",
            },
        ],
    },
    Example {
        id: "alb-private-targets",
        title: "Application Load Balancer in public subnets, targets in private subnets",
        blurb: "An internet-facing ALB has a node in each public subnet; its targets live in private \
                subnets with no public address. The ALB accepts HTTPS and opens a new connection to a \
                target on port 8080, so the targets' security group allows the ALB's group, not the \
                internet. Try internet → web-alb on tcp/443, then on tcp/80, then internet → app-a.",
        json: include_str!("../data/examples/alb-private-targets.json"),
        queries: &[
            Suggested {
                from: "internet",
                to: "alb-web",
                protocol: "tcp",
                port: Some(443),
                shows: "a listener, a new connection to a target, and the reply back through the ALB",
            },
            Suggested {
                from: "internet",
                to: "alb-web",
                protocol: "tcp",
                port: Some(80),
                shows: "blocked: no listener on 80, and the ALB's group admits 443 only",
            },
            Suggested {
                from: "internet",
                to: "i-app-a",
                protocol: "tcp",
                port: Some(8080),
                shows: "blocked: the targets have no public address",
            },
            Suggested {
                from: "i-app-a",
                to: "i-app-b",
                protocol: "tcp",
                port: Some(8080),
                shows: "blocked: the targets admit the load balancer's group only",
            },
        ],
    },
];

/// The example with this id.
pub fn get(id: &str) -> Option<&'static Example> {
    ALL.iter().find(|e| e.id == id)
}

/// Parse an example. The examples are tested to parse, so failure is a build defect;
/// it still degrades to an empty topology rather than panicking.
pub fn load(e: &Example) -> Topology {
    Topology::from_json(e.json).unwrap_or_default()
}

/// The example `t` is, unchanged but for where its boxes were dragged, if any. Titles are compared first, so an ordinary
/// network costs no parsing (every example's JSON carries its title; tested).
pub fn recognise(t: &Topology) -> Option<&'static Example> {
    ALL.iter().find(|e| matches(e, t))
}

/// Whether `t` is example `e`, wherever its boxes were dragged: positions are presentation,
/// so moving a box keeps the example's explanation and questions.
pub fn matches(e: &Example, t: &Topology) -> bool {
    e.title == t.title && {
        let (mut a, mut b) = (load(e), t.clone());
        a.layout.clear();
        b.layout.clear();
        a == b
    }
}

/// The default example: the three-tier application.
pub fn three_tier() -> Topology {
    ALL.first().map(load).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_is_recognised_and_an_edited_one_is_not() {
        for e in ALL {
            let mut t = load(e);
            assert_eq!(t.title, e.title, "{}: the JSON's title is the example's", e.id);
            assert_eq!(recognise(&t).map(|x| x.id), Some(e.id));
            // A dragged box is the same network.
            let moved =
                crate::edit::place(&t, "internet", 333.0, 44.0).unwrap_or_else(|e| unreachable!("{e}"));
            assert_ne!(moved, t);
            assert_eq!(recognise(&moved).map(|x| x.id), Some(e.id), "{} moved", e.id);
            t.region.push_str("-changed");
            assert_eq!(recognise(&t).map(|x| x.id), None, "{}", e.id);
        }
    }

    #[test]
    fn every_suggested_query_resolves() {
        for e in ALL {
            let (m, _) = crate::model::build(&load(e));
            for s in e.queries {
                let q = crate::trace::Query::new(
                    s.from,
                    s.to,
                    s.protocol.parse().unwrap_or(crate::Protocol::Tcp),
                    s.port,
                );
                assert!(crate::trace::reach(&m, &q).is_ok(), "{}: {} → {}", e.id, s.from, s.to);
            }
        }
    }

    #[test]
    fn every_suggested_query_has_the_verdict_its_text_claims() {
        for e in ALL {
            let (m, _) = crate::model::build(&load(e));
            for s in e.queries {
                let q = crate::trace::Query::new(
                    s.from,
                    s.to,
                    s.protocol.parse().unwrap_or(crate::Protocol::Tcp),
                    s.port,
                );
                let reachable = crate::trace::reach(&m, &q).map(|t| t.reachable);
                let blocked = s.shows.starts_with("blocked");
                assert_eq!(
                    reachable.ok(),
                    Some(!blocked),
                    "{}: {} → {} {}/{:?}: {:?}",
                    e.id,
                    s.from,
                    s.to,
                    s.protocol,
                    s.port,
                    s.shows
                );
            }
        }
    }

    #[test]
    fn example_ids_are_unique() {
        let mut ids: Vec<&str> = ALL.iter().map(|e| e.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), ALL.len());
    }

    #[test]
    fn every_example_parses_and_builds_without_diagnostics() {
        for e in ALL {
            let t = Topology::from_json(e.json);
            assert!(t.is_ok(), "{}: {:?}", e.id, t.err());
            let (_, d) = crate::model::build(&t.unwrap_or_default());
            assert!(d.is_empty(), "{}: {d:#?}", e.id);
        }
    }
}
