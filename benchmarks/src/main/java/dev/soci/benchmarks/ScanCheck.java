package dev.soci.benchmarks;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Platform;
import dev.soci.oci.build.SociIndexCreator;
import dev.soci.oci.build.SociOptions;
import dev.soci.oci.fs.SociFileSystem;
import dev.soci.oci.fs.SociFileSystems;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.registry.ImageReference;
import dev.soci.oci.registry.RegistryClient;
import dev.soci.oci.registry.RegistryStore;
import dev.soci.oci.registry.TestRegistry;
import dev.soci.oci.store.ImageGraph;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Scanner-sized reads (issue 11, item 4): what a licence or SBOM scanner costs through the
 * image's {@link SociFileSystem} over a registry, against pulling and unpacking the image.
 * Not a JMH benchmark: each side is one cold run of whole tools (a ratio of an order of
 * magnitude, not a few per cent); the byte counts come from the registry's own access log.
 *
 * <p>The image: {@link RealLayers#system} (a layer of at least 500 MB, gzip, with a zTOC) under
 * a small synthetic layer without one (fetched whole, as such layers are), pushed to a real
 * registry ({@link TestRegistry#startLogged}) with a SOCI index made by the default options.
 * The scan: {@code Files.walk} of the whole tree, then {@code Files.readAllBytes} of every
 * regular file matching one of the globs (default {@code **}{@code /release}, {@code
 * **}{@code /*.desktop}, {@code **}{@code /*.pc}, {@code **}{@code /copyright}: JDK release
 * files, desktop entries, pkg-config files and the Debian copyright files a licence scanner
 * reads), on one thread and on eight in walk order, and on one thread in layer order ({@link
 * SociFileSystem#inLayerOrder}: by layer and tar entry, so each span's files are read together), each through a fresh client and file system; and the floor, the compressed size of
 * the distinct spans holding the files, from the zTOC.
 * The baseline: {@code skopeo copy} of the image to a layout, {@code umoci unpack --rootless},
 * then the same walk and reads on disk. Both must find the same files with the same bytes.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.soci.benchmarks.ScanCheck [GLOB...]}. Prints
 * {@code key=value} lines and a Markdown table.
 */
public final class ScanCheck {
  private static final List<String> DEFAULT_GLOBS = List.of("**/release", "**/*.desktop",
      "**/*.pc", "**/copyright");

  private ScanCheck() {}

  /** What a scan found: the matching files' SHA-256 by path, and what it cost. */
  private record Scan(Map<String, String> files, long bytesRead, long paths, double seconds) {}

  /** A matching file's tar entry: which layer, which entry, how long. */
  private record Hit(int layer, int entry, long size) {}

  public static void main(String[] args) throws Exception {
    List<String> globs = args.length > 0 ? List.of(args) : DEFAULT_GLOBS;
    Path work = Files.createTempDirectory("soci-scan");
    Path big = RealLayers.system(500);
    Path small = work.resolve("small.tar.gz");
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(small))) {
      out.write(SyntheticLayer.tar(256 << 10, 3));
    }
    BenchImages.write(work.resolve("image"), List.of(big, small));
    String ref;
    try (TestRegistry registry = TestRegistry.startLogged(work.resolve("registry"));
        OciLayout layout = OciLayout.open(work.resolve("image"))) {
      ref = registry.address() + "/bench/scan:1";
      RegistryStore push = RegistryStore.of(RegistryClient.builder(registry.address())
          .plainHttp(true).build(), ImageReference.parse(ref));
      ImageGraph.copy(layout, layout.resolve(null), push, "1");
      Descriptor image = push.resolve(null);
      new SociIndexCreator(SociOptions.builder().build(), s -> { }).create(push, image);
      long imageBytes = 0;
      for (Descriptor l : layout.readManifest(layout.resolve(null)).layers()) {
        imageBytes += l.size();
      }

      registry.resetBytesServed();
      List<Hit> hits = new ArrayList<>();
      Scan one = lazyScan(registry, ref, globs, 1, false, hits);
      long oneBytes = registry.bytesServed();
      long oneRanges = registry.rangeBytesServed();

      registry.resetBytesServed();
      Scan eight = lazyScan(registry, ref, globs, 8, false, null);
      long eightBytes = registry.bytesServed();
      long eightRanges = registry.rangeBytesServed();

      registry.resetBytesServed();
      Scan ordered = lazyScan(registry, ref, globs, 1, true, null);
      long orderedBytes = registry.bytesServed();
      long orderedRanges = registry.rangeBytesServed();

      // The floor: the compressed bytes of the distinct spans holding the matching files (and
      // the header block before each), from the zTOC.
      long floor = 0;
      int spans = 0;
      try (SociFileSystem fs = SociFileSystems.open(push, image, Platform.host())) {
        java.util.Set<Long> seen = new java.util.HashSet<>();
        Map<Integer, dev.soci.ztoc.ZtocView> ztocs = new java.util.HashMap<>();
        for (Hit h : hits) {
          Descriptor z = fs.image().layers().get(h.layer()).ztoc();
          if (z == null) {
            continue; // the small layer, fetched whole
          }
          dev.soci.ztoc.ZtocView v = ztocs.computeIfAbsent(h.layer(), k -> {
            try {
              return dev.soci.ztoc.ZtocView.open(push.readBlob(z));
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
          long off = v.uncompressedOffset(h.entry());
          int first = v.spanHolding(Math.max(0, off - 512));
          int last = v.spanHolding(off + Math.max(0, h.size() - 1));
          for (int sp = first; sp <= last; sp++) {
            if (seen.add(((long) h.layer() << 32) | sp)) {
              floor += v.spanCompressedEnd(sp) - v.spanCompressedStart(sp);
              spans++;
            }
          }
        }
      }

      registry.resetBytesServed();
      Path pulled = work.resolve("pulled");
      Path bundle = work.resolve("bundle");
      long t0 = System.nanoTime();
      run(work, "skopeo", "copy", "--src-tls-verify=false", "docker://" + ref,
          "oci:" + pulled + ":1");
      double pullSecs = (System.nanoTime() - t0) / 1e9;
      long pullBytes = registry.bytesServed();
      run(work, "umoci", "unpack", "--rootless", "--image", pulled + ":1", bundle.toString());
      double unpackSecs = (System.nanoTime() - t0) / 1e9 - pullSecs;
      Scan disk = scan(bundle.resolve("rootfs"), FileSystems.getDefault(), globs, 1, false, null);
      double baselineSecs = (System.nanoTime() - t0) / 1e9;

      for (Scan s : List.of(one, eight, ordered)) {
        if (!s.files().equals(disk.files())) {
          throw new IllegalStateException("the lazy scan found other files or bytes than the"
              + " unpacked image: " + s.files().size() + " files against " + disk.files().size());
        }
      }
      long matched = disk.files().size();
      System.out.println("globs=" + String.join(" ", globs));
      System.out.println("image_layer_bytes=" + imageBytes);
      System.out.println("paths_walked=" + one.paths());
      System.out.println("files_matched=" + matched);
      System.out.println("file_bytes_read=" + one.bytesRead());
      System.out.println("scan1_seconds=" + one.seconds());
      System.out.println("scan1_bytes_served=" + oneBytes);
      System.out.println("scan1_range_bytes_served=" + oneRanges);
      System.out.println("scan8_seconds=" + eight.seconds());
      System.out.println("scan8_bytes_served=" + eightBytes);
      System.out.println("scan8_range_bytes_served=" + eightRanges);
      System.out.println("scan_layer_order_seconds=" + ordered.seconds());
      System.out.println("scan_layer_order_bytes_served=" + orderedBytes);
      System.out.println("scan_layer_order_range_bytes_served=" + orderedRanges);
      System.out.println("spans_holding_matches=" + spans);
      System.out.println("span_bytes_holding_matches=" + floor);
      System.out.println("pull_seconds=" + pullSecs);
      System.out.println("pull_bytes_served=" + pullBytes);
      System.out.println("unpack_seconds=" + unpackSecs);
      System.out.println("disk_scan_seconds=" + disk.seconds());
      System.out.println("baseline_seconds=" + baselineSecs);
      System.out.println();
      System.out.println("| what | time | bytes from the registry | of which layer ranges |");
      System.out.println("| --- | --- | --- | --- |");
      System.out.println(String.format(Locale.ROOT, "| walk %,d paths + read %,d matching files"
          + " (%,d bytes) through `SociFileSystem`, 1 thread | %.1f s | %,d | %,d |",
          one.paths(), matched, one.bytesRead(), one.seconds(), oneBytes, oneRanges));
      System.out.println(String.format(Locale.ROOT, "| the same, 8 threads | %.1f s | %,d | %,d |",
          eight.seconds(), eightBytes, eightRanges));
      System.out.println(String.format(Locale.ROOT, "| the same, 1 thread, files read in layer"
          + " order (`SociFileSystem.inLayerOrder`) | %.1f s | %,d | %,d |", ordered.seconds(),
          orderedBytes, orderedRanges));
      System.out.println(String.format(Locale.ROOT, "| (floor: the %,d spans holding the files) |"
          + " | | %,d |", spans, floor));
      System.out.println(String.format(Locale.ROOT, "| `skopeo copy` + `umoci unpack` + the same"
          + " scan on disk | %.1f s (%.1f + %.1f + %.1f) | %,d | |", baselineSecs, pullSecs,
          unpackSecs, disk.seconds(), pullBytes));
      System.out.println(String.format(Locale.ROOT, "| ratio, 1 thread in walk order | %.3f |"
          + " %.4f (image layers %,d bytes) | |", one.seconds() / baselineSecs,
          (double) oneBytes / pullBytes, imageBytes));
      System.out.println(String.format(Locale.ROOT, "| ratio, 1 thread in layer order | %.3f |"
          + " %.4f | |", ordered.seconds() / baselineSecs, (double) orderedBytes / pullBytes));
    } finally {
      run(Path.of("."), "rm", "-rf", work.toString());
    }
  }

  /** A scan through a fresh client and file system over the registry. */
  private static Scan lazyScan(TestRegistry registry, String ref, List<String> globs,
      int threads, boolean layerOrder, List<Hit> hits) throws Exception {
    long t0 = System.nanoTime();
    RegistryStore store = RegistryStore.of(RegistryClient.builder(registry.address())
        .plainHttp(true).build(), ImageReference.parse(ref));
    try (SociFileSystem fs = SociFileSystems.open(store, store.resolve(null), Platform.host())) {
      Scan s = scan(fs.getPath("/"), fs, globs, threads, layerOrder, hits);
      return new Scan(s.files(), s.bytesRead(), s.paths(), (System.nanoTime() - t0) / 1e9);
    }
  }

  /**
   * Walks {@code root}, then reads every regular file matching a glob, on {@code threads}: in
   * walk (name) order, or in layer order, which reads each span's files together.
   */
  private static Scan scan(Path root, FileSystem fs, List<String> globs, int threads,
      boolean layerOrder, List<Hit> hitsOut) throws Exception {
    long t0 = System.nanoTime();
    List<PathMatcher> matchers = new ArrayList<>();
    for (String g : globs) {
      matchers.add(fs.getPathMatcher("glob:" + g));
    }
    List<Path> found = new ArrayList<>();
    long[] paths = {0};
    try (Stream<Path> s = Files.walk(root)) {
      s.forEach(p -> {
        paths[0]++;
        Path rel = fs.getPath("/").resolve(root.relativize(p).toString());
        if (matchers.stream().anyMatch(m -> m.matches(rel))
            && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          found.add(p);
        }
      });
    }
    List<Path> hits = found;
    if (layerOrder) {
      hits = ((SociFileSystem) fs).inLayerOrder(found);
    }
    if (hitsOut != null) {
      for (Path p : hits) {
        hitsOut.add(new Hit((Integer) Files.getAttribute(p, "soci:layer"),
            (Integer) Files.getAttribute(p, "soci:entryIndex"), Files.size(p)));
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    Map<String, String> files = new TreeMap<>();
    long bytes = 0;
    try {
      List<Future<byte[]>> reads = new ArrayList<>();
      for (Path p : hits) {
        reads.add(pool.submit(() -> Files.readAllBytes(p)));
      }
      for (int i = 0; i < hits.size(); i++) {
        byte[] b = reads.get(i).get(10, TimeUnit.MINUTES);
        bytes += b.length;
        files.put("/" + root.relativize(hits.get(i)), HexFormat.of().formatHex(
            MessageDigest.getInstance("SHA-256").digest(b)));
      }
    } finally {
      pool.shutdownNow();
    }
    return new Scan(files, bytes, paths[0], (System.nanoTime() - t0) / 1e9);
  }

  private static void run(Path dir, String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).inheritIO().start();
    if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + " failed");
    }
  }
}
