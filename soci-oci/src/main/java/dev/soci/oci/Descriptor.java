package dev.soci.oci;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An OCI content descriptor: what a blob is, its digest and size, and optional metadata.
 *
 * <p>Serialised in Go struct order: {@code mediaType, digest, size, urls, annotations, data,
 * platform, artifactType}; {@code mediaType}, {@code digest} and {@code size} are always
 * written, the rest only when non-empty.
 *
 * @param mediaType media type of the referenced content (may be empty, never null)
 * @param digest digest of the content
 * @param size size in bytes of the content
 * @param urls optional alternate download locations
 * @param annotations optional annotations (written with keys sorted)
 * @param data optional embedded content (base64 in JSON)
 * @param platform optional platform, for manifests listed in an image index
 * @param artifactType optional artifact type
 */
public record Descriptor(
    String mediaType,
    Digest digest,
    long size,
    List<String> urls,
    Map<String, String> annotations,
    byte[] data,
    Platform platform,
    String artifactType) {

  /**
   * Validates and defensively copies.
   *
   * @param mediaType media type of the referenced content; null is stored as empty
   * @param digest digest of the content; not null
   * @param size size in bytes of the content; not negative
   * @param urls alternate download locations, copied; null means none
   * @param annotations annotations, copied into an unmodifiable map; null means none
   * @param data embedded content, copied; null means none
   * @param platform the platform, or null for none
   * @param artifactType the artifact type; null is stored as empty
   */
  public Descriptor {
    mediaType = Objects.requireNonNullElse(mediaType, "");
    Objects.requireNonNull(digest, "digest");
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size);
    }
    urls = urls == null ? List.of() : List.copyOf(urls);
    annotations = copy(annotations);
    data = data == null ? new byte[0] : data.clone();
    artifactType = Objects.requireNonNullElse(artifactType, "");
  }

  /**
   * A plain descriptor: media type, digest and size.
   *
   * @param mediaType media type of the referenced content
   * @param digest digest of the content; not null
   * @param size size in bytes of the content; not negative
   * @return a descriptor with no optional fields
   */
  public static Descriptor of(String mediaType, Digest digest, long size) {
    return new Descriptor(mediaType, digest, size, null, null, null, null, null);
  }

  /**
   * The descriptor of {@code content} (sha256) with the given media type.
   *
   * @param mediaType media type of the content
   * @param content the content's bytes
   * @return a descriptor of the content's sha256 digest and length, with no optional fields
   */
  public static Descriptor forContent(String mediaType, byte[] content) {
    return of(mediaType, Digest.of(content), content.length);
  }

  /**
   * A builder pre-filled with this descriptor's values.
   *
   * @return a new builder; changing it does not change this descriptor
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * A builder for a descriptor with the given required fields.
   *
   * @param mediaType media type of the referenced content
   * @param digest digest of the content; not null
   * @param size size in bytes of the content; not negative
   * @return a new builder with no optional fields set
   */
  public static Builder builder(String mediaType, Digest digest, long size) {
    return new Builder(of(mediaType, digest, size));
  }

  /**
   * The embedded data (a copy).
   *
   * @return a fresh copy of the embedded content; empty when there is none
   */
  @Override
  public byte[] data() {
    return data.clone();
  }

  /**
   * The platform, if any.
   *
   * @return the platform, or empty when the descriptor has none
   */
  public Optional<Platform> platformOptional() {
    return Optional.ofNullable(platform);
  }

  /**
   * The annotation with this key, if present.
   *
   * @param key the annotation's key, e.g. {@code org.opencontainers.image.title}
   * @return the annotation's value, or empty when there is no such annotation
   */
  public Optional<String> annotation(String key) {
    return Optional.ofNullable(annotations.get(key));
  }

  /**
   * Same descriptor with only media type, digest and size (what a {@code subject} carries).
   *
   * @return a descriptor with this one's media type, digest and size, and nothing else
   */
  public Descriptor withoutExtras() {
    return of(mediaType, digest, size);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Descriptor d
        && mediaType.equals(d.mediaType)
        && digest.equals(d.digest)
        && size == d.size
        && urls.equals(d.urls)
        && annotations.equals(d.annotations)
        && Arrays.equals(data, d.data)
        && Objects.equals(platform, d.platform)
        && artifactType.equals(d.artifactType);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mediaType, digest, size, urls, annotations, Arrays.hashCode(data),
        platform, artifactType);
  }

  @Override
  public String toString() {
    return "Descriptor[" + mediaType + " " + digest + " " + size + " bytes"
        + (artifactType.isEmpty() ? "" : " artifactType=" + artifactType)
        + (platform == null ? "" : " platform=" + platform)
        + (annotations.isEmpty() ? "" : " annotations=" + annotations) + "]";
  }

  static Map<String, String> copy(Map<String, String> m) {
    if (m == null || m.isEmpty()) {
      return Map.of();
    }
    LinkedHashMap<String, String> c = new LinkedHashMap<>();
    m.forEach((k, v) -> c.put(Objects.requireNonNull(k), Objects.requireNonNull(v)));
    return Collections.unmodifiableMap(c);
  }

  /** Builds a {@link Descriptor}; start from {@link #builder} or {@link #toBuilder()}. */
  public static final class Builder {
    private String mediaType;
    private Digest digest;
    private long size;
    private List<String> urls;
    private final LinkedHashMap<String, String> annotations;
    private byte[] data;
    private Platform platform;
    private String artifactType;

    private Builder(Descriptor d) {
      mediaType = d.mediaType;
      digest = d.digest;
      size = d.size;
      urls = d.urls;
      annotations = new LinkedHashMap<>(d.annotations);
      data = d.data;
      platform = d.platform;
      artifactType = d.artifactType;
    }

    /**
     * Sets the media type.
     *
     * @param v the media type; null is stored as empty
     * @return this builder
     */
    public Builder mediaType(String v) {
      mediaType = v;
      return this;
    }

    /**
     * Sets digest and size together (they describe the same content).
     *
     * @param d digest of the content; not null when the descriptor is built
     * @param s size in bytes of the content; not negative when the descriptor is built
     * @return this builder
     */
    public Builder content(Digest d, long s) {
      digest = d;
      size = s;
      return this;
    }

    /**
     * Sets the alternate URLs.
     *
     * @param v the alternate download locations; null or empty removes them
     * @return this builder
     */
    public Builder urls(List<String> v) {
      urls = v;
      return this;
    }

    /**
     * Replaces all annotations (null or empty removes them).
     *
     * @param v the new annotations, copied; keys and values must not be null
     * @return this builder
     */
    public Builder annotations(Map<String, String> v) {
      annotations.clear();
      if (v != null) {
        annotations.putAll(v);
      }
      return this;
    }

    /**
     * Adds or replaces one annotation.
     *
     * @param key the annotation's key; not null
     * @param value the annotation's value; not null
     * @return this builder
     */
    public Builder annotation(String key, String value) {
      annotations.put(key, value);
      return this;
    }

    /**
     * Sets the embedded data.
     *
     * @param v the content to embed, copied when the descriptor is built; null or empty removes it
     * @return this builder
     */
    public Builder data(byte[] v) {
      data = v;
      return this;
    }

    /**
     * Sets the platform (null removes it).
     *
     * @param v the platform, or null for none
     * @return this builder
     */
    public Builder platform(Platform v) {
      platform = v;
      return this;
    }

    /**
     * Sets the artifact type (null or empty removes it).
     *
     * @param v the artifact type, or null or empty for none
     * @return this builder
     */
    public Builder artifactType(String v) {
      artifactType = v;
      return this;
    }

    /**
     * Builds the descriptor.
     *
     * @return a new descriptor of the builder's values
     */
    public Descriptor build() {
      return new Descriptor(
          mediaType, digest, size, urls, annotations, data, platform, artifactType);
    }
  }
}
