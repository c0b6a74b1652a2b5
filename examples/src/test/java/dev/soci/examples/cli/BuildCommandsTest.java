package dev.soci.examples.cli;

import static dev.soci.examples.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.examples.cli.CliTestSupport.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildCommandsTest {
  private static final Pattern SOCI_LINE =
      Pattern.compile("soci-index (sha256:[0-9a-f]{64})( \\S+)?");

  @TempDir Path tmp;

  private static String sha256(byte[] b) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private static String firstIndexDigest(String out) {
    Matcher m = SOCI_LINE.matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return m.group(1);
  }

  @Test
  void convertsTheSampleAndListsAndShowsItsIndex() throws Exception {
    Path out = tmp.resolve("out");
    Result r = run("convert", "--min-layer-size", "0", CliTestSupport.sample().toString(),
        out.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).matches("soci-index sha256:[0-9a-f]{64} linux/amd64");
    assertThat(lines.get(1)).matches("image-index sha256:[0-9a-f]{64}");
    String index = firstIndexDigest(r.out());
    String imageIndex = lines.get(1).substring("image-index ".length());
    assertThat(new String(Files.readAllBytes(out.resolve("index.json")), StandardCharsets.UTF_8))
        .contains(imageIndex);

    Result list = run("index", "list", out.toString());
    assertThat(list.exit()).isZero();
    assertThat(list.out().lines().toList()).singleElement().satisfies(l -> {
      String[] f = l.split("\t");
      assertThat(f).hasSize(5);
      assertThat(f[0]).isEqualTo(index);
      assertThat(f[2]).isEqualTo("v2");
      assertThat(f[3]).startsWith("sha256:");
      assertThat(f[4]).isEqualTo("linux/amd64");
    });

    Result info = run("index", "info", out.toString(), index.substring("sha256:".length()));
    assertThat(info.exit()).isZero();
    String json = info.out().substring(0, info.out().length() - 1);
    assertThat(sha256(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(index);
    assertThat(json).contains("application/vnd.amazon.soci.index.v2+json")
        .contains("\"com.amazon.soci.build-tool-identifier\":\"soci-java v");
  }

  @Test
  void convertMatchesTheReferenceWithItsBuildToolIdentifier() throws Exception {
    Path out = tmp.resolve("out.tar");
    Path extracted = tmp.resolve("x");
    Result r = run("convert", "--build-tool-identifier", "AWS SOCI CLI v0.2",
        "--min-layer-size", "1000000", "--platform", "linux/amd64", "--format", "oci-archive",
        CliTestSupport.testdata().resolve("vectors/oci/layout").toString(), out.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Files.isRegularFile(out)).isTrue();
    // the archive is itself a layout: list it, and compare index.json with the reference
    Result list = run("index", "list", out.toString());
    assertThat(list.out().lines()).hasSize(1);
    Files.createDirectories(extracted);
    Process p = new ProcessBuilder("tar", "-xf", out.toString(), "-C", extracted.toString())
        .redirectErrorStream(true).start();
    assertThat(p.waitFor()).isZero();
    assertThat(Files.readAllBytes(extracted.resolve("index.json"))).isEqualTo(Files.readAllBytes(
        CliTestSupport.testdata().resolve(
            "vectors/oci/expected/convert-default-span4m-min1m/index.json")));
  }

  @Test
  void defaultMinimumSkipsTheSamplesLayersAndFailsInOneLine() {
    Path out = tmp.resolve("out");
    Result r = run("convert", CliTestSupport.sample().toString(), out.toString());
    assertThat(r.exit()).isEqualTo(1);
    List<String> err = r.errLines();
    assertThat(err).filteredOn(l -> l.startsWith("soci: layer ")).hasSize(2)
        .allMatch(l -> l.contains("below the minimum layer size 10485760"));
    assertThat(err).filteredOn(l -> l.startsWith("soci: error:")).singleElement()
        .asString().contains("no ztocs created");
    assertThat(err.get(err.size() - 1)).startsWith("soci: error:");
    assertThat(r.out()).isEmpty();
    assertThat(CliTestSupport.tree(tmp)).containsExactly("");
  }

  @Test
  void createAddsAnIndexAndReusesItsZtocs() throws Exception {
    Path layout = tmp.resolve("layout");
    CliTestSupport.copyTree(CliTestSupport.sample(), layout);
    Result first = run("create", "--min-layer-size", "0", "--span-size", "65536",
        "--prefetch-file", "app/hello.txt", "--optimizations", "xattr", layout.toString());
    assertThat(first.exit()).as(first.err()).isZero();
    String digest = firstIndexDigest(first.out());
    assertThat(first.err()).doesNotContain("reusing");

    Result again = run("create", "--min-layer-size", "0", "--span-size", "65536",
        "--prefetch-file", "app/hello.txt", "--optimizations", "xattr", layout.toString());
    assertThat(again.exit()).isZero();
    assertThat(firstIndexDigest(again.out())).isEqualTo(digest);
    assertThat(again.errLines()).filteredOn(l -> l.contains("reusing zTOC")).hasSize(2);

    Result forced = run("create", "--force", "--min-layer-size", "0", "--span-size", "65536",
        "--prefetch-file", "app/hello.txt", "--optimizations", "xattr", layout.toString());
    assertThat(forced.err()).doesNotContain("reusing");
    assertThat(firstIndexDigest(forced.out())).isEqualTo(digest);

    Result list = run("index", "list", layout.toString());
    assertThat(list.out().lines().toList()).singleElement().asString()
        .startsWith(digest + "\t").contains("\tv1\t");
    Result info = run("index", "info", layout.toString(), digest);
    assertThat(info.out()).contains("application/vnd.amazon.soci.prefetch.v1+json")
        .contains("\"com.amazon.soci.disable-xattrs\":\"true\"")
        .contains("\"com.amazon.soci.span-size\":\"65536\"");
  }

  @Test
  void helpWorksForEveryNewCommand() {
    for (String[] args : List.of(new String[] {"create", "--help"},
        new String[] {"convert", "--help"}, new String[] {"index", "list", "--help"},
        new String[] {"index", "info", "--help"})) {
      Result r = run(args);
      assertThat(r.exit()).isZero();
      assertThat(r.out()).contains("Usage:");
    }
    assertThat(run("convert", "--help").out()).contains("--prefetch-file", "--all-platforms",
        "--format", "--force", "4194304", "10485760");
  }
}
