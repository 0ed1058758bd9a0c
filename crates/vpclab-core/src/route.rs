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
