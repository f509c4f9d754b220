# Seed 000, war story #1: a memory limit lowered from 512Mi to 256Mi OOMKills
# under load; describe shows why; `rollout undo` brings the old limit back.
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: demo-api
spec:
  replicas: 2
  selector:
    matchLabels: {app: demo-api}
  template:
    metadata:
      labels: {app: demo-api}
    spec:
      containers:
      - name: demo-api
        image: myrepo/demo-api:1.0.1
        ports:
        - containerPort: 3000
        resources:
          requests: {memory: 256Mi}
          limits: {memory: 512Mi}
---
apiVersion: v1
kind: Service
metadata:
  name: demo-api
spec:
  selector: {app: demo-api}
  ports:
  - port: 80
    targetPort: 3000
---
apiVersion: kubeloop.dev/v1
kind: App
metadata:
  name: demo-api
spec:
  image: myrepo/demo-api
  startupSeconds: 3
  memory:
    baseline: 180Mi
    perRequest: 2Mi
---
apiVersion: kubeloop.dev/v1
kind: Traffic
metadata:
  name: demo-api
spec:
  service: demo-api
  requestsPerSecond: 200
EOF
sleep 30s
kubectl get pods
kubectl set resources deployment demo-api --limits=memory=256Mi
sleep 1m
kubectl get pods
kubectl get rs
kubectl describe pod -l app=demo-api
kubectl top pods
kubectl logs deployment/demo-api
kubectl logs deployment/demo-api -p
kubectl logs deployment/demo-api -p --tail=1
kubectl logs nothere
kubectl rollout undo deployment/demo-api
kubectl rollout status deployment/demo-api --timeout=3m
kubectl get pods
kubectl top pods
kubectl top nodes
kubectl logs deployment/demo-api
kubectl logs deployment/demo-api --previous
kubectl describe node node-1
