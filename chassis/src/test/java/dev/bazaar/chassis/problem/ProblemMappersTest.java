package dev.bazaar.chassis.problem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bazaar.chassis.db.Tx;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * A database outage is the service being briefly unavailable, which clients retry (the chaos bench
 * found postmaster kills answered as 500 "Internal error"); every other SQL failure is a bug.
 */
class ProblemMappersTest {

  private final ProblemMappers mappers = new ProblemMappers();

  @Test
  void aLostOrRefusedDatabaseConnectionIsA503WithRetryAfter() {
    for (String state : new String[] {"08003", "08001", "08006", "57P01", "57P03", "53300"}) {
      Response r =
          mappers.dataAccess(
              new Tx.DataAccessException(new SQLException("connection trouble", state)), null);
      assertThat(r.getStatus()).as(state).isEqualTo(503);
      assertThat(r.getHeaderString("Retry-After")).as(state).isEqualTo("1");
      assertThat(((Problem) r.getEntity()).type()).isEqualTo(Problem.type("unavailable"));
    }
  }

  @Test
  void aPoolThatGaveUpWaitingForAConnectionIsA503() {
    Response r =
        mappers.dataAccess(
            new Tx.DataAccessException(new SQLException("Sorry, acquisition timeout!")), null);
    assertThat(r.getStatus()).isEqualTo(503);
  }

  @Test
  void anyOtherSqlFailureStaysAnInternalError() {
    Response r =
        mappers.dataAccess(
            new Tx.DataAccessException(new SQLException("duplicate key", "23505")), null);
    assertThat(r.getStatus()).isEqualTo(500);
    assertThat(r.getHeaderString("Retry-After")).isNull();
  }
}
