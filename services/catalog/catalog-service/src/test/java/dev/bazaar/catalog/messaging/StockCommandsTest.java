package dev.bazaar.catalog.messaging;

import static dev.bazaar.catalog.support.Saga.line;
import static dev.bazaar.catalog.support.Saga.resent;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bazaar.catalog.api.CatalogContract;
import dev.bazaar.catalog.support.ProductMother;
import dev.bazaar.catalog.support.Saga;
import dev.bazaar.catalog.support.TestClock;
import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.messaging.Envelope;
import dev.bazaar.testing.InfraResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The catalog's saga commands as message scripts: given these commands, expect these replies and
 * this stock. Commands go straight to the handler in a transaction of their own (as the inbox
 * consumer runs it); {@link CommandsConsumerTest} covers the way through the broker.
 */
@QuarkusTest
@WithTestResource(InfraResource.class)
class StockCommandsTest {

  static final String RESERVED = "StockReserved";
  static final String REJECTED = "StockRejected";
  static final String RELEASED = "StockReleased";
  static final String COMMITTED = "StockCommitted";

  @Inject DataSource dataSource;
  @Inject ObjectMapper json;
  @Inject StockCommands commands;
  @Inject ReservationSweeper sweeper;
  @Inject TestClock clock;

  Saga saga;

  @BeforeEach
  void setUp() {
    saga = new Saga(json, dataSource);
  }

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  Void send(Envelope e) {
    return Tx.run(
        dataSource,
        c -> {
          commands.handle(c, e);
          return null;
        });
  }

  List<String> replyTypes(UUID order) {
    return saga.replies(order).stream().map(Saga.Reply::type).toList();
  }

  int stock(UUID product) {
    return ProductMother.stockOf(dataSource, product);
  }

  @Test
  void reserveTakesEveryLineAndAnswersStockReservedOnTheEventsExchange() {
    UUID mug = ProductMother.withStock(dataSource, 5);
    UUID tea = ProductMother.withStock(dataSource, 3);
    UUID order = UUID.randomUUID();
    Instant before = clock.instant();

    send(saga.reserve(order, line(mug, 2), line(tea, 3)));

    assertThat(stock(mug)).isEqualTo(3);
    assertThat(stock(tea)).isZero();
    assertThat(saga.state(order)).isEqualTo("RESERVED");
    assertThat(saga.expiresAt(order))
        .isBetween(before.plus(Duration.ofMinutes(5)), clock.instant().plus(Duration.ofMinutes(5)));
    List<Saga.Reply> replies = saga.replies(order);
    assertThat(replies).hasSize(1);
    assertThat(replies.get(0).routingKey()).isEqualTo(CatalogContract.STOCK_RESERVED);
    assertThat(replies.get(0).type()).isEqualTo(RESERVED);
    assertThat(replies.get(0).payload().get("orderId").asText()).isEqualTo(order.toString());
  }

  @Test
  void oneShortLineReservesNothingOnAnyLine() {
    UUID plenty = ProductMother.withStock(dataSource, 5);
    UUID scarce = ProductMother.withStock(dataSource, 1);
    UUID order = UUID.randomUUID();

    send(saga.reserve(order, line(plenty, 2), line(scarce, 2)));

    assertThat(stock(plenty)).isEqualTo(5);
    assertThat(stock(scarce)).isEqualTo(1);
    Saga.Reply reply = saga.replies(order).get(0);
    assertThat(reply.routingKey()).isEqualTo(CatalogContract.STOCK_REJECTED);
    assertThat(reply.payload().get("reason").asText())
        .isEqualTo(CatalogContract.REASON_OUT_OF_STOCK);
    assertThat(reply.payload().get("productIds").toString()).isEqualTo("[\"" + scarce + "\"]");
    assertThat(saga.state(order)).isEqualTo("REJECTED");
  }

  @Test
  void repeatedLinesOfOneProductCountTogether() {
    UUID product = ProductMother.withStock(dataSource, 3);
    UUID order = UUID.randomUUID();

    send(saga.reserve(order, line(product, 2), line(product, 2)));

    assertThat(replyTypes(order)).containsExactly(REJECTED);
    assertThat(stock(product)).isEqualTo(3);
  }

  @Test
  void anUnknownProductIsRejectedAndNothingIsTaken() {
    UUID known = ProductMother.withStock(dataSource, 5);
    UUID unknown = UUID.randomUUID();
    UUID order = UUID.randomUUID();

    send(saga.reserve(order, line(known, 1), line(unknown, 1)));

    Saga.Reply reply = saga.replies(order).get(0);
    assertThat(reply.type()).isEqualTo(REJECTED);
    assertThat(reply.payload().get("reason").asText())
        .isEqualTo(CatalogContract.REASON_UNKNOWN_PRODUCT);
    assertThat(reply.payload().get("productIds").toString()).isEqualTo("[\"" + unknown + "\"]");
    assertThat(stock(known)).isEqualTo(5);
  }

  @Test
  void aRejectionIsRecordedSoAResentReserveGetsTheSameAnswer() {
    UUID product = ProductMother.withStock(dataSource, 1);
    UUID order = UUID.randomUUID();
    Envelope reserve = saga.reserve(order, line(product, 2));
    send(reserve);
    // Stock arrives in between: the order was already refused, and stays refused.
    Tx.run(
        dataSource,
        c -> new dev.bazaar.catalog.persistence.ProductRepository().setStock(c, product, 10));

    send(resent(reserve));

    List<Saga.Reply> replies = saga.replies(order);
    assertThat(replies).extracting(Saga.Reply::type).containsExactly(REJECTED, REJECTED);
    assertThat(replies.get(1).payload()).isEqualTo(replies.get(0).payload());
    assertThat(stock(product)).isEqualTo(10);
  }

  @Test
  void aResentReserveTakesNothingTwiceAndAnswersAgain() {
    UUID product = ProductMother.withStock(dataSource, 5);
    UUID order = UUID.randomUUID();
    Envelope reserve = saga.reserve(order, line(product, 2));

    send(reserve);
    send(resent(reserve));

    assertThat(replyTypes(order)).containsExactly(RESERVED, RESERVED);
    assertThat(stock(product)).isEqualTo(3);
  }

  @Test
  void releaseGivesTheUnitsBackOnceAndAlwaysAnswers() {
    UUID product = ProductMother.withStock(dataSource, 5);
    UUID order = UUID.randomUUID();
    Envelope reserve = saga.reserve(order, line(product, 2));
    send(reserve);
    Envelope release = saga.release(order);

    send(release);
    assertThat(stock(product)).isEqualTo(5);
    assertThat(saga.state(order)).isEqualTo("RELEASED");
    send(resent(release));
    assertThat(stock(product)).isEqualTo(5);
    // A late copy of the reserve must not take the units again.
    send(resent(reserve));

    assertThat(stock(product)).isEqualTo(5);
    List<Saga.Reply> replies = saga.replies(order);
    assertThat(replies)
        .extracting(Saga.Reply::type)
        .containsExactly(RESERVED, RELEASED, RELEASED, REJECTED);
    assertThat(replies.get(3).payload().get("reason").asText())
        .isEqualTo(CatalogContract.REASON_RESERVATION_EXPIRED);
  }

  @Test
  void aReleaseBeforeItsReserveLeavesATombstoneSoTheLateReserveTakesNothing() {
    UUID product = ProductMother.withStock(dataSource, 5);
    UUID order = UUID.randomUUID();

    send(saga.release(order));
    assertThat(saga.state(order)).isEqualTo("RELEASED");
    send(saga.reserve(order, line(product, 2)));
    send(saga.commit(order));

    assertThat(stock(product)).isEqualTo(5);
    List<Saga.Reply> replies = saga.replies(order);
    assertThat(replies).extracting(Saga.Reply::type).containsExactly(RELEASED, REJECTED, REJECTED);
    assertThat(replies.get(1).payload().get("reason").asText())
        .isEqualTo(CatalogContract.REASON_RESERVATION_EXPIRED);
    assertThat(saga.state(order)).isEqualTo("RELEASED");
  }

  @Test
  void commitSellsTheUnitsForGoodAndRepeatsItsAnswer() {
    UUID product = ProductMother.withStock(dataSource, 5);
    UUID order = UUID.randomUUID();
    Envelope reserve = saga.reserve(order, line(product, 2));
    send(reserve);
    Envelope commit = saga.commit(order);

    send(commit);
    assertThat(saga.state(order)).isEqualTo("COMMITTED");
    assertThat(saga.expiresAt(order)).isNull();
    send(resent(commit));
    // A late reserve does not take more.
    send(resent(reserve));

    assertThat(stock(product)).isEqualTo(3);
    assertThat(saga.state(order)).isEqualTo("COMMITTED");
    assertThat(replyTypes(order)).containsExactly(RESERVED, COMMITTED, COMMITTED, RESERVED);
  }

  /**
   * The chaos run's finding (seed 1): catalog committed, but orders was paused past its commit
   * deadline, timed the order out, refunded it and sent ReleaseStock. The units must come back,
   * once, and no later CommitStock may sell them again.
   */
  @Test
  void aReleaseAfterACommitThatCameTooLateGivesTheUnitsBackForGood() {
    UUID product = ProductMother.withStock(dataSource, 5);
    UUID order = UUID.randomUUID();
    send(saga.reserve(order, line(product, 2)));
    Envelope commit = saga.commit(order);
    send(commit);
    assertThat(stock(product)).isEqualTo(3);

    Envelope release = saga.release(order);
    send(release);
    assertThat(stock(product)).isEqualTo(5);
    assertThat(saga.state(order)).isEqualTo("RELEASED");
    send(resent(release));
    send(saga.commit(order));

    assertThat(stock(product)).isEqualTo(5);
    assertThat(saga.state(order)).isEqualTo("RELEASED");
    assertThat(replyTypes(order))
        .containsExactly(RESERVED, COMMITTED, RELEASED, RELEASED, REJECTED);
  }

  @Test
  void aCommitThatArrivesAfterTheReleaseSellsNothing() {
    UUID product = ProductMother.withStock(dataSource, 5);
    UUID order = UUID.randomUUID();
    send(saga.reserve(order, line(product, 2)));
    send(saga.release(order));

    send(saga.commit(order));

    assertThat(stock(product)).isEqualTo(5);
    assertThat(saga.state(order)).isEqualTo("RELEASED");
    List<Saga.Reply> replies = saga.replies(order);
    assertThat(replies).extracting(Saga.Reply::type).containsExactly(RESERVED, RELEASED, REJECTED);
    assertThat(replies.get(2).payload().get("reason").asText())
        .isEqualTo(CatalogContract.REASON_RESERVATION_EXPIRED);
  }

  @Test
  void aCommitWithoutAnyReservationIsRejectedAndRecordsNothing() {
    UUID order = UUID.randomUUID();
    send(saga.commit(order));
    assertThat(replyTypes(order)).containsExactly(REJECTED);
    assertThat(saga.state(order)).isNull();
  }

  @Test
  void theSweeperExpiresReservationsPastTheirDeadlineAndGivesTheUnitsBack() {
    UUID product = ProductMother.withStock(dataSource, 5);
    UUID order = UUID.randomUUID();
    send(saga.reserve(order, line(product, 2)));

    clock.advance(Duration.ofMinutes(4));
    sweeper.sweep();
    assertThat(saga.state(order)).isEqualTo("RESERVED");
    assertThat(stock(product)).isEqualTo(3);

    clock.advance(Duration.ofMinutes(1).plusSeconds(1));
    // The scheduled sweep (every 200 ms in tests) gets it without being called.
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "EXPIRED".equals(saga.state(order)));
    assertThat(stock(product)).isEqualTo(5);
    assertThat(sweeper.sweep()).isZero();
    assertThat(stock(product)).isEqualTo(5);

    // The saga's compensation after the expiry gives nothing back a second time.
    send(saga.release(order));
    assertThat(stock(product)).isEqualTo(5);
    assertThat(saga.state(order)).isEqualTo("EXPIRED");
    assertThat(replyTypes(order)).containsExactly(RESERVED, RELEASED);
  }

  @Test
  void aCommitAfterExpiryTakesTheUnitsAgainWhenTheyAreStillThere() {
    UUID product = ProductMother.withStock(dataSource, 5);
    UUID order = UUID.randomUUID();
    send(saga.reserve(order, line(product, 2)));
    expire(order);
    assertThat(stock(product)).isEqualTo(5);

    send(saga.commit(order));

    assertThat(stock(product)).isEqualTo(3);
    assertThat(saga.state(order)).isEqualTo("COMMITTED");
    assertThat(replyTypes(order)).containsExactly(RESERVED, COMMITTED);
  }

  @Test
  void aCommitAfterExpiryIsRejectedWhenTheUnitsAreGone() {
    UUID product = ProductMother.withStock(dataSource, 2);
    UUID order = UUID.randomUUID();
    send(saga.reserve(order, line(product, 2)));
    expire(order);
    clock.reset();
    UUID other = UUID.randomUUID();
    send(saga.reserve(other, line(product, 2)));
    assertThat(stock(product)).isZero();

    send(saga.commit(order));

    assertThat(stock(product)).isZero();
    assertThat(saga.state(order)).isEqualTo("EXPIRED");
    List<Saga.Reply> replies = saga.replies(order);
    assertThat(replies).extracting(Saga.Reply::type).containsExactly(RESERVED, REJECTED);
    assertThat(replies.get(1).payload().get("reason").asText())
        .isEqualTo(CatalogContract.REASON_RESERVATION_EXPIRED);
    assertThat(replies.get(1).payload().get("productIds").toString())
        .isEqualTo("[\"" + product + "\"]");
  }

  @Test
  void fortyConcurrentReservesOfTheLastTenUnitsGetExactlyTen() throws Exception {
    UUID product = ProductMother.withStock(dataSource, 10);
    List<UUID> orders = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      orders.add(UUID.randomUUID());
    }
    List<Callable<Void>> tasks = new ArrayList<>();
    for (UUID order : orders) {
      tasks.add(() -> send(saga.reserve(order, line(product, 1))));
    }
    runTogether(tasks);

    List<String> answers = new ArrayList<>();
    for (UUID order : orders) {
      List<String> types = replyTypes(order);
      assertThat(types).hasSize(1);
      answers.add(types.get(0));
    }
    assertThat(answers).filteredOn(RESERVED::equals).hasSize(10);
    assertThat(answers).filteredOn(REJECTED::equals).hasSize(30);
    assertThat(stock(product)).isZero();
    int held =
        Tx.run(
            dataSource,
            c -> {
              try (var ps =
                  c.prepareStatement(
                      "SELECT coalesce(sum(quantity), 0) FROM reservation_lines"
                          + " WHERE product_id = ?")) {
                ps.setObject(1, product);
                try (var rs = ps.executeQuery()) {
                  rs.next();
                  return rs.getInt(1);
                }
              }
            });
    assertThat(held).isEqualTo(10);
  }

  @Test
  void anUnknownProductIsTheReasonEvenWhenAnotherLineIsShort() {
    UUID scarce = ProductMother.withStock(dataSource, 0);
    UUID unknown = UUID.randomUUID();
    UUID order = UUID.randomUUID();

    send(saga.reserve(order, line(scarce, 1), line(unknown, 1)));

    assertThat(saga.replies(order).get(0).payload().get("reason").asText())
        .isEqualTo(CatalogContract.REASON_UNKNOWN_PRODUCT);
  }

  @Test
  void aReleaseRacingItsReserveNeverLosesOrKeepsUnits() throws Exception {
    UUID product = ProductMother.withStock(dataSource, 100);
    List<Callable<Void>> tasks = new ArrayList<>();
    List<UUID> orders = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      UUID order = UUID.randomUUID();
      orders.add(order);
      tasks.add(() -> send(saga.reserve(order, line(product, 2))));
      tasks.add(() -> send(saga.release(order)));
    }
    runTogether(tasks);

    // Whichever came first, the order ends up holding nothing.
    assertThat(stock(product)).isEqualTo(100);
    for (UUID order : orders) {
      assertThat(saga.state(order)).isEqualTo("RELEASED");
      assertThat(replyTypes(order)).contains(RELEASED).hasSize(2);
    }
  }

  @Test
  void aCommitRacingTheSweeperSellsTheUnitsExactlyOnce() throws Exception {
    UUID product = ProductMother.withStock(dataSource, 100);
    List<UUID> orders = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      UUID order = UUID.randomUUID();
      orders.add(order);
      send(saga.reserve(order, line(product, 3)));
    }
    clock.advance(Duration.ofMinutes(6));
    List<Callable<Void>> tasks = new ArrayList<>();
    for (UUID order : orders) {
      tasks.add(() -> send(saga.commit(order)));
      tasks.add(
          () -> {
            sweeper.sweep();
            return null;
          });
    }
    runTogether(tasks);

    // Committed before the sweep, or expired and taken again: sold once either way.
    assertThat(stock(product)).isEqualTo(100 - 20 * 3);
    for (UUID order : orders) {
      assertThat(saga.state(order)).isEqualTo("COMMITTED");
      assertThat(replyTypes(order)).containsExactly(RESERVED, COMMITTED);
    }
  }

  /** Runs every task at once on its own thread and fails on the first failure. */
  private static void runTogether(List<Callable<Void>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Void>> done = new ArrayList<>();
      for (Callable<Void> task : tasks) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  return task.call();
                }));
      }
      start.countDown();
      for (Future<Void> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aCommandOfAnUnknownTypeIsIgnored() {
    UUID order = UUID.randomUUID();
    send(Saga.raw("RestockShelves", "{\"orderId\":\"" + order + "\"}"));
    assertThat(saga.replies(order)).isEmpty();
    assertThat(saga.state(order)).isNull();
  }

  /** Moves the clock past the deadline and lets the sweeper expire the reservation. */
  private void expire(UUID order) {
    clock.advance(Duration.ofMinutes(6));
    sweeper.sweep();
    assertThat(saga.state(order)).isEqualTo("EXPIRED");
  }

  static void awaitReady() {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> given().get("/q/health/ready").statusCode() == 200);
  }
}
