//! Under the diagram: `kubectl describe` of the selected object, over the
//! world on show (so it tells the past when the user scrubbed back).

use kubeloop_engine::world::World;
use kubeloop_engine::world::store::Key;
use kubeloop_kubectl::describe_command::describe;
use yew::prelude::*;

/// The resource word kubectl takes for a kind the diagram can select.
fn resource(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "Pod" => "pod",
        "ReplicaSet" => "replicaset",
        "Deployment" => "deployment",
        "Service" => "service",
        "Node" => "node",
        _ => return None,
    })
}

/// `kubectl describe pod NAME -n NAMESPACE`, as the terminal would type it.
pub fn describe_line(key: &Key) -> String {
    let resource = resource(key.kind).unwrap_or("");
    if key.namespace.is_empty() {
        format!("kubectl describe {resource} {}", key.name)
    } else {
        format!("kubectl describe {resource} {} -n {}", key.name, key.namespace)
    }
}

/// What `kubectl describe` prints for `key` in `world`: the describer's
/// text, or kubectl's error when the object is not there (yet, or any
/// more).
pub fn describe_selected(world: &World, key: &Key) -> String {
    let Some(resource) = resource(key.kind) else {
        return format!("error: the diagram cannot describe a {}\n", key.kind);
    };
    let mut words = vec![resource, key.name.as_str()];
    if !key.namespace.is_empty() {
        words.extend(["-n", key.namespace.as_str()]);
    }
    describe(world, &words).output
}

#[derive(Properties, PartialEq)]
pub struct DetailsProps {
    pub selected: Option<Key>,
    /// [`describe_selected`] of it (computed by the page, memoised).
    pub text: Option<std::rc::Rc<str>>,
}

#[function_component]
pub fn Details(props: &DetailsProps) -> Html {
    html! {
        <section class="details" aria-label="Selected object">
            { match (&props.selected, &props.text) {
                (Some(key), Some(text)) => html! {
                    <>
                        <h3 class="details-command"><code>{describe_line(key)}</code></h3>
                        <pre id="details" class="details-text" tabindex="0">{text.to_string()}</pre>
                    </>
                },
                _ => html! {
                    <p id="details" class="details-hint">
                        {"Click a pod, ReplicaSet, Deployment or Service (or focus it and press Enter) to see kubectl describe of it."}
                    </p>
                },
            } }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::ClusterView;
    use crate::playground::Playground;

    #[test]
    fn describes_what_the_diagram_selects_at_the_instant_on_show() {
        let mut playground = Playground::running(kubeloop_engine::DEMO_MANIFESTS);
        let view = ClusterView::of(playground.world());
        let deployment = &view.deployments[0];
        let rs = &deployment.replica_sets[0];
        let pod = &rs.pods[0];
        let text = describe_selected(playground.world(), &pod.key);
        assert!(
            text.starts_with(&format!("Name:             {}\nNamespace:        default\n", pod.key.name)),
            "{text}"
        );
        assert!(text.contains("Status:           Running"), "{text}");
        let text = describe_selected(playground.world(), &rs.key);
        assert!(text.starts_with(&format!("Name:           {}\n", rs.key.name)), "{text}");
        let text = describe_selected(playground.world(), &deployment.key);
        assert!(text.contains("StrategyType:           RollingUpdate"), "{text}");
        assert_eq!(
            describe_selected(playground.world(), &view.services[0].key),
            playground.command("describe service demo-api").output
        );
        // Over the world at the start, before the kubelet ran it: the same
        // pod, still Pending.
        let past = describe_selected(&playground.world_at(0), &pod.key);
        assert!(past.contains("Status:           Pending"), "{past}");
        assert_eq!(describe_line(&pod.key), format!("kubectl describe pod {} -n default", pod.key.name));
    }

    #[test]
    fn a_missing_object_gets_kubectl_s_error() {
        let playground = Playground::default();
        let text = describe_selected(playground.world(), &Key::new("Pod", "default", "gone"));
        assert_eq!(text, "Error from server (NotFound): pods \"gone\" not found\n");
        let text = describe_selected(playground.world(), &Key::new("ConfigMap", "default", "c"));
        assert!(text.starts_with("error:"), "{text}");
    }
}
