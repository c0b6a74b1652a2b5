package dev.soci.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.testing.Vectors;
import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the CLI as modules ({@code java --module-path ... -m dev.soci.examples/...}) in a child
 * JVM, so that the module descriptors (requires, exports, opens for picocli, the file system
 * provider) are exercised as a user's modular application would, while every other test runs on
 * the class path.
 */
class ModulePathTest {
  /** The artifacts the CLI needs at run time: the library modules and their dependencies. */
  private static final List<String> RUNTIME = List.of(
      "soci-core", "soci-ztoc", "soci-oci", "examples", "flatbuffers-java", "jackson-databind",
      "jackson-core", "jackson-annotations", "picocli");

  record Run(int exit, String out, String err) {}

  /** The class path entries of {@link #RUNTIME}, without test classes or test jars. */
  static String modulePath() {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> keep = new ArrayList<>();
    for (String entry : cp.split(File.pathSeparator)) {
      Path p = Path.of(entry);
      String s = p.toString().replace(File.separatorChar, '/');
      if (s.endsWith("/test-classes") || s.endsWith("-tests.jar")) {
        continue;
      }
      if (RUNTIME.stream().anyMatch(a -> s.contains("/" + a + "/target/classes") || s.endsWith("/" + a + "/target/classes")
          || p.getFileName().toString().matches(a.replace("-", "\\-") + "-[0-9].*\\.jar"))) {
        keep.add(entry);
      }
    }
    return String.join(File.pathSeparator, keep);
  }

  static Run java(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--module-path");
    cmd.add(modulePath());
    cmd.add("-m");
    cmd.add("dev.soci.examples/dev.soci.examples.cli.SociCli");
    cmd.addAll(Arrays.asList(args));
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("the modular CLI did not finish in 120 s: " + cmd);
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void theModulePathHoldsExactlyTheRuntimeModules() {
    Set<String> names = ModuleFinder.of(Arrays.stream(modulePath().split(File.pathSeparator)).map(Path::of)
            .toArray(Path[]::new))
        .findAll().stream().map(ModuleReference::descriptor).map(d -> d.name())
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(names).containsExactlyInAnyOrder("dev.soci.core", "dev.soci.ztoc", "dev.soci.oci",
        "dev.soci.examples", "flatbuffers.java", "com.fasterxml.jackson.databind",
        "com.fasterxml.jackson.core", "com.fasterxml.jackson.annotation", "info.picocli");
  }

  @Test
  void versionRunsAsModules(@TempDir Path dir) throws Exception {
    Run r = java(dir, "--version");
    assertThat(r.err()).isEmpty();
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo(ZtocCliTest.soci("--version").out());
  }

  @Test
  void ztocCreateAndInfoRunAsModulesAndWriteTheReferenceBytes(@TempDir Path dir) throws Exception {
    Vectors.Row row = Vectors.manifest().get(0);
    Path out = dir.resolve("out.ztoc");
    Run r = java(dir, "ztoc", "create", "--span-size", Long.toString(row.spanSize()),
        "--build-tool-identifier", "AWS SOCI CLI v0.2", "-o", out.toString(), row.layerPath().toString());
    assertThat(r.err()).isEmpty();
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo(row.ztocDigest() + " " + row.ztocSize() + System.lineSeparator());
    assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(row.ztocPath()));

    Run info = java(dir, "ztoc", "info", row.ztocPath().toString());
    assertThat(info.exit()).isZero();
    assertThat(info.out().getBytes(StandardCharsets.UTF_8)).isEqualTo(Files.readAllBytes(row.infoPath()));
  }

  /**
   * The OCI side as modules: convert (Jackson reading and Go-exact JSON writing, layouts, zTOCs
   * and indexes) then the image read through its SOCI index as a file system ({@code ls -l -R})
   * give what the class-path run gives.
   */
  @Test
  void convertAndListRunAsModulesAsOnTheClassPath(@TempDir Path dir) throws Exception {
    Path asModules = dir.resolve("modules");
    Run convert = java(dir, "convert", "--min-layer-size", "0", CliTestSupport.sample().toString(),
        asModules.toString());
    assertThat(convert.err()).isEmpty();
    assertThat(convert.exit()).isZero();
    Path onClassPath = dir.resolve("classpath");
    CliTestSupport.Result expected = CliTestSupport.run("convert", "--min-layer-size", "0",
        CliTestSupport.sample().toString(), onClassPath.toString());
    assertThat(expected.exit()).isZero();
    assertThat(convert.out())
        .isEqualTo(expected.out().replace(onClassPath.toString(), asModules.toString()));
    assertThat(Files.readAllBytes(asModules.resolve("index.json")))
        .isEqualTo(Files.readAllBytes(onClassPath.resolve("index.json")));

    Run ls = java(dir, "ls", "-l", "-R", asModules.toString(), "/");
    assertThat(ls.exit()).as(ls.err()).isZero();
    assertThat(ls.out()).isNotEmpty()
        .isEqualTo(CliTestSupport.run("ls", "-l", "-R", onClassPath.toString(), "/").out());
  }
}
