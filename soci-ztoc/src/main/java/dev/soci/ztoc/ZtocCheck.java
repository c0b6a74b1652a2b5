package dev.soci.ztoc;

import dev.soci.core.Compression;
import dev.soci.ztoc.internal.TarHeader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The validation {@link ZtocView#open} runs over a zTOC's bytes, once: every offset, vtable,
 * vector and string in bounds and NUL-terminated, known entry types, entries distinct and
 * non-overlapping in offset order, span digests well formed and counted right, and the zinfo
 * consistent with the spans and the archive sizes (decoded into a {@link SpanLayout}). What it
 * reads on the way (per-entry offsets, sizes, types and names) is what the view then serves
 * from; after it, no accessor of the view can fail on the bytes.
 */
final class ZtocCheck {
  /**
   * Bound on the bytes the entries of a zTOC may reference, as a multiple of its size: the sum
   * over all entries of their strings (4-byte length, content and NUL) and xattr offsets. A
   * producer that writes every string once (the reference, this library) stays below 1; only
   * strings or xattr vectors shared between entries go beyond, and they would let a few bytes
   * make {@link ZtocView#entry}, listings and validation itself do unbounded work.
   */
  static final int MAX_REFERENCED_BYTES_FACTOR = 2;

  // Each entry type's wire name, packed little-endian into a long (all are at most 8 bytes).
  private static final long[] TYPE_KEYS;
  private static final EntryType[] TYPES = EntryType.values();
  // Byte width of each FileMetadata field, in slot order (offsets are 4 bytes).
  private static final int[] ENTRY_FIELD_SIZES = new int[Schema.FM_FIELDS];
  private static final byte[] SHA256_PREFIX = "sha256:".getBytes(StandardCharsets.US_ASCII);

  static {
    Arrays.fill(ENTRY_FIELD_SIZES, 4);
    ENTRY_FIELD_SIZES[Schema.FM_OFFSET] = 8;
    ENTRY_FIELD_SIZES[Schema.FM_SIZE] = 8;
    ENTRY_FIELD_SIZES[Schema.FM_MODE] = 8;
    ENTRY_FIELD_SIZES[Schema.FM_DEVMAJOR] = 8;
    ENTRY_FIELD_SIZES[Schema.FM_DEVMINOR] = 8;
    TYPE_KEYS = new long[TYPES.length];
    for (int i = 0; i < TYPES.length; i++) {
      byte[] name = TYPES[i].wireName().getBytes(StandardCharsets.US_ASCII);
      if (name.length > 8) {
        throw new AssertionError("entry type name longer than 8 bytes: " + TYPES[i]);
      }
      TYPE_KEYS[i] = FlatBufferInput.pack(name, 0, name.length);
    }
  }

  final FlatBufferInput in;
  final int root;
  final long compressedSize;
  final long uncompressedSize;
  final Compression algorithm;
  final int maxSpanId;
  final int digestVector;
  final int checkpointsVector;
  /** The span rules of this layer, gzip or tar. */
  final SpanLayout spans;
  // What entries may still reference during validation (see MAX_REFERENCED_BYTES_FACTOR).
  private long referenceBudget;
  // Per-entry facts read during validation; the view keeps them for lookups and info.
  final int[] tables;
  final int[] nameStart;
  final int[] nameLength;
  final byte[] types;
  final long[] offsets;
  final long[] sizes;

  ZtocCheck(ByteBuffer buffer) throws ZtocFormatException {
    in = new FlatBufferInput(buffer);
    referenceBudget = (long) MAX_REFERENCED_BYTES_FACTOR * in.limit();
    root = in.root("ztoc");
    checkString(in.ref(root, Schema.Z_VERSION, "ztoc.version"), "ztoc.version", true);
    checkString(in.ref(root, Schema.Z_BUILD_TOOL, "ztoc"), "ztoc.build_tool_identifier", false);
    compressedSize = in.getLong(root, Schema.Z_COMPRESSED_SIZE, "ztoc");
    uncompressedSize = in.getLong(root, Schema.Z_UNCOMPRESSED_SIZE, "ztoc");
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
    // Entry tables must be distinct: shared ones would let four bytes of offset name one more
    // entry, so that a small zTOC could make every reader allocate per-entry state without
    // bound. No producer shares tables (the reference builds each entry separately).
    long[] seenTables = new long[(in.limit() >> 6) + 1];
    tables = new int[n];
    nameStart = new int[n];
    nameLength = new int[n];
    types = new byte[n];
    offsets = new long[n];
    sizes = new long[n];
    FlatBufferInput.Layout entry = new FlatBufferInput.Layout(ENTRY_FIELD_SIZES);
    FlatBufferInput.Layout xattr = new FlatBufferInput.Layout(4, 4);
    for (int i = 0; i < n; i++) {
      try {
        int t = in.element(metadata, i, "metadata");
        if ((seenTables[t >> 6] & (1L << t)) != 0) {
          throw new ZtocFormatException("shares its table with an earlier entry");
        }
        seenTables[t >> 6] |= 1L << t;
        checkEntry(i, t, entry, xattr);
      } catch (ZtocFormatException e) {
        // Messages are built only on failure, so the happy path allocates nothing per entry.
        throw new ZtocFormatException("toc entry " + i + ": " + e.getMessage(), e);
      }
    }
    checkNoOverlap();

    int ci = in.ref(root, Schema.Z_COMPRESSION_INFO, "ztoc");
    if (ci == 0) {
      throw new ZtocFormatException("ztoc: missing compression_info");
    }
    in.table(ci, "compression_info");
    int alg = in.getByte(ci, Schema.CI_ALGORITHM, Schema.WIRE_GZIP, "compression_info");
    algorithm = Schema.fromWire(alg);
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
    spans = algorithm == Compression.UNCOMPRESSED
        ? TarSpans.decode(blob, maxSpanId, compressedSize, uncompressedSize)
        : GzipSpans.decode(blob, maxSpanId, compressedSize, uncompressedSize);
  }

  /** Validates entry {@code i}; messages name the field, the caller adds the entry number. */
  private void checkEntry(int i, int t, FlatBufferInput.Layout entry, FlatBufferInput.Layout xattr)
      throws ZtocFormatException {
    // The layout check covers every scalar field (mode, uid, gid, devmajor, devminor): any
    // value is acceptable, so they need no read here, only to lie inside the table.
    in.table(t, entry, "table");
    tables[i] = t;
    int name = in.ref(t, entry, Schema.FM_NAME, "name");
    if (name == 0) {
      throw new ZtocFormatException("missing name");
    }
    nameLength[i] = checkString(name, "name", true);
    nameStart[i] = name + 4;
    int type = in.ref(t, entry, Schema.FM_TYPE, "type");
    if (type == 0) {
      throw new ZtocFormatException("missing type");
    }
    int typeLength = checkString(type, "type", true);
    types[i] = -1;
    if (typeLength <= 8) {
      // Type names are at most eight bytes: compare them as one packed long each rather than
      // through a byte-range comparison per candidate (the hottest step of validation).
      long packed = in.smallString(type + 4, typeLength);
      for (int k = 0; k < TYPE_KEYS.length; k++) {
        if (packed == TYPE_KEYS[k]) {
          types[i] = (byte) k;
          break;
        }
      }
    }
    if (types[i] < 0) {
      throw new ZtocFormatException("unknown type \"" + in.rawString(type) + "\"");
    }
    offsets[i] = in.getLong(t, entry, Schema.FM_OFFSET);
    sizes[i] = in.getLong(t, entry, Schema.FM_SIZE);
    if (offsets[i] < 0 || sizes[i] < 0 || offsets[i] + sizes[i] < 0) {
      throw new ZtocFormatException("bad offset/size " + offsets[i] + "/" + sizes[i]);
    }
    // Tar is made of 512-byte blocks and every entry's data (or, for header-only types, the
    // place it would have) follows its header block.
    if (offsets[i] < TarHeader.BLOCK || offsets[i] % TarHeader.BLOCK != 0) {
      throw new ZtocFormatException("offset " + offsets[i] + " does not follow a tar header block");
    }
    // Data must lie inside the tar stream. Header-only types (directories, links, devices,
    // FIFOs) have none, whatever size they record, so only their offset is bounded.
    if (offsets[i] > uncompressedSize || dataSize(i) > uncompressedSize - offsets[i]) {
      throw new ZtocFormatException("data at offset " + offsets[i] + " of " + dataSize(i)
          + " bytes lies outside the tar stream of " + uncompressedSize + " bytes");
    }
    checkString(in.ref(t, entry, Schema.FM_LINKNAME, "linkname"), "linkname", false);
    checkString(in.ref(t, entry, Schema.FM_UNAME, "uname"), "uname", false);
    checkString(in.ref(t, entry, Schema.FM_GNAME, "gname"), "gname", false);
    checkString(in.ref(t, entry, Schema.FM_MOD_TIME, "mod_time"), "mod_time", false);
    int xattrs = in.ref(t, entry, Schema.FM_XATTRS, "xattrs");
    if (xattrs != 0) {
      int count = in.vectorLength(xattrs, 4, "xattrs");
      spend(4L * count);
      for (int k = 0; k < count; k++) {
        int x = in.table(in.element(xattrs, k, "xattrs"), xattr, "xattr");
        checkString(in.ref(x, xattr, Schema.X_KEY, "xattr key"), "xattr key", true);
        checkString(in.ref(x, xattr, Schema.X_VALUE, "xattr value"), "xattr value", false);
      }
    }
  }

  /** Checks an entry string (see {@link #checkEntry}) and returns its length (0 if absent). */
  private int checkString(int s, String what, boolean required) throws ZtocFormatException {
    if (s == 0) {
      if (required) {
        throw new ZtocFormatException(what + ": missing");
      }
      return 0;
    }
    int n = in.checkString(s, what);
    spend(n + 5L);
    return n;
  }

  /** Charges what an entry references against the budget (only while validating entries). */
  private void spend(long bytes) throws ZtocFormatException {
    referenceBudget -= bytes;
    if (referenceBudget < 0) {
      throw new ZtocFormatException("entries reference more than " + MAX_REFERENCED_BYTES_FACTOR
          + " times the zTOC's " + in.limit() + " bytes: strings or xattrs are shared between"
          + " entries");
    }
  }

  /** Bytes of tar data entry {@code i} occupies: its size for regular files, else 0. */
  private long dataSize(int i) {
    return TYPES[types[i]].hasData() ? sizes[i] : 0;
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
      order = IntSort.sortedIndexes(n, (a, b) -> Long.compare(offsets[a], offsets[b]));
    }
    for (int k = 1; k < n; k++) {
      int prev = order == null ? k - 1 : order[k - 1];
      int cur = order == null ? k : order[k];
      long end = offsets[prev] + dataSize(prev);
      long roundedEnd = (end + 511) & ~511L;
      if (roundedEnd < 0 || offsets[cur] < roundedEnd) {
        throw new ZtocFormatException(
            "toc entry " + cur + " at offset " + offsets[cur] + " overlaps entry " + prev
                + " ending at " + end);
      }
    }
  }

  private void checkDigest(int s, int i) throws ZtocFormatException {
    int n = in.checkString(s, "span digest");
    boolean ok = n == 71 && in.bytesEqual(s + 4, 7, SHA256_PREFIX);
    for (int k = 7; ok && k < 71; k++) {
      int c = in.byteAt(s + 4 + k);
      ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }
    if (!ok) {
      throw new ZtocFormatException("span digest " + i + " is not sha256:<64 lowercase hex>");
    }
  }
}
