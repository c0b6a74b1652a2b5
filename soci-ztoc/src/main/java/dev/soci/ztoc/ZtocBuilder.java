package dev.soci.ztoc;

import dev.soci.core.Compression;
import dev.soci.core.IndexLimitException;
import dev.soci.core.internal.GzipZinfo;
import dev.soci.core.internal.LayerIndex;
import dev.soci.core.internal.LayerIndexer;
import dev.soci.core.internal.Sha256;
import dev.soci.ztoc.internal.EncodedSize;
import dev.soci.ztoc.internal.TarToc;
import dev.soci.ztoc.internal.TarTocBuilder;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Builds the zTOC of a layer in one streaming pass, byte-identical to the reference soci
 * implementation for the same options.
 *
 * <p>The layer is read exactly once, start to end, with no temporary file: the gzip decoder
 * records checkpoints and hashes spans as it goes, and its output feeds the tar reader directly.
 * Memory stays bounded whatever the layer size, apart from the result itself (the checkpoints
 * hold 32 KiB each, one per span).
 *
 * <p>What a layer can make the build hold is bounded by three limits, checked while the layer
 * streams, before the memory they guard is allocated; a layer beyond one fails with {@link
 * IndexLimitException} naming it. No real layer reaches the defaults, but a hostile one (a
 * million empty deflate blocks, each a checkpoint; a gzip bomb of tar headers) or a far too
 * small span size does:
 *
 * <ul>
 *   <li>{@link #maxSpans(long)}: spans (gzip checkpoints), default {@link #DEFAULT_MAX_SPANS};
 *   <li>{@link #maxZtocSize(long)}: encoded zTOC bytes (32,785 per checkpoint, about 80 per span
 *       digest, the TOC entries as encoded), default {@link #DEFAULT_MAX_ZTOC_SIZE}; the
 *       checkpoints and the entries are each held to it while streaming, their sum before
 *       encoding;
 *   <li>{@link #maxEntries(long)}: TOC entries, default {@link #DEFAULT_MAX_ENTRIES}.
 * </ul>
 *
 * <p>Instances are immutable and thread-safe; the option methods return modified copies:
 *
 * <pre>{@code
 * BuiltZtoc z = ZtocBuilder.create().spanSize(1 << 20).build(Path.of("layer.tar.gz"));
 * Files.write(Path.of("layer.ztoc"), z.bytes());
 * }</pre>
 */
public final class ZtocBuilder {
  /** The reference's default span size: 4 MiB of uncompressed data between checkpoints. */
  public static final long DEFAULT_SPAN_SIZE = 4L << 20;

  /** Identifies this library and its version in the zTOCs it builds, unless told otherwise. */
  public static final String DEFAULT_BUILD_TOOL_IDENTIFIER = "soci-java v" + projectVersion();

  /**
   * The largest zTOC that can be encoded at all: a FlatBuffer addresses at most 2 GiB, and a Java
   * array holds a little less.
   */
  public static final long MAX_ENCODABLE_ZTOC_SIZE = Integer.MAX_VALUE - 16;

  /**
   * Default of {@link #maxZtocSize(long)}: the smaller of {@link #MAX_ENCODABLE_ZTOC_SIZE} and a
   * quarter of the JVM's maximum heap ({@code Runtime.maxMemory()}, set with {@code -Xmx}). A
   * build holds about twice its zTOC at the peak (the checkpoints' windows and the encoder's
   * buffer), so a quarter leaves half the heap to the rest of the program. With a 4 GiB heap
   * that is 1 GiB: about 32,000 checkpoints, a 128 GiB layer at 4 MiB spans; under {@code
   * -Xmx256m}, 64 MiB (an 8 GiB layer).
   */
  public static final long DEFAULT_MAX_ZTOC_SIZE =
      Math.min(MAX_ENCODABLE_ZTOC_SIZE, Runtime.getRuntime().maxMemory() / 4);

  /** Default of {@link #maxSpans(long)}: 65,536 (the indexer's own default). */
  public static final long DEFAULT_MAX_SPANS = LayerIndexer.DEFAULT_MAX_SPANS;

  /**
   * Default of {@link #maxEntries(long)}: one entry per 2 KiB of the JVM's maximum heap ({@code
   * -Xmx}), at least 1,024. A built zTOC holds about 0.5 KiB per entry (measured: 488 bytes for
   * 130,000 empty files, objects and encoded bytes together), and more while it is encoded, so
   * the entries stay well within half the heap. With a 4 GiB heap that is two million entries;
   * under {@code -Xmx256m}, 131,072.
   */
  public static final long DEFAULT_MAX_ENTRIES = Math.max(1024, Runtime.getRuntime().maxMemory() / 2048);

  private final long spanSize;
  private final String buildToolIdentifier;
  private final Compression compression;
  private final boolean parallelHashing;
  private final long maxSpans;
  private final long maxZtocSize;
  private final long maxEntries;

  private ZtocBuilder(long spanSize, String buildToolIdentifier, Compression compression, boolean parallelHashing,
      long maxSpans, long maxZtocSize, long maxEntries) {
    this.spanSize = spanSize;
    this.buildToolIdentifier = buildToolIdentifier;
    this.compression = compression;
    this.parallelHashing = parallelHashing;
    this.maxSpans = maxSpans;
    this.maxZtocSize = maxZtocSize;
    this.maxEntries = maxEntries;
  }

  /**
   * A builder with the defaults: 4 MiB spans, this library as build tool, compression detected,
   * the default limits.
   *
   * @return a builder with the default settings
   */
  public static ZtocBuilder create() {
    return new ZtocBuilder(DEFAULT_SPAN_SIZE, DEFAULT_BUILD_TOOL_IDENTIFIER, null,
        LayerIndexer.DEFAULT_PARALLEL_HASHING, DEFAULT_MAX_SPANS, DEFAULT_MAX_ZTOC_SIZE, DEFAULT_MAX_ENTRIES);
  }

  /**
   * Uncompressed bytes between checkpoints (gzip) or the fixed span length (uncompressed).
   *
   * @param spanSize the span size in uncompressed bytes; positive
   * @return a new builder with that span size and this one's other settings
   */
  public ZtocBuilder spanSize(long spanSize) {
    if (spanSize <= 0) {
      throw new IllegalArgumentException("span size must be positive, got " + spanSize);
    }
    return new ZtocBuilder(spanSize, buildToolIdentifier, compression, parallelHashing, maxSpans, maxZtocSize,
        maxEntries);
  }

  /**
   * Free text recorded in the zTOC; the reference CLI writes {@code AWS SOCI CLI v0.2}.
   *
   * @param identifier the text to record; not null, may be empty
   * @return a new builder with that identifier and this one's other settings
   */
  public ZtocBuilder buildToolIdentifier(String identifier) {
    if (identifier == null) {
      throw new NullPointerException("identifier");
    }
    return new ZtocBuilder(spanSize, identifier, compression, parallelHashing, maxSpans, maxZtocSize, maxEntries);
  }

  /**
   * The layer's compression; {@code null} (the default) detects it from the first bytes: the gzip
   * magic means gzip, anything else is read as an uncompressed tar.
   *
   * @param compression the layer's compression, or {@code null} to detect it
   * @return a new builder with that compression and this one's other settings
   */
  public ZtocBuilder compression(Compression compression) {
    return new ZtocBuilder(spanSize, buildToolIdentifier, compression, parallelHashing, maxSpans, maxZtocSize,
        maxEntries);
  }

  /**
   * Whether the layer's SHA-256 digests (blob, spans, diff ID) are computed on a helper thread
   * while the calling thread decodes: by default when the JVM has more than one processor ({@link
   * LayerIndexer#DEFAULT_PARALLEL_HASHING}). The zTOC is byte-identical either way; turn it off
   * when many layers are already built in parallel on every core, where the helper only adds
   * copying.
   *
   * @param parallelHashing {@code true} to hash on a helper thread, {@code false} to hash on the
   *     calling thread
   * @return a new builder with that choice and this one's other settings
   */
  public ZtocBuilder parallelHashing(boolean parallelHashing) {
    return new ZtocBuilder(spanSize, buildToolIdentifier, compression, parallelHashing, maxSpans, maxZtocSize,
        maxEntries);
  }

  /**
   * The most spans (gzip checkpoints, or fixed spans of an uncompressed layer) a layer may have;
   * default {@link #DEFAULT_MAX_SPANS}. A layer needing more fails with {@link
   * IndexLimitException} ({@code maxSpans}) before the next checkpoint is allocated.
   *
   * @param maxSpans the most spans a layer may have; positive
   * @return a new builder with that limit and this one's other settings
   */
  public ZtocBuilder maxSpans(long maxSpans) {
    requirePositive("maxSpans", maxSpans);
    return new ZtocBuilder(spanSize, buildToolIdentifier, compression, parallelHashing, maxSpans, maxZtocSize,
        maxEntries);
  }

  /**
   * The largest zTOC, in encoded bytes, the build may produce; default {@link
   * #DEFAULT_MAX_ZTOC_SIZE}. The checkpoints and span digests, and the TOC entries, are each
   * held to it as the layer streams (as upper bounds of their encoded size) and their sum before
   * encoding; over it the build fails with {@link IndexLimitException} ({@code maxZtocSize}).
   * Values above {@link #MAX_ENCODABLE_ZTOC_SIZE} are lowered to it.
   *
   * @param maxZtocSize the largest zTOC in bytes; positive
   * @return a new builder with that limit and this one's other settings
   */
  public ZtocBuilder maxZtocSize(long maxZtocSize) {
    requirePositive("maxZtocSize", maxZtocSize);
    return new ZtocBuilder(spanSize, buildToolIdentifier, compression, parallelHashing, maxSpans,
        Math.min(maxZtocSize, MAX_ENCODABLE_ZTOC_SIZE), maxEntries);
  }

  /**
   * The most TOC entries (tar headers, PAX and GNU long-name records not counted) a layer may
   * have; default {@link #DEFAULT_MAX_ENTRIES}. The entry beyond it fails with {@link
   * IndexLimitException} ({@code maxEntries}) before it is stored.
   *
   * @param maxEntries the most TOC entries a layer may have; positive
   * @return a new builder with that limit and this one's other settings
   */
  public ZtocBuilder maxEntries(long maxEntries) {
    requirePositive("maxEntries", maxEntries);
    return new ZtocBuilder(spanSize, buildToolIdentifier, compression, parallelHashing, maxSpans, maxZtocSize,
        maxEntries);
  }

  /**
   * See {@link #maxSpans(long)}.
   *
   * @return the most spans a layer may have
   */
  public long maxSpans() {
    return maxSpans;
  }

  /**
   * See {@link #maxZtocSize(long)}.
   *
   * @return the largest zTOC, in bytes, the build may produce
   */
  public long maxZtocSize() {
    return maxZtocSize;
  }

  /**
   * See {@link #maxEntries(long)}.
   *
   * @return the most TOC entries a layer may have
   */
  public long maxEntries() {
    return maxEntries;
  }

  private static void requirePositive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }

  /**
   * Whether digests are computed on a helper thread; see {@link #parallelHashing(boolean)}.
   *
   * @return {@code true} when digests are computed on a helper thread
   */
  public boolean parallelHashing() {
    return parallelHashing;
  }

  /**
   * Uncompressed bytes between checkpoints (gzip) or the fixed span length (uncompressed); see
   * {@link #spanSize(long)}.
   *
   * @return the span size in uncompressed bytes
   */
  public long spanSize() {
    return spanSize;
  }

  /**
   * The free text the build records in the zTOC; see {@link #buildToolIdentifier(String)}.
   *
   * @return the build tool identifier, never null
   */
  public String buildToolIdentifier() {
    return buildToolIdentifier;
  }

  /**
   * The configured compression, or null when it is detected.
   *
   * @return the layer's compression, or {@code null} when it is detected from the first bytes
   */
  public Compression compression() {
    return compression;
  }

  /**
   * Builds the zTOC of the layer file at {@code layer}.
   *
   * @param layer the layer blob's file
   * @return the zTOC and what the pass over the layer found
   * @throws IOException if the file cannot be read, or for the errors {@link #build(InputStream)}
   *     throws
   */
  public BuiltZtoc build(Path layer) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(layer), 1 << 16)) {
      return build(in);
    }
  }

  /**
   * Builds the zTOC of the layer read from {@code layer}, which is read to its end and not
   * closed.
   *
   * @param layer the layer blob's bytes, compressed or not
   * @return the zTOC and what the pass over the layer found
   * @throws dev.soci.core.SociException (a subclass) for a corrupt or truncated layer, a tar
   *     error, or an entry type a zTOC cannot describe
   * @throws IndexLimitException when the layer exceeds one of the limits
   */
  public BuiltZtoc build(InputStream layer) throws IOException {
    InputStream in = layer.markSupported() ? layer : new BufferedInputStream(layer, 1 << 16);
    // Known up front, so that the span limit can count what a span costs in this compression.
    Compression c = compression != null ? compression : detect(in);
    long fixed = EncodedSize.fixedSize(Ztoc.VERSION, buildToolIdentifier);
    boolean gzip = c == Compression.GZIP;
    long perSpan = (gzip ? GzipZinfo.serializedSize(1) - GzipZinfo.serializedSize(0) : 0)
        + EncodedSize.spanDigestSize(SPAN_DIGEST_SHAPE);
    long zinfoBase = gzip ? GzipZinfo.serializedSize(0) : TAR_ZINFO_SIZE;
    long spansBySize = Math.max(1, (maxZtocSize - fixed - zinfoBase) / perSpan);
    long spanLimit = Math.min(maxSpans, spansBySize);

    TarTocBuilder tar = new TarTocBuilder(maxEntries, maxZtocSize);
    LayerIndex index;
    try {
      index = LayerIndexer.index(in, c, spanSize, tar::write, parallelHashing, spanLimit);
    } catch (IndexLimitException e) {
      if (!e.limitName().equals("maxSpans") || spanLimit == maxSpans) {
        throw e;
      }
      // The span limit came from the size limit: say so, and which option raises it.
      IndexLimitException bySize = new IndexLimitException("maxZtocSize", maxZtocSize, "layer needs more than "
          + spanLimit + " spans at span size " + spanSize + ", a zTOC larger than maxZtocSize=" + maxZtocSize
          + " bytes (" + perSpan + " bytes per span); use a larger span size, or raise the limit with"
          + " ZtocBuilder.maxZtocSize (its default is the smaller of 2 GiB and a quarter of the maximum heap, -Xmx)");
      bySize.initCause(e);
      throw bySize;
    }
    TarToc toc = tar.finish();
    // Each part was held to the limit while streaming; their sum is checked before the encoder
    // allocates its buffer.
    long total = fixed + zinfoBase + index.spanCount() * perSpan + tar.encodedEntryBytes();
    if (total > maxZtocSize) {
      throw new IndexLimitException("maxZtocSize", maxZtocSize, "the zTOC of the layer would take up to " + total
          + " bytes (" + index.spanCount() + " spans, " + toc.entries().size() + " entries), more than maxZtocSize="
          + maxZtocSize + "; raise the limit with ZtocBuilder.maxZtocSize (its default is the smaller of 2 GiB"
          + " and a quarter of the maximum heap, -Xmx)");
    }

    int maxSpanId = index.spanCount() - 1;
    ZtocEncoder.Encoded e;
    if (index.compression() == Compression.GZIP) {
      // The windows go from the checkpoints straight into the encoder's buffer: no separate
      // zinfo blob, which for a 1 GiB layer would be another 8 MiB alive at the peak.
      GzipZinfo zinfo = new GzipZinfo(spanSize, index.checkpoints());
      e = encode(toc, index, maxSpanId, zinfo.serializedSize(), zinfo::writeTo);
    } else {
      byte[] zinfo = new TarZinfo(spanSize, index.compressedSize()).toBytes();
      e = encode(toc, index, maxSpanId, zinfo.length, dst -> dst.put(zinfo));
    }
    // The model's zinfo is the region of the encoded bytes that holds it: one copy of the windows
    // in the zTOC, not two.
    Ztoc ztoc = new Ztoc(Ztoc.VERSION, buildToolIdentifier, index.compressedSize(), toc.endOffset(), toc.entries(),
        CompressionInfo.adopt(index.compression(), maxSpanId, index.spanDigests(), e.array(), e.zinfoOffset(),
            e.zinfoLength()));
    byte[] array = e.array();
    int off = e.offset();
    int len = e.length();
    // Trim only when the size estimate left much slack; otherwise keep the buffer as it is.
    if (array.length - len > (len >>> 3) + 4096) {
      byte[] exact = java.util.Arrays.copyOfRange(array, off, off + len);
      ztoc = new Ztoc(ztoc.version(), ztoc.buildToolIdentifier(), ztoc.compressedArchiveSize(),
          ztoc.uncompressedArchiveSize(), ztoc.entries(), CompressionInfo.adopt(index.compression(), maxSpanId,
              index.spanDigests(), exact, e.zinfoOffset() - off, e.zinfoLength()));
      array = exact;
      off = 0;
    }
    return new BuiltZtoc(ztoc, array, off, len, Sha256.of(array, off, len), index);
  }

  private ZtocEncoder.Encoded encode(TarToc toc, LayerIndex index, int maxSpanId, int zinfoLength,
      ZtocEncoder.BlobWriter zinfo) {
    return ZtocEncoder.encode(Ztoc.VERSION, buildToolIdentifier, index.compressedSize(), toc.endOffset(),
        toc.entries(), index.compression(), maxSpanId, index.spanDigests(), zinfoLength, zinfo);
  }

  /** Size of a tar zinfo with every field present (none omitted as a default). */
  private static final long TAR_ZINFO_SIZE = new TarZinfo(1, 1).toBytes().length;

  /** A span digest as the indexer writes them, {@code sha256:<64 hex>}, for the size bound. */
  private static final String SPAN_DIGEST_SHAPE = "sha256:" + "0".repeat(64);

  /** The layer's compression from its first two bytes, left unread in {@code in}. */
  private static Compression detect(InputStream in) throws IOException {
    byte[] first = new byte[2];
    in.mark(first.length);
    int n = in.readNBytes(first, 0, first.length);
    in.reset();
    return Compression.detect(first, n);
  }

  private static String projectVersion() {
    try (InputStream in = ZtocBuilder.class.getResourceAsStream("version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
