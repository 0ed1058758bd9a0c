//! `vpclab_core::bench::run` for WebAssembly: the same work as the native `vpclab-bench`,
//! timed with the host's `performance.now()`, returned as JSON.
#![forbid(unsafe_code)]

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance)]
    fn now() -> f64;
}

/// Run the benchmarks; the figures as JSON (see `vpclab_core::bench::Figure`).
#[wasm_bindgen]
pub fn run(quick: bool) -> String {
    let clock = || now() * 1000.0;
    serde_json::to_string(&vpclab_core::bench::run(&clock, quick)).unwrap_or_default()
}
