package dev.bazaar.chassis.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bazaar.chassis.problem.Problem;
import dev.bazaar.chassis.problem.ProblemException;
import dev.bazaar.chassis.problem.Validator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PageRequestTest {

  @Test
  void absentMeansTheFirstPageOfTheDefaultSize() {
    assertThat(PageRequest.parse(null, null)).isEqualTo(new PageRequest(0, 20));
    assertThat(PageRequest.parse(null, null, 50, 100).size()).isEqualTo(50);
  }

  @Test
  void theBoundariesAreAccepted() {
    assertThat(PageRequest.parse("0", "1")).isEqualTo(new PageRequest(0, 1));
    assertThat(PageRequest.parse("7", "100")).isEqualTo(new PageRequest(7, 100));
    assertThat(PageRequest.parse(String.valueOf(Integer.MAX_VALUE), "100").offset())
        .isEqualTo(Integer.MAX_VALUE * 100L);
  }

  @Test
  void justPastTheBoundariesIsAProblemNamingTheField() {
    assertThatThrownBy(() -> PageRequest.parse("-1", "20"))
        .isInstanceOf(ProblemException.class)
        .hasMessageContaining("page");
    for (String size : new String[] {"0", "101", "-1", "abc", "", " ", "1.5", "99999999999"}) {
      assertThatThrownBy(() -> PageRequest.parse("0", size))
          .isInstanceOf(ProblemException.class)
          .satisfies(
              e ->
                  assertThat(((ProblemException) e).errors())
                      .anyMatch(f -> f.field().equals("size")));
    }
  }

  @Test
  void anEmptyOrBlankPageIsAProblemNotTheFirstPage() {
    for (String page : new String[] {"", " "}) {
      assertThatThrownBy(() -> PageRequest.parse(page, null))
          .isInstanceOf(ProblemException.class)
          .satisfies(
              e ->
                  assertThat(((ProblemException) e).errors())
                      .extracting(Problem.FieldError::field)
                      .containsExactly("page"));
    }
  }

  @Test
  void aQueryIsReadByItsFirstValues() {
    assertThat(PageRequest.from(Map.of())).isEqualTo(new PageRequest(0, 20));
    assertThat(PageRequest.from(Map.of("page", List.of("2", "9"), "size", List.of("5"))))
        .isEqualTo(new PageRequest(2, 5));
    assertThat(PageRequest.first(Map.of("q", List.of()), "q")).isNull();
  }

  @Test
  void readRecordsEveryBadParameterBesideTheListsOwn() {
    Validator v = new Validator();
    v.require(false, "q", "q is too long");
    assertThat(PageRequest.read(v, Map.of("page", List.of("-1"), "size", List.of("abc")))).isNull();
    assertThat(v.errors())
        .extracting(Problem.FieldError::field)
        .containsExactly("q", "size", "page");

    Validator fine = new Validator();
    assertThat(PageRequest.read(fine, Map.of("size", List.of("100"))))
        .isEqualTo(new PageRequest(0, 100));
    assertThat(fine.errors()).isEmpty();
  }
}
