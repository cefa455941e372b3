package dev.bazaar.chassis.outbox;

import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/** Broker names shared by every service (DESIGN.md, messaging rules). */
public final class Topology {

  private static final Logger LOG = Logger.getLogger(Topology.class);

  /** The one topic exchange all domain events are published to. */
  public static final String EVENTS_EXCHANGE = "bazaar.events";

  /**
   * The topic exchange point-to-point commands are sent to; each participant binds its one commands
   * queue with {@code <service>.*}.
   */
  public static final String COMMANDS_EXCHANGE = "bazaar.commands";

  /** Suffix of the queue a consumer parks messages on after too many failed attempts. */
  public static final String PARKED_SUFFIX = ".parked";

  private Topology() {}

  /** Opens a channel: each check below needs its own, since a refusal closes it. */
  @FunctionalInterface
  public interface Channels {
    Channel open() throws IOException;
  }

  /**
   * Makes sure the topic {@code exchange} exists before a service publishes to it or binds to it.
   * First a passive declare, which needs no permission: a setup step declares the shared exchanges
   * (the launcher as the broker's administrator, the deploy Jobs), and no service user may declare,
   * change or delete them (docs/security.md). Only a missing exchange is declared here, which works
   * where the broker lets this user configure it (a test's or a developer's own broker); elsewhere
   * the refusal names the setup step.
   */
  public static void requireExchange(Channels channels, String exchange) throws IOException {
    Channel probe = channels.open();
    try {
      probe.exchangeDeclarePassive(exchange);
      return;
    } catch (IOException missing) {
      LOG.debugf("exchange %s not found (%s); declaring it", exchange, missing.getMessage());
    } finally {
      closeQuietly(probe);
    }
    Channel declare = channels.open();
    try {
      declare.exchangeDeclare(exchange, "topic", true);
      LOG.infof("declared the missing exchange %s (a setup step normally declares it)", exchange);
    } catch (IOException refused) {
      throw new IOException(
          "the exchange "
              + exchange
              + " does not exist and this broker user may not declare it: the broker's setup step"
              + " declares it (bazaar up does on its broker; deploy/ has the Jobs)",
          refused);
    } finally {
      closeQuietly(declare);
    }
  }

  private static void closeQuietly(Channel channel) {
    try {
      if (channel.isOpen()) {
        channel.close();
      }
    } catch (IOException | TimeoutException | RuntimeException e) {
      // closed by the broker already
    }
  }
}
