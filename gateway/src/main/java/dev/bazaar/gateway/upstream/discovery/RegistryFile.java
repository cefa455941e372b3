package dev.bazaar.gateway.upstream.discovery;

import dev.bazaar.gateway.upstream.UpstreamEndpoint;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The launcher's registry file ({@code <data>/registry.json}):
 *
 * <pre>
 * {"services": {"catalog": [{"instance": "catalog-1", "url": "http://127.0.0.1:8082",
 *                            "state": "ready"}, ...], ...}}
 * </pre>
 *
 * Only instances whose state is {@code ready} receive traffic. Unknown fields are ignored so the
 * launcher can add more.
 */
public final class RegistryFile {

  public static final String READY = "ready";

  private RegistryFile() {}

  /** One row of the file. */
  public record Entry(String instance, URI url, String state) {}

  /**
   * Parses the file's content into the ready endpoints per service.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static Map<String, List<UpstreamEndpoint>> readyEndpoints(String json) {
    Map<String, List<UpstreamEndpoint>> ready = new TreeMap<>();
    parse(json)
        .forEach(
            (service, entries) -> {
              List<UpstreamEndpoint> endpoints = new ArrayList<>();
              for (Entry e : entries) {
                if (READY.equals(e.state())) {
                  endpoints.add(UpstreamEndpoint.of(e.url()));
                }
              }
              ready.put(service, List.copyOf(endpoints));
            });
    return ready;
  }

  /** Every entry per service, whatever its state. */
  public static Map<String, List<Entry>> parse(String json) {
    JsonObject root;
    try {
      root = new JsonObject(json);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("registry file is not a JSON object: " + e.getMessage());
    }
    Object services = root.getValue("services");
    if (!(services instanceof JsonObject byService)) {
      throw new IllegalArgumentException("registry file needs a \"services\" object");
    }
    Map<String, List<Entry>> result = new TreeMap<>();
    for (String service : byService.fieldNames()) {
      Object list = byService.getValue(service);
      if (!(list instanceof JsonArray array)) {
        throw new IllegalArgumentException("services." + service + " must be an array");
      }
      List<Entry> entries = new ArrayList<>();
      for (int i = 0; i < array.size(); i++) {
        Object item = array.getValue(i);
        if (!(item instanceof JsonObject o) || !(o.getValue("url") instanceof String url)) {
          throw new IllegalArgumentException(
              "services." + service + "[" + i + "] must be an object with a \"url\"");
        }
        URI uri;
        try {
          uri = URI.create(url);
          UpstreamEndpoint.of(uri);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "services." + service + "[" + i + "].url: " + e.getMessage());
        }
        entries.add(new Entry(o.getString("instance", ""), uri, o.getString("state", READY)));
      }
      result.put(service, List.copyOf(entries));
    }
    return result;
  }
}
