package dev.soci.oci.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.Platform;
import dev.soci.oci.image.ImageEntry;
import dev.soci.oci.image.TestImages;
import dev.soci.oci.image.UmociFixture;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.store.ImageGraph;
import dev.soci.oci.store.InMemoryStore;
import dev.soci.testing.Vectors;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file system against {@code umoci unpack --rootless} on disk, walked through {@link Files}
 * on both sides ({@link TreeComparison}): the umoci-built image of {@link UmociFixture}
 * (umoci's whiteouts, an opaque directory, replacements, a cross-layer hard link) read with no
 * SOCI index, with a zTOC per layer and with one for the big layer only; and both images of the
 * vector layout. Owners are checked against the image's entries (a rootless unpack owns
 * everything itself); devices, which a rootless unpack writes as empty files, are compared so.
 * Also the {@code soci:} URI provider over the layouts on disk.
 */
@Tag("e2e")
class UmociFileSystemTest {
  @TempDir static Path tmp;
  static UmociFixture fixture;

  @BeforeAll
  static void build() throws Exception {
    assumeTrue(UmociFixture.available(), "umoci is not installed");
    fixture = UmociFixture.build(tmp.resolve("fixture"));
  }

  private static InMemoryStore copy(Path layoutDir, String ref, long minLayerSize)
      throws IOException {
    InMemoryStore mem = new InMemoryStore("mem");
    try (OciLayout l = OciLayout.open(layoutDir)) {
      Descriptor image = l.resolve(ref);
      ImageGraph.copy(l, image, mem, "t");
    }
    if (minLayerSize >= 0) {
      Descriptor image = mem.resolve("t");
      if (MediaTypes.isIndex(image.mediaType())) {
        for (Descriptor m : mem.readImageIndex(image).manifests()) {
          TestImages.index(mem, m, minLayerSize, 1 << 18);
        }
      } else {
        TestImages.index(mem, image, minLayerSize, 1 << 18);
      }
    }
    return mem;
  }

  /**
   * Compares and checks owners; returns the number of paths compared. Directory times only
   * where every directory has a tar entry: umoci gives an implied one the time of the unpack.
   */
  private static int compare(Path rootfs, SociFileSystem fs, boolean directoryTimes)
      throws IOException {
    TreeComparison.Options o = new TreeComparison.Options().devicesAsEmptyFiles().linkTimes();
    int n = TreeComparison.assertSameTree(rootfs, fs.getPath("/"),
        directoryTimes ? o.directoryTimes() : o);
    try (Stream<Path> s = Files.walk(fs.getPath("/"))) {
      for (Path p : s.toList()) {
        ImageEntry e = fs.entry(p, LinkOption.NOFOLLOW_LINKS);
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class,
            LinkOption.NOFOLLOW_LINKS);
        assertThat(a.owner().getName()).as(p + " owner")
            .isEqualTo(e.uname().isEmpty() ? Long.toString(e.uid()) : e.uname());
        assertThat(a.group().getName()).as(p + " group")
            .isEqualTo(e.gname().isEmpty() ? Long.toString(e.gid()) : e.gname());
      }
    }
    return n;
  }

  @Test
  void umociImageInEveryReadMode() throws Exception {
    for (long min : new long[] {-1, 0, 1 << 20}) {
      InMemoryStore mem = copy(fixture.layout(), "t", min);
      try (SociFileSystem fs = SociFileSystems.open(mem, mem.resolve("t"), null)) {
        assertThat(compare(fixture.rootfs(), fs, true)).as("min layer size %d", min)
            .isGreaterThan(25);
        PosixFileAttributes notes = Files.readAttributes(fs.getPath("/home/alice/notes"),
            PosixFileAttributes.class);
        assertThat(notes.owner().getName()).isEqualTo("alice");
        assertThat(Files.readAllBytes(fs.getPath("/chain1"))).isEqualTo(fixture.big());
        assertThat(Files.isSameFile(fs.getPath("/usr/bin/tool-hl"), fs.getPath("/usr/bin/tool")))
            .isTrue();
      }
    }
  }

  @Test
  void theUriProviderOverTheLayoutOnDisk() throws Exception {
    URI uri = URI.create("soci:oci:" + fixture.layout().toUri().getPath() + "!/etc/passwd");
    try (FileSystem fs = FileSystems.newFileSystem(uri, Map.of("reference", "t"))) {
      assertThat(fs).isInstanceOf(SociFileSystem.class);
      Path passwd = Path.of(uri);
      assertThat(passwd.getFileSystem()).isSameAs(fs);
      assertThat(Files.readString(passwd)).isEqualTo(Files.readString(
          fixture.rootfs().resolve("etc/passwd")));
      assertThat(passwd.toUri()).isEqualTo(URI.create("soci:oci:"
          + fixture.layout().toAbsolutePath() + "!/etc/passwd"));
      assertThat(FileSystems.getFileSystem(URI.create("soci:oci:" + fixture.layout())))
          .isSameAs(fs);
      org.assertj.core.api.Assertions.assertThatThrownBy(
          () -> FileSystems.newFileSystem(uri, Map.of("reference", "t")))
          .isInstanceOf(FileSystemAlreadyExistsException.class);
      assertThat(TreeComparison.assertSameTree(fixture.rootfs(), fs.getPath("/"),
          new TreeComparison.Options())).isGreaterThan(25);
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Path.of(uri))
        .isInstanceOf(FileSystemNotFoundException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> FileSystems.newFileSystem(uri, Map.of("colour", "blue")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("colour");
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> FileSystems.newFileSystem(URI.create("soci:ftp://x!/"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
    // A layout path opens through FileSystems.newFileSystem(Path) too.
    try (FileSystem fs = FileSystems.newFileSystem(fixture.layout(), Map.of("reference", "t"))) {
      assertThat(Files.readString(fs.getPath("/opq/new"))).isEqualTo("new in opq");
    }
  }

  /**
   * The vector layout with each image as umoci can unpack it: an OCI manifest per platform,
   * tagged, with a config listing the layers' diff IDs; the directory xattr {@code
   * security.capability}, which no filesystem accepts on a directory, renamed in place to a
   * {@code user.} one of the same length (xattrs are not compared).
   */
  private static Path vectorsForUmoci() throws Exception {
    Path dir = tmp.resolve("vectors");
    Files.createDirectories(dir.resolve("blobs/sha256"));
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    List<String> entries = new ArrayList<>();
    try (OciLayout src = OciLayout.open(Vectors.layout())) {
      ImageIndex idx = src.readImageIndex(src.resolve(null));
      for (Descriptor md : idx.manifests()) {
        ImageManifest m = src.readManifest(md);
        StringBuilder layers = new StringBuilder();
        StringBuilder diffs = new StringBuilder();
        for (Descriptor l : m.layers()) {
          byte[] blob = src.readBlob(l);
          boolean gz = l.mediaType().contains("gzip");
          byte[] tar = gz ? new GZIPInputStream(new ByteArrayInputStream(blob)).readAllBytes()
              : blob;
          byte[] fixed = replace(tar, "SCHILY.xattr.security.capability=",
              "SCHILY.xattr.user.xxxxxxxxxxxxxx=");
          if (fixed != tar) {
            blob = gz ? gzip(fixed) : fixed;
          }
          String d = put(dir, blob);
          layers.append(layers.length() == 0 ? "" : ",").append("{\"mediaType\":\"")
              .append(gz ? MediaTypes.OCI_LAYER_TAR_GZIP : "application/vnd.oci.image.layer.v1.tar")
              .append("\",\"digest\":\"").append(d).append("\",\"size\":").append(blob.length)
              .append('}');
          diffs.append(diffs.length() == 0 ? "" : ",").append('"').append(Digest.of(fixed))
              .append('"');
        }
        Platform p = md.platform();
        byte[] config = ("{\"architecture\":\"" + p.architecture() + "\",\"os\":\"" + p.os()
            + "\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffs + "]}}")
            .getBytes(StandardCharsets.UTF_8);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
            + "\",\"config\":{\"mediaType\":\"" + MediaTypes.OCI_CONFIG + "\",\"digest\":\""
            + put(dir, config) + "\",\"size\":" + config.length + "},\"layers\":[" + layers
            + "]}").getBytes(StandardCharsets.UTF_8);
        entries.add("{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\""
            + put(dir, manifest) + "\",\"size\":" + manifest.length
            + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + p.architecture()
            + "\"}}");
      }
    }
    Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":["
        + String.join(",", entries) + "]}");
    return dir;
  }

  private static String put(Path layout, byte[] blob) throws IOException {
    Digest d = Digest.of(blob);
    Files.write(layout.resolve("blobs/sha256/" + d.hex()), blob);
    return d.toString();
  }

  private static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(out)) {
      g.write(b);
    }
    return out.toByteArray();
  }

  /** {@code b} with every {@code from} replaced by {@code to} (same length); {@code b} if none. */
  private static byte[] replace(byte[] b, String from, String to) {
    byte[] f = from.getBytes(StandardCharsets.US_ASCII);
    byte[] t = to.getBytes(StandardCharsets.US_ASCII);
    byte[] out = null;
    for (int i = 0; i + f.length <= b.length; i++) {
      if (java.util.Arrays.equals(b, i, i + f.length, f, 0, f.length)) {
        out = out == null ? b.clone() : out;
        System.arraycopy(t, 0, out, i, t.length);
      }
    }
    return out == null ? b : out;
  }

  @Test
  void bothImagesOfTheVectorLayout() throws Exception {
    Path forUmoci = vectorsForUmoci();
    for (String arch : new String[] {"amd64", "arm64"}) {
      Path bundle = tmp.resolve("vector-" + arch);
      UmociFixture.exec("unpack", "--rootless", "--image", forUmoci + ":" + arch,
          bundle.toString());
      Platform platform = Platform.of("linux", arch, "");
      // The original layout (no SOCI index: layers read whole) and an indexed copy.
      try (OciLayout layout = OciLayout.open(Vectors.layout());
          SociFileSystem fs = SociFileSystems.open(layout, layout.resolve(null), platform)) {
        assertThat(fs.image().hasSociIndex()).isFalse();
        assertThat(compare(bundle.resolve("rootfs"), fs, false)).as(arch).isGreaterThan(40);
      }
      InMemoryStore indexed = copy(Vectors.layout(), null, 0);
      try (SociFileSystem fs = SociFileSystems.open(indexed, indexed.resolve("t"), platform)) {
        assertThat(fs.image().layers()).anyMatch(l -> l.hasZtoc());
        assertThat(compare(bundle.resolve("rootfs"), fs, false)).as(arch).isGreaterThan(40);
      }
    }
  }
}
