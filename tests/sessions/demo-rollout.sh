# Seed 000: demo-api 1.0.0 -> 1.0.1, watched with get rs and rollout status.
kubectl apply -f ../manifests/corpus/000-demo-api.yaml
sleep 10s
kubectl get deploy
kubectl get rs
kubectl get pods
kubectl set image deployment/demo-api demo-api=myrepo/demo-api:1.0.1
kubectl get rs
kubectl rollout status deployment/demo-api
kubectl get rs
sleep 1m
kubectl get pods
