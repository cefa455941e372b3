package dev.bazaar.gateway.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bazaar.catalog.api.CatalogContract;
import dev.bazaar.orders.api.OrdersContract;
import dev.bazaar.payments.api.PaymentsContract;
import dev.bazaar.users.api.UsersContract;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The message catalog the AsyncAPI document is made from agrees with what the contract modules
 * declare: every routing-key constant ({@code <service>.<Type>}) is a catalogued message whose
 * record is named like its type and lives beside the constant, and nothing else is catalogued.
 */
class MessageCatalogTest {

  private static final Pattern ROUTING_KEY = Pattern.compile("[a-z]+\\.[A-Z][A-Za-z]+");
  private static final Class<?>[] CONTRACTS = {
    UsersContract.class, CatalogContract.class, OrdersContract.class, PaymentsContract.class
  };

  @Test
  void everyDeclaredRoutingKeyIsCataloguedAndNothingElse() throws Exception {
    Set<String> declared = new TreeSet<>();
    for (Class<?> contract : CONTRACTS) {
      for (Field f : contract.getFields()) {
        if (Modifier.isStatic(f.getModifiers())
            && f.getType() == String.class
            && f.get(null) instanceof String value
            && ROUTING_KEY.matcher(value).matches()) {
          declared.add(value);
        }
      }
    }
    Set<String> catalogued =
        MessageCatalog.MESSAGES.stream()
            .map(MessageCatalog.Message::routingKey)
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(catalogued).isEqualTo(declared);
    assertThat(MessageCatalog.MESSAGES).hasSize(declared.size());
  }

  @Test
  void eachMessageIsItsRecordNamedByItsType() {
    for (MessageCatalog.Message m : MessageCatalog.MESSAGES) {
      assertThat(m.payload().getSimpleName()).as(m.routingKey()).isEqualTo(m.type());
      assertThat(m.routingKey()).endsWith("." + m.type());
      assertThat(m.version()).as(m.type()).isPositive();
      String service = m.routingKey().substring(0, m.routingKey().indexOf('.'));
      assertThat(m.payload().getPackageName()).isEqualTo("dev.bazaar." + service + ".api");
    }
  }

  @Test
  void everyMessageHasASummaryAndEverySummaryAMessage() {
    assertThat(MessageCatalog.SUMMARIES.keySet())
        .containsExactlyInAnyOrderElementsOf(
            MessageCatalog.MESSAGES.stream().map(MessageCatalog.Message::type).toList());
  }

  @Test
  void everyMessageReachesAQueueExceptNone() {
    for (MessageCatalog.Message m : MessageCatalog.MESSAGES) {
      assertThat(MessageCatalog.QUEUES)
          .as(m.type() + " is consumed somewhere")
          .anyMatch(q -> q.receives(m.exchange(), m.routingKey()));
    }
  }

  @Test
  void topicPatternsMatchLikeTheBroker() {
    assertThat(MessageCatalog.topicMatches("catalog.*", "catalog.ReserveStock")).isTrue();
    assertThat(MessageCatalog.topicMatches("catalog.*", "payments.RefundPayment")).isFalse();
    assertThat(MessageCatalog.topicMatches("catalog.*", "catalog.a.b")).isFalse();
    assertThat(MessageCatalog.topicMatches("#", "a.b.c")).isTrue();
    assertThat(MessageCatalog.topicMatches("a.#", "a")).isTrue();
  }
}
