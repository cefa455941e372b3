package dev.bazaar.catalog.messaging;

import static dev.bazaar.catalog.support.Saga.line;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.bazaar.catalog.api.CatalogContract;
import dev.bazaar.catalog.support.ProductMother;
import dev.bazaar.catalog.support.Saga;
import dev.bazaar.chassis.messaging.Envelope;
import dev.bazaar.chassis.outbox.Topology;
import dev.bazaar.testing.InfraResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Commands through the broker: published to {@code bazaar.commands} as orders publishes them,
 * consumed from {@code catalog.commands} through the inbox, answered on {@code bazaar.events}.
 */
@QuarkusTest
@WithTestResource(InfraResource.class)
class CommandsConsumerTest {

  static final Duration EVENTUALLY = Duration.ofSeconds(15);
  static final String PARKED = CatalogContract.COMMANDS_QUEUE + Topology.PARKED_SUFFIX;

  @Inject DataSource dataSource;
  @Inject ObjectMapper json;

  Saga saga;
  Connection connection;
  Channel channel;

  @BeforeEach
  void connect() throws Exception {
    saga = new Saga(json, dataSource);
    // The consumer subscribes once the broker answers; a command published before its queue is
    // bound would be dropped by the exchange.
    StockCommandsTest.awaitReady();
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(ConfigProvider.getConfig().getValue("bazaar.amqp.url", String.class));
    connection = f.newConnection("catalog-test");
    channel = connection.createChannel();
    channel.confirmSelect();
  }

  @AfterEach
  void disconnect() throws Exception {
    connection.close();
  }

  void publish(Envelope e) throws Exception {
    channel.basicPublish(
        Topology.COMMANDS_EXCHANGE, "catalog." + e.type(), e.toProperties(Map.of()), e.body());
    channel.waitForConfirmsOrDie(5000);
  }

  List<String> replyTypes(UUID order) {
    return saga.replies(order).stream().map(Saga.Reply::type).toList();
  }

  /** Published after other commands, answered only once the single consumer got past them. */
  void awaitMarker() throws Exception {
    UUID marker = UUID.randomUUID();
    publish(saga.release(marker));
    Awaitility.await().atMost(EVENTUALLY).until(() -> !saga.replies(marker).isEmpty());
  }

  @Test
  void aReserveIsAnsweredOnTheEventsExchange() throws Exception {
    String events = channel.queueDeclare().getQueue();
    channel.queueBind(events, Topology.EVENTS_EXCHANGE, CatalogContract.STOCK_RESERVED);
    UUID product = ProductMother.withStock(dataSource, 4);
    UUID order = UUID.randomUUID();

    publish(saga.reserve(order, line(product, 3)));

    JsonNode reply =
        Awaitility.await().atMost(EVENTUALLY).until(() -> replyFor(events, order), r -> r != null);
    assertThat(reply.get("orderId").asText()).isEqualTo(order.toString());
    assertThat(ProductMother.stockOf(dataSource, product)).isEqualTo(1);
  }

  private JsonNode replyFor(String queue, UUID order) throws Exception {
    for (GetResponse r = channel.basicGet(queue, true);
        r != null;
        r = channel.basicGet(queue, true)) {
      assertThat(r.getProps().getType()).isEqualTo("StockReserved");
      assertThat(r.getProps().getHeaders().get(Envelope.HEADER_VERSION))
          .isEqualTo(CatalogContract.VERSION);
      JsonNode body = json.readTree(new String(r.getBody(), StandardCharsets.UTF_8));
      if (order.toString().equals(body.get("orderId").asText())) {
        return body;
      }
    }
    return null;
  }

  @Test
  void aRedeliveryOfEveryCommandIsHandledOnce() throws Exception {
    UUID product = ProductMother.withStock(dataSource, 5);
    UUID sold = UUID.randomUUID();
    UUID cancelled = UUID.randomUUID();
    Envelope reserveSold = saga.reserve(sold, line(product, 1));
    Envelope commitSold = saga.commit(sold);
    Envelope reserveCancelled = saga.reserve(cancelled, line(product, 2));
    Envelope releaseCancelled = saga.release(cancelled);

    for (Envelope e : List.of(reserveSold, reserveCancelled)) {
      publish(e);
      publish(e);
    }
    awaitMarker();
    assertThat(ProductMother.stockOf(dataSource, product)).isEqualTo(2);
    for (Envelope e : List.of(commitSold, releaseCancelled)) {
      publish(e);
      publish(e);
    }
    awaitMarker();

    assertThat(replyTypes(sold)).containsExactly("StockReserved", "StockCommitted");
    assertThat(replyTypes(cancelled)).containsExactly("StockReserved", "StockReleased");
    assertThat(ProductMother.stockOf(dataSource, product)).isEqualTo(4);
  }

  @Test
  void anUnknownTypeIsDroppedAndAMalformedCommandIsParked() throws Exception {
    int parkedBefore = channel.queueDeclarePassive(PARKED).getMessageCount();
    UUID order = UUID.randomUUID();

    publish(Saga.raw("RestockShelves", "{\"orderId\":\"" + order + "\"}"));
    awaitMarker();
    assertThat(saga.replies(order)).isEmpty();
    assertThat(channel.queueDeclarePassive(PARKED).getMessageCount()).isEqualTo(parkedBefore);

    publish(Saga.raw("ReserveStock", "{\"orderId\":\"" + order + "\",\"items\":[]}"));
    Awaitility.await()
        .atMost(EVENTUALLY)
        .until(() -> channel.queueDeclarePassive(PARKED).getMessageCount() == parkedBefore + 1);
    assertThat(saga.replies(order)).isEmpty();
    assertThat(saga.state(order)).isNull();
  }
}
