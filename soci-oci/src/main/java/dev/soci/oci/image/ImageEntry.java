package dev.soci.oci.image;

import dev.soci.ztoc.ByteString;
import java.time.Instant;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One path of an image's merged root filesystem ({@link SociImage}), as the layers' tar headers
 * describe it after the layers were applied.
 *
 * <p>A hard link is not a type of its own: its path shows the entry it links to (type, size,
 * data, metadata and {@link #fileKey()}), as {@code lstat} shows two names of one inode. The
 * link's own header metadata is not used: tar writers repeat the target's there.
 *
 * @param path the normalised path, without a leading or trailing {@code /} ({@code "a/b"}); the
 *     root is {@code ""}
 * @param type what the path is
 * @param size the data length of a file; the length in UTF-8 bytes of a symbolic link's target;
 *     0 otherwise
 * @param mode permission bits with set-user-id, set-group-id and sticky ({@code 07777} at most)
 * @param uid owner id as the layer records it (unsigned 32-bit)
 * @param gid group id as the layer records it (unsigned 32-bit)
 * @param uname owner name as recorded (often empty)
 * @param gname group name as recorded (often empty)
 * @param modifiedTime modification time; the epoch for implied directories
 * @param accessTime access time when the layer records one (PAX {@code atime}), else null
 * @param changeTime change time when the layer records one (PAX {@code ctime}), else null
 * @param linkTarget a symbolic link's target exactly as stored; empty for other types
 * @param deviceMajor a device's major number; 0 for other types
 * @param deviceMinor a device's minor number; 0 for other types
 * @param xattrs extended attributes (PAX {@code SCHILY.xattr.*} records) by name, values raw;
 *     unmodifiable, empty when none
 * @param layer index in the manifest's layers (0 is the bottom one) of the entry this comes from;
 *     for a directory only implied by deeper paths, the layer that implied it; -1 for an implied
 *     root
 * @param entryIndex index of that tar entry among the layer's entries (in archive order, as in
 *     its zTOC); -1 for an implied directory
 * @param fileKey identifies the file: equal for the paths of one hard-linked file, distinct
 *     otherwise (within one {@link SociImage})
 */
public record ImageEntry(
    String path,
    Type type,
    long size,
    int mode,
    long uid,
    long gid,
    String uname,
    String gname,
    Instant modifiedTime,
    Instant accessTime,
    Instant changeTime,
    String linkTarget,
    long deviceMajor,
    long deviceMinor,
    SortedMap<String, ByteString> xattrs,
    int layer,
    int entryIndex,
    long fileKey) {

  /** What a path of the merged tree is. */
  public enum Type {
    /** Regular file (also what a hard link to one shows). */
    FILE,
    /** Directory. */
    DIRECTORY,
    /** Symbolic link. */
    SYMLINK,
    /** Character device. */
    CHAR_DEVICE,
    /** Block device. */
    BLOCK_DEVICE,
    /** Named pipe. */
    FIFO
  }

  /** Mode bits an entry may carry: permissions, set-user-id, set-group-id and sticky. */
  public static final int MODE_MASK = 07777;

  /**
   * Checks and copies.
   *
   * @param path the normalised path ({@code ""} for the root); not null
   * @param type what the path is; not null
   * @param size a file's data length or a symbolic link's target length in bytes; else 0
   * @param mode permission, set-user-id, set-group-id and sticky bits; within {@link #MODE_MASK}
   * @param uid owner id as the layer records it
   * @param gid group id as the layer records it
   * @param uname owner name as recorded, possibly empty; not null
   * @param gname group name as recorded, possibly empty; not null
   * @param modifiedTime modification time; not null
   * @param accessTime access time (PAX {@code atime}), or null when not recorded
   * @param changeTime change time (PAX {@code ctime}), or null when not recorded
   * @param linkTarget a symbolic link's target as stored, else empty; not null
   * @param deviceMajor a device's major number, else 0
   * @param deviceMinor a device's minor number, else 0
   * @param xattrs extended attributes by name, or null or empty for none; copied
   * @param layer index in the manifest's layers of the entry this comes from; -1 for an
   *     implied root
   * @param entryIndex index of that tar entry among the layer's entries; -1 for an implied
   *     directory
   * @param fileKey equal for the paths of one hard-linked file, distinct otherwise
   * @throws NullPointerException if a reference other than the optional times is null
   * @throws IllegalArgumentException if the mode has bits outside {@link #MODE_MASK}
   */
  public ImageEntry {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(uname, "uname");
    Objects.requireNonNull(gname, "gname");
    Objects.requireNonNull(modifiedTime, "modifiedTime");
    Objects.requireNonNull(linkTarget, "linkTarget");
    if ((mode & ~MODE_MASK) != 0) {
      throw new IllegalArgumentException("mode " + Integer.toOctalString(mode)
          + " has bits outside 07777");
    }
    xattrs = xattrs == null || xattrs.isEmpty()
        ? Collections.emptySortedMap()
        : Collections.unmodifiableSortedMap(new TreeMap<>(xattrs));
  }

  /**
   * The last component of the path ({@code ""} for the root).
   *
   * @return the path after its last {@code /}: the whole path for a top-level entry
   */
  public String name() {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** The same entry seen at another path (a hard link's name). */
  ImageEntry withPath(String newPath) {
    return new ImageEntry(newPath, type, size, mode, uid, gid, uname, gname, modifiedTime,
        accessTime, changeTime, linkTarget, deviceMajor, deviceMinor, xattrs, layer, entryIndex,
        fileKey);
  }

  /**
   * Whether this is a regular file.
   *
   * @return true for {@link Type#FILE} (a hard link to a file included)
   */
  public boolean isFile() {
    return type == Type.FILE;
  }

  /**
   * Whether this is a directory.
   *
   * @return true for {@link Type#DIRECTORY}, implied directories included
   */
  public boolean isDirectory() {
    return type == Type.DIRECTORY;
  }

  /**
   * Whether this is a symbolic link.
   *
   * @return true for {@link Type#SYMLINK}; the link is not followed
   */
  public boolean isSymlink() {
    return type == Type.SYMLINK;
  }

  /** {@code ls -l} style: type letter, mode, owner, size, path (and link target). */
  @Override
  public String toString() {
    char t = switch (type) {
      case FILE -> '-';
      case DIRECTORY -> 'd';
      case SYMLINK -> 'l';
      case CHAR_DEVICE -> 'c';
      case BLOCK_DEVICE -> 'b';
      case FIFO -> 'p';
    };
    return t + String.format("%04o", mode) + " " + uid + ":" + gid + " " + size + " /" + path
        + (type == Type.SYMLINK ? " -> " + linkTarget : "");
  }
}
