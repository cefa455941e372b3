package dev.bazaar.launcher;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.bazaar.launcher.cli.DataDirOption;
import dev.bazaar.launcher.cli.Table;
import dev.bazaar.launcher.messages.BrokerLocator;
import dev.bazaar.launcher.messages.ParkedMessage;
import dev.bazaar.launcher.messages.ParkedMessages;
import dev.bazaar.launcher.messages.ParkedQueues;
import dev.bazaar.launcher.state.LauncherState;
import dev.bazaar.launcher.state.StateFile;
import dev.bazaar.launcher.supervise.ProcessTable;
import dev.bazaar.launcher.supervise.StaleState;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bazaar messages parked|replay}: the poison messages the consumers parked. */
@Command(
    name = "messages",
    mixinStandardHelpOptions = true,
    description = "Parked (poison) messages: list them, replay one.",
    subcommands = {MessagesCommand.Parked.class, MessagesCommand.Replay.class})
final class MessagesCommand implements Runnable {

  static final int FAILED = 1;
  static final int ERROR_WIDTH = 60;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "Missing subcommand: parked or replay");
  }

  /** A subcommand that talks to the broker: shared options, output flushed when it ends. */
  abstract static class BrokerCommand extends PrintingCommand {
    @Mixin Broker broker;
  }

  /** Options both subcommands share. */
  static final class Broker {
    @Mixin DataDirOption dataDir;

    @Option(
        names = "--amqp-url",
        paramLabel = "URL",
        description =
            "Broker to read (default: $BAZAAR_AMQP_URL, else the embedded broker of the running"
                + " system).")
    String amqpUrl;

    @Option(
        names = "--queue",
        paramLabel = "QUEUE",
        description =
            "Consumer queue whose <QUEUE>.parked to look at (repeatable; default: every known"
                + " queue: notifications.events, catalog.commands, payments.commands,"
                + " orders.replies).")
    List<String> queues;

    List<String> queues() {
      return queues == null || queues.isEmpty() ? ParkedQueues.KNOWN : List.copyOf(queues);
    }

    String url() throws BrokerLocator.NoBroker {
      Optional<LauncherState> state = new StateFile(dataDir.resolve()).read();
      Optional<LauncherState> running =
          state.filter(s -> new StaleState(ProcessTable.os()).launcherAlive(s));
      return BrokerLocator.locate(amqpUrl, System.getenv(BrokerLocator.ENV), running);
    }
  }

  /** Opens the connection or explains why not; null after printing the reason. */
  static Connection connect(Broker broker, PrintWriter err) {
    String url;
    try {
      url = broker.url();
    } catch (BrokerLocator.NoBroker e) {
      err.println("error: " + e.getMessage());
      return null;
    }
    ConnectionFactory f = new ConnectionFactory();
    try {
      f.setUri(url);
    } catch (Exception e) {
      err.println("error: " + BrokerLocator.redact(url) + " is not a valid AMQP URL");
      return null;
    }
    f.setAutomaticRecoveryEnabled(false);
    f.setConnectionTimeout(5_000);
    try {
      return f.newConnection("bazaar-messages");
    } catch (Exception e) {
      err.println(
          "error: cannot reach the broker at "
              + BrokerLocator.redact(url)
              + ": "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
              + " (is Bazaar running? ./bazaar status)");
      return null;
    }
  }

  @Command(
      name = "parked",
      mixinStandardHelpOptions = true,
      description =
          "List parked messages: id, type, queue, attempts, parked at, error. Nothing is removed.")
  static final class Parked extends BrokerCommand {

    @Option(names = "--json", description = "Print a JSON array (full error texts).")
    boolean json;

    @Override
    int run(PrintWriter out, PrintWriter err) {
      try (Connection c = connect(broker, err)) {
        if (c == null) {
          return FAILED;
        }
        List<ParkedMessage> parked = new ParkedMessages(c).list(broker.queues());
        if (json) {
          out.println(StateFile.toJson(parked));
        } else if (parked.isEmpty()) {
          out.println("no parked messages on " + String.join(", ", parkedNames(broker.queues())));
        } else {
          out.print(table(parked));
          out.println(
              parked.size()
                  + " parked message(s); ./bazaar messages replay <id> sends one back to its"
                  + " queue");
        }
        return 0;
      } catch (Exception e) {
        err.println("error: reading parked messages failed: " + e.getMessage());
        return FAILED;
      }
    }
  }

  @Command(
      name = "replay",
      mixinStandardHelpOptions = true,
      description =
          "Send a parked message back to the queue it was parked from, with its attempt count"
              + " reset; the parked copy is removed once the broker confirmed the new one.")
  static final class Replay extends BrokerCommand {

    @Parameters(paramLabel = "ID", description = "The message id, as `messages parked` shows it.")
    String id;

    @Override
    int run(PrintWriter out, PrintWriter err) {
      try (Connection c = connect(broker, err)) {
        if (c == null) {
          return FAILED;
        }
        ParkedMessages.Replayed r = new ParkedMessages(c).replay(id.strip(), broker.queues());
        out.println(
            "replayed "
                + r.type()
                + " "
                + r.id()
                + " to "
                + r.queue()
                + (r.copies() > 1 ? " (removed " + r.copies() + " parked copies)" : ""));
        return 0;
      } catch (ParkedMessages.NotReplayable e) {
        err.println("error: " + e.getMessage());
        return FAILED;
      } catch (Exception e) {
        err.println("error: replaying " + id + " failed: " + e.getMessage());
        return FAILED;
      }
    }
  }

  static List<String> parkedNames(List<String> queues) {
    return queues.stream().map(ParkedQueues::parked).toList();
  }

  static String table(List<ParkedMessage> parked) {
    List<List<String>> rows = new ArrayList<>();
    for (ParkedMessage m : parked) {
      rows.add(
          List.of(
              dash(m.id()),
              dash(m.type()),
              m.queue(),
              Integer.toString(m.attempts()),
              dash(m.parkedAt()),
              truncate(m.error() == null ? "-" : m.error().replaceAll("\\s+", " "))));
    }
    return Table.render(List.of("id", "type", "queue", "attempts", "parked at", "error"), rows);
  }

  static String truncate(String s) {
    return s.length() <= ERROR_WIDTH ? s : s.substring(0, ERROR_WIDTH - 3) + "...";
  }

  private static String dash(String s) {
    return s == null || s.isBlank() ? "-" : s;
  }
}
