package dev.soci.oci.fs;

import java.io.IOException;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A path of a {@link SociFileSystem}: a Unix path whatever the host OS. {@code /} separates
 * names; repeated and trailing slashes are dropped when the path is made, as Linux's {@code
 * UnixPath} does; {@code .} and {@code ..} stay until {@link #normalize()}; the empty path is
 * the working directory, which is the root. Every operation that needs no file system access
 * behaves as the JDK's path of the default file system on Linux does for the same string (the
 * tests compare them); ordering compares code points, which is the UTF-8 byte order Linux
 * uses.
 *
 * <p>Immutable and thread-safe.
 */
final class SociPath implements Path {
  private final SociFileSystem fs;
  /** The path in canonical form: no repeated slashes, no trailing slash except for the root. */
  private final String path;
  /** Start of each name element in {@link #path}. */
  private final int[] offsets;

  SociPath(SociFileSystem fs, String input) {
    this.fs = fs;
    this.path = canonical(input);
    this.offsets = offsets(path);
  }

  /** Drops repeated and trailing slashes; refuses NUL, as a Unix path must. */
  private static String canonical(String input) {
    int n = input.length();
    boolean clean = true;
    for (int i = 0; i < n; i++) {
      char c = input.charAt(i);
      if (c == '\0') {
        throw new InvalidPathException(input, "Nul character not allowed");
      }
      if (c == '/' && (i == n - 1 ? n > 1 : input.charAt(i + 1) == '/')) {
        clean = false;
      }
    }
    if (clean) {
      return input;
    }
    StringBuilder sb = new StringBuilder(n);
    char prev = 0;
    for (int i = 0; i < n; i++) {
      char c = input.charAt(i);
      if (c != '/' || prev != '/') {
        sb.append(c);
      }
      prev = c;
    }
    if (sb.length() > 1 && sb.charAt(sb.length() - 1) == '/') {
      sb.setLength(sb.length() - 1);
    }
    return sb.toString();
  }

  private static int[] offsets(String p) {
    if (p.isEmpty()) {
      return new int[] {0}; // the empty path has one name, the empty one
    }
    List<Integer> starts = new ArrayList<>();
    int i = 0;
    int n = p.length();
    while (i < n) {
      if (p.charAt(i) == '/') {
        i++;
        continue;
      }
      starts.add(i);
      while (i < n && p.charAt(i) != '/') {
        i++;
      }
    }
    int[] out = new int[starts.size()];
    for (int k = 0; k < out.length; k++) {
      out[k] = starts.get(k);
    }
    return out;
  }

  /** The path as given, canonical: what {@link #toString()} returns. */
  String string() {
    return path;
  }

  /** The absolute form of this path's string, as {@link dev.soci.oci.image.SociImage} takes it. */
  String imagePath() {
    return isAbsolute() ? path : path.isEmpty() ? "/" : "/" + path;
  }

  boolean isEmpty() {
    return path.isEmpty();
  }

  private String name(int i) {
    int start = offsets[i];
    int end = i + 1 < offsets.length ? offsets[i + 1] - 1 : path.length();
    return path.substring(start, end);
  }

  private SociPath of(String p) {
    return new SociPath(fs, p);
  }

  @Override
  public SociFileSystem getFileSystem() {
    return fs;
  }

  @Override
  public boolean isAbsolute() {
    return path.startsWith("/");
  }

  @Override
  public SociPath getRoot() {
    return isAbsolute() ? fs.root() : null;
  }

  @Override
  public SociPath getFileName() {
    if (path.isEmpty()) {
      return this;
    }
    if (offsets.length == 0) {
      return null; // the root
    }
    return offsets.length == 1 && !isAbsolute() ? this : of(name(offsets.length - 1));
  }

  @Override
  public SociPath getParent() {
    int count = offsets.length;
    if (count == 0 || path.isEmpty()) {
      return null;
    }
    if (count == 1) {
      return getRoot();
    }
    return of(path.substring(0, offsets[count - 1] - 1));
  }

  @Override
  public int getNameCount() {
    return offsets.length;
  }

  @Override
  public SociPath getName(int index) {
    if (index < 0 || index >= offsets.length) {
      throw new IllegalArgumentException("no name " + index + " in '" + path + "'");
    }
    return of(name(index));
  }

  @Override
  public SociPath subpath(int beginIndex, int endIndex) {
    if (beginIndex < 0 || beginIndex >= offsets.length || endIndex > offsets.length
        || beginIndex >= endIndex) {
      throw new IllegalArgumentException("no subpath [" + beginIndex + ", " + endIndex + ") of '"
          + path + "'");
    }
    int start = offsets[beginIndex];
    int end = endIndex < offsets.length ? offsets[endIndex] - 1 : path.length();
    return of(path.substring(start, end));
  }

  @Override
  public boolean startsWith(Path other) {
    if (!(Objects.requireNonNull(other, "other") instanceof SociPath o) || o.fs != fs) {
      return false;
    }
    if (o.isAbsolute() != isAbsolute() || o.isEmpty() != isEmpty()) {
      return false;
    }
    if (o.offsets.length > offsets.length) {
      return false;
    }
    for (int i = 0; i < o.offsets.length; i++) {
      if (!name(i).equals(o.name(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean endsWith(Path other) {
    if (!(Objects.requireNonNull(other, "other") instanceof SociPath o) || o.fs != fs) {
      return false;
    }
    if (o.isAbsolute()) {
      return o.path.equals(path);
    }
    if (o.isEmpty() || isEmpty()) {
      return o.isEmpty() && isEmpty();
    }
    int shift = offsets.length - o.offsets.length;
    if (shift < 0) {
      return false;
    }
    for (int i = 0; i < o.offsets.length; i++) {
      if (!name(shift + i).equals(o.name(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public SociPath normalize() {
    List<String> kept = normalNames();
    String joined = String.join("/", kept);
    String p = isAbsolute() ? "/" + joined : joined;
    return p.equals(path) ? this : of(p);
  }

  /** The names without {@code .}, each {@code ..} removing the name before it (none above the root). */
  private List<String> normalNames() {
    List<String> kept = new ArrayList<>();
    if (path.isEmpty()) {
      return kept;
    }
    for (int i = 0; i < offsets.length; i++) {
      String n = name(i);
      if (n.equals(".")) {
        continue;
      }
      if (n.equals("..")) {
        if (!kept.isEmpty() && !kept.get(kept.size() - 1).equals("..")) {
          kept.remove(kept.size() - 1);
          continue;
        }
        if (isAbsolute()) {
          continue; // /.. is /
        }
      }
      kept.add(n);
    }
    return kept;
  }

  @Override
  public SociPath resolve(Path other) {
    SociPath o = check(other);
    if (o.isAbsolute()) {
      return o;
    }
    if (o.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return o;
    }
    return of(path.equals("/") ? "/" + o.path : path + "/" + o.path);
  }

  @Override
  public SociPath resolveSibling(Path other) {
    SociPath o = check(other);
    SociPath parent = getParent();
    return parent == null ? o : parent.resolve(o);
  }

  @Override
  public SociPath relativize(Path other) {
    SociPath o = check(other);
    if (o.equals(this)) {
      return of("");
    }
    if (o.isAbsolute() != isAbsolute()) {
      throw new IllegalArgumentException("'" + o + "' is not of the same kind (absolute or"
          + " relative) as '" + this + "'");
    }
    if (isEmpty()) {
      return o;
    }
    List<String> base = normalNames();
    List<String> target = o.normalNames();
    if (base.isEmpty()) {
      return of(String.join("/", target));
    }
    int common = 0;
    while (common < base.size() && common < target.size()
        && base.get(common).equals(target.get(common))) {
      common++;
    }
    List<String> out = new ArrayList<>();
    for (int i = common; i < base.size(); i++) {
      if (base.get(i).equals("..")) {
        // Climbing out of "..": the name it stands for is unknown, as for the JDK.
        throw new IllegalArgumentException("'" + o + "' cannot be made relative to '" + this
            + "'");
      }
      out.add("..");
    }
    out.addAll(target.subList(common, target.size()));
    return of(String.join("/", out));
  }

  @Override
  public URI toUri() {
    return fs.uriOf(toAbsolutePath().string());
  }

  @Override
  public SociPath toAbsolutePath() {
    return isAbsolute() ? this : of(imagePath());
  }

  /**
   * The absolute path of the file this path locates, symbolic links followed in every name (in
   * none with {@link LinkOption#NOFOLLOW_LINKS}: then the path is made absolute and normalised
   * lexically and must exist as such).
   *
   * @throws java.nio.file.NoSuchFileException when there is no such file
   */
  @Override
  public SociPath toRealPath(LinkOption... options) throws IOException {
    return fs.realPath(this, options);
  }

  @Override
  public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events,
      WatchEvent.Modifier... modifiers) {
    throw new UnsupportedOperationException("an image's file system does not change: no watching");
  }

  @Override
  public int compareTo(Path other) {
    SociPath o = (SociPath) other;
    int n = Math.min(path.length(), o.path.length());
    for (int i = 0; i < n; i++) {
      char a = path.charAt(i);
      char b = o.path.charAt(i);
      if (a != b) {
        // Code point order is UTF-8 byte order: a surrogate pair (above U+FFFF) sorts after
        // every BMP character, though UTF-16 puts U+E000..U+FFFF after it.
        return Integer.compare(path.codePointAt(i), o.path.codePointAt(i));
      }
    }
    return Integer.compare(path.length(), o.path.length());
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SociPath o && o.fs == fs && o.path.equals(path);
  }

  @Override
  public int hashCode() {
    return path.hashCode();
  }

  @Override
  public String toString() {
    return path;
  }

  private SociPath check(Path other) {
    Objects.requireNonNull(other, "other");
    if (!(other instanceof SociPath o)) {
      throw new ProviderMismatchException("not a path of a soci file system: " + other);
    }
    if (o.fs != fs) {
      throw new ProviderMismatchException("a path of another soci file system: " + other);
    }
    return o;
  }
}
