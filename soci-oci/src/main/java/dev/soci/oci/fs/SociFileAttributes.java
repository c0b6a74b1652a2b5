package dev.soci.oci.fs;

import dev.soci.oci.image.ImageEntry;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.Set;

/**
 * The attributes of one path, from its {@link ImageEntry}: times from the tar header (the
 * access time and the creation time are the modification time where the header has no PAX
 * {@code atime}; tar records no birth time), the size (a symbolic link's is its target's length
 * in bytes, as {@code lstat} gives), owners by name or id, permissions from the mode, and the
 * entry's file key, shared by the names of one hard-linked file.
 */
final class SociFileAttributes implements PosixFileAttributes {
  private static final PosixFilePermission[] BITS = {
    PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
    PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
    PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
    PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
    PosixFilePermission.OWNER_READ,
  };

  private final ImageEntry entry;

  SociFileAttributes(ImageEntry entry) {
    this.entry = entry;
  }

  ImageEntry entry() {
    return entry;
  }

  /** The permission bits of {@code mode} as a set. */
  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < BITS.length; i++) {
      if ((mode & (1 << i)) != 0) {
        out.add(BITS[i]);
      }
    }
    return out;
  }

  @Override
  public FileTime lastModifiedTime() {
    return FileTime.from(entry.modifiedTime());
  }

  @Override
  public FileTime lastAccessTime() {
    return entry.accessTime() != null ? FileTime.from(entry.accessTime()) : lastModifiedTime();
  }

  @Override
  public FileTime creationTime() {
    return lastModifiedTime();
  }

  /** The change time when the header has one (PAX {@code ctime}), else the modification time. */
  FileTime changeTime() {
    return entry.changeTime() != null ? FileTime.from(entry.changeTime()) : lastModifiedTime();
  }

  @Override
  public boolean isRegularFile() {
    return entry.isFile();
  }

  @Override
  public boolean isDirectory() {
    return entry.isDirectory();
  }

  @Override
  public boolean isSymbolicLink() {
    return entry.isSymlink();
  }

  @Override
  public boolean isOther() {
    return !entry.isFile() && !entry.isDirectory() && !entry.isSymlink();
  }

  @Override
  public long size() {
    return entry.size();
  }

  /** A {@link Long}: equal for the names of one hard-linked file, distinct otherwise. */
  @Override
  public Object fileKey() {
    return entry.fileKey();
  }

  @Override
  public UserPrincipal owner() {
    return new ImagePrincipal(entry.uid(), entry.uname());
  }

  @Override
  public GroupPrincipal group() {
    return new ImagePrincipal.Group(entry.gid(), entry.gname());
  }

  @Override
  public Set<PosixFilePermission> permissions() {
    return permissions(entry.mode());
  }

  /** {@code st_mode}: the file type bits and the mode. */
  int unixMode() {
    int type = switch (entry.type()) {
      case FILE -> 0100000;
      case DIRECTORY -> 0040000;
      case SYMLINK -> 0120000;
      case CHAR_DEVICE -> 0020000;
      case BLOCK_DEVICE -> 0060000;
      case FIFO -> 0010000;
    };
    return type | entry.mode();
  }

  /** {@code st_rdev} as glibc's {@code makedev} encodes a device's numbers; 0 otherwise. */
  long rdev() {
    long major = entry.deviceMajor();
    long minor = entry.deviceMinor();
    return (minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xffL) << 12)
        | ((major & ~0xfffL) << 32);
  }
}
