package dev.soci.oci.build;

import dev.soci.oci.index.PrefetchArtifact;
import dev.soci.oci.index.PrefetchArtifact.SpanRange;
import dev.soci.ztoc.PathTooLongException;
import dev.soci.ztoc.SymlinkLoopException;
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
 * next span for a file that ends exactly at a span boundary. Spans are found with {@link
 * ZtocView#spanHolding}, as every reader of the zTOC finds them.
 */
public final class PrefetchSpans {
  private PrefetchSpans() {}

  /**
   * The span range of each path that matches in the layer, in the order given (a path listed
   * twice appears once).
   */
  public static Map<String, SpanRange> find(ZtocView ztoc, List<String> paths) {
    Map<String, SpanRange> out = new LinkedHashMap<>();
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
      // Header-only types may carry a size field, but no data follows them in the stream.
      if (size <= 0 || !ztoc.type(i).hasData()) {
        continue;
      }
      long offset = ztoc.uncompressedOffset(i);
      out.put(path, new SpanRange(ztoc.spanHolding(offset), ztoc.spanHolding(offset + size - 1)));
    }
    return out;
  }

  /** The prefetch artifact for the paths that match, or empty when none does. */
  public static Optional<PrefetchArtifact> artifact(ZtocView ztoc, List<String> paths) {
    Map<String, SpanRange> spans = find(ztoc, paths);
    if (spans.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new PrefetchArtifact(new ArrayList<>(spans.values()), 0));
  }
}
