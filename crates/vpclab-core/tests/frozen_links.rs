//! Links made by released builds decode forever to the topology they were made from.
//! The files live in `tests/links/` (see its README): never regenerate them.

use std::path::PathBuf;

use vpclab_core::{share, Topology};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/links")
}

#[test]
fn frozen_links_decode_to_their_topologies() {
    let mut checked = 0;
    let entries = std::fs::read_dir(dir()).unwrap_or_else(|e| unreachable!("tests/links: {e}"));
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
        let Some(stem) = name.strip_suffix(".v1.txt") else { continue };
        let link = std::fs::read_to_string(&path).unwrap_or_default();
        let json = std::fs::read_to_string(dir().join(format!("{stem}.json"))).unwrap_or_default();
        let want = Topology::from_json(&json).unwrap_or_else(|e| unreachable!("{stem}.json: {e}"));
        match share::decode(&link) {
            Ok(got) => assert_eq!(got.topology, want, "{name} no longer decodes to {stem}.json"),
            Err(e) => unreachable!("{name}: {e}"),
        }
        checked += 1;
    }
    assert!(checked >= 2, "only {checked} frozen links found");
}
