# Seeds 000 and 004: a node stops; its pod is evicted after the 300 s
# toleration and the ReplicaSet recreates it on another node. A bare Pod
# on that node is not recreated.
kubectl apply -f - <<EOF
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
sleep 10s
kubectl get pods -o wide
fault stop-node node-1
sleep 45s
kubectl get nodes
kubectl get pods
sleep 5m
kubectl get pods -o wide
kubectl get deploy
fault start-node node-1
sleep 10s
kubectl get nodes
kubectl get pods -o wide
fault dance node-1
