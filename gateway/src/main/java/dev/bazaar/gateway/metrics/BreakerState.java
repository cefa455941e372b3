package dev.bazaar.gateway.metrics;

/** Circuit-breaker states as the {@code bazaar_gateway_breaker_state} gauge reports them. */
public enum BreakerState {
  CLOSED(0),
  HALF_OPEN(1),
  OPEN(2);

  private final int gaugeValue;

  BreakerState(int gaugeValue) {
    this.gaugeValue = gaugeValue;
  }

  /** 0 closed, 1 half-open, 2 open. */
  public int gaugeValue() {
    return gaugeValue;
  }
}
