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
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
  private static final Path UMOCI = Path.of("/usr/bin/umoci");
  private static final Path SKOPEO = Path.of("/usr/bin/skopeo");

  @TempDir Path tmp;

  @BeforeAll
  static void tools() {
    assumeTrue(Files.isExecutable(UMOCI), "umoci is not installed");
    assumeTrue(Files.isExecutable(SKOPEO), "skopeo is not installed");
  }

  /** Runs a tool with a timeout; fails with its output unless it exits 0. */
  private String exec(String... cmd) throws IOException, InterruptedException {
    Path log = Files.createTempFile(tmp, "exec", ".log");
    Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + ": timed out");
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(String.join(" ", cmd) + ":\n" + output).isZero();
    return output;
  }

  private Path umociImage() throws Exception {
    Path rootfs = Files.createDirectories(tmp.resolve("rootfs/app/conf"));
    Files.writeString(rootfs.resolve("settings.properties"), "greeting=hello\n");
    byte[] data = new byte[600_000];
    new Random(42).nextBytes(data); // incompressible: several gzip blocks
    Files.write(tmp.resolve("rootfs/app/data.bin"), data);
    Files.writeString(tmp.resolve("rootfs/app/README"), "a tiny image for the e2e test\n");
    exec(UMOCI.toString(), "init", "--layout", "image");
    exec(UMOCI.toString(), "new", "--image", "image:latest");
    exec(UMOCI.toString(), "insert", "--image", "image:latest",
        tmp.resolve("rootfs").toString(), "/");
    return tmp.resolve("image");
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
