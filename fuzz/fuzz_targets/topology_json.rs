//! A topology file (or a share link's payload, once links exist): decode, build, lay out and
//! ask every picker's query. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vpclab_core::{endpoint, exhaustive, layout, lint, model, trace, Protocol, Topology};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(t) = Topology::from_json(text) else { return };
    let (m, _) = model::build(&t);
    let _ = layout::layout(&m);
    let _ = lint::lint(&m);
    let c = endpoint::candidates(&m);
    for a in c.iter().take(6) {
        for b in c.iter().take(6) {
            let q = trace::Query::new(a.id.clone(), b.id.clone(), Protocol::Tcp, Some(443));
            let _ = trace::reach(&m, &q);
        }
    }
    let _ = exhaustive::matrix(&m, Protocol::Tcp, Some(22));
});
