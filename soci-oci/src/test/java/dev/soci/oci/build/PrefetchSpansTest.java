package dev.soci.oci.build;

import dev.soci.oci.internal.GoJsonReader;
import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.oci.internal.GoJson;
import dev.soci.oci.index.PrefetchArtifact;
import dev.soci.oci.index.PrefetchArtifact.SpanRange;
import dev.soci.testing.Vectors;
import dev.soci.ztoc.ZtocView;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PrefetchSpansTest {
  private static Path vectors() {
    return Vectors.oci().getParent();
  }

  /**
   * Checks every regular file against the reference CLI's {@code ztoc info} view: same start
   * span; the end span is the reference's, or one less when the file ends exactly at a span
   * boundary (the reference's end is the span holding {@code offset + size}).
   */
  @ParameterizedTest
  @ValueSource(strings = {"go-pax.tar.gz.1048576", "pystd-named.tar.gz.1048576",
      "small-plain.tar.4096", "tiny.tar.gz.65536"})
  void spansAgreeWithTheReferenceInfoView(String name) throws Exception {
    ZtocView z = ZtocView.open(Vectors.read(vectors().resolve("ztoc/" + name + ".ztoc")));
    Map<String, Object> info = GoJsonReader.readObject(
        Vectors.read(vectors().resolve("info/" + name + ".info.json")), "info");
    Map<String, Integer> seen = new HashMap<>();
    List<?> files = (List<?>) info.get("files");
    for (Object o : files) {
      seen.merge((String) ((Map<?, ?>) o).get("filename"), 1, Integer::sum);
    }
    int checked = 0;
    int multiSpan = 0;
    for (Object o : files) {
      Map<?, ?> f = (Map<?, ?>) o;
      String fn = (String) f.get("filename");
      long size = ((Number) f.get("size")).longValue();
      if (!"reg".equals(f.get("type")) || size == 0 || seen.get(fn) > 1) {
        continue;
      }
      Map<String, SpanRange> r = PrefetchSpans.find(z, List.of(fn));
      assertThat(r).as(fn).containsOnlyKeys(fn);
      SpanRange s = r.get(fn);
      long refStart = ((Number) f.get("start_span")).longValue();
      long refEnd = ((Number) f.get("end_span")).longValue();
      assertThat(s.startSpan()).as(fn).isEqualTo(refStart);
      assertThat(s.endSpan()).as(fn).isBetween(Math.max(refStart, refEnd - 1), refEnd);
      if (z.compressionAlgorithm() == dev.soci.core.Compression.UNCOMPRESSED) { // fixed-size spans: the exact answer is known
        long offset = ((Number) f.get("offset")).longValue();
        assertThat(s.endSpan()).as(fn).isEqualTo((offset + size - 1) / 4096);
      }
      if (s.endSpan() > s.startSpan()) {
        multiSpan++;
      }
      checked++;
    }
    assertThat(checked).isPositive();
    if (name.startsWith("go-pax")) {
      assertThat(multiSpan).isPositive();
    }
  }

  @Test
  void directoriesEmptyFilesAndMissingPathsMatchNothing() throws Exception {
    ZtocView z = ZtocView.open(Vectors.read(vectors().resolve("ztoc/go-pax.tar.gz.1048576.ztoc")));
    assertThat(PrefetchSpans.find(z, List.of("etc", "usr/share/doc/empty", "missing", "/dev/null")))
        .isEmpty();
    assertThat(PrefetchSpans.artifact(z, List.of("missing"))).isEmpty();
    // a symbolic link and a hard link resolve to file-1's data
    Map<String, SpanRange> links = PrefetchSpans.find(z,
        List.of("usr/share/doc/file-1.txt", "usr/share/doc/link-to-1", "usr/share/doc/hard-1"));
    assertThat(links).hasSize(3);
    assertThat(links.values()).containsOnly(links.get("usr/share/doc/file-1.txt"));
    PrefetchArtifact a = PrefetchSpans.artifact(z, List.of("usr/share/doc/file-1.txt",
        "./usr/share/doc/file-2.txt")).orElseThrow();
    assertThat(a.spans()).hasSize(1); // same or adjacent spans merge
  }
}
