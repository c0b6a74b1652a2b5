package dev.soci.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Runs the CLI in-process and captures its streams. */
final class CliTestSupport {
  private CliTestSupport() {}

  /** Exit code and captured output of one run. */
  record Result(int exit, String out, String err) {
    List<String> errLines() {
      return err.isEmpty() ? List.of() : List.of(err.split("\n"));
    }
  }

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = SociCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(exit, out.toString(), err.toString());
  }

  /**
   * Starts the real {@code soci} main class in a child JVM (test classpath, 256 MiB heap), its
   * output discarded: for what needs a separate process (signals, file locks).
   */
  static Process startChild(String... args) throws IOException {
    return child(args).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  /** The command line of the real {@code soci} main class in a child JVM, for its caller to set up. */
  static ProcessBuilder child(String... args) {
    List<String> cmd = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), SociCli.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd);
  }

  /** The repository's test data ({@code soci.testdata}). */
  static Path testdata() {
    String td = System.getProperty("soci.testdata");
    if (td == null) {
      throw new IllegalStateException("system property soci.testdata is not set");
    }
    return Path.of(td);
  }

  /** The committed sample layout, {@code examples/sample/layout}. */
  static Path sample() {
    return testdata().resolveSibling("examples").resolve("sample/layout");
  }

  static void copyTree(Path from, Path to) {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.sorted().toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every path under {@code dir}, relative, sorted. */
  static List<String> tree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.map(p -> dir.relativize(p).toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
