"""deploy/: the Compose file and the Kubernetes manifests parse, and every long-running part has a health
check, resource requests and its secrets from the environment. (They are not run here: no Docker engine
and no cluster on the development machine; `make scale-demo` runs the same arrangement without them.)"""
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
SECRETS = ("TRACKER_DB_PASSWORD", "ACTION_SERVER_TOKEN")


def _manifests():
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        yield from ((path.name, doc) for doc in yaml.safe_load_all(path.read_text()) if doc)


def test_every_kubernetes_container_has_requests_and_every_server_has_probes():
    kinds = set()
    for name, doc in _manifests():
        kinds.add(doc["kind"])
        if doc["kind"] not in ("Deployment", "StatefulSet", "Job"):
            continue
        for container in doc["spec"]["template"]["spec"]["containers"]:
            where = f"{name} {doc['metadata']['name']}/{container['name']}"
            assert container["resources"]["requests"]["cpu"] and container["resources"]["requests"]["memory"], where
            if doc["kind"] != "Job":
                assert "readinessProbe" in container, where
    assert {"Deployment", "StatefulSet", "Service", "Ingress", "Secret", "ConfigMap"} <= kinds


def test_the_rasa_replicas_use_the_scale_endpoints_and_secrets_come_from_a_secret():
    docs = {doc["metadata"]["name"]: doc for _, doc in _manifests()}
    rasa = docs["medway-rasa"]["spec"]
    assert rasa["replicas"] >= 2
    container = rasa["template"]["spec"]["containers"][0]
    assert "deploy/endpoints.scale.yml" in container["args"]
    assert {"secretRef": {"name": "medway-secrets"}} in container["envFrom"]
    settings = docs["medway-settings"]["data"]
    assert not set(SECRETS) & set(settings), "secrets belong in the Secret, not the ConfigMap"


def test_compose_has_health_checks_resources_and_no_secret_values():
    text = (DEPLOY / "compose.yml").read_text()
    compose = yaml.safe_load(text)
    for name, service in compose["services"].items():
        if name == "directory-load":
            continue
        assert "healthcheck" in service, name
        if name != "nginx":
            assert service["deploy"]["resources"]["reservations"], name
    assert compose["services"]["rasa"]["deploy"]["replicas"] >= 2
    for secret in SECRETS:
        assert f"${{{secret}:?" in text, f"{secret} must come from the environment, required"
