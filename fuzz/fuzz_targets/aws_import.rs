//! An AWS snapshot: one or two files of arbitrary JSON-ish text through the importer, then
//! the model. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vpclab_core::import::{import, SnapshotFile};
use vpclab_core::model;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut mid = text.len() / 2;
    while !text.is_char_boundary(mid) {
        mid -= 1;
    }
    let (a, b) = text.split_at(mid);
    let files = [
        SnapshotFile { path: "a.json".into(), text: a.to_string() },
        SnapshotFile { path: "b.json".into(), text: b.to_string() },
        SnapshotFile { path: "all.json".into(), text: text.to_string() },
    ];
    if let Ok((t, _)) = import(&files) {
        let _ = model::build(&t);
    }
});
