package dev.soci.oci.fs;

import dev.soci.oci.image.ImageEntry;
import dev.soci.oci.image.ImagePathException;
import dev.soci.oci.image.SociImage;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchService;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The merged root filesystem of one image as a read-only {@link FileSystem}: {@link
 * java.nio.file.Files} works on its paths as on a mounted image, fetching only what is read
 * (see {@link SociImage}). Made by {@link SociFileSystems} or, from a {@code soci:} URI, by
 * {@link java.nio.file.FileSystems#newFileSystem(URI, Map)}.
 *
 * <p>Paths are Unix paths whatever the host ({@code /} the only separator and the only root;
 * the working directory, where relative paths start, is {@code /}). Every write throws {@link
 * java.nio.file.ReadOnlyFileSystemException}. Attribute views: {@code basic}, {@code posix},
 * {@code owner}, {@code unix} ({@code mode}, {@code ino}, {@code dev}, {@code rdev}, {@code
 * nlink}, {@code uid}, {@code gid}, {@code ctime} as the JDK's {@code unix} view on Linux names
 * them) and {@code soci} ({@code layer}, {@code entryIndex}: which layer's tar entry a path
 * comes from; {@code uname}, {@code gname}, {@code linkTarget}, {@code xattrs}). Glob matchers
 * follow the JDK's Unix rules.
 *
 * <p>Thread-safe: any number of threads may read through one file system; parallel reads share
 * the image's span cache. {@link #close()} closes the image when the file system owns it (and
 * the store, when it was opened from a URI); channels and streams then fail.
 */
public final class SociFileSystem extends FileSystem {
  /** The attribute views every path supports. */
  static final Set<String> VIEWS = Set.of("basic", "posix", "owner", "unix", "soci");

  private final SociFileSystemProvider provider;
  private final SociImage image;
  private final boolean ownsImage;
  /** Closed after the image (the store a URI named), or null. */
  private final Closeable store;
  /**
   * {@code paths} sorted as their data lies in the image: by layer, then by tar entry (links
   * followed; paths that cannot be looked up last, in the order given). Reading many files in
   * this order reads each span's files together, so each span is fetched once: a scanner that
   * reads the files a walk matched in walk (name) order makes the span cache fetch spans again
   * once it is full (measured by the benchmarks' {@code ScanCheck}: several times the bytes).
   *
   * @param paths paths of this file system, absolute or relative to the root
   * @return a new list of the same paths in layer order
   */
  public List<Path> inLayerOrder(java.util.Collection<? extends Path> paths) {
    record Keyed(long key, int given, Path path) {}
    List<Keyed> keyed = new java.util.ArrayList<>(paths.size());
    int i = 0;
    for (Path p : paths) {
      long key;
      try {
        ImageEntry e = lookup(check(p), true);
        key = ((long) (e.layer() + 1) << 32) | (e.entryIndex() + 1L);
      } catch (IOException e) {
        key = Long.MAX_VALUE;
      }
      keyed.add(new Keyed(key, i++, p));
    }
    keyed.sort(java.util.Comparator.comparingLong(Keyed::key).thenComparingInt(Keyed::given));
    List<Path> out = new java.util.ArrayList<>(keyed.size());
    for (Keyed k : keyed) {
      out.add(k.path());
    }
    return out;
  }

  /** The image part of this file system's URIs. */
  private final String key;
  /** Whether {@link #key} is registered with the provider (to be removed on close). */
  private final boolean registered;
  private final SociPath root;
  private final SociFileStore fileStore;
  private final Object lazyLock = new Object();
  private volatile boolean open = true;
  /** Names per file key of files with more than one name, computed on first need. */
  private Map<Long, Integer> linkCounts;
  /** Sum of the sizes of distinct regular files, computed on first need. */
  private long totalFileBytes = -1;

  SociFileSystem(SociFileSystemProvider provider, SociImage image, boolean ownsImage,
      Closeable store, String key, boolean registered) {
    this.provider = provider;
    this.image = Objects.requireNonNull(image, "image");
    this.ownsImage = ownsImage;
    this.store = store;
    this.key = key;
    this.registered = registered;
    this.root = new SociPath(this, "/");
    this.fileStore = new SociFileStore(this);
  }

  /**
   * The image this file system shows.
   *
   * @return the image whose merged layers this file system shows
   */
  public SociImage image() {
    return image;
  }

  /**
   * The image's entry for {@code path} (relative paths from the root): its layer, tar entry,
   * raw owner names, extended attributes, everything the attribute views are made from.
   *
   * @param path a path of this file system
   * @param options {@link LinkOption#NOFOLLOW_LINKS} for a symbolic link itself
   * @return the entry the path names in the merged image
   * @throws NoSuchFileException when there is no such path
   * @throws java.nio.file.FileSystemLoopException when links loop
   * @throws ProviderMismatchException when {@code path} is not of this file system
   */
  public ImageEntry entry(Path path, LinkOption... options) throws IOException {
    return lookup(check(path), follows(options));
  }

  /** The image part of this file system's URIs ({@code oci:/x}, {@code docker://h/r:t}, ...). */
  String key() {
    return key;
  }

  SociPath root() {
    return root;
  }

  SociPath check(Path p) {
    Objects.requireNonNull(p, "path");
    if (!(p instanceof SociPath sp) || sp.getFileSystem() != this) {
      throw new ProviderMismatchException("not a path of " + this + ": " + p);
    }
    return sp;
  }

  static boolean follows(LinkOption... options) {
    for (LinkOption o : options) {
      if (o == LinkOption.NOFOLLOW_LINKS) {
        return false;
      }
    }
    return true;
  }

  void checkOpen() {
    if (!open) {
      throw new ClosedFileSystemException();
    }
  }

  /** The entry {@code p} locates, the last link followed when {@code follow}. */
  ImageEntry lookup(SociPath p, boolean follow) throws IOException {
    checkOpen();
    try {
      return follow ? image.resolve(p.imagePath()) : image.resolve(p.imagePath(),
          LinkOption.NOFOLLOW_LINKS);
    } catch (ImagePathException e) {
      throw Errors.map(e, p);
    }
  }

  /** The entries of directory {@code dir} (links followed to it). */
  List<ImageEntry> list(SociPath dir) throws IOException {
    checkOpen();
    try {
      return image.list(dir.imagePath());
    } catch (ImagePathException e) {
      throw Errors.map(e, dir);
    }
  }

  SociPath realPath(SociPath p, LinkOption... options) throws IOException {
    if (follows(options)) {
      return new SociPath(this, "/" + lookup(p, true).path());
    }
    SociPath abs = p.toAbsolutePath().normalize();
    checkOpen();
    try {
      if (image.entry(abs.imagePath()).isEmpty()) {
        throw new NoSuchFileException(p.toString(), null,
            "no such file or directory in the image (as " + abs + ", no link followed)");
      }
    } catch (ImagePathException e) {
      throw Errors.map(e, p);
    }
    return abs;
  }

  /** Names of the hard-linked file {@code e} ({@code st_nlink}); a directory's is 2 + subdirectories. */
  int linkCount(ImageEntry e) throws IOException {
    if (e.isDirectory()) {
      int n = 2;
      for (ImageEntry c : list(new SociPath(this, "/" + e.path()))) {
        n += c.isDirectory() ? 1 : 0;
      }
      return n;
    }
    synchronized (lazyLock) {
      if (linkCounts == null) {
        Map<Long, Integer> all = new HashMap<>();
        walk(x -> {
          if (!x.isDirectory()) {
            all.merge(x.fileKey(), 1, Integer::sum);
          }
        });
        all.values().removeIf(v -> v == 1);
        linkCounts = all;
      }
      return linkCounts.getOrDefault(e.fileKey(), 1);
    }
  }

  /** Sum of the sizes of the image's regular files, each hard-linked file once. */
  long totalFileBytes() throws IOException {
    synchronized (lazyLock) {
      if (totalFileBytes < 0) {
        Set<Long> seen = new java.util.HashSet<>();
        long[] sum = {0};
        walk(x -> {
          if (x.isFile() && seen.add(x.fileKey())) {
            sum[0] += x.size();
          }
        });
        totalFileBytes = sum[0];
      }
      return totalFileBytes;
    }
  }

  /** Every entry of the tree below the root, parents before children (no link followed). */
  private void walk(Consumer<ImageEntry> action) throws IOException {
    Deque<String> dirs = new ArrayDeque<>();
    dirs.push("/");
    while (!dirs.isEmpty()) {
      String d = dirs.pop();
      List<ImageEntry> children;
      try {
        children = image.list(d);
      } catch (ImagePathException e) {
        throw Errors.map(e, new SociPath(this, d));
      }
      for (ImageEntry c : children) {
        action.accept(c);
        if (c.isDirectory()) {
          dirs.push("/" + c.path());
        }
      }
    }
  }

  /** The URI of absolute path {@code absolute}: {@code soci:<key>!<path>}. */
  URI uriOf(String absolute) {
    try {
      return new URI(SociFileSystemProvider.SCHEME, key + "!" + absolute, null);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("no URI for " + absolute + " of " + key, e);
    }
  }

  @Override
  public SociFileSystemProvider provider() {
    return provider;
  }

  /**
   * Closes the image if this file system opened it (and the store, if a URI named it); an image
   * given to {@link SociFileSystems#of(SociImage, boolean)} with {@code false} stays open. Later
   * operations throw {@link ClosedFileSystemException}.
   */
  @Override
  public void close() throws IOException {
    synchronized (lazyLock) {
      if (!open) {
        return;
      }
      open = false;
    }
    if (registered) {
      provider.unregister(key, this);
    }
    try {
      if (ownsImage) {
        image.close();
      }
    } finally {
      if (store != null) {
        store.close();
      }
    }
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  /** Always true: an image cannot be written through its file system. */
  @Override
  public boolean isReadOnly() {
    return true;
  }

  @Override
  public String getSeparator() {
    return "/";
  }

  @Override
  public Iterable<Path> getRootDirectories() {
    checkOpen();
    return List.of(root);
  }

  @Override
  public Iterable<FileStore> getFileStores() {
    checkOpen();
    return List.of(fileStore);
  }

  SociFileStore fileStore() {
    return fileStore;
  }

  @Override
  public Set<String> supportedFileAttributeViews() {
    return VIEWS;
  }

  /** Joins the non-empty strings with {@code /}, as the default file system on Unix does. */
  @Override
  public Path getPath(String first, String... more) {
    Objects.requireNonNull(first, "first");
    if (more.length == 0) {
      return new SociPath(this, first);
    }
    StringBuilder sb = new StringBuilder(first);
    for (String m : more) {
      if (!m.isEmpty()) {
        if (sb.length() > 0) {
          sb.append('/');
        }
        sb.append(m);
      }
    }
    return new SociPath(this, sb.toString());
  }

  /**
   * A matcher of {@code glob:PATTERN} or {@code regex:PATTERN} against a path's string (the
   * whole of it: match {@code **}{@code /*.txt} for files at any depth).
   *
   * @throws IllegalArgumentException without a {@code syntax:} prefix
   * @throws UnsupportedOperationException for another syntax
   * @throws java.util.regex.PatternSyntaxException for a malformed pattern
   */
  @Override
  public PathMatcher getPathMatcher(String syntaxAndPattern) {
    int colon = syntaxAndPattern.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("expected syntax:pattern, got '" + syntaxAndPattern
          + "'");
    }
    String syntax = syntaxAndPattern.substring(0, colon);
    String pattern = syntaxAndPattern.substring(colon + 1);
    String regex;
    if (syntax.equalsIgnoreCase("glob")) {
      regex = Glob.toRegex(pattern);
    } else if (syntax.equalsIgnoreCase("regex")) {
      regex = pattern;
    } else {
      throw new UnsupportedOperationException("syntax '" + syntax + "' is not glob or regex");
    }
    Pattern p = Pattern.compile(regex);
    return path -> p.matcher(path.toString()).matches();
  }

  /** Principals by name, as the image's tar headers name them (no lookup on this host). */
  @Override
  public UserPrincipalLookupService getUserPrincipalLookupService() {
    return new UserPrincipalLookupService() {
      @Override
      public UserPrincipal lookupPrincipalByName(String name) {
        return new ImagePrincipal(idOf(name), name);
      }

      @Override
      public GroupPrincipal lookupPrincipalByGroupName(String group) {
        return new ImagePrincipal.Group(idOf(group), group);
      }
    };
  }

  private static long idOf(String name) {
    try {
      return Long.parseLong(name);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Unsupported: an image's tree never changes. */
  @Override
  public WatchService newWatchService() {
    throw new UnsupportedOperationException("an image's file system does not change: no watching");
  }

  @Override
  public String toString() {
    return "soci:" + key;
  }
}
