//! `kubectl rollout undo` for a Deployment, done client-side as kubectl
//! does it (`DeploymentRollbacker` in kubectl's
//! pkg/polymorphichelpers/rollback.go): a pure read over the world that
//! finds the ReplicaSet of the wanted revision and returns the Deployment to
//! write, or kubectl's refusal in its words. Writing it is the caller's
//! (`History::input(Input::Apply(..))`), so replays and seeks include it;
//! the Deployment controller then finds the old ReplicaSet's template again,
//! makes it the new ReplicaSet (no new one is created), gives it the next
//! revision and rolls back as any rolling update.

use super::World;
use super::store::Key;
use crate::api::Object;
use crate::api::apps::{Deployment, ReplicaSet};
use crate::controller::deployment::util::{
    POD_TEMPLATE_HASH_LABEL, equal_ignore_hash, find_new_replica_set, revision, skip_copy_annotation,
};
use std::fmt;

/// What a rollback comes to when kubectl does not refuse it.
#[derive(Clone, Debug, PartialEq)]
pub enum Rollback {
    /// The Deployment to write: the revision's template and annotations.
    RolledBack(Box<Deployment>),
    /// The template already is the revision's (`to_revision` as asked, 0
    /// for "the previous one").
    Skipped { to_revision: i64 },
}

impl Rollback {
    /// The operation kubectl's name printer shows after
    /// `deployment.apps/NAME`.
    pub fn operation(&self) -> String {
        match self {
            Rollback::RolledBack(_) => "rolled back".to_string(),
            Rollback::Skipped { to_revision } => {
                format!("skipped rollback (current template already matches revision {to_revision})")
            }
        }
    }
}

/// kubectl's refusals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RollbackError {
    /// The Deployment does not exist (the API server's NotFound, before
    /// kubectl gets to roll anything back).
    NotFound {
        name: String,
    },
    /// `--to-revision` names no ReplicaSet's revision (or is negative).
    RevisionNotFound(i64),
    /// `--to-revision=0` and there is no revision before the latest.
    NoHistory {
        name: String,
    },
    Paused {
        name: String,
    },
}

impl RollbackError {
    /// Whether the API server said it (`Error from server (NotFound): ...`)
    /// rather than kubectl itself (`error: ...`).
    pub fn from_server(&self) -> bool {
        matches!(self, RollbackError::NotFound { .. })
    }
}

impl fmt::Display for RollbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RollbackError::NotFound { name } => write!(f, "deployments.apps {} not found", quote(name)),
            RollbackError::RevisionNotFound(revision) => {
                write!(f, "unable to find specified revision {revision} in history")
            }
            RollbackError::NoHistory { name } => write!(f, "no rollout history found for deployment {}", quote(name)),
            RollbackError::Paused { name } => write!(
                f,
                "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/{name}' and try again"
            ),
        }
    }
}

fn quote(text: &str) -> String {
    crate::validation::field::go_quote(text)
}

/// DeploymentRollbacker.Rollback: `to_revision` 0 means the revision before
/// the latest. The checks come in kubectl's order: the Deployment exists,
/// the revision is found, the Deployment is not paused, its template is not
/// already the revision's.
pub fn rollback(world: &World, key: &Key, to_revision: i64) -> Result<Rollback, RollbackError> {
    let Some(Object::Deployment(deployment)) = world.store().get(key) else {
        return Err(RollbackError::NotFound { name: key.name.clone() });
    };
    if to_revision < 0 {
        return Err(RollbackError::RevisionNotFound(to_revision));
    }
    let replica_sets = deployment_replica_sets(world, deployment);
    let target = replica_set_for_revision(deployment, &replica_sets, to_revision)?;
    if deployment.spec.paused {
        return Err(RollbackError::Paused { name: deployment.metadata.name().to_string() });
    }
    if equal_ignore_hash(&target.spec.template, &deployment.spec.template) {
        return Ok(Rollback::Skipped { to_revision });
    }
    let mut rolled_back = deployment.clone();
    rolled_back.spec.template = target.spec.template.clone();
    rolled_back.spec.template.metadata.labels_mut().remove(POD_TEMPLATE_HASH_LABEL);
    // The annotations are replaced: the Deployment keeps its own values of
    // the keys a ReplicaSet never copies (revision, last-applied, ...) and
    // takes every other annotation from the ReplicaSet (change-cause).
    let mut annotations = deployment.metadata.annotations.clone();
    annotations.retain(|key, _| skip_copy_annotation(key));
    for (key, value) in &target.metadata.annotations {
        if !skip_copy_annotation(key) {
            annotations.insert(key.clone(), value.clone());
        }
    }
    rolled_back.metadata.annotations = annotations;
    Ok(Rollback::RolledBack(Box::new(rolled_back)))
}

/// deploymentRevision: with `to_revision` 0 the ReplicaSet of the
/// second-highest revision, else the first with exactly that revision.
/// ReplicaSets whose revision does not parse are passed over.
fn replica_set_for_revision<'a>(
    deployment: &Deployment,
    replica_sets: &'a [ReplicaSet],
    to_revision: i64,
) -> Result<&'a ReplicaSet, RollbackError> {
    let mut latest: (i64, Option<&ReplicaSet>) = (-1, None);
    let mut previous: (i64, Option<&ReplicaSet>) = (-1, None);
    for rs in replica_sets {
        let Ok(value) = revision(rs) else { continue };
        if to_revision > 0 {
            if value == to_revision {
                return Ok(rs);
            }
        } else if latest.0 < value {
            previous = latest;
            latest = (value, Some(rs));
        } else if previous.0 < value {
            previous = (value, Some(rs));
        }
    }
    if to_revision > 0 {
        return Err(RollbackError::RevisionNotFound(to_revision));
    }
    previous.1.ok_or_else(|| RollbackError::NoHistory { name: deployment.metadata.name().to_string() })
}

/// The Deployment's ReplicaSets as kubectl lists them (GetAllReplicaSets:
/// those its selector matches and it controls): the old ones oldest first,
/// then the new one. `rollout history` and `rollout undo` read these.
pub fn deployment_replica_sets(world: &World, deployment: &Deployment) -> Vec<ReplicaSet> {
    let selector = deployment.spec.selector.as_ref();
    let mut owned: Vec<ReplicaSet> = super::deployment_controller::owned_replica_sets(world, deployment)
        .into_iter()
        .filter(|rs| selector.is_some_and(|s| s.matches(&rs.metadata.labels)))
        .collect();
    let refs: Vec<&ReplicaSet> = owned.iter().collect();
    if let Some(index) = find_new_replica_set(deployment, &refs) {
        let new = owned.remove(index);
        owned.push(new);
    }
    owned
}

#[cfg(test)]
#[path = "rollback_tests.rs"]
mod tests;
