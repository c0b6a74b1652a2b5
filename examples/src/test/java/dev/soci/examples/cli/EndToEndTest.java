package dev.soci.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.soci.oci.Descriptor;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.layout.OciLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against real OCI tools: an image built by {@code umoci} is converted, then copied and
 * inspected by {@code skopeo}. Skipped when the tools are absent ({@code .ci/run} installs
 * them and enables the {@code e2e} tag).
 */
@Tag("e2e")
class EndToEndTest {
  private static final Path SKOPEO = Tools.SKOPEO;

  @TempDir Path tmp;

  @BeforeAll
  static void tools() {
    assumeTrue(Tools.available(), "umoci or skopeo is not installed");
  }

  private String exec(String... cmd) throws IOException, InterruptedException {
    return Tools.exec(tmp, cmd);
  }

  private Path umociImage() throws Exception {
    return Tools.umociImage(tmp);
  }

  @Test
  void convertsAnUmociImageThatSkopeoCopiesAndInspects() throws Exception {
    Path image = umociImage();
    Path out = tmp.resolve("out");
    CliTestSupport.Result r = CliTestSupport.run("convert", "--min-layer-size", "0",
        "--span-size", "65536", "--prefetch-file", "app/data.bin", image.toString(),
        out.toString());
    assertThat(r.exit()).as(r.err()).isZero();

    List<Descriptor> sociBlobs = new ArrayList<>();
    Descriptor sociIndex;
    try (OciLayout layout = OciLayout.open(out)) {
      ImageIndex index = layout.readImageIndex(layout.image());
      assertThat(index.manifests()).hasSize(2);
      sociIndex = index.manifests().get(1);
      ImageManifest soci = layout.readManifest(sociIndex);
      sociBlobs.add(sociIndex);
      sociBlobs.add(soci.config());
      sociBlobs.addAll(soci.layers());
      assertThat(soci.layers()).extracting(Descriptor::mediaType)
          .containsExactly(MediaTypes.ZTOC, MediaTypes.SOCI_PREFETCH);
    }

    String raw = exec(SKOPEO.toString(), "inspect", "--raw", "oci:" + out);
    assertThat(raw).contains("\"digest\":\"" + sociIndex.digest() + "\"")
        .contains("\"artifactType\":\"application/vnd.amazon.soci.index.v2+json\"")
        .contains("\"com.amazon.soci.image-manifest-digest\"");

    Path copy = tmp.resolve("copy");
    exec(SKOPEO.toString(), "copy", "--all", "oci:" + out, "oci:" + copy);
    for (Descriptor d : sociBlobs) {
      assertThat(copy.resolve("blobs/sha256").resolve(d.digest().hex()))
          .as("%s %s copied", d.mediaType(), d.digest()).isRegularFile()
          .hasSameBinaryContentAs(out.resolve("blobs/sha256").resolve(d.digest().hex()));
    }
    // the copy is a layout this library reads, still listing the SOCI index
    assertThat(exec(SKOPEO.toString(), "inspect", "--raw", "oci:" + copy))
        .contains(sociIndex.digest().toString());
    CliTestSupport.Result list = CliTestSupport.run("index", "list", out.toString());
    assertThat(list.out()).startsWith(sociIndex.digest() + "\t");
  }
}
