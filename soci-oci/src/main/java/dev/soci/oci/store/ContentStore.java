package dev.soci.oci.store;

import dev.soci.core.RangeSource;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.DocumentTooLargeException;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.OciException;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Where an image's content lives: blobs addressed by digest, manifests that may also be
 * reachable by a tag, and the referrers of a manifest. The SOCI operations ({@code create},
 * {@code convert}, zTOC reuse, index discovery, lazy reads) work on any implementation: an
 * image layout directory or archive ({@link dev.soci.oci.layout.OciLayout}), a new layout
 * being written ({@link dev.soci.oci.layout.OciLayoutWriter}), a registry repository ({@link
 * dev.soci.oci.registry.RegistryStore}) or memory ({@link InMemoryStore}, also the example to
 * follow when the content lives in storage of your own).
 *
 * <p>Reads are verified: a blob stream fails with {@link
 * dev.soci.oci.store.BlobMismatchException} when its content turns out not to match its
 * descriptor (size at once where known, digest at the end of the stream). Range reads ({@link
 * #openRanges}) are not verified here: their reader checks them (zTOC span digests).
 *
 * <p>Writers publish in a safe order (blobs, then the manifests that reference them, then tags
 * or referrers entries), so a failure part-way never leaves a tag or referrers entry pointing
 * at missing content. Stores that cannot be written (a layout archive) throw an {@link
 * OciException} saying so.
 */
public interface ContentStore extends Closeable {

  /**
   * How messages name this store: "image layout /tmp/app", "127.0.0.1:5000/app".
   *
   * @return the store's name for messages; never null
   */
  String name();

  /**
   * The descriptor of the manifest or image index {@code reference} names: a tag or a digest
   * ({@code sha256:...}). A null reference means the store's one image (the single entry of
   * a layout's {@code index.json}, the tag a registry store was opened with).
   *
   * @param reference a tag, a digest, or null for the store's one image
   * @return the descriptor of the manifest or image index, with its media type, digest and size
   * @throws ImageNotFoundException when the store has no such image
   * @throws IOException when the store cannot be read (file system or network), or its
   *     record of the image is malformed
   */
  Descriptor resolve(String reference) throws IOException;

  /**
   * Whether the blob (or manifest) {@code blob} describes is present; content not checked.
   *
   * @param blob the descriptor of the blob; its digest (and media type) are what count
   * @return true when the store holds it
   * @throws IOException when the store cannot be read (file system or network)
   */
  boolean exists(Descriptor blob) throws IOException;

  /**
   * Opens the blob {@code blob} describes, verified while read.
   *
   * @param blob the descriptor of the blob, whose size and digest the stream is checked against
   * @return a stream of the blob's bytes from its start, to close after use; it fails with
   *     {@link BlobMismatchException} when the bytes do not match {@code blob}
   * @throws dev.soci.oci.store.BlobNotFoundException when it is absent
   * @throws IOException when the store cannot be read (file system or network)
   */
  InputStream openBlob(Descriptor blob) throws IOException;

  /**
   * Random access to a blob (a layer, for reading spans lazily). The bytes are not verified
   * here; the size is the descriptor's.
   *
   * @param blob the descriptor of the blob
   * @return a source of byte ranges of the blob, {@code blob.size()} bytes long, to close after use
   * @throws IOException when the blob is absent or the store cannot be read
   */
  RangeSource openRanges(Descriptor blob) throws IOException;

  /**
   * Stores a blob, streamed and verified against {@code expected}; nothing is stored when it
   * does not match. A blob already present is not stored again.
   *
   * @param expected the blob's descriptor: the size and digest {@code content} must have
   * @param content the blob's bytes from the start, read to the end; the caller closes it
   * @throws BlobMismatchException when {@code content} does not match {@code expected}
   * @throws IOException when the store cannot take new content or the write fails (file
   *     system or network)
   */
  void putBlob(Descriptor expected, InputStream content) throws IOException;

  /**
   * Stores a manifest or image index by digest and, when {@code tag} is not null, points the
   * tag at it. Everything it references must already be stored.
   *
   * @param descriptor the document's descriptor (media type, digest and size of {@code bytes})
   * @param bytes the manifest or image index, exactly as its digest was computed
   * @param tag the tag to point at it, or null for none
   * @throws IOException when the document is refused (not a manifest or image index, or not
   *     matching {@code descriptor}), the store cannot take new content, or the write fails
   */
  void putManifest(Descriptor descriptor, byte[] bytes, String tag) throws IOException;

  /**
   * The manifests whose {@code subject} is {@code subject}, as descriptors with their {@code
   * artifactType} and annotations; only those of {@code artifactType} when it is not null.
   *
   * @param subject the digest of the manifest the referrers point at
   * @param artifactType the artifact type to keep, or null for all
   * @return the referrers' descriptors; empty when there are none
   * @throws IOException when the store cannot be read (file system or network)
   */
  List<Descriptor> referrers(Digest subject, String artifactType) throws IOException;

  /**
   * Stores a manifest that has a {@code subject} and makes it discoverable through {@link
   * #referrers} of that subject. Everything it references must already be stored.
   *
   * @param descriptor the manifest's descriptor (media type, digest and size of {@code bytes})
   * @param bytes the manifest, exactly as its digest was computed; it must have a subject
   * @return its descriptor as listed among the referrers
   * @throws IOException when the manifest has no subject or does not match {@code descriptor},
   *     the store cannot take new content, or the write fails (file system or network)
   */
  Descriptor putReferrer(Descriptor descriptor, byte[] bytes) throws IOException;

  /**
   * Makes {@code blob}, held by {@code source}, present here without copying its bytes
   * through this process (a registry's cross-repository mount), when the two stores allow it.
   *
   * @param blob the descriptor of the blob to make present
   * @param source the store holding it
   * @return true when the blob is now present here; false when the stores do not allow a mount
   *     (the default), and the caller copies instead
   * @throws IOException when the mount request fails (network)
   */
  default boolean mountBlob(Descriptor blob, ContentStore source) throws IOException {
    return false;
  }

  /**
   * The descriptors the store lists at its top, when it can list what it holds: the entries of
   * a layout's {@code index.json}. Empty for a store that can only be asked image by image (a
   * registry repository, memory): then SOCI indexes are found through each image ({@code
   * FoundSociIndex.find}), not through a listing ({@code FoundSociIndex.findAll}).
   *
   * @return the listed descriptors, in the store's order; empty when the store cannot list
   *     (the default)
   * @throws IOException when the listing cannot be read or is malformed
   */
  default Optional<List<Descriptor>> listing() throws IOException {
    return Optional.empty();
  }

  /**
   * Why the store cannot take new content (a layout archive), or empty when it can.
   *
   * @return a one-line reason for messages, or empty when the store can be written (the
   *     default)
   */
  default Optional<String> readOnlyReason() {
    return Optional.empty();
  }

  /**
   * Stores {@code blobs} (those absent), then makes each of {@code referrers} (manifests among
   * the blobs, each with a subject) discoverable. A layout does all of it under its lock, with
   * one rewrite of {@code index.json}, and removes what it stored when that fails.
   *
   * @param blobs the blobs to store, referrer manifests included; duplicates are stored once
   * @param referrers the descriptors of the manifests among {@code blobs} to publish as
   *     referrers, in order
   * @throws IllegalArgumentException when a referrer is not among {@code blobs}
   * @throws IOException when the store cannot take new content or a write fails (file system
   *     or network)
   */
  default void publishReferrers(List<Content> blobs, List<Descriptor> referrers)
      throws IOException {
    java.util.Map<Digest, Content> byDigest = new java.util.LinkedHashMap<>();
    for (Content c : blobs) {
      byDigest.putIfAbsent(c.descriptor().digest(), c);
    }
    java.util.Set<Digest> referrerDigests = new java.util.HashSet<>();
    referrers.forEach(r -> referrerDigests.add(r.digest()));
    for (Content c : byDigest.values()) {
      if (!referrerDigests.contains(c.descriptor().digest()) && !exists(c.descriptor())) {
        putBlob(c.descriptor().mediaType(), c.bytes()); // from memory: a registry can resend it
      }
    }
    for (Descriptor r : referrers) {
      Content c = byDigest.get(r.digest());
      if (c == null) {
        throw new IllegalArgumentException("referrer " + r.digest() + " is not among the blobs");
      }
      putReferrer(r, c.bytes());
    }
  }

  /**
   * Stores {@code content} as a blob of {@code mediaType}; returns its descriptor.
   *
   * @param mediaType the media type for the blob's descriptor
   * @param content the blob's bytes
   * @return the blob's descriptor: {@code mediaType}, the sha256 digest and size of {@code
   *     content}
   * @throws IOException when the store cannot take new content or the write fails
   */
  default Descriptor putBlob(String mediaType, byte[] content) throws IOException {
    Descriptor d = Descriptor.forContent(mediaType, content);
    putBlob(d, new ByteArrayInputStream(content));
    return d;
  }

  /**
   * Reads and verifies a whole blob (manifests, configs, zTOCs).
   *
   * @param blob the descriptor of the blob
   * @return the blob's bytes, checked against {@code blob}'s size and digest
   * @throws IOException when the blob is too large for an array, absent, does not match
   *     {@code blob}, or the store cannot be read
   */
  default byte[] readBlob(Descriptor blob) throws IOException {
    if (blob.size() > Integer.MAX_VALUE - 8) {
      throw new OciException("blob " + blob.digest() + " of " + name()
          + " is too large to read into memory");
    }
    try (InputStream in = openBlob(blob)) {
      return in.readAllBytes();
    }
  }

  /**
   * Reads an image manifest, refusing one above {@link DocumentTooLargeException#MAX_SIZE}.
   *
   * @param d the manifest's descriptor
   * @return the parsed, digest-verified manifest
   * @throws IOException when it is too large, absent, does not match {@code d}, is not a valid
   *     manifest, or the store cannot be read
   */
  default ImageManifest readManifest(Descriptor d) throws IOException {
    DocumentTooLargeException.check("refusing " + d.mediaType() + " " + d.digest(), d.size());
    return ImageManifest.parse(readBlob(d));
  }

  /**
   * Reads an image index, refusing one above {@link DocumentTooLargeException#MAX_SIZE}.
   *
   * @param d the image index's descriptor
   * @return the parsed, digest-verified image index
   * @throws IOException when it is too large, absent, does not match {@code d}, is not a valid
   *     image index, or the store cannot be read
   */
  default ImageIndex readImageIndex(Descriptor d) throws IOException {
    DocumentTooLargeException.check("refusing " + d.mediaType() + " " + d.digest(), d.size());
    return ImageIndex.parse(readBlob(d));
  }

  /**
   * A blob's descriptor and its bytes, as published together.
   *
   * @param descriptor the blob's descriptor
   * @param bytes the blob's bytes, matching {@code descriptor} (not copied)
   */
  record Content(Descriptor descriptor, byte[] bytes) {
    /**
     * Content of {@code mediaType}, described by its own digest and size.
     *
     * @param mediaType the media type for the descriptor
     * @param bytes the blob's bytes (not copied)
     * @return the content, its descriptor computed from {@code bytes}
     */
    public static Content of(String mediaType, byte[] bytes) {
      return new Content(Descriptor.forContent(mediaType, bytes), bytes);
    }
  }
}
