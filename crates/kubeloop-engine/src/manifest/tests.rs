use super::*;
use crate::{DEMO_MANIFESTS, Severity};

fn errors(text: &str) -> Vec<String> {
    parse_manifests(text).diagnostics.iter().map(|d| d.to_string()).collect()
}

#[test]
fn demo_manifests_load_cleanly() {
    let manifests = parse_manifests(DEMO_MANIFESTS);
    assert_eq!(manifests.diagnostics, vec![]);
    assert_eq!(
        manifests.deployments,
        vec![DeploymentSummary { name: "demo-api".into(), replicas: 2, image: Some("myrepo/demo-api:1.0.0".into()) }]
    );
    assert_eq!(manifests.services, vec![ServiceSummary { name: "demo-api".into() }]);
}

#[test]
fn replicas_default_to_one() {
    let manifests = parse_manifests("kind: Deployment\nmetadata:\n  name: web\n");
    assert_eq!(manifests.deployments[0].replicas, 1);
}

#[test]
fn located_errors() {
    // (input, the diagnostics it must produce)
    let cases: &[(&str, &[&str])] = &[
        ("a: b\n  c: d\n", &["2:4: error: mapping values are not allowed in this context"]),
        (
            "kind: [unclosed\n",
            &["2:1: error: did not find expected ',' or ']', while parsing a flow sequence at line 1 column 7"],
        ),
        (
            "kind: Deployment\nspec:\n  replicas: two\n",
            &["3:13: error: spec.replicas: invalid type: string \"two\", expected an integer"],
        ),
        (
            "kind: Deployment\nspec:\n  replicas: -1\n",
            &["3:13: error: spec.replicas: Invalid value: -1: must be greater than or equal to 0"],
        ),
        (
            "kind: Deployment\nspec:\n  replicas: 20000\n",
            &["3:13: error: spec.replicas: Invalid value: 20000: the playground simulates at most 10000 pods"],
        ),
        // The second document is bad; the first still loads and the position
        // counts lines of the whole text.
        (
            "kind: Service\nmetadata: {name: a}\n---\nkind: Deployment\nspec:\n  replicas: x\n",
            &["6:13: error: spec.replicas: invalid type: string \"x\", expected an integer"],
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(errors(input), *expected, "input: {input:?}");
    }
}

#[test]
fn every_diagnostic_of_a_broken_text_is_an_error_with_a_position() {
    let manifests = parse_manifests("{{{{");
    assert!(manifests.has_errors());
    assert!(manifests.diagnostics.iter().all(|d| d.severity == Severity::Error && d.position.line >= 1));
}

#[test]
fn empty_and_comment_only_texts_are_fine() {
    for text in ["", "\n", "# nothing yet\n", "---\n---\n"] {
        assert_eq!(parse_manifests(text), Manifests::default(), "{text:?}");
    }
}
