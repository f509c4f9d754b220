//! `ComputeHash` (`pkg/controller/controller_utils.go`): the
//! `pod-template-hash` that names a Deployment's ReplicaSets, and the names
//! themselves (`sync.go`).
//!
//! Upstream feeds FNV-1a (32 bits) a deep dump of the Go struct, which no
//! other language can reproduce byte for byte. The simulator feeds it its own
//! canonical dump instead (spec section 3.1): every field by name in a fixed
//! order, maps sorted by key, values in a form that two equal templates share.
//! The collision bytes, the decimal print and `SafeEncodeString` are
//! upstream's, so hashes have the real shape (`775855699b`) and the same
//! properties: deterministic, and a new value whenever the template or the
//! collision count changes.

use crate::api::core::{
    Container, ContainerPort, EnvFromSource, EnvVar, EnvVarSource, ExecAction, GrpcAction, HttpGetAction, KeySelector,
    Lifecycle, LifecycleHandler, NameReference, PodSpec, PodSpecRare, PodTemplateSpec, Probe, ResourceRequirements,
    SleepAction, TcpSocketAction,
};
use crate::api::intstr::IntOrString;
use crate::api::meta::{ObjectMeta, ObjectMetaRare, OwnerReference, SharedList};
use crate::api::quantity::Quantity;
use crate::api::text::Str;
use crate::api::time::Time;
use serde_yaml::Value;
use std::collections::BTreeMap;
use std::rc::Rc;

/// `validation.DNS1123SubdomainMaxLength`: the longest object name.
pub const MAX_NAME_LENGTH: usize = 253;

const FNV32_OFFSET_BASIS: u32 = 0x811c_9dc5;
const FNV32_PRIME: u32 = 0x0100_0193;

/// `rand.SafeEncodeString`'s alphabet: no vowels (no words), no 0/1/3 (no
/// look-alikes).
const ALPHANUMS: &[u8; 27] = b"bcdfghjklmnpqrstvwxz2456789";

/// FNV-1a, 32 bits (Go's `hash/fnv.New32a`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fnv32a(u32);

impl Default for Fnv32a {
    fn default() -> Self {
        Fnv32a(FNV32_OFFSET_BASIS)
    }
}

impl Fnv32a {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u32::from(byte);
            self.0 = self.0.wrapping_mul(FNV32_PRIME);
        }
    }

    pub fn sum32(&self) -> u32 {
        self.0
    }
}

/// The FNV-1a sum of `bytes`.
pub fn fnv32a(bytes: &[u8]) -> u32 {
    let mut hasher = Fnv32a::new();
    hasher.write(bytes);
    hasher.sum32()
}

/// `SafeEncodeString`: each character becomes `alphanums[codepoint % 27]`
/// (digits map `0→4 1→5 2→6 3→7 4→8 5→9 6→b 7→c 8→d 9→f`).
pub fn safe_encode_string(text: &str) -> String {
    text.chars().map(|c| char::from(ALPHANUMS[(u32::from(c) % 27) as usize])).collect()
}

/// `ComputeHash(template, collisionCount)`: FNV-1a over the template's
/// canonical dump, then (when the Deployment has a `status.collisionCount`)
/// the count as a little-endian uint32 and four zero bytes; the sum printed
/// in decimal and safe-encoded.
pub fn compute_hash(template: &PodTemplateSpec, collision_count: Option<i32>) -> String {
    let mut hasher = Fnv32a::new();
    hasher.write(canonical_dump(template).as_bytes());
    if let Some(count) = collision_count {
        let mut bytes = [0u8; 8];
        bytes[..4].copy_from_slice(&(count as u32).to_le_bytes());
        hasher.write(&bytes);
    }
    safe_encode_string(&hasher.sum32().to_string())
}

/// The bytes `compute_hash` feeds FNV: a one-line dump such as
/// `PodTemplateSpec{metadata:ObjectMeta{name:nil,...},spec:PodSpec{...}}`.
/// Templates that compare equal dump the same (quantities by value, opaque
/// maps with sorted keys).
pub fn canonical_dump(template: &PodTemplateSpec) -> String {
    let mut out = String::new();
    template.dump(&mut out);
    out
}

/// The new ReplicaSet's name, `<deployment>-<hash>`. A name that would pass
/// 253 characters loses the end of its Deployment part (242 characters stay
/// beside a 10-character hash); the hash is never cut.
pub fn replica_set_name(deployment_name: &str, hash: &str) -> String {
    let room = MAX_NAME_LENGTH.saturating_sub(hash.len() + 1);
    let mut prefix = deployment_name;
    if prefix.len() > room {
        let mut end = room;
        while !prefix.is_char_boundary(end) {
            end -= 1;
        }
        prefix = &prefix[..end];
    }
    format!("{prefix}-{hash}")
}

/// Writes a value into the canonical dump.
trait Dump {
    fn dump(&self, out: &mut String);
}

impl Dump for String {
    fn dump(&self, out: &mut String) {
        out.push_str(&format!("{self:?}"));
    }
}

/// As the `String` it stands for.
impl Dump for Str {
    fn dump(&self, out: &mut String) {
        out.push_str(&format!("{self:?}"));
    }
}

impl Dump for bool {
    fn dump(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

impl Dump for i32 {
    fn dump(&self, out: &mut String) {
        out.push_str(&self.to_string());
    }
}

impl Dump for i64 {
    fn dump(&self, out: &mut String) {
        out.push_str(&self.to_string());
    }
}

impl<T: Dump> Dump for Option<T> {
    fn dump(&self, out: &mut String) {
        match self {
            Some(value) => value.dump(out),
            None => out.push_str("nil"),
        }
    }
}

/// A boxed field dumps as its contents (the box is how it is stored, not
/// part of the template).
impl<T: Dump> Dump for Box<T> {
    fn dump(&self, out: &mut String) {
        T::dump(self, out);
    }
}

/// So does a shared one.
impl<T: Dump> Dump for Rc<T> {
    fn dump(&self, out: &mut String) {
        T::dump(self, out);
    }
}

impl<T: Dump> Dump for [T] {
    fn dump(&self, out: &mut String) {
        out.push('[');
        for item in self {
            item.dump(out);
            out.push(',');
        }
        out.push(']');
    }
}

impl<T: Dump> Dump for Vec<T> {
    fn dump(&self, out: &mut String) {
        self.as_slice().dump(out);
    }
}

/// A shared list dumps as the `Vec` it was.
impl<T: Dump> Dump for SharedList<T> {
    fn dump(&self, out: &mut String) {
        (**self).dump(out);
    }
}

impl<T: Dump> Dump for BTreeMap<String, T> {
    fn dump(&self, out: &mut String) {
        out.push_str("map[");
        for (key, value) in self {
            key.dump(out);
            out.push(':');
            value.dump(out);
            out.push(',');
        }
        out.push(']');
    }
}

/// By value, as equality is (`1` and `1000m` dump alike): nano-units, exact
/// for anything the API accepts below 9.2e9, and whole units beside them.
impl Dump for Quantity {
    fn dump(&self, out: &mut String) {
        out.push_str(&format!("Quantity({}n,{})", self.scaled_value(-9), self.value()));
    }
}

impl Dump for IntOrString {
    fn dump(&self, out: &mut String) {
        match self {
            IntOrString::Int(value) => out.push_str(&format!("int({value})")),
            IntOrString::String(text) => out.push_str(&format!("string({text:?})")),
        }
    }
}

impl Dump for Time {
    fn dump(&self, out: &mut String) {
        out.push_str(&format!("Time({})", self.unix_ms));
    }
}

/// Opaque fields: YAML as written, but mappings in key order (YAML mappings
/// compare equal whatever their order).
impl Dump for Value {
    fn dump(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(flag) => flag.dump(out),
            Value::Number(number) => out.push_str(&format!("number({number})")),
            Value::String(text) => out.push_str(&format!("{text:?}")),
            Value::Sequence(items) => {
                out.push('[');
                for item in items {
                    item.dump(out);
                    out.push(',');
                }
                out.push(']');
            }
            Value::Mapping(mapping) => {
                let mut entries: Vec<(String, String)> = mapping
                    .iter()
                    .map(|(key, value)| {
                        let (mut k, mut v) = (String::new(), String::new());
                        key.dump(&mut k);
                        value.dump(&mut v);
                        (k, v)
                    })
                    .collect();
                crate::lean::sort(&mut entries);
                out.push('{');
                for (key, value) in entries {
                    out.push_str(&key);
                    out.push(':');
                    out.push_str(&value);
                    out.push(',');
                }
                out.push('}');
            }
            Value::Tagged(tagged) => {
                out.push_str(&format!("{}(", tagged.tag));
                tagged.value.dump(out);
                out.push(')');
            }
        }
    }
}

/// A struct's dump: its name, then every field by name in declaration order.
/// The destructuring names every field, so a field added to the API type
/// fails to compile here until the hash covers it. A struct with a side
/// struct of rare fields (`api_struct_with_rare!`) dumps as if it were
/// flat: `rare` names the side struct and its fields.
macro_rules! dump_struct {
    ($type:ident { $($field:ident),* $(,)? }) => {
        impl Dump for $type {
            fn dump(&self, out: &mut String) {
                let $type { $($field),* } = self;
                out.push_str(stringify!($type));
                out.push('{');
                $( dump_field(out, stringify!($field), $field); )*
                out.push('}');
            }
        }
    };
    ($type:ident { $($field:ident),* $(,)? } rare $rare:ident { $($rare_field:ident),* $(,)? }) => {
        impl Dump for $type {
            fn dump(&self, out: &mut String) {
                let $type { $($field,)* rare: _ } = self;
                let $rare { $($rare_field),* } = &**self;
                out.push_str(stringify!($type));
                out.push('{');
                $( dump_field(out, stringify!($field), $field); )*
                $( dump_field(out, stringify!($rare_field), $rare_field); )*
                out.push('}');
            }
        }
    };
}

fn dump_field(out: &mut String, name: &str, value: &dyn Dump) {
    out.push_str(name);
    out.push(':');
    value.dump(out);
    out.push(',');
}

dump_struct!(PodTemplateSpec { metadata, spec });
/// Flat and in the API's order, its boxed fields where they stand (two
/// groups, which `dump_struct!` does not express).
impl Dump for ObjectMeta {
    fn dump(&self, out: &mut String) {
        let ObjectMeta {
            name,
            generate_name,
            namespace,
            labels,
            annotations,
            uid,
            resource_version,
            generation,
            creation_timestamp,
            owner_references,
            rare: _,
        } = self;
        let ObjectMetaRare { deletion_timestamp, deletion_grace_period_seconds, finalizers, managed_fields, self_link } =
            &**self;
        out.push_str("ObjectMeta{");
        dump_field(out, "name", name);
        dump_field(out, "generate_name", generate_name);
        dump_field(out, "namespace", namespace);
        dump_field(out, "labels", labels);
        dump_field(out, "annotations", annotations);
        dump_field(out, "uid", uid);
        dump_field(out, "resource_version", resource_version);
        dump_field(out, "generation", generation);
        dump_field(out, "creation_timestamp", creation_timestamp);
        dump_field(out, "deletion_timestamp", deletion_timestamp);
        dump_field(out, "deletion_grace_period_seconds", deletion_grace_period_seconds);
        dump_field(out, "owner_references", owner_references);
        dump_field(out, "finalizers", finalizers);
        dump_field(out, "managed_fields", managed_fields);
        dump_field(out, "self_link", self_link);
        out.push('}');
    }
}
dump_struct!(OwnerReference { api_version, kind, name, uid, controller, block_owner_deletion });
dump_struct!(PodSpec {
    containers,
    init_containers,
    restart_policy,
    termination_grace_period_seconds,
    active_deadline_seconds,
    dns_policy,
    scheduler_name,
    node_name,
} rare PodSpecRare {
    node_selector,
    service_account_name,
    service_account,
    automount_service_account_token,
    volumes,
    affinity,
    tolerations,
    topology_spread_constraints,
    security_context,
    image_pull_secrets,
    host_network,
    host_pid,
    host_ipc,
    host_users,
    hostname,
    hostname_override,
    subdomain,
    host_aliases,
    dns_config,
    enable_service_links,
    ephemeral_containers,
    os,
    overhead,
    preemption_policy,
    priority,
    priority_class_name,
    readiness_gates,
    resource_claims,
    resources,
    runtime_class_name,
    scheduling_gates,
    set_hostname_as_fqdn,
    share_process_namespace,
});
dump_struct!(Container {
    name,
    image,
    image_pull_policy,
    command,
    args,
    working_dir,
    ports,
    env,
    env_from,
    resources,
    liveness_probe,
    readiness_probe,
    startup_probe,
    lifecycle,
    restart_policy,
    termination_message_path,
    termination_message_policy,
    volume_mounts,
    volume_devices,
    security_context,
    resize_policy,
    restart_policy_rules,
    stdin,
    stdin_once,
    tty,
});
dump_struct!(ContainerPort { name, container_port, protocol, host_port, host_ip });
dump_struct!(EnvVar { name, value, value_from });
dump_struct!(EnvVarSource { config_map_key_ref, secret_key_ref, field_ref, resource_field_ref, file_key_ref });
dump_struct!(KeySelector { name, key, optional });
dump_struct!(EnvFromSource { prefix, config_map_ref, secret_ref });
dump_struct!(NameReference { name, optional });
dump_struct!(ResourceRequirements { limits, requests, claims });
dump_struct!(Probe {
    exec,
    http_get,
    tcp_socket,
    grpc,
    initial_delay_seconds,
    timeout_seconds,
    period_seconds,
    success_threshold,
    failure_threshold,
    termination_grace_period_seconds,
});
dump_struct!(ExecAction { command });
dump_struct!(HttpGetAction { path, port, host, scheme, http_headers });
dump_struct!(TcpSocketAction { port, host });
dump_struct!(GrpcAction { port, service });
dump_struct!(Lifecycle { post_start, pre_stop, stop_signal });
dump_struct!(LifecycleHandler { exec, http_get, tcp_socket, sleep });
dump_struct!(SleepAction { seconds });

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::decode::from_yaml_str;

    /// Published FNV-1a 32-bit test vectors (Landon Curt Noll's FNV page).
    #[test]
    fn fnv32a_vectors() {
        let cases: [(&str, u32); 5] =
            [("", 0x811c_9dc5), ("a", 0xe40c_292c), ("b", 0xe70c_2de5), ("foo", 0xa9f3_7ed7), ("foobar", 0xbf9c_f968)];
        for (input, expected) in cases {
            assert_eq!(fnv32a(input.as_bytes()), expected, "{input:?}");
        }
        // Writing in pieces is writing once.
        let mut hasher = Fnv32a::new();
        hasher.write(b"foo");
        hasher.write(b"bar");
        assert_eq!(hasher.sum32(), 0xbf9c_f968);
    }

    /// hash.encode.01 (a decimal FNV sum), hash.encode.02 (the digit map).
    #[test]
    fn safe_encode_table() {
        let cases = [("1234567890", "56789bcdf4"), ("0123456789", "456789bcdf"), ("", "")];
        for (input, expected) in cases {
            assert_eq!(safe_encode_string(input), expected, "{input}");
        }
        // Any character is mapped (codepoint % 27), none panics.
        assert_eq!(safe_encode_string("aé"), "vw");
    }

    fn template(yaml: &str) -> PodTemplateSpec {
        from_yaml_str(yaml)
    }

    const NGINX: &str = "metadata:\n  labels: {app: web}\nspec:\n  containers:\n  - name: web\n    image: nginx:1.25\n";

    /// The hash has upstream's shape: 1-10 characters from the digit map.
    #[test]
    fn hash_shape_and_determinism() {
        let t = template(NGINX);
        let hash = compute_hash(&t, None);
        assert!(!hash.is_empty() && hash.len() <= 10, "{hash}");
        assert!(hash.chars().all(|c| "456789bcdf".contains(c)), "{hash}");
        assert_eq!(compute_hash(&t.clone(), None), hash);
        // The same text, decoded twice, hashes the same.
        assert_eq!(compute_hash(&template(NGINX), None), hash);
        // The sum is FNV over the dump, printed in decimal, then encoded.
        assert_eq!(hash, safe_encode_string(&fnv32a(canonical_dump(&t).as_bytes()).to_string()));
    }

    /// hash.collision.01 (1 vs 2) and hash.collision.02 (nil vs MaxInt32).
    #[test]
    fn collision_count_changes_the_hash() {
        let empty = PodTemplateSpec::default();
        assert_ne!(compute_hash(&empty, Some(1)), compute_hash(&empty, Some(2)));
        assert_ne!(compute_hash(&empty, None), compute_hash(&empty, Some(i32::MAX)));
        assert_ne!(compute_hash(&empty, None), compute_hash(&empty, Some(0)));
        // The collision bytes: uint32 little-endian, then four zero bytes.
        let mut hasher = Fnv32a::new();
        hasher.write(canonical_dump(&empty).as_bytes());
        hasher.write(&[7, 1, 0, 0, 0, 0, 0, 0]);
        assert_eq!(compute_hash(&empty, Some(263)), safe_encode_string(&hasher.sum32().to_string()));
        // A negative count is its uint32 bit pattern, as Go's uint32(...).
        let mut hasher = Fnv32a::new();
        hasher.write(canonical_dump(&empty).as_bytes());
        hasher.write(&[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
        assert_eq!(compute_hash(&empty, Some(-1)), safe_encode_string(&hasher.sum32().to_string()));
    }

    /// The hash changes when the template changes, anywhere in it.
    #[test]
    fn template_changes_change_the_hash() {
        let base = template(NGINX);
        let variants = [
            "metadata:\n  labels: {app: web}\nspec:\n  containers:\n  - name: web\n    image: nginx:1.26\n",
            "metadata:\n  labels: {app: web, tier: front}\nspec:\n  containers:\n  - name: web\n    image: nginx:1.25\n",
            "metadata:\n  labels: {app: web}\n  annotations: {a: b}\nspec:\n  containers:\n  - name: web\n    image: nginx:1.25\n",
            "metadata:\n  labels: {app: web}\nspec:\n  containers:\n  - name: web\n    image: nginx:1.25\n    env: [{name: A, value: '1'}]\n",
            "metadata:\n  labels: {app: web}\nspec:\n  containers:\n  - name: web\n    image: nginx:1.25\n    resources: {requests: {cpu: 100m}}\n",
            "metadata:\n  labels: {app: web}\nspec:\n  containers:\n  - name: web\n    image: nginx:1.25\n    readinessProbe: {httpGet: {path: /, port: 80}}\n",
            "metadata:\n  labels: {app: web}\nspec:\n  tolerations: [{key: k, operator: Exists}]\n  containers:\n  - name: web\n    image: nginx:1.25\n",
            "metadata:\n  labels: {app: web}\nspec:\n  terminationGracePeriodSeconds: 5\n  containers:\n  - name: web\n    image: nginx:1.25\n",
        ];
        let mut seen = vec![compute_hash(&base, None)];
        for yaml in variants {
            let t = template(yaml);
            assert_ne!(t, base, "{yaml}");
            let hash = compute_hash(&t, None);
            assert!(!seen.contains(&hash), "{yaml}: {hash} repeats");
            seen.push(hash);
        }
    }

    /// Equal templates hash alike even when written differently: numerically
    /// equal quantities, opaque mappings in another key order.
    #[test]
    fn equal_templates_hash_alike() {
        let pairs = [
            (
                "spec:\n  containers:\n  - name: a\n    resources: {limits: {cpu: '1', memory: 1Gi}}\n",
                "spec:\n  containers:\n  - name: a\n    resources: {limits: {memory: 1024Mi, cpu: 1000m}}\n",
            ),
            (
                "spec:\n  securityContext: {runAsUser: 1000, runAsGroup: 3000}\n",
                "spec:\n  securityContext: {runAsGroup: 3000, runAsUser: 1000}\n",
            ),
            ("metadata:\n  labels: {b: '2', a: '1'}\n", "metadata:\n  labels: {a: '1', b: '2'}\n"),
        ];
        for (a, b) in pairs {
            let (a, b) = (template(a), template(b));
            assert_eq!(a, b);
            assert_eq!(canonical_dump(&a), canonical_dump(&b));
            assert_eq!(compute_hash(&a, Some(3)), compute_hash(&b, Some(3)));
        }
    }

    /// Boxed fields (opaque values, probes, lifecycle) dump as their
    /// contents: these hashes were computed before the fields were boxed.
    #[test]
    fn boxed_fields_hash_as_before() {
        let cases = [
            (NGINX, "84c7f8b648"),
            (
                "metadata:\n  labels: {app: web}\nspec:\n  tolerations: [{key: k, operator: Exists}]\n  securityContext: {runAsUser: 1000}\n  containers:\n  - name: web\n    image: nginx:1.25\n    volumeMounts: [{name: data, mountPath: /data}]\n",
                "84fb4b99c8",
            ),
            (
                "metadata:\n  labels: {app: web}\nspec:\n  containers:\n  - name: web\n    image: nginx:1.25\n    livenessProbe: {httpGet: {path: /healthz, port: 8080}, periodSeconds: 5}\n    readinessProbe: {tcpSocket: {port: 80}}\n    startupProbe: {exec: {command: [cat, /ready]}}\n    lifecycle: {preStop: {sleep: {seconds: 5}}}\n",
                "c8bbf444d",
            ),
        ];
        for (yaml, hash) in cases {
            assert_eq!(compute_hash(&template(yaml), None), hash, "{yaml}");
        }
    }

    /// sync.rsname.01-03 (TestDeploymentController_generateReplicaSetName).
    #[test]
    fn replica_set_name_table() {
        let hash = "5d59d67564";
        let cases = [
            ("my-deployment".to_string(), "my-deployment".to_string()),
            ("a".repeat(250), "a".repeat(242)),
            ("a".repeat(242), "a".repeat(242)),
        ];
        for (deployment, portion) in cases {
            let name = replica_set_name(&deployment, hash);
            assert_eq!(name, format!("{portion}-{hash}"));
            assert!(name.len() <= MAX_NAME_LENGTH);
        }
        // Never a panic, even on a multi-byte character at the cut.
        let name = replica_set_name(&format!("{}é{}", "a".repeat(241), "b".repeat(20)), hash);
        assert_eq!(name, format!("{}-{hash}", "a".repeat(241)));
        assert_eq!(replica_set_name("web", &"x".repeat(300)), format!("-{}", "x".repeat(300)));
    }
}
