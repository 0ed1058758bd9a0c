//! The answer: the verdict, every blocker with its fix, and both paths hop by hop.

use std::rc::Rc;
use yew::prelude::*;

use vpclab_core::exhaustive::PortsAnswer;
use vpclab_core::firewall::Direction;
use vpclab_core::trace::{Action, Hop, PathSide, Trace};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub answer: Result<Rc<Trace>, String>,
    /// Everything that gets through between the same two endpoints.
    pub ports: Option<Rc<PortsAnswer>>,
    /// The simulated packet's hop (forward, then return).
    pub step: Option<usize>,
    /// The network has no instance yet: nothing to ask about, which is no error; what to
    /// add next (`edit::what_to_add_next`).
    #[prop_or_default]
    pub empty: Option<&'static str>,
    pub dispatch: Callback<crate::state::Action>,
}

#[function_component(TraceView)]
pub fn trace_view(p: &Props) -> Html {
    let t = match &p.answer {
        Ok(t) => t,
        Err(_) if p.empty.is_some() => {
            return html! {
                <section class="answer" aria-live="polite">
                    <p class="verdict" role="status">{ p.empty.unwrap_or_default() }</p>
                </section>
            }
        }
        Err(e) => {
            return html! {
                <section class="answer" aria-live="polite">
                    <p class="verdict invalid" role="status">{ format!("Cannot answer: {e}") }</p>
                </section>
            }
        }
    };
    let (class, text) =
        if t.reachable { ("reachable", "✓ Reachable") } else { ("blocked", "✗ Not reachable") };
    html! {
        <section class="answer" aria-live="polite" aria-label="Answer">
            <p class={classes!("verdict", class)} role="status">
                <strong>{ text }</strong>
                <span class="packet">{ t.packet.to_string() }</span>
            </p>
            if let Some(a) = &p.ports {
                <p class="all-ports">{ "Everything that gets through: " }{ ports_words(a) }</p>
            }
            if !t.explanations.is_empty() {
                <h3>{ format!("Blocked by {} component{}", t.explanations.len(), if t.explanations.len() == 1 { "" } else { "s" }) }</h3>
                <ol class="blockers">
                { for t.explanations.iter().map(|e| {
                    let name = if e.label == e.kind.noun() { e.label.clone() } else { format!("{} {}", e.kind, e.label) };
                    let open = (e.component != "internet").then(|| {
                        let (d, id) = (p.dispatch.clone(), e.component.clone());
                        Callback::from(move |_: MouseEvent| d.emit(crate::state::Action::OpenComponent(id.clone())))
                    });
                    html! {
                    <li>
                        <code class="code" title={vpclab_core::trace::codes::meaning(e.code)}>{ e.code }</code>
                        <span class="where">{ format!(" {} · {} path{}", name,
                            match e.path { PathSide::Forward => "forward", PathSide::Return => "return" },
                            dir_words(e.direction)) }</span>
                        <p>{ &e.message }</p>
                        if let Some(f) = &e.fix { <p class="fix">{ format!("Fix: {f}") }</p> }
                        if let Some(m) = vpclab_core::trace::codes::meaning(e.code) {
                            <p class="code-meaning">{ format!("{}: {m}.", e.code) }</p>
                        }
                        if let Some(open) = open {
                            <button type="button" class="linkish" onclick={open}>{ format!("Open {name}") }</button>
                        }
                    </li>
                } }) }
                </ol>
            }
            <Simulation trace={t.clone()} step={p.step} dispatch={p.dispatch.clone()} />
            { path("Forward path", t, false, p.step) }
            { path("Return path", t, true, p.step.and_then(|s| s.checked_sub(t.forward.len()))) }
            if !t.flow_logs.is_empty() {
                <details class="flow-logs">
                    <summary>{ format!("VPC Flow Logs ({} record{})", t.flow_logs.len(), if t.flow_logs.len() == 1 { "" } else { "s" }) }</summary>
                    <p class="hint">{"version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"}</p>
                    <pre>{ t.flow_logs.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n") }</pre>
                </details>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct SimProps {
    trace: Rc<Trace>,
    step: Option<usize>,
    dispatch: Callback<crate::state::Action>,
}

/// Packet Tracer's simulation mode: the packet moves hop by hop along both paths, with the
/// rule that matched and the header before and after each NAT.
#[function_component(Simulation)]
fn simulation(p: &SimProps) -> Html {
    use crate::state::Action as A;
    let n = p.trace.forward.len() + p.trace.back.len();
    let playing = use_state(|| false);
    {
        // While playing, move one hop every 0.8 s; stop at the end.
        let (playing, d, step) = (playing.clone(), p.dispatch.clone(), p.step);
        use_effect_with((*playing, step), move |&(on, step)| {
            let timer = on.then(|| {
                gloo_timers::callback::Timeout::new(800, move || {
                    let next = step.map_or(0, |s| s + 1);
                    if next < n {
                        d.emit(A::Step(Some(next)));
                    } else {
                        playing.set(false);
                    }
                })
            });
            move || drop(timer)
        });
    }
    let go = |to: Option<usize>| {
        let (d, playing) = (p.dispatch.clone(), playing.clone());
        Callback::from(move |_: MouseEvent| {
            playing.set(false);
            d.emit(A::Step(to));
        })
    };
    let play = {
        let (playing, d, step) = (playing.clone(), p.dispatch.clone(), p.step);
        Callback::from(move |_: MouseEvent| {
            if step.is_none() || step == Some(n - 1) {
                d.emit(A::Step(Some(0)));
            }
            playing.set(!*playing);
        })
    };
    let here = p.step.and_then(|i| {
        p.trace
            .forward
            .get(i)
            .map(|h| (h, "forward"))
            .or_else(|| p.trace.back.get(i - p.trace.forward.len()).map(|h| (h, "return")))
    });
    let stopped = here.and_then(|(h, side)| p.trace.why_stopped(h, side == "return"));
    let what_if = p.step.is_some_and(|i| match i.checked_sub(p.trace.forward.len()) {
        Some(r) => p.trace.hypothetical(true, r),
        None => p.trace.hypothetical(false, i),
    });
    html! {
        <div class="simulation" role="group" aria-label="Simulation">
            <button type="button" onclick={go(p.step.and_then(|s| s.checked_sub(1)).or(Some(0)))} disabled={p.step.unwrap_or(0) == 0} aria-label="Step back">{"◀"}</button>
            <button type="button" onclick={play} aria-pressed={(*playing).to_string()}>{ if *playing { "Pause" } else { "Play the packet" } }</button>
            <button type="button" onclick={go(Some(p.step.map_or(0, |s| (s + 1).min(n.saturating_sub(1)))))} disabled={p.step.is_some_and(|s| s + 1 >= n)} aria-label="Step forward">{"▶"}</button>
            if p.step.is_some() { <button type="button" onclick={go(None)}>{"Stop"}</button> }
            if let (Some(i), Some((h, side))) = (p.step, here) {
                <p class="sim-now" aria-live="polite">
                    { format!("Hop {} of {n} ({side}): {} — {}", i + 1, who(h), h.detail) }
                    if what_if { <span class="if-allowed">{" (if the block above were lifted)"}</span> }
                    if let Some(t) = &h.translated { <span class="nat">{ format!("{} ⇒ {}", h.packet, t) }</span> }
                    else { <span class="nat">{ h.packet.to_string() }</span> }
                    if let Some(e) = stopped {
                        <span class="sim-stop">{ format!("Stopped here ({}): {}", e.code, e.message) }</span>
                        if let Some(fix) = &e.fix { <span class="sim-fix">{ format!("Fix: {fix}") }</span> }
                    }
                </p>
            }
        </div>
    }
}

/// "tcp 443, 8080 · udp none · icmp yes".
fn ports_words(a: &PortsAnswer) -> String {
    a.protocols
        .iter()
        .map(|p| {
            let what = if !p.reachable {
                "none".to_string()
            } else if p.protocol.has_ports() {
                p.ports.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
            } else {
                "yes".to_string()
            };
            format!("{} {what}", p.protocol)
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A path; hops after the first block are what would happen were it lifted (the engine
/// walks on to find every blocker), and are marked so.
fn path(title: &str, t: &Trace, back: bool, current: Option<usize>) -> Html {
    let hops = if back { &t.back } else { &t.forward };
    if hops.is_empty() {
        return html! {};
    }
    html! {
        <section class="path-list" aria-label={title.to_string()}>
            <h3>{ title }</h3>
            <ol>
            { for hops.iter().enumerate().map(|(i, h)| {
                let hypothetical = t.hypothetical(back, i);
                let (badge, class) = match h.action {
                    Action::Send => ("send", "send"),
                    Action::Allow => ("allow", "allow"),
                    Action::Deny => ("deny", "deny"),
                    Action::Route => ("route", "route"),
                    Action::Translate => ("NAT", "nat"),
                    Action::Accept => ("accept", "accept"),
                    Action::Drop => ("drop", "deny"),
                };
                let now = current == Some(i);
                html! {
                    <li class={classes!("hop", class, hypothetical.then_some("hypothetical"), now.then_some("current"))}
                        aria-current={now.then_some("step")}>
                        <span class="badge">{ badge }</span>
                        <span class="who">{ who(h) }</span>
                        if hypothetical { <span class="if-allowed">{" (if the block above were lifted)"}</span> }
                        <span class="detail">{ &h.detail }</span>
                        if let Some(t) = &h.translated {
                            <span class="nat">{ format!("{} ⇒ {}", h.packet, t) }</span>
                        }
                    </li>
                }
            }) }
            </ol>
        </section>
    }
}

/// "network ACL db (inbound)"; the internet is just "internet".
fn who(h: &Hop) -> String {
    if h.label == h.kind.noun() {
        h.label.clone()
    } else {
        format!("{} {}{}", h.kind, h.label, dir_words(h.direction))
    }
}

fn dir_words(d: Option<Direction>) -> &'static str {
    match d {
        Some(Direction::Ingress) => " (inbound)",
        Some(Direction::Egress) => " (outbound)",
        None => "",
    }
}
