//! VPC Flow Logs as each interface on a traced path would write them.
//!
//! Default (version 2) format: `version account-id interface-id srcaddr dstaddr srcport
//! dstport protocol packets bytes start end action log-status`
//! (vpc/latest/userguide/flow-log-records.html). An interface records what it sends and what
//! it receives, with the addresses as the interface sees them (private ones: the internet
//! gateway translates beyond it), `ACCEPT` when its security groups and its subnet's network
//! ACL let the packet through, else `REJECT`. So a learner reads them as in CloudWatch: an
//! inbound REJECT points at a security group or an ACL; an inbound ACCEPT with an outbound
//! REJECT of the reply can only be an ACL, since security groups are stateful.
//!
//! A NAT gateway's and a load balancer node's interfaces log too; their ids are not in the
//! topology, so records name the NAT gateway and the node interface vpclab made.

use serde::Serialize;
use std::fmt;

use crate::diagnostic::Kind;
use crate::firewall::Direction;
use crate::packet::Packet;
use crate::trace::{Action, Hop, PathSide};

/// The account id written in records (topologies do not carry one).
pub const ACCOUNT_ID: &str = "123456789012";
/// The capture window written in records: a fixed, documented instant, so output is stable.
pub const START: u64 = 1_700_000_000;

/// One flow log record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Record {
    pub version: u8,
    pub account_id: &'static str,
    pub interface_id: String,
    pub srcaddr: String,
    pub dstaddr: String,
    pub srcport: u16,
    pub dstport: u16,
    /// IANA protocol number.
    pub protocol: u8,
    pub packets: u32,
    pub bytes: u32,
    pub start: u64,
    pub end: u64,
    pub action: FlowAction,
    pub log_status: &'static str,
    /// Not a flow log field: which path and direction of the trace this record is from.
    pub path: PathSide,
    pub direction: Direction,
}

/// The `action` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum FlowAction {
    Accept,
    Reject,
}

impl fmt::Display for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let action = match self.action {
            FlowAction::Accept => "ACCEPT",
            FlowAction::Reject => "REJECT",
        };
        write!(
            f,
            "{} {} {} {} {} {} {} {} {} {} {} {} {action} {}",
            self.version,
            self.account_id,
            self.interface_id,
            self.srcaddr,
            self.dstaddr,
            self.srcport,
            self.dstport,
            self.protocol,
            self.packets,
            self.bytes,
            self.start,
            self.end,
            self.log_status
        )
    }
}

/// The records every interface on `hops` writes.
pub fn records(hops: &[Hop], path: PathSide) -> Vec<Record> {
    let is_filter = |h: &Hop| {
        matches!(h.kind, Kind::SecurityGroup | Kind::NetworkAcl)
            || (h.kind == Kind::NetworkInterface && matches!(h.action, Action::Allow | Action::Deny))
    };
    // A packet stopped at a hop never reaches the interfaces after it.
    let stop =
        hops.iter().position(|h| matches!(h.action, Action::Deny | Action::Drop)).unwrap_or(usize::MAX);
    let mut out = Vec::new();
    for (i, h) in hops.iter().enumerate() {
        // The filters that act for this interface: its own security groups and checks
        // (located at it) and its subnet's ACL, up to the next component.
        let mine = |x: &&Hop| is_filter(x) && (x.location == h.location || x.kind == Kind::NetworkAcl);
        let before = || hops[..i].iter().rev().take_while(mine).collect::<Vec<&Hop>>();
        let after = || hops[i + 1..].iter().take_while(mine).collect::<Vec<&Hop>>();
        // (direction, window, packet) for each record this hop writes.
        let mut writes: Vec<(Direction, Vec<&Hop>, Packet)> = Vec::new();
        match (h.kind, h.direction, h.action) {
            (Kind::NetworkInterface, Some(Direction::Egress), Action::Send) => {
                writes.push((Direction::Egress, after(), h.packet));
            }
            (
                Kind::NetworkInterface,
                Some(Direction::Ingress),
                Action::Accept | Action::Route | Action::Translate,
            ) => {
                writes.push((Direction::Ingress, before(), h.packet));
            }
            // A NAT gateway's interface sees the packet in, then out translated; a load
            // balancer node sees the client's packet in (its new connection goes out as a send).
            (Kind::NatGateway, _, Action::Translate) => {
                writes.push((Direction::Ingress, before(), h.packet));
                writes.push((Direction::Egress, after(), h.translated.unwrap_or(h.packet)));
            }
            (Kind::LoadBalancer, Some(Direction::Ingress), Action::Translate) => {
                writes.push((Direction::Ingress, before(), h.packet));
            }
            _ => continue,
        }
        for (direction, window, packet) in writes {
            let first = match direction {
                Direction::Egress => i,
                Direction::Ingress => i - window.len(),
            };
            if first > stop {
                return out;
            }
            let rejected = window.iter().any(|x| x.action == Action::Deny);
            out.push(record(&h.location, packet, direction, rejected, path));
        }
    }
    out
}

fn record(interface: &str, p: Packet, direction: Direction, rejected: bool, path: PathSide) -> Record {
    Record {
        version: 2,
        account_id: ACCOUNT_ID,
        interface_id: interface.to_string(),
        srcaddr: p.src.to_string(),
        dstaddr: p.dst.to_string(),
        srcport: p.src_port,
        dstport: p.dst_port,
        protocol: p.protocol.number().unwrap_or(0),
        packets: 1,
        bytes: 60,
        start: START,
        end: START + 60,
        action: if rejected { FlowAction::Reject } else { FlowAction::Accept },
        log_status: "OK",
        path,
        direction,
    }
}
