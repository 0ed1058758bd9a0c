//! Built-in example topologies, compiled into the engine so the page, the CLI and the
//! tests share them. Each is a plain topology file under `data/examples/`.

use crate::topology::Topology;

/// One example: an id for links and menus, a title, and the topology's JSON.
#[derive(Debug, Clone, Copy)]
pub struct Example {
    pub id: &'static str,
    pub title: &'static str,
    /// What to try, for people.
    pub blurb: &'static str,
    pub json: &'static str,
    /// Questions worth asking of it, offered as one-click queries.
    pub queries: &'static [Suggested],
}

/// A query offered with an example: `(from, to, protocol, port)`, plus what it shows.
#[derive(Debug, Clone, Copy)]
pub struct Suggested {
    pub from: &'static str,
    pub to: &'static str,
    pub protocol: &'static str,
    pub port: Option<u16>,
    pub shows: &'static str,
}

/// Every built-in example; the first is the page's default.
pub const ALL: &[Example] = &[Example {
    id: "three-tier",
    title: "Three-tier app with a multi-homed app server",
    blurb: "The web tier is public; the app server has one interface in the web subnet and one in \
            the database subnet, each with its own security group; the database subnet is private. \
            Try internet → web-1 on tcp/443, web-1 → db on tcp/5432, and db → internet.",
    json: include_str!("../data/examples/three-tier.json"),
    queries: &[
        Suggested {
            from: "internet",
            to: "i-web1",
            protocol: "tcp",
            port: Some(443),
            shows: "a public web server: IGW NAT, security group, stateful reply",
        },
        Suggested {
            from: "i-web1",
            to: "i-app",
            protocol: "tcp",
            port: Some(8080),
            shows: "a security group that references another group",
        },
        Suggested {
            from: "i-app",
            to: "i-db",
            protocol: "tcp",
            port: Some(5432),
            shows: "the app server's second interface, in the database subnet",
        },
        Suggested {
            from: "i-web1",
            to: "i-db",
            protocol: "tcp",
            port: Some(5432),
            shows: "blocked: the database only trusts the app's back interface",
        },
        Suggested {
            from: "i-db",
            to: "internet",
            protocol: "tcp",
            port: Some(443),
            shows: "blocked three times over: a private subnet names every blocker",
        },
        Suggested {
            from: "internet",
            to: "i-app",
            protocol: "tcp",
            port: Some(8080),
            shows: "blocked: no public address, no way in",
        },
    ],
}];

/// The example with this id.
pub fn get(id: &str) -> Option<&'static Example> {
    ALL.iter().find(|e| e.id == id)
}

/// Parse an example. The examples are tested to parse, so failure is a build defect;
/// it still degrades to an empty topology rather than panicking.
pub fn load(e: &Example) -> Topology {
    Topology::from_json(e.json).unwrap_or_default()
}

/// The default example: the three-tier application.
pub fn three_tier() -> Topology {
    ALL.first().map(load).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_suggested_query_resolves() {
        for e in ALL {
            let (m, _) = crate::model::build(&load(e));
            for s in e.queries {
                let q = crate::trace::Query {
                    from: s.from.into(),
                    to: s.to.into(),
                    protocol: s.protocol.parse().unwrap_or(crate::Protocol::Tcp),
                    port: s.port,
                    from_ip: None,
                    src_port: None,
                };
                assert!(crate::trace::reach(&m, &q).is_ok(), "{}: {} → {}", e.id, s.from, s.to);
            }
        }
    }

    #[test]
    fn every_example_parses_and_builds_without_diagnostics() {
        for e in ALL {
            let t = Topology::from_json(e.json);
            assert!(t.is_ok(), "{}: {:?}", e.id, t.err());
            let (_, d) = crate::model::build(&t.unwrap_or_default());
            assert!(d.is_empty(), "{}: {d:#?}", e.id);
        }
    }
}
