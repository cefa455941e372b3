package dev.bazaar.launcher.infra;

import java.util.ArrayList;
import java.util.List;

/** JDBC URL arithmetic for PostgreSQL. */
public final class PgUrls {
  private static final String PREFIX = "jdbc:postgresql://";

  private PgUrls() {}

  /**
   * The URL of {@code database} on the server of {@code adminUrl}, without the admin's user and
   * password parameters (each service logs in as its own role); other parameters (sslmode ...) are
   * kept.
   */
  public static String forDatabase(String adminUrl, String database) {
    if (!adminUrl.startsWith(PREFIX)) {
      throw new IllegalArgumentException(
          "BAZAAR_PG_URL must start with " + PREFIX + ", but was " + redact(adminUrl));
    }
    String rest = adminUrl.substring(PREFIX.length());
    String query = "";
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    int slash = rest.indexOf('/');
    String hosts = slash >= 0 ? rest.substring(0, slash) : rest;
    List<String> kept = new ArrayList<>();
    for (String param : query.split("&")) {
      String name = param.contains("=") ? param.substring(0, param.indexOf('=')) : param;
      if (!param.isEmpty() && !name.equals("user") && !name.equals("password")) {
        kept.add(param);
      }
    }
    return PREFIX + hosts + "/" + database + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
  }

  /**
   * {@code url} fit for a message or a log line: the value of every {@code password} parameter and
   * the password of a {@code user:password@} part are replaced by {@code ***}.
   */
  public static String redact(String url) {
    if (url == null) {
      return null;
    }
    return url.replaceAll("(?i)([?&;]password=)[^&;]*", "$1***")
        .replaceAll("//([^/:@?]+):[^@/?]*@", "//$1:***@");
  }
}
