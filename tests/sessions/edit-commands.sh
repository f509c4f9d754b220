# The commands that change objects: create, scale, label, annotate, set env|resources|image, rollout restart|pause|resume, delete.
kubectl create deployment web --image=nginx:1.27 --replicas=2
kubectl create deployment web --image=nginx:1.27
sleep 10s
kubectl get deploy,rs
kubectl scale deployment web --replicas=4
sleep 5s
kubectl get rs
kubectl scale deploy/web --replicas=-1
kubectl scale deploy/web
kubectl scale deploy/nothere --replicas=2
kubectl label deployment web tier=frontend
kubectl label deployment web tier=backend
kubectl label deployment web tier=backend --overwrite
kubectl label deployment web tier-
kubectl annotate deployment/web kubernetes.io/change-cause="scale to four"
kubectl get deploy web --show-labels
kubectl set env deployment/web LOG_LEVEL=debug
kubectl set resources deployment web --limits=memory=256Mi --requests=cpu=100m,memory=128Mi
kubectl set resources deployment web --limits=memory=lots
sleep 30s
kubectl rollout history deployment/web
kubectl rollout pause deployment/web
kubectl rollout pause deployment/web
kubectl rollout restart deployment/web
kubectl set image deployment/web nginx=nginx:1.28
kubectl get rs
kubectl rollout resume deployment/web
kubectl rollout status deployment/web
kubectl rollout restart deployment/web
kubectl rollout status deployment/web
kubectl get rs
kubectl set image web nginx=nginx:1.29
kubectl set image deployment/web app=nginx:1.29
kubectl get pods -o name
kubectl delete deployment web
kubectl get all
kubectl delete pod nothere
kubectl create deployment api --image=myrepo/demo-api:1.0.0
sleep 20s
kubectl describe deployment api
kubectl describe rs -l app=api
kubectl describe deploy nothere
kubectl describe pod x
# apply merges three ways: replicas set by scale stay when the manifest never named them.
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: Deployment
metadata: {name: merge}
spec:
  selector: {matchLabels: {app: merge}}
  template:
    metadata: {labels: {app: merge}}
    spec:
      containers:
      - {name: app, image: nginx:1.27}
EOF
kubectl scale deployment merge --replicas=3
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: Deployment
metadata: {name: merge}
spec:
  selector: {matchLabels: {app: merge}}
  template:
    metadata: {labels: {app: merge}}
    spec:
      containers:
      - {name: app, image: nginx:1.28}
EOF
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: Deployment
metadata: {name: merge}
spec:
  selector: {matchLabels: {app: merge}}
  template:
    metadata: {labels: {app: merge}}
    spec:
      containers:
      - {name: app, image: nginx:1.28}
EOF
sleep 30s
kubectl get deploy merge -o wide
