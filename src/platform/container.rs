//! Containers, dev containers and Codespaces: a Linux whose CA store is the image's, not the
//! host's — the corporate CA the host trusts is missing there (golang/go#54400). Parsing is a
//! plain function over the markers (tested against fixtures/platform/cgroup-*); [`detect`]
//! reads them at the edge.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Container {
    /// docker, podman, kubernetes, containerd, lxc, or container (unknown engine).
    pub runtime: String,
    /// `GitHub Codespaces` or `VS Code dev container`, when one is recognised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dev_environment: Option<String>,
    /// The markers that were seen (`/.dockerenv`, a cgroup path, an environment variable).
    pub evidence: Vec<String>,
}

/// What [`parse`] reads.
#[derive(Debug, Clone, Default)]
pub struct ContainerInputs<'a> {
    /// `/.dockerenv` exists.
    pub dockerenv: bool,
    /// `/run/.containerenv` (podman; its text names the engine).
    pub containerenv: Option<&'a str>,
    /// `/proc/1/cgroup`.
    pub cgroup: &'a str,
    /// `/proc/1/mountinfo` or `/proc/self/mountinfo` (cgroup v2 hides the engine in cgroup).
    pub mountinfo: &'a str,
    /// The environment variables that mark containers: `container`, `KUBERNETES_SERVICE_HOST`,
    /// `REMOTE_CONTAINERS`, `CODESPACES`, `DEVCONTAINER`.
    pub env: &'a [(&'a str, &'a str)],
}

/// The container this process runs in, when the markers show one.
pub fn parse(i: &ContainerInputs) -> Option<Container> {
    let env = |k: &str| {
        i.env
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| *v)
            .filter(|v| !v.is_empty())
    };
    let mut evidence = Vec::new();
    let mut runtime: Option<&str> = None;
    let mut set = |r: &'static str, why: String, runtime: &mut Option<&str>| {
        evidence.push(why);
        runtime.get_or_insert(r);
    };
    if env("KUBERNETES_SERVICE_HOST").is_some() {
        set(
            "kubernetes",
            "KUBERNETES_SERVICE_HOST is set".into(),
            &mut runtime,
        );
    }
    if let Some(text) = i.containerenv {
        let engine = if text.contains("engine=\"podman") || text.is_empty() {
            "podman"
        } else {
            "container"
        };
        set(engine, "/run/.containerenv exists".into(), &mut runtime);
    }
    if i.dockerenv {
        set("docker", "/.dockerenv exists".into(), &mut runtime);
    }
    for line in i.cgroup.lines() {
        let path = line.splitn(3, ':').nth(2).unwrap_or("");
        let r = if path.contains("/kubepods") {
            "kubernetes"
        } else if path.contains("/docker") {
            "docker"
        } else if path.contains("libpod") {
            "podman"
        } else if path.contains("/containerd") || path.contains("cri-containerd") {
            "containerd"
        } else if path.contains("/lxc/") || path.contains(".lxc") {
            "lxc"
        } else {
            continue;
        };
        set(r, format!("/proc/1/cgroup: {}", line.trim()), &mut runtime);
        break;
    }
    if runtime.is_none() {
        // cgroup v2 shows `0::/`; the overlay root or the engine's paths in mountinfo remain.
        if let Some(line) = i.mountinfo.lines().find(|l| {
            l.contains("/docker/containers/") || l.contains("/containers/storage/overlay")
        }) {
            let r = if line.contains("/docker/") {
                "docker"
            } else {
                "podman"
            };
            set(
                r,
                "/proc/self/mountinfo names container storage".into(),
                &mut runtime,
            );
        }
    }
    if let Some(v) = env("container") {
        let r = match v {
            "podman" => "podman",
            "docker" => "docker",
            "lxc" => "lxc",
            _ => "container",
        };
        set(r, format!("container={v}"), &mut runtime);
    }
    let dev_environment = if env("CODESPACES") == Some("true") {
        evidence.push("CODESPACES=true".into());
        Some("GitHub Codespaces".to_string())
    } else if env("REMOTE_CONTAINERS").is_some() || env("DEVCONTAINER").is_some() {
        evidence.push("REMOTE_CONTAINERS / DEVCONTAINER is set".into());
        Some("VS Code dev container".to_string())
    } else {
        None
    };
    let runtime = match (runtime, &dev_environment) {
        (Some(r), _) => r.to_string(),
        // A dev environment is a container even when the engine left no marker.
        (None, Some(_)) => "container".to_string(),
        (None, None) => return None,
    };
    Some(Container {
        runtime,
        dev_environment,
        evidence,
    })
}

/// The variables [`parse`] looks at.
pub const ENV_MARKERS: &[&str] = &[
    "container",
    "KUBERNETES_SERVICE_HOST",
    "REMOTE_CONTAINERS",
    "CODESPACES",
    "DEVCONTAINER",
];

/// Reads this process's container markers (Linux only; elsewhere None).
pub fn detect() -> Option<Container> {
    #[cfg(target_os = "linux")]
    {
        let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
        let containerenv = std::fs::read_to_string("/run/.containerenv").ok();
        let vars: Vec<(&str, String)> = ENV_MARKERS
            .iter()
            .filter_map(|k| std::env::var(k).ok().map(|v| (*k, v)))
            .collect();
        let env: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        parse(&ContainerInputs {
            dockerenv: std::path::Path::new("/.dockerenv").exists(),
            containerenv: containerenv.as_deref(),
            cgroup: &read("/proc/1/cgroup"),
            mountinfo: &read("/proc/self/mountinfo"),
            env: &env,
        })
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fx(name: &str) -> String {
        std::fs::read_to_string(format!(
            "{}/fixtures/platform/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    #[test]
    fn docker_from_cgroup_v1() {
        let cg = fx("cgroup-docker-v1.txt");
        let c = parse(&ContainerInputs {
            cgroup: &cg,
            ..Default::default()
        })
        .unwrap();
        assert_eq!(c.runtime, "docker");
        assert!(c.evidence[0].contains("/docker/"), "{:?}", c.evidence);
    }

    #[test]
    fn kubernetes_from_cgroup_and_env() {
        let cg = fx("cgroup-kubepods-v1.txt");
        let c = parse(&ContainerInputs {
            cgroup: &cg,
            ..Default::default()
        })
        .unwrap();
        assert_eq!(c.runtime, "kubernetes");
        let c = parse(&ContainerInputs {
            env: &[("KUBERNETES_SERVICE_HOST", "10.96.0.1")],
            ..Default::default()
        })
        .unwrap();
        assert_eq!(c.runtime, "kubernetes");
    }

    #[test]
    fn cgroup_v2_docker_from_dockerenv_and_mountinfo() {
        let cg = fx("cgroup-v2-root.txt");
        let mi = fx("mountinfo-docker-v2.txt");
        let c = parse(&ContainerInputs {
            cgroup: &cg,
            mountinfo: &mi,
            ..Default::default()
        })
        .unwrap();
        assert_eq!(c.runtime, "docker");
        let c = parse(&ContainerInputs {
            dockerenv: true,
            cgroup: &cg,
            ..Default::default()
        })
        .unwrap();
        assert_eq!(c.runtime, "docker");
    }

    #[test]
    fn podman_from_containerenv() {
        let ce = fx("containerenv-podman.txt");
        let c = parse(&ContainerInputs {
            containerenv: Some(&ce),
            env: &[("container", "podman")],
            ..Default::default()
        })
        .unwrap();
        assert_eq!(c.runtime, "podman");
    }

    #[test]
    fn codespaces_and_dev_containers() {
        let c = parse(&ContainerInputs {
            dockerenv: true,
            env: &[("CODESPACES", "true")],
            ..Default::default()
        })
        .unwrap();
        assert_eq!(c.dev_environment.as_deref(), Some("GitHub Codespaces"));
        let c = parse(&ContainerInputs {
            env: &[("REMOTE_CONTAINERS", "true")],
            ..Default::default()
        })
        .unwrap();
        assert_eq!(c.runtime, "container");
        assert_eq!(c.dev_environment.as_deref(), Some("VS Code dev container"));
    }

    #[test]
    fn a_host_is_not_a_container() {
        let cg = fx("cgroup-host-v1.txt");
        let v2 = fx("cgroup-v2-root.txt");
        let mi = fx("mountinfo-host.txt");
        for cgroup in [&cg, &v2] {
            assert_eq!(
                parse(&ContainerInputs {
                    cgroup,
                    mountinfo: &mi,
                    env: &[("CODESPACES", "")],
                    ..Default::default()
                }),
                None
            );
        }
    }
}
