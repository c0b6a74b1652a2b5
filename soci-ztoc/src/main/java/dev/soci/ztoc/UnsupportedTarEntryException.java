package dev.soci.ztoc;

/**
 * A tar entry whose type cannot be represented in a zTOC (GNU sparse {@code S}, a global PAX
 * header {@code g}, a volume label {@code V}, a PAX-sparse file, ...). The reference fails the
 * whole build on these with "unsupported input tar entry"; this exception names the entry and
 * its type flag so the caller can report it precisely.
 */
public final class UnsupportedTarEntryException extends TarFormatException {
  private static final long serialVersionUID = 1L;

  /** The entry name as resolved when the header was read. */
  private final String entryName;
  /** The raw type flag byte, as a char. */
  private final char typeFlag;

  /**
   * @param entryName the entry name as resolved so far (PAX path and GNU long name applied)
   * @param typeFlag the raw type flag byte, as a char
   * @param offset stream offset of the entry's header
   * @param reason short human explanation of the flag
   */
  public UnsupportedTarEntryException(String entryName, char typeFlag, long offset, String reason) {
    super(
        "unsupported input tar entry \""
            + entryName
            + "\": type flag "
            + describe(typeFlag)
            + " ("
            + reason
            + ") at offset "
            + offset);
    this.entryName = entryName;
    this.typeFlag = typeFlag;
  }

  private static String describe(char flag) {
    return flag >= 0x20 && flag < 0x7f ? "'" + flag + "'" : String.format("0x%02x", (int) flag);
  }

  /**
   * The name of the offending entry.
   *
   * @return the entry name, with any PAX path or GNU long name applied
   */
  public String entryName() {
    return entryName;
  }

  /**
   * The offending type flag byte.
   *
   * @return the raw type flag byte from the tar header, as a char
   */
  public char typeFlag() {
    return typeFlag;
  }
}
