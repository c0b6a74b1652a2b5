package dev.soci.oci.layout;

import dev.soci.oci.internal.Referrers;
import dev.soci.oci.internal.GoJsonReader;
import dev.soci.oci.internal.VerifyingInputStream;
import dev.soci.oci.store.BlobMismatchException;
import dev.soci.oci.store.BlobNotFoundException;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.DocumentTooLargeException;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciException;
import dev.soci.oci.Platform;
import dev.soci.core.RangeSource;
import dev.soci.oci.store.ContentStore;
import dev.soci.oci.store.ImageNotFoundException;
import java.util.ArrayList;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * An OCI image layout opened for reading: a directory, or a tar archive of one.
 *
 * <p>Every blob read is checked against its descriptor: a wrong size fails up front, and a
 * wrong digest fails when the stream reaches its end (so read blob streams to the end, or use
 * {@link #readBlob}). Blob paths are derived only from validated digests; symbolic links
 * inside the layout, and link, device, absolute or {@code ..} entries in an archive, are
 * refused.
 *
 * <p>A directory layout can also be updated in place ({@link #putBlob}, {@link
 * #writeIndexJson}), which is how {@code create} stores a v1 SOCI index next to its image.
 *
 * <p>As a {@link ContentStore}: tags are {@code index.json} entries annotated {@code
 * org.opencontainers.image.ref.name}; referrers are the manifests {@code index.json} lists with
 * an {@code artifactType} whose {@code subject} is the manifest asked about (where {@code
 * create} lists v1 SOCI indexes).
 */
public final class OciLayout implements ContentStore {
  private static final byte[] OCI_LAYOUT_FILE =
      "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.US_ASCII);

  /**
   * The content of a layout's {@code oci-layout} file.
   *
   * @return a new copy of its bytes, {@code {"imageLayoutVersion":"1.0.0"}}
   */
  public static byte[] ociLayoutFile() {
    return OCI_LAYOUT_FILE.clone();
  }

  private final Path path;
  private final LayoutFiles files;
  private ImageIndex index;

  private OciLayout(Path path, LayoutFiles files) {
    this.path = path;
    this.files = files;
  }

  /**
   * Opens a layout directory or layout tar archive.
   *
   * @param path the layout directory, or a tar archive of one
   * @return the opened layout, to be closed by the caller
   * @throws LayoutException when {@code oci-layout} or {@code index.json} is missing or the
   *     archive holds an unsafe entry
   * @throws dev.soci.oci.MalformedJsonException when {@code index.json} is malformed
   * @throws IOException if the directory or archive cannot be read
   */
  public static OciLayout open(Path path) throws IOException {
    OciLayout l = new OciLayout(path, LayoutFiles.open(path));
    byte[] marker = l.files.readFile("oci-layout");
    if (marker == null) {
      throw new LayoutException(path + " is not an OCI image layout: no oci-layout file");
    }
    Object version = GoJsonReader.readObject(marker, "oci-layout").get("imageLayoutVersion");
    if (!"1.0.0".equals(version)) {
      throw new LayoutException(path + ": unsupported imageLayoutVersion " + version);
    }
    byte[] idx = l.files.readFile("index.json");
    if (idx == null) {
      throw new LayoutException(path + " is not an OCI image layout: no index.json");
    }
    l.index = ImageIndex.parse(idx);
    return l;
  }

  /**
   * Where the layout is.
   *
   * @return the directory or archive path given to {@link #open(Path)}
   */
  public Path path() {
    return path;
  }

  /** The entries of {@code index.json}: a layout lists what it holds. */
  @Override
  public Optional<List<Descriptor>> listing() {
    return Optional.of(index().manifests());
  }

  /** A layout archive is read-only; a layout directory takes new content. */
  @Override
  public Optional<String> readOnlyReason() {
    return isDirectory() ? Optional.empty() : Optional.of(path + " is a layout archive");
  }

  /**
   * Whether this is a directory layout (writable) rather than an archive.
   *
   * @return {@code true} for a directory layout, {@code false} for a layout archive
   */
  public boolean isDirectory() {
    return files instanceof LayoutFiles.Directory;
  }

  /**
   * The parsed {@code index.json}.
   *
   * @return the {@code index.json} read at open or by the last {@link #lockForUpdate()} or {@link
   *     #writeIndexJson}
   */
  public ImageIndex index() {
    return index;
  }

  /**
   * Every blob stored under a valid digest name, as descriptors with media type
   * {@code application/octet-stream} and the stored size, sorted by digest. Files whose names
   * are not valid digests are ignored (never turned into paths).
   *
   * @return a new list of one descriptor per stored blob, sorted by digest
   * @throws IOException if the blob directories or the archive cannot be listed
   */
  public List<Descriptor> blobs() throws IOException {
    List<Descriptor> out = new ArrayList<>();
    files.blobSizes().forEach((d, size) -> out.add(Descriptor.of(MediaTypes.ZTOC, d, size)));
    return out;
  }

  /**
   * Whether a blob with this digest is present (its content is not checked).
   *
   * @param d the blob's digest
   * @return {@code true} when a blob is stored under that digest
   * @throws IOException if the layout cannot be read to tell
   */
  public boolean hasBlob(Digest d) throws IOException {
    return files.hasBlob(d);
  }

  /**
   * Opens the blob {@code d} describes. The stream fails with {@link BlobMismatchException}
   * when the content turns out not to match (size at once, digest at end of stream).
   *
   * @throws BlobNotFoundException when it is absent
   */
  public InputStream openBlob(Descriptor d) throws IOException {
    checkSize(d, presentSize(d));
    return new VerifyingInputStream(files.openBlob(d.digest()), d, "image layout " + path);
  }

  /** Reads and verifies a whole blob (for manifests, indexes, configs, zTOCs). */
  public byte[] readBlob(Descriptor d) throws IOException {
    if (d.size() > Integer.MAX_VALUE - 8) {
      throw new OciException("blob " + d.digest() + " is too large to read into memory");
    }
    try (InputStream in = openBlob(d)) {
      return in.readAllBytes();
    }
  }


  /** Reads a verified blob and parses it as an image manifest. */
  public ImageManifest readManifest(Descriptor d) throws IOException {
    return ImageManifest.parse(readDocument(d));
  }

  /** Reads a verified blob and parses it as an image index. */
  public ImageIndex readImageIndex(Descriptor d) throws IOException {
    return ImageIndex.parse(readDocument(d));
  }

  private byte[] readDocument(Descriptor d) throws IOException {
    DocumentTooLargeException.check("refusing " + d.mediaType() + " " + d.digest(), d.size());
    return readBlob(d);
  }

  /**
   * The image this layout holds, as the reference's standalone convert resolves it:
   * {@code index.json} must list exactly one entry, an image index or a manifest.
   *
   * @return the single entry of {@code index.json}, an image index or an image manifest
   * @throws LayoutException when it lists none or several, or the entry is of another type
   */
  public Descriptor image() throws LayoutException {
    return new IndexJson(path, index).image();
  }

  /**
   * The manifests of the image for {@code platform}: through the image index when the image is
   * one, else the single manifest (whatever its platform, which only its config knows).
   *
   * @param platform the platform wanted from an image index
   * @return the matching manifests' descriptors, empty when the index has none for the platform
   * @throws IOException if the image cannot be resolved ({@link LayoutException}), or its index
   *     cannot be read, is malformed or does not match its descriptor
   */
  public List<Descriptor> manifestsFor(Platform platform) throws IOException {
    Descriptor img = image();
    if (MediaTypes.isManifest(img.mediaType())) {
      return List.of(img);
    }
    return readImageIndex(img).manifestsFor(platform);
  }

  /** Stores {@code content} as a blob (directory layouts only) and returns its descriptor. */
  public Descriptor putBlob(String mediaType, byte[] content) throws IOException {
    Descriptor d = Descriptor.forContent(mediaType, content);
    checkDocument(d);
    putBlob(d, new ByteArrayInputStream(content));
    return d;
  }

  /**
   * Refuses to store a manifest or image index its readers would refuse (see {@link
   * DocumentTooLargeException#MAX_SIZE}).
   *
   * @throws DocumentTooLargeException when {@code d} is a manifest or index above the bound
   */
  static void checkDocument(Descriptor d) throws DocumentTooLargeException {
    if (MediaTypes.isManifest(d.mediaType()) || MediaTypes.isIndex(d.mediaType())) {
      DocumentTooLargeException.check(d.mediaType() + " " + d.digest(), d.size());
    }
  }

  /**
   * Streams a blob in (directory layouts only), verified against {@code expected} and
   * renamed into place only when it matches.
   *
   * @throws BlobMismatchException when the content does not match; nothing is stored
   */
  public void putBlob(Descriptor expected, InputStream content) throws IOException {
    requireDirectory();
    checkDocument(expected);
    BlobFiles.write(path, expected, content);
  }

  /**
   * Removes a blob (directory layouts only); absent blobs are ignored. For rolling back blobs
   * a failed update stored: remove only blobs nothing else references.
   *
   * @param d the blob's digest
   * @throws IOException if this is an archive ({@link LayoutException}) or the file cannot be
   *     deleted
   */
  public void deleteBlob(Digest d) throws IOException {
    requireDirectory();
    Files.deleteIfExists(BlobFiles.path(path, d));
  }

  /**
   * Locks this layout directory against other writers (other threads and other processes that
   * use this library) until the returned lock is closed, then re-reads {@code index.json}, so
   * that {@link #index()} is current for a read-modify-write of it. Hold it across storing
   * blobs and {@link #writeIndexJson}: concurrent updates then each add their entries instead
   * of one overwriting the other's.
   *
   * @return the lock; closing it releases the lock
   * @throws LayoutException when this is an archive, or {@code oci-layout} cannot be opened
   *     for writing (the lock is taken on it)
   */
  public Closeable lockForUpdate() throws IOException {
    requireDirectory();
    LayoutLock lock = LayoutLock.acquire(path);
    try {
      byte[] idx = files.readFile("index.json");
      if (idx == null) {
        throw new LayoutException(path + " is not an OCI image layout: no index.json");
      }
      index = ImageIndex.parse(idx);
      return lock;
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /**
   * Atomically replaces {@code index.json} (directory layouts only).
   *
   * @param newIndex the index to write, which {@link #index()} then returns
   * @throws DocumentTooLargeException when the new {@code index.json} would exceed {@link
   *     DocumentTooLargeException#MAX_SIZE}; the old one is kept
   */
  public void writeIndexJson(ImageIndex newIndex) throws IOException {
    requireDirectory();
    byte[] json = newIndex.toJson();
    DocumentTooLargeException.check("index.json of " + path, json.length);
    BlobFiles.writeSmall(path.resolve("index.json"), json);
    index = newIndex;
  }

  private void requireDirectory() throws LayoutException {
    if (!isDirectory()) {
      throw new LayoutException(path + " is a layout archive; write a new layout with "
          + "OciLayoutWriter instead");
    }
  }

  /** The stored size of the blob {@code d} describes, which must be present. */
  private long presentSize(Descriptor d) throws IOException {
    long size = files.blobSize(d.digest());
    if (size < 0) {
      throw notFound(d);
    }
    return size;
  }

  private void checkSize(Descriptor d, long actual) throws BlobMismatchException {
    if (actual != d.size()) {
      throw new BlobMismatchException("blob " + d.digest() + " in " + path + " has " + actual
          + " bytes, its descriptor says " + d.size());
    }
  }

  private BlobNotFoundException notFound(Descriptor d) {
    return new BlobNotFoundException("blob " + d.digest() + " (" + d.mediaType()
        + ") is missing from image layout " + path);
  }

  // ------------------------------------------------------------------ as a content store

  @Override
  public String name() {
    return "image layout " + path;
  }

  /**
   * The image {@code reference} names: null for the layout's one image (its one {@code
   * index.json} entry that is not a SOCI index, so a layout {@code create} added indexes to
   * still names its image); a
   * digest for an entry of {@code index.json} or of an image index it lists; else a tag, the
   * {@code org.opencontainers.image.ref.name} of an {@code index.json} entry.
   */
  @Override
  public Descriptor resolve(String reference) throws IOException {
    if (reference == null) {
      return new IndexJson(path, index).soleImage();
    }
    if (reference.contains(":")) {
      Digest want = Digest.parse(reference);
      for (Descriptor d : index.manifests()) {
        if (d.digest().equals(want)) {
          return d;
        }
      }
      for (Descriptor d : index.manifests()) {
        if (MediaTypes.isIndex(d.mediaType()) && hasBlob(d.digest())) {
          for (Descriptor child : readImageIndex(d).manifests()) {
            if (child.digest().equals(want)) {
              return child;
            }
          }
        }
      }
      throw new ImageNotFoundException("no image " + reference + " in " + name());
    }
    return new IndexJson(path, index).tagged(reference).orElseThrow(
        () -> new ImageNotFoundException("no image tagged " + reference + " in " + name()));
  }

  @Override
  public boolean exists(Descriptor blob) throws IOException {
    return hasBlob(blob.digest());
  }

  @Override
  public RangeSource openRanges(Descriptor d) throws IOException {
    long size = presentSize(d);
    checkSize(d, size);
    return files.openRanges(d.digest(), size);
  }

  /**
   * Stores a manifest or index as a blob; with a tag, also lists it in {@code index.json}
   * under that tag (replacing the entry the tag was on), under the layout's lock.
   */
  @Override
  public void putManifest(Descriptor descriptor, byte[] bytes, String tag) throws IOException {
    requireDirectory();
    if (!hasBlob(descriptor.digest())) {
      putBlob(descriptor, new java.io.ByteArrayInputStream(bytes));
    }
    if (tag == null) {
      return;
    }
    try (Closeable lock = lockForUpdate()) {
      writeIndexJson(new IndexJson(path, index).withTag(descriptor, tag));
    }
  }

  @Override
  public List<Descriptor> referrers(Digest subject, String artifactType) throws IOException {
    List<Descriptor> found = new ArrayList<>();
    for (Descriptor d : index.manifests()) {
      if (!IndexJson.mayBeReferrer(d, artifactType)) {
        continue;
      }
      if (hasBlob(d.digest()) && readManifest(d).subjectOptional()
          .map(s -> s.digest().equals(subject)).orElse(false)) {
        found.add(d);
      }
    }
    return found;
  }

  @Override
  public Descriptor putReferrer(Descriptor descriptor, byte[] bytes) throws IOException {
    ImageManifest m = ImageManifest.parse(bytes);
    Descriptor listed = descriptor.withoutExtras().toBuilder()
        .artifactType(Referrers.artifactType(m))
        .build();
    publishReferrers(List.of(new Content(descriptor, bytes)), List.of(listed));
    return listed;
  }

  /**
   * Stores the blobs and lists the referrers in {@code index.json}, all under the layout's lock
   * and from {@code index.json} as it is then (another writer may have committed since the
   * caller started, and its entries must survive). The new {@code index.json} is checked
   * against the readers' bound before any blob is stored, and the blobs stored are removed
   * again when writing it fails, so a failed publish leaves the layout as it was.
   */
  @Override
  public void publishReferrers(List<Content> blobs, List<Descriptor> referrers)
      throws IOException {
    requireDirectory();
    try (Closeable lock = lockForUpdate()) {
      ImageIndex updated = new IndexJson(path, index).withReferrers(referrers);
      DocumentTooLargeException.check("the new index.json of " + path, updated.toJson().length);
      List<Digest> added = new ArrayList<>();
      boolean done = false;
      try {
        for (Content c : blobs) {
          if (!hasBlob(c.descriptor().digest())) {
            putBlob(c.descriptor().mediaType(), c.bytes());
            added.add(c.descriptor().digest());
          }
        }
        writeIndexJson(updated);
        done = true;
      } finally {
        if (!done) {
          for (Digest d : added) {
            try {
              deleteBlob(d);
            } catch (IOException | RuntimeException e) {
              // best effort: the original failure is the one to report
            }
          }
        }
      }
    }
  }

  /** Nothing to release: archives are reopened per blob. Present for try-with-resources. */
  @Override
  public void close() {}
}
