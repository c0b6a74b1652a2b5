package dev.soci.oci.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.soci.oci.Descriptor;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.store.ImageGraph;
import dev.soci.oci.store.InMemoryStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The merged tree against {@code umoci unpack --rootless} of the same image, an image built with
 * umoci itself: layers from {@code umoci repack} (its own whiteouts) and one crafted tar added
 * with {@code umoci raw add-layer} (an opaque directory, a hard link to a lower layer's file,
 * owners). Compared with the unpacked rootfs, walked with java.nio: every path, its type, mode,
 * file bytes, link targets, hard-link groups (inode numbers) and file modification times. A
 * rootless unpack owns everything by the current user, so owners are compared with the tar
 * headers instead: the header each entry names (layer, entry index), read with commons-compress,
 * must carry the entry's uid, gid, user and group names, mode and name. Read four ways: no SOCI
 * index, every layer with a zTOC, only the big layer with one, and that with nothing kept in
 * memory.
 */
@Tag("e2e")
class UmociImageTest {
  @TempDir static Path tmp;
  static Path layout;
  static Path rootfs;
  static byte[] big;

  @BeforeAll
  static void buildImage() throws Exception {
    assumeTrue(UmociFixture.available(), "umoci is not installed");
    UmociFixture f = UmociFixture.build(tmp);
    layout = f.layout();
    rootfs = f.rootfs();
    big = f.big();
  }

  /** The image copied into memory, indexed as asked (min layer size; negative: no index). */
  private static InMemoryStore store(long minLayerSize) throws IOException {
    InMemoryStore mem = new InMemoryStore("mem");
    Descriptor image;
    try (OciLayout l = OciLayout.open(layout)) {
      image = l.resolve("t");
      ImageGraph.copy(l, image, mem, "t");
    }
    if (minLayerSize >= 0) {
      TestImages.index(mem, image, minLayerSize, 1 << 18);
    }
    return mem;
  }

  @Test
  void withoutASociIndex() throws Exception {
    InMemoryStore mem = store(-1);
    try (SociImage image = SociImage.open(mem, mem.resolve("t"), null)) {
      assertThat(image.hasSociIndex()).isFalse();
      compare(image, mem);
    }
  }

  @Test
  void withAZtocForEveryLayer() throws Exception {
    InMemoryStore mem = store(0);
    try (SociImage image = SociImage.open(mem, mem.resolve("t"), null)) {
      assertThat(image.layers()).allMatch(ImageLayer::hasZtoc);
      compare(image, mem);
    }
  }

  @Test
  void withAZtocForTheBigLayerOnlyAndAgainKeepingNothing() throws Exception {
    InMemoryStore mem = store(1 << 20);
    for (long memory : new long[] {SociImage.DEFAULT_WHOLE_LAYER_MEMORY_BYTES, 0}) {
      try (SociImage image = SociImage.builder(mem, mem.resolve("t"))
          .wholeLayerMemoryBytes(memory).open()) {
        assertThat(image.layers()).extracting(ImageLayer::hasZtoc)
            .containsExactly(true, false, false);
        compare(image, mem);
      }
    }
  }

  private static void compare(SociImage image, InMemoryStore mem) throws Exception {
    Map<String, ImageEntry> tree = new TreeMap<>();
    walk(image, "", tree);
    Map<String, Path> disk = new TreeMap<>();
    try (Stream<Path> s = Files.walk(rootfs)) {
      s.filter(p -> !p.equals(rootfs))
          .forEach(p -> disk.put(rootfs.relativize(p).toString(), p));
    }
    assertThat(tree.keySet()).containsExactlyElementsOf(disk.keySet());
    assertThat(tree).containsKeys("opq/new", "usr/bin/tool-hl", "home/alice/notes")
        .doesNotContainKeys("opq/old", "opq/sub", "etc/motd", "etc/hostname", "usr/share/doc",
            "usr/share/x/inside");

    Map<Object, Long> inodeToKey = new HashMap<>();
    Map<Long, Object> keyToInode = new HashMap<>();
    tree.put("", image.resolve(""));
    disk.put("", rootfs);
    for (Map.Entry<String, ImageEntry> e : tree.entrySet()) {
      ImageEntry got = e.getValue();
      Path p = disk.get(e.getKey());
      String at = "/" + e.getKey();
      int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      ImageEntry.Type type = switch (mode & 0170000) {
        case 0100000 -> ImageEntry.Type.FILE;
        case 0040000 -> ImageEntry.Type.DIRECTORY;
        case 0120000 -> ImageEntry.Type.SYMLINK;
        case 0010000 -> ImageEntry.Type.FIFO;
        case 0020000 -> ImageEntry.Type.CHAR_DEVICE;
        default -> ImageEntry.Type.BLOCK_DEVICE;
      };
      assertThat(got.type()).as(at).isEqualTo(type);
      if (type != ImageEntry.Type.SYMLINK) { // a link's own mode is always 0777 on Linux
        assertThat(got.mode()).as(at + " mode").isEqualTo(mode & 07777);
      }
      if (type == ImageEntry.Type.FILE) {
        assertThat(image.readFile(e.getKey())).as(at).isEqualTo(Files.readAllBytes(p));
        assertThat(got.modifiedTime()).as(at + " mtime")
            .isEqualTo(Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant());
        Object inode = List.of(Files.getAttribute(p, "unix:dev"), Files.getAttribute(p, "unix:ino"));
        assertThat(inodeToKey.computeIfAbsent(inode, k -> got.fileKey())).as(at + " link group")
            .isEqualTo(got.fileKey());
        assertThat(keyToInode.computeIfAbsent(got.fileKey(), k -> inode)).as(at + " link group")
            .isEqualTo(inode);
      }
      if (type == ImageEntry.Type.SYMLINK) {
        assertThat(got.linkTarget()).as(at).isEqualTo(Files.readSymbolicLink(p).toString());
      }
    }
    assertThat(image.resolve("usr/bin/tool-hl").fileKey())
        .isEqualTo(image.resolve("usr/bin/tool").fileKey())
        .isEqualTo(image.resolve("usr/bin/tool-link").fileKey());

    // Owners (and names and modes) against the tar header each entry comes from.
    List<List<TarArchiveEntry>> headers = new ArrayList<>();
    for (ImageLayer l : image.layers()) {
      headers.add(headers(mem, l.layer()));
    }
    Map<Long, List<String>> pathsByKey = new HashMap<>();
    tree.forEach((path, en) -> pathsByKey.computeIfAbsent(en.fileKey(), k -> new ArrayList<>()).add(path));
    int checked = 0;
    for (ImageEntry en : tree.values()) {
      if (en.entryIndex() < 0) {
        continue;
      }
      TarArchiveEntry h = headers.get(en.layer()).get(en.entryIndex());
      String at = "/" + en.path();
      assertThat(pathsByKey.get(en.fileKey())).as(at + " header name")
          .contains(MergedTree.normalize(h.getName()));
      assertThat(en.uid()).as(at).isEqualTo(h.getLongUserId());
      assertThat(en.gid()).as(at).isEqualTo(h.getLongGroupId());
      assertThat(en.uname()).as(at).isEqualTo(h.getUserName());
      assertThat(en.gname()).as(at).isEqualTo(h.getGroupName());
      assertThat(en.mode()).as(at).isEqualTo(h.getMode() & 07777);
      checked++;
    }
    assertThat(checked).isGreaterThan(25);
    ImageEntry notes = image.resolve("home/alice/notes");
    assertThat(notes.uid()).isEqualTo(1000);
    assertThat(notes.gname()).isEqualTo("staff");

    // Links resolved across the merged tree (absolute targets from the image's root).
    assertThat(image.resolve("chain1").path()).isEqualTo("usr/lib/libbig.so");
    assertThat(image.readFile("chain1")).isEqualTo(big);
    assertThat(image.readFile("abs")).isEqualTo(Files.readAllBytes(rootfs.resolve("etc/passwd")));
    assertThat(image.readFile("etc/new.conf")).isEqualTo(Files.readAllBytes(rootfs.resolve("etc/passwd")));
    assertThatThrownBy(() -> image.resolve("loop1")).isInstanceOf(TooManySymlinksException.class);
    assertThatThrownBy(() -> image.resolve("dangling")).isInstanceOf(PathNotFoundException.class);
    assertThatThrownBy(() -> image.readFile("usr/bin/up"))
        .isInstanceOfSatisfying(PathNotFoundException.class,
            x -> assertThat(x.deletedInLayer()).hasValue(2));
    assertThatThrownBy(() -> image.readFile("usr/share/doc/pkg/README"))
        .isInstanceOfSatisfying(PathNotFoundException.class,
            x -> assertThat(x.deletedInLayer()).hasValue(1));
  }

  private static List<TarArchiveEntry> headers(InMemoryStore mem, Descriptor layer) throws IOException {
    List<TarArchiveEntry> out = new ArrayList<>();
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(mem.readBlob(layer)));
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        out.add(e);
      }
    }
    return out;
  }

  private static void walk(SociImage image, String dir, Map<String, ImageEntry> out) throws Exception {
    for (ImageEntry e : image.list("/" + dir)) {
      out.put(e.path(), e);
      if (e.isDirectory()) {
        walk(image, e.path(), out);
      }
    }
  }
}
