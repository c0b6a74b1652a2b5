package dev.soci.oci.store;

import dev.soci.oci.internal.Referrers;
import dev.soci.core.RangeSource;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciException;
import dev.soci.oci.internal.VerifyingInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A content store in memory: for tests, and the pattern to follow to run create, convert and
 * lazy reads over storage of your own (a registry written in Java indexing images on push).
 * Blobs are held as byte arrays keyed by digest; tags map to manifest descriptors; referrers
 * are found by reading the stored manifests' subjects. Thread-safe.
 */
public final class InMemoryStore implements ContentStore {
  /** Largest blob {@link #putBlob(Descriptor, InputStream)} accepts (arrays are int-indexed). */
  public static final long MAX_BLOB_SIZE = Integer.MAX_VALUE - 8;

  private final String name;
  private final Map<Digest, byte[]> blobs = new ConcurrentHashMap<>();
  private final Map<String, Descriptor> tags = new ConcurrentHashMap<>();
  private final Map<Digest, Descriptor> manifests = new ConcurrentHashMap<>();
  private volatile String defaultTag;

  /**
   * An empty store called {@code name} in messages.
   *
   * @param name the store's name, for {@link #name()} and error messages
   */
  public InMemoryStore(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * Which tag {@link #resolve resolve(null)} names (by default: the only tag, if one).
   *
   * @param tag the default tag, or null for the only tag
   * @return this store
   */
  public InMemoryStore defaultTag(String tag) {
    this.defaultTag = tag;
    return this;
  }

  /**
   * The tags and what they point at.
   *
   * @return a snapshot (unmodifiable copy) of each tag to its manifest or index descriptor
   */
  public Map<String, Descriptor> tags() {
    return Map.copyOf(tags);
  }

  /**
   * How many blobs (manifests included) are stored.
   *
   * @return the number of distinct digests stored
   */
  public int blobCount() {
    return blobs.size();
  }

  @Override
  public Descriptor resolve(String reference) throws IOException {
    String ref = reference;
    if (ref == null) {
      ref = defaultTag;
      if (ref == null && tags.size() == 1) {
        ref = tags.keySet().iterator().next();
      }
      if (ref == null) {
        throw new ImageNotFoundException(name + " holds " + tags.size()
            + " tags and no default one: name the image");
      }
    }
    if (ref.contains(":")) {
      Descriptor d = manifests.get(Digest.parse(ref));
      if (d == null) {
        throw new ImageNotFoundException("no manifest " + ref + " in " + name);
      }
      return d;
    }
    Descriptor d = tags.get(ref);
    if (d == null) {
      throw new ImageNotFoundException("no tag " + ref + " in " + name);
    }
    return d;
  }

  /** Whether it is stored; a manifest or index only when it was put as one. */
  @Override
  public boolean exists(Descriptor blob) {
    if (MediaTypes.isManifest(blob.mediaType()) || MediaTypes.isIndex(blob.mediaType())) {
      return manifests.containsKey(blob.digest());
    }
    return blobs.containsKey(blob.digest());
  }

  @Override
  public InputStream openBlob(Descriptor blob) throws IOException {
    return new VerifyingInputStream(new ByteArrayInputStream(bytes(blob)), blob, name);
  }

  @Override
  public RangeSource openRanges(Descriptor blob) throws IOException {
    byte[] b = bytes(blob);
    if (b.length != blob.size()) {
      throw new BlobMismatchException("blob " + blob.digest() + " of " + name + " has "
          + b.length + " bytes, its descriptor says " + blob.size());
    }
    return RangeSource.of(b);
  }

  private byte[] bytes(Descriptor blob) throws BlobNotFoundException {
    byte[] b = blobs.get(blob.digest());
    if (b == null) {
      throw new BlobNotFoundException("blob " + blob.digest() + " not found in " + name);
    }
    return b;
  }

  @Override
  public void putBlob(Descriptor expected, InputStream content) throws IOException {
    if (expected.size() > MAX_BLOB_SIZE) {
      throw new OciException("blob " + expected.digest() + " of " + expected.size()
          + " bytes is too large for " + name);
    }
    byte[] b;
    try (InputStream in = new VerifyingInputStream(content, expected, "upload to " + name)) {
      b = in.readAllBytes();
    }
    blobs.putIfAbsent(expected.digest(), b);
  }

  @Override
  public void putManifest(Descriptor descriptor, byte[] bytes, String tag) throws IOException {
    if (!MediaTypes.isManifest(descriptor.mediaType())
        && !MediaTypes.isIndex(descriptor.mediaType())) {
      throw new OciException("cannot store " + descriptor.digest() + " as a manifest: media type \""
          + descriptor.mediaType() + "\"");
    }
    putBlob(descriptor, new ByteArrayInputStream(bytes));
    manifests.putIfAbsent(descriptor.digest(), descriptor.withoutExtras());
    if (tag != null) {
      tags.put(tag, descriptor.withoutExtras());
    }
  }

  @Override
  public List<Descriptor> referrers(Digest subject, String artifactType) throws IOException {
    List<Descriptor> found = new ArrayList<>();
    for (Descriptor d : manifests.values()) {
      if (!MediaTypes.isManifest(d.mediaType())) {
        continue;
      }
      ImageManifest m = ImageManifest.parse(blobs.get(d.digest()));
      if (m.subjectOptional().map(s -> s.digest().equals(subject)).orElse(false)) {
        String type = Referrers.artifactType(m);
        if (artifactType == null || artifactType.equals(type)) {
          found.add(d.toBuilder().artifactType(type).annotations(m.annotations()).build());
        }
      }
    }
    found.sort(java.util.Comparator.comparing(d -> d.digest().toString()));
    return found;
  }

  @Override
  public Descriptor putReferrer(Descriptor descriptor, byte[] bytes) throws IOException {
    ImageManifest m = ImageManifest.parse(bytes);
    if (m.subjectOptional().isEmpty()) {
      throw new OciException("manifest " + descriptor.digest() + " has no subject: it cannot "
          + "be a referrer");
    }
    putManifest(descriptor, bytes, null);
    String type = Referrers.artifactType(m);
    return descriptor.withoutExtras().toBuilder().artifactType(type)
        .annotations(m.annotations()).build();
  }

  @Override
  public void close() {}
}
