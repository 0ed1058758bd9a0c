//! What the page's first render asks of the engine, without any view: decode the share
//! link, build the model with its diagnostics, lint, lay out the diagram, answer the query,
//! save (JSON) and re-encode the link, open an example. `scripts/weight.sh` weighs it.
#![forbid(unsafe_code)]

use vpclab_core::{examples, layout, lint, model, share, trace};
use wasm_bindgen::prelude::*;

/// A summary of everything computed, so that none of it is optimised away.
#[wasm_bindgen]
pub fn first_render(input: &str) -> String {
    let link = match share::decode(input) {
        Ok(l) => l,
        Err(e) => return e.to_string(),
    };
    let (m, diagnostics) = model::build(&link.topology);
    let findings = lint::lint(&m);
    let diagram = layout::layout(&m);
    let answer = link.query.as_ref().map(|q| match trace::reach(&m, q) {
        Ok(t) => t.summary,
        Err(e) => e.to_string(),
    });
    let example = examples::get("three-tier").map(|e| examples::load(e).vpcs.len());
    let problems: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    format!(
        "{} {} {} {:?} {} {} {:?}",
        problems.join("\n"),
        findings.len(),
        diagram.nodes.len(),
        answer,
        link.topology.to_json_pretty().len(),
        share::encode(&link).len(),
        example
    )
}
