//! Break things: what the user can do to the selected Deployment or pod,
//! each as the script lines it runs (fault lines, kubectl commands, App
//! documents), so every break is an input recorded in the history and
//! echoed in the terminal. [`actions_for`] is pure and natively tested.

use kubeloop_engine::api::Object;
use kubeloop_engine::api::apps::Deployment;
use kubeloop_engine::api::core::Pod;
use kubeloop_engine::world::World;
use kubeloop_engine::world::store::Key;
use kubeloop_engine::world::traffic::pod_usage;
use yew::prelude::*;

/// How long a "slow startup" image takes from container start to serving.
const SLOW_STARTUP_SECONDS: i32 = 90;
const MIB: i64 = 1024 * 1024;

/// One button: its label, what it explains, and the lines it runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BreakAction {
    /// Stable id for tests: `fail-readiness`, `lower-memory-limit`, ...
    pub id: &'static str,
    pub label: String,
    /// What will happen, in plain words (the button's tooltip).
    pub explains: String,
    pub script: String,
}

/// The breaks on offer for `target` in `world` (a Deployment or a Pod in
/// it); none for anything else or for an object that is gone.
pub fn actions_for(world: &World, target: &Key) -> Vec<BreakAction> {
    match (target.kind, world.store().get(target)) {
        ("Deployment", Some(Object::Deployment(deployment))) => deployment_actions(world, deployment),
        ("Pod", Some(Object::Pod(pod))) => pod_actions(world, pod),
        _ => Vec::new(),
    }
}

fn action(id: &'static str, label: &str, explains: String, script: String) -> BreakAction {
    BreakAction { id, label: label.to_string(), explains, script }
}

/// Readiness and liveness faults, for `deployment/NAME` or `pod/NAME`.
fn probe_actions(target: &str, has_readiness: bool, has_liveness: bool) -> Vec<BreakAction> {
    let missing =
        |probe: &str, what: &str| format!(" Its containers have no {probe}, so the kubelet never asks: {what}");
    let readiness_note =
        if has_readiness { String::new() } else { missing("readinessProbe", "nothing changes until you add one.") };
    let liveness_note =
        if has_liveness { String::new() } else { missing("livenessProbe", "nothing restarts until you add one.") };
    vec![
        action(
            "fail-readiness",
            "Fail readiness",
            format!("The app's readiness endpoint answers 500: pods leave the Service's endpoints.{readiness_note}"),
            format!("fault readiness {target} 500\n"),
        ),
        action(
            "heal-readiness",
            "Heal readiness",
            "The readiness endpoint answers 200 again.".to_string(),
            format!("fault readiness {target} 200\n"),
        ),
        action(
            "fail-liveness",
            "Fail liveness",
            format!(
                "The liveness endpoint answers 500: after failureThreshold checks the kubelet restarts the container.{liveness_note}"
            ),
            format!("fault liveness {target} 500\n"),
        ),
        action(
            "heal-liveness",
            "Heal liveness",
            "The liveness endpoint answers 200 again.".to_string(),
            format!("fault liveness {target} 200\n"),
        ),
        action(
            "raise-memory",
            "Raise memory use",
            "The app uses 256Mi more memory: past its limit, the kernel OOM-kills it (exit code 137).".to_string(),
            format!("fault memory {target} 256Mi\n"),
        ),
    ]
}

fn deployment_actions(world: &World, deployment: &Deployment) -> Vec<BreakAction> {
    let name = deployment.metadata.name();
    let containers = &deployment.spec.template.spec.containers;
    let has = |probe: fn(&kubeloop_engine::api::core::Container) -> bool| containers.iter().any(probe);
    let mut actions = probe_actions(
        &format!("deployment/{name}"),
        has(|c| c.readiness_probe.is_some()),
        has(|c| c.liveness_probe.is_some()),
    );
    let Some(container) = containers.first() else { return actions };
    let container_name = container.name.as_str();
    let image = container.image.as_deref().unwrap_or("");
    let memory = current_memory(world, deployment);
    let limit_mib = (memory / MIB / 2).max(1);
    actions.push(action(
        "lower-memory-limit",
        "Lower the memory limit",
        format!(
            "Sets the memory limit to {limit_mib}Mi, below the {}Mi the app uses: a new ReplicaSet rolls out and its pods are OOMKilled, then wait in CrashLoopBackOff.",
            memory / MIB
        ),
        format!("kubectl set resources deployment/{name} -c={container_name} --limits=memory={limit_mib}Mi\n"),
    ));
    let repository = image.rsplit_once(':').filter(|(_, tag)| !tag.contains('/')).map_or(image, |(repo, _)| repo);
    let slow = format!("{repository}:slow-start");
    actions.push(action(
        "slow-startup",
        "Slow startup",
        format!(
            "Pushes {slow}, which takes {SLOW_STARTUP_SECONDS} s to serve after it starts, and rolls it out: watch the rollout wait for readiness (or, with no readinessProbe, send traffic to pods that are not serving yet)."
        ),
        app_and_image(name, container_name, &slow, &format!("  startupSeconds: {SLOW_STARTUP_SECONDS}\n")),
    ));
    let crashing = format!("{repository}:crashing");
    actions.push(action(
        "push-crashing-image",
        "Push an image that crashes",
        format!("Rolls out {crashing}, whose app exits with code 1 as soon as it starts: CrashLoopBackOff, and the rollout stalls."),
        app_and_image(name, container_name, &crashing, "  crash: {afterSeconds: 0, exitCode: 1}\n"),
    ));
    actions
}

/// An App document for `image` (its behaviour in `spec_lines`), then
/// `kubectl set image` to roll it out.
fn app_and_image(deployment: &str, container: &str, image: &str, spec_lines: &str) -> String {
    let app_name: String =
        image.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '-' }).collect();
    format!(
        "kubectl apply -f - <<EOF\napiVersion: kubeloop.dev/v1\nkind: App\nmetadata:\n  name: {}\nspec:\n  image: {image}\n{spec_lines}EOF\nkubectl set image deployment/{deployment} {container}={image}\n",
        app_name.to_ascii_lowercase().trim_matches(['-', '.'])
    )
}

/// The memory one of the Deployment's running pods uses now (the app's
/// baseline when none runs yet).
fn current_memory(world: &World, deployment: &Deployment) -> i64 {
    let uid = deployment.metadata.uid.as_deref().unwrap_or("");
    let replica_sets: Vec<&str> =
        world.store().owned_by(uid).filter_map(|object| object.metadata().uid.as_deref()).collect();
    let used = replica_sets
        .iter()
        .flat_map(|rs| world.store().owned_by(rs))
        .map(|pod| pod_usage(world, &Key::of(pod)).1)
        .max()
        .unwrap_or(0);
    if used > 0 { used } else { 64 * MIB }
}

fn pod_actions(world: &World, pod: &Pod) -> Vec<BreakAction> {
    let name = pod.metadata.name();
    let containers = &pod.spec.containers;
    let mut actions = probe_actions(
        &format!("pod/{name}"),
        containers.iter().any(|c| c.readiness_probe.is_some()),
        containers.iter().any(|c| c.liveness_probe.is_some()),
    );
    actions.push(action(
        "kill-pod",
        "Kill the container",
        "Kills the container as `kill -9` would (exit code 137): the kubelet restarts it, with back-off if it keeps dying."
            .to_string(),
        format!("fault kill pod/{name}\n"),
    ));
    if let Some(node) = pod.spec.node_name.as_deref() {
        let stopped = matches!(world.store().get(&Key::new("Node", "", node)), Some(Object::Node(n))
            if n.status.conditions.iter().any(|c| c.condition_type == "Ready" && c.status != "True"));
        if stopped {
            actions.push(action(
                "start-node",
                "Start its node",
                format!("Node {node} reports again."),
                format!("fault start-node {node}\n"),
            ));
        } else {
            actions.push(action(
                "stop-node",
                "Stop its node",
                format!(
                    "Node {node} stops reporting: after the 40 s grace period it is NotReady, and after the pods' 300 s toleration they are evicted and recreated elsewhere (a bare pod is not)."
                ),
                format!("fault stop-node {node}\n"),
            ));
        }
    }
    actions
}

#[derive(Properties, PartialEq)]
pub struct BreaksProps {
    /// The breaks for the selection in the present world (empty: nothing
    /// selected, or nothing to break).
    pub actions: std::rc::Rc<Vec<BreakAction>>,
    /// What is selected, for the heading.
    pub target: Option<Key>,
    /// What can be selected here (for keyboard users and without a
    /// pointer): the present's Deployments and pods.
    pub targets: std::rc::Rc<Vec<Key>>,
    pub on_select: Callback<Option<Key>>,
    pub on_run: Callback<String>,
}

/// `deployment/web`, `pod/web-5d4f8c7b9-x2x7q`: how a target is named in the
/// picker (and in kubectl).
fn target_name(key: &Key) -> String {
    format!("{}/{}", key.kind.to_lowercase(), key.name)
}

/// The Deployments and pods of the present, for the picker.
pub fn targets(world: &World) -> Vec<Key> {
    let store = world.store();
    store.list("Deployment", None).chain(store.list("Pod", None)).map(Key::of).collect()
}

#[function_component]
pub fn Breaks(props: &BreaksProps) -> Html {
    let on_select = {
        let targets = props.targets.clone();
        props.on_select.reform(move |event: Event| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            let chosen = select.value();
            targets.iter().find(|key| target_name(key) == chosen).cloned()
        })
    };
    let chosen = props.target.as_ref().map(target_name).unwrap_or_default();
    html! {
        <div class="breaks" role="group" aria-label="Break things">
            <label class="breaks-title">{"Break "}
                <select id="break-target" onchange={on_select} aria-label="What to break">
                    <option value="" selected={chosen.is_empty()}>{"(select a Deployment or pod)"}</option>
                    { for props.targets.iter().map(|key| {
                        let name = target_name(key);
                        html! { <option value={name.clone()} selected={name == chosen}>{name.clone()}</option> }
                    }) }
                </select>
            </label>
            { for props.actions.iter().map(|action| {
                let on_run = props.on_run.clone();
                let script = action.script.clone();
                html! {
                    <button type="button" id={format!("break-{}", action.id)} title={action.explains.clone()}
                            onclick={Callback::from(move |_| on_run.emit(script.clone()))}>{action.label.clone()}</button>
                }
            }) }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::ClusterView;
    use crate::playground::Playground;

    fn running_demo() -> Playground {
        Playground::running(kubeloop_engine::DEMO_MANIFESTS)
    }

    fn run(playground: &mut Playground, target: &Key, id: &str) {
        let actions = actions_for(playground.world(), target);
        let action = actions.iter().find(|a| a.id == id).unwrap_or_else(|| panic!("no {id} in {actions:?}"));
        assert!(playground.run_script(&action.script), "{:?}", playground.terminal().last());
    }

    #[test]
    fn a_deployment_offers_probe_memory_and_image_breaks() {
        let playground = running_demo();
        let ids: Vec<&str> = actions_for(playground.world(), &Key::new("Deployment", "default", "demo-api"))
            .iter()
            .map(|a| a.id)
            .collect();
        assert_eq!(
            ids,
            [
                "fail-readiness",
                "heal-readiness",
                "fail-liveness",
                "heal-liveness",
                "raise-memory",
                "lower-memory-limit",
                "slow-startup",
                "push-crashing-image"
            ]
        );
        let actions = actions_for(playground.world(), &Key::new("Deployment", "default", "demo-api"));
        assert!(actions[0].explains.contains("no readinessProbe"), "{}", actions[0].explains);
        assert_eq!(actions[5].script, "kubectl set resources deployment/demo-api -c=demo-api --limits=memory=32Mi\n");
        assert!(actions_for(playground.world(), &Key::new("Deployment", "default", "gone")).is_empty());
    }

    /// The new pods start over their limit: each start is OOM-killed (exit
    /// code 137), the first restart is immediate, then the kubelet backs
    /// off 10 s, 20 s, 40 s... The STATUS shows CrashLoopBackOff while it
    /// waits; OOMKilled is the last termination's reason.
    #[test]
    fn lowering_the_memory_limit_oom_kills_then_backs_off() {
        let mut playground = running_demo();
        run(&mut playground, &Key::new("Deployment", "default", "demo-api"), "lower-memory-limit");
        let mut restarts_at: Vec<(i64, u64)> = Vec::new();
        let mut seen = Vec::new();
        while playground.now_ms() < 200_000 {
            playground.step();
            let view = ClusterView::of(playground.world());
            let Some(newest) = view.deployments[0].replica_sets.first().and_then(|rs| rs.pods.first()) else {
                continue;
            };
            if !seen.contains(&newest.status) {
                seen.push(newest.status.clone());
            }
            if restarts_at.last().is_none_or(|(restarts, _)| *restarts != newest.restarts) {
                restarts_at.push((newest.restarts, playground.now_ms()));
            }
        }
        assert!(seen.iter().any(|s| s == "CrashLoopBackOff"), "{seen:?}");
        let world = playground.world();
        let pod = world
            .store()
            .list("Pod", None)
            .find_map(|object| match object {
                Object::Pod(pod) if pod.spec.containers[0].resources.limits.contains_key("memory") => Some(pod),
                _ => None,
            })
            .expect("a pod of the new ReplicaSet");
        let terminated = pod.status.container_statuses[0].last_state.terminated.as_ref().expect("a last termination");
        assert_eq!((terminated.reason.as_deref(), terminated.exit_code), (Some("OOMKilled"), 137));
        // The waits between restarts grow: 10 s, 20 s, 40 s...
        let gaps: Vec<u64> = restarts_at.windows(2).skip(1).map(|w| w[1].1 - w[0].1).collect();
        assert!(gaps.len() >= 3 && gaps.windows(2).all(|w| w[1] > w[0]), "{restarts_at:?}");
    }

    #[test]
    fn a_crashing_image_rolls_out_and_crash_loops() {
        let mut playground = running_demo();
        run(&mut playground, &Key::new("Deployment", "default", "demo-api"), "push-crashing-image");
        playground.advance(60_000);
        let view = ClusterView::of(playground.world());
        let newest = &view.deployments[0].replica_sets[0];
        assert_eq!(newest.revision, "2");
        assert!(newest.pods.iter().all(|pod| pod.status == "CrashLoopBackOff" || pod.status == "Error"), "{newest:?}");
        assert_eq!(view.deployments[0].image, "myrepo/demo-api:crashing");
    }

    #[test]
    fn a_pod_offers_kill_and_stop_node_and_the_node_stops() {
        let mut playground = running_demo();
        let pod = ClusterView::of(playground.world()).pods().next().unwrap().clone();
        let ids: Vec<&str> = actions_for(playground.world(), &pod.key).iter().map(|a| a.id).collect();
        assert!(ids.ends_with(&["kill-pod", "stop-node"]), "{ids:?}");
        run(&mut playground, &pod.key, "kill-pod");
        playground.advance(5_000);
        let restarted = ClusterView::of(playground.world()).pods().find(|p| p.key == pod.key).unwrap().restarts;
        assert_eq!(restarted, 1);
        run(&mut playground, &pod.key, "stop-node");
        playground.advance(60_000);
        let ids: Vec<&str> = actions_for(playground.world(), &pod.key).iter().map(|a| a.id).collect();
        assert!(ids.ends_with(&["kill-pod", "start-node"]), "{ids:?}");
    }
}
