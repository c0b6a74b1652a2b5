package dev.soci.oci.registry;

import dev.soci.core.RangeSource;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.store.BlobMismatchException;
import dev.soci.oci.store.BlobNotFoundException;
import dev.soci.oci.store.ContentStore;
import dev.soci.oci.store.ImageNotFoundException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One repository of a registry as a {@link ContentStore}: manifests through the manifests
 * endpoint (by digest, tags by {@code PUT manifests/<tag>}), other blobs through the blobs
 * endpoint, range reads as HTTP range requests, referrers as OCI 1.1 defines them (the API,
 * else the {@code sha256-<hex>} fallback tag). Blobs a repository of the same registry holds
 * are mounted rather than uploaded.
 *
 * <pre>{@code
 * ImageReference ref = ImageReference.parse("registry.example.com/app:1.0");
 * RegistryClient client = RegistryClient.builder(ref.registry()).build();
 * try (RegistryStore store = RegistryStore.of(client, ref)) {
 *   Descriptor image = store.resolve(null); // the tag (or digest) of the reference
 * }
 * }</pre>
 */
public final class RegistryStore implements ContentStore {
  private final RegistryClient client;
  private final String repository;
  private final String reference;
  /** Manifests read while resolving, so the next read of one is not a second request. */
  private final Map<Digest, byte[]> manifests = new ConcurrentHashMap<>();

  private RegistryStore(RegistryClient client, String repository, String reference) {
    this.client = Objects.requireNonNull(client, "client");
    this.repository = Objects.requireNonNull(repository, "repository");
    this.reference = reference;
  }

  /**
   * The repository {@code ref} names, through {@code client} (which must be for {@code ref}'s
   * registry); {@link #resolve resolve(null)} resolves {@code ref}'s digest, else its tag.
   *
   * @param client the client for {@code ref}'s registry
   * @param ref the reference naming the repository and the default tag or digest
   * @return the store; nothing is requested yet
   * @throws IllegalArgumentException when {@code client} is for another registry
   */
  public static RegistryStore of(RegistryClient client, ImageReference ref) {
    if (!client.registry().equals(ref.registry())) {
      throw new IllegalArgumentException("client is for " + client.registry() + ", reference "
          + ref + " is on " + ref.registry());
    }
    String r = ref.digest() != null ? ref.digest().toString() : ref.tag();
    return new RegistryStore(client, ref.repository(), r);
  }

  /**
   * Repository {@code repository} through {@code client}, with no default reference.
   *
   * @param client the client for the repository's registry
   * @param repository the repository's name on that registry ({@code library/alpine})
   * @return the store; nothing is requested yet, and {@code resolve(null)} fails
   */
  public static RegistryStore of(RegistryClient client, String repository) {
    return new RegistryStore(client, repository, null);
  }

  /**
   * The client.
   *
   * @return the client this store's requests go through
   */
  public RegistryClient client() {
    return client;
  }

  /**
   * The repository's name.
   *
   * @return the repository's name on its registry, without the registry host
   */
  public String repository() {
    return repository;
  }

  @Override
  public String name() {
    return client.registry() + "/" + repository;
  }

  @Override
  public Descriptor resolve(String ref) throws IOException {
    String r = ref != null ? ref : reference;
    if (r == null) {
      throw new ImageNotFoundException(name() + ": no tag or digest given");
    }
    Optional<RegistryClient.Manifest> m = client.getManifest(repository, r);
    if (m.isEmpty()) {
      throw new ImageNotFoundException("manifest unknown: " + name() + (r.contains(":") ? "@"
          : ":") + r + " does not exist");
    }
    RegistryClient.Manifest got = m.get();
    if (!MediaTypes.isManifest(got.mediaType()) && !MediaTypes.isIndex(got.mediaType())) {
      throw new dev.soci.oci.OciException(name() + ":" + r + " has media type \""
          + got.mediaType() + "\", neither an image manifest nor an index");
    }
    manifests.put(got.digest(), got.bytes());
    return got.descriptor();
  }

  @Override
  public boolean exists(Descriptor blob) throws IOException {
    if (isDocument(blob)) {
      return manifests.containsKey(blob.digest())
          || client.headManifest(repository, blob.digest().toString()).isPresent();
    }
    return client.blobExists(repository, blob.digest());
  }

  @Override
  public InputStream openBlob(Descriptor blob) throws IOException {
    if (isDocument(blob)) {
      byte[] bytes = manifests.get(blob.digest());
      if (bytes == null) {
        bytes = client.getManifest(repository, blob.digest().toString())
            .orElseThrow(() -> new BlobNotFoundException("manifest " + blob.digest()
                + " not found in " + name()))
            .bytes(); // checked against the digest by the client
      }
      if (bytes.length != blob.size()) {
        throw new BlobMismatchException("manifest " + blob.digest() + " of " + name() + " has "
            + bytes.length + " bytes, its descriptor says " + blob.size());
      }
      return new ByteArrayInputStream(bytes);
    }
    try {
      return client.openBlob(repository, blob);
    } catch (RegistryException e) {
      if (e.status() == 404) {
        throw new BlobNotFoundException("blob " + blob.digest() + " not found in " + name(), e);
      }
      throw e;
    }
  }

  @Override
  public RangeSource openRanges(Descriptor blob) {
    return client.openRanges(repository, blob);
  }

  /**
   * {@inheritDoc} Uploaded in chunks ({@link RegistryClient.Builder#chunkSize}), each resent
   * after a dropped connection, and checked against its digest before the upload is committed.
   */
  @Override
  public void putBlob(Descriptor expected, InputStream content) throws IOException {
    client.pushBlob(repository, expected, content);
  }

  /**
   * {@inheritDoc} Bytes in memory are uploaded from memory, so that a dropped connection can be
   * retried.
   */
  @Override
  public Descriptor putBlob(String mediaType, byte[] content) throws IOException {
    Descriptor d = Descriptor.forContent(mediaType, content);
    client.pushBlob(repository, d, HttpRequest.BodyPublishers.ofByteArray(content));
    return d;
  }

  @Override
  public boolean mountBlob(Descriptor blob, ContentStore source) throws IOException {
    return source instanceof RegistryStore other
        && other.client.registry().equals(client.registry())
        && !other.repository.equals(repository)
        && client.mountBlob(repository, blob.digest(), other.repository);
  }

  @Override
  public void putManifest(Descriptor descriptor, byte[] bytes, String tag) throws IOException {
    // Checked here: a registry takes any bytes under a tag, and they are cached as verified.
    if (bytes.length != descriptor.size() || !Digest.of(bytes).equals(descriptor.digest())) {
      throw new BlobMismatchException("manifest bytes for " + name() + " do not match their "
          + "descriptor " + descriptor.digest() + " (" + descriptor.size() + " bytes)");
    }
    client.putManifest(repository, tag != null ? tag : descriptor.digest().toString(),
        descriptor.mediaType(), bytes);
    manifests.put(descriptor.digest(), bytes);
  }

  @Override
  public List<Descriptor> referrers(Digest subject, String artifactType) throws IOException {
    return client.referrers(repository, subject, artifactType);
  }

  @Override
  public Descriptor putReferrer(Descriptor descriptor, byte[] bytes) throws IOException {
    return client.pushReferrer(repository, bytes, descriptor.mediaType());
  }

  private static boolean isDocument(Descriptor d) {
    return MediaTypes.isManifest(d.mediaType()) || MediaTypes.isIndex(d.mediaType());
  }

  /** Nothing to release: the client's connections are shared and closed with it. */
  @Override
  public void close() {}
}
