package dev.bazaar.launcher.broker;

import java.security.Principal;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import javax.security.auth.Subject;
import org.apache.qpid.server.SystemLauncherListener;
import org.apache.qpid.server.model.AbstractConfigurationChangeListener;
import org.apache.qpid.server.model.Binding;
import org.apache.qpid.server.model.Broker;
import org.apache.qpid.server.model.ConfiguredObject;
import org.apache.qpid.server.model.Exchange;
import org.apache.qpid.server.model.Queue;
import org.apache.qpid.server.model.SystemConfig;
import org.apache.qpid.server.model.VirtualHost;
import org.apache.qpid.server.model.VirtualHostNode;

/**
 * Enforces {@link BrokerAccess}'s bindings on the embedded broker. Qpid Broker-J evaluates the ACL
 * for publishing, consuming and creating queues, but over AMQP 0-9-1 it never consults {@code BIND
 * EXCHANGE} rules (a {@code queue.bind} goes straight to the exchange; measured with 10.1.0): a
 * service could bind its own queue to {@code bazaar.events} with {@code #} and read every event.
 *
 * <p>So the broker JVM watches every exchange: each change of its bindings is checked in the thread
 * that makes it, before the client gets its {@code bind-ok}, and a binding that the table does not
 * allow (queue, exchange, key) is deleted at once. Bindings that survived from before (or were made
 * before the virtual host was watched) are swept when the watch starts. The window between the
 * binding's creation and its removal is that one call; RabbitMQ refuses such a bind outright (topic
 * permissions, read).
 */
final class BindingGuard extends SystemLauncherListener.DefaultSystemLauncherListener {
  private final BiConsumer<String, String> log;
  private volatile SystemConfig<?> system;
  private volatile Subject systemSubject;

  /**
   * @param log called with (what was removed, why)
   */
  BindingGuard(BiConsumer<String, String> log) {
    this.log = log;
  }

  /** The broker's own identity: removing a binding is itself access-checked. */
  void runAs(Principal systemPrincipal) {
    systemSubject = new Subject(true, Set.of(systemPrincipal), Set.of(), Set.of());
  }

  @Override
  public void onContainerResolve(SystemConfig<?> systemConfig) {
    this.system = systemConfig;
  }

  /** Starts watching once the virtual host is up; true when it is. */
  boolean watch() {
    Optional<VirtualHost<?>> host = virtualHost();
    if (host.isEmpty()) {
      return false;
    }
    VirtualHost<?> vh = host.get();
    vh.addChangeListener(
        new AbstractConfigurationChangeListener() {
          @Override
          public void childAdded(ConfiguredObject<?> object, ConfiguredObject<?> child) {
            if (child instanceof Exchange<?> exchange) {
              guard(exchange);
            }
          }
        });
    for (Exchange<?> exchange : vh.getChildren(Exchange.class)) {
      guard(exchange);
    }
    return true;
  }

  /** The active virtual host, once there is one. */
  Optional<VirtualHost<?>> virtualHost() {
    SystemConfig<?> sc = system;
    if (sc == null) {
      return Optional.empty();
    }
    Broker<?> broker = sc.getContainer(Broker.class);
    if (broker == null) {
      return Optional.empty();
    }
    for (VirtualHostNode<?> node : broker.getVirtualHostNodes()) {
      VirtualHost<?> vh = node.getVirtualHost();
      if (vh != null && vh.getState() == org.apache.qpid.server.model.State.ACTIVE) {
        return Optional.of(vh);
      }
    }
    return Optional.empty();
  }

  private void guard(Exchange<?> exchange) {
    exchange.addChangeListener(
        new AbstractConfigurationChangeListener() {
          @Override
          public void attributeSet(
              ConfiguredObject<?> object, String name, Object oldValue, Object newValue) {
            if (Exchange.DURABLE_BINDINGS.equals(name)) {
              sweep(exchange);
            }
          }
        });
    sweep(exchange);
  }

  private void sweep(Exchange<?> exchange) {
    if (exchange.getName().isEmpty() || exchange.getName().startsWith("amq.")) {
      return;
    }
    Collection<Binding> bindings = List.copyOf(exchange.getBindings());
    for (Binding b : bindings) {
      if (!allowed(exchange.getName(), b.getDestination(), b.getBindingKey())) {
        Queue<?> queue = exchange.getParent().getChildByName(Queue.class, b.getDestination());
        if (queue != null
            && Subject.callAs(
                systemSubject, () -> exchange.deleteBinding(b.getBindingKey(), queue))) {
          log.accept(
              "binding of "
                  + b.getDestination()
                  + " to "
                  + exchange.getName()
                  + " with "
                  + b.getBindingKey(),
              "not in the broker access table");
        }
      }
    }
  }

  /** Whether the table lets the queue's owner bind it to {@code exchange} with {@code key}. */
  static boolean allowed(String exchange, String queue, String key) {
    for (BrokerAccess.User u : BrokerAccess.SERVICES) {
      if (u.ownQueues().contains(queue)) {
        // a parking queue is never bound
        return queue.equals(u.queue())
            && u.binds().getOrDefault(exchange, List.of()).stream()
                .anyMatch(pattern -> BrokerAccess.covers(pattern, key));
      }
    }
    // A queue outside the table: the ACL lets no service create one (tests' own users do).
    return true;
  }
}
