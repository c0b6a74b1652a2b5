package dev.soci.oci;

import dev.soci.oci.internal.GoJsonReader;
import dev.soci.oci.internal.GoJson;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * An image index (OCI, or Docker manifest list), also the shape of an image layout's
 * {@code index.json} and of a registry's referrers response.
 *
 * <p>Serialised like Go's OCI {@code Index} struct: {@code schemaVersion, mediaType,
 * artifactType, manifests, subject, annotations}; {@code manifests} is always written
 * ({@code []} when empty).
 *
 * @param schemaVersion always 2 in practice
 * @param mediaType optional media type (empty when absent, as in many {@code index.json} files)
 * @param artifactType optional artifact type
 * @param manifests the listed descriptors
 * @param subject optional subject, or null
 * @param annotations optional annotations
 */
public record ImageIndex(
    int schemaVersion,
    String mediaType,
    String artifactType,
    List<Descriptor> manifests,
    Descriptor subject,
    Map<String, String> annotations) {

  /**
   * Validates and defensively copies.
   *
   * @param schemaVersion the schema version, written as given (2 in practice)
   * @param mediaType the index's media type; null is stored as empty
   * @param artifactType the artifact type; null is stored as empty
   * @param manifests the listed descriptors, copied; null means none
   * @param subject the subject, or null for none
   * @param annotations annotations, copied; null means none
   */
  public ImageIndex {
    mediaType = Objects.requireNonNullElse(mediaType, "");
    artifactType = Objects.requireNonNullElse(artifactType, "");
    manifests = manifests == null ? List.of() : List.copyOf(manifests);
    annotations = Descriptor.copy(annotations);
  }

  /**
   * An OCI image index (schema 2, OCI media type) listing {@code manifests}.
   *
   * @param manifests the descriptors to list, in order
   * @return an index with no artifact type, subject or annotations
   */
  public static ImageIndex of(List<Descriptor> manifests) {
    return new ImageIndex(2, MediaTypes.OCI_INDEX, "", manifests, null, null);
  }

  /**
   * Parses an index.
   *
   * @param json the index's JSON bytes
   * @return the parsed index; unknown fields are dropped
   * @throws MalformedJsonException on malformed JSON or a wrong field type
   * @throws InvalidDigestException on an invalid digest in any descriptor
   */
  public static ImageIndex parse(byte[] json) throws OciException {
    return GoJsonReader.readIndex(json);
  }

  /**
   * The Go-identical JSON bytes (no whitespace, no trailing newline).
   *
   * @return a fresh array of the index serialised as Go's {@code encoding/json} would
   */
  public byte[] toJson() {
    return GoJson.writeIndex(this);
  }

  /**
   * The descriptor of {@link #toJson()}, with the OCI index media type when none is set.
   *
   * @return a descriptor of the JSON's sha256 digest and length
   */
  public Descriptor toDescriptor() {
    return Descriptor.forContent(mediaType.isEmpty() ? MediaTypes.OCI_INDEX : mediaType, toJson());
  }

  /**
   * Same index with other manifests.
   *
   * @param v the descriptors to list instead
   * @return a new index with this one's other fields
   */
  public ImageIndex withManifests(List<Descriptor> v) {
    return new ImageIndex(schemaVersion, mediaType, artifactType, v, subject, annotations);
  }

  /**
   * The listed descriptors accepted by {@code filter}, in order.
   *
   * @param filter which descriptors to keep
   * @return an unmodifiable list of the accepted descriptors
   */
  public List<Descriptor> manifests(Predicate<Descriptor> filter) {
    return manifests.stream().filter(filter).toList();
  }

  /**
   * Image manifests (OCI or Docker) whose platform matches {@code platform}, in order.
   *
   * @param platform the platform wanted; see {@link Platform#matches(Platform)}
   * @return an unmodifiable list of the matching manifests' descriptors; empty when none matches
   */
  public List<Descriptor> manifestsFor(Platform platform) {
    return manifests(
        d -> MediaTypes.isManifest(d.mediaType())
            && d.platform() != null
            && d.platform().matches(platform));
  }
}
