import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.MessageProperties;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One broker's cost per message in the pattern Bazaar's messaging uses: persistent messages
 * published with publisher confirms (a window of confirms in flight, as the outbox relay does) and
 * consumed with manual acks (prefetch, as the inbox consumer does). Prints one line: messages,
 * seconds, messages/s, broker CPU ms per message (from /proc/PID/stat of the broker process).
 *
 * <p>java -cp <amqp-client> BrokerLoad.java PUBLISH_URL CONSUME_URL EXCHANGE KEY QUEUE COUNT WINDOW
 * BROKER_PID [SIZE]
 */
public class BrokerLoad {
  public static void main(String[] a) throws Exception {
    String publishUrl = a[0], consumeUrl = a[1], exchange = a[2], key = a[3], queue = a[4];
    int count = Integer.parseInt(a[5]), window = Integer.parseInt(a[6]);
    long brokerPid = Long.parseLong(a[7]);
    int size = a.length > 8 ? Integer.parseInt(a[8]) : 600;
    byte[] body = "x".repeat(size).getBytes(StandardCharsets.UTF_8);

    ConnectionFactory pf = new ConnectionFactory();
    pf.setUri(publishUrl);
    ConnectionFactory cf = new ConnectionFactory();
    cf.setUri(consumeUrl);
    try (Connection pc = pf.newConnection("bench-publish");
        Connection cc = cf.newConnection("bench-consume")) {
      Channel cch = cc.createChannel();
      cch.exchangeDeclare(exchange, "topic", true);
      cch.queueDeclare(queue, true, false, false, null);
      cch.queueBind(queue, exchange, key);
      cch.basicQos(64);
      CountDownLatch received = new CountDownLatch(count);
      cch.basicConsume(
          queue,
          false,
          new DefaultConsumer(cch) {
            @Override
            public void handleDelivery(
                String tag, Envelope env, AMQP.BasicProperties p, byte[] b) throws java.io.IOException {
              getChannel().basicAck(env.getDeliveryTag(), false);
              received.countDown();
            }
          });

      Channel pch = pc.createChannel();
      pch.confirmSelect();
      Semaphore inFlight = new Semaphore(window);
      pch.addConfirmListener(
          (tag, multiple) -> inFlight.release(settle(tag, multiple)),
          (tag, multiple) -> {
            throw new IllegalStateException("broker nacked a message");
          });
      long cpu0 = cpuMillis(brokerPid);
      long t0 = System.nanoTime();
      for (int i = 0; i < count; i++) {
        inFlight.acquire();
        outstanding.add(pch.getNextPublishSeqNo());
        pch.basicPublish(exchange, key, true, MessageProperties.PERSISTENT_BASIC, body);
      }
      if (!received.await(10, TimeUnit.MINUTES)) {
        throw new IllegalStateException("not all messages arrived");
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      long cpu = cpuMillis(brokerPid) - cpu0;
      System.out.printf(
          "messages %d  seconds %.2f  msgs/s %.0f  broker-cpu-ms/msg %.3f%n",
          count, secs, count / secs, (double) cpu / count);
    }
  }

  /** Publish sequence numbers not confirmed yet. */
  static final java.util.concurrent.ConcurrentSkipListSet<Long> outstanding =
      new java.util.concurrent.ConcurrentSkipListSet<>();

  /** Removes what a confirm covers; how many it covered. */
  static int settle(long tag, boolean multiple) {
    if (!multiple) {
      return outstanding.remove(tag) ? 1 : 0;
    }
    java.util.NavigableSet<Long> done = outstanding.headSet(tag, true);
    int n = done.size();
    done.clear();
    return n;
  }

  /** utime + stime of a process, in ms (clock ticks of 10 ms). */
  static long cpuMillis(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
  }
}
