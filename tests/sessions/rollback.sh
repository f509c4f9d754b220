# Seed 000, undone: demo-api 1.0.0 -> 1.0.1, then `rollout undo`. The old
# ReplicaSet is scaled up again (no new one is made) and takes revision 3.
kubectl apply -f ../manifests/corpus/000-demo-api.yaml
sleep 10s
kubectl set image deployment/demo-api demo-api=myrepo/demo-api:1.0.1
kubectl rollout status deployment/demo-api
kubectl rollout history deployment/demo-api
kubectl rollout history deployment/demo-api --revision=1
kubectl rollout undo deployment/demo-api
kubectl get rs
kubectl rollout status deployment/demo-api
kubectl get rs
kubectl rollout history deployment/demo-api
# Revision 1 is now revision 3; 99 never existed.
kubectl rollout undo deployment/demo-api --to-revision=99
kubectl rollout undo deployment/demo-api --to-revision=1
kubectl rollout undo deploy/demo-api --to-revision=3
kubectl rollout history deployment demo-api --revision=3
kubectl rollout undo deployment/web
kubectl rollout undo deployment/demo-api --to-revision=two
