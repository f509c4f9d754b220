//! The kubelet's decisions, as pure functions of time and state: restart
//! back-off and probe workers (`pkg/kubelet`, client-go `flowcontrol`).

pub mod backoff;
pub mod images;
pub mod prober;
pub mod status;
