//! Golden scenarios: `tests/scenarios/*.json` at the repository root, one topology each,
//! with the diagnostics it must produce, the queries to ask, the verdicts and blockers
//! expected, and the AWS documentation page every expectation follows.
//!
//! A scenario may also list the lint findings it must produce (`lint`, compared as a set of
//! (rule, entity)); they are then rendered after the traces. Likewise `exposure`: every
//! address the internet reaches, compared as a set of (interface, address, open ports).
//!
//! Each scenario also has a `<name>.trace` file: every query's trace rendered as text.
//! It is compared exactly; after an intended change, regenerate with
//! `VPCLAB_BLESS=1 cargo test -p vpclab-core --test scenarios` and review the diff.

use serde::Deserialize;
use std::collections::BTreeSet;
use std::fmt::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use vpclab_core::exhaustive::exposure;
use vpclab_core::lint::lint;
use vpclab_core::trace::{self, Query};
use vpclab_core::{model, Protocol, Topology};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    title: String,
    /// The AWS documentation page the scenario follows.
    doc: String,
    topology: serde_json::Value,
    /// Expected diagnostics, compared as a set of (severity, entity, field). Omitted: none.
    #[serde(default)]
    diagnostics: Vec<ExpectedDiagnostic>,
    #[serde(default)]
    queries: Vec<ScenarioQuery>,
    /// Expected lint findings, compared as a set of (rule, entity). Omitted: not checked.
    #[serde(default)]
    lint: Option<Vec<ExpectedFinding>>,
    /// Expected internet exposure, compared as a set of (interface, address, open).
    /// Omitted: not checked.
    #[serde(default)]
    exposure: Option<Vec<ExpectedExposure>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedExposure {
    interface: String,
    /// The address the internet reaches it at (public IPv4 or IPv6).
    address: String,
    /// What is open, as `Exposed::open_ports` writes it: `tcp 443; icmp`.
    open: String,
    /// Why, in one sentence.
    why: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedFinding {
    rule: String,
    entity: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedDiagnostic {
    severity: String,
    entity: String,
    field: String,
    /// A fragment the message must contain.
    contains: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioQuery {
    from: String,
    to: String,
    #[serde(default = "tcp")]
    protocol: Protocol,
    #[serde(default)]
    port: Option<u16>,
    #[serde(default)]
    from_ip: Option<IpAddr>,
    #[serde(default)]
    src_port: Option<u16>,
    #[serde(default)]
    icmp_type: Option<u8>,
    #[serde(default)]
    icmp_code: Option<u8>,
    /// `reachable`, `blocked` or `error` (the query itself is refused).
    expect: String,
    /// Every blocker expected, compared as a set of (code, component, path).
    #[serde(default)]
    blockers: Vec<ExpectedBlocker>,
    /// For `error`: a fragment of the message.
    #[serde(default)]
    error_contains: Option<String>,
    /// Why, in one sentence, citing the behaviour.
    why: String,
    /// A more specific AWS page for this query, if any.
    #[serde(default)]
    doc: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedBlocker {
    code: String,
    component: String,
    path: String,
}

fn tcp() -> Protocol {
    Protocol::Tcp
}

fn scenario_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios")
}

#[test]
fn golden_scenarios() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(scenario_dir())
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    let bless = std::env::var_os("VPCLAB_BLESS").is_some();
    let mut failures = Vec::new();
    for f in &files {
        if let Err(e) = check(f, bless) {
            failures.push(format!("{}: {e}", f.display()));
        }
    }
    assert!(failures.is_empty(), "{} scenario(s) failed:\n{}", failures.len(), failures.join("\n\n"));
    assert!(files.len() >= 15, "expected at least 15 scenarios, found {}", files.len());
}

fn check(path: &Path, bless: bool) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let s: Scenario = serde_json::from_str(&text).map_err(|e| format!("bad scenario file: {e}"))?;
    if !s.doc.starts_with("https://docs.aws.amazon.com/") {
        return Err(format!("doc must be an AWS documentation URL, not {:?}", s.doc));
    }
    let topo_text = serde_json::to_string(&s.topology).map_err(|e| e.to_string())?;
    let t = Topology::from_json(&topo_text).map_err(|e| format!("topology: {e}"))?;
    let (m, diags) = model::build(&t);
    let mut errors = Vec::new();

    let got: BTreeSet<(String, String, String)> = diags
        .iter()
        .map(|d| (format!("{:?}", d.severity).to_lowercase(), d.entity.clone(), d.field.clone()))
        .collect();
    let want: BTreeSet<(String, String, String)> =
        s.diagnostics.iter().map(|d| (d.severity.clone(), d.entity.clone(), d.field.clone())).collect();
    if got != want {
        let all: Vec<String> = diags.iter().map(ToString::to_string).collect();
        errors.push(format!("diagnostics differ\n  want {want:?}\n  got  {got:?}\n  {}", all.join("\n  ")));
    }
    for d in &s.diagnostics {
        let hit = diags
            .iter()
            .any(|g| g.entity == d.entity && g.field == d.field && g.message.contains(&d.contains));
        if !hit {
            errors.push(format!("no diagnostic on {} {} contains {:?}", d.entity, d.field, d.contains));
        }
    }

    let mut rendered = format!("# {}\n# {}\n", s.title, s.doc);
    for (i, q) in s.queries.iter().enumerate() {
        if q.why.trim().is_empty() {
            errors.push(format!("query {i}: `why` is empty"));
        }
        if let Some(d) = &q.doc {
            if !d.starts_with("https://docs.aws.amazon.com/") {
                errors.push(format!("query {i}: doc must be an AWS documentation URL"));
            }
        }
        let query = Query {
            from: q.from.clone(),
            to: q.to.clone(),
            protocol: q.protocol,
            port: q.port,
            from_ip: q.from_ip,
            src_port: q.src_port,
            icmp_type: q.icmp_type,
            icmp_code: q.icmp_code,
        };
        let name = format!(
            "query {i} ({} → {} {}{})",
            q.from,
            q.to,
            q.protocol,
            q.port.map(|p| format!("/{p}")).unwrap_or_default()
        );
        let _ = writeln!(rendered, "\n## {name}");
        match (trace::reach(&m, &query), q.expect.as_str()) {
            (Err(e), "error") => {
                let _ = writeln!(rendered, "error: {e}");
                if let Some(frag) = &q.error_contains {
                    if !e.to_string().contains(frag.as_str()) {
                        errors.push(format!("{name}: error {e:?} lacks {frag:?}"));
                    }
                }
            }
            (Err(e), want) => errors.push(format!("{name}: expected {want}, got error: {e}")),
            (Ok(t), want) => {
                rendered.push_str(&trace::render(&t));
                let verdict = if t.reachable { "reachable" } else { "blocked" };
                if verdict != want {
                    errors.push(format!("{name}: expected {want}, got {verdict}: {}", t.summary));
                }
                for e in &t.explanations {
                    if trace::codes::meaning(e.code).is_none() {
                        errors.push(format!("{name}: code {} has no meaning in trace::codes", e.code));
                    }
                }
                let got: BTreeSet<(String, String, String)> = t
                    .explanations
                    .iter()
                    .map(|e| {
                        (e.code.to_string(), e.component.clone(), format!("{:?}", e.path).to_lowercase())
                    })
                    .collect();
                let want: BTreeSet<(String, String, String)> = q
                    .blockers
                    .iter()
                    .map(|b| (b.code.clone(), b.component.clone(), b.path.clone()))
                    .collect();
                if got != want {
                    errors.push(format!("{name}: blockers differ\n  want {want:?}\n  got  {got:?}"));
                }
            }
        }
    }

    if let Some(expected) = &s.lint {
        let findings = lint(&m);
        let got: BTreeSet<(String, String)> =
            findings.iter().map(|f| (f.rule.to_string(), f.entity.clone())).collect();
        let want: BTreeSet<(String, String)> =
            expected.iter().map(|f| (f.rule.clone(), f.entity.clone())).collect();
        if got != want {
            let all: Vec<String> = findings.iter().map(ToString::to_string).collect();
            errors.push(format!("lint differs\n  want {want:?}\n  got  {got:?}\n  {}", all.join("\n  ")));
        }
        let _ = writeln!(rendered, "\n## lint");
        for f in &findings {
            let _ = writeln!(rendered, "[{}] {f}\n  {}", f.rule, f.doc);
        }
    }

    if let Some(expected) = &s.exposure {
        check_exposure(&m, expected, &mut rendered, &mut errors);
    }

    let golden = path.with_extension("trace");
    if bless {
        std::fs::write(&golden, &rendered).map_err(|e| e.to_string())?;
    } else {
        match std::fs::read_to_string(&golden) {
            Ok(old) if old == rendered => {}
            Ok(_) => errors.push(format!(
                "rendered traces differ from {} (VPCLAB_BLESS=1 to regenerate, then review the diff)",
                golden.display()
            )),
            Err(_) => errors.push(format!("{} is missing (VPCLAB_BLESS=1 to create it)", golden.display())),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("\n"))
    }
}

/// Compare the model's internet exposure with the expected one and render it.
fn check_exposure(
    m: &model::Model,
    expected: &[ExpectedExposure],
    rendered: &mut String,
    errors: &mut Vec<String>,
) {
    let exposed = exposure(m);
    let got: BTreeSet<(String, String, String)> =
        exposed.iter().map(|e| (e.interface.clone(), e.public_ip.clone(), e.open_ports())).collect();
    let want: BTreeSet<(String, String, String)> =
        expected.iter().map(|e| (e.interface.clone(), e.address.clone(), e.open.clone())).collect();
    if got != want {
        errors.push(format!("exposure differs\n  want {want:?}\n  got  {got:?}"));
    }
    if let Some(e) = expected.iter().find(|e| e.why.trim().is_empty()) {
        errors.push(format!("exposure of {} at {}: `why` is empty", e.interface, e.address));
    }
    let _ = writeln!(rendered, "\n## exposure");
    for e in &exposed {
        let _ = writeln!(rendered, "{} at {}: {}", e.label, e.public_ip, e.open_ports());
        if let Some(t) = &e.example {
            rendered.push_str(&trace::render(t));
        }
    }
}
