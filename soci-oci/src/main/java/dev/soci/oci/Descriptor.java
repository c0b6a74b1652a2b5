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

  /** Validates and defensively copies. */
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

  /** A plain descriptor: media type, digest and size. */
  public static Descriptor of(String mediaType, Digest digest, long size) {
    return new Descriptor(mediaType, digest, size, null, null, null, null, null);
  }

  /** The descriptor of {@code content} (sha256) with the given media type. */
  public static Descriptor forContent(String mediaType, byte[] content) {
    return of(mediaType, Digest.of(content), content.length);
  }

  /** A builder pre-filled with this descriptor's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A builder for a descriptor with the given required fields. */
  public static Builder builder(String mediaType, Digest digest, long size) {
    return new Builder(of(mediaType, digest, size));
  }

  /** The embedded data (a copy). */
  @Override
  public byte[] data() {
    return data.clone();
  }

  /** The platform, if any. */
  public Optional<Platform> platformOptional() {
    return Optional.ofNullable(platform);
  }

  /** The annotation with this key, if present. */
  public Optional<String> annotation(String key) {
    return Optional.ofNullable(annotations.get(key));
  }

  /** Same descriptor with only media type, digest and size (what a {@code subject} carries). */
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

    /** Sets the media type. */
    public Builder mediaType(String v) {
      mediaType = v;
      return this;
    }

    /** Sets digest and size together (they describe the same content). */
    public Builder content(Digest d, long s) {
      digest = d;
      size = s;
      return this;
    }

    /** Sets the alternate URLs. */
    public Builder urls(List<String> v) {
      urls = v;
      return this;
    }

    /** Replaces all annotations (null or empty removes them). */
    public Builder annotations(Map<String, String> v) {
      annotations.clear();
      if (v != null) {
        annotations.putAll(v);
      }
      return this;
    }

    /** Adds or replaces one annotation. */
    public Builder annotation(String key, String value) {
      annotations.put(key, value);
      return this;
    }

    /** Sets the embedded data. */
    public Builder data(byte[] v) {
      data = v;
      return this;
    }

    /** Sets the platform (null removes it). */
    public Builder platform(Platform v) {
      platform = v;
      return this;
    }

    /** Sets the artifact type (null or empty removes it). */
    public Builder artifactType(String v) {
      artifactType = v;
      return this;
    }

    /** Builds the descriptor. */
    public Descriptor build() {
      return new Descriptor(
          mediaType, digest, size, urls, annotations, data, platform, artifactType);
    }
  }
}
