package dev.soci.ztoc;

/** The type of a TOC entry, with the exact strings the reference writes in the zTOC. */
public enum EntryType {
  /** Regular file (tar flags {@code 0} and the legacy NUL flag). */
  REG("reg"),
  /** Hard link to an earlier entry, named by {@code linkname}. */
  HARDLINK("hardlink"),
  /** Symbolic link. */
  SYMLINK("symlink"),
  /** Directory. */
  DIR("dir"),
  /** Character device. */
  CHAR("char"),
  /** Block device. */
  BLOCK("block"),
  /** Named pipe. */
  FIFO("fifo");

  private final String wireName;

  EntryType(String wireName) {
    this.wireName = wireName;
  }

  /** The string stored in the zTOC's {@code type} field. */
  public String wireName() {
    return wireName;
  }

  /**
   * Maps a zTOC {@code type} string back to the enum.
   *
   * @return the type, or {@code null} when the string is not one the reference writes
   */
  public static EntryType fromWireName(String s) {
    for (EntryType t : values()) {
      if (t.wireName.equals(s)) {
        return t;
      }
    }
    return null;
  }
}
