package dev.bazaar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bazaar.deploy.NetworkPolicies.Endpoint;
import dev.bazaar.deploy.NetworkPolicies.Flow;
import dev.bazaar.deploy.NetworkPolicies.Policy;
import dev.bazaar.deploy.NetworkPolicies.Port;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The NetworkPolicies of each overlay, evaluated over its pods plus the world around them (ingress
 * controller, cluster DNS, operators, the Kubernetes API, a pod of another namespace), allow
 * exactly the flows of the architecture diagram: no more, no less.
 */
class NetworkPolicyTest {
  static final List<String> OVERLAYS = Rendered.OVERLAYS;
  static final List<String> SERVICES = RuntimeContract.SERVICES;
  static final Map<String, Integer> PORTS =
      Map.of(
          "users", 8081, "catalog", 8082, "orders", 8083, "notifications", 8084, "payments", 8085);

  @ParameterizedTest
  @FieldSource("OVERLAYS")
  void thePoliciesAllowExactlyTheArchitecturesFlows(String overlay) {
    Rendered rendered = Rendered.of(overlay);
    List<Endpoint> endpoints = endpoints(rendered);
    List<Policy> policies = new ArrayList<>();
    for (ObjectNode p : rendered.ofKind("NetworkPolicy")) {
      policies.add(new Policy(p.path("metadata").path("namespace").asText(), p.path("spec")));
    }
    Set<Flow> allowed = new TreeSet<>();
    for (Flow f : NetworkPolicies.allowedFlows(endpoints, policies)) {
      // Traffic between pods outside Bazaar's namespace is not these policies' business.
      if (inBazaar(endpoints, f.from()) || inBazaar(endpoints, f.to())) {
        allowed.add(f);
      }
    }
    Set<Flow> expected = expected(overlay, endpoints);
    Set<Flow> extra = new TreeSet<>(allowed);
    extra.removeAll(expected);
    Set<Flow> missing = new TreeSet<>(expected);
    missing.removeAll(allowed);
    assertThat(extra).as(overlay + ": allowed but not in the architecture").isEmpty();
    assertThat(missing).as(overlay + ": in the architecture but not allowed").isEmpty();
  }

  static boolean inBazaar(List<Endpoint> endpoints, String name) {
    return endpoints.stream()
        .anyMatch(e -> e.name().equals(name) && e.namespace().equals("bazaar"));
  }

  /** The diagram (README, docs/runtime-contract.md) as flows. */
  static Set<Flow> expected(String overlay, List<Endpoint> endpoints) {
    List<String> pg = named(endpoints, "cnpg.io/cluster", "bazaar-pg");
    List<String> rabbit = named(endpoints, "app.kubernetes.io/name", "bazaar-rabbitmq");
    Set<Flow> flows = new TreeSet<>();
    flows.add(tcp("ingress-controller", "gateway", 8080));
    for (String s : SERVICES) {
      flows.add(tcp("gateway", s, PORTS.get(s)));
      if (!s.equals("users")) {
        flows.add(tcp(s, "users", 8081)); // JWKS
      }
      pg.forEach(p -> flows.add(tcp(s, p, 5432)));
      rabbit.forEach(r -> flows.add(tcp(s, r, 5672)));
    }
    flows.add(tcp("orders", "catalog", 8082)); // prices
    flows.add(tcp("gateway", "bazaar-redis", 6379)); // rate limits
    for (Endpoint e : endpoints) {
      if (e.namespace().equals("bazaar")) {
        flows.add(new Flow(e.name(), "kube-dns", 53, "TCP"));
        flows.add(new Flow(e.name(), "kube-dns", 53, "UDP"));
      }
    }
    if (overlay.equals("dev")) {
      pg.forEach(p -> flows.add(tcp("bazaar-db-setup", p, 5432)));
      rabbit.forEach(r -> flows.add(tcp("bazaar-broker-setup", r, 15672)));
    } else {
      for (String p : pg) {
        flows.add(tcp("cnpg-operator", p, 8000));
        flows.add(tcp(p, "kubernetes-api", 443));
        flows.add(tcp(p, "kubernetes-api", 6443));
        for (String q : pg) {
          if (!p.equals(q)) {
            flows.add(tcp(p, q, 5432));
            flows.add(tcp(p, q, 8000));
          }
        }
      }
      for (String r : rabbit) {
        flows.add(tcp("rabbitmq-operators", r, 15672));
        flows.add(tcp(r, "kubernetes-api", 443));
        flows.add(tcp(r, "kubernetes-api", 6443));
        for (String q : rabbit) {
          if (!r.equals(q)) {
            flows.add(tcp(r, q, 4369));
            flows.add(tcp(r, q, 25672));
          }
        }
      }
    }
    return flows;
  }

  static Flow tcp(String from, String to, int port) {
    return new Flow(from, to, port, "TCP");
  }

  static List<String> named(List<Endpoint> endpoints, String label, String value) {
    return endpoints.stream()
        .filter(e -> value.equals(e.labels().get(label)))
        .map(Endpoint::name)
        .toList();
  }

  /** The rendered workloads' pods, and what an operator or the cluster adds around them. */
  static List<Endpoint> endpoints(Rendered rendered) {
    List<Endpoint> endpoints = new ArrayList<>();
    for (ObjectNode w : rendered.workloads()) {
      JsonNode template = w.path("spec").path("template");
      Map<String, String> labels = new LinkedHashMap<>();
      template
          .path("metadata")
          .path("labels")
          .fields()
          .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
      List<Port> ports = new ArrayList<>();
      for (JsonNode c : template.path("spec").path("containers")) {
        for (JsonNode p : c.path("ports")) {
          ports.add(
              new Port(
                  p.path("name").asText(""),
                  p.path("containerPort").asInt(),
                  p.path("protocol").asText("TCP")));
        }
      }
      endpoints.add(
          new Endpoint(
              labels.getOrDefault(
                  "app.kubernetes.io/name", w.path("metadata").path("name").asText()),
              w.path("metadata").path("namespace").asText(),
              labels,
              ports,
              false));
    }
    endpoints.add(
        new Endpoint(
            "ingress-controller",
            "ingress-nginx",
            Map.of("app.kubernetes.io/name", "ingress-nginx"),
            List.of(),
            false));
    endpoints.add(
        new Endpoint(
            "kube-dns",
            "kube-system",
            Map.of("k8s-app", "kube-dns"),
            List.of(new Port("dns", 53, "UDP"), new Port("dns-tcp", 53, "TCP")),
            false));
    endpoints.add(
        new Endpoint(
            "intruder",
            "default",
            Map.of("app.kubernetes.io/name", "users"),
            List.of(new Port("http", 8081, "TCP")),
            false));
    endpoints.add(
        new Endpoint(
            "kubernetes-api",
            "",
            Map.of(),
            List.of(new Port("https", 443, "TCP"), new Port("https-alt", 6443, "TCP")),
            true));
    if (rendered.overlay().equals("prod")) {
      endpoints.add(
          new Endpoint(
              "cnpg-operator",
              "cnpg-system",
              Map.of("app.kubernetes.io/name", "cloudnative-pg"),
              List.of(),
              false));
      endpoints.add(
          new Endpoint(
              "rabbitmq-operators",
              "rabbitmq-system",
              Map.of("app.kubernetes.io/name", "rabbitmq-cluster-operator"),
              List.of(),
              false));
      for (int i = 1; i <= 2; i++) {
        endpoints.add(
            new Endpoint(
                "bazaar-pg-" + i,
                "bazaar",
                Map.of("cnpg.io/cluster", "bazaar-pg", "cnpg.io/podRole", "instance"),
                List.of(
                    new Port("postgresql", 5432, "TCP"),
                    new Port("metrics", 9187, "TCP"),
                    new Port("status", 8000, "TCP")),
                false));
        endpoints.add(
            new Endpoint(
                "bazaar-rabbitmq-server-" + i,
                "bazaar",
                Map.of(
                    "app.kubernetes.io/name",
                    "bazaar-rabbitmq",
                    "app.kubernetes.io/component",
                    "rabbitmq"),
                List.of(
                    new Port("amqp", 5672, "TCP"),
                    new Port("management", 15672, "TCP"),
                    new Port("epmd", 4369, "TCP"),
                    new Port("cluster-links", 25672, "TCP"),
                    new Port("prometheus", 15692, "TCP")),
                false));
      }
    }
    return endpoints;
  }

  // --- the evaluator itself, on cases whose answer is known ---

  static final Endpoint A =
      new Endpoint("a", "ns", Map.of("app", "a"), List.of(new Port("http", 80, "TCP")), false);
  static final Endpoint B =
      new Endpoint(
          "b",
          "ns",
          Map.of("app", "b"),
          List.of(new Port("http", 80, "TCP"), new Port("admin", 9000, "TCP")),
          false);
  static final Endpoint C =
      new Endpoint("c", "other", Map.of("app", "a"), List.of(new Port("http", 80, "TCP")), false);

  static Policy policy(String yaml) throws IOException {
    return new Policy("ns", Rendered.YAML.readTree(yaml));
  }

  @Test
  void withoutPoliciesEverythingIsAllowed() {
    assertThat(NetworkPolicies.allowedFlows(List.of(A, B), List.of())).hasSize(3);
  }

  @Test
  void aDefaultDenyBlocksEverythingInItsNamespaceOnly() throws IOException {
    Policy deny = policy("podSelector: {}\npolicyTypes: [Ingress, Egress]");
    assertThat(NetworkPolicies.allowedFlows(List.of(A, B, C), List.of(deny))).isEmpty();
    assertThat(NetworkPolicies.allowedFlows(List.of(A, C), List.of(policy("podSelector: {}"))))
        .extracting(Flow::toString)
        .containsExactly("a -> c:80");
  }

  @Test
  void ingressNeedsBothSidesAndTheRightPort() throws IOException {
    Policy deny = policy("podSelector: {}\npolicyTypes: [Ingress, Egress]");
    Policy bIn =
        policy(
            "podSelector: {matchLabels: {app: b}}\ningress: [{from: [{podSelector: {matchLabels: {app: a}}}], ports: [{port: http}]}]");
    Policy aOut =
        policy(
            "podSelector: {matchLabels: {app: a}}\npolicyTypes: [Egress]\negress: [{to: [{podSelector: {}}]}]");
    assertThat(NetworkPolicies.allowedFlows(List.of(A, B), List.of(deny, bIn))).isEmpty();
    assertThat(NetworkPolicies.allowedFlows(List.of(A, B), List.of(deny, bIn, aOut)))
        .extracting(Flow::toString)
        .containsExactly("a -> b:80");
  }

  @Test
  void namespaceAndPodSelectorInOnePeerMustBothMatch() throws IOException {
    Endpoint d =
        new Endpoint("d", "ns", Map.of("app", "d"), List.of(new Port("http", 80, "TCP")), false);
    Policy dIn =
        policy(
            "podSelector: {matchLabels: {app: d}}\ningress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: other}}, podSelector: {matchLabels: {app: b}}}]}]");
    assertThat(NetworkPolicies.allowedFlows(List.of(C, d), List.of(dIn)))
        .extracting(Flow::toString)
        .containsExactly("d -> c:80");
    Policy dInEither =
        policy(
            "podSelector: {matchLabels: {app: d}}\ningress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: other}}}, {podSelector: {matchLabels: {app: b}}}]}]");
    assertThat(NetworkPolicies.allowedFlows(List.of(C, d), List.of(dInEither)))
        .extracting(Flow::toString)
        .containsExactly("c -> d:80", "d -> c:80");
  }

  @Test
  void matchExpressionsAreEvaluated() throws IOException {
    JsonNode in =
        Rendered.YAML.readTree("matchExpressions: [{key: app, operator: In, values: [a, b]}]");
    JsonNode notIn =
        Rendered.YAML.readTree("matchExpressions: [{key: app, operator: NotIn, values: [a]}]");
    assertThat(NetworkPolicies.selects(in, Map.of("app", "b"))).isTrue();
    assertThat(NetworkPolicies.selects(in, Map.of("app", "c"))).isFalse();
    assertThat(NetworkPolicies.selects(notIn, Map.of())).isTrue();
    assertThat(NetworkPolicies.selects(notIn, Map.of("app", "a"))).isFalse();
  }
}
