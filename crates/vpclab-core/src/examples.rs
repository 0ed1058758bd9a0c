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
}

/// Every built-in example; the first is the page's default.
pub const ALL: &[Example] = &[Example {
    id: "three-tier",
    title: "Three-tier app with a multi-homed app server",
    blurb: "The web tier is public; the app server has one interface in the web subnet and one in \
            the database subnet, each with its own security group; the database subnet is private. \
            Try internet → web-1 on tcp/443, web-1 → db on tcp/5432, and db → internet.",
    json: include_str!("../data/examples/three-tier.json"),
}];

/// The example with this id.
pub fn get(id: &str) -> Option<&'static Example> {
    ALL.iter().find(|e| e.id == id)
}

/// Parse an example. The examples are tested to parse, so failure is a build defect;
/// it still degrades to an empty topology rather than panicking.
pub fn load(e: &Example) -> Topology {
    Topology::from_json(e.json).unwrap_or_else(|_| Topology::new())
}

/// The default example: the three-tier application.
pub fn three_tier() -> Topology {
    ALL.first().map(load).unwrap_or_else(Topology::new)
}

#[cfg(test)]
mod tests {
    use super::*;

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
