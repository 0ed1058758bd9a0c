//! Every built-in challenge is solvable and not already solved: its start fails at least one
//! goal (and scores 0 %: what already holds is to keep, not progress), and its checked-in
//! solution (tests/challenges/ID.solution.json) meets them all.

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
        assert_eq!(start.percent(), 0, "{id}: the learner has done nothing yet");
        assert!(start.to_keep().all(|g| g.passed), "{id}");
        let g = challenge::grade(&ch, &solution(id));
        assert!(g.complete(), "{id}: the solution does not meet every goal: {g:#?}");
        assert_eq!(g.percent(), 100);
    }
}

fn solution(id: &str) -> Topology {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../../tests/challenges/{id}.solution.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| unreachable!("{}: {e}", path.display()));
    Topology::from_json(&text).unwrap_or_else(|e| unreachable!("{id} solution: {e}"))
}

/// The goals the start already meets are to keep: they are not progress, and breaking one
/// blocks completion.
#[test]
fn goals_already_met_at_the_start_are_to_keep() {
    let Some(ch) = challenges::get("ssh-lockdown") else { unreachable!("ssh-lockdown") };
    let start = challenge::grade(&ch, &ch.start);
    let keep: Vec<&str> = start.to_keep().map(|g| g.text.as_str()).collect();
    assert_eq!(
        keep,
        [
            "an admin in the office (198.51.100.25) still reaches web on ssh",
            "everyone still reaches web on https"
        ]
    );
    assert_eq!(start.to_achieve().count(), 2);
    // Half the goals already hold, yet nothing is done: 0 %, not 50 %.
    assert_eq!(start.percent(), 0);

    // Deleting the SSH rule meets both goals to achieve, but the office lost SSH, a goal to
    // keep: not complete, and progress stays under 100.
    let mut t = ch.start.clone();
    for sg in &mut t.security_groups {
        sg.inbound.retain(|r| r.ports.is_none_or(|p| !p.contains(22)));
    }
    let g = challenge::grade(&ch, &t);
    assert!(g.to_achieve().all(|r| r.passed), "{g:#?}");
    let broken: Vec<&str> = g.to_keep().filter(|r| !r.passed).map(|r| r.text.as_str()).collect();
    assert_eq!(broken, ["an admin in the office (198.51.100.25) still reaches web on ssh"]);
    assert!(!g.complete());
    assert_eq!(g.percent(), 66);
    // Which goals are to keep depends on the start, not on the topology graded.
    let keep = |g: &challenge::Grade| g.goals.iter().map(|r| r.keep).collect::<Vec<_>>();
    assert_eq!(keep(&g), keep(&start));

    let done = challenge::grade(&ch, &solution("ssh-lockdown"));
    assert!(done.complete() && done.percent() == 100, "{done:#?}");
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
