use super::*;
use crate::{DEMO_MANIFESTS, Severity};

/// Diagnostics as `kubeloop check` prints them (without the file name).
fn check(text: &str) -> Vec<String> {
    parse_manifests(text).diagnostics.iter().map(|d| d.to_string()).collect()
}

fn kinds(text: &str) -> Vec<&'static str> {
    parse_manifests(text).objects.iter().map(|o| o.object.kind()).collect()
}

const WEB: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.27
";

#[test]
fn demo_manifests_load_cleanly() {
    let manifests = parse_manifests(DEMO_MANIFESTS);
    assert_eq!(manifests.diagnostics, vec![]);
    assert_eq!(kinds(DEMO_MANIFESTS), ["Deployment", "Service"]);
    let deployment = manifests.deployments().next().unwrap();
    assert_eq!(deployment.metadata.name(), "demo-api");
    assert_eq!(deployment.spec.replicas, Some(2));
}

#[test]
fn empty_and_comment_only_texts_are_fine() {
    for text in ["", "\n", "# nothing yet\n", "---\n---\n"] {
        assert_eq!(parse_manifests(text), Manifests::default(), "{text:?}");
    }
}

#[test]
fn syntax_errors_are_located_and_stop_the_stream() {
    let cases: &[(&str, &[&str])] = &[
        ("a: b\n  c: d\n", &["2:4: error: mapping values are not allowed in this context"]),
        (
            "kind: [unclosed\n",
            &["2:1: error: did not find expected ',' or ']', while parsing a flow sequence at line 1 column 7"],
        ),
        ("a: 1\na: 2\n", &["2:1: error: duplicate entry with key \"a\""]),
        ("spec:\n  replicas: 1\n  replicas: 2\n", &["3:3: error: spec: duplicate entry with key \"replicas\""]),
    ];
    for (input, expected) in cases {
        assert_eq!(check(input), *expected, "input: {input:?}");
    }
}

#[test]
fn type_errors_read_like_the_api_server_and_are_located() {
    let cannot = "error: Deployment in version \"v1\" cannot be handled as a Deployment: ";
    let cases: &[(&str, &str, String)] = &[
        (
            "replicas: 3",
            "replicas: three",
            format!(
                "6:13: {cannot}json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"
            ),
        ),
        (
            "replicas: 3",
            "replicas: [3]",
            format!(
                "6:13: {cannot}json: cannot unmarshal array into Go struct field DeploymentSpec.spec.replicas of type int32"
            ),
        ),
        (
            "image: nginx:1.27",
            "image: {name: x}",
            format!(
                "17:16: {cannot}json: cannot unmarshal object into Go struct field Container.spec.template.spec.containers.image of type string"
            ),
        ),
        // The classic: an unquoted number where Kubernetes wants a string.
        (
            "image: nginx:1.27",
            "image: nginx:1.27\n        env:\n        - name: PORT\n          value: 8000",
            format!(
                "20:18: {cannot}json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string"
            ),
        ),
        (
            "image: nginx:1.27",
            "image: nginx:1.27\n        resources: {limits: {memory: 12 GB}}",
            format!(
                "18:38: {cannot}quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
            ),
        ),
    ];
    for (from, to, expected) in cases {
        assert_eq!(check(&WEB.replace(from, to)), [expected.as_str()], "{to}");
    }
}

#[test]
fn validation_errors_read_like_the_api_server_and_point_at_the_node() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "replicas: 3",
            "replicas: -1",
            "6:13: error: The Deployment \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0",
        ),
        (
            "replicas: 3",
            "replicas: 3\n  strategy:\n    rollingUpdate:\n      maxSurge: 0\n      maxUnavailable: 0",
            "10:23: error: The Deployment \"web\" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0",
        ),
        (
            "        app: web\n    spec",
            "        app: web2\n    spec",
            "13:9: error: The Deployment \"web\" is invalid: spec.template.metadata.labels: Invalid value: {\"app\":\"web2\"}: `selector` does not match template `labels`",
        ),
        (
            "  name: web\n",
            "  labels: {a: b}\n",
            "3:1: error: The Deployment \"\" is invalid: metadata.name: Required value: name or generateName is required",
        ),
    ];
    for (from, to, expected) in cases {
        assert_eq!(check(&WEB.replacen(from, to, 1)), [*expected], "{to}");
    }
}

#[test]
fn bad_base64_is_refused_while_decoding_like_the_api_server() {
    let secret =
        "apiVersion: v1\nkind: Secret\nmetadata: {name: creds}\ndata:\n  user: YWRtaW4=\n  password: not*base64\n";
    assert_eq!(
        check(secret),
        ["6:13: error: Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 3"]
    );
    let config = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nbinaryData: {logo.png: 'ab!d'}\n";
    assert_eq!(
        check(config),
        [
            "4:24: error: ConfigMap in version \"v1\" cannot be handled as a ConfigMap: illegal base64 data at input byte 2"
        ]
    );
}

#[test]
fn a_missing_field_points_at_the_mapping_it_belongs_in() {
    let text = WEB.replace("  selector:\n    matchLabels:\n      app: web\n", "");
    assert_eq!(check(&text), ["5:1: error: The Deployment \"web\" is invalid: spec.selector: Required value"]);
}

#[test]
fn an_invalid_object_is_left_out_and_the_rest_still_loads() {
    let text = format!("{}---\n{}", WEB.replace("replicas: 3", "replicas: -3"), DEMO_MANIFESTS);
    assert_eq!(kinds(&text), ["Deployment", "Service"]);
    assert_eq!(parse_manifests(&text).deployments().next().unwrap().metadata.name(), "demo-api");
}

#[test]
fn unknown_fields_are_warnings_at_the_key_with_a_suggestion() {
    let text = WEB
        .replace("replicas: 3", "replica: 3")
        .replace("image: nginx:1.27", "image: nginx:1.27\n        imagePullPolicyy: Always\n        colour: blue");
    assert_eq!(
        check(&text),
        [
            "6:3: warning: unknown field \"spec.replica\" (did you mean \"replicas\"?)",
            "18:9: warning: unknown field \"spec.template.spec.containers[0].imagePullPolicyy\" (did you mean \"imagePullPolicy\"?)",
            "19:9: warning: unknown field \"spec.template.spec.containers[0].colour\"",
        ]
    );
    // Warnings do not stop the object: it loads with the default replicas.
    let manifests = parse_manifests(&text);
    assert_eq!(manifests.deployments().next().unwrap().spec.replicas, Some(1));
    assert!(!manifests.has_errors());
}

#[test]
fn real_world_fields_the_playground_does_not_simulate_are_not_unknown() {
    let text = WEB.replace(
        "        image: nginx:1.27\n",
        "        image: nginx:1.27\n        volumeMounts: [{name: data, mountPath: /data}]\n        securityContext: {runAsNonRoot: true}\n      volumes: [{name: data, emptyDir: {}}]\n      nodeSelector: {disk: ssd}\n      tolerations: []\n",
    );
    assert_eq!(check(&text), Vec::<String>::new());
}

#[test]
fn kinds_and_api_versions() {
    let wrong_version = WEB.replace("apps/v1", "apps/v1beta1");
    assert_eq!(check(&wrong_version), ["2:7: error: no matches for kind \"Deployment\" in version \"apps/v1beta1\""]);
    let typo = WEB.replace("kind: Deployment", "kind: Deploymnet");
    assert_eq!(
        check(&typo),
        ["2:7: error: no matches for kind \"Deploymnet\" in version \"apps/v1\" (did you mean \"Deployment\"?)"]
    );
    let ingress = format!("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {{name: x}}\n---\n{WEB}");
    let diagnostics = parse_manifests(&ingress).diagnostics;
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].severity, Severity::Warning);
    assert_eq!(diagnostics[0].position.to_string(), "2:7");
    assert!(diagnostics[0].message.starts_with("Ingress (networking.k8s.io/v1) is not simulated by the playground"));
    assert!(diagnostics[0].message.contains("Deployment, ReplicaSet, Pod, Service"));
    assert_eq!(kinds(&ingress), ["Deployment"]);
    assert_eq!(
        check("metadata: {name: x}\n"),
        ["1:1: error: error validating data: [apiVersion not set, kind not set]"]
    );
    assert_eq!(check("apiVersion: v1\nmetadata: {name: x}\n"), ["1:1: error: error validating data: [kind not set]"]);
    assert_eq!(
        check("- a\n- b\n"),
        ["1:1: error: expected a Kubernetes object (a mapping with apiVersion and kind), found a list"]
    );
}

#[test]
fn every_kind_loads() {
    let text = "\
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Node
metadata: {name: node-1}
status: {capacity: {cpu: '4', memory: 8Gi, pods: '110'}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: api-config}
data: {LOG_LEVEL: info}
---
apiVersion: v1
kind: Secret
metadata: {name: api-secrets}
type: Opaque
stringData: {JWT_SECRET: change-me}
---
apiVersion: v1
kind: Pod
metadata: {name: debug}
spec: {containers: [{name: sh, image: busybox}]}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs}
spec:
  selector: {matchLabels: {app: rs}}
  template:
    metadata: {labels: {app: rs}}
    spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api-hpa}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  minReplicas: 2
  maxReplicas: 20
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: api-pdb}
spec: {minAvailable: 1, selector: {matchLabels: {app: api}}}
---
apiVersion: kubeloop.dev/v1
kind: App
metadata: {name: api}
spec: {image: myrepo/api}
---
apiVersion: kubeloop.dev/v1
kind: Traffic
metadata: {name: api}
spec: {service: api, requestsPerSecond: 50}
";
    assert_eq!(check(text), Vec::<String>::new());
    assert_eq!(
        kinds(text),
        [
            "Namespace",
            "Node",
            "ConfigMap",
            "Secret",
            "Pod",
            "ReplicaSet",
            "HorizontalPodAutoscaler",
            "PodDisruptionBudget",
            "App",
            "Traffic"
        ]
    );
}

#[test]
fn limits_refuse_hostile_input_quickly() {
    // A "billion laughs": nine levels of ten-fold aliases.
    let mut laughs = String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for level in b'b'..=b'i' {
        let previous = (level - 1) as char;
        let refs = vec![format!("*{previous}"); 9].join(",");
        laughs.push_str(&format!("{}: &{} [{refs}]\n", level as char, level as char));
    }
    let diagnostics = parse_manifests(&laughs).diagnostics;
    assert_eq!(diagnostics.len(), 1);
    assert!(diagnostics[0].message.contains("repetition limit exceeded"), "{diagnostics:?}");

    let deep = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
    assert!(parse_manifests(&deep).diagnostics[0].message.contains("recursion limit exceeded"));

    let big = "#".repeat(MAX_TEXT_BYTES + 1);
    assert_eq!(check(&big), ["1:1: error: the text is 1.0 MiB; the playground reads at most 1 MiB at once"]);

    let many = "---\n~\n".repeat(MAX_DOCUMENTS + 1);
    let last = check(&many).pop().unwrap();
    assert_eq!(
        last,
        format!("{}:1: error: more than 1000 documents; the playground reads at most 1000", 2 * MAX_DOCUMENTS + 2)
    );
}

#[test]
fn the_pod_budget_names_its_limit() {
    let text = WEB.replace("replicas: 3", "replicas: 10001");
    assert_eq!(
        check(&text),
        ["6:13: error: these manifests ask for 10001 pods; the playground simulates at most 10000"]
    );
    let two = format!(
        "{}---\n{}",
        WEB.replace("replicas: 3", "replicas: 6000"),
        WEB.replace("replicas: 3", "replicas: 5000").replace("name: web\nspec", "name: web2\nspec")
    );
    assert_eq!(
        check(&two),
        ["24:13: error: these manifests ask for 11000 pods; the playground simulates at most 10000"]
    );
}
