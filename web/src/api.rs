//! The engine for JavaScript: a thin boundary of a few functions, values converted with
//! `serde_wasm_bindgen`, errors as strings. Host pages (and the end-to-end tests) call it as
//! `window.wasmBindings.reach(topology, query)`; the page itself calls the engine in Rust.

use wasm_bindgen::prelude::*;

use vpclab_core::{cidr, exhaustive, lint, model, trace, Topology};

fn topology(value: JsValue) -> Result<Topology, JsValue> {
    // Accept a JSON string or an object, as a host page has either.
    let text = match value.as_string() {
        Some(s) => s,
        None => js_sys::JSON::stringify(&value)
            .map(String::from)
            .map_err(|_| JsValue::from_str("topology: not JSON"))?,
    };
    Topology::from_json(&text).map_err(|e| JsValue::from_str(&e.to_string()))
}

fn out<T: serde::Serialize>(v: &T) -> Result<JsValue, JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsValue::from_str(&e.to_string()))
}

/// `reach(topology, {from, to, protocol, port, from_ip?, src_port?})` → the trace.
#[wasm_bindgen]
pub fn reach(topology_value: JsValue, query: JsValue) -> Result<JsValue, JsValue> {
    let t = topology(topology_value)?;
    let q: trace::Query =
        serde_wasm_bindgen::from_value(query).map_err(|e| JsValue::from_str(&format!("query: {e}")))?;
    let (m, _) = model::build(&t);
    let answer = trace::reach(&m, &q).map_err(|e| JsValue::from_str(&e.to_string()))?;
    out(&answer)
}

/// `check(topology)` → the diagnostics.
#[wasm_bindgen]
pub fn check(topology_value: JsValue) -> Result<JsValue, JsValue> {
    let (_, d) = model::build(&topology(topology_value)?);
    out(&d)
}

/// `lint(topology)` → the findings.
#[wasm_bindgen(js_name = lint)]
pub fn lint_js(topology_value: JsValue) -> Result<JsValue, JsValue> {
    let (m, _) = model::build(&topology(topology_value)?);
    out(&lint::lint(&m))
}

/// `ports(topology, from, to)` → every protocol and port range that gets through.
#[wasm_bindgen]
pub fn ports(topology_value: JsValue, from: String, to: String) -> Result<JsValue, JsValue> {
    let (m, _) = model::build(&topology(topology_value)?);
    out(&exhaustive::ports(&m, &from, &to).map_err(|e| JsValue::from_str(&e.to_string()))?)
}

/// `cidr("10.0.1.0/24")` → range, size, AWS-usable count, reserved addresses.
#[wasm_bindgen(js_name = cidr)]
pub fn cidr_js(text: String) -> Result<JsValue, JsValue> {
    let net: ipnet::IpNet =
        text.trim().parse().map_err(|_| JsValue::from_str(&format!("cidr: {text:?} is not a CIDR block")))?;
    out(&cidr::describe(net))
}

/// `background(request)` → the outcome, both JSON text: what the page's background worker
/// runs (`web/assets/worker.js`, see `background.rs`).
#[wasm_bindgen]
pub fn background(request: String) -> String {
    crate::background::run(&request)
}
