package dev.bazaar.chaos.harness;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bazaar.chaos.check.Op;
import dev.bazaar.chaos.check.Verdict;
import dev.bazaar.chaos.check.Violation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The run's report: {@code report.md} (human), {@code result.json} (machine), {@code timeline.svg}
 * (throughput and time-to-final over time, faults shaded) and {@code history.jsonl}.
 */
final class Report {

  /** What one run measured, besides the checker's verdict. */
  record Run(
      String infra,
      long seed,
      int orders,
      int clients,
      long faultsStopMillis,
      long checkedAtMillis,
      String settled,
      List<Faults.Fault> faults,
      List<String> missingFaultKinds,
      List<Op> history,
      Map<String, Map<String, List<String>>> details) {}

  /** Time-to-final of one order: first invoke of its key to the client seeing it final. */
  record Latency(String orderId, long finalMillis, long millis) {}

  static List<Latency> latencies(List<Op> history) {
    Map<String, Long> firstInvoke = new HashMap<>();
    List<Latency> out = new ArrayList<>();
    for (Op op : history) {
      if (op.f().equals("place") && op.type().equals("invoke")) {
        firstInvoke.putIfAbsent(op.key(), op.atMillis());
      } else if (op.f().equals("final")) {
        Long start = firstInvoke.get(op.key());
        if (start != null) {
          out.add(new Latency(op.orderId(), op.atMillis(), op.atMillis() - start));
        }
      }
    }
    return out;
  }

  /**
   * Per fault: how long after it ended the first order that was begun after it started became
   * final; -1 when none did.
   */
  static Map<Faults.Fault, Long> recovery(List<Faults.Fault> faults, List<Op> history) {
    Map<String, Long> firstInvoke = new HashMap<>();
    List<long[]> finals = new ArrayList<>(); // {invokeMillis, finalMillis}
    for (Op op : history) {
      if (op.f().equals("place") && op.type().equals("invoke")) {
        firstInvoke.putIfAbsent(op.key(), op.atMillis());
      } else if (op.f().equals("final") && firstInvoke.containsKey(op.key())) {
        finals.add(new long[] {firstInvoke.get(op.key()), op.atMillis()});
      }
    }
    Map<Faults.Fault, Long> out = new LinkedHashMap<>();
    for (Faults.Fault f : faults) {
      long best = -1;
      for (long[] x : finals) {
        if (x[0] >= f.startMillis() && x[1] >= f.endMillis()) {
          long r = x[1] - f.endMillis();
          if (best < 0 || r < best) {
            best = r;
          }
        }
      }
      out.put(f, best);
    }
    return out;
  }

  static void write(Path out, Run run, Verdict verdict) throws IOException {
    Files.createDirectories(out);
    List<Latency> lat = latencies(run.history());
    Map<Faults.Fault, Long> rec = recovery(run.faults(), run.history());
    long end = Math.max(run.checkedAtMillis(), 1);
    // history.jsonl
    StringBuilder h = new StringBuilder();
    for (Op op : run.history()) {
      h.append(Http.JSON.writeValueAsString(op)).append('\n');
    }
    Files.writeString(out.resolve("history.jsonl"), h);
    // result.json
    ObjectNode json = Http.JSON.createObjectNode();
    json.put("infra", run.infra());
    json.put("seed", run.seed());
    json.put("orders", run.orders());
    json.put("clients", run.clients());
    json.put("valid", verdict.valid() && run.missingFaultKinds().isEmpty());
    json.put("faultsStoppedAtMillis", run.faultsStopMillis());
    json.put("checkedAtMillis", run.checkedAtMillis());
    json.put("settled", run.settled());
    ObjectNode counts = json.putObject("invariants");
    verdict.counts().forEach((k, c) -> counts.set(k, Http.JSON.valueToTree(c)));
    json.set("violations", Http.JSON.valueToTree(verdict.violations()));
    json.set("details", Http.JSON.valueToTree(run.details()));
    ArrayNode faults = json.putArray("faults");
    rec.forEach(
        (f, r) -> {
          ObjectNode n = Http.JSON.valueToTree(f);
          n.put("recoveryMillis", r);
          faults.add(n);
        });
    json.set("missingFaultKinds", Http.JSON.valueToTree(run.missingFaultKinds()));
    json.set("recoveryByKind", Http.JSON.valueToTree(recoveryByKind(rec)));
    ObjectNode perf = json.putObject("performance");
    long finals = lat.size();
    perf.put("finalOrders", finals);
    perf.put("ordersPerSecond", finals * 1000.0 / Math.max(1, run.faultsStopMillis()));
    perf.put("timeToFinalP50Millis", percentile(lat, 0.50));
    perf.put("timeToFinalP99Millis", percentile(lat, 0.99));
    perf.put("timeToFinalMaxMillis", percentile(lat, 1.0));
    Files.writeString(
        out.resolve("result.json"),
        Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
    Files.writeString(out.resolve("timeline.svg"), svg(run, lat, end));
    Files.writeString(out.resolve("report.md"), markdown(run, verdict, lat, rec, perf));
  }

  static Map<String, Map<String, Object>> recoveryByKind(Map<Faults.Fault, Long> rec) {
    Map<String, List<Long>> by = new TreeMap<>();
    rec.forEach((f, r) -> by.computeIfAbsent(f.kind(), k -> new ArrayList<>()).add(r));
    Map<String, Map<String, Object>> out = new TreeMap<>();
    by.forEach(
        (k, rs) -> {
          List<Long> ok = rs.stream().filter(x -> x >= 0).sorted().toList();
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("faults", rs.size());
          m.put("recoveredMedianMillis", ok.isEmpty() ? null : ok.get(ok.size() / 2));
          m.put("recoveredMaxMillis", ok.isEmpty() ? null : ok.get(ok.size() - 1));
          m.put("noOrderAfter", rs.size() - ok.size());
          out.put(k, m);
        });
    return out;
  }

  static long percentile(List<Latency> lat, double p) {
    if (lat.isEmpty()) {
      return 0;
    }
    List<Long> sorted = lat.stream().map(Latency::millis).sorted().toList();
    return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * (sorted.size() - 1) + 0.5)));
  }

  private static String markdown(
      Run run, Verdict v, List<Latency> lat, Map<Faults.Fault, Long> rec, ObjectNode perf) {
    StringBuilder md = new StringBuilder();
    boolean valid = v.valid() && run.missingFaultKinds().isEmpty();
    md.append("# Chaos run: ").append(valid ? "valid" : "INVALID").append("\n\n");
    md.append("| | |\n|---|---|\n");
    md.append("| infrastructure | ").append(run.infra()).append(" |\n");
    md.append("| seed | ").append(run.seed()).append(" |\n");
    md.append("| orders (requested / acknowledged / seen final by clients) | ")
        .append(run.orders())
        .append(" / ")
        .append(run.history().stream().filter(o -> o.f().equals("place") && o.isOk()).count())
        .append(" / ")
        .append(lat.size())
        .append(" |\n");
    md.append("| clients | ").append(run.clients()).append(" |\n");
    md.append("| faults | ")
        .append(run.faults().size())
        .append(", stopped at ")
        .append(sec(run.faultsStopMillis()))
        .append(" |\n");
    md.append("| checked at | ")
        .append(sec(run.checkedAtMillis()))
        .append(" (")
        .append(run.settled())
        .append(") |\n");
    md.append("| throughput while faulted | ")
        .append(String.format(Locale.ROOT, "%.1f", perf.get("ordersPerSecond").asDouble()))
        .append(" orders/s |\n");
    md.append("| time to final p50 / p99 / max | ")
        .append(sec(perf.get("timeToFinalP50Millis").asLong()))
        .append(" / ")
        .append(sec(perf.get("timeToFinalP99Millis").asLong()))
        .append(" / ")
        .append(sec(perf.get("timeToFinalMaxMillis").asLong()))
        .append(" |\n\n");
    if (!run.missingFaultKinds().isEmpty()) {
      md.append("**Fault kinds the schedule did not get to apply:** ")
          .append(run.missingFaultKinds())
          .append("\n\n");
    }
    md.append(
        "## Invariants\n\n| invariant | ok | lost | duplicated | unexpected | stuck |\n|---|---:|---:|---:|---:|---:|\n");
    v.counts()
        .forEach(
            (k, c) ->
                md.append("| ")
                    .append(k)
                    .append(" | ")
                    .append(c.ok())
                    .append(" | ")
                    .append(c.lost())
                    .append(" | ")
                    .append(c.duplicated())
                    .append(" | ")
                    .append(c.unexpected())
                    .append(" | ")
                    .append(c.stuck())
                    .append(" |\n"));
    md.append("\n![throughput and time to final](timeline.svg)\n\n");
    md.append(
        "## Recovery per fault kind\n\nTime from the end of a fault until the first order begun after its start was final.\n\n");
    md.append("| fault | count | median | max | none completed |\n|---|---:|---:|---:|---:|\n");
    recoveryByKind(rec)
        .forEach(
            (k, m) ->
                md.append("| ")
                    .append(k)
                    .append(" | ")
                    .append(m.get("faults"))
                    .append(" | ")
                    .append(
                        m.get("recoveredMedianMillis") == null
                            ? "-"
                            : sec((Long) m.get("recoveredMedianMillis")))
                    .append(" | ")
                    .append(
                        m.get("recoveredMaxMillis") == null
                            ? "-"
                            : sec((Long) m.get("recoveredMaxMillis")))
                    .append(" | ")
                    .append(m.get("noOrderAfter"))
                    .append(" |\n"));
    md.append(
        "\n## Fault timeline\n\n| start | end | fault | target | note | recovery |\n|---:|---:|---|---|---|---:|\n");
    rec.forEach(
        (f, r) ->
            md.append("| ")
                .append(sec(f.startMillis()))
                .append(" | ")
                .append(sec(f.endMillis()))
                .append(" | ")
                .append(f.kind())
                .append(" | ")
                .append(f.target())
                .append(" | ")
                .append(f.note())
                .append(" | ")
                .append(r < 0 ? "-" : sec(r))
                .append(" |\n"));
    md.append("\n## Violations\n\n");
    if (v.violations().isEmpty()) {
      md.append("None.\n");
    }
    int shown = 0;
    for (Violation x : v.violations()) {
      md.append("### ")
          .append(x.invariant())
          .append(" ")
          .append(x.outcome().name().toLowerCase(Locale.ROOT))
          .append(": ")
          .append(x.subject())
          .append("\n\n");
      md.append(x.message()).append("\n\n");
      if (x.orderId() != null && shown++ < 50) {
        md.append("History of the order:\n\n```\n");
        String key = null;
        for (Op op : run.history()) {
          if (x.orderId().equals(op.orderId()) && op.key() != null) {
            key = op.key();
          }
        }
        for (Op op : run.history()) {
          if (x.orderId().equals(op.orderId()) || (key != null && key.equals(op.key()))) {
            md.append(
                String.format(
                    Locale.ROOT,
                    "%9s %-4s %-6s %-6s %3d %s %s%n",
                    sec(op.atMillis()),
                    op.client(),
                    op.f(),
                    op.type(),
                    op.status(),
                    op.orderId() == null ? "-" : op.orderId(),
                    op.note() == null ? "" : op.note()));
          }
        }
        Map<String, List<String>> d = run.details().getOrDefault(x.orderId(), Map.of());
        md.append("```\n\nEvents:\n\n```\n")
            .append(String.join("\n", d.getOrDefault("events", List.of())))
            .append("\n```\n\nMessages (outboxes):\n\n```\n")
            .append(String.join("\n", d.getOrDefault("messages", List.of())))
            .append("\n```\n\n");
      }
    }
    return md.toString();
  }

  static String sec(long millis) {
    return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }

  private static String svg(Run run, List<Latency> lat, long endMillis) {
    int w = 1100;
    int h = 520;
    int left = 60;
    int right = 20;
    int plotW = w - left - right;
    int top1 = 30;
    int h1 = 190; // throughput
    int top2 = 270;
    int h2 = 190; // time to final
    double secs = endMillis / 1000.0;
    java.util.function.DoubleUnaryOperator x = t -> left + plotW * (t / secs);
    // throughput: finals per second, averaged over 5 s
    int buckets = (int) Math.ceil(secs) + 1;
    double[] per = new double[buckets];
    for (Latency l : lat) {
      per[(int) (l.finalMillis() / 1000)]++;
    }
    double[] smooth = new double[buckets];
    double maxT = 1;
    for (int i = 0; i < buckets; i++) {
      double s = 0;
      int n = 0;
      for (int j = Math.max(0, i - 2); j <= Math.min(buckets - 1, i + 2); j++) {
        s += per[j];
        n++;
      }
      smooth[i] = s / n;
      maxT = Math.max(maxT, smooth[i]);
    }
    double maxL = 1;
    for (Latency l : lat) {
      maxL = Math.max(maxL, l.millis() / 1000.0);
    }
    StringBuilder s = new StringBuilder();
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(w)
        .append("\" height=\"")
        .append(h)
        .append(
            "\" font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    s.append("<text x=\"")
        .append(left)
        .append("\" y=\"18\" font-size=\"13\">")
        .append(esc(run.infra() + ", seed " + run.seed()))
        .append(": orders final per second (5 s average); faults shaded</text>\n");
    s.append("<text x=\"")
        .append(left)
        .append("\" y=\"")
        .append(top2 - 12)
        .append(
            "\" font-size=\"13\">time to final per order (s), at the moment it was seen final</text>\n");
    String[] colors = {
      "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#46f0f0", "#f032e6", "#9a6324",
      "#808000", "#000075"
    };
    Map<String, String> colorOf = new LinkedHashMap<>();
    for (Faults.Fault f : run.faults()) {
      String c =
          colorOf.computeIfAbsent(
              f.kind().split(" ")[0], k -> colors[colorOf.size() % colors.length]);
      double x0 = x.applyAsDouble(f.startMillis() / 1000.0);
      double x1 = Math.max(x0 + 2, x.applyAsDouble(f.endMillis() / 1000.0));
      for (int[] band : new int[][] {{top1, h1}, {top2, h2}}) {
        s.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" fill-opacity=\"0.25\"><title>%s</title></rect>%n",
                x0,
                band[0],
                x1 - x0,
                band[1],
                c,
                esc(sec(f.startMillis()) + " " + f.kind() + " " + f.target() + " " + f.note())));
      }
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" font-size=\"9\" transform=\"rotate(-90 %.1f %d)\" fill=\"%s\">%s</text>%n",
              x0 + 8,
              top1 + h1 - 4,
              x0 + 8,
              top1 + h1 - 4,
              c,
              esc(f.kind())));
    }
    long stop = run.faultsStopMillis();
    s.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"black\" stroke-dasharray=\"4 3\"/>%n",
            x.applyAsDouble(stop / 1000.0),
            x.applyAsDouble(stop / 1000.0),
            top1,
            top2 + h2));
    for (int[] band : new int[][] {{top1, h1}, {top2, h2}}) {
      s.append(
          String.format(
              "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n",
              left, band[0], plotW, band[1]));
    }
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < buckets; i++) {
      path.append(i == 0 ? "M" : "L")
          .append(
              String.format(
                  Locale.ROOT,
                  "%.1f,%.1f ",
                  x.applyAsDouble(i),
                  top1 + h1 - h1 * smooth[i] / maxT));
    }
    s.append("<path d=\"")
        .append(path)
        .append("\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\"/>\n");
    for (Latency l : lat) {
      s.append(
          String.format(
              Locale.ROOT,
              "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.5\" fill=\"#333\" fill-opacity=\"0.5\"/>%n",
              x.applyAsDouble(l.finalMillis() / 1000.0),
              top2 + h2 - h2 * (l.millis() / 1000.0) / maxL));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"4\" y=\"%d\">%.1f/s</text><text x=\"4\" y=\"%d\">0</text>%n",
            top1 + 10,
            maxT,
            top1 + h1));
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"4\" y=\"%d\">%.1f s</text><text x=\"4\" y=\"%d\">0</text>%n",
            top2 + 10,
            maxL,
            top2 + h2));
    for (int t = 0; t <= secs; t += Math.max(1, (int) (secs / 10))) {
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d s</text>%n",
              x.applyAsDouble(t),
              top2 + h2 + 14,
              t));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%.1f\" y=\"%d\">faults stop</text>%n",
            x.applyAsDouble(stop / 1000.0) + 3,
            top2 + h2 + 28));
    s.append("</svg>\n");
    return s.toString();
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
