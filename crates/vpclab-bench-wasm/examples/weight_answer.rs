//! The least any page built on this engine must ship to answer at first render: read a
//! topology, build the model, answer one query. `scripts/weight.sh` builds it like the page
//! (same profile, wasm-bindgen, wasm-opt -Oz) and weighs it against a Yew hello-world.
#![forbid(unsafe_code)]

use vpclab_core::{model, packet::Protocol, trace, Topology};
use wasm_bindgen::prelude::*;

/// The one-line answer, or why there is none.
#[wasm_bindgen]
pub fn answer(json: &str, from: &str, to: &str, port: u16) -> String {
    let t = match Topology::from_json(json) {
        Ok(t) => t,
        Err(e) => return e.to_string(),
    };
    let (m, _) = model::build(&t);
    match trace::reach(&m, &trace::Query::new(from, to, Protocol::Tcp, Some(port))) {
        Ok(t) => t.summary,
        Err(e) => e.to_string(),
    }
}
