package dev.bazaar.chassis.outbox;

import dev.bazaar.chassis.config.ChassisConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Every {@code bazaar.retention.every} (default 1h): deletes sent outbox rows older than {@code
 * bazaar.outbox.retention} and inbox keys older than {@code bazaar.inbox.retention}. Instances may
 * run it at the same time; the deletes do not conflict.
 */
@ApplicationScoped
public class RetentionJob {

  private static final Logger LOG = Logger.getLogger(RetentionJob.class);

  @Inject DataSource dataSource;
  @Inject ChassisConfig.Outbox outbox;
  @Inject ChassisConfig.Inbox inbox;

  private final Clock clock = Clock.systemUTC();

  @Scheduled(
      identity = "bazaar-retention",
      every = "${bazaar.retention.every:1h}",
      delayed = "${bazaar.retention.delay:1m}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void purge() {
    Duration inboxRetention = Retention.checkedInboxRetention(inbox.retention());
    long sent = Retention.purgeOutbox(dataSource, clock.instant().minus(outbox.retention()));
    long keys = Retention.purgeInbox(dataSource, clock.instant().minus(inboxRetention));
    if (sent + keys > 0) {
      LOG.infof("retention: deleted %d sent outbox rows and %d inbox keys", sent, keys);
    }
  }
}
