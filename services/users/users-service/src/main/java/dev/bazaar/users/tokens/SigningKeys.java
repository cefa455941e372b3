package dev.bazaar.users.tokens;

import dev.bazaar.chassis.db.Tx;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;

/**
 * The RSA keys that sign access tokens. Generated on first start and kept in the users database, so
 * tokens stay valid across restarts and every instance signs with the same key; all keys are
 * published in the JWKS so that a rotated key's tokens verify until they expire.
 */
@ApplicationScoped
public class SigningKeys {

  @Inject DataSource dataSource;

  private volatile String kid;
  private volatile PrivateKey privateKey;
  private volatile String jwks;

  void onStart(@Observes StartupEvent event) {
    load();
  }

  synchronized void load() {
    Tx.run(
        dataSource,
        c -> {
          // Serialises first start of several instances: only one generates the key.
          try (PreparedStatement ps =
              c.prepareStatement("LOCK TABLE signing_keys IN EXCLUSIVE MODE")) {
            ps.execute();
          }
          if (!hasKey(c)) {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            KeyPair pair = g.generateKeyPair();
            String newKid = UUID.randomUUID().toString();
            RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) pair.getPublic());
            jwk.setKeyId(newKid);
            jwk.setAlgorithm("RS256");
            jwk.setUse("sig");
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO signing_keys (kid, private_key, public_jwk) VALUES (?, ?, ?::jsonb)")) {
              ps.setString(1, newKid);
              ps.setBytes(2, pair.getPrivate().getEncoded());
              ps.setString(3, jwk.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
              ps.executeUpdate();
            }
          }
          List<JsonWebKey> keys = new ArrayList<>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT kid, private_key, public_jwk::text FROM signing_keys ORDER BY created_at DESC");
              ResultSet rs = ps.executeQuery()) {
            boolean newest = true;
            while (rs.next()) {
              if (newest) {
                kid = rs.getString(1);
                privateKey =
                    KeyFactory.getInstance("RSA")
                        .generatePrivate(new PKCS8EncodedKeySpec(rs.getBytes(2)));
                newest = false;
              }
              keys.add(JsonWebKey.Factory.newJwk(rs.getString(3)));
            }
          }
          jwks = new JsonWebKeySet(keys).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
          return null;
        });
  }

  private static boolean hasKey(java.sql.Connection c) throws Exception {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM signing_keys LIMIT 1");
        ResultSet rs = ps.executeQuery()) {
      return rs.next();
    }
  }

  public String kid() {
    return kid;
  }

  public PrivateKey privateKey() {
    return privateKey;
  }

  /** The public keys as a JWKS document. */
  public String jwks() {
    return jwks;
  }
}
