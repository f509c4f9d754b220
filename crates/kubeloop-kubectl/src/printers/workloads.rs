//! `kubectl get deploy` (printDeployment) and `kubectl get rs`
//! (printReplicaSet).

use super::age;
use kubeloop_engine::api::Time;
use kubeloop_engine::api::apps::{Deployment, ReplicaSet};
use kubeloop_engine::api::core::Container;
use kubeloop_engine::api::selector::LabelSelector;

pub const DEPLOYMENT_COLUMNS: [&str; 5] = ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"];
pub const REPLICA_SET_COLUMNS: [&str; 5] = ["NAME", "DESIRED", "CURRENT", "READY", "AGE"];
/// What `-o wide` adds to both.
pub const WORKLOAD_WIDE_COLUMNS: [&str; 3] = ["CONTAINERS", "IMAGES", "SELECTOR"];

/// `spec.replicas`; the API server defaults an unset one to 1.
fn replicas(replicas: Option<i32>) -> i32 {
    replicas.unwrap_or(1)
}

/// layoutContainerCells: names and images, comma-joined.
pub fn container_cells(containers: &[Container]) -> (String, String) {
    let names: Vec<&str> = containers.iter().map(|c| c.name.as_str()).collect();
    let images: Vec<&str> = containers.iter().map(|c| c.image.as_deref().unwrap_or("")).collect();
    (names.join(","), images.join(","))
}

/// `LabelSelectorAsSelector(selector).String()`: empty for a nil or empty
/// selector, `<invalid>` (printDeployment's word) when it does not convert.
fn selector_string(selector: Option<&LabelSelector>) -> String {
    match selector {
        None => String::new(),
        Some(selector) if selector.is_empty() => String::new(),
        Some(selector) => match selector.to_string().as_str() {
            "<error>" => "<invalid>".to_string(),
            text => text.to_string(),
        },
    }
}

/// `metav1.FormatLabelSelector`: `<none>` for nil or empty, `<error>` when
/// it does not convert.
pub fn format_label_selector(selector: Option<&LabelSelector>) -> String {
    selector.map_or_else(|| "<none>".to_string(), LabelSelector::to_string)
}

/// The row of `kubectl get deploy` (with `wide`, of `-o wide`).
pub fn deployment_row(deployment: &Deployment, now: Time, wide: bool) -> Vec<String> {
    let status = &deployment.status;
    let mut row = vec![
        deployment.metadata.name().to_string(),
        format!("{}/{}", status.ready_replicas, replicas(deployment.spec.replicas)),
        status.updated_replicas.to_string(),
        status.available_replicas.to_string(),
        age(deployment.metadata.creation_timestamp, now),
    ];
    if wide {
        let (names, images) = container_cells(&deployment.spec.template.spec.containers);
        row.extend([names, images, selector_string(deployment.spec.selector.as_ref())]);
    }
    row
}

/// The row of `kubectl get rs` (with `wide`, of `-o wide`).
pub fn replica_set_row(replica_set: &ReplicaSet, now: Time, wide: bool) -> Vec<String> {
    let status = &replica_set.status;
    let mut row = vec![
        replica_set.metadata.name().to_string(),
        replicas(replica_set.spec.replicas).to_string(),
        status.replicas.to_string(),
        status.ready_replicas.to_string(),
        age(replica_set.metadata.creation_timestamp, now),
    ];
    if wide {
        let (names, images) = container_cells(&replica_set.spec.template.spec.containers);
        row.extend([names, images, format_label_selector(replica_set.spec.selector.as_ref())]);
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeloop_engine::api::decode::{from_yaml_str, from_yaml_str_with_status};

    const NOW: Time = Time::from_unix_ms(1_700_000_000_000);

    /// From TestPrintDeployment and TestPrintReplicaSet.
    #[test]
    fn deployment_rows() {
        let deployment: Deployment = from_yaml_str_with_status(
            "metadata: {name: test1}\n\
             spec:\n  replicas: 5\n  selector: {matchLabels: {foo: bar}}\n  template:\n    spec:\n      containers:\n\
             \x20     - {name: fake-container1, image: fake-image1}\n      - {name: fake-container2, image: fake-image2}\n\
             status: {replicas: 10, updatedReplicas: 2, availableReplicas: 1, unavailableReplicas: 4}\n",
        );
        let mut young = deployment.clone();
        young.metadata.creation_timestamp = Some(Time::from_unix_ms(NOW.unix_ms + 1_900));
        let cases: Vec<(Deployment, bool, Vec<&str>)> = vec![
            (young.clone(), false, vec!["test1", "0/5", "2", "1", "0s"]),
            (
                young,
                true,
                vec![
                    "test1",
                    "0/5",
                    "2",
                    "1",
                    "0s",
                    "fake-container1,fake-container2",
                    "fake-image1,fake-image2",
                    "foo=bar",
                ],
            ),
            (deployment, false, vec!["test1", "0/5", "2", "1", "<unknown>"]),
            (from_yaml_str("metadata: {name: bare}"), true, vec!["bare", "0/1", "0", "0", "<unknown>", "", "", ""]),
        ];
        for (deployment, wide, expected) in cases {
            assert_eq!(deployment_row(&deployment, NOW, wide), expected);
        }
    }

    #[test]
    fn replica_set_rows() {
        let mut rs: ReplicaSet = from_yaml_str_with_status(
            "metadata: {name: web-7c5ddbdf54}\n\
             spec:\n  replicas: 3\n  selector: {matchLabels: {app: web, pod-template-hash: 7c5ddbdf54}}\n\
             \x20 template: {spec: {containers: [{name: nginx, image: 'nginx:1.27'}]}}\n\
             status: {replicas: 3, readyReplicas: 2}\n",
        );
        rs.metadata.creation_timestamp = Some(Time::from_unix_ms(NOW.unix_ms - 120_000));
        assert_eq!(replica_set_row(&rs, NOW, false), ["web-7c5ddbdf54", "3", "3", "2", "2m"]);
        assert_eq!(
            replica_set_row(&rs, NOW, true)[5..],
            ["nginx", "nginx:1.27", "app=web,pod-template-hash=7c5ddbdf54"]
        );
        assert_eq!(replica_set_row(&from_yaml_str("metadata: {name: x}"), NOW, true)[7], "<none>");
    }
}
