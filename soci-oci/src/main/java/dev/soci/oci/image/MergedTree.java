package dev.soci.oci.image;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The merged root filesystem of an image once built ({@link TreeBuilder}): nodes by name,
 * lookups with and without following symbolic links, listings. Immutable once built, so any
 * number of threads may read it.
 */
final class MergedTree {
  /** One path of the tree. Mutated only by the builder, before the tree is published. */
  static final class Node {
    final Node parent;
    ImageEntry entry;
    /** Children by name, sorted; non-null exactly for directories. */
    TreeMap<String, Node> children;

    Node(Node parent, ImageEntry entry) {
      this.parent = parent;
      this.entry = entry;
      this.children = entry.isDirectory() ? new TreeMap<>() : null;
    }

    boolean isDirectory() {
      return children != null;
    }
  }

  private final Node root;
  /** Paths a whiteout removed and nothing recreated, with the layer that removed them. */
  private final Map<String, Integer> deletions;
  /** How messages name each layer: "layer 2 (sha256:...)". */
  private final List<String> layerNames;
  private final long size;

  MergedTree(Node root, Map<String, Integer> deletions, List<String> layerNames, long size) {
    this.root = root;
    this.deletions = deletions;
    this.layerNames = layerNames;
    this.size = size;
  }

  /** Number of paths in the tree, the root included. */
  long size() {
    return size;
  }

  /** The entry at a normalised path, no link followed; null when there is none. */
  Node literal(String normalized) {
    return literal(root, normalized);
  }

  /** Lookup from {@code root} through directories only (no link followed). */
  static Node literal(Node root, String normalized) {
    Node cur = root;
    int start = 0;
    int len = normalized.length();
    while (start < len) {
      int slash = normalized.indexOf('/', start);
      int end = slash < 0 ? len : slash;
      if (!cur.isDirectory()) {
        return null;
      }
      cur = cur.children.get(normalized.substring(start, end));
      if (cur == null) {
        return null;
      }
      start = end + 1;
    }
    return cur;
  }

  /**
   * Resolves {@code path} from the root, following symbolic links in every component, and in
   * the last one too when {@code followLast}. A {@code ..} goes to the parent of the directory
   * reached so far (after links, as the kernel does), never above the root; absolute link targets
   * start again from the root, relative ones from the link's directory.
   */
  Node resolve(String path, boolean followLast) throws ImagePathException {
    Deque<String> todo = new ArrayDeque<>();
    pushComponents(todo, path);
    Node cur = root;
    int hops = 0;
    while (!todo.isEmpty()) {
      String c = todo.pollFirst();
      if (!cur.isDirectory()) {
        throw new NotADirectoryException(path, cur.entry.path(), path + ": /" + cur.entry.path()
            + " is not a directory (it is a " + kind(cur.entry) + ")");
      }
      if (c.equals("..")) {
        cur = cur.parent != null ? cur.parent : root;
        continue;
      }
      Node child = cur.children.get(c);
      if (child == null) {
        throw notFound(path, join(cur.entry.path(), c));
      }
      if (child.entry.isSymlink() && (followLast || !todo.isEmpty())) {
        if (++hops > SociImage.MAX_LINK_HOPS) {
          throw new TooManySymlinksException(path, child.entry.path());
        }
        String target = child.entry.linkTarget();
        if (target.isEmpty()) {
          throw new PathNotFoundException(path, child.entry.path(), -1, path + ": /"
              + child.entry.path() + " is a symbolic link with an empty target");
        }
        pushComponents(todo, target);
        if (target.startsWith("/")) {
          cur = root;
        }
        continue;
      }
      cur = child;
    }
    return cur;
  }

  /** Puts the components of {@code path} at the front of {@code todo}, in order. */
  private static void pushComponents(Deque<String> todo, String path) {
    List<String> parts = new ArrayList<>();
    int start = 0;
    int len = path.length();
    while (start <= len) {
      int slash = path.indexOf('/', start);
      int end = slash < 0 ? len : slash;
      String c = path.substring(start, end);
      if (!c.isEmpty() && !c.equals(".")) {
        parts.add(c);
      }
      start = end + 1;
    }
    for (int i = parts.size() - 1; i >= 0; i--) {
      todo.addFirst(parts.get(i));
    }
  }

  /** The entries of a directory's children, in name order. */
  static List<ImageEntry> children(Node dir) {
    List<ImageEntry> out = new ArrayList<>(dir.children.size());
    for (Node n : dir.children.values()) {
      out.add(n.entry);
    }
    return out;
  }

  /** The not-found error for {@code path}, whose first missing path is {@code missing}. */
  PathNotFoundException notFound(String path, String missing) {
    Integer layer = deletions.get(missing);
    String where = missing.equals(normalize(path)) ? "" : " (/" + missing + " does not exist)";
    if (layer != null) {
      where = " (/" + missing + " was deleted by a whiteout in " + layerNames.get(layer) + ")";
    }
    return new PathNotFoundException(path, missing, layer == null ? -1 : layer,
        path + ": no such file or directory in the image" + where);
  }

  /**
   * A path in normal form, lexically: leading {@code /} and {@code ./}, empty and {@code .}
   * segments and a trailing {@code /} dropped, {@code ..} removing the previous segment (never
   * climbing above the root), as {@link dev.soci.ztoc.ZtocView} normalises names. The root is
   * {@code ""}.
   */
  static String normalize(String path) {
    if (isNormal(path)) {
      return path; // the usual case: no allocation
    }
    String[] parts = path.split("/", -1);
    String[] kept = new String[parts.length];
    int n = 0;
    for (String p : parts) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        if (n > 0) {
          n--;
        }
        continue;
      }
      kept[n++] = p;
    }
    return String.join("/", java.util.Arrays.asList(kept).subList(0, n));
  }

  /** Whether {@code path} is already in normal form: no empty, {@code .} or {@code ..} segment. */
  private static boolean isNormal(String path) {
    int len = path.length();
    int start = 0;
    while (start < len) {
      int slash = path.indexOf('/', start);
      int end = slash < 0 ? len : slash;
      int n = end - start;
      if (n == 0 || (path.charAt(start) == '.' && (n == 1 || (n == 2 && path.charAt(start + 1) == '.')))) {
        return false;
      }
      if (slash == len - 1) {
        return false; // trailing slash
      }
      start = end + 1;
    }
    return true;
  }

  static String join(String dir, String name) {
    return dir.isEmpty() ? name : dir + "/" + name;
  }

  static String kind(ImageEntry e) {
    return e.type().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
  }
}
