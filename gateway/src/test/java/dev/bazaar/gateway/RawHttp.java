package dev.bazaar.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Sends raw bytes to the gateway and reads what comes back until it closes or goes quiet. */
public final class RawHttp {

  private static final java.util.regex.Pattern STATUS_LINE =
      java.util.regex.Pattern.compile("HTTP/1\\.1 \\d{3} [A-Za-z]");

  /** What came back: the bytes read, and whether the gateway closed the connection. */
  public record Exchange(String response, boolean closed) {

    public int status() {
      if (!response.startsWith("HTTP/1.1 ")) {
        return -1;
      }
      return Integer.parseInt(response.substring(9, 12));
    }

    /** How many responses (status lines) came back. */
    public int responses() {
      return (int) STATUS_LINE.matcher(response).results().count();
    }
  }

  private RawHttp() {}

  public static Exchange send(URI base, String request) throws IOException {
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(3_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream seen = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      boolean closed;
      try {
        int n;
        while ((n = in.read(buf)) >= 0) {
          seen.write(buf, 0, n);
        }
        closed = true;
      } catch (SocketTimeoutException e) {
        closed = false;
      } catch (java.net.SocketException e) {
        // A reset after the answer is a close as well.
        closed = true;
      }
      return new Exchange(seen.toString(StandardCharsets.ISO_8859_1), closed);
    }
  }
}
