//! The page's state and its transitions: pure, no browser calls.
//!
//! Every transition that changes the topology or the query re-runs the engine, so the
//! verdict on screen always matches what is drawn.

use std::collections::BTreeSet;
use std::rc::Rc;

use vpclab_core::endpoint::{self, Candidate};
use vpclab_core::examples::{self, Example};
use vpclab_core::exhaustive::{self, Exposed, Matrix, PortsAnswer};
use vpclab_core::layout::{self, Diagram};
use vpclab_core::lint::{self, Finding};
use vpclab_core::model::{self, Model};
use vpclab_core::trace::{self, Query, Trace};
use vpclab_core::{Diagnostic, Protocol, Topology};

/// Everything the page shows, derived from the topology and the query.
#[derive(Debug, Clone)]
pub struct State {
    pub example: &'static Example,
    pub topology: Rc<Topology>,
    pub model: Rc<Model>,
    pub diagnostics: Rc<Vec<Diagnostic>>,
    pub diagram: Rc<Diagram>,
    pub candidates: Rc<Vec<Candidate>>,
    pub query: Query,
    pub answer: Result<Rc<Trace>, String>,
    /// Every protocol and port that gets from the source to the destination.
    pub ports: Option<Rc<PortsAnswer>>,
    pub lint: Rc<Vec<Finding>>,
    /// The all-pairs matrix for the query's protocol and port, while it is shown.
    pub matrix: Option<Rc<Matrix>>,
    /// What the internet reaches, while it is shown.
    pub exposure: Option<Rc<Vec<Exposed>>>,
}

impl PartialEq for State {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.topology, &other.topology) && self.query == other.query
    }
}

/// What the user can do in this slice of the page.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    SetFrom(String),
    SetTo(String),
    SetProtocol(Protocol),
    SetPort(Option<u16>),
    /// ICMP type and code; `None` for the default, an echo request.
    SetIcmp(Option<(u8, u8)>),
    Swap,
    Ask(Query),
    /// Open a built-in example by id, with its first suggested query.
    LoadExample(String),
    /// Show or hide the reachability matrix.
    ToggleMatrix,
    /// Show or hide the internet exposure list.
    ToggleExposure,
}

impl State {
    /// The page as it opens: the default example with its first suggested query.
    pub fn initial() -> State {
        State::example(examples::ALL.first().unwrap_or(&FALLBACK))
    }

    /// A built-in example with its first suggested query.
    pub fn example(example: &'static Example) -> State {
        let query = example
            .queries
            .first()
            .map(suggested)
            .unwrap_or_else(|| Query::new("internet", "internet", Protocol::Tcp, Some(443)));
        State::build(example, Rc::new(examples::load(example)), query)
    }

    fn build(example: &'static Example, topology: Rc<Topology>, query: Query) -> State {
        let (m, diagnostics) = model::build(&topology);
        let diagram = layout::layout(&m);
        let candidates = endpoint::candidates(&m);
        let answer = trace::reach(&m, &query).map(Rc::new).map_err(|e| e.to_string());
        let ports = exhaustive::ports(&m, &query.from, &query.to).ok().map(Rc::new);
        let lint = Rc::new(lint::lint(&m));
        State {
            example,
            topology,
            ports,
            lint,
            matrix: None,
            exposure: None,
            model: Rc::new(m),
            diagnostics: Rc::new(diagnostics),
            diagram: Rc::new(diagram),
            candidates: Rc::new(candidates),
            query,
            answer,
        }
    }

    /// The next state after `action`.
    pub fn apply(&self, action: Action) -> State {
        let mut q = self.query.clone();
        match action {
            Action::SetFrom(v) => q.from = v,
            Action::SetTo(v) => q.to = v,
            Action::SetProtocol(p) => {
                q.protocol = p;
                if p.has_ports() && q.port.is_none() {
                    q.port = Some(443);
                }
            }
            Action::SetPort(p) => q.port = p,
            Action::SetIcmp(m) => {
                q.icmp_type = m.map(|(t, _)| t);
                q.icmp_code = m.map(|(_, c)| c);
            }
            Action::Swap => std::mem::swap(&mut q.from, &mut q.to),
            Action::Ask(new) => q = new,
            Action::LoadExample(id) => {
                return examples::get(&id).map(State::example).unwrap_or_else(|| self.clone());
            }
            Action::ToggleMatrix => {
                let matrix = match self.matrix {
                    Some(_) => None,
                    None => exhaustive::matrix(&self.model, q.protocol, q.port).ok().map(Rc::new),
                };
                return State { matrix, ..self.clone() };
            }
            Action::ToggleExposure => {
                let exposure = match self.exposure {
                    Some(_) => None,
                    None => Some(Rc::new(exhaustive::exposure(&self.model))),
                };
                return State { exposure, ..self.clone() };
            }
        }
        q.from_ip = None;
        let answer = trace::reach(&self.model, &q).map(Rc::new).map_err(|e| e.to_string());
        let ports = exhaustive::ports(&self.model, &q.from, &q.to).ok().map(Rc::new);
        // A shown matrix follows the query's protocol and port.
        let matrix = match &self.matrix {
            Some(old) if old.protocol == q.protocol && old.port == q.port => Some(old.clone()),
            Some(_) => exhaustive::matrix(&self.model, q.protocol, q.port).ok().map(Rc::new),
            None => None,
        };
        State { query: q, answer, ports, matrix, ..self.clone() }
    }

    /// Diagram keys on the forward and return paths, and where the path is blocked.
    pub fn highlights(&self) -> (BTreeSet<String>, BTreeSet<String>) {
        let Ok(t) = &self.answer else { return Default::default() };
        let on = t.forward.iter().chain(&t.back).map(|h| h.location.clone()).collect();
        let blocked = t.explanations.iter().map(|e| e.location.clone()).collect();
        (on, blocked)
    }
}

/// A suggested query as a full query.
pub fn suggested(s: &examples::Suggested) -> Query {
    Query::new(s.from, s.to, s.protocol.parse().unwrap_or(Protocol::Tcp), s.port)
}

static FALLBACK: Example =
    Example { id: "empty", title: "Empty", blurb: "", json: "{\"format\":1}", queries: &[] };

impl yew::Reducible for State {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(self.apply(action))
    }
}
