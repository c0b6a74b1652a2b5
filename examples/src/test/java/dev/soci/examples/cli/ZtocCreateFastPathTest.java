package dev.soci.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@link ZtocCreateFastPath} takes only what picocli takes, and to the same fields; the rest it
 * leaves to picocli.
 */
class ZtocCreateFastPathTest {

  static Stream<List<String>> accepted() {
    return Stream.of(
        List.of("ztoc", "create", "layer.tar.gz"),
        List.of("--debug", "ztoc", "create", "layer.tar.gz"),
        List.of("ztoc", "--debug", "create", "layer.tar.gz"),
        List.of("ztoc", "create", "--debug", "layer.tar.gz"),
        List.of("ztoc", "create", "layer.tar.gz", "--debug"),
        List.of("ztoc", "create", "--span-size", "65536", "layer.tar.gz"),
        List.of("ztoc", "create", "--span-size=007", "layer.tar.gz"),
        List.of("ztoc", "create", "layer.tar.gz", "--span-size", "1"),
        List.of("ztoc", "create", "--span-size", "999999999999999999", "layer"),
        List.of("ztoc", "create", "--compression", "gzip", "layer"),
        List.of("ztoc", "create", "--compression=uncompressed", "layer"),
        List.of("ztoc", "create", "--compression", "auto", "layer"),
        List.of("ztoc", "create", "--build-tool-identifier", "AWS SOCI CLI v0.2", "layer"),
        List.of("ztoc", "create", "--build-tool-identifier=a=b", "layer"),
        List.of("ztoc", "create", "-o", "out.ztoc", "layer"),
        List.of("ztoc", "create", "--output", "dir/out.ztoc", "layer"),
        List.of("ztoc", "create", "--output=out", "layer"),
        List.of("ztoc", "create", "layer", "-o", "out", "--compression", "gzip", "--debug",
            "--build-tool-identifier", "x", "--span-size", "4096"),
        List.of("ztoc", "create", "dir with space/läyer.tar.gz"),
        List.of("ztoc", "create", "create"),
        List.of("ztoc", "create", "ztoc"));
  }

  static Stream<List<String>> leftToPicocli() {
    return Stream.of(
        List.of("ztoc", "create"),
        List.of("ztoc", "create", "a", "b"),
        List.of("ztoc", "create", "--span-size", "0", "layer"),
        List.of("ztoc", "create", "--span-size", "-1", "layer"),
        List.of("ztoc", "create", "--span-size", "+5", "layer"),
        List.of("ztoc", "create", "--span-size", "1e3", "layer"),
        List.of("ztoc", "create", "--span-size", "1234567890123456789", "layer"),
        List.of("ztoc", "create", "--span-size", "1", "--span-size", "2", "layer"),
        List.of("ztoc", "create", "--compression", "GZIP", "layer"),
        List.of("ztoc", "create", "--compression=", "layer"),
        List.of("ztoc", "create", "layer", "-o"),
        List.of("ztoc", "create", "-oout", "layer"),
        List.of("ztoc", "create", "-o=out", "layer"),
        List.of("ztoc", "create", "--output", "-x", "layer"),
        List.of("ztoc", "create", "-o", "a", "--output", "b", "layer"),
        List.of("ztoc", "create", "--help"),
        List.of("ztoc", "create", "-h", "layer"),
        List.of("ztoc", "create", "-V"),
        List.of("ztoc", "create", "--version", "layer"),
        List.of("ztoc", "create", "--unknown", "x", "layer"),
        List.of("ztoc", "create", "--", "layer"),
        List.of("ztoc", "create", "-", "layer"),
        List.of("ztoc", "create", "@args"),
        List.of("ztoc", "create", "--build-tool-identifier", "@x", "layer"),
        List.of("--debug", "ztoc", "create", "--debug", "layer"),
        List.of("--debug=true", "ztoc", "create", "layer"),
        List.of("ztoc", "create", "bad\0path"),
        List.of("create", "ztoc", "layer"),
        List.of("ztoc", "list", "layer"),
        List.of("ztoc", "ztoc", "create", "layer"),
        List.of("--help", "ztoc", "create", "layer"),
        List.of());
  }

  @ParameterizedTest
  @MethodSource("accepted")
  void acceptedArgumentsParseToWhatPicocliSets(List<String> argList) {
    String[] args = argList.toArray(String[]::new);
    ZtocCreateFastPath.Parsed fast = ZtocCreateFastPath.parse(args);
    assertThat(fast).as("taken by the fast path").isNotNull();

    CommandLine whole = CommandTree.buildWhole(new SociCli());
    CommandLine.ParseResult pr = whole.parseArgs(args);
    CommandLine.ParseResult leaf = pr.subcommand().subcommand();
    assertThat(leaf.commandSpec().name()).isEqualTo("create");
    assertThat(leaf.isUsageHelpRequested() || leaf.isVersionHelpRequested()).isFalse();
    ZtocCreateCommand picocli = (ZtocCreateCommand) leaf.commandSpec().userObject();
    ZtocCreateCommand ours = fast.command();
    assertThat(ours.spanSize).isEqualTo(picocli.spanSize);
    assertThat(ours.compression).isEqualTo(picocli.compression);
    assertThat(ours.buildToolIdentifier).isEqualTo(picocli.buildToolIdentifier);
    assertThat(ours.output).isEqualTo(picocli.output);
    assertThat(ours.layer).isEqualTo(picocli.layer);
    assertThat(fast.debug()).isEqualTo(argList.contains("--debug"));
  }

  @ParameterizedTest
  @MethodSource("leftToPicocli")
  void everythingElseIsLeftToPicocli(List<String> args) {
    assertThat(ZtocCreateFastPath.parse(args.toArray(String[]::new))).isNull();
  }

  @Test
  void picocliSystemPropertiesSendEverythingToPicocli() {
    System.setProperty("picocli.trimQuotes", "");
    try {
      assertThat(ZtocCreateFastPath.parse(new String[] {"ztoc", "create", "\"a\""})).isNull();
    } finally {
      System.clearProperty("picocli.trimQuotes");
    }
  }

  @Test
  void knowsEveryOptionTheCommandDeclares() {
    CommandLine.Model.CommandSpec spec = new CommandLine(new ZtocCreateCommand()).getCommandSpec();
    Set<String> names = new TreeSet<>();
    spec.options().forEach(o -> names.addAll(Arrays.asList(o.names())));
    // A new option of ztoc create must be taught to ZtocCreateFastPath (or it is always slow).
    assertThat(names).containsExactlyInAnyOrder("--span-size", "--compression",
        "--build-tool-identifier", "-o", "--output", "-h", "--help", "-V", "--version");
    assertThat(spec.positionalParameters()).hasSize(1);
  }

  /** A subcommand that makes SociCli.run take the picocli path for the same arguments. */
  @Command(name = "unused")
  static final class Unused implements Runnable {
    @Override
    public void run() {}
  }

  private record Run(int exit, String out, String err) {}

  private static Run run(boolean viaPicocli, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = viaPicocli
        ? SociCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true), new Unused())
        : SociCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void runsAndFailsAsThePicocliPathDoes(@TempDir Path dir) throws Exception {
    Path layer = ZtocCliTest.VECTORS.resolve("layers/pystd-named.tar.gz");
    Run fast = run(false, "ztoc", "create", "--span-size", "65536", "-o",
        dir.resolve("fast.ztoc").toString(), layer.toString());
    Run slow = run(true, "ztoc", "create", "--span-size", "65536", "-o",
        dir.resolve("slow.ztoc").toString(), layer.toString());
    assertThat(fast.exit()).isZero();
    assertThat(fast).isEqualTo(slow);
    assertThat(Files.readAllBytes(dir.resolve("fast.ztoc")))
        .isEqualTo(Files.readAllBytes(dir.resolve("slow.ztoc")));

    String missing = dir.resolve("missing.tar.gz").toString();
    assertThat(run(false, "ztoc", "create", missing)).isEqualTo(run(true, "ztoc", "create", missing))
        .extracting(Run::exit).isEqualTo(1);
    Run fastDebug = run(false, "ztoc", "create", "--debug", missing);
    Run slowDebug = run(true, "ztoc", "create", "--debug", missing);
    assertThat(fastDebug.exit()).isEqualTo(1).isEqualTo(slowDebug.exit());
    assertThat(fastDebug.err()).startsWith("soci: error: no such layer: " + missing + "\n")
        .contains("\tat dev.soci.examples.cli.InputFiles.require");
    assertThat(slowDebug.err().lines().findFirst()).isEqualTo(fastDebug.err().lines().findFirst());
  }
}
