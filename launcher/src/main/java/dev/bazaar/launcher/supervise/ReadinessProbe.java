package dev.bazaar.launcher.supervise;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Tells whether a started child is ready to serve. */
@FunctionalInterface
public interface ReadinessProbe {
  /**
   * @param pid the child process being probed
   */
  boolean ready(long pid);

  HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  /** {@code GET url} answers 200. */
  static ReadinessProbe http(String url) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build();
    return pid -> {
      try {
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    };
  }

  /**
   * The file holds the child's pid: the child writes it once it is fully ready (the broker's AMQP
   * port accepts connections before its virtual host is up, so a TCP probe alone is too early).
   */
  static ReadinessProbe pidFile(Path file, int port) {
    ReadinessProbe tcp = tcp(port);
    return pid -> {
      try {
        return Files.readString(file).trim().equals(Long.toString(pid)) && tcp.ready(pid);
      } catch (IOException e) {
        return false;
      }
    };
  }

  /** A TCP connection to 127.0.0.1:port succeeds. */
  static ReadinessProbe tcp(int port) {
    return pid -> {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return true;
      } catch (IOException e) {
        return false;
      }
    };
  }
}
