package dev.soci.ztoc;

import dev.soci.core.Compression;
import dev.soci.core.GzipZinfo;
import dev.soci.core.LayerIndex;
import dev.soci.core.LayerIndexer;
import dev.soci.core.Sha256;
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

  private final long spanSize;
  private final String buildToolIdentifier;
  private final Compression compression;
  private final boolean parallelHashing;

  private ZtocBuilder(long spanSize, String buildToolIdentifier, Compression compression, boolean parallelHashing) {
    this.spanSize = spanSize;
    this.buildToolIdentifier = buildToolIdentifier;
    this.compression = compression;
    this.parallelHashing = parallelHashing;
  }

  /** A builder with the defaults: 4 MiB spans, this library as build tool, compression detected. */
  public static ZtocBuilder create() {
    return new ZtocBuilder(DEFAULT_SPAN_SIZE, DEFAULT_BUILD_TOOL_IDENTIFIER, null,
        LayerIndexer.DEFAULT_PARALLEL_HASHING);
  }

  /** Uncompressed bytes between checkpoints (gzip) or the fixed span length (uncompressed). */
  public ZtocBuilder spanSize(long spanSize) {
    if (spanSize <= 0) {
      throw new IllegalArgumentException("span size must be positive, got " + spanSize);
    }
    return new ZtocBuilder(spanSize, buildToolIdentifier, compression, parallelHashing);
  }

  /** Free text recorded in the zTOC; the reference CLI writes {@code AWS SOCI CLI v0.2}. */
  public ZtocBuilder buildToolIdentifier(String identifier) {
    if (identifier == null) {
      throw new NullPointerException("identifier");
    }
    return new ZtocBuilder(spanSize, identifier, compression, parallelHashing);
  }

  /**
   * The layer's compression; {@code null} (the default) detects it from the first bytes: the gzip
   * magic means gzip, anything else is read as an uncompressed tar.
   */
  public ZtocBuilder compression(Compression compression) {
    return new ZtocBuilder(spanSize, buildToolIdentifier, compression, parallelHashing);
  }

  /**
   * Whether the layer's SHA-256 digests (blob, spans, diff ID) are computed on a helper thread
   * while the calling thread decodes: by default when the JVM has more than one processor ({@link
   * LayerIndexer#DEFAULT_PARALLEL_HASHING}). The zTOC is byte-identical either way; turn it off
   * when many layers are already built in parallel on every core, where the helper only adds
   * copying.
   */
  public ZtocBuilder parallelHashing(boolean parallelHashing) {
    return new ZtocBuilder(spanSize, buildToolIdentifier, compression, parallelHashing);
  }

  /** Whether digests are computed on a helper thread; see {@link #parallelHashing(boolean)}. */
  public boolean parallelHashing() {
    return parallelHashing;
  }

  public long spanSize() {
    return spanSize;
  }

  public String buildToolIdentifier() {
    return buildToolIdentifier;
  }

  /** The configured compression, or null when it is detected. */
  public Compression compression() {
    return compression;
  }

  /** Builds the zTOC of the layer file at {@code layer}. */
  public BuiltZtoc build(Path layer) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(layer), 1 << 16)) {
      return build(in);
    }
  }

  /**
   * Builds the zTOC of the layer read from {@code layer}, which is read to its end and not
   * closed.
   *
   * @throws dev.soci.core.SociException (a subclass) for a corrupt or truncated layer, a tar
   *     error, or an entry type a zTOC cannot describe
   */
  public BuiltZtoc build(InputStream layer) throws IOException {
    TarTocBuilder tar = new TarTocBuilder();
    LayerIndex index = LayerIndexer.index(layer, compression, spanSize, tar::write, parallelHashing);
    TarToc toc = tar.finish();

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
