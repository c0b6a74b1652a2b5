package dev.soci.oci.image;

import dev.soci.core.RangeSource;
import dev.soci.core.SociException;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.LayerCompression;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciException;
import dev.soci.oci.Platform;
import dev.soci.oci.build.FoundSociIndex;
import dev.soci.oci.store.BlobMismatchException;
import dev.soci.oci.index.SociIndexVersion;
import dev.soci.oci.store.ContentStore;
import dev.soci.ztoc.EntryType;
import dev.soci.ztoc.LayerReader;
import dev.soci.ztoc.SpanCacheBudget;
import dev.soci.ztoc.TocEntry;
import dev.soci.ztoc.ZtocView;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The merged root filesystem of one image (one platform), read lazily through its SOCI index:
 * the base of {@code soci cat IMAGE PATH} and of a {@code java.nio} file system.
 *
 * <p><b>Opening</b> ({@link #open}, {@link #builder}) picks the manifest (for an image index,
 * the one for the platform; a manifest is taken as is), finds its SOCI index (the v2 index its
 * {@code com.amazon.soci.index-digest} annotation names, else a v1 index among its referrers)
 * and reads the zTOCs it lists, each checked against its digest. An image without a SOCI index
 * still opens: every layer is then fetched whole ({@link #hasSociIndex()} says so, for a
 * warning).
 *
 * <p><b>The tree</b> is built on the first lookup, from the zTOCs alone for indexed layers (no
 * layer byte is read to list them) and by streaming each other layer once; it merges the
 * layers as an overlay mount shows them (whiteouts, opaque directories, replacements, hard
 * links, implied directories: see {@link ImageEntry} and the rules below). Layers without a
 * zTOC keep their files' data in memory up to a bound shared by the image ({@link
 * Builder#wholeLayerMemoryBytes}); a file beyond it is read by streaming its layer again.
 *
 * <p><b>Reads</b> of a file in an indexed layer fetch and verify only the spans holding it
 * (and the block before it, where its tar header is checked), through one {@link LayerReader}
 * per layer; the readers share one pool of threads and one span-cache bound ({@link
 * Builder#threads}, {@link Builder#cacheBytes}).
 *
 * <p>Merge rules: layers are applied bottom-up; {@code .wh.NAME} removes {@code NAME} and what is
 * under it from the lower layers; {@code .wh..wh..opq} hides everything the lower layers have in
 * its directory (the same layer's entries stay, wherever they come in the tar); whiteouts never
 * show; a later entry replaces an earlier one (a directory over a directory merges, taking the
 * new metadata; anything else drops the old subtree); a hard link shows its target as the tree
 * holds it when the link is applied; a missing parent directory, or a lower non-directory where
 * a layer has a parent directory, is an implied directory (0755, 0:0, time 0). Paths given to
 * the lookups may be absolute or relative (both from the image's root); names are compared as
 * UTF-8.
 *
 * <p>Thread-safe: the tree is immutable once built and the readers are concurrent.
 */
public final class SociImage implements Closeable {
  /** Most symbolic links one lookup follows, as Linux's {@code ELOOP} limit. */
  public static final int MAX_LINK_HOPS = ZtocView.MAX_LINK_HOPS;

  /** Longest path, and longest entry name or link target in a layer, in bytes ({@code PATH_MAX}). */
  public static final int MAX_PATH_BYTES = ZtocView.MAX_PATH_BYTES;

  /** Default bound on the entries of the tree: tar entries of all layers plus implied directories. */
  public static final int DEFAULT_MAX_ENTRIES = 1 << 20;

  /** Default bound on the file data of layers without a zTOC kept in memory, 64 MiB. */
  public static final long DEFAULT_WHOLE_LAYER_MEMORY_BYTES = 64L << 20;

  /** Default bound on a whole-file read into memory ({@link #readFile(String)}), 256 MiB. */
  public static final long DEFAULT_MAX_READ_BYTES = 256L << 20;

  /** Default bound on one zTOC's size, 256 MiB (a zTOC is usually well under 1 MiB per 10k files). */
  public static final long DEFAULT_MAX_ZTOC_BYTES = 256L << 20;

  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
  /** Largest temporary copy a positional read into a direct buffer makes. */
  private static final int DIRECT_CHUNK = 1 << 20;

  private final ContentStore store;
  private final Descriptor manifest;
  private final Platform platform;
  private final FoundSociIndex sociIndex;
  private final List<Layer> layers;
  private final List<ImageLayer> layerInfo;
  private final List<String> layerNames;
  private final long maxEntries;
  private final long wholeLayerMemoryBytes;
  private final long maxReadBytes;
  private final ExecutorService pool;
  private final SpanCacheBudget budget;
  /** Files whose tar header has been checked, as {@code layer << 32 | entry}. */
  private final Set<Long> checkedFiles = ConcurrentHashMap.newKeySet();
  private final Object treeLock = new Object();
  private volatile MergedTree tree;
  private volatile boolean closed;

  /** One layer and how it is read. */
  private static final class Layer {
    final int index;
    final Descriptor blob;
    final ZtocView ztoc;
    final WholeLayer whole;
    /** Opened on the first read; guarded by this. */
    LayerReader reader;

    Layer(int index, Descriptor blob, ZtocView ztoc, WholeLayer whole) {
      this.index = index;
      this.blob = blob;
      this.ztoc = ztoc;
      this.whole = whole;
    }
  }

  /**
   * Opens the image {@code image} of {@code store} with the default options.
   *
   * @param store the store holding the image, its SOCI index and zTOCs
   * @param image an image manifest, or an image index (then {@code platform} picks)
   * @param platform the platform to pick from an index; null means {@link Platform#host()}
   * @throws PlatformNotFoundException when an index has no manifest for the platform
   * @throws WholeLayerFetchRefusedException never with the defaults (whole fetches allowed)
   * @return the open image, to close after use; the merged tree is built on first use
   * @throws OciException when a document, a SOCI index or a zTOC is malformed or does not match
   * @throws IOException when the store cannot be read (file system or network)
   */
  public static SociImage open(ContentStore store, Descriptor image, Platform platform)
      throws IOException {
    return builder(store, image).platform(platform).open();
  }

  /**
   * A builder to open {@code image} of {@code store} with options.
   *
   * @param store the store holding the image, its SOCI index and zTOCs; not null
   * @param image an image manifest, or an image index to pick a platform from; not null
   * @return a builder with the default options
   */
  public static Builder builder(ContentStore store, Descriptor image) {
    return new Builder(store, image);
  }

  private SociImage(Builder b) throws IOException {
    this.store = b.store;
    this.maxEntries = b.maxEntries;
    this.wholeLayerMemoryBytes = b.wholeLayerMemoryBytes;
    this.maxReadBytes = b.maxReadBytes;
    Platform want = b.platform != null ? b.platform : Platform.host();
    Descriptor chosen = b.image;
    Platform chosenPlatform = null;
    if (MediaTypes.isIndex(b.image.mediaType())) {
      chosen = pick(store, b.image, want);
      chosenPlatform = chosen.platform();
    } else if (!SociIndexVersion.isImageManifest(b.image)) {
      throw new OciException(b.image.digest() + " of " + store.name() + " (media type \""
          + b.image.mediaType() + "\") is not an image manifest or index");
    }
    this.manifest = chosen;
    this.platform = chosenPlatform;
    ImageManifest m = store.readManifest(chosen);
    this.sociIndex = sociIndexOf(store, chosen);
    Map<Digest, Descriptor> ztocByLayer = new HashMap<>();
    if (sociIndex != null) {
      for (Descriptor z : sociIndex.index().ztocs()) {
        String layer = z.annotations().get(MediaTypes.ANNOTATION_IMAGE_LAYER_DIGEST);
        if (layer != null) {
          ztocByLayer.putIfAbsent(Digest.parse(layer), z);
        }
      }
    }
    List<Layer> ls = new ArrayList<>();
    List<ImageLayer> info = new ArrayList<>();
    List<String> names = new ArrayList<>();
    long entries = 0;
    List<String> whole = new ArrayList<>();
    for (int i = 0; i < m.layers().size(); i++) {
      Descriptor d = m.layers().get(i);
      String name = "layer " + i + " (" + d.digest() + ")";
      names.add(name);
      Descriptor z = ztocByLayer.get(d.digest());
      info.add(new ImageLayer(i, d, z));
      if (z != null) {
        ZtocView view = readZtoc(z, d, name, b.maxZtocBytes);
        entries += view.entryCount();
        ls.add(new Layer(i, d, view, null));
      } else {
        LayerCompression c = LayerCompression.of(d.mediaType());
        if (c == LayerCompression.ZSTD || c == LayerCompression.NOT_A_LAYER) {
          throw new ImageTreeException(name + " has no zTOC and media type \"" + d.mediaType()
              + "\", which this library cannot decompress to list it");
        }
        whole.add(name + ", " + d.size() + " bytes");
        ls.add(new Layer(i, d, null, new WholeLayer(store, d, name, c)));
      }
    }
    if (!whole.isEmpty() && !b.fetchWholeLayers) {
      throw new WholeLayerFetchRefusedException((sociIndex == null ? "the image has no SOCI index"
          : "the SOCI index has no zTOC for " + whole.size() + " of " + ls.size() + " layers")
          + " and whole-layer fetches are off: " + String.join("; ", whole));
    }
    if (entries > maxEntries) {
      throw new ImageTreeException("the zTOCs list " + entries + " entries, more than the bound of "
          + maxEntries + ": raise SociImage.Builder.maxEntries if that is right");
    }
    this.layers = List.copyOf(ls);
    this.layerInfo = List.copyOf(info);
    this.layerNames = List.copyOf(names);
    this.budget = new SpanCacheBudget(b.cacheBytes);
    AtomicInteger n = new AtomicInteger();
    ThreadFactory daemons = r -> {
      Thread t = new Thread(r, "soci-image-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    this.pool = Executors.newFixedThreadPool(b.threads, daemons);
  }

  /** The manifest of {@code index} for {@code want}, or a clear error listing what there is. */
  private static Descriptor pick(ContentStore store, Descriptor index, Platform want)
      throws IOException {
    ImageIndex idx = store.readImageIndex(index);
    List<Descriptor> images = idx.manifests(
        SociIndexVersion::isImageManifest);
    for (Descriptor d : images) {
      if (d.platform() != null && d.platform().matches(want)) {
        return d;
      }
    }
    if (images.size() == 1 && images.get(0).platform() == null) {
      return images.get(0); // one image, no platform given: the only choice
    }
    List<Platform> available = new ArrayList<>();
    for (Descriptor d : images) {
      if (d.platform() != null && !available.contains(d.platform())) {
        available.add(d.platform());
      }
    }
    throw new PlatformNotFoundException("image index " + index.digest() + " of " + store.name()
        + " has no manifest for " + want + "; it has "
        + (available.isEmpty() ? "none with a platform" : available.toString()), available);
  }

  /** The SOCI index of {@code manifest}: v2 (annotation) first, else v1 (referrers). */
  private static FoundSociIndex sociIndexOf(ContentStore store, Descriptor manifest)
      throws IOException {
    FoundSociIndex v1 = null;
    for (FoundSociIndex f : FoundSociIndex.find(store, manifest)) {
      if (!manifest.digest().equals(f.imageManifest())) {
        continue;
      }
      if (f.index().version() == SociIndexVersion.V2) {
        return f;
      }
      if (v1 == null) {
        v1 = f;
      }
    }
    return v1;
  }

  private ZtocView readZtoc(Descriptor z, Descriptor layer, String name, long maxBytes)
      throws IOException {
    if (z.size() > maxBytes) {
      throw new ImageTreeException("the zTOC " + z.digest() + " of " + name + " is " + z.size()
          + " bytes, more than the bound of " + maxBytes);
    }
    ZtocView view;
    try {
      view = ZtocView.open(store.readBlob(z), z.digest().toString());
    } catch (SociException e) {
      if (e instanceof OciException) {
        throw e;
      }
      throw new ImageTreeException("the zTOC " + z.digest() + " of " + name + " is unusable: "
          + e.getMessage(), e);
    }
    if (view.compressedArchiveSize() != layer.size()) {
      throw new ImageTreeException("the zTOC " + z.digest() + " of " + name + " describes a blob of "
          + view.compressedArchiveSize() + " bytes, the layer has " + layer.size());
    }
    return view;
  }

  /**
   * The manifest in use (for an index, the one picked for the platform).
   *
   * @return the descriptor of the image manifest whose layers are read
   */
  public Descriptor manifest() {
    return manifest;
  }

  /**
   * The platform of the manifest in use, as the image index lists it; empty for a manifest.
   *
   * @return the platform of the picked index entry, or empty when a manifest was opened (or
   *     the entry gives none)
   */
  public Optional<Platform> platform() {
    return Optional.ofNullable(platform);
  }

  /**
   * Whether a SOCI index was found; without one every layer is fetched whole.
   *
   * @return true when {@link #sociIndex()} is present
   */
  public boolean hasSociIndex() {
    return sociIndex != null;
  }

  /**
   * The SOCI index in use, if one was found.
   *
   * @return the SOCI index whose zTOCs the layers are read through, or empty
   */
  public Optional<FoundSociIndex> sociIndex() {
    return Optional.ofNullable(sociIndex);
  }

  /**
   * The layers, bottom first, with the zTOC each is read through (if any).
   *
   * @return the manifest's layers, unmodifiable, in manifest order
   */
  public List<ImageLayer> layers() {
    return layerInfo;
  }

  /**
   * The entry at {@code path}, no symbolic link followed (not even in a directory component:
   * use {@link #resolve(String, LinkOption...)} for that). {@code ..} is resolved lexically.
   *
   * @param path the path in the image, absolute or relative to its root
   * @return empty when there is no such path
   * @throws ImagePathException when the path is longer than {@link #MAX_PATH_BYTES}
   * @throws IOException when the merged tree, built on first use, cannot be: a layer without
   *     a zTOC cannot be read, or the layers make an invalid tree ({@link ImageTreeException},
   *     more than {@link Builder#maxEntries} paths included)
   */
  public Optional<ImageEntry> entry(String path) throws IOException {
    checkPath(path);
    MergedTree.Node n = tree().literal(MergedTree.normalize(path));
    return n == null ? Optional.empty() : Optional.of(n.entry);
  }

  /**
   * The entry {@code path} leads to: symbolic links followed in every component and, unless
   * {@link LinkOption#NOFOLLOW_LINKS} is given (and the path does not end in {@code /}, which
   * asks for a directory, as for the kernel), in the last one (absolute targets from the image's
   * root, relative ones from the link's directory, {@code ..} never above the root). The entry's
   * {@link ImageEntry#path()} is where it lives, links resolved.
   *
   * @param path the path in the image, absolute or relative to its root
   * @param options {@link LinkOption#NOFOLLOW_LINKS} not to follow a link in the last component
   * @return the entry the path leads to
   * @throws PathNotFoundException when a component does not exist (saying which, and the layer
   *     whose whiteout removed it)
   * @throws NotADirectoryException when a component other than the last is not a directory
   * @throws TooManySymlinksException after {@link #MAX_LINK_HOPS} links
   * @throws ImagePathException when the path is longer than {@link #MAX_PATH_BYTES}
   * @throws IOException when the merged tree, built on first use, cannot be: a layer without
   *     a zTOC cannot be read, or the layers make an invalid tree ({@link ImageTreeException},
   *     more than {@link Builder#maxEntries} paths included)
   */
  public ImageEntry resolve(String path, LinkOption... options) throws IOException {
    checkPath(path);
    boolean follow = path.endsWith("/");
    if (!follow) {
      follow = true;
      for (LinkOption o : options) {
        follow &= o != LinkOption.NOFOLLOW_LINKS;
      }
    }
    ImageEntry e = tree().resolve(path, follow).entry;
    if (path.endsWith("/") && !e.isDirectory()) {
      // As the kernel answers ENOTDIR for "file/".
      throw new NotADirectoryException(path, e.path(), path + ": /" + e.path()
          + " is not a directory (it is a " + MergedTree.kind(e) + ")");
    }
    return e;
  }

  /**
   * The entries of directory {@code dir} (links followed to it), sorted by name. Their paths
   * are where they live: under the directory's own path, links resolved.
   *
   * @param dir the directory's path in the image
   * @return its entries, sorted by name, in a new list; empty when it has none
   * @throws NotADirectoryException when {@code dir} is not a directory
   * @throws PathNotFoundException when it does not exist
   * @throws IOException when the merged tree, built on first use, cannot be: a layer without
   *     a zTOC cannot be read, or the layers make an invalid tree ({@link ImageTreeException},
   *     more than {@link Builder#maxEntries} paths included)
   */
  public List<ImageEntry> list(String dir) throws IOException {
    checkPath(dir);
    MergedTree.Node n = tree().resolve(dir, true);
    if (!n.isDirectory()) {
      throw new NotADirectoryException(dir, n.entry.path(), dir + ": /" + n.entry.path()
          + " is not a directory (it is a " + MergedTree.kind(n.entry) + ")");
    }
    return MergedTree.children(n);
  }

  /**
   * Number of paths in the merged tree, the root included.
   *
   * @return the number of paths; each name of a hard-linked file is one
   * @throws IOException when the merged tree, built on first use, cannot be: a layer without
   *     a zTOC cannot be read, or the layers make an invalid tree ({@link ImageTreeException},
   *     more than {@link Builder#maxEntries} paths included)
   */
  public long size() throws IOException {
    return tree().size();
  }

  /**
   * The whole content of the regular file at {@code path} (links followed), refusing one above
   * {@link Builder#maxReadBytes} (default {@link #DEFAULT_MAX_READ_BYTES}).
   *
   * @param path the file's path in the image
   * @return the file's bytes
   * @throws NotAFileException when it is not a regular file
   * @throws FileTooLargeException when it is above the bound
   */
  public byte[] readFile(String path) throws IOException {
    return readFile(path, maxReadBytes);
  }

  /**
   * The whole content of the regular file at {@code path} (links followed), refusing one above
   * {@code maxBytes}.
   *
   * @param path the file's path in the image
   * @param maxBytes the largest file to read, in bytes (arrays bound it too)
   * @return the file's bytes
   * @throws NotAFileException when it is not a regular file
   * @throws FileTooLargeException when it is above {@code maxBytes}
   * @throws IOException when the path does not resolve, or its layer cannot be read or does
   *     not match its zTOC
   */
  public byte[] readFile(String path, long maxBytes) throws IOException {
    ImageEntry e = resolve(path);
    if (!e.isFile()) {
      throw new NotAFileException(path, e);
    }
    long limit = Math.min(maxBytes, MAX_ARRAY);
    if (e.size() > limit) {
      throw new FileTooLargeException(path, e.size(), limit);
    }
    byte[] out = new byte[(int) e.size()];
    ByteBuffer dst = ByteBuffer.wrap(out);
    long pos = 0;
    while (dst.hasRemaining()) {
      int n = read(e, pos, dst);
      if (n <= 0) {
        throw new BlobMismatchException(layerNames.get(e.layer()) + " ends inside the data of /"
            + e.path());
      }
      pos += n;
    }
    return out;
  }

  /**
   * A stream of the regular file at {@code path} (links followed).
   *
   * @param path the file's path in the image
   * @return a stream of the file's data from its start, to close after use
   * @throws NotAFileException when it is not a regular file
   */
  public InputStream openFile(String path) throws IOException {
    ImageEntry e = resolve(path);
    if (!e.isFile()) {
      throw new NotAFileException(path, e);
    }
    return openFile(e);
  }

  /**
   * A stream of a regular file's data, the entry got from this image.
   *
   * @param file an entry of this image's tree
   * @return a stream of the file's data from its start, to close after use
   * @throws NotAFileException when it is not a regular file
   * @throws IllegalArgumentException when the entry is not one of this image
   */
  public InputStream openFile(ImageEntry file) throws IOException {
    Layer l = origin(file);
    if (l.ztoc == null) {
      return l.whole.open(file.entryIndex());
    }
    checkHeader(l, file.entryIndex());
    return new FileStream(file);
  }

  /**
   * Reads the bytes of regular file {@code file} at {@code position} into {@code dst}, as a
   * {@link java.nio.channels.SeekableByteChannel} reads: as many as {@code dst} has room for,
   * fewer only at the file's end (or, for a direct buffer, above 1 MiB).
   *
   * @param file an entry of this image's tree
   * @param position the offset in the file's data to read from; not negative
   * @param dst where the bytes go, from its position; its position is advanced
   * @return the number of bytes read, or -1 when {@code position} is at or past the end
   * @throws NotAFileException when it is not a regular file
   * @throws IllegalArgumentException when the entry is not one of this image, or the position
   *     is negative
   */
  public int read(ImageEntry file, long position, ByteBuffer dst) throws IOException {
    if (position < 0) {
      throw new IllegalArgumentException("negative position " + position);
    }
    Layer l = origin(file);
    if (!dst.hasRemaining()) {
      return 0;
    }
    if (position >= file.size()) {
      return -1;
    }
    int n = (int) Math.min(dst.remaining(), file.size() - position);
    if (l.ztoc == null) {
      return l.whole.read(file.entryIndex(), position, dst, n);
    }
    checkHeader(l, file.entryIndex());
    LayerReader r = reader(l);
    long offset = l.ztoc.uncompressedOffset(file.entryIndex()) + position;
    if (dst.hasArray()) {
      int got = readFully(r, offset, dst.array(), dst.arrayOffset() + dst.position(), n, file);
      dst.position(dst.position() + got);
      return got;
    }
    byte[] tmp = new byte[Math.min(n, DIRECT_CHUNK)];
    int got = readFully(r, offset, tmp, 0, tmp.length, file);
    dst.put(tmp, 0, got);
    return got;
  }

  private int readFully(LayerReader r, long offset, byte[] b, int off, int len, ImageEntry file)
      throws IOException {
    int done = 0;
    while (done < len) {
      int got = r.read(offset + done, b, off + done, len - done);
      if (got <= 0) {
        throw new BlobMismatchException(layerNames.get(file.layer())
            + "'s tar stream ends inside the data of /" + file.path());
      }
      done += got;
    }
    return done;
  }

  /** The layer holding {@code file}'s data, after checking the entry is a file of this image. */
  private Layer origin(ImageEntry file) throws IOException {
    Objects.requireNonNull(file, "file");
    if (!file.isFile()) {
      throw new NotAFileException("/" + file.path(), file);
    }
    checkOpen();
    int li = file.layer();
    int ei = file.entryIndex();
    boolean ok = false;
    Layer l = null;
    if (li >= 0 && li < layers.size() && ei >= 0) {
      l = layers.get(li);
      if (l.ztoc != null) {
        ok = ei < l.ztoc.entryCount() && l.ztoc.type(ei) == EntryType.REG
            && l.ztoc.uncompressedSize(ei) == file.size();
      } else {
        tree(); // a whole layer's entries are known once it has been listed
        List<TocEntry> es = l.whole.entries();
        ok = ei < es.size() && es.get(ei).type() == EntryType.REG
            && es.get(ei).uncompressedSize() == file.size();
      }
    }
    if (!ok) {
      throw new IllegalArgumentException("/" + file.path() + " (layer " + li + ", entry " + ei
          + ") is not a file of this image");
    }
    return l;
  }

  /** Checks, once per file, that its data follows a regular file's tar header. */
  private void checkHeader(Layer l, int entry) throws IOException {
    long key = ((long) l.index << 32) | entry;
    if (checkedFiles.add(key)) {
      try {
        reader(l).checkRegularFile(entry);
      } catch (IOException | RuntimeException e) {
        checkedFiles.remove(key);
        throw e;
      }
    }
  }

  private LayerReader reader(Layer l) throws IOException {
    synchronized (l) {
      checkOpen();
      if (l.reader == null) {
        RangeSource source = store.openRanges(l.blob);
        try {
          l.reader = LayerReader.builder(l.ztoc, source).cacheBudget(budget).executor(pool).build();
        } catch (IOException | RuntimeException e) {
          source.close();
          throw e;
        }
      }
      return l.reader;
    }
  }

  /** The tree, built on first use (listing the layers without a zTOC by streaming them). */
  private MergedTree tree() throws IOException {
    MergedTree t = tree;
    if (t != null) {
      checkOpen();
      return t;
    }
    synchronized (treeLock) {
      checkOpen();
      if (tree == null) {
        TreeBuilder builder = new TreeBuilder(layerNames, maxEntries);
        AtomicLong memory = new AtomicLong(wholeLayerMemoryBytes);
        long used = 0;
        for (Layer l : layers) {
          List<TocEntry> entries = l.ztoc != null ? l.ztoc.entries()
              : l.whole.scan(maxEntries - used, memory);
          used += entries.size();
          builder.apply(l.index, entries);
        }
        tree = builder.finish();
      }
      return tree;
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the image " + manifest.digest() + " of " + store.name()
          + " is closed");
    }
  }

  private static void checkPath(String path) throws ImagePathException {
    Objects.requireNonNull(path, "path");
    if (path.length() > MAX_PATH_BYTES / 3
        && path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
      throw new ImagePathException(path.substring(0, 64) + "...", "a path of more than "
          + MAX_PATH_BYTES + " bytes");
    }
  }

  /**
   * Closes the layer readers and stops the image's threads; the store is the caller's. Later
   * calls fail with {@link IllegalStateException}.
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    IOException failure = null;
    for (Layer l : layers) {
      synchronized (l) {
        if (l.reader != null) {
          try {
            l.reader.close();
          } catch (IOException e) {
            failure = failure == null ? e : failure;
          }
          l.reader = null;
        }
      }
    }
    pool.shutdown();
    if (failure != null) {
      throw failure;
    }
  }

  /** A file's bytes through positional reads. */
  private final class FileStream extends InputStream {
    private final ImageEntry file;
    private long pos;
    private long mark;

    FileStream(ImageEntry file) {
      this.file = file;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      int n = SociImage.this.read(file, pos, ByteBuffer.wrap(b, off, len));
      if (n > 0) {
        pos += n;
      }
      return n;
    }

    @Override
    public long skip(long n) {
      long k = Math.max(0, Math.min(n, file.size() - pos));
      pos += k;
      return k;
    }

    @Override
    public int available() {
      return (int) Math.min(Integer.MAX_VALUE, file.size() - pos);
    }

    @Override
    public boolean markSupported() {
      return true;
    }

    @Override
    public synchronized void mark(int readlimit) {
      mark = pos;
    }

    @Override
    public synchronized void reset() {
      pos = mark;
    }
  }

  /** Options for opening a {@link SociImage}. */
  public static final class Builder {
    private final ContentStore store;
    private final Descriptor image;
    private Platform platform;
    private long cacheBytes = LayerReader.DEFAULT_CACHE_BYTES;
    private int threads = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));
    private boolean fetchWholeLayers = true;
    private long wholeLayerMemoryBytes = DEFAULT_WHOLE_LAYER_MEMORY_BYTES;
    private long maxEntries = DEFAULT_MAX_ENTRIES;
    private long maxReadBytes = DEFAULT_MAX_READ_BYTES;
    private long maxZtocBytes = DEFAULT_MAX_ZTOC_BYTES;

    private Builder(ContentStore store, Descriptor image) {
      this.store = Objects.requireNonNull(store, "store");
      this.image = Objects.requireNonNull(image, "image");
    }

    /**
     * The platform to pick from an image index (default: {@link Platform#host()}).
     *
     * @param p the platform, or null for the host's
     * @return this builder
     */
    public Builder platform(Platform p) {
      this.platform = p;
      return this;
    }

    /**
     * Bound on the decompressed spans all layers keep together (default 64 MiB).
     *
     * @param bytes the cache bound in bytes; not negative
     * @return this builder
     */
    public Builder cacheBytes(long bytes) {
      this.cacheBytes = nonNegative(bytes, "cache size");
      return this;
    }

    /**
     * Threads fetching and decompressing the spans of large reads (default: cores, 2 to 8).
     *
     * @param n the number of threads; positive
     * @return this builder
     */
    public Builder threads(int n) {
      if (n <= 0) {
        throw new IllegalArgumentException("threads must be positive, got " + n);
      }
      this.threads = n;
      return this;
    }

    /**
     * Whether layers without a zTOC may be fetched whole (default yes); when not, opening an
     * image with such a layer fails with {@link WholeLayerFetchRefusedException}.
     *
     * @param allowed false to refuse images with a layer that has no zTOC
     * @return this builder
     */
    public Builder fetchWholeLayers(boolean allowed) {
      this.fetchWholeLayers = allowed;
      return this;
    }

    /**
     * Bound on the file data of layers without a zTOC kept in memory once listed (default
     * {@link #DEFAULT_WHOLE_LAYER_MEMORY_BYTES}); a file beyond it is read by streaming its layer
     * again.
     *
     * @param bytes the memory bound in bytes; not negative
     * @return this builder
     */
    public Builder wholeLayerMemoryBytes(long bytes) {
      this.wholeLayerMemoryBytes = nonNegative(bytes, "memory bound");
      return this;
    }

    /**
     * Bound on the tree: tar entries of all layers plus implied directories (default 2^20).
     *
     * @param n the most entries; positive
     * @return this builder
     */
    public Builder maxEntries(long n) {
      if (n <= 0) {
        throw new IllegalArgumentException("maxEntries must be positive, got " + n);
      }
      this.maxEntries = n;
      return this;
    }

    /**
     * Bound on {@link SociImage#readFile(String)} (default {@link #DEFAULT_MAX_READ_BYTES}).
     *
     * @param bytes the largest file it reads, in bytes; not negative
     * @return this builder
     */
    public Builder maxReadBytes(long bytes) {
      this.maxReadBytes = nonNegative(bytes, "read bound");
      return this;
    }

    /**
     * Bound on one zTOC's size (default {@link #DEFAULT_MAX_ZTOC_BYTES}).
     *
     * @param bytes the largest zTOC read, in bytes; not negative
     * @return this builder
     */
    public Builder maxZtocBytes(long bytes) {
      this.maxZtocBytes = nonNegative(bytes, "zTOC bound");
      return this;
    }

    /**
     * Opens the image: picks the manifest, finds the SOCI index, reads the zTOCs.
     *
     * @return the open image, to close after use
     * @throws IOException as {@link SociImage#open(ContentStore, Descriptor, Platform)} does, and
     *     {@link WholeLayerFetchRefusedException} when whole fetches are refused and needed
     * @see SociImage#open(ContentStore, Descriptor, Platform)
     */
    public SociImage open() throws IOException {
      return new SociImage(this);
    }

    private static long nonNegative(long v, String what) {
      if (v < 0) {
        throw new IllegalArgumentException(what + " must not be negative, got " + v);
      }
      return v;
    }
  }
}
