package dev.soci.ztoc;

import java.io.ByteArrayOutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Name index of a {@link ZtocView}: an open-addressing hash table of entry indexes keyed by
 * normalised name (O(1) lookups), built in one pass over the name bytes in the zTOC's backing
 * array without creating an object per entry. Names are raw bytes and compared as such (a UTF-8
 * query matches UTF-8 names; any other encoding matches only itself). Names that need real
 * normalisation ({@code a//b}, {@code a/./b}, {@code ..}) are rare; only those are normalised
 * into a side pool. A name-sorted order, needed only for directory listings, is built on first
 * use.
 *
 * <p><b>Hostile names.</b> The hash is keyed with a random per-instance seed, so which names
 * share a slot cannot be planned ahead. A fast hash can still have collisions that hold for every
 * seed, so the build also counts its probes: when they exceed {@link #MAX_BUILD_PROBES_PER_ENTRY}
 * per entry (plus {@link #BUILD_PROBE_SLACK}) or a single insertion exceeds {@link
 * #MAX_INSERT_PROBES} (ordinary names need a few per entry, and rarely more than a hundred for
 * one), the build stops and every lookup uses binary search over the name-sorted order instead:
 * O(log n) comparisons whatever the names, never the quadratic cost of a flooded table.
 */
final class PathIndex {
  private static final VarHandle I64 =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long K = 0x9E3779B97F4A7C15L;
  private static final long ONES = 0x0101010101010101L;
  private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;

  /** Average probes per entry above which the hash table is given up for sorted search. */
  static final int MAX_BUILD_PROBES_PER_ENTRY = 4;
  /** Probes any build may use whatever its size, so that small indexes never fall back. */
  static final int BUILD_PROBE_SLACK = 1024;
  /** Probes one insertion may take before the hash table is given up for sorted search. */
  static final int MAX_INSERT_PROBES = 256;

  private final ZtocView view;
  private final byte[] buf;
  private final byte[] pool;
  // Normalised name of entry i: buf[start, start+len) when start >= 0, else pool[~start, +len).
  private final int[] start;
  private final int[] length;
  private final int[] hashes;
  // The hash key: a random seed per index, so that colliding names cannot be prepared ahead.
  private final long seed;
  // Open addressing, linear probing, load factor at most 1/2; -1 marks a free slot. Null when
  // the build gave up on hashing (see the class description): lookups then search `sorted`.
  private final int[] slots;
  private final int mask;
  // The same for the winning entries that are symbolic links only.
  private final int[] linkSlots;
  private final int linkMask;
  // Probes the build used (for tests: the flooding bound).
  private final long buildProbes;
  private volatile int[] sorted;

  PathIndex(ZtocView view, FlatBufferInput in, int[] nameStart, int[] nameLength) {
    this(view, in, nameStart, nameLength, java.util.concurrent.ThreadLocalRandom.current().nextLong());
  }

  /** An index with a given hash seed (tests). */
  PathIndex(ZtocView view, FlatBufferInput in, int[] nameStart, int[] nameLength, long seed) {
    this.view = view;
    this.seed = seed;
    this.buf = in.array();
    int base = in.base();
    int n = nameStart.length;
    start = new int[n];
    length = new int[n];
    hashes = new int[n];
    ByteArrayOutputStream slow = new ByteArrayOutputStream();
    // One pass per name: hash it while its bytes are in cache from the clean-path check.
    for (int i = 0; i < n; i++) {
      int s = base + nameStart[i];
      if (fastNormalise(i, s, nameLength[i])) {
        hashes[i] = hash(buf, start[i], length[i]);
      } else {
        byte[] norm = normalise(Arrays.copyOfRange(buf, s, s + nameLength[i]));
        start[i] = ~slow.size();
        length[i] = norm.length;
        hashes[i] = hash(norm, 0, norm.length);
        slow.writeBytes(norm);
      }
    }
    pool = slow.toByteArray();
    int cap = Integer.highestOneBit(Math.max(4, n * 2 - 1)) << 1;
    int[] table = new int[cap];
    Arrays.fill(table, -1);
    int tableMask = cap - 1;
    long budget = (long) MAX_BUILD_PROBES_PER_ENTRY * n + BUILD_PROBE_SLACK;
    long probes = 0;
    for (int i = 0; i < n && table != null; i++) {
      int h = hashes[i] & tableMask;
      int e;
      int steps = 0;
      while ((e = table[h]) >= 0 && !(hashes[e] == hashes[i] && sameName(e, i))) {
        h = (h + 1) & tableMask;
        if (++steps > MAX_INSERT_PROBES || probes + steps > budget) {
          table = null; // flooded: give up before the cost grows quadratic
          break;
        }
      }
      probes += steps;
      if (table != null) {
        table[h] = i; // a later duplicate replaces the earlier one, as extraction would
      }
    }
    buildProbes = probes;
    slots = table;
    mask = tableMask;
    if (slots == null) {
      linkSlots = null;
      linkMask = 0;
      sortedOrder(); // every lookup needs it now
      return;
    }
    // Symbolic links get a second, small table: resolve asks of every path component whether
    // it is a link, and most are not, so that question is answered without touching the big
    // table or the name bytes. Only names whose winning entry is a link go in, so the answer
    // is the same as looking the component up and checking its type.
    int links = 0;
    for (int i = 0; i < n; i++) {
      if (view.type(i) == EntryType.SYMLINK) {
        links++;
      }
    }
    int linkCap = Integer.highestOneBit(Math.max(4, links * 2 - 1)) << 1;
    int[] linkTable = new int[linkCap];
    Arrays.fill(linkTable, -1);
    linkMask = linkCap - 1;
    for (int i = 0; links > 0 && i < n && linkTable != null; i++) {
      if (view.type(i) == EntryType.SYMLINK && winner(i)) {
        int h = hashes[i] & linkMask;
        int steps = 0;
        while (linkTable[h] >= 0) {
          h = (h + 1) & linkMask; // winners have distinct names: no comparison needed
          if (++steps > MAX_INSERT_PROBES) {
            linkTable = null; // flooded: links are then found through the main table
            break;
          }
        }
        if (linkTable != null) {
          linkTable[h] = i;
        }
      }
    }
    linkSlots = linkTable;
  }

  /** Probes the build used. */
  long buildProbes() {
    return buildProbes;
  }

  /** Whether lookups use the hash table (false once flooding made the build give up on it). */
  boolean hashed() {
    return slots != null;
  }

  /** Whether entry {@code i} is the one its name finds (no later entry has the same name). */
  private boolean winner(int i) {
    int h = hashes[i] & mask;
    int e;
    while ((e = slots[h]) >= 0) {
      if (e == i) {
        return true;
      }
      if (hashes[e] == hashes[i] && sameName(e, i)) {
        return false;
      }
      h = (h + 1) & mask;
    }
    return false;
  }

  /**
   * Handles the common case in place: strips leading "/" and "./" and trailing "/" and records
   * the rest, without copying, when it has no empty, "." or ".." segment.
   */
  private boolean fastNormalise(int i, int s, int len) {
    int a = s;
    int end = s + len;
    while (true) {
      if (a < end && buf[a] == '/') {
        a++;
      } else if (a + 1 < end && buf[a] == '.' && buf[a + 1] == '/') {
        a += 2;
      } else {
        break;
      }
    }
    while (end > a && buf[end - 1] == '/') {
      end--;
    }
    if (!isNormal(buf, a, end)) {
      return false;
    }
    start[i] = a;
    length[i] = end - a;
    return true;
  }

  /**
   * Whether {@code b[from, to)} has no empty, "." or ".." segment. A bad segment needs a '/'
   * followed by '/' or '.', or a '.' first; the scan looks for those eight bytes at a time and
   * checks segments one by one only around a hit (hidden files such as {@code a/.profile} hit
   * but are normal).
   */
  static boolean isNormal(byte[] b, int from, int to) {
    if (from == to) {
      return true;
    }
    if (b[from] == '/' || b[from] == '.' || b[to - 1] == '/') {
      return isNormalSlow(b, from, to);
    }
    int p = from;
    for (; p + 9 <= to; p += 8) {
      long w = (long) I64.get(b, p);
      long next = (long) I64.get(b, p + 1);
      long hit = zeroBytes(w ^ ('/' * ONES)) & (zeroBytes(next ^ ('/' * ONES))
          | zeroBytes(next ^ ('.' * ONES)));
      if (hit != 0) {
        return isNormalSlow(b, from, to);
      }
    }
    for (; p + 1 < to; p++) {
      if (b[p] == '/' && (b[p + 1] == '/' || b[p + 1] == '.')) {
        return isNormalSlow(b, from, to);
      }
    }
    return true;
  }

  /** 0x80 in each byte of the result whose byte in {@code x} is zero, exactly (no carries). */
  private static long zeroBytes(long x) {
    return ~(((x & LOW7) + LOW7) | x | LOW7);
  }

  private static boolean isNormalSlow(byte[] b, int from, int to) {
    int segStart = from;
    for (int p = from; p <= to; p++) {
      if (p == to || b[p] == '/') {
        int seg = p - segStart;
        if (seg == 0
            || seg == 1 && b[segStart] == '.'
            || seg == 2 && b[segStart] == '.' && b[segStart + 1] == '.') {
          return false;
        }
        segStart = p + 1;
      }
    }
    return true;
  }

  /**
   * Keyed hash of {@code b[from, from + len)}: the state after each whole eight-byte word
   * ({@link #round}), then the tail and the length ({@link #finish}). It depends only on the
   * seed and the content, so a name in the zTOC, in the pool or in a query hashes alike; and
   * since the state after a prefix's words does not depend on what follows, {@link #resolve}
   * extends it segment by segment instead of rehashing the path so far.
   */
  int hash(byte[] b, int from, int len) {
    return hash(seed, b, from, len);
  }

  /** {@link #hash(byte[], int, int)} with the given seed. */
  static int hash(long seed, byte[] b, int from, int len) {
    return finish(words(seed, b, from, from + (len & ~7)), b, from, len);
  }

  /** The state after the words {@code b[from, to)} ({@code to - from} a multiple of 8). */
  private static long words(long h, byte[] b, int from, int to) {
    for (int p = from; p < to; p += 8) {
      h = round(h, (long) I64.get(b, p));
    }
    return h;
  }

  private static long round(long h, long w) {
    h = (h ^ w) * K;
    return h ^ (h >>> 29);
  }

  /** The hash of {@code b[from, from + len)} given the state after its whole words. */
  private static int finish(long h, byte[] b, int from, int len) {
    int r = len & 7;
    if (r != 0) {
      int end = from + len;
      long w;
      if (len >= 8) {
        w = (long) I64.get(b, end - 8) >>> (8 * (8 - r)); // the last r bytes, one load
      } else {
        w = 0;
        for (int k = end - 1; k >= from; k--) {
          w = (w << 8) | (b[k] & 0xff);
        }
      }
      h = round(h, w);
    }
    h = (h ^ len) * K;
    h ^= h >>> 32;
    h *= K;
    return (int) (h ^ (h >>> 32));
  }

  /** Path normalisation shared by entry names and queries (see {@link ZtocView}). */
  static byte[] normalise(byte[] path) {
    return isNormal(path, 0, path.length) ? path : join(resolveDots(split(path)));
  }

  /** The segments between {@code /} separators (empty ones included). */
  private static List<byte[]> split(byte[] path) {
    List<byte[]> out = new ArrayList<>();
    int from = 0;
    for (int p = 0; p <= path.length; p++) {
      if (p == path.length || path[p] == '/') {
        out.add(Arrays.copyOfRange(path, from, p));
        from = p + 1;
      }
    }
    return out;
  }

  /** Drops empty and {@code .} segments; {@code ..} removes the previous one. */
  private static List<byte[]> resolveDots(List<byte[]> segments) {
    List<byte[]> out = new ArrayList<>();
    for (byte[] seg : segments) {
      if (seg.length == 0 || isDot(seg)) {
        continue;
      }
      if (isDotDot(seg)) {
        if (!out.isEmpty()) {
          out.remove(out.size() - 1);
        }
      } else {
        out.add(seg);
      }
    }
    return out;
  }

  private static boolean isDot(byte[] seg) {
    return seg.length == 1 && seg[0] == '.';
  }

  private static boolean isDotDot(byte[] seg) {
    return seg.length == 2 && seg[0] == '.' && seg[1] == '.';
  }

  private static byte[] join(List<byte[]> segments) {
    int n = Math.max(0, segments.size() - 1);
    for (byte[] seg : segments) {
      n += seg.length;
    }
    byte[] out = new byte[n];
    int p = 0;
    for (byte[] seg : segments) {
      if (p > 0) {
        out[p++] = '/';
      }
      System.arraycopy(seg, 0, out, p, seg.length);
      p += seg.length;
    }
    return out;
  }

  private byte[] arrayOf(int entry) {
    return start[entry] >= 0 ? buf : pool;
  }

  private int from(int entry) {
    int s = start[entry];
    return s >= 0 ? s : ~s;
  }

  private boolean sameName(int a, int b) {
    int n = length[a];
    int fa = from(a);
    int fb = from(b);
    return n == length[b] && Arrays.equals(arrayOf(a), fa, fa + n, arrayOf(b), fb, fb + n);
  }

  /** Entry index for an already normalised name, or -1. */
  int find(byte[] key) {
    return find(key, 0, key.length);
  }

  /** Entry index for the already normalised name {@code key[from, from + len)}, or -1. */
  private int find(byte[] key, int from, int len) {
    return find(hash(key, from, len), key, from, len);
  }

  /** {@link #find(byte[], int, int)} given the key's {@link #hash}. */
  private int find(int hash, byte[] key, int from, int len) {
    if (slots == null) {
      return search(key, from, len);
    }
    return probe(slots, mask, hash, key, from, len);
  }

  /** The symbolic link named by the normalised {@code key[from, from + len)}, or -1. */
  private int findLink(int hash, byte[] key, int from, int len) {
    if (linkSlots == null) {
      int e = find(hash, key, from, len);
      return e >= 0 && view.type(e) == EntryType.SYMLINK ? e : -1;
    }
    return probe(linkSlots, linkMask, hash, key, from, len);
  }

  /**
   * Binary search of the name-sorted order: the last entry (in archive order) named {@code
   * key[from, from + len)}, or -1. Duplicates sort by index, so that is the last equal one.
   */
  private int search(byte[] key, int from, int len) {
    int[] order = sortedOrder();
    int lo = 0;
    int hi = order.length;
    while (lo < hi) { // first entry whose name is > key
      int mid = (lo + hi) >>> 1;
      if (compareToKey(order[mid], key, from, len) <= 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo > 0 && compareToKey(order[lo - 1], key, from, len) == 0 ? order[lo - 1] : -1;
  }

  private int probe(int[] table, int tableMask, int hash, byte[] key, int from, int len) {
    int h = hash & tableMask;
    int e;
    while ((e = table[h]) >= 0) {
      if (hashes[e] == hash && length[e] == len) {
        int f = from(e);
        if (Arrays.equals(arrayOf(e), f, f + len, key, from, from + len)) {
          return e;
        }
      }
      h = (h + 1) & tableMask;
    }
    return -1;
  }

  /**
   * Entry index for any path, normalised as {@link #normalise} would; already clean paths, with
   * or without leading and trailing slashes, are looked up in place without copying.
   */
  int lookup(byte[] path) {
    int a = 0;
    int end = path.length;
    while (a < end && path[a] == '/') {
      a++;
    }
    while (end > a && path[end - 1] == '/') {
      end--;
    }
    if (isNormal(path, a, end)) {
      return find(path, a, end - a);
    }
    return find(normalise(path));
  }

  /**
   * See {@link ZtocView#resolve}. Walks the path one segment at a time, keeping the normalised
   * path so far in one reusable array together with its hash state at every segment end, so
   * each segment costs its own length (hashing extends the state instead of rehashing the path
   * so far, and going back up a directory restores a saved state); the rest of the path is
   * re-assembled only when a link is followed. Work is thus linear in the path length times the
   * links followed, both bounded ({@link ZtocView#MAX_PATH_BYTES}, {@code maxHops}).
   */
  int resolve(byte[] path, int maxHops) throws SymlinkLoopException, PathTooLongException {
    if (path.length > ZtocView.MAX_PATH_BYTES) {
      throw new PathTooLongException("path", path.length);
    }
    byte[] cur = new byte[Math.max(32, path.length + 1)];
    int curLen = 0;
    int[] segStart = new int[8]; // where each segment of cur starts
    long[] segState = new long[8]; // hash state after the whole words up to each segment's end
    int depth = 0;
    long h = seed; // hash state after the whole words of cur[0, curLen)
    byte[] rest = path; // segments still to walk, from pos
    int pos = 0;
    int hops = 0;
    while (true) {
      while (pos < rest.length) {
        int q = pos;
        while (q < rest.length && rest[q] != '/') {
          q++;
        }
        int from = pos;
        int len = q - pos;
        pos = q + 1;
        if (len == 0 || len == 1 && rest[from] == '.') {
          continue;
        }
        if (len == 2 && rest[from] == '.' && rest[from + 1] == '.') {
          if (depth > 0) {
            depth--;
            curLen = Math.max(0, segStart[depth] - 1);
            h = depth == 0 ? seed : segState[depth - 1];
          }
          continue;
        }
        int s = depth == 0 ? 0 : curLen + 1;
        if (s + len > cur.length) {
          cur = Arrays.copyOf(cur, Math.max(cur.length * 2, s + len));
        }
        if (depth == segStart.length) {
          segStart = Arrays.copyOf(segStart, depth * 2);
          segState = Arrays.copyOf(segState, depth * 2);
        }
        if (depth > 0) {
          cur[curLen] = '/';
        }
        System.arraycopy(rest, from, cur, s, len);
        int newLen = s + len;
        h = words(h, cur, curLen & ~7, newLen & ~7);
        segStart[depth] = s;
        segState[depth++] = h;
        curLen = newLen;
        int idx = findLink(finish(h, cur, 0, curLen), cur, 0, curLen);
        if (idx >= 0) {
          if (++hops > maxHops) {
            throw new SymlinkLoopException(ByteString.wrap(path).toString());
          }
          depth--; // targets are relative to the link's directory
          curLen = Math.max(0, segStart[depth] - 1);
          h = depth == 0 ? seed : segState[depth - 1];
          byte[] target = linkTarget(idx);
          if (target.length > 0 && target[0] == '/') {
            depth = 0;
            curLen = 0;
            h = seed;
          }
          // Walk the target, then what followed the link.
          int tail = Math.max(0, rest.length - pos);
          byte[] next = new byte[target.length + 1 + tail];
          System.arraycopy(target, 0, next, 0, target.length);
          next[target.length] = '/';
          System.arraycopy(rest, rest.length - tail, next, target.length + 1, tail);
          rest = next;
          pos = 0;
        }
      }
      int idx = find(finish(h, cur, 0, curLen), cur, 0, curLen);
      if (idx < 0 || view.type(idx) != EntryType.HARDLINK) {
        return idx;
      }
      if (++hops > maxHops) {
        throw new SymlinkLoopException(ByteString.wrap(path).toString());
      }
      // A hard link names its target by archive path, from the layer root.
      depth = 0;
      curLen = 0;
      h = seed;
      rest = linkTarget(idx);
      pos = 0;
    }
  }

  /** The link target of entry {@code idx}, at most {@link ZtocView#MAX_PATH_BYTES} long. */
  private byte[] linkTarget(int idx) throws PathTooLongException {
    byte[] target = view.rawLinkname(idx).internalArray();
    if (target.length > ZtocView.MAX_PATH_BYTES) {
      throw new PathTooLongException("link target of \"" + view.rawName(idx) + "\"", target.length);
    }
    return target;
  }

  /** Direct children of a normalised directory name, in name order. */
  int[] children(byte[] dir) {
    int[] order = sortedOrder();
    byte[] prefix = dir;
    if (dir.length > 0) {
      prefix = Arrays.copyOf(dir, dir.length + 1);
      prefix[dir.length] = '/';
    }
    // First entry whose name is >= prefix.
    int lo = 0;
    int hi = order.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (compareToKey(order[mid], prefix) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    int[] out = new int[8];
    int count = 0;
    for (int k = lo; k < order.length; k++) {
      int e = order[k];
      if (!hasPrefix(e, prefix)) {
        break;
      }
      if (length[e] == prefix.length || indexOfSlash(e, prefix.length) >= 0) {
        continue; // the directory itself, or a grandchild
      }
      if (count > 0 && sameName(out[count - 1], e)) {
        out[count - 1] = e; // duplicates sort by index: keep the last, as lookup does
        continue;
      }
      if (count == out.length) {
        out = Arrays.copyOf(out, count * 2);
      }
      out[count++] = e;
    }
    return Arrays.copyOf(out, count);
  }

  private int[] sortedOrder() {
    int[] s = sorted;
    if (s == null) {
      s = IntSort.sortedIndexes(length.length, this::compareNames);
      sorted = s;
    }
    return s;
  }

  private int compareNames(int a, int b) {
    int fa = from(a);
    int fb = from(b);
    int c = Arrays.compareUnsigned(arrayOf(a), fa, fa + length[a], arrayOf(b), fb, fb + length[b]);
    return c != 0 ? c : Integer.compare(a, b);
  }

  private int compareToKey(int e, byte[] key) {
    return compareToKey(e, key, 0, key.length);
  }

  private int compareToKey(int e, byte[] key, int from, int len) {
    int f = from(e);
    return Arrays.compareUnsigned(arrayOf(e), f, f + length[e], key, from, from + len);
  }

  private boolean hasPrefix(int e, byte[] prefix) {
    int f = from(e);
    return length[e] >= prefix.length
        && Arrays.equals(arrayOf(e), f, f + prefix.length, prefix, 0, prefix.length);
  }

  private int indexOfSlash(int e, int from) {
    byte[] b = arrayOf(e);
    int f = from(e);
    for (int k = from; k < length[e]; k++) {
      if (b[f + k] == '/') {
        return k;
      }
    }
    return -1;
  }
}
