package dev.bazaar.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bazaar.client.ApiClient;
import dev.bazaar.client.ApiException;
import dev.bazaar.client.api.AuthApi;
import dev.bazaar.client.api.NotificationsApi;
import dev.bazaar.client.api.OrdersApi;
import dev.bazaar.client.api.ProductsApi;
import dev.bazaar.client.api.UsersApi;
import dev.bazaar.client.model.Item;
import dev.bazaar.client.model.NotificationList;
import dev.bazaar.client.model.OrderView;
import dev.bazaar.client.model.PlaceOrderRequest;
import dev.bazaar.client.model.ProductPage;
import dev.bazaar.client.model.ProductView;
import dev.bazaar.client.model.RegisterRequest;
import dev.bazaar.client.model.TokenRequest;
import dev.bazaar.client.model.TokenResponse;
import dev.bazaar.client.model.UserView;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's tour with a client generated from the committed merged document
 * (docs/api/openapi.json, by openapi-generator at build time): it proves the document usable, not
 * just valid. And the committed document is the one the gateway serves, so the client cannot drift.
 */
class ClientTourIT {

  static BazaarSystem system;
  static ApiClient anonymous;

  @BeforeAll
  static void boot() throws Exception {
    system = BazaarSystem.onConfiguredInfra("client-tour");
    system.up();
    anonymous = client(null);
  }

  @AfterAll
  static void shutdown() throws Exception {
    if (system != null) {
      system.down();
      system.forgetInfrastructure();
    }
  }

  static ApiClient client(String token) {
    ApiClient client = new ApiClient();
    client.updateBaseUri(system.gateway());
    client.setReadTimeout(Duration.ofSeconds(40));
    if (token != null) {
      client.setRequestInterceptor(b -> b.header("Authorization", "Bearer " + token));
    }
    return client;
  }

  @Test
  void theCommittedDocumentIsTheOneTheGatewayServes() throws Exception {
    HttpResponse<String> served =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(system.gateway() + "/api/docs/openapi.json"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(served.statusCode()).isEqualTo(200);
    JsonNode live = Api.JSON.readTree(served.body());
    // Saved where the message below (and CI's linter) looks for it.
    Path saved = Path.of("target/api/openapi.json");
    Files.createDirectories(saved.getParent());
    Files.writeString(saved, live.toPrettyString());
    JsonNode committed =
        Api.JSON.readTree(Files.readString(Path.of("../../docs/api/openapi.json")));
    ((ObjectNode) live).remove("x-bazaar-sources");
    ((ObjectNode) committed).remove("x-bazaar-sources");
    assertThat(live)
        .as(
            "docs/api/openapi.json is stale: copy tests/system/target/api/openapi.json over it"
                + " (without x-bazaar-sources) and commit it")
        .isEqualTo(committed);
  }

  @Test
  void theTourWithTheGeneratedClient() throws Exception {
    String email = "ada-" + UUID.randomUUID() + "@example.com";
    UserView me =
        new UsersApi(anonymous)
            .registerUser(new RegisterRequest().email(email).password("correct horse").name("Ada"));
    assertThat(me.getEmail()).isEqualTo(email);

    TokenResponse token =
        new AuthApi(anonymous)
            .issueToken(new TokenRequest().email(email).password("correct horse"));
    assertThat(token.getTokenType()).isEqualTo("Bearer");
    ApiClient ada = client(token.getAccessToken());
    assertThat(new UsersApi(ada).getMe().getId()).isEqualTo(me.getId());

    try {
      new AuthApi(anonymous).issueToken(new TokenRequest().email(email).password("wrong horse"));
      throw new AssertionError("a wrong password must be refused");
    } catch (ApiException e) {
      assertThat(e.getCode()).isEqualTo(401);
    }

    ProductPage page = new ProductsApi(anonymous).listProducts(null, 0, 5, null);
    assertThat(page.getItems()).hasSize(5);
    assertThat(page.getTotal()).isGreaterThanOrEqualTo(20L);
    // The catalog database of a real-infrastructure run is shared with earlier runs, which sell
    // some products out: the tour buys one still in stock.
    ProductView product =
        new ProductsApi(anonymous)
            .listProducts(null, 0, 100, null).getItems().stream()
                .filter(p -> p.getStock() >= 2)
                .findFirst()
                .orElseThrow();
    assertThat(new ProductsApi(anonymous).getProduct(product.getId(), null).getName())
        .isEqualTo(product.getName());

    OrdersApi orders = new OrdersApi(ada);
    OrderView placed =
        orders.placeOrder(
            new PlaceOrderRequest()
                .items(List.of(new Item().productId(product.getId().toString()).quantity(2)))
                .paymentToken("tok_ok"),
            UUID.randomUUID().toString());
    assertThat(placed.getStatus()).isEqualTo("PENDING");

    // Prefer: wait answers once the saga has ended (or after the wait).
    OrderView done =
        Awaitility.await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> orders.getOrder(placed.getId().toString(), "wait=10"),
                o -> o.getStatus().equals("CONFIRMED") || o.getStatus().equals("CANCELLED"));
    assertThat(done.getStatus()).isEqualTo("CONFIRMED");
    assertThat(orders.listOrders(0, 20).getItems())
        .extracting(OrderView::getId)
        .contains(done.getId());

    NotificationsApi notifications = new NotificationsApi(ada);
    NotificationList mine =
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> notifications.listNotifications(0, 20, null), n -> n.getTotal() >= 3);
    assertThat(mine.getItems()).extracting(n -> n.getKind()).contains("WELCOME");
  }
}
