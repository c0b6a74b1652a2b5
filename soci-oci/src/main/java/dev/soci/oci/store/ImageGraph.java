package dev.soci.oci.store;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The content an image consists of, found by walking down from its root: an image index lists
 * manifests (and nested indexes), a manifest references its config and layers. A manifest's
 * {@code subject} points up, not down, and is not followed.
 *
 * @param documents the manifests and image indexes with their bytes, each once, children
 *     before their parents (the order a registry accepts them in), the root last
 * @param blobs the configs and layers, each once, in the order first referenced
 */
public record ImageGraph(List<ContentStore.Content> documents, List<Descriptor> blobs) {
  /** How deep indexes may nest (an index of indexes of manifests is depth 3). */
  public static final int MAX_DEPTH = 8;
  /** How many manifests and indexes one image may hold. */
  public static final int MAX_DOCUMENTS = 10_000;

  /**
   * Copies both lists.
   *
   * @param documents the manifests and image indexes, children before parents, the root last
   * @param blobs the configs and layers, each once, in the order first referenced
   */
  public ImageGraph {
    documents = List.copyOf(documents);
    blobs = List.copyOf(blobs);
  }

  /**
   * Walks the image whose root is {@code root} in {@code store}, reading (and verifying) every
   * manifest and index.
   *
   * @param store the store holding the image
   * @param root the descriptor of the image's manifest or image index
   * @return the image's graph, its lists unmodifiable
   * @throws OciException when the graph nests deeper than {@link #MAX_DEPTH}, holds more than
   *     {@link #MAX_DOCUMENTS} documents, or contains a cycle
   * @throws IOException when a document is missing, too large, corrupt or of another media
   *     type, or the store cannot be read
   */
  public static ImageGraph walk(ContentStore store, Descriptor root) throws IOException {
    Walk w = new Walk(store);
    w.visit(root, 1, new HashSet<>());
    return new ImageGraph(new ArrayList<>(w.documents.values()),
        new ArrayList<>(w.blobs.values()));
  }

  private static final class Walk {
    private final ContentStore store;
    private final Map<Digest, ContentStore.Content> documents = new LinkedHashMap<>();
    private final Map<Digest, Descriptor> blobs = new LinkedHashMap<>();

    Walk(ContentStore store) {
      this.store = store;
    }

    void visit(Descriptor d, int depth, Set<Digest> path) throws IOException {
      if (documents.containsKey(d.digest())) {
        return;
      }
      if (!path.add(d.digest())) {
        throw new OciException("image graph of " + store.name() + " has a cycle through "
            + d.digest());
      }
      if (depth > MAX_DEPTH) {
        throw new OciException("image graph of " + store.name() + " nests deeper than "
            + MAX_DEPTH + " levels at " + d.digest());
      }
      if (documents.size() >= MAX_DOCUMENTS) {
        throw new OciException("image graph of " + store.name() + " holds more than "
            + MAX_DOCUMENTS + " manifests and indexes");
      }
      byte[] bytes;
      if (MediaTypes.isIndex(d.mediaType())) {
        bytes = store.readBlob(checkedDocument(d));
        for (Descriptor child : ImageIndex.parse(bytes).manifests()) {
          if (MediaTypes.isIndex(child.mediaType()) || MediaTypes.isManifest(child.mediaType())) {
            visit(child, depth + 1, path);
          } else {
            blob(child); // an index may list other artifacts; carry them as plain blobs
          }
        }
      } else if (MediaTypes.isManifest(d.mediaType())) {
        bytes = store.readBlob(checkedDocument(d));
        ImageManifest m = ImageManifest.parse(bytes);
        blob(m.config());
        for (Descriptor layer : m.layers()) {
          blob(layer);
        }
      } else {
        throw new OciException("cannot walk " + d.digest() + " of " + store.name()
            + ": media type \"" + d.mediaType() + "\" is neither a manifest nor an index");
      }
      path.remove(d.digest());
      documents.put(d.digest(), new ContentStore.Content(d, bytes));
    }

    private void blob(Descriptor d) {
      blobs.putIfAbsent(d.digest(), d);
    }

    private static Descriptor checkedDocument(Descriptor d) throws IOException {
      dev.soci.oci.DocumentTooLargeException.check("refusing " + d.mediaType() + " "
          + d.digest(), d.size());
      return d;
    }
  }

  /**
   * Copies the blob {@code blob} from {@code source} to {@code target} unless the target has
   * it: mounted where the stores allow it, else streamed (and verified by the target).
   *
   * @param source the store holding the blob
   * @param target the store to copy it to
   * @param blob the blob's descriptor
   * @return whether bytes were transferred or mounted (false: the target had it)
   * @throws IOException when the blob is absent from {@code source} or does not match
   *     {@code blob}, or either store fails (file system or network)
   */
  public static boolean copyBlob(ContentStore source, ContentStore target, Descriptor blob)
      throws IOException {
    return copyBlob(source, target, blob, TransferProgress.NONE);
  }

  /**
   * {@link #copyBlob(ContentStore, ContentStore, Descriptor)}, reporting the bytes copied.
   *
   * @param source the store holding the blob
   * @param target the store to copy it to
   * @param blob the blob's descriptor
   * @param progress told about the bytes streamed (as {@link TransferProgress.Activity#COPY});
   *     not called when the blob is present or mounted
   * @return whether bytes were transferred or mounted (false: the target had it)
   * @throws IOException when the blob is absent from {@code source} or does not match
   *     {@code blob}, or either store fails (file system or network)
   */
  public static boolean copyBlob(ContentStore source, ContentStore target, Descriptor blob,
      TransferProgress progress) throws IOException {
    if (target.exists(blob)) {
      return false;
    }
    if (target.mountBlob(blob, source)) {
      return true;
    }
    try (InputStream in = progress.watch(source.openBlob(blob), TransferProgress.Activity.COPY,
        blob)) {
      target.putBlob(blob, in);
    }
    return true;
  }

  /**
   * Copies the image {@code root} of {@code source} to {@code target}: its blobs (skipped where
   * present, mounted where possible), its manifests and indexes children first, and the root
   * last, under {@code tag} when it is not null. A copy that fails part-way leaves the tag as
   * it was.
   *
   * @param source the store holding the image
   * @param root the descriptor of the image's manifest or image index
   * @param target the store to copy it to
   * @param tag the tag to point at the root in {@code target}, or null for none
   * @return the image's graph
   * @throws IOException when the walk fails (see {@link #walk}), a blob is missing or does not
   *     match, or either store fails (file system or network)
   */
  public static ImageGraph copy(ContentStore source, Descriptor root, ContentStore target,
      String tag) throws IOException {
    ImageGraph graph = walk(source, root);
    for (Descriptor blob : graph.blobs()) {
      copyBlob(source, target, blob);
    }
    graph.copyDocumentsBelowRoot(target);
    ContentStore.Content top = graph.documents().get(graph.documents().size() - 1);
    target.putManifest(top.descriptor(), top.bytes(), tag);
    return graph;
  }

  /**
   * Copies this graph's documents to {@code target} as manifests, children first, each one
   * only when absent (its blobs must be there already). The root is not copied.
   *
   * @param target the store to copy them to
   * @throws IOException when {@code target} refuses a document or cannot be read or written
   */
  public void copyDocumentsBelowRoot(ContentStore target) throws IOException {
    for (int i = 0; i < documents.size() - 1; i++) {
      ContentStore.Content c = documents.get(i);
      if (!target.exists(c.descriptor())) {
        target.putManifest(c.descriptor(), c.bytes(), null);
      }
    }
  }
}
