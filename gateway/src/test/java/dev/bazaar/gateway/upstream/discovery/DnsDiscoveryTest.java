package dev.bazaar.gateway.upstream.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bazaar.gateway.upstream.UpstreamEndpoint;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DnsDiscoveryTest {

  /** A resolver that answers from a list the test changes. */
  static final class StubResolver implements DnsDiscovery.Resolver {
    List<String> addresses = List.of();
    boolean failing;
    final List<String> asked = new ArrayList<>();

    @Override
    public List<InetAddress> resolveAll(String name) throws UnknownHostException {
      asked.add(name);
      if (failing) {
        throw new UnknownHostException(name);
      }
      List<InetAddress> result = new ArrayList<>();
      for (String a : addresses) {
        result.add(InetAddress.getByName(a)); // literal addresses: no lookup
      }
      return result;
    }
  }

  final StubResolver resolver = new StubResolver();
  final List<List<UpstreamEndpoint>> updates = new ArrayList<>();
  final DnsDiscovery dns =
      new DnsDiscovery("catalog.bazaar.svc.cluster.local", 8080, false, resolver, updates::add);

  static List<String> hosts(List<UpstreamEndpoint> endpoints) {
    return endpoints.stream().map(e -> e.host() + ":" + e.port()).toList();
  }

  @Test
  void everyARecordBecomesAnInstanceAndChangesAreReported() {
    resolver.addresses = List.of("10.1.0.7", "10.1.0.5");
    dns.refresh();
    assertThat(resolver.asked).containsExactly("catalog.bazaar.svc.cluster.local");
    assertThat(hosts(updates.getLast())).containsExactly("10.1.0.5:8080", "10.1.0.7:8080");

    dns.refresh();
    assertThat(updates).as("same answer, no update").hasSize(1);

    resolver.addresses = List.of("10.1.0.5", "10.1.0.9", "10.1.0.7");
    dns.refresh();
    assertThat(hosts(updates.getLast()))
        .containsExactly("10.1.0.5:8080", "10.1.0.7:8080", "10.1.0.9:8080");
  }

  @Test
  void aFailedLookupKeepsTheLastInstances() {
    resolver.addresses = List.of("10.1.0.5");
    dns.refresh();
    resolver.failing = true;
    dns.refresh();
    assertThat(updates).hasSize(1);
    resolver.failing = false;
    resolver.addresses = List.of();
    dns.refresh();
    assertThat(updates.getLast()).isEmpty();
  }
}
