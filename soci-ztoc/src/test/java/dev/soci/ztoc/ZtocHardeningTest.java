package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.soci.core.CheckpointMismatchException;
import dev.soci.core.Compression;
import dev.soci.core.RangeSource;
import dev.soci.core.internal.Sha256;
import dev.soci.testing.TestTar;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile or inconsistent zTOCs (issue 8): typed errors or the right bytes, in bounded work. */
class ZtocHardeningTest {
  private static final Path VECTORS =
      Path.of(System.getProperty("soci.testdata", "../testdata"), "vectors");
  private static final long K = 0x9E3779B97F4A7C15L;
  private static final String ZERO_DIGEST = "sha256:" + "0".repeat(64);

  // ---- checkpoints (defect 1) ----------------------------------------------------------------

  /** A gzip zTOC whose checkpoint {@code cp} has {@code delta} added to its uncompressed offset. */
  private static byte[] shiftCheckpoint(byte[] ztoc, int cp, long delta) throws Exception {
    Ztoc model = ZtocView.open(ztoc).toModel();
    byte[] blob = model.compressionInfo().checkpoints();
    ByteBuffer b = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
    int record = 12 + cp * (8 + 8 + 1 + 32768); // version 2: every checkpoint has a record
    b.putLong(record + 8, b.getLong(record + 8) + delta);
    CompressionInfo ci = model.compressionInfo();
    return ZtocEncoder.encode(new Ztoc(model.version(), model.buildToolIdentifier(),
        model.compressedArchiveSize(), model.uncompressedArchiveSize(), model.entries(),
        new CompressionInfo(ci.algorithm(), ci.maxSpanId(), ci.spanDigests(), blob)));
  }

  @Test
  void aShiftedCheckpointFailsTypedAndNeverGivesOtherBytes() throws Exception {
    byte[] blob = Files.readAllBytes(VECTORS.resolve("layers/pystd-named.tar.gz"));
    byte[] good = ZtocBuilder.create().spanSize(65536).build(new ByteArrayInputStream(blob)).bytes();
    Map<String, byte[]> files = LayerReaderTest.regularFiles(blob, "pystd-named.tar.gz");
    int spans = ZtocView.open(good).spanCount();
    assertThat(spans).isGreaterThan(3);
    for (int cp : new int[] {1, 2, spans / 2, spans - 2, spans - 1}) {
      for (long delta : new long[] {512, -512, 1}) {
        byte[] bad;
        try {
          bad = shiftCheckpoint(good, cp, delta);
          ZtocView.open(bad);
        } catch (ZtocFormatException | IllegalArgumentException refusedAtOpen) {
          continue; // e.g. no longer ascending
        }
        int mismatches = 0;
        ZtocView view = ZtocView.open(bad);
        try (LayerReader reader = LayerReader.open(view, RangeSource.of(blob))) {
          for (Map.Entry<String, byte[]> f : files.entrySet()) {
            try {
              boolean same = Arrays.equals(reader.readFile(f.getKey()), f.getValue());
              assertThat(same).as("checkpoint %d %+d, %s: right bytes", cp, delta, f.getKey()).isTrue();
            } catch (CheckpointMismatchException | LayerMismatchException e) {
              mismatches++;
            }
          }
          // The span that ends at the moved checkpoint is refused.
          long from = view.spanUncompressedStart(cp - 1);
          byte[] span = new byte[(int) (view.spanUncompressedEnd(cp - 1) - from)];
          assertThatThrownBy(() -> reader.read(from, span, 0, span.length)).as("checkpoint %d %+d", cp, delta).isInstanceOf(CheckpointMismatchException.class)
              .hasMessageContaining("span " + (cp - 1) + ": ");
        }
        assertThat(mismatches).as("checkpoint %d %+d", cp, delta).isPositive();
      }
    }
  }

  @Test
  void aSpanClaimingMoreThanDeflateCanProduceIsRefusedBeforeAnyAllocation() throws Exception {
    byte[] good = Files.readAllBytes(VECTORS.resolve("ztoc/pystd-named.tar.gz.1048576.ztoc"));
    int last = ZtocView.open(good).spanCount() - 1;
    // All later checkpoints move together, so only span last-1 grows: by 2 GB.
    byte[] bad = shiftCheckpoint(good, last, 2L << 30);
    assertThatThrownBy(() -> ZtocView.open(bad))
        .isInstanceOf(ZtocFormatException.class)
        .hasMessageContaining("cannot inflate");
  }

  @Test
  void theDefaultSpanBoundFitsTheHeap() {
    assertThat(LayerReader.defaultMaxSpanBytes(256L << 20)).isEqualTo(32 << 20);
    assertThat(LayerReader.defaultMaxSpanBytes(16L << 30)).isEqualTo(LayerReader.DEFAULT_MAX_SPAN_BYTES);
    assertThat(LayerReader.defaultMaxSpanBytes(1 << 20)).isEqualTo(1 << 20);
  }

  @Test
  void aSpanLargerThanTheReadersBoundIsATypedErrorNotAnAllocation() throws Exception {
    // 48 MiB of zeros inflate from 47 KB: within deflate's ratio, so the zTOC is well formed.
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    tar.writeBytes(header("z", '0', 48 << 20, ""));
    tar.writeBytes(new byte[(48 << 20) + 1024]);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(tar.toByteArray());
    }
    byte[] layer = gz.toByteArray();
    ZtocView view = ZtocView.open(
        ZtocBuilder.create().spanSize(64 << 20).build(new ByteArrayInputStream(layer)).bytes());
    try (LayerReader reader = LayerReader.builder(view, RangeSource.of(layer))
        .maxSpanBytes(32 << 20).build()) {
      assertThatThrownBy(() -> reader.readFile("z"))
          .isInstanceOf(ZtocFormatException.class)
          .hasMessageContaining("larger than the reader's bound of " + (32 << 20));
    }
  }

  @Test
  void entriesOutsideTheTarStreamAreRefused() throws Exception {
    byte[] z = tarZtoc(4096, List.of(entry("f", EntryType.REG, 512, 4000, "")));
    assertThatThrownBy(() -> ZtocView.open(z))
        .isInstanceOf(ZtocFormatException.class)
        .hasMessageContaining("outside the tar stream");
  }

  // ---- expected digest (defect 1) ------------------------------------------------------------

  @Test
  void openWithAnExpectedDigestChecksItBeforeParsing(@TempDir Path dir) throws Exception {
    byte[] z = Files.readAllBytes(VECTORS.resolve("ztoc/tiny.tar.gz.65536.ztoc"));
    String digest = Sha256.of(z, 0, z.length);
    assertThat(ZtocView.open(z, digest).entryCount()).isEqualTo(ZtocView.open(z).entryCount());
    Path file = dir.resolve("z");
    Files.write(file, z);
    assertThat(ZtocView.open(file, digest).byteSize()).isEqualTo(z.length);

    byte[] other = z.clone();
    other[other.length / 2] ^= 1;
    assertThatThrownBy(() -> ZtocView.open(other, digest))
        .isInstanceOf(ZtocDigestMismatchException.class)
        .hasMessageContaining(digest);
    Files.write(file, other);
    assertThatThrownBy(() -> ZtocView.open(file, digest))
        .isInstanceOf(ZtocDigestMismatchException.class)
        .hasMessageContaining(file.toString());
    assertThatThrownBy(() -> ZtocView.open(z, digest.toUpperCase()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ZtocView.open(z, "sha256:abc"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---- header-only types with a size (defect 6) ----------------------------------------------

  private static byte[] header(String name, char flag, long size, String link) {
    byte[] h = new byte[512];
    TestTar.put(h, 0, name);
    TestTar.put(h, 100, "0000755\0");
    TestTar.put(h, 108, "0000000\0");
    TestTar.put(h, 116, "0000000\0");
    TestTar.put(h, 124, String.format("%011o\0", size));
    TestTar.put(h, 136, "00000000000\0");
    h[156] = (byte) flag;
    TestTar.put(h, 157, link);
    TestTar.put(h, 257, "ustar\0");
    TestTar.put(h, 263, "00");
    TestTar.checksum(h);
    return h;
  }

  private static byte[] headerOnlyTypesWithSizes() {
    ByteArrayOutputStream t = new ByteArrayOutputStream();
    // Header-only types whose size fields claim data: none follows them in the stream.
    t.writeBytes(header("d/", '5', 5000, ""));
    t.writeBytes(header("d/l", '2', 1536, "f"));
    t.writeBytes(header("d/h", '1', 700, "d/f"));
    t.writeBytes(header("d/p", '6', 9999, ""));
    t.writeBytes(header("d/c", '3', 1, ""));
    t.writeBytes(header("d/f", '0', 5, ""));
    t.writeBytes(Arrays.copyOf("hello".getBytes(StandardCharsets.US_ASCII), 512));
    t.writeBytes(header("d/b", '4', 2048, ""));
    t.writeBytes(header("g", '0', 3, ""));
    t.writeBytes(Arrays.copyOf("abc".getBytes(StandardCharsets.US_ASCII), 512));
    t.writeBytes(new byte[1024]);
    return t.toByteArray();
  }

  @Test
  void headerOnlyTypesWithASizeFieldOpenListAndRead() throws Exception {
    byte[] tar = headerOnlyTypesWithSizes();
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(tar);
    }
    for (byte[] layer : List.of(tar, gz.toByteArray())) {
      byte[] z = ZtocBuilder.create().spanSize(1024).build(new ByteArrayInputStream(layer)).bytes();
      ZtocView view = ZtocView.open(z);
      // The builder keeps the header's size, as the reference does...
      assertThat(view.uncompressedSize(view.lookup("d").getAsInt())).isEqualTo(5000);
      assertThat(view.uncompressedSize(view.lookup("d/p").getAsInt())).isEqualTo(9999);
      // ...and every reader accepts it.
      assertThat(view.entries()).hasSize(8);
      assertThat(view.list("d")).hasSize(6);
      ZtocInfo.of(view);
      try (LayerReader reader = LayerReader.open(view, RangeSource.of(layer))) {
        assertThat(reader.readFile("d/f")).isEqualTo("hello".getBytes(StandardCharsets.US_ASCII));
        assertThat(reader.readFile("d/l")).isEqualTo("hello".getBytes(StandardCharsets.US_ASCII));
        assertThat(reader.readFile("d/h")).isEqualTo("hello".getBytes(StandardCharsets.US_ASCII));
        assertThat(reader.readFile("g")).isEqualTo("abc".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> reader.readFile("d/p")).isInstanceOf(NoSuchEntryException.class);
      }
    }
  }

  // ---- spans covering the stream (defect 7) --------------------------------------------------

  @Test
  void aTarStreamLargerThanItsSpansIsRefusedAtOpen() throws Exception {
    byte[] z = ZtocEncoder.encode(new Ztoc("0.9", "test", 0, 1024, List.of(),
        new CompressionInfo(Compression.UNCOMPRESSED, -1, List.of(),
            new TarZinfo(4096, 0).toBytes())));
    assertThatThrownBy(() -> ZtocView.open(z))
        .isInstanceOf(ZtocFormatException.class)
        .hasMessageContaining("uncompressed archive size 1024");
    byte[] z2 = ZtocEncoder.encode(new Ztoc("0.9", "test", 4096, 8192, List.of(),
        new CompressionInfo(Compression.UNCOMPRESSED, 0, List.of(ZERO_DIGEST),
            new TarZinfo(4096, 4096).toBytes())));
    assertThatThrownBy(() -> ZtocView.open(z2)).isInstanceOf(ZtocFormatException.class);
  }

  // ---- allocation bounds (defect 5) ----------------------------------------------------------

  private static TocEntry entry(String name, EntryType type, long offset, long size, String link) {
    return entry(name, type, offset, size, link, Map.of());
  }

  private static TocEntry entry(String name, EntryType type, long offset, long size, String link,
      Map<String, String> xattrs) {
    TreeMap<String, String> pax = new TreeMap<>();
    xattrs.forEach((k, v) -> pax.put("SCHILY.xattr." + k, v));
    return new TocEntry(name, type, offset, size, link, 0644, 0, 0, "", "",
        "1970-01-01T00:00:00Z", 0, 0, pax);
  }

  private static byte[] tarZtoc(long archive, List<TocEntry> entries) {
    return ZtocEncoder.encode(new Ztoc("0.9", "test", archive, archive, entries,
        new CompressionInfo(Compression.UNCOMPRESSED, 0, List.of(ZERO_DIGEST),
            new TarZinfo(archive, archive).toBytes())));
  }

  /** Position of the table (or vector, string) that offset field {@code slot} of table {@code t} points to. */
  private static int fieldPosition(byte[] z, int t, int slot) {
    ByteBuffer b = ByteBuffer.wrap(z).order(ByteOrder.LITTLE_ENDIAN);
    int vt = t - b.getInt(t);
    return t + Short.toUnsignedInt(b.getShort(vt + 4 + 2 * slot));
  }

  private static int target(byte[] z, int p) {
    return p + ByteBuffer.wrap(z).order(ByteOrder.LITTLE_ENDIAN).getInt(p);
  }

  private static void pointAt(byte[] z, int p, int target) {
    ByteBuffer.wrap(z).order(ByteOrder.LITTLE_ENDIAN).putInt(p, target - p);
  }

  private static int metadataVector(byte[] z) {
    int root = target(z, 0);
    int toc = target(z, fieldPosition(z, root, Schema.Z_TOC));
    return target(z, fieldPosition(z, toc, Schema.TOC_METADATA));
  }

  @Test
  void entriesSharingOneTableAreRefused() throws Exception {
    List<TocEntry> entries = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      entries.add(entry("e" + i, EntryType.REG, 512, 0, ""));
    }
    byte[] z = tarZtoc(4096, entries);
    assertThat(ZtocView.open(z).entryCount()).isEqualTo(3);
    int v = metadataVector(z);
    pointAt(z, v + 4 + 8, target(z, v + 4)); // entry 2 names entry 0's table
    assertThatThrownBy(() -> ZtocView.open(z))
        .isInstanceOf(ZtocFormatException.class)
        .hasMessageContaining("toc entry 2: shares its table");
  }

  @Test
  void entriesSharingABigXattrVectorAreRefusedInBoundedWork() throws Exception {
    // FlatBuffers offsets only point forward: share the xattrs vector placed last.
    int n = 200;
    int last = lastXattrs(tarZtoc(1 << 20, xattrEntries(n, -1)), n);
    byte[] z = tarZtoc(1 << 20, xattrEntries(n, last));
    assertThat(ZtocView.open(z).entryCount()).isEqualTo(n);
    // Every entry now references the one big xattr: 200 times 20 KB from a zTOC of 40 KB.
    int v = metadataVector(z);
    int shared = target(z, fieldPosition(z, target(z, v + 4 + 4 * last), Schema.FM_XATTRS));
    for (int i = 0; i < n; i++) {
      int p = fieldPosition(z, target(z, v + 4 + 4 * i), Schema.FM_XATTRS);
      if (p < shared) {
        pointAt(z, p, shared);
      }
    }
    assertThatThrownBy(() -> ZtocView.open(z))
        .isInstanceOf(ZtocFormatException.class)
        .hasMessageContaining("shared between entries");
  }

  private static List<TocEntry> xattrEntries(int n, int big) {
    List<TocEntry> entries = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      entries.add(entry("e" + i, EntryType.REG, 512L * (i + 1), 0, "",
          Map.of("user.k", i == big ? "v".repeat(20_000) : "v")));
    }
    return entries;
  }

  /** The entry whose xattrs vector lies furthest into the buffer. */
  private static int lastXattrs(byte[] z, int n) {
    int v = metadataVector(z);
    int best = 0;
    int bestPos = -1;
    for (int i = 0; i < n; i++) {
      int pos = target(z, fieldPosition(z, target(z, v + 4 + 4 * i), Schema.FM_XATTRS));
      if (pos > bestPos) {
        bestPos = pos;
        best = i;
      }
    }
    return best;
  }

  // ---- path lengths (defect 3) ---------------------------------------------------------------

  @Test
  void overlongPathsAndLinkTargetsFailTypedWithoutQuadraticWork() throws Exception {
    String hugeTarget = "a/".repeat(520_000);
    String deep = "d/".repeat(2000) + "f";
    byte[] z = tarZtoc(1 << 20, List.of(
        entry("a", EntryType.DIR, 512, 0, ""),
        entry("l", EntryType.SYMLINK, 1024, 0, hugeTarget),
        entry("ok", EntryType.SYMLINK, 1536, 0, "./" + deep),
        entry(deep, EntryType.REG, 2048, 0, "")));
    ZtocView view = ZtocView.open(z);
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      assertThatThrownBy(() -> view.resolve("l/x"))
          .isInstanceOf(PathTooLongException.class)
          .hasMessageContaining("link target of \"l\"")
          .hasMessageContaining("1040000 bytes");
      assertThatThrownBy(() -> view.resolve("a/".repeat(1 << 19)))
          .isInstanceOf(PathTooLongException.class)
          .hasMessageContaining("path is 1048576 bytes");
      // Up to the limit, deep paths and long targets resolve.
      assertThat(view.resolve("a/" + "./".repeat(2040))).hasValue(0);
      assertThat(view.resolve(deep)).hasValue(3);
      assertThat(view.resolve("ok")).hasValue(3);
      assertThat(view.resolve("d/".repeat(2047) + "g")).isEmpty();
    });
  }

  // ---- hash flooding (defect 4) --------------------------------------------------------------

  /** The path hash before issue 8: unseeded, so its collisions were the same in every process. */
  private static int oldHash(byte[] b) {
    long h = b.length * K;
    for (int p = 0; p + 8 <= b.length; p += 8) {
      h = (h ^ ByteBuffer.wrap(b, p, 8).order(ByteOrder.LITTLE_ENDIAN).getLong()) * K;
      h ^= h >>> 29;
    }
    h ^= h >>> 32;
    h *= K;
    return (int) (h ^ (h >>> 32));
  }

  /**
   * Names that all share one hash: a difference in only the top bit of a word survives the
   * multiplication unchanged, so flipping bit 63 of one word and bits 63 and 34 of the next
   * cancels out whatever the state (or a seed) was. Each of {@code pairs} word pairs doubles the set.
   */
  private static List<byte[]> collidingNames(int pairs, int count) {
    List<byte[]> out = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      ByteBuffer b = ByteBuffer.allocate(16 * pairs).order(ByteOrder.LITTLE_ENDIAN);
      for (int j = 0; j < pairs; j++) {
        long w = 0x6161616161616161L;
        boolean flip = (n >>> j & 1) != 0;
        b.putLong(flip ? w ^ (1L << 63) : w);
        b.putLong(flip ? w ^ (1L << 63) ^ (1L << 34) : w);
      }
      out.add(b.array());
    }
    return out;
  }

  @Test
  void namesCollidingForEverySeedDoNotMakeTheIndexQuadratic() throws Exception {
    int n = 20_000;
    List<byte[]> names = collidingNames(15, n);
    assertThat(names.stream().mapToInt(ZtocHardeningTest::oldHash).distinct().count()).isEqualTo(1);
    assertThat(PathIndex.hash(1, names.get(0), 0, 240)).isEqualTo(PathIndex.hash(1, names.get(n - 1), 0, 240));
    List<TocEntry> entries = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      entries.add(new TocEntry(ByteString.wrap(names.get(i)), EntryType.REG, 512L * (i + 1), 0,
          ByteString.EMPTY, 0644, 0, 0, ByteString.EMPTY, ByteString.EMPTY,
          "1970-01-01T00:00:00Z", 0, 0, new TreeMap<>()));
    }
    byte[] z = tarZtoc(1 << 24, entries);
    ZtocView view = ZtocView.open(z);
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      for (int i = 0; i < n; i++) {
        assertThat(view.lookup(ByteString.wrap(names.get(i)))).hasValue(i);
        assertThat(view.resolve(ByteString.wrap(names.get(i)))).hasValue(i);
      }
      byte[] missing = names.get(0).clone();
      missing[3] = 'b';
      assertThat(view.lookup(ByteString.wrap(missing))).isEmpty();
    });
    PathIndex index = view.index();
    // The build gave up hashing within its probe budget instead of spending n^2/2 probes.
    assertThat(index.hashed()).isFalse();
    assertThat(index.buildProbes())
        .isLessThanOrEqualTo((long) PathIndex.MAX_BUILD_PROBES_PER_ENTRY * n + PathIndex.BUILD_PROBE_SLACK);
  }

  @Test
  void ordinaryNamesKeepTheHashTable() throws Exception {
    int n = 50_000;
    List<TocEntry> entries = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      entries.add(entry("usr/lib/python3/pkg" + (i % 97) + "/module" + i + ".py", EntryType.REG,
          512L * (i + 1), 0, ""));
    }
    ZtocView view = ZtocView.open(tarZtoc(1 << 25, entries));
    assertThat(view.lookup("usr/lib/python3/pkg5/module5.py")).hasValue(5);
    PathIndex index = view.index();
    assertThat(index.hashed()).isTrue();
    assertThat(index.buildProbes()).isLessThan((long) PathIndex.MAX_BUILD_PROBES_PER_ENTRY * n);
  }
}
