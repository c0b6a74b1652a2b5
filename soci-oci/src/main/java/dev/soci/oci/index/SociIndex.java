package dev.soci.oci.index;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MalformedJsonException;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciException;
import dev.soci.ztoc.ZtocBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A SOCI index: the zTOCs (and optional prefetch artifacts) of one image manifest, serialised
 * as an OCI image manifest whose config media type is the SOCI artifact type.
 *
 * <p>Build one with {@link #builder(SociIndexVersion)}, serialise with {@link #toManifest()} /
 * {@link #toJson()}; the result is byte-identical to the reference's. The config blob
 * {@link #CONFIG_BYTES} must be stored next to the index.
 *
 * @param version v1 (has a subject) or v2 (has none)
 * @param ztocs zTOC descriptors in image-layer order
 * @param prefetches prefetch artifact descriptors (written after the zTOCs)
 * @param subject the image manifest (v1 only), or null
 * @param buildToolIdentifier the build-tool identifier annotation value (empty: no annotation)
 */
public record SociIndex(
    SociIndexVersion version,
    List<Descriptor> ztocs,
    List<Descriptor> prefetches,
    Descriptor subject,
    String buildToolIdentifier) {

  /**
   * The build tool identifier the reference CLI writes: set it (on {@link
   * dev.soci.oci.build.SociOptions} or a {@link Builder}) for output byte-identical to the
   * reference's. Not a default: the default everywhere is {@link
   * dev.soci.ztoc.ZtocBuilder#DEFAULT_BUILD_TOOL_IDENTIFIER}, naming this library.
   */
  public static final String REFERENCE_BUILD_TOOL_IDENTIFIER = "AWS SOCI CLI v0.2";

  /** The index config blob: the 2 bytes {@code {}}. */
  public static final byte[] CONFIG_BYTES = "{}".getBytes(StandardCharsets.US_ASCII);

  /** Default minimum layer size below which layers get no zTOC, 10 MiB. */
  public static final long DEFAULT_MIN_LAYER_SIZE = 10L << 20;

  /** Validates and copies. */
  public SociIndex {
    Objects.requireNonNull(version, "version");
    ztocs = List.copyOf(ztocs);
    prefetches = prefetches == null ? List.of() : List.copyOf(prefetches);
    buildToolIdentifier = Objects.requireNonNullElse(buildToolIdentifier, "");
    if (version == SociIndexVersion.V2 && subject != null) {
      throw new IllegalArgumentException("a v2 SOCI index has no subject");
    }
  }

  /** A builder for an index of this version, with the reference build tool identifier. */
  public static Builder builder(SociIndexVersion version) {
    return new Builder(version);
  }

  /** The config descriptor of a SOCI index of this version: the {@code {}} blob. */
  public static Descriptor configDescriptor(SociIndexVersion version) {
    return Descriptor.forContent(version.artifactType(), CONFIG_BYTES);
  }

  /**
   * The descriptor of a zTOC in the index: media type {@code application/octet-stream}, and
   * the layer digest, layer media type and span size annotations, plus
   * {@code com.amazon.soci.disable-xattrs: "true"} when {@code disableXattrs} (the reference's
   * experimental optimisation, for a layer with no xattrs and no opaque whiteout).
   */
  public static Descriptor ztocDescriptor(
      Digest ztocDigest, long ztocSize, Descriptor layer, long spanSize, boolean disableXattrs) {
    Descriptor.Builder b = Descriptor.builder(MediaTypes.ZTOC, ztocDigest, ztocSize)
        .annotation(MediaTypes.ANNOTATION_IMAGE_LAYER_DIGEST, layer.digest().toString())
        .annotation(MediaTypes.ANNOTATION_IMAGE_LAYER_MEDIA_TYPE, layer.mediaType())
        .annotation(MediaTypes.ANNOTATION_SPAN_SIZE, Long.toString(spanSize));
    if (disableXattrs) {
      b.annotation(MediaTypes.ANNOTATION_DISABLE_XATTRS, "true");
    }
    return b.build();
  }

  /**
   * The descriptor of a prefetch artifact: its media type and the digest of the layer it
   * belongs to.
   */
  public static Descriptor prefetchDescriptor(byte[] prefetchJson, Descriptor layer) {
    return Descriptor.forContent(MediaTypes.SOCI_PREFETCH, prefetchJson).toBuilder()
        .annotation(MediaTypes.ANNOTATION_IMAGE_LAYER_DIGEST, layer.digest().toString())
        .build();
  }

  /** The index as an OCI image manifest. */
  public ImageManifest toManifest() {
    List<Descriptor> layers = new ArrayList<>(ztocs);
    layers.addAll(prefetches);
    Map<String, String> annotations = new LinkedHashMap<>();
    if (!buildToolIdentifier.isEmpty()) {
      annotations.put(MediaTypes.ANNOTATION_BUILD_TOOL_IDENTIFIER, buildToolIdentifier);
    }
    return new ImageManifest(2, MediaTypes.OCI_MANIFEST, "", configDescriptor(version), layers,
        subject == null ? null : subject.withoutExtras(), annotations);
  }

  /** The index manifest's bytes. */
  public byte[] toJson() {
    return toManifest().toJson();
  }

  /** The index manifest's descriptor (media type OCI manifest, no artifact type). */
  public Descriptor toDescriptor() {
    return toManifest().toDescriptor();
  }

  /**
   * Reads a SOCI index from its manifest.
   *
   * @throws OciException if the config media type is not a SOCI artifact type
   */
  public static SociIndex fromManifest(ImageManifest m) throws OciException {
    SociIndexVersion v = SociIndexVersion.fromArtifactType(m.config().mediaType());
    if (v == null) {
      throw new MalformedJsonException("not a SOCI index: config media type is \""
          + m.config().mediaType() + "\"");
    }
    List<Descriptor> z = new ArrayList<>();
    List<Descriptor> p = new ArrayList<>();
    for (Descriptor d : m.layers()) {
      (MediaTypes.SOCI_PREFETCH.equals(d.mediaType()) ? p : z).add(d);
    }
    return new SociIndex(v, z, p, v == SociIndexVersion.V2 ? null : m.subject(),
        m.annotations().getOrDefault(MediaTypes.ANNOTATION_BUILD_TOOL_IDENTIFIER, ""));
  }

  /** Builds a {@link SociIndex}. */
  public static final class Builder {
    private final SociIndexVersion version;
    private final List<Descriptor> ztocs = new ArrayList<>();
    private final List<Descriptor> prefetches = new ArrayList<>();
    private Descriptor subject;
    private String buildToolIdentifier = ZtocBuilder.DEFAULT_BUILD_TOOL_IDENTIFIER;

    private Builder(SociIndexVersion version) {
      this.version = version;
    }

    /** Appends a zTOC descriptor (see {@link #ztocDescriptor}); order = image layer order. */
    public Builder addZtoc(Descriptor d) {
      ztocs.add(d);
      return this;
    }

    /** Appends a prefetch artifact descriptor. */
    public Builder addPrefetch(Descriptor d) {
      prefetches.add(d);
      return this;
    }

    /** Sets the subject (v1): the image manifest's descriptor; extras are dropped. */
    public Builder subject(Descriptor d) {
      subject = d;
      return this;
    }

    /** Sets the build-tool identifier (empty to omit the annotation). */
    public Builder buildToolIdentifier(String v) {
      buildToolIdentifier = v;
      return this;
    }

    /** Builds the index; a v1 index needs a subject. */
    public SociIndex build() {
      if (version == SociIndexVersion.V1 && subject == null) {
        throw new IllegalStateException("a v1 SOCI index needs a subject");
      }
      return new SociIndex(version, ztocs, prefetches, subject, buildToolIdentifier);
    }
  }
}
