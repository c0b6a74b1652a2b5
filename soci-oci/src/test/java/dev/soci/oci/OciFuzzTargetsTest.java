package dev.soci.oci;

import dev.soci.oci.internal.GoJsonReader;
import dev.soci.oci.internal.GoJson;
import dev.soci.oci.internal.Referrers;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.soci.core.SociException;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.index.PrefetchArtifact;
import dev.soci.oci.index.SociIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Coverage-guided fuzz targets (Jazzer) for the OCI module: the Go-exact JSON model (image
 * manifests, image indexes and {@code index.json}, referrers responses, SOCI indexes, prefetch
 * artifacts) and layout archives ({@link OciLayout} over an arbitrary tar file).
 *
 * <p>In a normal build each target runs once per committed input under {@code
 * src/test/resources/dev/soci/oci/OciFuzzTargetsTestInputs/<target>/} (regression mode); with
 * {@code JAZZER_FUZZ=1} one target is fuzzed (see {@code .ci/fuzz}). The contract: bad input
 * ends in a {@link SociException}; what parses writes out as JSON that parses to the same value
 * and writes the same bytes again. Anything else, a timeout or running out of memory is a
 * finding.
 */
class OciFuzzTargetsTest {
  /** One scratch file for the layout target, reused by every input of the run. */
  private static final Path ARCHIVE = scratchFile();

  /** An image manifest (SOCI indexes are manifests too: read it as one where it is). */
  @FuzzTest(maxDuration = "60s")
  void imageManifest(byte[] json) throws OciException {
    ImageManifest m;
    try {
      m = ImageManifest.parse(json);
    } catch (OciException expected) {
      return;
    }
    byte[] out = m.toJson();
    ImageManifest again = parseOwn(out, ImageManifest::parse);
    assertThat(again).isEqualTo(m);
    assertThat(again.toJson()).isEqualTo(out);
    m.toDescriptor();
    m.subjectOptional();
    SociIndex soci;
    try {
      soci = SociIndex.fromManifest(m);
    } catch (OciException notSoci) {
      return;
    }
    byte[] sociJson = soci.toJson();
    assertThat(SociIndex.fromManifest(parseOwn(sociJson, ImageManifest::parse)).toJson()).isEqualTo(sociJson);
  }

  /**
   * An image reference: it parses to a normal form that parses to itself, or fails with {@link
   * dev.soci.oci.registry.InvalidReferenceException}.
   */
  @FuzzTest(maxDuration = "60s")
  void imageReference(byte[] data) {
    String s = new String(data, java.nio.charset.StandardCharsets.UTF_8);
    dev.soci.oci.registry.ImageReference r;
    try {
      r = dev.soci.oci.registry.ImageReference.parse(s);
    } catch (dev.soci.oci.registry.InvalidReferenceException expected) {
      return;
    }
    try {
      assertThat(dev.soci.oci.registry.ImageReference.parse(r.toString())).isEqualTo(r);
    } catch (dev.soci.oci.registry.InvalidReferenceException e) {
      throw new AssertionError("the normal form " + r + " does not parse", e);
    }
    assertThat(r.manifestReference()).isNotEmpty();
  }

  /** A {@code WWW-Authenticate} header: challenges, or IllegalArgumentException naming the place. */
  @FuzzTest(maxDuration = "60s")
  void authChallenge(byte[] data) {
    String s = new String(data, java.nio.charset.StandardCharsets.ISO_8859_1);
    try {
      for (dev.soci.oci.internal.AuthChallenge c : dev.soci.oci.internal.AuthChallenge.parse(s)) {
        assertThat(c.scheme()).isNotEmpty();
      }
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).contains("WWW-Authenticate header")
          .doesNotContain("\n");
    }
  }

  /** An image index, an {@code index.json}, or a referrers response (all image indexes). */
  @FuzzTest(maxDuration = "60s")
  void imageIndex(byte[] json) throws OciException {
    ImageIndex idx;
    try {
      idx = ImageIndex.parse(json);
    } catch (OciException expected) {
      return;
    }
    byte[] out = idx.toJson();
    ImageIndex again = parseOwn(out, ImageIndex::parse);
    assertThat(again).isEqualTo(idx);
    assertThat(again.toJson()).isEqualTo(out);
    idx.toDescriptor();
    idx.manifestsFor(Platform.of("linux", "amd64", null));
    for (Descriptor d : idx.manifests()) {
      d.platformOptional();
      // Filtering a referrers response by each listed artifact type keeps a subset.
      ImageIndex filtered = Referrers.filter(idx, d.artifactType());
      assertThat(filtered.manifests()).isSubsetOf(idx.manifests());
    }
  }

  /** A SOCI prefetch artifact. */
  @FuzzTest(maxDuration = "60s")
  void prefetchArtifact(byte[] json) throws OciException {
    PrefetchArtifact p;
    try {
      p = PrefetchArtifact.parse(json);
    } catch (OciException expected) {
      return;
    }
    byte[] out = p.toJson();
    assertThat(parseOwn(out, PrefetchArtifact::parse).toJson()).isEqualTo(out);
  }

  /** Any JSON object read with the project's reader, re-written and re-indented as Go does. */
  @FuzzTest(maxDuration = "60s")
  void goJson(byte[] json) throws MalformedJsonException {
    java.util.Map<String, Object> v;
    try {
      v = GoJsonReader.readObject(json, "fuzz input");
    } catch (MalformedJsonException expected) {
      return;
    }
    byte[] out;
    try {
      out = GoJson.writeValue(v);
    } catch (IllegalArgumentException documented) {
      // writeValue documents refusing values Go would not write the same (fractions).
      return;
    }
    assertThat(GoJson.writeValue(GoJsonReader.readObject(out, "re-written"))).isEqualTo(out);
    GoJson.indent(out, "  ");
  }

  /**
   * Arbitrary bytes as an OCI layout archive: opening it, listing and reading (verifying) its
   * blobs, reading every manifest and index it lists and resolving the image for a platform end
   * in values or typed exceptions.
   */
  @FuzzTest(maxDuration = "60s")
  void layoutArchive(byte[] archive) throws IOException {
    Files.write(ARCHIVE, archive);
    OciLayout layout;
    try {
      layout = OciLayout.open(ARCHIVE);
    } catch (SociException expected) {
      return;
    }
    try (layout) {
      List<Descriptor> blobs = tolerate(layout::blobs);
      if (blobs != null) {
        for (Descriptor d : blobs.subList(0, Math.min(blobs.size(), 32))) {
          assertThat(layout.hasBlob(d.digest())).isTrue();
          tolerate(() -> layout.readBlob(d));
        }
      }
      for (Descriptor d : layout.index().manifests()) {
        if (MediaTypes.isManifest(d.mediaType())) {
          ImageManifest m = tolerate(() -> layout.readManifest(d));
          if (m != null) {
            tolerate(() -> SociIndex.fromManifest(m));
          }
        } else if (MediaTypes.isIndex(d.mediaType())) {
          tolerate(() -> layout.readImageIndex(d));
        }
      }
      tolerate(() -> layout.manifestsFor(Platform.of("linux", "amd64", null)));
    }
  }

  /** Parses what this library wrote: failing to is a finding, not an expected rejection. */
  private static <T> T parseOwn(byte[] json, Parser<T> parser) {
    try {
      return parser.parse(json);
    } catch (OciException e) {
      throw new AssertionError("cannot parse its own output: " + new String(json, java.nio.charset.StandardCharsets.UTF_8), e);
    }
  }

  /** The value, or null when the step failed with a typed exception (the contract). */
  private static <T> T tolerate(Step<T> step) throws IOException {
    try {
      return step.run();
    } catch (SociException expected) {
      return null;
    }
  }

  @FunctionalInterface
  private interface Parser<T> {
    T parse(byte[] json) throws OciException;
  }

  @FunctionalInterface
  private interface Step<T> {
    T run() throws IOException;
  }

  private static Path scratchFile() {
    try {
      Path p = Files.createTempFile("soci-fuzz-layout", ".tar");
      p.toFile().deleteOnExit();
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
