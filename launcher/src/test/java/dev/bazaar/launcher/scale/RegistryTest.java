package dev.bazaar.launcher.scale;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bazaar.launcher.state.InstanceState;
import dev.bazaar.launcher.state.Phase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryTest {

  @TempDir Path data;

  @Test
  void listsEveryServiceWithItsInstancesInOrderAndLeavesOthersOut() throws Exception {
    Registry registry = new Registry(data, List.of("catalog", "orders"));
    registry.write(
        List.of(
            new InstanceState("catalog", "catalog-10", 12, 41000, Phase.STARTING, 0),
            new InstanceState("catalog", "catalog-2", 11, 40000, Phase.READY, 0),
            new InstanceState("catalog", "catalog-1", 10, 8082, Phase.READY, 1),
            new InstanceState("gateway", "gateway-1", 9, 8080, Phase.READY, 0),
            new InstanceState("postgres", "postgres-1", 8, 5433, Phase.READY, 0)));
    JsonNode root = new ObjectMapper().readTree(data.resolve("registry.json").toFile());
    JsonNode services = root.get("services");
    assertThat(services.fieldNames()).toIterable().containsExactly("catalog", "orders");
    assertThat(services.get("orders")).isEmpty();
    JsonNode catalog = services.get("catalog");
    assertThat(catalog.findValuesAsText("instance"))
        .containsExactly("catalog-1", "catalog-2", "catalog-10");
    assertThat(catalog.get(0).get("url").asText()).isEqualTo("http://127.0.0.1:8082");
    assertThat(catalog.get(2).get("state").asText()).isEqualTo("starting");
    assertThat(catalog.get(0).get("pid").asLong()).isEqualTo(10);
  }

  @Test
  void rewritesOnlyOnChangeAndIsGoneAfterDelete() throws Exception {
    Registry registry = new Registry(data, List.of("catalog"));
    var one = List.of(new InstanceState("catalog", "catalog-1", 10, 8082, Phase.READY, 0));
    registry.write(one);
    Path file = data.resolve("registry.json");
    var modified = Files.getLastModifiedTime(file);
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(0));
    registry.write(one);
    assertThat(Files.getLastModifiedTime(file).toMillis()).isZero();
    registry.write(List.of());
    assertThat(Files.getLastModifiedTime(file)).isNotEqualTo(modified);
    assertThat(Files.readString(file)).doesNotContain("catalog-1");
    registry.delete();
    assertThat(file).doesNotExist();
  }
}
