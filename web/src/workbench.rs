//! The CIDR workbench: a calculator (range, mask, size, AWS-usable count, reserved
//! addresses, private or public, the bits) with overlaps against the network on screen, and
//! a subnet planner whose plan can be added to a VPC. All answers come from the engine
//! (`cidr`, `planner`); the inputs are the only state kept here, updated as they are typed
//! (so the plan on screen is always the one the Add button applies).

use std::rc::Rc;

use yew::prelude::*;

use vpclab_core::planner;
use vpclab_core::{cidr, Topology};

use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub topology: Rc<Topology>,
    pub dispatch: Callback<Action>,
}

#[function_component(Workbench)]
pub fn workbench(p: &Props) -> Html {
    let block = use_state(|| "10.0.1.0/24".to_string());
    let t = &p.topology;
    let first_vpc = t.vpcs.first().map(|v| v.id.clone()).unwrap_or_default();
    let vpc = use_state(|| first_vpc.clone());
    let azs = use_state(|| format!("{0}a, {0}b", t.region));
    let tiers = use_state(|| "web 29\napp 100\ndb 12".to_string());
    let on = |h: &UseStateHandle<String>| {
        let h = h.clone();
        Callback::from(move |e: InputEvent| {
            h.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value())
        })
    };
    let on_vpc = {
        let vpc = vpc.clone();
        Callback::from(move |e: Event| {
            vpc.set(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value())
        })
    };
    let on_tiers = {
        let tiers = tiers.clone();
        Callback::from(move |e: InputEvent| {
            tiers.set(e.target_unchecked_into::<web_sys::HtmlTextAreaElement>().value())
        })
    };

    let calc = match planner::parse(&block) {
        Ok(net) => {
            let i = cidr::describe(net);
            let conflicts = planner::conflicts(t, i.cidr);
            let bits = planner::bits(i.first);
            let prefix = usize::from(i.prefix_len);
            // Split the bit string at the prefix, counting only digits.
            let mut seen = 0;
            let cut = bits
                .char_indices()
                .find(|(_, c)| {
                    c.is_ascii_digit() && {
                        seen += 1;
                        seen > prefix
                    }
                })
                .map_or(bits.len(), |(k, _)| k);
            html! {
                <dl class="calc" aria-label="CIDR facts">
                    if i.had_host_bits { <dt>{"Note"}</dt><dd class="warn">{ format!("host bits set: the block is {}", i.cidr) }</dd> }
                    <dt>{"Range"}</dt><dd>{ format!("{} – {}", i.first, i.last) }</dd>
                    <dt>{"Netmask"}</dt><dd>{ format!("{} (/{})", i.netmask, i.prefix_len) }</dd>
                    <dt>{"Addresses"}</dt><dd>{ &i.size }</dd>
                    <dt>{"Usable in an AWS subnet"}</dt><dd>{ format!("{} (AWS reserves 5)", i.aws_usable) }</dd>
                    <dt>{"Reserved"}</dt>
                    <dd><ul>{ for i.reserved.iter().map(|r| html! { <li>{ format!("{} — {}", r.address, r.purpose) }</li> }) }</ul></dd>
                    <dt>{"Kind"}</dt><dd>{ if i.private { "private (RFC 1918 / unique-local)" } else { "public" } }
                        { if i.valid_subnet_size { "" } else { " · not a valid AWS subnet size (/16–/28, IPv6 /44–/64)" } }</dd>
                    <dt>{"Bits"}</dt><dd class="bits" aria-label={format!("network part: first {prefix} bits")}>
                        <span class="net-bits">{ &bits[..cut] }</span><span class="host-bits">{ &bits[cut..] }</span></dd>
                    <dt>{"In this network"}</dt>
                    <dd>{ if conflicts.is_empty() { "overlaps nothing".to_string() } else { conflicts.join("; ") } }</dd>
                </dl>
            }
        }
        Err(e) => html! { <p class="warn" role="alert">{ e }</p> },
    };

    // The chosen VPC, or the first one while the choice names none (no VPC yet when the
    // workbench opened, or the chosen one deleted): the select shows the first, so plan it.
    let chosen = t.vpcs.iter().find(|v| v.id == *vpc).or(t.vpcs.first());
    let vpc_block = chosen;
    let vpc = chosen.map(|v| v.id.clone()).unwrap_or_default();
    let plan = vpc_block.ok_or_else(|| "add a VPC first".to_string()).and_then(|v| {
        let v4 = v
            .cidr_blocks
            .iter()
            .find(|b| matches!(b, ipnet::IpNet::V4(_)))
            .copied()
            .ok_or("the VPC has no IPv4 block")?;
        let az_list: Vec<String> =
            azs.split(',').map(str::trim).filter(|a| !a.is_empty()).map(str::to_string).collect();
        let tier_list = planner::parse_tiers(&tiers)?;
        planner::plan(t, v4, v.ipv6_cidr_block, &az_list, &tier_list)
    });
    let apply = match &plan {
        Ok(plan) if !plan.is_empty() => {
            let (d, vpc, plan) = (p.dispatch.clone(), vpc.clone(), plan.clone());
            Some(Callback::from(move |_| d.emit(Action::ApplyPlan { vpc: vpc.clone(), plan: plan.clone() })))
        }
        _ => None,
    };

    html! {
        <details class="workbench">
            <summary>{"CIDR workbench"}</summary>
            <div class="field">
                <label for="wb-block">{"CIDR block or address"}</label>
                <input id="wb-block" type="text" value={(*block).clone()} spellcheck="false" oninput={on(&block)} />
            </div>
            { calc }
            <h4>{"Subnet planner"}</h4>
            <div class="planner-inputs">
                <label for="wb-vpc">{"VPC"}</label>
                <select id="wb-vpc" onchange={on_vpc}>
                    { for t.vpcs.iter().map(|v| html! {
                        <option value={v.id.clone()} selected={vpc == v.id}>{ format!("{} ({})", v.name.as_deref().unwrap_or(&v.id),
                            v.cidr_blocks.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")) }</option>
                    }) }
                </select>
                <label for="wb-azs">{"Availability Zones"}</label>
                <input id="wb-azs" type="text" value={(*azs).clone()} oninput={on(&azs)} />
                <label for="wb-tiers">{"Tiers: name and hosts per subnet, one per line"}</label>
                <textarea id="wb-tiers" rows="3" value={(*tiers).clone()} oninput={on_tiers} />
            </div>
            { match &plan {
                Ok(plan) => html! {
                    <table class="plan" aria-label="Planned subnets">
                        <thead><tr><th scope="col">{"Subnet"}</th><th scope="col">{"AZ"}</th><th scope="col">{"CIDR"}</th><th scope="col">{"Hosts"}</th><th scope="col">{"Usable"}</th><th scope="col">{"IPv6"}</th></tr></thead>
                        <tbody>
                        { for plan.iter().map(|x| html! {
                            <tr><td>{ &x.name }</td><td>{ &x.availability_zone }</td><td>{ x.cidr_block.to_string() }</td>
                                <td>{ x.hosts }</td><td>{ x.usable.to_string() }</td>
                                <td>{ x.ipv6_cidr_block.map(|b| b.to_string()).unwrap_or_default() }</td></tr>
                        }) }
                        </tbody>
                    </table>
                },
                Err(e) => html! { <p class="warn" role="alert">{ e }</p> },
            } }
            if let Some(onclick) = apply {
                <button type="button" {onclick}>{ format!("Add these subnets to {vpc}") }</button>
            }
        </details>
    }
}
