//! The inspector: a typed form for the selected component, built from the engine's
//! [`edit::SCHEMA`]. Each change is sent as an action; the engine accepts it or says why
//! not, so nothing here validates.

use std::rc::Rc;

use serde_json::Value;
use yew::prelude::*;

use vpclab_core::edit::{self, Field, Step, Ty};
use vpclab_core::{Diagnostic, Topology};

use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub topology: Rc<Topology>,
    pub id: String,
    pub diagnostics: Rc<Vec<Diagnostic>>,
    /// The challenge locks it, or the page is read-only.
    pub locked: bool,
    /// It can be a query's source or destination.
    #[prop_or_default]
    pub endpoint: bool,
    pub dispatch: Callback<Action>,
}

#[function_component(Inspector)]
pub fn inspector(p: &Props) -> Html {
    // A newly selected entity's form is brought into view (on a tablet it sits below the
    // diagram; from the components list, above it).
    use_effect_with(p.id.clone(), |_| crate::browser::reveal("section.inspector"));
    let Some((c, _, entity)) = edit::find(&p.topology, &p.id) else {
        return html! {};
    };
    let ids = Rc::new(edit::entities(&p.topology));
    let ctx = Ctx { id: p.id.clone(), dispatch: p.dispatch.clone(), ids, locked: p.locked };
    let problems: Vec<&Diagnostic> = p.diagnostics.iter().filter(|d| d.entity == p.id).collect();
    let delete = {
        let d = p.dispatch.clone();
        let id = p.id.clone();
        Callback::from(move |_| d.emit(Action::Delete(id.clone())))
    };
    let duplicate = {
        let d = p.dispatch.clone();
        let id = p.id.clone();
        Callback::from(move |_| d.emit(Action::Duplicate(id.clone())))
    };
    let ask = |to: bool| {
        let (d, id) = (p.dispatch.clone(), p.id.clone());
        Callback::from(move |_| {
            d.emit(if to { Action::SetTo(id.clone()) } else { Action::SetFrom(id.clone()) })
        })
    };
    let close = {
        let d = p.dispatch.clone();
        Callback::from(move |_| d.emit(Action::Select(None)))
    };
    html! {
        <section class="inspector" aria-labelledby="inspector-title">
            <div class="inspector-head">
                <h2 id="inspector-title">{ format!("{} {}", capitalise(c.noun), p.id) }</h2>
                <button type="button" class="close" aria-label="Close the inspector" title="Close (Escape)" onclick={close}>{"×"}</button>
            </div>
            if p.endpoint {
                <div class="entity-buttons">
                    <button type="button" onclick={ask(false)}>{"Use as source"}</button>
                    <button type="button" onclick={ask(true)}>{"Use as destination"}</button>
                </div>
            }
            if p.locked {
                <p class="locked">{"Locked: you can look but not change it."}</p>
            }
            if !problems.is_empty() {
                <ul class="entity-problems" aria-label={format!("Problems with {}", p.id)}>
                { for problems.iter().map(|d| html! {
                    <li class={format!("{:?}", d.severity).to_ascii_lowercase()}>{ format!("{}: {}", field_words(c, &d.field), d.message) }</li>
                }) }
                </ul>
            }
            <form class="fields" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                { for c.fields.iter().map(|f| field(&ctx, f, &entity, c.key)) }
            </form>
            if c.key == "instances" { { interfaces(p) } }
            if c.key == "subnets" { { subnet_uses(p) } }
            if matches!(c.key, "route_tables" | "network_acls") { { fallback_users(p, c.noun) } }
            if !p.locked {
                <div class="entity-buttons">
                    <button type="button" onclick={duplicate} title="Duplicate (Ctrl+D)">{ format!("Duplicate {}", p.id) }</button>
                    <button type="button" class="danger" onclick={delete} title="Delete (Delete key)">{ format!("Delete {}", p.id) }</button>
                </div>
            }
        </section>
    }
}

/// For a main route table or default network ACL: the subnets that use it without being
/// associated with it (unticked above, yet using it).
fn fallback_users(p: &Props, noun: &str) -> Html {
    let users = edit::implicit_users(&p.topology, &p.id);
    if users.is_empty() {
        return html! {};
    }
    let what = if noun == "route table" { "main route table" } else { "default network ACL" };
    html! {
        <p class="muted fallback-users">
            { format!("Also used, as the VPC's {what}, by every subnet associated with no other: {}.", users.join(", ")) }
        </p>
    }
}

/// An instance's network interfaces, each opening its own form (where it is attached,
/// moved or detached).
fn interfaces(p: &Props) -> Html {
    let list = edit::interfaces_of(&p.topology, &p.id);
    html! {
        <section class="instance-interfaces" aria-label={format!("Network interfaces of {}", p.id)}>
            <h3>{ format!("Network interfaces ({})", list.len()) }</h3>
            if list.is_empty() { <p class="muted">{"None attached: attach one from its own form."}</p> }
            <ul>
            { for list.into_iter().map(|(device, id, addresses)| {
                let (d, sel) = (p.dispatch.clone(), id.clone());
                html! {
                    <li>
                        <button type="button" class="linkish" onclick={Callback::from(move |_| d.emit(Action::Select(Some(sel.clone()))))}>
                            { format!("eth{device} {id}") }
                        </button>
                        <span class="muted">{ format!(" {addresses}") }</span>
                    </li>
                }
            }) }
            </ul>
        </section>
    }
}

/// The route table and network ACL a subnet uses (its associations are edited on their
/// side), each opening its own form; the engine resolves which ([`edit::route_table_of`]).
fn subnet_uses(p: &Props) -> Html {
    let rows = [
        ("Route table", "main", edit::route_table_of(&p.topology, &p.id)),
        ("Network ACL", "default", edit::network_acl_of(&p.topology, &p.id)),
    ];
    html! {
        <section class="subnet-uses" aria-label={format!("Route table and network ACL of {}", p.id)}>
            <h3>{"Uses"}</h3>
            <ul>
            { for rows.into_iter().filter_map(|(what, main, used)| {
                let used = used?;
                let flag = if used.main { format!(" ({main})") } else { String::new() };
                let text = format!("{}{flag}", used.id);
                let (d, sel) = (p.dispatch.clone(), used.id.clone());
                Some(html! {
                    <li>
                        { format!("{what}: ") }
                        if used.implicit {
                            <span>{ text }</span>
                            <span class="muted">{" (implicit: not in the topology, so not editable)"}</span>
                        } else {
                            <button type="button" class="linkish" aria-label={format!("{what}: {text}")}
                                onclick={Callback::from(move |_| d.emit(Action::Select(Some(sel.clone()))))}>
                                { text }
                            </button>
                        }
                    </li>
                })
            }) }
            </ul>
        </section>
    }
}

struct Ctx {
    id: String,
    dispatch: Callback<Action>,
    ids: Rc<Vec<(&'static edit::Collection, String, String)>>,
    locked: bool,
}

impl Ctx {
    fn set_text(&self, path: Vec<Step>, ty: Ty) -> Callback<Event> {
        let (d, id) = (self.dispatch.clone(), self.id.clone());
        Callback::from(move |e: Event| {
            let text = e.target_unchecked_into::<web_sys::HtmlInputElement>().value();
            d.emit(Action::SetField { id: id.clone(), path: path.clone(), ty, text });
        })
    }

    fn set_select(&self, path: Vec<Step>, ty: Ty) -> Callback<Event> {
        let (d, id) = (self.dispatch.clone(), self.id.clone());
        Callback::from(move |e: Event| {
            let text = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
            d.emit(Action::SetField { id: id.clone(), path: path.clone(), ty, text });
        })
    }

    fn set_value(&self, path: Vec<Step>, value: Option<Value>) -> Callback<MouseEvent> {
        let (d, id) = (self.dispatch.clone(), self.id.clone());
        Callback::from(move |_| {
            d.emit(Action::SetValue { id: id.clone(), path: path.clone(), value: value.clone() })
        })
    }

    /// Ids of the collections a reference may point at.
    fn choices(&self, collections: &[&str]) -> Vec<(String, String)> {
        self.ids
            .iter()
            .filter(|(c, _, _)| collections.contains(&c.key))
            .map(|(_, id, label)| (id.clone(), label.clone()))
            .collect()
    }

    fn dom_id(&self, path: &[Step]) -> String {
        let p: Vec<String> = path
            .iter()
            .map(|s| match s {
                Step::Key(k) => k.clone(),
                Step::Row(i) => i.to_string(),
            })
            .collect();
        format!("f-{}", p.join("-"))
    }
}

/// One field of the entity as a labelled control.
fn field(ctx: &Ctx, f: &Field, entity: &Value, collection: &str) -> Html {
    let path = vec![Step::Key(f.key.to_string())];
    let value = entity.get(f.key);
    match f.ty {
        Ty::Table(cols) => table(ctx, f, cols, value),
        Ty::Group(sub) => group(ctx, f, sub, value, collection),
        Ty::RefList(collections) => {
            let chosen: Vec<&str> =
                value.and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
            let choices = ctx.choices(collections);
            html! {
                <fieldset class="reflist">
                    <legend>{ f.label }</legend>
                    if choices.is_empty() { <p class="muted">{"none to choose from yet"}</p> }
                    { for choices.iter().map(|(id, label)| {
                        let on = chosen.contains(&id.as_str());
                        let next: Vec<Value> = if on {
                            chosen.iter().filter(|c| **c != id).map(|c| Value::from(*c)).collect()
                        } else {
                            chosen.iter().map(|c| Value::from(*c)).chain(std::iter::once(Value::from(id.as_str()))).collect()
                        };
                        html! {
                            <label class="check">
                                <input type="checkbox" checked={on} disabled={ctx.locked}
                                    onclick={ctx.set_value(path.clone(), Some(Value::Array(next)))} />
                                { label }
                            </label>
                        }
                    }) }
                </fieldset>
            }
        }
        _ => {
            let dom = ctx.dom_id(&path);
            html! {
                <div class="field">
                    <label for={dom.clone()}>{ f.label }</label>
                    { control(ctx, f.ty, f.required, path, value, dom, f.label) }
                </div>
            }
        }
    }
}

/// The input for one scalar field.
fn control(
    ctx: &Ctx,
    ty: Ty,
    required: bool,
    path: Vec<Step>,
    value: Option<&Value>,
    dom: String,
    label: &str,
) -> Html {
    let text = match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join(", "),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    };
    let disabled = ctx.locked || (path.len() == 1 && path[0] == Step::Key("id".into()));
    match ty {
        Ty::Bool => {
            let on = value.and_then(Value::as_bool).unwrap_or(default_bool(&path));
            html! { <input id={dom} type="checkbox" checked={on} {disabled} aria-label={label.to_string()}
            onclick={ctx.set_value(path, Some(Value::Bool(!on)))} /> }
        }
        Ty::Choice(options) => html! {
            <select id={dom} {disabled} aria-label={label.to_string()} onchange={ctx.set_select(path, ty)}>
                if !required { <option value="" selected={text.is_empty()}>{"(default)"}</option> }
                { for options.iter().map(|o| html! { <option value={*o} selected={text == *o}>{ *o }</option> }) }
            </select>
        },
        Ty::Ref(collections) => {
            let choices = ctx.choices(collections);
            let known = choices.iter().any(|(id, _)| *id == text);
            html! {
                <select id={dom} {disabled} aria-label={label.to_string()} onchange={ctx.set_select(path, ty)}>
                    <option value="" selected={text.is_empty()}>{ if required { "(choose)" } else { "(none)" } }</option>
                    if !known && !text.is_empty() { <option value={text.clone()} selected=true>{ format!("{text} (missing)") }</option> }
                    { for choices.iter().map(|(id, label)| html! { <option value={id.clone()} selected={*id == text}>{ label }</option> }) }
                </select>
            }
        }
        _ => {
            // An example of what the field takes, in its own address family and scope.
            let (v6, public) = (label.contains("IPv6"), label.contains("ublic") || label.contains("Elastic"));
            let placeholder = match ty {
                Ty::Cidr if v6 && label.contains("/64") => "2600:1f18:1234:5601::/64",
                Ty::Cidr if v6 && label.contains("/56") => "2600:1f18:1234:5600::/56",
                Ty::Cidr if v6 => "2600:1f18:1234:5600::/56 or …/64",
                Ty::Cidr => "10.0.1.0/24",
                Ty::Ip if v6 => "2600:1f18:1234:5601::10",
                Ty::Ip if public => "203.0.113.10",
                Ty::Ip => "10.0.1.10",
                Ty::Ports => "443 or 1024-65535 (empty: all)",
                Ty::Number if label.to_ascii_lowercase().contains("icmp type") => {
                    "8 = echo request (empty: all)"
                }
                Ty::Number if label.to_ascii_lowercase().contains("icmp code") => "0 (empty: all)",
                Ty::List if v6 => "comma-separated IPv6 addresses",
                Ty::List => "comma-separated",
                _ => "",
            };
            let kind = if ty == Ty::Number { "number" } else { "text" };
            // Keyed by entity too: another entity's field starts afresh.
            let key = format!("{}/{dom}", ctx.id);
            html! { <Typed {key} id={dom} {kind} value={text} {disabled} {placeholder} label={label.to_string()} {ty}
            onchange={ctx.set_text(path, ty)} /> }
        }
    }
}

#[derive(Properties, PartialEq)]
struct TypedProps {
    id: String,
    kind: &'static str,
    value: String,
    disabled: bool,
    placeholder: &'static str,
    label: String,
    ty: Ty,
    onchange: Callback<Event>,
}

/// A text field checked as it is typed, by the same `edit::parse_input` that reads it when
/// it is committed (on change): a mistyped CIDR, address or port range says so at once.
#[function_component(Typed)]
fn typed(p: &TypedProps) -> Html {
    // What is typed stays as typed while the complaint shows (re-rendering with the
    // committed value would undo the typing); typed against another value (a commit, undo),
    // it gives way to that value at once, with no render in between.
    let typed = use_state(|| None::<(String, String, Option<String>)>);
    let (text, error) = match &*typed {
        Some((base, text, error)) if *base == p.value => (text.clone(), error.clone()),
        _ => (p.value.clone(), None),
    };
    let oninput = {
        let (typed, ty, base) = (typed.clone(), p.ty, p.value.clone());
        Callback::from(move |e: InputEvent| {
            let text = e.target_unchecked_into::<web_sys::HtmlInputElement>().value();
            let error = edit::parse_input(ty, &text).err();
            typed.set(Some((base.clone(), text, error)));
        })
    };
    let message = format!("{}-error", p.id);
    html! { <>
        <input id={p.id.clone()} type={p.kind} value={text} disabled={p.disabled} placeholder={p.placeholder}
            aria-label={p.label.clone()} aria-invalid={error.is_some().then_some("true")}
            aria-describedby={error.is_some().then(|| message.clone())}
            spellcheck="false" autocomplete="off" {oninput} onchange={p.onchange.clone()} />
        if let Some(m) = error { <span id={message} class="field-error" role="status">{ m }</span> }
    </> }
}

/// Rows of sub-fields: routes, rules, entries, listeners, targets.
fn table(ctx: &Ctx, f: &Field, cols: &'static [Field], value: Option<&Value>) -> Html {
    let rows: Vec<Value> = value.and_then(Value::as_array).cloned().unwrap_or_default();
    let add = {
        let (d, id, table) = (ctx.dispatch.clone(), ctx.id.clone(), f.key.to_string());
        Callback::from(move |_| d.emit(Action::AddRow { id: id.clone(), table: table.clone() }))
    };
    let noun = singular(f.label);
    html! {
        <fieldset class="rows">
            <legend>{ format!("{} ({})", f.label, rows.len()) }</legend>
            { for rows.iter().enumerate().map(|(i, row)| html! {
                <div class="row-card" role="group" aria-label={format!("{noun} {}", i + 1)}>
                    <div class="row-head">
                        <span>{ format!("{noun} {}", i + 1) }</span>
                        if !ctx.locked {
                            <button type="button" class="icon" aria-label={format!("Delete {} {}", noun.to_ascii_lowercase(), i + 1)} title="Delete"
                                onclick={ctx.set_value(vec![Step::Key(f.key.to_string()), Step::Row(i)], None)}>{"✕"}</button>
                        }
                    </div>
                    { for cols.iter().filter(|c| edit::applies(row, c.key)).map(|c| {
                        let path = vec![Step::Key(f.key.to_string()), Step::Row(i), Step::Key(c.key.to_string())];
                        let dom = ctx.dom_id(&path);
                        let label = format!("{noun} {} {}", i + 1, in_sentence(c.label));
                        let wide = matches!(c.key, "peer" | "description" | "destination" | "target" | "cidr");
                        html! { <div class={classes!("cell", wide.then_some("wide"))}>
                            <label for={dom.clone()}>{ c.label }</label>
                            { control(ctx, c.ty, c.required, path, row.get(c.key), dom, &label) }
                        </div> }
                    }) }
                </div>
            }) }
            if !ctx.locked {
                <button type="button" onclick={add}>{ format!("Add {}", noun.to_ascii_lowercase()) }</button>
            }
        </fieldset>
    }
}

/// An optional group: an ENI's attachment, an Elastic IP's association.
fn group(ctx: &Ctx, f: &Field, sub: &'static [Field], value: Option<&Value>, collection: &str) -> Html {
    let Some(first) = sub.first() else { return html! {} };
    let Ty::Ref(collections) = first.ty else { return html! {} };
    let current =
        value.and_then(|v| v.get(first.key)).and_then(Value::as_str).unwrap_or_default().to_string();
    let dom = ctx.dom_id(&[Step::Key(f.key.to_string())]);
    let choices = ctx.choices(collections);
    let onchange = {
        let (d, id, key, sub_key) =
            (ctx.dispatch.clone(), ctx.id.clone(), f.key.to_string(), first.key.to_string());
        let is_eni = collection == "network_interfaces";
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
            let path = vec![Step::Key(key.clone())];
            if v.is_empty() {
                d.emit(Action::SetValue { id: id.clone(), path, value: None });
            } else if is_eni {
                // Moving an interface is AWS's detach-and-attach, with its AZ rule.
                d.emit(Action::MoveInterface { eni: id.clone(), instance: v });
            } else {
                d.emit(Action::SetValue {
                    id: id.clone(),
                    path,
                    value: Some(serde_json::json!({ sub_key.clone(): v })),
                });
            }
        })
    };
    html! {
        <fieldset class="group">
            <legend>{ f.label }</legend>
            <div class="field">
                <label for={dom.clone()}>{ first.label }</label>
                <select id={dom} disabled={ctx.locked} {onchange}>
                    <option value="" selected={current.is_empty()}>{"(not attached)"}</option>
                    { for choices.iter().map(|(id, label)| html! { <option value={id.clone()} selected={*id == current}>{ label }</option> }) }
                </select>
            </div>
            if value.is_some() {
                { for sub.iter().skip(1).map(|s| {
                    let path = vec![Step::Key(f.key.to_string()), Step::Key(s.key.to_string())];
                    let dom = ctx.dom_id(&path);
                    html! {
                        <div class="field">
                            <label for={dom.clone()}>{ s.label }</label>
                            { control(ctx, s.ty, s.required, path, value.and_then(|v| v.get(s.key)), dom, s.label) }
                        </div>
                    }
                }) }
            }
        </fieldset>
    }
}

/// Fields whose absence means "on" in the format.
fn default_bool(path: &[Step]) -> bool {
    matches!(
        path.last(),
        Some(Step::Key(k)) if matches!(k.as_str(), "source_dest_check" | "healthy" | "default_route_table_association" | "default_route_table_propagation")
    )
}

/// "Inbound rules" → "Inbound rule", "Inbound entries" → "Inbound entry".
fn singular(label: &str) -> String {
    match label.strip_suffix("ies") {
        Some(stem) => format!("{stem}y"),
        None => label.strip_suffix('s').unwrap_or(label).to_string(),
    }
}

/// A diagnostic's field path in the form's own words: `routes[0].target` → "Route 1 target",
/// `cidr_block` → "IPv4 CIDR block"; a path the form does not show stays as it is.
fn field_words(c: &edit::Collection, path: &str) -> String {
    let (head, rest) = path.split_once('.').unwrap_or((path, ""));
    let (key, row) = match head.split_once('[') {
        Some((k, i)) => (k, i.trim_end_matches(']').parse::<usize>().ok()),
        None => (head, None),
    };
    let Some(f) = c.fields.iter().find(|f| f.key == key) else { return path.to_string() };
    match (row, f.ty) {
        (None, _) => f.label.to_string(),
        (Some(i), Ty::Table(cols)) => {
            let sub = cols.iter().find(|c| c.key == rest).map_or(rest.to_string(), |c| in_sentence(c.label));
            format!("{} {} {sub}", singular(f.label), i + 1).trim_end().to_string()
        }
        _ => path.to_string(),
    }
}

/// A label as it reads inside a sentence ("Ports" → "ports"), keeping acronyms as they are
/// ("ICMP type", "CIDR"), so accessible names say what the visible labels say.
fn in_sentence(label: &str) -> String {
    let mut c = label.chars();
    match (c.next(), c.next()) {
        (Some(first), Some(second)) if first.is_ascii_uppercase() && !second.is_ascii_uppercase() => {
            first.to_ascii_lowercase().to_string() + &label[1..]
        }
        _ => label.to_string(),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_read_as_the_form_labels_them() {
        let rt = edit::collection("route_tables").unwrap_or_else(|| unreachable!("no route tables"));
        assert_eq!(field_words(rt, "routes[0].target"), "Route 1 target");
        let sg = edit::collection("security_groups").unwrap_or_else(|| unreachable!());
        assert_eq!(field_words(sg, "inbound[2].icmp_type"), "Inbound rule 3 ICMP type");
        let subnet = edit::collection("subnets").unwrap_or_else(|| unreachable!());
        assert_eq!(field_words(subnet, "cidr_block"), "IPv4 CIDR block");
        assert_eq!(field_words(subnet, "something_else"), "something_else");
    }
}
