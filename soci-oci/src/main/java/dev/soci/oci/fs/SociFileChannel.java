package dev.soci.oci.fs;

import dev.soci.oci.image.ImageEntry;
import dev.soci.oci.image.SociImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A read-only channel over one regular file of an image. Positional reads ({@link
 * #read(ByteBuffer, long)}) go straight to {@link SociImage#read} and may run in parallel from
 * any threads; relative reads take the channel's position under its lock. Writing throws
 * {@link NonWritableChannelException}; mapping is unsupported (the bytes are not in a file);
 * shared locks are granted (nothing can write), exclusive ones refused as for any channel
 * opened only for reading.
 */
final class SociFileChannel extends FileChannel {
  private final SociFileSystem fs;
  private final SociImage image;
  private final ImageEntry file;
  private final Object positionLock = new Object();
  private long position;

  SociFileChannel(SociFileSystem fs, ImageEntry file) {
    this.fs = fs;
    this.image = fs.image();
    this.file = file;
  }

  private void ensureOpen() throws IOException {
    if (!isOpen() || !fs.isOpen()) {
      throw new ClosedChannelException();
    }
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    synchronized (positionLock) {
      int n = read(dst, position);
      if (n > 0) {
        position += n;
      }
      return n;
    }
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    java.util.Objects.checkFromIndexSize(offset, length, dsts.length);
    synchronized (positionLock) {
      long total = 0;
      for (int i = offset; i < offset + length; i++) {
        if (!dsts[i].hasRemaining()) {
          continue;
        }
        int n = read(dsts[i], position);
        if (n < 0) {
          return total == 0 ? -1 : total;
        }
        position += n;
        total += n;
        if (dsts[i].hasRemaining()) {
          break; // short read: the file ended
        }
      }
      return total;
    }
  }

  @Override
  public int read(ByteBuffer dst, long pos) throws IOException {
    if (pos < 0) {
      throw new IllegalArgumentException("negative position " + pos);
    }
    ensureOpen();
    return image.read(file, pos, dst);
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) {
    throw new NonWritableChannelException();
  }

  @Override
  public int write(ByteBuffer src, long pos) {
    throw new NonWritableChannelException();
  }

  @Override
  public long position() throws IOException {
    ensureOpen();
    synchronized (positionLock) {
      return position;
    }
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position " + newPosition);
    }
    ensureOpen();
    synchronized (positionLock) {
      position = newPosition;
    }
    return this;
  }

  @Override
  public long size() throws IOException {
    ensureOpen();
    return file.size();
  }

  @Override
  public FileChannel truncate(long size) {
    throw new NonWritableChannelException();
  }

  @Override
  public void force(boolean metaData) throws IOException {
    ensureOpen(); // nothing written, nothing to force
  }

  @Override
  public long transferTo(long pos, long count, WritableByteChannel target) throws IOException {
    if (pos < 0 || count < 0) {
      throw new IllegalArgumentException("negative position or count");
    }
    ensureOpen();
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(count, 1 << 16));
    long done = 0;
    while (done < count) {
      buf.clear().limit((int) Math.min(buf.capacity(), count - done));
      int n = read(buf, pos + done);
      if (n <= 0) {
        break;
      }
      buf.flip();
      while (buf.hasRemaining()) {
        target.write(buf);
      }
      done += n;
    }
    return done;
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long pos, long count) {
    throw new NonWritableChannelException();
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long pos, long size) {
    throw new UnsupportedOperationException("an image's file cannot be mapped: read it instead");
  }

  @Override
  public FileLock lock(long pos, long size, boolean shared) throws IOException {
    return tryLock(pos, size, shared);
  }

  @Override
  public FileLock tryLock(long pos, long size, boolean shared) throws IOException {
    if (!shared) {
      throw new NonWritableChannelException();
    }
    ensureOpen();
    return new FileLock(this, pos, size, true) {
      private volatile boolean valid = true;

      @Override
      public boolean isValid() {
        return valid && channel().isOpen();
      }

      @Override
      public void release() throws IOException {
        if (!channel().isOpen()) {
          throw new ClosedChannelException();
        }
        valid = false;
      }
    };
  }

  @Override
  protected void implCloseChannel() {
    // Nothing held: the image's readers belong to the image.
  }
}
