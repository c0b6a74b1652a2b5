package dev.soci.examples.cli;

import dev.soci.oci.layout.LayoutException;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.registry.RegistryStore;
import dev.soci.oci.store.ContentStore;
import java.io.IOException;
import java.nio.file.Files;

/** Opens the store an {@link ImageArgument} names. */
final class ImageStores {
  private ImageStores() {}

  /** The layout or registry repository; close it when done. */
  static ContentStore open(ImageArgument image, RegistryOptions registries) throws IOException {
    if (image.isRegistry()) {
      return RegistryStore.of(registries.client(image.reference().registry()),
          image.reference());
    }
    if (image.archive() && Files.isDirectory(image.path())) {
      throw new LayoutException(image.path() + " is a directory, not an oci-archive");
    }
    return OciLayout.open(image.path());
  }
}
