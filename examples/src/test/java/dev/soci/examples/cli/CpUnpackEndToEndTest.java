package dev.soci.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.soci.oci.fs.TreeComparison;
import dev.soci.oci.image.UmociFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code soci cp IMAGE / DEST} against {@code umoci unpack --rootless} of the same image (the
 * umoci-built image of {@link UmociFixture}: umoci's whiteouts, an opaque directory,
 * replacements, a cross-layer hard link), with and without a SOCI index: the same tree, modes,
 * bytes, link targets, hard-link groups and times (files, directories, links), the FIFO aside
 * (cp skips it, saying so). And {@code soci du} equals the unpacked files' apparent sizes.
 */
@Tag("e2e")
class CpUnpackEndToEndTest {
  @TempDir Path tmp;

  @Test
  void cpOfTheRootEqualsUmociUnpack() throws Exception {
    assumeTrue(UmociFixture.available(), "umoci is not installed");
    UmociFixture f = UmociFixture.build(tmp.resolve("fixture"));
    Path indexed = tmp.resolve("indexed");
    CliTestSupport.copyTree(f.layout(), indexed);
    CliTestSupport.Result made = CliTestSupport.run("create", "--min-layer-size", "0",
        "--span-size", "65536", indexed.toString());
    assertThat(made.exit()).as(made.err()).isZero();

    for (Path layout : new Path[] {f.layout(), indexed}) {
      Path dest = tmp.resolve("cp-" + layout.getFileName());
      CliTestSupport.Result r = CliTestSupport.run("cp", layout.toString(), "/",
          dest.toString());
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.err()).contains("skipped /run.fifo")
          .contains(layout == indexed ? "copied" : "no SOCI index");
      int n = TreeComparison.assertSameTree(f.rootfs(), dest, new TreeComparison.Options()
          .directoryTimes().linkTimes().ignoring(Set.of("run.fifo")));
      assertThat(n).isGreaterThan(25);
      assertThat(Files.readAllBytes(dest.resolve("usr/lib/libbig.so"))).isEqualTo(f.big());
      assertThat(Files.isSameFile(dest.resolve("usr/bin/tool-hl"), dest.resolve("usr/bin/tool")))
          .isTrue();
    }

    long files = 0;
    java.util.Set<Object> seen = new java.util.HashSet<>();
    for (Path p : TreeComparison.paths(f.rootfs()).values()) {
      var a = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class,
          java.nio.file.LinkOption.NOFOLLOW_LINKS);
      if (a.isSymbolicLink() || (a.isRegularFile() && seen.add(a.fileKey()))) {
        files += a.size();
      }
    }
    CliTestSupport.Result du = CliTestSupport.run("du", "-q", indexed.toString());
    assertThat(du.out()).isEqualTo(files + "\t/\n");
  }
}
