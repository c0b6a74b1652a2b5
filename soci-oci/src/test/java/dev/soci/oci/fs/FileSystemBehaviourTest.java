package dev.soci.oci.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.Descriptor;
import dev.soci.oci.image.LayerTar;
import dev.soci.oci.image.TestImages;
import dev.soci.oci.store.InMemoryStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link Files} sees through a soci file system: the merged tree of three layers (a
 * whiteout, an opaque directory, a replacement, hard and symbolic links, a cycle, a loop,
 * devices and a FIFO, owners by name and by id), its attributes in every view, its errors.
 */
class FileSystemBehaviourTest {
  private InMemoryStore store;
  private SociFileSystem fs;

  static Descriptor image(InMemoryStore store) throws IOException {
    byte[] l0 = new LayerTar()
        .dir("etc").file("etc/os-release", "ID=test\n").file("etc/hostname", "box\n")
        .dir("usr/bin").file("usr/bin/tool", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8),
            04755, 0, 0)
        .hardlink("usr/bin/tool2", "usr/bin/tool")
        .dir("opq").file("opq/old", "old\n")
        .dir("data").file("data/a.txt", "a").file("data/b.md", "b").file("data/.hidden", "h")
        .file("data/c.txt", "c")
        .symlink("lib", "usr/lib").dir("usr/lib").file("usr/lib/libz.so", "z")
        .symlink("loop1", "loop2").symlink("loop2", "loop1")
        .symlink("dangling", "/nowhere")
        .symlink("data/up", "..") // a cycle for walks that follow links
        .symlink("escape", "../../../../etc/os-release")
        .fifo("run.fifo").device("dev/null", false, 1, 3).device("dev/sda", true, 8, 0)
        .gzip();
    byte[] l1 = new LayerTar()
        .whiteout("etc/hostname").opaque("opq").file("opq/new", "new\n")
        .file("data/b.md", "b2").dir("home/alice", 0750, 1000, 2000)
        .richFile("home/alice/notes", "notes\n", "alice", "staff", Map.of("atime", "1700000000"))
        .gzip();
    Descriptor m = TestImages.image(store, "t", List.of(l0, l1));
    TestImages.indexAll(store, m);
    return m;
  }

  @BeforeEach
  void open() throws IOException {
    store = new InMemoryStore("mem");
    fs = SociFileSystems.open(store, image(store), null);
  }

  @AfterEach
  void close() throws IOException {
    fs.close();
  }

  private Path p(String s) {
    return fs.getPath(s);
  }

  @Test
  void walkShowsTheMergedTree() throws IOException {
    List<String> all;
    try (Stream<Path> s = Files.walk(p("/"))) {
      all = s.map(Path::toString).sorted().toList();
    }
    assertThat(all).contains("/", "/etc/os-release", "/opq/new", "/home/alice/notes",
        "/usr/bin/tool2", "/data/up", "/dev/null", "/run.fifo")
        .doesNotContain("/etc/hostname", "/opq/old", "/etc/.wh.hostname", "/opq/.wh..wh..opq");
    try (Stream<Path> s = Files.walk(p("data"))) {
      assertThat(s.map(Path::toString).toList()).containsExactly("data", "data/.hidden",
          "data/a.txt", "data/b.md", "data/c.txt", "data/up");
    }
    try (Stream<Path> s = Files.find(p("/"), 10, (x, a) -> a.isRegularFile()
        && x.getFileName().toString().endsWith("-release"))) {
      assertThat(s.map(Path::toString).toList()).containsExactly("/etc/os-release");
    }
    assertThat(Files.readString(p("/data/b.md"))).isEqualTo("b2");
    assertThat(Files.readAllLines(p("etc/os-release"))).containsExactly("ID=test");
    assertThat(Files.readString(p("/lib/libz.so"))).isEqualTo("z");
  }

  @Test
  void walksFollowingLinksDetectTheCycleByFileKey() throws IOException {
    List<Path> loops = new ArrayList<>();
    List<String> visited = new ArrayList<>();
    Files.walkFileTree(p("/data"), EnumSet.of(FileVisitOption.FOLLOW_LINKS), 10,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            visited.add(file.toString());
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException exc) {
            assertThat(exc).isInstanceOf(FileSystemLoopException.class);
            loops.add(file);
            return FileVisitResult.CONTINUE;
          }
        });
    // /data/up is the root, not an ancestor of /data: the walk enters it and meets /data again.
    assertThat(loops).containsExactly(p("/data/up/data"));
    assertThat(visited).contains("/data/a.txt", "/data/up/etc/os-release")
        .doesNotContain("/data/up");
    try (Stream<Path> s = Files.walk(p("/"), FileVisitOption.FOLLOW_LINKS)) {
      assertThatThrownBy(() -> s.count()).isInstanceOf(UncheckedIOException.class)
          .hasCauseInstanceOf(FileSystemLoopException.class);
    }
    // Following links, /lib is the directory it points to.
    try (Stream<Path> s = Files.walk(p("/lib"), FileVisitOption.FOLLOW_LINKS)) {
      assertThat(s.map(Path::toString).toList()).containsExactly("/lib", "/lib/libz.so");
    }
  }

  @Test
  void basicAndPosixAttributes() throws IOException {
    PosixFileAttributes tool = Files.readAttributes(p("/usr/bin/tool"), PosixFileAttributes.class);
    assertThat(tool.isRegularFile()).isTrue();
    assertThat(tool.size()).isEqualTo(10);
    assertThat(tool.permissions()).isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThat(tool.owner().getName()).isEqualTo("0");
    assertThat(tool.group().getName()).isEqualTo("0");
    assertThat(tool.lastModifiedTime()).isEqualTo(FileTime.from(LayerTar.TIME));
    assertThat(tool.fileKey()).isEqualTo(
        Files.readAttributes(p("/usr/bin/tool2"), BasicFileAttributes.class).fileKey());
    assertThat(Files.isSameFile(p("/usr/bin/tool"), p("/usr/bin/tool2"))).isTrue();
    assertThat(Files.isSameFile(p("/usr/bin/tool"), p("/etc/os-release"))).isFalse();
    assertThat(Files.isSameFile(p("/lib"), p("/usr/lib"))).isTrue();

    PosixFileAttributes notes = Files.readAttributes(p("/home/alice/notes"),
        PosixFileAttributes.class);
    assertThat(notes.owner().getName()).isEqualTo("alice");
    assertThat(notes.group().getName()).isEqualTo("staff");
    assertThat(notes.owner()).isEqualTo(fs.getUserPrincipalLookupService()
        .lookupPrincipalByName("alice"));
    assertThat(notes.lastAccessTime()).isEqualTo(FileTime.fromMillis(1_700_000_000_000L));
    PosixFileAttributes alice = Files.readAttributes(p("/home/alice"), PosixFileAttributes.class);
    assertThat(alice.owner().getName()).isEqualTo("1000");
    assertThat(alice.group().getName()).isEqualTo("2000");
    assertThat(Files.getOwner(p("/home/alice"))).isEqualTo(alice.owner());
    assertThat(Files.getPosixFilePermissions(p("/home/alice")))
        .isEqualTo(PosixFilePermissions.fromString("rwxr-x---"));

    BasicFileAttributes link = Files.readAttributes(p("/lib"), BasicFileAttributes.class,
        LinkOption.NOFOLLOW_LINKS);
    assertThat(link.isSymbolicLink()).isTrue();
    assertThat(link.size()).isEqualTo("usr/lib".length());
    assertThat(Files.isDirectory(p("/lib"))).isTrue();
    assertThat(Files.isDirectory(p("/lib"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(Files.isSymbolicLink(p("/lib"))).isTrue();
    assertThat(Files.readAttributes(p("/dev/null"), BasicFileAttributes.class).isOther())
        .isTrue();
    assertThat(Files.readAttributes(p("/run.fifo"), BasicFileAttributes.class).isOther())
        .isTrue();
    assertThat(Files.size(p("/etc/os-release"))).isEqualTo(8);
    assertThat(Files.getLastModifiedTime(p("/"))).isNotNull();
    PosixFileAttributeView view = Files.getFileAttributeView(p("/nowhere"),
        PosixFileAttributeView.class);
    assertThat(view.name()).isEqualTo("posix");
    assertThatThrownBy(view::readAttributes).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void attributeMapsOfEveryView() throws IOException {
    Map<String, Object> basic = Files.readAttributes(p("/usr/bin/tool"), "*");
    assertThat(basic).containsEntry("size", 10L).containsEntry("isRegularFile", true)
        .containsKeys("lastModifiedTime", "lastAccessTime", "creationTime", "fileKey")
        .hasSize(9);
    Map<String, Object> posix = Files.readAttributes(p("/usr/bin/tool"), "posix:*");
    assertThat(posix).containsKeys("owner", "group", "permissions", "size").hasSize(12);
    Map<String, Object> unix = Files.readAttributes(p("/usr/bin/tool"),
        "unix:mode,uid,gid,nlink,ino,rdev");
    assertThat(unix).containsEntry("mode", 0104755).containsEntry("uid", 0)
        .containsEntry("gid", 0).containsEntry("nlink", 2).containsEntry("rdev", 0L);
    assertThat(Files.getAttribute(p("/home/alice/notes"), "unix:uid")).isEqualTo(1000);
    assertThat(Files.getAttribute(p("/etc/os-release"), "unix:nlink")).isEqualTo(1);
    assertThat(Files.getAttribute(p("/dev/sda"), "unix:rdev")).isEqualTo(8L << 8);
    assertThat(Files.getAttribute(p("/dev/null"), "unix:mode")).isEqualTo(020660);
    assertThat(Files.getAttribute(p("/run.fifo"), "unix:mode")).isEqualTo(010600);
    assertThat(Files.getAttribute(p("/lib"), "unix:mode", LinkOption.NOFOLLOW_LINKS))
        .isEqualTo(0120777);
    assertThat(Files.getAttribute(p("/home"), "unix:nlink")).isEqualTo(3);
    assertThat(Files.getAttribute(p("/opq/new"), "soci:layer")).isEqualTo(1);
    assertThat(Files.getAttribute(p("/etc/os-release"), "soci:layer")).isEqualTo(0);
    assertThat(Files.getAttribute(p("/home/alice/notes"), "soci:uname")).isEqualTo("alice");
    assertThat(Files.getAttribute(p("/lib"), "soci:linkTarget", LinkOption.NOFOLLOW_LINKS))
        .isEqualTo("usr/lib");
    assertThat(Files.readAttributes(p("/"), "owner:owner")).containsOnlyKeys("owner");
    assertThatThrownBy(() -> Files.readAttributes(p("/"), "dos:*"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> Files.readAttributes(p("/"), "basic:size,colour"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("colour");
    assertThat(fs.entry(p("/opq/new")).layer()).isEqualTo(1);
  }

  @Test
  void linksLoopsAndRealPaths() throws IOException {
    assertThat(Files.readSymbolicLink(p("/lib"))).isEqualTo(p("usr/lib"));
    assertThat(Files.readSymbolicLink(p("/dangling"))).isEqualTo(p("/nowhere"));
    assertThatThrownBy(() -> Files.readSymbolicLink(p("/etc/os-release")))
        .isInstanceOf(NotLinkException.class);
    assertThat(Files.exists(p("/dangling"))).isFalse();
    assertThat(Files.exists(p("/dangling"), LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThatThrownBy(() -> Files.readAttributes(p("/loop1"), BasicFileAttributes.class))
        .isInstanceOf(FileSystemLoopException.class)
        .hasMessageContaining("/loop1").hasMessageContaining("symbolic links");
    assertThatThrownBy(() -> Files.readString(p("/loop1/x")))
        .isInstanceOf(FileSystemLoopException.class);
    assertThat(Files.readAttributes(p("/loop1"), BasicFileAttributes.class,
        LinkOption.NOFOLLOW_LINKS).isSymbolicLink()).isTrue();
    assertThat(p("/lib/libz.so").toRealPath()).isEqualTo(p("/usr/lib/libz.so"));
    // ".." after a link is the link target's parent, as for the kernel; lexical without links.
    assertThat(p("lib/../bin/tool").toRealPath()).isEqualTo(p("/usr/bin/tool"));
    assertThatThrownBy(() -> p("lib/../etc").toRealPath())
        .isInstanceOf(NoSuchFileException.class).hasMessageContaining("/usr/etc");
    assertThat(p("lib/../etc").toRealPath(LinkOption.NOFOLLOW_LINKS)).isEqualTo(p("/etc"));
    assertThat(p("/data/up/etc/os-release").toRealPath()).isEqualTo(p("/etc/os-release"));
    assertThatThrownBy(() -> p("/nowhere").toRealPath()).isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> p("/nowhere").toRealPath(LinkOption.NOFOLLOW_LINKS))
        .isInstanceOf(NoSuchFileException.class);
    // A link climbing above the root stops at it, as the kernel does.
    assertThat(Files.readString(p("/escape"))).isEqualTo("ID=test\n");
    assertThat(p("/escape").toRealPath()).isEqualTo(p("/etc/os-release"));
  }

  @Test
  void errorsAreTheJdkTypesNamingThePath() throws IOException {
    assertThatThrownBy(() -> Files.readString(p("/etc/hostname")))
        .isInstanceOfSatisfying(NoSuchFileException.class, e -> {
          assertThat(e.getFile()).isEqualTo("/etc/hostname");
          assertThat(e.getReason()).contains("whiteout").contains("layer 1");
        });
    assertThatThrownBy(() -> Files.size(p("/etc/os-release/x")))
        .isInstanceOfSatisfying(FileSystemException.class, e -> {
          assertThat(e).isNotInstanceOf(NoSuchFileException.class);
          assertThat(e.getFile()).isEqualTo("/etc/os-release/x");
          assertThat(e.getReason()).contains("not a directory");
        });
    assertThatThrownBy(() -> Files.newDirectoryStream(p("/etc/os-release")))
        .isInstanceOf(NotDirectoryException.class).hasMessage("/etc/os-release");
    assertThatThrownBy(() -> Files.readAllBytes(p("/etc")))
        .isInstanceOf(FileSystemException.class).hasMessageContaining("Is a directory");
    assertThatThrownBy(() -> Files.readAllBytes(p("/dev/null")))
        .isInstanceOf(FileSystemException.class).hasMessageContaining("not a regular file");
    try (InputStream in = Files.newInputStream(p("/lib/libz.so"), LinkOption.NOFOLLOW_LINKS)) {
      assertThat(in.readAllBytes()).as("only the last name is not followed").containsExactly('z');
    }
    assertThatThrownBy(() -> Files.newByteChannel(p("/lib"), LinkOption.NOFOLLOW_LINKS))
        .isInstanceOf(FileSystemException.class).hasMessageContaining("symbolic link");
    assertThatThrownBy(() -> Files.size(p("/" + "x".repeat(5000))))
        .isInstanceOf(FileSystemException.class).hasMessageContaining("4096");
  }

  @Test
  void directoryStreamsWithGlobsAndFilters() throws IOException {
    List<String> txt = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(p("/data"), "*.txt")) {
      ds.forEach(x -> txt.add(x.toString()));
    }
    assertThat(txt).containsExactly("/data/a.txt", "/data/c.txt");
    List<String> rel = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(p("lib"))) {
      ds.forEach(x -> rel.add(x.toString()));
    }
    assertThat(rel).containsExactly("lib/libz.so");
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(p("/data"),
        x -> Files.isHidden(x))) {
      assertThat(ds).extracting(Path::toString).containsExactly("/data/.hidden");
    }
    DirectoryStream<Path> once = Files.newDirectoryStream(p("/"));
    once.iterator();
    assertThatThrownBy(once::iterator).isInstanceOf(IllegalStateException.class);
    once.close();
    try (Stream<Path> s = Files.list(p("/home"))) {
      assertThat(s.map(Path::toString).toList()).containsExactly("/home/alice");
    }
  }

  @Test
  void accessHiddenStoresAndUris() throws IOException {
    assertThat(Files.isReadable(p("/etc/os-release"))).isTrue();
    assertThat(Files.isWritable(p("/etc/os-release"))).isFalse();
    assertThat(Files.isExecutable(p("/usr/bin/tool"))).isTrue();
    assertThat(Files.isExecutable(p("/etc/os-release"))).isFalse();
    assertThat(Files.isExecutable(p("/etc"))).isTrue();
    assertThatThrownBy(() -> fs.provider().checkAccess(p("/etc"),
        java.nio.file.AccessMode.WRITE)).isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> fs.provider().checkAccess(p("/gone")))
        .isInstanceOf(NoSuchFileException.class);
    assertThat(Files.isHidden(p("/data/.hidden"))).isTrue();
    assertThat(Files.isHidden(p("/data/a.txt"))).isFalse();
    assertThat(Files.isHidden(p("/"))).isFalse();

    FileStore fileStore = Files.getFileStore(p("/etc"));
    assertThat(fileStore.type()).isEqualTo("soci");
    assertThat(fileStore.isReadOnly()).isTrue();
    assertThat(fileStore.name()).isEqualTo(fs.image().manifest().digest().toString());
    // Distinct files: os-release 8, tool 10 (tool2 the same file), libz 1, a/b2/c/h 5,
    // opq/new 4, notes 6.
    assertThat(fileStore.getTotalSpace()).isEqualTo(8 + 10 + 1 + 5 + 4 + 6);
    assertThat(fileStore.supportsFileAttributeView(PosixFileAttributeView.class)).isTrue();
    assertThat(fileStore.supportsFileAttributeView("unix")).isTrue();
    assertThat(fileStore.supportsFileAttributeView("dos")).isFalse();
    assertThat(fs.getFileStores()).containsExactly(fileStore);
    assertThat(fs.getRootDirectories()).containsExactly(p("/"));
    assertThat(fs.supportedFileAttributeViews()).contains("basic", "posix", "unix");
    assertThatThrownBy(() -> Files.getFileStore(p("/gone")))
        .isInstanceOf(NoSuchFileException.class);
    assertThat(p("/etc/os-release").toUri().toString())
        .isEqualTo("soci:" + fs.image().manifest().digest() + "!/etc/os-release");
  }

  @Test
  void inLayerOrderSortsByLayerThenTarEntry() throws IOException {
    List<Path> given = List.of(p("/home/alice/notes"), p("/gone"), p("/usr/bin/tool"),
        p("/opq/new"), p("/etc/os-release"), p("/lib/libz.so"), p("/data/b.md"));
    // Layer 0 in tar order: os-release, tool, libz.so; layer 1: opq/new, b.md, notes.
    assertThat(fs.inLayerOrder(given)).containsExactly(p("/etc/os-release"),
        p("/usr/bin/tool"), p("/lib/libz.so"), p("/opq/new"), p("/data/b.md"),
        p("/home/alice/notes"), p("/gone"));
  }

  @Test
  void closingClosesTheOwnedImageOnly() throws IOException {
    SociFileSystem borrowed = SociFileSystems.of(fs.image(), false);
    borrowed.close();
    assertThat(borrowed.isOpen()).isFalse();
    assertThatThrownBy(() -> Files.size(borrowed.getPath("/etc/os-release")))
        .isInstanceOf(ClosedFileSystemException.class);
    assertThat(Files.size(p("/etc/os-release"))).as("the image is still open").isEqualTo(8);
    InputStream in = Files.newInputStream(p("/etc/os-release"));
    var ch = Files.newByteChannel(p("/etc/os-release"));
    fs.close();
    assertThatThrownBy(() -> fs.image().list("/")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> Files.exists(p("/etc"))).isInstanceOf(ClosedFileSystemException.class);
    assertThatThrownBy(in::read).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> ch.read(java.nio.ByteBuffer.allocate(1)))
        .isInstanceOf(java.nio.channels.ClosedChannelException.class);
    fs.close(); // twice is fine
  }
}
