//! `kubeloop.dev/v1`: the playground's own kinds, written in the same YAML
//! stream as the Kubernetes objects so one file holds a whole scenario.
//!
//! ```yaml
//! apiVersion: kubeloop.dev/v1
//! kind: App                        # what runs behind an image
//! metadata:
//!   name: demo-api-1.0.1
//! spec:
//!   image: myrepo/demo-api:1.0.1   # without a tag: every tag of the repository
//!   pull: Succeeds                 # NotFound: ErrImagePull, then ImagePullBackOff
//!   startupSeconds: 2              # from container start until it serves
//!   crash: {afterSeconds: 0, exitCode: 1}   # absent: it keeps running
//!   endpoints: {readiness: 200, liveness: 200}  # HTTP status its checks answer
//!   memory: {baseline: 64Mi, perRequest: 1Mi}   # perRequest: per request/s it serves
//!   cpu: {baseline: 5m, perRequest: 2m}
//! ---
//! apiVersion: kubeloop.dev/v1
//! kind: Traffic                    # load on a Service
//! metadata:
//!   name: demo-api
//! spec:
//!   service: demo-api
//!   requestsPerSecond: 100
//! ```
//!
//! Every field but `image` (and `service`) is optional; the defaults describe
//! a healthy app, which is also what runs behind an image no App mentions.

use super::decode::api_struct;
use super::meta::ObjectMeta;
use super::quantity::Quantity;

pub const GROUP_VERSION: &str = "kubeloop.dev/v1";

api_struct! {
    pub struct App {
        metadata: ObjectMeta = "metadata",
        spec: AppSpec = "spec",
    }
}

api_struct! {
    pub struct AppSpec {
        image: String = "image",
        /// `Succeeds` (default) or `NotFound`.
        pull: Option<String> = "pull",
        startup_seconds: Option<i32> = "startupSeconds",
        crash: Option<AppCrash> = "crash",
        endpoints: AppEndpoints = "endpoints",
        memory: AppUsage = "memory",
        cpu: AppUsage = "cpu",
    }
}

api_struct! {
    pub struct AppCrash {
        /// Seconds after the container starts (0: at once).
        after_seconds: Option<i32> = "afterSeconds",
        /// Exit code (default 1: the STATUS shows `Error`).
        exit_code: Option<i32> = "exitCode",
    }
}

api_struct! {
    pub struct AppEndpoints {
        /// HTTP status the readiness check answers once the app serves (200).
        readiness: Option<i32> = "readiness",
        /// HTTP status the liveness check answers (200).
        liveness: Option<i32> = "liveness",
    }
}

api_struct! {
    pub struct AppUsage {
        baseline: Option<Quantity> = "baseline",
        /// Extra use per request per second the pod serves.
        per_request: Option<Quantity> = "perRequest",
    }
}

api_struct! {
    pub struct Traffic {
        metadata: ObjectMeta = "metadata",
        spec: TrafficSpec = "spec",
    }
}

api_struct! {
    pub struct TrafficSpec {
        service: String = "service",
        requests_per_second: i32 = "requestsPerSecond",
    }
}
