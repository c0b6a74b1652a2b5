package dev.soci.ztoc;

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
   * @param filename entry name as stored
   * @param offset uncompressed offset of its data
   * @param size its size
   * @param type the zTOC type string
   * @param startSpan span holding {@code offset}
   * @param endSpan span holding {@code offset + size} (exclusive end, as the reference does)
   */
  public record FileInfo(
      String filename, long offset, long size, String type, int startSpan, int endSpan) {}

  /**
   * Computes the view of a tar-zinfo zTOC, whose span starts follow from its span size.
   *
   * @throws IllegalArgumentException if the zTOC is a gzip one
   */
  public static ZtocInfo of(ZtocView ztoc) {
    TarZinfo zinfo = ztoc.tarZinfo();
    if (zinfo == null) {
      throw new IllegalArgumentException("gzip zTOC: span starts come from its gzip zinfo");
    }
    return of(ztoc, zinfo.spanSize(), zinfo.spanStarts());
  }

  /**
   * Computes the view given the zinfo's span size and the uncompressed start of every span
   * (for gzip, each checkpoint's {@code out}).
   *
   * @param spanStarts ascending, one per span, the first 0
   */
  public static ZtocInfo of(ZtocView ztoc, long spanSize, long[] spanStarts) {
    if (spanStarts.length == 0 || spanStarts[0] != 0) {
      throw new IllegalArgumentException("span starts must begin with 0");
    }
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
        spanSize,
        ztoc.maxSpanId() + 1,
        files.size(),
        multi,
        files);
  }

  /** The span holding {@code offset}: the last one whose start is {@code <= offset}. */
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
