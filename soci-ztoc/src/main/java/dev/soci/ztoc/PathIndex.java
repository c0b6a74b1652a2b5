package dev.soci.ztoc;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Name index of a {@link ZtocView}: a hash table of entry indexes keyed by normalised name
 * (O(1) lookups), built in one pass over the name bytes in the zTOC buffer without creating a
 * String per entry. Names that need real normalisation ({@code a//b}, {@code a/./b}, {@code
 * ..}) are rare; only those are decoded, normalised and kept in a side pool. A name-sorted
 * order, needed only for directory listings, is built on first use.
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
        byte[] norm = normalise(new String(raw, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
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
  static String normalise(String path) {
    List<String> out = new ArrayList<>();
    for (String seg : path.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        if (!out.isEmpty()) {
          out.remove(out.size() - 1);
        }
      } else {
        out.add(seg);
      }
    }
    return String.join("/", out);
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
  int find(String normalised) {
    byte[] key = normalised.getBytes(StandardCharsets.UTF_8);
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
  int resolve(String path, int maxHops) throws SymlinkLoopException {
    Deque<String> todo = new ArrayDeque<>(Arrays.asList(path.split("/", -1)));
    List<String> cur = new ArrayList<>();
    int hops = 0;
    while (true) {
      while (!todo.isEmpty()) {
        String seg = todo.pollFirst();
        if (seg.isEmpty() || seg.equals(".")) {
          continue;
        }
        if (seg.equals("..")) {
          if (!cur.isEmpty()) {
            cur.remove(cur.size() - 1);
          }
          continue;
        }
        cur.add(seg);
        int idx = find(String.join("/", cur));
        if (idx >= 0 && view.type(idx) == EntryType.SYMLINK) {
          if (++hops > maxHops) {
            throw new SymlinkLoopException(path);
          }
          cur.remove(cur.size() - 1); // targets are relative to the link's directory
          String target = view.linkname(idx);
          if (target.startsWith("/")) {
            cur.clear();
          }
          String[] segs = target.split("/", -1);
          for (int k = segs.length - 1; k >= 0; k--) {
            todo.addFirst(segs[k]);
          }
        }
      }
      int idx = find(String.join("/", cur));
      if (idx < 0 || view.type(idx) != EntryType.HARDLINK) {
        return idx;
      }
      if (++hops > maxHops) {
        throw new SymlinkLoopException(path);
      }
      // A hard link names its target by archive path, from the layer root.
      cur.clear();
      todo.addAll(Arrays.asList(view.linkname(idx).split("/", -1)));
    }
  }

  /** Direct children of a normalised directory name, in name order. */
  int[] children(String dir) {
    int[] order = sortedOrder();
    byte[] prefix = (dir.isEmpty() ? "" : dir + "/").getBytes(StandardCharsets.UTF_8);
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
      Integer[] boxed = new Integer[length.length];
      for (int i = 0; i < boxed.length; i++) {
        boxed[i] = i;
      }
      Arrays.sort(boxed, this::compareNames);
      s = new int[boxed.length];
      for (int i = 0; i < s.length; i++) {
        s[i] = boxed[i];
      }
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
