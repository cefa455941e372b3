package dev.bazaar.gateway.fetch;

import dev.bazaar.gateway.problem.Problem;

/** A buffered upstream call that got no usable response; carries the problem to answer with. */
public final class FetchException extends RuntimeException {

  /** What went wrong, for the breaker, outlier ejection and the retry decision. */
  enum Kind {
    /** No connection could be had; nothing was sent. */
    CONNECT,
    /** The connection broke after the request was sent, before the response was complete. */
    RESET,
    /** No complete response within the time allowed (or the read timeout hit). */
    TIMEOUT,
    /** The gateway refused the answer (too large); says nothing about the upstream's health. */
    REFUSED,
    /** The circuit was open or no instance was there; the upstream was not called. */
    NOT_CALLED
  }

  private final transient Problem problem;
  private final Kind kind;

  public FetchException(Problem problem, Throwable cause) {
    this(problem, cause, Kind.RESET);
  }

  FetchException(Problem problem, Throwable cause, Kind kind) {
    super(problem.detail(), cause, false, false);
    this.problem = problem;
    this.kind = kind;
  }

  public Problem problem() {
    return problem;
  }

  Kind kind() {
    return kind;
  }
}
