//! `vpclab-bench`: the engine's benchmark figures, natively. `--quick` for a short run,
//! `--json` for machine-readable output, `--topology VPCS SUBNETS INSTANCES` to print a
//! synthetic topology instead (the page benchmark loads one). See BENCHMARKS.md.

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--topology") {
        let n = |k: usize, default: u8| args.get(i + k).and_then(|v| v.parse().ok()).unwrap_or(default);
        let scale = vpclab_core::synth::Scale {
            vpcs: n(1, 2),
            subnets_per_vpc: n(2, 5),
            instances_per_subnet: n(3, 10),
            extra_rules_per_group: 0,
        };
        println!("{}", vpclab_core::synth::topology(scale).to_json_pretty());
        return;
    }
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
