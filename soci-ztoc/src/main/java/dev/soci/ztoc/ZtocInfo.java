package dev.soci.ztoc;

import dev.soci.core.Compression;
import dev.soci.core.internal.GoJsonString;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The numbers of the reference CLI's {@code ztoc info} view (rendered as JSON elsewhere).
 *
 * @param version the zTOC version
 * @param buildToolIdentifier the build tool identifier
 * @param size the zTOC's size in bytes
 * @param spanSize the span size recorded in the zinfo
 * @param numSpans number of spans
 * @param numFiles number of TOC entries
 * @param numMultiSpanFiles entries whose start and end spans differ
 * @param files one line per entry, in archive order
 */
public record ZtocInfo(
    String version,
    String buildToolIdentifier,
    long size,
    long spanSize,
    int numSpans,
    int numFiles,
    int numMultiSpanFiles,
    List<FileInfo> files) {

  /**
   * Copies {@code files} into an unmodifiable list.
   *
   * @param version the zTOC version
   * @param buildToolIdentifier the build tool identifier
   * @param size the zTOC's size in bytes
   * @param spanSize the span size recorded in the zinfo
   * @param numSpans number of spans
   * @param numFiles number of TOC entries
   * @param numMultiSpanFiles entries whose start and end spans differ
   * @param files one line per entry, in archive order; copied, and must hold no null
   */
  public ZtocInfo {
    files = List.copyOf(files);
  }

  /**
   * One entry of the view.
   *
   * @param filename entry name as stored, decoded as UTF-8 (malformed bytes become U+FFFD; the
   *     JSON of {@link #writeJson} works from the raw bytes and, as the reference, writes each
   *     malformed byte as the escape {@code &#92;ufffd} instead)
   * @param offset uncompressed offset of its data
   * @param size its size
   * @param type the zTOC type string
   * @param startSpan span holding {@code offset}
   * @param endSpan span holding {@code offset + size} (exclusive end, as the reference does)
   */
  public record FileInfo(
      String filename, long offset, long size, String type, int startSpan, int endSpan) {}

  /**
   * Computes the view of a zTOC of either compression, with the spans {@link #writeJson} prints
   * ({@link ZtocView#spanHolding}). This holds an object per
   * entry; to print the view, {@link #writeJson} streams it instead.
   *
   * @param ztoc the opened zTOC
   * @return the view's numbers and one {@link FileInfo} per entry, in archive order
   */
  public static ZtocInfo of(ZtocView ztoc) {
    List<FileInfo> files = new ArrayList<>(ztoc.entryCount());
    int multi = 0;
    for (int i = 0; i < ztoc.entryCount(); i++) {
      long offset = ztoc.uncompressedOffset(i);
      long size = ztoc.uncompressedSize(i);
      int start = startSpan(ztoc, i);
      int end = endSpan(ztoc, i);
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
   * Writes the view as the reference CLI's {@code ztoc info} prints it ({@code
   * json.MarshalIndent} with two-space indentation, no final newline), streaming: one pass over
   * the entries counts the multi-span files the header needs, a second writes the list, and
   * nothing proportional to the entry count is held. Strings are written from their raw bytes
   * by Go's rules ({@link GoJsonString}): an invalid UTF-8 byte becomes {@code &#92;ufffd}.
   *
   * @param ztoc the opened zTOC
   * @param out where the JSON text goes
   * @throws IOException if appending to {@code out} fails
   */
  public static void writeJson(ZtocView ztoc, Appendable out) throws IOException {
    int n = ztoc.entryCount();
    int multi = 0;
    for (int i = 0; i < n; i++) {
      if (startSpan(ztoc, i) != endSpan(ztoc, i)) {
        multi++;
      }
    }
    out.append("{\n  \"version\": ");
    quote(ztoc.rawVersion(), out);
    out.append(",\n  \"build_tool\": ");
    quote(ztoc.rawBuildToolIdentifier(), out);
    out.append(",\n  \"size\": ").append(Integer.toString(ztoc.byteSize()));
    out.append(",\n  \"span_size\": ").append(Long.toString(ztoc.spanSize()));
    out.append(",\n  \"num_spans\": ").append(Integer.toString(ztoc.spanCount()));
    out.append(",\n  \"num_files\": ").append(Integer.toString(n));
    out.append(",\n  \"num_multi_span_files\": ").append(Integer.toString(multi));
    out.append(",\n  \"files\": [");
    for (int i = 0; i < n; i++) {
      out.append(i == 0 ? "\n    {\n      \"filename\": " : ",\n    {\n      \"filename\": ");
      ztoc.appendQuotedName(i, out);
      out.append(",\n      \"offset\": ").append(Long.toString(ztoc.uncompressedOffset(i)));
      out.append(",\n      \"size\": ").append(Long.toString(ztoc.uncompressedSize(i)));
      out.append(",\n      \"type\": \"").append(ztoc.type(i).wireName());
      out.append("\",\n      \"start_span\": ").append(Integer.toString(startSpan(ztoc, i)));
      out.append(",\n      \"end_span\": ").append(Integer.toString(endSpan(ztoc, i)));
      out.append("\n    }");
    }
    out.append(n == 0 ? "]\n}" : "\n  ]\n}");
  }

  private static void quote(ByteString s, Appendable out) throws IOException {
    byte[] b = s.internalArray();
    GoJsonString.appendQuoted(b, 0, b.length, out);
  }

  private static int startSpan(ZtocView ztoc, int i) {
    return ztoc.spanHolding(ztoc.uncompressedOffset(i));
  }

  /** As the reference: the span holding the exclusive end {@code offset + size}. */
  private static int endSpan(ZtocView ztoc, int i) {
    return ztoc.spanHolding(ztoc.uncompressedOffset(i) + ztoc.uncompressedSize(i));
  }

  /**
   * The lowercase name the reference prints for a compression: {@code gzip} or {@code
   * uncompressed}.
   *
   * @param compression the layer's compression
   * @return {@code gzip} or {@code uncompressed}
   */
  public static String displayName(Compression compression) {
    return switch (compression) {
      case GZIP -> "gzip";
      case UNCOMPRESSED -> "uncompressed";
    };
  }
}
