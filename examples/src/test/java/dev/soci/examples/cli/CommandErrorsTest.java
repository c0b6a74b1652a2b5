package dev.soci.examples.cli;

import static dev.soci.examples.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.examples.cli.CliTestSupport.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every failure: one line on stderr, a non-zero exit, and nothing left behind. */
class CommandErrorsTest {
  @TempDir Path tmp;
  private Path layout;
  private Path work;

  @BeforeEach
  void setUp() throws Exception {
    layout = tmp.resolve("in");
    CliTestSupport.copyTree(CliTestSupport.sample(), layout);
    work = Files.createDirectories(tmp.resolve("work"));
  }

  private static void assertOneLineError(Result r, int exit, String contains) {
    assertThat(r.exit()).as(r.err()).isEqualTo(exit);
    assertThat(r.errLines()).as(r.err()).singleElement().asString()
        .startsWith("soci: error: ").contains(contains);
    assertThat(r.out()).isEmpty();
  }

  private Result convert(String... extra) {
    String[] args = Stream.concat(Stream.of("convert", "--min-layer-size", "0"),
        Stream.of(extra)).toArray(String[]::new);
    return run(args);
  }

  private Path layerBlob() throws Exception {
    try (Stream<Path> s = Files.list(layout.resolve("blobs/sha256"))) {
      return s.filter(p -> p.toFile().length() == 20480).findFirst().orElseThrow();
    }
  }

  @Test
  void corruptBlob() throws Exception {
    Path blob = layerBlob();
    byte[] b = Files.readAllBytes(blob);
    b[100] ^= 1;
    Files.write(blob, b);
    assertOneLineError(convert(layout.toString(), work.resolve("out").toString()), 1,
        blob.getFileName().toString());
    assertThat(CliTestSupport.tree(work)).containsExactly("");
    List<String> before = CliTestSupport.tree(layout);
    assertOneLineError(run("create", "--min-layer-size", "0", layout.toString()), 1,
        blob.getFileName().toString());
    assertThat(CliTestSupport.tree(layout)).isEqualTo(before);
  }

  @Test
  void missingBlob() throws Exception {
    Path blob = layerBlob();
    Files.delete(blob);
    assertOneLineError(convert(layout.toString(), work.resolve("out").toString()), 1,
        "missing");
    assertThat(CliTestSupport.tree(work)).containsExactly("");
  }

  @Test
  void missingIndexJson() throws Exception {
    Files.delete(layout.resolve("index.json"));
    assertOneLineError(convert(layout.toString(), work.resolve("out").toString()), 1,
        "index.json");
    assertOneLineError(run("index", "list", layout.toString()), 1, "index.json");
    assertOneLineError(run("create", layout.toString()), 1, "index.json");
    assertThat(CliTestSupport.tree(work)).containsExactly("");
  }

  @Test
  void unknownPlatform() throws Exception {
    Path vectors = CliTestSupport.testdata().resolve("vectors/oci/layout");
    assertOneLineError(convert("--platform", "linux/s390x", vectors.toString(),
        work.resolve("out").toString()), 1, "linux/s390x");
    assertThat(CliTestSupport.tree(work)).containsExactly("");
  }

  @Test
  void existingOutputIsKept() throws Exception {
    Path out = work.resolve("out");
    Files.writeString(out, "keep me");
    assertOneLineError(convert(layout.toString(), out.toString()), 1, "exists");
    assertOneLineError(convert("--format", "oci-archive", layout.toString(), out.toString()),
        1, "exists");
    assertThat(Files.readString(out)).isEqualTo("keep me");
    assertThat(CliTestSupport.tree(work)).containsExactly("", "out");
  }

  @Test
  void unwritableOutput() throws Exception {
    Path notADir = work.resolve("file");
    Files.writeString(notADir, "x");
    assertOneLineError(convert(layout.toString(), notADir.resolve("out").toString()), 1,
        "file/out");
    assertThat(CliTestSupport.tree(work)).containsExactly("", "file");
  }

  @Test
  void noZtocsCreatedOnCreate() throws Exception {
    List<String> before = CliTestSupport.tree(layout);
    Result r = run("create", layout.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.errLines()).filteredOn(l -> l.startsWith("soci: error:")).singleElement()
        .asString().contains("no ztocs created");
    assertThat(CliTestSupport.tree(layout)).isEqualTo(before);
  }

  @Test
  void createNeedsADirectory() throws Exception {
    Path tar = work.resolve("l.tar");
    assertThat(convert("--format", "oci-archive", layout.toString(), tar.toString()).exit())
        .isZero();
    assertOneLineError(run("create", "--min-layer-size", "0", tar.toString()), 1,
        "layout archive");
  }

  @Test
  void unknownIndexDigest() {
    assertOneLineError(run("index", "info", layout.toString(), "sha256:" + "0".repeat(64)), 1,
        "no SOCI index");
    assertOneLineError(run("index", "info", layout.toString(), "sha256:zz"), 1, "zz");
  }

  @Test
  void usageErrorsExitTwo() {
    for (String[] args : List.of(
        new String[] {"convert", "--platform", "linux", "a", "b"},
        new String[] {"convert", "--format", "zip", "a", "b"},
        new String[] {"create", "--optimizations", "speed", "a"},
        new String[] {"create", "--span-size", "0", "a"},
        new String[] {"convert", "only-in"},
        new String[] {"index"})) {
      Result r = run(args);
      assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(2);
      assertThat(r.out()).isEmpty();
    }
  }

  @Test
  void debugAddsTheStackTrace() throws Exception {
    Files.delete(layout.resolve("index.json"));
    Result plain = run("index", "list", layout.toString());
    Result debug = run("--debug", "index", "list", layout.toString());
    assertThat(plain.errLines()).hasSize(1);
    assertThat(debug.exit()).isEqualTo(1);
    assertThat(debug.errLines().get(0)).isEqualTo(plain.errLines().get(0));
    assertThat(debug.err()).contains("\tat dev.soci.");
  }
}
