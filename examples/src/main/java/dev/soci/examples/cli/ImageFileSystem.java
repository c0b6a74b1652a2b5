package dev.soci.examples.cli;

import dev.soci.oci.Platform;
import dev.soci.oci.fs.SociFileSystem;
import dev.soci.oci.fs.SociFileSystems;
import dev.soci.oci.store.ContentStore;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/**
 * The options and opening shared by the commands that read an image's files ({@code cat},
 * {@code ls}, {@code cp}, {@code du}): the image's merged root filesystem as a {@link
 * SociFileSystem}, over the store the IMAGE argument names.
 */
final class ImageFileSystem {
  @Option(names = {"-q", "--quiet"}, description = "No notes on standard error.")
  boolean quiet;

  @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]",
      converter = BuildOptions.PlatformConverter.class,
      description = "The platform of a multi-platform image (default: the host's).")
  Platform platform;

  /** An open store and the file system over its image; closing closes both. */
  static final class Opened implements AutoCloseable {
    final ContentStore store;
    final SociFileSystem fs;

    Opened(ContentStore store, SociFileSystem fs) {
      this.store = store;
      this.fs = fs;
    }

    @Override
    public void close() throws IOException {
      try {
        fs.close();
      } finally {
        store.close();
      }
    }
  }

  /**
   * Opens {@code image}'s file system; says on {@code err} (unless quiet) when the image has no
   * SOCI index, so every layer will be fetched whole.
   */
  Opened open(ImageArgument image, RegistryOptions registries, PrintWriter err)
      throws IOException {
    ContentStore store = ImageStores.open(image, registries);
    try {
      SociFileSystem fs = SociFileSystems.open(store, store.resolve(null),
          platform != null ? platform : Platform.host());
      if (!fs.image().hasSociIndex() && !quiet) {
        err.println("soci: " + image + " has no SOCI index for " + fs.image().manifest().digest()
            + ": its layers are fetched whole");
        err.flush();
      }
      return new Opened(store, fs);
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
  }
}
