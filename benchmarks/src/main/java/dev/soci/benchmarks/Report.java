package dev.soci.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Turns one JMH JSON result file (and the {@link MemoryCheck} output) into the table of issue
 * targets: our figure, the baseline measured in the same run, their ratio, the goal, pass/fail.
 *
 * <p>Only ratios are judged: absolute times depend on the machine and on whatever else it runs,
 * while both sides of a ratio were measured in the same run on the same input.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.soci.benchmarks.Report jmh.json [memcheck.txt]}.
 * Missing benchmarks (e.g. a filtered run) show as "not run" instead of failing.
 */
public final class Report {
  /** Benchmark key ("Class.method" or "Class.method[param=value,...]") to its result node. */
  private final Map<String, JsonNode> results = new HashMap<>();
  private final List<String[]> rows = new ArrayList<>();

  private Report() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: Report <jmh-result.json> [memcheck.txt]");
      System.exit(2);
    }
    Report r = new Report();
    r.load(Path.of(args[0]));
    Properties mem = null;
    if (args.length > 1 && Files.isRegularFile(Path.of(args[1]))) {
      mem = new Properties();
      try (Reader in = Files.newBufferedReader(Path.of(args[1]))) {
        mem.load(in);
      }
    }
    r.build(mem);
    r.print();
  }

  private void load(Path json) throws IOException {
    JsonNode root = new ObjectMapper().readTree(json.toFile());
    for (JsonNode b : root) {
      String name = b.get("benchmark").asText();
      name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
      TreeMap<String, String> params = new TreeMap<>();
      b.path("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
      results.put(name, b);
      if (!params.isEmpty()) {
        StringBuilder k = new StringBuilder(name).append('[');
        params.forEach((p, v) -> k.append(p).append('=').append(v).append(','));
        k.setLength(k.length() - 1);
        results.put(k.append(']').toString(), b);
      }
    }
  }

  private void build(Properties mem) {
    String n = "not run";
    // 1. Indexing: throughput ratio = baseline time / our time (same bytes in both).
    JsonNode base = results.get("IndexBenchmark.gzipInputStream");
    JsonNode build = results.get("IndexBenchmark.ztocBuild");
    JsonNode indexer = results.get("IndexBenchmark.layerIndexer");
    double mib = base != null ? Double.parseDouble(base.path("params").path("layerMiB").asText("0")) : 0;
    row("1 index: complete zTOC build vs GZIPInputStream (" + (int) mib
        + " MiB layer, decoder + 1 hashing thread)", build, base, mib, true, 0.90, "tput >= 0.90x");
    row("1 index: complete zTOC build, single-threaded (hashing inline)",
        results.get("IndexBenchmark.ztocBuildSingleThread"), base, mib, true, 0.90, "tput >= 0.90x");
    row("1 index: LayerIndexer (decode+hashes) vs GZIPInputStream", indexer, base, mib, true, Double.NaN, "info");
    row("1 index: pure decode, same layer, vs GZIPInputStream", results.get("IndexBenchmark.sociDecoder"), base, mib,
        true, Double.NaN, "info");
    JsonNode dBase = results.get("DecodeBenchmark.gzipInputStream");
    JsonNode dOurs = results.get("DecodeBenchmark.sociDecoder");
    double dMib = dBase != null ? Double.parseDouble(dBase.path("params").path("layerMiB").asText("0")) : 0;
    row("1 decode: soci DeflateDecoder vs GZIPInputStream (" + (int) dMib + " MiB)", dOurs, dBase, dMib, true,
        Double.NaN, "info");

    realLayerRows();

    // 2. Cold extraction: time ratio against zlib inflating the same span, lower is better.
    row("2 cold extraction: 4 KiB from an uncached span (fetch + SHA-256 + inflate) vs zlib inflating it",
        results.get("ReaderBenchmark.coldRead4k"), results.get("ReaderBenchmark.coldZlibBaseline"), 0, false,
        1.10, "time <= 1.10x");

    // 3. Warm reads: an absolute throughput goal (bytes/ns = GB/s); memcpy of the same size is
    // shown as the ceiling, and the ratio to it is for information.
    for (String size : new String[] {"4096", "65536", "1048576"}) {
      warmRow(size, paramMatch("ReaderBenchmark.warmRead", "readBytes=" + size),
          paramMatch("ReaderBenchmark.warmMemcpy", "readBytes=" + size));
    }
    JsonNode two = results.get("ReaderBenchmark.warmRead4kTwoThreads");
    rows.add(new String[] {"3 warm reads: 4 KiB, 2 threads sharing one reader (aggregate)",
        two == null ? n : gbps(2 * 4096 / score(two)) + " (" + figure(two, 0) + " per read)", "-", "-", "info",
        two == null ? n : "info"});

    // 4. Open + lookups versus full parse: time ratio, lower is better.
    JsonNode parse = results.get("LookupBenchmark.fullParse");
    row("4 open + 1000 resolve() vs full parse (100k entries)", results.get("LookupBenchmark.openAndResolve"),
        parse, 0, false, 0.10, "time <= 0.10x");
    row("4 open + 1000 lookup() vs full parse", results.get("LookupBenchmark.openAndLookup"), parse, 0, false,
        0.10, "time <= 0.10x");
    row("4 open only (validation) vs full parse", results.get("LookupBenchmark.openOnly"), parse, 0, false,
        Double.NaN, "info");

    // 5. Memory: a separate JVM; pass means it finished, with the right diff ID, inside -Xmx.
    if (mem == null) {
      rows.add(new String[] {"5 memory: index 1 GiB layer in small heap", n, n, "-", "-", n});
    } else {
      double peak = Long.parseLong(mem.getProperty("peak_heap_sampled_bytes", "0")) / 1048576.0;
      double max = Long.parseLong(mem.getProperty("max_heap_bytes", "0")) / 1048576.0;
      long layerBytes = Long.parseLong(mem.getProperty("layer_uncompressed_bytes", "0"));
      double layer = layerBytes / 1048576.0;
      // A failed run has no zTOC to measure; its checkpoint records (one 32 KiB window plus 17
      // bytes per 4 MiB span) are a lower bound on its size, and the bulk of it.
      long spans = (layerBytes + (4L << 20) - 1) / (4L << 20);
      double ztoc = Long.parseLong(mem.getProperty("ztoc_bytes", String.valueOf(12 + spans * (32768 + 17))))
          / 1048576.0;
      String status = mem.getProperty("status", "?");
      rows.add(new String[] {
        String.format(Locale.ROOT, "5 memory: index %.0f MiB layer via pipe (zTOC %.1f MiB)", layer, ztoc),
        String.format(Locale.ROOT, "peak %.1f MiB", peak),
        String.format(Locale.ROOT, "max heap %.0f MiB", max),
        String.format(Locale.ROOT, "%.2f", peak / max),
        String.format(Locale.ROOT, "OK with max heap <= 64 MiB + zTOC = %.1f MiB", 64 + ztoc),
        // Judged on the heap the JVM actually had, so a run with a too-generous -Xmx cannot pass.
        "OK".equals(status) && max <= 64 + ztoc ? "PASS" : "FAIL (" + status + ")"
      });
    }

    // 6. Scaling: speedup = time(1 thread) / time(N); GZIPInputStream shows what the host allows.
    String threads = "2";
    JsonNode o1 = find("ScalingBenchmark.ztocBuild", "1");
    JsonNode oN = find("ScalingBenchmark.ztocBuild", threads);
    JsonNode b1 = find("ScalingBenchmark.gzipInputStream", "1");
    JsonNode bN = find("ScalingBenchmark.gzipInputStream", threads);
    String target = "6 scaling: zTOC build (hashing inline) of 4x50 MiB image, " + threads
        + " vs 1 thread (baseline: GZIPInputStream)";
    if (o1 == null || oN == null) {
      rows.add(new String[] {target, n, n, "-", "-", n});
      return;
    }
    double ours = score(o1) / score(oN);
    double bs = b1 != null && bN != null ? score(b1) / score(bN) : Double.NaN;
    // 0.8 per core: on 2 cores, 1.6x; a perfect 2.0x is not expected with JIT and GC threads around.
    double goal = 0.8 * Integer.parseInt(threads);
    rows.add(new String[] {
      target,
      String.format(Locale.ROOT, "%.2fx speedup", ours),
      Double.isNaN(bs) ? n : String.format(Locale.ROOT, "%.2fx speedup", bs),
      Double.isNaN(bs) ? "-" : String.format(Locale.ROOT, "%.2f", ours / bs),
      String.format(Locale.ROOT, "speedup >= %.1fx", goal),
      ours >= goal ? "PASS" : "FAIL"
    });
  }

  /**
   * Issue 10, targets 1 and 2: per layer of {@link RealLayerBenchmark} (in its parameter order),
   * pure decode against GZIPInputStream (goal 1.25x on real layers; the synthetic one is shown
   * for comparison), then the complete zTOC build with the hashing thread (goal 1.0x) and on one
   * thread (goal 0.8x), each against the GZIPInputStream decode of the same layer in the same run.
   */
  private void realLayerRows() {
    List<String> layers = new ArrayList<>();
    for (JsonNode b : results.values()) {
      String layer = b.path("params").path("layer").asText("");
      if (b.get("benchmark").asText().endsWith("RealLayerBenchmark.gzipInputStream") && !layers.contains(layer)) {
        layers.add(layer);
      }
    }
    List<String> order = List.of("jdk-lib-gzip6", "jdk-lib-pigz", "so-gzip6", "so-pigz", "text-gzip6", "text-pigz",
        "synthetic");
    layers.sort((a, b) -> Integer.compare(order.indexOf(a) < 0 ? 99 : order.indexOf(a),
        order.indexOf(b) < 0 ? 99 : order.indexOf(b)));
    for (String layer : layers) {
      JsonNode base = paramMatch("RealLayerBenchmark.gzipInputStream", "layer=" + layer);
      double mib = RealLayers.cachedUncompressedMiB(layer);
      boolean real = !layer.equals("synthetic");
      row("10.1 decode " + layer + ": soci inflater vs GZIPInputStream",
          paramMatch("RealLayerBenchmark.sociDecoder", "layer=" + layer), base, mib, true, real ? 1.25 : Double.NaN,
          real ? "tput >= 1.25x" : "info");
      row("10.2 build " + layer + ": complete zTOC, hashing thread, vs GZIPInputStream",
          paramMatch("RealLayerBenchmark.ztocBuild", "layer=" + layer), base, mib, true, real ? 1.0 : Double.NaN,
          real ? "tput >= 1.0x" : "info");
      row("10.2 build " + layer + ": complete zTOC, one thread, vs GZIPInputStream",
          paramMatch("RealLayerBenchmark.ztocBuildSingleThread", "layer=" + layer), base, mib, true,
          real ? 0.8 : Double.NaN, real ? "tput >= 0.8x" : "info");
    }
    // The same single-threaded ratios in CPU time of the benchmark thread, which other work on
    // a shared machine disturbs far less than wall time.
    for (String layer : layers) {
      JsonNode base = paramMatch("RealLayerBenchmark.gzipInputStream", "layer=" + layer);
      boolean real = !layer.equals("synthetic");
      cpuRow("10.1 decode " + layer + ", thread CPU time", paramMatch("RealLayerBenchmark.sociDecoder",
          "layer=" + layer), base, real ? 1.25 : Double.NaN, real ? "tput >= 1.25x" : "info");
      cpuRow("10.2 build " + layer + ", one thread, thread CPU time",
          paramMatch("RealLayerBenchmark.ztocBuildSingleThread", "layer=" + layer), base, real ? 0.8 : Double.NaN,
          real ? "tput >= 0.8x" : "info");
    }
  }

  /** A throughput row from {@link RealLayerBenchmark.Cpu}'s counters; skipped when a side has none. */
  private void cpuRow(String target, JsonNode ours, JsonNode base, double goal, String goalText) {
    double o = cpuMs(ours);
    double b = cpuMs(base);
    if (Double.isNaN(o) || Double.isNaN(b)) {
      return;
    }
    double ratio = b / o;
    rows.add(new String[] {target, String.format(Locale.ROOT, "%.1f ms/op cpu", o),
        String.format(Locale.ROOT, "%.1f ms/op cpu", b), String.format(Locale.ROOT, "%.3f", ratio), goalText,
        Double.isNaN(goal) ? "info" : ratio >= goal ? "PASS" : "FAIL"});
  }

  /** CPU milliseconds per operation from the benchmark's cpuNanos / cpuOps counters, or NaN. */
  private static double cpuMs(JsonNode r) {
    if (r == null) {
      return Double.NaN;
    }
    JsonNode m = r.path("secondaryMetrics");
    double nanos = m.path("cpuNanos").path("score").asDouble(Double.NaN);
    double ops = m.path("cpuOps").path("score").asDouble(Double.NaN);
    return ops > 0 ? nanos / ops / 1e6 : Double.NaN;
  }

  /** A warm-read row: our throughput against the 1 GB/s goal, memcpy as the ceiling. */
  private void warmRow(String size, JsonNode ours, JsonNode memcpy) {
    int bytes = Integer.parseInt(size);
    String label = bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    String target = "3 warm reads: " + label + " sequential from cached spans";
    if (ours == null) {
      rows.add(new String[] {target, "not run", memcpy == null ? "not run" : "memcpy " + gbps(bytes / score(memcpy)),
          "-", "tput >= 1 GB/s", "not run"});
      return;
    }
    double tput = bytes / score(ours); // bytes per ns = GB/s
    rows.add(new String[] {
      target,
      gbps(tput) + " (" + figure(ours, 0) + ")",
      memcpy == null ? "not run" : "memcpy " + gbps(bytes / score(memcpy)),
      memcpy == null ? "-" : String.format(Locale.ROOT, "%.3f", score(memcpy) / score(ours)),
      "tput >= 1 GB/s",
      tput >= 1.0 ? "PASS" : "FAIL"
    });
  }

  private static String gbps(double bytesPerNs) {
    return String.format(Locale.ROOT, "%.2f GB/s", bytesPerNs);
  }

  /** The result of a parameterised benchmark whose key contains {@code param} (e.g. "readBytes=4096"). */
  private JsonNode paramMatch(String bench, String param) {
    for (Map.Entry<String, JsonNode> e : results.entrySet()) {
      String k = e.getKey();
      if (k.startsWith(bench + "[") && (k.contains("[" + param + ",") || k.contains("," + param + ",")
          || k.contains("[" + param + "]") || k.contains("," + param + "]"))) {
        return e.getValue();
      }
    }
    return null;
  }

  /** The scaling result for a thread count (other params at their defaults). */
  private JsonNode find(String bench, String threads) {
    for (Map.Entry<String, JsonNode> e : results.entrySet()) {
      if (e.getKey().startsWith(bench + "[") && e.getKey().contains("threads=" + threads + "]")) {
        return e.getValue();
      }
      if (e.getKey().startsWith(bench + "[") && e.getKey().contains("threads=" + threads + ",")) {
        return e.getValue();
      }
    }
    return null;
  }

  /**
   * Adds a ratio row. {@code throughput}: the ratio is baseline time / our time (higher is better,
   * pass when >= goal); otherwise our time / baseline time (lower is better, pass when <= goal).
   */
  private void row(String target, JsonNode ours, JsonNode base, double mib, boolean throughput, double goal,
      String goalText) {
    if (ours == null || base == null) {
      rows.add(new String[] {target, ours == null ? "not run" : figure(ours, mib), base == null ? "not run"
          : figure(base, mib), "-", goalText, "not run"});
      return;
    }
    double ratio = throughput ? score(base) / score(ours) : score(ours) / score(base);
    String verdict = Double.isNaN(goal) ? "info" : (throughput ? ratio >= goal : ratio <= goal) ? "PASS" : "FAIL";
    rows.add(new String[] {target, figure(ours, mib), figure(base, mib),
        String.format(Locale.ROOT, "%.3f", ratio), goalText, verdict});
  }

  /** "812 ms ±4% (322 MiB/s)": the JMH 99.9% error as a share of the score shows how noisy it was. */
  private static String figure(JsonNode r, double mib) {
    double s = score(r);
    double err = r.path("primaryMetric").path("scoreError").asDouble(Double.NaN);
    String unit = r.path("primaryMetric").path("scoreUnit").asText();
    if (unit.equals("ns/op") && s >= 1e6) { // cold reads: milliseconds read better than 7-digit ns
      s /= 1e6;
      err /= 1e6;
      unit = "ms/op";
    }
    String f = String.format(Locale.ROOT, "%.1f %s", s, unit);
    if (!Double.isNaN(err) && s > 0) {
      f += String.format(Locale.ROOT, " ±%.0f%%", 100 * err / s);
    }
    if (mib > 0 && unit.equals("ms/op")) {
      f += String.format(Locale.ROOT, " (%.0f MiB/s)", mib / (s / 1000));
    }
    return f;
  }

  /** The machine and JDK the results came from, so a table is never quoted without them. */
  private String machine() {
    String cpu = "unknown CPU";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: the CPU stays unnamed
    }
    JsonNode any = results.values().stream().findFirst().orElse(null);
    String jdk = any == null ? System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
        : any.path("vmName").asText() + " " + any.path("jdkVersion").asText() + " (" + any.path("vmVersion").asText()
            + ")";
    return "machine: " + cpu + ", " + Runtime.getRuntime().availableProcessors() + " processors; JDK: " + jdk;
  }

  private static double score(JsonNode r) {
    return r.path("primaryMetric").path("score").asDouble();
  }

  private void print() {
    String[] head = {"target", "ours", "baseline", "ratio", "goal", "result"};
    int[] w = new int[head.length];
    List<String[]> all = new ArrayList<>();
    all.add(head);
    all.addAll(rows);
    for (String[] r : all) {
      for (int i = 0; i < r.length; i++) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < all.size(); k++) {
      String[] r = all.get(k);
      sb.append("| ");
      for (int i = 0; i < r.length; i++) {
        sb.append(String.format("%-" + w[i] + "s", r[i])).append(" | ");
      }
      sb.setLength(sb.length() - 1);
      sb.append('\n');
      if (k == 0) {
        sb.append('|');
        for (int x : w) {
          sb.append("-".repeat(x + 2)).append('|');
        }
        sb.append('\n');
      }
    }
    System.out.print(sb);
    System.out.println("ratio: throughput targets = baseline time / our time (higher is better);"
        + " time targets = our time / baseline time (lower is better). ±: JMH 99.9% error / score.");
    System.out.println(machine());
  }
}
