//! The ready-for-service lag of an instance by provisioning approach (bootstrapping, AMI
//! baking, combined), as a timeline from the engine's `provisioning::timeline`.

use yew::prelude::*;

use vpclab_core::provisioning::{self, Steps};

#[function_component(Launch)]
pub fn launch() -> Html {
    let steps = use_state(|| Steps { boot: 1.0, base: 8.0, app: 3.0, config: 0.5 });
    let field = |label: &'static str, id: &'static str, get: fn(&Steps) -> f64, set: fn(&mut Steps, f64)| {
        let s = steps.clone();
        let onchange = Callback::from(move |e: Event| {
            let v: f64 =
                e.target_unchecked_into::<web_sys::HtmlInputElement>().value().trim().parse().unwrap_or(0.0);
            let mut next = *s;
            set(&mut next, v.clamp(0.0, 600.0));
            s.set(next);
        });
        html! {
            <span class="inline">
                <label for={id}>{ label }</label>
                <input {id} type="number" min="0" step="0.5" value={get(&steps).to_string()} {onchange} />
            </span>
        }
    };
    let plan = provisioning::timeline(*steps);
    let longest = plan.iter().flat_map(|a| a.segments.iter().map(|s| s.end)).fold(1.0_f64, f64::max);
    let scale = 520.0 / longest;
    html! {
        <details class="launch">
            <summary>{"Launch and provisioning"}</summary>
            <p class="muted">{"Minutes per step. Baked steps happen when the AMI is built, before any launch; configuration runs at boot in every approach."}</p>
            <div class="launch-inputs">
                { field("Boot", "lp-boot", |s| s.boot, |s, v| s.boot = v) }
                { field("Base install", "lp-base", |s| s.base, |s, v| s.base = v) }
                { field("App update", "lp-app", |s| s.app, |s, v| s.app = v) }
                { field("Config", "lp-config", |s| s.config, |s, v| s.config = v) }
            </div>
            <svg class="timeline" role="img" viewBox={format!("0 0 700 {}", 40 + 70 * plan.len())}
                 aria-label={plan.iter().map(|a| format!("{}: ready after {} min", a.name, a.ready)).collect::<Vec<_>>().join("; ")}>
                { for plan.iter().enumerate().map(|(i, a)| {
                    let y = 20.0 + 70.0 * i as f64;
                    html! {
                        <g>
                            <text x="0" y={(y + 12.0).to_string()} class="approach">{ format!("{} — ready in {} min", a.name, a.ready) }</text>
                            <text x="0" y={(y + 26.0).to_string()} class="how">{ a.how }</text>
                            { for a.segments.iter().map(|s| {
                                let row = if s.baked { y + 50.0 } else { y + 32.0 };
                                let w = ((s.end - s.start) * scale).max(1.0);
                                html! {
                                    <g class={classes!("seg", s.baked.then_some("baked"))}>
                                        <rect x={(170.0 + s.start * scale).to_string()} y={row.to_string()} width={w.to_string()} height="14" rx="3" />
                                        <text x={(174.0 + s.start * scale).to_string()} y={(row + 11.0).to_string()}>{ if w > 40.0 { s.step } else { "" } }</text>
                                    </g>
                                }
                            }) }
                        </g>
                    }
                }) }
            </svg>
        </details>
    }
}
