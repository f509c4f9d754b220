use super::*;
use crate::api::Object;
use crate::manifest::parse_manifests;

fn loaded(text: &str) -> Object {
    let manifests = parse_manifests(text);
    assert_eq!(manifests.diagnostics, vec![], "{text}");
    manifests.objects.into_iter().next().expect("one object").object
}

/// Conformance case validation.defaults.01 (spec section 1.1).
#[test]
fn deployment_defaults_match_the_spec() {
    let Object::Deployment(d) = loaded(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx}]}\n",
    ) else {
        panic!("not a Deployment")
    };
    let spec = &d.spec;
    assert_eq!(spec.replicas, Some(1));
    assert_eq!(spec.strategy.strategy_type.as_deref(), Some("RollingUpdate"));
    let rolling = spec.strategy.rolling_update.as_ref().unwrap();
    assert_eq!(rolling.max_surge, Some(IntOrString::String("25%".into())));
    assert_eq!(rolling.max_unavailable, Some(IntOrString::String("25%".into())));
    assert_eq!(spec.revision_history_limit, Some(10));
    assert_eq!(spec.progress_deadline_seconds, Some(600));
    assert_eq!(spec.min_ready_seconds, 0);
    assert!(!spec.paused);
    let pod = &spec.template.spec;
    assert_eq!(pod.restart_policy.as_deref(), Some("Always"));
    assert_eq!(pod.termination_grace_period_seconds, Some(30));
    assert_eq!(pod.dns_policy.as_deref(), Some("ClusterFirst"));
    assert_eq!(pod.scheduler_name.as_deref(), Some("default-scheduler"));
    // No tag means :latest, which is pulled Always.
    assert_eq!(pod.containers[0].image_pull_policy.as_deref(), Some("Always"));
}

#[test]
fn recreate_gets_no_rolling_update_and_given_values_are_kept() {
    let mut d = crate::api::apps::Deployment::default();
    d.spec.strategy.strategy_type = Some("Recreate".into());
    d.spec.replicas = Some(0);
    d.spec.revision_history_limit = Some(0);
    deployment_defaults(&mut d);
    assert_eq!(d.spec.strategy.rolling_update, None);
    assert_eq!(d.spec.replicas, Some(0));
    assert_eq!(d.spec.revision_history_limit, Some(0));

    let mut d = crate::api::apps::Deployment::default();
    d.spec.strategy.rolling_update =
        Some(RollingUpdateDeployment { max_surge: Some(IntOrString::Int(0)), max_unavailable: None });
    deployment_defaults(&mut d);
    let rolling = d.spec.strategy.rolling_update.unwrap();
    assert_eq!(rolling.max_surge, Some(IntOrString::Int(0)));
    assert_eq!(rolling.max_unavailable, Some(IntOrString::String("25%".into())));
}

/// Conformance case kubelet.probedefaults.01 (spec section 1.2).
#[test]
fn probe_defaults_fill_only_zero_or_unset_fields() {
    let mut probe = Probe { http_get: Some(Default::default()), ..Probe::default() };
    probe_defaults(&mut probe);
    assert_eq!(
        (
            probe.timeout_seconds,
            probe.period_seconds,
            probe.success_threshold,
            probe.failure_threshold,
            probe.initial_delay_seconds
        ),
        (Some(1), Some(10), Some(1), Some(3), Some(0))
    );
    let http = probe.http_get.unwrap();
    assert_eq!((http.path.as_deref(), http.scheme.as_deref()), (Some("/"), Some("HTTP")));
    let mut probe = Probe { period_seconds: Some(5), failure_threshold: Some(0), ..Probe::default() };
    probe_defaults(&mut probe);
    assert_eq!((probe.period_seconds, probe.failure_threshold), (Some(5), Some(3)));
}

#[test]
fn pull_policy_follows_the_tag() {
    let cases = [
        ("nginx", "Always"),
        ("nginx:latest", "Always"),
        ("nginx:1.27", "IfNotPresent"),
        ("registry:5000/team/app", "Always"),
        ("registry:5000/team/app:2", "IfNotPresent"),
        ("nginx@sha256:abc", "IfNotPresent"),
    ];
    for (image, expected) in cases {
        let mut container = Container { image: Some(image.into()), ..Container::default() };
        container_defaults(&mut container);
        assert_eq!(container.image_pull_policy.as_deref(), Some(expected), "{image}");
    }
}

#[test]
fn a_limit_without_a_request_becomes_the_request() {
    let Object::Pod(pod) = loaded(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: x\n    resources:\n      limits: {memory: 256Mi, cpu: 500m}\n      requests: {cpu: 100m}\n",
    ) else {
        panic!()
    };
    let requests = &pod.spec.containers[0].resources.requests;
    assert_eq!(requests["memory"].to_string(), "256Mi");
    assert_eq!(requests["cpu"].to_string(), "100m");
}

#[test]
fn service_secret_hpa_and_app_defaults() {
    let Object::Service(service) = loaded(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n",
    ) else {
        panic!()
    };
    assert_eq!(service.spec.service_type.as_deref(), Some("ClusterIP"));
    assert_eq!(service.spec.ports[0].protocol.as_deref(), Some("TCP"));
    assert_eq!(service.spec.ports[0].target_port, Some(IntOrString::Int(80)));

    let Object::Secret(secret) =
        loaded("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {JWT_SECRET: change-me}\n")
    else {
        panic!()
    };
    assert_eq!(secret.secret_type.as_deref(), Some("Opaque"));
    assert_eq!(secret.data["JWT_SECRET"], "Y2hhbmdlLW1l");
    assert!(secret.string_data.is_empty());

    let Object::HorizontalPodAutoscaler(hpa) = loaded(
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 5}\n",
    ) else {
        panic!()
    };
    assert_eq!(hpa.spec.min_replicas, Some(1));
    let target = &hpa.spec.metrics[0].resource.as_ref().unwrap().target;
    assert_eq!((target.target_type.as_str(), target.average_utilization), ("Utilization", Some(80)));
    assert_eq!(hpa.spec.behavior, None, "behavior is only defaulted when given");

    let Object::HorizontalPodAutoscaler(hpa) = loaded(
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 5, behavior: {}}\n",
    ) else {
        panic!()
    };
    let behavior = hpa.spec.behavior.unwrap();
    let up = behavior.scale_up.unwrap();
    assert_eq!(up.stabilization_window_seconds, Some(0));
    assert_eq!(up.policies.unwrap(), [policy("Pods", 4, 15), policy("Percent", 100, 15)]);
    let down = behavior.scale_down.unwrap();
    assert_eq!(down.stabilization_window_seconds, None);
    assert_eq!(down.policies.unwrap(), [policy("Percent", 100, 15)]);

    let Object::App(app) = loaded("apiVersion: kubeloop.dev/v1\nkind: App\nmetadata: {name: a}\nspec: {image: x}\n")
    else {
        panic!()
    };
    assert_eq!(app.spec.pull.as_deref(), Some("Succeeds"));
    assert_eq!(app.spec.startup_seconds, Some(2));
    assert_eq!(app.spec.crash, None);
    assert_eq!((app.spec.endpoints.readiness, app.spec.endpoints.liveness), (Some(200), Some(200)));
    assert_eq!(app.spec.memory.baseline.as_ref().unwrap().to_string(), "64Mi");
}
