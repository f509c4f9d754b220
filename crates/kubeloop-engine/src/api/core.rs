//! The core (`v1`) kinds: Pod, Service, ConfigMap, Secret, Namespace, Node,
//! and the pod spec the workload kinds embed.

use super::decode::{api_struct, api_struct_with_rare, status_struct};
use super::intstr::IntOrString;
use super::meta::{Condition, ObjectMeta, Opaque};
use super::quantity::Quantity;
use super::text::Str;
use super::time::Time;
use std::collections::BTreeMap;
use std::rc::Rc;

api_struct! {
    pub struct Pod {
        metadata: ObjectMeta = "metadata",
        spec: PodSpec = "spec",
        status: PodStatus = "status",
    }
}

status_struct! {
    pub struct PodStatus {
        /// Pending, Running, Succeeded, Failed or Unknown.
        phase: Str = "phase",
        conditions: Vec<Condition> = "conditions",
        /// Set for pods the node lifecycle evicted (`Evicted`) or lost.
        reason: Option<String> = "reason",
        message: Option<String> = "message",
        /// The node's address.
        host_ip: Option<Str> = "hostIP",
        pod_ip: Option<String> = "podIP",
        start_time: Option<Time> = "startTime",
        init_container_statuses: Vec<ContainerStatus> = "initContainerStatuses",
        container_statuses: Vec<ContainerStatus> = "containerStatuses",
        qos_class: Option<Str> = "qosClass",
    }
}

api_struct_with_rare! {
    pub struct ContainerStatus {
        /// Shared with the container's.
        name: Str = "name",
        state: ContainerState = "state",
        // Boxed: set only once a container has stopped.
        @rare ContainerStatusRare {
            last_state: ContainerState = "lastState",
        }
        ready: bool = "ready",
        started: Option<bool> = "started",
        restart_count: i32 = "restartCount",
        image: Str = "image",
        // Boxed too: the simulated runtime has no image or container ids.
        @rare {
            image_id: String = "imageID",
            container_id: Option<String> = "containerID",
        }
    }
}

api_struct! {
    /// At most one of the three is set.
    pub struct ContainerState {
        /// Boxed, like `terminated`: a running container (most) has none.
        waiting: Option<Box<ContainerStateWaiting>> = "waiting",
        running: Option<ContainerStateRunning> = "running",
        /// Boxed: the biggest of the three, and set only on a stopped container.
        terminated: Option<Box<ContainerStateTerminated>> = "terminated",
    }
}

impl super::decode::ConstDefault for ContainerState {
    const DEFAULT: Self = ContainerState { waiting: None, running: None, terminated: None };
}

api_struct! {
    pub struct ContainerStateWaiting {
        reason: Option<String> = "reason",
        message: Option<String> = "message",
    }
}

api_struct! {
    pub struct ContainerStateRunning {
        started_at: Option<Time> = "startedAt",
    }
}

api_struct! {
    pub struct ContainerStateTerminated {
        exit_code: i32 = "exitCode",
        signal: Option<i32> = "signal",
        reason: Option<String> = "reason",
        message: Option<String> = "message",
        started_at: Option<Time> = "startedAt",
        finished_at: Option<Time> = "finishedAt",
        container_id: Option<String> = "containerID",
    }
}

api_struct! {
    pub struct PodTemplateSpec {
        metadata: ObjectMeta = "metadata",
        spec: PodSpec = "spec",
    }
}

api_struct_with_rare! {
    pub struct PodSpec {
        /// Shared: a ReplicaSet's pods all start from its template's
        /// containers and never change them, so they share one list (a
        /// writer copies it first: `Rc::make_mut`).
        containers: Rc<Vec<Container>> = "containers",
        init_containers: Vec<Container> = "initContainers",
        restart_policy: Option<Str> = "restartPolicy",
        termination_grace_period_seconds: Option<i64> = "terminationGracePeriodSeconds",
        active_deadline_seconds: Option<i64> = "activeDeadlineSeconds",
        dns_policy: Option<Str> = "dnsPolicy",
        scheduler_name: Option<Str> = "schedulerName",
        node_name: Option<Str> = "nodeName",
        // The pod spec's fields that are rarely set (most of them kept but
        // not simulated), boxed together: a pod without any pays 8 bytes
        // for them rather than their 296.
        @rare PodSpecRare {
            node_selector: BTreeMap<String, String> = "nodeSelector",
            service_account_name: Option<String> = "serviceAccountName",
            service_account: Opaque = "serviceAccount",
            automount_service_account_token: Opaque = "automountServiceAccountToken",
            volumes: Opaque = "volumes",
            affinity: Opaque = "affinity",
            tolerations: Opaque = "tolerations",
            topology_spread_constraints: Opaque = "topologySpreadConstraints",
            security_context: Opaque = "securityContext",
            image_pull_secrets: Opaque = "imagePullSecrets",
            host_network: Opaque = "hostNetwork",
            host_pid: Opaque = "hostPID",
            host_ipc: Opaque = "hostIPC",
            host_users: Opaque = "hostUsers",
            hostname: Opaque = "hostname",
            hostname_override: Opaque = "hostnameOverride",
            subdomain: Opaque = "subdomain",
            host_aliases: Opaque = "hostAliases",
            dns_config: Opaque = "dnsConfig",
            enable_service_links: Opaque = "enableServiceLinks",
            ephemeral_containers: Opaque = "ephemeralContainers",
            os: Opaque = "os",
            overhead: Opaque = "overhead",
            preemption_policy: Opaque = "preemptionPolicy",
            priority: Opaque = "priority",
            priority_class_name: Opaque = "priorityClassName",
            readiness_gates: Opaque = "readinessGates",
            resource_claims: Opaque = "resourceClaims",
            resources: Opaque = "resources",
            runtime_class_name: Opaque = "runtimeClassName",
            scheduling_gates: Opaque = "schedulingGates",
            set_hostname_as_fqdn: Opaque = "setHostnameAsFQDN",
            share_process_namespace: Opaque = "shareProcessNamespace",
        }
    }
}

api_struct! {
    pub struct Container {
        /// Shared with the pods' container statuses.
        name: Str = "name",
        image: Option<Str> = "image",
        image_pull_policy: Option<String> = "imagePullPolicy",
        command: Vec<String> = "command",
        args: Vec<String> = "args",
        working_dir: Option<String> = "workingDir",
        ports: Vec<ContainerPort> = "ports",
        env: Vec<EnvVar> = "env",
        env_from: Vec<EnvFromSource> = "envFrom",
        resources: ResourceRequirements = "resources",
        // Boxed, like the opaque fields: most containers have none of these.
        liveness_probe: Option<Box<Probe>> = "livenessProbe",
        readiness_probe: Option<Box<Probe>> = "readinessProbe",
        startup_probe: Option<Box<Probe>> = "startupProbe",
        lifecycle: Option<Box<Lifecycle>> = "lifecycle",
        restart_policy: Option<String> = "restartPolicy",
        termination_message_path: Option<String> = "terminationMessagePath",
        termination_message_policy: Option<String> = "terminationMessagePolicy",
        volume_mounts: Opaque = "volumeMounts",
        volume_devices: Opaque = "volumeDevices",
        security_context: Opaque = "securityContext",
        resize_policy: Opaque = "resizePolicy",
        restart_policy_rules: Opaque = "restartPolicyRules",
        stdin: Opaque = "stdin",
        stdin_once: Opaque = "stdinOnce",
        tty: Opaque = "tty",
    }
}

api_struct! {
    pub struct ContainerPort {
        name: Option<String> = "name",
        container_port: i32 = "containerPort",
        protocol: Option<String> = "protocol",
        host_port: Option<i32> = "hostPort",
        host_ip: Option<String> = "hostIP",
    }
}

api_struct! {
    pub struct EnvVar {
        name: String = "name",
        value: Option<String> = "value",
        value_from: Option<EnvVarSource> = "valueFrom",
    }
}

api_struct! {
    pub struct EnvVarSource {
        config_map_key_ref: Option<KeySelector> = "configMapKeyRef",
        secret_key_ref: Option<KeySelector> = "secretKeyRef",
        field_ref: Opaque = "fieldRef",
        resource_field_ref: Opaque = "resourceFieldRef",
        file_key_ref: Opaque = "fileKeyRef",
    }
}

api_struct! {
    /// `configMapKeyRef` / `secretKeyRef`.
    pub struct KeySelector {
        name: String = "name",
        key: String = "key",
        optional: Option<bool> = "optional",
    }
}

api_struct! {
    pub struct EnvFromSource {
        prefix: Option<String> = "prefix",
        config_map_ref: Option<NameReference> = "configMapRef",
        secret_ref: Option<NameReference> = "secretRef",
    }
}

api_struct! {
    /// `configMapRef` / `secretRef`.
    pub struct NameReference {
        name: String = "name",
        optional: Option<bool> = "optional",
    }
}

api_struct! {
    pub struct ResourceRequirements {
        limits: BTreeMap<String, Quantity> = "limits",
        requests: BTreeMap<String, Quantity> = "requests",
        claims: Opaque = "claims",
    }
}

api_struct! {
    pub struct Probe {
        exec: Option<ExecAction> = "exec",
        http_get: Option<HttpGetAction> = "httpGet",
        tcp_socket: Option<TcpSocketAction> = "tcpSocket",
        grpc: Option<GrpcAction> = "grpc",
        initial_delay_seconds: Option<i32> = "initialDelaySeconds",
        timeout_seconds: Option<i32> = "timeoutSeconds",
        period_seconds: Option<i32> = "periodSeconds",
        success_threshold: Option<i32> = "successThreshold",
        failure_threshold: Option<i32> = "failureThreshold",
        termination_grace_period_seconds: Option<i64> = "terminationGracePeriodSeconds",
    }
}

api_struct! {
    pub struct ExecAction {
        command: Vec<String> = "command",
    }
}

api_struct! {
    pub struct HttpGetAction {
        path: Option<String> = "path",
        port: Option<IntOrString> = "port",
        host: Option<String> = "host",
        scheme: Option<String> = "scheme",
        http_headers: Opaque = "httpHeaders",
    }
}

api_struct! {
    pub struct TcpSocketAction {
        port: Option<IntOrString> = "port",
        host: Option<String> = "host",
    }
}

api_struct! {
    pub struct GrpcAction {
        port: i32 = "port",
        service: Option<String> = "service",
    }
}

api_struct! {
    pub struct Lifecycle {
        post_start: Option<LifecycleHandler> = "postStart",
        pre_stop: Option<LifecycleHandler> = "preStop",
        stop_signal: Opaque = "stopSignal",
    }
}

api_struct! {
    pub struct LifecycleHandler {
        exec: Option<ExecAction> = "exec",
        http_get: Option<HttpGetAction> = "httpGet",
        tcp_socket: Option<TcpSocketAction> = "tcpSocket",
        sleep: Option<SleepAction> = "sleep",
    }
}

api_struct! {
    pub struct SleepAction {
        seconds: i64 = "seconds",
    }
}

api_struct! {
    pub struct Service {
        metadata: ObjectMeta = "metadata",
        spec: ServiceSpec = "spec",
        status: Opaque = "status",
    }
}

api_struct! {
    pub struct ServiceSpec {
        /// Unlike workloads, a Service selects with plain labels.
        selector: BTreeMap<String, String> = "selector",
        ports: Vec<ServicePort> = "ports",
        service_type: Option<String> = "type",
        cluster_ip: Option<String> = "clusterIP",
        cluster_ips: Opaque = "clusterIPs",
        publish_not_ready_addresses: bool = "publishNotReadyAddresses",
        session_affinity: Option<String> = "sessionAffinity",
        session_affinity_config: Opaque = "sessionAffinityConfig",
        external_traffic_policy: Option<String> = "externalTrafficPolicy",
        internal_traffic_policy: Option<String> = "internalTrafficPolicy",
        external_ips: Opaque = "externalIPs",
        external_name: Opaque = "externalName",
        load_balancer_ip: Opaque = "loadBalancerIP",
        load_balancer_source_ranges: Opaque = "loadBalancerSourceRanges",
        load_balancer_class: Opaque = "loadBalancerClass",
        allocate_load_balancer_node_ports: Opaque = "allocateLoadBalancerNodePorts",
        health_check_node_port: Opaque = "healthCheckNodePort",
        ip_families: Opaque = "ipFamilies",
        ip_family_policy: Opaque = "ipFamilyPolicy",
        traffic_distribution: Opaque = "trafficDistribution",
    }
}

api_struct! {
    pub struct ServicePort {
        name: Option<String> = "name",
        protocol: Option<String> = "protocol",
        port: i32 = "port",
        target_port: Option<IntOrString> = "targetPort",
        node_port: Option<i32> = "nodePort",
        app_protocol: Option<String> = "appProtocol",
    }
}

api_struct! {
    /// Node conditions carry a heartbeat time besides the transition time.
    pub struct NodeCondition {
        condition_type: String = "type",
        status: String = "status",
        last_heartbeat_time: Option<Time> = "lastHeartbeatTime",
        last_transition_time: Option<Time> = "lastTransitionTime",
        reason: String = "reason",
        message: String = "message",
    }
}

api_struct! {
    pub struct ConfigMap {
        metadata: ObjectMeta = "metadata",
        data: BTreeMap<String, String> = "data",
        binary_data: BTreeMap<String, String> = "binaryData",
        immutable: Option<bool> = "immutable",
    }
}

api_struct! {
    pub struct Secret {
        metadata: ObjectMeta = "metadata",
        /// Values are base64 (standard alphabet, padded), as the API wants them.
        data: BTreeMap<String, String> = "data",
        /// Plain-text values; the API server merges them into `data`.
        string_data: BTreeMap<String, String> = "stringData",
        secret_type: Option<String> = "type",
        immutable: Option<bool> = "immutable",
    }
}

api_struct! {
    pub struct Namespace {
        metadata: ObjectMeta = "metadata",
        spec: Opaque = "spec",
        status: Opaque = "status",
    }
}

api_struct! {
    /// A node of the simulated cluster. Its size comes from `status.capacity`
    /// (and `status.allocatable`, which defaults to the capacity).
    pub struct Node {
        metadata: ObjectMeta = "metadata",
        spec: NodeSpec = "spec",
        status: NodeStatus = "status",
    }
}

api_struct! {
    pub struct NodeSpec {
        unschedulable: bool = "unschedulable",
        taints: Opaque = "taints",
        pod_cidr: Opaque = "podCIDR",
        pod_cidrs: Opaque = "podCIDRs",
        provider_id: Opaque = "providerID",
    }
}

api_struct! {
    pub struct NodeStatus {
        capacity: BTreeMap<String, Quantity> = "capacity",
        allocatable: BTreeMap<String, Quantity> = "allocatable",
        conditions: Vec<NodeCondition> = "conditions",
        addresses: Opaque = "addresses",
        node_info: Opaque = "nodeInfo",
        images: Opaque = "images",
        daemon_endpoints: Opaque = "daemonEndpoints",
        phase: Opaque = "phase",
    }
}
