//! The question (source, destination, protocol, port) and one-click suggested queries. The
//! suggestions are their own component, placed after the answer so the verdict comes right
//! after the form.

use yew::prelude::*;

use vpclab_core::Protocol;

use crate::state::{Action, State};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: State,
    pub dispatch: Callback<Action>,
}

#[function_component(QueryPanel)]
pub fn query_panel(p: &Props) -> Html {
    let q = &p.state.query;
    let on_from = {
        let d = p.dispatch.clone();
        Callback::from(move |e: Event| d.emit(Action::SetFrom(select_value(&e))))
    };
    let on_to = {
        let d = p.dispatch.clone();
        Callback::from(move |e: Event| d.emit(Action::SetTo(select_value(&e))))
    };
    let on_protocol = {
        let d = p.dispatch.clone();
        Callback::from(move |e: Event| {
            if let Ok(proto) = select_value(&e).parse::<Protocol>() {
                d.emit(Action::SetProtocol(proto));
            }
        })
    };
    let on_port = {
        let d = p.dispatch.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<web_sys::HtmlInputElement>().value();
            d.emit(Action::SetPort(v.trim().parse().ok()));
        })
    };
    let on_icmp = {
        let d = p.dispatch.clone();
        Callback::from(move |e: Event| {
            let v = select_value(&e);
            let m = v.split_once('/').and_then(|(t, c)| Some((t.parse().ok()?, c.parse().ok()?)));
            d.emit(Action::SetIcmp(m));
        })
    };
    let on_swap = {
        let d = p.dispatch.clone();
        Callback::from(move |_| d.emit(Action::Swap))
    };
    let candidates = &p.state.candidates;
    // A side given as an address (a suggestion, a link) is shown as that address, not as
    // whichever entry the select would fall back to.
    let options = |selected: &str| -> Html {
        let known = candidates.iter().any(|c| c.id == selected);
        html! { <>
            if !known { <option value={selected.to_string()} selected=true>{ format!("address {selected}") }</option> }
            { for candidates.iter().map(|c| html! { <option value={c.id.clone()} selected={c.id == selected}>{ &c.label }</option> }) }
        </> }
    };
    // The internet is one host at a time: say which, and let it be changed.
    let address = |side: &'static str, value: &str, set: fn(String) -> Action| -> Html {
        let outside = value == "internet" || value.parse::<std::net::IpAddr>().is_ok();
        if !outside {
            return html! {};
        }
        let d = p.dispatch.clone();
        let onchange = Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<web_sys::HtmlInputElement>().value();
            let v = v.trim();
            d.emit(set(if v.is_empty() { "internet".to_string() } else { v.to_string() }));
        });
        let id = format!("q-{side}-address");
        let shown = if value == "internet" { String::new() } else { value.to_string() };
        let label = if side == "from" { "Source address" } else { "Destination address" };
        html! { <>
            <label for={id.clone()} class="address">{ label }</label>
            <input id={id} type="text" class="address" value={shown} {onchange} spellcheck="false" autocomplete="off"
                placeholder={format!("{} (an internet host)", vpclab_core::endpoint::DEFAULT_INTERNET_HOST)} />
        </> }
    };
    let ports = q.protocol.has_ports();
    html! {
        <section class="query" aria-labelledby="query-title">
            <h2 id="query-title">{"Can it reach?"}</h2>
            <form class="query-form" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <label for="q-from">{"Source"}</label>
                <select id="q-from" name="from" onchange={on_from}>{ options(&q.from) }</select>
                { address("from", &q.from, Action::SetFrom) }
                <button type="button" class="swap" aria-label="Swap source and destination" title="Swap source and destination" onclick={on_swap}>{"⇅"}</button>
                <label for="q-to">{"Destination"}</label>
                <select id="q-to" name="to" onchange={on_to}>{ options(&q.to) }</select>
                { address("to", &q.to, Action::SetTo) }
                <div class="row">
                    <div>
                        <label for="q-protocol">{"Protocol"}</label>
                        <select id="q-protocol" name="protocol" onchange={on_protocol}>
                            { for ["tcp", "udp", "icmp"].iter().map(|v| html! {
                                <option value={*v} selected={q.protocol.to_string() == *v}>{ v.to_ascii_uppercase() }</option>
                            }) }
                        </select>
                    </div>
                    if q.protocol.is_icmp() {
                        <div>
                            <label for="q-icmp">{"ICMP message"}</label>
                            <select id="q-icmp" name="icmp" onchange={on_icmp}>
                                { for ICMP_MESSAGES.iter().map(|(t, c, label)| {
                                    let selected = q.icmp_type.unwrap_or(8) == *t && q.icmp_code.unwrap_or(0) == *c;
                                    html! { <option value={format!("{t}/{c}")} {selected}>{ *label }</option> }
                                }) }
                            </select>
                        </div>
                    } else {
                        <div>
                            <label for="q-port">{"Destination port"}</label>
                            <input id="q-port" name="port" type="number" min="0" max="65535" inputmode="numeric"
                                disabled={!ports}
                                value={if ports { q.port.map(|v| v.to_string()).unwrap_or_default() } else { String::new() }}
                                oninput={on_port} />
                        </div>
                    }
                </div>
            </form>
        </section>
    }
}

/// Questions worth asking of this network (the example's, or the challenge's goals), one
/// click each. A click brings the question back into view when the answer scrolled it away.
#[function_component(Suggestions)]
pub fn suggestions(p: &Props) -> Html {
    if p.state.suggestions.is_empty() {
        return html! {};
    }
    html! {
        <details class="suggested" open=true>
            <summary>{"Try these"}</summary>
            <ul>
            { for p.state.suggestions.iter().map(|(query, shows)| {
                let d = p.dispatch.clone();
                let name = format!("{} → {} {}{}", query.from, query.to, query.protocol,
                    query.port.filter(|_| query.protocol.has_ports()).map(|v| format!("/{v}")).unwrap_or_default());
                let query = query.clone();
                let onclick = Callback::from(move |_| {
                    d.emit(Action::Ask(query.clone()));
                    crate::browser::reveal("section.query");
                });
                html! {
                    <li>
                        <button type="button" class="linkish" {onclick}>{ name }</button>
                        <span class="shows">{ shows.clone() }</span>
                    </li>
                }
            }) }
            </ul>
        </details>
    }
}

/// The ICMP messages the panel offers: type, code, what people call it.
const ICMP_MESSAGES: [(u8, u8, &str); 4] = [
    (8, 0, "echo request (ping)"),
    (13, 0, "timestamp request"),
    (3, 4, "unreachable: fragmentation needed"),
    (11, 0, "time exceeded (traceroute)"),
];

fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<web_sys::HtmlSelectElement>().value()
}
