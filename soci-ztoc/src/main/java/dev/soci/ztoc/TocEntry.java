package dev.soci.ztoc;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One tar entry of a zTOC (the schema's {@code FileMetadata} table).
 *
 * @param name the entry name exactly as Go's tar reader resolved it (no cleaning; {@code ./} kept)
 * @param type the entry type
 * @param uncompressedOffset offset in the tar stream of the entry's first data byte
 * @param uncompressedSize the header's size field (after a PAX {@code size} override)
 * @param linkname link target for hard and symbolic links, else usually empty
 * @param mode permission and mode bits from the header (e.g. {@code 0o4755})
 * @param uid owner id, as the unsigned 32-bit value the zTOC stores
 * @param gid group id, as the unsigned 32-bit value the zTOC stores
 * @param uname owner name
 * @param gname group name
 * @param modTime modification time exactly as stored, RFC 3339 like Go's {@code
 *     time.MarshalText} (e.g. {@code 2024-05-06T07:08:09.123456789Z})
 * @param devmajor device major number
 * @param devminor device minor number
 * @param paxRecords every PAX record of the entry's local extended header, raw, ordered by key
 *     in UTF-8 byte order (the zTOC's misnamed {@code xattrs} field)
 */
public record TocEntry(
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
    SortedMap<String, String> paxRecords) {

  /** Prefix of the PAX records that carry extended attributes. */
  public static final String XATTR_PREFIX = "SCHILY.xattr.";

  public TocEntry {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(linkname, "linkname");
    Objects.requireNonNull(uname, "uname");
    Objects.requireNonNull(gname, "gname");
    Objects.requireNonNull(modTime, "modTime");
    if (uid < 0 || uid > 0xFFFF_FFFFL || gid < 0 || gid > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("uid/gid must be unsigned 32-bit: " + uid + "/" + gid);
    }
    paxRecords = sortedCopy(paxRecords);
  }

  /** Copies into an unmodifiable map ordered like Go's {@code sort.Strings} (UTF-8 bytes). */
  static SortedMap<String, String> sortedCopy(Map<String, String> records) {
    TreeMap<String, String> copy = new TreeMap<>(CodePointOrder.INSTANCE);
    if (records != null) {
      records.forEach(
          (k, v) -> copy.put(Objects.requireNonNull(k, "pax key"), Objects.requireNonNull(v, k)));
    }
    return Collections.unmodifiableSortedMap(copy);
  }

  /** The extended attributes: PAX records {@code SCHILY.xattr.<name>} with the prefix stripped. */
  public SortedMap<String, String> xattrs() {
    TreeMap<String, String> out = new TreeMap<>(CodePointOrder.INSTANCE);
    for (Map.Entry<String, String> e : paxRecords.entrySet()) {
      if (e.getKey().startsWith(XATTR_PREFIX)) {
        out.put(e.getKey().substring(XATTR_PREFIX.length()), e.getValue());
      }
    }
    return Collections.unmodifiableSortedMap(out);
  }

  /**
   * {@link #modTime()} as an instant.
   *
   * @throws java.time.format.DateTimeParseException if the stored string is not RFC 3339 (never
   *     the case for entries from {@link TarTocBuilder}; a foreign zTOC may hold anything)
   */
  public Instant modTimeInstant() {
    return OffsetDateTime.parse(modTime).toInstant();
  }
}
