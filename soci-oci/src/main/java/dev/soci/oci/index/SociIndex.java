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
 * {@link #configBytes()} must be stored next to the index.
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

  private static final byte[] CONFIG_BYTES = "{}".getBytes(StandardCharsets.US_ASCII);

  /**
   * The index config blob, stored next to every SOCI index.
   *
   * @return a new copy of its bytes: the 2 bytes {@code {}}
   */
  public static byte[] configBytes() {
    return CONFIG_BYTES.clone();
  }

  /** Default minimum layer size below which layers get no zTOC, 10 MiB. */
  public static final long DEFAULT_MIN_LAYER_SIZE = 10L << 20;

  /**
   * Validates and copies.
   *
   * @param version v1 or v2; not null
   * @param ztocs zTOC descriptors in image-layer order, copied; not null
   * @param prefetches prefetch artifact descriptors, copied; null means none
   * @param subject the image manifest's descriptor for v1; must be null for v2
   * @param buildToolIdentifier the build-tool identifier; null or empty writes no annotation
   * @throws IllegalArgumentException if a v2 index is given a subject
   */
  public SociIndex {
    Objects.requireNonNull(version, "version");
    ztocs = List.copyOf(ztocs);
    prefetches = prefetches == null ? List.of() : List.copyOf(prefetches);
    buildToolIdentifier = Objects.requireNonNullElse(buildToolIdentifier, "");
    if (version == SociIndexVersion.V2 && subject != null) {
      throw new IllegalArgumentException("a v2 SOCI index has no subject");
    }
  }

  /**
   * A builder for an index of this version, with this library's build tool identifier ({@link
   * ZtocBuilder#DEFAULT_BUILD_TOOL_IDENTIFIER}).
   *
   * @param version the index's version
   * @return a new builder with no zTOCs, prefetches or subject
   */
  public static Builder builder(SociIndexVersion version) {
    return new Builder(version);
  }

  /**
   * The config descriptor of a SOCI index of this version: the {@code {}} blob.
   *
   * @param version the index's version, whose artifact type is the config's media type
   * @return the descriptor of {@link #configBytes()} with that media type
   */
  public static Descriptor configDescriptor(SociIndexVersion version) {
    return Descriptor.forContent(version.artifactType(), CONFIG_BYTES);
  }

  /**
   * The descriptor of a zTOC in the index: media type {@code application/octet-stream}, and
   * the layer digest, layer media type and span size annotations, plus
   * {@code com.amazon.soci.disable-xattrs: "true"} when {@code disableXattrs} (the reference's
   * experimental optimisation, for a layer with no xattrs and no opaque whiteout).
   *
   * @param ztocDigest digest of the zTOC blob
   * @param ztocSize size in bytes of the zTOC blob
   * @param layer the descriptor of the image layer the zTOC indexes
   * @param spanSize the span size the zTOC was built with, in uncompressed bytes
   * @param disableXattrs whether to add the {@code disable-xattrs} annotation
   * @return the zTOC's descriptor, as the index lists it
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
   *
   * @param prefetchJson the prefetch artifact's JSON bytes
   * @param layer the descriptor of the image layer the artifact belongs to
   * @return the artifact's descriptor, as the index lists it
   */
  public static Descriptor prefetchDescriptor(byte[] prefetchJson, Descriptor layer) {
    return Descriptor.forContent(MediaTypes.SOCI_PREFETCH, prefetchJson).toBuilder()
        .annotation(MediaTypes.ANNOTATION_IMAGE_LAYER_DIGEST, layer.digest().toString())
        .build();
  }

  /**
   * The index as an OCI image manifest.
   *
   * @return the manifest: the config descriptor, the zTOCs then the prefetches as layers, the
   *     subject without extras, and the build-tool annotation when set
   */
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

  /**
   * The index manifest's bytes.
   *
   * @return a fresh array of the index manifest's JSON, as {@link ImageManifest#toJson()} writes it
   */
  public byte[] toJson() {
    return toManifest().toJson();
  }

  /**
   * The index manifest's descriptor (media type OCI manifest, no artifact type).
   *
   * @return the descriptor of {@link #toJson()}
   */
  public Descriptor toDescriptor() {
    return toManifest().toDescriptor();
  }

  /**
   * Reads a SOCI index from its manifest.
   *
   * @param m a manifest read from a store
   * @return the index: layers of the prefetch media type as prefetches, the others as zTOCs; the
   *     subject dropped for v2
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

    /**
     * Appends a zTOC descriptor (see {@link #ztocDescriptor}); order = image layer order.
     *
     * @param d the zTOC's descriptor
     * @return this builder
     */
    public Builder addZtoc(Descriptor d) {
      ztocs.add(d);
      return this;
    }

    /**
     * Appends a prefetch artifact descriptor.
     *
     * @param d the prefetch artifact's descriptor (see {@link #prefetchDescriptor})
     * @return this builder
     */
    public Builder addPrefetch(Descriptor d) {
      prefetches.add(d);
      return this;
    }

    /**
     * Sets the subject (v1): the image manifest's descriptor; extras are dropped.
     *
     * @param d the image manifest's descriptor, or null for none
     * @return this builder
     */
    public Builder subject(Descriptor d) {
      subject = d;
      return this;
    }

    /**
     * Sets the build-tool identifier (empty to omit the annotation).
     *
     * @param v the identifier; null or empty omits the annotation
     * @return this builder
     */
    public Builder buildToolIdentifier(String v) {
      buildToolIdentifier = v;
      return this;
    }

    /**
     * Builds the index; a v1 index needs a subject.
     *
     * @return a new index of the builder's values
     * @throws IllegalStateException if a v1 index has no subject
     * @throws IllegalArgumentException if a v2 index has a subject
     */
    public SociIndex build() {
      if (version == SociIndexVersion.V1 && subject == null) {
        throw new IllegalStateException("a v1 SOCI index needs a subject");
      }
      return new SociIndex(version, ztocs, prefetches, subject, buildToolIdentifier);
    }
  }
}
