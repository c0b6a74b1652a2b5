package dev.soci.oci.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An image built with umoci itself, and its {@code umoci unpack --rootless} rootfs: layers from
 * {@code umoci repack} (its own whiteouts: a deleted file, a deleted tree, a replaced file, a
 * mode change) and one crafted tar added with {@code umoci raw add-layer} (an opaque directory,
 * a hard link to a lower layer's file, owners and names, a whiteout, a directory replaced by a
 * file, a file replaced by a symbolic link). Lower layers hold every kind of path umoci handles
 * rootless: files (a 3 MiB incompressible one, a set-user-id one, an empty one, hard links),
 * directories with sticky and private modes, relative, absolute, chained, looping, dangling and
 * escaping symbolic links, a FIFO.
 *
 * @param layout the layout (tag {@code t})
 * @param rootfs the unpacked root filesystem
 * @param big the content of {@code /usr/lib/libbig.so}
 */
public record UmociFixture(Path layout, Path rootfs, byte[] big) {
  /** The umoci binary (the Debian package's). */
  public static final Path UMOCI = Path.of("/usr/bin/umoci");

  /** Whether umoci is installed. */
  public static boolean available() {
    return Files.isExecutable(UMOCI);
  }

  /**
   * Builds the image in {@code tmp} (layout {@code tmp/layout}, tag {@code t}) and unpacks it
   * with {@code umoci unpack --rootless} into {@code tmp/final}.
   */
  public static UmociFixture build(Path tmp) throws Exception {
    Path layout = tmp.resolve("layout");
    exec("init", "--layout", layout.toString());
    exec("new", "--image", layout + ":t");

    // Layer 1: a tree with every kind of path umoci handles rootless.
    Path r1 = unpack(tmp, layout, "b1");
    Files.createDirectories(r1.resolve("etc"));
    Files.writeString(r1.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
    Files.writeString(r1.resolve("etc/hostname"), "box\n");
    Files.writeString(r1.resolve("etc/motd"), "welcome\n");
    Files.createDirectories(r1.resolve("usr/bin"));
    Files.createDirectories(r1.resolve("usr/lib"));
    Files.createDirectories(r1.resolve("usr/share/doc/pkg"));
    Files.createDirectories(r1.resolve("usr/share/x"));
    Files.writeString(r1.resolve("usr/share/x/inside"), "in x\n");
    Files.writeString(r1.resolve("usr/share/doc/pkg/README"), "read me\n");
    byte[] big = new byte[3 << 20];
    new Random(3).nextBytes(big); // incompressible: this layer is the one large enough for a zTOC
    Files.write(r1.resolve("usr/lib/libbig.so"), big);
    Files.writeString(r1.resolve("usr/bin/tool"), "#!/bin/sh\necho tool\n");
    Files.setPosixFilePermissions(r1.resolve("usr/bin/tool"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setAttribute(r1.resolve("usr/bin/tool"), "unix:mode", 04755);
    Files.createLink(r1.resolve("usr/bin/tool-link"), r1.resolve("usr/bin/tool"));
    Files.write(r1.resolve("usr/bin/empty"), new byte[0]);
    Files.createDirectories(r1.resolve("tmp"));
    Files.setAttribute(r1.resolve("tmp"), "unix:mode", 01777);
    Files.createDirectories(r1.resolve("root"));
    Files.setAttribute(r1.resolve("root"), "unix:mode", 0700);
    Files.createDirectories(r1.resolve("srv"));
    Files.createDirectories(r1.resolve("opq/sub"));
    Files.writeString(r1.resolve("opq/old"), "old\n");
    Files.writeString(r1.resolve("opq/sub/old2"), "old2\n");
    Files.createSymbolicLink(r1.resolve("lib"), Path.of("usr/lib"));
    Files.createSymbolicLink(r1.resolve("abs"), Path.of("/etc/passwd"));
    Files.createSymbolicLink(r1.resolve("chain1"), Path.of("chain2"));
    Files.createSymbolicLink(r1.resolve("chain2"), Path.of("/lib/libbig.so"));
    Files.createSymbolicLink(r1.resolve("loop1"), Path.of("loop2"));
    Files.createSymbolicLink(r1.resolve("loop2"), Path.of("loop1"));
    Files.createSymbolicLink(r1.resolve("dangling"), Path.of("/nowhere/file"));
    Files.createSymbolicLink(r1.resolve("usr/bin/up"), Path.of("../../../../etc/motd"));
    new ProcessBuilder("mkfifo", r1.resolve("run.fifo").toString()).inheritIO().start()
        .waitFor(30, TimeUnit.SECONDS);
    exec("repack", "--image", layout + ":t", tmp.resolve("b1").toString());

    // Layer 2: umoci's own whiteouts and changes.
    Path r2 = unpack(tmp, layout, "b2");
    Files.delete(r2.resolve("etc/hostname"));
    deleteTree(r2.resolve("usr/share/doc"));
    Files.writeString(r2.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
    Files.writeString(r2.resolve("etc/new.conf"), "new=1\n");
    Files.setAttribute(r2.resolve("etc/motd"), "unix:mode", 0600);
    exec("repack", "--image", layout + ":t", tmp.resolve("b2").toString());

    // Layer 3: a crafted tar umoci adds verbatim.
    byte[] crafted = new LayerTar()
        .dir("opq").opaque("opq").file("opq/new", "new in opq")
        .hardlink("usr/bin/tool-hl", "usr/bin/tool")
        .dir("home", 0755, 0, 0).dir("home/alice", 0750, 1000, 2000)
        .richFile("home/alice/notes", "notes\n", "alice", "staff", Map.of())
        .whiteout("etc/motd")
        .file("usr/share/x", "x is a file now")
        .dir("srv", 0750, 0, 0)
        .symlink("etc/new.conf", "passwd")
        .tar();
    Path craftedTar = tmp.resolve("crafted.tar");
    Files.write(craftedTar, crafted);
    exec("raw", "add-layer", "--image", layout + ":t", craftedTar.toString());

    exec("unpack", "--rootless", "--image", layout + ":t", tmp.resolve("final").toString());
    return new UmociFixture(layout, tmp.resolve("final/rootfs"), big);
  }

  private static Path unpack(Path tmp, Path layout, String bundle) throws Exception {
    exec("unpack", "--rootless", "--image", layout + ":t", tmp.resolve(bundle).toString());
    return tmp.resolve(bundle).resolve("rootfs");
  }

  /** Runs umoci with {@code args}; fails with its output unless it exits 0 within 2 minutes. */
  public static void exec(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(UMOCI.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("umoci %s finished", args[0]).isTrue();
    assertThat(p.exitValue()).as("umoci %s: %s", String.join(" ", args),
        new String(out, StandardCharsets.UTF_8)).isZero();
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }
}
