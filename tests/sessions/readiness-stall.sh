# Seed 001: a new version whose readiness probe fails stalls the rollout;
# the old pods keep serving (rollout undo brings it back); after progressDeadlineSeconds the Deployment
# reports ProgressDeadlineExceeded and rollout status gives up.
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  progressDeadlineSeconds: 60
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: myrepo/web:1.0.0
        ports:
        - containerPort: 8080
        readinessProbe:
          httpGet: {path: /ready, port: 8080}
          periodSeconds: 5
---
apiVersion: kubeloop.dev/v1
kind: App
metadata:
  name: web-1.1.0
spec:
  image: myrepo/web:1.1.0
  endpoints: {readiness: 500}
EOF
sleep 30s
kubectl get deploy,rs
kubectl set image deployment/web web=myrepo/web:1.1.0
kubectl rollout status deployment/web
kubectl get rs
kubectl get pods
kubectl describe deployment web
kubectl rollout undo deployment/web
kubectl rollout status deployment/web --timeout=2m
kubectl get rs
kubectl rollout status deployment/web --revision=2
kubectl rollout status deploy web --watch=false
kubectl rollout status deployment/web --timeout=soon
