package dev.soci.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code main} in a child JVM, where the JVM's own stdout setup applies (the in-process
 * tests hand the CLI their own writers): output bytes must not depend on the locale.
 */
class MainProcessTest {

  @Test
  void infoPrintsTheReferenceBytesUnderTheCLocale(@TempDir Path dir) throws Exception {
    // go-pax's names are not all ASCII; under LANG=C Java 17's default charset is US-ASCII.
    String name = "go-pax.tar.gz.1048576";
    Path vectors = CliTestSupport.testdata().resolve("vectors");
    Path out = dir.resolve("info.json");
    ProcessBuilder pb = CliTestSupport.child(
        "ztoc", "info", vectors.resolve("ztoc").resolve(name + ".ztoc").toString())
        .redirectOutput(out.toFile())
        .redirectError(dir.resolve("err.txt").toFile());
    pb.environment().remove("LC_CTYPE");
    pb.environment().put("LANG", "C");
    pb.environment().put("LC_ALL", "C");
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("child finished").isTrue();
    assertThat(Files.readString(dir.resolve("err.txt"))).isEmpty();
    assertThat(p.exitValue()).isZero();
    byte[] expected = Files.readAllBytes(vectors.resolve("info").resolve(name + ".info.json"));
    assertThat(new String(expected, java.nio.charset.StandardCharsets.UTF_8)).matches("(?s).*[^\\x00-\\x7f].*");
    assertThat(Files.readAllBytes(out)).isEqualTo(expected);
  }
}
