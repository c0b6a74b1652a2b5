package dev.soci.oci.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.Descriptor;
import dev.soci.oci.store.InMemoryStore;
import dev.soci.ztoc.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The merge rules on crafted layers, each read three ways: through zTOCs, by fetching layers
 * whole and keeping their files, and by fetching them whole keeping nothing (every read streams
 * the layer again).
 */
class MergeRulesTest {
  enum Mode { ZTOC, WHOLE, RESTREAM }

  static SociImage open(Mode mode, LayerTar... layers) throws IOException {
    InMemoryStore store = new InMemoryStore("test");
    List<byte[]> gz = new ArrayList<>();
    for (LayerTar l : layers) {
      gz.add(l.gzip());
    }
    Descriptor m = TestImages.image(store, "t", gz);
    if (mode == Mode.ZTOC) {
      TestImages.indexAll(store, m);
    }
    SociImage image = SociImage.builder(store, m)
        .wholeLayerMemoryBytes(mode == Mode.RESTREAM ? 0 : 1 << 20).open();
    assertThat(image.hasSociIndex()).isEqualTo(mode == Mode.ZTOC);
    assertThat(image.layers()).allMatch(l -> l.hasZtoc() == (mode == Mode.ZTOC));
    return image;
  }

  static List<String> names(SociImage image, String dir) throws IOException {
    return image.list(dir).stream().map(ImageEntry::name).toList();
  }

  static String text(SociImage image, String path) throws IOException {
    return new String(image.readFile(path), StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aWhiteoutRemovesALowerPathAndItsSubtreeAndSaysWhere(Mode mode) throws Exception {
    try (SociImage image = open(mode,
        new LayerTar().dir("a").dir("a/b").file("a/b/c", "c").file("a/d", "d").file("x", "x"),
        new LayerTar().dir("a").whiteout("a/b").whiteout("x"))) {
      assertThat(names(image, "")).containsExactly("a");
      assertThat(names(image, "a")).containsExactly("d");
      assertThat(image.entry("a/b")).isEmpty();
      assertThatThrownBy(() -> image.resolve("/a/b/c"))
          .isInstanceOfSatisfying(PathNotFoundException.class, e -> {
            assertThat(e.missing()).isEqualTo("a/b");
            assertThat(e.deletedInLayer()).hasValue(1);
            assertThat(e.path()).isEqualTo("/a/b/c");
          })
          .hasMessageContaining("/a/b/c: no such file").hasMessageContaining("whiteout in layer 1");
      assertThatThrownBy(() -> image.readFile("x"))
          .isInstanceOfSatisfying(PathNotFoundException.class,
              e -> assertThat(e.deletedInLayer()).hasValue(1));
      assertThatThrownBy(() -> image.resolve("nothing"))
          .isInstanceOfSatisfying(PathNotFoundException.class,
              e -> assertThat(e.deletedInLayer()).isEmpty())
          .hasMessage("nothing: no such file or directory in the image");
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aWhiteoutNeverHidesItsOwnLayersEntriesWhereverItComes(Mode mode) throws Exception {
    try (SociImage image = open(mode,
        new LayerTar().file("f", "old").file("g", "old"),
        new LayerTar().file("f", "new").whiteout("f").whiteout("g").file("g", "new"),
        new LayerTar().file("h", "h"))) {
      assertThat(text(image, "f")).isEqualTo("new");
      assertThat(text(image, "g")).isEqualTo("new");
      assertThat(image.resolve("f").layer()).isEqualTo(1);
      assertThat(names(image, "")).containsExactly("f", "g", "h");
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void anOpaqueDirectoryHidesLowerContentButKeepsItsOwnLayersInEitherOrder(Mode mode)
      throws Exception {
    try (SociImage image = open(mode,
        new LayerTar().dir("d").file("d/x", "x").dir("d/sub").file("d/sub/y", "y")
            .dir("e").file("e/x", "x"),
        new LayerTar().dir("d", 0700, 5, 6).file("d/n", "n").opaque("d")
            .opaque("e").dir("e/sub").file("e/n", "n"))) {
      assertThat(names(image, "d")).containsExactly("n");
      assertThat(names(image, "e")).containsExactly("n", "sub");
      assertThat(names(image, "e/sub")).isEmpty();
      ImageEntry d = image.resolve("d");
      assertThat(d.mode()).isEqualTo(0700);
      assertThat(d.uid()).isEqualTo(5);
      assertThat(d.gid()).isEqualTo(6);
      assertThat(image.resolve("e").layer()).as("e keeps the lower layer's metadata").isZero();
      assertThatThrownBy(() -> image.resolve("d/sub/y"))
          .isInstanceOfSatisfying(PathNotFoundException.class, e -> {
            assertThat(e.missing()).isEqualTo("d/sub");
            assertThat(e.deletedInLayer()).hasValue(1);
          });
      assertThat(image.entry("d/.wh..wh..opq")).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void anOpaqueMarkerOrWhiteoutImpliesItsDirectory(Mode mode) throws Exception {
    try (SociImage image = open(mode,
        new LayerTar().file("f", "f"),
        new LayerTar().opaque("new/dir").whiteout("other/gone"))) {
      assertThat(names(image, "")).containsExactly("f", "new", "other");
      assertThat(names(image, "new")).containsExactly("dir");
      assertThat(names(image, "new/dir")).isEmpty();
      assertThat(names(image, "other")).isEmpty();
      ImageEntry implied = image.resolve("new/dir");
      assertThat(implied.entryIndex()).isEqualTo(-1);
      assertThat(implied.layer()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aFileReplacesADirectoryAndItsSubtreeAndADirectoryReplacesAFile(Mode mode)
      throws Exception {
    try (SociImage image = open(mode,
        new LayerTar().dir("a").dir("a/b").file("a/b/c", "c").file("f", "f"),
        new LayerTar().file("a/b", "now a file").dir("f").file("f/inside", "i"))) {
      assertThat(image.resolve("a/b").isFile()).isTrue();
      assertThat(text(image, "a/b")).isEqualTo("now a file");
      assertThatThrownBy(() -> image.resolve("a/b/c"))
          .isInstanceOfSatisfying(NotADirectoryException.class,
              e -> assertThat(e.notADirectory()).isEqualTo("a/b"))
          .hasMessageContaining("is not a directory (it is a file)");
      assertThat(image.resolve("f").isDirectory()).isTrue();
      assertThat(names(image, "f")).containsExactly("inside");
      assertThat(image.size()).as("\"\", a, a/b, f, f/inside").isEqualTo(5);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aDirectoryOverADirectoryMergesTakingTheNewMetadata(Mode mode) throws Exception {
    try (SociImage image = open(mode,
        new LayerTar().dir("d", 0755, 0, 0).file("d/x", "x"),
        new LayerTar().dir("d", 01777, 7, 8).file("d/y", "y"))) {
      assertThat(names(image, "d")).containsExactly("x", "y");
      ImageEntry d = image.resolve("d");
      assertThat(d.mode()).isEqualTo(01777);
      assertThat(d.uid()).isEqualTo(7);
      assertThat(d.layer()).isEqualTo(1);
      assertThat(d.entryIndex()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aHardLinkShowsItsTargetAsItWasWhenLinkedEvenFromALowerLayer(Mode mode) throws Exception {
    try (SociImage image = open(mode,
        new LayerTar().file("bin/tool", "v1".getBytes(StandardCharsets.UTF_8), 0755, 3, 4),
        new LayerTar().hardlink("bin/alias", "bin/tool").file("same", "s").hardlink("again", "./same"),
        new LayerTar().file("bin/tool", "v2"))) {
      ImageEntry alias = image.resolve("bin/alias");
      assertThat(alias.isFile()).isTrue();
      assertThat(alias.path()).isEqualTo("bin/alias");
      assertThat(alias.mode()).isEqualTo(0755);
      assertThat(alias.uid()).isEqualTo(3);
      assertThat(alias.layer()).as("data from the target's layer").isZero();
      assertThat(text(image, "bin/alias")).isEqualTo("v1");
      assertThat(text(image, "bin/tool")).isEqualTo("v2");
      assertThat(alias.fileKey()).isNotEqualTo(image.resolve("bin/tool").fileKey());
      assertThat(image.resolve("again").fileKey()).isEqualTo(image.resolve("same").fileKey());
      assertThat(text(image, "again")).isEqualTo("s");
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aHardLinkMayNameALowerFileItsOwnLayerWhitesOut(Mode mode) throws Exception {
    // Targets resolve in "this or lower layers" as they stood: the layer's whiteout of the
    // target (applied first, whatever its place in the tar) does not break its own link.
    try (SociImage image = open(mode,
        new LayerTar().file("old/tool", "kept by the link").file("gone", "g"),
        new LayerTar().whiteout("old").hardlink("new/tool", "old/tool").whiteout("gone")
            .hardlink("alias", "gone"))) {
      assertThat(text(image, "new/tool")).isEqualTo("kept by the link");
      assertThat(text(image, "alias")).isEqualTo("g");
      assertThat(image.entry("old")).isEmpty();
      assertThat(image.entry("gone")).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aFilePathWithATrailingSlashIsNotADirectory(Mode mode) throws Exception {
    try (SociImage image = open(mode, new LayerTar().file("etc/passwd", "root"))) {
      assertThatThrownBy(() -> image.resolve("etc/passwd/"))
          .isInstanceOf(NotADirectoryException.class);
      assertThat(image.resolve("etc/").isDirectory()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aHardLinkToNothingOrToADirectoryFailsTheTree(Mode mode) throws Exception {
    try (SociImage image = open(mode, new LayerTar().hardlink("l", "missing"))) {
      assertThatThrownBy(() -> image.resolve("l")).isInstanceOf(ImageTreeException.class)
          .hasMessageContaining("layer 0").hasMessageContaining("hard link to /missing, which does"
              + " not exist");
    }
    try (SociImage image = open(mode, new LayerTar().dir("d").hardlink("l", "d"))) {
      assertThatThrownBy(() -> image.list("")).isInstanceOf(ImageTreeException.class)
          .hasMessageContaining("hard link to /d, a directory");
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void symbolicLinksAreFollowedInEveryComponentAcrossLayers(Mode mode) throws Exception {
    try (SociImage image = open(mode,
        new LayerTar().dir("usr").dir("usr/lib").file("usr/lib/libc.so", "libc")
            .symlink("lib", "usr/lib").symlink("abs", "/usr/lib/libc.so"),
        new LayerTar().dir("etc").symlink("etc/up", "../../../../usr").symlink("etc/c1", "c2")
            .symlink("etc/c2", "/abs").symlink("loop1", "loop2").symlink("loop2", "loop1")
            .symlink("dangling", "nowhere/at/all").symlink("empty", "")
            .symlink("filedir", "usr/lib/libc.so/more"))) {
      assertThat(image.resolve("lib/libc.so").path()).isEqualTo("usr/lib/libc.so");
      assertThat(text(image, "/lib/libc.so")).isEqualTo("libc");
      assertThat(image.entry("lib/libc.so")).as("entry follows nothing").isEmpty();
      assertThat(image.entry("lib").orElseThrow().linkTarget()).isEqualTo("usr/lib");
      assertThat(image.resolve("lib", LinkOption.NOFOLLOW_LINKS).isSymlink()).isTrue();
      assertThat(image.resolve("lib/", LinkOption.NOFOLLOW_LINKS).path())
          .as("a trailing slash asks for the directory").isEqualTo("usr/lib");
      assertThat(image.resolve("lib").path()).isEqualTo("usr/lib");
      assertThat(image.resolve("etc/up/lib/libc.so").path()).as("'..' stops at the root")
          .isEqualTo("usr/lib/libc.so");
      assertThat(image.resolve("etc/c1").path()).as("a chain").isEqualTo("usr/lib/libc.so");
      assertThat(image.resolve("lib/../lib/libc.so").path()).isEqualTo("usr/lib/libc.so");
      assertThatThrownBy(() -> image.resolve("lib/../etc")).as("'..' after a link is physical")
          .isInstanceOfSatisfying(PathNotFoundException.class,
              e -> assertThat(e.missing()).isEqualTo("usr/etc"));
      assertThat(image.entry("lib/../etc").orElseThrow().path()).as("entry: lexical")
          .isEqualTo("etc");
      assertThat(names(image, "lib")).containsExactly("libc.so");
      assertThat(image.list("lib").get(0).path()).isEqualTo("usr/lib/libc.so");
      assertThat(image.resolve("abs").size()).isEqualTo(4);
      assertThat(image.resolve("abs", LinkOption.NOFOLLOW_LINKS).size())
          .as("a link's size is its target's length").isEqualTo("/usr/lib/libc.so".length());
      assertThatThrownBy(() -> image.resolve("loop1")).isInstanceOf(TooManySymlinksException.class)
          .hasMessageContaining("more than 40 symbolic links");
      assertThat(image.resolve("loop1", LinkOption.NOFOLLOW_LINKS).linkTarget()).isEqualTo("loop2");
      assertThatThrownBy(() -> image.resolve("loop1/x")).isInstanceOf(TooManySymlinksException.class);
      assertThatThrownBy(() -> image.readFile("dangling"))
          .isInstanceOfSatisfying(PathNotFoundException.class,
              e -> assertThat(e.missing()).isEqualTo("nowhere"))
          .hasMessageContaining("/nowhere does not exist");
      assertThatThrownBy(() -> image.resolve("empty")).isInstanceOf(PathNotFoundException.class)
          .hasMessageContaining("empty target");
      assertThatThrownBy(() -> image.resolve("filedir"))
          .isInstanceOf(NotADirectoryException.class);
      assertThatThrownBy(() -> image.readFile("lib")).isInstanceOfSatisfying(
          NotAFileException.class, e -> assertThat(e.entry().path()).isEqualTo("usr/lib"))
          .hasMessage("/usr/lib is not a regular file (it is a directory), reached from lib");
      assertThatThrownBy(() -> image.list("abs")).isInstanceOf(NotADirectoryException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void fortyLinksAreFollowedAndFortyOneAreTooMany(Mode mode) throws Exception {
    LayerTar l = new LayerTar().file("target", "t");
    for (int i = 0; i < 41; i++) {
      l.symlink("l" + i, i == 0 ? "target" : "l" + (i - 1));
    }
    try (SociImage image = open(mode, l)) {
      assertThat(text(image, "l39")).isEqualTo("t");
      assertThatThrownBy(() -> image.resolve("l40")).isInstanceOf(TooManySymlinksException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void parentsWithoutEntriesAreImpliedAndANonDirectoryInTheirPlaceIsHidden(Mode mode)
      throws Exception {
    try (SociImage image = open(mode,
        new LayerTar().file("deep/er/file", "f").file("wasfile", "w").symlink("waslink", "deep"),
        new LayerTar().file("wasfile/x", "x").file("waslink/y", "y"))) {
      ImageEntry deep = image.resolve("deep");
      assertThat(deep.isDirectory()).isTrue();
      assertThat(deep.mode()).isEqualTo(0755);
      assertThat(deep.uid()).isZero();
      assertThat(deep.modifiedTime()).isEqualTo(Instant.EPOCH);
      assertThat(deep.entryIndex()).isEqualTo(-1);
      assertThat(deep.layer()).isZero();
      assertThat(image.resolve("wasfile").isDirectory()).isTrue();
      assertThat(names(image, "waslink")).as("the layer's directory hides the lower link")
          .containsExactly("y");
      assertThat(names(image, "deep/er")).containsExactly("file");
      ImageEntry root = image.resolve("/");
      assertThat(root.path()).isEmpty();
      assertThat(root.layer()).isEqualTo(-1);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void namesAreNormalisedAndTheRootEntryGivesTheRootItsMetadata(Mode mode) throws Exception {
    try (SociImage image = open(mode,
        new LayerTar().dir("./", 0700, 0, 0).file("./a", "a").file("/b", "b")
            .file("c/../d", "d").dir("e/"))) {
      assertThat(names(image, "/")).containsExactly("a", "b", "d", "e");
      assertThat(image.resolve("").mode()).isEqualTo(0700);
      assertThat(image.resolve("./e/").isDirectory()).isTrue();
      assertThat(image.entry("//a/").orElseThrow().path()).isEqualTo("a");
      assertThat(image.resolve("../../a").path()).isEqualTo("a");
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void everyEntryTypeAndItsMetadataComeThrough(Mode mode) throws Exception {
    try (SociImage image = open(mode, new LayerTar()
        .richFile("usr/bin/sudo", "su", "alice", "staff", Map.of("atime", "1700000000.5",
            "ctime", "-1.25", "SCHILY.xattr.security.capability", "\u0001\u0002",
            "SCHILY.xattr.user.note", "hello"))
        .fifo("run/pipe").device("dev/null", false, 1, 3).device("dev/sda", true, 8, 0))) {
      ImageEntry sudo = image.resolve("usr/bin/sudo");
      assertThat(sudo.type()).isEqualTo(ImageEntry.Type.FILE);
      assertThat(sudo.mode()).as("type bits of the header's mode dropped").isEqualTo(04755);
      assertThat(sudo.uid()).isEqualTo(1000);
      assertThat(sudo.gid()).isEqualTo(2000);
      assertThat(sudo.uname()).isEqualTo("alice");
      assertThat(sudo.gname()).isEqualTo("staff");
      assertThat(sudo.size()).isEqualTo(2);
      assertThat(sudo.modifiedTime()).isEqualTo(LayerTar.TIME);
      assertThat(sudo.accessTime()).isEqualTo(Instant.ofEpochSecond(1700000000, 500_000_000));
      assertThat(sudo.changeTime()).isEqualTo(Instant.ofEpochSecond(-2, 750_000_000));
      assertThat(sudo.xattrs()).containsOnlyKeys("security.capability", "user.note");
      assertThat(sudo.xattrs().get("user.note")).isEqualTo(ByteString.utf8("hello"));
      assertThat(image.resolve("run/pipe").type()).isEqualTo(ImageEntry.Type.FIFO);
      ImageEntry dnull = image.resolve("dev/null");
      assertThat(dnull.type()).isEqualTo(ImageEntry.Type.CHAR_DEVICE);
      assertThat(dnull.deviceMajor()).isEqualTo(1);
      assertThat(dnull.deviceMinor()).isEqualTo(3);
      ImageEntry sda = image.resolve("dev/sda");
      assertThat(sda.type()).isEqualTo(ImageEntry.Type.BLOCK_DEVICE);
      assertThat(sda.deviceMajor()).isEqualTo(8);
      assertThat(sda.toString()).isEqualTo("b0660 0:0 0 /dev/sda");
      assertThat(image.resolve("dev").accessTime()).isNull();
      assertThatThrownBy(() -> image.openFile("run/pipe")).isInstanceOf(NotAFileException.class)
          .hasMessageContaining("(it is a fifo)");
      assertThat(List.of(sudo.fileKey(), dnull.fileKey(), sda.fileKey())).doesNotHaveDuplicates();
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void filesReadWholeAsStreamsAndByPosition(Mode mode) throws Exception {
    byte[] big = new byte[300_000];
    new java.util.Random(5).nextBytes(big);
    try (SociImage image = open(mode,
        new LayerTar().file("big", big, 0644, 0, 0).file("empty", new byte[0], 0644, 0, 0))) {
      assertThat(image.readFile("big")).isEqualTo(big);
      assertThat(image.readFile("empty")).isEmpty();
      try (InputStream in = image.openFile("big")) {
        assertThat(in.readAllBytes()).isEqualTo(big);
      }
      ImageEntry e = image.resolve("big");
      ByteBuffer window = ByteBuffer.allocate(1000);
      assertThat(image.read(e, 123_456, window)).isEqualTo(1000);
      assertThat(window.array()).isEqualTo(java.util.Arrays.copyOfRange(big, 123_456, 124_456));
      ByteBuffer direct = ByteBuffer.allocateDirect(500);
      assertThat(image.read(e, big.length - 100, direct)).isEqualTo(100);
      assertThat(image.read(e, big.length, ByteBuffer.allocate(1))).isEqualTo(-1);
      assertThat(image.read(e, 0, ByteBuffer.allocate(0))).isZero();
      assertThatThrownBy(() -> image.readFile("big", 1000))
          .isInstanceOfSatisfying(FileTooLargeException.class, x -> {
            assertThat(x.size()).isEqualTo(big.length);
            assertThat(x.limit()).isEqualTo(1000);
          }).hasMessageContaining("use openFile");
      ImageEntry forged = new ImageEntry("big", ImageEntry.Type.FILE, 10, 0644, 0, 0, "", "",
          Instant.EPOCH, null, null, "", 0, 0, null, 0, e.entryIndex(), 99);
      assertThatThrownBy(() -> image.read(forged, 0, ByteBuffer.allocate(10)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a file of this image");
      assertThatThrownBy(() -> image.read(e, -1, ByteBuffer.allocate(10)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
