//! The analyses too heavy for the main thread on a large network, and the messages that
//! carry them to a Web Worker and back.
//!
//! The worker (`web/assets/worker.js`) loads this very wasm module and calls
//! [`crate::api::background`], which is [`run`]: one module, so the worker needs no second
//! download and answers exactly as the page would. A request carries the whole topology (a
//! worker shares no memory with the page) as the JSON the page already writes; outcomes
//! travel as a few tab-separated lines written and read here, because serde code for them
//! would add tens of kilobytes to a page that is already heavy (see BENCHMARKS.md).
//!
//! What counts as heavy comes from BENCHMARKS.md: in the page, the matrix of 240 interfaces
//! takes ~40 ms and of 1,000 ~230 ms; exposure with 10,000 security group rules ~400 ms;
//! starting the worker costs ~300 ms once (it compiles the module again). Past
//! [`HEAVY_INTERFACES`] interfaces or [`HEAVY_RULES`] rules a job freezes the page for a
//! noticeable while, so the page hands it to the worker and stays responsive; below, the
//! worker would only add its start-up to the wait.

use vpclab_core::endpoint::Candidate;
use vpclab_core::exhaustive::{self, Answer, Exposed, Matrix, PortsAnswer, ProtocolAnswer};
use vpclab_core::model::{self, Model};
use vpclab_core::{PortRange, Protocol, Topology};

/// More interfaces than this: the matrix and exposure run in the worker.
pub const HEAVY_INTERFACES: usize = 300;
/// More security group rules than this: likewise.
pub const HEAVY_RULES: usize = 2_000;

/// Whether the matrix and exposure of this model belong off the main thread.
pub fn is_heavy(m: &Model) -> bool {
    let rules: usize = m.security_groups.iter().map(|g| g.inbound.len() + g.outbound.len()).sum();
    m.interfaces.len() > HEAVY_INTERFACES || rules > HEAVY_RULES
}

/// An analysis a view shows beside the trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// The all-pairs matrix for one protocol and port.
    Matrix { protocol: Protocol, port: Option<u16> },
    /// What the internet reaches.
    Exposure,
}

/// A job's answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Matrix(Matrix),
    Exposure(Vec<Exposed>),
    /// The job could not be run (a damaged message, a query the engine refuses).
    Failed(String),
}

/// The message that asks the worker for `job` on `topology`: the job on the first line
/// (`matrix tcp 443`, `matrix icmp -`, `exposure`), the topology's JSON after it.
pub fn request(job: Job, topology: &Topology) -> String {
    let job = match job {
        Job::Matrix { protocol, port } => {
            format!("matrix {protocol} {}", port.map_or("-".to_string(), |p| p.to_string()))
        }
        Job::Exposure => "exposure".to_string(),
    };
    format!("{job}\n{}", topology.to_json_pretty())
}

/// Run a request: what the worker does (and the page, when no worker can be started).
pub fn run(request: &str) -> String {
    let (job, json) = request.split_once('\n').unwrap_or((request, ""));
    let words: Vec<&str> = job.split(' ').collect();
    let job = match words.as_slice() {
        ["exposure"] => Some(Job::Exposure),
        ["matrix", protocol, port] => {
            protocol.parse().ok().map(|protocol| Job::Matrix { protocol, port: port.parse().ok() })
        }
        _ => None,
    };
    let outcome = match (job, Topology::from_json(json)) {
        (Some(job), Ok(t)) => compute(job, &model::build(&t).0),
        (None, _) => Outcome::Failed(format!("the request could not be read: {job:?}")),
        (_, Err(e)) => Outcome::Failed(format!("the request could not be read: {e}")),
    };
    write(&outcome)
}

/// Run a job here, now.
pub fn compute(job: Job, m: &Model) -> Outcome {
    match job {
        Job::Matrix { protocol, port } => match exhaustive::matrix(m, protocol, port) {
            Ok(x) => Outcome::Matrix(x),
            Err(e) => Outcome::Failed(e.to_string()),
        },
        Job::Exposure => Outcome::Exposure(exhaustive::exposure(m)),
    }
}

/// An outcome as lines of tab-separated fields, the first naming the kind.
///
/// `matrix PROTOCOL PORT`, then `e ID LABEL` per endpoint, `a REACHABLE SUMMARY` per answer,
/// and one `c` line of cells (`-` on the diagonal). `exposure`, then `x INTERFACE LABEL
/// ADDRESS` per exposed address followed by `p PROTOCOL REACHABLE RANGES…` per protocol.
/// `failed`, then the reason. Exposure's example traces stay behind: the view does not use
/// them, and a trace is one query away.
fn write(outcome: &Outcome) -> String {
    let mut out = String::new();
    let mut line = |fields: &[&str]| {
        let escaped: Vec<String> = fields.iter().map(|f| escape(f)).collect();
        out.push_str(&escaped.join("\t"));
        out.push('\n');
    };
    match outcome {
        Outcome::Matrix(x) => {
            let port = x.port.map_or("-".to_string(), |p| p.to_string());
            line(&["matrix", &x.protocol.to_string(), &port]);
            for e in &x.endpoints {
                line(&["e", &e.id, &e.label]);
            }
            for a in &x.answers {
                line(&["a", if a.reachable { "1" } else { "0" }, &a.summary]);
            }
            line(&["c", &runs(&x.cells)]);
        }
        Outcome::Exposure(list) => {
            line(&["exposure"]);
            for e in list {
                line(&["x", &e.interface, &e.label, &e.public_ip]);
                for p in &e.ports.protocols {
                    let ranges: Vec<String> = p.ports.iter().map(ToString::to_string).collect();
                    let mut fields =
                        vec!["p".to_string(), p.protocol.to_string(), u8::from(p.reachable).to_string()];
                    fields.extend(ranges);
                    line(&fields.iter().map(String::as_str).collect::<Vec<_>>());
                }
            }
        }
        Outcome::Failed(why) => line(&["failed", why]),
    }
    out
}

/// The outcome the worker sent back.
pub fn outcome(text: &str) -> Outcome {
    read(text).unwrap_or_else(|| Outcome::Failed("the answer could not be read".into()))
}

fn read(text: &str) -> Option<Outcome> {
    let mut lines = text.lines().map(|l| l.split('\t').map(unescape).collect::<Vec<String>>());
    let first = lines.next()?;
    match first.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["matrix", protocol, port] => {
            let mut x = Matrix {
                protocol: protocol.parse().ok()?,
                port: port.parse().ok(),
                endpoints: Vec::new(),
                answers: Vec::new(),
                cells: Vec::new(),
            };
            for l in lines {
                match l.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
                    ["e", id, label] => {
                        x.endpoints.push(Candidate { id: id.to_string(), label: label.to_string() })
                    }
                    ["a", r, summary] => {
                        x.answers.push(Answer { reachable: *r == "1", summary: summary.to_string() })
                    }
                    ["c", cells] => x.cells = unrun(cells)?,
                    _ => return None,
                }
            }
            Some(Outcome::Matrix(x))
        }
        ["exposure"] => {
            let mut list: Vec<Exposed> = Vec::new();
            for l in lines {
                match l.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
                    ["x", interface, label, address] => list.push(Exposed {
                        interface: interface.to_string(),
                        label: label.to_string(),
                        public_ip: address.to_string(),
                        ports: PortsAnswer {
                            from: "internet".into(),
                            to: address.to_string(),
                            protocols: Vec::new(),
                        },
                        example: None,
                    }),
                    ["p", protocol, reachable, ranges @ ..] => {
                        let ports =
                            ranges.iter().map(|r| r.parse::<PortRange>().ok()).collect::<Option<Vec<_>>>()?;
                        list.last_mut()?.ports.protocols.push(ProtocolAnswer {
                            protocol: protocol.parse().ok()?,
                            ports,
                            reachable: *reachable == "1",
                        });
                    }
                    _ => return None,
                }
            }
            Some(Outcome::Exposure(list))
        }
        ["failed", why] => Some(Outcome::Failed(why.to_string())),
        _ => None,
    }
}

/// Cells as runs, `ANSWER*COUNT` (`-` for the diagonal): a large matrix has few distinct
/// answers in long runs, and a million cells one by one would cost the page more to read
/// than the worker saved it.
fn runs(cells: &[Option<u32>]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while let Some(c) = cells.get(i) {
        let n = cells[i..].iter().take_while(|x| *x == c).count();
        out.push(format!("{}*{n}", c.map_or("-".to_string(), |c| c.to_string())));
        i += n;
    }
    out.join(" ")
}

fn unrun(text: &str) -> Option<Vec<Option<u32>>> {
    let mut cells = Vec::new();
    for run in text.split(' ').filter(|r| !r.is_empty()) {
        let (c, n) = run.split_once('*')?;
        let c = if c == "-" { None } else { Some(c.parse().ok()?) };
        let n: usize = n.parse().ok()?;
        // A damaged answer must not make the page allocate without bound.
        if cells.len() + n > 1 << 26 {
            return None;
        }
        cells.extend(std::iter::repeat_n(c, n));
    }
    Some(cells)
}

/// Tabs, newlines and backslashes inside a field, written so the lines stay lines.
fn escape(field: &str) -> String {
    field.replace('\\', "\\\\").replace('\t', "\\t").replace('\n', "\\n")
}

fn unescape(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('t') => out.push('\t'),
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            },
            (c, false) => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use vpclab_core::examples;

    /// Through the worker's messages, every example's matrix and exposure are what the page
    /// computes itself (exposure less its example traces, which the view does not use).
    #[test]
    fn the_worker_answers_as_the_page_would() {
        for ex in examples::ALL {
            let t = examples::load(ex);
            let m = model::build(&t).0;
            for job in [Job::Matrix { protocol: Protocol::Tcp, port: Some(443) }, Job::Exposure] {
                let here = match compute(job, &m) {
                    Outcome::Exposure(mut x) => {
                        x.iter_mut().for_each(|e| e.example = None);
                        Outcome::Exposure(x)
                    }
                    other => other,
                };
                assert!(!matches!(here, Outcome::Failed(_)), "{}: {here:?}", ex.id);
                assert_eq!(outcome(&run(&request(job, &t))), here, "{} {job:?}", ex.id);
            }
        }
    }

    #[test]
    fn damaged_messages_fail_with_a_reason() {
        assert!(matches!(outcome(&run("{")), Outcome::Failed(e) if e.contains("request")));
        assert!(matches!(outcome(&run("matrix tcp 443\n{")), Outcome::Failed(e) if e.contains("request")));
        for bad in [
            "",
            "not an answer",
            "matrix tcp 443\nc 0*2 x",
            "matrix tcp 443\nc 0*99999999999",
            "exposure\np tcp 1 80",
            "exposure\nx a b",
        ] {
            assert!(matches!(outcome(bad), Outcome::Failed(e) if e.contains("answer")), "{bad:?}");
        }
    }

    #[test]
    fn fields_keep_tabs_newlines_and_backslashes() {
        for f in ["", "plain", "a\tb", "line\nbreak", "back\\slash\\t", "\\"] {
            assert_eq!(unescape(&escape(f)), f);
            assert!(!escape(f).contains(['\t', '\n']));
        }
    }

    #[test]
    fn large_networks_are_heavy_and_examples_are_not() {
        for ex in examples::ALL {
            assert!(!is_heavy(&model::build(&examples::load(ex)).0), "{}", ex.id);
        }
        let scale = vpclab_core::synth::Scale {
            vpcs: 2,
            subnets_per_vpc: 8,
            instances_per_subnet: 20,
            extra_rules_per_group: 0,
        };
        assert!(scale.interfaces() > HEAVY_INTERFACES);
        let big = vpclab_core::synth::topology(scale);
        assert!(is_heavy(&model::build(&big).0));
    }
}
