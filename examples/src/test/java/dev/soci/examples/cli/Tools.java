package dev.soci.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** The real OCI tools the end-to-end tests drive ({@code umoci}, {@code skopeo}). */
final class Tools {
  static final Path UMOCI = Path.of("/usr/bin/umoci");
  static final Path SKOPEO = Path.of("/usr/bin/skopeo");

  private Tools() {}

  /** Whether both tools are installed. */
  static boolean available() {
    return Files.isExecutable(UMOCI) && Files.isExecutable(SKOPEO);
  }

  /** Runs a tool in {@code dir} with a timeout; fails with its output unless it exits 0. */
  static String exec(Path dir, String... cmd) throws IOException, InterruptedException {
    Path log = Files.createTempFile(dir, "exec", ".log");
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + ": timed out");
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(String.join(" ", cmd) + ":\n" + output).isZero();
    return output;
  }

  /**
   * An image built by umoci in {@code dir}/image (tag latest): one layer holding a small
   * settings file, a README and 600 kB of incompressible data (several gzip blocks).
   */
  static Path umociImage(Path dir) throws Exception {
    Path rootfs = Files.createDirectories(dir.resolve("rootfs/app/conf"));
    Files.writeString(rootfs.resolve("settings.properties"), "greeting=hello\n");
    byte[] data = new byte[600_000];
    new Random(42).nextBytes(data);
    Files.write(dir.resolve("rootfs/app/data.bin"), data);
    Files.writeString(dir.resolve("rootfs/app/README"), "a tiny image for the e2e test\n");
    exec(dir, UMOCI.toString(), "init", "--layout", "image");
    exec(dir, UMOCI.toString(), "new", "--image", "image:latest");
    exec(dir, UMOCI.toString(), "insert", "--image", "image:latest",
        dir.resolve("rootfs").toString(), "/");
    return dir.resolve("image");
  }
}
