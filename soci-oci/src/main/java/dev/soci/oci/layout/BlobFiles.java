package dev.soci.oci.layout;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Set;

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
    Files.createDirectories(target.getParent());
    Path tmp = newTempFile(target.getParent(), ".tmp-", ".part");
    boolean done = false;
    try {
      MessageDigest md = expected.digest().newMessageDigest();
      long count = 0;
      try (OutputStream out = Files.newOutputStream(tmp)) {
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) > 0) {
          count += n;
          if (count > expected.size()) {
            throw new BlobMismatchException("content for " + expected.digest()
                + " is larger than the expected " + expected.size() + " bytes");
          }
          md.update(buf, 0, n);
          out.write(buf, 0, n);
        }
      }
      if (count != expected.size()) {
        throw new BlobMismatchException("content for " + expected.digest() + " has " + count
            + " bytes, expected " + expected.size());
      }
      if (!expected.digest().matches(md.digest())) {
        throw new BlobMismatchException("content does not match digest " + expected.digest());
      }
      BasicFileAttributes existing = attributes(target);
      if (existing != null && !existing.isRegularFile()) {
        throw new LayoutException("refusing to replace non-regular file " + target);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      done = true;
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** Writes a small file atomically (temp file + rename), e.g. {@code index.json}. */
  static void writeSmall(Path target, byte[] content) throws IOException {
    refuseSymlink(target);
    Path tmp = newTempFile(target.getParent(), ".tmp-", ".part");
    try {
      Files.write(tmp, content);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
  /**
   * A temporary file that, once renamed into place, other users can read. {@code
   * Files.createTempFile} makes files owner-only (0600) on POSIX systems, and a layout is usually
   * read by other accounts (a snapshotter, a registry); this gives them the 0644 a file created
   * the ordinary way gets.
   */
  static Path newTempFile(Path dir, String prefix, String suffix) throws IOException {
    Path tmp = Files.createTempFile(dir, prefix, suffix);
    setMode(tmp, READABLE_FILE);
    return tmp;
  }

  /** A temporary directory with the 0755 an ordinary directory gets (not the owner-only 0700). */
  static Path newTempDirectory(Path dir, String prefix) throws IOException {
    Path tmp = Files.createTempDirectory(dir, prefix);
    setMode(tmp, READABLE_DIRECTORY);
    return tmp;
  }

  private static final Set<PosixFilePermission> READABLE_FILE =
      PosixFilePermissions.fromString("rw-r--r--");
  private static final Set<PosixFilePermission> READABLE_DIRECTORY =
      PosixFilePermissions.fromString("rwxr-xr-x");

  private static void setMode(Path p, Set<PosixFilePermission> mode)
      throws IOException {
    if (Files.getFileStore(p).supportsFileAttributeView(PosixFileAttributeView.class)) {
      Files.setPosixFilePermissions(p, mode);
    }
  }
}
