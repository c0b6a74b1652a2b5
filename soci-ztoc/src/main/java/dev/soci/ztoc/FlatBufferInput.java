package dev.soci.ztoc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Bounds-checked FlatBuffers access over an untrusted buffer. flatbuffers-java ships no
 * verifier, and its generated accessors trust every offset, so each read here checks that what
 * it touches lies inside the buffer and throws {@link ZtocFormatException} otherwise.
 *
 * <p>Invariant: table positions passed to the field accessors come from {@link #table}, which
 * has validated the table's vtable; field reads then only need to check the field's own extent.
 *
 * <p>Reads go straight to a backing {@code byte[]} (little-endian view var handles for scalars):
 * validating a large zTOC touches every entry, and {@code ByteBuffer.get} per byte was the
 * dominant cost. A buffer without an accessible array (direct or read-only) is copied once; a
 * zTOC is small next to the layer it describes.
 */
final class FlatBufferInput {
  private static final VarHandle I32 =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle I64 =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle I16 =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

  private final byte[] a;
  // Position p of the FlatBuffers data is a[base + p]; valid positions are [0, limit).
  private final int base;
  private final int limit;

  FlatBufferInput(ByteBuffer source) {
    if (source.hasArray()) {
      a = source.array();
      base = source.arrayOffset() + source.position();
    } else {
      a = new byte[source.remaining()];
      source.duplicate().get(a);
      base = 0;
    }
    limit = source.remaining();
  }

  FlatBufferInput(byte[] bytes) {
    a = bytes;
    base = 0;
    limit = bytes.length;
  }

  int limit() {
    return limit;
  }

  /** The data as a little-endian buffer over the backing array (callers must not write). */
  ByteBuffer buffer() {
    return ByteBuffer.wrap(a, base, limit).slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The backing array; position {@code p} is at index {@link #base()} + p. */
  byte[] array() {
    return a;
  }

  int base() {
    return base;
  }

  /** Byte at a position the caller has bounds-checked. */
  byte byteAt(int p) {
    return a[base + p];
  }

  /** Little-endian int at a position the caller has bounds-checked. */
  int intAt(int p) {
    return (int) I32.get(a, base + p);
  }

  private long longAt(int p) {
    return (long) I64.get(a, base + p);
  }

  /** Position of the root table. */
  int root(String what) throws ZtocFormatException {
    if (limit < 8) {
      throw new ZtocFormatException(what + ": buffer too small (" + limit + " bytes)");
    }
    return table(target(0, what), what);
  }

  /** Validates the table at {@code pos} and its vtable; returns {@code pos}. */
  int table(int pos, String what) throws ZtocFormatException {
    if (pos < 0 || (long) pos + 4 > limit) {
      throw bad(what, "table at " + pos + " out of bounds");
    }
    long vt = (long) pos - intAt(pos);
    if (vt < 0 || vt + 4 > limit) {
      throw bad(what, "vtable at " + vt + " out of bounds");
    }
    int vsize = u16((int) vt);
    int tsize = u16((int) vt + 2);
    if (vsize < 4 || (vsize & 1) != 0 || vt + vsize > limit) {
      throw bad(what, "bad vtable size " + vsize);
    }
    if (tsize < 4 || (long) pos + tsize > limit) {
      throw bad(what, "bad table size " + tsize);
    }
    return pos;
  }

  /**
   * Field offsets of one vtable, decoded and checked once and reused for every table that shares
   * it. Encoders deduplicate vtables, so the many entries of a zTOC use only a handful; checking
   * every field of every entry against its vtable again was most of the validation cost. Not
   * thread-safe: use one per validation pass.
   */
  static final class Layout {
    private final int[] sizes;
    private final int[] offsets;
    private long vtable = -1;
    private int tableSize;

    /** A layout for tables whose field in slot {@code k} is {@code sizes[k]} bytes wide. */
    Layout(int... sizes) {
      this.sizes = sizes;
      this.offsets = new int[sizes.length];
    }

    /** Position of field {@code slot} of table {@code t}, or 0 when absent. */
    int field(int t, int slot) {
      int fo = offsets[slot];
      return fo == 0 ? 0 : t + fo;
    }
  }

  /**
   * Validates the table at {@code pos} like {@link #table(int, String)} and makes {@code layout}
   * describe its fields: every field of the layout's sizes then lies inside the table and the
   * buffer, so reads through {@link Layout#field} need no further checks.
   */
  int table(int pos, Layout layout, String what) throws ZtocFormatException {
    if (pos < 0 || (long) pos + 4 > limit) {
      throw bad(what, "table at " + pos + " out of bounds");
    }
    long vt = (long) pos - intAt(pos);
    if (vt != layout.vtable) {
      table(pos, what);
      for (int k = 0; k < layout.sizes.length; k++) {
        int p = field(pos, k, layout.sizes[k], what);
        layout.offsets[k] = p == 0 ? 0 : p - pos;
      }
      layout.tableSize = u16((int) vt + 2);
      layout.vtable = vt;
    } else if ((long) pos + layout.tableSize > limit) {
      throw bad(what, "bad table size " + layout.tableSize);
    }
    return pos;
  }

  /** Target of an offset field of a table checked with {@code layout}, or 0 when absent. */
  int ref(int table, Layout layout, int slot, String what) throws ZtocFormatException {
    int p = layout.field(table, slot);
    return p == 0 ? 0 : target(p, what);
  }

  /** A long field of a table checked with {@code layout}; 0 when absent. */
  long getLong(int table, Layout layout, int slot) {
    int p = layout.field(table, slot);
    return p == 0 ? 0 : longAt(p);
  }

  /** Absolute position of a field of {@code size} bytes, or 0 when the field is absent. */
  private int field(int table, int slot, int size, String what) throws ZtocFormatException {
    int vt = table - intAt(table);
    int vsize = u16(vt);
    int entry = 4 + 2 * slot;
    if (entry + 2 > vsize) {
      return 0;
    }
    int fo = u16(vt + entry);
    if (fo == 0) {
      return 0;
    }
    if (fo < 4 || fo + size > u16(vt + 2)) {
      throw bad(what, "field " + slot + " outside its table");
    }
    return table + fo;
  }

  long getLong(int table, int slot, String what) throws ZtocFormatException {
    int p = field(table, slot, 8, what);
    return p == 0 ? 0 : longAt(p);
  }

  int getInt(int table, int slot, String what) throws ZtocFormatException {
    int p = field(table, slot, 4, what);
    return p == 0 ? 0 : intAt(p);
  }

  /** A byte field; {@code def} when absent. */
  int getByte(int table, int slot, int def, String what) throws ZtocFormatException {
    int p = field(table, slot, 1, what);
    return p == 0 ? def : byteAt(p);
  }

  /** Target of an offset field, or 0 when absent (an offset can never point at 0). */
  int ref(int table, int slot, String what) throws ZtocFormatException {
    int p = field(table, slot, 4, what);
    return p == 0 ? 0 : target(p, what);
  }

  /** Follows the unsigned offset stored at {@code p}. */
  int target(int p, String what) throws ZtocFormatException {
    if (p < 0 || (long) p + 4 > limit) {
      throw bad(what, "offset at " + p + " out of bounds");
    }
    long t = p + Integer.toUnsignedLong(intAt(p));
    if (t == p || t + 4 > limit) {
      throw bad(what, "offset target " + t + " out of bounds");
    }
    return (int) t;
  }

  /** Number of elements of the vector at {@code v}, after checking they fit the buffer. */
  int vectorLength(int v, int elemSize, String what) throws ZtocFormatException {
    long n = Integer.toUnsignedLong(intAt(v));
    if (v + 4L + n * elemSize > limit) {
      throw bad(what, "vector of " + n + " elements overruns the buffer");
    }
    return (int) n;
  }

  /** Target of element {@code i} of an offset vector whose length was checked. */
  int element(int v, int i, String what) throws ZtocFormatException {
    return target(v + 4 + 4 * i, what);
  }

  /**
   * Checks the string at {@code s} (length in bounds, NUL terminator) and returns its byte
   * length; its bytes start at {@code s + 4}. The content is not required to be UTF-8: Go
   * writes raw byte strings, and so may any producer.
   */
  int checkString(int s, String what) throws ZtocFormatException {
    long n = Integer.toUnsignedLong(intAt(s));
    if (s + 4L + n + 1 > limit) {
      throw bad(what, "string of " + n + " bytes overruns the buffer");
    }
    if (byteAt(s + 4 + (int) n) != 0) {
      throw bad(what, "string not NUL-terminated");
    }
    return (int) n;
  }

  /** The bytes of a string already accepted by {@link #checkString}. */
  ByteString rawString(int s) {
    return ByteString.wrap(copy(s + 4, intAt(s)));
  }

  /** A copy of {@code len} bytes at a checked position. */
  byte[] copy(int p, int len) {
    return Arrays.copyOfRange(a, base + p, base + p + len);
  }

  /** A string already accepted by {@link #checkString}, decoded as UTF-8 with replacement. */
  String string(int s) {
    return new String(a, base + s + 4, intAt(s), StandardCharsets.UTF_8);
  }

  /** Bytes of a {@code [ubyte]} vector. */
  ByteBuffer bytes(int v, String what) throws ZtocFormatException {
    int n = vectorLength(v, 1, what);
    ByteBuffer view = ByteBuffer.wrap(a, base + v + 4, n).slice().asReadOnlyBuffer();
    return view.order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * The {@code len <= 8} bytes at checked position {@code p}, packed little-endian into a long
   * (unused high bytes zero), so short strings compare as one long.
   */
  long smallString(int p, int len) {
    if ((long) p + 8 <= limit) {
      long mask = len == 8 ? -1L : (1L << (8 * len)) - 1;
      return longAt(p) & mask;
    }
    return pack(a, base + p, len);
  }

  /** Bytes {@code b[from, from + len)}, {@code len <= 8}, packed little-endian into a long. */
  static long pack(byte[] b, int from, int len) {
    long v = 0;
    for (int k = len - 1; k >= 0; k--) {
      v = (v << 8) | (b[from + k] & 0xff);
    }
    return v;
  }

  boolean bytesEqual(int off, int len, byte[] expected) {
    return len == expected.length
        && Arrays.equals(a, base + off, base + off + len, expected, 0, len);
  }

  private int u16(int p) {
    return Short.toUnsignedInt((short) I16.get(a, base + p));
  }

  private static ZtocFormatException bad(String what, String detail) {
    return new ZtocFormatException(what + ": " + detail);
  }
}
