# kubectl get in its forms: several types, all, TYPE/NAME, -A, -l, -o wide|name, --show-labels, events.
kubectl apply -f ../manifests/corpus/002-production-service.yaml
kubectl apply -f ../manifests/corpus/003-config.yaml
kubectl apply -f ../manifests/corpus/000-demo-api.yaml
sleep 30s
kubectl get all
kubectl get all -n production
kubectl get deploy,svc,hpa,pdb -A
kubectl get svc -o wide -n production
kubectl get ep -n production
kubectl get cm,secret
kubectl get ns
kubectl get pods -A -l 'app in (demo-api)' --show-labels
kubectl get deploy/demo-api rs/nothere -o name
kubectl get deployment demo-api nothere
kubectl get deploy demo-api rs
kubectl get pod demo-api -A
kubectl get nodes -o wide
kubectl get events --field-selector type=Warning
kubectl get ev
kubectl get po --bogus
kubectl get pods -l 'app in demo-api'
kubectl get
kubectl get widgets,pods
kubectl get pods -w
kubectl get deploy demo-api -o yaml
kubectl get secret api-secrets -o json
kubectl get pods -n nothing -o yaml
kubectl describe svc order-service -n shop
kubectl api-resources
kubectl version
kubectl exec -it web -- sh
