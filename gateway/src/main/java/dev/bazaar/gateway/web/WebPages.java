package dev.bazaar.gateway.web;

import dev.bazaar.gateway.auth.Identity;
import dev.bazaar.gateway.auth.JwtVerifier;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Serves the storefront and the operations console: static HTML, CSS and JavaScript modules from
 * {@code bazaar-web/} on the class path (ADR 0011). Every page of the storefront is the same shell
 * ({@code index.html}), whose script renders the page for the path; the console's shell is only
 * sent to an admin's session. Files are read once and kept in memory with a strong ETag; every
 * answer carries the security headers of {@link #SECURITY_HEADERS}.
 */
@Singleton
public class WebPages {

  /** The storefront's paths (client-side pages); anything else outside /api stays a 404. */
  static final Pattern STOREFRONT =
      Pattern.compile(
          "^/(|products(/[^/]+)?|cart|checkout|orders(/[^/]+)?|login|register|notifications"
              + "|admin/products(/[^/]+)?)$");

  static final Pattern CONSOLE = Pattern.compile("^/console(/.*)?$");
  static final Pattern ASSET = Pattern.compile("^/assets/([a-z][a-z0-9-]*\\.(js|css|svg|png))$");

  /**
   * Scripts and styles only from this origin (no inline code), the API and its event streams on
   * this origin, no framing, no plugins, no forms to elsewhere.
   */
  static final Map<String, String> SECURITY_HEADERS =
      Map.of(
          "Content-Security-Policy",
          "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
              + " connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
              + " frame-ancestors 'none'",
          "X-Content-Type-Options",
          "nosniff",
          "Referrer-Policy",
          "same-origin",
          "X-Frame-Options",
          "DENY",
          "Cross-Origin-Opener-Policy",
          "same-origin",
          "Permissions-Policy",
          "camera=(), microphone=(), geolocation=(), payment=()");

  private static final String ROOT = "bazaar-web/";

  private final WebConfig config;
  private final JwtVerifier verifier;
  private final Map<String, Asset> cache = new ConcurrentHashMap<>();

  record Asset(Buffer body, String etag, String contentType) {}

  public WebPages(WebConfig config, JwtVerifier verifier) {
    this.config = config;
    this.verifier = verifier;
  }

  void mount(@Observes Router router) {
    if (!config.enabled()) {
      return;
    }
    router
        .routeWithRegex("^/(?!api(/|$)|q(/|$)).*")
        .order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 2)
        .handler(this::handle);
  }

  void handle(RoutingContext context) {
    String path = context.normalizedPath();
    HttpMethod method = context.request().method();
    boolean read = method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);
    var asset = ASSET.matcher(path);
    if (asset.matches() && read) {
      send(context, asset.group(1));
    } else if (STOREFRONT.matcher(path).matches() && read) {
      send(context, "index.html");
    } else if (CONSOLE.matcher(path).matches() && read) {
      console(context);
    } else {
      context.next();
    }
  }

  /** The console's shell for an admin; a login for no session, a refusal for anyone else. */
  private void console(RoutingContext context) {
    String token = SessionCookies.read(context.request(), config.cookieName());
    if (token == null) {
      redirectToLogin(context);
      return;
    }
    Context vertx = Vertx.currentContext();
    verifier
        .verify(token)
        .whenComplete(
            (Identity identity, Throwable failure) ->
                vertx.runOnContext(
                    v -> {
                      if (failure != null) {
                        redirectToLogin(context);
                      } else if (!identity.roles().contains("admin")) {
                        HttpServerResponse response = context.response();
                        headers(response);
                        response
                            .setStatusCode(403)
                            .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
                            .end(FORBIDDEN_PAGE);
                      } else {
                        send(context, "console.html");
                      }
                    }));
  }

  private static void redirectToLogin(RoutingContext context) {
    HttpServerResponse response = context.response();
    headers(response);
    response.setStatusCode(303).putHeader(HttpHeaders.LOCATION, "/login?next=/console").end();
  }

  private void send(RoutingContext context, String file) {
    Asset asset = cache.computeIfAbsent(file, WebPages::load);
    if (asset == null) {
      // An unknown asset name: the gateway's 404 problem.
      context.next();
      return;
    }
    HttpServerResponse response = context.response();
    headers(response);
    response.putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
    response.putHeader(HttpHeaders.ETAG, asset.etag());
    if (asset.etag().equals(context.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
      response.setStatusCode(304).end();
      return;
    }
    response.putHeader(HttpHeaders.CONTENT_TYPE, asset.contentType());
    if (context.request().method().equals(HttpMethod.HEAD)) {
      response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(asset.body().length()));
      response.end();
    } else {
      response.end(asset.body());
    }
  }

  static void headers(HttpServerResponse response) {
    SECURITY_HEADERS.forEach(response::putHeader);
  }

  static Asset load(String file) {
    try (InputStream in = WebPages.class.getClassLoader().getResourceAsStream(ROOT + file)) {
      if (in == null) {
        return null;
      }
      byte[] bytes = in.readAllBytes();
      String etag =
          "\""
              + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 12)
              + "\"";
      return new Asset(Buffer.buffer(bytes), etag, contentType(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String contentType(String file) {
    if (file.endsWith(".html")) {
      return "text/html; charset=utf-8";
    }
    if (file.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    if (file.endsWith(".css")) {
      return "text/css; charset=utf-8";
    }
    if (file.endsWith(".svg")) {
      return "image/svg+xml";
    }
    return "image/png";
  }

  private static final Buffer FORBIDDEN_PAGE =
      Buffer.buffer(
          """
          <!doctype html>
          <html lang="en"><head><meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>Not allowed - Bazaar</title><link rel="stylesheet" href="/assets/app.css"></head>
          <body><main class="narrow"><h1>Not allowed</h1>
          <p role="alert">The operations console is for administrators. You are logged in as a
          customer.</p><p><a href="/">Back to the shop</a></p></main></body></html>
          """,
          StandardCharsets.UTF_8.name());
}
