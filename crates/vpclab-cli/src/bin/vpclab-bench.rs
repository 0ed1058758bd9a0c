//! `vpclab-bench`: the engine's benchmark figures, natively. `--quick` for a short run,
//! `--json` for machine-readable output. See BENCHMARKS.md.

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let start = Instant::now();
    let now = move || start.elapsed().as_secs_f64() * 1e6;
    let figures = vpclab_core::bench::run(&now, quick);
    if args.iter().any(|a| a == "--json") {
        println!("{}", serde_json::to_string_pretty(&figures).unwrap_or_default());
    } else {
        print!("{}", vpclab_core::bench::table(&figures));
    }
}
