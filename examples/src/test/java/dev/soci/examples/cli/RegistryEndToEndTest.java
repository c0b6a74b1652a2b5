package dev.soci.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.registry.TestRegistry;
import dev.soci.oci.index.SociIndexVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against a real registry (distribution 2.8.2) and real tools: an image built by
 * {@code umoci} is copied into the registry by {@code skopeo}; {@code soci convert} and {@code
 * soci create} work on it there, and {@code skopeo} sees the results.
 */
@Tag("e2e")
class RegistryEndToEndTest {
  @TempDir static Path shared;
  @TempDir Path tmp;
  private static TestRegistry registry;
  private static Path image;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(Tools.available(), "umoci or skopeo is not installed");
    assumeTrue(TestRegistry.available(), "docker-registry is not installed");
    registry = TestRegistry.start(shared.resolve("registry"));
    image = Tools.umociImage(shared);
  }

  @AfterAll
  static void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
  }

  private String docker(String repoAndTag) {
    return "docker://" + registry.address() + "/" + repoAndTag;
  }

  private void skopeoCopyToRegistry(String repoAndTag) throws Exception {
    Tools.exec(tmp, Tools.SKOPEO.toString(), "copy", "--dest-tls-verify=false",
        "oci:" + image + ":latest", docker(repoAndTag));
  }

  private String skopeo(String... args) throws Exception {
    String[] cmd = new String[args.length + 1];
    cmd[0] = Tools.SKOPEO.toString();
    System.arraycopy(args, 0, cmd, 1, args.length);
    return Tools.exec(tmp, cmd);
  }

  private static String line(CliTestSupport.Result r, String prefix) {
    return r.out().lines().filter(l -> l.startsWith(prefix)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + prefix + " line in " + r.out()));
  }

  @Test
  void convertRegistryToRegistryGivesTheLayoutConvertsImageIndex() throws Exception {
    skopeoCopyToRegistry("conv/app:latest");
    CliTestSupport.Result layout = CliTestSupport.run("convert", "--min-layer-size", "0",
        "--span-size", "65536", image.toString(), tmp.resolve("out").toString());
    assertThat(layout.exit()).as(layout.err()).isZero();
    CliTestSupport.Result remote = CliTestSupport.run("convert", "--plain-http",
        "--min-layer-size", "0", "--span-size", "65536", docker("conv/app:latest"),
        docker("conv/app-soci:1"));
    assertThat(remote.exit()).as(remote.err()).isZero();
    assertThat(line(remote, "image-index")).isEqualTo(line(layout, "image-index"));

    String raw = skopeo("inspect", "--raw", "--tls-verify=false", docker("conv/app-soci:1"));
    byte[] bytes = raw.strip().getBytes(StandardCharsets.UTF_8);
    assertThat("image-index " + Digest.of(bytes)).isEqualTo(line(layout, "image-index"));
    ImageIndex index = ImageIndex.parse(bytes);
    assertThat(index.manifests()).anyMatch(d ->
        SociIndexVersion.V2.artifactType().equals(d.artifactType()));

    // And back into a layout: the same index.json and image as the layout convert wrote (which
    // also carried the blobs umoci left unreferenced in its layout: a layout is carried whole).
    Path back = tmp.resolve("back");
    CliTestSupport.Result toLayout = CliTestSupport.run("convert", "--plain-http",
        "--min-layer-size", "0", "--span-size", "65536", docker("conv/app:latest"),
        back.toString());
    assertThat(toLayout.exit()).as(toLayout.err()).isZero();
    assertThat(java.nio.file.Files.readAllBytes(back.resolve("index.json"))).isEqualTo(
        java.nio.file.Files.readAllBytes(tmp.resolve("out/index.json")));
    for (String blob : CliTestSupport.tree(back)) {
      if (blob.startsWith("blobs/sha256/")) {
        assertThat(java.nio.file.Files.readAllBytes(back.resolve(blob))).as(blob)
            .isEqualTo(java.nio.file.Files.readAllBytes(tmp.resolve("out").resolve(blob)));
      }
    }
  }

  @Test
  void createOnTheRegistryIsVisibleThroughTheFallbackTag() throws Exception {
    skopeoCopyToRegistry("made/app:latest");
    CliTestSupport.Result r = CliTestSupport.run("create", "--plain-http", "--min-layer-size",
        "0", docker("made/app:latest"));
    assertThat(r.exit()).as(r.err()).isZero();
    String index = line(r, "soci-index ").substring("soci-index ".length());

    // Not the digest of `inspect --raw`'s output: skopeo adds a newline, umoci's JSON may end in
    // one, so the exact bytes are not recoverable from it.
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"Digest\": \"(sha256:[0-9a-f]{64})\"")
        .matcher(skopeo("inspect", "--tls-verify=false", docker("made/app:latest")));
    assertThat(m.find()).isTrue();
    Digest subject = Digest.parse(m.group(1));
    String fallback = "sha256-" + subject.hex();
    assertThat(skopeo("list-tags", "--tls-verify=false",
        "docker://" + registry.address() + "/made/app")).contains(fallback);
    ImageIndex referrers = ImageIndex.parse(skopeo("inspect", "--raw", "--tls-verify=false",
        docker("made/app:" + fallback)).strip().getBytes(StandardCharsets.UTF_8));
    assertThat(referrers.manifests()).singleElement().satisfies(d -> {
      assertThat(d.digest().toString()).isEqualTo(index);
      assertThat(d.artifactType()).isEqualTo(SociIndexVersion.V1.artifactType());
    });
    ImageManifest soci = ImageManifest.parse(skopeo("inspect", "--raw", "--tls-verify=false",
        docker("made/app@" + index)).strip().getBytes(StandardCharsets.UTF_8));
    assertThat(soci.subjectOptional()).map(d -> d.digest()).contains(subject);
    assertThat(soci.layers()).allMatch(d -> MediaTypes.ZTOC.equals(d.mediaType()));

    CliTestSupport.Result list = CliTestSupport.run("index", "list", "--plain-http",
        docker("made/app:latest"));
    assertThat(list.exit()).as(list.err()).isZero();
    assertThat(list.out().lines().toList()).singleElement().satisfies(l ->
        assertThat(l.split("\t")).startsWith(index).contains("v1", subject.toString()));
    CliTestSupport.Result info = CliTestSupport.run("index", "info", "--plain-http",
        docker("made/app:latest"), index);
    assertThat(info.exit()).as(info.err()).isZero();
    assertThat(Digest.of(info.out().strip().getBytes(StandardCharsets.UTF_8)).toString())
        .isEqualTo(index);
  }

  @Test
  void createLocallyThenPush() throws Exception {
    Path layout = tmp.resolve("layout");
    CliTestSupport.copyTree(image, layout);
    CliTestSupport.Result made = CliTestSupport.run("create", "--min-layer-size", "0",
        layout.toString());
    assertThat(made.exit()).as(made.err()).isZero();
    CliTestSupport.Result pushed = CliTestSupport.run("push", "--plain-http", layout.toString(),
        docker("pushed/app:1"));
    assertThat(pushed.exit()).as(pushed.err()).isZero();
    assertThat(pushed.out()).isEqualTo(made.out());

    CliTestSupport.Result list = CliTestSupport.run("index", "list", "--plain-http",
        docker("pushed/app:1"));
    assertThat(list.exit()).as(list.err()).isZero();
    assertThat(list.out().lines().map(l -> "soci-index " + l.split("\t")[0]).toList())
        .isEqualTo(made.out().lines().toList());
    // Pushing again changes nothing: the fallback tag still lists the index once.
    CliTestSupport.Result again = CliTestSupport.run("push", "--plain-http", layout.toString(),
        docker("pushed/app:1"));
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(CliTestSupport.run("index", "list", "--plain-http", docker("pushed/app:1"))
        .out().lines().toList()).hasSize(1);
  }

  /** The umoci image plus a layer that deletes app/README and adds app/conf/extra.txt. */
  private Path twoLayerImage() throws Exception {
    Path layout = tmp.resolve("two");
    CliTestSupport.copyTree(image, layout);
    Path bundle = tmp.resolve("bundle");
    Tools.exec(tmp, Tools.UMOCI.toString(), "unpack", "--rootless", "--image",
        layout + ":latest", bundle.toString());
    java.nio.file.Files.delete(bundle.resolve("rootfs/app/README"));
    java.nio.file.Files.writeString(bundle.resolve("rootfs/app/conf/extra.txt"), "added above\n");
    Tools.exec(tmp, Tools.UMOCI.toString(), "repack", "--image", layout + ":latest",
        bundle.toString());
    return layout;
  }

  @Test
  void catReadsFilesLazilyThroughTheLayersWhiteoutsIncluded() throws Exception {
    Path layout = twoLayerImage();
    Tools.exec(tmp, Tools.SKOPEO.toString(), "copy", "--dest-tls-verify=false",
        "oci:" + layout + ":latest", docker("cat/app:latest"));
    // The lower layer (600 kB of data) gets a zTOC; the small upper one does not.
    CliTestSupport.Result made = CliTestSupport.run("create", "--plain-http",
        "--min-layer-size", "100000", "--span-size", "65536", docker("cat/app:latest"));
    assertThat(made.exit()).as(made.err()).isZero();
    assertThat(made.err()).contains("skipped");

    Path out = tmp.resolve("data.bin");
    CliTestSupport.Result data = CliTestSupport.run("cat", "--plain-http",
        docker("cat/app:latest"), "app/data.bin", "-o", out.toString());
    assertThat(data.exit()).as(data.err()).isZero();
    assertThat(java.nio.file.Files.readAllBytes(out)).isEqualTo(
        java.nio.file.Files.readAllBytes(shared.resolve("rootfs/app/data.bin")));

    Path extra = tmp.resolve("extra.txt");
    CliTestSupport.Result upper = CliTestSupport.run("cat", "--plain-http",
        docker("cat/app:latest"), "/app/conf/extra.txt", "-o", extra.toString());
    assertThat(upper.exit()).as(upper.err()).isZero();
    assertThat(java.nio.file.Files.readString(extra)).isEqualTo("added above\n");

    CliTestSupport.Result gone = CliTestSupport.run("cat", "--plain-http",
        docker("cat/app:latest"), "app/README", "-o", tmp.resolve("readme").toString());
    assertThat(gone.exit()).isEqualTo(1);
    assertThat(gone.err().lines().toList()).singleElement().asString()
        .startsWith("soci: error: ").contains("app/README");
    assertThat(tmp.resolve("readme")).doesNotExist();

    // ls, du and cp over the registry: the merged tree, the whited-out README gone.
    CliTestSupport.Result ls = CliTestSupport.run("ls", "-R", "--plain-http",
        docker("cat/app:latest"), "/app");
    assertThat(ls.exit()).as(ls.err()).isZero();
    assertThat(ls.out().lines().toList()).containsExactly("/app/conf",
        "/app/conf/extra.txt", "/app/conf/settings.properties", "/app/data.bin");
    CliTestSupport.Result du = CliTestSupport.run("du", "--plain-http", docker("cat/app:latest"),
        "/app");
    assertThat(du.out()).isEqualTo((600_000 + "added above\n".length()
        + "greeting=hello\n".length()) + "\t/app\n");
    Path copy = tmp.resolve("app-copy");
    CliTestSupport.Result cp = CliTestSupport.run("cp", "--plain-http", docker("cat/app:latest"),
        "/app", copy.toString());
    assertThat(cp.exit()).as(cp.err()).isZero();
    assertThat(java.nio.file.Files.readAllBytes(copy.resolve("data.bin"))).isEqualTo(
        java.nio.file.Files.readAllBytes(shared.resolve("rootfs/app/data.bin")));
    assertThat(copy.resolve("README")).doesNotExist();

    // Without a SOCI index: the same bytes, every layer fetched whole, and a note saying so.
    skopeoCopyToRegistry("cat/plain:latest");
    CliTestSupport.Result plain = CliTestSupport.run("cat", "--plain-http",
        docker("cat/plain:latest"), "app/conf/settings.properties", "-o",
        tmp.resolve("settings").toString());
    assertThat(plain.exit()).as(plain.err()).isZero();
    assertThat(plain.err()).contains("no SOCI index");
    assertThat(java.nio.file.Files.readString(tmp.resolve("settings")))
        .isEqualTo("greeting=hello\n");
  }

  @Test
  void registryErrorsAreOneLine() throws Exception {
    CliTestSupport.Result missing = CliTestSupport.run("index", "list", "--plain-http",
        docker("nobody/here:1"));
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err().lines().toList()).singleElement().asString()
        .startsWith("soci: error: ").contains("nobody/here");
    skopeoCopyToRegistry("errs/app:latest");
    CliTestSupport.Result noTag = CliTestSupport.run("cat", "--plain-http",
        docker("errs/app:nope"), "app/README");
    assertThat(noTag.exit()).isEqualTo(1);
    assertThat(noTag.err().lines().toList()).singleElement().asString()
        .startsWith("soci: error: manifest unknown").contains("errs/app:nope");
    CliTestSupport.Result noFile = CliTestSupport.run("cat", "-q", "--plain-http",
        docker("errs/app:latest"), "app/nothing-here");
    assertThat(noFile.exit()).isEqualTo(1);
    assertThat(noFile.err().lines().toList()).singleElement().asString()
        .startsWith("soci: error: ").contains("app/nothing-here");
    CliTestSupport.Result bad = CliTestSupport.run("index", "list", "docker://Bad Ref");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("soci: ");
    CliTestSupport.Result digestOnly = CliTestSupport.run("convert", "--plain-http",
        docker("conv/app:latest"), docker("conv/x@sha256:" + "0".repeat(64)));
    assertThat(digestOnly.exit()).isEqualTo(2);
    assertThat(digestOnly.err()).contains("needs a tag");
  }
}
