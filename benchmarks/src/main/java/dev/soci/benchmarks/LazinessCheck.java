package dev.soci.benchmarks;

import dev.soci.core.RangeSource;
import dev.soci.oci.Descriptor;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.build.FoundSociIndex;
import dev.soci.oci.build.SociIndexCreator;
import dev.soci.oci.build.SociOptions;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.registry.ImageReference;
import dev.soci.oci.registry.RegistryClient;
import dev.soci.oci.registry.RegistryStore;
import dev.soci.oci.registry.TestRegistry;
import dev.soci.oci.store.ImageGraph;
import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.LayerReader;
import dev.soci.ztoc.ZtocView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Registry laziness: how much of an image {@code soci cat} fetches from a registry to print one
 * file, against pulling the image ({@code skopeo copy}) and extracting the file ({@code tar}).
 * Not a JMH benchmark: both sides are whole processes of different tools, timed once each (the
 * ratio is an order of magnitude, not a few per cent); the byte counts come from the registry's
 * own access log.
 *
 * <p>The image: {@link RealLayers#system} (a layer of at least 500 MB, gzip) under a small
 * layer without a zTOC. The file: the regular file of the large layer whose size is closest to
 * 1 MiB. Prints {@code key=value} lines and a Markdown table.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.soci.benchmarks.LazinessCheck SOCI_JAR}.
 */
public final class LazinessCheck {
  private LazinessCheck() {}

  public static void main(String[] args) throws Exception {
    Path sociJar = Path.of(args.length > 0 ? args[0] : "examples/target/soci.jar").toAbsolutePath();
    Path work = Files.createTempDirectory("soci-laziness");
    Path big = RealLayers.system(500);
    Path small = work.resolve("small.tar.gz");
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(small))) {
      out.write(SyntheticLayer.tar(256 << 10, 3));
    }
    BenchImages.write(work.resolve("image"), List.of(big, small));
    try (TestRegistry registry = TestRegistry.startLogged(work.resolve("registry"));
        OciLayout layout = OciLayout.open(work.resolve("image"))) {
      RegistryClient client = RegistryClient.builder(registry.address()).plainHttp(true).build();
      RegistryStore store = RegistryStore.of(client,
          ImageReference.parse(registry.address() + "/bench/big:1"));
      ImageGraph.copy(layout, layout.resolve(null), store, "1");
      Descriptor image = store.resolve(null);
      new SociIndexCreator(SociOptions.builder().build(), s -> { }).create(store, image);

      // The file, and the spans that hold it, from the zTOC.
      FoundSociIndex found = FoundSociIndex.find(store, image).get(0);
      Descriptor ztocDescriptor = found.index().ztocs().get(0);
      ZtocView ztoc = ZtocView.open(store.readBlob(ztocDescriptor),
          ztocDescriptor.digest().toString());
      int best = -1;
      for (int i = 0; i < ztoc.entryCount(); i++) {
        if (ztoc.type(i) == EntryType.REG && (best < 0
            || Math.abs(ztoc.uncompressedSize(i) - (1 << 20))
                < Math.abs(ztoc.uncompressedSize(best) - (1 << 20)))) {
          best = i;
        }
      }
      String path = ztoc.name(best);
      long fileSize = ztoc.uncompressedSize(best);
      int firstSpan = ztoc.spanHolding(ztoc.uncompressedOffset(best));
      int lastSpan = ztoc.spanHolding(ztoc.uncompressedOffset(best) + Math.max(0, fileSize - 1));
      long spanBytes = ztoc.spanCompressedEnd(lastSpan) - ztoc.spanCompressedStart(firstSpan);
      Descriptor layer = layout.readManifest(layout.resolve(null)).layers().get(0);
      byte[] expected;
      try (RangeSource src = RangeSource.of(big);
          LayerReader reader = LayerReader.open(ztoc, src)) {
        expected = reader.readFile(path);
      }

      // soci cat, as a user runs it.
      registry.resetBytesServed();
      Path catOut = work.resolve("cat.out");
      long t0 = System.nanoTime();
      List<String> cat = new java.util.ArrayList<>(List.of("java"));
      String opts = System.getenv("SOCI_JAVA_OPTS"); // e.g. a JFR recording, to see where time goes
      if (opts != null && !opts.isBlank()) {
        cat.addAll(List.of(opts.trim().split("\\s+")));
      }
      cat.addAll(List.of("-jar", sociJar.toString(), "cat", "--plain-http",
          "docker://" + registry.address() + "/bench/big:1", path, "-o", catOut.toString()));
      run(work, cat.toArray(String[]::new));
      double catSecs = (System.nanoTime() - t0) / 1e9;
      long catBytes = registry.bytesServed();
      long catRangeBytes = registry.rangeBytesServed();
      check(expected, Files.readAllBytes(catOut), "soci cat");

      // A full pull, then the file extracted from the pulled layer.
      registry.resetBytesServed();
      Path pulled = work.resolve("pulled");
      t0 = System.nanoTime();
      run(work, "skopeo", "copy", "--src-tls-verify=false",
          "docker://" + registry.address() + "/bench/big:1", "oci:" + pulled + ":1");
      Path extracted = work.resolve("extracted");
      Files.createDirectories(extracted);
      run(work, "tar", "-xzf", pulled.resolve("blobs/sha256/" + layer.digest().hex()).toString(),
          "-C", extracted.toString(), path);
      double pullSecs = (System.nanoTime() - t0) / 1e9;
      long pullBytes = registry.bytesServed();
      check(expected, Files.readAllBytes(extracted.resolve(path)), "skopeo copy + tar");

      // Where a cat's time goes, in this JVM (cold for these classes, as the CLI is).
      long p0 = System.nanoTime();
      RegistryClient fresh = RegistryClient.builder(registry.address()).plainHttp(true).build();
      RegistryStore again = RegistryStore.of(fresh,
          ImageReference.parse(registry.address() + "/bench/big:1"));
      Descriptor root = again.resolve(null);
      long p1 = System.nanoTime();
      try (dev.soci.oci.image.SociImage img = dev.soci.oci.image.SociImage.open(again, root,
          dev.soci.oci.Platform.host())) {
        long p2 = System.nanoTime();
        img.resolve(path);
        long p3 = System.nanoTime();
        byte[] got = img.readFile(path);
        long p4 = System.nanoTime();
        check(expected, got, "SociImage");
        System.out.println(String.format(Locale.ROOT, "phase_resolve_ms=%.0f%nphase_open_ms=%.0f"
            + "%nphase_tree_ms=%.0f%nphase_read_ms=%.0f", (p1 - p0) / 1e6, (p2 - p1) / 1e6,
            (p3 - p2) / 1e6, (p4 - p3) / 1e6));
      }

      long imageBytes = layer.size() + Files.size(small);
      System.out.println("layer_bytes=" + layer.size());
      System.out.println("file=" + path);
      System.out.println("file_bytes=" + fileSize);
      System.out.println("spans_holding_file=" + (lastSpan - firstSpan + 1));
      System.out.println("span_bytes_holding_file=" + spanBytes);
      System.out.println("cat_seconds=" + catSecs);
      System.out.println("cat_bytes_served=" + catBytes);
      System.out.println("cat_range_bytes_served=" + catRangeBytes);
      System.out.println("ztoc_bytes=" + ztocDescriptor.size());
      System.out.println("pull_seconds=" + pullSecs);
      System.out.println("pull_bytes_served=" + pullBytes);
      System.out.println();
      System.out.println("| what | time | bytes from the registry | of which layer ranges |");
      System.out.println("| --- | --- | --- | --- |");
      System.out.println(String.format(Locale.ROOT, "| `soci cat` of %s (%,d bytes, %d span%s"
          + " of %,d compressed bytes; zTOC %,d bytes) | %.2f s | %,d | %,d |", path, fileSize,
          lastSpan - firstSpan + 1, lastSpan == firstSpan ? "" : "s", spanBytes,
          ztocDescriptor.size(), catSecs, catBytes, catRangeBytes));
      System.out.println(String.format(Locale.ROOT, "| `skopeo copy` + `tar -x` of the file |"
          + " %.2f s | %,d | |", pullSecs, pullBytes));
      System.out.println(String.format(Locale.ROOT, "| ratio | %.3f | %.4f (image %,d bytes)"
          + " | |", catSecs / pullSecs, (double) catBytes / pullBytes, imageBytes));
    } finally {
      run(Path.of("."), "rm", "-rf", work.toString());
    }
  }

  private static void check(byte[] expected, byte[] got, String what) {
    if (!Arrays.equals(expected, got)) {
      throw new IllegalStateException(what + " gave other bytes than the layer holds: sha256 "
          + sha(got) + " instead of " + sha(expected));
    }
  }

  private static String sha(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void run(Path dir, String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).inheritIO().start();
    if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + " failed");
    }
  }
}
