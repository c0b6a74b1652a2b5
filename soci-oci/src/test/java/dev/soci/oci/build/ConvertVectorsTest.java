package dev.soci.oci.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.Platform;
import dev.soci.oci.layout.LayoutException;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.layout.OciLayoutWriter;
import dev.soci.testing.Vectors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConvertVectorsTest {
  /** The reference CLI's build tool identifier: the vectors were made with it. */
  static final String REF = dev.soci.oci.index.SociIndex.REFERENCE_BUILD_TOOL_IDENTIFIER;

  @TempDir Path tmp;

  /** Serves the reference zTOCs of an expected-output directory, keyed by layer and span. */
  static ZtocFactory referenceZtocs(Path expected) throws Exception {
    Map<String, byte[]> byLayer = new HashMap<>();
    for (Path p : Vectors.files(expected.resolve("blobs"))) {
      if (!Vectors.isJson(p)) {
        continue;
      }
      String s = new String(Vectors.read(p), StandardCharsets.UTF_8);
      if (!s.contains("com.amazon.soci.span-size")) {
        continue;
      }
      for (Descriptor z : ImageManifest.parse(Vectors.read(p)).layers()) {
        byLayer.put(z.annotations().get(MediaTypes.ANNOTATION_IMAGE_LAYER_DIGEST) + "@"
            + z.annotations().get(MediaTypes.ANNOTATION_SPAN_SIZE),
            Vectors.read(expected.resolve("blobs/sha256/" + z.digest().hex())));
      }
    }
    return (req, in) -> {
      in.transferTo(java.io.OutputStream.nullOutputStream()); // read to the end: verified
      byte[] z = byLayer.get(req.layer().digest() + "@" + req.spanSize());
      if (z == null) {
        throw new AssertionError("the reference built no zTOC for " + req.layer().digest());
      }
      return new ZtocBlob(z, false);
    };
  }

  private static Set<String> blobNames(Path layoutDir) {
    return Vectors.files(layoutDir.resolve("blobs")).stream()
        .map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
  }

  private void checkConvert(String name, SociOptions options, OciLayoutWriter.Format format)
      throws Exception {
    checkConvert(name, referenceZtocs(Vectors.expected(name)), options, format);
  }

  private void checkConvert(String name, ZtocFactory factory, SociOptions options,
      OciLayoutWriter.Format format) throws Exception {
    Path expected = Vectors.expected(name);
    Path out = tmp.resolve("out-" + format);
    List<String> log = new java.util.ArrayList<>();
    try (OciLayout in = OciLayout.open(Vectors.layout())) {
      new SociConverter(factory, options, log::add).convert(in, out, format);
    }
    Path dir = out;
    if (format == OciLayoutWriter.Format.TAR) {
      dir = tmp.resolve("extracted");
      extract(out, dir);
    }
    assertThat(new String(Files.readAllBytes(dir.resolve("index.json")), StandardCharsets.UTF_8))
        .isEqualTo(new String(Vectors.read(expected.resolve("index.json")),
            StandardCharsets.UTF_8));
    for (Path p : Vectors.files(expected.resolve("blobs"))) {
      Path got = dir.resolve("blobs/sha256").resolve(p.getFileName().toString());
      assertThat(got).as("blob %s", p.getFileName()).exists();
      assertThat(Files.readAllBytes(got)).as("blob %s", p.getFileName())
          .isEqualTo(Files.readAllBytes(p));
    }
    Set<String> want = new TreeSet<>(blobNames(Vectors.layout()));
    want.addAll(blobNames(expected));
    assertThat(blobNames(dir)).isEqualTo(want);
    assertThat(Files.readAllBytes(dir.resolve("oci-layout")))
        .isEqualTo(Vectors.read(Vectors.layout().resolve("oci-layout")));
    try (OciLayout check = OciLayout.open(out)) {
      assertThat(check.blobs()).hasSize(want.size());
    }
  }

  @Test
  void convertDefaultPlatformMatchesReference() throws Exception {
    checkConvert("convert-default-span4m-min1m", SociOptions.builder().buildToolIdentifier(REF)
        .minLayerSize(1_000_000).platforms(List.of(Platform.parse("linux/amd64"))).build(),
        OciLayoutWriter.Format.DIRECTORY);
  }

  @Test
  void convertAllPlatformsMatchesReferenceAsTar() throws Exception {
    checkConvert("convert-all-span1m-min0", SociOptions.builder().buildToolIdentifier(REF).spanSize(1 << 20)
        .minLayerSize(0).allPlatforms(true).build(), OciLayoutWriter.Format.TAR);
  }

  @Test
  void convertAllPlatformsMatchesReferenceAsDirectory() throws Exception {
    checkConvert("convert-all-span1m-min0", SociOptions.builder().buildToolIdentifier(REF).spanSize(1 << 20)
        .minLayerSize(0).allPlatforms(true).build(), OciLayoutWriter.Format.DIRECTORY);
  }

  @Test
  void failedConvertLeavesNoOutput() throws Exception {
    Path out = tmp.resolve("out");
    ZtocFactory failing = (req, in) -> {
      throw new dev.soci.core.SociException("boom");
    };
    try (OciLayout in = OciLayout.open(Vectors.layout())) {
      assertThatThrownBy(() -> new SociConverter(failing, SociOptions.builder().buildToolIdentifier(REF).minLayerSize(0)
          .platforms(List.of(Platform.parse("linux/amd64"))).build(), s -> { })
          .convert(in, out, OciLayoutWriter.Format.DIRECTORY))
          .isInstanceOf(LayerIndexingException.class).hasMessageEndingWith(": boom");
      assertThatThrownBy(() -> new SociConverter(failing, SociOptions.builder().buildToolIdentifier(REF)
          .platforms(List.of(Platform.parse("linux/s390x"))).build(), s -> { })
          .convert(in, out, OciLayoutWriter.Format.DIRECTORY))
          .isInstanceOf(LayoutException.class);
      // every layer below the minimum: no index
      assertThatThrownBy(() -> new SociConverter(failing, SociOptions.builder().buildToolIdentifier(REF)
          .minLayerSize(Long.MAX_VALUE).platforms(List.of(Platform.parse("linux/amd64")))
          .build(), s -> { }).convert(in, out, OciLayoutWriter.Format.TAR))
          .isInstanceOf(NoZtocsException.class);
    }
    try (var s = Files.list(tmp)) {
      assertThat(s.toList()).isEmpty();
    }
  }

  @Test
  void convertWithTheRealBuilderMatchesReference() throws Exception {
    checkConvert("convert-default-span4m-min1m", ZtocFactory.standard(), SociOptions.builder()
        .buildToolIdentifier(REF).minLayerSize(1_000_000).platforms(List.of(Platform.parse("linux/amd64")))
        .build(), OciLayoutWriter.Format.DIRECTORY);
  }

  @Test
  void convertAllPlatformsWithTheRealBuilderMatchesReferenceAsTar() throws Exception {
    checkConvert("convert-all-span1m-min0", ZtocFactory.standard(), SociOptions.builder()
        .buildToolIdentifier(REF).spanSize(1 << 20).minLayerSize(0).allPlatforms(true).build(),
        OciLayoutWriter.Format.TAR);
  }

  @Test
  void createV1WithTheRealBuilderMatchesReference() throws Exception {
    checkCreate(ZtocFactory.standard());
  }

  @Test
  void createV1MatchesReference() throws Exception {
    checkCreate(referenceZtocs(Vectors.expected("create-amd64-span1m-min0")));
  }

  private void checkCreate(ZtocFactory factory) throws Exception {
    Path expected = Vectors.expected("create-amd64-span1m-min0");
    Path copy = tmp.resolve("layout");
    copyTree(Vectors.layout(), copy);
    Descriptor idx;
    try (OciLayout layout = OciLayout.open(copy)) {
      Descriptor amd64 = layout.manifestsFor(Platform.parse("linux/amd64")).get(0);
      idx = new SociIndexCreator(factory, SociOptions.builder().buildToolIdentifier(REF)
          .spanSize(1 << 20).minLayerSize(0).build(), s -> { }).create(layout, amd64);
    }
    assertThat(idx.digest()).isEqualTo(Digest.of(Vectors.read(
        expected.resolve("soci-index-v1.json"))));
    assertThat(idx.artifactType()).isEqualTo(MediaTypes.SOCI_INDEX_V1);
    for (Path p : Vectors.files(expected.resolve("blobs"))) {
      assertThat(Files.readAllBytes(copy.resolve("blobs/sha256").resolve(p.getFileName())))
          .isEqualTo(Files.readAllBytes(p));
    }
    try (OciLayout layout = OciLayout.open(copy)) {
      assertThat(layout.index().manifests()).hasSize(2).last().isEqualTo(idx);
      ImageManifest m = layout.readManifest(idx);
      assertThat(m.subject().digest().hex()).startsWith("1412bd83");
    }
  }

  static void copyTree(Path from, Path to) throws IOException {
    for (Path p : Vectors.files(from)) {
      Path t = to.resolve(from.relativize(p).toString());
      Files.createDirectories(t.getParent());
      Files.copy(p, t);
    }
  }

  static void extract(Path tar, Path dir) throws IOException {
    try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
        Files.newInputStream(tar))) {
      org.apache.commons.compress.archivers.tar.TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        Path t = dir.resolve(e.getName());
        if (e.isDirectory()) {
          Files.createDirectories(t);
        } else {
          Files.createDirectories(t.getParent());
          Files.copy(in, t);
        }
      }
    }
  }
}
