package dev.soci.oci.build;

import dev.soci.oci.Descriptor;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.Platform;
import dev.soci.oci.index.SociIndexVersion;
import java.util.ArrayList;
import java.util.List;

/**
 * Which manifests of an image {@code create} and {@code convert} index: the one platform rule
 * of both flows.
 *
 * <p>An image manifest listed in an image index is chosen when the options index every
 * platform, or when its descriptor names a platform that {@link Platform#matches} one of the
 * options' platforms; an entry naming no platform is then not chosen (there is nothing to
 * match). SOCI indexes are never chosen ({@link SociIndexVersion#isImageManifest}).
 *
 * <p>An image that is a manifest by itself is always indexed, whatever the options' platforms
 * (the reference takes a single manifest's own platform as the default). The flows differ only
 * in where such an image comes from: {@code convert} and {@code create} of one image take the
 * image they are given; {@code create} over a whole layout takes each manifest {@code
 * index.json} lists directly as such an image when its entry names no platform, and applies
 * {@link #chosen(SociOptions, Descriptor)} when it names one (so {@code --platform} can leave a
 * listed manifest out).
 */
final class ManifestChoice {
  private ManifestChoice() {}

  /** Whether the options choose a listed image manifest by its descriptor's platform. */
  static boolean chosen(SociOptions options, Descriptor listed) {
    if (options.allPlatforms()) {
      return true;
    }
    if (listed.platform() == null) {
      return false;
    }
    for (Platform p : options.platforms()) {
      if (listed.platform().matches(p)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code create} over a layout indexes a manifest {@code index.json} lists itself. */
  static boolean chosenAtTop(SociOptions options, Descriptor listed) {
    return listed.platform() == null || chosen(options, listed);
  }

  /**
   * The image manifests of {@code index} the options choose, in listing order, each digest once.
   */
  static List<Descriptor> of(ImageIndex index, SociOptions options) {
    List<Descriptor> out = new ArrayList<>();
    for (Descriptor m : index.manifests()) {
      if (SociIndexVersion.isImageManifest(m) && chosen(options, m)
          && out.stream().noneMatch(c -> c.digest().equals(m.digest()))) {
        out.add(m);
      }
    }
    return out;
  }
}
