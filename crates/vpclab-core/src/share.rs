//! Share links: the whole page state in a URL fragment, so sharing needs no server and the
//! state never reaches one (browsers do not send the fragment).
//!
//! A link is `#v1.` followed by the state's JSON with its field names shortened through a
//! fixed table, compressed with raw deflate and written in base64url. Field names are most
//! of a topology's JSON even after deflate; shortening them keeps the default example's link
//! under 1,000 characters, which chat apps and mail clients pass whole.
//!
//! Every released version must decode forever: the [`KEYS`] table of `v1` may only grow at
//! its end (a code, once given, means the same field for good), and the tests pin links made
//! by earlier builds. A new meaning needs `v2` and a branch in [`decode`].

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::challenge::Challenge;
use crate::topology::Topology;
use crate::trace::Query;

/// The link format this build writes.
pub const LINK_VERSION: u32 = 1;

/// Links longer than this may be cut by chat apps and mail clients.
pub const SAFE_LENGTH: usize = 2000;

/// A decoded link can inflate to at most this much JSON (a guard against hostile links).
const MAX_JSON: usize = 4 << 20;

/// What a link holds: everything needed to show the page as it was shared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub topology: Topology,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<Query>,
    #[serde(default, skip_serializing_if = "View::is_default")]
    pub view: View,
    /// A challenge the topology is an attempt at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge: Option<Challenge>,
}

/// View options that travel with the state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct View {
    /// The reachability matrix is shown.
    #[serde(default, skip_serializing_if = "is_false")]
    pub matrix: bool,
    /// The internet exposure list is shown.
    #[serde(default, skip_serializing_if = "is_false")]
    pub exposure: bool,
    /// The selected entity's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selected: Option<String>,
}

impl View {
    fn is_default(&self) -> bool {
        *self == View::default()
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Why a link did not open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("this is not a vpclab link (it should start with #v1.)")]
    NotALink,
    #[error(
        "this link was made by a newer vpclab (link format v{0}; this page reads up to v{LINK_VERSION})"
    )]
    Newer(u32),
    #[error("this link is truncated or damaged ({0}); ask for the whole link or the JSON file")]
    Damaged(&'static str),
    #[error("this link's content does not fit: {0}")]
    Content(String),
}

/// The fragment (without `#`) for `link`.
pub fn encode(link: &Link) -> String {
    // Through text rather than `to_value`: the page then carries one serializer of the
    // format, not two (see `Topology::to_value`). Plain data always serializes.
    let value: Value =
        serde_json::from_str(&serde_json::to_string_pretty(link).unwrap_or_default()).unwrap_or(Value::Null);
    let json = shorten(value, true).to_string();
    // Level 6: as small as 9 or 10 on these texts (tested on the examples and a 1,000-interface
    // network, where it is 3× faster: 3 ms against 10 natively).
    let packed = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 6);
    format!("v{LINK_VERSION}.{}", base64url(&packed))
}

/// A topology's link with nothing else in it.
pub fn encode_topology(t: &Topology) -> String {
    encode(&Link { topology: t.clone(), query: None, view: View::default(), challenge: None })
}

/// Decode a link: a whole URL, `#v1.…` or `v1.…`.
pub fn decode(input: &str) -> Result<Link, LinkError> {
    let fragment = input.trim();
    let fragment = fragment.rsplit_once('#').map_or(fragment, |(_, f)| f);
    let (version, body) = fragment.split_once('.').ok_or(LinkError::NotALink)?;
    let version: u32 = version.strip_prefix('v').and_then(|v| v.parse().ok()).ok_or(LinkError::NotALink)?;
    if version > LINK_VERSION {
        return Err(LinkError::Newer(version));
    }
    if version == 0 {
        return Err(LinkError::NotALink);
    }
    let packed =
        unbase64url(body).ok_or(LinkError::Damaged("it holds characters a vpclab link never has"))?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_JSON)
        .map_err(|_| LinkError::Damaged("its packed data is cut short or altered"))?;
    let json = String::from_utf8(json).map_err(|_| LinkError::Damaged("its unpacked data is not text"))?;
    let value: Value =
        serde_json::from_str(&json).map_err(|_| LinkError::Damaged("its unpacked text is not a network"))?;
    let full = shorten(value, false).to_string();
    let raw: RawLink = serde_json::from_str(&full).map_err(|e| {
        LinkError::Content(format!(
            "{}: {e}",
            crate::json_path::render(&crate::json_path::of_error(&full, &e))
        ))
    })?;
    // The topology is read exactly as a file is: the same migrations, the same errors.
    let topology = Topology::from_json(&raw.topology.to_string())
        .map_err(|e| LinkError::Content(format!("topology: {e}")))?;
    Ok(Link { topology, query: raw.query, view: raw.view, challenge: raw.challenge })
}

/// A [`Link`] whose topology is still JSON, so it goes through [`Topology::from_json`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLink {
    topology: Value,
    #[serde(default)]
    query: Option<Query>,
    #[serde(default)]
    view: View,
    #[serde(default)]
    challenge: Option<Challenge>,
}

/// Field names of every struct a link holds, in code order. Append only.
pub const KEYS: &[&str] = &[
    "id",
    "name",
    "vpc",
    "subnet",
    "protocol",
    "ports",
    "peer",
    "description",
    "cidr",
    "rule",
    "action",
    "destination",
    "target",
    "routes",
    "associations",
    "availability_zone",
    "cidr_block",
    "private_ip",
    "security_groups",
    "attachment",
    "instance",
    "device_index",
    "inbound",
    "outbound",
    "instance_type",
    "format",
    "title",
    "region",
    "vpcs",
    "subnets",
    "route_tables",
    "internet_gateways",
    "egress_only_internet_gateways",
    "instances",
    "network_interfaces",
    "elastic_ips",
    "network_acls",
    "nat_gateways",
    "vpc_peering_connections",
    "vpc_endpoints",
    "prefix_lists",
    "vpn_gateways",
    "customer_gateways",
    "vpn_connections",
    "load_balancers",
    "target_groups",
    "transit_gateways",
    "transit_gateway_attachments",
    "transit_gateway_route_tables",
    "layout",
    "cidr_blocks",
    "ipv6_cidr_block",
    "map_public_ip_on_launch",
    "planned_hosts",
    "main",
    "propagating_gateways",
    "blackhole",
    "source_nat",
    "secondary_private_ips",
    "ipv6_addresses",
    "public_ip",
    "source_dest_check",
    "mac_address",
    "interface_type",
    "association",
    "network_interface",
    "icmp_type",
    "icmp_code",
    "default",
    "connectivity",
    "elastic_ip",
    "requester_vpc",
    "accepter_vpc",
    "status",
    "service",
    "type",
    "cidrs",
    "ip_address",
    "vpn_gateway",
    "customer_gateway",
    "lb_type",
    "scheme",
    "listeners",
    "cross_zone",
    "nodes",
    "port",
    "target_group",
    "target_type",
    "targets",
    "preserve_client_ip",
    "healthy",
    "default_route_table_association",
    "default_route_table_propagation",
    "security_group_referencing",
    "transit_gateway",
    "route_table",
    "propagations",
    "endpoint_type",
    "source",
    "topology",
    "query",
    "view",
    "challenge",
    "from",
    "to",
    "from_ip",
    "src_port",
    "matrix",
    "exposure",
    "selected",
    "instructions",
    "start",
    "locked",
    "goals",
    "hints",
    "text",
    "kind",
    "reachable",
    "allowed",
    "entity",
    "hosts",
    "state",
    "bgp_routes",
];

/// The short code of the `i`th key: `a`…`Z` (without `x` and `y`, which are real field
/// names), then a letter and a digit. No field name has that shape, so codes and names
/// never collide.
fn code(i: usize) -> String {
    const SINGLE: &[u8] = b"abcdefghijklmnopqrstuvwzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    match SINGLE.get(i) {
        Some(c) => char::from(*c).to_string(),
        None => {
            let j = i - SINGLE.len();
            let letter = LETTERS.get(j / 10).copied().unwrap_or(b'_');
            format!("{}{}", char::from(letter), j % 10)
        }
    }
}

/// Rename object keys to codes (`to_codes`) or back. The keys of `layout` are entity ids,
/// not field names, and keep their spelling.
fn shorten(v: Value, to_codes: bool) -> Value {
    fn rename(k: &str, to_codes: bool) -> Option<String> {
        if to_codes {
            KEYS.iter().position(|x| *x == k).map(code)
        } else {
            (0..KEYS.len()).find(|&i| code(i) == k).and_then(|i| KEYS.get(i)).map(|s| (*s).to_string())
        }
    }
    fn walk(v: Value, to_codes: bool, rename_keys: bool) -> Value {
        match v {
            Value::Array(a) => Value::Array(a.into_iter().map(|x| walk(x, to_codes, true)).collect()),
            Value::Object(o) => {
                let mut out = Map::new();
                for (k, x) in o {
                    let new = if rename_keys {
                        rename(&k, to_codes).unwrap_or_else(|| k.clone())
                    } else {
                        k.clone()
                    };
                    let is_layout = rename_keys && (k == "layout" || new == "layout");
                    // Inside `layout`, the map's keys are ids; the positions below are objects again.
                    let inner = if is_layout {
                        match x {
                            Value::Object(m) => Value::Object(
                                m.into_iter().map(|(id, pos)| (id, walk(pos, to_codes, true))).collect(),
                            ),
                            other => other,
                        }
                    } else {
                        walk(x, to_codes, true)
                    };
                    out.insert(new, inner);
                }
                Value::Object(out)
            }
            other => other,
        }
    }
    walk(v, to_codes, true)
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            let six = (n >> (18 - 6 * i)) & 63;
            out.push(char::from(B64[six as usize]));
        }
    }
    out
}

fn unbase64url(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).ok()?);
        }
    }
    // A length of 1 mod 4 cannot come from whole bytes.
    (text.len() % 4 != 1).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::examples;
    use crate::packet::Protocol;

    #[test]
    fn base64url_round_trips_every_length() {
        for n in 0..64u8 {
            let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37).wrapping_add(n)).collect();
            assert_eq!(unbase64url(&base64url(&bytes)).as_deref(), Some(bytes.as_slice()));
        }
        assert_eq!(base64url(b"\xfb\xff"), "-_8");
        assert_eq!(unbase64url("a"), None);
        assert_eq!(unbase64url("a*"), None);
    }

    #[test]
    fn codes_are_unique_and_never_a_field_name() {
        let codes: Vec<String> = (0..KEYS.len()).map(code).collect();
        let set: std::collections::BTreeSet<&String> = codes.iter().collect();
        assert_eq!(set.len(), KEYS.len());
        for c in &codes {
            assert!(!KEYS.contains(&c.as_str()) && c != "x" && c != "y", "{c}");
        }
        let keys: std::collections::BTreeSet<&&str> = KEYS.iter().collect();
        assert_eq!(keys.len(), KEYS.len(), "a key appears twice");
    }

    #[test]
    fn an_instance_state_is_shortened_and_round_trips() {
        let mut t = examples::three_tier();
        for x in &mut t.instances {
            x.state = crate::topology::InstanceState::Stopped;
        }
        let short = shorten(t.to_value(), true).to_string();
        assert!(!short.contains("\"state\"") && short.contains("\"stopped\""), "{short}");
        assert_eq!(decode(&encode_topology(&t)).map(|l| l.topology), Ok(t));
    }

    #[test]
    fn bgp_routes_are_shortened_and_round_trip() {
        let mut t = examples::three_tier();
        t.customer_gateways.push(crate::topology::CustomerGateway {
            id: "cgw-1".into(),
            name: None,
            ip_address: std::net::Ipv4Addr::new(203, 0, 113, 7),
        });
        t.vpn_gateways.push(crate::topology::VpnGateway { id: "vgw-1".into(), name: None, vpc: None });
        t.vpn_connections.push(crate::topology::VpnConnection {
            id: "vpn-1".into(),
            name: None,
            vpn_gateway: "vgw-1".into(),
            customer_gateway: "cgw-1".into(),
            routes: Vec::new(),
            bgp_routes: vec![ipnet::IpNet::V4(ipnet::Ipv4Net::new_assert(
                std::net::Ipv4Addr::new(172, 16, 0, 0),
                16,
            ))],
        });
        let short = shorten(t.to_value(), true).to_string();
        assert!(!short.contains("\"bgp_routes\"") && short.contains("172.16.0.0/16"), "{short}");
        assert_eq!(decode(&encode_topology(&t)).map(|l| l.topology), Ok(t));
    }

    #[test]
    fn every_example_round_trips_with_query_layout_and_view() {
        for ex in examples::ALL {
            let mut topology = examples::load(ex);
            topology.layout.insert("a".into(), crate::topology::Position { x: 1.5, y: -2.0 });
            let link = Link {
                topology,
                query: Some(Query::new("internet", "web-1", Protocol::Tcp, Some(443))),
                view: View { matrix: true, exposure: false, selected: Some("vpc-prod".into()) },
                challenge: None,
            };
            let text = encode(&link);
            assert!(text.starts_with("v1."));
            assert_eq!(decode(&format!("https://x.example/p/?embed=1#{text}")), Ok(link), "{}", ex.id);
        }
    }

    #[test]
    fn links_stay_within_budget() {
        // Issue 5's budget: the default example ≤ 1,000 characters (with its query).
        let ex = examples::ALL.first().map(examples::load).unwrap_or_else(examples::three_tier);
        let link = Link {
            topology: ex,
            query: Some(Query::new("internet", "web-1", Protocol::Tcp, Some(443))),
            view: View::default(),
            challenge: None,
        };
        let n = encode(&link).len() + 1;
        assert!(n <= 1000, "default example link is {n} characters");
        for ex in examples::ALL {
            let n = encode_topology(&examples::load(ex)).len() + 1;
            assert!(n <= 1500, "{}: {n} characters", ex.id);
        }
    }

    #[test]
    fn a_forty_resource_two_vpc_topology_fits_in_1500_characters() {
        let t = crate::synth::topology(crate::synth::Scale {
            vpcs: 2,
            subnets_per_vpc: 2,
            instances_per_subnet: 2,
            extra_rules_per_group: 0,
        });
        let resources = crate::edit::entities(&t).len();
        assert!((36..=48).contains(&resources), "{resources} resources");
        let n = encode_topology(&t).len() + 1;
        println!("{resources} resources, two VPCs: {n} characters");
        assert!(n <= 1500, "{resources} resources: {n} characters");
    }

    #[test]
    fn broken_links_say_why() {
        let good = encode_topology(&examples::three_tier());
        let cut = &good[..good.len() / 2];
        assert!(matches!(decode(cut), Err(LinkError::Damaged(_))), "{:?}", decode(cut));
        assert_eq!(decode("#hello"), Err(LinkError::NotALink));
        assert_eq!(decode(""), Err(LinkError::NotALink));
        assert_eq!(decode("#v9.abc"), Err(LinkError::Newer(9)));
        assert!(matches!(
            decode("#v1.@@@"),
            Err(LinkError::Damaged("it holds characters a vpclab link never has"))
        ));
        let msg = decode("#v9.abc").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains("newer vpclab"), "{msg}");
        // A link that inflates to JSON of the wrong shape names the field.
        let c = |k: &str| KEYS.iter().position(|x| *x == k).map(code).unwrap_or_default();
        let json = format!(r#"{{"{}":{{"{}":"one"}}}}"#, c("topology"), c("format"));
        let bad = format!("v1.{}", base64url(&miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 6)));
        let e = decode(&bad).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("topology") && e.contains("format"), "{e}");
    }
}
