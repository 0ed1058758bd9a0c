//! The yardstick of issue 4's page-weight bound: a Yew hello-world (a counter button),
//! built with the page's release profile by `scripts/weight.sh`.
#![forbid(unsafe_code)]

use wasm_bindgen::prelude::*;
use yew::prelude::*;

#[function_component(Hello)]
fn hello() -> Html {
    let count = use_state(|| 0_u32);
    let onclick = {
        let count = count.clone();
        Callback::from(move |_| count.set(*count + 1))
    };
    html! { <button {onclick}>{ format!("Hello, clicked {} times", *count) }</button> }
}

/// Renders into the body when the module starts.
#[wasm_bindgen(start)]
pub fn start() {
    yew::Renderer::<Hello>::new().render();
}
