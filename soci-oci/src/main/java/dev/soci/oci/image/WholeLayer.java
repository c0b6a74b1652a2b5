package dev.soci.oci.image;

import dev.soci.core.IndexLimitException;
import dev.soci.core.SociException;
import dev.soci.core.internal.Sha256;
import dev.soci.oci.Descriptor;
import dev.soci.oci.LayerCompression;
import dev.soci.oci.store.BlobMismatchException;
import dev.soci.oci.store.ContentStore;
import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.TocEntry;
import dev.soci.ztoc.internal.TarToc;
import dev.soci.ztoc.internal.TarTocBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * A layer without a zTOC, read by streaming its blob: once to list it (and keep small files),
 * again for each read of a file that was not kept.
 *
 * <p>The listing pass parses the tar with {@link TarTocBuilder}, the parser zTOCs are built
 * with, so the entries are exactly those a zTOC would hold (Go's tar semantics, PAX and GNU
 * records bounded to 1 MiB, at most the image's remaining entry budget). It keeps the data of
 * each regular file while the image's memory budget for such data lasts, and a SHA-256 of every
 * other file's data; the blob itself is read to its end, so the store checks its digest. A later
 * read of a file not kept streams the layer again up to the file and checks the file's bytes
 * against that SHA-256 at the file's end ({@link BlobMismatchException} if the store now serves
 * other bytes). Thread-safe once scanned.
 */
final class WholeLayer {
  private static final int CHUNK = 64 << 10;
  /** Files up to this size read by position are kept once read, one at a time. */
  private static final int LAST_FILE_MAX = 8 << 20;

  private final ContentStore store;
  private final Descriptor blob;
  private final String name;
  private final LayerCompression compression;
  private List<TocEntry> entries;
  private final Map<Integer, byte[]> kept = new HashMap<>();
  private final Map<Integer, byte[]> digests = new HashMap<>();
  /** The last file not kept that a positional read fetched whole, with its entry index. */
  private int lastEntry = -1;
  private byte[] lastData;

  WholeLayer(ContentStore store, Descriptor blob, String name, LayerCompression compression) {
    this.store = store;
    this.blob = blob;
    this.name = name;
    this.compression = compression;
  }

  /**
   * Streams the whole layer once: its entries (at most {@code maxEntries}), keeping file data
   * while {@code memory} (bytes left for kept data, shared by the image's whole layers) lasts.
   */
  List<TocEntry> scan(long maxEntries, AtomicLong memory) throws IOException {
    TarTocBuilder tar = new TarTocBuilder(Math.max(1, maxEntries), Long.MAX_VALUE);
    try (InputStream raw = store.openBlob(blob)) {
      InputStream in = decompressed(raw);
      byte[] buf = new byte[CHUNK];
      long pos = 0;
      int seen = 0;
      Capture current = null;
      while (!tar.isEnded()) {
        int n = in.read(buf);
        if (n < 0) {
          break;
        }
        try {
          tar.write(buf, 0, n);
        } catch (IndexLimitException e) {
          throw new ImageTreeException(name + " has more tar entries than the " + maxEntries
              + " the image's bound on entries leaves it: raise SociImage.Builder.maxEntries if"
              + " that is right", e);
        } catch (SociException e) {
          throw new ImageTreeException(name + " is not a tar stream this library reads: "
              + e.getMessage(), e);
        }
        if (current != null && current.take(buf, pos, n)) {
          current = null;
        }
        List<TocEntry> parsed = tar.entries();
        for (; seen < parsed.size(); seen++) {
          TocEntry e = parsed.get(seen);
          if (e.type() == EntryType.REG) {
            Capture c = new Capture(seen, e, memory);
            if (!c.take(buf, pos, n)) {
              current = c;
            }
          }
        }
        pos += n;
      }
      TarToc toc;
      try {
        toc = tar.finish();
      } catch (SociException e) {
        throw new ImageTreeException(name + ": " + e.getMessage(), e);
      }
      // The rest of the blob (the gzip trailer, padding): read so that the store checks the
      // digest of all of it. Raw bytes, bounded by the descriptor's size, not inflated ones.
      raw.transferTo(OutputStream.nullOutputStream());
      entries = toc.entries();
      return entries;
    }
  }

  /** The entries, after {@link #scan}. */
  List<TocEntry> entries() {
    return entries;
  }

  /** A stream of regular file {@code entry}'s data. */
  InputStream open(int entry) throws IOException {
    byte[] data;
    synchronized (this) {
      data = kept.get(entry);
      if (data == null && entry == lastEntry) {
        data = lastData;
      }
    }
    if (data != null) {
      return new ByteArrayInputStream(data);
    }
    return restream(entry);
  }

  /**
   * Reads up to {@code n} bytes of file {@code entry} at {@code position} into {@code dst}. A
   * file not kept is streamed from the layer again up to its end (so that its bytes are checked
   * first); one such file of up to 8 MiB is then kept for the next positional reads.
   */
  int read(int entry, long position, ByteBuffer dst, int n) throws IOException {
    byte[] data;
    synchronized (this) {
      data = kept.get(entry);
      if (data == null && entry == lastEntry) {
        data = lastData;
      }
    }
    TocEntry e = entries.get(entry);
    if (data == null && e.uncompressedSize() <= LAST_FILE_MAX) {
      try (InputStream in = restream(entry)) {
        data = in.readAllBytes();
      }
      synchronized (this) {
        lastEntry = entry;
        lastData = data;
      }
    }
    if (data != null) {
      dst.put(data, (int) position, n);
      return n;
    }
    try (InputStream in = restream(entry)) {
      skipFully(in, position, e);
      byte[] window = in.readNBytes(n);
      in.transferTo(OutputStream.nullOutputStream()); // to the file's end: checks its digest
      dst.put(window);
      return window.length;
    }
  }

  private InputStream restream(int entry) throws IOException {
    TocEntry e = entries.get(entry);
    InputStream raw = store.openBlob(blob);
    boolean ok = false;
    try {
      InputStream in = decompressed(raw);
      skipFully(in, e.uncompressedOffset(), e);
      ok = true;
      return new CheckedFile(in, e, digests.get(entry));
    } finally {
      if (!ok) {
        raw.close();
      }
    }
  }

  private void skipFully(InputStream in, long n, TocEntry e) throws IOException {
    byte[] buf = new byte[(int) Math.min(CHUNK, Math.max(1, n))];
    long left = n;
    while (left > 0) {
      int got = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (got < 0) {
        throw new BlobMismatchException(name + " ends before the data of /" + e.name()
            + ", which it had when listed");
      }
      left -= got;
    }
  }

  private InputStream decompressed(InputStream raw) throws IOException {
    return compression == LayerCompression.GZIP ? new GZIPInputStream(raw, CHUNK) : raw;
  }

  /** Keeps (or hashes) one file's data as the listing pass streams by. */
  private final class Capture {
    private final int entry;
    private final long start;
    private final long size;
    private final byte[] data;
    private final MessageDigest md;
    private long filled;

    Capture(int entry, TocEntry e, AtomicLong memory) {
      this.entry = entry;
      this.start = e.uncompressedOffset();
      this.size = e.uncompressedSize();
      boolean keep = size <= Integer.MAX_VALUE - 8 && reserve(memory, size);
      this.data = keep ? new byte[(int) size] : null;
      this.md = keep ? null : Sha256.newDigest();
      if (size == 0) {
        done();
      }
    }

    /** Takes what {@code buf} (stream bytes {@code [at, at+n)}) holds; true once complete. */
    boolean take(byte[] buf, long at, int n) {
      long from = Math.max(at, start + filled);
      long to = Math.min(at + n, start + size);
      if (from < to) {
        int off = (int) (from - at);
        int len = (int) (to - from);
        if (data != null) {
          System.arraycopy(buf, off, data, (int) filled, len);
        } else {
          md.update(buf, off, len);
        }
        filled += len;
        if (filled == size) {
          done();
        }
      }
      return filled == size;
    }

    private void done() {
      if (data != null) {
        kept.put(entry, data);
      } else {
        digests.put(entry, md.digest());
      }
    }
  }

  private static boolean reserve(AtomicLong memory, long size) {
    while (true) {
      long left = memory.get();
      if (size > left) {
        return false;
      }
      if (memory.compareAndSet(left, left - size)) {
        return true;
      }
    }
  }

  /** A file's bytes from a re-streamed layer, checked against the listing's digest at its end. */
  private final class CheckedFile extends InputStream {
    private final InputStream in;
    private final TocEntry entry;
    private final byte[] expected;
    private final MessageDigest md = Sha256.newDigest();
    private long left;

    CheckedFile(InputStream in, TocEntry entry, byte[] expected) {
      this.in = in;
      this.entry = entry;
      this.expected = expected;
      this.left = entry.uncompressedSize();
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      if (left == 0) {
        return -1;
      }
      if (len == 0) {
        return 0;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n < 0) {
        throw new BlobMismatchException(name + " ends inside the data of /" + entry.name()
            + ", which it held whole when listed");
      }
      md.update(b, off, n);
      left -= n;
      if (left == 0 && (expected == null || !MessageDigest.isEqual(expected, md.digest()))) {
        throw new BlobMismatchException(name + " now gives other bytes for /" + entry.name()
            + " than when it was listed: the store's copy of the blob changed");
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
