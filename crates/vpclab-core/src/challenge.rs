//! Graded challenges: a starting topology, instructions and goals the engine checks live.
//!
//! A course author writes goals as questions the engine already answers — a flow that must
//! (or must not) get through, what the internet may reach, advice that must be gone, room
//! for hosts in a subnet — so grading is the same analysis the learner sees in the page, and
//! the CLI's `vpclab grade` gives an autograder the same verdicts.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::exhaustive::{self, PortsAnswer};
use crate::model::{self, Model};
use crate::packet::{PortRange, Protocol};
use crate::topology::Topology;
use crate::trace::{self, Query};
use crate::{cidr, lint, Severity};

/// A challenge as authored: travels in a link or a JSON file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Challenge {
    /// A short stable name (`nat-egress`), used to keep progress apart.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    pub title: String,
    /// What to do, for the learner.
    pub instructions: String,
    /// The topology the learner starts from.
    pub start: Topology,
    /// Ids of entities the learner may not change.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locked: Vec<String>,
    pub goals: Vec<Goal>,
    /// Hints, shown one at a time on request.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hints: Vec<String>,
}

/// One goal: a check, with an optional sentence that replaces the generated one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Goal {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    #[serde(flatten)]
    pub check: Check,
}

/// What a goal asks of the topology.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// One flow gets through (both ways, as `reach` answers) — or must not.
    Reach {
        from: String,
        to: String,
        protocol: Protocol,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        port: Option<u16>,
        #[serde(default = "yes", skip_serializing_if = "is_true")]
        reachable: bool,
    },
    /// Something (`reachable: true`) or nothing (`false`) of any protocol and port gets through.
    AnyPort { from: String, to: String, reachable: bool },
    /// The internet reaches `target` on `allowed` (`"tcp/443"`, `"udp/1000-2000"`, `"icmp"`)
    /// and on nothing else; an empty list means not exposed at all.
    Exposure {
        target: String,
        #[serde(default)]
        allowed: Vec<String>,
    },
    /// No lint finding of `rule` (on `entity`, when given).
    NoFinding {
        rule: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        entity: Option<String>,
    },
    /// The subnet (id or Name) has room for `hosts` instances after AWS's 5 reserved addresses.
    Hosts { subnet: String, hosts: u32 },
    /// The topology has no configuration errors.
    Valid,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// The verdict on one goal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GoalResult {
    pub text: String,
    pub passed: bool,
    /// What the engine found, in a sentence: why it passes or fails.
    pub detail: String,
    /// The goal already holds in the challenge's starting topology ("the internet still
    /// cannot reach db"): one to keep true while working, not one to achieve. It counts for
    /// completion, not for progress.
    pub keep: bool,
}

/// The verdict on a whole topology.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grade {
    /// In the challenge's order, goals to achieve and goals to keep mixed.
    pub goals: Vec<GoalResult>,
    /// Locked entities that were changed or removed, one sentence each.
    pub locked_changed: Vec<String>,
}

impl Grade {
    /// The goals the starting topology fails: the work to do.
    pub fn to_achieve(&self) -> impl Iterator<Item = &GoalResult> {
        self.goals.iter().filter(|g| !g.keep)
    }

    /// The goals the starting topology already meets, which must stay met.
    pub fn to_keep(&self) -> impl Iterator<Item = &GoalResult> {
        self.goals.iter().filter(|g| g.keep)
    }

    /// Progress, in percent (rounded down): goals achieved out of those to achieve, so the
    /// starting topology scores 0. A broken goal to keep and a changed locked entity each
    /// count as one more miss, so 100 means [`complete`](Self::complete).
    pub fn percent(&self) -> u32 {
        let broken = self.to_keep().any(|g| !g.passed);
        let total =
            self.to_achieve().count() + usize::from(broken) + usize::from(!self.locked_changed.is_empty());
        if total == 0 {
            return 100;
        }
        let met = self.to_achieve().filter(|g| g.passed).count();
        u32::try_from(met * 100 / total).unwrap_or(100)
    }

    /// Every goal met, those to keep included, and nothing locked changed.
    pub fn complete(&self) -> bool {
        self.locked_changed.is_empty() && self.goals.iter().all(|g| g.passed)
    }
}

impl Challenge {
    /// Decode a challenge file, naming the field of any error.
    pub fn from_json(text: &str) -> Result<Challenge, String> {
        serde_json::from_str(text).map_err(|e| {
            format!("challenge: {}: {e}", crate::json_path::render(&crate::json_path::of_error(text, &e)))
        })
    }
}

/// Grade `t` against the challenge's goals and locks. Which goals are to keep comes from
/// grading the challenge's start the same way (skipped when `t` is the start).
pub fn grade(ch: &Challenge, t: &Topology) -> Grade {
    let now = checks(ch, t);
    let at_start = if *t == ch.start { now.clone() } else { checks(ch, &ch.start) };
    let goals = ch
        .goals
        .iter()
        .zip(now)
        .zip(at_start)
        .map(|((g, (passed, detail)), (held, _))| {
            let text = if g.text.is_empty() { describe(&g.check) } else { g.text.clone() };
            GoalResult { text, passed, detail, keep: held }
        })
        .collect();
    Grade { goals, locked_changed: locked_changed(ch, t) }
}

/// Each goal's verdict on `t`: passed, and why.
fn checks(ch: &Challenge, t: &Topology) -> Vec<(bool, String)> {
    let (m, diagnostics) = model::build(t);
    let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    ch.goals.iter().map(|g| check(&m, t, errors, &g.check)).collect()
}

impl Check {
    /// The question a reachability goal asks, to put to the tracer (and to the learner).
    pub fn query(&self) -> Option<crate::trace::Query> {
        match self {
            Check::Reach { from, to, protocol, port, .. } => {
                Some(crate::trace::Query::new(from.as_str(), to.as_str(), *protocol, *port))
            }
            _ => None,
        }
    }
}

/// The goal as a sentence, when the author gave none.
pub fn describe(c: &Check) -> String {
    match c {
        Check::Reach { from, to, protocol, port, reachable } => {
            let what = flow(*protocol, *port);
            let must = if *reachable { "must" } else { "must not" };
            format!("{from} {must} reach {to} on {what}")
        }
        Check::AnyPort { from, to, reachable: true } => format!("{from} must reach {to} on some port"),
        Check::AnyPort { from, to, reachable: false } => format!("{from} must not reach {to} on any port"),
        Check::Exposure { target, allowed } if allowed.is_empty() => {
            format!("{target} must not be reachable from the internet")
        }
        Check::Exposure { target, allowed } => {
            format!("the internet may reach {target} on {} only", allowed.join(", "))
        }
        Check::NoFinding { rule, entity: Some(e) } => {
            format!("no advice about {} on {e}", crate::lint::title(rule))
        }
        Check::NoFinding { rule, entity: None } => {
            format!("no advice about {} anywhere", crate::lint::title(rule))
        }
        Check::Hosts { subnet, hosts } => format!("subnet {subnet} has room for {hosts} hosts"),
        Check::Valid => "the configuration has no errors".to_string(),
    }
}

fn flow(protocol: Protocol, port: Option<u16>) -> String {
    match port {
        Some(p) if protocol.has_ports() => format!("{protocol}/{p}"),
        _ => protocol.to_string(),
    }
}

fn check(m: &Model, t: &Topology, errors: usize, c: &Check) -> (bool, String) {
    match c {
        Check::Reach { from, to, protocol, port, reachable } => {
            match trace::reach(m, &Query::new(from.as_str(), to.as_str(), *protocol, *port)) {
                Ok(tr) => (tr.reachable == *reachable, tr.summary.clone()),
                Err(e) => (false, e.to_string()),
            }
        }
        Check::AnyPort { from, to, reachable } => match exhaustive::ports(m, from, to) {
            Ok(a) => {
                let open = open_flows(&a);
                let any = !open.is_empty();
                let detail = if any {
                    format!("gets through on {}", open.join(", "))
                } else {
                    "nothing gets through".into()
                };
                (any == *reachable, detail)
            }
            Err(e) => (false, e.to_string()),
        },
        Check::Exposure { target, allowed } => {
            let allowed: Result<Vec<(Protocol, Option<PortRange>)>, String> =
                allowed.iter().map(|s| parse_flow(s)).collect();
            let allowed = match allowed {
                Ok(a) => a,
                Err(e) => return (false, e),
            };
            match exhaustive::ports(m, "internet", target) {
                Ok(a) => {
                    let extra = beyond(&a, &allowed);
                    let open = open_flows(&a);
                    if extra.is_empty() {
                        let detail = if open.is_empty() {
                            "the internet reaches nothing".to_string()
                        } else {
                            format!("the internet reaches {}", open.join(", "))
                        };
                        (true, detail)
                    } else {
                        (false, format!("the internet also reaches {}", extra.join(", ")))
                    }
                }
                Err(e) => (false, e.to_string()),
            }
        }
        Check::NoFinding { rule, entity } => {
            let hits: Vec<String> = lint::lint(m)
                .into_iter()
                .filter(|f| {
                    f.rule == rule.as_str() && entity.as_ref().is_none_or(|e| *e == f.entity || *e == f.label)
                })
                .map(|f| format!("{} {}: {}", f.kind, f.label, f.message))
                .collect();
            match hits.first() {
                None => (true, format!("no advice about {}", crate::lint::title(rule))),
                Some(first) => (false, first.clone()),
            }
        }
        Check::Hosts { subnet, hosts } => {
            let Some(s) = t.subnets.iter().find(|s| s.id == *subnet || s.name.as_deref() == Some(subnet))
            else {
                return (false, format!("there is no subnet {subnet}"));
            };
            let usable = cidr::aws_usable(s.cidr_block);
            (usable >= u128::from(*hosts), format!("{} has {usable} usable addresses", s.cidr_block))
        }
        Check::Valid => match errors {
            0 => (true, "no configuration errors".into()),
            n => (false, format!("{n} configuration error(s)")),
        },
    }
}

/// An exposure goal that keeps what the internet reaches of `target` exactly as it is in `m`:
/// what an author records after opening the right ports.
pub fn exposure_as_now(m: &Model, target: &str) -> Result<Check, String> {
    let a = exhaustive::ports(m, "internet", target).map_err(|e| e.to_string())?;
    let allowed = a
        .protocols
        .iter()
        .filter(|p| p.reachable)
        .flat_map(|p| match p.protocol.has_ports() {
            true => p.ports.iter().map(|r| format!("{}/{r}", p.protocol)).collect::<Vec<_>>(),
            false => vec![p.protocol.to_string()],
        })
        .collect();
    Ok(Check::Exposure { target: target.to_string(), allowed })
}

/// `"tcp/443"`, `"udp/1000-2000"`, `"tcp"` (every port), `"icmp"`.
fn parse_flow(s: &str) -> Result<(Protocol, Option<PortRange>), String> {
    let (p, ports) = match s.split_once('/') {
        Some((p, r)) => (p, Some(r)),
        None => (s, None),
    };
    let protocol: Protocol =
        p.trim().parse().map_err(|_| format!("{s:?} is not a protocol (tcp/443, udp, icmp)"))?;
    let range = match ports {
        Some(r) => {
            Some(r.trim().parse::<PortRange>().map_err(|_| format!("{s:?}: {r:?} is not a port or range"))?)
        }
        None => None,
    };
    Ok((protocol, range))
}

fn open_flows(a: &PortsAnswer) -> Vec<String> {
    a.protocols
        .iter()
        .filter(|p| p.reachable)
        .map(|p| match p.protocol.has_ports() {
            true => format!(
                "{}/{}",
                p.protocol,
                p.ports.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")
            ),
            false => p.protocol.to_string(),
        })
        .collect()
}

/// What reaches beyond the allowed flows, as `tcp/22` strings.
fn beyond(a: &PortsAnswer, allowed: &[(Protocol, Option<PortRange>)]) -> Vec<String> {
    let mut out = Vec::new();
    for p in a.protocols.iter().filter(|p| p.reachable) {
        let mine: Vec<Option<PortRange>> =
            allowed.iter().filter(|(q, _)| *q == p.protocol).map(|(_, r)| *r).collect();
        if !p.protocol.has_ports() {
            if mine.is_empty() {
                out.push(p.protocol.to_string());
            }
            continue;
        }
        for r in &p.ports {
            // The ports of `r` no allowed range covers, as runs: `tcp/0-442`, `tcp/444-65535`.
            let covered = |port: u16| mine.iter().any(|a| a.is_none_or(|a| a.contains(port)));
            let mut run: Option<(u16, u16)> = None;
            for port in r.first()..=r.last() {
                match (covered(port), run) {
                    (false, None) => run = Some((port, port)),
                    (false, Some((a, _))) => run = Some((a, port)),
                    (true, Some((a, b))) => {
                        out.push(range_text(p.protocol, a, b));
                        run = None;
                    }
                    (true, None) => {}
                }
            }
            if let Some((a, b)) = run {
                out.push(range_text(p.protocol, a, b));
            }
        }
    }
    out
}

fn range_text(protocol: Protocol, a: u16, b: u16) -> String {
    match (a, b) {
        (0, u16::MAX) => format!("{protocol} (every port)"),
        _ if a == b => format!("{protocol}/{a}"),
        _ => format!("{protocol}/{a}-{b}"),
    }
}

/// Locked entities the topology changed or dropped.
fn locked_changed(ch: &Challenge, t: &Topology) -> Vec<String> {
    if ch.locked.is_empty() {
        return Vec::new();
    }
    let (before, after) = (ch.start.to_value(), t.to_value());
    ch.locked
        .iter()
        .filter_map(|id| match (entity(&before, id), entity(&after, id)) {
            (Some(a), Some(b)) if a == b => None,
            (Some(_), Some(_)) => Some(format!("{id} is locked and was changed")),
            (Some(_), None) => Some(format!("{id} is locked and was removed")),
            (None, _) => None,
        })
        .collect()
}

/// The JSON object with `"id": id` in any of the topology's lists.
fn entity<'a>(t: &'a Value, id: &str) -> Option<&'a Value> {
    t.as_object()?
        .values()
        .filter_map(Value::as_array)
        .flatten()
        .find(|v| v.get("id").and_then(Value::as_str) == Some(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::examples;

    fn goal(check: Check) -> Goal {
        Goal { text: String::new(), check }
    }

    fn three_tier_challenge(goals: Vec<Goal>, locked: Vec<String>) -> Challenge {
        Challenge {
            id: "t".into(),
            title: "t".into(),
            instructions: "".into(),
            start: examples::three_tier(),
            locked,
            goals,
            hints: vec![],
        }
    }

    #[test]
    fn goals_follow_the_engine() {
        let ch = three_tier_challenge(
            vec![
                goal(Check::Reach {
                    from: "internet".into(),
                    to: "web-1".into(),
                    protocol: Protocol::Tcp,
                    port: Some(443),
                    reachable: true,
                }),
                goal(Check::Reach {
                    from: "internet".into(),
                    to: "web-1".into(),
                    protocol: Protocol::Tcp,
                    port: Some(22),
                    reachable: true,
                }),
                goal(Check::AnyPort { from: "internet".into(), to: "db".into(), reachable: false }),
                goal(Check::Valid),
            ],
            vec![],
        );
        let g = grade(&ch, &ch.start);
        let passed: Vec<bool> = g.goals.iter().map(|r| r.passed).collect();
        assert_eq!(passed, [true, false, true, true], "{g:#?}");
        // Graded on its own start, what passes is to keep and the rest is the work to do.
        let keep: Vec<bool> = g.goals.iter().map(|r| r.keep).collect();
        assert_eq!(keep, passed);
        assert_eq!(g.percent(), 0);
        assert!(!g.complete());
        assert_eq!(g.goals[0].text, "internet must reach web-1 on tcp/443");
    }

    #[test]
    fn exposure_allows_only_the_listed_flows() {
        let only_443 = three_tier_challenge(
            vec![goal(Check::Exposure { target: "web-1".into(), allowed: vec!["tcp/443".into()] })],
            vec![],
        );
        let g = grade(&only_443, &only_443.start);
        let everything = three_tier_challenge(
            vec![goal(Check::Exposure { target: "web-1".into(), allowed: vec![] })],
            vec![],
        );
        let g2 = grade(&everything, &everything.start);
        // web-1 is open on 443 only in the example (see the three-tier scenario), so the
        // first passes and the second, which allows nothing, fails naming what gets in.
        assert!(g.goals[0].passed, "{g:#?}");
        assert!(!g2.goals[0].passed);
        assert!(g2.goals[0].detail.contains("tcp/443"), "{}", g2.goals[0].detail);
    }

    #[test]
    fn an_exposure_goal_recorded_now_passes_now() {
        let t = examples::three_tier();
        let (m, _) = model::build(&t);
        let check = exposure_as_now(&m, "web-1").unwrap_or(Check::Valid);
        assert!(
            matches!(&check, Check::Exposure { allowed, .. } if allowed == &["tcp/443".to_string()]),
            "{check:?}"
        );
        let ch = three_tier_challenge(vec![goal(check)], vec![]);
        assert!(grade(&ch, &t).complete());
    }

    #[test]
    fn hosts_count_aws_reserved_addresses() {
        let mut ch =
            three_tier_challenge(vec![goal(Check::Hosts { subnet: "web-a".into(), hosts: 251 })], vec![]);
        assert!(grade(&ch, &ch.start).goals[0].passed, "a /24 holds 256 - 5 = 251");
        ch.goals = vec![goal(Check::Hosts { subnet: "web-a".into(), hosts: 252 })];
        assert!(!grade(&ch, &ch.start).goals[0].passed);
    }

    #[test]
    fn changing_a_locked_entity_is_reported() {
        let ch = three_tier_challenge(vec![goal(Check::Valid)], vec!["rtb-public".into()]);
        assert!(grade(&ch, &ch.start).complete());
        let mut t = ch.start.clone();
        if let Some(r) = t.route_tables.iter_mut().find(|r| r.id == "rtb-public") {
            r.routes.clear();
        }
        let g = grade(&ch, &t);
        assert_eq!(g.locked_changed, ["rtb-public is locked and was changed"]);
        assert!(!g.complete());
        // The only goal held at the start (to keep): the lock is the one miss.
        assert_eq!(g.percent(), 0);
    }

    #[test]
    fn bad_goal_input_is_named() {
        let e = Challenge::from_json(
            r#"{"title":"x","instructions":"","start":{"format":1},"goals":[{"kind":"reach","from":"a"}]}"#,
        )
        .err()
        .unwrap_or_default();
        assert!(e.contains("goals[0]"), "{e}");
    }
}
