package dev.bazaar.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Kubernetes NetworkPolicy semantics (networking.k8s.io/v1), evaluated over a set of pods: a
 * connection from a pod to a port of another pod is allowed when the source may send it (no egress
 * policy selects the source, or one of the selecting policies' egress rules admits the destination
 * and port) and the destination may receive it (likewise for ingress). Peers: podSelector,
 * namespaceSelector (namespaces carry kubernetes.io/metadata.name), both together, and ipBlock,
 * which admits only endpoints outside the cluster (pods are never matched by an ipBlock here: they
 * are in the cluster's pod CIDR, which the policies do not name).
 */
final class NetworkPolicies {
  /** A pod (or an endpoint outside the cluster when {@code external}) and its ports. */
  record Endpoint(
      String name,
      String namespace,
      Map<String, String> labels,
      List<Port> ports,
      boolean external) {}

  record Port(String name, int number, String protocol) {}

  record Flow(String from, String to, int port, String protocol) implements Comparable<Flow> {
    @Override
    public int compareTo(Flow o) {
      return toString().compareTo(o.toString());
    }

    @Override
    public String toString() {
      return from + " -> " + to + ":" + port + (protocol.equals("TCP") ? "" : "/" + protocol);
    }
  }

  record Policy(String namespace, JsonNode spec) {}

  private NetworkPolicies() {}

  /** Every allowed (source, destination, port) among the endpoints. */
  static Set<Flow> allowedFlows(List<Endpoint> endpoints, List<Policy> policies) {
    Set<Flow> flows = new TreeSet<>();
    for (Endpoint from : endpoints) {
      for (Endpoint to : endpoints) {
        if (from == to) {
          continue;
        }
        for (Port port : to.ports()) {
          if (allows(from, to, port, policies)) {
            flows.add(new Flow(from.name(), to.name(), port.number(), port.protocol()));
          }
        }
      }
    }
    return flows;
  }

  static boolean allows(Endpoint from, Endpoint to, Port port, List<Policy> policies) {
    return direction(from, to, port, policies, "Egress", "egress", "to")
        && direction(to, from, port, policies, "Ingress", "ingress", "from");
  }

  /**
   * Whether {@code subject} may send to (egress) or receive from (ingress) {@code peer} on the
   * destination's {@code port}. Endpoints outside the cluster are not subject to any policy.
   */
  private static boolean direction(
      Endpoint subject,
      Endpoint peer,
      Port port,
      List<Policy> policies,
      String type,
      String rulesKey,
      String peersKey) {
    if (subject.external()) {
      return true;
    }
    List<Policy> selecting = new ArrayList<>();
    for (Policy p : policies) {
      if (p.namespace().equals(subject.namespace())
          && types(p.spec()).contains(type)
          && selects(p.spec().path("podSelector"), subject.labels())) {
        selecting.add(p);
      }
    }
    if (selecting.isEmpty()) {
      return true;
    }
    for (Policy p : selecting) {
      for (JsonNode rule : p.spec().path(rulesKey)) {
        if (peerMatches(rule.path(peersKey), peer, p.namespace())
            && portMatches(rule.path("ports"), port)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * policyTypes, defaulted as the API server does: Ingress, plus Egress when egress rules exist.
   */
  static Set<String> types(JsonNode spec) {
    Set<String> types = new TreeSet<>();
    if (spec.has("policyTypes")) {
      spec.path("policyTypes").forEach(t -> types.add(t.asText()));
    } else {
      types.add("Ingress");
      if (spec.has("egress")) {
        types.add("Egress");
      }
    }
    return types;
  }

  private static boolean peerMatches(JsonNode peers, Endpoint peer, String policyNamespace) {
    if (peers.isMissingNode() || peers.isEmpty()) {
      return true;
    }
    for (JsonNode p : peers) {
      if (p.has("ipBlock")) {
        if (peer.external()) {
          return true;
        }
        continue;
      }
      if (peer.external()) {
        continue;
      }
      boolean namespaceOk =
          p.has("namespaceSelector")
              ? selects(
                  p.path("namespaceSelector"),
                  Map.of("kubernetes.io/metadata.name", peer.namespace()))
              : peer.namespace().equals(policyNamespace);
      boolean podOk = !p.has("podSelector") || selects(p.path("podSelector"), peer.labels());
      if (namespaceOk && podOk) {
        return true;
      }
    }
    return false;
  }

  private static boolean portMatches(JsonNode ports, Port port) {
    if (ports.isMissingNode() || ports.isEmpty()) {
      return true;
    }
    for (JsonNode p : ports) {
      String protocol = p.path("protocol").asText("TCP");
      if (!protocol.equals(port.protocol())) {
        continue;
      }
      if (!p.has("port")) {
        return true;
      }
      JsonNode number = p.path("port");
      if (number.isTextual() && !number.asText().chars().allMatch(Character::isDigit)) {
        if (number.asText().equals(port.name())) {
          return true;
        }
        continue;
      }
      int start = number.asInt();
      int end = p.path("endPort").asInt(start);
      if (port.number() >= start && port.number() <= end) {
        return true;
      }
    }
    return false;
  }

  /** A LabelSelector: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist). */
  static boolean selects(JsonNode selector, Map<String, String> labels) {
    for (var it = selector.path("matchLabels").fields(); it.hasNext(); ) {
      var e = it.next();
      if (!e.getValue().asText().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    for (JsonNode expression : selector.path("matchExpressions")) {
      String key = expression.path("key").asText();
      Set<String> values = new TreeSet<>();
      expression.path("values").forEach(v -> values.add(v.asText()));
      String value = labels.get(key);
      boolean ok =
          switch (expression.path("operator").asText()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default ->
                throw new IllegalArgumentException("operator " + expression.path("operator"));
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
