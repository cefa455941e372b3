package dev.bazaar.users.api;

import dev.bazaar.users.tokens.SigningKeys;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Signing-key rotation for administrators (the gateway admits only the admin role here, too). */
@Path("/api/v1/admin/keys")
@Produces(MediaType.APPLICATION_JSON)
public class AdminKeysResource {

  /**
   * The key that signs from {@code signsFrom} on, the keys that stop signing then (still
   * verifying), and the key published for the next rotation.
   */
  public record RotationView(
      @Schema(description = "The key that signs from signsFrom on; already in the JWKS") String kid,
      @Schema(
              description =
                  "When kid starts signing: now, unless it has been in the JWKS for less than the"
                      + " pre-publication time (2 min), then when it will have been")
          Instant signsFrom,
      @Schema(
              description =
                  "Keys that stop signing at signsFrom; they verify until their tokens" + " expire")
          List<String> retired,
      @Schema(description = "The key published now for the next rotation; it does not sign")
          String next) {}

  @Inject SigningKeys keys;

  /**
   * Rotates the signing key: the key published ahead for it (so every verifier already holds it)
   * signs from {@code signsFrom}; the previous one stays in the JWKS until the tokens it signed
   * have expired, then it is deleted; a new key is published for the next rotation.
   */
  @POST
  @Path("/rotate")
  @Operation(
      operationId = "rotateSigningKey",
      summary = "Switch to the pre-published signing key; the current one retires (admin)",
      description =
          "The key that signs next has been in the JWKS since the previous rotation (or the"
              + " start), so every verifier holds it before its first token. It signs at once when"
              + " it has been published for bazaar.users.keys.pre-publication (2 min), else from"
              + " the moment it will have been (signsFrom); the current key signs until then and"
              + " verifies its tokens until they expire. A new key is published for the next"
              + " rotation.")
  @RolesAllowed("admin")
  public RotationView rotate() {
    SigningKeys.Rotation rotation = keys.rotate();
    return new RotationView(
        rotation.kid(), rotation.signsFrom(), rotation.retired(), rotation.next());
  }
}
