//! The page's frame: header, diagram, query panel, answer, diagnostics.

use yew::prelude::*;

use crate::diagram::DiagramView;
use crate::query_panel::QueryPanel;
use crate::state::{Action, State};
use crate::trace_view::TraceView;

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(State::initial);
    let dispatch = {
        let state = state.clone();
        Callback::from(move |a: Action| state.dispatch(a))
    };
    let (on_path, blocked) = state.highlights();
    let path: Vec<String> = match &state.answer {
        Ok(t) => t.forward.iter().map(|h| h.location.clone()).collect(),
        Err(_) => Vec::new(),
    };
    let back: Vec<String> = match &state.answer {
        Ok(t) => t.back.iter().map(|h| h.location.clone()).collect(),
        Err(_) => Vec::new(),
    };
    let reachable = matches!(&state.answer, Ok(t) if t.reachable);

    html! {
        <>
        <header class="top">
            <h1><span class="logo" aria-hidden="true">{"◧"}</span>{" vpclab"}</h1>
            <p class="tagline">{"Build an AWS VPC network and see, hop by hop, what can reach what — and why."}</p>
            <ExamplePicker current={state.example.id} dispatch={dispatch.clone()} />
        </header>
        <main class="layout">
            <section class="canvas" aria-labelledby="diagram-title">
                <h2 id="diagram-title">{ &state.topology.title }</h2>
                <p class="blurb">{ state.example.blurb }</p>
                <DiagramView diagram={state.diagram.clone()} {on_path} {blocked} {path} {back} {reachable}
                    from={state.query.from.clone()} to={state.query.to.clone()} />
                <Diagnostics state={state.clone()} />
                <LintList state={state.clone()} />
                <Views state={state.clone()} dispatch={dispatch.clone()} />
            </section>
            <aside class="panel" aria-label="Reachability">
                <QueryPanel state={(*state).clone()} dispatch={dispatch.clone()} />
                <TraceView answer={state.answer.clone()} ports={state.ports.clone()} />
            </aside>
        </main>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct DiagnosticsProps {
    state: UseReducerHandle<State>,
}

#[function_component(Diagnostics)]
fn diagnostics(props: &DiagnosticsProps) -> Html {
    let d = &props.state.diagnostics;
    if d.is_empty() {
        return html! { <p class="diagnostics ok">{"✓ No configuration problems."}</p> };
    }
    html! {
        <section class="diagnostics" aria-label="Configuration problems">
            <h3>{ format!("{} configuration problem(s)", d.len()) }</h3>
            <ul>
            { for d.iter().map(|x| html! {
                <li class={classes!("diag", format!("{:?}", x.severity).to_lowercase())}>{ x.to_string() }</li>
            }) }
            </ul>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct PickerProps {
    current: &'static str,
    dispatch: Callback<Action>,
}

/// The built-in examples, one select away.
#[function_component(ExamplePicker)]
fn example_picker(p: &PickerProps) -> Html {
    let d = p.dispatch.clone();
    let onchange = Callback::from(move |e: Event| {
        let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
        d.emit(Action::LoadExample(v));
    });
    html! {
        <div class="picker">
            <label for="example">{"Example"}</label>
            <select id="example" {onchange}>
            { for vpclab_core::examples::ALL.iter().map(|e| html! {
                <option value={e.id} selected={e.id == p.current}>{ e.title }</option>
            }) }
            </select>
        </div>
    }
}

/// Advice on the configuration: accepted by AWS, but worth a second look.
#[function_component(LintList)]
fn lint_list(props: &DiagnosticsProps) -> Html {
    let l = &props.state.lint;
    if l.is_empty() {
        return html! {};
    }
    html! {
        <section class="lint" aria-label="Advice">
            <h3>{ format!("Advice ({})", l.len()) }</h3>
            <ul>
            { for l.iter().map(|f| html! {
                <li>
                    <strong>{ format!("{} {}", f.kind, f.label) }</strong>{ format!(" — {}", f.message) }
                    <span class="fix">{ format!(" Fix: {}.", f.fix) }</span>
                    <a href={f.doc} target="_blank" rel="noopener">{"AWS docs"}</a>
                </li>
            }) }
            </ul>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ViewsProps {
    state: UseReducerHandle<State>,
    dispatch: Callback<Action>,
}

/// The engine's exhaustive answers: the all-pairs matrix and the internet exposure, each a
/// click away from the trace behind it.
#[function_component(Views)]
fn views(p: &ViewsProps) -> Html {
    let s = &p.state;
    let d = p.dispatch.clone();
    let toggle_matrix = {
        let d = d.clone();
        Callback::from(move |_| d.emit(Action::ToggleMatrix))
    };
    let toggle_exposure = {
        let d = d.clone();
        Callback::from(move |_| d.emit(Action::ToggleExposure))
    };
    let what = match s.query.port {
        Some(port) if s.query.protocol.has_ports() => format!("{} {port}", s.query.protocol),
        _ => s.query.protocol.to_string(),
    };
    let ask = |from: String, to: String, s: &State| {
        let d = d.clone();
        let q = vpclab_core::trace::Query { from, to, ..s.query.clone() };
        Callback::from(move |_| d.emit(Action::Ask(q.clone())))
    };
    html! {
        <section class="views" aria-label="Every pair and the internet">
            <div class="view-buttons">
                <button type="button" aria-pressed={s.matrix.is_some().to_string()} onclick={toggle_matrix}>
                    { format!("Reachability matrix ({what})") }
                </button>
                <button type="button" aria-pressed={s.exposure.is_some().to_string()} onclick={toggle_exposure}>
                    {"Internet exposure"}
                </button>
            </div>
            if let Some(x) = &s.matrix {
                <table class="matrix" aria-label={format!("Reachability matrix for {what}: rows are sources, columns destinations")}>
                    <thead><tr><th scope="col">{"from \\ to"}</th>
                    { for x.endpoints.iter().map(|e| html! { <th scope="col" title={e.label.clone()}>{ short(&e.label) }</th> }) }
                    </tr></thead>
                    <tbody>
                    { for x.endpoints.iter().enumerate().map(|(i, a)| html! {
                        <tr>
                            <th scope="row" title={a.label.clone()}>{ short(&a.label) }</th>
                            { for x.endpoints.iter().enumerate().map(|(j, b)| match x.get(i, j) {
                                None => html! { <td class="self">{"—"}</td> },
                                Some(ans) => {
                                    let label = format!("{} to {}: {}", short(&a.label), short(&b.label), ans.summary);
                                    html! {
                                        <td class={if ans.reachable { "yes" } else { "no" }}>
                                            <button type="button" aria-label={label.clone()} title={label}
                                                onclick={ask(a.id.clone(), b.id.clone(), s)}>
                                                { if ans.reachable { "✓" } else { "·" } }
                                            </button>
                                        </td>
                                    }
                                }
                            }) }
                        </tr>
                    }) }
                    </tbody>
                </table>
            }
            if let Some(x) = &s.exposure {
                if x.is_empty() {
                    <p class="exposure">{"Nothing in this network is reachable from the internet."}</p>
                } else {
                    <ul class="exposure" aria-label="Reachable from the internet">
                    { for x.iter().map(|e| {
                        let ports = e.ports.protocols.iter().filter(|p| p.reachable).map(|p| {
                            if p.protocol.has_ports() {
                                format!("{} {}", p.protocol, p.ports.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))
                            } else {
                                p.protocol.to_string()
                            }
                        }).collect::<Vec<_>>().join("; ");
                        let first = e.ports.protocols.iter().find(|p| p.reachable);
                        let q = vpclab_core::trace::Query::new("internet", e.public_ip.clone(), first.map(|p| p.protocol).unwrap_or(vpclab_core::Protocol::Tcp), first.and_then(|p| p.ports.first().map(|r| r.first())));
                        let d = d.clone();
                        html! {
                            <li>
                                <button type="button" class="linkish" onclick={Callback::from(move |_| d.emit(Action::Ask(q.clone())))}>
                                    { format!("{} at {}", e.label, e.public_ip) }
                                </button>
                                <span class="shows">{ format!(" — {ports}") }</span>
                            </li>
                        }
                    }) }
                    </ul>
                }
            }
        </section>
    }
}

/// "instance web-1 · i-web1 (10.0.1.10)" → "web-1".
fn short(label: &str) -> String {
    let rest = label.split_once(' ').map(|(_, r)| r).unwrap_or(label);
    rest.split([' ', '·']).next().unwrap_or(rest).to_string()
}
