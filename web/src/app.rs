//! The page's frame: toolbar, notices, challenge, diagram, components, inspector, query
//! panel and answer. Components render the state and dispatch actions; the browser glue
//! (address, storage, host page) lives in `browser` and runs in effects here.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use vpclab_core::{challenges, edit, share, Topology};

use crate::background::{self, Job};
use crate::browser;
use crate::diagram::DiagramView;
use crate::embed::{self, Embed};
use crate::inspector::Inspector;
use crate::launch::Launch;
use crate::query_panel::{QueryPanel, Suggestions};
use crate::state::{self, Action, Authoring, State};
use crate::trace_view::TraceView;
use crate::workbench::Workbench;

#[function_component(App)]
pub fn app() -> Html {
    let embed = use_memo((), |_| Embed::parse(&browser::search()));
    let state = {
        let embed = embed.clone();
        use_reducer(move || {
            let mut s = state::boot(&browser::fragment(), &browser::saved());
            s.readonly = embed.readonly;
            if let Some(q) = &embed.query {
                s = s.apply(Action::Ask(q.clone()));
            }
            s
        })
    };
    // Stable across renders (the dispatcher never changes), so components whose other props
    // did not change are not re-rendered: on a large network that is most of the page.
    let dispatch = use_callback(state.dispatcher(), |a: Action, d| d.dispatch(a));
    let on_select = use_callback(dispatch.clone(), |k: String, d| d.emit(Action::Select(Some(k))));
    let on_place = use_callback(dispatch.clone(), |(key, x, y): (String, f64, f64), d| {
        d.emit(Action::Place { key, x, y })
    });
    let on_auto_layout = use_callback(dispatch.clone(), |(), d| d.emit(Action::AutoLayout));
    let on_move_interface = use_callback(dispatch.clone(), |(eni, instance): (String, String), d| {
        d.emit(Action::MoveInterface { eni, instance })
    });

    // The state as a link, once per change (a large network takes a while to compress).
    let link = {
        let key = (state.topology.clone(), state.query.clone(), state.view(), state.challenge.clone());
        let state = state.clone();
        use_memo(key, move |_| share::encode(&state.to_link()))
    };
    // Every change: autosave, the address, and the host page hear of it.
    {
        let link = (*link).clone();
        let previous = state.previous_work.clone();
        let reachable = matches!(&state.answer, Ok(t) if t.reachable);
        let grade = state.grade.as_ref().map(|g| (g.percent(), g.complete()));
        use_effect_with(link, move |link| {
            browser::persist(link, previous.as_deref().map(String::as_str));
            browser::tell_host(&serde_json::json!({
                "type": "vpclab:state", "link": format!("#{link}"), "reachable": reachable,
                "percent": grade.map(|g| g.0), "complete": grade.map(|g| g.1),
            }));
        });
    }
    // The frame's height, after every render, when it changed.
    {
        let last = use_mut_ref(|| 0);
        use_effect(move || {
            let h = browser::content_height();
            if *last.borrow() != h {
                *last.borrow_mut() = h;
                browser::tell_host(&serde_json::json!({ "type": "vpclab:height", "height": h }));
            }
        });
    }
    use_effect_with((), {
        let embed = embed.clone();
        move |_| {
            browser::set_theme(&embed.theme);
            browser::tell_host(
                &serde_json::json!({ "type": "vpclab:ready", "version": share::LINK_VERSION }),
            );
        }
    });
    use_host_messages(embed.clone(), dispatch.clone());
    use_hash_changes(dispatch.clone());
    use_background(&state, dispatch.clone());
    use_shortcuts(state.clone(), dispatch.clone());

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
    let locked = state.readonly
        || state
            .selected
            .as_ref()
            .is_some_and(|id| state.challenge.as_ref().is_some_and(|c| c.locked.contains(id)));
    let open_full = format!("{}#{}", browser::page_url(), link);

    html! {
        <>
        if embed.embedded {
            <header class="top embedded">
                <strong>{ &state.topology.title }</strong>
                <a href={open_full} target="_blank" rel="noopener">{"Open in vpclab ↗"}</a>
            </header>
        } else {
            <header class="top">
                <h1><span class="logo" aria-hidden="true">{"◧"}</span>{" vpclab"}</h1>
                <p class="tagline">{"Build an AWS VPC network and see, hop by hop, what can reach what — and why."}</p>
                <Toolbar state={(*state).clone()} dispatch={dispatch.clone()} />
            </header>
        }
        <Notices state={(*state).clone()} dispatch={dispatch.clone()} />
        <main class="layout">
            <section class="canvas" aria-labelledby="diagram-title">
                // Embedded pages show a challenge they carry, not the author's entry point.
                if embed.shows("challenge") && (state.challenge.is_some() || !embed.embedded) {
                    <ChallengePanel state={(*state).clone()} dispatch={dispatch.clone()} />
                }
                <h2 id="diagram-title">{ if state.topology.title.is_empty() { "Untitled network" } else { &state.topology.title } }</h2>
                if let Some(ex) = state.example { <p class="blurb">{ ex.blurb }</p> }
                if embed.shows("diagram") {
                    <DiagramView diagram={state.diagram.clone()} {on_path} {blocked} {path} {back} {reachable}
                        from={state.query.from.clone()} to={state.query.to.clone()}
                        selected={state.selected.clone()} {on_select}
                        on_place={(!state.readonly).then_some(on_place)}
                        on_move_interface={(!state.readonly).then_some(on_move_interface)}
                        on_auto_layout={(!state.readonly && !state.topology.layout.is_empty()).then_some(on_auto_layout)}
                        problems={state.diagnostics.iter().filter(|x| x.severity == vpclab_core::Severity::Error).map(|x| x.entity.clone()).collect::<std::collections::BTreeSet<_>>()}
                        packet={state.current_hop().and_then(|(h, back)| vpclab_core::layout::point_of(&state.diagram, &h.location).map(|p| (p, back)))} />
                }
            </section>
            <aside class="panel" aria-label="Inspector and reachability">
                if let Some(id) = state.selected.clone().filter(|_| embed.shows("inspector")) {
                    // The verdict stays in sight while the form above it is edited (the full
                    // answer, announced to screen readers, is below).
                    if embed.shows("trace") {
                        <p class={classes!("verdict-badge", match &state.answer { Ok(_) if reachable => "reachable", Ok(_) => "blocked", Err(_) => "unanswered" })} aria-hidden="true">
                            { match &state.answer {
                                Ok(t) => format!("{} {} → {}: {}", if t.reachable { "✓" } else { "✗" }, state.query.from, state.query.to,
                                    if t.reachable { "reachable" } else { "not reachable" }),
                                Err(_) => "No answer to the question below".to_string(),
                            } }
                        </p>
                    }
                    <Inspector topology={state.topology.clone()} endpoint={state.candidates.iter().any(|c| c.id == id)}
                        {id} diagnostics={state.diagnostics.clone()} {locked} dispatch={dispatch.clone()} />
                }
                if embed.shows("query") {
                    <QueryPanel state={(*state).clone()} dispatch={dispatch.clone()} />
                }
                if embed.shows("trace") {
                    <TraceView answer={state.answer.clone()} ports={state.ports.clone()} step={state.step} empty={vpclab_core::edit::what_to_add_next(&state.topology)} dispatch={dispatch.clone()} />
                }
                // After the answer, so the verdict comes right after the question.
                if embed.shows("query") {
                    <Suggestions state={(*state).clone()} dispatch={dispatch.clone()} />
                }
            </aside>
            // After the question and its answer on a narrow screen; beside them, under the
            // diagram, on a wide one.
            <section class="more" aria-label="Components, problems and tools">
                if embed.shows("components") {
                    <Components topology={state.topology.clone()} diagnostics={state.diagnostics.clone()}
                        selected={state.selected.clone()} readonly={state.readonly} dispatch={dispatch.clone()} />
                }
                if embed.shows("problems") {
                    <Diagnostics state={state.clone()} dispatch={dispatch.clone()} />
                    <LintList state={state.clone()} dispatch={dispatch.clone()} />
                }
                if embed.shows("views") {
                    <Views state={state.clone()} dispatch={dispatch.clone()} />
                }
                if embed.shows("workbench") {
                    <Workbench topology={state.topology.clone()} dispatch={dispatch.clone()} />
                    <Launch />
                }
            </section>
        </main>
        </>
    }
}

/// Obey `load` messages from the host page (validated, origin-checked); ignore the rest.
#[hook]
fn use_host_messages(embed: Rc<Embed>, dispatch: Callback<Action>) {
    use_effect_with((), move |_| {
        let listening = browser::listen_window("message", move |e: web_sys::Event| {
            let Some(e) = e.dyn_ref::<web_sys::MessageEvent>() else { return };
            if !embed.trusts(&e.origin()) {
                return;
            }
            let Ok(text) = js_sys::JSON::stringify(&e.data()) else { return };
            let Some(text) = text.as_string() else { return };
            if let Some(action) = host_message(&text) {
                dispatch.emit(action);
            }
        });
        move || drop(listening)
    });
}

/// A link pasted into the address bar of the open page changes only the fragment: open it.
/// The page's own `replaceState` fires no `hashchange`, so only outside changes arrive here.
#[hook]
fn use_hash_changes(dispatch: Callback<Action>) {
    use_effect_with((), move |_| {
        let listening = browser::listen_window("hashchange", move |_| {
            dispatch.emit(Action::OpenLink(browser::fragment()));
        });
        move || drop(listening)
    });
}

/// Hands the state's pending analyses to the background worker, each once per topology, and
/// dispatches their outcomes. Where no worker starts, or it fails, they run here instead:
/// slower, never lost.
#[hook]
fn use_background(state: &State, dispatch: Callback<Action>) {
    #[derive(Default)]
    struct Jobs {
        worker: Option<browser::Worker>,
        started: bool,
        /// Its script failed to load: it will never answer.
        broken: bool,
        next: u32,
        sent: Vec<(u32, Rc<Topology>, Job)>,
    }
    /// Run a job on the main thread and hand in its outcome.
    fn here(dispatch: &Callback<Action>, topology: Rc<Topology>, job: Job) {
        let outcome = Box::new(background::compute(job, &vpclab_core::model::build(&topology).0));
        dispatch.emit(Action::Computed { topology, job, outcome });
    }
    let jobs = use_mut_ref(Jobs::default);
    let topology = state.topology.clone();
    let key = (state.pending.clone(), Rc::as_ptr(&topology) as usize);
    use_effect_with(key, move |(pending, _)| {
        for &job in pending {
            let mut j = jobs.borrow_mut();
            if j.sent.iter().any(|(_, t, x)| Rc::ptr_eq(t, &topology) && *x == job) {
                continue;
            }
            if !j.started {
                j.started = true;
                let (on_answer, on_broken) =
                    ((jobs.clone(), dispatch.clone()), (jobs.clone(), dispatch.clone()));
                j.worker = browser::Worker::start(
                    move |id, answer| {
                        let (jobs, dispatch) = &on_answer;
                        let mut j = jobs.borrow_mut();
                        let Some(at) = j.sent.iter().position(|(i, ..)| *i == id) else { return };
                        let (_, topology, job) = j.sent.remove(at);
                        drop(j);
                        match answer {
                            Ok(text) => dispatch.emit(Action::Computed {
                                topology,
                                job,
                                outcome: Box::new(background::outcome(&text)),
                            }),
                            Err(_) => here(dispatch, topology, job),
                        }
                    },
                    move || {
                        let (jobs, dispatch) = &on_broken;
                        let mut j = jobs.borrow_mut();
                        j.broken = true;
                        let lost = std::mem::take(&mut j.sent);
                        drop(j);
                        for (_, topology, job) in lost {
                            here(dispatch, topology, job);
                        }
                    },
                );
            }
            let id = j.next;
            j.next += 1;
            if !j.broken
                && j.worker.as_ref().is_some_and(|w| w.send(id, &background::request(job, &topology)))
            {
                j.sent.push((id, topology.clone(), job));
            } else {
                drop(j);
                here(&dispatch, topology.clone(), job);
            }
        }
    });
}

/// A host page's message as an action: `{type: "vpclab:load", topology | link | challenge}`.
/// Anything else, or anything malformed, is `None`.
pub fn host_message(text: &str) -> Option<Action> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    if v.get("type")?.as_str()? != "vpclab:load" {
        return None;
    }
    if let Some(link) = v.get("link").and_then(|l| l.as_str()) {
        return share::decode(link).ok().map(|l| Action::Open(Box::new(l), "the host page's link".into()));
    }
    if let Some(ch) = v.get("challenge") {
        let ch = match ch.as_str() {
            Some(id) => challenges::get(id)?,
            None => vpclab_core::challenge::Challenge::from_json(&ch.to_string()).ok()?,
        };
        let link = share::Link {
            topology: ch.start.clone(),
            query: None,
            view: Default::default(),
            challenge: Some(ch),
        };
        return Some(Action::Open(Box::new(link), "the host page's challenge".into()));
    }
    let t = vpclab_core::Topology::from_json(&v.get("topology")?.to_string()).ok()?;
    let link = share::Link { topology: t, query: None, view: Default::default(), challenge: None };
    Some(Action::Open(Box::new(link), "the host page's topology".into()))
}

/// Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y, Ctrl+D (duplicate), Delete, Escape — outside text fields.
#[hook]
fn use_shortcuts(state: UseReducerHandle<State>, dispatch: Callback<Action>) {
    let selected = use_mut_ref(|| None::<String>);
    *selected.borrow_mut() = state.selected.clone();
    use_effect_with((), move |_| {
        let listening = browser::listen_document("keydown", move |e: web_sys::Event| {
            let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else { return };
            let typing = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
            let ctrl = e.ctrl_key() || e.meta_key();
            let key = e.key();
            let action = match key.as_str() {
                "z" | "Z" if ctrl && e.shift_key() => Some(Action::Redo),
                "z" | "Z" if ctrl => Some(Action::Undo),
                "y" | "Y" if ctrl => Some(Action::Redo),
                "d" | "D" if ctrl && !typing => selected.borrow().clone().map(Action::Duplicate),
                "Delete" | "Backspace" if !typing => selected.borrow().clone().map(Action::Delete),
                "Escape" => Some(Action::Select(None)),
                _ => None,
            };
            // Undo in a text field undoes the typing, as everywhere else.
            if let Some(a) = action.filter(|_| !typing || key == "Escape") {
                e.prevent_default();
                dispatch.emit(a);
            }
        });
        move || drop(listening)
    });
}

#[derive(Properties, PartialEq)]
struct Props {
    state: State,
    dispatch: Callback<Action>,
}

/// Examples, challenges, undo/redo, sharing and files.
#[function_component(Toolbar)]
fn toolbar(p: &Props) -> Html {
    let s = &p.state;
    let d = &p.dispatch;
    let emit = |a: Action| {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.emit(a.clone()))
    };
    let on_example = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            d.emit(Action::LoadExample(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value()))
        })
    };
    let on_challenge = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
            if !v.is_empty() {
                d.emit(Action::LoadChallenge(v));
            }
        })
    };
    let dialog = use_state(|| None::<&'static str>);
    let toggle = |which: &'static str| {
        let dialog = dialog.clone();
        Callback::from(move |_: MouseEvent| {
            dialog.set(if *dialog == Some(which) { None } else { Some(which) })
        })
    };
    let export = {
        let t = s.topology.clone();
        Callback::from(move |_: MouseEvent| {
            let name = if t.title.is_empty() { "vpclab-topology".to_string() } else { slug(&t.title) };
            browser::download(&format!("{name}.json"), "application/json", &t.to_json_pretty());
        })
    };
    let import = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<web_sys::HtmlInputElement>();
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            let name = file.name();
            let d = d.clone();
            input.set_value("");
            wasm_bindgen_futures::spawn_local(async move {
                let text = wasm_bindgen_futures::JsFuture::from(file.text())
                    .await
                    .ok()
                    .and_then(|v| v.as_string())
                    .unwrap_or_default();
                d.emit(match vpclab_core::Topology::from_json(&text) {
                    Ok(t) => Action::Open(
                        Box::new(share::Link {
                            topology: t,
                            query: None,
                            view: Default::default(),
                            challenge: None,
                        }),
                        name,
                    ),
                    Err(e) => Action::Refuse(format!("{name} could not be opened: {e}")),
                });
            });
        })
    };
    let current_challenge = s.challenge.as_ref().map(|c| c.id.clone()).unwrap_or_default();
    let theme = use_state(|| "auto".to_string());
    // Parsing the built-in challenges once, not on every render of the toolbar.
    let challenge_titles = use_memo((), |_| challenges::titles());
    let on_theme = {
        let theme = theme.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
            browser::set_theme(&v);
            theme.set(v);
        })
    };
    let close = {
        let dialog = dialog.clone();
        Callback::from(move |()| dialog.set(None))
    };
    // An open dialog closes with Escape wherever the focus is, and with a press outside the
    // toolbar (it covers part of the page, as a popover does).
    {
        let dialog = dialog.clone();
        use_effect_with(*dialog, move |open| {
            let dismiss = open.map(|_| browser::on_dismiss(".toolbar", move || dialog.set(None)));
            move || drop(dismiss)
        });
    }
    html! {
        <div class="toolbar" role="toolbar" aria-label="Topology">
            <label for="example">{"Example"}</label>
            <select id="example" onchange={on_example}>
                if s.example.is_none() { <option value="" selected=true>{"(your network)"}</option> }
                { for vpclab_core::examples::ALL.iter().map(|e| html! {
                    <option value={e.id} selected={s.example.is_some_and(|x| x.id == e.id)}>{ e.title }</option>
                }) }
            </select>
            <label for="challenge">{"Challenge"}</label>
            <select id="challenge" onchange={on_challenge}>
                <option value="" selected={current_challenge.is_empty()}>{"(none)"}</option>
                { for challenge_titles.iter().map(|(id, title)| html! {
                    <option value={*id} selected={current_challenge == *id}>{ title.clone() }</option>
                }) }
            </select>
            <button type="button" onclick={emit(Action::New)} title="Start an empty network">{"New"}</button>
            <button type="button" onclick={emit(Action::Undo)} disabled={s.past.is_empty()} title="Undo (Ctrl+Z)">{"↶ Undo"}</button>
            <button type="button" onclick={emit(Action::Redo)} disabled={s.future.is_empty()} title="Redo (Ctrl+Shift+Z)">{"↷ Redo"}</button>
            <button type="button" aria-expanded={(*dialog == Some("gallery")).to_string()} onclick={toggle("gallery")}>{"Gallery"}</button>
            <button type="button" aria-expanded={(*dialog == Some("share")).to_string()} onclick={toggle("share")}>{"Copy link"}</button>
            <button type="button" aria-expanded={(*dialog == Some("embed")).to_string()} onclick={toggle("embed")}>{"Embed"}</button>
            <button type="button" onclick={export}>{"Export JSON"}</button>
            <button type="button" onclick={Callback::from(|_| {
                if let Some(svg) = browser::diagram_svg() { browser::download("vpclab-diagram.svg", "image/svg+xml", &svg) }
            })}>{"Export SVG"}</button>
            <button type="button" onclick={Callback::from(|_| browser::download_png("vpclab-diagram.png"))}>{"Export PNG"}</button>
            <label for="theme">{"Theme"}</label>
            <select id="theme" onchange={on_theme}>
                { for ["auto", "light", "dark"].iter().map(|t| html! { <option value={*t} selected={*theme == *t}>{ *t }</option> }) }
            </select>
            <label class="file-button">{"Import JSON"}<input type="file" accept=".json,application/json" onchange={import} /></label>
            if *dialog == Some("gallery") { <Gallery dispatch={d.clone()} close={close.clone()} /> }
            if *dialog == Some("share") { <ShareDialog state={s.clone()} close={close.clone()} /> }
            if *dialog == Some("embed") { <EmbedDialog state={s.clone()} close={close} /> }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct DialogProps {
    state: State,
    close: Callback<()>,
}

/// A dialog's title and close button (Escape and a press outside work too).
fn dialog_head(title: &'static str, close: &Callback<()>) -> Html {
    let close = close.clone();
    html! {
        <div class="dialog-head">
            <h2>{ title }</h2>
            <button type="button" class="close" aria-label="Close" title="Close (Escape)" onclick={Callback::from(move |_| close.emit(()))}>{"✕"}</button>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct GalleryProps {
    dispatch: Callback<Action>,
    close: Callback<()>,
}

/// The seed architectures as cards: what each shows and what to try.
#[function_component(Gallery)]
fn gallery(p: &GalleryProps) -> Html {
    html! {
        <section class="gallery" aria-label="Example gallery">
            { dialog_head("Example gallery", &p.close) }
            { for vpclab_core::examples::ALL.iter().map(|e| {
                let (d, close, id) = (p.dispatch.clone(), p.close.clone(), e.id.to_string());
                let open = Callback::from(move |_| { d.emit(Action::LoadExample(id.clone())); close.emit(()) });
                html! {
                    <article class="card">
                        <h3>{ e.title }</h3>
                        <p>{ e.blurb }</p>
                        <p class="muted">{ format!("{} suggested question{}", e.queries.len(), if e.queries.len() == 1 { "" } else { "s" }) }</p>
                        <button type="button" onclick={open} aria-label={format!("Open {}", e.title)}>{"Open"}</button>
                    </article>
                }
            }) }
        </section>
    }
}

/// The link to this state, copied at once, with its length and the 2,000-character warning.
#[function_component(ShareDialog)]
fn share_dialog(p: &DialogProps) -> Html {
    let url = format!("{}#{}", browser::page_url(), share::encode(&p.state.to_link()));
    // Copied once, when the dialog opens; the field below follows later changes.
    let copied = {
        let url = url.clone();
        use_memo((), move |_| browser::copy(&url))
    };
    let long = url.len() > share::SAFE_LENGTH;
    html! {
        <section class="dialog" aria-label="Share link">
            { dialog_head("Share link", &p.close) }
            <p role="status">{ if *copied { "Link copied to the clipboard." } else { "Copy this link:" } }</p>
            <p class="muted">{ format!("The field holds the link to what is on screen now: {} characters.", url.len()) }</p>
            <label for="share-url">{"Link to this network"}</label>
            <input id="share-url" type="text" readonly=true value={url} onfocus={Callback::from(|e: FocusEvent| e.target_unchecked_into::<web_sys::HtmlInputElement>().select())} />
            if long {
                <p class="warn" role="alert">{"This link is longer than 2,000 characters: chat apps and mail clients may cut it. Share the JSON file instead (Export JSON)."}</p>
            }
        </section>
    }
}

/// An iframe snippet for course pages.
#[function_component(EmbedDialog)]
fn embed_dialog(p: &DialogProps) -> Html {
    let readonly = use_state(|| false);
    let theme = use_state(|| "auto".to_string());
    let code = embed::snippet(
        &browser::page_url(),
        &share::encode(&p.state.to_link()),
        &p.state.topology.title,
        *readonly,
        &theme,
    );
    let on_ro = {
        let readonly = readonly.clone();
        Callback::from(move |_| readonly.set(!*readonly))
    };
    let on_theme = {
        let theme = theme.clone();
        Callback::from(move |e: Event| {
            theme.set(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value())
        })
    };
    let copy = {
        let code = code.clone();
        Callback::from(move |_| {
            browser::copy(&code);
        })
    };
    html! {
        <section class="dialog" aria-label="Embed code">
            { dialog_head("Embed in a course page", &p.close) }
            <label class="check"><input type="checkbox" checked={*readonly} onclick={on_ro} />{"Read-only"}</label>
            <label for="embed-theme">{"Theme"}</label>
            <select id="embed-theme" onchange={on_theme}>
                { for ["auto", "light", "dark"].iter().map(|t| html! { <option value={*t} selected={*theme == *t}>{ *t }</option> }) }
            </select>
            <label for="embed-code">{"Embed code"}</label>
            <textarea id="embed-code" readonly=true rows="4" value={code} />
            <button type="button" onclick={copy}>{"Copy embed code"}</button>
        </section>
    }
}

/// What the last action did, why it was refused, and restoring set-aside work.
#[function_component(Notices)]
fn notices(p: &Props) -> Html {
    let s = &p.state;
    let restore = {
        let d = p.dispatch.clone();
        Callback::from(move |_| d.emit(Action::RestorePrevious))
    };
    let dismiss = {
        let d = p.dispatch.clone();
        Callback::from(move |_| d.emit(Action::DismissNotices))
    };
    html! {
        <div class="notices" aria-live="polite">
            if !s.notices.is_empty() {
                <ul>
                { for s.notices.iter().map(|n| html! { <li class={if n.error { "error" } else { "info" }}>{ &n.text }</li> }) }
                </ul>
                <button type="button" class="linkish" onclick={dismiss}>{"Dismiss"}</button>
            }
            if s.previous_work.is_some() {
                <button type="button" onclick={restore}>{"Restore my work"}</button>
            }
        </div>
    }
}

/// The challenge: instructions, goals with live pass/fail, completion, hints; and the
/// author's form.
#[function_component(ChallengePanel)]
fn challenge_panel(p: &Props) -> Html {
    let author = |a: Authoring| {
        let d = p.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(Action::Author(a.clone())))
    };
    let (Some(ch), Some(g)) = (&p.state.challenge, &p.state.grade) else {
        if p.state.readonly {
            return html! {};
        }
        return html! {
            <p class="make-challenge"><button type="button" onclick={author(Authoring::Start)}>{"Make a challenge from this network"}</button></p>
        };
    };
    let hint = {
        let d = p.dispatch.clone();
        Callback::from(move |_| d.emit(Action::ShowHint))
    };
    let pct = g.percent();
    // What the start already meets is listed apart, to keep true: progress is the rest.
    let (to_do, done) = (g.to_achieve().count(), g.to_achieve().filter(|r| r.passed).count());
    let broken = g.to_keep().any(|r| !r.passed) || !g.locked_changed.is_empty();
    let goal = |r: &vpclab_core::challenge::GoalResult| {
        html! {
            <li class={if r.passed { "pass" } else { "fail" }}>
                <span aria-hidden="true">{ if r.passed { "✓ " } else { "✗ " } }</span>
                <span class="sr-only">{ match (r.keep, r.passed) {
                    (false, true) => "Met: ", (false, false) => "Not met: ", (true, true) => "Holds: ", (true, false) => "Broken: ",
                } }</span>
                { &r.text }<span class="detail">{ format!(" — {}", r.detail) }</span>
            </li>
        }
    };
    html! {
        <section class={classes!("challenge", (g.complete() && !g.goals.is_empty()).then_some("done"))} aria-labelledby="challenge-title">
            <h2 id="challenge-title">{ format!("Challenge: {}", ch.title) }</h2>
            <p>{ &ch.instructions }</p>
            <div class="progress" role="progressbar" aria-label="Goals met" aria-valuemin="0" aria-valuemax="100" aria-valuenow={pct.to_string()}>
                <div class="bar" style={format!("width: {pct}%")}></div>
            </div>
            <p class="score">{ match (g.goals.is_empty(), g.complete()) {
                (true, _) => "No goals yet: add them in the author's form below.".to_string(),
                (false, true) => "★ All goals met — 100 %.".to_string(),
                // (The bar counts the broken one as a miss, so no second figure here.)
                (false, false) if broken => format!("{done} of {to_do} goals achieved, but something to keep true broke"),
                (false, false) => format!("{done} of {to_do} goals achieved — {pct} %"),
            } }</p>
            if to_do > 0 {
                <h3 class="goals-title">{"To achieve"}</h3>
                <ul class="goals" aria-label="Goals to achieve">{ for g.to_achieve().map(goal) }</ul>
            }
            if g.to_keep().next().is_some() || !g.locked_changed.is_empty() {
                <h3 class="goals-title">{"Keep true"}<span class="muted">{" — already true at the start: don't break it"}</span></h3>
                <ul class="goals" aria-label="Keep true">
                    { for g.to_keep().map(goal) }
                    { for g.locked_changed.iter().map(|l| html! { <li class="fail">{ format!("✗ {l}") }</li> }) }
                </ul>
            }
            if !ch.locked.is_empty() {
                <p class="muted">{ format!("Locked: {}", ch.locked.join(", ")) }</p>
            }
            { for ch.hints.iter().take(p.state.hints).enumerate().map(|(i, h)| html! { <p class="hint">{ format!("Hint {}: {h}", i + 1) }</p> }) }
            if let Some(next) = vpclab_core::challenges::next(&ch.id).filter(|_| g.complete() && !p.state.authoring) {
                <button type="button" onclick={{ let d = p.dispatch.clone(); Callback::from(move |_| d.emit(Action::LoadChallenge(next.to_string()))) }}>
                    {"Next challenge →"}</button>
            }
            if p.state.hints < ch.hints.len() && !g.complete() {
                <button type="button" onclick={hint}>{ format!("Show a hint ({} left)", ch.hints.len() - p.state.hints) }</button>
            }
            if !p.state.readonly {
                <button type="button" class="author-toggle" aria-expanded={p.state.authoring.to_string()}
                    onclick={author(Authoring::Toggle)}>{ if p.state.authoring { "Done editing the challenge" } else { "Edit the challenge" } }</button>
            }
            if p.state.authoring { <AuthorForm state={p.state.clone()} dispatch={p.dispatch.clone()} /> }
        </section>
    }
}

/// The author's tools: text, goals from what is on screen, locks, the starting point.
#[function_component(AuthorForm)]
fn author_form(p: &Props) -> Html {
    let Some(ch) = &p.state.challenge else { return html! {} };
    let d = p.dispatch.clone();
    let emit = move |a: Authoring| {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.emit(Action::Author(a.clone())))
    };
    let text = |make: fn(String) -> Authoring| {
        let d = p.dispatch.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<web_sys::HtmlInputElement>().value();
            d.emit(Action::Author(make(v)));
        })
    };
    let rule = use_state(|| "ssh-open-to-world".to_string());
    let hosts = use_state(|| 29u32);
    let on_rule = {
        let rule = rule.clone();
        Callback::from(move |e: Event| {
            rule.set(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value())
        })
    };
    let on_hosts = {
        let hosts = hosts.clone();
        Callback::from(move |e: Event| {
            hosts.set(
                e.target_unchecked_into::<web_sys::HtmlInputElement>().value().trim().parse().unwrap_or(29),
            )
        })
    };
    let q = &p.state.query;
    let flow = format!(
        "{} → {} {}{}",
        q.from,
        q.to,
        q.protocol,
        q.port.filter(|_| q.protocol.has_ports()).map(|v| format!("/{v}")).unwrap_or_default()
    );
    let selected = p.state.selected.clone().unwrap_or_default();
    let locked = ch.locked.contains(&selected);
    html! {
        <div class="author" role="group" aria-label="Edit the challenge">
            <label for="ch-title">{"Title"}</label>
            <input id="ch-title" type="text" value={ch.title.clone()} onchange={text(Authoring::Title)} />
            <label for="ch-instructions">{"Instructions"}</label>
            <textarea id="ch-instructions" rows="3" value={ch.instructions.clone()} onchange={text(Authoring::Instructions)} />
            <label for="ch-hints">{"Hints (one per line, gentle first)"}</label>
            <textarea id="ch-hints" rows="3" value={ch.hints.join("\n")} onchange={text(Authoring::Hints)} />
            <h4>{"Goals"}</h4>
            <ol>
            { for ch.goals.iter().enumerate().map(|(i, g)| {
                let t = if g.text.is_empty() { vpclab_core::challenge::describe(&g.check) } else { g.text.clone() };
                html! { <li>{ t }{" "}<button type="button" class="icon" aria-label={format!("Remove goal {}", i + 1)} onclick={emit(Authoring::RemoveGoal(i))}>{"✕"}</button></li> }
            }) }
            </ol>
            <div class="author-buttons">
                <button type="button" onclick={emit(Authoring::GoalFromQuery(true))}>{ format!("Goal: {flow} must get through") }</button>
                <button type="button" onclick={emit(Authoring::GoalFromQuery(false))}>{ format!("Goal: {flow} must not") }</button>
                <button type="button" disabled={selected.is_empty()} onclick={emit(Authoring::GoalExposureOfSelected)}>
                    { if selected.is_empty() { "Goal: internet exposure (select a component)".to_string() } else { format!("Goal: the internet reaches {selected} only as now") } }</button>
                <span class="inline">
                    <label for="ch-rule">{"No advice of kind"}</label>
                    <select id="ch-rule" onchange={on_rule}>
                        { for vpclab_core::lint::RULE_NAMES.iter().map(|r| html! { <option value={*r} selected={*rule == *r}>{ vpclab_core::lint::title(r) }</option> }) }
                    </select>
                    <button type="button" onclick={emit(Authoring::GoalNoFinding((*rule).clone()))}>{"Add goal"}</button>
                </span>
                <span class="inline">
                    <label for="ch-hosts">{"Selected subnet has room for hosts"}</label>
                    <input id="ch-hosts" type="number" min="1" value={hosts.to_string()} onchange={on_hosts} />
                    <button type="button" onclick={emit(Authoring::GoalHosts(*hosts))}>{"Add room goal"}</button>
                </span>
                <button type="button" onclick={emit(Authoring::GoalValid)}>{"Goal: no configuration errors"}</button>
                <button type="button" disabled={selected.is_empty()} onclick={emit(Authoring::ToggleLock)}>
                    { if selected.is_empty() { "Lock (select a component)".to_string() } else if locked { format!("Unlock {selected}") } else { format!("Lock {selected}") } }</button>
                <button type="button" onclick={emit(Authoring::SetStart)}>{"Use this network as the starting point"}</button>
                <button type="button" class="danger" onclick={emit(Authoring::Stop)}>{"Remove the challenge"}</button>
            </div>
        </div>
    }
}

/// Every component as a list (the canvas's non-visual equivalent), and the palette.
#[derive(Properties, PartialEq)]
struct ComponentsProps {
    topology: Rc<Topology>,
    diagnostics: Rc<Vec<vpclab_core::Diagnostic>>,
    selected: Option<String>,
    readonly: bool,
    dispatch: Callback<Action>,
}

#[function_component(Components)]
fn components(p: &ComponentsProps) -> Html {
    let s = p;
    // What to add: the user's choice; until they choose, a VPC in a network without one
    // (everything else goes in a VPC), else a subnet.
    let chosen = use_state(|| None::<String>);
    let kind = (*chosen)
        .clone()
        .unwrap_or_else(|| if p.topology.vpcs.is_empty() { "vpcs" } else { "subnets" }.to_string());
    let on_kind = {
        let kind = chosen.clone();
        let kind = kind.clone();
        Callback::from(move |e: Event| {
            kind.set(Some(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value()))
        })
    };
    let add = {
        let (d, kind) = (p.dispatch.clone(), kind.clone());
        Callback::from(move |_| d.emit(Action::Add(kind.clone())))
    };
    let entities = edit::entities(&s.topology);
    html! {
        <section class="components" aria-labelledby="components-title">
            <h3 id="components-title">{ format!("Components ({})", entities.len()) }</h3>
            if !s.readonly {
                <div class="palette">
                    <label for="add-kind">{"New component"}</label>
                    <select id="add-kind" onchange={on_kind}>
                        { for edit::SCHEMA.iter().map(|c| html! { <option value={c.key} selected={kind == c.key}>{ c.noun }</option> }) }
                    </select>
                    <button type="button" onclick={add}>{"Add"}</button>
                </div>
            }
            <ul class="tree">
            { for entities.iter().map(|(c, id, label)| {
                let d = p.dispatch.clone();
                let sel = id.clone();
                let problems = s.diagnostics.iter().filter(|x| x.entity == *id).count();
                html! {
                    <li>
                        <button type="button" class="linkish" aria-current={(s.selected.as_deref() == Some(id.as_str())).then_some("true")}
                            onclick={Callback::from(move |_| d.emit(Action::Select(Some(sel.clone()))))}>
                            <span class="kind">{ c.noun }</span>{" "}{ label }
                        </button>
                        if problems > 0 { <span class="problem-count">{ format!("{problems} problem(s)") }</span> }
                    </li>
                }
            }) }
            </ul>
        </section>
    }
}

fn slug(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .trim_matches('-')
        .to_string()
}

#[derive(Properties, PartialEq)]
struct DiagnosticsProps {
    state: UseReducerHandle<State>,
    dispatch: Callback<Action>,
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
            { for d.iter().map(|x| {
                let go = props.dispatch.clone();
                let id = x.entity.clone();
                html! {
                    <li class={classes!("diag", format!("{:?}", x.severity).to_ascii_lowercase())}>
                        <button type="button" class="linkish" onclick={Callback::from(move |_| go.emit(Action::Select(Some(id.clone()))))}>{ x.to_string() }</button>
                    </li>
                }
            }) }
            </ul>
        </section>
    }
}

/// Advice on the configuration: accepted by AWS, but worth a second look.
#[function_component(LintList)]
fn lint_list(props: &DiagnosticsProps) -> Html {
    let l = &props.state.lint;
    if l.is_empty() {
        return html! {};
    }
    // In a challenge the advice may give the answer away: folded until asked for.
    let in_challenge = props.state.challenge.is_some() && !props.state.authoring;
    html! {
        <section class="lint" aria-label="Advice">
            <details open={!in_challenge}>
            <summary><h3>{ format!("Advice ({})", l.len()) }{ if in_challenge { " — may give the challenge away" } else { "" } }</h3></summary>
            <ul>
            { for l.iter().map(|f| html! {
                <li>
                    <button type="button" class="linkish" onclick={{ let go = props.dispatch.clone(); let id = f.entity.clone(); Callback::from(move |_| go.emit(Action::Select(Some(id.clone())))) }}>
                        <strong>{ format!("{} {}", f.kind, f.label) }</strong>
                    </button>{ format!(" — {}", f.message) }
                    <span class="fix">{ format!(" Fix: {}.", f.fix) }</span>
                    <a href={f.doc} target="_blank" rel="noopener">{"AWS docs"}</a>
                </li>
            }) }
            </ul>
            </details>
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
    let balancing = use_state(|| false);
    let toggle_balancing = {
        let b = balancing.clone();
        Callback::from(move |_| b.set(!*b))
    };
    let has_lb = !s.model.load_balancers.is_empty();
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
                <button type="button" aria-pressed={s.shows_matrix().to_string()} onclick={toggle_matrix}>
                    { format!("Reachability matrix ({what})") }
                </button>
                <button type="button" aria-pressed={s.shows_exposure().to_string()} onclick={toggle_exposure}>
                    {"Internet exposure"}
                </button>
                if has_lb {
                    <button type="button" aria-pressed={balancing.to_string()} onclick={toggle_balancing}>{"Load balancing"}</button>
                }
            </div>
            if *balancing && has_lb {
                { for vpclab_core::balance::distributions(&s.model).iter().map(|x| html! {
                    <table class="balance" aria-label={format!("How {} spreads new connections over {}", x.load_balancer, x.target_group)}>
                        <caption>{ format!("{} → {} (cross-zone load balancing {}; nodes in {})", x.load_balancer, x.target_group,
                            if x.cross_zone { "on" } else { "off" }, x.zones.join(", ")) }</caption>
                        <thead><tr><th scope="col">{"Target"}</th><th scope="col">{"AZ"}</th><th scope="col">{"Health"}</th>
                            <th scope="col" class={classes!(x.cross_zone.then_some("current"))}>{"With cross-zone"}</th>
                            <th scope="col" class={classes!((!x.cross_zone).then_some("current"))}>{"Without"}</th></tr></thead>
                        <tbody>
                        { for x.shares.iter().map(|t| html! {
                            <tr><td>{ &t.target }</td><td>{ &t.availability_zone }</td><td>{ if t.healthy { "healthy" } else { "unhealthy" } }</td>
                                <td>{ format!("{:.2} %", t.with_cross_zone) }</td><td>{ format!("{:.2} %", t.without_cross_zone) }</td></tr>
                        }) }
                        </tbody>
                        if !x.notes.is_empty() {
                            <tfoot><tr><td colspan="5">{ x.notes.join(" · ") }</td></tr></tfoot>
                        }
                    </table>
                }) }
            }
            if s.pending.iter().any(|j| matches!(j, Job::Matrix { .. })) {
                <p class="computing" role="status">{ format!("Computing the reachability matrix of {} interfaces in the background…", s.model.interfaces.len()) }</p>
            }
            if s.pending.contains(&Job::Exposure) {
                <p class="computing" role="status">{ format!("Computing what the internet reaches of {} interfaces in the background…", s.model.interfaces.len()) }</p>
            }
            if let Some(x) = &s.matrix {
                if x.endpoints.len() > MATRIX_SHOWN {
                    <p class="shows">{ format!("Showing the first {MATRIX_SHOWN} of {} instances; `vpclab matrix` prints every pair.", x.endpoints.len()) }</p>
                }
                <table class="matrix" aria-label={format!("Reachability matrix for {what}: rows are sources, columns destinations")}>
                    <thead><tr><th scope="col">{"from \\ to"}</th>
                    { for x.endpoints.iter().take(MATRIX_SHOWN).map(|e| html! { <th scope="col" title={e.label.clone()}>{ short(&e.label) }</th> }) }
                    </tr></thead>
                    <tbody>
                    { for x.endpoints.iter().enumerate().take(MATRIX_SHOWN).map(|(i, a)| html! {
                        <tr>
                            <th scope="row" title={a.label.clone()}>{ short(&a.label) }</th>
                            { for x.endpoints.iter().enumerate().take(MATRIX_SHOWN).map(|(j, b)| match x.get(i, j) {
                                None => html! { <td class="self">{"—"}</td> },
                                Some(ans) => {
                                    let label = format!("{} to {}: {}", short(&a.label), short(&b.label), ans.summary);
                                    html! {
                                        <td class={if ans.reachable { "yes" } else { "no" }}>
                                            <button type="button" aria-label={label.clone()} title={label}
                                                onclick={ask(a.id.clone(), b.id.clone(), s)}>
                                                { if ans.reachable { "✓" } else { "✗" } }
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
                    <h3 class="exposure-title">{"Reachable from the internet"}</h3>
                    <ul class="exposure" aria-label="Reachable from the internet">
                    { for x.iter().map(|e| {
                        // The engine words it, as the CLI does.
                        let ports = e.open_ports();
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

/// The matrix rows and columns drawn: past this, a table of buttons is unreadable and slow.
const MATRIX_SHOWN: usize = 30;

/// "instance web-1 · i-web1 (10.0.1.10)" → "web-1".
fn short(label: &str) -> String {
    let rest = label.split_once(' ').map(|(_, r)| r).unwrap_or(label);
    rest.split([' ', '·']).next().unwrap_or(rest).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_messages_are_validated() {
        let link = share::encode_topology(&vpclab_core::examples::three_tier());
        assert!(matches!(
            host_message(&format!(r##"{{"type":"vpclab:load","link":"#{link}"}}"##)),
            Some(Action::Open(..))
        ));
        assert!(
            matches!(host_message(r#"{"type":"vpclab:load","challenge":"nat-egress"}"#), Some(Action::Open(l, _)) if l.challenge.is_some())
        );
        assert!(matches!(
            host_message(r#"{"type":"vpclab:load","topology":{"format":1,"title":"x"}}"#),
            Some(Action::Open(..))
        ));
        for bad in [
            "",
            "null",
            "42",
            r#"{"type":"other"}"#,
            r#"{"type":"vpclab:load"}"#,
            r#"{"type":"vpclab:load","topology":{"format":"x"}}"#,
            r##"{"type":"vpclab:load","link":"#v1.zzz"}"##,
            r#"{"type":"vpclab:load","challenge":"no-such"}"#,
        ] {
            assert!(host_message(bad).is_none(), "{bad}");
        }
    }
}
