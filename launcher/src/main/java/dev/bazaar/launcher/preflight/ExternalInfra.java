package dev.bazaar.launcher.preflight;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.ShutdownSignalException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

/**
 * Tries the external PostgreSQL and AMQP broker that {@code BAZAAR_PG_URL} and {@code
 * BAZAAR_AMQP_URL} name before anything starts, so that a wrong host, port, password, database or
 * virtual host stops {@code up} within seconds with one line naming the cause and the variable
 * (secrets redacted), instead of services that wait for a broker that will never let them in.
 */
public final class ExternalInfra {
  private ExternalInfra() {}

  /**
   * Checks whichever of the two URLs is set (null: embedded, nothing to check), both at once.
   *
   * @return the first refusal as one line, PostgreSQL's first
   */
  public static Optional<String> check(
      String pgVariable, String pgUrl, String amqpVariable, String amqpUrl, Duration timeout) {
    var pg =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () ->
                pgUrl == null
                    ? Optional.<String>empty()
                    : checkPostgres(pgVariable, pgUrl, timeout));
    Optional<String> amqp =
        amqpUrl == null ? Optional.empty() : checkAmqp(amqpVariable, amqpUrl, timeout);
    Optional<String> pgResult = pg.join();
    return pgResult.isPresent() ? pgResult : amqp;
  }

  /**
   * Empty when the broker accepts the URL's user into its virtual host, else the one-line cause.
   */
  public static Optional<String> checkAmqp(String variable, String url, Duration timeout) {
    String shown = "$" + variable + " (" + Redact.url(url) + ")";
    ConnectionFactory factory = new ConnectionFactory();
    try {
      factory.setUri(url);
    } catch (Exception e) {
      return Optional.of(
          shown
              + " is not an AMQP URI (amqp://user:password@host:port/vhost): "
              + Redact.text(e.getMessage(), url));
    }
    String vhost = factory.getVirtualHost();
    String where = factory.getHost() + ":" + factory.getPort();
    factory.setConnectionTimeout((int) timeout.toMillis());
    factory.setHandshakeTimeout((int) timeout.toMillis());
    factory.setShutdownTimeout(0);
    factory.setAutomaticRecoveryEnabled(false);
    // The reason comes back as the exception below; the client's own warning would be a second,
    // vaguer line ("Socket closed").
    factory.setExceptionHandler(
        new com.rabbitmq.client.impl.DefaultExceptionHandler() {
          @Override
          public void handleUnexpectedConnectionDriverException(
              Connection conn, Throwable exception) {}
        });
    try (Connection c = factory.newConnection("bazaar-launcher-check")) {
      return Optional.empty();
    } catch (PossibleAuthenticationFailureException e) {
      return Optional.of(
          shown
              + ": the broker at "
              + where
              + " refused user '"
              + factory.getUsername()
              + "' (wrong user name or password)");
    } catch (Exception e) {
      String reason = shutdownReason(e);
      if (reason != null && reason.contains("vhost") && reason.contains("not found")) {
        return Optional.of(
            shown
                + ": the broker at "
                + where
                + " has no virtual host '"
                + vhost
                + "'"
                + (vhost.isEmpty()
                    ? " (a URL ending in '/' names the empty one; RabbitMQ's default '/' is"
                        + " written %2F: amqp://user:password@host:5672/%2F)"
                    : "; create it (rabbitmqctl add_vhost " + vhost + ") or name another"));
      }
      if (reason != null && reason.contains("access to vhost")) {
        return Optional.of(
            shown
                + ": user '"
                + factory.getUsername()
                + "' may not use virtual host '"
                + vhost
                + "' (rabbitmqctl set_permissions -p "
                + (vhost.isEmpty() ? "''" : vhost)
                + " "
                + factory.getUsername()
                + " '.*' '.*' '.*')");
      }
      return Optional.of(shown + ": " + network(e, where, "an AMQP broker", reason));
    }
  }

  /** Empty when the admin URL logs in, else the one-line cause. */
  public static Optional<String> checkPostgres(String variable, String url, Duration timeout) {
    String shown = "$" + variable + " (" + Redact.url(url) + ")";
    if (!url.startsWith("jdbc:postgresql://")) {
      return Optional.of(
          shown
              + " must start with jdbc:postgresql:// (e.g. jdbc:postgresql://host:5432/postgres)");
    }
    Properties props = new Properties();
    long seconds = Math.max(1, timeout.toSeconds());
    props.setProperty("connectTimeout", Long.toString(seconds));
    props.setProperty("loginTimeout", Long.toString(seconds));
    props.setProperty("socketTimeout", Long.toString(seconds));
    try (var c = DriverManager.getConnection(url, props)) {
      return Optional.empty();
    } catch (SQLException e) {
      String state = e.getSQLState() == null ? "" : e.getSQLState();
      String server = Redact.text(e.getMessage(), url);
      return Optional.of(
          shown
              + ": "
              + switch (state) {
                case "28P01" -> "wrong password (" + server + ")";
                case "28000" -> "login refused (" + server + ")";
                case "3D000" ->
                    "the database does not exist ("
                        + server
                        + "); name an existing one, e.g. /postgres";
                case "42501" -> "permission denied (" + server + ")";
                default -> network(e, hostPort(url), "PostgreSQL", server);
              });
    }
  }

  private static String shutdownReason(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ShutdownSignalException s) {
        return s.getReason() == null ? s.getMessage() : s.getReason().toString();
      }
      String m = t.getMessage();
      if (m != null && (m.contains("NOT_ALLOWED") || m.contains("vhost"))) {
        return m;
      }
    }
    return null;
  }

  private static String network(Throwable e, String where, String what, String fallback) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return "nothing accepts connections at " + where + " (is " + what + " running there?)";
      }
      if (t instanceof UnknownHostException) {
        return "unknown host " + t.getMessage();
      }
      if (t instanceof SocketTimeoutException || t instanceof NoRouteToHostException) {
        return "no answer from " + where + " (" + t.getClass().getSimpleName() + ")";
      }
    }
    String m = fallback != null ? fallback : e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
  }

  private static String hostPort(String jdbcUrl) {
    String rest = jdbcUrl.substring("jdbc:postgresql://".length());
    int end = rest.length();
    for (char c : new char[] {'/', '?'}) {
      int i = rest.indexOf(c);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    String hp = rest.substring(0, end);
    return hp.contains(":") ? hp : hp + ":5432";
  }

  /** Hides passwords in URLs and in messages that may repeat them. */
  static final class Redact {
    private Redact() {}

    static String url(String url) {
      if (url == null) {
        return null;
      }
      return url.replaceAll("//([^:/@?]+):[^@/?]*@", "//$1:***@")
          .replaceAll("(?i)([?&]password=)[^&]*", "$1***");
    }

    /** {@code message} with the URL's password, raw or decoded, replaced by {@code ***}. */
    static String text(String message, String url) {
      if (message == null) {
        return "";
      }
      String out = message.lines().findFirst().orElse(message);
      for (String secret : secrets(url)) {
        if (!secret.isEmpty()) {
          out = out.replace(secret, "***");
        }
      }
      return url(out);
    }

    private static java.util.List<String> secrets(String url) {
      java.util.List<String> found = new java.util.ArrayList<>();
      var m = java.util.regex.Pattern.compile("//[^:/@?]+:([^@/?]*)@").matcher(url);
      if (m.find()) {
        found.add(m.group(1));
        found.add(URLDecoder.decode(m.group(1), StandardCharsets.UTF_8));
      }
      var p = java.util.regex.Pattern.compile("(?i)[?&]password=([^&]*)").matcher(url);
      while (p.find()) {
        found.add(p.group(1));
        found.add(URLDecoder.decode(p.group(1), StandardCharsets.UTF_8));
      }
      return found;
    }
  }
}
