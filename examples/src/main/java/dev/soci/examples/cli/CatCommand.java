package dev.soci.examples.cli;

import dev.soci.oci.Platform;
import dev.soci.oci.image.SociImage;
import dev.soci.oci.store.ContentStore;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code soci cat IMAGE PATH}: one file of an image's merged root filesystem (layers applied
 * with their whiteouts, links followed), read lazily: through the image's SOCI index only the
 * spans holding the file are fetched, each verified against its span digest; layers without a
 * zTOC are fetched whole. To standard output, or {@code -o FILE}.
 */
@Command(
    name = "cat",
    mixinStandardHelpOptions = true,
    description = "Print one file of an image (layout or registry), fetching only the spans "
        + "that hold it through the image's SOCI index.")
final class CatCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin RegistryOptions registries;

  @Option(names = {"-q", "--quiet"}, description = "No notes on standard error.")
  boolean quiet;

  @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]",
      converter = BuildOptions.PlatformConverter.class,
      description = "The platform of a multi-platform image (default: the host's).")
  Platform platform;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "Write the file here (default: standard output).")
  Path output;

  @Parameters(index = "0", paramLabel = "IMAGE", converter = ImageArgument.Converter.class,
      description = "Layout directory or tar, oci-archive:PATH, or docker://HOST/REPO[:TAG].")
  ImageArgument image;

  @Parameters(index = "1", paramLabel = "PATH", description = "The file's path in the image.")
  String path;

  @Override
  public Integer call() throws Exception {
    registries.validate(spec.commandLine());
    PrintWriter err = spec.commandLine().getErr();
    try (ContentStore store = ImageStores.open(image, registries);
        SociImage img = SociImage.open(store, store.resolve(null),
            platform != null ? platform : Platform.host())) {
      if (!img.hasSociIndex() && !quiet) {
        err.println("soci: " + image + " has no SOCI index for " + img.manifest().digest()
            + ": its layers are fetched whole");
        err.flush();
      }
      // Opened (path resolved, a regular file) before any output is created.
      try (InputStream in = img.openFile(path)) {
        if (output != null) {
          AtomicOutput.write(output, in::transferTo);
        } else {
          java.io.BufferedOutputStream buffered = new java.io.BufferedOutputStream(
              ZtocGetFileCommand.stdout, 1 << 16);
          in.transferTo(buffered);
          buffered.flush();
        }
      }
    }
    return 0;
  }
}
