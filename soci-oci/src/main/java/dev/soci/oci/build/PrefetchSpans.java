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
 * empty files have nothing to prefetch. Its range is {@link ZtocView#firstDataSpan} to {@link
 * ZtocView#lastDataSpan}, inclusive: the zTOC decides which spans hold a file; this class only
 * applies the prefetch artifact's rules (which paths, in which order, once each).
 */
final class PrefetchSpans {
  private PrefetchSpans() {}

  /**
   * The span range of each path that matches in the layer, in the order given (a path listed
   * twice appears once).
   *
   * @param ztoc the layer's zTOC
   * @param paths the files to prefetch, as the user gave them
   * @return each matching path (as given) to its inclusive span range, in {@code paths} order;
   *     paths that do not resolve, loop or hold no data are left out
   */
  static Map<String, SpanRange> find(ZtocView ztoc, List<String> paths) {
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
      int first = ztoc.firstDataSpan(i);
      if (first < 0) {
        continue; // no data to prefetch
      }
      out.put(path, new SpanRange(first, ztoc.lastDataSpan(i)));
    }
    return out;
  }

  /**
   * The prefetch artifact for the paths that match, or empty when none does.
   *
   * @param ztoc the layer's zTOC
   * @param paths the files to prefetch, as the user gave them
   * @return an artifact listing the span ranges of {@link #find}, in its order, or empty when
   *     no path matches
   */
  static Optional<PrefetchArtifact> artifact(ZtocView ztoc, List<String> paths) {
    Map<String, SpanRange> spans = find(ztoc, paths);
    if (spans.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new PrefetchArtifact(new ArrayList<>(spans.values()), 0));
  }
}
