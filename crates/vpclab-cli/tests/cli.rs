//! The CLI contract, as autograders use it: flags, JSON fields and exit statuses.

use std::path::PathBuf;
use std::process::{Command, Output};

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../vpclab-core/data/examples/three-tier.json")
}

fn vpclab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vpclab"))
        .args(args)
        .output()
        .unwrap_or_else(|e| unreachable!("cannot run vpclab: {e}"))
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| unreachable!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn reach_reachable_exits_0_with_both_paths_in_json() {
    let ex = example();
    let out = vpclab(&[
        "reach",
        ex.to_str().unwrap_or_default(),
        "--from",
        "internet",
        "--to",
        "web-1",
        "--port",
        "443",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v = json(&out);
    assert_eq!(v["reachable"], true);
    let fwd = v["forward"].as_array().map(Vec::len).unwrap_or(0);
    let ret = v["return"].as_array().map(Vec::len).unwrap_or(0);
    assert!(fwd > 0 && ret > 0);
    assert_eq!(v["forward"][1]["component"], "igw-prod");
    assert_eq!(v["forward"][1]["kind"], "internet-gateway");
    assert_eq!(v["forward"][1]["translated"]["dst"], "10.0.1.10");
    assert_eq!(v["explanations"].as_array().map(Vec::len), Some(0));
}

#[test]
fn reach_blocked_exits_1_and_names_every_blocker() {
    let ex = example();
    let out = vpclab(&[
        "reach",
        ex.to_str().unwrap_or_default(),
        "--from",
        "i-db",
        "--to",
        "internet",
        "--port",
        "443",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v["reachable"], false);
    let codes: Vec<(String, String, String)> = v["explanations"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e["code"].as_str().unwrap_or_default().to_string(),
                e["component"].as_str().unwrap_or_default().to_string(),
                e["path"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            ("ENI_SG_RULES_MISMATCH".into(), "sg-db".into(), "forward".into()),
            ("SUBNET_ACL_RESTRICTION".into(), "acl-db".into(), "forward".into()),
            ("NO_ROUTE_TO_DESTINATION".into(), "rtb-private".into(), "forward".into()),
        ]
    );
    assert_eq!(v["explanations"][0]["direction"], "egress");
}

#[test]
fn reach_accepts_ips_names_and_from_ip() {
    let ex = example();
    let p = ex.to_str().unwrap_or_default();
    // An IP outside every VPC is an internet host; a public IP names the interface.
    let out = vpclab(&["reach", p, "--from", "8.8.8.8", "--to", "203.0.113.10", "--port", "443"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    // --from-ip picks the app server's back interface.
    let out = vpclab(&[
        "reach",
        p,
        "--from",
        "app",
        "--from-ip",
        "10.0.2.20",
        "--to",
        "db",
        "--port",
        "5432",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["packet"]["src"], "10.0.2.20");
    // An address inside the VPC that nobody holds is an answer, not an error.
    let out = vpclab(&["reach", p, "--from", "web-1", "--to", "10.0.1.99", "--port", "22"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("no network interface holds 10.0.1.99"));
}

#[test]
fn bad_input_exits_2_with_a_message_naming_what_is_wrong() {
    let ex = example();
    let p = ex.to_str().unwrap_or_default();
    let out = vpclab(&["reach", p, "--from", "nobody", "--to", "web-1", "--port", "443"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr)
        .contains("from: no instance, network interface, internet gateway or address called \"nobody\""));
    let out = vpclab(&["reach", p, "--from", "web-1", "--to", "db"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("port: a destination port is required for tcp"));
    let out = vpclab(&["reach", "/nonexistent.json", "--from", "a", "--to", "b", "--port", "1"]);
    assert_eq!(out.status.code(), Some(2));
    let out = vpclab(&["cidr", "10.0.0.0/33"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn check_exits_1_on_errors_naming_entity_and_field() {
    let dir = std::env::temp_dir().join(format!("vpclab-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_default();
    let bad = dir.join("bad.json");
    let topo = r#"{"format":1,"vpcs":[{"id":"vpc-1","name":"prod","cidr_blocks":["10.0.0.0/16"]}],
        "subnets":[{"id":"subnet-1","name":"web-a","vpc":"vpc-1","availability_zone":"us-east-1a","cidr_block":"10.1.0.0/24"}]}"#;
    std::fs::write(&bad, topo).unwrap_or_default();
    let out = vpclab(&["check", bad.to_str().unwrap_or_default()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout)
            .contains(r#"subnet "web-a" (cidr_block): 10.1.0.0/24 is outside VPC "prod" (10.0.0.0/16)"#),
        "{}",
        text(&out.stdout)
    );
    let out = vpclab(&["check", bad.to_str().unwrap_or_default(), "--json"]);
    let v = json(&out);
    assert_eq!(v[0]["entity"], "subnet-1");
    assert_eq!(v[0]["field"], "cidr_block");
    let ex = example();
    assert_eq!(vpclab(&["check", ex.to_str().unwrap_or_default()]).status.code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cidr_reports_size_usable_and_reserved() {
    let out = vpclab(&["cidr", "10.0.1.0/24", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["size"], "256");
    assert_eq!(v["aws_usable"], "251");
    assert_eq!(v["reserved"][0]["address"], "10.0.1.0");
    assert_eq!(v["reserved"][4]["address"], "10.0.1.255");
    let out = vpclab(&["cidr", "10.0.0.0/28"]);
    assert!(text(&out.stdout).contains("aws usable  11"));
}

#[test]
fn lint_reports_advice_and_always_exits_0() {
    let ex = example();
    let p = ex.to_str().unwrap_or_default();
    // The three-tier example follows the advice: nothing to report.
    let out = vpclab(&["lint", p]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "no findings\n");
    let out = vpclab(&["lint", p, "--json"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out), serde_json::json!([]));

    let dir = std::env::temp_dir().join(format!("vpclab-cli-lint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_default();
    let idle = dir.join("idle.json");
    let topo = r#"{"format":1,"vpcs":[{"id":"vpc-1","cidr_blocks":["10.0.0.0/16"]}],
        "elastic_ips":[{"id":"eipalloc-1","name":"old","public_ip":"198.51.100.7"}]}"#;
    std::fs::write(&idle, topo).unwrap_or_default();
    let out = vpclab(&["lint", idle.to_str().unwrap_or_default()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stdout).starts_with(
            "warning: Elastic IP \"old\" (association): 198.51.100.7 is allocated but associated with nothing"
        ),
        "{}",
        text(&out.stdout)
    );
    let out = vpclab(&["lint", idle.to_str().unwrap_or_default(), "--json"]);
    let v = json(&out);
    assert_eq!(v[0]["rule"], "idle-elastic-ip");
    assert_eq!(v[0]["entity"], "eipalloc-1");
    assert_eq!(v[0]["field"], "association");
    assert!(v[0]["doc"].as_str().unwrap_or_default().starts_with("https://docs.aws.amazon.com/"));
    assert_eq!(vpclab(&["lint", "/nonexistent.json"]).status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ports_matrix_and_exposure_answer_for_every_packet_at_once() {
    let ex = example();
    let p = ex.to_str().unwrap_or_default();
    let out = vpclab(&["ports", p, "--from", "app", "--to", "db", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["protocols"][0]["protocol"], "tcp");
    assert_eq!(v["protocols"][0]["ports"], serde_json::json!(["5432"]));
    assert_eq!(v["protocols"][1]["reachable"], false);
    // Nothing reaches the database from the web tier: exit 1.
    assert_eq!(vpclab(&["ports", p, "--from", "web-1", "--to", "db"]).status.code(), Some(1));

    let out = vpclab(&["matrix", p, "--port", "8080", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    let n = v["endpoints"].as_array().map(Vec::len).unwrap_or(0);
    assert_eq!(n, 4);
    let reachable: Vec<(usize, usize)> = (0..n * n)
        .filter(|k| {
            let idx = &v["cells"][k];
            idx.as_u64().is_some_and(|a| v["answers"][a as usize]["reachable"] == true)
        })
        .map(|k| (k / n, k % n))
        .collect();
    assert_eq!(reachable, [(0, 2), (1, 2)], "web-1 and web-2 reach the app on 8080, nothing else does");

    let out = vpclab(&["exposure", p]);
    assert_eq!(out.status.code(), Some(0));
    let t = text(&out.stdout);
    assert!(t.contains("eni-web1 at 203.0.113.10: tcp 443"), "{t}");
    assert!(!t.contains("app"), "{t}");
}

#[test]
fn load_balancers_answer_by_name_and_by_arn() {
    let ex = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../vpclab-core/data/examples/alb-private-targets.json");
    let p = ex.to_str().unwrap_or_default();
    let arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/alb-web/50dc6c495c0c9188";
    for to in ["alb-web", "web-alb", arn] {
        let out = vpclab(&["reach", p, "--from", "internet", "--to", to, "--port", "443", "--json"]);
        assert_eq!(out.status.code(), Some(0), "{to}: {}", text(&out.stdout));
        let v = json(&out);
        let hops = v["forward"].as_array().cloned().unwrap_or_default();
        assert!(
            hops.iter().any(|h| h["kind"] == "load-balancer" && h["translated"]["dst_port"] == 8080),
            "{to}"
        );
    }
    // No listener on 80.
    let out = vpclab(&["reach", p, "--from", "internet", "--to", "alb-web", "--port", "80", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(json(&out)["explanations"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|e| e["code"] == "ELBV2_LISTENERS_MISMATCH"));
}

#[test]
fn link_and_unlink_round_trip_a_topology() {
    let ex = example();
    let out = vpclab(&["link", ex.to_str().unwrap_or_default()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let fragment = text(&out.stdout).trim().to_string();
    assert!(fragment.starts_with("#v1.") && fragment.len() <= 1000, "{fragment}");
    let url = format!("https://course.example/vpclab/{fragment}");
    let back = vpclab(&["unlink", &url]);
    assert_eq!(back.status.code(), Some(0), "{}", text(&back.stderr));
    let original: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&ex).unwrap_or_default()).unwrap_or_default();
    assert_eq!(json(&back), original);
    // Every command takes a link where it takes a file.
    let reach = vpclab(&["reach", &fragment, "--from", "internet", "--to", "web-1", "--port", "443"]);
    assert_eq!(reach.status.code(), Some(0), "{}", text(&reach.stderr));
    let cut = vpclab(&["unlink", &fragment[..fragment.len() / 2]]);
    assert_eq!(cut.status.code(), Some(2));
    assert!(text(&cut.stderr).contains("truncated or damaged"), "{}", text(&cut.stderr));
}

#[test]
fn grade_exits_0_only_when_every_goal_passes() {
    let topology: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example()).unwrap_or_default()).unwrap_or_default();
    let challenge = |port: u16| {
        serde_json::json!({
            "title": "Open the web tier",
            "instructions": "Let the internet reach web-1.",
            "start": topology,
            "goals": [
                { "kind": "reach", "from": "internet", "to": "web-1", "protocol": "tcp", "port": port },
                { "kind": "any_port", "from": "internet", "to": "db", "reachable": false }
            ]
        })
    };
    let dir = std::env::temp_dir().join(format!("vpclab-grade-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_default();
    let pass = dir.join("pass.json");
    let fail = dir.join("fail.json");
    std::fs::write(&pass, challenge(443).to_string()).unwrap_or_default();
    std::fs::write(&fail, challenge(22).to_string()).unwrap_or_default();
    let ex = example();
    let ok = vpclab(&["grade", pass.to_str().unwrap_or_default(), ex.to_str().unwrap_or_default()]);
    assert_eq!(ok.status.code(), Some(0), "{}{}", text(&ok.stdout), text(&ok.stderr));
    assert!(text(&ok.stdout).contains("100% of goals to achieve met: all goals met"), "{}", text(&ok.stdout));
    // A challenge file's link carries the challenge; grading the link grades its start.
    let link = vpclab(&["link", fail.to_str().unwrap_or_default()]);
    let fragment = text(&link.stdout).trim().to_string();
    let from_link = vpclab(&["grade", &fragment]);
    assert_eq!(from_link.status.code(), Some(1), "{}", text(&from_link.stdout));
    // The start already keeps db closed: that goal is to keep, and nothing is achieved yet.
    let out = text(&from_link.stdout);
    assert!(out.contains("0% of goals to achieve met"), "{out}");
    let (achieve, keep) = out.split_once("Keep true:").unwrap_or_default();
    assert!(achieve.contains("To achieve:\n  ✗ internet must reach web-1 on tcp/22"), "{out}");
    assert!(keep.contains("✓ internet must not reach db on any port"), "{out}");
    let no = vpclab(&["grade", fail.to_str().unwrap_or_default(), ex.to_str().unwrap_or_default(), "--json"]);
    assert_eq!(no.status.code(), Some(1));
    let j = json(&no);
    assert_eq!(j["percent"], 0);
    assert_eq!(j["goals"][0]["passed"], false);
    assert_eq!(j["goals"][0]["keep"], false);
    assert_eq!(j["goals"][1]["keep"], true);
    assert_eq!(j["goals"][0]["text"], "internet must reach web-1 on tcp/22");
    let _ = std::fs::remove_dir_all(&dir);
}
