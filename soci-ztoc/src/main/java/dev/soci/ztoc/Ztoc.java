package dev.soci.ztoc;

import java.util.List;
import java.util.Objects;

/**
 * A zTOC fully materialised: the table of contents of one layer plus what is needed to
 * decompress any span of it. Encode with {@link ZtocEncoder}; read bytes with {@link ZtocView}.
 *
 * @param version format version, {@code "0.9"}
 * @param buildToolIdentifier free text naming the producer, e.g. {@code AWS SOCI CLI v0.2}
 * @param compressedArchiveSize size of the layer blob as stored
 * @param uncompressedArchiveSize size of the tar stream up to its end-of-archive marker
 * @param entries TOC entries in archive order
 * @param compressionInfo span layout and zinfo
 */
record Ztoc(
    String version,
    String buildToolIdentifier,
    long compressedArchiveSize,
    long uncompressedArchiveSize,
    List<TocEntry> entries,
    CompressionInfo compressionInfo) {

  /** The only zTOC version in use. */
  public static final String VERSION = "0.9";

  public Ztoc {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(buildToolIdentifier, "buildToolIdentifier");
    Objects.requireNonNull(compressionInfo, "compressionInfo");
    entries = List.copyOf(entries);
  }
}
