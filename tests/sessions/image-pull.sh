# A mistyped image tag: the new pod never pulls (ErrImagePull, then
# ImagePullBackOff), the old pods keep serving, and the rollout passes its
# progress deadline.
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
---
apiVersion: kubeloop.dev/v1
kind: App
metadata:
  name: web-typo
spec:
  image: myrepo/web:1.0.l
  pull: NotFound
EOF
sleep 10s
kubectl set image deployment/web web=myrepo/web:1.0.l
sleep 2s
kubectl get pods
sleep 20s
kubectl get pods
sleep 60s
kubectl rollout status deployment/web
kubectl get deploy
