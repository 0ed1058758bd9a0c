//! `vpclab import` and AWS snapshots as input to the other commands.

use std::path::PathBuf;
use std::process::{Command, Output};

/// The repository's copy of the shared AWS snapshots (always present).
fn snapshots() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/aws-snapshots");
    assert!(dir.is_dir(), "missing {}", dir.display());
    Some(dir)
}

fn vpclab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vpclab"))
        .args(args)
        .output()
        .unwrap_or_else(|e| unreachable!("cannot run vpclab: {e}"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn import_prints_a_topology_that_loads_again() {
    let Some(dir) = snapshots() else { return };
    let out = vpclab(&["import", dir.join("bastion.json").to_str().unwrap_or_default()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let t = vpclab_core::Topology::from_json(&text(&out.stdout)).unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(t.vpcs.len(), 1);
    assert_eq!(t.elastic_ips.len(), 1);
}

#[test]
fn a_snapshot_directory_is_accepted_by_check_with_warnings_on_stderr() {
    let Some(dir) = snapshots() else { return };
    // Everything in this sample is modelled now: no warnings at all.
    let out = vpclab(&["check", dir.join("two-az-web").to_str().unwrap_or_default()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
    // A deleted VPN connection is skipped, with a warning naming file, object and field.
    let out = vpclab(&["check", dir.join("batfish/test-vpn-gateway").to_str().unwrap_or_default()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.lines().all(|l| l.starts_with("vpclab: warning: ")), "{err}");
    assert!(
        err.contains("VpnConnections.json: vpn-05044757278685fd3 (State): the VPN connection is deleted"),
        "{err}"
    );
    assert!(err.lines().count() <= 21, "at most 20 issues and a count: {err}");
}

#[test]
fn import_of_something_that_is_not_a_snapshot_exits_2() {
    let example =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../vpclab-core/data/examples/three-tier.json");
    let out = vpclab(&["import", example.to_str().unwrap_or_default()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not an AWS snapshot"), "{}", text(&out.stderr));
}
