package dev.soci.ztoc;

import dev.soci.core.Compression;
import dev.soci.core.internal.GoJsonString;
import dev.soci.core.internal.GzipZinfo;
import dev.soci.core.internal.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * A zTOC opened over its bytes without materialising its entries: every accessor reads the
 * FlatBuffers data in place.
 *
 * <p>Opening validates the whole buffer up front in one allocation-free pass per entry (every
 * offset, vtable, vector and string in bounds and NUL-terminated, known entry types, entries
 * non-overlapping in offset order as the reference requires, span digests well formed and
 * counted right, the zinfo consistent with the spans and the archive sizes), so later accessors
 * cannot fail. Any damage is reported as {@link ZtocFormatException}. String contents are not
 * required to be UTF-8: tar names and PAX values are raw bytes, and the reference writes them
 * verbatim. Raw accessors ({@link #rawName}, {@link #rawLinkname}, {@link #entry}) return the
 * exact bytes; the {@code String} ones decode UTF-8 with U+FFFD replacement.
 *
 * <p>Path lookup ({@link #lookup}, {@link #resolve}, {@link #list}) works on raw name bytes; a
 * {@code String} query is encoded as UTF-8, so it finds UTF-8 names, and a {@link ByteString}
 * query finds names in any encoding. Paths are normalised: leading {@code /} and {@code ./},
 * empty and {@code .} segments and a trailing {@code /} are dropped, and {@code ..} removes the
 * previous segment (never climbing above the root). So {@code ./etc/}, {@code /etc} and {@code
 * etc} all name the same entry. When several entries have the same normalised name, the last
 * one in archive order wins, as when extracting the tar. The name index is built on the first
 * lookup. Instances are immutable apart from lazily built indexes, and safe for concurrent use.
 *
 * <p><b>What a loose zTOC guarantees.</b> Opening checks that a zTOC is well formed and
 * self-consistent: every entry's data lies inside the tar stream and no two overlap, checkpoints
 * ascend inside the layer, spans cover the stream, and no shared structure lets a small zTOC make
 * a reader allocate or work beyond a small multiple of its size. Reading through {@link
 * LayerReader} checks each span's compressed bytes against the zTOC's span digest, and that the
 * span inflates from its checkpoint to exactly the length its checkpoints give and ends where the
 * next span starts. What no check can catch is a zTOC that is consistent but lies: the span
 * digests are part of the zTOC, so they vouch for the layer's bytes only as far as the zTOC itself
 * is trusted; a changed checkpoint window, for instance, yields other bytes with no error. A
 * zTOC is trusted when its digest is the one recorded where it was found (the SOCI index that
 * lists it): open it with {@link #open(byte[], String)} or {@link #open(Path, String)}, and a
 * read then returns the layer's bytes or fails. Without an expected digest, treat what a loose
 * zTOC yields as no more trustworthy than the zTOC file itself.
 *
 * <p><b>Spans.</b> Span {@code i} covers compressed bytes {@code [spanCompressedStart(i),
 * spanCompressedEnd(i))} and uncompressed bytes {@code [spanUncompressedStart(i),
 * spanUncompressedEnd(i))} (FORMATS.md 1.3 and 1.4).
 */
public final class ZtocView {

  /** Maximum number of links (symbolic or hard) followed by {@link #resolve}. */
  public static final int MAX_LINK_HOPS = 40;

  /**
   * Longest path {@link #resolve} accepts, and longest link target it follows, in bytes: Linux's
   * {@code PATH_MAX}. Longer ones fail with {@link PathTooLongException}.
   */
  public static final int MAX_PATH_BYTES = 4096;

  private static final EntryType[] TYPES = EntryType.values();
  private static final int READ_SLICE = 1 << 20;


  private final FlatBufferInput in;
  private final int root;
  private final long compressedSize;
  private final long uncompressedSize;
  private final Compression algorithm;
  private final int maxSpanId;
  private final int digestVector;
  private final int checkpointsVector;
  /** The span rules of this layer, gzip or tar: every span accessor asks it. */
  private final SpanLayout spans;
  // Per-entry facts read during validation; kept because lookups and info need them often.
  private final int[] tables;
  private final int[] nameStart;
  private final int[] nameLength;
  private final byte[] types;
  private final long[] offsets;
  private final long[] sizes;
  private volatile PathIndex pathIndex;
  private volatile GzipZinfo gzipZinfo;

  private ZtocView(ByteBuffer buffer) throws ZtocFormatException {
    ZtocCheck c = new ZtocCheck(buffer);
    in = c.in;
    root = c.root;
    compressedSize = c.compressedSize;
    uncompressedSize = c.uncompressedSize;
    algorithm = c.algorithm;
    maxSpanId = c.maxSpanId;
    digestVector = c.digestVector;
    checkpointsVector = c.checkpointsVector;
    spans = c.spans;
    tables = c.tables;
    nameStart = c.nameStart;
    nameLength = c.nameLength;
    types = c.types;
    offsets = c.offsets;
    sizes = c.sizes;
  }

  /**
   * Opens and validates a zTOC held in an array (not copied: do not modify it afterwards).
   *
   * @param bytes the whole zTOC, as stored in its blob
   * @return a view reading the zTOC in place
   * @throws ZtocFormatException if the bytes are not a valid zTOC
   */
  public static ZtocView open(byte[] bytes) throws ZtocFormatException {
    return open(ByteBuffer.wrap(bytes));
  }

  /**
   * Opens and validates a zTOC held in the remaining bytes of {@code buffer}. A heap buffer with
   * an accessible array is not copied, and its content must not change afterwards, or the
   * up-front validation no longer holds; a direct or read-only buffer is copied once into an
   * array, which is what every read then uses.
   *
   * @param buffer holds the zTOC from its position to its limit
   * @return a view reading the zTOC in place (or in a copy, for a direct or read-only buffer)
   * @throws ZtocFormatException if the bytes are not a valid zTOC
   */
  public static ZtocView open(ByteBuffer buffer) throws ZtocFormatException {
    try {
      return new ZtocView(buffer);
    } catch (ZtocFormatException e) {
      throw e;
    } catch (RuntimeException e) {
      // Defence in depth: the checks above are meant to make this unreachable.
      throw new ZtocFormatException("malformed ztoc: " + e, e);
    }
  }

  /**
   * Reads a zTOC file into memory and opens it. The file is read rather than memory-mapped so
   * that a concurrent writer cannot invalidate the validation.
   *
   * @param file the zTOC file
   * @return a view over the file's bytes, read into memory
   * @throws ZtocFormatException if the content is not a valid zTOC
   * @throws IOException if the file cannot be read
   */
  public static ZtocView open(Path file) throws IOException {
    return open(readFile(file));
  }

  /**
   * Opens a zTOC held in an array after checking that its SHA-256 digest is {@code
   * expectedDigest}, as a SOCI index records it: see the class description for what this adds.
   *
   * @param bytes the whole zTOC, as stored in its blob
   * @param expectedDigest {@code sha256:<64 lowercase hex>}
   * @return a view reading the zTOC in place
   * @throws ZtocDigestMismatchException if the bytes have another digest (they are not parsed)
   * @throws ZtocFormatException if the bytes are not a valid zTOC
   * @throws IllegalArgumentException if {@code expectedDigest} is not a well-formed digest
   */
  public static ZtocView open(byte[] bytes, String expectedDigest) throws ZtocFormatException,
      ZtocDigestMismatchException {
    checkDigest("zTOC", bytes, expectedDigest);
    return open(bytes);
  }

  /**
   * Reads a zTOC file into memory and opens it after checking its digest; see {@link
   * #open(byte[], String)}.
   *
   * @param file the zTOC file
   * @param expectedDigest {@code sha256:<64 lowercase hex>}, as the SOCI index records it
   * @return a view over the file's bytes, read into memory
   * @throws ZtocDigestMismatchException if the file has another digest (it is not parsed)
   * @throws ZtocFormatException if the content is not a valid zTOC
   * @throws IOException if the file cannot be read
   */
  public static ZtocView open(Path file, String expectedDigest) throws IOException {
    requireDigest(expectedDigest);
    byte[] bytes = readFile(file);
    checkDigest("zTOC " + file, bytes, expectedDigest);
    return open(bytes);
  }

  private static void requireDigest(String expectedDigest) {
    if (!Sha256.isValid(expectedDigest)) {
      throw new IllegalArgumentException(
          "expected zTOC digest \"" + expectedDigest + "\" is not sha256:<64 lowercase hex>");
    }
  }

  private static void checkDigest(String what, byte[] bytes, String expectedDigest)
      throws ZtocDigestMismatchException {
    requireDigest(expectedDigest);
    String actual = Sha256.of(bytes, 0, bytes.length);
    if (!actual.equals(expectedDigest)) {
      throw new ZtocDigestMismatchException(what, expectedDigest, actual);
    }
  }

  /**
   * The file's bytes, read to its end in slices (one read of the whole file would stage it in a
   * native buffer as large). The size is only a first capacity: a FIFO or a process
   * substitution reports 0, and a file may change while it is read.
   */
  private static byte[] readFile(Path file) throws IOException {
    final int max = Integer.MAX_VALUE - 8;
    long hint = Files.size(file);
    if (hint > max) {
      throw new ZtocFormatException("zTOC " + file + " is too large: " + hint + " bytes");
    }
    byte[] bytes = new byte[(int) Math.max(hint, 8192)];
    int n = 0;
    try (InputStream in = Files.newInputStream(file)) {
      int r;
      while (true) {
        if (n == bytes.length) {
          if (n == max) {
            if (in.read() < 0) {
              break;
            }
            throw new ZtocFormatException("zTOC " + file + " is too large: more than " + max + " bytes");
          }
          bytes = java.util.Arrays.copyOf(bytes, (int) Math.min(max, 2L * n));
        }
        r = in.read(bytes, n, Math.min(READ_SLICE, bytes.length - n));
        if (r < 0) {
          break;
        }
        n += r;
      }
    }
    return n == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, n);
  }

  // ---- whole-zTOC fields -------------------------------------------------------------------

  /**
   * Size of the zTOC in bytes.
   *
   * @return the number of bytes the zTOC occupies
   */
  public int byteSize() {
    return in.limit();
  }

  /**
   * The zTOC bytes (read-only view).
   *
   * @return a read-only buffer over exactly the zTOC's bytes
   */
  public ByteBuffer bytes() {
    return in.buffer().asReadOnlyBuffer();
  }

  /**
   * The format version string, e.g. {@code 0.9} (decoded as UTF-8 with replacement).
   *
   * @return the zTOC's format version, {@code ""} when absent
   */
  public String version() {
    return stringAt(root, Schema.Z_VERSION);
  }

  /**
   * The producer's free-text identifier (decoded as UTF-8 with replacement).
   *
   * @return the build tool identifier recorded in the zTOC, {@code ""} when absent
   */
  public String buildToolIdentifier() {
    return stringAt(root, Schema.Z_BUILD_TOOL);
  }

  /** The version string's exact bytes. */
  ByteString rawVersion() {
    return rawStringAt(root, Schema.Z_VERSION);
  }

  /** The build tool identifier's exact bytes. */
  ByteString rawBuildToolIdentifier() {
    return rawStringAt(root, Schema.Z_BUILD_TOOL);
  }

  /** Appends entry {@code i}'s name as a Go JSON string, straight from the zTOC's bytes. */
  void appendQuotedName(int i, Appendable out) throws java.io.IOException {
    GoJsonString.appendQuoted(in.array(), in.base() + nameStart[i], nameLength[i], out);
  }

  /**
   * Size of the layer blob as stored.
   *
   * @return the layer blob's size in bytes, as recorded in the zTOC
   */
  public long compressedArchiveSize() {
    return compressedSize;
  }

  /**
   * Size of the tar stream up to its end-of-archive marker.
   *
   * @return the tar stream's length in bytes as the TOC builder read it, trailing zero padding
   *     not counted
   */
  public long uncompressedArchiveSize() {
    return uncompressedSize;
  }

  /**
   * How the layer is compressed.
   *
   * @return {@link Compression#GZIP} or {@link Compression#UNCOMPRESSED}
   */
  public Compression compressionAlgorithm() {
    return algorithm;
  }

  /**
   * Number of spans minus one.
   *
   * @return the index of the last span, {@link #spanCount()} minus one
   */
  public int maxSpanId() {
    return maxSpanId;
  }

  /**
   * Digest of span {@code i}'s compressed bytes.
   *
   * @param i span index, from 0 to {@link #maxSpanId()}
   * @return the span's digest as {@code sha256:<64 lowercase hex>}
   */
  public String spanDigest(int i) {
    Objects.checkIndex(i, maxSpanId + 1);
    return unchecked(() -> in.string(in.element(digestVector, i, "span_digests")));
  }

  /**
   * The zinfo blob, as a read-only view into the zTOC.
   *
   * @return a new read-only buffer over the serialised zinfo (checkpoint) blob
   */
  public ByteBuffer checkpoints() {
    return unchecked(() -> in.bytes(checkpointsVector, "checkpoints"));
  }

  /** The tar zinfo of an uncompressed layer, or {@code null} for gzip. */
  TarZinfo tarZinfo() {
    return spans instanceof TarSpans t ? t.zinfo() : null;
  }

  /**
   * The gzip zinfo (checkpoints with their windows) of a gzip layer, or {@code null} for an
   * uncompressed one. Parsed on first call (it copies every 32 KiB window) and then kept; its
   * offsets were validated at open, so this cannot fail.
   */
  GzipZinfo gzipZinfo() {
    if (!(spans instanceof GzipSpans)) {
      return null;
    }
    GzipZinfo z = gzipZinfo;
    if (z == null) {
      z = GzipSpans.zinfo(checkpoints());
      gzipZinfo = z;
    }
    return z;
  }

  // ---- spans -------------------------------------------------------------------------------

  /**
   * Number of spans ({@link #maxSpanId()} plus one).
   *
   * @return the number of spans, at least one
   */
  public int spanCount() {
    return maxSpanId + 1;
  }

  /**
   * The span size requested at build time, as recorded in the zinfo.
   *
   * @return the requested span size in uncompressed bytes
   */
  public long spanSize() {
    return spans.spanSize();
  }

  /**
   * Uncompressed start of every span, ascending (a new array each call): the checkpoints'
   * {@code out} for gzip, multiples of the span size for tar. The span holding an uncompressed
   * offset is the last one whose start is {@code <=} it.
   *
   * @return the uncompressed start offset of each span, indexed by span, in a fresh array
   */
  public long[] spanStarts() {
    return spans.starts();
  }

  /**
   * The span holding uncompressed offset {@code offset}: the last whose start is {@code <=} it.
   *
   * @param offset an uncompressed offset in the tar stream
   * @return the index of the span holding that offset
   */
  public int spanHolding(long offset) {
    return spans.holding(offset);
  }

  /**
   * The first span holding a data byte of entry {@code i}, or -1 when the entry has no data: a
   * size of 0, or a type that carries none in the stream (a size field on a header-only type
   * does not count).
   *
   * @param i entry index, from 0 to {@link #entryCount()} minus one
   * @return the index of the span holding the entry's first data byte, or -1 when it has no data
   */
  public int firstDataSpan(int i) {
    return hasData(i) ? spans.holding(offsets[i]) : -1;
  }

  /**
   * The last span holding a data byte of entry {@code i} (the one holding {@code offset + size -
   * 1}, so a file ending exactly at a span boundary does not reach into the next span), or -1
   * when the entry has no data; see {@link #firstDataSpan}.
   *
   * @param i entry index, from 0 to {@link #entryCount()} minus one
   * @return the index of the span holding the entry's last data byte, or -1 when it has no data
   */
  public int lastDataSpan(int i) {
    return hasData(i) ? spans.holding(offsets[i] + sizes[i] - 1) : -1;
  }

  private boolean hasData(int i) {
    Objects.checkIndex(i, tables.length);
    return sizes[i] > 0 && type(i).hasData();
  }

  /**
   * First compressed byte of span {@code i} ({@code in - 1} when the span starts mid-byte).
   *
   * @param i span index, from 0 to {@link #maxSpanId()}
   * @return the offset in the compressed blob of the span's first byte
   */
  public long spanCompressedStart(int i) {
    Objects.checkIndex(i, maxSpanId + 1);
    return spans.compressedStart(i);
  }

  /**
   * End (exclusive) of span {@code i}'s compressed bytes: the next checkpoint's {@code in}, and
   * for the last span the blob size (so it includes the gzip trailer).
   *
   * @param i span index, from 0 to {@link #maxSpanId()}
   * @return the offset in the compressed blob just past the span's last byte
   */
  public long spanCompressedEnd(int i) {
    Objects.checkIndex(i, maxSpanId + 1);
    return spans.compressedEnd(i);
  }

  /**
   * First uncompressed byte of span {@code i}.
   *
   * @param i span index, from 0 to {@link #maxSpanId()}
   * @return the offset in the tar stream of the span's first uncompressed byte
   */
  public long spanUncompressedStart(int i) {
    Objects.checkIndex(i, maxSpanId + 1);
    return spans.uncompressedStart(i);
  }

  /**
   * End (exclusive) of span {@code i}'s uncompressed bytes: the next span's start. For the last
   * span of a gzip layer it is {@link #uncompressedArchiveSize()}, the end of the tar stream as
   * the TOC builder saw it; if that checkpoint lies beyond it (inside the zero padding a tar
   * writer may add after the end-of-archive marker) the last span is reported empty, ending
   * where it starts, since no TOC data lies there. For a tar layer spans are fixed slices of the
   * blob and the last one ends at the blob size.
   *
   * @param i span index, from 0 to {@link #maxSpanId()}
   * @return the offset in the tar stream just past the span's last uncompressed byte
   */
  public long spanUncompressedEnd(int i) {
    Objects.checkIndex(i, maxSpanId + 1);
    return spans.uncompressedEnd(i);
  }

  // ---- entries -----------------------------------------------------------------------------

  /**
   * Number of TOC entries.
   *
   * @return the number of entries in the TOC
   */
  public int entryCount() {
    return tables.length;
  }

  /**
   * Name of entry {@code i} as stored, decoded as UTF-8 (malformed bytes become U+FFFD).
   *
   * @param i entry index, from 0 to {@link #entryCount()} minus one
   * @return the entry's name as text
   */
  public String name(int i) {
    return rawName(i).utf8();
  }

  /**
   * Name of entry {@code i}, the exact bytes stored.
   *
   * @param i entry index, from 0 to {@link #entryCount()} minus one
   * @return a copy of the entry's name bytes
   */
  public ByteString rawName(int i) {
    Objects.checkIndex(i, tables.length);
    return ByteString.wrap(in.copy(nameStart[i], nameLength[i]));
  }

  /**
   * Type of entry {@code i}.
   *
   * @param i entry index, from 0 to {@link #entryCount()} minus one
   * @return the entry's tar type
   */
  public EntryType type(int i) {
    return TYPES[types[i]];
  }

  /**
   * Offset in the tar stream of entry {@code i}'s data.
   *
   * @param i entry index, from 0 to {@link #entryCount()} minus one
   * @return the offset in the tar stream of the entry's first data byte
   */
  public long uncompressedOffset(int i) {
    return offsets[i];
  }

  /**
   * Size of entry {@code i}'s data.
   *
   * @param i entry index, from 0 to {@link #entryCount()} minus one
   * @return the entry's data size in bytes, as recorded in its tar header
   */
  public long uncompressedSize(int i) {
    return sizes[i];
  }

  /**
   * Link target of entry {@code i} (empty when none), decoded as UTF-8 with replacement.
   *
   * @param i entry index, from 0 to {@link #entryCount()} minus one
   * @return the entry's link target as text, {@code ""} when it has none
   */
  public String linkname(int i) {
    return rawLinkname(i).utf8();
  }

  /**
   * Link target of entry {@code i} (empty when none), the exact bytes stored.
   *
   * @param i entry index, from 0 to {@link #entryCount()} minus one
   * @return the entry's link target bytes, {@link ByteString#EMPTY} when it has none
   */
  public ByteString rawLinkname(int i) {
    Objects.checkIndex(i, tables.length);
    return rawStringAt(tables[i], Schema.FM_LINKNAME);
  }

  /**
   * Materialises entry {@code i}, every byte string exactly as stored.
   *
   * @param i entry index, from 0 to {@link #entryCount()} minus one
   * @return a new model of the entry with all its fields and PAX records
   */
  public TocEntry entry(int i) {
    Objects.checkIndex(i, tables.length);
    int t = tables[i];
    return unchecked(
        () -> {
          TreeMap<ByteString, ByteString> pax = new TreeMap<>();
          int xattrs = in.ref(t, Schema.FM_XATTRS, "entry");
          int count = xattrs == 0 ? 0 : in.vectorLength(xattrs, 4, "xattrs");
          for (int k = 0; k < count; k++) {
            int x = in.element(xattrs, k, "xattrs");
            pax.put(rawStringAt(x, Schema.X_KEY), rawStringAt(x, Schema.X_VALUE));
          }
          return new TocEntry(
              rawName(i),
              type(i),
              offsets[i],
              sizes[i],
              rawStringAt(t, Schema.FM_LINKNAME),
              in.getLong(t, Schema.FM_MODE, "entry"),
              Integer.toUnsignedLong(in.getInt(t, Schema.FM_UID, "entry")),
              Integer.toUnsignedLong(in.getInt(t, Schema.FM_GID, "entry")),
              rawStringAt(t, Schema.FM_UNAME),
              rawStringAt(t, Schema.FM_GNAME),
              stringAt(t, Schema.FM_MOD_TIME),
              in.getLong(t, Schema.FM_DEVMAJOR, "entry"),
              in.getLong(t, Schema.FM_DEVMINOR, "entry"),
              pax);
        });
  }

  /**
   * Every entry, materialised, in archive order.
   *
   * @return a new mutable list of every entry, in the order of the tar stream
   */
  public List<TocEntry> entries() {
    List<TocEntry> out = new ArrayList<>(tables.length);
    for (int i = 0; i < tables.length; i++) {
      out.add(entry(i));
    }
    return out;
  }

  /**
   * Parses the whole zTOC into the model. Names, link names, user/group names and PAX records
   * keep their exact bytes, so for a zTOC in the reference's canonical layout {@code
   * ZtocEncoder.encode(toModel())} gives back the same bytes; other valid layouts re-encode to
   * different (equivalent) bytes. The version, build tool and modification times are decoded as
   * UTF-8 with replacement (the reference writes them as ASCII).
   */
  Ztoc toModel() {
    List<String> digests = new ArrayList<>(maxSpanId + 1);
    for (int i = 0; i <= maxSpanId; i++) {
      digests.add(spanDigest(i));
    }
    ByteBuffer cp = checkpoints();
    byte[] blob = new byte[cp.remaining()];
    cp.get(blob);
    return new Ztoc(
        version(),
        buildToolIdentifier(),
        compressedArchiveSize(),
        uncompressedArchiveSize(),
        entries(),
        new CompressionInfo(algorithm, maxSpanId, digests, blob));
  }

  // ---- lookup ------------------------------------------------------------------------------

  /**
   * Finds the entry with this (normalised) path, given as text and matched as its UTF-8 bytes,
   * without following links.
   *
   * @param path the entry's path as text; normalised as the class description says
   * @return the entry index, or empty
   */
  public OptionalInt lookup(String path) {
    return lookup(ByteString.utf8(path));
  }

  /**
   * Finds the entry with this (normalised) path, given as raw bytes, without following links.
   *
   * @param path the entry's path as raw bytes; normalised as the class description says
   * @return the entry index, or empty
   */
  public OptionalInt lookup(ByteString path) {
    int i = index().lookup(path.internalArray());
    return i < 0 ? OptionalInt.empty() : OptionalInt.of(i);
  }

  /**
   * Finds the entry holding the data of {@code path} (matched as its UTF-8 bytes); see {@link
   * #resolve(ByteString)}.
   *
   * @param path the path to resolve, as text; normalised as the class description says
   * @return the entry index, or empty when some component does not exist
   * @throws SymlinkLoopException after {@link #MAX_LINK_HOPS} links
   * @throws PathTooLongException if the path, or a link target on the way, is longer than {@link
   *     #MAX_PATH_BYTES}
   */
  public OptionalInt resolve(String path) throws SymlinkLoopException, PathTooLongException {
    return resolve(ByteString.utf8(path));
  }

  /**
   * Finds the entry holding the data of {@code path}: symbolic links (in any component) are
   * followed relative to the link's directory (absolute targets from the layer root), and a
   * final hard link is replaced by its target entry. Work is linear in the path's length times
   * the links followed.
   *
   * @param path the path to resolve, as raw bytes; normalised as the class description says
   * @return the entry index, or empty when some component does not exist
   * @throws SymlinkLoopException after {@link #MAX_LINK_HOPS} links
   * @throws PathTooLongException if the path, or a link target on the way, is longer than {@link
   *     #MAX_PATH_BYTES}
   */
  public OptionalInt resolve(ByteString path) throws SymlinkLoopException, PathTooLongException {
    int i = index().resolve(path.internalArray(), MAX_LINK_HOPS);
    return i < 0 ? OptionalInt.empty() : OptionalInt.of(i);
  }

  /**
   * Lists the entries that are direct children of directory {@code dir} (matched as its UTF-8
   * bytes; {@code ""} or {@code /} for the root); see {@link #list(ByteString)}.
   *
   * @param dir the directory's path as text
   * @return the indexes of the directory's direct children, sorted by name bytes; empty when there
   *     are none
   */
  public int[] list(String dir) {
    return list(ByteString.utf8(dir));
  }

  /**
   * Lists the entries that are direct children of directory {@code dir} ({@code ""} or {@code
   * /} for the root), sorted by name bytes. Only entries present in the TOC are listed:
   * directories that are only implied by deeper paths are not synthesised.
   *
   * @param dir the directory's path as raw bytes; normalised as the class description says
   * @return entry indexes; empty when there are none
   */
  public int[] list(ByteString dir) {
    return index().children(PathIndex.normalise(dir.internalArray()));
  }

  /** The name index, built on first use. */
  PathIndex index() {
    PathIndex p = pathIndex;
    if (p == null) {
      synchronized (this) {
        p = pathIndex;
        if (p == null) {
          p = new PathIndex(this, in, nameStart, nameLength);
          pathIndex = p;
        }
      }
    }
    return p;
  }

  // ---- internals ---------------------------------------------------------------------------

  private String stringAt(int table, int slot) {
    return unchecked(
        () -> {
          int s = in.ref(table, slot, "string");
          return s == 0 ? "" : in.string(s);
        });
  }

  private ByteString rawStringAt(int table, int slot) {
    return unchecked(
        () -> {
          int s = in.ref(table, slot, "string");
          return s == 0 ? ByteString.EMPTY : in.rawString(s);
        });
  }

  private interface Read<T> {
    T get() throws ZtocFormatException;
  }

  /** Reads validated at open; a failure here is a bug in that validation, not bad input. */
  private static <T> T unchecked(Read<T> read) {
    try {
      return read.get();
    } catch (ZtocFormatException e) {
      throw new IllegalStateException("validated zTOC failed to read: " + e.getMessage(), e);
    }
  }
}
