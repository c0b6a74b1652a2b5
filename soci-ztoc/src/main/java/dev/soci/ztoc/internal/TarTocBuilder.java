package dev.soci.ztoc.internal;

import dev.soci.core.IndexLimitException;
import dev.soci.core.SociException;
import dev.soci.ztoc.ByteString;
import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.TarFormatException;
import dev.soci.ztoc.TocEntry;
import dev.soci.ztoc.UnsupportedTarEntryException;
import dev.soci.ztoc.ZtocBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Push-based tar parser that builds the TOC of a layer exactly as the reference does with Go's
 * {@code archive/tar}: feed it the uncompressed stream chunk by chunk with {@link #write} (for
 * instance as the uncompressed sink of the layer indexer, so there is no second pass), then call
 * {@link #finish}. Memory is bounded by one header block plus one PAX / GNU long-name record
 * ({@link #MAX_SPECIAL_RECORD_SIZE}); file data is skipped, never buffered.
 *
 * <p>Go semantics reproduced: ustar, GNU and PAX headers, base-256 numbers, signed or unsigned
 * header checksums, PAX {@code path linkpath size uid gid uname gname mtime} overrides (empty
 * values keep the header's), GNU {@code L}/{@code K} long names, legacy NUL type flag, header-only
 * types skipping no data whatever their size field says, and the end of the archive: one zero
 * block, then a second block that must be zero too (end after it) or absent (end after the
 * first); a stream that ends cleanly between entries, or inside the padding after the last
 * entry's data, ends the archive there.
 *
 * <p>Names, link names, user/group names and PAX records are kept as raw bytes ({@link
 * ByteString}), as Go does: legacy-charset names and binary PAX values (file capabilities) reach
 * the zTOC verbatim.
 *
 * <p>Deliberate differences, all failing with a typed exception where the reference would write
 * something unusable: negative sizes; modification years outside [0, 9999] (Go's MarshalText
 * fails too); PAX GNU sparse files. Not thread-safe.
 *
 * <p>The entries are the one thing it holds that grows with the input (a gzip bomb of tiny tar
 * headers is millions of them), so their number and their encoded size in the zTOC can be
 * bounded ({@link #TarTocBuilder(long, long)}): the entry beyond a limit fails with {@link
 * IndexLimitException} before it is added.
 */
public final class TarTocBuilder {

  /**
   * Largest PAX extended header or GNU long name/link record accepted, 1 MiB: Go's limit
   * ({@code maxSpecialFileSize}), which also bounds this parser's memory.
   */
  public static final int MAX_SPECIAL_RECORD_SIZE = 1 << 20;

  private static final int BLOCK = TarHeader.BLOCK;

  private enum State { HEADER, SECOND_ZERO, SKIP, SPECIAL, END, FINISHED, FAILED }

  private State state = State.HEADER;
  private long pos;
  private final byte[] block = new byte[BLOCK];
  private int blockFill;
  private long dataRemaining;
  private long padRemaining;
  private byte[] special;
  private int specialFill;
  private byte specialType;
  private long specialHeaderOffset;
  private byte[] specialName;
  private long endOffset = -1;

  // Metadata from PAX / GNU long headers, applying to the next file header only.
  private Map<ByteString, ByteString> pax;
  private byte[] longName;
  private byte[] longLink;

  private final List<TocEntry> entries = new ArrayList<>();
  private final long maxEntries;
  private final long maxEntryBytes;
  /** Upper bound of the bytes {@link #entries} take in an encoded zTOC. */
  private long entryBytes;

  private static final ByteString GNU_SPARSE = ByteString.utf8("GNU.sparse.");
  private static final ByteString SLASH = ByteString.utf8("/");

  /** Creates a parser positioned at the start of a tar stream, with no limit on the entries. */
  public TarTocBuilder() {
    this(Long.MAX_VALUE, Long.MAX_VALUE);
  }

  /**
   * Creates a parser that accepts at most {@code maxEntries} entries, taking at most {@code
   * maxEntryBytes} bytes in the encoded zTOC together (as bounded by the encoder's size rule).
   * Both are the limits of the same names of {@link ZtocBuilder}, whose messages they use.
   */
  public TarTocBuilder(long maxEntries, long maxEntryBytes) {
    if (maxEntries <= 0 || maxEntryBytes <= 0) {
      throw new IllegalArgumentException("limits must be positive: " + maxEntries + ", " + maxEntryBytes);
    }
    this.maxEntries = maxEntries;
    this.maxEntryBytes = maxEntryBytes;
  }

  /** Upper bound of the bytes the entries read so far take in an encoded zTOC. */
  public long encodedEntryBytes() {
    return entryBytes;
  }

  /**
   * Consumes the next bytes of the tar stream. Bytes after the end-of-archive marker are ignored.
   *
   * @throws TarFormatException if the stream is malformed or holds an unsupported entry; the
   *     builder is then unusable
   * @throws IndexLimitException if an entry beyond the builder's limits is met; the builder is
   *     then unusable
   */
  public void write(byte[] b, int off, int len) throws SociException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (state == State.FAILED || state == State.FINISHED) {
      throw new IllegalStateException("tar parser is " + state.name().toLowerCase());
    }
    try {
      consume(b, off, len);
    } catch (SociException e) {
      state = State.FAILED;
      throw e;
    }
  }

  /**
   * Ends the stream and returns the TOC.
   *
   * @throws TarFormatException if the stream ended inside a header, a file's data or a record
   */
  public TarToc finish() throws TarFormatException {
    if (state == State.FAILED || state == State.FINISHED) {
      throw new IllegalStateException("tar parser is " + state.name().toLowerCase());
    }
    boolean clean =
        switch (state) {
          case HEADER, SECOND_ZERO -> blockFill == 0;
          case SKIP -> dataRemaining == 0; // EOF inside padding: Go's tryReadFull says io.EOF
          case END -> true;
          default -> false;
        };
    if (!clean) {
      state = State.FAILED;
      throw new TarFormatException("tar stream truncated at offset " + pos);
    }
    if (endOffset < 0) {
      endOffset = pos;
    }
    state = State.FINISHED;
    return new TarToc(entries, endOffset);
  }

  /**
   * The entries parsed so far, in archive order: an unmodifiable view that grows as {@link
   * #write} parses headers. An entry is added as soon as its header has been consumed, before its
   * data: at that moment {@link #position()} is its {@link TocEntry#uncompressedOffset()}, and its
   * data is the next {@link TocEntry#uncompressedSize()} bytes written (for regular files). So a
   * caller streaming a layer can keep or hash file contents in the same pass.
   */
  public List<TocEntry> entries() {
    return java.util.Collections.unmodifiableList(entries);
  }

  /** Bytes consumed so far, up to the end of the archive. */
  public long position() {
    return pos;
  }

  /** Whether the end-of-archive marker has been seen (further input is ignored). */
  public boolean isEnded() {
    return endOffset >= 0;
  }

  private void consume(byte[] b, int off, int len) throws SociException {
    int p = off;
    int end = off + len;
    while (p < end) {
      switch (state) {
        case HEADER, SECOND_ZERO -> {
          int n = Math.min(BLOCK - blockFill, end - p);
          System.arraycopy(b, p, block, blockFill, n);
          blockFill += n;
          p += n;
          pos += n;
          if (blockFill == BLOCK) {
            blockFill = 0;
            onBlock();
          }
        }
        case SKIP -> {
          long want = dataRemaining > 0 ? dataRemaining : padRemaining;
          int n = (int) Math.min(want, end - p);
          p += n;
          pos += n;
          if (dataRemaining > 0) {
            dataRemaining -= n;
          } else {
            padRemaining -= n;
          }
          if (dataRemaining == 0 && padRemaining == 0) {
            state = State.HEADER;
          }
        }
        case SPECIAL -> {
          int n = Math.min(special.length - specialFill, end - p);
          System.arraycopy(b, p, special, specialFill, n);
          specialFill += n;
          p += n;
          pos += n;
          if (specialFill == special.length) {
            onSpecial();
          }
        }
        default -> {
          return; // END: trailing bytes after the archive are not part of it
        }
      }
    }
  }

  private void onBlock() throws SociException {
    boolean zero = true;
    for (int i = 0; i < BLOCK && zero; i++) {
      zero = block[i] == 0;
    }
    if (state == State.SECOND_ZERO) {
      if (!zero) {
        throw new TarFormatException("zero block followed by a non-zero block at " + (pos - BLOCK));
      }
      endOffset = pos;
      state = State.END;
      return;
    }
    if (zero) {
      state = State.SECOND_ZERO;
      return;
    }
    onHeader(TarHeader.parse(block, pos - BLOCK));
  }

  private void onHeader(TarHeader h) throws SociException {
    byte flag = h.typeFlag;
    if (flag == 'x' || flag == 'g' || flag == 'L' || flag == 'K') {
      if (h.size < 0) {
        throw new TarFormatException("negative size in header at " + h.offset);
      }
      if (h.size > MAX_SPECIAL_RECORD_SIZE) {
        throw new TarFormatException(
            "extended header record of "
                + h.size
                + " bytes at offset "
                + h.offset
                + " exceeds the "
                + MAX_SPECIAL_RECORD_SIZE
                + "-byte limit");
      }
      special = new byte[(int) h.size];
      specialFill = 0;
      specialType = flag;
      specialHeaderOffset = h.offset;
      specialName = h.name;
      padRemaining = padding(h.size);
      state = State.SPECIAL;
      if (h.size == 0) {
        onSpecial();
      }
      return;
    }
    onFileHeader(h);
  }

  private void onSpecial() throws TarFormatException {
    byte[] data = special;
    special = null;
    switch (specialType) {
      case 'x', 'g' -> {
        Map<ByteString, ByteString> records = PaxRecords.parse(data, specialHeaderOffset);
        if (specialType == 'g') {
          throw new UnsupportedTarEntryException(
              ByteString.of(specialName).utf8(), 'g', specialHeaderOffset, "global PAX header");
        }
        pax = records;
      }
      case 'L' -> longName = TarHeader.cString(data, 0, data.length);
      default -> longLink = TarHeader.cString(data, 0, data.length);
    }
    dataRemaining = 0;
    state = padRemaining == 0 ? State.HEADER : State.SKIP;
  }

  private void onFileHeader(TarHeader h) throws SociException {
    Map<ByteString, ByteString> records = pax == null ? Map.of() : pax;
    byte[] longNameBytes = longName;
    byte[] longLinkBytes = longLink;
    pax = null;
    longName = null;
    longLink = null;

    ByteString name = null;
    ByteString linkname = null;
    ByteString uname = null;
    ByteString gname = null;
    long size = h.size;
    long uid = h.uid;
    long gid = h.gid;
    long mtimeSeconds = h.mtime;
    long mtimeNanos = 0;
    boolean sparse = false;
    for (Map.Entry<ByteString, ByteString> r : records.entrySet()) {
      ByteString k = r.getKey();
      ByteString v = r.getValue();
      sparse |= k.startsWith(GNU_SPARSE);
      if (v.isEmpty()) {
        continue; // Go keeps the header's value
      }
      if (k.contentEquals("path")) {
        name = v;
      } else if (k.contentEquals("linkpath")) {
        linkname = v;
      } else if (k.contentEquals("uname")) {
        uname = v;
      } else if (k.contentEquals("gname")) {
        gname = v;
      } else if (k.contentEquals("uid")) {
        uid = paxInt(k, v, h);
      } else if (k.contentEquals("gid")) {
        gid = paxInt(k, v, h);
      } else if (k.contentEquals("size")) {
        size = paxInt(k, v, h);
      } else if (k.contentEquals("mtime")) {
        long[] t = paxTime(k, v, h);
        mtimeSeconds = t[0];
        mtimeNanos = t[1];
      } else if (k.contentEquals("atime") || k.contentEquals("ctime")) {
        paxTime(k, v, h); // Go validates these too
      }
    }
    if (name == null) {
      name = ByteString.of(h.name);
    }
    if (longNameBytes != null && longNameBytes.length > 0) {
      name = ByteString.of(longNameBytes);
    }
    if (linkname == null) {
      linkname = ByteString.of(h.linkname);
    }
    if (longLinkBytes != null && longLinkBytes.length > 0) {
      linkname = ByteString.of(longLinkBytes);
    }
    byte flag = h.typeFlag;
    if (flag == 0) {
      flag = name.endsWith(SLASH) ? (byte) '5' : (byte) '0'; // legacy archives
    }
    EntryType type = typeOf(flag, name, h.offset);
    if (sparse) {
      throw new UnsupportedTarEntryException(
          name.utf8(), (char) flag, h.offset, "PAX GNU sparse file");
    }
    if (size < 0) {
      throw new TarFormatException("entry \"" + name + "\" has negative size " + size);
    }
    String modTime = GoTime.marshalText(mtimeSeconds, mtimeNanos);
    if (modTime == null) {
      throw new TarFormatException(
          "entry \"" + name + "\" has a modification time outside years 0..9999");
    }
    TocEntry entry =
        new TocEntry(
            name,
            type,
            pos,
            size,
            linkname,
            h.mode,
            uid & 0xFFFF_FFFFL, // the zTOC stores Go's uint32(int) conversion
            gid & 0xFFFF_FFFFL,
            uname != null ? uname : ByteString.of(h.uname),
            gname != null ? gname : ByteString.of(h.gname),
            modTime,
            h.devmajor,
            h.devminor,
            new java.util.TreeMap<>(records));
    admit(entry, h.offset);
    entries.add(entry);

    // Go's isHeaderOnlyType: these carry no data, whatever the size field claims.
    dataRemaining = type.hasData() ? size : 0;
    padRemaining = padding(dataRemaining);
    state = dataRemaining + padRemaining == 0 ? State.HEADER : State.SKIP;
  }

  /** Charges {@code e} against the limits before it is added. */
  private void admit(TocEntry e, long headerOffset) throws IndexLimitException {
    if (entries.size() >= maxEntries) {
      throw new IndexLimitException("maxEntries", maxEntries, "layer has more than maxEntries=" + maxEntries
          + " tar entries (entry at offset " + headerOffset + "); raise the limit with ZtocBuilder.maxEntries"
          + " (its default is derived from the maximum heap, -Xmx)");
    }
    long size = EncodedSize.entrySize(e);
    if (size > maxEntryBytes - entryBytes) {
      throw new IndexLimitException("maxZtocSize", maxEntryBytes, "the tar entries of the layer need more than"
          + " maxZtocSize=" + maxEntryBytes + " bytes of zTOC (" + entries.size() + " entries, entry at offset "
          + headerOffset + "); raise the limit with ZtocBuilder.maxZtocSize (its default is derived from the"
          + " maximum heap, -Xmx)");
    }
    entryBytes += size;
  }

  private static EntryType typeOf(byte flag, ByteString name, long offset)
      throws UnsupportedTarEntryException {
    return switch (flag) {
      case '0' -> EntryType.REG;
      case '1' -> EntryType.HARDLINK;
      case '2' -> EntryType.SYMLINK;
      case '3' -> EntryType.CHAR;
      case '4' -> EntryType.BLOCK;
      case '5' -> EntryType.DIR;
      case '6' -> EntryType.FIFO;
      default -> throw new UnsupportedTarEntryException(
          name.utf8(), (char) (flag & 0xff), offset, describe(flag));
    };
  }

  private static String describe(byte flag) {
    return switch (flag) {
      case 'S' -> "GNU sparse file";
      case '7' -> "contiguous file";
      case 'V' -> "GNU volume label";
      case 'M' -> "GNU multi-volume continuation";
      case 'D' -> "GNU dump directory";
      case 'N' -> "GNU old long name";
      default -> "unknown type";
    };
  }

  private static long padding(long n) {
    return -n & (BLOCK - 1);
  }

  private static long paxInt(ByteString k, ByteString v, TarHeader h)
      throws TarFormatException {
    Long n = GoTime.parseInt64(latin1(v));
    if (n == null) {
      throw badPax(k, v, h);
    }
    return n;
  }

  private static long[] paxTime(ByteString k, ByteString v, TarHeader h)
      throws TarFormatException {
    long[] t = GoTime.parsePaxTime(latin1(v));
    if (t == null) {
      throw badPax(k, v, h);
    }
    return t;
  }

  /** One char per byte: numeric parsers then reject any non-ASCII byte, as Go's do. */
  private static String latin1(ByteString v) {
    return new String(v.toByteArray(), StandardCharsets.ISO_8859_1);
  }

  private static TarFormatException badPax(ByteString k, ByteString v, TarHeader h) {
    return new TarFormatException(
        "invalid PAX record " + k + "=" + v + " for header at " + h.offset);
  }
}
