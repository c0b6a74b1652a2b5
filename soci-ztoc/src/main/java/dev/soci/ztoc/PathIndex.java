package dev.soci.ztoc;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Name index of a {@link ZtocView}: a hash table of entry indexes keyed by normalised name
 * (O(1) lookups), built in one pass over the name bytes in the zTOC buffer without creating an
 * object per entry. Names are raw bytes and compared as such (a UTF-8 query matches UTF-8
 * names; any other encoding matches only itself). Names that need real normalisation ({@code
 * a//b}, {@code a/./b}, {@code ..}) are rare; only those are normalised into a side pool. A
 * name-sorted order, needed only for directory listings, is built on first use.
 */
final class PathIndex {
  private final ZtocView view;
  private final ByteBuffer bb;
  private final byte[] pool;
  // Normalised name of entry i: bb[start, start+len) when start >= 0, else pool[~start, +len).
  private final int[] start;
  private final int[] length;
  private final int[] slots;
  private final int mask;
  private volatile int[] sorted;

  PathIndex(ZtocView view, ByteBuffer bb, int[] nameStart, int[] nameLength) {
    this.view = view;
    this.bb = bb;
    int n = nameStart.length;
    start = new int[n];
    length = new int[n];
    ByteArrayOutputStream slow = new ByteArrayOutputStream();
    for (int i = 0; i < n; i++) {
      if (!fastNormalise(i, nameStart[i], nameLength[i])) {
        byte[] raw = new byte[nameLength[i]];
        bb.get(nameStart[i], raw);
        byte[] norm = normalise(raw);
        start[i] = ~slow.size();
        length[i] = norm.length;
        slow.writeBytes(norm);
      }
    }
    pool = slow.toByteArray();
    int cap = Integer.highestOneBit(Math.max(4, n * 2 - 1)) << 1;
    slots = new int[cap];
    Arrays.fill(slots, -1);
    mask = cap - 1;
    for (int i = 0; i < n; i++) {
      int h = hash(i) & mask;
      while (slots[h] >= 0 && !sameName(slots[h], i)) {
        h = (h + 1) & mask;
      }
      slots[h] = i; // a later duplicate replaces the earlier one, as extraction would
    }
  }

  /** Handles the common case in place: strip leading "/" and "./", trailing "/"; no copy. */
  private boolean fastNormalise(int i, int s, int len) {
    int a = s;
    int end = s + len;
    while (true) {
      if (a < end && bb.get(a) == '/') {
        a++;
      } else if (a + 1 < end && bb.get(a) == '.' && bb.get(a + 1) == '/') {
        a += 2;
      } else {
        break;
      }
    }
    while (end > a && bb.get(end - 1) == '/') {
      end--;
    }
    int segStart = a;
    for (int p = a; p <= end; p++) {
      if (p == end || bb.get(p) == '/') {
        int seg = p - segStart;
        if (seg == 0 && p != a || seg == 0 && p == a && end > a) {
          return false; // empty segment
        }
        if (seg == 1 && bb.get(segStart) == '.'
            || seg == 2 && bb.get(segStart) == '.' && bb.get(segStart + 1) == '.') {
          return false;
        }
        segStart = p + 1;
      }
    }
    start[i] = a;
    length[i] = end - a;
    return true;
  }

  /** Path normalisation shared by entry names and queries (see {@link ZtocView}). */
  static byte[] normalise(byte[] path) {
    return isNormal(path) ? path : join(resolveDots(split(path)));
  }

  /** Whether {@code path} is already normal: no empty, {@code .} or {@code ..} segment. */
  private static boolean isNormal(byte[] path) {
    if (path.length == 0) {
      return true;
    }
    int from = 0;
    for (int p = 0; p <= path.length; p++) {
      if (p == path.length || path[p] == '/') {
        int len = p - from;
        if (len == 0
            || len == 1 && path[from] == '.'
            || len == 2 && path[from] == '.' && path[from + 1] == '.') {
          return false;
        }
        from = p + 1;
      }
    }
    return true;
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

  private byte byteAt(int entry, int k) {
    int s = start[entry];
    return s >= 0 ? bb.get(s + k) : pool[~s + k];
  }

  private int hash(int entry) {
    int h = 0x811c9dc5;
    for (int k = 0; k < length[entry]; k++) {
      h = (h ^ (byteAt(entry, k) & 0xff)) * 0x01000193;
    }
    return h ^ (h >>> 16);
  }

  private static int hash(byte[] key) {
    int h = 0x811c9dc5;
    for (byte b : key) {
      h = (h ^ (b & 0xff)) * 0x01000193;
    }
    return h ^ (h >>> 16);
  }

  private boolean sameName(int a, int b) {
    if (length[a] != length[b]) {
      return false;
    }
    for (int k = 0; k < length[a]; k++) {
      if (byteAt(a, k) != byteAt(b, k)) {
        return false;
      }
    }
    return true;
  }

  private boolean nameEquals(int entry, byte[] key) {
    if (length[entry] != key.length) {
      return false;
    }
    for (int k = 0; k < key.length; k++) {
      if (byteAt(entry, k) != key[k]) {
        return false;
      }
    }
    return true;
  }

  /** Entry index for an already normalised name, or -1. */
  int find(byte[] key) {
    int h = hash(key) & mask;
    while (slots[h] >= 0) {
      if (nameEquals(slots[h], key)) {
        return slots[h];
      }
      h = (h + 1) & mask;
    }
    return -1;
  }

  /** See {@link ZtocView#resolve}. */
  int resolve(byte[] path, int maxHops) throws SymlinkLoopException {
    Deque<byte[]> todo = new ArrayDeque<>(split(path));
    List<byte[]> cur = new ArrayList<>();
    int hops = 0;
    while (true) {
      while (!todo.isEmpty()) {
        byte[] seg = todo.pollFirst();
        if (seg.length == 0 || isDot(seg)) {
          continue;
        }
        if (isDotDot(seg)) {
          if (!cur.isEmpty()) {
            cur.remove(cur.size() - 1);
          }
          continue;
        }
        cur.add(seg);
        int idx = find(join(cur));
        if (idx >= 0 && view.type(idx) == EntryType.SYMLINK) {
          if (++hops > maxHops) {
            throw new SymlinkLoopException(ByteString.wrap(path).toString());
          }
          cur.remove(cur.size() - 1); // targets are relative to the link's directory
          byte[] target = view.rawLinkname(idx).internalArray();
          if (target.length > 0 && target[0] == '/') {
            cur.clear();
          }
          List<byte[]> segs = split(target);
          for (int k = segs.size() - 1; k >= 0; k--) {
            todo.addFirst(segs.get(k));
          }
        }
      }
      int idx = find(join(cur));
      if (idx < 0 || view.type(idx) != EntryType.HARDLINK) {
        return idx;
      }
      if (++hops > maxHops) {
        throw new SymlinkLoopException(ByteString.wrap(path).toString());
      }
      // A hard link names its target by archive path, from the layer root.
      cur.clear();
      todo.addAll(split(view.rawLinkname(idx).internalArray()));
    }
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
    int n = Math.min(length[a], length[b]);
    for (int k = 0; k < n; k++) {
      int c = Integer.compare(byteAt(a, k) & 0xff, byteAt(b, k) & 0xff);
      if (c != 0) {
        return c;
      }
    }
    int c = Integer.compare(length[a], length[b]);
    return c != 0 ? c : Integer.compare(a, b);
  }

  private int compareToKey(int e, byte[] key) {
    int n = Math.min(length[e], key.length);
    for (int k = 0; k < n; k++) {
      int c = Integer.compare(byteAt(e, k) & 0xff, key[k] & 0xff);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(length[e], key.length);
  }

  private boolean hasPrefix(int e, byte[] prefix) {
    if (length[e] < prefix.length) {
      return false;
    }
    for (int k = 0; k < prefix.length; k++) {
      if (byteAt(e, k) != prefix[k]) {
        return false;
      }
    }
    return true;
  }

  private int indexOfSlash(int e, int from) {
    for (int k = from; k < length[e]; k++) {
      if (byteAt(e, k) == '/') {
        return k;
      }
    }
    return -1;
  }
}
