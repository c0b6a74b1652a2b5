package dev.soci.oci.layout;

import dev.soci.oci.internal.TempPaths;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.internal.VerifyingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/** Blob paths and atomic, verified blob writes in a layout directory. */
final class BlobFiles {
  private BlobFiles() {}

  /** {@code blobs/<alg>/<hex>}: built only from a validated {@link Digest}. */
  static String relativePath(Digest d) {
    return "blobs/" + d.algorithm() + "/" + d.hex();
  }

  /** The blob's path under {@code root}, refusing a symlinked {@code blobs} or algorithm dir. */
  static Path path(Path root, Digest d) throws LayoutException {
    Path blobs = root.resolve("blobs");
    refuseSymlink(blobs);
    Path alg = blobs.resolve(d.algorithm());
    refuseSymlink(alg);
    return alg.resolve(d.hex());
  }

  static void refuseSymlink(Path p) throws LayoutException {
    if (Files.isSymbolicLink(p)) {
      throw new LayoutException("refusing symbolic link " + p + " in image layout");
    }
  }

  /** Attributes of a blob file without following links, or null when absent. */
  static BasicFileAttributes attributes(Path p) throws IOException {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (java.nio.file.NoSuchFileException e) {
      return null;
    }
  }

  /**
   * Streams {@code in} into the blob for {@code expected}: into a temp file beside the target,
   * verifying size and digest on the way, then renamed into place. On any failure the temp
   * file is removed and nothing appears under the blob's name.
   */
  static void write(Path root, Descriptor expected, InputStream in) throws IOException {
    Path target = path(root, expected.digest());
    TempPaths.createDirectories(root, "blobs", expected.digest().algorithm());
    Path tmp = TempPaths.newFile(target.getParent(), expected.digest().hex(), ".part");
    boolean done = false;
    try {
      // Not closed: the caller owns {@code in}; reading it to its end verifies it.
      InputStream verified = new VerifyingInputStream(in, expected,
          "the content given for image layout " + root);
      try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE)) {
        verified.transferTo(out);
      }
      BasicFileAttributes existing = attributes(target);
      if (existing != null && !existing.isRegularFile()) {
        throw new LayoutException("refusing to replace non-regular file " + target);
      }
      TempPaths.moveIntoPlace(tmp, target);
      done = true;
      TempPaths.release(tmp);
    } finally {
      if (!done) {
        TempPaths.delete(tmp);
      }
    }
  }

  /** Writes a small file atomically (temp file + rename), e.g. {@code index.json}. */
  static void writeSmall(Path target, byte[] content) throws IOException {
    refuseSymlink(target);
    Path tmp = TempPaths.newFile(target.getParent(), target.getFileName().toString(), ".part");
    try {
      // WRITE without CREATE: a temp file the shutdown hook removed is not recreated.
      Files.write(tmp, content, StandardOpenOption.WRITE);
      TempPaths.moveIntoPlace(tmp, target);
    } finally {
      TempPaths.delete(tmp); // gone already after the rename: this just releases it
    }
  }
}
