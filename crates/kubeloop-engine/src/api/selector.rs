//! `metav1.LabelSelector`: which objects a workload, Service-like owner or
//! PodDisruptionBudget selects, how it matches a label set
//! (`LabelSelectorAsSelector`), how kubectl prints it (`FormatLabelSelector`)
//! and how the API server validates it (`ValidateLabelSelector`).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use crate::validation::names::{is_qualified_name, is_valid_label_value};

/// A label query: every `matchLabels` pair and every `matchExpressions`
/// requirement must hold. Empty selects everything.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelector {
    #[serde(default, deserialize_with = "null_as_default", skip_serializing_if = "BTreeMap::is_empty")]
    pub match_labels: BTreeMap<String, String>,
    #[serde(default, deserialize_with = "null_as_default", skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

/// One `matchExpressions` entry: `key`, an operator (`In`, `NotIn`, `Exists`,
/// `DoesNotExist`) and the values it takes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelectorRequirement {
    #[serde(default, deserialize_with = "null_as_default")]
    pub key: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub operator: String,
    #[serde(default, deserialize_with = "null_as_default", skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

/// JSON `null` leaves a Go field at its zero value; so does YAML `~` here.
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// `selection.Operator`s a LabelSelector can produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Operator {
    Equals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

/// A `labels.Requirement` built by `NewRequirement`.
#[derive(Debug)]
struct Requirement<'a> {
    key: &'a str,
    operator: Operator,
    values: Vec<&'a str>,
}

impl Requirement<'_> {
    /// `NewRequirement`'s checks: a valid key, the right number of values for
    /// the operator, valid values.
    fn new<'a>(key: &'a str, operator: Operator, values: Vec<&'a str>) -> Option<Requirement<'a>> {
        if !is_qualified_name(key).is_empty() {
            return None;
        }
        let count_ok = match operator {
            Operator::In | Operator::NotIn => !values.is_empty(),
            Operator::Equals => values.len() == 1,
            Operator::Exists | Operator::DoesNotExist => values.is_empty(),
        };
        if !count_ok || values.iter().any(|value| !is_valid_label_value(value).is_empty()) {
            return None;
        }
        Some(Requirement { key, operator, values })
    }

    /// `Requirement.Matches`: NotIn and DoesNotExist hold for a missing key.
    fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let value = labels.get(self.key);
        match self.operator {
            Operator::Equals | Operator::In => value.is_some_and(|v| self.values.contains(&v.as_str())),
            Operator::NotIn => value.is_none_or(|v| !self.values.contains(&v.as_str())),
            Operator::Exists => value.is_some(),
            Operator::DoesNotExist => value.is_none(),
        }
    }
}

/// `Requirement.String`: `key=v`, `key in (a,b)` (values sorted), `key notin
/// (a,b)`, `key`, `!key`.
impl fmt::Display for Requirement<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.operator == Operator::DoesNotExist {
            f.write_str("!")?;
        }
        f.write_str(self.key)?;
        let (open, close) = match self.operator {
            Operator::Equals => ("=", ""),
            Operator::In => (" in (", ")"),
            Operator::NotIn => (" notin (", ")"),
            Operator::Exists | Operator::DoesNotExist => return Ok(()),
        };
        let mut values = self.values.clone();
        crate::lean::sort(&mut values);
        write!(f, "{open}{}{close}", values.join(","))
    }
}

impl LabelSelector {
    /// No labels and no expressions: selects everything.
    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }

    /// `LabelSelectorAsSelector`: the requirements sorted by key (matchLabels
    /// before expressions on the same key), or `None` when the selector
    /// cannot be converted (unknown operator, bad key or value, wrong number
    /// of values).
    fn requirements(&self) -> Option<Vec<Requirement<'_>>> {
        let mut requirements = Vec::with_capacity(self.match_labels.len() + self.match_expressions.len());
        for (key, value) in &self.match_labels {
            requirements.push(Requirement::new(key, Operator::Equals, vec![value.as_str()])?);
        }
        for expression in &self.match_expressions {
            let operator = match expression.operator.as_str() {
                "In" => Operator::In,
                "NotIn" => Operator::NotIn,
                "Exists" => Operator::Exists,
                "DoesNotExist" => Operator::DoesNotExist,
                _ => return None,
            };
            let values = expression.values.iter().map(String::as_str).collect();
            requirements.push(Requirement::new(&expression.key, operator, values)?);
        }
        // Upstream sorts by key with sort.Sort, stable at these sizes.
        crate::lean::sort_by(&mut requirements, |a, b| a.key.cmp(b.key));
        Some(requirements)
    }

    /// Whether `labels` satisfy the selector, as the controllers decide it:
    /// an empty selector matches everything, and one that
    /// `LabelSelectorAsSelector` rejects matches nothing.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.matcher()(labels)
    }

    /// [`LabelSelector::matches`] with the selector converted once, for
    /// matching many objects.
    pub fn matcher(&self) -> impl Fn(&BTreeMap<String, String>) -> bool + '_ {
        let requirements = self.requirements();
        move |labels| requirements.as_ref().is_some_and(|requirements| requirements.iter().all(|r| r.matches(labels)))
    }
}

/// `metav1.FormatLabelSelector`, kubectl's SELECTOR column: `app=web`,
/// `app=web,tier in (api,web)`, `<none>` when empty, `<error>` when the
/// selector cannot be converted.
impl fmt::Display for LabelSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.requirements() {
            None => f.write_str("<error>"),
            Some(requirements) if requirements.is_empty() => f.write_str("<none>"),
            Some(requirements) => {
                for (i, requirement) in requirements.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{requirement}")?;
                }
                Ok(())
            }
        }
    }
}

/// One validation finding: field path, error type (`Required value`,
/// `Invalid value`, `Forbidden`), the bad value where the type shows one, and
/// the detail.
pub type SelectorFieldError = (String, String, Option<String>, String);

/// `metav1validation.ValidateLabelSelector` for a new object (invalid label
/// values in expressions are not tolerated): `(field path, error type,
/// detail)` in upstream's order. `path` is the selector's own path, e.g.
/// `spec.selector`.
pub fn validate_label_selector(sel: &LabelSelector, path: &str) -> Vec<(String, String, String)> {
    validate_label_selector_with_values(sel, path)
        .into_iter()
        .map(|(field, error_type, _, detail)| (field, error_type, detail))
        .collect()
}

/// [`validate_label_selector`] keeping each `Invalid value` error's bad value
/// (a `matchLabels` error's path does not say whether the key or the value
/// was wrong).
pub fn validate_label_selector_with_values(sel: &LabelSelector, path: &str) -> Vec<SelectorFieldError> {
    let mut errs = Vec::new();
    let labels_path = format!("{path}.matchLabels");
    for (key, value) in &sel.match_labels {
        invalid_each(&mut errs, &labels_path, key, is_qualified_name(key));
        invalid_each(&mut errs, &labels_path, value, is_valid_label_value(value));
    }
    for (i, expression) in sel.match_expressions.iter().enumerate() {
        let expression_path = format!("{path}.matchExpressions[{i}]");
        let values_path = format!("{expression_path}.values");
        match expression.operator.as_str() {
            "In" | "NotIn" => {
                if expression.values.is_empty() {
                    errs.push((
                        values_path.clone(),
                        "Required value".to_string(),
                        None,
                        "must be specified when `operator` is 'In' or 'NotIn'".to_string(),
                    ));
                }
            }
            "Exists" | "DoesNotExist" => {
                if !expression.values.is_empty() {
                    errs.push((
                        values_path.clone(),
                        "Forbidden".to_string(),
                        None,
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'".to_string(),
                    ));
                }
            }
            other => errs.push((
                format!("{expression_path}.operator"),
                "Invalid value".to_string(),
                Some(other.to_string()),
                "not a valid selector operator".to_string(),
            )),
        }
        invalid_each(&mut errs, &format!("{expression_path}.key"), &expression.key, is_qualified_name(&expression.key));
        for (j, value) in expression.values.iter().enumerate() {
            invalid_each(&mut errs, &format!("{values_path}[{j}]"), value, is_valid_label_value(value));
        }
    }
    errs
}

fn invalid_each(errs: &mut Vec<SelectorFieldError>, path: &str, value: &str, details: Vec<String>) {
    for detail in details {
        errs.push((path.to_string(), "Invalid value".to_string(), Some(value.to_string()), detail));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn expr(key: &str, operator: &str, values: &[&str]) -> LabelSelectorRequirement {
        LabelSelectorRequirement {
            key: key.to_string(),
            operator: operator.to_string(),
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    fn selector(match_labels: &[(&str, &str)], match_expressions: Vec<LabelSelectorRequirement>) -> LabelSelector {
        LabelSelector { match_labels: labels(match_labels), match_expressions }
    }

    type MatchCase = (LabelSelector, &'static [(&'static str, &'static str)], bool);
    type ValidateCase = (LabelSelector, Vec<(String, String, String)>);

    // labels/selector_test.go (TestSetSelectorParser / TestRequirementSelectorMatching
    // in spirit) and the LabelSelectorAsSelector semantics.
    #[test]
    fn matches_table() {
        let cases: Vec<MatchCase> = vec![
            (selector(&[], vec![]), &[], true),
            (selector(&[], vec![]), &[("app", "web")], true),
            (selector(&[("app", "web")], vec![]), &[("app", "web")], true),
            (selector(&[("app", "web")], vec![]), &[("app", "web"), ("tier", "fe")], true),
            (selector(&[("app", "web")], vec![]), &[("app", "api")], false),
            (selector(&[("app", "web")], vec![]), &[], false),
            (selector(&[("app", "web"), ("tier", "fe")], vec![]), &[("app", "web")], false),
            (selector(&[], vec![expr("tier", "In", &["api", "web"])]), &[("tier", "web")], true),
            (selector(&[], vec![expr("tier", "In", &["api", "web"])]), &[("tier", "db")], false),
            (selector(&[], vec![expr("tier", "In", &["api", "web"])]), &[], false),
            (selector(&[], vec![expr("tier", "NotIn", &["api"])]), &[("tier", "web")], true),
            (selector(&[], vec![expr("tier", "NotIn", &["api"])]), &[("tier", "api")], false),
            (selector(&[], vec![expr("tier", "NotIn", &["api"])]), &[], true),
            (selector(&[], vec![expr("tier", "Exists", &[])]), &[("tier", "")], true),
            (selector(&[], vec![expr("tier", "Exists", &[])]), &[], false),
            (selector(&[], vec![expr("tier", "DoesNotExist", &[])]), &[], true),
            (selector(&[], vec![expr("tier", "DoesNotExist", &[])]), &[("tier", "x")], false),
            (selector(&[("app", "")], vec![]), &[("app", "")], true),
            (selector(&[("app", "")], vec![]), &[], false),
            (
                selector(&[("app", "web")], vec![expr("tier", "In", &["fe"]), expr("canary", "DoesNotExist", &[])]),
                &[("app", "web"), ("tier", "fe")],
                true,
            ),
            (
                selector(&[("app", "web")], vec![expr("tier", "In", &["fe"]), expr("canary", "DoesNotExist", &[])]),
                &[("app", "web"), ("tier", "fe"), ("canary", "1")],
                false,
            ),
            // Selectors LabelSelectorAsSelector rejects match nothing.
            (selector(&[], vec![expr("tier", "Gt", &["1"])]), &[("tier", "2")], false),
            (selector(&[], vec![expr("tier", "In", &[])]), &[("tier", "")], false),
            (selector(&[], vec![expr("tier", "Exists", &["x"])]), &[("tier", "x")], false),
            (selector(&[], vec![expr("-tier", "Exists", &[])]), &[("-tier", "x")], false),
            (selector(&[("app", "a b")], vec![]), &[("app", "a b")], false),
            (selector(&[("bad key", "x")], vec![]), &[("bad key", "x")], false),
        ];
        for (sel, pairs, want) in cases {
            assert_eq!(sel.matches(&labels(pairs)), want, "{sel:?} vs {pairs:?}");
        }
    }

    // metav1 FormatLabelSelector / labels.Selector.String.
    #[test]
    fn display_table() {
        let cases: Vec<(LabelSelector, &str)> = vec![
            (selector(&[], vec![]), "<none>"),
            (selector(&[("app", "web")], vec![]), "app=web"),
            (selector(&[("tier", "fe"), ("app", "web")], vec![]), "app=web,tier=fe"),
            (selector(&[("app", "web")], vec![expr("tier", "In", &["web", "api"])]), "app=web,tier in (api,web)"),
            (selector(&[], vec![expr("tier", "NotIn", &["b", "a", "c"])]), "tier notin (a,b,c)"),
            (selector(&[], vec![expr("tier", "In", &["x"])]), "tier in (x)"),
            (selector(&[], vec![expr("canary", "DoesNotExist", &[])]), "!canary"),
            (selector(&[], vec![expr("canary", "Exists", &[])]), "canary"),
            (selector(&[("z", "1")], vec![expr("b", "Exists", &[]), expr("a", "DoesNotExist", &[])]), "!a,b,z=1"),
            // Same key: the matchLabels requirement first, then expressions in order.
            (
                selector(&[("app", "web")], vec![expr("app", "In", &["web", "api"]), expr("app", "Exists", &[])]),
                "app=web,app in (api,web),app",
            ),
            (selector(&[], vec![expr("app", "Foo", &["x"])]), "<error>"),
            (selector(&[], vec![expr("app", "In", &[])]), "<error>"),
            (selector(&[("app", "web!")], vec![]), "<error>"),
            (selector(&[("example.com/app", "")], vec![]), "example.com/app="),
        ];
        for (sel, want) in cases {
            assert_eq!(sel.to_string(), want, "{sel:?}");
        }
    }

    #[test]
    fn is_empty() {
        assert!(LabelSelector::default().is_empty());
        assert!(!selector(&[("a", "b")], vec![]).is_empty());
        assert!(!selector(&[], vec![expr("a", "Exists", &[])]).is_empty());
    }

    const KEY_NAME_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    const VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    fn err(path: &str, kind: &str, detail: &str) -> (String, String, String) {
        (path.to_string(), kind.to_string(), detail.to_string())
    }

    // meta/v1/validation TestLabelSelectorMatchExpression, and the rest of
    // ValidateLabelSelectorRequirement's branches.
    #[test]
    fn validate_table() {
        let p = "spec.selector";
        let cases: Vec<ValidateCase> = vec![
            (selector(&[], vec![expr("key", "In", &["value"])]), vec![]),
            (selector(&[("app", "web")], vec![]), vec![]),
            (selector(&[], vec![]), vec![]),
            (
                selector(&[], vec![expr("-key", "In", &["value"])]),
                vec![err("spec.selector.matchExpressions[0].key", "Invalid value", KEY_NAME_MSG)],
            ),
            (
                selector(&[], vec![expr("key", "abc", &["value"])]),
                vec![err(
                    "spec.selector.matchExpressions[0].operator",
                    "Invalid value",
                    "not a valid selector operator",
                )],
            ),
            (
                selector(&[], vec![expr("key", "In", &["-value"])]),
                vec![err("spec.selector.matchExpressions[0].values[0]", "Invalid value", VALUE_MSG)],
            ),
            (
                selector(&[], vec![expr("key", "NotIn", &[])]),
                vec![err(
                    "spec.selector.matchExpressions[0].values",
                    "Required value",
                    "must be specified when `operator` is 'In' or 'NotIn'",
                )],
            ),
            (
                selector(&[], vec![expr("key", "In", &["ok"]), expr("key", "Exists", &["x", "-y"])]),
                vec![
                    err(
                        "spec.selector.matchExpressions[1].values",
                        "Forbidden",
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    ),
                    err("spec.selector.matchExpressions[1].values[1]", "Invalid value", VALUE_MSG),
                ],
            ),
            (
                selector(&[], vec![expr("", "", &[])]),
                vec![
                    err("spec.selector.matchExpressions[0].operator", "Invalid value", "not a valid selector operator"),
                    err("spec.selector.matchExpressions[0].key", "Invalid value", "name part must be non-empty"),
                    err("spec.selector.matchExpressions[0].key", "Invalid value", KEY_NAME_MSG),
                ],
            ),
            (
                selector(&[("b", "-v"), ("-a", "ok")], vec![]),
                vec![
                    err("spec.selector.matchLabels", "Invalid value", KEY_NAME_MSG),
                    err("spec.selector.matchLabels", "Invalid value", VALUE_MSG),
                ],
            ),
        ];
        for (sel, want) in cases {
            assert_eq!(validate_label_selector(&sel, p), want, "{sel:?}");
        }
    }

    #[test]
    fn validate_keeps_bad_values() {
        let sel = selector(&[("b", "-v"), ("-a", "ok")], vec![expr("k", "Gt", &["1"])]);
        let errs = validate_label_selector_with_values(&sel, "spec.selector");
        let values: Vec<Option<&str>> = errs.iter().map(|e| e.2.as_deref()).collect();
        assert_eq!(values, vec![Some("-a"), Some("-v"), Some("Gt")]);
    }

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Holder {
        selector: LabelSelector,
    }

    #[test]
    fn deserialize() {
        let text = "selector:\n  matchLabels:\n    app: web\n  matchExpressions:\n  - key: tier\n    operator: In\n    values: [api, web]\n  - {key: canary, operator: DoesNotExist}\n";
        let holder: Holder = serde_yaml::from_str(text).unwrap();
        assert_eq!(
            holder.selector,
            selector(&[("app", "web")], vec![expr("tier", "In", &["api", "web"]), expr("canary", "DoesNotExist", &[])])
        );
        let holder: Holder = serde_yaml::from_str("selector: {}").unwrap();
        assert!(holder.selector.is_empty());
        let holder: Holder = serde_yaml::from_str(
            "selector:\n  matchLabels: ~\n  matchExpressions:\n  - key: a\n    operator: Exists\n    values: null\n",
        )
        .unwrap();
        assert_eq!(holder.selector, selector(&[], vec![expr("a", "Exists", &[])]));
    }

    #[test]
    fn serialize_skips_empty_fields() {
        let holder =
            Holder { selector: selector(&[("app", "web")], vec![expr("x", "Exists", &[]), expr("t", "In", &["a"])]) };
        let text = serde_yaml::to_string(&holder).unwrap();
        assert_eq!(
            text,
            "selector:\n  matchLabels:\n    app: web\n  matchExpressions:\n  - key: x\n    operator: Exists\n  - key: t\n    operator: In\n    values:\n    - a\n"
        );
        assert_eq!(serde_yaml::from_str::<Holder>(&text).unwrap(), holder);
        assert_eq!(serde_yaml::to_string(&Holder { selector: LabelSelector::default() }).unwrap(), "selector: {}\n");
    }
}
