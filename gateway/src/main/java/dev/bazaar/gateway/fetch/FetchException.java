package dev.bazaar.gateway.fetch;

import dev.bazaar.gateway.problem.Problem;

/** A buffered upstream call that got no usable response; carries the problem to answer with. */
public final class FetchException extends RuntimeException {

  private final transient Problem problem;

  public FetchException(Problem problem, Throwable cause) {
    super(problem.detail(), cause, false, false);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
