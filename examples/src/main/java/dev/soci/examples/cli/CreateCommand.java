package dev.soci.examples.cli;

import dev.soci.oci.Descriptor;
import dev.soci.oci.build.SociOptions;
import dev.soci.oci.build.SociIndexCreator;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.store.ContentStore;
import dev.soci.oci.store.TransferProgress;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code soci create IMAGE}: adds v1 SOCI indexes to an image (see {@link SociIndexCreator}): in
 * a layout directory, listed in its {@code index.json}; in a registry ({@code docker://}),
 * pushed with their zTOCs and made discoverable as referrers of each manifest (the referrers
 * API, or the {@code sha256-<hex>} fallback tag). Prints {@code soci-index <digest>} per index;
 * skipped layers and reused zTOCs are reported on stderr, and progress when it is a terminal.
 */
@Command(
    name = "create",
    mixinStandardHelpOptions = true,
    description = "Build v1 SOCI indexes for an image and store them with it: in an OCI layout "
        + "directory (every image it lists), or pushed to the registry as referrers of the "
        + "image (docker://). zTOCs already there are reused unless --force.")
final class CreateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin BuildOptions build;

  @Mixin RegistryOptions registries;

  @Option(names = {"-q", "--quiet"}, description = "No progress on standard error.")
  boolean quiet;

  @Parameters(index = "0", paramLabel = "IMAGE", converter = ImageArgument.Converter.class,
      description = "OCI layout directory, or docker://HOST/REPO[:TAG][@DIGEST].")
  ImageArgument image;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SociOptions options = build.toOptions(spec.commandLine()); // usage errors before any I/O
    registries.validate(spec.commandLine());
    TransferProgress progress = ProgressReporter.forTerminal(err, quiet);
    SociIndexCreator creator = new SociIndexCreator(options, ProgressReporter.log(err, progress))
        .withProgress(progress);
    List<Descriptor> indexes;
    try (ContentStore store = ImageStores.open(image, registries)) {
      indexes = store instanceof OciLayout l ? creator.create(l)
          : creator.create(store, store.resolve(null));
    }
    for (Descriptor d : indexes) {
      out.println("soci-index " + d.digest());
    }
    out.flush();
    return 0;
  }
}
