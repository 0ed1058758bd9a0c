//! `vpclab`: the engine on the command line, for course autograders and CI.
//!
//! The contract (flags, JSON fields, exit statuses) is stable: tests and graders rely on it.
//! Exit status: `reach` 0 reachable, 1 not reachable; `check` 0 clean, 1 error-level
//! diagnostics; `lint` 0 (findings are advice); `import` 0 (issues are listed on stderr);
//! `grade` 0 when every goal passes, 1 otherwise; any command 2 on bad input, with a message
//! on stderr naming what is wrong. Wherever a command takes a topology file it also takes an
//! AWS snapshot or a share link (`#v1.…`, or a whole URL).

use clap::{Parser, Subcommand};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use vpclab_core::{
    challenge, cidr, exhaustive, import, lint, model, share, trace, Protocol, Severity, Topology,
};

#[derive(Parser)]
#[command(
    name = "vpclab",
    version,
    about = "Design and debug AWS VPC networks: reachability, diagnostics, CIDR math"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Can A reach B? The forward and return path, hop by hop, and every blocker.
    Reach {
        /// A vpclab topology file (JSON), or an AWS snapshot (a directory or a JSON file of
        /// `aws ec2 describe-*` output); every command's input accepts both.
        input: PathBuf,
        /// Source: an id (i-…, eni-…, igw-…), a Name, `internet`, or an IP address.
        #[arg(long)]
        from: String,
        /// Destination, as --from.
        #[arg(long)]
        to: String,
        /// tcp, udp, icmp, icmpv6 or a protocol number 0-255.
        #[arg(long, default_value = "tcp")]
        protocol: Protocol,
        /// Destination port (required for tcp and udp).
        #[arg(long)]
        port: Option<u16>,
        /// Source address, for an interface or instance with several.
        #[arg(long)]
        from_ip: Option<IpAddr>,
        /// Source port (default 49152, inside every ephemeral range AWS documents).
        #[arg(long)]
        src_port: Option<u16>,
        /// ICMP message type (default 8, echo request; 128 for icmpv6).
        #[arg(long)]
        icmp_type: Option<u8>,
        /// ICMP code (default 0).
        #[arg(long)]
        icmp_code: Option<u8>,
        /// Print the trace as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Validate a topology: every problem, naming the entity and field.
    Check {
        input: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Describe a CIDR block: range, size, AWS-usable addresses, the 5 reserved ones.
    Cidr {
        cidr: String,
        #[arg(long)]
        json: bool,
    },
    /// Advice on a topology AWS accepts: open admin ports, idle addresses, unreachable rules.
    Lint {
        input: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Every protocol and port range on which A reaches B (computed on sets of packets).
    Ports {
        input: PathBuf,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        json: bool,
    },
    /// The all-pairs reachability matrix of instances for one protocol and port.
    Matrix {
        input: PathBuf,
        #[arg(long, default_value = "tcp")]
        protocol: Protocol,
        #[arg(long)]
        port: Option<u16>,
        #[arg(long)]
        json: bool,
    },
    /// Every interface reachable from the internet, on which ports, through which path.
    Exposure {
        input: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Convert an AWS snapshot (a directory or a JSON file of `aws ec2 describe-*` output)
    /// to a vpclab topology, printed as JSON; what is not modelled yet is listed on stderr.
    Import { snapshot: PathBuf },
    /// Print the share-link fragment (`#v1.…`) of a topology file, AWS snapshot, link or
    /// challenge file; append it to the page's address.
    Link { input: PathBuf },
    /// Print the topology JSON a share link (a URL or a `#v1.…` fragment) holds.
    Unlink { link: String },
    /// Grade a topology against a challenge: each goal with pass/fail, those already met by the
    /// challenge's start apart (to keep true, not counted as progress); exit 0 only when all pass.
    Grade {
        /// The challenge: a JSON file, or a share link that carries one.
        challenge: String,
        /// The attempt: a topology file, AWS snapshot or share link. Default: the topology
        /// in the challenge link (a learner's shared progress).
        topology: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("vpclab: {msg}");
            ExitCode::from(2)
        }
    }
}

fn run(cmd: Command) -> Result<ExitCode, String> {
    match cmd {
        Command::Reach { input, from, to, protocol, port, from_ip, src_port, icmp_type, icmp_code, json } => {
            let t = load(&input)?;
            let (m, diags) = model::build(&t);
            let errors = diags.iter().filter(|d| d.severity == Severity::Error).count();
            if errors > 0 {
                eprintln!("vpclab: warning: {} has {errors} error(s); answers skip the broken parts (run `vpclab check`)", input.display());
            }
            let q = trace::Query { from, to, protocol, port, from_ip, src_port, icmp_type, icmp_code };
            let t = trace::reach(&m, &q).map_err(|e| e.to_string())?;
            if json {
                println!("{}", to_json(&t)?);
            } else {
                print!("{}", trace::render(&t));
            }
            Ok(if t.reachable { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::Check { input, json } => {
            let t = load(&input)?;
            let (_, diags) = model::build(&t);
            if json {
                println!("{}", to_json(&diags)?);
            } else if diags.is_empty() {
                println!("no problems found");
            } else {
                for d in &diags {
                    println!("{d}");
                }
            }
            let failed = diags.iter().any(|d| d.severity == Severity::Error);
            Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Command::Cidr { cidr: text, json } => {
            let net = text
                .trim()
                .parse::<ipnet::IpNet>()
                .or_else(|_| text.trim().parse::<IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    format!(
                        "cidr: {text:?} is not a CIDR block (expected e.g. 10.0.1.0/24 or 2600:1f18::/56)"
                    )
                })?;
            let info = cidr::describe(net);
            if json {
                println!("{}", to_json(&info)?);
            } else {
                print_cidr(&info);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Lint { input, json } => {
            let t = load(&input)?;
            let (m, _) = model::build(&t);
            let findings = lint::lint(&m);
            if json {
                println!("{}", to_json(&findings)?);
            } else if findings.is_empty() {
                println!("no findings");
            } else {
                for f in &findings {
                    println!("{f}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Ports { input, from, to, json } => {
            let (m, _) = model::build(&load(&input)?);
            let a = exhaustive::ports(&m, &from, &to).map_err(|e| e.to_string())?;
            if json {
                println!("{}", to_json(&a)?);
            } else {
                for p in &a.protocols {
                    let what = if !p.reachable {
                        "none".to_string()
                    } else if p.protocol.has_ports() {
                        p.ports.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
                    } else {
                        "reachable".to_string()
                    };
                    println!("{:<5} {what}", p.protocol.to_string());
                }
            }
            let any = a.protocols.iter().any(|p| p.reachable);
            Ok(if any { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::Matrix { input, protocol, port, json } => {
            let (m, _) = model::build(&load(&input)?);
            let x = exhaustive::matrix(&m, protocol, port).map_err(|e| e.to_string())?;
            if json {
                println!("{}", to_json(&x)?);
            } else {
                print_matrix(&x);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Exposure { input, json } => {
            let (m, _) = model::build(&load(&input)?);
            let x = exhaustive::exposure(&m);
            if json {
                println!("{}", to_json(&x)?);
            } else if x.is_empty() {
                println!("nothing is reachable from the internet");
            } else {
                for e in &x {
                    let path = e
                        .example
                        .as_ref()
                        .map(|t| t.forward.iter().map(|h| h.label.as_str()).collect::<Vec<_>>().join(" → "))
                        .unwrap_or_default();
                    println!("{} at {}: {}\n  path: {path}", e.label, e.public_ip, e.open_ports());
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Import { snapshot } => {
            let files = snapshot_files(&snapshot)?;
            let (t, issues) = import::import(&files).map_err(|e| format!("{}: {e}", snapshot.display()))?;
            print_import_issues(&issues, usize::MAX);
            println!("{}", to_json(&t)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Link { input } => {
            // A challenge file gives the link a learner opens: the challenge at its start.
            let challenge =
                std::fs::read_to_string(&input).ok().and_then(|t| challenge::Challenge::from_json(&t).ok());
            let fragment = match challenge {
                Some(ch) => share::encode(&share::Link {
                    topology: ch.start.clone(),
                    query: None,
                    view: share::View::default(),
                    challenge: Some(ch),
                }),
                None => share::encode_topology(&load(&input)?),
            };
            if fragment.len() + 1 > share::SAFE_LENGTH {
                eprintln!(
                    "vpclab: warning: the link is {} characters; chat apps and mail clients may cut links past {}: share the JSON file instead",
                    fragment.len() + 1,
                    share::SAFE_LENGTH
                );
            }
            println!("#{fragment}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Unlink { link } => {
            let l = share::decode(&link).map_err(|e| e.to_string())?;
            println!("{}", to_json(&l.topology)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Grade { challenge, topology, json } => {
            let (ch, attempt) = load_challenge(&challenge)?;
            let t = match topology {
                Some(t) => load(Path::new(&t))?,
                None => attempt.unwrap_or_else(|| ch.start.clone()),
            };
            let g = challenge::grade(&ch, &t);
            if json {
                #[derive(serde::Serialize)]
                struct Out<'a> {
                    title: &'a str,
                    percent: u32,
                    complete: bool,
                    #[serde(flatten)]
                    grade: &'a challenge::Grade,
                }
                let out = Out { title: &ch.title, percent: g.percent(), complete: g.complete(), grade: &g };
                println!("{}", to_json(&out)?);
            } else {
                println!("{}", ch.title);
                // What already held at the start is listed apart: it is to keep, not progress.
                let line = |r: &challenge::GoalResult| {
                    println!("  {} {} — {}", if r.passed { "✓" } else { "✗" }, r.text, r.detail)
                };
                let keep: Vec<_> = g.to_keep().collect();
                if !keep.is_empty() {
                    println!("To achieve:");
                }
                g.to_achieve().for_each(line);
                if !keep.is_empty() {
                    println!("Keep true:");
                    keep.into_iter().for_each(line);
                }
                for l in &g.locked_changed {
                    println!("  ✗ {l}");
                }
                println!(
                    "{}% of goals to achieve met{}",
                    g.percent(),
                    if g.complete() { ": all goals met" } else { "" }
                );
            }
            Ok(if g.complete() { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
    }
}

/// A challenge from a JSON file or a share link, with the attempt a link carries.
fn load_challenge(arg: &str) -> Result<(challenge::Challenge, Option<Topology>), String> {
    if let Some(link) = as_link(arg) {
        let l = share::decode(link).map_err(|e| e.to_string())?;
        let ch = l.challenge.ok_or("this link holds no challenge")?;
        return Ok((ch, Some(l.topology)));
    }
    let text = std::fs::read_to_string(arg).map_err(|e| format!("{arg}: {e}"))?;
    Ok((challenge::Challenge::from_json(&text).map_err(|e| format!("{arg}: {e}"))?, None))
}

/// `arg` when it is a share link (a URL with a `#v…` fragment, or the fragment) rather than
/// a path.
fn as_link(arg: &str) -> Option<&str> {
    let frag = arg.rsplit_once('#').map_or(arg, |(_, f)| f);
    let looks =
        frag.strip_prefix('v').and_then(|r| r.split_once('.')).is_some_and(|(n, _)| n.parse::<u32>().is_ok());
    (looks && !Path::new(arg).exists()).then_some(arg)
}

/// A vpclab topology file, or an AWS snapshot: a directory of `aws ec2 describe-*` output or
/// one JSON file of their keys (no `"format"`). A snapshot's import issues go to stderr.
/// The matrix as a grid: rows are sources, columns destinations, ✓ reachable, · not.
fn print_matrix(x: &exhaustive::Matrix) {
    let n = x.endpoints.len();
    let what = match x.port {
        Some(p) => format!("{} {p}", x.protocol),
        None => x.protocol.to_string(),
    };
    println!("reachability matrix for {what} (row → column; ✓ reachable, · not):");
    for (i, e) in x.endpoints.iter().enumerate() {
        let row: String = (0..n)
            .map(|j| match x.get(i, j) {
                None => '-',
                Some(a) if a.reachable => '✓',
                Some(_) => '·',
            })
            .collect();
        println!("  {:>3} {row}  {}", i + 1, e.label);
    }
}

fn load(path: &Path) -> Result<Topology, String> {
    if let Some(link) = path.to_str().and_then(as_link) {
        return share::decode(link).map(|l| l.topology).map_err(|e| e.to_string());
    }
    if !path.is_dir() {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if !is_aws_snapshot(&text) {
            return Topology::from_json(&text).map_err(|e| format!("{}: {e}", path.display()));
        }
    }
    let files = snapshot_files(path)?;
    let (t, issues) = import::import(&files).map_err(|e| format!("{}: {e}", path.display()))?;
    print_import_issues(&issues, 20);
    Ok(t)
}

/// JSON whose top level has no `"format"` but at least one key of the AWS snapshot layout.
fn is_aws_snapshot(text: &str) -> bool {
    let Ok(serde_json::Value::Object(o)) = serde_json::from_str::<serde_json::Value>(text) else {
        return false;
    };
    !o.contains_key("format") && o.keys().any(|k| import::is_snapshot_key(k))
}

/// The snapshot's files: the file itself, or every `*.json` under the directory
/// (recursively), in sorted order so that "first wins" merges are reproducible.
fn snapshot_files(path: &Path) -> Result<Vec<import::SnapshotFile>, String> {
    let mut paths = Vec::new();
    if path.is_dir() {
        json_files(path, 0, &mut paths)?;
        if paths.is_empty() {
            return Err(format!("{}: no .json files in this directory", path.display()));
        }
        paths.sort();
    } else {
        paths.push(path.to_path_buf());
    }
    paths
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?;
            Ok(import::SnapshotFile {
                path: p.display().to_string(),
                text: String::from_utf8_lossy(&bytes).into_owned(),
            })
        })
        .collect()
}

fn json_files(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> Result<(), String> {
    // Deep enough for Batfish's aws_configs/accounts/<id>/<region>/, bounded against loops.
    if depth > 16 {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let p = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if p.is_dir() {
            json_files(&p, depth + 1, out)?;
        } else if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("json")) {
            out.push(p);
        }
    }
    Ok(())
}

/// Import issues on stderr, errors first, at most `max` of them and then a count.
fn print_import_issues(issues: &[import::ImportIssue], max: usize) {
    for i in issues.iter().take(max) {
        eprintln!("vpclab: {i}");
    }
    if issues.len() > max {
        eprintln!(
            "vpclab: warning: {} more import issue(s) not shown (`vpclab import` lists them all)",
            issues.len() - max
        );
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String, String> {
    serde_json::to_string_pretty(v).map_err(|e| format!("cannot write JSON: {e}"))
}

fn print_cidr(i: &cidr::CidrInfo) {
    if i.had_host_bits {
        println!("note: host bits were set; the block is {}", i.cidr);
    }
    println!("cidr        {}", i.cidr);
    println!("range       {} - {}", i.first, i.last);
    println!("netmask     {}", i.netmask);
    println!("size        {}", i.size);
    println!("aws usable  {} (AWS reserves 5 addresses in every subnet)", i.aws_usable);
    println!("private     {}", if i.private { "yes" } else { "no" });
    if !i.valid_subnet_size {
        println!("note: AWS subnets must be /16-/28 (IPv4) or /44-/64 (IPv6)");
    }
    if !i.reserved.is_empty() {
        println!("reserved:");
        for r in &i.reserved {
            println!("  {:<16} {}", r.address.to_string(), r.purpose);
        }
    }
}
