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
    if (Files.getFileStore(out).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) {
      assertThat(Files.getPosixFilePermissions(out))
          .contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ);
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

  @Test
  void getFileWritesTheFileBytesOrFailsInOneLine(@TempDir Path dir) throws Exception {
    String layer = VECTORS.resolve("layers/go-pax.tar.gz").toString();
    String ztoc = VECTORS.resolve("ztoc/go-pax.tar.gz.1048576.ztoc").toString();
    Path out = dir.resolve("file-1.txt");
    Run ok = soci("ztoc", "get-file", "-o", out.toString(), layer, ztoc, "usr/share/doc/file-1.txt");
    assertThat(ok.exit()).as(ok.err()).isZero();
    byte[] tar = new java.util.zip.GZIPInputStream(Files.newInputStream(VECTORS.resolve("layers/go-pax.tar.gz"))).readAllBytes();
    dev.soci.ztoc.ZtocView view = dev.soci.ztoc.ZtocView.open(Path.of(ztoc));
    int idx = view.lookup("usr/share/doc/file-1.txt").getAsInt();
    int off = (int) view.uncompressedOffset(idx);
    assertThat(Files.readAllBytes(out)).isEqualTo(Arrays.copyOfRange(tar, off, off + (int) view.uncompressedSize(idx)));

    java.io.ByteArrayOutputStream stdout = new java.io.ByteArrayOutputStream();
    java.io.OutputStream saved = ZtocGetFileCommand.stdout;
    ZtocGetFileCommand.stdout = stdout;
    try {
      assertThat(soci("ztoc", "get-file", layer, ztoc, "usr/share/doc/hard-1").exit()).isZero();
    } finally {
      ZtocGetFileCommand.stdout = saved;
    }
    assertThat(stdout.toByteArray()).isEqualTo(Files.readAllBytes(out));

    Path missingOut = dir.resolve("missing.out");
    for (String[] args : new String[][] {
        {"ztoc", "get-file", "-o", missingOut.toString(), layer, ztoc, "no/such/file"},
        {"ztoc", "get-file", "-o", missingOut.toString(), VECTORS.resolve("layers/pystd-named.tar.gz").toString(), ztoc, "usr/share/doc/file-1.txt"},
        {"ztoc", "get-file", "-o", missingOut.toString(), layer, ztoc, "etc/"},
    }) {
      Run r = soci(args);
      assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(1);
      assertThat(r.err()).startsWith("soci: error: ");
      assertThat(r.err().lines().count()).isEqualTo(1);
      assertThat(missingOut).doesNotExist();
    }

    byte[] corrupt = Files.readAllBytes(VECTORS.resolve("layers/go-pax.tar.gz"));
    corrupt[corrupt.length / 2] ^= 0x55;
    Path corruptLayer = Files.write(dir.resolve("corrupt.tar.gz"), corrupt);
    Run bad = soci("ztoc", "get-file", "-o", missingOut.toString(), corruptLayer.toString(), ztoc, view.name(findSpanningFile(view)));
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err()).contains("digest");
    assertThat(missingOut).doesNotExist();
  }

  @Test
  void badPathsAreNamedInOneLine(@TempDir Path dir) throws Exception {
    String layer = VECTORS.resolve("layers/tiny.tar.gz").toString();
    String ztoc = VECTORS.resolve("ztoc/tiny.tar.gz.65536.ztoc").toString();
    Run toRoot = soci("ztoc", "create", "-o", "/", layer);
    assertThat(toRoot.exit()).isEqualTo(1);
    assertThat(toRoot.err()).isEqualTo("soci: error: cannot write /: it is a directory" + System.lineSeparator());
    Run toDir = soci("ztoc", "create", "-o", dir.toString(), layer);
    assertThat(toDir.err()).contains("is a directory").contains(dir.toString());
    Run noParent = soci("ztoc", "create", "-o", dir.resolve("nodir/x.ztoc").toString(), layer);
    assertThat(noParent.exit()).isEqualTo(1);
    assertThat(noParent.err()).contains("nodir").contains("does not exist").doesNotContain(".tmp");
    Run dirAsZtoc = soci("ztoc", "info", dir.toString());
    assertThat(dirAsZtoc.exit()).isEqualTo(1);
    assertThat(dirAsZtoc.err()).isEqualTo("soci: error: zTOC " + dir + " is not a regular file" + System.lineSeparator());
    Run missingLayer = soci("ztoc", "get-file", dir.resolve("nope").toString(), ztoc, "app/hello.txt");
    assertThat(missingLayer.err()).isEqualTo("soci: error: no such layer: " + dir.resolve("nope") + System.lineSeparator());
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aFailedWriteToStandardOutputFailsTheCommand() {
    StringWriter err = new StringWriter();
    PrintWriter broken = new PrintWriter(new java.io.Writer() {
      @Override
      public void write(char[] cbuf, int off, int len) throws IOException {
        throw new IOException("No space left on device");
      }

      @Override
      public void flush() { }

      @Override
      public void close() { }
    });
    int exit = SociCli.run(new String[] {"ztoc", "list", VECTORS.resolve("ztoc/tiny.tar.gz.65536.ztoc").toString()},
        broken, new PrintWriter(err, true));
    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).contains("writing to standard output failed");

    java.io.OutputStream saved = ZtocGetFileCommand.stdout;
    ZtocGetFileCommand.stdout = new java.io.OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("No space left on device");
      }
    };
    try {
      Run r = soci("ztoc", "get-file", VECTORS.resolve("layers/tiny.tar.gz").toString(),
          VECTORS.resolve("ztoc/tiny.tar.gz.65536.ztoc").toString(), "app/hello.txt");
      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.err()).contains("No space left on device");
    } finally {
      ZtocGetFileCommand.stdout = saved;
    }
  }

  /** A regular file whose data covers the middle of the layer, where the test corrupts a byte. */
  private static int findSpanningFile(dev.soci.ztoc.ZtocView view) {
    int best = -1;
    for (int i = 0; i < view.entryCount(); i++) {
      if (view.type(i) == dev.soci.ztoc.EntryType.REG
          && (best < 0 || view.uncompressedSize(i) > view.uncompressedSize(best))) {
        best = i;
      }
    }
    return best;
  }
}
