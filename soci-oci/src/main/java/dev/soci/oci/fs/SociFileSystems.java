package dev.soci.oci.fs;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Platform;
import dev.soci.oci.image.SociImage;
import dev.soci.oci.store.ContentStore;
import java.io.IOException;

/**
 * Makes {@link SociFileSystem}s: the merged root filesystem of an image from any {@link
 * ContentStore} (an {@link dev.soci.oci.layout.OciLayout}, a {@link
 * dev.soci.oci.registry.RegistryStore}...) as a read-only {@link java.nio.file.FileSystem}.
 *
 * <pre>{@code
 * try (OciLayout layout = OciLayout.open(dir);
 *     SociFileSystem fs = SociFileSystems.open(layout, layout.resolve("latest"), null);
 *     Stream<Path> files = Files.walk(fs.getPath("/"))) {
 *   PathMatcher m = fs.getPathMatcher("glob:**}{@code /*-release");
 *   files.filter(m::matches).forEach(p -> ...Files.readString(p)...);
 * }
 * }</pre>
 *
 * <p>These file systems are not registered with the provider (each is its caller's), so
 * several may show one image; their URIs ({@code soci:sha256:DIGEST!/PATH}) name them but do
 * not find them.
 */
public final class SociFileSystems {
  private SociFileSystems() {}

  /**
   * Opens {@code image} of {@code store} (for an image index, its manifest for {@code
   * platform}) with {@link SociImage}'s defaults; closing the file system closes the image,
   * not the store.
   *
   * @param store where the image's manifests, configs, layers and SOCI indexes are read from
   * @param image an image manifest, or an image index (then {@code platform} picks)
   * @param platform the platform to pick from an index; null means {@link Platform#host()}
   * @return a read-only file system over the image's merged layers, to be closed by the caller
   * @throws IOException if the image cannot be opened: no manifest for the platform, a malformed
   *     document, SOCI index or zTOC ({@link dev.soci.oci.OciException}), or a failing read of the
   *     store
   * @see SociImage#open(ContentStore, Descriptor, Platform)
   */
  public static SociFileSystem open(ContentStore store, Descriptor image, Platform platform)
      throws IOException {
    return of(SociImage.open(store, image, platform), true);
  }

  /**
   * A file system over an open image (opened with options through {@link SociImage#builder}).
   *
   * @param image the open image to show
   * @param closeImage whether closing the file system closes the image
   * @return a read-only file system over the image's merged layers
   */
  public static SociFileSystem of(SociImage image, boolean closeImage) {
    return new SociFileSystem(SociFileSystemProvider.instance(), image, closeImage, null,
        image.manifest().digest().toString(), false);
  }
}
