package dev.soci.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ZtocCliTest {
  static final Path VECTORS = Path.of(System.getProperty("soci.testdata", "../testdata"), "vectors");

  /** Exit code and both streams of one CLI run. */
  record Run(int exit, String out, String err) {}

  static Run soci(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = SociCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(exit, out.toString(), err.toString());
  }

  static Stream<List<String>> manifestRows() throws IOException {
    List<String> lines = Files.readAllLines(VECTORS.resolve("MANIFEST.tsv"));
    return lines.stream().skip(1).map(l -> List.of(l.split("\t")));
  }

  @ParameterizedTest
  @MethodSource("manifestRows")
  void createWritesTheReferenceZtocAndPrintsDigestAndSize(List<String> row, @TempDir Path dir) throws Exception {
    Path out = dir.resolve("out.ztoc");
    Run r = soci("ztoc", "create", "--span-size", row.get(2), "--build-tool-identifier", "AWS SOCI CLI v0.2",
        "-o", out.toString(), VECTORS.resolve("layers").resolve(row.get(0)).toString());
    assertThat(r.err()).isEmpty();
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo(row.get(3) + " " + row.get(4) + System.lineSeparator());
    assertThat(Files.readAllBytes(out))
        .isEqualTo(Files.readAllBytes(VECTORS.resolve("ztoc").resolve(row.get(0) + "." + row.get(2) + ".ztoc")));
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(out); // no temporary file left behind
    }
  }

  @ParameterizedTest
  @MethodSource("manifestRows")
  void infoPrintsExactlyWhatTheReferenceCliPrints(List<String> row) throws Exception {
    String name = row.get(0) + "." + row.get(2);
    Run r = soci("ztoc", "info", VECTORS.resolve("ztoc").resolve(name + ".ztoc").toString());
    assertThat(r.exit()).isZero();
    assertThat(r.out().getBytes(StandardCharsets.UTF_8))
        .isEqualTo(Files.readAllBytes(VECTORS.resolve("info").resolve(name + ".info.json")));
  }

  @Test
  void listPrintsOneLinePerEntry() {
    Run r = soci("ztoc", "list", VECTORS.resolve("ztoc/tiny.tar.gz.65536.ztoc").toString());
    assertThat(r.exit()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(6);
    assertThat(lines.get(0)).startsWith("d").endsWith(" app/");
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("l").contains("app/greeting -> "));
  }

  @Test
  void defaultOutputIsNextToTheLayer(@TempDir Path dir) throws Exception {
    Path layer = Files.copy(VECTORS.resolve("layers/tiny.tar.gz"), dir.resolve("tiny.tar.gz"));
    Run r = soci("ztoc", "create", layer.toString());
    assertThat(r.exit()).isZero();
    assertThat(dir.resolve("tiny.tar.gz.ztoc")).exists();
  }

  @Test
  void badInputIsOneLineAndExitOne(@TempDir Path dir) throws Exception {
    byte[] gz = Files.readAllBytes(VECTORS.resolve("layers/tiny.tar.gz"));
    Path truncated = Files.write(dir.resolve("truncated.tar.gz"), Arrays.copyOf(gz, gz.length / 2));
    Path out = dir.resolve("x.ztoc");
    for (String[] args : new String[][] {
        {"ztoc", "create", "-o", out.toString(), truncated.toString()},
        {"ztoc", "create", "-o", out.toString(), dir.resolve("missing").toString()},
        {"ztoc", "create", "--compression", "gzip", "-o", out.toString(), VECTORS.resolve("layers/small-plain.tar").toString()},
        {"ztoc", "info", VECTORS.resolve("layers/tiny.tar.gz").toString()},
    }) {
      Run r = soci(args);
      assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(1);
      assertThat(r.err()).startsWith("soci: error: ");
      assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
      assertThat(out).doesNotExist();
    }
  }

  @Test
  void debugAddsTheStackTrace(@TempDir Path dir) {
    Run r = soci("--debug", "ztoc", "create", dir.resolve("missing").toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().lines().count()).isGreaterThan(1);
    assertThat(r.err()).contains("\tat ");
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(soci("ztoc", "create", "--span-size", "0", "x").exit()).isEqualTo(2);
    assertThat(soci("ztoc", "create").exit()).isEqualTo(2);
    assertThat(soci("ztoc").exit()).isEqualTo(2);
    assertThat(soci("--version").out()).startsWith("soci-java ");
  }
}
