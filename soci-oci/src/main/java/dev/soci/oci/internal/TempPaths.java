package dev.soci.oci.internal;

import dev.soci.oci.layout.LayoutException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.CopyOption;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Temporary siblings of outputs (files and directories that are renamed into place when
 * complete), with two guarantees the JDK's {@code createTempFile} lacks:
 *
 * <ul>
 *   <li>the name fits {@link #NAME_MAX} bytes whatever the output's name: a hidden,
 *       truncated copy of the name plus a random suffix, in the same directory (so the rename
 *       stays on one file system);
 *   <li>it is deleted when the JVM shuts down on SIGTERM, SIGINT or SIGHUP (or {@code
 *       System.exit}) while still in flight: every temp path is registered here until {@link
 *       #release} (after its rename or deletion), and a shutdown hook removes those left.
 * </ul>
 *
 * <p>The hook may run while a writer thread is still writing: it marks shutdown first (no new
 * temp path can be made after that), then deletes each tree, retrying while the writer adds
 * entries to it. Writers help by never recreating a deleted temp path: they open temp files
 * without {@code CREATE} and create directories inside a temp directory one level at a time
 * ({@link #createDirectories}), which fails once the temp root is gone.
 */
public final class TempPaths {
  /** Longest file name (bytes) on Linux and most file systems. */
  public static final int NAME_MAX = 255;

  private static final int RANDOM_CHARS = 12;
  private static final String ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<Path> IN_FLIGHT = ConcurrentHashMap.newKeySet();
  private static volatile boolean shuttingDown;
  /**
   * Read-held while a temp path is checked against {@link #shuttingDown} and created; the hook
   * takes the write side to set the flag, so every temp path is either on disk and registered
   * when the hook looks, or never created.
   */
  private static final java.util.concurrent.locks.ReentrantReadWriteLock CREATING =
      new java.util.concurrent.locks.ReentrantReadWriteLock();
  private static boolean hookInstalled;

  private static final Set<PosixFilePermission> READABLE_FILE =
      PosixFilePermissions.fromString("rw-r--r--");
  private static final Set<PosixFilePermission> READABLE_DIRECTORY =
      PosixFilePermissions.fromString("rwxr-xr-x");

  private TempPaths() {}

  /**
   * The name of a temporary sibling of {@code outputName}: {@code .<name>.<random><suffix>},
   * the name cut (at a character boundary) so that the whole fits {@link #NAME_MAX} UTF-8
   * bytes.
   */
  static String tempName(String outputName, String suffix) {
    StringBuilder random = new StringBuilder(RANDOM_CHARS);
    for (int i = 0; i < RANDOM_CHARS; i++) {
      random.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    String tail = "." + random + suffix;
    int budget = NAME_MAX - 1 - tail.getBytes(StandardCharsets.UTF_8).length;
    StringBuilder head = new StringBuilder();
    int used = 0;
    for (int i = 0; i < outputName.length(); ) {
      int cp = outputName.codePointAt(i);
      int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (used + n > budget) {
        break;
      }
      head.appendCodePoint(cp);
      used += n;
      i += Character.charCount(cp);
    }
    return "." + head + tail;
  }

  /**
   * Creates an empty temporary file beside an output named {@code outputName} in {@code dir},
   * mode 0644 (readable by the other accounts a layout or zTOC usually serves), registered
   * for deletion at shutdown until {@link #release}.
   */
  public static Path newFile(Path dir, String outputName, String suffix) throws IOException {
    return create(dir, outputName, suffix, false);
  }

  /** {@link #newFile}, for a temporary directory (mode 0755). */
  public static Path newDirectory(Path dir, String outputName, String suffix)
      throws IOException {
    return create(dir, outputName, suffix, true);
  }

  private static Path create(Path dir, String outputName, String suffix, boolean directory)
      throws IOException {
    installHook();
    for (int attempt = 0; ; attempt++) {
      Path p = dir.resolve(tempName(outputName, suffix));
      CREATING.readLock().lock();
      try {
        if (shuttingDown) {
          throw new java.io.InterruptedIOException("shutting down: not creating " + p);
        }
        IN_FLIGHT.add(p);
        if (directory) {
          Files.createDirectory(p);
        } else {
          Files.createFile(p);
        }
      } catch (IOException | RuntimeException e) {
        IN_FLIGHT.remove(p);
        if (e instanceof FileAlreadyExistsException && attempt < 100) {
          continue;
        }
        throw e;
      } finally {
        CREATING.readLock().unlock();
      }
      try {
        setMode(p, directory ? READABLE_DIRECTORY : READABLE_FILE);
        return p;
      } catch (IOException | RuntimeException e) {
        try {
          delete(p);
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    }
  }

  /**
   * Renames a complete temporary file over {@code target}, atomically where the file system can
   * (readers see the old file or the new one, never part of it), else with a plain replacing
   * move. The temporary file is still registered: {@link #release} or {@link #delete} it after.
   */
  public static void moveIntoPlace(Path tmp, Path target) throws IOException {
    move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Renames a complete temporary directory (or file) to {@code target}, which the caller has
   * checked is absent: atomically where the file system can, else with a plain move, which
   * fails when {@code target} exists (an atomic rename replaces a file that appeared meanwhile,
   * as {@code rename(2)} does).
   */
  public static void moveToNew(Path tmp, Path target) throws IOException {
    move(tmp, target);
  }

  /** The one atomic-rename-or-plain-move fallback of this library. */
  private static void move(Path from, Path to, CopyOption... options) throws IOException {
    CopyOption[] atomic = java.util.Arrays.copyOf(options, options.length + 1);
    atomic[options.length] = StandardCopyOption.ATOMIC_MOVE;
    try {
      Files.move(from, to, atomic);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, options);
    }
  }

  /**
   * Forgets {@code p}: call once it has been renamed into place or deleted (a later shutdown
   * must not delete whatever then has its name).
   */
  public static void release(Path p) {
    IN_FLIGHT.remove(p);
  }

  /**
   * Deletes a temporary file or directory tree (absent ones are ignored) and releases it.
   */
  public static void delete(Path p) throws IOException {
    try {
      deleteTree(p);
    } finally {
      IN_FLIGHT.remove(p);
    }
  }

  /**
   * Creates {@code root/first/more...} one directory at a time below the existing {@code
   * root}: unlike {@link Files#createDirectories}, never recreates {@code root} (a temp
   * directory the shutdown hook removed) or its parents.
   */
  public static Path createDirectories(Path root, String... names) throws IOException {
    Path p = root;
    for (String n : names) {
      p = p.resolve(n);
      try {
        Files.createDirectory(p);
      } catch (FileAlreadyExistsException e) {
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          throw new LayoutException("refusing " + p + ": not a directory");
        }
      }
    }
    return p;
  }

  private static void setMode(Path p, Set<PosixFilePermission> mode) throws IOException {
    if (Files.getFileStore(p).supportsFileAttributeView(PosixFileAttributeView.class)) {
      Files.setPosixFilePermissions(p, mode);
    }
  }

  private static synchronized void installHook() {
    if (hookInstalled) {
      return;
    }
    hookInstalled = true;
    try {
      Runtime.getRuntime().addShutdownHook(
          new Thread(TempPaths::deleteInFlight, "soci-temp-cleanup"));
    } catch (IllegalStateException alreadyShuttingDown) {
      shuttingDown = true;
    }
  }

  /** The shutdown hook: deletes every temp path still in flight. */
  static void deleteInFlight() {
    boolean locked = false;
    try {
      // Bounded: a shutdown must not hang on a writer stuck inside a file system call.
      locked = CREATING.writeLock().tryLock(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      shuttingDown = true;
    } finally {
      if (locked) {
        CREATING.writeLock().unlock();
      }
    }
    for (Path p : IN_FLIGHT.toArray(new Path[0])) {
      // A writer may still be adding entries to a directory: retry until it is gone.
      for (int attempt = 0; attempt < 50; attempt++) {
        try {
          deleteTree(p);
          if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            break;
          }
        } catch (IOException | RuntimeException e) {
          // retried; nothing can be reported from a shutdown hook anyway
        }
      }
      IN_FLIGHT.remove(p);
    }
  }

  /** Whether {@code p} is a temp path still registered (for tests). */
  static boolean isInFlight(Path p) {
    return IN_FLIGHT.contains(p);
  }

  private static void deleteTree(Path root) throws IOException {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(root, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return;
    }
    if (a.isDirectory()) {
      try (Stream<Path> s = Files.walk(root)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (NoSuchFileException | java.io.UncheckedIOException e) {
        // removed meanwhile (by the hook or the writer's own cleanup); the caller rechecks
        if (Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
          throw e instanceof java.io.UncheckedIOException u ? u.getCause() : (IOException) e;
        }
      }
    } else {
      Files.deleteIfExists(root);
    }
  }
}
