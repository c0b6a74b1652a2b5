package dev.soci.examples.cli;

import static dev.soci.examples.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.examples.cli.CliTestSupport.Result;
import dev.soci.ztoc.ZtocView;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code -o} and OUT: special files are written in place or refused, never replaced; symlinks
 * are followed; output names up to 255 bytes work for every output kind.
 */
class OutputTargetsTest {
  private static final Path VECTORS = CliTestSupport.testdata().resolve("vectors");
  private static final String LAYER = VECTORS.resolve("layers/go-pax.tar.gz").toString();
  private static final String ZTOC = VECTORS.resolve("ztoc/go-pax.tar.gz.1048576.ztoc")
      .toString();
  private static final String FILE = "usr/share/doc/file-1.txt";

  @TempDir Path tmp;
  private byte[] fileBytes;

  @BeforeEach
  void expected() throws Exception {
    byte[] tar = new java.util.zip.GZIPInputStream(Files.newInputStream(Path.of(LAYER)))
        .readAllBytes();
    ZtocView view = ZtocView.open(Path.of(ZTOC));
    int i = view.lookup(FILE).getAsInt();
    int off = (int) view.uncompressedOffset(i);
    fileBytes = Arrays.copyOfRange(tar, off, off + (int) view.uncompressedSize(i));
  }

  private static int fileType(Path p) throws Exception {
    return ((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 0170000;
  }

  private List<String> listing() throws Exception {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void devNullIsWrittenNotReplaced() throws Exception {
    Path devNull = Path.of("/dev/null");
    int before = fileType(devNull);
    assertThat(before).isEqualTo(0020000); // a character device
    Result r = run("ztoc", "get-file", "-o", "/dev/null", LAYER, ZTOC, FILE);
    assertThat(r.exit()).as(r.err()).isZero();
    Result c = run("ztoc", "create", "-o", "/dev/null", LAYER);
    assertThat(c.exit()).as(c.err()).isZero();
    assertThat(fileType(devNull)).isEqualTo(before);
    assertThat(Files.isRegularFile(devNull)).isFalse();
  }

  /** Runs the real main in a child JVM whose standard output is {@code stdout}. */
  private static Process child(ProcessBuilder.Redirect stdout, String... args) throws Exception {
    return CliTestSupport.child(args).redirectOutput(stdout)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  /**
   * {@code /dev/stdout} (-> /proc/self/fd/1 -> pipe:[N], which no path resolves to) and the same
   * descriptor by its /proc name (recognised without the regex it once took).
   */
  @ParameterizedTest
  @ValueSource(strings = {"/dev/stdout", "/proc/self/fd/1"})
  void standardOutputOnAPipeIsWrittenInPlace(String target) throws Exception {
    Process p = child(ProcessBuilder.Redirect.PIPE, "ztoc", "get-file", "-o", target,
        LAYER, ZTOC, FILE);
    CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
      try {
        return p.getInputStream().readAllBytes();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(out.get(10, TimeUnit.SECONDS)).isEqualTo(fileBytes);
  }

  @Test
  void devStdoutAppendedToAFileKeepsWhatTheFileHeld() throws Exception {
    Path log = tmp.resolve("log");
    Files.writeString(log, "before\n");
    Process p = child(ProcessBuilder.Redirect.appendTo(log.toFile()), "ztoc", "get-file", "-o",
        "/dev/stdout", LAYER, ZTOC, FILE);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    byte[] before = "before\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] expected = Arrays.copyOf(before, before.length + fileBytes.length);
    System.arraycopy(fileBytes, 0, expected, before.length, fileBytes.length);
    assertThat(Files.readAllBytes(log)).isEqualTo(expected);
    assertThat(listing()).containsExactly("log"); // no temporary file beside it
  }

  @Test
  void aFifoReceivesTheBytesAndStaysAFifo() throws Exception {
    Path fifo = tmp.resolve("pipe");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertThat(mk.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(mk.exitValue()).isZero();
    // The reader opens the FIFO like `cat pipe` would; the CLI's open blocks until then.
    CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
      try (var in = Files.newInputStream(fifo)) {
        return in.readAllBytes();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    CompletableFuture<Result> cli = CompletableFuture.supplyAsync(
        () -> run("ztoc", "get-file", "-o", fifo.toString(), LAYER, ZTOC, FILE));
    Result r = cli.get(30, TimeUnit.SECONDS);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(read.get(30, TimeUnit.SECONDS)).isEqualTo(fileBytes);
    assertThat(fileType(fifo)).isEqualTo(0010000);
    assertThat(listing()).containsExactly("pipe");
  }

  @Test
  void aSymlinkIsFollowedAndStaysALink() throws Exception {
    Path real = Files.createDirectories(tmp.resolve("real"));
    Path target = Files.write(real.resolve("target"), new byte[] {1, 2, 3});
    Path link = Files.createSymbolicLink(tmp.resolve("link"), Path.of("real/target"));
    Result r = run("ztoc", "get-file", "-o", link.toString(), LAYER, ZTOC, FILE);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readAllBytes(target)).isEqualTo(fileBytes);
    try (Stream<Path> s = Files.list(real)) {
      assertThat(s).containsExactly(target); // the temp file was beside the target, and is gone
    }

    Path dangling = Files.createSymbolicLink(tmp.resolve("dangling"), Path.of("nowhere"));
    Result d = run("ztoc", "get-file", "-o", dangling.toString(), LAYER, ZTOC, FILE);
    assertThat(d.exit()).isEqualTo(1);
    assertThat(d.errLines()).singleElement().asString()
        .contains("symbolic link to a missing file");
    assertThat(Files.isSymbolicLink(dangling)).isTrue();
    assertThat(listing()).containsExactly("dangling", "link", "real");
  }

  /** A name of exactly 255 UTF-8 bytes, multi-byte characters included. */
  private static String longName(String ext) {
    String name = "é".repeat(100) + "x".repeat(55 - ext.length()) + ext;
    assertThat(name.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSize(255);
    return name;
  }

  @Test
  void outputNamesOf255BytesWorkForEveryOutput() throws Exception {
    Path ztoc = tmp.resolve(longName(".ztoc"));
    Result z = run("ztoc", "create", "--span-size", "1048576", "--build-tool-identifier",
        "AWS SOCI CLI v0.2", "-o", ztoc.toString(), LAYER);
    assertThat(z.exit()).as(z.err()).isZero();
    assertThat(Files.readAllBytes(ztoc)).isEqualTo(Files.readAllBytes(Path.of(ZTOC)));

    Path file = tmp.resolve(longName(".txt"));
    Result g = run("ztoc", "get-file", "-o", file.toString(), LAYER, ZTOC, FILE);
    assertThat(g.exit()).as(g.err()).isZero();
    assertThat(Files.readAllBytes(file)).isEqualTo(fileBytes);

    Path dir = tmp.resolve(longName(".d"));
    Result c = run("convert", "--min-layer-size", "0", CliTestSupport.sample().toString(),
        dir.toString());
    assertThat(c.exit()).as(c.err()).isZero();
    assertThat(dir.resolve("index.json")).isRegularFile();

    Path tar = tmp.resolve(longName(".tar"));
    Result t = run("convert", "--min-layer-size", "0", "--format", "oci-archive",
        CliTestSupport.sample().toString(), tar.toString());
    assertThat(t.exit()).as(t.err()).isZero();
    assertThat(tar).isRegularFile();

    assertThat(listing()).containsExactlyInAnyOrder(ztoc.getFileName().toString(),
        file.getFileName().toString(), dir.getFileName().toString(),
        tar.getFileName().toString());
  }

  @Test
  void aBlockDeviceOrSocketIsRefused() throws Exception {
    Path block = Stream.of("/dev/loop0", "/dev/vda", "/dev/sda").map(Path::of)
        .filter(p -> Files.exists(p, LinkOption.NOFOLLOW_LINKS)).findFirst().orElse(null);
    org.junit.jupiter.api.Assumptions.assumeTrue(block != null, "no block device to test with");
    int before = fileType(block);
    assertThat(before).isEqualTo(0060000);
    Result r = run("ztoc", "get-file", "-o", block.toString(), LAYER, ZTOC, FILE);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.errLines()).singleElement().asString().contains("block device");
    assertThat(fileType(block)).isEqualTo(before);
  }
}
