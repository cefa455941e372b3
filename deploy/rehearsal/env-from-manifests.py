#!/usr/bin/env python3
"""Writes, per Bazaar process, the environment a Kubernetes node would give its container.

Reads `kubectl kustomize deploy/k8s/overlays/dev` on stdin and writes <out>/<process>.env (one
NAME=value per line) exactly as the kubelet computes it: the ConfigMaps of envFrom, then env in
order, with Secret references resolved from the rendered Secrets and $(VAR) expanded from the
variables defined before. Also writes <out>/setup.env with the variables of the two setup Jobs,
and <out>/<process>.files: the files of the Secret volumes the container mounts, one per line as
<absolute path> <base64 content>, as the kubelet would project them.
"""
import base64
import re
import sys

import yaml

PROCESSES = ["users", "catalog", "orders", "notifications", "payments", "gateway"]


def main(out):
    objects = [o for o in yaml.safe_load_all(sys.stdin) if o]
    by = {(o["kind"], o["metadata"]["name"]): o for o in objects}

    def secret(name, key):
        data = by[("Secret", name)].get("data", {})
        return base64.b64decode(data[key]).decode()

    def environment(container):
        env = {}
        for source in container.get("envFrom", []):
            cm = by[("ConfigMap", source["configMapRef"]["name"])]
            env.update({k: str(v) for k, v in cm.get("data", {}).items()})
        for e in container.get("env", []):
            if "value" in e:
                env[e["name"]] = re.sub(r"\$\(([A-Za-z0-9_]+)\)", lambda m: env[m.group(1)], e["value"])
            else:
                ref = e["valueFrom"]["secretKeyRef"]
                try:
                    env[e["name"]] = secret(ref["name"], ref["key"])
                except KeyError:
                    if not ref.get("optional"):
                        raise
        return env

    def secret_files(pod, container):
        volumes = {v["name"]: v for v in pod.get("volumes", [])}
        files = {}
        for mount in container.get("volumeMounts", []):
            source = volumes[mount["name"]].get("secret")
            if source is None:
                continue
            data = by[("Secret", source["secretName"])].get("data", {})
            items = source.get("items") or [{"key": k, "path": k} for k in data]
            for item in items:
                files[mount["mountPath"].rstrip("/") + "/" + item["path"]] = data[item["key"]]
        return files

    for process in PROCESSES:
        pod = by[("Deployment", process)]["spec"]["template"]["spec"]
        container = pod["containers"][0]
        write(f"{out}/{process}.env", environment(container))
        write(f"{out}/{process}.files", secret_files(pod, container), separator=" ")
    for job in ["bazaar-db-setup", "bazaar-broker-setup"]:
        container = by[("Job", job)]["spec"]["template"]["spec"]["containers"][0]
        write(f"{out}/{job}.env", environment(container))


def write(path, env, separator="="):
    with open(path, "w") as f:
        for k, v in env.items():
            if "\n" in v:
                raise SystemExit(f"{path}: {k} has a newline")
            f.write(f"{k}{separator}{v}\n")


if __name__ == "__main__":
    main(sys.argv[1])
