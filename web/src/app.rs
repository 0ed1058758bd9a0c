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
