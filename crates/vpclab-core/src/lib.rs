//! vpclab's engine: an AWS VPC network as data, validated, and the questions people ask of
//! it answered the way AWS forwards packets.
//!
//! The layers, each only using the ones before it:
//! - [`topology`]: what users edit, save and share (serde, versioned, AWS nouns);
//! - [`model`]: the topology validated and resolved, plus [`Diagnostic`]s;
//! - analyses on the model: [`route`] lookup, [`firewall`] evaluation, [`trace`]
//!   (reachability of one flow, both directions, every blocker), [`lint`] (advice on a
//!   configuration AWS accepts: open admin ports, idle addresses, unreachable rules).
//!
//! Alongside: [`cidr`] arithmetic, [`examples`] (built-in topologies) and [`layout`] (the
//! geometry of the diagram, so every front end draws the same picture).
//!
//! The engine does no I/O and has no web dependency: the page, the CLI and the tests all
//! call it the same way.
//!
//! ```
//! use vpclab_core::{examples, model, trace::{self, Query}, Protocol};
//! let (m, diagnostics) = model::build(&examples::three_tier());
//! assert!(diagnostics.is_empty());
//! let q = Query::new("internet", "web-1", Protocol::Tcp, Some(443));
//! assert!(trace::reach(&m, &q).unwrap().reachable);
//! ```
#![forbid(unsafe_code)]

pub mod balance;
pub mod bench;
pub mod challenge;
pub mod challenges;
pub mod cidr;
pub mod diagnostic;
pub mod edit;
pub mod endpoint;
pub mod examples;
pub mod exhaustive;
pub mod firewall;
pub mod flowlog;
pub mod import;
pub mod instance_types;
pub mod json_path;
pub mod layout;
pub mod lint;
pub mod model;
pub mod packet;
pub mod planner;
pub mod provisioning;
pub mod route;
pub mod scaling;
pub mod share;
pub mod synth;
pub mod topology;
pub mod trace;

pub use diagnostic::{Diagnostic, Kind, Severity};
pub use packet::{Packet, PortRange, Protocol};
pub use topology::{Topology, FORMAT_VERSION};

/// Build the model of a topology and answer one query: the whole pipeline in one call.
pub fn analyse(t: &Topology, q: &trace::Query) -> (Vec<Diagnostic>, Result<trace::Trace, trace::QueryError>) {
    let (m, d) = model::build(t);
    (d, trace::reach(&m, q))
}
