package dev.soci.core;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Random access to the bytes of a blob (a compressed layer), by range.
 *
 * <p>This is what the random-access reader fetches spans through. The library provides sources
 * over a file ({@link #of(Path)}) and over memory ({@link #of(byte[])}, {@link #of(ByteBuffer)});
 * callers implement it for anything else, typically HTTP range requests against a registry.
 *
 * <p>Implementations must be safe for concurrent use by many threads: the reader fetches the
 * spans of one large read in parallel.
 */
public interface RangeSource extends Closeable {

  /**
   * Total size of the blob in bytes.
   *
   * @return the number of bytes in the blob; every valid offset is below it
   * @throws IOException if the size cannot be learnt (a failed request, a closed source)
   */
  long size() throws IOException;

  /**
   * Fills {@code dst} from its position to its limit with the blob's bytes starting at {@code
   * offset}.
   *
   * @param offset byte offset in the blob of the first byte to read; not negative
   * @param dst the buffer to fill; its position advances to its limit on success
   * @throws EOFException if the blob ends before {@code dst} is full
   */
  void readFully(long offset, ByteBuffer dst) throws IOException;

  /** Closes the underlying resource; the default does nothing. */
  @Override
  default void close() throws IOException {}

  /**
   * A source over an in-memory array; the array is not copied.
   *
   * @param bytes the blob's bytes; later changes to the array show through the source
   * @return a source whose size is the array's length
   */
  static RangeSource of(byte[] bytes) {
    return of(ByteBuffer.wrap(bytes));
  }

  /**
   * A source over a buffer's bytes from its position to its limit. The buffer is not copied and
   * its position and limit are not changed.
   *
   * @param buffer the buffer holding the blob's bytes from its position to its limit
   * @return a read-only source whose size is the buffer's remaining bytes when this was called
   */
  static RangeSource of(ByteBuffer buffer) {
    ByteBuffer view = buffer.slice().asReadOnlyBuffer();
    return new RangeSource() {
      @Override
      public long size() {
        return view.capacity();
      }

      @Override
      public void readFully(long offset, ByteBuffer dst) throws IOException {
        int len = dst.remaining();
        checkRange(offset, len, view.capacity());
        dst.put(view.slice((int) offset, len));
      }
    };
  }

  /**
   * A source over a file, read with positional reads (no shared file pointer, so concurrent reads
   * do not contend). Closing the source closes the file; reads after that fail with an {@link
   * IOException} saying so.
   *
   * <p>An interrupt does not break the source for other threads (as it would a bare {@link
   * java.nio.channels.FileChannel}, which an interrupted read closes for everyone): the
   * interrupted thread's read fails with {@link java.io.InterruptedIOException}, its interrupt
   * status still set, and the other threads keep reading correct bytes. The size is the file's
   * size when it was opened (a blob does not change).
   *
   * @param file the blob's file
   * @return a source over the file, to be closed by the caller
   * @throws IOException if the file cannot be opened or its size read
   */
  static RangeSource of(Path file) throws IOException {
    return new FileRangeSource(file);
  }

  /**
   * {@link #of(Path)} with link options: {@link java.nio.file.LinkOption#NOFOLLOW_LINKS} refuses
   * a file that is a symbolic link (when it is opened and whenever it is reopened), for stores
   * that must not be led outside their directory.
   *
   * @param file the blob's file
   * @param options {@link java.nio.file.LinkOption#NOFOLLOW_LINKS} to refuse a symbolic link,
   *     or none to follow links as {@link #of(Path)} does
   * @return a source over the file, to be closed by the caller
   * @throws IOException if the file cannot be opened (a symbolic link when links are refused)
   *     or its size read
   */
  static RangeSource of(Path file, java.nio.file.LinkOption... options) throws IOException {
    return new FileRangeSource(file, options);
  }

  /**
   * The {@code size} bytes of this source from {@code offset} on, as a source of their own (a
   * blob stored inside an archive). Closing the slice closes this source.
   *
   * @param offset byte offset in this source where the slice starts
   * @param size the slice's length in bytes
   * @return a source whose byte 0 is this source's byte {@code offset}
   * @throws EOFException when the slice does not lie inside this source
   */
  default RangeSource slice(long offset, long size) throws IOException {
    RangeSource whole = this;
    if (offset < 0 || size < 0 || offset > whole.size() || size > whole.size() - offset) {
      throw new EOFException("slice [" + offset + ", " + (offset + size)
          + ") is outside a blob of " + whole.size() + " bytes");
    }
    return new RangeSource() {
      @Override
      public long size() {
        return size;
      }

      @Override
      public void readFully(long at, ByteBuffer dst) throws IOException {
        checkRange(at, dst.remaining(), size);
        whole.readFully(offset + at, dst);
      }

      @Override
      public void close() throws IOException {
        whole.close();
      }
    };
  }

  /**
   * Checks that {@code len} bytes at {@code offset} lie inside a blob of {@code size} bytes, as
   * {@link #readFully} requires; the {@link EOFException} every source throws otherwise, so that
   * implementations (a caller's HTTP source too) fail alike.
   *
   * @param offset byte offset of the range's first byte
   * @param len the range's length in bytes
   * @param size the blob's size in bytes
   * @throws EOFException if the range starts before 0 or ends after {@code size}
   */
  static void checkRange(long offset, int len, long size) throws EOFException {
    if (offset < 0 || offset > size || len > size - offset) {
      throw new EOFException(
          "range [" + offset + ", " + (offset + len) + ") is outside a blob of " + size + " bytes");
    }
  }
}
