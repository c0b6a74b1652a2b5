package dev.soci.ztoc.internal;

import dev.soci.ztoc.TocEntry;
import java.util.List;

/**
 * What {@link TarTocBuilder} extracts from a tar stream.
 *
 * @param entries the TOC entries in archive order
 * @param endOffset where Go's tar reader stops: just after the end-of-archive marker (both zero
 *     blocks when present), which is the zTOC's {@code uncompressed_archive_size}
 */
public record TarToc(List<TocEntry> entries, long endOffset) {
  public TarToc {
    entries = List.copyOf(entries);
  }
}
