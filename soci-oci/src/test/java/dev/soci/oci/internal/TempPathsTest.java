package dev.soci.oci.internal;

import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.layout.OciLayoutWriter;
import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.oci.ImageIndex;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TempPathsTest {
  @TempDir Path tmp;

  private static int bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  @Test
  void tempNamesFitNameMaxWhateverTheOutputName() {
    for (String name : List.of("a", "x".repeat(255), "é".repeat(127) + "x", "😀".repeat(63) + "abc",
        "x".repeat(240) + "😀😀😀")) {
      String t = TempPaths.tempName(name, ".tar.tmp");
      assertThat(bytes(t)).as(t).isLessThanOrEqualTo(TempPaths.NAME_MAX);
      assertThat(t).startsWith(".").endsWith(".tar.tmp");
      // cut at a character boundary: it round-trips through UTF-8
      assertThat(new String(t.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
          .isEqualTo(t);
    }
    assertThat(TempPaths.tempName("out", ".tmp")).matches("\\.out\\.[0-9a-z]{12}\\.tmp");
    assertThat(TempPaths.tempName("out", ".tmp")).isNotEqualTo(TempPaths.tempName("out", ".tmp"));
  }

  @Test
  void layoutWriterTakesAn255ByteOutputNameInBothFormats() throws Exception {
    String name = "é".repeat(120) + "x".repeat(15);
    assertThat(bytes(name)).isEqualTo(255);
    for (OciLayoutWriter.Format f : OciLayoutWriter.Format.values()) {
      Path out = Files.createDirectories(tmp.resolve(f.name())).resolve(name);
      try (OciLayoutWriter w = OciLayoutWriter.create(out, f)) {
        w.commit(ImageIndex.of(List.of()));
      }
      try (Stream<Path> s = Files.list(out.getParent())) {
        assertThat(s).containsExactly(out); // no temp left
      }
      try (OciLayout l = OciLayout.open(out)) {
        assertThat(l.index().manifests()).isEmpty();
      }
    }
  }

  @Test
  void releasedAndDeletedPathsLeaveTheRegistry() throws Exception {
    Path f = TempPaths.newFile(tmp, "out", ".tmp");
    assertThat(TempPaths.isInFlight(f)).isTrue();
    TempPaths.delete(f);
    assertThat(f).doesNotExist();
    assertThat(TempPaths.isInFlight(f)).isFalse();
    Path d = TempPaths.newDirectory(tmp, "out", ".tmp");
    TempPaths.createDirectories(d, "blobs", "sha256");
    Files.write(d.resolve("blobs/sha256/x"), new byte[1]);
    TempPaths.delete(d);
    assertThat(d).doesNotExist();
    // once the temp root is gone, nothing recreates it
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> TempPaths.createDirectories(d, "blobs", "sha256"))
        .isInstanceOf(java.nio.file.NoSuchFileException.class);
    assertThat(d).doesNotExist();
  }

  @Test
  void moveToNewRenamesATreeAndMoveIntoPlaceReplacesAFile() throws Exception {
    Path dir = TempPaths.newDirectory(tmp, "out", ".tmp");
    TempPaths.createDirectories(dir, "blobs");
    Files.write(dir.resolve("blobs/x"), new byte[] {1});
    Path target = tmp.resolve("out");
    TempPaths.moveToNew(dir, target);
    TempPaths.release(dir);
    assertThat(dir).doesNotExist();
    assertThat(target.resolve("blobs/x")).hasBinaryContent(new byte[] {1});
    Path file = TempPaths.newFile(tmp, "x", ".tmp");
    Files.write(file, new byte[] {2});
    TempPaths.moveIntoPlace(file, target.resolve("blobs/x"));
    TempPaths.release(file);
    assertThat(file).doesNotExist();
    assertThat(target.resolve("blobs/x")).hasBinaryContent(new byte[] {2});
  }
}
