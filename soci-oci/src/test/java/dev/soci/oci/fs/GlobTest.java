package dev.soci.oci.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.soci.oci.image.LayerTar;
import dev.soci.oci.image.TestImages;
import dev.soci.oci.store.InMemoryStore;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Random;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Glob matchers against the default file system's on this Unix host: the same answer for every
 * pattern and name of a table, and for random patterns over a small alphabet; the same patterns
 * refused.
 */
class GlobTest {
  private static final String[] PATTERNS = {
    "*", "**", "*.txt", "**.txt", "**/*.txt", "/**", "/etc/*", "/etc/**", "?", "??", "a?c",
    "[abc]", "[!abc]", "[a-c]x", "[!a-c]", "[-a]", "[a-]", "[^a]", "[\\]]", "[*]", "[?]", "[[]",
    "{a,b}", "{a,b,}", "{,a}", "*.{txt,md}", "**/{METADATA,RECORD}", "**/*-release",
    "**/pom.properties", "\\*", "\\{a\\}", "a\\\\b", "a.b", "a+b", "(a)", "a|b", "a$", "^a",
    "{a*,b?}", ".*", "*/", "a/**/b", "**/", "[a&&b]", "[&&]", "a{b,c}d", "[.]", "\\.a", "[a\\-z]",
    "[0-9][0-9]", "[!/]",
  };
  private static final String[] NAMES = {
    "", "a", "b", "c", "x", "ax", "cx", "-", "^", "]", "*", "?", "[", "a.txt", "dir/a.txt",
    "/a.txt", "/etc/os-release", "/etc/lsb-release", "/etc/x/y", "/usr/lib/os-release", "abc",
    "aXc", "a/c", "{a}", "a\\b", "a.b", "aXb", "a+b", "(a)", "a|b", "a$", "^a", "ab", "bc", ".a",
    "..", "a/b", "a/x/y/b", "x/", "a.md", "x.md", "p/METADATA", "q/r/RECORD", "META-INF/maven/g/a/pom.properties",
    "&", "acd", "abd", "00", "9a", "/", "&&",
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

  private static void compare(String pattern, Iterable<String> names) {
    PathMatcher jdk;
    try {
      jdk = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
    } catch (PatternSyntaxException e) {
      assertThatThrownBy(() -> fs.getPathMatcher("glob:" + pattern)).as(pattern)
          .isInstanceOf(PatternSyntaxException.class);
      return;
    }
    PathMatcher mine = fs.getPathMatcher("glob:" + pattern);
    for (String n : names) {
      Path jp;
      try {
        jp = Path.of(n);
      } catch (InvalidPathException e) {
        continue; // not encodable on this host
      }
      assertThat(mine.matches(fs.getPath(n))).as("glob %s on '%s'", pattern, n)
          .isEqualTo(jdk.matches(jp));
    }
  }

  @Test
  void tableOfPatternsAndNames() {
    List<String> names = List.of(NAMES);
    for (String p : PATTERNS) {
      compare(p, names);
    }
  }

  @Test
  void randomPatternsOverASmallAlphabet() {
    Random r = new Random(17);
    String alphabet = "ab.*?[]!-{},/\\^";
    String nameAlphabet = "ab./-";
    List<String> names = new java.util.ArrayList<>();
    for (int i = 0; i < 60; i++) {
      StringBuilder sb = new StringBuilder();
      for (int k = r.nextInt(6); k > 0; k--) {
        sb.append(nameAlphabet.charAt(r.nextInt(nameAlphabet.length())));
      }
      names.add(sb.toString());
    }
    int malformed = 0;
    for (int i = 0; i < 3000; i++) {
      StringBuilder sb = new StringBuilder();
      for (int k = 1 + r.nextInt(7); k > 0; k--) {
        sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      String p = sb.toString();
      try {
        FileSystems.getDefault().getPathMatcher("glob:" + p);
      } catch (PatternSyntaxException e) {
        malformed++;
      }
      compare(p, names);
    }
    assertThat(malformed).as("some patterns malformed, most not").isBetween(100, 2500);
  }

  @Test
  void malformedPatternsAndSyntaxes() {
    for (String p : new String[] {"[", "[a", "{a", "{a,{b}}", "\\", "[a/b]", "[z-a]", "[!]"}) {
      compare(p, List.of("a"));
    }
    assertThatThrownBy(() -> fs.getPathMatcher("glob:{a,{b}}"))
        .isInstanceOf(PatternSyntaxException.class);
    assertThatThrownBy(() -> fs.getPathMatcher("*.txt"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> fs.getPathMatcher("fuzzy:a"))
        .isInstanceOf(UnsupportedOperationException.class);
    PathMatcher re = fs.getPathMatcher("regex:.*/lib[^/]*\\.so");
    assertThat(re.matches(fs.getPath("/usr/lib/libc.so"))).isTrue();
    assertThat(re.matches(fs.getPath("/usr/lib/libc.so.6"))).isFalse();
    assertThat(fs.getPathMatcher("GLOB:*.TXT").matches(fs.getPath("a.txt"))).isFalse();
  }
}
