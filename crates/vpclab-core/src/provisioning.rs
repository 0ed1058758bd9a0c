//! How long an instance takes to be ready for service, by how it is provisioned: everything
//! in user data at first boot (bootstrapping), everything baked into the AMI (baking), or a
//! baked base with the application and configuration applied at boot (the combined
//! approach). Baking moves work out of the launch path into the image build; configuration
//! that differs per environment is applied at boot in every approach.
//!
//! AWS: "Bootstrapping vs. golden AMIs" in the Well-Architected reliability pillar and the
//! EC2 user guide's user-data page (AWSEC2/latest/UserGuide/user-data.html): user data runs
//! once, at first boot, after the operating system is up.

use serde::Serialize;

/// Minutes (or any unit) each step takes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Steps {
    /// From launch to the operating system running (the same for every approach).
    pub boot: f64,
    /// Operating system packages, runtime, agents.
    pub base: f64,
    /// Installing or updating the application.
    pub app: f64,
    /// Per-environment configuration.
    pub config: f64,
}

/// One bar of the timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Segment {
    pub step: &'static str,
    pub start: f64,
    pub end: f64,
    /// Done before launch, when the AMI is built (not part of the lag).
    pub baked: bool,
}

/// One approach: its steps and when the instance is ready for service.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Approach {
    pub name: &'static str,
    pub how: &'static str,
    /// Launch-time segments, then (with `baked`) the image-build ones from 0.
    pub segments: Vec<Segment>,
    /// Ready for service, counted from launch.
    pub ready: f64,
}

/// The three approaches for these step times.
pub fn timeline(s: Steps) -> Vec<Approach> {
    // Steps one after the other from 0: at launch, or (`baked`) when the AMI is built.
    let run = |baked: bool, steps: &[(&'static str, f64)]| {
        let mut t = 0.0;
        steps
            .iter()
            .map(|(step, d)| {
                let seg = Segment { step, start: t, end: t + d.max(0.0), baked };
                t = seg.end;
                seg
            })
            .collect::<Vec<_>>()
    };
    let launch = |steps: &[(&'static str, f64)]| run(false, steps);
    let bake = |steps: &[(&'static str, f64)]| run(true, steps);
    let approach = |name, how, at_launch: Vec<Segment>, baked: Vec<Segment>| {
        let ready = at_launch.last().map_or(0.0, |x| x.end);
        Approach { name, how, segments: at_launch.into_iter().chain(baked).collect(), ready }
    };
    vec![
        approach(
            "Bootstrapping",
            "a stock AMI; user data installs everything at first boot",
            launch(&[
                ("boot", s.boot),
                ("base install", s.base),
                ("app update", s.app),
                ("config", s.config),
            ]),
            Vec::new(),
        ),
        approach(
            "AMI baking",
            "a golden AMI holds the base and the application; only configuration runs at boot",
            launch(&[("boot", s.boot), ("config", s.config)]),
            bake(&[("base install", s.base), ("app update", s.app)]),
        ),
        approach(
            "Combined",
            "a baked base AMI; user data updates the application and configures at boot",
            launch(&[("boot", s.boot), ("app update", s.app), ("config", s.config)]),
            bake(&[("base install", s.base)]),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baking_moves_work_out_of_the_launch_path() {
        let t = timeline(Steps { boot: 1.0, base: 10.0, app: 4.0, config: 0.5 });
        let ready: Vec<f64> = t.iter().map(|a| a.ready).collect();
        assert_eq!(ready, [15.5, 1.5, 5.5]);
        assert!(t[1].segments.iter().filter(|s| s.baked).map(|s| s.step).eq(["base install", "app update"]));
        assert!(
            t.iter().all(|a| a.segments.iter().any(|s| s.step == "config" && !s.baked)),
            "config always at boot"
        );
    }
}
