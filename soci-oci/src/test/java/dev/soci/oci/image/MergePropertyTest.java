package dev.soci.oci.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.oci.Descriptor;
import dev.soci.oci.store.InMemoryStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Random layer stacks of random operations (files, directories, symbolic and hard links,
 * whiteouts, opaque markers) on a few colliding names, built as tars: the merged tree, file
 * bytes, modes, link targets, hard-link groups and path resolution must match a reference
 * model written here independently, as a flat map of paths edited by prefix.
 */
class MergePropertyTest {
  private static final String[] NAMES = {"a", "b", "c", "d"};
  private static final int STACKS = 120;

  enum Kind { FILE, DIR, SYMLINK }

  /** One path of the model; nodes with one key are one file (hard links). */
  record MNode(Kind kind, int mode, String data, String target, int key) {}

  /** One entry of a layer, in tar order. */
  sealed interface Op permits AddFile, AddDir, AddLink, HardLink, Whiteout, Opaque {}

  record AddFile(String path, String data, int mode) implements Op {}

  record AddDir(String path, int mode) implements Op {}

  record AddLink(String path, String target) implements Op {}

  record HardLink(String path, String target) implements Op {}

  record Whiteout(String path) implements Op {}

  record Opaque(String dir) implements Op {}

  /** The reference: the merged tree as a flat sorted map, root excluded. */
  static final class Model {
    final TreeMap<String, MNode> paths = new TreeMap<>();
    int nextKey = 1;

    Model copy() {
      Model m = new Model();
      m.paths.putAll(paths);
      m.nextKey = nextKey;
      return m;
    }

    boolean isDir(String p) {
      return p.isEmpty() || (paths.containsKey(p) && paths.get(p).kind() == Kind.DIR);
    }

    /** Removes {@code p} and everything under it. */
    void removeTree(String p) {
      paths.remove(p);
      paths.subMap(p + "/", p + "0").clear(); // '0' follows '/': every "p/..." key
    }

    /** Applies a layer; false when a hard link has no valid target (the layer is unusable). */
    boolean apply(List<Op> layer) {
      Model lower = copy();
      for (Op op : layer) {
        if (op instanceof Whiteout w && lower.isDir(parent(w.path()))) {
          removeTree(w.path());
        } else if (op instanceof Opaque o && lower.isDir(o.dir())) {
          if (o.dir().isEmpty()) {
            paths.clear();
          } else {
            paths.subMap(o.dir() + "/", o.dir() + "0").clear();
          }
        }
      }
      for (Op op : layer) {
        String path = pathOf(op);
        String dir = op instanceof Opaque o ? o.dir() : parent(path);
        List<String> ancestors = new ArrayList<>();
        for (String a = dir; !a.isEmpty(); a = parent(a)) {
          ancestors.add(0, a);
        }
        for (String a : ancestors) {
          if (!isDir(a)) {
            removeTree(a);
            paths.put(a, new MNode(Kind.DIR, 0755, null, null, nextKey++));
          }
        }
        MNode node;
        if (op instanceof AddFile f) {
          node = new MNode(Kind.FILE, f.mode(), f.data(), null, nextKey++);
        } else if (op instanceof AddDir d) {
          node = new MNode(Kind.DIR, d.mode(), null, null, nextKey++);
        } else if (op instanceof AddLink l) {
          node = new MNode(Kind.SYMLINK, 0777, null, l.target(), nextKey++);
        } else if (op instanceof HardLink h) {
          node = paths.get(h.target());
          if (node == null || node.kind() == Kind.DIR) {
            return false;
          }
        } else {
          continue; // whiteouts never show
        }
        MNode old = paths.get(path);
        if (!(old != null && old.kind() == Kind.DIR && node.kind() == Kind.DIR)) {
          removeTree(path);
        }
        paths.put(path, node);
      }
      return true;
    }

    /** Resolves like the image should; returns the path reached or the error's class name. */
    String resolve(String path, boolean followLast) {
      Deque<String> todo = new ArrayDeque<>();
      push(todo, path);
      String cur = "";
      int hops = 0;
      while (!todo.isEmpty()) {
        String c = todo.pollFirst();
        if (!isDir(cur)) {
          return "NotADirectoryException";
        }
        if (c.equals("..")) {
          cur = parent(cur);
          continue;
        }
        String child = cur.isEmpty() ? c : cur + "/" + c;
        MNode n = paths.get(child);
        if (n == null) {
          return "PathNotFoundException";
        }
        if (n.kind() == Kind.SYMLINK && (followLast || !todo.isEmpty())) {
          if (++hops > 40) {
            return "TooManySymlinksException";
          }
          if (n.target().isEmpty()) {
            return "PathNotFoundException";
          }
          push(todo, n.target());
          if (n.target().startsWith("/")) {
            cur = "";
          }
          continue;
        }
        cur = child;
      }
      return "/" + cur;
    }

    private static void push(Deque<String> todo, String path) {
      List<String> parts = new ArrayList<>();
      for (String p : path.split("/")) {
        if (!p.isEmpty() && !p.equals(".")) {
          parts.add(p);
        }
      }
      for (int i = parts.size() - 1; i >= 0; i--) {
        todo.addFirst(parts.get(i));
      }
    }
  }

  static String pathOf(Op op) {
    if (op instanceof AddFile f) {
      return f.path();
    } else if (op instanceof AddDir d) {
      return d.path();
    } else if (op instanceof AddLink l) {
      return l.path();
    } else if (op instanceof HardLink h) {
      return h.path();
    } else if (op instanceof Whiteout w) {
      return w.path();
    }
    return ((Opaque) op).dir();
  }

  static String parent(String p) {
    int slash = p.lastIndexOf('/');
    return slash < 0 ? "" : p.substring(0, slash);
  }

  static String randomPath(Random r) {
    int depth = 1 + r.nextInt(3);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      b.append(i == 0 ? "" : "/").append(NAMES[r.nextInt(NAMES.length)]);
    }
    return b.toString();
  }

  /** A path the model has now, or a random one. */
  static String somePath(Random r, Model m, boolean nonDirOnly) {
    List<String> choices = new ArrayList<>();
    m.paths.forEach((p, n) -> {
      if (!nonDirOnly || n.kind() != Kind.DIR) {
        choices.add(p);
      }
    });
    if (choices.isEmpty() || (!nonDirOnly && r.nextInt(4) == 0)) {
      return nonDirOnly ? null : randomPath(r);
    }
    return choices.get(r.nextInt(choices.size()));
  }

  static List<Op> randomLayer(Random r, Model m, int layer) {
    List<Op> ops = new ArrayList<>();
    int n = 1 + r.nextInt(10);
    for (int i = 0; i < n; i++) {
      int k = r.nextInt(100);
      if (k < 30) {
        ops.add(new AddFile(randomPath(r), "l" + layer + "-" + i + "-" + r.nextInt(1000),
            new int[] {0644, 0600, 04755}[r.nextInt(3)]));
      } else if (k < 50) {
        ops.add(new AddDir(randomPath(r), new int[] {0755, 0700, 01777}[r.nextInt(3)]));
      } else if (k < 62) {
        String target = switch (r.nextInt(4)) {
          case 0 -> "/" + somePath(r, m, false);
          case 1 -> "../" + NAMES[r.nextInt(NAMES.length)];
          case 2 -> NAMES[r.nextInt(NAMES.length)];
          default -> somePath(r, m, false);
        };
        ops.add(new AddLink(randomPath(r), target));
      } else if (k < 72) {
        String target = somePath(r, m, true);
        if (target != null) {
          ops.add(new HardLink(randomPath(r), target));
        }
      } else if (k < 90) {
        ops.add(new Whiteout(somePath(r, m, false)));
      } else {
        String dir = somePath(r, m, false);
        ops.add(new Opaque(r.nextInt(8) == 0 ? "" : dir));
      }
    }
    return ops;
  }

  static byte[] tar(List<Op> ops) {
    LayerTar t = new LayerTar();
    for (Op op : ops) {
      if (op instanceof AddFile f) {
        t.file(f.path(), f.data().getBytes(StandardCharsets.UTF_8), f.mode(), 0, 0);
      } else if (op instanceof AddDir d) {
        t.dir(d.path(), d.mode(), 0, 0);
      } else if (op instanceof AddLink l) {
        t.symlink(l.path(), l.target());
      } else if (op instanceof HardLink h) {
        t.hardlink(h.path(), h.target());
      } else if (op instanceof Whiteout w) {
        t.whiteout(w.path());
      } else {
        t.opaque(((Opaque) op).dir());
      }
    }
    return t.gzip();
  }

  @ParameterizedTest
  @EnumSource(MergeRulesTest.Mode.class)
  void randomStacksMergeAsTheReferenceModelSays(MergeRulesTest.Mode mode) throws Exception {
    Random r = new Random(20240506L + mode.ordinal());
    int checkedPaths = 0;
    for (int stack = 0; stack < STACKS; stack++) {
      Model model = new Model();
      List<byte[]> layers = new ArrayList<>();
      List<List<Op>> opsPerLayer = new ArrayList<>();
      int count = 1 + r.nextInt(4);
      for (int l = 0; l < count; l++) {
        List<Op> ops = randomLayer(r, model, l);
        Model trial = model.copy();
        while (!trial.apply(ops)) { // drop hard links whose target the layer itself removed
          ops.removeIf(op -> op instanceof HardLink);
          trial = model.copy();
        }
        model = trial;
        opsPerLayer.add(ops);
        layers.add(tar(ops));
      }
      InMemoryStore store = new InMemoryStore("mem");
      Descriptor m = TestImages.image(store, "t", layers);
      if (mode == MergeRulesTest.Mode.ZTOC) {
        TestImages.indexAll(store, m);
      }
      String what = "stack " + stack + " " + opsPerLayer;
      try (SociImage image = SociImage.builder(store, m)
          .wholeLayerMemoryBytes(mode == MergeRulesTest.Mode.RESTREAM ? 0 : 1 << 20).open()) {
        Map<String, ImageEntry> seen = new TreeMap<>();
        walk(image, "", seen);
        assertThat(seen.keySet()).as(what).containsExactlyElementsOf(model.paths.keySet());
        Map<Long, Integer> keyMap = new HashMap<>();
        Map<Integer, Long> backMap = new HashMap<>();
        for (Map.Entry<String, MNode> e : model.paths.entrySet()) {
          MNode want = e.getValue();
          ImageEntry got = seen.get(e.getKey());
          String at = what + " at " + e.getKey();
          assertThat(got.type().name()).as(at).isEqualTo(
              want.kind() == Kind.DIR ? "DIRECTORY" : want.kind().name());
          assertThat(got.mode()).as(at).isEqualTo(want.mode());
          if (want.kind() == Kind.FILE) {
            assertThat(new String(image.readFile(got.path()), StandardCharsets.UTF_8)).as(at)
                .isEqualTo(want.data());
          }
          if (want.kind() == Kind.SYMLINK) {
            assertThat(got.linkTarget()).as(at).isEqualTo(want.target());
          }
          // One model key per image key and back: hard-link groups are the same.
          assertThat(keyMap.computeIfAbsent(got.fileKey(), k -> want.key())).as(at)
              .isEqualTo(want.key());
          assertThat(backMap.computeIfAbsent(want.key(), k -> got.fileKey())).as(at)
              .isEqualTo(got.fileKey());
          checkedPaths++;
        }
        for (int q = 0; q < 12; q++) {
          String p = (r.nextBoolean() ? "/" : "") + randomPath(r)
              + (r.nextInt(4) == 0 ? "/../" + NAMES[r.nextInt(NAMES.length)] : "");
          boolean follow = r.nextBoolean();
          String expected = model.resolve(p, follow);
          String actual;
          try {
            actual = "/" + (follow ? image.resolve(p) : image.resolve(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).path();
          } catch (ImagePathException e) {
            actual = e.getClass().getSimpleName();
          }
          assertThat(actual).as(what + " resolving " + p + (follow ? "" : " (nofollow)"))
              .isEqualTo(expected);
        }
      }
    }
    assertThat(checkedPaths).isGreaterThan(STACKS);
  }

  private static void walk(SociImage image, String dir, Map<String, ImageEntry> out)
      throws Exception {
    for (ImageEntry e : image.list("/" + dir)) {
      out.put(e.path(), e);
      if (e.isDirectory()) {
        walk(image, e.path(), out);
      }
    }
  }
}
