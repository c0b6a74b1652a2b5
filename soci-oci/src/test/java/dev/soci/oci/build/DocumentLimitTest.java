package dev.soci.oci.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.DocumentTooLargeException;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.Platform;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.layout.OciLayoutWriter;
import dev.soci.testing.Vectors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writers respect the readers' bound on JSON documents: nothing is written above it. */
class DocumentLimitTest {
  @TempDir Path tmp;
  private Path layoutDir;

  /** The real builder, but with a short identifier in the zTOCs (only the index is big). */
  private static final ZtocFactory SHORT_TOOL = (req, in) -> ZtocFactory.standard().build(
      new ZtocRequest(req.layer(), req.compression(), req.spanSize(), "t"), in);

  @BeforeEach
  void copyLayout() throws Exception {
    layoutDir = tmp.resolve("layout");
    ConvertVectorsTest.copyTree(Vectors.layout(), layoutDir);
  }

  private static SociOptions hugeIndexOptions() {
    // The build-tool annotation makes the SOCI index exceed the bound as 45 000 layers would.
    return SociOptions.builder().spanSize(1 << 20).minLayerSize(0)
        .platforms(List.of(Platform.parse("linux/amd64")))
        .buildToolIdentifier("x".repeat((int) DocumentTooLargeException.MAX_SIZE)).build();
  }

  private List<String> snapshot(Path dir) throws Exception {
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted().toList()) {
        out.add(dir.relativize(p) + (Files.isRegularFile(p)
            ? " " + Digest.of(Files.readAllBytes(p)) : ""));
      }
    }
    return out;
  }

  @Test
  void createRefusesAnOversizedSociIndexBeforeWritingAnything() throws Exception {
    List<String> before = snapshot(layoutDir);
    try (OciLayout layout = OciLayout.open(layoutDir)) {
      assertThatThrownBy(() -> new SociIndexCreator(SHORT_TOOL, hugeIndexOptions(), s -> { })
          .create(layout))
          .isInstanceOf(DocumentTooLargeException.class)
          .hasMessageContaining("SOCI index")
          .hasMessageContaining("limited to " + DocumentTooLargeException.MAX_SIZE);
    }
    assertThat(snapshot(layoutDir)).isEqualTo(before);
  }

  @Test
  void convertRefusesAnOversizedSociIndexAndLeavesNoOutput() throws Exception {
    Path out = tmp.resolve("out");
    try (OciLayout layout = OciLayout.open(layoutDir)) {
      assertThatThrownBy(() -> new SociConverter(SHORT_TOOL, hugeIndexOptions(), s -> { })
          .convert(layout, out, OciLayoutWriter.Format.DIRECTORY))
          .isInstanceOf(DocumentTooLargeException.class);
    }
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("layout");
    }
  }

  /** An image index of {@code n} distinct entries (about 150 bytes each). */
  private static ImageIndex indexOf(int n) {
    List<Descriptor> entries = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      entries.add(Descriptor.forContent(MediaTypes.OCI_MANIFEST, ("m" + i).getBytes()));
    }
    return ImageIndex.of(entries);
  }

  @Test
  void indexJsonAboveTheBoundIsNeitherWrittenNorRead() throws Exception {
    ImageIndex huge = indexOf(130_000);
    assertThat((long) huge.toJson().length).isGreaterThan(DocumentTooLargeException.MAX_SIZE);
    byte[] old = Files.readAllBytes(layoutDir.resolve("index.json"));
    try (OciLayout layout = OciLayout.open(layoutDir)) {
      assertThatThrownBy(() -> layout.writeIndexJson(huge))
          .isInstanceOf(DocumentTooLargeException.class)
          .hasMessageContaining("index.json");
      assertThatThrownBy(() -> layout.putBlob(MediaTypes.OCI_INDEX, huge.toJson()))
          .isInstanceOf(DocumentTooLargeException.class);
    }
    assertThat(Files.readAllBytes(layoutDir.resolve("index.json"))).isEqualTo(old);

    Path out = tmp.resolve("out.tar");
    try (OciLayoutWriter w = OciLayoutWriter.create(out, OciLayoutWriter.Format.TAR)) {
      assertThatThrownBy(() -> w.commit(huge)).isInstanceOf(DocumentTooLargeException.class);
    }
    assertThat(out).doesNotExist();
    // A reader refuses such an index.json (written behind the library's back).
    Files.write(layoutDir.resolve("index.json"), huge.toJson());
    assertThatThrownBy(() -> OciLayout.open(layoutDir))
        .isInstanceOf(DocumentTooLargeException.class)
        .hasMessageContaining("index.json");
  }
}
