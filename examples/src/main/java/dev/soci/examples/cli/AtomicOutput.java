package dev.soci.examples.cli;

import dev.soci.oci.internal.TempPaths;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Writes an output file ({@code -o}) the way a shell redirect would, but atomically where that
 * is possible:
 *
 * <ul>
 *   <li>a regular file (or a new one): the bytes go to a temporary sibling (a name that fits
 *       255 bytes whatever the output's, see {@link TempPaths}) which is renamed into place
 *       only once complete, so readers see nothing or the whole file; an interrupted run
 *       (SIGTERM, SIGINT, SIGHUP) leaves no temporary file;
 *   <li>a symbolic link: followed, and the file it resolves to is written by these rules (the
 *       link stays a link); a link to a missing file is refused;
 *   <li>a character device or FIFO ({@code /dev/null}, a named pipe): opened and written in
 *       place, never replaced (not atomic: there is nothing to rename);
 *   <li>a file descriptor's path ({@code /dev/stdout}, {@code /dev/fd/N}, {@code
 *       /proc/self/fd/N}): written in place, appending, whatever the descriptor is (a pipe, a
 *       terminal, a file opened by the shell's {@code >} or {@code >>});
 *   <li>a directory, block device or socket: refused.
 * </ul>
 */
final class AtomicOutput {
  private AtomicOutput() {}

  /** Something that writes the file's content. */
  @FunctionalInterface
  interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /** {@code st_mode} file-type bits (unix:mode), for telling devices and FIFOs apart. */
  private static final int S_IFMT = 0170000;
  private static final int S_IFIFO = 0010000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFBLK = 0060000;
  private static final int S_IFSOCK = 0140000;

  static void write(Path target, Content content) throws IOException {
    Path abs = target.toAbsolutePath();
    if (isDescriptorPath(abs.normalize())) {
      writeToDescriptor(target, abs, content);
      return;
    }
    BasicFileAttributes a = attributes(abs);
    if (a != null && a.isSymbolicLink()) {
      try {
        abs = abs.toRealPath();
      } catch (NoSuchFileException e) {
        throw new IOException("cannot write " + target
            + ": it is a symbolic link to a missing file");
      }
      a = attributes(abs);
    }
    Path dir = abs.getParent();
    if (dir == null || (a != null && a.isDirectory())) {
      throw new IOException("cannot write " + target + ": it is a directory");
    }
    if (a != null && !a.isRegularFile()) {
      writeInPlace(target, abs, content);
      return;
    }
    if (!Files.isDirectory(dir)) {
      throw new IOException("cannot write " + target + ": directory " + dir + " does not exist");
    }
    Path tmp = TempPaths.newFile(dir, abs.getFileName().toString(), ".tmp");
    try {
      // WRITE without CREATE: a temp file the shutdown hook removed is not recreated.
      try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE)) {
        content.writeTo(out);
      }
      TempPaths.moveIntoPlace(tmp, abs);
    } finally {
      TempPaths.delete(tmp); // gone already after the rename: this just releases it
    }
  }

  /**
   * Whether {@code p} names an open file descriptor ({@code /dev/stdout}, {@code /dev/stderr},
   * {@code /dev/fd/N}, {@code /proc/<pid>/fd/N}): links the kernel resolves to whatever the
   * descriptor is, which may be a pipe that no path resolves to.
   */
  private static boolean isDescriptorPath(Path p) {
    String s = p.toString();
    if (s.equals("/dev/stdout") || s.equals("/dev/stderr") || s.startsWith("/dev/fd/")) {
      return true;
    }
    // /proc/<pid>/fd/<n>, checked by hand: a regex here compiled one for every output written.
    if (!s.startsWith("/proc/")) {
      return false;
    }
    int pid = s.indexOf('/', 6);
    return pid > 6 && s.startsWith("/fd/", pid) && s.length() > pid + 4
        && s.indexOf('/', pid + 4) < 0;
  }

  /**
   * Writes through a descriptor path as a shell redirect to it does: in place, and appending
   * when it is a regular file, so that {@code -o /dev/stdout >> log} keeps what the log held
   * (renaming a temporary file over it would replace the file the descriptor names).
   */
  private static void writeToDescriptor(Path target, Path abs, Content content) throws IOException {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(abs, BasicFileAttributes.class); // follows the links
    } catch (NoSuchFileException e) {
      throw new IOException("cannot write " + target + ": no such open file descriptor");
    }
    if (a.isDirectory()) {
      throw new IOException("cannot write " + target + ": it is a directory");
    }
    try (OutputStream out = Files.newOutputStream(abs, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      content.writeTo(out);
    }
  }

  /** Character devices and FIFOs are written as a shell redirect writes them; others refused. */
  private static void writeInPlace(Path target, Path abs, Content content) throws IOException {
    int type;
    try {
      type = ((Integer) Files.getAttribute(abs, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & S_IFMT;
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      throw new IOException("cannot write " + target + ": not a regular file");
    }
    if (type != S_IFCHR && type != S_IFIFO) {
      String kind = type == S_IFBLK ? "block device" : type == S_IFSOCK ? "socket"
          : "special file";
      throw new IOException("cannot write " + target + ": it is a " + kind
          + " (outputs may be regular files, character devices or FIFOs)");
    }
    // No CREATE, no TRUNCATE (meaningless here); NOFOLLOW: it was resolved above.
    try (OutputStream out = Files.newOutputStream(abs, StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS)) {
      content.writeTo(out);
    }
  }

  private static BasicFileAttributes attributes(Path p) throws IOException {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
