package dev.soci.ztoc;

import dev.soci.core.Compression;

/**
 * Vtable slot numbers of the zTOC and tar-zinfo FlatBuffers schemas (FORMATS.md 1 and 1.4).
 * Slots follow declaration order; keeping them in one place keeps the encoder and the reader
 * from drifting apart.
 */
final class Schema {
  private Schema() {}

  static final int X_FIELDS = 2;
  static final int X_KEY = 0;
  static final int X_VALUE = 1;

  static final int FM_FIELDS = 14;
  static final int FM_NAME = 0;
  static final int FM_TYPE = 1;
  static final int FM_OFFSET = 2;
  static final int FM_SIZE = 3;
  static final int FM_LINKNAME = 4;
  static final int FM_MODE = 5;
  static final int FM_UID = 6;
  static final int FM_GID = 7;
  static final int FM_UNAME = 8;
  static final int FM_GNAME = 9;
  static final int FM_MOD_TIME = 10;
  static final int FM_DEVMAJOR = 11;
  static final int FM_DEVMINOR = 12;
  static final int FM_XATTRS = 13;

  static final int CI_FIELDS = 4;
  static final int CI_ALGORITHM = 0;
  static final int CI_MAX_SPAN_ID = 1;
  static final int CI_SPAN_DIGESTS = 2;
  static final int CI_CHECKPOINTS = 3;

  /** {@code CompressionAlgorithm.Gzip}, the field's default (never written). */
  static final byte WIRE_GZIP = 1;
  /** {@code CompressionAlgorithm.Uncompressed}. */
  static final byte WIRE_UNCOMPRESSED = 2;

  static byte toWire(Compression c) {
    return switch (c) {
      case GZIP -> WIRE_GZIP;
      case UNCOMPRESSED -> WIRE_UNCOMPRESSED;
    };
  }

  /** @return the compression for a stored byte, or {@code null} if unknown */
  static Compression fromWire(int v) {
    return switch (v) {
      case WIRE_GZIP -> Compression.GZIP;
      case WIRE_UNCOMPRESSED -> Compression.UNCOMPRESSED;
      default -> null;
    };
  }

  static final int TOC_FIELDS = 1;
  static final int TOC_METADATA = 0;

  static final int Z_FIELDS = 6;
  static final int Z_VERSION = 0;
  static final int Z_BUILD_TOOL = 1;
  static final int Z_COMPRESSED_SIZE = 2;
  static final int Z_UNCOMPRESSED_SIZE = 3;
  static final int Z_TOC = 4;
  static final int Z_COMPRESSION_INFO = 5;

  static final int TZ_FIELDS = 3;
  static final int TZ_VERSION = 0;
  static final int TZ_SPAN_SIZE = 1;
  static final int TZ_SIZE = 2;
}
