package dev.soci.ztoc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked FlatBuffers access over an untrusted buffer. flatbuffers-java ships no
 * verifier, and its generated accessors trust every offset, so each read here checks that what
 * it touches lies inside the buffer and throws {@link ZtocFormatException} otherwise.
 *
 * <p>Invariant: table positions passed to the field accessors come from {@link #table}, which
 * has validated the table's vtable; field reads then only need to check the field's own extent.
 */
final class FlatBufferInput {
  private final ByteBuffer bb;
  private final int limit;

  FlatBufferInput(ByteBuffer source) {
    this.bb = source.slice().order(ByteOrder.LITTLE_ENDIAN);
    this.limit = bb.limit();
  }

  int limit() {
    return limit;
  }

  ByteBuffer buffer() {
    return bb;
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
    long vt = (long) pos - bb.getInt(pos);
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

  /** Absolute position of a field of {@code size} bytes, or 0 when the field is absent. */
  private int field(int table, int slot, int size, String what) throws ZtocFormatException {
    int vt = table - bb.getInt(table);
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
    return p == 0 ? 0 : bb.getLong(p);
  }

  int getInt(int table, int slot, String what) throws ZtocFormatException {
    int p = field(table, slot, 4, what);
    return p == 0 ? 0 : bb.getInt(p);
  }

  /** A byte field; {@code def} when absent. */
  int getByte(int table, int slot, int def, String what) throws ZtocFormatException {
    int p = field(table, slot, 1, what);
    return p == 0 ? def : bb.get(p);
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
    long t = p + Integer.toUnsignedLong(bb.getInt(p));
    if (t == p || t + 4 > limit) {
      throw bad(what, "offset target " + t + " out of bounds");
    }
    return (int) t;
  }

  /** Number of elements of the vector at {@code v}, after checking they fit the buffer. */
  int vectorLength(int v, int elemSize, String what) throws ZtocFormatException {
    long n = Integer.toUnsignedLong(bb.getInt(v));
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
    long n = Integer.toUnsignedLong(bb.getInt(s));
    if (s + 4L + n + 1 > limit) {
      throw bad(what, "string of " + n + " bytes overruns the buffer");
    }
    if (bb.get(s + 4 + (int) n) != 0) {
      throw bad(what, "string not NUL-terminated");
    }
    return (int) n;
  }

  /** The bytes of a string already accepted by {@link #checkString}. */
  ByteString rawString(int s) {
    byte[] b = new byte[bb.getInt(s)];
    bb.get(s + 4, b);
    return ByteString.wrap(b);
  }

  /** A string already accepted by {@link #checkString}, decoded as UTF-8 with replacement. */
  String string(int s) {
    byte[] b = new byte[bb.getInt(s)];
    bb.get(s + 4, b);
    return new String(b, StandardCharsets.UTF_8);
  }

  /** Bytes of a {@code [ubyte]} vector. */
  ByteBuffer bytes(int v, String what) throws ZtocFormatException {
    int n = vectorLength(v, 1, what);
    return bb.slice(v + 4, n).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  boolean bytesEqual(int off, int len, byte[] expected) {
    if (len != expected.length) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if (bb.get(off + i) != expected[i]) {
        return false;
      }
    }
    return true;
  }

  private int u16(int p) {
    return Short.toUnsignedInt(bb.getShort(p));
  }

  private static ZtocFormatException bad(String what, String detail) {
    return new ZtocFormatException(what + ": " + detail);
  }
}
