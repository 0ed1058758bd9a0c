//! The network drawn as SVG from the engine's [`Diagram`]: no geometry is computed here
//! beyond turning boxes into elements.

use std::collections::BTreeSet;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use vpclab_core::layout::{self, Diagram, NodeKind};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub diagram: Rc<Diagram>,
    /// Keys of the boxes the forward or return path touches.
    pub on_path: BTreeSet<String>,
    /// Keys of the boxes where the path is blocked.
    pub blocked: BTreeSet<String>,
    /// Forward and return path locations, in order.
    pub path: Vec<String>,
    pub back: Vec<String>,
    pub reachable: bool,
    pub from: String,
    pub to: String,
    /// The inspected entity's key.
    pub selected: Option<String>,
    /// A box was clicked or activated from the keyboard.
    pub on_select: Callback<String>,
    /// The simulated packet: where it is, and whether it is on the return path.
    #[prop_or_default]
    pub packet: Option<((f64, f64), bool)>,
    /// A box was dragged (or moved with the arrow keys) to a new top-left corner.
    #[prop_or_default]
    pub on_place: Option<Callback<(String, f64, f64)>>,
    /// Forget placed positions.
    #[prop_or_default]
    pub on_auto_layout: Option<Callback<()>>,
    /// A network interface was dragged onto an instance: (interface, instance).
    #[prop_or_default]
    pub on_move_interface: Option<Callback<(String, String)>>,
    /// Keys of boxes whose entity has an error-level diagnostic.
    #[prop_or_default]
    pub problems: BTreeSet<String>,
}

/// A drag in progress: the box, the elements that move with it, where the pointer started
/// (client pixels), the diagram units per pixel, and the offset so far (diagram units).
/// Moving sets a `transform` on those elements directly, without re-rendering the diagram,
/// so dragging stays smooth with hundreds of boxes; the drop re-lays out once.
struct Drag {
    key: String,
    elements: Vec<web_sys::Element>,
    start: (f64, f64),
    scale: f64,
    offset: (f64, f64),
}

#[function_component(DiagramView)]
pub fn diagram_view(p: &Props) -> Html {
    let d = &p.diagram;
    let line = |pts: Vec<(f64, f64)>| {
        pts.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect::<Vec<_>>().join(" ")
    };
    let forward = line(layout::path_points(d, p.path.iter().map(String::as_str)));
    let back = line(layout::path_points(d, p.back.iter().map(String::as_str)));
    let summary = format!(
        "Network diagram: {} boxes. The highlighted path runs from {} to {}.",
        d.nodes.len(),
        p.from,
        p.to
    );
    // Zoom scales the drawing inside a scrolling box: panning is scrolling (touch works).
    let zoom = use_state(|| 1.0_f64);
    // A finger on a movable box's name drags the box instead of panning (a VPC covers most
    // of the diagram: grabbed anywhere, no swipe would pan). CSS `touch-action` does not
    // apply to SVG shapes, so that touch is claimed here (a listener on an element, not the
    // document, may cancel it); anywhere else the finger pans, and a tap selects.
    let svg_ref = use_node_ref();
    {
        let svg_ref = svg_ref.clone();
        use_effect_with((), move |_| {
            let claim = |e: web_sys::Event| {
                let target = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
                let on_movable =
                    target.as_ref().and_then(|el| el.closest("g.movable").ok().flatten()).is_some();
                if on_movable && target.as_ref().is_some_and(by_its_name) {
                    e.prevent_default();
                }
            };
            let listening = svg_ref
                .cast::<web_sys::Element>()
                .map(|svg| crate::browser::listen(&svg, "touchstart", claim));
            move || drop(listening)
        });
    }
    let drag = use_mut_ref(|| None::<Drag>);
    // A finger pressed a movable box away from its name: no drag, so the click selects.
    let tapped_down = use_mut_ref(|| false);
    let tapped = tapped_down.clone();
    let on_move = {
        let drag = drag.clone();
        Callback::from(move |e: PointerEvent| {
            if let Some(g) = drag.borrow_mut().as_mut() {
                g.offset = (
                    (f64::from(e.client_x()) - g.start.0) * g.scale,
                    (f64::from(e.client_y()) - g.start.1) * g.scale,
                );
                let t = format!("translate({:.1} {:.1})", g.offset.0, g.offset.1);
                for el in &g.elements {
                    let _ = el.set_attribute("transform", &t);
                }
            }
        })
    };
    let on_up = {
        let (drag, place, select, d) =
            (drag.clone(), p.on_place.clone(), p.on_select.clone(), p.diagram.clone());
        let move_interface = p.on_move_interface.clone();
        Callback::from(move |_: PointerEvent| {
            let Some(g) = drag.borrow_mut().take() else { return };
            for el in &g.elements {
                let _ = el.remove_attribute("transform");
            }
            let moved = g.offset.0.abs() + g.offset.1.abs() > 3.0;
            // An interface goes to the instance it is dropped on (not back onto its own).
            if let (true, Some(mv), Some(n)) = (moved, &move_interface, d.node(&g.key)) {
                if n.kind == NodeKind::NetworkInterface {
                    let (cx, cy) = (n.x + n.w / 2.0, n.y + n.h / 2.0);
                    let own = layout::interface_drop_target(&d, &g.key, cx, cy);
                    let to = layout::interface_drop_target(&d, &g.key, cx + g.offset.0, cy + g.offset.1);
                    if let Some(to) = to.filter(|t| Some(t) != own.as_ref()) {
                        mv.emit((n.component.clone(), to));
                    }
                    return;
                }
            }
            match (moved, &place, d.node(&g.key)) {
                (true, Some(place), Some(n)) => {
                    place.emit((g.key.clone(), n.x + g.offset.0, n.y + g.offset.1))
                }
                _ => select.emit(g.key.clone()),
            }
        })
    };
    let set = |f: fn(f64) -> f64| {
        let zoom = zoom.clone();
        Callback::from(move |_: MouseEvent| zoom.set(f(*zoom).clamp(0.5, 4.0)))
    };
    let style = if (*zoom - 1.0).abs() < f64::EPSILON {
        format!("max-width: min(100%, {:.0}px)", d.width * 1.35)
    } else {
        format!("width: {:.0}px; max-width: none", d.width * 1.35 * *zoom)
    };
    html! {
        <>
        <div class="zoom" role="group" aria-label="Zoom">
            <button type="button" aria-label="Zoom out" onclick={set(|z| z / 1.25)}>{"−"}</button>
            <span aria-live="polite">{ format!("{:.0} %", *zoom * 100.0) }</span>
            <button type="button" aria-label="Zoom in" onclick={set(|z| z * 1.25)}>{"+"}</button>
            <button type="button" onclick={set(|_| 1.0)}>{"Fit"}</button>
            if let Some(auto) = p.on_auto_layout.clone() {
                <button type="button" title="Forget where boxes were dragged" onclick={Callback::from(move |_| auto.emit(()))}>{"Auto layout"}</button>
            }
        </div>
        <div class="diagram-scroll">
        <svg ref={svg_ref} class="topology" role="group" aria-label={summary} onpointermove={on_move} onpointerup={on_up.clone()} onpointercancel={on_up}
             viewBox={format!("0 0 {:.0} {:.0}", d.width, d.height)}
             {style}>
            <defs>
                <marker id="arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" />
                </marker>
            </defs>
            { for d.nodes.iter().map(|n| {
                // A Region is a frame, not a resource: nothing to select or move.
                if n.kind == NodeKind::Region {
                    return html! {
                        <g class="node region" data-key={n.key.clone()}>
                            <rect x={n.x.to_string()} y={n.y.to_string()} width={n.w.to_string()} height={n.h.to_string()} rx="10" />
                            <text x={(n.x + 10.0).to_string()} y={(n.y + 16.0).to_string()} class="label">{ &n.label }</text>
                        </g>
                    };
                }
                let kind = kind_class(n.kind);
                let mut class = classes!("node", kind);
                if p.on_path.contains(&n.key) { class.push("on-path"); }
                if p.blocked.contains(&n.key) { class.push("blocked"); }
                if n.key == p.from || n.key == p.to { class.push("endpoint"); }
                let rx = match n.kind { NodeKind::Internet => 24.0, NodeKind::NetworkInterface => 4.0, _ => 8.0 };
                // One-line boxes centre their text; containers put it at the top.
                let one_line = matches!(
                    n.kind,
                    NodeKind::NetworkInterface
                        | NodeKind::InternetGateway
                        | NodeKind::EgressOnlyGateway
                        | NodeKind::NatGateway
                        | NodeKind::GatewayEndpoint
                        | NodeKind::VpnGateway
                        | NodeKind::Internet
                );
                let text_y = if one_line { n.y + n.h / 2.0 + 4.0 } else { n.y + 18.0 };
                let inline_detail = matches!(n.kind, NodeKind::NetworkInterface | NodeKind::Instance | NodeKind::NatGateway);
                if p.selected.as_deref() == Some(n.key.as_str()) { class.push("selected"); }
                // Containers move on the canvas; an interface moves to another instance.
                let eni = n.kind == NodeKind::NetworkInterface && p.on_move_interface.is_some();
                let group = if eni { vec![n.key.clone()] } else { layout::moves_with(d, &n.key) };
                let movable = !group.is_empty() && (eni || p.on_place.is_some());
                let key = n.key.clone();
                let select = p.on_select.clone();
                // Movable boxes select on pointer-up (a press that did not drag).
                // A press that started no drag (a finger off the box's name) selects on click.
                let tapped = tapped.clone();
                let onclick = Callback::from(move |e: MouseEvent| {
                    e.stop_propagation();
                    if !movable || tapped.replace(false) { select.emit(key.clone()) }
                });
                let onpointerdown = {
                    let (drag, key, group) = (drag.clone(), n.key.clone(), group.clone());
                    let tapped_down = tapped_down.clone();
                    let width = d.width;
                    Callback::from(move |e: PointerEvent| {
                        if !movable || e.button() != 0 { return; }
                        let on_name = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|el| by_its_name(&el));
                        if e.pointer_type() == "touch" && !on_name {
                            *tapped_down.borrow_mut() = true;
                            return;
                        }
                        e.stop_propagation();
                        let svg = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).and_then(|el| el.closest("svg").ok().flatten());
                        let scale = svg.map(|s| s.get_bounding_client_rect().width()).filter(|w| *w > 0.0).map_or(1.0, |w| width / w);
                        let svg = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).and_then(|el| el.closest("svg").ok().flatten());
                        let Some(svg) = svg else { return };
                        let _ = svg.set_pointer_capture(e.pointer_id());
                        let elements = group.iter().filter_map(|k| svg.query_selector(&format!("g[data-key=\"{k}\"]")).ok().flatten()).collect();
                        *drag.borrow_mut() = Some(Drag { key: key.clone(), elements, start: (f64::from(e.client_x()), f64::from(e.client_y())), scale, offset: (0.0, 0.0) });
                    })
                };
                let key = n.key.clone();
                let select = p.on_select.clone();
                let place = p.on_place.clone().filter(|_| movable && !eni);
                let (nx, ny) = (n.x, n.y);
                let onkeydown = Callback::from(move |e: KeyboardEvent| {
                    let step = if e.shift_key() { 50.0 } else { 10.0 };
                    let delta = match e.key().as_str() {
                        "ArrowLeft" => Some((-step, 0.0)),
                        "ArrowRight" => Some((step, 0.0)),
                        "ArrowUp" => Some((0.0, -step)),
                        "ArrowDown" => Some((0.0, step)),
                        _ => None,
                    };
                    match (delta, &place) {
                        (Some((dx, dy)), Some(place)) => { e.prevent_default(); place.emit((key.clone(), nx + dx, ny + dy)) }
                        _ if e.key() == "Enter" || e.key() == " " => { e.prevent_default(); select.emit(key.clone()) }
                        _ => {}
                    }
                });
                if movable { class.push("movable"); }
                let problem = p.problems.contains(&n.key);
                let name = if n.detail.is_empty() { n.label.clone() } else { format!("{} {}", n.label, n.detail) };
                if problem { class.push("has-problem"); }
                html! {
                    <g class={class} data-key={n.key.clone()} data-public={n.public.then_some("true")}
                       tabindex="0" role="button" aria-label={format!("{}{}{}", name,
                           if problem { " (has configuration errors)" } else { "" },
                           if eni { " (drag onto another instance to move it there)" } else if movable { " (drag or arrow keys to move)" } else { "" })}
                       {onclick} {onkeydown} {onpointerdown}>
                        <title>{ name.clone() }</title>
                        <rect x={n.x.to_string()} y={n.y.to_string()} width={n.w.to_string()} height={n.h.to_string()} rx={rx.to_string()} />
                        <text x={(n.x + 8.0).to_string()} y={text_y.to_string()} class="label">
                            { &n.label }
                            if inline_detail { <tspan class="detail" dx="8">{ &n.detail }</tspan> }
                        </text>
                        if !inline_detail && !n.detail.is_empty() && !one_line {
                            <text x={(n.x + 8.0).to_string()} y={(text_y + 15.0).to_string()} class="detail">{ &n.detail }</text>
                        }
                    </g>
                }
            }) }
            { for d.links.iter().map(|l| html! {
                <polyline class="link" points={line(l.points.clone())} />
            }) }
            if !back.is_empty() {
                <polyline class="path return" points={back} marker-end="url(#arrow)" transform="translate(7 0)" />
            }
            if !forward.is_empty() {
                <polyline class={classes!("path", "forward", (!p.reachable).then_some("not-reachable"))} points={forward} marker-end="url(#arrow)" />
            }
            if let Some(((x, y), back)) = p.packet {
                <circle class={classes!("packet", back.then_some("back"))} cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="9" />
            }
        </svg>
        </div>
        <p class="legend">
            <span class="key forward" aria-hidden="true"></span>{" forward path "}
            <span class="key blocked" aria-hidden="true"></span>{" forward path, blocked "}
            <span class="key return" aria-hidden="true"></span>{" return path "}
            <span class="key link" aria-hidden="true"></span>{" attachment or connection"}
        </p>
        </>
    }
}

fn kind_class(k: NodeKind) -> &'static str {
    match k {
        NodeKind::Internet => "internet",
        NodeKind::Region => "region",
        NodeKind::Vpc => "vpc",
        NodeKind::AvailabilityZone => "az",
        NodeKind::Subnet => "subnet",
        NodeKind::InternetGateway => "igw",
        NodeKind::EgressOnlyGateway => "eigw",
        NodeKind::LoadBalancer => "lb",
        NodeKind::Instance => "instance",
        NodeKind::NetworkInterface => "eni",
        NodeKind::NatGateway => "nat",
        NodeKind::Peering => "pcx",
        NodeKind::TransitGateway => "tgw",
        NodeKind::GatewayEndpoint => "vpce",
        NodeKind::VpnGateway => "vgw",
        NodeKind::OnPremises => "onprem",
    }
}

/// Whether a touch on `el` grabs its box: on the box's name (its text), as a finger grabs
/// a window by its title bar.
fn by_its_name(el: &web_sys::Element) -> bool {
    matches!(el.tag_name().as_str(), "text" | "tspan")
}
