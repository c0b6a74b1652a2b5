package dev.soci.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.oci.Descriptor;
import dev.soci.oci.fs.SociFileSystem;
import dev.soci.oci.fs.SociFileSystems;
import dev.soci.oci.fs.TreeComparison;
import dev.soci.oci.image.LayerTar;
import dev.soci.oci.image.TestImages;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.store.ImageGraph;
import dev.soci.oci.store.InMemoryStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code soci ls}, {@code du}, {@code cp} and {@code cat} on a layout whose image has two
 * indexed layers: a whiteout, an opaque directory, set-id and sticky modes, owners by name and
 * id, hard and symbolic links, a device and a FIFO, a name with a newline.
 */
class ImageFilesCommandsTest {
  @TempDir static Path shared;
  @TempDir Path tmp;
  static Path layout;

  @BeforeAll
  static void build() throws Exception {
    InMemoryStore mem = new InMemoryStore("mem");
    byte[] l0 = new LayerTar()
        .dir("etc").file("etc/os-release", "ID=test\n").file("etc/hostname", "box\n")
        .dir("usr/bin").file("usr/bin/tool", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8),
            04755, 0, 0)
        .hardlink("usr/bin/tool2", "usr/bin/tool")
        .dir("tmp", 01777, 0, 0)
        .dir("opq").file("opq/old", "old\n")
        .symlink("lib", "usr/lib").dir("usr/lib").file("usr/lib/libz.so", "zzz")
        .fifo("run.fifo").device("dev/null", false, 1, 3)
        .file("odd\nname", "x")
        .gzip();
    byte[] l1 = new LayerTar()
        .whiteout("etc/hostname").opaque("opq").file("opq/new", "new\n")
        .dir("home", 0755, 0, 0).dir("home/alice", 0750, 1000, 2000)
        .richFile("home/alice/notes", "notes\n", "alice", "staff", Map.of())
        .gzip();
    Descriptor m = TestImages.image(mem, "t", List.of(l0, l1));
    layout = shared.resolve("layout");
    Files.createDirectories(layout);
    Files.write(layout.resolve("oci-layout"), OciLayout.ociLayoutFile());
    Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[]}");
    try (OciLayout l = OciLayout.open(layout)) {
      ImageGraph.copy(mem, m, l, "latest");
      TestImages.indexAll(l, m);
    }
  }

  private static CliTestSupport.Result ok(String... args) {
    CliTestSupport.Result r = CliTestSupport.run(args);
    assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isZero();
    return r;
  }

  @Test
  void lsListsNamesLongFormsAndTrees() {
    assertThat(ok("ls", layout.toString()).out().lines().toList()).containsExactly(
        "dev", "etc", "home", "lib", "odd\\nname", "opq", "run.fifo", "tmp", "usr");
    List<String> long1 = ok("ls", "-l", layout.toString(), "/usr/bin").out().lines().toList();
    assertThat(long1).containsExactly(
        "-rwsr-xr-x 0 0 10 2024-05-06 07:08 tool",
        "-rwsr-xr-x 0 0 10 2024-05-06 07:08 tool2");
    List<String> root = ok("ls", "-l", layout.toString()).out().lines().toList();
    assertThat(root).contains(
        "lrwxrwxrwx 0 0 7 2024-05-06 07:08 lib -> usr/lib",
        "prw------- 0 0 0 2024-05-06 07:08 run.fifo",
        "drwxrwxrwt 0 0 0 2024-05-06 07:08 tmp",
        "drwxr-xr-x 0 0 0 1970-01-01 00:00 dev");
    assertThat(ok("ls", "-l", layout.toString(), "/dev").out())
        .isEqualTo("crw-rw---- 0 0 1, 3 2024-05-06 07:08 null\n");
    assertThat(ok("ls", "-l", layout.toString(), "/home/alice").out())
        .isEqualTo("-rwsr-xr-x alice staff 6 2024-05-06 07:08 notes\n");
    assertThat(ok("ls", "-l", layout.toString(), "/home").out())
        .isEqualTo("drwxr-x--- 1000 2000 0 2024-05-06 07:08 alice\n");
    assertThat(ok("ls", "-R", layout.toString(), "/home").out().lines().toList())
        .containsExactly("/home/alice", "/home/alice/notes");
    assertThat(ok("ls", "-R", layout.toString(), "lib").out().lines().toList())
        .as("a link to a directory is listed under its own name").containsExactly("/lib/libz.so");
    List<String> all = ok("ls", "-R", layout.toString()).out().lines().toList();
    assertThat(all).contains("/etc/os-release", "/opq/new", "/usr/bin/tool2", "/lib")
        .doesNotContain("/etc/hostname", "/opq/old", "/", "/lib/libz.so");
    assertThat(ok("ls", "-l", layout.toString(), "/lib").out())
        .isEqualTo("lrwxrwxrwx 0 0 7 2024-05-06 07:08 /lib -> usr/lib\n");
    assertThat(ok("ls", layout.toString(), "etc/os-release").out()).isEqualTo("/etc/os-release\n");

    CliTestSupport.Result gone = CliTestSupport.run("ls", layout.toString(), "/etc/hostname");
    assertThat(gone.exit()).isEqualTo(1);
    assertThat(gone.errLines()).singleElement().asString().startsWith("soci: error: ")
        .contains("/etc/hostname").contains("whiteout");
  }

  @Test
  void duSumsApparentSizesOnceForHardLinks() {
    // os-release 8, tool 10 (tool2 the same file), lib -> usr/lib 7, libz 3, odd name 1,
    // opq/new 4, notes 6.
    assertThat(ok("du", layout.toString()).out()).isEqualTo((8 + 10 + 7 + 3 + 1 + 4 + 6) + "\t/\n");
    assertThat(ok("du", layout.toString(), "/usr").out()).isEqualTo("13\t/usr\n");
    assertThat(ok("du", "-a", layout.toString(), "/usr").out().lines().toList()).containsExactly(
        "10\t/usr/bin/tool", "0\t/usr/bin/tool2", "10\t/usr/bin", "3\t/usr/lib/libz.so",
        "3\t/usr/lib", "13\t/usr");
    assertThat(ok("du", layout.toString(), "/lib").out()).as("PATH followed").isEqualTo("3\t/lib\n");
    assertThat(ok("du", layout.toString(), "/etc/os-release").out())
        .isEqualTo("8\t/etc/os-release\n");
  }

  @Test
  void catReadsThroughTheFileSystem() throws Exception {
    Path out = tmp.resolve("notes");
    ok("cat", layout.toString(), "/home/alice/notes", "-o", out.toString());
    assertThat(Files.readString(out)).isEqualTo("notes\n");
    ok("cat", layout.toString(), "/lib/libz.so", "-o", tmp.resolve("z").toString());
    assertThat(Files.readString(tmp.resolve("z"))).isEqualTo("zzz");
    CliTestSupport.Result dir = CliTestSupport.run("cat", layout.toString(), "/etc", "-o",
        tmp.resolve("etc").toString());
    assertThat(dir.exit()).isEqualTo(1);
    assertThat(dir.err()).contains("/etc").contains("Is a directory");
    assertThat(tmp.resolve("etc")).doesNotExist();
  }

  @Test
  void cpCopiesFilesTreesAndTheWholeRoot() throws Exception {
    // A file into an existing directory, and to a new name.
    Files.createDirectories(tmp.resolve("into"));
    ok("cp", layout.toString(), "/etc/os-release", tmp.resolve("into").toString());
    assertThat(Files.readString(tmp.resolve("into/os-release"))).isEqualTo("ID=test\n");
    ok("cp", layout.toString(), "/usr/bin/tool", tmp.resolve("t").toString());
    assertThat(Files.getAttribute(tmp.resolve("t"), "unix:mode")).isEqualTo(0104755);
    // A link is copied as a link; -L copies what it leads to.
    ok("cp", "-q", layout.toString(), "/lib", tmp.resolve("lib-link").toString());
    assertThat(Files.readSymbolicLink(tmp.resolve("lib-link"))).isEqualTo(Path.of("usr/lib"));
    ok("cp", "-q", "-L", layout.toString(), "/lib", tmp.resolve("lib-dir").toString());
    assertThat(Files.readString(tmp.resolve("lib-dir/libz.so"))).isEqualTo("zzz");
    // A directory tree, hard links kept.
    CliTestSupport.Result usr = ok("cp", layout.toString(), "/usr", tmp.resolve("into").toString());
    assertThat(usr.err()).contains("copied 2 files (13 bytes), 3 directories")
        .contains("1 hard links");
    assertThat(Files.isSameFile(tmp.resolve("into/usr/bin/tool"),
        tmp.resolve("into/usr/bin/tool2"))).isTrue();

    // The whole root, compared with the file system it came from.
    Path rootCopy = tmp.resolve("rootfs");
    CliTestSupport.Result all = ok("cp", layout.toString(), "/", rootCopy.toString());
    assertThat(all.err()).contains("skipped /dev/null").contains("skipped /run.fifo")
        .contains("skipped 2 devices or FIFOs");
    boolean root = ((Integer) Files.getAttribute(rootCopy, "unix:uid")) == 0;
    try (OciLayout l = OciLayout.open(layout);
        SociFileSystem fs = SociFileSystems.open(l, l.resolve(null), null)) {
      TreeComparison.Options o = new TreeComparison.Options().directoryTimes().linkTimes()
          .ignoring(Set.of("dev/null", "run.fifo"));
      if (root) {
        o.ownerIds();
      }
      assertThat(TreeComparison.assertSameTree(fs.getPath("/"), rootCopy, o)).isGreaterThan(15);
    }
    if (root) {
      assertThat(Files.getAttribute(rootCopy.resolve("home/alice/notes"), "unix:uid"))
          .isEqualTo(1000);
      assertThat(Files.getAttribute(rootCopy.resolve("home/alice"), "unix:gid")).isEqualTo(2000);
    }
  }

  @Test
  void cpNeverWritesThroughLinksNorOverwrites() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Path dest = Files.createDirectories(tmp.resolve("dest"));
    Files.createSymbolicLink(dest.resolve("etc"), outside);
    CliTestSupport.Result r = CliTestSupport.run("cp", "-q", layout.toString(), "/", dest.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.errLines()).singleElement().asString().startsWith("soci: error: ")
        .contains("etc");
    try (var s = Files.list(outside)) {
      assertThat(s.toList()).as("nothing written through the link").isEmpty();
    }
    Path link = tmp.resolve("link-dest");
    Files.createSymbolicLink(link, outside);
    CliTestSupport.Result viaLink = CliTestSupport.run("cp", "-q", layout.toString(),
        "/etc/os-release", link.toString());
    assertThat(viaLink.exit()).isEqualTo(1);
    assertThat(viaLink.err()).contains("symbolic link");
    assertThat(outside.resolve("os-release")).doesNotExist();

    Files.writeString(tmp.resolve("existing"), "mine");
    CliTestSupport.Result over = CliTestSupport.run("cp", "-q", layout.toString(),
        "/etc/os-release", tmp.resolve("existing").toString());
    assertThat(over.exit()).isEqualTo(1);
    assertThat(over.err()).contains("already exists");
    assertThat(Files.readString(tmp.resolve("existing"))).isEqualTo("mine");
    assertThat(Files.isSymbolicLink(dest.resolve("etc"))).isTrue();
    assertThat(Files.exists(dest.resolve("etc"), LinkOption.NOFOLLOW_LINKS)).isTrue();
  }
}
