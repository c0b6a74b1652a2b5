package dev.soci.oci.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.soci.oci.image.LayerTar;
import dev.soci.oci.image.TestImages;
import dev.soci.oci.store.InMemoryStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Paths of a soci file system against the JDK's Unix paths: for a table of path strings (and
 * every pair of them), every lexical operation gives what {@code Path.of} of the default file
 * system on this Linux machine gives, compared as strings (or both throwing the same type).
 */
class PathSemanticsTest {
  private static final String[] PATHS = {
    "", "/", "//", "a", "/a", "a/", "a//b", "a/b", "/a/b", "/a/b/", "..", "../a", "a/..",
    "a/../..", "/..", "/../a", ".", "./a", "a/.", "a/./b", "../..", "/a/b/c", "a/b/c", "b", "/b",
    "x/../y", "/x/./y/../z", ".hidden", "a/.b", "a b/c d", "...", "a/...", "/.", "./", "../",
    "///a///b///", "é/ü", "z", "A", "a-b", "a.b", "ab", "a\u00e9", "a\uffff", "a\ud83d\ude00",
  };

  private static InMemoryStore store;
  private static SociFileSystem fs;

  @BeforeAll
  static void open() throws Exception {
    assumeTrue(FileSystems.getDefault().getSeparator().equals("/"), "needs a Unix default FS");
    store = new InMemoryStore("mem");
    var m = TestImages.image(store, "t", List.of(new LayerTar().file("a", "x").gzip()));
    fs = SociFileSystems.open(store, m, null);
  }

  @AfterAll
  static void close() throws Exception {
    if (fs != null) {
      fs.close();
    }
  }

  /** The strings the default file system can encode (its charset may be ASCII under LANG=C). */
  private static List<String> paths() {
    List<String> out = new ArrayList<>();
    for (String p : PATHS) {
      try {
        Path.of(p);
        out.add(p);
      } catch (InvalidPathException e) {
        // not representable on this host's default file system: nothing to compare with
      }
    }
    return out;
  }

  private static String outcome(Callable<Object> c) {
    try {
      Object o = c.call();
      return o == null ? "null" : "'" + o + "'";
    } catch (Exception e) {
      return e.getClass().getSimpleName();
    }
  }

  private static String names(Path p) {
    List<String> out = new ArrayList<>();
    for (Iterator<Path> it = p.iterator(); it.hasNext(); ) {
      out.add(it.next().toString());
    }
    return out.toString();
  }

  /** Every single-path operation, as a line naming each result. */
  private static String unary(Path p) {
    StringBuilder sb = new StringBuilder();
    sb.append("str=").append(p).append(" abs=").append(p.isAbsolute())
        .append(" root=").append(outcome(p::getRoot))
        .append(" name=").append(outcome(p::getFileName))
        .append(" parent=").append(outcome(p::getParent))
        .append(" count=").append(p.getNameCount())
        .append(" norm=").append(outcome(p::normalize))
        .append(" iter=").append(names(p));
    for (int i = -1; i <= p.getNameCount(); i++) {
      int k = i;
      sb.append(" n").append(i).append('=').append(outcome(() -> p.getName(k)));
      for (int j = i; j <= p.getNameCount() + 1; j++) {
        int e = j;
        sb.append(" s").append(i).append(',').append(j).append('=')
            .append(outcome(() -> p.subpath(k, e)));
      }
    }
    return sb.toString();
  }

  private static String binary(Path p, Path q) {
    return "sw=" + p.startsWith(q) + " ew=" + p.endsWith(q)
        + " sws=" + p.startsWith(q.toString()) + " ews=" + p.endsWith(q.toString())
        + " res=" + outcome(() -> p.resolve(q)) + " ress=" + outcome(() -> p.resolve(q.toString()))
        + " sib=" + outcome(() -> p.resolveSibling(q))
        + " rel=" + outcome(() -> p.relativize(q))
        + " cmp=" + Integer.signum(p.compareTo(q)) + " eq=" + p.equals(q);
  }

  @Test
  void everyLexicalOperationMatchesTheDefaultFileSystem() {
    List<String> table = paths();
    assertThat(table).hasSizeGreaterThan(35);
    int compared = 0;
    for (String a : table) {
      Path mine = fs.getPath(a);
      Path jdk = Path.of(a);
      assertThat(unary(mine)).as("[%s]", a).isEqualTo(unary(jdk));
      for (String b : table) {
        assertThat(binary(mine, fs.getPath(b))).as("[%s] [%s]", a, b)
            .isEqualTo(binary(jdk, Path.of(b)));
        compared++;
      }
    }
    assertThat(compared).isGreaterThan(1000);
  }

  @Test
  void getPathJoinsAsTheDefaultFileSystemDoes() {
    String[][] cases = {{"a", "b"}, {"", "b"}, {"a", ""}, {"/", "a", "b"}, {"a/", "/b"},
        {"", ""}, {"/a", "", "c"}, {"", "/x"}};
    for (String[] c : cases) {
      String[] more = java.util.Arrays.copyOfRange(c, 1, c.length);
      assertThat(fs.getPath(c[0], more).toString()).as(String.join("|", c))
          .isEqualTo(FileSystems.getDefault().getPath(c[0], more).toString());
    }
  }

  @Test
  void absoluteFormsUrisAndMismatches() throws Exception {
    assertThat(fs.getPath("a/b").toAbsolutePath()).hasToString("/a/b");
    assertThat(fs.getPath("").toAbsolutePath()).hasToString("/");
    Path abs = fs.getPath("/a");
    assertThat(abs.toAbsolutePath()).isSameAs(abs);
    Path p = fs.getPath("/dir with space/ü");
    assertThat(p.toUri().getScheme()).isEqualTo("soci");
    assertThat(p.toUri().getSchemeSpecificPart())
        .isEqualTo(fs.image().manifest().digest() + "!/dir with space/ü");
    assertThat(p.toUri().toString()).doesNotContain(" ");
    assertThatThrownBy(() -> fs.getPath("a\0b")).isInstanceOf(InvalidPathException.class);
    assertThatThrownBy(() -> fs.getPath("a").resolve(Path.of("b")))
        .isInstanceOf(ProviderMismatchException.class);
    assertThat(fs.getPath("a").startsWith(Path.of("a"))).isFalse();
    assertThatThrownBy(() -> fs.getPath("a").register(null))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> fs.getPath("a").toFile())
        .isInstanceOf(UnsupportedOperationException.class);
    FileSystem other = SociFileSystems.of(fs.image(), false);
    assertThat(other.getPath("a")).isNotEqualTo(fs.getPath("a"));
    assertThat(fs.getPath("a")).isEqualTo(fs.getPath("a/")).hasSameHashCodeAs(fs.getPath("a//"));
  }
}
