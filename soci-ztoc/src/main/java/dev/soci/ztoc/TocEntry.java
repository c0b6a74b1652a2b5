package dev.soci.ztoc;

import dev.soci.ztoc.internal.TarTocBuilder;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One tar entry of a zTOC (the schema's {@code FileMetadata} table).
 *
 * <p><b>Raw bytes and strings.</b> Tar does not fix an encoding: names may be in a legacy
 * charset and PAX values may be binary (file capabilities). The components therefore hold the
 * exact bytes as {@link ByteString}s ({@link #rawName()}, {@link #rawLinkname()}, {@link
 * #rawUname()}, {@link #rawGname()}, {@link #paxRecords()}), which is what the encoder writes,
 * so a TOC round-trips byte for byte. For the usual all-UTF-8 case, {@link #name()}, {@link
 * #linkname()}, {@link #uname()} and {@link #gname()} return the decoded strings (malformed
 * bytes become U+FFFD, so use the raw form whenever the bytes matter), and a constructor takes
 * plain strings.
 *
 * @param rawName the entry name exactly as Go's tar reader resolved it (no cleaning; {@code ./}
 *     kept)
 * @param type the entry type
 * @param uncompressedOffset offset in the tar stream of the entry's first data byte
 * @param uncompressedSize the header's size field (after a PAX {@code size} override)
 * @param rawLinkname link target for hard and symbolic links, else usually empty
 * @param mode permission and mode bits from the header (e.g. {@code 0o4755})
 * @param uid owner id, as the unsigned 32-bit value the zTOC stores
 * @param gid group id, as the unsigned 32-bit value the zTOC stores
 * @param rawUname owner name
 * @param rawGname group name
 * @param modTime modification time exactly as stored, RFC 3339 like Go's {@code
 *     time.MarshalText} (e.g. {@code 2024-05-06T07:08:09.123456789Z})
 * @param devmajor device major number
 * @param devminor device minor number
 * @param paxRecords every PAX record of the entry's local extended header, raw, ordered by key
 *     bytes like Go's {@code sort.Strings} (the zTOC's misnamed {@code xattrs} field);
 *     unmodifiable
 */
public record TocEntry(
    ByteString rawName,
    EntryType type,
    long uncompressedOffset,
    long uncompressedSize,
    ByteString rawLinkname,
    long mode,
    long uid,
    long gid,
    ByteString rawUname,
    ByteString rawGname,
    String modTime,
    long devmajor,
    long devminor,
    SortedMap<ByteString, ByteString> paxRecords) {

  /** Prefix of the PAX records that carry extended attributes. */
  public static final String XATTR_PREFIX = "SCHILY.xattr.";

  private static final ByteString XATTR_PREFIX_BYTES = ByteString.utf8(XATTR_PREFIX);

  /**
   * @param rawName the entry name exactly as Go's tar reader resolved it
   * @param type the entry type
   * @param uncompressedOffset offset in the tar stream of the entry's first data byte
   * @param uncompressedSize the header's size field (after a PAX {@code size} override)
   * @param rawLinkname link target for hard and symbolic links, else usually empty
   * @param mode permission and mode bits from the header
   * @param uid owner id, from 0 to 2^32 - 1
   * @param gid group id, from 0 to 2^32 - 1
   * @param rawUname owner name
   * @param rawGname group name
   * @param modTime modification time as RFC 3339 text, as the zTOC stores it
   * @param devmajor device major number
   * @param devminor device minor number
   * @param paxRecords the entry's PAX records, raw; copied into an unmodifiable map ordered by key
   *     bytes, and null means none
   * @throws NullPointerException if any reference is null (use empty values instead)
   * @throws IllegalArgumentException if uid or gid is not an unsigned 32-bit value
   */
  public TocEntry {
    Objects.requireNonNull(rawName, "rawName");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(rawLinkname, "rawLinkname");
    Objects.requireNonNull(rawUname, "rawUname");
    Objects.requireNonNull(rawGname, "rawGname");
    Objects.requireNonNull(modTime, "modTime");
    if (uid < 0 || uid > 0xFFFF_FFFFL || gid < 0 || gid > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("uid/gid must be unsigned 32-bit: " + uid + "/" + gid);
    }
    paxRecords = sortedCopy(paxRecords);
  }

  /**
   * An entry from strings, stored as their UTF-8 encodings.
   *
   * @param name the entry name, stored as its UTF-8 bytes
   * @param type the entry type
   * @param uncompressedOffset offset in the tar stream of the entry's first data byte
   * @param uncompressedSize the header's size field (after a PAX {@code size} override)
   * @param linkname link target for hard and symbolic links, else usually empty
   * @param mode permission and mode bits from the header
   * @param uid owner id, from 0 to 2^32 - 1
   * @param gid group id, from 0 to 2^32 - 1
   * @param uname owner name
   * @param gname group name
   * @param modTime modification time as RFC 3339 text, as the zTOC stores it
   * @param devmajor device major number
   * @param devminor device minor number
   * @param paxRecords PAX records (keys and values encoded as UTF-8); null means none
   * @throws NullPointerException if any reference other than {@code paxRecords} is null
   * @throws IllegalArgumentException if uid or gid is not an unsigned 32-bit value
   */
  public TocEntry(
      String name,
      EntryType type,
      long uncompressedOffset,
      long uncompressedSize,
      String linkname,
      long mode,
      long uid,
      long gid,
      String uname,
      String gname,
      String modTime,
      long devmajor,
      long devminor,
      Map<String, String> paxRecords) {
    this(
        ByteString.utf8(name),
        type,
        uncompressedOffset,
        uncompressedSize,
        ByteString.utf8(linkname),
        mode,
        uid,
        gid,
        ByteString.utf8(uname),
        ByteString.utf8(gname),
        modTime,
        devmajor,
        devminor,
        utf8Records(paxRecords));
  }

  private static SortedMap<ByteString, ByteString> utf8Records(Map<String, String> records) {
    TreeMap<ByteString, ByteString> out = new TreeMap<>();
    if (records != null) {
      records.forEach(
          (k, v) ->
              out.put(
                  ByteString.utf8(Objects.requireNonNull(k, "pax key")),
                  ByteString.utf8(Objects.requireNonNull(v, k))));
    }
    return out;
  }

  /** Copies into an unmodifiable map ordered by unsigned key bytes. */
  private static SortedMap<ByteString, ByteString> sortedCopy(Map<ByteString, ByteString> records) {
    TreeMap<ByteString, ByteString> copy = new TreeMap<>();
    if (records != null) {
      records.forEach(
          (k, v) ->
              copy.put(Objects.requireNonNull(k, "pax key"), Objects.requireNonNull(v, "pax value")));
    }
    return Collections.unmodifiableSortedMap(copy);
  }

  /**
   * {@link #rawName()} decoded as UTF-8 (malformed bytes replaced by U+FFFD).
   *
   * @return the entry name as text
   */
  public String name() {
    return rawName.utf8();
  }

  /**
   * {@link #rawLinkname()} decoded as UTF-8 (malformed bytes replaced by U+FFFD).
   *
   * @return the link target as text, {@code ""} when there is none
   */
  public String linkname() {
    return rawLinkname.utf8();
  }

  /**
   * {@link #rawUname()} decoded as UTF-8 (malformed bytes replaced by U+FFFD).
   *
   * @return the owner name as text
   */
  public String uname() {
    return rawUname.utf8();
  }

  /**
   * {@link #rawGname()} decoded as UTF-8 (malformed bytes replaced by U+FFFD).
   *
   * @return the group name as text
   */
  public String gname() {
    return rawGname.utf8();
  }

  /**
   * The value of the PAX record whose key is the UTF-8 encoding of {@code key}, e.g. {@code
   * paxRecord("mtime")}.
   *
   * @param key the record's key, e.g. {@code mtime} or {@code SCHILY.xattr.user.foo}
   * @return the record's raw value, or empty when the entry has no such record
   */
  public Optional<ByteString> paxRecord(String key) {
    return Optional.ofNullable(paxRecords.get(ByteString.utf8(key)));
  }

  /**
   * The extended attributes: PAX records {@code SCHILY.xattr.<name>} with the prefix stripped,
   * names and values raw (values are often binary); unmodifiable, ordered by name bytes.
   *
   * @return a new map from attribute name to raw value; empty when there are none
   */
  public SortedMap<ByteString, ByteString> xattrs() {
    TreeMap<ByteString, ByteString> out = new TreeMap<>();
    for (Map.Entry<ByteString, ByteString> e :
        paxRecords.tailMap(XATTR_PREFIX_BYTES).entrySet()) {
      if (!e.getKey().startsWith(XATTR_PREFIX_BYTES)) {
        break; // sorted: every key with the prefix comes in one run
      }
      out.put(e.getKey().substring(XATTR_PREFIX_BYTES.length()), e.getValue());
    }
    return Collections.unmodifiableSortedMap(out);
  }

  /**
   * The value of extended attribute {@code name} (given as text, matched as UTF-8).
   *
   * @param name the attribute's name without the {@code SCHILY.xattr.} prefix, e.g. {@code
   *     security.capability}
   * @return the attribute's raw value, or empty when the entry has no such attribute
   */
  public Optional<ByteString> xattr(String name) {
    return paxRecord(XATTR_PREFIX + name);
  }

  /**
   * {@link #modTime()} as an instant.
   *
   * @return the modification time, to the nanosecond the string gives
   * @throws java.time.format.DateTimeParseException if the stored string is not RFC 3339 (never
   *     the case for entries from this library's tar parser; a foreign zTOC may hold anything)
   */
  public Instant modTimeInstant() {
    return OffsetDateTime.parse(modTime).toInstant();
  }
}
