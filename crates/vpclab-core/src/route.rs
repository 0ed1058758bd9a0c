//! Route lookup: longest-prefix match over a route table.
//!
//! As plain as smoltcp's `iface/route.rs`: keep the routes that contain the address, take
//! the longest prefix. IPv4 and IPv6 never mix, because an `IpNet` of one family never
//! contains an address of the other (vpc/latest/userguide/subnet-route-tables.html).

use std::net::IpAddr;

use crate::model::{Route, RouteTable};

/// The route a table uses for `dst`, if any.
///
/// At the same prefix length a static route beats a propagated one
/// (vpc/latest/userguide/route-tables-priority.html); the model keeps one route per
/// destination, so that is the only tie.
pub fn lookup(table: &RouteTable, dst: IpAddr) -> Option<&Route> {
    table.routes.iter().filter(|r| r.destination.contains(&dst)).max_by_key(|r| r.destination.prefix_len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Target, VpcIx};
    use ipnet::{IpNet, Ipv4Net, Ipv6Net};
    use proptest::prelude::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    fn table(destinations: &[IpNet]) -> RouteTable {
        let mut routes: Vec<Route> = Vec::new();
        for (i, &d) in destinations.iter().enumerate() {
            // The model keeps one route per destination.
            if routes.iter().all(|r| r.destination != d) {
                let target = Target::Blackhole(format!("t{i}"));
                routes.push(Route {
                    destination: d,
                    target,
                    implicit: false,
                    propagated: false,
                    prefix_list: None,
                });
            }
        }
        RouteTable { id: "rtb".into(), name: None, vpc: VpcIx(0), main: true, implicit: false, routes }
    }

    /// A different algorithm from `lookup`: try every prefix length from the longest down and
    /// look for a route whose destination is exactly the address masked to that length.
    fn oracle(t: &RouteTable, dst: IpAddr) -> Option<&Route> {
        let max = if dst.is_ipv4() { 32 } else { 128 };
        (0..=max).rev().find_map(|len| {
            let masked = IpNet::new(dst, len).ok()?.trunc();
            t.routes.iter().find(|r| r.destination == masked)
        })
    }

    fn arb_v4() -> impl Strategy<Value = IpNet> {
        // A small address space, so routes overlap and nest often.
        (0u32..16, 0u8..=32).prop_map(|(a, len)| {
            let addr = Ipv4Addr::from((10u32 << 24) | (a << 20));
            IpNet::V4(Ipv4Net::new(addr, len).map(|n| n.trunc()).unwrap_or_default())
        })
    }

    proptest! {
        /// Longest-prefix match, checked against the masked-probe oracle, on tables mixing
        /// IPv4 routes with an IPv6 default route that must never match IPv4.
        #[test]
        fn lookup_is_longest_prefix_match(dests in prop::collection::vec(arb_v4(), 0..12), host in 0u32..(1 << 24)) {
            let mut dests = dests;
            dests.push(IpNet::V6(Ipv6Net::default()));
            let t = table(&dests);
            let dst = IpAddr::V4(Ipv4Addr::from((10u32 << 24) | host));
            prop_assert_eq!(lookup(&t, dst), oracle(&t, dst));
            if let Some(r) = lookup(&t, dst) {
                prop_assert!(r.destination.contains(&dst));
            }
        }

        #[test]
        fn ipv6_destinations_only_match_ipv6_routes(dests in prop::collection::vec(arb_v4(), 0..12)) {
            let mut dests = dests;
            dests.push(IpNet::V4(Ipv4Net::default()));
            let t = table(&dests);
            let dst = IpAddr::V6(Ipv6Addr::new(0x2600, 0x1f18, 0, 0, 0, 0, 0, 1));
            prop_assert_eq!(lookup(&t, dst), None);
        }
    }
}
