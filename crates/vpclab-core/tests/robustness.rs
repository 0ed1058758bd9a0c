//! Untrusted input never panics the engine: arbitrary text, and mutations of a real
//! topology, go through decoding, model building, layout and every query a picker offers.
//! (A bounded, always-on stand-in for a fuzzer; see ARCHITECTURE.md.)

use proptest::prelude::*;
use vpclab_core::endpoint::candidates;
use vpclab_core::trace::{reach, Query};
use vpclab_core::{examples, layout, model, Protocol, Topology};

/// Decode, build, lay out and ask everything; only panics matter.
fn exercise(text: &str) {
    let Ok(t) = Topology::from_json(text) else { return };
    let (m, _) = model::build(&t);
    let _ = layout::layout(&m);
    let c = candidates(&m);
    for a in c.iter().take(8) {
        for b in c.iter().take(8) {
            for (protocol, port) in
                [(Protocol::Tcp, Some(443)), (Protocol::Icmp, None), (Protocol::Udp, None)]
            {
                let q = Query::new(a.id.clone(), b.id.clone(), protocol, port);
                let _ = reach(&m, &q);
            }
        }
    }
}

fn example_json() -> String {
    examples::ALL.first().map(|e| e.json.to_string()).unwrap_or_default()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(s in ".{0,400}") {
        exercise(&s);
    }

    /// Replace one JSON scalar of the example with another value: ids, CIDRs, addresses,
    /// numbers and flags all go wrong in turn.
    #[test]
    fn mutated_topologies_never_panic(pick in any::<prop::sample::Index>(), value in prop_oneof![
        Just(serde_json::json!("")),
        Just(serde_json::json!("0.0.0.0/0")),
        Just(serde_json::json!("10.0.1.0/24")),
        Just(serde_json::json!("10.0.1.1")),
        Just(serde_json::json!("255.255.255.255")),
        Just(serde_json::json!("::/0")),
        Just(serde_json::json!("i-app")),
        Just(serde_json::json!("sg-db")),
        Just(serde_json::json!("subnet-web-a")),
        Just(serde_json::json!(0)),
        Just(serde_json::json!(65535)),
        Just(serde_json::json!(true)),
        Just(serde_json::json!(null)),
        Just(serde_json::json!([])),
    ]) {
        let mut v: serde_json::Value = serde_json::from_str(&example_json()).unwrap_or_default();
        let mut slots = Vec::new();
        collect_scalars(&mut v, &mut slots);
        if !slots.is_empty() {
            *slots.swap_remove(pick.index(slots.len())) = value;
        }
        exercise(&v.to_string());
    }

    /// Drop any one object (a subnet, an interface, a group...): dangling references everywhere.
    #[test]
    fn removed_resources_never_panic(pick in any::<prop::sample::Index>()) {
        let mut v: serde_json::Value = serde_json::from_str(&example_json()).unwrap_or_default();
        let lists: Vec<String> = v.as_object().map(|o| o.iter().filter(|(_, x)| x.is_array()).map(|(k, _)| k.clone()).collect()).unwrap_or_default();
        if !lists.is_empty() {
            let key = &lists[pick.index(lists.len())];
            if let Some(arr) = v.get_mut(key).and_then(|a| a.as_array_mut()) {
                if !arr.is_empty() {
                    let i = pick.index(arr.len());
                    arr.remove(i);
                }
            }
        }
        exercise(&v.to_string());
    }
}

fn collect_scalars<'a>(v: &'a mut serde_json::Value, out: &mut Vec<&'a mut serde_json::Value>) {
    match v {
        serde_json::Value::Object(o) => o.values_mut().for_each(|x| collect_scalars(x, out)),
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| collect_scalars(x, out)),
        scalar => out.push(scalar),
    }
}

/// The merged-form AWS sample (the repository's copy of the shared snapshots).
fn bastion_snapshot() -> Option<String> {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/aws-snapshots/bastion.json");
    std::fs::read_to_string(path).ok()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Replace one JSON scalar of an AWS snapshot: ids, states, addresses, protocols, ports
    /// and flags go wrong in turn. Importing reports issues and never panics, and what it
    /// imports goes through the whole engine.
    #[test]
    fn mutated_aws_snapshots_never_panic(pick in any::<prop::sample::Index>(), value in prop_oneof![
        Just(serde_json::json!("")),
        Just(serde_json::json!("garbage")),
        Just(serde_json::json!("0.0.0.0/0")),
        Just(serde_json::json!("172.16.0.0/24")),
        Just(serde_json::json!("172.16.0.10")),
        Just(serde_json::json!("::/0")),
        Just(serde_json::json!("local")),
        Just(serde_json::json!("igw-00d838edb398943d9")),
        Just(serde_json::json!("vpc-060e7d1b44d5ee109")),
        Just(serde_json::json!("eni-0a814da4ac98e8223")),
        Just(serde_json::json!("sg-0ea36ce6c532d0090")),
        Just(serde_json::json!("nat_gateway")),
        Just(serde_json::json!("disassociated")),
        Just(serde_json::json!("-1")),
        Just(serde_json::json!(-1)),
        Just(serde_json::json!(32767)),
        Just(serde_json::json!(70000)),
        Just(serde_json::json!(1.5)),
        Just(serde_json::json!(true)),
        Just(serde_json::json!(null)),
        Just(serde_json::json!([])),
        Just(serde_json::json!({})),
    ]) {
        let text = bastion_snapshot();
        prop_assert!(text.is_some(), "tests/aws-snapshots/bastion.json is missing");
        let text = text.unwrap_or_default();
        let mut v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let mut slots = Vec::new();
        collect_scalars(&mut v, &mut slots);
        if !slots.is_empty() {
            *slots.swap_remove(pick.index(slots.len())) = value;
        }
        let file = vpclab_core::import::SnapshotFile { path: "bastion.json".into(), text: v.to_string() };
        if let Ok((t, _)) = vpclab_core::import::import(&[file]) {
            exercise(&t.to_json_pretty());
        }
    }
}

fn example_link() -> String {
    examples::ALL.first().map(|e| vpclab_core::share::encode_topology(&examples::load(e))).unwrap_or_default()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Share links arrive cut, retyped and mangled by chat apps: never a panic.
    #[test]
    fn mangled_links_never_panic(cut in any::<prop::sample::Index>(), at in any::<prop::sample::Index>(), c in any::<char>()) {
        let link = example_link();
        let mut chars: Vec<char> = link.chars().collect();
        let i = at.index(chars.len());
        chars[i] = c;
        let changed: String = chars.iter().collect();
        let _ = vpclab_core::share::decode(&changed);
        let _ = vpclab_core::share::decode(&link[..cut.index(link.len())]);
    }

    #[test]
    fn arbitrary_links_never_panic(s in "v1\\.[A-Za-z0-9_-]{0,200}") {
        let _ = vpclab_core::share::decode(&s);
    }
}
