package dev.soci.ztoc;

/** The zTOC's {@code compression_algorithm} enum (FlatBuffers byte values 1 and 2). */
public enum CompressionAlgorithm {
  /** Gzip layer; the schema default, so never written explicitly. */
  GZIP(1, "gzip"),
  /** Plain tar layer; {@code checkpoints} holds a {@link TarZinfo}. */
  UNCOMPRESSED(2, "uncompressed");

  private final byte wireValue;
  private final String displayName;

  CompressionAlgorithm(int wireValue, String displayName) {
    this.wireValue = (byte) wireValue;
    this.displayName = displayName;
  }

  /** The byte stored in the FlatBuffers table. */
  public byte wireValue() {
    return wireValue;
  }

  /** The lowercase name the reference prints ({@code gzip} / {@code uncompressed}). */
  public String displayName() {
    return displayName;
  }

  /** @return the algorithm for a stored byte, or {@code null} if unknown */
  static CompressionAlgorithm fromWireValue(int v) {
    for (CompressionAlgorithm a : values()) {
      if (a.wireValue == v) {
        return a;
      }
    }
    return null;
  }
}
