package dev.soci.oci.build;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciException;
import dev.soci.oci.Platform;
import dev.soci.oci.store.ContentStore;
import dev.soci.oci.index.SociIndex;
import dev.soci.oci.index.SociIndexVersion;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A SOCI index found for an image: in a store's listing ({@link #findAll(ContentStore)}),
 * where {@code create} and {@code convert} put them (v1 indexes in {@code index.json} itself, v2
 * indexes in an image index it lists), or for one image of any store ({@link
 * #find(ContentStore, Descriptor)}: v2 through the manifests' {@code
 * com.amazon.soci.index-digest} annotation and the image index's entries, v1 through the
 * referrers of each manifest). Listed indexes are recognised by their descriptor's {@code
 * artifactType}.
 *
 * @param descriptor the index manifest's descriptor as listed
 * @param index the parsed (digest-verified) index
 * @param imageManifest the image manifest it serves: the subject (v1) or the {@code
 *     com.amazon.soci.image-manifest-digest} annotation (v2); null when unknown
 * @param platform the platform: the v2 descriptor's, or that of the v1 subject's entry in an
 *     image index of the layout; null when unknown
 */
public record FoundSociIndex(
    Descriptor descriptor, SociIndex index, Digest imageManifest, Platform platform) {

  /**
   * Every SOCI index a store lists ({@link ContentStore#listing()}: a layout's {@code
   * index.json}), in listing order (the entries, then the entries of each image index listed),
   * each once. Unlike {@link #find}, strict: the listing is the store's own, so a bad entry is
   * an error rather than someone else's referrer to pass over.
   *
   * @param store the store whose listing is searched; it must have one
   * @return the indexes found, unmodifiable, in listing order; empty when there are none
   * @throws dev.soci.oci.store.BlobNotFoundException when a listed index or image index blob
   *     is missing
   * @throws OciException when one is corrupt or not a SOCI index, or the store cannot list
   *     its content (a registry)
   * @throws IOException when the store cannot be read (file system or network)
   */
  public static List<FoundSociIndex> findAll(ContentStore store) throws IOException {
    List<Descriptor> listed = store.listing().orElseThrow(() -> new OciException(store.name()
        + " cannot list its content: find the SOCI indexes of one of its images instead"));
    List<Descriptor> sociDescriptors = new ArrayList<>();
    Map<Digest, Platform> platforms = new LinkedHashMap<>();
    for (Descriptor d : listed) {
      if (SociIndexVersion.isSociIndex(d)) {
        sociDescriptors.add(d);
      } else if (MediaTypes.isIndex(d.mediaType())) {
        ImageIndex nested = store.readImageIndex(d);
        for (Descriptor n : nested.manifests()) {
          if (SociIndexVersion.isSociIndex(n)) {
            sociDescriptors.add(n);
          } else if (n.platform() != null) {
            platforms.putIfAbsent(n.digest(), n.platform());
          }
        }
      }
    }
    Map<Digest, FoundSociIndex> found = new LinkedHashMap<>();
    for (Descriptor d : sociDescriptors) {
      if (found.containsKey(d.digest())) {
        continue;
      }
      SociIndex index = SociIndex.fromManifest(store.readManifest(d));
      String named = d.annotations().get(MediaTypes.ANNOTATION_IMAGE_MANIFEST_DIGEST);
      Digest hint = index.subject() == null && named != null ? Digest.parse(named) : null;
      found.put(d.digest(), found(d, index, hint, platforms));
    }
    return List.copyOf(found.values());
  }

  /**
   * The SOCI indexes of the image {@code image} of {@code store}: for each of its manifests
   * (the image itself, or every manifest its index lists), the v2 index its {@code
   * com.amazon.soci.index-digest} annotation names, then its v1 referrers; and the v2 indexes
   * the image index lists. Each once, in that order; each read and digest-verified. Candidates
   * that are missing, corrupt or not SOCI indexes are passed over (anyone who can push to a
   * repository can add a referrer: one bad one must not hide the good ones).
   *
   * @param store the store holding the image and its indexes
   * @param image the descriptor of the image: a manifest or an image index
   * @return the indexes found, unmodifiable, in the order above; empty when there are none
   * @throws IOException when the image or one of its manifests cannot be read (missing,
   *     corrupt, or the store fails); bad candidate indexes are passed over instead
   */
  public static List<FoundSociIndex> find(ContentStore store, Descriptor image)
      throws IOException {
    return find(store, image, msg -> { });
  }

  /**
   * {@link #find(ContentStore, Descriptor)}, telling {@code log} about each candidate passed
   * over and why.
   *
   * @param store the store holding the image and its indexes
   * @param image the descriptor of the image: a manifest or an image index
   * @param log told, in one line each, which candidate was passed over and why
   * @return the indexes found, unmodifiable, in the order of the two-argument {@code find}
   * @throws IOException when the image or one of its manifests cannot be read (missing,
   *     corrupt, or the store fails); bad candidate indexes are passed over instead
   */
  public static List<FoundSociIndex> find(ContentStore store, Descriptor image,
      java.util.function.Consumer<String> log) throws IOException {
    List<Descriptor> manifests = new ArrayList<>();
    Map<Digest, Platform> platforms = new LinkedHashMap<>();
    Map<Digest, Candidate> candidates = new LinkedHashMap<>();
    List<Descriptor> listedV2 = new ArrayList<>();
    if (MediaTypes.isIndex(image.mediaType())) {
      for (Descriptor n : store.readImageIndex(image).manifests()) {
        if (SociIndexVersion.isSociIndex(n)) {
          listedV2.add(n);
        } else if (SociIndexVersion.isImageManifest(n)) {
          manifests.add(n);
          if (n.platform() != null) {
            platforms.putIfAbsent(n.digest(), n.platform());
          }
        }
      }
    } else if (SociIndexVersion.isImageManifest(image)) {
      manifests.add(image);
    }
    Map<Digest, Descriptor> listedByDigest = new LinkedHashMap<>();
    listedV2.forEach(d -> listedByDigest.putIfAbsent(d.digest(), d));
    for (Descriptor m : manifests) {
      String v2 = store.readManifest(m).annotations().get(MediaTypes.ANNOTATION_INDEX_DIGEST);
      if (v2 != null) {
        try {
          Digest d = Digest.parse(v2);
          Descriptor listed = listedByDigest.get(d);
          if (listed == null) {
            listed = store.resolve(d.toString());
          }
          candidates.putIfAbsent(d, new Candidate(listed, m.digest()));
        } catch (OciException e) {
          log.accept("manifest " + m.digest() + " names SOCI index " + v2 + ", passed over: "
              + e.getMessage());
        }
      }
      for (Descriptor r : store.referrers(m.digest(), SociIndexVersion.V1.artifactType())) {
        candidates.putIfAbsent(r.digest(), new Candidate(r, m.digest()));
      }
    }
    for (Descriptor d : listedV2) {
      String m = d.annotations().get(MediaTypes.ANNOTATION_IMAGE_MANIFEST_DIGEST);
      Digest manifest = null;
      try {
        manifest = m == null ? null : Digest.parse(m);
      } catch (OciException e) {
        log.accept("SOCI index " + d.digest() + " names no valid image manifest: " + m);
      }
      candidates.putIfAbsent(d.digest(), new Candidate(d, manifest));
    }
    List<FoundSociIndex> found = new ArrayList<>();
    for (Candidate c : candidates.values()) {
      SociIndex index;
      try {
        index = SociIndex.fromManifest(store.readManifest(c.descriptor()));
      } catch (OciException e) {
        log.accept("SOCI index " + c.descriptor().digest() + " passed over: " + e.getMessage());
        continue;
      }
      found.add(found(c.descriptor(), index, c.manifest(), platforms));
    }
    return List.copyOf(found);
  }

  private record Candidate(Descriptor descriptor, Digest manifest) {}

  /**
   * What both finders report for a listed index: the image manifest it serves is its subject
   * (v1), else {@code manifestHint} (what the listing says, v2); its platform is the listed
   * descriptor's, else that of the manifest's entry in an image index.
   */
  private static FoundSociIndex found(Descriptor listed, SociIndex index, Digest manifestHint,
      Map<Digest, Platform> platforms) {
    Digest manifest = index.subject() != null ? index.subject().digest() : manifestHint;
    Platform platform = listed.platform();
    if (platform == null && manifest != null) {
      platform = platforms.get(manifest);
    }
    return new FoundSociIndex(listed, index, manifest, platform);
  }
}
