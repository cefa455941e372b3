package dev.bazaar.chassis.health;

import dev.bazaar.chassis.messaging.Messaging;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the broker connection is open and every consumer is subscribed; the database
 * check comes with the datasource.
 */
@Readiness
@ApplicationScoped
public class BrokerReadiness implements HealthCheck {

  @Inject Messaging messaging;

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("broker")
        .status(messaging.brokerConnected() && messaging.consumersSubscribed())
        .withData("connected", messaging.brokerConnected())
        .withData("consumersSubscribed", messaging.consumersSubscribed())
        .build();
  }
}
