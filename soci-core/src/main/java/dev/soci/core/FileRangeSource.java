package dev.soci.core;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * {@link RangeSource#of(Path)}: positional reads of a file through a {@link FileChannel}, made to
 * survive interrupts.
 *
 * <p>A {@code FileChannel} is an interruptible channel: interrupting any thread blocked in (or
 * entering) one of its reads closes it for every thread. One interrupted reader would then break
 * the source for all the others, and every later read would fail with a bare {@link
 * ClosedChannelException}. Here the interrupted thread gets an {@link InterruptedIOException}
 * (its interrupt status kept set), the channel is reopened from the path, and the other threads'
 * reads that the close cut off are retried on the new channel, so they only ever see correct
 * bytes. A reopened path must still be the same file (same file key where the file system has
 * one, same size), otherwise reads fail rather than return another file's bytes.
 *
 * <p>Only a channel closed under the source is reopened: after {@link #close()} every read fails
 * with an {@link IOException} saying that the source is closed.
 */
final class FileRangeSource implements RangeSource {
  private final Path file;
  private final Object fileKey;
  private final long size;
  /** The current channel; replaced (under the lock) when an interrupt closed the previous one. */
  private volatile FileChannel channel;
  /** Set by {@link #close()}; guarded by this, read without the lock only as a fast path. */
  private volatile boolean closed;

  /** READ, plus NOFOLLOW_LINKS when links are refused. */
  private final java.nio.file.OpenOption[] openOptions;
  private final java.nio.file.LinkOption[] linkOptions;

  FileRangeSource(Path file, java.nio.file.LinkOption... links) throws IOException {
    this.file = Objects.requireNonNull(file, "file");
    this.linkOptions = links.clone();
    java.nio.file.OpenOption[] opts = new java.nio.file.OpenOption[links.length + 1];
    opts[0] = StandardOpenOption.READ;
    System.arraycopy(links, 0, opts, 1, links.length);
    this.openOptions = opts;
    FileChannel c = FileChannel.open(file, openOptions);
    try {
      this.fileKey = Files.readAttributes(file, BasicFileAttributes.class, linkOptions).fileKey();
      this.size = c.size();
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
    this.channel = c;
  }

  /**
   * The size when the source was opened: a blob is immutable, and answering from memory keeps
   * {@code size()} free of interrupts too.
   */
  @Override
  public long size() throws IOException {
    ensureOpen();
    return size;
  }

  @Override
  public void readFully(long offset, ByteBuffer dst) throws IOException {
    RangeSource.checkRange(offset, dst.remaining(), size);
    long pos = offset;
    while (dst.hasRemaining()) {
      // Checked first so that an already interrupted thread does not close the channel for the others.
      if (Thread.currentThread().isInterrupted()) {
        throw interrupted(null);
      }
      FileChannel c = channel;
      int n;
      try {
        n = c.read(dst, pos);
      } catch (ClosedChannelException e) {
        // ClosedByInterruptException: this thread was interrupted and the read closed the channel.
        // AsynchronousCloseException or ClosedChannelException: another thread's interrupt, or close().
        reopen(c);
        if (e instanceof ClosedByInterruptException || Thread.currentThread().isInterrupted()) {
          throw interrupted(e);
        }
        continue; // nothing was transferred by the failed read: retry from pos on the new channel
      }
      if (n < 0) {
        throw new EOFException(file + " ended at " + pos + " while reading at " + offset);
      }
      pos += n;
    }
  }

  @Override
  public synchronized void close() throws IOException {
    closed = true;
    channel.close();
  }

  @Override
  public String toString() {
    return "RangeSource[" + file + "]";
  }

  /** Replaces {@code broken} with a fresh channel on the same file, unless that was done already or the source is closed. */
  private synchronized void reopen(FileChannel broken) throws IOException {
    ensureOpen();
    if (channel != broken) {
      return; // another thread reopened it already
    }
    // Nothing here may be interruptible (FileChannel.size() is): the thread reopening may be the
    // interrupted one, whose status stays set.
    FileChannel fresh = FileChannel.open(file, openOptions);
    try {
      BasicFileAttributes now = Files.readAttributes(file, BasicFileAttributes.class, linkOptions);
      if (!Objects.equals(now.fileKey(), fileKey) || now.size() != size) {
        throw new IOException(file + " was replaced by another file while reading it"
            + " (its channel was closed by an interrupt and reopened)");
      }
    } catch (IOException | RuntimeException e) {
      fresh.close();
      throw e;
    }
    channel = fresh;
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("range source over " + file + " is closed");
    }
  }

  private InterruptedIOException interrupted(Exception cause) {
    InterruptedIOException e = new InterruptedIOException("interrupted while reading " + file);
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }
}
