package dev.soci.oci.fs;

import dev.soci.oci.image.ImageEntry;
import dev.soci.oci.image.SociImage;
import dev.soci.oci.store.ContentStore;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.spi.FileSystemProvider;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * The {@code soci} URI scheme: read-only file systems over images' merged root filesystems
 * (see {@link SociFileSystem}), installed through {@code META-INF/services}.
 *
 * <p>URIs are {@code soci:IMAGE!/PATH}: IMAGE is {@code oci:LAYOUT-DIR}, {@code
 * oci-archive:LAYOUT-TAR} or {@code docker://HOST/REPO[:TAG][@DIGEST]}; {@code !/PATH} is a path
 * in the image (the root when left out); the first {@code !/} ends IMAGE. {@link
 * #newFileSystem(URI, Map)} opens the store and the image and keeps the file system under its
 * (canonical) IMAGE until it is closed, so that {@link java.nio.file.Path#of(URI)} finds it;
 * one file system per IMAGE at a time. Environment keys (strings or the types given):
 *
 * <ul>
 *   <li>{@code platform}: {@code os/arch[/variant]} or a {@link dev.soci.oci.Platform}, for an
 *       image index (default: the host's);
 *   <li>{@code reference}: a tag or digest in a layout (default: its only image);
 *   <li>{@code plainHttp}, {@code insecure}: registry transport, booleans (default false);
 *   <li>{@code username}, {@code password}: a registry credential (default: {@code
 *       ~/.docker/config.json});
 *   <li>{@code fetchWholeLayers}: false to refuse layers without a zTOC (default true);
 *   <li>{@code cacheBytes}: the span cache bound (default 64 MiB).
 * </ul>
 *
 * Unknown keys are an {@link IllegalArgumentException}. {@link #newFileSystem(Path, Map)} takes
 * a layout directory (one with an {@code oci-layout} file) or a {@code .tar} layout, with the
 * same keys; such file systems are not kept for {@link #getFileSystem(URI)}. File systems made
 * by {@link SociFileSystems} from a store have URIs {@code soci:sha256:MANIFEST-DIGEST!/PATH},
 * which name them but cannot open them.
 */
public final class SociFileSystemProvider extends FileSystemProvider {
  /** The URI scheme, {@code soci}. */
  public static final String SCHEME = "soci";

  private static volatile SociFileSystemProvider fallback;

  private final Map<String, SociFileSystem> open = new ConcurrentHashMap<>();

  /** The provider; use {@link #instance()} rather than making another (the JDK makes one). */
  public SociFileSystemProvider() {}

  /**
   * The installed provider of scheme {@code soci}, or one of this class when none is installed.
   *
   * @return the provider the JDK installed for {@code soci}, or this class's shared fallback
   */
  public static SociFileSystemProvider instance() {
    SociFileSystemProvider p = fallback;
    if (p != null) {
      return p;
    }
    synchronized (SociFileSystemProvider.class) {
      if (fallback == null) {
        SociFileSystemProvider found = null;
        for (FileSystemProvider fp : FileSystemProvider.installedProviders()) {
          if (fp instanceof SociFileSystemProvider s) {
            found = s;
          }
        }
        fallback = found != null ? found : new SociFileSystemProvider();
      }
      return fallback;
    }
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  /**
   * Opens the image {@code uri} names (see the class comment for the form and the keys).
   *
   * @throws FileSystemAlreadyExistsException when one is open for that image
   * @throws IllegalArgumentException when the URI names no image or an option is wrong
   */
  @Override
  public SociFileSystem newFileSystem(URI uri, Map<String, ?> env) throws IOException {
    ImageUri u = ImageUri.parse(uri);
    if (!u.openable()) {
      throw new IllegalArgumentException(uri + " names a file system made from a store; it"
          + " cannot be opened from its URI");
    }
    synchronized (open) {
      if (open.containsKey(u.key())) {
        throw new FileSystemAlreadyExistsException(u.key());
      }
      SociFileSystem fs = openFrom(u, env, true);
      open.put(u.key(), fs);
      return fs;
    }
  }

  /**
   * A file system over the layout at {@code path}: a directory with an {@code oci-layout} file,
   * or a {@code .tar} file.
   *
   * @throws UnsupportedOperationException for any other path (so that {@link
   *     java.nio.file.FileSystems#newFileSystem(Path)} tries the next provider)
   */
  @Override
  public SociFileSystem newFileSystem(Path path, Map<String, ?> env) throws IOException {
    boolean layoutDir = Files.isDirectory(path) && Files.isRegularFile(path.resolve("oci-layout"));
    boolean layoutTar = Files.isRegularFile(path)
        && path.getFileName().toString().endsWith(".tar");
    if (path.getFileSystem() != java.nio.file.FileSystems.getDefault()
        || !(layoutDir || layoutTar)) {
      throw new UnsupportedOperationException(path + " is not an image layout");
    }
    String p = path.toAbsolutePath().normalize().toString();
    return openFrom(new ImageUri((layoutDir ? ImageUri.OCI : ImageUri.OCI_ARCHIVE) + p, "/"),
        env, false);
  }

  private SociFileSystem openFrom(ImageUri u, Map<String, ?> env, boolean register)
      throws IOException {
    ContentStore store = u.openStore(env);
    try {
      SociImage image = ImageUri.openImage(store, env);
      return new SociFileSystem(this, image, true, store, u.key(), register);
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  void unregister(String key, SociFileSystem fs) {
    open.remove(key, fs);
  }

  /**
   * The open file system of {@code uri}'s image.
   *
   * @throws FileSystemNotFoundException when none is open
   */
  @Override
  public SociFileSystem getFileSystem(URI uri) {
    SociFileSystem fs = open.get(ImageUri.parse(uri).key());
    if (fs == null) {
      throw new FileSystemNotFoundException(uri.toString());
    }
    return fs;
  }

  /**
   * The path {@code uri} names in its image's open file system.
   *
   * @throws FileSystemNotFoundException when that file system is not open
   */
  @Override
  public Path getPath(URI uri) {
    ImageUri u = ImageUri.parse(uri);
    SociFileSystem fs = open.get(u.key());
    if (fs == null) {
      throw new FileSystemNotFoundException(uri.toString());
    }
    return fs.getPath(u.path());
  }

  private static SociPath soci(Path p) {
    if (!(p instanceof SociPath sp)) {
      throw new ProviderMismatchException("not a path of a soci file system: " + p);
    }
    return sp;
  }

  /** Checks open options: reading only (writes are refused), links as asked. */
  private static boolean readOptions(Set<? extends OpenOption> options) {
    boolean follow = true;
    for (OpenOption o : options) {
      if (o == StandardOpenOption.WRITE || o == StandardOpenOption.APPEND
          || o == StandardOpenOption.CREATE || o == StandardOpenOption.CREATE_NEW
          || o == StandardOpenOption.DELETE_ON_CLOSE) {
        throw new ReadOnlyFileSystemException();
      }
      if (o == LinkOption.NOFOLLOW_LINKS) {
        follow = false;
      } else if (o == null) {
        throw new NullPointerException("null option");
      } else if (!(o instanceof StandardOpenOption)) {
        throw new UnsupportedOperationException("open option " + o + " is not supported");
      }
    }
    return follow;
  }

  /** The regular file {@code p} opens to, or the error opening a non-file gives. */
  private static ImageEntry openable(SociPath p, boolean follow) throws IOException {
    ImageEntry e = p.getFileSystem().lookup(p, follow);
    if (e.isDirectory()) {
      throw new FileSystemException(p.toString(), null, "Is a directory");
    }
    if (e.isSymlink()) {
      throw new FileSystemException(p.toString(), null,
          "Too many levels of symbolic links (a link opened with NOFOLLOW_LINKS)");
    }
    if (!e.isFile()) {
      throw new FileSystemException(p.toString(), null, "not a regular file (a "
          + e.type().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
          + ", whose data an image does not hold)");
    }
    return e;
  }

  @Override
  public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options,
      FileAttribute<?>... attrs) throws IOException {
    return newFileChannel(path, options, attrs);
  }

  /**
   * A read-only {@link FileChannel}; positional reads are thread-safe.
   *
   * @throws ReadOnlyFileSystemException for {@code WRITE}, {@code APPEND}, {@code CREATE},
   *     {@code CREATE_NEW} or {@code DELETE_ON_CLOSE}
   */
  @Override
  public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options,
      FileAttribute<?>... attrs) throws IOException {
    SociPath p = soci(path);
    boolean follow = readOptions(options);
    if (attrs.length > 0) {
      throw new ReadOnlyFileSystemException();
    }
    return new SociFileChannel(p.getFileSystem(), openable(p, follow));
  }

  /** A stream of a regular file (layers without a zTOC streamed rather than read by position). */
  @Override
  public InputStream newInputStream(Path path, OpenOption... options) throws IOException {
    SociPath p = soci(path);
    // Not Set.of: repeated options are allowed, as for the default provider.
    boolean follow = readOptions(new java.util.HashSet<>(java.util.Arrays.asList(options)));
    ImageEntry e = openable(p, follow);
    SociFileSystem fs = p.getFileSystem();
    SociImage image = fs.image();
    return new FilterInputStream(image.openFile(e)) {
      private volatile boolean closed;

      @Override
      public int read() throws IOException {
        check();
        return super.read();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        check();
        return super.read(b, off, len);
      }

      @Override
      public long skip(long n) throws IOException {
        check();
        return super.skip(n);
      }

      @Override
      public int available() throws IOException {
        check();
        return super.available();
      }

      private void check() throws IOException {
        if (closed || !fs.isOpen()) {
          throw new IOException("stream of " + p + " is closed");
        }
      }

      @Override
      public void close() throws IOException {
        closed = true;
        super.close();
      }
    };
  }

  /** Always refused: {@link ReadOnlyFileSystemException}. */
  @Override
  public OutputStream newOutputStream(Path path, OpenOption... options) {
    soci(path);
    throw new ReadOnlyFileSystemException();
  }

  /**
   * The entries of a directory (links followed to it).
   *
   * @throws NotDirectoryException when it is not a directory
   */
  @Override
  public DirectoryStream<Path> newDirectoryStream(Path dir,
      DirectoryStream.Filter<? super Path> filter) throws IOException {
    SociPath d = soci(dir);
    SociFileSystem fs = d.getFileSystem();
    ImageEntry e = fs.lookup(d, true);
    if (!e.isDirectory()) {
      throw new NotDirectoryException(d.toString());
    }
    return new SociDirectoryStream(d, fs.list(d), filter);
  }

  @Override
  public void createDirectory(Path dir, FileAttribute<?>... attrs) {
    soci(dir);
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) {
    soci(link);
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public void createLink(Path link, Path existing) {
    soci(link);
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public void delete(Path path) {
    soci(path);
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public boolean deleteIfExists(Path path) {
    soci(path);
    throw new ReadOnlyFileSystemException();
  }

  /** Always refused: a copy within a soci file system writes to it. */
  @Override
  public void copy(Path source, Path target, CopyOption... options) {
    soci(source);
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public void move(Path source, Path target, CopyOption... options) {
    soci(source);
    throw new ReadOnlyFileSystemException();
  }

  /** Whether two paths locate one file: equal, or the same file key (links followed). */
  @Override
  public boolean isSameFile(Path path, Path path2) throws IOException {
    SociPath a = soci(path);
    if (a.equals(path2)) {
      return true;
    }
    if (!(path2 instanceof SociPath b) || b.getFileSystem() != a.getFileSystem()) {
      return false;
    }
    return a.getFileSystem().lookup(a, true).fileKey() == b.getFileSystem().lookup(b, true)
        .fileKey();
  }

  /** Whether the name starts with a dot, as on Unix. */
  @Override
  public boolean isHidden(Path path) {
    SociPath name = soci(path).getFileName();
    return name != null && name.toString().startsWith(".");
  }

  @Override
  public FileStore getFileStore(Path path) throws IOException {
    SociPath p = soci(path);
    p.getFileSystem().lookup(p, true);
    return p.getFileSystem().fileStore();
  }

  /**
   * Checks the path exists (links followed) and allows the access: reading always (an image's
   * files are all readable to whoever holds it), executing a directory or a file with an
   * execute bit, writing never ({@link AccessDeniedException}, so that {@link
   * Files#isWritable} is false).
   */
  @Override
  public void checkAccess(Path path, AccessMode... modes) throws IOException {
    SociPath p = soci(path);
    ImageEntry e = p.getFileSystem().lookup(p, true);
    for (AccessMode m : modes) {
      if (m == AccessMode.WRITE) {
        throw new AccessDeniedException(p.toString(), null, "read-only file system");
      }
      if (m == AccessMode.EXECUTE && !e.isDirectory() && (e.mode() & 0111) == 0) {
        throw new AccessDeniedException(p.toString(), null, "no execute bit in mode "
            + String.format("%04o", e.mode()));
      }
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type,
      LinkOption... options) {
    SociPath p = soci(path);
    boolean follow = SociFileSystem.follows(options);
    if (type == BasicFileAttributeView.class) {
      return (V) new SociAttributeView("basic", p, follow);
    }
    if (type == PosixFileAttributeView.class) {
      return (V) new SociAttributeView("posix", p, follow);
    }
    if (type == FileOwnerAttributeView.class) {
      return (V) new SociAttributeView("owner", p, follow);
    }
    return null;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type,
      LinkOption... options) throws IOException {
    SociPath p = soci(path);
    if (type != BasicFileAttributes.class && type != PosixFileAttributes.class) {
      throw new UnsupportedOperationException(type.getName() + " is not available (basic or"
          + " posix)");
    }
    return (A) new SociFileAttributes(p.getFileSystem().lookup(p,
        SociFileSystem.follows(options)));
  }

  @Override
  public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
      throws IOException {
    SociPath p = soci(path);
    return AttributeMaps.read(p.getFileSystem(), p, attributes, SociFileSystem.follows(options));
  }

  @Override
  public void setAttribute(Path path, String attribute, Object value, LinkOption... options) {
    soci(path);
    throw new ReadOnlyFileSystemException();
  }

  /**
   * The target of a symbolic link, as stored.
   *
   * @throws NotLinkException when the path is not a symbolic link
   */
  @Override
  public Path readSymbolicLink(Path link) throws IOException {
    SociPath p = soci(link);
    ImageEntry e = p.getFileSystem().lookup(p, false);
    if (!e.isSymlink()) {
      throw new NotLinkException(p.toString(), null, "not a symbolic link (a "
          + e.type().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ")");
    }
    return p.getFileSystem().getPath(e.linkTarget());
  }

  /** Unsupported (no asynchronous channels over an image). */
  @Override
  public java.nio.channels.AsynchronousFileChannel newAsynchronousFileChannel(Path path,
      Set<? extends OpenOption> options, ExecutorService executor, FileAttribute<?>... attrs) {
    throw new UnsupportedOperationException("no asynchronous channels over an image");
  }

  @Override
  public String toString() {
    return "soci file system provider";
  }
}
