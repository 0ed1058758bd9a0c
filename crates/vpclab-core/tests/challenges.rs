//! Every built-in challenge is solvable and not already solved: its start fails at least one
//! goal, and its checked-in solution (tests/challenges/ID.solution.json) meets them all.

use std::path::PathBuf;

use vpclab_core::{challenge, challenges, Topology};

#[test]
fn every_builtin_challenge_starts_unsolved_and_has_a_full_solution() {
    assert!(challenges::ALL.len() >= 10);
    for (id, json) in challenges::ALL {
        let ch = challenge::Challenge::from_json(json).unwrap_or_else(|e| unreachable!("{id}: {e}"));
        assert_eq!(ch.id, *id, "the file's id matches its name");
        assert!(!ch.goals.is_empty() && !ch.hints.is_empty(), "{id}");
        let start = challenge::grade(&ch, &ch.start);
        assert!(!start.complete(), "{id} is solved before the learner starts: {start:#?}");
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join(format!("../../tests/challenges/{id}.solution.json"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| unreachable!("{}: {e}", path.display()));
        let solution = Topology::from_json(&text).unwrap_or_else(|e| unreachable!("{id} solution: {e}"));
        let g = challenge::grade(&ch, &solution);
        assert!(g.complete(), "{id}: the solution does not meet every goal: {g:#?}");
        assert_eq!(g.percent(), 100);
    }
}

#[test]
fn challenges_travel_in_links() {
    for (id, _) in challenges::ALL {
        let Some(ch) = challenges::get(id) else { unreachable!("{id}") };
        let link = vpclab_core::share::Link {
            topology: ch.start.clone(),
            query: None,
            view: Default::default(),
            challenge: Some(ch),
        };
        let text = vpclab_core::share::encode(&link);
        assert!(text.len() < vpclab_core::share::SAFE_LENGTH, "{id}: {} characters", text.len());
        assert_eq!(vpclab_core::share::decode(&text).ok(), Some(link), "{id}");
    }
}

#[test]
fn next_walks_the_menu_once() {
    let mut seen = vec![challenges::ALL[0].0];
    while let Some(n) = challenges::next(seen[seen.len() - 1]) {
        seen.push(n);
    }
    let all: Vec<&str> = challenges::ALL.iter().map(|(id, _)| *id).collect();
    assert_eq!(seen, all);
    assert_eq!(challenges::next("no-such-challenge"), None);
}
