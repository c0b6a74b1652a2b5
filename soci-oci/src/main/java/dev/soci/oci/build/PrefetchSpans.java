package dev.soci.oci.build;

import dev.soci.core.Checkpoint;
import dev.soci.core.CorruptZinfoException;
import dev.soci.core.GzipZinfo;
import dev.soci.oci.soci.PrefetchArtifact;
import dev.soci.oci.soci.PrefetchArtifact.SpanRange;
import dev.soci.ztoc.PathTooLongException;
import dev.soci.ztoc.SymlinkLoopException;
import dev.soci.ztoc.TarZinfo;
import dev.soci.ztoc.ZtocInfo;
import dev.soci.ztoc.ZtocView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The spans of one layer that hold given files, for a prefetch artifact.
 *
 * <p>Each path is looked up in the layer's zTOC with {@link ZtocView#resolve} (normalised,
 * symbolic links followed within the layer, a hard link replaced by its target). A path
 * matches when it resolves to an entry with data (size above 0): directories, devices and
 * empty files have nothing to prefetch. Its range is the span holding its first data byte
 * ({@code offset}) to the span holding its last ({@code offset + size - 1}), inclusive; unlike
 * {@code ztoc info}'s end span (the span holding {@code offset + size}), this never adds the
 * next span for a file that ends exactly at a span boundary. Span starts come from the zinfo:
 * the checkpoints' uncompressed offsets (gzip) or multiples of the span size (tar).
 */
public final class PrefetchSpans {
  private PrefetchSpans() {}

  /**
   * The span range of each path that matches in the layer, in the order given (a path listed
   * twice appears once).
   *
   * @throws CorruptZinfoException when the zTOC's gzip zinfo is damaged
   */
  public static Map<String, SpanRange> find(ZtocView ztoc, List<String> paths)
      throws CorruptZinfoException {
    Map<String, SpanRange> out = new LinkedHashMap<>();
    long[] starts = null;
    for (String path : paths) {
      OptionalInt entry;
      try {
        entry = ztoc.resolve(path);
      } catch (SymlinkLoopException | PathTooLongException e) {
        continue; // a link loop, or a path no filesystem could open, holds no data
      }
      if (entry.isEmpty() || out.containsKey(path)) {
        continue;
      }
      int i = entry.getAsInt();
      long size = ztoc.uncompressedSize(i);
      if (size <= 0) {
        continue;
      }
      if (starts == null) {
        starts = spanStarts(ztoc);
      }
      long offset = ztoc.uncompressedOffset(i);
      out.put(path, new SpanRange(ZtocInfo.spanHolding(starts, offset),
          ZtocInfo.spanHolding(starts, offset + size - 1)));
    }
    return out;
  }

  /** The prefetch artifact for the paths that match, or empty when none does. */
  public static Optional<PrefetchArtifact> artifact(ZtocView ztoc, List<String> paths)
      throws CorruptZinfoException {
    Map<String, SpanRange> spans = find(ztoc, paths);
    if (spans.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new PrefetchArtifact(new ArrayList<>(spans.values()), 0));
  }

  /** The uncompressed start of every span, ascending, the first 0. */
  static long[] spanStarts(ZtocView ztoc) throws CorruptZinfoException {
    TarZinfo tar = ztoc.tarZinfo();
    if (tar != null) {
      return tar.spanStarts();
    }
    List<Checkpoint> cps = GzipZinfo.parse(ztoc.checkpoints()).checkpoints();
    long[] starts = new long[Math.max(1, cps.size())];
    for (int i = 0; i < cps.size(); i++) {
      starts[i] = cps.get(i).out();
    }
    starts[0] = 0; // the first span starts at the beginning whatever the header length
    return starts;
  }
}
