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
}

#[function_component(TraceView)]
pub fn trace_view(p: &Props) -> Html {
    let t = match &p.answer {
        Ok(t) => t,
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
                { for t.explanations.iter().map(|e| html! {
                    <li>
                        <code class="code">{ e.code }</code>
                        <span class="where">{ format!(" {} {} · {} path{}", e.kind, e.label,
                            match e.path { PathSide::Forward => "forward", PathSide::Return => "return" },
                            dir_words(e.direction)) }</span>
                        <p>{ &e.message }</p>
                        if let Some(f) = &e.fix { <p class="fix">{ format!("Fix: {f}") }</p> }
                    </li>
                }) }
                </ol>
            }
            { path("Forward path", &t.forward, false) }
            { path("Return path", &t.back, t.forward.iter().any(|h| matches!(h.action, Action::Deny | Action::Drop))) }
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
fn path(title: &str, hops: &[Hop], blocked_before: bool) -> Html {
    if hops.is_empty() {
        return html! {};
    }
    let first_block = hops.iter().position(|h| matches!(h.action, Action::Deny | Action::Drop));
    let cut = if blocked_before { Some(0) } else { first_block.map(|i| i + 1) };
    html! {
        <section class="path-list" aria-label={title.to_string()}>
            <h3>{ title }</h3>
            <ol>
            { for hops.iter().enumerate().map(|(i, h)| {
                let hypothetical = cut.is_some_and(|c| i >= c) && !matches!(h.action, Action::Deny | Action::Drop);
                let (badge, class) = match h.action {
                    Action::Send => ("send", "send"),
                    Action::Allow => ("allow", "allow"),
                    Action::Deny => ("deny", "deny"),
                    Action::Route => ("route", "route"),
                    Action::Translate => ("NAT", "nat"),
                    Action::Accept => ("accept", "accept"),
                    Action::Drop => ("drop", "deny"),
                };
                html! {
                    <li class={classes!("hop", class, hypothetical.then_some("hypothetical"))}>
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
