package dev.soci.oci.layout;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Excludes other writers of one layout directory, in this process and in others, while held.
 *
 * <p>The lock is an exclusive {@link FileLock} on the layout's {@code oci-layout} file: every
 * layout has one, this project never rewrites it (so, unlike {@code index.json}, which is
 * replaced by rename, its inode is stable), and locking it adds no file to the layout. File
 * locks are held per process and a second lock on the same file from one JVM throws {@link
 * java.nio.channels.OverlappingFileLockException}, so threads of one process first take an
 * in-process lock keyed by the layout's real path.
 */
final class LayoutLock implements Closeable {
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS =
      new ConcurrentHashMap<>();

  private final ReentrantLock local;
  private final FileChannel channel;
  private final FileLock fileLock;

  private LayoutLock(ReentrantLock local, FileChannel channel, FileLock fileLock) {
    this.local = local;
    this.channel = channel;
    this.fileLock = fileLock;
  }

  /** Waits for and takes the lock of the layout directory {@code dir}. */
  static LayoutLock acquire(Path dir) throws IOException {
    Path real = dir.toRealPath();
    ReentrantLock local = IN_PROCESS.computeIfAbsent(real, p -> new ReentrantLock());
    try {
      local.lockInterruptibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while waiting to lock " + dir);
    }
    if (local.getHoldCount() > 1) {
      // A second file lock from this process would throw OverlappingFileLockException.
      local.unlock();
      throw new IllegalStateException("image layout " + dir + " is already locked by this thread");
    }
    FileChannel ch = null;
    try {
      Path marker = real.resolve("oci-layout");
      try {
        // WRITE without TRUNCATE/CREATE: nothing is written; POSIX needs a writable descriptor
        // for an exclusive lock. NOFOLLOW_LINKS: never lock (or open) what a link points to.
        ch = FileChannel.open(marker, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
      } catch (AccessDeniedException e) {
        throw new LayoutException("cannot lock image layout " + dir + " for writing: "
            + marker + " is not writable");
      }
      FileLock lock = ch.lock();
      return new LayoutLock(local, ch, lock);
    } catch (IOException | RuntimeException | Error e) {
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      local.unlock();
      throw e;
    }
  }

  /** Releases the lock (closing the channel releases the file lock). */
  @Override
  public void close() throws IOException {
    try {
      fileLock.release();
      channel.close();
    } finally {
      local.unlock();
    }
  }
}
