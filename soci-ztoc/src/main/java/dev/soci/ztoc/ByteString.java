package dev.soci.ztoc;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable sequence of bytes with string-like value semantics: the type of the zTOC's
 * textual fields that tar does not constrain to an encoding (entry names, link names, user and
 * group names, PAX record keys and values).
 *
 * <p>Go's {@code archive/tar} keeps these as raw byte strings and the reference writes them to
 * the zTOC verbatim, so real layers contain names in legacy encodings (Latin-1 file names) and
 * binary PAX values ({@code SCHILY.xattr.security.capability} holds a {@code vfs_cap_data}
 * struct). A {@link String} cannot carry such bytes without loss; a {@code ByteString} does, so
 * tar &rarr; model &rarr; zTOC &rarr; model is byte-identical.
 *
 * <ul>
 *   <li>Equality and {@link #hashCode} are by content.
 *   <li>{@link #compareTo} orders by unsigned bytes, which is Go's string order, so a {@code
 *       TreeMap<ByteString, ?>} sorts PAX keys exactly as the reference does; for valid UTF-8 it
 *       is also Unicode code point order.
 *   <li>{@link #utf8()} decodes with U+FFFD replacing malformed bytes (what Go's {@code
 *       encoding/json} would print); {@link #isValidUtf8()} tells whether that decoding is
 *       lossless. {@link #toString()} is for humans: the text, with malformed bytes shown as
 *       {@code \xNN}.
 * </ul>
 *
 * <p>Instances never expose their backing array: {@link #of(byte[])} copies in and {@link
 * #toByteArray()} copies out.
 */
public final class ByteString implements Comparable<ByteString> {

  /** The empty byte string. */
  public static final ByteString EMPTY = new ByteString(new byte[0]);

  private final byte[] bytes;
  private int hash; // 0 = not computed (or truly 0, recomputed harmlessly)

  private ByteString(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * A byte string holding a copy of {@code bytes}.
   *
   * @param bytes the bytes to copy
   * @return a byte string of the same bytes; later changes to the array do not show
   */
  public static ByteString of(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new ByteString(bytes.clone());
  }

  /**
   * A byte string holding a copy of {@code bytes[offset, offset + length)}.
   *
   * @param bytes the array holding the bytes
   * @param offset index of the first byte to copy
   * @param length how many bytes to copy
   * @return a byte string of those bytes
   */
  public static ByteString of(byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    return length == 0 ? EMPTY : new ByteString(Arrays.copyOfRange(bytes, offset, offset + length));
  }

  /**
   * The UTF-8 encoding of {@code text}. An unpaired surrogate, which has no UTF-8 encoding, is
   * written as {@code ?} (as {@link String#getBytes} does).
   *
   * @param text the text to encode
   * @return a byte string of the text's UTF-8 bytes
   */
  public static ByteString utf8(String text) {
    return text.isEmpty() ? EMPTY : new ByteString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Takes ownership of {@code bytes}: the caller must not modify it afterwards. */
  static ByteString wrap(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new ByteString(bytes);
  }

  /** The backing array, for package-internal readers that promise not to modify it. */
  byte[] internalArray() {
    return bytes;
  }

  /**
   * Number of bytes.
   *
   * @return the number of bytes
   */
  public int length() {
    return bytes.length;
  }

  /**
   * Whether there are no bytes.
   *
   * @return {@code true} when the length is 0
   */
  public boolean isEmpty() {
    return bytes.length == 0;
  }

  /**
   * Byte {@code i}.
   *
   * @param i byte index, from 0 to {@link #length()} minus one
   * @return the byte at that index (signed, as Java's {@code byte} is)
   */
  public byte byteAt(int i) {
    return bytes[i];
  }

  /**
   * A copy of the bytes.
   *
   * @return a fresh array holding the bytes
   */
  public byte[] toByteArray() {
    return bytes.clone();
  }

  /**
   * The bytes as a read-only buffer, without copying.
   *
   * @return a read-only buffer over the bytes, positioned at 0
   */
  public ByteBuffer asReadOnlyByteBuffer() {
    return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
  }

  /**
   * Whether the bytes are well-formed UTF-8, i.e. {@link #utf8()} loses nothing.
   *
   * @return {@code true} when the bytes are well-formed UTF-8
   */
  public boolean isValidUtf8() {
    return Utf8.isValid(bytes, 0, bytes.length);
  }

  /**
   * The bytes decoded as UTF-8, each malformed sequence replaced by U+FFFD.
   *
   * @return the decoded text
   */
  public String utf8() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /**
   * Whether this byte string starts with {@code prefix}.
   *
   * @param prefix the bytes to look for
   * @return {@code true} when the first bytes are exactly {@code prefix}'s (always for an empty
   *     prefix)
   */
  public boolean startsWith(ByteString prefix) {
    return bytes.length >= prefix.bytes.length
        && Arrays.equals(bytes, 0, prefix.bytes.length, prefix.bytes, 0, prefix.bytes.length);
  }

  /**
   * Whether this byte string ends with {@code suffix}.
   *
   * @param suffix the bytes to look for
   * @return {@code true} when the last bytes are exactly {@code suffix}'s (always for an empty
   *     suffix)
   */
  public boolean endsWith(ByteString suffix) {
    int from = bytes.length - suffix.bytes.length;
    return from >= 0
        && Arrays.equals(bytes, from, bytes.length, suffix.bytes, 0, suffix.bytes.length);
  }

  /**
   * The bytes from index {@code begin} to the end.
   *
   * @param begin index of the first byte to keep, from 0 to {@link #length()}
   * @return the bytes from {@code begin} on
   */
  public ByteString substring(int begin) {
    return substring(begin, bytes.length);
  }

  /**
   * The bytes {@code [begin, end)}.
   *
   * @param begin index of the first byte to keep
   * @param end index just past the last byte to keep, from {@code begin} to {@link #length()}
   * @return the bytes in that range; this instance itself when the range is the whole
   */
  public ByteString substring(int begin, int end) {
    Objects.checkFromToIndex(begin, end, bytes.length);
    if (begin == 0 && end == bytes.length) {
      return this;
    }
    return wrap(Arrays.copyOfRange(bytes, begin, end));
  }

  /**
   * Whether this byte string is exactly the UTF-8 encoding of {@code text}.
   *
   * @param text the text to compare with
   * @return {@code true} when the bytes equal the text's UTF-8 encoding
   */
  public boolean contentEquals(String text) {
    int n = text.length();
    if (n > bytes.length) {
      return false; // every UTF-16 unit takes at least one UTF-8 byte
    }
    if (n == bytes.length) {
      // Equal lengths can only match if the text is ASCII: compare without encoding.
      for (int i = 0; i < n; i++) {
        if (text.charAt(i) != bytes[i]) {
          return false;
        }
      }
      return true;
    }
    return Arrays.equals(bytes, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Unsigned lexicographic byte order: Go's string order. */
  @Override
  public int compareTo(ByteString other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ByteString b && Arrays.equals(b.bytes, bytes);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = Arrays.hashCode(bytes);
      hash = h;
    }
    return h;
  }

  /** The text for humans: UTF-8 decoded, each byte that is not part of valid UTF-8 as {@code \xNN}. */
  @Override
  public String toString() {
    if (isValidUtf8()) {
      return utf8();
    }
    StringBuilder sb = new StringBuilder(bytes.length + 16);
    int i = 0;
    while (i < bytes.length) {
      int n = Utf8.sequenceLength(bytes, i, bytes.length);
      if (n == 0) {
        sb.append(String.format("\\x%02x", bytes[i] & 0xff));
        i++;
      } else {
        sb.append(new String(bytes, i, n, StandardCharsets.UTF_8));
        i += n;
      }
    }
    return sb.toString();
  }
}
