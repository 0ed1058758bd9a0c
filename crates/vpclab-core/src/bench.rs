//! The benchmark suite, shared by the native `vpclab-bench` command and its WebAssembly
//! twin, so both measure exactly the same work. The clock is passed in: the engine has no
//! I/O and no notion of time of its own.

use serde::Serialize;

use crate::exhaustive::{exposure, matrix, ports};
use crate::model;
use crate::packet::Protocol;
use crate::synth::{self, Scale};
use crate::trace::{reach, Query};

/// One measured figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    pub scale: String,
    pub interfaces: usize,
    pub rules: usize,
    pub operation: &'static str,
    /// Median time of one run, in microseconds.
    pub micros: f64,
    pub runs: usize,
}

/// The scales measured: 10, 100, 1,000 and 5,000 interfaces (up to 100 VPCs in a peering
/// chain), and 1,000 interfaces with 10,000 security group rules.
pub fn scales() -> Vec<(&'static str, Scale)> {
    vec![
        ("10", Scale { vpcs: 1, subnets_per_vpc: 2, instances_per_subnet: 5, extra_rules_per_group: 0 }),
        ("100", Scale { vpcs: 2, subnets_per_vpc: 5, instances_per_subnet: 10, extra_rules_per_group: 2 }),
        ("1k", Scale { vpcs: 10, subnets_per_vpc: 10, instances_per_subnet: 10, extra_rules_per_group: 5 }),
        ("5k", Scale { vpcs: 100, subnets_per_vpc: 5, instances_per_subnet: 10, extra_rules_per_group: 2 }),
        (
            "1k+10k rules",
            Scale { vpcs: 10, subnets_per_vpc: 10, instances_per_subnet: 10, extra_rules_per_group: 500 },
        ),
    ]
}

/// Run every benchmark; `now` returns a monotonic time in microseconds.
pub fn run(now: &dyn Fn() -> f64, quick: bool) -> Vec<Figure> {
    let mut out = Vec::new();
    for (name, scale) in scales() {
        let t = synth::topology(scale);
        let (m, _) = model::build(&t);
        let rules: usize = m.security_groups.iter().map(|g| g.inbound.len() + g.outbound.len()).sum();
        let mut push = |operation, micros, runs| {
            out.push(Figure {
                scale: name.to_string(),
                interfaces: scale.interfaces(),
                rules,
                operation,
                micros,
                runs,
            })
        };
        let reps = if quick { 3 } else { 15 };
        // What opening a shared or saved file costs: the JSON decoder, then validation.
        let json = serde_json::to_string(&t).unwrap_or_default();
        push("load JSON", median(now, reps.min(5), || drop(crate::Topology::from_json(&json))), reps.min(5));
        let snapshot = [crate::import::SnapshotFile {
            path: "synthetic.json".into(),
            text: synth::aws_snapshot(&t).to_string(),
        }];
        push(
            "import AWS snapshot",
            median(now, reps.min(5), || drop(crate::import::import(&snapshot))),
            reps.min(5),
        );
        push("build model", median(now, reps.min(5), || drop(model::build(&t))), reps.min(5));
        // Across a peering connection, into a private subnet: the longest common path.
        let (from, to) =
            ("i-0-1-0".to_string(), if scale.vpcs > 1 { "i-1-1-1" } else { "i-0-1-1" }.to_string());
        let q = Query::new(from.clone(), to.clone(), Protocol::Tcp, Some(8080));
        push("reach (one query)", median(now, 200, || drop(reach(&m, &q))), 200);
        push("ports (one pair)", median(now, reps, || drop(ports(&m, &from, &to))), reps);
        if scale.interfaces() <= 1000 {
            let runs = if scale.interfaces() >= 1000 { 1 } else { 3 };
            push(
                "matrix (all pairs, tcp/8080)",
                median(now, runs, || drop(matrix(&m, Protocol::Tcp, Some(8080)))),
                runs,
            );
        }
        if scale.interfaces() <= 1000 || !quick {
            push("exposure", median(now, 1, || drop(exposure(&m))), 1);
        }
    }
    out.extend(editing(now, quick));
    out
}

/// What the page does after each edit, for every built-in example: apply the edit, rebuild
/// the model, lay out the diagram, list the endpoints, answer the question and every port,
/// lint, and write the share link to the address. The budget is one frame (16 ms).
fn editing(now: &dyn Fn() -> f64, quick: bool) -> Vec<Figure> {
    let reps = if quick { 5 } else { 30 };
    let mut out = Vec::new();
    // The examples, then a large imported-size network (the page's worst everyday case).
    let large = Scale { vpcs: 4, subnets_per_vpc: 10, instances_per_subnet: 25, extra_rules_per_group: 0 };
    let cases = crate::examples::ALL
        .iter()
        .map(|ex| {
            let q = ex.queries.first().map_or_else(
                || Query::new("internet", "internet", Protocol::Tcp, Some(443)),
                |s| Query::new(s.from, s.to, s.protocol.parse().unwrap_or(Protocol::Tcp), s.port),
            );
            (ex.id.to_string(), crate::examples::load(ex), q)
        })
        .chain(std::iter::once((
            "1k (4 VPCs)".to_string(),
            synth::topology(large),
            Query::new("i-0-1-0", "i-1-1-1", Protocol::Tcp, Some(8080)),
        )));
    for (name, t, q) in cases {
        let Some(sg) = t.security_groups.first().map(|g| g.id.clone()) else { continue };
        let (m, _) = model::build(&t);
        let rules: usize = m.security_groups.iter().map(|g| g.inbound.len() + g.outbound.len()).sum();
        let micros = median(now, reps, || {
            let Ok(next) =
                crate::edit::set(&t, &sg, &["description".into()], Some(serde_json::json!("edited")))
            else {
                return;
            };
            let (m, _) = model::build(&next);
            drop(crate::layout::layout(&m));
            drop(crate::endpoint::candidates(&m));
            drop(reach(&m, &q));
            drop(ports(&m, &q.from, &q.to));
            drop(crate::lint::lint(&m));
            drop(crate::share::encode_topology(&next));
        });
        out.push(Figure {
            scale: name,
            interfaces: m.interfaces.len(),
            rules,
            operation: "edit + re-analyse (page)",
            micros,
            runs: reps,
        });
    }
    out
}

fn median(now: &dyn Fn() -> f64, runs: usize, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let t0 = now();
            f();
            now() - t0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// The figures as a Markdown table.
pub fn table(figures: &[Figure]) -> String {
    let mut s = String::from(
        "| scale | interfaces | SG rules | operation | median | runs |\n|---|---:|---:|---|---:|---:|\n",
    );
    for f in figures {
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            f.scale,
            f.interfaces,
            f.rules,
            f.operation,
            human(f.micros),
            f.runs
        ));
    }
    s
}

fn human(us: f64) -> String {
    if us < 1_000.0 {
        format!("{us:.1} µs")
    } else if us < 1_000_000.0 {
        format!("{:.2} ms", us / 1_000.0)
    } else {
        format!("{:.2} s", us / 1_000_000.0)
    }
}
