package dev.soci.oci;

import dev.soci.oci.internal.GoJsonReader;
import dev.soci.oci.internal.GoJson;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An image manifest (OCI, or Docker v2 schema 2 which shares the shape). A SOCI index is also
 * serialised as one.
 *
 * <p>{@link #parse(byte[])} ignores unknown fields, and {@link #toJson()} writes exactly what
 * Go's {@code encoding/json} writes for the OCI {@code Manifest} struct (field order
 * {@code schemaVersion, mediaType, artifactType, config, layers, subject, annotations}). So a
 * manifest holding only known fields round-trips byte for byte, and one with unknown fields is
 * re-serialised the way the reference does (without them).
 *
 * @param schemaVersion always 2 in practice; always serialised
 * @param mediaType optional media type (empty when absent)
 * @param artifactType optional artifact type
 * @param config the config descriptor
 * @param layers the layer descriptors ({@code layers} is always serialised, {@code []} when empty)
 * @param subject optional subject (SOCI index v1 points at the image manifest), or null
 * @param annotations optional annotations
 */
public record ImageManifest(
    int schemaVersion,
    String mediaType,
    String artifactType,
    Descriptor config,
    List<Descriptor> layers,
    Descriptor subject,
    Map<String, String> annotations) {

  /**
   * Validates and defensively copies.
   *
   * @param schemaVersion the schema version, written as given (2 in practice)
   * @param mediaType the manifest's media type; null is stored as empty
   * @param artifactType the artifact type; null is stored as empty
   * @param config the config descriptor; not null
   * @param layers the layer descriptors, copied; null means none
   * @param subject the subject, or null for none
   * @param annotations annotations, copied; null means none
   */
  public ImageManifest {
    mediaType = Objects.requireNonNullElse(mediaType, "");
    artifactType = Objects.requireNonNullElse(artifactType, "");
    Objects.requireNonNull(config, "config");
    layers = layers == null ? List.of() : List.copyOf(layers);
    annotations = Descriptor.copy(annotations);
  }

  /**
   * Parses a manifest.
   *
   * @param json the manifest's JSON bytes
   * @return the parsed manifest; unknown fields are dropped
   * @throws MalformedJsonException on malformed JSON, a wrong field type or a missing config
   * @throws InvalidDigestException on an invalid digest in any descriptor
   */
  public static ImageManifest parse(byte[] json) throws OciException {
    return GoJsonReader.readManifest(json);
  }

  /**
   * The Go-identical JSON bytes (no whitespace, no trailing newline).
   *
   * @return a fresh array of the manifest serialised as Go's {@code encoding/json} would
   */
  public byte[] toJson() {
    return GoJson.writeManifest(this);
  }

  /**
   * The descriptor of {@link #toJson()} with this manifest's media type.
   *
   * @return a descriptor of the JSON's sha256 digest and length
   */
  public Descriptor toDescriptor() {
    return Descriptor.forContent(mediaType, toJson());
  }

  /**
   * The subject, if any.
   *
   * @return the subject, or empty when the manifest has none
   */
  public Optional<Descriptor> subjectOptional() {
    return Optional.ofNullable(subject);
  }

  /**
   * Same manifest with another media type.
   *
   * @param v the new media type; null means none
   * @return a new manifest with this one's other fields
   */
  public ImageManifest withMediaType(String v) {
    return new ImageManifest(schemaVersion, v, artifactType, config, layers, subject, annotations);
  }

  /**
   * Same manifest with another config descriptor.
   *
   * @param v the new config descriptor; not null
   * @return a new manifest with this one's other fields
   */
  public ImageManifest withConfig(Descriptor v) {
    return new ImageManifest(schemaVersion, mediaType, artifactType, v, layers, subject, annotations);
  }

  /**
   * Same manifest with other annotations.
   *
   * @param v the new annotations, copied; null means none
   * @return a new manifest with this one's other fields
   */
  public ImageManifest withAnnotations(Map<String, String> v) {
    return new ImageManifest(schemaVersion, mediaType, artifactType, config, layers, subject, v);
  }
}
