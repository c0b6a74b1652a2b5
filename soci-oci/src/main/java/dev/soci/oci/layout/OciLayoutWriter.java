package dev.soci.oci.layout;

import dev.soci.oci.internal.Referrers;
import dev.soci.oci.internal.TempPaths;
import dev.soci.oci.internal.VerifyingInputStream;
import dev.soci.oci.store.BlobMismatchException;
import dev.soci.oci.store.BlobNotFoundException;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.core.RangeSource;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.store.ContentStore;
import dev.soci.oci.store.ImageNotFoundException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import dev.soci.oci.DocumentTooLargeException;
import dev.soci.oci.ImageIndex;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a new OCI image layout, as a directory or a tar archive, all or nothing.
 *
 * <p>Everything is built in a temporary sibling directory of the output; {@link
 * #commit(ImageIndex)} writes {@code oci-layout} and {@code index.json} and only then moves
 * the result into place (or archives it into a temp file renamed to the output). Closing
 * without committing removes the temporary directory, so a failed run leaves no output; so
 * does a JVM shutdown on SIGTERM, SIGINT or SIGHUP mid-write (see {@link TempPaths}). Temp
 * names fit 255 bytes whatever the output's name. An
 * existing output is refused, except an empty directory for the directory format.
 *
 * <pre>{@code
 * try (OciLayoutWriter out = OciLayoutWriter.create(target, OciLayoutWriter.Format.TAR)) {
 *   out.copyBlob(source, layerDescriptor);
 *   Descriptor index = out.putBlob(MediaTypes.OCI_INDEX, imageIndex.toJson());
 *   out.commit(ImageIndex.of(List.of(index)));
 * }
 * }</pre>
 *
 * <p>As a {@link ContentStore} (the target of a convert from any store): manifests put with a
 * tag and referrers put become the entries of {@code index.json} that {@link #commit()} writes,
 * in the order they were put; reads see what was stored so far.
 */
public final class OciLayoutWriter implements ContentStore {
  /** The output form. */
  public enum Format {
    /** A layout directory. */
    DIRECTORY,
    /** A tar archive of a layout directory. */
    TAR
  }

  private final Path output;
  private final Format format;
  private final Path work;
  private boolean committed;
  /** index.json entries for {@link #commit()}: by tag, or by digest for referrers. */
  private final Map<String, Descriptor> entries = new LinkedHashMap<>();

  private OciLayoutWriter(Path output, Format format, Path work) {
    this.output = output;
    this.format = format;
    this.work = work;
  }

  /**
   * Starts a layout at {@code output}.
   *
   * @param output where the layout will be: a directory, or a tar file for {@link Format#TAR}
   * @param format whether to write a directory or a tar archive
   * @return a writer that stages the layout in a temporary directory beside {@code output} until
   *     {@link #commit()}
   * @throws LayoutException when the output exists (other than as an empty directory, for
   *     {@link Format#DIRECTORY})
   * @throws IOException if {@code output}'s parent directory does not exist ({@link
   *     LayoutException}) or the temporary directory cannot be made
   */
  public static OciLayoutWriter create(Path output, Format format) throws IOException {
    Path abs = output.toAbsolutePath().normalize();
    checkOutput(abs, format);
    Path parent = abs.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new LayoutException("output directory " + parent + " does not exist");
    }
    Path work = TempPaths.newDirectory(parent, abs.getFileName().toString(), ".tmp");
    return new OciLayoutWriter(abs, format, work);
  }

  private static void checkOutput(Path abs, Format format) throws IOException {
    BasicFileAttributes a = BlobFiles.attributes(abs);
    if (a == null) {
      return;
    }
    if (format == Format.DIRECTORY && a.isDirectory()) {
      try (Stream<Path> s = Files.list(abs)) {
        if (s.findAny().isEmpty()) {
          return;
        }
      }
      throw new LayoutException("output " + abs + " exists and is not empty");
    }
    throw new LayoutException("output " + abs + " already exists");
  }

  /**
   * Whether the blob is already in the new layout.
   *
   * @param d the blob's digest
   * @return {@code true} when a blob with that digest was stored in this writer
   * @throws IOException if the staging directory cannot be read to tell
   */
  public boolean hasBlob(Digest d) throws IOException {
    BasicFileAttributes a = BlobFiles.attributes(BlobFiles.path(work, d));
    return a != null && a.isRegularFile();
  }

  /** Stores {@code content} and returns its descriptor. */
  public Descriptor putBlob(String mediaType, byte[] content) throws IOException {
    Descriptor d = Descriptor.forContent(mediaType, content);
    putBlob(d, new ByteArrayInputStream(content));
    return d;
  }

  /**
   * Streams a blob in, verifying it against {@code expected}.
   *
   * @throws BlobMismatchException when the content does not match; nothing is stored
   * @throws DocumentTooLargeException when it is a manifest or image index larger than
   *     {@link DocumentTooLargeException#MAX_SIZE}
   */
  public void putBlob(Descriptor expected, InputStream content) throws IOException {
    checkOpen();
    OciLayout.checkDocument(expected);
    BlobFiles.write(work, expected, content);
  }

  /**
   * Copies a blob from another store, verified on the way (skipped when present).
   *
   * @param source the store to read the blob from
   * @param d the blob's descriptor, which its content must match
   * @throws IOException if reading the source fails, the content does not match {@code d} ({@link
   *     BlobMismatchException}), or the blob cannot be written
   */
  public void copyBlob(ContentStore source, Descriptor d) throws IOException {
    dev.soci.oci.store.ImageGraph.copyBlob(source, this, d);
  }

  /**
   * Writes {@code oci-layout} and {@code index.json} and moves the layout into place. Every
   * descriptor {@code indexJson} lists must have been stored.
   *
   * @param indexJson the layout's {@code index.json}
   * @throws BlobNotFoundException when {@code indexJson} lists a blob that was not stored
   * @throws DocumentTooLargeException when {@code index.json} would exceed {@link
   *     DocumentTooLargeException#MAX_SIZE}
   * @throws IOException if the files cannot be written or the layout moved into place
   */
  public void commit(ImageIndex indexJson) throws IOException {
    checkOpen();
    byte[] json = indexJson.toJson();
    DocumentTooLargeException.check("index.json of " + output, json.length);
    for (Descriptor d : indexJson.manifests()) {
      if (!hasBlob(d.digest())) {
        throw new BlobNotFoundException("index.json lists " + d.digest()
            + ", which was not stored in the new layout");
      }
    }
    Files.write(work.resolve("oci-layout"), OciLayout.ociLayoutFile());
    Files.write(work.resolve("index.json"), json);
    if (format == Format.DIRECTORY) {
      checkOutput(output, format);
      Files.deleteIfExists(output); // an empty directory, checked just above
      TempPaths.moveToNew(work, output);
      TempPaths.release(work);
    } else {
      Path tmp = TempPaths.newFile(output.getParent(), output.getFileName().toString(),
          ".tar.tmp");
      try {
        // WRITE without CREATE: a temp file the shutdown hook removed is not recreated.
        try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE)) {
          archive(work, out);
        }
        checkOutput(output, format);
        TempPaths.moveToNew(tmp, output);
      } finally {
        TempPaths.delete(tmp); // gone already after the rename: this just releases it
      }
      TempPaths.delete(work);
    }
    committed = true;
  }

  /**
   * Writes the layout with an {@code index.json} listing what was put with a tag ({@link
   * #putManifest}, annotated with the tag) and as a referrer ({@link #putReferrer}), in order.
   *
   * @throws IOException for the reasons {@link #commit(ImageIndex)} gives, or when the layout
   *     cannot be written or moved into place
   */
  public void commit() throws IOException {
    commit(ImageIndex.of(new ArrayList<>(entries.values())));
  }

  // ------------------------------------------------------------------ as a content store

  @Override
  public String name() {
    return "new image layout " + output;
  }

  @Override
  public Descriptor resolve(String reference) throws IOException {
    for (Map.Entry<String, Descriptor> e : entries.entrySet()) {
      if (e.getKey().equals(reference) || e.getValue().digest().toString().equals(reference)) {
        return e.getValue();
      }
    }
    throw new ImageNotFoundException("no image " + reference + " in " + name());
  }

  @Override
  public boolean exists(Descriptor blob) throws IOException {
    return hasBlob(blob.digest());
  }

  @Override
  public InputStream openBlob(Descriptor blob) throws IOException {
    Path p = storedBlob(blob);
    return new VerifyingInputStream(Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS), blob,
        name());
  }

  @Override
  public RangeSource openRanges(Descriptor blob) throws IOException {
    return RangeSource.of(storedBlob(blob), LinkOption.NOFOLLOW_LINKS);
  }

  private Path storedBlob(Descriptor blob) throws IOException {
    if (!hasBlob(blob.digest())) {
      throw new BlobNotFoundException("blob " + blob.digest() + " is not in " + name());
    }
    Path p = BlobFiles.path(work, blob.digest());
    if (Files.size(p) != blob.size()) {
      throw new BlobMismatchException("blob " + blob.digest() + " in " + name() + " has "
          + Files.size(p) + " bytes, its descriptor says " + blob.size());
    }
    return p;
  }

  /**
   * Stores a manifest or index; with a tag, {@link #commit()} lists it in {@code index.json}
   * annotated {@code org.opencontainers.image.ref.name} (the tag's last put wins).
   */
  @Override
  public void putManifest(Descriptor descriptor, byte[] bytes, String tag) throws IOException {
    if (!hasBlob(descriptor.digest())) {
      putBlob(descriptor, new ByteArrayInputStream(bytes));
    }
    if (tag != null) {
      entries.remove(tag);
      entries.put(tag, IndexJson.tagEntry(descriptor, tag));
    }
  }

  @Override
  public List<Descriptor> referrers(Digest subject, String artifactType) throws IOException {
    List<Descriptor> found = new ArrayList<>();
    for (Descriptor d : entries.values()) {
      if (IndexJson.mayBeReferrer(d, artifactType)
          && readManifest(d).subjectOptional().map(s -> s.digest().equals(subject))
              .orElse(false)) {
        found.add(d);
      }
    }
    return found;
  }

  @Override
  public Descriptor putReferrer(Descriptor descriptor, byte[] bytes) throws IOException {
    ImageManifest m = ImageManifest.parse(bytes);
    if (!hasBlob(descriptor.digest())) {
      putBlob(descriptor, new ByteArrayInputStream(bytes));
    }
    Descriptor listed = descriptor.withoutExtras().toBuilder()
        .artifactType(Referrers.artifactType(m))
        .build();
    entries.put(descriptor.digest().toString(), listed);
    return listed;
  }

  /** Archives a layout directory: directories first, then files, sorted, for stable output. */
  static void archive(Path dir, OutputStream out) throws IOException {
    TarWriter w = new TarWriter(out);
    List<Path> all;
    try (Stream<Path> s = Files.walk(dir)) {
      all = s.filter(p -> !p.equals(dir)).sorted().toList();
    }
    for (Path p : all) {
      String name = dir.relativize(p).toString().replace('\\', '/');
      if (Files.isDirectory(p)) {
        w.directory(name);
      } else {
        try (InputStream in = Files.newInputStream(p)) {
          w.file(name, Files.size(p), in);
        }
      }
    }
    w.finish();
  }

  private void checkOpen() {
    if (committed) {
      throw new IllegalStateException("layout already committed");
    }
  }

  /** Discards the work directory unless {@link #commit} succeeded. */
  @Override
  public void close() throws IOException {
    if (!committed) {
      TempPaths.delete(work);
    }
  }
}
