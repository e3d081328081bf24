// Manifests of the tutorials (SCENARIOS.md), shared by the tests that apply them.

/** S1's DaemonSet, as the Kubernetes documentation gives it. */
export const FLUENTD_DAEMONSET = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd-elasticsearch
  namespace: kube-system
  labels:
    k8s-app: fluentd-logging
spec:
  selector:
    matchLabels:
      name: fluentd-elasticsearch
  template:
    metadata:
      labels:
        name: fluentd-elasticsearch
    spec:
      tolerations:
      # these tolerations are to have the daemonset runnable on control plane nodes
      # remove them if your control plane nodes should not run pods
      - key: node-role.kubernetes.io/control-plane
        operator: Exists
        effect: NoSchedule
      - key: node-role.kubernetes.io/master
        operator: Exists
        effect: NoSchedule
      containers:
      - name: fluentd-elasticsearch
        image: quay.io/fluentd_elasticsearch/fluentd:v2.5.2
        resources:
          limits:
            memory: 200Mi
          requests:
            cpu: 100m
            memory: 200Mi
        volumeMounts:
        - name: varlog
          mountPath: /var/log
      # it may be desirable to set a high priority class to ensure that a DaemonSet Pod
      # preempts running Pods
      # priorityClassName: important
      terminationGracePeriodSeconds: 30
      volumes:
      - name: varlog
        hostPath:
          path: /var/log
`;

/** S5's old DaemonSet: extensions/v1beta1, no selector. */
export const NGINX_DAEMONSET_V1BETA1 = `apiVersion: extensions/v1beta1
kind: DaemonSet
metadata:
  name: nginx-ds
spec:
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx
        ports:
        - containerPort: 80
`;

/** A hand-made, class-less volume as S6 makes them (1Gi, ReadWriteOnce, Recycle, hostPath, label release=stable). */
export const persistentVolume = (name: string, size = '1Gi', path = `/tmp/${name}`) => `apiVersion: v1
kind: PersistentVolume
metadata:
  name: ${name}
  labels:
    release: stable
spec:
  capacity:
    storage: ${size}
  accessModes:
  - ReadWriteOnce
  persistentVolumeReclaimPolicy: Recycle
  hostPath:
    path: ${path}
`;

/** S6 step 1: pv001 and pv002 (docs/statefulsets.md). */
export const S6_VOLUMES = [persistentVolume('pv001', '1Gi', '/tmp/data01'), persistentVolume('pv002', '1Gi', '/tmp/data02')].join('---\n');

/** S6 step 2: the headless Service nginx and the StatefulSet web with its volumeClaimTemplate www (docs/statefulsets.md). */
export const S6_WEB = `apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
    role: stateful
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 2
  selector:
    matchLabels:
      app: nginx
      role: stateful
  template:
    metadata:
      labels:
        app: nginx
        role: stateful
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.8
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 1Gi
`;

/** S8 and S9's RC, as the Kubernetes guestbook example (examples/guestbook redis-slave-controller.yaml) gave it. */
export const REDIS_SLAVE_RC = `apiVersion: v1
kind: ReplicationController
metadata:
  name: redis-slave
  labels:
    app: redis
    role: slave
    tier: backend
spec:
  replicas: 2
  template:
    metadata:
      labels:
        app: redis
        role: slave
        tier: backend
    spec:
      containers:
      - name: slave
        image: gcr.io/google_samples/gb-redisslave:v1
        resources:
          requests:
            cpu: 100m
            memory: 100Mi
        env:
        - name: GET_HOSTS_FROM
          value: dns
        ports:
        - containerPort: 6379
`;

/** S10's RC: the guestbook's redis-master-controller.yaml, placed with a nodeSelector (zone: north, or what is given). */
export const redisMasterRC = (zone = 'north', name = 'redis-master'): string => `apiVersion: v1
kind: ReplicationController
metadata:
  name: ${name}
  labels:
    app: redis
    role: master
    tier: backend
spec:
  replicas: 1
  template:
    metadata:
      labels:
        app: redis
        role: master
        tier: backend
        zone: ${zone}
    spec:
      nodeSelector:
        zone: ${zone}
      containers:
      - name: master
        image: registry.k8s.io/redis:e2e
        resources:
          requests:
            cpu: 100m
            memory: 100Mi
        ports:
        - containerPort: 6379
`;
