package dev.soci.oci.index;

import dev.soci.oci.internal.GoJsonReader;
import dev.soci.oci.internal.GoJson;
import dev.soci.oci.MalformedJsonException;
import dev.soci.oci.OciException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A SOCI prefetch artifact (experimental in the reference): the spans of one layer to fetch
 * eagerly. JSON: {@code {"version":"1.0","prefetch_spans":[{"start_span":a,"end_span":b}]}},
 * plus {@code "priority"} when non-zero.
 *
 * @param spans inclusive span ranges, merged and sorted
 * @param priority fetch priority, 0 = unset
 */
public record PrefetchArtifact(List<SpanRange> spans, long priority) {

  /** The only artifact version in use. */
  public static final String VERSION = "1.0";

  /**
   * An inclusive range of span ids.
   *
   * @param startSpan id of the range's first span
   * @param endSpan id of the range's last span, included
   */
  public record SpanRange(long startSpan, long endSpan) {
    /**
     * Validates the range.
     *
     * @param startSpan id of the range's first span; not negative
     * @param endSpan id of the range's last span, included; not below {@code startSpan}
     * @throws IllegalArgumentException if the range is empty or starts below 0
     */
    public SpanRange {
      if (startSpan < 0 || endSpan < startSpan) {
        throw new IllegalArgumentException("invalid span range " + startSpan + ".." + endSpan);
      }
    }
  }

  /**
   * Sorts and merges the ranges (overlapping or adjacent ranges become one).
   *
   * @param spans the span ranges to fetch, in any order; not null
   * @param priority fetch priority, 0 = unset
   */
  public PrefetchArtifact {
    spans = merge(spans);
  }

  /**
   * Merges overlapping or adjacent ranges, sorted by start.
   *
   * @param in the ranges, in any order; not null
   * @return an unmodifiable list of disjoint, non-adjacent ranges ascending by start
   */
  public static List<SpanRange> merge(List<SpanRange> in) {
    List<SpanRange> sorted = new ArrayList<>(in);
    sorted.sort(Comparator.comparingLong(SpanRange::startSpan));
    List<SpanRange> out = new ArrayList<>();
    for (SpanRange r : sorted) {
      if (!out.isEmpty()) {
        SpanRange last = out.get(out.size() - 1);
        // Adjacent (last.end + 1 == r.start) merges too: the ranges are inclusive.
        if (r.startSpan() <= last.endSpan() + 1) {
          out.set(out.size() - 1,
              new SpanRange(last.startSpan(), Math.max(last.endSpan(), r.endSpan())));
          continue;
        }
      }
      out.add(r);
    }
    return List.copyOf(out);
  }

  /**
   * The artifact's JSON bytes (Go field order, no whitespace).
   *
   * @return a fresh array of the artifact's JSON
   */
  public byte[] toJson() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("version", VERSION);
    List<Object> list = new ArrayList<>();
    for (SpanRange r : spans) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("start_span", r.startSpan());
      s.put("end_span", r.endSpan());
      list.add(s);
    }
    root.put("prefetch_spans", list);
    if (priority != 0) {
      root.put("priority", priority);
    }
    return GoJson.writeValue(root);
  }

  /**
   * Parses a prefetch artifact.
   *
   * @param json the artifact's JSON bytes
   * @return the artifact, its ranges merged; a missing list means no spans
   * @throws MalformedJsonException on malformed JSON, wrong types or an invalid range
   */
  public static PrefetchArtifact parse(byte[] json) throws OciException {
    Map<String, Object> root = GoJsonReader.readObject(json, "prefetch artifact");
    List<SpanRange> spans = new ArrayList<>();
    Object list = root.get("prefetch_spans");
    try {
      if (list != null) {
        for (Object o : (List<?>) list) {
          Map<?, ?> m = (Map<?, ?>) o;
          spans.add(new SpanRange(asLong(m.get("start_span")), asLong(m.get("end_span"))));
        }
      }
      Object p = root.get("priority");
      return new PrefetchArtifact(spans, p == null ? 0 : asLong(p));
    } catch (ClassCastException | IllegalArgumentException e) {
      throw new MalformedJsonException("malformed prefetch artifact: " + e.getMessage(), e);
    }
  }

  private static long asLong(Object o) {
    if (o == null) {
      return 0;
    }
    if (o instanceof Integer || o instanceof Long) {
      return ((Number) o).longValue();
    }
    throw new IllegalArgumentException("expected an integer, got " + o);
  }
}
