package dev.soci.oci.layout;

import dev.soci.oci.store.BlobMismatchException;
import dev.soci.oci.store.BlobNotFoundException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciException;
import dev.soci.oci.Platform;
import dev.soci.testing.Vectors;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciLayoutTest {
  @TempDir Path tmp;

  private Path copyLayout() throws IOException {
    Path to = tmp.resolve("layout");
    for (Path p : Vectors.files(Vectors.layout())) {
      Path t = to.resolve(Vectors.layout().relativize(p).toString());
      Files.createDirectories(t.getParent());
      Files.copy(p, t);
    }
    return to;
  }

  private byte[] layoutTar() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OciLayoutWriter.archive(Vectors.layout(), out);
    return out.toByteArray();
  }

  @Test
  void readsDirectoryAndTarAlike() throws Exception {
    Path tar = tmp.resolve("layout.tar");
    Files.write(tar, layoutTar());
    for (Path p : List.of(Vectors.layout(), tar)) {
      try (OciLayout l = OciLayout.open(p)) {
        Descriptor img = l.image();
        assertThat(img.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
        List<Descriptor> arm = l.manifestsFor(Platform.parse("linux/aarch64"));
        assertThat(arm).hasSize(1);
        assertThat(arm.get(0).mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
        assertThat(l.readManifest(arm.get(0)).layers()).hasSize(2);
        assertThat(l.blobs()).hasSize(9);
        for (Descriptor b : l.blobs()) {
          try (InputStream in = l.openBlob(b)) {
            assertThat(Digest.of(in)).isEqualTo(b.digest());
          }
        }
      }
    }
  }

  @Test
  void missingIndexJsonAndMissingBlobAreTyped() throws Exception {
    Path dir = copyLayout();
    Descriptor absent = Descriptor.of("x", Digest.of(new byte[] {1}), 1);
    try (OciLayout l = OciLayout.open(dir)) {
      assertThatThrownBy(() -> l.readBlob(absent)).isInstanceOf(BlobNotFoundException.class)
          .hasMessageContaining(absent.digest().toString());
    }
    Files.delete(dir.resolve("index.json"));
    assertThatThrownBy(() -> OciLayout.open(dir)).isInstanceOf(LayoutException.class)
        .hasMessageContaining("index.json");
    Files.delete(dir.resolve("oci-layout"));
    assertThatThrownBy(() -> OciLayout.open(dir)).isInstanceOf(LayoutException.class)
        .hasMessageContaining("oci-layout");
    assertThatThrownBy(() -> OciLayout.open(tmp.resolve("nope")))
        .isInstanceOf(LayoutException.class);
  }

  @Test
  void corruptBlobsAreDetected() throws Exception {
    Path dir = copyLayout();
    String hex = "ae0c894b6ddb7be2ebc61c26a2e3a7b9c2c89fbf9e8c5b8c9761db5c18a1dba6";
    Descriptor config = Descriptor.of(MediaTypes.OCI_CONFIG, Digest.parse("sha256:" + hex), 131);
    byte[] b = Files.readAllBytes(dir.resolve("blobs/sha256/" + hex));
    b[10] ^= 1;
    Files.write(dir.resolve("blobs/sha256/" + hex), b);
    try (OciLayout l = OciLayout.open(dir)) {
      assertThatThrownBy(() -> l.readBlob(config)).isInstanceOf(BlobMismatchException.class)
          .hasMessageContaining("digest");
      Descriptor wrongSize = Descriptor.of(MediaTypes.OCI_CONFIG, config.digest(), 130);
      assertThatThrownBy(() -> l.readBlob(wrongSize)).isInstanceOf(BlobMismatchException.class)
          .hasMessageContaining("130");
    }
  }

  @Test
  void symlinkedBlobsDirectoryIsRefused() throws Exception {
    Path dir = copyLayout();
    Path elsewhere = tmp.resolve("elsewhere");
    Files.move(dir.resolve("blobs"), elsewhere);
    Files.createSymbolicLink(dir.resolve("blobs"), elsewhere);
    try (OciLayout l = OciLayout.open(dir)) {
      Descriptor any = Descriptor.of("x", Digest.of(new byte[0]), 0);
      assertThatThrownBy(() -> l.readBlob(any)).isInstanceOf(LayoutException.class)
          .hasMessageContaining("symbolic link");
      assertThatThrownBy(() -> l.putBlob("x", new byte[0])).isInstanceOf(LayoutException.class);
    }
  }

  @Test
  void symlinkedBlobFileIsRefused() throws Exception {
    Path dir = copyLayout();
    Path secret = tmp.resolve("secret");
    Files.write(secret, new byte[] {1});
    Digest d = Digest.of(new byte[] {1});
    Files.createSymbolicLink(dir.resolve("blobs/sha256/" + d.hex()), secret);
    try (OciLayout l = OciLayout.open(dir)) {
      assertThatThrownBy(() -> l.readBlob(Descriptor.of("x", d, 1)))
          .isInstanceOf(LayoutException.class);
    }
  }

  @Test
  void putBlobVerifiesAndLeavesNoTempOnMismatch() throws Exception {
    Path dir = copyLayout();
    try (OciLayout l = OciLayout.open(dir)) {
      byte[] content = "hello".getBytes(StandardCharsets.UTF_8);
      Descriptor good = l.putBlob("text/plain", content);
      assertThat(l.readBlob(good)).isEqualTo(content);
      Descriptor lie = Descriptor.of("x", Digest.of(new byte[] {9}), 5);
      assertThatThrownBy(() -> l.putBlob(lie, new ByteArrayInputStream(content)))
          .isInstanceOf(BlobMismatchException.class);
      Descriptor tooBig = Descriptor.of("x", good.digest(), 3);
      assertThatThrownBy(() -> l.putBlob(tooBig, new ByteArrayInputStream(content)))
          .isInstanceOf(BlobMismatchException.class);
      assertThat(l.hasBlob(lie.digest())).isFalse();
      try (Stream<Path> s = Files.list(dir.resolve("blobs/sha256"))) {
        assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
      }
      l.writeIndexJson(l.index().withManifests(List.of(good)));
    }
    try (OciLayout l = OciLayout.open(dir)) {
      assertThat(l.index().manifests()).hasSize(1);
      assertThatThrownBy(l::image).isInstanceOf(LayoutException.class);
    }
  }

  private byte[] tarWith(String name, byte type, String link) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (String f : List.of("oci-layout", "index.json")) {
        byte[] b = Vectors.read(Vectors.layout().resolve(f));
        TarArchiveEntry e = new TarArchiveEntry(f);
        e.setSize(b.length);
        t.putArchiveEntry(e);
        t.write(b);
        t.closeArchiveEntry();
      }
      TarArchiveEntry e = new TarArchiveEntry(name, type, true);
      if (link != null) {
        e.setLinkName(link);
      }
      t.putArchiveEntry(e);
      t.closeArchiveEntry();
    }
    return out.toByteArray();
  }

  @Test
  void unsafeTarEntriesAreRefused() throws Exception {
    String blob = "blobs/sha256/" + "a".repeat(64);
    byte[][] bad = {
      tarWith("../evil", TarArchiveEntry.LF_NORMAL, null),
      tarWith("/etc/passwd", TarArchiveEntry.LF_NORMAL, null),
      tarWith("blobs/../../x", TarArchiveEntry.LF_NORMAL, null),
      tarWith(blob, TarArchiveEntry.LF_SYMLINK, "/etc/passwd"),
      tarWith(blob, TarArchiveEntry.LF_LINK, "index.json"),
      tarWith("blobs", TarArchiveEntry.LF_SYMLINK, "/tmp"),
      tarWith("dev", TarArchiveEntry.LF_CHR, null),
    };
    int i = 0;
    for (byte[] b : bad) {
      Path p = tmp.resolve("bad" + i++ + ".tar");
      Files.write(p, b);
      assertThatThrownBy(() -> OciLayout.open(p)).as(p.toString())
          .isInstanceOf(LayoutException.class);
    }
    Path ok = tmp.resolve("ok.tar");
    Files.write(ok, tarWith("./blobs/", TarArchiveEntry.LF_DIR, null));
    try (OciLayout l = OciLayout.open(ok)) {
      assertThat(l.index().manifests()).hasSize(1);
    }
  }

  @Test
  void randomTarMutationsOnlyGiveTypedExceptions() throws Exception {
    byte[] seed = layoutTar();
    // keep the fuzzing on the small head of the archive (headers of the first entries) and a
    // few truncations, so it stays fast
    Random rnd = new Random(3);
    Path p = tmp.resolve("fuzz.tar");
    for (int iter = 0; iter < 400; iter++) {
      byte[] b = seed.clone();
      if (rnd.nextInt(4) == 0) {
        b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
      }
      int muts = 1 + rnd.nextInt(6);
      for (int m = 0; m < muts && b.length > 0; m++) {
        int pos = rnd.nextInt(Math.min(b.length, 8192));
        b[pos] = (byte) rnd.nextInt(256);
      }
      Files.write(p, b);
      try (OciLayout l = OciLayout.open(p)) {
        for (Descriptor d : l.index().manifests()) {
          l.readBlob(d);
        }
      } catch (OciException expected) {
        // typed
      } catch (RuntimeException e) {
        throw new AssertionError("untyped failure at iteration " + iter, e);
      }
    }
  }

  @Test
  void writerRefusesExistingOutputAndWritesAllOrNothing() throws Exception {
    Path full = tmp.resolve("full");
    Files.createDirectories(full);
    Files.write(full.resolve("x"), new byte[0]);
    assertThatThrownBy(() -> OciLayoutWriter.create(full, OciLayoutWriter.Format.DIRECTORY))
        .isInstanceOf(LayoutException.class).hasMessageContaining("not empty");
    assertThatThrownBy(() -> OciLayoutWriter.create(full.resolve("x"),
        OciLayoutWriter.Format.TAR)).isInstanceOf(LayoutException.class);

    Path empty = tmp.resolve("empty");
    Files.createDirectories(empty);
    try (OciLayoutWriter w = OciLayoutWriter.create(empty, OciLayoutWriter.Format.DIRECTORY)) {
      Descriptor d = w.putBlob(MediaTypes.OCI_INDEX, ImageIndex.of(List.of()).toJson());
      assertThatThrownBy(() -> w.commit(ImageIndex.of(List.of(
          Descriptor.of(MediaTypes.OCI_INDEX, Digest.of(new byte[] {7}), 1)))))
          .isInstanceOf(BlobNotFoundException.class);
      w.commit(ImageIndex.of(List.of(d)));
    }
    try (OciLayout l = OciLayout.open(empty)) {
      assertThat(l.readImageIndex(l.image()).manifests()).isEmpty();
    }

    Path never = tmp.resolve("never.tar");
    try (OciLayoutWriter w = OciLayoutWriter.create(never, OciLayoutWriter.Format.TAR)) {
      w.putBlob("x", new byte[] {1});
      // closed without commit
    }
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
          "full", "empty");
    }
  }

  @Test
  void sha512BlobsGetLongTarNames() throws Exception {
    Path out = tmp.resolve("l.tar");
    byte[] content = {1, 2, 3};
    java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-512");
    StringBuilder hex = new StringBuilder();
    for (byte x : md.digest(content)) {
      hex.append(String.format("%02x", x));
    }
    Descriptor d = Descriptor.of("x", Digest.parse("sha512:" + hex), 3);
    try (OciLayoutWriter w = OciLayoutWriter.create(out, OciLayoutWriter.Format.TAR)) {
      w.putBlob(d, new ByteArrayInputStream(content));
      w.commit(ImageIndex.of(List.of(d)));
    }
    try (OciLayout l = OciLayout.open(out)) {
      assertThat(l.readBlob(d)).isEqualTo(content);
    }
  }
  @Test
  void hugeManifestDescriptorsAreRefusedBeforeReading() throws Exception {
    Path dir = copyLayout();
    try (OciLayout layout = OciLayout.open(dir)) {
      dev.soci.oci.Descriptor image = layout.image();
      dev.soci.oci.Descriptor huge = dev.soci.oci.Descriptor.of(image.mediaType(), image.digest(), dev.soci.oci.DocumentTooLargeException.MAX_SIZE + 1);
      assertThatThrownBy(() -> layout.readImageIndex(huge))
          .isInstanceOf(dev.soci.oci.OciException.class)
          .hasMessageContaining("limited to");
      assertThatThrownBy(() -> layout.readManifest(huge))
          .isInstanceOf(dev.soci.oci.OciException.class);
      assertThat(layout.readImageIndex(image).manifests()).isNotEmpty();
    }
  }
  @Test
  void hostileSizesInALayoutTarAreTypedErrors() throws Exception {
    // A PAX record whose length field, added to its offset, overflows an int.
    byte[] paxBody = "9 a=bcde\n2147483647 x=y\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] pax = concatBlocks(rawHeader("pax", 'x', paxBody.length, false), padded(paxBody),
        rawHeader("oci-layout", '0', 0, false));
    // A base-256 size near Long.MAX_VALUE, whose end offset overflows a long.
    byte[] huge = concatBlocks(rawHeader("oci-layout", '0', Long.MAX_VALUE - 100, true));
    int i = 0;
    for (byte[] tar : new byte[][] {pax, huge}) {
      Path p = tmp.resolve("hostile" + i++ + ".tar");
      Files.write(p, concatBlocks(tar, new byte[1024]));
      assertThatThrownBy(() -> OciLayout.open(p)).as(p.toString()).isInstanceOf(LayoutException.class);
    }
  }

  private static byte[] rawHeader(String name, char type, long size, boolean base256) {
    byte[] h = new byte[512];
    byte[] n = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    System.arraycopy(n, 0, h, 0, n.length);
    ascii(h, 100, "0000644\0");
    ascii(h, 108, "0000000\0");
    ascii(h, 116, "0000000\0");
    if (base256) {
      h[124] = (byte) 0x80;
      for (int k = 0; k < 8; k++) {
        h[135 - k] = (byte) (size >>> (8 * k));
      }
    } else {
      ascii(h, 124, String.format(java.util.Locale.ROOT, "%011o\0", size));
    }
    ascii(h, 136, "00000000000\0");
    h[156] = (byte) type;
    ascii(h, 257, "ustar\0");
    ascii(h, 263, "00");
    java.util.Arrays.fill(h, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    ascii(h, 148, String.format(java.util.Locale.ROOT, "%06o\0 ", sum));
    return h;
  }

  private static void ascii(byte[] h, int off, String s) {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, off, b.length);
  }

  private static byte[] padded(byte[] body) {
    return java.util.Arrays.copyOf(body, (body.length + 511) / 512 * 512);
  }

  private static byte[] concatBlocks(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
  @Test
  void writtenLayoutsAreReadableByOtherUsers() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.getFileStore(tmp).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class));
    for (OciLayoutWriter.Format format : OciLayoutWriter.Format.values()) {
      Path out = tmp.resolve("readable-" + format);
      try (OciLayoutWriter w = OciLayoutWriter.create(out, format)) {
        Descriptor d = w.putBlob("application/octet-stream", new byte[] {1, 2, 3});
        w.commit(dev.soci.oci.ImageIndex.of(List.of(d)));
      }
      java.util.List<Path> written = new java.util.ArrayList<>();
      try (var walk = Files.walk(out)) {
        walk.forEach(written::add);
      }
      assertThat(written).isNotEmpty();
      for (Path p : written) {
        var perms = Files.getPosixFilePermissions(p);
        assertThat(perms).as(p.toString()).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ);
        if (Files.isDirectory(p)) {
          assertThat(perms).as(p.toString()).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE);
        }
      }
    }
  }
}
