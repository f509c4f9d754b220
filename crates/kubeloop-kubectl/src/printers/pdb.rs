//! `kubectl get pdb` (printPodDisruptionBudget).

use super::age;
use kubeloop_engine::api::Time;
use kubeloop_engine::api::policy::PodDisruptionBudget;

pub const PDB_COLUMNS: [&str; 5] = ["NAME", "MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS", "AGE"];

/// The row: minAvailable and maxUnavailable as written (`N/A` when unset),
/// `status.disruptionsAllowed`, the age.
pub fn pdb_row(pdb: &PodDisruptionBudget, now: Time) -> Vec<String> {
    let or_na = |value: Option<String>| value.unwrap_or_else(|| "N/A".to_string());
    vec![
        pdb.metadata.name().to_string(),
        or_na(pdb.spec.min_available.as_ref().map(ToString::to_string)),
        or_na(pdb.spec.max_unavailable.as_ref().map(ToString::to_string)),
        pdb.status.disruptions_allowed.to_string(),
        age(pdb.metadata.creation_timestamp, now),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeloop_engine::api::decode::from_yaml_str_with_status;

    const NOW: Time = Time::from_unix_ms(1_700_000_000_000);

    /// minAvailable, maxUnavailable (an int and a percentage), no timestamp.
    #[test]
    fn rows() {
        let mut min: PodDisruptionBudget = from_yaml_str_with_status(
            "metadata: {name: pdb1}\nspec: {minAvailable: 22}\nstatus: {disruptionsAllowed: 5}\n",
        );
        min.metadata.creation_timestamp = Some(Time::from_unix_ms(NOW.unix_ms - 10 * 365 * 86_400_000));
        assert_eq!(pdb_row(&min, NOW), ["pdb1", "22", "N/A", "5", "10y"]);
        let mut max: PodDisruptionBudget = from_yaml_str_with_status(
            "metadata: {name: pdb2}\nspec: {maxUnavailable: 11}\nstatus: {disruptionsAllowed: 5}\n",
        );
        max.metadata.creation_timestamp = min.metadata.creation_timestamp;
        assert_eq!(pdb_row(&max, NOW), ["pdb2", "N/A", "11", "5", "10y"]);
        let percent: PodDisruptionBudget =
            from_yaml_str_with_status("metadata: {name: p}\nspec: {maxUnavailable: 25%}\n");
        assert_eq!(pdb_row(&percent, NOW), ["p", "N/A", "25%", "0", "<unknown>"]);
    }
}
