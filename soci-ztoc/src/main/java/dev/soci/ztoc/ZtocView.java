package dev.soci.ztoc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * A zTOC opened over its bytes without materialising its entries: every accessor reads the
 * FlatBuffers data in place.
 *
 * <p>Opening validates the whole buffer up front (every offset, vtable, vector and string in
 * bounds, all strings valid UTF-8, known entry types, entries non-overlapping in offset order as
 * the reference requires, span digests well formed and counted right, tar zinfo consistent), so
 * later accessors cannot fail. Any damage is reported as {@link ZtocFormatException}.
 *
 * <p>Path lookup ({@link #lookup}, {@link #resolve}, {@link #list}) normalises paths: leading
 * {@code /} and {@code ./}, empty and {@code .} segments and a trailing {@code /} are dropped,
 * and {@code ..} removes the previous segment (never climbing above the root). So {@code
 * ./etc/}, {@code /etc} and {@code etc} all name the same entry. When several entries have the
 * same normalised name, the last one in archive order wins, as when extracting the tar. Instances
 * are immutable apart from lazily built indexes, and safe for concurrent use.
 */
public final class ZtocView {

  /** Maximum number of links (symbolic or hard) followed by {@link #resolve}. */
  public static final int MAX_LINK_HOPS = 40;

  private static final byte[][] TYPE_NAMES;

  static {
    EntryType[] types = EntryType.values();
    TYPE_NAMES = new byte[types.length][];
    for (int i = 0; i < types.length; i++) {
      TYPE_NAMES[i] = types[i].wireName().getBytes(StandardCharsets.US_ASCII);
    }
  }

  private final FlatBufferInput in;
  private final int root;
  private final int ci;
  private final CompressionAlgorithm algorithm;
  private final int maxSpanId;
  private final int digestVector;
  private final int checkpointsVector;
  private final TarZinfo tarZinfo;
  // Per-entry facts read during validation; kept because lookups and info need them often.
  private final int[] tables;
  private final int[] nameStart;
  private final int[] nameLength;
  private final byte[] types;
  private final long[] offsets;
  private final long[] sizes;
  private volatile PathIndex pathIndex;

  private ZtocView(ByteBuffer buffer) throws ZtocFormatException {
    in = new FlatBufferInput(buffer);
    root = in.root("ztoc");
    checkString(in.ref(root, Schema.Z_VERSION, "ztoc.version"), "ztoc.version", true);
    checkString(in.ref(root, Schema.Z_BUILD_TOOL, "ztoc"), "ztoc.build_tool_identifier", false);
    long compressedSize = in.getLong(root, Schema.Z_COMPRESSED_SIZE, "ztoc");
    long uncompressedSize = in.getLong(root, Schema.Z_UNCOMPRESSED_SIZE, "ztoc");
    if (compressedSize < 0 || uncompressedSize < 0) {
      throw new ZtocFormatException("ztoc: negative archive size");
    }

    int toc = in.ref(root, Schema.Z_TOC, "ztoc");
    if (toc == 0) {
      throw new ZtocFormatException("ztoc: missing toc");
    }
    in.table(toc, "toc");
    int metadata = in.ref(toc, Schema.TOC_METADATA, "toc");
    int n = metadata == 0 ? 0 : in.vectorLength(metadata, 4, "toc.metadata");
    tables = new int[n];
    nameStart = new int[n];
    nameLength = new int[n];
    types = new byte[n];
    offsets = new long[n];
    sizes = new long[n];
    for (int i = 0; i < n; i++) {
      checkEntry(i, in.element(metadata, i, "toc.metadata"));
    }
    checkNoOverlap();

    ci = in.ref(root, Schema.Z_COMPRESSION_INFO, "ztoc");
    if (ci == 0) {
      throw new ZtocFormatException("ztoc: missing compression_info");
    }
    in.table(ci, "compression_info");
    int alg =
        in.getByte(
            ci, Schema.CI_ALGORITHM, CompressionAlgorithm.GZIP.wireValue(), "compression_info");
    algorithm = CompressionAlgorithm.fromWireValue(alg);
    if (algorithm == null) {
      throw new ZtocFormatException("compression_info: unknown algorithm " + alg);
    }
    maxSpanId = in.getInt(ci, Schema.CI_MAX_SPAN_ID, "compression_info");
    digestVector = in.ref(ci, Schema.CI_SPAN_DIGESTS, "compression_info");
    int digests = digestVector == 0 ? 0 : in.vectorLength(digestVector, 4, "span_digests");
    if (maxSpanId < -1 || (long) digests != maxSpanId + 1L) {
      throw new ZtocFormatException(
          "compression_info: " + digests + " span digests for max_span_id " + maxSpanId);
    }
    for (int i = 0; i < digests; i++) {
      checkDigest(in.element(digestVector, i, "span_digests"), i);
    }
    checkpointsVector = in.ref(ci, Schema.CI_CHECKPOINTS, "compression_info");
    if (checkpointsVector == 0) {
      throw new ZtocFormatException("compression_info: missing checkpoints");
    }
    ByteBuffer blob = in.bytes(checkpointsVector, "checkpoints");
    if (algorithm == CompressionAlgorithm.UNCOMPRESSED) {
      tarZinfo = TarZinfo.parse(blob);
      if (tarZinfo.numSpans() != maxSpanId + 1L) {
        throw new ZtocFormatException(
            "tar zinfo: " + tarZinfo.numSpans() + " spans but max_span_id " + maxSpanId);
      }
      if (tarZinfo.size() != compressedSize) {
        throw new ZtocFormatException(
            "tar zinfo: size " + tarZinfo.size() + " != archive size " + compressedSize);
      }
    } else {
      tarZinfo = null;
      checkGzipZinfoShape(blob);
    }
  }

  /**
   * Opens and validates a zTOC held in an array (not copied: do not modify it afterwards).
   *
   * @throws ZtocFormatException if the bytes are not a valid zTOC
   */
  public static ZtocView open(byte[] bytes) throws ZtocFormatException {
    return open(ByteBuffer.wrap(bytes));
  }

  /**
   * Opens and validates a zTOC held in the remaining bytes of {@code buffer} (not copied; its
   * content must not change afterwards, or the up-front validation no longer holds).
   *
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
   * @throws ZtocFormatException if the content is not a valid zTOC
   * @throws IOException if the file cannot be read
   */
  public static ZtocView open(Path file) throws IOException {
    long size = Files.size(file);
    if (size > Integer.MAX_VALUE - 8) {
      throw new ZtocFormatException("ztoc file too large: " + size + " bytes");
    }
    return open(Files.readAllBytes(file));
  }

  private void checkEntry(int i, int t) throws ZtocFormatException {
    String what = "toc entry " + i;
    in.table(t, what);
    tables[i] = t;
    int name = in.ref(t, Schema.FM_NAME, what);
    if (name == 0) {
      throw new ZtocFormatException(what + ": missing name");
    }
    nameLength[i] = in.checkString(name, what + " name");
    nameStart[i] = name + 4;
    int type = in.ref(t, Schema.FM_TYPE, what);
    if (type == 0) {
      throw new ZtocFormatException(what + ": missing type");
    }
    int typeLength = in.checkString(type, what + " type");
    types[i] = -1;
    for (int k = 0; k < TYPE_NAMES.length; k++) {
      if (in.bytesEqual(type + 4, typeLength, TYPE_NAMES[k])) {
        types[i] = (byte) k;
      }
    }
    if (types[i] < 0) {
      throw new ZtocFormatException(what + ": unknown type \"" + in.string(type) + "\"");
    }
    offsets[i] = in.getLong(t, Schema.FM_OFFSET, what);
    sizes[i] = in.getLong(t, Schema.FM_SIZE, what);
    if (offsets[i] < 0 || sizes[i] < 0 || offsets[i] + sizes[i] < 0) {
      throw new ZtocFormatException(what + ": bad offset/size " + offsets[i] + "/" + sizes[i]);
    }
    checkString(in.ref(t, Schema.FM_LINKNAME, what), what + " linkname", false);
    checkString(in.ref(t, Schema.FM_UNAME, what), what + " uname", false);
    checkString(in.ref(t, Schema.FM_GNAME, what), what + " gname", false);
    checkString(in.ref(t, Schema.FM_MOD_TIME, what), what + " mod_time", false);
    for (int slot :
        new int[] {Schema.FM_MODE, Schema.FM_DEVMAJOR, Schema.FM_DEVMINOR}) {
      in.getLong(t, slot, what);
    }
    in.getInt(t, Schema.FM_UID, what);
    in.getInt(t, Schema.FM_GID, what);
    int xattrs = in.ref(t, Schema.FM_XATTRS, what);
    if (xattrs != 0) {
      int count = in.vectorLength(xattrs, 4, what + " xattrs");
      for (int k = 0; k < count; k++) {
        int x = in.table(in.element(xattrs, k, what), what + " xattr");
        checkString(in.ref(x, Schema.X_KEY, what), what + " xattr key", true);
        checkString(in.ref(x, Schema.X_VALUE, what), what + " xattr value", false);
      }
    }
  }

  private void checkString(int s, String what, boolean required) throws ZtocFormatException {
    if (s == 0) {
      if (required) {
        throw new ZtocFormatException(what + ": missing");
      }
      return;
    }
    in.checkString(s, what);
  }

  /**
   * The reference sorts entries by offset and rejects one that starts before the end of the
   * previous one rounded up to a tar block: overlapping data would alias file contents.
   */
  private void checkNoOverlap() throws ZtocFormatException {
    int n = offsets.length;
    boolean sorted = true;
    for (int i = 1; i < n && sorted; i++) {
      sorted = offsets[i - 1] <= offsets[i];
    }
    int[] order = null;
    if (!sorted) {
      Integer[] boxed = new Integer[n];
      for (int i = 0; i < n; i++) {
        boxed[i] = i;
      }
      Arrays.sort(boxed, (a, b) -> Long.compare(offsets[a], offsets[b]));
      order = new int[n];
      for (int i = 0; i < n; i++) {
        order[i] = boxed[i];
      }
    }
    for (int k = 1; k < n; k++) {
      int prev = order == null ? k - 1 : order[k - 1];
      int cur = order == null ? k : order[k];
      long end = offsets[prev] + sizes[prev];
      long roundedEnd = (end + 511) & ~511L;
      if (roundedEnd < 0 || offsets[cur] < roundedEnd) {
        throw new ZtocFormatException(
            "toc entry " + cur + " at offset " + offsets[cur] + " overlaps entry " + prev
                + " ending at " + end);
      }
    }
  }

  private void checkDigest(int s, int i) throws ZtocFormatException {
    int n = in.checkString(s, "span digest " + i);
    ByteBuffer bb = in.buffer();
    boolean ok = n == 71 && in.bytesEqual(s + 4, 7, "sha256:".getBytes(StandardCharsets.US_ASCII));
    for (int k = 7; ok && k < 71; k++) {
      int c = bb.get(s + 4 + k);
      ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }
    if (!ok) {
      throw new ZtocFormatException("span digest " + i + " is not sha256:<64 lowercase hex>");
    }
  }

  /** Gzip zinfo content is soci-core's business; here only its size must match a known form. */
  private void checkGzipZinfoShape(ByteBuffer blob) throws ZtocFormatException {
    final long header = 12;
    final long record = 8 + 8 + 1 + 32768;
    if (blob.remaining() < header) {
      throw new ZtocFormatException("gzip zinfo: " + blob.remaining() + " bytes is too short");
    }
    long count = blob.getInt(0);
    long len = blob.remaining();
    boolean v2 = count >= 1 && len == header + count * record;
    boolean v1 = count >= 1 && len == header + (count - 1) * record;
    if (!v1 && !v2) {
      throw new ZtocFormatException(
          "gzip zinfo: " + len + " bytes do not hold " + count + " checkpoints");
    }
    if (count != maxSpanId + 1L) {
      throw new ZtocFormatException(
          "gzip zinfo: " + count + " checkpoints but max_span_id " + maxSpanId);
    }
  }

  // ---- whole-zTOC fields -------------------------------------------------------------------

  /** Size of the zTOC in bytes. */
  public int byteSize() {
    return in.limit();
  }

  /** The zTOC bytes (read-only view). */
  public ByteBuffer bytes() {
    return in.buffer().asReadOnlyBuffer();
  }

  /** The format version string, e.g. {@code 0.9}. */
  public String version() {
    return stringAt(root, Schema.Z_VERSION);
  }

  /** The producer's free-text identifier. */
  public String buildToolIdentifier() {
    return stringAt(root, Schema.Z_BUILD_TOOL);
  }

  /** Size of the layer blob as stored. */
  public long compressedArchiveSize() {
    return unchecked(() -> in.getLong(root, Schema.Z_COMPRESSED_SIZE, "ztoc"));
  }

  /** Size of the tar stream up to its end-of-archive marker. */
  public long uncompressedArchiveSize() {
    return unchecked(() -> in.getLong(root, Schema.Z_UNCOMPRESSED_SIZE, "ztoc"));
  }

  /** How the layer is compressed. */
  public CompressionAlgorithm compressionAlgorithm() {
    return algorithm;
  }

  /** Number of spans minus one. */
  public int maxSpanId() {
    return maxSpanId;
  }

  /** Digest of span {@code i}'s compressed bytes. */
  public String spanDigest(int i) {
    java.util.Objects.checkIndex(i, maxSpanId + 1);
    return unchecked(() -> in.string(in.element(digestVector, i, "span_digests")));
  }

  /** The zinfo blob, as a read-only view into the zTOC. */
  public ByteBuffer checkpoints() {
    return unchecked(() -> in.bytes(checkpointsVector, "checkpoints"));
  }

  /** The tar zinfo of an uncompressed layer, or {@code null} for gzip. */
  public TarZinfo tarZinfo() {
    return tarZinfo;
  }

  // ---- entries -----------------------------------------------------------------------------

  /** Number of TOC entries. */
  public int entryCount() {
    return tables.length;
  }

  /** Name of entry {@code i}, as stored. */
  public String name(int i) {
    java.util.Objects.checkIndex(i, tables.length);
    byte[] b = new byte[nameLength[i]];
    in.buffer().get(nameStart[i], b);
    return new String(b, StandardCharsets.UTF_8);
  }

  /** Type of entry {@code i}. */
  public EntryType type(int i) {
    return EntryType.values()[types[i]];
  }

  /** Offset in the tar stream of entry {@code i}'s data. */
  public long uncompressedOffset(int i) {
    return offsets[i];
  }

  /** Size of entry {@code i}'s data. */
  public long uncompressedSize(int i) {
    return sizes[i];
  }

  /** Link target of entry {@code i} (empty when none). */
  public String linkname(int i) {
    java.util.Objects.checkIndex(i, tables.length);
    return stringAt(tables[i], Schema.FM_LINKNAME);
  }

  /** Materialises entry {@code i}. */
  public TocEntry entry(int i) {
    java.util.Objects.checkIndex(i, tables.length);
    int t = tables[i];
    return unchecked(
        () -> {
          TreeMap<String, String> pax = new TreeMap<>(CodePointOrder.INSTANCE);
          int xattrs = in.ref(t, Schema.FM_XATTRS, "entry");
          int count = xattrs == 0 ? 0 : in.vectorLength(xattrs, 4, "xattrs");
          for (int k = 0; k < count; k++) {
            int x = in.element(xattrs, k, "xattrs");
            pax.put(stringAt(x, Schema.X_KEY), stringAt(x, Schema.X_VALUE));
          }
          return new TocEntry(
              name(i),
              type(i),
              offsets[i],
              sizes[i],
              stringAt(t, Schema.FM_LINKNAME),
              in.getLong(t, Schema.FM_MODE, "entry"),
              Integer.toUnsignedLong(in.getInt(t, Schema.FM_UID, "entry")),
              Integer.toUnsignedLong(in.getInt(t, Schema.FM_GID, "entry")),
              stringAt(t, Schema.FM_UNAME),
              stringAt(t, Schema.FM_GNAME),
              stringAt(t, Schema.FM_MOD_TIME),
              in.getLong(t, Schema.FM_DEVMAJOR, "entry"),
              in.getLong(t, Schema.FM_DEVMINOR, "entry"),
              pax);
        });
  }

  /** Every entry, materialised, in archive order. */
  public List<TocEntry> entries() {
    List<TocEntry> out = new ArrayList<>(tables.length);
    for (int i = 0; i < tables.length; i++) {
      out.add(entry(i));
    }
    return out;
  }

  /**
   * Parses the whole zTOC into the model. Note that a valid zTOC whose bytes are not in the
   * reference's canonical layout re-encodes to different (equivalent) bytes.
   */
  public Ztoc toModel() {
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
   * Finds the entry with this (normalised) path, without following links.
   *
   * @return the entry index, or empty
   */
  public OptionalInt lookup(String path) {
    int i = index().find(PathIndex.normalise(path));
    return i < 0 ? OptionalInt.empty() : OptionalInt.of(i);
  }

  /**
   * Finds the entry holding the data of {@code path}: symbolic links (in any component) are
   * followed relative to the link's directory (absolute targets from the layer root), and a
   * final hard link is replaced by its target entry.
   *
   * @return the entry index, or empty when some component does not exist
   * @throws SymlinkLoopException after {@link #MAX_LINK_HOPS} links
   */
  public OptionalInt resolve(String path) throws SymlinkLoopException {
    int i = index().resolve(path, MAX_LINK_HOPS);
    return i < 0 ? OptionalInt.empty() : OptionalInt.of(i);
  }

  /**
   * Lists the entries that are direct children of directory {@code dir} ({@code ""} or
   * {@code /} for the root), sorted by name. Only entries present in the TOC are listed:
   * directories that are only implied by deeper paths are not synthesised.
   *
   * @return entry indexes; empty when there are none
   */
  public int[] list(String dir) {
    return index().children(PathIndex.normalise(dir));
  }

  private PathIndex index() {
    PathIndex p = pathIndex;
    if (p == null) {
      synchronized (this) {
        p = pathIndex;
        if (p == null) {
          p = new PathIndex(this, in.buffer(), nameStart, nameLength);
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
