//! The built-in challenges, one per seed architecture (files in `data/challenges/`), each
//! solved by a checked-in solution (`tests/challenges/`) that the tests grade at 100 %.

use crate::challenge::Challenge;

/// (id, JSON) of every built-in challenge, in the order a course would take them.
pub const ALL: &[(&str, &str)] = &[
    ("public-web-server", include_str!("../data/challenges/public-web-server.json")),
    ("nat-egress", include_str!("../data/challenges/nat-egress.json")),
    ("acl-replies", include_str!("../data/challenges/acl-replies.json")),
    ("bastion-only", include_str!("../data/challenges/bastion-only.json")),
    ("ssh-lockdown", include_str!("../data/challenges/ssh-lockdown.json")),
    ("db-from-app-only", include_str!("../data/challenges/db-from-app-only.json")),
    ("subnet-sizing", include_str!("../data/challenges/subnet-sizing.json")),
    ("eni-failover", include_str!("../data/challenges/eni-failover.json")),
    ("peering-both-ways", include_str!("../data/challenges/peering-both-ways.json")),
    ("non-transitive", include_str!("../data/challenges/non-transitive.json")),
    ("ipv6-egress-only", include_str!("../data/challenges/ipv6-egress-only.json")),
    ("s3-without-nat", include_str!("../data/challenges/s3-without-nat.json")),
];

/// A built-in challenge by id. The files are tested to parse; a defect degrades to `None`.
pub fn get(id: &str) -> Option<Challenge> {
    ALL.iter().find(|(i, _)| *i == id).and_then(|(_, json)| Challenge::from_json(json).ok())
}

/// Every built-in challenge that parses, with its title, for a picker.
/// The built-in challenge after `id`, in the menu's order (none after the last).
pub fn next(id: &str) -> Option<&'static str> {
    let at = ALL.iter().position(|(x, _)| *x == id)?;
    ALL.get(at + 1).map(|(x, _)| *x)
}

pub fn titles() -> Vec<(&'static str, String)> {
    ALL.iter().filter_map(|(id, json)| Some((*id, Challenge::from_json(json).ok()?.title))).collect()
}
