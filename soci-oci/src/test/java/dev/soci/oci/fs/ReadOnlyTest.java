package dev.soci.oci.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.store.InMemoryStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way {@link Files} writes is refused, on existing and missing paths alike. */
class ReadOnlyTest {
  @TempDir Path tmp;
  private SociFileSystem fs;

  @BeforeEach
  void open() throws IOException {
    InMemoryStore store = new InMemoryStore("mem");
    fs = SociFileSystems.open(store, FileSystemBehaviourTest.image(store), null);
  }

  @AfterEach
  void close() throws IOException {
    fs.close();
  }

  @Test
  void everyWriteThrowsReadOnlyFileSystemException() throws IOException {
    Path file = fs.getPath("/etc/os-release");
    Path dir = fs.getPath("/etc");
    Path missing = fs.getPath("/etc/new");
    Path outside = Files.writeString(tmp.resolve("x"), "x");
    Map<String, ThrowingCallable> writes = new LinkedHashMap<>();
    writes.put("createDirectory", () -> Files.createDirectory(fs.getPath("/newdir")));
    writes.put("createDirectories", () -> Files.createDirectories(fs.getPath("/a/b/c")));
    writes.put("createFile", () -> Files.createFile(missing));
    writes.put("createSymbolicLink", () -> Files.createSymbolicLink(missing, file));
    writes.put("createLink", () -> Files.createLink(missing, file));
    writes.put("delete", () -> Files.delete(file));
    writes.put("delete missing", () -> Files.delete(missing));
    writes.put("deleteIfExists", () -> Files.deleteIfExists(file));
    writes.put("copy inside", () -> Files.copy(file, missing));
    writes.put("copy in", () -> Files.copy(outside, missing));
    writes.put("copy in replacing", () -> Files.copy(outside, file,
        StandardCopyOption.REPLACE_EXISTING));
    writes.put("move", () -> Files.move(file, missing));
    writes.put("move in", () -> Files.move(outside, missing));
    writes.put("write", () -> Files.write(file, new byte[1]));
    writes.put("writeString", () -> Files.writeString(missing, "x"));
    writes.put("newOutputStream", () -> Files.newOutputStream(file));
    writes.put("newBufferedWriter", () -> Files.newBufferedWriter(file));
    for (StandardOpenOption o : new StandardOpenOption[] {StandardOpenOption.WRITE,
        StandardOpenOption.APPEND, StandardOpenOption.CREATE, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.DELETE_ON_CLOSE}) {
      writes.put("newByteChannel " + o, () -> Files.newByteChannel(file, o));
      writes.put("FileChannel.open " + o, () -> FileChannel.open(file, o));
    }
    writes.put("setAttribute", () -> Files.setAttribute(file, "posix:permissions",
        PosixFilePermissions.fromString("rwxrwxrwx")));
    writes.put("setLastModifiedTime", () -> Files.setLastModifiedTime(file,
        FileTime.fromMillis(0)));
    writes.put("setPosixFilePermissions", () -> Files.setPosixFilePermissions(file,
        PosixFilePermissions.fromString("rwx------")));
    writes.put("setOwner", () -> Files.setOwner(file,
        fs.getUserPrincipalLookupService().lookupPrincipalByName("root")));
    writes.put("view setTimes", () -> Files.getFileAttributeView(dir,
        BasicFileAttributeView.class).setTimes(null, null, null));
    writes.put("view setGroup", () -> Files.getFileAttributeView(dir,
        PosixFileAttributeView.class).setGroup(null));
    for (Map.Entry<String, ThrowingCallable> w : writes.entrySet()) {
      assertThatThrownBy(w.getValue()).as(w.getKey())
          .isInstanceOf(ReadOnlyFileSystemException.class);
    }
    assertThat(writes).hasSizeGreaterThan(30);
    assertThat(fs.isReadOnly()).isTrue();
    assertThat(Files.readString(file)).isEqualTo("ID=test\n");
    assertThat(Files.readString(outside)).isEqualTo("x");

    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      assertThatThrownBy(() -> ch.write(ByteBuffer.allocate(1)))
          .isInstanceOf(NonWritableChannelException.class);
      assertThatThrownBy(() -> ch.write(ByteBuffer.allocate(1), 0))
          .isInstanceOf(NonWritableChannelException.class);
      assertThatThrownBy(() -> ch.truncate(0)).isInstanceOf(NonWritableChannelException.class);
      assertThatThrownBy(() -> ch.lock()).isInstanceOf(NonWritableChannelException.class);
      assertThatThrownBy(() -> ch.map(FileChannel.MapMode.READ_ONLY, 0, 1))
          .isInstanceOf(UnsupportedOperationException.class);
      assertThat(ch.lock(0, 1, true).isShared()).isTrue();
    }
    // Copying out is reading: it works.
    Files.copy(file, tmp.resolve("os-release"));
    assertThat(Files.readString(tmp.resolve("os-release"))).isEqualTo("ID=test\n");
  }
}
