//! vpclab's page: a thin Yew view over the engine.
//!
//! Data flows one way: the topology goes to the engine (`vpclab-core`), which builds the
//! model, lays out the diagram and answers the query; components only render what it says
//! and dispatch [`state::Action`]s.
#![forbid(unsafe_code)]

mod api;
mod app;
mod browser;
mod diagram;
mod embed;
mod inspector;
mod launch;
mod query_panel;
mod state;
mod trace_view;
mod workbench;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
