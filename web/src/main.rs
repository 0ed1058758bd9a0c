//! vpclab's page: a thin Yew view over the engine.
//!
//! Data flows one way: the topology goes to the engine (`vpclab-core`), which builds the
//! model, lays out the diagram and answers the query; components only render what it says
//! and dispatch [`state::Action`]s.
#![forbid(unsafe_code)]

mod api;
mod app;
mod background;
mod browser;
mod diagram;
mod embed;
mod inspector;
mod launch;
mod query_panel;
mod state;
mod trace_view;
mod workbench;

/// Runs when the module loads: in the page, the app; in the background worker (which loads
/// this same module to answer [`background`] jobs) there is no window and nothing to render.
fn main() {
    if web_sys::window().is_some() {
        yew::Renderer::<app::App>::new().render();
    }
}
