package dev.soci.ztoc;

import dev.soci.core.CheckpointMismatchException;
import dev.soci.core.RangeSource;
import dev.soci.core.SociException;
import dev.soci.ztoc.internal.TarHeader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Random access to the files of a layer through its zTOC, fetching only the spans it needs.
 *
 * <p>Each span is fetched from the {@link RangeSource} once into a private copy, decompressed
 * from its checkpoint while another thread checks the copy against the zTOC's span digest, and
 * kept in a bounded cache only once the digest matched: a corrupt or wrong layer yields a
 * {@link SpanDigestMismatchException}, never wrong bytes, and no byte of a span is returned
 * before its digest has been verified. A span must also inflate to exactly the length its
 * checkpoints give and end where the next span starts ({@link
 * dev.soci.core.CheckpointMismatchException} otherwise), and a regular file's data must follow a
 * regular file's tar header. These checks hold the layer to the zTOC; the zTOC itself is only as
 * trustworthy as where it came from: open it with its expected digest ({@link
 * ZtocView#open(java.nio.file.Path, String)}) and see {@link ZtocView} for what a loose zTOC can and cannot
 * guarantee. The spans of a read that covers several are fetched and decompressed in parallel. A
 * reader is safe for use by many threads at once.
 *
 * <pre>{@code
 * ZtocView ztoc = ZtocView.open(Path.of("layer.ztoc"));
 * try (LayerReader reader = LayerReader.builder(ztoc, RangeSource.of(Path.of("layer.tar.gz"))).build()) {
 *   byte[] passwd = reader.readFile("etc/passwd");
 * }
 * }</pre>
 *
 * <p>Offsets given to {@link #read} are positions in the uncompressed tar stream, as in the zTOC.
 */
public final class LayerReader implements Closeable {
  /** Default bound on the decompressed spans kept in memory. */
  public static final long DEFAULT_CACHE_BYTES = 64L << 20;

  /**
   * Default bound on one span's decompressed size. Spans are normally about the span size plus
   * one deflate block; the bound keeps a hostile zTOC from making the reader allocate gigabytes.
   * On a small heap the default is lower: see {@link Builder#maxSpanBytes}.
   */
  public static final int DEFAULT_MAX_SPAN_BYTES = 256 << 20;

  private final ZtocView ztoc;
  private final RangeSource source;
  private final SpanCache cache;
  private final Executor executor;
  private final ExecutorService ownedExecutor;
  private final int maxSpanBytes;
  /** Uncompressed start and end of every span, copied once so a read resolves spans cheaply. */
  private final long[] spanStart;
  private final long[] spanEnd;
  /** Fetches, verifies and inflates spans for the cache; made once, so hits do not allocate. */
  private final SpanLoader loader;
  /**
   * The span the last read started in: sequential reads find their span here, or in the next
   * one, without a search. Racy on purpose; it is only a guess, checked against the bounds.
   */
  private int lastSpan;

  private LayerReader(Builder b) {
    this.ztoc = b.ztoc;
    this.source = b.source;
    int spans = ztoc.spanCount();
    this.spanStart = new long[spans];
    this.spanEnd = new long[spans];
    for (int i = 0; i < spans; i++) {
      spanStart[i] = ztoc.spanUncompressedStart(i);
      spanEnd[i] = ztoc.spanUncompressedEnd(i);
    }
    this.cache = b.cacheBudget != null ? new SpanCache(b.cacheBudget, spans) : new SpanCache(b.cacheBytes, spans);
    this.maxSpanBytes = b.maxSpanBytes;
    if (b.executor != null) {
      this.executor = b.executor;
      this.ownedExecutor = null;
    } else {
      this.ownedExecutor = Executors.newFixedThreadPool(b.threads, new DaemonThreads());
      this.executor = ownedExecutor;
    }
    this.loader = new SpanLoader(ztoc, source, executor, maxSpanBytes);
  }

  /**
   * A builder for a reader of {@code layer} (the blob) described by {@code ztoc}.
   *
   * @param ztoc the layer's zTOC
   * @param layer the layer's compressed blob; closing the reader closes it
   * @return a builder with the default options
   */
  public static Builder builder(ZtocView ztoc, RangeSource layer) {
    return new Builder(ztoc, layer);
  }

  /**
   * A reader with the default options.
   *
   * @param ztoc the layer's zTOC
   * @param layer the layer's compressed blob; closing the reader closes it
   * @return a reader, to be closed by the caller
   * @throws IOException if the layer's size cannot be read or is not the one the zTOC records
   *     ({@link LayerMismatchException})
   */
  public static LayerReader open(ZtocView ztoc, RangeSource layer) throws IOException {
    return builder(ztoc, layer).build();
  }

  /**
   * The zTOC this reader serves files from.
   *
   * @return the zTOC given to the builder
   */
  public ZtocView ztoc() {
    return ztoc;
  }

  /**
   * Size of the uncompressed tar stream: reads at or past it return -1.
   *
   * @return the tar stream's length in bytes, as the zTOC records it
   */
  public long size() {
    return ztoc.uncompressedArchiveSize();
  }

  /**
   * Reads up to {@code len} bytes of the uncompressed tar stream at {@code offset}.
   *
   * @param offset offset in the uncompressed tar stream of the first byte to read; not negative
   * @param dst the array to read into
   * @param off index in {@code dst} of the first byte to write
   * @param len the most bytes to read
   * @return the number of bytes read: {@code len}, fewer only at the end of the stream, or -1
   *     when {@code offset} is at or past the end
   * @throws SpanDigestMismatchException if a span's bytes are not those the zTOC describes
   * @throws SociException (another subclass) if the layer is corrupt or truncated
   */
  public int read(long offset, byte[] dst, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, dst.length);
    if (offset < 0) {
      throw new IllegalArgumentException("negative offset " + offset);
    }
    long end = size();
    if (offset >= end) {
      return len == 0 ? 0 : -1;
    }
    int n = (int) Math.min(len, end - offset);
    if (n == 0) {
      return 0;
    }
    int first = spanHolding(offset);
    if (offset + n <= spanEnd[first]) {
      // The common case, a read inside one span: no allocation, and no lock when it is cached.
      return copy(first, span(first), offset, dst, off, n);
    }
    int last = spanHolding(offset + n - 1);
    // Offer the later spans that are not cached to other threads while this one handles the
    // first; cached ones are simply copied in turn.
    List<Prefetch> ahead = new ArrayList<>(last - first);
    for (int s = first + 1; s <= last; s++) {
      Prefetch p = null;
      if (!cache.contains(s)) {
        p = new Prefetch(s);
        try {
          executor.execute(p);
        } catch (RejectedExecutionException e) {
          // A saturated or shut-down executor: this thread claims the span when it gets there.
        }
      }
      ahead.add(p);
    }
    int done = 0;
    for (int s = first; s <= last; s++) {
      Prefetch p = s == first ? null : ahead.get(s - first - 1);
      byte[] data = p == null ? span(s) : p.get();
      done += copy(s, data, offset + done, dst, off + done, n - done);
    }
    return done;
  }

  /**
   * A span offered to the executor that whichever thread gets to it first loads: a pool thread,
   * or the reading thread itself when no pool thread has started it. The reader therefore never
   * waits for a task that has not begun, so a caller running on the reader's own (bounded)
   * executor cannot deadlock it, and the loaded bytes are handed over directly, so even a cache
   * too small to keep them does not make the span load twice.
   */
  private final class Prefetch implements Runnable {
    private final int span;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();

    Prefetch(int span) {
      this.span = span;
    }

    @Override
    public void run() {
      if (claimed.compareAndSet(false, true)) {
        try {
          result.complete(span(span));
        } catch (Throwable t) {
          result.completeExceptionally(t);
        }
      }
    }

    byte[] get() throws IOException {
      if (claimed.compareAndSet(false, true)) {
        return span(span);
      }
      return join(result);
    }
  }

  /**
   * The span holding {@code offset}, which is inside the stream: the last span, or its next.
   * Validation at open makes the spans cover the stream; the check here keeps a broken promise
   * a typed error rather than an index out of bounds.
   */
  private int spanHolding(long offset) throws ZtocFormatException {
    int guess = lastSpan;
    if (guess < spanStart.length && offset >= spanStart[guess]) {
      if (offset < spanEnd[guess]) {
        return guess;
      }
      if (guess + 1 < spanStart.length && offset < spanEnd[guess + 1] && offset >= spanStart[guess + 1]) {
        lastSpan = guess + 1;
        return guess + 1;
      }
    }
    int found = ztoc.spanHolding(offset);
    if (found < 0 || found >= spanStart.length || offset < spanStart[found]
        || offset >= spanEnd[found]) {
      throw new ZtocFormatException("no span of the zTOC's " + spanStart.length
          + " covers offset " + offset + " of the tar stream");
    }
    lastSpan = found;
    return found;
  }

  /** Copies what span {@code s} (decoded as {@code data}) holds of {@code [pos, pos+want)}. */
  private int copy(int s, byte[] data, long pos, byte[] dst, int off, int want) throws LayerMismatchException {
    int from = (int) (pos - spanStart[s]);
    int take = (int) Math.min(want, data.length - (long) from);
    if (from < 0 || take <= 0) {
      throw new LayerMismatchException("span " + s + " decoded to " + data.length
          + " bytes, which does not cover offset " + pos + " as the zTOC promises");
    }
    System.arraycopy(data, from, dst, off, take);
    return take;
  }

  /**
   * The whole content of the regular file at {@code path} (hard and symbolic links followed).
   *
   * @param path the file's path in the layer, normalised as {@link ZtocView} describes
   * @return a fresh array holding the file's whole content
   * @throws IOException if there is no such regular file ({@link NoSuchEntryException}), it is too
   *     large for an array, or reading or checking the layer fails
   */
  public byte[] readFile(String path) throws IOException {
    int entry = regularFile(path);
    long size = ztoc.uncompressedSize(entry);
    if (size > Integer.MAX_VALUE - 8) {
      throw new IOException(path + " is " + size + " bytes, too large for an array: use openFile");
    }
    byte[] data = new byte[(int) size];
    readFully(ztoc.uncompressedOffset(entry), data, path);
    return data;
  }

  /**
   * A stream of the regular file at {@code path}; links are followed.
   *
   * @param path the file's path in the layer, normalised as {@link ZtocView} describes
   * @return a stream of the file's content, to be closed by the caller
   * @throws IOException if there is no such regular file ({@link NoSuchEntryException}) or its tar
   *     header cannot be read or checked
   */
  public InputStream openFile(String path) throws IOException {
    int entry = regularFile(path);
    return new FileStream(ztoc.uncompressedOffset(entry), ztoc.uncompressedSize(entry), path);
  }

  /**
   * A channel over the regular file at {@code path}; links are followed.
   *
   * @param path the file's path in the layer, normalised as {@link ZtocView} describes
   * @return a channel over the file's content, to be closed by the caller
   * @throws IOException if there is no such regular file ({@link NoSuchEntryException}) or its tar
   *     header cannot be read or checked
   */
  public ReadableByteChannel openChannel(String path) throws IOException {
    return Channels.newChannel(openFile(path));
  }

  /**
   * The index of the TOC entry holding the data of {@code path}: links resolved, required to be
   * a regular file, and its tar header found right before its data (see {@link #checkHeader}).
   *
   * @param path the file's path in the layer, normalised as {@link ZtocView} describes
   * @return the index in {@link #ztoc()} of the file's entry
   * @throws NoSuchEntryException if there is no such path or it is not a regular file
   * @throws LayerMismatchException if the block before the data is not a regular file's header
   */
  public int regularFile(String path) throws IOException {
    OptionalInt found = ztoc.resolve(path);
    if (found.isEmpty()) {
      throw new NoSuchEntryException(path, "no such file in the layer: " + path);
    }
    int entry = found.getAsInt();
    if (ztoc.type(entry) != EntryType.REG) {
      throw new NoSuchEntryException(path, path + " is not a regular file (it is a "
          + ztoc.type(entry).wireName() + ")");
    }
    checkPlacement(entry, path);
    return entry;
  }

  /**
   * Checks TOC entry {@code entry}, a regular file, as {@link #regularFile} does once it has
   * found one: its data inside the tar stream, right after a regular file's tar header. For
   * callers that find entries themselves (the merged tree of an image's layers); {@link #read}
   * at the entry's offset then gives its bytes.
   *
   * @param entry entry index in {@link #ztoc()}
   * @throws IllegalArgumentException if there is no such entry or it is not a regular file
   * @throws LayerMismatchException if the block before the data is not a regular file's header
   */
  public void checkRegularFile(int entry) throws IOException {
    java.util.Objects.checkIndex(entry, ztoc.entryCount());
    if (ztoc.type(entry) != EntryType.REG) {
      throw new IllegalArgumentException("entry " + entry + " is not a regular file (it is a "
          + ztoc.type(entry).wireName() + ")");
    }
    checkPlacement(entry, ztoc.name(entry));
  }

  private void checkPlacement(int entry, String path) throws IOException {
    long offset = ztoc.uncompressedOffset(entry);
    long size = ztoc.uncompressedSize(entry);
    if (offset < 0 || size < 0 || size > size() - offset) {
      throw new ZtocFormatException("the zTOC says " + path + " holds " + size + " bytes at offset "
          + offset + ", past the end of the layer's tar stream (" + size() + " bytes)");
    }
    checkHeader(offset, path);
  }

  /**
   * Checks that the 512 bytes before a regular file's data are a valid tar header of a regular
   * file. In every tar format the builder accepts, the block right before an entry's data is
   * that entry's own header: PAX records and GNU long names come before it, never between. So
   * this holds for every honest zTOC, and catches an entry offset, or checkpoints placing the
   * stream, that are off by whole blocks or more. It is a check of placement, not of content:
   * the header's name and size may be overridden by those earlier records and are not compared,
   * and the file's own bytes are only as trustworthy as the zTOC (see {@link ZtocView}).
   */
  private void checkHeader(long offset, String path) throws IOException {
    if (offset < TarHeader.BLOCK) {
      throw new ZtocFormatException("the zTOC places " + path + " at offset " + offset
          + ", before the end of any tar header");
    }
    byte[] block = new byte[TarHeader.BLOCK];
    readFully(offset - block.length, block, path);
    byte flag;
    try {
      flag = TarHeader.parse(block, offset - block.length).typeFlag;
    } catch (TarFormatException e) {
      throw new LayerMismatchException("the layer has no tar header before the data the zTOC"
          + " gives for " + path + " at offset " + offset + " (" + e.getMessage() + "): the zTOC"
          + " does not describe this layer's stream", e);
    }
    if (flag != '0' && flag != 0) {
      throw new LayerMismatchException("the tar header before the data the zTOC gives for "
          + path + " at offset " + offset + " is of type '" + (char) (flag & 0xff)
          + "', not a regular file: the zTOC does not describe this layer's stream");
    }
  }

  /**
   * Closes the range source, stops the reader's own threads (not a caller's executor) and gives
   * its cached spans back (to a shared {@link SpanCacheBudget}, if it has one).
   */
  @Override
  public void close() throws IOException {
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
    }
    cache.release();
    source.close();
  }

  private void readFully(long offset, byte[] data, String path) throws IOException {
    int done = 0;
    while (done < data.length) {
      int n = read(offset + done, data, done, data.length - done);
      if (n <= 0) {
        throw new LayerMismatchException(path + " extends past the end of the layer's tar stream");
      }
      done += n;
    }
  }

  byte[] span(int i) throws IOException {
    return cache.get(i, loader);
  }

  private static byte[] join(CompletableFuture<byte[]> f) throws IOException {
    try {
      return f.join();
    } catch (CompletionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IOException(c);
    }
  }

  /** Reads one file's bytes through the reader, a span at a time. */
  private final class FileStream extends InputStream {
    private final long start;
    private final long size;
    private final String path;
    private long pos;
    private long mark;

    FileStream(long start, long size, String path) {
      this.start = start;
      this.size = size;
      this.path = path;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      if (pos >= size) {
        return -1;
      }
      int want = (int) Math.min(len, size - pos);
      int n = LayerReader.this.read(start + pos, b, off, want);
      if (n <= 0) {
        throw new LayerMismatchException(path + " extends past the end of the layer's tar stream");
      }
      pos += n;
      return n;
    }

    @Override
    public long skip(long n) {
      long k = Math.max(0, Math.min(n, size - pos));
      pos += k;
      return k;
    }

    @Override
    public int available() {
      return (int) Math.min(Integer.MAX_VALUE, size - pos);
    }

    @Override
    public boolean markSupported() {
      return true;
    }

    @Override
    public synchronized void mark(int readlimit) {
      mark = pos;
    }

    @Override
    public synchronized void reset() {
      pos = mark;
    }
  }

  /** Threads of a reader's own pool: daemon, so an unclosed reader never keeps a JVM alive. */
  private static final class DaemonThreads implements java.util.concurrent.ThreadFactory {
    private static final AtomicInteger COUNT = new AtomicInteger();

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, "soci-span-" + COUNT.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  }

  /** The default span bound for a heap of {@code maxHeap} bytes (see {@link Builder#maxSpanBytes}). */
  static int defaultMaxSpanBytes(long maxHeap) {
    return (int) Math.max(1 << 20, Math.min(DEFAULT_MAX_SPAN_BYTES, maxHeap / 8));
  }

  /** Options of a {@link LayerReader}. */
  public static final class Builder {
    private final ZtocView ztoc;
    private final RangeSource source;
    private long cacheBytes = DEFAULT_CACHE_BYTES;
    private int maxSpanBytes = defaultMaxSpanBytes(Runtime.getRuntime().maxMemory());
    private SpanCacheBudget cacheBudget;
    private Executor executor;
    private int threads = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));

    private Builder(ZtocView ztoc, RangeSource source) {
      this.ztoc = Objects.requireNonNull(ztoc, "ztoc");
      this.source = Objects.requireNonNull(source, "layer");
    }

    /**
     * Bound on decompressed spans kept in memory (default 64 MiB); 0 keeps only the last.
     *
     * @param bytes the most decompressed bytes to keep; not negative
     * @return this builder
     */
    public Builder cacheBytes(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("negative cache size " + bytes);
      }
      this.cacheBytes = bytes;
      return this;
    }

    /**
     * Charge the decompressed spans to {@code budget}, a bound shared with other readers (the
     * layers of one image), instead of a bound of this reader's own ({@link #cacheBytes}).
     *
     * @param budget the shared bound; not null
     * @return this builder
     */
    public Builder cacheBudget(SpanCacheBudget budget) {
      this.cacheBudget = Objects.requireNonNull(budget, "budget");
      return this;
    }

    /**
     * Refuse spans larger than this, compressed or not. The default is {@link
     * #DEFAULT_MAX_SPAN_BYTES}, or an eighth of the maximum heap when that is less (32 MiB under
     * {@code -Xmx256m}, still eight times the default span size), so that a span a hostile zTOC
     * claims fails with a typed error rather than exhausting the heap.
     *
     * @param bytes the largest span size accepted, in bytes; positive
     * @return this builder
     */
    public Builder maxSpanBytes(int bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("max span size must be positive, got " + bytes);
      }
      this.maxSpanBytes = bytes;
      return this;
    }

    /**
     * Where spans of multi-span reads are fetched and decompressed in parallel. By default the
     * reader starts its own small pool of daemon threads, stopped by {@link #close()}; a given
     * executor is used as is and not shut down.
     *
     * @param executor runs the span fetches; not null
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Size of the reader's own pool when no executor is given (default: cores, 2 to 8).
     *
     * @param threads number of threads in the reader's own pool; positive
     * @return this builder
     */
    public Builder threads(int threads) {
      if (threads <= 0) {
        throw new IllegalArgumentException("threads must be positive, got " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * Builds the reader, checking that the layer has the size the zTOC records.
     *
     * @return a new reader, to be closed by the caller
     * @throws LayerMismatchException if it does not
     */
    public LayerReader build() throws IOException {
      long size = source.size();
      if (size != ztoc.compressedArchiveSize()) {
        throw new LayerMismatchException("the layer is " + size + " bytes but the zTOC was built"
            + " from a layer of " + ztoc.compressedArchiveSize() + " bytes");
      }
      return new LayerReader(this);
    }
  }
}
