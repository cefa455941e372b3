package dev.bazaar.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Reads the claims of a token the service issued (its signature is checked by the service). */
final class Jwts {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Jwts() {}

  static List<String> groups(String token) {
    JsonNode claims = claims(token);
    List<String> groups = new ArrayList<>();
    claims.path("groups").forEach(g -> groups.add(g.asText()));
    return groups;
  }

  static JsonNode claims(String token) {
    String[] parts = token.split("\\.");
    try {
      return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
