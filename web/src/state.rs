//! The page's state and its transitions: pure, no browser calls, tested natively.
//!
//! Every transition that changes the topology goes through the engine's [`edit`] functions,
//! keeps the previous topology for undo, and re-runs the analyses, so the verdict, the
//! diagnostics and the challenge's goals on screen always match what is drawn.

use std::collections::BTreeSet;
use std::rc::Rc;

use serde_json::Value;

use crate::background::{self, Job, Outcome};
use vpclab_core::challenge::{self, Challenge, Grade};
use vpclab_core::edit::{self, Step, Ty};
use vpclab_core::endpoint::{self, Candidate};
use vpclab_core::examples::{self, Example};
use vpclab_core::exhaustive::{self, Exposed, Matrix, PortsAnswer};
use vpclab_core::layout::{self, Diagram};
use vpclab_core::lint::{self, Finding};
use vpclab_core::model::{self, Model};
use vpclab_core::share::{self, Link, View};
use vpclab_core::trace::{self, Query, Trace};
use vpclab_core::{challenges, Diagnostic, Protocol, Topology};

/// How many topologies undo remembers.
const HISTORY: usize = 200;

/// Everything the page shows, derived from the topology and the query.
#[derive(Debug, Clone)]
pub struct State {
    /// The example the topology came from, while it is one.
    pub example: Option<&'static Example>,
    pub topology: Rc<Topology>,
    pub model: Rc<Model>,
    pub diagnostics: Rc<Vec<Diagnostic>>,
    pub diagram: Rc<Diagram>,
    pub candidates: Rc<Vec<Candidate>>,
    pub query: Query,
    /// One-click questions: the example's, or the challenge's reachability goals.
    pub suggestions: Rc<Vec<(Query, String)>>,
    pub answer: Result<Rc<Trace>, String>,
    /// Every protocol and port that gets from the source to the destination.
    pub ports: Option<Rc<PortsAnswer>>,
    pub lint: Rc<Vec<Finding>>,
    /// The all-pairs matrix for the query's protocol and port, while it is shown.
    pub matrix: Option<Rc<Matrix>>,
    /// What the internet reaches, while it is shown.
    pub exposure: Option<Rc<Vec<Exposed>>>,
    /// Analyses a shown view waits for from the background worker (large networks only):
    /// the app sends them and [`Action::Computed`] brings their outcomes back.
    pub pending: Vec<Job>,
    /// The entity the inspector shows.
    pub selected: Option<String>,
    /// Earlier networks (with their challenges), most recent last, and undone ones.
    pub past: Rc<Vec<Snapshot>>,
    pub future: Rc<Vec<Snapshot>>,
    /// What the last action did or why it was refused.
    pub notices: Vec<Notice>,
    /// The challenge being attempted, with the live grade.
    pub challenge: Option<Rc<Challenge>>,
    pub grade: Option<Rc<Grade>>,
    /// Hints shown so far.
    pub hints: usize,
    /// Simulation: the hop the packet is at, counting the forward path then the return path.
    pub step: Option<usize>,
    /// The challenge panel shows the author's form.
    pub authoring: bool,
    /// Embedded read-only: every edit is refused.
    pub readonly: bool,
    /// Autosaved work set aside when a shared link opened, until restored.
    pub previous_work: Option<Rc<String>>,
    /// Bumped by every transition: the cheap equality the view needs.
    version: u64,
}

impl PartialEq for State {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version
    }
}

/// What undo and redo bring back: the network, and the challenge around it (authoring a
/// challenge is undoable too, and undoing the opening of one leaves it).
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub topology: Rc<Topology>,
    pub challenge: Option<Rc<Challenge>>,
}

/// What an author does to a challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authoring {
    /// Make the network on screen a challenge (its starting topology), and edit it.
    Start,
    /// Show or hide the author's form for the current challenge.
    Toggle,
    Title(String),
    Instructions(String),
    /// One hint per line.
    Hints(String),
    /// The current question must (`true`) or must not get through.
    GoalFromQuery(bool),
    /// What the internet reaches of the selected component stays as it is now.
    GoalExposureOfSelected,
    /// No lint finding of this rule anywhere.
    GoalNoFinding(String),
    /// The selected subnet has room for this many hosts.
    GoalHosts(u32),
    GoalValid,
    RemoveGoal(usize),
    /// Lock or unlock the selected component.
    ToggleLock,
    /// The network on screen becomes the starting topology.
    SetStart,
    /// Drop the challenge: back to a plain network.
    Stop,
}

/// A message for the user, with its tone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub error: bool,
}

impl Notice {
    pub fn info(text: impl Into<String>) -> Notice {
        Notice { text: text.into(), error: false }
    }
    pub fn error(text: impl Into<String>) -> Notice {
        Notice { text: text.into(), error: true }
    }
}

/// Everything the user can do.
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
    /// Open a built-in example by id, with its first suggested query (undoable).
    LoadExample(String),
    /// Open a built-in challenge by id at its starting topology (undoable).
    LoadChallenge(String),
    /// A link pasted into the address of an open page (the fragment changed).
    OpenLink(String),
    /// Start an empty network (undoable).
    New,
    /// Open a whole state: an imported file, a host page's message, restored work.
    Open(Box<Link>, String),
    /// Show or hide the reachability matrix.
    ToggleMatrix,
    /// Show or hide the internet exposure list.
    ToggleExposure,
    Select(Option<String>),
    /// Select a component named by an answer (a blocker): when the network does not list it
    /// (an implicit default), say so instead of opening an empty form.
    OpenComponent(String),
    /// Add a component of this collection near the selection, and select it.
    Add(String),
    /// Put a VPC (with its contents) or the internet box at a diagram position (snapped).
    Place {
        key: String,
        x: f64,
        y: f64,
    },
    /// Forget placed positions: the automatic layout again.
    AutoLayout,
    /// Copy an entity (fresh id and unique values), and select the copy.
    Duplicate(String),
    /// Delete an entity and what cannot exist without it.
    Delete(String),
    /// Set a field from what was typed: parsed by the field's type.
    SetField {
        id: String,
        path: Vec<Step>,
        ty: Ty,
        text: String,
    },
    /// Set a field to a value (checkboxes, selects), or clear it.
    SetValue {
        id: String,
        path: Vec<Step>,
        value: Option<Value>,
    },
    AddRow {
        id: String,
        table: String,
    },
    /// Move an interface to another instance (same AZ only).
    MoveInterface {
        eni: String,
        instance: String,
    },
    Undo,
    Redo,
    ShowHint,
    /// Open the autosaved work that a shared link set aside.
    RestorePrevious,
    DismissNotices,
    /// Add a planned set of subnets to a VPC (CIDR workbench).
    ApplyPlan {
        vpc: String,
        plan: Vec<vpclab_core::planner::Planned>,
    },
    /// Put the simulated packet at a hop (`None`: no simulation).
    Step(Option<usize>),
    /// Turn the network into a challenge, or change the challenge (author mode).
    Author(Authoring),
    /// Say why something the browser side tried (opening a file) did not work.
    Refuse(String),
    /// The background worker's outcome of `job` on `topology` (ignored if the page has
    /// moved on to another topology or no longer shows that view).
    Computed {
        topology: Rc<Topology>,
        job: Job,
        outcome: Box<Outcome>,
    },
}

impl State {
    /// The page as it opens with nothing to restore: the default example.
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
        let mut s = State::build(Rc::new(examples::load(example)), query, None, View::default());
        s.example = Some(example);
        s.suggestions =
            Rc::new(example.queries.iter().map(|q| (suggested(q), q.shows.to_string())).collect());
        s
    }

    /// The state a link holds.
    pub fn from_link(link: Link) -> State {
        let query = link.query.clone().unwrap_or_else(|| default_query(&link.topology));
        let challenge = link.challenge.map(Rc::new);
        let mut s = State::build(Rc::new(link.topology), query, challenge, link.view);
        // A link of an unchanged example keeps the example's blurb and suggestions.
        if let Some(ex) = examples::recognise(&s.topology) {
            s.example = Some(ex);
            s.suggestions = Rc::new(ex.queries.iter().map(|q| (suggested(q), q.shows.to_string())).collect());
        }
        s
    }

    /// What a link of this state holds.
    pub fn to_link(&self) -> Link {
        Link {
            topology: (*self.topology).clone(),
            query: Some(self.query.clone()),
            view: View {
                matrix: self.shows_matrix(),
                exposure: self.shows_exposure(),
                selected: self.selected.clone(),
            },
            challenge: self.challenge.as_deref().cloned(),
        }
    }

    fn build(topology: Rc<Topology>, query: Query, challenge: Option<Rc<Challenge>>, view: View) -> State {
        let (m, diagnostics) = model::build(&topology);
        let mut s = State {
            example: None,
            diagram: Rc::new(layout::layout(&m)),
            candidates: Rc::new(endpoint::candidates(&m)),
            answer: Err(String::new()),
            ports: None,
            lint: Rc::new(lint::lint(&m)),
            matrix: None,
            exposure: None,
            pending: Vec::new(),
            model: Rc::new(m),
            diagnostics: Rc::new(diagnostics),
            suggestions: Rc::new(Vec::new()),
            selected: view.selected.filter(|id| edit::find(&topology, id).is_some()),
            grade: challenge.as_ref().map(|c| Rc::new(challenge::grade(c, &topology))),
            challenge,
            topology,
            query,
            past: Rc::new(Vec::new()),
            future: Rc::new(Vec::new()),
            notices: Vec::new(),
            hints: 0,
            step: None,
            authoring: false,
            readonly: false,
            previous_work: None,
            version: 0,
        };
        s.suggestions = Rc::new(s.challenge_suggestions());
        s.answer_query();
        if view.matrix {
            s.show(Job::Matrix { protocol: s.query.protocol, port: s.query.port });
        }
        if view.exposure {
            s.show(Job::Exposure);
        }
        s
    }

    /// Whether the matrix is shown (or on its way from the worker).
    pub fn shows_matrix(&self) -> bool {
        self.matrix.is_some() || self.pending.iter().any(|j| matches!(j, Job::Matrix { .. }))
    }

    /// Whether the exposure list is shown (or on its way from the worker).
    pub fn shows_exposure(&self) -> bool {
        self.exposure.is_some() || self.pending.contains(&Job::Exposure)
    }

    /// Show a view's analysis: computed here on a small network, asked of the background
    /// worker on a large one (the view says it is computing meanwhile).
    fn show(&mut self, job: Job) {
        self.hide(job);
        if background::is_heavy(&self.model) {
            self.pending.push(job);
        } else {
            self.accept(background::compute(job, &self.model));
        }
    }

    /// Hide the view `job` belongs to, and forget any outcome it waits for.
    fn hide(&mut self, job: Job) {
        let matrix = matches!(job, Job::Matrix { .. });
        self.pending.retain(|p| matches!(p, Job::Matrix { .. }) != matrix);
        if matrix {
            self.matrix = None;
        } else {
            self.exposure = None;
        }
    }

    fn accept(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Matrix(x) => self.matrix = Some(Rc::new(x)),
            Outcome::Exposure(x) => self.exposure = Some(Rc::new(x)),
            Outcome::Failed(e) => self.notices.push(Notice::error(format!("The analysis failed: {e}"))),
        }
    }

    /// The challenge's reachability goals as one-click questions.
    fn challenge_suggestions(&self) -> Vec<(Query, String)> {
        let Some(ch) = &self.challenge else { return Vec::new() };
        ch.goals
            .iter()
            .filter_map(|g| {
                let text = if g.text.is_empty() { challenge::describe(&g.check) } else { g.text.clone() };
                g.check.query().map(|q| (q, text))
            })
            .collect()
    }

    fn answer_query(&mut self) {
        self.answer = trace::reach(&self.model, &self.query).map(Rc::new).map_err(|e| e.to_string());
        self.ports = exhaustive::ports(&self.model, &self.query.from, &self.query.to).ok().map(Rc::new);
    }

    /// The next state after `action`.
    pub fn apply(&self, action: Action) -> State {
        let mut next = self.apply_inner(action);
        next.version = self.version + 1;
        next
    }

    fn apply_inner(&self, action: Action) -> State {
        let mut q = self.query.clone();
        let mut s = State { notices: Vec::new(), ..self.clone() };
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
                let Some(ex) = examples::get(&id) else { return s };
                let mut next = State::example(ex);
                next.notices = vec![Notice::info(format!(
                    "Opened the example “{}”. Undo (Ctrl+Z) brings back what you had.",
                    ex.title
                ))];
                return self.replace_with(next);
            }
            Action::LoadChallenge(id) => {
                let Some(ch) = challenges::get(&id) else { return s };
                // The question on screen is the challenge's first, not a leftover.
                let link = Link {
                    topology: ch.start.clone(),
                    query: ch.goals.iter().find_map(|g| g.check.query()),
                    view: View::default(),
                    challenge: Some(ch),
                };
                let mut next = State::from_link(link);
                next.notices = vec![Notice::info("Challenge opened: meet every goal below. Your progress is saved in this browser and in the link; Undo (Ctrl+Z) brings back what you had.")];
                return self.replace_with(next);
            }
            Action::OpenLink(fragment) => {
                return match share::decode(&fragment) {
                    Ok(link)
                        if link.topology == *self.topology
                            && link.challenge.as_ref() == self.challenge.as_deref() =>
                    {
                        s
                    }
                    Ok(link) => {
                        let mut next = self.replace_with(State::from_link(link));
                        next.previous_work = Some(Rc::new(share::encode(&self.to_link())));
                        next.notices = vec![Notice::info(
                            "You opened a shared link. Your own work is kept: “Restore my work” (or Undo) brings it back.",
                        )];
                        next
                    }
                    Err(e) => State {
                        notices: vec![Notice::error(format!(
                            "This link could not be opened: {e}. Nothing was changed."
                        ))],
                        ..s
                    },
                };
            }
            Action::New => {
                let mut t = Topology::new();
                t.title = "My network".into();
                let link = Link { topology: t, query: None, view: View::default(), challenge: None };
                let mut next = State::from_link(link);
                next.notices =
                    vec![Notice::info("A new, empty network. Add a VPC first (New component → VPC → Add).")];
                return self.replace_with(next);
            }
            Action::Open(link, what) => {
                let mut next = State::from_link(*link);
                next.notices =
                    vec![Notice::info(format!("Opened {what}. Undo (Ctrl+Z) brings back what you had."))];
                return self.replace_with(next);
            }
            Action::RestorePrevious => {
                let Some(prev) = &self.previous_work else { return s };
                return match share::decode(prev) {
                    Ok(link) => {
                        let mut next = self.replace_with(State::from_link(link));
                        next.previous_work = None;
                        next.notices = vec![Notice::info(
                            "Restored your own work. Undo (Ctrl+Z) goes back to the shared link.",
                        )];
                        next
                    }
                    Err(e) => State {
                        notices: vec![Notice::error(format!("Your saved work could not be read: {e}"))],
                        ..s
                    },
                };
            }
            Action::ToggleMatrix => {
                let job = Job::Matrix { protocol: q.protocol, port: q.port };
                if self.shows_matrix() {
                    s.hide(job);
                } else {
                    s.show(job);
                }
                return s;
            }
            Action::ToggleExposure => {
                if self.shows_exposure() {
                    s.hide(Job::Exposure);
                } else {
                    s.show(Job::Exposure);
                }
                return s;
            }
            Action::Computed { topology, job, outcome } => {
                if Rc::ptr_eq(&topology, &self.topology) && self.pending.contains(&job) {
                    s.pending.retain(|p| *p != job);
                    s.accept(*outcome);
                }
                return s;
            }
            Action::Select(id) => {
                s.selected = id;
                return s;
            }
            Action::OpenComponent(id) => {
                if edit::find(&self.topology, &id).is_some() {
                    s.selected = Some(id);
                } else {
                    s.notices = vec![Notice::info(format!(
                        "{id} is built in: this network does not list it, so it has AWS's defaults and no form of its own."
                    ))];
                }
                return s;
            }
            Action::ShowHint => {
                let n = self.challenge.as_ref().map_or(0, |c| c.hints.len());
                s.hints = (self.hints + 1).min(n);
                return s;
            }
            Action::DismissNotices => return s,
            Action::Author(a) => return self.author(a),
            Action::ApplyPlan { vpc, plan } => {
                let n = plan.len();
                let mut next =
                    self.edit(|t| edit::add_subnets(t, &vpc, &plan).map(|t| (t, None, Vec::new())));
                if !next.notices.iter().any(|n| n.error) {
                    let routing = vpclab_core::planner::routing_note(&next.model, &vpc).unwrap_or_default();
                    next.notices = vec![Notice::info(format!(
                        "Added {n} subnet(s) to {vpc}. {routing} Undo (Ctrl+Z) takes them back."
                    ))];
                }
                return next;
            }
            Action::Step(i) => {
                let n = self.answer.as_ref().map_or(0, |t| t.forward.len() + t.back.len());
                s.step = i.filter(|i| *i < n);
                return s;
            }
            Action::Refuse(why) => return State { notices: vec![Notice::error(why)], ..s },
            Action::Undo => return self.travel(true),
            Action::Redo => return self.travel(false),
            Action::Add(key) => {
                let near = self.selected.as_deref();
                return self.edit(|t| edit::add(t, &key, near).map(|(t, id)| (t, Some(id), Vec::new())));
            }
            Action::Place { key, x, y } => {
                return self.edit(|t| edit::place(t, &key, x, y).map(|t| (t, None, Vec::new())));
            }
            Action::AutoLayout => {
                return self.edit(|t| {
                    Ok((edit::auto_layout(t), None, vec!["Back to the automatic layout.".to_string()]))
                });
            }
            Action::Duplicate(id) => {
                let mut next =
                    self.edit(|t| edit::duplicate(t, &id).map(|(t, new)| (t, Some(new), Vec::new())));
                if let (false, Some(new)) = (next.notices.iter().any(|n| n.error), next.selected.clone()) {
                    next.notices = vec![Notice::info(format!("Copied {id} as {new}."))];
                }
                return next;
            }
            Action::Delete(id) => {
                if let Err(e) = self.may_change(&id) {
                    return State { notices: vec![Notice::error(e)], ..s };
                }
                let mut next = self.edit(|t| edit::remove(t, &id).map(|(t, account)| (t, None, account)));
                if !next.notices.iter().any(|n| n.error) {
                    let mut lines =
                        vec![Notice::info(format!("Deleted {id}. Undo (Ctrl+Z) brings it back."))];
                    lines.append(&mut next.notices);
                    next.notices = lines;
                }
                return next;
            }
            Action::SetField { id, path, ty, text } => {
                if let Err(e) = self.may_change(&id) {
                    return State { notices: vec![Notice::error(e)], ..s };
                }
                return match edit::parse_input(ty, &text) {
                    Ok(value) => self
                        .edit(|t| edit::set(t, &id, &path, value).map(|t| (t, Some(id.clone()), Vec::new()))),
                    Err(e) => State { notices: vec![Notice::error(format!("{id}: {e}"))], ..s },
                };
            }
            Action::SetValue { id, path, value } => {
                if let Err(e) = self.may_change(&id) {
                    return State { notices: vec![Notice::error(e)], ..s };
                }
                return self
                    .edit(|t| edit::set(t, &id, &path, value).map(|t| (t, Some(id.clone()), Vec::new())));
            }
            Action::AddRow { id, table } => {
                if let Err(e) = self.may_change(&id) {
                    return State { notices: vec![Notice::error(e)], ..s };
                }
                return self
                    .edit(|t| edit::add_row(t, &id, &table).map(|t| (t, Some(id.clone()), Vec::new())));
            }
            Action::MoveInterface { eni, instance } => {
                if let Err(e) = self.may_change(&eni) {
                    return State { notices: vec![Notice::error(e)], ..s };
                }
                return self.edit(|t| {
                    edit::move_interface(t, &eni, &instance).map(|t| (t, Some(eni.clone()), Vec::new()))
                });
            }
        }
        q.from_ip = None;
        s.query = q;
        s.step = None;
        s.answer_query();
        // A shown matrix follows the query's protocol and port.
        let job = Job::Matrix { protocol: s.query.protocol, port: s.query.port };
        let current = |m: &Matrix| m.protocol == s.query.protocol && m.port == s.query.port;
        if self.shows_matrix() && !s.pending.contains(&job) && !s.matrix.as_deref().is_some_and(current) {
            s.show(job);
        }
        s
    }

    /// Apply an author's change to the challenge and re-grade.
    fn author(&self, a: Authoring) -> State {
        use vpclab_core::challenge::{Check, Goal};
        let mut s = State { notices: Vec::new(), ..self.clone() };
        if self.readonly {
            s.notices = vec![Notice::error("This view is read-only.")];
            return s;
        }
        let mut ch = match (&self.challenge, &a) {
            (_, Authoring::Start) => Challenge {
                id: String::new(),
                title: if self.topology.title.is_empty() {
                    "My challenge".into()
                } else {
                    self.topology.title.clone()
                },
                instructions: "Describe what to achieve.".into(),
                start: (*self.topology).clone(),
                locked: Vec::new(),
                goals: Vec::new(),
                hints: Vec::new(),
            },
            (Some(c), _) => (**c).clone(),
            (None, _) => return s,
        };
        let goal = |check: Check| Goal { text: String::new(), check };
        match a {
            Authoring::Start => {
                s.authoring = true;
                s.notices = vec![Notice::info(
                    "This network is now the challenge's starting point. Add goals below; Copy link shares the challenge.",
                )];
            }
            Authoring::Toggle => {
                s.authoring = !self.authoring;
                return s;
            }
            Authoring::Title(t) => ch.title = t,
            Authoring::Instructions(t) => ch.instructions = t,
            Authoring::Hints(t) => {
                ch.hints = t.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
            }
            Authoring::GoalFromQuery(reachable) => {
                let q = &self.query;
                ch.goals.push(goal(Check::Reach {
                    from: q.from.clone(),
                    to: q.to.clone(),
                    protocol: q.protocol,
                    port: q.port,
                    reachable,
                }));
            }
            Authoring::GoalExposureOfSelected => {
                let Some(id) = &self.selected else {
                    s.notices = vec![Notice::error("Select the component whose exposure the goal is about.")];
                    return s;
                };
                match challenge::exposure_as_now(&self.model, id) {
                    Ok(check) => ch.goals.push(goal(check)),
                    Err(e) => {
                        s.notices = vec![Notice::error(format!("{id}: {e}"))];
                        return s;
                    }
                }
            }
            Authoring::GoalNoFinding(rule) => ch.goals.push(goal(Check::NoFinding { rule, entity: None })),
            Authoring::GoalHosts(hosts) => {
                let subnet =
                    self.selected.clone().filter(|id| self.topology.subnets.iter().any(|x| x.id == *id));
                let Some(subnet) = subnet else {
                    s.notices = vec![Notice::error("Select the subnet the goal is about.")];
                    return s;
                };
                ch.goals.push(goal(Check::Hosts { subnet, hosts }));
            }
            Authoring::GoalValid => ch.goals.push(goal(Check::Valid)),
            Authoring::RemoveGoal(i) => {
                if i < ch.goals.len() {
                    ch.goals.remove(i);
                }
            }
            Authoring::ToggleLock => {
                let Some(id) = self.selected.clone() else {
                    s.notices = vec![Notice::error("Select the component to lock.")];
                    return s;
                };
                match ch.locked.iter().position(|l| *l == id) {
                    Some(i) => {
                        ch.locked.remove(i);
                    }
                    None => ch.locked.push(id),
                }
            }
            Authoring::SetStart => {
                ch.start = (*self.topology).clone();
                s.notices =
                    vec![Notice::info("The network on screen is now the challenge's starting point.")];
            }
            Authoring::Stop => {
                s.challenge = None;
                s.grade = None;
                s.authoring = false;
                s.suggestions = Rc::new(Vec::new());
                s.remember(self);
                return s;
            }
        }
        if self.challenge.as_deref() != Some(&ch) {
            s.grade = Some(Rc::new(challenge::grade(&ch, &self.topology)));
            s.challenge = Some(Rc::new(ch));
            s.suggestions = Rc::new(s.challenge_suggestions());
            s.remember(self);
        }
        s
    }

    /// `before` becomes the step undo goes back to.
    fn remember(&mut self, before: &State) {
        self.past = Rc::new(push(&before.past, before.snapshot()));
        self.future = Rc::new(Vec::new());
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot { topology: self.topology.clone(), challenge: self.challenge.clone() }
    }

    /// Refuse changes to what the page or the challenge locks.
    fn may_change(&self, id: &str) -> Result<(), String> {
        if self.readonly {
            return Err("This view is read-only.".into());
        }
        if !self.authoring && self.challenge.as_ref().is_some_and(|c| c.locked.iter().any(|l| l == id)) {
            return Err(format!("{id} is locked in this challenge: solve it by changing something else."));
        }
        Ok(())
    }

    /// Apply an engine edit: on success, remember the old topology for undo and re-analyse;
    /// on refusal, keep everything and say why.
    fn edit(
        &self,
        f: impl FnOnce(&Topology) -> Result<(Topology, Option<String>, Vec<String>), String>,
    ) -> State {
        if self.readonly {
            return State { notices: vec![Notice::error("This view is read-only.")], ..self.clone() };
        }
        match f(&self.topology) {
            Ok((t, select, account)) => {
                let mut next = self.with_topology(Rc::new(t));
                if select.is_some() {
                    next.selected = select;
                }
                next.notices = account.into_iter().map(Notice::info).collect();
                next
            }
            Err(e) => State { notices: vec![Notice::error(e)], ..self.clone() },
        }
    }

    /// This state with another topology: history kept, analyses redone.
    fn with_topology(&self, t: Rc<Topology>) -> State {
        self.with(t, self.challenge.clone())
    }

    /// This state with another topology and challenge: history kept, analyses redone.
    fn with(&self, t: Rc<Topology>, challenge: Option<Rc<Challenge>>) -> State {
        // A network built from nothing starts with the question internet → internet; once it
        // has an instance, ask about that instead of showing "both ends are on the internet".
        let mut query = self.query.clone();
        if query.from == "internet" && query.to == "internet" {
            if let Some(i) = t.instances.first() {
                query.to = i.id.clone();
            }
        }
        let mut next = State::build(t, query, challenge, self.view());
        // Still the example after a box was moved; not after a real change.
        next.example = self.example.filter(|ex| examples::matches(ex, &next.topology));
        next.remember(self);
        next.hints = self.hints;
        next.authoring = self.authoring && next.challenge.is_some();
        next.readonly = self.readonly;
        next.previous_work = self.previous_work.clone();
        if next.challenge.is_none() {
            // The questions carried over are kept only while this network can still answer
            // them (undo past opening an example takes its questions away).
            let kept = if self.challenge.is_none() { self.suggestions.as_slice() } else { &[] };
            let answerable = kept.iter().filter(|(q, _)| trace::reach(&next.model, q).is_ok());
            next.suggestions = Rc::new(answerable.cloned().collect());
        }
        next
    }

    /// `next` as the page's new whole state, with this one's topology kept for undo.
    fn replace_with(&self, mut next: State) -> State {
        next.past = Rc::new(push(&self.past, self.snapshot()));
        next.readonly = self.readonly;
        next.previous_work = self.previous_work.clone();
        if self.readonly {
            return State { notices: vec![Notice::error("This view is read-only.")], ..self.clone() };
        }
        next
    }

    /// What a link holds besides the topology and challenge: shown views and selection.
    pub fn view(&self) -> View {
        View { matrix: self.shows_matrix(), exposure: self.shows_exposure(), selected: self.selected.clone() }
    }

    /// Undo (`back`) or redo.
    fn travel(&self, back: bool) -> State {
        let (from, to) = if back { (&self.past, &self.future) } else { (&self.future, &self.past) };
        let Some(Snapshot { topology: t, challenge }) = from.last() else {
            let what = if back { "Nothing to undo." } else { "Nothing to redo." };
            return State { notices: vec![Notice::info(what)], ..self.clone() };
        };
        let mut next = self.with(t.clone(), challenge.clone());
        let mut rest = (**from).clone();
        rest.pop();
        let other = push(to, self.snapshot());
        if back {
            next.past = Rc::new(rest);
            next.future = Rc::new(other);
        } else {
            next.future = Rc::new(rest);
            next.past = Rc::new(other);
        }
        next.example = examples::recognise(t);
        if let (Some(ex), None) = (next.example, &next.challenge) {
            next.suggestions =
                Rc::new(ex.queries.iter().map(|q| (suggested(q), q.shows.to_string())).collect());
        }
        // A question about what this topology does not have (undo past opening a file, say)
        // becomes its usual first question.
        if next.answer.is_err() {
            let query = match next.example {
                Some(ex) => ex.queries.first().map(suggested),
                None => Some(default_query(t)),
            };
            if let Some(q) = query {
                next = next.apply_inner(Action::Ask(q));
            }
        }
        next
    }

    /// The simulated packet's hop, and whether it is on the return path.
    pub fn current_hop(&self) -> Option<(&vpclab_core::trace::Hop, bool)> {
        let (t, i) = (self.answer.as_ref().ok()?, self.step?);
        match t.forward.get(i) {
            Some(h) => Some((h, false)),
            None => t.back.get(i - t.forward.len()).map(|h| (h, true)),
        }
    }

    /// Diagram keys on the forward and return paths, and where the path is blocked.
    pub fn highlights(&self) -> (BTreeSet<String>, BTreeSet<String>) {
        let Ok(t) = &self.answer else { return Default::default() };
        let on = t.forward.iter().chain(&t.back).map(|h| h.location.clone()).collect();
        let blocked = t.explanations.iter().map(|e| e.location.clone()).collect();
        (on, blocked)
    }
}

fn push(list: &[Snapshot], t: Snapshot) -> Vec<Snapshot> {
    let skip = (list.len() + 1).saturating_sub(HISTORY);
    list.iter().skip(skip).cloned().chain(std::iter::once(t)).collect()
}

/// A first question for a topology without one: the internet to the first instance.
fn default_query(t: &Topology) -> Query {
    let to = t.instances.first().map_or("internet".to_string(), |i| i.id.clone());
    Query::new("internet", to, Protocol::Tcp, Some(443))
}

/// A suggested query as a full query.
pub fn suggested(s: &examples::Suggested) -> Query {
    Query::new(s.from, s.to, s.protocol.parse().unwrap_or(Protocol::Tcp), s.port)
}

static FALLBACK: Example =
    Example { id: "empty", title: "Empty", blurb: "", json: "{\"format\":1}", queries: &[] };

/// What the browser had when the page opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    /// Storage is blocked (sandboxed iframe, privacy settings): no autosave.
    Blocked,
    Nothing,
    Link(String),
}

/// The state the page opens with: the link in the address if there is one (the fragment
/// is the truth), else the autosaved work, else the default example — never losing the
/// autosaved work to a shared link, and never failing to open.
pub fn boot(fragment: &str, saved: &Saved) -> State {
    let saved_link = match saved {
        Saved::Link(s) => Some(s.as_str()),
        _ => None,
    };
    let mut notices = Vec::new();
    let mut previous = None;
    let fragment = fragment.trim_start_matches('#');
    let mut state = if fragment.is_empty() {
        match saved_link.map(share::decode) {
            Some(Ok(link)) => {
                notices.push(Notice::info("Restored your work from this browser."));
                State::from_link(link)
            }
            Some(Err(e)) => {
                previous = saved_link.map(str::to_string);
                notices.push(Notice::error(format!(
                    "Your autosaved work could not be read ({e}); it is kept aside."
                )));
                State::initial()
            }
            None => State::initial(),
        }
    } else {
        match share::decode(fragment) {
            Ok(link) => {
                let differs = saved_link
                    .and_then(|s| share::decode(s).ok())
                    .is_some_and(|mine| mine.topology != link.topology);
                if differs {
                    previous = saved_link.map(str::to_string);
                    notices.push(Notice::info(
                        "You opened a shared link. Your own autosaved work is kept: “Restore my work” brings it back.",
                    ));
                }
                State::from_link(link)
            }
            Err(e) => match saved_link.map(share::decode) {
                Some(Ok(link)) => {
                    notices.push(Notice::error(format!(
                            "This link could not be opened: {e}. Showing your autosaved work instead; nothing was overwritten."
                        )));
                    State::from_link(link)
                }
                _ => {
                    notices.push(Notice::error(format!(
                        "This link could not be opened: {e}. Showing the default example instead."
                    )));
                    State::initial()
                }
            },
        }
    };
    if *saved == Saved::Blocked {
        notices.push(Notice::info(
            "Autosave is off: this browser does not let the page store data here. Your work lives in the address: use Copy link or Export JSON to keep it.",
        ));
    }
    state.notices = notices;
    state.previous_work = previous.map(Rc::new);
    state
}

impl yew::Reducible for State {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(self.apply(action))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &State) {
        assert!(s.notices.iter().all(|n| !n.error), "{:#?}", s.notices);
    }

    /// Authoring a challenge is undone step by step, and undoing the opening of a built-in
    /// challenge leaves it (the network and the challenge travel together).
    #[test]
    fn undo_covers_challenges() {
        let s = State::initial();
        let started = s.apply(Action::Author(Authoring::Start));
        let goal = started.apply(Action::Author(Authoring::GoalFromQuery(true)));
        let titled = goal.apply(Action::Author(Authoring::Title("Open the web tier".into())));
        assert_eq!(titled.past.len(), 3);
        let shown = titled.apply(Action::Author(Authoring::Toggle));
        assert_eq!(shown.past.len(), 3, "showing the form is no step");

        let back = titled.apply(Action::Undo);
        assert_eq!(
            back.challenge.as_ref().map(|c| (c.title.as_str(), c.goals.len())),
            Some((s.topology.title.as_str(), 1))
        );
        let back = back.apply(Action::Undo).apply(Action::Undo);
        assert!(back.challenge.is_none() && back.grade.is_none() && !back.authoring);
        let again = back.apply(Action::Redo).apply(Action::Redo).apply(Action::Redo);
        assert_eq!(again.challenge, titled.challenge);
        assert!(again.grade.is_some());

        let opened = s.apply(Action::LoadChallenge("nat-egress".into()));
        assert!(opened.challenge.is_some());
        let undone = opened.apply(Action::Undo);
        assert!(undone.challenge.is_none() && undone.grade.is_none());
        assert_eq!(undone.topology, s.topology);
        assert_eq!(undone.suggestions, s.suggestions, "the example's questions again");
        assert_eq!(undone.apply(Action::Redo).challenge, opened.challenge);
    }

    /// Undo past opening another network leaves no question about what is not there.
    #[test]
    fn undo_to_another_network_asks_its_own_question() {
        let s = State::initial();
        let t = examples::load(examples::get("bastion").unwrap_or(&FALLBACK));
        let opened = s.apply(Action::Open(
            Box::new(Link { topology: t, query: None, view: View::default(), challenge: None }),
            "a file".into(),
        ));
        ok(&opened);
        let back = opened.apply(Action::Undo);
        assert!(back.answer.is_ok(), "{:?}", back.answer.as_ref().err());
        assert_eq!(back.query, State::initial().query);

        // From one's own network: its questions do not linger after undo.
        let own = s.apply(Action::New).apply(Action::Add("vpcs".into()));
        let bastion = own.apply(Action::LoadExample("bastion".into()));
        assert!(!bastion.suggestions.is_empty());
        let back = bastion.apply(Action::Undo);
        assert!(back.example.is_none());
        assert!(back.suggestions.iter().all(|(q, _)| trace::reach(&back.model, q).is_ok()));
        assert!(back.suggestions.is_empty(), "{:?}", back.suggestions);
    }

    /// On a large network the matrix and exposure wait for the background worker; its outcome
    /// lands only on the topology it was computed for and only while the view is shown.
    #[test]
    fn large_networks_wait_for_the_worker() {
        let scale = vpclab_core::synth::Scale {
            vpcs: 2,
            subnets_per_vpc: 8,
            instances_per_subnet: 20,
            extra_rules_per_group: 0,
        };
        let link = Link {
            topology: vpclab_core::synth::topology(scale),
            query: None,
            view: View::default(),
            challenge: None,
        };
        let s = State::from_link(link).apply(Action::ToggleMatrix);
        let job = Job::Matrix { protocol: s.query.protocol, port: s.query.port };
        assert_eq!((s.matrix.is_none(), s.pending.clone()), (true, vec![job]));
        assert!(s.shows_matrix() && s.to_link().view.matrix, "shown while computing, and in the link");
        let outcome = background::compute(job, &s.model);
        let computed = |s: &State, t: &Rc<Topology>| {
            s.apply(Action::Computed { topology: t.clone(), job, outcome: Box::new(outcome.clone()) })
        };

        // An answer for a topology the page has left is dropped.
        let stale = Rc::new((*s.topology).clone());
        assert!(computed(&s, &stale).matrix.is_none());
        let done = computed(&s, &s.topology);
        assert!(done.pending.is_empty());
        assert_eq!(done.matrix.as_deref().map(|m| m.endpoints.len()), Some(320));

        // Hidden before the answer came: the answer is dropped.
        let hidden = s.apply(Action::ToggleMatrix);
        assert!(!hidden.shows_matrix() && computed(&hidden, &hidden.topology).matrix.is_none());

        // Another port asks again; exposure too goes to the worker.
        let other = done.apply(Action::SetPort(Some(22)));
        assert_eq!(other.pending, vec![Job::Matrix { protocol: Protocol::Tcp, port: Some(22) }]);
        assert_eq!(other.apply(Action::ToggleExposure).pending.last(), Some(&Job::Exposure));

        // The examples are small: answered at once.
        let small = State::initial().apply(Action::ToggleMatrix).apply(Action::ToggleExposure);
        assert!(small.pending.is_empty() && small.matrix.is_some() && small.exposure.is_some());
    }

    #[test]
    fn editing_a_rule_flips_the_verdict_and_undo_redo_walk_history() {
        let s = State::initial();
        let s = s.apply(Action::Ask(Query::new("internet", "web-1", Protocol::Tcp, Some(443))));
        assert!(matches!(&s.answer, Ok(t) if t.reachable));
        let path = vec![Step::from("inbound"), Step::from(0), Step::from("ports")];
        let s2 = s.apply(Action::SetField { id: "sg-web".into(), path, ty: Ty::Ports, text: "8443".into() });
        ok(&s2);
        assert!(matches!(&s2.answer, Ok(t) if !t.reachable), "closing 443 blocks it");
        let back = s2.apply(Action::Undo);
        assert_eq!(back.topology, s.topology);
        assert!(matches!(&back.answer, Ok(t) if t.reachable));
        let again = back.apply(Action::Redo);
        assert_eq!(again.topology, s2.topology);
        assert_eq!(again.apply(Action::Redo).notices, vec![Notice::info("Nothing to redo.")]);
    }

    #[test]
    fn refused_edits_keep_the_topology_and_say_why() {
        let s = State::initial();
        // The app server's second interface is in us-east-1a; web-2 in us-east-1b.
        let moved = s.apply(Action::MoveInterface { eni: "eni-app1".into(), instance: "i-web2".into() });
        assert_eq!(moved.topology, s.topology);
        assert!(
            moved.notices.iter().any(|n| n.error && n.text.contains("Availability Zone")),
            "{:?}",
            moved.notices
        );
        assert!(moved.past.is_empty(), "a refusal is not a step to undo");
        let bad = s.apply(Action::SetField {
            id: "subnet-web-a".into(),
            path: vec![Step::from("cidr_block")],
            ty: Ty::Cidr,
            text: "10.0.1.9/24".into(),
        });
        assert!(bad.notices.iter().any(|n| n.error && n.text.contains("did you mean 10.0.1.0/24")));
    }

    #[test]
    fn add_selects_the_new_component_and_delete_accounts_for_what_goes() {
        let s = State::initial().apply(Action::Select(Some("subnet-db-a".into())));
        let s = s.apply(Action::Add("instances".into()));
        ok(&s);
        let id = s.selected.clone().unwrap_or_default();
        assert!(id.starts_with("i-") && s.topology.instances.iter().any(|i| i.id == id));
        let d = s.apply(Action::Delete(id.clone()));
        assert!(d.topology.instances.iter().all(|i| i.id != id));
        assert!(d.notices.iter().any(|n| n.text.contains("primary interface")), "{:?}", d.notices);
        assert_eq!(d.apply(Action::Undo).topology, s.topology);
    }

    #[test]
    fn the_simulation_steps_through_both_paths_and_resets_on_a_new_question() {
        let s =
            State::initial().apply(Action::Ask(Query::new("internet", "web-1", Protocol::Tcp, Some(443))));
        let n = s.answer.as_ref().map_or(0, |t| t.forward.len() + t.back.len());
        let f = s.answer.as_ref().map_or(0, |t| t.forward.len());
        assert!(n > 4);
        let first = s.apply(Action::Step(Some(0)));
        assert!(matches!(first.current_hop(), Some((h, false)) if h.location == "internet"));
        let ret = first.apply(Action::Step(Some(f)));
        assert!(matches!(ret.current_hop(), Some((_, true))));
        assert_eq!(ret.apply(Action::Step(Some(n))).step, None, "past the end stops");
        assert_eq!(ret.apply(Action::SetPort(Some(22))).step, None);
    }

    #[test]
    fn loading_an_example_is_undoable() {
        let s = State::initial();
        let other = s.apply(Action::LoadExample("bastion".into()));
        assert_ne!(other.topology, s.topology);
        assert_eq!(other.apply(Action::Undo).topology, s.topology);
    }

    #[test]
    fn a_blocker_opens_its_component_or_says_it_is_built_in() {
        let s = State::initial();
        assert_eq!(s.apply(Action::OpenComponent("sg-db".into())).selected.as_deref(), Some("sg-db"));
        let implicit = s.apply(Action::OpenComponent("vpc-prod-default-sg".into()));
        assert_eq!(implicit.selected, s.selected);
        assert!(implicit.notices.iter().any(|n| !n.error && n.text.contains("is built in")));
    }

    #[test]
    fn moving_a_box_keeps_the_example_and_a_real_edit_leaves_it() {
        let s = State::initial().apply(Action::LoadExample("bastion".into()));
        let ex = s.example.map(|e| e.id);
        assert_eq!(ex, Some("bastion"));
        let moved = s.apply(Action::Place { key: "internet".into(), x: 300.0, y: 30.0 });
        assert_ne!(moved.topology, s.topology);
        assert_eq!(moved.example.map(|e| e.id), ex, "the explanation stays");
        assert_eq!(moved.suggestions, s.suggestions);
        let sg = moved.topology.security_groups.first().map(|g| g.id.clone()).unwrap_or_default();
        let edited = moved.apply(Action::Delete(sg));
        assert_ne!(edited.topology, moved.topology);
        assert_eq!(edited.example.map(|e| e.id), None);
    }

    #[test]
    fn a_challenge_grades_live_and_keeps_locked_parts() {
        let s = State::initial().apply(Action::LoadChallenge("ssh-lockdown".into()));
        let ch = s.challenge.clone().unwrap_or_else(|| unreachable!("no challenge"));
        // It opens on its own first question.
        let first = ch.goals.iter().find_map(|g| g.check.query());
        assert!(first.is_some());
        assert_eq!(Some(&s.query), first.as_ref());
        assert!(s.grade.as_ref().is_some_and(|g| !g.complete()));
        if let Some(locked) = ch.locked.first() {
            let d = s.apply(Action::Delete(locked.clone()));
            assert_eq!(d.topology, s.topology);
            assert!(d.notices.iter().any(|n| n.error && n.text.contains("locked")));
        }
        let h = s.apply(Action::ShowHint).apply(Action::ShowHint);
        assert_eq!(h.hints, 2.min(ch.hints.len()));
        // The link carries the challenge and the attempt.
        let again = State::from_link(
            share::decode(&share::encode(&s.to_link())).unwrap_or_else(|e| unreachable!("{e}")),
        );
        assert_eq!(again.challenge, s.challenge);
        assert_eq!(again.grade, s.grade);
    }

    #[test]
    fn an_author_turns_a_network_into_a_graded_challenge() {
        let s = State::initial().apply(Action::Author(Authoring::Start));
        assert!(s.authoring && s.challenge.is_some());
        let s = s.apply(Action::Ask(Query::new("internet", "web-1", Protocol::Tcp, Some(443))));
        let s = s.apply(Action::Author(Authoring::GoalFromQuery(true)));
        let s = s.apply(Action::Ask(Query::new("internet", "db", Protocol::Tcp, Some(5432))));
        let s = s.apply(Action::Author(Authoring::GoalFromQuery(false)));
        let s = s
            .apply(Action::Select(Some("i-web1".into())))
            .apply(Action::Author(Authoring::GoalExposureOfSelected));
        let s = s.apply(Action::Author(Authoring::ToggleLock));
        let s = s.apply(Action::Author(Authoring::Hints("Look at sg-web.\n\nThen the route table.".into())));
        let ch = s.challenge.clone().unwrap_or_else(|| unreachable!());
        assert_eq!(ch.goals.len(), 3);
        assert_eq!(ch.locked, ["i-web1"]);
        assert_eq!(ch.hints.len(), 2);
        assert!(s.grade.as_ref().is_some_and(|g| g.complete()), "recorded from the network as it is");
        // The learner's side: a locked component cannot change; breaking web-1's rule fails a goal.
        let learner = State::from_link(
            share::decode(&share::encode(&s.to_link())).unwrap_or_else(|e| unreachable!("{e}")),
        );
        assert!(!learner.authoring);
        let refused = learner.apply(Action::Delete("i-web1".into()));
        assert!(refused.notices.iter().any(|n| n.error));
        let path = vec![Step::from("inbound"), Step::from(0), Step::from("ports")];
        let broken =
            learner.apply(Action::SetField { id: "sg-web".into(), path, ty: Ty::Ports, text: "8443".into() });
        assert!(broken.grade.as_ref().is_some_and(|g| !g.complete()));
        assert!(learner.apply(Action::Author(Authoring::Stop)).challenge.is_none());
    }

    #[test]
    fn boot_prefers_the_link_and_never_loses_autosaved_work() {
        let mine = State::initial().apply(Action::Add("vpcs".into()));
        let saved = Saved::Link(share::encode(&mine.to_link()));
        let shared = State::example(examples::get("bastion").unwrap_or(&FALLBACK));
        let link = share::encode(&shared.to_link());

        let opened = boot(&format!("#{link}"), &saved);
        assert_eq!(opened.topology, shared.topology);
        assert!(opened.previous_work.is_some(), "autosaved work is set aside, not lost");
        let restored = opened.apply(Action::RestorePrevious);
        assert_eq!(restored.topology, mine.topology);

        let broken = boot(&format!("#{}", &link[..link.len() / 2]), &saved);
        assert_eq!(broken.topology, mine.topology, "a broken link falls back to the autosaved work");
        assert!(broken.notices.iter().any(|n| n.error && n.text.contains("could not be opened")));

        let fresh = boot("", &Saved::Nothing);
        assert_eq!(fresh.topology, State::initial().topology);
        let blocked = boot("", &Saved::Blocked);
        assert!(blocked.notices.iter().any(|n| n.text.contains("Autosave is off")));
        let reload = boot("", &saved);
        assert_eq!(reload.topology, mine.topology);
    }
}
