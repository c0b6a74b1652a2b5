package dev.soci.ztoc;

import dev.soci.core.Compression;
import dev.soci.core.internal.Checkpoint;
import dev.soci.core.internal.GzipZinfo;
import dev.soci.testing.TestTar;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes the generated inputs of {@link ZtocFuzzTargetsTest} (run once by hand; the output is
 * committed): {@code java -cp <test classpath> dev.soci.ztoc.ZtocFuzzSeeds soci-ztoc testdata
 * <findings dir>}. Seeds go to the test resources and pass today; inputs reproducing open
 * defects go to the findings directory, to join the corpus once the defects are fixed.
 */
final class ZtocFuzzSeeds {
  private ZtocFuzzSeeds() {}

  public static void main(String[] args) throws IOException {
    Path resources = Path.of(args[0], "src/test/resources/dev/soci/ztoc");
    Path inputs = resources.resolve("ZtocFuzzTargetsTestInputs");
    Path vectors = Path.of(args[1], "vectors");
    Path findings = Path.of(args[2]);

    // A small gzip layer of several spans (the vector layers are one span or megabytes).
    byte[] multiSpanTar = tar(false, entry("app/", null), entry("app/words.txt", words(1, 14000)),
        entry("app/more.txt", words(2, 9000)), entry("app/link", "app/words.txt"));
    byte[] multiSpan = gzipFlushingEvery(multiSpanTar, 4096);
    write(resources.resolve("multi-span.tar.gz"), multiSpan);
    byte[] multiSpanZtoc = ZtocBuilder.create().spanSize(8192).build(new ByteArrayInputStream(multiSpan)).bytes();

    Path view = inputs.resolve("ztocView");
    copy(vectors.resolve("ztoc/small-plain.tar.4096.ztoc"), view.resolve("vector-small-plain.4096.ztoc"));
    copy(vectors.resolve("ztoc/small-plain.tar.4194304.ztoc"), view.resolve("vector-small-plain.4194304.ztoc"));
    copy(vectors.resolve("ztoc/tiny.tar.gz.65536.ztoc"), view.resolve("vector-tiny.65536.ztoc"));
    write(view.resolve("multi-span.8192.ztoc"), multiSpanZtoc);

    // ISSUE8 #1: a checkpoint's uncompressed offset shifted by 512 (reads return other bytes).
    Ztoc m = ZtocView.open(multiSpanZtoc).toModel();
    GzipZinfo z = GzipZinfo.parse(ByteBuffer.wrap(m.compressionInfo().checkpoints()));
    List<Checkpoint> cps = new ArrayList<>(z.checkpoints());
    Checkpoint c = cps.get(1);
    cps.set(1, new Checkpoint(c.in(), c.out() + 512, c.bits(), c.window()));
    write(findings.resolve("ztocView/shifted-checkpoint.ztoc"), withZinfo(m, new GzipZinfo(z.spanSize(), cps, z.version()).toBytes(),
        m.compressionInfo().maxSpanId(), m.compressionInfo().spanDigests()));
    // ISSUE8 #7: an uncompressed zTOC with zero spans and a non-zero archive size.
    Ztoc plain = ZtocView.open(Files.readAllBytes(vectors.resolve("ztoc/small-plain.tar.4096.ztoc"))).toModel();
    write(findings.resolve("ztocView/zero-spans-nonzero-size.ztoc"),
        new Ztoc(plain.version(), plain.buildToolIdentifier(), 0, plain.uncompressedArchiveSize(), plain.entries(),
            new CompressionInfo(Compression.UNCOMPRESSED, -1, List.of(), new TarZinfo(4096, 0).toBytes())));

    Path tz = inputs.resolve("tarZinfo");
    write(tz.resolve("small-plain.4096.zinfo"), new TarZinfo(4096, 14336).toBytes());
    write(tz.resolve("one-span.zinfo"), new TarZinfo(4 << 20, 14336).toBytes());

    byte[] small = Files.readAllBytes(vectors.resolve("layers/small-plain.tar"));
    byte[] pax = tar(false, entry("dir/", null), entry("dir/" + "long-name-".repeat(12) + "file", words(3, 700)),
        entry("dir/sym", "dir/" + "long-name-".repeat(12) + "file"), hardlink("dir/hard", "dir/" + "long-name-".repeat(12) + "file"),
        entry("empty", new byte[0]));
    byte[] gnu = tar(true, entry("g/" + "gnu-long-".repeat(14) + "x", words(4, 300)), entry("g/short", words(5, 10)));
    Path tr = inputs.resolve("tarReader");
    write(tr.resolve("vector-small-plain.tar"), small);
    write(tr.resolve("pax-long-names-links.tar"), pax);
    write(tr.resolve("gnu-long-names.tar"), gnu);
    // ISSUE8 #6: a directory header whose size field is not zero (header-only types carry no data).
    byte[] dirSize = tar(false, entry("d/", null), entry("d/f", words(6, 100)));
    TestTar.put(dirSize, 124, "00000010000\0");
    byte[] h = Arrays.copyOf(dirSize, 512);
    TestTar.checksum(h);
    System.arraycopy(h, 0, dirSize, 0, 512);
    write(findings.resolve("tarReader/dir-with-size.tar"), dirSize);
    write(findings.resolve("ztocBuilder/dir-with-size.tar"), dirSize);

    Path zb = inputs.resolve("ztocBuilder");
    copy(vectors.resolve("layers/tiny.tar.gz"), zb.resolve("vector-tiny.tar.gz"));
    write(zb.resolve("vector-small-plain.tar"), small);
    write(zb.resolve("multi-span.tar.gz"), multiSpan);
    write(zb.resolve("pax-long-names-links.tar.gz"), gzip(pax));

    // layerRoundTrip reads its input through FuzzedDataProvider: a few random starts.
    SplittableRandom r = new SplittableRandom(8);
    for (int i = 0; i < 3; i++) {
      byte[] b = new byte[8000];
      for (int k = 0; k < b.length; k++) {
        b[k] = (byte) r.nextInt(256);
      }
      write(inputs.resolve("layerRoundTrip/random-" + i), b);
    }
  }

  private static Ztoc withZinfo(Ztoc m, byte[] zinfo, int maxSpanId, List<String> digests) {
    return new Ztoc(m.version(), m.buildToolIdentifier(), m.compressedArchiveSize(), m.uncompressedArchiveSize(),
        m.entries(), new CompressionInfo(m.compressionInfo().algorithm(), maxSpanId, digests, zinfo));
  }

  private static void write(Path p, Ztoc z) throws IOException {
    write(p, ZtocEncoder.encode(z));
  }

  /** {name, content or link target (String), "hard" marker} */
  private static Object[] entry(String name, Object content) {
    return new Object[] {name, content, null};
  }

  private static Object[] hardlink(String name, String target) {
    return new Object[] {name, target, "hard"};
  }

  private static byte[] tar(boolean gnuNames, Object[]... entries) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(b)) {
      t.setLongFileMode(gnuNames ? TarArchiveOutputStream.LONGFILE_GNU : TarArchiveOutputStream.LONGFILE_POSIX);
      for (Object[] e : entries) {
        String name = (String) e[0];
        TarArchiveEntry te;
        if (e[1] == null) {
          te = new TarArchiveEntry(name);
        } else if (e[1] instanceof String target) {
          te = new TarArchiveEntry(name, e[2] != null ? TarArchiveEntry.LF_LINK : TarArchiveEntry.LF_SYMLINK);
          te.setLinkName(target);
        } else {
          te = new TarArchiveEntry(name);
          te.setSize(((byte[]) e[1]).length);
        }
        te.setModTime(1_700_000_000_000L);
        t.putArchiveEntry(te);
        if (e[1] instanceof byte[] content) {
          t.write(content);
        }
        t.closeArchiveEntry();
      }
    }
    return b.toByteArray();
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(b)) {
      g.write(data);
    }
    return b.toByteArray();
  }

  /** Gzip with a sync flush every {@code step} bytes: deflate blocks end there, so spans can. */
  private static byte[] gzipFlushingEvery(byte[] data, int step) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(b, true)) {
      for (int p = 0; p < data.length; p += step) {
        g.write(data, p, Math.min(step, data.length - p));
        g.flush();
      }
    }
    return b.toByteArray();
  }

  /** Pseudo-random words: compressible like text, with matches and literals. */
  private static byte[] words(long seed, int size) {
    String[] w = {"alpha", "beta", "gamma", "delta", "layer", "span", "zTOC", "checkpoint", "window", "tar", "\n"};
    SplittableRandom r = new SplittableRandom(seed);
    StringBuilder s = new StringBuilder();
    while (s.length() < size) {
      s.append(w[r.nextInt(w.length)]).append(r.nextInt(100)).append(' ');
    }
    return s.substring(0, size).getBytes(StandardCharsets.US_ASCII);
  }

  private static void copy(Path from, Path to) throws IOException {
    write(to, Files.readAllBytes(from));
  }

  private static void write(Path p, byte[] b) throws IOException {
    Files.createDirectories(p.getParent());
    Files.write(p, b);
  }
}
