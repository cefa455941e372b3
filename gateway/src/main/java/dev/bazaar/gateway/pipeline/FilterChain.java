package dev.bazaar.gateway.pipeline;

import java.util.List;
import java.util.function.Consumer;

/** Walks one exchange through the filters and hands it to the terminal step (the forwarder). */
public final class FilterChain {

  private final List<GatewayFilter> filters;
  private final Consumer<Exchange> terminal;
  private int next;

  public FilterChain(List<GatewayFilter> filters, Consumer<Exchange> terminal) {
    this.filters = filters;
    this.terminal = terminal;
  }

  /** Runs the next filter, or the terminal step once all filters have passed. */
  public void proceed(Exchange exchange) {
    if (exchange.isAnswered()) {
      return;
    }
    if (next < filters.size()) {
      filters.get(next++).filter(exchange, this);
    } else {
      terminal.accept(exchange);
    }
  }
}
