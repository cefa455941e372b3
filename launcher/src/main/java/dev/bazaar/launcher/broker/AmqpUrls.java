package dev.bazaar.launcher.broker;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** AMQP URI arithmetic: the same broker and virtual host, logged in as another user. */
public final class AmqpUrls {
  private AmqpUrls() {}

  /** {@code url} with {@code user:password} instead of its own credentials. */
  public static String withUser(String url, String user, String password) {
    URI u = parse(url);
    String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
    return u.getScheme()
        + "://"
        + encode(user)
        + ":"
        + encode(password)
        + "@"
        + u.getHost()
        + (u.getPort() > 0 ? ":" + u.getPort() : "")
        + path;
  }

  /** The virtual host the URL names; RabbitMQ's default {@code /} when it names none. */
  public static String virtualHost(String url) {
    String path = parse(url).getRawPath();
    if (path == null || path.isEmpty() || path.equals("/")) {
      return "/";
    }
    return URLDecoder.decode(path.substring(1), StandardCharsets.UTF_8);
  }

  private static URI parse(String url) {
    try {
      URI u = new URI(url);
      if (u.getHost() == null) {
        throw new IllegalArgumentException("an AMQP URL needs a host");
      }
      return u;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a valid AMQP URL", e);
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
