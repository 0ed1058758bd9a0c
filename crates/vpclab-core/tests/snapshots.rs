//! Every AWS snapshot under `shared/aws-snapshots/` imports: no import error, no error-level
//! issue, a model without error diagnostics and at least one VPC. The samples are the
//! documented layout; the Batfish ones are real `describe-*` output with its quirks.
//!
//! Each top-level `.json` file is one snapshot (the merged form); each directory is one
//! snapshot (the directory form, searched recursively), except `batfish/`, which holds one
//! snapshot per sub-directory.

use std::path::{Path, PathBuf};

use vpclab_core::import::{import, SnapshotFile};
use vpclab_core::{model, Severity};

/// The project's shared snapshots (`../shared/aws-snapshots`, the authority, which may grow)
/// when present beside the repository, else the copy in `tests/aws-snapshots`.
fn snapshots_dir() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let shared = here.join("../../../shared/aws-snapshots");
    if shared.is_dir() {
        shared
    } else {
        here.join("../../tests/aws-snapshots")
    }
}

/// The `.json` files under `dir`, recursively, in sorted order (as the CLI reads them).
fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| unreachable!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

fn read(root: &Path, paths: &[PathBuf]) -> Vec<SnapshotFile> {
    paths
        .iter()
        .map(|p| SnapshotFile {
            path: p.strip_prefix(root).unwrap_or(p).display().to_string(),
            text: std::fs::read_to_string(p)
                .unwrap_or_else(|e| unreachable!("cannot read {}: {e}", p.display())),
        })
        .collect()
}

/// Every snapshot: (name, files).
fn snapshots() -> Vec<(String, Vec<SnapshotFile>)> {
    let root = snapshots_dir();
    assert!(
        root.is_dir(),
        "the AWS snapshots are missing: expected a directory at {} (shared/aws-snapshots next to the repository)",
        root.display()
    );
    let mut dirs: Vec<PathBuf> = Vec::new();
    let mut out = Vec::new();
    let mut top: Vec<PathBuf> =
        std::fs::read_dir(&root).into_iter().flatten().filter_map(|e| e.ok().map(|e| e.path())).collect();
    top.sort();
    for p in top {
        if p.is_dir() && p.file_name().is_some_and(|n| n == "batfish") {
            let mut subs: Vec<PathBuf> = std::fs::read_dir(&p)
                .into_iter()
                .flatten()
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            subs.sort();
            dirs.extend(subs.into_iter().filter(|s| s.is_dir()));
        } else if p.is_dir() {
            dirs.push(p);
        } else if p.extension().is_some_and(|x| x == "json") {
            let name = p.strip_prefix(&root).unwrap_or(&p).display().to_string();
            out.push((name, read(&root, std::slice::from_ref(&p))));
        }
    }
    for d in dirs {
        let mut files = Vec::new();
        json_files(&d, &mut files);
        let name = d.strip_prefix(&root).unwrap_or(&d).display().to_string();
        out.push((name, read(&root, &files)));
    }
    out
}

#[test]
fn every_snapshot_imports_and_builds_without_errors() {
    let all = snapshots();
    assert!(all.len() >= 3, "expected the sample snapshots, found {}", all.len());
    let mut failures = Vec::new();
    for (name, files) in &all {
        let (t, issues) = match import(files) {
            Ok(x) => x,
            Err(e) => {
                failures.push(format!("{name}: import failed: {e}"));
                continue;
            }
        };
        for i in issues.iter().filter(|i| i.severity == Severity::Error) {
            failures.push(format!("{name}: {i}"));
        }
        let (_, diags) = model::build(&t);
        for d in diags.iter().filter(|d| d.severity == Severity::Error) {
            failures.push(format!("{name}: model: {d}"));
        }
        // A snapshot that has no VPCs at all (Direct Connect only) rightly imports none.
        let has_vpcs = files.iter().any(|f| f.text.contains("\"Vpcs\""));
        if t.vpcs.is_empty() && has_vpcs {
            failures.push(format!("{name}: no VPC imported"));
        }
        let warnings = issues.len();
        eprintln!(
            "{name}: {} files, {} VPCs, {} subnets, {} route tables, {} gateways, {} instances, {} interfaces, {} EIPs, {} SGs, {} ACLs; {warnings} warnings, {} model diagnostics",
            files.len(),
            t.vpcs.len(),
            t.subnets.len(),
            t.route_tables.len(),
            t.internet_gateways.len(),
            t.instances.len(),
            t.network_interfaces.len(),
            t.elastic_ips.len(),
            t.security_groups.len(),
            t.network_acls.len(),
            diags.len()
        );
    }
    assert!(failures.is_empty(), "{} problem(s):\n{}", failures.len(), failures.join("\n"));
}

/// Importing is deterministic: the same files give the same topology and issues.
#[test]
fn import_is_deterministic() {
    for (name, files) in snapshots() {
        let a = import(&files).map_err(|e| e.to_string());
        let b = import(&files).map_err(|e| e.to_string());
        assert_eq!(a, b, "{name}");
    }
}
