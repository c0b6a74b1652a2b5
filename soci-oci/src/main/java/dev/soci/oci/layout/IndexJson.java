package dev.soci.oci.layout;

import dev.soci.oci.Descriptor;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.index.SociIndexVersion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rules a layout applies to the entries of its {@code index.json}, for {@link OciLayout}
 * (which reads and rewrites the file) and {@link OciLayoutWriter} (which writes a new one):
 * which entry is the image, how a tag is listed, which entries can be referrers, how new
 * referrers are added.
 *
 * @param layout the layout, for messages
 * @param index the parsed {@code index.json}
 */
record IndexJson(Path layout, ImageIndex index) {

  /**
   * The image, as the reference's standalone convert resolves it: {@code index.json} must list
   * exactly one entry, an image index or a manifest.
   */
  Descriptor image() throws LayoutException {
    List<Descriptor> m = index.manifests();
    if (m.size() != 1) {
      throw new LayoutException(layout + ": index.json lists " + m.size()
          + " entries; expected exactly one image");
    }
    return requireImage(m.get(0));
  }

  /**
   * The one entry that is not a SOCI index (so a layout {@code create} added indexes to still
   * names its image).
   */
  Descriptor soleImage() throws LayoutException {
    List<Descriptor> images = new ArrayList<>();
    for (Descriptor d : index.manifests()) {
      if (!SociIndexVersion.isSociIndex(d)) {
        images.add(d);
      }
    }
    if (images.size() != 1) {
      throw new LayoutException(layout + ": index.json lists " + images.size() + " images"
          + " (not counting SOCI indexes); expected exactly one");
    }
    return requireImage(images.get(0));
  }

  private Descriptor requireImage(Descriptor d) throws LayoutException {
    if (!MediaTypes.isIndex(d.mediaType()) && !MediaTypes.isManifest(d.mediaType())) {
      throw new LayoutException(layout + ": index.json entry has unsupported media type \""
          + d.mediaType() + "\"");
    }
    return d;
  }

  /** The entry tagged {@code tag} ({@code org.opencontainers.image.ref.name}), if any. */
  Optional<Descriptor> tagged(String tag) {
    return index.manifests().stream()
        .filter(d -> tag.equals(d.annotations().get(MediaTypes.ANNOTATION_REF_NAME)))
        .findFirst();
  }

  /** {@code index.json} with {@code descriptor} listed under {@code tag}, replacing its entry. */
  ImageIndex withTag(Descriptor descriptor, String tag) {
    List<Descriptor> entries = new ArrayList<>();
    for (Descriptor d : index.manifests()) {
      if (!tag.equals(d.annotations().get(MediaTypes.ANNOTATION_REF_NAME))) {
        entries.add(d);
      }
    }
    entries.add(tagEntry(descriptor, tag));
    return index.withManifests(entries);
  }

  /** {@code index.json} with {@code referrers} listed last, each replacing its digest's entry. */
  ImageIndex withReferrers(List<Descriptor> referrers) {
    List<Descriptor> entries = new ArrayList<>(index.manifests());
    for (Descriptor d : referrers) {
      entries.removeIf(e -> e.digest().equals(d.digest()));
      entries.add(d);
    }
    return index.withManifests(entries);
  }

  /** The entry listing {@code descriptor} under {@code tag}: its core fields and the tag. */
  static Descriptor tagEntry(Descriptor descriptor, String tag) {
    return descriptor.withoutExtras().toBuilder()
        .annotations(Map.of(MediaTypes.ANNOTATION_REF_NAME, tag)).build();
  }

  /**
   * Whether a listed entry may be a referrer of {@code artifactType} (any when null): a
   * manifest with an {@code artifactType}. Whether it refers to a given subject is its
   * manifest's to say.
   */
  static boolean mayBeReferrer(Descriptor d, String artifactType) {
    return d.artifactType() != null && !d.artifactType().isEmpty()
        && MediaTypes.isManifest(d.mediaType())
        && (artifactType == null || artifactType.equals(d.artifactType()));
  }
}
