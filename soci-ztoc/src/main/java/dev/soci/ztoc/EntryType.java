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

  /**
   * Whether entries of this type have data in the tar stream. Only regular files do: the others
   * are header-only types (Go's {@code isHeaderOnlyType}), which occupy no data whatever their
   * header's size field says, so the size a zTOC records for them (the reference keeps the
   * header's value) names no bytes of the archive.
   *
   * @return {@code true} only for {@link #REG}
   */
  public boolean hasData() {
    return this == REG;
  }

  /**
   * The string stored in the zTOC's {@code type} field.
   *
   * @return the type's name as the reference writes it in a zTOC, e.g. {@code reg}
   */
  public String wireName() {
    return wireName;
  }

  /**
   * Maps a zTOC {@code type} string back to the enum.
   *
   * @param s the {@code type} string read from a zTOC
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
