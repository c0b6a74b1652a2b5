package dev.soci.ztoc;

import dev.soci.core.Compression;
import java.util.ArrayList;
import java.util.List;

/**
 * The numbers of the reference CLI's {@code ztoc info} view (rendered as JSON elsewhere).
 *
 * @param version the zTOC version
 * @param buildTool the build tool identifier
 * @param size the zTOC's size in bytes
 * @param spanSize the span size recorded in the zinfo
 * @param numSpans number of spans
 * @param numFiles number of TOC entries
 * @param numMultiSpanFiles entries whose start and end spans differ
 * @param files one line per entry, in archive order
 */
public record ZtocInfo(
    String version,
    String buildTool,
    long size,
    long spanSize,
    int numSpans,
    int numFiles,
    int numMultiSpanFiles,
    List<FileInfo> files) {

  public ZtocInfo {
    files = List.copyOf(files);
  }

  /**
   * One entry of the view.
   *
   * @param filename entry name as stored, decoded as UTF-8 (malformed bytes become U+FFFD, as in
   *     the reference's JSON output)
   * @param offset uncompressed offset of its data
   * @param size its size
   * @param type the zTOC type string
   * @param startSpan span holding {@code offset}
   * @param endSpan span holding {@code offset + size} (exclusive end, as the reference does)
   */
  public record FileInfo(
      String filename, long offset, long size, String type, int startSpan, int endSpan) {}

  /**
   * Computes the view of a zTOC of either compression: span size and span starts come from its
   * zinfo ({@link ZtocView#spanSize()}, {@link ZtocView#spanStarts()}).
   */
  public static ZtocInfo of(ZtocView ztoc) {
    long[] spanStarts = ztoc.spanStarts();
    List<FileInfo> files = new ArrayList<>(ztoc.entryCount());
    int multi = 0;
    for (int i = 0; i < ztoc.entryCount(); i++) {
      long offset = ztoc.uncompressedOffset(i);
      long size = ztoc.uncompressedSize(i);
      int start = spanHolding(spanStarts, offset);
      int end = spanHolding(spanStarts, offset + size);
      if (start != end) {
        multi++;
      }
      files.add(new FileInfo(ztoc.name(i), offset, size, ztoc.type(i).wireName(), start, end));
    }
    return new ZtocInfo(
        ztoc.version(),
        ztoc.buildToolIdentifier(),
        ztoc.byteSize(),
        ztoc.spanSize(),
        ztoc.spanCount(),
        files.size(),
        multi,
        files);
  }

  /**
   * The lowercase name the reference prints for a compression: {@code gzip} or {@code
   * uncompressed}.
   */
  public static String displayName(Compression compression) {
    return switch (compression) {
      case GZIP -> "gzip";
      case UNCOMPRESSED -> "uncompressed";
    };
  }

  /**
   * The span holding {@code offset}: the last one whose start is {@code <= offset} (0 when
   * there are no spans or the offset precedes them all).
   *
   * @param spanStarts ascending span starts
   */
  public static int spanHolding(long[] spanStarts, long offset) {
    int lo = 0;
    int hi = spanStarts.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (spanStarts[mid] <= offset) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }
}
