package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.soci.core.Compression;
import dev.soci.core.RangeSource;
import dev.soci.core.SociException;
import dev.soci.core.internal.Checkpoint;
import dev.soci.core.internal.LayerIndexer;
import dev.soci.testing.Vectors;
import dev.soci.ztoc.internal.TarToc;
import dev.soci.ztoc.internal.TarTocBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Coverage-guided fuzz targets (Jazzer) for the zTOC module: the zTOC reader ({@link ZtocView}:
 * open, info, list, lookup, resolve), reads through {@link LayerReader}, the zinfo of
 * uncompressed layers ({@link TarZinfo}), the tar reader ({@link TarTocBuilder}) and the zTOC
 * builder ({@link ZtocBuilder}).
 *
 * <p>In a normal build each target runs once per committed input under {@code
 * src/test/resources/dev/soci/ztoc/ZtocFuzzTargetsTestInputs/<target>/} (regression mode); with
 * {@code JAZZER_FUZZ=1} one target is fuzzed (see {@code .ci/fuzz}). The contract: bad input
 * ends in a {@link SociException}; bytes a reader returns are the tar's bytes at that offset;
 * whatever the builder writes, the reader accepts. Anything else, a timeout or running out of
 * memory is a finding.
 */
class ZtocFuzzTargetsTest {
  /** The vector layers mutated zTOCs are read against, and their uncompressed tar streams. */
  private static final byte[] GZIP_LAYER = Vectors.read(Vectors.dir().resolve("layers/tiny.tar.gz"));
  private static final byte[] GZIP_TAR = gunzip(GZIP_LAYER);
  /** Several spans at span size 8 KiB (written by {@link ZtocFuzzSeeds}, like its zTOC seed). */
  private static final byte[] MULTI_SPAN_LAYER = resource("multi-span.tar.gz");
  private static final byte[] MULTI_SPAN_TAR = gunzip(MULTI_SPAN_LAYER);
  private static final byte[] PLAIN_TAR = Vectors.read(Vectors.dir().resolve("layers/small-plain.tar"));

  /**
   * The true decoder window at every deflate block boundary of the two gzip layers, keyed by
   * compressed bit position. A checkpoint window is the one part of a zTOC that nothing can
   * verify (no digest covers it, and a wrong one still decodes to the right lengths), so a zTOC
   * whose windows differ from these is only held to "a typed exception or some bytes". Keyed by
   * (layer length, bit position).
   */
  private static final Map<List<Long>, byte[]> TRUE_WINDOWS = new HashMap<>();

  static {
    for (byte[] layer : List.of(GZIP_LAYER, MULTI_SPAN_LAYER)) {
      try {
        // Span size 1 puts a checkpoint at every block boundary after output.
        for (Checkpoint c : LayerIndexer.index(new ByteArrayInputStream(layer), Compression.GZIP, 1, null).checkpoints()) {
          TRUE_WINDOWS.put(List.of((long) layer.length, c.in() * 8 + c.bits()), c.window());
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Shared by every reader: one pool rather than one per input. */
  private static final ExecutorService POOL = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "fuzz-reader");
    t.setDaemon(true);
    return t;
  });

  /** Bounds the work per input so that the fuzzer spends its time on variety. */
  private static final int MAX_ENTRIES_READ = 64;

  private static final int MAX_READ = 1 << 20;

  /**
   * Arbitrary bytes opened as a zTOC; an accepted one must survive every accessor, the info
   * view, re-encoding, lookups of its own and of input-chosen paths, and reads over the vector
   * layer of its compression that return the tar's bytes or fail with a typed exception.
   */
  @FuzzTest(maxDuration = "60s")
  void ztocView(byte[] data) throws IOException {
    ZtocView view;
    try {
      view = ZtocView.open(data);
    } catch (ZtocFormatException expected) {
      return;
    }
    exercise(view, data);
    // The layer the zTOC claims by its size, or a prefix of one (a truncated layer): either way
    // every byte read must be that layer's tar byte at the offset.
    long size = view.compressedArchiveSize();
    if (view.compressionAlgorithm() != Compression.GZIP) {
      byte[] layer = Arrays.copyOf(PLAIN_TAR, (int) Math.min(size, PLAIN_TAR.length));
      readAgainst(view, layer, layer, layer);
    } else if (size == MULTI_SPAN_LAYER.length || size > GZIP_LAYER.length) {
      readAgainst(view, Arrays.copyOf(MULTI_SPAN_LAYER, (int) Math.min(size, MULTI_SPAN_LAYER.length)),
          MULTI_SPAN_LAYER, MULTI_SPAN_TAR);
    } else {
      readAgainst(view, Arrays.copyOf(GZIP_LAYER, (int) size), GZIP_LAYER, GZIP_TAR);
    }
  }

  /** Arbitrary bytes parsed as the zinfo of an uncompressed layer; what parses round-trips. */
  @FuzzTest(maxDuration = "60s")
  void tarZinfo(byte[] data) throws ZtocFormatException {
    TarZinfo z;
    try {
      z = TarZinfo.parse(data);
    } catch (ZtocFormatException expected) {
      return;
    }
    assertThat(TarZinfo.parse(z.toBytes())).isEqualTo(z);
    // 48 bytes can declare two billion spans: check the ends and a few between, not each one.
    int n = z.numSpans();
    for (int i : new int[] {0, 1, n / 2, n - 2, n - 1}) {
      if (i >= 0 && i < n) {
        assertThat(z.spanStart(i)).isEqualTo(i * z.spanSize());
        assertThat(z.spanEnd(i)).isGreaterThan(z.spanStart(i)).isLessThanOrEqualTo(z.size());
      }
    }
    if (n > 0) {
      assertThat(z.spanEnd(n - 1)).isEqualTo(z.size());
    }
  }

  /**
   * Arbitrary bytes fed to the tar reader in odd-sized pieces. An accepted archive must have its
   * entries inside it, and the zTOC built from it must open and read back every file's bytes.
   */
  @FuzzTest(maxDuration = "60s")
  void tarReader(byte[] data) throws IOException {
    TarTocBuilder tar = new TarTocBuilder();
    TarToc toc;
    try {
      for (int p = 0; p < data.length; p += 511) {
        tar.write(data, p, Math.min(511, data.length - p));
      }
      toc = tar.finish();
    } catch (TarFormatException expected) {
      return;
    }
    assertThat(toc.endOffset()).isBetween(0L, (long) data.length);
    for (TocEntry e : toc.entries()) {
      // Only regular files carry data; header-only types may record a size they do not have.
      if (e.type() == EntryType.REG) {
        assertThat(e.uncompressedOffset() + e.uncompressedSize()).as(e.name()).isLessThanOrEqualTo(data.length);
      }
    }
    buildAndReadBack(data, Compression.UNCOMPRESSED, 4096, data);
  }

  /**
   * Arbitrary bytes (gzip or not, detected as the CLI does) given to the zTOC builder; a zTOC it
   * builds must open and read back the layer's uncompressed bytes.
   */
  @FuzzTest(maxDuration = "60s")
  void ztocBuilder(byte[] layer) throws IOException {
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    try {
      LayerIndexer.index(new ByteArrayInputStream(layer), null, 1 << 16, plain::write);
    } catch (SociException expected) {
      return;
    }
    buildAndReadBack(layer, null, 1 << 16, plain.toByteArray());
  }

  /**
   * A valid layer built from fuzzer-chosen entries (files, directories, symbolic and hard links;
   * plain or gzip at any level, span size chosen too): the builder must accept it, the reader
   * must open its zTOC, and every file must read back as the bytes put in the tar.
   */
  @FuzzTest(maxDuration = "60s")
  void layerRoundTrip(FuzzedDataProvider d) throws IOException {
    boolean gzip = d.consumeBoolean();
    int level = d.consumeInt(0, 9);
    long spanSize = gzip ? d.consumeLong(4096, 1 << 16) : d.consumeLong(512, 1 << 16);
    int count = d.consumeInt(0, 12);
    List<String> files = new ArrayList<>();
    List<byte[]> contents = new ArrayList<>();
    List<String> dirs = new ArrayList<>();
    List<String[]> links = new ArrayList<>(); // {name, target, "sym"|"hard"}
    ByteArrayOutputStream tarBytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(tarBytes)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (int i = 0; i < count; i++) {
        String parent = dirs.isEmpty() || d.consumeBoolean() ? "" : dirs.get(d.consumeInt(0, dirs.size() - 1)) + "/";
        // Unique by construction (the index), free text after it: long names need PAX records.
        String name = parent + "e" + i + safeName(d.consumeString(d.consumeInt(0, 200)));
        int kind = d.consumeInt(0, 3);
        if (kind == 1) {
          tar.putArchiveEntry(new TarArchiveEntry(name + "/"));
          tar.closeArchiveEntry();
          dirs.add(name);
        } else if (kind >= 2 && !files.isEmpty()) {
          String target = files.get(d.consumeInt(0, files.size() - 1));
          boolean sym = kind == 2;
          TarArchiveEntry e = new TarArchiveEntry(name, sym ? TarArchiveEntry.LF_SYMLINK : TarArchiveEntry.LF_LINK);
          e.setLinkName(sym ? "/" + target : target);
          tar.putArchiveEntry(e);
          tar.closeArchiveEntry();
          links.add(new String[] {name, target, sym ? "sym" : "hard"});
        } else {
          byte[] content = d.consumeBytes(d.consumeInt(0, 20000));
          TarArchiveEntry e = new TarArchiveEntry(name);
          e.setSize(content.length);
          tar.putArchiveEntry(e);
          tar.write(content);
          tar.closeArchiveEntry();
          files.add(name);
          contents.add(content);
        }
      }
    }
    byte[] tar = tarBytes.toByteArray();
    byte[] layer = tar;
    if (gzip) {
      ByteArrayOutputStream gz = new ByteArrayOutputStream();
      try (GZIPOutputStream out = new GZIPOutputStream(gz) {
        {
          def.setLevel(level);
        }
      }) {
        out.write(tar);
      }
      layer = gz.toByteArray();
    }
    BuiltZtoc built = ZtocBuilder.create().spanSize(spanSize).build(new ByteArrayInputStream(layer));
    assertThat(built.layerDigest()).isEqualTo(Vectors.sha256(layer));
    assertThat(built.diffId()).isEqualTo(Vectors.sha256(tar));
    ZtocView view;
    try {
      view = ZtocView.open(built.bytes());
    } catch (ZtocFormatException e) {
      throw new AssertionError("the reader rejects a zTOC the builder wrote", e);
    }
    assertThat(view.uncompressedArchiveSize()).isEqualTo(tar.length);
    assertThat(ZtocInfo.of(view).numFiles()).isEqualTo(view.entryCount());
    try (LayerReader reader = LayerReader.builder(view, RangeSource.of(layer)).executor(POOL).build()) {
      for (int i = 0; i < files.size(); i++) {
        assertBytes(files.get(i), reader.readFile(files.get(i)), contents.get(i));
      }
      for (String[] link : links) {
        byte[] target = contents.get(files.indexOf(link[1]));
        assertBytes(link[2] + " link " + link[0], reader.readFile(link[0]), target);
      }
      for (String dir : dirs) {
        assertThat(view.lookup(dir)).as(dir).isPresent();
        view.list(dir);
      }
    }
  }

  // ---- contract checks shared by the targets ----------------------------------------------

  /** Builds a zTOC of {@code layer}, which must open and read back {@code plain} exactly. */
  private static void buildAndReadBack(byte[] layer, Compression compression, long spanSize, byte[] plain)
      throws IOException {
    BuiltZtoc built;
    try {
      built = ZtocBuilder.create().compression(compression).spanSize(spanSize).build(new ByteArrayInputStream(layer));
    } catch (SociException expected) {
      return;
    }
    ZtocView view;
    try {
      view = ZtocView.open(built.bytes());
    } catch (ZtocFormatException e) {
      throw new AssertionError("the reader rejects a zTOC the builder wrote", e);
    }
    exercise(view, built.bytes());
    try (LayerReader reader = LayerReader.builder(view, RangeSource.of(layer)).executor(POOL).build()) {
      assertThat(reader.size()).isLessThanOrEqualTo(plain.length);
      byte[] all = new byte[(int) reader.size()];
      readFully(reader, 0, all);
      assertBytes("the whole stream", all, Arrays.copyOf(plain, all.length));
      for (int i = 0; i < Math.min(view.entryCount(), MAX_ENTRIES_READ); i++) {
        if (view.type(i) == EntryType.REG && view.rawName(i).isValidUtf8()) {
          // The path may name another entry (a later one of the same path, or links): compare
          // with the entry it resolves to.
          int entry;
          try {
            entry = reader.regularFile(view.name(i));
          } catch (NoSuchEntryException | SymlinkLoopException ambiguous) {
            continue;
          }
          int at = (int) view.uncompressedOffset(entry);
          byte[] expected = Arrays.copyOfRange(plain, at, at + (int) view.uncompressedSize(entry));
          assertBytes(view.name(i), reader.readFile(view.name(i)), expected);
        }
      }
    }
  }

  private static void readFully(LayerReader reader, long at, byte[] dst) throws IOException {
    int done = 0;
    while (done < dst.length) {
      int n = reader.read(at + done, dst, done, dst.length - done);
      assertThat(n).as("read at %d", at + done).isPositive();
      done += n;
    }
  }

  /** Every accessor, the info view, re-encoding, lookups of its own and input-chosen paths. */
  private static void exercise(ZtocView view, byte[] input) throws IOException {
    ZtocInfo.of(view);
    view.toModel();
    try {
      ZtocView again = ZtocView.open(ZtocEncoder.encode(view.toModel()));
      assertThat(again.toModel()).isEqualTo(view.toModel());
    } catch (ZtocFormatException e) {
      throw new AssertionError("a re-encoded accepted zTOC was rejected", e);
    }
    if (view.compressionAlgorithm() == Compression.GZIP) {
      view.gzipZinfo();
    } else {
      view.tarZinfo();
    }
    for (int i = 0; i < view.spanCount(); i++) {
      view.spanCompressedStart(i);
      view.spanCompressedEnd(i);
      assertThat(view.spanUncompressedEnd(i)).isGreaterThanOrEqualTo(view.spanUncompressedStart(i));
      view.spanDigest(i);
    }
    List<ByteString> queries = new ArrayList<>();
    queries.add(ByteString.EMPTY);
    queries.add(ByteString.utf8("/"));
    for (int i = 0; i < Math.min(view.entryCount(), MAX_ENTRIES_READ); i++) {
      view.entry(i);
      ByteString name = view.rawName(i);
      assertThat(view.lookup(name)).as("lookup of its own name %s", name).isPresent();
      queries.add(name);
      queries.add(view.rawLinkname(i));
    }
    // A path chosen by the input itself: its last bytes, as the fuzzer mutates them.
    int tail = Math.min(input.length, 300);
    queries.add(ByteString.of(input, input.length - tail, tail));
    for (ByteString q : queries) {
      view.lookup(q);
      view.list(q);
      try {
        OptionalInt r = view.resolve(q);
        if (r.isPresent()) {
          assertThat(r.getAsInt()).isBetween(0, view.entryCount() - 1);
        }
      } catch (SymlinkLoopException expected) {
        // a legitimate outcome for hostile link targets
      }
    }
  }

  /**
   * Reads every entry's range, and the whole stream, of {@code view} over {@code layer}: every
   * byte returned must be {@code tar}'s byte at that offset; failing is allowed, with a typed
   * exception only. {@code layer} may be a prefix of {@code original} (a truncated layer): the
   * true windows are {@code original}'s.
   */
  private static void readAgainst(ZtocView view, byte[] layer, byte[] original, byte[] tar) throws IOException {
    boolean checkBytes = view.compressionAlgorithm() != Compression.GZIP || windowsAreTrue(view, original.length);
    LayerReader reader;
    try {
      reader = LayerReader.builder(view, RangeSource.of(layer)).executor(POOL).maxSpanBytes(16 << 20).build();
    } catch (SociException expected) {
      return;
    }
    try (reader) {
      for (int i = 0; i < Math.min(view.entryCount(), MAX_ENTRIES_READ); i++) {
        checkRange(reader, view.uncompressedOffset(i), view.uncompressedSize(i), checkBytes ? tar : null);
        if (view.type(i) == EntryType.REG && view.rawName(i).isValidUtf8()) {
          try {
            byte[] content = reader.readFile(view.name(i));
            int entry = reader.regularFile(view.name(i));
            if (checkBytes) {
              assertSameAsTar(content, view.uncompressedOffset(entry), tar);
            }
          } catch (SociException expected) {
            // typed: the contract
          }
        }
      }
      checkRange(reader, 0, reader.size(), checkBytes ? tar : null);
    }
  }

  /** Whether every checkpoint that sits at a true block boundary carries the true window there. */
  private static boolean windowsAreTrue(ZtocView view, int layerLength) {
    for (Checkpoint c : view.gzipZinfo().checkpoints()) {
      byte[] truth = TRUE_WINDOWS.get(List.of((long) layerLength, c.in() * 8 + c.bits()));
      if (truth != null && !Arrays.equals(truth, c.window())) {
        return false;
      }
    }
    return true;
  }

  private static void checkRange(LayerReader reader, long offset, long size, byte[] tar) throws IOException {
    byte[] got = new byte[(int) Math.min(size, MAX_READ)];
    int n;
    try {
      n = reader.read(offset, got, 0, got.length);
    } catch (SociException expected) {
      return;
    }
    if (n > 0 && tar != null) {
      assertSameAsTar(Arrays.copyOf(got, n), offset, tar);
    }
  }

  private static void assertSameAsTar(byte[] got, long offset, byte[] tar) {
    assertThat(offset + got.length).as("bytes returned past the end of the tar stream").isLessThanOrEqualTo(tar.length);
    assertBytes("read at offset " + offset, got, Arrays.copyOfRange(tar, (int) offset, (int) offset + got.length));
  }

  /** Equal bytes, or a failure naming the first difference (not two megabyte-long arrays). */
  private static void assertBytes(String what, byte[] got, byte[] expected) {
    int at = Arrays.mismatch(got, expected);
    if (at >= 0) {
      throw new AssertionError("wrong bytes: " + what + ": " + got.length + " bytes returned, "
          + expected.length + " expected, first difference at byte " + at);
    }
  }

  private static String safeName(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      b.append(Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '-' || c == '_' ? c : 'x');
    }
    return b.toString();
  }

  private static byte[] resource(String name) {
    try (java.io.InputStream in = ZtocFuzzTargetsTest.class.getResourceAsStream(name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] gunzip(byte[] gz) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
