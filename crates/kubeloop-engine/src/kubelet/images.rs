//! Image pulls that fail (`pkg/kubelet/images/image_manager.go`): the
//! waiting reasons `ErrImagePull` and `ImagePullBackOff`, their events and
//! the pull back-off (10 s doubling to 300 s, like container restarts).
//!
//! The kubelet's pod worker retries a pod whose sync failed after
//! `backOffPeriod` (10 s; upstream adds up to 50% jitter, the simulation
//! none, so it stays deterministic without using the seed). On each retry
//! the image manager pulls again only when the back-off since the last
//! failure has run out; otherwise it reports `ImagePullBackOff` at once. So
//! a missing image shows ErrImagePull, is retried at 10 s (ErrImagePull
//! again, back-off now 20 s), shows ImagePullBackOff at 20 s, is pulled
//! again at 30 s, and so on.

use super::backoff::{Backoff, CONTAINER_BACK_OFF_PERIOD_MS, MAX_CONTAINER_BACK_OFF_MS};

pub const ERR_IMAGE_PULL: &str = "ErrImagePull";
pub const IMAGE_PULL_BACK_OFF: &str = "ImagePullBackOff";
/// kubelet's `backOffPeriod`: how soon the pod worker retries a failed sync.
pub const POD_WORKER_RETRY_MS: i64 = 10_000;

/// The image manager's pull back-off (flowcontrol.Backoff, 10 s doubling to
/// 300 s), keyed by image like upstream's per-pod, per-image key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullBackOff(Backoff);

impl Default for PullBackOff {
    fn default() -> Self {
        PullBackOff(Backoff::new(CONTAINER_BACK_OFF_PERIOD_MS, MAX_CONTAINER_BACK_OFF_MS))
    }
}

/// What one attempt to get the image does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullAttempt {
    /// The container's waiting reason and message.
    pub reason: &'static str,
    pub message: String,
    /// The events in order: (is Warning, reason, message).
    pub events: Vec<(bool, &'static str, String)>,
}

impl PullBackOff {
    /// The image manager's answer at `now` for an image that is not found.
    /// `announce_pull`: emit `Pulling` (the first attempt's comes with
    /// admission).
    pub fn attempt(&mut self, image: &str, now_ms: i64, announce_pull: bool) -> PullAttempt {
        if self.0.is_in_back_off_since_update(image, now_ms) {
            let message = format!("Back-off pulling image \"{image}\"");
            return PullAttempt {
                reason: IMAGE_PULL_BACK_OFF,
                message: message.clone(),
                events: vec![(false, "BackOff", message), (true, "Failed", format!("Error: {IMAGE_PULL_BACK_OFF}"))],
            };
        }
        self.0.next(image, now_ms, now_ms);
        let message = not_found_error(image);
        let mut events = Vec::new();
        if announce_pull {
            events.push((false, "Pulling", format!("Pulling image \"{image}\"")));
        }
        events.push((true, "Failed", format!("Failed to pull image \"{image}\": {message}")));
        events.push((true, "Failed", format!("Error: {ERR_IMAGE_PULL}")));
        PullAttempt { reason: ERR_IMAGE_PULL, message, events }
    }

    /// A pull of this image has failed before (its back-off is running).
    pub fn has_failed(&self, image: &str) -> bool {
        self.0.entry(image).is_some()
    }

    /// The current back-off window for the image.
    pub fn window_ms(&self, image: &str) -> i64 {
        self.0.get(image)
    }
}

/// containerd's error for a reference no registry has.
fn not_found_error(image: &str) -> String {
    let reference = normalize_reference(image);
    format!(
        "rpc error: code = NotFound desc = failed to pull and unpack image \"{reference}\": failed to resolve reference \"{reference}\": {reference}: not found"
    )
}

/// The fully qualified reference a runtime pulls: Docker Hub by default
/// (`library/` for single names) and the `latest` tag when none is given.
pub fn normalize_reference(image: &str) -> String {
    let (first, rest) = image.split_once('/').unwrap_or(("", image));
    let has_registry = !first.is_empty() && (first.contains('.') || first.contains(':') || first == "localhost");
    let mut reference = match (first.is_empty(), has_registry) {
        (true, _) => format!("docker.io/library/{rest}"),
        (false, true) => image.to_string(),
        (false, false) => format!("docker.io/{image}"),
    };
    let last = reference.rsplit('/').next().unwrap_or("");
    if !last.contains(':') && !last.contains('@') {
        reference.push_str(":latest");
    }
    reference
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_normalised_like_a_runtime_does() {
        for (image, expected) in [
            ("nginx", "docker.io/library/nginx:latest"),
            ("nginx:1.27", "docker.io/library/nginx:1.27"),
            ("myrepo/demo-api:1.0.2", "docker.io/myrepo/demo-api:1.0.2"),
            ("ghcr.io/org/app", "ghcr.io/org/app:latest"),
            ("localhost:5000/app:v1", "localhost:5000/app:v1"),
            ("registry.k8s.io/pause@sha256:abc", "registry.k8s.io/pause@sha256:abc"),
        ] {
            assert_eq!(normalize_reference(image), expected, "{image}");
        }
    }

    /// Retries every 10 s: pulls at 0, 10, 30, 70, 150, 310 s (back-off 10,
    /// 20, 40, 80, 160 s), ImagePullBackOff between.
    #[test]
    fn retries_follow_the_back_off() {
        let mut back_off = PullBackOff::default();
        let reasons: Vec<(i64, &str)> =
            (0..32).map(|tick| (tick * 10, back_off.attempt("app:2", tick * 10_000, tick > 0).reason)).collect();
        let pulls: Vec<i64> = reasons.iter().filter(|(_, r)| *r == ERR_IMAGE_PULL).map(|(t, _)| *t).collect();
        assert_eq!(pulls, [0, 10, 30, 70, 150, 310]);
        assert_eq!(reasons[2], (20, IMAGE_PULL_BACK_OFF));
        assert_eq!(back_off.window_ms("app:2"), 300_000, "capped at 300 s");
    }

    #[test]
    fn messages_and_events() {
        let mut back_off = PullBackOff::default();
        let first = back_off.attempt("myrepo/demo-api:9.9.9", 0, false);
        let reference = "docker.io/myrepo/demo-api:9.9.9";
        assert_eq!(
            first.message,
            format!(
                "rpc error: code = NotFound desc = failed to pull and unpack image \"{reference}\": failed to resolve reference \"{reference}\": {reference}: not found"
            )
        );
        assert_eq!(first.events.len(), 2);
        assert_eq!(first.events[0].2, format!("Failed to pull image \"myrepo/demo-api:9.9.9\": {}", first.message));
        assert_eq!(first.events[1], (true, "Failed", "Error: ErrImagePull".to_string()));
        let waiting = back_off.attempt("myrepo/demo-api:9.9.9", 5_000, true);
        assert_eq!(waiting.message, "Back-off pulling image \"myrepo/demo-api:9.9.9\"");
        assert_eq!(waiting.events[0], (false, "BackOff", waiting.message.clone()));
        assert_eq!(waiting.events[1], (true, "Failed", "Error: ImagePullBackOff".to_string()));
    }
}
