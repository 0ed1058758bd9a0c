//! The geometry of the network diagram, as AWS draws architectures: the internet above,
//! a frame per Region around its VPCs, VPCs containing Availability Zone columns containing
//! subnets containing instances with their network interfaces; internet, egress-only and
//! virtual private gateways on the VPC's top edge; a load balancer as a bar under the
//! subnets of its nodes; peerings and transit gateways below.
//!
//! Pure arithmetic on the model, so every front end draws the same picture and the math is
//! tested natively (the page only turns [`Diagram`] into SVG elements). An instance sits in
//! the subnet of its primary interface; an interface in another subnet (a multi-homed
//! instance) is drawn in its own subnet and linked to its instance.

use serde::Serialize;
use std::collections::BTreeSet;

use crate::diagnostic::{label, Kind};
use crate::model::{EniIx, Model, SubnetIx};

const MARGIN: f64 = 20.0;
const INTERNET_H: f64 = 48.0;
const VPC_TOP: f64 = 120.0;
const VPC_HEADER: f64 = 40.0;
const VPC_PAD: f64 = 16.0;
const AZ_HEADER: f64 = 30.0;
const AZ_W: f64 = 340.0;
const AZ_GAP: f64 = 16.0;
const SUBNET_HEADER: f64 = 48.0;
const SUBNET_GAP: f64 = 16.0;
const SUBNET_PAD: f64 = 12.0;
const INSTANCE_HEADER: f64 = 26.0;
const ENI_H: f64 = 24.0;
const ITEM_GAP: f64 = 10.0;
const IGW_W: f64 = 120.0;
const IGW_H: f64 = 30.0;
/// Width of one gateway slot on a VPC's top edge: room for the box drawn above it.
const TOP_SLOT: f64 = 215.0;
/// Where the first gateway slot starts on a VPC's top edge: after the VPC's name.
const TOP_START: f64 = 120.0;
/// Width of the internet and on-premises boxes above the gateways.
const ABOVE_W: f64 = 200.0;
/// A Region's frame: room for its name above the gateways, and a margin around its VPCs.
const REGION_HEADER: f64 = 24.0;
const REGION_PAD: f64 = 10.0;
/// Height of a load balancer's bar (two lines: name, scheme and listeners).
const LB_H: f64 = 40.0;

/// A drawn diagram: boxes and the lines between them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagram {
    pub width: f64,
    pub height: f64,
    pub nodes: Vec<Node>,
    pub links: Vec<Link>,
}

/// One box. Containers come before what they contain, so drawing in order layers them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Node {
    /// Unique within the diagram.
    pub key: String,
    /// The resource id it stands for (`internet` for the internet); traces name these.
    pub component: String,
    pub kind: NodeKind,
    pub label: String,
    /// A second line: CIDR, address, instance type.
    pub detail: String,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    /// For subnets: routed to an internet gateway (drawn blue, as AWS draws public subnets).
    pub public: bool,
}

/// What a box depicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeKind {
    Internet,
    /// The AWS Region around its VPCs (a frame, not a resource).
    Region,
    Vpc,
    AvailabilityZone,
    Subnet,
    InternetGateway,
    EgressOnlyGateway,
    Instance,
    NetworkInterface,
    NatGateway,
    /// A load balancer: a bar under the subnets its nodes are in, joined to each node.
    LoadBalancer,
    Peering,
    TransitGateway,
    GatewayEndpoint,
    VpnGateway,
    OnPremises,
}

/// A line between two boxes, by key, with the points it is drawn through.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    pub from: String,
    pub to: String,
    pub points: Vec<(f64, f64)>,
}

impl Diagram {
    /// The node with this key.
    pub fn node(&self, key: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.key == key)
    }
}

/// Lay out the whole model.
pub fn layout(m: &Model) -> Diagram {
    let mut nodes = Vec::new();
    let mut links = Vec::new();
    let mut x = MARGIN;
    let mut bottom = VPC_TOP;
    let mut igw_keys = Vec::new();
    let mut igw_xs: Vec<f64> = Vec::new();

    // VPCs of one Region side by side, so each Region frames one run of them.
    let mut order: Vec<usize> = (0..m.vpcs.len()).collect();
    order.sort_by(|a, b| m.vpcs[*a].region.cmp(&m.vpcs[*b].region));
    for vi in order {
        let vpc = &m.vpcs[vi];
        let azs: BTreeSet<&str> = vpc.subnets.iter().map(|s| m.subnets[s.0].az.as_str()).collect();
        let azs: Vec<&str> = azs.into_iter().collect();
        let cols = azs.len().max(1) as f64;
        let vpc_w = VPC_PAD * 2.0 + cols * AZ_W + (cols - 1.0) * AZ_GAP;
        let vpc_index = nodes.len();
        let cidrs = vpc.cidrs.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
        nodes.push(Node {
            key: vpc.id.clone(),
            component: vpc.id.clone(),
            kind: NodeKind::Vpc,
            label: format!("VPC {}", label(&vpc.id, vpc.name.as_deref())),
            detail: cidrs,
            x,
            y: VPC_TOP,
            w: vpc_w,
            h: 0.0,
            public: false,
        });
        let mut vpc_bottom = VPC_TOP + VPC_HEADER + 60.0;
        for (ai, az) in azs.iter().enumerate() {
            let ax = x + VPC_PAD + ai as f64 * (AZ_W + AZ_GAP);
            let ay = VPC_TOP + VPC_HEADER;
            let az_index = nodes.len();
            nodes.push(Node {
                key: format!("az:{}:{az}", vpc.id),
                component: vpc.id.clone(),
                kind: NodeKind::AvailabilityZone,
                label: format!("Availability Zone {az}"),
                detail: String::new(),
                x: ax,
                y: ay,
                w: AZ_W,
                h: 0.0,
                public: false,
            });
            let mut sy = ay + AZ_HEADER;
            let mut subnets: Vec<SubnetIx> =
                vpc.subnets.iter().copied().filter(|s| m.subnets[s.0].az == *az).collect();
            subnets.sort_by_key(|s| m.subnets[s.0].cidr);
            for s in subnets {
                sy = subnet(m, s, ax + 10.0, sy, AZ_W - 20.0, &mut nodes, &mut links) + SUBNET_GAP;
            }
            let az_h = (sy - ay).max(AZ_HEADER + 40.0);
            nodes[az_index].h = az_h;
            vpc_bottom = vpc_bottom.max(ay + az_h + VPC_PAD);
        }
        vpc_bottom = load_balancers(m, vi, vpc_index, vpc_bottom, &mut nodes, &mut links);
        nodes[vpc_index].h = vpc_bottom - VPC_TOP;
        // The gateways on the VPC's top edge, left to right: virtual private gateways (each
        // with its on-premises networks above it), the internet and egress-only internet
        // gateways (the internet above them), gateway endpoints. Each takes a slot wide
        // enough for what sits above it.
        let mut slot = 0.0;
        let first_gateway = igw_xs.len();
        let mut next = |nodes: &mut Vec<Node>, key: &str, kind, label: String, detail: &str| -> f64 {
            let cx = x + TOP_START + slot * TOP_SLOT + TOP_SLOT / 2.0;
            slot += 1.0;
            nodes.push(Node {
                key: key.to_string(),
                component: key.to_string(),
                kind,
                label,
                detail: detail.to_string(),
                x: cx - IGW_W / 2.0,
                y: VPC_TOP - IGW_H / 2.0,
                w: IGW_W,
                h: IGW_H,
                public: false,
            });
            cx
        };
        for (gi, g) in m.vpn_gateways.iter().enumerate().filter(|(_, g)| g.vpc.map(|v| v.0) == Some(vi)) {
            let cx = next(
                &mut nodes,
                &g.id,
                NodeKind::VpnGateway,
                label(&g.id, g.name.as_deref()),
                "virtual private gateway",
            );
            for (j, c) in m.vpn_connections.iter().filter(|c| c.vgw.0 == gi).enumerate() {
                let cidrs = crate::endpoint::vpn_networks(c);
                nodes.push(Node {
                    key: c.id.clone(),
                    component: c.id.clone(),
                    kind: NodeKind::OnPremises,
                    label: format!("on-premises via {}", label(&c.id, c.name.as_deref())),
                    detail: cidrs,
                    x: cx - ABOVE_W / 2.0 + j as f64 * 12.0,
                    y: MARGIN + j as f64 * 8.0,
                    w: ABOVE_W,
                    h: INTERNET_H,
                    public: false,
                });
                links.push(Link { from: c.id.clone(), to: g.id.clone(), points: Vec::new() });
            }
        }
        // The internet is above both kinds of internet gateway.
        let internet_gateways = [
            vpc.internet_gateway.map(|g| {
                let gw = &m.internet_gateways[g.0];
                (&gw.id, gw.name.as_deref(), NodeKind::InternetGateway, "internet gateway")
            }),
            vpc.egress_only_gateway.map(|g| {
                let gw = &m.egress_only_gateways[g.0];
                (&gw.id, gw.name.as_deref(), NodeKind::EgressOnlyGateway, "egress-only internet gateway")
            }),
        ];
        for (id, name, kind, what) in internet_gateways.into_iter().flatten() {
            let cx = next(&mut nodes, id, kind, label(id, name), what);
            igw_keys.push(id.clone());
            igw_xs.push(cx);
        }
        for e in m.gateway_endpoints.iter().filter(|e| e.vpc.0 == vi) {
            let name = format!("{} endpoint", e.service.to_ascii_uppercase());
            next(&mut nodes, &e.id, NodeKind::GatewayEndpoint, name, &label(&e.id, e.name.as_deref()));
        }
        // The VPC is at least as wide as its top edge.
        let vpc_w = vpc_w.max(TOP_START + VPC_PAD + slot * TOP_SLOT);
        nodes[vpc_index].w = vpc_w;
        // A VPC the user placed moves with everything in and on it.
        let (dx, dy) = match m.positions.get(&vpc.id) {
            Some(&(px, py)) => (px.max(0.0) - x, py.max(IGW_H) - VPC_TOP),
            None => (0.0, 0.0),
        };
        if dx != 0.0 || dy != 0.0 {
            for n in &mut nodes[vpc_index..] {
                n.x += dx;
                n.y += dy;
            }
            for gx in &mut igw_xs[first_gateway..] {
                *gx += dx;
            }
        }
        x += vpc_w + 40.0;
        bottom = bottom.max(vpc_bottom + dy);
    }

    let right = nodes.iter().map(|n| n.x + n.w).fold(x - 40.0, f64::max);
    let width = (right + MARGIN).max(400.0);
    let internet_w = ABOVE_W;
    nodes.insert(
        0,
        Node {
            key: "internet".into(),
            component: "internet".into(),
            kind: NodeKind::Internet,
            label: "Internet".into(),
            detail: String::new(),
            // Where the user put it; else above the internet gateways, or centred.
            x: m.positions.get("internet").map_or_else(
                || {
                    (if igw_xs.is_empty() {
                        width / 2.0
                    } else {
                        igw_xs.iter().sum::<f64>() / igw_xs.len() as f64
                    }) - internet_w / 2.0
                },
                |p| p.0.max(0.0),
            ),
            y: m.positions.get("internet").map_or(MARGIN, |p| p.1.max(0.0)),
            w: internet_w,
            h: INTERNET_H,
            public: false,
        },
    );
    for k in igw_keys {
        links.insert(0, Link { from: "internet".into(), to: k, points: Vec::new() });
    }
    let frames = regions(m, &nodes);
    nodes.splice(0..0, frames);
    let mut d = Diagram { width, height: bottom + MARGIN, nodes, links };
    peerings(m, &mut d);
    transit_gateways(m, &mut d);
    route_links(&mut d);
    d
}

/// One frame per Region around its VPCs and the gateways on their edges; the internet and
/// on-premises networks stay outside, as AWS draws them. Frames come first: they are drawn
/// under everything.
fn regions(m: &Model, nodes: &[Node]) -> Vec<Node> {
    let mut frames: Vec<Node> = Vec::new();
    for vpc in &m.vpcs {
        let Some(n) = nodes.iter().find(|n| n.kind == NodeKind::Vpc && n.key == vpc.id) else { continue };
        let key = format!("region:{}", vpc.region);
        let (x, y) = (n.x - REGION_PAD, (n.y - IGW_H / 2.0 - REGION_HEADER).max(0.0));
        let (right, bottom) = (n.x + n.w + REGION_PAD, n.y + n.h + REGION_PAD);
        match frames.iter_mut().find(|f| f.key == key) {
            Some(f) => {
                let (fr, fb) = (f.x + f.w, f.y + f.h);
                f.x = f.x.min(x);
                f.y = f.y.min(y);
                f.w = fr.max(right) - f.x;
                f.h = fb.max(bottom) - f.y;
            }
            None => frames.push(Node {
                key,
                component: vpc.region.clone(),
                kind: NodeKind::Region,
                label: format!("Region {}", vpc.region),
                detail: String::new(),
                x,
                y,
                w: right - x,
                h: bottom - y,
                public: false,
            }),
        }
    }
    frames
}

/// A VPC's load balancers under its Availability Zone columns (from `top`): a bar spanning
/// the load balancer's nodes, joined to each node's interface. Returns the new bottom.
fn load_balancers(
    m: &Model,
    vi: usize,
    vpc_index: usize,
    mut top: f64,
    nodes: &mut Vec<Node>,
    links: &mut Vec<Link>,
) -> f64 {
    for lb in m.load_balancers.iter().filter(|l| l.vpc.0 == vi) {
        let ends: Vec<(String, f64, f64, f64)> = lb
            .nodes
            .iter()
            .filter_map(|e| nodes[vpc_index..].iter().find(|n| n.key == m.interfaces[e.0].id))
            .map(|n| (n.key.clone(), n.x, n.x + n.w, n.y + n.h / 2.0))
            .collect();
        let left = ends.iter().map(|e| e.1).min_by(f64::total_cmp);
        let right = ends.iter().map(|e| e.2).max_by(f64::total_cmp);
        let (Some(left), Some(right)) = (left, right) else { continue };
        let listeners = lb.listeners.iter().map(|l| format!("{}:{}", l.protocol, l.port)).collect::<Vec<_>>();
        nodes.push(Node {
            key: lb.id.clone(),
            component: lb.id.clone(),
            kind: NodeKind::LoadBalancer,
            label: format!(
                "{} load balancer {}",
                if lb.application { "application" } else { "network" },
                label(&lb.id, lb.name.as_deref())
            ),
            detail: format!(
                "{}{}{}",
                if lb.internet_facing { "internet-facing" } else { "internal" },
                if listeners.is_empty() { "" } else { " · " },
                listeners.join(", ")
            ),
            x: left,
            y: top,
            w: right - left,
            h: LB_H,
            public: false,
        });
        // Down the right of each node's box, inside its subnet's padding, to the bar.
        for (key, _, r, mid) in ends {
            let x = r + SUBNET_PAD / 2.0;
            links.push(Link { from: key, to: lb.id.clone(), points: vec![(r, mid), (x, mid), (x, top)] });
        }
        top += LB_H + VPC_PAD;
    }
    top
}

/// Peering connections as small boxes under the VPCs, joined to both by a bracket.
fn peerings(m: &Model, d: &mut Diagram) {
    let base = d.height;
    for (k, p) in m.peerings.iter().enumerate() {
        let (a, b) = (&m.vpcs[p.requester.0].id, &m.vpcs[p.accepter.0].id);
        let (Some(na), Some(nb)) = (d.node(a), d.node(b)) else { continue };
        let y = base + 10.0 + k as f64 * 46.0;
        let (ax, bx) = (na.x + na.w / 2.0 + k as f64 * 8.0, nb.x + nb.w / 2.0 - k as f64 * 8.0);
        let (abot, bbot) = (na.y + na.h, nb.y + nb.h);
        let w = 170.0;
        let cx = (ax + bx) / 2.0;
        d.nodes.push(Node {
            key: p.id.clone(),
            component: p.id.clone(),
            kind: NodeKind::Peering,
            label: format!("peering {}", label(&p.id, p.name.as_deref())),
            detail: p.status.clone(),
            x: cx - w / 2.0,
            y,
            w,
            h: 30.0,
            public: false,
        });
        let mid = y + 15.0;
        d.links.push(Link {
            from: a.clone(),
            to: p.id.clone(),
            points: vec![(ax, abot), (ax, mid), (cx - w / 2.0, mid)],
        });
        d.links.push(Link {
            from: b.clone(),
            to: p.id.clone(),
            points: vec![(bx, bbot), (bx, mid), (cx + w / 2.0, mid)],
        });
        d.height = d.height.max(y + 30.0 + MARGIN);
    }
}

/// Transit gateways as boxes under the VPCs, each joined to the VPCs it attaches; the
/// attachments are keyed by their ids so traces can light them.
fn transit_gateways(m: &Model, d: &mut Diagram) {
    for (k, g) in m.transit_gateways.iter().enumerate() {
        let atts: Vec<_> = m.tgw_attachments.iter().filter(|a| a.tgw.0 == k).collect();
        let xs: Vec<(f64, f64, &str)> = atts
            .iter()
            .filter_map(|a| d.node(&m.vpcs[a.vpc.0].id).map(|n| (n.x + n.w / 2.0, n.y + n.h, a.id.as_str())))
            .collect();
        let (Some(min), Some(max)) =
            (xs.iter().map(|x| x.0).min_by(f64::total_cmp), xs.iter().map(|x| x.0).max_by(f64::total_cmp))
        else {
            continue;
        };
        let y = d.height + 10.0;
        let w = (max - min + 200.0).max(220.0);
        let x = (min + max) / 2.0 - w / 2.0;
        d.nodes.push(Node {
            key: g.id.clone(),
            component: g.id.clone(),
            kind: NodeKind::TransitGateway,
            label: format!("transit gateway {}", label(&g.id, g.name.as_deref())),
            detail: String::new(),
            x,
            y,
            w,
            h: 34.0,
            public: false,
        });
        for (ax, bottom, att) in xs {
            // Each attachment is a link from the VPC down to the gateway, keyed by its id.
            d.links.push(Link {
                from: att.to_string(),
                to: g.id.clone(),
                points: vec![(ax, bottom), (ax, y)],
            });
        }
        d.height = y + 34.0 + MARGIN;
    }
}

/// Points for the links that have none yet: internet to gateways straight down; an
/// instance to its interface in another subnet along the right edge of their AZ column.
fn route_links(d: &mut Diagram) {
    let mut links = std::mem::take(&mut d.links);
    for l in links.iter_mut().filter(|l| l.points.is_empty()) {
        let (Some(a), Some(b)) = (d.node(&l.from), d.node(&l.to)) else { continue };
        l.points = if a.kind == NodeKind::Instance {
            let x = a.x.max(b.x) + a.w.max(b.w) + 14.0;
            let (ya, yb) = (a.y + a.h / 2.0, b.y + b.h / 2.0);
            vec![(a.x + a.w, ya), (x, ya), (x, yb), (b.x + b.w, yb)]
        } else {
            vec![(a.x + a.w / 2.0, a.y + a.h), (b.x + b.w / 2.0, b.y)]
        };
    }
    d.links = links;
}

/// Draw one subnet at (x, y) with width w; returns its bottom edge.
fn subnet(
    m: &Model,
    s: SubnetIx,
    x: f64,
    y: f64,
    w: f64,
    nodes: &mut Vec<Node>,
    links: &mut Vec<Link>,
) -> f64 {
    let sub = &m.subnets[s.0];
    let rt = &m.route_tables[sub.route_table.0];
    let acl = &m.network_acls[sub.acl.0];
    let index = nodes.len();
    nodes.push(Node {
        key: sub.id.clone(),
        component: sub.id.clone(),
        kind: NodeKind::Subnet,
        label: format!(
            "{} {}",
            if public(m, s) { "public subnet" } else { "private subnet" },
            label(&sub.id, sub.name.as_deref())
        ),
        detail: format!(
            "{} · route table {} · ACL {}",
            sub.cidr,
            label(&rt.id, rt.name.as_deref()),
            label(&acl.id, acl.name.as_deref())
        ),
        x,
        y,
        w,
        h: 0.0,
        public: public(m, s),
    });
    let mut iy = y + SUBNET_HEADER;
    let ix = x + SUBNET_PAD;
    let iw = w - 2.0 * SUBNET_PAD;
    // Instances whose primary interface is here, then interfaces whose instance is elsewhere.
    let mut drawn: BTreeSet<EniIx> = BTreeSet::new();
    for (i, inst) in m.instances.iter().enumerate() {
        let Some(primary) = inst.interfaces.first() else {
            continue;
        };
        if m.interfaces[primary.0].subnet != s {
            continue;
        }
        let here: Vec<EniIx> =
            inst.interfaces.iter().copied().filter(|e| m.interfaces[e.0].subnet == s).collect();
        let h = INSTANCE_HEADER + here.len() as f64 * ENI_H + 6.0;
        nodes.push(Node {
            key: inst.id.clone(),
            component: inst.id.clone(),
            kind: NodeKind::Instance,
            label: label(&inst.id, inst.name.as_deref()),
            detail: inst.instance_type.clone(),
            x: ix,
            y: iy,
            w: iw,
            h,
            public: false,
        });
        for (k, e) in here.iter().enumerate() {
            nodes.push(eni_node(m, *e, ix + 8.0, iy + INSTANCE_HEADER + k as f64 * ENI_H, iw - 16.0));
            drawn.insert(*e);
        }
        for e in inst.interfaces.iter().filter(|e| m.interfaces[e.0].subnet != s) {
            links.push(Link { from: inst.id.clone(), to: m.interfaces[e.0].id.clone(), points: Vec::new() });
        }
        let _ = i;
        iy += h + ITEM_GAP;
    }
    for e in &sub.interfaces {
        if drawn.contains(e) {
            continue;
        }
        nodes.push(eni_node(m, *e, ix, iy, iw));
        iy += ENI_H + ITEM_GAP;
    }
    for nat in m.nat_gateways.iter().filter(|n| n.subnet == s) {
        let mut detail = nat.private_ip.to_string();
        match &nat.elastic_ip {
            Some((_, eip)) => detail.push_str(&format!(" · {eip} (EIP)")),
            None if !nat.public => detail.push_str(" · private"),
            None => {}
        }
        nodes.push(Node {
            key: nat.id.clone(),
            component: nat.id.clone(),
            kind: NodeKind::NatGateway,
            label: format!("NAT {}", label(&nat.id, nat.name.as_deref())),
            detail,
            x: ix,
            y: iy,
            w: iw,
            h: ENI_H,
            public: false,
        });
        iy += ENI_H + ITEM_GAP;
    }
    let bottom = (iy + SUBNET_PAD - ITEM_GAP).max(y + SUBNET_HEADER + 20.0);
    nodes[index].h = bottom - y;
    bottom
}

fn eni_node(m: &Model, e: EniIx, x: f64, y: f64, w: f64) -> Node {
    let eni = &m.interfaces[e.0];
    let mut detail = eni.private_ips().map(|a| a.to_string()).collect::<Vec<_>>().join(", ");
    for p in eni.public_ips.values() {
        detail.push_str(&format!(" · {}{}", p.address, if p.elastic.is_some() { " (EIP)" } else { "" }));
    }
    let dev = eni.attachment.map(|(_, d)| format!("eth{d} ")).unwrap_or_default();
    Node {
        key: eni.id.clone(),
        component: eni.id.clone(),
        kind: NodeKind::NetworkInterface,
        label: format!("{dev}{}", label(&eni.id, eni.name.as_deref())),
        detail,
        x,
        y,
        w,
        h: ENI_H - 4.0,
        public: false,
    }
}

/// The points of the line a path takes across the diagram: the centres of the places it
/// passes (the internet, gateways, interfaces), in order, without repeats in a row.
pub fn path_points<'a>(d: &Diagram, locations: impl IntoIterator<Item = &'a str>) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    let mut last: Option<&str> = None;
    for key in locations {
        let Some(n) = d.node(key) else { continue };
        // Boxes a packet passes through; containers (VPC, AZ, subnet) and instances are not.
        let waypoint = !matches!(
            n.kind,
            NodeKind::Vpc | NodeKind::AvailabilityZone | NodeKind::Subnet | NodeKind::Instance
        );
        if !waypoint || last == Some(n.key.as_str()) {
            continue;
        }
        last = Some(n.key.as_str());
        out.push((n.x + n.w / 2.0, n.y + n.h / 2.0));
    }
    out
}

/// Where a packet is drawn while it is at `key` (a hop's location): the box's centre.
pub fn point_of(d: &Diagram, key: &str) -> Option<(f64, f64)> {
    d.node(key).map(|n| (n.x + n.w / 2.0, n.y + n.h / 2.0))
}

/// A subnet is public when its route table sends some traffic to an internet gateway.
pub fn public(m: &Model, s: SubnetIx) -> bool {
    m.route_tables[m.subnets[s.0].route_table.0]
        .routes
        .iter()
        .any(|r| matches!(r.target, crate::model::Target::InternetGateway(_)))
}

/// The kind of trace component a diagram node stands for, so the view can match hops.
pub fn node_kind_of(kind: Kind) -> Option<NodeKind> {
    match kind {
        Kind::Internet => Some(NodeKind::Internet),
        Kind::Vpc => Some(NodeKind::Vpc),
        Kind::Subnet => Some(NodeKind::Subnet),
        Kind::InternetGateway => Some(NodeKind::InternetGateway),
        Kind::EgressOnlyInternetGateway => Some(NodeKind::EgressOnlyGateway),
        Kind::LoadBalancer => Some(NodeKind::LoadBalancer),
        Kind::Instance => Some(NodeKind::Instance),
        Kind::NetworkInterface => Some(NodeKind::NetworkInterface),
        Kind::NatGateway => Some(NodeKind::NatGateway),
        Kind::VpcPeeringConnection => Some(NodeKind::Peering),
        Kind::TransitGateway => Some(NodeKind::TransitGateway),
        Kind::VpcEndpoint => Some(NodeKind::GatewayEndpoint),
        Kind::VpnGateway => Some(NodeKind::VpnGateway),
        Kind::VpnConnection => Some(NodeKind::OnPremises),
        _ => None,
    }
}

/// Keys of the boxes that move with box `key` when it is dragged: a VPC carries
/// everything drawn inside or on it; other boxes move alone. Empty when it cannot move.
pub fn moves_with(d: &Diagram, key: &str) -> Vec<String> {
    let Some(n) = d.node(key) else { return Vec::new() };
    match n.kind {
        NodeKind::Vpc => d
            .nodes
            .iter()
            .filter(|o| {
                // Inside, or straddling the top edge (the gateways).
                o.x >= n.x && o.x + o.w <= n.x + n.w && o.y + o.h > n.y && o.y < n.y + n.h
            })
            .map(|o| o.key.clone())
            .collect(),
        NodeKind::Internet => vec![n.key.clone()],
        _ => Vec::new(),
    }
}

/// The instance a network interface box dropped at `(x, y)` lands on, if it is dropped on
/// one (its component id): the page then moves the interface there, and the engine's
/// `edit::move_interface` decides whether AWS allows it (same Availability Zone).
pub fn interface_drop_target(d: &Diagram, key: &str, x: f64, y: f64) -> Option<String> {
    d.node(key).filter(|n| n.kind == NodeKind::NetworkInterface)?;
    d.nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Instance)
        .find(|n| x >= n.x && x <= n.x + n.w && y >= n.y && y <= n.y + n.h)
        .map(|n| n.component.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interface_dropped_on_an_instance_targets_it() {
        let (m, _) = crate::model::build(&crate::examples::three_tier());
        let d = layout(&m);
        let get = |k: &str| d.node(k).unwrap_or_else(|| unreachable!("no node {k}"));
        let web2 = get("i-web2");
        let (cx, cy) = (web2.x + web2.w / 2.0, web2.y + web2.h / 2.0);
        assert_eq!(interface_drop_target(&d, "eni-web1", cx, cy).as_deref(), Some("i-web2"));
        // Dropped on no instance, or something else dragged: nothing.
        assert_eq!(interface_drop_target(&d, "eni-web1", -10.0, -10.0), None);
        assert_eq!(interface_drop_target(&d, "vpc-prod", cx, cy), None);
    }

    fn inside(inner: &Node, outer: &Node) -> bool {
        inner.x >= outer.x
            && inner.y >= outer.y
            && inner.x + inner.w <= outer.x + outer.w
            && inner.y + inner.h <= outer.y + outer.h
    }

    #[test]
    fn three_tier_nests_instances_in_subnets_in_azs_in_the_vpc() {
        let (m, _) = crate::model::build(&crate::examples::three_tier());
        let d = layout(&m);
        let get = |k: &str| d.node(k).unwrap_or_else(|| unreachable!("no node {k}"));
        assert!(inside(get("subnet-web-a"), get("az:vpc-prod:us-east-1a")));
        assert!(inside(get("az:vpc-prod:us-east-1a"), get("vpc-prod")));
        assert!(inside(get("i-web1"), get("subnet-web-a")));
        assert!(inside(get("eni-web1"), get("i-web1")));
        // The app server's second interface is drawn in the db subnet, linked to the instance.
        assert!(inside(get("eni-app1"), get("subnet-db-a")));
        assert!(d.links.iter().any(|l| l.from == "i-app" && l.to == "eni-app1"));
        // The gateway straddles the VPC's top edge, below the internet.
        let (igw, vpc) = (get("igw-prod"), get("vpc-prod"));
        assert!(igw.y < vpc.y && igw.y + igw.h > vpc.y);
        assert!(get("internet").y + get("internet").h < igw.y);
        // Keys are unique.
        let keys: BTreeSet<&str> = d.nodes.iter().map(|n| n.key.as_str()).collect();
        assert_eq!(keys.len(), d.nodes.len());
    }

    #[test]
    fn a_placed_vpc_carries_its_contents_and_the_internet_follows_its_gateway() {
        let mut t = crate::examples::three_tier();
        let before = layout(&crate::model::build(&t).0);
        let vpc = before.node("vpc-prod").map(|n| (n.x, n.y)).unwrap_or_default();
        t.layout.insert("vpc-prod".into(), crate::topology::Position { x: vpc.0 + 100.0, y: vpc.1 + 50.0 });
        let after = layout(&crate::model::build(&t).0);
        for key in moves_with(&before, "vpc-prod") {
            let (a, b) = (before.node(&key), after.node(&key));
            let moved = a.zip(b).map(|(a, b)| (b.x - a.x, b.y - a.y));
            assert_eq!(moved, Some((100.0, 50.0)), "{key}");
        }
        assert!(moves_with(&before, "vpc-prod").contains(&"igw-prod".to_string()));
        assert!(moves_with(&before, "subnet-web-a").is_empty(), "only VPCs and the internet move");
        assert!(after.width >= before.width + 100.0);
        let inet = after.node("internet").map(|n| n.x + n.w / 2.0);
        let igw = after.node("igw-prod").map(|n| n.x + n.w / 2.0);
        assert_eq!(inet, igw, "the internet stays above the moved gateway");
    }

    fn example(id: &str) -> Diagram {
        let e = crate::examples::get(id).unwrap_or_else(|| unreachable!("no example {id}"));
        layout(&crate::model::build(&crate::examples::load(e)).0)
    }

    fn get<'a>(d: &'a Diagram, key: &str) -> &'a Node {
        d.node(key).unwrap_or_else(|| unreachable!("no node {key}"))
    }

    #[test]
    fn the_region_frames_its_vpcs_and_their_gateways_not_the_internet() {
        let d = example("three-tier");
        let region = get(&d, "region:us-east-1");
        assert_eq!(region.label, "Region us-east-1");
        assert!(inside(get(&d, "vpc-prod"), region));
        assert!(inside(get(&d, "igw-prod"), region));
        let inet = get(&d, "internet");
        assert!(inet.y + inet.h <= region.y, "the internet is outside the Region");
        // Drawn first, under everything.
        assert_eq!(d.nodes.first().map(|n| n.kind), Some(NodeKind::Region));
    }

    #[test]
    fn vpcs_of_one_region_sit_together_in_one_frame() {
        let mut t = crate::examples::load(
            crate::examples::get("peering-non-transitive").unwrap_or_else(|| unreachable!()),
        );
        assert!(t.vpcs.len() >= 3);
        // The middle VPC moves to another Region: the other two stay side by side.
        t.vpcs[1].region = Some("eu-west-1".into());
        let (m, _) = crate::model::build(&t);
        let d = layout(&m);
        let (home, away) = (get(&d, &format!("region:{}", t.region)), get(&d, "region:eu-west-1"));
        for (i, v) in t.vpcs.iter().enumerate() {
            let frame = if i == 1 { away } else { home };
            assert!(inside(get(&d, &v.id), frame), "{} in its Region", v.id);
        }
        assert!(home.x + home.w <= away.x || away.x + away.w <= home.x, "frames do not overlap");
    }

    #[test]
    fn an_egress_only_gateway_sits_on_the_vpc_edge_under_the_internet() {
        let d = example("dual-stack-egress-only");
        let eigw = d.nodes.iter().find(|n| n.kind == NodeKind::EgressOnlyGateway);
        let Some(eigw) = eigw else { unreachable!("no egress-only gateway drawn") };
        let vpc = d.nodes.iter().find(|n| n.kind == NodeKind::Vpc).unwrap_or_else(|| unreachable!());
        assert!(eigw.y < vpc.y && eigw.y + eigw.h > vpc.y, "straddles the top edge");
        assert!(d.links.iter().any(|l| l.from == "internet" && l.to == eigw.key));
        let igw = d.nodes.iter().find(|n| n.kind == NodeKind::InternetGateway);
        assert!(igw.is_some_and(|g| g.x + g.w <= eigw.x || eigw.x + eigw.w <= g.x), "beside the IGW");
    }

    #[test]
    fn a_load_balancer_spans_its_nodes_under_the_subnets() {
        let d = example("alb-private-targets");
        let lb = get(&d, "alb-web");
        assert_eq!(lb.kind, NodeKind::LoadBalancer);
        assert!(lb.label.starts_with("application load balancer"));
        assert!(lb.detail.starts_with("internet-facing"), "{}", lb.detail);
        assert!(inside(lb, get(&d, "vpc-web")));
        let joined: Vec<&Link> = d.links.iter().filter(|l| l.to == "alb-web").collect();
        assert!(joined.len() >= 2, "one line per node");
        for l in joined {
            let node = get(&d, &l.from);
            assert_eq!(node.kind, NodeKind::NetworkInterface);
            assert!(lb.x <= node.x && node.x + node.w <= lb.x + lb.w, "the bar spans {}", l.from);
            assert!(node.y + node.h <= lb.y, "the bar is under {}", l.from);
        }
        // Below every Availability Zone column.
        for az in d.nodes.iter().filter(|n| n.kind == NodeKind::AvailabilityZone) {
            assert!(az.y + az.h <= lb.y);
        }
    }

    #[test]
    fn subnets_in_one_az_do_not_overlap() {
        let (m, _) = crate::model::build(&crate::examples::three_tier());
        let d = layout(&m);
        let (a, b) = (d.node("subnet-web-a"), d.node("subnet-db-a"));
        let (Some(a), Some(b)) = (a, b) else { unreachable!("subnets missing") };
        assert!(a.y + a.h <= b.y || b.y + b.h <= a.y);
    }
}
