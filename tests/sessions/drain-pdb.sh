# Draining a node under a PodDisruptionBudget: two nodes, a 3-replica
# Deployment (two pods land on node-a) with minAvailable 2. The drain
# refuses the bare Pod until --force; then one eviction goes at once and
# the other is refused (429) and retried every 5 s until the replacement
# is Ready on node-b. The budget allows a disruption again once the last
# replacement is Ready too.
kubectl apply -f - <<EOF
apiVersion: v1
kind: Node
metadata:
  name: node-a
status:
  capacity: {cpu: "4", memory: 8Gi, pods: "110"}
---
apiVersion: v1
kind: Node
metadata:
  name: node-b
status:
  capacity: {cpu: "4", memory: 8Gi, pods: "110"}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        readinessProbe:
          httpGet: {path: /, port: 80}
          initialDelaySeconds: 10
          periodSeconds: 5
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web-pdb
spec:
  minAvailable: 2
  selector:
    matchLabels: {app: web}
---
apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  containers:
  - name: sh
    image: busybox
EOF
sleep 30s
kubectl get pods -o wide
kubectl get pdb
kubectl drain node-a --ignore-daemonsets
kubectl get nodes
kubectl drain node-a --ignore-daemonsets --force
kubectl get pods -o wide
kubectl get pdb
sleep 15s
kubectl get pdb
kubectl uncordon node-a
kubectl uncordon node-a
kubectl get nodes
