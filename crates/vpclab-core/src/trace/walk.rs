//! The walk: a packet followed from component to component, recording a hop at each and
//! an explanation at each block (see the parent module for the order of checks).

use super::*;
use crate::cidr::{self, NonPublic};
use crate::diagnostic::{label, Kind};
use crate::firewall::{self, Direction};
use crate::model::{
    EigwIx, EniIx, Entity, Holder, IgwIx, InstIx, LbIx, Model, NatIx, PcxIx, SgIx, SgPeer, SubnetIx, Target,
    TgwAttIx, TgwIx, VgwIx, VpcIx, VpceIx, VpnIx, VpnOrigin, VpnRoute,
};
use crate::packet::{Packet, PortRange, Protocol, DEFAULT_EPHEMERAL_PORT};
use crate::route;
use std::net::IpAddr;

pub(super) struct Walk<'m> {
    pub(super) m: &'m Model,
    pub(super) hops: Vec<Hop>,
    pub(super) explanations: Vec<Explanation>,
    pub(super) side: PathSide,
    /// The diagram location of filters being evaluated (see [`Hop::location`]).
    pub(super) here: Option<String>,
    /// Address translations made so far, so replies can be reversed.
    pub(super) sessions: Vec<Session>,
    /// Whether security group references still match the packet on this path: not after a
    /// middlebox (an instance that forwarded it), nor across a transit gateway without
    /// security group referencing.
    pub(super) refs: Refs,
    /// Whether the flow was started by a host on the internet.
    pub(super) from_internet: bool,
    /// The transit gateway attachment the path ends at when it enters the gateway through it
    /// (a query to or from an attachment).
    pub(super) tgw_goal: Option<TgwAttIx>,
    /// Set when the walk reached `tgw_goal`.
    pub(super) arrived_at_tgw: bool,
    /// The load balancer the packet went through on this path.
    pub(super) via_lb: Option<LbIx>,
    /// Connections a load balancer made on the forward path.
    pub(super) lb_sessions: Vec<LbSession>,
    /// Whether the packet on this path came through a transit gateway (NAT gateways then
    /// translate it even though its source is outside their VPC).
    pub(super) via_tgw: bool,
}

/// Whether security group rules that reference groups can match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Refs {
    Preserved,
    AfterMiddlebox,
    NotAcrossTgw,
}

/// One translation by a NAT device: `inside` (address, port) became `outside`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Session {
    at: Holder,
    inside: (IpAddr, u16),
    outside: (IpAddr, u16),
}

/// A connection a load balancer node made to a target for a client.
#[derive(Debug, Clone, Copy)]
pub(super) struct LbSession {
    pub(super) node: EniIx,
    pub(super) target: EniIx,
    /// The target's replies come back through the node whatever the routes (NLB with the
    /// client's address preserved).
    pub(super) preserved: bool,
    /// The source the target sees.
    pub(super) backend: (IpAddr, u16),
    /// The address and port the client connected to (after any translation on the way).
    pub(super) front: (IpAddr, u16),
    pub(super) client: (IpAddr, u16),
}

/// Packets that cross more components than this are caught in a routing loop.
const MAX_HOPS: usize = 200;

impl Walk<'_> {
    /// The id, kind and label of a component (`None` is the internet).
    fn names(&self, e: Option<Entity>) -> (String, Kind, String) {
        match e {
            Some(e) => {
                let (id, name, kind) = self.m.describe(e);
                (id.to_string(), kind, label(id, name))
            }
            None => ("internet".into(), Kind::Internet, "internet".into()),
        }
    }

    fn hop(
        &mut self,
        e: Option<Entity>,
        direction: Option<Direction>,
        action: Action,
        detail: String,
        packet: Packet,
    ) {
        let (component, kind, lbl) = self.names(e);
        let location = self.here.clone().unwrap_or_else(|| component.clone());
        self.hops.push(Hop {
            component,
            kind,
            label: lbl,
            location,
            direction,
            action,
            detail,
            packet,
            translated: None,
        });
    }

    fn explain(
        &mut self,
        code: &'static str,
        e: Option<Entity>,
        direction: Option<Direction>,
        message: String,
        fix: Option<String>,
    ) {
        let (component, kind, lbl) = self.names(e);
        let location = self.here.clone().unwrap_or_else(|| component.clone());
        self.explanations.push(Explanation {
            code,
            component,
            kind,
            label: lbl,
            location,
            direction,
            path: self.side,
            message,
            fix,
        });
    }

    /// Run `f` with hops located at `at` (an interface or subnet id).
    fn at<T>(&mut self, at: &str, f: impl FnOnce(&mut Self) -> T) -> T {
        let saved = self.here.replace(at.to_string());
        let out = f(self);
        self.here = saved;
        out
    }

    /// The packet stops here: a drop hop at `e`, its explanation, and the end of the path.
    fn block(
        &mut self,
        code: &'static str,
        e: Option<Entity>,
        direction: Option<Direction>,
        message: String,
        fix: Option<String>,
        p: Packet,
    ) -> End {
        self.hop(e, direction, Action::Drop, message.clone(), p);
        self.explain(code, e, direction, message, fix);
        self.end(At::Nowhere, p, true)
    }

    fn end(&self, at: At, packet: Packet, explained: bool) -> End {
        End { at, packet, side: self.side, explained, lb: self.via_lb }
    }

    /// A packet leaves interface `eni`: its own traffic, or traffic it forwards.
    pub(super) fn send(&mut self, eni: EniIx, p: Packet, reply: bool) -> End {
        let m = self.m;
        let iface = &m.interfaces[eni.0];
        let own = iface.holds(p.src);
        if let Some(inst) = m.stopped_instance(iface) {
            return self.instance_stopped(inst, eni, Direction::Egress, p);
        }
        if own {
            if let Some((inst, dev)) = iface.attachment {
                let verb = if reply { "replies" } else { "sends" };
                let detail = format!(
                    "{verb} through {} (device index {dev})",
                    label(&iface.id, iface.name.as_deref())
                );
                self.hop(Some(Entity::Instance(inst)), None, Action::Send, detail, p);
            }
        }
        let detail = if own {
            let what = if p.src.is_ipv6() { "IPv6 address" } else { "private address" };
            format!("sends {p} from its {what} {}", p.src)
        } else {
            format!("forwards {p} on behalf of {}", p.src)
        };
        self.hop(Some(Entity::NetworkInterface(eni)), Some(Direction::Egress), Action::Send, detail, p);
        // A load balancer node keeping the client's address is not an instance's interface:
        // no source/destination check applies.
        if !own && iface.load_balancer.is_none() {
            self.source_dest_check(eni, Direction::Egress, p);
        }
        self.security_groups(eni, Direction::Egress, p, reply);
        self.leave_subnet(iface.subnet, p, reply)
    }

    /// A packet leaves something in `subnet` for `p.dst`: straight to its destination within
    /// the subnet, else through the subnet's network ACL and route table.
    fn leave_subnet(&mut self, subnet: SubnetIx, p: Packet, reply: bool) -> End {
        let m = self.m;
        let s = &m.subnets[subnet.0];
        if self.hops.len() > MAX_HOPS {
            let msg = format!("the packet has crossed more than {MAX_HOPS} components: a routing loop");
            self.explain("ROUTING_LOOP", Some(Entity::Subnet(subnet)), None, msg, None);
            return self.end(At::Nowhere, p, true);
        }
        if s.cidr.contains(&p.dst) || s.ipv6.is_some_and(|b| b.contains(&p.dst)) {
            // Within a subnet, the packet goes straight to its destination.
            return self.deliver_in_vpc(s.vpc, p, reply, Some(subnet));
        }
        // The ACL applies only if the next hop is outside the subnet: a middlebox or NAT
        // gateway in the same subnet is reached without leaving it.
        let next_in_subnet = match route::lookup(&m.route_tables[s.route_table.0], p.dst).map(|r| &r.target) {
            Some(Target::Interface(e)) => m.interfaces[e.0].subnet == subnet,
            Some(Target::NatGateway(n)) => m.nat_gateways[n.0].subnet == subnet,
            _ => false,
        };
        if !next_in_subnet {
            self.network_acl(subnet, Direction::Egress, p);
        }
        let route = self.at(&s.id, |w| w.route(subnet, p));
        let Some(target) = route else {
            return self.end(At::Nowhere, p, true);
        };
        match target {
            Target::Local => self.deliver_in_vpc(s.vpc, p, reply, Some(subnet)),
            Target::InternetGateway(g) => self.igw_out(g, p, reply),
            Target::NatGateway(n) => {
                let crossed = m.nat_gateways[n.0].subnet != subnet;
                self.nat_gateway(n, p, reply, crossed)
            }
            Target::Interface(e) => {
                let crossed = m.interfaces[e.0].subnet != subnet;
                self.arrive(e, p, reply, crossed)
            }
            Target::Peering(x) => self.peering(x, s.vpc, p, reply),
            Target::TransitGateway(g) => self.transit_gateway(g, subnet, p, reply),
            Target::GatewayEndpoint(v) => self.gateway_endpoint_out(v, p),
            Target::EgressOnlyGateway(g) => self.eigw_out(g, p, reply),
            Target::VpnGateway(g) => self.vgw_out(g, s.vpc, p),
            Target::Blackhole(_) => self.end(At::Nowhere, p, true),
        }
    }

    /// Into transit gateway `g` from `subnet`, through the VPC's attachment in the subnet's
    /// Availability Zone, routed by the attachment's associated route table, and out into the
    /// destination attachment's subnet, whose route table then forwards it
    /// (vpc/latest/tgw/how-transit-gateways-work.html, tgw-nacls.html).
    fn transit_gateway(&mut self, g: TgwIx, subnet: SubnetIx, p: Packet, reply: bool) -> End {
        // Its hops are drawn at the gateway.
        let id = self.m.transit_gateways[g.0].id.clone();
        match self.at(&id, |w| w.through_tgw(g, subnet, p)) {
            Some(exit) => self.leave_subnet(exit, p, reply),
            None if self.arrived_at_tgw => {
                let ax = self.tgw_goal.unwrap_or(TgwAttIx(usize::MAX));
                self.end(At::TgwAttachment(ax), p, false)
            }
            None => self.end(At::Nowhere, p, true),
        }
    }

    /// From the transit gateway into the VPC through attachment `ax`: out of its subnet in
    /// `az` (else its first), then that subnet's route table.
    pub(super) fn out_of_tgw(&mut self, ax: TgwAttIx, az: Option<&str>, p: Packet, reply: bool) -> End {
        let m = self.m;
        let att = &m.tgw_attachments[ax.0];
        let exit = att
            .subnets
            .iter()
            .copied()
            .find(|x| Some(m.subnets[x.0].az.as_str()) == az)
            .or_else(|| att.subnets.first().copied());
        let Some(exit) = exit else { return self.end(At::Nowhere, p, true) };
        let tgw = &m.transit_gateways[att.tgw.0];
        let detail = format!(
            "from transit gateway {}, into {}",
            tgw.id,
            label(&m.subnets[exit.0].id, m.subnets[exit.0].name.as_deref())
        );
        self.hop(Some(Entity::TgwAttachment(ax)), Some(Direction::Egress), Action::Send, detail, p);
        if !tgw.security_group_referencing {
            self.refs = Refs::NotAcrossTgw;
        }
        self.via_tgw = true;
        self.leave_subnet(exit, p, reply)
    }

    /// The gateway's part of [`Walk::transit_gateway`]: the subnet the packet leaves it into.
    fn through_tgw(&mut self, g: TgwIx, subnet: SubnetIx, p: Packet) -> Option<SubnetIx> {
        let m = self.m;
        let s = &m.subnets[subnet.0];
        let ax = m.tgw_attachments.iter().position(|a| a.tgw == g && a.vpc == s.vpc).map(TgwAttIx)?;
        let att = &m.tgw_attachments[ax.0];
        let e = Some(Entity::TgwAttachment(ax));
        let Some(entry) = att.subnets.iter().copied().find(|x| m.subnets[x.0].az == s.az) else {
            let msg = format!(
                "attachment {} has no subnet in {}, so traffic from {} cannot reach the transit gateway",
                label(&att.id, att.name.as_deref()),
                s.az,
                label(&s.id, s.name.as_deref())
            );
            self.hop(e, None, Action::Drop, msg.clone(), p);
            let fix = format!("add a subnet in {} to attachment {}", s.az, att.id);
            self.explain("TGW_ROUTE_AZ_RESTRICTION", e, None, msg, Some(fix));
            return None;
        };
        // The attachment subnet's inbound rules see traffic entering the gateway, on its
        // source address, even when the sender is in that same subnet (tgw-nacls.html).
        self.network_acl(entry, Direction::Ingress, p);
        let detail = format!("enters transit gateway {} in {}", m.transit_gateways[g.0].id, s.az);
        self.hop(e, Some(Direction::Ingress), Action::Route, detail, p);
        if self.tgw_goal == Some(ax) {
            // The query's end: into the gateway through this attachment.
            self.arrived_at_tgw = true;
            return None;
        }
        let Some(rt) = att.route_table else {
            let msg = format!("attachment {} is associated with no transit gateway route table", att.id);
            self.hop(e, None, Action::Drop, msg.clone(), p);
            let fix = format!("associate {} with a transit gateway route table", att.id);
            self.explain("TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION", e, None, msg, Some(fix));
            return None;
        };
        let table = &m.tgw_route_tables[rt.0];
        let rte = Some(Entity::TgwRouteTable(rt));
        // Longest prefix; at equal length a static route beats a propagated one.
        let best = table
            .routes
            .iter()
            .filter(|r| r.destination.contains(&p.dst))
            .max_by_key(|r| (r.destination.prefix_len(), !r.propagated));
        let Some(r) = best else {
            let msg = format!(
                "transit gateway route table {} has no route to {}",
                label(&table.id, table.name.as_deref()),
                p.dst
            );
            self.hop(rte, None, Action::Drop, msg.clone(), p);
            let fix =
                format!("propagate the destination's attachment to {}, or add a static route", table.id);
            self.explain("TGW_RTB_NO_ROUTE_TO_TGW_ATTACHMENT", rte, None, msg, Some(fix));
            return None;
        };
        let Some(out) = r.attachment else {
            let msg = format!("the route {} in {} is a blackhole", r.destination, table.id);
            self.hop(rte, None, Action::Drop, msg.clone(), p);
            self.explain("TGW_RTB_BAD_STATE_ROUTE", rte, None, msg, None);
            return None;
        };
        let o = &m.tgw_attachments[out.0];
        let how = if r.propagated { "propagated" } else { "static" };
        self.hop(rte, None, Action::Route, format!("{} → {} ({how})", r.destination, o.id), p);
        // The gateway stays in the Availability Zone the traffic came from when it can.
        let exit = o
            .subnets
            .iter()
            .copied()
            .find(|x| m.subnets[x.0].az == s.az)
            .or_else(|| o.subnets.first().copied())?;
        let detail = format!(
            "leaves the transit gateway into {}",
            label(&m.subnets[exit.0].id, m.subnets[exit.0].name.as_deref())
        );
        self.hop(Some(Entity::TgwAttachment(out)), Some(Direction::Egress), Action::Route, detail, p);
        if !m.transit_gateways[g.0].security_group_referencing {
            self.refs = Refs::NotAcrossTgw;
        }
        self.via_tgw = true;
        Some(exit)
    }

    /// Out through gateway endpoint `v` to its service, privately: no translation, TCP and
    /// ICMP only, and only for traffic from the VPC itself
    /// (vpc/latest/privatelink/gateway-endpoints.html).
    fn gateway_endpoint_out(&mut self, v: VpceIx, p: Packet) -> End {
        let m = self.m;
        let e = Some(Entity::GatewayEndpoint(v));
        let ep = &m.gateway_endpoints[v.0];
        // ICMP echo: the request on the way out, its reply on the way back.
        let echo = p.protocol == Protocol::Icmp && p.icmp.is_some_and(|i| matches!(i.r#type, 0 | 8));
        if p.protocol != Protocol::Tcp && !echo {
            let msg = format!("a gateway endpoint carries only TCP and ICMP echo, not {}", flow_words(p));
            return self.block("VPCE_GATEWAY_PROTOCOL_RESTRICTION", e, None, msg, None, p);
        }
        if self.via_tgw || !m.vpcs[ep.vpc.0].cidrs.iter().any(|c| c.contains(&p.src)) {
            let msg = format!(
                "a gateway endpoint serves only its own VPC, not traffic from {} (peering, VPN, transit gateway)",
                p.src
            );
            return self.block("VPCE_GATEWAY_SOURCE_NOT_IN_VPC", e, None, msg, None, p);
        }
        let detail = format!("to the {} service at {}, privately: no address translation", ep.service, p.dst);
        self.hop(e, Some(Direction::Egress), Action::Accept, detail, p);
        self.end(At::Service(v), p, false)
    }

    /// The service's reply, back through gateway endpoint `v` into its VPC.
    pub(super) fn gateway_endpoint_in(&mut self, v: VpceIx, p: Packet, reply: bool) -> End {
        let m = self.m;
        let ep = &m.gateway_endpoints[v.0];
        let detail = format!("the {} service at {} answers through the endpoint", ep.service, p.src);
        self.hop(Some(Entity::GatewayEndpoint(v)), Some(Direction::Ingress), Action::Send, detail, p);
        self.deliver_in_vpc(ep.vpc, p, reply, None)
    }

    /// Deliver to whatever holds `p.dst` in `vpc`; `from` is the subnet the packet comes
    /// from (`None`: from outside the VPC), which decides whether ACLs are crossed.
    fn deliver_in_vpc(&mut self, vpc: VpcIx, p: Packet, reply: bool, from: Option<SubnetIx>) -> End {
        let m = self.m;
        match m.holder(vpc, p.dst) {
            Some(Holder::Interface(d)) => {
                let crossed = from != Some(m.interfaces[d.0].subnet);
                self.arrive(d, p, reply, crossed)
            }
            Some(Holder::NatGateway(n)) => {
                let crossed = from != Some(m.nat_gateways[n.0].subnet);
                self.nat_gateway(n, p, reply, crossed)
            }
            None => {
                let at = from.map(Entity::Subnet).unwrap_or(Entity::Vpc(vpc));
                self.no_such_host(at, p)
            }
        }
    }

    /// The subnet's route table picks the next hop; `None` when there is none.
    fn route(&mut self, subnet: SubnetIx, p: Packet) -> Option<Target> {
        let m = self.m;
        let rt = m.subnets[subnet.0].route_table;
        let table = &m.route_tables[rt.0];
        let Some(r) = route::lookup(table, p.dst) else {
            self.hop(
                Some(Entity::RouteTable(rt)),
                None,
                Action::Drop,
                format!("no route matches {}", p.dst),
                p,
            );
            // A service address of a gateway endpoint in this VPC: the fix is the association.
            let endpoint = m
                .gateway_endpoints
                .iter()
                .find(|e| e.vpc == table.vpc && e.prefix_list.1.iter().any(|c| c.contains(&p.dst)));
            let fix = match endpoint {
                Some(e) => format!(
                    "associate gateway endpoint {} with route table {}",
                    e.id,
                    label(&table.id, table.name.as_deref())
                ),
                None => route_fix(m, table.vpc, p, &label(&table.id, table.name.as_deref())),
            };
            self.explain(
                "NO_ROUTE_TO_DESTINATION",
                Some(Entity::RouteTable(rt)),
                None,
                format!("route table {} has no route to {}", label(&table.id, table.name.as_deref()), p.dst),
                Some(fix),
            );
            return None;
        };
        let target = match &r.target {
            Target::Local => "local".to_string(),
            Target::InternetGateway(g) => m.internet_gateways[g.0].id.clone(),
            Target::NatGateway(n) => m.nat_gateways[n.0].id.clone(),
            Target::Interface(e) => m.interfaces[e.0].id.clone(),
            Target::Peering(x) => m.peerings[x.0].id.clone(),
            Target::TransitGateway(g) => m.transit_gateways[g.0].id.clone(),
            Target::EgressOnlyGateway(g) => m.egress_only_gateways[g.0].id.clone(),
            Target::VpnGateway(g) => m.vpn_gateways[g.0].id.clone(),
            Target::GatewayEndpoint(v) => {
                let e = &m.gateway_endpoints[v.0];
                format!("{} (prefix list {})", e.id, e.prefix_list.0)
            }
            Target::Blackhole(t) => {
                let detail =
                    format!("{} → {t} (blackhole: the target does not exist)", r.shown_destination());
                self.hop(Some(Entity::RouteTable(rt)), None, Action::Drop, detail, p);
                let msg = format!(
                    "the route {} → {t} is a blackhole: its target does not exist",
                    r.shown_destination()
                );
                let fix = format!(
                    "point the route for {} at an existing target, or delete it",
                    r.shown_destination()
                );
                self.explain("BAD_STATE_ROUTE", Some(Entity::RouteTable(rt)), None, msg, Some(fix));
                return Some(r.target.clone());
            }
        };
        let how = if r.propagated { " (propagated)" } else { "" };
        self.hop(
            Some(Entity::RouteTable(rt)),
            None,
            Action::Route,
            format!("{} → {target}{how}", r.shown_destination()),
            p,
        );
        Some(r.target.clone())
    }

    fn no_such_host(&mut self, where_: Entity, p: Packet) -> End {
        let detail = format!("no network interface holds {}", p.dst);
        self.hop(Some(where_), None, Action::Drop, detail.clone(), p);
        self.explain("NO_SUCH_HOST", Some(where_), None, detail, None);
        self.end(At::Nowhere, p, true)
    }

    /// A packet reaches interface `eni`; `crossed` when it came from outside its subnet.
    /// Addressed to the interface, it is accepted (or un-NATed, for a NAT instance's reply);
    /// addressed elsewhere, the interface is a next hop and its instance forwards it.
    fn arrive(&mut self, eni: EniIx, p: Packet, reply: bool, crossed: bool) -> End {
        let m = self.m;
        let iface = &m.interfaces[eni.0];
        if crossed {
            self.network_acl(iface.subnet, Direction::Ingress, p);
        }
        self.security_groups(eni, Direction::Ingress, p, reply);
        if let Some(inst) = m.stopped_instance(iface) {
            return self.instance_stopped(inst, eni, Direction::Ingress, p);
        }
        if !iface.holds(p.dst) {
            self.source_dest_check(eni, Direction::Ingress, p);
            let detail = format!("receives {p} as a next hop: {} is not its own address", p.dst);
            self.hop(Some(Entity::NetworkInterface(eni)), Some(Direction::Ingress), Action::Route, detail, p);
            return self.forward(eni, p, reply);
        }
        if let Some(lb) = iface.load_balancer {
            return self.lb_node(lb, eni, p, reply);
        }
        // A reply to a NAT instance's translation: give it back and forward it.
        if let Some(inside) = self.session(Holder::Interface(eni), p) {
            let back = Packet { dst: inside.0, dst_port: inside.1, ..p };
            let detail = format!("reverses its source NAT: destination {} → {}", p.dst, back.dst);
            self.hop(
                Some(Entity::NetworkInterface(eni)),
                Some(Direction::Ingress),
                Action::Translate,
                detail,
                p,
            );
            if let Some(h) = self.hops.last_mut() {
                h.translated = Some(back);
            }
            return self.forward(eni, back, reply);
        }
        // An interface that is attached to nothing has nobody to hand the packet to.
        if iface.attachment.is_none() && iface.endpoint.is_none() {
            let msg = format!("{} is not attached to an instance, so nothing receives the packet", iface.id);
            self.hop(
                Some(Entity::NetworkInterface(eni)),
                Some(Direction::Ingress),
                Action::Drop,
                msg.clone(),
                p,
            );
            let fix = format!("attach {} to an instance in its Availability Zone", iface.id);
            self.explain(
                "BAD_STATE_ATTACHMENT",
                Some(Entity::NetworkInterface(eni)),
                Some(Direction::Ingress),
                msg,
                Some(fix),
            );
            return self.end(At::Nowhere, p, true);
        }
        let detail = match &iface.endpoint {
            Some(v) => format!("accepts for interface endpoint {v}: {} is its address", p.dst),
            None => format!("accepts: {} is its own address", p.dst),
        };
        self.hop(Some(Entity::NetworkInterface(eni)), Some(Direction::Ingress), Action::Accept, detail, p);
        if let Some((inst, _)) = iface.attachment {
            self.hop(Some(Entity::Instance(inst)), None, Action::Accept, "receives the packet".into(), p);
        }
        self.end(At::Interface(eni), p, false)
    }

    /// The instance `eni` is attached to is stopped: nothing leaves or enters through the
    /// interface, as a source, a destination or a next hop. Reachability Analyzer has no
    /// explanation code for this (it analyses running resources), so vpclab uses its own,
    /// `INSTANCE_NOT_RUNNING` (AWSEC2/latest/UserGuide/Stop_Start.html).
    fn instance_stopped(&mut self, inst: InstIx, eni: EniIx, dir: Direction, p: Packet) -> End {
        let m = self.m;
        let x = &m.instances[inst.0];
        let what = match dir {
            Direction::Egress => "nothing leaves through",
            Direction::Ingress => "nothing receives on",
        };
        let msg = format!(
            "instance {} is stopped: {what} {}",
            label(&x.id, x.name.as_deref()),
            m.interfaces[eni.0].id
        );
        let fix = format!("start instance {}", x.id);
        self.at(&m.interfaces[eni.0].id, |w| {
            w.block("INSTANCE_NOT_RUNNING", Some(Entity::Instance(inst)), Some(dir), msg, Some(fix), p)
        })
    }

    /// An instance forwards a packet that reached interface `eni` but is addressed elsewhere
    /// (an appliance, a router): out of the interface in the destination's subnet, else
    /// device 0 (the host's routing table; see [`egress_interface`]).
    fn forward(&mut self, eni: EniIx, p: Packet, reply: bool) -> End {
        let m = self.m;
        let Some((inst, _)) = m.interfaces[eni.0].attachment else {
            let msg = format!(
                "{} is not attached to an instance, so nothing forwards the packet",
                m.interfaces[eni.0].id
            );
            return self.block(
                "BAD_STATE_ATTACHMENT",
                Some(Entity::NetworkInterface(eni)),
                None,
                msg,
                None,
                p,
            );
        };
        let ifaces = &m.instances[inst.0].interfaces;
        let out = ifaces
            .iter()
            .copied()
            .find(|e| m.subnets[m.interfaces[e.0].subnet.0].cidr.contains(&p.dst))
            .or_else(|| ifaces.first().copied())
            .unwrap_or(eni);
        let o = &m.interfaces[out.0];
        let detail = format!(
            "forwards the packet out of {} (device index {})",
            label(&o.id, o.name.as_deref()),
            o.attachment.map(|a| a.1).unwrap_or(0)
        );
        self.hop(Some(Entity::Instance(inst)), None, Action::Route, detail, p);
        self.refs = Refs::AfterMiddlebox;
        // A NAT instance puts its own address as the source of new flows, and records it so
        // the reply can be given back (work-with-nat-instances.html).
        let p = if m.instances[inst.0].source_nat && !reply && p.src.is_ipv4() {
            let out_p = Packet { src: IpAddr::V4(o.primary_ip), ..p };
            self.sessions.push(Session {
                at: Holder::Interface(out),
                outside: (out_p.src, out_p.src_port),
                inside: (p.src, p.src_port),
            });
            let detail = format!("source NAT (NAT instance): {} → {}", p.src, out_p.src);
            self.hop(Some(Entity::Instance(inst)), None, Action::Translate, detail, p);
            if let Some(h) = self.hops.last_mut() {
                h.translated = Some(out_p);
            }
            out_p
        } else {
            p
        };
        self.send(out, p, reply)
    }

    /// Source/destination check: an interface drops traffic that is not from (egress) or to
    /// (ingress) one of its own addresses unless the check is off
    /// (AWSEC2/latest/UserGuide/using-eni.html#eni-basics, RA: ENI_SOURCE_DEST_CHECK_RESTRICTION).
    fn source_dest_check(&mut self, eni: EniIx, dir: Direction, p: Packet) {
        let iface = &self.m.interfaces[eni.0];
        if !iface.source_dest_check {
            let detail = "source/destination check is off: it may forward traffic for others".to_string();
            self.hop(Some(Entity::NetworkInterface(eni)), Some(dir), Action::Allow, detail, p);
            return;
        }
        let (what, addr) = match dir {
            Direction::Ingress => ("destination", p.dst),
            Direction::Egress => ("source", p.src),
        };
        let msg = format!(
            "source/destination check is on and {addr} is not its own address, so it drops traffic with that {what}"
        );
        self.hop(Some(Entity::NetworkInterface(eni)), Some(dir), Action::Deny, msg.clone(), p);
        let fix = format!("turn off source/destination check on {}", iface.id);
        self.explain(
            "ENI_SOURCE_DEST_CHECK_RESTRICTION",
            Some(Entity::NetworkInterface(eni)),
            Some(dir),
            msg,
            Some(fix),
        );
    }

    /// Through NAT gateway `n`: outbound traffic gets the gateway's private address as its
    /// source, and for TCP and UDP a source port the gateway picks within 1024-65535 (shown
    /// as [`nat_port`]; the ACLs on the reply's way back are checked for the whole range,
    /// see [`Walk::remapped_by`]); replies to a translation get the original destination
    /// back; nothing else comes in (vpc/latest/userguide/nat-gateway-basics.html). IPv6 is
    /// translated only as NAT64: to 64:ff9b::a.b.c.d, into IPv4 to a.b.c.d, the reply back
    /// with the prefix put in front of its source (nat-gateway-nat64-dns64.html).
    fn nat_gateway(&mut self, n: NatIx, p: Packet, reply: bool, crossed: bool) -> End {
        let m = self.m;
        let nat = &m.nat_gateways[n.0];
        let e = Some(Entity::NatGateway(n));
        if crossed {
            self.network_acl(nat.subnet, Direction::Ingress, p);
        }
        if p.dst == IpAddr::V4(nat.private_ip) {
            let Some(inside) = self.session(Holder::NatGateway(n), p) else {
                let msg = format!("a NAT gateway accepts no connection initiated towards it ({})", p.dst);
                return self.block("NGW_NO_UNSOLICITED_INBOUND", e, Some(Direction::Ingress), msg, None, p);
            };
            let back = Packet { dst: inside.0, dst_port: inside.1, ..p };
            // A NAT64 translation: back to IPv6, the IPv4 source under 64:ff9b::/96.
            let back = match (inside.0, p.src) {
                (IpAddr::V6(_), IpAddr::V4(src)) => {
                    Packet { src: IpAddr::V6(nat64_address(src)), ..to_icmpv6(back) }
                }
                _ => back,
            };
            let detail = if back.src == p.src {
                format!(
                    "reverses its translation: destination {}:{} → {}:{}",
                    p.dst, p.dst_port, back.dst, back.dst_port
                )
            } else {
                format!(
                    "reverses its NAT64 translation: destination {}:{} → [{}]:{}, source {} → {}",
                    p.dst, p.dst_port, back.dst, back.dst_port, p.src, back.src
                )
            };
            self.hop(e, Some(Direction::Ingress), Action::Translate, detail, p);
            if let Some(h) = self.hops.last_mut() {
                h.translated = Some(back);
            }
            return self.leave_subnet(nat.subnet, back, reply);
        }
        if reply {
            // A reply routed into a NAT gateway belongs to a connection started outside the
            // VPC: the gateway would rewrite its source and the client would drop it.
            let msg = format!(
                "a NAT gateway carries only connections started from inside its VPC; this reply to {} belongs to one started by {}",
                p.dst, p.dst
            );
            self.hop(e, Some(Direction::Ingress), Action::Drop, msg.clone(), p);
            let fix = format!("route {} to where the connection came from, not to {}", p.dst, nat.id);
            self.explain("NGW_NO_UNSOLICITED_INBOUND", e, Some(Direction::Ingress), msg, Some(fix));
            return self.end(At::Nowhere, p, true);
        }
        // IPv6 only as NAT64: to an IPv4 address written under 64:ff9b::/96
        // (vpc/latest/userguide/nat-gateway-nat64-dns64.html).
        let nat64 = match p.dst {
            IpAddr::V6(d) => match nat64_embedded(d) {
                Some(v4) => Some(v4),
                None => {
                    let msg = format!(
                        "a NAT gateway translates IPv6 only to IPv4 (NAT64), for destinations in {NAT64_PREFIX}; {} is not one, and IPv6 is not otherwise translated or forwarded",
                        p.dst
                    );
                    let fix = format!(
                        "route {} to an egress-only internet gateway or an internet gateway (IPv6 needs no NAT), not to {}",
                        p.dst, nat.id
                    );
                    return self.block("NGW_IPV6_DESTINATION_NOT_NAT64", e, None, msg, Some(fix), p);
                }
            },
            IpAddr::V4(_) => None,
        };
        let protocol_ok = match p.protocol {
            Protocol::Tcp | Protocol::Udp => true,
            Protocol::Icmp => nat64.is_none(),
            // vpclab translates ICMPv6 echo only (RFC 7915 translates some error messages too,
            // which no query asks for).
            Protocol::Icmpv6 => nat64.is_some() && p.icmp.is_some_and(|i| matches!(i.r#type, 128 | 129)),
            _ => false,
        };
        if !protocol_ok {
            let msg = if nat64.is_some() {
                format!(
                    "a NAT gateway translates IPv6 TCP, UDP and ICMPv6 echo to IPv4 (NAT64), not {}",
                    flow_words(p)
                )
            } else {
                format!("a NAT gateway forwards only TCP, UDP and ICMP, not {}", p.protocol)
            };
            return self.block("PROTOCOL_RESTRICTION", e, None, msg, None, p);
        }
        if !self.via_tgw && !m.vpcs[nat.vpc.0].blocks().any(|c| c.contains(&p.src)) {
            let msg = format!(
                "a NAT gateway translates only traffic from its own VPC, not from {} (peering, VPN and Direct Connect cannot use it)",
                p.src
            );
            return self.block("NGW_REQUIRES_SOURCE_IN_VPC", e, None, msg, None, p);
        }
        let src_port = if p.protocol.has_ports() { nat_port(p.src_port) } else { p.src_port };
        let out = Packet { src: IpAddr::V4(nat.private_ip), src_port, ..p };
        let out = match nat64 {
            Some(v4) => Packet { dst: IpAddr::V4(v4), ..to_icmpv4(out) },
            None => out,
        };
        self.sessions.push(Session {
            at: Holder::NatGateway(n),
            outside: (out.src, out.src_port),
            inside: (p.src, p.src_port),
        });
        let detail = if nat64.is_some() {
            let port = if p.protocol.has_ports() {
                format!(
                    " (source port {} stands for the one the gateway picks within 1024-65535)",
                    out.src_port
                )
            } else {
                String::new()
            };
            format!(
                "NAT64: IPv6 to IPv4, source {} → {} (its private address), destination {} → {} (the {NAT64_PREFIX} prefix removed){port}",
                p.src, out.src, p.dst, out.dst
            )
        } else if p.protocol.has_ports() && out.src_port == p.src_port {
            format!(
                "source NAT: {}:{} → {}:{} (the port may be remapped within 1024-65535)",
                p.src, p.src_port, out.src, out.src_port
            )
        } else if p.protocol.has_ports() {
            format!(
                "source NAT: {}:{} → {}:{} (remapped within 1024-65535: {} stands for the port the gateway picks)",
                p.src, p.src_port, out.src, out.src_port, out.src_port
            )
        } else {
            format!("source NAT: {} → {}", p.src, out.src)
        };
        self.hop(e, Some(Direction::Egress), Action::Translate, detail, p);
        if let Some(h) = self.hops.last_mut() {
            h.translated = Some(out);
        }
        self.leave_subnet(nat.subnet, out, reply)
    }

    /// A load balancer node receives a packet addressed to it: a client's, matched to a
    /// listener and sent on as a new connection to a target; or a target's reply, given back
    /// to the client (elasticloadbalancing/latest/application/, network/).
    fn lb_node(&mut self, l: LbIx, node: EniIx, p: Packet, reply: bool) -> End {
        let m = self.m;
        let lb = &m.load_balancers[l.0];
        let e = Some(Entity::LoadBalancer(l));
        if reply {
            let session = self
                .lb_sessions
                .iter()
                .rev()
                .find(|s| s.node == node && s.backend == (p.dst, p.dst_port))
                .copied();
            let Some(s) = session else {
                return self.end(At::Nowhere, p, true);
            };
            let out =
                Packet { src: s.front.0, src_port: s.front.1, dst: s.client.0, dst_port: s.client.1, ..p };
            let detail = format!("answers the client {} on the connection it accepted", s.client.0);
            self.hop(e, None, Action::Translate, detail, p);
            if let Some(h) = self.hops.last_mut() {
                h.translated = Some(out);
            }
            return self.send(node, out, true);
        }
        let Some(listener) = lb.listeners.iter().find(|x| x.accepts(p.protocol, p.dst_port)) else {
            let have = lb
                .listeners
                .iter()
                .map(|x| format!("{} {}", x.protocol, x.port))
                .collect::<Vec<_>>()
                .join(", ");
            let msg = format!(
                "no listener accepts {} {} (listeners: {})",
                p.protocol,
                p.dst_port,
                if have.is_empty() { "none".to_string() } else { have }
            );
            self.hop(e, Some(Direction::Ingress), Action::Drop, msg.clone(), p);
            let fix = format!("add a listener for {} {} to {}", p.protocol, p.dst_port, lb.id);
            self.explain("ELBV2_LISTENERS_MISMATCH", e, Some(Direction::Ingress), msg, Some(fix));
            return self.end(At::Nowhere, p, true);
        };
        let group = &m.target_groups[listener.group.0];
        let tge = Some(Entity::TargetGroup(listener.group));
        let az = &m.subnets[m.interfaces[node.0].subnet.0].az;
        // With every target unhealthy, the load balancer fails open and uses them all
        // (elasticloadbalancing/latest/application/target-group-health-checks.html).
        let fail_open = !group.targets.is_empty() && group.targets.iter().all(|t| !t.healthy);
        let healthy: Vec<&crate::model::LbTarget> =
            group.targets.iter().filter(|t| t.healthy || fail_open).collect();
        let local: Vec<&&crate::model::LbTarget> =
            healthy.iter().filter(|t| &m.subnets[m.interfaces[t.eni.0].subnet.0].az == az).collect();
        let target = match (local.first(), healthy.first(), lb.cross_zone) {
            (Some(t), _, _) => **t,
            (None, Some(t), true) => *t,
            (None, Some(_), false) => {
                let msg = format!("no healthy target in {az}, and cross-zone load balancing is off, so this node cannot use the targets in other zones");
                self.hop(tge, None, Action::Drop, msg.clone(), p);
                let fix =
                    format!("register a target in {az}, or turn on cross-zone load balancing for {}", lb.id);
                self.explain("ELB_NOT_CROSSZONE", tge, None, msg, Some(fix));
                return self.end(At::Nowhere, p, true);
            }
            (None, None, _) => {
                let msg = format!("target group {} has no healthy target", group.id);
                return self.block("ELBV2_TARGET_GROUP_NO_HEALTHY_TARGETS", tge, None, msg, None, p);
            }
        };
        // An ALB (and an NLB without client address preservation) opens a new connection
        // from its node; an NLB preserving the client's address keeps it as the source.
        let preserved = !lb.application && group.preserve_client_ip;
        let node_ip = IpAddr::V4(m.interfaces[node.0].primary_ip);
        let (src, src_port) = if preserved { (p.src, p.src_port) } else { (node_ip, DEFAULT_EPHEMERAL_PORT) };
        let out = Packet { src, src_port, dst: target.ip, dst_port: target.port, ..p };
        self.lb_sessions.push(LbSession {
            node,
            target: target.eni,
            preserved,
            backend: (src, src_port),
            front: (p.dst, p.dst_port),
            client: (p.src, p.src_port),
        });
        self.via_lb = Some(l);
        let how = if preserved { "keeping the client's address" } else { "a new connection from the node" };
        let detail = format!(
            "listener {} {} → target group {} → {}:{} ({how}; {} of {} healthy target(s){})",
            listener.protocol,
            listener.port,
            group.id,
            target.ip,
            target.port,
            if local.is_empty() { "from another zone" } else { "in this zone" },
            healthy.len(),
            if lb.cross_zone { ", cross-zone on" } else { ", cross-zone off" }
        );
        let node_id = m.interfaces[node.0].id.clone();
        self.at(&node_id, |w| w.hop(e, Some(Direction::Ingress), Action::Translate, detail, p));
        if let Some(h) = self.hops.last_mut() {
            h.translated = Some(out);
        }
        self.send(node, out, false)
    }

    /// An NLB target's reply when the client's address was preserved: the load balancer
    /// tracks the flow and takes the reply back, whatever the target subnet's routes say.
    pub(super) fn lb_reply_preserved(&mut self, s: LbSession, p: Packet) -> End {
        let m = self.m;
        let target = &m.interfaces[s.target.0];
        if let Some((inst, dev)) = target.attachment {
            let detail =
                format!("replies through {} (device index {dev})", label(&target.id, target.name.as_deref()));
            self.hop(Some(Entity::Instance(inst)), None, Action::Send, detail, p);
        }
        let detail = format!("sends {p} from its private address {}", p.src);
        self.hop(Some(Entity::NetworkInterface(s.target)), Some(Direction::Egress), Action::Send, detail, p);
        self.security_groups(s.target, Direction::Egress, p, true);
        let (ts, ns) = (target.subnet, m.interfaces[s.node.0].subnet);
        if ts != ns {
            self.network_acl(ts, Direction::Egress, p);
            self.network_acl(ns, Direction::Ingress, p);
        }
        let lb = m.interfaces[s.node.0].load_balancer;
        let out = Packet { src: s.front.0, src_port: s.front.1, dst: s.client.0, dst_port: s.client.1, ..p };
        let detail = "takes the reply back (it tracks the flow) and answers the client".to_string();
        self.hop(lb.map(Entity::LoadBalancer), None, Action::Translate, detail, p);
        if let Some(h) = self.hops.last_mut() {
            h.translated = Some(out);
        }
        self.send(s.node, out, true)
    }

    /// The original source of a translated flow that `p` replies to, if `at` translated it.
    fn session(&self, at: Holder, p: Packet) -> Option<(IpAddr, u16)> {
        self.sessions.iter().rev().find(|s| s.at == at && s.outside == (p.dst, p.dst_port)).map(|s| s.inside)
    }

    /// Across peering connection `x` from `from`: only to addresses inside the peer VPC,
    /// so peering is neither transitive nor a way to the peer's gateways (vpc/latest/peering/).
    fn peering(&mut self, x: PcxIx, from: VpcIx, p: Packet, reply: bool) -> End {
        let m = self.m;
        let pcx = &m.peerings[x.0];
        let e = Some(Entity::Peering(x));
        let Some(peer) = pcx.other(from) else {
            return self.end(At::Nowhere, p, true);
        };
        if pcx.status != "active" {
            let msg = format!("peering connection {} is {}, not active", pcx.id, pcx.status);
            return self.block("BAD_STATE", e, None, msg, Some("accept the peering connection".into()), p);
        }
        let peer_vpc = &m.vpcs[peer.0];
        if !peer_vpc.blocks().any(|c| c.contains(&p.dst)) {
            let msg = format!(
                "{} is not in peer VPC {} ({}): peering carries traffic only to the peer's own addresses (not transitive, no edge-to-edge routing)",
                p.dst,
                label(&peer_vpc.id, peer_vpc.name.as_deref()),
                peer_vpc.cidrs.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
            );
            return self.block("PCX_REQUIRES_ADDRESS_IN_VPC_CIDR", e, None, msg, None, p);
        }
        let detail = format!("into VPC {}", label(&peer_vpc.id, peer_vpc.name.as_deref()));
        self.hop(e, None, Action::Route, detail, p);
        self.deliver_in_vpc(peer, p, reply, None)
    }

    fn security_groups(&mut self, eni: EniIx, dir: Direction, p: Packet, reply: bool) {
        let m = self.m;
        self.at(&m.interfaces[eni.0].id, |w| w.security_groups_here(eni, dir, p, reply));
    }

    fn security_groups_here(&mut self, eni: EniIx, dir: Direction, p: Packet, reply: bool) {
        let m = self.m;
        let iface = &m.interfaces[eni.0];
        let first = iface.security_groups.first().copied();
        let Some(first) = first else { return };
        if reply {
            let detail =
                "reply to a tracked connection: security groups are stateful and allow it".to_string();
            self.hop(Some(Entity::SecurityGroup(first)), Some(dir), Action::Allow, detail, p);
            return;
        }
        let vpc = iface.vpc;
        let refs = self.refs;
        let via_tgw = self.via_tgw;
        // Where a packet to `p.dst` leaves this interface's subnet for, to know whether it
        // crosses a peering connection (outbound references to a peer's group work then).
        let table = &m.route_tables[m.subnets[iface.subnet.0].route_table.0];
        let usable = |g: SgIx| -> bool {
            let other = m.security_groups[g.0].vpc;
            match (refs, dir) {
                (Refs::AfterMiddlebox, _) => false,
                _ if other == vpc => refs == Refs::Preserved,
                (_, Direction::Ingress) if via_tgw => m.tgw_referencing_between(vpc, other),
                // Across peering, only within one Region.
                _ if !m.same_region(vpc, other) => false,
                (_, Direction::Ingress) => m.peering_between(vpc, other).is_some(),
                // Only then is the route looked up: where the packet leaves the subnet for.
                (_, Direction::Egress) => matches!(
                    route::lookup(table, p.dst).map(|r| &r.target),
                    Some(Target::Peering(x)) if m.peerings[x.0].other(vpc) == Some(other)
                ),
            }
        };
        match firewall::security_groups(m, eni, dir, &p, &usable) {
            Some(hit) => {
                let sg = &m.security_groups[hit.group.0];
                let rules = match dir {
                    Direction::Ingress => &sg.inbound,
                    Direction::Egress => &sg.outbound,
                };
                let detail = firewall::describe_sg_rule(m, &rules[hit.rule], dir);
                self.hop(Some(Entity::SecurityGroup(hit.group)), Some(dir), Action::Allow, detail, p);
            }
            None => {
                let groups = iface
                    .security_groups
                    .iter()
                    .map(|g| m.security_groups[g.0].id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                let (what, word, peer) = match dir {
                    Direction::Ingress => ("inbound", "from", p.src),
                    Direction::Egress => ("outbound", "to", p.dst),
                };
                let flow = flow_words(p);
                let detail = format!("no {what} rule of {groups} allows {flow} {word} {peer}");
                self.hop(Some(Entity::SecurityGroup(first)), Some(dir), Action::Deny, detail.clone(), p);
                // Within a VPC AWS's advice is to reference the other side's security group
                // (it follows the tier, not one address): offer that first when it would match.
                // (vpc/latest/userguide/security-group-rules.html, "Security group referencing")
                let peer_group = match m.holder(vpc, peer) {
                    Some(Holder::Interface(e)) if refs == Refs::Preserved => {
                        m.interfaces[e.0].security_groups.first().copied()
                    }
                    _ => None,
                };
                let fix = match peer_group {
                    Some(g) => format!(
                        "add an {what} rule to {} allowing {flow} {word} {} (the security group of {peer}), \
                         or {word} {peer}/{} for that address alone",
                        m.security_groups[first.0].id,
                        m.security_groups[g.0].id,
                        host_len(peer)
                    ),
                    // An internet host: that host alone, or everyone (a public service).
                    None if cidr::non_public(peer).is_none() => format!(
                        "add an {what} rule to {} allowing {flow} {word} {peer}/{} for that host alone, \
                         or {word} {} for the whole internet",
                        m.security_groups[first.0].id,
                        host_len(peer),
                        if peer.is_ipv4() { "0.0.0.0/0" } else { "::/0" }
                    ),
                    None => format!(
                        "add an {what} rule to {} allowing {flow} {word} {peer}/{}",
                        m.security_groups[first.0].id,
                        host_len(peer)
                    ),
                };
                // A group reference that would have matched, but for the path the packet took
                // (a middlebox, or a transit gateway).
                let lost = firewall::security_groups(m, eni, dir, &p, &|_| true).is_some();
                // A reference to a peer VPC's group in another Region, which never matches.
                let other_region = |g: SgIx| !m.same_region(vpc, m.security_groups[g.0].vpc);
                let far = firewall::security_groups(m, eni, dir, &p, &other_region).and_then(|hit| {
                    let sg = &m.security_groups[hit.group.0];
                    let rules = match dir {
                        Direction::Ingress => &sg.inbound,
                        Direction::Egress => &sg.outbound,
                    };
                    match rules.get(hit.rule).map(|r| &r.peer) {
                        Some(SgPeer::Group(g)) if other_region(*g) => Some(*g),
                        _ => None,
                    }
                });
                let (code, detail) = match (lost, self.refs) {
                    (true, Refs::Preserved) if far.is_some() => {
                        let g = far.map(|g| &m.security_groups[g.0]);
                        let (gid, region) = g.map(|g| (g.id.as_str(), m.vpcs[g.vpc.0].region.as_str())).unwrap_or_default();
                        (
                            "ENI_SG_RULES_MISMATCH",
                            format!("{detail}: the rule that references {gid} does not apply, because that group's VPC is in another Region ({region}) and references across a peering work only within one Region"),
                        )
                    }
                    (true, Refs::AfterMiddlebox) => (
                        "SG_REFERENCES_NOT_PRESERVED",
                        format!("{detail}: the packet passed through a middlebox, so rules that reference security groups no longer match it"),
                    ),
                    (true, _) => (
                        "SG_REFERENCING_SUPPORT",
                        format!("{detail}: the transit gateway does not have security group referencing on, so rules that reference groups do not match across it"),
                    ),
                    (false, _) => ("ENI_SG_RULES_MISMATCH", detail),
                };
                self.explain(code, Some(Entity::SecurityGroup(first)), Some(dir), detail, Some(fix));
            }
        }
    }

    fn network_acl(&mut self, subnet: SubnetIx, dir: Direction, p: Packet) {
        let m = self.m;
        self.at(&m.subnets[subnet.0].id, |w| w.network_acl_here(subnet, dir, p));
    }

    fn network_acl_here(&mut self, subnet: SubnetIx, dir: Direction, p: Packet) {
        let m = self.m;
        let ax = m.subnets[subnet.0].acl;
        let acl = &m.network_acls[ax.0];
        let decision = firewall::network_acl(acl, dir, &p);
        let rules = match dir {
            Direction::Ingress => &acl.inbound,
            Direction::Egress => &acl.outbound,
        };
        let describe = |rule: Option<u32>| match rule {
            Some(n) => rules
                .iter()
                .find(|r| r.number == n)
                .map(|r| firewall::describe_acl_rule(r, dir))
                .unwrap_or_default(),
            None => "rule * deny all traffic (no numbered rule matched)".to_string(),
        };
        let rule_text = describe(decision.rule);
        let (what, word, peer) = match dir {
            Direction::Ingress => ("inbound", "from", p.src),
            Direction::Egress => ("outbound", "to", p.dst),
        };
        let name = label(&acl.id, acl.name.as_deref());
        // A reply to a port a NAT gateway chose: the gateway may have picked any port of
        // 1024-65535, so the ACL must admit them all (RA: REMAP_EPHEMERAL_PORT).
        let remap = self.remapped_by(p);
        let refused: Vec<(PortRange, firewall::AclMatch)> = match remap {
            Some(_) if decision.allow => firewall::network_acl_ports(acl, dir, &p, NAT_PORTS)
                .into_iter()
                .filter(|(_, d)| !d.allow)
                .collect(),
            _ => Vec::new(),
        };
        if let (Some(nat), false) = (remap, refused.is_empty()) {
            let nat_id = &m.nat_gateways[nat.0].id;
            let ports = refused.iter().map(|(r, _)| r.to_string()).collect::<Vec<_>>().join(", ");
            let by = refused.iter().map(|(_, d)| describe(d.rule)).collect::<Vec<_>>();
            let by = dedup(by).join("; ");
            let msg = format!(
                "network ACL {name} admits the reply on port {} ({rule_text}), but NAT gateway {nat_id} picks the source port within {NAT_PORTS}, and replies to ports {ports} are denied: {by}",
                p.dst_port
            );
            self.hop(Some(Entity::NetworkAcl(ax)), Some(dir), Action::Deny, msg.clone(), p);
            let below = refused
                .iter()
                .filter_map(|(_, d)| d.rule)
                .min()
                .map(|n| format!(" (numbered below {n})"))
                .unwrap_or_default();
            let fix = format!(
                "allow {what} {} {NAT_PORTS} {word} {} in {}{below}",
                p.protocol,
                remap_peer(m, peer),
                acl.id
            );
            self.explain("REMAP_EPHEMERAL_PORT", Some(Entity::NetworkAcl(ax)), Some(dir), msg, Some(fix));
            return;
        }
        let action = if decision.allow { Action::Allow } else { Action::Deny };
        self.hop(Some(Entity::NetworkAcl(ax)), Some(dir), action, rule_text.clone(), p);
        if !decision.allow {
            let flow = flow_words(p);
            let msg = format!("network ACL {name} denies {what} {flow} {word} {peer}: {rule_text}");
            let below = decision.rule.map(|n| format!(" numbered below {n}")).unwrap_or_default();
            let fix = match remap {
                // Opening the one port shown would not do: the gateway picks another.
                Some(nat) => format!(
                    "add an {what} allow rule{below} to {name} for {} {NAT_PORTS} {word} {}: NAT gateway {} picks the reply's port within {NAT_PORTS}",
                    p.protocol,
                    remap_peer(m, peer),
                    m.nat_gateways[nat.0].id
                ),
                // A reply goes to the port the client picked: one port would not do, and AWS
                // advises the whole ephemeral range (vpc/latest/userguide/nacl-ephemeral-ports.html).
                None if self.side == PathSide::Return && p.protocol.has_ports() => {
                    let anyone = cidr::non_public(peer).is_none();
                    let to = match (anyone, peer) {
                        (true, IpAddr::V4(_)) => "0.0.0.0/0".to_string(),
                        (true, IpAddr::V6(_)) => "::/0".to_string(),
                        (false, _) => format!("{peer}/{}", host_len(peer)),
                    };
                    format!(
                        "add an {what} allow rule{below} to {name} for {} 1024-65535 {word} {to}: replies go to the port the client picked, anywhere in the ephemeral range",
                        p.protocol
                    )
                }
                None => format!(
                    "add an {what} allow rule{below} to {name} for {flow} {word} {peer}/{}",
                    host_len(peer)
                ),
            };
            self.explain("SUBNET_ACL_RESTRICTION", Some(Entity::NetworkAcl(ax)), Some(dir), msg, Some(fix));
        }
    }

    /// The NAT gateway whose translation `p` replies to, when `p` is a TCP or UDP reply
    /// addressed to the port the gateway chose.
    fn remapped_by(&self, p: Packet) -> Option<NatIx> {
        if self.side != PathSide::Return || !p.protocol.has_ports() {
            return None;
        }
        self.sessions.iter().rev().find_map(|s| match s.at {
            Holder::NatGateway(n) if s.outside == (p.dst, p.dst_port) => Some(n),
            _ => None,
        })
    }

    /// Out through internet gateway `g`: one-to-one NAT of the source to its public address.
    fn igw_out(&mut self, g: IgwIx, p: Packet, reply: bool) -> End {
        let m = self.m;
        let gw = Entity::InternetGateway(g);
        if let Some(range) = cidr::non_public(p.dst) {
            let (code, what) = match range {
                NonPublic::Private => ("IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS", "private (RFC 1918)"),
                NonPublic::Shared => ("IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS", "shared (RFC 6598)"),
            };
            let msg = format!("an internet gateway does not forward traffic to {what} address {}", p.dst);
            return self.block(code, Some(gw), Some(Direction::Egress), msg, None, p);
        }
        let vpc = m.internet_gateways[g.0].vpc;
        let holder = vpc.and_then(|v| m.holder(v, p.src));
        if p.src.is_ipv6() {
            if matches!(holder, Some(Holder::Interface(_))) {
                let detail = "IPv6 passes without translation: the address is globally routable".to_string();
                self.hop(Some(gw), Some(Direction::Egress), Action::Route, detail, p);
                return self.onto_internet(At::Internet(Some(g)), p, reply);
            }
            let msg = format!("{} is not an IPv6 address of an interface in this VPC", p.src);
            self.hop(Some(gw), Some(Direction::Egress), Action::Drop, msg.clone(), p);
            self.explain(
                "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
                Some(gw),
                Some(Direction::Egress),
                msg,
                None,
            );
            return self.end(At::Nowhere, p, true);
        }
        let public = match holder {
            Some(Holder::Interface(e)) => v4(p.src)
                .and_then(|s| m.interfaces[e.0].public_ips.get(&s))
                .map(|x| (x.address, if x.elastic.is_some() { "Elastic IP" } else { "public IP" })),
            Some(Holder::NatGateway(n)) => {
                m.nat_gateways[n.0].elastic_ip.as_ref().map(|(_, a)| (*a, "Elastic IP"))
            }
            None => None,
        };
        let Some((public, what)) = public else {
            let owner = match holder {
                Some(Holder::Interface(e)) => label(&m.interfaces[e.0].id, m.interfaces[e.0].name.as_deref()),
                Some(Holder::NatGateway(n)) => m.nat_gateways[n.0].id.clone(),
                None => "the source".to_string(),
            };
            let msg = format!(
                "{owner} has no public IPv4 address on {}: the internet gateway cannot translate it",
                p.src
            );
            self.hop(Some(gw), Some(Direction::Egress), Action::Drop, msg.clone(), p);
            let fix =
                format!("associate an Elastic IP with {} ({owner}), or route through a NAT gateway", p.src);
            self.explain(
                "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
                Some(gw),
                Some(Direction::Egress),
                msg,
                Some(fix),
            );
            return self.end(At::Nowhere, p, true);
        };
        let out = Packet { src: IpAddr::V4(public), ..p };
        let detail = format!("one-to-one NAT: source {} → {public} ({what})", p.src);
        self.hop(Some(gw), Some(Direction::Egress), Action::Translate, detail, p);
        if let Some(h) = self.hops.last_mut() {
            h.translated = Some(out);
        }
        self.onto_internet(At::Internet(Some(g)), out, reply)
    }

    /// On the internet after gateway `at`: to another resource's public address (back in
    /// through its gateway), or to an internet host.
    fn onto_internet(&mut self, at: At, p: Packet, reply: bool) -> End {
        if self.m.public_holder(p.dst).is_some() {
            return self.internet(None, p, reply, false);
        }
        let detail = format!("delivered to internet host {}", p.dst);
        self.hop(None, None, Action::Accept, detail, p);
        self.end(at, p, false)
    }

    /// Out through egress-only internet gateway `g`: IPv6 only, and it will let the replies
    /// back in (vpc/latest/userguide/egress-only-internet-gateway.html).
    fn eigw_out(&mut self, g: EigwIx, p: Packet, reply: bool) -> End {
        let m = self.m;
        let e = Some(Entity::EgressOnlyGateway(g));
        let holder = m.holder(m.egress_only_gateways[g.0].vpc, p.src);
        let problem = if p.dst.is_ipv4() {
            Some("an egress-only internet gateway carries IPv6 only".to_string())
        } else if cidr::non_public(p.dst).is_some() {
            Some(format!("{} is a unique-local address, not on the internet", p.dst))
        } else if !matches!(holder, Some(Holder::Interface(_))) {
            Some(format!("{} is not an IPv6 address of an interface in this VPC", p.src))
        } else {
            None
        };
        if let Some(msg) = problem {
            return self.block("CANNOT_ROUTE", e, Some(Direction::Egress), msg, None, p);
        }
        if reply && self.from_internet {
            // The request came in through the internet gateway; the gateway that carries the
            // reply tracks only connections started from the VPC.
            let msg = "the reply leaves through the egress-only internet gateway, which carries only connections started from the VPC: this one was started from the internet".to_string();
            self.hop(e, Some(Direction::Egress), Action::Drop, msg.clone(), p);
            let fix = Some("route ::/0 to the internet gateway in this subnet's route table if the address should be reachable from the internet".to_string());
            self.explain("EIGW_NO_UNSOLICITED_INBOUND", e, Some(Direction::Egress), msg, fix);
            return self.end(At::Nowhere, p, true);
        }
        let detail = "IPv6 out, no translation; only replies may come back in (stateful)".to_string();
        self.hop(e, Some(Direction::Egress), Action::Route, detail, p);
        self.onto_internet(At::EgressOnly(g), p, reply)
    }

    /// Out through virtual private gateway `g` of `vpc`, over the VPN connection whose
    /// on-premises networks hold the destination. Only the VPC's own addresses may use it
    /// (RA: VGW_PRIVATE_IP_ASSOCIATION_FOR_EGRESS; no edge-to-edge routing).
    fn vgw_out(&mut self, g: VgwIx, vpc: VpcIx, p: Packet) -> End {
        let m = self.m;
        let e = Some(Entity::VpnGateway(g));
        if m.holder(vpc, p.src).is_none() {
            let msg = format!(
                "a virtual private gateway carries only traffic from addresses in its VPC, not from {}",
                p.src
            );
            return self.block(
                "VGW_PRIVATE_IP_ASSOCIATION_FOR_EGRESS",
                e,
                Some(Direction::Egress),
                msg,
                None,
                p,
            );
        }
        let routes = m.vpn_routes(Some(g), p.dst);
        let Some(best) = routes.first().copied() else {
            let msg = format!("no VPN connection of {} reaches {}", m.vpn_gateways[g.0].id, p.dst);
            return self.block("CANNOT_ROUTE", e, Some(Direction::Egress), msg, None, p);
        };
        let c = best.connection;
        let vc = &m.vpn_connections[c.0];
        let why = vpn_choice(m, best, routes.iter().find(|r| r.connection != c).copied());
        self.hop(e, Some(Direction::Egress), Action::Route, format!("into VPN connection {}{why}", vc.id), p);
        let detail = format!(
            "through the tunnel to customer gateway {} ({}), then on-premises host {}",
            vc.customer_gateway.0, vc.customer_gateway.1, p.dst
        );
        self.hop(Some(Entity::VpnConnection(c)), None, Action::Accept, detail, p);
        self.end(At::OnPremises(c), p, false)
    }

    /// From on-premises over VPN connection `c` into its gateway's VPC: only to private
    /// addresses there (RA: VGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS); the whole VPC CIDR is
    /// reachable, and replies follow each subnet's own route table.
    pub(super) fn vgw_in(&mut self, c: VpnIx, p: Packet, reply: bool, origin: bool) -> End {
        let m = self.m;
        let vc = &m.vpn_connections[c.0];
        let ce = Some(Entity::VpnConnection(c));
        if origin {
            let detail = format!(
                "on-premises host {} sends {p} through customer gateway {}",
                p.src, vc.customer_gateway.0
            );
            self.hop(ce, None, Action::Send, detail, p);
        }
        let g = vc.vgw;
        let e = Some(Entity::VpnGateway(g));
        let Some(vpc) = m.vpn_gateways[g.0].vpc else {
            let msg = format!("virtual private gateway {} is not attached to a VPC", m.vpn_gateways[g.0].id);
            return self.block("BAD_STATE_ATTACHMENT", e, None, msg, None, p);
        };
        if !m.vpcs[vpc.0].blocks().any(|b| b.contains(&p.dst)) {
            let msg = format!("{} is not a private address in the gateway's VPC", p.dst);
            return self.block(
                "VGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
                e,
                Some(Direction::Ingress),
                msg,
                None,
                p,
            );
        }
        if m.holder(vpc, p.dst).is_none() {
            let msg = format!("{} is not the private address of any network interface in the VPC", p.dst);
            return self.block(
                "VGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
                e,
                Some(Direction::Ingress),
                msg,
                None,
                p,
            );
        }
        self.hop(
            e,
            Some(Direction::Ingress),
            Action::Route,
            "into the VPC: its whole CIDR is reachable".into(),
            p,
        );
        self.deliver_in_vpc(vpc, p, reply, None)
    }

    /// A reply back in through egress-only internet gateway `g`.
    pub(super) fn eigw_in(&mut self, g: EigwIx, p: Packet, reply: bool) -> End {
        let m = self.m;
        let detail = format!("internet host {} replies", p.src);
        self.hop(None, None, Action::Send, detail, p);
        let detail = "lets the reply in: it belongs to a connection made from the VPC".to_string();
        self.hop(Some(Entity::EgressOnlyGateway(g)), Some(Direction::Ingress), Action::Route, detail, p);
        self.deliver_in_vpc(m.egress_only_gateways[g.0].vpc, p, reply, None)
    }

    /// From the internet towards `p.dst`, entering through `via` if given.
    /// `reply` marks return traffic (stateful filters pass it); `origin` marks the hop
    /// where the packet starts on the internet.
    pub(super) fn internet(&mut self, via: Option<IgwIx>, p: Packet, reply: bool, origin: bool) -> End {
        let m = self.m;
        if origin {
            let detail = format!("internet host {} sends {p}", p.src);
            self.hop(None, None, Action::Send, detail, p);
        }
        let Some((holder, private)) = m.public_holder(p.dst) else {
            let gw = m.vpc_containing(p.dst).and_then(|v| m.vpcs[v.0].internet_gateway);
            let msg =
                format!("{} is not a public address of any interface: the internet cannot reach it", p.dst);
            let (e, code) = match gw.or(via) {
                Some(g) => (Some(Entity::InternetGateway(g)), "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"),
                None => (None, "NO_ROUTE_TO_DESTINATION"),
            };
            // A private address of an interface: what would make it reachable.
            let holder = m.vpc_containing(p.dst).and_then(|v| m.holder(v, p.dst));
            let fix = match (holder, gw) {
                (Some(Holder::Interface(x)), _) if m.interfaces[x.0].load_balancer.is_some() => Some(
                    "an internal load balancer has no public address: use an internet-facing one".to_string(),
                ),
                (Some(Holder::Interface(x)), Some(_)) => Some(format!(
                    "associate an Elastic IP with {} on {} (or give the interface a public IPv4 address), in a subnet whose route table sends 0.0.0.0/0 to the internet gateway",
                    p.dst, m.interfaces[x.0].id
                )),
                (Some(Holder::Interface(x)), None) => Some(format!(
                    "attach an internet gateway to the VPC, then associate an Elastic IP with {} on {}",
                    p.dst, m.interfaces[x.0].id
                )),
                _ => None,
            };
            return self.block(code, e, Some(Direction::Ingress), msg, fix, p);
        };
        let vpc = match holder {
            Holder::Interface(e) => m.interfaces[e.0].vpc,
            Holder::NatGateway(n) => m.nat_gateways[n.0].vpc,
        };
        let Some(g) = m.vpcs[vpc.0].internet_gateway else {
            if let (true, Some(e)) = (p.dst.is_ipv6(), m.vpcs[vpc.0].egress_only_gateway) {
                let eg = Some(Entity::EgressOnlyGateway(e));
                let msg = "an egress-only internet gateway lets no connection in from the internet: only replies to connections made from the VPC".to_string();
                self.hop(eg, Some(Direction::Ingress), Action::Drop, msg.clone(), p);
                let fix = Some(
                    "attach an internet gateway and route ::/0 to it, if this address should be reachable"
                        .to_string(),
                );
                self.explain("EIGW_NO_UNSOLICITED_INBOUND", eg, Some(Direction::Ingress), msg, fix);
                return self.end(At::Nowhere, p, true);
            }
            let msg = format!(
                "VPC {} has no internet gateway, so its public addresses are unreachable",
                m.vpcs[vpc.0].id
            );
            self.hop(None, None, Action::Drop, msg.clone(), p);
            let fix = Some("attach an internet gateway to the VPC".to_string());
            self.explain("NO_ROUTE_TO_DESTINATION", Some(Entity::Vpc(vpc)), None, msg, fix);
            return self.end(At::Nowhere, p, true);
        };
        let gw = Entity::InternetGateway(g);
        if via.is_some_and(|v| v != g) {
            let msg = format!(
                "{} is behind {}, not the gateway the query names",
                p.dst, m.internet_gateways[g.0].id
            );
            return self.block("CANNOT_ROUTE", Some(gw), Some(Direction::Ingress), msg, None, p);
        }
        if let Some(range) = cidr::non_public(p.src) {
            let (code, what) = match range {
                NonPublic::Private => ("IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS", "private (RFC 1918)"),
                NonPublic::Shared => ("IGW_SOURCE_ADDRESS_NOT_IN_RFC6598_INGRESS", "shared (RFC 6598)"),
            };
            let msg = format!("an internet gateway does not accept traffic from {what} address {}", p.src);
            return self.block(code, Some(gw), Some(Direction::Ingress), msg, None, p);
        }
        if p.dst.is_ipv6() {
            let detail = "IPv6 passes without translation: the address is globally routable".to_string();
            self.hop(Some(gw), Some(Direction::Ingress), Action::Route, detail, p);
            return self.deliver_in_vpc(vpc, p, reply, None);
        }
        let inside = Packet { dst: private, ..p };
        let detail = format!("one-to-one NAT: destination {} → {private}", p.dst);
        self.hop(Some(gw), Some(Direction::Ingress), Action::Translate, detail, p);
        if let Some(h) = self.hops.last_mut() {
            h.translated = Some(inside);
        }
        self.deliver_in_vpc(vpc, inside, reply, None)
    }
}

/// The source ports a NAT gateway translates to: it picks one in 1024-65535 for each
/// connection, so replies may come back to any of them (nat-gateway-basics.html; RA:
/// REMAP_EPHEMERAL_PORT: "the source port remapped to an ephemeral port in the range
/// [1024-65535]").
const NAT_PORTS: PortRange = match PortRange::new(1024, 65535) {
    Some(r) => r,
    None => PortRange::ALL,
};

/// The well-known NAT64 prefix (RFC 6052) a NAT gateway translates from: DNS64 writes an
/// IPv4-only destination a.b.c.d as 64:ff9b::a.b.c.d (nat-gateway-nat64-dns64.html).
const NAT64_PREFIX: &str = "64:ff9b::/96";

/// The IPv4 address written in `a` when `a` is in 64:ff9b::/96.
pub(super) fn nat64_embedded(a: std::net::Ipv6Addr) -> Option<std::net::Ipv4Addr> {
    let s = a.segments();
    (s[..6] == [0x64, 0xff9b, 0, 0, 0, 0]).then(|| {
        let o = a.octets();
        std::net::Ipv4Addr::new(o[12], o[13], o[14], o[15])
    })
}

/// `a` written under 64:ff9b::/96, as the gateway gives it back to the IPv6 client.
fn nat64_address(a: std::net::Ipv4Addr) -> std::net::Ipv6Addr {
    let [w, x, y, z] = a.octets();
    std::net::Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, u16::from_be_bytes([w, x]), u16::from_be_bytes([y, z]))
}

/// ICMPv6 echo as NAT64 carries it over IPv4: echo request 128 → 8, reply 129 → 0 (RFC 7915).
/// Other packets are unchanged.
fn to_icmpv4(p: Packet) -> Packet {
    if p.protocol != Protocol::Icmpv6 {
        return p;
    }
    let icmp = p.icmp.map(|i| crate::packet::Icmp {
        r#type: match i.r#type {
            128 => 8,
            129 => 0,
            t => t,
        },
        ..i
    });
    Packet { protocol: Protocol::Icmp, icmp, ..p }
}

/// The reverse of [`to_icmpv4`], for a reply translated back to IPv6.
fn to_icmpv6(p: Packet) -> Packet {
    if p.protocol != Protocol::Icmp {
        return p;
    }
    let icmp = p.icmp.map(|i| crate::packet::Icmp {
        r#type: match i.r#type {
            8 => 128,
            0 => 129,
            t => t,
        },
        ..i
    });
    Packet { protocol: Protocol::Icmpv6, icmp, ..p }
}

/// The port a NAT gateway's translation shows: vpclab cannot know which port of
/// [`NAT_PORTS`] the gateway picks, so it keeps the client's port when it lies in that range
/// (one of the ports the gateway could pick; the session and the reply carry it), else
/// shows 1024. Every network ACL the reply meets on its way back to the gateway is then
/// checked for the whole range, not just this port.
fn nat_port(client: u16) -> u16 {
    if NAT_PORTS.contains(client) {
        client
    } else {
        NAT_PORTS.first()
    }
}

/// The peer a rule admitting a NAT gateway's replies should name: any internet host
/// (0.0.0.0/0, as AWS's ephemeral-port advice has it) when the peer is on the internet,
/// else the peer's own address.
fn remap_peer(m: &Model, peer: IpAddr) -> String {
    let internet = cidr::non_public(peer).is_none() && m.vpc_containing(peer).is_none();
    match (internet, peer) {
        (true, IpAddr::V4(_)) => "0.0.0.0/0".to_string(),
        (true, IpAddr::V6(_)) => "::/0".to_string(),
        (false, _) => format!("{peer}/{}", host_len(peer)),
    }
}

/// `v` without repeated entries, first occurrence kept.
fn dedup(v: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for x in v {
        if !out.contains(&x) {
            out.push(x);
        }
    }
    out
}

/// The prefix length of a single address: 32 for IPv4, 128 for IPv6.
fn host_len(ip: IpAddr) -> u8 {
    if ip.is_ipv6() {
        128
    } else {
        32
    }
}

fn flow_words(p: Packet) -> String {
    if p.protocol.has_ports() {
        format!("{} {}", p.protocol, p.dst_port)
    } else if let Some(icmp) = p.icmp {
        format!("{} {icmp}", p.protocol)
    } else {
        p.protocol.to_string()
    }
}

/// Why a virtual private gateway sends a packet over the connection of route `best`, against
/// the best route of another connection (`other`), for the trace: empty when the only
/// candidate is a static route (the plain case). Longest prefix first, then static over BGP
/// (vpn/latest/s2svpn/vpn-route-priority.html); at a full tie, the connection listed first.
fn vpn_choice(m: &Model, best: VpnRoute, other: Option<VpnRoute>) -> String {
    let (p, how) = (best.prefix, best.origin.word());
    let Some(o) = other else {
        return match best.origin {
            VpnOrigin::Static => String::new(),
            VpnOrigin::Bgp => format!(": its customer gateway advertises {p} over BGP"),
        };
    };
    let id = &m.vpn_connections[o.connection.0].id;
    let (q, other_how) = (o.prefix, o.origin.word());
    if p.prefix_len() > q.prefix_len() {
        format!(
            ": its {how} route {p} is more specific than {id}'s {other_how} route {q} (longest prefix first)"
        )
    } else if best.origin < o.origin {
        format!(": its static route {p} beats {id}'s BGP route to the same prefix (a VPN static route wins over a BGP one)")
    } else {
        let rule = match best.origin {
            VpnOrigin::Static => "AWS documents no order between static routes",
            VpnOrigin::Bgp => "AWS compares BGP AS paths and MEDs, which vpclab does not model",
        };
        format!(": {id} has the same {how} route {p}; {rule}, so vpclab takes the connection listed first")
    }
}

/// Whether private address `ip` has a public IPv4 address mapped to it (auto-assigned or Elastic).
fn has_public_ipv4(m: &Model, ip: IpAddr) -> bool {
    let IpAddr::V4(v4) = ip else { return false };
    m.interface_with_private_ip(ip).is_some_and(|e| m.interfaces[e.0].public_ips.contains_key(&v4))
}

/// The fix for a route table with no route to `p.dst`: the route to add and where it should
/// lead, named from the model when it has the gateway or connection (a learner's usual
/// question is not "which prefix" but "to what").
fn route_fix(m: &Model, vpc: VpcIx, p: Packet, table: &str) -> String {
    let dst = p.dst;
    let igw = m.internet_gateways.iter().find(|g| g.vpc == Some(vpc)).map(|g| g.id.as_str());
    if let Some(other) = m.vpc_containing(dst) {
        let via = match (m.peering_between(vpc, other), m.tgw_attachments.iter().find(|a| a.vpc == vpc)) {
            (Some(pcx), _) => format!("peering connection {}", m.peerings[pcx.0].id),
            (None, Some(a)) => format!("transit gateway {}", m.transit_gateways[a.tgw.0].id),
            (None, None) => format!("a peering connection or transit gateway to VPC {}", m.vpcs[other.0].id),
        };
        return format!("add a route for {} (or its VPC's range) to {via} in route table {table}", dst);
    }
    if let Some(v) = m.on_premises(dst) {
        let vgw = &m.vpn_gateways[m.vpn_connections[v.0].vgw.0];
        return format!(
            "add a route for {dst} to virtual private gateway {} (or turn on route propagation) in route table {table}",
            vgw.id
        );
    }
    if cidr::non_public(dst).is_some() {
        return format!(
            "add a route for {dst} to the gateway or connection that leads there, in route table {table}"
        );
    }
    if dst.is_ipv6() {
        let eigw = m.egress_only_gateways.iter().find(|g| g.vpc == vpc).map(|g| g.id.as_str());
        let to = match (eigw, igw) {
            (Some(e), Some(i)) => {
                format!("egress-only internet gateway {e} (outbound only) or internet gateway {i}")
            }
            (Some(e), None) => format!("egress-only internet gateway {e}"),
            (None, Some(i)) => {
                format!("internet gateway {i} (or an egress-only internet gateway for outbound only)")
            }
            (None, None) => {
                "an internet gateway or egress-only internet gateway (attach one to the VPC first)"
                    .to_string()
            }
        };
        return format!("add a route for ::/0 to {to} in route table {table}");
    }
    let nat = m.nat_gateways.iter().find(|n| n.vpc == vpc).map(|n| n.id.as_str());
    let to = match (nat, igw) {
        (Some(n), Some(i)) => {
            format!("NAT gateway {n} (for a private subnet) or internet gateway {i} (for a public one)")
        }
        (Some(n), None) => format!("NAT gateway {n}"),
        // A source without a public IPv4 address gets nothing from an internet gateway, which
        // only translates addresses that have one (vpc/latest/userguide/VPC_Internet_Gateway.html).
        (None, Some(i)) if !has_public_ipv4(m, p.src) => format!(
            "a NAT gateway in a public subnet ({} has no public IPv4 address; a route to internet \
             gateway {i} would need one too)",
            p.src
        ),
        (None, Some(i)) => format!(
            "internet gateway {i} (a public subnet; for a private one, a NAT gateway in a public subnet)"
        ),
        (None, None) => "an internet gateway (attach one to the VPC first) or a NAT gateway".to_string(),
    };
    format!("add a route for 0.0.0.0/0 to {to} in route table {table}")
}
