package dev.bazaar.gateway.protect;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The RFC 9112 framing rules the gateway holds every request head to, on top of what the decoder
 * already refuses. A request that breaks one is answered 400 and its connection closed before any
 * part of it is routed: with framing in doubt, the gateway and an upstream could disagree on where
 * the request ends, and the rest would be read as a second request (request smuggling).
 *
 * <p>Plain Java over Netty's decoded request, so that every rule is tested without a server.
 */
public final class FramingRules {

  /**
   * uri-host [ ":" port ] (RFC 3986): an IP literal or a reg-name. A comma is left out of the
   * reg-name's sub-delims: no real host name has one, and it is how duplicated fields are joined.
   */
  private static final Pattern HOST =
      Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._~!$&'()*+;=%-]+)(:[0-9]{1,5})?");

  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");

  private FramingRules() {}

  /**
   * Why {@code request} may not be forwarded, or {@code null} when its framing is unambiguous.
   * Rules (RFC 9112): exactly one {@code Host} (§3.2); {@code Transfer-Encoding} only in HTTP/1.1,
   * at most once, exactly {@code chunked}, and never with {@code Content-Length} (§6.1, §6.3);
   * {@code Content-Length} at most once and only digits (§6.3).
   */
  public static String violation(HttpRequest request) {
    List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
    if (hosts.isEmpty()) {
      return "The request has no Host header.";
    }
    if (hosts.size() > 1) {
      return "The request has more than one Host header.";
    }
    if (!HOST.matcher(hosts.get(0)).matches()) {
      return "The Host header is not a valid host.";
    }
    List<String> codings = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
    List<String> lengths = request.headers().getAll(HttpHeaderNames.CONTENT_LENGTH);
    if (!codings.isEmpty()) {
      if (!HttpVersion.HTTP_1_1.equals(request.protocolVersion())) {
        return "Transfer-Encoding is not allowed in " + request.protocolVersion() + ".";
      }
      if (codings.size() > 1
          || !"chunked".equals(codings.get(0).strip().toLowerCase(Locale.ROOT))) {
        return "The only transfer coding accepted is a single chunked.";
      }
      if (!lengths.isEmpty()) {
        return "Transfer-Encoding and Content-Length must not be sent together.";
      }
    }
    if (lengths.size() > 1) {
      return "The request has more than one Content-Length.";
    }
    if (lengths.size() == 1 && !DIGITS.matcher(lengths.get(0)).matches()) {
      return "Content-Length must be a decimal number.";
    }
    return null;
  }
}
