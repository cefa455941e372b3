#!/usr/bin/env python3
"""Reads an OCI image layout tarball as a container runtime would.

  oci.py unpack IMAGE.tar ROOTFS   apply the layers in order into ROOTFS
  oci.py entrypoint IMAGE.tar      print the Entrypoint, one argument per line
  oci.py env IMAGE.tar             print the image's Env, one NAME=value per line
"""
import hashlib
import io
import json
import sys
import tarfile


def blobs(path):
    with tarfile.open(path) as tar:
        files = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}
    def blob(digest):
        data = files["blobs/sha256/" + digest.split(":", 1)[1]]
        if hashlib.sha256(data).hexdigest() != digest.split(":", 1)[1]:
            raise SystemExit(f"{path}: blob {digest} does not match its digest")
        return data
    index = json.loads(files["index.json"])
    manifest = json.loads(blob(index["manifests"][0]["digest"]))
    config = json.loads(blob(manifest["config"]["digest"]))
    return manifest, config, blob


def main():
    command, image = sys.argv[1], sys.argv[2]
    manifest, config, blob = blobs(image)
    if command == "unpack":
        root = sys.argv[3]
        for layer in manifest["layers"]:
            with tarfile.open(fileobj=io.BytesIO(blob(layer["digest"])), mode="r:gz") as tar:
                for member in tar.getmembers():
                    if "/.wh." in "/" + member.name:
                        raise SystemExit("whiteouts are not expected in Bazaar images")
                tar.extractall(root, filter="fully_trusted")
    elif command == "entrypoint":
        for arg in config["config"]["Entrypoint"]:
            sys.stdout.write(arg + "\n")
    elif command == "env":
        for e in config["config"].get("Env", []):
            sys.stdout.write(e + "\n")
    else:
        raise SystemExit("unknown command " + command)


if __name__ == "__main__":
    main()
