package dev.bazaar.gateway.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The AsyncAPI document: complete, internally consistent, and compatible with the committed
 * snapshot of every message's payload schema ({@code src/test/resources/contract/messages.json}). A
 * change that breaks a payload must raise the message's version; then (and for a new message)
 * refresh the snapshot with {@code -Dbazaar.contract.snapshot=write} and commit it.
 */
class AsyncApiTest {

  static final Path SNAPSHOT = Path.of("src/test/resources/contract/messages.json");

  final JsonObject doc = AsyncApi.document();

  @Test
  void listsEveryMessageExchangeRoutingKeyAndQueue() throws IOException {
    assertThat(doc.getString("asyncapi")).isEqualTo("3.0.0");
    JsonObject messages = doc.getJsonObject("components").getJsonObject("messages");
    JsonObject channels = doc.getJsonObject("channels");
    for (MessageCatalog.Message m : MessageCatalog.MESSAGES) {
      JsonObject message = messages.getJsonObject(m.type());
      assertThat(message.getInteger("x-bazaar-version")).isEqualTo(m.version());
      assertThat(message.getJsonObject("payload").getJsonObject("properties").fieldNames())
          .isNotEmpty();
      JsonObject channel = channels.getJsonObject(AsyncApi.channelId(m));
      assertThat(channel.getString("address")).isEqualTo(m.routingKey());
      assertThat(
              channel
                  .getJsonObject("bindings")
                  .getJsonObject("amqp")
                  .getJsonObject("exchange")
                  .getString("name"))
          .isEqualTo(m.exchange());
    }
    assertThat(channels.getJsonObject("orders.replies").getJsonObject("messages").fieldNames())
        .containsExactlyInAnyOrder(
            "StockReserved",
            "StockRejected",
            "StockReleased",
            "StockCommitted",
            "PaymentAuthorized",
            "PaymentDeclined",
            "PaymentRefunded");
    assertThat(channels.getJsonObject("catalog.commands").getJsonObject("messages").fieldNames())
        .containsExactlyInAnyOrder("ReserveStock", "ReleaseStock", "CommitStock");
    assertThat(channels.getJsonObject("payments.commands").getJsonObject("messages").fieldNames())
        .containsExactlyInAnyOrder("AuthorizePayment", "RefundPayment");
    assertThat(
            channels.getJsonObject("notifications.events").getJsonObject("messages").fieldNames())
        .containsExactlyInAnyOrder(
            "UserRegistered", "OrderPlaced", "OrderConfirmed", "OrderCancelled");
    assertThat(channels.fieldNames()).contains("orders.replies.parked", "catalog.commands.parked");
    // Every $ref in the document points at something that exists.
    List<String> refs = new ArrayList<>();
    collectRefs(doc, refs);
    for (String ref : refs) {
      Object target = doc;
      for (String part : ref.substring(2).split("/")) {
        target = target instanceof JsonObject o ? o.getValue(part) : null;
      }
      assertThat(target).as(ref).isNotNull();
    }
    Path out = Path.of("target/api/asyncapi.json");
    Files.createDirectories(out.getParent());
    Files.writeString(out, doc.encodePrettily(), StandardCharsets.UTF_8);
  }

  @Test
  void aPayloadSchemaIsTheRecordAsJacksonWritesIt() {
    JsonObject placed =
        doc.getJsonObject("components")
            .getJsonObject("messages")
            .getJsonObject("OrderPlaced")
            .getJsonObject("payload");
    JsonObject props = placed.getJsonObject("properties");
    assertThat(props.getJsonObject("orderId").getString("format")).isEqualTo("uuid");
    assertThat(props.getJsonObject("items").getString("type")).isEqualTo("array");
  }

  @Test
  void noPayloadChangedIncompatiblyWithoutANewVersion() throws IOException {
    JsonObject current = snapshot(doc);
    if ("write".equals(System.getProperty("bazaar.contract.snapshot"))) {
      Files.writeString(SNAPSHOT, current.encodePrettily() + "\n", StandardCharsets.UTF_8);
    }
    JsonObject committed = new JsonObject(Files.readString(SNAPSHOT, StandardCharsets.UTF_8));
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Object> entry : current) {
      String type = entry.getKey();
      JsonObject now = (JsonObject) entry.getValue();
      JsonObject then = committed.getJsonObject(type);
      if (then == null) {
        problems.add(type + " is new: add it to the snapshot");
        continue;
      }
      int was = then.getInteger("version");
      int is = now.getInteger("version");
      if (is == was) {
        for (String change :
            MessageCompatibility.breakingChanges(
                then.getJsonObject("payload"), now.getJsonObject("payload"))) {
          problems.add(type + " v" + is + ": " + change + " without a version bump");
        }
      } else if (is < was) {
        problems.add(type + " went back from version " + was + " to " + is);
      } else {
        problems.add(type + " is now version " + is + ": refresh the snapshot");
      }
    }
    for (String type : committed.fieldNames()) {
      if (!current.containsKey(type)) {
        problems.add(
            type + " is gone: its consumers break (remove it from the snapshot on purpose)");
      }
    }
    assertThat(problems)
        .as("refresh with -Dbazaar.contract.snapshot=write once the change is intended")
        .isEmpty();
  }

  @Test
  void theCompatibilityRulesCatchWhatBreaksAConsumer() {
    JsonObject before = AsyncApi.schema(dev.bazaar.orders.api.OrderCancelled.class);
    JsonObject added = before.copy();
    added.getJsonObject("properties").put("note", new JsonObject().put("type", "string"));
    assertThat(MessageCompatibility.breakingChanges(before, added)).isEmpty();

    JsonObject removed = before.copy();
    removed.getJsonObject("properties").remove("reason");
    assertThat(MessageCompatibility.breakingChanges(before, removed))
        .containsExactly("reason was removed");

    JsonObject retyped = before.copy();
    retyped.getJsonObject("properties").put("cancelledAt", new JsonObject().put("type", "integer"));
    assertThat(MessageCompatibility.breakingChanges(before, retyped))
        .containsExactly("cancelledAt changed type from string to integer");

    JsonObject required =
        before.copy().put("required", new io.vertx.core.json.JsonArray().add("reason"));
    assertThat(MessageCompatibility.breakingChanges(before, required))
        .containsExactly("reason became required");
  }

  /** type -> {version, payload} of every message. */
  static JsonObject snapshot(JsonObject doc) {
    JsonObject out = new JsonObject();
    JsonObject messages = doc.getJsonObject("components").getJsonObject("messages");
    for (String type : new java.util.TreeSet<>(messages.fieldNames())) {
      JsonObject m = messages.getJsonObject(type);
      out.put(
          type,
          new JsonObject()
              .put("version", m.getInteger("x-bazaar-version"))
              .put("payload", m.getJsonObject("payload")));
    }
    return out;
  }

  private static void collectRefs(Object node, List<String> out) {
    if (node instanceof JsonObject o) {
      for (Map.Entry<String, Object> e : o) {
        if (e.getKey().equals("$ref") && e.getValue() instanceof String s) {
          out.add(s);
        } else {
          collectRefs(e.getValue(), out);
        }
      }
    } else if (node instanceof io.vertx.core.json.JsonArray a) {
      a.forEach(v -> collectRefs(v, out));
    }
  }
}
