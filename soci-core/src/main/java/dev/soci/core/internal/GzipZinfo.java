package dev.soci.core.internal;

import dev.soci.core.CorruptZinfoException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The gzip zinfo blob stored as the {@code checkpoints} bytes of a gzip zTOC (FORMATS.md 1.2):
 * a span size and the checkpoints, little-endian.
 *
 * <p>Version 2 (current) stores every checkpoint. Version 1 omits checkpoint 0, which is then
 * implicitly {@code {in: 10, out: 0, bits: 0, window: zeros}}; the two are told apart by length.
 * An instance remembers which version it was read as so that re-serialising a v1 blob gives the
 * same bytes.
 */
public final class GzipZinfo {
  /** Version 1: checkpoint 0 implicit. */
  public static final int VERSION_1 = 1;
  /** Version 2: every checkpoint stored. */
  public static final int VERSION_2 = 2;

  /** Bytes before the first checkpoint record: the checkpoint count (int) and the span size (long). */
  public static final int HEADER = 4 + 8;
  /** Bytes of one checkpoint record: in (long), out (long), bits (byte) and the window. */
  public static final int RECORD = 8 + 8 + 1 + Checkpoint.WINDOW_SIZE;
  /** The {@code in} of version 1's implicit checkpoint 0: just after a minimal gzip header. */
  public static final long V1_FIRST_IN = 10;

  private final long spanSize;
  private final List<Checkpoint> checkpoints;
  private final int version;

  /** A version 2 zinfo. */
  public GzipZinfo(long spanSize, List<Checkpoint> checkpoints) {
    this(spanSize, checkpoints, VERSION_2);
  }

  /**
   * A zinfo of the given version.
   *
   * @throws IllegalArgumentException when the checkpoints are not a valid sequence, or version 1
   *     is asked for but checkpoint 0 is not the implicit one
   */
  public GzipZinfo(long spanSize, List<Checkpoint> checkpoints, int version) {
    this.checkpoints = List.copyOf(Objects.requireNonNull(checkpoints, "checkpoints"));
    String problem = validate(spanSize, this.checkpoints, version);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    this.spanSize = spanSize;
    this.version = version;
  }

  private static String validate(long spanSize, List<Checkpoint> cps, int version) {
    if (version != VERSION_1 && version != VERSION_2) {
      return "unknown zinfo version " + version;
    }
    if (spanSize <= 0) {
      return "span size must be positive: " + spanSize;
    }
    if (cps.isEmpty()) {
      return "a gzip zinfo has at least one checkpoint";
    }
    for (int i = 1; i < cps.size(); i++) {
      Checkpoint a = cps.get(i - 1);
      Checkpoint b = cps.get(i);
      if (b.in() < a.in() || b.out() < a.out()) {
        return "checkpoint " + i + " goes backwards: " + a + " then " + b;
      }
    }
    if (version == VERSION_1 && !isImplicitFirst(cps.get(0))) {
      return "version 1 requires checkpoint 0 to be {in 10, out 0, bits 0, zero window}, got " + cps.get(0);
    }
    return null;
  }

  private static boolean isImplicitFirst(Checkpoint c) {
    if (c.in() != V1_FIRST_IN || c.out() != 0 || c.bits() != 0) {
      return false;
    }
    for (byte b : c.window()) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  public long spanSize() {
    return spanSize;
  }

  /** The checkpoints, checkpoint 0 included (also for version 1). Unmodifiable. */
  public List<Checkpoint> checkpoints() {
    return checkpoints;
  }

  /** {@link #VERSION_1} or {@link #VERSION_2}: how this zinfo was read, and how {@link #toBytes()} writes it. */
  public int version() {
    return version;
  }

  /** Serialises in {@link #version()} format. */
  public byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(serializedSize());
    writeTo(b);
    return b.array();
  }

  /**
   * Length in bytes of a version 2 zinfo of {@code checkpoints} checkpoints: what a zTOC built
   * now stores for them (a header and 32,785 bytes per checkpoint).
   */
  public static long serializedSize(long checkpoints) {
    return HEADER + checkpoints * RECORD;
  }

  /** Length in bytes of {@link #toBytes()}, without building it. */
  public int serializedSize() {
    long len = serializedSize(checkpoints.size() - (version == VERSION_1 ? 1 : 0));
    if (len > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("too many checkpoints to serialise: " + checkpoints.size());
    }
    return (int) len;
  }

  /**
   * Writes the {@link #toBytes()} bytes into {@code dst} at its position, advancing it by {@link
   * #serializedSize()}: lets a zTOC encoder put the windows straight into its output instead of
   * holding a second multi-MiB copy of them. The buffer's byte order is left unchanged.
   */
  public void writeTo(ByteBuffer dst) {
    if (dst.remaining() < serializedSize()) {
      throw new java.nio.BufferOverflowException();
    }
    ByteOrder order = dst.order();
    dst.order(ByteOrder.LITTLE_ENDIAN);
    dst.putInt(checkpoints.size());
    dst.putLong(spanSize);
    for (int i = version == VERSION_1 ? 1 : 0; i < checkpoints.size(); i++) {
      Checkpoint c = checkpoints.get(i);
      dst.putLong(c.in()).putLong(c.out()).put((byte) c.bits()).put(c.window());
    }
    dst.order(order);
  }

  /**
   * Which version a blob of {@code length} bytes declaring {@code count} checkpoints is, told
   * apart by length alone (the one rule for every reader of the layout): {@link #VERSION_2} when
   * every checkpoint is stored, {@link #VERSION_1} when checkpoint 0 is left out, 0 when the
   * length fits neither or {@code count} is below 1.
   */
  public static int versionOf(long length, long count) {
    if (count < 1) {
      return 0;
    }
    if (length == HEADER + count * RECORD) {
      return VERSION_2;
    }
    if (length == HEADER + (count - 1) * RECORD) {
      return VERSION_1;
    }
    return 0;
  }

  /**
   * Parses a v1 or v2 blob; the remaining bytes of {@code blob} must be exactly one zinfo. The
   * buffer's position is not changed.
   *
   * @throws CorruptZinfoException when the length fits neither version, or a field is invalid
   */
  public static GzipZinfo parse(ByteBuffer blob) throws CorruptZinfoException {
    ByteBuffer b = blob.slice().order(ByteOrder.LITTLE_ENDIAN);
    long len = b.remaining();
    if (len < HEADER) {
      throw new CorruptZinfoException("zinfo blob too short: " + len + " bytes");
    }
    long count = b.getInt(0);
    long spanSize = b.getLong(4);
    if (count < 1) {
      throw new CorruptZinfoException("zinfo checkpoint count must be at least 1, got " + count);
    }
    // Decide the version from the length before allocating anything count-sized.
    int version = versionOf(len, count);
    if (version == 0) {
      throw new CorruptZinfoException("zinfo blob length " + len + " matches neither version 1 nor version 2 for "
          + count + " checkpoints");
    }
    if (spanSize <= 0) {
      throw new CorruptZinfoException("zinfo span size must be positive, got " + spanSize);
    }
    List<Checkpoint> cps = new ArrayList<>((int) count);
    if (version == VERSION_1) {
      cps.add(new Checkpoint(V1_FIRST_IN, 0, 0, new byte[Checkpoint.WINDOW_SIZE]));
    }
    int pos = HEADER;
    long prevIn = 0;
    long prevOut = 0;
    if (version == VERSION_1) {
      prevIn = V1_FIRST_IN;
    }
    while (pos < len) {
      int i = cps.size();
      long in = b.getLong(pos);
      long out = b.getLong(pos + 8);
      int bits = b.get(pos + 16);
      if (in < 0 || out < 0) {
        throw new CorruptZinfoException("checkpoint " + i + " has a negative offset: in=" + in + " out=" + out);
      }
      if (bits < 0 || bits > 7) {
        throw new CorruptZinfoException("checkpoint " + i + " has bits=" + bits + ", must be 0..7");
      }
      if (bits != 0 && in == 0) {
        throw new CorruptZinfoException("checkpoint " + i + " has bits=" + bits + " at in=0");
      }
      if (in < prevIn || out < prevOut) {
        throw new CorruptZinfoException("checkpoint " + i + " goes backwards: in " + prevIn + " -> " + in
            + ", out " + prevOut + " -> " + out);
      }
      byte[] w = new byte[Checkpoint.WINDOW_SIZE];
      b.get(pos + 17, w);
      cps.add(new Checkpoint(in, out, bits, w));
      prevIn = in;
      prevOut = out;
      pos += RECORD;
    }
    return new GzipZinfo(spanSize, cps, version);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GzipZinfo z && z.spanSize == spanSize && z.version == version
        && z.checkpoints.equals(checkpoints);
  }

  @Override
  public int hashCode() {
    return Objects.hash(spanSize, version, checkpoints);
  }

  @Override
  public String toString() {
    return "GzipZinfo[v" + version + ", spanSize=" + spanSize + ", " + checkpoints.size() + " checkpoints]";
  }
}
