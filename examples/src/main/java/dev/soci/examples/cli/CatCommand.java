package dev.soci.examples.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
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
 * zTOC are fetched whole. Read through the image's {@link dev.soci.oci.fs.SociFileSystem}. To
 * standard output, or {@code -o FILE}.
 */
@Command(
    name = "cat",
    mixinStandardHelpOptions = true,
    description = "Print one file of an image (layout or registry), fetching only the spans "
        + "that hold it through the image's SOCI index.")
final class CatCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin RegistryOptions registries;

  @Mixin ImageFileSystem images;

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
    try (ImageFileSystem.Opened img = images.open(image, registries, err)) {
      // Opened (path resolved, a regular file) before any output is created.
      try (InputStream in = Files.newInputStream(img.fs.getPath(path))) {
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
