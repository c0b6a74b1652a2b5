package dev.soci.oci.image;

import dev.soci.oci.image.MergedTree.Node;
import dev.soci.ztoc.ByteString;
import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.TocEntry;
import dev.soci.ztoc.ZtocView;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Applies layers' tar entries, bottom layer first, into a {@link MergedTree}, as an overlay
 * mount of the layers shows them (the OCI image spec's "Applying changesets"):
 *
 * <ul>
 *   <li>A whiteout {@code .wh.NAME} removes {@code NAME} (with everything under it) of the lower
 *       layers; an opaque marker {@code .wh..wh..opq} removes everything the lower layers have in
 *       its directory. Whiteouts never touch entries of their own layer, wherever they come in the
 *       tar, so each layer's whiteouts are applied before its other entries. Other {@code
 *       .wh..wh.} names (aufs metadata) are ignored; no whiteout is itself shown.
 *   <li>An entry replaces what the path held: a directory over a directory keeps the children
 *       and takes the new metadata; anything else drops the old node and what was under it.
 *   <li>An entry's parent directories exist in its layer: a missing one is implied (mode 0755,
 *       owner 0:0, time 0), and so is one in place of a lower non-directory (even a symbolic
 *       link: the layer's directory hides it, as in an overlay; tar extraction through the
 *       merged tree, as containerd does, would follow the link instead). A whiteout's directory
 *       exists likewise.
 *   <li>A hard link shows the entry its target path holds when the link is applied (in a lower
 *       layer or earlier in its own), with the same file key; a missing target or a directory is
 *       an error, as for tar extraction.
 *   <li>Names are normalised lexically as {@link ZtocView} does ({@code ./}, {@code /}, empty and
 *       {@code .} segments dropped, {@code ..} removing the previous one, never above the root),
 *       and decoded as UTF-8 (malformed bytes become U+FFFD, so two names differing only there
 *       are one path). An entry for the root itself gives it its metadata if it is a directory.
 * </ul>
 *
 * <p>Work and memory are bounded by {@code maxEntries}: the entries applied plus the directories
 * implied. Not thread-safe; the tree is published only by {@link #finish}.
 */
final class TreeBuilder {
  private static final String WHITEOUT = ".wh.";
  private static final String OPAQUE = ".wh..wh..opq";
  private static final String META_PREFIX = ".wh..wh.";
  private static final Instant ZERO = Instant.EPOCH;

  private final List<String> layerNames;
  private final long maxEntries;
  private final Node root;
  private final Map<String, Integer> deletions = new HashMap<>();
  private final Map<String, String> interned = new HashMap<>();
  /** Entries applied and directories implied so far, against {@link #maxEntries}. */
  private long work;
  /** Paths in the tree now. */
  private long nodes = 1;
  private long nextKey = 1;
  /** The last modification time parsed: the entries of a layer mostly share a few. */
  private String lastModTime;
  private Instant lastInstant;
  /**
   * The directory the last entry went into, valid while {@link #generation} is unchanged:
   * entries of one directory come together in a tar, so most lookups of a parent end here.
   */
  private String lastDirPath;
  private Node lastDir;
  /** Advanced whenever a node is removed or replaced, which may detach {@link #lastDir}. */
  private long generation;
  private long lastDirGeneration = -1;

  TreeBuilder(List<String> layerNames, long maxEntries) {
    this.layerNames = layerNames;
    this.maxEntries = maxEntries;
    this.root = new Node(null, implied("", -1));
  }

  /** Applies the entries of layer {@code layer}, in archive order. */
  void apply(int layer, List<TocEntry> entries) throws ImageTreeException {
    String[] paths = new String[entries.size()];
    for (int i = 0; i < paths.length; i++) {
      TocEntry e = entries.get(i);
      if (e.rawName().length() > SociImage.MAX_PATH_BYTES
          || e.rawLinkname().length() > SociImage.MAX_PATH_BYTES) {
        throw new ImageTreeException(where(layer, i, abbreviated(e.name())) + ": a name or link"
            + " target longer than " + SociImage.MAX_PATH_BYTES + " bytes");
      }
      paths[i] = MergedTree.normalize(e.name());
    }
    // Whiteouts first: they hide lower layers' content only, whatever their place in the tar.
    // What they remove stays findable for this layer's hard links, whose targets resolve in
    // "this or lower layers" as the tree stood before the layer.
    java.util.Map<String, Node> removedHere = new java.util.HashMap<>();
    for (String path : paths) {
      String name = baseName(path);
      if (!name.startsWith(WHITEOUT)) {
        continue;
      }
      Node dir = MergedTree.literal(root, parentPath(path));
      if (dir == null || !dir.isDirectory()) {
        continue; // nothing below to hide
      }
      if (name.equals(OPAQUE)) {
        String dirPath = parentPath(path);
        for (java.util.Map.Entry<String, Node> child : dir.children.entrySet()) {
          removed(child.getValue(), layer);
          removedHere.putIfAbsent(join(dirPath, child.getKey()), child.getValue());
        }
        dir.children.clear();
      } else if (!name.startsWith(META_PREFIX)) {
        String victim = name.substring(WHITEOUT.length());
        Node v = victim.isEmpty() || victim.equals(".") || victim.equals("..")
            ? null : dir.children.remove(victim);
        if (v != null) {
          removed(v, layer);
          removedHere.putIfAbsent(join(parentPath(path), victim), v);
        }
      }
    }
    for (int i = 0; i < paths.length; i++) {
      charge(layer, i);
      TocEntry e = entries.get(i);
      String path = paths[i];
      if (path.isEmpty()) {
        if (e.type() == EntryType.DIR) {
          root.entry = entry("", e, layer, i, nextKey++);
        }
        continue;
      }
      Node parent = ensureDirectory(parentPath(path), layer, i);
      String name = baseName(path);
      if (name.startsWith(WHITEOUT)) {
        continue; // its directory exists in this layer; the marker itself never shows
      }
      ImageEntry entry;
      if (e.type() == EntryType.HARDLINK) {
        String target = MergedTree.normalize(e.linkname());
        Node t = MergedTree.literal(root, target);
        if (t == null) {
          t = removedTarget(removedHere, target);
        }
        if (t == null || t.isDirectory()) {
          throw new ImageTreeException(where(layer, i, path) + ": hard link to /" + target
              + (t == null ? ", which does not exist (a link's target must come before it, in"
                  + " its layer or a lower one)" : ", a directory"));
        }
        entry = t.entry.withPath(path);
      } else {
        entry = entry(path, e, layer, i, nextKey++);
      }
      Node existing = parent.children.get(name);
      if (existing != null && existing.isDirectory() && entry.isDirectory()) {
        existing.entry = entry;
      } else {
        if (existing != null) {
          nodes -= count(existing);
          generation++;
        }
        parent.children.put(name, new Node(parent, entry));
        nodes++;
      }
      deletions.remove(path);
    }
  }

  /** The tree built so far, to be read only from now on. */
  MergedTree finish() {
    return new MergedTree(root, deletions, layerNames, nodes);
  }

  /** The directory at {@code path}, implying it and its missing parents in {@code layer}. */
  private Node ensureDirectory(String path, int layer, int entry) throws ImageTreeException {
    if (lastDirGeneration == generation && path.equals(lastDirPath)) {
      return lastDir;
    }
    Node dir = walkDirectory(path, layer, entry);
    lastDirPath = path;
    lastDir = dir;
    lastDirGeneration = generation;
    return dir;
  }

  private Node walkDirectory(String path, int layer, int entry) throws ImageTreeException {
    Node cur = root;
    int start = 0;
    int len = path.length();
    while (start < len) {
      int slash = path.indexOf('/', start);
      int end = slash < 0 ? len : slash;
      String c = path.substring(start, end);
      Node child = cur.children.get(c);
      if (child == null || !child.isDirectory()) {
        charge(layer, entry);
        if (child != null) {
          nodes--; // a non-directory: nothing under it
          generation++;
        }
        String p = path.substring(0, end);
        child = new Node(cur, implied(p, layer));
        cur.children.put(c, child);
        nodes++;
        deletions.remove(p);
      }
      cur = child;
      start = end + 1;
    }
    return cur;
  }

  /** Records the paths of a subtree a whiteout of {@code layer} removed. */
  private void removed(Node top, int layer) {
    generation++;
    Deque<Node> todo = new ArrayDeque<>();
    todo.push(top);
    while (!todo.isEmpty()) {
      Node n = todo.pop();
      deletions.put(n.entry.path(), layer);
      nodes--;
      if (n.isDirectory()) {
        n.children.values().forEach(todo::push);
      }
    }
  }

  private static long count(Node top) {
    long n = 0;
    Deque<Node> todo = new ArrayDeque<>();
    todo.push(top);
    while (!todo.isEmpty()) {
      Node x = todo.pop();
      n++;
      if (x.isDirectory()) {
        x.children.values().forEach(todo::push);
      }
    }
    return n;
  }

  private void charge(int layer, int entry) throws ImageTreeException {
    if (++work > maxEntries) {
      throw new ImageTreeException("the image has more than " + maxEntries + " entries (tar"
          + " entries and implied directories), at " + where(layer, entry, null) + ": raise"
          + " SociImage.Builder.maxEntries if it is right");
    }
  }

  private ImageEntry implied(String path, int layer) {
    return new ImageEntry(path, ImageEntry.Type.DIRECTORY, 0, 0755, 0, 0, "", "", ZERO, null,
        null, "", 0, 0, null, layer, -1, nextKey++);
  }

  private ImageEntry entry(String path, TocEntry e, int layer, int index, long key)
      throws ImageTreeException {
    ImageEntry.Type type = switch (e.type()) {
      case REG -> ImageEntry.Type.FILE;
      case DIR -> ImageEntry.Type.DIRECTORY;
      case SYMLINK -> ImageEntry.Type.SYMLINK;
      case CHAR -> ImageEntry.Type.CHAR_DEVICE;
      case BLOCK -> ImageEntry.Type.BLOCK_DEVICE;
      case FIFO -> ImageEntry.Type.FIFO;
      case HARDLINK -> throw new IllegalStateException("hard links are resolved by the caller");
    };
    Instant mtime = lastInstant;
    if (!e.modTime().equals(lastModTime)) {
      try {
        mtime = parseTime(e.modTime());
      } catch (DateTimeParseException ex) {
        throw new ImageTreeException(where(layer, index, path) + ": modification time \""
            + abbreviated(e.modTime()) + "\" is not RFC 3339", ex);
      }
      lastModTime = e.modTime();
      lastInstant = mtime;
    }
    boolean device = type == ImageEntry.Type.CHAR_DEVICE || type == ImageEntry.Type.BLOCK_DEVICE;
    long size = switch (type) {
      case FILE -> e.uncompressedSize();
      case SYMLINK -> e.rawLinkname().length();
      default -> 0;
    };
    SortedMap<String, ByteString> xattrs = null;
    if (!e.paxRecords().isEmpty()) {
      SortedMap<ByteString, ByteString> raw = e.xattrs();
      if (!raw.isEmpty()) {
        xattrs = new TreeMap<>();
        for (Map.Entry<ByteString, ByteString> x : raw.entrySet()) {
          xattrs.put(x.getKey().utf8(), x.getValue());
        }
      }
    }
    return new ImageEntry(path, type, size, (int) (e.mode() & ImageEntry.MODE_MASK), e.uid(),
        e.gid(), intern(e.uname()), intern(e.gname()), mtime, paxTime(e, "atime"),
        paxTime(e, "ctime"), type == ImageEntry.Type.SYMLINK ? e.linkname() : "",
        device ? e.devmajor() : 0, device ? e.devminor() : 0, xattrs, layer, index, key);
  }

  private String intern(String s) {
    return s.isEmpty() ? "" : interned.computeIfAbsent(s, k -> k);
  }

  /**
   * A PAX time record ({@code [-]seconds[.fraction]}), or null when absent or malformed: access
   * and change times are informative, so a bad one is dropped rather than failing the image.
   */
  static Instant paxTime(TocEntry e, String key) {
    ByteString v = e.paxRecord(key).orElse(null);
    if (v == null || v.isEmpty() || v.length() > 40) {
      return null;
    }
    String s = v.utf8();
    boolean negative = s.startsWith("-");
    String digits = negative ? s.substring(1) : s;
    int dot = digits.indexOf('.');
    String whole = dot < 0 ? digits : digits.substring(0, dot);
    String frac = dot < 0 ? "" : digits.substring(dot + 1);
    if (whole.isEmpty() || whole.length() > 18 || !allDigits(whole) || !allDigits(frac)) {
      return null;
    }
    long seconds = Long.parseLong(whole);
    String nine = (frac + "000000000").substring(0, 9);
    long nanos = Long.parseLong(nine);
    if (negative) {
      return nanos == 0 ? Instant.ofEpochSecond(-seconds)
          : Instant.ofEpochSecond(-seconds - 1, 1_000_000_000L - nanos);
    }
    return Instant.ofEpochSecond(seconds, nanos);
  }

  private static boolean allDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private String where(int layer, int entry, String path) {
    return layerNames.get(layer) + ", entry " + entry + (path == null ? "" : " (/" + path + ")");
  }

  private static String abbreviated(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }

  private static String baseName(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /**
   * An RFC 3339 time. The form zTOCs hold (UTC, {@code 2024-01-02T03:04:05[.fraction]Z}, as the
   * reference renders them) is read by hand: {@code OffsetDateTime.parse} costs microseconds an
   * entry and loads the java.time formatting machinery, which a CLI run pays cold on every
   * entry of every layer. Anything else goes through {@code OffsetDateTime.parse}.
   */
  static Instant parseTime(String s) {
    int n = s.length();
    if (n >= 20 && n <= 30 && s.charAt(n - 1) == 'Z' && s.charAt(4) == '-' && s.charAt(7) == '-'
        && s.charAt(10) == 'T' && s.charAt(13) == ':' && s.charAt(16) == ':') {
      int year = digits(s, 0, 4);
      int month = digits(s, 5, 2);
      int day = digits(s, 8, 2);
      int hour = digits(s, 11, 2);
      int minute = digits(s, 14, 2);
      int second = digits(s, 17, 2);
      int nanos = 0;
      boolean ok = year >= 0 && month >= 1 && month <= 12 && day >= 1 && hour >= 0 && hour <= 23
          && minute >= 0 && minute <= 59 && second >= 0 && second <= 59;
      if (ok && n > 20) {
        int fraction = n - 21; // digits between '.' and 'Z'
        ok = s.charAt(19) == '.' && fraction >= 1 && fraction <= 9;
        if (ok) {
          nanos = digits(s, 20, fraction);
          ok = nanos >= 0;
          for (int i = fraction; i < 9 && ok; i++) {
            nanos *= 10;
          }
        }
      }
      if (ok && day <= java.time.YearMonth.of(year, month).lengthOfMonth()) {
        long days = java.time.LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(days * 86_400 + hour * 3600L + minute * 60L + second, nanos);
      }
    }
    return OffsetDateTime.parse(s).toInstant();
  }

  /** The decimal number in {@code s[from, from + count)}, or -1 if any is not a digit. */
  private static int digits(String s, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static String join(String dir, String name) {
    return dir.isEmpty() ? name : dir + "/" + name;
  }

  /** {@code target} among what this layer's whiteouts removed (a subtree root, then down). */
  private static Node removedTarget(java.util.Map<String, Node> removed, String target) {
    for (String prefix = target; !prefix.isEmpty(); prefix = parentPath(prefix)) {
      Node n = removed.get(prefix);
      if (n != null) {
        return prefix.length() == target.length() ? n
            : MergedTree.literal(n, target.substring(prefix.length() + 1));
      }
    }
    return null;
  }

  private static String parentPath(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }
}
