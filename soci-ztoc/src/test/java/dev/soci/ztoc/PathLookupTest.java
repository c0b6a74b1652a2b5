package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.core.Compression;
import dev.soci.testing.Vectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PathLookupTest {

  // One span over an archive large enough for every entry of every test (offsets only grow).
  private static final long ARCHIVE = 1 << 20;
  private static final byte[] TAR_ZINFO = new TarZinfo(ARCHIVE, ARCHIVE).toBytes();

  private static ZtocView ztoc(TocEntry... entries) throws Exception {
    Ztoc z =
        new Ztoc(
            "0.9",
            "test",
            ARCHIVE,
            ARCHIVE,
            List.of(entries),
            new CompressionInfo(
                Compression.UNCOMPRESSED,
                0,
                List.of("sha256:" + "0".repeat(64)),
                TAR_ZINFO));
    return ZtocView.open(ZtocEncoder.encode(z));
  }

  private static int nextOffset = 0;

  private static TocEntry e(String name, EntryType type, String link) {
    nextOffset += 512;
    return new TocEntry(
        name, type, nextOffset, 0, link, 0644, 0, 0, "", "", "1970-01-01T00:00:00Z", 0, 0,
        new java.util.TreeMap<>(Map.of()));
  }

  private static List<String> names(ZtocView v, int[] idx) {
    List<String> out = new ArrayList<>();
    Arrays.stream(idx).forEach(i -> out.add(v.name(i)));
    return out;
  }

  @Test
  void leadingDotSlashAndSlashAreIgnored() throws Exception {
    ZtocView v =
        ztoc(
            e("./", EntryType.DIR, ""),
            e("./etc/", EntryType.DIR, ""),
            e("./etc/passwd", EntryType.REG, ""),
            e("usr//lib/./x", EntryType.REG, ""));
    for (String p : List.of("etc/passwd", "/etc/passwd", "./etc/passwd", "etc//passwd", "x/../etc/passwd")) {
      assertThat(v.lookup(p)).as(p).hasValue(2);
    }
    assertThat(v.lookup("/etc/")).hasValue(1);
    assertThat(v.lookup("/")).hasValue(0);
    assertThat(v.lookup("usr/lib/x")).hasValue(3);
    assertThat(v.lookup("etc/shadow")).isEmpty();
  }

  @Test
  void lastDuplicateWins() throws Exception {
    ZtocView v = ztoc(e("a", EntryType.REG, ""), e("./a", EntryType.REG, ""));
    assertThat(v.lookup("a")).hasValue(1);
    assertThat(v.list("")).containsExactly(1);
  }

  @Test
  void hardLinksResolveToTheirTarget() throws Exception {
    ZtocView v =
        ztoc(
            e("bin/", EntryType.DIR, ""),
            e("bin/busybox", EntryType.REG, ""),
            e("bin/sh", EntryType.HARDLINK, "bin/busybox"));
    assertThat(v.lookup("bin/sh")).hasValue(2);
    assertThat(v.resolve("bin/sh")).hasValue(1);
  }

  @Test
  void symlinksResolveRelativeToTheLinkDirectory() throws Exception {
    ZtocView v =
        ztoc(
            e("usr/lib/libz.so.1.3", EntryType.REG, ""),
            e("usr/lib/libz.so", EntryType.SYMLINK, "libz.so.1.3"),
            e("lib", EntryType.SYMLINK, "usr/lib"),
            e("usr/bin/up", EntryType.SYMLINK, "../lib/libz.so"),
            e("abs", EntryType.SYMLINK, "/usr/lib/libz.so.1.3"),
            e("dangling", EntryType.SYMLINK, "nowhere"));
    assertThat(v.resolve("usr/lib/libz.so")).hasValue(0);
    assertThat(v.resolve("lib/libz.so")).hasValue(0); // symlink in a middle component
    assertThat(v.resolve("usr/bin/up")).hasValue(0);
    assertThat(v.resolve("abs")).hasValue(0);
    assertThat(v.resolve("dangling")).isEmpty();
    assertThat(v.lookup("lib/libz.so")).isEmpty(); // lookup never follows links
  }

  @Test
  void symlinkLoopsAreBounded() throws Exception {
    ZtocView v =
        ztoc(
            e("a", EntryType.SYMLINK, "b"),
            e("b", EntryType.SYMLINK, "a"),
            e("self", EntryType.HARDLINK, "self"));
    assertThatThrownBy(() -> v.resolve("a")).isInstanceOf(SymlinkLoopException.class);
    assertThatThrownBy(() -> v.resolve("self")).isInstanceOf(SymlinkLoopException.class);
  }

  @Test
  void listsDirectChildrenOnly() throws Exception {
    ZtocView v =
        ztoc(
            e("./", EntryType.DIR, ""),
            e("./etc/", EntryType.DIR, ""),
            e("./etc/hosts", EntryType.REG, ""),
            e("./etc/ssl/", EntryType.DIR, ""),
            e("./etc/ssl/cert.pem", EntryType.REG, ""),
            e("./etc-other", EntryType.REG, ""),
            e("./bin/", EntryType.DIR, ""));
    assertThat(names(v, v.list("etc"))).containsExactly("./etc/hosts", "./etc/ssl/");
    assertThat(names(v, v.list("/etc/"))).containsExactly("./etc/hosts", "./etc/ssl/");
    assertThat(names(v, v.list("/"))).containsExactly("./bin/", "./etc/", "./etc-other");
    assertThat(v.list("etc/hosts")).isEmpty();
    assertThat(v.list("nope")).isEmpty();
  }

  @Test
  void vectorNamesAllResolve() throws Exception {
    for (Vectors.Row row : Vectors.manifest()) {
      ZtocView v = ZtocView.open(row.ztocPath());
      for (int i = 0; i < v.entryCount(); i++) {
        assertThat(v.lookup(v.name(i))).as(v.name(i)).hasValue(i);
        assertThat(v.lookup("/" + v.name(i))).hasValue(i);
      }
    }
  }
}
