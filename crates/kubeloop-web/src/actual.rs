//! The actual state, drawn from a [`ClusterView`]: each Deployment, its
//! ReplicaSets (name with hash, revision, desired / current / ready) and
//! their pods. Every pod shape carries `data-pod` (its name) and
//! `data-phase` (its STATUS) for tests and tooltips.

use crate::cluster::{ClusterView, PodView};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ActualProps {
    pub view: std::rc::Rc<ClusterView>,
}

fn pod(pod: &PodView) -> Html {
    let ready = if pod.ready { "ready" } else { "not ready" };
    html! {
        <li class="pod" data-pod={pod.key.name.clone()} data-phase={pod.status.clone()}
            title={format!("{} {} ({ready}, {} restarts)", pod.key.name, pod.status, pod.restarts)}>
            <span class="pod-name">{pod.key.name.clone()}</span>{" "}<span class="pod-status">{pod.status.clone()}</span>
        </li>
    }
}

#[function_component]
pub fn Actual(props: &ActualProps) -> Html {
    let view = &props.view;
    html! {
        <div class="actual">
            { for view.deployments.iter().map(|deployment| html! {
                <div class="deployment" data-deployment={deployment.key.name.clone()}>
                    <h3>{format!("Deployment {}", deployment.key.name)}</h3>
                    { for deployment.replica_sets.iter().map(|rs| html! {
                        <div class="replica-set" data-replica-set={rs.key.name.clone()}
                             data-desired={rs.desired.to_string()} data-current={rs.current.to_string()}
                             data-ready={rs.ready.to_string()}>
                            <div>{format!("ReplicaSet {} (revision {}): {} desired, {} current, {} ready",
                                rs.key.name, rs.revision, rs.desired, rs.current, rs.ready)}</div>
                            <ul class="pods">{ for rs.pods.iter().map(pod) }</ul>
                        </div>
                    }) }
                </div>
            }) }
            if !view.other_pods.is_empty() {
                <ul class="pods">{ for view.other_pods.iter().map(pod) }</ul>
            }
        </div>
    }
}
